"""Which preset or teacher-tracker layout fits an upload's sheets, before any mapping is given.

:func:`detect_mapping` tries each preset's ``detect`` headers in the top rows of every sheet
(the preset asking for the most headers wins), then looks for a teacher's own tracker: a header
row with a student id or name column and question-like (or numeric) columns, with optional rows
of standards and points possible under it. It returns the mapping and what was detected.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from collabplan.errors import UserError
from collabplan.ingest.mapping import SHEET_CLASS, Mapping, Scores, header_key, presets

#: How many rows from the top are searched for the header row / preset headers.
HEADER_SEARCH_ROWS = 30
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
_DATE_IN_TEXT = re.compile(r"\b(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})\b")


def detect_mapping(sheets: list[Any], file_name: str) -> tuple[Mapping, str]:
    """Pick a preset by its detect headers, else detect a teacher tracker; UserError if neither."""
    if not sheets or all(s.table.num_rows == 0 for s in sheets):
        raise UserError(f"{file_name}: the file is empty: export it again with the results in it")
    tops = [top_rows(s) for s in sheets]
    best: tuple[int, str, Mapping] | None = None
    for name, preset in presets().items():
        if not preset.detect:
            continue
        wanted = {header_key(h) for h in preset.detect}
        for rows in tops:
            if any(wanted <= {header_key(c) for c in row if c} for row in rows):
                if best is None or len(wanted) > best[0]:
                    best = (len(wanted), name, preset)
                break
    if best is not None:
        preset = best[2]
        return preset, f"{preset.label or best[1]} (preset)"
    tracker = _detect_tracker(sheets, file_name)
    if tracker is not None:
        return tracker, "Teacher tracker (detected)"
    raise UserError(
        f"{file_name}: could not tell which columns hold scores: give a mapping file with "
        "[columns] student_id or student_name and [scores] layout and columns or pattern"
    )


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


def _detect_tracker(sheets: list[Any], file_name: str) -> Mapping | None:
    """A header row with a name or id column and question-like (or numeric) columns."""
    template = presets().get("teacher_tracker")
    found: list[tuple[Any, _TrackerShape]] = []
    for sheet in sheets:
        shape = _tracker_shape(sheet)
        if shape is not None:
            found.append((sheet, shape))
    if not found:
        return None
    sheet0, shape = found[0]
    same = [s.name for s, sh in found if sh.signature == shape.signature]
    m = Mapping(name="teacher_tracker", label="Teacher tracker")
    m.scores = (
        Scores(**vars(template.scores)) if template and template.scores else Scores(kind="points")
    )
    m.scores.columns = shape.score_headers
    m.header_row = shape.header_row
    m.skill_row = shape.skill_row
    m.max_row = shape.max_row
    m.columns = dict(shape.columns)
    if len(same) > 1:
        m.sheet = same
        m.columns.setdefault("class", SHEET_CLASS)
    elif sheet0.name and len(sheets) > 1:
        m.sheet = sheet0.name
    if shape.date:
        m.assessment_date = shape.date
    if m.max_row is None:
        if shape.question_like:
            m.scores.kind = "points"
            m.scores.max = shape.observed_max or None
        else:
            m.scores.kind = "percent"
    return m


class _TrackerShape(NamedTuple):
    """Where one sheet's tracker layout is: sheet rows are 1-based, like Excel."""

    header_row: int
    skill_row: int | None
    max_row: int | None
    columns: dict[str, str]  # role -> header
    score_headers: list[str]
    question_like: bool  # Q1, Q2 … (points) rather than skill columns of numbers
    observed_max: float | None  # the largest score seen, for points possible
    date: str | None  # a date written in a title row above the header
    signature: tuple[str, ...]  # the header keys: sheets of one tracker share it


def _tracker_shape(sheet: Any) -> _TrackerShape | None:
    """The first header row (of the top rows) that a tracker's would be, or None."""
    rows = top_rows(sheet)
    for i, row in enumerate(rows):
        keys = [header_key(c) if isinstance(c, str) and not looks_like_number(c) else "" for c in row]
        id_col = next((j for j, k in enumerate(keys) if k and _ID_HEADER.match(k)), None)
        name_col = next((j for j, k in enumerate(keys) if k and _NAME_HEADER.match(k)), None)
        first_col = next((j for j, k in enumerate(keys) if k in ("firstname", "first")), None)
        last_col = next((j for j, k in enumerate(keys) if k in ("lastname", "last")), None)
        if id_col is None and name_col is None and (first_col is None or last_col is None):
            continue
        role_cols = {c for c in (id_col, name_col, first_col, last_col) if c is not None}
        texts = [c if isinstance(c, str) else None for c in row]
        question = [
            j for j, t in enumerate(texts) if t and j not in role_cols and _QUESTION.match(t)
        ]
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
        if not question:
            # skill columns holding numbers (percent or points per skill)
            question = []
            for j, t in enumerate(texts):
                if not t or j in role_cols or _TOTAL_HEADER.match(t.strip()):
                    continue
                vals = [r[j] for r in data_rows if j < len(r) and r[j] not in (None, "")]
                if len(vals) >= 1 and sum(looks_like_number(v) for v in vals) >= 0.8 * len(vals):
                    question.append(j)
            question_like = False
        else:
            question_like = True
        if not question:
            continue
        observed = 0.0
        for r in data_rows:
            for j in question:
                if j < len(r) and looks_like_number(r[j]):
                    observed = max(observed, float(str(r[j]).rstrip("%")))
        columns: dict[str, str] = {}
        if id_col is not None:
            columns["student_id"] = texts[id_col]
        if name_col is not None:
            columns["student_name"] = texts[name_col]
        elif first_col is not None and last_col is not None:
            columns["first_name"] = texts[first_col]
            columns["last_name"] = texts[last_col]
        date = None
        for r in rows[:i]:
            for c in r:
                if isinstance(c, str) and (m := _DATE_IN_TEXT.search(c)):
                    date = m.group(1)
                    break
            if date:
                break
        header_row = sheet.first_row + i
        return _TrackerShape(
            header_row=header_row,
            skill_row=header_row + 1 + skill_row if skill_row is not None else None,
            max_row=header_row + 1 + max_row if max_row is not None else None,
            columns=columns,
            score_headers=[texts[j] for j in question],
            question_like=question_like,
            observed_max=observed if observed > 1 or question_like else None,
            date=date,
            signature=tuple(header_key(t) for t in texts if t),
        )
    return None
