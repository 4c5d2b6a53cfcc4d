"""Collaboration health: a short anonymous staff survey, its results across rounds, next to goals."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from collabplan import charts, config, text, ui
from collabplan.ui import present, safe
from collabplan.ui import workspace as wsui
from collabplan.ui.choices import remembered_select
from collabplan.workspace import survey

ui.page_setup()

#: Headings shared by the survey's result tables (aggregates only, never answers).
RESULT_COLUMNS = {"area_label": "Area", "responses": "Responses", "mean": "Average (1–5)",
                  "pct_agree": "Agree"}
#: Averages to one decimal, agreement as a whole percentage; a hidden result says why.
RESULT_FORMATS = {"mean": text.average, "pct_agree": text.pct}
HIDDEN = text.fewer_than(noun="responses")

PAGE = "health"
db = ui.get_db()

st.title("Collaboration health")
st.caption(
    "A ten-statement staff survey on trust, protected time, shared leadership, focus on student "
    "work and collective teacher efficacy (our shared belief that together we can lift "
    "learning). Answers are anonymous and only ever shown as totals."
)
wsui.flash(PAGE)
wsui.progress(survey.health_progress(db))

# keyed and tracked: a save's message above the tabs must not send the page back to step 1
tabs = st.tabs(["1 · Answer the survey", "2 · Results & goals", "3 · Survey rounds"],
               key="health_step", on_change="rerun")

# 1. Answer -------------------------------------------------------------------------------
with tabs[0]:
    open_now = survey.open_rounds(db)
    if open_now.empty:
        st.info(
            "No survey is open right now. A leader opens a round on the Survey rounds tab, then "
            "shares this page with staff."
        )
    else:
        me = ui.viewer()
        if survey.counts_once(me):
            st.markdown(
                "**Choose how much you agree with each statement, then submit.** One answer per "
                "person per round: the app notes that you answered, apart from your answers, "
                "which only add one to a count and are never linked to you."
            )
        else:
            st.markdown(
                "**Choose how much you agree with each statement, then submit.** Your name is "
                "not asked and nothing about you is stored: each answer only adds one to a count."
            )
            st.caption(
                "Without sign-in, answers are anonymous but not limited to one per person: "
                "anyone at this computer can answer again, so answer once each."
            )
        labels = wsui.option_label(open_now, "id", "label")
        round_id = remembered_select(
            "Survey round", list(labels), format_func=labels.get, key="survey_round"
        )
        if survey.has_answered(db, round_id, me):
            st.success(survey.ALREADY_ANSWERED)
        else:
            with st.form(f"survey_{round_id}", clear_on_submit=True):
                answers: dict[str, int | None] = {}
                for area, area_label in survey.SURVEY_AREAS.items():
                    st.markdown(f"**{area_label}**")
                    for item, (item_area, statement) in survey.SURVEY_ITEMS.items():
                        if item_area == area:
                            answers[item] = st.radio(
                                statement,
                                list(survey.SCALE),
                                index=None,
                                format_func=lambda v: f"{v} {survey.SCALE[v]}",
                                horizontal=True,
                                key=f"answer_{item}",
                            )
                if st.form_submit_button("Submit my answers", type="primary"):
                    wsui.save(
                        PAGE,
                        survey.submit_survey,
                        round_id,
                        answers,
                        me,
                        done="Thank you. Your answers were counted anonymously; nothing links them to you.",
                        clear=tuple(f"answer_{item}" for item in survey.SURVEY_ITEMS),
                    )

# 2. Results next to goal progress --------------------------------------------------------------
with tabs[1]:
    st.markdown(
        "**How collaboration is going across survey rounds, next to how the school's goals are "
        "going.** Results appear once a round is closed, and only when at least "
        f"{config.MIN_GROUP_SIZE} people answered."
    )
    areas = survey.survey_area_results(db)
    survey_side, goal_side = st.columns([3, 2])
    with survey_side:
        if areas.empty:
            st.info(
                "No results yet: open a round on the Survey rounds tab, collect answers, then "
                "close the round to see results."
            )
        else:
            st.plotly_chart(
                charts.survey_rounds_chart(areas, text.fewer_than(noun="responses")),
                key="survey_chart",
            )
            present.table(
                text.table(areas, {"round": "Round", **RESULT_COLUMNS},
                           columns=["round", "area_label", "responses", "mean", "pct_agree"],
                           formats=RESULT_FORMATS, none=HIDDEN),
                hide_index=True,
            )
            latest_round, latest = survey.latest_statement_results(db)
            if latest_round:
                with st.expander(f"Each statement in {safe.md(latest_round)}"):
                    present.table(
                        text.table(latest, {"statement": "Statement", **RESULT_COLUMNS},
                                   columns=["area_label", "statement", "responses", "mean",
                                            "pct_agree"], formats=RESULT_FORMATS, none=HIDDEN),
                        hide_index=True,
                    )
    with goal_side:
        st.markdown("**Goal progress**")
        goals = survey.goal_progress_beside(db, viewer=ui.viewer())
        if goals.empty:
            st.info("No goals yet: draft one on Draft a goal to see its progress here.")
        else:
            present.table(
                text.table(goals, {"gap_closed": "Gap closed"},
                           columns=["team", "goal", "status", "baseline", "latest", "gap_closed"],
                           formats={"baseline": text.pct_exact, "latest": text.pct_exact,
                                    "gap_closed": text.gap_text}, none="not yet"),
                hide_index=True,
            )

# 3. Rounds --------------------------------------------------------------------------------
with tabs[2]:
    st.markdown(
        "**Open a round, share the Answer tab with staff, then close the round to see results.** "
        "A closed round cannot be reopened, so results never change after people have seen them."
    )
    with st.form("round_open", clear_on_submit=True):
        left, right = st.columns([2, 1])
        label = safe.text_input(left, "Round name", limit=safe.NAME_LIMIT, placeholder="e.g. Fall 2025")
        opened_on = right.date_input("Opens on", value=dt.date.today())
        if st.form_submit_button("Open the round", type="primary"):
            wsui.save(
                PAGE, survey.open_round, label, opened_on, done="Round opened: staff can answer now."
            )
    all_rounds = survey.rounds(db)
    if all_rounds.empty:
        st.info("No rounds yet: open the first one above (for example at the start of the year).")
    else:
        present.table(
            text.table(all_rounds, {"label": "Round", "opened_on": "Opened",
                                    "responses": "Responses so far"},
                       columns=["label", "opened_on", "state", "responses"]),
            hide_index=True,
        )
        still_open = survey.open_rounds(db)
        if not still_open.empty:
            open_labels = wsui.option_label(still_open, "id", "label")
            with st.form("round_close"):
                pick = st.selectbox("Close a round", list(open_labels), format_func=open_labels.get)
                sure = st.checkbox(
                    "I understand no more answers will be taken and it cannot be reopened"
                )
                if st.form_submit_button("Close the round", type="primary"):
                    if sure:
                        wsui.save(
                            PAGE, survey.close_round, pick, done="Round closed: see Results & goals."
                        )
                    else:
                        st.warning("Tick the box to confirm, then close the round.")
        round_labels = wsui.option_label(all_rounds, "id", "label")
        with st.form("round_delete"):
            pick = st.selectbox(
                "Delete a round and its answers", list(round_labels), format_func=round_labels.get
            )
            if st.form_submit_button("Delete"):
                wsui.delete(PAGE, survey.delete_round, pick, name=round_labels.get(pick))
