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

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:  # pandas loads only when a query returns a DataFrame (the import path never does)
    import pandas as pd

from collabplan import config, score_mirror, shared_store
from collabplan.errors import UserError
from collabplan.integrity import Repair, check_on_open
from collabplan.score_mirror import ScoreMirror

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
        #: The shared PostgreSQL store's URL, or None for the embedded DuckDB file.
        self.store_url = self._shared_url(self.path)
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._version = 0
        self._scratches = 0
        self._version_lock = threading.Lock()
        if self.store_url is not None:
            self._con = shared_store.open_connection(self.store_url)
            self._store_lock = shared_store.WriteLock(self._con)
            self._store_version = shared_store.VersionReader()
            self._sequences: dict[str, str] = {}
        else:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            try:
                self._con = duckdb.connect(self.path)
            except duckdb.IOException as exc:  # the file is locked by another process
                raise DatabaseBusyError(
                    f"{self.path}: the database is open in another program "
                    "(is the app running?); close it and try again"
                ) from exc
        self._mirror: ScoreMirror | None = None
        self.migrate()
        if self.store_url is not None and _COPY_SCORES.is_set():
            self._mirror = ScoreMirror(self._con)
        #: What the consistency check on open removed (a torn import's rows), or None.
        #: (The shared store commits whole: nothing torn can be left there to check for.)
        self.repair: Repair | None = None if self.shared else check_on_open(self)
        #: Set once a person was told of the repair (a CLI warning, Home for a leader); it
        #: stays in the audit log for good.
        self.repair_shown = False

    @staticmethod
    def _shared_url(path: str) -> str | None:
        """The store URL for ``path``: itself, or (in the suite's shared-store run) the
        database a file path stands for, made on first use."""
        if shared_store.is_shared(path):
            return path
        url = shared_store.test_location(path)
        if url is None:
            return None
        source = shared_store.marker_source(path)
        own = url.rsplit("/", 1)[1]
        if source is not None and source != own:  # a copy of another store's marker file
            close_store(source)  # a template must have no connections while it is copied
            shared_store.ensure_database(url, template=source)
        else:
            shared_store.ensure_database(url)
        shared_store.write_marker(path, own)
        return url

    @property
    def shared(self) -> bool:
        """Whether this is the shared PostgreSQL store (not the embedded file)."""
        return self.store_url is not None

    # -- connections -------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor (created on first use).

        On the shared store, outside a write, it reads the scores from this server's copy
        (:mod:`collabplan.score_mirror`), brought up to the store's commit count first.
        """
        cur = getattr(self._local, "cursor", None)
        if cur is not None and self._mirror is None:
            return cur
        try:
            return self._thread_cursor(cur)
        except duckdb.Error as exc:  # a store gone away: one line for a person
            raise shared_store.unreachable(exc) or exc from exc

    def _thread_cursor(self, cur: Any) -> Any:
        if cur is None:
            cur = self._con.cursor()
            if self.store_url is not None:
                shared_store.prepare_cursor(cur)
                cur = shared_store.SharedCursor(cur, self._sequences)
            self._local.cursor = cur
            self._local.reading = False
        mirror = self._mirror
        if mirror is not None and not getattr(self._local, "writing", False):
            if not self._local.reading:
                cur.execute(f"SET search_path = '{score_mirror.READ_PATH}'")  # noqa: S608 (a constant)
                self._local.reading = True
            mirror.sync(self._store_version.get(cur), self._schema)
        return cur

    @contextmanager
    def _writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """This thread's cursor on the store's own tables, for a write (or a scratch one)."""
        self._local.writing = True
        try:
            cur = self.cursor()
            if self._mirror is not None and self._local.reading:
                cur.execute(f"SET search_path = '{score_mirror.WRITE_PATH}'")  # noqa: S608 (a constant)
                self._local.reading = False
            yield cur
        finally:
            self._local.writing = False

    def close(self) -> None:
        self._con.close()
        if self._mirror is not None:
            self._mirror.close()
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
            if self.store_url is not None:
                with self._shared_transaction() as cur:
                    yield cur
                return
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

    @contextmanager
    def _shared_transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write on the shared store: after every other server's writer, counted once."""
        try:
            self._store_lock.acquire()
        except duckdb.Error as exc:
            raise shared_store.unreachable(exc) or exc from exc
        try:
            with self._writing() as cur:
                cur.execute("BEGIN TRANSACTION")
                try:
                    yield cur
                    cur.execute("UPDATE store_version SET n = n + 1")
                    count = int(cur.execute("SELECT n FROM store_version").fetchone()[0])
                except BaseException:
                    try:
                        cur.execute("ROLLBACK")
                    except (duckdb.Error, UserError):  # a store gone away: a new cursor next
                        self._local.cursor = None
                    raise
                cur.execute("COMMIT")
        finally:
            self._store_lock.release()
        self._store_version.set(count)

    def checkpoint(self, *, tables: Sequence[str] = ()) -> None:
        """Write the log into the file now and empty it (DuckDB's ``CHECKPOINT``).

        For writes whose log must not outlive them: the log keeps each transaction's changes
        together, in order, until a checkpoint (a survey answer's counters beside the mark
        that the person answered). If readers keep a plain checkpoint from running, a forced
        one aborts them; they are read-only and run again.
        """
        if self.store_url is not None:
            # PostgreSQL keeps a row's earlier versions until a vacuum; ``tables`` (fixed
            # names of the caller's) are vacuumed now, so only their present rows remain.
            cur = self._con.cursor()
            for table in tables:
                shared_store.execute(cur, f"VACUUM {table}", transaction=False)
            cur.close()
            return
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
        with self._write_lock, self._writing() as cur:
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
        scratch = getattr(self._local, "scratch_version", None)
        if scratch:
            return scratch
        if self.store_url is not None:  # every server's commits, not only this process's
            return self._store_version.get(self.cursor())
        return self._version

    def _bump_version(self) -> None:
        with self._version_lock:
            self._version += 1

    # -- schema ------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply every migration not yet recorded; return the versions applied."""
        if self.store_url is not None:
            with self._write_lock:
                applied = _migrate_shared(self)
            self._create_views()
            self._schema = self.schema_version()
            self._follow_ups(applied)
            return applied
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
        self._follow_ups(applied)
        return applied

    def _follow_ups(self, applied: list[int]) -> None:
        if applied:
            if self.store_url is None:  # the shared store counted the migration itself
                self._bump_version()
            for version in applied:
                if version in FOLLOW_UPS:
                    module, _, function = FOLLOW_UPS[version].partition(":")
                    getattr(import_module(module), function)(self)

    def _create_views(self) -> None:
        """The migrations' views, as DuckDB views over the attached tables (this process)."""
        from collabplan import shared_schema

        cur = self.cursor()
        for sql in shared_schema.views(self.schema_version()).values():
            statement = re.sub(r"^CREATE VIEW", "CREATE OR REPLACE VIEW memory.main.", sql)
            cur.execute(statement.replace("memory.main. ", "memory.main."))

    def schema_version(self) -> int:
        return int(self.scalar("SELECT coalesce(max(version), 0) FROM schema_version"))


def _migrate_shared(db: Database) -> list[int]:
    """Bring the shared store to the newest migration (one server at a time)."""
    from collabplan import shared_schema

    execute = shared_store.execute
    lock = db._store_lock
    lock.acquire()  # two servers starting at once: the second finds the work done
    try:
        cur = db.cursor()
        execute(cur, shared_schema.BOOTSTRAP)
        cur.execute("CALL pg_clear_cache()")
        done = {v for (v,) in cur.execute("SELECT version FROM schema_version").fetchall()}
        pending = [(v, n, sql) for v, n, sql in migrations() if v not in done]
        if not pending:
            return []
        before = shared_schema.reference(max(done, default=0))
        after = shared_schema.reference(pending[-1][0])
        statements = shared_schema.ddl(before, after)
        statements += [t for v, _, _ in pending if (t := shared_schema.twin(v))]
        statements += shared_schema.SCORE_CHANGES
        # (names from the package's own file names, checked in migrations())
        recorded = ", ".join(f"({int(v)}, '{n}')" for v, n, _ in pending)
        statements += [f"INSERT INTO schema_version (version, name) VALUES {recorded}",  # noqa: S608
                       "UPDATE store_version SET n = n + 1"]
        execute(cur, "BEGIN; " + "; ".join(statements) + "; COMMIT")
        cur.execute("CALL pg_clear_cache()")
        db._sequences.clear()
        return [v for v, _, _ in pending]
    finally:
        lock.release()


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with the package, in order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        version = int(path.name[:4])
        if not re.fullmatch(r"[a-z0-9_]+", path.stem[5:]):
            raise RuntimeError(f"a migration's name is letters, digits and _ only: {path.name}")
        found.append((version, path.stem[5:], path.read_text(encoding="utf-8")))
    versions = [v for v, _, _ in found]
    if len(versions) != len(set(versions)):
        raise RuntimeError(f"two migrations share a number in {MIGRATIONS_DIR}")
    return found


_OPEN: dict[str, Database] = {}
_OPEN_LOCK = threading.RLock()  # Database() may close another store while connect() holds it


#: Whether shared-store Databases this process opens keep a copy of the scores to read
#: (score_mirror.py). An app server does (``keep_score_copies()`` in app.py): its pages read
#: the scores again and again. A command reads once, through PostgreSQL, without copying.
_COPY_SCORES = threading.Event()


def keep_score_copies() -> None:
    """Make this process's shared-store Databases read the scores from a copy of their own."""
    _COPY_SCORES.set()


def close_store(dbname: str) -> None:
    """Close this process's Databases on the shared-store database ``dbname``."""
    with _OPEN_LOCK:
        found = [d for d in _OPEN.values()
                 if d.store_url is not None and d.store_url.rsplit("/", 1)[1] == dbname]
    for database in found:
        database.close()


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
