"""Dates (issue 14): every common export form, day and month decided by the whole column,
[source] date_format, unreadable and unlikely dates counted with examples."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from collabplan.errors import UserError
from collabplan.ingest.mapping import Mapping
from collabplan.ingest.normalise.prepare import prepare_sheets
from collabplan.ingest.read import RawSheet
from tests.raw_sheets import sheet


def mapping(extra: str = "") -> Mapping:
    return Mapping.from_toml(
        f'{extra}\n[columns]\nstudent_id = "ID"\ndate = "Date"\nterm = "Term"\n'
        '[scores]\ncolumns = ["S"]\nmax = 1',
        name="t",
    )


def dates_of(values: list[str], extra: str = "") -> tuple[list[dt.date | None], object]:
    """Each value's date (a term per row keeps every row its own administration)."""
    rows = [["ID", "Date", "Term", "S"]] + [[str(i), v, f"T{i}", "1"] for i, v in enumerate(values)]
    p = prepare_sheets([sheet(rows)], "f.csv", mapping(extra))
    by_term = {a["term"]: a["date"] for a in p.administrations.to_pylist()}
    return [by_term[f"T{i}"] for i in range(len(values))], p.report


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-05-02", dt.date(2023, 5, 2)),
        ("2023-05-02 20:08:05.063", dt.date(2023, 5, 2)),
        ("2024-01-17T15:31:41Z", dt.date(2024, 1, 17)),
        ("2026/09/27 3:00:00 PM GMT+3", dt.date(2026, 9, 27)),
        ("9/12/23 10:39", dt.date(2023, 9, 12)),  # not year 0023
        ("9/12/2023 10:39 AM", dt.date(2023, 9, 12)),
        ("09-03-2024", dt.date(2024, 9, 3)),
        ("10-8-2019 0:00", dt.date(2019, 10, 8)),
        ("16-Aug-22", dt.date(2022, 8, 16)),
        ("14 Oct 2025", dt.date(2025, 10, 14)),
        ("Oct 14, 2025", dt.date(2025, 10, 14)),
        ("45200", dt.date(2023, 10, 1)),  # an Excel serial
        ("45200.5", dt.date(2023, 10, 1)),
        ("20231014", dt.date(2023, 10, 14)),
        ("1/1/68", dt.date(2068, 1, 1)),  # two-digit years as Python reads them
    ],
)
def test_every_common_export_form_is_read(text, expected):
    got, report = dates_of([text])
    assert got == [expected]
    assert report.dates_unreadable == 0


def test_a_day_first_column_is_decided_by_one_value_over_12():
    got, report = dates_of(["03/04/2024", "05/06/2024", "13/04/2024"])
    assert got == [dt.date(2024, 4, 3), dt.date(2024, 6, 5), dt.date(2024, 4, 13)]
    assert not any("day or month first" in w for w in report.warnings)


def test_dashes_day_first_too():
    got, _ = dates_of(["09-03-2024", "25-03-2024"])
    assert got == [dt.date(2024, 3, 9), dt.date(2024, 3, 25)]


def test_a_month_first_column_is_decided_by_a_second_value_over_12():
    got, report = dates_of(["03/04/2024", "04/13/2024"])
    assert got == [dt.date(2024, 3, 4), dt.date(2024, 4, 13)]
    assert not any("day or month first" in w for w in report.warnings)


def test_a_column_that_cannot_decide_is_read_month_first_with_a_warning_naming_it():
    got, report = dates_of(["03/04/2024", "05/06/2024"])
    assert got == [dt.date(2024, 3, 4), dt.date(2024, 5, 6)]
    [w] = [w for w in report.warnings if "day or month first" in w]
    assert "'Date'" in w and "month first" in w and "date_format" in w


def test_date_format_settles_a_column_that_cannot_decide():
    got, report = dates_of(["03/04/2024", "05/06/2024"], '[source]\ndate_format = "%d/%m/%Y"')
    assert got == [dt.date(2024, 4, 3), dt.date(2024, 6, 5)]
    assert not any("day or month first" in w for w in report.warnings)


def test_the_whole_column_wins_over_a_date_format_it_contradicts():
    got, _ = dates_of(["03/04/2024", "04/13/2024"], '[source]\ndate_format = "%d/%m/%Y"')
    assert got == [dt.date(2024, 3, 4), dt.date(2024, 4, 13)]


def test_a_column_with_both_orders_warns():
    got, report = dates_of(["13/04/2024", "04/13/2024"])
    assert any("day first and others month first" in w for w in report.warnings)
    assert got[1] == dt.date(2024, 4, 13) and got[0] is None
    assert report.dates_unreadable == 1


def test_unreadable_dates_are_counted_with_examples_and_the_rows_kept():
    got, report = dates_of(["garbage", "2/30/2024", "2024-03-01"])
    assert got == [None, None, dt.date(2024, 3, 1)]
    assert report.dates_unreadable == 2 and report.scores == 3
    [w] = [w for w in report.warnings if "could not be read" in w]
    assert "'garbage' at row 2" in w and "'2/30/2024' at row 3" in w and "'Date'" in w


def test_dates_before_1990_or_after_next_year_are_a_warning_not_a_drop():
    far = dt.date.today().year + 2
    got, report = dates_of(["1/2/1985", f"1/2/{far}", "1/2/2024"])
    assert got == [dt.date(1985, 1, 2), dt.date(far, 1, 2), dt.date(2024, 1, 2)]
    assert report.dates_out_of_range == 2 and report.scores == 3
    [w] = [w for w in report.warnings if "before 1990" in w]
    assert "'1985-01-02' at row 2" in w


def test_a_serial_number_is_a_date_and_a_blank_date_is_no_date():
    rows = pa.table(
        {
            "c0": pa.array(["ID", "1", "2"]),
            "c1": pa.array(["Date", "45200", None]),
            "c2": pa.array(["Term", "A", "B"]),
            "c3": pa.array(["S", "1", "1"]),
        }
    )
    p = prepare_sheets([RawSheet(name="Sheet1", table=rows)], "f.csv", mapping())
    assert {a["term"]: a["date"] for a in p.administrations.to_pylist()} == {
        "A": dt.date(2023, 10, 1),
        "B": None,
    }


def test_assessment_date_is_read_like_a_cell_and_refused_when_no_date():
    m = Mapping.from_toml(
        '[assessment]\ndate = "9/12/23"\n[columns]\nstudent_id = "ID"\n[scores]\ncolumns = ["S"]\nmax = 1',
        name="t",
    )
    p = prepare_sheets([sheet([["ID", "S"], ["1", "1"]])], "f.csv", m)
    assert p.administrations.to_pylist()[0]["date"] == dt.date(2023, 9, 12)
    with pytest.raises(UserError, match=r"\[assessment\] date"):
        prepare_sheets([sheet([["ID", "S"], ["1", "1"]])], "f.csv", m.copy(assessment_date="soon"))


@pytest.mark.parametrize(
    "column",
    [
        pa.array([None, dt.datetime(2023, 9, 12, 10, 39), dt.datetime(2024, 1, 5)], pa.timestamp("us")),
        pa.array([None, dt.date(2023, 9, 12), dt.date(2024, 1, 5)], pa.date32()),
        pa.array([None, 45181.44, 45296.0], pa.float64()),  # serials in a number column
    ],
    ids=["timestamp", "date", "serial"],
)
def test_workbook_date_cells_are_read(column):
    table = pa.table(
        {
            "c0": pa.array([None, "1", "2"]),
            "c1": column,
            "c2": pa.array([None, "A", "B"]),
            "c3": pa.array([None, 1.0, 1.0]),
        }
    )
    head = pa.table({"c0": ["ID"], "c1": ["Date"], "c2": ["Term"], "c3": ["S"]})
    raw = RawSheet(name="Sheet1", table=table, head=head)
    p = prepare_sheets([raw], "f.xlsx", mapping())
    assert {a["term"]: a["date"] for a in p.administrations.to_pylist()} == {
        "A": dt.date(2023, 9, 12),
        "B": dt.date(2024, 1, 5),
    }
    assert p.report.dates_unreadable == 0
