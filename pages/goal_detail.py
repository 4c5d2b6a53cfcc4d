"""One goal: its statement and progress, the action plan, other teams' feedback, the
lifecycle buttons and every change kept with when and by which team."""

import datetime as dt

import streamlit as st

from collabplan import charts, text, ui
from collabplan.goals.actions import ACTION_STATUSES, save_actions
from collabplan.goals.feedback import answer_feedback
from collabplan.goals.model import EDITABLE, LIFECYCLE_LABELS, TRANSITIONS, set_status, update_goal
from collabplan.goals.progress import checkpoint_rows, progress_frame
from collabplan.reports import poster
from collabplan.ui import goals as gui
from collabplan.ui import present, safe, signin
from collabplan.ui import progress as pui
from collabplan.ui.cache import cached
from collabplan.ui.choices import remembered_select
from collabplan.ui.home import page_link

ui.page_setup()

goal_poster = cached(poster.poster)

TRANSITION_LABELS = {
    "refined": "Mark refined",
    "active": "Mark active",
    "met": "Mark met",
    "not_met": "Mark not met",
    "revised": "Mark being revised",
    "draft": "Back to draft",
}

#: The action plan's columns, in words (the read-only table).
ACTION_HEADINGS = {"what": "What", "who": "Who", "start_date": "Start", "due_date": "Due",
                   "status": "Status", "evidence": "Evidence of effect"}

me = ui.viewer()
st.title("Goal & actions")
db = ui.get_db()
goal_id = gui.goal_picker()
if goal_id is None:
    gui.no_goals()
    st.stop()

goal = gui.get_goal(goal_id)
prog = gui.goal_progress(goal_id, viewer=me)
can_edit = me.can_edit_team(goal.team_id)
st.markdown(f"### {safe.md(gui.statement_for(goal_id, me))}")
st.caption(f"{safe.md(goal.team)} · {safe.md(goal.priority) or 'no priority named yet'} · "
           f"{LIFECYCLE_LABELS[goal.status]}")
if goal.why:
    st.markdown(f"**Why:** {safe.md(goal.why)}")

teams = gui.list_teams()
t_names = dict(zip(teams["id"].astype(int), teams["name"], strict=True))
by_team = None
if can_edit:
    mine = [i for i in t_names if me.can_edit_team(i)]
    by_team = remembered_select("Changes made by", mine, key=f"gdt_by_{goal_id}",
                                default=goal.team_id, format_func=t_names.get,
                                help="Kept in the goal's history with each change.")
else:
    st.caption(f"Only {safe.md(goal.team)}'s teachers and leaders change this goal; you can "
               "read it and offer feedback on the **Goal board**.")

# -- progress ----------------------------------------------------------------------------
st.subheader("Progress")
b, latest, t, s = st.columns(4)
b.metric(f"Baseline ({safe.md(prog.baseline.label)})", gui.value_text(prog.baseline),
         help="Agreed when the goal was posted; a later upload does not move it."
         if goal.status in ("active", "met", "not_met") else "Follows the data until the goal is posted.")
latest.metric("Latest" + (f" ({safe.md(prog.latest.label)})" if prog.latest else ""),
              gui.value_text(prog.latest))
t.metric("Target" + (f" ({text.long_date(goal.target_date)})" if goal.target_date else ""),
         text.pct_exact(goal.target_value))
s.metric("Status", prog.status.capitalize())
gui.baseline_choice(db, prog, by_team, "gdt_baseline", me, goal.team_id)
if goal.target_value is not None:
    st.plotly_chart(
        charts.progress_figure(progress_frame(prog), metric=goal.metric,
                               target_value=goal.target_value, target_date=goal.target_date,
                               status=prog.status),
        width="stretch", key="gdt_progress",
    )
if prog.checkpoints:
    present.table(text.table(checkpoint_rows(prog), {"value": text.METRIC_LABELS[goal.metric]}),
                 hide_index=True)
else:
    st.caption("No later testing window yet: upload the next round of results and the "
               "checkpoint appears here.")

# -- poster: the goal on one printable page, for a wall and colleagues' notes ----------------
made = dt.date.today()
pick, note = st.columns([1, 3], vertical_alignment="center")
pick.download_button(
    "Poster to print", data=goal_poster(me, goal_id, made=made).encode("utf-8"),
    file_name=f"collabplan-poster-goal-{goal_id}-{made.isoformat()}.html", mime="text/html",
    icon=":material/print:", key="gdt_poster",
    on_click=signin.record, args=(me, "export", f"goal poster (html), goal {goal_id}"),
    kwargs={"typed": pui.who()},
)
note.caption("One letter-size page for the wall: statement, why, the chart, the actions and "
             "empty boxes for colleagues' notes, questions and resources. Open the file and "
             "print it, or save it as PDF.")

# -- lifecycle ---------------------------------------------------------------------------
st.subheader("Where the goal is")
next_steps = TRANSITIONS[goal.status] if can_edit else ()
note = (safe.text_input(st, "Note for the history (optional)", key=f"gdt_note_{goal_id}")
        if can_edit else None)
cols = st.columns(max(len(next_steps), 1))
for col, status in zip(cols, next_steps, strict=False):
    if col.button(TRANSITION_LABELS[status], key=f"gdt_to_{status}"):
        try:
            set_status(db, goal_id, status, by_team_id=by_team, note=note, viewer=me)
        except ValueError as exc:
            gui.show_refusal(exc)
        else:
            ui.after_write()
            st.rerun()
if goal.status in EDITABLE and can_edit:
    st.caption("To change the target, date, why or priority, refine it on **Draft a goal**.")
    if st.button("Refine on Draft a goal", key="gdt_refine", icon=":material/edit_note:"):
        st.session_state[gui.DRAFT_KEY] = goal_id
        st.switch_page("pages/goal_draft.py")

# -- actions -----------------------------------------------------------------------------
st.subheader("Action plan")
actions = gui.list_actions(goal_id)
if not can_edit:  # a read-only plan in words: no "None" where nothing was written
    present.table(text.table(actions, ACTION_HEADINGS, columns=list(ACTION_HEADINGS),
                             none={"who": "not named", "evidence": "not yet"}), hide_index=True)
edited = actions if not can_edit else present.editor(
    actions.fillna({"who": "", "evidence": ""}),
    edit_label="Edit the action plan",
    key=f"gdt_actions_{goal_id}",
    num_rows="dynamic",
    hide_index=True,
    column_order=["what", "who", "start_date", "due_date", "status", "evidence"],
    column_config={
        "what": st.column_config.TextColumn("What", required=True),
        "who": st.column_config.TextColumn("Who"),
        "start_date": st.column_config.DateColumn("Start", format="D MMM YYYY"),
        "due_date": st.column_config.DateColumn("Due", format="D MMM YYYY"),
        "status": st.column_config.SelectboxColumn("Status", options=list(ACTION_STATUSES),
                                                   default="planned", required=True),
        "evidence": st.column_config.TextColumn("Evidence of effect"),
    },
)
adopted = [a for a in gui.card_actions(goal_id) if a["adopted_from"]]
if adopted:
    st.caption("Adopted from other teams: " + "; ".join(
        f"“{safe.md(a['what'])}” ({safe.md(a['adopted_from'])})" for a in adopted)
        + (". Remove a row and save to take one back out." if can_edit else "."))
if can_edit and st.button("Save action plan", key="gdt_save_actions", icon=":material/save:"):
    try:
        saved = save_actions(db, goal_id, safe.clean_frame(edited, ("what", "who", "evidence")), by_team_id=by_team,
                             viewer=me)
    except ValueError as exc:
        gui.show_refusal(exc)
    else:
        ui.after_write()
        st.toast(f"Saved {saved} action{'s' if saved != 1 else ''}", icon=":material/save:")
        st.rerun()
team_actions = gui.team_actions(goal.team_id)
if not team_actions.empty:
    st.plotly_chart(charts.action_timeline(team_actions, title=f"{goal.team}: actions across goals"),
                    width="stretch", key="gdt_timeline")

# -- feedback ----------------------------------------------------------------------------
st.subheader("Feedback from other teams")
feedback = gui.list_feedback(goal_id)
if feedback.empty:
    st.caption("No feedback yet. Other teams offer suggestions, resources and questions on the "
               "**Goal board**.")
    page_link("goal_board.py", "Goal board", icon=":material/dashboard:")
for row in feedback.to_dict("records"):
    fid = int(row["id"])
    with st.container(border=True):
        st.markdown(f"**{safe.md(str(row['kind']).capitalize())}** from "
                    f"{safe.md(row['team']) or 'another team'}: {safe.md(row['body'])}")
        if row["answered"] or not can_edit:
            if row["answered"]:
                st.caption("Answered" + (f": {safe.md(row['answer'])}" if row["answer"] else ""))
        else:
            answer = safe.text_input(st, "Reply (optional)", key=f"gdt_answer_{fid}")
            if st.button("Mark answered", key=f"gdt_answered_{fid}"):
                try:
                    answer_feedback(db, fid, answer, by_team_id=goal.team_id, viewer=me)
                except ValueError as exc:
                    gui.show_refusal(exc)
                else:
                    ui.after_write()
                    st.rerun()

# -- reflection and history ----------------------------------------------------------------
if can_edit:
    with st.form(f"gdt_notes_{goal_id}"):
        st.markdown("**Reflection**")
        worked = safe.text_area(st, "What worked", value=goal.what_worked or "")
        step = safe.text_area(st, "Next step", value=goal.next_step or "")
        if st.form_submit_button("Save reflection"):
            try:
                update_goal(db, goal_id, by_team_id=by_team, what_worked=worked, next_step=step,
                            change="reflection", viewer=me)
            except ValueError as exc:
                gui.show_refusal(exc)
            else:
                ui.after_write()
                st.rerun()
else:
    for label, value in (("What worked", goal.what_worked), ("Next step", goal.next_step)):
        if value:
            st.markdown(f"**{label}:** {safe.md(value)}")

st.subheader("History")
st.caption("Every change, with when and by which team; the board shows the latest version.")
present.table(text.table(gui.history_rows(goal_id), {"by": "Target date"},
                        none={"team": "no team named"}, formats={"by": text.short_date}),
             hide_index=True)
