"""Windows named in the score columns' headers: a wide file with a column per measure and
window (``Benchmark_Status_LNF_K_Beginning``, ``orf_2_mid``) becomes a row per student and
window before the other steps run.

Used only when the mapping's wide ``[scores] pattern`` has a named group ``term``; every other
file passes through untouched.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pyarrow as pa

from collabplan.errors import UserError
from collabplan.ingest.mapping import Mapping, header_key
from collabplan.ingest.normalise.sheets import SheetLayout
from collabplan.ingest.patterns import compile_pattern

#: The header of the window column made from the score headers (no export uses it).
TERM_HEADER = "(window from the headers)"


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

    The window is the ``term`` group's text with underscores as spaces (``K_Beginning`` ->
    ``K Beginning``); the skill is the ``skill`` group (else the header without the window).
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
    for layout in layouts:
        others: list[int] = []
        by_term: dict[str, dict[str, int]] = {}
        skills: list[str] = []
        for j, h in enumerate(layout.headers):
            m = None
            if isinstance(h, str) and header_key(h) not in excluded and header_key(h) not in roles:
                m = rx.search(h)
            if m is None or m.group("term") is None:
                others.append(j)
                continue
            term = " ".join(m.group("term").replace("_", " ").split())
            skill = m.groupdict().get("skill") or (h[: rx.span(m, "term")[0]] + h[rx.span(m, "term")[1] :])
            skill = skill.strip(" _-") or h
            if skill in by_term.setdefault(term, {}):
                raise UserError(
                    f"{where(layout.raw.name)}: two columns are {skill!r} in window {term!r} "
                    f"({layout.headers[by_term[term][skill]]!r}, {h!r}); fix [scores] pattern"
                )
            by_term[term][skill] = j
            if skill not in skills:
                skills.append(skill)
        for sk in skills:
            if sk not in all_skills:
                all_skills.append(sk)
        out.append(_unpivot(layout, others, by_term, skills))
    if not all_skills:
        return mapping, layouts  # nothing matched: the usual "no score columns" message follows
    alternatives = "|".join(re.escape(sk) for sk in sorted(all_skills, key=len, reverse=True))
    scores = replace(s, pattern=f"^(?P<skill>{alternatives})$", columns=[], exclude=[])
    new = mapping.copy(scores=scores, columns={**mapping.columns, "term": TERM_HEADER})
    return new, out


def _unpivot(
    layout: SheetLayout, others: list[int], by_term: dict[str, dict[str, int]], skills: list[str]
) -> SheetLayout:
    raw = layout.raw
    rows = raw.text_rows(layout.data_idx)
    first = raw.first_row + layout.data_idx
    out_rows: list[list[str | None]] = []
    numbers: list[int] = []
    for i, row in enumerate(rows):
        kept = [row[j] for j in others]
        wrote = False
        for term, cols in by_term.items():
            cells = [row[cols[sk]] if sk in cols else None for sk in skills]
            if all(c is None or not str(c).strip() for c in cells):
                continue
            out_rows.append([*kept, term, *cells])
            numbers.append(first + i)
            wrote = True
        if not wrote:
            out_rows.append([*kept, None, *(None for _ in skills)])
            numbers.append(first + i)
    headers = [layout.headers[j] for j in others] + [TERM_HEADER, *skills]
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
