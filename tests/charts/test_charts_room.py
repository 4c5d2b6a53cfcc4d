"""Projection mode: every chart builder's figure has no text under 16 px, whatever the theme.

Streamlit's Plotly theme draws tick labels, legends and colour bars at 12-14 px unless the
figure sets a size itself, so a text place without an explicit size counts as too small here.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from collabplan import charts
from collabplan.charts.style import ROOM_MIN_FONT, for_room, projecting, projection
from collabplan.metrics import add_status
from tests.progress_data import POINTS


def _summary() -> pd.DataFrame:
    df = pd.DataFrame([("Vocabulary", 74, 28), ("Literature", 74, 53), ("Writing", 74, 40),
                       ("Speaking", 6, 6)], columns=["skill", "students", "proficient"])
    df["administration_id"] = 1
    return add_status(df, ["administration_id"], floor=0)  # the median alone, as drawn before


def _heatmap() -> pd.DataFrame:
    df = pd.DataFrame({"skill": ["RL.1", "RL.1", "RI.6", "RI.6"], "by": ["7A", "7B", "7A", "7B"],
                       "students": [20, 20, 20, 4], "proficient": [18, 6, 10, 1]})
    df["pct_proficient"] = 100 * df["proficient"] / df["students"]
    return df


GAPS = pd.DataFrame({"goal": ["Vocabulary", "Fractions", "Writing"],
                     "priority": ["Literacy", None, "Literacy"], "gap_closed": [169.0, 40.0, None],
                     "status": ["met", "behind", "not enough data yet"],
                     "gap_note": ["past the target", None, None]})

#: One small call per public builder (name -> a function that builds its figure).
CASES: dict[str, Callable[[], go.Figure]] = {
    "baseline_chart": lambda: charts.baseline_chart(pd.DataFrame({
        "skill": ["Vocabulary", "Phonics", "Fluency"], "students": [31, 30, 6],
        "value": [40.0, 12.5, None], "chosen": [True, False, False]}), "Vocabulary",
        "pct_below_proficient"),
    "progress_sparkline": lambda: charts.progress_sparkline(pd.DataFrame({
        "kind": ["baseline", "checkpoint"], "label": ["Fall", "Spring"], "value": [40.0, 30.0]}),
        25.0, "pct_below_proficient"),
    "action_timeline": lambda: charts.action_timeline(pd.DataFrame({
        "what": ["Word walls", "Games"], "who": ["Ms Lee", None],
        "start_date": [dt.date(2026, 2, 1), dt.date(2026, 2, 10)],
        "due_date": [dt.date(2026, 3, 1), None], "status": ["done", "planned"]})),
    "progress_figure": lambda: charts.progress_figure(
        POINTS, metric="pct_proficient", target_value=70.0, target_date=dt.date(2026, 6, 1),
        status="on track"),
    "gap_closed_figure": lambda: charts.gap_closed_figure(GAPS),
    "skill_profile": lambda: charts.skill_profile(_summary()),
    "skill_heatmap": lambda: charts.skill_heatmap(_heatmap(), "class"),
    "growth_chart": lambda: charts.growth_chart(pd.DataFrame({
        "skill": ["L.7.4", "RI.7.6", "W.7.1"], "students": [60, 60, 5],
        "before_pct": [50.0, 25.0, 40.0], "after_pct": [52.0, 58.3, 80.0],
        "growth": [2.0, 33.3, 40.0], "stagnant": [True, False, False],
        "suppressed": [False, False, True]}), "Fall", "Winter"),
    "equity_gap_chart": lambda: charts.equity_gap_chart(pd.DataFrame({
        "skill": ["RI.7.6", "L.7.4"], "group_students": [30, 4], "group_pct": [20.0, 50.0],
        "others_students": [44, 70], "others_pct": [35.0, 60.0], "gap": [-15.0, -10.0],
        "suppressed": [False, True]}), "ELL"),
    "level_distribution_chart": lambda: charts.level_distribution_chart(pd.DataFrame({
        "skill": ["Lit"] * 3 + ["Vocab"] * 2, "level": ["Low", "Avg", "High", "High", "Low"],
        "order": [0, 1, 2, 2, 0], "students": [2, 4, 4, 5, 5], "pct": [20.0, 40.0, 40.0, 50.0, 50.0],
        "total": [10] * 5})),
    "item_analysis_chart": lambda: charts.item_analysis_chart(pd.DataFrame({
        "item": ["Q10", "Q2"], "standard": ["3.NF.2", "3.NF.1"], "students": [12, 12],
        "points": [6.0, 12.0], "max_points": [24.0, 24.0], "pct_earned": [25.0, 50.0]})),
    "coach_chart": lambda: charts.coach_chart(pd.DataFrame({
        "team": ["Grade 7", "Grade 8"], "assessment_id": [1, 1], "label": ["Fall", "Fall"],
        "skill": ["RI.7.6", "RI.7.6"], "students": [24, 20], "pct_proficient": [25.0, 30.0],
        "below": [29.2, 22.5], "lags_in": [2, 2], "repeated": [True, True]})),
    "criteria_ratings_chart": lambda: charts.criteria_ratings_chart(pd.DataFrame({
        "label": ["A", "B", "C"], "rating": ["already_true", "challenging", None]})),
    "theme_counts_chart": lambda: charts.theme_counts_chart(
        pd.DataFrame({"theme": ["time", "trust"], "notes": [1, 3]})),
    "theory_timeline_chart": lambda: charts.theory_timeline_chart(pd.DataFrame({
        "what": ["Draft rota", "Survey staff"], "who": ["Lead", None],
        "starts_on": [pd.Timestamp("2025-09-01"), pd.NaT],
        "by_when": [pd.Timestamp("2025-09-15"), pd.Timestamp("2025-11-01")],
        "done": [True, False]}), today=dt.date(2025, 10, 10)),
    "survey_rounds_chart": lambda: charts.survey_rounds_chart(pd.DataFrame({
        "round": ["Fall", "Fall", "Winter", "Winter"], "area_label": ["Trust", "Time"] * 2,
        "mean": [3.1, 2.5, None, None], "suppressed": [False, False, True, True]})),
    "focus_chart": lambda: charts.focus_chart(pd.DataFrame({
        "order": [1, 2, 3], "skill": ["Theme", "Vocabulary", "Fluency"],
        "gap": [15.0, 45.0, 8.0], "interest": pd.array([5, 2, None], dtype="Float64"),
        "capacity": pd.array([4, 1, None], dtype="Float64"),
        "together": pd.array([9, 3, None], dtype="Float64"), "chosen": [True, False, False]})),
}


def _builders() -> list[str]:
    """Every public figure builder ``collabplan.charts`` exports (they return a Figure)."""
    names = []
    for name, value in vars(charts).items():
        if name.startswith("_") or not inspect.isfunction(value):
            continue
        hints = inspect.signature(value).return_annotation
        if "Figure" in str(hints):
            names.append(name)
    return names


def _too_small(fig: go.Figure) -> list[str]:
    """Every text place of ``fig`` whose size is unset or under the floor, as paths."""
    spec = fig.to_plotly_json()
    layout, out = spec["layout"], []

    def check(path: str, font: dict[str, Any] | None) -> None:
        size = (font or {}).get("size")
        sizes = size if isinstance(size, list | tuple) else [size]
        if any(s is None or float(s) < ROOM_MIN_FONT for s in sizes):
            out.append(f"{path}={size}")

    check("layout.font", layout.get("font"))
    if (layout.get("title") or {}).get("text"):
        check("layout.title.font", layout["title"].get("font"))
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")) and axis.get("visible", True) is not False:
            check(f"{name}.tickfont", axis.get("tickfont"))
            if (axis.get("title") or {}).get("text"):
                check(f"{name}.title.font", axis["title"].get("font"))
    if layout.get("showlegend"):
        check("legend.font", (layout.get("legend") or {}).get("font"))
    for n, note in enumerate(layout.get("annotations", [])):
        check(f"annotations[{n}].font", note.get("font"))
    uniform = layout.get("uniformtext") or {}
    for n, trace in enumerate(spec["data"]):
        if trace.get("text") is not None or trace.get("texttemplate"):
            check(f"data[{n}].textfont", trace.get("textfont"))
        if trace["type"] == "bar" and trace.get("text") is not None and \
                uniform.get("minsize", 0) < ROOM_MIN_FONT:
            out.append(f"data[{n}] bar labels may shrink (uniformtext {uniform})")
        if "colorbar" in trace or trace["type"] == "heatmap":
            bar = trace.get("colorbar") or {}
            check(f"data[{n}].colorbar.tickfont", bar.get("tickfont"))
    return out


def test_every_builder_has_a_case_here():
    assert sorted(_builders()) == sorted(CASES), "add a small case for each new chart builder"


@pytest.mark.parametrize("name", sorted(CASES))
def test_projected_figure_has_no_text_under_16_px(name):
    with projection():
        fig = CASES[name]()
    assert _too_small(fig) == []


@pytest.mark.parametrize("name", ["skill_profile", "progress_sparkline", "theory_timeline_chart"])
def test_desk_figures_are_left_as_they_were(name):
    """Out of projection mode the builders' figures are untouched (no room template)."""
    assert not projecting()
    desk = CASES[name]()
    assert _too_small(desk) != []
    assert desk.to_plotly_json() == CASES[name]().to_plotly_json()


def test_for_room_keeps_larger_sizes_and_raises_small_ones_item_by_item():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1, 2], text=["a", "b"], mode="text",
                               textfont={"size": [10, 30]}))
    fig.update_layout(title={"text": "T", "font": {"size": 40}}, font={"size": 22},
                      annotations=[{"text": "n", "font": {"size": 11}, "x": 1, "y": 1}])
    for_room(fig)
    assert list(fig.data[0].textfont.size) == [22, 30]
    assert fig.layout.title.font.size == 40 and fig.layout.font.size == 22
    assert fig.layout.annotations[0].font.size == 16
    assert fig.layout.xaxis.tickfont.size == 22 and fig.layout.xaxis.automargin is True


def test_projection_switch_is_scoped_to_the_block():
    assert not projecting()
    with projection():
        assert projecting()
        with projection(False):
            assert not projecting()
        assert projecting()
    assert not projecting()


# -- labels that are never cut off or crossed (the defects seen on a projector) ---------------


def _backed(fig: go.Figure) -> dict[str, Any]:
    """Annotations on a white backing, by their text."""
    return {a.text: a for a in fig.layout.annotations if a.bgcolor}


def test_progress_points_are_labelled_on_a_backing_away_from_the_line():
    fig = CASES["progress_figure"]()
    labels = _backed(fig)
    # 40 -> 70 by June: the straight line climbs away from the baseline, so its label is below;
    # Winter (52, expected 50) is above the line, Unit 4 (50, expected 53) below it.
    assert labels["40%"].yanchor == "top" and labels["52%"].yanchor == "bottom"
    assert labels["50%"].yanchor == "top"
    # the target's label ends at the star, on the side away from the latest result (50 < 70)
    target = labels["Target 70%"]
    assert target.xanchor == "right" and target.yanchor == "bottom"
    results = next(t for t in fig.data if t.name == "Results")
    assert "text" not in results.mode, "values are written once, on their backing"


def test_progress_chart_names_its_shaded_region_in_the_legend():
    fig = CASES["progress_figure"]()
    assert fig.layout.showlegend
    shown = [t.name for t in fig.data if t.showlegend]
    assert shown == ["On track: above the line", "Straight line to target"]


def test_progress_points_near_the_floor_are_labelled_above():
    from tests.progress_data import points_frame

    pts = points_frame(
        {"kind": "baseline", "label": "Fall", "date": dt.date(2025, 9, 1), "value": 10.6,
         "students": 90},
        {"kind": "checkpoint", "label": "Spring", "date": dt.date(2026, 5, 1), "value": 5.4,
         "students": 90, "expected": 30.0, "on_track": False})
    fig = charts.progress_figure(pts, metric="pct_proficient", target_value=35.6,
                                 target_date=dt.date(2026, 5, 29), status="behind")
    labels = _backed(fig)
    assert labels["5.4%"].yanchor == "bottom", "not pushed under the axis into the dates"


def test_sparkline_values_sit_away_from_the_target_line():
    fig = charts.progress_sparkline(pd.DataFrame({
        "kind": ["baseline", "checkpoint"], "label": ["Fall", "Spring"], "value": [23.0, 60.0]}),
        48.0, "pct_proficient")
    labels = _backed(fig)
    assert labels["23%"].yanchor == "top" and labels["60%"].yanchor == "bottom"
    assert fig.layout.yaxis.range[0] < 0 < 100 < fig.layout.yaxis.range[1], "room for labels"


@pytest.mark.parametrize("font_size", [16, 22])
def test_gap_labels_have_a_margin_as_long_as_the_longest(font_size):
    fig = charts.gap_closed_figure(GAPS, font_size=font_size)
    bar = fig.data[0]
    longest = max(len(t) for t in bar.text)
    assert "★ met" in " ".join(bar.text)
    assert fig.layout.margin.r >= longest * font_size * 0.6
    assert list(fig.layout.xaxis.range) == [0, 104] and max(bar.x) <= 100
    assert bar.cliponaxis is False


def test_skill_profile_short_bar_labels_are_backed_and_the_median_runs_under():
    fig = CASES["skill_profile"]()
    assert fig.layout.shapes[0].layer == "below"
    labels = _backed(fig)
    assert any(t.startswith("median") for t in labels)
    bar = fig.data[0]
    for value, text, where in zip(bar.x, bar.text, bar.textposition, strict=True):
        assert (where == "inside") == (value >= 45)
        if where == "none":
            assert text in labels


def test_heatmap_scale_title_sits_beside_the_scale():
    fig = CASES["skill_heatmap"]()
    assert fig.data[0].colorbar.title.side == "right"


def test_survey_small_round_label_is_on_two_lines_and_not_clipped():
    fig = CASES["survey_rounds_chart"]()
    hidden = fig.data[-1]
    assert hidden.texttemplate == "fewer than<br>10 responses" and hidden.cliponaxis is False
