"""Teams: members, protected time and stage, norms, the school's support per stage, and
meeting agendas anchored on the four PLC questions (with a facilitator rotation).

Reads return DataFrames or dicts; each write is one transaction; deletes return a
:class:`~collabplan.workspace.store.Removed` for Undo.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.text import METRIC_LABELS, count, describe_population, short_date
from collabplan.workspace import store
from collabplan.year.items import CalendarItem

#: Team stages of growth, in order, with what each looks like.
STAGES: dict[str, str] = {
    "forming": "Forming: getting to know each other, setting norms and roles; the facilitator leads.",
    "norming": "Norming: the team uses its norms and agrees what student work to look at.",
    "performing": "Performing: the team studies student work routinely and changes teaching from it.",
    "sustaining": "Sustaining: the work runs itself; members take turns leading and help newer teams.",
}


def teams(db: Database) -> pd.DataFrame:
    return store.query(db, "SELECT id, name, grade_band, subject FROM team ORDER BY name")


def add_team(
    db: Database, name: str, grade_band: str | None = None, subject: str | None = None
) -> int:
    name = store.need(name, "the team's name")
    if db.scalar("SELECT count(*) FROM team WHERE lower(name) = lower(?)", [name]):
        raise UserError(f"There is already a team called {name}")
    with store.transaction(db) as cur:
        return cur.execute(
            "INSERT INTO team (name, grade_band, subject) VALUES (?, ?, ?) RETURNING id",
            [name, store.clean_text(grade_band), store.clean_text(subject)],
        ).fetchone()[0]


def members(db: Database, team_id: int) -> pd.DataFrame:
    """Members in the order they were added (the facilitator rotation follows it)."""
    return store.query(
        db, "SELECT name, role FROM team_member WHERE team_id = ? ORDER BY added_order", [team_id]
    )


def add_member(db: Database, team_id: int, name: str, role: str | None = None) -> None:
    name = store.need(name, "the member's name")
    if store.scalar(
        db, "SELECT count(*) FROM team_member WHERE team_id = ? AND name = ?", [team_id, name]
    ):
        raise UserError(f"{name} is already on this team")
    with store.transaction(db) as cur:
        cur.execute(
            "INSERT INTO team_member (team_id, name, role, added_order) VALUES (?, ?, ?,"
            " (SELECT coalesce(max(added_order), 0) + 1 FROM team_member))",
            [team_id, name, store.clean_text(role)],
        )


def remove_member(db: Database, team_id: int, name: str) -> store.Removed:
    return store.delete(db, name, [("team_member", "team_id = ? AND name = ?", [team_id, name])])


def team_workspace(db: Database, team_id: int) -> dict[str, Any]:
    row = store.rows(
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
    with store.transaction(db) as cur:
        cur.execute("DELETE FROM team_workspace WHERE team_id = ?", [team_id])
        cur.execute(
            "INSERT INTO team_workspace (team_id, protected_time, minutes_per_week, stage) VALUES (?, ?, ?, ?)",
            [team_id, store.clean_text(protected_time), minutes_per_week, stage],
        )


def add_norm(db: Database, team_id: int, body: str, agreed_on: date | None = None) -> int:
    with store.transaction(db) as cur:
        return cur.execute(
            "INSERT INTO team_norm (team_id, body, agreed_on) VALUES (?, ?, ?) RETURNING id",
            [team_id, store.need(body, "the norm"), agreed_on or date.today()],
        ).fetchone()[0]


def revisit_norm(
    db: Database, norm_id: int, body: str | None = None, on: date | None = None
) -> None:
    """Record that the team revisited a norm (optionally rewording it)."""
    with store.transaction(db) as cur:
        if store.clean_text(body):
            cur.execute("UPDATE team_norm SET body = ? WHERE id = ?", [store.clean_text(body), norm_id])
        cur.execute(
            "UPDATE team_norm SET revisited_on = ? WHERE id = ?", [on or date.today(), norm_id]
        )


def norms(db: Database, team_id: int) -> pd.DataFrame:
    return store.query(
        db,
        "SELECT id, body, agreed_on, revisited_on FROM team_norm WHERE team_id = ? ORDER BY id",
        [team_id],
    )


def delete_norm(db: Database, norm_id: int) -> store.Removed:
    return store.delete(db, "The norm", [("team_norm", "id = ?", [norm_id])])


def stage_supports(db: Database) -> pd.DataFrame:
    """Every stage in order with what the school does to support it (blank if not written)."""
    saved = dict(db.rows("SELECT stage, support FROM stage_support"))
    return store.blanks_as_none(
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
    with store.transaction(db) as cur:
        cur.execute("DELETE FROM stage_support WHERE stage = ?", [stage])
        cur.execute(
            "INSERT INTO stage_support (stage, support) VALUES (?, ?)", [stage, store.clean_text(support)]
        )


def goal_label(skill: str, metric: str, population: str | None) -> str:
    """ "Vocabulary, grade 3 ELL students (% proficient)": who the goal is about, in words."""
    try:
        who = describe_population(json.loads(population or "{}"))
    except (ValueError, TypeError):  # a population that is not a JSON object
        who = ""
    words = f"{skill}, {who}" if who and who != "students" else skill
    return f"{words} ({METRIC_LABELS.get(metric, metric)})"


def team_goals(db: Database, team_id: int) -> pd.DataFrame:
    """The team's goals to link a meeting to: id, label."""
    rows = store.rows(
        db,
        "SELECT id, skill, metric, population, status FROM goal WHERE team_id = ? ORDER BY id",
        [team_id],
    )
    return pd.DataFrame(
        [
            {"id": gid, "label": f"{goal_label(skill, metric, pop)} · {status}"}
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
        values[f] = store.clean_text(values[f])
    if not values["next_step"]:
        raise UserError("Close the meeting with a clear next step")
    params = [team_id, goal_id, met_on, store.clean_text(facilitator), *values.values()]
    with store.transaction(db) as cur:
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
    return store.query(
        db,
        "SELECT id, met_on, facilitator, goal_id, learn, know, not_yet, already, next_step,"
        " next_step_who, next_step_by FROM team_meeting WHERE team_id = ? ORDER BY met_on DESC, id DESC",
        [team_id],
    )


def meeting(db: Database, meeting_id: int) -> dict[str, Any]:
    """One meeting's agenda as plain values (dates as dates, blanks as None)."""
    found = store.record(
        db,
        "SELECT id, team_id, goal_id, met_on, facilitator, learn, know, not_yet, already,"
        " next_step, next_step_who, next_step_by FROM team_meeting WHERE id = ?",
        [meeting_id],
    )
    if found is None:
        raise UserError("That meeting was deleted", kind="state")
    return found


def delete_meeting(db: Database, meeting_id: int) -> store.Removed:
    return store.delete(db, "The meeting", [("team_meeting", "id = ?", [meeting_id])])


def next_facilitator(db: Database, team_id: int) -> str | None:
    """Whose turn it is to facilitate: the member after the last meeting's facilitator."""
    names = members(db, team_id)["name"].tolist()
    if not names:
        return None
    last = store.scalar(
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
        ("Members", people > 0, count(people, "member")),
        ("Protected time", bool(ws["protected_time"]), ws["protected_time"] or "not set"),
        ("Norms", norm_count > 0, count(norm_count, "norm")),
        ("Stage", bool(ws["stage"]), ws["stage"] or "not chosen"),
        ("Meetings", meeting_count > 0, f"{count(meeting_count, 'agenda')} saved"),
    ]


def calendar_items(db: Database, viewer: Viewer | None) -> list[CalendarItem]:
    """The next step each team meeting closed with, on its "by" date (uid ``next-step-<id>``);
    a teacher reads their own teams' (leaders, coaches and ``viewer=None`` read all)."""
    scope = None if viewer is None else viewer.team_scope
    out = []
    for mid, team_id, team, step, who, by, met in store.rows(
        db,
        "SELECT m.id, m.team_id, t.name, m.next_step, m.next_step_who, m.next_step_by, m.met_on"
        " FROM team_meeting m LEFT JOIN team t ON t.id = m.team_id"
        " WHERE m.next_step_by IS NOT NULL AND m.next_step IS NOT NULL"
        " ORDER BY m.next_step_by, m.id",
    ):
        if scope is not None and team_id not in scope:
            continue
        detail = f"From the team meeting of {short_date(met)}" + (f". Who: {who}" if who else "")
        out.append(CalendarItem(uid=f"next-step-{mid}", on=by, kind="next_step",
                                title=step, team=team, detail=detail,
                                page="teams"))
    return out
