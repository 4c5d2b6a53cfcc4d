"""Windows named in the score columns' headers: a wide file with a column per measure and
window (``Benchmark_Status_LNF_K_Beginning``, ``orf_2_mid``) becomes a row per student and
window before the other steps run.

Used only when the mapping's wide ``[scores] pattern`` has a named group ``term``; every other
file passes through untouched.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import numpy as np
import pyarrow as pa

from collabplan.errors import UserError
from collabplan.ingest.mapping import Mapping, header_key
from collabplan.ingest.normalise.sheets import SheetLayout
from collabplan.ingest.patterns import Pattern, compile_pattern

#: The header of the window column made from the score headers (no export uses it).
TERM_HEADER = "(window from the headers)"
#: The grade and the window alone, when the pattern names them (``grade``, ``window`` groups
#: inside ``term``): ``[benchmarks]`` looks its cut scores up by them.
GRADE_HEADER = "(grade from the headers)"
WINDOW_HEADER = "(period from the headers)"


def has_header_terms(mapping: Mapping) -> bool:
    """The mapping's wide pattern names the window with a ``term`` group."""
    s = mapping.scores
    return bool(
        s is not None
        and s.layout == "wide"
        and s.pattern
        and "term" in compile_pattern(s.pattern, where=f"mapping {mapping.name}: [scores] pattern").groupindex
    )


def split_header_terms(
    mapping: Mapping, layouts: list[SheetLayout], where
) -> tuple[Mapping, list[SheetLayout]]:
    """Each sheet as a row per source row and window that has a score (a row with no score in
    any window stays once, with no window), its score columns named by their skill; and the
    mapping reading that: ``term`` is the window column, the pattern picks the skills.

    A row becomes a row per window (and per header grade) with a score.
    The window is the ``term`` group's text with underscores as spaces (``K_Beginning`` ->
    ``K Beginning``), its ``window`` group (else the whole text) renamed by ``[scores]
    term_names`` (``composite_K_beg`` -> ``K beginning``); the skill is ``[scores] skill``, else
    the ``skill`` group, else the header without the window. Named groups ``grade`` and
    ``window`` are kept in columns of their own (:data:`GRADE_HEADER`, :data:`WINDOW_HEADER`).
    ``where(sheet_name)`` names the sheet in messages.
    """
    s = mapping.scores
    assert s is not None and s.pattern
    if mapping.columns.get("term"):
        raise UserError(
            f"mapping {mapping.name}: [columns] term and a term group in [scores] pattern "
            "both name the window; keep one"
        )
    rx = compile_pattern(s.pattern, ignore_case=True, where=f"mapping {mapping.name}: [scores] pattern")
    excluded = {header_key(e) for e in s.exclude}
    roles = {header_key(h) for h in mapping.columns.values() if isinstance(h, str)}
    all_skills: list[str] = []
    out: list[SheetLayout] = []
    parts = [g for g in ("grade", "window") if g in rx.groupindex]
    for layout in layouts:
        others: list[int] = []
        # a slot is a window (and grade, when the header names one outside the window)
        by_slot: dict[tuple[str, str | None, str | None], dict[str, int]] = {}
        skills: list[str] = []
        for j, h in enumerate(layout.headers):
            m = None
            if isinstance(h, str) and header_key(h) not in excluded and header_key(h) not in roles:
                m = rx.search(h)
            if m is None or m.group("term") is None:
                others.append(j)
                continue
            term, window = _term_of(rx, m, s.term_names)
            slot = (term, m.group("grade") if "grade" in parts else None, window)
            start, end = rx.span(m, "term")
            skill = s.skill or m.groupdict().get("skill") or (h[:start] + h[end:])
            skill = skill.strip(" _-") or h
            if skill in by_slot.setdefault(slot, {}):
                raise UserError(
                    f"{where(layout.raw.name)}: two columns are {skill!r} in window {term!r} "
                    f"({layout.headers[by_slot[slot][skill]]!r}, {h!r}); fix [scores] pattern"
                )
            by_slot[slot][skill] = j
            if skill not in skills:
                skills.append(skill)
        for sk in skills:
            if sk not in all_skills:
                all_skills.append(sk)
        out.append(_unpivot(layout, others, by_slot, skills, parts))
    if not all_skills:
        return mapping, layouts  # nothing matched: the usual "no score columns" message follows
    alternatives = "|".join(re.escape(sk) for sk in sorted(all_skills, key=len, reverse=True))
    scores = replace(
        s, pattern=f"^(?P<skill>{alternatives})$", columns=[], exclude=[], skill=None, term_names={}
    )
    new = mapping.copy(scores=scores, columns={**mapping.columns, "term": TERM_HEADER})
    return new, out


def _term_of(rx: Pattern, m: Any, names: dict[str, str]) -> tuple[str, str | None]:
    """The window's name from a header match, and its ``window`` group alone (renamed)."""
    renamed = {k.lower(): v for k, v in names.items()}
    text = m.group("term")
    window = m.groupdict().get("window")
    if window is not None:
        new = renamed.get(window.lower(), window)
        (ws, we), (ts, _) = rx.span(m, "window"), rx.span(m, "term")
        a, b = ws - ts, we - ts
        text = text[:a] + new + text[b:]
        window = new
    else:
        key = " ".join(text.replace("_", " ").split()).lower()
        text = renamed.get(key, renamed.get(text.lower(), text))
    return " ".join(text.replace("_", " ").split()), window


def _unpivot(
    layout: SheetLayout,
    others: list[int],
    by_slot: dict[tuple[str, str | None, str | None], dict[str, int]],
    skills: list[str],
    parts: list[str],
) -> SheetLayout:
    raw = layout.raw
    rows = raw.text_rows(layout.data_idx)
    first = raw.first_row + layout.data_idx
    out_rows: list[list[str | None]] = []
    numbers: list[int] = []
    for i, row in enumerate(rows):
        kept = [row[j] for j in others]
        wrote = False
        for (term, grade, window), cols in by_slot.items():
            cells = [row[cols[sk]] if sk in cols else None for sk in skills]
            if all(c is None or not str(c).strip() for c in cells):
                continue
            extra = [v for v, g in ((grade, "grade"), (window, "window")) if g in parts]
            out_rows.append([*kept, term, *extra, *cells])
            numbers.append(first + i)
            wrote = True
        if not wrote:
            out_rows.append([*kept, None, *(None for _ in parts), *(None for _ in skills)])
            numbers.append(first + i)
    named = {"grade": GRADE_HEADER, "window": WINDOW_HEADER}
    headers = [layout.headers[j] for j in others] + [TERM_HEADER, *(named[g] for g in parts), *skills]
    width = len(headers)
    columns = {
        f"c{k}": pa.array([headers[k], *(r[k] for r in out_rows)], pa.string()) for k in range(width)
    }
    new_raw = replace(
        raw, table=pa.table(columns), first_row=raw.first_row + layout.header_idx, head=None
    )
    index: dict[str, int] = {}
    for k, h in enumerate(headers):
        if h:
            index.setdefault(header_key(h), k)
    return replace(
        layout,
        raw=new_raw,
        header_idx=0,
        headers=tuple(headers),
        data_idx=1,
        index=index,
        row_numbers=np.array(numbers, dtype=np.int64),
    )
