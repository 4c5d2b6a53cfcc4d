"""One answer per signed-in person per round, with the fact of answering kept apart from the
answers: no shared column, no order of answering in the stored answers, nothing left once
the round closes; without sign-in the survey works as before (no limit, nothing recorded)."""

from __future__ import annotations

import os
import random

import pytest

from collabplan import config, shared_store
from collabplan.access import Viewer
from collabplan.errors import UserError
from collabplan.workspace import survey

STAFF = [f"teacher{n:02d}@school.example" for n in range(12)]


def person(email: str) -> Viewer:
    return Viewer(email=email, role="teacher")


def answers_of(n: int) -> dict[str, int]:
    """A different answer pattern per person, so the order of people would show if kept."""
    return {item: 1 + (n + k) % 5 for k, item in enumerate(survey.SURVEY_ITEMS)}


def stored_answers(db) -> list[tuple]:
    """survey_tally exactly as stored, in the engine's own row order: DuckDB's rowid, or
    PostgreSQL's ctid (the row's place) on the shared store."""
    if db.shared:
        return db.rows(
            "SELECT * FROM postgres_query('store', 'SELECT ctid::text AS place, round_id, item,"
            " value, answers FROM survey_tally ORDER BY ctid')")
    return db.rows("SELECT rowid, * FROM survey_tally ORDER BY rowid")


@pytest.mark.skipif(not os.environ.get(shared_store.TEST_SERVER_ENV),
                    reason="about PostgreSQL's row versions (pytest --store=local)")
def test_on_the_shared_store_no_counter_shows_which_answer_wrote_it(db):
    """Each row version carries its transaction's id (xmin): every counter of the round has
    the last answer's, so no counter is tied to one person's answered mark."""
    first = survey.open_round(db, "Fall")
    for n, email in enumerate(STAFF[:3]):
        survey.submit_survey(db, first, answers_of(n), person(email))
    writers = db.rows("SELECT * FROM postgres_query('store',"
                      " 'SELECT DISTINCT xmin::text FROM survey_tally')")
    marks = db.rows("SELECT * FROM postgres_query('store',"
                    " 'SELECT xmin::text FROM survey_answered')")
    assert len(writers) == 1 and len(marks) == 3


def columns(db, table: str) -> set[str]:
    return set(db.query(f"SELECT * FROM {table} LIMIT 0").columns)  # noqa: S608 - fixed names


def test_the_answered_table_and_the_answers_share_only_the_round(db):
    round_id = survey.open_round(db, "Fall")
    for n, email in enumerate(STAFF):
        survey.submit_survey(db, round_id, answers_of(n), person(email))
    answered = columns(db, "survey_answered")
    assert answered == {"round_id", "person"}
    assert columns(db, "survey_tally") == {"round_id", "item", "value", "answers"}
    assert answered & columns(db, "survey_tally") == {"round_id"}
    # no email is stored, only keyed hashes; no time anywhere
    people = [p for (p,) in db.rows("SELECT person FROM survey_answered")]
    assert len(people) == len(set(people)) == len(STAFF)
    assert not any("@" in p or "teacher" in p for p in people)
    for table in ("survey_answered", "survey_tally", "survey_round", "survey_round_key"):
        types = db.rows(
            "SELECT data_type FROM information_schema.columns WHERE table_name = ?", [table]
        )
        assert not [t for (t,) in types if "TIME" in t.upper()], table


def test_the_stored_answers_do_not_follow_the_order_of_people(db, tmp_path):
    """Twelve people answering in two different orders leave byte-for-byte the same answers."""
    first = survey.open_round(db, "Fall")
    for n, email in enumerate(STAFF):
        survey.submit_survey(db, first, answers_of(n), person(email))
    in_order = [row[2:] for row in stored_answers(db)]

    from collabplan import db as db_module

    other = db_module.connect(tmp_path / "other.duckdb")
    second = survey.open_round(other, "Fall")
    shuffled = list(enumerate(STAFF))
    random.Random(16).shuffle(shuffled)
    for n, email in shuffled:
        survey.submit_survey(other, second, answers_of(n), person(email))
    assert [row[2:] for row in stored_answers(other)] == in_order
    # the rows are the counters made when the round opened, in (item, value) order
    keys = [(item, value) for (_, _, item, value, _) in stored_answers(db)]
    assert keys == [(i, v) for i in survey.SURVEY_ITEMS for v in survey.SCALE]
    total = db.scalar("SELECT sum(answers) FROM survey_tally WHERE round_id = ?", [first])
    assert total == len(STAFF) * len(survey.SURVEY_ITEMS)
    other.close()


def test_a_second_answer_in_the_same_round_is_refused(db):
    round_id = survey.open_round(db, "Fall")
    survey.submit_survey(db, round_id, answers_of(0), person("ana@school.example"))
    assert survey.has_answered(db, round_id, person("ANA@school.example "))
    before = stored_answers(db)
    with pytest.raises(UserError, match="^You have answered this round; thank you$") as caught:
        survey.submit_survey(db, round_id, answers_of(3), person("Ana@School.example"))
    assert caught.value.kind == "state"
    assert stored_answers(db) == before
    assert survey.rounds(db)["responses"].tolist() == [1]
    # someone else still can, and the same person can in another round
    survey.submit_survey(db, round_id, answers_of(1), person("ben@school.example"))
    later = survey.open_round(db, "Winter")
    assert not survey.has_answered(db, later, person("ana@school.example"))
    survey.submit_survey(db, later, answers_of(0), person("ana@school.example"))


def test_one_person_has_unrelated_marks_in_different_rounds(db):
    one, two = survey.open_round(db, "Fall"), survey.open_round(db, "Winter")
    for round_id in (one, two):
        survey.submit_survey(db, round_id, answers_of(0), person("ana@school.example"))
    marks = {r: p for r, p in db.rows("SELECT round_id, person FROM survey_answered")}
    assert marks[one] != marks[two]


def test_closing_a_round_forgets_who_answered(db):
    round_id = survey.open_round(db, "Fall")
    for n, email in enumerate(STAFF[: config.MIN_GROUP_SIZE]):
        survey.submit_survey(db, round_id, answers_of(n), person(email))
    survey.close_round(db, round_id)
    assert db.scalar("SELECT count(*) FROM survey_answered") == 0
    assert db.scalar("SELECT count(*) FROM survey_round_key") == 0
    assert survey.rounds(db)["responses"].tolist() == [config.MIN_GROUP_SIZE]
    assert not survey.survey_results(db)["suppressed"].any()


def test_deleting_a_round_takes_its_answered_list_and_undo_puts_it_back(db):
    from collabplan.workspace import store

    round_id = survey.open_round(db, "Fall")
    survey.submit_survey(db, round_id, answers_of(0), person("ana@school.example"))
    removed = survey.delete_round(db, round_id)
    assert db.scalar("SELECT count(*) FROM survey_answered") == 0
    store.restore(db, removed)
    with pytest.raises(UserError, match="You have answered this round"):
        survey.submit_survey(db, round_id, answers_of(0), person("ana@school.example"))


def test_without_sign_in_answers_are_not_limited_and_nothing_about_the_person_is_kept(db):
    round_id = survey.open_round(db, "Fall")
    local = Viewer.local_user()
    for viewer in (local, local, None, Viewer.local_user(projection=True)):
        survey.submit_survey(db, round_id, answers_of(0), viewer)
        assert not survey.has_answered(db, round_id, viewer)
    assert survey.rounds(db)["responses"].tolist() == [4]
    assert db.scalar("SELECT count(*) FROM survey_answered") == 0
    assert db.scalar("SELECT count(*) FROM survey_round_key") == 0


def test_results_are_suppressed_per_question_below_the_minimum(db):
    round_id = survey.open_round(db, "Fall")
    for n, email in enumerate(STAFF[: config.MIN_GROUP_SIZE - 1]):
        survey.submit_survey(db, round_id, answers_of(n), person(email))
    survey.close_round(db, round_id)
    items = survey.survey_results(db)
    assert len(items) == len(survey.SURVEY_ITEMS)
    assert items["suppressed"].all()
    assert items["mean"].isna().all() and items["pct_agree"].isna().all()
    assert set(items["responses"]) == {f"fewer than {config.MIN_GROUP_SIZE} responses"}


def test_an_answer_to_a_closed_round_is_refused_before_anything_is_noted(db):
    round_id = survey.open_round(db, "Fall")
    survey.close_round(db, round_id)
    with pytest.raises(UserError, match="closed"):
        survey.submit_survey(db, round_id, answers_of(0), person("ana@school.example"))
    assert db.scalar("SELECT count(*) FROM survey_answered") == 0


def test_no_database_log_keeps_an_answer_beside_the_person(db, db_path):
    """DuckDB's log (the .wal file) keeps each transaction's changes together until a
    checkpoint: an answer is folded into the file at once, so no log links it to its mark."""
    round_id = survey.open_round(db, "Fall")
    wal = db_path.parent / f"{db_path.name}.wal"
    for n, email in enumerate(STAFF[:3]):
        survey.submit_survey(db, round_id, answers_of(n), person(email))
        held = wal.read_bytes() if wal.exists() else b""
        marks = [p for (p,) in db.rows("SELECT person FROM survey_answered")]
        assert marks and not [m for m in marks if m.encode() in held]
        assert not held, "the answer is still in the database's log"
