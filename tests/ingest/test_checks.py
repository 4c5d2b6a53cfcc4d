"""Bad uploads: each one is refused with one line a teacher can act on, and nothing crashes.

The refusals come from the checks before parsing (collabplan/ingest/checks.py) or, for what
only the parser finds out, from its child process (see test_parser.py).
"""

from __future__ import annotations

import pytest

from collabplan import config
from collabplan.errors import UserError
from collabplan.ingest import checks
from collabplan.ingest.read import read_upload, sheet_names
from tests import badfiles

# (generator, file name it is uploaded as, words the message must contain)
BAD_UPLOADS = [
    (badfiles.empty_file, "scores.csv", "is empty (0 bytes)"),
    (badfiles.empty_file, "scores.xlsx", "is empty (0 bytes)"),
    (badfiles.text_renamed_xlsx, "scores.xlsx", "not a real Excel workbook (it holds plain text)"),
    (badfiles.html_renamed_xls, "scores.xls", "not a real Excel workbook (it holds a web page)"),
    (badfiles.pdf_renamed, "scores.xlsx", "is a PDF"),
    (badfiles.pdf_renamed, "scores.csv", "is a PDF"),
    (badfiles.truncated_xlsx, "scores.xlsx", "is damaged"),
    (badfiles.corrupt_sheet_xlsx, "scores.xlsx", "is damaged"),
    (badfiles.corrupt_cells_xlsx, "scores.xlsx", "could not be read (sheet 'Results')"),
    (badfiles.not_a_workbook_zip, "scores.xlsx", "not an Excel workbook"),
    (badfiles.xlsb_renamed, "scores.xlsx", "(.xlsb)"),
    (badfiles.password_protected_xlsx, "scores.xlsx", "Remove the password in Excel"),
    (badfiles.legacy_xls, "scores.xls", "Excel 97-2003 workbook (.xls)"),
    (badfiles.word_doc_renamed, "scores.xls", "not an Excel workbook"),
    (badfiles.zip_bomb_xlsx, "scores.xlsx", "would unpack to 512 MB"),
    (badfiles.lying_size_xlsx, "scores.xlsx", "would unpack to 4.0 GB"),
    (badfiles.entity_bomb_xlsx, "scores.xlsx", "DTD or entities"),
    (lambda: badfiles.entity_bomb_xlsx("sheet"), "scores.xlsx", "DTD or entities"),
    (lambda: badfiles.entity_bomb_xlsx("workbook"), "scores.xlsx", "DTD or entities"),
    (badfiles.external_entity_xlsx, "scores.xlsx", "DTD or entities"),
    (badfiles.far_away_cell_xlsx, "scores.xlsx", "reaches cell XFD1048576"),
    (badfiles.far_away_cell_hidden_xlsx, "scores.xlsx", "too large or too damaged to read safely"),
    (badfiles.no_sheets_xlsx, "scores.xlsx", "has no sheets"),
    (badfiles.empty_sheets_xlsx, "scores.xlsx", "every sheet is empty"),
    (badfiles.utf16_csv, "scores.csv", "(UTF-16)"),
    (badfiles.utf16_no_bom_csv, "scores.csv", "(UTF-16)"),
    (badfiles.utf32_csv, "scores.csv", "(UTF-32)"),
    (badfiles.binary_renamed_csv, "scores.csv", "not a text file"),
    (badfiles.undecodable_csv, "scores.csv", "encoding this app cannot read"),
]


@pytest.mark.parametrize(
    ("make", "file_name", "words"),
    BAD_UPLOADS,
    ids=[f"{getattr(m, '__name__', 'entity')}-{n}-{i}" for i, (m, n, _) in enumerate(BAD_UPLOADS)],
)
def test_bad_upload_is_refused_with_one_actionable_line(make, file_name, words):
    with pytest.raises(UserError) as caught:
        read_upload(make(), file_name)
    message = str(caught.value)
    assert words in message
    assert file_name in message
    assert "\n" not in message
    assert message.endswith(".")


def test_csv_encoding_messages_say_save_as_csv_utf8():
    for make in (
        badfiles.utf16_csv,
        badfiles.utf32_csv,
        badfiles.binary_renamed_csv,
        badfiles.undecodable_csv,
    ):
        with pytest.raises(UserError, match='"CSV UTF-8'):
            read_upload(make(), "scores.csv")


def test_sheet_names_refuses_bad_files_too():
    for make, name in [
        (badfiles.password_protected_xlsx, "a.xlsx"),
        (badfiles.entity_bomb_xlsx, "a.xlsx"),
        (badfiles.zip_bomb_xlsx, "a.xlsx"),
        (badfiles.pdf_renamed, "a.xlsx"),
    ]:
        with pytest.raises(UserError):
            sheet_names(make(), name)


def test_bombs_are_small_on_disk():
    assert len(badfiles.zip_bomb_xlsx()) < 1024 * 1024
    assert len(badfiles.lying_size_xlsx()) < 10_000
    assert len(badfiles.far_away_cell_xlsx()) < 10_000
    assert len(badfiles.entity_bomb_xlsx()) < 10_000


def test_too_large_upload_is_refused(monkeypatch):
    monkeypatch.setattr(config, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(UserError, match=r"scores\.csv is too large \(2 KB; the limit is 1 KB\)"):
        read_upload(badfiles.too_large_csv(2000), "scores.csv")
    assert read_upload(badfiles.too_large_csv(900), "scores.csv")[0].table.num_rows > 10


def test_unzipped_total_limit(monkeypatch):
    monkeypatch.setattr(config, "MAX_UNZIPPED_BYTES", 2000)
    with pytest.raises(UserError, match="would unpack to"):
        read_upload(
            badfiles.simple_xlsx([["Student"]] + [[f"name {i}"] for i in range(200)]), "big.xlsx"
        )


def test_sheet_cell_limit_uses_the_declared_dimension(monkeypatch):
    monkeypatch.setattr(config, "MAX_SHEET_CELLS", 100)
    data = badfiles.simple_xlsx([["Student"]], dimension="A1:Z100")
    with pytest.raises(UserError, match=r"sheet 'Results' reaches cell Z100, .*2,600 cells"):
        read_upload(data, "wide.xlsx")


def test_sniff_kind_ignores_the_extension():
    assert checks.sniff_kind(badfiles.good_xlsx()) == "zip"
    assert checks.sniff_kind(badfiles.password_protected_xlsx()) == "ole"
    assert checks.sniff_kind(badfiles.pdf_renamed()) == "pdf"
    assert checks.sniff_kind(b"a,b\n1,2\n") == "text"
    assert checks.sniff_kind(badfiles.utf16_csv()) == "utf16"
    assert checks.sniff_kind(badfiles.binary_renamed_csv()) == "binary"


def test_dimension_and_reference_helpers():
    assert checks.parse_ref("XFD1048576") == (1048576, 16384)
    assert checks.parse_ref("$B$3") == (3, 2)
    assert checks.parse_ref("nonsense") is None
    assert checks.column_letters(16384) == "XFD"
    assert checks.parse_dimension("B3:H7") == (3, 2, 7, 8)
    assert checks.parse_dimension("A1") == (1, 1, 1, 1)


def test_good_files_pass_every_check():
    info = checks.inspect_workbook(badfiles.good_xlsx(), "ok.xlsx")
    assert [(s.name, s.dimension) for s in info.sheets] == [("Results", (1, 1, 4, 3))]
