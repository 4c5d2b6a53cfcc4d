"""The DuckDB store: one connection per process, a cursor per thread, one writer at a time.

Everything that touches the database goes through a :class:`Database`. Reads use
:meth:`Database.query` / :meth:`Database.cursor`; every write happens inside
:meth:`Database.transaction`, which holds the process-wide write lock and commits or rolls
back whole. Migrations in ``collabplan/migrations/NNNN_name.sql`` are applied in order at
connect time and recorded in ``schema_version``, so an old database file upgrades itself.
Then the consistency check (:mod:`collabplan.integrity`) removes whatever an import killed
mid-commit left behind, once per opening of the file (``connect`` opens it once per process).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:  # pandas loads only when a query returns a DataFrame (the import path never does)
    import pandas as pd

from collabplan import config
from collabplan.integrity import Repair, check_on_open

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class DatabaseBusyError(RuntimeError):
    """The database file is held by another program (for example a running app)."""


#: The table that records which migrations a database file has had.
SCHEMA_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
    " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
)

#: Python steps run once right after a migration's SQL, for data a query alone cannot compute:
#: version -> "module:function" taking the Database.
FOLLOW_UPS: dict[int, str] = {7: "collabplan.goals.baseline:freeze_posted"}

#: The text encodings a ``plain_text`` commit leaves out (see Database.transaction).
_PLAIN_TEXT = "fsst,dictionary,dict_fsst"


class Database:
    """A DuckDB file opened once per process.

    DuckDB connections are not safe to share between threads, but cursors made from one
    connection are, each in its own thread; Streamlit runs each session in its own thread.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(self.path)
        except duckdb.IOException as exc:  # the file is locked by another process
            raise DatabaseBusyError(
                f"{self.path}: the database is open in another program "
                "(is the app running?); close it and try again"
            ) from exc
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._version = 0
        self._scratches = 0
        self._version_lock = threading.Lock()
        self.migrate()
        #: What the consistency check on open removed (a torn import's rows), or None.
        self.repair: Repair | None = check_on_open(self)
        #: Set once a person was told of the repair (a CLI warning, Home for a leader); it
        #: stays in the audit log for good.
        self.repair_shown = False

    # -- connections -------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor (created on first use)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            self._local.cursor = cur
        return cur

    def close(self) -> None:
        self._con.close()
        _OPEN.pop(self.path, None)

    # -- reads -------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a parameterised read and return a DataFrame."""
        return self.cursor().execute(sql, params or []).df()

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[tuple]:
        return self.cursor().execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        row = self.cursor().execute(sql, params or []).fetchone()
        return None if row is None else row[0]

    # -- writes ------------------------------------------------------------------------
    @contextmanager
    def transaction(self, *, plain_text: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction under the process-wide write lock.

        Yields the cursor to write with. Commits when the block ends normally and rolls
        back everything on any exception, so the database is never left half-written.

        ``plain_text``: text the commit writes into the file is stored without dictionary
        or FSST compression. A large transaction's commit writes (and compresses) the rows
        that did not fill a row group of 122,880, and choosing those two encodings for
        columns of distinct text (student keys and names) is most of that commit: for
        100,000 new students it halves it, for about 9 MB more file. Full row groups (the
        score values) were compressed as they were inserted, with every encoding; a small
        transaction's rows wait in the log for a later checkpoint, which compresses as usual.
        """
        with self._write_lock:
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                if plain_text:
                    cur.execute(f"SET disabled_compression_methods = '{_PLAIN_TEXT}'")  # noqa: S608 (a constant)
                try:
                    cur.execute("COMMIT")
                finally:
                    if plain_text:
                        cur.execute("RESET disabled_compression_methods")
                self._bump_version()

    def checkpoint(self) -> None:
        """Write the log into the file now and empty it (DuckDB's ``CHECKPOINT``).

        For writes whose log must not outlive them: the log keeps each transaction's changes
        together, in order, until a checkpoint (a survey answer's counters beside the mark
        that the person answered). If readers keep a plain checkpoint from running, a forced
        one aborts them; they are read-only and run again.
        """
        with self._write_lock:
            cur = self.cursor()
            try:
                cur.execute("CHECKPOINT")
            except duckdb.Error:
                cur.execute("FORCE CHECKPOINT")

    @contextmanager
    def scratch(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction that is always rolled back: to see what a write would give.

        Reads through this Database in the same thread see the uncommitted rows. Inside it,
        this thread's :attr:`version` is one of its own (negative, never a committed one), so
        no answer cached per version crosses into or out of it; other threads see no change.
        """
        with self._write_lock:
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            with self._version_lock:
                self._scratches += 1
                self._local.scratch_version = -self._scratches
            try:
                yield cur
            finally:
                cur.execute("ROLLBACK")
                self._local.scratch_version = None

    @property
    def version(self) -> int:
        """Increases after every committed write: a cache key for query results."""
        return getattr(self._local, "scratch_version", None) or self._version

    def _bump_version(self) -> None:
        with self._version_lock:
            self._version += 1

    # -- schema ------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply every migration not yet recorded; return the versions applied."""
        applied: list[int] = []
        with self._write_lock:
            cur = self.cursor()
            cur.execute(SCHEMA_VERSION_TABLE)
            done = {v for (v,) in cur.execute("SELECT version FROM schema_version").fetchall()}
            for version, name, sql in migrations():
                if version in done:
                    continue
                cur.execute("BEGIN TRANSACTION")
                try:
                    cur.execute(sql)
                    cur.execute(
                        "INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name]
                    )
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                cur.execute("COMMIT")
                applied.append(version)
        if applied:
            self._bump_version()
            for version in applied:
                if version in FOLLOW_UPS:
                    module, _, function = FOLLOW_UPS[version].partition(":")
                    getattr(import_module(module), function)(self)
        return applied

    def schema_version(self) -> int:
        return int(self.scalar("SELECT coalesce(max(version), 0) FROM schema_version"))


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with the package, in order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        version = int(path.name[:4])
        found.append((version, path.stem[5:], path.read_text(encoding="utf-8")))
    versions = [v for v, _, _ in found]
    if len(versions) != len(set(versions)):
        raise RuntimeError(f"two migrations share a number in {MIGRATIONS_DIR}")
    return found


_OPEN: dict[str, Database] = {}
_OPEN_LOCK = threading.Lock()


def close_all() -> None:
    """Close every database this process opened (each checkpoints as it closes)."""
    with _OPEN_LOCK:
        opened = list(_OPEN.values())
    for database in opened:
        database.close()


def close(path: Path | str) -> None:
    """Close this process's Database for ``path``, if it has one open."""
    with _OPEN_LOCK:
        database = _OPEN.get(str(config.database_path(path)))
    if database is not None:
        database.close()


def connect(path: Path | str | None = None) -> Database:
    """The process's Database for ``path`` (default: ``config.database_path()``)."""
    resolved = str(config.database_path(path))
    with _OPEN_LOCK:
        db = _OPEN.get(resolved)
        if db is None:
            db = Database(resolved)
            _OPEN[resolved] = db
        return db
