"""People & audit log (leaders only): who may sign in with which role and teams, and the log
of who did what (docs/signin.md, docs/security.md "Sign-in and roles")."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from collabplan import audit, exports, overview, people, text, ui
from collabplan.access import ROLES
from collabplan.errors import UserError
from collabplan.ui import present, safe, signin
from collabplan.ui.cache import cached

ui.page_setup()
viewer = ui.viewer()
signin.require_leader(viewer, "People & audit log")

db = ui.get_db()
team_names = cached(overview.team_names)
list_people = cached(people.list_people)
full_log = cached(audit.full_log)
who = signin.audit_who(viewer)

#: Session keys: the person last removed (for Undo) and the one picked for changes.
REMOVED_KEY = "people_removed"
PICK_KEY = "people_pick"
ROLE_HELP = ("leader: the whole school, people and the audit log · coach: every team's "
             "aggregates and goals, no student lists · teacher: their teams' students")

st.title("People & audit log")
if viewer.local:
    st.caption("Sign-in is off: collabplan runs for this computer only. This list is used once "
               "sign-in is set up (docs/signin.md).")
else:
    st.caption("Only the people listed here can sign in. " + ROLE_HELP + ".")


def _done(message: str) -> None:
    ui.after_write()
    signin.forget()  # this session's own role is read again
    st.toast(message, icon=":material/check:")


# -- undo of the last removal ---------------------------------------------------------------
removed = st.session_state.get(REMOVED_KEY)
if removed is not None:
    with st.container(border=True):
        line, undo_col = st.columns([5, 1])
        line.info(f"Removed **{safe.md(removed.email)}** ({removed.role}).", icon=":material/person_remove:")
        if undo_col.button("Undo", key="people_undo", icon=":material/undo:"):
            try:
                people.restore(db, removed, who=who)
            except UserError as exc:
                st.error(safe.md(exc))
            else:
                st.session_state.pop(REMOVED_KEY, None)
                _done(f"{removed.email} is back")
                st.rerun()

# -- add -----------------------------------------------------------------------------------
teams = team_names()
# A refused add keeps what was typed (to fix the one mistake); a new, empty form after each
# person added (a new form number gives every box a new key).
form_no = st.session_state.get("people_add_form", 0)
if (added_line := st.session_state.pop("people_added", None)) is not None:
    _done(added_line)
with st.form(f"people_add_{form_no}", enter_to_submit=True):
    st.markdown("**Add a person**")
    c1, c2, c3 = st.columns([3, 1, 2])
    email = safe.text_input(c1, "School email", placeholder="name@school.org",
                            key=f"people_email_{form_no}")
    role = c2.selectbox("Role", ROLES, index=ROLES.index("teacher"), help=ROLE_HELP,
                        key=f"people_role_{form_no}")
    name = safe.text_input(c3, "Name (optional)", limit=safe.NAME_LIMIT, key=f"people_name_{form_no}")
    chosen = st.multiselect("Teams (teachers see these teams' students)", teams,
                            key=f"people_teams_{form_no}")
    if st.form_submit_button("Add", type="primary", icon=":material/person_add:"):
        try:
            added = people.add(db, email, role, name=name, teams=chosen, who=who)
        except UserError as exc:
            st.error(safe.md(exc))
        else:
            st.session_state["people_add_form"] = form_no + 1
            st.session_state["people_added"] = f"Added {added.email} as {added.role}"
            st.rerun()

# -- the list ------------------------------------------------------------------------------
everyone = list_people()
if not everyone:
    st.info("No one yet. Add the first leader above (whoever runs the server can add one too: "
            "the sign-in guide in the documentation says how).", icon=":material/group_add:")
else:
    present.table(
        [{"email": p.email, "name": p.name or "", "role": p.role, "teams": ", ".join(p.teams),
          "added": p.added_at, "added by": p.added_by or ""} for p in everyone],
        hide_index=True, width="stretch",
        column_config={"added": st.column_config.DatetimeColumn("added", format="YYYY-MM-DD HH:mm")},
    )
    emails = [p.email for p in everyone]
    if st.session_state.get(PICK_KEY) not in emails:
        st.session_state.pop(PICK_KEY, None)
    picked = st.selectbox("Change or remove", emails, key=PICK_KEY, index=None,
                          placeholder="choose a person")
    person = next((p for p in everyone if p.email == picked), None)
    if person is not None:
        with st.form("people_change", enter_to_submit=True):
            c1, c2 = st.columns([1, 2])
            new_role = c1.selectbox("Role", ROLES, index=ROLES.index(person.role), help=ROLE_HELP)
            new_name = safe.text_input(c2, "Name", value=person.name or "", limit=safe.NAME_LIMIT)
            new_teams = st.multiselect("Teams", teams, default=[t for t in person.teams if t in teams])
            save, drop, _ = st.columns([1, 1, 3])
            saved = save.form_submit_button("Save changes", type="primary", icon=":material/save:")
            dropped = drop.form_submit_button("Remove", icon=":material/person_remove:")
        if saved:
            try:
                people.update(db, person.email, role=new_role, name=new_name, teams=new_teams, who=who)
            except UserError as exc:
                st.error(safe.md(exc))
            else:
                _done(f"Saved {person.email}")
                st.rerun()
        if dropped:
            try:
                gone = people.remove(db, person.email, who=who)
            except UserError as exc:
                st.error(safe.md(exc))
            else:
                st.session_state[REMOVED_KEY] = gone
                _done(f"Removed {gone.email}")
                st.rerun()

# -- the audit log -------------------------------------------------------------------------
st.subheader("Audit log")
st.caption("Every sign-in, upload, undo, deletion, export and change of people, with who and "
           "when; with sign-in, also who looked at a student list. Nothing here can be edited.")
log = full_log()
if log.empty:
    st.caption("Nothing recorded yet.")
else:
    shown = log.iloc[::-1]
    present.table(text.table(shown.head(500), {"happened_at": "When", "who": "Who",
                                               "action": "What", "detail": "Detail"},
                             formats={"happened_at": text.when}),
                  hide_index=True, width="stretch")
    if len(shown) > 500:
        st.caption(f"The latest 500 of {len(shown):,} rows; the download has them all.")
    today = dt.date.today().isoformat()
    frame = log.rename(columns={"happened_at": "when", "action": "what"})

    def _log_export(kind: str) -> None:
        audit.record(db, who, "export", f"audit log ({kind}), {len(frame)} row{'s' if len(frame) != 1 else ''}")
        ui.after_write()

    c1, c2, _ = st.columns([1, 1, 3])
    c1.download_button("Download csv", lambda: exports.to_csv_bytes(frame),
                       file_name=f"collabplan-audit-{today}.csv", mime="text/csv",
                       icon=":material/download:", key="audit_csv",
                       on_click=_log_export, args=("csv",))
    c2.download_button("Download xlsx", lambda: exports.to_xlsx_bytes({"Audit log": frame}),
                       file_name=f"collabplan-audit-{today}.xlsx", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="audit_xlsx", on_click=_log_export, args=("xlsx",))
