"""Where each sheet's header, skill and points-possible rows are, and its data rows as an Arrow
table registered on the normaliser's connection."""

from __future__ import annotations

from collections.abc import Mapping as MappingType
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from collabplan.errors import UserError
from collabplan.ingest.checks import column_letters
from collabplan.ingest.headers import looks_like_number, top_rows
from collabplan.ingest.mapping import SHEET_CLASS, Mapping, header_key
from collabplan.ingest.normalise.job import Job
from collabplan.ingest.normalise.sql import text_sql
from collabplan.ingest.normalise.tables import SHEET_BATCH_ROWS
from collabplan.ingest.titles import TitleFields, title_fields


@dataclass(frozen=True)
class SheetLayout:
    """One sheet resolved against the mapping: where its header row and data are."""

    raw: Any  # the RawSheet read
    header_idx: int  # table row index of the header row
    headers: tuple[str | None, ...]  # header text per table column
    data_idx: int  # first table row index of data
    index: MappingType[str, int]  # header_key -> column number
    title: TitleFields = TitleFields()  # what title rows above the header row say
    #: sheet row number of each data row, when rows were rearranged (header_terms.py)
    row_numbers: Any = None


@dataclass(frozen=True)
class SheetData:
    """A resolved sheet's data rows, registered on the connection as ``name`` (``sheet_N``),
    with its columns ``cN``, ``_row`` (the sheet row) and ``_rid`` (a number for each source
    row across all sheets: cells and rows join on it, not on text)."""

    name: str
    layout: SheetLayout
    table: pa.Table
    types: MappingType[str, pa.DataType]  # Arrow type of each column

    def text(self, j: int) -> str:
        """SQL giving column ``j`` (typed or text) as text."""
        return text_sql(f"c{j}", self.types.get(f"c{j}", pa.string()))

    def is_number(self, j: int) -> bool:
        """Column ``j`` was read as typed numbers (a workbook's number column)."""
        t = self.types.get(f"c{j}", pa.string())
        return pa.types.is_floating(t) or pa.types.is_integer(t)


def wanted_headers(mapping: Mapping) -> list[str]:
    """The headers the mapping names that a header row must hold."""
    cols = mapping.columns
    wanted = [
        cols[r] for r in ("student_id", "student_name", "first_name", "last_name") if r in cols
    ]
    s = mapping.scores
    if s is not None and s.layout == "long":
        wanted += [s.skill, s.score]
    if s is not None and s.layout == "groups":
        wanted += [s.skill.replace("{n}", "1"), s.score.replace("{n}", "1")]
    return [w for w in wanted if w and w != SHEET_CLASS]


def resolve_sheets(job: Job, sheets: list[Any]) -> tuple[list[SheetLayout], list[str]]:
    """The layout of each sheet with data, and warnings for sheets of another layout.

    A single sheet that does not fit, or no sheet that does, is a UserError naming what to fix.
    """
    resolved: list[SheetLayout] = []
    warnings: list[str] = []
    for sheet in sheets:
        if sheet.table.num_rows == 0:
            continue
        layout = resolve_sheet(job.mapping, sheet)
        if layout is None:
            if len(sheets) > 1:
                text = f"{job.file_name}, sheet {sheet.name!r}: not in the mapped layout, skipped"
                if text not in warnings:
                    warnings.append(text)
                continue
            wanted = wanted_headers(job.mapping)
            if wanted:
                raise UserError(
                    f"{job.where(sheet.name)}: no row has the headers {', '.join(repr(w) for w in wanted)}"
                    " in the first rows; fix [columns] in the mapping or give [source] header_row"
                )
            raise UserError(
                f"{job.where(sheet.name)}: could not find the header row; give [source] header_row"
            )
        resolved.append(layout)
    if not resolved:
        raise UserError(
            f"{job.file_name}: no sheet has the mapped columns "
            f"({', '.join(wanted_headers(job.mapping))}); fix [columns] or [source] sheet in the mapping"
        )
    return resolved, warnings


def resolve_sheet(mapping: Mapping, sheet: Any) -> SheetLayout | None:
    """Find the header row of one sheet; None when the sheet lacks the mapped headers."""
    t = sheet.table
    top = top_rows(sheet)
    if mapping.header_row is not None:
        idx = mapping.header_row - sheet.first_row
        if idx < 0 or idx >= t.num_rows:
            return None
    else:
        wanted = {header_key(w) for w in wanted_headers(mapping)}
        idx = None
        for i, row in enumerate(top):
            keys = {header_key(c) for c in row if isinstance(c, str)}
            if wanted and wanted <= keys:
                idx = i
                break
        if idx is None:
            if wanted:
                return None
            # no named columns: the first row with the most text cells
            counts = [
                sum(1 for c in row if isinstance(c, str) and c and not looks_like_number(c))
                for row in top
            ]
            if not counts or max(counts) < 2:
                return None
            idx = counts.index(max(counts))
    header = sheet.text_rows(idx, idx + 1)[0]
    headers = tuple((v.strip() if isinstance(v, str) else v) for v in header)
    index: dict[str, int] = {}
    for j, h in enumerate(headers):
        if h:
            index.setdefault(header_key(h), j)
    extra = [r for r in (mapping.skill_row, mapping.max_row) if r is not None]
    data_idx = max([idx + 1] + [r - sheet.first_row + 1 for r in extra])
    return SheetLayout(sheet, idx, headers, data_idx, index, title_fields(top[:idx]))


def column(job: Job, layout: SheetLayout, header: str, key: str) -> int:
    """The column number of ``header``; UserError naming the mapping ``key`` when missing, or
    when several columns have that header (which one is meant cannot be told)."""
    j = layout.index.get(header_key(header))
    if j is not None:
        refuse_repeated_headers(job, layout, [(j, header)])
    if j is None:
        shown = ", ".join(h for h in layout.headers if h)[:200]
        raise UserError(
            f"{job.where(layout.raw.name)}: no column {header!r} in the header row "
            f"(row {layout.raw.first_row + layout.header_idx}: {shown}); fix {key} in the mapping"
        )
    return j


def refuse_repeated_headers(
    job: Job, layout: SheetLayout, picked: list[tuple[int, Any]], within: bool = False
) -> None:
    """Refuse columns the import reads whose header another column has too (``Q1,Q1,Q1``).

    ``picked``: (column, key) of the columns read. Without ``within`` a column's header is
    looked for in the whole header row; with it, only among ``picked``, whose key says what
    tells them apart (a score column's header and its skill from the skill row). Stored as
    one, their scores were silently mixed up; a teacher renames them once, and then the file
    reads the same every time.
    """
    if within:
        seen: dict[Any, list[int]] = {}
        for j, key in picked:
            seen.setdefault(key, []).append(j)
        groups = [cols for cols in seen.values() if len(cols) > 1]
    else:
        groups = []
        for j, _header in picked:
            key = header_key(layout.headers[j])
            cols = [k for k, h in enumerate(layout.headers) if h and header_key(h) == key]
            if len(cols) > 1:
                groups.append(cols)
    if not groups:
        return
    cols = groups[0]
    letters = [column_letters(k + 1) for k in cols]  # (column cK is sheet column K, 0 = A)
    shown = ", ".join(letters[:-1]) + f" and {letters[-1]}"
    others = f" ({len(groups) - 1:,} more headers are repeated too)" if len(groups) > 1 else ""
    header = layout.headers[cols[0]]
    every = "both" if len(cols) == 2 else "all"
    raise UserError(
        f"{job.where(layout.raw.name)}: columns {shown} {every} have the header {header!r}"
        f"{others}, so which is which cannot be told. Give each column its own header "
        f"(for example {header + ' a'!r} and {header + ' b'!r}) and upload again.",
        kind="file",
    )


def row_values(layout: SheetLayout, sheet_row: int | None) -> list[str | None] | None:
    """One sheet row as trimmed text (a skill or points-possible row); None for no row."""
    if sheet_row is None:
        return None
    raw = layout.raw
    i = sheet_row - raw.first_row
    if i < 0 or i >= raw.table.num_rows:
        return [None] * raw.table.num_columns
    return [(v.strip() if isinstance(v, str) else v) for v in raw.text_rows(i, i + 1)[0]]


def load_sheet(job: Job, layout: SheetLayout, n: int, first_rid: int) -> SheetData:
    """Register the sheet's data rows as ``sheet_n``, their rids from ``first_rid`` on."""
    raw = layout.raw
    data = raw.table.slice(layout.data_idx)
    first = raw.first_row + layout.data_idx
    rows = layout.row_numbers
    if rows is None:
        rows = np.arange(first, first + data.num_rows, dtype=np.int64)
    data = data.append_column("_row", pa.array(rows))
    data = data.append_column(
        "_rid", pa.array(np.arange(first_rid, first_rid + data.num_rows, dtype=np.int32))
    )
    # DuckDB scans an Arrow table a batch per thread: a sheet read as one big batch
    # would be reshaped by one thread (zero-copy slices)
    data = pa.Table.from_batches(data.to_batches(max_chunksize=SHEET_BATCH_ROWS), data.schema)
    name = f"sheet_{n}"
    job.con.register(name, data)
    return SheetData(name, layout, data, {f.name: f.type for f in data.schema})
