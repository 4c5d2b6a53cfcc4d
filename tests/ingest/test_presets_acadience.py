"""Acadience Learning Online Reading benchmark exports (current and 2020-23 layouts) in the real
header order are read exactly with no mapping: a skill per measure status, named as ALO names
the measure; the composite, its goal and RAN are not skills."""

from __future__ import annotations

import pytest

from collabplan.ingest.detect import detect_layout
from collabplan.ingest.read import read_upload
from tests.real_layouts import HEADERS, layout_csv
from tests.vendor_rows import counts, expected_counts, import_exact, rows_csv

WB, B, AT, ABOVE = "well below benchmark", "below benchmark", "at benchmark", "above benchmark"
PROFICIENT = {AT, ABOVE}

# (student, grade, period, {measure: status}); measures not listed are blank (not given to
# that grade). One re-saved row capitalises its statuses.
ROWS = [
    ("13259", "K", "beginning", {"FSF": AT}),
    ("13260", "K", "beginning", {"FSF": WB}),
    ("13261", "1", "beginning", {"PSF": ABOVE, "NWF CLS": B, "NWF WWR": AT}),
    ("13262", "1", "beginning", {"PSF": "Well Below Benchmark", "NWF CLS": "Above Benchmark", "NWF WWR": "Below Benchmark"}),
    ("13263", "2", "beginning", {"NWF CLS": AT, "NWF WWR": AT, "ORF WC": B, "ORF Accuracy": AT, "Retell": WB, "Retell Quality": B}),
    ("13264", "4", "beginning", {"ORF WC": ABOVE, "ORF Accuracy": ABOVE, "Retell": AT, "Retell Quality": AT, "Maze": B}),
    ("13259", "K", "middle", {"FSF": ABOVE, "PSF": B, "NWF CLS": AT}),
    ("13261", "1", "middle", {"NWF CLS": AT, "NWF WWR": AT, "ORF WC": WB, "ORF Accuracy": B, "Retell": B}),
    ("13264", "4", "middle", {"ORF WC": AT, "ORF Accuracy": AT, "Retell": AT, "Retell Quality": B, "Maze": AT}),
]
DATES = {"acadience_alo_2023": ("2023-08-15", "2024-01-09"), "acadience_alo_2021": ("9/14/21", "1/11/22")}


def alo_rows(layout: str) -> bytes:
    headers = HEADERS[layout]
    ident = "Student Number" if "Student Number" in headers else "Student Primary ID"
    composite = "Reading Composite" if "Reading Composite Status" in headers else "Composite"
    rows = []
    for sid, grade, period, statuses in ROWS:
        when = DATES[layout][0 if period == "beginning" else 1]
        row = {h: "" for h in headers if h.endswith(" Status")}
        row.update({
            ident: sid, "Student Last Name": f"Last{sid}", "Student First Name": f"First{sid}",
            "Student Grade Level": grade, "Benchmark Period": period,
            "Class Name": "LITERACY - Felix - 5,LANGUAGE ARTS - Estrada - 3",
            "Teacher Last Name": "Felix,Estrada", "Teacher First Name": "Laura,Rosa",
            f"{composite} Date": when, f"{composite} Score": "249", f"{composite} Status": AT,
            f"{composite} Goal Status": "typical",
            "RAN Objects Status": "valid", "Total RAN Status": "below threshold",
        })
        for measure, status in statuses.items():
            row[f"{measure} Status"] = status
        rows.append({k: v for k, v in row.items() if k in headers})
    return rows_csv(layout, rows)


def _iso(text: str) -> str:
    if "/" in text:
        m, d, y = (int(x) for x in text.split("/"))
        return f"{2000 + y}-{m:02d}-{d:02d}"
    return text


def expected() -> dict:
    return expected_counts(
        ("Acadience Reading", period, m, sid, st.lower() in PROFICIENT)
        for sid, _g, period, statuses in ROWS
        for m, st in statuses.items()
    )


@pytest.mark.parametrize(
    ("layout", "preset", "file_name"),
    [
        ("acadience_alo_2023", "acadience_alo", "alo_reading_k-6_benchmark_data_2023-2024.csv"),
        ("acadience_alo_2021", "acadience_alo_2021", "scrub_McFarland_Acadience_110221.csv"),
    ],
)
def test_alo_export_is_read_exactly(db, layout, preset, file_name):
    result = import_exact(db, alo_rows(layout), file_name, preset)
    assert result.students == 6
    got = counts(db)
    assert got == expected()
    assert got[("Acadience Reading", "beginning", "NWF CLS")] == (3, 2)
    assert got[("Acadience Reading", "middle", "Maze")] == (1, 1)
    # the export's own date forms (ISO; re-saved M/D/YY) name the sittings
    dates = {str(r[0]) for r in db.rows("SELECT DISTINCT date FROM administration")}
    assert dates == {_iso(d) for d in DATES[layout]}
    skills = {s for _a, _t, s in got}
    assert skills == {"FSF", "PSF", "NWF CLS", "NWF WWR", "ORF WC", "ORF Accuracy", "Retell", "Retell Quality", "Maze"}


OTHER_VENDORS = [n for n in HEADERS if not n.startswith("acadience_alo")]


@pytest.mark.parametrize("name", OTHER_VENDORS)
def test_alo_presets_are_not_picked_for_other_vendors(name):
    found = detect_layout(read_upload(layout_csv(name), f"{name}.csv", sheets="*"), f"{name}.csv")
    assert found.name not in ("acadience_alo", "acadience_alo_2021")
