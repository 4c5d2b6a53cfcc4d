"""Which cells of each sheet hold scores: a plan of SQL SELECTs, one or more per sheet, each
giving a cell per row with what the file says (its text or typed number, its points possible)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field, replace
from pathlib import PurePath

from collabplan.errors import UserError
from collabplan.ingest.mapping import SHEET_CLASS, header_key
from collabplan.ingest.normalise.job import Job
from collabplan.ingest.normalise.sheets import (
    SheetData,
    column,
    refuse_repeated_headers,
    row_values,
)
from collabplan.ingest.normalise.sql import out_of_sql, score_cell_sql
from collabplan.ingest.patterns import compile_pattern

#: The columns every cell SELECT gives, typed, for a plan with no cells.
NO_CELLS = (
    "SELECT NULL::INTEGER AS rid, NULL::INTEGER AS part, NULL::INTEGER AS ci,"
    " NULL::VARCHAR AS row_skill, NULL::VARCHAR AS raw, NULL::DOUBLE AS num0,"
    " false AS has_pct, NULL::DOUBLE AS max_num, NULL::DOUBLE AS cut_num WHERE false"
)


@dataclass(frozen=True)
class Part:
    """One wide score column: its number, header number, question (header), skill and points
    possible."""

    part: int
    ci: int
    item: str
    skill: str
    mx: float | None


#: (registered sheet name, ((part, column number), …)) of one SELECT of typed number columns
NumericColumns = tuple[str, tuple[tuple[int, int], ...]]


@dataclass(frozen=True)
class CellPlan:
    """The score cells of every sheet planned so far.

    Every SELECT in ``selects`` gives: rid, ci (the score column's header number), part (a wide
    column's number, else NULL), row_skill (long layouts), raw (the cell's text; NULL for a typed
    number), num0 (its number), has_pct, max_num (points possible) and cut_num.
    """

    parts: tuple[Part, ...] = ()  # each wide score column: its cells carry only the part number
    headers: tuple[str, ...] = ()  # header of each score column, by its number ``ci``
    selects: tuple[str, ...] = ()
    numeric: MappingType[int, NumericColumns] = field(default_factory=dict)  # by selects index
    item_level: bool = False  # questions that roll up into skills
    sum_repeats: bool = False  # repeated groups: a skill named twice in a row is one score

    def source(self, which: Iterable[int]) -> str:
        """The UNION of the SELECTs numbered ``which``."""
        picked = [self.selects[i] for i in which]
        if not picked:
            return NO_CELLS
        return " UNION ALL BY NAME ".join(f"({part})" for part in picked)


def plan_sheet_cells(job: Job, sheet: SheetData, plan: CellPlan) -> CellPlan:
    """``plan`` with this sheet's score cells added (its wide columns, or its long rows)."""
    s = job.scores
    if s is None:
        return plan
    if s.layout == "wide":
        return _plan_wide(job, sheet, plan)
    # a long layout's cells all come from the score column (or its numbered repeats)
    headers = plan.headers if s.score in plan.headers else (*plan.headers, s.score)
    ci = headers.index(s.score)
    if s.layout == "long":
        selects, repeats = _long_cells(job, sheet, ci), False
    else:
        selects, repeats = _group_cells(job, sheet, ci)
    if not selects:
        return plan
    return replace(
        plan,
        headers=headers,
        selects=(*plan.selects, *selects),
        sum_repeats=plan.sum_repeats or repeats,
    )


def _plan_wide(job: Job, sheet: SheetData, plan: CellPlan) -> CellPlan:
    """A wide layout: a score column per skill or question, picked by name or pattern."""
    s = job.scores
    layout = sheet.layout
    role_cols = {
        layout.index.get(header_key(h)) for h in job.mapping.columns.values() if h != SHEET_CLASS
    }
    if s.columns:
        picked = [(column(job, layout, h, "[scores] columns"), h) for h in s.columns]
        skills = {j: h for j, h in picked}
    elif s.pattern:
        # the length cap was applied when the mapping was read; a mapping whose headers name
        # their windows (header_terms.py) arrives here with a longer pattern built from its skills
        rx = compile_pattern(
            s.pattern, ignore_case=True, where=f"{job.mapping_where()}: [scores] pattern", max_length=None
        )
        excluded = {header_key(e) for e in s.exclude}
        picked, skills = [], {}
        for j, h in enumerate(layout.headers):
            if not isinstance(h, str) or j in role_cols or header_key(h) in excluded:
                continue
            mt = rx.search(h)
            if mt:
                picked.append((j, h))
                skill = mt.groupdict().get("skill") if "skill" in rx.groupindex else None
                skills[j] = (skill or h).strip()
    else:
        raise UserError(
            f"{job.where(layout.raw.name)}: the mapping does not say which columns hold "
            "scores: give [scores] columns or pattern"
        )
    if not picked:
        return plan
    if s.skill or s.skill_from_filename:
        if len(picked) > 1:
            key = "skill" if s.skill else "skill_from_filename"
            raise UserError(
                f"{job.mapping_where()}: [scores] {key} names the skill of one score column, "
                f"but {len(picked)} columns are scores ({', '.join(h for _j, h in picked[:5])}); "
                "list one column in [scores] columns"
            )
        skills[picked[0][0]] = s.skill or skill_from_file_name(job, s.skill_from_filename)
    skill_vals = row_values(layout, job.mapping.skill_row)
    if skill_vals is not None:
        last = None
        prev_j = None
        for j, h in picked:
            v = skill_vals[j] if j < len(skill_vals) else None
            if v in (None, "") and last is not None and prev_j == j - 1:
                v = last  # merged cells: the standard spans several questions
            skills[j] = v or h
            last, prev_j = skills[j], j
    refuse_repeated_headers(
        job, layout, [(j, (header_key(h), skills[j] if skill_vals else None)) for j, h in picked],
        within=True,
    )
    item_level = plan.item_level or (
        job.mapping.skill_row is not None or len(set(skills.values())) < len(picked)
    )
    parts = list(plan.parts)
    # columns with the same header share a number: percent fractions are found per header
    headers = list(plan.headers)
    max_vals = row_values(layout, job.mapping.max_row)
    typed, text = [], []
    for j, h in picked:
        cell = max_vals[j] if max_vals is not None and j < len(max_vals) else None
        mx = column_max(job, sheet, h, cell, max_vals is not None)
        if h not in headers:
            headers.append(h)
        part = len(parts)
        parts.append(Part(part, headers.index(h), h, skills[j], mx))
        (typed if sheet.is_number(j) else text).append((part, j))
    selects = list(plan.selects)
    numeric = dict(plan.numeric)
    out_of = _out_of_columns(job, sheet, text)
    plain = [(part, j) for part, j in text if j not in out_of]
    slashed = [(part, j) for part, j in text if j in out_of]
    for group, is_num, slash in ((typed, True, False), (plain, False, False), (slashed, False, True)):
        if not group:
            continue
        value = (lambda j: f"CAST(c{j} AS DOUBLE)") if is_num else sheet.text
        picks = ", ".join(f'{value(j)} AS "{part}"' for part, j in group)
        names = ", ".join(f'"{part}"' for part, _j in group)
        raw_sql, num_sql, pct_sql = score_cell_sql("v", is_num)
        max_sql = "NULL::DOUBLE"
        if is_num:
            numeric[len(selects)] = (sheet.name, tuple(group))
        elif slash:  # "4 / 5": earned and possible in one cell
            earned, max_sql = out_of_sql("v")
            num_sql = f"coalesce({earned}, {num_sql})"
        selects.append(
            f"""SELECT rid, part::INTEGER AS part, NULL::INTEGER AS ci,
                   NULL::VARCHAR AS row_skill, {raw_sql} AS raw,
                   {num_sql} AS num0, {pct_sql} AS has_pct, {max_sql} AS max_num,
                   NULL::DOUBLE AS cut_num
                FROM (SELECT _rid AS rid, {picks} FROM {sheet.name})
                UNPIVOT INCLUDE NULLS (v FOR part IN ({names}))"""  # noqa: S608 (generated names)
        )
    return CellPlan(tuple(parts), tuple(headers), tuple(selects), numeric, item_level)


def _out_of_columns(job: Job, sheet: SheetData, text: list[tuple[int, int]]) -> set[int]:
    """The text columns of a points layout with a cell written "earned / possible" (one scan;
    only those columns pay for splitting their cells)."""
    if job.kind != "points" or not text:
        return set()
    cols = [j for _part, j in text]
    checks = ", ".join(f"coalesce(bool_or(contains({sheet.text(j)}, '/')), false)" for j in cols)
    found = job.con.execute(f"SELECT {checks} FROM {sheet.name}").fetchone()  # noqa: S608 (generated names)
    return {j for j, has in zip(cols, found, strict=True) if has}


def skill_from_file_name(job: Job, rule: bool | dict[str, str]) -> str:
    """The skill ``[scores] skill_from_filename`` gives this file: its name without the
    extension (``true``), or the skill of the code found in the name as a word of its own
    ("SR" in "SR_v2.csv"; longest code first, case ignored)."""
    stem = PurePath(job.file_name).stem
    if rule is True:
        return stem.strip() or stem
    table = dict(rule) if isinstance(rule, dict) else {}
    for code in sorted(table, key=len, reverse=True):
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(code)}(?![A-Za-z0-9])", stem, re.I):
            return table[code]
    raise UserError(
        f"{job.mapping_where()}: [scores] skill_from_filename finds none of "
        f"{', '.join(table)} in the file name {job.file_name!r}; name the file with one of "
        "them (e.g. SR_v2.csv) or give [scores] skill"
    )


def _long_cells(job: Job, sheet: SheetData, ci: int) -> list[str]:
    """A long layout: a row per student x skill, the skill and score in columns."""
    s = job.scores
    layout = sheet.layout
    skill_c = column(job, layout, s.skill, "[scores] skill")
    score_c = column(job, layout, s.score, "[scores] score")
    max_sql = "NULL::DOUBLE"
    if isinstance(s.max, str):
        max_sql = _plain_number(sheet, column(job, layout, s.max, "[scores] max"))
    elif isinstance(s.max, float):
        max_sql = repr(float(s.max))
    elif isinstance(s.max, dict):
        raise UserError(f'{job.mapping_where()}: [scores] max as a table needs layout = "wide"')
    cut_sql = (
        _cut_number(sheet, column(job, layout, s.proficient_score, "[scores] proficient_score"))
        if s.proficient_score
        else "NULL::DOUBLE"
    )
    return [_row_cells(sheet, score_c, skill_c, max_sql, cut_sql, ci)]


#: Up to this many groups, whether a row names a skill twice is looked up before the scores
#: are summed per skill (a comparison per pair of groups costs less than summing).
MAX_PAIRED_GROUPS = 12


def _group_cells(job: Job, sheet: SheetData, ci: int) -> tuple[list[str], bool]:
    """Repeated groups: "Skill 1", "Score 1", "Skill 2", "Score 2" … in one row; and whether
    some row may name a skill in two groups (its scores are then summed per skill)."""
    s = job.scores
    layout = sheet.layout
    selects = []
    skill_cols: list[int] = []
    for n in range(1, 101):
        jk = layout.index.get(header_key(s.skill.replace("{n}", str(n))))
        js = layout.index.get(header_key(s.score.replace("{n}", str(n))))
        if jk is None or js is None:
            if n > 1 and selects:
                break
            continue
        max_sql = "NULL::DOUBLE"
        if isinstance(s.max, str):
            jm = layout.index.get(header_key(s.max.replace("{n}", str(n))))
            max_sql = _plain_number(sheet, jm) if jm is not None else "NULL::DOUBLE"
        elif isinstance(s.max, float):
            max_sql = repr(float(s.max))
        cut_sql = "NULL::DOUBLE"
        if s.proficient_score:
            jc = layout.index.get(header_key(s.proficient_score.replace("{n}", str(n))))
            cut_sql = _cut_number(sheet, jc) if jc is not None else "NULL::DOUBLE"
        selects.append(
            _row_cells(sheet, js, jk, max_sql, cut_sql, ci)
            + f" WHERE nullif(trim({sheet.text(jk)}), '') IS NOT NULL"
        )
        skill_cols.append(jk)
    if not selects:
        column(job, layout, s.skill.replace("{n}", "1"), "[scores] skill")
    return selects, _names_a_skill_twice(job, sheet, skill_cols)


def _names_a_skill_twice(job: Job, sheet: SheetData, skill_cols: list[int]) -> bool:
    """Whether some row names one skill in two of the groups' skill columns (True, without
    looking, for more than :data:`MAX_PAIRED_GROUPS` groups)."""
    if len(skill_cols) < 2:
        return False
    if len(skill_cols) > MAX_PAIRED_GROUPS:
        return True
    # (each trimmed once in a subquery: written out in every comparison they cost 10x more)
    names = ", ".join(f"nullif(trim({sheet.text(j)}), '') AS k{i}" for i, j in enumerate(skill_cols))
    count = len(skill_cols)
    pairs = " OR ".join(f"k{a} = k{b}" for a in range(count) for b in range(a + 1, count))
    (found,) = job.con.execute(
        f"SELECT coalesce(bool_or({pairs}), false) FROM (SELECT {names} FROM {sheet.name})"  # noqa: S608 (generated names)
    ).fetchone()
    return bool(found)


def _row_cells(
    sheet: SheetData, score_c: int, skill_c: int, max_sql: str, cut_sql: str, ci: int
) -> str:
    """A long (or repeated-group) layout's cells: one per source row, skill from a column."""
    is_num = sheet.is_number(score_c)
    raw_sql, num_sql, pct_sql = score_cell_sql(
        f"CAST(c{score_c} AS DOUBLE)" if is_num else sheet.text(score_c), is_num
    )
    return (
        f"SELECT _rid AS rid, NULL::INTEGER AS part, {int(ci)} AS ci,"  # noqa: S608 (generated cN names and fixed fragments)
        f" trim({sheet.text(skill_c)}) AS row_skill, {raw_sql} AS raw, {num_sql} AS num0,"
        f" {pct_sql} AS has_pct, {max_sql} AS max_num, {cut_sql} AS cut_num FROM {sheet.name}"
    )


def _plain_number(sheet: SheetData, j: int) -> str:
    """A points-possible cell as a number ("4", 4.0)."""
    if sheet.is_number(j):
        return f"CAST(c{j} AS DOUBLE)"
    return f"TRY_CAST(trim({sheet.text(j)}) AS DOUBLE)"


def _cut_number(sheet: SheetData, j: int) -> str:
    """A per-row cut score ("3", "75%", 3.0)."""
    if sheet.is_number(j):
        return f"CAST(c{j} AS DOUBLE)"
    return f"TRY_CAST(replace(trim({sheet.text(j)}), '%', '') AS DOUBLE)"


def column_max(
    job: Job, sheet: SheetData, header: str, max_cell: str | None, has_max_row: bool
) -> float | None:
    """Points possible of one wide score column: ``max_cell`` from the max row (when the
    mapping has one), else the mapping's ``[scores] max``."""
    s = job.scores
    mx: float | None = None
    if has_max_row:
        v = max_cell
        try:
            mx = float(str(v).strip()) if v not in (None, "") else None
        except ValueError:
            mx = None
        if mx is None and job.kind == "points":
            raise UserError(
                f"{job.where(sheet.layout.raw.name)}: row {job.mapping.max_row}, column "
                f"{header!r}: no points possible (found {v!r}); put a number there or fix "
                "[source] max_row"
            )
    elif isinstance(s.max, dict):
        lookup = {header_key(k): v for k, v in s.max.items()}
        mx = lookup.get(header_key(header))
        if mx is None and job.kind == "points":
            raise UserError(
                f"{job.mapping_where()}: [scores] max has no points possible for column {header!r}"
            )
    elif isinstance(s.max, float):
        mx = s.max
    elif isinstance(s.max, str):
        raise UserError(
            f"{job.mapping_where()}: [scores] max = {s.max!r} names a column, which only "
            'works for layout = "long"; give a number or a table {Q1 = 2}'
        )
    return mx
