"""Streamlit pieces shared by the goal pages: which team is acting, which goal is open,
cached reads, the SMART list and the empty states.

Session state holds ids only (the open goal, the acting team, the draft being refined).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from collabplan import text, ui
from collabplan.access import Viewer
from collabplan.errors import UserError
from collabplan.goals import (
    actions,
    advice,
    agreed,
    baseline,
    board,
    feedback,
    impact,
    lookups,
    model,
    priorities,
    progress,
    statement,
)
from collabplan.ui import safe
from collabplan.ui.cache import cached
from collabplan.ui.choices import remembered_select
from collabplan.ui.home import page_link

#: Session keys (ids only).
GOAL_KEY = "goal_open_id"  # the goal open on Goal & actions
DRAFT_KEY = "goal_draft_id"  # the goal being refined on Draft a goal
TEAM_KEY = "goal_acting_team"  # the team making changes / giving feedback
ADOPTED_KEY = "goal_board_adopted"  # the action just adopted on the board (ids and its words)

NO_DATA = "No results yet: upload a file on **Upload results** or load the demo school on **Home**."

list_teams = cached(lookups.list_teams)
list_priorities = cached(priorities.list_priorities)
list_assessments = cached(lookups.list_assessments)
board_cards = cached(board.board_cards)
card_actions = cached(board.card_actions)
goal_progress = cached(progress.goal_progress)
get_goal = cached(model.get_goal)
goal_history = cached(model.goal_history)
history_rows = cached(model.history_rows)
list_actions = cached(actions.list_actions)
team_actions = cached(actions.team_actions)
list_feedback = cached(feedback.list_feedback)
skills_of = cached(lookups.skills_of)
skills_by_need = cached(lookups.skills_by_need)
default_team_for = cached(lookups.default_team_for)
population_choices = cached(lookups.population_choices)
administrations_scoring = cached(lookups.administrations_scoring)
baseline_chart_data = cached(baseline.baseline_chart_data)
list_goals = cached(model.list_goals)


def _smart_for(db: Any, goal_id: int, viewer: Viewer, today: dt.date | None = None
               ) -> list[advice.SmartItem]:
    """The SMART check as of ``today`` (part of the cache key: a new day, a new answer)."""
    return advice.smart_check(db, model.get_goal(db, goal_id), viewer=viewer, today=today)


def _suggestions_for(db: Any, goal_id: int, viewer: Viewer, today: dt.date | None = None
                     ) -> list[advice.Suggestion]:
    """Suggested targets and dates as of ``today`` (see _smart_for)."""
    try:
        return advice.suggestions(db, model.get_goal(db, goal_id), viewer=viewer, today=today)
    except ValueError:
        return []  # the baseline no longer holds (its upload was undone): nothing to suggest


def _statement_for(db: Any, goal_id: int, viewer: Viewer) -> str:
    return statement.goal_statement(db, model.get_goal(db, goal_id), viewer=viewer)


def _gap_rows(db: Any, priority: str | None, include_drafts: bool, viewer: Viewer) -> Any:
    """The gap-closed chart's rows (the progress overview), for one priority or all."""
    overview, _ = progress.goal_overview(db, include_drafts=include_drafts, viewer=viewer)
    if priority is not None and not overview.empty:
        overview = overview[overview["priority"] == priority]
    return progress.gap_summary(overview)


gap_rows = cached(_gap_rows)
smart_for = cached(_smart_for)
suggestions_for = cached(_suggestions_for)
statement_for = cached(_statement_for)


def no_data() -> None:
    st.info(NO_DATA, icon=":material/upload_file:")
    page_link("upload.py", "Upload results", icon=":material/upload_file:")
    page_link("home.py", "Home", icon=":material/home:")


def no_goals() -> None:
    st.info(
        "No goals yet. Start one on **Draft a goal**, or from a lagging skill on **Data review** "
        "(the *Start a goal* button under the skill chart).",
        icon=":material/flag:",
    )
    page_link("goal_draft.py", "Draft a goal", icon=":material/edit_note:")
    page_link("review.py", "Data review", icon=":material/insights:")


def acting_team(label: str = "Your team", default: int | None = None, exclude: int | None = None,
                key: str = TEAM_KEY, container: Any = None,
                viewer: Viewer | None = None) -> int | None:
    """A select box of the teams ``viewer`` may act for (a teacher: their own; a coach:
    none); the choice is kept across pages (in ``key``, an id). None when there are no
    teams. ``default`` is shown until the person picks a team."""
    viewer = viewer or ui.viewer()
    teams = list_teams()
    ids = [int(i) for i in teams["id"] if (exclude is None or int(i) != exclude)
           and viewer.can_edit_team(int(i))]
    if default is not None and default not in ids:
        default = None
    names = dict(zip(teams["id"].astype(int), teams["name"], strict=True))
    return remembered_select(label, ids, key=f"{key}_widget_{exclude}", store=key,
                             default=default, format_func=names.get, container=container)


def open_goal(goal_id: int, page: str = "pages/goal_detail.py") -> None:
    st.session_state[GOAL_KEY] = int(goal_id)
    st.switch_page(page)


def goal_picker(label: str = "Goal", statuses: tuple[str, ...] | None = None,
                key: str = "goal_detail_pick") -> int | None:
    """Choose a goal, remembered in GOAL_KEY (an id); None when there is none.

    ``?goal=ID`` in the address opens that goal, and the address follows the pick.
    """
    found = [g for g in list_goals() if statuses is None or g.status in statuses]
    ids = [g.id for g in found]
    names = {
        g.id: f"{g.team}: {g.skill} ({text.describe_population(g.population)}) · "
        f"{model.LIFECYCLE_LABELS[g.status]}"
        for g in found
    }
    return remembered_select(label, ids, key=key, store=GOAL_KEY, default=ids[-1] if ids else None,
                             format_func=names.get, query_param="goal")


def show_smart(items: list[advice.SmartItem]) -> None:
    """Each SMART item met or not, with why: an icon and words, never colour alone."""
    for item in items:
        icon = ":material/check_circle:" if item.met else ":material/cancel:"
        word = "met" if item.met else "not yet"
        st.markdown(f"{icon} **{item.name}** ({word}): {safe.md(item.why)}")


def show_refusal(exc: Exception) -> None:
    st.error(safe.md(str(exc).rstrip(".") + "."), icon=":material/block:")


def value_text(point: Any) -> str:
    """A point's value, or "fewer than 10 students" when the group is too small to show."""
    return progress.point_text(point)


def baseline_choice(db: Any, prog: Any, by_team_id: int | None, key: str,
                    viewer: Viewer | None = None, team_id: int | None = None) -> bool:
    """Both baselines of a posted goal whose data moved, and the team's two choices.

    Shows nothing when today's data gives the agreed baseline; a caption once the team kept
    it; otherwise a notice with *Accept the new baseline* and *Keep the agreed baseline*
    (each kept in the goal's history). True when a choice was written (the page reruns).
    Only the goal's team (``team_id``) and leaders see the two choices.
    """
    viewer = viewer or ui.viewer()
    words = agreed.notice_text(prog)
    if not words:
        return False
    if not prog.baseline_notice or (team_id is not None and not viewer.can_edit_team(team_id)):
        st.caption(safe.md(words + "."))
        return False
    st.warning(safe.md(words) + ". Accept the new baseline (a revision, kept in the history) or keep "
               "the agreed one.", icon=":material/published_with_changes:")
    accept, keep = st.columns(2)
    choice = None
    if accept.button("Accept the new baseline", key=f"{key}_accept_{prog.goal_id}"):
        choice = agreed.accept_new_baseline
    if keep.button("Keep the agreed baseline", key=f"{key}_keep_{prog.goal_id}"):
        choice = agreed.keep_agreed_baseline
    if choice is None:
        return False
    try:
        choice(db, prog.goal_id, by_team_id=by_team_id, viewer=viewer)
    except UserError as exc:
        show_refusal(exc)
        return False
    ui.after_write()
    st.rerun()
    return True


_PREVIEWS = "upload_baseline_previews"


def upload_baseline_notice(db: Any, prepared: Any, mapping_text: str = "",
                           viewer: Viewer | None = None) -> str:
    """The upload preview's warning: "This file changes the baseline of 1 posted goal: ...".

    Computed by writing the upload in a transaction that is rolled back (the exact numbers
    the import would give); remembered per file, mapping and database version so a rerun
    does not write it again. Empty when no posted goal's baseline would change.
    """
    viewer = viewer or ui.viewer()
    key = (prepared.sha256, mapping_text, db.version, viewer)
    memo = st.session_state.setdefault(_PREVIEWS, {})
    if key not in memo:
        for old in [k for k in memo if k[2] != db.version]:
            del memo[old]  # only the current version's answers are read again
        try:
            memo[key] = impact.changes_text(impact.upload_baseline_changes(db, prepared,
                                                                             viewer=viewer))
        except UserError:
            memo[key] = ""  # the file cannot be written: the import says why, not the preview
    return memo[key]


def _undo_goals_text(db: Any, upload_id: int) -> str:
    return impact.undo_warning(impact.goals_using_upload(db, upload_id))


#: "Undoing this removes the baseline of 1 posted goal: ..." (empty when no posted goal uses it).
undo_goals_text = cached(_undo_goals_text)
