"""The theory of action's guided steps beyond the statement (migration 0018).

- the big questions, answered per theory;
- barrier → why it exists (several reasons) → brainstormed approaches → the chosen one (its
  text is copied to ``theory_of_action.approach`` so the statement and older reads keep it);
- the purpose map's people and roles and its initial plan as dated steps (the vision stays in
  ``theory_of_action.purpose_vision``);
- the impact step's feedback plan and response process, and the survey's trend beside it;
- the guide's progress in order, and the dated things for the school calendar.

Theories of action are school-wide guides, so every write here is for leaders
(:func:`require_leader`); everyone reads. Deletes return a
:class:`~collabplan.workspace.store.Removed` for Undo.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from collabplan import config
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.text import average, count, short_date
from collabplan.workspace import staff_input, store, survey, theory
from collabplan.year.items import CalendarItem

#: The big questions of the collective-leadership guides, in the order a team talks them through.
QUESTIONS: dict[str, str] = {
    "for_students": "What do we want for our students and our staff?",
    "which_condition": "Which condition for collective leadership matters most here, and why?",
    "if_strong": "What would it look like here if that condition were strong?",
    "who": "Who needs to be part of this work?",
    "how_know": "How will we know it is working?",
}
QUESTION_HINTS: dict[str, str] = {
    "for_students": "e.g. Every student reads on grade level; every teacher plans with colleagues.",
    "which_condition": "e.g. Enabling work structures: team time is taken for other things.",
    "if_strong": "e.g. Every team meets weekly, on time, looking at student work.",
    "who": "e.g. The principal, the scheduling lead, every team's facilitator.",
    "how_know": "e.g. The meeting log and the protected-time survey items.",
}

#: How staff may give feedback.
ANONYMITY: dict[str, str] = {
    "anonymous": "Anonymous",
    "named": "With their name",
    "either": "Their choice: anonymous or named",
}
FEEDBACK_FIELDS = ("channel", "anonymity", "timing", "readers", "respond_within", "shared_how",
                   "survey_area")

#: The survey area that speaks to each of theory.CONDITIONS (a guess the team can change).
CONDITION_AREA: dict[str, str] = {
    "Enabling work structures": "protected_time",
    "Orientation to improve": "student_work",
    "Supportive administration": "shared_leadership",
    "Shared vision and goals": "collective_efficacy",
    "Trust among colleagues": "trust",
    "Team leadership": "shared_leadership",
}

_LOCAL = Viewer.local_user()
can_write = theory.can_write
require_leader = theory.require_leader


def _exists(db: Database, toa_id: int) -> None:
    if not store.scalar(db, "SELECT count(*) FROM theory_of_action WHERE id = ?", [toa_id]):
        raise UserError("That theory of action was deleted", kind="state")


# -- the big questions ----------------------------------------------------------------------


def answers(db: Database, toa_id: int) -> dict[str, str]:
    """{question key: answer} for the questions answered so far."""
    return {q: a for q, a in store.rows(
        db, "SELECT question, answer FROM toa_answer WHERE toa_id = ?", [toa_id]) if q in QUESTIONS}


def save_answers(db: Database, toa_id: int, given: dict[str, str | None], *,
                 viewer: Viewer = _LOCAL) -> None:
    """Save the team's answers; a blank answer removes the one saved before."""
    require_leader(viewer)
    unknown = set(given) - set(QUESTIONS)
    if unknown:
        raise ValueError(f"unknown questions: {sorted(unknown)}")
    _exists(db, toa_id)
    with store.transaction(db) as cur:
        for question, text in given.items():
            cur.execute("DELETE FROM toa_answer WHERE toa_id = ? AND question = ?",
                        [toa_id, question])
            text = store.clean_text(text)
            if text:
                cur.execute("INSERT INTO toa_answer (toa_id, question, answer) VALUES (?, ?, ?)",
                            [toa_id, question, text])


# -- barrier → why → brainstorm → chosen -----------------------------------------------------


def add_reason(db: Database, toa_id: int, body: str, *, viewer: Viewer = _LOCAL) -> int:
    """One reason the barrier exists."""
    require_leader(viewer)
    _exists(db, toa_id)
    with store.transaction(db) as cur:
        return int(cur.execute(
            "INSERT INTO toa_reason (toa_id, body) VALUES (?, ?) RETURNING id",
            [toa_id, store.need(body, "why the barrier exists")]).fetchone()[0])


def reasons(db: Database, toa_id: int) -> pd.DataFrame:
    return store.query(db, "SELECT id, body FROM toa_reason WHERE toa_id = ? ORDER BY id", [toa_id])


def delete_reason(db: Database, reason_id: int, *, viewer: Viewer = _LOCAL) -> store.Removed:
    require_leader(viewer)
    return store.delete(db, "The reason", [("toa_reason", "id = ?", [reason_id])])


def add_approach(db: Database, toa_id: int, body: str, *, viewer: Viewer = _LOCAL) -> int:
    """One brainstormed approach to remove the barrier (not chosen yet)."""
    require_leader(viewer)
    _exists(db, toa_id)
    body = store.need(body, "the approach")
    if store.scalar(db, "SELECT count(*) FROM toa_approach WHERE toa_id = ? AND lower(body) = lower(?)",
                    [toa_id, body]):
        raise UserError("That approach is already on the list")
    with store.transaction(db) as cur:
        return int(cur.execute(
            "INSERT INTO toa_approach (toa_id, body) VALUES (?, ?) RETURNING id",
            [toa_id, body]).fetchone()[0])


def approaches(db: Database, toa_id: int) -> pd.DataFrame:
    """id, body, chosen; in the order brainstormed."""
    return store.query(
        db, "SELECT id, body, chosen FROM toa_approach WHERE toa_id = ? ORDER BY id", [toa_id])


def choose_approach(db: Database, approach_id: int, *, viewer: Viewer = _LOCAL) -> None:
    """Make ``approach_id`` the one chosen: it becomes the theory's approach."""
    require_leader(viewer)
    found = store.rows(db, "SELECT toa_id, body FROM toa_approach WHERE id = ?", [approach_id])
    if not found:
        raise UserError("That approach was removed", kind="state")
    toa_id, body = found[0]
    with store.transaction(db) as cur:
        cur.execute("UPDATE toa_approach SET chosen = (id = ?) WHERE toa_id = ?",
                    [approach_id, toa_id])
        cur.execute("UPDATE theory_of_action SET approach = ?, updated_at = current_timestamp"
                    " WHERE id = ?", [body, toa_id])


def delete_approach(db: Database, approach_id: int, *, viewer: Viewer = _LOCAL) -> store.Removed:
    """Remove a brainstormed approach. Removing the chosen one leaves none chosen; Undo puts
    it back chosen (the theory's approach is read from the chosen row, see theory.theory)."""
    require_leader(viewer)
    return store.delete(db, "The approach", [("toa_approach", "id = ?", [approach_id])])


def chosen_approach(db: Database, toa_id: int) -> str | None:
    return store.scalar(
        db, "SELECT body FROM toa_approach WHERE toa_id = ? AND chosen ORDER BY id LIMIT 1",
        [toa_id])


# -- the purpose map ----------------------------------------------------------------------


def add_person(db: Database, toa_id: int, who: str, role: str | None, *,
               viewer: Viewer = _LOCAL) -> int:
    """A person or group on the purpose map, with their role in the work."""
    require_leader(viewer)
    _exists(db, toa_id)
    with store.transaction(db) as cur:
        return int(cur.execute(
            "INSERT INTO toa_person (toa_id, who, role) VALUES (?, ?, ?) RETURNING id",
            [toa_id, store.need(who, "the person or group"),
             store.need(role, "their role in the work")]).fetchone()[0])


def people(db: Database, toa_id: int) -> pd.DataFrame:
    return store.query(db, "SELECT id, who, role FROM toa_person WHERE toa_id = ? ORDER BY id",
                       [toa_id])


def delete_person(db: Database, person_id: int, *, viewer: Viewer = _LOCAL) -> store.Removed:
    require_leader(viewer)
    return store.delete(db, "The person", [("toa_person", "id = ?", [person_id])])


def add_plan_step(db: Database, toa_id: int, step: str, due_on: date | None,
                  who: str | None = None, starts_on: date | None = None, *,
                  viewer: Viewer = _LOCAL) -> int:
    """One step of the initial plan with the date it is due (and optionally a start)."""
    require_leader(viewer)
    _exists(db, toa_id)
    if due_on is None:
        raise UserError("Pick the date the step is due")
    if starts_on is not None and starts_on > due_on:
        raise UserError("The start date is after the date it is due")
    with store.transaction(db) as cur:
        return int(cur.execute(
            "INSERT INTO toa_plan_step (toa_id, step, who, starts_on, due_on) VALUES (?, ?, ?, ?, ?)"
            " RETURNING id",
            [toa_id, store.need(step, "the step"), store.clean_text(who), starts_on, due_on],
        ).fetchone()[0])


def plan_steps(db: Database, toa_id: int) -> pd.DataFrame:
    """id, step, who, starts_on, due_on: dated steps in date order, then any without a date
    (a plan written before the steps had dates)."""
    return store.query(
        db, "SELECT id, step, who, starts_on, due_on FROM toa_plan_step WHERE toa_id = ?"
        " ORDER BY due_on NULLS LAST, id", [toa_id])


def delete_plan_step(db: Database, step_id: int, *, viewer: Viewer = _LOCAL) -> store.Removed:
    require_leader(viewer)
    return store.delete(db, "The plan step", [("toa_plan_step", "id = ?", [step_id])])


# -- the impact step -----------------------------------------------------------------------


def feedback_plan(db: Database, toa_id: int) -> dict[str, Any]:
    """The feedback plan's fields (None where not written); survey_area defaults from the
    condition (:data:`CONDITION_AREA`)."""
    found = store.record(
        db, f"SELECT {', '.join(FEEDBACK_FIELDS)} FROM toa_feedback_plan WHERE toa_id = ?",  # noqa: S608 - fixed column list
        [toa_id]) or dict.fromkeys(FEEDBACK_FIELDS)
    if not found.get("survey_area"):
        condition = store.scalar(db, "SELECT condition FROM theory_of_action WHERE id = ?", [toa_id])
        found["survey_area"] = CONDITION_AREA.get(condition or "")
    return found


def save_feedback_plan(db: Database, toa_id: int, *, viewer: Viewer = _LOCAL,
                       **fields: str | None) -> None:
    """Save the feedback plan and the process to respond (any of :data:`FEEDBACK_FIELDS`)."""
    require_leader(viewer)
    unknown = set(fields) - set(FEEDBACK_FIELDS)
    if unknown:
        raise ValueError(f"unknown feedback plan fields: {sorted(unknown)}")
    if fields.get("anonymity") not in (None, *ANONYMITY):
        raise UserError("Say whether feedback is anonymous, named or either")
    if fields.get("survey_area") not in (None, *survey.SURVEY_AREAS):
        raise UserError("Pick one of the survey's areas")
    _exists(db, toa_id)
    saved = store.scalar(db, "SELECT count(*) FROM toa_feedback_plan WHERE toa_id = ?", [toa_id])
    merged = dict(feedback_plan(db, toa_id)) if saved else {}
    merged.update({k: store.clean_text(v) for k, v in fields.items()})
    values = [merged.get(k) for k in FEEDBACK_FIELDS]
    with store.transaction(db) as cur:
        cur.execute("DELETE FROM toa_feedback_plan WHERE toa_id = ?", [toa_id])
        cur.execute(
            f"INSERT INTO toa_feedback_plan (toa_id, {', '.join(FEEDBACK_FIELDS)})"  # noqa: S608 - fixed column list
            f" VALUES (?{', ?' * len(FEEDBACK_FIELDS)})", [toa_id, *values])


def survey_trend(db: Database, area: str | None) -> tuple[pd.DataFrame, str]:
    """The closed survey rounds for ``area``: (round, opened_on, responses, mean, pct_agree,
    suppressed per round; a sentence on the trend the rounds with results give)."""
    if not area or area not in survey.SURVEY_AREAS:
        return pd.DataFrame(), "Pick the survey area this theory is read against."
    frame = survey.survey_area_results(db)
    frame = frame[frame["area"] == area].reset_index(drop=True)
    shown = frame[~frame["suppressed"].astype(bool)]
    name = survey.SURVEY_AREAS[area]
    if frame.empty:
        return frame, f"No closed survey round yet: {name} will show here once a round closes."
    if shown.empty:
        return frame, (f"No closed round had {config.MIN_GROUP_SIZE} or more responses yet, "
                       f"so {name} has no results to show.")
    last = shown.iloc[-1]
    if len(shown) == 1:
        return frame, (f"{name}: {average(last['mean'])} of 5 in {last['round']}; one round so "
                       "far, no trend yet.")
    first = shown.iloc[0]
    change = float(last["mean"]) - float(first["mean"])
    way = "up" if change > 0.05 else "down" if change < -0.05 else "about the same"
    by = f" by {average(abs(change))}" if way != "about the same" else ""
    return frame, (f"{name}: {average(first['mean'])} of 5 in {first['round']} to "
                   f"{average(last['mean'])} "
                   f"in {last['round']}, {way}{by} (over {count(len(shown), 'round')} with results).")


# -- progress and the calendar -----------------------------------------------------------


def guide_progress(db: Database, toa_id: int) -> list[tuple[str, bool, str]]:
    """The guide's steps in order: (name, done, what is there)."""
    base = {name: (done, detail) for name, done, detail in theory.theory_progress(db, toa_id)}
    t = theory.theory(db, toa_id)
    given = answers(db, toa_id)
    why = reasons(db, toa_id)
    ideas = approaches(db, toa_id)
    chosen = bool(ideas["chosen"].any()) if len(ideas) else False
    who = people(db, toa_id)
    steps = plan_steps(db, toa_id)
    dated = int(steps["due_on"].notna().sum()) if len(steps) else 0
    plan = feedback_plan(db, toa_id)
    rounds = staff_input.rounds(db, toa_id)
    plan_ok = bool(plan.get("channel") and plan.get("anonymity") and plan.get("readers")
                   and plan.get("respond_within") and plan.get("shared_how"))
    return [
        ("Big questions", len(given) == len(QUESTIONS), f"{len(given)} of {len(QUESTIONS)} answered"),
        ("Where we are", *base["Where we are"]),
        ("Staff input", staff_input.has_results(db, toa_id),
         f"{count(len(rounds), 'round')}, {int(rounds['closed'].sum()) if len(rounds) else 0} closed"),
        ("Barrier and why", bool(t["barrier"]) and len(why) > 0, count(len(why), "reason")),
        ("Approaches", chosen, f"{count(len(ideas), 'idea')}, " + ("one chosen" if chosen else "none chosen")),
        ("Theory statement", *base["Theory statement"]),
        ("Purpose map", bool(t["purpose_vision"]) and len(who) > 0 and dated > 0,
         f"vision, {count(len(who), 'person or group', 'people or groups')}, {count(dated, 'dated step')}"),
        ("Action timeline", *base["Action timeline"]),
        ("Impact", plan_ok and base["Impact"][0],
         "feedback plan " + ("written" if plan_ok else "not yet") + f"; {base['Impact'][1]}"),
    ]


def calendar_items(db: Database, viewer: Viewer | None = None) -> list[CalendarItem]:
    """Staff input rounds (open to planned close, or to today while open with no planned day)
    and the purpose map's dated plan steps. School-wide: the same for every viewer."""
    del viewer  # theories of action belong to the school, not a team
    items: list[CalendarItem] = []
    for rid, condition, label, opened, closes, closed in store.rows(
        db,
        "SELECT r.id, coalesce(t.condition, r.condition), r.label, r.opened_on, r.closes_on,"
        " r.closed FROM staff_input_round r LEFT JOIN theory_of_action t ON t.id = r.toa_id"
        " ORDER BY r.opened_on, r.id",
    ):
        items.append(CalendarItem(
            uid=f"staff-input-{rid}", on=opened, kind="staff_input",
            title=f"{condition}: {label}",
            detail="Closed" if closed else (
                f"Open; planned to close {short_date(closes)}" if closes else "Open"),
            ends=closes if closes and closes >= opened else None,
            page="theory_of_action", done=bool(closed)))
    for sid, condition, step, who, starts, due in store.rows(
        db,
        "SELECT s.id, t.condition, s.step, s.who, s.starts_on, s.due_on FROM toa_plan_step s"
        " JOIN theory_of_action t ON t.id = s.toa_id WHERE s.due_on IS NOT NULL"
        " ORDER BY s.due_on, s.id",
    ):
        items.append(CalendarItem(
            uid=f"theory-step-{sid}", on=starts or due, kind="theory_action",
            title=f"{condition}: {step}", detail=f"Who: {who}" if who else None,
            ends=due if starts and starts < due else None, page="theory_of_action",
            done=False))
    return items
