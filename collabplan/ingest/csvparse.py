"""A csv's bytes -> one Arrow table of text, within limits; runs in the parser child.

Called by :mod:`collabplan.ingest.parser` inside its guarded child process (memory, CPU and
time limits), never in the app: a csv is as hostile as any workbook. A 200 KB line of 100,000
fields, a 10 MB line or a header of a million columns must end in one line a teacher can act
on, quickly, so the limits of :mod:`collabplan.config` are checked before the parse where they
can be (the longest line, the columns of the first row) and on its result (the longest cell):

* ``MAX_COLUMNS`` fields in a row, ``MAX_LINE_BYTES`` bytes in a line, ``MAX_FIELD_BYTES`` in a
  cell.

Text is decoded line by line when the file is not all of one encoding: a UTF-8 export with a
name pasted from an old Windows file would otherwise be read all as Windows-1252 (every accent
in every other name wrong). Lines that are valid UTF-8 are read as UTF-8, the others as
Windows-1252, and a note (for the validation report) says which lines, with examples.

The table has columns ``c0`` … (every cell text; ``None`` for an empty cell).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from pathlib import PurePath
from typing import TYPE_CHECKING

from collabplan import config
from collabplan.errors import UserError

if TYPE_CHECKING:
    import pyarrow as pa

#: Delimiters tried when a csv does not say, in order of preference on a tie.
DELIMITERS = (",", ";", "\t", "|", "^")
#: Encodings tried for a csv, in order (utf-8 with a byte order mark is handled first).
ENCODINGS = ("utf-8", "cp1252")
SNIFF_BYTES = 64 * 1024
SAVE_AS_CSV_UTF8 = 'In Excel use File > Save As > "CSV UTF-8 (Comma delimited)" and upload that file'
#: A character of two to four bytes as UTF-8 writes it (its lead byte, then continuations).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
#: How many lines decoded another way a note quotes.
_EXAMPLES = 3


def sheet_name(file_name: str) -> str:
    """A csv's one sheet is named after the file."""
    return PurePath(file_name).stem or file_name


def parse_csv(
    data: bytes, file_name: str, *, delimiter: str | None = None, encoding: str | None = None
) -> tuple[pa.Table, list[str]]:
    """(the table, notes for the validation report); :class:`UserError` for what cannot be read.

    ``delimiter`` and ``encoding`` come from a mapping's ``[source]``; ``None`` = sniffed.
    """
    delimiter = check_delimiter(delimiter, file_name)
    encoding = check_encoding(encoding, file_name)
    body, notes = to_utf8(data, file_name, encoding)
    if not body.strip():
        raise UserError(
            f"{file_name}: the file is empty. Export the results again and upload the new file.",
            kind="file",
        )
    sample = body[:SNIFF_BYTES].decode("utf-8", errors="replace")
    if delimiter is None:
        delimiter = sniff_delimiter(sample)
    width = _first_row_width(body, sample, delimiter, file_name)  # (before: it says columns)
    _check_lines(body, file_name)
    table = _parse_arrow(body, delimiter, width)
    if table is None:
        table = _parse_python(body, delimiter, file_name)
    _check_fields(table, file_name)
    return table, notes


# ------------------------------------------------------------------------ source options


def check_delimiter(delimiter: object, file_name: str) -> str | None:
    """A mapping's delimiter: one character that is not a quote or a line break."""
    if delimiter is None:
        return None
    if (
        not isinstance(delimiter, str)
        or len(delimiter) != 1
        or delimiter in "\"\r\n"
        or not delimiter.isascii()
    ):
        raise UserError(
            f"{file_name}: the mapping's [source] delimiter is {delimiter!r}; it must be one "
            'character such as "," ";" "|" "^" or "\\t" (a tab). Fix it in the mapping.',
            kind="mapping",
        )
    return delimiter


def check_encoding(encoding: object, file_name: str) -> str | None:
    """A mapping's encoding as Python's codec name (``None`` = sniffed); a known text codec."""
    if encoding is None:
        return None
    name = None
    if isinstance(encoding, str) and encoding.strip():
        try:
            name = codecs.lookup(encoding.strip()).name
            with contextlib.suppress(UnicodeDecodeError):  # (UTF-16 cannot decode one byte)
                b"a".decode(name)  # LookupError for a codec of bytes to bytes (base64, zlib)
        except LookupError:
            name = None
        # a csv is never UTF-16/32 here (the checks refuse those bytes), nor these
        if name and (name.startswith(("utf-16", "utf-32")) or name in ("idna", "punycode")):
            name = None
    if name is None:
        raise UserError(
            f"{file_name}: the mapping's [source] encoding {encoding!r} is not one this app "
            "reads; write utf-8, utf-8-sig or cp1252 (or leave it out to have it detected).",
            kind="mapping",
        )
    return "utf-8" if name == "utf-8-sig" else name


# ------------------------------------------------------------------------------ encodings


def to_utf8(data: bytes, file_name: str, encoding: str | None) -> tuple[bytes, list[str]]:
    """The bytes as UTF-8 (a byte order mark dropped) and notes on lines decoded another way.

    Without an encoding (or with utf-8): UTF-8 when the whole file is; Windows-1252 when no
    line is UTF-8 beyond plain ASCII (an older Windows export); else line by line, with a note.
    Another encoding given: decoded with it, or refused naming the first line it cannot read.
    """
    if data.startswith(codecs.BOM_UTF8):  # the byte order mark says UTF-8, whatever was given
        data, encoding = data[3:], "utf-8"
    if encoding not in (None, "utf-8"):
        try:
            return data.decode(encoding).encode("utf-8"), []
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise UserError(
                f"{file_name}: line {line:,} is not {encoding} text as the mapping's [source] "
                f"encoding says. {SAVE_AS_CSV_UTF8}, or fix the encoding in the mapping.",
                kind="file",
            ) from None
    try:
        data.decode("utf-8")
        return data, []
    except UnicodeDecodeError:
        pass
    if not _UTF8_SEQUENCE.search(data):  # nothing that reads as UTF-8: a Windows export
        return _cp1252(data, file_name, 0), []
    lines = data.split(b"\n")
    utf8_lines = 0
    other: list[int] = []
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            other.append(i)
    if not utf8_lines:  # a Windows export: one encoding throughout
        return _cp1252(data, file_name, 0), []
    for i in other:
        lines[i] = _cp1252(lines[i], file_name, i).decode("utf-8").encode("utf-8")
    return b"\n".join(lines), [_mixed_note(lines, other)]


def _cp1252(data: bytes, file_name: str, first_line: int) -> bytes:
    try:
        return data.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + data.count(b"\n", 0, exc.start) + 1
        raise UserError(
            f"{file_name}: line {line:,} is in an encoding this app cannot read. {SAVE_AS_CSV_UTF8}.",
            kind="file",
        ) from None


def _mixed_note(lines: list[bytes], other: list[int]) -> str:
    """The report's note on lines read as Windows-1252, quoting the words that changed."""
    examples = []
    for i in other[:_EXAMPLES]:
        text = lines[i].decode("utf-8")
        words = [w for w in re.split(r"[\s,;\t|^\"]+", text) if not w.isascii()]
        examples.append(f"line {i + 1:,}: {' '.join(words[:3])[:60]!r}")
    more = f" and {len(other) - _EXAMPLES:,} more" if len(other) > _EXAMPLES else ""
    count = f"{len(other):,} line{'s' if len(other) != 1 else ''}"
    return (
        f"{count} of this UTF-8 file {'were' if len(other) != 1 else 'was'} in another encoding "
        f"and read as Windows-1252 ({'; '.join(examples)}{more}): check those names and text; "
        "saving the file again as CSV UTF-8 avoids this."
    )


# --------------------------------------------------------------------------------- limits


def _check_lines(body: bytes, file_name: str) -> None:
    """Refuse a line longer than ``MAX_LINE_BYTES``.

    Each window of ``limit + 1`` bytes from a line's start must hold a line break; the search
    goes on from the window's last one, so the file is scanned about once, in C (a file of
    nothing but line breaks has a line per byte: no loop per line, no list of them).
    """
    limit = config.MAX_LINE_BYTES
    start = 0  # the start of a line
    while len(body) - start > limit:
        found = body.rfind(b"\n", start, start + limit + 1)
        if found < 0:
            line = body.count(b"\n", 0, start) + 1
            raise UserError(
                f"{file_name}: line {line:,} is over {_size(limit)} long; collabplan reads "
                f"lines (rows) up to {_size(limit)}. Export only the students and columns you "
                "need, or open it in Excel, check each row holds one student and save it again.",
                kind="file",
            )
        start = found + 1


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{max(1, -(-n // 1024)):,} KB"
    return f"{n / (1024 * 1024):,.1f} MB"


def _too_wide(file_name: str, columns: int, row: int | None = None) -> UserError:
    where = f" (row {row:,})" if row and row > 1 else ""
    return UserError(
        f"{file_name} has {columns:,} columns{where}; collabplan reads up to "
        f"{config.MAX_COLUMNS:,}. Save only the sheet's results columns and upload again.",
        kind="file",
    )


def _first_row_width(body: bytes, sample: str, delimiter: str, file_name: str) -> int:
    """How many fields the first row has; refused when more than ``MAX_COLUMNS``.

    A first line over the line limit is counted by its delimiters when it has no quotes
    (then each one starts a field); else the line limit refuses it after.
    """
    end = body.find(b"\n")
    first = body if end < 0 else body[:end]
    delimiters = first.count(delimiter.encode())
    if delimiters < config.MAX_COLUMNS and 0 <= end < len(sample):
        text = sample  # (a quoted header cell may hold a line break)
    elif len(first) > config.MAX_LINE_BYTES:
        if delimiters >= config.MAX_COLUMNS and b'"' not in first:
            raise _too_wide(file_name, delimiters + 1)
        return 1  # the line limit refuses it
    else:
        text = first.decode("utf-8", errors="replace")
    row = next(_reader(io.StringIO(text), delimiter, file_name), [])
    if len(row) > config.MAX_COLUMNS:
        raise _too_wide(file_name, len(row))
    return max(len(row), 1)


def _reader(text: io.StringIO, delimiter: str, file_name: str):
    """csv rows, with csv's errors (a cell over the field limit, a NUL) as one UserError."""
    csv.field_size_limit(config.MAX_FIELD_BYTES)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _field_too_large(file_name, reader.line_num) from None
        raise UserError(
            f"{file_name}: line {reader.line_num:,} could not be read ({exc}). "
            f"{SAVE_AS_CSV_UTF8}.",
            kind="file",
        ) from None


def _field_too_large(file_name: str, line: int, column: int | None = None) -> UserError:
    where = f"line {line:,}" + (f", column {column + 1:,}," if column is not None else "")
    return UserError(
        f"{file_name}: a cell on {where} holds more than {_size(config.MAX_FIELD_BYTES)} of "
        "text; collabplan reads cells up to that size (an Excel cell holds at most 32,767 "
        "characters). Check the file's quotes (a cell may run on to the end of the file), "
        "or remove that text, and upload again.",
        kind="file",
    )


def _check_fields(table: pa.Table, file_name: str) -> None:
    """Refuse a cell over ``MAX_FIELD_BYTES``, naming its row (as a line: without line
    breaks in cells they are the same) and column."""
    found = oversized_cell(table)
    if found is not None:
        row, k = found
        raise _field_too_large(file_name, row + 1, k)


def oversized_cell(table: pa.Table | pa.RecordBatch) -> tuple[int, int] | None:
    """(row index, column index) of the first text cell over ``MAX_FIELD_BYTES``, or None.

    Only text columns are looked at, from their offsets buffer with numpy (a cell's length
    is the step between two offsets): pyarrow.compute would cost the child a fifth of a
    second to load.
    """
    import numpy as np
    import pyarrow as pa

    limit = config.MAX_FIELD_BYTES
    for k, col in enumerate(table.columns):
        if pa.types.is_string(col.type):
            width = np.int32
        elif pa.types.is_large_string(col.type):
            width = np.int64
        else:
            continue
        seen = 0
        for chunk in col.chunks if isinstance(col, pa.ChunkedArray) else [col]:
            offsets = chunk.buffers()[1]
            if offsets is not None and len(chunk):
                steps = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
                over = np.flatnonzero(np.diff(steps) > limit)
                if len(over):
                    return seen + int(over[0]), k
            seen += len(chunk)
    return None


def sniff_delimiter(sample: str) -> str:
    """The delimiter (comma, semicolon, tab, pipe or caret) that splits the sample most consistently."""
    lines = sample.splitlines()
    if len(lines) > 1 and len(sample) >= SNIFF_BYTES - 4:
        lines = lines[:-1]  # the last line of a cut sample may be partial
    best, best_score = ",", (0.0, 0)
    for delim in DELIMITERS:
        if delim not in sample:
            continue
        try:
            counts = [
                len(row)
                for row in csv.reader(io.StringIO("\n".join(lines[:200])), delimiter=delim)
                if row
            ]
        except csv.Error:
            continue
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        score = (counts.count(mode) / len(counts), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


# ---------------------------------------------------------------------------------- parse


def _parse_arrow(body: bytes, delimiter: str, width: int) -> pa.Table | None:
    """The fast path; ``None`` when rows have different numbers of fields (then Python's csv
    reads it)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    try:
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, block_size=8 << 20),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except pa.ArrowInvalid:
        return None
    if table.num_columns != width:
        return None
    return table.rename_columns([f"c{i}" for i in range(width)])


def _parse_python(body: bytes, delimiter: str, file_name: str) -> pa.Table:
    """A ragged csv (rows of different lengths), row by row within the limits."""
    import pyarrow as pa

    text = io.StringIO(body.decode("utf-8"), newline="")
    rows = []
    width = 0
    reader = _reader(text, delimiter, file_name)
    for number, row in enumerate(reader, start=1):
        if len(row) > width:
            width = len(row)
            if width > config.MAX_COLUMNS:
                raise _too_wide(file_name, width, number)
        rows.append(row)
    columns = [
        [(row[i] if i < len(row) and row[i] != "" else None) for row in rows] for i in range(width)
    ]
    return pa.table(
        [pa.array(c, pa.string()) for c in columns], names=[f"c{i}" for i in range(width)]
    )
