"""Staff-meeting lock tokens: random, stored only as a hash, expiring, ended by a leader."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from collabplan import present_lock
from collabplan.errors import UserError

NOON = datetime(2026, 3, 2, 12, 0)


def test_a_new_link_locks_until_it_expires(db):
    token = present_lock.mint(db, "lead@school.example", hours=2, now=NOON)
    assert present_lock.check(db, token, now=NOON + timedelta(minutes=119)) == "valid"
    assert present_lock.check(db, token, now=NOON + timedelta(hours=2)) == "expired"
    assert present_lock.expires_at(db, token) == NOON + timedelta(hours=2)


def test_only_the_hash_of_a_token_is_stored(db):
    token = present_lock.mint(db, None, now=NOON)
    stored = db.rows("SELECT * FROM present_lock")
    assert len(stored) == 1
    assert not [v for v in stored[0] if isinstance(v, str) and token in v]


def test_every_link_is_a_new_random_token(db):
    tokens = {present_lock.mint(db, None, now=NOON) for _ in range(20)}
    assert len(tokens) == 20 and all(len(t) >= 32 for t in tokens)


@pytest.mark.parametrize("token", [None, "", "short", "x" * 500, "' OR 1=1 --" * 3,
                                   "A" * 32])
def test_a_token_that_is_not_one_does_not_lock(db, token):
    present_lock.mint(db, None, now=NOON)
    assert present_lock.check(db, token, now=NOON) == "unknown"
    assert present_lock.expires_at(db, token or "") is None


def test_an_ended_link_no_longer_locks_and_is_not_listed(db):
    keep = present_lock.mint(db, "a@school.example", now=NOON)
    gone = present_lock.mint(db, "b@school.example", now=NOON + timedelta(minutes=5))
    listed = present_lock.active(db, now=NOON + timedelta(minutes=10))
    assert [link.made_by for link in listed] == ["b@school.example", "a@school.example"]
    present_lock.end(db, listed[0].key)
    assert present_lock.check(db, gone, now=NOON) == "ended"
    present_lock.end_token(db, keep)
    assert present_lock.check(db, keep, now=NOON) == "ended"
    assert present_lock.active(db, now=NOON) == []


def test_expired_links_are_not_listed(db):
    present_lock.mint(db, None, hours=1, now=NOON)
    assert present_lock.active(db, now=NOON + timedelta(hours=1, seconds=1)) == []


@pytest.mark.parametrize("hours", [0, -1, present_lock.MAX_HOURS + 1])
def test_a_link_works_for_a_school_day_at_most(db, hours):
    with pytest.raises(UserError, match="up to"):
        present_lock.mint(db, None, hours=hours)
