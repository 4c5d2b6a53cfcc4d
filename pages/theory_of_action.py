"""Theory of action: a collective-leadership team's plan to improve one condition, then test it."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from collabplan import charts, text, ui
from collabplan.ui import present, safe
from collabplan.ui import workspace as wsui
from collabplan.ui.choices import remember, remembered_select
from collabplan.workspace import theory

ui.page_setup()

PAGE = "toa"
db = ui.get_db()

st.title("Theory of action")
st.caption(
    "Pick one condition for collaboration to improve, say where you are and where you want to "
    "be, name the biggest barrier you control, write your theory of action, map its purpose, "
    "plan the actions on a timeline, then test it and study the results."
)
wsui.flash(PAGE)

all_theories = theory.theories(db)
with (
    st.expander("Start a theory of action for a condition", expanded=all_theories.empty),
    st.form("toa_add"),
):
    left, right = st.columns(2)
    suggested = left.selectbox("Condition", theory.CONDITIONS, key="toa_condition")
    other = safe.text_input(right, "…or name your own", placeholder="e.g. Time for peer observation",
                            limit=safe.NAME_LIMIT, key="toa_condition_other")
    if st.form_submit_button("Start", type="primary"):
        wsui.save(
            PAGE,
            theory.add_theory,
            other.strip() or suggested,
            done="Started: work through the steps below.",
            clear=("toa_condition_other",),
            then=lambda new_id: remember(new_id, "toa_pick"),  # open the theory just started
        )
if all_theories.empty:
    st.info(
        "No theory of action yet. Choose a condition above (for example enabling work "
        "structures) to start, or load the demo school on Home."
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
wsui.progress(theory.theory_progress(db, toa_id))

tabs = st.tabs(
    [
        "1 · Where we are",
        "2 · Barrier & approach",
        "3 · If … then …",
        "4 · Purpose map",
        "5 · Action timeline",
        "6 · Test & study",
        "Summary",
    ]
)


def theory_form(form_key: str, fields: dict[str, tuple[str, str]], button: str, done: str) -> None:
    """A form of text areas for some fields of this theory, saved together."""
    with st.form(f"{form_key}_{toa_id}"):
        values = {
            name: safe.text_area(st, label, value=toa.get(name) or "", placeholder=hint, height=90)
            for name, (label, hint) in fields.items()
        }
        if st.form_submit_button(button, type="primary"):
            wsui.save(PAGE, theory.save_theory, toa_id, done=done, **values)


with tabs[0]:
    st.markdown(
        f"**Condition: {safe.md(toa['condition'])}.** Describe where the school is now, where it wants to be, and why."
    )
    theory_form(
        "where",
        {
            "where_now": ("Where we are now", "e.g. Team time is often taken for duty coverage."),
            "where_next": (
                "Where we want to be",
                "e.g. Every team meets weekly for 45 protected minutes.",
            ),
            "why": ("Why it matters", "e.g. Teams that meet consistently plan from evidence."),
        },
        "Save",
        "Saved: next, name the biggest barrier.",
    )

with tabs[1]:
    st.markdown(
        "**Name the biggest barrier that is within your control, and the approach you chose to remove it.**"
    )
    theory_form(
        "barrier",
        {
            "barrier": (
                "The biggest barrier within our control",
                "e.g. The duty rota puts coverage in team time.",
            ),
            "approach": (
                "The approach we chose",
                "e.g. Rebuild the rota so no one covers in their team's block.",
            ),
        },
        "Save",
        "Saved: next, write the theory of action.",
    )

with tabs[2]:
    st.markdown(
        "**Write the theory of action as one sentence: If we …, then …, which will lead to ….**"
    )
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

with tabs[3]:
    st.markdown(
        "**Map the purpose: the vision this serves, the people involved, and the initial plan.**"
    )
    theory_form(
        "purpose",
        {
            "purpose_vision": ("Vision", "What it will look like when it works"),
            "purpose_people": ("People involved", "Who leads, who takes part, who needs to know"),
            "purpose_plan": ("Initial plan", "The first steps"),
        },
        "Save the purpose map",
        "Purpose map saved.",
    )

with tabs[4]:
    st.markdown("**Plan the actions: what, who, by when, and how you will know it happened.**")
    with st.form(f"action_add_{toa_id}", clear_on_submit=True):
        c1, c2 = st.columns([2, 1])
        what = safe.text_input(c1, "What", placeholder="e.g. Draft the new duty rota")
        who = safe.text_input(c2, "Who", limit=safe.NAME_LIMIT, placeholder="e.g. Scheduling lead")
        c3, c4, c5 = st.columns([1, 1, 2])
        starts = c3.date_input("Starts (optional)", value=None)
        by_when = c4.date_input("By when", value=dt.date.today() + dt.timedelta(days=14))
        know = safe.text_input(c5, "How we will know", placeholder="e.g. The rota is shared with staff")
        if st.form_submit_button("Add the action", type="primary"):
            wsui.save(
                PAGE,
                theory.add_toa_action,
                toa_id,
                what,
                by_when,
                who,
                know,
                starts,
                done="Action added.",
            )
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
        action_labels = wsui.option_label(actions, "id", "what")
        with st.form(f"action_edit_{toa_id}"):
            pick = st.selectbox("Action", list(action_labels), format_func=action_labels.get)
            b1, b2, b3 = st.columns(3)
            if b1.form_submit_button("Mark done", type="primary"):
                wsui.save(PAGE, theory.set_toa_action_done, pick, True, done="Marked done.")
            if b2.form_submit_button("Mark not done"):
                wsui.save(PAGE, theory.set_toa_action_done, pick, False, done="Marked not done.")
            if b3.form_submit_button("Delete"):
                wsui.delete(PAGE, theory.delete_toa_action, pick,
                            name=action_labels.get(pick))

with tabs[5]:
    st.markdown(
        "**After the test: what data did you gather, what did it show, and what do you decide?**"
    )
    decision_keys = list(theory.DECISIONS)
    with st.form(f"impact_{toa_id}"):
        data = safe.text_area(
            st,
            "Data we gathered",
            value=toa["data_gathered"] or "",
            placeholder="e.g. Meeting log, staff survey on protected time",
        )
        results = safe.text_area(
            st,
            "What the results show",
            value=toa["results"] or "",
            placeholder="e.g. Teams met 5 of 6 weeks; protected-time survey average rose from 2.9 to 3.6",
        )
        decision = st.radio(
            "Our decision",
            decision_keys,
            index=decision_keys.index(toa["decision"])
            if toa["decision"] in decision_keys
            else None,
            format_func=theory.DECISIONS.get,
        )
        next_condition = safe.text_input(
            st,
            "If moving on: the next condition",
            value=toa["next_condition"] or "",
            placeholder="e.g. Orientation to improve",
        )
        if st.form_submit_button("Save the impact assessment", type="primary"):
            wsui.save(
                PAGE,
                theory.save_theory,
                toa_id,
                data_gathered=data,
                results=results,
                decision=decision,
                next_condition=next_condition,
                done="Impact assessment saved.",
            )
    st.caption(
        "The collaboration health survey (Collaboration health page) is one source of data for the test."
    )

with tabs[6]:
    wsui.summary(db, "Theory of action", "theory-of-action")
    if st.button("Delete this theory of action", key=f"toa_delete_{toa_id}"):
        wsui.delete(PAGE, theory.delete_theory, toa_id)
