"""The focus chart: each lagging skill's gap in the data against the team's interest plus
capacity for growth, so the team sees both before choosing what to work on.

A pure function of ``goals.focus.focus_table``'s rows (aggregates only: projection-safe).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from collabplan.charts.style import COLORS, base_layout, point_labels, text_as_text
from collabplan.text import count

#: Where skills not rated yet sit: under the 2–10 scale, on their own labelled line.
NOT_RATED_Y = 0


@text_as_text
def focus_chart(table: pd.DataFrame) -> go.Figure:
    """Gap in points (x) against interest + capacity (y, 2–10) per candidate skill.

    ``table`` columns: order, skill, gap, interest, capacity, together (None until rated),
    chosen. Each point is labelled with its skill and suggested place; the chosen focus is an
    orange star and says "chosen", so colour never carries the meaning alone; skills not yet
    rated sit on a "not rated yet" line at the bottom.
    """
    fig = go.Figure()
    if table.empty:
        fig.update_layout(**base_layout("No skill lags: nothing to choose between"), height=220)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig
    data = table.copy()
    rated = data["together"].notna()
    data["y"] = [float(v) if ok else NOT_RATED_Y for v, ok in zip(data["together"], rated,
                                                                  strict=True)]
    data["x"] = data["gap"].astype(float)
    chosen = data["chosen"].astype(bool)
    labels = [f"{r.order}. {r.skill}" + (" ★ chosen" if c else "")
              for r, c in zip(data.itertuples(), chosen, strict=True)]
    hover = [
        f"{r.skill}: {count(round(r.gap), 'point')} short"
        + (f", interest {int(r.interest)}, capacity {int(r.capacity)}" if ok else ", not rated yet")
        for r, ok in zip(data.itertuples(), rated, strict=True)
    ]
    fig.add_trace(go.Scatter(
        x=list(data["x"]), y=list(data["y"]), mode="markers", text=hover,
        hovertemplate="%{text}<extra></extra>", cliponaxis=False,
        marker={"size": [26 if c else 18 for c in chosen],
                "symbol": ["star" if c else ("circle" if ok else "circle-open")
                           for c, ok in zip(chosen, rated, strict=True)],
                "color": [COLORS["accent"] if c else COLORS["primary"] if ok else COLORS["muted"]
                          for c, ok in zip(chosen, rated, strict=True)],
                "line": {"width": 2, "color": COLORS["primary"]}},
    ))
    point_labels(fig, list(data["x"]), list(data["y"]), labels, [True] * len(data))
    top = data.iloc[0]
    if rated.any():
        title = f"Suggested first: {top['skill']}"
    else:
        title = f"Rate the {count(len(data), 'lagging skill')} to see a suggested order"
    widest = max(float(data["x"].max()), 1.0)
    fig.update_layout(**base_layout(title), height=420)
    fig.update_xaxes(title="Gap in the data (points short of not lagging)",
                     range=[-widest * 0.08, widest * 1.15], gridcolor=COLORS["grid"],
                     zeroline=False)
    fig.update_yaxes(title="Interest + capacity for growth", range=[-1, 11.8],
                     tickvals=[NOT_RATED_Y, 2, 4, 6, 8, 10],
                     ticktext=["not rated yet", "2 (low)", "4", "6", "8", "10 (high)"],
                     gridcolor=COLORS["grid"], zeroline=False)
    return fig
