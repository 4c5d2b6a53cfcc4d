"""The query cache: bounded in bytes, only the latest version kept, copies handed out."""

from __future__ import annotations

import pickle

from collabplan.ui import cache
from collabplan.ui.cache import ByteLRU


def _key(fn: str, version: int, path: str = "a.duckdb", args: str = "") -> tuple[str, int, str, str]:
    return (fn, version, path, args)


def test_byte_lru_drops_least_recently_used_past_its_bound() -> None:
    lru = ByteLRU(limit=1000)
    lru.put(_key("f", 1, args="1"), b"x" * 400)
    lru.put(_key("f", 1, args="2"), b"y" * 400)
    assert lru.get(_key("f", 1, args="1")) is not None  # now the most recent
    lru.put(_key("f", 1, args="3"), b"z" * 400)
    assert lru.bytes <= 1000
    assert lru.get(_key("f", 1, args="2")) is None
    assert lru.get(_key("f", 1, args="1")) == b"x" * 400
    assert len(lru) == 2


def test_byte_lru_keeps_only_the_latest_version_of_a_file() -> None:
    lru = ByteLRU(limit=10_000)
    lru.put(_key("f", 1), b"old")
    lru.put(_key("g", 1), b"old")
    lru.put(_key("f", 1, path="other.duckdb"), b"other")
    lru.put(_key("f", 2), b"new")
    assert lru.get(_key("f", 1)) is None and lru.get(_key("g", 1)) is None
    assert lru.get(_key("f", 2)) == b"new"
    assert lru.get(_key("f", 1, path="other.duckdb")) == b"other"  # another file's answers stay
    assert lru.bytes == len(b"new") + len(b"other")
    lru.clear()
    assert lru.bytes == 0 and len(lru) == 0


def test_cached_answers_are_copies_and_big_answers_are_not_kept(monkeypatch, db_path) -> None:
    calls = []

    def rows(db, n):
        calls.append(n)
        return {"rows": list(range(n))}

    monkeypatch.setattr(cache, "_CACHE", ByteLRU(limit=100_000))
    monkeypatch.setattr(cache, "LARGEST_BYTES", 20_000)
    reader = cache.cached(rows)
    first = reader(10)
    first["rows"].append("changed by a caller")
    assert reader(10) == {"rows": list(range(10))}  # a fresh copy, the cached answer untouched
    assert calls == [10]
    big = reader(50_000)  # pickled it is over LARGEST_BYTES: computed each time
    assert len(pickle.dumps(big)) > 20_000
    reader(50_000)
    assert calls == [10, 50_000, 50_000]
    assert cache.held_bytes() < 20_000
