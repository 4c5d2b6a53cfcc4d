"""Home: what the database holds, the latest uploads and where to go next."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from collabplan import disclosure, overview, ui
from collabplan.ui import home, present
from collabplan.ui.cache import cached

ui.page_setup()

db = ui.get_db()
database_overview = cached(overview.database_overview)
latest_uploads = cached(overview.latest_uploads)
signpost_frames = cached(home.signpost_frames)

me = ui.viewer()
st.title("collabplan")
st.caption("From your team's assessment spreadsheets to one focused goal, and how it is going.")
if ui.viewer().local:
    st.caption(":material/computer: Single-user mode: no sign-in, open on this computer only "
               "(docs/signin.md says how colleagues can sign in with their school accounts).")

home.repair_notice(db)
counts = database_overview(viewer=me)

if counts["empty"]:
    st.subheader("Welcome")
    st.markdown(
        "collabplan is empty. Start with your own results, or look around with a demo school "
        "(several teams, three testing windows, goals in progress)."
    )
    left, right = st.columns(2)
    with left, st.container(border=True):
        st.markdown("**Your own results**")
        st.write("Upload an NWEA MAP export, a state test file or your team's tracker (xlsx or csv).")
        home.page_link("upload.py", "Upload results", icon=":material/upload_file:")
    with right, st.container(border=True):
        st.markdown("**A demo school**")
        st.write("Fictional students and scores, to try every page before using real data.")
        if me.role != "leader":
            st.caption("A leader loads the demo school.")
        elif st.button("Load the demo school", type="primary", key="load_demo"):
            home.load_demo_school(db)
            ui.after_write()
            st.success("The demo school is loaded.")
            st.rerun()
    st.stop()

st.subheader("What the database holds")
tiles = [
    ("Teams", "teams", "Teams that upload results and set goals"),
    ("Assessments", "assessments", "Tests and trackers imported"),
    ("Testing windows", "administrations", "Sittings of an assessment (fall, winter, unit test …)"),
    ("Students", "students", "Students with at least one result or roster row"),
    ("Scores", "scores", "Skill scores (one per student, skill and testing window)"),
]
for column, (label, key, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, f"{counts[key]:,}", help=help_text)

st.subheader("Next steps")
steps = st.columns(3)
with steps[0]:
    home.page_link("upload.py", "Upload results", icon=":material/upload_file:",
                   help="Add a new file: a new testing window moves every goal that it measures.")
with steps[1]:
    home.page_link("review.py", "Review the data", icon=":material/insights:",
                   help="Which skills are strengths and which lag, by class or group.")
with steps[2]:
    home.page_link("goal_draft.py", "Draft a goal", icon=":material/edit_note:",
                   help="Turn a lagging skill into a SMART goal.")

upcoming, behind = signpost_frames(dt.date.today().isoformat(), me)
st.subheader("Coming up")
left, right = st.columns(2)
with left:
    st.markdown("**Signposts in the next 60 days**")
    if upcoming.empty:
        st.caption("No signposts scheduled in the next 60 days.")
    else:
        present.table(
            home.shown(upcoming, ["date", "when", "team", "skill"]),
            hide_index=True,
            column_config={"date": "Date", "when": "When", "team": "Team", "skill": "Skill"},
        )
    home.page_link("signposts.py", "All signposts", icon=":material/event:")
with right:
    st.markdown("**Goals that are behind**")
    if behind.empty:
        st.caption("No goal is behind its line to the target.")
    else:
        present.table(
            home.shown(behind, ["team", "goal", "latest_label", "latest_value", "latest_expected",
                                "target_value", "target_date"]),
            hide_index=True,
            column_config={
                "team": "Team", "goal": "Goal", "latest_label": "Latest results",
                "latest_value": st.column_config.NumberColumn("Now", format="%.1f"),
                "latest_expected": st.column_config.NumberColumn("On track would be", format="%.1f"),
                "target_value": st.column_config.NumberColumn("Target", format="%.1f"),
                "target_date": "Target date",
            },
        )
    home.page_link("progress.py", "Progress", icon=":material/trending_up:")

st.subheader("Latest uploads")
# An upload's size is a group of students: in projection mode a small one says so.
uploads = disclosure.upload_counts(latest_uploads(5, viewer=me), me)
if uploads.empty:
    st.caption("No files uploaded yet (the data came from the demo school).")
else:
    present.table(
        uploads[["file", "team", "who", "when", "students", "scores"]],
        hide_index=True,

        column_config={
            "file": "File", "team": "Team", "who": "Who", "students": "Students", "scores": "Scores",
            "when": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
        },
    )
    home.page_link("upload.py", "Upload history and undo", icon=":material/history:")
