"""In a real browser, on the demo school: a team adopts another team's action from the goal
board (a double click adds it once), the board shows where the idea spread on both cards, and
the adopting goal's page lists it as adopted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from collabplan import db as db_module
from tests.e2e.conftest import _start_app, _stop, wait_for_app

ACTION = "Teach three Tier 2 words a day with student-friendly definitions"
TARGET = "Grade 4 Math: Number and Operations (active)"


def _no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


@pytest.mark.e2e
def test_adopting_an_action_from_the_board(tmp_path: Path, demo_file: Path, page) -> None:
    shutil.copy(demo_file, tmp_path / "e2e.duckdb")
    server = _start_app(tmp_path)
    try:
        page.goto(f"{server.url}/goal_board")
        wait_for_app(page)
        _no_exception(page)
        # where adopted ideas go: Grade 4 Math's goal
        page.get_by_role("combobox", name="Ideas you adopt go into").first.click()
        page.get_by_role("option", name=TARGET).first.click()
        wait_for_app(page)

        row = page.locator('[data-testid="stHorizontalBlock"]').filter(has_text=ACTION).last
        row.get_by_role("button", name="Adopt").dblclick()  # a double click adds it once
        wait_for_app(page)
        _no_exception(page)
        page.get_by_text("to Grade 4 Math's plan").first.wait_for()
        row = page.locator('[data-testid="stHorizontalBlock"]').filter(has_text=ACTION)
        assert row.get_by_role("button", name="In your plan").count() >= 1
        # the spread, on both sides: the source card and the adopting team's action
        page.get_by_text("Adopted by Grade 4 Math (").first.wait_for()
        page.get_by_text("From Grade 3 Reading's goal").first.wait_for()

        # the adopting goal's page lists the adopted action
        page.get_by_role("button", name="Open goal & actions").first.click()
        wait_for_app(page)
        _no_exception(page)
        page.get_by_text("Adopted from other teams:").first.wait_for()
        assert "from Grade 3 Reading's goal" in page.locator('[data-testid="stMain"]').inner_text()
    finally:
        _stop(server.process)
    db = db_module.connect(tmp_path / "e2e.duckdb")
    try:
        copies = db.rows("SELECT g.team_id, a.what FROM action a JOIN goal g ON g.id = a.goal_id"
                         " WHERE a.adopted_from_action_id IS NOT NULL")
        assert copies == [(2, ACTION)]
        assert db.scalar("SELECT count(*) FROM audit WHERE action = 'adopt'") == 1
    finally:
        db.close()
