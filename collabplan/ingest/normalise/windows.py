"""Testing windows: the term named from the date (``[terms]``), and one row per student and
window when the mapping says how a retest is resolved (``[scores] retest``).

Both run only for a mapping with the key, on the small per-row table ``rows_n``; a file
without them never comes here.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collabplan.ingest.mapping_tables import term_bounds, window_days
from collabplan.ingest.normalise.job import Job
from collabplan.ingest.normalise.rows import RETEST
from collabplan.ingest.normalise.tables import query

#: ``rows_n.term_miss`` of a row whose date is in no ``[terms]`` window, or that has no date
OUTSIDE_WINDOWS = "dated outside every [terms] window"
NO_DATE = "with no date to name the term from"


def name_terms(job: Job, rows: pa.Table) -> pa.Table:
    """``rows`` (registered as ``rows_n``) with ``term_n`` named from ``date_n`` by the
    ``[terms]`` windows where the file gives no term, and ``term_miss`` saying why a row got
    none.

    A window is whole months or runs from day to day (i-Ready's Fall ends November 15). A
    term whose rows fall in more than one school year (which starts with the first window's
    first day) is named with the year, "Fall 2023-24", so that two years' Falls stay two
    administrations.
    """
    terms = job.mapping.terms
    # the window of each day of the year, by month * 100 + day (1-based list index)
    by_day: list[str | None] = [None] * 1231
    for name, (first, last) in terms.items():
        for month, day in window_days(*term_bounds(first, last)):
            by_day[month * 100 + day - 1] = name
    start_month, start_day = term_bounds(*next(iter(terms.values())))[0]
    base = """SELECT *, list_extract(?::VARCHAR[], month(date_n) * 100 + day(date_n)) AS win,
                      year(date_n) - CASE WHEN month(date_n) * 100 + day(date_n) < ?
                                          THEN 1 ELSE 0 END AS sy
               FROM rows_n"""
    params = [by_day, start_month * 100 + start_day]
    several = [
        name
        for (name,) in job.con.execute(
            f"""SELECT win FROM ({base}) WHERE term_n IS NULL AND win IS NOT NULL
                AND skip_reason IS NULL GROUP BY win HAVING count(DISTINCT sy) > 1""",  # noqa: S608 (fixed text)
            params,
        ).fetchall()
    ]
    return query(
        job.con,
        f"""SELECT * EXCLUDE (win, sy) REPLACE (
                coalesce(term_n, win || CASE WHEN list_contains(?::VARCHAR[], win)
                    THEN ' ' || sy || '-' || right(CAST(sy + 1 AS VARCHAR), 2) ELSE '' END)
                    AS term_n),
                CASE WHEN term_n IS NULL AND win IS NULL
                     THEN CASE WHEN date_n IS NULL THEN ? ELSE ? END END AS term_miss
            FROM ({base}) ORDER BY rid""",  # noqa: S608 (fixed text)
        [several, NO_DATE, OUTSIDE_WINDOWS, *params],
    )


def resolve_retests(
    job: Job, rows: pa.Table, scores: pa.Table, rid_count: int
) -> tuple[pa.Table, pa.Table]:
    """Keep one scored row per student and administration (and skill, in a long file), by
    ``[scores] retest``: the latest or first by date (and time of day), or the highest score
    (the mean of the row's skill scores; on a level scale, of their places on the scale).
    Ties go to the later row.

    ``rows``, ``scores`` and ``measures`` must be registered as ``rows_n``, ``scores_t`` and
    ``measures``. Returns ``rows`` with the replaced rows skipped (``replaced by a retest``,
    ``retest_row`` = the row kept) and ``scores`` without theirs.
    """
    s = job.scores
    how = s.retest if s is not None else None
    order = {
        "latest": "date_n DESC NULLS LAST, secs DESC NULLS LAST, rid DESC",
        "first": "date_n ASC NULLS LAST, secs ASC NULLS LAST, rid DESC",
        "highest": "score DESC NULLS LAST, date_n DESC NULLS LAST, rid DESC",
    }[how]
    secs = "r.secs" if "secs" in rows.column_names else "NULL::INTEGER AS secs"
    # a level scale has no fraction: its level's place on the scale stands for it
    levels = [lv.strip().lower() for lv in s.levels] if job.kind == "level" else []
    value = (
        "list_position(?::VARCHAR[], lower(trim(k.level)))::DOUBLE"
        if levels and "level" in scores.column_names
        else "k.fraction"
    )
    params: list = [levels] if value != "k.fraction" else []
    replaced = job.con.execute(
        f"""WITH sc AS (
                SELECT k.rid, any_value(k.measure_no) AS measure_no, avg({value}) AS score
                FROM scores_t k
                SEMI JOIN (SELECT measure_no FROM measures WHERE item IS NULL) m USING (measure_no)
                GROUP BY k.rid
            ), c AS (
                SELECT r.rid, r.row, r.assessment_n, r.term_n, r.student_key, r.date_n, {secs},
                       sc.score, CASE WHEN ? THEN sc.measure_no END AS per_skill
                FROM rows_n r JOIN sc USING (rid) WHERE r.skip_reason IS NULL
            )
            SELECT rid, kept_row FROM (
                SELECT rid, row_number() OVER w AS n, first_value(row) OVER w AS kept_row FROM c
                WINDOW w AS (PARTITION BY assessment_n, term_n, student_key, per_skill
                             ORDER BY {order})
            ) WHERE n > 1""",  # noqa: S608 (fixed fragments)
        [*params, s.layout == "long"],
    ).fetchall()
    kept_row = np.full(rid_count, -1, dtype=np.int64)
    for rid, row in replaced:
        kept_row[rid] = row
    row_rid = rows.column("rid").to_numpy()
    mask = kept_row[row_rid] >= 0
    reason = pc.if_else(pa.array(mask), pa.scalar(RETEST), rows.column("skip_reason"))
    rows = rows.set_column(rows.column_names.index("skip_reason"), "skip_reason", reason)
    rows = rows.append_column("retest_row", pa.array(kept_row[row_rid], mask=~mask))
    if replaced:
        drop = kept_row >= 0
        for_score = pa.array(~drop[scores.column("rid").to_numpy()])
        scores = scores.filter(for_score)
    return rows, scores
