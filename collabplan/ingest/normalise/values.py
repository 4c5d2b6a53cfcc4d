"""What each score cell says (its number, a missing mark, a level, its points possible) and why
a cell gives no score, as SELECTs over the planned cells; read where needed, never stored."""

from __future__ import annotations

from collections.abc import Mapping as MappingType
from dataclasses import dataclass, replace
from typing import Any

import pyarrow as pa

from collabplan import config
from collabplan.ingest.mapping import Scores
from collabplan.ingest.normalise.cells import CellPlan
from collabplan.ingest.normalise.job import Job
from collabplan.ingest.normalise.sql import NUMBER_SQL, text_sql

#: (min, max) of each wide part read from a typed number column, by part number
Bounds = MappingType[int, tuple[float | None, float | None]]


@dataclass(frozen=True)
class Cells:
    """The score cells of a file and the settings that read them.

    ``select`` is the cells' SELECT with ``{source}`` for some of the plan's SELECTs, ``sql``
    it over all of them and ``params`` their parameters. Each cell is there once with what the
    file says; what depends on a whole column (percent fractions, ``fraction_cols``) or a whole
    row (blank items that count 0, ``rollup``) is worked out from it afterwards. Blank cells
    are kept only where they can count (a roll-up of items).
    """

    plan: CellPlan
    kind: str  # points, percent or level
    levels: tuple[str, ...]
    prof_level: int  # position (1-based) of the first proficient level; 0 unless a level scale
    cut: float  # fraction from which a score is proficient
    numeric_marks: bool  # some missing mark reads as a number
    rollup: bool  # items roll up into skills (blank items then count 0 in a scored row)
    select: str
    sql: str
    params: tuple[Any, ...]
    bounds: Bounds  # of typed number columns, when they are looked at (see number_bounds)
    fraction_cols: tuple[int, ...]  # percent columns (by ci) that hold fractions 0..1


def make_cells(job: Job, plan: CellPlan) -> Cells:
    """The cells of ``plan`` read by the mapping's scale, missing marks and cut.

    The sheets must already be registered without their skipped rows.
    """
    s = job.scores or Scores()
    kind = job.kind or "points"
    levels = [lv.strip() for lv in s.levels]
    prof_level = 0
    cut = config.DEFAULT_CUT
    if kind == "level":
        lower = [lv.lower() for lv in levels]
        prof_level = (
            lower.index(str(s.proficient).lower()) + 1
            if isinstance(s.proficient, str)
            else len(levels)
        )
    elif isinstance(s.proficient, float):
        cut = s.proficient
    marks = job.mapping.missing_marks
    # A cell that reads as a number can only be a missing mark when some mark reads as one
    # too (the same parse; it ignores case): otherwise only non-numbers are looked up.
    (numeric_marks,) = job.con.execute(
        f"SELECT coalesce(bool_or({NUMBER_SQL.format(x='m')} IS NOT NULL), false)"  # noqa: S608
        " FROM unnest(?::VARCHAR[]) t(m)",
        [marks],
    ).fetchone()
    rollup = bool(plan.item_level and kind == "points")
    as_text = f"coalesce(raw, {text_sql('num0', pa.float64())})"
    level_pos = (
        f"list_position(?::VARCHAR[], lower(trim({as_text})))"
        if kind == "level"
        else "NULL::INTEGER"
    )
    level_params = [[lv.lower() for lv in levels]] if kind == "level" else []
    # the cells are a SELECT read where needed, not a stored table: reading a typed sheet
    # again costs less than storing a million rows. The SQL is specialised in Python to
    # what this file can hold (no per-cell test of a setting).
    if numeric_marks:
        marked = f"NOT blank AND list_contains(?, lower(trim({as_text})))"
    else:
        marked = (
            "NOT blank AND raw IS NOT NULL AND num0 IS NULL"
            " AND list_contains(?, lower(trim(raw)))"
        )
    select = f"""
        SELECT rid, part, ci, row_skill, raw, num0, has_pct, mx, cut_num, blank,
            {marked} AS marked_missing, {level_pos} AS level_pos
        FROM (
            SELECT c.rid, c.part, coalesce(c.ci, list_extract(?::INTEGER[], c.part + 1)) AS ci,
                c.row_skill, c.raw, c.num0, c.has_pct,
                coalesce(c.max_num, list_extract(?::DOUBLE[], c.part + 1)) AS mx, c.cut_num,
                CASE WHEN c.raw IS NOT NULL THEN trim(c.raw) = '' ELSE c.num0 IS NULL END AS blank
            FROM ({{source}}) c
        )
        {"" if rollup else "WHERE NOT blank"}
        """  # noqa: S608 (fixed fragments and generated names; values are ?)
    params = (
        marks,
        *level_params,
        [p.ci for p in plan.parts],
        [p.mx for p in plan.parts],
    )
    # typed number columns answer from their min/max where no number can be a missing mark
    bounds = number_bounds(job, plan) if kind != "level" and not numeric_marks else {}
    cells = Cells(
        plan=plan,
        kind=kind,
        levels=tuple(levels),
        prof_level=prof_level,
        cut=cut,
        numeric_marks=bool(numeric_marks),
        rollup=rollup,
        select=select,
        sql=select.format(source=plan.source(range(len(plan.selects)))),
        params=params,
        bounds=bounds,
        fraction_cols=(),
    )
    if kind != "percent":
        return cells
    return replace(cells, fraction_cols=fraction_columns(job, cells))


def number_bounds(job: Job, plan: CellPlan) -> dict[int, tuple[float | None, float | None]]:
    """(min, max) of each wide part read from a typed number column (of rows not skipped).

    One aggregate per sheet: what whole columns hold is known without reading cell by cell.
    """
    bounds = {}
    for name, group in plan.numeric.values():
        stats = job.con.execute(
            "SELECT "  # noqa: S608 (generated column names)
            + ", ".join(f"min(c{j}), max(c{j})" for _part, j in group)
            + f" FROM {name}"
        ).fetchone()
        for k, (part, _j) in enumerate(group):
            bounds[part] = (stats[2 * k], stats[2 * k + 1])
    return bounds


def fraction_columns(job: Job, cells: Cells) -> tuple[int, ...]:
    """Percent columns (by header) whose plain numbers all lie between 0 and 1: fractions.

    Typed number columns answer from their min/max (:func:`number_bounds`); only text
    cells (or numbers that may be missing marks) are read one by one.
    """
    plan = cells.plan
    ranges: dict[int, list[bool]] = {}  # ci -> for each part with numbers: all in 0..1
    scanned = set(range(len(plan.selects)))
    if not cells.numeric_marks:
        for index, (_name, group) in plan.numeric.items():
            scanned.discard(index)
            for part, _j in group:
                lo, hi = cells.bounds[part]
                if lo is not None:
                    ranges.setdefault(plan.parts[part].ci, []).append(lo >= 0 and hi <= 1)
    if scanned:
        source = cells.select.format(source=plan.source(sorted(scanned)))
        for ci, ok in job.con.execute(
            f"""SELECT ci, bool_and(num0 BETWEEN 0 AND 1) FROM ({source})
               WHERE num0 IS NOT NULL AND NOT has_pct AND NOT marked_missing
               GROUP BY ci""",  # noqa: S608 (fixed fragments)
            list(cells.params),
        ).fetchall():
            ranges.setdefault(ci, []).append(ok)
    return tuple(sorted(ci for ci, oks in ranges.items() if all(oks)))


def clean_number_selects(cells: Cells) -> set[int]:
    """Plan SELECTs of typed number columns that hold only scores in range (no problem to list).

    Checked with one min/max per column (:func:`number_bounds`), so the report scans cell by
    cell only the columns that may hold a problem.
    """
    if cells.kind == "level" or cells.numeric_marks:
        return set()
    plan = cells.plan
    clean = set()
    for index, (_name, group) in plan.numeric.items():
        ok = True
        for part, _j in group:
            lo, hi = cells.bounds[part]
            if lo is None:
                continue
            top = 100.0 if cells.kind == "percent" else plan.parts[part].mx
            if top is None or lo < 0 or hi > top + 1e-9:
                ok = False
                break
        if ok:
            clean.add(index)
    return clean


def values_sql(cells: Cells, cells_sql: str | None = None) -> tuple[str, list[Any]]:
    """A SELECT over the cells adding skill, num, fraction0 and problem (why a cell is no score).

    ``problem`` is NULL for a cell that gives a score. Computed where it is used (it is
    cheap arithmetic) so the million-cell table is stored once.
    """
    kind = cells.kind
    rollup = cells.rollup
    cells_sql = cells_sql or cells.sql
    # in a roll-up a blank item counts 0 when its row has other scores
    # only a roll-up needs to know whether a row has other scores (a join: no join else)
    scored = (
        f"""LEFT JOIN (SELECT rid, bool_or(NOT marked_missing AND num0 IS NOT NULL) AS row_scored
                      FROM ({cells_sql}) GROUP BY rid) rs USING (rid)"""  # noqa: S608
        if rollup
        else ""
    )
    row_scored = "coalesce(rs.row_scored, false)" if rollup else "false"
    if kind == "level":
        fraction0 = "NULL::DOUBLE"
        bad = "WHEN coalesce(level_pos, 0) = 0 THEN 'unknown level'"
    elif kind == "percent":
        as_fraction = (
            "CASE WHEN has_pct OR NOT list_contains(?::INTEGER[], ci) THEN num / 100.0 ELSE num END"
            if cells.fraction_cols
            else "num / 100.0"
        )
        fraction0 = as_fraction
        bad = (
            "WHEN num IS NULL THEN 'not a number' "
            f"WHEN num < 0 OR ({as_fraction}) > 1 + 1e-9 THEN 'out of range'"
        )
    else:
        fraction0 = "num / nullif(mx, 0)"
        bad = (
            "WHEN num IS NULL THEN 'not a number' "
            "WHEN mx IS NULL THEN 'no points possible' "
            "WHEN num < 0 OR num > mx + 1e-9 THEN 'out of range'"
        )
    no_skill = "" if cells.plan.parts else "WHEN nullif(row_skill, '') IS NULL THEN 'no skill'"
    missing = (
        "marked_missing OR (blank AND NOT row_scored)" if rollup else "marked_missing OR blank"
    )
    num = (
        "CASE WHEN blank AND row_scored THEN 0.0 WHEN marked_missing THEN NULL ELSE num0 END"
        if rollup
        else "CASE WHEN marked_missing THEN NULL ELSE num0 END"
    )
    sql = f"""
        SELECT *, {fraction0} AS fraction0,
            CASE WHEN {missing} THEN 'missing' {no_skill} {bad} END AS problem
        FROM (
            SELECT *, {num} AS num
            FROM (
                SELECT c.*, coalesce(c.row_skill, list_extract(?::VARCHAR[], c.part + 1)) AS skill,
                    {row_scored} AS row_scored
                FROM ({cells_sql}) c {scored}
            )
        )
    """  # noqa: S608 (fixed fragments only; values are ?)
    fraction_params = [list(cells.fraction_cols)] if kind == "percent" and cells.fraction_cols else []
    params = [
        *fraction_params,
        *fraction_params,
        [p.skill for p in cells.plan.parts],
        *cells.params,
        *(cells.params if rollup else []),
    ]
    return sql, params


def problem_values_sql(cells: Cells) -> tuple[str, list[Any]]:
    """:func:`values_sql` over only the cells that may hold a problem (see
    :func:`clean_number_selects`)."""
    clean = clean_number_selects(cells)
    if not clean:
        return values_sql(cells)
    source = cells.plan.source(i for i in range(len(cells.plan.selects)) if i not in clean)
    return values_sql(cells, cells.select.format(source=source))
