"""A small teacher tracker workbook made with openpyxl, so upload tests need no sample files."""

from __future__ import annotations

import io

from openpyxl import Workbook

QUESTIONS = ["Q1", "Q2", "Q3", "Q4"]
STANDARDS = ["3.NF.1", "3.NF.1", "3.NF.2", "3.NF.2"]
POINTS = [1, 2, 1, 2]


def tracker_xlsx(students: int = 12, *, period: str = "Period 1", seed: int = 0) -> bytes:
    """A one-sheet tracker: title rows, header row 3, standards row 4, points row 5, then students.

    Student i scores (i + seed) mod (points + 1) on each question, so totals differ between
    students and the bytes differ between seeds (a different seed is a different upload).
    """
    wb = Workbook()
    ws = wb.active
    ws.title = period
    ws.append([f"Grade 3 Unit 4 CFA - {period}"])
    ws.append(["Given 2025-10-14"])
    ws.append(["Student", "ID", *QUESTIONS])
    ws.append(["Standard", None, *STANDARDS])
    ws.append(["Points possible", None, *POINTS])
    for i in range(students):
        ws.append(
            [f"Last{i:02d}, First{i:02d}", 400100 + i, *[(i + seed + j) % (p + 1) for j, p in enumerate(POINTS)]]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def tracker_skill_scores(students: int = 12) -> int:
    """Skill scores such a tracker gives: one per student and standard."""
    return students * len(set(STANDARDS))
