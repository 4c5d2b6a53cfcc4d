"""Hostile names in a real browser: after an import whose every name is a payload, no page
shows an outside image, a javascript: link or LaTeX, and no page asks another host.

The AppTest walk (tests/pages/test_text_shown_as_text.py) reads what the app sends; this
reads what Chromium made of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from collabplan import db as db_module
from tests.e2e.conftest import AppServer, _start_app, _stop, wait_for_app
from tests.e2e.test_no_outside_request import PAGE_PATHS, outside_requests
from tests.hostile_text import load_hostile_school

#: What the page made of user text: outside images, script links, typeset maths.
_FIND = """(own) => {
    const outsideImages = [...document.querySelectorAll('img, image, source')]
        .map(e => e.getAttribute('src') || e.getAttribute('href') || '')
        .filter(src => src && !src.startsWith('data:') && !src.startsWith('blob:')
                && new URL(src, location.href).host !== own);
    const scriptLinks = [...document.querySelectorAll('a[href], area[href]')]
        .map(a => a.getAttribute('href').trim())
        .filter(href => /^(javascript|vbscript|data):/i.test(href.replace(/\\s+/g, '')));
    const maths = document.querySelectorAll('.katex, .katex-display, math, mjx-container').length;
    const handlers = [...document.querySelectorAll('[data-testid="stMain"] *')]
        .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length;
    return {outsideImages, scriptLinks, maths, handlers};
}"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """``streamlit run app.py`` on the hostile school (built before the server opens it)."""
    folder = tmp_path_factory.mktemp("hostile_app")
    path = folder / "e2e.duckdb"
    db = db_module.connect(path)
    load_hostile_school(db)
    db.close()
    db_module.close(path)
    server = _start_app(folder)
    try:
        yield server
    finally:
        _stop(server.process)


def test_no_page_renders_user_text_as_markup(hostile_server, page):
    own = urlparse(hostile_server.url).netloc
    outside = outside_requests(page, hostile_server)
    for path in PAGE_PATHS:
        page.goto(f"{hostile_server.url}/{path}")
        wait_for_app(page)
        page.wait_for_timeout(800)
        found = page.evaluate(_FIND, own)
        where = f"/{path}"
        assert not found["outsideImages"], f"{where} shows outside images {found['outsideImages']}"
        assert not found["scriptLinks"], f"{where} has script links {found['scriptLinks']}"
        assert found["maths"] == 0, f"{where} typesets {found['maths']} formulas from user text"
        assert found["handlers"] == 0, f"{where} has elements with on* handlers"
        assert not outside, f"{where} asked other hosts: {sorted(set(outside))[:5]}"


def test_the_upload_history_shows_the_file_name_as_typed(hostile_server, page):
    page.goto(f"{hostile_server.url}/upload")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    text = main.inner_text()
    assert "![x](http:evil.example)" in text and "<img src=x onerror=alert(1)>" in text
    assert "Team ![x](http://evil.example/x.png)" in text
