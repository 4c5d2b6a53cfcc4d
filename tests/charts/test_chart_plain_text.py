"""Chart builders take names as text: Plotly's own HTML and $ maths cannot start in them."""

from __future__ import annotations

import pandas as pd

from collabplan.charts.style import plain, text_as_text


def test_text_as_text_escapes_arguments_once():
    @text_as_text
    def builder(frame, name, *, names=(), count=0):
        return frame, name, names, count

    frame = pd.DataFrame({"skill": ["<b>x</b>", None], "n": [1, 2]})
    out, name, names, count = builder(frame, "$$x$$ & co", names=["<a href=x>"], count=3)
    assert out["skill"][0] == "&lt;b&gt;x&lt;/b&gt;" and pd.isna(out["skill"][1])
    assert frame["skill"][0] == "<b>x</b>", "the caller's frame is not changed"
    assert name == "&#36;&#36;x&#36;&#36; &amp; co" and names == ["&lt;a href=x&gt;"] and count == 3
    assert plain("Fall 2025 – grade 3") == "Fall 2025 – grade 3"
