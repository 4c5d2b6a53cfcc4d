"""Draft a goal: choose a skill and population, see the baseline computed from the data,
then refine it step by step (why, target and date, SMART check, first actions) and post it."""

import datetime as dt

import streamlit as st

from collabplan import charts, text, ui
from collabplan.goals.actions import add_action
from collabplan.goals.baseline import compute_baseline
from collabplan.goals.model import (
    EDITABLE,
    LIFECYCLE_LABELS,
    create_goal,
    delete_draft,
    refinement_gaps,
    set_status,
    update_goal,
)
from collabplan.ui import focus as focus_ui
from collabplan.ui import goals as gui
from collabplan.ui import present, safe
from collabplan.ui.choices import remember, remembered_radio, remembered_select
from collabplan.ui.home import page_link

ui.page_setup()

NEW = 0
ALL = "All"
CHOICES = "goal_draft_choices"  # the new goal's assessment, skill, population ... (ids, text)

me = ui.viewer()
st.title("Draft a goal")
st.caption(
    "One high-impact goal, tied to a school priority and refined against your data: every "
    "number here is computed from the uploaded results."
)
db = ui.get_db()
assessments = gui.list_assessments()
if assessments.empty:
    gui.no_data()
    st.stop()
if me.role == "coach":
    st.info("Teams and leaders draft goals; coaches read every team's goals on the **Goal board** "
            "and offer feedback there.", icon=":material/visibility:")
    page_link("goal_board.py", "Goal board", icon=":material/dashboard:")
    st.stop()

# A "Start a goal" click on Data review leaves its choices here (ids and names only).
seed = st.session_state.pop(ui.GOAL_SEED_KEY, None)
if seed:
    st.session_state[gui.DRAFT_KEY] = NEW
    remember(seed.get("assessment_id"), "gd_assessment", CHOICES, "gd_assessment")
    remember(seed.get("skill"), "gd_skill", CHOICES, "gd_skill")
    population = seed.get("population") or {}
    for key in text.POPULATION_KEYS:
        remember(population.get(key) or None, f"gd_{key}", CHOICES, f"gd_{key}")
    remember(seed.get("metric") or "pct_below_proficient", "gd_metric", CHOICES, "gd_metric")
    remember(seed.get("baseline_administration_id"), "gd_baseline", CHOICES, "gd_baseline")
    if seed.get("team_id"):
        st.session_state[gui.TEAM_KEY] = int(seed["team_id"])
    kind = "the lagging skill" if seed.get("lagging", True) else "the skill"
    where = "the team's chosen focus" if seed.get("focus") else "on Data review"
    st.info(f"Starting from {kind} **{safe.md(seed.get('skill'))}**, {where}."
            if seed.get("focus") else
            f"Starting from {kind} **{safe.md(seed.get('skill'))}** {where}.",
            icon=":material/flag:")

editable = [g for g in gui.list_goals() if g.status in EDITABLE and me.can_edit_team(g.team_id)]
choices = [NEW] + [g.id for g in editable]
names = {NEW: "A new goal"} | {
    g.id: f"{g.team}: {g.skill}, {text.describe_population(g.population)} "
    f"({LIFECYCLE_LABELS[g.status]})"
    for g in editable
}
mode = remembered_select("Working on", choices, key="gd_mode", store=gui.DRAFT_KEY, default=NEW,
                         format_func=names.get)


def _pick(label: str, key: str, options: list, fmt=None, **kw):
    """A remembered select box (kept across pages); the first option when its choice is gone."""
    return remembered_select(label, options, key=key, store=CHOICES, field=key, format_func=fmt,
                             **kw)


# -- step 0: what the goal measures -----------------------------------------------------
if mode == NEW:
    st.subheader("1. Start: skill, population, baseline")
    teams = gui.list_teams()
    left, right = st.columns(2)
    with left:
        a_names = dict(zip(assessments["id"].astype(int), assessments["name"], strict=True))
        assessment_id = _pick("Assessment", "gd_assessment", list(a_names), a_names.get)
        default_team = gui.default_team_for(assessment_id, viewer=me)
        team_id = (gui.acting_team("Team", default=default_team, viewer=me)
                   if not teams.empty else None)
        new_team = "" if me.role != "leader" else safe.text_input(
            st,
            "Or a new team" if team_id else "Team name",
            key="gd_new_team",
            limit=safe.NAME_LIMIT,
            placeholder="e.g. Grade 3 team",
            help="Leave empty to use the team chosen above." if team_id else None,
        )
        skills = gui.skills_by_need(assessment_id, viewer=me)
        skill = _pick(
            "Skill (or the overall score)", "gd_skill", skills,
            help="Listed from the lowest % proficient in the latest window.",
        )
        metric = remembered_radio(
            "Measure", list(text.METRIC_LABELS), key="gd_metric", store=CHOICES, field="gd_metric",
            horizontal=True, format_func=text.METRIC_LABELS.get,
        )
    with right:
        options = gui.population_choices(assessment_id, viewer=me)
        population = {}
        cols = st.columns(2)
        for i, (key, label) in enumerate(
            (("grade", "Grade"), ("class", "Class"), ("teacher", "Teacher"), ("group", "Student group"))
        ):
            with cols[i % 2]:
                population[key] = _pick(
                    label, f"gd_{key}", [None, *options[key]], lambda v: ALL if v is None else str(v)
                )
        windows = gui.administrations_scoring(assessment_id, skill, population, viewer=me)
        if windows.empty:
            baseline_id = None
        else:
            w_ids = [int(i) for i in windows["administration_id"]]
            labels = dict(zip(w_ids, windows["label"], strict=True))
            baseline_id = remembered_select(
                "Baseline window", w_ids, key="gd_baseline", store=CHOICES, field="gd_baseline",
                default=w_ids[-1],  # the reality today
                format_func=labels.get,
                help="Defaults to the latest window that scored this skill.",
            )

    # Several lagging skills: the team rates interest and capacity and chooses before drafting.
    focus_ui.focus_step(db, team_id, assessment_id,
                        None if teams.empty or team_id is None else
                        dict(zip(teams["id"].astype(int), teams["name"], strict=True)).get(team_id),
                        viewer=me)

    base = None
    try:
        if baseline_id is None:
            raise ValueError(
                f"no {text.describe_population(population)} were scored on {skill!r}; "
                "choose another skill or population"
            )
        base = compute_baseline(db, baseline_id, skill, metric, population, viewer=me)
    except ValueError as exc:
        gui.show_refusal(exc)

    if base is not None:
        m1, m2 = st.columns([1, 3])
        with m1:
            st.metric("Baseline", text.pct_exact(base.value), help=text.METRIC_LABELS[metric])
            st.caption(f"{text.count(base.students, 'student')} scored in {safe.md(base.assessment)}, {safe.md(base.label)}.")
        with m2:
            chart = gui.baseline_chart_data(baseline_id, skill, metric, population, viewer=me)
            st.plotly_chart(charts.baseline_chart(chart, skill, metric), width="stretch",
                            key="gd_baseline_chart")
        if st.button("Save this draft", type="primary", icon=":material/save:", key="gd_save"):
            try:
                if not team_id and not new_team.strip():
                    raise ValueError("name the team this goal belongs to")
                goal_id = create_goal(
                    db,
                    team_id=None if new_team.strip() else team_id,
                    new_team=new_team.strip() or None,
                    assessment_id=assessment_id, skill=skill, metric=metric,
                    baseline_administration_id=baseline_id, population=population, viewer=me,
                )
            except ValueError as exc:
                gui.show_refusal(exc)
            else:
                ui.after_write()
                st.session_state[gui.DRAFT_KEY] = goal_id
                st.rerun()
    st.stop()

# -- refinement of a saved draft ----------------------------------------------------------
goal_id = int(mode)
goal = gui.get_goal(goal_id)
st.markdown(f"### {safe.md(gui.statement_for(goal_id, me))}")
st.caption(
    f"{safe.md(goal.team)} · {safe.md(goal.assessment)} · {LIFECYCLE_LABELS[goal.status]}"
    + (f" · serves “{safe.md(goal.priority)}”" if goal.priority else "")
)
try:
    base = compute_baseline(
        db, goal.baseline_administration_id, goal.skill, goal.metric, goal.population, viewer=me
    )
except ValueError as exc:
    gui.show_refusal(exc)
    st.stop()

st.subheader("1. Why this goal?")
priorities = gui.list_priorities()
p_ids = [None] + [int(i) for i in priorities["id"]]
p_names = dict(zip(priorities["id"].astype(int), priorities["title"], strict=True))
with st.form("gd_why_form"):
    why = safe.text_area(
        st,
        "The team's purpose", value=goal.why or "",
        placeholder="Why does this matter for our students now?",
    )
    priority_id = st.selectbox(
        "School priority it serves", p_ids,
        index=p_ids.index(goal.priority_id) if goal.priority_id in p_ids else 0,
        format_func=lambda v: "Choose a priority…" if v is None else p_names[v],
    )
    if st.form_submit_button("Save why and priority"):
        try:
            update_goal(db, goal_id, by_team_id=goal.team_id, why=why, priority_id=priority_id,
                        change="why and priority", viewer=me)
        except ValueError as exc:
            gui.show_refusal(exc)
        else:
            ui.after_write()
            st.rerun()
if priorities.empty:
    st.info("No school priorities yet: a leader adds them on **School priorities**.",
            icon=":material/flag:")
    page_link("priorities.py", "School priorities", icon=":material/flag:")

st.subheader("2. Baseline: the reality today")
st.metric(f"{text.METRIC_LABELS[goal.metric]}, {safe.md(base.label)}", text.pct_exact(base.value))
st.caption(f"Computed from {text.count(base.students, 'student')} scored in {safe.md(base.assessment)}, {safe.md(base.label)}.")
with st.expander("The chart it came from"):
    chart = gui.baseline_chart_data(goal.baseline_administration_id, goal.skill, goal.metric,
                                    goal.population, viewer=me)
    st.plotly_chart(charts.baseline_chart(chart, goal.skill, goal.metric), width="stretch",
                    key="gd_refine_chart")

st.subheader("3. Target and date")
if "gd_target" not in st.session_state or st.session_state.get("gd_target_goal") != goal_id:
    st.session_state["gd_target_goal"] = goal_id
    st.session_state["gd_target"] = float(goal.target_value) if goal.target_value is not None else None
    st.session_state["gd_date"] = goal.target_date


def _use(value: float, date: dt.date | None) -> None:
    st.session_state["gd_target"] = float(value)
    if date is not None:
        st.session_state["gd_date"] = date


today = dt.date.today()
for i, s in enumerate(gui.suggestions_for(goal_id, me, today)):
    c1, c2 = st.columns([4, 1])
    when = text.long_date(s.date) + (f" ({safe.md(s.date_why)})" if s.date_why else "")
    c1.markdown(f"**{text.metric_phrase(s.value, goal.metric)} by {when}**: {safe.md(s.reason)}")
    c2.button("Use this", key=f"gd_use_{i}", on_click=_use, args=(s.value, s.date))
with st.form("gd_target_form"):
    c1, c2 = st.columns(2)
    target = c1.number_input(
        f"Target ({text.METRIC_LABELS[goal.metric]})", min_value=None, max_value=None,
        step=1.0, format="%.1f", key="gd_target",
    )
    date = c2.date_input("By", key="gd_date", format="YYYY-MM-DD")
    if st.form_submit_button("Save target and date"):
        try:
            update_goal(db, goal_id, by_team_id=goal.team_id, target_value=target,
                              target_date=date, change=f"target {text.pct_exact(target)} by {date}",
                        viewer=me)
        except (ValueError, TypeError) as exc:
            gui.show_refusal(exc)
        else:
            ui.after_write()
            st.rerun()

st.subheader("4. SMART check")
gui.show_smart(gui.smart_for(goal_id, me, today))

st.subheader("5. First actions")
actions = gui.list_actions(goal_id)
if actions.empty:
    st.caption("Envision the actions right away: what will the team do first?")
else:
    present.table(actions[["what", "who", "start_date", "due_date", "status"]], hide_index=True)
with st.form("gd_action_form", clear_on_submit=True):
    c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
    what = safe.text_input(c1, "What", placeholder="e.g. Daily vocabulary routine")
    who = safe.text_input(c2, "Who")
    start = c3.date_input("Start", value=None, format="YYYY-MM-DD")
    due = c4.date_input("Due", value=None, format="YYYY-MM-DD")
    if st.form_submit_button("Add action"):
        try:
            add_action(db, goal_id, what=what, who=who, start_date=start, due_date=due, viewer=me)
        except ValueError as exc:
            gui.show_refusal(exc)
        else:
            ui.after_write()
            st.rerun()

st.subheader("6. Post it where other teams can help")
gaps = refinement_gaps(db, goal)
if gaps:
    st.caption("Before posting: " + safe.md("; ".join(gaps)) + ".")
if st.button("Post to the goal board", type="primary", icon=":material/campaign:",
             disabled=bool(gaps), key="gd_post"):
    try:
        if goal.status == "draft":
            set_status(db, goal_id, "refined", by_team_id=goal.team_id, viewer=me)
        set_status(db, goal_id, "active", by_team_id=goal.team_id, note="posted", viewer=me)
    except ValueError as exc:
        gui.show_refusal(exc)
    else:
        ui.after_write()
        st.session_state[gui.DRAFT_KEY] = NEW
        st.session_state[gui.GOAL_KEY] = goal_id
        st.switch_page("pages/goal_board.py")

if goal.status == "draft":
    with st.expander("Delete this draft"):
        sure = st.checkbox("Yes, delete this draft and its actions", key="gd_delete_sure")
        if st.button("Delete draft", disabled=not sure, key="gd_delete"):
            try:
                delete_draft(db, goal_id, viewer=me)
            except ValueError as exc:
                gui.show_refusal(exc)
                st.stop()
            ui.after_write()
            st.session_state[gui.DRAFT_KEY] = NEW
            st.rerun()
