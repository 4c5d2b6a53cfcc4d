"""Hidden control characters, removed once where text enters: every text cell and sheet name.

A NUL, BEL, vertical tab or C1 control in a cell is invisible on screen but breaks what
comes after: openpyxl refuses it (a workbook built from that name fails), a log line carries
it to a terminal, a copied name no longer matches. :func:`clean_sheets` removes them from
every text column of the raw sheets (names, ids, classes, teachers, skills, assessment names,
headers) before detection and normalising, and says how many cells it changed and where.
Tab, newline and carriage return stay (a cell may hold lines).

The common file has none, so the check is made on each column's raw UTF-8 bytes with numpy
(a pass over memory, no per-cell work); only a column that may hold one is cleaned, by
Arrow's RE2 regular expressions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collabplan.ingest.checks import column_letters
from collabplan.text import clean_text

#: What is removed (RE2 syntax, on UTF-8): C0 controls but tab, LF, CR; DEL; the C1 block;
#: the invisible marks :data:`collabplan.text.CONTROL_CHARACTERS` also removes (bidi
#: overrides and isolates, zero-width space, BOM, line and paragraph separators).
CONTROL_PATTERN = (
    r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\x{80}-\x{9F}"
    r"\x{200B}\x{200E}\x{200F}\x{2028}\x{2029}\x{202A}-\x{202E}\x{2066}-\x{2069}\x{FEFF}]"
)
#: How many places the report names before "and N more".
SHOWN = 5
_ALLOWED_C0 = np.zeros(256, dtype=bool)
_ALLOWED_C0[[9, 10, 13]] = True


@dataclass
class HiddenCharacters:
    """What :func:`clean_sheets` removed: the cells it changed and the first few places."""

    cells: int = 0
    names: int = 0  # sheet names (and the file name) cleaned
    #: (sheet number, row, column number, how the place is said) of changed cells, at most
    #: SHOWN per column: enough to name the first SHOWN in reading order
    _seen: list[tuple[int, int, int, str]] = field(default_factory=list, repr=False)

    @property
    def places(self) -> list[str]:
        """The first changed cells in reading order: "row 12, column B" (sheet first, in a book)."""
        return [said for *_order, said in sorted(self._seen)[:SHOWN]]

    def note(self) -> str | None:
        """The validation report's line, or None when nothing was removed."""
        if not self.cells and not self.names:
            return None
        parts = []
        if self.cells:
            more = self.cells - len(self.places)
            where = "; ".join(self.places) + (f"; and {more} more" if more > 0 else "")
            cells = "1 cell" if self.cells == 1 else f"{self.cells:,} cells"
            parts.append(f"{cells} had hidden control characters, removed: {where}")
        if self.names:
            parts.append("the file or sheet name had hidden control characters, removed")
        return ". ".join(parts)


def clean_sheets(sheets: list[Any], *, name_sheets: bool = False) -> tuple[list[Any], HiddenCharacters]:
    """The sheets with control characters removed from every text cell and sheet name.

    ``sheets`` are :class:`collabplan.ingest.read.RawSheet`; a sheet with nothing to remove is
    returned as it is. ``name_sheets``: places name their sheet (a workbook).
    """
    found = HiddenCharacters()
    out = []
    for number, sheet in enumerate(sheets):
        name = clean_text(sheet.name) if isinstance(sheet.name, str) else sheet.name
        if name == sheet.name:
            name = sheet.name
        else:
            found.names += 1
        table = _clean_table(sheet.table, (number, sheet), found, name_sheets, count=True)
        head = sheet.head
        if head is not None:
            head = _clean_table(head, (number, sheet), found, name_sheets, count=False)
        if name is sheet.name and table is sheet.table and head is sheet.head:
            out.append(sheet)
        else:
            out.append(dataclasses.replace(sheet, name=name, table=table, head=head))
    return out, found


def _clean_table(
    table: pa.Table, where: tuple[int, Any], found: HiddenCharacters, name_sheets: bool, *, count: bool
) -> pa.Table:
    for j, name in enumerate(table.column_names):
        col = table.column(j)
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            continue
        if not any(_may_hold_control(chunk) for chunk in col.chunks):
            continue
        hit = pc.match_substring_regex(col, CONTROL_PATTERN)
        changed = pc.sum(hit).as_py() or 0
        if not changed:
            continue
        table = table.set_column(j, name, pc.replace_substring_regex(col, CONTROL_PATTERN, ""))
        if count:  # the head repeats the table's first rows: counted once, from the table
            found.cells += changed
            number, sheet = where
            k = int(name[1:]) if name[1:].isdigit() else j
            rows = pc.indices_nonzero(pc.fill_null(hit, False)).slice(0, SHOWN).to_pylist()
            found._seen += [(number, i, k, _place(sheet, i, k, name_sheets)) for i in rows]
    return table


def _may_hold_control(chunk: pa.Array) -> bool:
    """False when no value of the chunk can hold a control character (a pass over its bytes).

    Looks at the whole data buffer (a slice may share a larger one: a false alarm at worst,
    settled by the regular expression).
    """
    data = chunk.buffers()[2] if len(chunk.buffers()) > 2 else None
    if data is None or data.size == 0:
        return False
    raw = np.frombuffer(data, dtype=np.uint8)
    # three plain passes; the rare bytes found are then looked at one by one
    if raw.min() < 32 and not _ALLOWED_C0[raw[raw < 32]].all():
        return True
    if raw.max() < 127:  # ASCII without DEL: the common file
        return False
    if (raw == 127).any():
        return True
    # C1 controls are U+0080-U+009F: the UTF-8 byte 0xC2 followed by 0x80-0x9F
    lead = np.flatnonzero(raw[:-1] == 0xC2)
    if lead.size and ((raw[lead + 1] >= 0x80) & (raw[lead + 1] <= 0x9F)).any():
        return True
    # the invisible marks U+2000-U+207F (0xE2 0x80/0x81 ...) and the BOM (0xEF 0xBB 0xBF);
    # a dash or a quote mark there is a false alarm, settled by the regular expression
    lead = np.flatnonzero(raw[:-1] == 0xE2)
    if lead.size and ((raw[lead + 1] == 0x80) | (raw[lead + 1] == 0x81)).any():
        return True
    lead = np.flatnonzero(raw[:-2] == 0xEF)
    return bool(lead.size and ((raw[lead + 1] == 0xBB) & (raw[lead + 2] == 0xBF)).any())


def _place(sheet: Any, i: int, k: int, name_sheets: bool) -> str:
    where = f"row {sheet.first_row + i}, column {column_letters(k + 1)}"
    return f"sheet {clean_text(sheet.name)!r}, {where}" if name_sheets else where
