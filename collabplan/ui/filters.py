"""The review filters in the sidebar, shared by Data review, Students by skill and Coach view.

Choices live in ``st.session_state[ui.FILTERS_KEY]`` as ids and text only, so they are kept
while moving between pages (Streamlit forgets a widget's own state when its page is left).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import streamlit as st

from collabplan import catalog, ui
from collabplan.access import Viewer
from collabplan.metrics import Filters, scoped
from collabplan.ui.cache import cached
from collabplan.ui.choices import remembered_select

ALL = "All"
filter_options = cached(catalog.filter_options)
opening = cached(catalog.opening)
#: Session key: the team this person last acted for (imported for), so Data review opens on it.
ACTING_TEAM_KEY = "acting_team_id"
#: The population choices an opening clears (they belong to the results shown before).
POPULATION_FIELDS = ("grade", "class_name", "teacher", "group")

NO_DATA = (
    "No results yet: upload a file on **Upload results** or load the demo school on **Home**."
)


@dataclass(frozen=True)
class ReviewChoice:
    """What the sidebar chose: the population filters, the administration under review and
    the labels a page needs to say what it shows."""

    filters: Filters
    administration_id: int
    administration_label: str
    assessment_name: str
    team_name: str | None
    administrations: pd.DataFrame  # id, term, date, label of the assessment, oldest first
    groups: list[str]
    classes: list[str]
    teachers: list[str]

    @property
    def population(self) -> dict[str, str | None]:
        """The population as a goal stores it."""
        f = self.filters
        return {"grade": f.grade, "class": f.class_name, "teacher": f.teacher, "group": f.group}

    @property
    def window(self) -> Filters:
        """The filters narrowed to the administration under review."""
        return replace(self.filters, administration_ids=(self.administration_id,))

    @property
    def earlier(self) -> pd.DataFrame:
        """Administrations before the one under review (for growth), latest first."""
        ids = self.administrations["id"].tolist()
        pos = ids.index(self.administration_id) if self.administration_id in ids else 0
        return self.administrations.iloc[:pos].iloc[::-1]


def state() -> dict[str, Any]:
    """The stored choices (created on first use)."""
    return st.session_state.setdefault(ui.FILTERS_KEY, {})


def act_for(team_id: int | None) -> None:
    """Remember the team this person just acted for (None leaves the last one)."""
    if team_id is not None:
        st.session_state[ACTING_TEAM_KEY] = int(team_id)


def open_on(start: catalog.Opening) -> None:
    """Make the filters show ``start`` (its team, assessment and window, whole population) on
    the next review page drawn; later picks in the sidebar stick as usual."""
    chosen = state()
    for name in POPULATION_FIELDS:
        chosen.pop(name, None)
    chosen.update(team_id=start.team_id, assessment_id=start.assessment_id,
                  administration_id=start.administration_id)


def _seed_opening(viewer: Viewer) -> None:
    """Before this session's first pick: open on the acting team's latest upload
    (:func:`collabplan.catalog.opening`), not on every team and the first assessment."""
    if "team_id" in state():
        return
    start = opening(viewer=viewer, team_id=st.session_state.get(ACTING_TEAM_KEY))
    if start is not None:
        open_on(start)


def _select(label: str, field: str, options: list[Any], labels: dict[Any, str],
            default: Any = None, help: str | None = None) -> Any:
    """A sidebar selectbox whose value survives page changes through ``state()``."""
    return remembered_select(
        label, options, key=f"review_filter_{field}", store=ui.FILTERS_KEY, field=field,
        default=default, help=help,
        format_func=lambda v: labels.get(v, ALL if v is None else str(v)),
    )


def review_filters(population: bool = True, *, viewer: Viewer | None = None) -> ReviewChoice | None:
    """Draw the filters in the sidebar; None when there is nothing to review yet.

    The choices offered are those ``viewer`` may read (a teacher: their own teams), and the
    returned filters carry that scope as well.
    """
    viewer = viewer or ui.viewer()
    everyone = "All teams" if viewer.sees_every_team else "All your teams"
    _seed_opening(viewer)
    with st.sidebar:
        st.subheader("Filters")
        teams = filter_options(None, None, viewer=viewer)["teams"]
        team_id = _select("Team", "team_id", [None, *teams["id"].tolist()],
                          {None: everyone, **dict(zip(teams["id"], teams["name"], strict=True))})
        opts = filter_options(team_id, None, viewer=viewer)
        assessments = opts["assessments"]
        if assessments.empty:
            return None
        assessment_id = _select(
            "Assessment", "assessment_id", assessments["id"].tolist(),
            dict(zip(assessments["id"], assessments["name"], strict=True)),
        )
        opts = filter_options(team_id, assessment_id, viewer=viewer)
        admins = opts["administrations"]
        if admins.empty:
            return None
        admin_labels = dict(zip(admins["id"], admins["label"], strict=True))
        administration_id = _select(
            "Testing window", "administration_id", admins["id"].tolist(), admin_labels,
            default=int(admins["id"].iloc[-1]), help="Which administration (term or date) to review.",
        )
        grade = class_name = teacher = group = None
        if population:
            grade = _select("Grade", "grade", [None, *opts["grades"]], {})
            class_name = _select("Class", "class_name", [None, *opts["classes"]], {})
            teacher = _select("Teacher", "teacher", [None, *opts["teachers"]], {})
            group = _select("Student group", "group", [None, *opts["groups"]], {})
    filters = scoped(Filters(team_id=team_id, assessment_id=assessment_id, grade=grade,
                             class_name=class_name, teacher=teacher, group=group), viewer)
    team_name = None
    if team_id is not None:
        team_name = str(teams.loc[teams["id"] == team_id, "name"].iloc[0])
    return ReviewChoice(
        filters=filters,
        administration_id=int(administration_id),
        administration_label=admin_labels[administration_id],
        assessment_name=str(assessments.loc[assessments["id"] == assessment_id, "name"].iloc[0]),
        team_name=team_name,
        administrations=admins,
        groups=list(opts["groups"]),
        classes=[class_name] if class_name else list(opts["classes"]),
        teachers=[teacher] if teacher else list(opts["teachers"]),
    )


def describe(choice: ReviewChoice) -> str:
    """One line saying what the page shows: team · assessment · window · population."""
    f = choice.filters
    parts = [choice.team_name or "All teams", choice.assessment_name, choice.administration_label]
    parts += [p for p in (f"grade {f.grade}" if f.grade else None, f.class_name, f.teacher,
                          f.group) if p]
    return " · ".join(parts)


def no_data() -> None:
    """The empty state of every review page."""
    st.info(NO_DATA, icon=":material/info:")
