"""AppTest of the poster buttons: "Poster to print" on the goal page and "Posters for every
goal" on Reports & exports, each download written to the export log."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from collabplan import audit
from collabplan.goals.progress import goal_progress
from collabplan.reports import poster
from collabplan.text import pct_exact
from tests.apptest_tree import download_buttons, open_app_page
from tests.progress_data import add_goal, load_school


def _download(at: AppTest, label: str) -> None:
    """Press the download button labelled ``label`` (AppTest cannot click a download: it is
    pressed as a plain button, so its on_click runs)."""
    found = [(blk, i, b) for blk, i, b in download_buttons(at.main.root) if b.proto.label == label]
    assert found, [b.proto.label for _blk, _i, b in download_buttons(at.main.root)]
    block, index, button = found[0]
    block.children[index] = Button(button.proto, at.main.root)
    block.children[index].click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def built(monkeypatch) -> list[str]:
    """The poster documents the pages built (the download's bytes are these, encoded)."""
    made: list[str] = []
    for name in ("poster", "posters"):
        real = getattr(poster, name)
        monkeypatch.setattr(poster, name,
                            lambda *a, _real=real, **kw: made.append(_real(*a, **kw)) or made[-1])
    return made


def test_goal_page_offers_the_poster_and_logs_its_download(db, built):
    school = load_school(db)
    goal = add_goal(db, school, target=85.0)
    at = open_app_page("pages/goal_detail.py")
    captions = " ".join(c.value for c in at.caption)
    assert "Open the file and print it, or save it as PDF" in captions
    _download(at, "Poster to print")
    page = built[-1]
    assert page.count('<section class="poster"') == 1
    assert pct_exact(goal_progress(db, goal).baseline.value) in page
    log = audit.recent(db)
    assert log.iloc[0]["action"] == "export"
    assert log.iloc[0]["detail"] == f"goal poster (html), goal {goal}"


def test_reports_page_prepares_posters_for_every_goal(db, built):
    school = load_school(db)
    add_goal(db, school, target=85.0)
    add_goal(db, school, skill="Fluency", target=99.0)
    at = open_app_page("pages/reports.py")
    assert not built  # nothing is built until asked
    at.button(key="prepare_posters").click().run()
    assert not at.exception
    _download(at, "Posters for every goal")
    page = built[-1]
    assert page.count('<section class="poster"') == 2
    assert list(audit.recent(db)["detail"]) == ["goal posters (html), 2 goals"]
