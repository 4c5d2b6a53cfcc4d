"""The staff-meeting lock on the pages: keep a locked session in projection mode everywhere.

A session is locked by a valid token (``collabplan.present_lock``) from the address
(``?present=1&lock=<token>``) or, for a tab opened without it, from the cookie a locked tab
leaves in its browser until the link expires. While locked, every run

- turns projection mode on and marks it locked (the switch is drawn disabled by app.py),
- writes ``present=1&lock=<token>`` back into the address, so in-app navigation, a reload, a
  copied address or a new tab from it all stay locked.

Only a leader (or, without sign-in, the local user after a deliberate confirmation) unlocks
it; unlocking ends the link and clears the cookie. A token that is not valid does nothing
but what ``?present=1`` does (projection on in this tab) and says so in one line.
"""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from collabplan import present_lock, ui
from collabplan.ui import safe

LOCK_PARAM = "lock"
#: Session keys: the token that locked this session; the last token checked (one look-up per
#: session and token); a problem line to show once; the cookie script still to send.
LOCK_KEY = "present_lock_token"
CHECKED_KEY = "present_lock_checked"
PROBLEM_KEY = "present_lock_problem"
COOKIE_KEY = "present_lock_cookie"
MADE_KEY = "present_lock_made"
#: The browser cookie that carries the lock to tabs opened without the link's parameters.
COOKIE = "collabplan_present_lock"


def locked_token() -> str | None:
    """The token this session is locked by (None: not locked by a staff-meeting link)."""
    return st.session_state.get(LOCK_KEY)


def apply_lock() -> None:
    """Lock this session if its address (or cookie) carries a valid token; keep it locked."""
    token = locked_token()
    if token is None:
        from_link = st.query_params.get(LOCK_PARAM)
        asked = from_link if from_link is not None else _cookie()
        if asked is not None and asked != st.session_state.get(CHECKED_KEY):
            st.session_state[CHECKED_KEY] = asked
            status = present_lock.check(ui.get_db(), asked)
            if status == "valid":
                token = asked
                st.session_state[LOCK_KEY] = token
                st.session_state[COOKIE_KEY] = _cookie_script(asked)
            elif from_link is not None:
                st.session_state[PROBLEM_KEY] = present_lock.PROBLEMS[status]
                st.session_state["present_locked"] = True
                st.session_state[ui.PRESENT_KEY] = True
            else:  # a stale cookie: forget it quietly
                st.session_state[COOKIE_KEY] = _cookie_script(None)
    if token is None:
        return
    st.session_state["present_locked"] = True
    st.session_state[ui.PRESENT_KEY] = True
    if st.query_params.get("present") != "1" or st.query_params.get(LOCK_PARAM) != token:
        st.query_params.update({"present": "1", LOCK_PARAM: token})


def _cookie() -> str | None:
    """The lock cookie this browser sent (None without one, or outside a browser)."""
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no browser request behind this run (tests, scripts)
        return None
    return value if isinstance(value, str) and value else None


def _cookie_script(token: str | None) -> str:
    """Script that sets (or, for None, deletes) the lock cookie for this app's path."""
    if token is None:
        value, age = "", 0
    else:
        ends = present_lock.expires_at(ui.get_db(), token)
        age = max(int((ends - datetime.now()).total_seconds()), 0) if ends else 0
        value = token
    cookie = f"{COOKIE}={value}; path=/; max-age={age}; SameSite=Strict"
    return f"<script>document.cookie = {json.dumps(cookie)};</script>"


def notices() -> None:
    """Main-area lines for this run: a lock link that did not work (shown once)."""
    problem = st.session_state.pop(PROBLEM_KEY, None)
    if problem:
        st.warning(problem, icon=":material/lock_open:")


def sidebar() -> None:
    """Under the projection switch: the lock's state and, for a leader, the unlock."""
    script = st.session_state.pop(COOKIE_KEY, None)
    if script:
        st.html(script, unsafe_allow_javascript=True, width="content")
    token = locked_token()
    if token is None:
        return
    ends = present_lock.expires_at(ui.get_db(), token)
    until = f" (link valid until {ends:%H:%M})" if ends else ""
    st.caption(f":material/lock: Locked for the staff meeting{until}: projection stays on in "
               "every tab opened from this screen.")
    me = ui.viewer()
    if me.role != "leader":
        st.caption("Only a leader can unlock it.")
        return
    with st.popover("Unlock projection mode", icon=":material/lock_open:"):
        st.markdown("Unlocking shows student names again in this tab and ends the "
                    "staff-meeting link for every tab.")
        sure = st.checkbox(
            "I am a leader and this screen is no longer in front of the room",
            key="present_unlock_sure",
        )
        st.button("Unlock", type="primary", disabled=not sure, key="present_unlock",
                  on_click=unlock)


def unlock() -> None:
    """End this session's lock and its link; projection stays on until switched off.

    A button callback: it runs before the page is drawn, so the switch is drawn free."""
    token = locked_token()
    if token is not None:
        present_lock.end_token(ui.get_db(), token)
    st.session_state.pop(LOCK_KEY, None)
    st.session_state.pop("present_unlock_sure", None)
    st.session_state["present_locked"] = False
    st.session_state[ui.PRESENT_KEY] = True
    st.session_state[COOKIE_KEY] = _cookie_script(None)
    for key in (LOCK_PARAM, "present"):
        if key in st.query_params:
            del st.query_params[key]


def link_for(token: str) -> str:
    """The staff-meeting address carrying ``token`` (this app's own address, or a path)."""
    query = urlencode({"present": "1", LOCK_PARAM: token})
    here = st.context.url
    if not here:
        return f"/staff_meeting?{query}"
    parts = urlsplit(here)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def mint_controls() -> None:
    """Staff meeting page: a leader makes a lock link and ends the ones still working."""
    me = ui.viewer()
    if me.role != "leader":
        return
    db = ui.get_db()
    with st.expander("Lock projection mode for this meeting", icon=":material/lock:"):
        st.markdown(
            "Make a link that keeps every tab opened from it in projection mode: the switch "
            "is disabled, and moving between pages or opening a new tab keeps names hidden. "
            "Only a leader can unlock it."
        )
        with st.form("present_lock_make"):
            hours = st.slider("The link works for (hours)", 1, present_lock.MAX_HOURS,
                              present_lock.DEFAULT_HOURS)
            if st.form_submit_button("Make a staff-meeting link", type="primary"):
                st.session_state[MADE_KEY] = present_lock.mint(db, me.who, hours)
        made = st.session_state.get(MADE_KEY)
        if made:
            st.markdown("**Open this link on the meeting's screen** (copy it now: it is shown "
                        "only here):")
            st.code(link_for(made), language=None)
            st.link_button("Open the locked link", link_for(made), icon=":material/lock:")
        links = present_lock.active(db)
        if links:
            st.markdown("**Links still working**")
        for link in links:
            left, right = st.columns([3, 1])
            by = f" by {safe.md(link.made_by)}" if link.made_by else ""
            left.caption(f"Made {link.made_at:%d %b %H:%M}{by}, until {link.expires_at:%H:%M}")
            if right.button("End", key=f"present_end_{link.key[:16]}"):
                present_lock.end(db, link.key)
                st.rerun()
