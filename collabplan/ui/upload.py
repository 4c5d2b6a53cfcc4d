"""Upload-page helpers: reading a dropped file, the validation report, import and undo.

The importer itself is :mod:`collabplan.ingest`; this module only turns its objects into
what the page shows. The mapping form is :mod:`collabplan.ui.mapping_form`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow.compute as pc
import streamlit as st

from collabplan import text
from collabplan.errors import UserError
from collabplan.ingest.checks import column_letters
from collabplan.ingest.load import import_files, import_prepared
from collabplan.ingest.normalise.prepare import prepare
from collabplan.ingest.read import read_upload
from collabplan.ingest.validate import skip_where
from collabplan.ui import safe
from collabplan.ui.upload_check import shown_warnings
from collabplan.ui.upload_layout import detect_cached
from collabplan.ui.upload_memo import session_memo

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

# ------------------------------------------------------------------------------ pure helpers
def raw_preview(sheet: Any, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first ``rows`` rows of a raw sheet as the spreadsheet shows them (row numbers, A, B …)."""
    names = sheet.table.column_names
    frame = pd.DataFrame(sheet.text_rows(0, rows), columns=names, dtype=object)
    frame.columns = [column_letters(int(str(c).lstrip("c")) + 1) if str(c).startswith("c") else str(c)
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


def skip_reasons_frame(report: Any) -> pd.DataFrame:
    """Why rows were skipped, one line a reason: Why, Rows (adding up to the skipped total),
    Where (the first rows, as the report's warning names them)."""
    multi = len({sheet for _r, _n, named in report.skip_reasons for sheet, _row in named}) > 1
    lines = [
        {"Why": reason[0].upper() + reason[1:], "Rows": n,
         "Where": skip_where(n, named, multi)}
        for reason, n, named in report.skip_reasons
    ]
    return pd.DataFrame(lines, columns=["Why", "Rows", "Where"])


def report_warnings(report: Any, projection: bool) -> list[str]:
    """The report's warnings; in projection mode those naming students say a count
    (upload_check.shown_warnings, the one place that cuts names)."""
    return shown_warnings(list(report.warnings), projection)


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


def reviewed_upload(records: list[dict[str, Any]]) -> int | None:
    """The upload the "See our results" button opens: the last file of the import that has an
    upload (a duplicate names the earlier one); None when nothing was imported."""
    ids = [r.get("upload_id") for r in records if r.get("upload_id") is not None]
    return int(ids[-1]) if ids else None


def upload_team(db: Any, upload_id: int | None) -> int | None:
    """The team an upload was made for (None: no team, or no such upload)."""
    if upload_id is None:
        return None
    team = db.scalar("SELECT team_id FROM upload WHERE id = ?", [upload_id])
    return None if team is None else int(team)


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
    sha: str = ""  # sha256 of data: the key of everything kept about the file
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


def _read_all(data: bytes, file_name: str, sha: str) -> list[Any]:
    """Every sheet of the file, raw (kept with the session: see upload_memo)."""
    return session_memo().get((sha, file_name, "sheets"), lambda: read_upload(data, file_name, sheets="*"))


def prepare_with(data: bytes, file_name: str, mapping: Any | None, sha: str | None = None,
                 state: FileState | None = None) -> Any:
    """``prepare`` kept with the session by the file's bytes and the mapping's text.

    ``state``: the file as :func:`read_file` read and detected it; with no mapping of its own
    the file is prepared from those sheets and that detection (not parsed and detected again).
    """
    sha = sha or sha256_of(data)
    toml, name = (mapping.to_toml(), mapping.name) if mapping is not None else ("", "")
    read = state.sheets if state is not None and state.sheets else None
    detection = state.detection if state is not None else None
    return session_memo().get(
        (sha, file_name, "prepared", toml, name),
        lambda: prepare(data, file_name, mapping, read=read, detection=detection),
    )


def read_file(data: bytes, file_name: str, key: str, sha: str | None = None) -> FileState:
    """Read and detect one upload; errors become one-line messages on the FileState."""
    sha = sha or sha256_of(data)
    state = FileState(name=file_name, data=data, key=key, sha=sha)
    try:
        state.sheets = _read_all(data, file_name, sha)
    except UserError as exc:
        state.error = str(exc)
        return state
    try:
        state.detection = detect_cached(state.sheets, sha, file_name)
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


# ------------------------------------------------------------------------------------ import
def progress_bar(label: str) -> Callable[[float, str], None]:
    """A progress(fraction, message) callback drawing an st.progress bar (its text is Markdown,
    so messages are escaped)."""
    bar = st.progress(0.0, text=label)

    def update(fraction: float, message: str = "") -> None:
        # the message may name a file: shown as text
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=safe.md(message or label))

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
