"""In a real browser: a lagging skill on Data review becomes a drafted, refined goal posted on
the goal board, another team leaves feedback, and the owning team sees it on the goal page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from collabplan import db as db_module
from tests.e2e.conftest import AppServer, _start_app, _stop, wait_for_app
from tests.goal_factories import make_priority, make_team, school_export

#: Vocabulary stands still while the other skills grow: it lags in the latest window.
GROWTH = {"Vocabulary": 0.0, "Comprehension": 0.06, "Phonics": 0.04, "Fluency": 0.08}


@pytest.fixture
def school_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """A server whose database already holds two windows of a school's results.

    The data is written before the app starts: a running app holds the database file.
    """
    tmp = tmp_path_factory.mktemp("goal_app")
    path = tmp / "e2e.duckdb"
    db = db_module.connect(path)
    try:
        team = make_team(db, "Grade 3 team")
        make_team(db, "Grade 4 team")
        make_priority(db, "Reading success for every student")
        school_export(db, team_id=team, growth=GROWTH)
    finally:
        db.close()
    server = _start_app(tmp)
    try:
        yield server
    finally:
        _stop(server.process)


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def _choose(page, label: str, option: str) -> None:
    """Pick an option in a Streamlit select box by its label."""
    page.get_by_role("combobox", name=label).first.click()
    page.get_by_role("option", name=option).first.click()
    wait_for_app(page)


@pytest.mark.e2e
def test_lagging_skill_to_posted_goal_with_feedback(school_server, page) -> None:
    page.goto(f"{school_server.url}/review")
    wait_for_app(page)
    _no_exception(page)

    page.get_by_role("button", name=re.compile(r"Start a goal: Vocabulary")).click()
    wait_for_app(page)
    page.get_by_role("heading", name="Draft a goal").wait_for()
    page.get_by_text("Starting from the lagging skill").wait_for()
    _no_exception(page)
    page.get_by_text(re.compile(r"\d+ students scored in Grade 3 Reading CFA")).first.wait_for()

    page.get_by_role("button", name="Save this draft").click()
    wait_for_app(page)
    page.get_by_role("heading", name="1. Why this goal?").wait_for()
    _no_exception(page)

    page.get_by_label("The team's purpose").fill("Vocabulary holds back comprehension.")
    _choose(page, "School priority it serves", "Reading success for every student")
    page.get_by_role("button", name="Save why and priority").click()
    wait_for_app(page)
    page.get_by_text(re.compile(r"serves the school priority")).first.wait_for()

    page.get_by_role("button", name="Use this").first.click()
    wait_for_app(page)
    page.get_by_role("button", name="Save target and date").click()
    wait_for_app(page)
    _no_exception(page)
    page.get_by_text(re.compile(r"Reduce the share of .* to \d+% by \d+ \w+ \d{4}\.")).first.wait_for()

    page.get_by_label("What").fill("Daily vocabulary routine")
    page.get_by_role("button", name="Add action").click()
    wait_for_app(page)

    page.get_by_role("button", name="Post to the goal board").click()
    wait_for_app(page)
    page.get_by_role("heading", name="Goal board").wait_for()
    _no_exception(page)
    page.get_by_text("Reduce the share of").first.wait_for()
    card = page  # one goal on the board: its card is the page
    card.get_by_text("Offer a suggestion, resource or question").click()
    card.get_by_label("Your note").fill("Try Frayer models; templates are in the shared drive.")
    card.get_by_role("button", name="Send to Grade 3 team").click()
    wait_for_app(page)
    _no_exception(page)

    card.get_by_text("1 open feedback").wait_for()
    card.get_by_role("button", name="Open goal & actions").click()
    wait_for_app(page)
    page.get_by_role("heading", name="Goal & actions").wait_for()
    page.get_by_text("Try Frayer models; templates are in the shared drive.").wait_for()
    # The action plan is a data grid drawn on a canvas: its cells are in the page, not visible text.
    page.get_by_text("Daily vocabulary routine").first.wait_for(state="attached")
    _no_exception(page)
