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
    date_why: str = ""  # "the winter testing window", "the end of the first semester" …


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


# -- target dates: ahead, in the current school year ---------------------------------------
#: The school year runs from August to July (the months of its first calendar year).
YEAR_STARTS = 8
#: (month, day, words) of the dates a school plans towards besides its testing windows.
SCHOOL_DATES = ((1, 31, "the end of the first semester"), (6, 30, "the end of the school year"))
#: A suggested date leaves the team at least this long to teach (when the year still allows).
MIN_LEAD_DAYS = 28
SEASONS = ("fall", "autumn", "winter", "spring", "summer")


@dataclass(frozen=True)
class TargetDate:
    """A suggested target date and, in a teacher's words, what it is."""

    date: dt.date
    why: str


def school_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day (1 August, 31 July) of the school year containing ``today``."""
    first = today.year if today.month >= YEAR_STARTS else today.year - 1
    return dt.date(first, YEAR_STARTS, 1), dt.date(first + 1, YEAR_STARTS, 1) - dt.timedelta(days=1)


def in_year(month: int, day: int, year_start: dt.date) -> dt.date:
    """That month and day in the school year starting ``year_start`` (29 February: the 28th
    in a year without it)."""
    year = year_start.year if month >= YEAR_STARTS else year_start.year + 1
    try:
        return dt.date(year, month, day)
    except ValueError:
        return dt.date(year, month, day - 1)


def _window_words(term: str | None, label: str | None) -> str:
    first = (term or label or "").strip().split(" ")[0].lower()
    if first in SEASONS:
        return f"the {first} testing window"
    return f"the testing window of {label}" if label else "the next testing window"


def next_target_date(
    today: dt.date,
    windows: list[tuple[dt.date, str]] = (),  # type: ignore[assignment]
    after: dt.date | None = None,
) -> TargetDate:
    """The date a goal aims at: the next testing window or semester end after ``today``.

    ``windows``: (date, words) of the testing windows the uploads show, from any year; each
    is taken at its month and day in the current school year (August to July). The first
    candidate at least MIN_LEAD_DAYS ahead wins, else the first one ahead, else the school
    year's last day. Never on or before ``today`` (nor ``after``, the baseline's date) unless
    today is that last day.
    """
    start, end = school_year(today)
    not_before = max(today, after) if after else today
    found = sorted({(in_year(d.month, d.day, start), why) for d, why in windows}
                   | {(in_year(m, d, start), why) for m, d, why in SCHOOL_DATES})
    ahead = [(d, why) for d, why in found if d > not_before]
    enough = [c for c in ahead if (c[0] - today).days >= MIN_LEAD_DAYS]
    if enough or ahead:
        return TargetDate(*(enough or ahead)[0])
    if end > not_before or not_before == today:
        return TargetDate(max(end, today), "the last day of the school year")
    return next_target_date(end + dt.timedelta(days=1), windows, after)  # a future baseline


def suggested_target_date(
    db: Database, goal: Goal, *, today: dt.date | None = None
) -> TargetDate | None:
    """The next testing window of the goal's assessment (or semester end) after ``today``
    (default: the real today); None when the baseline window is gone."""
    base = administration(db, goal.baseline_administration_id)
    windows = [
        (d, _window_words(term, label))
        for term, label, d in db.rows(
            "SELECT term, label, date FROM administration WHERE assessment_id = ?"
            " AND date IS NOT NULL ORDER BY date",
            [goal.assessment_id],
        )
    ]
    return next_target_date(today or dt.date.today(), [(to_date(d), w) for d, w in windows],
                            after=base["date"])


def suggested_date(
    db: Database, goal: Goal, *, viewer: Viewer = LOCAL, today: dt.date | None = None
) -> dt.date | None:
    """The date of :func:`suggested_target_date` (``viewer`` kept for the callers' sake)."""
    found = suggested_target_date(db, goal, today=today)
    return found.date if found else None


def _as_metric(metric: str, pct_proficient: float) -> float:
    return pct_proficient if metric == "pct_proficient" else 100.0 - pct_proficient


def _moved(metric: str, points: float, median: bool = False) -> str:
    """How skills moved, said in the goal's own measure: "rose 5 points in students
    proficient" / "fell 5 points in students below proficient" (``median``: "a median of")."""
    size = f"{'a median of ' if median else ''}{abs(points):g} points"
    if metric == "pct_proficient":
        return f"{'rose' if points >= 0 else 'fell'} {size} in students proficient"
    return f"{'fell' if points >= 0 else 'rose'} {size} in students below proficient"


def suggestions(
    db: Database, goal: Goal, *, viewer: Viewer = LOCAL, today: dt.date | None = None
) -> list[Suggestion]:
    """Targets computed from the data, each with a sentence saying where it comes from.

    Every sentence speaks of the goal's own measure only (% proficient or % below
    proficient). The date is the goal's own when it still lies ahead of ``today``, else the
    next testing window or semester end (:func:`next_target_date`).
    """
    today = today or dt.date.today()
    base = compute_baseline(
        db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population,
        viewer=viewer,
    )
    if goal.target_date is not None and goal.target_date >= today:
        date, date_why = goal.target_date, "the team's date"
    else:
        found = suggested_target_date(db, goal, today=today)
        date, date_why = (found.date, found.why) if found else (None, "")
    growth = observed_growth(db, goal, viewer=viewer)
    out: list[Suggestion] = []
    metric = goal.metric

    def said(pct_prof: float) -> str:
        return metric_phrase(round(_as_metric(metric, pct_prof)), metric)

    def add(pct_prof: float, reason: str, basis: str) -> None:
        value = round(min(max(_as_metric(metric, pct_prof), 0.0), 100.0))
        if is_better(metric, value, base.value) and all(s.value != value for s in out):
            out.append(Suggestion(float(value), date, reason, basis, date_why))

    gains = [g for g in growth.this_skill if g[2] > 0]
    if gains:
        f, t, points, _ = gains[-1]
        add(
            base.pct_proficient + points,
            f"Between {f} and {t}, {goal.skill} {_moved(metric, points)}; the same again goes "
            f"from {metric_phrase(base.value, metric)} to {said(base.pct_proficient + points)}.",
            "this skill's growth",
        )
    if growth.comparable_median is not None and growth.comparable_median > 0:
        m = growth.comparable_median
        add(
            base.pct_proficient + m,
            f"Between {growth.comparable_from} and {growth.comparable_to}, the other skills of "
            f"this assessment {_moved(metric, m, median=True)}; "
            f"matching that gives {said(base.pct_proficient + m)}.",
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
                f"The team's strongest skill, {best['skill']}, has "
                f"{said(float(best['pct_proficient']))}; closing half of the gap from "
                f"{metric_phrase(base.value, metric)} gives {said(half)}.",
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


def smart_check(
    db: Database, goal: Goal, *, viewer: Viewer = LOCAL, today: dt.date | None = None
) -> list[SmartItem]:
    """Specific, measurable, achievable, relevant, time-bound: each judged from the goal itself.

    Specific asks what is measured (the skill on its assessment) and for whom; a goal for
    every student the assessment scored (the whole team) is specific too, grade or not.
    Time-bound needs a target date after the baseline and not before ``today`` (default:
    the real today).
    """
    today = today or dt.date.today()
    items: list[SmartItem] = []
    if goal.population:
        who = describe_population(goal.population)
    else:
        grade = _only_grade(db, goal, viewer)
        who = (f"the grade {grade} students this assessment scored" if grade is not None
               else "every student this assessment scored")
    specific = bool(goal.skill)
    items.append(
        SmartItem(
            "S",
            "Specific",
            specific,
            f"names what is measured ({goal.skill} on {goal.assessment or 'its assessment'}) "
            f"and for whom ({who})."
            if specific
            else "choose the skill the goal measures.",
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
    after_base = goal.target_date is not None and (
        base is None or base.date is None or goal.target_date > base.date
    )
    ahead = goal.target_date is not None and goal.target_date >= today
    time_ok = after_base and ahead
    if time_ok:
        when = f"due {long_date(goal.target_date)}."
    elif goal.target_date is None:
        when = "set a target date."
    elif not after_base:
        when = "set a target date after the baseline."
    else:
        hint = suggested_target_date(db, goal, today=today)
        when = (f"{long_date(goal.target_date)} has passed: set a date ahead"
                + (f", for example {long_date(hint.date)} ({hint.why})." if hint else "."))
    items.append(SmartItem("T", "Time-bound", time_ok, when))
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

