"""In a real browser, on the demo school: a new user works through the visioning guide's
eight steps, starting from the guide's definition, the sample statement and a sample value,
marking the three agreements the guide asks for, until all eight steps are done."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from collabplan import db as db_module
from collabplan.workspace import vision, vision_starts
from collabplan.workspace import vision_session as vs
from tests.e2e.conftest import _start_app, _stop, choose_option, wait_for_app


def _no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def _tab(page, name: str):
    """Open a tab of the page; its panel (the only one visible)."""
    page.get_by_role("tab", name=name).click()
    wait_for_app(page)
    return page.locator('[role="tabpanel"]:visible')


def _press(page, where, name: str, done: str | None = None) -> None:
    """Press a button in ``where`` and wait for the rerun (and for ``done`` to show)."""
    where.get_by_role("button", name=name, exact=True).first.click()
    wait_for_app(page)
    _no_exception(page)
    if done:
        page.get_by_text(done).first.wait_for()


@pytest.mark.e2e
def test_a_new_user_completes_the_eight_visioning_steps(tmp_path: Path, demo_file: Path,
                                                        page) -> None:
    shutil.copy(demo_file, tmp_path / "e2e.duckdb")
    server = _start_app(tmp_path)
    try:
        page.goto(f"{server.url}/vision")
        wait_for_app(page)
        _no_exception(page)
        page.get_by_text("of 8 steps done").first.wait_for()
        assert page.get_by_text("8 of 8 steps done").count() == 0

        # 1. the session: a new room, and the opening round
        panel = _tab(page, "1 · Set up")
        panel.get_by_label("Where", exact=True).fill("Room 12")
        _press(page, panel, "Save the session", "Session saved.")
        panel = page.locator('[role="tabpanel"]:visible')
        panel.get_by_label("Who (optional)", exact=True).fill("Mr. Okafor")
        panel.get_by_label("What they shared", exact=True).fill("We share plans by email, not together.")
        _press(page, panel, "Add to the opening round", "Added to the opening round.")

        # 2. notice, then the guide's definition as a start, edited, saved and agreed (2D)
        panel = _tab(page, "2 · Where we are")
        panel.get_by_label(vs.NOTE_KINDS["notice"], exact=True).fill("Teams that meet weekly plan better")
        _press(page, panel, "Add what we notice", "Note added.")
        panel = _tab(page, "2 · Where we are")
        _press(page, panel, "Start from the guide's definition")
        box = panel.get_by_label("Our definition of collaborative planning")
        assert box.input_value() == vision_starts.GUIDE_DEFINITION
        box.fill(vision_starts.GUIDE_DEFINITION + " Families hear about it each term.")
        _press(page, panel, "Save the definition", "Definition saved.")
        panel = _tab(page, "2 · Where we are")
        _press(page, panel, "Mark agreed again", "Step 2 marked agreed")

        # 3. the last criterion rated
        panel = _tab(page, "3 · Criteria")
        panel.get_by_role("radiogroup").nth(6).get_by_text("An opportunity").click()
        _press(page, panel, "Save the ratings", "Ratings saved.")

        # 4. one more brainstorm note
        panel = _tab(page, "4 · Brainstorm")
        panel.get_by_label("The note", exact=True).fill("Leaving with a plan for next week")
        _press(page, panel, "Add the note", "Note added.")

        # 5. a draft from the sample statement
        panel = _tab(page, "5 · Drafts")
        _press(page, panel, "Start from the sample statement")
        panel.get_by_label("Written by", exact=True).fill("Ms. Rivera")
        _press(page, panel, "Add the draft", "Draft added")

        # 6. the statement, started from the sample, saved and agreed (6E)
        panel = _tab(page, "6 · Vision statement")
        choose_option(page, panel.get_by_role("combobox", name="Start from"),
                      "The sample statement")
        panel = page.locator('[role="tabpanel"]:visible')
        _press(page, panel, "Put it in the box")
        statement = panel.get_by_label("Our vision statement")
        assert statement.input_value() == vision_starts.SAMPLE_STATEMENT
        statement.fill("Every child, every day, planned for together.")
        _press(page, panel, "Save the statement", "Vision statement saved.")
        panel = _tab(page, "6 · Vision statement")
        _press(page, panel, "Mark agreed", "Step 6 marked agreed")

        # 7. a sample value added, and the values agreed again (7D)
        panel = _tab(page, "7 · Shared values")
        panel.get_by_text("Start from sample values").click()
        panel.locator('[data-testid="stCheckbox"]').nth(1).click()  # Respect
        _press(page, panel, "Add the ticked values", "1 value added.")
        panel = _tab(page, "7 · Shared values")
        _press(page, panel, "Mark agreed again", "Step 7 marked agreed")

        # 8. a third way of sharing on a third day
        panel = _tab(page, "8 · Share it")
        panel.get_by_label("How", exact=True).fill("Hallway display")
        _press(page, panel, "Add to the plan", "Added to the plan.")
        page.get_by_text("8 of 8 steps done").first.wait_for()
    finally:
        _stop(server.process)

    db = db_module.connect(tmp_path / "e2e.duckdb")
    try:
        assert vs.session(db)["place"] == "Room 12"
        assert vision.vision(db)["definition"].endswith("Families hear about it each term.")
        assert vision.vision(db)["statement"] == "Every child, every day, planned for together."
        marks = vs.consensus(db).set_index("step")
        for step in ("where", "statement", "values"):
            assert marks.loc[step, "agreed_on"] == date.today() and not marks.loc[step, "changed"]
        assert "Respect" in vision.shared_values(db)["name"].tolist()
        assert all(done for _, done, _ in vs.guide_progress(db))
        assert db.scalar("SELECT count(*) FROM audit WHERE action = 'vision agreed'") >= 3
    finally:
        db.close()
