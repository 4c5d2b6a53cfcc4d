"""Large files build their row-by-row tables in parts, side by side (``query_by_rows``); the
result must be the same as one query's, row for row."""

from __future__ import annotations

import pytest

from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise import tables
from collabplan.ingest.normalise.prepare import prepare
from tests.badfiles import openpyxl_sheets

LONG = """
[columns]
student_id = "ID"
student_name = "Name"
class = "Class"
[scores]
layout = "long"
skill = "Standard"
score = "Points"
max = "Out of"
kind = "points"
"""

ITEMS = """
[source]
sheet = "*"
skill_row = 2
[columns]
student_id = "ID"
student_name = "Name"
class = "$sheet"
[scores]
layout = "wide"
pattern = "^Q\\\\d+$"
kind = "points"
max = 2
"""


def _long_csv() -> bytes:
    lines = ["ID,Name,Class,Standard,Points,Out of"]
    for i in range(120):
        for s in range(3):
            points = "absent" if (i + s) % 17 == 0 else str((i * 7 + s) % 5)
            lines.append(f"{1000 + i},\"Last{i % 13}, First{i % 7}\",C{i % 4},STD.{s + 1},{points},4")
        if i % 40 == 39:
            lines.append("Class average,,,STD.1,2.5,4")  # a summary row: skipped
    return ("\n".join(lines) + "\n").encode()


def _items_workbook() -> bytes:
    def rows(name: str) -> list[list]:
        return [
            ["ID", "Name", "Q1", "Q2", "Q3", "Q4"],
            ["", "", "RL.1", "RL.1", "RL.2", "RL.2"],
            *(
                [f"{name}-{i}", f"Kid {i}", i % 3, (i + 1) % 3, None if i % 11 == 0 else i % 2, "x" if i == 5 else 1]
                for i in range(150)
            ),
        ]

    return openpyxl_sheets({name: rows(name) for name in ("3A", "3B")})


def _everything(p) -> tuple:
    return (
        p.scores.to_pylist(),
        p.students.to_pylist(),
        # (grouped scores come in no set order; the writer sorts them by sitting)
        sorted(p.rows_to_save().to_pylist(), key=lambda r: (r["sitting_no"], r["measure_no"])),
        p.sittings().to_pylist(),
        p.report.warnings,
        p.report.scores,
        p.report.rows_skipped,
    )


@pytest.mark.parametrize(
    ("data", "name", "text"),
    [(_long_csv(), "long.csv", LONG), (_items_workbook(), "items.xlsx", ITEMS)],
    ids=["long csv", "items rolled up, two sheets"],
)
def test_parts_side_by_side_give_what_one_query_gives(monkeypatch, data, name, text):
    m = Mapping.from_toml(text, name="t")
    whole = _everything(prepare(data, name, m))
    monkeypatch.setattr(tables, "SPLIT_ROWS", 10)
    split = prepare(data, name, m)
    assert split.scores.num_rows > 300
    assert _everything(split) == whole
