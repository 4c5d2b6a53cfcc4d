"""Streamlit pieces of the School year page: the month grid with its navigation, the list by
month, the year-plan editor and the staff-meeting shares."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from collabplan import text, ui
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError
from collabplan.ui import present, safe
from collabplan.ui.choices import remembered_select
from collabplan.year import calendar, month, plan
from collabplan.year.items import KINDS, CalendarItem

MONTH_KEY = "calendar_month"          # the first day of the month shown (a date)
UNDO_KEY = "calendar_plan_undo"       # what the last delete removed (a team's plan row)
LIST_COLUMNS = {"when": "When", "kind_label": "What kind", "title": "What", "team": "Team",
                "done": "Done"}


def span_words(item: CalendarItem) -> str:
    """ "15 Sep 2025", or "15 Sep 2025 to 22 Sep 2025" for a span."""
    if item.ends and item.ends != item.on:
        return f"{text.short_date(item.on)} to {text.short_date(item.ends)}"
    return text.short_date(item.on)


def opening_month(found: list[CalendarItem], today: dt.date) -> tuple[dt.date, str | None]:
    """The month the grid opens on: this month, or (when nothing is in it) the next month with
    something in it, else the last one; with a line saying why when it is not this month."""
    this = today.replace(day=1)
    if not found or month.in_month(found, this):
        return this, None
    ahead = [i for i in found if i.on > today]
    first = (ahead[0].on if ahead else found[-1].on).replace(day=1)
    why = "the next month with something in it" if ahead else "the last month with something in it"
    return first, f"Nothing is dated in {this:%B %Y}: this is {first:%B %Y}, {why}."


def month_view(found: list[CalendarItem], today: dt.date) -> None:
    """The month grid with previous/next month and back to this month."""
    start, why = opening_month(found, today)
    shown = st.session_state.get(MONTH_KEY)
    if not isinstance(shown, dt.date):
        shown = start
        st.session_state[MONTH_KEY] = shown
    back, this, ahead, _ = st.columns([1, 1, 1, 3])
    if back.button("Previous month", icon=":material/chevron_left:", key="calendar_prev"):
        st.session_state[MONTH_KEY] = month.shift_month(shown, -1)
        st.rerun()
    if this.button("This month", icon=":material/today:", key="calendar_this"):
        st.session_state[MONTH_KEY] = today.replace(day=1)
        st.rerun()
    if ahead.button("Next month", icon=":material/chevron_right:", key="calendar_next"):
        st.session_state[MONTH_KEY] = month.shift_month(shown, 1)
        st.rerun()
    if why and shown == start:
        st.caption(why)
    st.html(month.month_html(found, shown, today))
    if not month.in_month(found, shown):
        st.caption(f"Nothing is dated in {shown:%B %Y}.")


def list_view(found: list[CalendarItem], today: dt.date) -> None:
    """What is going on now, then upcoming items, a table per month; what has passed below,
    latest month first."""
    ongoing = [i for i in found if i.on < today <= calendar.last_day(i)]
    upcoming = [i for i in found if i.on >= today]
    past = [i for i in found if calendar.last_day(i) < today]
    if ongoing:
        st.markdown("**Going on now**")
        _month_table(ongoing)
    if not upcoming:
        st.caption("Nothing ahead: every dated item has passed. Plan the year under "
                   "A team's year plan.")
    for first, items in _by_month(upcoming):
        st.markdown(f"**{first:%B %Y}**")
        _month_table(items)
    if past:
        with st.expander(f"Already past ({text.count(len(past), 'item')})"):
            for first, items in reversed(_by_month(past)):
                st.markdown(f"**{first:%B %Y}**")
                _month_table(items)


def _by_month(found: list[CalendarItem]) -> list[tuple[dt.date, list[CalendarItem]]]:
    groups: dict[dt.date, list[CalendarItem]] = {}
    for item in found:
        groups.setdefault(item.on.replace(day=1), []).append(item)
    return list(groups.items())


def _month_table(found: list[CalendarItem]) -> None:
    frame = calendar.as_frame(found)
    frame["when"] = [span_words(i) for i in found]
    frame["team"] = frame["team"].map(lambda t: t if isinstance(t, str) and t else "Whole school")
    present.table(text.table(frame, LIST_COLUMNS, columns=list(LIST_COLUMNS)),
                  hide_index=True, width="stretch")


# -- the year plan ----------------------------------------------------------------------------
def plan_table(frame: pd.DataFrame) -> None:
    """A team's plan, read only."""
    shown = frame.copy()
    shown["kind_label"] = shown["kind"].map(lambda k: KINDS.get(k, k))
    present.table(text.table(shown, {"on_date": "Date", "kind_label": "What kind", "title": "What",
                                     "staff_meeting": "Staff meeting", "done": "Done"},
                             columns=["on_date", "kind_label", "title", "staff_meeting", "done"],
                             none=""),
                  hide_index=True, width="stretch")


def team_plan_editor(db: Database, me: Viewer, team_names: dict[int, str], offered: list[int],
                     today: dt.date, goals_of: Any, team_plan: Any) -> None:
    """Pick a team (and its goal), generate its plan from the goal, then edit it; read only
    for anyone who may not change the team's plan."""
    plan_team = remembered_select("Team", offered, key="calendar_plan_team",
                                  format_func=team_names.get)
    may_edit = me.can_edit_team(plan_team)
    added = st.session_state.pop("calendar_added", None)
    if added:
        st.success(f"{text.count(added, 'item')} added to the plan: "
                   f"{'they are' if added != 1 else 'it is'} on the calendar now.",
                   icon=":material/event_available:")
    goals = goals_of(plan_team)
    goal_id = None
    if goals.empty:
        st.info("This team has no goal yet: draft one first, then generate its year plan "
                "here" + (" (or add items by hand below)." if may_edit else "."),
                icon=":material/flag:")
    else:
        labels = dict(zip(goals["id"].astype(int), goals["label"], strict=True))
        goal_id = remembered_select("Goal", list(labels), key="calendar_plan_goal",
                                    format_func=labels.get)
        if may_edit:
            st.markdown("**Generate the plan from the goal**")
            st.caption("A check-in a week after each testing window, a mid-year signpost, a "
                       "share at a staff meeting and a review on the target date. Generating "
                       "again adds only what is missing and never changes your edits.")
            generator(db, me, int(goal_id), today)
    if may_edit:
        undo_notice(db, me)
    rows = team_plan(plan_team)
    st.markdown(f"**The year plan of {safe.md(team_names[plan_team])}**")
    if rows.empty:
        st.caption("Nothing planned yet" + (": generate it from the goal above or add an item."
                                            if may_edit else "."))
    elif may_edit:
        plan_items(db, me, rows)
    else:
        st.caption("Only the team's own teachers and leaders change its plan.")
        plan_table(rows)
    if may_edit:
        add_item_form(db, me, plan_team, goal_id, today)


def undo_notice(db: Database, me: Viewer) -> None:
    """The Undo button of the last deleted plan item."""
    removed = st.session_state.get(UNDO_KEY)
    if not removed:
        return
    left, right = st.columns([4, 1])
    left.info("A year plan item was deleted.", icon=":material/delete:")
    if right.button("Undo", key="calendar_undo", icon=":material/undo:"):
        try:
            plan.restore(db, removed, viewer=me)
        except UserError as exc:
            st.error(safe.md(exc))
            return
        del st.session_state[UNDO_KEY]
        ui.after_write()
        st.rerun()


def generator(db: Database, me: Viewer, goal_id: int, today: dt.date) -> None:
    """What the generator would add to the plan from the goal, and the button that adds it."""
    past = st.checkbox("Also plan the dates already past (marked done)", key="calendar_past")
    offered = plan.missing(db, goal_id, today, include_past=past)
    if not offered:
        st.caption("The plan has everything generated from this goal. Add more by hand below, "
                   "or tick the box above to plan the dates already past.")
        return
    frame = pd.DataFrame([{"on": p.on, "kind": KINDS[p.kind], "title": p.title,
                           "meeting": p.staff_meeting} for p in offered])
    present.table(text.table(frame, {"on": "Date", "kind": "What kind", "title": "What",
                                     "meeting": "Staff meeting"}, none=""),
                  hide_index=True, width="stretch")
    label = f"Add {text.count(len(offered), 'item')} to the plan"
    if st.button(label, type="primary", icon=":material/event_available:",
                 key="calendar_generate"):
        try:
            made = plan.generate(db, goal_id, viewer=me, today=today, include_past=past)
        except UserError as exc:
            st.error(safe.md(exc))
            return
        ui.after_write()
        st.session_state["calendar_added"] = len(made)
        st.rerun()


def plan_items(db: Database, me: Viewer, frame: pd.DataFrame) -> None:
    """Each item of the plan in an expander: rename, move, mark done, or delete (with Undo)."""
    for row in frame.to_dict("records"):
        item_id = int(row["id"])
        title = (f"{text.short_date(row['on_date'])} · {KINDS.get(row['kind'], row['kind'])}: "
                 f"{row['title']}{' (done)' if row['done'] else ''}")
        with st.expander(safe.md(title)):
            with st.form(f"calendar_item_{item_id}"):
                name = safe.text_input(st, "What", value=row["title"])
                day = st.date_input("Date", value=row["on_date"], format="YYYY-MM-DD")
                meeting = None
                if row["kind"] == "staff_share":
                    meeting = safe.text_input(st, "Which staff meeting",
                                              value=row["staff_meeting"] or "")
                detail = safe.text_area(st, "Notes", value=row["detail"] or "")
                done = st.checkbox("Done", value=bool(row["done"]))
                if st.form_submit_button("Save", type="primary"):
                    changes: dict[str, Any] = {"title": name, "on_date": day, "done": done,
                                               "detail": detail}
                    if meeting is not None:
                        changes["staff_meeting"] = meeting
                    try:
                        plan.update_item(db, item_id, viewer=me, **changes)
                    except UserError as exc:
                        st.error(safe.md(exc))
                    else:
                        ui.after_write()
                        st.rerun()
            if st.button("Delete this item", key=f"calendar_delete_{item_id}",
                         icon=":material/delete:"):
                st.session_state[UNDO_KEY] = plan.delete_item(db, item_id, viewer=me)
                ui.after_write()
                st.rerun()


def add_item_form(db: Database, me: Viewer, team_id: int, goal_id: int | None,
                  today: dt.date) -> None:
    """A form to add one item by hand."""
    with st.form("calendar_add_item"):
        st.markdown("**Add an item**")
        kind = st.selectbox("What kind", list(plan.PLAN_KINDS), key="calendar_add_kind",
                            format_func=lambda k: KINDS[k])
        name = safe.text_input(st, "What", placeholder="e.g. Model lessons with the coach")
        day = st.date_input("Date", value=today + dt.timedelta(days=14), format="YYYY-MM-DD")
        if st.form_submit_button("Add", icon=":material/add:"):
            try:
                plan.add_item(db, team_id, day, name, kind=kind, goal_id=goal_id, viewer=me)
            except UserError as exc:
                st.error(safe.md(exc))
            else:
                ui.after_write()
                st.rerun()


def add_share_form(db: Database, me: Viewer, team_id: int, today: dt.date) -> None:
    """A form to plan a share of ``team_id`` at a staff meeting."""
    with st.form("calendar_add_share"):
        st.markdown("**Plan a share at a staff meeting**")
        day = st.date_input("Staff meeting on", value=plan.staff_meeting_after(today),
                            format="YYYY-MM-DD")
        meeting = safe.text_input(st, "Which staff meeting",
                                  placeholder="e.g. February staff meeting (the month's name "
                                              "if left blank)")
        what = safe.text_input(st, "What the team shares",
                               placeholder="e.g. Our re-teach groups after each CFA")
        if st.form_submit_button("Plan the share", icon=":material/add:"):
            try:
                plan.add_share(db, team_id, day, what, meeting or None, viewer=me)
            except UserError as exc:
                st.error(safe.md(exc))
            else:
                ui.after_write()
                st.rerun()


def shares_table(frame: pd.DataFrame) -> None:
    present.table(text.table(frame, {"on_date": "Date", "staff_meeting": "Staff meeting",
                                     "team": "Team", "title": "What they share",
                                     "done": "Done"},
                             columns=["on_date", "staff_meeting", "team", "title", "done"],
                             none=""),
                  hide_index=True, width="stretch")
