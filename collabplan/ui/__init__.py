"""The only Streamlit-aware helpers: the cached connection, session keys, page set-up.

Query results are cached with ``collabplan.ui.cache.cached``.

Pages import from here; nothing else in ``collabplan`` imports Streamlit.
"""

from __future__ import annotations

import streamlit as st

from collabplan import db as db_module
from collabplan.access import Viewer
from collabplan.db import Database

#: Session-state keys shared between pages (ids and choices only, never student data).
PRESENT_KEY = "present"
FILTERS_KEY = "review_filters"
GOAL_SEED_KEY = "goal_seed"


@st.cache_resource(show_spinner=False)
def _database(path: str) -> Database:
    return db_module.connect(path)


def get_db() -> Database:
    """The process's database (COLLABPLAN_DB or data/collabplan.duckdb)."""
    return _database(str(db_module.config.database_path()))


def after_write() -> None:
    """Call after a write made outside ``cached`` readers' knowledge (belt and braces)."""
    from collabplan.ui import cache

    cache.clear()
    st.cache_data.clear()


def page_setup() -> None:
    """First line of every page: run inside app.py's router, and only for someone signed in.

    Streamlit keeps a legacy mode for apps with a ``pages/`` folder: on a fresh server, the
    first visit straight to a page URL (a bookmarked ``/staff_meeting?present=1``) runs the
    page file alone, skipping app.py's projection-mode set-up and menu. Leave that mode and
    rerun, so the router runs first and then opens the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    # Once per session: a rerun drops the click that started it, and the testing harness
    # (AppTest) re-enters legacy mode on every run, so rerouting each time would lose input.
    routed_before = st.session_state.get("_routed", False)
    st.session_state["_routed"] = True
    if PagesManager.uses_pages_directory and not routed_before:
        PagesManager.uses_pages_directory = False
        st.rerun()
    # With sign-in configured, nobody reads a page they are not allowed in (a deep link to a
    # page file included): the sign-in page is drawn and the run stops here.
    from collabplan.ui import signin

    signin.guard()


def viewer() -> Viewer:
    """The person this page works for (``collabplan.ui.signin.viewer``): pass it to queries.

    Without ``[auth]``: ``Viewer.local_user()`` with this session's projection mode. With it:
    the signed-in person from the people table; anyone else gets the sign-in page and the
    script run stops inside this call."""
    from collabplan.ui import signin

    return signin.viewer()


def init_projection_mode() -> None:
    """``?present=1`` turns projection mode on for the whole session; a staff-meeting lock
    (``&lock=<token>``, or the lock cookie a locked tab leaves in its browser) keeps it on
    whatever the address says (see ``collabplan.ui.present``)."""
    from collabplan.ui import present

    if st.query_params.get("present") in ("1", "true", "yes"):
        st.session_state["present_locked"] = True
        st.session_state[PRESENT_KEY] = True
    present.apply_lock()


def projection_mode() -> bool:
    """True when no student names, ids or student-level tables may be shown."""
    return bool(st.session_state.get(PRESENT_KEY) or st.session_state.get("present_locked"))


def projection_locked() -> bool:
    """True when the session was opened with ``?present=1`` (the switch cannot turn it off)."""
    return bool(st.session_state.get("present_locked"))
