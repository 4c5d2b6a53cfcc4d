"""Downloads: csv and xlsx bytes that a spreadsheet can never run as formulas (section 7),
and that every cell can be written to.

Each cell goes through :func:`export_frame`: hidden control characters are removed first
(openpyxl refuses NUL, BEL, vertical tab and the other C0 controls with
``IllegalCharacterError``, so one such character in a name or a note, stored before the
import and text inputs cleaned them, would break the whole download), then the formula
neutralising of ``collabplan.privacy.safe_cell``. Removing first matters: ``"\\x07=cmd"``
would otherwise slip past the check of its first character and become ``=cmd``.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from collabplan.access import Viewer
from collabplan.privacy import safe_cell
from collabplan.text import CONTROL_CHARACTERS

#: The person of the command line and of an app without sign-in (a leader).
LOCAL = Viewer.local_user()


def export_cell(value: Any) -> Any:
    """A cell as a download writes it: no control characters, never a formula."""
    if isinstance(value, str):
        if not value.isprintable():  # tab/newline too: the cheap test before the search
            value = CONTROL_CHARACTERS.sub("", value)
        return safe_cell(value)
    return value


def export_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names every writer takes as plain text."""
    out = df.copy()
    out.columns = [export_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(export_cell)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel shows accents; control characters gone, formulas neutralised."""
    return export_frame(df).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One worksheet per entry (names cut to Excel's 31 characters); cells written as values.

    openpyxl would store a string beginning with "=" as a formula, and refuses control
    characters, so every frame goes through :func:`export_frame` first.
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        used: set[str] = set()
        for name, df in sheets.items():
            export_frame(df).to_excel(writer, sheet_name=_sheet_name(name, used), index=False)
    return buffer.getvalue()


def _sheet_name(name: str, used: set[str] | None = None) -> str:
    """A name Excel accepts: no []:*?/\\ or control characters, 31 characters, not taken."""
    name = CONTROL_CHARACTERS.sub("", str(name))
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    name = (name.strip().strip("'") or "Sheet")[:31]
    if used is not None:
        base, n = name, 2
        while name.lower() in used:
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
            n += 1
        used.add(name.lower())
    return name


def student_lists_files(
    db: Any, filters: Any, administration_id: int, skill: str, *, viewer: Viewer = LOCAL
) -> tuple[bytes, bytes]:
    """The Students-by-skill lists as (csv, xlsx) bytes, read for ``viewer``.

    Student rows: refused to a coach and in projection mode (UserError, one line); a teacher
    gets only their own teams' students (see ``breakdowns.students_by_skill``).
    """
    from collabplan import breakdowns, review  # both build on metrics; imported when used

    viewer.require_students()
    lists = review.student_lists(
        breakdowns.students_by_skill(db, filters, administration_id, skill, viewer=viewer),
        viewer=viewer,
    )
    xlsx = to_xlsx_bytes({"Not yet proficient": lists.not_yet, "Well past": lists.well_past})
    return to_csv_bytes(lists.combined), xlsx
