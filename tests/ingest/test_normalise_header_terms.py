"""``[scores] pattern`` with a ``term`` group: the window is read from each score column's
header, a wide row becoming a row per window (collabplan/ingest/normalise/header_terms.py)."""

from __future__ import annotations

import pytest

from collabplan.errors import UserError
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.prepare import prepare

CSV = (
    b"student,orf_2_beg,retell_2_beg,orf_2_mid,retell_2_mid,note\n"
    b"101,40,12,55,20,x\n"
    b"102,30,,,,y\n"
    b"103,,,,,z\n"
    b"104,,,51,25,w\n"
)

MAPPING = """
[columns]
student_id = "student"
[scores]
layout = "wide"
pattern = '^(?P<skill>[a-z]+)_(?P<term>\\d_(beg|mid|end))$'
kind = "points"
max = 60
"""


def scored(p) -> set[tuple]:
    return {(r["local_id"], r["term"], r["skill"], r["points"], r["row"]) for r in p.scores.to_pylist()}


def test_each_window_in_the_headers_is_its_own_administration():
    p = prepare(CSV, "wide.csv", Mapping.from_toml(MAPPING))
    assert p.report.ok(), p.report.errors
    assert scored(p) == {
        ("101", "2 beg", "orf", 40.0, 2), ("101", "2 beg", "retell", 12.0, 2),
        ("101", "2 mid", "orf", 55.0, 2), ("101", "2 mid", "retell", 20.0, 2),
        ("102", "2 beg", "orf", 30.0, 3),
        ("104", "2 mid", "orf", 51.0, 5), ("104", "2 mid", "retell", 25.0, 5),
    }
    assert sorted(a["term"] for a in p.administrations.to_pylist()) == ["2 beg", "2 mid"]
    # the mapping kept with the import is the one given, not the rearranged one
    assert "(?P<term>" in p.mapping.to_toml()


def test_skill_defaults_to_the_header_without_the_window():
    text = MAPPING.replace("(?P<skill>[a-z]+)_", "[a-z]+_")
    p = prepare(CSV, "wide.csv", Mapping.from_toml(text))
    assert {r["skill"] for r in p.scores.to_pylist()} == {"orf", "retell"}


def test_a_term_column_and_a_term_group_cannot_both_name_the_window():
    text = MAPPING.replace('student_id = "student"', 'student_id = "student"\nterm = "note"')
    with pytest.raises(UserError, match="both name the window"):
        prepare(CSV, "wide.csv", Mapping.from_toml(text))


def test_without_a_term_group_the_file_is_read_as_before():
    text = MAPPING.replace("(?P<term>", "(").replace("(?P<skill>[a-z]+)", "[a-z]+")
    p = prepare(CSV, "wide.csv", Mapping.from_toml(text))
    assert {r["skill"] for r in p.scores.to_pylist()} == {"orf_2_beg", "retell_2_beg", "orf_2_mid", "retell_2_mid"}
