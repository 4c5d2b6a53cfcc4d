"""In a real browser on the demo school: a new user works through the theory of action guide
end to end (big questions, where we are, staff input answered anonymously and closed, barrier
and why, brainstorm and choose, the statement, purpose map, an action, the impact step) and
sees every step done; the demo's own theory shows its closed round's results."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from collabplan.workspace import staff_input, theory_guide
from tests.e2e.conftest import AppServer, _start_app, _stop, choose_option, wait_for_app

#: A small group size for this server, so three answers in the browser show results.
GROUP = 3


@pytest.fixture(scope="module")
def theory_server(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[AppServer]:
    folder = tmp_path_factory.mktemp("theory_app")
    shutil.copy(demo_file, folder / "e2e.duckdb")
    before = os.environ.get("COLLABPLAN_MIN_GROUP")
    os.environ["COLLABPLAN_MIN_GROUP"] = str(GROUP)
    try:
        server = _start_app(folder)
    finally:
        if before is None:
            os.environ.pop("COLLABPLAN_MIN_GROUP", None)
        else:
            os.environ["COLLABPLAN_MIN_GROUP"] = before
    try:
        yield server
    finally:
        _stop(server.process)


def _ok(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0, \
        page.locator('[data-testid="stAlertContentError"]').all_inner_texts()


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).first.click()
    page.wait_for_timeout(200)


def _press(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    wait_for_app(page)
    _ok(page)


def _fill(page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).first.fill(value)


def _choose(page, label: str, option: str) -> None:
    choose_option(page, page.get_by_role("combobox", name=label).first, option)


def _rate(page, statement: str, answer: str) -> None:
    group = page.get_by_role("radiogroup", name=statement).first
    group.get_by_text(answer, exact=True).click()


@pytest.mark.e2e
def test_a_new_user_completes_the_theory_of_action_guide(theory_server, page) -> None:
    page.goto(f"{theory_server.url}/theory_of_action")
    wait_for_app(page)
    _ok(page)
    # the demo's theory: the closed round's results and ideas are on the staff input step
    _tab(page, "3 · Staff input")
    page.get_by_text("What staff suggested").first.wait_for()

    page.get_by_text("Start a theory of action for a condition").first.click()
    _choose(page, "Condition", "Trust among colleagues")
    _press(page, "Start")
    page.get_by_text("Started: work through the steps below.").wait_for()

    _tab(page, "1 · Big questions")
    for n, question in enumerate(theory_guide.QUESTIONS.values()):
        _fill(page, question, f"Our answer number {n + 1}")
    _press(page, "Save our answers")

    _tab(page, "2 · Where we are")
    _fill(page, "Where we are now", "Teachers rarely see each other teach.")
    _fill(page, "Where we want to be", "Every teacher visits a colleague each month.")
    _fill(page, "Why it matters", "Trust grows when practice is open.")
    _press(page, "Save")

    _tab(page, "3 · Staff input")
    _fill(page, "Round name", "Before we start")
    _press(page, "Open the round")
    page.get_by_text("Give your input: Before we start").wait_for()
    for n in range(GROUP):
        for item in staff_input.ITEMS:
            _rate(page, staff_input.statement(item, "Trust among colleagues"),
                  "4 Agree" if n % 2 else "2 Disagree")
        if n == 0:
            _fill(page, "One idea (optional)", "Pair new staff with a mentor <b>now</b>")
        _press(page, "Submit my input")
        page.get_by_text("Your input was counted anonymously").wait_for()
    _press(page, "Close the round")
    page.get_by_text("Pair new staff with a mentor <b>now</b>").first.wait_for()  # as text

    _tab(page, "4 · Barrier & why")
    _fill(page, "The biggest barrier within our control", "Visits feel like evaluations.")
    _press(page, "Save")
    for reason in ("Walkthroughs were used for evaluation", "No cover to leave a class"):
        _fill(page, "Why it exists", reason)
        _press(page, "Add the reason")
        page.get_by_text("Reason added.").wait_for()

    _tab(page, "5 · Brainstorm & choose")
    for idea in ("Learning walks with no notes", "Video clubs"):
        _fill(page, "An approach", idea)
        _press(page, "Add to the brainstorm")
    _choose(page, "Approach", "Video clubs")
    _press(page, "Choose this one")
    page.get_by_text("Chosen: Video clubs").wait_for()

    _tab(page, "6 · If … then …")
    _fill(page, "If we …", "run monthly video clubs")
    _fill(page, "then …", "teachers will open their practice")
    _fill(page, "which will lead to …", "more trust and better lessons")
    _press(page, "Save the theory of action")
    page.get_by_text(re.compile(r"If we run monthly video clubs, then")).first.wait_for()

    _tab(page, "7 · Purpose map")
    _fill(page, "Vision", "Every classroom door is open.")
    _press(page, "Save the vision")
    _fill(page, "Person or group", "Teacher leaders")
    _fill(page, "Their role in the work", "Host the clubs")
    _press(page, "Add")
    _fill(page, "Step", "First video club")
    _press(page, "Add the step")
    page.get_by_text("Step added to the plan.").wait_for()

    _tab(page, "8 · Action timeline")
    _fill(page, "What", "Film a short lesson segment")
    _press(page, "Add the action")
    page.get_by_text("Action added.").wait_for()

    _tab(page, "9 · Impact")
    _fill(page, "Where staff give feedback", "A box in the staff room")
    page.get_by_role("radiogroup", name="Anonymous or named").get_by_text(
        "Anonymous", exact=True).click()
    _fill(page, "When", "Any time")
    _fill(page, "Who reads it", "The principal")
    _fill(page, "Responds by when", "Within a week")
    _fill(page, "How the response is shared", "The staff bulletin")
    _press(page, "Save the feedback plan")
    page.get_by_text(re.compile(r"^Trust: ")).first.wait_for()  # the survey's trend beside it
    _fill(page, "Data we gathered", "Staff input and the survey")
    _fill(page, "What the results show", "Agreement rose")
    page.get_by_role("radiogroup", name="Our decision").get_by_text(
        re.compile("^Revisit")).click()
    _press(page, "Save the impact assessment")
    page.get_by_text("9 of 9 steps done").wait_for()
    _ok(page)
