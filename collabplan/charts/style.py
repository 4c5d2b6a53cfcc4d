"""Shared look: colour-blind-safe status colours, large type, fixed 0–100 % axes."""

from __future__ import annotations

from typing import Any

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
