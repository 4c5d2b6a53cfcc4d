"""Dates as exports write them, read the same way for a whole column.

:func:`date_sql` is the SQL reading one cell's date: ISO (``2023-05-02 20:08:05.063``,
``2026/09/27 3:00:00 PM``), numbers with slashes, dashes or dots (``9/12/23 10:39``,
``09-03-2024``, ``14.10.2025``), month names (``16-Aug-22``, ``Oct 14, 2025``), Excel serials
(``45200``) and ``20231014``. Two-digit years 00-68 are 2000-2068, 69-99 are 1969-1999 (as
Python reads them). Whether ``03/04/2024`` is 3 April or 4 March is never decided cell by
cell: :func:`decide_date_order` looks at the whole mapped date column (a first number over 12
means day first, a second one over 12 month first); a column that cannot say is read with
``[source] date_format`` when given, else month first (US exports), with a warning naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from collabplan.ingest.mapping import SHEET_CLASS, Mapping, header_key

#: day/month/year written in numbers, with a time or nothing after it
NUMERIC_DMY = r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:$|[\sT,])"
#: year first: 2023-05-02, 2023/5/2 (and a time after it)
YEAR_FIRST = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[\sT,])"
#: a time of day: 10:39, 3:00:00 PM, 20:08:05.063
TIME = r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*([AaPp]\.?[Mm]\.?)?"
#: dates with a month name, tried in order
NAMED_FORMATS = (
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d-%B-%Y",
    "%d %b %y",
)
#: Excel's day 0 (its serials count days from here, 1900 leap-year bug included)
EXCEL_EPOCH = "DATE '1899-12-30'"


@dataclass(frozen=True)
class DateOrder:
    """How numeric dates of the mapped date column are read."""

    day_first: bool = False
    #: ``[source] date_format``, tried on each cell first when it agrees with the column
    fmt: str | None = None


def _int(x: str) -> str:
    return f"TRY_CAST({x} AS INTEGER)"


def _year(y: str) -> str:
    """SQL: a 2- or 4-digit year text as an integer year (00-68 -> 20xx, 69-99 -> 19xx)."""
    return (
        f"(CASE WHEN length({y}) = 2 THEN CASE WHEN {_int(y)} < 69 THEN 2000 ELSE 1900 END"
        f" + {_int(y)} ELSE {_int(y)} END)"
    )


def _make_date(y: str, m: str, d: str) -> str:
    """SQL: the date of year/month/day integers, NULL when there is no such day."""
    return f"TRY_CAST(printf('%04d-%02d-%02d', {y}, {m}, {d}) AS DATE)"


def date_sql(x: str, order: DateOrder | None = None, *, trimmed: bool = False) -> str:
    """SQL giving the DATE in the text expression ``x`` (NULL when it holds no date).

    ``x`` is evaluated several times: pass a column name, not a computed expression, and
    one trimmed already (``trimmed``) where it can be.
    """
    order = order or DateOrder()
    t = x if trimmed else f"trim({x})"
    a, b = (2, 1) if order.day_first else (1, 2)

    def num(pattern: str, group: int) -> str:
        return _int(f"regexp_extract({t}, '{pattern}', {group})")

    named = ", ".join("'" + f + "'" for f in NAMED_FORMATS)
    given = (
        f"try_strptime({t}, '{order.fmt.replace(chr(39), chr(39) * 2)}')::DATE, "
        if order.fmt
        else ""
    )
    two_or_four = f"regexp_extract({t}, '{NUMERIC_DMY}', 3)"
    # the usual shapes first, without regular expressions (coalesce reads on only for the
    # rows still without a date): ISO, then numbers with a 4- or 2-digit year
    md = ("%d", "%m") if order.day_first else ("%m", "%d")

    def formats(year: str) -> str:
        return ", ".join(f"'{md[0]}{c}{md[1]}{c}{year}'" for c in "/-.")

    first = f"split_part({t}, ' ', 1)"
    fast = f"""CASE WHEN substr({t}, 5, 1) = '-' AND substr({t}, 8, 1) = '-'
                    THEN TRY_CAST(left({t}, 10) AS DATE) END,
        CASE WHEN regexp_matches({t}, '^\\d{{1,2}}[-/.]\\d{{1,2}}[-/.]\\d{{4}}(?:$|[\\sT])')
             THEN try_strptime({first}, [{formats("%Y")}])::DATE
             WHEN regexp_matches({t}, '^\\d{{1,2}}[-/.]\\d{{1,2}}[-/.]\\d{{2}}(?:$|[\\sT])')
             THEN try_strptime({first}, [{formats("%y")}])::DATE END,"""
    return f"""(CASE WHEN {x} IS NULL OR {t} = '' THEN NULL ELSE coalesce({given}{fast}
        CASE WHEN regexp_matches({t}, '{YEAR_FIRST}')
             THEN {_make_date(num(YEAR_FIRST, 1), num(YEAR_FIRST, 2), num(YEAR_FIRST, 3))}
             WHEN regexp_matches({t}, '{NUMERIC_DMY}')
             THEN {_make_date(_year(two_or_four), num(NUMERIC_DMY, a), num(NUMERIC_DMY, b))}
             WHEN regexp_matches({t}, '^\\d{{8}}$') AND left({t}, 2) IN ('19', '20')
             THEN TRY_CAST(try_strptime({t}, '%Y%m%d') AS DATE)
             WHEN regexp_matches({t}, '^\\d{{1,7}}(\\.\\d+)?$')
                  AND TRY_CAST({t} AS DOUBLE) BETWEEN 1 AND 2958465
             THEN {EXCEL_EPOCH} + CAST(floor(TRY_CAST({t} AS DOUBLE)) AS INTEGER)
             WHEN regexp_matches({t}, '[A-Za-z]{{3}}')
             THEN try_strptime(regexp_replace({t}, '\\s+', ' ', 'g'), [{named}])::DATE
        END) END)"""


def seconds_sql(x: str, *, trimmed: bool = False) -> str:
    """SQL giving the time of day in the text ``x`` as seconds after midnight (0 when none);
    an Excel serial's fraction of a day counts too."""
    t = x if trimmed else f"trim({x})"

    def part(group: int) -> str:
        return f"regexp_extract({t}, '{TIME}', {group})"

    hour = _int(part(1))
    ap = f"upper(left({part(4)}, 1))"
    return f"""(CASE
            WHEN regexp_matches({t}, '^\\d{{1,7}}\\.\\d+$')
            THEN CAST(round((TRY_CAST({t} AS DOUBLE) % 1) * 86400) AS INTEGER)
            WHEN NOT regexp_matches({t}, '{TIME}') THEN 0
            ELSE ((CASE WHEN {ap} = 'P' THEN {hour} % 12 + 12
                        WHEN {ap} = 'A' THEN {hour} % 12 ELSE {hour} END) * 3600
                  + {_int(part(2))} * 60 + coalesce({_int(part(3))}, 0))
        END)"""


def format_day_first(fmt: str | None) -> bool | None:
    """Whether ``[source] date_format`` puts the day before the month (None: it does not say)."""
    if not fmt:
        return None
    d = min((fmt.find(c) for c in ("%d", "%e") if c in fmt), default=-1)
    m = min((fmt.find(c) for c in ("%m", "%b", "%B") if c in fmt), default=-1)
    if d < 0 or m < 0:
        return None
    return d < m


def decide_date_order(
    con: Any, mapping: Mapping, sheets: list[Any], where: str
) -> tuple[DateOrder | None, list[str]]:
    """How the mapped date column is read, from all its values, and warnings.

    ``sheets`` are the loaded :class:`~.sheets.SheetData`. None when the mapping has no date
    column. A value over 12 in the first place (and none in the second) means day first, and
    the other way round month first; otherwise ``[source] date_format`` says, else month
    first, with a warning when some value could be either.
    """
    header = mapping.columns.get("date")
    if not header or header == SHEET_CLASS:
        return None, []
    parts = []
    for sheet in sheets:
        j = sheet.layout.index.get(header_key(header))
        # (workbook date and number cells are never day-or-month questions)
        if j is not None and pa.types.is_string(sheet.types.get(f"c{j}", pa.string())):
            parts.append(f"SELECT {sheet.text(j)} AS v FROM {sheet.name}")  # noqa: S608 (generated names)
    fmt_day_first = format_day_first(mapping.date_format)
    if not parts:
        return DateOrder(bool(fmt_day_first), mapping.date_format), []
    first_big, second_big, either, example, dotted = con.execute(
        f"""SELECT coalesce(bool_or(a > 12 AND b <= 12), false),
                   coalesce(bool_or(b > 12 AND a <= 12), false),
                   count(*) FILTER (a <= 12 AND b <= 12 AND a <> b),
                   any_value(v) FILTER (a <= 12 AND b <= 12 AND a <> b),
                   coalesce(bool_and(regexp_matches(v, '^\\d+\\.\\d+\\.')), false)
            FROM (SELECT v, TRY_CAST(p.a AS INTEGER) AS a, TRY_CAST(p.b AS INTEGER) AS b
                  FROM (SELECT trim(v) AS v, regexp_extract(trim(v), '{NUMERIC_DMY}', ['a', 'b']) AS p
                        FROM ({" UNION ALL ".join(parts)}) WHERE regexp_matches(trim(v), '{NUMERIC_DMY}')))"""  # noqa: S608 (generated names, fixed patterns)
    ).fetchone()
    warnings: list[str] = []
    if first_big and not second_big:
        day_first = True
    elif second_big and not first_big:
        day_first = False
    else:
        if first_big and second_big:
            warnings.append(
                f"{where}: column {header!r} holds dates written day first and others month first;"
                + (
                    f" read as [source] date_format {mapping.date_format!r} says"
                    if fmt_day_first is not None
                    else " read month first: check the dates, or give [source] date_format"
                )
            )
        elif dotted and fmt_day_first is None:
            fmt_day_first = True  # 14.10.2025: dots are written day first
        elif either and fmt_day_first is None:
            warnings.append(
                f"{where}: column {header!r} does not show whether dates like {example!r} are"
                " day or month first; read month first (as US exports write them): if they are"
                ' day first, give [source] date_format = "%d/%m/%Y"'
            )
        day_first = bool(fmt_day_first)
    given = format_day_first(mapping.date_format)
    fmt = mapping.date_format if given in (None, day_first) else None
    return DateOrder(day_first, fmt), warnings

