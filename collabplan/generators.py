"""Synthetic exports laid out like the real files teams download, with the truth to check them.

Every generator is deterministic from its seed and returns a :class:`Generated`: the file's
bytes (csv or xlsx), its file name, and its *truth*: for each administration and skill the
students with a score, the proficient students and pct_proficient, computed here from the
generating data (never by the importer), in the shape of ``shared/samples/*.truth.json``.

Students are synthetic (names drawn from short lists of common first and last names, made-up
ids); nothing here resembles a real person's record beyond an ordinary name.

How scores are made: each student has an ``ability`` (about N(0, 1)); a skill has an ``offset``
(negative = harder, so it lags), a ``growth`` per testing window and optional group gaps
(e.g. ELL -0.6). A student's standing on a skill in window i is
``ability + offset + growth * i + gaps + noise``; each vendor turns that standing into its own
scale (RIT and Low..High, i-Ready placements, Star percentile ranks, DIBELS levels, points).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import NormalDist
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

_NORMAL = NormalDist()

FIRST_NAMES = (
    "Aaliyah", "Aiden", "Amara", "Andre", "Ava", "Caleb", "Camila", "Chloe", "Daniel", "Diego",
    "Elena", "Elijah", "Emma", "Ethan", "Fatima", "Gabriel", "Grace", "Hana", "Isaac", "Isabella",
    "Jayden", "Jonah", "Kai", "Layla", "Leo", "Liam", "Lucas", "Luna", "Maya", "Mateo", "Mia",
    "Nia", "Noah", "Olivia", "Omar", "Owen", "Priya", "Rosa", "Samuel", "Sofia", "Tariq", "Uma",
    "Valeria", "Wyatt", "Ximena", "Yuna", "Zara", "Zoe",
)
LAST_NAMES = (
    "Ali", "Alvarez", "Brown", "Chen", "Davis", "Diaz", "Garcia", "Hassan", "Ibrahim", "Jones",
    "Kim", "Lopez", "Martinez", "Moore", "Nguyen", "Novak", "Okafor", "Patel", "Reyes", "Rossi",
    "Sato", "Silva", "Smith", "Tanaka", "Thompson", "Walker", "Williams", "Yilmaz",
)
ETHNICITIES = (
    "Hispanic or Latino", "White", "Black or African American", "Asian", "Two or More Races",
    "American Indian or Alaska Native",
)
#: Default group rates of a synthetic roster.
GROUP_RATES = {"ELL": 0.2, "SPED": 0.12, "FRL": 0.45}


# -- the building blocks ------------------------------------------------------------------
@dataclass
class Student:
    """One synthetic student."""

    student_id: str
    first: str
    last: str
    grade: str
    class_name: str
    teacher: str
    groups: frozenset[str] = frozenset()
    ability: float = 0.0
    birth: date = date(2016, 1, 1)
    gender: str = "F"
    ethnicity: str = "White"

    @property
    def last_first(self) -> str:
        return f"{self.last}, {self.first}"

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class SkillSpec:
    """A skill and how the students stand on it: offset < 0 lags, growth per window."""

    name: str
    offset: float = 0.0
    growth: float = 0.3
    gaps: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Window:
    """A testing window: its index in the year (0 = fall), a term label and the test date."""

    index: int
    term: str
    date: date


FALL_2025 = Window(0, "Fall 2025-2026", date(2025, 9, 15))
WINTER_2026 = Window(1, "Winter 2025-2026", date(2026, 1, 20))
SPRING_2026 = Window(2, "Spring 2025-2026", date(2026, 5, 12))
SCHOOL_YEAR = (FALL_2025, WINTER_2026, SPRING_2026)


@dataclass
class Generated:
    """A generated export: file name, bytes, truth, and the mapping that reads it (if any)."""

    file_name: str
    data: bytes
    truth: dict[str, Any]
    mapping_toml: str | None = None
    students: list[Student] = field(default_factory=list)


class _Truth:
    """Counts per administration and skill, filled while a file is written."""

    def __init__(self, note: str) -> None:
        self.note = note
        self.students: set[str] = set()
        self.rows = 0
        self._admins: dict[tuple[str, str | None, str | None], dict[str, dict[str, set[str]]]] = {}

    def score(
        self, assessment: str, term: str | None, when: date | None, skill: str, student: str, ok: bool
    ) -> None:
        key = (assessment, term, when.isoformat() if when else None)
        skills = self._admins.setdefault(key, {})
        entry = skills.setdefault(skill, {"scored": set(), "proficient": set()})
        entry["scored"].add(student)
        if ok:
            entry["proficient"].add(student)

    def result(self) -> dict[str, Any]:
        admins = []
        for (assessment, term, when), skills in self._admins.items():  # in the file's order
            out = {}
            for skill in sorted(skills):
                n = len(skills[skill]["scored"])
                p = len(skills[skill]["proficient"])
                out[skill] = {"students": n, "proficient": p, "pct_proficient": pct(p, n)}
            admins.append({"assessment": assessment, "term": term, "date": when, "skills": out})
        return {
            "note": self.note,
            "students": len(self.students),
            "rows": self.rows,
            "administrations": admins,
        }


def pct(proficient: int, students: int) -> float | None:
    """100 x proficient / students with one decimal (as the metrics compute it)."""
    if not students:
        return None
    return round(100.0 * proficient / students, 1)


def standing(student: Student, skill: SkillSpec, window: Window, rng: random.Random, noise: float = 0.55) -> float:
    """A student's standing on a skill in a window (about N(0, 1) in fall)."""
    gap = sum(v for g, v in skill.gaps.items() if g in student.groups)
    return student.ability + skill.offset + skill.growth * window.index + gap + rng.gauss(0.0, noise)


def _level(z: float, cuts: Sequence[float]) -> int:
    """Index of the level z falls in, given ascending cut points (len(levels) - 1 of them)."""
    i = 0
    while i < len(cuts) and z >= cuts[i]:
        i += 1
    return i


def _percentile(z: float) -> int:
    return max(1, min(99, int(round(100 * _NORMAL.cdf(z)))))


def _us_date(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = False) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    text = buf.getvalue()
    return (("\ufeff" + text) if bom else text).encode("utf-8")


def _xlsx_bytes(wb: openpyxl.Workbook) -> bytes:
    """The workbook's bytes, identical on every run: fixed document dates and zip timestamps
    (so re-importing a regenerated demo file is recognised as the same upload)."""
    stamp = dt.datetime(2025, 8, 1, 8, 0, 0)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-08-01T08:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2025, 8, 1, 8, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _yn(flag: bool) -> str:
    return "Y" if flag else "N"


# -- rosters ------------------------------------------------------------------------------
def make_roster(
    seed: int,
    n: int,
    grade: int | str,
    *,
    first_id: int = 300500,
    id_step: int = 1,
    classes: Sequence[tuple[str, str]] = (("Period 1", "Ms. Alvarez"), ("Period 2", "Mr. Okafor")),
    group_rates: dict[str, float] | None = None,
    birth_year: int | None = None,
) -> list[Student]:
    """``n`` synthetic students of one grade spread over ``classes`` ((class, teacher) pairs)."""
    rng = random.Random(f"roster:{seed}:{grade}")
    rates = GROUP_RATES if group_rates is None else group_rates
    grade_text = str(grade)
    year = birth_year or (2025 - 5 - (int(grade) if grade_text.isdigit() else 0))
    order = list(range(n))
    rng.shuffle(order)
    students = []
    for i in range(n):
        groups = frozenset(g for g, r in rates.items() if rng.random() < r)
        ability = rng.gauss(0.0, 1.0) - (0.45 if "SPED" in groups else 0.0) - (0.15 if "FRL" in groups else 0.0)
        last = rng.choice(LAST_NAMES)
        if rng.random() < 0.12:
            last = f"{last}-{rng.choice(LAST_NAMES)}"
        class_name, teacher = classes[order[i] % len(classes)]
        students.append(
            Student(
                student_id=str(first_id + i * id_step),
                first=rng.choice(FIRST_NAMES),
                last=last,
                grade=grade_text,
                class_name=class_name,
                teacher=teacher,
                groups=groups,
                ability=ability,
                birth=date(year, 1, 1) + timedelta(days=rng.randrange(365)),
                gender=rng.choice("FM"),
                ethnicity=rng.choice(ETHNICITIES),
            )
        )
    return students


# -- NWEA MAP Growth ----------------------------------------------------------------------
NWEA_MATH_GOALS = (
    "Operations and Algebraic Thinking", "Number and Operations", "Measurement and Data", "Geometry",
)
NWEA_READING_GOALS = ("Literature", "Informational Text", "Vocabulary: Acquisition and Use")
NWEA_READING_6_PLUS = (
    "Literary Text: Key Ideas and Details", "Literary Text: Language, Craft, and Structure",
    "Informational Text: Key Ideas and Details", "Informational Text: Language, Craft, and Structure",
    "Vocabulary: Acquisition and Use",
)
NWEA_ADJECTIVES = ("Low", "LoAvg", "Avg", "HiAvg", "High")
#: Percentile bands of the goal adjectives (<21, 21-40, 41-60, 61-80, >80) as z cut points.
_NWEA_CUTS = tuple(_NORMAL.inv_cdf(p) for p in (0.21, 0.41, 0.61, 0.81))
NWEA_RESULTS_HEADER = (
    "TermName", "StudentID", "SchoolName", "MeasurementScale", "Discipline", "GrowthMeasureYN",
    "TestType", "TestName", "TestID", "TestStartDate", "TestDurationMinutes", "TestRITScore",
    "TestStandardError", "TestPercentile", "TypicalFallToFallGrowth", "TypicalSpringToSpringGrowth",
    "TypicalFallToSpringGrowth", "TypicalFallToWinterGrowth", "RITtoReadingScore", "RITtoReadingMin",
    "RITtoReadingMax",
    *[f"Goal{n}{part}" for n in range(1, 9) for part in ("Name", "RitScore", "StdErr", "Range", "Adjective")],
    "TestStartTime", "PercentCorrect", "ProjectedProficiency",
)
NWEA_ROSTER_HEADER = (
    "TermName", "DistrictName", "SchoolName", "StudentLastName", "StudentFirstName", "StudentMI",
    "StudentID", "StudentDateOfBirth", "StudentEthnicGroup", "StudentGender", "Grade",
)


def _rit_mean(subject: str, grade: str, window: Window) -> float:
    g = int(grade) if grade.isdigit() else 0
    base = 160.0 + (9.0 if subject == "Mathematics" else 8.0) * g - (3.0 * g * g / 10.0)
    return base + 4.0 * window.index


def nwea_map_results(
    students: Sequence[Student],
    subjects: dict[str, Sequence[SkillSpec]],
    windows: Sequence[Window] = SCHOOL_YEAR[:2],
    *,
    seed: int = 1,
    school: str = "Lincoln Elementary",
    absent_rate: float = 0.03,
    file_name: str = "nwea_map_CombinedAssessmentResults.csv",
) -> Generated:
    """NWEA MAP Growth CombinedAssessmentResults: one row per student per test (subject x term).

    Instructional areas go in the Goal1..Goal8 column groups (unused groups blank); the goal
    adjective follows the goal's norm percentile (Low < 21 <= LoAvg < 41 <= Avg < 61 <= HiAvg < 81 <= High).
    """
    rng = random.Random(f"nwea:{seed}")
    truth = _Truth(
        "administration = MeasurementScale + TermName; skill = GoalNName; "
        "proficient = GoalNAdjective in Avg, HiAvg, High"
    )
    rows = []
    test_id = 5500000
    for window in windows:
        for st in students:
            for subject, skills in subjects.items():
                if rng.random() < absent_rate:
                    continue
                truth.students.add(st.student_id)
                truth.rows += 1
                test_id += 1
                goals = []
                zs = []
                for skill in skills[:8]:
                    z = standing(st, skill, window, rng)
                    zs.append(z)
                    rit = int(round(_rit_mean(subject, st.grade, window) + 13.0 * z))
                    adjective = NWEA_ADJECTIVES[_level(z, _NWEA_CUTS)]
                    goals.append([skill.name, rit, 6.8, f"{rit - 5}-{rit + 5}", adjective])
                    truth.score(subject, window.term, window.date, skill.name, st.student_id, adjective in NWEA_ADJECTIVES[2:])
                while len(goals) < 8:
                    goals.append([None] * 5)
                overall = sum(zs) / len(zs) if zs else 0.0
                rit = int(round(_rit_mean(subject, st.grade, window) + 13.0 * overall))
                g = int(st.grade) if st.grade.isdigit() else 0
                band = "2-5" if g <= 5 else "6+"
                projected = rng.choice(("", "Unsatisfactory", "Partially Proficient", "Proficient", "Advanced"))
                rows.append(
                    [
                        window.term, st.student_id, school, subject, subject, "TRUE", "Survey With Goals",
                        f"Growth: {subject} {band} CCSS 2010 V2", test_id, _us_date(window.date),
                        rng.randint(35, 75), rit, 3.1, _percentile(overall), 9, 8, 7, 4, None, None, None,
                        *[v for goal in goals for v in goal],
                        "9:05:00 AM", rng.randint(35, 75), projected,
                    ]
                )
    return Generated(file_name, _csv_bytes(NWEA_RESULTS_HEADER, rows), truth.result(), students=list(students))


def nwea_students_by_school(
    students: Sequence[Student],
    window: Window = FALL_2025,
    *,
    district: str = "Riverside Unified",
    school: str = "Lincoln Elementary",
    file_name: str = "nwea_map_StudentsBySchool.csv",
) -> Generated:
    """NWEA MAP Growth StudentsBySchool: the roster that goes with the results (no scores)."""
    rows = [
        [
            window.term, district, school, st.last, st.first, None, st.student_id, _us_date(st.birth),
            st.ethnicity, st.gender, st.grade,
        ]
        for st in students
    ]
    truth = {"note": "roster: no scores", "students": len(rows), "rows": len(rows), "administrations": []}
    return Generated(file_name, _csv_bytes(NWEA_ROSTER_HEADER, rows), truth, students=list(students))


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
    window: Window = Window(0, "Fall 2025-2026", date(2025, 10, 14)),
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
    truth = _Truth(
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
        ws.cell(2, 1, f"Teacher: {teacher}    {class_name}    Given {_us_date(window.date)}")
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
    return Generated(file_name, _xlsx_bytes(wb), result, mapping, students=list(students))


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
    window: Window = Window(0, "Fall 2025-2026", date(2025, 11, 3)),
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
    truth = _Truth("skill = learning outcome name; proficient = outcome score >= mastery score (3 of 4)")
    sections = {name: i for i, name in enumerate(sorted({s.class_name for s in students}))}
    assignment_id = 5500 + rng.randint(1, 99)
    rows = []
    for st in students:
        for k, outcome in enumerate(outcomes):
            if rng.random() < missing_rate:
                continue
            score = _level(standing(st, outcome, window, rng), _CANVAS_CUTS)
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
                    f"{course} - {st.class_name}", 4410 + section, None,
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
    return Generated(file_name, _csv_bytes(CANVAS_HEADER, rows), result, mapping, students=list(students))


# -- i-Ready Diagnostic -------------------------------------------------------------------
IREADY_RELATIVE = (
    "3 or More Grade Levels Below", "2 Grade Levels Below", "1 Grade Level Below",
    "Early On Grade Level", "Mid or Above Grade Level",
)
_IREADY_CUTS = (-1.45, -0.85, -0.25, 0.35)
IREADY_READING_DOMAINS = (
    "Phonological Awareness", "Phonics", "High-Frequency Words", "Vocabulary",
    "Reading Comprehension: Literature", "Reading Comprehension: Informational Text",
)
IREADY_MATH_DOMAINS = ("Number and Operations", "Algebra and Algebraic Thinking", "Measurement and Data", "Geometry")
#: Reading domains i-Ready stops placing once a student tests out of them (grade 4 and up).
_IREADY_FOUNDATIONAL = ("Phonological Awareness", "Phonics", "High-Frequency Words")


def _iready_placement(grade: str, relative: int, rng: random.Random) -> str:
    g = int(grade) if grade.isdigit() else 0
    if relative >= 3:
        return f"{'Early' if relative == 3 else rng.choice(('Mid', 'Late'))} {g}" if g else "Level K"
    below = 3 - relative
    target = g - below
    return f"Grade {target}" if target > 0 else "Level K"


def iready_diagnostic(
    students: Sequence[Student],
    subject: str,
    domains: Sequence[SkillSpec],
    windows: Sequence[Window] = SCHOOL_YEAR,
    *,
    seed: int = 1,
    school: str = "Lincoln Elementary",
    absent_rate: float = 0.03,
    file_name: str | None = None,
) -> Generated:
    """i-Ready "Diagnostic Results" export (subject "Reading" or "Math"): one row per diagnostic.

    Each domain has Scale Score, Placement and Relative Placement columns; the relative
    placement (3 or More Grade Levels Below .. Mid or Above Grade Level) is the level read.
    The Norming Window (Fall, Winter, Spring) tells the windows apart.
    Reading foundational domains show "Tested Out" from grade 4. Groups come as Y/N columns
    (English Language Learner, Special Education, Economically Disadvantaged).
    """
    reading = subject.lower().startswith("r")
    assessment = "i-Ready Diagnostic Reading" if reading else "i-Ready Diagnostic Math"
    all_domains = IREADY_READING_DOMAINS if reading else IREADY_MATH_DOMAINS
    specs = {d.name: d for d in domains}
    rng = random.Random(f"iready:{subject}:{seed}")
    truth = _Truth(
        "administration = Norming Window (Fall, Winter, Spring); skill = domain; "
        "proficient = Relative Placement at Early On Grade Level or above; Tested Out = no score"
    )
    header = [
        "Last Name", "First Name", "Student ID", "Student Grade", "Academic Year", "School", "Enrolled",
        "User Name", "Sex", "Hispanic or Latino", "Race", "English Language Learner", "Special Education",
        "Economically Disadvantaged", "Migrant", "Class(es)", "Class Teacher(s)", "Report Group(s)",
        "Start Date", "Completion Date", "Norming Window", "Baseline Diagnostic (Y/N)", "Most Recent Diagnostic YTD (Y/N)",
        "Duration (min)", "Rush Flag", "Overall Scale Score", "Overall Placement", "Overall Relative Placement",
        "Percentile", "Grouping", *(("Lexile Measure", "Lexile Range") if reading else ("Quantile Measure", "Quantile Range")),
    ]
    for d in all_domains:
        header += [f"{d} Scale Score", f"{d} Placement", f"{d} Relative Placement"]
    header += [
        "Diagnostic Gain", "Annual Typical Growth Measure", "Annual Stretch Growth Measure",
        "Percent Progress to Annual Typical Growth (%)", "Percent Progress to Annual Stretch Growth (%)",
        "Mid On Grade Level Scale Score",
    ]
    if reading:
        header.append("Reading Difficulty Indicator (Y/N)")
    rows = []
    last_window = windows[-1].index if windows else 0
    for window in windows:
        for st in students:
            if rng.random() < absent_rate:
                continue
            truth.students.add(st.student_id)
            truth.rows += 1
            g = int(st.grade) if st.grade.isdigit() else 0
            base = (420 if reading else 400) + 25 * g + 8 * window.index
            cells: list[Any] = []
            zs = []
            for d in all_domains:
                spec = specs.get(d)
                if spec is None or (reading and g >= 4 and d in _IREADY_FOUNDATIONAL):
                    tested_out = reading and d in _IREADY_FOUNDATIONAL and g >= 4
                    cells += [None, "Tested Out" if tested_out else None, "Tested Out" if tested_out else None]
                    continue
                z = standing(st, spec, window, rng)
                zs.append(z)
                rel = _level(z, _IREADY_CUTS)
                cells += [int(base + 30 * z), _iready_placement(st.grade, rel, rng), IREADY_RELATIVE[rel]]
                truth.score(assessment, window.term.split()[0], window.date, d, st.student_id, rel >= 3)
            overall = sum(zs) / len(zs) if zs else 0.0
            orel = _level(overall, _IREADY_CUTS)
            measure = (
                [f"{max(0, int(300 + 120 * g + 90 * overall))}L", ""] if reading
                else [f"{max(0, int(200 + 110 * g + 80 * overall))}Q", ""]
            )
            row = [
                st.last, st.first, st.student_id, st.grade, "2025-2026", school, "Enrolled",
                f"{st.first[0].lower()}{st.last.lower().replace('-', '')}{st.student_id[-3:]}", st.gender,
                _yn(st.ethnicity == "Hispanic or Latino"), st.ethnicity, _yn("ELL" in st.groups),
                _yn("SPED" in st.groups), _yn("FRL" in st.groups), "N", st.class_name, st.teacher, None,
                _us_date(window.date), _us_date(window.date), window.term.split()[0], _yn(window.index == 0),
                _yn(window.index == last_window), rng.randint(30, 70), None,
                int(base + 30 * overall), _iready_placement(st.grade, orel, rng), IREADY_RELATIVE[orel],
                _percentile(overall), None, *measure, *cells,
                None if window.index == 0 else rng.randint(5, 40), rng.randint(18, 30), rng.randint(30, 50),
                rng.randint(10, 120), rng.randint(5, 90), base + 40,
            ]
            if reading:
                row.append(_yn(overall < -1.2))
            rows.append(row)
    name = file_name or f"Diagnostic_Results_{'ELA' if reading else 'Math'}.csv"
    return Generated(name, _csv_bytes(header, rows), truth.result(), students=list(students))


# -- Renaissance Star ---------------------------------------------------------------------
STAR_CATEGORIES = ("Urgent Intervention", "Intervention", "On Watch", "At/Above Benchmark")
#: Renaissance default benchmarks by percentile rank: <10, 10-24, 25-39, >=40.
_STAR_PR_CUTS = (10, 25, 40)
STAR_HEADER = (
    "SchoolYear", "StudentRenaissanceID", "StudentIdentifier", "StudentStateID", "StudentFirstName",
    "StudentMiddleName", "StudentLastName", "CurrentGrade", "EnrollmentStatus", "SchoolName",
    "CourseName", "TeacherIdentifier", "AssessmentID", "LaunchDate", "CompletedDate", "CompletedDateLocal",
    "AssessmentNumber", "AssessmentType", "AssessmentStatus", "DeactivationReason", "GradePlacement",
    "Grade", "ScaledScore", "StandardErrorOfMeasurement", "UnifiedScore", "GradeEquivalent",
    "PercentileRank", "NormalCurveEquivalent", "InstructionalReadingLevel", "EstimatedOralReadingFluency",
    "Lexile", "Quantile", "TotalTimeInSeconds", "StudentGrowthPercentileFallWinter",
    "StudentGrowthPercentileFallSpring", "ScreeningPeriodWindowName", "ScreeningWindowStartDate",
    "ScreeningWindowEndDate", "RenaissanceBenchmarkCategoryName", "RenaissanceBenchmarkCategoryLevel",
    "RenaissanceBenchmarkCategoryNumberOfLevels", "StateBenchmarkCategoryName", "StateBenchmarkProficient",
    "CurrentSGP",
)


def star_assessment(
    students: Sequence[Student],
    subject: str = "Reading",
    windows: Sequence[Window] = SCHOOL_YEAR,
    *,
    skill: SkillSpec | None = None,
    seed: int = 1,
    school: str = "Riverside Middle School",
    absent_rate: float = 0.03,
    file_name: str | None = None,
) -> Generated:
    """Renaissance Star Reading / Star Math data export: one row per completed test.

    The Renaissance benchmark category follows the percentile rank (Urgent Intervention < 10 <=
    Intervention < 25 <= On Watch < 40 <= At/Above Benchmark). Screening window names are
    Fall / Winter / Spring.
    """
    reading = subject.lower().startswith("r")
    product = "Star Reading" if reading else "Star Math"
    spec = skill or SkillSpec(product)
    rng = random.Random(f"star:{subject}:{seed}")
    truth = _Truth(
        "administration = ScreeningPeriodWindowName; skill = AssessmentType; "
        "proficient = RenaissanceBenchmarkCategoryName At/Above Benchmark"
    )
    rows = []
    for window in windows:
        season = window.term.split()[0]
        for st in students:
            if rng.random() < absent_rate:
                continue
            truth.students.add(st.student_id)
            truth.rows += 1
            z = standing(st, spec, window, rng)
            pr = _percentile(z)
            level = _level(pr, _STAR_PR_CUTS)
            category = STAR_CATEGORIES[level]
            truth.score(product, season, window.date, product, st.student_id, level == 3)
            g = int(st.grade) if st.grade.isdigit() else 0
            scaled = int(round(500 + 80 * g + 40 * window.index + 120 * z))
            ge = max(0.0, g + 0.3 * window.index + 1.6 * z)
            rows.append(
                [
                    "2025-2026", f"R{st.student_id}", st.student_id, f"S{st.student_id}", st.first, None,
                    st.last, st.grade, "Active", school, st.class_name, f"T{zlib.crc32(st.teacher.encode()) % 1000:03d}",
                    f"{window.date:%Y%m%d}{st.student_id}", window.date.isoformat(), window.date.isoformat(),
                    window.date.isoformat(), window.index + 1, product, "Completed", None,
                    round(g + 0.1 + 0.3 * window.index, 2), st.grade, scaled, round(rng.uniform(25, 45), 1),
                    scaled + 300, f"{ge:.1f}", pr, round(_NORMAL.cdf(z) * 98 + 1, 1),
                    f"{max(0.0, ge - 0.4):.1f}" if reading else None,
                    int(max(10, 90 + 20 * g + 35 * z)) if reading else None,
                    f"{max(0, int(400 + 110 * g + 150 * z))}L" if reading else None,
                    None if reading else f"{max(0, int(300 + 100 * g + 140 * z))}Q",
                    rng.randint(900, 1800), None if window.index == 0 else rng.randint(5, 95),
                    None if window.index < 2 else rng.randint(5, 95), season,
                    (window.date - timedelta(days=7)).isoformat(), (window.date + timedelta(days=14)).isoformat(),
                    category, level + 1, 4, ("Not Met", "Partially Met", "Met", "Exceeded")[level],
                    "TRUE" if level == 3 else "FALSE", None,
                ]
            )
    name = file_name or f"SR_v2_{'Reading' if reading else 'Math'}.csv".replace("SR_v2_Math", "SM_v2_Math")
    return Generated(name, _csv_bytes(STAR_HEADER, rows), truth.result(), students=list(students))


# -- DIBELS 8th Edition (Amplify mCLASS) --------------------------------------------------
DIBELS_LEVELS = ("Well Below Benchmark", "Below Benchmark", "At Benchmark", "Above Benchmark")
_DIBELS_CUTS = (-1.0, -0.3, 0.75)
#: mCLASS measure columns: "<Measure> Score" and "<Measure> Level".
DIBELS_MEASURES = (
    "Letter Names (LNF)", "Phonemic Awareness (PSF)", "Letter Sounds (NWF-CLS)", "Decoding (NWF-WRC)",
    "Word Reading (WRF)", "Reading Fluency (ORF)", "Reading Accuracy (ORF-Accu)", "Reading Comprehension (Maze)",
)
DIBELS_PERIODS = ("BOY", "MOY", "EOY")
_DIBELS_SCALE = {
    "Letter Names (LNF)": (40, 15), "Phonemic Awareness (PSF)": (40, 12), "Letter Sounds (NWF-CLS)": (90, 30),
    "Decoding (NWF-WRC)": (30, 10), "Word Reading (WRF)": (40, 14), "Reading Fluency (ORF)": (90, 30),
    "Reading Accuracy (ORF-Accu)": (95, 4), "Reading Comprehension (Maze)": (12, 5),
}


def dibels8_mclass(
    students: Sequence[Student],
    measures: Sequence[SkillSpec],
    windows: Sequence[Window] = SCHOOL_YEAR,
    *,
    seed: int = 1,
    school: str = "Lincoln Elementary",
    absent_rate: float = 0.03,
    file_name: str = "mCLASS_DIBELS8_Benchmark_Export.csv",
) -> Generated:
    """Amplify mCLASS DIBELS 8th Edition benchmark export: one row per student per period.

    ``measures`` name the measures given (e.g. SkillSpec("Reading Fluency (ORF)")); the other
    measure columns are blank, as in a real export for that grade. Levels per measure: Well
    Below / Below / At / Above Benchmark; Benchmark Period BOY / MOY / EOY.
    """
    rng = random.Random(f"dibels:{seed}")
    specs = {m.name: m for m in measures}
    truth = _Truth(
        "administration = Assessment + Benchmark Period; skill = measure (the column before ' Level'); "
        "proficient = At Benchmark or Above Benchmark; Composite Level is not a skill"
    )
    header = [
        "School Year", "State", "Account Name", "District Name", "School Name", "Student Last Name",
        "Student First Name", "Student Middle Name", "Student Date Of Birth", "Student Gender",
        "Student Primary ID", "Student Secondary ID", "Enrollment Date", "Enrollment Grade",
        "Reporting Class Name", "Reporting Class ID", "Official Teacher Name", "Official Teacher Staff ID",
        "Assessing Teacher Name", "Assessing Teacher Staff ID", "Assessment", "Assessment Edition",
        "Assessment Grade", "Benchmark Period", "Composite Level", "Composite Score",
        "Composite National Norm Percentile",
    ]
    for m in DIBELS_MEASURES:
        header += [f"{m} Score", f"{m} Level"]
    header += ["Client Date", "Sync Date"]
    rows = []
    for window in windows:
        period = DIBELS_PERIODS[min(window.index, 2)]
        for st in students:
            if rng.random() < absent_rate:
                continue
            truth.students.add(st.student_id)
            truth.rows += 1
            cells: list[Any] = []
            zs = []
            for m in DIBELS_MEASURES:
                spec = specs.get(m)
                if spec is None:
                    cells += [None, None]
                    continue
                z = standing(st, spec, window, rng)
                zs.append(z)
                mean, sd = _DIBELS_SCALE[m]
                score = max(0, int(round(mean + sd * z)))
                if m == "Reading Accuracy (ORF-Accu)":
                    score = min(100, score)
                lvl = _level(z, _DIBELS_CUTS)
                cells += [score, DIBELS_LEVELS[lvl]]
                truth.score("DIBELS 8th Edition", period, window.date, m, st.student_id, lvl >= 2)
            overall = sum(zs) / len(zs) if zs else 0.0
            teacher_id = f"{zlib.crc32(st.teacher.encode()) % 9000 + 1000}"
            rows.append(
                [
                    "2025-2026", "OR", "Riverside Unified", "Riverside Unified", school, st.last, st.first, None,
                    _us_date(st.birth), "Female" if st.gender == "F" else "Male", st.student_id, None, "8/27/2025",
                    st.grade, st.class_name, f"C{st.class_name[-1]}", st.teacher, teacher_id, st.teacher, teacher_id,
                    "DIBELS 8th Edition", "DIBELS 8th Edition", st.grade, period,
                    DIBELS_LEVELS[_level(overall, _DIBELS_CUTS)], int(380 + 40 * overall), _percentile(overall),
                    *cells, _us_date(window.date), _us_date(window.date + timedelta(days=1)),
                ]
            )
    return Generated(file_name, _csv_bytes(header, rows), truth.result(), students=list(students))


# -- Acadience Reading --------------------------------------------------------------------
ACADIENCE_LEVELS = ("Well Below Benchmark", "Below Benchmark", "At or Above Benchmark")
_ACADIENCE_CUTS = (-0.9, -0.2)
ACADIENCE_MEASURES = (
    "FSF", "LNF", "PSF", "NWF CLS", "NWF WWR", "ORF Words Correct", "ORF Accuracy", "Retell",
    "Maze Adjusted Score",
)
ACADIENCE_PERIODS = ("Beginning", "Middle", "End")


def acadience_reading(
    students: Sequence[Student],
    measures: Sequence[SkillSpec],
    windows: Sequence[Window] = SCHOOL_YEAR,
    *,
    seed: int = 1,
    school: str = "Lincoln Elementary",
    absent_rate: float = 0.03,
    file_name: str = "Acadience_Reading_Benchmark.csv",
) -> Generated:
    """Acadience Reading K-6 benchmark export: a score and a Status column per measure.

    Statuses: Well Below Benchmark / Below Benchmark / At or Above Benchmark; Benchmark Period
    Beginning / Middle / End; the Reading Composite Score and its status are not skills.
    """
    rng = random.Random(f"acadience:{seed}")
    specs = {m.name: m for m in measures}
    truth = _Truth(
        "administration = Benchmark Period; skill = measure (the column before ' Status'); "
        "proficient = At or Above Benchmark; the Reading Composite is not a skill"
    )
    header = [
        "School Year", "District", "School", "Student Last Name", "Student First Name", "Student ID",
        "Grade", "Class", "Teacher", "Benchmark Period", "Assessment Date", "Reading Composite Score",
        "Reading Composite Status",
    ]
    for m in ACADIENCE_MEASURES:
        header += [m, f"{m} Status"]
    rows = []
    for window in windows:
        period = ACADIENCE_PERIODS[min(window.index, 2)]
        for st in students:
            if rng.random() < absent_rate:
                continue
            truth.students.add(st.student_id)
            truth.rows += 1
            cells: list[Any] = []
            zs = []
            for m in ACADIENCE_MEASURES:
                spec = specs.get(m)
                if spec is None:
                    cells += [None, None]
                    continue
                z = standing(st, spec, window, rng)
                zs.append(z)
                lvl = _level(z, _ACADIENCE_CUTS)
                score = max(0, int(round((96 + 3 * z) if m == "ORF Accuracy" else (70 + 25 * z))))
                cells += [min(score, 100) if m == "ORF Accuracy" else score, ACADIENCE_LEVELS[lvl]]
                truth.score("Acadience Reading", period, window.date, m, st.student_id, lvl >= 2)
            overall = sum(zs) / len(zs) if zs else 0.0
            rows.append(
                [
                    "2025-2026", "Riverside Unified", school, st.last, st.first, st.student_id, st.grade,
                    st.class_name, st.teacher, period, _us_date(window.date), int(300 + 90 * overall),
                    ACADIENCE_LEVELS[_level(overall, _ACADIENCE_CUTS)], *cells,
                ]
            )
    return Generated(file_name, _csv_bytes(header, rows), truth.result(), students=list(students))


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
    truth = _Truth(
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
                lvl = _level(z, _MASTERY_CUTS)
                counts[lvl] += 1
                cells.append(MASTERY_LEVELS[lvl])
                ok = lvl == 2
            else:
                value = max(0, min(100, int(round(100 * _NORMAL.cdf(0.9 * z + 0.55)))))
                counts[_level(value, (60, 80))] += 1
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
    return Generated(file_name, _csv_bytes(header, rows), truth.result(), mapping, students=list(students))


# -- large files for benchmarks -----------------------------------------------------------
def large_wide_workbook(n_students: int, n_skills: int, *, seed: int = 1, file_name: str = "large_wide.xlsx") -> Generated:
    """A big wide workbook (one sheet, a row per student, a percent column per skill), written
    with openpyxl's write-only mode so a 100k-row file is produced in seconds."""
    rng = random.Random(f"large-wide:{seed}")
    skills = [f"S{k + 1:03d}" for k in range(n_skills)]
    truth = _Truth("skill = column; proficient = percent >= 80")
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
            v = int(max(0, min(100, round(100 * _NORMAL.cdf(ability + offsets[k] + rng.gauss(0, 0.5) + 0.4)))))
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
    truth = _Truth("skill = Standard; proficient = Points / 4 >= 0.75")
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
            pts = _level(ability + offsets[k] + rng.gauss(0, 0.6), (-1.0, -0.3, 0.3, 1.0))
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
