"""Progress: a goal's checkpoints (the later testing windows that scored its skill) against
the straight line from baseline to target, and the tidy tables the progress page, the
staff-meeting slides and the reports draw from.

``goal_progress`` computes a goal's values (section 4) from the baseline in force (frozen for
a posted goal, see ``baseline.baseline_in_force``); the overview adds the words around them
(statement, team, priority) and the share of the gap closed, always between 0 and 100 %:
a goal beyond its target reads "past the target", one that went the wrong way "moved away".
Every table is aggregated: no student appears in any.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from collabplan import config
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.goals.baseline import baseline_in_force
from collabplan.goals.lookups import administration
from collabplan.goals.model import LIFECYCLE_LABELS, Goal, get_goal, list_goals
from collabplan.goals.statement import statement_text
from collabplan.goals.values import at_least_as_good, is_better, none_if_missing, to_date
from collabplan.metrics import LOCAL, metric_value
from collabplan.text import (
    MOVED_AWAY,
    PAST_TARGET,
    describe_population,
    fewer_than,
    long_date,
    pct_exact,
)

#: Where a goal stands, in the order the board counts them.
PROGRESS_STATUSES = ("on track", "behind", "met", "not enough data yet")


@dataclass
class Point:
    administration_id: int
    assessment: str
    term: str | None
    date: dt.date | None
    label: str
    value: float | None
    students: int
    expected: float | None
    on_track: bool | None
    suppressed: bool


@dataclass
class GoalProgress:
    goal_id: int
    metric: str
    baseline: Point
    checkpoints: list[Point]
    target_value: float | None
    target_date: dt.date | None
    latest: Point | None
    status: str  # "on track" | "behind" | "met" | "not enough data yet"
    gap_closed: float | None  # 0-1, None until a checkpoint (or when the target is not beyond)
    gap_note: str | None = None  # PAST_TARGET | MOVED_AWAY when the share was clamped
    baseline_now_value: float | None = None  # today's data on the baseline window
    baseline_now_students: int = 0
    baseline_changed: bool = False  # a frozen baseline that today's data no longer gives
    baseline_notice: bool = False  # ... and the team has not yet accepted or kept it


def gap_share(metric: str, baseline: float | None, target: float | None,
              latest: float | None) -> tuple[float | None, str | None]:
    """Share of the distance from baseline to target covered, clamped to 0-1, and its words.

    (1.0, "past the target") beyond the target; (0.0, "moved away") when the value went the
    wrong way from the baseline; (None, None) without a value or when the target is not
    beyond the baseline (a goal that says nothing possible has no share).
    """
    if None in (baseline, target, latest) or not is_better(metric, target, baseline):
        return None, None
    raw = (latest - baseline) / (target - baseline)
    if raw > 1:
        return 1.0, PAST_TARGET
    if raw < 0:
        return 0.0, MOVED_AWAY
    return round(raw, 3), None


def expected_value(
    base_date: dt.date | None,
    base_value: float | None,
    target_date: dt.date | None,
    target_value: float | None,
    at: dt.date | None,
) -> float | None:
    """The straight line from baseline to target at ``at`` (held at the target after its date)."""
    if None in (base_date, base_value, target_date, target_value, at) or target_date <= base_date:
        return None
    share = min(max((at - base_date).days / (target_date - base_date).days, 0.0), 1.0)
    return round(base_value + (target_value - base_value) * share, 1)


def _point(
    db: Database, adm: dict[str, Any], skill: str, metric: str, population: dict[str, str],
    viewer: Viewer = LOCAL,
) -> Point:
    value, n = metric_value(db, adm["id"], skill, metric, population, viewer=viewer)
    suppressed = n < config.MIN_GROUP_SIZE
    return Point(
        administration_id=int(adm["id"]),
        assessment=adm["assessment"],
        term=adm["term"],
        date=adm["date"],
        label=adm["label"],
        value=None if suppressed else value,
        students=int(n),
        expected=None,
        on_track=None,
        suppressed=suppressed,
    )


def later_administrations(db: Database, goal: Goal) -> list[dict[str, Any]]:
    """Administrations after the baseline (same or follow-up assessments) that scored the skill."""
    base = administration(db, goal.baseline_administration_id)
    ids = [goal.assessment_id, *[a for a in goal.follow_assessment_ids if a != goal.assessment_id]]
    df = db.query(
        "SELECT a.id, a.assessment_id, t.name AS assessment, a.term, a.date, a.label"
        " FROM administration a JOIN assessment t ON t.id = a.assessment_id"
        " WHERE list_contains(?, a.assessment_id) AND a.id <> ?"
        " AND EXISTS (SELECT 1 FROM score s WHERE s.administration_id = a.id AND s.skill = ?"
        "             AND s.item IS NULL)"
        " ORDER BY a.date NULLS LAST, a.id",
        [ids, base["id"], goal.skill],
    )
    out = []
    for r in df.to_dict("records"):
        r["date"] = to_date(none_if_missing(r["date"]))
        r["term"] = none_if_missing(r["term"])
        if base["date"] is not None:
            if r["date"] is None or r["date"] <= base["date"]:
                continue
        elif r["id"] < base["id"] or r["assessment_id"] != goal.assessment_id:
            continue
        out.append(r)
    return out


def goal_progress(db: Database, goal_id: int, *, viewer: Viewer = LOCAL) -> GoalProgress:
    """Baseline, every later checkpoint with its expected value, and where the goal stands.

    Checkpoints are the later administrations (date after the baseline's) of the goal's
    assessment or its follow-up assessments that scored the skill for the population.
    Groups under MIN_GROUP_SIZE keep their student count but no value (suppressed).
    Figures count the students ``viewer`` may read (a teacher: their own teams' uploads).
    """
    goal = get_goal(db, goal_id)
    force = baseline_in_force(db, goal, viewer=viewer)
    baseline = Point(
        administration_id=force.administration_id, assessment=force.assessment,
        term=force.term, date=force.date, label=force.label, value=force.value,
        students=force.students, expected=None, on_track=None, suppressed=force.suppressed,
    )
    checkpoints: list[Point] = []
    for adm in later_administrations(db, goal):
        p = _point(db, adm, goal.skill, goal.metric, goal.population, viewer)
        if p.students == 0:
            continue  # this window did not score the skill for this population
        p.expected = expected_value(
            baseline.date, baseline.value, goal.target_date, goal.target_value, p.date
        )
        if p.value is not None and p.expected is not None:
            p.on_track = at_least_as_good(goal.metric, p.value, p.expected)
        checkpoints.append(p)
    measured = [p for p in checkpoints if p.value is not None]
    latest = measured[-1] if measured else None
    status = "not enough data yet"
    gap_closed, gap_note = gap_share(
        goal.metric, baseline.value, goal.target_value, None if latest is None else latest.value
    )
    if latest is not None and baseline.value is not None and goal.target_value is not None:
        # "met" needs the latest value at or past a target that lies beyond the baseline.
        if is_better(goal.metric, goal.target_value, baseline.value) and at_least_as_good(
            goal.metric, latest.value, goal.target_value
        ):
            status = "met"
        elif latest.on_track is not None:
            status = "on track" if latest.on_track else "behind"
    return GoalProgress(
        goal_id=goal.id,
        metric=goal.metric,
        baseline=baseline,
        checkpoints=checkpoints,
        target_value=goal.target_value,
        target_date=goal.target_date,
        latest=latest,
        status=status,
        gap_closed=gap_closed,
        gap_note=gap_note,
        baseline_now_value=force.now_value,
        baseline_now_students=force.now_students,
        baseline_changed=force.changed,
        baseline_notice=force.notice,
    )


def progress_frame(progress: GoalProgress) -> pd.DataFrame:
    """Baseline and checkpoints as rows (kind, label, date, value, students, expected, on_track, suppressed)."""
    rows = [{"kind": "baseline", **asdict(progress.baseline)}]
    rows += [{"kind": "checkpoint", **asdict(p)} for p in progress.checkpoints]
    return pd.DataFrame(rows)


def checkpoint_rows(progress: GoalProgress) -> pd.DataFrame:
    """Checkpoints as a table to show: window, date, value, students, expected, on track.

    Small groups read "fewer than 10 students" and show no count.
    """

    rows = []
    for p in progress.checkpoints:
        rows.append(
            {
                "window": p.label if p.assessment is None else f"{p.assessment}, {p.label}",
                "date": p.date,
                "value": fewer_than() if p.suppressed else pct_exact(p.value),
                "students": "–" if p.suppressed else str(p.students),
                "expected": pct_exact(p.expected),
                "on track": "–" if p.on_track is None else ("yes" if p.on_track else "no"),
            }
        )
    return pd.DataFrame(
        rows, columns=["window", "date", "value", "students", "expected", "on track"]
    )


def point_text(p: Point | None) -> str:
    """A point's value; "fewer than 10 students" when its group is too small; "–" for none."""
    if p is None:
        return "–"
    if p.suppressed:
        return fewer_than()
    return pct_exact(p.value)


# -- overview: every goal's numbers with their words ----------------------------------
OVERVIEW_COLUMNS = [
    "goal_id", "name", "team", "priority", "priority_order", "assessment", "skill", "metric",
    "statement", "baseline_label", "baseline_value", "latest_label", "latest_value",
    "latest_expected", "target_value", "target_date", "status", "gap_closed", "checkpoints",
    "lifecycle", "what_worked", "next_step", "gap_note", "baseline_now_value", "baseline_changed",
]
#: Lifecycle steps shown to the staff: drafts are the team's own work in progress.
SHARED_LIFECYCLE = ("refined", "active", "met", "not_met", "revised")


def goal_overview(
    db: Database, team_id: int | None = None, include_drafts: bool = True,
    *, viewer: Viewer = LOCAL,
) -> tuple[pd.DataFrame, dict[int, pd.DataFrame]]:
    """One row per goal (columns OVERVIEW_COLUMNS) and each goal's chart points by goal id.

    ``name`` is "Team: skill", made distinct when two goals share it. ``gap_closed`` is 0–100 (None until a checkpoint); ``gap_note`` says "past the target" or
    "moved away" when the share was held at 100 or 0.
    Points are :func:`progress_frame` rows: baseline first, then checkpoints in order.
    """
    positions = dict(db.rows("SELECT id, position FROM priority"))
    rows: list[dict[str, Any]] = []
    points: dict[int, pd.DataFrame] = {}
    for goal in list_goals(db, team_id=team_id):
        if goal.status == "draft" and not include_drafts:
            continue
        progress = goal_progress(db, goal.id, viewer=viewer)
        points[goal.id] = progress_frame(progress)
        base, latest = progress.baseline, progress.latest
        rows.append({
            "goal_id": goal.id,
            "name": f"{goal.team}: {goal.skill}",
            "who": describe_population(goal.population),
            "team": goal.team,
            "priority": goal.priority,
            "priority_order": positions.get(goal.priority_id),
            "assessment": goal.assessment,
            "skill": goal.skill,
            "metric": goal.metric,
            "statement": statement_text(goal.metric, goal.skill, goal.population,
                                        base.value, goal.target_value, goal.target_date),
            "baseline_label": base.label,
            "baseline_value": base.value,
            "latest_label": None if latest is None else latest.label,
            "latest_value": None if latest is None else latest.value,
            "latest_expected": None if latest is None else latest.expected,
            "target_value": goal.target_value,
            "target_date": goal.target_date,
            "status": progress.status,
            "gap_closed": None if progress.gap_closed is None
            else round(100.0 * progress.gap_closed, 1),
            "checkpoints": len(progress.checkpoints),
            "lifecycle": LIFECYCLE_LABELS.get(goal.status, goal.status),
            "what_worked": goal.what_worked,
            "next_step": goal.next_step,
            "gap_note": progress.gap_note,
            "baseline_now_value": progress.baseline_now_value,
            "baseline_changed": progress.baseline_changed,
        })
    df = pd.DataFrame(rows, columns=[*OVERVIEW_COLUMNS, "who"])
    df["name"] = _distinct_names(df)
    return df[OVERVIEW_COLUMNS], points


def _distinct_names(df: pd.DataFrame) -> pd.Series:
    """"Team: skill", plus who the goal is about (then its number) when two goals share it."""
    names = df["name"].copy()
    twins = names.duplicated(keep=False)
    names[twins] = names[twins] + " (" + df.loc[twins, "who"] + ")"
    twins = names.duplicated(keep=False)
    names[twins] = names[twins] + " #" + df.loc[twins, "goal_id"].astype(str)
    return names


def gap_summary(overview: pd.DataFrame) -> pd.DataFrame:
    """The rows the gap-closed chart reads: goal, priority, priority_order, gap_closed (0-100),
    gap_note, status."""
    return pd.DataFrame({
        "goal": overview["name"],
        "priority": overview["priority"],
        "priority_order": overview["priority_order"],
        "gap_closed": overview["gap_closed"],
        "gap_note": overview["gap_note"],
        "status": overview["status"],
    })


def journey_text(row: pd.Series | dict[str, Any]) -> str:
    """Baseline -> latest -> target in one line: "40% (Fall 2025) → 52% (Winter 2026) → 70%"."""
    def _v(value: Any) -> str:
        return pct_exact(value)

    base = f"{_v(row['baseline_value'])} ({row['baseline_label']})"
    if row["baseline_value"] is None or pd.isna(row["baseline_value"]):
        base = f"{fewer_than()} ({row['baseline_label']})"
    latest = "no checkpoint yet"
    if row["latest_label"] is not None and not pd.isna(row["latest_label"]):
        latest = f"{_v(row['latest_value'])} ({row['latest_label']})"
    target = _v(row["target_value"])
    if row["target_date"] is not None and not pd.isna(row["target_date"]):
        target += f" by {long_date(to_date(row['target_date']))}"
    return f"{base} → {latest} → {target}"


def checkpoint_table(points: pd.DataFrame) -> pd.DataFrame:
    """The points as a teacher reads them: when, assessment, value, students, line, on track."""
    rows = []
    for _, p in points.iterrows():
        small = bool(p["suppressed"])
        baseline = p["kind"] == "baseline"
        on_track = p["on_track"]
        rows.append({
            "when": p["label"],
            "assessment": p.get("assessment"),
            "date": p["date"],
            "value": fewer_than() if small else pct_exact(p["value"]),
            "students": fewer_than() if small else str(int(p["students"])),
            "straight line": "" if baseline else pct_exact(p["expected"]),
            "on track": "baseline" if baseline
            else "–" if on_track is None or pd.isna(on_track)
            else "yes" if on_track else "no",
        })
    return pd.DataFrame(rows, columns=["when", "assessment", "date", "value", "students",
                                       "straight line", "on track"])
