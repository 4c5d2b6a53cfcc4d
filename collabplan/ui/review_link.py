"""Open Data review on one team, assessment, testing window and skill.

The address carries the choice, ``?team=ID&assessment=ID&window=ID&skill=NAME`` (and
optionally ``grade``), so another page (the coach view) can hand a team's review over, and a
link someone shares opens the same view. :func:`apply_review_link` runs on Data review before
its filters are drawn: when the address names a team, assessment and window it has not read yet
in this session, it opens the review filters on them (``filters.open_on``: the class, teacher
and group filters are cleared) and remembers the skill. A filter the viewer may not
read (another team's, for a teacher) is simply not offered, and the filters fall back as they
always do. Session state holds ids and text only.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from collabplan.catalog import Opening
from collabplan.ui import filters

REVIEW_PAGE = "pages/review.py"
#: The address parameters, in order.
PARAMS = ("team", "assessment", "window", "skill", "grade")
#: The skill the address named, with the team, assessment and window it belongs to.
SKILL_KEY = "review_linked_skill"
#: The last address read (so a later pick in the sidebar is not undone on every rerun).
_SEEN_KEY = "review_link_seen"


def review_params(team_id: int | None, assessment_id: int, administration_id: int,
                  skill: str | None = None, grade: str | None = None) -> dict[str, str]:
    """The address parameters that open Data review on this choice."""
    params = {"assessment": str(int(assessment_id)), "window": str(int(administration_id))}
    if team_id is not None:
        params = {"team": str(int(team_id)), **params}
    if skill:
        params["skill"] = str(skill)
    if grade:
        params["grade"] = str(grade)
    return params


def _read(params: dict[str, str]) -> dict[str, Any] | None:
    """The choice the parameters name; None when they name none (or not as numbers)."""
    try:
        return {
            "team_id": int(params["team"]) if params.get("team") else None,
            "assessment_id": int(params["assessment"]),
            "administration_id": int(params["window"]),
            "skill": params.get("skill") or None,
            "grade": params.get("grade") or None,
        }
    except (KeyError, ValueError):
        return None


def _apply(choice: dict[str, Any]) -> None:
    filters.open_on(Opening(choice["team_id"], choice["assessment_id"],
                            choice["administration_id"]))
    if choice["grade"]:
        filters.state()["grade"] = choice["grade"]
    st.session_state[SKILL_KEY] = {k: choice[k] for k in
                                   ("team_id", "assessment_id", "administration_id", "skill")}


def apply_review_link() -> None:
    """Adopt the review choice the address names, once per address (call before the filters)."""
    params = {p: st.query_params.get(p) for p in PARAMS}
    tag = tuple(params.values())
    if st.session_state.get(_SEEN_KEY) == tag:
        return
    st.session_state[_SEEN_KEY] = tag
    choice = _read({k: v for k, v in params.items() if v is not None})
    if choice is not None:
        _apply(choice)


def open_review(team_id: int | None, assessment_id: int, administration_id: int,
                skill: str | None = None, grade: str | None = None) -> None:
    """Go to Data review on this choice (the address says it too)."""
    params = review_params(team_id, assessment_id, administration_id, skill, grade)
    choice = _read(params)
    assert choice is not None  # built from numbers just above
    _apply(choice)
    st.session_state[_SEEN_KEY] = tuple(params.get(p) for p in PARAMS)
    st.switch_page(REVIEW_PAGE, query_params=params)


def linked_skill(team_id: int | None, assessment_id: int, administration_id: int) -> str | None:
    """The skill the link named, while the review still shows that team, assessment and window."""
    linked = st.session_state.get(SKILL_KEY)
    if not isinstance(linked, dict):
        return None
    same = (linked.get("team_id") == team_id and linked.get("assessment_id") == assessment_id
            and linked.get("administration_id") == administration_id)
    return linked.get("skill") if same else None
