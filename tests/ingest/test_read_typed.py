"""Workbooks read typed: the cells below the head keep Excel's types, the head stays text."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import fastexcel
import pyarrow as pa
import pytest

from collabplan.ingest import read
from collabplan.ingest.read import HEAD_ROWS, RawSheet, cell_text, read_upload
from tests import badfiles
from tests.badfiles import openpyxl_bytes

ROOT = Path(__file__).resolve().parents[2]


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


def test_typed_tables_come_back_through_the_pipe():
    [sheet] = read_upload(typed_workbook(), "t.xlsx")
    assert text_of(sheet, 42) == TYPED_TEXT


# ------------------------------------------------- a parse started first thing (the command line)

_CHILDREN = """
import os
def children():
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:  # none left, running or not yet waited for
        return []
    return ["some"]
"""

_EARLY_SCRIPT = _CHILDREN + """
import json, sys
from collabplan.ingest import parser
from collabplan.ingest.read import read_upload
from collabplan.errors import UserError
from tests import badfiles
name = sys.argv[1]
data = getattr(badfiles, name)()
started = []
real = parser.start
def counted(*args, **kwargs):
    started.append(args[1])
    return real(*args, **kwargs)
parser.start = counted
job = parser.start(data, name + ".xlsx", "*")
out = {}
try:
    [sheet] = read_upload(data, name + ".xlsx", sheets="*", job=job)
    out["read"] = sheet.text_rows()
except UserError as exc:
    out["read"] = str(exc)
out["started"] = len(started)
out["job_closed"] = job.process.stdout.closed and job.process.returncode is not None
out["children"] = children()
print(json.dumps(out))
"""

_CLOSE_SCRIPT = _CHILDREN + """
import json
from collabplan.ingest import parser
from tests import badfiles
job = parser.start(badfiles.good_xlsx(), "late.xlsx", None)
job.close()
print(json.dumps({"closed": job.process.stdout.closed, "code": job.process.returncode,
                  "children": children()}))
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
def test_a_parse_started_in_a_fresh_process_is_used_and_keeps_every_check(make, expected):
    out = run_fresh(_EARLY_SCRIPT, make)
    assert out["started"] == 1  # read_upload used the started parse, it did not start another
    if expected is None:
        assert out["read"][1] == ["Ana Ruiz", "300500", "3"]
    else:
        assert expected in out["read"]
    assert out["job_closed"] and out["children"] == []


def test_a_closed_parse_leaves_no_child():
    out = run_fresh(_CLOSE_SCRIPT)
    assert out["closed"] and out["code"] is not None and out["children"] == []
