"""The "share what works" log of distributed leadership: what worked, for which team, how
others can use it, where and when it was shared.

Two kinds of entries, shown together, newest first:

- **from the goal board**: every idea a team adopted (collabplan/goals/adopt.py, migration
  0013's ``adopted_from_action_id`` / ``adopted_from_feedback_id`` / ``adopted_at``) reads
  "Grade 4 Math adopted Grade 3 Reading's idea: ...". They are read from the goal tables on
  every call, never copied, so an adoption undone on the board leaves the log too; the same
  idea adopted by one team into several goals is one entry.
- **written by hand** (a leader's write, audited; deleting one returns a
  :class:`~collabplan.workspace.store.Removed` for Undo). The same idea for the same team is
  not written twice, nor one the board already logs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from collabplan import audit
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.adopt import adoptions
from collabplan.goals.values import none_if_missing
from collabplan.workspace import store

LOCAL = Viewer.local_user()
BOARD = "Goal board"
COLUMNS = ["id", "source", "title", "what", "team", "how_to_use", "shared_where", "shared_on"]


def _key(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def adopted_entries(db: Database) -> pd.DataFrame:
    """One entry per (adopting team, idea) adopted on the goal board, in ``COLUMNS``
    (id None, source "board"); ``team`` is the team whose idea it was ("A coach" for a
    coach's suggestion), the title names both teams."""
    spread = adoptions(db)
    found = []
    # one entry per adopting team and idea (the same idea adopted into two goals is one)
    for _, same in spread.groupby([spread["team"].fillna("A team"), spread["from_action_id"],
                                   spread["from_feedback_id"]], dropna=False, sort=False):
        first = same.sort_values("action_id").iloc[0]
        if pd.notna(first["from_action_id"]):
            source, kind = none_if_missing(first["source_team"]), "idea"
        else:
            source = none_if_missing(first["suggested_by"]) or "a coach"
            kind = none_if_missing(first["feedback_kind"]) or "idea"
        found.append((none_if_missing(first["team"]) or "A team", source, kind, first["what"],
                      same["adopted_at"].min()))
    shown = []
    for adopter, source, kind, what, adopted_at in found:
        whose = f"{source}'s" if source else "another team's"
        shown.append({
            "id": None,
            "source": "board",
            "title": f"{adopter} adopted {whose} {kind}: {what}",
            "what": what,
            "team": (source[:1].upper() + source[1:]) if source else None,
            "how_to_use": "Adopt it into your own team's plan from the goal board",
            "shared_where": BOARD,
            "shared_on": pd.Timestamp(adopted_at).date() if adopted_at is not None else None,
        })
    return pd.DataFrame(shown, columns=COLUMNS)


def hand_entries(db: Database) -> pd.DataFrame:
    """The entries people wrote, in ``COLUMNS`` (source "hand"; team None: the whole school)."""
    frame = store.query(
        db,
        "SELECT e.id, e.what, t.name AS team, e.team_id, e.how_to_use, e.shared_where,"
        " e.shared_on FROM share_entry e LEFT JOIN team t ON t.id = e.team_id ORDER BY e.id",
    )
    frame["source"] = "hand"
    frame["title"] = frame["what"]
    return frame[[*COLUMNS, "team_id"]]


def entries(db: Database) -> pd.DataFrame:
    """Every entry of the log, newest shared first (undated last): ``COLUMNS``."""
    parts = [f for f in (adopted_entries(db), hand_entries(db)[COLUMNS]) if not f.empty]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    frame["shared_on"] = [None if pd.isna(v) else pd.Timestamp(v).date()
                          for v in frame["shared_on"]]
    frame["_day"] = pd.to_datetime(frame["shared_on"])
    frame = frame.sort_values(["_day", "title"], ascending=[False, True], na_position="last")
    return store.blanks_as_none(frame.drop(columns="_day").reset_index(drop=True))


def add_entry(
    db: Database,
    what: str,
    team_id: int | None = None,
    how_to_use: str | None = None,
    shared_where: str | None = None,
    shared_on: date | None = None,
    *,
    viewer: Viewer = LOCAL,
    audited: bool = True,
) -> int:
    """Write an entry by hand (a leader's write, audited unless the demo seeds it); returns
    its id."""
    if viewer.role != "leader":
        raise UserError("Only school leaders can write in the share-what-works log",
                        kind="access")
    what = store.need(what, "what worked")
    team_name = None
    if team_id is not None:
        team_name = store.scalar(db, "SELECT name FROM team WHERE id = ?", [team_id])
        if team_name is None:
            raise UserError("That team was removed", kind="state")
    hand = hand_entries(db)
    same_team = hand["team_id"].isna() if team_id is None else hand["team_id"] == team_id
    if (hand.loc[same_team, "what"].map(_key) == _key(what)).any():
        raise UserError("This is already in the log for that team", kind="input")
    board = adopted_entries(db)
    if team_name and ((board["what"].map(_key) == _key(what))
                      & (board["team"] == team_name)).any():
        raise UserError("The goal board already logs this idea of that team", kind="input")
    with store.transaction(db) as cur:
        new_id = cur.execute(
            "INSERT INTO share_entry (what, team_id, how_to_use, shared_where, shared_on,"
            " added_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [what, team_id, store.clean_text(how_to_use), store.clean_text(shared_where),
             shared_on, viewer.who],
        ).fetchone()[0]
        if audited:
            audit.record(cur, viewer.who, "share what works", f"entry {new_id} added")
    return int(new_id)


def delete_entry(db: Database, entry_id: int, viewer: Viewer = LOCAL) -> store.Removed:
    """Remove an entry written by hand (the board's entries leave when their adoption is
    undone on the board); Undo puts it back."""
    if viewer.role != "leader":
        raise UserError("Only school leaders can change the share-what-works log",
                        kind="access")
    removed = store.delete(db, "The entry", [("share_entry", "id = ?", [entry_id])])
    audit.record(db, viewer.who, "delete", f"share-what-works entry {entry_id}")
    return removed
