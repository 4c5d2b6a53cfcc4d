"""Downloads: csv and xlsx bytes that a spreadsheet can never run as formulas (section 7)."""

from __future__ import annotations

import io

import pandas as pd

from collabplan.privacy import safe_frame


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel shows accents; formula-like cells neutralised."""
    return safe_frame(df).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One worksheet per entry (names cut to Excel's 31 characters); cells written as values.

    openpyxl would store a string beginning with "=" as a formula, so every frame goes
    through ``safe_frame`` first.
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, df in sheets.items():
            safe_frame(df).to_excel(writer, sheet_name=_sheet_name(name), index=False)
    return buffer.getvalue()


def _sheet_name(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return (name.strip() or "Sheet")[:31]
