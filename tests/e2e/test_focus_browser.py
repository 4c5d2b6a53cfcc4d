"""In a real browser on the demo school: a team with several lagging skills rates two of them
for interest and capacity for growth, chooses one, and Draft a goal opens on it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from collabplan import db as db_module
from collabplan.goals import focus
from tests.e2e.conftest import _stop, choose_option, wait_for_app


@pytest.fixture(scope="module")
def several_lag(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A demo team × assessment whose latest results show at least two lagging skills."""
    path = tmp_path_factory.mktemp("focus_expect") / "demo.duckdb"
    shutil.copy(demo_file, path)
    db = db_module.connect(path)
    try:
        for team_id, team in db.rows("SELECT id, name FROM team ORDER BY id"):
            for assessment_id, assessment in db.rows("SELECT id, name FROM assessment ORDER BY id"):
                found = focus.candidates(db, int(team_id), int(assessment_id))
                if len(found) >= 2:
                    return {"team": team, "assessment": assessment,
                            "skills": list(found["skill"])}
    finally:
        db.close()
        db_module.close(path)
    pytest.fail("the demo school has no team with two lagging skills")


def _choose(page, label: str, option: str) -> None:
    choose_option(page, page.get_by_role("combobox", name=label).first, option, exact=True)


def _rate(page, what: str, skill: str, value: int) -> None:
    group = page.get_by_role("radiogroup", name=f"{what}: {skill}")
    group.get_by_text(str(value), exact=True).click()


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def test_rate_two_skills_choose_one_and_the_draft_opens_on_it(demo_server, page, several_lag):
    lowest, second = several_lag["skills"][:2]
    page.goto(f"{demo_server.url}/goal_draft")
    wait_for_app(page)
    _choose(page, "Assessment", several_lag["assessment"])
    _choose(page, "Team", several_lag["team"])
    page.get_by_text(re.compile(r"Choose a focus: \d+ skills lag for")).first.wait_for()
    _no_exception(page)

    # the lowest skill: little capacity this year; the second: high interest and capacity
    _rate(page, "Interest", lowest, 2)
    _rate(page, "Capacity for growth", lowest, 2)
    _rate(page, "Interest", second, 5)
    _rate(page, "Capacity for growth", second, 4)
    page.get_by_role("button", name="Save ratings").click()
    wait_for_app(page)
    _no_exception(page)
    # the suggested order puts the skill rated 5 + 4 first, and the chart says so
    page.get_by_text(f"Suggested first: {second}").first.wait_for()

    # the pick follows the suggested order: the skill rated highest is offered first (the
    # button names the skill picked)
    page.get_by_role("button", name=f"Choose {second} and draft a goal").click()
    wait_for_app(page)
    _no_exception(page)
    page.get_by_text(f"Starting from the lagging skill {second}, the team's chosen focus").wait_for()
    # the draft's skill and its baseline chart are now the chosen focus
    page.get_by_text(re.compile(r"\d+ students scored in ")).first.wait_for()
    page.get_by_text(re.compile(re.escape(second) + r": \d+% below proficient")).first.wait_for()

    _stop(demo_server.process)  # the app holds the database file: stop it, then read it
    db = db_module.connect(demo_server.db_path)
    try:
        rows = db.query("SELECT skill, interest, capacity FROM focus_rating ORDER BY skill")
        chosen = db.query("SELECT skill FROM focus_choice")
        logged = db.query("SELECT action FROM audit WHERE action LIKE 'focus%'")
    finally:
        db.close()
    assert dict(zip(rows["skill"], zip(rows["interest"], rows["capacity"], strict=True),
                    strict=True)) == {lowest: (2, 2), second: (5, 4)}
    assert list(chosen["skill"]) == [second]
    assert sorted(logged["action"]) == ["focus chosen", "focus rating", "focus rating"]
