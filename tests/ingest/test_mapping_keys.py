"""The mapping keys of issue 14: [filter], [terms], skill, skill_from_filename, retest and
[source] date_format are checked with a message naming the key, and round-trip through TOML."""

from __future__ import annotations

import pytest

from collabplan.errors import UserError
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.mapping_values import term_months

BASE = '[columns]\nstudent_id = "ID"\n'


def parse(text: str) -> Mapping:
    return Mapping.from_toml(BASE + text, name="t")


FULL = """
[source]
date_format = "%d/%m/%Y"
[scores]
columns = ["ScaledScore"]
retest = "latest"
[scores.skill_from_filename]
SR = "Star Reading"
SM = "Star Math"
[filter]
AssessmentStatus = "!Deactivated"
"Grade Level" = ["3", "4"]
[terms]
Fall = [8, 11]
Winter = [12, 2]
Spring = [3, 7]
"""


def test_every_new_key_is_read_and_round_trips_through_toml():
    m = parse(FULL)
    assert m.date_format == "%d/%m/%Y"
    assert m.scores.retest == "latest"
    assert m.scores.skill_from_filename == {"SR": "Star Reading", "SM": "Star Math"}
    assert m.filters == {"AssessmentStatus": ["!Deactivated"], "Grade Level": ["3", "4"]}
    assert m.terms == {"Fall": (8, 11), "Winter": (12, 2), "Spring": (3, 7)}
    assert list(m.terms) == ["Fall", "Winter", "Spring"]  # the order given is kept
    again = Mapping.from_toml(m.to_toml(), name="t")
    assert again == m


def test_a_single_skill_and_skill_from_filename_true_round_trip():
    for extra in ('skill = "Star Reading"', "skill_from_filename = true"):
        m = parse(f'[scores]\ncolumns = ["ScaledScore"]\n{extra}\n')
        assert Mapping.from_toml(m.to_toml(), name="t") == m


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[filter]\nStatus = ""', r"\[filter\] Status"),
        ('[filter]\nStatus = "!"', r"\[filter\] Status"),
        ("[filter]\nStatus = []", r"\[filter\] Status"),
        ("[filter]\nStatus = true", r"\[filter\] Status"),
        ("[terms]\nFall = [8]", r"\[terms\] Fall"),
        ("[terms]\nFall = [0, 11]", r"\[terms\] Fall"),
        ('[terms]\nFall = ["Aug", "Nov"]', r"\[terms\] Fall"),
        ("[terms]\nFall = [8, 12]\nWinter = [12, 2]", r"\[terms\] Winter overlaps Fall"),
        ('[terms]\nFall = "8-11"', r"\[terms\] Fall"),
        ('[scores]\ncolumns = ["S"]\nretest = "last"', r"\[scores\] retest"),
        ('[scores]\ncolumns = ["S"]\nskill_from_filename = "SR"', r"\[scores\] skill_from_filename"),
        (
            '[scores]\ncolumns = ["S"]\nskill_from_filename = {SR = 3}',
            r"\[scores\] skill_from_filename",
        ),
        (
            '[scores]\ncolumns = ["S"]\nskill = "A"\nskill_from_filename = true',
            r"\[scores\] skill_from_filename",
        ),
        ('[scores]\ncolumns = ["S", "T"]\nskill = "A"', r"\[scores\] skill names the skill of one"),
        (
            '[scores]\nlayout = "long"\nskill = "A"\nscore = "B"\nskill_from_filename = true',
            r"\[scores\] skill_from_filename",
        ),
        ('[source]\ndate_format = "%Y"', r"\[source\] date_format"),
        ('[source]\ndate_format = "%m/%Y"', r"\[source\] date_format"),
        ("[source]\ndate_format = 12", r"\[source\] date_format"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_key(text, key):
    with pytest.raises(UserError, match=key) as info:
        parse(text)
    assert "\n" not in str(info.value)


def test_filter_values_are_trimmed_and_numbers_are_text():
    m = parse('[filter]\nGrade = [3, " 4 "]\nStatus = " !Deactivated "')
    assert m.filters == {"Grade": ["3", "4"], "Status": ["!Deactivated"]}


def test_a_winter_window_wraps_the_year():
    assert term_months(12, 2) == [12, 1, 2]
    assert term_months(8, 11) == [8, 9, 10, 11]
    assert term_months(5, 5) == [5]


def test_an_unknown_section_lists_the_new_ones():
    with pytest.raises(UserError, match=r"\[filters\].*filter, terms"):
        parse('[filters]\nA = "b"')
