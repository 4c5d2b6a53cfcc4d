from __future__ import annotations

import pandas as pd

from collabplan import charts
from collabplan.charts.review import SMALL, SMALL_MARK
from collabplan.charts.style import STATUS_COLORS
from collabplan.metrics import add_status
from collabplan.school import DEFAULT_FLOOR


def title(fig) -> str:
    return fig.layout.title.text.replace("<br>", " ")


def summary(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["skill", "students", "proficient"])
    df["administration_id"] = 1
    return add_status(df, ["administration_id"], floor=DEFAULT_FLOOR)


PROFILE = summary([
    ("Vocabulary", 74, 28),      # 37.8%
    ("Literature", 74, 53),      # 71.6%
    ("Informational", 74, 41),   # 55.4%
    ("Writing", 74, 40),         # 54.1%
    ("Speaking", 6, 6),          # too few students
])


def test_skill_profile_sorts_bars_labels_them_and_colours_by_status():
    fig = charts.skill_profile(PROFILE)
    bar = fig.data[0]
    # first row is drawn at the bottom: the small group, then lowest to highest
    assert list(bar.y) == ["Speaking", "Vocabulary", "Writing", "Informational", "Literature"]
    assert list(bar.x) == [0.0, 37.8, 54.1, 55.4, 71.6]
    assert bar.text[1] == "38% · 74 students · lagging"
    assert bar.text[2] == "54% · 74 students"
    assert bar.text[4] == "72% · 74 students · strength"
    assert bar.text[0] == SMALL
    # long bars carry their label inside, short ones just after the bar on a white backing
    assert list(bar.textposition) == ["none", "none", "inside", "inside", "inside"]
    beside = [(a.y, a.text) for a in fig.layout.annotations if not a.text.startswith("median")]
    assert beside == [("Speaking", SMALL), ("Vocabulary", "38% · 74 students · lagging")]
    assert list(bar.marker.color) == [
        STATUS_COLORS["suppressed"], STATUS_COLORS["lagging"], STATUS_COLORS["typical"],
        STATUS_COLORS["typical"], STATUS_COLORS["strength"],
    ]
    assert fig.layout.xaxis.range == (0, 100)


def test_skill_profile_title_states_the_finding_and_draws_the_median():
    fig = charts.skill_profile(PROFILE)
    # median of 37.8, 54.1, 55.4, 71.6 = 54.75; 54.75 - 37.8 = 16.95
    assert title(fig) == "Vocabulary lags: 38% proficient, 17 points below the median"
    line = fig.layout.shapes[0]
    assert line.x0 == line.x1 == 54.75 and line.line.dash == "dash"


def test_profile_finding_without_lagging_skills_names_the_strength_or_says_close():
    strong = summary([("A", 20, 18), ("B", 20, 10), ("C", 20, 11)])
    assert charts.profile_finding(strong).startswith("A is the strength: 90% proficient")
    close = summary([("A", 20, 10), ("B", 20, 11)])
    assert charts.profile_finding(close).startswith("Skills are close together")


def test_skill_profile_of_nothing_says_so():
    fig = charts.skill_profile(summary([]))
    assert "No skill scores" in fig.layout.title.text and not fig.data


def test_heatmap_greys_and_marks_small_cells():
    df = pd.DataFrame({
        "skill": ["RL.1", "RL.1", "RI.6", "RI.6"],
        "by": ["7A", "7B", "7A", "7B"],
        "students": [20, 20, 20, 4],
        "proficient": [18, 6, 10, 1],
    })
    df["pct_proficient"] = (100 * df["proficient"] / df["students"]).round(1)
    fig = charts.skill_heatmap(df, "class")
    hm = fig.data[0]
    assert list(hm.x) == ["7A", "7B"]
    assert list(hm.y) == ["RL.1", "RI.6"]  # sorted, first skill on top (last row)
    rows = dict(zip(hm.y, zip(hm.z, hm.text, hm.customdata, strict=True), strict=True))
    z, text, hover = rows["RI.6"]
    assert z[1] is None and text[1] == SMALL_MARK and SMALL in hover[1]
    assert z[0] == 50.0 and text[0] == "50%"
    assert fig.layout.plot_bgcolor == STATUS_COLORS["suppressed"]
    assert title(fig) == "RL.1 varies most by class: 30% to 90% proficient"


def growth_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "skill": ["L.7.4", "RI.7.6", "RL.7.1", "W.7.1"],
        "students": [60, 60, 60, 5],
        "before_pct": [50.0, 25.0, 80.0, 40.0],
        "after_pct": [52.0, 58.3, 90.0, 80.0],
        "growth": [2.0, 33.3, 10.0, 40.0],
        "stagnant": [True, False, False, False],
        "suppressed": [False, False, False, True],
    })


def test_growth_chart_draws_matched_dumbbells_and_flags_stagnant():
    fig = charts.growth_chart(growth_frame(), "Fall", "Winter")
    lines, before, after, small = fig.data
    assert list(after.y) == ["RI.7.6", "RL.7.1", "L.7.4"]  # most growth first
    assert list(before.x) == [25.0, 80.0, 50.0]
    assert list(after.x) == [58.3, 90.0, 52.0]
    assert after.text[2] == "+2 points · 60 students · stagnant"
    assert after.marker.color[2] == STATUS_COLORS["lagging"]
    assert after.marker.symbol[2] == "diamond"
    assert list(lines.x[:3]) == [25.0, 58.3, None]
    assert list(small.text) == [SMALL] and list(small.y) == ["W.7.1"]
    assert title(fig) == "L.7.4 stalled: +2 points since Fall"


def test_growth_chart_title_when_nothing_stalled():
    df = growth_frame()
    df["stagnant"] = False
    assert title(charts.growth_chart(df, "Fall", "Winter")).startswith(
        "Every skill grew at least 5 points since Fall; most: RI.7.6 +33 points")


def test_equity_gap_chart_shows_points_and_both_n():
    df = pd.DataFrame({
        "skill": ["RI.7.6", "RL.7.1", "L.7.4"],
        "group_students": [30, 30, 4],
        "group_pct": [20.0, 70.0, 50.0],
        "others_students": [44, 44, 70],
        "others_pct": [35.0, 68.0, 60.0],
        "gap": [-15.0, 2.0, -10.0],
        "suppressed": [False, False, True],
    })
    fig = charts.equity_gap_chart(df, "ELL")
    bar = fig.data[0]
    assert list(bar.y) == ["L.7.4<br>ELL n=4 · others n=70", "RL.7.1<br>ELL n=30 · others n=44",
                           "RI.7.6<br>ELL n=30 · others n=44"]
    assert list(bar.x) == [0.0, 2.0, -15.0]
    assert bar.text[2] == "-15 points: 20% vs 35%"
    assert "fewer than" in bar.text[0]
    assert bar.marker.color[2] == STATUS_COLORS["lagging"]
    assert title(fig) == "Largest gap: RI.7.6, ELL 15 points below everyone else"


def test_level_distribution_chart_stacks_levels_in_the_assessments_order():
    levels = ["Low", "LoAvg", "Avg", "HiAvg", "High"]
    df = pd.DataFrame({
        "skill": ["Lit"] * 5 + ["Vocab"] * 2,
        "level": levels + ["High", "Low"],
        "order": [0, 1, 2, 3, 4, 4, 0],
        "students": [2, 2, 2, 2, 2, 5, 5],
        "pct": [20.0] * 5 + [50.0, 50.0],
        "total": [10] * 5 + [10, 10],
    })
    fig = charts.level_distribution_chart(df)
    assert [t.name for t in fig.data] == levels
    assert fig.layout.barmode == "stack"
    assert list(fig.data[0].y) == ["Vocab", "Lit"]
    assert list(fig.data[0].x) == [50.0, 20.0]
    assert list(fig.data[1].x) == [0.0, 20.0]
    assert fig.data[0].text[0] == "50%" and fig.data[1].text[0] == ""
    assert title(fig) == "Vocab has the most at Low: 50%"


def test_item_analysis_chart_puts_most_missed_on_top_with_its_standard():
    df = pd.DataFrame({
        "item": ["Q10", "Q2", "Q1"], "standard": ["3.NF.2", "3.NF.2", "3.NF.1"],
        "students": [12, 12, 12], "points": [6.0, 12.0, 12.0], "max_points": [24.0, 24.0, 12.0],
        "pct_earned": [25.0, 50.0, 100.0],
    })
    fig = charts.item_analysis_chart(df)
    bar = fig.data[0]
    assert list(bar.y) == ["Q1 · 3.NF.1", "Q2 · 3.NF.2", "Q10 · 3.NF.2"]  # last on top
    assert list(bar.x) == [100.0, 50.0, 25.0]
    assert bar.text[2] == "25% of points · 12 students"
    assert bar.marker.color[2] == STATUS_COLORS["lagging"]
    assert title(fig) == "Most missed: Q10 (3.NF.2), 25% of points earned"


def test_empty_frames_give_figures_that_say_why():
    empty = pd.DataFrame(columns=["skill"])
    assert "not scored by question" in charts.item_analysis_chart(empty).layout.title.text
    assert charts.level_distribution_chart(empty).layout.title.text
    assert charts.equity_gap_chart(empty, "ELL").layout.title.text
    assert charts.growth_chart(empty, "Fall", "Winter").layout.title.text


def test_coach_chart_ranks_lagging_skills_and_marks_repeats():
    df = pd.DataFrame({
        "team": ["Grade 7", "Grade 8", "Grade 7"], "assessment_id": [1, 1, 2],
        "label": ["Fall", "Fall", "Winter"], "skill": ["RI.7.6", "RI.7.6", "W.7.1"],
        "students": [24, 20, 24], "pct_proficient": [25.0, 30.0, 40.0],
        "below": [29.2, 22.5, 11.0], "lags_in": [2, 2, 1], "repeated": [True, True, False],
    })
    fig = charts.coach_chart(df)
    bar = fig.data[0]
    assert list(bar.y) == ["W.7.1 · Grade 7 · Winter", "RI.7.6 · Grade 8 · Fall",
                           "RI.7.6 · Grade 7 · Fall"]
    assert list(bar.x) == [11.0, 22.5, 29.2]
    assert bar.text[2] == "29 points below the team's median (25%, n=24) · lags in 2"
    assert bar.marker.color[2] == STATUS_COLORS["lagging"]
    # the title names the top bar (the furthest below), never another skill
    assert title(fig) == ("Furthest behind: RI.7.6 in Grade 7 (Fall), 29 points below the "
                          "team's median; it lags in 2 team windows")


def test_coach_chart_measures_a_skill_under_the_floor_by_its_distance_to_the_floor():
    # 46% is above its team's median (no bar by the median alone) but under a 50% floor
    df = pd.DataFrame({
        "team": ["Grade 7", "Grade 3"], "assessment_id": [1, 2], "label": ["Fall", "Fall"],
        "skill": ["RL.7.2", "Vocabulary"], "students": [96, 84],
        "pct_proficient": [46.0, 23.0], "below": [-3.0, 41.0], "floor_gap": [4.0, 27.0],
        "lags_in": [1, 1], "repeated": [False, False],
    })
    bar = charts.coach_chart(df).data[0]
    assert list(bar.x) == [4.0, 41.0]
    assert bar.text[0] == "4 points under the school's floor (46%, n=96)"
    assert bar.text[1] == "41 points below the team's median (23%, n=84)"


def test_coach_chart_title_names_its_top_bar_when_another_skill_repeats_more():
    # issue 17: "Vocabulary" lags in three windows, but RI.7.6 is furthest below: the old
    # title named the most repeated skill while the top bar showed another
    df = pd.DataFrame({
        "team": ["Grade 7", "Grade 3", "Grade 3", "Grade 3"], "assessment_id": [2, 1, 1, 1],
        "assessment": ["Tracker", "i-Ready", "i-Ready", "i-Ready"],
        "label": ["May", "Fall", "Winter", "Spring"],
        "skill": ["RI.7.6", "Vocabulary", "Vocabulary", "Vocabulary"],
        "students": [24, 30, 30, 30], "pct_proficient": [5.0, 22.0, 23.0, 34.0],
        "below": [48.3, 41.1, 49.4, 45.7], "lags_in": [1, 3, 3, 3],
        "repeated": [False, True, True, True],
    })
    fig = charts.coach_chart(df)
    top_bar = fig.data[0].y[-1]
    assert top_bar == "Vocabulary · Grade 3 · Winter"
    assert title(fig).startswith("Furthest behind: Vocabulary in Grade 3 (Winter), 49 points")
    assert "RI.7.6" not in title(fig)


def test_coach_chart_keeps_two_assessments_windows_of_one_name_apart():
    df = pd.DataFrame({
        "team": ["Grade 3", "Grade 3"], "assessment_id": [1, 2],
        "assessment": ["i-Ready", "Star"], "label": ["Fall", "Fall"],
        "skill": ["Vocabulary", "Vocabulary"], "students": [30, 30],
        "pct_proficient": [20.0, 30.0], "below": [30.0, 20.0], "lags_in": [2, 2],
        "repeated": [True, True],
    })
    assert len(set(charts.coach_chart(df).data[0].y)) == 2
