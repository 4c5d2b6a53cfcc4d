"""Small files in the real header order of today's exports (tests/ingest/fixtures/
real_layout_headers.json, copied verbatim from the compiled layout notes and their public
sources: NWEA CDF, i-Ready Diagnostic Results, Renaissance Star, mCLASS, DIBELS Data System,
Acadience, CAASPP CERS, STAAR, Florida FAST, Canvas, ZipGrade, Google Forms).

The cells hold synthetic students with values in each vendor's conventions (an id is digits, a
date is 08/23/2023, a RIT score 217, a goal adjective "Avg", a level "At Benchmark" …), so a
detector sees what it would see in a real download.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

HEADERS: dict[str, list[str]] = {
    k: v
    for k, v in json.loads(
        (Path(__file__).parent / "ingest" / "fixtures" / "real_layout_headers.json").read_text()
    ).items()
    if not k.startswith("_")
}

#: Values by header (exact) for headers whose convention the generic rules below miss.
_EXACT = {
    "TermName": "Fall 2021-2022", "MeasurementScale": "Mathematics", "Discipline": "Mathematics",
    "Subject": "Mathematics", "Course": "Math K-12", "TestType": "Survey With Goals",
    "TestName": "Growth: Math 6+ CCSS 2010 V2", "GrowthMeasureYN": "TRUE",
    "Norming Window": "Fall (Beginning of Year - November 15)", "AssessmentType": "Enterprise",
    "AssessmentStatus": "Active", "ScreeningPeriodWindowName": "Fall",
    "Benchmark Period": "BOY", "Assessment": "mCLASS", "Assessment Edition": "DIBELS 8th Edition",
    "assessment title": "Unit 2 Quiz", "assignment title": "Unit 2 Quiz",
    "assessment type": "quiz", "learning outcome name": "RL.7.1 Cite textual evidence",
    "QuizName": "Unit 4 Test", "QuizClass": "2nd Period", "Key Version": "1",
    "Test Reason": "PM1 2022-23", "Test OppNumber": "Most Recent Assessment",
    "TestSubject": "MATH", "Administration Date": "0419", "Score Code": "S",
    "AssessmentSubType": "IAB", "Completeness": "Complete", "AdministrationCondition": "Valid",
    "Score": "4 / 5", "Email Address": "ana.lee@school.org", "School Year": "2023-2024",
    "enrollment state": "active", "Activity Type": "Star Reading Enterprise Tests",
    "NormsReferenceData": "2020", "WISelectedAYFall": "7", "WIPreviousAYFall": "7",
}
#: Values by header (exact) that differ from student to student (student i takes item i mod n):
#: levels and flags the presets read, and dates and ids in the vendor's own form.
_BY_STUDENT = {
    "ScaleScoreAchievementLevel": ["3", "2", "4", "1"],  # CAASPP 1..4
    "Approaches Grade Level": ["1", "1", "1", "0"],  # STAAR 0/1 flags
    "Meets Grade Level": ["1", "0", "1", "0"],
    "Masters Grade Level": ["0", "0", "1", "0"],
    "FAST Grade 3 Mathematics Achievement Level": ["3", "2", "4", "1", "5"],  # FAST 1..5
    "FAST ELA Reading Achievement Level": ["3", "2", "4", "1", "5"],
    "FAST_GRADE_3_ELA_READING_ACHIEVEMENT_LEVEL": ["Level 3", "Level 2", "Level 4", "Level 1"],
    "QuizCreated": ["10-8-2019 0:00"],  # ZipGrade M-D-YYYY H:MM
    "DataExported": ["10-10-2019 15:23"],
    "Timestamp": ["2026/09/27 3:00:00 PM GMT+3", "2026/09/27 3:02:10 PM GMT+3"],  # Google Forms
}
_RULES: tuple[tuple[str, str], ...] = (
    (r"adjective|quintile|metprojectedgrowth", "Avg"),
    (r"goal\d+name|goalname", "Geometry"),
    (r"goal\d+range", "209-221"),
    (r"relativeplacement", "Early On Grade Level"),
    (r"placement", "Mid 3"),
    (r"benchmarkcategoryname|benchmarkcategory$", "At/Above Benchmark"),
    (r"level$|status$|statusname", "At Benchmark"),
    (r"lexile|quantile", "765L"),
    (r"(date|dob|birthdate)$|^date", "08/23/2023"),
    (r"datetime|launch", "2023-05-02 19:38:53.763"),
    (r"time$", "14:16:09"),
    (r"(^|[^a-z])(first|firstname)", "Ana"),
    (r"last|surname", "Lee"),
    (r"middle|mi$", "R"),
    (r"name$", "Bonsai Elementary School"),
    (r"email", "ana.lee@school.org"),
    (r"(id|number|identifier|key|ssid)$", "__ID__"),
    (r"grade", "3"),
    (r"year", "2023-2024"),
    (r"stderr|standarderror|sem$", "3.1"),
    (r"percentile|percent|pct|rank", "55"),
    (r"minutes|duration|seconds", "45"),
    (r"(score|rit|points|correct|possible|growth|measure|sgp|gain|mark$)", "__NUM__"),
    (r"(^|_)(lnf|psf|nwf|orf|wrf|maze|composite|fsf|cls|wwr)", "__NUM__"),
    (r"^(stu|prikey)\d+", "B"),
    (r"^mark\d+", "C"),
    (r"(yn|\(y/n\))$|^(hispanic|ell|migrant|section504|specialeducation)", "N"),
    (r"gender|sex", "F"),
)


def value(header: str, student: int) -> str:
    """A plausible cell of ``header`` for synthetic student ``student`` (0, 1, 2 …)."""
    if header in _BY_STUDENT:
        return _BY_STUDENT[header][student % len(_BY_STUDENT[header])]
    if header == "Email Address":  # Google Forms: the student is the address
        return f"student{student + 1}@school.org"
    if header in _EXACT:
        return _EXACT[header]
    key = re.sub(r"[\s_\-()/:.]+", "", header.lower())
    if header.startswith(("1.", "2.", "3.")) and "?" in header:  # a quiz question
        return ["8", "2/3", "pentagon"][student % 3]
    if header.endswith("Performance"):  # FAST reporting categories, 1-3 in 2022-23 files
        return str(1 + student % 3)
    if re.search(r"_(k|\d)_(beg|mid|end)$", header.lower()):  # Acadience: composites run past 100
        return str(240 + 9 * student) if "composite" in header else str(20 + 3 * student)
    for pattern, out in _RULES:
        if re.search(pattern, key):
            if out == "__ID__":
                return str(10001 + student)
            if out == "__NUM__":
                return str(200 + 7 * student % 40)
            return out
    return "Apple Grove"


def layout_csv(name: str, students: int = 6) -> bytes:
    """A csv of ``students`` rows in the real header order of layout ``name``."""
    headers = HEADERS[name]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    for i in range(students):
        writer.writerow([value(h, i) for h in headers])
    return out.getvalue().encode()
