"""[terms] windows with day boundaries (i-Ready: Fall to November 15, Winter November 16 to
March 1, Spring from March 2): the days either side of each cut-off, a window over the new
year, whole months beside days, and one line per mistake."""

from __future__ import annotations

import pytest

from collabplan.errors import UserError
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.mapping_tables import term_bounds, window_days
from collabplan.ingest.normalise.prepare import prepare_sheets
from tests.raw_sheets import sheet

BASE = '[columns]\nstudent_id = "ID"\ndate = "Date"\n[scores]\ncolumns = ["S"]\nmax = 100\n'
IREADY = '[terms]\nFall = ["08-01", "11-15"]\nWinter = ["11-16", "03-01"]\nSpring = ["03-02", "07-31"]\n'


def terms_of(dates: list[str], terms: str = IREADY) -> dict[str, str | None]:
    m = Mapping.from_toml(BASE + terms, name="t")
    rows = [["ID", "Date", "S"]] + [[str(i + 1), d, "80"] for i, d in enumerate(dates)]
    p = prepare_sheets([sheet(rows)], "f.csv", m)
    return {r["local_id"]: r["term"] for r in p.scores.to_pylist()}


def test_november_15_is_fall_and_november_16_is_winter():
    assert terms_of(["2024-11-15", "2024-11-16"]) == {"1": "Fall", "2": "Winter"}


def test_march_1_is_winter_and_march_2_is_spring():
    assert terms_of(["03/01/2025", "03/02/2025"]) == {"1": "Winter", "2": "Spring"}


def test_a_window_over_the_new_year_is_one_term_of_one_school_year():
    got = terms_of(["2024-11-20", "2024-12-31", "2025-01-01", "2025-02-28"])
    assert got == {"1": "Winter", "2": "Winter", "3": "Winter", "4": "Winter"}


def test_february_29_falls_in_its_window():
    assert terms_of(["2024-02-29", "2024-03-02"]) == {"1": "Winter", "2": "Spring"}


def test_two_school_years_split_at_the_first_window_s_first_day():
    got = terms_of(["2023-11-20", "2025-01-10", "2024-07-31", "2024-08-01"])
    assert got == {"1": "Winter 2023-24", "2": "Winter 2024-25", "3": "Spring", "4": "Fall"}


def test_whole_months_and_days_mix():
    terms = '[terms]\nFall = [8, "11-15"]\nWinter = ["11-16", 2]\n'
    got = terms_of(["2024-08-01", "2024-11-15", "2024-11-16", "2025-02-28", "2025-03-01"], terms)
    assert got == {"1": "Fall", "2": "Fall", "3": "Winter", "4": "Winter", "5": None}


def test_whole_months_still_work():
    got = terms_of(["2024-11-30", "2024-12-01"], "[terms]\nFall = [8, 11]\nWinter = [12, 2]\n")
    assert got == {"1": "Fall", "2": "Winter"}


def test_window_days_wrap_and_whole_months_end_on_their_last_day():
    days = window_days(*term_bounds("11-16", "03-01"))
    assert days[0] == (11, 16) and days[-1] == (3, 1) and (2, 29) in days and len(days) == 107
    assert window_days(*term_bounds(2, 2))[-1] == (2, 29)
    assert term_bounds(8, 11) == ((8, 1), (11, 30))


@pytest.mark.parametrize(
    ("terms", "says"),
    [
        ('Fall = ["11-31", 12]', r'\[terms\] Fall "11-31": November has no day 31'),
        ('Fall = ["13-01", 12]', r"\[terms\] Fall \"13-01\": month 13 is not a month 1-12"),
        ('Fall = ["Aug 1", 12]', r'\[terms\] Fall first day "Aug 1" is not "MM-DD"'),
        ("Fall = [8, 13]", r"\[terms\] Fall last month 13 is not a month 1-12"),
        ('Fall = ["08-01"]', r"\[terms\] Fall must be \[first, last\]"),
        ('Fall = ["08-01", "11-15"]\nWinter = ["11-15", "03-01"]', r"Winter overlaps Fall \(November 15 is in both\)"),
        ('Fall = [8, "11-20"]\nWinter = [11, 2]', r"Winter overlaps Fall \(November 1 is in both\)"),
    ],
)
def test_a_mistake_is_one_line_naming_the_term(terms, says):
    with pytest.raises(UserError, match=says) as info:
        Mapping.from_toml(BASE + "[terms]\n" + terms, name="t")
    assert "\n" not in str(info.value)
    assert 'e.g. Fall = [8, 11] or Fall = ["08-01", "11-15"]' in str(info.value) or "overlaps" in str(info.value)


def test_day_windows_round_trip_through_toml():
    m = Mapping.from_toml(BASE + IREADY, name="t")
    again = Mapping.from_toml(m.to_toml(), name="t")
    assert again.terms == m.terms == {
        "Fall": ("08-01", "11-15"), "Winter": ("11-16", "03-01"), "Spring": ("03-02", "07-31")
    }


def test_the_iready_presets_use_i_ready_s_own_cut_offs():
    from collabplan.ingest.mapping import presets

    for name in ("iready_diagnostic_reading", "iready_diagnostic_math"):
        terms = presets()[name].terms
        assert terms["Fall"][1] == "11-15" and terms["Winter"] == ("11-16", "03-01")
        assert terms["Spring"][0] == "03-02"
