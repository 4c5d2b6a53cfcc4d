"""The command line's goal contract (ARCHITECTURE.md section 6): ``goal add`` and
``goals --json``. Values are 0-100 with one decimal; a refusal is a one-line UserError.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.baseline import compute_baseline, validate_target
from collabplan.goals.lookups import administrations_scoring, skills_of
from collabplan.goals.model import LOCAL, create_goal, get_goal
from collabplan.goals.progress import goal_progress
from collabplan.goals.statement import statement_text
from collabplan.goals.values import check_metric, to_date
from collabplan.text import clean_population, describe_population


def _admin_for_term(db: Database, assessment_id: int, assessment: str, term: str) -> int:
    rows = db.rows(
        "SELECT id FROM administration WHERE assessment_id = ?"
        " AND (lower(term) = lower(?) OR lower(label) = lower(?) OR CAST(date AS VARCHAR) = ?)"
        " ORDER BY date NULLS LAST, id",
        [assessment_id, term, term, term],
    )
    if not rows:
        known = [
            r[0]
            for r in db.rows(
                "SELECT coalesce(term, label) FROM administration WHERE assessment_id = ?"
                " ORDER BY date NULLS LAST, id",
                [assessment_id],
            )
        ]
        raise UserError(
            f"--baseline-term {term!r}: {assessment} has no such window (it has: {', '.join(known) or 'none'})",
            kind="input",
        )
    if len(rows) > 1:
        raise UserError(
            f"--baseline-term {term!r} matches several windows of {assessment}; give its date",
            kind="input",
        )
    return int(rows[0][0])


def cli_add_goal(
    db: Database,
    *,
    team: str,
    assessment: str,
    skill: str,
    baseline_term: str | None = None,
    where: dict[str, Any] | None = None,
    metric: str,
    target: float,
    by: Any,
    viewer: Viewer = LOCAL,
) -> dict[str, Any]:
    """``goal add``: create a goal (status draft) and return it in the ``goals --json`` form.

    The baseline window defaults to the LATEST administration that scored the skill for the
    population: a goal starts from the reality today. Unknown teams are created; everything
    else is refused with a one-line UserError and the database is left unchanged.
    """
    check_metric(metric)
    pop = clean_population(where)
    assessment_id = db.scalar(
        "SELECT id FROM assessment WHERE lower(name) = lower(?)", [assessment]
    )
    if assessment_id is None:
        known = [r[0] for r in db.rows("SELECT name FROM assessment ORDER BY name")]
        raise UserError(
            f"--assessment {assessment!r} is not in the database (it has: {', '.join(known) or 'nothing yet; import a file first'})",
            kind="input",
        )
    assessment_id = int(assessment_id)
    name = db.scalar("SELECT name FROM assessment WHERE id = ?", [assessment_id])
    skills = skills_of(db, assessment_id)
    match = [s for s in skills if s.lower() == (skill or "").lower()]
    if not match:
        raise UserError(
            f"--skill {skill!r}: {name} does not score it (it scores: {', '.join(skills)})",
            kind="input",
        )
    skill = match[0]
    if baseline_term:
        admin_id = _admin_for_term(db, assessment_id, name, baseline_term)
    else:
        scored = administrations_scoring(db, assessment_id, skill, pop)
        if scored.empty:
            raise UserError(
                f"no {describe_population(pop)} were scored on {skill!r} in {name}",
                kind="input",
            )
        scored = scored.assign(_d=scored["date"].map(to_date))
        scored = scored.sort_values(["_d", "administration_id"], na_position="first")
        admin_id = int(scored.iloc[-1]["administration_id"])
    base = compute_baseline(db, admin_id, skill, metric, pop, viewer=viewer)
    try:
        target_value = float(target)
    except (TypeError, ValueError) as exc:
        raise UserError(f"--target {target!r} is not a number", kind="input") from exc
    validate_target(metric, base.value, base.date, target_value, to_date(by))
    if not (team or "").strip():
        raise UserError("--team needs a team name", kind="input")
    found = db.scalar("SELECT id FROM team WHERE lower(name) = lower(?)", [team.strip()])
    team_id = None if found is None else int(found)
    goal_id = create_goal(
        db,
        team_id=team_id,
        new_team=team.strip(),
        assessment_id=assessment_id,
        skill=skill,
        metric=metric,
        baseline_administration_id=admin_id,
        population=pop,
        target_value=target_value,
        target_date=to_date(by),
        by_team_id=team_id,
        viewer=viewer,
    )
    return goal_json(db, goal_id, viewer=viewer)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def goal_json(db: Database, goal_id: int, *, viewer: Viewer = LOCAL) -> dict[str, Any]:
    """One goal in the section 6 ``goals --json`` form (plus its lifecycle step).

    ``baseline`` is the baseline in force (frozen when the goal became active; a draft's
    follows the data); ``baseline_now`` is today's data on the same window and
    ``baseline_changed`` is true when the two differ. Figures count the students ``viewer``
    may read.
    """
    goal = get_goal(db, goal_id)
    prog = goal_progress(db, goal_id, viewer=viewer)
    b = prog.baseline
    return {
        "id": goal.id,
        "team": goal.team,
        "statement": statement_text(
            goal.metric, goal.skill, goal.population, b.value, goal.target_value, goal.target_date
        ),
        "assessment": goal.assessment,
        "skill": goal.skill,
        "metric": goal.metric,
        "population": dict(goal.population),
        "baseline": {
            "term": b.term or b.label,
            "date": _iso(b.date),
            "value": b.value,
            "students": b.students,
        },
        "baseline_now": {"value": prog.baseline_now_value, "students": prog.baseline_now_students},
        "baseline_changed": prog.baseline_changed,
        "target": {"value": goal.target_value, "date": _iso(goal.target_date)},
        "checkpoints": [
            {
                "term": p.term or p.label,
                "date": _iso(p.date),
                "value": p.value,
                "students": p.students,
                "expected": p.expected,
                "on_track": p.on_track,
            }
            for p in prog.checkpoints
        ],
        "status": prog.status,
        "lifecycle": goal.status,
        "priority": goal.priority,
    }


def goals_json(
    db: Database, team: str | None = None, *, viewer: Viewer = LOCAL
) -> list[dict[str, Any]]:
    """``goals --json``: every goal (or one team's), oldest first."""
    team_id = None
    if team:
        found = db.scalar("SELECT id FROM team WHERE lower(name) = lower(?)", [team])
        if found is None:
            raise UserError(f"--team {team!r}: there is no such team", kind="input")
        team_id = int(found)
    ids = db.rows(
        "SELECT id FROM goal WHERE ? IS NULL OR team_id = ? ORDER BY id", [team_id, team_id]
    )
    return [goal_json(db, int(i), viewer=viewer) for (i,) in ids]
