"""In a real browser, on the demo school: on every page of the app, pick another option in
every select box, and check the box still shows the pick after the rerun, that the page uses
it where that is cheap to see, and that the picks are still there after visiting another page.
In every form with a select box, pick another option, submit, and check the pick is shown.

Bounded for a small shared machine: boxes with one option are skipped, and at most
``MAX_BOXES`` boxes and ``MAX_FORMS`` forms are tried on a page (tabs and expanders included).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import ROOT, wait_for_app
from tests.tracker_factory import tracker_xlsx

MAX_BOXES = 8
MAX_FORMS = 4
#: (url path, title) of every page listed in app.py, in menu order.
PAGES = [
    (path, title)
    for path, title in re.findall(
        r'\("pages/(\w+)\.py", "([^"]+)"', (ROOT / "app.py").read_text(encoding="utf-8")
    )
]
#: Pages with no select box on the demo school (the others must have at least one tried).
NO_BOXES = {"home", "priorities", "reports"}
#: Pages whose select boxes belong to a dropped file, which Streamlit forgets on leaving the page.
FORGOTTEN_ON_LEAVING = {"upload"}

BOX = '[data-testid="stSelectbox"]'
FORM = '[data-testid="stForm"]'


# -- reading and driving select boxes --------------------------------------------------------


def _label(box) -> str:
    return (box.locator('[data-testid="stWidgetLabel"]').first.text_content() or "").strip()


def _value(box) -> str:
    return box.locator('input[role="combobox"]').first.input_value().strip()


def _no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def _visible(locator) -> list:
    return [item for item in locator.all() if item.is_visible()]


def _outside_forms(page) -> list:
    return _visible(page.locator(f"{BOX}:not({FORM} {BOX})"))


def _find(page, label: str, ordinal: int, inside=None):
    """The ``ordinal``-th visible select box labelled ``label`` (outside forms, or in ``inside``)."""
    boxes = _visible(inside.locator(BOX)) if inside is not None else _outside_forms(page)
    same = [b for b in boxes if _label(b) == label]
    return same[ordinal] if len(same) > ordinal else None


def _choose_another(page, box) -> str | None:
    """Open the box and choose an option other than the one shown; None if there is none."""
    before = _value(box)
    field = box.locator('input[role="combobox"]').first
    field.click()
    field.press("ArrowDown")  # a click focuses the box; the arrow opens its list
    options = page.locator('[role="listbox"] [role="option"]')
    options.first.wait_for()
    texts = [t.strip() for t in options.all_inner_texts()]
    others = [i for i, t in enumerate(texts) if t and t != before]
    if len(texts) < 2 or not others:
        page.keyboard.press("Escape")
        return None
    # the second option when it differs (the first is usually "All" or the default)
    index = 1 if 1 in others else others[0]
    options.nth(index).click()
    return texts[index]


def _main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


# -- what a page does with a pick, where it is cheap to see -----------------------------------


def _review_caption(page, label: str, picked: str) -> None:
    """Data review and Students by skill name the team, assessment, window and population."""
    if label in ("Team", "Assessment", "Testing window", "Class", "Teacher", "Student group",
                 "Grade"):
        words = f"grade {picked}" if label == "Grade" else picked
        if picked not in ("All", "All teams"):
            caption = page.locator('[data-testid="stCaptionContainer"]').first.inner_text()
            assert words in caption, f"{label} {picked!r} not used: {caption!r}"


def _slide_title(page, label: str, picked: str) -> None:
    """The staff-meeting slide chosen is the one on screen."""
    title = page.locator(".slide-title").first.inner_text()
    expected = "How our goals are going" if picked.startswith("Summary") else picked.split(" · ")[0]
    assert expected in title, f"slide {picked!r} not shown: {title!r}"


def _goal_caption(page, label: str, picked: str) -> None:
    """Goal & actions shows the goal picked: its team opens the caption under the statement."""
    if label == "Goal":
        team = picked.split(":")[0]
        captions = page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
        assert any(c.startswith(team) for c in captions), f"goal {picked!r} not open: {captions}"


def _progress_heading(page, label: str, picked: str) -> None:
    """Progress and Signposts show the goal picked (its status line names where it stands)."""
    if label == "Goal":
        status = picked.split(" · ")[-1].split(" ")[0].lower()
        assert status[:4] in _main_text(page).lower()


USED: dict[str, Callable[..., None]] = {
    "review": _review_caption,
    "students": _review_caption,
    "staff_meeting": _slide_title,
    "goal_detail": _goal_caption,
    "progress": _progress_heading,
    "signposts": _progress_heading,
}


def _new_students_tracker() -> bytes:
    """A teacher tracker whose student ids the demo school does not have (so the upload page
    asks no confirmation and shows its import form)."""
    book = load_workbook(io.BytesIO(tracker_xlsx(12)))
    sheet = book.active
    for row in range(6, sheet.max_row + 1):
        sheet.cell(row=row, column=2).value = 990100 + row
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- walking a page ------------------------------------------------------------------------------


def _open_expanders_with_boxes(page) -> None:
    for expander in page.locator('[data-testid="stExpander"]').all():
        if not expander.is_visible() or expander.locator(BOX).count() == 0:
            continue
        details = expander.locator("details").first
        if details.get_attribute("open") is None:
            expander.locator("summary").first.click()
            page.wait_for_timeout(200)


def _tabs(page) -> list[str]:
    return [t.strip() for t in page.get_by_role("tab").all_inner_texts()]


def _show_tab(page, name: str | None) -> None:
    if name is not None:
        page.get_by_role("tab", name=name, exact=True).first.click()
        page.wait_for_timeout(200)
    _open_expanders_with_boxes(page)


def _pick_every_box(page, path: str, tab: str | None, done: set, budget: list[int],
                    tried: list[str]) -> None:
    """Pick another option in each select box outside forms not tried yet on this page."""
    while budget[0] > 0:
        _show_tab(page, tab)
        todo = None
        seen: dict[str, int] = {}
        for box in _outside_forms(page):
            label = _label(box)
            ordinal = seen.get(label, 0)
            seen[label] = ordinal + 1
            if (label, ordinal) not in done:
                todo = (box, label, ordinal)
                break
        if todo is None:
            return
        box, label, ordinal = todo
        done.add((label, ordinal))
        picked = _choose_another(page, box)
        if picked is None:
            continue
        budget[0] -= 1
        tried.append(f"{label} = {picked}")
        wait_for_app(page)
        _no_exception(page)
        _show_tab(page, tab)
        again = _find(page, label, ordinal)
        assert again is not None, f"{path}: the box {label!r} is gone after choosing {picked!r}"
        assert _value(again) == picked, f"{path}: {label!r} shows {_value(again)!r}, not {picked!r}"
        if path in USED:
            USED[path](page, label, picked)


def _submit_every_form(page, path: str, tab: str | None, done: set, budget: list[int],
                       tried: list[str]) -> None:
    """In each form with a select box: choose another option, submit, check the pick is shown."""
    while budget[0] > 0:
        _show_tab(page, tab)
        todo = None
        for form in _visible(page.locator(FORM)):
            boxes = _visible(form.locator(BOX))
            if not boxes:
                continue
            name = (form.locator('[data-testid="stFormSubmitButton"]').first.inner_text(),
                    _label(boxes[0]))
            if name not in done:
                todo = (form, boxes[0], name)
                break
        if todo is None:
            return
        form, box, name = todo
        done.add(name)
        label = name[1]
        picked = _choose_another(page, box)
        if picked is None:
            continue
        budget[0] -= 1
        tried.append(f"form {name[0]!r}: {label} = {picked}")
        # an unsubmitted form keeps the pick without a rerun
        assert _value(box) == picked, f"{path}: form box {label!r} lost {picked!r} before submit"
        form.locator('[data-testid="stFormSubmitButton"] button').first.click()
        wait_for_app(page)
        _no_exception(page)
        _show_tab(page, tab)
        # The pick is shown: still in the form's box (saved or refused with a reason), or the
        # page names it (a deletion's undo line, a saved row, the upload history).
        boxes = [b for b in _visible(page.locator(f"{FORM} {BOX}")) if _label(b) == label]
        shown = any(_value(b) == picked for b in boxes) or picked in _main_text(page)
        assert shown, f"{path}: after submitting, {label!r} = {picked!r} is not shown"


def _box_values(page) -> dict[tuple[str, int], str]:
    values: dict[tuple[str, int], str] = {}
    seen: dict[str, int] = {}
    for box in _outside_forms(page):
        label = _label(box)
        values[(label, seen.get(label, 0))] = _value(box)
        seen[label] = seen.get(label, 0) + 1
    return values


def _go(page, path: str) -> None:
    """Move to another page through the menu (the same session, as a person does)."""
    links = page.locator('[data-testid="stSidebarNav"] a[data-testid="stSidebarNavLink"]')
    for link in links.all():
        href = (link.get_attribute("href") or "").rstrip("/")
        if (path == "home" and href.count("/") == 2) or href.endswith(f"/{path}"):
            link.click()
            wait_for_app(page)
            return
    raise AssertionError(f"no menu link to {path}")


@pytest.mark.e2e
@pytest.mark.parametrize(("path", "title"), PAGES, ids=[p for p, _ in PAGES])
def test_every_select_box_keeps_the_pick(demo_server, page, tmp_path, path, title) -> None:
    page.goto(demo_server.url)  # Home first, then the menu: the app's router is running
    wait_for_app(page)
    if path != "home":
        _go(page, path)
    _no_exception(page)
    tracker = tmp_path / "grade3_cfa.xlsx"
    tracker.write_bytes(_new_students_tracker())

    def drop_file() -> None:
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            str(tracker))
        page.get_by_text("Teacher tracker (detected)").first.wait_for()
        wait_for_app(page)

    if path == "upload":
        drop_file()

    tabs = _tabs(page) or [None]
    boxes_done: set = set()
    forms_done: set = set()
    box_budget, form_budget = [MAX_BOXES], [MAX_FORMS]
    tried: list[str] = []
    # forms first (the upload page's import form needs the file as it was read), then the
    # boxes, then forms the boxes brought up (Draft a goal's refinement forms)
    for step in (_submit_every_form, _pick_every_box, _submit_every_form):
        done, budget = ((forms_done, form_budget) if step is _submit_every_form
                        else (boxes_done, box_budget))
        if path == "upload" and step is _pick_every_box:
            drop_file()  # the import cleared the file: drop it again to read it another way
        for tab in tabs:
            step(page, path, tab, done, budget, tried)
    _no_exception(page)
    print(f"{path}: " + "; ".join(tried))
    if path not in NO_BOXES:
        assert tried, f"{path}: no select box with another option was found"

    if path in FORGOTTEN_ON_LEAVING or path == "home":
        return
    # The choices outlive a visit to another page.
    _show_tab(page, tabs[0])
    before = _box_values(page)
    _go(page, "home")
    _go(page, path)
    _show_tab(page, tabs[0])
    after = _box_values(page)
    for where, value in before.items():
        if where in after:
            assert after[where] == value, f"{path}: {where[0]!r} was {value!r}, now {after[where]!r}"
