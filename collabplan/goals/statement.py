"""A goal in plain words: "Reduce the share of grade 3 students below proficiency in
vocabulary from 40% to 25% by 29 January 2027." The baseline in the words is the one in force
(``baseline.baseline_in_force``), so a posted goal reads the same after a later upload."""

from __future__ import annotations

import datetime as dt
from typing import Any

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.goals.baseline import baseline_in_force
from collabplan.goals.model import LOCAL, Goal
from collabplan.goals.values import is_better
from collabplan.text import describe_population, long_date, lower_is_better, skill_words
from collabplan.text import pct_exact as pct


def statement_text(
    metric: str,
    skill: str,
    population: dict[str, Any] | None,
    baseline_value: float | None,
    target_value: float | None,
    target_date: dt.date | None,
) -> str:
    """The goal in plain words.

    "Reduce the share of grade 3 students below proficiency in vocabulary from 40% to 25%
    by 29 January 2027."
    """
    who = describe_population(population)
    what = skill_words(skill)
    if lower_is_better(metric):
        head = f"Reduce the share of {who} below proficiency in {what}"
    else:
        head = f"Raise the share of {who} proficient in {what}"
    wrong_side = (
        baseline_value is not None
        and target_value is not None
        and not is_better(metric, float(target_value), float(baseline_value))
    )
    if wrong_side:
        # Never "from 52.1% to 60%": say the target no longer beats the baseline.
        direction = "below" if lower_is_better(metric) else "above"
        return (
            f"{head}: the target {pct(target_value)} is not {direction} the baseline "
            f"{pct(baseline_value)}, so the team sets a new target."
        )
    if baseline_value is not None:
        head += f" from {pct(baseline_value)}"
    if target_value is not None:
        head += f" to {pct(target_value)}"
    if target_date is not None:
        head += f" by {long_date(target_date)}"
    return head + "."


def goal_statement(db: Database, goal: Goal, *, viewer: Viewer = LOCAL) -> str:
    """The statement with the baseline in force (frozen for a posted goal; a draft's counts
    the students ``viewer`` may read)."""
    base = baseline_in_force(db, goal, viewer=viewer)
    return statement_text(
        goal.metric, goal.skill, goal.population, base.value, goal.target_value, goal.target_date
    )
