"""The visioning guide in full: its eight steps, the session's set-up and agenda, the notes of
its rounds (the opening round, notice and wonder) and a consensus mark per step.

The guide asks the group to agree three things (its checkpoints 2D, 6E and 7D: the
definition, the vision statement, the shared values); any other step may be marked agreed
too. A mark keeps the day, who was there, a note and the words as they were agreed, so a
later edit of the definition, statement or values shows as "changed since it was agreed".

School-wide guide: leaders write (a :class:`~collabplan.access.Viewer` of another role is
refused), everyone reads. Deletes return a :class:`~collabplan.workspace.store.Removed` for
Undo; agreeing and taking an agreement back are audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import pandas as pd

from collabplan import audit
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.text import count, short_date
from collabplan.workspace import store, vision
from collabplan.year.items import CalendarItem

#: The person of the command line and of an app without sign-in (a leader).
LOCAL = Viewer.local_user()

#: The guide's suggested length of the session, in minutes.
SESSION_MINUTES = 90


@dataclass(frozen=True)
class Step:
    """One step of the guide. ``code`` is the guide's consensus checkpoint (e.g. "2D") where
    it asks the group to agree, and ``agrees`` names what is agreed then."""

    key: str
    number: int
    title: str
    suggested_minutes: int
    code: str | None = None
    agrees: str | None = None

    @property
    def label(self) -> str:
        return f"{self.number} · {self.title}"

    @property
    def needs_agreement(self) -> bool:
        return self.code is not None


#: The eight steps in order; suggested minutes add up to :data:`SESSION_MINUTES`.
STEPS: tuple[Step, ...] = (
    Step("setup", 1, "Set up and opening round", 10),
    Step("where", 2, "Where we are", 15, "2D", "our definition of collaborative planning"),
    Step("criteria", 3, "Criteria for success", 10),
    Step("brainstorm", 4, "Brainstorm", 15),
    Step("drafts", 5, "Vision drafts", 10),
    Step("statement", 6, "Vision statement", 15, "6E", "our vision statement"),
    Step("values", 7, "Shared values", 10, "7D", "our shared values"),
    Step("share", 8, "Share it", 5),
)
STEP: dict[str, Step] = {s.key: s for s in STEPS}

#: Notes of the session's rounds: kind -> the prompt the group answers.
NOTE_KINDS: dict[str, str] = {
    "opening": "Share your current experiences of collaborative planning",
    "notice": "What do you notice about collaboration here today?",
    "wonder": "What do you wonder?",
}


def _leader(viewer: Viewer) -> None:
    """The visioning guide is school-wide: leaders write it, everyone reads it."""
    if viewer.role != "leader":
        raise UserError("Only a leader changes the school's visioning work", kind="access")


def _step(key: str) -> Step:
    if key not in STEP:
        raise UserError(f"Unknown visioning step {key!r}", kind="input")
    return STEP[key]


# -- the session -------------------------------------------------------------------------


def session(db: Database) -> dict[str, Any]:
    """held_on, starts_at, place, minutes of the session (each None until saved)."""
    row = store.record(
        db, "SELECT held_on, starts_at, place, minutes FROM vision_session WHERE id = ?", [1]
    )
    return row or {"held_on": None, "starts_at": None, "place": None, "minutes": None}


def save_session(
    db: Database,
    held_on: date | None,
    starts_at: time | None = None,
    place: str | None = None,
    minutes: int | None = SESSION_MINUTES,
    *,
    viewer: Viewer = LOCAL,
) -> None:
    """Save when and where the session is held and how long it lasts (15 minutes to 8 hours)."""
    _leader(viewer)
    if held_on is None:
        raise UserError("Pick the day of the session", kind="input")
    if minutes is None or not 15 <= int(minutes) <= 480:
        raise UserError("Give the session a length between 15 and 480 minutes", kind="input")
    with store.transaction(db) as cur:
        cur.execute("DELETE FROM vision_session WHERE id = 1")
        cur.execute(
            "INSERT INTO vision_session (id, held_on, starts_at, place, minutes)"
            " VALUES (1, ?, ?, ?, ?)",
            [held_on, starts_at, store.clean_text(place), int(minutes)],
        )


def session_words(db: Database) -> str:
    """The session in one line: "Thu 5 Nov 2026 at 3:30 pm · Library · 90 minutes"."""
    s = session(db)
    if s["held_on"] is None:
        return "No date set yet"
    day = f"{s['held_on']:%a} {short_date(s['held_on'])}"
    if s["starts_at"] is not None:
        day += f" at {clock(s['starts_at'])}"
    parts = [day, s["place"], count(s["minutes"], "minute") if s["minutes"] else None]
    return " · ".join(p for p in parts if p)


def clock(value: time) -> str:
    """3:30 pm (a teacher's clock, no leading zero)."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"


# -- the agenda --------------------------------------------------------------------------


def agenda(db: Database) -> pd.DataFrame:
    """The eight steps with their minutes: step, number, title, minutes, saved.

    Steps without saved minutes show the guide's suggestion (``saved`` False) until the
    agenda is saved.
    """
    saved = dict(store.rows(db, "SELECT step, minutes FROM vision_agenda"))
    return pd.DataFrame(
        [
            {
                "step": s.key,
                "number": s.number,
                "title": s.title,
                "minutes": int(saved.get(s.key, s.suggested_minutes)),
                "saved": s.key in saved,
            }
            for s in STEPS
        ]
    )


def save_agenda(db: Database, minutes: Mapping[str, int], *, viewer: Viewer = LOCAL) -> None:
    """Save the minutes of each step (0 to 240 each); steps not given keep theirs."""
    _leader(viewer)
    rows = []
    for key, value in minutes.items():
        _step(key)
        if value is None or not 0 <= int(value) <= 240:
            raise UserError(
                f"Give step {STEP[key].number} between 0 and 240 minutes", kind="input"
            )
        rows.append((key, int(value)))
    with store.transaction(db) as cur:
        for key, value in rows:
            cur.execute("DELETE FROM vision_agenda WHERE step = ?", [key])
            cur.execute("INSERT INTO vision_agenda (step, minutes) VALUES (?, ?)", [key, value])


@dataclass(frozen=True)
class AgendaCheck:
    """Do the agenda's minutes add up to the session's length?"""

    total: int
    length: int

    @property
    def ok(self) -> bool:
        return self.total == self.length

    @property
    def message(self) -> str:
        if self.ok:
            return f"The agenda adds up to {count(self.total, 'minute')}, the length of the session."
        gap = abs(self.total - self.length)
        if self.total > self.length:
            return (
                f"The agenda adds up to {count(self.total, 'minute')}: "
                f"{count(gap, 'minute')} more than the {self.length}-minute session."
            )
        return (
            f"The agenda adds up to {count(self.total, 'minute')}: "
            f"{count(gap, 'minute')} of the {self.length}-minute session not yet given to a step."
        )


def check_agenda(db: Database) -> AgendaCheck:
    """The agenda's total against the session's length (the guide's 90 until one is saved)."""
    length = session(db)["minutes"] or SESSION_MINUTES
    return AgendaCheck(int(agenda(db)["minutes"].sum()), int(length))


# -- notes of the rounds -----------------------------------------------------------------


def add_session_note(
    db: Database, kind: str, body: str, who: str | None = None, *, viewer: Viewer = LOCAL
) -> int:
    _leader(viewer)
    if kind not in NOTE_KINDS:
        raise UserError(f"Unknown kind of note {kind!r}", kind="input")
    with store.transaction(db) as cur:
        return cur.execute(
            "INSERT INTO vision_session_note (kind, body, who) VALUES (?, ?, ?) RETURNING id",
            [kind, store.need(body, "the note"), store.clean_text(who)],
        ).fetchone()[0]


def session_notes(db: Database, kinds: Iterable[str] | None = None) -> pd.DataFrame:
    """Notes in the order written: id, kind, body, who, label ("Ms. Chen: We plan …")."""
    frame = store.query(
        db, "SELECT id, kind, body, who FROM vision_session_note ORDER BY created_at, id"
    )
    if kinds is not None:
        frame = frame[frame["kind"].isin(list(kinds))].reset_index(drop=True)
    frame["label"] = [
        f"{who}: {body}" if who else body
        for who, body in zip(frame["who"], frame["body"], strict=True)
    ]
    return frame


def delete_session_note(db: Database, note_id: int, *, viewer: Viewer = LOCAL) -> store.Removed:
    _leader(viewer)
    return store.delete(db, "The note", [("vision_session_note", "id = ?", [note_id])])


# -- values from the samples -------------------------------------------------------------


def add_values(
    db: Database, values: Iterable[tuple[str, str | None]], *, viewer: Viewer = LOCAL
) -> int:
    """Add the values the team picked (as it edited them) in one go; a value the list
    already names (any case) is skipped. Returns how many were added."""
    _leader(viewer)
    picked = [(store.need(name, "the value"), store.clean_text(meaning)) for name, meaning in values]
    if not picked:
        raise UserError("Tick at least one value to add", kind="input")
    known = {str(n).casefold() for n in vision.shared_values(db)["name"]}
    added = 0
    with store.transaction(db) as cur:
        for name, meaning in picked:
            if name.casefold() in known:
                continue
            known.add(name.casefold())
            cur.execute("INSERT INTO shared_value (name, meaning) VALUES (?, ?)", [name, meaning])
            added += 1
    return added


# -- consensus ---------------------------------------------------------------------------


def agreed_words(db: Database, step: str) -> str | None:
    """The words a step's agreement is about, as they stand now: the definition (2),
    the statement (6), the values with their meanings (7); None for other steps."""
    _step(step)
    if step in ("where", "statement"):
        return vision.vision(db)["definition" if step == "where" else "statement"]
    if step == "values":
        values = vision.shared_values(db)
        lines = [
            f"{name}: {meaning}" if meaning else name
            for name, meaning in zip(values["name"], values["meaning"], strict=True)
        ]
        return "\n".join(lines) or None
    return None


def missing_before_agreeing(db: Database, step: str) -> str | None:
    """What the group has to do before it can agree on ``step``; None when it can."""
    _step(step)
    if step == "setup" and vision.stakeholders(db).empty:
        return "Name who takes part first."
    if step == "where" and not vision.vision(db)["definition"]:
        return "Save the definition first."
    if step == "criteria" and vision.criteria_ratings(db)["rating"].isna().all():
        return "Rate the criteria first."
    if step == "brainstorm" and vision.notes(db).empty:
        return "Add the brainstorm notes first."
    if step == "drafts" and vision.drafts(db).empty:
        return "Add a draft first."
    if step == "statement" and not vision.vision(db)["statement"]:
        return "Save the statement first."
    if step == "values" and vision.shared_values(db).empty:
        return "Add the values first."
    if step == "share" and vision.communication_plan(db).empty:
        return "Plan when you will share the vision first."
    return None


def _names(present: Iterable[str] | str | None) -> list[str]:
    """Who was there: a list or comma-separated text; trimmed, in order, no repeats."""
    if present is None:
        return []
    if isinstance(present, str):
        present = present.split(",")
    seen: list[str] = []
    for name in present:
        tidy = store.clean_text(name if isinstance(name, str) else None)
        if tidy and tidy not in seen:
            seen.append(tidy)
    return seen


def mark_agreed(
    db: Database,
    step: str,
    agreed_on: date | None,
    present: Iterable[str] | str | None = (),
    note: str | None = None,
    *,
    viewer: Viewer = LOCAL,
    who: str | None = None,
    today: date | None = None,
    audited: bool = True,
) -> None:
    """Record that the group agreed on ``step`` on ``agreed_on`` (not a future day), with who
    was there; a second mark replaces the first. Audited as "vision agreed" (``audited``
    False only for the demo's sample data, which nobody did)."""
    _leader(viewer)
    info = _step(step)
    if agreed_on is None:
        raise UserError("Pick the day the group agreed", kind="input")
    if agreed_on > (today or date.today()):
        raise UserError("The day of the agreement cannot be in the future", kind="input")
    missing = missing_before_agreeing(db, step)
    if missing:
        raise UserError(missing, kind="state")
    names = _names(present)
    words = agreed_words(db, step)
    with store.transaction(db) as cur:
        cur.execute("DELETE FROM vision_consensus WHERE step = ?", [step])
        cur.execute(
            "INSERT INTO vision_consensus (step, agreed_on, present, note, agreed_text)"
            " VALUES (?, ?, ?, ?, ?)",
            [step, agreed_on, names, store.clean_text(note), words],
        )
        if audited:
            audit.record(cur, who or viewer.who, "vision agreed",
                         f"step {info.code or info.number} ({info.title}) agreed on {agreed_on}"
                         f" by {count(len(names), 'person', 'people')}")


def remove_agreement(
    db: Database, step: str, *, viewer: Viewer = LOCAL, who: str | None = None
) -> store.Removed:
    """Take a step's consensus mark off (Undo puts it back). Audited."""
    _leader(viewer)
    info = _step(step)
    removed = store.delete(db, "The agreement", [("vision_consensus", "step = ?", [step])])
    audit.record(db, who or viewer.who, "vision agreement removed",
                 f"step {info.code or info.number} ({info.title})")
    return removed


def consensus(db: Database) -> pd.DataFrame:
    """Every step in order: step, number, title, code, needs_agreement, agreed_on (None when
    not agreed), present (list), note, agreed_text, changed (the words were edited since)."""
    saved = {
        r[0]: r[1:]
        for r in store.rows(
            db, "SELECT step, agreed_on, present, note, agreed_text FROM vision_consensus"
        )
    }
    rows = []
    for s in STEPS:
        agreed_on, present, note, agreed_text = saved.get(s.key, (None, [], None, None))
        now = agreed_words(db, s.key) if s.key in saved else None
        rows.append(
            {
                "step": s.key,
                "number": s.number,
                "title": s.title,
                "code": s.code,
                "needs_agreement": s.needs_agreement,
                "agreed_on": agreed_on,
                "present": list(present or []),
                "note": note,
                "agreed_text": agreed_text,
                "changed": s.key in saved and (now or None) != (agreed_text or None),
            }
        )
    return store.blanks_as_none(pd.DataFrame(rows).astype({"agreed_on": object}))


def consensus_for(db: Database, step: str) -> dict[str, Any]:
    """One step's row of :func:`consensus`."""
    _step(step)
    frame = consensus(db)
    return frame[frame["step"] == step].iloc[0].to_dict()


def agreement_words(mark: Mapping[str, Any]) -> str:
    """A consensus mark in words: "Agreed on 5 Oct 2026 by 6 people (Dr. Alvarez, …)"."""
    if mark["agreed_on"] is None:
        if mark["needs_agreement"]:
            return f"Not agreed yet (the guide's checkpoint {mark['code']})"
        return "Not marked agreed"
    words = f"Agreed on {short_date(mark['agreed_on'])}"
    present = list(mark["present"])
    if present:
        shown = ", ".join(present[:4]) + (f" and {len(present) - 4} more" if len(present) > 4 else "")
        words += f" by {count(len(present), 'person', 'people')} ({shown})"
    if mark["changed"]:
        words += "; changed since"
    return words


# -- progress, calendar, report ----------------------------------------------------------


def _agreed_detail(mark: Mapping[str, Any]) -> str:
    if mark["agreed_on"] is None:
        return f"agreement to mark ({mark['code']})" if mark["needs_agreement"] else ""
    code = f" ({mark['code']})" if mark["code"] else ""
    changed = ", changed since" if mark["changed"] else ""
    return f"agreed {short_date(mark['agreed_on'])}{code}{changed}"


def guide_progress(db: Database) -> list[tuple[str, bool, str]]:
    """The eight steps with their consensus: (step, done, detail) in order.

    A step the guide asks the group to agree on is done only once it is agreed and its
    words have not changed since.
    """
    marks = {m["step"]: m for m in consensus(db).to_dict("records")}
    people = len(vision.stakeholders(db))
    s = session(db)
    rated = int(vision.criteria_ratings(db)["rating"].notna().sum())
    notes = vision.notes(db)
    drafts = vision.drafts(db)
    current = vision.vision(db)
    values = len(vision.shared_values(db))
    comm = vision.check_communication(db)

    def agreed(key: str) -> bool:
        return marks[key]["agreed_on"] is not None and not marks[key]["changed"]

    work = {
        "setup": (
            people > 0 and s["held_on"] is not None,
            (f"{people} taking part" if people else "nobody named yet")
            + ", "
            + (short_date(s["held_on"]) if s["held_on"] else "no date yet"),
        ),
        "where": (
            agreed("where"),
            "definition written" if current["definition"] else "no definition yet",
        ),
        "criteria": (
            rated == len(vision.SUCCESS_CRITERIA),
            f"{rated} of {len(vision.SUCCESS_CRITERIA)} rated",
        ),
        "brainstorm": (not notes.empty, count(len(notes), "note")),
        "drafts": (not drafts.empty, count(len(drafts), "draft")),
        "statement": (
            agreed("statement"),
            "statement written" if current["statement"] else "no statement yet",
        ),
        "values": (agreed("values"), count(values, "value")),
        "share": (comm.ok, f"{count(comm.times, 'time')}, {count(comm.ways, 'way')}"),
    }
    steps = []
    for step in STEPS:
        done, detail = work[step.key]
        extra = _agreed_detail(marks[step.key])
        steps.append((step.label, done, ", ".join(p for p in (detail, extra) if p)))
    return steps


def calendar_items(db: Database, viewer: Viewer | None = None) -> list[CalendarItem]:
    """The session's day and each agreement's day, for the school's calendar.

    School-wide (no team), so every viewer sees them; no student appears in any of them.
    """
    del viewer  # the vision is the whole school's: nothing to scope
    items = []
    s = session(db)
    if s["held_on"] is not None:
        items.append(
            CalendarItem(
                uid="vision-session",
                on=s["held_on"],
                kind="vision",
                title="Visioning session",
                detail=session_words(db),
                page="vision",
                done=s["held_on"] <= date.today(),
            )
        )
    for mark in consensus(db).to_dict("records"):
        if mark["agreed_on"] is None:
            continue
        step = STEP[mark["step"]]
        what = step.agrees or f"step {step.number}, {step.title.lower()}"
        items.append(
            CalendarItem(
                uid=f"vision-agreed-{step.key}",
                on=mark["agreed_on"],
                kind="vision",
                title=f"Agreed: {what}",
                detail=agreement_words(mark),
                page="vision",
                done=True,
            )
        )
    return items


def report(db: Database) -> dict[str, Any]:
    """Plain values for the vision report: the session, its agenda, the rounds' notes and
    every step's consensus mark."""
    plan = agenda(db)
    notes = session_notes(db)

    def of(kind: str) -> list[tuple[str, str | None]]:
        mine = notes[notes["kind"] == kind]
        return list(zip(mine["body"], mine["who"], strict=True))

    return {
        "when": session_words(db),
        "agenda": [
            (f"{n} · {t}", count(int(m), "minute"))
            for n, t, m in zip(plan["number"], plan["title"], plan["minutes"], strict=True)
        ],
        "agenda_saved": bool(plan["saved"].any()),
        "agenda_check": check_agenda(db).message,
        "opening": of("opening"),
        "notice": of("notice"),
        "wonder": of("wonder"),
        "consensus": [
            (STEP[m["step"]].label, m["code"], agreement_words(m), m["note"])
            for m in consensus(db).to_dict("records")
        ],
    }
