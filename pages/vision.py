"""Vision & values: the leadership team's visioning guide, its eight steps in order, each
saved as the group works and marked agreed where the guide asks for consensus."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from collabplan import charts, text, ui
from collabplan.ui import present, safe
from collabplan.ui import visioning as vui
from collabplan.ui import workspace as wsui
from collabplan.workspace import vision, vision_session, vision_starts

ui.page_setup()

PAGE = "vision"
db = ui.get_db()
me = ui.viewer()

st.title("Vision & values")
st.caption(
    "The visioning guide in eight steps for the leadership team: set up the session, see where "
    "you are, agree what collaborative planning means here, draft and agree a vision statement "
    "and your values, and plan how you will share them. Work through the numbered tabs; each "
    "step saves as you go, and the group marks where it agreed."
)
wsui.progress(vision_session.guide_progress(db))
wsui.flash(PAGE)

if me.role != "leader":
    # school-wide guide: a leader keeps it, everyone reads where it stands
    st.info("A leader runs the visioning session and keeps this guide. Here is where it stands.")
    wsui.summary(db, "Vision and values", "vision-and-values")
    st.stop()

tabs = st.tabs(
    [
        "1 · Set up",
        "2 · Where we are",
        "3 · Criteria",
        "4 · Brainstorm",
        "5 · Drafts",
        "6 · Vision statement",
        "7 · Shared values",
        "8 · Share it",
        "Summary",
    ],
    # keyed and tracked: a save's message above the tabs must not send the group back to step 1
    key="vision_step",
    on_change="rerun",
)

# 1. Set up the session, who takes part, the agenda, the opening round ----------------------
with tabs[0]:
    st.markdown(
        "**Set up the session: when and where, who takes part, an agenda of the eight steps, "
        "and an opening round where everyone shares their current experiences of "
        "collaborative planning.**"
    )
    saved = vision_session.session(db)
    with st.form("session"):
        c1, c2, c3, c4 = st.columns(4)
        held_on = c1.date_input("Day of the session", value=saved["held_on"] or dt.date.today())
        starts_at = c2.time_input("Starts at", value=saved["starts_at"] or dt.time(15, 30),
                                  step=dt.timedelta(minutes=15))
        place = safe.text_input(c3, "Where", value=saved["place"] or "", limit=safe.NAME_LIMIT,
                                placeholder="e.g. Library")
        length = c4.number_input(
            "Length (minutes)", min_value=15, max_value=480, step=5,
            value=int(saved["minutes"] or vision_session.SESSION_MINUTES),
            help="The guide suggests about 90 minutes.",
        )
        if st.form_submit_button("Save the session", type="primary"):
            wsui.save(PAGE, vision_session.save_session, held_on, starts_at, place, length,
                      viewer=me, done="Session saved.")
    if saved["held_on"] is None:
        st.info("No day set yet: pick the day, time and place, then save the session.")
    else:
        st.caption(safe.md(vision_session.session_words(db)))

    st.markdown("**Who takes part**")
    people = vision.stakeholders(db)
    # cleared only once saved: a refused entry keeps the name typed and the role picked
    with st.form("stakeholder_add"):
        left, right = st.columns(2)
        name = safe.text_input(left, "Name", placeholder="e.g. Ms. Chen", limit=safe.NAME_LIMIT,
                               key="stakeholder_name")
        role = right.selectbox("Role", vision.STAKEHOLDER_ROLES, key="stakeholder_role")
        if st.form_submit_button("Add to the group", type="primary"):
            wsui.save(PAGE, vision.add_stakeholder, name, role, done=f"{name.strip()} added.",
                      clear=("stakeholder_name",))
    if people.empty:
        st.info(
            "Nobody named yet: add the first person above (a principal, a coach, teacher leaders …)."
        )
    else:
        wsui.table_with_remove(
            PAGE, people, {"name": "Name", "role": "Role"}, key="stakeholder_remove",
            prompt="Remove someone", label_column="label", remove=vision.delete_stakeholder,
        )

    st.markdown("**Agenda: minutes for each step**")
    plan = vision_session.agenda(db)
    with st.form("agenda"):
        minutes: dict[str, int] = {}
        cells = st.columns(4) + st.columns(4)
        for cell, row in zip(cells, plan.itertuples(), strict=True):
            minutes[row.step] = cell.number_input(
                f"{row.number} · {row.title}", min_value=0, max_value=240, step=5,
                value=int(row.minutes), key=f"agenda_{row.step}",
            )
        if st.form_submit_button("Save the agenda", type="primary"):
            wsui.save(PAGE, vision_session.save_agenda, minutes, viewer=me,
                      done="Agenda saved.")
    agenda_check = vision_session.check_agenda(db)
    if not plan["saved"].any():
        st.caption("These are the guide's suggested minutes; change them and save the agenda.")
    (st.success if agenda_check.ok else st.warning)(safe.md(agenda_check.message))

    st.markdown(f"**Opening round: {vision_session.NOTE_KINDS['opening'].lower()}**")
    with st.form("opening_add"):
        left, right = st.columns([1, 3])
        who = safe.text_input(left, "Who (optional)", limit=safe.NAME_LIMIT, key="opening_who")
        body = safe.text_input(right, "What they shared", key="opening_body",
                               placeholder="e.g. Our team meets weekly but rarely looks at work")
        if st.form_submit_button("Add to the opening round", type="primary"):
            wsui.save(PAGE, vision_session.add_session_note, "opening", body, who, viewer=me,
                      done="Added to the opening round.", clear=("opening_who", "opening_body"))
    vui.note_bullets(db, ["opening"],
                     empty="Nothing shared yet: go round the group and note what each person says.")
    vui.remove_note(PAGE, db, ["opening"], me, key="opening_remove")
    vui.consensus(PAGE, db, "setup", me)

# 2. Where we are: notice and wonder, then the definition (2D) ------------------------------
with tabs[1]:
    st.markdown(
        "**Where we are: note what the group notices and wonders about collaboration here "
        "today, then write what collaborative planning means at your school and agree on it.**"
    )
    for column, kind, button, empty in zip(
        st.columns(2), ("notice", "wonder"), ("Add what we notice", "Add what we wonder"),
        ("Nothing noticed yet: ask each person first.", "No questions yet: ask what people wonder."),
        strict=True,
    ):
        with column:
            with st.form(f"{kind}_add"):
                body = safe.text_input(st, vision_session.NOTE_KINDS[kind], key=f"{kind}_body")
                if st.form_submit_button(button, type="primary"):
                    wsui.save(PAGE, vision_session.add_session_note, kind, body, viewer=me,
                              done="Note added.", clear=(f"{kind}_body",))
            vui.note_bullets(db, [kind], empty=empty)
    vui.remove_note(PAGE, db, ["notice", "wonder"], me, key="notice_wonder_remove")

    st.markdown("**Our definition of collaborative planning**")
    current = vision.vision(db)
    vui.prepare_box("definition_text", current["definition"])
    vui.fill_button("Start from the guide's definition", "definition_text",
                    vision_starts.GUIDE_DEFINITION, button_key="fill_definition")
    st.caption("Fills the box with the guide's definition for the group to rewrite in its own "
               "words. Nothing is saved until you press Save the definition.")
    with st.form("definition"):
        definition = vui.box(st, "Our definition of collaborative planning", "definition_text",
                             placeholder="Collaborative planning is teachers working together to …")
        if st.form_submit_button("Save the definition", type="primary"):
            wsui.save(PAGE, vision.save_vision, definition=definition, done="Definition saved.",
                      clear=("definition_text",))
    vui.unsaved_note("definition_text", current["definition"])
    vui.consensus(PAGE, db, "where", me)

# 3. The seven criteria for success --------------------------------------------------------
with tabs[2]:
    st.markdown("**Rate each of the seven criteria for success as it is at your school today.**")
    ratings = vision.criteria_ratings(db)
    rated = int(ratings["rating"].notna().sum())
    st.markdown(f"**Criteria for success: {rated} of {len(ratings)} criteria rated**")
    rating_keys = list(vision.RATINGS)
    with st.form("criteria"):
        chosen: dict[str, tuple[str | None, str]] = {}
        for row in ratings.itertuples():
            st.markdown(f"**{row.label}**")
            left, right = st.columns([3, 2])
            pick = left.radio(
                row.label,
                rating_keys,
                index=rating_keys.index(row.rating) if row.rating in rating_keys else None,
                format_func=vision.RATINGS.get,
                horizontal=True,
                key=f"rating_{row.criterion}",
                label_visibility="collapsed",
            )
            note = safe.text_input(
                right,
                "Notes",
                value=row.notes or "",
                key=f"rating_note_{row.criterion}",
                placeholder="What makes you say so?",
                label_visibility="collapsed",
            )
            chosen[row.criterion] = (pick, note)
        if st.form_submit_button("Save the ratings", type="primary"):

            def save_all(database, picks):
                for key, (pick, note) in picks.items():
                    if pick is not None or note.strip():
                        vision.rate_criterion(database, key, pick, note)

            wsui.save(PAGE, save_all, chosen, done="Ratings saved.")
    if rated:
        st.plotly_chart(charts.criteria_ratings_chart(ratings), key="criteria_chart")
    vui.consensus(PAGE, db, "criteria", me)

# 4. Brainstorm and themes ------------------------------------------------------------------
with tabs[3]:
    st.markdown(
        "**Brainstorm: what collaborative planning is, is not, and what matters most. Then tag "
        "each note with a theme or two and see which themes come up most.**"
    )
    with st.form("note_add", clear_on_submit=True):
        kind = st.radio(
            "Column",
            list(vision.BRAINSTORM_KINDS),
            format_func=vision.BRAINSTORM_KINDS.get,
            horizontal=True,
        )
        body = safe.text_input(st, "The note", placeholder="e.g. Looking at student work together")
        themes = safe.text_input(
            st,
            "Themes (optional, separated by commas)", placeholder="e.g. student work, trust"
        )
        if st.form_submit_button("Add the note", type="primary"):
            wsui.save(PAGE, vision.add_note, kind, body, themes, done="Note added.")
    all_notes = vision.notes(db)
    if all_notes.empty:
        st.info("No notes yet: add what each person thinks collaborative planning is and is not.")
    else:
        for column, (kind, title) in zip(st.columns(3), vision.BRAINSTORM_KINDS.items(), strict=True):
            with column:
                st.markdown(f"**{title}**")
                for note in all_notes[all_notes["kind"] == kind].itertuples():
                    tags = (
                        f"  \n:blue[{safe.md(', '.join(note.themes))}]"
                        if note.themes
                        else "  \n:gray[no theme yet]"
                    )
                    st.markdown(f"- {safe.md(note.body)}{tags}")
        labels = wsui.option_label(all_notes, "id", "body")
        untagged = sum(1 for t in all_notes["themes"] if not t)
        st.markdown(f"**Tag a note** ({untagged} without a theme)")
        with st.form("note_tag"):
            pick = st.selectbox("Note", list(labels), format_func=labels.get, key="tag_pick")
            tags = safe.text_input(
                st,
                "Themes (separated by commas; replaces the note's themes)", key="tag_text"
            )
            left, right = st.columns(2)
            if left.form_submit_button("Save the themes", type="primary"):
                wsui.save(PAGE, vision.tag_note, pick, tags, done="Themes saved.")
            if right.form_submit_button("Delete this note"):
                wsui.delete(PAGE, vision.delete_note, pick, name=labels.get(pick))
        counts = vision.theme_counts(db)
        if counts.empty:
            st.info("Tag notes with themes to see which themes come up most.")
        else:
            st.plotly_chart(charts.theme_counts_chart(counts), key="themes_chart")
            present.table(
                counts.rename(columns={"theme": "Theme", "notes": "Notes", **vision.BRAINSTORM_KINDS}),
                hide_index=True,
            )
    vui.consensus(PAGE, db, "brainstorm", me)

# 5. Individual drafts checked against the six criteria -------------------------------------
with tabs[4]:
    st.markdown(
        "**Each person drafts a vision statement. Check each draft against the six criteria of "
        "a good vision statement, and tick the ones the group agrees it meets.**"
    )
    st.caption(
        "The word cues below are only prompts: the app looks for words that often go with each "
        "criterion. It does not understand the statement; the group's ticks decide."
    )
    vui.prepare_box("draft_body", None)
    vui.fill_button("Start from the sample statement", "draft_body",
                    vision_starts.SAMPLE_STATEMENT, button_key="fill_draft")
    with st.form("draft_add"):
        author = safe.text_input(st, "Written by", limit=safe.NAME_LIMIT, key="draft_author",
                                 placeholder="e.g. Mr. Okafor")
        body = vui.box(st, "Draft vision statement", "draft_body", placeholder="Together we will …")
        if st.form_submit_button("Add the draft", type="primary"):
            wsui.save(PAGE, vision.add_draft, body, author, done="Draft added: check it below.",
                      clear=("draft_body", "draft_author"))
    vui.unsaved_note("draft_body", None)
    all_drafts = vision.drafts(db)
    if all_drafts.empty:
        st.info("No drafts yet: add one above, then check it against the criteria.")
    for draft in all_drafts.itertuples():
        with st.expander(
            f"{safe.md(draft.author) or 'Draft'}: {draft.met} of {len(vision.STATEMENT_CRITERIA)} criteria met",
            expanded=len(all_drafts) <= 2,
        ):
            st.markdown(f"> {safe.md(draft.body)}")
            checks = vision.draft_checks(db, int(draft.id))
            with st.form(f"draft_{draft.id}"):
                ticks = []
                for check in checks:
                    if st.checkbox(
                        f"{check.label}: {check.question}",
                        value=check.ticked,
                        key=f"tick_{draft.id}_{check.key}",
                    ):
                        ticks.append(check.key)
                    st.caption(check.explanation)
                left, right = st.columns(2)
                if left.form_submit_button("Save the ticks", type="primary"):
                    wsui.save(PAGE, vision.update_draft, int(draft.id), draft.body, draft.author,
                              ticks, done="Ticks saved.")
                if right.form_submit_button("Delete this draft"):
                    wsui.delete(PAGE, vision.delete_draft, int(draft.id))
    vui.consensus(PAGE, db, "drafts", me)

# 6. The agreed statement (6E) --------------------------------------------------------------
with tabs[5]:
    st.markdown(
        "**Synthesise the drafts into one statement the whole group agrees on.** Start from a "
        "draft or the sample statement, rewrite it together, save it, then mark the agreement."
    )
    current = vision.vision(db)
    vui.prepare_box("statement_text", current["statement"])
    starts = {
        f"draft_{d.id}": (f"{d.author or 'A draft'}: {d.met} of "
                          f"{len(vision.STATEMENT_CRITERIA)} criteria met", d.body)
        for d in vision.drafts(db).sort_values("met", ascending=False, kind="stable").itertuples()
    }
    starts["sample"] = ("The sample statement", vision_starts.SAMPLE_STATEMENT)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    start = left.selectbox("Start from", list(starts), format_func=lambda k: starts[k][0],
                           key="statement_start")
    with right:
        vui.fill_button("Put it in the box", "statement_text", starts[start][1],
                        button_key="fill_statement")
    with st.form("statement"):
        statement = vui.box(st, "Our vision statement", "statement_text")
        if st.form_submit_button("Save the statement", type="primary"):
            wsui.save(PAGE, vision.save_vision, statement=statement,
                      done="Vision statement saved.", clear=("statement_text",))
    vui.unsaved_note("statement_text", current["statement"])
    if current["statement"]:
        st.markdown("**How the saved statement reads against the criteria** (word cues only)")
        for check in vision.check_statement(
            current["statement"], [], vision.school_name(db), vision.shared_values(db)["name"].tolist()
        ):
            st.caption(
                f"{check.label}: " + (safe.md(", ".join(check.cues)) if check.cues else "no word cues")
            )
    vui.consensus(PAGE, db, "statement", me)

# 7. Shared values (7D) ---------------------------------------------------------------------
with tabs[6]:
    st.markdown("**Name the values the group holds in common, with what each means here.**")
    values = vision.shared_values(db)
    named = {str(n).casefold() for n in values["name"]}
    with st.expander("Start from sample values: tick the ones to add and edit their words",
                     expanded=values.empty), st.form("value_samples"):
        picked = []
        for n, (sample, meaning) in enumerate(vision_starts.SAMPLE_VALUES):
            tick, name_cell, meaning_cell = st.columns([1, 2, 5], vertical_alignment="bottom")
            already = sample.casefold() in named
            add = tick.checkbox("Add", key=f"sample_pick_{n}", disabled=already,
                                help="Already in your list" if already else None)
            edited_name = safe.text_input(name_cell, "Value", value=sample, limit=safe.NAME_LIMIT,
                                          key=f"sample_name_{n}")
            edited_meaning = safe.text_input(meaning_cell, "What it means here", value=meaning,
                                             key=f"sample_meaning_{n}")
            if add:
                picked.append((edited_name, edited_meaning))
        if st.form_submit_button("Add the ticked values", type="primary"):
            wsui.save(PAGE, vision_session.add_values, picked, viewer=me,
                      done=f"{text.count(len(picked), 'value')} added.",
                      clear=tuple(f"sample_pick_{n}" for n in range(len(vision_starts.SAMPLE_VALUES))))
    with st.form("value_add", clear_on_submit=True):
        left, right = st.columns([1, 2])
        value_name = safe.text_input(left, "Value", limit=safe.NAME_LIMIT, placeholder="e.g. Trust")
        meaning = safe.text_input(
            right,
            "What it means here", placeholder="e.g. We can say what is not working."
        )
        if st.form_submit_button("Add the value", type="primary"):
            wsui.save(PAGE, vision.add_value, value_name, meaning, done="Value added.")
    if values.empty:
        st.info("No shared values yet: name two or three the group holds in common.")
    else:
        wsui.table_with_remove(
            PAGE, values, {"name": "Value", "meaning": "Meaning"}, key="value_remove",
            prompt="Remove a value", label_column="name", remove=vision.delete_value,
        )
    vui.consensus(PAGE, db, "values", me)

# 8. Communication plan ----------------------------------------------------------------------
with tabs[7]:
    st.markdown(
        "**Plan how the vision and values reach everyone: at least three times, in at least "
        "three different ways.**"
    )
    check = vision.check_communication(db)
    (st.success if check.ok else st.warning)(safe.md(check.message))
    # cleared only once saved: a refused entry keeps what was typed and the status picked
    with st.form("communication_add"):
        c1, c2, c3, c4 = st.columns(4)
        when = c1.date_input("When", value=dt.date.today())
        way = safe.text_input(c2, "How", placeholder="e.g. Staff meeting, newsletter, hallway display",
                            key="communication_way")
        audience = safe.text_input(c3, "Who hears it", placeholder="e.g. All staff, families",
                                 key="communication_audience")
        status = c4.selectbox("Status", ["planned", "done"], key="communication_status")
        if st.form_submit_button("Add to the plan", type="primary"):
            wsui.save(
                PAGE, vision.add_communication, when, way, audience, status, done="Added to the plan.",
                clear=("communication_way", "communication_audience"),
            )
    plan = vision.communication_plan(db)
    if plan.empty:
        st.info("Nothing planned yet: add the first time you will share the vision.")
    else:
        present.table(
            text.table(plan, {"planned_on": "When", "way": "How", "audience": "Who hears it"},
                       columns=["planned_on", "way", "audience", "status"], none="not set"),
            hide_index=True,
        )
        labels = wsui.option_label(plan, "id", "label")
        with st.form("communication_edit"):
            pick = st.selectbox("Step", list(labels), format_func=labels.get)
            left, mid, right = st.columns(3)
            if left.form_submit_button("Mark done", type="primary"):
                wsui.save(PAGE, vision.set_communication_status, pick, "done", done="Marked done.")
            if mid.form_submit_button("Mark planned"):
                wsui.save(
                    PAGE, vision.set_communication_status, pick, "planned", done="Marked planned."
                )
            if right.form_submit_button("Delete"):
                wsui.delete(PAGE, vision.delete_communication, pick, name=labels.get(pick))
    vui.consensus(PAGE, db, "share", me)

with tabs[8]:
    wsui.summary(db, "Vision and values", "vision-and-values")
