"""Cutting sheet XML: a copy of a workbook whose sheets stop after their first rows.

The parser reads a sheet's *head* (its first ``HEAD_ROWS`` rows, as text) from such a copy, so
only the start of each sheet part is inflated, whatever the sheet's size. Byte scanning only,
on a workbook :mod:`collabplan.ingest.checks` has passed; the parser reads the copy.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

from collabplan.ingest.checks import workbook_part

#: Rows at the top of each sheet that are also read as text (headers, titles, keys).
HEAD_ROWS = 30

_EMPTY_SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData/></worksheet>"
)
_WORKSHEET_TAG = re.compile(rb"<([\w.-]+:)?worksheet\b")
_SHEET_DATA_TAG = re.compile(rb"<([\w.-]+:)?sheetData\b[^>]*?(/?)>")
_DIMENSION_TAG = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*>")
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["'](\d{1,7})["']""")
_VALUE_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:v\b[^>/]*>[^<]|is\b)")
_CHUNK = 64 * 1024


def head_workbook(data: bytes, parts: list[str], rows: int = HEAD_ROWS) -> bytes:
    """A copy of the workbook whose sheets ``parts`` stop after their first ``rows`` rows.

    A row counts from the first row holding a value (rows above it are kept too, empty). Only
    the start of each sheet part is decompressed; the parts a reader needs besides the sheets
    (workbook, relationships, shared strings, styles) are copied, stored uncompressed, and any
    other worksheet becomes an empty one. The shared strings stop after the last one the cut
    sheets use (Excel numbers them in order of first use, so that is usually a handful). Byte
    scanning only: the parser reads the copy.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zipfile.ZipFile(out, "w") as dst:
        names = set(zf.namelist())
        wb_dir = PurePosixPath(workbook_part(zf, names, "workbook")).parent
        keep_dirs = {PurePosixPath(""), PurePosixPath("_rels"), wb_dir, wb_dir / "_rels"}
        cut = {part: cut_sheet(zf, part, rows) for part in dict.fromkeys(parts)}
        strings = _shared_strings_used(list(cut.values()))
        sheets = set(_worksheet_parts(zf, names))
        for info in zf.infolist():
            name = info.filename
            if name in cut:
                dst.writestr(name, cut[name])
            elif name in sheets:
                dst.writestr(name, _EMPTY_SHEET)
            elif PurePosixPath(name).parent in keep_dirs and not name.endswith("/"):
                if strings is not None and name.lower().endswith("sharedstrings.xml"):
                    dst.writestr(name, cut_shared_strings(zf, name, strings))
                else:
                    dst.writestr(name, zf.read(name))
    return out.getvalue()


_SHARED_CELL = re.compile(rb"""<(?:[\w.-]+:)?c\b[^>]*?\bt\s*=\s*["']s["'][^>]*>""")
_SHARED_INDEX = re.compile(
    rb"""<(?:[\w.-]+:)?c\b[^>]*?\bt\s*=\s*["']s["'][^>]*>\s*<(?:[\w.-]+:)?v>\s*(\d{1,9})\s*<"""
)
_SST_TAG = re.compile(rb"<([\w.-]+:)?sst\b[^>]*?(/?)>")
_SST_UNIQUE = re.compile(rb"""\suniqueCount\s*=\s*["'](\d{1,9})["']""")
_SST_COUNTS = re.compile(rb"""\s(?:count|uniqueCount)\s*=\s*["'][^"']*["']""")


def _shared_strings_used(sheets: list[bytes]) -> int | None:
    """How many shared strings the cut sheets need (``None``: cannot tell, keep them all)."""
    cells = sum(len(_SHARED_CELL.findall(xml)) for xml in sheets)
    used = [int(i) for xml in sheets for i in _SHARED_INDEX.findall(xml)]
    if len(used) != cells:
        return None
    return max(used, default=-1) + 1


def cut_shared_strings(zf: zipfile.ZipFile, part: str, count: int) -> bytes:
    """The shared-strings part with only its first ``count`` strings, closed (byte scanning)."""
    buf = bytearray()
    sst = None
    found = 0  # strings ending before ``scan``
    scan = 0
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            buf += chunk
            if sst is None:
                sst = _SST_TAG.search(buf)
                if sst is None and chunk:
                    continue
                if sst is None or sst.group(2):
                    return bytes(buf) + fh.read()
                scan = sst.end()
                close = b"</" + (sst.group(1) or b"") + b"si>"
                unique = _SST_UNIQUE.search(buf, sst.start(), sst.end())
                if unique and int(unique.group(1)) <= count:  # every string is needed
                    return bytes(buf) + fh.read()
            if b"si/>" in buf[max(scan, len(buf) - len(chunk) - 4) :]:
                return bytes(buf) + fh.read()  # an empty string written as <si/>: keep all
            end = sst.end() if count == 0 else None
            if end is None:  # count at C speed; walk string by string only to the last one
                tail = buf.rfind(close)
                last = tail + len(close) if tail >= scan else scan
                whole = buf.count(close, scan, last)
                if found + whole < count:
                    found, scan = found + whole, last
                else:
                    while found < count:
                        scan = buf.index(close, scan) + len(close)
                        found += 1
                    end = scan
            if end is not None:
                tag = _SST_COUNTS.sub(b"", buf[sst.start() : sst.end()])
                prefix = sst.group(1) or b""
                kept = buf[: sst.start()] + tag + buf[sst.end() : end]
                return bytes(kept) + b"</" + prefix + b"sst>"
            if not chunk:
                return bytes(buf)


def _worksheet_parts(zf: zipfile.ZipFile, names: set[str]) -> list[str]:
    """Every part named like a worksheet (``…/worksheets/….xml``)."""
    return [n for n in names if "/worksheets/" in f"/{n}" and n.endswith(".xml")]


def cut_sheet(zf: zipfile.ZipFile, part: str, rows: int = HEAD_ROWS) -> bytes:
    """The sheet XML up to the first row ``rows`` rows past the first row holding a value, closed.

    Rows without an ``r`` attribute follow the row before. When the sheet ends first, the part
    is returned whole. The ``<dimension>`` of a cut copy is dropped (it would be wrong).
    """
    buf = bytearray()
    sheet_data = None
    rows_seen: list[tuple[int, int]] = []  # (position of the row tag, row number)
    rows_from = value_from = 0  # where the next row tag / value search starts
    checked = 0  # rows_seen[:checked] are known to be within the limit
    row_number = 0
    limit = None  # the first row number past the head
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            buf += chunk
            if sheet_data is None:
                sheet_data = _SHEET_DATA_TAG.search(buf)
                if sheet_data is None and chunk:
                    continue
                if sheet_data is None or sheet_data.group(2):  # no rows at all
                    return bytes(buf) + fh.read()
                rows_from = value_from = sheet_data.end()
            for m in _ROW_TAG.finditer(buf, rows_from):
                number = _ROW_NUMBER.search(m.group(1))
                row_number = int(number.group(1)) if number else row_number + 1
                rows_seen.append((m.start(), row_number))
                rows_from = m.end()
            if limit is None:
                value = _VALUE_TAG.search(buf, value_from)
                if value is None:
                    value_from = max(value_from, len(buf) - 64)
                else:
                    first = max((n for pos, n in rows_seen if pos < value.start()), default=1)
                    limit = first + rows
            if limit is not None:
                for pos, number in rows_seen[checked:]:
                    if number >= limit:
                        return _close_sheet(bytes(buf[:pos]), sheet_data)
                checked = len(rows_seen)
            if not chunk:
                return bytes(buf)


def _close_sheet(xml: bytes, sheet_data: re.Match) -> bytes:
    """Sheet XML cut inside ``<sheetData>``: end both elements, with their own prefixes."""
    top = xml[: sheet_data.start()]
    worksheet = _WORKSHEET_TAG.search(top)
    top = _DIMENSION_TAG.sub(b"", top, count=1)
    data_prefix = sheet_data.group(1) or b""
    sheet_prefix = (worksheet.group(1) if worksheet else b"") or b""
    return (
        top
        + xml[sheet_data.start() :]
        + b"</"
        + data_prefix
        + b"sheetData></"
        + sheet_prefix
        + b"worksheet>"
    )
