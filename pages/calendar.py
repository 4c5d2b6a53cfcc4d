"""School year: every dated thing on one calendar (month, list, timeline), each team's year
plan generated from its goal and then edited, the staff-meeting shares, and the .ics file."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from collabplan import audit, text, ui
from collabplan.charts.year import year_timeline_chart
from collabplan.goals.advice import school_year
from collabplan.goals.lookups import list_teams
from collabplan.ui import home, signin
from collabplan.ui import progress as pui
from collabplan.ui import year as yui
from collabplan.ui.cache import cached
from collabplan.ui.choices import remembered_segments, remembered_select
from collabplan.workspace.teams import team_goals
from collabplan.year import calendar, ics, plan
from collabplan.year.items import KINDS

ui.page_setup()

db = ui.get_db()
calendar_items = cached(calendar.items)
teams_list = cached(list_teams)
goals_of = cached(team_goals)
team_plan = cached(plan.team_plan)
staff_shares = cached(plan.staff_shares)
school_name = cached(ics.school_name)

me = ui.viewer()
today = dt.date.today()

st.title("School year")
st.caption(
    "Every dated thing in one place: testing windows, check-ins and signposts, goal actions "
    "and target dates, shares at staff meetings, survey rounds and the vision's communication "
    "plan. Each team plans its year from its goal, then edits it."
)

teams = teams_list()
team_names = dict(zip(teams["id"].astype(int), teams["name"], strict=True))
seen_teams = [t for t in team_names if me.team_scope is None or t in me.team_scope]
every = calendar_items(viewer=me)

with st.container(key="calendar_views"):
    pick_team, pick_kind, pick_view = st.columns([2, 2, 3])
    team_id = remembered_select("Team", [None, *seen_teams], key="calendar_team_pick",
                                format_func=lambda t: "Every team" if t is None else team_names[t],
                                container=pick_team)
    kinds_here = [k for k in KINDS if any(i.kind == k for i in every)]
    kind = remembered_select("Show", [None, *kinds_here], key="calendar_kind_pick",
                             format_func=lambda k: "Everything" if k is None else KINDS[k],
                             container=pick_kind)
    view = remembered_segments("View", ["Month", "List", "Timeline"], key="calendar_view",
                               container=pick_view)
    found = calendar_items(viewer=me, team_id=team_id, kinds=None if kind is None else [kind])
    if not every:
        st.info(
            "Nothing is dated yet. Upload results (their testing windows come on the "
            "calendar), draft a goal and plan its year under *A team's year plan* below, or open a "
            "survey round on **Collaboration health**.", icon=":material/calendar_month:")
        home.page_link("upload.py", "Upload results", icon=":material/upload_file:")
        home.page_link("goal_draft.py", "Draft a goal", icon=":material/edit_note:")
    elif not found:
        st.info("Nothing of this kind for this team: choose another team or Everything.",
                icon=":material/filter_alt:")
    elif view == "Month":
        yui.month_view(found, today)
    elif view == "List":
        yui.list_view(found, today)
    else:
        shown_month = st.session_state.get(yui.MONTH_KEY) or today
        first, last = school_year(shown_month)
        year_items = [i for i in found if calendar.last_day(i) >= first and i.on <= last]
        if year_items:
            st.plotly_chart(
                year_timeline_chart(calendar.as_frame(year_items), first, last, today,
                                    f"{first.year}-{str(last.year)[2:]}"),
                width="stretch", config={"displayModeBar": False})
        else:
            st.caption(f"Nothing is dated in the school year {first.year}-{str(last.year)[2:]}.")
    if found:
        team = team_names.get(team_id) if team_id is not None else None
        data = ics.calendar_ics(found, ics.calendar_name(school_name(), team))

        def log_export() -> None:
            audit.record(db, signin.audit_who(me, pui.who()), "export",
                         f"calendar (ics), {text.count(len(found), 'item')}"
                         + (f", team {team_id}" if team_id is not None else ""))

        st.download_button(
            f"Download {'this team' if team else 'the calendar'} for your own calendar (.ics)",
            data=data, file_name=ics.file_name(team), mime="text/calendar",
            icon=":material/download:", on_click=log_export, key="calendar_ics",
            help="Opens in Google Calendar, Outlook or Apple Calendar; importing it again "
                 "updates the same events instead of adding copies.")

st.divider()
st.subheader("A team's year plan")
with st.container(key="calendar_plan"):
    editable = [t for t in team_names if me.can_edit_team(t)]
    if not team_names:
        st.info("No teams yet: a team is made when it uploads its results or drafts a goal.",
                icon=":material/groups:")
        home.page_link("upload.py", "Upload results", icon=":material/upload_file:")
    else:
        yui.team_plan_editor(db, me, team_names, editable or seen_teams or list(team_names),
                             today, goals_of, team_plan)

st.divider()
st.subheader("Staff-meeting shares")
with st.container(key="calendar_shares"):
    st.caption("Which team shares what at which staff meeting: a time for colleagues to "
               "hear how a goal is going and to offer ideas.")
    shares = staff_shares()
    if shares.empty:
        st.caption("No shares planned yet: plan one below, or generate a team's year plan "
                   "(it includes a share).")
    else:
        yui.shares_table(shares)
    share_teams = [t for t in team_names if me.can_edit_team(t)]
    if share_teams:
        share_team = remembered_select("Team that shares", share_teams,
                                       key="calendar_share_team", format_func=team_names.get)
        yui.add_share_form(db, me, share_team, today)
