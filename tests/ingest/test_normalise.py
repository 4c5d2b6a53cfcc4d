"""Each mapping key on a small generated file: layouts, max forms, percent forms, levels, names, ids."""

from __future__ import annotations

import pytest

from collabplan.errors import UserError
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.prepare import prepare, prepare_sheets
from tests.raw_sheets import sheet, skill_rows


def mapping(text: str) -> Mapping:
    return Mapping.from_toml(text, name="test")


def test_wide_explicit_columns_with_a_max_table():
    m = mapping(
        """
        [columns]
        student_id = "ID"
        [scores]
        layout = "wide"
        columns = ["Fractions", "Area"]
        kind = "points"
        max = {Fractions = 4, Area = 10}
        """
    )
    p = prepare_sheets(
        [sheet([["ID", "Fractions", "Area", "Notes"], ["1", "4", "7", "x"], ["2", "3", "9"]])],
        "f.csv",
        m,
    )
    got = skill_rows(p)
    assert got[("id:1", "Fractions")] == (1.0, True)
    assert got[("id:1", "Area")] == (0.7, False)
    assert got[("id:2", "Fractions")] == (0.75, False)
    assert got[("id:2", "Area")] == (0.9, True)
    assert p.report.skills == ["Area", "Fractions"]


def test_pattern_with_skill_group_and_exclude():
    m = mapping(
        r"""
        [columns]
        student_name = "Student"
        [scores]
        pattern = "^(?P<skill>.+) Relative Placement$"
        exclude = ["Overall Relative Placement"]
        kind = "level"
        levels = ["Emerging", "Approaching", "Meeting"]
        proficient = "Meeting"
        """
    )
    rows = [
        [
            "Student",
            "Phonics Relative Placement",
            "Vocabulary Relative Placement",
            "Overall Relative Placement",
        ],
        ["Ana Diaz", "Meeting", "approaching", "Meeting"],
        ["Ben Ode", "Emerging", "Excellent", "Meeting"],
    ]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    assert p.report.skills == ["Phonics", "Vocabulary"]
    got = {
        (r["student_key"], r["skill"]): (r["level"], r["proficient"]) for r in p.scores.to_pylist()
    }
    assert got[("name:ana diaz", "Phonics")] == ("Meeting", True)
    assert got[("name:ana diaz", "Vocabulary")] == ("Approaching", False)
    assert ("name:ben ode", "Vocabulary") not in got
    assert p.report.unknown_levels == {"Excellent": 1}


def test_long_layout_with_max_column_and_per_row_cut():
    m = mapping(
        """
        [columns]
        student_id = "sis"
        [scores]
        layout = "long"
        skill = "outcome"
        score = "score"
        max = "possible"
        proficient_score = "mastery"
        """
    )
    rows = [
        ["sis", "outcome", "score", "possible", "mastery"],
        ["7", "A", "3", "4", "3"],
        ["7", "B", "2", "5", "3"],
        ["8", "A", "5", "4", "3"],
    ]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    got = skill_rows(p)
    assert got[("id:7", "A")] == (0.75, True)  # 3 >= mastery 3 although 75% < 80%
    assert got[("id:7", "B")] == (0.4, False)
    assert ("id:8", "A") not in got
    assert p.report.out_of_range == 1


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["0.85", "0.5"], [0.85, 0.5]), (["85", "50"], [0.85, 0.5]), (["85%", "50 %"], [0.85, 0.5])],
)
def test_percent_as_fraction_number_or_percent_sign(values, expected):
    m = mapping('[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["Score"]\nkind = "percent"')
    rows = [["ID", "Score"], ["1", values[0]], ["2", values[1]]]
    got = skill_rows(prepare_sheets([sheet(rows)], "f.csv", m))
    assert [got[("id:1", "Score")][0], got[("id:2", "Score")][0]] == expected
    assert got[("id:1", "Score")][1] is True and got[("id:2", "Score")][1] is False


def test_percent_over_100_is_out_of_range():
    m = mapping('[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["Score"]\nkind = "percent"')
    p = prepare_sheets([sheet([["ID", "Score"], ["1", "120"], ["2", "90"]])], "f.csv", m)
    assert p.report.out_of_range == 1 and p.report.scores == 1


def test_names_last_first_first_last_and_separate_columns():
    m = mapping('[columns]\nstudent_name = "Name"\n[scores]\ncolumns = ["S"]\nmax = 1')
    p = prepare_sheets(
        [
            sheet(
                [["Name", "S"], ["Nguyen, Sofia", "1"], ["Sofia  Nguyen", "1"], ["Leo Rossi", "0"]]
            )
        ],
        "f.csv",
        m,
    )
    students = {s["student_key"]: s for s in p.students.to_pylist()}
    assert set(students) == {"name:sofia nguyen", "name:leo rossi"}
    assert students["name:sofia nguyen"]["last_name"] == "Nguyen"
    assert p.report.duplicate_students == ["Sofia Nguyen"]
    m2 = mapping(
        '[columns]\nfirst_name = "First"\nlast_name = "Last"\n[scores]\ncolumns = ["S"]\nmax = 1'
    )
    p2 = prepare_sheets([sheet([["First", "Last", "S"], ["Ana", "Diaz", "1"]])], "f.csv", m2)
    assert p2.students.to_pylist()[0]["display_name"] == "Ana Diaz"


def test_ids_stay_text_with_leading_zeros_and_excel_floats():
    m = mapping('[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["S"]\nmax = 1')
    p = prepare_sheets([sheet([["ID", "S"], ["00452", "1"], ["300500.0", "1"]])], "f.csv", m)
    assert sorted(s["local_id"] for s in p.students.to_pylist()) == ["00452", "300500"]


def test_header_row_is_detected_below_title_rows():
    m = mapping('[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["S"]\nmax = 2')
    rows = [
        ["Unit test results"],
        [None],
        ["ID", "S"],
        ["1", "2"],
        [None, None],
        ["Class average", "1.5"],
    ]
    p = prepare_sheets([sheet(rows)], "f.xlsx", m)
    assert p.report.students == 1
    assert ("Sheet1", 6, "no student id or name") in p.report.skipped or any(
        s[1] == 6 for s in p.report.skipped
    )
    assert any(s[2] == "blank row" for s in p.report.skipped)


def test_items_roll_up_into_skills_and_blank_items_in_a_scored_row_are_zero():
    m = mapping(
        """
        [source]
        header_row = 1
        skill_row = 2
        max_row = 3
        [columns]
        student_name = "Student"
        [scores]
        pattern = "^Q\\\\d+$"
        kind = "points"
        """
    )
    rows = [
        ["Student", "Q1", "Q2", "Q3"],
        ["Standard", "A", "A", "B"],
        ["Points possible", "1", "2", "2"],
        ["Diaz, Ana", "1", None, "2"],
        ["Ode, Ben", "Absent", None, None],
        ["Class average", None, None, None],
    ]
    p = prepare_sheets([sheet(rows)], "t.xlsx", m)
    got = skill_rows(p)
    assert got[("name:ana diaz", "A")] == (round(1 / 3, 4), False)
    assert got[("name:ana diaz", "B")] == (1.0, True)
    assert p.report.students == 2 and p.report.scored_rows == 1
    items = [r for r in p.scores.to_pylist() if r["item"] is not None]
    assert sorted(r["item"] for r in items) == ["Q1", "Q2", "Q3"]


def test_every_sheet_with_class_from_the_sheet_name():
    m = mapping(
        '[source]\nsheet = "*"\n[columns]\nstudent_id = "ID"\nclass = "$sheet"\n[scores]\ncolumns = ["S"]\nmax = 1'
    )
    sheets = [
        sheet([["ID", "S"], ["1", "1"]], "Period 1"),
        sheet([["ID", "S"], ["2", "0"]], "Period 2"),
        sheet([["Notes"], ["hello"]], "Notes"),
    ]
    p = prepare_sheets(sheets, "book.xlsx", m)
    assert {(s["local_id"], s["class_name"]) for s in p.students.to_pylist()} == {
        ("1", "Period 1"),
        ("2", "Period 2"),
    }
    assert any("Notes" in w for w in p.report.warnings)


def test_term_column_makes_administrations_dated_by_their_earliest_date():
    m = mapping(
        '[assessment]\nname = "Quiz"\n[columns]\nstudent_id = "ID"\nterm = "Term"\ndate = "Date"\n'
        '[scores]\ncolumns = ["S"]\nmax = 1\nmissing = ["M"]'
    )
    rows = [
        ["ID", "Term", "Date", "S"],
        ["1", "Fall", "9/15/2025", "1"],
        ["2", "Fall", "9/12/2025", "M"],
        ["1", "Winter", "2026-01-20", "0"],
    ]
    p = prepare_sheets([sheet(rows)], "q.csv", m)
    admins = {(a["term"], a["date"].isoformat()) for a in p.administrations.to_pylist()}
    assert admins == {("Fall", "2025-09-15"), ("Winter", "2026-01-20")}
    assert p.report.scores == 2


def test_groups_yes_no_flags_and_name_value_groups():
    m = mapping(
        '[columns]\nstudent_id = "ID"\n[columns.groups]\nELL = "ELL?"\nEthnicity = "Race"\n'
        '[scores]\ncolumns = ["S"]\nmax = 1'
    )
    rows = [["ID", "ELL?", "Race", "S"], ["1", "Y", "Asian", "1"], ["2", "N", "White", "1"]]
    p = prepare_sheets([sheet(rows)], "g.csv", m)
    groups = {s["local_id"]: s["groups"] for s in p.students.to_pylist()}
    assert groups == {"1": ["ELL", "Ethnicity: Asian"], "2": ["Ethnicity: White"]}


def test_csv_delimiters_are_read(db):
    from collabplan.ingest.load import import_file

    m = mapping(
        '[assessment]\nname = "Semi"\n[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["S"]\nmax = 4'
    )
    r = import_file(db, b"ID;S\n1;4\n2;3\n", "semi.csv", m)
    assert r.students == 2 and r.scores == 2
    m.delimiter = "^"
    m.assessment_name = "Caret"
    r = import_file(db, b"ID^S\n1^4\n", "caret.csv", m)
    assert r.scores == 1


def test_a_header_only_file_is_refused():
    m = mapping('[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["S"]\nmax = 1')
    p = prepare_sheets([sheet([["ID", "S"]])], "h.csv", m)
    assert not p.report.ok()


def test_missing_mapped_column_names_the_column_and_key():
    m = mapping('[columns]\nstudent_id = "Student Number"\n[scores]\ncolumns = ["S"]\nmax = 1')
    with pytest.raises(UserError, match="Student Number"):
        prepare_sheets([sheet([["ID", "S"], ["1", "1"]])], "f.csv", m)


def test_prepare_reads_bytes_through_the_reader():
    p = prepare(b"Student,Q1,Q2\nAna Diaz,1,0\n", "quiz.csv")
    assert p.report.students == 1
