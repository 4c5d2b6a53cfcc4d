"""Theory of action: a collective-leadership team's plan to improve one condition, then test it.

The guide's steps in order (big questions, where we are, staff input, barrier and why, the
brainstorm, the statement, the purpose map, the action timeline, the impact step). Leaders
write; everyone reads, and anyone can give anonymous staff input while a round is open.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from collabplan import charts, config, text, ui
from collabplan.ui import present, safe
from collabplan.ui import workspace as wsui
from collabplan.ui.choices import remember, remembered_select
from collabplan.workspace import staff_input, survey, theory, theory_guide

ui.page_setup()

PAGE = "toa"
db = ui.get_db()
me = ui.viewer()
read_only = not theory_guide.can_write(me)
HIDDEN = text.fewer_than(noun="responses")

st.title("Theory of action")
st.caption(
    "Pick one condition for collaboration to improve, talk through the big questions, ask the "
    "staff, name the biggest barrier you control and why it exists, brainstorm and choose an "
    "approach, write your theory of action, map its purpose, plan the actions, then test it "
    "and study the results."
)
if read_only:
    st.caption(
        "School leaders write the theory of action; you can read every step and give your "
        "own input, anonymously, on the Staff input step while a round is open."
    )
wsui.flash(PAGE)

all_theories = theory.theories(db)
if not read_only:
    with (
        st.expander("Start a theory of action for a condition", expanded=all_theories.empty),
        st.form("toa_add"),
    ):
        left, right = st.columns(2)
        suggested = left.selectbox("Condition", theory.CONDITIONS, key="toa_condition")
        other = safe.text_input(right, "…or name your own",
                                placeholder="e.g. Time for peer observation",
                                limit=safe.NAME_LIMIT, key="toa_condition_other")
        if st.form_submit_button("Start", type="primary"):
            wsui.save(
                PAGE,
                theory.add_theory,
                other.strip() or suggested,
                viewer=me,
                done="Started: work through the steps below.",
                clear=("toa_condition_other",),
                then=lambda new_id: remember(new_id, "toa_pick"),  # open the theory just started
            )
if all_theories.empty:
    st.info(
        "No theory of action yet. Choose a condition above (for example enabling work "
        "structures) to start, or load the demo school on Home."
        if not read_only
        else "No theory of action yet: a school leader starts one here."
    )
    st.stop()

labels = {
    int(r.id): f"{r.condition}"
    + (f" · decided: {theory.DECISIONS[r.decision].split(' (')[0].lower()}" if r.decision else "")
    for r in all_theories.itertuples()
}
toa_id = remembered_select("Theory of action", list(labels), key="toa_pick",
                           format_func=labels.get)
toa = theory.theory(db, toa_id)
wsui.progress(theory_guide.guide_progress(db, toa_id))

tabs = st.tabs(
    [
        "1 · Big questions",
        "2 · Where we are",
        "3 · Staff input",
        "4 · Barrier & why",
        "5 · Brainstorm & choose",
        "6 · If … then …",
        "7 · Purpose map",
        "8 · Action timeline",
        "9 · Impact",
        "Summary",
    ],
    # keyed and tracked: a save's message above the tabs must not send the team back to step 1
    key="toa_step",
    on_change="rerun",
)


def theory_form(form_key: str, fields: dict[str, tuple[str, str]], button: str, done: str) -> None:
    """A form of text areas for some fields of this theory, saved together."""
    with st.form(f"{form_key}_{toa_id}"):
        values = {
            name: safe.text_area(st, label, value=toa.get(name) or "", placeholder=hint,
                                 height=90, disabled=read_only)
            for name, (label, hint) in fields.items()
        }
        if st.form_submit_button(button, type="primary", disabled=read_only):
            wsui.save(PAGE, theory.save_theory, toa_id, viewer=me, done=done, **values)


def listed(frame, columns: dict[str, str], *, key: str, prompt: str, label: str, remove) -> None:
    """A saved list; leaders may remove an entry (with Undo)."""
    if read_only:
        present.table(text.table(frame, columns, columns=list(columns), none="not set"),
                      hide_index=True)
    else:
        wsui.table_with_remove(PAGE, frame, columns, key=key, prompt=prompt, label_column=label,
                               remove=lambda db_, pick: remove(db_, pick, viewer=me))


# 1. Big questions --------------------------------------------------------------------------
with tabs[0]:
    st.markdown(
        f"**Talk these through as a team before you plan.** Condition so far: "
        f"{safe.md(toa['condition'])}."
    )
    given = theory_guide.answers(db, toa_id)
    with st.form(f"questions_{toa_id}"):
        typed = {
            key: safe.text_area(st, question, value=given.get(key, ""),
                                placeholder=theory_guide.QUESTION_HINTS[key], height=80,
                                disabled=read_only)
            for key, question in theory_guide.QUESTIONS.items()
        }
        if st.form_submit_button("Save our answers", type="primary", disabled=read_only):
            wsui.save(PAGE, theory_guide.save_answers, toa_id, typed, viewer=me,
                      done="Answers saved: next, say where you are now.")

# 2. Where we are ---------------------------------------------------------------------------
with tabs[1]:
    st.markdown(
        f"**Condition: {safe.md(toa['condition'])}.** Describe where the school is now, where it "
        "wants to be, and why."
    )
    theory_form(
        "where",
        {
            "where_now": ("Where we are now", "e.g. Team time is often taken for duty coverage."),
            "where_next": ("Where we want to be",
                           "e.g. Every team meets weekly for 45 protected minutes."),
            "why": ("Why it matters", "e.g. Teams that meet consistently plan from evidence."),
        },
        "Save",
        "Saved: next, ask the staff.",
    )

# 3. Staff input ----------------------------------------------------------------------------
with tabs[2]:
    st.markdown(
        "**Ask the whole staff, not only the team.** Four statements about the condition, rated "
        "1 to 5, and one optional idea. Nobody's name is asked; answers only add one to a count, "
        f"and results show once a round is closed and at least {config.MIN_GROUP_SIZE} people "
        "answered."
    )
    input_rounds = staff_input.rounds(db, toa_id)
    open_now = input_rounds[~input_rounds["closed"].astype(bool)]
    if open_now.empty:
        st.info("No staff input round is open for this theory right now."
                + ("" if read_only else " Open one below and share this page with staff."))
    for r in open_now.itertuples():
        round_id = int(r.id)
        st.markdown(f"**Give your input: {safe.md(r.label)}**")
        if staff_input.has_answered(db, round_id, me):
            st.success(staff_input.ALREADY_ANSWERED)
            continue
        if not survey.counts_once(me):
            st.caption("Without sign-in, input is anonymous but not limited to one per person: "
                       "answer once each.")
        with st.form(f"input_{round_id}", clear_on_submit=True):
            ratings = {
                item: st.radio(
                    safe.md(staff_input.statement(item, r.condition)), list(survey.SCALE),
                    index=None,
                    format_func=lambda v: f"{v} {survey.SCALE[v]}", horizontal=True,
                    key=f"input_{round_id}_{item}",
                )
                for item in staff_input.ITEMS
            }
            idea = safe.text_area(st, "One idea (optional)", limit=staff_input.IDEA_LIMIT,
                                  placeholder="One thing that would help, in a sentence or two",
                                  key=f"input_{round_id}_idea", height=80)
            if st.form_submit_button("Submit my input", type="primary"):
                wsui.save(PAGE, staff_input.submit, round_id, ratings, idea, me,
                          done="Thank you. Your input was counted anonymously; nothing links it "
                               "to you.",
                          clear=tuple(f"input_{round_id}_{i}" for i in [*staff_input.ITEMS, "idea"]))

    st.markdown("**Results of closed rounds**")
    results = staff_input.results(db, toa_id)
    if results.empty:
        st.info("No closed round yet: results appear here once a leader closes a round.")
    for round_id, part in results.groupby("round_id", sort=False):
        first = part.iloc[0]
        st.markdown(f"*{safe.md(first['round'])}* · "
                    + (safe.md(first["responses"]) if bool(first["suppressed"])
                       else text.count(int(first["n"]), "response")))
        if bool(first["suppressed"]):
            st.info(f"Fewer than {config.MIN_GROUP_SIZE} people answered, so this round's results "
                    "are not shown (so no one's answers can be picked out).")
            continue
        shown = part.assign(**{
            str(v): [c[v - 1] for c in part["counts"]] for v in survey.SCALE})
        present.table(
            text.table(shown, {"statement": "Statement", "mean": "Average (1–5)",
                               "pct_agree": "Agree", **{str(v): f"{v} {survey.SCALE[v]}"
                                                        for v in survey.SCALE}},
                       columns=["statement", "mean", "pct_agree", *map(str, survey.SCALE)],
                       formats={"mean": text.average, "pct_agree": text.pct}, none=HIDDEN),
            hide_index=True,
        )
        ideas = staff_input.ideas(db, int(round_id)) or []
        if ideas:
            st.markdown(f"What staff suggested ({text.count(len(ideas), 'idea')}, in no order):")
            for one in ideas:
                st.markdown("- " + safe.md(one))

    if not read_only:
        st.markdown("**Rounds**")
        with st.form(f"input_open_{toa_id}", clear_on_submit=True):
            c1, c2, c3 = st.columns([2, 1, 1])
            label = safe.text_input(c1, "Round name", limit=safe.NAME_LIMIT,
                                    placeholder="e.g. Before we start")
            opened = c2.date_input("Opens", value=dt.date.today())
            closes = c3.date_input("Planned last day", value=dt.date.today() + dt.timedelta(days=14))
            if st.form_submit_button("Open the round", type="primary"):
                wsui.save(PAGE, staff_input.open_round, toa_id, label, opened, closes, viewer=me,
                          done="Round opened: share this page with staff.")
        if not input_rounds.empty:
            present.table(
                text.table(input_rounds, {"label": "Round", "opened_on": "Opened",
                                          "closes_on": "Planned last day", "state": "State"},
                           columns=["label", "opened_on", "closes_on", "state", "responses"],
                           formats={"opened_on": text.short_date, "closes_on": text.short_date},
                           none="not set"),
                hide_index=True,
            )
            round_labels = wsui.option_label(input_rounds, "id", "label")
            with st.form(f"input_manage_{toa_id}"):
                pick = st.selectbox("Round", list(round_labels), format_func=round_labels.get)
                b1, b2 = st.columns(2)
                if b1.form_submit_button("Close the round", type="primary"):
                    wsui.save(PAGE, staff_input.close_round, pick, viewer=me,
                              done="Round closed: its results show if enough people answered.")
                if b2.form_submit_button("Delete the round"):
                    wsui.delete(PAGE, lambda db_, rid: staff_input.delete_round(db_, rid, viewer=me),
                                pick, name=round_labels.get(pick))

# 4. Barrier & why --------------------------------------------------------------------------
with tabs[3]:
    st.markdown("**Name the biggest barrier that is within your control, then why it exists.**")
    theory_form(
        "barrier",
        {"barrier": ("The biggest barrier within our control",
                     "e.g. The duty rota puts coverage in team time.")},
        "Save",
        "Saved: next, add why it exists.",
    )
    why = theory_guide.reasons(db, toa_id)
    if not read_only:
        with st.form(f"reason_add_{toa_id}", clear_on_submit=True):
            reason = safe.text_input(st, "Why it exists",
                                     placeholder="e.g. Duties were scheduled before team time")
            if st.form_submit_button("Add the reason", type="primary"):
                wsui.save(PAGE, theory_guide.add_reason, toa_id, reason, viewer=me,
                          done="Reason added.")
    if why.empty:
        st.info("No reasons yet: a barrier usually has several; add each one.")
    else:
        listed(why, {"body": "Why it exists"}, key=f"reason_remove_{toa_id}",
               prompt="Reason", label="body", remove=theory_guide.delete_reason)

# 5. Brainstorm & choose --------------------------------------------------------------------
with tabs[4]:
    st.markdown(
        "**Brainstorm approaches that would remove the barrier, then choose one.** The chosen "
        "approach becomes the theory's approach."
    )
    if not read_only:
        with st.form(f"approach_add_{toa_id}", clear_on_submit=True):
            idea_text = safe.text_input(st, "An approach",
                                        placeholder="e.g. Rebuild the duty rota around team time")
            if st.form_submit_button("Add to the brainstorm", type="primary"):
                wsui.save(PAGE, theory_guide.add_approach, toa_id, idea_text, viewer=me,
                          done="Added to the brainstorm.")
    ideas_frame = theory_guide.approaches(db, toa_id)
    if ideas_frame.empty:
        st.info("No approaches yet: write down every idea first, then choose one.")
    else:
        present.table(
            text.table(ideas_frame, {"body": "Approach", "chosen": "Chosen"},
                       columns=["body", "chosen"]),
            hide_index=True,
        )
        if toa["approach"]:
            st.success(f"Chosen: {safe.md(toa['approach'])}")
        if not read_only:
            approach_labels = wsui.option_label(ideas_frame, "id", "body")
            with st.form(f"approach_pick_{toa_id}"):
                pick = st.selectbox("Approach", list(approach_labels),
                                    format_func=approach_labels.get)
                b1, b2 = st.columns(2)
                if b1.form_submit_button("Choose this one", type="primary"):
                    wsui.save(PAGE, theory_guide.choose_approach, pick, viewer=me,
                              done="Approach chosen: next, write the theory of action.")
                if b2.form_submit_button("Remove"):
                    wsui.delete(PAGE, lambda db_, aid: theory_guide.delete_approach(db_, aid, viewer=me),
                                pick, name=approach_labels.get(pick))

# 6. If … then … ----------------------------------------------------------------------------
with tabs[5]:
    st.markdown(
        "**Write the theory of action as one sentence: If we …, then …, which will lead to ….**"
    )
    if toa["approach"]:
        st.caption(f"Your chosen approach: {safe.md(toa['approach'])}")
    theory_form(
        "statement",
        {
            "if_we": ("If we …", "protect a weekly 45-minute block for every team"),
            "then_": ("then …", "teams will study student work every week"),
            "lead_to": ("which will lead to …", "more students reading on grade level"),
        },
        "Save the theory of action",
        "Theory of action saved.",
    )
    sentence = theory.theory_statement(toa)
    if sentence:
        st.success(safe.md(sentence))
    else:
        st.info("Fill in all three parts to see the sentence.")

# 7. Purpose map ----------------------------------------------------------------------------
with tabs[6]:
    st.markdown(
        "**Map the purpose: the vision this serves, the people and their roles, and the "
        "initial plan with dates.**"
    )
    theory_form("purpose", {"purpose_vision": ("Vision", "What it will look like when it works")},
                "Save the vision", "Vision saved: next, who is involved.")
    st.markdown("**People and roles**")
    if not read_only:
        with st.form(f"person_add_{toa_id}", clear_on_submit=True):
            c1, c2 = st.columns(2)
            who = safe.text_input(c1, "Person or group", limit=safe.NAME_LIMIT,
                                  placeholder="e.g. Scheduling lead")
            role = safe.text_input(c2, "Their role in the work",
                                   placeholder="e.g. Rebuilds the duty rota")
            if st.form_submit_button("Add", type="primary"):
                wsui.save(PAGE, theory_guide.add_person, toa_id, who, role, viewer=me,
                          done="Added to the purpose map.")
    people = theory_guide.people(db, toa_id)
    if people.empty:
        st.info("Nobody named yet: add who leads, who takes part and who needs to know.")
    else:
        listed(people, {"who": "Person or group", "role": "Role in the work"},
               key=f"person_remove_{toa_id}", prompt="Person or group", label="who",
               remove=theory_guide.delete_person)
    st.markdown("**Initial plan**")
    if not read_only:
        with st.form(f"plan_add_{toa_id}", clear_on_submit=True):
            c1, c2 = st.columns([2, 1])
            step = safe.text_input(c1, "Step", placeholder="e.g. Share the draft rota with staff")
            step_who = safe.text_input(c2, "Who", limit=safe.NAME_LIMIT,
                                       placeholder="e.g. Principal")
            c3, c4 = st.columns(2)
            step_start = c3.date_input("Starts (optional)", value=None)
            step_due = c4.date_input("Due", value=dt.date.today() + dt.timedelta(days=14))
            if st.form_submit_button("Add the step", type="primary"):
                wsui.save(PAGE, theory_guide.add_plan_step, toa_id, step, step_due, step_who,
                          step_start, viewer=me, done="Step added to the plan.")
    steps = theory_guide.plan_steps(db, toa_id)
    if steps.empty:
        st.info("No steps yet: add the first steps, each with the date it is due.")
    else:
        listed(steps, {"step": "Step", "who": "Who", "starts_on": "Starts", "due_on": "Due"},
               key=f"plan_remove_{toa_id}", prompt="Step", label="step",
               remove=theory_guide.delete_plan_step)

# 8. Action timeline ------------------------------------------------------------------------
with tabs[7]:
    st.markdown("**Plan the actions: what, who, by when, and how you will know it happened.**")
    if not read_only:
        with st.form(f"action_add_{toa_id}", clear_on_submit=True):
            c1, c2 = st.columns([2, 1])
            what = safe.text_input(c1, "What", placeholder="e.g. Draft the new duty rota")
            who = safe.text_input(c2, "Who", limit=safe.NAME_LIMIT,
                                  placeholder="e.g. Scheduling lead")
            c3, c4, c5 = st.columns([1, 1, 2])
            starts = c3.date_input("Starts (optional)", value=None)
            by_when = c4.date_input("By when", value=dt.date.today() + dt.timedelta(days=14))
            know = safe.text_input(c5, "How we will know",
                                   placeholder="e.g. The rota is shared with staff")
            if st.form_submit_button("Add the action", type="primary"):
                wsui.save(PAGE, theory.add_toa_action, toa_id, what, by_when, who, know, starts,
                          viewer=me, done="Action added.")
    actions = theory.toa_actions(db, toa_id)
    if actions.empty:
        st.info("No actions yet: add the first step of your plan above.")
    else:
        st.plotly_chart(charts.theory_timeline_chart(actions, dt.date.today()), key="toa_timeline")
        present.table(
            text.table(actions, {"starts_on": "Starts", "how_we_know": "How we will know"},
                       columns=["what", "who", "starts_on", "by_when", "how_we_know", "done"],
                       none="not set"),
            hide_index=True,
        )
        if not read_only:
            action_labels = wsui.option_label(actions, "id", "what")
            with st.form(f"action_edit_{toa_id}"):
                pick = st.selectbox("Action", list(action_labels), format_func=action_labels.get)
                b1, b2, b3 = st.columns(3)
                if b1.form_submit_button("Mark done", type="primary"):
                    wsui.save(PAGE, theory.set_toa_action_done, pick, True, viewer=me, done="Marked done.")
                if b2.form_submit_button("Mark not done"):
                    wsui.save(PAGE, theory.set_toa_action_done, pick, False, viewer=me,
                              done="Marked not done.")
                if b3.form_submit_button("Delete"):
                    wsui.delete(PAGE, lambda db_, aid: theory.delete_toa_action(db_, aid, viewer=me),
                                pick, name=action_labels.get(pick))

# 9. Impact ---------------------------------------------------------------------------------
with tabs[8]:
    st.markdown(
        "**Plan how staff can give feedback safely and how you will respond, read the survey "
        "beside it, then record the results and decide.**"
    )
    plan = theory_guide.feedback_plan(db, toa_id)
    plan_side, survey_side = st.columns([3, 2])
    with plan_side, st.form(f"feedback_{toa_id}"):
        st.markdown("**Feedback plan**")
        channel = safe.text_input(st, "Where staff give feedback", value=plan["channel"] or "",
                                  placeholder="e.g. A form on the staff page and a box in the "
                                              "staff room", disabled=read_only)
        kinds = list(theory_guide.ANONYMITY)
        anonymity = st.radio("Anonymous or named", kinds,
                             index=kinds.index(plan["anonymity"]) if plan["anonymity"] in kinds
                             else None, format_func=theory_guide.ANONYMITY.get, horizontal=True,
                             disabled=read_only)
        timing = safe.text_input(st, "When", value=plan["timing"] or "",
                                 placeholder="e.g. Any time; a reminder every other Friday",
                                 disabled=read_only)
        st.markdown("**Responding to feedback**")
        readers = safe.text_input(st, "Who reads it", value=plan["readers"] or "",
                                  placeholder="e.g. The principal and two teacher leaders",
                                  disabled=read_only)
        respond = safe.text_input(st, "Responds by when", value=plan["respond_within"] or "",
                                  placeholder="e.g. Within a week of each month's end",
                                  disabled=read_only)
        shared = safe.text_input(st, "How the response is shared", value=plan["shared_how"] or "",
                                 placeholder="e.g. A 'you said, we did' note in the bulletin",
                                 disabled=read_only)
        areas = list(survey.SURVEY_AREAS)
        area = st.selectbox("Survey area to read beside it", areas,
                            index=areas.index(plan["survey_area"]) if plan["survey_area"] in areas
                            else 0, format_func=survey.SURVEY_AREAS.get, disabled=read_only)
        if st.form_submit_button("Save the feedback plan", type="primary", disabled=read_only):
            wsui.save(PAGE, theory_guide.save_feedback_plan, toa_id, viewer=me, channel=channel,
                      anonymity=anonymity, timing=timing, readers=readers,
                      respond_within=respond, shared_how=shared, survey_area=area,
                      done="Feedback plan saved.")
    with survey_side:
        st.markdown("**The collaboration survey's rounds**")
        trend, sentence = theory_guide.survey_trend(db, plan["survey_area"])
        st.caption(safe.md(sentence))
        if not trend.empty:
            if (~trend["suppressed"].astype(bool)).sum() > 1:
                st.plotly_chart(charts.survey_rounds_chart(trend, HIDDEN), key="toa_survey_trend")
            present.table(
                text.table(trend, {"round": "Round", "mean": "Average (1–5)",
                                   "pct_agree": "Agree"},
                           columns=["round", "responses", "mean", "pct_agree"],
                           formats={"mean": text.average, "pct_agree": text.pct},
                           none={"responses": HIDDEN, "mean": "not shown",
                                 "pct_agree": "not shown"}),
                hide_index=True,
            )
        st.caption("Rounds are opened and closed on Collaboration health; results show once a "
                   f"round is closed with at least {config.MIN_GROUP_SIZE} answers.")

    st.markdown("**Results and decision**")
    decision_keys = list(theory.DECISIONS)
    with st.form(f"impact_{toa_id}"):
        data = safe.text_area(st, "Data we gathered", value=toa["data_gathered"] or "",
                              placeholder="e.g. Meeting log, staff survey on protected time",
                              disabled=read_only)
        results_text = safe.text_area(
            st, "What the results show", value=toa["results"] or "",
            placeholder="e.g. Teams met 5 of 6 weeks; protected-time survey average rose from "
                        "2.9 to 3.6", disabled=read_only)
        decision = st.radio(
            "Our decision", decision_keys,
            index=decision_keys.index(toa["decision"]) if toa["decision"] in decision_keys
            else None,
            format_func=theory.DECISIONS.get, disabled=read_only,
        )
        next_condition = safe.text_input(st, "If moving on: the next condition",
                                         value=toa["next_condition"] or "",
                                         placeholder="e.g. Orientation to improve",
                                         disabled=read_only)
        if st.form_submit_button("Save the impact assessment", type="primary", disabled=read_only):
            wsui.save(PAGE, theory.save_theory, toa_id, viewer=me, data_gathered=data,
                      results=results_text,
                      decision=decision, next_condition=next_condition,
                      done="Impact assessment saved.")

with tabs[9]:
    wsui.summary(db, "Theory of action", "theory-of-action")
    if not read_only and st.button("Delete this theory of action", key=f"toa_delete_{toa_id}"):
        wsui.delete(PAGE, lambda db_, tid: theory.delete_theory(db_, tid, viewer=me), toa_id)
