"""Small value rules every goal module shares: a date from any input, which way a metric
improves, the metric check, and a table cell that is missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from collabplan.errors import UserError
from collabplan.metrics import METRICS
from collabplan.text import lower_is_better


def is_better(metric: str, value: float, than: float) -> bool:
    """True when ``value`` is strictly better than ``than`` for this metric."""
    return value < than if lower_is_better(metric) else value > than


def at_least_as_good(metric: str, value: float, than: float) -> bool:
    return value <= than if lower_is_better(metric) else value >= than


def to_date(value: Any) -> dt.date | None:
    """A date from a date, datetime, pandas Timestamp or ISO text (None stays None)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise UserError(f"{text!r} is not a date; write it as YYYY-MM-DD", kind="input") from exc


def check_metric(metric: str) -> None:
    """Refuse a metric other than the two a goal may use."""
    if metric not in METRICS:
        raise UserError(
            f"metric must be pct_below_proficient or pct_proficient, not {metric!r}", kind="input"
        )


def none_if_missing(v: Any) -> Any:
    """``v``, or None when it is None, NaN or NaT (a blank cell of a DataFrame)."""
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v
