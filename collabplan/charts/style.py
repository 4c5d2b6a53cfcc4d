"""Shared look: colour-blind-safe status colours, large type, fixed 0–100 % axes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd

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
        return builder(*(_plain_any(a) for a in args),
                       **{k: _plain_any(v) for k, v in kwargs.items()})

    return wrapper  # type: ignore[return-value]
