"""Queries whose results are kept as Arrow tables (cheaper to build than DuckDB temp tables,
which compress every column as they are written), and large ones run in parts side by side."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Mapping
from typing import Any

import duckdb
import pyarrow as pa

#: Rows per Arrow batch of a sheet's data rows as the normaliser scans them.
SHEET_BATCH_ROWS = 10_240
#: Source rows from which the row-by-row tables are built in parts, side by side.
SPLIT_ROWS = 20_000
#: Rows per Arrow batch of the score values: the database inserts batches in parallel, so a
#: million rows in one batch would be written by one thread (a DuckDB row group each).
SAVE_BATCH_ROWS = 122_880


def query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any] | None = None,
    batch_rows: int = SHEET_BATCH_ROWS,
) -> pa.Table:
    """Run ``sql`` and return its result as an Arrow table in batches of ``batch_rows``.

    Small batches suit tables of text (DuckDB grows each batch's text buffer as it fills,
    copying it); the score values are kept in batches of a DuckDB row group
    (:data:`SAVE_BATCH_ROWS`), which is how the database takes them fastest.
    """
    return con.execute(sql, params or []).to_arrow_table(batch_rows)


def query_by_rows(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any] | None,
    *,
    sheets: Mapping[str, pa.Table],
    tables: Mapping[str, pa.Table],
    rid_count: int,
    batch_rows: int = SHEET_BATCH_ROWS,
) -> pa.Table:
    """:func:`query` for a query whose result rows each come from one source row (or one
    rid's group): large files run it in parts, a range of rids each, side by side.

    ``sheets`` are the registered sheet tables (with their ``_rid`` column, in rid order),
    ``tables`` the other registered tables the query may read; ``rid_count`` is how many
    source rows there are. DuckDB computes a query on every core but hands its result to
    Arrow on one, which is most of the time for a table of text; parts of the sheets on
    their own cursors, one thread each, do both on every core. The parts' results follow
    each other in rid order, as one query's would.
    """
    parts = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
    if parts < 2 or rid_count < SPLIT_ROWS:
        return query(con, sql, params, batch_rows)
    bounds = [rid_count * k // parts for k in range(parts + 1)]
    cursors = [con.cursor() for _ in range(parts)]
    for k, cur in enumerate(cursors):
        for table_name, table in tables.items():
            cur.register(table_name, table)
        for sheet_name, data in sheets.items():
            rids = data.column("_rid").to_numpy()
            lo, hi = (int(x) for x in rids.searchsorted(bounds[k : k + 2]))
            cur.register(sheet_name, data.slice(lo, hi - lo))

    def run(cur: duckdb.DuckDBPyConnection) -> pa.Table:
        return cur.execute(sql, params or []).to_arrow_table(batch_rows)

    con.execute("SET threads = 1")
    try:
        with concurrent.futures.ThreadPoolExecutor(parts) as pool:
            results = list(pool.map(run, cursors))
    finally:
        con.execute(f"SET threads = {parts}")  # noqa: S608 (an int read from DuckDB)
        for cur in cursors:
            cur.close()
    return pa.concat_tables(results)
