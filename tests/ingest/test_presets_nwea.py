"""NWEA MAP Growth exports in their real header order (legacy CDF AssessmentResults, 2021+
AssessmentResults, 2021+ Combined, StudentsBySchool) import with no mapping and are read
exactly: the preset, the students, and the proficient count of each assessment (MeasurementScale
or Course, as NWEA names it), term and instructional area.

The expected numbers are counted here from the rows written, never from the importer."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest

from collabplan import metrics
from collabplan.ingest.detect import HIGH, detect_layout
from collabplan.ingest.load import import_file, import_files
from collabplan.ingest.normalise.prepare import prepare
from collabplan.ingest.read import read_upload
from tests.real_layout_rows import layout_rows
from tests.real_layouts import HEADERS, layout_csv

ADJECTIVES = ["Low", "LoAvg", "Avg", "HiAvg", "High"]
PROFICIENT = {"Avg", "HiAvg", "High"}  # the preset's cut: Avg and above
MATH = ["Operations and Algebraic Thinking", "The Real and Complex Number Systems", "Geometry",
        "Statistics and Probability"]
READING = ["Literary Text: Language, Craft, and Structure",
           "Informational Text: Key Ideas and Details", "Vocabulary: Acquisition and Use"]
LANGUAGE = ["Writing: Plan, Organize, Develop, Revise, Research",
            "Grammar and Usage", "Mechanics"]
MY_PRESETS = {"nwea_map_results", "nwea_map_results_2021", "nwea_map_combined", "nwea_map_students"}
GOAL = r"^Goal\d"
GRADES = ["K", "1", "3", "3", "10", "10", "0"]  # NWEA writes kindergarten K, sometimes 0


def goals(names: list[str], student: int, shift: int) -> dict[str, str]:
    """Goal<n>Name/RitScore/StdErr/Range/Adjective cells; the adjective cycles through the five
    so that every goal has proficient and not proficient students."""
    out: dict[str, str] = {}
    for n, name in enumerate(names, start=1):
        rit = 195 + 4 * student + n
        out |= {f"Goal{n}Name": name, f"Goal{n}RitScore": str(rit), f"Goal{n}StdErr": "5.7",
                f"Goal{n}Range": f"{rit - 6}-{rit + 6}",
                f"Goal{n}Adjective": ADJECTIVES[(student + n + shift) % 5]}
    return out


def expected(rows: list[dict[str, str]], assessment: str) -> dict[tuple, tuple[int, int]]:
    """(assessment, term, goal) -> (students, proficient); a student tested twice in a term
    counts by the latest TestStartDate (rows without any goal score are no test result)."""
    latest: dict[tuple, tuple[datetime, dict]] = {}
    for r in rows:
        if not any(r.get(f"Goal{n}Adjective") for n in range(1, 9)):
            continue
        key = (r[assessment], r["TermName"], r["StudentID"])
        when = datetime.strptime(r["TestStartDate"], "%m/%d/%Y")
        if key not in latest or when >= latest[key][0]:
            latest[key] = (when, r)
    out: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for (name, term, _student), (_when, r) in latest.items():
        for n in range(1, 9):
            goal, adjective = r.get(f"Goal{n}Name"), r.get(f"Goal{n}Adjective")
            if goal and adjective:
                out[(name, term, goal)][0] += 1
                out[(name, term, goal)][1] += adjective in PROFICIENT
    return {k: (v[0], v[1]) for k, v in out.items()}


def summary(db) -> dict[tuple, tuple[int, int]]:
    df = metrics.skill_summary(db)
    return {(r.assessment, r.term, r.skill): (int(r.students), int(r.proficient)) for r in df.itertuples()}


def check(db, layout: str, file_name: str, rows: list[dict[str, str]], assessment: str,
          preset: str) -> None:
    data = layout_rows(layout, rows, blank=GOAL)
    p = prepare(data, file_name)
    assert p.detection.name == preset
    assert p.detection.word == "high" and p.detection.confidence >= HIGH
    assert p.report.ok(), p.report.errors
    result = import_file(db, data, file_name)
    assert result.students == len({r["StudentID"] for r in rows})
    want = expected(rows, assessment)
    assert summary(db) == want
    return p


# -- the rows --------------------------------------------------------------------------------
def legacy_rows() -> list[dict[str, str]]:
    """MeasurementScale/Discipline as NWEA wrote them before 2020; a retest, a plain Survey."""
    rows = []
    for i in range(6):
        sid = f"F0800000{i + 1}"
        rows.append({"TermName": "Fall 2013-2014", "StudentID": sid, "MeasurementScale": "Mathematics",
                     "Discipline": "Mathematics", "TestType": "Survey With Goals",
                     "TestName": "MAP: Math 6+ Common Core 2010 V2", "TestStartDate": "09/17/2013",
                     **goals(MATH, i, 0)})
        rows.append({"TermName": "Spring 2013-2014", "StudentID": sid, "MeasurementScale": "Mathematics",
                     "Discipline": "Mathematics", "TestType": "Survey With Goals",
                     "TestName": "MAP: Math 6+ Common Core 2010 V2", "TestStartDate": "03/24/2014",
                     **goals(MATH, i, 2)})
        rows.append({"TermName": "Spring 2013-2014", "StudentID": sid, "MeasurementScale": "Reading",
                     "Discipline": "Reading", "TestType": "Survey With Goals",
                     "TestName": "MAP: Reading 6+ Common Core 2010", "TestStartDate": "03/25/2014",
                     **goals(READING, i, 1)})
    # a retest: the later test of the term is the one that counts
    rows.append({"TermName": "Spring 2013-2014", "StudentID": "F08000002", "MeasurementScale": "Mathematics",
                 "Discipline": "Mathematics", "TestType": "Survey With Goals",
                 "TestName": "MAP: Math 6+ Common Core 2010 V2", "TestStartDate": "04/08/2014",
                 **goals(MATH, 1, 4)})
    # a plain Survey: every goal cell empty, no instructional areas to count
    rows.append({"TermName": "Spring 2013-2014", "StudentID": "F08000003",
                 "MeasurementScale": "Language Usage", "Discipline": "Language", "TestType": "Survey",
                 "TestName": "Survey: Language 6+ Common Core 2010", "TestStartDate": "03/26/2014"})
    return rows


def rows_2021(combined: bool) -> list[dict[str, str]]:
    """Subject/Course as NWEA writes them since 2020-21; Language Arts is both Reading and
    Language Usage, told apart by Course."""
    tests = [("Fall 2021-2022", "Mathematics", "Math K-12", "Growth: Math 6+ CCSS 2010 V2", "09/14/2021", MATH, 0),
             ("Fall 2021-2022", "Language Arts", "Reading", "Growth: Reading 6+ OR 2019", "09/15/2021", READING, 1),
             ("Fall 2021-2022", "Language Arts", "Language Usage", "Growth: Language 2-12 CCSS 2010 V2",
              "09/16/2021", LANGUAGE, 2),
             ("Winter 2021-2022", "Mathematics", "Math K-12", "Growth: Math 6+ CCSS 2010 V2", "01/11/2022", MATH, 3)]
    rows = []
    for i in range(7):
        for term, subject, course, test, date, names, shift in tests:
            if i == 6 and term.startswith("Winter"):
                continue  # absent in winter
            row = {"TermName": term, "StudentID": str(10035 + i), "Subject": subject, "Course": course,
                   "TestType": "Survey With Goals", "TestName": test, "TestStartDate": date,
                   **goals(names, i, shift)}
            if combined:
                row |= {"StudentLastName": ["Ajala", "Baker", "Chen", "Diaz", "Evans", "Flores", "Gupta"][i],
                        "StudentFirstName": ["Sherin", "Joe", "Mia", "Luis", "Ana", "Rosa", "Dev"][i],
                        "Grade": GRADES[i],
                        "StudentEthnicGroup": ["White", "Hispanic or Latino"][i % 2],
                        "StudentGender": "MF"[i % 2]}
            else:
                row |= {"GrowthMeasureYN": "TRUE", "TestID": str(725381861 + len(rows))}
            rows.append(row)
    retest = dict(rows[0])  # student 10035 retakes fall math two weeks later
    retest |= {"TestStartDate": "09/28/2021", **goals(MATH, 0, 3)}
    if not combined:
        retest |= {"TestID": "725399999"}
        rows[0]["GrowthMeasureYN"] = "FALSE"
    rows.append(retest)
    return rows


# -- one test per variant --------------------------------------------------------------------
@pytest.mark.parametrize("layout", ["nwea_legacy_results_2013", "nwea_legacy_results_2014"])
def test_legacy_assessment_results_are_read_exactly(db, layout):
    rows = legacy_rows()
    p = check(db, layout, "AssessmentResults.csv", rows, "MeasurementScale", "nwea_map_results")
    assert p.report.rows_replaced == 1
    assert {k[0] for k in summary(db)} == {"Mathematics", "Reading"}


def test_2021_assessment_results_are_read_exactly(db):
    rows = rows_2021(combined=False)
    p = check(db, "nwea_results_2021", "AssessmentResults_11-22-2021.csv", rows, "Course",
              "nwea_map_results_2021")
    assert p.report.rows_replaced == 1
    got = summary(db)
    assert {k[0] for k in got} == {"Math K-12", "Reading", "Language Usage"}
    assert {k[1] for k in got} == {"Fall 2021-2022", "Winter 2021-2022"}
    # ids, errors, durations and state ids are never instructional areas
    assert {k[2] for k in got} == set(MATH + READING + LANGUAGE)


def test_2021_combined_file_is_read_exactly_with_names_grades_and_groups(db):
    rows = rows_2021(combined=True)
    p = check(db, "nwea_combined_2021", "ComboStudentAssessment.csv", rows, "Course", "nwea_map_combined")
    assert p.report.rows_replaced == 1
    students = {r[0]: r[1:] for r in db.rows("SELECT local_id, first_name, last_name, grade FROM student")}
    assert students["10035"][:2] == ("Sherin", "Ajala")
    assert {k: v[2] for k, v in students.items()} == {str(10035 + i): g for i, g in enumerate(GRADES)}
    groups = {r[0] for r in db.rows("SELECT DISTINCT group_name FROM student_group")}
    assert {"Ethnicity: White", "Ethnicity: Hispanic or Latino", "Gender: M", "Gender: F"} <= groups


def test_students_by_school_names_the_students_of_the_results(db):
    roster = [{"TermName": "Spring 2013-2014", "StudentID": f"F0800000{i + 1}",
               "StudentLastName": ["Koolstra", "Baker", "Chen", "Diaz", "Evans", "Flores"][i],
               "StudentFirstName": ["Jeffrey", "Joe", "Mia", "Luis", "Ana", "Rosa"][i],
               "StudentDateOfBirth": "11/29/2002", "StudentEthnicGroup": "Hispanic or Latino",
               "StudentGender": "M", "Grade": "6"} for i in range(6)]
    data = layout_rows("nwea_students_by_school", roster)
    found = detect_layout(read_upload(data, "StudentsBySchool.csv", sheets="*"), "StudentsBySchool.csv")
    assert found.name == "nwea_map_students" and found.word == "high"
    results = layout_rows("nwea_legacy_results_2013", legacy_rows(), blank=GOAL)
    out = import_files(db, [("StudentsBySchool.csv", data), ("AssessmentResults.csv", results)])
    assert all(not r.duplicate for r in out)
    names = dict(db.rows("SELECT local_id, last_name FROM student"))
    assert names["F08000001"] == "Koolstra" and len(names) == 6
    assert dict(db.rows("SELECT local_id, grade FROM student"))["F08000004"] == "6"
    assert summary(db) == expected(legacy_rows(), "MeasurementScale")


# -- not the other vendors' files ----------------------------------------------------------------
#: Every other vendor's real layout, and their fixture files in tests/ingest/fixtures.
OTHERS = [n for n in sorted(HEADERS) if not n.startswith(("nwea_", "iready_"))] + sorted(
    p.name for p in (Path(__file__).parent / "fixtures").glob("*.csv")
    if not p.name.startswith(("nwea_", "iready_"))
)


@pytest.mark.parametrize("name", OTHERS)
def test_no_nwea_preset_is_picked_for_another_vendors_file(name):
    data = layout_csv(name) if name in HEADERS else (Path(__file__).parent / "fixtures" / name).read_bytes()
    found = detect_layout(read_upload(data, name if name.endswith(".csv") else f"{name}.csv", sheets="*"), name)
    assert found.name not in MY_PRESETS
    assert all(c.word == "low" for c in found.candidates if c.name in MY_PRESETS)


def test_combined_file_with_teacher_tab_delimited_is_read_exactly(db):
    """The "with Teacher" Combined export (tab-delimited .txt, Teacher Name and Teacher UID
    after Course): one test row repeats for each of the student's teachers, and the student
    still counts once."""
    headers = list(HEADERS["nwea_combined_2021"])
    at = headers.index("Course") + 1
    headers[at:at] = ["Teacher Name", "Teacher UID"]
    rows = rows_2021(combined=True)
    lines = ["\t".join(headers)]
    written = []
    for i, row in enumerate(rows):
        for teacher, uid in (("Huerta, Jacqueline", "T77"), ("Cook-Harvey, Jason", "T78"))[: 1 + i % 2]:
            cells = row | {"Teacher Name": teacher, "Teacher UID": uid}
            lines.append("\t".join(cells.get(h, "") for h in headers))
            written.append(cells)
    data = ("\r\n".join(lines) + "\r\n").encode()
    file_name = "SCRUBBED_MAP_Combo_Assessment_File_with_Teacher.txt"
    p = prepare(data, file_name)
    assert p.detection.name == "nwea_map_combined" and p.detection.word == "high"
    assert p.report.ok(), p.report.errors
    import_file(db, data, file_name)
    assert summary(db) == expected(written, "Course") == expected(rows, "Course")
