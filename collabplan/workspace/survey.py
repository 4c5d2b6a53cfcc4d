"""The collaboration-health survey: rounds, anonymous tallies and their results.

The survey is anonymous by construction: a response only adds one to a counter per
(round, item, value) and to the round's response count. No row names a person, carries a
time, or links one person's answers to each other, and results come only as aggregates of
closed rounds with at least ``config.MIN_GROUP_SIZE`` responses (fewer show as
"fewer than 10 responses").

One answer per signed-in person per round: the fact of answering is kept apart from the
answers, in ``survey_answered`` (round, keyed hash of the email). The counters exist from the
moment the round opens, so their rows have no order of answering to give away, and the two
tables share no column but the round. Closing (or deleting) a round deletes its key and its
``survey_answered`` rows. Without sign-in (the local app: one computer, perhaps passed round a
staff meeting) there is no person to count, so answers are anonymous but not limited to one
per person, as before.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date

import duckdb
import pandas as pd

from collabplan import config
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.goals.progress import goal_progress
from collabplan.text import count, fewer_than
from collabplan.workspace import store
from collabplan.workspace.teams import goal_label
from collabplan.year.items import CalendarItem

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
#: The tables one answer writes (vacuumed after it on the shared store).
SURVEY_TABLES = ("survey_tally", "survey_answered", "survey_round")
SCALE: dict[int, str] = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}


def open_round(db: Database, label: str, opened_on: date | None = None) -> int:
    """Open a survey round (e.g. "Fall 2025") that staff can answer until it is closed."""
    label = store.need(label, "a name for the round")
    if db.scalar("SELECT count(*) FROM survey_round WHERE lower(label) = lower(?)", [label]):
        raise UserError(f"There is already a round called {label}")
    with store.transaction(db) as cur:
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
    Who answered it is no longer needed, so the round's key and answered list go too.
    """
    with store.transaction(db) as cur:
        cur.execute("UPDATE survey_round SET closed = true WHERE id = ?", [round_id])
        cur.execute("DELETE FROM survey_answered WHERE round_id = ?", [round_id])
        cur.execute("DELETE FROM survey_round_key WHERE round_id = ?", [round_id])


def rounds(db: Database) -> pd.DataFrame:
    """Rounds in order: id, label, opened_on, closed, state (open/closed), responses (a count)."""
    return store.query(
        db,
        "SELECT id, label, opened_on, closed, CASE WHEN closed THEN 'closed' ELSE 'open' END AS state,"
        " responses FROM survey_round ORDER BY opened_on, id",
    )


def open_rounds(db: Database) -> pd.DataFrame:
    return store.query(db, "SELECT id, label FROM survey_round WHERE NOT closed ORDER BY opened_on, id")


ALREADY_ANSWERED = "You have answered this round; thank you"


def _person_key(cur: store.Cursor, round_id: int, email: str) -> str:
    """The keyed hash that stands for ``email`` in this round's answered list.

    HMAC-SHA256 under a random key of the round's own (made on first use, deleted when the
    round closes): the list holds no email, and the same person has unrelated hashes in
    different rounds.
    """
    row = cur.execute(
        "SELECT secret FROM survey_round_key WHERE round_id = ?", [round_id]
    ).fetchone()
    if row is None:
        secret = secrets.token_hex(32)
        cur.execute(
            "INSERT INTO survey_round_key (round_id, secret) VALUES (?, ?)", [round_id, secret]
        )
    else:
        secret = row[0]
    return _hash(secret, email)


def _hash(secret: str, email: str) -> str:
    person = email.strip().lower().encode("utf-8")
    return hmac.new(bytes.fromhex(secret), person, hashlib.sha256).hexdigest()


def counts_once(viewer: Viewer | None) -> bool:
    """Is this person held to one answer per round (signed in, so there is a person)?"""
    return viewer is not None and not viewer.local and bool(viewer.email)


def has_answered(db: Database, round_id: int, viewer: Viewer | None) -> bool:
    """Has this signed-in person answered ``round_id``? (False without sign-in: no person.)"""
    if not counts_once(viewer):
        return False
    secret = store.scalar(
        db, "SELECT secret FROM survey_round_key WHERE round_id = ?", [round_id]
    )
    if secret is None:
        return False
    person = _hash(secret, viewer.email)  # type: ignore[union-attr,arg-type]
    return bool(
        store.scalar(
            db,
            "SELECT count(*) FROM survey_answered WHERE round_id = ? AND person = ?",
            [round_id, person],
        )
    )


def submit_survey(
    db: Database, round_id: int, answers: dict[str, int], viewer: Viewer | None = None
) -> None:
    """Count one anonymous response: every item answered 1-5. Returns nothing to link back.

    A signed-in ``viewer`` is recorded as having answered (in a table apart from the answers)
    and a second answer in the same round is refused with :data:`ALREADY_ANSWERED`. Without
    sign-in (``viewer`` None or local) nothing about the person is written and nothing limits
    answers to one per person.
    """
    missing = [k for k in SURVEY_ITEMS if answers.get(k) is None]
    if missing:
        raise UserError(f"Answer every statement ({len(missing)} left)")
    unknown = set(answers) - set(SURVEY_ITEMS)
    if unknown:
        raise UserError("Unknown survey statement")
    if any(int(answers[k]) not in SCALE for k in SURVEY_ITEMS):
        raise UserError("Answers run from 1 to 5")
    with store.transaction(db) as cur:
        state = cur.execute("SELECT closed FROM survey_round WHERE id = ?", [round_id]).fetchone()
        if state is None or state[0]:
            raise UserError("This survey round is closed", kind="state")
        if counts_once(viewer):
            person = _person_key(cur, round_id, viewer.email)  # type: ignore[union-attr,arg-type]
            try:
                cur.execute(
                    "INSERT INTO survey_answered (round_id, person) VALUES (?, ?)",
                    [round_id, person],
                )
            except duckdb.ConstraintException:
                raise UserError(ALREADY_ANSWERED, kind="state") from None
        # Every counter of the round is written, the chosen ones + 1 and the rest + 0: on the
        # shared store each row version carries its transaction's id (xmin) and place, so
        # writing only the chosen rows would tie this person's mark to their answers there.
        chosen = " ".join("WHEN ? THEN ?" for _ in SURVEY_ITEMS)
        cur.execute(
            f"UPDATE survey_tally SET answers = answers"  # noqa: S608 (placeholders only)
            f" + coalesce(CAST(value = CASE item {chosen} END AS INTEGER), 0) WHERE round_id = ?",
            [*(v for item in SURVEY_ITEMS for v in (item, int(answers[item]))), round_id],
        )
        cur.execute("UPDATE survey_round SET responses = responses + 1 WHERE id = ?", [round_id])
    # The database's log holds each transaction's changes together and in order until a
    # checkpoint: this response's counters beside its answered mark, and one response's
    # answers apart from the next's. Fold it into the file now, where only the totals remain
    # (on the shared store: the counters' earlier row versions are vacuumed away).
    db.checkpoint(tables=SURVEY_TABLES)


def delete_round(db: Database, round_id: int) -> store.Removed:
    return store.delete(
        db,
        "The survey round",
        [
            ("survey_round", "id = ?", [round_id]),
            ("survey_tally", "round_id = ?", [round_id]),
            ("survey_answered", "round_id = ?", [round_id]),
            ("survey_round_key", "round_id = ?", [round_id]),
        ],
    )


def _closed_tallies(db: Database) -> pd.DataFrame:
    """Counts per closed round, item and value (aggregates by construction)."""
    frame = store.query(
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


def goal_progress_beside(db: Database, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Every goal's progress, to read next to the survey: team, goal, status, baseline,
    latest, latest_label, gap_closed (0-100 %, None when not measured). Figures count the
    students ``viewer`` may read (None: the local user, who reads everything).

    Uses ``collabplan.goals.goal_progress``; a goal it cannot compute is listed with its
    status "not enough data yet", and no goals gives an empty frame.
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
    rows = db.rows(
        "SELECT g.id, t.name, g.skill, g.metric, g.population FROM goal g"
        " LEFT JOIN team t ON t.id = g.team_id"
        " ORDER BY t.name, g.id",
    )
    out = []
    for goal_id, team, skill, metric, population in rows:
        record = {
            "goal_id": goal_id,
            "team": team or "—",
            "goal": goal_label(skill, metric, population),
            "status": "not enough data yet",
            "baseline": None,
            "latest": None,
            "latest_label": None,
            "gap_closed": None,
        }
        try:
            progress = goal_progress(db, goal_id, viewer=viewer or Viewer.local_user())
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
        ("Round opened", len(all_rounds) > 0, count(len(all_rounds), "round")),
        (
            "Responses",
            int(all_rounds["responses"].sum()) > 0,
            f"{count(int(all_rounds['responses'].sum()), 'response')} in all",
        ),
        ("Results", shown > 0, f"{count(shown, 'closed round')} with results"),
    ]


def calendar_items(db: Database, viewer: Viewer | None) -> list[CalendarItem]:
    """Survey rounds on the day they opened (uid ``survey-<id>``), closed or still open
    (school-wide: every role reads the rounds; their results stay on the health page)."""
    return [
        CalendarItem(
            uid=f"survey-{rid}", on=opened_on, kind="survey_round",
            title=label,
            detail=("Closed: the results are on the Collaboration health page" if closed
                    else "Still open: staff can answer it now"),
            page="health", done=bool(closed))
        for rid, label, opened_on, closed in store.rows(
            db, "SELECT id, label, opened_on, closed FROM survey_round ORDER BY opened_on, id")
    ]
