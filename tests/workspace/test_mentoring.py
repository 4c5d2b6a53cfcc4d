"""Mentoring pairs and coaching cycles: the four steps in order, the next step due, when a
cycle is complete, who may write and who reads the notes, and Undo."""

from __future__ import annotations

from datetime import date

import pytest

from collabplan.access import Viewer
from collabplan.errors import UserError
from collabplan.workspace import mentoring, store

TODAY = date(2026, 3, 10)
MENTOR = Viewer("chen@school.org", "coach")
OTHER_COACH = Viewer("other@school.org", "coach")
MENTEE = Viewer("kim@school.org", "teacher", team_ids=frozenset({1}))
TEACHER = Viewer("ana@school.org", "teacher", team_ids=frozenset({1}))


@pytest.fixture
def pair_id(db) -> int:
    return mentoring.add_pair(db, "Ms. Chen", "Mr. Kim", "Hinge questions", date(2026, 3, 1),
                              "Chen@School.org", "kim@school.org")


def test_a_pair_reads_back_with_no_cycle_yet(db, pair_id):
    frame = mentoring.pairs(db)
    assert frame[["mentor", "mentee", "focus", "cycles", "now"]].values.tolist() == [
        ["Ms. Chen", "Mr. Kim", "Hinge questions", 0, "No cycle yet"]]
    assert frame["label"].tolist() == ["Ms. Chen mentoring Mr. Kim"]
    assert mentoring.pair(db, pair_id)["mentor_email"] == "chen@school.org"


@pytest.mark.parametrize("mentor, mentee, email, says", [
    ("", "Mr. Kim", None, "mentor's name"),
    ("Ms. Chen", "  ", None, "mentee's name"),
    ("Ms. Chen", "ms. chen", None, "two different people"),
    ("Ms. Chen", "Mr. Lee", "not an address", "not an e-mail address"),
])
def test_a_pair_that_cannot_be_added_says_why(db, mentor, mentee, email, says):
    with pytest.raises(UserError, match=says):
        mentoring.add_pair(db, mentor, mentee, mentor_email=email)
    assert db.scalar("SELECT count(*) FROM mentoring_pair") == 0


def test_the_same_pair_is_not_added_twice(db, pair_id):
    with pytest.raises(UserError, match="already mentors"):
        mentoring.add_pair(db, "ms. chen", "MR. KIM")


def test_a_cycle_goes_through_its_four_steps_in_order(db, pair_id):
    cycle = mentoring.start_cycle(db, pair_id, date(2026, 3, 2))
    now = mentoring.cycles(db, pair_id)[-1]
    assert [s["label"] for s in now["steps"]] == ["Observe", "Reflect", "Set a goal", "Follow up"]
    assert now["next_step"] == "Observe" and not now["complete"]
    assert mentoring.next_step_words(now, TODAY) == "Next: Observe, not planned yet"

    mentoring.save_step(db, cycle, "observe", date(2026, 3, 4), today=TODAY)
    now = mentoring.cycles(db, pair_id)[-1]
    assert mentoring.next_step_words(now, TODAY) == "Next: Observe, overdue since 4 Mar 2026"
    with pytest.raises(UserError, match="Record Observe as done first"):
        mentoring.save_step(db, cycle, "reflect", done_on=date(2026, 3, 5), today=TODAY)
    mentoring.save_step(db, cycle, "observe", date(2026, 3, 4), date(2026, 3, 4),
                        "Watched the mini-lesson", today=TODAY)
    mentoring.save_step(db, cycle, "reflect", done_on=date(2026, 3, 6), today=TODAY)
    mentoring.save_step(db, cycle, "set_goal", planned_on=date(2026, 3, 12), today=TODAY)
    now = mentoring.cycles(db, pair_id)[-1]
    assert (now["next_step"], now["next_on"]) == ("Set a goal", date(2026, 3, 12))
    assert mentoring.next_step_words(now, TODAY) == "Next: Set a goal, planned 12 Mar 2026"
    assert mentoring.pairs(db)["now"].iloc[0].startswith("Next: Set a goal")

    with pytest.raises(UserError, match="Finish the current coaching cycle"):
        mentoring.start_cycle(db, pair_id)
    mentoring.save_step(db, cycle, "set_goal", date(2026, 3, 12), date(2026, 3, 9), today=TODAY)
    mentoring.save_step(db, cycle, "follow_up", done_on=TODAY, note="Goal met", today=TODAY)
    now = mentoring.cycles(db, pair_id)[-1]
    assert now["complete"] and now["next_step"] is None
    assert mentoring.next_step_words(now, TODAY) == "Complete: all four steps done"
    # a complete cycle lets the pair start the next one
    mentoring.start_cycle(db, pair_id, TODAY)
    assert len(mentoring.cycles(db, pair_id)) == 2


def test_a_step_is_done_on_a_day_that_has_come(db, pair_id):
    cycle = mentoring.start_cycle(db, pair_id)
    with pytest.raises(UserError, match="day that has come"):
        mentoring.save_step(db, cycle, "observe", done_on=date(2026, 3, 11), today=TODAY)
    with pytest.raises(UserError, match="planned day"):
        mentoring.save_step(db, cycle, "observe", note="   ", today=TODAY)
    with pytest.raises(UserError, match="A coaching step is one of"):
        mentoring.save_step(db, cycle, "celebrate", planned_on=TODAY)
    assert db.scalar("SELECT count(*) FROM coaching_step") == 0


def test_saving_a_step_again_replaces_it(db, pair_id):
    cycle = mentoring.start_cycle(db, pair_id)
    mentoring.save_step(db, cycle, "observe", planned_on=date(2026, 3, 4), today=TODAY)
    mentoring.save_step(db, cycle, "observe", planned_on=date(2026, 3, 5), note="moved",
                        today=TODAY)
    assert db.rows("SELECT planned_on, note FROM coaching_step") == [(date(2026, 3, 5), "moved")]


def test_leaders_add_pairs_and_the_mentor_records_the_cycles(db, pair_id):
    for viewer in (MENTOR, MENTEE, TEACHER):
        with pytest.raises(UserError, match="Only school leaders") as caught:
            mentoring.add_pair(db, "Mr. Okafor", "Mr. Diaz", viewer=viewer)
        assert caught.value.kind == "access"
    # the mentor by sign-in address (any case) starts and records the cycle
    cycle = mentoring.start_cycle(db, pair_id, viewer=MENTOR)
    mentoring.save_step(db, cycle, "observe", done_on=TODAY, viewer=MENTOR, today=TODAY)
    assert db.scalar("SELECT updated_by FROM coaching_step") == "chen@school.org"
    for viewer in (OTHER_COACH, MENTEE, TEACHER):
        with pytest.raises(UserError, match="this pair's mentor"):
            mentoring.save_step(db, cycle, "reflect", planned_on=TODAY, viewer=viewer)
        with pytest.raises(UserError, match="this pair's mentor"):
            mentoring.delete_cycle(db, cycle, viewer)
    with pytest.raises(UserError, match="Only school leaders"):
        mentoring.delete_pair(db, pair_id, MENTOR)
    assert db.scalar("SELECT count(*) FROM audit WHERE who = 'chen@school.org'") == 2


def test_notes_are_read_by_leaders_and_the_pair_only(db, pair_id):
    cycle = mentoring.start_cycle(db, pair_id)
    mentoring.save_step(db, cycle, "observe", done_on=TODAY, note="Questions were yes/no",
                        today=TODAY)

    def note(viewer):
        return mentoring.cycles(db, pair_id, viewer)[-1]["steps"][0]["note"]

    assert note(Viewer.local_user()) == "Questions were yes/no"
    assert note(MENTOR) == note(MENTEE) == "Questions were yes/no"
    assert note(OTHER_COACH) == note(TEACHER) == mentoring.HIDDEN_NOTE
    assert note(Viewer.local_user(projection=True)) == mentoring.HIDDEN_NOTE
    assert note(None) == mentoring.HIDDEN_NOTE
    # everyone still sees the dates: the step is done
    assert mentoring.cycles(db, pair_id, TEACHER)[-1]["steps"][0]["done_on"] == TODAY


def test_removing_a_pair_takes_its_cycles_and_undo_brings_them_back(db, pair_id):
    other = mentoring.add_pair(db, "Mr. Okafor", "Mr. Diaz")
    cycle = mentoring.start_cycle(db, pair_id)
    mentoring.save_step(db, cycle, "observe", done_on=TODAY, today=TODAY)
    kept = mentoring.start_cycle(db, other)
    removed = mentoring.delete_pair(db, pair_id)
    assert db.rows("SELECT id FROM coaching_cycle") == [(kept,)]
    assert db.scalar("SELECT count(*) FROM coaching_step") == 0
    with pytest.raises(UserError, match="removed"):
        mentoring.pair(db, pair_id)
    store.restore(db, removed)
    assert mentoring.cycles(db, pair_id)[-1]["steps"][0]["done_on"] == TODAY


def test_removing_a_cycle_can_be_undone(db, pair_id):
    cycle = mentoring.start_cycle(db, pair_id)
    mentoring.save_step(db, cycle, "observe", planned_on=TODAY)
    removed = mentoring.delete_cycle(db, cycle)
    assert mentoring.cycles(db, pair_id) == []
    with pytest.raises(UserError, match="removed"):
        mentoring.save_step(db, cycle, "observe", planned_on=TODAY)
    store.restore(db, removed)
    assert mentoring.cycles(db, pair_id)[-1]["steps"][0]["planned_on"] == TODAY


def test_coaching_items_are_dated_steps_without_notes(db, pair_id):
    cycle = mentoring.start_cycle(db, pair_id)
    mentoring.save_step(db, cycle, "observe", date(2026, 3, 3), date(2026, 3, 4), "secret",
                        today=TODAY)
    mentoring.save_step(db, cycle, "reflect", note="no date yet", today=TODAY)
    items = mentoring.coaching_items(db, MENTEE)
    assert [(i.uid, i.on, i.kind, i.done) for i in items] == [
        (f"coaching-{cycle}-observe", date(2026, 3, 4), "coaching", True)]
    assert items[0].title == "Observe (Ms. Chen with Mr. Kim)"
    assert items[0].detail is None


def test_step_after_moves_on_and_stops_at_the_last(db):
    assert mentoring.step_after("observe") == "reflect"
    assert mentoring.step_after("follow_up") == "follow_up"
