"""Staff input beyond the team: anonymous by construction (nothing per person stored, no time,
no link between one person's ratings and idea), results only for closed rounds with the
minimum group size, ideas shown shuffled and only then, and one answer per signed-in person
per round kept apart from the answers."""

from __future__ import annotations

import pytest

from collabplan import config
from collabplan.access import Viewer
from collabplan.errors import UserError
from collabplan.workspace import staff_input, theory

STAFF = [f"teacher{n:02d}@school.example" for n in range(12)]
TABLES = ("staff_input_round", "staff_input_tally", "staff_input_idea", "staff_input_answered",
          "staff_input_key")


def person(email: str) -> Viewer:
    return Viewer(email=email, role="teacher")


def ratings_of(n: int) -> dict[str, int]:
    """A different pattern per person, so an order of people would show if it were kept."""
    return {item: 1 + (n + k) % 5 for k, item in enumerate(staff_input.ITEMS)}


def columns(db, table: str) -> set[str]:
    return set(db.query(f"SELECT * FROM {table} LIMIT 0").columns)  # noqa: S608 - fixed names


@pytest.fixture
def toa(db) -> int:
    return theory.add_theory(db, "Enabling work structures")


def test_nothing_per_person_is_stored_and_nothing_carries_a_time(db, toa):
    round_id = staff_input.open_round(db, toa, "Fall")
    for n, email in enumerate(STAFF):
        staff_input.submit(db, round_id, ratings_of(n), f"Idea {n}", person(email))
    assert columns(db, "staff_input_tally") == {"round_id", "item", "value", "answers"}
    assert columns(db, "staff_input_idea") == {"round_id", "token", "body"}
    assert columns(db, "staff_input_answered") == {"round_id", "person"}
    # the answered list shares only the round with the answers, and holds no email
    assert columns(db, "staff_input_answered") & (
        columns(db, "staff_input_tally") | columns(db, "staff_input_idea")) == {"round_id"}
    hashes = [p for (p,) in db.rows("SELECT person FROM staff_input_answered")]
    assert len(set(hashes)) == len(STAFF) and not any("@" in h or "teacher" in h for h in hashes)
    for table in TABLES:
        types = db.rows(
            "SELECT data_type FROM information_schema.columns WHERE table_name = ?", [table])
        assert not [t for (t,) in types if "TIME" in t.upper()], table
    # the tally is counts only: one row per (statement, value) whatever the number of people
    assert db.scalar("SELECT count(*) FROM staff_input_tally") == 5 * len(staff_input.ITEMS)
    assert db.scalar("SELECT sum(answers) FROM staff_input_tally") == 4 * len(STAFF)


def test_ideas_are_keyed_at_random_so_they_cannot_be_put_back_in_order(db, toa):
    round_id = staff_input.open_round(db, toa, "Fall")
    for n in range(12):
        staff_input.submit(db, round_id, ratings_of(n), f"Idea {n:02d}")
    tokens = [t for (t,) in db.rows("SELECT token FROM staff_input_idea ORDER BY token")]
    assert len(set(tokens)) == 12 and all(len(t) == 32 for t in tokens)
    by_token = [b for (b,) in db.rows("SELECT body FROM staff_input_idea ORDER BY token")]
    assert by_token != [f"Idea {n:02d}" for n in range(12)]  # 1 in 12! by chance
    staff_input.close_round(db, round_id)
    assert set(tokens).isdisjoint(t for (t,) in db.rows("SELECT token FROM staff_input_idea"))
    assert sorted(staff_input.ideas(db, round_id)) == [f"Idea {n:02d}" for n in range(12)]


def test_results_come_only_from_closed_rounds_with_the_minimum_group_size(db, toa):
    small = staff_input.open_round(db, toa, "Small")
    for n in range(config.MIN_GROUP_SIZE - 1):
        staff_input.submit(db, small, ratings_of(n), "A quiet idea")
    big = staff_input.open_round(db, toa, "Big")
    for n in range(config.MIN_GROUP_SIZE):
        staff_input.submit(db, big, dict.fromkeys(staff_input.ITEMS, 4 if n % 2 else 2),
                           "Protect the block" if n == 0 else None)
    # open: nothing shown at all
    assert staff_input.results(db, toa).empty
    assert staff_input.ideas(db, big) is None and not staff_input.has_results(db, toa)
    staff_input.close_round(db, small)
    staff_input.close_round(db, big)
    results = staff_input.results(db, toa)
    hidden = results[results["round"] == "Small"]
    assert hidden["suppressed"].all() and hidden["mean"].isna().all()
    assert hidden["counts"].isna().all() and hidden["pct_agree"].isna().all()
    assert set(hidden["responses"]) == {f"fewer than {config.MIN_GROUP_SIZE} responses"}
    assert staff_input.ideas(db, small) is None
    shown = results[results["round"] == "Big"]
    assert not shown["suppressed"].any()
    assert shown["mean"].tolist() == [3.0] * len(staff_input.ITEMS)
    assert shown["pct_agree"].tolist() == [50.0] * len(staff_input.ITEMS)
    half = config.MIN_GROUP_SIZE // 2
    assert shown["counts"].tolist() == [[0, half, 0, half, 0]] * len(staff_input.ITEMS)
    assert staff_input.ideas(db, big) == ["Protect the block"]
    assert staff_input.has_results(db, toa)
    assert shown["statement"].iloc[0] == "Enabling work structures is strong at our school today."


def test_one_answer_per_signed_in_person_per_round_and_closing_forgets_who(db, toa):
    first = staff_input.open_round(db, toa, "Fall")
    second = staff_input.open_round(db, toa, "Spring")
    ana = person("Ana@School.example")
    assert not staff_input.has_answered(db, first, ana)
    staff_input.submit(db, first, ratings_of(0), "First idea", ana)
    assert staff_input.has_answered(db, first, ana)
    with pytest.raises(UserError, match="already|given your input"):
        staff_input.submit(db, first, ratings_of(1), "Second idea",
                           person("ana@school.example "))
    assert db.scalar("SELECT responses FROM staff_input_round WHERE id = ?", [first]) == 1
    assert db.scalar("SELECT count(*) FROM staff_input_idea") == 1  # the refused idea is not kept
    staff_input.submit(db, second, ratings_of(1), None, ana)  # another round: fine
    hashes = {r: p for r, p in db.rows("SELECT round_id, person FROM staff_input_answered")}
    assert hashes[first] != hashes[second]  # the same person is not linkable across rounds
    staff_input.close_round(db, first)
    assert db.scalar("SELECT count(*) FROM staff_input_answered WHERE round_id = ?", [first]) == 0
    assert db.scalar("SELECT count(*) FROM staff_input_key WHERE round_id = ?", [first]) == 0
    with pytest.raises(UserError, match="closed"):
        staff_input.submit(db, first, ratings_of(2), None, person("bo@school.example"))


def test_without_sign_in_answers_count_and_nobody_is_recorded(db, toa):
    round_id = staff_input.open_round(db, toa, "Fall")
    for viewer in (None, Viewer.local_user(), None):
        staff_input.submit(db, round_id, ratings_of(1), None, viewer)
    assert db.scalar("SELECT responses FROM staff_input_round") == 3
    assert db.scalar("SELECT count(*) FROM staff_input_answered") == 0
    assert not staff_input.has_answered(db, round_id, None)


def test_a_response_must_rate_every_statement_within_the_scale(db, toa):
    round_id = staff_input.open_round(db, toa, "Fall")
    with pytest.raises(UserError, match="1 left"):
        staff_input.submit(db, round_id, {**ratings_of(0), "would_try": None})
    with pytest.raises(UserError, match="1 to 5"):
        staff_input.submit(db, round_id, {**ratings_of(0), "matters": 6})
    with pytest.raises(UserError, match="Unknown"):
        staff_input.submit(db, round_id, {**ratings_of(0), "favourite": 3})
    with pytest.raises(UserError, match="under"):
        staff_input.submit(db, round_id, ratings_of(0), "x" * (staff_input.IDEA_LIMIT + 1))
    assert db.scalar("SELECT responses FROM staff_input_round") == 0


def test_rounds_have_unique_names_per_theory_and_a_sane_closing_day(db, toa):
    from datetime import date

    staff_input.open_round(db, toa, "Fall", date(2026, 9, 1), date(2026, 9, 14))
    with pytest.raises(UserError, match="already"):
        staff_input.open_round(db, toa, "fall")
    with pytest.raises(UserError, match="before"):
        staff_input.open_round(db, toa, "Late", date(2026, 9, 10), date(2026, 9, 1))
    other = theory.add_theory(db, "Trust among colleagues")
    staff_input.open_round(db, other, "Fall")  # another theory may reuse the name
    assert staff_input.rounds(db, toa)["label"].tolist() == ["Fall"]
    assert len(staff_input.rounds(db)) == 2


def test_the_statements_keep_the_condition_as_asked(db, toa):
    round_id = staff_input.open_round(db, toa, "Fall")
    theory.save_theory(db, toa, condition="Time for peer observation")
    for n in range(config.MIN_GROUP_SIZE):
        staff_input.submit(db, round_id, ratings_of(n))
    staff_input.close_round(db, round_id)
    statements = staff_input.results(db, toa)["statement"].tolist()
    assert statements[1] == ("Improving enabling work structures would make a real difference "
                             "for our students.")


def test_deleting_a_round_is_audited_and_undo_puts_its_counts_back(db, toa):
    from collabplan.workspace import store

    round_id = staff_input.open_round(db, toa, "Fall")
    staff_input.submit(db, round_id, ratings_of(0), "Idea")
    removed = staff_input.delete_round(db, round_id)
    assert staff_input.rounds(db, toa).empty
    assert db.scalar("SELECT count(*) FROM audit WHERE detail = ?",
                     [f"staff input round {round_id}"]) == 1
    store.restore(db, removed)
    assert db.scalar("SELECT sum(answers) FROM staff_input_tally") == len(staff_input.ITEMS)
    assert db.scalar("SELECT count(*) FROM staff_input_idea") == 1


def test_no_database_log_keeps_an_answer_or_idea_beside_the_person(db, db_path, toa):
    """An answer is folded into the file at once: no .wal keeps it beside its mark."""
    round_id = staff_input.open_round(db, toa, "Fall")
    wal = db_path.parent / f"{db_path.name}.wal"
    for n, email in enumerate(STAFF[:3]):
        staff_input.submit(db, round_id, ratings_of(n), f"Idea number {n}", person(email))
        held = wal.read_bytes() if wal.exists() else b""
        assert not held, "the answer is still in the database's log"
