"""Who is looking: the viewer every read of student data is scoped by (ARCHITECTURE.md section 7).

A :class:`Viewer` is plain data, built once per page run (``collabplan.ui`` makes it from the
signed-in person, or :meth:`Viewer.local` when the app runs without sign-in as a single-user
tool on 127.0.0.1). Queries take it as an argument and never look it up themselves, so every
rule below is enforced where the data is read and is testable without Streamlit.

Roles:

- ``leader``: the whole school; priorities, signposts, deleting uploads, managing people.
- ``coach``: every team's aggregates and goals; no student-level lists or exports.
- ``teacher``: the students and uploads of their own teams; every team's goals and feedback
  on the board, never another team's student rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from collabplan.errors import UserError

Role = Literal["leader", "coach", "teacher"]

#: The one line a coach (or a projected screen) reads where a student list would be.
NO_STUDENT_LISTS = "Student lists are for the team's teachers and leaders"
ROLES: tuple[Role, ...] = ("leader", "coach", "teacher")


@dataclass(frozen=True)
class Viewer:
    """The person a page or command works for.

    ``team_ids``: the teams a teacher belongs to (empty for leaders and coaches, who are not
    limited by team). ``local``: the app runs without sign-in (one person at this computer).
    ``projection``: the screen is shown to a room: no names, small groups suppressed.
    """

    email: str | None
    role: Role
    name: str | None = None
    team_ids: frozenset[int] = field(default_factory=frozenset)
    local: bool = False
    projection: bool = False

    @classmethod
    def local_user(cls, *, projection: bool = False) -> Viewer:
        """The one person of an app without sign-in: a leader, as the app has always been."""
        return cls(email=None, role="leader", name=None, local=True, projection=projection)

    @property
    def who(self) -> str | None:
        """What the audit log records for this person (None: "someone at the school")."""
        return self.email

    @property
    def sees_every_team(self) -> bool:
        """Leaders and coaches read every team's rows (coaches as aggregates only)."""
        return self.role in ("leader", "coach")

    @property
    def sees_students(self) -> bool:
        """May this person see student-level rows (names, ids, one student's scores)?"""
        return self.role != "coach" and not self.projection

    @property
    def suppresses(self) -> bool:
        """Are figures from small groups suppressed for this person (section 7)?"""
        return self.projection or self.role == "coach"

    def can_see_team(self, team_id: int | None) -> bool:
        """May this person see the student rows of ``team_id``'s uploads?"""
        if self.role == "leader":
            return True
        if self.role == "coach":
            return False
        return team_id is not None and team_id in self.team_ids

    def with_projection(self, on: bool) -> Viewer:
        """The same person with projection mode ``on``."""
        return Viewer(self.email, self.role, self.name, self.team_ids, self.local, on)

    @property
    def team_scope(self) -> frozenset[int] | None:
        """The teams whose uploads this person's reads are limited to (None: every team).

        A teacher reads only their own teams' uploads, aggregates included; leaders and
        coaches read every team (a coach as aggregates only, see :meth:`require_students`).
        """
        return None if self.sees_every_team else self.team_ids

    def require_students(self) -> None:
        """Refuse a student-level list (names, ids, one student's scores) to a coach or in
        projection mode, with one line the page or the command line shows."""
        if self.role == "coach":
            raise UserError(NO_STUDENT_LISTS, kind="access")
        if self.projection:
            raise UserError(
                "Student lists are not shown in projection mode", kind="access"
            )

    def can_edit_team(self, team_id: int | None) -> bool:
        """May this person write for ``team_id`` (its goals, actions, notes, feedback)?

        Leaders: every team. Teachers: their own teams. Coaches: none (they read and advise;
        their feedback is posted without a team, see goals.feedback).
        """
        if self.role == "leader":
            return True
        return self.role == "teacher" and team_id is not None and team_id in self.team_ids

    def require_team(self, team_id: int | None, what: str = "change this") -> None:
        """Refuse a write for a team this person does not belong to (one line)."""
        if not self.can_edit_team(team_id):
            raise UserError(f"Only the team's own teachers and leaders can {what}", kind="access")

    def require_goal_team(self, team_id: int | None, by_team_id: int | None = None) -> None:
        """Refuse a change to ``team_id``'s goal by someone outside the team (a leader may
        change any team's), or made in the name of a team (``by_team_id``) they are not in."""
        self.require_team(team_id, "change this team's goal")
        if by_team_id is not None and by_team_id != team_id:
            self.require_team(by_team_id, "act for that team")
