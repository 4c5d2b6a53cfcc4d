"""i-Ready Diagnostic results in the reduced 2018-19 / 2020-21 layout (domain "Placement" but no
domain "Relative Placement", no Norming Window) in the real header order are read exactly with
no mapping: each domain's placement against Student Grade as i-Ready's own Relative Placement
reads it, the window from Completion Date by i-Ready's cut-offs; and ``[scores.placement]``
itself."""

from __future__ import annotations

import pytest

from collabplan.errors import UserError
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.mapping_tables import placement_band
from collabplan.ingest.normalise.prepare import prepare, prepare_sheets
from tests.raw_sheets import sheet
from tests.real_layouts import HEADERS
from tests.vendor_rows import counts, expected_counts, import_exact, rows_csv

MID, EARLY, B1, B2, B3 = (
    "Mid or Above Grade Level", "Early On Grade Level", "1 Grade Level Below",
    "2 Grade Levels Below", "3 or More Grade Levels Below",
)
PROFICIENT = {MID, EARLY}

#: (student, grade, completion date, {domain: (placement, the level i-Ready gives it)});
#: student 1002 retakes the Fall diagnostic (the later one counts); 1009 is in grade 10 (left
#: out by the preset's [filter])
ELA = [
    ("1001", "8", "9/25/2018", {"Phonics": ("Early 8", EARLY), "Vocabulary": ("Mid 8", MID),
                                 "Phonological Awareness": ("Tested Out", MID)}),
    ("1002", "7", "9/26/2018", {"Phonics": ("Level 6", B1), "Vocabulary": ("Level 4", B3)}),
    ("1002", "7", "11/15/2018", {"Phonics": ("Late 7", MID), "Vocabulary": ("Level 5", B2)}),
    ("1003", "5", "11/16/2018", {"Phonics": ("Level 3", B2), "Vocabulary": ("Early 6", MID),
                                  "High-Frequency Words": ("Not Assessed", None)}),
    ("1004", "3", "3/1/2019", {"Phonics": ("Level K", B3), "Vocabulary": ("Early 3", EARLY)}),
    ("1005", "K", "3/2/2019", {"Phonics": ("Early K", EARLY), "Vocabulary": ("Mid K", MID)}),
    ("1006", "05", "3/2/2019", {"Phonics": ("Grade 4", B1), "Vocabulary": ("Level 5", None)}),
    ("1009", "10", "9/25/2018", {"Phonics": ("Level 8", None), "Vocabulary": ("Mid 8", None)}),
]
MATH = [
    ("2001", "4", "10/2/2018", {"Geometry": ("Early 4", EARLY), "Number and Operations": ("Level 2", B2)}),
    ("2002", "6", "1/15/2019", {"Geometry": ("Level 6", None), "Measurement and Data": ("Late 6", MID)}),
    ("2003", "1", "5/20/2019", {"Algebra and Algebraic Thinking": ("Level K", B1), "Geometry": ("Mid 2", MID)}),
]


def window(date: str) -> str:
    m, d, _y = (int(x) for x in date.split("/"))
    if (8, 1) <= (m, d) <= (11, 15):
        return "Fall"
    return "Spring" if (3, 2) <= (m, d) <= (7, 31) else "Winter"


def iready_rows(layout: str, rows: list) -> bytes:
    headers = HEADERS[layout]
    out = []
    for sid, grade, date, domains in rows:
        row = {h: "" for h in headers if h.endswith(" Placement") and h != "Overall Placement"}
        row.update({"Student ID": sid, "Last Name": f"Last{sid}", "First Name": f"First{sid}",
                    "Student Grade": grade, "Start Date": date, "Completion Date": date,
                    "Overall Placement": "Early 3", "Overall Relative Placement": EARLY})
        for domain, (placement, _level) in domains.items():
            row[f"{domain} Placement"] = placement
            row[f"{domain} Scale Score"] = "512"
        out.append(row)
    return rows_csv(layout, out)


def expected(assessment: str, rows: list) -> dict:
    latest: dict[tuple[str, str], dict] = {}
    for sid, grade, date, domains in rows:
        if grade == "10":
            continue
        latest[(window(date), sid)] = domains  # rows are in date order: the later one counts
    return expected_counts(
        (assessment, term, domain, sid, level in PROFICIENT)
        for (term, sid), domains in latest.items()
        for domain, (_p, level) in domains.items()
        if level is not None
    )


@pytest.mark.parametrize(
    ("layout", "rows", "preset", "assessment"),
    [
        ("iready_ela_2018_reduced", ELA, "iready_diagnostic_reading_2018", "i-Ready Diagnostic Reading"),
        ("iready_math_2018_reduced", MATH, "iready_diagnostic_math_2018", "i-Ready Diagnostic Math"),
    ],
)
def test_reduced_layout_is_read_exactly(db, layout, rows, preset, assessment):
    data = iready_rows(layout, rows)
    result = import_exact(db, data, f"{layout}.csv", preset)
    assert result.students == len({r[0] for r in rows if r[1] != "10"})
    assert counts(db) == expected(assessment, rows)


def test_reduced_layout_levels_and_what_the_report_says():
    p = prepare(iready_rows("iready_ela_2018_reduced", ELA), "diagnostic_results_ela.csv")
    got = {(r["local_id"], r["term"], r["skill"]): r["level"] for r in p.scores.to_pylist()}
    assert got[("1002", "Fall", "Phonics")] == MID  # the retest (Late 7) counts
    assert got[("1003", "Winter", "Phonics")] == B2  # November 16 is Winter
    assert got[("1004", "Winter", "Phonics")] == B3  # March 1 is Winter; Level K in grade 3
    assert got[("1005", "Spring", "Vocabulary")] == MID
    assert got[("1001", "Fall", "Phonological Awareness")] == MID  # Tested Out
    assert not any(k[0] == "1009" for k in got)
    r = p.report
    assert r.rows_filtered == 1
    # "Level 5" on grade 5 names no stage: i-Ready gives none, so it is shown, not guessed
    assert any("not a level of the scale" in w and "Level 5" in w for w in r.warnings)


# -- [scores.placement] -------------------------------------------------------------------

TABLE = {"above": MID, "late": MID, "mid": MID, "early": EARLY, "1 below": B1, "2 below": B2,
         "3 below": B3, "tested out": MID}


@pytest.mark.parametrize(
    ("cell", "grade", "level"),
    [
        ("Early 3", 3, EARLY), ("mid 3", 3, MID), ("Late 3", 3, MID), ("Early 4", 3, MID),
        ("Level 2", 3, B1), ("Grade 1", 3, B2), ("Level K", 3, B3), ("Level K", 8, B3),
        ("Early K", 0, EARLY), ("Level  6", 7, B1), ("Tested  Out", 5, MID),
        ("Level 3", 3, None), ("Max", 3, None), ("Early", 3, None),
    ],
)
def test_placement_bands(cell, grade, level):
    assert placement_band(cell, grade, TABLE) == level


BASE = """[columns]
student_id = "ID"
grade = "Grade"
[scores]
columns = ["Phonics Placement"]
levels = ["Below", "On"]
proficient = "On"
"""


def test_placement_reads_against_the_row_grade_and_leaves_unknowns_to_the_report():
    m = Mapping.from_toml(BASE + '[scores.placement]\nearly = "On"\nmid = "On"\n"1 below" = "Below"\n', name="t")
    rows = [["ID", "Grade", "Phonics Placement"], ["1", "2", "Early 2"], ["2", "2", "Max"],
            ["3", "", "Early 2"], ["4", "2", "Level K"], ["5", "3", "Late 3"]]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    got = {r["local_id"]: r["level"] for r in p.scores.to_pylist()}
    # "Max" is not a placement, a row with no grade is not placed, "late" is not in the table;
    # two grades below stands under "1 below", the largest given
    assert got == {"1": "On", "4": "Below"}
    assert any("not a level of the scale" in w for w in p.report.warnings)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('[scores.placement]\nearly = "Onn"', r"\[scores\] placement early must be one of the levels"),
        ("[scores]\nplacement = 3", r"\[scores\] placement must be a table"),
        ('[scores.placement]\n"0 below" = "Below"', r"counts grades below from 1"),
    ],
)
def test_a_bad_placement_table_is_one_line(body, says):
    text = BASE + body if body.startswith("[scores.") else BASE.replace("[scores]\n", body + "\n")
    with pytest.raises(UserError, match=says) as info:
        Mapping.from_toml(text, name="t")
    assert "\n" not in str(info.value)


def test_placement_needs_a_grade_column():
    text = BASE.replace('grade = "Grade"\n', "") + '[scores.placement]\nearly = "On"\n'
    with pytest.raises(UserError, match=r"map \[columns\] grade"):
        Mapping.from_toml(text, name="t")
