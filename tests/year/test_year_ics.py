"""The .ics export read back by a calendar parser: every demo item once, with its dates."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from collabplan.year import calendar, ics
from collabplan.year.items import CalendarItem


def _events(data: bytes) -> dict[str, object]:
    parsed = Calendar.from_ical(data)
    events = parsed.walk("VEVENT")
    uids = [str(e["uid"]) for e in events]
    assert len(uids) == len(set(uids))
    return {str(e["uid"]): e for e in events}


def test_every_demo_item_once_with_its_dates(demo_db):
    found = calendar.items(demo_db, None)
    data = ics.calendar_ics(found, "Lincoln Community School")
    parsed = Calendar.from_ical(data)
    assert str(parsed["x-wr-calname"]) == "Lincoln Community School"
    events = _events(data)
    assert len(events) == len(found)
    for item in found:
        event = events[f"{item.uid}@collabplan"]
        assert event.decoded("dtstart") == item.on
        assert event.decoded("dtend") == calendar.last_day(item) + dt.timedelta(days=1)
        assert str(event["summary"]) == ics.summary(item)
        assert item.title in str(event["summary"])
        cats = [str(c) for c in event["categories"].cats]
        assert cats[0] == ics.KINDS[item.kind]
        assert (item.team in cats) if item.team else len(cats) == 1


def test_spans_end_the_day_after_their_last_day():
    item = CalendarItem(uid="w-1", on=dt.date(2026, 1, 19), ends=dt.date(2026, 1, 23),
                        kind="testing_window", title="Winter testing window")
    event = _events(ics.calendar_ics([item], "x"))["w-1@collabplan"]
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (
        dt.date(2026, 1, 19), dt.date(2026, 1, 24))
    assert isinstance(event.decoded("dtstart"), dt.date)
    assert not isinstance(event.decoded("dtstart"), dt.datetime)  # all-day


def test_text_comes_back_letter_for_letter():
    hostile = "=HYPERLINK(\"x\"); a, b\\c\nnew line <b>"
    item = CalendarItem(uid="p-1", on=dt.date(2026, 2, 4), kind="plan", title=hostile,
                        team="Team; A, B", detail=hostile, done=True)
    data = ics.calendar_ics([item], hostile)
    assert str(Calendar.from_ical(data)["x-wr-calname"]).startswith("=HYPERLINK")
    event = _events(data)["p-1@collabplan"]
    assert str(event["summary"]) == f"Team; A, B: Year plan: {hostile}"
    assert str(event["description"]).startswith(hostile)
    assert "(done)" in str(event["description"])


def test_the_same_items_give_the_same_uids_on_every_export(demo_db):
    first = _events(ics.calendar_ics(calendar.items(demo_db, None), "a"))
    second = _events(ics.calendar_ics(calendar.items(demo_db, None), "a"))
    assert first.keys() == second.keys()


def test_file_names():
    assert ics.file_name() == "school-year.ics"
    assert ics.file_name("Grade 3 Reading") == "school-year-grade-3-reading.ics"
    assert ics.file_name("../..") == "school-year-team.ics"
