"""Disclosure control for every figure a page, a slide or the command line shows
(ARCHITECTURE.md section 7; the rule itself is :func:`collabplan.privacy.suppress_table`).

Each function takes the DataFrame a query in ``metrics`` or ``breakdowns`` returns and
``suppress`` (a bool, or the :class:`~collabplan.access.Viewer`, whose ``suppresses`` says it:
projection mode or a coach). With ``suppress`` off the frame comes back as it was. With it on,
every number resting on fewer than the minimum group size, and every number that would let a
reader recover one by subtraction from a total shown beside it, becomes missing (NaN / NA) and
the row says ``suppressed``; a percent follows its count. Callers show missing numbers as
"fewer than 10 students" (:func:`collabplan.text.fewer_than`).

Which lines have a shown total, per view:

- level mix (skill × level): each skill's total (the bar is 100% of it);
- students by band (skill × not yet / proficient / well past): each skill's total;
- skills by class, teacher or grade: each skill's total over every class (the school's
  figure on the skill profile);
- a student group beside everyone else (equity gap, ``skills --by group:NAME``, the groups
  heatmap): the two add up to the skill's total;
- questions, growth: no total, so the minimum alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from collabplan import config
from collabplan.access import Viewer
from collabplan.privacy import suppress_table
from collabplan.text import fewer_than

Suppress = bool | Viewer


def suppressing(suppress: Suppress) -> bool:
    """``suppress`` as a bool: a Viewer suppresses in projection mode and as a coach."""
    return suppress.suppresses if isinstance(suppress, Viewer) else bool(suppress)


def shown_count(n: Any, suppress: Suppress = True, noun: str = "students") -> str:
    """A count as a person reads it: "12 students"; a hidden or small one "fewer than 10
    students" (a count of 0 names nobody and is shown)."""
    if n is None or pd.isna(n) or (suppressing(suppress) and 0 < int(n) < config.MIN_GROUP_SIZE):
        return fewer_than(noun=noun)
    return f"{int(n):,} {noun if int(n) != 1 else noun.rstrip('s')}"


def _blank(df: pd.DataFrame, mask: pd.Series, columns: list[str]) -> pd.DataFrame:
    for col in columns:
        if col in df.columns:
            df[col] = df[col].astype("float64").where(~mask)
    return df


# -- skill summaries: one skill, by class / teacher / grade / group -------------------------


def skill_summary(summary: pd.DataFrame, suppress: Suppress) -> pd.DataFrame:
    """metrics.skill_summary (with or without ``by``): groups under the minimum, and with
    ``by``, the cells that would give one away beside the skill's total, are hidden
    (students, proficient, pct_proficient missing; status "suppressed")."""
    if not suppressing(suppress) or summary.empty:
        return summary
    df = summary.reset_index(drop=True).copy()
    hidden = df["students"] < config.MIN_GROUP_SIZE
    if "by" in df.columns:
        line = df["administration_id"].astype(str) + "\x00" + df["skill"].astype(str)
        cell = df["by"].astype(object).where(df["by"].notna(), "\x00none").astype(str)
        table = pd.DataFrame({"line": line, "cell": cell, "n": df["students"]}).pivot_table(
            index="line", columns="cell", values="n", aggfunc="sum")
        mask = suppress_table(table, rows=True).cells
        hidden |= pd.Series([bool(mask.at[ln, c]) for ln, c in zip(line, cell, strict=True)])
    df.loc[hidden, "status"] = "suppressed"
    return _blank(df, hidden, ["students", "proficient", "pct_proficient"])


def skill_summary_by_groups(
    by_groups: pd.DataFrame, overall: pd.DataFrame, suppress: Suppress
) -> pd.DataFrame:
    """metrics.skill_summary_by_groups, each group against everyone else: ``overall`` is the
    skill_summary without ``by`` for the same filters (the total a reader has beside it). A
    group is hidden when it, or everyone else, is under the minimum."""
    if not suppressing(suppress) or by_groups.empty:
        return by_groups
    df = by_groups.reset_index(drop=True).copy()
    totals = overall.set_index(["administration_id", "skill"])["students"]
    keys = list(zip(df["administration_id"], df["skill"], strict=True))
    total = pd.Series([totals.get(k, np.nan) for k in keys], dtype="float64")
    rest = (total - df["students"]).fillna(0)
    pair = pd.DataFrame({"group": df["students"].astype("int64"), "rest": rest.astype("int64")})
    hidden = suppress_table(pair, rows=True).cells["group"]
    hidden |= df["students"] < config.MIN_GROUP_SIZE
    df.loc[hidden, "status"] = "suppressed"
    return _blank(df, hidden, ["students", "proficient", "pct_proficient"])


def equity_gap(gap: pd.DataFrame, suppress: Suppress) -> pd.DataFrame:
    """metrics.equity_gap: a skill where the group or everyone else is under the minimum
    shows neither side (the other is the skill's total minus it), nor their sizes."""
    if not suppressing(suppress) or gap.empty:
        return gap
    df = gap.reset_index(drop=True).copy()
    pair = df[["group_students", "others_students"]].astype("int64")
    cells = suppress_table(pair, rows=True).cells
    hidden = cells.any(axis=1) | df["suppressed"].astype(bool)
    df["suppressed"] = hidden
    return _blank(df, hidden, ["group_students", "group_pct", "others_students", "others_pct",
                               "gap"])


def growth(df: pd.DataFrame, suppress: Suppress) -> pd.DataFrame:
    """metrics.growth: skills with fewer matched students than the minimum lose their numbers."""
    if not suppressing(suppress) or df.empty:
        return df
    out = df.reset_index(drop=True).copy()
    hidden = out["students"] < config.MIN_GROUP_SIZE
    out["suppressed"] = out["suppressed"].astype(bool) | hidden
    out["stagnant"] = out["stagnant"].astype(bool) & ~hidden
    return _blank(out, hidden, ["students", "before_proficient", "after_proficient",
                                "before_pct", "after_pct", "growth"])


# -- breakdowns of one window ----------------------------------------------------------------


def level_distribution(levels: pd.DataFrame, suppress: Suppress) -> pd.DataFrame:
    """breakdowns.level_distribution with a ``suppressed`` column: a level of fewer than the
    minimum (and the next smallest level of that skill, so the total gives neither away) is
    hidden; a skill of fewer students than the minimum is hidden whole (``total`` missing)."""
    df = levels.reset_index(drop=True).copy()
    df["suppressed"] = False
    if not suppressing(suppress) or df.empty:
        return df
    table = df.pivot_table(index="skill", columns="level", values="students", aggfunc="sum")
    result = suppress_table(table, rows=True)
    hidden = pd.Series([bool(result.cells.at[s, lv])
                        for s, lv in zip(df["skill"], df["level"], strict=True)])
    small_skill = df["skill"].map(result.row_totals).astype(bool)
    df["suppressed"] = hidden | small_skill
    df = _blank(df, df["suppressed"], ["students", "pct"])
    return _blank(df, small_skill, ["total"])


def skill_bands(bands: pd.DataFrame, suppress: Suppress) -> pd.DataFrame:
    """breakdowns.skill_bands: band counts under the minimum, and the next smallest band of
    the same skill, missing (the skill's total is shown); a skill under the minimum whole."""
    if not suppressing(suppress) or bands.empty:
        return bands
    df = bands.reset_index(drop=True).copy()
    cols = ["not_yet", "proficient", "well_past"]
    result = suppress_table(df[cols], rows=True)
    for col in cols:
        df[col] = df[col].astype("Int64").mask(result.cells[col])
    df["students"] = df["students"].astype("Int64").mask(result.row_totals)
    return df


def item_analysis(items: pd.DataFrame, suppress: Suppress) -> pd.DataFrame:
    """breakdowns.item_analysis with a ``suppressed`` column: a question answered by fewer
    students than the minimum shows no result (and sorts last)."""
    df = items.reset_index(drop=True).copy()
    df["suppressed"] = False
    if not suppressing(suppress) or df.empty:
        return df
    df["suppressed"] = df["students"] < config.MIN_GROUP_SIZE
    df = _blank(df, df["suppressed"], ["students", "points", "max_points", "pct_earned"])
    return df.sort_values("suppressed", kind="stable").reset_index(drop=True)


# -- counts of students per upload -----------------------------------------------------------


def upload_counts(uploads: pd.DataFrame, suppress: Suppress) -> pd.DataFrame:
    """An upload list (overview.latest_uploads, load.list_uploads): an upload of fewer
    students than the minimum shows its sizes as "fewer than 10 students" (its score count
    would give the number away)."""
    if not suppressing(suppress) or uploads.empty:
        return uploads
    df = uploads.copy()
    small = df["students"] < config.MIN_GROUP_SIZE
    for col in ("students", "scores"):
        if col in df.columns:
            df[col] = df[col].astype(object).where(~small, fewer_than())
    return df


def count_cell(value: Any, students: Any, suppress: Suppress) -> str:
    """One count of an upload list as text ("1,200"), or "fewer than 10 students" when the
    upload's ``students`` are under the minimum and figures are suppressed."""
    if suppressing(suppress) and 0 < int(students) < config.MIN_GROUP_SIZE:
        return fewer_than()
    return f"{int(value):,}"
