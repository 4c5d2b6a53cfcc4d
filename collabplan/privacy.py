"""Student privacy: small-group suppression, formula-safe exports, pseudonyms (section 7)."""

from __future__ import annotations

import hashlib

from collabplan import config

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_suppressed(students: int | None, min_size: int | None = None) -> bool:
    return students is None or students < (min_size or config.MIN_GROUP_SIZE)


def safe_cell(value: object) -> object:
    """Neutralise a text cell a spreadsheet would run as a formula (prefix a quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def pseudonym(student_key: str) -> str:
    """A stable, non-reversible label ("Student 4F2A") for projection-safe views."""
    return "Student " + hashlib.sha256(student_key.encode("utf-8")).hexdigest()[:4].upper()
