"""Row ids, names and duplicate checks that the fast normaliser works out without text joins."""

from __future__ import annotations

from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.prepare import prepare_sheets
from tests.raw_sheets import sheet


def mapping(text: str) -> Mapping:
    return Mapping.from_toml(text, name="test")


def test_names_with_tabs_line_breaks_and_middle_names_split_like_before():
    m = mapping('[columns]\nstudent_name = "Name"\n[scores]\ncolumns = ["S"]\nmax = 1')
    rows = [["Name", "S"], ["Ana\tMaria  Diaz", "1"], ["Leo\nRossi", "1"], ["Kim", "1"]]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    students = {s["display_name"]: s for s in p.students.to_pylist()}
    assert set(students) == {"Ana Maria Diaz", "Leo Rossi", "Kim"}
    assert (students["Ana Maria Diaz"]["first_name"], students["Ana Maria Diaz"]["last_name"]) == (
        "Ana Maria",
        "Diaz",
    )
    assert students["Leo Rossi"]["last_name"] == "Rossi"
    assert students["Kim"]["first_name"] == "Kim" and students["Kim"]["last_name"] is None


def test_last_first_names_are_trimmed_around_the_comma_and_an_empty_part_is_no_name():
    m = mapping('[columns]\nstudent_name = "Name"\n[scores]\ncolumns = ["S"]\nmax = 1')
    rows = [["Name", "S"], ["  Diaz ,   Ana  ", "1"], [",Kim", "1"], ["Lee,", "1"], ["Ng\u00a0, Bo", "1"]]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    got = [(s["display_name"], s["first_name"], s["last_name"]) for s in p.students.to_pylist()]
    assert got == [
        ("Ana Diaz", "Ana", "Diaz"),
        ("Kim", "Kim", None),
        ("Lee", None, "Lee"),
        ("Bo Ng", "Bo", "Ng"),
    ]


def test_same_skill_twice_in_one_row_is_not_a_duplicate_student():
    m = mapping(
        '[columns]\nstudent_id = "ID"\n[scores]\nlayout = "groups"\nskill = "Goal{n}Name"\n'
        'score = "Goal{n}Score"\nkind = "percent"'
    )
    rows = [
        ["ID", "Goal1Name", "Goal1Score", "Goal2Name", "Goal2Score"],
        ["7", "Read", "80", "Read", "90"],
    ]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    # (issue 14: a skill repeated in one row is one score, percents averaged)
    assert p.report.scores == 1 and p.report.duplicate_students == []
    assert [round(r["fraction"], 3) for r in p.scores.to_pylist()] == [0.85]


def test_same_student_on_two_sheets_is_a_duplicate_and_scores_point_at_their_rows():
    m = mapping(
        '[source]\nsheet = "*"\n[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["S"]\nmax = 1'
    )
    a = sheet([["ID", "S"], ["7", "1"], ["8", "0"]], name="A")
    b = sheet([["ID", "S"], ["7", "0"]], name="B")
    p = prepare_sheets([a, b], "f.xlsx", m)
    assert p.report.duplicate_students == ["7"]
    rows = sorted((r["sheet"], r["row"], r["student_key"]) for r in p.scores.to_pylist())
    assert rows == [("A", 2, "id:7"), ("A", 3, "id:8"), ("B", 2, "id:7")]
    keys = p.students.column("student_key").to_pylist()
    assert all(keys[r["student_no"]] == r["student_key"] for r in p.scores.to_pylist())


def test_a_header_row_repeated_down_the_sheet_is_skipped_and_said_so():
    m = mapping('[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["S"]\nmax = 1')
    rows = [["ID", "S"], ["1", "1"], ["id", "S"], ["2", "0"]]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    assert p.report.students == 2 and p.report.scores == 2
    assert p.report.skipped == [("Sheet1", 3, "a repeated header row")]
