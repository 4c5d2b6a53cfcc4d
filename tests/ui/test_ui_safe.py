"""collabplan.ui.safe: the cleaner every text box goes through, and the app's safety settings
(no table export of its own, listening on this computer only)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from collabplan.ui import safe

ROOT = Path(__file__).resolve().parents[2]


def test_clean_text_removes_controls_and_normalises():
    assert safe.clean_text("a\x00b\x07c\x0bd\x1be\x7f\x85f") == "abcdef"
    assert safe.clean_text("one\r\ntwo\rthree\n\tfour") == "one\ntwo\nthree\n\tfour"
    assert safe.clean_text("Ame\u0301lie") == "Amélie"  # NFC: one code point for é
    assert safe.clean_text("x\u202ey\u200bz\ufeff") == "xyz"  # direction override, zero width
    assert safe.clean_text(None) == ""
    assert safe.clean_text("Ms. O'Neil – 3ºB, 50%") == "Ms. O'Neil – 3ºB, 50%"


def test_clean_frame_cleans_and_caps_text_columns_only():
    frame = pd.DataFrame({"what": ["a\x07b", None, "x" * 900], "n": [1, 2, 3]})
    out = safe.clean_frame(frame, ("what", "missing"))
    assert out["what"][0] == "ab" and pd.isna(out["what"][1])
    assert len(out["what"][2]) == safe.LINE_LIMIT
    assert frame["what"][0] == "a\x07b", "the edited table itself is left alone"


_BOXES = """
import streamlit as st
from collabplan.ui import safe
left, right = st.columns(2)
st.session_state["name"] = safe.text_input(left, "Name", limit=safe.NAME_LIMIT, key="n")
st.session_state["note"] = safe.text_area(st, "Note", key="t")
st.session_state["old"] = safe.text_input(right, "Old", value="y" * 700, key="o")
"""


def test_text_boxes_return_cleaned_capped_text():
    at = AppTest.from_string(_BOXES).run()
    assert not at.exception
    name, old = at.text_input
    assert name.proto.max_chars == safe.NAME_LIMIT
    assert old.proto.max_chars == 700, "a longer saved value keeps its length (no crash)"
    assert at.text_area[0].proto.max_chars == safe.PARAGRAPH_LIMIT
    name.input("Ms\x07 Lee\r\n").run()
    at.text_area[0].input("line one\r\nline\x0b two").run()
    assert at.session_state["name"] == "Ms Lee\n"
    assert at.session_state["note"] == "line one\nline two"


def test_config_turns_table_export_off_and_listens_on_this_computer():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
    assert config["server"]["address"] == "127.0.0.1"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "streamlit run app.py" in readme and "http://127.0.0.1:8501" in readme
    assert "0.0.0.0" not in config["server"].get("address", "")


def test_the_app_turns_table_export_off_however_it_is_started(db):
    """Without the config file (a start from another folder) app.py sets the option itself."""
    from streamlit import config

    config.set_option("client.disableDataExport", False)
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        assert not at.exception, [(e.message, e.stack_trace) for e in at.exception]
        assert config.get_option("client.disableDataExport") is True
    finally:
        config.set_option("client.disableDataExport", True)
