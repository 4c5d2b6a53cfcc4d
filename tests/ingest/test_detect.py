"""Which preset or tracker layout fits a file given without a mapping."""

from __future__ import annotations

import pyarrow as pa
import pytest

from collabplan.errors import UserError
from collabplan.ingest.detect import detect_mapping
from collabplan.ingest.normalise.prepare import prepare_sheets
from collabplan.ingest.read import RawSheet


def sheet(rows: list[list], name: str = "Sheet1", first_row: int = 1) -> RawSheet:
    width = max(len(r) for r in rows)
    cols = {
        f"c{j}": pa.array(
            [None if j >= len(r) or r[j] is None else str(r[j]) for r in rows], pa.string()
        )
        for j in range(width)
    }
    return RawSheet(name=name, table=pa.table(cols), first_row=first_row)


def skill_rows(prepared) -> dict[tuple[str, str], tuple]:
    """(student key, skill) -> (fraction rounded, proficient) of the skill rows."""
    out = {}
    for r in prepared.scores.to_pylist():
        if r["item"] is None:
            frac = None if r["fraction"] is None else round(r["fraction"], 4)
            out[(r["student_key"], r["skill"])] = (frac, r["proficient"])
    return out


def test_a_file_without_score_columns_names_the_keys_to_give():
    with pytest.raises(UserError, match=r"\[columns\] student_id or student_name"):
        detect_mapping([sheet([["Name", "Favourite colour"], ["Ana", "blue"]])], "x.csv")


def test_tracker_detection_finds_questions_standards_and_points():
    rows = [
        ["Quiz 3   given 11/02/2025"],
        ["Name", "Q1", "Q2", "Q3", "Total"],
        ["Standard", "RL.1", "RL.1", "RL.2", None],
        ["Points", "1", "1", "2", "4"],
        ["Ana Diaz", "1", "1", "2", "4"],
        ["Ben Ode", "0", "1", "1", "2"],
    ]
    m, described = detect_mapping([sheet(rows)], "quiz.xlsx")
    assert described == "Teacher tracker (detected)"
    p = prepare_sheets([sheet(rows)], "quiz.xlsx", m)
    assert p.report.skills == ["RL.1", "RL.2"]
    assert p.administrations.to_pylist()[0]["date"].isoformat() == "2025-11-02"
    assert skill_rows(p)[("name:ben ode", "RL.2")] == (0.5, False)
