from __future__ import annotations

import io

import openpyxl
import pandas as pd

from collabplan.exports import to_csv_bytes, to_xlsx_bytes


def test_xlsx_export_never_carries_formulas():
    df = pd.DataFrame({"student": ["=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "Ana"], "n": [1, 2, 3, 4]})
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"Lagging: L.3.4": df})))
    ws = wb.active
    values = [c.value for c in ws["A"]][1:]
    assert values == ["'=HYPERLINK(\"http://x\")", "'+1", "'@SUM(A1)", "Ana"]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ws.title == "Lagging  L.3.4"


def test_csv_export_neutralises_formula_cells():
    text = to_csv_bytes(pd.DataFrame({"a": ["-2+3", "ok"]})).decode("utf-8-sig")
    assert text.splitlines() == ["a", "'-2+3", "ok"]


def test_xlsx_export_removes_characters_openpyxl_refuses_from_every_cell():
    names = ["Ana\x07 Lee", "Bo\x00b", "line\x0bbreak", "c1\x85x", "ok\tstays\nhere", "half\ud800"]
    # object dtype: pandas' Arrow strings cannot hold a lone surrogate
    hostile = pd.DataFrame({"name\x07": pd.Series(names, dtype=object), "n": [1, 2, 3, 4, 5, 6]})
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"Sheet\x07 one": hostile, "Sheet one": hostile})))
    assert wb.sheetnames == ["Sheet one", "Sheet one (2)"]
    values = [c.value for c in wb.active["A"]]
    assert values == ["name", "Ana Lee", "Bob", "linebreak", "c1x", "ok\tstays\nhere", "half"]


def test_a_control_character_cannot_smuggle_a_formula_past_the_neutralising():
    df = pd.DataFrame({"note": ["\x07=cmd|' /C calc'!A0", "\x00+1", "\x1b@SUM(A1)", "\x0b-2"]})
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"s": df})))
    ws = wb.active
    assert [c.value for c in ws["A"]][1:] == ["'=cmd|' /C calc'!A0", "'+1", "'@SUM(A1)", "'-2"]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    text = to_csv_bytes(df).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["'=cmd|' /C calc'!A0", "'+1", "'@SUM(A1)", "'-2"]


def test_csv_export_drops_control_characters_and_lone_surrogates():
    df = pd.DataFrame({"a\x00": pd.Series(["Ana\x07", "half\udc80", None], dtype=object), "n": [1, 2, 3]})
    text = to_csv_bytes(df).decode("utf-8-sig")
    assert text.splitlines() == ["a,n", "Ana,1", "half,2", ",3"]
