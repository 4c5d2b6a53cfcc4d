"""Memory: how big a result is, and giving freed memory back to the system.

A server process keeps what it once used unless told otherwise: Arrow's allocator (mimalloc
or jemalloc) and glibc's malloc hold freed pages for reuse, so after a 10 MB upload is
parsed, checked and imported the process stays hundreds of MB larger although nothing refers
to the tables any more. :func:`release` hands those pages back; the upload page calls it
after an import and when a session's upload results are dropped.

:func:`approx_bytes` sizes what the upload page keeps per session (Arrow tables, DataFrames,
bytes, and the objects holding them), so that store is bounded in bytes, not entries.

:func:`freeze_modules` keeps Streamlit's full garbage collection after every script run
cheap: the libraries' own objects are set aside once, so each collection scans only what
the runs made.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import gc
import importlib
import sys
import threading
from typing import Any

import pyarrow as pa

#: How deep approx_bytes follows attributes and items (results nest a few levels at most).
MAX_DEPTH = 8


def approx_bytes(value: Any) -> int:
    """The memory ``value`` holds, roughly: Arrow buffers, numpy and pandas data, bytes and
    text, and what lists, dicts and objects (their attributes) hold, each counted once."""
    return _size(value, set(), 0)


def _size(value: Any, seen: set[int], depth: int) -> int:
    if value is None or isinstance(value, (bool, int, float)) or id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, (pa.Table, pa.RecordBatch, pa.Array, pa.ChunkedArray)):
        return int(value.get_total_buffer_size())
    if isinstance(value, (bytes, bytearray, memoryview, str)):
        return sys.getsizeof(value)
    nbytes = getattr(value, "nbytes", None)  # numpy arrays
    if isinstance(nbytes, int) and type(value).__module__.startswith("numpy"):
        return nbytes
    memory_usage = getattr(value, "memory_usage", None)  # pandas DataFrame / Series
    if callable(memory_usage) and type(value).__module__.startswith("pandas"):
        used = memory_usage(index=True, deep=False)
        return int(used.sum()) if hasattr(used, "sum") else int(used)
    if depth >= MAX_DEPTH:
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(
            _size(k, seen, depth + 1) + _size(v, seen, depth + 1) for k, v in value.items()
        )
    if isinstance(value, (list, tuple, set, frozenset)):
        return sys.getsizeof(value) + sum(_size(v, seen, depth + 1) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sys.getsizeof(value) + sum(
            _size(getattr(value, f.name, None), seen, depth + 1) for f in dataclasses.fields(value)
        )
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict):
        return sys.getsizeof(value) + _size(attributes, seen, depth + 1)
    return sys.getsizeof(value)


def _glibc_trim() -> None:
    """glibc's malloc_trim(0): return free heap pages to the system (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("c")
    if not name:
        return
    libc = ctypes.CDLL(name)
    trim = getattr(libc, "malloc_trim", None)  # glibc only (musl has none)
    if trim is not None:
        trim(0)


def release() -> None:
    """Give the memory freed since the last call back to the system: Arrow's pool
    (``release_unused``, public pyarrow API) and glibc's heap. Cheap when nothing is free."""
    pa.default_memory_pool().release_unused()
    _glibc_trim()


#: The libraries every page run uses, loaded before the first freeze (pages load some lazily).
HEAVY_MODULES = ("pandas", "pyarrow", "duckdb", "plotly.graph_objects", "collabplan.charts",
                 "collabplan.metrics", "collabplan.ingest.load")
_frozen = threading.Event()


def freeze_modules() -> None:
    """Once per process: load :data:`HEAVY_MODULES`, collect, then ``gc.freeze()``.

    Streamlit runs ``gc.collect(2)`` after every script run (``runner.postScriptGC``); with
    pandas, pyarrow, plotly and DuckDB loaded that full collection walks some 125,000 objects
    that live as long as the process (0.1 s on a quiet core, 0.2 s on a busy one, before each
    rerun and page switch, with the interpreter's lock held). Frozen objects are left out of
    every later collection: what the runs create is still collected as before, and the
    libraries' objects were never going to be. Public API only (the ``gc`` module).
    """
    if _frozen.is_set():
        return
    _frozen.set()
    for name in HEAVY_MODULES:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()
