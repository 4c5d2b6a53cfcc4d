"""Student privacy: small-group suppression, formula-safe exports, pseudonyms (section 7)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from collabplan import config

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_suppressed(students: int | None, min_size: int | None = None) -> bool:
    """True when a figure about ``students`` students may not be shown (None: unknown)."""
    return students is None or students < (min_size or config.MIN_GROUP_SIZE)


def safe_cell(value: object) -> object:
    """Neutralise a text cell a spreadsheet would run as a formula (prefix a quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def pseudonym(student_key: str) -> str:
    """A stable, non-reversible label ("Student 4F2A") for projection-safe views."""
    return "Student " + hashlib.sha256(student_key.encode("utf-8")).hexdigest()[:4].upper()


# -- disclosure control: primary and complementary cell suppression -------------------------


@dataclass(frozen=True)
class Suppression:
    """Which cells and margins of a table of counts are hidden.

    ``cells``: a boolean frame shaped like the table (True = hidden); ``row_totals`` and
    ``column_totals``: boolean series over its rows and columns (True = that line's total is
    itself under the minimum, so the line is hidden whole and its total is not shown).
    """

    cells: pd.DataFrame
    row_totals: pd.Series
    column_totals: pd.Series


def suppress_table(
    counts: pd.DataFrame,
    *,
    rows: bool = True,
    columns: bool = False,
    min_size: int | None = None,
) -> Suppression:
    """Hide every cell of a table of student counts that a reader could use to learn about
    fewer than ``min_size`` students, directly or by subtraction (ARCHITECTURE.md section 7).

    ``counts``: students per cell (NaN = no such cell, read as 0). ``rows`` / ``columns``:
    whether each row's / column's total is shown with the table (or can be read elsewhere:
    a class beside the whole school, a group beside everyone else).

    1. Primary: a cell of 1 to ``min_size - 1`` students is hidden (0 names nobody).
    2. A line (row or column with a shown total) whose total is itself under the minimum is
       hidden whole, and its total with it.
    3. Complementary: a line with a shown total and exactly one hidden cell gives that cell
       away (total minus the others), so its smallest other cell of at least one student is
       hidden too; cells hidden for one line may leave another line with one hidden cell, so
       this repeats until no line with a shown total has exactly one hidden cell.
    """
    limit = min_size or config.MIN_GROUP_SIZE
    values = counts.fillna(0).astype("int64").to_numpy()
    hidden = (values > 0) & (values < limit)
    row_total = values.sum(axis=1)
    col_total = values.sum(axis=0)
    row_small = (row_total > 0) & (row_total < limit) if rows else np.zeros(len(row_total), bool)
    col_small = (col_total > 0) & (col_total < limit) if columns else np.zeros(len(col_total), bool)
    hidden[row_small, :] |= values[row_small, :] > 0
    hidden[:, col_small] |= values[:, col_small] > 0
    lines: list[tuple[str, int]] = []
    if rows:
        lines += [("row", i) for i in range(values.shape[0]) if not row_small[i]]
    if columns:
        lines += [("column", j) for j in range(values.shape[1]) if not col_small[j]]
    changed = True
    while changed:
        changed = False
        for kind, i in lines:
            line_values = values[i, :] if kind == "row" else values[:, i]
            line_hidden = hidden[i, :] if kind == "row" else hidden[:, i]
            if int(line_hidden.sum()) != 1:
                continue
            candidates = np.flatnonzero(~line_hidden & (line_values > 0))
            if not len(candidates):  # (cannot happen: the total would be the hidden cell)
                continue
            pick = candidates[np.argmin(line_values[candidates])]
            if kind == "row":
                hidden[i, pick] = True
            else:
                hidden[pick, i] = True
            changed = True
    return Suppression(
        cells=pd.DataFrame(hidden, index=counts.index, columns=counts.columns),
        row_totals=pd.Series(row_small, index=counts.index),
        column_totals=pd.Series(col_small, index=counts.columns),
    )
