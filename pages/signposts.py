"""Signposts: scheduled check-ins where leadership joins a team's conversation about a goal."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from collabplan import text, ui
from collabplan.goals import model, progress, signposts, values
from collabplan.ui import present, safe, signin
from collabplan.ui import progress as pui
from collabplan.ui.cache import cached

ui.page_setup()

db = ui.get_db()
goal_overview = cached(progress.goal_overview)
upcoming_signposts = cached(signposts.upcoming_signposts)
goals_behind = cached(signposts.goals_behind)
signposts_for_goal = cached(signposts.signposts_for_goal)

UNDO_KEY = "signpost_undo"   # the row of the signpost just deleted (team notes, no student data)

st.title("Signposts")
st.caption(
    "Monitoring is support, not supervision: at each signpost leadership joins the team to "
    "ask how progress is going and what resources it needs. Write down what you decided."
)

me = ui.viewer()
overview, _ = goal_overview(viewer=me)
if overview.empty:
    pui.no_goals()
    st.stop()

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Coming up")
    upcoming = upcoming_signposts(60)
    if upcoming.empty:
        st.caption("No signposts in the next 60 days: schedule some below.")
    else:
        present.table(text.table(upcoming, columns=["date", "when", "team", "skill"]),
                     hide_index=True, width="stretch")
with right:
    st.subheader("Goals behind their line")
    behind = goals_behind(viewer=me)
    if behind.empty:
        st.caption("No goal is behind: every goal with a checkpoint is on track or met.")
    else:
        for _, b in behind.iterrows():
            st.warning(f"**{safe.md(b['goal'])}**: {pui.value_text(b['latest_value'])} at "
                       f"{safe.md(b['latest_label'])}, the straight line says "
                       f"{pui.value_text(b['latest_expected'])}.", icon=":material/warning:")

st.divider()
goal_id = pui.goal_picker(overview, key="signpost_goal_pick")
row = overview.set_index("goal_id").loc[goal_id].copy()
row["goal_id"] = goal_id
pui.status_line(row)
if not me.can_edit_team(model.get_goal(db, goal_id).team_id):
    st.caption("Only the goal's team and leaders plan its signposts and write their notes.")
    posts = signposts_for_goal(goal_id)
    for _, post in posts.iterrows():
        with st.expander(text.long_date(post["date"]) + (" · done" if post["done"] else "")):
            for label, field in (("How is progress going?", "how_going"),
                                 ("Resources the team needs", "resources"),
                                 ("Decisions taken", "decisions")):
                if said := text.cell(post[field], none=""):
                    st.markdown(f"**{label}** {safe.md(said)}")
    st.stop()

undo = st.session_state.get(UNDO_KEY)
if undo:
    cols = st.columns([4, 1])
    cols[0].info(f"Signpost of {safe.md(undo['date'])} deleted.", icon=":material/delete:")
    if cols[1].button("Undo", key="undo_signpost", icon=":material/undo:"):
        signposts.restore_signpost(db, undo, viewer=me)
        del st.session_state[UNDO_KEY]
        ui.after_write()
        st.rerun()

add_col, plan_col = st.columns(2, gap="large")
with add_col, st.form("add_signpost", clear_on_submit=True):
    st.markdown("**Add a signpost**")
    day = st.date_input("Date", value=dt.date.today() + dt.timedelta(days=14), format="YYYY-MM-DD")
    if st.form_submit_button("Add", type="primary", icon=":material/add:"):
        signposts.add_signpost(db, goal_id, day, viewer=me)
        ui.after_write()
        st.rerun()
with plan_col, st.form("plan_signposts"):
    st.markdown("**Plan the year**")
    start = st.date_input("First check-in", value=dt.date.today(), format="YYYY-MM-DD")
    end = st.date_input("Until", format="YYYY-MM-DD",
                        value=values.to_date(row["target_date"])
                        or dt.date.today() + dt.timedelta(days=180))
    weeks = st.number_input("Every how many weeks", min_value=1, max_value=26, value=6)
    if st.form_submit_button("Schedule", icon=":material/calendar_month:"):
        try:
            made = signposts.schedule_signposts(db, goal_id, start, end, int(weeks), viewer=me)
        except ValueError as exc:
            st.error(safe.md(exc))
        else:
            ui.after_write()
            st.success(f"{len(made)} signpost(s) scheduled.")
            st.rerun()

st.subheader("This goal's signposts")
posts = signposts_for_goal(goal_id)
if posts.empty:
    st.caption("None yet: add one above, or plan the year in one go.")
for _, post in posts.iterrows():
    pid = int(post["id"])
    title = text.long_date(post["date"]) + (" · done" if post["done"] else "")
    with st.expander(title, expanded=not post["done"] and post["date"] <= dt.date.today()):
        with st.form(f"signpost_{pid}"):
            how = safe.text_area(st, "How is progress going?", value=text.cell(post["how_going"], none=""))
            needs = safe.text_area(st, "What resources does the team need?", value=text.cell(post["resources"], none=""))
            decided = safe.text_area(st, "Decisions taken", value=text.cell(post["decisions"], none=""))
            done = st.checkbox("This conversation has happened", value=bool(post["done"]))
            if st.form_submit_button("Save notes", type="primary"):
                signposts.update_signpost(db, pid, how_going=how, resources=needs,
                                          decisions=decided, done=done, viewer=me)
                ui.after_write()
                st.rerun()
        if st.button("Delete this signpost", key=f"delete_signpost_{pid}", icon=":material/delete:"):
            st.session_state[UNDO_KEY] = signposts.delete_signpost(
                db, pid, who=signin.audit_who(me, pui.who()), viewer=me)
            ui.after_write()
            st.rerun()
