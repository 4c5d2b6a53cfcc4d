"""User text is shown as text: no name, note or file name becomes an image, link, LaTeX or HTML.

A school whose every imported name is a payload (student, class, teacher, skill, assessment,
testing window, file, team, uploader; a goal, priority, action, feedback and signpost too) is
opened page by page, and every string a page hands to Streamlit's Markdown renderer is read:
bodies of markdown, captions, alerts and toasts, the labels and help of every widget,
expander and tab, radio options. None may hold live markup once escapes are taken out. Then
every text box on every page is filled with the payloads (and a control character) and saved,
and the pages are walked again; the database must hold no control character.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from collabplan import db as db_module
from collabplan.ingest.mapping import Mapping
from collabplan.ui import safe
from tests import factories
from tests.apptest_tree import strings
from tests.hostile_text import (
    BELL,
    FILE_NAME,
    HOSTILE_MAPPING,
    IMAGE,
    LINK,
    PAYLOADS,
    hostile_csv,
    live_markup,
    load_hostile_school,
)

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
#: People & audit log is walked by tests/pages/test_people_page.py: its Add takes a real email
#: address first, which no payload is, so this walk could never store what it typed there.
PAGES = [p for p in dict.fromkeys(re.findall(r'"(pages/[a-z_]+\.py)"', (ROOT / "app.py").read_text()))
         if (ROOT / p).exists() and p != "pages/people.py"]
#: Elements whose options Streamlit renders as Markdown (a select box's options are plain text).
MARKDOWN_OPTIONS = {"radio", "button_group"}
#: Buttons that save what was typed (never delete, undo or import).
SAVES = re.compile(r"^(Add|Save|Send|Start|Open the round|Mark answered)\b")
#: What Plotly would draw as a link, an image or (with MathJax) maths.
CHART_MARKUP = re.compile(r"<\s*(a|img|script|iframe|svg)\b|\$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def markdown_strings(at: AppTest) -> Iterator[tuple[str, str, str]]:
    """(where, text, mode) for every string the page renders as Markdown or HTML (the mode
    is :func:`tests.hostile_text.live_markup`'s)."""
    for root in (at.main, at.sidebar):
        for node in root:
            proto = getattr(node, "proto", None)
            if proto is None or not hasattr(proto, "DESCRIPTOR"):
                continue
            fields = MessageToDict(proto)
            kind = getattr(node, "type", type(node).__name__)
            mode = ("html" if kind == "html"
                    else "markdown+html" if fields.get("allowHtml") else "markdown")
            for key in ("label", "help"):
                if isinstance(fields.get(key), str):
                    yield f"{kind} {key}", fields[key], "markdown"
            if kind != "metric" and isinstance(fields.get("body"), str):
                yield f"{kind} body", fields["body"], mode
            if kind in MARKDOWN_OPTIONS:
                for option in fields.get("options", []):
                    if isinstance(option, str):
                        yield f"{kind} option", option, "markdown"
    for toast in at.toast:
        yield "toast", toast.value, "markdown"


def chart_strings(at: AppTest) -> Iterator[str]:
    """Every string of every Plotly figure on the page (titles, ticks, hover, data)."""
    for node in at.main:
        if getattr(node, "type", None) == "plotly_chart":
            yield from strings(json.loads(MessageToDict(node.proto)["spec"]), read_json=False)


def assert_no_live_markup(at: AppTest, where: str) -> list[str]:
    """Fail on any live markup; return every Markdown string read (for further checks)."""
    assert not at.exception, f"{where}: {[e.value for e in at.exception]}"
    seen = []
    for kind, text, mode in markdown_strings(at):
        seen.append(text)
        found = live_markup(text, mode=mode)
        assert not found, f"{where}: {kind} renders {found}: {text[:200]!r}"
    for text in chart_strings(at):
        assert not CHART_MARKUP.search(text), f"{where}: a chart draws {text[:200]!r}"
    return seen


def _open(page: str, **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    return at


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The hostile school (COLLABPLAN_DB points at it for this module)."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLLABPLAN_DB", str(path))
        db = db_module.connect(path)
        load_hostile_school(db)
        db.close()
        yield path
        db_module.close(path)


def test_the_check_finds_every_payload_and_passes_it_escaped():
    at = AppTest.from_string(
        "import streamlit as st\n"
        "from collabplan.ui import safe\n"
        "from tests.hostile_text import PAYLOADS\n"
        "raw = st.toggle('escaped')\n"
        "show = safe.md if raw else (lambda v: v)\n"
        "for p in PAYLOADS:\n"
        "    st.markdown(show(p))\n"
        "    st.caption(show(p))\n"
        "    with st.expander(show(p)):\n"
        "        st.button(show(p), key=p)\n"
        "st.radio('r', [show(p) for p in PAYLOADS])\n"
    ).run()
    found: dict[str, set[str]] = {}
    for _, text, _ in markdown_strings(at):
        found.setdefault(text, set()).update(live_markup(text))
    assert {"image", "link", "autolink"} <= found[IMAGE]
    assert "link" in found[LINK] and "latex" in found["$$x$$"]
    assert "html tag" in found["<img src=x onerror=alert(1)>"]
    at.toggle[0].set_value(True).run()
    assert_no_live_markup(at, "escaped")


def test_md_escapes_markup_and_keeps_plain_words_plain():
    assert safe.md("Fall 2025-2026: 80% (grade 3), Ms. O'Neil & co.") == (
        "Fall 2025-2026: 80% (grade 3), Ms. O'Neil & co."
    )
    assert safe.md("StudentsBySchool_Hillside.csv") == "StudentsBySchool_Hillside.csv"
    assert safe.md("# one\n- two\n1. three") == "\\# one  \n\\- two  \n1\\. three"
    for text in (*PAYLOADS, "see www.evil.example", "mail a@b.example", "&lt;b&gt;", ":red[x]",
                 "**bold** _it_ `code` ~~s~~ a|b", "\\[a](b)", "https://evil.example/x"):
        assert not live_markup(safe.md(text)), text
        assert re.sub(r"\\(.)", r"\1", safe.md(text).replace("  \n", "\n")) == text
    assert safe.md(None) == ""


def test_html_text_keeps_slides_inert():
    html = safe.html_text(f"{IMAGE}\n\n{LINK} <b>x</b> $$y$$")
    assert "\n" not in html and "<b>" not in html and "$" not in html and "[" not in html
    assert html.count("<br>") == 2


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_imported_names_as_text(hostile_db, page):
    at = _open(page)
    seen = assert_no_live_markup(at, page)
    assert seen, f"{page} rendered nothing"


@pytest.mark.parametrize("page", [
    "pages/upload.py", "pages/goal_detail.py", "pages/goal_board.py", "pages/priorities.py",
    "pages/review.py", "pages/progress.py", "pages/signposts.py", "pages/goal_draft.py",
])
def test_pages_that_name_things_show_the_payloads_escaped(hostile_db, page):
    """The walk is not vacuous: these pages do show a payload, escaped."""
    at = _open(page)
    text = "\n".join(t for _, t, _ in markdown_strings(at))
    assert any(safe.md(p) in text or safe.md(p).split("  \n")[0] in text for p in PAYLOADS), page


def test_every_staff_meeting_slide_and_review_view_is_text(hostile_db):
    at = _open("pages/staff_meeting.py")
    assert_no_live_markup(at, "staff meeting summary")
    while not at.button(key="slide_next").disabled:
        at.button(key="slide_next").click().run()
        assert_no_live_markup(at, "staff meeting slide")
    at = _open("pages/review.py")
    views = next(w for w in at.main if getattr(w, "type", "") == "button_group")
    for option in MessageToDict(views.proto)["options"]:
        views.set_value(option).run()
        assert_no_live_markup(at, f"review {option}")


def _fill(at: AppTest, n: int, marker: str) -> int:
    boxes = [b for b in [*at.text_input, *at.text_area]
             if not b.disabled and "date" not in b.label.lower()]
    for i, box in enumerate(boxes):
        box.input(f"{PAYLOADS[(n + i) % len(PAYLOADS)]}{BELL} {marker}")
    return len(boxes)


@pytest.mark.parametrize("page", PAGES)
def test_every_text_box_takes_payloads_and_shows_them_as_text(hostile_db, page):
    """Each page: fill every text box with a payload and a bell, press each save button once,
    then the page (and the control-character-free database) is checked."""
    at = _open(page)
    marker = "zz" + Path(page).stem.replace("_", "")
    pressed: set[str] = set()
    boxes = 0
    for n in range(15):
        boxes += _fill(at, n, marker)
        button = next((b for b in at.button if SAVES.match(b.label or "") and not b.disabled
                       and f"{b.label}/{b.key}" not in pressed), None)
        if button is None:
            break
        pressed.add(f"{button.label}/{button.key}")
        button.click().run()
        assert_no_live_markup(at, f"{page} after {button.label!r}")
    at = _open(page)
    assert_no_live_markup(at, f"{page} reopened")
    db = db_module.connect(hostile_db)
    stored = 0
    own = factories.own_tables(db)
    columns = f"SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR' AND {own}"  # noqa: S608 (fixed text)
    for table, column in db.query(columns).itertuples(index=False):
        values = db.query(f'SELECT DISTINCT "{column}" AS v FROM "{table}"')["v"]  # noqa: S608
        bad = [v for v in values if isinstance(v, str) and _CONTROL.search(v)]
        assert not bad, f"{page}: {table}.{column} stored a control character: {bad[:2]!r}"
        stored += sum(1 for v in values if isinstance(v, str) and marker in v)
    if boxes and pressed:  # the walk saved something of this page's (cleaned, as text)
        assert stored, f"{page}: pressed {sorted(pressed)} but nothing typed was stored"


def test_an_upload_with_hostile_names_is_shown_as_text(db_path):
    db = db_module.connect(db_path)
    mapping = Mapping.from_toml(HOSTILE_MAPPING, name="hostile")
    from collabplan.ingest import load

    load.save_mapping(db, f"Saved {IMAGE}", mapping)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    at.file_uploader[0].set_value([(FILE_NAME, hostile_csv(), "text/csv")]).run()
    assert_no_live_markup(at, "upload preview")
    start = next(s for s in at.selectbox if s.label == "Start from")
    start.set_value(next(o for o in start.options if o.startswith("Saved mapping"))).run()
    assert_no_live_markup(at, "upload preview with the saved mapping")
    inputs = {t.label: t for t in at.text_input}
    inputs["or a new team"].input(f"Team {LINK}{BELL}")
    inputs["Your name"].input(f"Mx {IMAGE}\r\n")
    next(b for b in at.button if b.label.startswith("Import")).click().run()
    seen = assert_no_live_markup(at, "upload history")
    assert any(safe.md(FILE_NAME) in text for text in seen), "the file name is in the history"
    team, who = db.query("SELECT t.name, u.uploaded_by FROM upload u JOIN team t ON t.id = u.team_id"
                         ).iloc[0]
    assert team == f"Team {LINK}" and who.strip() == f"Mx {IMAGE}"


def test_charts_carry_the_names_as_entities(hostile_db):
    """The chart check is not vacuous: the review charts do hold the payloads, escaped."""
    at = _open("pages/review.py")
    shown = list(chart_strings(at))
    assert any("&lt;img src=x onerror=alert(1)&gt; skill" in s for s in shown)
    assert any("&#36;&#36;x&#36;&#36; skill" in s for s in shown)

