"""The calendar gathers every dated thing of the demo school, once, scoped to the viewer."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from collabplan.access import Viewer
from collabplan.year import calendar, plan
from collabplan.year.items import KINDS


def _teacher(db, team: str) -> Viewer:
    team_id = db.scalar("SELECT id FROM team WHERE name = ?", [team])
    return Viewer("t@school.org", "teacher", team_ids=frozenset({int(team_id)}))


def _expected_counts(db) -> dict[str, int]:
    """Each source's dated rows, counted in SQL straight from its table."""
    seasons = db.scalar(
        "SELECT count(DISTINCT (CASE WHEN month(a.date) >= 8 THEN year(a.date) ELSE year(a.date) - 1 END,"
        " CASE split_part(lower(a.term), ' ', 1) WHEN 'boy' THEN 'fall' WHEN 'autumn' THEN 'fall'"
        " WHEN 'moy' THEN 'winter' WHEN 'eoy' THEN 'spring' ELSE split_part(lower(a.term), ' ', 1) END))"
        " FROM administration a WHERE a.date IS NOT NULL"
        " AND split_part(lower(a.term), ' ', 1) IN ('fall','autumn','boy','winter','moy','spring','eoy','summer')"
        " AND a.id IN (SELECT administration_id FROM sitting)")
    unseasoned = db.scalar(
        "SELECT count(*) FROM administration a WHERE a.date IS NOT NULL"
        " AND (a.term IS NULL OR split_part(lower(a.term), ' ', 1) NOT IN"
        " ('fall','autumn','boy','winter','moy','spring','eoy','summer'))"
        " AND a.id IN (SELECT administration_id FROM sitting)")
    return {
        "testing_window": seasons + unseasoned,
        "signpost": db.scalar("SELECT count(*) FROM signpost")
        + db.scalar("SELECT count(*) FROM year_item WHERE kind = 'signpost'"),
        "target": db.scalar("SELECT count(*) FROM goal WHERE target_date IS NOT NULL"),
        "action": db.scalar("SELECT count(*) FROM action WHERE status <> 'dropped'"
                            " AND coalesce(start_date, due_date) IS NOT NULL"),
        "next_step": db.scalar("SELECT count(*) FROM team_meeting WHERE next_step_by IS NOT NULL"
                               " AND next_step IS NOT NULL"),
        "checkin": db.scalar("SELECT count(*) FROM year_item WHERE kind = 'checkin'"),
        "staff_share": db.scalar("SELECT count(*) FROM year_item WHERE kind = 'staff_share'"),
        "plan": db.scalar("SELECT count(*) FROM year_item WHERE kind = 'plan'"),
        "survey_round": db.scalar("SELECT count(*) FROM survey_round"),
        "communication": db.scalar("SELECT count(*) FROM communication_step"),
        "theory_action": db.scalar("SELECT count(*) FROM toa_action")
        + db.scalar("SELECT count(*) FROM toa_plan_step WHERE due_on IS NOT NULL"),
        "staff_input": db.scalar("SELECT count(*) FROM staff_input_round"),
        "vision": db.scalar("SELECT count(*) FROM vision_session WHERE held_on IS NOT NULL")
        + db.scalar("SELECT count(*) FROM vision_consensus WHERE agreed_on IS NOT NULL"),
        "structure": db.scalar("SELECT count(*) FROM school_structure WHERE next_step_on IS NOT NULL"),
        "coaching": db.scalar("SELECT count(*) FROM coaching_step"
                              " WHERE planned_on IS NOT NULL OR done_on IS NOT NULL"),
    }


def test_calendar_holds_every_dated_item_of_the_demo_once(demo_db):
    found = calendar.items(demo_db, None)
    counts = Counter(i.kind for i in found)
    expected = _expected_counts(demo_db)
    assert {k: v for k, v in expected.items() if v} == dict(counts)
    # the demo has something of every source the app keeps today
    for kind in ("testing_window", "signpost", "target", "action", "next_step", "checkin",
                 "staff_share", "survey_round", "communication", "theory_action", "staff_input",
                 "vision", "structure", "coaching"):
        assert counts[kind] > 0, kind
    uids = [i.uid for i in found]
    assert len(uids) == len(set(uids))
    assert all(i.kind in KINDS for i in found)
    assert [i.on for i in found] == sorted(i.on for i in found)


def test_uids_are_stable_across_reads(demo_db):
    assert [i.uid for i in calendar.items(demo_db, None)] == [
        i.uid for i in calendar.items(demo_db, Viewer.local_user())]


def test_seasonal_windows_span_the_days_the_uploads_date_them(demo_db):
    # a second assessment's fall window a week later widens the school's fall window
    with demo_db.transaction() as cur:
        cur.execute("UPDATE administration SET date = DATE '2025-09-22' WHERE term = 'BOY'")
    fall = [i for i in calendar.items(demo_db, None) if i.uid == "window-2025-fall"]
    assert len(fall) == 1
    assert (fall[0].on, fall[0].ends) == (dt.date(2025, 9, 15), dt.date(2025, 9, 22))
    assert "DIBELS 8th Edition (BOY) 22 Sep 2025" in fall[0].detail


def test_teacher_reads_own_teams_items_and_every_staff_share(demo_db):
    me = _teacher(demo_db, "Grade 3 Reading")
    mine = calendar.items(demo_db, me)
    teams = {i.team for i in mine if i.kind != "staff_share"}
    assert teams <= {"Grade 3 Reading", None}
    shares = {i.team for i in mine if i.kind == "staff_share"}
    assert {"Grade 4 Math", "Grade 7 ELA"} <= shares
    # testing windows only from the team's own uploads: grade 7's tracker is not there
    titles = {i.title for i in mine if i.kind == "testing_window"}
    assert "Grade 7 ELA Standards Tracker" not in titles
    assert "Grade 3 Context Clues CFA" in titles
    assert "Grade 7 ELA Standards Tracker" in {
        i.title for i in calendar.items(demo_db, Viewer("c@school.org", "coach"))}


def test_filters_by_dates_kinds_and_team(demo_db):
    every = calendar.items(demo_db, None)
    january = calendar.items(demo_db, None, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    assert january and all(i.on <= dt.date(2026, 1, 31) and calendar.last_day(i) >= dt.date(2026, 1, 1)
                           for i in january)
    # a long action that started in the fall is still going in January
    assert any(i.kind == "action" and i.on < dt.date(2026, 1, 1) for i in january)
    only = calendar.items(demo_db, None, kinds=["survey_round"])
    assert only and {i.kind for i in only} == {"survey_round"}
    team_id = demo_db.scalar("SELECT id FROM team WHERE name = 'Grade 4 Math'")
    team = calendar.items(demo_db, None, team_id=team_id)
    assert {i.team for i in team} == {"Grade 4 Math", None}
    assert len(team) < len(every)


def test_on_day_shows_a_span_on_its_ends_and_once_a_week_between(demo_db):
    found = calendar.items(demo_db, None, kinds=["action"])
    action = next(i for i in found if i.ends and (i.ends - i.on).days > 30)
    assert action in calendar.on_day(found, action.on)
    assert calendar.span_edge(action, action.on) == "starts"
    assert action in calendar.on_day(found, action.ends)
    assert calendar.span_edge(action, action.ends) == "ends"
    between = [action.on + dt.timedelta(days=n) for n in range(1, (action.ends - action.on).days)]
    shown = [d for d in between if action in calendar.on_day(found, d)]
    assert shown and all(d.weekday() == 0 or d.day == 1 for d in shown)
    # every week the span covers names it once
    weeks = {d.isocalendar()[:2] for d in between if d.isocalendar()[:2] != action.on.isocalendar()[:2]}
    assert weeks <= {d.isocalendar()[:2] for d in shown + [action.ends]}
    assert {calendar.span_edge(action, d) for d in shown} == {"continues"}


def test_a_new_plan_item_is_on_the_calendar(demo_db):
    team_id = demo_db.scalar("SELECT id FROM team WHERE name = 'Grade 7 ELA'")
    new = plan.add_item(demo_db, team_id, dt.date(2026, 3, 18), "Model lessons with the coach")
    found = [i for i in calendar.items(demo_db, None) if i.uid == f"year-{new}"]
    assert len(found) == 1 and found[0].kind == "plan" and found[0].team == "Grade 7 ELA"


def test_calendar_items_carry_no_student_names(demo_db):
    names = {n for (n,) in demo_db.rows("SELECT display_name FROM student WHERE display_name IS NOT NULL")}
    text = " ".join(f"{i.title} {i.detail or ''}" for i in calendar.items(demo_db, None))
    assert names and not any(n in text for n in names)
