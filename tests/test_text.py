"""clean_text: the one cleaner for imported cells and typed text; and the counts, numbers and
tables a teacher reads."""

import datetime as dt
import unicodedata

import pandas as pd
import pytest

from collabplan import text
from collabplan.text import clean_text, has_control_characters


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ana\x07 Lee", "Ana Lee"),  # BEL
        ("Ana\x00Lee", "AnaLee"),  # NUL
        ("what\x0bworked", "whatworked"),  # vertical tab
        ("page\x0cbreak", "pagebreak"),  # form feed
        ("esc\x1b[31mred", "esc[31mred"),  # an ANSI escape loses its ESC
        ("del\x7f", "del"),
        ("c1\x85\x9bend", "c1end"),  # NEL and CSI from the C1 block
        ("half\ud800pair", "halfpair"),  # a lone surrogate
    ],
)
def test_clean_text_removes_control_characters(raw, clean):
    assert has_control_characters(raw)
    assert clean_text(raw) == clean
    assert not has_control_characters(clean_text(raw))


def test_clean_text_keeps_tab_and_newline_and_normalises_line_ends():
    assert clean_text("a\tb\nc") == "a\tb\nc"
    assert clean_text("one\r\ntwo\rthree") == "one\ntwo\nthree"
    assert not has_control_characters("a\tb\r\nc")


def test_clean_text_gives_nfc_and_leaves_ordinary_text_alone():
    decomposed = "Zo\u0065\u0301"  # e + combining acute
    assert clean_text(decomposed) == "Zoé"
    assert unicodedata.is_normalized("NFC", clean_text(decomposed))
    for ordinary in ("Ana Lee", "  padded  ", "Þórunn Ó'Brien", "李小龍", "emoji 🙂", ""):
        assert clean_text(ordinary) == unicodedata.normalize("NFC", ordinary)


def test_clean_text_takes_none_and_non_text():
    assert clean_text(None) == ""
    assert clean_text(42) == "42"
    assert not has_control_characters(None)


# -- counts, numbers and tables a teacher reads ----------------------------------------------
@pytest.mark.parametrize(("n", "noun", "said"), [
    (1, "goal", "1 goal"), (2, "goal", "2 goals"), (0, "agenda", "0 agendas"),
    (2, "class", "2 classes"), (3, "priority", "3 priorities"), (2, "day", "2 days"),
    (2, "more date", "2 more dates"), (1200, "score", "1,200 scores"), (2, "person", "2 people"),
])
def test_count_says_the_noun_in_the_right_form(n, noun, said):
    assert text.count(n, noun) == said


def test_count_says_agrees_the_verb():
    assert text.count_says(1, "goal", "serves", "serve") == "1 goal serves"
    assert text.count_says(3, "goal", "serves", "serve") == "3 goals serve"
    assert text.count_says(1, "action", "has", "have") == "1 action has"


def test_numbers_are_rounded_as_a_teacher_reads_them():
    assert text.number(1234.4) == "1,234" and text.score(212.6) == "213"
    assert text.average(3.25) == "3.2" and text.average(4.0) == "4"
    assert text.number(53.65, 3) == "53.6"  # one decimal at most, whatever is asked
    assert text.pct(53.65) == "54%" and text.pct_exact(53.65) == "53.6%"
    for missing in (None, float("nan")):
        assert text.number(missing) == text.NO_VALUE == text.average(missing)
    assert text.score(None, none="not scored") == "not scored"


def test_cells_never_say_none_nan_or_nat():
    for missing in (None, float("nan"), pd.NaT, pd.NA):
        assert text.cell(missing) == text.NO_VALUE
        assert text.cell(missing, none="not yet") == "not yet"
    assert text.cell(dt.date(2026, 1, 20)) == "20 Jan 2026"
    assert text.cell(pd.Timestamp("2026-01-20")) == "20 Jan 2026"
    assert text.cell(pd.Timestamp("2026-01-20 14:03")) == "20 Jan 2026, 14:03"
    assert text.cell(True) == "yes" and text.cell(False) == "no"
    assert text.cell(12345) == "12,345" and text.cell(2.345) == "2.3" and text.cell("x") == "x"


def test_headings_are_words():
    assert text.heading("pct_proficient") == "% proficient"
    assert text.heading("expected") == "On track would be"
    assert text.heading("straight line") == "On track would be"
    assert text.heading("next_step_by") == "Next step by"
    assert text.heading("n") == "Students"


def test_table_shows_a_copy_in_words():
    frame = pd.DataFrame({"team": ["Grade 3", None], "pct_proficient": [53.65, None],
                          "when": [pd.Timestamp("2026-01-02 13:04"), pd.NaT], "n": [30, 31]})
    shown = text.table(frame, {"n": "Students scored"}, none={"team": "no team named"},
                       formats={"pct_proficient": text.pct})
    assert list(shown.columns) == ["Team", "% proficient", "When", "Students scored"]
    assert shown.iloc[0].tolist() == ["Grade 3", "54%", "2 Jan 2026, 13:04", "30"]
    assert shown.iloc[1].tolist() == ["no team named", "–", "–", "31"]
    assert frame["team"].isna().sum() == 1, "the data itself is not changed"
    picked = text.table(frame, columns=["n", "team"])
    assert list(picked.columns) == ["Students", "Team"]
    empty = text.table(frame.iloc[0:0])
    assert list(empty.columns) == ["Team", "% proficient", "When", "Students"] and empty.empty
