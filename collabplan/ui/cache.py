"""A query cache keyed by the function, the database file, its write version and the arguments,
bounded in bytes.

Answers are kept pickled (as ``st.cache_data`` keeps them), so every caller gets its own
copy to change, and the cache knows exactly how many bytes it holds: at most
:data:`LIMIT_BYTES` across all sessions, least recently used first out. Only the answers of
the latest committed write version are kept: the first answer for another version drops the
rest (they can never be asked for again), so a day of imports does not pile up old answers.
An answer bigger than :data:`LARGEST_BYTES` is computed every time rather than cached.
Answers read inside :meth:`Database.scratch` (a negative, thread-local version) are not kept.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

R = TypeVar("R")

#: Bytes of pickled answers the process keeps for all sessions together.
LIMIT_BYTES = 192 * 2**20
#: An answer larger than this is not kept (it would push out everything else).
LARGEST_BYTES = LIMIT_BYTES // 4


class ByteLRU:
    """Pickled answers by key, least recently used dropped first once over ``limit`` bytes.

    Keys are (function, version, database path, arguments' digest). Safe to use from every
    session's thread.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[tuple[str, int, str, str], bytes] = OrderedDict()
        self._bytes = 0
        self._latest: dict[str, int] = {}  # database path -> the version its answers are of
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: tuple[str, int, str, str]) -> bytes | None:
        with self._lock:
            blob = self._items.get(key)
            if blob is not None:
                self._items.move_to_end(key)
            return blob

    def put(self, key: tuple[str, int, str, str], blob: bytes) -> None:
        _, version, path, _ = key
        with self._lock:
            if version != self._latest.get(path):
                # a newer version (or the file opened again, counting from 0): only the
                # answers of this one can be asked for again
                self._latest[path] = version
                for old in [k for k in self._items if k[2] == path and k[1] != version]:
                    self._bytes -= len(self._items.pop(old))
            if key in self._items:
                self._bytes -= len(self._items.pop(key))
            self._items[key] = blob
            self._bytes += len(blob)
            while self._bytes > self.limit and self._items:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


_CACHE = ByteLRU(LIMIT_BYTES)
_FUNCTIONS: dict[str, Callable[..., Any]] = {}


def clear() -> None:
    """Forget every cached answer (after a write the version alone does not show)."""
    _CACHE.clear()


def held_bytes() -> int:
    """Bytes the query cache holds now (for tests and the memory benchmark)."""
    return _CACHE.bytes


def _digest(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """The arguments' digest, or None when they cannot be pickled (then nothing is cached)."""
    try:
        return hashlib.sha256(pickle.dumps((args, sorted(kwargs.items())), protocol=5)).hexdigest()
    except (pickle.PicklingError, TypeError, AttributeError):
        return None


def cached(fn: Callable[..., R]) -> Callable[..., R]:
    """``cached(fn)(*args)`` = ``fn(db, *args)``, cached until the next committed write."""
    fn_key = f"{fn.__module__}.{fn.__qualname__}"
    _FUNCTIONS[fn_key] = fn

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        from collabplan import ui

        db = ui.get_db()
        version = db.version
        digest = _digest(args, kwargs)
        if version < 0 or digest is None:
            return fn(db, *args, **kwargs)
        key = (fn_key, version, db.path, digest)
        blob = _CACHE.get(key)
        if blob is not None:
            return pickle.loads(blob)  # noqa: S301 (our own pickles, never from outside)
        answer = fn(db, *args, **kwargs)
        blob = pickle.dumps(answer, protocol=5)
        if len(blob) <= LARGEST_BYTES:
            _CACHE.put(key, blob)
        return answer

    return wrapper
