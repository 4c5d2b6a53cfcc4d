"""Upload results: drop files, check how they are read, import them, undo an import."""

from __future__ import annotations

import streamlit as st

from collabplan import audit, disclosure, overview, text, ui
from collabplan.errors import UserError
from collabplan.ingest import load, parser
from collabplan.ingest.mapping import presets
from collabplan.ui import filters as review_filters
from collabplan.ui import goals as gui
from collabplan.ui import (
    mapping_form,
    present,
    safe,
    signin,
    upload_check,
    upload_layout,
    upload_memo,
)
from collabplan.ui import upload as up
from collabplan.ui.cache import cached
from collabplan.ui.choices import remembered_select

ui.page_setup()

db = ui.get_db()
me = ui.viewer()
projection = me.projection
list_uploads = cached(load.list_uploads)
saved_mappings = cached(load.saved_mappings)
team_names = cached(overview.team_names)

st.title("Upload results")
st.caption(
    "Drop your assessment exports or your team's tracker (xlsx or csv). Nothing is saved until you "
    "press Import, and every import can be undone below."
)

if me.role == "coach":
    st.info("Each team's teachers and the school's leaders upload results: a file holds its "
            "students' names and scores.", icon=":material/lock:")
    st.stop()
#: The teams this person uploads for and whose history they see (None: every team).
my_teams = None
if me.team_scope is not None:
    teams = gui.list_teams()
    my_teams = [str(n) for i, n in zip(teams["id"], teams["name"], strict=True)
                if me.can_edit_team(int(i))]

if st.session_state.get(up.UNDONE_KEY):
    st.success(safe.md(st.session_state.pop(up.UNDONE_KEY)), icon=":material/undo:")

round_ = st.session_state.setdefault("upload_round", 0)
uploaded = st.file_uploader(
    "Result files",
    type=up.UPLOAD_TYPES,
    accept_multiple_files=True,
    key=f"upload_files_{round_}",
    help="Several files can go together, e.g. the NWEA AssessmentResults and StudentsBySchool files.",
)
if uploaded:  # new files: the last import's results are old news
    st.session_state.pop(up.RESULTS_KEY, None)

for record in st.session_state.get(up.RESULTS_KEY, []):
    if record.get("duplicate"):
        st.info(safe.md(up.result_line(record)), icon=":material/content_copy:")
    else:
        st.success(safe.md(up.result_line(record)), icon=":material/check_circle:")
    for warning in upload_check.shown_warnings(record.get("warnings", []), projection):
        st.warning(safe.md(f"{record['file_name']}: {warning}"))
reviewed = up.reviewed_upload(st.session_state.get(up.RESULTS_KEY, []))
if reviewed is not None and st.button(
    "See our results", type="primary", icon=":material/bar_chart:", key="see_results",
    help="Open Data review on this team, assessment and testing window.",
):
    start = review_filters.opening(viewer=me, upload_id=reviewed,
                                   team_id=st.session_state.get(review_filters.ACTING_TEAM_KEY))
    if start is not None:
        review_filters.open_on(start)
    st.switch_page("pages/review.py")

upload_memo.start_sweeper()  # closed tabs' uploaded files go once their session has expired
parser.keep_spare()  # the next dropped file's reader is started and waiting (ingest/parser.py)
dropped = [(upload, upload.getvalue()) for upload in uploaded or []]
shas = [up.sha256_of(data) for _, data in dropped]
upload_memo.session_memo().keep(shas)  # what was worked out for files no longer here goes

files: list[up.FileState] = []
for i, ((upload, data), sha) in enumerate(zip(dropped, shas, strict=True)):
    f = up.read_file(data, upload.name, key=f"f{i}:{sha[:12]}", sha=sha)
    files.append(f)
    with st.container(border=True):
        st.subheader(safe.md(upload.name), divider="gray")
        if f.error:
            st.error(safe.md(f.error), icon=":material/error:")
            continue
        if f.detected is not None:
            st.markdown(f"**Layout:** {safe.md(upload_layout.detection_line(f.detection))}")
        else:
            st.warning(safe.md(f.detect_error), icon=":material/help:")

        if not projection:
            with st.expander("The file as it is (first rows)"):
                names = [s.name for s in f.sheets]
                shown = remembered_select("Sheet", names, key=f.key + ":preview") if len(names) > 1 else names[0]
                sheet = next(s for s in f.sheets if s.name == shown)
                st.dataframe(up.raw_preview(sheet))

        starts: dict[str, object] = {}
        if f.detected is not None:
            starts[f"Detected: {f.detected_label}"] = f.detected
        for name, mapping in saved_mappings().items():
            starts[f"Saved mapping: {name}"] = mapping
        for name, mapping in presets().items():
            if not mapping.tracker:
                starts[f"Preset: {mapping.label or name}"] = mapping
        if f.detected is None:
            starts = {"Start from scratch": None, **starts}

        with st.expander(safe.md(upload_layout.form_heading(f)), expanded=f.detected is None):
            start_label = remembered_select("Start from", list(starts), key=f.key + ":start")
            start = starts[start_label]
            values = mapping_form.mapping_form(f, start)
        try:
            name = getattr(start, "name", None) or "custom"
            f.mapping, changed = mapping_form.mapping_from_form(values, start, name)
            f.adjusted = changed or start is not f.detected
            f.prepared = up.prepare_with(f.data, f.name, f.mapping if f.adjusted else None, sha=f.sha,
                                         state=f)
        except UserError as exc:
            f.error = str(exc)
            st.error(safe.md(f.error), icon=":material/error:")
            continue
        except Exception as exc:  # a reader bug must not take the whole page down
            f.error = f"{f.name}: could not be read with these settings ({type(exc).__name__}: {exc})"
            st.error(safe.md(f.error), icon=":material/error:")
            continue

        if st.session_state.get(up.SAVED_KEY):
            st.success(
                f"Saved the mapping {safe.md(repr(st.session_state.pop(up.SAVED_KEY)))}: "
                "pick it under *Start from* next time."
            )
        with st.form(f.key + ":save", border=False):
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            save_as = safe.text_input(
                left,
                "Save this way of reading the file for next time, as",
                value=f.mapping.name if f.adjusted and f.mapping.name not in ("custom", "teacher_tracker") else "",
                placeholder="e.g. Grade 3 CFA tracker",
            )
            if right.form_submit_button("Save mapping"):
                if save_as.strip():
                    load.save_mapping(db, save_as.strip(), f.mapping.copy(name=save_as.strip()))
                    ui.after_write()
                    st.session_state[up.SAVED_KEY] = save_as.strip()
                    st.rerun()
                else:
                    st.warning("Give the mapping a name first.")

        report = upload_check.checked(db, f.prepared)
        st.markdown("**What would be imported** (nothing is saved yet)")
        tiles = up.report_tiles(report)
        for column, (label, value) in zip(st.columns(len(tiles)), tiles, strict=True):
            column.metric(label, value)
        if report.administrations:
            st.caption("Testing windows: " + safe.md(", ".join(report.administrations)))
        if report.skills:
            st.caption("Skills: " + safe.md(", ".join(report.skills)))
        for warning in up.report_warnings(report, projection):
            st.warning(safe.md(warning))
        if not report.ok():
            st.error(safe.md(" ".join(report.errors)) + " Nothing from this file will be imported.", icon=":material/error:")
        else:
            if report.needs_confirmation:
                f.needs_confirmation = True
                st.error(safe.md(upload_check.refusal_text(report)), icon=":material/person_alert:")
                f.update_students = st.checkbox(upload_check.CONFIRM_LABEL, key=f.key + ":same_students")
            # posted goals' baselines the file would change (as if confirmed)
            if goal_note := gui.upload_baseline_notice(db, f.prepared, f.mapping.to_toml() if f.adjusted else "", me):
                st.warning(safe.md(goal_note), icon=":material/flag:")
        if not projection:
            skipped = up.skipped_frame(report)
            if not skipped.empty:
                with st.expander(f"Skipped rows ({report.rows_skipped:,}) and why"):
                    st.dataframe(up.skip_reasons_frame(report), hide_index=True)
                    st.dataframe(skipped, hide_index=True)
            with st.expander("The scores as they will be saved (first rows)", expanded=True):
                st.dataframe(up.normalised_preview(f.prepared), hide_index=True)

if not uploaded and not st.session_state.get(up.RESULTS_KEY):
    st.info("Drop a file above to see how it will be read before anything is saved.")

ready = [f for f in files if f.prepared is not None and f.error is None and f.prepared.report.ok()]
unconfirmed = [f.name for f in ready if f.needs_confirmation and not f.update_students]
if files:
    st.subheader("Import")
    if not ready:
        st.info("Nothing can be imported yet: fix the problems shown above.")
    elif unconfirmed:
        st.info(
            f"Nothing can be imported yet: confirm the students of {safe.md(', '.join(unconfirmed))} above, "
            "or remove the file."
        )
    else:
        with st.form("import_form"):
            left, middle, right = st.columns(3)
            if my_teams is None:
                team_choice = left.selectbox("Team", [up.NONE, *team_names()])
                new_team = safe.text_input(middle, "or a new team", limit=safe.NAME_LIMIT,
                                           placeholder="e.g. Grade 3")
            else:  # a teacher uploads for one of their own teams
                team_choice = left.selectbox("Team", my_teams)
                new_team = ""
            if me.local:
                who = safe.text_input(right, "Your name", limit=safe.NAME_LIMIT, placeholder="who is importing")
            else:  # signed in: the upload is the person's account
                who = signin.audit_who(me)
                right.caption(f"Imported as {safe.md(who)}")
            label = f"Import {len(ready)} file{'s' if len(ready) != 1 else ''}"
            submitted = st.form_submit_button(label, type="primary")
        if submitted:
            team = new_team.strip() or (None if team_choice == up.NONE else team_choice)
            before = load.list_uploads(db)
            progress = up.progress_bar("Importing…")
            try:
                results = up.import_all(db, ready, team=team, who=who.strip() or None, progress=progress)
            except UserError as exc:
                st.error(safe.md(upload_check.error_text(exc, projection)), icon=":material/error:")
            else:
                audit.record_uploads(db, signin.audit_who(me, who), results)
                shas = {f.name: f.prepared.sha256 for f in ready}
                st.session_state[up.RESULTS_KEY] = [
                    up.result_record(r, before, shas.get(r.file_name)) for r in results
                ]
                st.session_state["upload_round"] = round_ + 1
                review_filters.act_for(up.upload_team(
                    db, up.reviewed_upload(st.session_state[up.RESULTS_KEY])))
                ui.after_write()
                files.clear()
                upload_memo.forget_imported(uploaded)  # the new uploader starts empty
                st.rerun()

st.subheader("Upload history")
uploads = list_uploads()
if my_teams is not None:
    uploads = uploads[uploads["team"].isin(my_teams)].reset_index(drop=True)
if uploads.empty:
    st.caption("No uploads yet.")
else:
    confirm = st.session_state.get(up.UNDO_KEY)
    r = up.upload_row(uploads, confirm) if confirm is not None else None
    if confirm is not None and r is None:
        st.session_state.pop(up.UNDO_KEY, None)
    if r is not None:
        with st.container(border=True):
            st.warning(
                f"Undo the upload of {safe.md(r['file_name'])} ({text.when(r['uploaded_at'])})? "
                f"This removes its {int(r['scores']):,} scores; other uploads are not touched. "
                + safe.md(gui.undo_goals_text(int(confirm)))
            )
            yes, no, _ = st.columns([1, 1, 4])
            if yes.button("Yes, remove it", type="primary", key="undo_yes"):
                try:
                    removed = load.delete_upload(db, int(confirm), who=signin.audit_who(me))
                except UserError as exc:
                    st.error(safe.md(exc))
                else:
                    ui.after_write()
                    st.session_state[up.UNDONE_KEY] = up.undo_line(r["file_name"], removed, int(r["scores"]))
                    st.session_state.pop(up.RESULTS_KEY, None)
                    st.session_state.pop(up.UNDO_KEY, None)
                    st.rerun()
            if no.button("Cancel", key="undo_no"):
                st.session_state.pop(up.UNDO_KEY, None)
                st.rerun()
    widths = [3, 2, 2, 2, 1, 1, 1.4]
    titles = ["File", "Team", "Who", "When", "Students", "Scores"]
    for column, title in zip(st.columns(widths)[: len(titles)], titles, strict=True):
        column.markdown(f"**{title}**")
    for _, r in uploads.head(up.HISTORY_ROWS).iterrows():
        cells = st.columns(widths, vertical_alignment="center")
        cells[0].markdown(safe.md(r["file_name"]))
        cells[1].markdown(safe.md(up.cell_text(r["team"])))
        cells[2].markdown(safe.md(up.cell_text(r["uploaded_by"])))
        cells[3].write(text.when(r["uploaded_at"]))
        cells[4].write(disclosure.count_cell(r["students"], r["students"], projection))
        cells[5].write(disclosure.count_cell(r["scores"], r["students"], projection))
        if cells[6].button("Undo", key=f"undo:{int(r['id'])}", icon=":material/undo:"):
            st.session_state[up.UNDO_KEY] = int(r["id"])
            st.rerun()
    if len(uploads) > up.HISTORY_ROWS:
        with st.expander(f"All {len(uploads):,} uploads"):
            every = disclosure.upload_counts(uploads, projection)
            present.table(every.drop(columns=[c for c in ("warnings",) if c in every.columns]),
                          hide_index=True)
