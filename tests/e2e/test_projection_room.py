"""Projection mode read from the back of a room: every page and every staff-meeting slide of
the demo school at 1920x1080 in Chromium, measured in the browser (tests/e2e/room_measure.js).

On each: no text under 16 px (page text and chart text, at the size it is drawn), no table
drawn on a canvas (its 13 px cannot be enlarged), no two chart labels on top of each other,
no chart label cut off at its chart's or plot's edge or crossed by a plotted line, no page
text cut off by its box. One server, one browser page reused for every page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, RUN_TIMEOUT_MS, wait_for_app

pytestmark = pytest.mark.e2e

MIN_PX = 16
MEASURE = (Path(__file__).parent / "room_measure.js").read_text(encoding="utf-8")
#: Every page in app.py's menu (the leader's page included: the local user is a leader).
PAGES = re.findall(r'\("pages/(\w+)\.py", "[^"]+"', (ROOT / "app.py").read_text(encoding="utf-8"))
#: Every chart on the page has drawn its SVG (Streamlit loads Plotly lazily).
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .every((c) => c.querySelector('.js-plotly-plot svg.main-svg text'))"""
#: How much the page shows: its main text, its elements and its chart labels.
SHAPE = """() => [document.querySelector('[data-testid="stMain"]')?.innerText.length || 0,
    document.querySelectorAll('[data-testid="stMain"] [data-testid]').length,
    document.querySelectorAll('svg.main-svg text').length]"""


@pytest.fixture(scope="module")
def room(browser):
    """One 1920x1080 page, reused for every page of the app."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(RUN_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _settle(page) -> None:
    """The run has finished, the page has stopped changing and every chart has drawn (and
    redrawn for its margins). A page first reached reruns once (``ui.page_setup``), and
    Streamlit adds elements as the run sends them, so "not running" alone is not enough."""
    wait_for_app(page)
    before = None
    for _ in range(60):
        page.wait_for_function(CHARTS_DRAWN, timeout=RUN_TIMEOUT_MS)
        now = page.evaluate(SHAPE)
        if now == before and now[0] > 0:
            return
        before = now
        page.wait_for_timeout(500)
    raise AssertionError(f"the page kept changing: {before}")


def _problems(page, where: str) -> list[str]:
    found = page.evaluate(MEASURE, MIN_PX)
    return [f"{where} · {kind}: {line}" for kind, lines in found.items() for line in lines]


def test_pages_are_listed():
    assert {"home", "review", "progress", "staff_meeting", "goal_board", "reports"} <= set(PAGES)


#: The page's views a person switches between: segmented controls (Data review's views)
#: and tabs. Each option is chosen in turn and measured.
VIEWS = '[data-testid="stMain"] [data-testid="stButtonGroup"] button, [data-testid="stMain"] [role="tab"]'
#: Closed expanders of the main area (their titles are measured closed, their insides open).
CLOSED = '[data-testid="stMain"] [data-testid="stExpander"] details:not([open]) > summary'


@pytest.mark.parametrize("path", [p for p in PAGES if p != "staff_meeting"])
def test_projected_page_is_readable_from_the_back(demo_server, room, path):
    room.goto(f"{demo_server.url}/{'' if path == 'home' else path}?present=1")
    _settle(room)
    assert room.locator('[data-testid="stSidebar"] label:has-text("Projection mode") input') \
        .first.is_checked(), "projection mode is on"
    problems = _problems(room, path)
    boxes = room.locator('[data-testid="stMain"] [data-testid="stSelectbox"]')
    if boxes.count() and boxes.first.is_visible():
        # an open select list is drawn outside the app's tree: measured too
        boxes.first.click()
        room.wait_for_selector('[role="option"]')
        problems += _problems(room, f"{path} (a select list open)")
        room.keyboard.press("Escape")
        room.wait_for_selector('[role="option"]', state="detached")
    views = room.locator(VIEWS)
    names = [(views.nth(i).inner_text() or "").strip() for i in range(views.count())]
    for n, name in enumerate(names):
        if n == 0 and name:
            continue  # the view the page opened on, measured above
        room.locator(VIEWS).nth(n).click()
        _settle(room)
        problems += _problems(room, f"{path} ({name})")
    opened = room.evaluate(f"""() => {{
        const shut = [...document.querySelectorAll({CLOSED!r})].filter((s) => s.checkVisibility());
        shut.forEach((s) => s.click());
        return shut.length;
    }}""")
    if opened:
        _settle(room)
        problems += _problems(room, f"{path} (expanders open)")
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_every_staff_meeting_slide_is_readable_from_the_back(demo_server, room):
    room.goto(f"{demo_server.url}/staff_meeting?present=1")
    _settle(room)
    total = int(re.search(r"Slide \d+ of (\d+)", room.inner_text("body")).group(1))
    assert total > 1, "the demo school has goals to show"
    problems: list[str] = []
    for number in range(1, total + 1):
        text = room.inner_text("body")
        assert f"Slide {number} of {total}" in text
        # Nothing flies over the slide: the badge says "Goal met" instead of balloons.
        assert room.locator('[data-testid="stBalloons"]').count() == 0, f"slide {number}"
        problems += _problems(room, f"slide {number}")
        if number < total:
            room.get_by_role("button", name="Next").click()
            room.wait_for_function(
                f"() => document.body.innerText.includes('Slide {number + 1} of {total}')")
            _settle(room)
    assert not problems, "\n".join(problems)
