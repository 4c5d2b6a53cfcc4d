"""School priorities (for example "reading success for every student") that goals serve:
listed in the leader's order, added, renamed, archived, moved.
"""

from __future__ import annotations

import pandas as pd

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.text import count_says

#: The person of the command line and of an app without sign-in (a leader).
LOCAL = Viewer.local_user()


def _leader(viewer: Viewer) -> None:
    """School priorities are the leaders' to set (every team names one in its goals)."""
    if viewer.role != "leader":
        raise UserError("Only a leader changes the school's priorities", kind="access")


def list_priorities(db: Database, include_archived: bool = False) -> pd.DataFrame:
    """School priorities in the leader's order, with how many goals serve each."""
    return db.query(
        """
        SELECT p.id, p.title, p.description, p.position, p.active,
               count(g.id)::INTEGER AS goals
        FROM priority p LEFT JOIN goal g ON g.priority_id = p.id
        WHERE p.active OR ?
        GROUP BY ALL ORDER BY p.position, p.id
        """,
        [include_archived],
    )


def add_priority(
    db: Database, title: str, description: str | None = None, *, viewer: Viewer = LOCAL
) -> int:
    _leader(viewer)
    title = (title or "").strip()
    if not title:
        raise UserError(
            "a priority needs a title, for example 'Reading success for every student'",
            kind="input",
        )
    if db.scalar("SELECT count(*) FROM priority WHERE lower(title) = lower(?)", [title]):
        raise UserError(f"there is already a priority called {title!r}", kind="input")
    with db.transaction() as cur:
        position = cur.execute("SELECT coalesce(max(position), 0) + 1 FROM priority").fetchone()[0]
        row = cur.execute(
            "INSERT INTO priority (title, description, position) VALUES (?, ?, ?) RETURNING id",
            [title, (description or "").strip() or None, position],
        ).fetchone()
    return int(row[0])


def update_priority(
    db: Database,
    priority_id: int,
    *,
    title: str | None = None,
    description: str | None = None,
    active: bool | None = None,
    viewer: Viewer = LOCAL,
) -> None:
    _leader(viewer)
    if title is not None:
        title = title.strip()
        if not title:
            raise UserError("a priority needs a title", kind="input")
        if db.scalar(
            "SELECT count(*) FROM priority WHERE lower(title) = lower(?) AND id <> ?",
            [title, priority_id],
        ):
            raise UserError(f"there is already a priority called {title!r}", kind="input")
    with db.transaction() as cur:
        cur.execute(
            "UPDATE priority SET title = coalesce(?, title),"
            " description = CASE WHEN ? THEN ? ELSE description END,"
            " active = coalesce(?, active) WHERE id = ?",
            [
                title,
                description is not None,
                (description or "").strip() or None,
                active,
                priority_id,
            ],
        )


def delete_priority(db: Database, priority_id: int, *, viewer: Viewer = LOCAL) -> None:
    """Remove a priority no goal names; one that goals name can only be archived."""
    _leader(viewer)
    used = db.scalar("SELECT count(*) FROM goal WHERE priority_id = ?", [priority_id])
    if used:
        raise UserError(
            f"{count_says(used, 'goal', 'names', 'name')} this priority; archive it instead so "
            f"{'its' if used == 1 else 'their'} history stays whole",
            kind="state",
        )
    with db.transaction() as cur:
        cur.execute("DELETE FROM priority WHERE id = ?", [priority_id])


def move_priority(db: Database, priority_id: int, step: int, *, viewer: Viewer = LOCAL) -> None:
    """Move a priority up (step -1) or down (+1) in the list."""
    _leader(viewer)
    ids = [int(i) for i in list_priorities(db, include_archived=True)["id"]]
    if priority_id not in ids:
        return
    i = ids.index(priority_id)
    j = min(max(i + step, 0), len(ids) - 1)
    ids.insert(j, ids.pop(i))
    with db.transaction() as cur:
        for pos, pid in enumerate(ids, start=1):
            cur.execute("UPDATE priority SET position = ? WHERE id = ?", [pos, pid])

