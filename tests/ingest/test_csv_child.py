"""A csv is parsed in the guarded child, like a workbook, within the column, line and cell
limits; what cannot be read is one UserError saying which limit and what to do."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import pytest

from collabplan import config
from collabplan.errors import UserError
from collabplan.ingest import csvparse, parser
from collabplan.ingest.read import read_upload
from tests import badcsv

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def rows_of(sheet) -> list[list[str | None]]:
    return [list(r) for r in zip(*(c.to_pylist() for c in sheet.table.columns), strict=True)]


def test_a_csv_is_parsed_in_a_child_process(monkeypatch):
    started = []
    real = parser.start

    def counted(*args, **kwargs):
        job = real(*args, **kwargs)
        started.append(job.process.pid)
        return job

    monkeypatch.setattr(parser, "start", counted)
    [sheet] = read_upload(badcsv.simple(), "quiz.csv")
    assert len(started) == 1  # the one path: no csv is parsed in this process
    assert sheet.name == "quiz"
    assert rows_of(sheet)[:2] == [["Student ID", "Student Name", "Q1", "Q2"], ["1", "Student 1", "1", "1"]]


def test_the_child_memory_limit_holds_for_a_csv():
    with pytest.raises(UserError, match=r"m\.csv"):
        parser.parse(badcsv.wide(200, rows=200), "m.csv", memory=32 * 1024 * 1024)


def test_a_100000_field_line_is_refused_naming_the_column_limit():
    with pytest.raises(UserError) as refused:
        read_upload(badcsv.one_long_line(), "line.csv")
    assert str(refused.value) == (
        "line.csv has 100,000 columns; collabplan reads up to 16,384. "
        "Save only the sheet's results columns and upload again."
    )
    assert refused.value.kind == "file"


def test_a_million_column_header_is_refused():
    with pytest.raises(UserError, match=r"has 1,200,000 columns; collabplan reads up to 16,384"):
        read_upload(badcsv.million_column_header(), "wide.csv")


def test_a_10_mb_line_of_fields_is_refused_by_the_line_limit():
    with pytest.raises(UserError, match=r"line 2 is over 4\.0 MB long; collabplan reads lines"):
        read_upload(badcsv.ten_mb_line(), "line.csv")


def test_a_long_line_within_the_line_limit_is_refused_by_the_column_limit(monkeypatch):
    monkeypatch.setattr(config, "MAX_COLUMNS", 1_000)  # the limits reach the child
    with pytest.raises(UserError, match=r"has 5,000 columns \(row 2\); collabplan reads up to 1,000"):
        read_upload(badcsv.ten_mb_line(10_000), "line.csv")


def test_a_huge_cell_is_refused_by_the_cell_limit_in_a_ragged_file():
    with pytest.raises(UserError, match=r"a cell on line 3 holds more than 128 KB of text"):
        read_upload(badcsv.ragged_big_field(), "ragged.csv")


def test_a_huge_cell_in_an_even_file_is_refused_naming_line_and_column():
    data = b"Student,Comment\nAna," + b"x" * 200_000 + b"\nBen,ok\n"
    with pytest.raises(UserError, match=r"a cell on line 2, column 2, holds more than 128 KB"):
        read_upload(data, "even.csv")


def test_an_unclosed_quote_running_to_the_end_is_refused_by_the_cell_limit():
    with pytest.raises(UserError, match=r"more than 128 KB of text.*Check the file's quotes"):
        read_upload(badcsv.unclosed_quote(), "quote.csv")


@pytest.mark.parametrize("columns", [1_000, 2_500])
def test_wide_files_within_the_column_limit_import(db, columns):
    from collabplan.ingest.load import import_files

    [result] = import_files(db, [("wide.csv", badcsv.wide(columns))], None)
    assert result.students == 30
    assert len(result.skills) == columns
    assert result.scores == 30 * columns


def test_a_file_at_the_column_limit_is_read_and_one_past_it_is_refused(monkeypatch):
    monkeypatch.setattr(config, "MAX_COLUMNS", 300)
    [sheet] = read_upload(badcsv.wide(298), "ok.csv")
    assert sheet.table.num_columns == 300
    with pytest.raises(UserError, match=r"has 301 columns"):
        read_upload(badcsv.wide(299), "wide.csv")


# ------------------------------------------------------------------------------- encodings


def test_mixed_encodings_are_decoded_per_line_and_reported():
    [sheet] = read_upload(badcsv.mixed_encoding(), "mixed.csv")
    names = [r[1] for r in rows_of(sheet)[1:]]
    assert names == ["José Núñez", "Zoë Smith", "Renée Doe", "Ana Ruiz"]
    [note] = sheet.notes
    assert note.startswith("1 line of this UTF-8 file was in another encoding and read as Windows-1252")
    assert "line 4: 'Renée'" in note


def test_a_whole_cp1252_file_is_read_without_a_note():
    [sheet] = read_upload(badcsv.cp1252_only(), "old.csv")
    assert [r[1] for r in rows_of(sheet)[1:]] == ["José Núñez", "Renée Doe"]
    assert sheet.notes == []


def test_many_mixed_lines_are_counted_with_three_examples():
    lines = [b"Student ID,Student Name,Q1\n", "1,Zoë,1\n".encode()]
    lines += [f"{i},Ren{chr(233)}e {i},1\n".encode("cp1252") for i in range(2, 9)]
    [sheet] = read_upload(b"".join(lines), "m.csv")
    [note] = sheet.notes
    assert note.startswith("7 lines of this UTF-8 file were")
    assert "line 3: 'Renée'; line 4: 'Renée'; line 5: 'Renée' and 4 more" in note


def test_the_report_of_an_import_names_the_lines_read_another_way(db):
    from collabplan.ingest.load import import_files

    [result] = import_files(db, [("mixed.csv", badcsv.mixed_encoding())], None)
    assert any("read as Windows-1252" in w and "line 4" in w for w in result.warnings)
    names = {n for (n,) in db.rows("SELECT display_name FROM student")}
    assert {"José Núñez", "Renée Doe"} <= names


def test_a_line_in_no_known_encoding_is_refused_naming_it():
    data = "Student,Q1\nZoë,1\n".encode() + b"An\x81a,3\n"
    with pytest.raises(UserError, match=r"line 3 is in an encoding this app cannot read"):
        read_upload(data, "bad.csv")


@pytest.mark.parametrize("delimiter", ["ab", "", '"', "\n", 5])
def test_a_delimiter_that_is_not_one_character_is_one_line(delimiter):
    with pytest.raises(UserError, match=r"the mapping's \[source\] delimiter .* must be one") as e:
        read_upload(badcsv.simple(), "x.csv", delimiter=delimiter)
    assert e.value.kind == "mapping"


@pytest.mark.parametrize("encoding", ["klingon", "base64", "utf-16", "", 7])
def test_an_unknown_encoding_is_one_line(encoding):
    with pytest.raises(UserError, match=r"the mapping's \[source\] encoding .* is not one") as e:
        read_upload(badcsv.simple(), "x.csv", encoding=encoding)
    assert e.value.kind == "mapping"


def test_a_given_encoding_that_does_not_fit_names_the_line():
    data = b"a,b\n1,2\n" + "3,\u20ac\n".encode()  # a euro sign as UTF-8 (not ASCII)
    [sheet] = read_upload(data, "x.csv", encoding="latin-1")  # latin-1 reads any byte
    assert rows_of(sheet)[2][1] == "\u20ac".encode().decode("latin-1")
    with pytest.raises(UserError, match=r"line 3 is not ascii text as the mapping's \[source\]"):
        read_upload(data, "x.csv", encoding="ascii")


def test_check_encoding_gives_python_codec_names():
    assert csvparse.check_encoding("UTF8", "x") == "utf-8"
    assert csvparse.check_encoding("utf-8-sig", "x") == "utf-8"
    assert csvparse.check_encoding("Windows-1252", "x") == "cp1252"
    assert csvparse.check_encoding(None, "x") is None


# --------------------------------------------------------------------- the app keeps serving


def test_another_page_renders_while_a_hostile_csv_is_parsed(demo_db, monkeypatch):
    """The 100,000-field line, with the column limit lifted so it is parsed as it once was
    in the app (a minute of work): the Coach page renders to the end meanwhile. Asserted by
    order: when the page has finished, the parse is still running."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(config, "MAX_COLUMNS", 10_000_000)
    job = parser.start(badcsv.one_long_line(300_000), "hostile.csv")
    events: list[str] = []

    def wait_parse() -> None:
        with contextlib.suppress(UserError):  # killed below, once the page is done
            job.result()
        events.append("parse finished")

    waiter = threading.Thread(target=wait_parse)
    waiter.start()
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        at.switch_page("pages/coach.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.title or at.header or at.subheader  # the page drew itself
        events.append("page finished")
        still_running = job.process.poll() is None
    finally:
        job.close()
        waiter.join()
    assert events == ["page finished", "parse finished"]
    assert still_running


# ------------------------------------------------------------- the same limits for a workbook


def test_a_workbook_cell_over_the_cell_limit_is_refused_naming_it():
    from tests import badfiles

    data = badfiles.simple_xlsx([["ID", "Student", "Q1"], [1, "Ana", "y"], [2, "Ben", "x" * 200_000]])
    with pytest.raises(UserError, match=r"big\.xlsx, sheet 'Results': cell C3 holds more than 128 KB"):
        read_upload(data, "big.xlsx")


def test_a_workbook_wider_than_the_column_limit_is_refused(monkeypatch):
    from tests import badfiles

    monkeypatch.setattr(config, "MAX_COLUMNS", 2)
    with pytest.raises(UserError, match=r"sheet 'Results' has 3 columns; collabplan reads up to 2"):
        read_upload(badfiles.good_xlsx(), "w.xlsx")
