"""Amplify mCLASS DIBELS 8th Edition benchmark exports (2021-22 to 2024-25 variants) in the real
header order are read exactly with no mapping: skills named as mCLASS names the measures
(without " - Level"), the composite and the dyslexia-screening extras left out."""

from __future__ import annotations

import pytest

from collabplan.ingest.detect import detect_layout
from collabplan.ingest.read import read_upload
from tests.real_layouts import HEADERS, layout_csv
from tests.vendor_rows import counts, expected_counts, import_exact, rows_csv

WB, B, AT, ABOVE = "Well Below Benchmark", "Below Benchmark", "At Benchmark", "Above Benchmark"
LNF, PSF, CLS, WRC, WRF = (
    "Letter Names (LNF)", "Phonemic Awareness (PSF)", "Letter Sounds (NWF-CLS)",
    "Decoding (NWF-WRC)", "Word Reading (WRF)",
)
ACCU, ORF, MAZE = "Reading Accuracy (ORF-Accu)", "Reading Fluency (ORF)", "Reading Comprehension (Maze)"
MEASURES = (LNF, PSF, CLS, WRC, WRF, ACCU, ORF, MAZE)
EXTRAS = ("Vocabulary - Level", "Spelling - Level", "RAN - Level", "Risk Indicator - Level")

# (student, grade, period, client date, {measure: level}); measures not listed are blank, as
# for a grade that does not take them. Kindergarten takes LNF, PSF, NWF, WRF; grade 2 adds ORF
# and Maze and no longer LNF/PSF.
ROWS = [
    ("13259", "K", "BOY", "2023-09-05", {LNF: WB, PSF: B, CLS: AT, WRC: B, WRF: AT}),
    ("13260", "K", "BOY", "2023-09-05", {LNF: ABOVE, PSF: AT, CLS: WB, WRC: WB, WRF: B}),
    ("13261", "K", "BOY", "09-06-2023", {LNF: AT, PSF: ABOVE, CLS: AT, WRC: AT, WRF: ABOVE}),
    ("13262", "2", "BOY", "2023-09-07", {CLS: AT, WRC: AT, WRF: B, ACCU: ABOVE, ORF: B, MAZE: WB}),
    ("13263", "2", "BOY", "2023-09-07", {CLS: B, WRC: WB, WRF: WB, ACCU: B, ORF: WB, MAZE: B}),
    ("13259", "K", "MOY", "2024-01-16", {LNF: B, PSF: AT, CLS: AT, WRC: AT, WRF: AT}),
    ("13260", "K", "MOY", "2024-01-16", {LNF: ABOVE, PSF: ABOVE, CLS: B, WRC: B, WRF: AT}),
    ("13262", "2", "MOY", "2024-01-17", {CLS: ABOVE, WRC: AT, WRF: AT, ACCU: AT, ORF: AT, MAZE: B}),
]


def mclass_rows(layout: str) -> bytes:
    headers = HEADERS[layout]
    rows = []
    for sid, grade, period, when, levels in ROWS:
        row = {
            "Student Primary ID": sid, "Student Last Name": f"Last{sid}",
            "Student First Name": f"First{sid}", "Enrollment Grade": grade,
            "Assessment Grade": grade, "Benchmark Period": period, "Client Date": when,
            "Composite Level": AT, "Composite Score": "402",
            # dyslexia-screening extras on their own scales, never skills
            "Vocabulary - Level": "At or Above Benchmark", "Spelling - Level": "Below Benchmark",
            "RAN - Level": "Well Below Benchmark", "Risk Indicator - Level": "At Risk",
        }
        for m in MEASURES:
            row[f"{m} - Level"] = levels.get(m, "")
            for tail in (" - Score", " - National Norm Percentile"):
                row[f"{m}{tail}"] = "41" if m in levels else ""
        rows.append({k: v for k, v in row.items() if k in headers})
    return rows_csv(layout, rows)


def expected() -> dict:
    return expected_counts(
        ("DIBELS 8th Edition", period, m, sid, lv in (AT, ABOVE))
        for sid, _g, period, _d, levels in ROWS
        for m, lv in levels.items()
    )


@pytest.mark.parametrize(
    "layout", ["mclass_dibels8", "mclass_dibels8_2021", "mclass_dibels8_2023", "mclass_dibels8_2024"]
)
def test_mclass_export_is_read_exactly(db, layout):
    result = import_exact(db, mclass_rows(layout), "Scrub_Summary.csv", "dibels8_mclass")
    assert result.students == 5
    got = counts(db)
    assert got == expected()
    # spelled out: Kindergarten letter names at BOY, Maze for grade 2, no extras nor " -"
    assert got[("DIBELS 8th Edition", "BOY", LNF)] == (3, 2)
    assert got[("DIBELS 8th Edition", "MOY", MAZE)] == (1, 0)
    skills = {s for _a, _t, s in got}
    assert skills == set(MEASURES)


OTHER_VENDORS = [n for n in HEADERS if not n.startswith("mclass_")]


@pytest.mark.parametrize("name", OTHER_VENDORS)
def test_mclass_preset_is_not_picked_for_other_vendors(name):
    found = detect_layout(read_upload(layout_csv(name), f"{name}.csv", sheets="*"), f"{name}.csv")
    assert found.name != "dibels8_mclass"
