"""Patterns from mappings and presets, run by RE2: time linear in the text, whatever the pattern.

A mapping's ``[scores] pattern`` is text a person (or a shared preset) wrote, run on the
server against every header of every upload. Python's ``re`` backtracks: ``^(a+)+$`` against
29 letters took 20 seconds and held every session. RE2 (the ``google-re2`` package) never
backtracks, so no pattern can run away; in exchange it refuses the few constructs that need
backtracking (look-ahead, look-behind, back-references, atomic groups). :func:`compile_pattern`
is the one way such a pattern is compiled: it caps the length, caches the compiled pattern,
and turns RE2's refusal into one :class:`UserError` line saying what to write instead.

The app's own fixed patterns (written here, tested here) keep Python's ``re``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import re2

from collabplan.errors import UserError

#: The longest pattern accepted: real header patterns are under 200 characters.
MAX_PATTERN_LENGTH = 500
#: RE2's memory budget for one compiled pattern; beyond it the pattern is refused as too big.
_MAX_MEMORY = 8 << 20

_SKIP = "match the header text directly, and list headers to skip in [scores] exclude"
#: What RE2's refusal says (a regular expression on its message) -> (what the pattern uses,
#: what to write instead). RE2 names the construct at the start of its message.
_REFUSALS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(said), uses, instead)
    for said, uses, instead in (
        (r"operator: \(\?[=!]", "a look-ahead ((?=...) or (?!...))", _SKIP),
        (r"operator: \(\?<[=!]", "a look-behind ((?<=...) or (?<!...))", _SKIP),
        (
            r"escape sequence: \\[1-9]|operator: \(\?P$|operator: \(\?P=",
            "a back-reference (\\1 or (?P=name))",
            "write the repeated text out instead",
        ),
        (
            r"operator: \(\?>|repetition operator: [*+?]\+",
            "an atomic group or possessive repeat ((?>...), *+, ++)",
            "use a plain group (...) or repeat (*, +)",
        ),
        (
            r"repetition size",
            "a repeat count over 1000 (or repeats inside repeats that multiply past it)",
            "use + or * instead",
        ),
        (
            r"pattern too large",
            "more than RE2 can compile in its memory budget",
            "shorten the pattern, or list the score columns in [scores] columns",
        ),
    )
)


class Pattern:
    """A compiled pattern: ``search`` gives a match or None; ``groupindex`` maps names to numbers.

    RE2's match objects take group numbers for ``start``/``end``; :meth:`span` takes a name
    as well, so callers need not care.
    """

    def __init__(self, text: str, compiled: Any) -> None:
        self.pattern = text
        self._rx = compiled
        self.groupindex: dict[str, int] = dict(compiled.groupindex)

    def search(self, text: str) -> Any:
        """The first match in ``text`` (an RE2 match: group(name), groupdict()), or None."""
        return self._rx.search(text)

    def span(self, match: Any, group: str | int) -> tuple[int, int]:
        """Start and end (in characters) of ``group`` of ``match``; (-1, -1) when it did not take part."""
        number = self.groupindex[group] if isinstance(group, str) else group
        return match.span(number)


def compile_pattern(
    text: str,
    *,
    ignore_case: bool = False,
    where: str = "[scores] pattern",
    max_length: int | None = MAX_PATTERN_LENGTH,
) -> Pattern:
    """``text`` compiled by RE2, cached; a refused pattern is one :class:`UserError` line.

    ``where`` names the pattern in the message, e.g. ``"mapping iready: [scores] pattern"``.
    ``ignore_case`` matches letters without case (as the normaliser reads score headers).
    ``max_length`` caps what a person may write; ``None`` only for a pattern the app built
    itself from checked parts (RE2's memory budget still bounds it).
    """
    if not isinstance(text, str):
        raise UserError(f"{where} must be text in quotes, e.g. '^Q\\d+$'", kind="mapping")
    if max_length is not None and len(text) > max_length:
        raise UserError(
            f"{where} is {len(text):,} characters long; patterns are limited to "
            f"{max_length} characters: shorten it, or list the score columns in [scores] columns",
            kind="mapping",
        )
    try:
        return _compiled(text, ignore_case)
    except re2.error as exc:
        raise UserError(f"{where} {_explain(exc)}", kind="mapping") from None


def check_pattern(text: str, *, where: str = "[scores] pattern") -> None:
    """Raise the :class:`UserError` :func:`compile_pattern` would; nothing when ``text`` is fine."""
    compile_pattern(text, where=where)


@functools.lru_cache(maxsize=256)
def _compiled(text: str, ignore_case: bool) -> Pattern:
    options = re2.Options()
    options.log_errors = False  # RE2 would print its own line on stderr: the CLI prints one
    options.case_sensitive = not ignore_case
    options.max_mem = _MAX_MEMORY
    return Pattern(text, re2.compile(text, options))


def _explain(exc: Exception) -> str:
    said = exc.args[0] if exc.args else ""
    said = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
    for refusal, uses, instead in _REFUSALS:
        if refusal.search(said):
            return (
                f"uses {uses}, which collabplan does not run (patterns use RE2 syntax, "
                f"see docs/mapping.md); {instead}"
            )
    return (
        f"is not a pattern collabplan can read ({said}); check brackets and backslashes "
        "(patterns use RE2 syntax, see docs/mapping.md)"
    )
