"""Shared by the role walks: the demo school's students of one team against the others', as
whole-word patterns, and every output (frames, bytes, html, dicts) as searchable text."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from typing import Any

import pandas as pd

from collabplan import db as db_module


def _team_students(db: db_module.Database, team_id: int | None) -> pd.DataFrame:
    """Students with a score or group row in ``team_id``'s uploads (None: every upload)."""
    return db.query(
        "SELECT id, display_name, first_name, last_name, local_id FROM student WHERE id IN ("
        " SELECT s.student_id FROM score s JOIN upload u ON u.id = s.upload_id"
        " WHERE ?::INTEGER IS NULL OR u.team_id = ?)",
        [team_id, team_id],
    )


def _words(students: pd.DataFrame) -> set[str]:
    words: set[str] = set()
    for r in students.itertuples(index=False):
        for value in (r.display_name, r.first_name, r.last_name, r.local_id):
            if isinstance(value, str) and value.strip():
                words.add(value.strip())
        if isinstance(r.last_name, str) and isinstance(r.first_name, str):
            words.add(f"{r.last_name.strip()}, {r.first_name.strip()}")
    return words


def _staff_words(db: db_module.Database) -> set[str]:
    staff = " ".join(str(v) for v in pd.concat([
        db.query("SELECT DISTINCT teacher AS n FROM student WHERE teacher IS NOT NULL")["n"],
        db.query("SELECT DISTINCT teacher AS n FROM score WHERE teacher IS NOT NULL")["n"],
        db.query("SELECT DISTINCT name AS n FROM team_member")["n"],
        db.query("SELECT DISTINCT uploaded_by AS n FROM upload WHERE uploaded_by IS NOT NULL")["n"],
    ]))
    return set(re.findall(r"[\w'-]+", staff))


def patterns(words: Iterable[str]) -> list[re.Pattern]:
    """Whole-word patterns of ``words``, as one alternation (longest first) for speed."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return [re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ordered)) + r")(?![\w-])")]


def other_teams(db: db_module.Database, team_id: int) -> tuple[list[re.Pattern], set[int]]:
    """(patterns of every student of another team's uploads, their student ids).

    A word that is also one of ``team_id``'s own students' (a shared first name) or a staff
    member's name is left out: showing it says nothing about the other team.
    """
    mine = _team_students(db, team_id)
    every = _team_students(db, None)
    others = every[~every["id"].isin(mine["id"])]
    words = _words(others) - _words(mine) - _staff_words(db)
    assert len(words) > 100, "the demo school should hold many students in other teams"
    return patterns(words), {int(i) for i in others["id"]}


def own_team(db: db_module.Database, team_id: int) -> tuple[set[str], set[int]]:
    """(display names, student ids) of ``team_id``'s own students."""
    mine = _team_students(db, team_id)
    return {str(n) for n in mine["display_name"].dropna()}, {int(i) for i in mine["id"]}


def every_student(db: db_module.Database) -> list[re.Pattern]:
    """Patterns of every student of the school (staff names left out)."""
    return patterns(_words(_team_students(db, None)) - _staff_words(db))


def _without_library(text: str, longest: int = 200_000) -> str:
    """``text`` without any <script> block longer than ``longest`` characters."""
    out, at = [], 0
    while (start := text.find("<script", at)) >= 0:
        end = text.find("</script>", start)
        if end < 0:
            break
        out.append(text[at:start])
        if end - start <= longest:
            out.append(text[start:end])
        at = end
    out.append(text[at:])
    return "".join(out)


def text_of(value: Any) -> str:
    """Everything a query, an export or a report returned, as text to search."""
    if value is None:
        return ""
    if isinstance(value, pd.DataFrame):
        return value.to_csv() + " ".join(map(str, value.columns))
    if isinstance(value, pd.Series):
        return value.to_csv()
    if isinstance(value, bytes):
        if value[:2] == b"PK":  # xlsx: every xml part (shared strings, sheets)
            with zipfile.ZipFile(io.BytesIO(value)) as z:
                return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                                 if n.endswith(".xml"))
        return value.decode("utf-8-sig", "replace")
    if isinstance(value, str):
        # The plotly.js library an offline report embeds (megabytes of minified code, where
        # any short word occurs) is not data; the figures' own JSON is small and stays.
        return _without_library(value)
    if is_dataclass(value) and not isinstance(value, type):
        return text_of(asdict(value))
    if isinstance(value, dict):
        return "\n".join(text_of(k) + " " + text_of(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return "\n".join(text_of(v) for v in value)
    try:
        return json.dumps(value, default=str)
    except TypeError:
        return str(value)


def leaks(text: str, forbidden: list[re.Pattern]) -> list[str]:
    return sorted({m.group(0) for p in forbidden for m in p.finditer(text)})
