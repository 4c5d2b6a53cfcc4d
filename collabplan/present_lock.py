"""Staff-meeting links: projection mode that a new tab or the switch cannot leave.

A leader mints a link (``?present=1&lock=<token>``) on the Staff meeting page. Any tab opened
with a valid token is locked in projection mode for its whole session: every page keeps the
parameters in its address, the switch is disabled, and only a leader (or the local user, by a
deliberate unlock) leaves it. The token is random (``secrets.token_urlsafe``), lives for a
meeting's length, and only its SHA-256 is stored, so a copy of the database holds no working
link. Ending a link stops new tabs from locking with it; tabs already locked stay locked
until a leader unlocks them (the safe side: a screen in front of a room never drops back to
names on its own).

Plain functions over the database (no Streamlit), so the rules are testable on their own;
``collabplan.ui.present`` draws them.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from collabplan.db import Database
from collabplan.errors import UserError

#: How long a new link works unless the leader picks otherwise (a staff meeting and then some).
DEFAULT_HOURS = 3
#: The longest a link may work: a school day, so a forgotten link does not lock screens for good.
MAX_HOURS = 12
#: What a token looks like (urlsafe base64); anything else is refused before the database.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")

Status = Literal["valid", "expired", "ended", "unknown"]

#: One line per reason a link does not lock, for the page to show.
PROBLEMS: dict[Status, str] = {
    "expired": "This staff-meeting link has expired; projection mode is on in this tab only. "
    "Ask a leader for a new link.",
    "ended": "This staff-meeting link was ended by a leader; projection mode is on in this tab "
    "only.",
    "unknown": "This staff-meeting link is not valid; projection mode is on in this tab only.",
}


@dataclass(frozen=True)
class Link:
    """A link as a leader sees it later: never the token itself, which only its maker saw."""

    key: str  # the stored hash, to end the link by
    made_by: str | None
    made_at: datetime
    expires_at: datetime


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def mint(db: Database, made_by: str | None, hours: float = DEFAULT_HOURS,
         now: datetime | None = None) -> str:
    """Make a new lock token that works for ``hours``; return it (shown once, never stored)."""
    if not 0 < hours <= MAX_HOURS:
        raise UserError(f"A staff-meeting link works for up to {MAX_HOURS} hours")
    made_at = now or _now()
    token = secrets.token_urlsafe(24)
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO present_lock (token_hash, made_by, made_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            [_hash(token), made_by, made_at, made_at + timedelta(hours=hours)],
        )
    return token


def check(db: Database, token: str | None, now: datetime | None = None) -> Status:
    """Does ``token`` (from a link's address) lock a new session now?"""
    if not token or not _TOKEN.fullmatch(token):
        return "unknown"
    row = db.rows(
        "SELECT expires_at, revoked FROM present_lock WHERE token_hash = ?", [_hash(token)]
    )
    if not row:
        return "unknown"
    expires_at, revoked = row[0]
    if revoked:
        return "ended"
    if expires_at <= (now or _now()):
        return "expired"
    return "valid"


def expires_at(db: Database, token: str) -> datetime | None:
    """When a valid token stops working (None for a token that is not one)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    return db.scalar("SELECT expires_at FROM present_lock WHERE token_hash = ?", [_hash(token)])


def active(db: Database, now: datetime | None = None) -> list[Link]:
    """Links still working, newest first."""
    rows = db.rows(
        "SELECT token_hash, made_by, made_at, expires_at FROM present_lock"
        " WHERE NOT revoked AND expires_at > ? ORDER BY made_at DESC",
        [now or _now()],
    )
    return [Link(*row) for row in rows]


def end(db: Database, key: str) -> None:
    """End the link stored under ``key`` (a :class:`Link`'s key): it locks no new tab."""
    with db.transaction() as cur:
        cur.execute("UPDATE present_lock SET revoked = true WHERE token_hash = ?", [key])


def end_token(db: Database, token: str) -> None:
    """End the link of ``token`` (the unlock in a locked tab ends its link too)."""
    if _TOKEN.fullmatch(token or ""):
        end(db, _hash(token))
