"""A teacher's own tracker, found without a mapping, and how clean its score columns are.

:func:`tracker_shape` looks in one sheet's top rows for a header row with a student id or
name column and score columns (Q1, Q2 … or columns of numbers), with optional rows of
standards and points possible under it and title rows above it. Columns that
:func:`~collabplan.ingest.headers.never_skill` names (ids, dates, durations, standard errors,
percentiles, growth, totals, names, grades, classes …) are never score columns.
:func:`tracker_confidence` says, from 0 to 1, how much the found columns look like a tracker's:
scores of one scale among few other columns, rather than a vendor export's metadata.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from collabplan.ingest.headers import looks_like_number, never_skill, top_rows
from collabplan.ingest.mapping import header_key
from collabplan.ingest.titles import TitleFields, title_fields

_QUESTION = re.compile(
    r"^(q|question|item|problem|prob|p|#|no\.?)\s*[-.#]?\s*\d+[a-z]?$|^\d+[a-z]?$", re.I
)
_ID_HEADER = re.compile(
    r"^(student|stu|pupil|learner|sis|local|state)?(id|number|num|no|#|idnumber|sisid|localid|lasid|ssid)$"
)
_NAME_HEADER = re.compile(
    r"^(student|pupil|learner|full)?name$|^student$|^(last,?first|lastname,?firstname)$|^name\(last,first\)$"
)
_SKILL_ROW_LABEL = re.compile(
    r"standard|skill|target|objective|domain|strand|teks|ccss|outcome|concept|teaches", re.I
)
_MAX_ROW_LABEL = re.compile(r"point|possible|max|out\s*of|value|worth", re.I)
_TOTAL_HEADER = re.compile(
    r"^(total|totals|sum|score|raw|%|percent|pct|average|avg|grade|overall|mastery)", re.I
)


class TrackerShape(NamedTuple):
    """Where one sheet's tracker layout is: sheet rows are 1-based, like Excel."""

    header_row: int
    skill_row: int | None
    max_row: int | None
    columns: dict[str, str]  # role -> header
    score_headers: list[str]
    question_like: bool  # Q1, Q2 … (points) rather than skill columns of numbers
    observed_max: float | None  # the largest score seen, for points possible
    title: TitleFields  # what the rows above the header say
    signature: tuple[str, ...]  # the header keys: sheets of one tracker share it
    other_columns: list[str]  # columns with values that are neither the student's nor scores
    never: list[str]  # columns left out as never skills (ids, dates, totals …)
    numeric_share: float  # of the score cells with a value, the share that are numbers
    scale_problem: str | None  # why the scores do not read as one scale, if they do not


def tracker_shape(sheet: Any) -> TrackerShape | None:
    """The first header row (of the top rows) that a tracker's would be, or None."""
    rows = top_rows(sheet)
    for i, row in enumerate(rows):
        shape = _shape_at(sheet, rows, i, row)
        if shape is not None:
            return shape
    return None


def student_columns(row: list[Any]) -> dict[str, int]:
    """The student's columns of a header row by role (student_id, student_name, first_name,
    last_name): the columns a tracker detector looks for first."""
    keys = [header_key(c) if isinstance(c, str) and not looks_like_number(c) else "" for c in row]
    found: dict[str, int] = {}
    for role, test in (
        ("student_id", lambda k: bool(_ID_HEADER.match(k))),
        ("student_name", lambda k: bool(_NAME_HEADER.match(k))),
        ("first_name", lambda k: k in ("firstname", "first")),
        ("last_name", lambda k: k in ("lastname", "last")),
    ):
        j = next((j for j, k in enumerate(keys) if k and test(k)), None)
        if j is not None:
            found[role] = j
    return found


def _shape_at(sheet: Any, rows: list[list[Any]], i: int, row: list[Any]) -> TrackerShape | None:
    found = student_columns(row)
    id_col, name_col = found.get("student_id"), found.get("student_name")
    first_col, last_col = found.get("first_name"), found.get("last_name")
    if id_col is None and name_col is None and (first_col is None or last_col is None):
        return None
    role_cols = {c for c in (id_col, name_col, first_col, last_col) if c is not None}
    texts = [c if isinstance(c, str) else None for c in row]
    question = [j for j, t in enumerate(texts) if t and j not in role_cols and _QUESTION.match(t)]
    below = rows[i + 1 : i + 1 + 40]
    label_col = min(role_cols)
    # rows of standards / points possible right under the header
    skill_row = max_row = None
    k = 0
    while k < 2 and k < len(below):
        r = below[k]
        label = r[label_col] if label_col < len(r) else None
        has_id = id_col is not None and r[id_col] not in (None, "")
        cells = [r[j] for j in question] if question else []
        if label and _SKILL_ROW_LABEL.search(str(label)) and not has_id and skill_row is None:
            skill_row = k
        elif label and _MAX_ROW_LABEL.search(str(label)) and not has_id and max_row is None:
            max_row = k
        elif (
            cells
            and not has_id
            and not label
            and skill_row is None
            and all(c and not looks_like_number(c) for c in cells)
        ):
            skill_row = k
        else:
            break
        k += 1
    data_rows = below[k:]

    def values(j: int) -> list[Any]:
        return [r[j] for r in data_rows if j < len(r) and r[j] not in (None, "")]

    never: list[str] = []
    other: list[str] = []
    question_like = bool(question)
    if not question:
        # skill columns holding numbers (percent or points per skill); never ids, dates …
        for j, t in enumerate(texts):
            if not t or j in role_cols:
                continue
            if _TOTAL_HEADER.match(t.strip()) or never_skill(t):
                never.append(t)
                continue
            vals = values(j)
            if not vals:
                continue
            if sum(looks_like_number(v) for v in vals) >= 0.8 * len(vals):
                question.append(j)
            else:
                other.append(t)
    else:
        chosen = set(question)
        for j, t in enumerate(texts):
            if t and j not in role_cols and j not in chosen and values(j):
                (never if (_TOTAL_HEADER.match(t.strip()) or never_skill(t)) else other).append(t)
    if not question:
        return None
    score_cells = [v for j in question for v in values(j)]
    numbers = [float(str(v).strip().rstrip("%")) for v in score_cells if looks_like_number(v)]
    observed = max(numbers, default=0.0)
    numeric_share = len(numbers) / len(score_cells) if score_cells else 0.0
    scale_problem = None
    if max_row is None and not question_like and numbers:
        if observed > 100:
            scale_problem = f"scores up to {observed:g}, more than a percent"
        elif observed > 1 and observed <= 5 and all(n == int(n) for n in numbers):
            scale_problem = f"small whole numbers (up to {observed:g}), not percents"
    columns: dict[str, str] = {}
    if id_col is not None:
        columns["student_id"] = texts[id_col]
    if name_col is not None:
        columns["student_name"] = texts[name_col]
    elif first_col is not None and last_col is not None:
        columns["first_name"] = texts[first_col]
        columns["last_name"] = texts[last_col]
    header_row = sheet.first_row + i
    return TrackerShape(
        header_row=header_row,
        skill_row=header_row + 1 + skill_row if skill_row is not None else None,
        max_row=header_row + 1 + max_row if max_row is not None else None,
        columns=columns,
        score_headers=[texts[j] for j in question],
        question_like=question_like,
        observed_max=observed if observed > 1 or question_like else None,
        title=title_fields(rows[:i]),
        signature=tuple(header_key(t) for t in texts if t),
        other_columns=other,
        never=never,
        numeric_share=numeric_share,
        scale_problem=scale_problem,
    )


def tracker_confidence(shape: TrackerShape) -> float:
    """0-1: how much ``shape`` looks like a teacher's tracker.

    The share of the columns with values (other than the student's and the never-skill ones)
    that are score columns, times the share of score cells that are numbers; halved when the
    scores do not read as one scale (a scale score of 282 among percents, or 1-4 with no
    points possible); lowered when metadata columns (ids, dates, totals …) outnumber the
    scores, as in a vendor's export; raised a little by a standards or points-possible row.
    """
    scores = len(shape.score_headers)
    share = scores / (scores + len(shape.other_columns))
    value = share * shape.numeric_share
    if shape.scale_problem:
        value *= 0.5
    meta = len(shape.never) / (len(shape.never) + scores)
    if meta > 0.5:
        value *= 1.0 - (meta - 0.5)
    if shape.skill_row is not None or shape.max_row is not None:
        value = min(1.0, value + 0.1)
    return round(value, 3)
