"""AppTest of School year on the demo school: the month grid and its navigation, the list
view, generating a team's plan from its goal, editing and deleting (with Undo) an item,
planning a staff-meeting share, and the .ics download."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from streamlit.testing.v1.element_tree import Button

from collabplan import audit
from collabplan.access import Viewer
from collabplan.year import calendar, ics, plan
from tests.apptest_tree import download_buttons, open_app_page, rendered_text

PAGE = "pages/calendar.py"


def _html(at) -> str:
    return "\n".join(str(h.proto.body) for h in at.main.get("html"))


def _opened(month: dt.date | None = None):
    at = open_app_page(PAGE, timeout=120)
    if month is not None:
        at.session_state["calendar_month"] = month
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def test_month_grid_moves_between_months_and_switches_to_the_list(demo_db):
    at = _opened(dt.date(2026, 1, 1))
    grid = _html(at)
    assert "January 2026" in grid
    assert "Mid-year, with leadership" in grid and "(Grade 3 Reading)" in grid
    at.button(key="calendar_next").click().run()
    grid = _html(at)
    assert "February 2026" in grid and "Share at a staff meeting" in grid
    at.button(key="calendar_prev").click().run()
    at.button(key="calendar_prev").click().run()
    assert "December 2025" in _html(at)

    at.button_group(key="calendar_view").set_value("List").run()
    assert not at.exception
    assert not at.main.get("html")  # the grid is gone, the tables are there
    shown = rendered_text(at)
    assert "After the winter testing window" in shown
    assert "Whole school" in shown  # the school's own items (survey rounds, windows)

    at.button_group(key="calendar_view").set_value("Timeline").run()
    assert not at.exception
    assert at.get("plotly_chart")


def test_filters_by_kind_and_team(demo_db):
    at = _opened(dt.date(2026, 2, 1))
    at.selectbox(key="calendar_kind_pick").set_value("staff_share").run()
    grid = _html(at)
    assert "Share at a staff meeting" in grid and "Signpost" not in grid
    math = int(demo_db.scalar("SELECT id FROM team WHERE name = 'Grade 4 Math'"))
    at.selectbox(key="calendar_kind_pick").set_value(None).run()
    at.selectbox(key="calendar_team_pick").set_value(math).run()
    grid = _html(at)
    assert "Grade 3 Reading" not in grid and "Grade 4 Math" in grid


def test_generate_a_plan_then_edit_delete_and_undo(demo_db):
    goal_id = int(demo_db.scalar("SELECT id FROM goal WHERE population LIKE '%ELL%'"))
    team_id = int(demo_db.scalar("SELECT team_id FROM goal WHERE id = ?", [goal_id]))
    before = len(plan.team_plan(demo_db, team_id))
    at = _opened()
    at.selectbox(key="calendar_plan_team").set_value(team_id).run()
    at.selectbox(key="calendar_plan_goal").set_value(goal_id).run()
    offered = plan.missing(demo_db, goal_id, include_past=True)
    assert offered
    at.checkbox(key="calendar_past").check().run()
    at.button(key="calendar_generate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    after = plan.team_plan(demo_db, team_id)
    assert len(after) == before + len(offered)
    assert any("added to the plan" in s.value for s in at.success)
    # generating again offers nothing more
    assert plan.missing(demo_db, goal_id, include_past=True) == []
    assert not [b for b in at.button if b.key == "calendar_generate"]

    item_id = int(after["id"].iloc[0])
    form = f"calendar_item_{item_id}"
    box = next(t for t in at.text_input if t.label == "What" and t.proto.form_id == form)
    box.set_value("Winter results talk")
    next(c for c in at.checkbox if c.label == "Done" and c.proto.form_id == form).check()
    next(b for b in at.button if b.proto.form_id == form).click().run()
    assert not at.exception
    row = plan.item(demo_db, item_id)
    assert (row["title"], row["done"]) == ("Winter results talk", True)

    at.button(key=f"calendar_delete_{item_id}").click().run()
    assert item_id not in plan.team_plan(demo_db, team_id)["id"].tolist()
    at.button(key="calendar_undo").click().run()
    assert not at.exception
    assert plan.item(demo_db, item_id)["title"] == "Winter results talk"


def test_plan_a_share_at_a_staff_meeting(demo_db):
    at = _opened()
    team_id = int(demo_db.scalar("SELECT id FROM team WHERE name = 'Grade 7 ELA'"))
    at.selectbox(key="calendar_share_team").set_value(team_id).run()
    form = "calendar_add_share"
    next(t for t in at.text_input if t.label == "What the team shares"
         and t.proto.form_id == form).set_value("Point-of-view sentence starters")
    next(b for b in at.button if b.proto.form_id == form).click().run()
    assert not at.exception
    shares = plan.staff_shares(demo_db)
    mine = shares[shares["title"] == "Point-of-view sentence starters"]
    assert list(mine["team"]) == ["Grade 7 ELA"]
    assert mine["staff_meeting"].iloc[0].endswith("staff meeting")
    assert "Point-of-view sentence starters" in rendered_text(at)


def test_download_is_the_calendar_as_ics_and_is_logged(demo_db, monkeypatch):
    built: list[bytes] = []
    real = ics.calendar_ics
    monkeypatch.setattr(ics, "calendar_ics", lambda *a, **k: built.append(real(*a, **k)) or built[-1])
    at = _opened()
    buttons = download_buttons(at.main.root)
    labels = [b.proto.label for _blk, _i, b in buttons]
    assert labels == ["Download the calendar for your own calendar (.ics)"]
    parsed = Calendar.from_ical(built[-1])
    events = parsed.walk("VEVENT")
    assert len(events) == len(calendar.items(demo_db, Viewer.local_user()))
    assert str(parsed["x-wr-calname"]) == "Lincoln Community School: school year"
    block, index, button = buttons[0]
    block.children[index] = Button(button.proto, at.main.root)  # AppTest cannot click a download
    block.children[index].click()
    at.run()
    assert list(audit.recent(demo_db)["action"])[0] == "export"

    # one team's calendar: its items and the school's own
    math = int(demo_db.scalar("SELECT id FROM team WHERE name = 'Grade 4 Math'"))
    at.selectbox(key="calendar_team_pick").set_value(math).run()
    label = download_buttons(at.main.root)[0][2].proto.label
    assert label == "Download this team for your own calendar (.ics)"
    teams = {str(c) for e in Calendar.from_ical(built[-1]).walk("VEVENT")
             for c in e["categories"].cats}
    assert "Grade 4 Math" in teams and "Grade 3 Reading" not in teams


@pytest.fixture
def empty_school(db):
    return db


def test_empty_school_says_what_to_do_next(empty_school):
    at = _opened()
    shown = rendered_text(at)
    assert "Nothing is dated yet" in shown
    assert "No teams yet" in shown
    assert not download_buttons(at.main.root)
