"""What AppTest does not give directly: opening one page, a widget by its label (in a form),
submitting a form, download buttons, and a page's text as a whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_app_page(page: str, *, timeout: float = 60) -> AppTest:
    """The app run once, then switched to ``page`` (e.g. "pages/coach.py") and run; the page
    must run without an exception."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def find(at: AppTest, kind: str, label: str, form: str | None = None):
    """The widget of ``kind`` ("button", "text_input" …) with ``label``, in ``form`` when
    given; fails the test naming what is missing."""
    found = [w for w in getattr(at, kind)
             if w.label == label and (form is None or w.proto.form_id == form)]
    assert found, f"no {kind} labelled {label!r} in form {form!r}"
    return found[0]


def submit(at: AppTest, form: str, label: str) -> None:
    """Press ``form``'s button ``label`` and run; the run must show no exception or error."""
    find(at, "button", label, form).click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def download_buttons(block: Block) -> list:
    """Every download button under ``block``, as (parent block, index, element) triples."""
    found = []
    for index, child in list(block.children.items()):
        if getattr(child, "type", None) == "download_button":
            found.append((block, index, child))
        elif isinstance(child, Block):
            found += download_buttons(child)
    return found


def strings(value: object, *, read_json: bool = True) -> Iterator[str]:
    """Every string inside ``value`` (dicts and lists walked); with ``read_json``, also those
    inside a string that holds JSON (Plotly figures travel as a JSON string)."""
    if isinstance(value, dict):
        for v in value.values():
            yield from strings(v, read_json=read_json)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, read_json=read_json)
    elif isinstance(value, str):
        yield value
        if read_json and value.startswith(("{", "[")):
            try:
                inner = json.loads(value)
            except ValueError:
                inner = None
            yield from strings(inner)


def rendered_text(at: AppTest, *, sidebar: bool = False) -> str:
    """Everything the page put on screen (and the sidebar, if asked), as text: tables as csv
    and their column names, every other element as the strings of its message."""
    parts: list[str] = []
    for root in (at.main.root, at.sidebar) if sidebar else (at.main.root,):
        for node in root:
            if getattr(node, "type", None) in ("arrow_data_frame", "dataframe", "table"):
                df = node.value
                parts.append(df.to_csv())
                parts.extend(str(c) for c in df.columns)
            proto = getattr(node, "proto", None)
            if proto is not None and hasattr(proto, "DESCRIPTOR"):
                parts.extend(strings(MessageToDict(proto)))
    return "\n".join(parts)
