"""When today's data gives a posted goal another baseline than the one the team agreed to,
the team chooses: accept the new baseline (a revision) or keep the agreed one.

Both choices are kept in the goal's history with the old and new numbers. Keeping records
the numbers the data gave, so the notice stays away until the data changes again.
Accepting a baseline that the target no longer beats sends the goal back to refinement
("being revised") with the reason: a goal never says something impossible.
"""

from __future__ import annotations

from typing import Any

from collabplan import config
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.baseline import BaselineInForce, baseline_in_force
from collabplan.goals.model import (
    LIFECYCLE_LABELS,
    LOCAL,
    Goal,
    get_goal,
    record_revision,
)
from collabplan.goals.values import is_better
from collabplan.metrics import metric_value
from collabplan.text import count, fewer_than, lower_is_better
from collabplan.text import pct_exact as pct


def baseline_words(value: float | None, students: int) -> str:
    """"80% (78 students)"; a small group reads "fewer than 10 students"."""
    if value is None or students < config.MIN_GROUP_SIZE:
        return fewer_than() if students else "no students scored"
    return f"{pct(value)} ({count(students, 'student')})"


def _changed(
    db: Database, goal_id: int, viewer: Viewer, by_team_id: int | None
) -> tuple[Goal, BaselineInForce]:
    goal = get_goal(db, goal_id)
    viewer.require_goal_team(goal.team_id, by_team_id)
    force = baseline_in_force(db, goal, viewer=viewer)
    if not force.frozen:
        raise UserError(
            f"the goal is {LIFECYCLE_LABELS[goal.status]}: its baseline follows the data, "
            "there is no agreed baseline to keep or replace",
            kind="state",
        )
    if not force.changed:
        raise UserError(
            "today's data gives the agreed baseline; there is nothing to decide", kind="state"
        )
    return goal, force


def accept_new_baseline(
    db: Database, goal_id: int, *, by_team_id: int | None = None, viewer: Viewer = LOCAL
) -> Goal:
    """Make today's baseline the one in force (a revision with old -> new in the history).

    Refused when today's group is too small to give a baseline. When the target is no longer
    beyond the new baseline, the goal goes back to refinement ("being revised") and the
    history says why.
    """
    goal, force = _changed(db, goal_id, viewer, by_team_id)
    if force.now_value is None:
        raise UserError(
            f"today's data has {fewer_than() if force.now_students else 'no students'} on "
            f"{goal.skill!r} in {force.label}: there is no new baseline to accept; keep the "
            "agreed one",
            kind="state",
        )
    raw, n = metric_value(
        db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population,
        viewer=viewer,
    )
    old = baseline_words(force.value, force.students)
    new = baseline_words(force.now_value, force.now_students)
    change = f"accepted the new baseline: {old} → {new}"
    status = goal.status
    if goal.target_value is not None and not is_better(
        goal.metric, goal.target_value, force.now_value
    ):
        direction = "below" if lower_is_better(goal.metric) else "above"
        status = "revised"
        change += (
            f"; the target {pct(goal.target_value)} is not {direction} the new baseline, "
            "so the goal is back in refinement to set a new target"
        )
    by = by_team_id if by_team_id is not None else goal.team_id
    with db.transaction() as cur:
        cur.execute(
            "UPDATE goal SET baseline_value = ?, baseline_students = ?,"
            " baseline_frozen_at = current_timestamp, baseline_kept_value = NULL,"
            " baseline_kept_students = NULL, status = ?, updated_at = current_timestamp"
            " WHERE id = ?",
            [raw, int(n), status, goal_id],
        )
        record_revision(cur, get_goal(db, goal_id), by, change, viewer.who)
    return get_goal(db, goal_id)


def keep_agreed_baseline(
    db: Database, goal_id: int, *, by_team_id: int | None = None, viewer: Viewer = LOCAL
) -> Goal:
    """Keep the agreed baseline for today's data (recorded; the notice returns only when the
    data changes again)."""
    goal, force = _changed(db, goal_id, viewer, by_team_id)
    if force.kept:
        raise UserError("the team already kept the agreed baseline for today's data", kind="state")
    raw, n = metric_value(
        db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population,
        viewer=viewer,
    )
    change = (
        f"kept the agreed baseline {baseline_words(force.value, force.students)}; "
        f"the data now says {baseline_words(force.now_value, force.now_students)}"
    )
    by = by_team_id if by_team_id is not None else goal.team_id
    with db.transaction() as cur:
        cur.execute(
            "UPDATE goal SET baseline_kept_value = ?, baseline_kept_students = ?,"
            " updated_at = current_timestamp WHERE id = ?",
            [raw, int(n), goal_id],
        )
        record_revision(cur, get_goal(db, goal_id), by, change, viewer.who)
    return get_goal(db, goal_id)


def notice_text(prog: Any) -> str:
    """Both numbers of a goal whose data moved (``prog``: a GoalProgress):
    "Baseline 80% (agreed, 78 students) · the data now says 52.1% (94 students)"; empty when
    nothing changed. Small groups read "fewer than 10 students"."""
    if not prog.baseline_changed:
        return ""

    def words(value: float | None, n: int, agreed: bool) -> str:
        if value is None or n < config.MIN_GROUP_SIZE:
            return baseline_words(None, n) + (" (agreed)" if agreed else "")
        return f"{pct(value)} ({'agreed, ' if agreed else ''}{count(n, 'student')})"

    text = (
        f"Baseline {words(prog.baseline.value, prog.baseline.students, True)} · "
        f"the data now says {words(prog.baseline_now_value, prog.baseline_now_students, False)}"
    )
    if not prog.baseline_notice:
        text += "; the team kept the agreed baseline"
    return text
