"""clean_text: the one cleaner for imported cells and typed text."""

import unicodedata

import pytest

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
