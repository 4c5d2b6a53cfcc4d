"""Renaissance Star extracts (SR/SM/SEL, v2 and v1) in the real header order are read exactly
with no mapping: the subject from the file's name, deactivated tests left out, a retest in a
window resolved by the latest date, a test outside every window placed by its date."""

from __future__ import annotations

from datetime import date

import pytest

from collabplan.ingest.detect import detect_layout
from collabplan.ingest.read import read_upload
from tests.real_layouts import HEADERS, layout_csv
from tests.vendor_rows import counts, expected_counts, import_exact, rows_csv

PROFICIENT = "At/Above Benchmark"
CATEGORIES = ["Urgent Intervention", "Intervention", "On Watch", PROFICIENT]

# (student, window name, completed local time, status, benchmark category): two windows, a
# deactivated test, a retest written before the test it replaces, a test outside every window
# (blank window, dated in April: Spring), and the Excel re-saved date form in one row.
TESTS = [
    ("10001", "Fall", "2023-09-12 10:39:00.000", "Active", PROFICIENT),
    ("10002", "Fall", "2023-09-20 09:05:11.200", "Active", PROFICIENT),  # the retest: later
    ("10002", "Fall", "2023-09-12 10:41:00.000", "Active", "On Watch"),
    ("10003", "Fall", "9/13/23 11:02", "Active", "Intervention"),
    ("10004", "Fall", "2023-09-13 11:20:00.000", "Deactivated", PROFICIENT),
    ("10004", "Fall", "2023-09-14 08:15:00.000", "Active", "Urgent Intervention"),
    ("10005", "Fall", "2023-09-14 08:30:00.000", "Active", PROFICIENT),
    ("10001", "Winter", "2024-01-10 10:00:00.000", "Active", "On Watch"),
    ("10002", "Winter", "2024-01-10 10:05:00.000", "Active", PROFICIENT),
    ("10003", "Winter", "2024-01-11 10:00:00.000", "Deactivated", "Intervention"),
    ("10005", "Winter", "2024-01-11 10:10:00.000", "Active", PROFICIENT),
    ("10006", "", "2024-04-15 13:08:05.063", "Active", PROFICIENT),
    ("10001", "", "2024-04-16 13:00:00.000", "Active", "On Watch"),
]


def _when(text: str) -> tuple:
    """Independent reading of the two date forms written above."""
    if "/" in text:
        d, t = text.split()
        m, day, y = (int(x) for x in d.split("/"))
        return (date(2000 + y, m, day), t)
    d, t = text.split()
    return (date.fromisoformat(d), t)


def _expected(skill: str) -> dict:
    latest: dict[tuple[str, str], tuple] = {}
    for sid, window, when, status, category in TESTS:
        if status == "Deactivated":
            continue
        term = window or ("Spring" if _when(when)[0].month in (3, 4, 5, 6) else "?")
        key = (sid, term)
        if key not in latest or _when(when) > latest[key][0]:
            latest[key] = (_when(when), category)
    return expected_counts(
        (skill, term, skill, sid, cat == PROFICIENT) for (sid, term), (_w, cat) in latest.items()
    )


def star_rows(layout: str) -> bytes:
    rows = []
    for sid, window, when, status, category in TESTS:
        row = {
            "StudentIdentifier": sid, "StudentSourcedID": sid, "StudentFirstName": f"First{sid}",
            "StudentLastName": f"Last{sid}", "AssessmentType": "Enterprise",
            "AssessmentStatus": status, "ScreeningPeriodWindowName": window,
            "CompletedDateLocal": when, "CompletedDate": when,
            "RenaissanceBenchmarkCategoryName": category,
            "RenaissanceBenchmarkCategoryLevel": str(4 - CATEGORIES.index(category)),
            "DeactivationReason": "Wrong Test" if status == "Deactivated" else "",
        }
        rows.append({k: v for k, v in row.items() if k in HEADERS[layout]})
    return rows_csv(layout, rows)


STAR_FILES = [
    ("star_sr_v2", "SR_v2_scrub.csv", "Star Reading"),
    ("star_sm_v2", "SM_V2_scrub.csv", "Star Math"),
    ("star_sel_v2", "SEL_v2.csv", "Star Early Literacy"),
    ("star_sr_v1", "SR_v1.csv", "Star Reading"),
    ("star_sm_v1", "SM_v1.csv", "Star Math"),
    ("star_sel_v1", "SEL_v1.csv", "Star Early Literacy"),
]


@pytest.mark.parametrize(("layout", "file_name", "skill"), STAR_FILES)
def test_star_extract_is_read_exactly(db, layout, file_name, skill):
    result = import_exact(db, star_rows(layout), file_name, "renaissance_star")
    assert result.students == 6
    want = _expected(skill)
    assert counts(db) == want
    # the numbers the rows above give, spelled out once
    assert want[(skill, "Fall", skill)] == (5, 3)
    assert want[(skill, "Winter", skill)] == (3, 2)
    assert want[(skill, "Spring", skill)] == (2, 1)


def test_reading_and_math_files_stay_two_assessments(db):
    import_exact(db, star_rows("star_sr_v2"), "SR_v2.csv", "renaissance_star")
    import_exact(db, star_rows("star_sm_v2"), "SM_v2.csv", "renaissance_star")
    got = counts(db)
    assert {(a, s) for a, _t, s in got} == {
        ("Star Reading", "Star Reading"), ("Star Math", "Star Math")
    }


def test_star_before_2019_is_read_exactly(db):
    rows = []
    for sid, window, when, status, category in TESTS:
        if "-" in when:  # this extract writes 10/29/2018 11:19:04
            d, t = when.split()
            y, m, day = d.split("-")
            when = f"{m}/{day}/{y} {t[:8]}"
        rows.append({
            "StudentLocalID": sid, "StudentFirst": f"First{sid}", "StudentLast": f"Last{sid}",
            "TestType": "Enterprise", "TestStatus": status, "WindowName": window,
            "GlobalWindow": window, "AssessmentDate": when,
            "ScreeningCategoryGroupAdjustment": category,
        })
    result = import_exact(db, rows_csv("star_sr_2018", rows), "TEST_1819_SM.csv", "renaissance_star_2018")
    assert result.students == 6
    assert counts(db) == _expected("Star Math")


def test_star_report_export_is_read_exactly(db):
    product = "Star Reading Enterprise Tests"
    rows = []
    for sid, window, when, status, category in TESTS:
        if status == "Deactivated":  # this export lists only active tests
            continue
        rows.append({
            "Student Identifier": sid, "Student First Name": f"First{sid}",
            "Student Last Name": f"Last{sid}", "Activity Type": product,
            "Screening Window Name": window, "Activity Completed Date": when,
            "District Benchmark Category": category, "School Benchmark Category": category,
            "State Benchmark Category": "Level 2",
        })
    result = import_exact(
        db, rows_csv("star_historical_ui", rows), "Historical Star Reading.csv", "renaissance_star_ui"
    )
    assert result.students == 6
    want = {(product, t, product): v for (_a, t, _s), v in _expected("Star Reading").items()}
    assert counts(db) == want


OTHER_VENDORS = [n for n in HEADERS if not n.startswith("star_")]


@pytest.mark.parametrize("name", OTHER_VENDORS)
def test_star_preset_is_not_picked_for_other_vendors(name):
    found = detect_layout(read_upload(layout_csv(name), f"{name}.csv", sheets="*"), f"{name}.csv")
    assert found.name not in ("renaissance_star", "renaissance_star_2018", "renaissance_star_ui")
