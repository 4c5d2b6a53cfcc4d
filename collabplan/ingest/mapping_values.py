"""Checks of one mapping value each, and the list of mistakes they add to (section 5).

Each ``check_*`` takes a value from the parsed TOML and ``bad`` (``Problems.bad``) and returns
the value to keep or raises the one-line :class:`UserError` naming the key and what to write
instead; :class:`Problems` gathers every mistake of a mapping so they are reported together.
"""

from __future__ import annotations

import codecs
import difflib
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from collabplan.errors import UserError
from collabplan.text import clean_text


def check_max(value: Any, bad) -> float | dict[str, float] | str | None:
    """``[scores] max``: a finite number over 0, a table {column = such a number}, or a header."""
    shape = "must be a number over 0 (e.g. 4), a table {column = number} or a column header"
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | dict):
        raise bad("[scores] max", shape)
    if isinstance(value, str):
        if not value.strip():
            raise bad("[scores] max", shape)
        return value
    if isinstance(value, dict):
        table: dict[str, float] = {}
        for column, points in value.items():
            if isinstance(points, bool) or not isinstance(points, int | float):
                raise bad("[scores] max", f"table values must be numbers, e.g. {{Q1 = 2}} (not {column} = {points!r})")
            if not math.isfinite(points) or points < 0:  # 0: a column worth no points (not scored)
                raise bad("[scores] max", f"{column} must be 0 or more, e.g. {{{column} = 2}} (not {points})")
            table[str(column)] = float(points)
        return table
    if not math.isfinite(value) or value <= 0:
        raise bad("[scores] max", f"must be a number over 0, e.g. max = 4 (not {value})")
    return float(value)


def check_proficient(value: Any, bad) -> float | str | None:
    """``[scores] proficient``: a fraction 0-1 (a number over 1 is a percent: 80 = 0.8) or a
    level name. A cut outside 0-100 %, or not a number, would silently make everyone (or no
    one) proficient, so it is refused."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            raise bad("[scores] proficient", 'must be a fraction like 0.8 or a level name in quotes')
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad("[scores] proficient", "must be a fraction like 0.8 or a level name")
    if not math.isfinite(value) or value < 0 or value > 100:
        raise bad(
            "[scores] proficient",
            f"must be a cut between 0 and 1, e.g. proficient = 0.8 (80 also means 80%), not {value}",
        )
    return float(value) / 100.0 if value > 1 else float(value)  # "80" means 80%


#: Characters a csv delimiter cannot be: they end a line or quote a field.
_NOT_DELIMITERS = {"\n", "\r", '"'}


def check_delimiter(value: Any, bad) -> str | None:
    """``[source] delimiter``: one character that separates fields."""
    if value is None:
        return None
    if isinstance(value, str) and value == "\\t":  # a tab written as two characters
        return "\t"
    if not isinstance(value, str) or len(value) != 1 or value in _NOT_DELIMITERS:
        raise bad(
            "[source] delimiter",
            f'must be one character, e.g. delimiter = ";" or "\\t" for a tab (not {value!r})',
        )
    return value


#: The encodings offered by name in messages; any text encoding Python knows is accepted.
COMMON_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")


def check_encoding(value: Any, bad) -> str | None:
    """``[source] encoding``: a text encoding Python knows (``codecs.lookup``)."""
    if value is None:
        return None
    suggest = ", ".join(f'"{e}"' for e in COMMON_ENCODINGS)
    if not isinstance(value, str) or not value.strip():
        raise bad("[source] encoding", f"must be an encoding name such as {suggest}")
    try:
        codecs.lookup(value.strip())
        "a".encode(value.strip())  # refuses codecs that are not text encodings (rot13, base64)
    except UnicodeError:
        pass
    except LookupError:
        raise bad(
            "[source] encoding", f"{value!r} is not a text encoding collabplan knows; write {suggest}"
        ) from None
    return value.strip()


def clean_strings(value: Any) -> Any:
    """``value`` (parsed TOML) with :func:`clean_text` applied to every text key and value."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_strings(k): clean_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_strings(v) for v in value]
    return value


def unknown_key(key: str, known: set[str]) -> str:
    close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}? " if close else ""
    return f"is not a known key ({hint}known: {', '.join(sorted(known))})"


class Problems:
    """Every mistake of one mapping, one line each, raised together by :meth:`raise_any`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        #: the section or "[section] key" of each mistake, without brackets
        self.keys: set[str] = set()

    def bad(self, key: str, why: str) -> UserError:
        """The error for one mistake (raised by a helper, caught by :meth:`collecting`)."""
        self.keys.add(key.strip("[]").split("]")[0])
        return UserError(f"mapping {self.name}: {key} {why}", kind="mapping")

    def add(self, key: str, why: str) -> None:
        self.lines.append(str(self.bad(key, why)))

    @contextmanager
    def collecting(self) -> Iterator[None]:
        """Record a :class:`UserError` raised inside the block instead of stopping."""
        try:
            yield
        except UserError as exc:
            self.lines.append(str(exc))

    def raise_any(self) -> None:
        if len(self.lines) == 1:
            raise UserError(self.lines[0], kind="mapping")
        if self.lines:
            prefix = f"mapping {self.name}: "
            said = "; ".join(line.removeprefix(prefix) for line in self.lines)
            raise UserError(
                f"mapping {self.name} has {len(self.lines)} mistakes: {said}",
                kind="mapping",
                lines=tuple(self.lines),
            )


def check_skill_from_filename(value: Any, bad) -> bool | dict[str, str]:
    """``[scores] skill_from_filename``: true, or a table {code in the file name = skill}."""
    if isinstance(value, bool):
        return value
    if isinstance(value, dict) and value:
        table = {}
        for code, skill in value.items():
            if not str(code).strip() or not isinstance(skill, str) or not skill.strip():
                raise bad(
                    "[scores] skill_from_filename",
                    f'needs a skill name for each code, e.g. SR = "Star Reading" (not {code} = {skill!r})',
                )
            table[str(code).strip()] = skill.strip()
        return table
    raise bad(
        "[scores] skill_from_filename",
        'must be true or a table of codes in the file name, e.g. {SR = "Star Reading"}',
    )


def filters_from(body: dict[str, Any], bad) -> dict[str, list[str]]:
    """``[filter]``: column header -> the values to keep ("!value": to drop)."""
    out: dict[str, list[str]] = {}
    for header, value in body.items():
        values = value if isinstance(value, list) else [value]
        ok = values and all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in values
        )
        texts = [str(v).strip() for v in values] if ok else []
        if not ok or any(t in ("", "!") for t in texts):
            raise bad(
                f"[filter] {header}",
                'must be a value or a list of values to keep; "!value" drops rows, '
                'e.g. AssessmentStatus = "!Deactivated"',
            )
        out[str(header)] = texts
    return out


def term_months(first: int, last: int) -> list[int]:
    """The months of a window of whole months, in order; [12, 2] is December to February."""
    span = (last - first) % 12
    return [(first - 1 + k) % 12 + 1 for k in range(span + 1)]


def check_date_format(value: Any, bad) -> str | None:
    """``[source] date_format``: a strftime pattern naming the year, month and day."""
    if value is None:
        return None
    text = str(value).strip() if isinstance(value, str) else ""
    if (
        not text
        or not ({"%d", "%e"} & format_codes(text))
        or not ({"%m", "%b", "%B"} & format_codes(text))
        or not ({"%Y", "%y"} & format_codes(text))
    ):
        raise bad(
            "[source] date_format",
            'must give the day, month and year, e.g. "%d/%m/%Y" (day first) or "%m/%d/%Y"',
        )
    return text


def format_codes(fmt: str) -> set[str]:
    return set(re.findall(r"%[A-Za-z]", fmt))


def opt_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {} and v != ""}
