"""The people who may sign in, their role and their teams (docs/signin.md).

Kept in DuckDB (``person``, ``person_team``; migration 0009). Used only when sign-in is
configured: the app without ``[auth]`` is one person at one computer and never reads these
tables. A leader manages them on the People page or with ``python -m collabplan users``;
the first leader is added from the command line.

Pure (no Streamlit). Every mistake a person can make is one :class:`UserError` line and
nothing is written. Changes are audited (``who`` is the person making them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from collabplan import audit
from collabplan.access import ROLES, Role, Viewer
from collabplan.db import Database
from collabplan.errors import UserError

#: Longest email and name kept (RFC 5321 caps an address at 254 characters).
EMAIL_LIMIT = 254
NAME_LIMIT = 120

# One @, something before it, a dotted domain after it, no spaces or control characters.
# Deliberately loose: the identity provider is the judge of real addresses; this catches typos.
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]+$")


@dataclass(frozen=True)
class Person:
    """One person who may sign in: ``teams`` are team names, sorted."""

    email: str
    role: Role
    name: str | None
    teams: tuple[str, ...]
    added_at: object = None
    added_by: str | None = None

    def as_dict(self) -> dict:
        return {
            "email": self.email,
            "role": self.role,
            "name": self.name,
            "teams": list(self.teams),
            "added_at": None if self.added_at is None else str(self.added_at),
            "added_by": self.added_by,
        }


def normalise_email(email: str | None) -> str:
    """The stored form of an address: trimmed and lower-cased; UserError when not an address."""
    text = (email or "").strip().lower()
    if not text:
        raise UserError("Give an email address.")
    if len(text) > EMAIL_LIMIT or not _EMAIL.match(text) or any(ord(c) < 32 for c in text):
        raise UserError(f"{text[:60]!r} is not an email address (like name@school.org).")
    return text


def _role(role: str | None) -> Role:
    text = (role or "").strip().lower()
    if text not in ROLES:
        raise UserError(f"Role must be one of {', '.join(ROLES)} (not {role!r}).")
    return text  # type: ignore[return-value]


def _name(name: str | None) -> str | None:
    text = " ".join((name or "").split())
    if len(text) > NAME_LIMIT:
        raise UserError(f"A name is at most {NAME_LIMIT} characters.")
    return text or None


def _team_ids(cur, teams: Iterable[str]) -> list[int]:
    wanted = [" ".join(t.split()) for t in teams if t and t.strip()]
    ids: list[int] = []
    for name in dict.fromkeys(wanted):
        row = cur.execute("SELECT id FROM team WHERE lower(name) = lower(?)", [name]).fetchone()
        if row is None:
            known = [n for (n,) in cur.execute("SELECT name FROM team ORDER BY name").fetchall()]
            hint = f" Teams: {', '.join(known)}." if known else " There are no teams yet."
            raise UserError(f"No team is called {name!r}.{hint}")
        ids.append(int(row[0]))
    return ids


def _set_teams(cur, person_id: int, team_ids: list[int]) -> None:
    for team_id in team_ids:
        cur.execute("INSERT INTO person_team (person_id, team_id) VALUES (?, ?)",
                    [person_id, team_id])


def _leaders(cur) -> int:
    return int(cur.execute("SELECT count(*) FROM person WHERE role = 'leader'").fetchone()[0])


def add(db: Database, email: str, role: str, *, name: str | None = None,
        teams: Sequence[str] = (), who: str | None = None) -> Person:
    """Add a person (UserError when the address is already there: use :func:`update`)."""
    address, kind, label = normalise_email(email), _role(role), _name(name)
    with db.transaction() as cur:
        if cur.execute("SELECT 1 FROM person WHERE email = ?", [address]).fetchone():
            raise UserError(f"{address} is already in the list; change their role instead.",
                            kind="state")
        team_ids = _team_ids(cur, teams)
        cur.execute("INSERT INTO person (email, role, name, added_by) VALUES (?, ?, ?, ?)",
                    [address, kind, label, (who or "").strip() or None])
        person_id = cur.execute("SELECT id FROM person WHERE email = ?", [address]).fetchone()[0]
        _set_teams(cur, person_id, team_ids)
        audit.record(cur, who, "person add", _describe(address, kind, teams))
    found = get(db, address)
    assert found is not None
    return found


def update(db: Database, email: str, *, role: str | None = None, name: str | None = None,
           teams: Sequence[str] | None = None, who: str | None = None) -> Person:
    """Change a person's role, name (None: unchanged) or teams (None: unchanged).

    Refuses to turn the last leader into a coach or teacher: the school would lock itself out.
    """
    address = normalise_email(email)
    with db.transaction() as cur:
        row = cur.execute("SELECT id, role FROM person WHERE email = ?", [address]).fetchone()
        if row is None:
            raise UserError(f"{address} is not in the list of people.", kind="state")
        person_id, old_role = int(row[0]), row[1]
        new_role = _role(role) if role is not None else old_role
        if old_role == "leader" and new_role != "leader" and _leaders(cur) <= 1:
            raise UserError(f"{address} is the only leader; add another leader first.",
                            kind="state")
        cur.execute("UPDATE person SET role = ? WHERE id = ?", [new_role, person_id])
        if name is not None:
            cur.execute("UPDATE person SET name = ? WHERE id = ?", [_name(name), person_id])
        if teams is not None:
            team_ids = _team_ids(cur, teams)
            cur.execute("DELETE FROM person_team WHERE person_id = ?", [person_id])
            _set_teams(cur, person_id, team_ids)
        audit.record(cur, who, "person change",
                     _describe(address, new_role, teams if teams is not None else None))
    found = get(db, address)
    assert found is not None
    return found


def remove(db: Database, email: str, *, who: str | None = None) -> Person:
    """Remove a person; return what they were (for an undo). Never the last leader."""
    address = normalise_email(email)
    before = get(db, address)
    if before is None:
        raise UserError(f"{address} is not in the list of people.", kind="state")
    with db.transaction() as cur:
        if before.role == "leader" and _leaders(cur) <= 1:
            raise UserError(f"{address} is the only leader; add another leader first.",
                            kind="state")
        person_id = cur.execute("SELECT id FROM person WHERE email = ?", [address]).fetchone()[0]
        cur.execute("DELETE FROM person_team WHERE person_id = ?", [person_id])
        cur.execute("DELETE FROM person WHERE id = ?", [person_id])
        audit.record(cur, who, "person remove", _describe(address, before.role, before.teams))
    return before


def restore(db: Database, person: Person, *, who: str | None = None) -> Person:
    """Put back a removed person as they were (the page's Undo); teams gone since are skipped."""
    with db.transaction() as cur:
        existing = {n.lower() for (n,) in cur.execute("SELECT name FROM team").fetchall()}
    teams = [t for t in person.teams if t.lower() in existing]
    return add(db, person.email, person.role, name=person.name, teams=teams, who=who)


def get(db: Database, email: str) -> Person | None:
    """The person with this address (any case), or None."""
    try:
        address = normalise_email(email)
    except UserError:
        return None
    found = [p for p in list_people(db) if p.email == address]
    return found[0] if found else None


def list_people(db: Database) -> list[Person]:
    """Everyone, leaders first, then coaches, then teachers; by email within a role."""
    rows = db.rows(
        "SELECT p.email, p.role, p.name, p.added_at, p.added_by,"
        " list(t.name ORDER BY t.name) FILTER (WHERE t.name IS NOT NULL)"
        " FROM person p LEFT JOIN person_team pt ON pt.person_id = p.id"
        " LEFT JOIN team t ON t.id = pt.team_id"
        " GROUP BY p.email, p.role, p.name, p.added_at, p.added_by"
    )
    order = {r: i for i, r in enumerate(ROLES)}
    people = [Person(email, role, name, tuple(teams or ()), added_at, added_by)
              for email, role, name, added_at, added_by, teams in rows]
    return sorted(people, key=lambda p: (order.get(p.role, 9), p.email))


def count(db: Database) -> int:
    """How many people may sign in."""
    return int(db.scalar("SELECT count(*) FROM person"))


def viewer_for(db: Database, email: str | None, projection: bool = False) -> Viewer | None:
    """The :class:`Viewer` for a signed-in address, or None when they are not in the list."""
    if not email:
        return None
    try:
        address = normalise_email(email)
    except UserError:
        return None
    row = db.rows("SELECT id, role, name FROM person WHERE email = ?", [address])
    if not row or row[0][1] not in ROLES:
        return None
    person_id, role, name = row[0]
    teams = frozenset(int(t) for (t,) in db.rows(
        "SELECT team_id FROM person_team WHERE person_id = ?", [person_id]))
    return Viewer(email=address, role=role, name=name, team_ids=teams, local=False,
                  projection=projection)


def _describe(email: str, role: str, teams: Iterable[str] | None) -> str:
    team_text = "" if teams is None else f" ({', '.join(teams) or 'no team'})"
    return f"{email} as {role}{team_text}"
