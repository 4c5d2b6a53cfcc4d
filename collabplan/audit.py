"""The audit trail: who signed in, uploaded, undid, deleted, exported or viewed what, and when.

Sign-ins (once a session), uploads, undos, deletions, exports, changes to people and (with
sign-in) views of student lists write one row each, naming the person (docs/security.md,
"Sign-in and roles"). The table is append-only from the app: nothing in collabplan updates
or deletes its rows (tests/test_audit_append_only.py reads the code to keep it so).

``record`` takes either a :class:`Database` (it opens its own short transaction) or the
cursor of a transaction already under way, so an undo can log itself inside the same
transaction that deletes the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb
import pandas as pd

from collabplan.db import Database

ANYONE = "someone at the school"


def record(db_or_cursor: Database | duckdb.DuckDBPyConnection, who: str | None, action: str,
           detail: str | None = None) -> None:
    """Add one audit row: ``who`` did ``action`` (export, delete, undo …) with ``detail``."""
    if not action:
        raise ValueError("an audit row needs an action")
    params = [(who or "").strip() or ANYONE, action, detail]
    sql = "INSERT INTO audit (who, action, detail) VALUES (?, ?, ?)"
    if isinstance(db_or_cursor, Database):
        with db_or_cursor.transaction() as cur:
            cur.execute(sql, params)
    else:
        db_or_cursor.execute(sql, params)


def recent(db: Database, limit: int = 50) -> pd.DataFrame:
    """The latest audit rows, newest first: happened_at, who, action, detail."""
    return db.query(
        "SELECT happened_at, who, action, detail FROM audit ORDER BY happened_at DESC, id DESC LIMIT ?",
        [int(limit)],
    )


def full_log(db: Database) -> pd.DataFrame:
    """Every audit row, oldest first (the leader's export): happened_at, who, action, detail."""
    return db.query("SELECT happened_at, who, action, detail FROM audit ORDER BY happened_at, id")


def record_uploads(db: Database, who: str | None, results: Iterable[Any]) -> None:
    """One "upload" row per import that added something (``ImportResult``s; a file already
    imported adds nothing and is not logged)."""
    for r in results:
        if not getattr(r, "duplicate", False):
            record(db, who, "upload", f"upload {r.upload_id} ({r.file_name}): "
                   f"{r.students} students, {r.scores} scores")
