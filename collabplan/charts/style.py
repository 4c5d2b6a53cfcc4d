"""Shared look: colour-blind-safe status colours, large type, fixed 0–100 % axes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import pandas as pd
import plotly.graph_objects as go

# Blue / orange / grey: told apart by colour-blind readers; labels repeat the status anyway.
STATUS_COLORS = {
    "strength": "#1f5fa8",
    "typical": "#9aa5b1",
    "lagging": "#e07b00",
    "suppressed": "#d9dde2",
}
COLORS = {
    "primary": "#1f5fa8",
    "accent": "#e07b00",
    "muted": "#9aa5b1",
    "target": "#1d2733",
    "ok_band": "rgba(31, 95, 168, 0.12)",
    "grid": "#e6e9ee",
}
FONT_SIZE = 16


def base_layout(title: str, **extra: Any) -> dict[str, Any]:
    """Layout defaults readable from the back of a room."""
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": FONT_SIZE + 6}, "x": 0, "xanchor": "left"},
        "font": {"size": FONT_SIZE, "family": "Source Sans Pro, Arial, sans-serif"},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "margin": {"l": 10, "r": 30, "t": 70, "b": 40},
        "showlegend": False,
    }
    layout.update(extra)
    return layout


PERCENT_AXIS = {"range": [0, 100], "ticksuffix": "%", "gridcolor": COLORS["grid"], "zeroline": False}


# -- user text in figures ------------------------------------------------------------------
# Plotly draws every title, tick label, legend entry and hover text through its own small
# HTML (<b>, <br>, <a href=...>) and, when a page has MathJax, $...$ as LaTeX. A skill, class,
# team or window name put there as it is could become a link or a formula.
_PLOTLY_SPECIALS = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;"}
F = TypeVar("F", bound=Callable[..., Any])


def plain(value: str) -> str:
    """``value`` as Plotly shows it letter for letter: ``& < > $`` as entities (Plotly turns
    entities back into the characters, and a ``$`` entity never starts maths)."""
    return "".join(_PLOTLY_SPECIALS.get(ch, ch) for ch in value)


def _plain_any(value: Any) -> Any:
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, pd.DataFrame):
        out = value.copy()
        for column in out.columns:
            if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
                out[column] = out[column].map(lambda v: plain(v) if isinstance(v, str) else v)
        return out
    if isinstance(value, pd.Series) and (value.dtype == object or pd.api.types.is_string_dtype(value)):
        return value.map(lambda v: plain(v) if isinstance(v, str) else v)
    if isinstance(value, list | tuple) and any(isinstance(v, str) for v in value):
        return type(value)(plain(v) if isinstance(v, str) else v for v in value)
    return value


def text_as_text(builder: F) -> F:
    """A figure builder whose text arguments (strings, and the string cells of tables) are
    passed through :func:`plain` first, so names from files and typing are never markup.

    Only the public builders carry it (they never call one another), so nothing is escaped
    twice; the builder's own ``<b>``/``<br>`` stay markup.
    """

    @functools.wraps(builder)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        fig = builder(*(_plain_any(a) for a in args),
                      **{k: _plain_any(v) for k, v in kwargs.items()})
        if projecting() and isinstance(fig, go.Figure):
            for_room(fig)
        return fig

    return wrapper  # type: ignore[return-value]


# -- labels a line never strikes through ---------------------------------------------------
#: The backing of a label drawn over a chart: the plot's white, nearly opaque.
LABEL_BACKING = "rgba(255, 255, 255, 0.92)"


def label_side(value: float, away_from: float | None, low: float = 12.0,
               high: float = 88.0) -> bool:
    """True when a point's label goes above it: on the side away from a line at ``away_from``
    (the target, or where the straight line heads), but never off the 0-100 axis."""
    above = away_from is None or value >= away_from
    if not above and value < low:
        return True
    if above and value > high:
        return False
    return above


def point_labels(fig: go.Figure, xs: list[Any], ys: list[float], texts: list[str],
                 above: list[bool], *, gap: int = 10, size: int | None = None,
                 leftwards: bool = False) -> None:
    """Value labels beside points as annotations on a white backing, above or below each
    point (``leftwards``: ending at the point, for the last point of a chart). Annotations
    are drawn over every line and shape, so a target or straight line passing the label's
    place runs under it instead of striking it through."""
    for x, y, text, up in zip(xs, ys, texts, above, strict=True):
        fig.add_annotation(
            x=x, y=y, text=text, showarrow=False, yanchor="bottom" if up else "top",
            yshift=gap if up else -gap, bgcolor=LABEL_BACKING, borderpad=1,
            xanchor="right" if leftwards else "center", xshift=-gap if leftwards else 0,
            font={"color": COLORS["target"], **({"size": size} if size else {})},
        )


# -- projection mode: the room template ----------------------------------------------------
# On a projector at 1920x1080 the back of the room reads nothing under 16 px. Streamlit's own
# Plotly theme sets tick labels, legends and colour bars smaller than the figure's base font
# (12-14 px), and a few builders choose small text for desk use, so in projection mode every
# public builder (through ``text_as_text``) passes its figure through ``for_room``, which
# sets each text size explicitly: explicit sizes win over any theme's template.

#: The smallest text size (px) on a chart in projection mode.
ROOM_MIN_FONT = 16
#: Titles a step above the rest, as in ``base_layout``.
ROOM_TITLE_FONT = ROOM_MIN_FONT + 6
_PROJECTING: ContextVar[bool] = ContextVar("collabplan_projecting", default=False)


def set_projecting(on: bool) -> None:
    """Whether the figures built from now on (in this thread / script run) are projected.

    Set by ``collabplan.ui.present`` at the start of every run; figures stay pure functions
    of their data plus this one switch."""
    _PROJECTING.set(bool(on))


def projecting() -> bool:
    """True while projection mode is on for the figures being built."""
    return _PROJECTING.get()


@contextmanager
def projection(on: bool = True) -> Iterator[None]:
    """Build figures in (or out of) projection mode for the length of a ``with`` block."""
    token = _PROJECTING.set(on)
    try:
        yield
    finally:
        _PROJECTING.reset(token)


def _at_least(size: Any, floor: int) -> Any:
    """``size`` raised to ``floor`` (a list of sizes item by item; None becomes ``floor``)."""
    if isinstance(size, list | tuple):
        return [_at_least(s, floor) for s in size]
    if size is None:
        return floor
    try:
        return max(float(size), floor)
    except (TypeError, ValueError):
        return floor


def _raise_font(font: Any, floor: int) -> dict[str, Any]:
    """A font dict whose size is at least ``floor`` (its other keys kept)."""
    current = font.to_plotly_json() if hasattr(font, "to_plotly_json") else dict(font or {})
    current["size"] = _at_least(current.get("size"), floor)
    return current


#: Trace attributes that hold a font drawn on the chart.
_TRACE_FONTS = ("textfont", "insidetextfont", "outsidetextfont")


def for_room(fig: go.Figure, floor: int = ROOM_MIN_FONT) -> go.Figure:
    """Make ``fig`` readable from the back of a room: every text on it at least ``floor`` px.

    Sets the base, title, axis tick and axis title, legend, annotation, hover, colour bar and
    trace text fonts explicitly (so no theme shrinks them), keeps larger sizes as they are,
    lets the axes make room for their labels (``automargin``) and shows bar labels at the
    floor size rather than shrinking them to fit a bar. Changes ``fig`` and returns it.
    """
    layout = fig.layout
    base = _at_least(layout.font.size, floor)
    fig.update_layout(font=_raise_font(layout.font, floor))
    if layout.title.text:
        # A title without its own size would take the theme's: give it the title size.
        title_floor = floor if layout.title.font.size is not None else max(floor, ROOM_TITLE_FONT)
        fig.update_layout(title_font=_raise_font(layout.title.font, title_floor))
    named = [k for k in fig.layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))]
    for name in dict.fromkeys(["xaxis", "yaxis", *named]):
        axis = layout[name]
        axis.update(tickfont=_raise_font(axis.tickfont, max(floor, base)), automargin=True)
        axis.title.update(font=_raise_font(axis.title.font, max(floor, base)))
    layout.legend.update(font=_raise_font(layout.legend.font, floor))
    layout.legend.title.update(font=_raise_font(layout.legend.title.font, floor))
    layout.hoverlabel.update(font=_raise_font(layout.hoverlabel.font, floor))
    for note in layout.annotations:
        note.update(font=_raise_font(note.font, floor))
    bars = False
    for trace in fig.data:
        props = trace.to_plotly_json()
        for attr in _TRACE_FONTS:
            if attr in trace and (attr in props or attr == "textfont"):
                trace[attr] = _raise_font(trace[attr], max(floor, base))
        if trace.type in ("bar", "funnel", "waterfall", "histogram"):
            bars = True
        if "colorbar" in trace:  # heatmaps and the like: the scale beside the chart
            trace.colorbar.update(tickfont=_raise_font(trace.colorbar.tickfont, floor))
            trace.colorbar.title.update(font=_raise_font(trace.colorbar.title.font, floor))
    if bars:
        # Bar labels keep the floor size; without this Plotly shrinks a label to fit its bar.
        fig.update_layout(uniformtext={"minsize": max(floor, layout.uniformtext.minsize or 0),
                                       "mode": "show"})
    return fig
