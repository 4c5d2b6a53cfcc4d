"""Writing generated exports: csv and xlsx bytes that are identical on every run."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import openpyxl


def us_date(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = False) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    text = buf.getvalue()
    return (("\ufeff" + text) if bom else text).encode("utf-8")


def xlsx_bytes(wb: openpyxl.Workbook) -> bytes:
    """The workbook's bytes, identical on every run: fixed document dates and zip timestamps
    (so re-importing a regenerated demo file is recognised as the same upload)."""
    stamp = dt.datetime(2025, 8, 1, 8, 0, 0)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-08-01T08:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2025, 8, 1, 8, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def yes_no(flag: bool) -> str:
    return "Y" if flag else "N"
