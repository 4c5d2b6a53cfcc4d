"""Read an uploaded spreadsheet (xlsx or csv) into raw text cells.

Every cell comes back as text (``None`` for empty) in Arrow tables, so identifiers keep their
leading zeros and nothing is guessed here: the mapping decides what a cell means later.
Workbooks are parsed with fastexcel (calamine) in a child process with memory and time limits
(see :mod:`collabplan.ingest.safety`); csv files are parsed in this process with pyarrow (a
bounded, well-tested parser; the upload size limit applies) after the encoding and delimiter are
sniffed. Numbers come from fastexcel's text conversion, which rounds to about 9 decimals
("0.333333333"), as Excel shows them; a text cell reading "true" becomes "TRUE".
"""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass
from pathlib import PurePath

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from collabplan.ingest import safety
from collabplan.ingest.errors import IngestError

#: Delimiters tried when a csv does not say, in order of preference on a tie.
DELIMITERS = (",", ";", "\t", "|", "^")
#: Encodings tried for a csv, in order (utf-8 with a byte order mark is handled first).
ENCODINGS = ("utf-8", "cp1252")
_SNIFF_BYTES = 64 * 1024
_SAVE_AS_CSV_UTF8 = (
    'In Excel use File > Save As > "CSV UTF-8 (Comma delimited)" and upload that file'
)


@dataclass
class RawSheet:
    """One sheet of an upload, every cell as text.

    Row ``i`` of ``table`` is sheet row ``first_row + i`` (1-based, like Excel). Column ``cK`` is
    sheet column K (0 = A), so a workbook whose data starts in column B still has column B as
    ``c1`` (``c0`` is then all empty).
    """

    name: str
    table: pa.Table
    first_row: int = 1

    @property
    def last_row(self) -> int:
        """Sheet row number of the last table row."""
        return self.first_row + self.table.num_rows - 1


def read_upload(
    data: bytes,
    file_name: str,
    *,
    sheets: str | list[str] | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> list[RawSheet]:
    """Read an upload into raw sheets.

    ``sheets``: ``None`` = the first sheet (the first sheet with data when the first one is
    empty), ``"*"`` = every sheet that has data, a sheet name or a list of names. csv files have
    one sheet named after the file. Raises :class:`IngestError` for anything that cannot be read.
    """
    kwargs = {"sheets": sheets, "delimiter": delimiter, "encoding": encoding}
    if _pending:
        pending = _take_pending(data, file_name, kwargs)
        if pending is not None:
            return pending.wait()
    return _read(data, file_name, **kwargs)


def _read(
    data: bytes,
    file_name: str,
    *,
    sheets: str | list[str] | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> list[RawSheet]:
    kind = safety.check_upload(data, file_name)
    if kind == "xlsx":
        safety.prestart()  # the parser's process starts while the workbook is inspected
        return _read_xlsx(data, file_name, sheets)
    return [_read_csv(data, file_name, delimiter=delimiter, encoding=encoding)]


def read_arguments(mapping) -> dict:
    """The ``read_upload`` keywords an import with ``mapping`` uses (``None``: every sheet, to detect)."""
    if mapping is None:
        return {"sheets": "*"}
    return {"sheets": mapping.sheet, "delimiter": mapping.delimiter, "encoding": mapping.encoding}


class _Pending:
    """A read running in a background thread (see :func:`read_in_background`)."""

    def __init__(self, data: bytes, file_name: str, kwargs: dict) -> None:
        self.data, self.file_name, self.kwargs = data, file_name, kwargs
        self.result: list[RawSheet] | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="read-upload", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.result = _read(self.data, self.file_name, **self.kwargs)
        except BaseException as exc:  # handed to the caller of read_upload
            self.error = exc

    def matches(self, data: bytes, file_name: str, kwargs: dict) -> bool:
        return self.data is data and self.file_name == file_name and self.kwargs == kwargs

    def wait(self) -> list[RawSheet]:
        self.thread.join()
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


_pending: list[_Pending] = []
_pending_lock = threading.Lock()


def read_in_background(data: bytes, file_name: str, **kwargs) -> None:
    """Start ``read_upload(data, file_name, **kwargs)`` now, in a background thread.

    The command line calls this first thing, so the workbook is parsed (in its child process,
    on another core) while the database and the import code load. The next ``read_upload``
    of the same bytes object with the same arguments waits for this read instead of starting
    another; its errors are raised there.
    """
    kwargs = {"sheets": None, "delimiter": None, "encoding": None} | kwargs
    with _pending_lock:
        _pending.append(_Pending(data, file_name, kwargs))


def forget_background_reads() -> None:
    """Drop background reads nobody asked for (a duplicate file, or an import that failed)."""
    with _pending_lock:
        _pending.clear()


def _take_pending(data: bytes, file_name: str, kwargs: dict) -> _Pending | None:
    with _pending_lock:
        for i, pending in enumerate(_pending):
            if pending.matches(data, file_name, kwargs):
                return _pending.pop(i)
    return None


def sheet_names(data: bytes, file_name: str) -> list[str]:
    """The sheet names of an upload, cheaply (no cell is parsed); a csv has one, its file stem."""
    kind = safety.check_upload(data, file_name)
    if kind == "xlsx":
        return [name for name, _ in safety.workbook_sheets(data, file_name)]
    return [_csv_sheet_name(file_name)]


# ---------------------------------------------------------------------------------------- xlsx


def _read_xlsx(data: bytes, file_name: str, sheets: str | list[str] | None) -> list[RawSheet]:
    info = safety.inspect_workbook(data, file_name)
    names = [s.name for s in info.sheets]
    if not names:
        raise IngestError(
            f"{file_name}: the workbook has no sheets. Open it in Excel, check it holds your results, save and upload again."
        )
    if sheets is None:
        wanted: list[str] | None = None
    elif sheets == "*":
        wanted = names
    else:
        wanted = [sheets] if isinstance(sheets, str) else list(sheets)
        missing = [s for s in wanted if s not in names]
        if missing:
            raise IngestError(
                f"{file_name}: there is no sheet named {missing[0]!r} (its sheets are: {', '.join(names)})."
            )
    result = safety.parse_workbook(data, file_name, wanted, info=info)
    raw = [
        RawSheet(name, _tidy_xlsx_table(table, first_col), first_row)
        for name, table, first_row, first_col in result
    ]
    if sheets is None or sheets == "*":
        raw = [r for r in raw if r.table.num_rows]
        if not raw:
            raise IngestError(
                f"{file_name}: every sheet is empty. Open it in Excel, check it holds your results, save and upload again."
            )
        return raw[:1] if sheets is None else raw
    for r in raw:
        if not r.table.num_rows:
            raise IngestError(
                f"{file_name}: sheet {r.name!r} is empty. Choose the sheet that holds the results."
            )
    return raw


def _tidy_xlsx_table(table: pa.Table, first_col: int) -> pa.Table:
    """fastexcel's text cells -> the contract's: c0.. names, ISO dates, TRUE/FALSE, '' -> None."""
    columns = [pa.nulls(table.num_rows, pa.string())] * first_col
    columns += [_tidy_xlsx_column(col) for col in table.columns]
    return pa.table(columns, names=[f"c{i}" for i in range(len(columns))])


_DATETIME = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"
_BOOLS = pa.array(["true", "false"])
_NULL = pa.scalar(None, pa.string())


def _tidy_xlsx_column(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """One column of fastexcel text: each fix-up runs only when a cell of its length exists."""
    if col.type != pa.string():
        col = col.cast(pa.string())
    if col.null_count == len(col):
        return col
    lengths = pc.binary_length(col)
    # Dates arrive as "2025-10-14 00:00:00"; a time of day alone as "1899-12-31 09:05:00".
    if (
        pc.any(pc.equal(lengths, 19)).as_py()
        and pc.any(pc.match_substring_regex(col, _DATETIME)).as_py()
    ):
        col = pc.replace_substring_regex(col, r"^(\d{4}-\d\d-\d\d) 00:00:00$", r"\1")
        col = pc.replace_substring_regex(col, r"^1899-12-3[01] (\d\d:\d\d:\d\d)$", r"\1")
        col = pc.replace_substring_regex(col, r"^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)$", r"\1T\2")
    if pc.any(pc.is_in(lengths, value_set=pa.array([4, 5], lengths.type))).as_py():
        is_bool = pc.is_in(col, value_set=_BOOLS)
        if pc.any(is_bool).as_py():
            col = pc.if_else(is_bool, pc.utf8_upper(col), col)
    if pc.min_max(lengths)["min"].as_py() == 0:
        col = pc.if_else(pc.equal(lengths, 0), _NULL, col)
    return col


# ----------------------------------------------------------------------------------------- csv


def _csv_sheet_name(file_name: str) -> str:
    return PurePath(file_name).stem or file_name


def _read_csv(
    data: bytes, file_name: str, *, delimiter: str | None, encoding: str | None
) -> RawSheet:
    name = _csv_sheet_name(file_name)
    body, encoding = _csv_encoding(data, file_name, encoding)
    text_sample = body[:_SNIFF_BYTES].decode(encoding, errors="replace")
    if delimiter is None:
        delimiter = sniff_delimiter(text_sample)
    if not body.strip():
        raise IngestError(
            f"{file_name}: the file is empty. Export the results again and upload the new file."
        )
    table = _parse_csv_arrow(body, encoding, delimiter)
    if table is None:
        table = _parse_csv_python(body, encoding, delimiter)
    return RawSheet(name, table, 1)


def _csv_encoding(data: bytes, file_name: str, encoding: str | None) -> tuple[bytes, str]:
    """(bytes without a byte order mark, the encoding to decode them with)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "utf-8"
    if encoding:
        enc = encoding.lower().replace("_", "-")
        if enc in ("utf-8-sig", "utf8-sig"):
            return data, "utf-8"
        return data, enc
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return data, "cp1252"
    except UnicodeDecodeError:
        raise IngestError(
            f"{file_name}: the text is in an encoding this app cannot read. {_SAVE_AS_CSV_UTF8}."
        ) from None


def sniff_delimiter(sample: str) -> str:
    """The delimiter (comma, semicolon, tab, pipe or caret) that splits the sample most consistently."""
    lines = sample.splitlines()
    if len(lines) > 1 and len(sample) >= _SNIFF_BYTES - 4:
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


def _parse_csv_arrow(body: bytes, encoding: str, delimiter: str) -> pa.Table | None:
    """The fast path; ``None`` when rows have different numbers of fields (then Python's csv reads it)."""
    try:
        first = next(
            csv.reader(
                io.StringIO(body[:_SNIFF_BYTES].decode(encoding, errors="replace")),
                delimiter=delimiter,
            ),
            [],
        )
    except csv.Error:
        return None
    width = max(len(first), 1)
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(
                autogenerate_column_names=True, encoding=encoding, block_size=8 << 20
            ),
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


def _parse_csv_python(body: bytes, encoding: str, delimiter: str) -> pa.Table:
    text = body.decode(encoding)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    width = max((len(r) for r in rows), default=0)
    columns = [
        [(row[i] if i < len(row) and row[i] != "" else None) for row in rows] for i in range(width)
    ]
    return pa.table(
        [pa.array(c, pa.string()) for c in columns], names=[f"c{i}" for i in range(width)]
    )
