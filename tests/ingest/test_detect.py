"""Which preset or tracker layout fits a file given without a mapping, how sure that is, and
the question asked when nothing fits well."""

from __future__ import annotations

import pytest

from collabplan.errors import UserError
from collabplan.ingest.detect import HIGH, detect_layout, detect_mapping
from collabplan.ingest.headers import never_skill
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.prepare import prepare, prepare_sheets
from collabplan.ingest.read import read_upload
from tests.raw_sheets import sheet, skill_rows
from tests.real_layouts import HEADERS, layout_csv, value


def test_a_file_without_score_columns_names_the_keys_to_give():
    with pytest.raises(UserError, match=r"\[columns\] student_id or student_name"):
        detect_mapping([sheet([["Name", "Favourite colour"], ["Ana", "blue"]])], "x.csv")


def test_tracker_detection_finds_questions_standards_and_points():
    rows = [
        ["Quiz 3   given 11/02/2025"],
        ["Name", "Q1", "Q2", "Q3", "Total"],
        ["Standard", "RL.1", "RL.1", "RL.2", None],
        ["Points", "1", "1", "2", "4"],
        ["Ana Diaz", "1", "1", "2", "4"],
        ["Ben Ode", "0", "1", "1", "2"],
    ]
    m, described = detect_mapping([sheet(rows)], "quiz.xlsx")
    assert described == "Teacher tracker (detected)"
    p = prepare_sheets([sheet(rows)], "quiz.xlsx", m)
    assert p.report.skills == ["RL.1", "RL.2"]
    assert p.administrations.to_pylist()[0]["date"].isoformat() == "2025-11-02"
    assert skill_rows(p)[("name:ben ode", "RL.2")] == (0.5, False)


# -- scoring every layout: the real exports of today ------------------------------------------

#: Each real layout with the preset that reads it, or None: no preset reads it yet, so it is
#: refused with a question (presets for these come from real layouts in later work).
REAL_LAYOUTS = {
    "nwea_legacy_results_2013": "nwea_map_results",
    "nwea_legacy_results_2014": "nwea_map_results",
    "nwea_results_2021": "nwea_map_results_2021",  # Subject/Course replace MeasurementScale
    "nwea_combined_2021": "nwea_map_combined",  # must not be read as the roster (0 scores)
    "nwea_students_by_school": "nwea_map_students",
    "iready_ela_2019": "iready_diagnostic_reading",  # no Norming Window: [terms] from the date
    "iready_math_2019": "iready_diagnostic_math",
    "iready_ela_2022": "iready_diagnostic_reading",
    "iready_math_2022": "iready_diagnostic_math",
    "iready_ela_2023": "iready_diagnostic_reading",
    "iready_math_2023": "iready_diagnostic_math",
    "iready_ela_norming": "iready_diagnostic_reading",
    "iready_math_norming": "iready_diagnostic_math",
    "iready_ela_2018_reduced": "iready_diagnostic_reading_2018",
    "iready_math_2018_reduced": "iready_diagnostic_math_2018",
    "star_sr_v2": "renaissance_star",
    "star_sm_v2": "renaissance_star",
    "star_sel_v2": "renaissance_star",
    "star_sr_v1": "renaissance_star",
    "star_sm_v1": "renaissance_star",
    "star_sel_v1": "renaissance_star",
    "star_sr_2018": "renaissance_star_2018",
    "star_historical_ui": "renaissance_star_ui",
    "mclass_dibels8": "dibels8_mclass",
    "mclass_dibels8_2021": "dibels8_mclass",
    "mclass_dibels8_2023": "dibels8_mclass",
    "mclass_dibels8_2024": "dibels8_mclass",
    "dds_k_beginning": "dibels8_dds",
    "dds_datafarming_k_1": "dibels8_dds",
    "acadience_alo_2023": "acadience_alo",
    "acadience_alo_2021": "acadience_alo_2021",
    "acadience_data_management": "acadience_data_management",
    "acadience_data_management_ark6": "acadience_data_management",
    "caaspp_cers": "caaspp_cers",
    "staar_3_8": "staar",
    "fast_math_grade3": "florida_fast",
    "fast_ela": "florida_fast",
    "fast_ela_2021_upper": "florida_fast",
    "canvas_outcome_results": "canvas_outcome_results",
    "canvas_student_competency": "canvas_student_competency",
    "zipgrade": "zipgrade",
    "google_forms_quiz": "google_forms_quiz",
}


def detect_file(name: str):
    return detect_layout(read_upload(layout_csv(name), f"{name}.csv", sheets="*"), f"{name}.csv")


def test_every_real_layout_has_an_expectation():
    assert set(REAL_LAYOUTS) == set(HEADERS)


@pytest.mark.parametrize("name", sorted(REAL_LAYOUTS))
def test_real_layout_is_the_right_preset_with_high_confidence_or_a_question(name):
    found = detect_file(name)
    want = REAL_LAYOUTS[name]
    if want is None:
        assert found.mapping is None and found.name is None
        assert found.word == "low" and found.confidence < HIGH
        assert found.questions and all(q.endswith("?") for q in found.questions)
        assert "--mapping" in found.question and "docs/mapping.md" in found.question
        with pytest.raises(UserError) as info:
            detect_mapping(read_upload(layout_csv(name), f"{name}.csv", sheets="*"), f"{name}.csv")
        assert info.value.kind == "mapping" and "\n" not in str(info.value)
        return
    assert found.name == want and found.mapping is not None
    assert found.word == "high" and found.confidence >= HIGH
    assert found.runner_up is None or found.runner_up.score < found.confidence
    assert found.label.endswith("(preset)")


def test_files_that_are_read_import_without_error():
    for name, want in REAL_LAYOUTS.items():
        if want in ("nwea_map_results", "iready_diagnostic_reading", "renaissance_star", "nwea_map_students"):
            p = prepare(layout_csv(name), f"{name}.csv")
            assert p.detection is not None and p.detection.name == want, name
            assert p.report.ok(), (name, p.report.errors)


def test_combined_file_is_not_taken_for_the_roster():
    found = detect_file("nwea_combined_2021")
    roster = next(c for c in found.candidates if c.name == "nwea_map_students")
    assert not roster.usable and "roster leaves out" in roster.problem
    assert found.name == "nwea_map_combined" and found.runner_up.name == "nwea_map_students"


def test_iready_without_norming_window_names_the_term_from_the_completion_date():
    found = detect_file("iready_ela_2022")
    assert found.name == "iready_diagnostic_reading" and found.word == "high"
    assert "term" not in found.mapping.columns and found.mapping.terms
    assert found.notes == ["no column 'Norming Window' for the term: the term is named from "
                           "'Completion Date' by the preset's [terms]"]


def test_a_missing_term_column_is_needed_unless_terms_name_it_from_the_date():
    from collabplan.ingest.detect import _score_preset

    def preset(terms: bool) -> Mapping:
        body = {"preset": {"label": "Quiz export", "detect": ["Student", "Quiz score"]},
                "columns": {"student_id": "Student", "term": "Window", "date": "Taken"},
                "scores": {"columns": ["Quiz score"], "kind": "percent"}}
        if terms:
            body["terms"] = {"Fall": [8, 11], "Spring": [12, 7]}
        return Mapping.from_dict(body)

    rows = [["Student", "Taken", "Quiz score"], ["301", "10/14/2025", "80"]]
    tops = [(sheet(rows), rows)]
    without = _score_preset("quiz", preset(False), tops)
    assert not without.usable and "'Window' column for the testing window" in without.problem
    with_terms = _score_preset("quiz", preset(True), tops)
    assert with_terms.usable and with_terms.missing_optional == [("term", "Window")]
    assert "term" not in with_terms.mapping.columns and with_terms.mapping.terms


def test_canvas_outcome_results_and_student_competency_are_told_apart_by_their_title_column():
    # the current Outcome Results report names the column "assessment title", the Student
    # Competency report "assignment title": each is its own preset, the other the runner-up
    for name in ("canvas_outcome_results", "canvas_student_competency"):
        found = detect_file(name)
        assert found.name == name and found.word == "high"
        other = ({"canvas_outcome_results", "canvas_student_competency"} - {name}).pop()
        assert found.runner_up is not None and found.runner_up.name == other
        assert found.runner_up.score < found.confidence


def test_a_preset_missing_optional_columns_is_used_with_medium_confidence_and_says_so():
    headers = [h for h in HEADERS["iready_ela_norming"]
               if h not in ("Class(es)", "Class Teacher(s)", "Student Grade")]
    rows = [headers] + [[value(h, i) for h in headers] for i in range(4)]
    data = "\n".join(",".join(f'"{c}"' for c in r) for r in rows).encode()
    p = prepare(data, "diagnostic_results_ela.csv")
    d = p.detection
    assert d.name == "iready_diagnostic_reading" and d.word == "medium"
    assert HIGH > d.confidence >= 0.6
    assert "class" not in d.mapping.columns and "teacher" not in d.mapping.columns
    assert any("'Class(es)'" in w and "left out" in w for w in p.report.warnings)
    assert p.report.ok() and p.report.students == 4


def test_the_most_specific_fitting_preset_wins_and_the_roster_is_runner_up():
    found = detect_file("nwea_legacy_results_2013")
    assert found.name == "nwea_map_results"
    assert {c.name for c in found.candidates} >= {"nwea_map_results", "tracker"}
    assert found.to_json()["mapping"] == "nwea_map_results"
    assert found.to_json()["confidence"] == "high"


# -- never skills ---------------------------------------------------------------------------------
NEVER = [
    "Goal1StdErr", "TestStandardError", "StandardErrorOfMeasurement", "TestDurationMinutes",
    "Duration (min)", "TotalTimeInSeconds", "District_StateID", "StudentID", "Student Number",
    "Local ID", "TestID", "Earned Points", "Possible Points", "Percent Correct", "PercentCorrect",
    "Key Version", "TestStartDate", "TestStartTime", "Completion Date", "Timestamp",
    "TestPercentile", "Percentile Rank", "Composite - National Norm Percentile",
    "RapidGuessingPercentage", "FallToFallProjectedGrowth", "TypicalFallToSpringGrowth",
    "Annual Stretch Growth Measure", "Diagnostic Gain", "Total", "%", "Score",
    "Student Name", "StudentFirstName", "Grade", "Enrolled Grade", "Class Name", "Teacher",
    "SchoolName", "Email Address", "Student DOB",
]
SKILLS = ["Q1", "3", "RL.7.1", "3.NF.A.1", "Phonics", "Vocabulary", "Fractions",
          "Reading Comprehension: Literature", "Geometry Scale Score", "Goal1RitScore"]


@pytest.mark.parametrize("header", NEVER)
def test_never_skill_headers(header):
    assert never_skill(header) is not None


@pytest.mark.parametrize("header", SKILLS)
def test_skill_headers_may_be_skills(header):
    assert never_skill(header) is None


def test_tracker_never_takes_ids_dates_durations_errors_or_totals_as_skills():
    rows = [
        ["StudentID", "Student Name", "TestStartDate", "TestDurationMinutes", "Goal1StdErr",
         "Fractions", "Decimals", "Earned Points", "Possible Points", "Percent Correct", "District_StateID"],
    ]
    for i in range(6):
        rows.append([str(300 + i), f"Kid {i}", "10/14/2025", "45", "3.1", str(50 + i), str(70 + i),
                     "8", "10", "80", "4401"])
    found = detect_layout([sheet(rows)], "skills.csv")
    assert found.name == "tracker"
    assert found.mapping.scores.columns == ["Fractions", "Decimals"]
    p = prepare_sheets([sheet(rows)], "skills.csv", found.mapping)
    assert p.report.skills == ["Decimals", "Fractions"]


def test_a_file_of_ids_and_metadata_only_is_refused_with_the_question():
    rows = [["StudentID", "District_StateID", "TestStartDate", "TestDurationMinutes", "Grade", "SchoolName"]]
    rows += [[str(100 + i), "4401", "10/14/2025", str(40 + i), "3", "Bonsai"] for i in range(5)]
    found = detect_layout([sheet(rows)], "meta.csv")
    assert found.mapping is None
    assert found.questions == ["Which column is the student (id or name), and which columns are scores?"]
    with pytest.raises(UserError, match="which columns are scores"):
        detect_mapping([sheet(rows)], "meta.csv")


def test_a_tracker_of_small_whole_numbers_asks_what_they_are_out_of():
    rows = [["Student", "Fractions", "Decimals"]] + [[f"Kid {i}", str(1 + i % 4), str(1 + (i + 1) % 4)] for i in range(8)]
    found = detect_layout([sheet(rows)], "rubric.csv")
    assert found.mapping is None
    assert found.questions == ["What are the scores out of (points possible), or are they levels?"]


def test_a_clean_tracker_is_high_and_scores_runner_up_low():
    rows = [["Name", "Q1", "Q2", "Q3"]] + [[f"Kid {i}", "1", str(i % 2), "2"] for i in range(5)]
    found = detect_layout([sheet(rows)], "quiz.csv")
    assert found.name == "tracker" and found.word == "high"
    assert found.label == "Teacher tracker (detected)"
    assert found.runner_up is None or found.runner_up.word == "low"


# -- title rows ----------------------------------------------------------------------------------
def test_title_rows_name_the_assessment_and_give_teacher_grade_subject_and_date():
    rows = [
        ["Grade 3 Math – Unit 4 Fractions CFA"],
        ["Teacher: Ms. Lee"],
        ["Date: 10/14/2025"],
        [None],
        ["Student", "ID", "Q1", "Q2"],
        ["Points possible", None, "2", "2"],
        ["Ana Diaz", "301", "2", "1"],
        [None],
        ["Ben Ode", "302", "1", "1"],
        ["Class average", None, "1.5", "1"],
    ]
    found = detect_layout([sheet(rows)], "cfa.xlsx")
    assert found.mapping.assessment_name == "Grade 3 Math – Unit 4 Fractions CFA"
    assert found.mapping.subject == "Math"
    p = prepare_sheets([sheet(rows)], "cfa.xlsx", found.mapping)
    admin = p.administrations.to_pylist()[0]
    assert admin["assessment"] == "Grade 3 Math – Unit 4 Fractions CFA"
    assert admin["date"].isoformat() == "2025-10-14"
    assert p.assessments[0]["subject"] == "Math"
    sittings = p.sittings().to_pylist()
    assert {s["teacher"] for s in sittings} == {"Ms. Lee"} and {s["grade"] for s in sittings} == {"3"}
    # every skipped row is explained, the blank one too
    assert p.report.rows_skipped == 2
    assert any(w.startswith("1 row skipped: blank row") for w in p.report.warnings)
    assert any("summary row" in w for w in p.report.warnings)


def test_a_mapping_that_names_the_assessment_and_teacher_keeps_them_over_the_title():
    rows = [["Unit 9 Quiz"], ["Teacher: Mr. Chen"], ["Student", "Teacher", "Q1"],
            ["Ana Diaz", "Ms. Rossi", "1"], ["Ben Ode", "Ms. Rossi", "0"]]
    m = Mapping.from_dict({"assessment": {"name": "Given name"},
                           "columns": {"student_name": "Student", "teacher": "Teacher"},
                           "scores": {"columns": ["Q1"], "kind": "points", "max": 1}})
    p = prepare_sheets([sheet(rows)], "q.xlsx", m)
    assert p.administrations.to_pylist()[0]["assessment"] == "Given name"
    assert {s["teacher"] for s in p.sittings().to_pylist()} == {"Ms. Rossi"}


def test_each_sheet_takes_its_own_teacher_from_its_title_rows():
    def one(teacher, ids):
        return [["Unit 4 CFA"], [f"Teacher: {teacher}"], ["Student", "ID", "Q1", "Q2"]] + [
            [f"Kid {i}", str(i), "1", "0"] for i in ids
        ]
    sheets = [sheet(one("Ms. Lee", [1, 2]), name="P1"), sheet(one("Mr. Chen", [3, 4]), name="P2")]
    found = detect_layout(sheets, "cfa.xlsx")
    p = prepare_sheets(sheets, "cfa.xlsx", found.mapping)
    by_student = {s["student_no"]: s["teacher"] for s in p.sittings().to_pylist()}
    assert sorted(by_student.values()) == ["Mr. Chen", "Mr. Chen", "Ms. Lee", "Ms. Lee"]


def test_a_preset_reads_a_file_with_the_student_id_but_no_name_columns():
    headers = [h for h in HEADERS["star_sr_v2"] if h not in ("StudentFirstName", "StudentLastName")]
    rows = [headers] + [[value(h, i) for h in headers] for i in range(3)]
    data = "\n".join(",".join(f'"{c}"' for c in r) for r in rows).encode()
    p = prepare(data, "SR_v2.csv")
    assert p.detection.name == "renaissance_star"
    assert "first_name" not in p.detection.mapping.columns
    assert any("'StudentFirstName'" in w for w in p.report.warnings)
    assert p.report.ok() and p.report.students == 3


def test_a_tracker_of_numbers_over_100_asks_what_they_are_out_of():
    rows = [["Student", "Fluency WPM", "Sight words"]] + [
        [f"Kid {i}", str(80 + 9 * i), str(20 + i)] for i in range(8)
    ]
    found = detect_layout([sheet(rows)], "fluency.csv")
    assert found.mapping is None
    assert found.questions == ["What are the scores out of (points possible), or are they levels?"]
    assert "more than a percent" in found.question
