"""The load test's exact-once check (benchmarks/load_test.py): what the sessions saw confirmed
against what the store holds. The load itself is not run here: its timings are not tested."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def load_test():
    spec = importlib.util.spec_from_file_location("load_test", ROOT / "benchmarks" / "load_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("load_test", module)
    spec.loader.exec_module(module)
    return module


def _ledger(load_test, confirmed=(), uncertain=(), found=()):
    return load_test.Ledger(Counter(confirmed), Counter(uncertain), Counter(found))


def test_every_confirmed_write_there_once_passes(load_test) -> None:
    ledgers = {
        "upload": _ledger(load_test, ["a.csv", "b.csv"], found=["b.csv", "a.csv"]),
        "goal (per team)": _ledger(load_test, ["Grade 3"] * 3 + ["Grade 4"],
                                   found=["Grade 4", "Grade 3", "Grade 3", "Grade 3"]),
    }
    assert load_test.check_all(ledgers) == []


def test_a_lost_write_is_named(load_test) -> None:
    problems = load_test.exact_once("feedback", _ledger(load_test, ["n1", "n2"], found=["n1"]))
    assert problems == ["feedback 'n2': 1 confirmed, 0 in the store (lost)"]


def test_a_doubled_write_is_named(load_test) -> None:
    problems = load_test.exact_once("upload", _ledger(load_test, ["a.csv"], found=["a.csv"] * 2))
    assert problems == ["upload 'a.csv': 1 confirmed, 2 in the store (doubled)"]
    per_team = load_test.exact_once("goal", _ledger(load_test, ["T"] * 2, found=["T"] * 3))
    assert per_team == ["goal 'T': 2 confirmed, 3 in the store (doubled)"]


def test_a_row_no_session_made_is_named(load_test) -> None:
    problems = load_test.exact_once("feedback", _ledger(load_test, found=["stray"]))
    assert problems == ["feedback 'stray': 0 confirmed, 1 in the store (not made by any session)"]


def test_an_unconfirmed_write_may_be_there_once_never_twice(load_test) -> None:
    assert load_test.exact_once("upload", _ledger(load_test, uncertain=["u.csv"])) == []
    assert load_test.exact_once("upload", _ledger(load_test, uncertain=["u.csv"],
                                                  found=["u.csv"])) == []
    assert load_test.exact_once("upload", _ledger(load_test, uncertain=["u.csv"],
                                                  found=["u.csv"] * 2)) == [
        "upload 'u.csv': 0 confirmed and 1 uncertain, 2 in the store (doubled)"]


def test_percentiles(load_test) -> None:
    values = [float(i) for i in range(1, 101)]
    assert load_test.percentile(values, 50) == pytest.approx(50.5)
    assert load_test.percentile(values, 95) == pytest.approx(95.05)
    assert load_test.percentile([0.3], 95) == 0.3
