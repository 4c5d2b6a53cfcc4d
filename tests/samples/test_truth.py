"""Every sample export reproduces its truth exactly, through its mapping and without one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from collabplan import metrics
from collabplan.ingest.load import import_file, import_files
from collabplan.ingest.mapping import load_mapping
from collabplan.ingest.normalise.prepare import prepare

SAMPLES = {
    "cfa_grade3_unit4_tracker": "cfa_grade3_unit4_tracker.xlsx",
    "canvas_outcome_results": "canvas_outcome_results.csv",
    "nwea_map_CombinedAssessmentResults": "nwea_map_CombinedAssessmentResults.csv",
}
ROOT = Path(__file__).resolve().parents[2]


def truth_rows(truth: dict, assessment: str | None = None) -> set[tuple]:
    return {
        (
            assessment or a["assessment"],
            a["term"],
            skill,
            v["students"],
            v["proficient"],
            v["pct_proficient"],
        )
        for a in truth["administrations"]
        for skill, v in a["skills"].items()
    }


def summary_rows(db, assessment: str | None = None) -> set[tuple]:
    df = metrics.skill_summary(db)
    return {
        (
            assessment or r.assessment,
            None if not isinstance(r.term, str) else r.term,
            r.skill,
            int(r.students),
            int(r.proficient),
            float(r.pct_proficient),
        )
        for r in df.itertuples()
    }


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_matches_truth_through_its_mapping(db, samples, name):
    truth = json.loads((samples / f"{name}.truth.json").read_text())
    mapping = load_mapping(samples / f"{name}.mapping.toml")
    data = (samples / SAMPLES[name]).read_bytes()
    prepared = prepare(data, SAMPLES[name], mapping)
    assert prepared.report.students == truth["students"]
    assert prepared.report.scored_rows == truth["rows"]
    result = import_file(db, data, SAMPLES[name], mapping)
    assert result.students == truth["students"]
    assert summary_rows(db) == truth_rows(truth)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_matches_truth_without_a_mapping(db, samples, name):
    truth = json.loads((samples / f"{name}.truth.json").read_text())
    data = (samples / SAMPLES[name]).read_bytes()
    prepared = prepare(data, SAMPLES[name])
    assert "(preset)" in prepared.detected or "(detected)" in prepared.detected
    assert prepared.report.students == truth["students"]
    assert prepared.report.scored_rows == truth["rows"]
    import_file(db, data, SAMPLES[name])
    # a detected tracker is named by its title row; presets name assessments like the truth
    rename = "Grade 3 Math - Unit 4 Fractions CFA" if name.startswith("cfa") else None
    assert summary_rows(db) == truth_rows(truth, rename)


def run_cli(*args: str, db_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "collabplan", *args, "--db", str(db_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_matches_truth_through_the_command_line(db_path, samples, name):
    truth = json.loads((samples / f"{name}.truth.json").read_text())
    done = run_cli(
        "import",
        str(samples / SAMPLES[name]),
        "--mapping",
        str(samples / f"{name}.mapping.toml"),
        "--json",
        db_path=db_path,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["students"] == truth["students"]
    assert result["duplicate"] is False
    assert result["administrations"] == len(truth["administrations"])
    names = sorted({a["assessment"] for a in truth["administrations"]})
    assert result["assessment"] == (names[0] if len(names) == 1 else names)
    done = run_cli("skills", "--json", db_path=db_path)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    got = {
        (
            r["assessment"],
            r["term"],
            r["skill"],
            r["students"],
            r["proficient"],
            r["pct_proficient"],
        )
        for r in rows
    }
    assert got == truth_rows(truth)
    assert all(
        set(r)
        == {
            "assessment",
            "term",
            "date",
            "skill",
            "students",
            "proficient",
            "pct_proficient",
            "status",
        }
        for r in rows
    )


def test_nwea_results_and_roster_join_in_either_order(db, samples):
    results = (samples / "nwea_map_CombinedAssessmentResults.csv").read_bytes()
    roster = (samples / "nwea_map_StudentsBySchool.csv").read_bytes()
    out = import_files(
        db,
        [
            ("nwea_map_StudentsBySchool.csv", roster),
            ("nwea_map_CombinedAssessmentResults.csv", results),
        ],
    )
    assert [r.scores == 0 for r in out] == [True, False]
    assert db.scalar("SELECT count(*) FROM student") == 96
    assert db.scalar("SELECT count(*) FROM student WHERE display_name IS NULL") == 0
    assert db.scalar("SELECT count(*) FROM student WHERE grade IS NULL") == 0
    assert (
        db.scalar("SELECT count(*) FROM student_group WHERE group_name LIKE 'Ethnicity: %'") == 96
    )
    by_grade = metrics.skill_summary(db, by="grade")
    assert set(by_grade["by"]) <= {"2", "3", "4", "5"} and by_grade["by"].notna().all()


def test_nwea_roster_after_results_names_the_students(db, samples):
    import_file(db, (samples / "nwea_map_CombinedAssessmentResults.csv").read_bytes(), "r.csv")
    assert db.scalar("SELECT count(*) FROM student WHERE display_name IS NOT NULL") == 0
    import_file(
        db, (samples / "nwea_map_StudentsBySchool.csv").read_bytes(), "StudentsBySchool.csv"
    )
    assert db.scalar("SELECT count(*) FROM student") == 96
    assert (
        db.scalar("SELECT count(*) FROM student WHERE display_name IS NULL OR grade IS NULL") == 0
    )
