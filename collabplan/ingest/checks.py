"""Checks an upload must pass before any parser sees it.

Spreadsheet parsers are not built for hostile input: a 5 KB xlsx naming cell XFD1048576 makes
calamine allocate for 17 billion cells and abort the whole process (SIGABRT cannot be caught),
and a 1 MB zip can inflate to gigabytes. So, before anything is parsed:

* the kind of file is decided by its first bytes, not its name (zip, OLE2, PDF, text);
* a zip's declared sizes and compression ratios are checked, and every XML part's prolog is read
  with defusedxml, which refuses any DTD or entity declaration;
* sheet names and each sheet's ``<dimension ref=...>`` are read with defusedxml, and a sheet
  claiming more cells than ``MAX_SHEET_CELLS`` is refused.

The workbook is then parsed in a guarded child process (:mod:`collabplan.ingest.parser`).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath

import defusedxml
import defusedxml.ElementTree as SafeET

from collabplan import config
from collabplan.errors import UserError

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF_MAGIC = b"%PDF"
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".xltx", ".xltm", ".ods"}

#: Excel's own limits.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
#: More parts than this in one zip is not a workbook anyone made by hand or by export.
MAX_ZIP_ENTRIES = 10_000
#: Entries smaller than this are never called bombs, whatever their ratio.
_RATIO_FLOOR_BYTES = 1024 * 1024
#: Largest workbook.xml / .rels part read whole.
_MAX_META_PART_BYTES = 16 * 1024 * 1024

#: The way out for a workbook that is damaged or odd (ends every such message).
RESAVE = "Open it in Excel, save it again as .xlsx and upload the new file"
_SAVE_AS_XLSX = "Open it in Excel, use File > Save As > Excel Workbook (.xlsx) and upload that file"
_CSV_UTF8 = 'In Excel use File > Save As > "CSV UTF-8 (Comma delimited)" and upload that file'

_MAIN_NS_WORKSHEET = "/worksheet"


def _mb(n: int) -> str:
    """Bytes in the unit a teacher reads easily."""
    if n < 1024 * 1024:
        return f"{max(1, -(-n // 1024)):,} KB"
    if n < 1024**3:
        return f"{n / (1024 * 1024):,.0f} MB"
    return f"{n / 1024**3:,.1f} GB"


# ------------------------------------------------------------------------------------ sniffing


def sniff_kind(data: bytes) -> str:
    """What the bytes are: ``zip``, ``ole``, ``pdf``, ``utf16``, ``utf32``, ``binary`` or ``text``."""
    head = data[:8]
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(PDF_MAGIC) or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    sample = data[: 64 * 1024]
    if b"\x00" in sample:
        # UTF-16 without a byte order mark: every other byte of plain text is 0.
        zeros = sample.count(b"\x00")
        return "utf16" if zeros > len(sample) // 4 else "binary"
    return "text"


def too_large(file_name: str, size: int) -> UserError:
    """The refusal of a file over ``MAX_UPLOAD_BYTES`` (``size`` bytes, or more)."""
    return UserError(
        f"{file_name} is too large ({_mb(size)}; the limit is {_mb(config.MAX_UPLOAD_BYTES)}). "
        "Export only the students and columns you need, or split it into several files.",
        kind="file",
    )


def check_upload(data: bytes, file_name: str) -> str:
    """Refuse what must not reach a parser; return ``"xlsx"`` or ``"csv"`` (the kind to read).

    A zip is only recognised here: :func:`inspect_workbook` does the workbook checks.
    """
    if not data:
        raise UserError(
            f"{file_name} is empty (0 bytes). Export the results again and upload the new file."
        )
    if len(data) > config.MAX_UPLOAD_BYTES:
        raise too_large(file_name, len(data))
    kind = sniff_kind(data)
    suffix = PurePath(file_name).suffix.lower()
    if kind == "zip":
        return "xlsx"
    if kind == "ole":
        check_ole(data, file_name)  # always raises
    if kind == "pdf":
        raise UserError(
            f"{file_name} is a PDF, not a spreadsheet. Download the results as .xlsx or .csv and upload that file."
        )
    if kind in ("utf16", "utf32", "binary"):
        if suffix in EXCEL_SUFFIXES:
            raise UserError(f"{file_name} is damaged or is not an Excel workbook. {RESAVE}.")
        what = {
            "utf16": "text in an encoding this app cannot read (UTF-16)",
            "utf32": "text in an encoding this app cannot read (UTF-32)",
        }.get(kind, "not a text file")
        raise UserError(f"{file_name} is {what}. {_CSV_UTF8}.")
    if suffix in EXCEL_SUFFIXES:
        head = data[:512].lstrip().lower()
        looks = (
            "a web page"
            if head.startswith((b"<!doctype html", b"<html", b"<table"))
            else "plain text"
        )
        raise UserError(
            f"{file_name} is not a real Excel workbook (it holds {looks}). {_SAVE_AS_XLSX}."
        )
    return "csv"


def check_ole(data: bytes, file_name: str) -> None:
    """An OLE2 container is a password-protected workbook or a legacy .xls: both are refused."""
    import olefile

    try:
        ole = olefile.OleFileIO(data)
    except Exception:
        raise UserError(
            f"{file_name} is damaged or is not an Excel workbook. {RESAVE}."
        ) from None
    try:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            raise UserError(
                f"{file_name} is protected with a password. Remove the password in Excel "
                "(File > Info > Protect Workbook > Encrypt with Password, clear it), save and upload again."
            )
        if ole.exists("Workbook") or ole.exists("Book"):
            raise UserError(
                f"{file_name} is an old-style Excel 97-2003 workbook (.xls). {_SAVE_AS_XLSX}."
            )
    finally:
        ole.close()
    raise UserError(
        f"{file_name} is not an Excel workbook (it looks like another Office document). {_SAVE_AS_XLSX}."
    )


# ----------------------------------------------------------------------------------- workbooks


@dataclass
class SheetInfo:
    """A worksheet of a workbook: its name, zip part and declared dimension (1-based, inclusive)."""

    name: str
    part: str
    dimension: tuple[int, int, int, int] | None = None  # first_row, first_col, last_row, last_col


@dataclass
class WorkbookInfo:
    """The worksheets of a workbook, in workbook order."""

    sheets: list[SheetInfo]


def _damaged(file_name: str) -> UserError:
    return UserError(
        f"{file_name} is damaged (the workbook is incomplete or corrupt). {RESAVE}."
    )


def _open_zip(data: bytes, file_name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _damaged(file_name) from None


def check_zip(zf: zipfile.ZipFile, file_name: str) -> None:
    """Refuse zip bombs by their declared sizes and compression ratios, and encrypted entries."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UserError(
            f"{file_name} holds {len(infos):,} parts, far more than any workbook. {RESAVE}."
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UserError(
                f"{file_name} is protected with a password. Remove the password in Excel, save and upload again."
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR_BYTES and ratio > config.MAX_COMPRESSION_RATIO:
            raise UserError(
                f"{file_name} would unpack to {_mb(info.file_size)} from {_mb(info.compress_size)} "
                f"(part {info.filename}), which is not a normal workbook. {RESAVE}."
            )
    if total > config.MAX_UNZIPPED_BYTES:
        raise UserError(
            f"{file_name} would unpack to {_mb(total)}, more than the {_mb(config.MAX_UNZIPPED_BYTES)} this app reads. "
            "Export only the students and columns you need, or split it into several files."
        )


def _first_element(zf: zipfile.ZipFile, name: str, file_name: str, *, stop: set[str] | None = None):
    """Parse the start of an XML part with defusedxml (no DTD, no entities).

    Returns the first element whose local name is in ``stop`` (or the root element when ``stop``
    is ``None``), or ``None`` when the part ends first. A DTD or entity raises :class:`UserError`.
    """
    try:
        with zf.open(name) as fh:
            for _event, elem in SafeET.iterparse(fh, events=("start",), forbid_dtd=True):
                local = elem.tag.rsplit("}", 1)[-1]
                if stop is None or local in stop:
                    return elem
    except defusedxml.DefusedXmlException:
        raise UserError(
            f"{file_name} contains XML declarations (DTD or entities) that Excel never writes, "
            f"so it is refused for safety (part {name}). {RESAVE}."
        ) from None
    except SafeET.ParseError:
        raise _damaged(file_name) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        # RuntimeError: encrypted entry; NotImplementedError: unknown compression method.
        raise _damaged(file_name) from None
    return None


def _read_part(zf: zipfile.ZipFile, name: str, file_name: str) -> bytes:
    try:
        info = zf.getinfo(name)
        if info.file_size > _MAX_META_PART_BYTES:
            raise UserError(
                f"{file_name}: part {name} is far larger than in any workbook. {RESAVE}."
            )
        with zf.open(info) as fh:
            return fh.read(_MAX_META_PART_BYTES + 1)[:_MAX_META_PART_BYTES]
    except KeyError:
        raise _damaged(file_name) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        raise _damaged(file_name) from None


def _parse_xml(zf: zipfile.ZipFile, name: str, file_name: str):
    raw = _read_part(zf, name, file_name)
    try:
        return SafeET.fromstring(raw, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise UserError(
            f"{file_name} contains XML declarations (DTD or entities) that Excel never writes, "
            f"so it is refused for safety (part {name}). {RESAVE}."
        ) from None
    except SafeET.ParseError:
        raise _damaged(file_name) from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(elem, local_name: str) -> str | None:
    for key, value in elem.attrib.items():
        if _local(key) == local_name:
            return value
    return None


def _resolve(base_dir: PurePosixPath, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in (base_dir / target).parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in (".", ""):
            parts.append(piece)
    return "/".join(parts)


def workbook_part(zf: zipfile.ZipFile, names: set[str], file_name: str) -> str:
    if "xl/workbook.xml" in names:
        return "xl/workbook.xml"
    if "_rels/.rels" in names:
        for rel in _parse_xml(zf, "_rels/.rels", file_name):
            if (_attr(rel, "Type") or "").endswith("/officeDocument"):
                part = _resolve(PurePosixPath(""), _attr(rel, "Target") or "")
                if part in names and part.endswith(".xml"):
                    return part
    if "xl/workbook.bin" in names:
        raise UserError(f"{file_name} is an Excel binary workbook (.xlsb). {_SAVE_AS_XLSX}.")
    if "mimetype" in names or "content.xml" in names:
        raise UserError(f"{file_name} is an OpenDocument spreadsheet (.ods). {_SAVE_AS_XLSX}.")
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise UserError(
            f"{file_name} is a Word or PowerPoint file, not a spreadsheet. Upload the results as .xlsx or .csv."
        )
    raise UserError(
        f"{file_name} is a zip file but not an Excel workbook. Upload the results as .xlsx or .csv."
    )


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def parse_ref(ref: str) -> tuple[int, int] | None:
    """``"N35"`` -> (35, 14): 1-based row and column; ``None`` when it is not a cell reference."""
    m = _REF.match(ref.strip())
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + (ord(ch) - 64)
    return int(m.group(2)), col


def column_letters(col: int) -> str:
    """1 -> "A", 16384 -> "XFD"."""
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def parse_dimension(ref: str | None) -> tuple[int, int, int, int] | None:
    if not ref:
        return None
    pieces = ref.split(":")
    first = parse_ref(pieces[0])
    last = parse_ref(pieces[-1])
    if first is None or last is None:
        return None
    return (
        min(first[0], last[0]),
        min(first[1], last[1]),
        max(first[0], last[0]),
        max(first[1], last[1]),
    )


def inspect_workbook(data: bytes, file_name: str, *, dimensions: bool = True) -> WorkbookInfo:
    """Every check short of parsing cells; the worksheets in workbook order."""
    zf = _open_zip(data, file_name)
    with zf:
        check_zip(zf, file_name)
        names = set(zf.namelist())
        wb_part = workbook_part(zf, names, file_name)
        # The prolog of every XML part that is not read below: no DTD, no entities.
        for name in sorted(names):
            if name.endswith((".xml", ".rels", ".vml")) and name != wb_part:
                _first_element(zf, name, file_name)
        workbook = _parse_xml(zf, wb_part, file_name)
        wb_dir = PurePosixPath(wb_part).parent
        rels_part = str(wb_dir / "_rels" / (PurePosixPath(wb_part).name + ".rels"))
        targets: dict[str, str] = {}
        if rels_part in names:
            for rel in _parse_xml(zf, rels_part, file_name):
                if (_attr(rel, "Type") or "").endswith(_MAIN_NS_WORKSHEET):
                    targets[_attr(rel, "Id") or ""] = _resolve(wb_dir, _attr(rel, "Target") or "")
        info = WorkbookInfo([])
        for elem in workbook.iter():
            if _local(elem.tag) != "sheet":
                continue
            part = targets.get(_attr(elem, "id") or "")
            name = _attr(elem, "name")
            if part is None or name is None:
                continue  # a chart sheet or dialog sheet: no cells to read
            if part not in names:
                raise _damaged(file_name)
            sheet = SheetInfo(name, part)
            if dimensions:
                dim = _first_element(zf, part, file_name, stop={"dimension", "sheetData"})
                if dim is not None and _local(dim.tag) == "dimension":
                    sheet.dimension = parse_dimension(_attr(dim, "ref"))
                check_dimension(sheet, file_name)
            info.sheets.append(sheet)
        return info


def check_dimension(sheet: SheetInfo, file_name: str) -> None:
    """Refuse a sheet whose declared used range is beyond Excel's grid or ``MAX_SHEET_CELLS``."""
    if sheet.dimension is None:
        return
    r1, c1, r2, c2 = sheet.dimension
    cells = (r2 - r1 + 1) * (c2 - c1 + 1)
    if r2 > MAX_ROWS or c2 > MAX_COLUMNS or cells > config.MAX_SHEET_CELLS:
        raise UserError(
            f"{file_name}: sheet {sheet.name!r} reaches cell {column_letters(c2)}{r2}, far beyond any results table "
            f"({cells:,} cells), so it is not read. In Excel delete the rows and columns after your data "
            "(or copy the results into a new workbook), save and upload again."
        )


def workbook_sheets(data: bytes, file_name: str) -> list[tuple[str, str]]:
    """(sheet name, zip part) of every worksheet, in workbook order."""
    return [(s.name, s.part) for s in inspect_workbook(data, file_name, dimensions=False).sheets]

