"""Write and remove score rows in the slim storage of migration 0003.

A score row is stored as three parts: its ``sitting`` (upload, administration, student and
the grade/class/teacher the file gave), its ``measure`` (skill, and item for a question) and
its ``score_value`` (the two ids and the values). The ``score`` view joins them back.

Sittings and measures belong to one upload (nothing is shared between uploads), so undoing
an upload removes exactly its rows. Their ids are handed out here, inside the caller's
write transaction (``Database.transaction`` holds the write lock): ``max(id) + 1 + position``
(or after the id floor a repair left, see :func:`_next_id`).
Score values are written in sitting order, which lets reads of a few sittings skip the rest.

Everything goes in with ``INSERT … SELECT`` from registered Arrow tables, never row by row.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: The columns of the ``score`` view, with the Arrow type each is written as. The first four
#: are required in :func:`write_score_rows`; a missing optional column means NULL.
SCORE_COLUMNS = {
    "upload_id": pa.int32(),
    "administration_id": pa.int32(),
    "student_id": pa.int32(),
    "skill": pa.string(),
    "item": pa.string(),
    "points": pa.float64(),
    "max_points": pa.float64(),
    "fraction": pa.float64(),
    "level": pa.string(),
    "proficient": pa.bool_(),
    "grade": pa.string(),
    "class_name": pa.string(),
    "teacher": pa.string(),
}
REQUIRED = ("upload_id", "administration_id", "student_id", "skill")
SITTING_KEY = ("upload_id", "administration_id", "student_id", "grade", "class_name", "teacher")
MEASURE_KEY = ("upload_id", "skill", "item")
VALUE_COLUMNS = ("points", "max_points", "fraction", "level", "proficient")

_names = itertools.count()


def _unique(prefix: str) -> str:
    """A name for a registered table that no other writer uses at the moment."""
    return f"{prefix}_{next(_names)}"


def _next_id(cur: Any, table: str) -> int:
    """The last id of ``sitting`` or ``measure`` given out (0 when none): ids go on from there.

    That is the largest id stored, or the floor the consistency check on open left after
    removing a torn import's rows (collabplan/integrity.py), whichever is larger.
    """
    assert table in ("sitting", "measure")
    return int(cur.execute(
        f"""SELECT greatest(coalesce(max(id), 0),
                            coalesce((SELECT max(last_id) FROM id_floor WHERE name = ?), 0))
            FROM {table}""",  # noqa: S608 (one of two table names)
        [table],
    ).fetchone()[0])


def _as_arrow(rows: Any) -> pa.Table:
    if isinstance(rows, pa.Table):
        return rows
    if isinstance(rows, pa.RecordBatch):
        return pa.Table.from_batches([rows])
    import pandas as pd  # only callers that already hold a DataFrame pay for pandas

    if isinstance(rows, pd.DataFrame):
        return pa.Table.from_pandas(rows, preserve_index=False)  # NaN and None become NULL
    raise TypeError(f"score rows must be a pyarrow Table or pandas DataFrame, not {type(rows)}")


def _numpy(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return column.to_numpy(zero_copy_only=False)


def _numbered(table: pa.Table, key: tuple[str, ...]) -> tuple[pa.Table, np.ndarray]:
    """The distinct ``key`` rows of ``table`` in the order of their first row, and for every
    row of ``table`` the position of its key among them. NULL keys count as one value."""
    grouped = (
        table.select(list(key))
        .append_column("pos", pa.array(np.arange(table.num_rows, dtype=np.int64)))
        .group_by(list(key), use_threads=False)
        .aggregate([("pos", "min"), ("pos", "list")])
    )
    order = np.argsort(_numpy(grouped.column("pos_min")), kind="stable")
    number = np.empty(len(order), dtype=np.int32)
    number[order] = np.arange(len(order), dtype=np.int32)
    positions = grouped.column("pos_list").combine_chunks()
    of_row = np.empty(table.num_rows, dtype=np.int32)
    of_row[_numpy(pc.list_flatten(positions))] = number[_numpy(pc.list_parent_indices(positions))]
    return grouped.select(list(key)).take(pa.array(order)), of_row


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
    table = pa.table({
        c: table.column(c).cast(t) if c in table.column_names else pa.nulls(table.num_rows, t)
        for c, t in SCORE_COLUMNS.items()
    })
    sittings, sitting_no = _numbered(table, SITTING_KEY)
    measures, measure_no = _numbered(table, MEASURE_KEY)
    order = pa.array(np.argsort(sitting_no, kind="stable"))  # sitting order, rows' order within
    values = pa.table({
        "sitting_no": pa.array(sitting_no).take(order),
        "measure_no": pa.array(measure_no).take(order),
        **{c: table.column(c).take(order) for c in VALUE_COLUMNS},
    })
    return _insert(cur, sittings, measures, values)


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

    ``sittings``: student_no, administration_no, grade, class_name, teacher (row position =
    sitting_no; or, with a sitting_no column in ascending order, that number, gaps allowed); ``measures``: skill, item (position = measure_no); ``values``: sitting_no,
    measure_no, points, max_points, fraction, level, proficient, ordered by sitting_no (any
    number of record batches). ``student_ids`` / ``administration_ids`` give the database id
    of each student_no / administration_no. Sitting k gets id ``max(sitting.id) + 1 + k``,
    measure k ``max(measure.id) + 1 + k``. Returns the number of score values written.
    Call inside a write transaction.
    """
    student_ids = np.asarray(student_ids, dtype=np.int32)
    administration_ids = np.asarray(administration_ids, dtype=np.int32)
    upload = pa.array(np.full(sittings.num_rows, upload_id, dtype=np.int32))
    sitting_rows = pa.table({
        "upload_id": upload,
        "administration_id": administration_ids[_numpy(sittings.column("administration_no"))],
        "student_id": student_ids[_numpy(sittings.column("student_no"))],
        "grade": sittings.column("grade"),
        "class_name": sittings.column("class_name"),
        "teacher": sittings.column("teacher"),
    })
    measure_rows = pa.table({
        "upload_id": pa.array(np.full(measures.num_rows, upload_id, dtype=np.int32)),
        "skill": measures.column("skill"),
        "item": measures.column("item"),
    })
    if "sitting_no" in sittings.column_names:
        # numbered by the caller (ascending, gaps allowed): the values point at positions
        numbers = _numpy(sittings.column("sitting_no"))
        given = values.column("sitting_no")
        if len(numbers) and numbers[-1] - numbers[0] + 1 == len(numbers):  # no gaps
            # (from 0 with no gaps, the numbers are positions already)
            positions = None if numbers[0] == 0 else pc.subtract(given, pa.scalar(numbers[0], pa.int32()))
        else:
            positions = pa.array(np.searchsorted(numbers, _numpy(given)).astype(np.int32))
        if positions is not None:
            values = values.set_column(
                values.schema.get_field_index("sitting_no"), "sitting_no", positions
            )
    given = _numpy(values.column("sitting_no"))
    if values.num_rows > 1 and not (given[1:] >= given[:-1]).all():
        # The contract says sorted; reads stay fast only if the values are, so sort if not.
        values = values.take(pc.sort_indices(values, [("sitting_no", "ascending")]))
    return _insert(cur, sitting_rows, measure_rows, values)


def _insert(cur: Any, sittings: pa.Table, measures: pa.Table, values: pa.Table) -> int:
    """Insert numbered sittings and measures and their score values.

    ``sittings`` (upload_id, administration_id, student_id, grade, class_name, teacher) and
    ``measures`` (upload_id, skill, item) are numbered by position; ``values`` point at them
    with 0-based sitting_no / measure_no and are in sitting order. Ids continue from the
    largest in the tables; everything goes in with INSERT … SELECT from Arrow.
    """
    base_sitting, base_measure = _next_id(cur, "sitting"), _next_id(cur, "measure")
    sittings = sittings.append_column(
        "id", pa.array(np.arange(base_sitting + 1, base_sitting + 1 + sittings.num_rows,
                                 dtype=np.int32)))
    measures = measures.append_column(
        "id", pa.array(np.arange(base_measure + 1, base_measure + 1 + measures.num_rows,
                                 dtype=np.int32)))
    names = [_unique(p) for p in ("new_sittings", "new_measures", "new_values")]
    for name, table in zip(names, (sittings, measures, values), strict=True):
        cur.register(name, table)
    try:
        cur.execute(
            f"""INSERT INTO sitting (id, upload_id, administration_id, student_id, grade,
                   class_name, teacher)
                SELECT id, upload_id, administration_id, student_id, grade, class_name, teacher
                FROM {names[0]}"""  # noqa: S608 (generated name)
        )
        cur.execute(
            f"INSERT INTO measure (id, upload_id, skill, item) SELECT id, upload_id, skill, item FROM {names[1]}"  # noqa: S608 (generated name)
        )
        # a value column the caller leaves out (a file with no levels has no level) is NULL
        picked = ", ".join(
            c if c in values.column_names else "NULL" for c in VALUE_COLUMNS
        )
        cur.execute(
            f"""INSERT INTO score_value (sitting_id, measure_id, points, max_points, fraction,
                   level, proficient)
                SELECT sitting_no + ?, measure_no + ?, {picked}
                FROM {names[2]}""",  # noqa: S608 (generated name; columns from VALUE_COLUMNS)
            [base_sitting + 1, base_measure + 1],
        )
    finally:
        for name in names:
            cur.unregister(name)
    return values.num_rows


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
