"""Projection mode's room helpers: tables as words that wrap, and the page's type raised."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.testing.v1 import AppTest

from collabplan.ui import present


def test_room_frame_applies_headings_formats_and_hidden_columns():
    frame = pd.DataFrame({
        "now": [34.125, None], "due": [dt.date(2026, 5, 29), None],
        "when": pd.to_datetime(["2026-12-05 13:18", None]),
        "scores": np.array([6951, 3], dtype="int64"), "share": [96.0, 1234.56],
        "note": ["ok", None], "secret": ["x", "y"],
    })
    shown = present.room_frame(frame, {
        "now": st.column_config.NumberColumn("Now", format="%.1f"),
        "when": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
        "due": "Target date", "secret": None,
    })
    assert list(shown.columns) == ["Now", "Target date", "When", "scores", "share", "note"]
    assert shown.iloc[0].tolist() == ["34.1", "29 May 2026", "5 Dec 2026, 13:18", "6,951", "96",
                                      "ok"]
    assert shown.iloc[1].tolist() == ["", "", "", "3", "1,234.6", ""], "empty cells are blank"


def test_room_frame_keeps_the_column_order_and_caps_the_rows():
    frame = pd.DataFrame({"a": range(100), "b": range(100)})
    shown = present.room_frame(frame, column_order=["b", "a"])
    assert list(shown.columns) == ["b", "a"] and len(shown) == present.ROOM_TABLE_ROWS


def _table_app(projected: bool) -> AppTest:
    def app(projected: bool) -> None:
        import pandas as pd
        import streamlit as st

        from collabplan import ui
        from collabplan.ui import present

        st.session_state[ui.PRESENT_KEY] = projected
        present.room()
        present.table(pd.DataFrame({"team": ["Grade 3"], "now": [34.12]}), hide_index=True,
                      column_config={"team": "Team"})

    at = AppTest.from_function(app, kwargs={"projected": projected}, default_timeout=30)
    return at.run()


def test_table_is_a_dataframe_at_a_desk_and_words_in_the_room():
    desk = _table_app(False)
    assert not desk.exception
    assert len(desk.dataframe) == 1 and len(desk.table) == 0
    room = _table_app(True)
    assert not room.exception
    assert len(room.dataframe) == 0 and len(room.table) == 1
    assert room.table[0].value.iloc[0].tolist() == ["Grade 3", "34.1"]


def test_room_css_raises_the_small_parts_of_a_page_to_16_px():
    css = present.ROOM_CSS
    assert "max(1em, 16px)" in css
    for part in ("stCaptionContainer", "stWidgetLabel", "stMetricLabel", "stExpander",
                 "stTable", "code", "button"):
        assert part in css, part
