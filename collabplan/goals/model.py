"""The goal itself: its row, its lifecycle and every revision (its words: ``statement``).

A goal stores its *query* (assessment, skill, population, metric, baseline administration);
every number it shows is computed from the score table (see ``baseline`` and ``progress``),
so a new upload moves every draft it measures. When a goal becomes active its baseline
(value and students on the baseline administration) is frozen on the goal: a later upload
moves its checkpoints but not its baseline, until the team accepts the new one
(``goals.agreed``).

Every change to a goal writes a ``goal_revision`` row (when, which team, what changed in
words, a JSON snapshot of the goal after the change). Refusals raise
:class:`~collabplan.errors.UserError` with a one-line reason a teacher can act on.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.baseline import (
    POSTED,
    compute_baseline,
    validate_target,
)
from collabplan.goals.lookups import administration
from collabplan.goals.values import (
    at_least_as_good,
    check_metric,
    is_better,
    none_if_missing,
    to_date,
)
from collabplan.text import (
    METRIC_LABELS,
    clean_population,
    count,
    describe_population,
    lower_is_better,
)
from collabplan.text import pct_exact as pct

LIFECYCLE = ("draft", "refined", "active", "met", "not_met", "revised")
LIFECYCLE_LABELS = {
    "draft": "draft",
    "refined": "refined",
    "active": "active",
    "met": "met",
    "not_met": "not met",
    "revised": "being revised",
}
#: Which lifecycle steps may follow which. "revised" reopens a goal for editing; it goes
#: back to refined/active once the team has changed it.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("refined",),
    "refined": ("active", "draft"),
    "active": ("met", "not_met", "revised"),
    "revised": ("refined", "active"),
    "met": ("revised",),
    "not_met": ("revised",),
}
#: Goals that may still be edited (target, date, why, priority, population…).
EDITABLE = ("draft", "refined", "revised")


GOAL_COLUMNS = (
    "id",
    "team_id",
    "priority_id",
    "assessment_id",
    "skill",
    "metric",
    "population",
    "baseline_administration_id",
    "target_value",
    "target_date",
    "why",
    "status",
    "follow_assessment_ids",
    "next_step",
    "what_worked",
    "created_at",
    "updated_at",
    "baseline_value",
    "baseline_students",
    "baseline_frozen_at",
    "baseline_kept_value",
    "baseline_kept_students",
)


@dataclass
class Goal:
    id: int
    team_id: int
    priority_id: int | None
    assessment_id: int
    skill: str
    metric: str
    population: dict[str, str]
    baseline_administration_id: int
    target_value: float | None
    target_date: dt.date | None
    why: str | None
    status: str
    follow_assessment_ids: list[int] = field(default_factory=list)
    next_step: str | None = None
    what_worked: str | None = None
    team: str | None = None
    assessment: str | None = None
    priority: str | None = None
    #: The frozen baseline (set when the goal became active; see baseline.baseline_in_force).
    baseline_value: float | None = None
    baseline_students: int | None = None
    #: Today's data when the team last chose to keep the agreed baseline.
    baseline_kept_value: float | None = None
    baseline_kept_students: int | None = None

    def snapshot(self) -> str:
        data = asdict(self)
        data["target_date"] = self.target_date.isoformat() if self.target_date else None
        return json.dumps(data, sort_keys=True, default=str)


def get_goal(db: Database, goal_id: int) -> Goal:
    df = db.query(
        "SELECT g.*, t.name AS team, a.name AS assessment, p.title AS priority"
        " FROM goal g LEFT JOIN team t ON t.id = g.team_id"
        " LEFT JOIN assessment a ON a.id = g.assessment_id"
        " LEFT JOIN priority p ON p.id = g.priority_id WHERE g.id = ?",
        [goal_id],
    )
    if df.empty:
        raise UserError(f"there is no goal {goal_id}", kind="state")
    r = df.iloc[0]
    follow = r["follow_assessment_ids"]
    return Goal(
        id=int(r["id"]),
        team_id=int(r["team_id"]),
        priority_id=None if none_if_missing(r["priority_id"]) is None else int(r["priority_id"]),
        assessment_id=int(r["assessment_id"]),
        skill=r["skill"],
        metric=r["metric"],
        population=clean_population(json.loads(r["population"] or "{}")),
        baseline_administration_id=int(r["baseline_administration_id"]),
        target_value=None if none_if_missing(r["target_value"]) is None else float(r["target_value"]),
        target_date=to_date(none_if_missing(r["target_date"])),
        why=none_if_missing(r["why"]),
        status=r["status"],
        follow_assessment_ids=[int(x) for x in (follow if follow is not None else [])],
        next_step=none_if_missing(r["next_step"]),
        what_worked=none_if_missing(r["what_worked"]),
        team=none_if_missing(r["team"]),
        assessment=none_if_missing(r["assessment"]),
        priority=none_if_missing(r["priority"]),
        baseline_value=_float(r["baseline_value"]),
        baseline_students=_int(r["baseline_students"]),
        baseline_kept_value=_float(r["baseline_kept_value"]),
        baseline_kept_students=_int(r["baseline_kept_students"]),
    )


def _float(v: Any) -> float | None:
    return None if none_if_missing(v) is None else float(v)


def _int(v: Any) -> int | None:
    return None if none_if_missing(v) is None else int(v)


def list_goals(
    db: Database,
    team_id: int | None = None,
    priority_id: int | None = None,
    statuses: tuple[str, ...] | None = None,
) -> list[Goal]:
    ids = db.rows(
        "SELECT id FROM goal WHERE (? IS NULL OR team_id = ?) AND (? IS NULL OR priority_id = ?)"
        " ORDER BY team_id, id",
        [team_id, team_id, priority_id, priority_id],
    )
    goals = [get_goal(db, int(i)) for (i,) in ids]
    if statuses:
        goals = [g for g in goals if g.status in statuses]
    return goals


#: The person of the command line and of an app without sign-in (a leader).
LOCAL = Viewer.local_user()


def record_revision(
    cur: Any, goal: Goal, by_team_id: int | None, change: str, who: str | None = None
) -> None:
    """Keep ``goal`` as it now is, with what changed, which team and which person (``who``,
    the signed-in email; None without sign-in) changed it (same transaction)."""
    cur.execute(
        "INSERT INTO goal_revision (goal_id, changed_by_team_id, change, snapshot, changed_by)"
        " VALUES (?, ?, ?, ?, ?)",
        [goal.id, by_team_id, change, goal.snapshot(), who],
    )


def create_goal(
    db: Database,
    *,
    team_id: int | None,
    assessment_id: int,
    skill: str,
    metric: str,
    baseline_administration_id: int,
    population: dict[str, Any] | None = None,
    priority_id: int | None = None,
    why: str | None = None,
    target_value: float | None = None,
    target_date: Any = None,
    status: str = "draft",
    by_team_id: int | None = None,
    new_team: str | None = None,
    viewer: Viewer = LOCAL,
) -> int:
    """Draft a goal. The baseline is computed now; a group too small or a bad target is refused.

    ``team_id=None`` with ``new_team``: the team of that name (any case), created in the
    same transaction when there is none.
    """
    check_metric(metric)
    pop = clean_population(population)
    adm = administration(db, baseline_administration_id)
    if adm["assessment_id"] != assessment_id:
        raise UserError("the baseline window belongs to another assessment", kind="input")
    if team_id is None and not (new_team or "").strip():
        raise UserError("choose a team", kind="input")
    if team_id is not None and not db.scalar("SELECT count(*) FROM team WHERE id = ?", [team_id]):
        raise UserError(f"there is no team {team_id}", kind="state")
    if team_id is None and viewer.role != "leader":
        raise UserError("Only a leader can start a new team", kind="access")
    if team_id is not None:
        viewer.require_goal_team(team_id, by_team_id)
    base = compute_baseline(db, baseline_administration_id, skill, metric, pop, viewer=viewer)
    tdate = to_date(target_date)
    if status not in LIFECYCLE:
        raise UserError(f"status must be one of {', '.join(LIFECYCLE)}", kind="input")
    if target_value is not None or tdate is not None or status in POSTED:
        validate_target(metric, base.value, base.date, target_value, tdate)
    posted = status in POSTED
    with db.transaction() as cur:
        if team_id is None:
            found = cur.execute(
                "SELECT id FROM team WHERE lower(name) = lower(?)", [new_team.strip()]
            ).fetchone()
            team_id = (
                int(found[0])
                if found
                else int(
                    cur.execute(
                        "INSERT INTO team (name) VALUES (?) RETURNING id", [new_team.strip()]
                    ).fetchone()[0]
                )
            )
            by_team_id = team_id
        goal_id = int(
            cur.execute(
                "INSERT INTO goal (team_id, priority_id, assessment_id, skill, metric, population,"
                " baseline_administration_id, target_value, target_date, why, status,"
                " baseline_value, baseline_students, baseline_frozen_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " CASE WHEN ? THEN current_timestamp END) RETURNING id",
                [
                    team_id,
                    priority_id,
                    assessment_id,
                    skill,
                    metric,
                    json.dumps(pop),
                    baseline_administration_id,
                    None if target_value is None else float(target_value),
                    tdate,
                    (why or "").strip() or None,
                    status,
                    base.value if posted else None,
                    base.students if posted else None,
                    posted,
                ],
            ).fetchone()[0]
        )
        # Same cursor, same transaction: the new row is visible here.
        record_revision(
            cur,
            get_goal(db, goal_id),
            by_team_id if by_team_id is not None else team_id,
            f"drafted: {METRIC_LABELS[metric]} in {skill} for {describe_population(pop)}, "
            f"baseline {pct(base.value)} ({base.label}, {count(base.students, 'student')})"
            + (", frozen as the agreed baseline" if posted else ""),
            viewer.who,
        )
    return goal_id


_UPDATABLE = {
    "priority_id",
    "why",
    "target_value",
    "target_date",
    "population",
    "metric",
    "skill",
    "baseline_administration_id",
    "follow_assessment_ids",
    "next_step",
    "what_worked",
}


def update_goal(
    db: Database,
    goal_id: int,
    *,
    by_team_id: int | None = None,
    change: str | None = None,
    viewer: Viewer = LOCAL,
    **changes: Any,
) -> Goal:
    """Change a goal's fields, re-checking baseline and target; keeps a revision row.

    The query and target may change only while the goal is a draft, refined or being
    revised; notes (next step, what worked) and the assessments the goal follows (which add
    checkpoints but change neither baseline nor target) may change at any time.
    """
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise UserError(f"cannot change {', '.join(sorted(unknown))}", kind="input")
    goal = get_goal(db, goal_id)
    viewer.require_goal_team(goal.team_id, by_team_id)
    locked = set(changes) - {"next_step", "what_worked", "follow_assessment_ids"}
    if locked and goal.status not in EDITABLE:
        raise UserError(
            f"the goal is {LIFECYCLE_LABELS[goal.status]}; mark it 'being revised' before changing it",
            kind="state",
        )
    new = Goal(**{**asdict(goal)})
    for key, value in changes.items():
        if key == "population":
            value = clean_population(value)
        elif key == "target_date":
            value = to_date(value)
        elif key == "target_value":
            value = None if value is None else float(value)
        elif key == "follow_assessment_ids":
            value = [int(v) for v in value or []]
        elif key in ("why", "next_step", "what_worked"):
            value = (value or "").strip() or None
        setattr(new, key, value)
    check_metric(new.metric)
    adm = administration(db, new.baseline_administration_id)
    if adm["assessment_id"] != new.assessment_id:
        raise UserError("the baseline window belongs to another assessment", kind="input")
    if locked - {"why", "priority_id"}:
        base = compute_baseline(
            db, new.baseline_administration_id, new.skill, new.metric, new.population
        )
        if new.target_value is not None or new.target_date is not None:
            validate_target(new.metric, base.value, base.date, new.target_value, new.target_date)
    for aid in new.follow_assessment_ids:
        if aid == new.assessment_id:
            continue
        if not db.scalar(
            "SELECT count(*) FROM score s JOIN administration a ON a.id = s.administration_id"
            " WHERE a.assessment_id = ? AND s.skill = ? AND s.item IS NULL",
            [aid, new.skill],
        ):
            name = db.scalar("SELECT name FROM assessment WHERE id = ?", [aid]) or aid
            raise UserError(
                f"{name} does not score {new.skill!r}, so it cannot follow this goal",
                kind="input",
            )
    if change is None:
        change = "changed " + ", ".join(sorted(k.replace("_", " ") for k in changes))
    with db.transaction() as cur:
        cur.execute(
            "UPDATE goal SET priority_id = ?, why = ?, target_value = ?, target_date = ?,"
            " population = ?, metric = ?, skill = ?, baseline_administration_id = ?,"
            " follow_assessment_ids = ?, next_step = ?, what_worked = ?,"
            " updated_at = current_timestamp WHERE id = ?",
            [
                new.priority_id,
                new.why,
                new.target_value,
                new.target_date,
                json.dumps(new.population),
                new.metric,
                new.skill,
                new.baseline_administration_id,
                new.follow_assessment_ids,
                new.next_step,
                new.what_worked,
                goal_id,
            ],
        )
        record_revision(cur, get_goal(db, goal_id), by_team_id, change, viewer.who)
    return get_goal(db, goal_id)


def refinement_gaps(db: Database, goal: Goal) -> list[str]:
    """What a goal still lacks before it counts as refined (empty when complete)."""
    missing = []
    if not goal.why:
        missing.append("say why the team chose this goal")
    if goal.priority_id is None:
        missing.append("name the school priority it serves")
    if goal.target_value is None:
        missing.append("set a target")
    if goal.target_date is None:
        missing.append("set a target date")
    return missing


def set_status(
    db: Database,
    goal_id: int,
    status: str,
    *,
    by_team_id: int | None = None,
    note: str | None = None,
    viewer: Viewer = LOCAL,
) -> Goal:
    """Move a goal along draft -> refined -> active -> met / not met / revised."""
    goal = get_goal(db, goal_id)
    viewer.require_goal_team(goal.team_id, by_team_id)
    if status not in LIFECYCLE:
        raise UserError(f"status must be one of {', '.join(LIFECYCLE)}", kind="input")
    if status not in TRANSITIONS[goal.status]:
        allowed = ", ".join(LIFECYCLE_LABELS[s] for s in TRANSITIONS[goal.status]) or "nothing"
        raise UserError(
            f"a goal that is {LIFECYCLE_LABELS[goal.status]} can become {allowed}, "
            f"not {LIFECYCLE_LABELS[status]}",
            kind="state",
        )
    if status in ("refined", "active"):
        gaps = refinement_gaps(db, goal)
        if gaps:
            raise UserError(
                "before it is " + LIFECYCLE_LABELS[status] + ": " + "; ".join(gaps),
                kind="input",
            )
        base = compute_baseline(
            db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population
        )
        validate_target(goal.metric, base.value, base.date, goal.target_value, goal.target_date)
    if status == "met":
        _check_met(db, goal)
    freeze = status == "active"
    change = f"{LIFECYCLE_LABELS[status]}" + (f": {note.strip()}" if note and note.strip() else "")
    if freeze:
        goal.baseline_value, goal.baseline_students = base.value, base.students
        goal.baseline_kept_value = goal.baseline_kept_students = None
        change += f" (baseline {pct(base.value)}, {base.label}, {count(base.students, 'student')}, agreed)"
    goal.status = status
    with db.transaction() as cur:
        cur.execute(
            "UPDATE goal SET status = ?, updated_at = current_timestamp WHERE id = ?",
            [status, goal_id],
        )
        if freeze:
            cur.execute(
                "UPDATE goal SET baseline_value = ?, baseline_students = ?,"
                " baseline_frozen_at = current_timestamp, baseline_kept_value = NULL,"
                " baseline_kept_students = NULL WHERE id = ?",
                [base.value, base.students, goal_id],
            )
        record_revision(cur, goal, by_team_id if by_team_id is not None else goal.team_id, change,
                        viewer.who)
    return get_goal(db, goal_id)


def _check_met(db: Database, goal: Goal) -> None:
    """Refuse "met" unless the latest checkpoint is at or past the target, the right way."""
    from collabplan.goals.progress import goal_progress  # progress builds on this module

    prog = goal_progress(db, goal.id)
    latest = prog.latest
    if latest is None or goal.target_value is None:
        raise UserError(
            "the goal cannot be marked met yet: no later testing window has measured it",
            kind="state",
        )
    base = prog.baseline.value
    right_side = base is None or is_better(goal.metric, goal.target_value, base)
    if not (right_side and at_least_as_good(goal.metric, latest.value, goal.target_value)):
        direction = "at or below" if lower_is_better(goal.metric) else "at or above"
        raise UserError(
            f"the goal is not met: the latest result is {pct(latest.value)} ({latest.label}) and "
            f"the target is {direction} {pct(goal.target_value)}; keep it active or mark it not met",
            kind="state",
        )


def delete_draft(db: Database, goal_id: int, *, viewer: Viewer = LOCAL) -> None:
    """Throw away a draft nobody else has seen (posted goals keep their history)."""
    goal = get_goal(db, goal_id)
    viewer.require_goal_team(goal.team_id)
    if goal.status != "draft":
        raise UserError(
            "only a draft can be deleted; mark a posted goal 'not met' or revise it", kind="state"
        )
    with db.transaction() as cur:
        for table in ("goal_revision", "action", "feedback", "signpost"):
            cur.execute(f"DELETE FROM {table} WHERE goal_id = ?", [goal_id])  # noqa: S608 - fixed table names
        cur.execute("DELETE FROM goal WHERE id = ?", [goal_id])


def goal_history(db: Database, goal_id: int) -> pd.DataFrame:
    """Every change: when, which team, who (the signed-in email, None without sign-in), what,
    and the snapshot (JSON text)."""
    return db.query(
        'SELECT r.id, r.changed_at AS "when", t.name AS team, r.changed_by AS who, r.change,'
        " r.snapshot FROM goal_revision r LEFT JOIN team t ON t.id = r.changed_by_team_id"
        " WHERE r.goal_id = ? ORDER BY r.id",
        [goal_id],
    )


def history_rows(db: Database, goal_id: int) -> pd.DataFrame:
    """Every change in words, with the goal's status, target and date as they were after it."""
    hist = goal_history(db, goal_id)
    rows = []
    for r in hist.to_dict("records"):
        snap = json.loads(r["snapshot"] or "{}")
        rows.append(
            {
                "when": r["when"],
                "team": r["team"],
                "change": r["change"],
                "status": LIFECYCLE_LABELS.get(snap.get("status"), snap.get("status")),
                "target": pct(snap.get("target_value")),
                "by": snap.get("target_date") or "–",
                "priority": snap.get("priority") or "–",
            }
        )
    return pd.DataFrame(
        rows, columns=["when", "team", "change", "status", "target", "by", "priority"]
    )


def set_follow_assessments(db: Database, goal_id: int, assessment_ids: list[int],
                           by_team_id: int | None = None, *, viewer: Viewer = LOCAL) -> None:
    """Let a goal follow its skill into these other assessments as well.

    Goes through :func:`update_goal` so the change is checked and kept as a revision;
    its UserError (for example an assessment that does not score the skill) says why.
    """
    ids = sorted({int(i) for i in assessment_ids})
    names = db.query("SELECT name FROM assessment WHERE list_contains(?, id) ORDER BY name", [ids])
    change = ("follows the skill into " + ", ".join(names["name"])) if ids else \
        "follows only its own assessment"
    update_goal(db, goal_id, by_team_id=by_team_id, change=change, viewer=viewer,
                follow_assessment_ids=ids)
