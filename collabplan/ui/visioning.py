"""Widgets of the visioning page: a text box a starting text can fill (nothing saved until
the team saves), a consensus mark per step, and a list of a round's notes with Remove."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import streamlit as st

from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.text import short_date
from collabplan.ui import safe, signin
from collabplan.ui import workspace as wsui
from collabplan.workspace import vision, vision_session


def prepare_box(key: str, saved: str | None) -> str:
    """Give the text box under ``key`` the saved words the first time the page shows it;
    after that it keeps what the person typed or filled in. Returns what it holds."""
    if key not in st.session_state:
        st.session_state[key] = saved or ""
    return st.session_state[key]


def _fill(key: str, words: str) -> None:
    st.session_state[key] = words


def fill_button(label: str, key: str, words: str, *, button_key: str) -> None:
    """A button that copies ``words`` into the box under ``key`` for the team to edit.

    Runs as a callback, before the box is drawn; it replaces what is in the box and
    stores nothing: the team saves with the form's own button.
    """
    st.button(label, key=button_key, on_click=_fill, args=(key, words),
              icon=":material/edit_note:")


def box(where, label: str, key: str, **kwargs) -> str:
    """A text area under ``key`` whose words came from :func:`prepare_box` or a fill."""
    held = st.session_state.get(key) or ""
    return safe.text_area(where, label, key=key, limit=max(safe.PARAGRAPH_LIMIT, len(held)),
                          **kwargs)


def unsaved_note(key: str, saved: str | None) -> None:
    """Say so when the box holds words that are not saved yet."""
    held = (st.session_state.get(key) or "").strip()
    if held and held != (saved or "").strip():
        st.caption(":material/info: The box holds words not saved yet: edit them, then save.")


def consensus(page: str, db: Database, step: str, me: Viewer) -> None:
    """The step's consensus mark: how it stands, and a form to mark it agreed with the day
    and who was there (or to take the mark off, with Undo).

    Steps the guide asks the group to agree on show it openly; others in an expander.
    """
    info = vision_session.STEP[step]
    mark = vision_session.consensus_for(db, step)
    if info.needs_agreement:
        st.markdown(f"**Consensus (the guide's checkpoint {info.code}): does everyone agree on "
                    f"{info.agrees}?**")
        holder = st.container(border=True)
    else:
        holder = st.expander("Mark this step agreed (optional)",
                             expanded=mark["agreed_on"] is not None)
    with holder:
        agreed = mark["agreed_on"] is not None
        if agreed and mark["changed"]:
            st.warning(safe.md(vision_session.agreement_words(mark)) + ": the words were "
                       "edited after the group agreed. Agree again, or put back the agreed words.")
            st.caption("Agreed words: " + safe.md(mark["agreed_text"] or ""))
        elif agreed:
            st.success(safe.md(vision_session.agreement_words(mark)))
        if agreed and mark["note"]:
            st.caption("Note: " + safe.md(mark["note"]))
        missing = vision_session.missing_before_agreeing(db, step)
        if missing and not agreed:
            st.info(f"{missing} Then the group can mark it agreed.")
            return
        people = vision.stakeholders(db)["name"].tolist()
        options = list(dict.fromkeys([*people, *mark["present"]]))
        _start_form(step, mark, people)
        with st.form(f"consensus_{step}"):
            left, mid = st.columns([1, 3])
            day = left.date_input("Agreed on", max_value=dt.date.today(), key=f"agreed_on_{step}")
            present = mid.multiselect("Who was there", options, key=f"present_{step}")
            note = safe.text_input(st, "Note (optional)", key=f"agreed_note_{step}",
                                   placeholder="e.g. Fist to five: everyone showed three or more")
            label = ("Mark agreed again" if mark["changed"] else "Update the agreement") if agreed \
                else "Mark agreed"
            if st.form_submit_button(label, type="primary"):
                wsui.save(page, vision_session.mark_agreed, step, day, present, note,
                          viewer=me, who=signin.audit_who(me),
                          done=f"Step {info.number} marked agreed on {short_date(day)}.")
        if agreed:
            with st.form(f"consensus_remove_{step}"):
                if st.form_submit_button("Take the agreement off"):
                    wsui.delete(page, lambda database, key: vision_session.remove_agreement(
                        database, key, viewer=me, who=signin.audit_who(me)), step,
                        name=f"step {info.number}")


def _start_form(step: str, mark: dict, people: list[str]) -> None:
    """Fill the agreement form from the mark as it stands, the first time and whenever the
    mark or the people named change (agreed, taken off, words edited since); otherwise the form
    keeps what the person entered. A new agreement starts today with everyone named."""
    signature = (mark["agreed_on"], bool(mark["changed"]), tuple(mark["present"]), mark["note"],
                 tuple(people))
    seen = f"consensus_seen_{step}"
    if st.session_state.get(seen) == signature and f"agreed_on_{step}" in st.session_state:
        return
    fresh = mark["agreed_on"] is None or mark["changed"]
    st.session_state[f"agreed_on_{step}"] = dt.date.today() if fresh else mark["agreed_on"]
    st.session_state[f"present_{step}"] = list(mark["present"]) or list(people)
    st.session_state[f"agreed_note_{step}"] = mark["note"] or ""
    st.session_state[seen] = signature


def note_bullets(db: Database, kinds: Iterable[str], *, empty: str) -> None:
    """The notes of a round as a list, or ``empty`` (what to do) when there are none."""
    notes = vision_session.session_notes(db, kinds)
    if notes.empty:
        st.info(empty)
    for label in notes["label"]:
        st.markdown(f"- {safe.md(label)}")


def remove_note(page: str, db: Database, kinds: Iterable[str], me: Viewer, *, key: str) -> None:
    """A form to remove one of the round's notes (with Undo); nothing when there are none."""
    notes = vision_session.session_notes(db, kinds)
    if notes.empty:
        return
    labels = wsui.option_label(notes, "id", "label")
    with st.form(key):
        pick = st.selectbox("Remove a note", list(labels), format_func=labels.get)
        if st.form_submit_button("Remove"):
            wsui.delete(page, lambda database, note_id: vision_session.delete_session_note(
                database, note_id, viewer=me), pick, name=labels.get(pick))
