"""The mapping's free tables whose keys are the team's own names: ``[terms]`` (testing windows
by the calendar) and ``[benchmarks]`` (a level from a score by cut scores per grade and window).

Kept apart from :mod:`collabplan.ingest.mapping` so the format module stays readable; both are
parsed with the same ``bad(key, why)`` error maker, so every mistake is one
:class:`~collabplan.errors.UserError` line naming the key.
"""

from __future__ import annotations

import re
from typing import Any

from collabplan.text import count

#: Days in each month (February with the 29th: a window is a span of the calendar year)
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_DAY = re.compile(r"^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$")
_TERMS_HELP = (
    'write [first, last] as months 1-12 or "MM-DD" days, '
    'e.g. Fall = [8, 11] or Fall = ["08-01", "11-15"]'
)

#: A window end: (month, day); a whole month's end is day 31 (later than any day of it)
Day = tuple[int, int]


def terms_from(body: dict[str, Any], bad) -> dict[str, tuple[int | str, int | str]]:
    """``[terms]``: term name -> (first, last) as written: a month 1-12 (the whole month) or a
    ``"MM-DD"`` day. A window may wrap the year (Winter = ["11-16", "03-01"]); two windows may
    not share a day. Errors name the term and say how to write it."""
    out: dict[str, tuple[int | str, int | str]] = {}
    taken: dict[Day, str] = {}
    for name, window in body.items():
        label = str(name).strip()
        if not label:
            raise bad("[terms]", "needs a name for each window, e.g. Fall = [8, 11]")
        if not isinstance(window, list) or len(window) != 2:
            raise bad(f"[terms] {name}", f"must be [first, last]; {_TERMS_HELP}")
        first = _bound(window[0], start=True, name=name, bad=bad)
        last = _bound(window[1], start=False, name=name, bad=bad)
        for day in window_days(first, last):
            if day in taken:
                raise bad(
                    f"[terms] {name}", f"overlaps {taken[day]} ({say_day(day)} is in both)"
                )
            taken[day] = label
        out[label] = (window[0], window[1])
    return out


def term_bounds(first: int | str, last: int | str) -> tuple[Day, Day]:
    """A window's first and last day as (month, day); a month means the whole month."""
    return _as_day(first, start=True), _as_day(last, start=False)


def window_days(first: Day, last: Day) -> list[Day]:
    """Every day of the window, in order (February 29 included), wrapping the year."""
    days = [(m + 1, d + 1) for m in range(12) for d in range(_MONTH_DAYS[m])]
    i = days.index(first)
    j = days.index(min(last, (last[0], _MONTH_DAYS[last[0] - 1])))
    span = (j - i) % len(days)
    return [days[(i + k) % len(days)] for k in range(span + 1)]


def say_day(day: Day) -> str:
    """"November 16"."""
    return f"{_MONTHS[day[0] - 1]} {day[1]}"


def _as_day(value: int | str, *, start: bool) -> Day:
    if isinstance(value, int):
        return (value, 1) if start else (value, _MONTH_DAYS[value - 1])
    m = _DAY.match(value)
    assert m is not None  # checked by _bound
    return int(m.group(1)), int(m.group(2))


def _bound(value: Any, *, start: bool, name: str, bad) -> Day:
    which = "first" if start else "last"
    if isinstance(value, int) and not isinstance(value, bool):
        if 1 <= value <= 12:
            return _as_day(value, start=start)
        raise bad(f"[terms] {name}", f"{which} month {value} is not a month 1-12; {_TERMS_HELP}")
    if isinstance(value, str):
        m = _DAY.match(value)
        if m is None:
            raise bad(f"[terms] {name}", f'{which} day "{value}" is not "MM-DD"; {_TERMS_HELP}')
        month, day = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise bad(
                f"[terms] {name}", f'"{value}": month {month} is not a month 1-12; {_TERMS_HELP}'
            )
        if not 1 <= day <= _MONTH_DAYS[month - 1]:
            raise bad(
                f"[terms] {name}",
                f'"{value}": {_MONTHS[month - 1]} has no day {day}; {_TERMS_HELP}',
            )
        return month, day
    raise bad(f"[terms] {name}", f"must be [first, last]; {_TERMS_HELP}")


def benchmarks_from(
    body: dict[str, Any], levels: list[str], bad
) -> dict[str, dict[str, list[float]]]:
    """``[benchmarks]``: skill -> {"<grade> <window>" -> cut scores}, one cut per level above
    the lowest (the lowest score of that level), increasing. Keys are kept as written; they are
    compared by :func:`benchmark_key`."""
    if body and not levels:
        raise bad(
            "[benchmarks]",
            'needs [scores] levels, lowest first (e.g. ["Well Below Benchmark", '
            '"Below Benchmark", "At or Above Benchmark"]): the cut scores name those levels',
        )
    out: dict[str, dict[str, list[float]]] = {}
    for skill, table in body.items():
        if not str(skill).strip():
            raise bad("[benchmarks]", "needs the skill's name for each table")
        if not isinstance(table, dict) or not table:
            raise bad(
                f"[benchmarks] {skill}",
                'must be a table of "<grade> <window>" = [cut scores], '
                'e.g. [benchmarks."Reading Composite"] "K beginning" = [13, 26]',
            )
        cuts_by: dict[str, list[float]] = {}
        seen: dict[str, str] = {}
        for key, cuts in table.items():
            where = f'[benchmarks] {skill} "{key}"'
            norm = benchmark_key(str(key))
            if len(norm.split(" ")) < 2:
                raise bad(where, 'must name a grade and a window, e.g. "K beginning", "3 middle"')
            if norm in seen:
                raise bad(where, f'is the same grade and window as "{seen[norm]}"')
            seen[norm] = str(key)
            ok = (
                isinstance(cuts, list)
                and len(cuts) == len(levels) - 1
                and all(isinstance(c, int | float) and not isinstance(c, bool) for c in cuts)
            )
            if not ok:
                raise bad(
                    where,
                    f"must list {count(len(levels) - 1, 'cut score')}, the lowest score of each level "
                    f"above {levels[0]!r} ({', '.join(repr(lv) for lv in levels[1:])})",
                )
            if any(b <= a for a, b in zip(cuts, cuts[1:], strict=False)):
                raise bad(where, f"cut scores must go up, level by level (not {cuts})")
            cuts_by[str(key)] = [float(c) for c in cuts]
        out[str(skill).strip()] = cuts_by
    return out


def benchmark_key(text: str) -> str:
    """How a "<grade> <window>" key is compared: lower case, single spaces, a grade's leading
    zeros dropped and kindergarten spelled "k" ("KG beginning" -> "k beginning", "03 end" ->
    "3 end")."""
    words = text.strip().lower().replace("_", " ").split()
    if not words:
        return ""
    grade = words[0]
    if grade in ("kg", "kindergarten", "0", "00"):
        grade = "k"
    elif grade.isdigit():
        grade = str(int(grade))
    return " ".join([grade, *words[1:]])


def level_for(score: float, cuts: list[float], levels: list[str]) -> str:
    """The level a score reaches: the highest whose cut it meets (the lowest level below all)."""
    reached = sum(1 for c in cuts if score >= c - 1e-9)
    return levels[reached]


#: ``[scores.placement]`` band keys besides "<n> below": where a placement stands against the
#: student's grade
PLACEMENT_BANDS = ("above", "late", "mid", "early", "on")
_BELOW = re.compile(r"^(\d{1,2}) below$")


def placement_from(body: Any, levels: list[str], bad) -> dict[str, str]:
    """``[scores.placement]``: band ("above", "late", "mid", "early", "on", "<n> below") or a
    cell's literal text ("Tested Out") -> the level it reads as (one of ``levels``)."""
    if not isinstance(body, dict) or not body:
        raise bad(
            "[scores] placement",
            'must be a table of bands, e.g. {early = "Early On Grade Level", '
            '"1 below" = "1 Grade Level Below"}',
        )
    if not levels:
        raise bad("[scores] placement", "needs [scores] levels, the levels the bands read as")
    known = {lv.lower(): lv for lv in levels}
    out: dict[str, str] = {}
    for key, level in body.items():
        band = " ".join(str(key).lower().split())
        if not band:
            raise bad("[scores] placement", "needs a band or a cell's text for each level")
        if not isinstance(level, str) or level.strip().lower() not in known:
            raise bad(f"[scores] placement {key}", f"must be one of the levels {levels}, not {level!r}")
        m = _BELOW.match(band)
        if m is not None and int(m.group(1)) < 1:
            raise bad(f"[scores] placement {key}", 'counts grades below from 1, e.g. "1 below"')
        out[band] = known[level.strip().lower()]
    return out


def is_band(key: str) -> bool:
    """A ``[scores.placement]`` key naming a band, not a cell's text."""
    return key in PLACEMENT_BANDS or _BELOW.match(key) is not None


def grade_number(text: str | None) -> int | None:
    """A grade as a number, kindergarten 0: "K", "KG", "Kindergarten", "0", "05" -> 5."""
    if text is None:
        return None
    t = text.strip().lower()
    if t in ("k", "kg", "kindergarten"):
        return 0
    return int(t) if t.isdigit() else None


_PLACEMENT = re.compile(r"^(?:(early|mid|late)|level|grade)?\s*(k|kg|\d{1,2})$", re.I)


def placement_band(cell: str, grade: int, table: dict[str, str]) -> str | None:
    """The level a placement cell reads as for a student in ``grade``: its literal text in
    ``table``, else its band ("Early 3" for grade 3 -> "early", "Level 6" for grade 8 -> "2
    below", the largest "<n> below" given standing for n or more); None when the cell is not a
    placement or its band is not in the table."""
    text = " ".join(cell.split()).lower()
    if text in table and not is_band(text):
        return table[text]
    m = _PLACEMENT.match(text)
    if m is None:
        return None
    placed = grade_number(m.group(2))
    assert placed is not None
    if placed > grade:
        band = "above"
    elif placed == grade:
        band = (m.group(1) or "on").lower()
    else:
        below = [int(b.group(1)) for k in table if (b := _BELOW.match(k))]
        n = grade - placed
        if below and n > max(below):
            n = max(below)
        band = f"{n} below"
    return table.get(band)
