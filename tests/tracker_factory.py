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


def messy_tracker_xlsx() -> bytes:
    """A tracker as teachers leave them: 12 students with, between them, two blank spacer
    rows, the header repeated, a row of scores without a student, then a "Class average" and
    a "Total" footer (6 rows that are not students, of four kinds)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Period 1"
    ws.append(["Grade 3 Unit 4 CFA - Period 1"])
    ws.append(["Given 2025-10-14"])
    ws.append(["Student", "ID", *QUESTIONS])
    ws.append(["Standard", None, *STANDARDS])
    ws.append(["Points possible", None, *POINTS])
    for i in range(12):
        ws.append([f"Last{i:02d}, First{i:02d}", 400100 + i, *[(i + j) % (p + 1) for j, p in enumerate(POINTS)]])
        if i == 3:  # rows 10 and 11
            ws.append([None] * 6)
            ws.append([None] * 6)
        if i == 5:  # row 14
            ws.append(["Student", "ID", *QUESTIONS])
        if i == 7:  # row 17
            ws.append([None, None, 1, 1, 0, 1])
    ws.append(["Class average", None, 0.5, 1, 0.5, 1])  # row 22
    ws.append(["Total", None, 6, 12, 6, 12])  # row 23
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
