"""Collaboration structures: the seven structures of the guides with the school's record,
mentoring pairs and coaching cycles, and the share-what-works log."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from collabplan import text, ui
from collabplan.ui import present, safe
from collabplan.ui import workspace as wsui
from collabplan.ui.choices import remember, remembered_radio, remembered_select
from collabplan.workspace import mentoring, share_log, structures, teams

ui.page_setup()

PAGE = "structures"
#: The add forms' fields, forgotten only once the write succeeded (a refused entry keeps them).
PAIR_FIELDS = ("pair_mentor", "pair_mentee", "pair_started", "pair_focus", "pair_mentor_email",
               "pair_mentee_email")
SHARE_FIELDS = ("share_what", "share_team", "share_where", "share_on", "share_how")
db = ui.get_db()
me = ui.viewer()
leader = me.role == "leader"

st.title("Collaboration structures")
st.caption(
    "The seven ways the school's guides say staff work together, each with a short how-to and "
    "the school's record: does it run here, who owns it, when, and how it is going. Then the "
    "mentoring pairs with their coaching cycles, and the log where teams share what works."
)
wsui.flash(PAGE)

overview = structures.overview(db)
recorded = int(overview["runs"].notna().sum())
st.progress(recorded / len(overview),
            text=f"{recorded} of {len(overview)} structures recorded")

# keyed and tracked: a save's message above the tabs must not send the page back to Overview
tabs = st.tabs(["Overview", "The seven structures", "Mentoring & coaching", "Share what works",
                "Summary"], key="structures_tab", on_change="rerun")

# Overview --------------------------------------------------------------------------------
with tabs[0]:
    attention = structures.needs_attention(db)
    if attention:
        st.warning(f"Needs attention: {safe.md(', '.join(attention))}.",
                   icon=":material/priority_high:")
    if not recorded:
        st.info("Nothing recorded yet: open **The seven structures**, pick one the school runs "
                "and save who owns it and when it happens.")
    present.table(
        text.table(
            overview,
            {"structure": "Structure", "runs": "Runs here", "owner": "Owner",
             "time_text": "Time", "how_often": "How often", "status": "Status",
             "next_step": "Next step", "next_step_on": "Due"},
            columns=["structure", "runs", "owner", "time_text", "how_often", "status",
                     "next_step", "next_step_on"],
            none={"runs": "not recorded"},
            formats={"next_step_on": text.short_date},
        ),
        hide_index=True,
    )

# The seven structures ------------------------------------------------------------------
with tabs[1]:
    keys = list(structures.STRUCTURES)
    key = remembered_select("Structure", keys, key="structures_pick",
                            format_func=lambda k: structures.STRUCTURES[k].title)
    guide = structures.STRUCTURES[key]
    saved = structures.record(db, key)
    how, mine = st.columns([2, 3], gap="large")
    with how:
        st.subheader("How to")
        st.markdown(f"**What it is.** {guide.what}")
        st.markdown(f"**Running it well.** {guide.how}")
        st.markdown(f"**A first step.** {guide.first_step}")
        if key == "plc":
            team_rows = teams.teams(db)
            with_time = sum(bool(teams.team_workspace(db, t)["protected_time"])
                            for t in team_rows["id"].tolist())
            st.markdown(
                f"The teams' own work is kept where it is done: "
                f"{text.count(with_time, 'team')} of {len(team_rows)} have protected time set."
            )
            st.page_link("pages/teams.py", label="Teams & norms: protected time, agendas, stages",
                         icon=":material/diversity_3:")
            st.page_link("pages/health.py", label="Collaboration health survey",
                         icon=":material/favorite:")
        elif key == "mentoring":
            st.markdown("Pairs and their cycles are on the **Mentoring & coaching** tab.")
        elif key == "distributed":
            st.markdown("The routine's log is on the **Share what works** tab.")
    with mine:
        st.subheader("Our school")
        if not leader:
            st.caption("School leaders keep this record.")
            shown = {
                "Runs here": structures.RUNS.get(saved["runs"], "not recorded"),
                "Owner": saved["owner"], "Time": saved["time_text"],
                "How often": saved["how_often"],
                "Status": structures.STATUSES.get(saved["status"]),
                "Next step": saved["next_step"],
                "Due": text.short_date(saved["next_step_on"]) if saved["next_step_on"] else None,
                "Notes": saved["notes"],
            }
            for name, value in shown.items():
                st.markdown(f"**{name}:** {safe.md(value) if value else 'not set'}")
        else:
            with st.form(f"structure_{key}"):
                run_keys = list(structures.RUNS)
                runs = st.radio(
                    "Does the school run it?", run_keys, horizontal=True,
                    index=run_keys.index(saved["runs"]) if saved["runs"] in run_keys else None,
                    format_func=structures.RUNS.get,
                )
                c1, c2, c3 = st.columns(3)
                owner = safe.text_input(c1, "Owner", limit=safe.NAME_LIMIT,
                                        value=saved["owner"] or "", placeholder="e.g. Ms. Chen")
                when = safe.text_input(c2, "Time", value=saved["time_text"] or "",
                                       placeholder="e.g. Tuesdays 2:45–3:30")
                often = safe.text_input(c3, "How often", value=saved["how_often"] or "",
                                        placeholder="e.g. Weekly")
                status_keys = list(structures.STATUSES)
                status = st.selectbox(
                    "Status", status_keys,
                    index=status_keys.index(saved["status"]) if saved["status"] in status_keys
                    else None,
                    format_func=structures.STATUSES.get, placeholder="Choose how it is going",
                )
                s1, s2 = st.columns([3, 1])
                next_step = safe.text_input(s1, "Next step", value=saved["next_step"] or "",
                                            placeholder="e.g. Move bus duty out of the block")
                next_on = s2.date_input("Due", value=saved["next_step_on"])
                notes = safe.text_area(st, "Notes", value=saved["notes"] or "", height=80)
                if st.form_submit_button("Save the record", type="primary"):
                    wsui.save(PAGE, structures.save_record, key, runs=runs, owner=owner,
                              time_text=when, how_often=often, status=status,
                              next_step=next_step, next_step_on=next_on, notes=notes,
                              viewer=me, done=f"{guide.title} saved.")
            if saved["runs"] and st.button("Clear this record", key=f"structure_clear_{key}"):
                wsui.delete(PAGE, structures.clear_record, key, me, name=guide.title)

# Mentoring and coaching --------------------------------------------------------------------
with tabs[2]:
    st.markdown(
        "**A mentor works with a colleague in short cycles: observe, reflect, set a goal, "
        "follow up.** Leaders add the pairs; the mentor (signed in with the address given "
        "here) records the cycle's steps. Notes are read only by leaders and the pair."
    )
    if leader:
        all_pairs = mentoring.pairs(db, me)
        with st.expander("Add a mentoring pair", expanded=all_pairs.empty), \
                st.form("pair_add"):
            c1, c2, c3 = st.columns(3)
            mentor = safe.text_input(c1, "Mentor", limit=safe.NAME_LIMIT,
                                     placeholder="e.g. Ms. Chen", key="pair_mentor")
            mentee = safe.text_input(c2, "Mentee", limit=safe.NAME_LIMIT,
                                     placeholder="e.g. Ms. Nguyen", key="pair_mentee")
            started = c3.date_input("Started on", value=dt.date.today(), key="pair_started")
            focus = safe.text_input(st, "Focus", placeholder="e.g. Checking for understanding",
                                    key="pair_focus")
            e1, e2 = st.columns(2)
            mentor_email = safe.text_input(e1, "Mentor's sign-in address (optional)",
                                           limit=safe.NAME_LIMIT, key="pair_mentor_email")
            mentee_email = safe.text_input(e2, "Mentee's sign-in address (optional)",
                                           limit=safe.NAME_LIMIT, key="pair_mentee_email")
            if st.form_submit_button("Add the pair", type="primary"):
                wsui.save(PAGE, mentoring.add_pair, mentor, mentee, focus, started,
                          mentor_email, mentee_email, viewer=me,
                          done=f"{mentor.strip()} and {mentee.strip()} paired.",
                          clear=PAIR_FIELDS,
                          then=lambda new_id: remember(new_id, "mentoring_pick"))
    all_pairs = mentoring.pairs(db, me)
    if all_pairs.empty:
        st.info("No mentoring pairs yet. "
                + ("Add the first pair above." if leader else "A school leader adds them."))
    else:
        present.table(
            text.table(all_pairs, {"started_on": "Started", "cycles": "Cycles",
                                   "now": "Where the latest cycle stands"},
                       columns=["mentor", "mentee", "focus", "started_on", "cycles", "now"],
                       none="not set", formats={"started_on": text.short_date}),
            hide_index=True,
        )
        labels = wsui.option_label(all_pairs, "id", "label")
        pair_id = remembered_select("Mentoring pair", list(labels), key="mentoring_pick",
                                    format_func=labels.get)
        the_pair = mentoring.pair(db, pair_id)
        writes = mentoring.can_write_cycles(me, the_pair)
        # a writer reads the notes, except on a projected screen: no step form there, so a
        # hidden note is never saved over the real one
        records_steps = writes and mentoring.can_read_notes(me, the_pair)
        pair_cycles = mentoring.cycles(db, pair_id, me)
        if not pair_cycles:
            st.info("No coaching cycle yet for this pair."
                    + (" Start one below." if writes else ""))
        for n, cycle in enumerate(pair_cycles, start=1):
            latest = n == len(pair_cycles)
            with st.expander(f"Cycle {n}, started {text.short_date(cycle['started_on'])}: "
                             f"{mentoring.next_step_words(cycle)}", expanded=latest):
                present.table(
                    text.table(mentoring.steps_table(cycle),
                               {"label": "Step", "planned_on": "Planned", "done_on": "Done",
                                "note": "Note"},
                               none={"planned_on": "not planned", "done_on": "not yet",
                                     "note": "–"},
                               formats={"planned_on": text.short_date,
                                        "done_on": text.short_date}),
                    hide_index=True,
                )
                if writes and latest and not records_steps:
                    st.caption("Projection mode is on: turn it off to record this cycle's "
                               "steps (their notes are kept for the pair).")
                if records_steps and latest:
                    step_keys = list(mentoring.STEPS)
                    step = remembered_radio(
                        "Step", step_keys, key=f"coaching_step_{cycle['id']}",
                        default=cycle["next_key"], format_func=mentoring.STEPS.get,
                        horizontal=True,
                    )
                    st.caption(mentoring.STEP_HELP[step])
                    current = next(s for s in cycle["steps"] if s["step"] == step)
                    with st.form(f"coaching_{cycle['id']}_{step}"):
                        d1, d2 = st.columns(2)
                        planned = d1.date_input("Planned for", value=current["planned_on"])
                        done_on = d2.date_input("Done on", value=current["done_on"])
                        note = safe.text_area(st, "Short note", value=current["note"] or "",
                                              height=70)
                        if st.form_submit_button("Save the step", type="primary"):
                            # once a step is done, the picker moves on to the next one
                            after = mentoring.step_after(step) if done_on else step
                            wsui.save(PAGE, mentoring.save_step, cycle["id"], step, planned,
                                      done_on, note, viewer=me,
                                      done=f"{mentoring.STEPS[step]} saved.",
                                      then=lambda _r, k=f"coaching_step_{cycle['id']}",
                                      a=after: remember(a, k))
                    if st.button("Remove this cycle", key=f"cycle_delete_{cycle['id']}"):
                        wsui.delete(PAGE, mentoring.delete_cycle, cycle["id"], me,
                                    name=f"Cycle {n}")
        can_start = writes and (not pair_cycles or pair_cycles[-1]["complete"])
        if can_start and st.button("Start a coaching cycle", type="primary",
                                   key=f"cycle_start_{pair_id}"):
            wsui.save(PAGE, mentoring.start_cycle, pair_id, viewer=me,
                          done="Coaching cycle started: plan the observation.")
        if leader and st.button("Remove this pair", key=f"pair_delete_{pair_id}"):
            wsui.delete(PAGE, mentoring.delete_pair, pair_id, me, name=labels.get(pair_id))

# Share what works ----------------------------------------------------------------------------
with tabs[3]:
    st.markdown(
        "**Distributed leadership's routine: each team shares one thing that worked, and others "
        "take it up.** Ideas a team adopts on the goal board appear here by themselves; "
        "leaders add what was shared elsewhere."
    )
    log = share_log.entries(db)
    if leader:
        team_rows = teams.teams(db)
        team_labels = {0: "The whole school"} | wsui.option_label(team_rows, "id", "name")
        with st.expander("Add what worked", expanded=log.empty), \
                st.form("share_add"):
            what = safe.text_area(st, "What worked", height=70,
                                  placeholder="e.g. Sorting exit tickets into three piles",
                                  key="share_what")
            c1, c2, c3 = st.columns(3)
            team_pick = c1.selectbox("Which team", list(team_labels),
                                     format_func=team_labels.get, key="share_team")
            where = safe.text_input(c2, "Shared where", placeholder="e.g. Staff meeting",
                                    key="share_where")
            shared_on = c3.date_input("Shared on", value=dt.date.today(), key="share_on")
            how_to = safe.text_input(st, "How others can use it",
                                     placeholder="e.g. Bring five exit tickets each",
                                     key="share_how")
            if st.form_submit_button("Add to the log", type="primary"):
                wsui.save(PAGE, share_log.add_entry, what, team_pick or None, how_to, where,
                          shared_on, viewer=me, done="Added to the log.", clear=SHARE_FIELDS)
    if log.empty:
        st.info("Nothing shared yet. When a team adopts another team's idea on the goal board, "
                "it appears here.")
    else:
        log["from"] = log["source"].map({"board": "Goal board", "hand": "Written here"})
        present.table(
            text.table(log, {"title": "What worked", "team": "Team",
                             "how_to_use": "How others can use it",
                             "shared_where": "Shared where", "shared_on": "Shared on",
                             "from": "Logged from"},
                       columns=["title", "team", "how_to_use", "shared_where", "shared_on",
                                "from"],
                       none={"team": "The whole school"},
                       formats={"shared_on": text.short_date}),
            hide_index=True,
        )
        hand = log[log["source"] == "hand"]
        if leader and not hand.empty:
            entry_labels = wsui.option_label(hand, "id", "title")
            with st.form("share_remove"):
                pick = st.selectbox("Remove an entry written here", list(entry_labels),
                                    format_func=entry_labels.get)
                if st.form_submit_button("Remove"):
                    wsui.delete(PAGE, share_log.delete_entry, pick, me,
                                name=entry_labels.get(pick))
        st.caption("An adopted idea leaves the log when its team undoes the adoption on the "
                   "goal board.")

with tabs[4]:
    wsui.summary(db, "Collaboration structures", "collaboration-structures")
