"""The workspace's reads, writes and undo over :class:`collabplan.db.Database`.

Ids often come from DataFrame cells (numpy integers), which DuckDB will not bind, so every
helper here turns parameters into plain Python values first. Deletes return a
:class:`Removed` snapshot that :func:`restore` puts back (the pages' Undo button).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from collabplan.db import Database
from collabplan.errors import UserError


def plain(params: Sequence[Any] | None) -> list[Any]:
    """``params`` with numpy scalars turned into the Python values DuckDB binds."""
    return [p.item() if isinstance(p, np.generic) else p for p in params or []]


class Cursor:
    """A write cursor that binds numpy scalars (see :func:`plain`)."""

    def __init__(self, cur: Any) -> None:
        self._cur = cur

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        return self._cur.execute(sql, plain(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        return self._cur.executemany(sql, [plain(r) for r in rows])


@contextmanager
def transaction(db: Database) -> Iterator[Cursor]:
    """``db.transaction()`` yielding a :class:`Cursor`."""
    with db.transaction() as cur:
        yield Cursor(cur)


def query(db: Database, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
    """A parameterised read as a DataFrame, blanks as None (see :func:`blanks_as_none`)."""
    return blanks_as_none(db.query(sql, plain(params)))


def blanks_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain objects with None for blanks (pandas would use NaN, which
    reads as true and prints as "nan" in a form)."""
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object:
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
    return frame


def rows(db: Database, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
    return db.rows(sql, plain(params))


def scalar(db: Database, sql: str, params: Sequence[Any] | None = None) -> Any:
    return db.scalar(sql, plain(params))


def record(db: Database, sql: str, params: Sequence[Any]) -> dict[str, Any] | None:
    """One row as a dict of plain Python values (dates stay dates), or None."""
    found = db.cursor().execute(sql, plain(params))
    names = [d[0] for d in found.description]
    row = found.fetchone()
    return None if row is None else dict(zip(names, row, strict=True))


def clean_text(value: str | None) -> str | None:
    """Trimmed text, or None for blank (or a NaN blank from a table)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def need(value: str | None, what: str) -> str:
    """Trimmed text; a UserError asking for ``what`` when it is blank."""
    value = clean_text(value)
    if not value:
        raise UserError(f"Write {what} first", kind="input")
    return value


# -- undo --------------------------------------------------------------------------------

#: Tables a snapshot may name (identifiers in SQL come only from here).
TABLES = {
    "vision_stakeholder",
    "brainstorm_note",
    "vision_draft",
    "shared_value",
    "communication_step",
    "vision_session_note",
    "vision_consensus",
    "team_norm",
    "team_meeting",
    "team_member",
    "theory_of_action",
    "toa_action",
    "toa_answer",
    "toa_reason",
    "toa_approach",
    "toa_person",
    "toa_plan_step",
    "toa_feedback_plan",
    "staff_input_round",
    "staff_input_tally",
    "staff_input_idea",
    "staff_input_answered",
    "staff_input_key",
    "survey_round",
    "survey_tally",
    "survey_answered",
    "survey_round_key",
    # collaboration structures (migration 0017)
    "school_structure",
    "mentoring_pair",
    "coaching_cycle",
    "coaching_step",
    "share_entry",
}


@dataclass
class Removed:
    """What a delete took away: (table, rows as dicts), enough for :func:`restore`."""

    what: str
    tables: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)


def _take(cur: Cursor, table: str, where: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """Select then delete the rows of ``table`` matching ``where`` (a fixed clause)."""
    if table not in TABLES:
        raise ValueError(table)
    sql_where = f"FROM {table} WHERE {where}"  # noqa: S608 - table from TABLES, where is a literal clause
    found = cur.execute(f"SELECT * {sql_where}", list(params))
    names = [d[0] for d in found.description]
    taken = [dict(zip(names, row, strict=True)) for row in found.fetchall()]
    cur.execute(f"DELETE {sql_where}", list(params))
    return taken


def delete(db: Database, what: str, parts: list[tuple[str, str, Sequence[Any]]]) -> Removed:
    """Delete ``(table, where, params)`` parts in one transaction; what went, for Undo.

    ``what`` names the thing for a person ("The note"); deleting it twice is a UserError.
    """
    removed = Removed(what)
    with transaction(db) as cur:
        for table, where, params in parts:
            removed.tables.append((table, _take(cur, table, where, params)))
    if not any(taken for _, taken in removed.tables):
        raise UserError(f"{what} was already deleted", kind="state")
    return removed


def restore(db: Database, removed: Removed) -> None:
    """Put back exactly what a delete removed (same ids)."""
    with transaction(db) as cur:
        for table, taken in removed.tables:
            if table not in TABLES:
                raise ValueError(table)
            for row in taken:
                cols = list(row)
                marks = ", ".join("?" for _ in cols)
                cur.execute(
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})",  # noqa: S608 - table whitelisted, columns from its own rows
                    [row[c] for c in cols],
                )
