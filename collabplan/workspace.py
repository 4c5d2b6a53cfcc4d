"""The school's collaboration workspace: visioning, teams, theories of action, the health survey.

Plain Python over the database: reads return DataFrames or dicts, writes run in one
transaction each. Deletes return a :class:`Removed` snapshot that :func:`restore` puts back
(the pages' Undo button).

The survey is anonymous by construction: a response only adds one to a counter per
(round, item, value) and to the round's response count. No row names a person, carries a
time, or links one person's answers to each other, and results come only as aggregates of
closed rounds with at least ``config.MIN_GROUP_SIZE`` responses.
"""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from collabplan import config
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.text import METRIC_LABELS, fewer_than

# -- fixed vocabularies ------------------------------------------------------------------

#: The seven criteria for success of collaborative planning: key -> what the group rates.
SUCCESS_CRITERIA: dict[str, str] = {
    "clear_vision": "A clear vision for collaborative planning",
    "dedicated_time": "Dedicated, consistent time",
    "protocols": "Protocols that guide the work",
    "roles": "Roles that everyone understands",
    "trained_facilitators": "Trained facilitators",
    "invested": "Teachers and facilitators who are invested",
    "affirming": "Interactions that affirm teachers",
}

#: How true each criterion is at the school today.
RATINGS: dict[str, str] = {
    "already_true": "Already true",
    "opportunity": "An opportunity",
    "challenging": "Challenging",
}

#: Brainstorm columns.
BRAINSTORM_KINDS: dict[str, str] = {
    "is": "Collaborative planning is …",
    "is_not": "Collaborative planning is not …",
    "matters_most": "What matters most",
}

#: Stakeholder roles suggested on the page (free text is allowed too).
STAKEHOLDER_ROLES = [
    "Principal",
    "Assistant principal",
    "Instructional coach",
    "Teacher leader",
    "Classroom teacher",
    "Special education teacher",
    "ELL teacher",
    "Support staff",
    "Parent or family member",
    "Student",
]

#: Team stages of growth, in order, with what each looks like.
STAGES: dict[str, str] = {
    "forming": "Forming: getting to know each other, setting norms and roles; the facilitator leads.",
    "norming": "Norming: the team uses its norms and agrees what student work to look at.",
    "performing": "Performing: the team studies student work routinely and changes teaching from it.",
    "sustaining": "Sustaining: the work runs itself; members take turns leading and help newer teams.",
}

#: Conditions a collective-leadership team may choose to work on (free text allowed).
CONDITIONS = [
    "Enabling work structures",
    "Orientation to improve",
    "Supportive administration",
    "Shared vision and goals",
    "Trust among colleagues",
    "Team leadership",
]

DECISIONS: dict[str, str] = {
    "revisit": "Revisit this condition (adjust the approach and test again)",
    "next_condition": "Move on to another condition",
}

#: The short staff survey: item key -> (area, statement). Answered on a 1-5 agreement scale.
SURVEY_AREAS: dict[str, str] = {
    "trust": "Trust",
    "protected_time": "Protected time",
    "shared_leadership": "Shared leadership",
    "student_work": "Focus on student work",
    "collective_efficacy": "Collective efficacy",
}
SURVEY_ITEMS: dict[str, tuple[str, str]] = {
    "trust_safe": (
        "trust",
        "I can share a struggle in my teaching with my team without being judged.",
    ),
    "trust_follow": ("trust", "Members of my team follow through on what they say they will do."),
    "time_kept": (
        "protected_time",
        "Our collaboration time happens as planned and is not taken for other things.",
    ),
    "time_used": (
        "protected_time",
        "We spend our collaboration time on planning and student learning, not announcements.",
    ),
    "lead_roles": ("shared_leadership", "Everyone on my team has a role and takes a turn leading."),
    "lead_voice": (
        "shared_leadership",
        "Teachers have a real say in school decisions about teaching and learning.",
    ),
    "work_look": ("student_work", "Our team regularly looks at student work and data together."),
    "work_change": ("student_work", "What we learn from student work changes what we teach next."),
    "cte_every": (
        "collective_efficacy",
        "Together, teachers here can help every student learn, even those who struggle most.",
    ),
    "cte_lift": (
        "collective_efficacy",
        "As a staff, we have what it takes to lift our students' learning.",
    ),
}
SCALE: dict[int, str] = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}


# -- plain parameters --------------------------------------------------------------------
# Ids often come from DataFrame cells (numpy integers), which DuckDB will not bind.


def _plain(params: Sequence[Any] | None) -> list[Any]:
    return [p.item() if isinstance(p, np.generic) else p for p in params or []]


class _Cursor:
    def __init__(self, cur: Any) -> None:
        self._cur = cur

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        return self._cur.execute(sql, _plain(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        return self._cur.executemany(sql, [_plain(r) for r in rows])


@contextmanager
def _tx(db: Database) -> Iterator[_Cursor]:
    with db.transaction() as cur:
        yield _Cursor(cur)


def _query(db: Database, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
    return _blanks_as_none(db.query(sql, _plain(params)))


def _blanks_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain objects with None for blanks (pandas would use NaN, which
    reads as true and prints as "nan" in a form)."""
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object:
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
    return frame


def _rows(db: Database, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
    return db.rows(sql, _plain(params))


def _scalar(db: Database, sql: str, params: Sequence[Any] | None = None) -> Any:
    return db.scalar(sql, _plain(params))


# -- undo --------------------------------------------------------------------------------

#: Tables a snapshot may name (identifiers in SQL come only from here).
_TABLES = {
    "vision_stakeholder",
    "brainstorm_note",
    "vision_draft",
    "shared_value",
    "communication_step",
    "team_norm",
    "team_meeting",
    "team_member",
    "theory_of_action",
    "toa_action",
    "survey_round",
    "survey_tally",
}


@dataclass
class Removed:
    """What a delete took away: (table, rows as dicts), enough for :func:`restore`."""

    what: str
    tables: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)


def _take(cur: Any, table: str, where: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """Select then delete the rows of ``table`` matching ``where`` (a fixed clause)."""
    if table not in _TABLES:
        raise ValueError(table)
    sql_where = f"FROM {table} WHERE {where}"  # noqa: S608 - table from _TABLES, where is a literal clause
    found = cur.execute(f"SELECT * {sql_where}", list(params))
    names = [d[0] for d in found.description]
    rows = [dict(zip(names, row, strict=True)) for row in found.fetchall()]
    cur.execute(f"DELETE {sql_where}", list(params))
    return rows


def _record(db: Database, sql: str, params: Sequence[Any]) -> dict[str, Any] | None:
    """One row as a dict of plain Python values (dates stay dates), or None."""
    found = db.cursor().execute(sql, _plain(params))
    names = [d[0] for d in found.description]
    row = found.fetchone()
    return None if row is None else dict(zip(names, row, strict=True))


def restore(db: Database, removed: Removed) -> None:
    """Put back exactly what a delete removed (same ids)."""
    with _tx(db) as cur:
        for table, rows in removed.tables:
            if table not in _TABLES:
                raise ValueError(table)
            for row in rows:
                cols = list(row)
                marks = ", ".join("?" for _ in cols)
                cur.execute(
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})",  # noqa: S608 - table whitelisted, columns from its own rows
                    [row[c] for c in cols],
                )


def _delete(db: Database, what: str, parts: list[tuple[str, str, Sequence[Any]]]) -> Removed:
    removed = Removed(what)
    with _tx(db) as cur:
        for table, where, params in parts:
            removed.tables.append((table, _take(cur, table, where, params)))
    if not any(rows for _, rows in removed.tables):
        raise UserError(f"{what} was already deleted")
    return removed


def _text(value: str | None) -> str | None:
    if not isinstance(value, str):  # None, or a NaN blank from a table
        return None
    value = value.strip()
    return value or None


def _need(value: str | None, what: str) -> str:
    value = _text(value)
    if not value:
        raise UserError(f"Write {what} first")
    return value


# =========================================================================================
# 1. Visioning
# =========================================================================================


def add_stakeholder(db: Database, name: str, role: str) -> int:
    with _tx(db) as cur:
        return cur.execute(
            "INSERT INTO vision_stakeholder (name, role) VALUES (?, ?) RETURNING id",
            [_need(name, "a name"), _need(role, "a role")],
        ).fetchone()[0]


def stakeholders(db: Database) -> pd.DataFrame:
    """id, name, role, label ("Ms. Chen (Instructional coach)")."""
    return _query(
        db,
        "SELECT id, name, role, name || ' (' || role || ')' AS label FROM vision_stakeholder ORDER BY id",
    )


def delete_stakeholder(db: Database, stakeholder_id: int) -> Removed:
    return _delete(db, "The stakeholder", [("vision_stakeholder", "id = ?", [stakeholder_id])])


def vision(db: Database) -> dict[str, Any]:
    """The working definition, the agreed statement and when it was agreed (blank if none)."""
    row = _rows(db, "SELECT definition, statement, agreed_on FROM vision WHERE id = 1")
    if not row:
        return {"definition": None, "statement": None, "agreed_on": None}
    definition, statement, agreed_on = row[0]
    return {"definition": definition, "statement": statement, "agreed_on": agreed_on}


def save_vision(db: Database, **fields: Any) -> None:
    """Save any of ``definition``, ``statement``, ``agreed_on``; others keep their values."""
    allowed = {"definition", "statement", "agreed_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown vision fields: {sorted(unknown)}")
    current = vision(db)
    for key, value in fields.items():
        current[key] = _text(value) if isinstance(value, str) or value is None else value
    with _tx(db) as cur:
        cur.execute("DELETE FROM vision WHERE id = 1")
        cur.execute(
            "INSERT INTO vision (id, definition, statement, agreed_on) VALUES (1, ?, ?, ?)",
            [current["definition"], current["statement"], current["agreed_on"]],
        )


def rate_criterion(
    db: Database, criterion: str, rating: str | None, notes: str | None = None
) -> None:
    if criterion not in SUCCESS_CRITERIA:
        raise UserError(f"Unknown criterion {criterion!r}")
    if rating is not None and rating not in RATINGS:
        raise UserError(f"Rate it one of: {', '.join(RATINGS.values())}")
    with _tx(db) as cur:
        cur.execute("DELETE FROM vision_criterion WHERE criterion = ?", [criterion])
        cur.execute(
            "INSERT INTO vision_criterion (criterion, rating, notes) VALUES (?, ?, ?)",
            [criterion, rating, _text(notes)],
        )


def criteria_ratings(db: Database) -> pd.DataFrame:
    """All seven criteria in order: criterion, label, rating (key or None), rating_label, notes."""
    saved = {
        r[0]: (r[1], r[2])
        for r in _rows(db, "SELECT criterion, rating, notes FROM vision_criterion")
    }
    rows = []
    for key, label in SUCCESS_CRITERIA.items():
        rating, notes = saved.get(key, (None, None))
        rows.append(
            {
                "criterion": key,
                "label": label,
                "rating": rating,
                "rating_label": RATINGS.get(rating, "Not rated yet"),
                "notes": notes,
            }
        )
    return _blanks_as_none(pd.DataFrame(rows))


def _themes(themes: Iterable[str] | str | None) -> list[str]:
    """Tidy theme tags: comma-separated text or a list; trimmed, lower-case, no repeats."""
    if themes is None:
        return []
    if isinstance(themes, str):
        themes = themes.split(",")
    seen: list[str] = []
    for theme in themes:
        tidy = " ".join(str(theme).strip().lower().split())
        if tidy and tidy not in seen:
            seen.append(tidy)
    return seen


def add_note(db: Database, kind: str, body: str, themes: Iterable[str] | str | None = None) -> int:
    if kind not in BRAINSTORM_KINDS:
        raise UserError(f"Unknown brainstorm column {kind!r}")
    with _tx(db) as cur:
        return cur.execute(
            "INSERT INTO brainstorm_note (kind, body, themes) VALUES (?, ?, ?) RETURNING id",
            [kind, _need(body, "the note"), _themes(themes)],
        ).fetchone()[0]


def tag_note(db: Database, note_id: int, themes: Iterable[str] | str | None) -> None:
    with _tx(db) as cur:
        cur.execute(
            "UPDATE brainstorm_note SET themes = ? WHERE id = ?", [_themes(themes), note_id]
        )


def notes(db: Database) -> pd.DataFrame:
    """Brainstorm notes: id, kind, body, themes (list)."""
    frame = _query(db, "SELECT id, kind, body, themes FROM brainstorm_note ORDER BY id")
    frame["themes"] = [list(t) if t is not None else [] for t in frame["themes"]]
    return frame


def delete_note(db: Database, note_id: int) -> Removed:
    return _delete(db, "The note", [("brainstorm_note", "id = ?", [note_id])])


def theme_counts(db: Database) -> pd.DataFrame:
    """How many notes carry each theme, most first: theme, notes, and a column per kind."""
    frame = notes(db)
    columns = ["theme", "notes", *BRAINSTORM_KINDS]
    rows: dict[str, dict[str, Any]] = {}
    for kind, themes in zip(frame["kind"], frame["themes"], strict=True):
        for theme in themes:
            row = rows.setdefault(
                theme, {"theme": theme, "notes": 0, **{k: 0 for k in BRAINSTORM_KINDS}}
            )
            row["notes"] += 1
            row[kind] += 1
    out = pd.DataFrame(list(rows.values()), columns=columns)
    if out.empty:
        return out
    return out.sort_values(["notes", "theme"], ascending=[False, True], ignore_index=True)


# -- vision statement checks -------------------------------------------------------------

#: The criteria of a good vision statement: key -> (label, question for the group, word cues).
STATEMENT_CRITERIA: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "high_standards": (
        "High standards",
        "Does it set a high bar for every student and adult?",
        ("every", "all", "each", "excellen*", "high", "highest", "rigor*", "exceed*", "master*"),
    ),
    "unique": (
        "A unique attribute",
        "Does it say something only true of our school?",
        (
            "our school",
            "our community",
            "our students",
            "our families",
            "unique",
            "only",
            "neighborhood",
            "neighbourhood",
        ),
    ),
    "future": (
        "Future accomplishment",
        "Does it describe what we will have accomplished?",
        ("will", "by 20*", "become", "future", "ready", "graduat*", "tomorrow", "years from now"),
    ),
    "image": (
        "An image",
        "Can you picture it: what would a visitor see and hear?",
        (
            "see",
            "imagine",
            "picture",
            "where",
            "hear",
            "walk*",
            "classroom*",
            "every day",
            "look like",
        ),
    ),
    "unifying": (
        "A unifying theme",
        "Does it pull everyone in the building toward one thing?",
        ("together", "collaborat*", "team*", "community", "shared", "one", "we", "us"),
    ),
    "shared_values": (
        "Shared values",
        "Does it carry the values we named?",
        (
            "respect*",
            "trust*",
            "equit*",
            "curiosity",
            "kind*",
            "integrity",
            "belonging",
            "joy*",
            "car*",
        ),
    ),
}


@dataclass(frozen=True)
class StatementCheck:
    """One criterion of a good vision statement, checked transparently.

    ``cues`` are words found in the text that often go with the criterion; they only prompt
    the conversation. ``ticked`` is the group's own judgement, which is what counts.
    """

    key: str
    label: str
    question: str
    cues: tuple[str, ...]
    ticked: bool

    @property
    def met(self) -> bool:
        return self.ticked

    @property
    def explanation(self) -> str:
        found = ", ".join(f"“{c}”" for c in self.cues)
        if self.ticked and self.cues:
            return f"Met: the group ticked it (word cues: {found})."
        if self.ticked:
            return "Met: the group ticked it (no word cues found, which is fine)."
        if self.cues:
            return f"Not ticked yet. Word cues found: {found}. {self.question}"
        return f"Not ticked yet, and no word cues found. {self.question}"


def _cues_in(text: str, cues: Iterable[str]) -> tuple[str, ...]:
    """The cues found as whole words in ``text``; a cue ending in ``*`` matches any ending."""
    lowered = " ".join(text.lower().split())
    found = []
    for cue in cues:
        cue = " ".join(cue.lower().split())
        stem = cue.endswith("*")
        word = cue.rstrip("*")
        if word and re.search(r"\b" + re.escape(word) + (r"" if stem else r"\b"), lowered):
            found.append(word)
    return tuple(found)


def check_statement(
    text: str,
    ticks: Iterable[str] = (),
    school_name: str | None = None,
    values: Iterable[str] = (),
) -> list[StatementCheck]:
    """Check a vision statement against the six criteria of a good vision statement.

    Word cues (plus the school's name for "unique" and the named shared values for
    "shared values") are shown as evidence; a criterion is met only when the group ticks it.
    """
    ticked = set(ticks)
    checks = []
    for key, (label, question, cues) in STATEMENT_CRITERIA.items():
        extra: tuple[str, ...] = ()
        if key == "unique" and school_name:
            extra = (school_name,)
        if key == "shared_values":
            extra = tuple(v for v in values if v)
        checks.append(
            StatementCheck(
                key, label, question, _cues_in(text or "", (*extra, *cues)), key in ticked
            )
        )
    return checks


def school_name(db: Database) -> str | None:
    return _scalar(db, "SELECT name FROM school ORDER BY id LIMIT 1")


def add_draft(db: Database, body: str, author: str | None = None, ticks: Iterable[str] = ()) -> int:
    with _tx(db) as cur:
        return cur.execute(
            "INSERT INTO vision_draft (author, body, ticks) VALUES (?, ?, ?) RETURNING id",
            [_text(author), _need(body, "the draft statement"), _ticks(ticks)],
        ).fetchone()[0]


def _ticks(ticks: Iterable[str]) -> list[str]:
    out = [t for t in STATEMENT_CRITERIA if t in set(ticks)]
    return out


def update_draft(
    db: Database, draft_id: int, body: str, author: str | None, ticks: Iterable[str]
) -> None:
    with _tx(db) as cur:
        cur.execute(
            "UPDATE vision_draft SET body = ?, author = ?, ticks = ? WHERE id = ?",
            [_need(body, "the draft statement"), _text(author), _ticks(ticks), draft_id],
        )


def drafts(db: Database) -> pd.DataFrame:
    """Drafts with how many of the six criteria the group ticked: id, author, body, ticks, met."""
    frame = _query(db, "SELECT id, author, body, ticks FROM vision_draft ORDER BY id")
    frame["ticks"] = [list(t) if t is not None else [] for t in frame["ticks"]]
    frame["met"] = [len(t) for t in frame["ticks"]]
    return frame


def draft_checks(db: Database, draft_id: int) -> list[StatementCheck]:
    row = _rows(db, "SELECT body, ticks FROM vision_draft WHERE id = ?", [draft_id])
    if not row:
        raise UserError("That draft was deleted")
    body, ticks = row[0]
    return check_statement(body, ticks or [], school_name(db), shared_values(db)["name"].tolist())


def delete_draft(db: Database, draft_id: int) -> Removed:
    return _delete(db, "The draft", [("vision_draft", "id = ?", [draft_id])])


def add_value(db: Database, name: str, meaning: str | None = None) -> int:
    with _tx(db) as cur:
        return cur.execute(
            "INSERT INTO shared_value (name, meaning) VALUES (?, ?) RETURNING id",
            [_need(name, "the value"), _text(meaning)],
        ).fetchone()[0]


def shared_values(db: Database) -> pd.DataFrame:
    return _query(db, "SELECT id, name, meaning FROM shared_value ORDER BY id")


def delete_value(db: Database, value_id: int) -> Removed:
    return _delete(db, "The value", [("shared_value", "id = ?", [value_id])])


def add_communication(
    db: Database, planned_on: date, way: str, audience: str | None = None, status: str = "planned"
) -> int:
    if status not in ("planned", "done"):
        raise UserError("Status is planned or done")
    if planned_on is None:
        raise UserError("Pick the date it will be shared")
    with _tx(db) as cur:
        return cur.execute(
            "INSERT INTO communication_step (planned_on, way, audience, status) VALUES (?, ?, ?, ?) RETURNING id",
            [planned_on, _need(way, "how it will be shared"), _text(audience), status],
        ).fetchone()[0]


def set_communication_status(db: Database, step_id: int, status: str) -> None:
    if status not in ("planned", "done"):
        raise UserError("Status is planned or done")
    with _tx(db) as cur:
        cur.execute("UPDATE communication_step SET status = ? WHERE id = ?", [status, step_id])


def communication_plan(db: Database) -> pd.DataFrame:
    """id, planned_on, way, audience, status, label ("Sep 01, 2025 · Newsletter")."""
    return _query(
        db,
        "SELECT id, planned_on, way, audience, status, strftime(planned_on, '%b %d, %Y') || ' · ' || way"
        " AS label FROM communication_step ORDER BY planned_on, id",
    )


def delete_communication(db: Database, step_id: int) -> Removed:
    return _delete(db, "The communication step", [("communication_step", "id = ?", [step_id])])


@dataclass(frozen=True)
class CommunicationCheck:
    times: int
    ways: int
    done: int

    @property
    def ok(self) -> bool:
        return self.times >= 3 and self.ways >= 3

    @property
    def message(self) -> str:
        parts = [f"{self.times} of 3 times", f"{self.ways} of 3 ways", f"{self.done} done"]
        if self.ok:
            return (
                "The plan shares the vision at least three times in at least three ways ("
                + ", ".join(parts)
                + ")."
            )
        need = []
        if self.times < 3:
            need.append(f"{3 - self.times} more date(s)")
        if self.ways < 3:
            need.append(f"{3 - self.ways} more way(s) of sharing")
        return "Plan " + " and ".join(need) + " (" + ", ".join(parts) + ")."


def check_communication(db: Database) -> CommunicationCheck:
    """At least three times (distinct dates) in at least three ways (distinct channels)."""
    plan = communication_plan(db)
    ways = {" ".join(str(w).lower().split()) for w in plan["way"]}
    return CommunicationCheck(
        times=plan["planned_on"].nunique(),
        ways=len(ways),
        done=int((plan["status"] == "done").sum()),
    )


def vision_progress(db: Database) -> list[tuple[str, bool, str]]:
    """The visioning steps: (step, done, detail) in order."""
    rated = int(criteria_ratings(db)["rating"].notna().sum())
    brainstorm = notes(db)
    tagged = int(sum(1 for t in brainstorm["themes"] if t))
    current = vision(db)
    comm = check_communication(db)
    drafts_frame = drafts(db)
    values = len(shared_values(db))
    people = len(stakeholders(db))
    return [
        ("Stakeholders named", people > 0, f"{people} taking part"),
        (
            "Definition written",
            bool(current["definition"]),
            "written" if current["definition"] else "not yet",
        ),
        (
            "Criteria rated",
            rated == len(SUCCESS_CRITERIA),
            f"{rated} of {len(SUCCESS_CRITERIA)} criteria rated",
        ),
        (
            "Brainstorm",
            len(brainstorm) > 0,
            f"{len(brainstorm)} notes, {tagged} tagged with a theme",
        ),
        ("Vision drafts", len(drafts_frame) > 0, f"{len(drafts_frame)} drafts"),
        (
            "Agreed statement",
            bool(current["statement"]),
            "agreed" if current["statement"] else "not yet",
        ),
        ("Shared values", values > 0, f"{values} named"),
        ("Communication plan", comm.ok, f"{comm.times} times, {comm.ways} ways"),
    ]


# =========================================================================================
# 2. Teams
# =========================================================================================


def teams(db: Database) -> pd.DataFrame:
    return _query(db, "SELECT id, name, grade_band, subject FROM team ORDER BY name")


def add_team(
    db: Database, name: str, grade_band: str | None = None, subject: str | None = None
) -> int:
    name = _need(name, "the team's name")
    if _scalar(db, "SELECT count(*) FROM team WHERE lower(name) = lower(?)", [name]):
        raise UserError(f"There is already a team called {name}")
    with _tx(db) as cur:
        return cur.execute(
            "INSERT INTO team (name, grade_band, subject) VALUES (?, ?, ?) RETURNING id",
            [name, _text(grade_band), _text(subject)],
        ).fetchone()[0]


def members(db: Database, team_id: int) -> pd.DataFrame:
    """Members in the order they were added (the facilitator rotation follows it)."""
    return _query(
        db, "SELECT name, role FROM team_member WHERE team_id = ? ORDER BY rowid", [team_id]
    )


def add_member(db: Database, team_id: int, name: str, role: str | None = None) -> None:
    name = _need(name, "the member's name")
    if _scalar(
        db, "SELECT count(*) FROM team_member WHERE team_id = ? AND name = ?", [team_id, name]
    ):
        raise UserError(f"{name} is already on this team")
    with _tx(db) as cur:
        cur.execute(
            "INSERT INTO team_member (team_id, name, role) VALUES (?, ?, ?)",
            [team_id, name, _text(role)],
        )


def remove_member(db: Database, team_id: int, name: str) -> Removed:
    return _delete(db, name, [("team_member", "team_id = ? AND name = ?", [team_id, name])])


def team_workspace(db: Database, team_id: int) -> dict[str, Any]:
    row = _rows(
        db,
        "SELECT protected_time, minutes_per_week, stage FROM team_workspace WHERE team_id = ?",
        [team_id],
    )
    protected_time, minutes, stage = row[0] if row else (None, None, None)
    return {"protected_time": protected_time, "minutes_per_week": minutes, "stage": stage}


def save_team_workspace(
    db: Database,
    team_id: int,
    protected_time: str | None,
    minutes_per_week: int | None,
    stage: str | None,
) -> None:
    if stage is not None and stage not in STAGES:
        raise UserError(f"Stage is one of {', '.join(STAGES)}")
    if minutes_per_week is not None and minutes_per_week < 0:
        raise UserError("Minutes per week cannot be negative")
    with _tx(db) as cur:
        cur.execute("DELETE FROM team_workspace WHERE team_id = ?", [team_id])
        cur.execute(
            "INSERT INTO team_workspace (team_id, protected_time, minutes_per_week, stage) VALUES (?, ?, ?, ?)",
            [team_id, _text(protected_time), minutes_per_week, stage],
        )


def add_norm(db: Database, team_id: int, body: str, agreed_on: date | None = None) -> int:
    with _tx(db) as cur:
        return cur.execute(
            "INSERT INTO team_norm (team_id, body, agreed_on) VALUES (?, ?, ?) RETURNING id",
            [team_id, _need(body, "the norm"), agreed_on or date.today()],
        ).fetchone()[0]


def revisit_norm(
    db: Database, norm_id: int, body: str | None = None, on: date | None = None
) -> None:
    """Record that the team revisited a norm (optionally rewording it)."""
    with _tx(db) as cur:
        if _text(body):
            cur.execute("UPDATE team_norm SET body = ? WHERE id = ?", [_text(body), norm_id])
        cur.execute(
            "UPDATE team_norm SET revisited_on = ? WHERE id = ?", [on or date.today(), norm_id]
        )


def norms(db: Database, team_id: int) -> pd.DataFrame:
    return _query(
        db,
        "SELECT id, body, agreed_on, revisited_on FROM team_norm WHERE team_id = ? ORDER BY id",
        [team_id],
    )


def delete_norm(db: Database, norm_id: int) -> Removed:
    return _delete(db, "The norm", [("team_norm", "id = ?", [norm_id])])


def stage_supports(db: Database) -> pd.DataFrame:
    """Every stage in order with what the school does to support it (blank if not written)."""
    saved = dict(_rows(db, "SELECT stage, support FROM stage_support"))
    return _blanks_as_none(
        pd.DataFrame(
            [
                {"stage": s, "looks_like": text, "support": saved.get(s)}
                for s, text in STAGES.items()
            ]
        )
    )


def save_stage_support(db: Database, stage: str, support: str | None) -> None:
    if stage not in STAGES:
        raise UserError(f"Stage is one of {', '.join(STAGES)}")
    with _tx(db) as cur:
        cur.execute("DELETE FROM stage_support WHERE stage = ?", [stage])
        cur.execute(
            "INSERT INTO stage_support (stage, support) VALUES (?, ?)", [stage, _text(support)]
        )




def _goal_label(skill: str, metric: str, population: str | None) -> str:
    """ "Vocabulary, grade 3 ELL students (% proficient)": who the goal is about, in words."""
    who = ""
    try:
        from collabplan.text import describe_population

        who = describe_population(json.loads(population or "{}"))
    except (ImportError, ValueError, TypeError):
        who = ""
    words = f"{skill}, {who}" if who and who != "students" else skill
    return f"{words} ({METRIC_LABELS.get(metric, metric)})"


def team_goals(db: Database, team_id: int) -> pd.DataFrame:
    """The team's goals to link a meeting to: id, label."""
    rows = _rows(
        db,
        "SELECT id, skill, metric, population, status FROM goal WHERE team_id = ? ORDER BY id",
        [team_id],
    )
    return pd.DataFrame(
        [
            {"id": gid, "label": f"{_goal_label(skill, metric, pop)} · {status}"}
            for gid, skill, metric, pop, status in rows
        ],
        columns=["id", "label"],
    )


MEETING_FIELDS = (
    "learn",
    "know",
    "not_yet",
    "already",
    "next_step",
    "next_step_who",
    "next_step_by",
)

#: The four PLC questions the agenda is anchored on.
PLC_QUESTIONS: dict[str, str] = {
    "learn": "1. What do we want students to learn?",
    "know": "2. How will we know they have learned it?",
    "not_yet": "3. What will we do if they don't learn it?",
    "already": "4. What will we do if they already have?",
}


def save_meeting(
    db: Database,
    team_id: int,
    met_on: date,
    facilitator: str | None = None,
    goal_id: int | None = None,
    meeting_id: int | None = None,
    **answers: Any,
) -> int:
    """Create (or, with ``meeting_id``, update) a meeting agenda. Returns its id.

    ``answers`` are the PLC question fields and the next step; a meeting needs a clear next step.
    """
    unknown = set(answers) - set(MEETING_FIELDS)
    if unknown:
        raise ValueError(f"unknown meeting fields: {sorted(unknown)}")
    if met_on is None:
        raise UserError("Pick the meeting date")
    values = {f: answers.get(f) for f in MEETING_FIELDS}
    for f in MEETING_FIELDS[:-1]:
        values[f] = _text(values[f])
    if not values["next_step"]:
        raise UserError("Close the meeting with a clear next step")
    params = [team_id, goal_id, met_on, _text(facilitator), *values.values()]
    with _tx(db) as cur:
        if meeting_id is None:
            return cur.execute(
                "INSERT INTO team_meeting (team_id, goal_id, met_on, facilitator, learn, know, not_yet,"
                " already, next_step, next_step_who, next_step_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id",
                params,
            ).fetchone()[0]
        cur.execute(
            "UPDATE team_meeting SET team_id = ?, goal_id = ?, met_on = ?, facilitator = ?, learn = ?,"
            " know = ?, not_yet = ?, already = ?, next_step = ?, next_step_who = ?, next_step_by = ?"
            " WHERE id = ?",
            [*params, meeting_id],
        )
        return meeting_id


def meetings(db: Database, team_id: int) -> pd.DataFrame:
    """The team's meetings, newest first."""
    return _query(
        db,
        "SELECT id, met_on, facilitator, goal_id, learn, know, not_yet, already, next_step,"
        " next_step_who, next_step_by FROM team_meeting WHERE team_id = ? ORDER BY met_on DESC, id DESC",
        [team_id],
    )


def meeting(db: Database, meeting_id: int) -> dict[str, Any]:
    """One meeting's agenda as plain values (dates as dates, blanks as None)."""
    found = _record(
        db,
        "SELECT id, team_id, goal_id, met_on, facilitator, learn, know, not_yet, already,"
        " next_step, next_step_who, next_step_by FROM team_meeting WHERE id = ?",
        [meeting_id],
    )
    if found is None:
        raise UserError("That meeting was deleted")
    return found


def delete_meeting(db: Database, meeting_id: int) -> Removed:
    return _delete(db, "The meeting", [("team_meeting", "id = ?", [meeting_id])])


def next_facilitator(db: Database, team_id: int) -> str | None:
    """Whose turn it is to facilitate: the member after the last meeting's facilitator."""
    names = members(db, team_id)["name"].tolist()
    if not names:
        return None
    last = _scalar(
        db,
        "SELECT facilitator FROM team_meeting WHERE team_id = ? ORDER BY met_on DESC, id DESC LIMIT 1",
        [team_id],
    )
    if last not in names:
        return names[0]
    return names[(names.index(last) + 1) % len(names)]


def team_progress(db: Database, team_id: int) -> list[tuple[str, bool, str]]:
    ws = team_workspace(db, team_id)
    people = len(members(db, team_id))
    norm_count = len(norms(db, team_id))
    meeting_count = len(meetings(db, team_id))
    return [
        ("Members", people > 0, f"{people} members"),
        ("Protected time", bool(ws["protected_time"]), ws["protected_time"] or "not set"),
        ("Norms", norm_count > 0, f"{norm_count} norms"),
        ("Stage", bool(ws["stage"]), ws["stage"] or "not chosen"),
        ("Meetings", meeting_count > 0, f"{meeting_count} agendas saved"),
    ]


# =========================================================================================
# 3. Theory of action
# =========================================================================================

TOA_FIELDS = (
    "condition",
    "where_now",
    "where_next",
    "why",
    "barrier",
    "approach",
    "if_we",
    "then_",
    "lead_to",
    "purpose_vision",
    "purpose_people",
    "purpose_plan",
    "data_gathered",
    "results",
    "decision",
    "next_condition",
)


def add_theory(db: Database, condition: str) -> int:
    with _tx(db) as cur:
        return cur.execute(
            "INSERT INTO theory_of_action (condition) VALUES (?) RETURNING id",
            [_need(condition, "the condition to work on")],
        ).fetchone()[0]


def save_theory(db: Database, toa_id: int, **fields: Any) -> None:
    """Save any of :data:`TOA_FIELDS` for one theory of action."""
    unknown = set(fields) - set(TOA_FIELDS)
    if unknown:
        raise ValueError(f"unknown theory fields: {sorted(unknown)}")
    if "decision" in fields and fields["decision"] not in (None, *DECISIONS):
        raise UserError("The decision is revisit or move on to another condition")
    if "condition" in fields:
        fields["condition"] = _need(fields["condition"], "the condition to work on")
    if not fields:
        return
    sets = ", ".join(f"{name} = ?" for name in fields)
    with _tx(db) as cur:
        cur.execute(
            f"UPDATE theory_of_action SET {sets}, updated_at = current_timestamp WHERE id = ?",  # noqa: S608 - column names checked against TOA_FIELDS
            [_text(v) if isinstance(v, str) else v for v in fields.values()] + [toa_id],
        )


def theories(db: Database) -> pd.DataFrame:
    return _query(
        db, "SELECT id, condition, decision, created_at FROM theory_of_action ORDER BY id"
    )


def theory(db: Database, toa_id: int) -> dict[str, Any]:
    found = _record(
        db,
        f"SELECT id, {', '.join(TOA_FIELDS)} FROM theory_of_action WHERE id = ?",  # noqa: S608 - fixed column list
        [toa_id],
    )
    if found is None:
        raise UserError("That theory of action was deleted")
    return found


def theory_statement(toa: dict[str, Any]) -> str | None:
    """The sentence "If we …, then …, which will lead to …" once all three parts are written."""
    if not (toa.get("if_we") and toa.get("then_") and toa.get("lead_to")):
        return None

    def part(text: str) -> str:
        return text.strip().rstrip(".,;")

    return f"If we {part(toa['if_we'])}, then {part(toa['then_'])}, which will lead to {part(toa['lead_to'])}."


def delete_theory(db: Database, toa_id: int) -> Removed:
    return _delete(
        db,
        "The theory of action",
        [("theory_of_action", "id = ?", [toa_id]), ("toa_action", "toa_id = ?", [toa_id])],
    )


def add_toa_action(
    db: Database,
    toa_id: int,
    what: str,
    by_when: date,
    who: str | None = None,
    how_we_know: str | None = None,
    starts_on: date | None = None,
) -> int:
    if by_when is None:
        raise UserError("Pick the date it will be done by")
    if starts_on is not None and starts_on > by_when:
        raise UserError("The start date is after the date it is due")
    with _tx(db) as cur:
        return cur.execute(
            "INSERT INTO toa_action (toa_id, what, who, starts_on, by_when, how_we_know) VALUES (?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            [
                toa_id,
                _need(what, "what will happen"),
                _text(who),
                starts_on,
                by_when,
                _text(how_we_know),
            ],
        ).fetchone()[0]


def set_toa_action_done(db: Database, action_id: int, done: bool) -> None:
    with _tx(db) as cur:
        cur.execute("UPDATE toa_action SET done = ? WHERE id = ?", [bool(done), action_id])


def toa_actions(db: Database, toa_id: int) -> pd.DataFrame:
    return _query(
        db,
        "SELECT id, what, who, starts_on, by_when, how_we_know, done FROM toa_action"
        " WHERE toa_id = ? ORDER BY by_when, id",
        [toa_id],
    )


def delete_toa_action(db: Database, action_id: int) -> Removed:
    return _delete(db, "The action", [("toa_action", "id = ?", [action_id])])


def theory_progress(db: Database, toa_id: int) -> list[tuple[str, bool, str]]:
    t = theory(db, toa_id)
    actions = toa_actions(db, toa_id)
    return [
        (
            "Where we are",
            bool(t["where_now"] and t["where_next"]),
            "now and next written" if t["where_now"] and t["where_next"] else "not yet",
        ),
        (
            "Barrier and approach",
            bool(t["barrier"] and t["approach"]),
            "chosen" if t["barrier"] and t["approach"] else "not yet",
        ),
        ("Theory statement", theory_statement(t) is not None, "If … then … which will lead to …"),
        (
            "Purpose map",
            bool(t["purpose_vision"] and t["purpose_people"] and t["purpose_plan"]),
            "vision, people, plan",
        ),
        (
            "Action timeline",
            len(actions) > 0,
            f"{len(actions)} actions, {int(actions['done'].sum()) if len(actions) else 0} done",
        ),
        (
            "Impact",
            bool(t["results"] and t["decision"]),
            DECISIONS.get(t["decision"], "after the test"),
        ),
    ]


# =========================================================================================
# 4. Collaboration health survey
# =========================================================================================


def open_round(db: Database, label: str, opened_on: date | None = None) -> int:
    """Open a survey round (e.g. "Fall 2025") that staff can answer until it is closed."""
    label = _need(label, "a name for the round")
    if _scalar(db, "SELECT count(*) FROM survey_round WHERE lower(label) = lower(?)", [label]):
        raise UserError(f"There is already a round called {label}")
    with _tx(db) as cur:
        round_id = cur.execute(
            "INSERT INTO survey_round (label, opened_on) VALUES (?, ?) RETURNING id",
            [label, opened_on or date.today()],
        ).fetchone()[0]
        cur.executemany(
            "INSERT INTO survey_tally (round_id, item, value, answers) VALUES (?, ?, ?, 0)",
            [[round_id, item, value] for item in SURVEY_ITEMS for value in SCALE],
        )
        return round_id


def close_round(db: Database, round_id: int) -> None:
    """Close a round for good: answers stop and results appear (if enough people answered).

    A closed round is never reopened, so results never change after people have seen them.
    """
    with _tx(db) as cur:
        cur.execute("UPDATE survey_round SET closed = true WHERE id = ?", [round_id])


def rounds(db: Database) -> pd.DataFrame:
    """Rounds in order: id, label, opened_on, closed, state (open/closed), responses (a count)."""
    return _query(
        db,
        "SELECT id, label, opened_on, closed, CASE WHEN closed THEN 'closed' ELSE 'open' END AS state,"
        " responses FROM survey_round ORDER BY opened_on, id",
    )


def open_rounds(db: Database) -> pd.DataFrame:
    return _query(db, "SELECT id, label FROM survey_round WHERE NOT closed ORDER BY opened_on, id")


def submit_survey(db: Database, round_id: int, answers: dict[str, int]) -> None:
    """Count one anonymous response: every item answered 1-5. Returns nothing to link back."""
    missing = [k for k in SURVEY_ITEMS if answers.get(k) is None]
    if missing:
        raise UserError(f"Answer every statement ({len(missing)} left)")
    unknown = set(answers) - set(SURVEY_ITEMS)
    if unknown:
        raise UserError("Unknown survey statement")
    if any(int(answers[k]) not in SCALE for k in SURVEY_ITEMS):
        raise UserError("Answers run from 1 to 5")
    with _tx(db) as cur:
        state = cur.execute("SELECT closed FROM survey_round WHERE id = ?", [round_id]).fetchone()
        if state is None or state[0]:
            raise UserError("This survey round is closed")
        for item in SURVEY_ITEMS:
            cur.execute(
                "UPDATE survey_tally SET answers = answers + 1 WHERE round_id = ? AND item = ? AND value = ?",
                [round_id, item, int(answers[item])],
            )
        cur.execute("UPDATE survey_round SET responses = responses + 1 WHERE id = ?", [round_id])


def delete_round(db: Database, round_id: int) -> Removed:
    return _delete(
        db,
        "The survey round",
        [("survey_round", "id = ?", [round_id]), ("survey_tally", "round_id = ?", [round_id])],
    )


def _closed_tallies(db: Database) -> pd.DataFrame:
    """Counts per closed round, item and value (aggregates by construction)."""
    frame = _query(
        db,
        "SELECT r.id AS round_id, r.label AS round, r.opened_on, r.responses, t.item, t.value, t.answers"
        " FROM survey_round r JOIN survey_tally t ON t.round_id = r.id WHERE r.closed",
    )
    frame = frame[frame["item"].isin(list(SURVEY_ITEMS))].copy()
    frame["area"] = [SURVEY_ITEMS[i][0] for i in frame["item"]]
    frame["points"] = frame["answers"] * frame["value"]
    frame["agree"] = frame["answers"].where(frame["value"] >= 4, 0)
    return frame


def _summarise(tallies: pd.DataFrame, keys: list[str], min_size: int) -> pd.DataFrame:
    columns = [
        "round_id",
        "round",
        "opened_on",
        *keys,
        "n",
        "responses",
        "mean",
        "pct_agree",
        "suppressed",
    ]
    if tallies.empty:
        return pd.DataFrame(columns=columns)
    grouped = tallies.groupby(["round_id", "round", "opened_on", *keys], as_index=False).agg(
        answers=("answers", "sum"),
        points=("points", "sum"),
        agree=("agree", "sum"),
        round_responses=("responses", "max"),
    )
    # n is people: per item the answers; per area every response answered each of its items.
    grouped["n"] = (grouped["answers"] if "item" in keys else grouped["round_responses"]).astype(
        int
    )
    grouped["suppressed"] = grouped["n"] < min_size
    grouped["responses"] = [
        fewer_than(min_size, "responses") if hidden else str(n)
        for hidden, n in zip(grouped["suppressed"], grouped["n"], strict=True)
    ]
    safe = grouped["answers"].where(grouped["answers"] > 0)
    grouped["mean"] = (grouped["points"] / safe).round(2).where(~grouped["suppressed"])
    grouped["pct_agree"] = (100 * grouped["agree"] / safe).round(1).where(~grouped["suppressed"])
    grouped["mean"] = grouped["mean"].astype(object).where(grouped["mean"].notna(), None)
    grouped["pct_agree"] = (
        grouped["pct_agree"].astype(object).where(grouped["pct_agree"].notna(), None)
    )
    return grouped[columns]


def survey_results(db: Database, min_size: int | None = None) -> pd.DataFrame:
    """Per closed round and item: round_id, round, opened_on, area, item, n, mean (1-5),
    responses (n as text, or "fewer than 10 responses"), pct_agree (answered 4 or 5),
    suppressed, area_label, statement.

    Open rounds are left out (results show only once a round is closed). When n is under
    the minimum group size, mean and pct_agree are None and suppressed is True.
    """
    out = _summarise(_closed_tallies(db), ["area", "item"], min_size or config.MIN_GROUP_SIZE)
    out["area_label"] = out["area"].map(SURVEY_AREAS)
    out["statement"] = [SURVEY_ITEMS[i][1] for i in out["item"]]
    out["_order"] = out["item"].map({k: n for n, k in enumerate(SURVEY_ITEMS)})
    return out.sort_values(["opened_on", "round_id", "_order"], ignore_index=True).drop(
        columns="_order"
    )


def latest_statement_results(db: Database) -> tuple[str | None, pd.DataFrame]:
    """The latest closed round with results (not suppressed) and its per-statement rows."""
    items = survey_results(db)
    items = items[~items["suppressed"].astype(bool)]
    if items.empty:
        return None, items
    latest = items["round"].iloc[-1]
    return latest, items[items["round"] == latest].reset_index(drop=True)


def survey_area_results(db: Database, min_size: int | None = None) -> pd.DataFrame:
    """Per closed round and area: round_id, round, opened_on, area, n, mean, pct_agree,
    suppressed, area_label. n is the round's number of responses."""
    out = _summarise(_closed_tallies(db), ["area"], min_size or config.MIN_GROUP_SIZE)
    out["area_label"] = out["area"].map(SURVEY_AREAS)
    order = {k: n for n, k in enumerate(SURVEY_AREAS)}
    out["_order"] = out["area"].map(order)
    return out.sort_values(["opened_on", "round_id", "_order"], ignore_index=True).drop(
        columns="_order"
    )


def goal_progress_beside(db: Database) -> pd.DataFrame:
    """Every goal's progress, to read next to the survey: team, goal, status, baseline,
    latest, latest_label, gap_closed (0-100 %, None when not measured).

    Uses ``collabplan.goals.goal_progress``; a goal it cannot compute is listed with its
    status "not enough data yet", and no goals (or no goals module) gives an empty frame.
    """
    columns = [
        "goal_id",
        "team",
        "goal",
        "status",
        "baseline",
        "latest",
        "latest_label",
        "gap_closed",
    ]
    rows = _rows(
        db,
        "SELECT g.id, t.name, g.skill, g.metric, g.population FROM goal g"
        " LEFT JOIN team t ON t.id = g.team_id"
        " ORDER BY t.name, g.id",
    )
    try:
        from collabplan.goals.progress import goal_progress
    except ImportError:  # the goals module is not installed in this build
        goal_progress = None
    out = []
    for goal_id, team, skill, metric, population in rows:
        record = {
            "goal_id": goal_id,
            "team": team or "—",
            "goal": _goal_label(skill, metric, population),
            "status": "not enough data yet",
            "baseline": None,
            "latest": None,
            "latest_label": None,
            "gap_closed": None,
        }
        if goal_progress is not None:
            try:
                progress = goal_progress(db, goal_id)
            except Exception:  # noqa: BLE001 - one goal that cannot be computed must not hide the rest
                progress = None
            if progress is not None:
                record["status"] = progress.status
                record["baseline"] = getattr(progress.baseline, "value", None)
                if progress.latest is not None:
                    record["latest"] = progress.latest.value
                    record["latest_label"] = progress.latest.label
                if progress.gap_closed is not None:
                    record["gap_closed"] = round(100 * progress.gap_closed)
        out.append(record)
    return pd.DataFrame(out, columns=columns)


def health_progress(db: Database) -> list[tuple[str, bool, str]]:
    all_rounds = rounds(db)
    closed = all_rounds[all_rounds["closed"]]
    shown = int((closed["responses"] >= config.MIN_GROUP_SIZE).sum())
    return [
        ("Round opened", len(all_rounds) > 0, f"{len(all_rounds)} rounds"),
        (
            "Responses",
            int(all_rounds["responses"].sum()) > 0,
            f"{int(all_rounds['responses'].sum())} responses in all",
        ),
        ("Results", shown > 0, f"{shown} closed rounds with results"),
    ]


# =========================================================================================
# The goal report and the demo school
# =========================================================================================


def _e(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return html.escape(str(value))


def _ul(items: Iterable[str]) -> str:
    items = list(items)
    return (
        "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>" if items else "<p>None yet.</p>"
    )


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    rows = list(rows)
    if not rows:
        return "<p>None yet.</p>"
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _vision_html(db: Database) -> str:
    v = vision(db)
    parts = [
        "<h3>Our vision for collaborative planning</h3>",
        f"<p><strong>{_e(v['statement'])}</strong></p>"
        if v["statement"]
        else "<p>Not agreed yet.</p>",
    ]
    if v["agreed_on"]:
        parts.append(f"<p>Agreed on {_e(v['agreed_on'])}.</p>")
    if v["definition"]:
        parts.append(f"<h4>What we mean by collaborative planning</h4><p>{_e(v['definition'])}</p>")
    people = stakeholders(db)
    parts.append(
        "<h4>Who took part</h4>"
        + _ul(f"{_e(n)} ({_e(r)})" for n, r in zip(people["name"], people["role"], strict=True))
    )
    crit = criteria_ratings(db)
    parts.append(
        "<h4>Criteria for success</h4>"
        + _table(
            ["Criterion", "Where we are", "Notes"],
            zip(crit["label"], crit["rating_label"], crit["notes"], strict=True),
        )
    )
    themes = theme_counts(db)
    parts.append(
        "<h4>Themes from the brainstorm</h4>"
        + _table(["Theme", "Notes"], zip(themes["theme"], themes["notes"], strict=True))
    )
    values = shared_values(db)
    parts.append(
        "<h4>Shared values</h4>"
        + _ul(
            f"<strong>{_e(n)}</strong>" + (f": {_e(m)}" if m else "")
            for n, m in zip(values["name"], values["meaning"], strict=True)
        )
    )
    plan = communication_plan(db)
    parts.append(
        "<h4>Communication plan</h4>"
        + _table(
            ["When", "How", "Who hears it", "Status"],
            zip(
                plan["planned_on"].astype(str),
                plan["way"],
                plan["audience"],
                plan["status"],
                strict=True,
            ),
        )
        + f"<p>{_e(check_communication(db).message)}</p>"
    )
    return "".join(parts)


def _teams_html(db: Database) -> str:
    all_teams = teams(db)
    if all_teams.empty:
        return "<p>No teams yet.</p>"
    supports = stage_supports(db).set_index("stage")["support"].to_dict()
    parts = []
    for team_id, name in zip(all_teams["id"], all_teams["name"], strict=True):
        ws = team_workspace(db, int(team_id))
        people = members(db, int(team_id))
        parts.append(f"<h3>{_e(name)}</h3>")
        parts.append(
            "<p>"
            f"Members: {_e(', '.join(people['name'])) if len(people) else '—'}. "
            f"Protected time: {_e(ws['protected_time'])}"
            + (f" ({_e(ws['minutes_per_week'])} minutes a week)" if ws["minutes_per_week"] else "")
            + f". Stage: {_e(ws['stage'])}"
            + (
                f" (school support: {_e(supports.get(ws['stage']))})"
                if ws["stage"] and supports.get(ws["stage"])
                else ""
            )
            + f". Next facilitator: {_e(next_facilitator(db, int(team_id)))}.</p>"
        )
        team_norms = norms(db, int(team_id))
        parts.append(
            "<h4>Norms</h4>"
            + _table(
                ["Norm", "Agreed", "Revisited"],
                zip(
                    team_norms["body"],
                    team_norms["agreed_on"].astype(str),
                    team_norms["revisited_on"].map(lambda d: None if pd.isna(d) else str(d)),
                    strict=True,
                ),
            )
        )
        team_meetings = meetings(db, int(team_id)).head(5)
        parts.append(
            "<h4>Recent meetings</h4>"
            + _table(
                ["Date", "Facilitator", "Students should learn", "Next step", "Who", "By"],
                zip(
                    team_meetings["met_on"].astype(str),
                    team_meetings["facilitator"],
                    team_meetings["learn"],
                    team_meetings["next_step"],
                    team_meetings["next_step_who"],
                    team_meetings["next_step_by"].map(lambda d: None if pd.isna(d) else str(d)),
                    strict=True,
                ),
            )
        )
    return "".join(parts)


def _theory_html(db: Database) -> str:
    all_theories = theories(db)
    if all_theories.empty:
        return "<p>No theory of action yet.</p>"
    parts = []
    for toa_id in all_theories["id"]:
        t = theory(db, int(toa_id))
        parts.append(f"<h3>Condition: {_e(t['condition'])}</h3>")
        parts.append(
            _table(
                ["", ""],
                [
                    ("Where we are", t["where_now"]),
                    ("Where we want to be", t["where_next"]),
                    ("Why", t["why"]),
                    ("Biggest barrier in our control", t["barrier"]),
                    ("Approach", t["approach"]),
                    ("Theory of action", theory_statement(t)),
                    ("Purpose: vision", t["purpose_vision"]),
                    ("Purpose: people involved", t["purpose_people"]),
                    ("Purpose: initial plan", t["purpose_plan"]),
                    ("Data gathered", t["data_gathered"]),
                    ("Results", t["results"]),
                    ("Decision", DECISIONS.get(t["decision"]) if t["decision"] else None),
                    ("Next condition", t["next_condition"]),
                ],
            )
        )
        actions = toa_actions(db, int(toa_id))
        parts.append(
            "<h4>Action timeline</h4>"
            + _table(
                ["What", "Who", "By when", "How we will know", "Done"],
                zip(
                    actions["what"],
                    actions["who"],
                    actions["by_when"].astype(str),
                    actions["how_we_know"],
                    actions["done"].map({True: "yes", False: "not yet"}),
                    strict=True,
                ),
            )
        )
    return "".join(parts)


def _health_html(db: Database) -> str:
    all_rounds = rounds(db)
    if all_rounds.empty:
        return "<p>No survey rounds yet.</p>"
    results = survey_area_results(db)
    parts = [
        "<p>Anonymous staff survey on a 1–5 scale (5 = strongly agree). Only closed rounds with at "
        f"least {config.MIN_GROUP_SIZE} responses are reported.</p>"
    ]
    rows = []
    for r in results.itertuples():
        if r.suppressed:
            rows.append((r.round, r.area_label, fewer_than(noun="responses"), "—", "—"))
        else:
            rows.append((r.round, r.area_label, r.n, f"{r.mean:.2f}", f"{r.pct_agree:.0f}%"))
    parts.append(_table(["Round", "Area", "Responses", "Average (1–5)", "Agree"], rows))
    still_open = all_rounds[~all_rounds["closed"]]
    if len(still_open):
        parts.append(
            f"<p>Still open (results appear when closed): {_e(', '.join(still_open['label']))}.</p>"
        )
    return "".join(parts)


def report_sections(db: Database) -> list[tuple[str, str]]:
    """(title, HTML fragment) for every workspace, for the goal report. All text is escaped."""
    return [
        ("Vision and values", _vision_html(db)),
        ("Teams and norms", _teams_html(db)),
        ("Theory of action", _theory_html(db)),
        ("Collaboration health", _health_html(db)),
    ]


def seed_demo(db: Database, seed: int = 7) -> None:
    """Fill a plausible, partly completed workspace for the demo school.

    Uses the teams already in the database (creating two when there are none). Does nothing
    when the workspace already has a vision, so calling it twice is safe.
    """
    if _scalar(db, "SELECT count(*) FROM vision") or _scalar(
        db, "SELECT count(*) FROM vision_stakeholder"
    ):
        return
    rng = random.Random(seed)
    today = date.today()
    for name, role in [
        ("Dr. Alvarez", "Principal"),
        ("Ms. Chen", "Instructional coach"),
        ("Mr. Okafor", "Teacher leader"),
        ("Ms. Patel", "Classroom teacher"),
        ("Mrs. Rivera", "ELL teacher"),
        ("Mr. Brooks", "Parent or family member"),
    ]:
        add_stakeholder(db, name, role)
    save_vision(
        db,
        definition=(
            "Collaborative planning is teachers working together, on protected time and with a "
            "protocol, to plan lessons from evidence of what our students know and can do."
        ),
    )
    ratings = {
        "clear_vision": ("opportunity", "We talk about it but have not written it down."),
        "dedicated_time": ("already_true", "Grade teams have a weekly block."),
        "protocols": ("opportunity", "Some teams use the data protocol; others do not yet."),
        "roles": ("challenging", "Roles are unclear when the coach is absent."),
        "trained_facilitators": ("challenging", None),
        "invested": ("already_true", None),
    }
    for key, (rating, note) in ratings.items():
        rate_criterion(db, key, rating, note)
    for kind, body, themes in [
        ("is", "Looking at student work together before we plan", "student work, planning"),
        ("is", "Everyone brings ideas and takes a turn leading", "shared leadership"),
        ("is", "Protected time that is used for teaching and learning", "time"),
        ("is_not", "Announcements and paperwork", "time"),
        ("is_not", "One person telling others what to do", "shared leadership"),
        ("is_not", "Judging each other's classrooms", "trust"),
        ("matters_most", "Trust to say what is not working", "trust"),
        ("matters_most", "Every student, especially those who struggle", "equity, student work"),
        ("matters_most", "Leaving with a plan we will all use next week", "planning"),
    ]:
        add_note(db, kind, body, themes)
    add_note(db, "is", "Sharing resources")  # not yet tagged
    for value, meaning in [
        ("Trust", "We can say what is not working."),
        ("Equity", "Every student gets what they need to learn."),
        ("Curiosity", "We ask why and look at evidence."),
    ]:
        add_value(db, value, meaning)
    add_draft(
        db,
        "Together we will become a school where every teacher plans with colleagues and every "
        "student is seen, challenged and supported.",
        "Ms. Chen",
        ["high_standards", "future", "unifying", "image"],
    )
    add_draft(
        db,
        "All students will read on grade level by 2027 because we plan together with trust.",
        "Mr. Okafor",
        ["high_standards", "future"],
    )
    add_communication(db, today - timedelta(days=20), "Staff meeting", "All staff", "done")
    add_communication(db, today + timedelta(days=10), "Family newsletter", "Families")
    # Two ways in the plan so far: the page shows what is still missing.

    team_rows = teams(db)
    if team_rows.empty:
        add_team(db, "Grade 3 Team", "3", "Reading")
        add_team(db, "Grade 4 Team", "4", "Math")
        team_rows = teams(db)
    supports = {
        "forming": "Coach co-facilitates the first four meetings; norms template provided.",
        "norming": "Facilitator training in the data protocol; monthly check-in with the principal.",
        "performing": "Release time for peer observation.",
    }
    for stage, support in supports.items():
        save_stage_support(db, stage, support)
    staff = [
        "Ms. Patel",
        "Mr. Kim",
        "Ms. Johnson",
        "Mr. Diaz",
        "Ms. Nguyen",
        "Mrs. Lee",
        "Mr. Smith",
        "Ms. Brown",
    ]
    stages = ["norming", "forming", "performing", "forming"]
    for n, (team_id, team_name) in enumerate(
        zip(team_rows["id"].tolist(), team_rows["name"].tolist(), strict=True)
    ):
        if members(db, team_id).empty:  # keep the demo school's own members when it has them
            for person in staff[(2 * n) % len(staff) : (2 * n) % len(staff) + 3]:
                add_member(db, team_id, person, "Teacher")
        save_team_workspace(
            db,
            team_id,
            ["Tuesdays 2:45–3:30", "Thursdays 8:00–8:45"][n % 2],
            45,
            stages[n % len(stages)],
        )
        add_norm(db, team_id, "Start and end on time.", today - timedelta(days=60))
        add_norm(
            db,
            team_id,
            "Assume good intentions and speak from evidence.",
            today - timedelta(days=60),
        )
        if n == 0:
            revisit_norm(db, norms(db, team_id)["id"].iloc[0], on=today - timedelta(days=14))
            goal_ids = team_goals(db, team_id)["id"].tolist()
            names = members(db, team_id)["name"].tolist()
            save_meeting(
                db,
                team_id,
                today - timedelta(days=7),
                facilitator=names[0] if names else None,
                goal_id=goal_ids[0] if goal_ids else None,
                learn=f"{team_name}: finding the main idea in a nonfiction passage.",
                know="Exit ticket on Friday; 3 of 4 correct counts as secure.",
                not_yet="Small-group reteach with a graphic organiser on Monday.",
                already="Compare main ideas across two texts.",
                next_step="Each teacher brings five exit tickets to the next meeting.",
                next_step_who="Everyone",
                next_step_by=today + timedelta(days=2),
            )

    toa = add_theory(db, "Enabling work structures")
    save_theory(
        db,
        toa,
        where_now="Team time is often taken for duty coverage and announcements.",
        where_next="Every team meets weekly for 45 protected minutes focused on student work.",
        why="Teams that meet consistently plan from evidence and lift reading results.",
        barrier="The master schedule puts coverage duties in team time.",
        approach="Rebuild the duty rota so no teacher covers during their team's block.",
        if_we="protect a weekly 45-minute block for every team",
        then_="teams will study student work every week",
        lead_to="more students reading on grade level",
        purpose_vision="Weekly team time that is never taken.",
        purpose_people="Principal, scheduling lead, team facilitators",
        purpose_plan="Draft the new rota, share at the staff meeting, try it for six weeks.",
    )
    add_toa_action(
        db,
        toa,
        "Draft the new duty rota",
        today - timedelta(days=21),
        "Scheduling lead",
        "Rota shared with staff",
        today - timedelta(days=35),
    )
    add_toa_action(
        db,
        toa,
        "Try the rota for six weeks",
        today + timedelta(days=21),
        "All teams",
        "Meeting log shows weekly meetings",
        today - timedelta(days=20),
    )
    add_toa_action(
        db,
        toa,
        "Survey staff on protected time",
        today + timedelta(days=28),
        "Coach",
        "Survey round closed with results",
    )
    set_toa_action_done(db, int(toa_actions(db, toa)["id"].iloc[0]), True)

    # Survey: two closed rounds with enough answers, one small closed round (suppressed), one open.
    def answer(base: float) -> int:
        return max(1, min(5, round(rng.gauss(base, 0.9))))

    plans = [
        ("{month} survey", today - timedelta(days=120), 18, 2.9, True),
        ("{month} survey", today - timedelta(days=60), 16, 3.4, True),
        ("{month} make-up", today - timedelta(days=50), 4, 3.0, True),
        ("{month} survey", today - timedelta(days=3), 6, 3.7, False),
    ]
    for label, opened, people, base, closed in plans:
        round_id = open_round(db, label.format(month=opened.strftime("%B %Y")), opened)
        for _ in range(people):
            submit_survey(
                db,
                round_id,
                {
                    item: answer(base + (0.3 if area == "trust" else 0))
                    for item, (area, _) in SURVEY_ITEMS.items()
                },
            )
        if closed:
            close_round(db, round_id)
