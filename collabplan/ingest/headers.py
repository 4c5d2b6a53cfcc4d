"""What a header row says before any mapping: the top rows of a sheet, cells that read as
numbers, and the columns a detector must never take as skills.

:func:`never_skill` is the one list of header patterns for columns that hold an id, a date or
time, a duration, a standard error, a percentile or a share of time, a growth figure or
projection, a total, or who and where the student is (name, grade, class, teacher, school):
such a column describes a test or a student, it never scores a skill.
"""

from __future__ import annotations

import re
from typing import Any

#: How many rows from the top are searched for the header row / preset headers.
HEADER_SEARCH_ROWS = 30


def top_rows(sheet: Any) -> list[list[str | None]]:
    """The first :data:`HEADER_SEARCH_ROWS` rows of a sheet as trimmed text."""
    return [
        [(v.strip() if isinstance(v, str) else v) for v in row]
        for row in sheet.text_rows(0, HEADER_SEARCH_ROWS)
    ]


def looks_like_number(text: Any) -> bool:
    """True for a cell that reads as a number ("85", " 4.5 ", "85%")."""
    if text is None:
        return False
    try:
        float(str(text).strip().rstrip("%"))
    except ValueError:
        return False
    return True


def header_words(header: str) -> str:
    """A header as lower-case words: "Goal1StdErr" -> "goal 1 std err",
    "District_StateID" -> "district state id", "% Correct" -> "% correct"."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(header))
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    text = re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", text)
    text = re.sub(r"[^A-Za-z0-9%#]+", " ", text)
    return " ".join(text.lower().split())


# Each pattern is searched in header_words(header); the name says why the column is no skill.
_NEVER_SKILL: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (why, re.compile(pattern))
    for why, pattern in (
        ("an id", r"(^|\s)(id|ids|identifier|number|num|no|#|ssid|lasid|uid|guid|peims)$"
                  r"|^(student|local|state|sis|custom|external)\s*(id|number)\b"),
        ("a date or time", r"\b(date|dates|time|timestamp|datetime|dob|birthdate|birthday|created"
                           r"|exported|submitted|completed|year|years|launch)\b"),
        ("a duration", r"\b(duration|minutes|mins?|seconds|secs?|hours|hrs)\b"),
        ("a standard error", r"\b(std\s?err|stderr|standard error|sem|se|error of measurement)\b"),
        ("a percentile or a share of time",
         r"\b(percentile|percentiles|percentile rank|pr|npr|nce|normal curve|rapid guessing"
         r"|percent progress|time on task)\b"),
        ("a growth figure or projection",
         r"\b(growth|projected|projection|projections|typical|stretch|observed|conditional"
         r"|quintile|sgp|gain|target score)\b"),
        ("a total",
         r"^(total|totals|sum|overall|raw score|raw|score|scores|percentage|average|avg|mean|%)$"
         r"|\b(total|earned points|possible points|points possible|points earned|max points"
         r"|percent correct|pct correct|% correct|questions correct|questions presented"
         r"|total correct|total possible)\b"),
        ("who or where the student is",
         r"\b(name|names|first|last|middle|mi|initial|grade|grades|grade level|class|classes"
         r"|section|period|course|teacher|teachers|instructor|school|district|campus|account"
         r"|gender|sex|ethnicity|race|email|username|enrolled|enrollment|homeroom|room)\b"),
        ("a version, key or code", r"\b(version|key|code|codes|accommodations?)\b"),
    )
)


def never_skill(header: str | None) -> str | None:
    """Why the column ``header`` is never a skill ("a standard error" …), or None when it may be.

    A question number such as "Q3" or "3" is always allowed: it is what a tracker scores.
    """
    if not header or not str(header).strip():
        return None
    words = header_words(header)
    if re.fullmatch(r"(q|question|item|problem|prob|p|#|no)?\s?\d+[a-z]?", words):
        return None
    for why, pattern in _NEVER_SKILL:
        if pattern.search(words):
            return why
    return None
