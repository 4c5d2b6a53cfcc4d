"""Another session's page while hostile files are uploaded, against the same page when idle.

    python benchmarks/hostile_bench.py [--runs 5]

Builds the demo school in a temporary database, then renders the Coach page (Streamlit's
AppTest, in this process, as the server renders a second person's session) ``--runs`` times
idle, and ``--runs`` times while another thread of this process uploads one hostile file
after another (``read_upload``, as the upload page does). The hostile files are those of the
issue "Hostile files and text hurt no one": a 100,000-field line, a 10 MB line, a 1.2 million
column header, a ragged csv with a cell over 128 KB, and an xlsx whose far cell makes the
parser abort; plus the 100,000-field line with the column limit lifted, so that it is
parsed to its end (about a minute of work, as it once was in the app process). Prints the
median page time of each case, its ratio to idle, and how long each refusal took.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from collabplan import config  # noqa: E402
from collabplan import db as db_module  # noqa: E402
from collabplan.errors import UserError  # noqa: E402
from collabplan.ingest.read import read_upload  # noqa: E402
from tests import badcsv, badfiles  # noqa: E402

HOSTILE = {
    "100,000-field line (200 KB)": ("line.csv", badcsv.one_long_line),
    "10 MB line": ("ten.csv", badcsv.ten_mb_line),
    "1.2M-column header": ("header.csv", badcsv.million_column_header),
    "ragged csv, 140 KB cell": ("ragged.csv", badcsv.ragged_big_field),
    "xlsx, far cell (parser aborts)": ("far.xlsx", badfiles.far_away_cell_hidden_xlsx),
}


def render_page() -> float:
    """Seconds to render the Coach page to its end in a new session, its queries run afresh
    (the data cache cleared first: what a page costs after someone's upload)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    start = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    at.switch_page("pages/coach.py")
    at.run()
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return time.perf_counter() - start


def during(upload: tuple[str, bytes], runs: int) -> tuple[list[float], list[float]]:
    """Page times while ``upload`` is uploaded again and again; and each upload's time."""
    name, data = upload
    stop = threading.Event()
    took: list[float] = []

    def hammer() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            with contextlib.suppress(UserError):
                read_upload(data, name, sheets="*")
            took.append(time.perf_counter() - start)

    thread = threading.Thread(target=hammer, daemon=True)
    thread.start()
    try:
        time.sleep(0.2)  # the upload is under way
        pages = [render_page() for _ in range(runs)]
    finally:
        stop.set()
        thread.join()
    return pages, took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="page renders per case (median shown)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.duckdb"
        os.environ["COLLABPLAN_DB"] = str(path)
        from collabplan.samples.demo import load_demo

        load_demo(db_module.connect(path))
        render_page()  # warm: imports and caches, as a running server has them
        idle = statistics.median(render_page() for _ in range(args.runs))
        print(f"load average now {os.getloadavg()[0]:.1f}; median of {args.runs} renders")
        print(f"Coach page, idle: {idle:.2f} s")
        cases = {label: (name, make()) for label, (name, make) in HOSTILE.items()}
        for label, upload in cases.items():
            pages, took = during(upload, args.runs)
            page = statistics.median(pages)
            print(
                f"  during {label}: {page:.2f} s ({page / idle:.2f}x idle); "
                f"each refusal {statistics.median(took):.2f} s ({len(took)} uploads)"
            )
        config.MAX_COLUMNS = 10_000_000  # parsed to its end, as once in the app
        pages, took = during(cases["100,000-field line (200 KB)"], args.runs)
        page = statistics.median(pages)
        done = f"{statistics.median(took):.0f} s" if took else "still running"
        print(
            f"  during the 100,000-field line parsed to its end (column limit lifted): "
            f"{page:.2f} s ({page / idle:.2f}x idle); the parse: {done}"
        )


if __name__ == "__main__":
    main()
