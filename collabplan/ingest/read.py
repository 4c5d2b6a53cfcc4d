"""Read an uploaded spreadsheet (xlsx or csv) into Arrow tables of raw cells.

Nothing is guessed here: the mapping decides what a cell means later. A csv comes back as text
(``None`` for empty), so identifiers keep their leading zeros. A workbook comes back typed, as
Excel stores it (numbers, dates, booleans, text), which is much faster to read; its top
``HEAD_ROWS`` rows are also given as text (``RawSheet.head``) exactly as Excel shows them, so
headers, titles and the first rows read the same as a csv. :meth:`RawSheet.text_rows` gives any
rows as text (:func:`cell_text` formats a typed cell).

Every upload is checked (:mod:`collabplan.ingest.checks`) and parsed in one guarded child
process with memory, time, column, line and cell limits (:mod:`collabplan.ingest.parser`):
workbooks with fastexcel (calamine), csv files with pyarrow after the encoding (line by line
when it is mixed) and delimiter are sniffed (:mod:`collabplan.ingest.csvparse`). In the head, numbers come from fastexcel's text conversion, which rounds to about 9
decimals ("0.333333333"), as Excel shows them; a text cell reading "true" becomes "TRUE".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from collabplan.errors import UserError
from collabplan.ingest import parser
from collabplan.ingest.checks import check_upload, inspect_workbook, workbook_sheets
from collabplan.ingest.csvparse import (
    DELIMITERS,
    ENCODINGS,
    check_delimiter,
    check_encoding,
    sheet_name,
    sniff_delimiter,
)
from collabplan.ingest.sheetxml import HEAD_ROWS

if TYPE_CHECKING:
    import pyarrow as pa

# pyarrow is imported where it is used, not here: the command line imports this module first
# thing, and a csv or a bad file needs none of it.

__all__ = ["DELIMITERS", "ENCODINGS", "RawSheet", "read_upload", "sheet_names", "sniff_delimiter"]


@dataclass
class RawSheet:
    """One sheet of an upload.

    Row ``i`` of ``table`` is sheet row ``first_row + i`` (1-based, like Excel). Column ``cK`` is
    sheet column K (0 = A), so a workbook whose data starts in column B still has column B as
    ``c1`` (``c0`` is then all empty). Columns are text (string) or, for a workbook, typed:
    double, int64, bool, timestamp, date32, duration or null.

    ``head`` (workbooks; all text, the same columns as ``table``) holds the first
    ``head.num_rows`` rows as Excel shows them; for those rows it is the text to use (the typed
    ``table`` may hold nulls there).

    ``notes`` (csv): what the validation report says about how it was read (lines decoded
    as Windows-1252 in a UTF-8 file).
    """

    name: str
    table: pa.Table
    first_row: int = 1
    head: pa.Table | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def last_row(self) -> int:
        """Sheet row number of the last table row."""
        return self.first_row + self.table.num_rows - 1

    def text_rows(self, start: int = 0, stop: int | None = None) -> list[list[str | None]]:
        """Table rows ``start:stop`` as text: the head where it covers them, else :func:`cell_text`."""
        total = self.table.num_rows
        stop = total if stop is None else max(0, min(stop, total))
        start = max(0, start)
        names = self.table.column_names
        rows: list[list[str | None]] = []
        covered = min(self.head.num_rows if self.head is not None else 0, stop)
        for source, lo, hi in (
            (self.head, start, covered),
            (self.table, max(start, covered), stop),
        ):
            if lo >= hi:
                continue
            part = source.slice(lo, hi - lo)
            present = set(part.column_names)
            columns = [
                [cell_text(v) for v in part.column(name).to_pylist()]
                if name in present
                else [None] * (hi - lo)
                for name in names
            ]
            rows.extend(
                [list(r) for r in zip(*columns, strict=True)] if columns else [[]] * (hi - lo)
            )
        return rows


def cell_text(value) -> str | None:
    """A cell as text, by the same rules the normaliser applies to typed columns.

    None -> None; text as is ("" -> None); booleans "TRUE"/"FALSE"; whole numbers without a
    decimal point (below 1e15), other numbers by ``repr``; a date-time at midnight as its date,
    a time of day alone (Excel's day 0, 1899-12-30/31) as "HH:MM:SS", other date-times as
    "YYYY-MM-DDTHH:MM:SS"; dates ISO; durations "HH:MM:SS".
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        if value.year == 1899 and value.month == 12 and value.day in (30, 31):
            return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
        return value.replace(microsecond=0, tzinfo=None).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    if isinstance(value, datetime.timedelta):
        seconds = int(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        return f"{sign}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return str(value)


def read_upload(
    data: bytes,
    file_name: str,
    *,
    sheets: str | list[str] | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    job: parser.Job | None = None,
) -> list[RawSheet]:
    """Read an upload into raw sheets.

    ``sheets``: ``None`` = the first sheet (the first sheet with data when the first one is
    empty), ``"*"`` = every sheet that has data, a sheet name or a list of names. csv files have
    one sheet named after the file. Raises :class:`UserError` for anything that cannot be read.

    ``delimiter`` and ``encoding`` (a csv; ``None`` = sniffed) are a mapping's ``[source]``.

    ``job``: this upload's parse, started earlier with :func:`parser.start` (so it ran while
    the caller did other work); used when it was started for the same options, and closed
    here in any case.
    """
    try:
        kind = check_upload(data, file_name)
        if job is not None and not job.reads(kind == "xlsx", sheets, delimiter, encoding):
            job.close()  # started for other options: not this read's
            job = None
        if kind == "csv":
            check_delimiter(delimiter, file_name)
            check_encoding(encoding, file_name)
        if job is None:  # the child starts now and parses while this process checks the workbook
            job = parser.start(data, file_name, sheets, delimiter=delimiter, encoding=encoding)
        if kind == "csv":
            return [_read_csv(job)]
        return _read_xlsx(data, file_name, sheets, job)
    finally:
        if job is not None:
            job.close()


def read_arguments(mapping) -> dict:
    """The ``read_upload`` keywords an import with ``mapping`` uses (``None``: every sheet, to detect)."""
    if mapping is None:
        return {"sheets": "*"}
    return {"sheets": mapping.sheet, "delimiter": mapping.delimiter, "encoding": mapping.encoding}


def sheet_names(data: bytes, file_name: str) -> list[str]:
    """The sheet names of an upload, cheaply (no cell is parsed); a csv has one, its file stem."""
    kind = check_upload(data, file_name)
    if kind == "xlsx":
        return [name for name, _ in workbook_sheets(data, file_name)]
    return [sheet_name(file_name)]


# ---------------------------------------------------------------------------------------- xlsx


def _read_xlsx(
    data: bytes, file_name: str, sheets: str | list[str] | None, job: parser.Job
) -> list[RawSheet]:
    info = inspect_workbook(data, file_name)
    names = [s.name for s in info.sheets]
    if not names:
        raise UserError(
            f"{file_name}: the workbook has no sheets. Open it in Excel, check it holds your results, save and upload again."
        )
    if sheets is not None and sheets != "*":
        wanted = [sheets] if isinstance(sheets, str) else list(sheets)
        missing = [s for s in wanted if s not in names]
        if missing:
            raise UserError(
                f"{file_name}: there is no sheet named {missing[0]!r} (its sheets are: {', '.join(names)})."
            )
    import pyarrow.compute  # noqa: F401  (for the tidying below, loaded while the child parses)

    parsed = job.result()
    raw = [_sheet_from_parsed(p) for p in parsed]
    if sheets is None or sheets == "*":
        raw = [r for r in raw if r.table.num_rows]
        if not raw:
            raise UserError(
                f"{file_name}: every sheet is empty. Open it in Excel, check it holds your results, save and upload again."
            )
        return raw[:1] if sheets is None else raw
    for r in raw:
        if not r.table.num_rows:
            raise UserError(
                f"{file_name}: sheet {r.name!r} is empty. Choose the sheet that holds the results."
            )
    return raw


def _sheet_from_parsed(parsed: parser.ParsedSheet) -> RawSheet:
    """The child's head (text of rows 1 …) and body (typed rows 2 …) -> one :class:`RawSheet`.

    ``first_row`` is the first row holding a value, as calamine starts a sheet's range there.
    ``table`` = an empty row standing for row 1 + the body, from ``first_row`` on; ``head`` the
    text of its first rows. Both get the same ``cK`` columns.
    """
    import pyarrow as pa

    head, body = parsed.head, parsed.body
    first = _first_filled(head)
    if first is None:  # nothing in the cut copy (should not happen): the body says
        first = _first_filled(body) if body is not None else None
        if first is None:
            return RawSheet(parsed.name, pa.table({}), 1)
        first += 1  # body row 0 is sheet row 2
    first_row = first + 1
    width = 1 + max(_last_column(head), _last_column(body) if body is not None else -1)
    table = _padded(body if body is not None else pa.table({}), width, pa.null())
    if first_row == 1:
        blank = pa.table([pa.nulls(1, t) for t in table.schema.types], schema=table.schema)
        table = pa.concat_tables([blank, table])
    else:
        table = table.slice(first_row - 2)
    table = pa.table(
        [tidy_xlsx_column(c) if c.type == pa.string() else c for c in table.columns],
        names=table.column_names,
    )
    head = _padded(head.slice(first_row - 1, HEAD_ROWS), width, pa.string())
    head = pa.table([tidy_xlsx_column(c) for c in head.columns], names=head.column_names)
    return RawSheet(parsed.name, table, first_row, head)


def _first_filled(table: pa.Table) -> int | None:
    """Index of the first row with any cell that is not null."""
    import pyarrow.compute as pc

    if not table.num_columns or not table.num_rows:
        return None
    filled = pc.is_valid(table.column(0))
    for col in table.columns[1:]:
        filled = pc.or_(filled, pc.is_valid(col))
    found = pc.indices_nonzero(filled.combine_chunks())  # (pc.index would import pandas)
    return found[0].as_py() if len(found) else None


def _last_column(table: pa.Table) -> int:
    return max((int(n[1:]) for n in table.column_names), default=-1)


def _padded(table: pa.Table, width: int, empty: pa.DataType) -> pa.Table:
    """Columns c0 … c{width-1}: the table's own by name, the others all null of type ``empty``."""
    import pyarrow as pa

    present = dict(zip(table.column_names, table.columns, strict=True))
    rows = table.num_rows
    columns = [present.get(f"c{k}") for k in range(width)]
    columns = [c if c is not None else pa.nulls(rows, empty) for c in columns]
    return pa.table(columns, names=[f"c{k}" for k in range(width)])


_DATETIME = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"


def tidy_xlsx_column(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """One column of fastexcel text: each fix-up runs only when a cell of its length exists.

    (No Python value is turned into an Arrow one here: pyarrow imports pandas the first time it
    converts one, which costs more than reading a small workbook.)
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if col.type != pa.string():
        col = col.cast(pa.string())
    if col.null_count == len(col):
        return col
    lengths = pc.binary_length(col)
    span = pc.min_max(lengths)
    shortest, longest = span["min"].as_py(), span["max"].as_py()
    # Dates arrive as "2025-10-14 00:00:00"; a time of day alone as "1899-12-31 09:05:00".
    if shortest <= 19 <= longest and pc.any(pc.match_substring_regex(col, _DATETIME)).as_py():
        col = pc.replace_substring_regex(col, r"^(\d{4}-\d\d-\d\d) 00:00:00$", r"\1")
        col = pc.replace_substring_regex(col, r"^1899-12-3[01] (\d\d:\d\d:\d\d)$", r"\1")
        col = pc.replace_substring_regex(col, r"^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)$", r"\1T\2")
    if shortest <= 5 and longest >= 4:
        is_bool = pc.match_substring_regex(col, "^(?:true|false)$")
        if pc.any(is_bool).as_py():
            col = pc.if_else(is_bool, pc.utf8_upper(col), col)
    if shortest == 0:
        col = pc.if_else(pc.cast(lengths, pa.bool_()), col, pa.nulls(1, pa.string())[0])
    return col


def _read_csv(job: parser.Job) -> RawSheet:
    """The child's one table of text (every cell a string, ``None`` for empty) as a sheet."""
    (parsed,) = job.result()
    return RawSheet(parsed.name, parsed.head, 1, notes=list(parsed.notes))
