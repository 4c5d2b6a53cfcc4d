"""Hostile csv files on the upload page: one error naming the limit, no exception, nothing
written (issue "Hostile files and text hurt no one")."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import db as db_module
from tests import badcsv

APP = str(Path(__file__).resolve().parents[2] / "app.py")

CASES = [
    ("line.csv", badcsv.one_long_line, "has 100,000 columns; collabplan reads up to 16,384"),
    ("ragged.csv", badcsv.ragged_big_field, "holds more than 128 KB of text"),
    ("dup.csv", badcsv.repeated_headers, "all have the header 'Q1'"),
]


@pytest.mark.parametrize(("name", "make", "says"), CASES, ids=[c[0] for c in CASES])
def test_a_hostile_csv_is_one_error_on_the_page(db_path, name, make, says) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    at.file_uploader[0].set_value((name, make(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and says in errors[0] and name in errors[0]
    assert not any(b.label.startswith("Import") for b in at.button)
    assert db_module.connect(db_path).scalar("SELECT count(*) FROM upload") == 0


def test_a_mixed_encoding_csv_shows_which_lines_were_read_another_way(db_path) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    at.file_uploader[0].set_value(("mixed.csv", badcsv.mixed_encoding(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = "\n".join(str(e.value) for kind in ("warning", "markdown", "caption", "info")
                      for e in getattr(at, kind))
    assert "read as Windows-1252" in shown and "line 4" in shown
