"""Classroom trackers and LMS exports: a teacher's CFA tracker (xlsx), Canvas Outcome
Results (long csv) and a MasteryConnect tracker.

Every generator is deterministic from its seed and returns a
:class:`~collabplan.samples.truth.Generated` with its truth.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from collabplan.samples.files import csv_bytes, us_date, xlsx_bytes
from collabplan.samples.students import (
    NORMAL,
    SPRING_2026,
    SkillSpec,
    Student,
    Window,
    level_index,
    standing,
)
from collabplan.samples.truth import Generated, Truth

#: When the sample CFA and the Canvas task were given (the generators' default windows).
CFA_WINDOW = Window(0, "Fall 2025-2026", date(2025, 10, 14))
CANVAS_WINDOW = Window(0, "Fall 2025-2026", date(2025, 11, 3))


# -- a teacher's CFA tracker (xlsx) ---------------------------------------------------------
@dataclass
class Question:
    """One question of a tracker: its label, standard and points possible."""

    label: str
    standard: str
    points: int = 1
    ease: float = 0.0  # + easier


def cfa_questions(standards: Sequence[SkillSpec], per_standard: int = 2, seed: int = 1) -> list[Question]:
    """Questions Q1..Qn, ``per_standard`` per standard, worth 1 or 2 points."""
    rng = random.Random(f"questions:{seed}")
    out = []
    for skill in standards:
        for _ in range(per_standard):
            out.append(Question(f"Q{len(out) + 1}", skill.name, rng.choice((1, 2, 2)), rng.uniform(-0.4, 0.6)))
    return out


def _points_earned(z: float, q: Question, rng: random.Random) -> int:
    p = 1.0 / (1.0 + math.exp(-(1.7 * z + 1.1 + q.ease)))
    return sum(1 for _ in range(q.points) if rng.random() < p)


def cfa_tracker(
    students: Sequence[Student],
    standards: Sequence[SkillSpec],
    *,
    title: str = "Grade 3 Math - Unit 4 Fractions CFA",
    assessment: str = "Grade 3 Unit 4 CFA",
    window: Window = CFA_WINDOW,
    questions: Sequence[Question] | None = None,
    seed: int = 1,
    absent_rate: float = 0.05,
    blank_rate: float = 0.04,
    file_name: str = "cfa_tracker.xlsx",
) -> Generated:
    """A teacher-made CFA tracker: one sheet per class, the layout of the shared sample.

    Rows 1-2 merged titles, row 4 headers (Student, ID, Q1..Qn, Total, %), row 5 the standard
    of each question, row 6 points possible, then "Last, First" names with numeric ids, some
    "Absent" rows, a blank spacer row after the ninth student, SUM/ratio formulas, a blank row
    and a "Class average" footer. A blank question in a scored row counts 0 points.
    """
    rng = random.Random(f"cfa:{seed}")
    specs = {s.name: s for s in standards}
    qs = list(questions) if questions is not None else cfa_questions(standards, seed=seed)
    truth = Truth(
        "skill = standard code (row 5); a student's score on a standard = points on its questions / "
        "points possible; proficient = at least 80%; a blank question in a scored row = 0 points; "
        "Absent rows and the footer are not students"
    )
    by_class: dict[str, list[Student]] = {}
    for st in students:
        by_class.setdefault(st.class_name, []).append(st)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    n_q = len(qs)
    total_col = 3 + n_q
    last_col = total_col + 1
    tl, ql = get_column_letter(total_col), get_column_letter(total_col - 1)
    bold = Font(bold=True)
    shade = PatternFill("solid", fgColor="DDEBF7")
    for class_name in sorted(by_class):
        ws = wb.create_sheet(class_name[:31])
        teacher = by_class[class_name][0].teacher
        ws.cell(1, 1, title).font = Font(bold=True, size=14)
        ws.cell(2, 1, f"Teacher: {teacher}    {class_name}    Given {us_date(window.date)}")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_col)
        for c, text in enumerate(["Student", "ID", *[q.label for q in qs], "Total", "%"], start=1):
            cell = ws.cell(4, c, text)
            cell.font = bold
            cell.fill = shade
            cell.alignment = Alignment(horizontal="center")
        ws.cell(5, 1, "Standard").font = bold
        ws.cell(6, 1, "Points possible").font = bold
        for i, q in enumerate(qs):
            ws.cell(5, 3 + i, q.standard)
            ws.cell(6, 3 + i, q.points)
        ws.cell(6, total_col, sum(q.points for q in qs))
        r = 7
        first = r
        for k, st in enumerate(by_class[class_name]):
            if k == 9:
                r += 1  # the blank spacer row teachers leave
            truth.students.add(st.student_id)
            ws.cell(r, 1, st.last_first)
            ws.cell(r, 2, int(st.student_id) if st.student_id.isdigit() else st.student_id)
            if rng.random() < absent_rate:
                ws.cell(r, 3, "Absent")
                r += 1
                continue
            truth.rows += 1
            earned: dict[str, int] = {}
            possible: dict[str, int] = {}
            zs = {name: standing(st, spec, window, rng) for name, spec in specs.items()}
            for i, q in enumerate(qs):
                pts = _points_earned(zs[q.standard], q, rng)
                possible[q.standard] = possible.get(q.standard, 0) + q.points
                if rng.random() < blank_rate:
                    pts = 0  # left blank: counts 0 in a scored row
                else:
                    ws.cell(r, 3 + i, pts)
                earned[q.standard] = earned.get(q.standard, 0) + pts
            ws.cell(r, total_col, f"=SUM(C{r}:{ql}{r})")
            ws.cell(r, last_col, f"={tl}{r}/{tl}$6")
            for std in possible:
                truth.score(assessment, None, window.date, std, st.student_id, earned[std] >= 0.8 * possible[std])
            r += 1
        r += 1
        ws.cell(r, 1, "Class average").font = bold
        ws.cell(r, total_col, f"=AVERAGE({tl}{first}:{tl}{r - 2})")
        ws.column_dimensions["A"].width = 24
    result = truth.result()
    mapping = (
        "# A teacher-made CFA tracker: one sheet per class, questions mapped to standards in row 5.\n"
        '[source]\nsheet = "*"\nheader_row = 4\nskill_row = 5\nmax_row = 6\n'
        f'[assessment]\nname = "{assessment}"\ndate = "{window.date.isoformat()}"\n'
        '[columns]\nstudent_name = "Student"\nstudent_id = "ID"\nclass = "$sheet"\n'
        '[scores]\nlayout = "wide"\npattern = "^Q\\\\d+$"\nkind = "points"\nproficient = 0.8\n'
    )
    return Generated(file_name, xlsx_bytes(wb), result, mapping, students=list(students))



# -- Canvas Outcome Results (long) --------------------------------------------------------
CANVAS_HEADER = (
    "student name", "student id", "student sis id", "assignment title", "assignment id",
    "submission date", "submission score", "learning outcome name", "learning outcome id", "attempt",
    "outcome score", "course name", "course id", "course sis id", "section name", "section id",
    "section sis id", "assignment url", "learning outcome friendly name",
    "learning outcome points possible", "learning outcome mastery score", "learning outcome mastered",
    "learning outcome rating", "learning outcome rating points", "account id", "account name",
    "enrollment state",
)
CANVAS_RATINGS = ("No Evidence", "Below Mastery", "Near Mastery", "Meets Mastery", "Exceeds Mastery")
_CANVAS_CUTS = (-1.1, -0.45, 0.15, 1.05)


def canvas_outcome_results(
    students: Sequence[Student],
    outcomes: Sequence[SkillSpec],
    *,
    assignment: str = "Unit 2 Performance Task",
    window: Window = CANVAS_WINDOW,
    course: str = "ELA 7",
    seed: int = 1,
    missing_rate: float = 0.0,
    file_name: str = "canvas_outcome_results.csv",
) -> Generated:
    """Canvas "Outcome Results": one row per student x outcome, 0-4 points, mastery at 3.

    Outcome names are "<code> <friendly name>" (e.g. "RI.7.6 Author's point of view"); rows come
    in random order; sections are the students' classes.
    """
    rng = random.Random(f"canvas:{seed}")
    truth = Truth("skill = learning outcome name; proficient = outcome score >= mastery score (3 of 4)")
    sections = {name: i for i, name in enumerate(sorted({s.class_name for s in students}))}
    assignment_id = 5500 + rng.randint(1, 99)
    rows = []
    for st in students:
        for k, outcome in enumerate(outcomes):
            if rng.random() < missing_rate:
                continue
            score = level_index(standing(st, outcome, window, rng), _CANVAS_CUTS)
            truth.students.add(st.student_id)
            truth.rows += 1
            truth.score(assignment, None, window.date, outcome.name, st.student_id, score >= 3)
            friendly = outcome.name.split(" ", 1)[1] if " " in outcome.name else outcome.name
            section = sections[st.class_name]
            rows.append(
                [
                    st.last_first, str(90000 + int(st.student_id) % 10000) if st.student_id.isdigit() else st.student_id,
                    st.student_id, assignment, assignment_id, f"{window.date.isoformat()}T15:04:11Z", None,
                    outcome.name, 1101 + k, 1, score, course, 881, f"{course.replace(' ', '')}-2526",
                    st.class_name, 4410 + section, None,
                    f"https://canvas.example.edu/courses/881/assignments/{assignment_id}", friendly, 4, 3,
                    int(score >= 3), CANVAS_RATINGS[score], score, 1, "Riverside Unified", "active",
                ]
            )
    rng.shuffle(rows)
    result = truth.result()
    mapping = (
        '[assessment]\nname_column = "assignment title"\n'
        '[columns]\nstudent_id = "student sis id"\nstudent_name = "student name"\n'
        'class = "section name"\ndate = "submission date"\n'
        '[scores]\nlayout = "long"\nskill = "learning outcome name"\nscore = "outcome score"\n'
        'max = "learning outcome points possible"\nproficient_score = "learning outcome mastery score"\n'
        'kind = "points"\n'
    )
    return Generated(file_name, csv_bytes(CANVAS_HEADER, rows), result, mapping, students=list(students))



# -- MasteryConnect -----------------------------------------------------------------------
MASTERY_LEVELS = ("Remediation", "Near Mastery", "Mastery")
_MASTERY_CUTS = (-0.55, 0.2)


def masteryconnect_tracker(
    students: Sequence[Student],
    standards: Sequence[SkillSpec],
    window: Window = SPRING_2026,
    *,
    assessment: str = "MasteryConnect tracker",
    scores: str = "level",
    seed: int = 1,
    unassessed_rate: float = 0.02,
    file_name: str = "MasteryConnect_Tracker.csv",
) -> Generated:
    """A MasteryConnect tracker export: a row per student, a column per standard.

    ``scores="level"`` writes Mastery / Near Mastery / Remediation (proficient = Mastery);
    ``scores="percent"`` writes "85%" style scores (proficient = at least 80%). Per-student
    counts of standards in each mastery level sit before the standards; a few cells are blank
    (standard not yet assessed for that student).
    """
    if scores not in ("level", "percent"):
        raise ValueError('scores must be "level" or "percent"')
    rng = random.Random(f"mastery:{seed}")
    truth = Truth(
        "skill = standard column; proficient = Mastery (level) or at least 80% (percent); blank = not assessed"
    )
    header = ["Student ID", "Last Name", "First Name", "Section", "Mastery", "Near Mastery", "Remediation",
              *[s.name for s in standards]]
    rows = []
    for st in sorted(students, key=lambda s: (s.class_name, s.last, s.first)):
        truth.students.add(st.student_id)
        cells: list[Any] = []
        counts = [0, 0, 0]
        for spec in standards:
            if rng.random() < unassessed_rate:
                cells.append(None)
                continue
            z = standing(st, spec, window, rng)
            if scores == "level":
                lvl = level_index(z, _MASTERY_CUTS)
                counts[lvl] += 1
                cells.append(MASTERY_LEVELS[lvl])
                ok = lvl == 2
            else:
                value = max(0, min(100, int(round(100 * NORMAL.cdf(0.9 * z + 0.55)))))
                counts[level_index(value, (60, 80))] += 1
                cells.append(f"{value}%")
                ok = value >= 80
            truth.score(assessment, None, window.date, spec.name, st.student_id, ok)
        if any(c is not None for c in cells):
            truth.rows += 1
        rows.append([st.student_id, st.last, st.first, st.class_name, counts[2], counts[1], counts[0], *cells])
    mapping = (
        f'[assessment]\nname = "{assessment}"\ndate = "{window.date.isoformat()}"\n'
        '[columns]\nstudent_id = "Student ID"\nlast_name = "Last Name"\nfirst_name = "First Name"\n'
        'class = "Section"\n[scores]\nlayout = "wide"\n'
        f'columns = [{", ".join(chr(34) + s.name + chr(34) for s in standards)}]\n'
        + (
            'kind = "level"\nlevels = ["Remediation", "Near Mastery", "Mastery"]\nproficient = "Mastery"\n'
            if scores == "level"
            else 'kind = "percent"\nproficient = 0.8\n'
        )
    )
    return Generated(file_name, csv_bytes(header, rows), truth.result(), mapping, students=list(students))
