"""Shared pieces of the collaboration workspace pages: step progress, saving with a
message, deleting with Undo, the read-only summary and its download."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from collabplan import text, ui
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.reports.workspace import summary_page, workspace_sections
from collabplan.ui import present, safe
from collabplan.ui.choices import distinct_labels
from collabplan.workspace.store import Removed, restore

_UNDO = "workspace_undo:"
_FLASH = "workspace_flash:"
_UNDO_NAME = "workspace_undo_name:"  # the deleted entry as the person picked it


def progress(steps: list[tuple[str, bool, str]], noun: str = "steps") -> None:
    """A progress bar and one line per step (done / to do) so a team sees what is left."""
    done = sum(1 for _, ok, _ in steps if ok)
    st.progress(done / len(steps) if steps else 0.0, text=f"{done} of {len(steps)} {noun} done")
    st.caption(
        "  ·  ".join(
            f"{':material/check_circle:' if ok else ':material/radio_button_unchecked:'} "
            f"{safe.md(name)} ({safe.md(detail)})"
            for name, ok, detail in steps
        )
    )


def flash(page: str) -> None:
    """Show (once) the message the last save or delete left for this page, and the Undo."""
    message = st.session_state.pop(_FLASH + page, None)
    if message:
        st.success(safe.md(message))
    removed: Removed | None = st.session_state.get(_UNDO + page)
    if removed is not None:
        left, right = st.columns([5, 1], vertical_alignment="center")
        name = st.session_state.get(_UNDO_NAME + page)
        named = f" “{safe.md(name)}”" if name else ""
        left.info(f"{safe.md(removed.what)}{named} was deleted. Changed your mind?")
        if right.button("Undo", key=f"undo_{page}", icon=":material/undo:"):
            restore(ui.get_db(), removed)
            del st.session_state[_UNDO + page]
            st.session_state[_FLASH + page] = f"{removed.what} is back."
            ui.after_write()
            st.rerun()


def save(
    page: str,
    action: Callable[..., Any],
    *args: Any,
    done: str,
    clear: tuple[str, ...] = (),
    then: Callable[[Any], None] | None = None,
    **kwargs: Any,
) -> Any:
    """Run a write; on a problem the teacher can fix, say what to fix and return None.

    On success the widget state under the ``clear`` keys is forgotten, ``then(result)`` runs
    (e.g. to open what was just added) and the page reruns with ``done`` shown at the top
    (so progress updates). A refused write keeps everything the person entered or picked.
    """
    try:
        result = action(ui.get_db(), *args, **kwargs)
    except UserError as exc:
        st.error(safe.md(exc))
        return None
    for key in clear:
        st.session_state.pop(key, None)
    if then is not None:
        then(result)
    st.session_state[_FLASH + page] = done
    st.session_state.pop(_UNDO + page, None)
    ui.after_write()
    st.rerun()
    return result


def delete(page: str, action: Callable[..., Removed], *args: Any, name: str | None = None) -> None:
    """Delete and keep what was removed so the Undo button can put it back.

    ``name`` is how the person picked it (a select box's label); the Undo line then says
    which one went ("The stakeholder “Ms. Chen (Coach)” was deleted"), not only its kind.
    """
    try:
        removed = action(ui.get_db(), *args)
    except UserError as exc:
        st.error(safe.md(exc))
        return
    st.session_state[_UNDO + page] = removed
    st.session_state[_UNDO_NAME + page] = name
    ui.after_write()
    st.rerun()


def summary(db: Database, title: str, file_stem: str) -> None:
    """The read-only view of one workspace, with a download to share it."""
    body = dict(workspace_sections(db))[title]
    st.caption(
        "A read-only view to share. It is also part of the goal report on Reports & exports."
    )
    with st.container(border=True):
        st.html(body)
    page = summary_page(title, body)
    st.download_button(
        "Download this summary (HTML)",
        page,
        file_name=f"{file_stem}.html",
        mime="text/html",
        key=f"download_{file_stem}",
        icon=":material/download:",
    )


def table_with_remove(
    page: str,
    frame: Any,
    columns: dict[str, str],
    *,
    key: str,
    prompt: str,
    label_column: str,
    remove: Callable[..., Removed],
) -> None:
    """A saved list as a table, and a form to remove one entry (with Undo afterwards).

    ``columns`` maps the frame's columns to their headings, in order; ``key`` names the form.
    """
    present.table(text.table(frame, columns, columns=list(columns), none="not set"),
                 hide_index=True)
    labels = option_label(frame, "id", label_column)
    with st.form(key):
        pick = st.selectbox(prompt, list(labels), format_func=labels.get)
        if st.form_submit_button("Remove"):
            delete(page, remove, pick, name=labels.get(pick))


def option_label(frame: Any, id_column: str, label_column: str) -> dict[int, str]:
    """{id: label} for a selectbox's format_func (ids as plain ints; labels kept apart)."""
    ids = [int(i) for i in frame[id_column]]
    return dict(zip(ids, distinct_labels(list(frame[label_column])), strict=True))
