"""Teams & norms: members, protected time, norms, stage, and meeting agendas on the PLC questions."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from collabplan import text, ui
from collabplan.ui import present, safe
from collabplan.ui import workspace as wsui
from collabplan.ui.choices import remember, remembered_select
from collabplan.workspace import teams

ui.page_setup()

PAGE = "teams"
db = ui.get_db()

st.title("Teams & norms")
st.caption(
    "Set each collaborative team up to succeed: who is on it, its weekly protected time, the "
    "norms it agreed, whose turn it is to facilitate, its stage of growth, and an agenda for "
    "every meeting built on the four PLC questions."
)
wsui.flash(PAGE)

all_teams = teams.teams(db)
if all_teams.empty:
    st.info(
        "No teams yet. Add your first team below (for example a grade-level team), or load "
        "the demo school on Home."
    )
with st.expander("Add a team", expanded=all_teams.empty), st.form("team_add", clear_on_submit=True):
    c1, c2, c3 = st.columns(3)
    name = safe.text_input(c1, "Team name", limit=safe.NAME_LIMIT, placeholder="e.g. Grade 3 Team")
    band = safe.text_input(c2, "Grades", limit=safe.NAME_LIMIT, placeholder="e.g. 3")
    subject = safe.text_input(c3, "Subject", limit=safe.NAME_LIMIT, placeholder="e.g. Reading")
    if st.form_submit_button("Add the team", type="primary"):
        wsui.save(PAGE, teams.add_team, name, band, subject, done=f"{name.strip()} added.")
if all_teams.empty:
    st.stop()

labels = wsui.option_label(all_teams, "id", "name")
team_id = remembered_select("Team", list(labels), key="teams_pick", format_func=labels.get)
wsui.progress(teams.team_progress(db, team_id))

# keyed and tracked: a save's message above the tabs must not send the team back to step 1
tabs = st.tabs(["1 · Members & time", "2 · Norms", "3 · Stage", "4 · Meeting agenda", "Summary"],
               key="teams_step", on_change="rerun")

# 1. Members and protected time ----------------------------------------------------------------
with tabs[0]:
    st.markdown(
        "**List the team's members (the facilitator rotates through them in this order) and "
        "set the weekly time that is protected for the team.**"
    )
    people = teams.members(db, team_id)
    with st.form(f"member_add_{team_id}", clear_on_submit=True):
        left, right = st.columns(2)
        person = safe.text_input(left, "Name", limit=safe.NAME_LIMIT, placeholder="e.g. Ms. Patel")
        role = safe.text_input(right, "Role", limit=safe.NAME_LIMIT, placeholder="e.g. Grade 3 teacher")
        if st.form_submit_button("Add to the team", type="primary"):
            wsui.save(PAGE, teams.add_member, team_id, person, role, done=f"{person.strip()} added.")
    if people.empty:
        st.info("No members yet: add everyone who plans together on this team.")
    else:
        present.table(text.table(people, none="not set"), hide_index=True)
        with st.form(f"member_remove_{team_id}"):
            who = st.selectbox("Remove a member", people["name"].tolist())
            if st.form_submit_button("Remove"):
                wsui.delete(PAGE, teams.remove_member, team_id, who, name=who)

    current = teams.team_workspace(db, team_id)
    with st.form(f"time_{team_id}"):
        left, right = st.columns([2, 1])
        when = safe.text_input(
            left,
            "Weekly protected time",
            value=current["protected_time"] or "",
            placeholder="e.g. Tuesdays 2:45–3:30",
        )
        minutes = right.number_input(
            "Minutes a week",
            min_value=0,
            max_value=600,
            step=5,
            value=int(current["minutes_per_week"] or 0),
        )
        if st.form_submit_button("Save the time", type="primary"):
            wsui.save(
                PAGE,
                teams.save_team_workspace,
                team_id,
                when,
                int(minutes) or None,
                current["stage"],
                done="Protected time saved.",
            )

# 2. Norms --------------------------------------------------------------------------------
with tabs[1]:
    st.markdown(
        "**Co-create the team's norms. Revisit them every few weeks and record when you did.**"
    )
    with st.form(f"norm_add_{team_id}", clear_on_submit=True):
        left, right = st.columns([3, 1])
        body = safe.text_input(left, "Norm", placeholder="e.g. We start and end on time.")
        agreed = right.date_input("Agreed on", value=dt.date.today())
        if st.form_submit_button("Add the norm", type="primary"):
            wsui.save(PAGE, teams.add_norm, team_id, body, agreed, done="Norm added.")
    team_norms = teams.norms(db, team_id)
    if team_norms.empty:
        st.info("No norms yet: agree three to five together at your first meeting.")
    else:
        present.table(
            text.table(team_norms, {"body": "Norm", "agreed_on": "Agreed",
                                    "revisited_on": "Last revisited"},
                       columns=["body", "agreed_on", "revisited_on"],
                       none={"revisited_on": "not yet"}),
            hide_index=True,
        )
        norm_labels = wsui.option_label(team_norms, "id", "body")
        with st.form(f"norm_revisit_{team_id}"):
            pick = st.selectbox("Norm", list(norm_labels), format_func=norm_labels.get)
            left, right = st.columns([3, 1])
            reword = safe.text_input(left, "New wording (leave blank to keep it)")
            on = right.date_input("Revisited on", value=dt.date.today())
            b1, b2 = st.columns(2)
            if b1.form_submit_button("Record that we revisited it", type="primary"):
                wsui.save(PAGE, teams.revisit_norm, pick, reword, on, done="Norm revisited.")
            if b2.form_submit_button("Delete this norm"):
                wsui.delete(PAGE, teams.delete_norm, pick, name=norm_labels.get(pick))

# 3. Stage and the school's support ------------------------------------------------------------
with tabs[2]:
    st.markdown(
        "**Teams grow through four stages. Choose where this team is now; the school writes what "
        "it does to support teams at each stage.**"
    )
    current = teams.team_workspace(db, team_id)
    stage_keys = list(teams.STAGES)
    with st.form(f"stage_{team_id}"):
        stage = st.radio(
            "This team's stage",
            stage_keys,
            index=stage_keys.index(current["stage"]) if current["stage"] in stage_keys else None,
            format_func=teams.STAGES.get,
        )
        if st.form_submit_button("Save the stage", type="primary"):
            wsui.save(
                PAGE,
                teams.save_team_workspace,
                team_id,
                current["protected_time"],
                current["minutes_per_week"],
                stage,
                done="Stage saved.",
            )
    supports = teams.stage_supports(db)
    st.markdown("**What the school does to support each stage** (for every team)")
    with st.form("stage_support"):
        texts = {}
        for row in supports.itertuples():
            texts[row.stage] = safe.text_area(
                st, row.looks_like, value=row.support or "", key=f"support_{row.stage}", height=70
            )
        if st.form_submit_button("Save the support plan", type="primary"):

            def save_supports(database, texts):
                for key, text in texts.items():
                    teams.save_stage_support(database, key, text)

            wsui.save(PAGE, save_supports, texts, done="Support plan saved.")

# 4. Meeting agenda -------------------------------------------------------------------------
with tabs[3]:
    st.markdown(
        "**Plan each meeting on the four PLC questions and close it with one clear next step.** "
        "Each agenda is saved with the meeting and can be linked to the team's goal."
    )
    names = teams.members(db, team_id)["name"].tolist()
    up_next = teams.next_facilitator(db, team_id)
    if up_next:
        st.markdown(f"Next facilitator in the rotation: **{safe.md(up_next)}**")
    else:
        st.caption("Add members on tab 1 to rotate the facilitator role.")
    past = teams.meetings(db, team_id)
    meeting_labels = {0: "A new meeting"} | {
        int(m.id): f"{m.met_on:%b %d, %Y} · {m.facilitator or 'no facilitator'}"
        for m in past.itertuples()
    }
    meeting_id = remembered_select(
        "Agenda",
        list(meeting_labels),
        format_func=meeting_labels.get,
        key=f"meeting_pick_{team_id}",
    )
    saved = teams.meeting(db, meeting_id) if meeting_id else {}
    goals = teams.team_goals(db, team_id)
    goal_labels = {0: "Not linked to a goal"} | wsui.option_label(goals, "id", "label")
    facilitators = names or ["(no members yet)"]
    default_facilitator = saved.get("facilitator") or up_next
    with st.form(f"meeting_{team_id}_{meeting_id}"):
        c1, c2, c3 = st.columns(3)
        met_on = c1.date_input("Meeting date", value=saved.get("met_on") or dt.date.today())
        facilitator = c2.selectbox(
            "Facilitator",
            facilitators,
            index=facilitators.index(default_facilitator)
            if default_facilitator in facilitators
            else 0,
        )
        saved_goal = saved.get("goal_id")
        goal_keys = list(goal_labels)
        goal_pick = c3.selectbox(
            "Team goal",
            goal_keys,
            index=goal_keys.index(int(saved_goal))
            if saved_goal and int(saved_goal) in goal_keys
            else 0,
            format_func=goal_labels.get,
        )
        answers = {}
        for key, question in teams.PLC_QUESTIONS.items():
            answers[key] = safe.text_area(st, question, value=saved.get(key) or "", height=80)
        st.markdown("**Next step** (the meeting closes with it)")
        n1, n2, n3 = st.columns([3, 1, 1])
        answers["next_step"] = safe.text_input(
            n1, "What we will do next", value=saved.get("next_step") or ""
        )
        answers["next_step_who"] = safe.text_input(n2, "Who", limit=safe.NAME_LIMIT, value=saved.get("next_step_who") or "")
        answers["next_step_by"] = n3.date_input("By", value=saved.get("next_step_by") or None)
        if st.form_submit_button("Save the agenda", type="primary"):
            wsui.save(
                PAGE,
                teams.save_meeting,
                team_id,
                met_on,
                facilitator if names else None,
                goal_pick or None,
                meeting_id or None,
                done="Agenda saved.",
                # the agenda just saved stays open, with the facilitator and goal picked
                then=lambda saved_id: remember(saved_id, f"meeting_pick_{team_id}"),
                **answers,
            )
    if meeting_id and st.button("Delete this meeting", key=f"meeting_delete_{meeting_id}"):
        wsui.delete(PAGE, teams.delete_meeting, meeting_id)
    if past.empty:
        st.info("No meetings saved yet: fill in the agenda above before your next meeting.")
    else:
        present.table(
            text.table(past, {"met_on": "Date", "learn": "Students should learn",
                              "next_step_who": "Who", "next_step_by": "By"},
                       columns=["met_on", "facilitator", "learn", "next_step", "next_step_who",
                                "next_step_by"], none="not set"),
            hide_index=True,
        )

with tabs[4]:
    wsui.summary(db, "Teams and norms", "teams-and-norms")
