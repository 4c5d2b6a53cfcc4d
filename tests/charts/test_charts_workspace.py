"""Workspace figures, checked on their data: bars, labels, colours, axes, suppressed rounds."""

from __future__ import annotations

from datetime import date

import pandas as pd

from collabplan import charts
from collabplan.charts.workspace import RATING_STYLE


def ratings_frame(ratings: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {"label": [f"Criterion {n}" for n in range(len(ratings))], "rating": ratings}
    )


def test_criteria_chart_counts_each_rating_with_names_on_hover():
    fig = charts.criteria_ratings_chart(
        ratings_frame(["already_true", "already_true", "challenging", None, "opportunity"])
    )
    bar = fig.data[0]
    assert list(bar.y) == ["Already true", "An opportunity", "Challenging", "Not rated yet"]
    assert list(bar.x) == [2, 1, 1, 1]
    assert list(bar.text) == ["2 of 5", "1 of 5", "1 of 5", "1 of 5"]
    assert list(bar.marker.color) == [
        RATING_STYLE["already_true"][1],
        RATING_STYLE["opportunity"][1],
        RATING_STYLE["challenging"][1],
        RATING_STYLE[None][1],
    ]
    assert bar.customdata[0] == "Criterion 0<br>Criterion 1"
    assert fig.layout.title.text == "2 of 5 criteria already true"


def test_criteria_chart_leaves_out_not_rated_when_all_are_rated():
    fig = charts.criteria_ratings_chart(ratings_frame(["opportunity", "challenging"]))
    assert "Not rated yet" not in list(fig.data[0].y)
    assert fig.layout.title.text == "0 of 2 criteria already true"


def test_theme_chart_sorts_most_first_and_names_the_leading_theme():
    themes = pd.DataFrame({"theme": ["time", "trust", "planning"], "notes": [1, 3, 2]})
    fig = charts.theme_counts_chart(themes)
    bar = fig.data[0]
    assert list(bar.y) == ["trust", "planning", "time"]
    assert list(bar.x) == [3, 2, 1]
    assert list(bar.text) == ["3 notes", "2 notes", "1 note"]
    assert fig.layout.title.text == "Most notes are about trust"


def test_theme_chart_has_a_neutral_title_on_a_tie_or_no_themes():
    tie = pd.DataFrame({"theme": ["a", "b"], "notes": [2, 2]})
    assert charts.theme_counts_chart(tie).layout.title.text == "Themes in the brainstorm"
    empty = pd.DataFrame({"theme": [], "notes": []})
    assert list(charts.theme_counts_chart(empty).data[0].x) == []


def test_timeline_draws_each_action_from_start_to_due_with_its_status():
    actions = pd.DataFrame(
        {
            "what": ["Draft rota", "Try rota", "Survey staff"],
            "who": ["Lead", None, "Coach"],
            "starts_on": [pd.Timestamp("2025-09-01"), pd.Timestamp("2025-09-20"), pd.NaT],
            "by_when": [
                pd.Timestamp("2025-09-15"),
                pd.Timestamp("2025-10-01"),
                pd.Timestamp("2025-11-01"),
            ],
            "done": [True, False, False],
        }
    )
    fig = charts.theory_timeline_chart(actions, today=date(2025, 10, 10))
    first, second, third = fig.data
    assert list(first.x) == [pd.Timestamp("2025-09-01"), pd.Timestamp("2025-09-15")]
    assert list(first.y) == ["Draft rota (Lead)", "Draft rota (Lead)"]
    assert first.text[1] == "done, by Sep 15" and first.line.color == charts.COLORS["primary"]
    assert second.text[1] == "overdue, by Oct 01" and second.line.color == charts.COLORS["accent"]
    # No start date: a single point at the due date.
    assert list(third.x) == [pd.Timestamp("2025-11-01")] * 2
    assert third.text[1] == "to do, by Nov 01" and third.line.color == charts.COLORS["muted"]
    assert fig.layout.title.text == "1 of 3 actions done, 1 overdue"
    assert fig.layout.xaxis.type == "date"
    assert fig.layout.shapes[0].line.dash == "dash"
    # Room after the last due date for the status written there.
    assert pd.Timestamp(fig.layout.xaxis.range[1]) > pd.Timestamp("2025-11-01") + pd.Timedelta(
        days=20
    )


def test_timeline_without_actions_says_so():
    empty = pd.DataFrame(columns=["what", "who", "starts_on", "by_when", "done"])
    fig = charts.theory_timeline_chart(empty)
    assert fig.layout.title.text == "No actions planned yet" and len(fig.data) == 0


def survey_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "round": ["Fall", "Fall", "Winter", "Winter", "Spring", "Spring"],
            "area_label": ["Trust", "Protected time"] * 3,
            "mean": [3.1, 2.5, None, None, 3.8, 3.0],
            "suppressed": [False, False, True, True, False, False],
        }
    )


def test_survey_chart_plots_each_area_on_a_fixed_one_to_five_axis():
    fig = charts.survey_rounds_chart(survey_frame())
    trust, time_, hidden = fig.data
    assert trust.name == "Trust" and list(trust.x) == ["Fall", "Spring"]
    assert list(trust.y) == [3.1, 3.8]
    assert trust.marker.symbol != time_.marker.symbol  # told apart without colour
    assert list(time_.y) == [2.5, 3.0]
    assert list(fig.layout.yaxis.range) == [0.8, 5.2]
    assert list(fig.layout.yaxis.tickvals) == [1, 2, 3, 4, 5]
    assert list(fig.layout.xaxis.categoryarray) == ["Fall", "Winter", "Spring"]
    assert fig.layout.title.text == "Trust highest in Spring: 3.8 of 5"


def test_survey_chart_marks_suppressed_rounds_without_a_number():
    fig = charts.survey_rounds_chart(survey_frame(), "fewer than 10 responses")
    hidden = fig.data[-1]
    assert hidden.name == "not shown"
    assert list(hidden.x) == ["Winter"]
    assert list(hidden.text) == ["fewer than 10 responses"]
    assert hidden.marker.symbol == "x"
    # No area trace carries a value for the suppressed round.
    assert all("Winter" not in list(t.x) for t in fig.data[:-1])


def test_survey_chart_with_only_suppressed_rounds_shows_no_values():
    frame = survey_frame()
    frame["suppressed"] = True
    frame["mean"] = None
    fig = charts.survey_rounds_chart(frame)
    assert [t.name for t in fig.data] == ["not shown"]
    assert fig.layout.title.text == "No survey results to show yet"
