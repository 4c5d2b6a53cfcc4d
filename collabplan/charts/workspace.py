"""Figures for the collaboration workspace: criteria ratings, brainstorm themes, the theory
of action's timeline and the staff survey across rounds. Pure functions, no I/O."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from collabplan.charts.style import COLORS, base_layout, text_as_text

#: Rating -> (label, colour): blue = already true, grey = opportunity, orange = challenging.
RATING_STYLE: dict[str | None, tuple[str, str]] = {
    "already_true": ("Already true", "#1f5fa8"),
    "opportunity": ("An opportunity", "#9aa5b1"),
    "challenging": ("Challenging", "#e07b00"),
    None: ("Not rated yet", "#d9dde2"),
}

#: Okabe-Ito colours, told apart by colour-blind readers, one per survey area.
AREA_COLORS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00"]
#: A marker shape per area too, so the lines are told apart without colour.
MARKERS = ["circle", "square", "diamond", "triangle-up", "star", "hexagon"]

SURVEY_AXIS = {
    "range": [0.8, 5.2],
    "tickvals": [1, 2, 3, 4, 5],
    "ticktext": ["1", "2", "3", "4", "5"],
    "gridcolor": COLORS["grid"],
    "zeroline": False,
}


@text_as_text
def criteria_ratings_chart(ratings: pd.DataFrame) -> go.Figure:
    """How many of the criteria for success are already true / an opportunity / challenging.

    ``ratings``: one row per criterion with ``label`` and ``rating`` (key or None), as
    ``workspace.criteria_ratings`` returns. One bar per rating, the criteria named on hover.
    """
    total = len(ratings)
    fig = go.Figure()
    ys, xs, texts, colors, hovers = [], [], [], [], []
    for key, (label, color) in RATING_STYLE.items():
        if key is None:
            chosen = ratings[ratings["rating"].isna()] if total else ratings
        else:
            chosen = ratings[ratings["rating"] == key] if total else ratings
        count = len(chosen)
        if key is None and count == 0:
            continue
        ys.append(label)
        xs.append(count)
        texts.append(f"{count} of {total}")
        colors.append(color)
        hovers.append("<br>".join(chosen["label"]) if count else "none")
    fig.add_trace(
        go.Bar(
            x=xs,
            y=ys,
            orientation="h",
            text=texts,
            textposition="outside",
            marker={"color": colors},
            customdata=hovers,
            hovertemplate="<b>%{y}</b><br>%{customdata}<extra></extra>",
        )
    )
    already = int((ratings["rating"] == "already_true").sum()) if total else 0
    fig.update_layout(
        **base_layout(f"{already} of {total} criteria already true"),
        xaxis={"range": [0, max(total, 1) + 0.8], "title": "criteria", "dtick": 1},
        yaxis={"autorange": "reversed"},
    )
    return fig


@text_as_text
def theme_counts_chart(themes: pd.DataFrame, top: int = 12) -> go.Figure:
    """Brainstorm themes by how many notes carry them, most first (``theme``, ``notes``)."""
    data = themes.sort_values(["notes", "theme"], ascending=[False, True]).head(top)
    fig = go.Figure(
        go.Bar(
            x=data["notes"].tolist(),
            y=data["theme"].tolist(),
            orientation="h",
            text=[f"{n} note{'s' if n != 1 else ''}" for n in data["notes"]],
            textposition="outside",
            marker={"color": COLORS["primary"]},
            hovertemplate="<b>%{y}</b>: %{x} notes<extra></extra>",
        )
    )
    title = (
        f"Most notes are about {data['theme'].iloc[0]}"
        if len(data) and (len(data) == 1 or data["notes"].iloc[0] > data["notes"].iloc[1])
        else "Themes in the brainstorm"
    )
    fig.update_layout(
        **base_layout(title),
        xaxis={
            "title": "notes",
            "dtick": 1,
            "range": [0, (data["notes"].max() if len(data) else 1) + 1],
        },
        yaxis={"autorange": "reversed"},
    )
    return fig


@text_as_text
def theory_timeline_chart(actions: pd.DataFrame, today: date | None = None) -> go.Figure:
    """The action timeline: one row per action from its start (or due date) to its due date.

    ``actions``: ``what``, ``who``, ``starts_on`` (may be empty), ``by_when``, ``done``.
    Done is blue, overdue orange, still to come grey; the status is written beside each bar.
    ``today`` (optional) draws a dashed "today" line and decides what is overdue.
    """
    fig = go.Figure()
    statuses = []
    for row in actions.itertuples(index=False):
        due = pd.Timestamp(row.by_when)
        start = pd.Timestamp(row.starts_on) if pd.notna(row.starts_on) else due
        if row.done:
            status, color = "done", COLORS["primary"]
        elif today is not None and due.date() < today:
            status, color = "overdue", COLORS["accent"]
        else:
            status, color = "to do", COLORS["muted"]
        statuses.append(status)
        label = f"{row.what}" + (f" ({row.who})" if isinstance(row.who, str) and row.who else "")
        fig.add_trace(
            go.Scatter(
                x=[start, due],
                y=[label, label],
                mode="lines+markers+text",
                line={"color": color, "width": 14},
                marker={"color": color, "size": 14, "symbol": ["circle", "diamond"]},
                text=["", f"{status}, by {due:%b %d}"],
                textposition="middle right",
                name=status,
                hovertemplate=f"<b>{label}</b><br>%{{x|%b %d, %Y}}<extra>{status}</extra>",
            )
        )
    if today is not None and len(actions):
        fig.add_vline(x=pd.Timestamp(today), line={"dash": "dash", "color": COLORS["target"]})
        fig.add_annotation(
            x=pd.Timestamp(today), y=0, yref="paper", yshift=-34, text="today", showarrow=False
        )
    done = statuses.count("done")
    title = f"{done} of {len(statuses)} actions done" if statuses else "No actions planned yet"
    if statuses.count("overdue"):
        title += f", {statuses.count('overdue')} overdue"
    fig.update_layout(
        **base_layout(title, margin={"l": 10, "r": 20, "t": 70, "b": 60}),
        xaxis={"type": "date", "gridcolor": COLORS["grid"], **_padded_range(actions, today)},
        yaxis={"autorange": "reversed"},
        height=max(260, 70 * len(statuses) + 140),
    )
    return fig


def _padded_range(actions: pd.DataFrame, today: date | None) -> dict:
    """An x range with room after the last due date for the status written there."""
    dates = [pd.Timestamp(d) for d in [*actions["starts_on"], *actions["by_when"]] if pd.notna(d)]
    if today is not None:
        dates.append(pd.Timestamp(today))
    if not dates:
        return {}
    first, last = min(dates), max(dates)
    span = max(last - first, pd.Timedelta(days=14))
    return {"range": [first - span * 0.05, last + span * 0.45]}


@text_as_text
def survey_rounds_chart(
    results: pd.DataFrame, suppressed_text: str = "fewer than 10 responses"
) -> go.Figure:
    """Survey averages (1-5, fixed axis) for each area across rounds.

    ``results``: one row per round and area with ``round``, ``area_label``, ``mean`` and
    ``suppressed`` (``workspace.survey_area_results``), rounds in order. Suppressed rounds
    show no number: a grey marker at the bottom of the axis says why.
    """
    rounds = list(dict.fromkeys(results["round"])) if len(results) else []
    fig = go.Figure()
    shown = results[~results["suppressed"].astype(bool)] if len(results) else results
    for n, area in enumerate(dict.fromkeys(shown["area_label"]) if len(shown) else []):
        data = shown[shown["area_label"] == area]
        color = AREA_COLORS[n % len(AREA_COLORS)]
        means = [float(m) for m in data["mean"]]
        fig.add_trace(
            go.Scatter(
                x=data["round"].tolist(),
                y=means,
                mode="lines+markers",
                name=area,
                line={"color": color, "width": 3},
                marker={"color": color, "size": 11, "symbol": MARKERS[n % len(MARKERS)]},
                hovertemplate=f"<b>{area}</b><br>%{{x}}: %{{y:.2f}} of 5<extra></extra>",
            )
        )
    hidden = (
        list(dict.fromkeys(results.loc[results["suppressed"].astype(bool), "round"]))
        if len(results)
        else []
    )
    if hidden:
        fig.add_trace(
            go.Scatter(
                x=hidden,
                y=[1] * len(hidden),
                mode="markers+text",
                name="not shown",
                marker={"color": COLORS["muted"], "symbol": "x", "size": 12},
                text=[suppressed_text] * len(hidden),
                # on two lines, so a round at either end keeps its words inside the chart
                texttemplate=_two_lines(suppressed_text),
                textposition="top center",
                cliponaxis=False,
                textfont={"size": 12, "color": COLORS["target"]},
                hovertemplate=f"%{{x}}: {suppressed_text}, results not shown<extra></extra>",
            )
        )
    if len(shown):
        last_round = shown["round"].iloc[-1]
        latest = shown[shown["round"] == last_round]
        best = latest.loc[latest["mean"].astype(float).idxmax()]
        title = f"{best['area_label']} highest in {last_round}: {float(best['mean']):.1f} of 5"
    else:
        title = "No survey results to show yet"
    fig.update_layout(
        **base_layout(title, showlegend=True),
        yaxis={**SURVEY_AXIS, "title": "average (1 disagree – 5 agree)"},
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": rounds,
            "title": "survey round",
        },
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def _two_lines(words: str) -> str:
    """``words`` broken into two lines of about equal length (Plotly's ``<br>``)."""
    parts = words.split(" ")
    if len(parts) < 2:
        return words
    best = min(range(1, len(parts)), key=lambda i: abs(len(" ".join(parts[:i]))
                                                       - len(" ".join(parts[i:]))))
    return " ".join(parts[:best]) + "<br>" + " ".join(parts[best:])
