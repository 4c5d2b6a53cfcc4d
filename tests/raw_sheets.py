"""Sheets as the reader hands them over, built from rows of text, and the skill rows a
prepared upload gives: for normaliser and detection tests that skip the file parser."""

from __future__ import annotations

import pyarrow as pa

from collabplan.ingest.read import RawSheet


def sheet(rows: list[list], name: str = "Sheet1", first_row: int = 1) -> RawSheet:
    """A text sheet whose column K holds the K-th cell of each row (None past a short row)."""
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
