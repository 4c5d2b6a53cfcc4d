"""Progress monitoring: every goal's numbers laid out as the tidy tables that the progress
page, the staff-meeting slides and the reports draw from.

Nothing here computes a goal's values: :func:`collabplan.goals.goal_progress` does
(section 4). This module adds the words around them (statement, team, priority, actions)
and the share of the gap closed. Every table is aggregated: no student appears in any.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from collabplan import goals
from collabplan.db import Database
from collabplan.text import describe_population, fewer_than, long_date, pct_exact

OVERVIEW_COLUMNS = [
    "goal_id", "name", "team", "priority", "priority_order", "assessment", "skill", "metric",
    "statement", "baseline_label", "baseline_value", "latest_label", "latest_value",
    "latest_expected", "target_value", "target_date", "status", "gap_closed", "checkpoints",
    "lifecycle", "what_worked", "next_step",
]
#: Lifecycle steps shown to the staff: drafts are the team's own work in progress.
SHARED_LIFECYCLE = ("refined", "active", "met", "not_met", "revised")


def goal_overview(
    db: Database, team_id: int | None = None, include_drafts: bool = True
) -> tuple[pd.DataFrame, dict[int, pd.DataFrame]]:
    """One row per goal (columns OVERVIEW_COLUMNS) and each goal's chart points by goal id.

    ``name`` is "Team: skill", made distinct when two goals share it. ``gap_closed`` is 0–100 (it passes 100 when the goal is beaten; None until a checkpoint).
    Points are ``goals.progress_frame`` rows: baseline first, then checkpoints in order.
    """
    positions = dict(db.rows("SELECT id, position FROM priority"))
    rows: list[dict[str, Any]] = []
    points: dict[int, pd.DataFrame] = {}
    for goal in goals.list_goals(db, team_id=team_id):
        if goal.status == "draft" and not include_drafts:
            continue
        progress = goals.goal_progress(db, goal.id)
        points[goal.id] = goals.progress_frame(progress)
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
            "statement": goals.statement_text(goal.metric, goal.skill, goal.population,
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
            "lifecycle": goals.LIFECYCLE_LABELS.get(goal.status, goal.status),
            "what_worked": goal.what_worked,
            "next_step": goal.next_step,
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
    """The rows the gap-closed chart reads: goal, priority, priority_order, gap_closed, status."""
    return pd.DataFrame({
        "goal": overview["name"],
        "priority": overview["priority"],
        "priority_order": overview["priority_order"],
        "gap_closed": overview["gap_closed"],
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
        target += f" by {long_date(goals.to_date(row['target_date']))}"
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


def follow_candidates(db: Database, goal_id: int) -> pd.DataFrame:
    """Other assessments that scored the goal's skill: id, name, sittings (for "follow into")."""
    return db.query(
        """
        SELECT a.id, a.name, count(DISTINCT ad.id)::INTEGER AS sittings
        FROM goal g
        JOIN assessment a ON a.id <> g.assessment_id
        JOIN administration ad ON ad.assessment_id = a.id
        JOIN score s ON s.administration_id = ad.id AND s.item IS NULL AND s.skill = g.skill
        WHERE g.id = ?
        GROUP BY a.id, a.name
        ORDER BY a.name
        """,
        [int(goal_id)],
    )


def set_follow_assessments(db: Database, goal_id: int, assessment_ids: list[int],
                           by_team_id: int | None = None) -> None:
    """Let a goal follow its skill into these other assessments as well.

    Goes through ``goals.update_goal`` so the change is checked and kept as a revision;
    its ValueError (for example an assessment that does not score the skill) says why.
    """
    ids = sorted({int(i) for i in assessment_ids})
    names = db.query("SELECT name FROM assessment WHERE list_contains(?, id) ORDER BY name", [ids])
    change = ("follows the skill into " + ", ".join(names["name"])) if ids else \
        "follows only its own assessment"
    goals.update_goal(db, goal_id, by_team_id=by_team_id, change=change,
                      follow_assessment_ids=ids)
