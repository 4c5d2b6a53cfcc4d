"""Canvas, MasteryConnect, ZipGrade, Google Forms and the state score files (CAASPP, STAAR,
Florida FAST), imported with NO mapping from fixtures in their real header order
(tests/ingest/fixtures/<vendor>_<variant>.csv): each must be read exactly. The expected numbers
are worked out here from the fixture rows by the vendor's own conventions, not by the importer."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import pytest

from collabplan.ingest.detect import HIGH, detect_layout
from collabplan.ingest.normalise.prepare import prepare
from collabplan.ingest.read import read_upload
from tests.real_layouts import HEADERS, layout_csv

FIXTURES = Path(__file__).parent / "fixtures"
MINE = {
    "canvas_outcome_results", "canvas_student_competency", "masteryconnect_items",
    "masteryconnect_tracker", "zipgrade", "google_forms_quiz", "caaspp_cers", "staar", "florida_fast",
}

Counts = dict[tuple[str, str | None, str], tuple[int, int]]


def load(file: str, preset: str):
    """The fixture imported with no mapping (the preset must be chosen, sure), and its rows."""
    data = (FIXTURES / file).read_bytes()
    p = prepare(data, file)
    assert p.detection is not None and p.detection.name == preset
    assert p.detection.word == "high" and p.detection.confidence >= HIGH
    assert p.report.ok(), p.report.errors
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert list(rows[0]) == header_row(file)
    return p, rows


def header_row(file: str) -> list[str]:
    return next(csv.reader(io.StringIO((FIXTURES / file).read_text())))


def got(p) -> Counts:
    """(assessment, window, skill) -> (students scored, students proficient) as imported."""
    students: dict = defaultdict(set)
    prof: dict = defaultdict(set)
    for r in p.scores.to_pylist():
        if r["item"] is None:
            k = (r["assessment"], r["term"], r["skill"])
            students[k].add(r["local_id"])
            if r["proficient"]:
                prof[k].add(r["local_id"])
    return {k: (len(v), len(prof[k])) for k, v in students.items()}


def count(scored: dict[tuple, dict[str, bool]]) -> Counts:
    """Expected counts from {(assessment, window, skill): {student: proficient}}."""
    return {k: (len(v), sum(v.values())) for k, v in scored.items()}


def latest(rows: list[dict], key, when) -> list[dict]:
    """Keep each key's row with the latest ``when`` (a retest replaces the earlier sitting)."""
    best: dict = {}
    for r in rows:
        k = key(r)
        if k not in best or when(r) >= when(best[k]):
            best[k] = r
    return list(best.values())


# -- Canvas ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("file", "preset", "title"),
    [
        ("canvas_outcome_results.csv", "canvas_outcome_results", "assessment title"),
        ("canvas_student_competency.csv", "canvas_student_competency", "assignment title"),
    ],
)
def test_canvas_reports_are_read_exactly(file, preset, title):
    p, rows = load(file, preset)
    assert header_row(file) == HEADERS[preset]
    kept = [r for r in rows if r["enrollment state"] != "deleted" and r["outcome score"] != ""]
    kept = latest(
        kept,
        key=lambda r: (r["student sis id"], r[title], r["learning outcome name"]),
        when=lambda r: r["submission date"],
    )
    want: dict = defaultdict(dict)
    for r in kept:
        want[(r[title], None, r["learning outcome name"])][r["student sis id"]] = (
            float(r["outcome score"]) >= float(r["learning outcome mastery score"])
        )
    assert got(p) == count(want)
    assert p.report.students == len({r["student sis id"] for r in kept})
    assert any("filtered out" in w and "deleted" in w for w in p.report.warnings)
    assert any("replaced by a retest" in w for w in p.report.warnings)


# -- MasteryConnect -------------------------------------------------------------------------------
def test_masteryconnect_item_export_sums_a_standards_questions():
    p, rows = load("masteryconnect_items.csv", "masteryconnect_items")
    want: dict = defaultdict(dict)
    for r in rows:
        earned: dict = defaultdict(float)
        possible: dict = defaultdict(float)
        n = 1
        while f"question_{n}_standard" in r:
            if r[f"question_{n}_points"] != "":
                std = r[f"question_{n}_standard"]
                earned[std] += float(r[f"question_{n}_points"])
                possible[std] += float(r[f"question_{n}_points_possible"])
            n += 1
        for std in earned:
            want[("masteryconnect_items", None, std)][r["student_id"]] = earned[std] / possible[std] >= 0.8
    assert got(p) == count(want)
    # RL.7.1 spans questions 1 and 3: a summed score, not the last question's
    ana = {r["skill"]: r for r in p.scores.to_pylist() if r["local_id"] == "301" and r["item"] is None}
    assert (ana["RL.7.1"]["points"], ana["RL.7.1"]["max_points"]) == (4.0, 4.0)


def test_masteryconnect_tracker_is_read_exactly():
    p, rows = load("masteryconnect_tracker.csv", "masteryconnect_tracker")
    standards = [h for h in header_row("masteryconnect_tracker.csv")
                 if h not in ("Student ID", "Last Name", "First Name", "Section", "Mastery",
                              "Near Mastery", "Remediation")]
    want: dict = defaultdict(dict)
    for r in rows:
        for s in standards:
            if r[s]:
                want[("masteryconnect_tracker", None, s)][r["Student ID"]] = r[s] == "Mastery"
    assert got(p) == count(want)
    assert p.report.students == len(rows)


# -- ZipGrade and Google Forms ----------------------------------------------------------------------
def test_zipgrade_full_csv_is_a_score_per_quiz_not_per_total_column():
    p, rows = load("zipgrade.csv", "zipgrade")
    assert header_row("zipgrade.csv") == HEADERS["zipgrade"]
    want: dict = defaultdict(dict)
    for r in rows:
        want[(r["QuizName"], None, r["QuizName"])][r["StudentID"]] = (
            float(r["Earned Points"]) / float(r["Possible Points"]) >= 0.8
        )
    assert got(p) == count(want)
    skills = {s["skill"] for s in p.scores.to_pylist()}
    assert not skills & {"Earned Points", "Possible Points", "PercentCorrect", "Key Version"}
    dates = {a["assessment"]: a["date"].isoformat() for a in p.administrations.to_pylist()}
    assert dates == {"Unit 4 Test": "2019-10-08", "Unit 5 Quiz": "2019-11-12"}
    assert not any("day or month" in w for w in p.report.warnings)


def test_google_forms_quiz_reads_earned_over_possible_and_keeps_the_latest_response():
    p, rows = load("google_forms_quiz.csv", "google_forms_quiz")
    assert header_row("google_forms_quiz.csv") == HEADERS["google_forms_quiz"]

    def when(r):  # "2026/09/27 3:00:00 PM GMT+3": date, then 12-hour clock
        day, clock, half = r["Timestamp"].split()[:3]
        h, m, s = (int(x) for x in clock.split(":"))
        return day, (h % 12 + (12 if half == "PM" else 0), m, s)

    kept = latest(rows, key=lambda r: r["Email Address"], when=when)
    want: dict = defaultdict(dict)
    for r in kept:
        earned, possible = (float(x) for x in r["Score"].split("/"))
        want[("google_forms_quiz", None, "google_forms_quiz")][r["Email Address"]] = earned / possible >= 0.8
    assert got(p) == count(want)
    assert p.report.students == len(kept)
    ben = [s for s in p.scores.to_pylist() if s["local_id"] == "ben.ode@school.org"]
    assert [(s["points"], s["max_points"]) for s in ben] == [(3.0, 3.0)]
    assert p.administrations.to_pylist()[0]["date"].isoformat() == "2026-09-27"


# -- state score files ----------------------------------------------------------------------------
def test_caaspp_cers_is_read_by_test_subject_and_year():
    p, rows = load("caaspp_cers.csv", "caaspp_cers")
    assert header_row("caaspp_cers.csv") == HEADERS["caaspp_cers"]
    kept = latest(rows, key=lambda r: (r["StudentIdentifier"], r["AssessmentName"], r["SchoolYear"]),
                  when=lambda r: r["SubmitDateTime"])
    want: dict = defaultdict(dict)
    for r in kept:  # 1..4 summative (3 = Standard Met), 1..3 interim (3 = Above Standard)
        want[(r["AssessmentName"], r["SchoolYear"], r["Subject"])][r["StudentIdentifier"]] = (
            int(r["ScaleScoreAchievementLevel"]) >= 3
        )
    assert got(p) == count(want)


def test_staar_reads_meets_grade_level_and_leaves_out_unscored_tests():
    p, rows = load("staar_3_8.csv", "staar")
    assert header_row("staar_3_8.csv") == HEADERS["staar_3_8"]
    want: dict = defaultdict(dict)
    for r in rows:
        if r["Score Code"] == "S":
            want[("STAAR", r["Administration Date"], r["TestSubject"])][r["TX Unique Student-ID"]] = (
                r["Meets Grade Level"] == "1"
            )
    assert got(p) == count(want)
    assert any('Score Code is "A"' in w for w in p.report.warnings)


@pytest.mark.parametrize(
    ("file", "layout"),
    [
        ("fast_math_grade3.csv", "fast_math_grade3"),
        ("fast_ela.csv", "fast_ela"),
        ("fast_ela_2021_upper.csv", "fast_ela_2021_upper"),
    ],
)
def test_florida_fast_is_read_by_test_and_window(file, layout):
    p, rows = load(file, "florida_fast")
    headers = header_row(file)
    assert headers == HEADERS[layout]
    [level_col] = [h for h in headers if h.lower().replace("_", " ").endswith("achievement level")]
    test = level_col[: -len(" Achievement Level")]
    sid, window, taken = headers[1], headers[14], headers[16]

    def when(r):  # MM/DD/YYYY or MM-DD-YYYY
        m, d, y = r[taken].replace("-", "/").split("/")
        return (y, m, d)

    kept = latest(rows, key=lambda r: (r[sid], r[window]), when=when)
    want: dict = defaultdict(dict)
    for r in kept:  # "3" or "Level 3": level 3 and up is on grade level
        want[("FAST", r[window], test)][r[sid]] = int(r[level_col].split()[-1]) >= 3
    assert got(p) == count(want)
    assert not {s["skill"] for s in p.scores.to_pylist()} & {h for h in headers if "erformance" in h}


#: The real layouts (tests/real_layouts.py) these presets read, with the preset for each.
OWN_LAYOUTS = {
    "canvas_outcome_results": "canvas_outcome_results",
    "canvas_student_competency": "canvas_student_competency",
    "zipgrade": "zipgrade", "google_forms_quiz": "google_forms_quiz", "caaspp_cers": "caaspp_cers",
    "staar_3_8": "staar", "fast_math_grade3": "florida_fast", "fast_ela": "florida_fast",
    "fast_ela_2021_upper": "florida_fast",
}


@pytest.mark.parametrize("name", sorted(OWN_LAYOUTS))
def test_each_real_layout_imports_cleanly_with_its_preset(name):
    p = prepare(layout_csv(name), f"{name}.csv")
    assert p.detection.name == OWN_LAYOUTS[name] and p.detection.word == "high"
    assert p.report.ok() and p.report.students == 6
    assert not p.report.warnings


# -- the other vendors' files are not taken for these ----------------------------------------------
@pytest.mark.parametrize("name", sorted(set(HEADERS) - set(OWN_LAYOUTS)))
def test_other_vendors_layouts_are_not_read_by_these_presets(name):
    found = detect_layout(read_upload(layout_csv(name), f"{name}.csv", sheets="*"), f"{name}.csv")
    assert found.name not in MINE
    assert not any(c.usable and c.name in MINE for c in found.candidates)
