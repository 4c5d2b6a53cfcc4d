"""[filter], [terms], [scores] retest, a single skill or one from the file name, and repeated
groups that sum points per standard (issue 14), read through the normaliser."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from collabplan.errors import UserError
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.prepare import prepare_sheets
from tests.raw_sheets import sheet


def mapping(text: str) -> Mapping:
    return Mapping.from_toml(text, name="t")


def scores_by(p, *keys: str) -> dict:
    return {tuple(r[k] for k in keys): r for r in p.scores.to_pylist()}


STAR = '[columns]\nstudent_id = "ID"\ndate = "CompletedDate"\n[scores]\ncolumns = ["S"]\nmax = 100\n'


# -- [filter] ----------------------------------------------------------------------------


def test_filter_drops_bang_values_case_insensitively_and_counts_them_apart_from_skips():
    m = mapping(STAR + '[filter]\nAssessmentStatus = "!Deactivated"')
    rows = [
        ["ID", "CompletedDate", "AssessmentStatus", "S"],
        ["1", "2023-09-12", "Active", "80"],
        ["2", "2023-09-12", " deactivated ", "70"],
        ["3", "2023-09-12", "", "60"],  # blank passes a "!" filter
        [None, None, None, None],
    ]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    r = p.report
    assert sorted(s["local_id"] for s in p.scores.to_pylist()) == ["1", "3"]
    assert r.rows_filtered == 1 and r.rows_skipped == 1  # the blank row is a skip
    assert [s for s in r.skipped] == [("Sheet1", 5, "blank row")]
    [w] = [w for w in r.warnings if "filtered out" in w]
    assert 'AssessmentStatus is "deactivated": 1 (row 3)' in w
    assert "1 rows filtered out" in r.summary()


def test_filter_lists_keep_only_their_values_and_mix_with_bang():
    m = mapping(STAR + '[filter]\nGrade = ["3", "4"]\nStatus = ["!Deactivated", "!Invalid"]')
    rows = [
        ["ID", "CompletedDate", "Grade", "Status", "S"],
        ["1", "2023-09-12", "3", "Active", "80"],
        ["2", "2023-09-12", "5", "Active", "80"],
        ["3", "2023-09-12", "4", "invalid", "80"],
        ["4", "2023-09-12", "", "Active", "80"],  # blank fails a keep list
        ["5", "2023-09-12", " 4 ", "Active", "80"],
    ]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    assert sorted(s["local_id"] for s in p.scores.to_pylist()) == ["1", "5"]
    assert p.report.rows_filtered == 3 and p.report.rows_skipped == 0
    [w] = [w for w in p.report.warnings if "filtered out" in w]
    assert "Grade is blank: 1 (row 5)" in w and 'Status is "invalid"' in w


def test_filter_on_a_missing_column_names_the_key():
    m = mapping(STAR + '[filter]\nAssessmentStatus = "!Deactivated"')
    rows = [["ID", "CompletedDate", "S"], ["1", "2023-09-12", "80"]]
    with pytest.raises(UserError, match=r"\[filter\] AssessmentStatus"):
        prepare_sheets([sheet(rows)], "f.csv", m)


# -- [terms] -----------------------------------------------------------------------------

TERMS = "[terms]\nFall = [8, 11]\nWinter = [12, 2]\nSpring = [3, 7]\n"


def test_terms_name_the_window_from_the_date_and_winter_wraps_the_year():
    m = mapping(STAR + TERMS)
    rows = [
        ["ID", "CompletedDate", "S"],
        ["1", "9/12/2023", "80"],
        ["1", "12/15/2023", "70"],
        ["3", "1/20/2024", "90"],  # January: still Winter
        ["2", "2/28/2024", "60"],
        ["2", "4/2/2024", "50"],
    ]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    got = {(a["term"], a["date"]) for a in p.administrations.to_pylist()}
    assert got == {
        ("Fall", dt.date(2023, 9, 12)),
        ("Winter", dt.date(2023, 12, 15)),
        ("Spring", dt.date(2024, 4, 2)),
    }
    assert p.report.rows_without_term == 0


def test_rows_outside_every_window_or_undated_keep_no_term_and_are_reported():
    m = mapping(STAR + "[terms]\nFall = [8, 11]\nSpring = [3, 5]\n")
    rows = [
        ["ID", "CompletedDate", "S"],
        ["1", "9/12/2023", "80"],
        ["2", "7/01/2024", "80"],
        ["3", "", "80"],
    ]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    terms = {r["local_id"]: r["term"] for r in p.scores.to_pylist()}
    assert terms == {"1": "Fall", "2": None, "3": None}
    assert p.report.rows_without_term == 2
    warned = [w for w in p.report.warnings if "no term" in w]
    assert any("outside every [terms] window" in w and "row 3" in w for w in warned)
    assert any("no date" in w and "row 4" in w for w in warned)


def test_a_term_column_wins_and_blank_terms_come_from_the_date():
    m = mapping(
        '[columns]\nstudent_id = "ID"\ndate = "D"\nterm = "Window"\n[scores]\ncolumns = ["S"]\n'
        "max = 100\n" + TERMS
    )
    rows = [["ID", "D", "Window", "S"], ["1", "9/12/2023", "BOY", "80"], ["2", "9/13/2023", "", "80"]]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    assert {r["local_id"]: r["term"] for r in p.scores.to_pylist()} == {"1": "BOY", "2": "Fall"}


def test_two_school_years_of_one_term_stay_two_administrations():
    m = mapping(STAR + TERMS)
    rows = [["ID", "CompletedDate", "S"], ["1", "9/12/2023", "80"], ["1", "9/12/2024", "60"]]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    assert sorted(a["term"] for a in p.administrations.to_pylist()) == [
        "Fall 2023-24",
        "Fall 2024-25",
    ]


# -- [scores] retest ---------------------------------------------------------------------


def retest_rows(order_seed: int) -> list[list[str]]:
    body = [
        ["1", "9/12/23 10:39", "50"],
        ["1", "9/12/23 14:05", "90"],  # the latest: same day, later time
        ["1", "9/11/23 08:00", "95"],  # the first and the highest
        ["2", "9/20/23", "70"],
        ["3", "9/21/23", "40"],
        ["3", "", "99"],  # no date sorts last
    ]
    random.Random(order_seed).shuffle(body)
    return [["ID", "CompletedDate", "S"], *body]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("latest", {"1": 90.0, "2": 70.0, "3": 40.0}),
        ("first", {"1": 95.0, "2": 70.0, "3": 40.0}),
        ("highest", {"1": 95.0, "2": 70.0, "3": 99.0}),
    ],
)
def test_retest_keeps_one_row_by_date_or_score_whatever_the_row_order(how, expected, seed):
    m = mapping(STAR + f'retest = "{how}"')
    p = prepare_sheets([sheet(retest_rows(seed))], "f.csv", m)
    got = {r["local_id"]: r["points"] for r in p.scores.to_pylist()}
    assert got == expected
    r = p.report
    assert r.rows_replaced == 3 and r.rows_skipped == 0 and r.duplicate_students == []
    [w] = [w for w in r.warnings if "replaced by a retest" in w]
    assert w.startswith("3 rows replaced by a retest") and " by row " in w


def test_without_retest_the_duplicates_are_reported_as_before():
    p = prepare_sheets([sheet(retest_rows(1))], "f.csv", mapping(STAR))
    assert p.report.rows_replaced == 0 and p.report.duplicate_students == ["1", "3"]


def test_retest_is_per_window_and_per_skill_in_a_long_file():
    m = mapping(
        '[columns]\nstudent_id = "ID"\ndate = "D"\n[scores]\nlayout = "long"\nskill = "Skill"\n'
        'score = "S"\nmax = 10\nretest = "latest"\n' + TERMS
    )
    rows = [
        ["ID", "D", "Skill", "S"],
        ["1", "9/01/2023", "Read", "2"],
        ["1", "9/20/2023", "Read", "8"],
        ["1", "9/01/2023", "Math", "5"],
        ["1", "1/10/2024", "Read", "9"],
    ]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    got = {(r["term"], r["skill"]): r["points"] for r in p.scores.to_pylist()}
    assert got == {("Fall", "Read"): 8.0, ("Fall", "Math"): 5.0, ("Winter", "Read"): 9.0}
    assert p.report.rows_replaced == 1


# -- skill and skill_from_filename ----------------------------------------------------------


def test_skill_names_a_single_score_column():
    m = mapping('[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["ScaledScore"]\nmax = 100\nskill = "Star Reading"')
    p = prepare_sheets([sheet([["ID", "ScaledScore"], ["1", "80"]])], "f.csv", m)
    assert p.report.skills == ["Star Reading"]


@pytest.mark.parametrize(
    ("file_name", "skill"),
    [
        ("SR_v2.csv", "Star Reading"),
        ("SM_V2_scrub.csv", "Star Math"),
        ("2023 sm export.csv", "Star Math"),
        ("SRS_v2.csv", "Star Reading Spanish"),  # the longest code first
    ],
)
def test_skill_from_filename_table(file_name, skill):
    m = mapping(
        '[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["ScaledScore"]\nmax = 100\n'
        '[scores.skill_from_filename]\nSR = "Star Reading"\nSM = "Star Math"\n'
        'SRS = "Star Reading Spanish"'
    )
    p = prepare_sheets([sheet([["ID", "ScaledScore"], ["1", "80"]])], file_name, m)
    assert p.report.skills == [skill]


def test_skill_from_filename_true_and_a_name_with_no_code():
    m = mapping('[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["S"]\nmax = 100\nskill_from_filename = true')
    p = prepare_sheets([sheet([["ID", "S"], ["1", "80"]])], "Fractions Quiz.csv", m)
    assert p.report.skills == ["Fractions Quiz"]
    m = mapping(
        '[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["S"]\nmax = 100\n'
        '[scores.skill_from_filename]\nSR = "Star Reading"'
    )
    with pytest.raises(UserError, match=r"skill_from_filename finds none of SR in the file name 'STAR.csv'"):
        prepare_sheets([sheet([["ID", "S"], ["1", "80"]])], "STAR.csv", m)


def test_skill_with_a_pattern_picking_several_columns_is_refused_naming_the_key():
    m = mapping('[columns]\nstudent_id = "ID"\n[scores]\npattern = "^Q"\nmax = 1\nskill = "Quiz"')
    with pytest.raises(UserError, match=r"\[scores\] skill names the skill of one score column"):
        prepare_sheets([sheet([["ID", "Q1", "Q2"], ["1", "1", "0"]])], "f.csv", m)


# -- groups summing -------------------------------------------------------------------------


def test_groups_sum_points_of_a_standard_over_several_questions():
    m = mapping(
        '[columns]\nstudent_id = "student_id"\n[scores]\nlayout = "groups"\n'
        'skill = "question_{n}_standard"\nscore = "question_{n}_points"\n'
        'max = "question_{n}_points_possible"\nkind = "points"\nproficient = 0.75'
    )
    header = ["student_id"]
    for n in (1, 2, 3):
        header += [f"question_{n}_standard", f"question_{n}_points", f"question_{n}_points_possible"]
    rows = [
        header,
        ["1", "3.NF.1", "2", "2", "3.NF.1", "0", "1", "3.OA.1", "1", "1"],
        ["2", "3.NF.1", "1", "2", "3.NF.1", "1", "1", "3.OA.1", "0", "1"],
    ]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    got = {(r["local_id"], r["skill"]): (r["points"], r["max_points"], r["proficient"]) for r in p.scores.to_pylist()}
    assert got == {
        ("1", "3.NF.1"): (2.0, 3.0, False),  # 2 of 3, not the last question's 0 of 1
        ("1", "3.OA.1"): (1.0, 1.0, True),
        ("2", "3.NF.1"): (2.0, 3.0, False),
        ("2", "3.OA.1"): (0.0, 1.0, False),
    }
    assert p.report.scores == 4 and p.report.duplicate_students == []


def test_groups_of_levels_keep_the_lowest_level_of_a_repeated_skill():
    m = mapping(
        '[columns]\nstudent_id = "ID"\n[scores]\nlayout = "groups"\nskill = "G{n}"\nscore = "L{n}"\n'
        'levels = ["Low", "Mid", "High"]\nproficient = "Mid"'
    )
    rows = [["ID", "G1", "L1", "G2", "L2"], ["1", "Read", "High", "Read", "Low"]]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    [row] = p.scores.to_pylist()
    assert row["level"] == "Low" and row["proficient"] is False


def test_retest_highest_on_a_level_scale_keeps_the_highest_level():
    m = mapping(
        '[columns]\nstudent_id = "ID"\ndate = "D"\n[scores]\ncolumns = ["Level"]\n'
        'levels = ["Intervention", "On Watch", "At/Above Benchmark"]\nretest = "highest"'
    )
    rows = [
        ["ID", "D", "Level"],
        ["1", "9/20/2023", "On Watch"],
        ["1", "9/01/2023", "At/Above Benchmark"],
        ["1", "9/25/2023", "Intervention"],
    ]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    [row] = p.scores.to_pylist()
    assert row["level"] == "At/Above Benchmark" and p.report.rows_replaced == 2


def test_groups_sum_a_standard_repeated_over_many_questions():
    m = mapping(
        '[columns]\nstudent_id = "ID"\n[scores]\nlayout = "groups"\nskill = "question_{n}_standard"\n'
        'score = "question_{n}_points"\nmax = 1\nkind = "points"'
    )
    header, row = ["ID"], ["1"]
    for n in range(1, 21):  # 20 questions, two standards
        header += [f"question_{n}_standard", f"question_{n}_points"]
        row += ["A" if n <= 15 else "B", "1" if n % 3 else "0"]
    p = prepare_sheets([sheet([header, row])], "f.csv", m)
    got = {r["skill"]: (r["points"], r["max_points"]) for r in p.scores.to_pylist()}
    assert got == {"A": (10.0, 15.0), "B": (4.0, 5.0)}
