"""The reading layer: raw cells (typed for workbooks, text for csv, the top rows as text),
rows and columns where the sheet has them."""

from __future__ import annotations

import datetime

import pytest

from collabplan.errors import UserError
from collabplan.ingest import parser
from collabplan.ingest.read import RawSheet, read_upload, sheet_names, sniff_delimiter
from tests import badfiles
from tests.badfiles import openpyxl_bytes


def rows_of(sheet: RawSheet) -> list[list[str | None]]:
    return sheet.text_rows()


def cell(sheet: RawSheet, sheet_row: int, col: int) -> str | None:
    """The text of a cell by its Excel row number and 0-based column."""
    i = sheet_row - sheet.first_row
    return sheet.text_rows(i, i + 1)[0][col]


# ------------------------------------------------------------------------------------ samples


def test_tracker_header_is_sheet_row_4(samples):
    data = (samples / "cfa_grade3_unit4_tracker.xlsx").read_bytes()
    [sheet] = read_upload(data, "cfa_grade3_unit4_tracker.xlsx")
    assert sheet.name == "Period 1"
    assert sheet.first_row == 1
    assert cell(sheet, 4, 0) == "Student"
    assert cell(sheet, 4, 1) == "ID"
    assert cell(sheet, 4, 2) == "Q1"
    assert sheet.table.column_names[:3] == ["c0", "c1", "c2"]


def test_tracker_keeps_title_spacer_ids_and_formula_values(samples):
    data = (samples / "cfa_grade3_unit4_tracker.xlsx").read_bytes()
    sheets = read_upload(data, "cfa_grade3_unit4_tracker.xlsx", sheets="*")
    assert [s.name for s in sheets] == ["Period 1", "Period 2", "Period 3"]
    p1 = sheets[0]
    title = rows_of(p1)[0]
    assert title[0].startswith("Grade 3 Math")  # merged title: text in the first cell only
    assert title[1:] == [None] * (len(title) - 1)
    assert rows_of(p1)[2] == [None] * len(title)  # the blank spacer row 3 is kept
    assert cell(p1, 5, 0) == "Standard" and cell(p1, 6, 0) == "Points possible"
    assert cell(p1, 7, 1) == "300500"  # a numeric id, never "300500.0"
    assert cell(p1, 7, 12) == "4"  # =SUM(C7:L7), its cached value
    assert cell(p1, 7, 13) == "0.25"  # =M7/M$6
    assert cell(p1, 8, 2) == "Absent"


def test_tracker_sheet_by_name_and_list(samples):
    data = (samples / "cfa_grade3_unit4_tracker.xlsx").read_bytes()
    assert [s.name for s in read_upload(data, "t.xlsx", sheets="Period 2")] == ["Period 2"]
    assert [s.name for s in read_upload(data, "t.xlsx", sheets=["Period 3", "Period 1"])] == [
        "Period 3",
        "Period 1",
    ]
    assert sheet_names(data, "t.xlsx") == ["Period 1", "Period 2", "Period 3"]


def test_unknown_sheet_names_the_sheets_there_are(samples):
    data = (samples / "cfa_grade3_unit4_tracker.xlsx").read_bytes()
    with pytest.raises(UserError, match=r"t\.xlsx.*'Period 9'.*Period 1, Period 2, Period 3"):
        read_upload(data, "t.xlsx", sheets="Period 9")


def test_nwea_csv_ids_stay_text(samples):
    data = (samples / "nwea_map_CombinedAssessmentResults.csv").read_bytes()
    [sheet] = read_upload(data, "nwea_map_CombinedAssessmentResults.csv")
    assert sheet.name == "nwea_map_CombinedAssessmentResults"
    assert sheet.first_row == 1
    assert cell(sheet, 1, 0) == "TermName" and cell(sheet, 1, 1) == "StudentID"
    assert cell(sheet, 2, 1) == "400100"
    assert all(t == "string" for t in map(str, sheet.table.schema.types))


def test_canvas_csv_quoted_names_with_commas(samples):
    data = (samples / "canvas_outcome_results.csv").read_bytes()
    [sheet] = read_upload(data, "canvas_outcome_results.csv")
    assert cell(sheet, 2, 0) == "Rossi, Leo"
    assert sheet.table.num_columns == 27


# ---------------------------------------------------------------------- xlsx rows and columns


def test_leading_empty_rows_and_column_keep_sheet_positions():
    data = badfiles.simple_xlsx({3: ["Student", "ID"], 5: ["Ana", 300500]}, first_col=1)
    [sheet] = read_upload(data, "r.xlsx")
    assert sheet.first_row == 3
    assert sheet.table.column("c0").null_count == sheet.table.num_rows  # column A is empty
    assert cell(sheet, 3, 1) == "Student" and cell(sheet, 3, 2) == "ID"
    assert cell(sheet, 4, 1) is None  # the empty row 4 is kept
    assert cell(sheet, 5, 1) == "Ana" and cell(sheet, 5, 2) == "300500"


@pytest.mark.parametrize("dimension", [None, "A1:Z200", "A1"])
def test_positions_without_a_trustworthy_dimension(dimension):
    data = badfiles.simple_xlsx(
        {3: ["Student", "ID"], 5: ["Ana", 300500]}, first_col=2, dimension=dimension
    )
    [sheet] = read_upload(data, "r.xlsx")
    assert sheet.first_row == 3
    assert sheet.table.column_names[:4] == ["c0", "c1", "c2", "c3"]
    assert cell(sheet, 3, 2) == "Student" and cell(sheet, 5, 3) == "300500"


def test_styled_blank_cells_do_not_move_the_origin():
    xml = badfiles.sheet_xml({4: [None, "Student", "ID"], 6: [None, "Ana", 7]}, dimension="A1:C6")
    blanks = '<row r="1"><c r="A1" s="1"/><c r="B1" s="1"></c></row>'
    xml = xml.replace("<sheetData>", "<sheetData>" + blanks)
    [sheet] = read_upload(badfiles.xlsx_bytes([("S", xml)]), "r.xlsx")
    assert sheet.first_row == 4
    assert cell(sheet, 4, 1) == "Student" and cell(sheet, 6, 2) == "7"


def test_value_in_column_a_further_down_sets_column_origin():
    data = badfiles.simple_xlsx(
        {2: [None, "Student"], 3: [None, "Ana"], 9: ["footer"]}, dimension=None
    )
    [sheet] = read_upload(data, "r.xlsx")
    assert sheet.first_row == 2
    assert cell(sheet, 2, 1) == "Student"
    assert cell(sheet, 9, 0) == "footer"


def test_cell_text_follows_the_contract():
    def fill(ws):
        ws.append(["id", "code", "score", "date", "when", "flag", "big", "neg", "third", "blank"])
        ws.append(
            [
                300500,
                "00452",
                0.85,
                datetime.date(2025, 10, 14),
                datetime.datetime(2025, 10, 14, 9, 5),
                True,
            ]
        )
        ws.append([300500.0, "007", 85.5, None, None, False, 12345678901234567, -3, 1 / 3, ""])

    [sheet] = read_upload(openpyxl_bytes(fill), "r.xlsx")
    assert rows_of(sheet)[1][:6] == [
        "300500",
        "00452",
        "0.85",
        "2025-10-14",
        "2025-10-14T09:05:00",
        "TRUE",
    ]
    row3 = rows_of(sheet)[2]
    assert row3[:3] == ["300500", "007", "85.5"]
    assert row3[5] == "FALSE"
    assert row3[7] == "-3"
    assert row3[8].startswith("0.333333")
    assert row3[9] is None


def test_formula_cells_give_their_cached_values():
    rows = [
        ["a", "b", "sum", "label", "none"],
        [3, 4, ("=A2+B2", 7), ('=IF(C2>5,"high","low")', "high"), ("=A2", None)],
    ]
    [sheet] = read_upload(badfiles.simple_xlsx(rows), "r.xlsx")
    assert rows_of(sheet)[1] == ["3", "4", "7", "high", None]


def test_first_sheet_empty_reads_first_sheet_with_data():
    data = badfiles.xlsx_bytes(
        [
            ("Notes", badfiles.sheet_xml([], dimension="A1")),
            ("Scores", badfiles.sheet_xml([["Student"], ["Ana"]])),
        ]
    )
    [sheet] = read_upload(data, "r.xlsx")
    assert sheet.name == "Scores"
    assert [s.name for s in read_upload(data, "r.xlsx", sheets="*")] == ["Scores"]
    with pytest.raises(UserError, match="'Notes' is empty"):
        read_upload(data, "r.xlsx", sheets="Notes")


def test_sheet_names_with_spaces_and_quotes():
    sheets = [
        ("Period 1 & 2", badfiles.sheet_xml([["x"]])),
        ('Ms. "A"', badfiles.sheet_xml([["y"]])),
    ]
    data = badfiles.xlsx_bytes(sheets)
    assert sheet_names(data, "r.xlsx") == ["Period 1 & 2", 'Ms. "A"']
    assert [s.name for s in read_upload(data, "r.xlsx", sheets="*")] == ["Period 1 & 2", 'Ms. "A"']


def test_workbook_named_csv_is_read_as_a_workbook():
    [sheet] = read_upload(badfiles.good_xlsx(), "results.csv")
    assert cell(sheet, 2, 1) == "300500"


# ------------------------------------------------------------------------------------------ csv


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|", "^"])
def test_csv_delimiter_is_sniffed(delimiter):
    text = delimiter.join(["Student", "ID", "Score"]) + "\n"
    text += (
        delimiter.join(['"Ruiz, Ana"' if delimiter == "," else "Ruiz, Ana", "00452", "3"]) + "\n"
    )
    text += delimiter.join(["Lee Cy", "300500", "4"]) + "\n"
    [sheet] = read_upload(text.encode(), "scores.csv")
    assert rows_of(sheet) == [
        ["Student", "ID", "Score"],
        ["Ruiz, Ana", "00452", "3"],
        ["Lee Cy", "300500", "4"],
    ]
    assert sheet.name == "scores"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encoding_is_sniffed(encoding):
    text = "Student;Teacher\nZoë Muñoz;Mr. O’Brien – Room 4\n"
    [sheet] = read_upload(text.encode(encoding), "scores.csv")
    assert rows_of(sheet) == [["Student", "Teacher"], ["Zoë Muñoz", "Mr. O’Brien – Room 4"]]


def test_csv_explicit_delimiter_and_encoding():
    data = "a;b|c\n1;2|3\n".encode("cp1252")
    [sheet] = read_upload(data, "x.csv", delimiter="|", encoding="cp1252")
    assert rows_of(sheet) == [["a;b", "c"], ["1;2", "3"]]
    [sheet] = read_upload("\ufeffa,b\n1,2\n".encode(), "x.csv", encoding="utf-8-sig")
    assert rows_of(sheet)[0] == ["a", "b"]


def test_csv_quoted_newlines_and_blank_lines_keep_row_numbers():
    data = b'Student,Comment,Score\n"Ruiz, Ana","line one\nline two",3\n\nLee,"say ""hi""",4\n'
    [sheet] = read_upload(data, "c.csv")
    assert sheet.first_row == 1
    assert rows_of(sheet) == [
        ["Student", "Comment", "Score"],
        ["Ruiz, Ana", "line one\nline two", "3"],
        [None, None, None],
        ["Lee", 'say "hi"', "4"],
    ]


def test_csv_with_a_title_line_and_ragged_rows():
    data = b"Grade 3 report\n\nStudent,ID,Score\nAna,00452,3,extra\n"
    [sheet] = read_upload(data, "r.csv")
    assert sheet.table.num_columns == 4
    assert rows_of(sheet)[0] == ["Grade 3 report", None, None, None]
    assert rows_of(sheet)[2] == ["Student", "ID", "Score", None]
    assert rows_of(sheet)[3] == ["Ana", "00452", "3", "extra"]


def test_csv_crlf_line_endings():
    [sheet] = read_upload(b"Student,ID\r\nAna,007\r\n", "r.csv")
    assert rows_of(sheet) == [["Student", "ID"], ["Ana", "007"]]


def test_csv_single_column_and_txt_name():
    [sheet] = read_upload(b"Student\nAna\nBen\n", "names.txt")
    assert rows_of(sheet) == [["Student"], ["Ana"], ["Ben"]]
    assert sheet_names(b"Student\nAna\n", "names.txt") == ["names"]


def test_sniff_delimiter_prefers_consistent_splits():
    assert sniff_delimiter('name,comment\n"a; b",1\n"c; d",2\n') == ","
    assert sniff_delimiter("a;b;c\n1;2,5;3\n4;5;6\n") == ";"
    assert sniff_delimiter("a^b\n1^2\n") == "^"
    assert sniff_delimiter("just one column\n") == ","


def test_a_started_parse_is_used_by_read_upload_and_closed():
    data = badfiles.good_xlsx()
    job = parser.start(data, "fine.xlsx", "*")
    [sheet] = read_upload(data, "fine.xlsx", sheets="*", job=job)
    assert job.process.returncode is not None  # its child is gone
    assert rows_of(sheet) == rows_of(read_upload(data, "fine.xlsx", sheets="*")[0])


def test_a_parse_started_for_other_sheets_is_closed_and_not_used():
    data = badfiles.good_xlsx()
    job = parser.start(data, "fine.xlsx", "Other")
    [sheet] = read_upload(data, "fine.xlsx", job=job)
    assert job.process.returncode is not None
    assert rows_of(sheet) == rows_of(read_upload(data, "fine.xlsx")[0])


def test_a_started_parse_passed_with_a_csv_is_closed():
    job = parser.start(badfiles.good_xlsx(), "a.csv", None)
    assert rows_of(read_upload(b"ID;Score\n1;5\n", "a.csv", job=job)[0])[0] == ["ID", "Score"]
    assert job.process.returncode is not None


def test_errors_of_a_started_parse_come_from_read_upload():
    data = badfiles.corrupt_cells_xlsx()
    job = parser.start(data, "scores.xlsx", None)
    with pytest.raises(UserError, match=r"could not be read \(sheet 'Results'\)"):
        read_upload(data, "scores.xlsx", job=job)
    assert job.process.returncode is not None


def test_a_started_parse_of_a_bad_file_gives_the_check_s_message():
    data = badfiles.pdf_renamed()
    job = parser.start(data, "scores.xlsx", None)
    with pytest.raises(UserError, match="is a PDF"):
        read_upload(data, "scores.xlsx", job=job)
    assert job.process.returncode is not None
