"""i-Ready Diagnostic Results exports (Reading and Math; 2019-20, 2022-23 and 2023-24 layouts
without a Norming Window, and the layouts with one) in their real header order import with no
mapping and are read exactly: the preset, the students, and the proficient count of each
window and domain, named as i-Ready names them.

The expected numbers are counted here from the rows written, never from the importer."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest

from collabplan import metrics
from collabplan.ingest.detect import HIGH, detect_layout
from collabplan.ingest.load import import_file
from collabplan.ingest.normalise.prepare import prepare
from collabplan.ingest.read import read_upload
from tests.real_layout_rows import layout_rows
from tests.real_layouts import HEADERS, layout_csv

#: Relative placements lowest first, and "Not Assessed" (no score).
PLACEMENTS = ["3 or More Grade Levels Below", "2 Grade Levels Below", "1 Grade Level Below",
              "Early On Grade Level", "Mid or Above Grade Level", "Not Assessed"]
PROFICIENT = set(PLACEMENTS[3:5])  # the preset's cut: Early On Grade Level and above
#: The Fall text is the one seen verbatim in the public samples; Winter and Spring follow the
#: same pattern with i-Ready's published cut-offs (their exact text was not seen).
NORMING = {"Fall": "Fall (Beginning of Year - November 15)", "Winter": "Winter (November 16 - March 1)",
           "Spring": "Spring (March 2 - End of Year)"}
LAYOUTS = {  # layout: (preset, first school year, file name)
    "iready_ela_2019": ("iready_diagnostic_reading", 2019, "scrubbed_diagnostic_results_ela_12.csv"),
    "iready_math_2019": ("iready_diagnostic_math", 2019, "scrubbed_diagnostic_results_math_5.csv"),
    "iready_ela_2022": ("iready_diagnostic_reading", 2022, "diagnostic_results_ela.csv"),
    "iready_math_2022": ("iready_diagnostic_math", 2022, "diagnostic_results_math.csv"),
    "iready_ela_2023": ("iready_diagnostic_reading", 2023, "diagnostic_results_ela.csv"),
    "iready_math_2023": ("iready_diagnostic_math", 2023, "diagnostic_results_math_1.csv"),
    "iready_ela_norming": ("iready_diagnostic_reading", 2024, "Scrubbed_2024_2025_IREADY_READING.csv"),
    "iready_math_norming": ("iready_diagnostic_math", 2023, "IREADY_MATH_56COLS_SCRUB.csv"),
}
MY_PRESETS = {"iready_diagnostic_reading", "iready_diagnostic_math"}
NAMES = {"iready_diagnostic_reading": "i-Ready Diagnostic Reading", "iready_diagnostic_math": "i-Ready Diagnostic Math"}


def domains(layout: str) -> list[str]:
    """The layout's domain relative placement headers (not the Overall one)."""
    return [h for h in HEADERS[layout] if h.endswith(" Relative Placement") and h != "Overall Relative Placement"]


def make_rows(layout: str, year: int) -> list[dict[str, str]]:
    """Seven students over Fall, Winter and Spring; student 0 retakes the Fall diagnostic (the
    later one counts, its date written 09-03-YYYY as one district file does), student 6 misses
    Spring, "Not Assessed" cells and a zero-padded grade appear."""
    headers = set(HEADERS[layout])
    windows = [("Fall", f"08/21/{year}", f"08/23/{year}"), ("Winter", f"01/16/{year + 1}", f"01/17/{year + 1}"),
               ("Spring", f"05/21/{year + 1}", f"05/22/{year + 1}")]
    rows = []
    for w, (window, start, done) in enumerate(windows):
        for i in range(7):
            if i == 6 and window == "Spring":
                continue
            row = {"Student ID": str(13660 + i), "Last Name": f"Kid{i}", "First Name": "Sam",
                   "Student Grade": ["K", "1", "3", "05", "5", "8", "8"][i],
                   "Academic Year": f"{year}-{year + 1}", "Start Date": start, "Completion Date": done,
                   "English Language Learner": "YN"[i % 2], "Special Education": "N",
                   "Economically Disadvantaged": "NY"[i % 2]}
            if "Norming Window" in headers:
                row["Norming Window"] = NORMING[window]
            for d, h in enumerate(domains(layout)):
                row[h] = PLACEMENTS[(i + d + 2 * w) % len(PLACEMENTS)]
            rows.append(row)
    retest = dict(rows[0])
    retest |= {"Start Date": f"09-03-{year}", "Completion Date": f"09-03-{year}"}
    retest |= {h: PLACEMENTS[(d + 4) % 5] for d, h in enumerate(domains(layout))}
    rows.append(retest)
    return rows


def window_of(row: dict[str, str]) -> tuple[str, datetime]:
    text = row["Completion Date"]
    when = datetime.strptime(text, "%m-%d-%Y" if "-" in text else "%m/%d/%Y")
    if "Norming Window" in row:
        return row["Norming Window"], when
    # i-Ready's own windows, as the preset's [terms] say: Fall to November 15, Winter to March 1
    md = (when.month, when.day)
    fall = (8, 1) <= md <= (11, 15)
    return ("Fall" if fall else "Spring" if (3, 2) <= md <= (7, 31) else "Winter"), when


def expected(layout: str, rows: list[dict[str, str]]) -> dict[tuple, tuple[int, int]]:
    """(window, domain) -> (students, proficient); of a student's diagnostics in one window the
    latest by Completion Date counts."""
    latest: dict[tuple, tuple[datetime, dict]] = {}
    for r in rows:
        window, when = window_of(r)
        key = (window, r["Student ID"])
        if key not in latest or when >= latest[key][0]:
            latest[key] = (when, r)
    out: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for (window, _student), (_when, r) in latest.items():
        for h in domains(layout):
            if r[h] != "Not Assessed":
                skill = h.removesuffix(" Relative Placement")
                out[(window, skill)][0] += 1
                out[(window, skill)][1] += r[h] in PROFICIENT
    return {k: (v[0], v[1]) for k, v in out.items()}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_iready_layout_is_read_exactly(db, layout):
    preset, year, file_name = LAYOUTS[layout]
    rows = make_rows(layout, year)
    data = layout_rows(layout, rows, blank=r"Relative Placement$")
    p = prepare(data, file_name)
    assert p.detection.name == preset
    assert p.detection.word == "high" and p.detection.confidence >= HIGH
    assert p.report.ok(), p.report.errors
    assert p.report.rows_replaced == 1 and p.report.rows_without_term == 0
    result = import_file(db, data, file_name)
    assert result.students == 7
    df = metrics.skill_summary(db)
    assert set(df["assessment"]) == {NAMES[preset]}
    got = {(r.term, r.skill): (int(r.students), int(r.proficient)) for r in df.itertuples()}
    want = expected(layout, rows)
    assert got == want
    # the domains as i-Ready names them: "Reading Comprehension: Literature" in 2019-2022,
    # "Comprehension: Literature" from 2023-24; "Phonics", "Geometry" …
    assert {k[1] for k in got} == {h.removesuffix(" Relative Placement") for h in domains(layout)}
    windows = {k[0] for k in got}
    assert windows == ({NORMING[w] for w in NORMING} if "Norming Window" in HEADERS[layout]
                       else {"Fall", "Winter", "Spring"})


def test_the_groups_and_zero_padded_grades_are_kept(db):
    rows = make_rows("iready_ela_2022", 2022)
    import_file(db, layout_rows("iready_ela_2022", rows, blank=r"Relative Placement$"), "diagnostic_results_ela.csv")
    ell = {r[0] for r in db.rows("SELECT st.local_id FROM student_group sg JOIN student st ON st.id = sg.student_id"
                                 " WHERE sg.group_name = 'ELL'")}
    assert ell == {r["Student ID"] for r in rows if r["English Language Learner"] == "Y"}
    assert dict(db.rows("SELECT local_id, grade FROM student"))["13663"] in ("05", "5")


@pytest.mark.parametrize(("layout", "preset"), [("iready_ela_2018_reduced", "iready_diagnostic_reading_2018"),
                                              ("iready_math_2018_reduced", "iready_diagnostic_math_2018")])
def test_the_reduced_2018_layout_has_its_own_preset(layout, preset):
    # read by placement against grade (tests/ingest/test_presets_iready_2018.py)
    found = detect_layout(read_upload(layout_csv(layout), "x.csv", sheets="*"), "x.csv")
    assert found.name == preset and found.word == "high"


@pytest.mark.parametrize("layout", [n for n in sorted(HEADERS) if n.startswith("iready_") and "2018" not in n])
def test_the_2018_presets_are_not_picked_for_later_layouts(layout):
    found = detect_layout(read_upload(layout_csv(layout), "x.csv", sheets="*"), "x.csv")
    assert found.name in MY_PRESETS


# -- not the other vendors' files ----------------------------------------------------------------
OTHERS = [n for n in sorted(HEADERS) if not n.startswith(("nwea_", "iready_"))] + sorted(
    p.name for p in (Path(__file__).parent / "fixtures").glob("*.csv")
    if not p.name.startswith(("nwea_", "iready_"))
)


@pytest.mark.parametrize("name", OTHERS)
def test_no_iready_preset_is_picked_for_another_vendors_file(name):
    data = layout_csv(name) if name in HEADERS else (Path(__file__).parent / "fixtures" / name).read_bytes()
    found = detect_layout(read_upload(data, name if name.endswith(".csv") else f"{name}.csv", sheets="*"), name)
    assert found.name not in MY_PRESETS
    assert all(c.word == "low" for c in found.candidates if c.name in MY_PRESETS)


@pytest.mark.parametrize("layout", [n for n in sorted(HEADERS) if n.startswith("nwea_")])
def test_no_iready_preset_is_picked_for_an_nwea_file(layout):
    found = detect_layout(read_upload(layout_csv(layout), f"{layout}.csv", sheets="*"), f"{layout}.csv")
    assert found.name not in MY_PRESETS
