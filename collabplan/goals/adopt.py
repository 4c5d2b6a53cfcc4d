"""Ideas that spread on the goal board: a team adopts another team's action, or a suggestion
or resource left as feedback, into one of its own goals' action plans.

The adopted action is the adopting team's own (its who, dates and status are theirs to set;
it starts "planned") and keeps where it came from (migration 0013: ``adopted_from_action_id``
or ``adopted_from_feedback_id``, and ``adopted_at``), so the board shows the spread on both
sides: "Adopted by Grade 4 Math (5 December 2026)" on the source, "from Grade 3 Reading's goal"
on the copy. Adopting the same idea into the same goal twice (a double click) gives back the
action already made. Each adoption and its undo is written to the goal's history and the
audit log, with the person.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from collabplan import audit
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.model import LOCAL, get_goal, record_revision

#: Feedback that names something to try (a question is answered, not adopted).
ADOPTABLE_FEEDBACK = ("suggestion", "resource")
#: Longest action text made from feedback (the rest stays in the feedback itself).
MAX_WHAT = 300


#: Per source column: (find the copy already made, make the copy). Fixed text, no input.
_SQL = {
    column: (
        f"SELECT id FROM action WHERE goal_id = ? AND {column} = ? ORDER BY id LIMIT 1",  # noqa: S608 (fixed column names)
        f"INSERT INTO action (goal_id, what, status, added_by, {column}, adopted_at)"  # noqa: S608 (fixed column names)
        " VALUES (?, ?, 'planned', ?, ?, current_timestamp) RETURNING id",
    )
    for column in ("adopted_from_action_id", "adopted_from_feedback_id")
}


def _existing(cur: Any, goal_id: int, column: str, source_id: int) -> int | None:
    row = cur.execute(_SQL[column][0], [goal_id, source_id]).fetchone()
    return int(row[0]) if row else None


def _adopt(db: Database, goal_id: int, what: str, column: str, source_id: int,
           source_words: str, by_team_id: int | None, viewer: Viewer) -> int:
    goal = get_goal(db, goal_id)
    viewer.require_goal_team(goal.team_id, by_team_id)
    with db.transaction() as cur:
        # the write lock makes check-then-insert one step: a second click finds the first
        found = _existing(cur, goal_id, column, source_id)
        if found is not None:
            return found
        new_id = int(cur.execute(_SQL[column][1],
                                 [goal_id, what, viewer.who, source_id]).fetchone()[0])
        record_revision(cur, goal, by_team_id if by_team_id is not None else goal.team_id,
                        f"adopted an action from {source_words}: {what}", viewer.who)
        audit.record(cur, viewer.who, "adopt",
                     f"action {new_id} on goal {goal_id} from {source_words} "
                     f"({column.removeprefix('adopted_from_').removesuffix('_id')} {source_id})")
    return new_id


def adopt_action(db: Database, action_id: int, goal_id: int, *, by_team_id: int | None = None,
                 viewer: Viewer = LOCAL) -> int:
    """Copy another team's action into ``goal_id``'s plan (a goal of the viewer's team);
    returns the new action's id, or the one adopted before from the same action."""
    src = db.rows(
        "SELECT a.what, g.team_id, t.name FROM action a JOIN goal g ON g.id = a.goal_id"
        " LEFT JOIN team t ON t.id = g.team_id WHERE a.id = ?", [action_id])
    if not src:
        raise UserError("that action is no longer on the board", kind="state")
    what, source_team, source_name = src[0]
    if int(source_team) == get_goal(db, goal_id).team_id:
        raise UserError("this action is already your team's: adopt ideas from other teams",
                        kind="input")
    return _adopt(db, goal_id, str(what), "adopted_from_action_id", int(action_id),
                  f"{source_name or 'another team'}'s goal", by_team_id, viewer)


def adopt_feedback(db: Database, feedback_id: int, goal_id: int, *,
                   by_team_id: int | None = None, viewer: Viewer = LOCAL) -> int:
    """Turn a suggestion or resource (left on any team's goal) into an action of ``goal_id``
    (a goal of the viewer's team); returns the action's id (the same one on a second click)."""
    src = db.rows(
        "SELECT f.kind, f.body, t.name, g.team_id, gt.name FROM feedback f"
        " JOIN goal g ON g.id = f.goal_id LEFT JOIN team gt ON gt.id = g.team_id"
        " LEFT JOIN team t ON t.id = f.from_team_id WHERE f.id = ?", [feedback_id])
    if not src:
        raise UserError("that feedback is no longer on the board", kind="state")
    kind, body, from_name, _goal_team, goal_team_name = src[0]
    if kind not in ADOPTABLE_FEEDBACK:
        raise UserError("a question is answered, not adopted: adopt a suggestion or a resource",
                        kind="input")
    what = " ".join(str(body).split())
    if len(what) > MAX_WHAT:
        what = what[: MAX_WHAT - 1].rstrip() + "…"
    words = (f"{from_name}'s {kind}" if from_name else f"a coach's {kind}") + \
        f" on {goal_team_name or 'another team'}'s goal"
    return _adopt(db, goal_id, what, "adopted_from_feedback_id", int(feedback_id), words,
                  by_team_id, viewer)


def undo_adoption(db: Database, action_id: int, *, by_team_id: int | None = None,
                  viewer: Viewer = LOCAL) -> None:
    """Remove an adopted action again (its team's teachers and leaders), kept in the goal's
    history and the audit log. An action the team wrote itself is removed on its goal page."""
    row = db.rows(
        "SELECT goal_id, what FROM action WHERE id = ? AND (adopted_from_action_id IS NOT NULL"
        " OR adopted_from_feedback_id IS NOT NULL)", [action_id])
    if not row:
        raise UserError("that adopted action is already gone", kind="state")
    goal_id, what = int(row[0][0]), str(row[0][1])
    goal = get_goal(db, goal_id)
    viewer.require_goal_team(goal.team_id, by_team_id)
    with db.transaction() as cur:
        cur.execute("DELETE FROM action WHERE id = ?", [action_id])
        record_revision(cur, goal, by_team_id if by_team_id is not None else goal.team_id,
                        f"undid an adopted action: {what}", viewer.who)
        audit.record(cur, viewer.who, "undo adopt", f"action {action_id} on goal {goal_id}")


def adoptions(db: Database) -> pd.DataFrame:
    """Every adopted action with both ends: action_id, goal_id, team_id, team (the adopter),
    what (the action as adopted), adopted_at, from_action_id, from_feedback_id,
    source_goal_id, source_team (the team whose goal the idea was on; None once the source is
    gone), feedback_kind (suggestion, resource …; None for an adopted action) and
    suggested_by (the team that wrote an adopted suggestion; None for a coach's)."""
    return db.query(
        """
        SELECT a.id AS action_id, a.goal_id, g.team_id, t.name AS team, a.what, a.adopted_at,
               a.adopted_from_action_id AS from_action_id,
               a.adopted_from_feedback_id AS from_feedback_id,
               coalesce(sa_goal.id, sf_goal.id) AS source_goal_id,
               coalesce(sa_team.name, sf_team.name) AS source_team,
               sf.kind AS feedback_kind, sf_from.name AS suggested_by
        FROM action a
        JOIN goal g ON g.id = a.goal_id
        LEFT JOIN team t ON t.id = g.team_id
        LEFT JOIN action sa ON sa.id = a.adopted_from_action_id
        LEFT JOIN goal sa_goal ON sa_goal.id = sa.goal_id
        LEFT JOIN team sa_team ON sa_team.id = sa_goal.team_id
        LEFT JOIN feedback sf ON sf.id = a.adopted_from_feedback_id
        LEFT JOIN goal sf_goal ON sf_goal.id = sf.goal_id
        LEFT JOIN team sf_team ON sf_team.id = sf_goal.team_id
        LEFT JOIN team sf_from ON sf_from.id = sf.from_team_id
        WHERE a.adopted_from_action_id IS NOT NULL OR a.adopted_from_feedback_id IS NOT NULL
        ORDER BY a.adopted_at, a.id
        """
    )
