"""In a real browser, on the demo school, a new user: adopts an idea on the goal board, then on
Collaboration structures records a structure, adds a mentoring pair, starts a coaching cycle
and records its first step as done, and finds the board's adoption in the share log."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from collabplan import db as db_module
from tests.e2e.conftest import _start_app, _stop, choose_option, wait_for_app

ACTION = "Teach three Tier 2 words a day with student-friendly definitions"
TARGET = "Grade 4 Math: Number and Operations (active)"


def _no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()
    alerts = page.locator('[data-testid="stAlertContentError"]')
    assert alerts.count() == 0, alerts.first.inner_text()


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_for_app(page)


def _form(page, key: str):
    return page.locator(f'[data-testid="stForm"]:has(button:has-text("{key}"))').last


@pytest.mark.e2e
def test_a_new_user_runs_the_structures_guide(tmp_path: Path, demo_file: Path, page) -> None:
    shutil.copy(demo_file, tmp_path / "e2e.duckdb")
    server = _start_app(tmp_path)
    try:
        # an idea adopted on the board, to find in the log later
        page.goto(f"{server.url}/goal_board")
        wait_for_app(page)
        choose_option(page, page.get_by_role("combobox", name="Ideas you adopt go into").first,
                      TARGET)
        row = page.locator('[data-testid="stHorizontalBlock"]').filter(has_text=ACTION).last
        row.get_by_role("button", name="Adopt").click()
        wait_for_app(page)
        _no_exception(page)

        page.goto(f"{server.url}/structures")
        wait_for_app(page)
        _no_exception(page)
        page.get_by_text("Needs attention: Common planning time.").wait_for()

        # record a structure the demo has not recorded yet
        _tab(page, "The seven structures")
        choose_option(page, page.get_by_role("combobox", name="Structure"), "Cross-role teams")
        record = _form(page, "Save the record")
        record.get_by_text("Planning", exact=True).click()
        record.get_by_label("Owner").fill("Mrs. Rivera")
        record.get_by_label("Time", exact=True).fill("Second Monday 3:00–4:00")
        record.get_by_label("How often").fill("Monthly")
        record.get_by_role("button", name="Save the record").click()
        wait_for_app(page)
        _no_exception(page)
        page.get_by_text("Cross-role teams saved.").wait_for()

        # a mentoring pair, a cycle, and its first step done
        _tab(page, "Mentoring & coaching")
        page.get_by_text("Add a mentoring pair").click()
        pair = _form(page, "Add the pair")
        pair.get_by_label("Mentor", exact=True).fill("Ms. Patel")
        pair.get_by_label("Mentee", exact=True).fill("Mr. Brooks")
        pair.get_by_label("Focus").fill("Small-group reading")
        pair.get_by_role("button", name="Add the pair").click()
        wait_for_app(page)
        _no_exception(page)
        page.get_by_text("Ms. Patel and Mr. Brooks paired.").wait_for()
        page.get_by_role("button", name="Start a coaching cycle").click()
        wait_for_app(page)
        _no_exception(page)
        page.get_by_text("Coaching cycle started").wait_for()
        step = _form(page, "Save the step")
        # the date field is three segments (year, month, day); typing moves along them
        step.get_by_role("spinbutton", name="year, Done on").click()
        page.keyboard.type(dt.date.today().strftime("%Y%m%d"))
        page.keyboard.press("Tab")
        step.get_by_label("Short note").fill("Watched the guided-reading group")
        step.get_by_role("button", name="Save the step").click()
        wait_for_app(page)
        _no_exception(page)
        page.get_by_text("Observe saved.").wait_for()
        page.locator('[data-testid="stExpander"]').filter(
            has_text="Next: Reflect, not planned yet").first.wait_for()

        # the board's adoption is in the share log
        _tab(page, "Share what works")
        # (the table's cells are the grid's accessible copy: in the page, not painted as text)
        page.get_by_text(f"Grade 4 Math adopted Grade 3 Reading's idea: {ACTION}").first \
            .wait_for(state="attached")
    finally:
        _stop(server.process)
    db = db_module.connect(tmp_path / "e2e.duckdb")
    try:
        assert db.rows("SELECT runs, owner FROM school_structure WHERE structure = 'cross_role'") \
            == [("planning", "Mrs. Rivera")]
        steps = db.rows(
            "SELECT s.step, s.done_on, s.note FROM coaching_step s JOIN coaching_cycle c"
            " ON c.id = s.cycle_id JOIN mentoring_pair p ON p.id = c.pair_id"
            " WHERE p.mentee = 'Mr. Brooks'")
        assert steps == [("observe", dt.date.today(), "Watched the guided-reading group")]
        assert db.scalar("SELECT count(*) FROM share_entry WHERE what = ?", [ACTION]) == 0
    finally:
        db.close()
