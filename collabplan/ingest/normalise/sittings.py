"""Administrations (an assessment and term, dated by its earliest scored row) and sittings (the
scored rows of one student in one administration, with the grade, class and teacher given)."""

from __future__ import annotations

from typing import NamedTuple

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collabplan.errors import UserError
from collabplan.ingest.normalise.dates import DateOrder, date_sql, format_day_first
from collabplan.ingest.normalise.job import Job
from collabplan.ingest.normalise.tables import query


def make_administrations(job: Job) -> pa.Table:
    """``admins`` (admin_no, assessment, term, date) from the registered ``rows_n``: the
    scored rows' assessments and terms; date = the earliest date among their rows, else the
    mapping's; admin_no is the position in ``Prepared.administrations``."""
    return query(
        job.con,
        """
        SELECT (row_number() OVER (ORDER BY assessment, date, term) - 1)::INTEGER AS admin_no, *
        FROM (
            SELECT r.assessment_n AS assessment, r.term_n AS term,
                   coalesce(min(r.date_n), TRY_CAST(? AS DATE)) AS date
            FROM rows_n r
            WHERE r.scored AND ?
            GROUP BY ALL
        )
        """,
        [
            _iso_date(
                job.con, job.mapping.assessment_date, job.mapping_where(), job.mapping.date_format
            ),
            job.scores is not None,
        ],
    )


def make_row_keys(job: Job, rows: pa.Table, admins: pa.Table) -> pa.Table:
    """``rows_k``: what the scores of each scored source row share (the student, the
    administration, and the grade, class and teacher the file gave), in rid order, each row a
    sitting of its own (``sitting_no`` = rid) until :func:`group_sittings`.

    ``rows`` and ``admins`` must be registered as ``rows_n`` and ``admins``.
    """
    if admins.num_rows == 1 and _in_rid_order(rows):
        # one administration (the usual file): every scored row is in it, since the
        # administrations are the scored rows' assessments and terms, so no join is needed
        flags = rows.column("scored")
        scored = rows if flags.null_count == 0 and pc.all(flags).as_py() else rows.filter(flags)
        n = scored.num_rows
        return pa.table({
            "rid": scored.column("rid"),
            "sitting_no": scored.column("rid"),
            "student_no": scored.column("student_no"),
            "admin_no": _repeat(admins.column("admin_no")[0], n),
            "date": _repeat(admins.column("date")[0], n),
            "grade_n": scored.column("grade_n"),
            "class_n": scored.column("class_n"),
            "teacher_n": scored.column("teacher_n"),
        })
    # (numbered by the first row, so in rid order: a join's order is not fixed)
    return query(
        job.con,
        """
        SELECT r.rid, r.rid AS sitting_no, r.student_no, a.admin_no, a.date,
               r.grade_n, r.class_n, r.teacher_n
        FROM rows_n r
        JOIN admins a ON a.assessment = r.assessment_n AND a.term IS NOT DISTINCT FROM r.term_n
        WHERE r.scored
        ORDER BY r.rid
        """,
    )


class Sittings(NamedTuple):
    """The sittings of a file, numbered."""

    rows_k: pa.Table  # with each row's sitting_no
    #: each source row's sitting number (an array by rid), or None when every row is a
    #: sitting of its own (the usual wide file), whose number is then its rid
    sitting_of_rid: np.ndarray | None
    #: no student has two scored rows in one administration
    one_row_per_student_and_administration: bool


def group_sittings(rows_k: pa.Table, rid_count: int) -> Sittings:
    """Number the sittings: rows of one student, administration, grade, class and teacher
    are one sitting (a long file has a row per skill), numbered in order of their first row.
    """
    if rows_k.num_rows < 2:
        return Sittings(rows_k, None, True)
    admins = int(pc.max(rows_k.column("admin_no")).as_py()) + 1
    key = rows_k.column("student_no").to_numpy().astype(np.int64) * admins + rows_k.column(
        "admin_no"
    ).to_numpy()
    _keys, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    if len(first) == rows_k.num_rows:
        return Sittings(rows_k, None, True)
    # grade, class and teacher are the same in every row of a student's sitting, as a
    # rule; where they are not, the rows are told apart by them too
    codes = []
    for name in ("grade_n", "class_n", "teacher_n"):
        encoded = pc.dictionary_encode(rows_k.column(name).combine_chunks())
        codes.append(pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False))
    if any((c != c[first][inverse]).any() for c in codes):
        _keys, first, inverse = np.unique(
            np.stack([key, *codes], axis=1), axis=0, return_index=True, return_inverse=True
        )
        inverse = inverse.reshape(-1)
    rank = np.empty(len(first), dtype=np.int32)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first), dtype=np.int32)
    sitting_no = rank[inverse]
    by_rid = np.full(rid_count, -1, dtype=np.int32)
    by_rid[rows_k.column("rid").to_numpy()] = sitting_no
    return Sittings(rows_k.set_column(1, "sitting_no", pa.array(sitting_no)), by_rid, False)


def _in_rid_order(rows: pa.Table) -> bool:
    rid = rows.column("rid").to_numpy()
    return bool((rid[1:] > rid[:-1]).all())


def _repeat(value: pa.Scalar, count: int) -> pa.Array:
    """``value`` ``count`` times (a null of its type when it is null)."""
    return pa.nulls(count, value.type).fill_null(value)


def _iso_date(
    con: duckdb.DuckDBPyConnection, text: str | None, where: str, fmt: str | None = None
) -> str | None:
    """The mapping's ``[assessment] date`` as YYYY-MM-DD (None when not given), read like a
    date cell (month first unless ``[source] date_format`` says); UserError if it is not a
    date."""
    if not text:
        return None
    order = DateOrder(day_first=bool(format_day_first(fmt)), fmt=fmt)
    value = con.execute(
        f"SELECT {date_sql('v', order)} FROM (SELECT ?::VARCHAR AS v)",  # noqa: S608
        [text],
    ).fetchone()[0]
    if value is None:
        raise UserError(
            f"{where}: [assessment] date {text!r} is not a date; write it like 2025-10-14"
        )
    return value.isoformat()
