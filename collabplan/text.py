"""Every word and number a teacher reads: percents, counts and plurals, dates, metric phrases.

Pages, charts, reports and the command line format through these functions, so "38%", "1
student", "fewer than 10 students" and "% below proficient" read the same everywhere. Nothing
here touches the database or Streamlit.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from typing import Any

from collabplan import config

#: A value that cannot be shown (no data, or a hidden group): an en dash.
NO_VALUE = "–"

#: The goal metrics, as a chart axis or a table heading names them.
METRIC_LABELS = {
    "pct_below_proficient": "% below proficient",
    "pct_proficient": "% proficient",
}
#: The same, as words after a number ("40% below proficient").
METRIC_WORDS = {
    "pct_below_proficient": "below proficient",
    "pct_proficient": "proficient",
}

#: The student-group keys a population may be narrowed by, in the order they are said.
POPULATION_KEYS = ("grade", "class", "teacher", "group")


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def _missing_any(value: Any) -> bool:
    """Missing for any cell: None, NaN, NaT, pd.NA."""
    if value is None:
        return True
    if isinstance(value, (str, bytes, list, tuple, dict, set)):
        return False
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError, ImportError):
        return False


# -- text a person typed or a file carried ----------------------------------------------
#: Characters no text of ours should hold: C0 controls except tab, newline and carriage
#: return (CR is normalised, not dropped), DEL, the C1 controls, lone surrogate halves
#: (which cannot be encoded as UTF-8, so they break the database, the log and every export),
#: and the invisible marks that reorder or hide what is shown (bidi overrides and isolates,
#: zero-width space, byte order mark, line and paragraph separators). Zero-width joiner and
#: non-joiner stay: Persian, Indic scripts and emoji need them.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
    "\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def clean_text(value: str) -> str:
    r"""``value`` without hidden control characters, with ``\n`` line ends, in NFC form.

    Removes NUL, BEL, vertical tab, form feed and every other C0 control except tab and
    newline; DEL; the C1 controls (U+0080-U+009F); lone surrogates; bidi overrides and
    isolates, zero-width space, BOM, line and paragraph separators. ``\r\n`` and a lone
    ``\r`` become ``\n``. The result is Unicode NFC, so "é" typed two ways is one name.
    Nothing else changes (no trimming): the same function serves imported cells and text
    fields. ``None`` gives ""; other non-text values are turned into text first.
    """
    if not isinstance(value, str):
        value = "" if value is None else str(value)
    if value.isascii() and value.isprintable():  # the common case: nothing to do
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = CONTROL_CHARACTERS.sub("", value)
    return unicodedata.normalize("NFC", value)


def has_control_characters(value: str) -> bool:
    """True when :func:`clean_text` would remove something other than a line-end change."""
    return isinstance(value, str) and CONTROL_CHARACTERS.search(value) is not None


# -- numbers -----------------------------------------------------------------------------
def pct(value: float | None) -> str:
    """38.4 -> "38%": whole percentages read best from across a room; none -> "–"."""
    return NO_VALUE if _missing(value) else f"{float(value):.0f}%"


def pct_exact(value: float | None) -> str:
    """38.4 -> "38.4%", 38.0 -> "38%": the one decimal a goal's numbers carry; none -> "–"."""
    if _missing(value):
        return NO_VALUE
    return f"{float(value):.1f}%".replace(".0%", "%")


def points(value: float) -> str:
    """+4.2 -> "+4 points"; one point is "1 point"."""
    n = round(value)
    return f"{n:+d} {plural(abs(n), 'point')}"


#: Plurals no rule makes.
IRREGULAR_PLURALS = {"person": "people", "child": "children", "criterion": "criteria",
                     "analysis": "analyses", "is": "are", "was": "were", "has": "have"}


def _plural_of(noun: str) -> str:
    """English plural of a (last) word: class -> classes, priority -> priorities."""
    head, _, last = noun.rpartition(" ")
    lower = last.lower()
    if lower in IRREGULAR_PLURALS:
        many = IRREGULAR_PLURALS[lower]
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        many = last + "es"
    elif len(lower) > 1 and lower.endswith("y") and lower[-2] not in "aeiou":
        many = last[:-1] + "ies"
    else:
        many = last + "s"
    return f"{head} {many}" if head else many


def plural(n: int | float, noun: str, many: str | None = None) -> str:
    """The noun for ``n`` things: plural(1, "student") -> "student", else "students";
    plural(2, "class") -> "classes", plural(3, "priority") -> "priorities". ``many`` gives
    the plural a rule cannot (or a verb: plural(n, "serves", "serve"))."""
    return noun if n == 1 else (many or _plural_of(noun))


def count(n: int, noun: str, many: str | None = None) -> str:
    """count(1, "student") -> "1 student"; count(1200, "score") -> "1,200 scores"."""
    return f"{n:,} {plural(n, noun, many)}"


def count_says(n: int, noun: str, verb: str, verb_many: str, many: str | None = None) -> str:
    """A count with its verb agreeing: count_says(1, "goal", "serves", "serve") -> "1 goal
    serves"; count_says(3, "agenda", "was saved", "were saved") -> "3 agendas were saved"."""
    return f"{count(n, noun, many)} {plural(n, verb, verb_many)}"


def number(value: float | None, decimals: int = 0, none: str = NO_VALUE) -> str:
    """A plain number, rounded: number(1234.4) -> "1,234", number(3.25, 1) -> "3.2" (one
    decimal is the most a page shows; a whole value drops it: 4.0 -> "4"); none -> "–"."""
    if _missing(value):
        return none
    shown = f"{float(value):,.{min(decimals, 1)}f}"
    return shown[:-2] if shown.endswith(".0") else shown


def score(value: float | None, none: str = NO_VALUE) -> str:
    """A scale score or raw score as a teacher reads it: whole (212.6 -> "213")."""
    return number(value, 0, none)


def average(value: float | None, none: str = NO_VALUE) -> str:
    """An average on a short scale (a 1–5 survey): one decimal, 3.25 -> "3.2"."""
    return number(value, 1, none)


def fewer_than(min_size: int | None = None, noun: str = "students") -> str:
    """What is shown instead of a small group's number: "fewer than 10 students"."""
    return f"fewer than {min_size or config.MIN_GROUP_SIZE} {noun}"


# -- dates -------------------------------------------------------------------------------
def long_date(value: dt.date | None) -> str:
    """29 January 2027; none -> "no date"."""
    return "no date" if value is None else f"{value.day} {value:%B %Y}"


def short_date(value: Any, none: str = NO_VALUE) -> str:
    """A day in a table cell: "20 Jan 2026"; none (None, NaN, NaT) -> ``none``."""
    if _missing_any(value):
        return none
    import pandas as pd  # the import path formats no dates; pandas loads only here

    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{day.day} {day:%b %Y}"


def when(value: Any) -> str:
    """A moment for a history table: "5 Dec 2026, 14:03" (as projected tables write it);
    none -> ""."""
    import pandas as pd  # the import path formats no dates; pandas loads only here

    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    try:
        moment = pd.Timestamp(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{moment.day} {moment:%b %Y, %H:%M}"


# -- metrics and populations -------------------------------------------------------------
def lower_is_better(metric: str) -> bool:
    """pct_below_proficient goals fall toward their target; pct_proficient goals rise."""
    return metric == "pct_below_proficient"


def metric_phrase(value: float | None, metric: str) -> str:
    """A value with its meaning: "29% below proficient", or "60% proficient"."""
    return f"{pct_exact(value)} {METRIC_WORDS.get(metric, 'proficient')}"


def clean_population(population: dict[str, Any] | None) -> dict[str, str]:
    """Only the filled-in population keys, as text, in the order they are said.

    An unknown key is refused with a :class:`collabplan.errors.UserError`.
    """
    from collabplan.errors import UserError

    out: dict[str, str] = {}
    for key, value in (population or {}).items():
        if key not in POPULATION_KEYS:
            raise UserError(
                f"population filter {key!r} is not one of {', '.join(POPULATION_KEYS)}"
            )
        if value is None or str(value).strip() == "":
            continue
        out[key] = str(value).strip()
    return {k: out[k] for k in POPULATION_KEYS if k in out}


def describe_population(population: dict[str, Any] | None) -> str:
    """Who a goal is about: "grade 3 ELL students in class 3B taught by Lee" (or "students")."""
    pop = clean_population(population)
    words = []
    if "grade" in pop:
        words.append(f"grade {pop['grade']}")
    if "group" in pop:
        words.append(pop["group"])
    words.append("students")
    if "class" in pop:
        words.append(f"in class {pop['class']}")
    if "teacher" in pop:
        words.append(f"taught by {pop['teacher']}")
    return " ".join(words)


def skill_words(skill: str) -> str:
    """A skill's name inside a sentence: Vocabulary -> vocabulary; acronyms keep their case."""
    if len(skill) > 1 and skill[0].isupper() and skill[1].islower() and " " not in skill[:12]:
        return skill[0].lower() + skill[1:]
    return skill


def natural_key(text: Any) -> tuple:
    """Sort key that puts Q2 before Q10 and grade 3 before grade 10."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.lower())
        for part in re.split(r"(\d+)", str(text))
        if part
    )


# -- a goal's share of the gap -------------------------------------------------------------
#: Said instead of a share of the gap from baseline to target outside 0-100 %.
PAST_TARGET = "past the target"
MOVED_AWAY = "moved away"


def gap_text(gap_closed: Any, note: Any = None) -> str:
    """A share of the gap (0-100) in words, never past 0-100 %: "62% of the gap",
    "100% of the gap: past the target", "0% of the gap: moved away"; none: "not enough data yet".
    """
    if gap_closed is None or _missing(gap_closed):
        return "not enough data yet"
    shown = min(max(float(gap_closed), 0.0), 100.0)
    words = f"{shown:.0f}% of the gap"
    if isinstance(note, str) and note:
        words += f": {note}"
    return words


# -- tables a teacher reads ------------------------------------------------------------------
#: Column names a table or chart carries, in a teacher's words. A name not here is turned into
#: words by :func:`heading` ("next_step_by" -> "Next step by").
HEADINGS = {
    "pct_proficient": "% proficient",
    "pct_below_proficient": "% below proficient",
    "pct_earned": "% of points earned",
    "pct_agree": "Agree",
    "n": "Students",
    "students": "Students",
    "value": "Result",
    "expected": "On track would be",
    "straight line": "On track would be",
    "on track": "On track",
    "when": "When",
    "by": "By",
    "team": "Team",
    "change": "What changed",
    "target": "Target",
    "by_when": "By when",
    "window": "Testing window",
    "label": "Testing window",
    "administration": "Testing window",
    "date": "Date",
    "median": "Median",
    "mean": "Average",
    "skill": "Skill",
    "standard": "Standard",
    "item": "Question",
    "local_id": "ID",
}


def heading(name: Any) -> str:
    """A column name as a table heading in words: "pct_proficient" -> "% proficient",
    "next_step_by" -> "Next step by", "expected" -> "On track would be"."""
    key = str(name)
    if key in HEADINGS:
        return HEADINGS[key]
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else key


def cell(value: Any, none: str = NO_VALUE) -> str:
    """One table cell in words: a missing value -> ``none`` (Streamlit would draw "None");
    a date -> "20 Jan 2026", a moment -> "05 Dec 2026 14:03"; True/False -> "yes"/"no";
    a number -> at most one decimal ("53.7", "1,234"); text as it is."""
    if _missing_any(value):
        return none
    if isinstance(value, bool) or type(value).__name__ in ("bool_", "bool"):  # numpy's too
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):  # pandas Timestamps too
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return short_date(value, none)
        return when(value)
    if isinstance(value, dt.date):
        return short_date(value, none)
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        return number(float(value), 1, none)
    return str(value)


def table(frame: Any, headings: dict[str, str] | None = None, *,
          columns: list[str] | None = None, none: str | dict[str, str] = NO_VALUE,
          formats: dict[str, Any] | None = None) -> Any:
    """A copy of ``frame`` to show, every heading and cell in words.

    ``columns`` picks and orders the columns (default: all); each is renamed to
    ``headings[column]`` or else by :func:`heading`; each cell goes through
    ``formats[column]`` (e.g. :func:`pct`, :func:`score`) or else :func:`cell`. ``none`` is
    said for a missing cell (or, as a dict, per column: {"revisited_on": "not yet"}), so no
    table draws Streamlit's "None". The data is not changed; only what is shown is text.
    """
    columns = list(columns) if columns is not None else list(frame.columns)
    out = frame[columns].copy()
    for column in columns:
        missing = none.get(column, NO_VALUE) if isinstance(none, dict) else none
        shape = (formats or {}).get(column)
        out[column] = _text_column([
            missing if _missing_any(v) else (shape(v) if shape else cell(v, missing))
            for v in out[column].tolist()
        ])
    names = {c: (headings or {}).get(c) or heading(c) for c in columns}
    return out.rename(columns=names)


def _text_column(values: list[str]) -> Any:
    """Cells as a text column (object dtype, so an empty table keeps its columns)."""
    import pandas as pd

    return pd.Series(values, dtype=object).values
