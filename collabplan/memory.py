"""Memory: how big a result is, and giving freed memory back to the system.

A server process keeps what it once used unless told otherwise: Arrow's allocator (mimalloc
or jemalloc) and glibc's malloc hold freed pages for reuse, so after a 10 MB upload is
parsed, checked and imported the process stays hundreds of MB larger although nothing refers
to the tables any more. :func:`release` hands those pages back; the upload page calls it
after an import and when a session's upload results are dropped.

:func:`approx_bytes` sizes what the upload page keeps per session (Arrow tables, DataFrames,
bytes, and the objects holding them), so that store is bounded in bytes, not entries.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import sys
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
