"""Students by skill: who has not reached proficiency on a skill, and who is already well
past it, as lists a team can act on and download (never in projection mode)."""

import streamlit as st

from collabplan import audit, breakdowns, catalog, disclosure, exports, metrics, ui
from collabplan.access import NO_STUDENT_LISTS
from collabplan.review import student_lists
from collabplan.ui import filters as review_filters
from collabplan.ui import present, safe, signin
from collabplan.ui.cache import cached
from collabplan.ui.choices import remembered_select

ui.page_setup()

skill_summary = cached(metrics.skill_summary)
students_by_skill = cached(breakdowns.students_by_skill)
skill_bands = cached(breakdowns.skill_bands)
assessment_info = cached(catalog.assessment_info)

me = ui.viewer()
st.title("Students by skill")
choice = review_filters.review_filters(viewer=me)
if choice is None:
    review_filters.no_data()
    st.stop()

st.caption(safe.md(review_filters.describe(choice)))
# (in projection mode a hidden skill's percent does not even order the list)
summary = disclosure.skill_summary(skill_summary(choice.window, viewer=me), me)
if summary.empty:
    st.info("No skill scores for these filters: choose another class, teacher or group in the "
            "sidebar, or **All**.", icon=":material/filter_alt_off:")
    st.stop()

# The lowest skill first: the one a team most likely wants to plan re-teaching for.
skills = summary.sort_values("pct_proficient")["skill"].tolist()
skill = remembered_select("Skill", skills, key="students_skill", store=ui.FILTERS_KEY,
                          field="skill")
st.caption(safe.md(breakdowns.band_rule(assessment_info(choice.filters.assessment_id))))

if not me.sees_students:
    bands = disclosure.skill_bands(
        skill_bands(choice.filters, choice.administration_id, viewer=me), me)
    row = bands[bands["skill"] == skill].iloc[0]
    why = ("Student lists are hidden in projection mode." if me.projection
           else f"{NO_STUDENT_LISTS}.")
    st.info(f"{why} "
            f"{safe.md(skill)}: {disclosure.shown_count(row['not_yet'])} not yet proficient, "
            f"{disclosure.shown_count(row['well_past'])} already well past it.",
            icon=":material/visibility_off:")
    st.stop()

lists = student_lists(
    students_by_skill(choice.filters, choice.administration_id, skill, viewer=me), viewer=me
)
left, right = st.columns(2, gap="large")
with left:
    st.subheader(f"Not yet proficient ({len(lists.not_yet)})")
    st.caption("What will we do if they don't learn it? Lowest scores first.")
    if lists.not_yet.empty:
        st.success("Every student scored is proficient on this skill.")
    else:
        present.table(lists.not_yet, hide_index=True)
with right:
    st.subheader(f"Already well past it ({len(lists.well_past)})")
    st.caption("What will we do if they already have? Highest scores first.")
    if lists.well_past.empty:
        st.info("No student is well past this skill yet.")
    else:
        present.table(lists.well_past, hide_index=True)

name = f"{choice.assessment_name} {choice.administration_label} {skill}"
c1, c2, _ = st.columns([1, 1, 2])
signin.record_view(me, f"students by skill: {name}")
on_download = lambda: audit.record(ui.get_db(), signin.audit_who(me), "export", f"students by skill: {name}")  # noqa: E731
# the bytes are built when a button is clicked (a callable), not on every load of the page,
# by the export that checks the viewer again (a coach or a projected screen is refused)
files = lambda: exports.student_lists_files(  # noqa: E731
    ui.get_db(), choice.filters, choice.administration_id, skill, viewer=me)
c1.download_button(
    "Download csv", lambda: files()[0], file_name=f"{name} students.csv",
    mime="text/csv", icon=":material/download:", on_click=on_download,
)
c2.download_button(
    "Download xlsx",
    lambda: files()[1],
    file_name=f"{name} students.xlsx", icon=":material/download:", on_click=on_download,
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
