"""The audit trail: who exported or deleted what, and when (section 7).

Exports and deletions write one row each. ``record`` takes either a :class:`Database`
(it opens its own short transaction) or the cursor of a transaction already under way, so
an undo can log itself inside the same transaction that deletes the rows.
"""

from __future__ import annotations

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
