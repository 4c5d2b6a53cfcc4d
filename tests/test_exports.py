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
