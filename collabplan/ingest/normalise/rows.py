"""One row per source row (``rows_n``): cleaned ids and names, the student key, why a row is
skipped; then the sheets without their skipped rows, and the students numbered."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collabplan.ingest.mapping import COLUMN_ROLES, SHEET_CLASS, header_key
from collabplan.ingest.normalise.dates import DateOrder, date_sql, seconds_sql
from collabplan.ingest.normalise.job import Job
from collabplan.ingest.normalise.sheets import SheetData, column
from collabplan.ingest.normalise.sql import HAS_WHITESPACE_RUN, balanced
from collabplan.ingest.normalise.tables import query_by_rows

#: The skip reason of rows ``[filter]`` leaves out starts with this.
FILTERED = "filtered out: "
#: The skip reason of rows another row of the same student and window replaces.
RETEST = "replaced by a retest"

#: Rows that name no student: "Class average", "Total", a repeated "Points possible" …
SUMMARY_ROW = (
    r"^\s*((class|group|section|grade|school|period|overall|team)\s+)?"
    r"(average|averages|avg|mean|median|mode|totals?|count|sum|minimum|maximum|min|max|summary"
    r"|%\s*correct|percent\s+correct|mastery|points\s+possible|possible|out\s+of|standards?|key"
    r"|answer\s+key|max\s+points)\b"
)


def rows_select(job: Job, sheet: SheetData) -> tuple[str, list[Any], list[str]]:
    """The SELECT of one sheet's source rows, its parameters, and warnings (a group column
    the sheet lacks).

    A column may be text or typed (numbers, dates, booleans from a workbook):
    :meth:`SheetData.text` reads either kind, so a typed number is never formatted and
    parsed again.
    """
    m = job.mapping
    layout = sheet.layout
    raw = layout.raw
    cols = m.columns
    p: list[Any] = [raw.name]
    warnings: list[str] = []
    titled: set[str] = set()  # roles given by the title rows (trimmed text already)

    def c(role: str) -> str:
        header = cols.get(role)
        if header is None:
            # a tracker's title rows ("Teacher: Ms. Lee") stand in for a column not mapped
            value = layout.title.role(role) if role != "date" or not m.assessment_date else None
            if value is None:
                return "NULL::VARCHAR"
            p.append(value)
            titled.add(role)
            return "?::VARCHAR"
        if header == SHEET_CLASS:
            p.append(raw.name)
            return "?::VARCHAR"
        return sheet.text(column(job, layout, header, f"[columns] {role}"))

    # identifiers below are generated column names cN of our own Arrow table
    sel = {role: c(role) for role in COLUMN_ROLES}
    # an id or grade read as a number is already its text ("300500"); text is trimmed and
    # loses an Excel ".0" ("300500.0" -> "300500")
    typed = {}
    for role in ("student_id", "grade"):
        header = cols.get(role)
        j = layout.index.get(header_key(header)) if header and header != SHEET_CLASS else None
        typed[role] = j is not None and sheet.is_number(j)
        if not typed[role] and role not in titled:
            x = sel[role]
            sel[role] = (
                f"nullif(trim(CASE WHEN contains({x}, '.')"
                f" THEN regexp_replace({x}, '^\\s*(\\d+)\\.0+\\s*$', '\\1') ELSE {x} END), '')"
            )
    if m.assessment_name_column:
        sel["assessment"] = sheet.text(
            column(job, layout, m.assessment_name_column, "[assessment] name_column")
        )
    else:
        p.append(m.assessment_name or layout.title.name or job.assessment_name)
        sel["assessment"] = "?::VARCHAR"
    nonblank = balanced(
        "+", [f"(c{j} IS NOT NULL)::INTEGER" for j in range(raw.table.num_columns)], "0"
    )
    group_sel = []
    for g, (gname, header) in enumerate(m.groups.items()):
        j = layout.index.get(header_key(header))
        if j is None:
            text = f"{job.where(raw.name)}: no column {header!r} for group {gname}: groups left out"
            if text not in warnings:
                warnings.append(text)
            group_sel.append(f"NULL::VARCHAR AS g{g}")
        else:
            group_sel.append(f"{sheet.text(j)} AS g{g}")
    filter_sql = _filter_sql(job, sheet, p)
    rows_sql = (
        f"SELECT ?::VARCHAR AS sheet, _row AS row, _rid AS rid, {sel['student_id']} AS sid_n,"  # noqa: S608 (generated cN names; values are ?)
        f" {'true' if typed['student_id'] else 'false'} AS sid_is_number, {sel['student_name']} AS name,"
        f" {sel['first_name']} AS first, {sel['last_name']} AS last, {sel['grade']} AS grade,"
        f" {sel['class']} AS class, {sel['teacher']} AS teacher, {sel['term']} AS term,"
        f" {sel['date']} AS date_raw, {sel['assessment']} AS assessment, {nonblank} AS nonblank"
        + "".join(f", {g}" for g in group_sel)
        + filter_sql
        + f" FROM {sheet.name}"
    )
    return rows_sql, p, warnings


def _filter_sql(job: Job, sheet: SheetData, p: list[Any]) -> str:
    """``, … AS filter_out``: why ``[filter]`` leaves a row out (NULL: kept); no column when
    the mapping has no filter. Values compare trimmed and case-insensitively; parameters
    are appended to ``p``."""
    if not job.mapping.filters:
        return ""
    layout = sheet.layout
    tests = []
    for header, values in job.mapping.filters.items():
        text = f"trim({sheet.text(column(job, layout, header, f'[filter] {header}'))})"
        x = f"lower({text})"
        keep = [v.lower() for v in values if not v.startswith("!")]
        drop = [v[1:].strip().lower() for v in values if v.startswith("!")]
        fails = []
        if keep:
            fails.append(f"(nullif({x}, '') IS NULL OR NOT list_contains(?::VARCHAR[], {x}))")
            p.append(keep)
        if drop:
            fails.append(f"coalesce(list_contains(?::VARCHAR[], {x}), false)")
            p.append(drop)
        tests.append(
            f"CASE WHEN {' OR '.join(fails)} THEN ?::VARCHAR || ' is ' ||"
            f" coalesce('\"' || nullif({text}, '') || '\"', 'blank') END"
        )
        p.append(header)
    return f", coalesce({', '.join(tests)}) AS filter_out"


def make_rows(
    job: Job,
    selects: list[str],
    params: list[Any],
    sheets: list[SheetData],
    rid_count: int,
    dates: DateOrder | None = None,
) -> pa.Table:
    """``rows_n``: clean ids and names, build student keys, and say why a row is not a student.

    ``selects`` and ``params`` are each sheet's :func:`rows_select`, in sheet order; ``dates``
    how the date column is read (:func:`.dates.decide_date_order`). Besides ``date_n`` a row
    has ``date_bad`` (a date cell's text that is no date) and, for ``[scores] retest``,
    ``secs`` (its time of day).
    """
    filtered = (
        f"WHEN filter_out IS NOT NULL THEN '{FILTERED}' || filter_out"
        if job.mapping.filters
        else ""
    )
    s = job.scores
    secs = (
        f", CASE WHEN date_t IS NOT NULL THEN {seconds_sql('date_t', trimmed=True)} END AS secs"
        if s is not None and s.retest in ("latest", "first")
        else ""
    )
    # every fragment is built from our own generated names; values are ? parameters
    rows_source = " UNION ALL BY NAME ".join(f"({part})" for part in selects)
    id_header = job.mapping.columns.get("student_id")
    groups = "".join(f", g{g}" for g in range(len(job.mapping.groups)))
    return query_by_rows(
        job.con,
        f"""
        WITH r AS (
            SELECT *,
                nullif(trim(CASE WHEN {HAS_WHITESPACE_RUN.format(x="name")}
                    THEN regexp_replace(name, '\\s+', ' ', 'g') ELSE name END), '') AS name_t,
                nullif(trim(first), '') AS first_t, nullif(trim(last), '') AS last_t,
                nullif(trim(date_raw), '') AS date_t
            FROM ({rows_source})
        ), n AS (
            -- name_t is trimmed, so a part running to its start or end is trimmed on
            -- that side already (an untrimmed side costs a scan of the whole string)
            SELECT *,
                CASE WHEN first_t IS NOT NULL OR last_t IS NOT NULL THEN first_t
                     WHEN contains(name_t, ',') THEN nullif(ltrim(substr(name_t, strpos(name_t, ',') + 1)), '')
                     WHEN contains(name_t, ' ') THEN trim(left(name_t, length(name_t) - length(split_part(name_t, ' ', -1)) - 1))
                     ELSE name_t END AS first_n,
                CASE WHEN first_t IS NOT NULL OR last_t IS NOT NULL THEN last_t
                     WHEN contains(name_t, ',') THEN nullif(rtrim(split_part(name_t, ',', 1)), '')
                     WHEN contains(name_t, ' ') THEN split_part(name_t, ' ', -1)
                     ELSE NULL END AS last_n
            FROM r
        ), d AS (
            SELECT *,
                nullif(concat_ws(' ', first_n, last_n), '') AS display,
                {date_sql("date_t", dates, trimmed=True)} AS date_n
            FROM n
        )
        SELECT sheet, row, rid, sid_n, display, first_n, last_n{groups},
            CASE WHEN sid_n IS NOT NULL THEN 'id:' || sid_n
                 WHEN display IS NOT NULL THEN 'name:' || lower(display) END AS student_key,
            CASE WHEN nonblank = 0 THEN 'blank row'
                 -- (an id column of numbers holds no header text)
                 WHEN NOT sid_is_number AND sid_n IS NOT NULL
                      AND length(sid_n) = length(?::VARCHAR)
                      AND lower(sid_n) = lower(?::VARCHAR) THEN 'a repeated header row'
                 {filtered}
                 WHEN sid_n IS NULL AND display IS NULL THEN 'no student id or name'
                 WHEN (sid_n IS NULL OR (NOT sid_is_number AND TRY_CAST(sid_n AS DOUBLE) IS NULL
                                         AND regexp_matches(lower(sid_n), ?)))
                      AND regexp_matches(lower(coalesce(name_t, first_t || ' ' || last_t, sid_n, '')), ?)
                     THEN 'not a student (a summary row)'
            END AS skip_reason,
            grade AS grade_n,
            nullif(trim(class), '') AS class_n,
            nullif(trim(teacher), '') AS teacher_n,
            nullif(trim(term), '') AS term_n,
            coalesce(nullif(trim(assessment), ''), ?) AS assessment_n,
            date_n,
            CASE WHEN date_n IS NULL THEN date_t END AS date_bad{secs}
        FROM d
        """,  # noqa: S608 (only fixed SQL fragments and generated names are formatted in)
        [
            *params,
            id_header,
            id_header,
            SUMMARY_ROW,
            SUMMARY_ROW,
            job.assessment_name,
        ],
        sheets={s.name: s.table for s in sheets},
        tables={},
        rid_count=rid_count,
    )


def drop_skipped_rows(
    job: Job, rows: pa.Table, sheets: list[SheetData], rid_count: int
) -> list[SheetData]:
    """The sheets re-registered without their skipped rows, so their cells are never read.

    Done in Arrow rather than with a join: the sheets are Arrow scans, and a join would
    cost a hash probe per cell.
    """
    kept_by_rid = np.zeros(rid_count, dtype=bool)
    kept_by_rid[rows.column("rid").to_numpy()] = (
        rows.column("skip_reason").is_null().to_numpy(zero_copy_only=False)
    )
    kept = []
    for sheet in sheets:
        keep = kept_by_rid[sheet.table.column("_rid").to_numpy()]
        if not keep.all():
            sheet = replace(sheet, table=sheet.table.filter(pa.array(keep)))
            job.con.register(sheet.name, sheet.table)
        kept.append(sheet)
    return kept


def number_rows(
    rows: pa.Table, scores: pa.Table, skill_measures: pa.Array | None, rid_count: int
) -> tuple[pa.Table, int]:
    """``rows`` with ``student_no`` (students numbered in order of their first row) and
    ``scored`` (the row gave a skill score), and how many students there are.

    ``skill_measures`` are the measure numbers of skills when the scores include questions
    (which do not make a row scored; their skill does), else None. Done on the Arrow columns
    (a hash of the keys and a mask), not with joins on the key text: both are needed for
    every row of a large file.
    """
    rid = scores.column("rid")
    if skill_measures is not None:
        rid = rid.filter(pc.is_in(scores.column("measure_no"), value_set=skill_measures))
    scored_by_rid = np.zeros(rid_count, dtype=bool)
    for chunk in rid.chunks:  # (a rid given twice is set twice: cheaper than unique)
        scored_by_rid[chunk.to_numpy()] = True
    row_rid = rows.column("rid").to_numpy()
    keep = rows.column("skip_reason").is_null().to_numpy(zero_copy_only=False)
    scored = scored_by_rid[row_rid] & keep
    keys = rows.column("student_key")
    if not keep.all():
        keys = keys.filter(pa.array(keep))
    keys = keys.combine_chunks()
    encoded = pc.dictionary_encode(keys)
    student_no = np.full(rows.num_rows, -1, dtype=np.int32)
    student_no[keep] = encoded.indices.to_numpy(zero_copy_only=False)
    rows = rows.append_column("student_no", pa.array(student_no, mask=~keep)).append_column(
        "scored", pa.array(scored)
    )
    return rows, len(encoded.dictionary)
