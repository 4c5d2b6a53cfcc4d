"""Sizes of what the app keeps, and handing freed memory back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from collabplan import memory


@dataclass
class _Holder:
    table: pa.Table
    frame: pd.DataFrame
    raw: bytes
    nested: dict


def test_approx_bytes_counts_arrow_numpy_pandas_and_bytes_inside_objects() -> None:
    table = pa.table({"x": np.arange(100_000, dtype=np.int64)})
    frame = pd.DataFrame({"y": np.zeros(50_000)})
    raw = b"x" * 300_000
    holder = _Holder(table, frame, raw, {"again": [table, np.ones(10_000)]})
    size = memory.approx_bytes(holder)
    expected = 800_000 + 400_000 + 300_000 + 80_000  # the table counted once
    assert expected <= size < expected + 20_000


def test_approx_bytes_of_plain_values_and_objects() -> None:
    class Plain:
        def __init__(self) -> None:
            self.text = "a" * 1000
            self.items = [b"b" * 2000, None, 3]

    assert memory.approx_bytes(None) == 0
    assert memory.approx_bytes(5) == 0
    assert 3000 < memory.approx_bytes(Plain()) < 4500
    loop: list = []
    loop.append(loop)  # a cycle is counted once, not forever
    assert memory.approx_bytes(loop) < 200


def _rss_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_release_gives_freed_arrow_memory_back_to_the_system() -> None:
    big = pa.array(np.arange(20_000_000, dtype=np.int64)).cast(pa.float64())  # 160 MB from Arrow's pool
    assert pa.default_memory_pool().bytes_allocated() >= big.nbytes
    del big
    kept = _rss_mb()  # the allocator keeps the freed pages for reuse
    memory.release()
    assert _rss_mb() < kept - 80


def test_freeze_modules_sets_the_libraries_aside_once_and_later_garbage_is_still_collected():
    """In a fresh interpreter (freezing is for the life of a process)."""
    import subprocess
    import sys

    code = (
        "import gc, weakref\n"
        "from collabplan import memory\n"
        "memory.freeze_modules()\n"
        "frozen = gc.get_freeze_count()\n"
        "memory.freeze_modules()\n"
        "assert gc.get_freeze_count() == frozen > 10_000, frozen\n"
        "import plotly.graph_objects, pandas\n"
        "class Node: pass\n"
        "a = Node(); a.me = a; gone = weakref.ref(a); del a\n"
        "gc.collect(2)\n"
        "assert gone() is None  # a cycle made after the freeze is collected\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True,
                   cwd=str(Path(__file__).resolve().parents[1]))
