"""The shared store: one PostgreSQL database behind every app server of a district.

A location ``postgresql://user@host:port/dbname`` (``COLLABPLAN_STORE`` or ``--store``) opens
it instead of the DuckDB file. Each process still queries through DuckDB: an in-memory DuckDB
attaches the PostgreSQL database with DuckDB's postgres extension (loaded by path from its
pinned PyPI wheel, so no download at run time) as ``store`` and makes it the default, so the
very SQL the embedded file runs, runs here too. The few statements the extension cannot pass
on are handled in :class:`SharedCursor`; everything else is the same code path.

What differs, and why:

- **Schema.** PostgreSQL's tables are made from the same numbered migrations: they are applied
  to an in-memory DuckDB, and the difference in tables, columns, keys and sequences from the
  store's recorded version is written as PostgreSQL DDL (:func:`schema_ddl`). Views are
  DuckDB views over the attached tables, made in each process.
- **Writers.** Every write transaction first takes one PostgreSQL advisory lock, on a
  connection of its own, before its own transaction starts, so the writers of all servers
  run one at a time and each sees every earlier commit (ids given as ``max(id) + 1`` and the
  duplicate-upload check stay right across servers).
- **Caches.** ``store_version`` counts commits from every server; a process reads it at most
  once a second, so a write on one server reaches the others' cached answers within that.
- **No consistency check on open.** PostgreSQL commits a transaction whole, so no torn
  import can be left behind (the embedded file's check, :mod:`collabplan.integrity`).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import re
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import duckdb

from collabplan.config import STORE_SCHEMES
from collabplan.errors import UserError

#: A name collabplan puts into PostgreSQL's SQL by itself (databases, tables, sequences):
#: checked against this, since such names cannot be parameters.
PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")
#: The advisory lock every writer takes (any fixed number; "collab" in ASCII).
WRITE_LOCK_KEY = 0x636F6C6C6162
#: How long a process keeps the store's commit count before reading it again.
VERSION_TTL_SECONDS = 1.0
#: The first line of a file that stands for a shared-store database (the suite's second run).
MARKER = "collabplan shared store: "
#: Set to a server URL (no database name) to run the test suite on the shared store: every
#: database file path then stands for a database of its own on that server.
TEST_SERVER_ENV = "COLLABPLAN_TEST_SERVER"


def is_shared(location: object) -> bool:
    return isinstance(location, str) and location.startswith(STORE_SCHEMES)


def display(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    user = f"{parts.username}:***@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, parts.query, ""))


# ------------------------------------------------------------------------------- extension
def extension_file() -> str:
    """The postgres extension inside its pinned wheel (``duckdb-extension-postgres-scanner``)."""
    try:
        import duckdb_extension_postgres_scanner as package
    except ImportError as exc:
        raise UserError(
            "the shared store needs the package duckdb-extension-postgres-scanner: "
            "pip install -r requirements.txt",
            kind="setup",
        ) from exc
    pattern = os.path.join(os.path.dirname(package.__file__), "extensions", "**",
                           "postgres_scanner.duckdb_extension")
    found = sorted(glob.glob(pattern, recursive=True))
    if not found:
        raise UserError("duckdb-extension-postgres-scanner is installed without its extension "
                        "file: pip install --force-reinstall -r requirements.txt", kind="setup")
    return found[-1]


def _literal(text: str) -> str:
    """A SQL string literal (ATTACH takes no parameters; the URL is the operator's setting)."""
    return "'" + text.replace("'", "''") + "'"


def _same_clock(con: duckdb.DuckDBPyConnection, url: str) -> str:
    """``url`` with PostgreSQL's session time zone set to DuckDB's.

    A time written by a column default (PostgreSQL's clock) and one written from a query
    (DuckDB's ``now()``) are then on the same clock, whatever zone the database server is in.
    """
    parts = urlsplit(url)
    if "options=" in parts.query:  # the operator chose the session options
        return url
    zone = con.execute("SELECT current_setting('TimeZone')").fetchone()[0]
    extra = urlencode({"options": f"-c TimeZone={zone}"}, quote_via=quote)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def open_connection(url: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the store attached as ``store``."""
    con = duckdb.connect()
    con.execute(f"LOAD {_literal(extension_file())}")
    # PostgreSQL's text cannot hold a NUL character; collabplan removes control characters
    # from what it stores (text.clean_text, the importer's control step), so one that is
    # left (a row written by other means) is dropped too rather than failing the write.
    con.execute("SET GLOBAL pg_null_byte_replacement = ''")  # every cursor's too
    try:
        con.execute(f"ATTACH {_literal(_same_clock(con, url))} AS store (TYPE postgres)")
    except duckdb.Error as exc:
        con.close()
        first = str(exc).strip().splitlines()[-1][:200]
        raise UserError(
            f"{display(url)}: the shared store cannot be reached ({first}); "
            "check the address and that PostgreSQL is running",
            kind="setup",
        ) from exc
    return con


def prepare_cursor(cur: duckdb.DuckDBPyConnection) -> None:
    """Point a new cursor at the store, with this process's views next to it."""
    cur.execute("USE store")
    cur.execute("SET search_path = 'store.public,memory.main'")


# ------------------------------------------------------------------------------ the cursor
_INSERT_RETURNING_ID = re.compile(
    r"^\s*INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)\s*VALUES\s*\((.*)\)\s*RETURNING\s+id\s*$",
    re.IGNORECASE | re.DOTALL,
)
_CONSTRAINT_WORDS = ("violates unique constraint", "violates not-null constraint",
                     "violates check constraint", "duplicate key value")


class _Rows:
    """The answer of a statement the cursor ran in two steps (``fetchone`` / ``fetchall``)."""

    def __init__(self, rows: list[tuple]) -> None:
        self._rows = rows

    def fetchone(self) -> tuple | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[tuple]:
        rows, self._rows = self._rows, []
        return rows


class SharedCursor:
    """A DuckDB cursor on the store that also runs what the postgres extension refuses.

    - ``INSERT … VALUES (…) RETURNING id`` (the extension returns nothing from a write): the
      id is drawn from the table's sequence first and written with the row.
    - A broken constraint comes back from PostgreSQL as a plain error; it is raised as
      ``duckdb.ConstraintException``, as the embedded file raises it.
    Everything else passes through unchanged.
    """

    def __init__(self, cur: duckdb.DuckDBPyConnection, sequences: dict[str, str]) -> None:
        self._cur = cur
        self._sequences = sequences

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        match = _INSERT_RETURNING_ID.match(sql)
        if match is not None and not self._sequences:  # first use, or after a migration
            self._sequences.update(sequences_of_tables(self._cur))
        if match is not None and match.group(1).lower() in self._sequences:
            table, columns, values = match.groups()
            (new_id,) = next_ids(self, self._sequences[table.lower()], 1)
            self._run(
                f"INSERT INTO {table} (id, {columns}) VALUES (?, {values})",  # noqa: S608 (the statement's own parts)
                [new_id, *(params or [])],
            )
            return _Rows([(new_id,)])
        self._run(sql, params)
        return self

    def executemany(self, sql: str, rows: Any) -> Any:
        try:
            self._cur.executemany(sql, rows)
        except duckdb.Error as exc:
            raise _translated(exc) from exc
        return self

    def _run(self, sql: str, params: Any) -> None:
        try:
            self._cur.execute(sql, params or [])
        except duckdb.Error as exc:
            raise _translated(exc) from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cur, name)


#: What the extension says when PostgreSQL went away (stopped, restarted, the network).
_GONE_WORDS = ("Unable to connect to Postgres", "server closed the connection",
               "terminating connection", "Connection refused", "no connection to the server",
               "could not receive data from server", "could not send data to server")
#: The line a person reads then (never the extension's words: they carry the address).
UNREACHABLE = ("the shared store cannot be reached (PostgreSQL stopped or the network is "
               "down); nothing was saved: try again in a minute, and tell whoever runs "
               "the database if it lasts")


def unreachable(exc: BaseException) -> UserError | None:
    """The one line for a store that went away, if ``exc`` says so."""
    if isinstance(exc, duckdb.Error) and any(w in str(exc) for w in _GONE_WORDS):
        return UserError(UNREACHABLE, kind="setup")
    return None


def _translated(exc: duckdb.Error) -> BaseException:
    gone = unreachable(exc)
    if gone is not None:
        return gone
    if not isinstance(exc, duckdb.ConstraintException) and any(
        w in str(exc) for w in _CONSTRAINT_WORDS
    ):
        return duckdb.ConstraintException(str(exc))
    return exc


def next_ids(cur: Any, sequence: str, count: int) -> list[int]:
    """``count`` new values of ``sequence``, on either store (in the caller's transaction on
    the embedded file; drawn in PostgreSQL in one round trip on the shared store)."""
    if not PLAIN_NAME.fullmatch(sequence):
        raise ValueError(f"not a sequence name: {sequence!r}")
    if count <= 0:
        return []
    if not isinstance(cur, SharedCursor):
        return [int(v) for (v,) in cur.execute(
            "SELECT nextval(?) FROM range(?)", [sequence, count]).fetchall()]
    sql = f"SELECT nextval('{sequence}') FROM generate_series(1, {int(count)})"  # noqa: S608 (checked name, an int)
    rows = cur._cur.execute("SELECT * FROM postgres_query('store', ?)", [sql]).fetchall()
    return [int(r[0]) for r in rows]


def delete_ids(cur: Any, table: str, rows: list[tuple]) -> list[tuple]:
    """Delete the rows of ``table`` whose ids lead ``rows``; return ``rows``.

    On either store: the rows are named first (a SELECT) and removed here, since the
    shared store's writer passes no ``DELETE … RETURNING`` on.
    """
    if not PLAIN_NAME.fullmatch(table):
        raise ValueError(f"not a table name: {table!r}")
    if rows:
        cur.execute(f"DELETE FROM {table} WHERE id IN (SELECT unnest(?::INTEGER[]))",  # noqa: S608 (checked name)
                    [[r[0] for r in rows]])
    return rows


def sequences_of_tables(cur: Any) -> dict[str, str]:
    """table -> the sequence its ``id`` default draws from."""
    rows = cur.execute(
        "SELECT * FROM postgres_query('store', ?)",
        ["SELECT table_name::text, column_default::text FROM information_schema.columns"
         " WHERE table_schema = 'public' AND column_name = 'id'"
         " AND column_default LIKE 'nextval(%'"],
    ).fetchall()
    found = {}
    for table, default in rows:
        match = re.match(r"nextval\('([a-z_][a-z0-9_]*)'", default or "")
        if match:
            found[table] = match.group(1)
    return found


def execute(cur: Any, sql: str, *, transaction: bool = True) -> None:
    """Run PostgreSQL's own SQL (DDL, locks) in the store, in the cursor's transaction
    (``transaction=False``: outside any, for what PostgreSQL refuses inside one: VACUUM)."""
    if transaction:
        cur.execute("CALL postgres_execute('store', ?)", [sql])
    else:
        cur.execute("CALL postgres_execute('store', ?, use_transaction := false)", [sql])


# -------------------------------------------------------------------------------- writers
class WriteLock:
    """The store-wide writer lock: a PostgreSQL advisory lock held on a cursor of its own.

    Taken before the writer's own transaction begins, so that transaction's snapshot comes
    after the previous writer's commit (a lock taken inside it would come after its snapshot).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._cur = con.cursor()
        prepare_cursor(self._cur)

    def acquire(self) -> None:
        self._cur.execute("BEGIN TRANSACTION")
        try:
            execute(self._cur, f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        except BaseException:
            with contextlib.suppress(duckdb.Error):  # (a store gone away ended it already)
                self._cur.execute("ROLLBACK")
            raise

    def release(self) -> None:
        self._cur.execute("ROLLBACK")


class VersionReader:
    """The store's commit count, read at most once per :data:`VERSION_TTL_SECONDS`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = 0
        self._read_at = 0.0

    def get(self, cur: Any) -> int:
        with self._lock:
            if time.monotonic() - self._read_at < VERSION_TTL_SECONDS:
                return self._value
        value = int(cur.execute("SELECT n FROM store_version").fetchone()[0])
        self.set(value)
        return value

    def set(self, value: int) -> None:
        with self._lock:
            self._value = max(self._value, value)
            self._read_at = time.monotonic()


# ------------------------------------------------------------------------------ test runs
def test_location(path: Path | str) -> str | None:
    """The store a database file stands for in the suite's shared-store run, else None.

    With ``COLLABPLAN_TEST_SERVER`` set, each file path names a database of its own on that
    server (made on first use). A file holding a marker line stands for the database it
    names: copying it, as a test copies the demo school, copies that database.
    """
    server = os.environ.get(TEST_SERVER_ENV)
    if not server or str(path) == ":memory:":
        return None
    digest = hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest()[:20]
    return server.rstrip("/") + "/cp_" + digest


def marker_source(path: Path | str) -> str | None:
    """The database a marker file names, if ``path`` is one."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(200)
    except OSError:
        return None
    text = head.decode("utf-8", "replace")
    if not text.startswith(MARKER):
        return None
    return text[len(MARKER):].strip()


def write_marker(path: Path | str, dbname: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(f"{MARKER}{dbname}\n", encoding="utf-8")


def _server(url: str, *names: str | None) -> duckdb.DuckDBPyConnection:
    """A connection to ``url``'s server (its ``postgres`` database), for creating and
    dropping databases; ``names`` (the databases concerned) are checked first."""
    for name in names:
        if name is not None and not PLAIN_NAME.fullmatch(name):
            raise ValueError(f"not a database name: {name!r}")
    parts = urlsplit(url)
    return open_connection(urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, "")))


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def ensure_database(url: str, template: str | None = None) -> None:
    """Create the database ``url`` names if it is missing (from ``template`` if given)."""
    name = _database_name(url)
    con = _server(url, name, template)
    try:
        exists = con.execute(
            "SELECT * FROM postgres_query('store', ?)",
            [f"SELECT count(*) FROM pg_database WHERE datname = '{name}'"],  # noqa: S608 (checked name)
        ).fetchone()[0]
        if exists:
            return
        sql = f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")
        for attempt in range(50):  # a template is busy while another process copies it
            try:
                execute(con, sql, transaction=False)
                return
            except duckdb.Error as exc:
                if "already exists" in str(exc):
                    return
                if "being accessed by other users" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.1)
    finally:
        con.close()


def drop_database(url: str) -> None:
    name = _database_name(url)
    con = _server(url, name)
    try:
        execute(con, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", transaction=False)
    finally:
        con.close()
