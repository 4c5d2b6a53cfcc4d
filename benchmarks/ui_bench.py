"""How long a team waits in the browser: from dropping a class's file to its first chart, and
a filter click on Data review, on the demo school and on a district's 2 million scores.

    python benchmarks/ui_bench.py [--runs 5] [--students 30] [--district 21000] [--skip-district]

The real app (``streamlit run app.py`` on a temporary DuckDB file) in headless Debian
Chromium through Playwright, as a teacher uses it:

(a) on a copy of the demo school, drop an NWEA MAP results file of one class (``--students``
    new students, one testing window; a new file each run, so none is "already imported") and
    time: drop → the preview and its Import button shown; Import clicked → "See our results"
    shown; that button clicked → the first chart of Data review drawn. The time a person takes
    to read and click is not counted.
(b) on Data review, pick another class in the sidebar and time the click → every chart of the
    page redrawn, on the demo school and on a generated district (``review_bench.generate``:
    40 teams, 21,000 students, about 2.2 million scores).

Several runs each; the table gives the median and the spread (fastest–slowest) in seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from review_bench import generate  # noqa: E402

from collabplan import db as db_module  # noqa: E402
from collabplan.samples.demo import load_demo  # noqa: E402
from collabplan.samples.students import SCHOOL_YEAR, SkillSpec, make_roster  # noqa: E402
from collabplan.samples.vendors import nwea_map_results  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _start_app, _stop, wait_for_app  # noqa: E402

TIMEOUT_MS = 120_000
MATH = [SkillSpec("Operations and Algebraic Thinking", 0.2, 0.3), SkillSpec("Number and Operations", -0.6, 0.4),
        SkillSpec("Measurement and Data", 0.0, 0.3), SkillSpec("Geometry", 0.3, 0.3)]
#: True in the page while a script run is going on (or about to: the app marked stale).
RUNNING = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !app || app.getAttribute('data-test-script-state') === 'running'
        || !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"]');
}"""
#: The first chart of the main area drawn (plotly has put its svg in).
FIRST_CHART = """() => !!document.querySelector(
    '[data-testid="stMain"] [data-testid="stPlotlyChart"] .main-svg')"""
#: Every chart of the main area drawn (plotly has put its svg in) and no run going on.
CHARTS_DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') === 'running') return false;
    const charts = document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]');
    return charts.length > 0 && [...charts].every(c => c.querySelector('.main-svg'));
}"""


def class_file(run: int, students: int) -> tuple[str, bytes]:
    """One class's NWEA MAP results, students the demo school does not have."""
    roster = make_roster(1000 + run, students, 4, first_id=880_000 + 1000 * run,
                         classes=(("Room 31", "Ms. Bench"),))
    gen = nwea_map_results(roster, {"Mathematics": MATH}, SCHOOL_YEAR[:1], seed=run,
                           file_name=f"CombinedAssessmentResults_run{run}.csv")
    return gen.file_name, gen.data


def time_upload(page, url: str, run: int, students: int, tmp: Path) -> tuple[float, float, float]:
    """(drop → preview, Import → done, button → first chart) in seconds."""
    name, data = class_file(run, students)
    path = tmp / name
    path.write_bytes(data)
    page.goto(f"{url}/upload")
    wait_for_app(page)
    page.get_by_role("heading", name="Upload results").wait_for()

    start = time.perf_counter()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    import_button = page.get_by_role("button", name="Import 1 file")
    import_button.wait_for(state="visible")
    preview = time.perf_counter() - start
    wait_for_app(page)  # the person reads the preview

    page.get_by_label("or a new team").fill(f"Bench class {run}")
    page.get_by_label("Your name").fill("Bench")
    start = time.perf_counter()
    import_button.click()
    see = page.get_by_role("button", name="See our results")
    see.wait_for(state="visible")
    imported = time.perf_counter() - start
    wait_for_app(page)

    start = time.perf_counter()
    see.click()
    page.get_by_role("heading", name="Data review").wait_for()
    page.wait_for_function(FIRST_CHART, timeout=TIMEOUT_MS)
    chart = time.perf_counter() - start
    caption = page.locator('[data-testid="stCaptionContainer"]').first.inner_text()
    assert caption.startswith(f"Bench class {run}"), caption  # the import's own results
    return preview, imported, chart


def _pick_class(page, run: int) -> tuple[str, object]:
    """Choose the sidebar's Class box's option number 1 + run % 3 (another than shown)."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text="Class"))
    field = box.locator('input[role="combobox"]').first
    before = field.input_value().strip()
    field.click()
    field.press("ArrowDown")
    options = page.locator('[role="listbox"] [role="option"]')
    options.first.wait_for()
    texts = [t.strip() for t in options.all_inner_texts()]
    index = next(i for i in [1 + run % 3, *range(len(texts))] if i < len(texts) and texts[i] != before)
    return texts[index], options.nth(index)


def time_filter(page, url: str, runs: int) -> list[float]:
    """Seconds from a click on another class to every chart of Data review redrawn."""
    page.goto(f"{url}/review")
    wait_for_app(page)
    page.wait_for_function(CHARTS_DRAWN, timeout=TIMEOUT_MS)
    times = []
    for run in range(runs + 1):  # the first pick warms the caches of the new class's queries
        picked, option = _pick_class(page, run)
        start = time.perf_counter()
        option.click()
        page.wait_for_function(
            """(picked) => {
                const cap = document.querySelector('[data-testid="stMain"] [data-testid="stCaptionContainer"]');
                return !!cap && cap.innerText.includes(picked);
            }""", arg=picked, timeout=TIMEOUT_MS)
        page.wait_for_function(CHARTS_DRAWN, timeout=TIMEOUT_MS)
        if run:
            times.append(time.perf_counter() - start)
        wait_for_app(page)
    return times


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} s  ({min(values):.2f}–{max(values):.2f})"


def with_app(db_file: Path, tmp: Path, work: Callable) -> object:
    """Run ``work(browser_page, url)`` against the app serving a copy of ``db_file``."""
    from playwright.sync_api import sync_playwright

    app_dir = Path(tempfile.mkdtemp(dir=tmp))
    shutil.copy(db_file, app_dir / "e2e.duckdb")
    server = _start_app(app_dir)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.goto(server.url)  # the server's first page loads its modules: not timed
            wait_for_app(page)
            try:
                return work(page, server.url)
            finally:
                browser.close()
    finally:
        _stop(server.process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--students", type=int, default=30, help="students in the class's file")
    parser.add_argument("--district", type=int, default=21_000, help="students of the 2M-score district")
    parser.add_argument("--skip-district", action="store_true")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print("needs /usr/bin/chromium (apt-get install chromium)")
        return 1
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        demo = tmp / "demo.duckdb"
        db = db_module.connect(demo)
        load_demo(db)
        db.close()

        def uploads(page, url):
            return [time_upload(page, url, run, args.students, tmp) for run in range(args.runs)]

        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        flow = with_app(demo, tmp, uploads)
        demo_clicks = with_app(demo, tmp, lambda page, url: time_filter(page, url, args.runs))
        district_clicks: list[float] = []
        scores = 0
        if not args.skip_district:
            district = tmp / "district.duckdb"
            db = db_module.connect(district)
            scores = generate(db, args.district)
            db.close()
            district_clicks = with_app(district, tmp,
                                       lambda page, url: time_filter(page, url, args.runs))
        print(f"load average after: {os.getloadavg()[0]:.1f}\n")
        print(f"{'headless Chromium, ' + str(args.runs) + ' runs':<58} median  (fastest–slowest)")
        rows = [
            (f"drop a class's file ({args.students} students) → preview shown", [f[0] for f in flow]),
            ("Import clicked → imported, 'See our results' shown", [f[1] for f in flow]),
            ("'See our results' → first chart of Data review", [f[2] for f in flow]),
            ("total, drop → first chart", [sum(f) for f in flow]),
            ("filter click (class) → Data review redrawn, demo school", demo_clicks),
        ]
        if district_clicks:
            rows.append((f"filter click (class) → redrawn, district of {scores:,} scores",
                         district_clicks))
        for label, values in rows:
            print(f"{label:<58} {spread(values)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
