"""Collaboration structures: the school's record of the seven structures, who may write it,
its calendar items, the share-what-works log fed by the goal board, and the demo's seed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from collabplan.access import Viewer
from collabplan.errors import UserError
from collabplan.goals import adopt, feedback
from collabplan.samples.demo_structures import seed_structures
from collabplan.workspace import mentoring, share_log, store, structures
from collabplan.year.items import KINDS
from tests.conftest import DEMO_TODAY

COACH = Viewer("coach@school.org", "coach")
TEACHER = Viewer("ana@school.org", "teacher", team_ids=frozenset({1}))
HEAD = Viewer("head@school.org", "leader")
IDEA = "Teach three Tier 2 words a day with student-friendly definitions"


def _goal_of(db, team_id: int) -> int:
    return int(db.scalar("SELECT min(id) FROM goal WHERE team_id = ?", [team_id]))


def _action(db, what: str) -> int:
    return int(db.scalar("SELECT id FROM action WHERE what = ?", [what]))


# -- the record ---------------------------------------------------------------------------------
def test_overview_lists_the_seven_structures_of_the_guides_in_order(db):
    frame = structures.overview(db)
    assert frame["structure"].tolist() == [
        "Professional learning communities", "Common planning time", "Cross-role teams",
        "Mentoring and coaching cycles", "Relationship building",
        "Community and family partnerships", "Distributed leadership",
    ]
    assert frame["runs"].isna().all() and frame["owner"].isna().all()
    for s in structures.STRUCTURES.values():
        assert s.what and s.how and s.first_step


def test_a_saved_record_reads_back_in_words_and_is_audited(db):
    structures.save_record(db, "common_planning", runs="runs", owner="  Mr. Okafor ",
                           time_text="Thursdays 8:00–8:45", how_often="Weekly",
                           status="needs_attention", next_step="Move bus duty",
                           next_step_on=date(2026, 3, 2), notes="", viewer=HEAD)
    saved = structures.record(db, "common_planning")
    assert saved["owner"] == "Mr. Okafor" and saved["notes"] is None
    assert saved["next_step_on"] == date(2026, 3, 2)
    row = structures.overview(db).set_index("key").loc["common_planning"]
    assert (row["runs"], row["status"]) == ("Runs", "Needs attention")
    assert structures.needs_attention(db) == ["Common planning time"]
    assert db.rows("SELECT who, action FROM audit") == [("head@school.org", "structure")]
    # saving again replaces the record, it does not add a second one
    structures.save_record(db, "common_planning", runs="planning", viewer=HEAD)
    assert db.scalar("SELECT count(*) FROM school_structure") == 1
    assert structures.record(db, "common_planning")["owner"] is None


@pytest.mark.parametrize("kwargs, says", [
    ({"runs": None}, "runs it"),
    ({"runs": "sometimes"}, "runs it"),
    ({"runs": "runs", "status": "great"}, "Status is one of"),
    ({"runs": "runs", "next_step_on": date(2026, 1, 5)}, "next step"),
])
def test_a_record_that_cannot_be_saved_says_what_to_fix_and_writes_nothing(db, kwargs, says):
    with pytest.raises(UserError, match=says):
        structures.save_record(db, "plc", **kwargs)
    assert db.scalar("SELECT count(*) FROM school_structure") == 0


def test_an_unknown_structure_is_refused(db):
    with pytest.raises(UserError):
        structures.save_record(db, "book_club", runs="runs")


@pytest.mark.parametrize("viewer", [COACH, TEACHER])
def test_only_leaders_write_the_schools_record(db, viewer):
    with pytest.raises(UserError, match="Only school leaders") as caught:
        structures.save_record(db, "plc", runs="runs", viewer=viewer)
    assert caught.value.kind == "access"
    structures.save_record(db, "plc", runs="runs")
    with pytest.raises(UserError, match="Only school leaders"):
        structures.clear_record(db, "plc", viewer)
    assert structures.record(db, "plc")["runs"] == "runs"


def test_clearing_a_record_can_be_undone(db):
    structures.save_record(db, "plc", runs="runs", owner="Dr. Alvarez", status="running")
    removed = structures.clear_record(db, "plc")
    assert structures.record(db, "plc")["runs"] is None
    with pytest.raises(UserError, match="already deleted"):
        structures.clear_record(db, "plc")
    store.restore(db, removed)
    assert structures.record(db, "plc")["owner"] == "Dr. Alvarez"


def test_progress_says_which_structures_are_recorded(db):
    structures.save_record(db, "plc", runs="runs", status="running")
    structures.save_record(db, "community", runs="not_now")
    lines = dict((name, (ok, words)) for name, ok, words in structures.progress(db))
    assert lines["Professional learning communities"] == (True, "runs, running")
    assert lines["Community and family partnerships"] == (True, "Not now")
    assert lines["Cross-role teams"] == (False, "not recorded")


# -- calendar -------------------------------------------------------------------------------
def test_calendar_items_give_dated_next_steps_and_coaching_steps(db):
    structures.save_record(db, "relationships", runs="planning", owner="Mrs. Rivera",
                           next_step="Mixed-team pairs", next_step_on=date(2026, 2, 3))
    structures.save_record(db, "plc", runs="runs")  # no dated step: not on the calendar
    pair_id = mentoring.add_pair(db, "Ms. Chen", "Mr. Kim", started_on=date(2026, 1, 5))
    cycle = mentoring.start_cycle(db, pair_id, date(2026, 1, 5))
    mentoring.save_step(db, cycle, "observe", date(2026, 1, 8), date(2026, 1, 8), "private")
    mentoring.save_step(db, cycle, "reflect", date(2026, 1, 12))
    items = structures.calendar_items(db, HEAD)
    assert {i.kind for i in items} <= set(KINDS)
    by_uid = {i.uid: i for i in items}
    assert set(by_uid) == {"structure-relationships", f"coaching-{cycle}-observe",
                           f"coaching-{cycle}-reflect"}
    step = by_uid["structure-relationships"]
    assert (step.on, step.kind, step.page) == (date(2026, 2, 3), "structure", "structures")
    assert step.title == "Relationship building: Mixed-team pairs"
    assert by_uid[f"coaching-{cycle}-observe"].done is True
    assert by_uid[f"coaching-{cycle}-reflect"].done is False
    assert all("private" not in f"{i.title} {i.detail}" for i in items)
    # the same items for every viewer (a school-wide guide), and stable uids
    assert [i.uid for i in structures.calendar_items(db, TEACHER)] == [i.uid for i in items]


# -- share what works -----------------------------------------------------------------------
def test_an_adoption_on_the_board_appears_in_the_log_without_being_copied(demo_db):
    assert share_log.adopted_entries(demo_db).empty
    action = _action(demo_db, IDEA)
    adopt.adopt_action(demo_db, action, _goal_of(demo_db, 2))
    entries = share_log.entries(demo_db)
    board = entries[entries["source"] == "board"]
    assert board["title"].tolist() == [f"Grade 4 Math adopted Grade 3 Reading's idea: {IDEA}"]
    assert board["team"].tolist() == ["Grade 3 Reading"]
    assert board["shared_where"].tolist() == ["Goal board"]
    assert isinstance(board["shared_on"].iloc[0], date)
    assert demo_db.scalar("SELECT count(*) FROM share_entry WHERE what = ?", [IDEA]) == 0


def test_one_idea_adopted_twice_by_a_team_is_one_entry_and_undo_removes_it(demo_db):
    idea = "Fraction number-line routine at the start of every lesson"
    goals = [int(g) for (g,) in demo_db.rows("SELECT id FROM goal WHERE team_id = 1")]
    assert len(goals) == 2  # Grade 3 Reading's two goals in the demo
    copies = [adopt.adopt_action(demo_db, _action(demo_db, idea), g) for g in goals]
    assert len(set(copies)) == 2
    entries = share_log.adopted_entries(demo_db)
    assert entries["title"].tolist() == [f"Grade 3 Reading adopted Grade 4 Math's idea: {idea}"]
    adopt.undo_adoption(demo_db, copies[0])
    assert len(share_log.adopted_entries(demo_db)) == 1  # still adopted into the other goal
    adopt.undo_adoption(demo_db, copies[1])
    assert share_log.adopted_entries(demo_db).empty


def test_two_ideas_of_one_team_adopted_by_another_are_two_entries(demo_db):
    ideas = [w for (w,) in demo_db.rows(
        "SELECT a.what FROM action a JOIN goal g ON g.id = a.goal_id WHERE g.team_id = 1"
        " ORDER BY a.id LIMIT 2")]
    assert len(ideas) == 2
    for what in ideas:
        adopt.adopt_action(demo_db, _action(demo_db, what), _goal_of(demo_db, 2))
    titles = share_log.adopted_entries(demo_db)["title"].tolist()
    assert sorted(titles) == sorted(
        f"Grade 4 Math adopted Grade 3 Reading's idea: {w}" for w in ideas)


def test_an_adopted_suggestion_names_who_suggested_it(demo_db):
    target = _goal_of(demo_db, 2)
    from_team = feedback.add_feedback(demo_db, _goal_of(demo_db, 1), 3, "suggestion",
                                      "Number talks twice a week")
    coach_tip = feedback.add_feedback(demo_db, _goal_of(demo_db, 1), None, "resource",
                                      "The district's fraction kit", viewer=COACH)
    adopt.adopt_feedback(demo_db, from_team, target)
    adopt.adopt_feedback(demo_db, coach_tip, target)
    titles = share_log.adopted_entries(demo_db)["title"].tolist()
    assert "Grade 4 Math adopted Grade 7 ELA's suggestion: Number talks twice a week" in titles
    assert "Grade 4 Math adopted a coach's resource: The district's fraction kit" in titles


def test_entries_written_by_hand_are_not_doubled(demo_db):
    entry = share_log.add_entry(demo_db, "Exit tickets in three piles", 1, "Sort together",
                                "Staff meeting", date(2026, 3, 1), viewer=HEAD)
    with pytest.raises(UserError, match="already in the log"):
        share_log.add_entry(demo_db, "  exit tickets   in three PILES", 1)
    share_log.add_entry(demo_db, "Exit tickets in three piles", 2)  # another team: its own entry
    share_log.add_entry(demo_db, "Exit tickets in three piles", None)  # the whole school
    with pytest.raises(UserError, match="already in the log"):
        share_log.add_entry(demo_db, "Exit tickets in three piles", None)
    adopt.adopt_action(demo_db, _action(demo_db, IDEA), _goal_of(demo_db, 2))
    with pytest.raises(UserError, match="goal board already logs"):
        share_log.add_entry(demo_db, IDEA, 1)
    assert demo_db.rows("SELECT who, action FROM audit WHERE detail = ?",
                        [f"entry {entry} added"]) == [("head@school.org", "share what works")]


def test_the_log_is_newest_first_with_undated_entries_last(demo_db):
    seeded = len(share_log.entries(demo_db))
    share_log.add_entry(demo_db, "Old idea", None, shared_on=date(2025, 9, 1))
    share_log.add_entry(demo_db, "Undated idea", None)
    share_log.add_entry(demo_db, "New idea", None, shared_on=DEMO_TODAY)
    titles = share_log.entries(demo_db)["title"].tolist()
    assert len(titles) == seeded + 3
    assert titles[0] == "New idea" and titles[-1] == "Undated idea"
    assert titles.index("Old idea") > titles.index("New idea")


def test_only_leaders_write_the_log_and_a_removed_entry_comes_back(demo_db):
    with pytest.raises(UserError, match="Only school leaders"):
        share_log.add_entry(demo_db, "Something", None, viewer=TEACHER)
    with pytest.raises(UserError, match="Write what worked"):
        share_log.add_entry(demo_db, "   ", None)
    entry = share_log.add_entry(demo_db, "Something", None)
    with pytest.raises(UserError, match="Only school leaders"):
        share_log.delete_entry(demo_db, entry, COACH)
    removed = share_log.delete_entry(demo_db, entry)
    assert "Something" not in share_log.entries(demo_db)["title"].tolist()
    store.restore(demo_db, removed)
    assert "Something" in share_log.entries(demo_db)["title"].tolist()


# -- the demo -------------------------------------------------------------------------------
def test_the_demo_school_runs_a_few_structures_with_pairs_and_log_entries(demo_db):
    frame = structures.overview(demo_db)
    running = frame[frame["runs"] == "Runs"]
    assert len(running) >= 3 and running["owner"].notna().all()
    assert running["time_text"].notna().sum() >= 2
    pairs = mentoring.pairs(demo_db)
    assert len(pairs) == 2
    first = mentoring.cycles(demo_db, int(pairs["id"].iloc[0]))[-1]
    done = [s for s in first["steps"] if s["done_on"] is not None]
    assert len(done) == 2 and not first["complete"]
    assert all(s["done_on"] <= DEMO_TODAY for s in done)
    assert len(share_log.hand_entries(demo_db)) == 2
    start, end = date(2025, 8, 1), date(2026, 7, 31)
    for item in structures.calendar_items(demo_db):
        assert start <= item.on <= end, item
    # seeding again adds nothing
    seed_structures(demo_db, DEMO_TODAY)
    assert len(mentoring.pairs(demo_db)) == 2


def test_seeding_on_the_first_day_of_a_school_year_keeps_dates_inside_it(db):
    first_day = date(2026, 8, 1)
    seed_structures(db, first_day)
    for item in structures.calendar_items(db):
        assert first_day <= item.on <= first_day + timedelta(days=364)
    assert len(share_log.hand_entries(db)) == 2  # whole-school entries without teams
