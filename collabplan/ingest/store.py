"""Write and remove score rows in the slim storage of migration 0003.

A score row is stored as three parts: its ``sitting`` (upload, administration, student and
the grade/class/teacher the file gave), its ``measure`` (skill, and item for a question) and
its ``score_value`` (the two ids and the values). The ``score`` view joins them back.

Sittings and measures belong to one upload (nothing is shared between uploads), so undoing
an upload removes exactly its rows. Their ids are handed out here, inside the caller's
write transaction (``Database.transaction`` holds the write lock): ``max(id) + 1 + position``.
Score values are written in sitting order, which lets reads of a few sittings skip the rest.

Everything goes in with ``INSERT … SELECT`` from registered Arrow tables, never row by row.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: The columns of the ``score`` view, with the SQL type each is written as. The first four
#: are required in :func:`write_score_rows`; a missing optional column means NULL.
SCORE_COLUMNS = {
    "upload_id": "INTEGER",
    "administration_id": "INTEGER",
    "student_id": "INTEGER",
    "skill": "VARCHAR",
    "item": "VARCHAR",
    "points": "DOUBLE",
    "max_points": "DOUBLE",
    "fraction": "DOUBLE",
    "level": "VARCHAR",
    "proficient": "BOOLEAN",
    "grade": "VARCHAR",
    "class_name": "VARCHAR",
    "teacher": "VARCHAR",
}
REQUIRED = ("upload_id", "administration_id", "student_id", "skill")
SITTING_KEY = ("upload_id", "administration_id", "student_id", "grade", "class_name", "teacher")
MEASURE_KEY = ("upload_id", "skill", "item")
VALUE_COLUMNS = ("points", "max_points", "fraction", "level", "proficient")

_names = itertools.count()


def _unique(prefix: str) -> str:
    """A name for a registered view or temp table that no other writer uses at the moment."""
    return f"{prefix}_{next(_names)}"


def _next_id(cur: Any, table: str) -> int:
    """The largest id of ``sitting`` or ``measure`` (0 when empty): ids go on from there."""
    assert table in ("sitting", "measure")
    return int(cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])  # noqa: S608 (one of two table names)


def _as_arrow(rows: Any) -> pa.Table:
    if isinstance(rows, pa.Table):
        return rows
    if isinstance(rows, pa.RecordBatch):
        return pa.Table.from_batches([rows])
    import pandas as pd  # only callers that already hold a DataFrame pay for pandas

    if isinstance(rows, pd.DataFrame):
        return pa.Table.from_pandas(rows, preserve_index=False)
    raise TypeError(f"score rows must be a pyarrow Table or pandas DataFrame, not {type(rows)}")


def write_score_rows(cur: Any, rows: Any) -> int:
    """Write score rows given in the ``score`` view's shape; return how many were written.

    ``rows`` is a pyarrow Table or pandas DataFrame with upload_id, administration_id,
    student_id and skill, and any of item, points, max_points, fraction, level, proficient,
    grade, class_name, teacher (missing ones are NULL). Rows sharing upload, administration,
    student, grade, class and teacher become one sitting; rows sharing upload, skill and item
    one measure. New sittings and measures are numbered in the order their first row comes,
    and the score values keep the rows' order within a sitting. Call inside a write
    transaction.
    """
    table = _as_arrow(rows)
    unknown = [c for c in table.column_names if c not in SCORE_COLUMNS]
    if unknown:
        raise ValueError(f"score rows have columns the score table does not: {', '.join(unknown)}")
    if table.num_rows == 0:
        return 0
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise ValueError(f"score rows need {', '.join(missing)}")
    table = table.append_column("pos", pa.array(np.arange(table.num_rows, dtype=np.int64)))
    given = set(table.column_names)
    # Only fixed column names and types from SCORE_COLUMNS are formatted into the SQL.
    cols = ", ".join(
        f"CAST({c} AS {t}) AS {c}" if c in given else f"CAST(NULL AS {t}) AS {c}"
        for c, t in SCORE_COLUMNS.items()
    )
    source, work = _unique("score_rows_in"), _unique("score_rows_work")
    sittings, measures = _unique("score_rows_sittings"), _unique("score_rows_measures")
    base_sitting, base_measure = _next_id(cur, "sitting"), _next_id(cur, "measure")
    cur.register(source, table)
    try:
        cur.execute(
            f"CREATE TEMP TABLE {work} AS SELECT pos, {cols} FROM {source}"  # noqa: S608 (fixed column lists and generated names)
        )
    finally:
        cur.unregister(source)
    try:
        # New sittings and measures, numbered in the order of their first row. GROUP BY and
        # IS NOT DISTINCT FROM treat NULL grade/class/teacher/item as one value.
        for name, key, base in ((sittings, SITTING_KEY, base_sitting),
                                (measures, MEASURE_KEY, base_measure)):
            cur.execute(
                f"""CREATE TEMP TABLE {name} AS
                    SELECT (? + row_number() OVER (ORDER BY first_pos))::INTEGER AS id, *
                    FROM (SELECT {", ".join(key)}, min(pos) AS first_pos
                          FROM {work} GROUP BY ALL)""",  # noqa: S608 (fixed column lists)
                [base],
            )
        sitting_key, measure_key = ", ".join(SITTING_KEY), ", ".join(MEASURE_KEY)
        cur.execute(
            f"""INSERT INTO sitting (id, {sitting_key})
                SELECT id, {sitting_key} FROM {sittings} ORDER BY id"""  # noqa: S608 (fixed column lists)
        )
        cur.execute(
            f"""INSERT INTO measure (id, {measure_key})
                SELECT id, {measure_key} FROM {measures} ORDER BY id"""  # noqa: S608 (fixed column lists)
        )
        values = ", ".join(f"w.{c}" for c in VALUE_COLUMNS)
        on_sitting = " AND ".join(f"si.{c} IS NOT DISTINCT FROM w.{c}" for c in SITTING_KEY)
        on_measure = " AND ".join(f"m.{c} IS NOT DISTINCT FROM w.{c}" for c in MEASURE_KEY)
        cur.execute(
            f"""INSERT INTO score_value (sitting_id, measure_id, {", ".join(VALUE_COLUMNS)})
                SELECT si.id, m.id, {values}
                FROM {work} w
                JOIN {sittings} si ON {on_sitting}
                JOIN {measures} m ON {on_measure}
                ORDER BY si.id, w.pos"""  # noqa: S608 (fixed column lists)
        )
    finally:
        for name in (work, sittings, measures):
            cur.execute(f"DROP TABLE IF EXISTS {name}")
    return table.num_rows


def insert_slim(
    cur: Any,
    upload_id: int,
    sittings: pa.Table,
    measures: pa.Table,
    values: pa.Table,
    student_ids: np.ndarray,
    administration_ids: np.ndarray,
) -> int:
    """The importer's fast path: write one upload's sittings, measures and score values.

    ``sittings``: [sitting_no,] student_no, administration_no, grade, class_name, teacher (the
    sitting_no column, when given, numbers them, gaps allowed; else the row position does); ``measures``: skill, item (position = measure_no); ``values``: sitting_no,
    measure_no, points, max_points, fraction, level, proficient, ordered by sitting_no (any
    number of record batches). ``student_ids`` / ``administration_ids`` give the database id
    of each student_no / administration_no. Sitting number k gets id ``max(sitting.id) + 1 + k``,
    measure k ``max(measure.id) + 1 + k``. Returns the number of score values written.
    Call inside a write transaction.
    """
    base_sitting, base_measure = _next_id(cur, "sitting"), _next_id(cur, "measure")
    student_ids = np.asarray(student_ids, dtype=np.int32)
    administration_ids = np.asarray(administration_ids, dtype=np.int32)

    n = sittings.num_rows
    if "sitting_no" in sittings.column_names:  # numbered by the caller (gaps allowed)
        sitting_no = _numpy(sittings.column("sitting_no")).astype(np.int32)
    else:
        sitting_no = np.arange(n, dtype=np.int32)
    sitting_rows = pa.table(
        {
            "id": pa.array(sitting_no + np.int32(base_sitting + 1)),
            "administration_id": pa.array(
                administration_ids[_numpy(sittings.column("administration_no"))]
            ),
            "student_id": pa.array(student_ids[_numpy(sittings.column("student_no"))]),
            "grade": sittings.column("grade"),
            "class_name": sittings.column("class_name"),
            "teacher": sittings.column("teacher"),
        }
    )
    m = measures.num_rows
    measure_rows = pa.table(
        {
            "id": pa.array(np.arange(base_measure + 1, base_measure + 1 + m, dtype=np.int32)),
            "skill": measures.column("skill"),
            "item": measures.column("item"),
        }
    )
    sitting_no = values.column("sitting_no")
    if len(sitting_no) > 1:
        steps = np.diff(_numpy(sitting_no))
        if (steps < 0).any():  # the contract says sorted; keep reads fast if it ever is not
            values = values.take(pc.sort_indices(values, [("sitting_no", "ascending")]))

    names = [_unique(p) for p in ("slim_sittings", "slim_measures", "slim_values")]
    for name, table in zip(names, (sitting_rows, measure_rows, values), strict=True):
        cur.register(name, table)
    try:
        cur.execute(
            f"""INSERT INTO sitting (id, upload_id, administration_id, student_id, grade,
                   class_name, teacher)
                SELECT id, ?, administration_id, student_id, grade, class_name, teacher
                FROM {names[0]}""",  # noqa: S608 (generated name)
            [upload_id],
        )
        cur.execute(
            f"INSERT INTO measure (id, upload_id, skill, item) SELECT id, ?, skill, item FROM {names[1]}",  # noqa: S608 (generated name)
            [upload_id],
        )
        cur.execute(
            f"""INSERT INTO score_value (sitting_id, measure_id, points, max_points, fraction,
                   level, proficient)
                SELECT sitting_no + ?, measure_no + ?, points, max_points, fraction, level,
                   proficient
                FROM {names[2]}""",  # noqa: S608 (generated name)
            [base_sitting + 1, base_measure + 1],
        )
    finally:
        for name in names:
            cur.unregister(name)
    return values.num_rows


def _numpy(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return column.to_numpy(zero_copy_only=False)


def delete_upload_scores(cur: Any, upload_id: int) -> int:
    """Remove one upload's score values, sittings and measures; return the score values removed.

    Call inside a write transaction.
    """
    low, high = cur.execute(
        "SELECT min(id), max(id) FROM sitting WHERE upload_id = ?", [upload_id]
    ).fetchone()
    removed = 0
    if low is not None:
        # The id range lets the scan skip score values outside it by their min/max statistics.
        removed = cur.execute(
            """DELETE FROM score_value
               WHERE sitting_id BETWEEN ? AND ?
                 AND sitting_id IN (SELECT id FROM sitting WHERE upload_id = ?)""",
            [low, high, upload_id],
        ).fetchone()[0]
    cur.execute("DELETE FROM sitting WHERE upload_id = ?", [upload_id])
    cur.execute("DELETE FROM measure WHERE upload_id = ?", [upload_id])
    return int(removed)
