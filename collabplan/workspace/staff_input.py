"""Staff input beyond the team: a short, anonymous form per theory of action.

The team working on a condition asks the whole staff four statements about it (rated 1-5)
and one optional idea. Anonymous by construction, as the collaboration-health survey
(:mod:`collabplan.workspace.survey`):

- a rating only adds one to a counter per (round, statement, value), made when the round
  opens, and one to the round's response count: no row names a person, carries a time or
  links one person's ratings to each other;
- an idea is stored as text under a random token (no sequence, no time), so it cannot be put
  back in order or next to the ratings it came with; closing the round rewrites its ideas in
  a new random order;
- results (counts, means, ideas) come only from closed rounds with at least
  ``config.MIN_GROUP_SIZE`` responses; ideas are listed shuffled, as plain text;
- one answer per signed-in person per round: the fact of answering is a keyed hash of the
  email under the round's own random key, in ``staff_input_answered``, apart from the answers;
  closing or deleting the round deletes the key and that list. Without sign-in there is no
  person to count (the local app), as for the survey.

Opening, closing and deleting rounds is for leaders (the theory of action is school-wide);
anyone may answer. A deleted round is written to the audit log (as other deletions are);
opening and closing are not, as for survey rounds.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from collabplan import audit, config
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.text import fewer_than
from collabplan.workspace import store
from collabplan.workspace.survey import SCALE, counts_once

#: The statements, each about the condition the theory works on ("{condition}" filled in).
ITEMS: dict[str, str] = {
    "strong_now": "{condition} is strong at our school today.",
    "matters": "Improving {condition} would make a real difference for our students.",
    "my_part": "I know what I could do to help improve {condition}.",
    "would_try": "I would take part in trying a new approach to {condition}.",
}
#: Longest idea kept (a paragraph; the form says so).
IDEA_LIMIT = 600
ALREADY_ANSWERED = "You have given your input in this round; thank you"
LEADERS_ONLY = "Only school leaders can open or close staff input rounds"

_LOCAL = Viewer.local_user()


def statement(item: str, condition: str) -> str:
    """The statement ``item`` as staff read it, about ``condition`` (lower-cased mid-sentence)."""
    text = ITEMS[item]
    if text.startswith("{condition}"):
        return text.format(condition=condition.strip())
    return text.format(condition=condition.strip()[:1].lower() + condition.strip()[1:])


def _require_leader(viewer: Viewer) -> None:
    if viewer.role != "leader":
        raise UserError(LEADERS_ONLY, kind="access")


def open_round(
    db: Database,
    toa_id: int,
    label: str,
    opened_on: date | None = None,
    closes_on: date | None = None,
    *,
    viewer: Viewer = _LOCAL,
) -> int:
    """Open a round of staff input for theory ``toa_id``; returns its id.

    The statements are asked about the theory's condition as it reads now. ``closes_on`` is
    the planned last day (on the calendar); the round closes when a leader closes it.
    """
    _require_leader(viewer)
    label = store.need(label, "a name for the round")
    opened_on = opened_on or date.today()
    if closes_on is not None and closes_on < opened_on:
        raise UserError("The planned closing day is before the round opens")
    condition = store.scalar(db, "SELECT condition FROM theory_of_action WHERE id = ?", [toa_id])
    if condition is None:
        raise UserError("That theory of action was deleted", kind="state")
    if store.scalar(
        db,
        "SELECT count(*) FROM staff_input_round WHERE toa_id = ? AND lower(label) = lower(?)",
        [toa_id, label],
    ):
        raise UserError(f"There is already a round called {label}")
    with store.transaction(db) as cur:
        round_id = cur.execute(
            "INSERT INTO staff_input_round (toa_id, label, condition, opened_on, closes_on)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            [toa_id, label, condition, opened_on, closes_on],
        ).fetchone()[0]
        cur.executemany(
            "INSERT INTO staff_input_tally (round_id, item, value, answers) VALUES (?, ?, ?, 0)",
            [[round_id, item, value] for item in ITEMS for value in SCALE],
        )
    return int(round_id)


def close_round(db: Database, round_id: int, *, viewer: Viewer = _LOCAL) -> None:
    """Close a round for good: answers stop, results appear if enough people answered.

    Never reopened, so results never change after people have seen them. The answered list
    and its key go, and the ideas are written again in a fresh random order.
    """
    _require_leader(viewer)
    with store.transaction(db) as cur:
        found = cur.execute("SELECT closed FROM staff_input_round WHERE id = ?", [round_id]).fetchone()
        if found is None:
            raise UserError("That round was deleted", kind="state")
        cur.execute("UPDATE staff_input_round SET closed = true WHERE id = ?", [round_id])
        cur.execute("DELETE FROM staff_input_answered WHERE round_id = ?", [round_id])
        cur.execute("DELETE FROM staff_input_key WHERE round_id = ?", [round_id])
        ideas = [r[0] for r in cur.execute(
            "SELECT body FROM staff_input_idea WHERE round_id = ?", [round_id]).fetchall()]
        random.SystemRandom().shuffle(ideas)
        cur.execute("DELETE FROM staff_input_idea WHERE round_id = ?", [round_id])
        if ideas:
            cur.executemany(
                "INSERT INTO staff_input_idea (round_id, token, body) VALUES (?, ?, ?)",
                [[round_id, secrets.token_hex(16), body] for body in ideas],
            )
    db.checkpoint()


def delete_round(db: Database, round_id: int, *, viewer: Viewer = _LOCAL) -> store.Removed:
    """Delete a round with its counts and ideas (Undo puts them back)."""
    _require_leader(viewer)
    removed = store.delete(
        db,
        "The staff input round",
        [
            ("staff_input_round", "id = ?", [round_id]),
            ("staff_input_tally", "round_id = ?", [round_id]),
            ("staff_input_idea", "round_id = ?", [round_id]),
            ("staff_input_answered", "round_id = ?", [round_id]),
            ("staff_input_key", "round_id = ?", [round_id]),
        ],
    )
    audit.record(db, viewer.who, "delete", f"staff input round {round_id}")
    return removed


def rounds(db: Database, toa_id: int | None = None) -> pd.DataFrame:
    """Rounds in order: id, toa_id, label, condition, opened_on, closes_on, closed, state
    ("open"/"closed"), responses (a count). ``toa_id`` None: every theory's rounds."""
    return store.query(
        db,
        "SELECT id, toa_id, label, condition, opened_on, closes_on, closed,"
        " CASE WHEN closed THEN 'closed' ELSE 'open' END AS state, responses"
        " FROM staff_input_round WHERE ?::INTEGER IS NULL OR toa_id = ? ORDER BY opened_on, id",
        [toa_id, toa_id],
    )


def _hash(secret: str, email: str) -> str:
    return hmac.new(bytes.fromhex(secret), email.strip().lower().encode("utf-8"),
                    hashlib.sha256).hexdigest()


def has_answered(db: Database, round_id: int, viewer: Viewer | None) -> bool:
    """Has this signed-in person answered ``round_id``? (False without sign-in.)"""
    if not counts_once(viewer):
        return False
    secret = store.scalar(db, "SELECT secret FROM staff_input_key WHERE round_id = ?", [round_id])
    if secret is None:
        return False
    return bool(store.scalar(
        db,
        "SELECT count(*) FROM staff_input_answered WHERE round_id = ? AND person = ?",
        [round_id, _hash(secret, viewer.email)],  # type: ignore[union-attr,arg-type]
    ))


def submit(
    db: Database,
    round_id: int,
    ratings: dict[str, int],
    idea: str | None = None,
    viewer: Viewer | None = None,
) -> None:
    """Count one anonymous response: every statement rated 1-5, and an optional idea.

    Returns nothing that could link back. A signed-in ``viewer`` is marked as having answered
    (apart from the answers) and a second answer is refused with :data:`ALREADY_ANSWERED`.
    """
    missing = [k for k in ITEMS if ratings.get(k) is None]
    if missing:
        raise UserError(f"Rate every statement ({len(missing)} left)")
    if set(ratings) - set(ITEMS):
        raise UserError("Unknown statement")
    if any(int(ratings[k]) not in SCALE for k in ITEMS):
        raise UserError("Ratings run from 1 to 5")
    idea = store.clean_text(idea)
    if idea is not None and len(idea) > IDEA_LIMIT:
        raise UserError(f"Keep the idea under {IDEA_LIMIT} characters")
    with store.transaction(db) as cur:
        state = cur.execute("SELECT closed FROM staff_input_round WHERE id = ?", [round_id]).fetchone()
        if state is None or state[0]:
            raise UserError("This staff input round is closed", kind="state")
        if counts_once(viewer):
            row = cur.execute(
                "SELECT secret FROM staff_input_key WHERE round_id = ?", [round_id]).fetchone()
            secret = row[0] if row else secrets.token_hex(32)
            if row is None:
                cur.execute("INSERT INTO staff_input_key (round_id, secret) VALUES (?, ?)",
                            [round_id, secret])
            try:
                cur.execute("INSERT INTO staff_input_answered (round_id, person) VALUES (?, ?)",
                            [round_id, _hash(secret, viewer.email)])  # type: ignore[union-attr,arg-type]
            except duckdb.ConstraintException:
                raise UserError(ALREADY_ANSWERED, kind="state") from None
        for item in ITEMS:
            cur.execute(
                "UPDATE staff_input_tally SET answers = answers + 1"
                " WHERE round_id = ? AND item = ? AND value = ?",
                [round_id, item, int(ratings[item])],
            )
        if idea is not None:
            cur.execute("INSERT INTO staff_input_idea (round_id, token, body) VALUES (?, ?, ?)",
                        [round_id, secrets.token_hex(16), idea])
        cur.execute("UPDATE staff_input_round SET responses = responses + 1 WHERE id = ?",
                    [round_id])
    # Fold the log (where this response's rows sit together, in order) into the file now.
    db.checkpoint()


def results(db: Database, toa_id: int, min_size: int | None = None) -> pd.DataFrame:
    """Per closed round of ``toa_id`` and statement: round_id, round, opened_on, item,
    statement, n, responses (text), mean, pct_agree (4 or 5), counts (answers per value 1-5,
    a list), suppressed. Open rounds are left out; under the minimum group size mean,
    pct_agree and counts are None and suppressed is True."""
    limit = min_size or config.MIN_GROUP_SIZE
    columns = ["round_id", "round", "opened_on", "item", "statement", "n", "responses",
               "mean", "pct_agree", "counts", "suppressed"]
    frame = store.query(
        db,
        "SELECT r.id AS round_id, r.label AS round, r.opened_on, r.condition, r.responses,"
        " t.item, t.value, t.answers FROM staff_input_round r"
        " JOIN staff_input_tally t ON t.round_id = r.id"
        " WHERE r.closed AND r.toa_id = ? ORDER BY r.opened_on, r.id, t.item, t.value",
        [toa_id],
    )
    out: list[dict[str, Any]] = []
    order = {k: n for n, k in enumerate(ITEMS)}
    for (round_id, item), part in frame.groupby(["round_id", "item"], sort=False):
        if item not in ITEMS:
            continue
        first = part.iloc[0]
        n = int(first["responses"])
        hidden = n < limit
        answers = int(part["answers"].sum())
        by_value = dict(zip(part["value"].astype(int), part["answers"].astype(int), strict=True))
        out.append({
            "round_id": int(round_id), "round": first["round"], "opened_on": first["opened_on"],
            "item": item, "statement": statement(item, first["condition"]), "n": n,
            "responses": fewer_than(limit, "responses") if hidden else str(n),
            "mean": None if hidden or not answers else round(
                float((part["value"] * part["answers"]).sum()) / answers, 2),
            "pct_agree": None if hidden or not answers else round(
                100 * float(part.loc[part["value"] >= 4, "answers"].sum()) / answers, 1),
            "counts": None if hidden else [by_value.get(v, 0) for v in SCALE],
            "suppressed": hidden,
            "_order": order[item],
        })
    if not out:
        return pd.DataFrame(columns=columns)
    result = pd.DataFrame(out).sort_values(["opened_on", "round_id", "_order"], ignore_index=True)
    return result[columns]


def ideas(db: Database, round_id: int, min_size: int | None = None) -> list[str] | None:
    """The ideas of a closed round with at least the minimum group size, shuffled; None when
    they may not be shown (open round, too few responses, or no such round)."""
    found = store.rows(
        db, "SELECT closed, responses FROM staff_input_round WHERE id = ?", [round_id])
    if not found:
        return None
    closed, responses = found[0]
    if not closed or int(responses) < (min_size or config.MIN_GROUP_SIZE):
        return None
    shown = [r[0] for r in store.rows(
        db, "SELECT body FROM staff_input_idea WHERE round_id = ?", [round_id])]
    random.SystemRandom().shuffle(shown)
    return shown


def has_results(db: Database, toa_id: int, min_size: int | None = None) -> bool:
    """Has ``toa_id`` a closed round with enough responses to show?"""
    return bool(store.scalar(
        db,
        "SELECT count(*) FROM staff_input_round WHERE toa_id = ? AND closed AND responses >= ?",
        [toa_id, min_size or config.MIN_GROUP_SIZE],
    ))
