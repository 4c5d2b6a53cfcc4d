"""In a real browser, on the demo school: open School year, generate a team's year plan from
its goal, see the new items in the month grid and in the list, and download the .ics and read
it back with a calendar parser."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from icalendar import Calendar

from collabplan import db as db_module
from collabplan.year import calendar
from tests.e2e.conftest import _start_app, _stop, choose_option, wait_for_app

MIDYEAR = "Mid-year, with leadership"


def _no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def _grid_month(page) -> dt.date:
    caption = page.locator("table.cp-month caption").first.inner_text().strip()
    return dt.datetime.strptime(caption, "%B %Y").date()


def _go_to_month(page, wanted: dt.date) -> None:
    """Click Previous/Next month until the grid shows ``wanted``'s month."""
    for _ in range(36):
        shown = _grid_month(page)
        if (shown.year, shown.month) == (wanted.year, wanted.month):
            return
        name = "Previous month" if shown > wanted else "Next month"
        page.get_by_role("button", name=name).click()
        wait_for_app(page)
    raise AssertionError(f"the grid never showed {wanted:%B %Y}")


def _grid_text(page) -> str:
    return page.locator("table.cp-month").first.inner_text()


@pytest.mark.e2e
def test_generate_a_year_plan_and_take_it_home(tmp_path: Path, demo_file: Path, page) -> None:
    shutil.copy(demo_file, tmp_path / "e2e.duckdb")
    server = _start_app(tmp_path)
    try:
        page.goto(f"{server.url}/calendar")
        wait_for_app(page)
        _no_exception(page)
        page.locator("table.cp-month").first.wait_for()
        _go_to_month(page, dt.date(2026, 1, 1))
        before = _grid_text(page).count(MIDYEAR)
        assert before >= 1  # the demo's plans are on the calendar already

        # a team plans the year of its second goal, dates already past included
        editor = page.locator(".st-key-calendar_plan")
        choose_option(page, editor.get_by_role("combobox", name="Team").first, "Grade 3 Reading")
        choose_option(page, editor.get_by_role("combobox", name="Goal").first, re.compile("ELL"))
        page.get_by_text("Also plan the dates already past (marked done)").click()
        wait_for_app(page)
        page.get_by_role("button", name=re.compile(r"^Add \d+ items to the plan")).click()
        wait_for_app(page)
        _no_exception(page)
        page.get_by_text("added to the plan").first.wait_for()

        # the month grid shows the new mid-year signpost, done
        _go_to_month(page, dt.date(2026, 1, 1))
        grid = _grid_text(page)
        assert grid.count(MIDYEAR) == before + 1
        assert "Signpost (done):" in grid

        # the list view has it in its month
        page.locator('[data-testid="stButtonGroup"] button').filter(has_text="List").first.click()
        wait_for_app(page)
        _no_exception(page)
        assert page.locator("table.cp-month").count() == 0
        past = page.get_by_text(re.compile(r"^Already past"))
        if past.count():
            past.first.click()
            wait_for_app(page)
        shown = page.locator(".st-key-calendar_views")  # the views, not the plan's editor
        shown.get_by_text("January 2026", exact=True).first.wait_for()
        assert shown.text_content().count(MIDYEAR) == before + 1

        # the .ics: every item of the calendar once, parsed by a calendar library
        with page.expect_download() as info:
            page.get_by_role("button", name=re.compile(r"\(\.ics\)$")).click()
        assert info.value.suggested_filename == "school-year.ics"
        data = Path(info.value.path()).read_bytes()
        wait_for_app(page)
        _no_exception(page)
    finally:
        _stop(server.process)
    events = Calendar.from_ical(data).walk("VEVENT")
    uids = [str(e["uid"]) for e in events]
    assert len(uids) == len(set(uids))
    db = db_module.connect(tmp_path / "e2e.duckdb")
    try:
        found = calendar.items(db, None)
        planned = db.rows("SELECT y.id, y.on_date FROM year_item y JOIN goal g ON g.id = y.goal_id"
                          " WHERE g.population LIKE '%ELL%'")
        exported = db.scalar("SELECT count(*) FROM audit WHERE action = 'export'"
                             " AND detail LIKE 'calendar (ics)%'")
    finally:
        db.close()
    assert len(events) == len(found)
    assert planned
    by_uid = {str(e["uid"]): e for e in events}
    for item_id, on in planned:
        event = by_uid[f"year-{item_id}@collabplan"]
        assert event.decoded("dtstart") == on
        assert event.decoded("dtend") == on + dt.timedelta(days=1)
    assert exported == 1
