"""Scores of typed number columns are worked out on whole arrays (``typed_scores``); they must
equal, value for value, what the SQL gives for the same cells."""

from __future__ import annotations

import pytest

from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise import scores
from collabplan.ingest.normalise.prepare import prepare
from tests.badfiles import openpyxl_sheets


def _both(data: bytes, text: str, monkeypatch) -> tuple:
    """(prepared with the array path, prepared with the SQL path, whether arrays were used)."""
    m = Mapping.from_toml(text, name="t")
    used = []
    original = scores.typed_scores

    def spy(*args):
        result = original(*args)
        used.append(result is not None)
        return result

    monkeypatch.setattr(scores, "typed_scores", spy)
    fast = prepare(data, "f.xlsx", m)
    monkeypatch.setattr(scores, "typed_scores", lambda *args: None)
    slow = prepare(data, "f.xlsx", m)
    return fast, slow, any(used)


def _values(prepared) -> list[dict]:
    rows = prepared.rows_to_save().to_pylist()
    return sorted(rows, key=lambda r: (r["sitting_no"], r["measure_no"]))


def _same(fast, slow) -> None:
    assert _values(fast) == _values(slow)
    assert fast.scores.to_pylist() == slow.scores.to_pylist()
    assert fast.report.warnings == slow.report.warnings
    assert (fast.report.scores, fast.report.out_of_range) == (slow.report.scores, slow.report.out_of_range)
    assert fast.students.to_pylist() == slow.students.to_pylist()


PERCENT = """
[source]
sheet = "*"
[columns]
student_id = "ID"
student_name = "Name"
class = "$sheet"
[scores]
layout = "wide"
pattern = "^(Read|Write|Frac)"
kind = "percent"
"""


def test_percent_columns_with_blanks_fractions_out_of_range_and_summary_rows(monkeypatch):
    header = ["ID", "Name", "Read", "Write", "Frac"]
    data = openpyxl_sheets({
        "3A": [
            header,
            [101, "Lee, Ana", 85, 70.5, 0.9],
            [102, "Diaz, Bo", None, 120, 0.25],  # blank, out of range
            [103, "Kim, Cy", -5, 7, 0.0],  # negative, a score that is 7/100
            ["Class average", None, 40, 65, 0.5],  # a summary row: skipped
            [104, "Ng, Di", 100, 0.5, 1],  # 0.5 in a 0-100 column is half a percent
        ],
        "3B": [header, [201, "Roe, Ed", 79.99, 80, 0.8], [202, "Fox, Flo", 80, None, None]],
    })
    fast, slow, used = _both(data, PERCENT, monkeypatch)
    assert used
    _same(fast, slow)
    by_skill = {(r["student_key"], r["skill"]): r for r in fast.scores.to_pylist()}
    assert by_skill[("id:101", "Frac")]["fraction"] == 0.9  # a column of fractions stays as is
    assert by_skill[("id:104", "Write")]["fraction"] == 0.005
    assert by_skill[("id:201", "Read")]["proficient"] is False  # 79.99% is below the 80% cut
    assert ("id:102", "Write") not in by_skill and fast.report.out_of_range == 2


def test_points_with_a_max_table_including_zero_points_possible(monkeypatch):
    text = """
[columns]
student_id = "ID"
[scores]
layout = "wide"
columns = ["Q1", "Q2", "Q3"]
kind = "points"
proficient = 0.75
[scores.max]
Q1 = 4
Q2 = 2
Q3 = 0
"""
    data = openpyxl_sheets({"S": [["ID", "Q1", "Q2", "Q3"], [1, 3, 2, 0], [2, 4.5, 1.5, 0], [3, 0, None, None]]})
    fast, slow, used = _both(data, text, monkeypatch)
    assert used
    _same(fast, slow)
    q3 = [r for r in fast.scores.to_pylist() if r["skill"] == "Q3"]
    assert q3 and all(r["fraction"] is None and r["proficient"] is None for r in q3)


@pytest.mark.parametrize("mark", ["0", "-"])
def test_text_cells_or_numeric_missing_marks_take_the_sql_path(monkeypatch, mark):
    text = PERCENT + f'missing = ["{mark}"]\n'
    data = openpyxl_sheets({"3A": [["ID", "Name", "Read"], [1, "A B", 85], [2, "C D", "absent"], [3, "E F", 0]]})
    fast, slow, used = _both(data, text.replace("|Write|Frac", ""), monkeypatch)
    assert not used  # a text cell in the column (or a mark that reads as a number)
    _same(fast, slow)
