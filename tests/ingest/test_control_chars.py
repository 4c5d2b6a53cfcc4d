"""Hidden control characters are removed once, at import, and the report says where."""

from __future__ import annotations

import io

import openpyxl
import pyarrow as pa

from collabplan import cli
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.control import clean_sheets
from collabplan.ingest.normalise.prepare import prepare, prepare_sheets
from collabplan.ingest.read import RawSheet
from tests.raw_sheets import sheet

MAPPING = Mapping.from_toml(
    '[assessment]\nname_column = "Test"\n'
    '[columns]\nstudent_id = "ID"\nstudent_name = "Student"\nclass = "Class"\nteacher = "Teacher"\n'
    '[scores]\nlayout = "wide"\npattern = "^Q"\nkind = "points"\nmax = 4\n',
    name="m",
)
ROWS = [
    ["ID", "Student", "Class", "Teacher", "Test", "Q1\x07 Main idea", "Q2"],
    ["1\x00", "Ana\x07 Lee", "3A", "Ms Rivera", "Unit 4", "3", "4"],
    ["2", "Bo Diaz", "3A\x0b", "Ms\x1b Rivera", "Unit\x85 4", "2", "1"],
    ["3", "Cy Park", "3B", "Mr Okafor", "Unit 4", "4", "4"],
]


def test_every_text_cell_is_cleaned_and_the_report_names_the_places():
    p = prepare_sheets([sheet(ROWS)], "scores.csv", MAPPING)
    students = {r["local_id"]: r for r in p.students.to_pylist()}
    assert set(students) == {"1", "2", "3"}
    assert students["1"]["display_name"] == "Ana Lee"
    assert students["2"]["class_name"] == "3A" and students["2"]["teacher"] == "Ms Rivera"
    assert {r["assessment"] for r in p.scores.to_pylist()} == {"Unit 4"}
    assert set(p.report.skills) == {"Q1 Main idea", "Q2"}
    assert p.report.control_characters == 6
    note = next(w for w in p.report.warnings if "hidden control characters" in w)
    assert note.startswith("6 cells had hidden control characters, removed: row 1, column F; row 2, column A")
    assert "and 1 more" in note


def test_a_file_without_control_characters_is_passed_through_untouched():
    clean = sheet([["ID", "Student", "Q1"], ["1", "Ana\tLee", "3"], ["2", "Zoë Ñúñez", "4"]])
    out, found = clean_sheets([clean])
    assert out[0] is clean and found.cells == 0 and found.note() is None


def test_the_head_rows_of_a_workbook_and_the_sheet_name_are_cleaned_too():
    raw = sheet(ROWS, name="Period\x07 1")
    head = raw.table.slice(0, 2)
    book = RawSheet(name=raw.name, table=raw.table, first_row=1, head=head)
    out, found = clean_sheets([book], name_sheets=True)
    assert out[0].name == "Period 1"
    assert out[0].head.column("c5").to_pylist()[0] == "Q1 Main idea"
    assert found.cells == 6 and found.names == 1  # the head repeats rows: counted once
    assert found.places[0] == "sheet 'Period 1', row 1, column F"
    assert found.note().endswith("the file or sheet name had hidden control characters, removed")


def test_c1_controls_are_found_among_other_accented_text():
    rows = pa.array(["Zoë", "Ñúñez", "nbsp\u00a0ok", "next\u0085line", None])
    out, found = clean_sheets([RawSheet(name="s", table=pa.table({"c0": rows}))])
    assert out[0].table.column("c0").to_pylist() == ["Zoë", "Ñúñez", "nbsp\u00a0ok", "nextline", None]
    assert found.cells == 1 and found.places == ["row 4, column A"]


def test_a_workbook_name_with_a_bell_imports_and_its_file_name_is_clean(tmp_path, db_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Student", "Q1"])
    ws.append([1, "Ana Lee", 3])
    ws.append([2, "Bo\u0085 Diaz", 4])  # openpyxl writes a C1 control; it refuses C0 ones
    buf = io.BytesIO()
    wb.save(buf)
    p = prepare(buf.getvalue(), "unit\x07 4.xlsx", MAPPING.copy(assessment_name="Unit 4", assessment_name_column=None,
                                                               columns={"student_id": "ID", "student_name": "Student"}))
    assert p.file_name == "unit 4.xlsx"
    assert {r["display_name"] for r in p.students.to_pylist()} == {"Ana Lee", "Bo Diaz"}
    assert any("1 cell had hidden control characters" in w for w in p.report.warnings)


def test_the_command_line_imports_a_csv_with_a_bell_in_a_name(tmp_path, db_path, capsys):
    csv = tmp_path / "scores.csv"
    csv.write_bytes(b"ID,Student,Q1\n1,Ana\x07 Lee,3\n2,Bo\x1b[31m Diaz,4\n")
    mapping = tmp_path / "m.toml"
    mapping.write_text(MAPPING.copy(assessment_name="Unit 4", assessment_name_column=None,
                                    columns={"student_id": "ID", "student_name": "Student"}).to_toml())
    assert cli.main(["import", str(csv), "--db", str(db_path), "--mapping", str(mapping), "--json"]) == 0
    out, err = capsys.readouterr()
    assert "\x07" not in out and "\x1b" not in out and err == ""
    assert "2 cells had hidden control characters" in out

    from collabplan import db as db_module

    names = set(db_module.connect(db_path).query("SELECT display_name FROM student")["display_name"])
    assert names == {"Ana Lee", "Bo[31m Diaz"}
