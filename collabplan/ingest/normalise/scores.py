"""Every score of the file, once (``scores_t``: by source row and measure), and the skills and
questions scored (``measures``); worked out in SQL over the cells, or on arrays (``typed``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from collabplan.ingest.normalise.job import Job
from collabplan.ingest.normalise.sheets import SheetData
from collabplan.ingest.normalise.tables import SAVE_BATCH_ROWS, query, query_by_rows
from collabplan.ingest.normalise.typed import typed_scores
from collabplan.ingest.normalise.values import Cells, values_sql


@dataclass(frozen=True)
class Measures:
    """The skills (and, by question, items) scored: ``table`` (measure_no, skill, item).

    A wide file's measures follow from its columns: ``skill_measure`` and ``item_measure``
    give each part's (empty for a long file, whose measures are the skills its rows name).
    """

    table: pa.Table
    skill_measure: tuple[int, ...]
    item_measure: tuple[int, ...]

    def skills(self) -> pa.Array:
        """The measure numbers of skills (not questions)."""
        t = self.table
        return t.filter(pc.is_null(t.column("item"))).column("measure_no").combine_chunks()


def make_measures(job: Job, cells: Cells) -> Measures:
    """The measures of the file (see :class:`Measures`)."""
    parts = cells.plan.parts
    if not parts:
        table = query(
            job.con,
            f"""SELECT (row_number() OVER (ORDER BY skill) - 1)::INTEGER AS measure_no, skill,
                   NULL::VARCHAR AS item
               FROM (SELECT DISTINCT row_skill AS skill FROM ({cells.sql})
                     WHERE nullif(row_skill, '') IS NOT NULL)""",  # noqa: S608 (fixed fragments)
            list(cells.params),
        )
        return Measures(table, (), ())
    found: dict[tuple[str, str | None], int] = {}
    skill_measure = tuple(found.setdefault((p.skill, None), len(found)) for p in parts)
    item_measure: tuple[int, ...] = tuple(0 for _p in parts)
    if cells.plan.item_level:
        item_measure = tuple(found.setdefault((p.skill, p.item), len(found)) for p in parts)
    table = pa.table(
        {
            "measure_no": pa.array(list(found.values()), pa.int32()),
            "skill": pa.array([k[0] for k in found], pa.string()),
            "item": pa.array([k[1] for k in found], pa.string()),
        }
    )
    return Measures(table, skill_measure, item_measure)


def make_scores(
    job: Job,
    cells: Cells,
    measures: Measures,
    sheets: list[SheetData],
    tables: dict[str, pa.Table],
    rid_count: int,
) -> pa.Table:
    """``scores_t`` (rid, measure_no, points, max_points, fraction, proficient, and level for
    a level scale), skill scores first worked out per cell or, for an item-level file, rolled
    up from its items.

    ``tables`` are the tables registered so far (``measures`` among them). The cells' own text
    (``raw``, ``raw_num``) is left out here and worked out again only for a preview
    (:func:`scores_sql` ``with_raw``): a million-row table is cheaper without it.
    """
    typed = typed_scores(cells, measures.skill_measure, sheets)
    if typed is not None:
        return typed
    sql, params = scores_sql(cells, measures, with_raw=False)
    return query_by_rows(
        job.con,
        sql,
        params,
        sheets={s.name: s.table for s in sheets},
        tables=tables,
        rid_count=rid_count,
        batch_rows=SAVE_BATCH_ROWS,
    )


def scores_sql(cells: Cells, measures: Measures, *, with_raw: bool) -> tuple[str, list[Any]]:
    """The SELECT of ``scores_t``; ``with_raw`` adds each score's cell text and number."""
    kind = cells.kind
    levels = list(cells.levels)
    parts = cells.plan.parts
    values, values_params = values_sql(cells)
    if kind == "level":
        proficient = "list_position(?, lower(level)) >= ? AS proficient"
        prof_params: list[Any] = [[lv.lower() for lv in levels], cells.prof_level]
    else:
        proficient = """CASE WHEN cut_num IS NOT NULL THEN points >= cut_num - 1e-9
                             ELSE fraction >= ? - 1e-9 END AS proficient"""
        prof_params = [cells.cut]
    level_col = ", level" if kind == "level" or with_raw else ""
    raw_cols = ", raw, raw_num" if with_raw else ""
    if parts:
        skill_measures = list(measures.skill_measure)
        if skill_measures == list(range(len(skill_measures))):  # the usual wide file: part = measure
            skill_measure, measure_params = "v.part", []
        else:
            skill_measure = "list_extract(?::INTEGER[], v.part + 1)"
            measure_params = [skill_measures]
        measure_join = ""
    else:
        skill_measure = "m.measure_no"
        measure_params = []
        measure_join = "JOIN measures m ON m.skill = v.skill AND m.item IS NULL"
    if not cells.plan.item_level:
        cell_scores = f"""
                SELECT v.rid, {skill_measure} AS measure_no, v.raw, v.num0 AS raw_num,
                    {"fraction0 * 100" if kind == "percent" else "num"} AS points,
                    {"100.0::DOUBLE" if kind == "percent" else "mx"} AS max_points,
                    fraction0 AS fraction,
                    {"list_extract(?, level_pos)" if kind == "level" else "NULL::VARCHAR"} AS level,
                    level_pos, cut_num
                FROM ({values}) v {measure_join} WHERE problem IS NULL"""  # noqa: S608 (fixed fragments only)
        if cells.plan.sum_repeats:
            cell_scores = _summed(cell_scores, kind)
        sql = f"""
            SELECT rid, measure_no, points, max_points, fraction{level_col}, {proficient}{raw_cols}
            FROM ({cell_scores})
            """  # noqa: S608 (fixed fragments only)
        return sql, [
            *prof_params,
            *measure_params,
            *([levels] if kind == "level" else []),
            *values_params,
        ]
    # items roll up into their skill; the questions themselves are kept too
    raw_skill = (
        """, CASE WHEN ? = 'points' THEN printf('%g/%g', sum(num), sum(mx))
                  ELSE printf('%g', avg(num)) END AS raw, NULL::DOUBLE AS raw_num"""
        if with_raw
        else ""
    )
    raw_item = ", raw, num0" if with_raw else ""
    sql = f"""
        SELECT rid, measure_no, points, max_points, fraction{level_col}, {proficient}{raw_cols}
        FROM (
            SELECT rid, sm AS measure_no,
                CASE WHEN ? = 'points' THEN sum(num) ELSE avg(fraction0) * 100 END AS points,
                CASE WHEN ? = 'points' THEN sum(mx) ELSE 100.0 END::DOUBLE AS max_points,
                CASE WHEN ? = 'points' THEN sum(num) / nullif(sum(mx), 0) ELSE avg(fraction0) END AS fraction,
                NULL::VARCHAR AS level,
                NULL::DOUBLE AS cut_num{raw_skill}
            FROM (SELECT *, list_extract(?::INTEGER[], part + 1) AS sm FROM ({values}))
            WHERE problem IS NULL AND ? <> 'level'
            GROUP BY rid, sm
        )
        UNION ALL
        SELECT rid, list_extract(?::INTEGER[], part + 1), num, mx, fraction0{", NULL::VARCHAR" if level_col else ""},
            (fraction0 >= ? - 1e-9){raw_item}
        FROM ({values}) WHERE problem IS NULL
        """  # noqa: S608 (fixed fragments only)
    return sql, [
        *prof_params,
        kind,
        kind,
        kind,
        *([kind] if with_raw else []),
        list(measures.skill_measure),
        *values_params,
        kind,
        list(measures.item_measure),
        cells.cut,
        *values_params,
    ]


def _summed(cell_scores: str, kind: str) -> str:
    """One score per row and skill from repeated groups naming the same skill: points and
    points possible summed (a standard over several questions), percents averaged, and the
    lowest level of a level scale."""
    if kind == "points":
        points, max_points = "sum(points)", "sum(max_points)"
        fraction = "sum(points) / nullif(sum(max_points), 0)"
        cut = "sum(cut_num)"
    else:
        points, max_points = "avg(points)", "any_value(max_points)"
        fraction, cut = "avg(fraction)", "avg(cut_num)"
    return f"""
        SELECT rid, measure_no, string_agg(raw, ' + ') AS raw, sum(raw_num) AS raw_num,
            {points} AS points, {max_points} AS max_points, {fraction} AS fraction,
            arg_min(level, level_pos) AS level, min(level_pos) AS level_pos, {cut} AS cut_num
        FROM ({cell_scores})
        GROUP BY rid, measure_no"""  # noqa: S608 (fixed fragments only)
