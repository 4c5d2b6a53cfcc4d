"""No outside request, and no table export beside the app's own: the demo school in a browser.

Every page app.py lists is opened with a listener on every request the browser makes; none
may go to a host other than the app's own (icons, fonts, the tab icon, charts' maths or maps
all come from the installed packages). The tables' toolbar offers no "Download as CSV": every
download goes through the app's formula-safe, logged buttons.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from tests.e2e.conftest import AppServer, wait_for_app

ROOT = Path(__file__).resolve().parents[2]
#: The url path of every page app.py lists ("" is the home page).
PAGE_PATHS = ["" if p == "home" else p
              for p in dict.fromkeys(re.findall(r'"pages/([a-z_]+)\.py"', (ROOT / "app.py").read_text()))]


def outside_requests(page, server: AppServer) -> list[str]:
    """Start recording every request to a host other than the app's (a list that fills up)."""
    own = urlparse(server.url).netloc
    seen: list[str] = []

    def record(request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("data", "blob", "about"):
            return
        if url.netloc != own:
            seen.append(request.url)

    page.on("request", record)
    return seen


def test_every_page_loads_nothing_from_another_host(demo_server, page):
    assert len(PAGE_PATHS) >= 15 and "" in PAGE_PATHS
    outside = outside_requests(page, demo_server)
    for path in PAGE_PATHS:
        page.goto(f"{demo_server.url}/{path}")
        wait_for_app(page)
        page.wait_for_timeout(800)  # icons, fonts and charts load after the run
        assert not outside, f"/{path} asked other hosts: {sorted(set(outside))[:5]}"
    # the icon in the browser tab is inlined, not fetched
    icon = page.eval_on_selector("link[rel*='icon']", "e => e.href")
    assert icon.startswith(("data:", demo_server.url)), icon


def test_tables_offer_no_csv_download_of_their_own(demo_server, page):
    page.goto(f"{demo_server.url}/")
    wait_for_app(page)
    table = page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    table.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    toolbar.wait_for(state="visible")
    buttons = toolbar.locator("button")
    labels = [
        (buttons.nth(i).get_attribute("aria-label") or buttons.nth(i).inner_text() or "")
        for i in range(buttons.count())
    ]
    assert labels, "hovering the table shows its toolbar"
    assert not any("download" in label.lower() for label in labels), labels
    # nor can the table be copied to the clipboard as csv through its own controls
    assert not page.locator('[data-testid="stDataFrame"] [aria-label*="Download" i]').count()
