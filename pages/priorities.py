"""School priorities: the short list a leader keeps; every goal names the one it serves."""

import streamlit as st

from collabplan import school, text, ui
from collabplan.goals.priorities import (
    add_priority,
    delete_priority,
    move_priority,
    update_priority,
)
from collabplan.ui import goals as gui
from collabplan.ui import safe, signin
from collabplan.ui.home import page_link

ui.page_setup()

st.title("School priorities")
st.caption("Leaders stay tight on alignment and loose on process: keep this list short, and "
           "every team's goal names the priority it serves.")
db = ui.get_db()
me = ui.viewer()
floor = school.lagging_floor(db)
FLOOR_HELP = ("A skill lags when it is well below the other skills of its test, or when fewer "
              "students than this are proficient, even if every skill of the test is low. "
              "Most schools keep half the students (50%).")
if me.role != "leader":
    # everyone reads the priorities; a leader sets them (the functions refuse anyone else)
    st.caption("A leader sets the school's priorities.")
    for row in gui.list_priorities(False).to_dict("records"):
        st.markdown(f"- **{safe.md(row['title'])}**"
                    + (f": {safe.md(row['description'])}" if row["description"] else ""))
    st.caption(f"A skill lags on Data review when under {floor:g}% of the students are "
               "proficient, or when it is well below the other skills of its test.")
    page_link("goal_board.py", "See the goal board by priority", icon=":material/dashboard:")
    st.stop()

with st.expander(f"When does a skill lag? Now: under {floor:g}% of students proficient, or "
                 "well below the test's other skills"), st.form("pr_floor"):
    new_floor = st.columns([2, 3])[0].number_input(
        "A skill lags when fewer than this % of students are proficient",
        min_value=0, max_value=100, value=int(round(floor)), step=5, key="pr_floor",
        help=FLOOR_HELP,
    )
    if st.form_submit_button("Save the floor"):
        try:
            school.set_lagging_floor(db, new_floor, viewer=me, who=signin.audit_who(me))
        except ValueError as exc:
            gui.show_refusal(exc)
        else:
            ui.after_write()
            st.session_state["pr_floor_saved"] = new_floor
            st.rerun()
if (saved := st.session_state.pop("pr_floor_saved", None)) is not None:
    st.toast(f"Saved: a skill under {saved:g}% proficient now lags.")

with st.form("pr_add", clear_on_submit=True):
    title = safe.text_input(st, "New priority", key="pr_title", limit=safe.NAME_LIMIT,
                          placeholder="e.g. Reading success for every student")
    description = safe.text_input(st, "What it means (optional)", key="pr_description")
    if st.form_submit_button("Add priority", icon=":material/add:"):
        try:
            add_priority(db, title, description, viewer=me)
        except ValueError as exc:
            gui.show_refusal(exc)
        else:
            ui.after_write()
            st.rerun()

show_archived = st.toggle("Show archived priorities", key="pr_archived")
priorities = gui.list_priorities(show_archived)
if priorities.empty:
    st.info("No school priorities yet: add the first one above (for example “Reading success "
            "for every student”). Teams then name it when they draft a goal.",
            icon=":material/flag:")
    st.stop()

for row in priorities.to_dict("records"):
    pid = int(row["id"])
    with st.container(border=True):
        head, up, down, arch = st.columns([6, 1, 1, 2])
        archived = "" if row["active"] else " (archived)"
        head.markdown(f"**{safe.md(row['title'])}**{archived}  \n"
                      + (f"{safe.md(row['description'])}  \n" if text.cell(row["description"], "") else "")
                      + text.count(int(row["goals"]), "goal"))
        if up.button("↑", key=f"pr_up_{pid}", help="Move up"):
            move_priority(db, pid, -1, viewer=me)
            ui.after_write()
            st.rerun()
        if down.button("↓", key=f"pr_down_{pid}", help="Move down"):
            move_priority(db, pid, 1, viewer=me)
            ui.after_write()
            st.rerun()
        label = "Archive" if row["active"] else "Restore"
        if arch.button(label, key=f"pr_arch_{pid}"):
            update_priority(db, pid, active=not row["active"], viewer=me)
            ui.after_write()
            st.rerun()
        with st.expander("Edit or delete"):
            with st.form(f"pr_edit_{pid}"):
                new_title = safe.text_input(st, "Title", value=row["title"], limit=safe.NAME_LIMIT)
                new_desc = safe.text_input(st, "What it means", value=text.cell(row["description"], none=""))
                if st.form_submit_button("Save"):
                    try:
                        update_priority(db, pid, title=new_title, description=new_desc, viewer=me)
                    except ValueError as exc:
                        gui.show_refusal(exc)
                    else:
                        ui.after_write()
                        st.rerun()
            if row["goals"]:
                st.caption("Goals name this priority, so it can be archived but not deleted.")
            else:
                sure = st.checkbox("Yes, delete this priority", key=f"pr_sure_{pid}")
                if st.button("Delete", key=f"pr_delete_{pid}", disabled=not sure):
                    delete_priority(db, pid, viewer=me)
                    ui.after_write()
                    st.rerun()

page_link("goal_board.py", "See the goal board by priority", icon=":material/dashboard:")
