"""Visioning: stakeholders, the definition, the seven criteria, brainstorm notes and themes,
vision drafts checked against six criteria, shared values and the communication plan.

Reads return DataFrames or dicts; each write is one transaction; deletes return a
:class:`~collabplan.workspace.store.Removed` for Undo.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.text import count
from collabplan.workspace import store

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


def add_stakeholder(db: Database, name: str, role: str) -> int:
    with store.transaction(db) as cur:
        return cur.execute(
            "INSERT INTO vision_stakeholder (name, role) VALUES (?, ?) RETURNING id",
            [store.need(name, "a name"), store.need(role, "a role")],
        ).fetchone()[0]


def stakeholders(db: Database) -> pd.DataFrame:
    """id, name, role, label ("Ms. Chen (Instructional coach)")."""
    return store.query(
        db,
        "SELECT id, name, role, name || ' (' || role || ')' AS label FROM vision_stakeholder ORDER BY id",
    )


def delete_stakeholder(db: Database, stakeholder_id: int) -> store.Removed:
    return store.delete(db, "The stakeholder", [("vision_stakeholder", "id = ?", [stakeholder_id])])


def vision(db: Database) -> dict[str, Any]:
    """The working definition, the agreed statement and when it was agreed (blank if none).

    ``agreed_on`` is the statement's consensus mark (the guide's 6E, see vision_session).
    """
    row = db.rows(
        "SELECT v.definition, v.statement, c.agreed_on FROM vision v"
        " LEFT JOIN vision_consensus c ON c.step = 'statement' WHERE v.id = 1"
    )
    if not row:
        return {"definition": None, "statement": None, "agreed_on": None}
    definition, statement, agreed_on = row[0]
    return {"definition": definition, "statement": statement, "agreed_on": agreed_on}


def save_vision(db: Database, **fields: Any) -> None:
    """Save any of ``definition``, ``statement``, ``agreed_on``; others keep their values.

    ``agreed_on`` sets (or, None, clears) the date of the statement's consensus mark, keeping
    who was there; the words agreed are the statement as saved.
    """
    allowed = {"definition", "statement", "agreed_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown vision fields: {sorted(unknown)}")
    current = vision(db)
    for key, value in fields.items():
        current[key] = store.clean_text(value) if isinstance(value, str) or value is None else value
    with store.transaction(db) as cur:
        cur.execute("DELETE FROM vision WHERE id = 1")
        cur.execute(
            "INSERT INTO vision (id, definition, statement) VALUES (1, ?, ?)",
            [current["definition"], current["statement"]],
        )
        if "agreed_on" in fields and current["agreed_on"] is None:
            cur.execute("DELETE FROM vision_consensus WHERE step = 'statement'")
        elif "agreed_on" in fields:
            # (an update, else an insert, not ON CONFLICT: the shared store's writer passes
            # no upsert on; the step's people present and note stay as they were)
            cur.execute(
                "UPDATE vision_consensus SET agreed_on = ?, agreed_text = ? WHERE step = 'statement'",
                [current["agreed_on"], current["statement"]],
            )
            cur.execute(
                "INSERT INTO vision_consensus (step, agreed_on, agreed_text)"
                " SELECT 'statement', ?, ? WHERE NOT EXISTS"
                " (SELECT 1 FROM vision_consensus WHERE step = 'statement')",
                [current["agreed_on"], current["statement"]],
            )


def rate_criterion(
    db: Database, criterion: str, rating: str | None, notes: str | None = None
) -> None:
    if criterion not in SUCCESS_CRITERIA:
        raise UserError(f"Unknown criterion {criterion!r}")
    if rating is not None and rating not in RATINGS:
        raise UserError(f"Rate it one of: {', '.join(RATINGS.values())}")
    with store.transaction(db) as cur:
        cur.execute("DELETE FROM vision_criterion WHERE criterion = ?", [criterion])
        cur.execute(
            "INSERT INTO vision_criterion (criterion, rating, notes) VALUES (?, ?, ?)",
            [criterion, rating, store.clean_text(notes)],
        )


def criteria_ratings(db: Database) -> pd.DataFrame:
    """All seven criteria in order: criterion, label, rating (key or None), rating_label, notes."""
    saved = {
        r[0]: (r[1], r[2])
        for r in db.rows("SELECT criterion, rating, notes FROM vision_criterion")
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
    return store.blanks_as_none(pd.DataFrame(rows))


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
    with store.transaction(db) as cur:
        return cur.execute(
            "INSERT INTO brainstorm_note (kind, body, themes) VALUES (?, ?, ?) RETURNING id",
            [kind, store.need(body, "the note"), _themes(themes)],
        ).fetchone()[0]


def tag_note(db: Database, note_id: int, themes: Iterable[str] | str | None) -> None:
    with store.transaction(db) as cur:
        cur.execute(
            "UPDATE brainstorm_note SET themes = ? WHERE id = ?", [_themes(themes), note_id]
        )


def notes(db: Database) -> pd.DataFrame:
    """Brainstorm notes: id, kind, body, themes (list)."""
    frame = store.query(db, "SELECT id, kind, body, themes FROM brainstorm_note ORDER BY id")
    frame["themes"] = [list(t) if t is not None else [] for t in frame["themes"]]
    return frame


def delete_note(db: Database, note_id: int) -> store.Removed:
    return store.delete(db, "The note", [("brainstorm_note", "id = ?", [note_id])])


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
    return db.scalar("SELECT name FROM school ORDER BY id LIMIT 1")


def add_draft(db: Database, body: str, author: str | None = None, ticks: Iterable[str] = ()) -> int:
    with store.transaction(db) as cur:
        return cur.execute(
            "INSERT INTO vision_draft (author, body, ticks) VALUES (?, ?, ?) RETURNING id",
            [store.clean_text(author), store.need(body, "the draft statement"), _ticks(ticks)],
        ).fetchone()[0]


def _ticks(ticks: Iterable[str]) -> list[str]:
    out = [t for t in STATEMENT_CRITERIA if t in set(ticks)]
    return out


def update_draft(
    db: Database, draft_id: int, body: str, author: str | None, ticks: Iterable[str]
) -> None:
    with store.transaction(db) as cur:
        cur.execute(
            "UPDATE vision_draft SET body = ?, author = ?, ticks = ? WHERE id = ?",
            [store.need(body, "the draft statement"), store.clean_text(author), _ticks(ticks), draft_id],
        )


def drafts(db: Database) -> pd.DataFrame:
    """Drafts with how many of the six criteria the group ticked: id, author, body, ticks, met."""
    frame = store.query(db, "SELECT id, author, body, ticks FROM vision_draft ORDER BY id")
    frame["ticks"] = [list(t) if t is not None else [] for t in frame["ticks"]]
    frame["met"] = [len(t) for t in frame["ticks"]]
    return frame


def draft_checks(db: Database, draft_id: int) -> list[StatementCheck]:
    row = store.rows(db, "SELECT body, ticks FROM vision_draft WHERE id = ?", [draft_id])
    if not row:
        raise UserError("That draft was deleted", kind="state")
    body, ticks = row[0]
    return check_statement(body, ticks or [], school_name(db), shared_values(db)["name"].tolist())


def delete_draft(db: Database, draft_id: int) -> store.Removed:
    return store.delete(db, "The draft", [("vision_draft", "id = ?", [draft_id])])


def add_value(db: Database, name: str, meaning: str | None = None) -> int:
    with store.transaction(db) as cur:
        return cur.execute(
            "INSERT INTO shared_value (name, meaning) VALUES (?, ?) RETURNING id",
            [store.need(name, "the value"), store.clean_text(meaning)],
        ).fetchone()[0]


def shared_values(db: Database) -> pd.DataFrame:
    return store.query(db, "SELECT id, name, meaning FROM shared_value ORDER BY id")


def delete_value(db: Database, value_id: int) -> store.Removed:
    return store.delete(db, "The value", [("shared_value", "id = ?", [value_id])])


def add_communication(
    db: Database, planned_on: date, way: str, audience: str | None = None, status: str = "planned"
) -> int:
    if status not in ("planned", "done"):
        raise UserError("Status is planned or done")
    if planned_on is None:
        raise UserError("Pick the date it will be shared")
    with store.transaction(db) as cur:
        return cur.execute(
            "INSERT INTO communication_step (planned_on, way, audience, status) VALUES (?, ?, ?, ?) RETURNING id",
            [planned_on, store.need(way, "how it will be shared"), store.clean_text(audience), status],
        ).fetchone()[0]


def set_communication_status(db: Database, step_id: int, status: str) -> None:
    if status not in ("planned", "done"):
        raise UserError("Status is planned or done")
    with store.transaction(db) as cur:
        cur.execute("UPDATE communication_step SET status = ? WHERE id = ?", [status, step_id])


def communication_plan(db: Database) -> pd.DataFrame:
    """id, planned_on, way, audience, status, label ("Sep 01, 2025 · Newsletter")."""
    return store.query(
        db,
        "SELECT id, planned_on, way, audience, status, strftime(planned_on, '%b %d, %Y') || ' · ' || way"
        " AS label FROM communication_step ORDER BY planned_on, id",
    )


def delete_communication(db: Database, step_id: int) -> store.Removed:
    return store.delete(db, "The communication step", [("communication_step", "id = ?", [step_id])])


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
            need.append(f"{count(3 - self.times, 'more date', 'more dates')}")
        if self.ways < 3:
            need.append(f"{count(3 - self.ways, 'more way', 'more ways')} of sharing")
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
            f"{count(len(brainstorm), 'note')}, {tagged} tagged with a theme",
        ),
        ("Vision drafts", len(drafts_frame) > 0, count(len(drafts_frame), "draft")),
        (
            "Agreed statement",
            bool(current["statement"]),
            "agreed" if current["statement"] else "not yet",
        ),
        ("Shared values", values > 0, f"{values} named"),
        ("Communication plan", comm.ok, f"{count(comm.times, 'time')}, {count(comm.ways, 'way')}"),
    ]
