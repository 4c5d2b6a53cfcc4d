"""What an upload does to posted goals, said before it happens.

- :func:`baseline_changes`: which posted goals' baselines an upload would change and by how
  much, computed by writing the upload in a transaction that is rolled back, so the numbers
  are exactly what the import would give (the upload page's preview);
- :func:`watch_baselines`: the same, measured before and after a real import (the command
  line's import report);
- :func:`goals_using_upload`: the posted goals whose baseline or checkpoints an upload's
  results feed, named before the upload is undone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from collabplan import config
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.goals.agreed import baseline_words
from collabplan.goals.baseline import POSTED, baseline_in_force
from collabplan.goals.model import LOCAL, Goal, list_goals
from collabplan.goals.progress import later_administrations
from collabplan.metrics import metric_value
from collabplan.text import count, plural
from collabplan.text import pct_exact as pct

Numbers = dict[int, tuple[float | None, int]]


def goal_name(goal: Goal) -> str:
    """How a goal is named in a warning: "Grade 4 team · Vocabulary"."""
    return f"{goal.team} · {goal.skill}"


def _posted(db: Database, viewer: Viewer = LOCAL) -> list[Goal]:
    """Posted goals with an agreed baseline (a teacher: their own teams' goals)."""
    scope = viewer.team_scope
    return [g for g in list_goals(db, statuses=POSTED) if g.baseline_value is not None
            and (scope is None or g.team_id in scope)]


def _today(db: Database, goals: list[Goal], viewer: Viewer = LOCAL) -> Numbers:
    """Today's data on each goal's baseline window: (value or None when too few, students),
    counting the students ``viewer`` may read."""
    out: Numbers = {}
    for g in goals:
        value, n = metric_value(db, g.baseline_administration_id, g.skill, g.metric, g.population,
                                viewer=viewer)
        out[g.id] = (None if value is None or n < config.MIN_GROUP_SIZE else value, int(n))
    return out


def _changes(db: Database, goals: list[Goal], before: Numbers, after: Numbers,
             viewer: Viewer = LOCAL) -> list[dict[str, Any]]:
    rows = []
    for g in goals:
        if before.get(g.id) == after.get(g.id) or g.id not in after:
            continue
        force = baseline_in_force(db, g, viewer=viewer)
        value, n = after[g.id]
        rows.append({
            "goal_id": g.id,
            "goal": goal_name(g),
            "team": g.team,
            "skill": g.skill,
            "baseline": {"value": force.value, "students": force.students},
            "before": {"value": before[g.id][0], "students": before[g.id][1]},
            "after": {"value": value, "students": n},
        })
    return rows


def baseline_changes(db: Database, write: Callable[[Callable[[], Numbers]], Numbers],
                     *, viewer: Viewer = LOCAL) -> list[dict[str, Any]]:
    """Posted goals whose baseline window the upload would give other numbers, oldest first.

    ``write(fn)`` writes the upload, calls ``fn()`` while it is there and rolls it back (for
    example ``lambda fn: load.write_then_rollback(db, prepared, fn)``). Each row: goal_id,
    goal ("Team · skill"), team, skill, baseline {value, students} (in force), before and
    after {value, students} (today's data without and with the upload; value None when
    the group is under the minimum size). Empty when no goal is posted (nothing is written).
    A teacher (``viewer``) hears of their own teams' goals, in their own students' numbers.
    """
    goals = _posted(db, viewer)
    if not goals:
        return []
    before = _today(db, goals, viewer)
    after = write(lambda: _today(db, goals, viewer))
    return _changes(db, goals, before, after, viewer)


def upload_baseline_changes(
    db: Database, prepared: Any, *, viewer: Viewer = LOCAL
) -> list[dict[str, Any]]:
    """:func:`baseline_changes` of a prepared upload (``ingest.normalise.prepare.Prepared``)."""
    from collabplan.ingest.load import write_then_rollback

    return baseline_changes(db, lambda fn: write_then_rollback(db, prepared, fn), viewer=viewer)


def watch_baselines(db: Database) -> Callable[[], list[dict[str, Any]]]:
    """Remember today's numbers of every posted goal's baseline; the returned function gives
    the changes since (same rows as :func:`baseline_changes`)."""
    goals = _posted(db)
    before = _today(db, goals)
    return lambda: _changes(db, goals, before, _today(db, goals)) if goals else []


def changes_text(changes: list[dict[str, Any]], subject: str = "This file") -> str:
    """"This file changes the baseline of 1 posted goal: Grade 4 team · Vocabulary 80% → 52.1%"."""
    if not changes:
        return ""
    parts = [
        f"{c['goal']} {_value(c['baseline'])} → {_value(c['after'])}" for c in changes
    ]
    return (
        f"{subject} {'changes' if subject == 'This file' else 'change'} the baseline of "
        f"{count(len(changes), 'posted goal')}: " + "; ".join(parts)
        + ". The agreed baselines stay until each team accepts the new one or keeps its own."
    )


def _value(numbers: dict[str, Any]) -> str:
    if numbers["value"] is None:
        return baseline_words(None, numbers["students"])
    return pct(numbers["value"])


def goals_using_upload(db: Database, upload_id: int) -> list[dict[str, Any]]:
    """Posted goals whose baseline or checkpoints use this upload's results (or, for a goal
    about a group, its group rows). Each row: goal_id, goal ("Team · skill"), baseline (bool),
    checkpoints (how many of the goal's checkpoint windows the upload scored)."""
    out = []
    for g in list_goals(db, statuses=POSTED):
        windows = {
            int(a)
            for (a,) in db.rows(
                "SELECT DISTINCT si.administration_id FROM sitting si WHERE si.upload_id = ?"
                " AND EXISTS (SELECT 1 FROM measure m WHERE m.upload_id = si.upload_id"
                "             AND m.skill = ? AND m.item IS NULL)",
                [upload_id, g.skill],
            )
        }
        group = g.population.get("group")
        grouped = bool(group) and bool(db.scalar(
            "SELECT count(*) FROM student_group WHERE upload_id = ? AND group_name = ?",
            [upload_id, group],
        ))
        later = {int(a["id"]) for a in later_administrations(db, g)}
        baseline = g.baseline_administration_id in windows or grouped
        checkpoints = len(windows & later)
        if grouped and not checkpoints:
            checkpoints = len(later)
        if baseline or checkpoints:
            out.append({"goal_id": g.id, "goal": goal_name(g), "baseline": baseline,
                        "checkpoints": checkpoints})
    return out


def undo_warning(using: list[dict[str, Any]]) -> str:
    """"Undoing this removes the baseline of 1 posted goal: Grade 4 team · Vocabulary." and
    the goals whose checkpoints it removes; empty when no posted goal uses the upload."""
    base = [u["goal"] for u in using if u["baseline"]]
    checks = [u["goal"] for u in using if u["checkpoints"] and not u["baseline"]]
    said = []
    if base:
        said.append(f"the baseline of {count(len(base), 'posted goal')}: {', '.join(base)}")
    if checks:
        said.append(f"{plural(len(checks), 'a checkpoint', 'checkpoints')} of "
                    f"{count(len(checks), 'posted goal')}: {', '.join(checks)}")
    if not said:
        return ""
    text = "Undoing this removes " + "; and ".join(said) + "."
    if base:
        text += (" Each goal keeps its agreed baseline, but the results behind it are gone;"
                 " the team decides on the goal's page.")
    return text
