"""Student privacy: small-group suppression, formula-safe exports, pseudonyms (section 7)."""

from __future__ import annotations

import hashlib

import pandas as pd

from collabplan import config

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_suppressed(students: int | None, min_size: int | None = None) -> bool:
    return students is None or students < (min_size or config.MIN_GROUP_SIZE)


def safe_cell(value: object) -> object:
    """Neutralise a text cell a spreadsheet would run as a formula (prefix a quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) cannot run as formulas."""
    out = df.copy()
    out.columns = [safe_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    return out


def pseudonym(student_key: str) -> str:
    """A stable, non-reversible label ("Student 4F2A") for projection-safe views."""
    return "Student " + hashlib.sha256(student_key.encode("utf-8")).hexdigest()[:4].upper()
