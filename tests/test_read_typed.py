"""Workbooks read typed: the cells below the head keep Excel's types, the head stays text."""

from __future__ import annotations

import datetime
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import defusedxml.ElementTree as SafeET
import fastexcel
import pyarrow as pa
import pytest

from collabplan.ingest import read, safety
from collabplan.ingest.read import HEAD_ROWS, RawSheet, cell_text, read_upload
from tests import badfiles
from tests.badfiles import openpyxl_bytes

ROOT = Path(__file__).resolve().parent.parent


def text_of(sheet: RawSheet, sheet_row: int) -> list[str | None]:
    i = sheet_row - sheet.first_row
    return sheet.text_rows(i, i + 1)[0]


def old_text_rows(data: bytes, sheet: str | int = 0) -> list[list[str | None]]:
    """The whole sheet as the reader gave it before typed reading: fastexcel text, tidied."""
    batch = fastexcel.read_excel(data).load_sheet(
        sheet, header_row=None, dtypes="string", eager=True
    )
    columns = [read._tidy_xlsx_column(pa.chunked_array([c])).to_pylist() for c in batch.columns]
    return [list(r) for r in zip(*columns, strict=True)]


TYPED_ROW = [
    300500,
    "00452",
    0.85,
    datetime.date(2025, 10, 14),
    datetime.datetime(2025, 10, 14, 9, 5),
    True,
    datetime.time(9, 5),
    datetime.timedelta(hours=30, minutes=1),
    1 / 3,
    -3,
]
TYPED_TEXT = [
    "300500",
    "00452",
    "0.85",
    "2025-10-14",
    "2025-10-14T09:05:00",
    "TRUE",
    "09:05:00",
    "30:01:00",
    "0.3333333333333333",
    "-3",
]


def typed_workbook(rows_before: int = 40) -> bytes:
    def fill(ws):
        ws.append(["id", "code", "score", "date", "when", "flag", "time", "took", "third", "neg"])
        for i in range(rows_before):
            ws.append([1000 + i, f"{i:05d}", 0.5, datetime.date(2025, 1, 1), None, False])
        ws.append(TYPED_ROW)

    return openpyxl_bytes(fill)


# ------------------------------------------------------------------------------- cell_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("", None),
        ("00452", "00452"),
        (True, "TRUE"),
        (False, "FALSE"),
        (7, "7"),
        (300500.0, "300500"),
        (-3.0, "-3"),
        (85.5, "85.5"),
        (1 / 3, "0.3333333333333333"),
        (1e15, "1000000000000000.0"),
        (12345678901234567.0, "1.2345678901234568e+16"),
        (datetime.datetime(2025, 10, 14), "2025-10-14"),
        (datetime.datetime(2025, 10, 14, 9, 5, 7, 250), "2025-10-14T09:05:07"),
        (datetime.datetime(1899, 12, 31, 9, 5), "09:05:00"),
        (datetime.datetime(1899, 12, 30, 23, 59, 59), "23:59:59"),
        (datetime.date(2025, 10, 14), "2025-10-14"),
        (datetime.timedelta(minutes=5), "00:05:00"),
        (datetime.timedelta(hours=30, minutes=1, seconds=2), "30:01:02"),
    ],
)
def test_cell_text_follows_the_contract(value, text):
    assert cell_text(value) == text


# ------------------------------------------------------------------------- typed workbooks


def test_typed_cells_below_the_head_keep_their_types():
    [sheet] = read_upload(typed_workbook(), "t.xlsx")
    types = dict(zip(sheet.table.column_names, sheet.table.schema.types, strict=True))
    assert types["c0"] == pa.float64()
    assert types["c1"] == pa.string()
    assert types["c2"] == pa.float64()
    assert pa.types.is_timestamp(types["c3"]) and pa.types.is_timestamp(types["c4"])
    assert types["c5"] == pa.bool_()
    assert pa.types.is_timestamp(types["c6"])
    assert pa.types.is_duration(types["c7"])
    assert sheet.table.num_rows == 42 and sheet.last_row == 42
    assert text_of(sheet, 42) == TYPED_TEXT
    assert sheet.table.column("c0")[41].as_py() == 300500.0


def test_table_columns_are_only_the_contracts_types():
    [sheet] = read_upload(typed_workbook(), "t.xlsx")
    allowed = (
        pa.types.is_string,
        pa.types.is_float64,
        pa.types.is_int64,
        pa.types.is_boolean,
        pa.types.is_timestamp,
        pa.types.is_date32,
        pa.types.is_duration,
        pa.types.is_null,
    )
    assert all(any(ok(t) for ok in allowed) for t in sheet.table.schema.types)
    assert all(t == pa.string() for t in sheet.head.schema.types)
    assert sheet.head.column_names == sheet.table.column_names


def test_head_text_equals_the_old_text_read_for_the_top_rows():
    data = typed_workbook(rows_before=50)
    [sheet] = read_upload(data, "t.xlsx")
    assert sheet.head.num_rows == HEAD_ROWS
    assert sheet.text_rows(0, HEAD_ROWS) == old_text_rows(data)[:HEAD_ROWS]
    assert text_of(sheet, 2)[:4] == ["1000", "00000", "0.5", "2025-01-01"]


def test_head_text_equals_the_old_text_read_for_the_tracker(samples):
    data = (samples / "cfa_grade3_unit4_tracker.xlsx").read_bytes()
    for sheet in read_upload(data, "t.xlsx", sheets="*"):
        old = old_text_rows(data, sheet.name)
        assert sheet.text_rows(0, HEAD_ROWS) == old[:HEAD_ROWS]
        assert sheet.table.num_rows == len(old)


def test_ids_stored_as_text_keep_their_leading_zeros():
    def fill(ws):
        ws.append(["Student ID", "Score"])
        for i in range(60):
            ws.append([f"{i:06d}", i])

    [sheet] = read_upload(openpyxl_bytes(fill), "ids.xlsx")
    assert sheet.table.schema.field("c0").type == pa.string()
    assert text_of(sheet, 2)[0] == "000000"
    assert text_of(sheet, 61) == ["000059", "59"]


def test_text_deep_down_a_number_column_is_kept():
    """Sampling only the first rows would type the column as numbers and drop "85%"."""

    def fill(ws):
        ws.append(["Student", "Score"])
        for i in range(2, 2001):
            ws.append([f"S{i}", "85%" if i == 1500 else i % 100])

    [sheet] = read_upload(openpyxl_bytes(fill), "deep.xlsx")
    assert sheet.table.schema.field("c1").type == pa.string()
    assert text_of(sheet, 1500) == ["S1500", "85%"]
    assert text_of(sheet, 1499) == ["S1499", "99"]
    assert text_of(sheet, 2000) == ["S2000", "0"]


def _typed_by_every_row(data: bytes) -> pa.Schema:
    sheet = fastexcel.read_excel(data).load_sheet(
        0, header_row=None, skip_rows=1, schema_sample_rows=None
    )
    return sheet.to_arrow().schema


@pytest.mark.parametrize("first", [500, 999, 1000, 1800])
def test_a_column_empty_in_its_first_rows_is_typed_by_its_later_values(first):
    """fastexcel alone types a column by its first 1,000 rows; every row decides here."""

    def fill(ws):
        ws.append(["Student", "Score", "Note", "When", "Flag"])
        for i in range(2000):
            late = i >= first
            ws.append(
                [
                    f"S{i}",
                    i % 100 if late else None,
                    "ok" if late else None,
                    datetime.datetime(2025, 1, 1 + i % 28) if late else None,
                    # a number below TRUE/FALSE cells: sampled typing would make it TRUE
                    (True if i < 1500 else 7) if late else None,
                ]
            )

    data = openpyxl_bytes(fill)
    [sheet] = read_upload(data, "late.xlsx")
    expected = [f.type for f in _typed_by_every_row(data)]
    assert [sheet.table.schema.field(f"c{j}").type for j in range(5)] == expected
    assert sheet.table.schema.field("c1").type == pa.float64()
    assert text_of(sheet, first + 2)[:4] == [
        f"S{first}",
        str(first % 100),
        "ok",
        f"2025-01-{1 + first % 28:02d}",
    ]
    assert text_of(sheet, 1902)[4] == "7"


def test_data_starting_at_b3_below_title_rows():
    rows = {3: ["Grade 3 report"], 5: ["Student", "ID", "Score"]}
    rows |= {r: [f"Name {r}", f"{r:05d}", r % 7] for r in range(6, 80)}
    data = badfiles.simple_xlsx(rows, first_col=1)
    [sheet] = read_upload(data, "b3.xlsx")
    assert sheet.first_row == 3 and sheet.last_row == 79
    assert sheet.table.column_names[:4] == ["c0", "c1", "c2", "c3"]
    assert sheet.table.column("c0").null_count == sheet.table.num_rows
    assert text_of(sheet, 3)[1] == "Grade 3 report"
    assert text_of(sheet, 4) == [None, None, None, None]
    assert text_of(sheet, 5) == [None, "Student", "ID", "Score"]
    assert text_of(sheet, 70) == [None, "Name 70", "00070", "0"]
    # the header row is part of the typed read, so its columns are text
    assert sheet.table.schema.field("c3").type == pa.string()
    old = [[None, *row] for row in old_text_rows(data)]  # the old read started at column B
    assert sheet.text_rows(0, HEAD_ROWS) == old[:HEAD_ROWS]


def test_one_row_sheet():
    [sheet] = read_upload(badfiles.simple_xlsx([["Student", "ID", 7]]), "one.xlsx")
    assert sheet.table.num_rows == 1 and sheet.first_row == 1
    assert sheet.text_rows() == [["Student", "ID", "7"]]


def test_value_far_down_in_column_a_widens_head_and_table_alike():
    rows = {2: [None, "Student", "Score"]}
    rows |= {r: [None, f"S{r}", r] for r in range(3, 60)}
    rows[70] = ["footer"]
    [sheet] = read_upload(badfiles.simple_xlsx(rows, dimension=None), "a.xlsx")
    assert sheet.first_row == 2
    assert sheet.head.column_names == sheet.table.column_names == ["c0", "c1", "c2"]
    assert text_of(sheet, 2) == [None, "Student", "Score"]
    assert text_of(sheet, 59) == [None, "S59", "59"]
    assert text_of(sheet, 70) == ["footer", None, None]


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
        cut = safety.cut_sheet(zf, "xl/worksheets/sheet1.xml")
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
        cut = safety.cut_sheet(zf, "xl/worksheets/sheet1.xml")
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
    head = safety.head_workbook(data, ["xl/worksheets/sheet2.xml"])
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
    head = safety.head_workbook(data, ["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(io.BytesIO(head)) as zf:
        sst = SafeET.fromstring(zf.read("xl/sharedStrings.xml"))
    texts = [e.text for e in sst.iter() if e.tag.endswith("}t")]
    assert texts[-1] == f"Name {HEAD_ROWS - 2}" and len(texts) == 2 + (HEAD_ROWS - 1) + 2
    assert "uniqueCount" not in sst.attrib


def test_cut_shared_strings_keeps_the_first_strings():
    data = shared_strings_xlsx(100)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for count in (0, 1, 5, 104, 500):
            cut = SafeET.fromstring(safety.cut_shared_strings(zf, "xl/sharedStrings.xml", count))
            texts = [e.text for e in cut.iter() if e.tag.endswith("}t")]
            assert texts == (["Student", "Class"] + [f"Name {i}" for i in range(100)])[:count] + (
                ["Class A", "Class B"] if count > 102 else []
            )


def test_tables_come_back_through_the_pipe_without_shared_memory(monkeypatch):
    monkeypatch.setattr(safety, "_shared_memory_fd", lambda: None)
    [sheet] = read_upload(typed_workbook(), "t.xlsx")
    assert text_of(sheet, 42) == TYPED_TEXT


# ------------------------------------------------------------- the command line's fork path

_FORK_SCRIPT = """
import json, sys
from collabplan.ingest import read, safety
from collabplan.errors import UserError
from tests import badfiles
name = sys.argv[1]
out = {"single_threaded": safety.can_fork_now()}
data = getattr(badfiles, name)()
read.read_in_background(data, name + ".xlsx", sheets="*")
job = read._pending[-1].job
out["forked"] = job is not None
try:
    [sheet] = read.read_upload(data, name + ".xlsx", sheets="*")
    out["read"] = sheet.text_rows()
except UserError as exc:
    out["read"] = str(exc)
import time
deadline = time.monotonic() + 5  # a child that answered is reaped as it exits, not waited for
while job.exitcode is None and time.monotonic() < deadline:
    time.sleep(0.01)
out["job_closed"] = job.receiver.closed and job.exitcode is not None
import multiprocessing
out["children"] = [p.pid for p in multiprocessing.active_children()]
print(json.dumps(out))
"""

_FORGET_SCRIPT = """
import json
from collabplan.ingest import read
from tests import badfiles
read.read_in_background(badfiles.good_xlsx(), "late.xlsx")
job = read._pending[-1].job
read.forget_background_reads()
print(json.dumps({"forked": job is not None, "closed": job.receiver.closed, "code": job.exitcode}))
"""


def run_fresh(script: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        ("good_xlsx", None),
        ("zip_bomb_xlsx", "would unpack to 512 MB"),
        ("entity_bomb_xlsx", "DTD or entities"),
        ("far_away_cell_hidden_xlsx", "reader stopped: signal"),
        ("corrupt_cells_xlsx", "could not be read (sheet 'Results')"),
        ("empty_sheets_xlsx", "every sheet is empty"),
    ],
)
def test_background_read_in_a_fresh_process_forks_and_keeps_every_check(make, expected):
    out = run_fresh(_FORK_SCRIPT, make)
    assert out["single_threaded"] and out["forked"]
    if expected is None:
        assert out["read"][1] == ["Ana Ruiz", "300500", "3"]
    else:
        assert expected in out["read"]
    assert out["job_closed"] and out["children"] == []


def test_forgotten_background_read_stops_its_parser():
    out = run_fresh(_FORGET_SCRIPT)
    assert out["forked"] and out["closed"] and out["code"] is not None
