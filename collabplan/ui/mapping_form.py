"""The upload page's mapping form: a mapping as widgets, and the widgets back as a mapping.

It opens when a file is not recognised (with detection's question as its heading) or when a
team adjusts how a recognised file is read. The form starts from a
:class:`~collabplan.ingest.mapping.Mapping` and gives back the values the person chose;
:func:`mapping_from_form` turns them into a mapping again (and says whether it changed).
"""

from __future__ import annotations

import copy
from pathlib import PurePath
from typing import Any

import streamlit as st

from collabplan.ingest.mapping import Mapping
from collabplan.ui import safe
from collabplan.ui.choices import remembered_radio, remembered_select
from collabplan.ui.upload import NONE, SHEET_NAME, FileState, guess_header_row, headers_at

COLUMN_LABELS = {
    "student_id": "Student id",
    "student_name": "Student name (full)",
    "first_name": "First name",
    "last_name": "Last name",
    "grade": "Grade",
    "class": "Class",
    "teacher": "Teacher",
    "term": "Term (testing window)",
    "date": "Test date",
}
LAYOUT_LABELS = {
    "wide": "A column per question or skill",
    "long": "One row per student and skill",
    "groups": "Repeated column groups (Goal1Name / Goal1Score …)",
    "none": "No scores (a roster of students)",
}
KIND_LABELS = {
    "points": "Points (e.g. 3 of 4)",
    "percent": "Percent (85%, 0.85 or 85)",
    "level": "Levels (e.g. Below / At / Above)",
}


def _sheet_value(chosen: list[str], every: bool, all_names: list[str], start: Any) -> Any:
    if every:
        return "*"
    if not chosen:
        return start
    if len(chosen) == 1:
        if start is None and all_names and chosen[0] == all_names[0]:
            return None
        return chosen[0]
    return chosen


def _select(label: str, options: list[str], current: str | None, key: str, **kw: Any) -> str | None:
    """A selectbox over ``options`` with "(none)"; keeps a current value the file does not show."""
    opts = [NONE, *options]
    if current and current not in opts:
        opts.append(current)
    choice = remembered_select(label, opts, key=key, default=current or NONE, **kw)
    return None if choice == NONE else choice


def _levels_text(levels: list[str]) -> str:
    return "\n".join(levels)


def mapping_form(file: FileState, start: Any) -> dict[str, Any]:
    """Widgets for every mapping key, starting from ``start``; returns the mapping as a dict.

    Keys the form does not show (exclude lists, a per-column max table, missing marks …) are
    kept from ``start``, so an untouched form gives back exactly ``start.to_dict()``.
    """
    d = copy.deepcopy(start.to_dict()) if start is not None else {}
    src = d.setdefault("source", {})
    asm = d.setdefault("assessment", {})
    cols = d.setdefault("columns", {})
    k = f"{file.key}:{getattr(start, 'name', 'blank')}:"
    names = [s.name for s in file.sheets]

    st.markdown("**Where the table is**")
    left, middle, right = st.columns(3)
    if len(names) > 1:
        sheet = src.get("sheet")
        every = left.checkbox("Every sheet (one per class)", value=sheet == "*", key=k + "every")
        default = names if sheet == "*" else ([sheet] if isinstance(sheet, str) else list(sheet or names[:1]))
        chosen = left.multiselect(
            "Sheets", names, default=[n for n in default if n in names], key=k + "sheets", disabled=every
        )
        value = _sheet_value(chosen, every, names, sheet)
        _put(src, "sheet", value)
        picked = file.sheets if value == "*" else [s for s in file.sheets if s.name in (chosen or names[:1])]
    else:
        picked = file.sheets[:1]
    guess = guess_header_row(picked[0]) if picked else 1
    header_row = (middle if len(names) > 1 else left).number_input(
        "Header row", min_value=1, value=int(src.get("header_row") or guess), step=1, key=k + "header",
        help="The spreadsheet row number that holds the column names.",
    )
    if src.get("header_row") is not None or header_row != guess:
        src["header_row"] = int(header_row)
    headers = headers_at(picked, int(header_row))

    st.markdown("**What each column is**")
    role_columns = st.columns(3)
    for i, (role, label) in enumerate(COLUMN_LABELS.items()):
        options = [*headers, SHEET_NAME] if role == "class" else headers
        with role_columns[i % 3]:
            value = _select(
                label, options, cols.get(role), key=k + "col:" + role,
                format_func=lambda v: "the sheet's name" if v == SHEET_NAME else v,
            )
        _put(cols, role, value)
    groups = cols.get("groups") or {}
    by_header = {header: name for name, header in groups.items()}
    group_headers = st.multiselect(
        "Student groups (yes/no columns such as ELL, SPED, or Ethnicity)",
        sorted(set(headers) | set(by_header)),
        default=list(by_header),
        key=k + "groups",
    )
    _put(cols, "groups", {by_header.get(h, h): h for h in group_headers} or None)

    st.markdown("**The assessment**")
    left, right = st.columns(2)
    default_name = asm.get("name") or ""
    name = safe.text_input(left,
        "Assessment name", value=default_name, key=k + "asm_name",
        placeholder=asm.get("name_column") and f"from the column {asm['name_column']}" or PurePath(file.name).stem,
    )
    _put(asm, "name", name.strip() or None)
    date = safe.text_input(right, "Test date (YYYY-MM-DD)", value=asm.get("date") or "", key=k + "asm_date")
    _put(asm, "date", date.strip() or None)

    st.markdown("**The scores**")
    scores = d.get("scores")
    if scores is not None:
        layout_now = scores.get("layout", "wide")
    else:  # a mapping without [scores] is a roster; a blank start most likely has scores
        layout_now = "none" if start is not None else "wide"
    layouts = list(LAYOUT_LABELS)
    layout = remembered_select(
        "Layout", layouts, key=k + "layout", default=layout_now, format_func=LAYOUT_LABELS.get
    )
    if layout == "none":
        d.pop("scores", None)
        return _tidy(d)
    scores = d.setdefault("scores", {})
    if layout != layout_now:
        scores.clear()
    _put(scores, "layout", layout if (layout != "wide" or "layout" in scores) else None)
    if layout == "wide":
        _wide_form(scores, src, headers, k)
    elif layout == "long":
        left, right = st.columns(2)
        with left:
            _put(scores, "skill", _select("Column naming the skill", headers, scores.get("skill"), k + "skill"))
        with right:
            _put(scores, "score", _select("Column holding the score", headers, scores.get("score"), k + "score"))
    else:
        left, right = st.columns(2)
        _put(scores, "skill", safe.text_input(left, "Skill column, with {n}", value=scores.get("skill") or "Goal{n}Name", key=k + "gskill").strip() or None)
        _put(scores, "score", safe.text_input(right, "Score column, with {n}", value=scores.get("score") or "Goal{n}Score", key=k + "gscore").strip() or None)
    _kind_form(scores, src, start, k)
    return _tidy(d)


def _wide_form(scores: dict[str, Any], src: dict[str, Any], headers: list[str], k: str) -> None:
    by_pattern = bool(scores.get("pattern"))
    how = remembered_radio(
        "Which columns are scores", ["Pick the columns", "A pattern"],
        default="A pattern" if by_pattern else "Pick the columns", key=k + "how", horizontal=True,
    )
    if how == "Pick the columns":
        current = list(scores.get("columns") or [])
        chosen = st.multiselect(
            "Score columns (questions or skills)", list(dict.fromkeys([*headers, *current])),
            default=current, key=k + "score_cols",
        )
        _put(scores, "columns", chosen or None)
        if chosen:
            scores.pop("pattern", None)
            scores.pop("exclude", None)
    else:
        pattern = safe.text_input(st,
            "Pattern (a regular expression; a named group 'skill' names the skill)",
            value=scores.get("pattern") or r"^Q\d+$", key=k + "pattern",
        )
        _put(scores, "pattern", pattern.strip() or None)
        if pattern.strip():
            scores.pop("columns", None)
    left, right = st.columns(2)
    skill_row = left.number_input(
        "Row naming the skill of each column (optional)", min_value=1, value=src.get("skill_row"),
        step=1, key=k + "skill_row",
    )
    _put(src, "skill_row", int(skill_row) if skill_row else None)
    max_row = right.number_input(
        "Row of points possible (optional)", min_value=1, value=src.get("max_row"), step=1, key=k + "max_row"
    )
    _put(src, "max_row", int(max_row) if max_row else None)


def _kind_form(scores: dict[str, Any], src: dict[str, Any], start: Any, k: str) -> None:
    kinds = list(KIND_LABELS)
    current = scores.get("kind")
    if current is None:
        current = "level" if scores.get("levels") else (
            "points" if scores.get("max") is not None or src.get("max_row") else "percent"
        )
    left, middle, right = st.columns(3)
    kind = remembered_select("Score kind", kinds, key=k + "kind", default=current, container=left,
                             format_func=KIND_LABELS.get)
    if kind != current or "kind" in scores:
        scores["kind"] = kind
    if kind == "points":
        mx = scores.get("max")
        if isinstance(mx, dict):
            middle.caption(f"Points possible per column from the mapping ({len(mx)} columns).")
        else:
            text = safe.text_input(middle,
                "Points possible (a number or a column)", value="" if mx is None else _num_text(mx),
                key=k + "max", help="Leave blank when a row of the sheet gives the points possible.",
            ).strip()
            _put(scores, "max", _number_or_text(text))
    if kind == "level":
        levels_text = safe.text_area(middle,
            "Levels, lowest first (one per line)", value=_levels_text(scores.get("levels") or []),
            key=k + "levels", height=140,
        )
        levels = [line.strip() for line in levels_text.splitlines() if line.strip()]
        _put(scores, "levels", levels or None)
        prof = scores.get("proficient")
        options = levels or [NONE]
        index = options.index(prof) if isinstance(prof, str) and prof in options else min(len(options) - 1, len(options) // 2)
        chosen = remembered_select("Lowest proficient level", options, key=k + "prof_level",
                                   default=options[index], container=right)
        _put(scores, "proficient", None if chosen == NONE else chosen)
    else:
        prof = scores.get("proficient")
        percent = round(float(prof) * 100, 2) if isinstance(prof, int | float) else 80.0
        cut = right.number_input(
            "Proficient at (% of points)", min_value=1.0, max_value=100.0, value=percent, step=5.0,
            key=k + "cut",
        )
        if isinstance(prof, int | float) or cut != 80.0:
            scores["proficient"] = round(float(cut) / 100.0, 4)


def _num_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number_or_text(text: str) -> Any:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _put(d: dict[str, Any], key: str, value: Any) -> None:
    if value is None or value == [] or value == {} or value == "":
        d.pop(key, None)
    else:
        d[key] = value


def _tidy(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v or k == "columns"}


def mapping_from_form(values: dict[str, Any], start: Any, name: str) -> tuple[Any, bool]:
    """(mapping, adjusted): ``start`` itself when the form was left as it was, else a new one.

    Raises UserError (naming the key) when the form's values do not make a valid mapping.
    """
    if start is not None and _same(values, _tidy(start.to_dict())):
        return start, False
    mapping = Mapping.from_dict(values, name=name)
    return mapping, True


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def norm(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: norm(v) for k, v in x.items() if v not in (None, [], {}, "")}
        if isinstance(x, list):
            return [norm(v) for v in x]
        if isinstance(x, int | float) and not isinstance(x, bool):
            return round(float(x), 6)
        return x

    return norm(a) == norm(b)
