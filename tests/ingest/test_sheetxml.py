"""Cutting sheet XML for the head rows: a short, well-formed copy of each sheet read as text."""

from __future__ import annotations

import io
import zipfile

import defusedxml.ElementTree as SafeET
import fastexcel
import pyarrow as pa
import pytest

from collabplan.ingest import read, sheetxml
from collabplan.ingest.read import HEAD_ROWS, RawSheet, read_upload
from tests import badfiles


def text_of(sheet: RawSheet, sheet_row: int) -> list[str | None]:
    i = sheet_row - sheet.first_row
    return sheet.text_rows(i, i + 1)[0]


def old_text_rows(data: bytes, sheet: str | int = 0) -> list[list[str | None]]:
    """The whole sheet as the reader gave it before typed reading: fastexcel text, tidied."""
    batch = fastexcel.read_excel(data).load_sheet(
        sheet, header_row=None, dtypes="string", eager=True
    )
    columns = [read.tidy_xlsx_column(pa.chunked_array([c])).to_pylist() for c in batch.columns]
    return [list(r) for r in zip(*columns, strict=True)]


def prefixed_sheet_xml(rows: int, *, with_r: bool) -> str:
    """Sheet XML with an ``x:`` prefix on every element, rows and cells with or without ``r``."""
    body = []
    for i in range(1, rows + 1):
        ref = f' r="{i}"' if with_r else ""
        cells = (
            '<x:c t="inlineStr"><x:is><x:t>Student</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>Score</x:t></x:is></x:c>'
            if i == 1
            else f'<x:c t="inlineStr"><x:is><x:t>S{i}</x:t></x:is></x:c><x:c><x:v>{i}</x:v></x:c>'
        )
        body.append(f"<x:row{ref}>{cells}</x:row>")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<x:worksheet xmlns:x="{badfiles.NS_MAIN}"><x:dimension ref="A1:B{rows}"/>'
        f'<x:sheetData>{"".join(body)}</x:sheetData><x:pageMargins left="0.7"/></x:worksheet>'
    )


@pytest.mark.parametrize("with_r", [True, False])
def test_prefixed_xml_and_rows_without_numbers(with_r):
    data = badfiles.xlsx_bytes([("S", prefixed_sheet_xml(100, with_r=with_r))])
    [sheet] = read_upload(data, "x.xlsx")
    assert sheet.first_row == 1 and sheet.table.num_rows == 100
    assert sheet.head.num_rows == HEAD_ROWS
    assert text_of(sheet, 1) == ["Student", "Score"]
    assert text_of(sheet, 30) == ["S30", "30"] and text_of(sheet, 31) == ["S31", "31"]
    assert text_of(sheet, 100) == ["S100", "100"]
    assert sheet.table.schema.field("c1").type == pa.float64()


@pytest.mark.parametrize("with_r", [True, False])
def test_cut_sheet_is_well_formed_and_short(with_r):
    data = badfiles.xlsx_bytes([("S", prefixed_sheet_xml(500, with_r=with_r))])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        cut = sheetxml.cut_sheet(zf, "xl/worksheets/sheet1.xml")
    root = SafeET.fromstring(cut)
    rows = [e for e in root.iter() if e.tag.endswith("}row")]
    assert len(rows) == HEAD_ROWS
    assert not [e for e in root.iter() if e.tag.endswith("}dimension")]


def test_cut_counts_rows_from_the_first_row_with_a_value():
    blanks = "".join(f'<row r="{r}"><c r="A{r}" s="1"/></row>' for r in range(1, 41))
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x{r}</t></is></c></row>'
        for r in range(41, 200)
    )
    xml = f'<worksheet xmlns="{badfiles.NS_MAIN}"><sheetData>{blanks}{rows}</sheetData></worksheet>'
    data = badfiles.xlsx_bytes([("S", xml)])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        cut = sheetxml.cut_sheet(zf, "xl/worksheets/sheet1.xml")
    numbers = [int(e.get("r")) for e in SafeET.fromstring(cut).iter() if e.tag.endswith("}row")]
    assert numbers[-1] == 40 + HEAD_ROWS
    [sheet] = read_upload(data, "late.xlsx")
    assert sheet.first_row == 41 and sheet.head.num_rows == HEAD_ROWS
    assert text_of(sheet, 41) == ["x41"] and text_of(sheet, 199) == ["x199"]


def test_head_workbook_leaves_out_drawings_and_other_sheets():
    data = badfiles.xlsx_bytes(
        [("A", badfiles.sheet_xml([["a"]])), ("B", badfiles.sheet_xml([["b"]] * 100))],
        extra_parts={"xl/media/image1.png": b"\x89PNG" + b"0" * 5000},
    )
    head = sheetxml.head_workbook(data, ["xl/worksheets/sheet2.xml"])
    with zipfile.ZipFile(io.BytesIO(head)) as zf:
        names = set(zf.namelist())
        assert "xl/media/image1.png" not in names
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        assert b"<sheetData/>" in zf.read("xl/worksheets/sheet1.xml")
    sheets = read_upload(data, "two.xlsx", sheets="*")
    assert [s.text_rows(0, 1) for s in sheets] == [[["a"]], [["b"]]]


def shared_strings_xlsx(rows: int, *, first_use_order: bool = False) -> bytes:
    """A workbook whose text cells point into a shared-strings part.

    ``first_use_order``: numbered in order of first use, as Excel writes them; otherwise the two
    class names come last, after every student's name (as some exporters write them).
    """
    strings = ["Student", "Class"] + [f"Name {i}" for i in range(rows)] + ["Class A", "Class B"]
    if first_use_order:
        strings = ["Student", "Class", "Name 0", "Class A", "Name 1", "Class B"]
        strings += [f"Name {i}" for i in range(2, rows)]
    shared = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{badfiles.NS_MAIN}" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>"
    )
    body = ['<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>']
    for i in range(rows):
        r = i + 2
        name, klass = strings.index(f"Name {i}"), strings.index(f"Class {'AB'[i % 2]}")
        body.append(
            f'<row r="{r}"><c r="A{r}" t="s"><v>{name}</v></c><c r="B{r}" t="s"><v>{klass}</v></c>'
            f'<c r="C{r}"><v>{i}</v></c></row>'
        )
    xml = (
        f'<worksheet xmlns="{badfiles.NS_MAIN}"><dimension ref="A1:C{rows + 1}"/>'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    )
    return badfiles.xlsx_bytes([("S", xml)], extra_parts={"xl/sharedStrings.xml": shared})


@pytest.mark.parametrize("first_use_order", [True, False])
def test_shared_strings_workbook(first_use_order):
    data = shared_strings_xlsx(80, first_use_order=first_use_order)
    [sheet] = read_upload(data, "ss.xlsx")
    assert text_of(sheet, 1) == ["Student", "Class", None]
    assert text_of(sheet, 2) == ["Name 0", "Class A", "0"]
    assert text_of(sheet, 81) == ["Name 79", "Class B", "79"]
    assert sheet.text_rows(0, HEAD_ROWS) == old_text_rows(data)[:HEAD_ROWS]


def test_head_copy_keeps_only_the_shared_strings_the_head_uses():
    data = shared_strings_xlsx(1000, first_use_order=True)
    head = sheetxml.head_workbook(data, ["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(io.BytesIO(head)) as zf:
        sst = SafeET.fromstring(zf.read("xl/sharedStrings.xml"))
    texts = [e.text for e in sst.iter() if e.tag.endswith("}t")]
    assert texts[-1] == f"Name {HEAD_ROWS - 2}" and len(texts) == 2 + (HEAD_ROWS - 1) + 2
    assert "uniqueCount" not in sst.attrib


def test_cut_shared_strings_keeps_the_first_strings():
    data = shared_strings_xlsx(100)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for count in (0, 1, 5, 104, 500):
            cut = SafeET.fromstring(sheetxml.cut_shared_strings(zf, "xl/sharedStrings.xml", count))
            texts = [e.text for e in cut.iter() if e.tag.endswith("}t")]
            assert texts == (["Student", "Class"] + [f"Name {i}" for i in range(100)])[:count] + (
                ["Class A", "Class B"] if count > 102 else []
            )
