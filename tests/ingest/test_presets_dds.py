"""UO DIBELS Data System (DDS) exports, DIBELS 8th Edition, in the real header order are read
exactly with no mapping: a row per student with a column per measure, grade and period
becomes a score per student, window (from the header) and measure, named as DDS names it.

``dds_k_beginning`` is the per-grade, per-period export verbatim; ``dds_datafarming_k_1`` is
the "DataFarming" full export written out by its column pattern for grades K and 1st (the real
file runs on to 8th grade)."""

from __future__ import annotations

import pytest

from collabplan.ingest.detect import detect_layout
from collabplan.ingest.normalise.prepare import prepare
from collabplan.ingest.read import read_upload
from tests.real_layouts import HEADERS, layout_csv
from tests.vendor_rows import counts, expected_counts, import_exact, rows_csv

INT, STRAT, CORE, ABOVE = "Intensive Support", "Strategic Support", "Core Support", "Core^ Support"

# student -> {(grade, period): {measure: status}}
K_BEG = {
    "13948": {("K", "Beginning"): {"LNF": INT, "PSF": CORE, "NWF-CLS": STRAT, "NWF-WRC": STRAT, "WRF": ABOVE}},
    "13949": {("K", "Beginning"): {"LNF": ABOVE, "PSF": STRAT, "NWF-CLS": CORE, "NWF-WRC": INT, "WRF": INT}},
    "13950": {("K", "Beginning"): {"LNF": CORE, "PSF": CORE, "NWF-CLS": CORE, "NWF-WRC": CORE, "WRF": STRAT}},
    "13951": {},  # on the roster, not tested yet
}
FARM = {
    "20001": {
        ("K", "Beginning"): {"LNF": CORE, "PSF": STRAT},
        ("K", "Middle"): {"LNF": ABOVE, "PSF": CORE, "NWF-CLS": STRAT},
        ("1st", "Beginning"): {"PSF": CORE, "NWF-CLS": CORE, "ORF-WordsCorrect": INT, "ORF-Accuracy": STRAT},
    },
    "20002": {
        ("K", "Beginning"): {"LNF": INT, "PSF": INT},
        ("1st", "Beginning"): {"PSF": ABOVE, "NWF-CLS": STRAT, "ORF-WordsCorrect": CORE, "ORF-Accuracy": CORE},
        ("1st", "Middle"): {"NWF-CLS": CORE, "ORF-WordsCorrect": CORE},
    },
    "20003": {("1st", "Beginning"): {"PSF": STRAT, "NWF-CLS": STRAT, "ORF-WordsCorrect": STRAT}},
}


def dds_rows(layout: str, students: dict) -> bytes:
    headers = HEADERS[layout]
    rows = []
    for sid, windows in students.items():
        row = {h: "" for h in headers if h not in ("District_Name", "Last", "First")}
        row.update({"Student_ID": sid, "Last": f"Last{sid}", "First": f"First{sid}"})
        for (grade, period), statuses in windows.items():
            row[f"Benchmark_Status_Composite_{grade}_{period}"] = CORE
            row[f"Composite_{grade}_{period}"] = "402"
            for measure, status in statuses.items():
                row[f"Benchmark_Status_{measure}_{grade}_{period}"] = status
                row[f"{measure}_{grade}_{period}"] = "31"
                if f"Date_{measure.split('-')[0]}_{grade}_{period}" in headers:
                    row[f"Date_{measure.split('-')[0]}_{grade}_{period}"] = "9/14/2021"
        rows.append(row)
    return rows_csv(layout, rows)


def expected(students: dict) -> dict:
    return expected_counts(
        ("DIBELS 8th Edition", f"{g} {p}", m, sid, st in (CORE, ABOVE))
        for sid, windows in students.items()
        for (g, p), statuses in windows.items()
        for m, st in statuses.items()
    )


@pytest.mark.parametrize(
    ("layout", "students", "file_name"),
    [
        ("dds_k_beginning", K_BEG, "ScrubFile_21_22_K_BEG_32C.csv"),
        ("dds_datafarming_k_1", FARM, "DataFarming_Apple_K-6_2122_DIBELS8thEdition_Confidential_1.csv"),
    ],
)
def test_dds_export_is_read_exactly(db, layout, students, file_name):
    result = import_exact(db, dds_rows(layout, students), file_name, "dibels8_dds")
    assert result.students == len(students)
    got = counts(db)
    assert got == expected(students)
    assert all(skill != "Composite" for _a, _t, skill in got)


def test_dds_numbers_spelled_out(db):
    import_exact(db, dds_rows("dds_datafarming_k_1", FARM), "DataFarming.csv", "dibels8_dds")
    got = counts(db)
    assert got[("DIBELS 8th Edition", "1st Beginning", "NWF-CLS")] == (3, 1)
    assert got[("DIBELS 8th Edition", "K Beginning", "LNF")] == (2, 1)
    assert got[("DIBELS 8th Edition", "K Middle", "NWF-CLS")] == (1, 0)


def test_dds_scores_keep_their_sheet_row_numbers():
    p = prepare(dds_rows("dds_datafarming_k_1", FARM), "DataFarming.csv")
    rows = {(r["local_id"], r["term"], r["row"]) for r in p.scores.to_pylist()}
    assert ("20001", "K Middle", 2) in rows and ("20002", "1st Middle", 3) in rows
    assert ("20003", "1st Beginning", 4) in rows
    assert {r["term"] for r in p.scores.to_pylist()} == {"K Beginning", "K Middle", "1st Beginning", "1st Middle"}


OTHER_VENDORS = [n for n in HEADERS if not n.startswith("dds_")]


@pytest.mark.parametrize("name", OTHER_VENDORS)
def test_dds_preset_is_not_picked_for_other_vendors(name):
    found = detect_layout(read_upload(layout_csv(name), f"{name}.csv", sheets="*"), f"{name}.csv")
    assert found.name != "dibels8_dds"
