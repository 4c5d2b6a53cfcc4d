"""The upload page's per-session store: bounded in bytes, emptied by an import, and nothing of an
upload left in a server-wide cache or module state afterwards."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from collabplan.ui import cache
from collabplan.ui.upload_memo import MEMO_KEY, UploadMemo, sweep_closed_sessions
from tests.tracker_factory import tracker_xlsx

APP = str(Path(__file__).resolve().parents[2] / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _table(rows: int) -> pa.Table:
    return pa.table({"x": pa.array(range(rows), pa.int64())})  # 8 bytes a row


def test_memo_is_bounded_in_bytes_least_recently_used_out() -> None:
    memo = UploadMemo(limit=100_000)
    memo.get(("a", "f", "sheets"), lambda: _table(5_000))  # 40 kB
    memo.get(("b", "f", "sheets"), lambda: _table(5_000))
    memo.get(("a", "f", "sheets"), lambda: _table(1))  # kept: not made again, now the most recent
    memo.get(("c", "f", "sheets"), lambda: _table(5_000))
    assert memo.bytes <= 100_000
    assert [k[0] for k in memo.entries()] == ["a", "c"]
    assert memo.values()[0].num_rows == 5_000


def test_memo_keeps_the_latest_result_even_when_it_is_over_the_bound() -> None:
    memo = UploadMemo(limit=10_000)
    memo.get(("a", "f", "sheets"), lambda: _table(100))
    big = memo.get(("b", "f", "prepared"), lambda: _table(50_000))
    assert memo.entries() == [("b", "f", "prepared")]
    assert memo.values() == [big]


def test_memo_keeps_only_files_still_in_the_uploader_and_clears() -> None:
    memo = UploadMemo()
    for sha in ("a", "b"):
        memo.get((sha, "f", "sheets"), lambda: _table(10))
        memo.get((sha, "f", "prepared", "", ""), lambda: _table(10))
    assert memo.keep(["b"]) == 2
    assert {k[0] for k in memo.entries()} == {"b"}
    memo.clear()
    assert memo.entries() == [] and memo.bytes == 0


def test_a_failed_read_keeps_nothing() -> None:
    memo = UploadMemo()

    def fails() -> pa.Table:
        raise ValueError("unreadable")

    with pytest.raises(ValueError):
        memo.get(("a", "f", "sheets"), fails)
    assert memo.entries() == []


def test_the_sweep_needs_a_running_server() -> None:
    assert sweep_closed_sessions() == 0  # no Streamlit runtime in a test process


def _held_by_modules(marker: bytes) -> list[str]:
    """Module-level values of collabplan (one level into dicts, lists and tuples) that hold
    upload bytes, Arrow tables with rows or prepared uploads."""
    from collabplan.ingest.normalise.prepare import Prepared

    found = []

    def bad(value: object) -> bool:
        if isinstance(value, (bytes, bytearray)):
            return marker in value
        if isinstance(value, pa.Table):
            return value.num_rows > 0  # (empty tables are schemas kept as constants)
        return isinstance(value, Prepared)

    for name, module in list(sys.modules.items()):
        if not name.startswith("collabplan") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            inner = []
            if isinstance(value, dict):
                inner = list(value.values())
            elif isinstance(value, (list, tuple, set)):
                inner = list(value)
            if bad(value) or any(bad(v) for v in inner):
                found.append(f"{name}.{attr}")
    return found


def test_nothing_of_an_import_stays_in_caches_or_module_state(db_path) -> None:
    data = tracker_xlsx(30, seed=7)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    at.file_uploader[0].set_value([("memory.xlsx", data, XLSX)]).run()
    assert not at.exception
    memo = at.session_state[MEMO_KEY]
    kinds = {k[2] for k in memo.entries()}
    assert {"sheets", "detection", "prepared", "checked"} <= kinds  # kept while the file is there
    assert memo.bytes > 0

    {t.label: t for t in at.text_input}["or a new team"].input("Grade 3")
    next(b for b in at.button if b.label.startswith("Import")).click().run()
    assert not at.exception
    assert any("imported 30 students" in s.value for s in at.success)

    memo = at.session_state[MEMO_KEY]
    assert memo.entries() == [] and memo.bytes == 0  # the session let go of the file
    # the server-wide query cache holds answers only: no upload bytes, bounded
    blobs = list(cache._CACHE._items.values())
    assert all(data[:4096] not in blob for blob in blobs)
    assert cache.held_bytes() <= cache.LIMIT_BYTES
    assert _held_by_modules(data[:4096]) == []
    # no function of collabplan is an st.cache_resource / st.cache_data cache except the
    # database connection
    caches = []
    for name, module in list(sys.modules.items()):
        if name.startswith("collabplan") and module is not None:
            caches += [f"{name}.{a}" for a, v in vars(module).items()
                       if type(v).__name__ in ("CachedFunc", "CacheResourceAPI", "CachedResourceFunc")]
    assert caches == ["collabplan.ui._database"]
