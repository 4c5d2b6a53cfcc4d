"""Move a school's DuckDB file into the shared store (``python -m collabplan migrate-store``).

The file is first brought to the newest migration (as opening it in the app would), then
closed and attached read-only beside the store. Every table is copied in one write
transaction on the store, column by column by name; the rows of each table in the store are
then counted against the file's, and any difference rolls the whole copy back. Sequences
continue after the file's last ids, so nothing written later reuses an id the file gave out
(ids named in the audit log stay unique). The store must hold no school data yet: two files
merged into one store would collide on their ids.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from collabplan import audit, config, shared_store
from collabplan import db as db_module
from collabplan.errors import UserError

#: Tables the store keeps for itself; everything else is the school's data.
OWN_TABLES = {"schema_version"}


def _name(text: str) -> str:
    if not shared_store.PLAIN_NAME.fullmatch(text):
        raise UserError(f"the file holds a table or column with an unusual name ({text!r}): "
                        "it was not made by collabplan", kind="file")
    return text


def migrate_store(source: str | Path, target: str, *, who: str = "command line",
                  progress: Callable[[float, str], None] | None = None) -> dict[str, int]:
    """Copy the file ``source`` into the empty shared store ``target``; rows per table."""
    show = progress or (lambda fraction, message: None)
    path = Path(source).expanduser().resolve()
    if shared_store.is_shared(str(source)):
        raise UserError("--from is the school's database file; --to is the shared store",
                        kind="input")
    if not shared_store.is_shared(target):
        raise UserError("--to must be the shared store's postgresql:// address", kind="input")
    if not path.is_file():
        raise UserError(f"{path}: no such database file", kind="file")
    show(0.0, "Bringing the file up to date")
    db_module.close(path)
    source_db = db_module.Database(path)  # migrates the file; busy if the app has it open
    if source_db.repair is not None:
        show(0.02, source_db.repair.line())
    source_db.close()
    store = db_module.connect(config.database_path(target))
    cur = store.cursor()
    cur.execute(f"ATTACH {shared_store._literal(str(path))} AS school_file (READ_ONLY)")
    try:
        return _copy(store, who, show)
    finally:
        cur.execute("DETACH school_file")


def _copy(store: db_module.Database, who: str, show: Callable[[float, str], None]) -> dict[str, int]:
    cur = store.cursor()
    file_tables = {_name(t) for (t,) in cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'school_file'"
        " AND schema_name = 'main'").fetchall()} - OWN_TABLES
    store_tables = {t for (t,) in cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'store'"
        " AND schema_name = 'public'").fetchall()}
    missing = sorted(file_tables - store_tables)
    if missing:
        raise UserError(f"the shared store is older than the file (no table {missing[0]}): "
                        "update collabplan on the servers first", kind="state")
    held = [t for t in sorted(file_tables) if cur.execute(
        f"SELECT EXISTS (SELECT 1 FROM store.public.{t})").fetchone()[0]]  # noqa: S608 (checked name)
    if held:
        raise UserError(f"the shared store already holds data (table {held[0]}); move a "
                        "school's file only into a new, empty store", kind="state")
    counts: dict[str, int] = {}
    with store.transaction() as tx:
        for done, table in enumerate(sorted(file_tables)):
            show(0.05 + 0.85 * done / max(len(file_tables), 1), f"Copying {table}")
            columns = [_name(c) for (c,) in tx.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = 'school_file'"
                " AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
                [table]).fetchall()]
            names = ", ".join(columns)
            tx.execute(f"INSERT INTO store.public.{table} ({names}) "  # noqa: S608 (checked names)
                       f"SELECT {names} FROM school_file.main.{table}")
        show(0.9, "Counting the rows")
        for table in sorted(file_tables):
            want = tx.execute(f"SELECT count(*) FROM school_file.main.{table}").fetchone()[0]  # noqa: S608
            got = tx.execute(f"SELECT count(*) FROM store.public.{table}").fetchone()[0]  # noqa: S608
            if want != got:
                raise UserError(f"{table}: {got} rows arrived of {want}; nothing was moved",
                                kind="state")
            counts[table] = int(want)
        show(0.95, "Continuing the id sequences")
        for sequence, last in tx.execute(
            "SELECT sequence_name, last_value FROM duckdb_sequences()"
            " WHERE database_name = 'school_file' AND last_value IS NOT NULL").fetchall():
            shared_store.execute(tx, f"SELECT setval('{_name(sequence)}', {int(last)})")
        audit.record(tx, who, "store moved in",
                     f"{sum(counts.values())} rows in {len(counts)} tables from a school's file")
    show(1.0, "Done")
    return counts
