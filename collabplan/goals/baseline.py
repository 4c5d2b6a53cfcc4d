"""A goal's baseline: its metric on the baseline administration (section 4), the chart of
every skill that baseline came from, and the check that a target beats it in time.

A draft (draft, refined, being revised) follows the data: its baseline is computed each
time. A posted goal (active, met, not met) keeps the baseline frozen when it became active
(``goal.baseline_value`` / ``baseline_students``): :func:`baseline_in_force` gives the one
in force beside what today's data says.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from collabplan import config
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.lookups import administration
from collabplan.goals.values import check_metric, is_better, none_if_missing
from collabplan.metrics import LOCAL, Filters, metric_value, skill_summary
from collabplan.text import (
    METRIC_LABELS,
    clean_population,
    describe_population,
    lower_is_better,
)
from collabplan.text import pct_exact as pct


@dataclass
class Baseline:
    administration_id: int
    assessment: str
    term: str | None
    date: dt.date | None
    label: str
    value: float
    students: int
    pct_proficient: float


def compute_baseline(
    db: Database,
    administration_id: int,
    skill: str,
    metric: str,
    population: dict[str, Any] | None,
    *,
    viewer: Viewer = LOCAL,
) -> Baseline:
    """The goal's metric on its baseline administration; refused when the group is too small.

    Counts the students ``viewer`` may read (a teacher: their own teams' uploads)."""
    check_metric(metric)
    adm = administration(db, administration_id)
    pop = clean_population(population)
    value, n = metric_value(db, administration_id, skill, metric, pop, viewer=viewer)
    who = describe_population(pop)
    if value is None or n == 0:
        raise UserError(
            f"no {who} were scored on {skill!r} in {adm['assessment']} {adm['label']}; "
            "choose another skill, population or window",
            kind="input",
        )
    if n < config.MIN_GROUP_SIZE:
        raise UserError(
            f"only {n} {who} were scored on {skill!r} in {adm['label']}: a goal needs at least "
            f"{config.MIN_GROUP_SIZE} so no single student's result can be read from it; "
            "widen the population",
            kind="input",
        )
    pct_prof = value if metric == "pct_proficient" else round(100.0 - value, 1)
    return Baseline(
        administration_id=int(administration_id),
        assessment=adm["assessment"],
        term=adm["term"],
        date=adm["date"],
        label=adm["label"],
        value=value,
        students=n,
        pct_proficient=pct_prof,
    )


def baseline_chart_data(
    db: Database,
    administration_id: int,
    skill: str,
    metric: str,
    population: dict[str, Any] | None,
    *,
    viewer: Viewer = LOCAL,
) -> pd.DataFrame:
    """Every skill of the baseline administration for the population: the chart the baseline came from.

    Columns: skill, students, pct_proficient, value (the goal's metric), status, chosen.
    Suppressed rows keep value None.
    """
    check_metric(metric)
    adm = administration(db, administration_id)
    df = skill_summary(
        db,
        Filters.from_population(
            clean_population(population),
            assessment_id=adm["assessment_id"],
            administration_ids=(int(administration_id),),
        ),
        viewer=viewer,
    )
    if df.empty:
        return pd.DataFrame(
            columns=["skill", "students", "pct_proficient", "value", "status", "chosen"]
        )
    df = df[["skill", "students", "pct_proficient", "status"]].copy()
    small = df["students"] < config.MIN_GROUP_SIZE
    df["value"] = (
        df["pct_proficient"]
        if metric == "pct_proficient"
        else (100.0 - df["pct_proficient"]).round(1)
    )
    df.loc[small, ["value", "pct_proficient"]] = None
    df["chosen"] = df["skill"] == skill
    return df.reset_index(drop=True)


# -- the baseline in force ---------------------------------------------------------------
#: Lifecycle steps whose baseline is frozen: the goal has been posted.
POSTED = ("active", "met", "not_met")


@dataclass
class BaselineInForce:
    """The baseline a goal's numbers use, and what today's data says beside it.

    ``value``/``students``: the baseline in force (frozen for a posted goal; today's data
    for a draft). ``now_value``/``now_students``: today's data. ``value`` and ``now_value``
    are None when the group has fewer than MIN_GROUP_SIZE students (or nobody).
    """

    administration_id: int
    assessment: str
    term: str | None
    date: dt.date | None
    label: str
    value: float | None
    students: int
    now_value: float | None
    now_students: int
    frozen: bool
    kept: bool = False

    @property
    def suppressed(self) -> bool:
        return self.students < config.MIN_GROUP_SIZE

    @property
    def changed(self) -> bool:
        """True when today's data gives another baseline than the frozen one."""
        return self.frozen and (self.now_value, self.now_students) != (self.value, self.students)

    @property
    def notice(self) -> bool:
        """True when the change is still to be decided (the team has not kept the agreed one
        for exactly today's data)."""
        return self.changed and not self.kept


def _shown(value: float | None, n: int) -> float | None:
    return None if value is None or n < config.MIN_GROUP_SIZE else float(value)


def baseline_in_force(db: Database, goal: Any, *, viewer: Viewer = LOCAL) -> BaselineInForce:
    """The baseline ``goal`` (a Goal or anything with its fields) uses, with today's beside it.

    Today's value counts the students ``viewer`` may read; the agreed (frozen) value is part
    of the posted goal, which every team reads on the board.
    """
    adm = administration(db, goal.baseline_administration_id)
    now, now_n = metric_value(
        db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population,
        viewer=viewer,
    )
    now_value = _shown(now, now_n)
    frozen_value = none_if_missing(getattr(goal, "baseline_value", None))
    frozen = goal.status in POSTED and frozen_value is not None
    if frozen:
        n = int(goal.baseline_students or 0)
        value = _shown(frozen_value, n)
        kept_value = none_if_missing(getattr(goal, "baseline_kept_value", None))
        kept_n = none_if_missing(getattr(goal, "baseline_kept_students", None))
        kept = kept_n is not None and (
            _shown(kept_value, int(kept_n)), int(kept_n)
        ) == (now_value, int(now_n))
    else:
        value, n, kept = now_value, int(now_n), False
    return BaselineInForce(
        administration_id=int(adm["id"]),
        assessment=adm["assessment"],
        term=adm["term"],
        date=adm["date"],
        label=adm["label"],
        value=value,
        students=n,
        now_value=now_value,
        now_students=int(now_n),
        frozen=frozen,
        kept=kept,
    )


def freeze_posted(db: Database) -> int:
    """Freeze, from today's data, the baseline of every posted goal that has none stored.

    Run once after migration 0007 so goals posted in an older database file keep the
    baseline they have today. A goal whose group is empty stays unfrozen (it has no
    baseline to keep). Returns how many goals were frozen.
    """
    rows = db.rows(
        "SELECT id, baseline_administration_id, skill, metric, population FROM goal"
        " WHERE baseline_value IS NULL AND list_contains(?, status)",
        [list(POSTED)],
    )
    frozen = []
    for goal_id, admin_id, skill, metric, population in rows:
        if metric not in ("pct_below_proficient", "pct_proficient"):
            continue
        value, n = metric_value(
            db, int(admin_id), skill, metric, clean_population(json.loads(population or "{}"))
        )
        if value is not None and n:
            frozen.append((value, int(n), int(goal_id)))
    if frozen:
        with db.transaction() as cur:
            for value, n, goal_id in frozen:
                cur.execute(
                    "UPDATE goal SET baseline_value = ?, baseline_students = ?,"
                    " baseline_frozen_at = current_timestamp WHERE id = ?",
                    [value, n, goal_id],
                )
    return len(frozen)


# -- validation ------------------------------------------------------------------------
def validate_target(
    metric: str,
    baseline_value: float,
    baseline_date: dt.date | None,
    target_value: float | None,
    target_date: dt.date | None,
) -> None:
    """Refuse a target that is impossible, not better than the baseline, or dated too early."""
    check_metric(metric)
    if target_value is None:
        raise UserError("give a target value between 0 and 100", kind="input")
    try:
        target_value = float(target_value)
    except (TypeError, ValueError) as exc:
        raise UserError(f"the target {target_value!r} is not a number", kind="input") from exc
    if pd.isna(target_value) or not 0 <= target_value <= 100:
        raise UserError(
            f"the target {target_value:g} is impossible: a share of students lies between 0 and 100",
            kind="input",
        )
    if not is_better(metric, target_value, baseline_value):
        direction = "below" if lower_is_better(metric) else "above"
        raise UserError(
            f"the target {pct(target_value)} is not better than the baseline {pct(baseline_value)}: "
            f"for {METRIC_LABELS[metric]} it must be {direction} {pct(baseline_value)}",
            kind="input",
        )
    if target_date is None:
        raise UserError("give a target date (YYYY-MM-DD)", kind="input")
    if baseline_date is not None and target_date <= baseline_date:
        raise UserError(
            f"the target date {target_date.isoformat()} is not after the baseline "
            f"({baseline_date.isoformat()}); choose a later date",
            kind="input",
        )

