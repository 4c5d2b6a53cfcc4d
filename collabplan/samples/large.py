"""Large files for the import benchmarks: a wide workbook and a long csv of any size."""

from __future__ import annotations

import io
import random

import openpyxl

from collabplan.samples.students import (
    FIRST_NAMES,
    LAST_NAMES,
    NORMAL,
    level_index,
)
from collabplan.samples.truth import Generated, Truth


# -- large files for benchmarks -----------------------------------------------------------
def large_wide_workbook(n_students: int, n_skills: int, *, seed: int = 1, file_name: str = "large_wide.xlsx") -> Generated:
    """A big wide workbook (one sheet, a row per student, a percent column per skill), written
    with openpyxl's write-only mode so a 100k-row file is produced in seconds."""
    rng = random.Random(f"large-wide:{seed}")
    skills = [f"S{k + 1:03d}" for k in range(n_skills)]
    truth = Truth("skill = column; proficient = percent >= 80")
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Scores")
    ws.append(["Student ID", "Student", "Grade", "Class", "Teacher", *skills])
    offsets = [rng.uniform(-0.6, 0.6) for _ in skills]
    name = "Large Benchmark"
    for i in range(n_students):
        sid = str(1_000_000 + i)
        ability = rng.gauss(0, 1)
        values = []
        for k in range(n_skills):
            v = int(max(0, min(100, round(100 * NORMAL.cdf(ability + offsets[k] + rng.gauss(0, 0.5) + 0.4)))))
            values.append(v)
            truth.score(name, None, None, skills[k], sid, v >= 80)
        truth.students.add(sid)
        truth.rows += 1
        ws.append([int(sid), f"{LAST_NAMES[i % len(LAST_NAMES)]}, {FIRST_NAMES[(i * 7) % len(FIRST_NAMES)]}",
                   5, f"Class {i % 40 + 1}", f"Teacher {i % 40 + 1}", *values])
    buf = io.BytesIO()
    wb.save(buf)
    mapping = (
        f'[assessment]\nname = "{name}"\ndate = "2026-01-20"\n'
        '[columns]\nstudent_id = "Student ID"\nstudent_name = "Student"\ngrade = "Grade"\n'
        'class = "Class"\nteacher = "Teacher"\n'
        '[scores]\nlayout = "wide"\npattern = "^S\\\\d+$"\nkind = "percent"\nproficient = 0.8\n'
    )
    return Generated(file_name, buf.getvalue(), truth.result(), mapping)


def large_long_csv(n_students: int, n_skills: int, *, seed: int = 1, file_name: str = "large_long.csv") -> Generated:
    """A big long csv: one row per student x skill with points out of 4 (proficient at 3)."""
    rng = random.Random(f"large-long:{seed}")
    truth = Truth("skill = Standard; proficient = Points / 4 >= 0.75")
    name = "Large Long Benchmark"
    buf = io.StringIO()
    buf.write("Student ID,Student Name,Standard,Points,Points Possible\r\n")
    offsets = [rng.uniform(-0.6, 0.6) for _ in range(n_skills)]
    for i in range(n_students):
        sid = str(2_000_000 + i)
        ability = rng.gauss(0, 1)
        truth.students.add(sid)
        student = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i * 3) % len(LAST_NAMES)]}"
        for k in range(n_skills):
            pts = level_index(ability + offsets[k] + rng.gauss(0, 0.6), (-1.0, -0.3, 0.3, 1.0))
            truth.score(name, None, None, f"STD.{k + 1}", sid, pts >= 3)
            truth.rows += 1
            buf.write(f"{sid},{student},STD.{k + 1},{pts},4\r\n")
    mapping = (
        f'[assessment]\nname = "{name}"\ndate = "2026-01-20"\n'
        '[columns]\nstudent_id = "Student ID"\nstudent_name = "Student Name"\n'
        '[scores]\nlayout = "long"\nskill = "Standard"\nscore = "Points"\nmax = "Points Possible"\n'
        'kind = "points"\nproficient = 0.75\n'
    )
    return Generated(file_name, buf.getvalue().encode("utf-8"), truth.result(), mapping)
