"""Small vendor files in a real header order with chosen rows, and what an import of one
gave: students and proficient counts per assessment, window and skill (helpers for the
tests/ingest/test_presets_<vendor>.py tests)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from collabplan import metrics
from collabplan.ingest.detect import HIGH
from collabplan.ingest.load import import_file
from collabplan.ingest.normalise.prepare import prepare
from tests.real_layouts import HEADERS, value

Counts = dict[tuple[str, str, str], tuple[int, int]]


def rows_csv(headers: str | list[str], rows: list[dict[str, str]]) -> bytes:
    """A csv with the headers of layout ``headers`` (a name in real_layout_headers.json, or the
    list itself); each row's cells are the row's own values, else a plausible value."""
    names = HEADERS[headers] if isinstance(headers, str) else headers
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for i, row in enumerate(rows):
        unknown = set(row) - set(names)
        assert not unknown, f"not in the layout: {sorted(unknown)}"
        writer.writerow([row[h] if h in row else value(h, i) for h in names])
    return out.getvalue().encode()


def import_exact(db, data: bytes, file_name: str, preset: str):
    """Import ``data`` with no mapping: it must be read by ``preset`` with high confidence
    and without errors. Returns the import result."""
    prepared = prepare(data, file_name)
    det = prepared.detection
    assert det is not None and det.name == preset, det and (det.name, det.question)
    assert det.word == "high" and det.confidence >= HIGH
    assert prepared.report.ok(), prepared.report.errors
    return import_file(db, data, file_name)


def counts(db) -> Counts:
    """(assessment, term, skill) -> (students, proficient) of everything imported."""
    df = metrics.skill_summary(db)
    return {
        (r.assessment, r.term, r.skill): (int(r.students), int(r.proficient))
        for r in df.itertuples()
    }


def expected_counts(scored: Iterable[tuple[str, str, str, str, bool]]) -> Counts:
    """Counts from (assessment, term, skill, student, proficient) tuples written by a test,
    one per student, window and skill."""
    seen: dict[tuple[str, str, str], dict[str, bool]] = {}
    for assessment, term, skill, student, prof in scored:
        seen.setdefault((assessment, term, skill), {})[student] = prof
    return {k: (len(v), sum(v.values())) for k, v in seen.items()}
