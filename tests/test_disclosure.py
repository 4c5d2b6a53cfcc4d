"""collabplan.disclosure: every figure the review shows in projection mode or to a coach.

The unit tests feed each view's frame by hand; the walk narrows every filter combination of
the demo school (assessment × testing window × class or teacher × student group) through the
same query functions the pages call, and checks that no shown figure rests on fewer than the
minimum group size and that no hidden one can be had from a total shown with it.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from collabplan import breakdowns, catalog, config, disclosure, metrics
from collabplan.access import Viewer
from collabplan.metrics import Filters

MIN = config.MIN_GROUP_SIZE


def summary_rows(rows: list[tuple[str, str | None, int, int]]) -> pd.DataFrame:
    """skill_summary(by=...) rows of one administration: (skill, by, students, proficient)."""
    df = pd.DataFrame(rows, columns=["skill", "by", "students", "proficient"])
    df.insert(0, "administration_id", 1)
    return metrics.add_status(df, group_by=["administration_id", "by"], floor=50.0)


# -- the switch --------------------------------------------------------------------------


def test_a_viewer_suppresses_in_projection_mode_and_as_a_coach_only():
    leader = Viewer.local_user()
    assert not disclosure.suppressing(leader)
    assert disclosure.suppressing(leader.with_projection(True))
    assert disclosure.suppressing(Viewer(email="c@school.org", role="coach"))
    assert not disclosure.suppressing(Viewer(email="t@school.org", role="teacher"))
    levels = pd.DataFrame({"skill": ["A"], "level": ["Low"], "order": [0], "students": [1],
                           "pct": [100.0], "total": [1]})
    assert disclosure.level_distribution(levels, leader)["students"].tolist() == [1]
    coach = Viewer(email="c@school.org", role="coach")
    assert disclosure.level_distribution(levels, coach)["students"].isna().all()


def test_shown_count_says_fewer_than_ten_for_small_and_hidden_counts():
    assert disclosure.shown_count(1) == "fewer than 10 students"
    assert disclosure.shown_count(pd.NA) == "fewer than 10 students"
    assert disclosure.shown_count(0) == "0 students"
    assert disclosure.shown_count(12) == "12 students"
    assert disclosure.shown_count(3, suppress=False) == "3 students"


# -- the views ---------------------------------------------------------------------------


def test_skills_by_class_hide_a_small_class_and_the_next_smallest_beside_the_total():
    summary = summary_rows([("RL.1", "Room 1", 8, 4), ("RL.1", "Room 2", 16, 10),
                            ("RL.1", "Room 3", 30, 20), ("RL.2", "Room 1", 12, 6),
                            ("RL.2", "Room 2", 14, 7)])
    out = disclosure.skill_summary(summary, True).set_index(["skill", "by"])
    assert out.loc[("RL.1", "Room 1"), "status"] == "suppressed"
    # Room 2 (16) is the smallest other class: the skill's total minus Room 3 gives no one
    assert out.loc[("RL.1", "Room 2"), "status"] == "suppressed"
    assert pd.isna(out.loc[("RL.1", "Room 2"), "students"])
    assert pd.isna(out.loc[("RL.1", "Room 2"), "pct_proficient"])
    assert out.loc[("RL.1", "Room 3"), "students"] == 30
    assert (out.loc["RL.2", "status"] != "suppressed").all()
    assert disclosure.skill_summary(summary, False) is summary


def test_a_group_beside_everyone_else_hides_both_when_either_is_small():
    summary = summary_rows([("RL.1", "ELL", 8, 2), ("RL.1", "not ELL", 40, 30),
                            ("RL.2", "ELL", 20, 5), ("RL.2", "not ELL", 28, 14)])
    out = disclosure.skill_summary(summary, True).set_index(["skill", "by"])
    assert out.loc[("RL.1", "not ELL"), "status"] == "suppressed"
    assert out.loc["RL.2", "students"].tolist() == [20, 28]
    gap = pd.DataFrame({"skill": ["RL.1", "RL.2", "RL.3"], "group_students": [30, 12, 8],
                        "group_pct": [50.0, 40.0, 25.0], "others_students": [5, 40, 40],
                        "others_pct": [60.0, 50.0, 55.0], "gap": [-10.0, -10.0, -30.0],
                        "suppressed": [True, False, True]})
    shown = disclosure.equity_gap(gap, True)
    assert shown["suppressed"].tolist() == [True, False, True]
    assert shown.loc[[0, 2], ["group_students", "others_students", "gap"]].isna().all().all()
    assert shown.loc[1, "gap"] == -10.0


def test_the_groups_heatmap_hides_a_group_whose_complement_is_small():
    overall = summary_rows([("RL.1", None, 30, 15)]).drop(columns="by")
    by_groups = summary_rows([("RL.1", "FRL", 26, 12), ("RL.1", "ELL", 12, 5),
                              ("RL.1", "SPED", 4, 1)])
    out = disclosure.skill_summary_by_groups(by_groups, overall, True).set_index("by")
    assert out.loc["FRL", "status"] == "suppressed"  # 30 - 26 = 4 students not FRL
    assert out.loc["SPED", "status"] == "suppressed"
    assert out.loc["ELL", "students"] == 12


def test_levels_of_a_small_class_say_nothing_and_a_small_level_takes_another_with_it():
    levels = pd.DataFrame({
        "skill": ["A"] * 4 + ["B"] * 3,
        "level": ["L1", "L2", "L3", "L4", "L1", "L2", "L3"],
        "order": [0, 1, 2, 3, 0, 1, 2],
        "students": [1, 1, 1, 1, 3, 12, 20],
    })
    levels["total"] = levels.groupby("skill")["students"].transform("sum")
    levels["pct"] = 100 * levels["students"] / levels["total"]
    out = disclosure.level_distribution(levels, True)
    a, b = out[out["skill"] == "A"], out[out["skill"] == "B"]
    assert a["suppressed"].all() and a[["students", "pct", "total"]].isna().all().all()
    assert b["suppressed"].tolist() == [True, True, False]  # 3, and 12 (the next smallest)
    assert b["total"].tolist() == [35, 35, 35]


def test_band_counts_hide_a_small_band_and_the_next_smallest():
    bands = pd.DataFrame({"skill": ["A", "B", "C"], "students": [24, 30, 6],
                          "not_yet": [1, 10, 2], "proficient": [15, 10, 3],
                          "well_past": [8, 10, 1]})
    out = disclosure.skill_bands(bands, True).set_index("skill")
    assert out.loc["A", "not_yet"] is pd.NA and out.loc["A", "well_past"] is pd.NA
    assert out.loc["A", "proficient"] == 15
    assert out.loc["B"].tolist() == [30, 10, 10, 10]
    assert out.loc["C"].isna().all()


def test_questions_answered_by_few_students_show_no_result_and_sort_last():
    items = pd.DataFrame({"item": ["Q1", "Q2"], "standard": ["A", "B"], "students": [2, 24],
                          "points": [1.0, 30.0], "max_points": [2.0, 48.0],
                          "pct_earned": [50.0, 62.5]})
    out = disclosure.item_analysis(items, True)
    assert out["item"].tolist() == ["Q2", "Q1"]
    assert out["suppressed"].tolist() == [False, True]
    assert out.loc[1, ["students", "points", "pct_earned"]].isna().all()


def test_upload_counts_of_a_small_upload_read_fewer_than_ten():
    uploads = pd.DataFrame({"file": ["a.csv", "b.csv"], "students": [3, 40], "scores": [9, 120]})
    out = disclosure.upload_counts(uploads, True)
    assert out["students"].tolist() == ["fewer than 10 students", 40]
    assert out["scores"].tolist() == ["fewer than 10 students", 120]
    assert disclosure.count_cell(1200, 40, True) == "1,200"
    assert disclosure.count_cell(9, 3, False) == "9"


# -- every filter combination of the demo school -------------------------------------------


def _shown(value: object) -> bool:
    return value is not None and not pd.isna(value)


def _check_counts(values: pd.Series, what: str) -> None:
    small = [v for v in values if _shown(v) and 0 < v < MIN]
    assert not small, f"{what}: shown counts under {MIN}: {small}"


def _check_lines(hidden: pd.Series, line: pd.Series, total_shown: pd.Series, what: str) -> None:
    """In every line whose total is shown, 0 or at least 2 cells are hidden."""
    frame = pd.DataFrame({"hidden": hidden.to_numpy(), "line": line.to_numpy(),
                          "total": total_shown.to_numpy()})
    per_line = frame[frame["total"]].groupby("line")["hidden"].sum()
    assert not (per_line == 1).any(), f"{what}: one hidden cell beside a shown total: " \
        f"{per_line[per_line == 1].index.tolist()}"


def _combinations(db, assessment_id: int):
    options = catalog.filter_options(db, None, assessment_id)
    populations = ([{}] + [{"class_name": c} for c in options["classes"]]
                   + [{"teacher": t} for t in options["teachers"]])
    for administration_id in options["administrations"]["id"]:
        for population in populations:
            for group in [None, *options["groups"]]:
                yield int(administration_id), Filters(
                    assessment_id=assessment_id, group=group, **population), options


def _walk(db, assessment_id: int) -> int:
    checked = 0
    for admin, flt, options in _combinations(db, assessment_id):
        window = replace(flt, administration_ids=(admin,))
        whole = metrics.skill_summary(db, window)
        if whole.empty:
            continue
        checked += 1
        what = f"{flt} window {admin}"
        summary = disclosure.skill_summary(whole, True)
        _check_counts(summary["students"], f"{what} summary")
        totals = summary.set_index("skill")["students"]

        levels = disclosure.level_distribution(
            breakdowns.level_distribution(db, flt, admin), True)
        _check_counts(levels["students"], f"{what} levels")
        _check_counts(levels["total"], f"{what} level totals")
        assert levels.loc[levels["students"].notna(), "pct"].notna().all()
        assert levels.loc[levels["students"].isna(), "pct"].isna().all()  # percents follow
        _check_lines(levels["suppressed"], levels["skill"], levels["total"].notna(),
                     f"{what} levels")

        bands = disclosure.skill_bands(breakdowns.skill_bands(db, flt, admin), True)
        cols = ["not_yet", "proficient", "well_past"]
        for col in [*cols, "students"]:
            _check_counts(bands[col], f"{what} bands {col}")
        long = bands.melt(id_vars=["skill", "students"], value_vars=cols)
        _check_lines(long["value"].isna(), long["skill"], long["students"].notna(),
                     f"{what} bands")

        items = disclosure.item_analysis(breakdowns.item_analysis(db, flt, admin), True)
        _check_counts(items["students"], f"{what} questions")
        assert items.loc[items["suppressed"], "pct_earned"].isna().all()

        earlier = [i for i in options["administrations"]["id"] if int(i) != admin]
        if earlier:
            g = disclosure.growth(metrics.growth(db, flt, int(earlier[0]), admin), True)
            _check_counts(g["students"], f"{what} growth")
            assert g.loc[g["suppressed"], "growth"].isna().all()

        if flt.group is None:
            for by in ("class", "teacher"):
                table = disclosure.skill_summary(metrics.skill_summary(db, window, by), True)
                _check_counts(table["students"], f"{what} by {by}")
                shown_total = table["skill"].map(totals).notna()
                _check_lines(table["status"] == "suppressed", table["skill"], shown_total,
                             f"{what} by {by}")
            if options["groups"]:
                heat = disclosure.skill_summary_by_groups(
                    metrics.skill_summary_by_groups(db, window, options["groups"]), whole, True)
                _check_counts(heat["students"], f"{what} groups heatmap")
                rest = heat["skill"].map(whole.set_index("skill")["students"]) - heat["students"]
                _check_counts(rest, f"{what} groups heatmap: everyone else")
                for group in options["groups"]:
                    gap = disclosure.equity_gap(metrics.equity_gap(db, flt, admin, group), True)
                    shown = gap[~gap["suppressed"]]
                    _check_counts(shown["group_students"], f"{what} gap {group}")
                    _check_counts(shown["others_students"], f"{what} gap {group} others")
                    assert gap.loc[gap["suppressed"], ["group_students", "others_students",
                                                       "gap"]].isna().all().all()
    return checked


@pytest.mark.parametrize("index", range(8))
def test_every_filter_combination_of_the_demo_shows_no_figure_of_fewer_than_ten(demo_db, index):
    ids = sorted(int(i) for i in catalog.filter_options(demo_db)["assessments"]["id"])
    if index >= len(ids):
        pytest.skip("the demo school has fewer assessments")
    assert _walk(demo_db, ids[index]) > 0
