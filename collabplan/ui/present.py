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

import datetime as dt
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import pandas as pd
import streamlit as st

from collabplan import present_lock, text, ui
from collabplan.charts import style as chart_style
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


# -- the room: type and tables readable from the back ------------------------------------------

#: The smallest text (px) anywhere on a projected page, as on the charts.
ROOM_MIN_FONT = chart_style.ROOM_MIN_FONT
#: The container of an editor opened in projection mode (``st-key-room_editor_...`` on the page).
EDITOR_KEY = "room_editor"
#: Rows a projected table shows (a longer one is not read on a screen; the page says so).
ROOM_TABLE_ROWS = 40

#: Streamlit draws captions, widget labels, help, metric labels, code, menus and table cells
#: at 10.5-14 px. In projection mode each is raised to the room's floor; nothing larger is
#: made smaller, and long words wrap instead of being cut off.
ROOM_CSS = """
<style>
[data-testid="stApp"] :is(
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *,
  [data-testid="stWidgetLabel"], [data-testid="stWidgetLabel"] *,
  [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
  [data-testid="stMetricDelta"], [data-testid="stMetricDelta"] *,
  [data-testid="stExpander"] summary, [data-testid="stExpander"] summary *,
  [data-testid="stTabs"] [role="tab"], [data-testid="stTabs"] [role="tab"] *,
  [data-testid="stSidebarNav"] *, [data-testid="stSidebarNavSeparator"] *,
  [data-testid="stPageLink"] *, [data-testid="stPageLink-NavLink"] *,
  button, button *, [data-testid="stProgress"] *,
  [data-testid="stMarkdownContainer"] small, [data-testid="stMarkdownContainer"] sub,
  [data-testid="stMarkdownContainer"] sup,
  [data-testid="stTable"] th, [data-testid="stTable"] td, [data-testid="stTable"] td *,
  [data-testid="stTableStyledTable"] th, [data-testid="stTableStyledTable"] td,
  [data-testid="stSelectbox"] *, [data-testid="stMultiSelect"] *,
  [data-testid="stTextInput"] input, [data-testid="stTextArea"] textarea,
  [data-testid="stNumberInput"] input, [data-testid^="stDateInput"] *,
  [data-testid="stTimeInput"] *, [data-testid="stRadio"] *, [data-testid="stCheckbox"] *,
  [data-testid="stSlider"] *, [data-testid="stFileUploader"] *, [data-testid="stAlert"] *,
  [data-testid="stForm"] small, [data-testid="stToast"] *, [data-testid="stBadge"] *,
  [data-testid="stTooltipContent"] *, [data-testid="stElementToolbar"] *, [data-baseweb] *,
  code, pre, kbd
) { font-size: max(1em, __MIN__px) !important; }
[data-testid="stApp"] :is(code, kbd) { font-size: max(1em, __MIN__px) !important; }
[data-testid="stApp"] :is([data-testid="stExpander"] summary, [data-testid="stTable"] td,
  [data-testid="stTable"] th, [data-testid="stWidgetLabel"], [data-testid="stMetricLabel"],
  [data-testid="stCaptionContainer"], [data-testid="stSidebarNav"] a span) {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere;
}
/* drawn outside the app's tree: open select lists, tooltips, help and toasts */
:is([data-baseweb="popover"], [data-baseweb="tooltip"], [data-testid="stTooltipContent"],
  [data-testid^="stSelectbox"], [data-testid^="stMultiSelect"], [data-testid="stToast"]) * {
  font-size: max(1em, __MIN__px) !important; }
[data-testid="stApp"] [data-testid="stMetricLabel"] * { overflow: visible !important;
  white-space: normal !important; text-overflow: clip !important; }
</style>
""".replace("__MIN__", str(ROOM_MIN_FONT))


def room() -> None:
    """Once per run, after the projection switch is drawn: tell the chart builders whether
    they are projected, and in projection mode raise the page's small type (``ROOM_CSS``)."""
    on = ui.projection_mode()
    chart_style.set_projecting(on)
    if on:
        st.html(ROOM_CSS)


def _column_label(name: str, setting: Any) -> str | None:
    """The heading a ``column_config`` entry gives a column (None: the column is hidden)."""
    if setting is None:
        return None
    if isinstance(setting, str):
        return setting
    if isinstance(setting, Mapping):
        return setting.get("label") or name
    return name


def _cell_formatter(setting: Any) -> Any:
    """A function that writes a cell as a ``column_config`` entry would show it (or None)."""
    if not isinstance(setting, Mapping):
        return None
    config = setting.get("type_config") or {}
    kind, fmt = config.get("type"), config.get("format")
    if kind == "number" and isinstance(fmt, str) and fmt.startswith("%"):
        return lambda v: "" if pd.isna(v) else fmt % v
    if kind in ("datetime", "date"):
        day_only = kind == "date"

        def when(v: Any) -> str:
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                return ""
            if isinstance(v, dt.date | datetime | pd.Timestamp):
                return text.short_date(v) if day_only else text.when(v)
            return str(v)

        return when
    return None


def room_frame(data: pd.DataFrame, column_config: Mapping[str, Any] | None = None,
               column_order: list[str] | None = None) -> pd.DataFrame:
    """``data`` as a projected table shows it: the ``column_config`` headings and number and
    date formats applied, hidden columns left out, empty cells blank, and at most
    ``ROOM_TABLE_ROWS`` rows."""
    config = dict(column_config or {})
    columns = [c for c in (column_order or list(data.columns)) if c in data.columns]
    out = pd.DataFrame(index=data.index[:ROOM_TABLE_ROWS])
    for column in columns:
        setting = config.get(column, column)
        label = _column_label(str(column), setting)
        if label is None:
            continue
        values = data[column].iloc[:ROOM_TABLE_ROWS]
        fmt = _cell_formatter(setting) or _cell_text
        out[label] = values.map(fmt)
    return out.reset_index(drop=True)


def _cell_text(value: Any) -> str:
    """A cell as words (:func:`collabplan.text.cell`, blank when empty), a day written out in
    full ("29 May 2026"): a table on a wall is read, not computed with."""
    if isinstance(value, dt.date) and not pd.isna(value):
        day = value.date() if isinstance(value, datetime) else value
        if not isinstance(value, datetime) or pd.Timestamp(value) == pd.Timestamp(day):
            return text.long_date(day)
    return text.cell(value, none="")


def table(data: pd.DataFrame, **options: Any) -> None:
    """A table of aggregated numbers or words: at a desk ``st.dataframe`` (sortable, scrolls),
    in projection mode a plain table in the room's type whose cells wrap, so every column is
    on the screen and nothing is cut off (the desk table draws 13 px text on a canvas that no
    style can enlarge). Takes ``st.dataframe``'s ``column_config``, ``column_order`` and
    ``hide_index``; other options apply at the desk only."""
    if not ui.projection_mode():
        st.dataframe(data, **options)
        return
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    if not options.get("hide_index", False) and not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    shown = room_frame(frame, options.get("column_config"), options.get("column_order"))
    st.table(shown, hide_index=True)
    if len(frame) > ROOM_TABLE_ROWS:
        st.caption(f"The first {ROOM_TABLE_ROWS} of {len(frame):,} rows: the whole table is "
                   "on this page outside projection mode.")


def editor(data: pd.DataFrame, *, edit_label: str, **options: Any) -> pd.DataFrame:
    """An editable table (``st.data_editor``): at a desk as it is; in projection mode the room
    reads it as a ``table`` and the small-type editor waits, closed, under ``edit_label``.
    Returns the edited frame either way (``data`` as it is while nobody edits)."""
    if not ui.projection_mode():
        return st.data_editor(data, **options)
    table(data, hide_index=True, column_config=options.get("column_config"),
          column_order=options.get("column_order"))
    with st.expander(edit_label, icon=":material/edit:"), \
            st.container(key=f"{EDITOR_KEY}_{options.get('key') or 'table'}"):
        return st.data_editor(data, **options)
