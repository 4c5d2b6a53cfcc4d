"""Data review: where students are strong, where they need more, which skills lag, where
growth stalled, and who needs re-teaching or extension."""


import streamlit as st

from collabplan import breakdowns, charts, disclosure, metrics, review, school, text, ui
from collabplan.ui import filters as review_filters
from collabplan.ui import present as room
from collabplan.ui import review_link, safe
from collabplan.ui.cache import cached
from collabplan.ui.choices import remembered_segments, remembered_select

ui.page_setup()

skill_summary = cached(metrics.skill_summary)
growth = cached(metrics.growth)
equity_gap = cached(metrics.equity_gap)
level_distribution = cached(breakdowns.level_distribution)
item_analysis = cached(breakdowns.item_analysis)
skill_bands = cached(breakdowns.skill_bands)
skill_summary_by_groups = cached(metrics.skill_summary_by_groups)
load_note = cached(review.load_note)

GOAL_PAGE = "pages/goal_draft.py"
MAX_COLUMNS = 30  # a heatmap wider than this cannot be read from across a room
VIEWS = ["Skills by class", "Skills by teacher", "Skills by group", "Growth", "Equity gap",
         "Levels", "Questions"]

me = ui.viewer()
st.title("Data review")
review_link.apply_review_link()  # ?team=&assessment=&window=&skill= (the coach view's links)
choice = review_filters.review_filters(viewer=me)
if choice is None:
    review_filters.no_data()
    st.stop()

# figures are suppressed in projection mode and for coaches (collabplan.disclosure)
present = me.suppresses
flt = choice.filters
st.caption(safe.md(review_filters.describe(choice)))
# Projection mode hides every figure of fewer than 10 students, and every figure that would
# give one away beside its total (collabplan.disclosure).
floor = school.lagging_floor(ui.get_db())  # the school's floor for "lagging", read once
whole = skill_summary(choice.window, viewer=me, floor=floor)
summary = disclosure.skill_summary(whole, present)
if summary.empty:
    st.info("No skill scores for these filters: choose another class, teacher or group in the "
            "sidebar, or **All**.", icon=":material/filter_alt_off:")
    st.stop()

linked = review_link.linked_skill(flt.team_id, flt.assessment_id, choice.administration_id)
if linked:
    row = summary[summary["skill"] == linked]
    if row.empty:
        st.info(f"**{safe.md(linked)}** has no scores for these filters.",
                icon=":material/travel_explore:")
    else:
        r = row.iloc[0]
        said = (text.fewer_than() if r["status"] == "suppressed" else
                f"{text.pct(r['pct_proficient'])} proficient ({text.count(int(r['students']), 'student')})"
                + (", lagging" if r["status"] == "lagging" else ""))
        st.info(f"Opened from the coach view on **{safe.md(linked)}**: {said} in this window.",
                icon=":material/travel_explore:")

earlier = choice.earlier
since_id = int(earlier["id"].iloc[0]) if not earlier.empty else None
since_label = str(earlier["label"].iloc[0]) if not earlier.empty else None

left, right = st.columns([3, 2], gap="large")
with left:
    st.plotly_chart(charts.skill_profile(summary), width="stretch", key="skill_profile")
    if me.role != "coach":  # teams and leaders draft goals, from any skill
        ok = summary[summary["status"] != "suppressed"].sort_values("pct_proficient")
        order = ok["skill"].tolist() + [s for s in summary["skill"] if s not in set(ok["skill"])]
        said = {r.skill: f"{r.skill} · {text.pct(r.pct_proficient)} proficient"
                + (" · lagging" if r.status == "lagging" else "") for r in ok.itertuples()}
        pick, go = st.columns([3, 2], vertical_alignment="bottom")
        skill = pick.selectbox("Start a goal on", order, key="review_goal_skill",
                               format_func=lambda s: said.get(s, f"{s} · {text.fewer_than()}"),
                               help="Lowest % proficient first; any skill can become a goal.")
        if go.button(f"Start a goal: {safe.md(skill)}", key="goal_from_skill",
                     icon=":material/flag:"):
            st.session_state[ui.GOAL_SEED_KEY] = {
                "team_id": flt.team_id,
                "assessment_id": flt.assessment_id,
                "skill": skill,
                "population": choice.population,
                "baseline_administration_id": choice.administration_id,
                "metric": "pct_below_proficient",
                "lagging": skill in set(summary.loc[summary["status"] == "lagging", "skill"]),
            }
            st.switch_page(GOAL_PAGE)

with right:
    st.subheader("Review questions")
    g = (disclosure.growth(growth(flt, since_id, choice.administration_id, viewer=me), present)
         if since_id is not None else None)
    bands = disclosure.skill_bands(skill_bands(flt, choice.administration_id, viewer=me), present)
    for answer in review.review_answers(summary, g, since_label, bands, suppress=present,
                                        floor=floor):
        st.markdown(f"**{safe.md(answer.question)}**  \n{safe.md(answer.answer)}")
    if me.sees_students:
        st.page_link("pages/students.py", label="Students by skill", icon=":material/groups:")

    st.subheader("Our notes")
    note = load_note(flt.team_id, choice.administration_id, viewer=me)
    if not me.can_edit_team(flt.team_id):
        if note:
            st.markdown(safe.md(note))
        st.caption("The team's own teachers write these notes"
                    + (": choose one of your teams in the sidebar." if me.role == "teacher"
                       else "."))
    else:
        with st.form("review_notes"):
            body = safe.text_area(
                st,
                "What we noticed, what we wonder, what we will do",
                value=note, height=180,
                help="Saved for this team and testing window; shown again next time.",
            )
            if st.form_submit_button("Save notes", icon=":material/save:"):
                review.save_note(ui.get_db(), flt.team_id, choice.administration_id, body,
                                 viewer=me)
                st.toast("Notes saved.")

st.divider()
view = remembered_segments("Look closer", VIEWS, key="review_view", store=ui.FILTERS_KEY,
                           field="view", default=VIEWS[0])
admin = choice.administration_id
if view in ("Skills by class", "Skills by teacher", None):
    by = "teacher" if view == "Skills by teacher" else "class"
    columns = len(choice.teachers if by == "teacher" else choice.classes)
    if columns > MAX_COLUMNS:
        plural = {"class": "classes", "teacher": "teachers"}[by]
        st.info(f"{columns} {plural} side by side are too many to read: choose a team, "
                "grade or teacher in the sidebar first.",
                icon=":material/filter_alt:")
    else:
        by_summary = disclosure.skill_summary(skill_summary(choice.window, by, viewer=me, floor=floor), present)
        if why_not := review.breakdown_gap(by_summary, by):
            st.info(safe.md(why_not), icon=":material/info:")
        else:
            st.plotly_chart(charts.skill_heatmap(by_summary, by), width="stretch",
                            key="heatmap")
            with st.expander(f"The numbers behind this chart, {by} by {by}"):
                room.table(review.numbers_table(by_summary, by), hide_index=True)
elif view == "Skills by group":
    if not choice.groups:
        st.info("No student groups in these results: map group columns (ELL, SPED …) "
                "when uploading, or upload a roster.", icon=":material/groups:")
    else:
        by_group = disclosure.skill_summary_by_groups(
            skill_summary_by_groups(choice.window, choice.groups, viewer=me), whole, present)
        st.plotly_chart(charts.skill_heatmap(by_group, "group"), width="stretch",
                        key="group_heatmap")
        st.caption("Each column is that group's own students; compare one group with everyone "
                   "else under **Equity gap**.")
elif view == "Growth":
    if since_id is None:
        st.info("Growth shows once this assessment has an earlier testing window: upload "
                "the earlier (or next) round of results.", icon=":material/timeline:")
    else:
        options = earlier["id"].tolist()
        labels = dict(zip(earlier["id"], earlier["label"], strict=True))
        since_id = remembered_select("Compared with", options, key="review_since",
                                     store=ui.FILTERS_KEY, field="since", format_func=labels.get)
        since_label = labels[since_id]
        g = disclosure.growth(growth(flt, since_id, admin, viewer=me), present)
        st.plotly_chart(charts.growth_chart(g, since_label, choice.administration_label),
                        width="stretch", key="growth")
        st.caption("Only students scored in both windows are counted.")
elif view == "Equity gap":
    if not choice.groups:
        st.info("No student groups in these results: map group columns (ELL, SPED …) "
                "when uploading, or upload a roster.", icon=":material/groups:")
    else:
        group = remembered_select("Student group", choice.groups, key="review_gap_group",
                                  store=ui.FILTERS_KEY, field="gap_group")
        gap = disclosure.equity_gap(equity_gap(flt, admin, group, viewer=me), present)
        st.plotly_chart(charts.equity_gap_chart(gap, group),
                        width="stretch", key="equity")
elif view == "Levels":
    levels = disclosure.level_distribution(level_distribution(flt, admin, viewer=me), present)
    st.plotly_chart(charts.level_distribution_chart(levels), width="stretch", key="levels")
    if levels["suppressed"].any():
        st.caption(f"Levels with {text.fewer_than()} (and the next smallest level of the same "
                   "skill, so totals give none away) are shown together in grey.")
elif view == "Questions":
    items = disclosure.item_analysis(item_analysis(flt, admin, viewer=me), present)
    if items.empty:
        st.info("These results were not scored by question. Upload the item-level file "
                "(one column per question) to see the most-missed questions.",
                icon=":material/quiz:")
    else:
        st.plotly_chart(charts.item_analysis_chart(items), width="stretch", key="items")
        st.caption(safe.md(review.skills_and_questions(summary, items)))
        if items["suppressed"].any():
            st.caption(f"Questions answered by {text.fewer_than()} show no result.")

