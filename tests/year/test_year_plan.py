"""A team's year plan: generated from its goal, edited, deleted with undo, never doubled."""

from __future__ import annotations

import datetime as dt

import pytest

from collabplan import audit
from collabplan.access import Viewer
from collabplan.errors import UserError
from collabplan.goals.model import get_goal
from collabplan.year import plan

START = dt.date(2025, 9, 1)  # the start of the demo's 2025-26 school year


def _ell_goal(db) -> int:
    """The demo's second Grade 3 goal: the demo does not plan its year."""
    return int(db.scalar("SELECT id FROM goal WHERE population LIKE '%ELL%'"))


def _teacher(db, team: str) -> Viewer:
    team_id = db.scalar("SELECT id FROM team WHERE name = ?", [team])
    return Viewer("t@school.org", "teacher", team_ids=frozenset({int(team_id)}))


def test_generated_plan_follows_the_goal_and_its_windows(demo_db):
    goal = get_goal(demo_db, _ell_goal(demo_db))
    offered = plan.proposals(demo_db, goal.id, START)
    keys = [p.key for p in offered]
    # fall is the baseline window: check-ins after winter and spring, mid-year, share, target
    assert keys == ["checkin:2025-winter", "midyear", "share", "checkin:2025-spring", "target"]
    by_key = {p.key: p for p in offered}
    assert by_key["checkin:2025-winter"].on == dt.date(2026, 1, 27)  # a week after 20 January
    assert by_key["midyear"].on.month == 1 and by_key["midyear"].on.weekday() < 5
    assert by_key["target"].on == goal.target_date
    share = by_key["share"]
    assert share.on.weekday() == plan.STAFF_MEETING_WEEKDAY
    assert share.staff_meeting == f"{share.on:%B} staff meeting"
    # teams take turns: the demo's Grade 3 plan shares in February already
    assert demo_db.scalar("SELECT count(*) FROM year_item WHERE kind = 'staff_share'"
                          " AND on_date = ?", [share.on]) <= 1


def test_usual_windows_when_the_uploads_show_none(demo_db):
    windows = plan.testing_windows(demo_db, 9999, dt.date(2025, 8, 1))
    assert [(w[0], w[1]) for w in windows] == [
        (dt.date(2025, 9, 15), "fall"), (dt.date(2026, 1, 20), "winter"),
        (dt.date(2026, 5, 12), "spring")]


def test_usual_windows_fill_the_seasons_not_uploaded_yet(demo_db):
    # in the fall only the fall window is uploaded: winter and spring come from the usual days
    assessment = int(demo_db.scalar("SELECT id FROM assessment WHERE name = 'Mathematics'"))
    with demo_db.transaction() as cur:
        cur.execute("DELETE FROM administration WHERE assessment_id = ? AND term NOT LIKE 'Fall%'",
                    [assessment])
        cur.execute("UPDATE administration SET date = DATE '2025-09-08' WHERE assessment_id = ?",
                    [assessment])
    windows = plan.testing_windows(demo_db, assessment, dt.date(2025, 8, 1))
    assert [(w[0], w[1]) for w in windows] == [
        (dt.date(2025, 9, 8), "fall"), (dt.date(2026, 1, 20), "winter"),
        (dt.date(2026, 5, 12), "spring")]


def test_generating_twice_adds_nothing_and_keeps_edits(demo_db):
    goal_id = _ell_goal(demo_db)
    first = plan.generate(demo_db, goal_id, today=START)
    assert len(first) == 5
    assert plan.generate(demo_db, goal_id, today=START) == []
    moved = first[0]
    plan.update_item(demo_db, moved, on_date=dt.date(2026, 2, 2), title="Winter results talk")
    assert plan.missing(demo_db, goal_id, START) == []
    assert plan.generate(demo_db, goal_id, today=START) == []
    row = plan.item(demo_db, moved)
    assert (row["on_date"], row["title"]) == (dt.date(2026, 2, 2), "Winter results talk")
    # a deleted generated item is offered again, and only that one
    plan.delete_item(demo_db, first[1])
    assert [p.key for p in plan.missing(demo_db, goal_id, START)] == ["midyear"]
    assert len(plan.generate(demo_db, goal_id, today=START, keys=["midyear"])) == 1


def test_past_items_are_not_offered_unless_asked(demo_db):
    goal_id = _ell_goal(demo_db)
    today = dt.date(2026, 3, 1)
    ahead = plan.missing(demo_db, goal_id, today)
    # the share moves to a staff meeting still to come at which no other team shares yet:
    # Grade 4 Math shares on 4 March and Grade 7 ELA on 1 April in the demo
    assert [p.key for p in ahead] == ["share", "checkin:2025-spring", "target"]
    assert ahead[0].on == dt.date(2026, 5, 6)
    made = plan.generate(demo_db, goal_id, today=today, include_past=True)
    done = {plan.item(demo_db, i)["source_key"]: plan.item(demo_db, i)["done"] for i in made}
    assert done["checkin:2025-winter"] is True and done["target"] is False


def test_edit_rename_mark_done_move_and_undo_delete(demo_db):
    team_id = int(demo_db.scalar("SELECT id FROM team WHERE name = 'Grade 7 ELA'"))
    new = plan.add_item(demo_db, team_id, "2026-03-18", "  Model lessons  ", detail="With the coach")
    plan.update_item(demo_db, new, title="Model lessons with the coach", done=True,
                     on_date=dt.date(2026, 3, 25))
    row = plan.item(demo_db, new)
    assert (row["title"], row["done"], row["on_date"]) == (
        "Model lessons with the coach", True, dt.date(2026, 3, 25))
    removed = plan.delete_item(demo_db, new)
    assert new not in plan.team_plan(demo_db, team_id)["id"].tolist()
    plan.restore(demo_db, removed)
    plan.restore(demo_db, removed)  # a second click on Undo changes nothing
    back = plan.team_plan(demo_db, team_id)
    assert back["id"].tolist().count(new) == 1
    assert plan.item(demo_db, new) == row
    log = audit.full_log(demo_db)
    assert (log["action"] == "year plan").sum() >= 2
    assert log["detail"].str.contains(f"year plan item {new}").any()


def test_shares_name_meeting_team_and_what(demo_db):
    team_id = int(demo_db.scalar("SELECT id FROM team WHERE name = 'Grade 3 Reading'"))
    new = plan.add_share(demo_db, team_id, dt.date(2026, 4, 1), "Our word-wall routine")
    shares = plan.staff_shares(demo_db)
    row = shares[shares["id"] == new].iloc[0]
    assert (row["team"], row["title"], row["staff_meeting"]) == (
        "Grade 3 Reading", "Our word-wall routine", "April staff meeting")


@pytest.mark.parametrize("change", [{"title": "  "}, {"on_date": "not a date"},
                                    {"kind": "testing_window"}, {"colour": "red"}])
def test_bad_edits_are_refused_in_words(demo_db, change):
    team_id = int(demo_db.scalar("SELECT min(id) FROM team"))
    new = plan.add_item(demo_db, team_id, dt.date(2026, 3, 18), "Plan")
    with pytest.raises(UserError):
        plan.update_item(demo_db, new, **change)
    assert plan.item(demo_db, new)["title"] == "Plan"


def test_only_the_team_and_leaders_write_its_plan(demo_db):
    goal_id = _ell_goal(demo_db)
    other = _teacher(demo_db, "Grade 7 ELA")
    coach = Viewer("c@school.org", "coach")
    for who in (other, coach):
        with pytest.raises(UserError, match="Only the team"):
            plan.generate(demo_db, goal_id, today=START, viewer=who)
    own = _teacher(demo_db, "Grade 3 Reading")
    made = plan.generate(demo_db, goal_id, today=START, viewer=own)
    assert made
    with pytest.raises(UserError):
        plan.update_item(demo_db, made[0], done=True, viewer=other)
    with pytest.raises(UserError):
        plan.delete_item(demo_db, made[0], viewer=coach)
    removed = plan.delete_item(demo_db, made[0], viewer=own)
    with pytest.raises(UserError):
        plan.restore(demo_db, removed, viewer=other)
    assert audit.full_log(demo_db)["who"].eq("t@school.org").any()


def test_deleted_item_is_no_longer_there(demo_db):
    team_id = int(demo_db.scalar("SELECT min(id) FROM team"))
    new = plan.add_item(demo_db, team_id, dt.date(2026, 3, 18), "Plan")
    plan.delete_item(demo_db, new)
    with pytest.raises(UserError, match="no longer there"):
        plan.delete_item(demo_db, new)


def test_the_plan_follows_the_goals_year_whatever_today_is(demo_db):
    goal_id = _ell_goal(demo_db)
    later = dt.date(2026, 12, 5)  # the next school year: the goal's own year is still planned
    assert [p.key for p in plan.proposals(demo_db, goal_id, later)] == [
        p.key for p in plan.proposals(demo_db, goal_id, START)]
    assert plan.missing(demo_db, goal_id, later) == []  # all past
    assert len(plan.missing(demo_db, goal_id, later, include_past=True)) == 5


def test_demo_year_seeding_is_idempotent_and_leaves_the_log_empty(demo_db):
    from collabplan.samples.demo_year import seed_year
    from tests.conftest import DEMO_TODAY

    assert demo_db.scalar("SELECT count(*) FROM year_item") > 0
    assert seed_year(demo_db, DEMO_TODAY) == 0
    assert audit.full_log(demo_db).empty
