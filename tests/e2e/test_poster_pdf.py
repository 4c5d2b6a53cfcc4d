"""The goal poster printed to PDF in Chromium and read back: downloaded from the app (the goal
page and Reports & exports), opened from the file, ``page.pdf()``, one page per goal, with the
statement, the baseline and target figures and the notes headings in the PDF's text."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from collabplan import db as db_module
from collabplan.access import Viewer
from collabplan.goals.model import get_goal, list_goals
from collabplan.goals.progress import goal_progress
from collabplan.goals.statement import goal_statement
from collabplan.reports.poster import NOTE_BOXES
from collabplan.text import pct_exact
from tests.e2e.conftest import wait_for_app


@pytest.fixture(scope="module")
def demo_goals(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """What each demo goal's poster must say, read from a copy of the demo school."""
    path = tmp_path_factory.mktemp("poster_expect") / "demo.duckdb"
    shutil.copy(demo_file, path)
    db = db_module.connect(path)
    try:
        leader = Viewer.local_user()
        out = []
        for goal in list_goals(db):
            progress = goal_progress(db, goal.id, viewer=leader)
            out.append({
                "id": goal.id,
                "statement": goal_statement(db, get_goal(db, goal.id), viewer=leader),
                "baseline": pct_exact(progress.baseline.value),
                "target": pct_exact(goal.target_value),
            })
        return out
    finally:
        db.close()
        db_module.close(path)


def _pdf_pages(browser, html: Path) -> list[str]:
    """``html`` printed by Chromium (the poster's own @page size), each page's text with its
    whitespace made single spaces."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(html.as_uri())
        data = page.pdf(prefer_css_page_size=True)
    finally:
        context.close()
    reader = PdfReader(io.BytesIO(data))
    for p in reader.pages:  # letter portrait: 8.5 × 11 inches
        assert (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (612, 792)
    return [" ".join((p.extract_text() or "").split()) for p in reader.pages]


def _says(text: str, goal: dict) -> None:
    assert goal["statement"] in text
    assert goal["baseline"] in text and goal["target"] in text
    for box in NOTE_BOXES:
        assert box in text


def test_goal_page_poster_prints_to_one_pdf_page(demo_server, page, browser, demo_goals,
                                                 tmp_path):
    goal = demo_goals[0]
    page.goto(f"{demo_server.url}/goal_detail?goal={goal['id']}")
    wait_for_app(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Poster to print").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".html"
    (text,) = _pdf_pages(browser, saved)
    _says(text, goal)


def test_posters_for_every_goal_print_one_pdf_page_each(demo_server, page, browser,
                                                        demo_goals, tmp_path):
    page.goto(f"{demo_server.url}/reports")
    wait_for_app(page)
    page.get_by_role("button", name="Prepare the posters").click()
    wait_for_app(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Posters for every goal").click()
    saved = tmp_path / "posters.html"
    info.value.save_as(saved)
    texts = _pdf_pages(browser, saved)
    assert len(texts) == len(demo_goals) > 1
    for text, goal in zip(texts, demo_goals, strict=True):
        _says(text, goal)
