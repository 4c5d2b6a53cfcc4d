"""This server's own copy of the shared store's scores, read at DuckDB's native speed.

The postgres extension pushes filters down to PostgreSQL but not aggregates: a district's
chart read through it would stream every score row over the wire, on every page. So each app
server keeps the three score tables (``sitting``, ``measure``, ``score_value``) in a DuckDB
file of its own (a temporary folder, removed when the server closes the store) and its read
cursors find them there first; everything else, and every write, stays in PostgreSQL.

The copy is kept by upload. Triggers in the store (``shared_schema.SCORE_CHANGES``) note in
``score_change`` every upload whose score rows a statement wrote or removed, whatever wrote
them. When the store's commit count moves, one read transaction on the store (one snapshot)
takes the uploads noted since the copy's last note and copies each again (an upload's rows
are found by PostgreSQL's indexes); readers see the old copy until that commits.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import duckdb

#: The tables copied, in the order they are filled.
TABLES = ("sitting", "measure", "score_value")
#: A read cursor's search path: the copy's tables first, then the store, then the views.
READ_PATH = "mirror.main,store.public,memory.main"
#: A writer's: the store's tables (and what it wrote but has not committed), then the views.
WRITE_PATH = "store.public,memory.main"


class ScoreMirror:
    """The score tables of one shared store, copied into a local DuckDB file."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._lock = threading.Lock()
        self._folder = Path(tempfile.mkdtemp(prefix="collabplan-scores-"))
        self.version: int | None = None
        self.schema: int | None = None
        self._noted: int | None = None  # the last score_change note the copy holds
        con.execute(f"ATTACH '{self._folder / 'scores.duckdb'}' AS mirror")
        self._cur = con.cursor()  # used under the lock only

    def close(self) -> None:
        """Remove the copy's folder (after the connection holding it closed)."""
        shutil.rmtree(self._folder, ignore_errors=True)

    def sync(self, version: int, schema: int) -> None:
        """Bring the copy to the store as of (at least) commit ``version``.

        ``schema`` is the store's migration level: a change rebuilds the copy's tables.
        """
        if self.version is not None and self.version >= version and self.schema == schema:
            return
        with self._lock:
            if self.version is not None and self.version >= version and self.schema == schema:
                return
            if self.schema != schema:
                self._create(self._cur)
                self.schema = schema
            self.version = self._catch_up(self._cur)

    def _create(self, cur: Any) -> None:
        cur.execute("BEGIN TRANSACTION")
        try:
            for table in TABLES:  # the store's columns, as the extension reads them
                cur.execute(f"DROP TABLE IF EXISTS mirror.main.{table}")
                cur.execute(f"CREATE TABLE mirror.main.{table} AS "  # noqa: S608 (fixed names)
                            f"SELECT * FROM store.public.{table} LIMIT 0")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")
        self.version = None
        self._noted = None

    def _catch_up(self, cur: Any) -> int:
        """One snapshot of the store: copy again every upload noted since the last sync."""
        cur.execute("BEGIN TRANSACTION")
        try:
            version = int(cur.execute("SELECT n FROM store.public.store_version").fetchone()[0])
            if self._noted is None:  # the first copy: every row, one pass per table
                noted = cur.execute("SELECT max(id) FROM store.public.score_change").fetchone()[0]
                for table in TABLES:
                    cur.execute(f"INSERT INTO mirror.main.{table} "  # noqa: S608 (fixed names)
                                f"SELECT * FROM store.public.{table}")
            else:
                notes = cur.execute("SELECT upload_id, id FROM store.public.score_change"
                                    " WHERE id > ?", [self._noted]).fetchall()
                noted = max((i for _, i in notes), default=self._noted)
                for upload in sorted({u for u, _ in notes}):
                    self._copy_upload(cur, upload)
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")
        self._noted = int(noted or 0)
        return version

    @staticmethod
    def _copy_upload(cur: Any, upload: int) -> None:
        """Replace the copy's rows of ``upload`` by the store's (none if it is gone)."""
        cur.execute("""DELETE FROM mirror.main.score_value WHERE sitting_id IN
                         (SELECT id FROM mirror.main.sitting WHERE upload_id = ?)""", [upload])
        for table in ("sitting", "measure"):
            cur.execute(f"DELETE FROM mirror.main.{table} WHERE upload_id = ?", [upload])  # noqa: S608 (fixed names)
            cur.execute(f"INSERT INTO mirror.main.{table} "  # noqa: S608 (fixed names)
                        f"SELECT * FROM store.public.{table} WHERE upload_id = ?", [upload])
        low, high = cur.execute("SELECT min(id), max(id) FROM mirror.main.sitting"
                                " WHERE upload_id = ?", [upload]).fetchone()
        if low is None:
            return
        # An upload's sittings are one range of ids: a filter PostgreSQL answers by its index.
        cur.execute("""INSERT INTO mirror.main.score_value
                       SELECT * FROM store.public.score_value
                       WHERE sitting_id BETWEEN ? AND ?
                         AND sitting_id IN (SELECT id FROM mirror.main.sitting
                                            WHERE upload_id = ?)""", [low, high, upload])
