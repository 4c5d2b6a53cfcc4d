"""Levels worked out before reading, for exports that give what a level is made from but not
the level: from scores by published cut scores (``[benchmarks]``: Acadience's older
data-management export, ``composite_3_mid`` = 301 -> "At or Above Benchmark" for grade 3,
middle of year), or from grade placements against the student's grade (``[scores.placement]``:
i-Ready's 2018-19 domain "Placement" "Level 6" for a grade-8 student -> "2 Grade Levels
Below"). The cells are rewritten as level names; the other steps then read an ordinary level
scale.

Used only when the mapping has one of the keys; every other file passes through untouched.
"""

from __future__ import annotations

from dataclasses import replace

import pyarrow as pa

from collabplan.errors import UserError
from collabplan.ingest.headers import looks_like_number
from collabplan.ingest.mapping import SHEET_CLASS, Mapping, header_key
from collabplan.ingest.mapping_tables import (
    benchmark_key,
    grade_number,
    is_band,
    level_for,
    placement_band,
)
from collabplan.ingest.normalise.header_terms import GRADE_HEADER, WINDOW_HEADER
from collabplan.ingest.normalise.sheets import SheetLayout
from collabplan.ingest.patterns import compile_pattern


def apply_benchmarks(mapping: Mapping, layouts: list[SheetLayout], where) -> list[SheetLayout]:
    """Each sheet with the score cells of every ``[benchmarks]`` skill replaced by the level
    they reach: the cut scores of the row's grade and window ("<grade> <window>"; the grade
    and window from the header when the ``[scores] pattern`` names them, else from the
    ``[columns] grade`` and ``term`` cells). Blank cells, "no score" marks and text stay as
    they are. A score whose grade and window has no cut scores is refused, naming them: a
    level is never guessed. ``where(sheet_name)`` names the sheet in messages.
    """
    s = mapping.scores
    assert s is not None and mapping.benchmarks
    tables = {sk.lower(): {benchmark_key(k): v for k, v in t.items()} for sk, t in mapping.benchmarks.items()}
    skill_names = {sk.lower(): sk for sk in mapping.benchmarks}
    return [_apply(mapping, layout, tables, skill_names, where) for layout in layouts]


def apply_placements(mapping: Mapping, layouts: list[SheetLayout]) -> list[SheetLayout]:
    """Each sheet with its score cells read as placements against the row's ``[columns]
    grade`` and replaced by the level of their band (:func:`placement_band`). A cell that is
    not a placement, a band the table does not give, or a row without a readable grade is left
    as written: the report lists it among the values that are not a level of the scale."""
    s = mapping.scores
    assert s is not None and s.placement
    out = []
    for layout in layouts:
        cols = list(_skill_columns(mapping, layout))
        grade_j = _column(layout, GRADE_HEADER, mapping.columns.get("grade"))
        if not cols or grade_j is None:
            out.append(layout)
            continue
        rows = layout.raw.text_rows(0)
        missing = {m.strip().lower() for m in mapping.missing_marks}
        for row in rows[layout.data_idx :]:
            grade = grade_number(row[grade_j])
            for j in cols:
                cell = row[j]
                if cell is None or not cell.strip():
                    continue
                literal = " ".join(cell.split()).lower()
                if literal in s.placement and not is_band(literal):
                    row[j] = s.placement[literal]
                elif literal not in missing and grade is not None:
                    row[j] = placement_band(cell, grade, s.placement) or cell
        out.append(_as_text(layout, rows))
    return out


def _apply(mapping, layout: SheetLayout, tables, skill_names, where) -> SheetLayout:
    s = mapping.scores
    name = where(layout.raw.name)
    cols = _skill_columns(mapping, layout)
    picked = {j: skill for j, skill in cols.items() if skill.lower() in tables}
    if not picked:
        return layout
    grade_j = _column(layout, GRADE_HEADER, mapping.columns.get("grade"))
    window_j = _column(layout, WINDOW_HEADER, mapping.columns.get("term"))
    if grade_j is None or window_j is None:
        raise UserError(
            f"{name}: [benchmarks] needs each score's grade and testing window, but the file has "
            f"no {'grade' if grade_j is None else 'window'} column; map [columns] grade and term, "
            "or name them in [scores] pattern (groups grade and window)"
        )
    rows = layout.raw.text_rows(0)
    missing = {m.strip().lower() for m in mapping.missing_marks}
    for row in rows[layout.data_idx :]:
        key = benchmark_key(f"{row[grade_j] or ''} {row[window_j] or ''}")
        for j, skill in picked.items():
            cell = row[j]
            if cell is None or cell.strip().lower() in missing or not looks_like_number(cell):
                continue
            cuts = tables[skill.lower()].get(key)
            if cuts is None:
                known = ", ".join(sorted(mapping.benchmarks[skill_names[skill.lower()]]))
                raise UserError(
                    f"{name}: {skill} has a score ({cell.strip()}) for grade "
                    f"{(row[grade_j] or '?').strip()}, {(row[window_j] or '?').strip()}, but no "
                    f"benchmark goal is known for that grade and window (known: {known[:200]}); "
                    f"the level cannot be told, so this file is not read. Add the published cut "
                    f"scores under [benchmarks] or leave those columns out"
                )
            row[j] = level_for(float(cell.strip().rstrip("%")), cuts, s.levels)
    return _as_text(layout, rows)


def _as_text(layout: SheetLayout, rows: list[list[str | None]]) -> SheetLayout:
    """The sheet with ``rows`` (all its table rows) as its text: the same rows in the same
    places, so row numbers and the header row do not move."""
    columns = {
        c: pa.array([r[k] for r in rows], pa.string())
        for k, c in enumerate(layout.raw.table.column_names)
    }
    return replace(layout, raw=replace(layout.raw, table=pa.table(columns), head=None))


def _column(layout: SheetLayout, made: str, mapped: str | None) -> int | None:
    j = layout.index.get(header_key(made))
    if j is None and mapped and mapped != SHEET_CLASS:
        j = layout.index.get(header_key(mapped))
    return j


def _skill_columns(mapping: Mapping, layout: SheetLayout) -> dict[int, str]:
    """Score column -> skill, as the wide layout picks them (by ``columns`` or ``pattern``)."""
    s = mapping.scores
    roles = {layout.index.get(header_key(h)) for h in mapping.columns.values() if h != SHEET_CLASS}
    out: dict[int, str] = {}
    if s.columns:
        for h in s.columns:
            j = layout.index.get(header_key(h))
            if j is not None:
                out[j] = s.skill if s.skill and len(s.columns) == 1 else h
        return out
    if not s.pattern:
        return out
    rx = compile_pattern(s.pattern, ignore_case=True, where=f"mapping {mapping.name}: [scores] pattern")
    excluded = {header_key(e) for e in s.exclude}
    for j, h in enumerate(layout.headers):
        if not isinstance(h, str) or j in roles or header_key(h) in excluded:
            continue
        m = rx.search(h)
        if m:
            out[j] = (s.skill or m.groupdict().get("skill") or h).strip()
    return out
