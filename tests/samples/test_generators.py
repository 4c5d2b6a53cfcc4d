"""The generated exports have the shape of the real ones, and their truth adds up."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from collabplan.samples.large import large_long_csv, large_wide_workbook
from collabplan.samples.students import SkillSpec, Student, make_roster
from collabplan.samples.trackers import (
    CANVAS_HEADER,
    MASTERY_LEVELS,
    canvas_outcome_results,
    cfa_tracker,
    masteryconnect_tracker,
)
from collabplan.samples.truth import Generated
from collabplan.samples.vendors import (
    ACADIENCE_LEVELS,
    DIBELS_LEVELS,
    DIBELS_MEASURES,
    IREADY_MATH_DOMAINS,
    IREADY_READING_DOMAINS,
    IREADY_RELATIVE,
    NWEA_ADJECTIVES,
    NWEA_MATH_GOALS,
    NWEA_READING_6_PLUS,
    NWEA_ROSTER_HEADER,
    STAR_CATEGORIES,
    acadience_reading,
    dibels8_mclass,
    iready_diagnostic,
    nwea_map_results,
    nwea_students_by_school,
    star_assessment,
)

CLASSES = (("Period 1", "Ms. Alvarez"), ("Period 2", "Mr. Okafor"), ("Period 3", "Ms. Rossi"))


@pytest.fixture(scope="module")
def roster() -> list[Student]:
    return make_roster(5, 78, 3, classes=CLASSES)


def _csv(gen: Generated) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(gen.data.decode("utf-8"))))


def _header(gen: Generated) -> list[str]:
    return next(csv.reader(io.StringIO(gen.data.decode("utf-8"))))


def test_generators_are_deterministic_from_the_seed(roster):
    skills = [SkillSpec("3.NF.1"), SkillSpec("3.NF.2")]
    assert cfa_tracker(roster, skills, seed=3).data == cfa_tracker(roster, skills, seed=3).data
    assert star_assessment(roster, seed=3).data == star_assessment(roster, seed=3).data
    assert star_assessment(roster, seed=3).data != star_assessment(roster, seed=4).data
    assert make_roster(5, 78, 3, classes=CLASSES) == roster


def test_roster_spreads_students_over_classes_with_unique_ids_and_groups(roster):
    assert len({s.student_id for s in roster}) == 78
    assert {s.class_name for s in roster} == {"Period 1", "Period 2", "Period 3"}
    assert {"ELL", "SPED", "FRL"} <= set().union(*(s.groups for s in roster))


def test_nwea_results_have_goal_column_groups_and_one_row_per_test(roster):
    subjects = {"Mathematics": [SkillSpec(n) for n in NWEA_MATH_GOALS],
                "Reading": [SkillSpec(n) for n in NWEA_READING_6_PLUS]}
    gen = nwea_map_results(roster, subjects, absent_rate=0.0)
    header = _header(gen)
    for n in range(1, 9):
        for part in ("Name", "RitScore", "StdErr", "Range", "Adjective"):
            assert f"Goal{n}{part}" in header
    rows = _csv(gen)
    assert len(rows) == 78 * 2 * 2 == gen.truth["rows"]
    assert {r["TermName"] for r in rows} == {"Fall 2025-2026", "Winter 2025-2026"}
    assert {r["Goal1Adjective"] for r in rows} <= set(NWEA_ADJECTIVES)
    reading = [r for r in rows if r["MeasurementScale"] == "Reading"]
    assert reading[0]["Goal2Name"] == "Literary Text: Language, Craft, and Structure"  # commas survive
    assert all(r["Goal6Name"] == "" for r in rows)


def test_nwea_roster_has_names_and_grades(roster):
    rows = _csv(nwea_students_by_school(roster))
    assert list(rows[0]) == list(NWEA_ROSTER_HEADER)
    assert len(rows) == 78 and {r["Grade"] for r in rows} == {"3"}


def test_cfa_tracker_has_the_teacher_layout(roster):
    skills = [SkillSpec("3.NF.1"), SkillSpec("3.NF.2"), SkillSpec("3.MD.1")]
    gen = cfa_tracker(roster, skills, seed=2, absent_rate=0.1)
    wb = openpyxl.load_workbook(io.BytesIO(gen.data))
    assert wb.sheetnames == ["Period 1", "Period 2", "Period 3"]
    ws = wb["Period 1"]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:J1", "A2:J2"}
    assert [c.value for c in ws[4]][:3] == ["Student", "ID", "Q1"]
    assert [c.value for c in ws[4]][-2:] == ["Total", "%"]
    assert ws["A5"].value == "Standard" and ws["C5"].value == "3.NF.1"
    assert ws["A6"].value == "Points possible" and isinstance(ws["C6"].value, int)
    names = [ws.cell(r, 1).value for r in range(7, ws.max_row + 1)]
    assert names[9] is None  # the blank spacer row after the ninth student
    assert names[-1] == "Class average" and names[-2] is None
    students = [n for n in names[:-1] if n]
    assert all(", " in n for n in students)
    ids = [ws.cell(r, 2).value for r in range(7, ws.max_row) if ws.cell(r, 1).value not in (None, "Class average")]
    assert all(isinstance(i, int) for i in ids)
    assert "Absent" in [c for s in wb for c in (s.cell(r, 3).value for r in range(7, s.max_row))]
    total = [c.value for c in ws[4]].index("Total") + 1
    totals = [ws.cell(r, total).value for r in range(7, ws.max_row) if isinstance(ws.cell(r, total).value, str)]
    assert totals and all(t.startswith("=SUM(C") for t in totals)
    assert str(ws.cell(ws.max_row, total).value).startswith("=AVERAGE(")
    assert gen.truth["students"] == 78
    assert gen.truth["rows"] < 78  # absent students have no scores


def test_cfa_truth_counts_only_scored_students(roster):
    gen = cfa_tracker(roster, [SkillSpec("3.NF.1")], seed=9, absent_rate=0.1)
    admin = gen.truth["administrations"][0]
    assert admin["skills"]["3.NF.1"]["students"] == gen.truth["rows"]
    assert admin["assessment"] == "Grade 3 Unit 4 CFA" and admin["term"] is None


def test_canvas_outcome_results_are_long_with_a_mastery_score_per_row(roster):
    outcomes = [SkillSpec("RI.7.6 Author's point of view"), SkillSpec("RL.7.1 Cite textual evidence")]
    gen = canvas_outcome_results(roster, outcomes)
    rows = _csv(gen)
    assert _header(gen) == list(CANVAS_HEADER)
    assert len(rows) == 78 * 2 == gen.truth["rows"]
    assert {r["learning outcome mastery score"] for r in rows} == {"3"}
    assert all(", " in r["student name"] for r in rows)
    assert {r["outcome score"] for r in rows} <= {"0", "1", "2", "3", "4"}
    ordered = [r["student sis id"] for r in rows]
    assert ordered != sorted(ordered)  # random order, like the real report


def test_iready_has_domain_placement_columns_and_relative_placements(roster):
    gen = iready_diagnostic(roster, "Reading", [SkillSpec(n) for n in IREADY_READING_DOMAINS])
    header = _header(gen)
    for d in IREADY_READING_DOMAINS:
        assert {f"{d} Scale Score", f"{d} Placement", f"{d} Relative Placement"} <= set(header)
    assert {"Overall Relative Placement", "English Language Learner", "Norming Window", "Completion Date"} <= set(header)
    rows = _csv(gen)
    assert {r["Phonics Relative Placement"] for r in rows} <= set(IREADY_RELATIVE)
    assert {r["Norming Window"] for r in rows} == {"Fall", "Winter", "Spring"}
    assert {r["English Language Learner"] for r in rows} == {"Y", "N"}
    math = iready_diagnostic(roster, "Math", [SkillSpec(n) for n in IREADY_MATH_DOMAINS])
    assert "Algebra and Algebraic Thinking Relative Placement" in _header(math)
    assert "Quantile Measure" in _header(math)


def test_star_benchmark_category_follows_the_percentile_rank(roster):
    rows = _csv(star_assessment(roster, "Math"))
    for r in rows:
        pr = int(r["PercentileRank"])
        expected = STAR_CATEGORIES[sum(pr >= c for c in (10, 25, 40))]
        assert r["RenaissanceBenchmarkCategoryName"] == expected
    assert {r["ScreeningPeriodWindowName"] for r in rows} == {"Fall", "Winter", "Spring"}
    assert {r["AssessmentType"] for r in rows} == {"Star Math"}


def test_dibels8_has_score_and_level_per_measure_and_blank_untested_measures(roster):
    gen = dibels8_mclass(roster, [SkillSpec("Reading Fluency (ORF)")])
    header = _header(gen)
    for m in DIBELS_MEASURES:
        assert f"{m} Score" in header and f"{m} Level" in header
    rows = _csv(gen)
    assert {r["Benchmark Period"] for r in rows} == {"BOY", "MOY", "EOY"}
    assert {r["Reading Fluency (ORF) Level"] for r in rows} <= set(DIBELS_LEVELS)
    assert {r["Letter Names (LNF) Level"] for r in rows} == {""}


def test_acadience_has_status_columns_per_measure(roster):
    gen = acadience_reading(roster, [SkillSpec("ORF Words Correct"), SkillSpec("Retell")])
    rows = _csv(gen)
    assert {r["Benchmark Period"] for r in rows} == {"Beginning", "Middle", "End"}
    assert {r["Retell Status"] for r in rows} <= set(ACADIENCE_LEVELS)
    assert {r["Reading Composite Status"] for r in rows} <= set(ACADIENCE_LEVELS)


def test_masteryconnect_has_a_column_per_standard_with_levels_or_percents(roster):
    standards = [SkillSpec("RL.7.1"), SkillSpec("RI.7.6")]
    rows = _csv(masteryconnect_tracker(roster, standards))
    assert {r["RI.7.6"] for r in rows} <= {*MASTERY_LEVELS, ""}
    first = rows[0]
    assert int(first["Mastery"]) + int(first["Near Mastery"]) + int(first["Remediation"]) <= 2
    percent = _csv(masteryconnect_tracker(roster, standards, scores="percent"))
    assert all(r["RL.7.1"].endswith("%") for r in percent if r["RL.7.1"])


def test_truth_pct_proficient_is_proficient_over_students(roster):
    gen = iready_diagnostic(roster, "Math", [SkillSpec(n) for n in IREADY_MATH_DOMAINS])
    for admin in gen.truth["administrations"]:
        for entry in admin["skills"].values():
            assert entry["pct_proficient"] == round(100 * entry["proficient"] / entry["students"], 1)


def test_large_generators_write_the_asked_size():
    wide = large_wide_workbook(300, 12)
    rows = list(openpyxl.load_workbook(io.BytesIO(wide.data), read_only=True)["Scores"].values)
    assert len(rows) == 301 and len(rows[0]) == 5 + 12
    assert wide.truth["students"] == 300 and len(wide.truth["administrations"][0]["skills"]) == 12
    long = large_long_csv(200, 5)
    assert long.data.count(b"\n") == 1 + 200 * 5 == 1 + long.truth["rows"]
