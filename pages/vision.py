"""Vision & values: the leadership team's guided visioning for collaborative planning."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from collabplan import charts, text, ui
from collabplan.ui import present, safe
from collabplan.ui import workspace as wsui
from collabplan.workspace import vision

ui.page_setup()

PAGE = "vision"
db = ui.get_db()

st.title("Vision & values")
st.caption(
    "A guided session for the leadership team: who takes part, where you are today, what "
    "collaborative planning means here, a shared vision statement, your values, and how you "
    "will share them. Work through the numbered tabs; everything saves as you go."
)
wsui.progress(vision.vision_progress(db))
wsui.flash(PAGE)

tabs = st.tabs(
    [
        "1 · Who takes part",
        "2 · Where we are",
        "3 · Brainstorm",
        "4 · Vision drafts",
        "5 · Agreed vision & values",
        "6 · Share it",
        "Summary",
    ]
)

# 1. Stakeholders ----------------------------------------------------------------------------
with tabs[0]:
    st.markdown("**Name everyone taking part in the visioning, and their role.**")
    people = vision.stakeholders(db)
    # cleared only once saved: a refused entry keeps the name typed and the role picked
    with st.form("stakeholder_add"):
        left, right = st.columns(2)
        name = safe.text_input(left, "Name", placeholder="e.g. Ms. Chen", limit=safe.NAME_LIMIT, key="stakeholder_name")
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

# 2. Definition and the seven criteria ------------------------------------------------------
with tabs[1]:
    st.markdown(
        "**Write what collaborative planning means at your school, then rate each of the seven "
        "criteria for success as it is today.**"
    )
    current = vision.vision(db)
    with st.form("definition"):
        definition = safe.text_area(
            st,
            "Our definition of collaborative planning",
            value=current["definition"] or "",
            placeholder="Collaborative planning is teachers working together to …",
        )
        if st.form_submit_button("Save the definition", type="primary"):
            wsui.save(PAGE, vision.save_vision, definition=definition, done="Definition saved.")

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

# 3. Brainstorm and themes ------------------------------------------------------------------
with tabs[2]:
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

# 4. Vision statement drafts ---------------------------------------------------------------
with tabs[3]:
    st.markdown(
        "**Each person drafts a vision statement. Check each draft against the six criteria of "
        "a good vision statement, and tick the ones the group agrees it meets.**"
    )
    st.caption(
        "The word cues below are only prompts: the app looks for words that often go with each "
        "criterion. It does not understand the statement; the group's ticks decide."
    )
    with st.form("draft_add", clear_on_submit=True):
        author = safe.text_input(st, "Written by", limit=safe.NAME_LIMIT, placeholder="e.g. Mr. Okafor")
        body = safe.text_area(st, "Draft vision statement", placeholder="Together we will …")
        if st.form_submit_button("Add the draft", type="primary"):
            wsui.save(PAGE, vision.add_draft, body, author, done="Draft added: check it below.")
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
                    wsui.save(
                        PAGE,
                        vision.update_draft,
                        int(draft.id),
                        draft.body,
                        draft.author,
                        ticks,
                        done="Ticks saved.",
                    )
                if right.form_submit_button("Delete this draft"):
                    wsui.delete(PAGE, vision.delete_draft, int(draft.id))

# 5. Agreed statement and shared values -----------------------------------------------------
with tabs[4]:
    st.markdown(
        "**Synthesise the drafts into one statement the whole group agrees on, then name your "
        "shared values.**"
    )
    current = vision.vision(db)
    with st.form("statement"):
        statement = safe.text_area(st, "Our vision statement", value=current["statement"] or "")
        agreed_on = st.date_input("Agreed on", value=current["agreed_on"] or dt.date.today())
        if st.form_submit_button("Save the agreed statement", type="primary"):
            wsui.save(
                PAGE,
                vision.save_vision,
                statement=statement,
                agreed_on=agreed_on,
                done="Vision statement saved.",
            )
    if current["statement"]:
        st.markdown("**How the agreed statement reads against the criteria** (word cues only)")
        for check in vision.check_statement(
            current["statement"], [], vision.school_name(db), vision.shared_values(db)["name"].tolist()
        ):
            st.caption(
                f"{check.label}: " + (safe.md(", ".join(check.cues)) if check.cues else "no word cues")
            )

    st.markdown("**Shared values**")
    with st.form("value_add", clear_on_submit=True):
        left, right = st.columns([1, 2])
        value_name = safe.text_input(left, "Value", limit=safe.NAME_LIMIT, placeholder="e.g. Trust")
        meaning = safe.text_input(
            right,
            "What it means here", placeholder="e.g. We can say what is not working."
        )
        if st.form_submit_button("Add the value", type="primary"):
            wsui.save(PAGE, vision.add_value, value_name, meaning, done="Value added.")
    values = vision.shared_values(db)
    if values.empty:
        st.info("No shared values yet: name two or three the group holds in common.")
    else:
        wsui.table_with_remove(
            PAGE, values, {"name": "Value", "meaning": "Meaning"}, key="value_remove",
            prompt="Remove a value", label_column="name", remove=vision.delete_value,
        )

# 6. Communication plan ----------------------------------------------------------------------
with tabs[5]:
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

with tabs[6]:
    wsui.summary(db, "Vision and values", "vision-and-values")
