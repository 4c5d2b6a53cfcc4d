"""Each generated vendor export is recognised without a mapping and imports to its truth exactly."""

from __future__ import annotations

from typing import Any

import pytest

from collabplan import metrics
from collabplan.ingest.load import import_file, import_files
from collabplan.ingest.mapping import load_mapping
from collabplan.ingest.normalise.prepare import prepare
from collabplan.samples.students import SCHOOL_YEAR, SkillSpec, Student, make_roster
from collabplan.samples.trackers import canvas_outcome_results, cfa_tracker, masteryconnect_tracker
from collabplan.samples.truth import Generated
from collabplan.samples.vendors import (
    IREADY_MATH_DOMAINS,
    IREADY_READING_DOMAINS,
    NWEA_MATH_GOALS,
    NWEA_READING_GOALS,
    acadience_reading,
    dibels8_mclass,
    iready_diagnostic,
    nwea_map_results,
    nwea_students_by_school,
    star_assessment,
)

CLASSES = (("Room 12", "Ms. Alvarez"), ("Room 14", "Mr. Chen"), ("Room 15", "Ms. Rossi"))


@pytest.fixture(scope="module")
def roster() -> list[Student]:
    return make_roster(7, 75, 3, classes=CLASSES)


def assert_matches_truth(
    db, truth: dict[str, Any], assessment: str | None = None, *, by_date: bool = True
) -> None:
    """Every (administration, skill) of the truth has exactly its students and proficient counts."""
    df = metrics.skill_summary(db)
    expected = 0
    for admin in truth["administrations"]:
        name = assessment or admin["assessment"]
        rows = df[df["assessment"] == name]
        if admin["term"] is not None:
            rows = rows[rows["term"] == admin["term"]]
        elif admin["date"] is not None and by_date:
            rows = rows[rows["date"].astype(str).str[:10] == admin["date"]]
        got = {r.skill: (r.students, r.proficient, r.pct_proficient) for r in rows.itertuples()}
        want = {k: (v["students"], v["proficient"], v["pct_proficient"]) for k, v in admin["skills"].items()}
        assert got == want, f"{name} {admin['term'] or admin['date']}"
        expected += len(want)
    assert len(df) == expected


def _import_and_check(
    db, gen: Generated, label: str, assessment: str | None = None, *, by_date: bool = True
) -> None:
    prepared = prepare(gen.data, gen.file_name)
    assert label in prepared.detected
    assert prepared.report.ok()
    result = import_file(db, gen.data, gen.file_name)
    assert not result.duplicate
    assert result.students == gen.truth["students"]
    assert_matches_truth(db, gen.truth, assessment, by_date=by_date)


def test_iready_reading_is_detected_and_imports_to_truth(db, roster):
    domains = [SkillSpec(n) for n in IREADY_READING_DOMAINS]
    domains[3] = SkillSpec("Vocabulary", offset=-0.7, growth=0.15, gaps={"ELL": -0.6})
    gen = iready_diagnostic(roster, "Reading", domains, seed=3)
    _import_and_check(db, gen, "i-Ready Diagnostic results (Reading)")


def test_iready_reading_sets_ell_sped_frl_flags_from_yes_no_columns(db, roster):
    gen = iready_diagnostic(roster, "Reading", [SkillSpec("Vocabulary")], seed=4, absent_rate=0.0)
    import_file(db, gen.data, gen.file_name)
    for group in ("ELL", "SPED", "FRL"):
        want = {s.student_id for s in roster if group in s.groups}
        got = {
            r[0]
            for r in db.rows(
                "SELECT st.local_id FROM student_group sg JOIN student st ON st.id = sg.student_id"
                " WHERE sg.group_name = ?",
                [group],
            )
        }
        assert got == want, group


def test_iready_reading_grade_7_tested_out_domains_are_not_scored(db):
    roster7 = make_roster(8, 40, 7, classes=CLASSES)
    gen = iready_diagnostic(roster7, "Reading", [SkillSpec(n) for n in IREADY_READING_DOMAINS], seed=5)
    assert b"Tested Out" in gen.data
    _import_and_check(db, gen, "i-Ready Diagnostic results (Reading)")
    skills = {r[0] for r in db.rows("SELECT DISTINCT skill FROM score")}
    assert "Phonics" not in skills and "Vocabulary" in skills


def test_iready_math_is_detected_and_imports_to_truth(db, roster):
    gen = iready_diagnostic(roster, "Math", [SkillSpec(n) for n in IREADY_MATH_DOMAINS], seed=6)
    _import_and_check(db, gen, "i-Ready Diagnostic results (Math)")


@pytest.mark.parametrize("subject", ["Reading", "Math"])
def test_star_is_detected_and_imports_to_truth(db, roster, subject):
    gen = star_assessment(roster, subject, seed=9)
    _import_and_check(db, gen, "Renaissance Star")


def test_dibels8_mclass_is_detected_and_imports_to_truth(db, roster):
    measures = [
        SkillSpec("Decoding (NWF-WRC)"), SkillSpec("Word Reading (WRF)"),
        SkillSpec("Reading Fluency (ORF)", offset=-0.4), SkillSpec("Reading Accuracy (ORF-Accu)"),
        SkillSpec("Reading Comprehension (Maze)", growth=0.1),
    ]
    gen = dibels8_mclass(roster, measures, seed=10)
    _import_and_check(db, gen, "DIBELS 8th Edition")


def test_acadience_is_detected_and_imports_to_truth(db, roster):
    measures = [SkillSpec("ORF Words Correct"), SkillSpec("ORF Accuracy"), SkillSpec("Retell", -0.5),
                SkillSpec("Maze Adjusted Score")]
    gen = acadience_reading(roster, measures, seed=11)
    _import_and_check(db, gen, "Acadience Reading")


def test_masteryconnect_is_detected_and_imports_to_truth(db, roster):
    standards = [SkillSpec("3.NF.A.1"), SkillSpec("3.NF.A.2", -0.6), SkillSpec("3.OA.B.5")]
    gen = masteryconnect_tracker(roster, standards, seed=12, file_name="Grade 3 Math Tracker.csv")
    # no name or date column: the file's name names the assessment, the upload day dates it
    _import_and_check(db, gen, "MasteryConnect tracker", assessment="Grade 3 Math Tracker", by_date=False)


def test_masteryconnect_percent_scores_import_with_their_mapping(db, roster):
    standards = [SkillSpec("3.NF.A.1"), SkillSpec("3.MD.A.1", 0.4)]
    gen = masteryconnect_tracker(roster, standards, scores="percent", seed=13, assessment="Grade 3 Tracker")
    import_file(db, gen.data, gen.file_name, load_mapping(gen.mapping_toml))
    assert_matches_truth(db, gen.truth)


def test_generated_nwea_results_and_roster_import_to_truth(db, roster):
    subjects = {
        "Mathematics": [SkillSpec(n) for n in NWEA_MATH_GOALS],
        "Reading": [SkillSpec(n) for n in NWEA_READING_GOALS],
    }
    results = nwea_map_results(roster, subjects, SCHOOL_YEAR, seed=14)
    students = nwea_students_by_school(roster)
    out = import_files(db, [(results.file_name, results.data), (students.file_name, students.data)])
    assert len(out) == 2
    assert_matches_truth(db, results.truth)
    grades = {r[0] for r in db.rows("SELECT DISTINCT grade FROM student")}
    assert grades == {"3"}


def test_generated_canvas_outcome_results_import_to_truth(db, roster):
    outcomes = [SkillSpec("RI.7.6 Author's point of view", -0.8), SkillSpec("RL.7.1 Cite textual evidence")]
    gen = canvas_outcome_results(roster, outcomes, seed=15)
    # the generated file has the Student Competency report's "assignment title" column
    _import_and_check(db, gen, "Canvas Student Competency")


def test_generated_cfa_tracker_imports_to_truth_with_its_mapping(db, roster):
    standards = [SkillSpec("3.NF.1"), SkillSpec("3.NF.2", -0.5), SkillSpec("3.MD.1", 0.3)]
    gen = cfa_tracker(roster, standards, seed=16)
    result = import_file(db, gen.data, gen.file_name, load_mapping(gen.mapping_toml))
    assert result.students == gen.truth["students"] or result.students == gen.truth["rows"]
    assert_matches_truth(db, gen.truth)


def test_generated_cfa_tracker_is_detected_without_a_mapping(db, roster):
    standards = [SkillSpec("3.NF.1"), SkillSpec("3.NF.2", -0.5)]
    gen = cfa_tracker(roster, standards, seed=17, file_name="unit4_cfa.xlsx")
    prepared = prepare(gen.data, gen.file_name)
    assert sorted(prepared.report.skills) == ["3.NF.1", "3.NF.2"]
    import_file(db, gen.data, gen.file_name)
    df = metrics.skill_summary(db)
    want = gen.truth["administrations"][0]["skills"]
    assert {r.skill: (r.students, r.proficient) for r in df.itertuples()} == {
        k: (v["students"], v["proficient"]) for k, v in want.items()
    }
