"""SQL fragments the normalising steps share: a typed or text cell as text, a score cell's
number; our own constants as an SQL list. Only fixed text and generated column names
go into these; values are always ``?`` parameters."""

from __future__ import annotations

import pyarrow as pa

#: True when ``\s+`` -> ' ' would change the text (a run of spaces, or a tab or line break;
#: RE2's ``\s`` is [\t\n\f\r ]): the regex replace then runs only on those few cells.
HAS_WHITESPACE_RUN = (
    "(contains({x}, '  ') OR contains({x}, chr(9)) OR contains({x}, chr(10))"
    " OR contains({x}, chr(12)) OR contains({x}, chr(13)))"
)

#: A score cell's number: "85", " 85 % ", "0.85" (the percent sign is looked at separately).
NUMBER_SQL = "TRY_CAST(replace(replace(trim({x}), '%', ''), ' ', '') AS DOUBLE)"

def balanced(op: str, terms: list[str], empty: str) -> str:
    """``terms`` joined by the associative ``op`` (``+``, ``OR``) as a balanced tree.

    ``a + b + c + …`` written out nests one level per term, and DuckDB refuses an expression
    more than 1,000 levels deep ("Max expression depth"): a file of 1,000 columns would fail.
    As a tree the depth is the logarithm of the count (14 for Excel's 16,384 columns).
    ``empty`` is the SQL for no terms.
    """
    if not terms:
        return empty
    while len(terms) > 1:
        pairs = [f"({a} {op} {b})" for a, b in zip(terms[::2], terms[1::2], strict=False)]
        terms = pairs + ([terms[-1]] if len(terms) % 2 else [])
    return terms[0]


def text_sql(col: str, t: pa.DataType) -> str:
    """SQL giving a cell of Arrow type ``t`` as text, as :func:`read.cell_text` writes it."""
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return col
    if pa.types.is_null(t):
        return "NULL::VARCHAR"
    if pa.types.is_floating(t):
        return (
            f"(CASE WHEN {col} = trunc({col}) AND abs({col}) < 1e15"
            f" THEN CAST(CAST({col} AS BIGINT) AS VARCHAR) ELSE CAST({col} AS VARCHAR) END)"
        )
    if pa.types.is_boolean(t):
        return f"(CASE WHEN {col} THEN 'TRUE' WHEN NOT {col} THEN 'FALSE' END)"
    if pa.types.is_timestamp(t):
        return (
            f"(CASE WHEN CAST({col} AS TIME) = TIME '00:00:00' THEN strftime({col}, '%Y-%m-%d')"
            f" WHEN CAST({col} AS DATE) IN (DATE '1899-12-30', DATE '1899-12-31')"
            f" THEN strftime({col}, '%H:%M:%S') ELSE strftime({col}, '%Y-%m-%dT%H:%M:%S') END)"
        )
    if pa.types.is_date(t):
        return f"strftime({col}, '%Y-%m-%d')"
    if pa.types.is_duration(t):
        secs = f"CAST(floor(epoch({col})) AS BIGINT)"
        return f"printf('%02d:%02d:%02d', {secs} // 3600, ({secs} % 3600) // 60, {secs} % 60)"
    return f"CAST({col} AS VARCHAR)"


def score_cell_sql(value: str, is_number: bool) -> tuple[str, str, str]:
    """SQL for a score cell's (raw text, number, has a percent sign) from ``value``: a typed
    number is its own number with no text; text is parsed."""
    if is_number:
        return "NULL::VARCHAR", value, "false"
    return value, NUMBER_SQL.format(x=value), f"contains(coalesce({value}, ''), '%')"


def out_of_sql(value: str) -> tuple[str, str]:
    """SQL for a points cell written "earned / possible" (``4 / 5``, ``13.5/15``, as Google
    Forms writes a quiz score): (the number earned, the points possible), both NULL for a cell
    without one slash between two numbers. A cheap ``contains`` guards the split."""
    parts = f"string_split(trim({value}), '/')"
    ok = f"(contains(coalesce({value}, ''), '/') AND len({parts}) = 2)"

    def side(i: int) -> str:
        return f"TRY_CAST(trim(list_extract({parts}, {i})) AS DOUBLE)"

    return (
        f"(CASE WHEN {ok} THEN {side(1)} END)",
        f"(CASE WHEN {ok} THEN {side(2)} END)",
    )


def sql_list(values: tuple[str, ...]) -> str:
    """A literal SQL list of our own constants (no user text)."""
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"
