"""Generators of good and bad uploads, as bytes, for the reader, importer and CLI tests.

Each function returns the bytes of one file (small on disk: the bombs are kilobytes that only
*declare* or *would inflate to* gigabytes; nothing here inflates them). Use with any file name,
e.g. ``read_upload(zip_bomb_xlsx(), "results.xlsx")``; functions named ``*_renamed`` are meant
to be uploaded under a misleading name (``pdf_renamed()`` as "results.xlsx").
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_WORKSHEET = NS_REL + "/worksheet"
REL_DOCUMENT = NS_REL + "/officeDocument"

Cell = str | int | float | bool | None | tuple  # tuple = ("=FORMULA", cached value)


# ------------------------------------------------------------------------ a minimal xlsx writer


def col_letters(col: int) -> str:
    """0 -> "A", 16383 -> "XFD"."""
    col += 1
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _cell_xml(ref: str, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        formula, cached = value
        body = f"<f>{escape(formula.lstrip('='))}</f>"
        if cached is None:
            return f'<c r="{ref}">{body}</c>'
        if isinstance(cached, str):
            return f'<c r="{ref}" t="str">{body}<v>{escape(cached)}</v></c>'
        return f'<c r="{ref}">{body}<v>{cached!r}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def sheet_xml(
    rows: Sequence[Sequence[Cell]] | dict[int, Sequence[Cell]],
    *,
    dimension: str | None = "auto",
    first_col: int = 0,
    merges: Iterable[str] = (),
    prolog: str = "",
    extra_cells: str = "",
) -> str:
    """A worksheet part. ``rows`` is a list (row 1 first) or {1-based row number: cells}.

    ``dimension="auto"`` writes the true used range, ``None`` omits it, any other text is written
    as given (to lie about the range). ``first_col`` shifts every row right (0 = column A).
    """
    numbered = dict(rows) if isinstance(rows, dict) else {i + 1: r for i, r in enumerate(rows)}
    body = []
    used_rows, used_cols = [], []
    for number in sorted(numbered):
        cells = []
        for j, value in enumerate(numbered[number]):
            if value is None:
                continue
            cells.append(_cell_xml(f"{col_letters(first_col + j)}{number}", value))
            used_rows.append(number)
            used_cols.append(first_col + j)
        body.append(f'<row r="{number}">{"".join(cells)}</row>')
    if dimension == "auto":
        dimension = (
            f"{col_letters(min(used_cols))}{min(used_rows)}:{col_letters(max(used_cols))}{max(used_rows)}"
            if used_rows
            else "A1"
        )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merge = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    merge = f'<mergeCells count="{len(list(merges))}">{merge}</mergeCells>' if merge else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
        f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">{dim}'
        f"<sheetData>{''.join(body)}{extra_cells}</sheetData>{merge}</worksheet>"
    )


def xlsx_bytes(
    sheets: Sequence[tuple[str, str]] | None = None,
    *,
    workbook_prolog: str = "",
    extra_parts: dict[str, bytes | str] | None = None,
) -> bytes:
    """A minimal valid workbook from (sheet name, sheet XML) pairs, as Excel would zip it."""
    sheets = list(
        sheets
        if sheets is not None
        else [("Sheet1", sheet_xml([["Student", "Score"], ["Ana", 3]]))]
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{NS_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL_DOCUMENT}" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{workbook_prolog}'
            f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}"><sheets>'
            + "".join(
                f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                for i, (name, _) in enumerate(sheets, 1)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{NS_PKG_REL}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{REL_WORKSHEET}" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + "</Relationships>"
        ),
    }
    for i, (_, xml) in enumerate(sheets, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    parts.update(extra_parts or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content.encode() if isinstance(content, str) else content)
    return buf.getvalue()


def simple_xlsx(rows: Sequence[Sequence[Cell]], name: str = "Results", **sheet_kw) -> bytes:
    """One sheet holding ``rows`` (keywords go to :func:`sheet_xml`)."""
    return xlsx_bytes([(name, sheet_xml(rows, **sheet_kw))])


def good_xlsx() -> bytes:
    """A small correct workbook (a header and three students)."""
    return simple_xlsx(
        [
            ["Student", "ID", "Q1"],
            ["Ana Ruiz", 300500, 3],
            ["Ben Ode", "00452", 2],
            ["Cy Lee", 300502, 4],
        ]
    )


# ------------------------------------------------------------------------------- bad workbooks


def empty_file() -> bytes:
    """0 bytes."""
    return b""


def text_renamed_xlsx() -> bytes:
    """Plain csv text, to be uploaded as "results.xlsx"."""
    return b"Student,ID,Q1\nAna Ruiz,300500,3\n"


def html_renamed_xls() -> bytes:
    """An HTML table, as some systems' "Export to Excel" produce, to be uploaded as "results.xls"."""
    return b"<html><body><table><tr><td>Student</td><td>Q1</td></tr></table></body></html>\n"


def pdf_renamed() -> bytes:
    """The start of a PDF, to be uploaded as "results.xlsx"."""
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def truncated_xlsx() -> bytes:
    """A real workbook cut off halfway (an interrupted download)."""
    data = good_xlsx()
    return data[: len(data) // 2]


def corrupt_sheet_xlsx() -> bytes:
    """A well-formed zip whose worksheet is not XML at all."""
    return xlsx_bytes([("Results", "this is not XML <<<")])


def corrupt_cells_xlsx() -> bytes:
    """A worksheet whose start is fine but whose cells are broken further in (only the parser sees it)."""
    good = sheet_xml([["Student", "Q1"], ["Ana", 3]])
    broken = good.replace(
        "</sheetData>", '<row r="3"><c r="A3" t="s"><v>99999</v></c></row></sheetData>'
    )
    return xlsx_bytes([("Results", broken)])


def not_a_workbook_zip() -> bytes:
    """A zip of unrelated files, to be uploaded as "results.xlsx"."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "hello")
    return buf.getvalue()


def no_sheets_xlsx() -> bytes:
    """A workbook whose sheet list is empty."""
    return xlsx_bytes([])


def empty_sheets_xlsx() -> bytes:
    """A workbook with two sheets and no cell holding anything."""
    return xlsx_bytes(
        [("Sheet1", sheet_xml([], dimension="A1")), ("Sheet2", sheet_xml([], dimension=None))]
    )


def far_away_cell_xlsx() -> bytes:
    """A 1-cell-at-each-corner sheet whose dimension honestly says A1:XFD1048576 (refused before parsing)."""
    cells = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return xlsx_bytes(
        [("Results", sheet_xml([["Student"]], dimension="A1:XFD1048576", extra_cells=cells))]
    )


def far_away_cell_hidden_xlsx() -> bytes:
    """Cell XFD1048576 behind a dimension that lies ("A1"): passes the check, so only the sandbox
    stands between it and a parser abort (calamine tries to allocate 17 billion cells)."""
    cells = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return xlsx_bytes([("Results", sheet_xml([["Student"]], dimension="A1", extra_cells=cells))])


def _deflate_repeated(chunk: bytes, times: int) -> bytes:
    """Raw deflate of ``chunk * times`` without building it: after a full flush the compressor
    state is reset, so every further copy of the chunk compresses to the same bytes."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    middle = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    return first + middle * (times - 2) + comp.compress(chunk) + comp.flush()


def _raw_zip(entries: Sequence[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip from already-compressed entries: (name, deflated bytes, crc, declared size, method)."""
    out = io.BytesIO()
    central = []
    for name, payload, crc, size, method in entries:
        offset = out.tell()
        raw_name = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(payload),
                size,
                len(raw_name),
                0,
            )
        )
        out.write(raw_name + payload)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(payload),
                size,
                len(raw_name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw_name
        )
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0
        )
    )
    return out.getvalue()


def _with_entry(base: bytes, name: str, payload: bytes, crc: int, size: int) -> bytes:
    """``base`` (a workbook) with part ``name`` replaced by a pre-deflated payload."""
    entries = []
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        for info in zf.infolist():
            if info.filename == name:
                continue
            content = zf.read(info)
            comp = zlib.compressobj(6, zlib.DEFLATED, -15)
            entries.append(
                (
                    info.filename,
                    comp.compress(content) + comp.flush(),
                    zlib.crc32(content),
                    len(content),
                    8,
                )
            )
    entries.append((name, payload, crc, size, 8))
    return _raw_zip(entries)


def zip_bomb_xlsx(inflated_mb: int = 512) -> bytes:
    """A workbook whose sheet honestly inflates to ``inflated_mb`` MB of blanks (about 1000:1).

    About 0.5 MB on disk for the default. The CRC is not computed (that would mean inflating it);
    a reader must refuse the file on its declared sizes long before checking it.
    """
    head = sheet_xml([["Student"]]).split("</sheetData>")[0].encode()
    chunk = b" " * (1024 * 1024)
    payload = _deflate_repeated(chunk, inflated_mb)
    size = len(head) + inflated_mb * len(chunk)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH) + payload
    return _with_entry(good_xlsx(), "xl/worksheets/sheet1.xml", payload, 0, size)


def lying_size_xlsx() -> bytes:
    """A workbook whose sheet entry declares 4 GB (the largest a plain zip can) but holds a few bytes."""
    content = sheet_xml([["Student"], ["Ana"]]).encode()
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    payload = comp.compress(content) + comp.flush()
    return _with_entry(
        good_xlsx(), "xl/worksheets/sheet1.xml", payload, zlib.crc32(content), 0xFFFFFFF0
    )


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
    '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
    '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
    '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
    '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>\n'
)


def entity_bomb_xlsx(part: str = "sharedStrings") -> bytes:
    """A billion-laughs DTD in the shared strings (``part="sheet"``: the worksheet, ``"workbook"``:
    the workbook part)."""
    if part == "sheet":
        rows = [["Student"], ["&lol9;"]]
        xml = sheet_xml(rows, prolog=BILLION_LAUGHS).replace("&amp;lol9;", "&lol9;")
        return xlsx_bytes([("Results", xml)])
    if part == "workbook":
        return xlsx_bytes([("Results", sheet_xml([["Student"]]))], workbook_prolog=BILLION_LAUGHS)
    shared = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{BILLION_LAUGHS}'
        f'<sst xmlns="{NS_MAIN}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    xml = sheet_xml([["Student"]]).replace(
        't="inlineStr"><is><t xml:space="preserve">Student</t></is>', 't="s"><v>0</v>'
    )
    return xlsx_bytes([("Results", xml)], extra_parts={"xl/sharedStrings.xml": shared})


def external_entity_xlsx() -> bytes:
    """A worksheet declaring an external entity (file:///etc/passwd)."""
    prolog = '<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    return xlsx_bytes([("Results", sheet_xml([["Student"]], prolog=prolog))])


def xlsb_renamed() -> bytes:
    """An Excel binary workbook's zip layout (xl/workbook.bin), to be uploaded as "results.xlsx"."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return buf.getvalue()


# ------------------------------------------------------------------------- OLE2 (CFB) containers


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal Compound File Binary (OLE2) container holding ``streams`` at its root.

    Version 3, 512-byte sectors; each stream is padded to 4096 bytes so it lives in the main FAT
    (no mini stream). Enough for olefile and for any reader that sniffs stream names.
    """
    ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    if len(names) > 3:
        raise ValueError("at most 3 streams")
    data_sectors: list[bytes] = []
    starts, sizes = [], []
    for name in names:
        # At least the mini-stream cutoff (4096), so the stream lives in the main FAT.
        content = streams[name].ljust(4096, b"\x00")
        padded = content + b"\x00" * (-len(content) % 512)
        starts.append(2 + len(data_sectors))
        sizes.append(len(content))
        data_sectors += [padded[i : i + 512] for i in range(0, len(padded), 512)]
    fat = [FATSECT, ENDOFCHAIN]
    for start, size in zip(starts, sizes, strict=True):
        count = -(-size // 512)
        fat += [start + k + 1 for k in range(count - 1)] + [ENDOFCHAIN]
    if len(fat) > 128:
        raise ValueError("streams too large for one FAT sector")
    fat += [FREESECT] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", NOSTREAM, right, child)
            + b"\x00" * 16
            + b"\x00" * 4
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1 if names else NOSTREAM, NOSTREAM, ENDOFCHAIN, 0)
    for i, name in enumerate(names, 1):
        right = i + 1 if i < len(names) else NOSTREAM
        directory += entry(name, 2, NOSTREAM, right, starts[i - 1], sizes[i - 1])
    while len(directory) < 512:
        directory += entry("", 0, NOSTREAM, NOSTREAM, 0, 0)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", FREESECT) * 108
    )
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + directory + b"".join(data_sectors)


def password_protected_xlsx() -> bytes:
    """What Excel writes for a workbook with a password: an OLE2 container holding the
    EncryptionInfo and EncryptedPackage streams (agile encryption header, random package)."""
    info = struct.pack("<HHI", 4, 4, 0x40) + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"/>'
    )
    package = struct.pack("<Q", 6000) + bytes(range(256)) * 24
    return cfb_bytes({"EncryptionInfo": info, "EncryptedPackage": package})


def legacy_xls() -> bytes:
    """An Excel 97-2003 (.xls) container: an OLE2 file with a Workbook stream (a BOF record)."""
    return cfb_bytes({"Workbook": struct.pack("<HHHH", 0x0809, 8, 0x0600, 0x0005) + b"\x00" * 4})


def word_doc_renamed() -> bytes:
    """An OLE2 container that is not a workbook (a .doc), to be uploaded as "results.xls"."""
    return cfb_bytes({"WordDocument": b"\xec\xa5" + b"\x00" * 100})


# -------------------------------------------------------------------------------------- csv


def utf16_csv() -> bytes:
    """A csv saved as "Unicode Text" (UTF-16 with a byte order mark)."""
    return "Student\tScore\r\nAna Ruiz\t3\r\n".encode("utf-16")


def utf16_no_bom_csv() -> bytes:
    """UTF-16 little-endian text without a byte order mark."""
    return "Student,Score\r\nAna Ruiz,3\r\n".encode("utf-16-le")


def utf32_csv() -> bytes:
    """A csv in UTF-32 (with its byte order mark)."""
    return "Student,Score\nAna,3\n".encode("utf-32")


def binary_renamed_csv() -> bytes:
    """Binary bytes (an image header and zeros), to be uploaded as "results.csv"."""
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256))


def undecodable_csv() -> bytes:
    """Bytes that are neither UTF-8 nor Windows-1252 (0x81, 0x8d, 0x90 are unassigned in cp1252)."""
    return b"Student,Score\nAn\x81a,3\nB\x8d\x90en,2\n"


def too_large_csv(size: int) -> bytes:
    """A valid csv of ``size`` bytes (use with a lowered ``config.MAX_UPLOAD_BYTES``)."""
    header = b"Student,Score\n"
    line = b"Ana Ruiz,3\n"
    body = line * ((size - len(header)) // len(line) + 1)
    return (header + body)[:size]


def openpyxl_bytes(fill) -> bytes:
    """A workbook written by openpyxl after ``fill(worksheet)``: a real Excel-like file."""
    return openpyxl_sheets({"Sheet": fill})


def openpyxl_sheets(sheets: dict) -> bytes:
    """A workbook written by openpyxl with a sheet per (name, content), in order. The content
    is a list of rows or a ``fill(worksheet)`` function."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, content in sheets.items():
        ws = wb.create_sheet(name)
        if callable(content):
            content(ws)
        else:
            for row in content:
                ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
