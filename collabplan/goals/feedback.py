"""Feedback on a posted goal: other teams' suggestions, resources and questions, and the
owning team's answers.
"""

from __future__ import annotations

import pandas as pd

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.model import LOCAL, get_goal

FEEDBACK_KINDS = ("suggestion", "resource", "question")


def add_feedback(
    db: Database, goal_id: int, from_team_id: int | None, kind: str, body: str,
    *, viewer: Viewer = LOCAL,
) -> int:
    """Another team's suggestion, resource or question on a posted goal, signed by ``viewer``.

    A teacher posts as one of their own teams; a leader as any team; a coach (who belongs to
    no team) posts with no team, as themselves. The person's email is kept beside the team.
    """
    goal = get_goal(db, goal_id)
    if from_team_id is None:
        if viewer.role == "teacher":
            raise UserError("choose which of your teams the feedback comes from", kind="input")
    elif viewer.role == "coach" or not viewer.can_edit_team(from_team_id):
        raise UserError("You can post feedback only as one of your own teams", kind="access")
    if kind not in FEEDBACK_KINDS:
        raise UserError(f"feedback is a {', a '.join(FEEDBACK_KINDS)}, not {kind!r}", kind="input")
    body = (body or "").strip()
    if not body:
        raise UserError("write the suggestion, resource or question first", kind="input")
    if from_team_id == goal.team_id:
        raise UserError("feedback comes from other teams; the owning team answers it", kind="input")
    with db.transaction() as cur:
        return int(
            cur.execute(
                "INSERT INTO feedback (goal_id, from_team_id, kind, body, posted_by)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                [goal_id, from_team_id, kind, body, viewer.who],
            ).fetchone()[0]
        )


def list_feedback(db: Database, goal_id: int) -> pd.DataFrame:
    return db.query(
        "SELECT f.id, t.name AS team, f.posted_by AS who, f.kind, f.body, f.created_at,"
        " f.answered, f.answer"
        " FROM feedback f LEFT JOIN team t ON t.id = f.from_team_id WHERE f.goal_id = ?"
        " ORDER BY f.answered, f.id",
        [goal_id],
    )


def answer_feedback(
    db: Database, feedback_id: int, answer: str | None = None, by_team_id: int | None = None,
    *, viewer: Viewer = LOCAL,
) -> None:
    """The owning team marks a piece of feedback answered (with an optional reply)."""
    row = db.rows("SELECT goal_id FROM feedback WHERE id = ?", [feedback_id])
    if not row:
        raise UserError(f"there is no feedback {feedback_id}", kind="state")
    goal = get_goal(db, int(row[0][0]))
    viewer.require_goal_team(goal.team_id)
    if by_team_id is not None and by_team_id != goal.team_id:
        raise UserError(
            "only the team that owns the goal marks its feedback answered",
            kind="input",
        )
    with db.transaction() as cur:
        cur.execute(
            "UPDATE feedback SET answered = true, answer = ? WHERE id = ?",
            [(answer or "").strip() or None, feedback_id],
        )

