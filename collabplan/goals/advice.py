"""Advice while a team drafts a goal: targets and a date suggested from the growth the data
has seen, and the SMART check (specific, measurable, achievable, relevant, time-bound).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from collabplan import config
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.goals.baseline import Baseline, baseline_chart_data, compute_baseline
from collabplan.goals.lookups import administration
from collabplan.goals.model import Goal
from collabplan.goals.values import is_better, to_date
from collabplan.metrics import LOCAL, Filters, skill_summary
from collabplan.text import METRIC_LABELS, describe_population, long_date, metric_phrase
from collabplan.text import pct_exact as pct


@dataclass
class Suggestion:
    value: float
    date: dt.date | None
    reason: str
    basis: str  # "this skill's growth" | "comparable skills' growth" | "half the gap"


def _history(db: Database, goal_like: Goal, viewer: Viewer = LOCAL) -> pd.DataFrame:
    """pct_proficient of every skill × administration for the population, up to the baseline."""
    base_adm = administration(db, goal_like.baseline_administration_id)
    df = skill_summary(
        db, Filters.from_population(goal_like.population, assessment_id=goal_like.assessment_id),
        viewer=viewer,
    )
    if df.empty:
        return df
    df = df[df["students"] >= config.MIN_GROUP_SIZE].copy()
    df["date"] = df["date"].map(to_date)
    if base_adm["date"] is not None:
        df = df[df["date"].map(lambda d: d is not None and d <= base_adm["date"])]
    else:
        df = df[df["administration_id"] <= base_adm["id"]]
    return df


def _windows(df: pd.DataFrame) -> list[tuple[int, str, dt.date | None]]:
    w = df[["administration_id", "label", "date"]].drop_duplicates("administration_id")
    w = w.sort_values(["date", "administration_id"], na_position="first")
    return [(int(a), str(label), d) for a, label, d in w.itertuples(index=False)]


@dataclass
class ObservedGrowth:
    """Improvements in pct_proficient between consecutive earlier windows."""

    this_skill: list[tuple[str, str, float, int]]  # (from label, to label, points, days)
    comparable_median: float | None
    comparable_from: str | None
    comparable_to: str | None
    comparable_days: int | None
    window_days: int | None


def observed_growth(db: Database, goal: Goal, *, viewer: Viewer = LOCAL) -> ObservedGrowth:
    df = _history(db, goal, viewer)
    out = ObservedGrowth([], None, None, None, None, None)
    if df.empty:
        return out
    wins = _windows(df)
    gaps = []
    for (a1, l1, d1), (a2, l2, d2) in zip(wins, wins[1:], strict=False):
        days = (d2 - d1).days if d1 and d2 else None
        if days:
            gaps.append(days)
        p1 = df[(df["administration_id"] == a1)].set_index("skill")["pct_proficient"]
        p2 = df[(df["administration_id"] == a2)].set_index("skill")["pct_proficient"]
        if goal.skill in p1.index and goal.skill in p2.index:
            out.this_skill.append(
                (l1, l2, round(float(p2[goal.skill] - p1[goal.skill]), 1), days or 0)
            )
        both = p1.index.intersection(p2.index).drop(goal.skill, errors="ignore")
        if len(both):
            out.comparable_median = round(float((p2[both] - p1[both]).median()), 1)
            out.comparable_from, out.comparable_to, out.comparable_days = l1, l2, days
    if gaps:
        out.window_days = int(sorted(gaps)[len(gaps) // 2])
    return out


def suggested_date(db: Database, goal: Goal, *, viewer: Viewer = LOCAL) -> dt.date | None:
    """One testing window after the baseline if windows are regular, else the semester's end."""
    base = administration(db, goal.baseline_administration_id)["date"]
    if base is None:
        return None
    growth = observed_growth(db, goal, viewer=viewer)
    if growth.window_days and 30 <= growth.window_days <= 250:
        return base + dt.timedelta(days=growth.window_days)
    # End of the semester the baseline falls in: late January or mid June.
    if base.month >= 8:
        return dt.date(base.year + 1, 1, 29)
    if base.month <= 1:
        return dt.date(base.year, 6, 12)
    return dt.date(base.year, 6, 12) if base.month < 6 else dt.date(base.year + 1, 1, 29)


def _as_metric(metric: str, pct_proficient: float) -> float:
    return pct_proficient if metric == "pct_proficient" else 100.0 - pct_proficient


def suggestions(db: Database, goal: Goal, *, viewer: Viewer = LOCAL) -> list[Suggestion]:
    """Targets computed from the data, each with a sentence saying where it comes from."""
    base = compute_baseline(
        db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population,
        viewer=viewer,
    )
    date = goal.target_date or suggested_date(db, goal, viewer=viewer)
    growth = observed_growth(db, goal, viewer=viewer)
    out: list[Suggestion] = []

    def add(pct_prof: float, reason: str, basis: str) -> None:
        value = round(min(max(_as_metric(goal.metric, pct_prof), 0.0), 100.0))
        if is_better(goal.metric, value, base.value) and all(s.value != value for s in out):
            out.append(Suggestion(float(value), date, reason, basis))

    gains = [g for g in growth.this_skill if g[2] > 0]
    if gains:
        f, t, points, _ = gains[-1]
        add(
            base.pct_proficient + points,
            f"{goal.skill} rose {points:g} points in % proficient between {f} and {t}; "
            f"the same growth again goes from {metric_phrase(base.value, goal.metric)} to "
            f"{metric_phrase(round(_as_metric(goal.metric, base.pct_proficient + points)), goal.metric)}.",
            "this skill's growth",
        )
    if growth.comparable_median is not None and growth.comparable_median > 0:
        m = growth.comparable_median
        add(
            base.pct_proficient + m,
            f"The other skills on this assessment grew a median of {m:g} points in % proficient "
            f"between {growth.comparable_from} and {growth.comparable_to}; matching that gives "
            f"{metric_phrase(round(_as_metric(goal.metric, base.pct_proficient + m)), goal.metric)}.",
            "comparable skills' growth",
        )
    chart = baseline_chart_data(
        db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population
    )
    others = chart[(~chart["chosen"]) & chart["pct_proficient"].notna()]
    if not others.empty:
        best = others.loc[others["pct_proficient"].idxmax()]
        if best["pct_proficient"] > base.pct_proficient:
            half = base.pct_proficient + (float(best["pct_proficient"]) - base.pct_proficient) / 2
            add(
                half,
                f"The team's strongest skill, {best['skill']}, has {pct(best['pct_proficient'])} "
                f"proficient; closing half of the gap from {pct(base.pct_proficient)} gives "
                f"{metric_phrase(round(_as_metric(goal.metric, half)), goal.metric)}.",
                "half the gap",
            )
    return out


# -- SMART check -----------------------------------------------------------------------
@dataclass
class SmartItem:
    letter: str
    name: str
    met: bool
    why: str


def smart_check(db: Database, goal: Goal, *, viewer: Viewer = LOCAL) -> list[SmartItem]:
    """Specific, measurable, achievable, relevant, time-bound: each judged from the goal itself."""
    items: list[SmartItem] = []
    who = describe_population(goal.population)
    grade = None if goal.population else _only_grade(db, goal, viewer)
    specific = bool(goal.skill) and (bool(goal.population) or grade is not None)
    if specific and not goal.population:
        who = f"the grade {grade} students this assessment scored"
    items.append(
        SmartItem(
            "S",
            "Specific",
            specific,
            f"names a skill ({goal.skill}) and a population ({who})."
            if specific
            else f"names the skill {goal.skill} but every student across grades: "
            "choose a grade, class, teacher or group."
            if goal.skill
            else "choose a skill.",
        )
    )
    try:
        base = compute_baseline(
            db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population,
            viewer=viewer,
        )
    except ValueError as exc:
        base = None
        reason = str(exc)
    items.append(
        SmartItem(
            "M",
            "Measurable",
            base is not None,
            f"{METRIC_LABELS[goal.metric]} is computed from the data: {pct(base.value)} of "
            f"{base.students} students scored in {base.label}."
            if base
            else f"no baseline: {reason}.",
        )
    )
    items.append(_achievable(db, goal, base, viewer))
    items.append(
        SmartItem(
            "R",
            "Relevant",
            goal.priority_id is not None,
            f"serves the school priority \u201c{goal.priority}\u201d."
            if goal.priority_id is not None
            else "name the school priority this goal serves.",
        )
    )
    time_ok = goal.target_date is not None and (
        base is None or base.date is None or goal.target_date > base.date
    )
    items.append(
        SmartItem(
            "T",
            "Time-bound",
            time_ok,
            f"due {long_date(goal.target_date)}."
            if time_ok
            else "set a target date after the baseline."
            if goal.target_date
            else "set a target date.",
        )
    )
    return items


def _only_grade(db: Database, goal: Goal, viewer: Viewer = LOCAL) -> str | None:
    """The one grade scored on the goal's skill in its baseline window (None when several)."""
    df = skill_summary(
        db,
        Filters(administration_ids=(goal.baseline_administration_id,), skill=goal.skill),
        by="grade",
        viewer=viewer,
    )
    grades = [g for g in df["by"].dropna().unique()] if not df.empty else []
    return str(grades[0]) if len(grades) == 1 and len(df) == 1 else None


def _achievable(
    db: Database, goal: Goal, base: Baseline | None, viewer: Viewer = LOCAL
) -> SmartItem:
    if base is None or goal.target_value is None:
        return SmartItem(
            "A", "Achievable", False, "set a target to compare with the growth seen so far."
        )
    needed = abs(goal.target_value - base.value)
    growth = observed_growth(db, goal, viewer=viewer)
    seen = [(g[2], f"{goal.skill} between {g[0]} and {g[1]}", g[3]) for g in growth.this_skill]
    if growth.comparable_median is not None:
        seen.append(
            (
                growth.comparable_median,
                f"the other skills' median between {growth.comparable_from} and {growth.comparable_to}",
                growth.comparable_days or 0,
            )
        )
    if not seen:
        return SmartItem(
            "A",
            "Achievable",
            False,
            f"needs {needed:g} points; no earlier window to compare with yet (upload an earlier window).",
        )
    best, where, days = max(seen, key=lambda s: s[0])
    span = (goal.target_date - base.date).days if goal.target_date and base.date else None
    # Scale the best growth seen to the goal's own time span (one window when unknown).
    allowed = best * (span / days) if span and days else best
    ok = best > 0 and needed <= max(allowed, best) + 1e-9
    if ok:
        why = f"needs {needed:g} points; {where} grew {best:g} points."
    else:
        why = (
            f"needs {needed:g} points but the best growth seen was {best:g} points ({where}); "
            "consider a nearer target or a later date."
        )
    return SmartItem("A", "Achievable", ok, why)

