"""Coach view: lagging skills across every team and assessment, narrowed by grade, subject
and testing window; one standard is one skill across assessments (matched by its code); each
skill says which goals already aim at it and opens the team's Data review where it lags."""

import streamlit as st

from collabplan import catalog, charts, coach, school, text, ui
from collabplan.ui import filters as review_filters
from collabplan.ui import present, review_link, safe
from collabplan.ui.cache import cached
from collabplan.ui.choices import remember, remembered_select

ui.page_setup()

filter_options = cached(catalog.filter_options)
coach_options = cached(coach.coach_options)
lagging_instances = cached(coach.lagging_instances)
goals_by_skill = cached(coach.goals_by_skill)

me = ui.viewer()
st.title("Coach view")
if filter_options(None, None, viewer=me)["assessments"].empty:
    review_filters.no_data()
    st.stop()

options = coach_options(viewer=me)
c1, c2, c3 = st.columns(3)
grade = remembered_select("Grade", [None, *options["grades"]], key="coach_grade", container=c1,
                          format_func=lambda g: "Every grade" if g is None else f"Grade {g}")
subject = remembered_select(
    "Subject", [None, *options["subjects"]], key="coach_subject", container=c2,
    format_func=lambda s: "Every subject" if s is None else s,
    help="As the assessment's file says, else as its name, its standards (RL, NF …) or the "
         "team that uploaded it say.")
window = remembered_select(
    "Testing window", [None, coach.LATEST, *options["windows"]], key="coach_window",
    container=c3,
    format_func=lambda w: {None: "Every window",
                           coach.LATEST: "The latest of each assessment"}.get(w, w),
    help="Seasons of the school year: Fall is August to November, Winter December to "
         "February, Spring March to July.")
choice = coach.CoachChoice(grade=grade, subject=subject, window=window)

floor = school.lagging_floor(ui.get_db())
st.caption(("Every team" if me.sees_every_team else "Your teams")
           + ". A skill lags when it is at least 10 points below the median of that team's "
           f"skills in that testing window, or when under {floor:g}% of its students are "
           "proficient (the school's floor, set on School priorities). A standard is one skill "
           "across assessments: “RI.7.6” and “RI.7.6 Author's point of view” are counted together.")
instances = lagging_instances(choice, viewer=me)
if instances.empty:
    st.success("No skill lags for these choices: every skill is within 10 points of its "
               f"team's median and at or above the school's floor of {floor:g}%.", icon=":material/check_circle:")
    st.stop()

goals = goals_by_skill()
skills = coach.lagging_skills(instances, goals)
st.plotly_chart(charts.coach_chart(instances), width="stretch", key="coach_chart")

# -- the skills, one row per standard ------------------------------------------------------
st.subheader("Lagging skills")
keys = skills["key"].tolist()
names = dict(zip(skills["key"], skills["skill"], strict=True))


def _picked_row() -> None:
    """A row picked in the table opens that skill below (the Skill box follows)."""
    state = st.session_state.get("coach_table") or {}
    rows = (state.get("selection") or {}).get("rows") or []
    if rows and rows[0] < len(st.session_state.get("coach_table_keys", [])):
        remember(st.session_state["coach_table_keys"][rows[0]], "coach_skill")


st.session_state["coach_table_keys"] = keys  # ids only, for the row pick above
table = skills.assign(
    lowest=skills["lowest"].map(text.pct),
    most_below=skills["most_below"].map(lambda v: text.count(round(v), "point")),
    goals=skills["goals"].map(lambda n: text.count(n, "goal") if n else "no goal yet"),
)
present.table(
    table, hide_index=True, key="coach_table", on_select=_picked_row,
    selection_mode="single-row",
    column_order=["skill", "assessments", "teams", "lags_in", "lowest", "most_below", "goals"],
    column_config={
        "skill": st.column_config.TextColumn("Skill", width="large"),
        "assessments": st.column_config.TextColumn("Assessments"),
        "teams": st.column_config.TextColumn("Teams where it lags"),
        "lags_in": st.column_config.NumberColumn("Team windows", format="%d"),
        "lowest": st.column_config.TextColumn("Lowest % proficient"),
        "most_below": st.column_config.TextColumn("Most below the team's median"),
        "goals": st.column_config.TextColumn("Goals on it"),
    },
)
st.caption("Most team windows first. Pick a row, or a skill in the box below, to see where "
           "it lags and open that team's Data review.")

key = remembered_select("Skill", keys, key="coach_skill", format_func=names.get)
picked = skills[skills["key"] == key].iloc[0]
where = instances[instances["key"] == key].sort_values(["team", "date", "assessment"])
st.markdown(f"#### {safe.md(picked['skill'])}")
st.markdown(f"Lags in {text.count(int(picked['lags_in']), 'team window')}: "
            f"{safe.md(picked['assessments'])}.")

aimed = goals.get(key, [])
if aimed:
    st.markdown("**Goals already aimed at it**\n\n"
                + "\n".join(f"- {safe.md(line)}" for line in aimed))
else:
    st.markdown("**No goal aims at this skill yet.**"
                + (" A team starts one from its Data review (*Start a goal*)."
                   if me.role != "coach" else ""))

for i, r in enumerate(where.itertuples()):
    with st.container(border=True):
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(
            f"**{safe.md(r.team)}** · {safe.md(r.assessment)} · {safe.md(r.label)}: "
            f"{text.pct(r.pct_proficient)} proficient ({text.count(int(r.students), 'student')}), "
            f"{text.count(round(r.below), 'point')} below the team's median"
            + (f" (as “{safe.md(r.skill)}”)" if r.skill != picked["skill"] else ""))
        if right.button("Open in Data review", key=f"coach_open_{i}",
                        icon=":material/insights:",
                        help=safe.md(f"Data review on {r.team}, {r.assessment}, {r.label}")):
            review_link.open_review(None if r.team_id == 0 else int(r.team_id),
                                    int(r.assessment_id), int(r.administration_id), r.skill,
                                    grade)
