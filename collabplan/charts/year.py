"""The school year as a timeline: one row per kind of dated thing, a marker on each day, a bar
for each span (a testing window, an action from its start to its due date), today dashed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from collabplan.charts.style import COLORS, base_layout, text_as_text
from collabplan.text import count, long_date

#: Colour-blind-safe colours (Okabe-Ito) and marker shapes; the row label says the kind too.
KIND_COLORS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000",
               "#999999"]
KIND_MARKERS = ["circle", "square", "diamond", "triangle-up", "star", "hexagon", "cross",
                "triangle-down"]


@text_as_text
def year_timeline_chart(items: pd.DataFrame, first: dt.date, last: dt.date,
                        today: dt.date | None = None, title_year: str = "") -> go.Figure:
    """The items between ``first`` and ``last`` on one timeline.

    ``items``: ``on``, ``ends`` (None for one day), ``kind_label``, ``title``, ``team``,
    ``done`` (as :func:`collabplan.year.calendar.as_frame` gives). One row per kind, in the
    order the kinds first appear; done items are drawn hollow. The title says how many items
    the year holds and how many are still ahead of ``today``.
    """
    fig = go.Figure()
    rows = list(dict.fromkeys(items["kind_label"]))
    for n, kind in enumerate(rows):
        color, symbol = KIND_COLORS[n % len(KIND_COLORS)], KIND_MARKERS[n % len(KIND_MARKERS)]
        mine = items[items["kind_label"] == kind]
        for r in mine.itertuples(index=False):
            if r.ends is not None and not pd.isna(r.ends) and r.ends != r.on:
                fig.add_trace(go.Scatter(
                    x=[pd.Timestamp(r.on), pd.Timestamp(r.ends)], y=[kind, kind], mode="lines",
                    line={"color": color, "width": 10}, opacity=0.45, hoverinfo="skip"))
        hover = [
            f"<b>{t}</b><br>{team + '<br>' if isinstance(team, str) and team else ''}"
            f"{long_date(on)}{' to ' + long_date(ends) if ends is not None and not pd.isna(ends) and ends != on else ''}"
            f"{'<br>done' if done else ''}"
            for t, team, on, ends, done in zip(mine["title"], mine["team"], mine["on"],
                                                mine["ends"], mine["done"], strict=True)
        ]
        fig.add_trace(go.Scatter(
            x=[pd.Timestamp(d) for d in mine["on"]], y=[kind] * len(mine), mode="markers",
            name=kind, text=hover, hovertemplate="%{text}<extra></extra>",
            marker={"size": 16, "color": [("white" if d else color) for d in mine["done"]],
                    "symbol": symbol, "line": {"color": color, "width": 3}}))
    ahead = 0 if today is None else int(sum(
        ((e if e is not None and not pd.isna(e) else o) >= today)
        for o, e in zip(items["on"], items["ends"], strict=True)))
    title = f"The school year{' ' + title_year if title_year else ''}: " + (
        f"{count(len(items), 'dated item')}, {ahead} still ahead" if len(items)
        else "nothing dated yet")
    if today is not None and first <= today <= last:
        fig.add_vline(x=pd.Timestamp(today), line={"dash": "dash", "color": COLORS["target"]})
        fig.add_annotation(x=pd.Timestamp(today), y=1, yref="paper", yanchor="bottom",
                           text="today", showarrow=False)
    fig.update_layout(
        **base_layout(title, margin={"l": 10, "r": 30, "t": 90, "b": 40}),
        xaxis={"type": "date", "range": [pd.Timestamp(first), pd.Timestamp(last)],
               "gridcolor": COLORS["grid"], "dtick": "M1", "tickformat": "%b"},
        yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": rows},
        height=max(300, 60 * len(rows) + 160),
    )
    return fig
