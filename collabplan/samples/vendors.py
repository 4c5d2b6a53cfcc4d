"""Vendor assessment exports: NWEA MAP Growth, i-Ready Diagnostic, Renaissance Star,
DIBELS 8th Edition (Amplify mCLASS) and Acadience Reading, each laid out like the real file.

Every generator is deterministic from its seed and returns a
:class:`~collabplan.samples.truth.Generated` with its truth.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from collabplan.samples.files import csv_bytes, us_date, yes_no
from collabplan.samples.students import (
    FALL_2025,
    NORMAL,
    SCHOOL_YEAR,
    SkillSpec,
    Student,
    Window,
    level_index,
    percentile,
    standing,
)
from collabplan.samples.truth import Generated, Truth

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
_NWEA_CUTS = tuple(NORMAL.inv_cdf(p) for p in (0.21, 0.41, 0.61, 0.81))
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
    truth = Truth(
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
                    adjective = NWEA_ADJECTIVES[level_index(z, _NWEA_CUTS)]
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
                        f"Growth: {subject} {band} CCSS 2010 V2", test_id, us_date(window.date),
                        rng.randint(35, 75), rit, 3.1, percentile(overall), 9, 8, 7, 4, None, None, None,
                        *[v for goal in goals for v in goal],
                        "9:05:00 AM", rng.randint(35, 75), projected,
                    ]
                )
    return Generated(file_name, csv_bytes(NWEA_RESULTS_HEADER, rows), truth.result(), students=list(students))


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
            window.term, district, school, st.last, st.first, None, st.student_id, us_date(st.birth),
            st.ethnicity, st.gender, st.grade,
        ]
        for st in students
    ]
    truth = {"note": "roster: no scores", "students": len(rows), "rows": len(rows), "administrations": []}
    return Generated(file_name, csv_bytes(NWEA_ROSTER_HEADER, rows), truth, students=list(students))



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
    truth = Truth(
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
                rel = level_index(z, _IREADY_CUTS)
                cells += [int(base + 30 * z), _iready_placement(st.grade, rel, rng), IREADY_RELATIVE[rel]]
                truth.score(assessment, window.term.split()[0], window.date, d, st.student_id, rel >= 3)
            overall = sum(zs) / len(zs) if zs else 0.0
            orel = level_index(overall, _IREADY_CUTS)
            measure = (
                [f"{max(0, int(300 + 120 * g + 90 * overall))}L", ""] if reading
                else [f"{max(0, int(200 + 110 * g + 80 * overall))}Q", ""]
            )
            row = [
                st.last, st.first, st.student_id, st.grade, "2025-2026", school, "Enrolled",
                f"{st.first[0].lower()}{st.last.lower().replace('-', '')}{st.student_id[-3:]}", st.gender,
                yes_no(st.ethnicity == "Hispanic or Latino"), st.ethnicity, yes_no("ELL" in st.groups),
                yes_no("SPED" in st.groups), yes_no("FRL" in st.groups), "N", st.class_name, st.teacher, None,
                us_date(window.date), us_date(window.date), window.term.split()[0], yes_no(window.index == 0),
                yes_no(window.index == last_window), rng.randint(30, 70), None,
                int(base + 30 * overall), _iready_placement(st.grade, orel, rng), IREADY_RELATIVE[orel],
                percentile(overall), None, *measure, *cells,
                None if window.index == 0 else rng.randint(5, 40), rng.randint(18, 30), rng.randint(30, 50),
                rng.randint(10, 120), rng.randint(5, 90), base + 40,
            ]
            if reading:
                row.append(yes_no(overall < -1.2))
            rows.append(row)
    name = file_name or f"Diagnostic_Results_{'ELA' if reading else 'Math'}.csv"
    return Generated(name, csv_bytes(header, rows), truth.result(), students=list(students))


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
    truth = Truth(
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
            pr = percentile(z)
            level = level_index(pr, _STAR_PR_CUTS)
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
                    scaled + 300, f"{ge:.1f}", pr, round(NORMAL.cdf(z) * 98 + 1, 1),
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
    return Generated(name, csv_bytes(STAR_HEADER, rows), truth.result(), students=list(students))


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
    truth = Truth(
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
                lvl = level_index(z, _DIBELS_CUTS)
                cells += [score, DIBELS_LEVELS[lvl]]
                truth.score("DIBELS 8th Edition", period, window.date, m, st.student_id, lvl >= 2)
            overall = sum(zs) / len(zs) if zs else 0.0
            teacher_id = f"{zlib.crc32(st.teacher.encode()) % 9000 + 1000}"
            rows.append(
                [
                    "2025-2026", "OR", "Riverside Unified", "Riverside Unified", school, st.last, st.first, None,
                    us_date(st.birth), "Female" if st.gender == "F" else "Male", st.student_id, None, "8/27/2025",
                    st.grade, st.class_name, f"C{st.class_name[-1]}", st.teacher, teacher_id, st.teacher, teacher_id,
                    "DIBELS 8th Edition", "DIBELS 8th Edition", st.grade, period,
                    DIBELS_LEVELS[level_index(overall, _DIBELS_CUTS)], int(380 + 40 * overall), percentile(overall),
                    *cells, us_date(window.date), us_date(window.date + timedelta(days=1)),
                ]
            )
    return Generated(file_name, csv_bytes(header, rows), truth.result(), students=list(students))


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
    truth = Truth(
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
                lvl = level_index(z, _ACADIENCE_CUTS)
                score = max(0, int(round((96 + 3 * z) if m == "ORF Accuracy" else (70 + 25 * z))))
                cells += [min(score, 100) if m == "ORF Accuracy" else score, ACADIENCE_LEVELS[lvl]]
                truth.score("Acadience Reading", period, window.date, m, st.student_id, lvl >= 2)
            overall = sum(zs) / len(zs) if zs else 0.0
            rows.append(
                [
                    "2025-2026", "Riverside Unified", school, st.last, st.first, st.student_id, st.grade,
                    st.class_name, st.teacher, period, us_date(window.date), int(300 + 90 * overall),
                    ACADIENCE_LEVELS[level_index(overall, _ACADIENCE_CUTS)], *cells,
                ]
            )
    return Generated(file_name, csv_bytes(header, rows), truth.result(), students=list(students))
