"""The students of a file: one row per student key, numbered in order of their first row,
with the groups (ELL, "Ethnicity: Hispanic" …) their rows give."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.sql import sql_list

YES_VALUES = ("y", "yes", "true", "1", "x", "t", "checked", "✓")
NO_VALUES = ("n", "no", "false", "0", "f", "")

#: Prepared.students column -> rows_n column
_COLUMNS = {
    "student_key": "student_key",
    "local_id": "sid_n",
    "display_name": "display",
    "first_name": "first_n",
    "last_name": "last_n",
    "grade": "grade_n",
    "class_name": "class_n",
    "teacher": "teacher_n",
}


def make_students(
    con: duckdb.DuckDBPyConnection, rows: pa.Table, student_count: int, mapping: Mapping
) -> pa.Table:
    """One row per student key, in ``student_no`` order (its position in Prepared.students;
    the column itself is left out).

    ``rows`` (with ``student_no``) must be registered as ``rows_n``.
    """
    kept_rows = rows.column("skip_reason").null_count  # rows not skipped
    if student_count == kept_rows:
        # a row per student (the usual file): the students are those rows, in order
        skipped = rows.num_rows - kept_rows
        picked = rows.filter(pc.is_valid(rows.column("student_no"))) if skipped else rows
        students = pa.table({name: picked.column(source) for name, source in _COLUMNS.items()})
    else:
        # several rows per student: the largest value of each column
        students = con.execute(
            "SELECT any_value(student_key) AS student_key, "  # noqa: S608 (fixed names)
            + ", ".join(
                f"max({source}) AS {name}" for name, source in _COLUMNS.items() if name != "student_key"
            )
            + " FROM rows_n WHERE student_no IS NOT NULL GROUP BY student_no ORDER BY student_no"
        ).to_arrow_table()
    return students.append_column("groups", _groups(con, students.num_rows, mapping))


def _groups(con: duckdb.DuckDBPyConnection, count: int, mapping: Mapping) -> pa.ChunkedArray:
    """The groups of each student (by student_no): "ELL", "Ethnicity: Hispanic" …"""
    if not mapping.groups:
        offsets = pa.array([0] * (count + 1), pa.int32())
        return pa.chunked_array([pa.ListArray.from_arrays(offsets, pa.array([], pa.string()))])
    group_parts, group_params = [], []
    for g, (gname, _header) in enumerate(mapping.groups.items()):
        # yes/no columns make a flag; anything else makes "Name: value" groups
        group_parts.append(
            f"""SELECT student_no, CASE WHEN flag THEN ? ELSE ? || ': ' || v END AS grp
            FROM (SELECT student_no, nullif(trim(g{g}), '') AS v,
                    bool_and(lower(coalesce(trim(g{g}), '')) IN {sql_list(YES_VALUES + NO_VALUES)}) OVER () AS flag
                  FROM rows_n WHERE student_no IS NOT NULL)
            WHERE v IS NOT NULL AND (NOT flag OR lower(v) IN {sql_list(YES_VALUES)})"""  # noqa: S608
        )
        group_params += [gname, gname]
    return con.execute(
        f"""
        WITH g AS ({" UNION ALL ".join(group_parts)}),
        gl AS (SELECT student_no, list(DISTINCT grp ORDER BY grp) AS groups FROM g GROUP BY student_no)
        SELECT coalesce(gl.groups, []::VARCHAR[]) AS groups
        FROM range(?) n(student_no) LEFT JOIN gl USING (student_no)
        ORDER BY n.student_no
        """,  # noqa: S608 (fragments use generated column names only)
        [*group_params, count],
    ).to_arrow_table().column("groups")
