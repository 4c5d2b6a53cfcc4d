"""User text on screen is text: one escaper for Markdown, and one cleaner for every text box.

Almost everything Streamlit draws parses its string as Markdown: ``st.markdown``, captions,
alerts, toasts, headers, ``st.write`` of a string, and the labels of widgets, expanders, tabs,
metrics, radio options and help tooltips. A name, skill, note, goal or file name put there as it
is would become a link, an image fetched from another host, LaTeX or HTML. :func:`md` makes any
value inert inside such a string by backslash-escaping what could start markup, so no link,
image, emphasis, code span, heading, list, table, autolink (``http://``, ``www.``, ``a@b``),
HTML tag or entity, ``$`` math or Streamlit directive (``:red[…]``) can start inside it, and
line breaks stay line breaks. The app's own wording around it keeps its Markdown:
``st.markdown(f"**{md(goal.team)}**")``. Raw HTML the app writes (the staff-meeting slides)
takes user text through :func:`html_text` instead.

Selectbox and multiselect options are plain text in Streamlit and need no escaping; a whole
string that is only user text may also go to ``st.text``.

Every ``st.text_input``/``st.text_area`` goes through :func:`text_input`/:func:`text_area`: the
browser is told the field's length cap, and what comes back is cleaned by :func:`clean_text`
(control characters out, newlines normalised, NFC) and cut to the cap before anything stores it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from collabplan.text import clean_text

#: Length caps (characters) for typed text: a name or title, a short line, a paragraph.
NAME_LIMIT = 120
LINE_LIMIT = 500
PARAGRAPH_LIMIT = 5_000

# Characters that start Markdown, HTML, math or Streamlit markup wherever they stand.
# (An underscore inside a word, as in a file name, cannot start emphasis and stays as it is.)
_ALWAYS = re.compile(r"([\\`*~\[\]<>|$]|(?<!\w)_|_(?!\w))")
# Markup that only counts in some places: an entity (&amp;), a shortcode or icon (:smile:,
# :material/flag:), the autolinks GFM makes of bare addresses (http://, www., a@b).
_ENTITY = re.compile(r"&(?=#?\w+;)")
_SHORTCODE = re.compile(r":(?=[\w+/-]+:)")
_AUTOLINK = re.compile(r"(?<=\w)(:)(?=//)|(?<=\bwww)(\.)|(@)", re.IGNORECASE)
# What makes a line a heading, list item, quote, rule or setext underline.
_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+[.)])")
# HTML's own specials and Markdown's (as numeric entities in raw HTML).
_HTML_SPECIALS = re.compile(r"([&<>\"'\\`*_~\[\]|$])")
# C0 and C1 control characters, DEL, and the Unicode line/paragraph separators: everything
# but tab and newline. Zero-width and bidi controls (format characters) go too.

def md(value: Any) -> str:
    """``value`` as a string that Markdown shows letter for letter (None -> "").

    Backslash-escapes (CommonMark allows one before any ASCII punctuation) every character
    that could start a link, image, emphasis, code, table, HTML tag, ``$`` math or Streamlit
    directive, and the few that only matter in place (an entity's ``&``, a shortcode's ``:``,
    the ``://``, ``www.`` and ``@`` of bare addresses, a line's leading ``#``, ``-``, ``+``,
    ``=``, ``>`` or ``1.``), so ordinary words, numbers and dates keep their plain look in
    the page source. Line breaks become Markdown hard breaks: a multi-line note keeps its
    lines and no line of it can become a heading, list or quote.
    """
    if value is None:
        return ""
    lines = []
    for line in str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _ALWAYS.sub(r"\\\1", line)
        line = _ENTITY.sub(r"\\&", line)
        line = _SHORTCODE.sub(r"\\:", line)
        line = _AUTOLINK.sub(lambda m: "\\" + m.group(0), line)
        line = _LINE_START.sub(_escape_line_start, line)
        lines.append(line)
    return "  \n".join(lines)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, mark = match.group(1), match.group(2)
    if mark[0].isdigit():  # "1." / "1)": the number stays, the dot or parenthesis is escaped
        return f"{indent}{mark[:-1]}\\{mark[-1]}"
    return f"{indent}\\{mark}"


def html_text(value: Any) -> str:
    """``value`` for the inside of an HTML element that ``st.markdown(..., unsafe_allow_html=True)``
    draws: HTML's specials and Markdown's (``& < > " ' \\ ` * _ ~ [ ] | $``) as numeric
    entities (and the ``://``, ``www.`` and ``@`` of bare addresses), so neither a tag nor
    Markdown nor ``$`` math nor an autolink can start, and each line break as
    ``<br>``, so no blank line ends the HTML block and lets Markdown back in. None -> "".
    """
    if value is None:
        return ""
    entity = lambda m: f"&#{ord(m.group(0)[-1])};"  # noqa: E731
    escaped = _AUTOLINK.sub(entity, _HTML_SPECIALS.sub(entity, str(value)))
    return "<br>".join(line.strip("\r") for line in escaped.split("\n"))


def clean_frame(frame: Any, columns: Iterable[str]) -> Any:
    """A copy of an edited table (``st.data_editor``) with its text ``columns`` cleaned by
    :func:`clean_text` and cut to :data:`LINE_LIMIT`; blanks stay blank (None/NaN)."""
    out = frame.copy()
    for column in columns:
        if column in out.columns:
            out[column] = out[column].map(
                lambda v: clean_text(v)[:LINE_LIMIT] if isinstance(v, str) else v
            )
    return out


def _limit(limit: int, value: Any) -> int:
    # Text stored before the cap existed may be longer; Streamlit refuses a value over
    # max_chars, so such a field keeps its length (it can only get shorter).
    return max(limit, len(value)) if isinstance(value, str) else limit


def text_input(where: Any, label: str, *, limit: int = LINE_LIMIT, **kwargs: Any) -> str:
    """``where.text_input(label, ...)`` (``where`` is ``st`` or a column/container), cleaned.

    Returns :func:`clean_text` of what was typed, cut to ``limit`` characters (the browser
    already stops at ``limit``; the cut covers any other client).
    """
    cap = _limit(limit, kwargs.get("value"))
    raw = where.text_input(label, max_chars=cap, **kwargs)
    return clean_text(raw)[:cap]


def text_area(where: Any, label: str, *, limit: int = PARAGRAPH_LIMIT, **kwargs: Any) -> str:
    """``where.text_area(label, ...)``, cleaned and capped like :func:`text_input`."""
    cap = _limit(limit, kwargs.get("value"))
    raw = where.text_area(label, max_chars=cap, **kwargs)
    return clean_text(raw)[:cap]
