"""Upload-page helpers: the mapping form, the validation report, import and undo.

The importer itself is :mod:`collabplan.ingest`; this module only turns its objects into
widgets and widgets back into a :class:`~collabplan.ingest.mapping.Mapping`.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import pandas as pd
import pyarrow.compute as pc
import streamlit as st

from collabplan import text
from collabplan.errors import UserError
from collabplan.ingest.load import import_files, import_prepared
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.prepare import prepare
from collabplan.ingest.read import read_upload
from collabplan.ingest.validate import without_names
from collabplan.ui.choices import remembered_radio, remembered_select
from collabplan.ui.upload_layout import detect_cached

UPLOAD_TYPES = ["xlsx", "xlsm", "csv", "txt"]
#: Rows of the raw file and of the normalised scores shown as a preview.
PREVIEW_ROWS = 15
#: Uploads listed one by one (with an Undo button) in the history.
HISTORY_ROWS = 25
NONE = "(none)"
SHEET_NAME = "$sheet"
RESULTS_KEY = "upload_results"
UNDO_KEY = "upload_confirm_undo"
UNDONE_KEY = "upload_undone"
SAVED_KEY = "upload_mapping_saved"

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


# ------------------------------------------------------------------------------ pure helpers
def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA" (spreadsheet column names)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def raw_preview(sheet: Any, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first ``rows`` rows of a raw sheet as the spreadsheet shows them (row numbers, A, B …)."""
    names = sheet.table.column_names
    frame = pd.DataFrame(sheet.text_rows(0, rows), columns=names, dtype=object)
    frame.columns = [column_letter(int(str(c).lstrip("c"))) if str(c).startswith("c") else str(c)
                     for c in frame.columns]
    frame.index = range(sheet.first_row, sheet.first_row + len(frame))
    frame.index.name = "row"
    return frame.dropna(axis=1, how="all")


def guess_header_row(sheet: Any) -> int:
    """The sheet row among the first 30 with the most filled cells (a reasonable header guess)."""
    best_row, best_count = sheet.first_row, -1
    for i, row in enumerate(sheet.text_rows(0, 30)):
        count = sum(1 for v in row if v not in (None, ""))
        if count > best_count:
            best_row, best_count = sheet.first_row + i, count
    return best_row


def headers_at(sheets: list[Any], header_row: int | None) -> list[str]:
    """The header texts found in ``header_row`` of the given sheets, in order, without repeats."""
    found: list[str] = []
    for sheet in sheets:
        row = header_row if header_row is not None else guess_header_row(sheet)
        index = row - sheet.first_row
        if index < 0 or index >= sheet.table.num_rows:
            continue
        for value in sheet.text_rows(index, index + 1)[0]:
            text = str(value).strip() if value is not None else ""
            if text and text not in found:
                found.append(text)
    return found


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def report_tiles(report: Any) -> list[tuple[str, str]]:
    """(label, value) pairs for the validation report's st.metric tiles; rows filtered out,
    replaced by a retest or with an unreadable date get a tile when there are any (the
    warnings give examples)."""
    tiles = [
        ("Rows read", f"{report.rows_read:,}"),
        ("Rows skipped", f"{report.rows_skipped:,}"),
        ("Students", f"{report.students:,}"),
        ("Skills", f"{len(report.skills):,}"),
        ("Scores", f"{report.scores:,}"),
        ("Out of range", f"{report.out_of_range:,}"),
    ]
    for label, attr in (
        ("Filtered out", "rows_filtered"),
        ("Replaced by a retest", "rows_replaced"),
        ("Unreadable dates", "dates_unreadable"),
    ):
        if getattr(report, attr, 0):
            tiles.append((label, f"{getattr(report, attr):,}"))
    return tiles


def skipped_frame(report: Any) -> pd.DataFrame:
    """The skipped rows: sheet, row, reason (blank rows last: they are rarely a problem)."""
    frame = pd.DataFrame(report.skipped, columns=["sheet", "row", "reason"])
    if frame.empty:
        return frame
    frame["blank"] = frame["reason"].eq("blank row")
    frame = frame.sort_values(["blank", "sheet", "row"], kind="stable").drop(columns="blank")
    if frame["sheet"].nunique() <= 1:
        frame = frame.drop(columns="sheet")
    return frame.reset_index(drop=True)


def report_warnings(report: Any, projection: bool) -> list[str]:
    """The report's warnings; in projection mode those naming students say a count."""
    if not projection:
        return list(report.warnings)
    warnings = without_names(report.warnings)
    if not report.duplicate_students:
        return warnings
    marker = f"{len(report.duplicate_students)} students appear twice"
    out = [w for w in warnings if not w.startswith(marker)]
    out.append(f"{len(report.duplicate_students)} students appear twice in one administration: the last row counts")
    return out


PREVIEW_COLUMNS = {
    "sheet": "Sheet", "row": "Row", "local_id": "Student id", "display_name": "Student",
    "assessment": "Assessment", "term": "Term", "date": "Date", "skill": "Skill", "raw": "Raw",
    "points": "Points", "max_points": "Out of", "fraction": "Score", "level": "Level",
    "proficient": "Proficient", "grade": "Grade", "class_name": "Class", "teacher": "Teacher",
}


def normalised_preview(prepared: Any, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first skill-score rows as they will be saved (question-level rows are left out:
    they roll up into these), with plain column names; Score is a percentage."""
    table = prepared.scores
    if "item" in table.column_names:
        table = table.filter(pc.is_null(table.column("item")))
    frame = table.slice(0, rows).to_pandas()
    frame = frame[[c for c in PREVIEW_COLUMNS if c in frame.columns]].dropna(axis=1, how="all")
    if "fraction" in frame.columns:
        frame["fraction"] = (frame["fraction"] * 100).round(1)
    return frame.rename(columns=PREVIEW_COLUMNS)


def result_line(result: dict[str, Any]) -> str:
    """One line for an import result (a dict from :func:`result_record`)."""
    if result.get("same_scores"):  # other bytes, scores all stored: "same scores as upload 3 (…)"
        return f"{result['file_name']}: {result['same_scores'][0].upper()}{result['same_scores'][1:]}"
    if result.get("duplicate"):
        when = result.get("imported_on")
        on = f" on {when}" if when else ""
        return f"{result['file_name']}: Already imported{on}: nothing added"
    skills = result.get("skills") or []
    text = (
        f"{result['file_name']}: imported {result.get('students', 0):,} students, "
        f"{result.get('scores', 0):,} scores"
    )
    if skills:
        text += f" on {len(skills)} skill{'s' if len(skills) != 1 else ''}"
    administrations = result.get("administrations")
    if administrations:
        text += f" ({administrations} testing window{'s' if administrations != 1 else ''})"
    return text


UNDO_WORDS = {
    "scores": ("score", "scores"),
    "students": ("student no longer in any file", "students no longer in any file"),
    "students_restored": ("student given back earlier details", "students given back earlier details"),
    "administrations": ("testing window", "testing windows"),
    "assessments": ("assessment", "assessments"),
    "student_groups": ("group membership", "group memberships"),
}


def undo_line(file_name: str, removed: dict[str, Any] | None, skill_scores: int | None = None) -> str:
    """What an undo removed, in words ("Removed a.xlsx: 48 scores, 1 testing window").

    ``removed["scores"]`` counts every score row, question-level rows too; ``skill_scores``
    (the upload's count in the history) lets the line use the same number the history showed.
    """
    removed = dict(removed or {})
    rows = removed.get("scores")
    extra = ""
    if isinstance(rows, int) and skill_scores is not None and rows > skill_scores:
        removed["scores"] = int(skill_scores)
        extra = f" (and {rows - skill_scores:,} question-level rows)"
    parts = []
    for key, (one, many) in UNDO_WORDS.items():
        value = removed.get(key)
        if isinstance(value, int) and (value or key == "scores"):
            parts.append(f"{value:,} {one if value == 1 else many}" + (extra if key == "scores" else ""))
    return f"Removed {file_name}" + (f": {', '.join(parts)}" if parts else "")


def cell_text(value: Any) -> str:
    """A table cell as text; None/NaN as blank."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value)


def upload_row(uploads: pd.DataFrame, upload_id: int) -> dict[str, Any] | None:
    """One row of list_uploads by id, as a dict (None when it is gone)."""
    rows = uploads[uploads["id"] == upload_id]
    return None if rows.empty else rows.iloc[0].to_dict()


def imported_on(uploads: pd.DataFrame, upload_id: int | None, sha256: str | None = None) -> str | None:
    """When an upload was first imported (for "Already imported on …"), from list_uploads."""
    if uploads is None or uploads.empty:
        return None
    rows = uploads
    if upload_id is not None and "id" in uploads.columns:
        rows = uploads[uploads["id"] == upload_id]
    elif sha256 and "sha256" in uploads.columns:
        rows = uploads[uploads["sha256"] == sha256]
    else:
        return None
    if rows.empty:
        return None
    return text.when(rows.iloc[0].get("uploaded_at"))


def result_record(result: Any, uploads_before: pd.DataFrame | None, sha256: str | None) -> dict[str, Any]:
    """A plain dict (counts only, no student data) of an ImportResult for session state."""
    record = dict(result.to_json()) if hasattr(result, "to_json") else {}
    record["file_name"] = result.file_name
    record["duplicate"] = bool(result.duplicate)
    record.setdefault("students", result.students)
    record.setdefault("scores", result.scores)
    record.setdefault("skills", list(result.skills))
    record.setdefault("administrations", result.administrations)
    # a duplicate's only warning says "already imported", which result_line says already
    record["warnings"] = [] if result.duplicate else list(result.warnings or [])
    if result.duplicate and result.warnings and result.warnings[0].startswith("same scores as"):
        record["same_scores"] = result.warnings[0]
    if result.duplicate:
        record["imported_on"] = imported_on(uploads_before, result.upload_id, sha256) if uploads_before is not None else None
    return record


# ----------------------------------------------------------------------- mapping as widgets
@dataclass
class FileState:
    """One uploaded file as the page works on it."""

    name: str
    data: bytes
    key: str
    sheets: list[Any] = field(default_factory=list)  # every sheet, raw
    detected: Any = None  # the detected Mapping, or None
    detected_label: str | None = None
    detect_error: str | None = None  # nothing fits well: the questions that decide it
    detection: Any = None  # the Detection (scores of every layout), when the file was read
    mapping: Any = None  # the mapping in use
    adjusted: bool = False  # the mapping differs from the detected one
    prepared: Any = None
    error: str | None = None  # one line: this file cannot be imported as it is
    needs_confirmation: bool = False  # most known students have other names in it
    update_students: bool = False  # the user said they are the same students


@st.cache_resource(show_spinner=False, max_entries=8)
def _read_all(data: bytes, file_name: str) -> list[Any]:
    return read_upload(data, file_name, sheets="*")


@st.cache_resource(show_spinner=False, max_entries=16)
def _prepare(data: bytes, file_name: str, mapping_toml: str, mapping_name: str) -> Any:
    mapping = Mapping.from_toml(mapping_toml, name=mapping_name) if mapping_toml else None
    return prepare(data, file_name, mapping)


def prepare_with(data: bytes, file_name: str, mapping: Any | None) -> Any:
    """``prepare`` cached by the file's bytes and the mapping's text."""
    if mapping is None:
        return _prepare(data, file_name, "", "")
    return _prepare(data, file_name, mapping.to_toml(), mapping.name)


def read_file(data: bytes, file_name: str, key: str) -> FileState:
    """Read and detect one upload; errors become one-line messages on the FileState."""
    state = FileState(name=file_name, data=data, key=key)
    try:
        state.sheets = _read_all(data, file_name)
    except UserError as exc:
        state.error = str(exc)
        return state
    try:
        state.detection = detect_cached(_read_all(data, file_name), data, file_name)
    except UserError as exc:
        state.detect_error = str(exc)
        return state
    if state.detection.mapping is not None:
        state.detected, state.detected_label = state.detection.mapping, state.detection.label
    else:
        state.detect_error = state.detection.ask(
            " ".join(state.detection.questions) + " Answer in the form below."
        )
    return state


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
    name = left.text_input(
        "Assessment name", value=default_name, key=k + "asm_name",
        placeholder=asm.get("name_column") and f"from the column {asm['name_column']}" or PurePath(file.name).stem,
    )
    _put(asm, "name", name.strip() or None)
    date = right.text_input("Test date (YYYY-MM-DD)", value=asm.get("date") or "", key=k + "asm_date")
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
        _put(scores, "skill", left.text_input("Skill column, with {n}", value=scores.get("skill") or "Goal{n}Name", key=k + "gskill").strip() or None)
        _put(scores, "score", right.text_input("Score column, with {n}", value=scores.get("score") or "Goal{n}Score", key=k + "gscore").strip() or None)
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
        pattern = st.text_input(
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
            text = middle.text_input(
                "Points possible (a number or a column)", value="" if mx is None else _num_text(mx),
                key=k + "max", help="Leave blank when a row of the sheet gives the points possible.",
            ).strip()
            _put(scores, "max", _number_or_text(text))
    if kind == "level":
        levels_text = middle.text_area(
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


# ------------------------------------------------------------------------------------ import
def progress_bar(label: str) -> Callable[[float, str], None]:
    """A progress(fraction, message) callback drawing an st.progress bar."""
    bar = st.progress(0.0, text=label)

    def update(fraction: float, message: str = "") -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message or label)

    return update


def import_all(
    db: Any,
    files: list[FileState],
    *,
    team: str | None,
    who: str | None,
    progress: Callable[[float, str], None],
) -> list[Any]:
    """Import every ready file; several files with their detected layouts go through
    ``import_files`` together (so a roster joins its results file), adjusted ones one by one."""
    ready = [f for f in files if f.prepared is not None and f.prepared.report.ok()]
    if not ready:
        return []
    if len(ready) > 1 and not any(f.adjusted for f in ready):
        return list(import_files(
            db, [(f.name, f.data) for f in ready], None, team=team, uploaded_by=who, progress=progress,
            update_students=any(f.update_students for f in ready),
        ))
    results = []
    for i, f in enumerate(ready):
        def scaled(fraction: float, message: str = "", i: int = i) -> None:
            progress((i + fraction) / len(ready), message)

        results.append(import_prepared(
            db, f.prepared, team=team, uploaded_by=who, progress=scaled, update_students=f.update_students,
        ))
    progress(1.0, "Done")
    return results
