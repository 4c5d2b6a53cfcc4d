"""Read-only views of the four planning workspaces, for the goal report and each page's summary.

Each view gathers plain values from ``collabplan.workspace`` and renders one template
(``vision``, ``teams``, ``theory``, ``health``); every piece of text is escaped there.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from markupsafe import Markup

from collabplan import config
from collabplan.db import Database
from collabplan.reports.render import render
from collabplan.reports.structures import structures_view
from collabplan.reports.theory_report import theory_view
from collabplan.text import fewer_than
from collabplan.workspace import survey, teams, vision, vision_session
from collabplan.year.report import year_view


def _date_text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def vision_view(db: Database) -> Markup:
    people = vision.stakeholders(db)
    crit = vision.criteria_ratings(db)
    themes = vision.theme_counts(db)
    values = vision.shared_values(db)
    plan = vision.communication_plan(db)
    return render(
        "vision.html.j2",
        vision=vision.vision(db),
        people=list(zip(people["name"], people["role"], strict=True)),
        criteria=list(zip(crit["label"], crit["rating_label"], crit["notes"], strict=True)),
        themes=list(zip(themes["theme"], themes["notes"], strict=True)),
        values=list(zip(values["name"], values["meaning"], strict=True)),
        plan=list(zip(plan["planned_on"].astype(str), plan["way"], plan["audience"],
                      plan["status"], strict=True)),
        plan_check=vision.check_communication(db).message,
        session=vision_session.report(db),
    )


def teams_view(db: Database) -> Markup:
    supports = teams.stage_supports(db).set_index("stage")["support"].to_dict()
    shown = []
    all_teams = teams.teams(db)
    for team_id, name in zip(all_teams["id"].tolist(), all_teams["name"], strict=True):
        ws = teams.team_workspace(db, team_id)
        people = teams.members(db, team_id)
        team_norms = teams.norms(db, team_id)
        team_meetings = teams.meetings(db, team_id).head(5)
        shown.append({
            "name": name,
            "members": ", ".join(people["name"]),
            "protected_time": ws["protected_time"],
            "minutes_per_week": ws["minutes_per_week"],
            "stage": ws["stage"],
            "support": supports.get(ws["stage"]) if ws["stage"] else None,
            "next_facilitator": teams.next_facilitator(db, team_id),
            "norms": list(zip(team_norms["body"], team_norms["agreed_on"].astype(str),
                              team_norms["revisited_on"].map(_date_text), strict=True)),
            "meetings": list(zip(
                team_meetings["met_on"].astype(str), team_meetings["facilitator"],
                team_meetings["learn"], team_meetings["next_step"], team_meetings["next_step_who"],
                team_meetings["next_step_by"].map(_date_text), strict=True,
            )),
        })
    return render("teams.html.j2", teams=shown)


def health_view(db: Database) -> Markup:
    all_rounds = survey.rounds(db)
    results = []
    for r in survey.survey_area_results(db).itertuples():
        if r.suppressed:
            results.append((r.round, r.area_label, fewer_than(noun="responses"), "—", "—"))
        else:
            results.append((r.round, r.area_label, r.n, f"{r.mean:.2f}", f"{r.pct_agree:.0f}%"))
    return render(
        "health.html.j2",
        has_rounds=not all_rounds.empty,
        min_group_size=config.MIN_GROUP_SIZE,
        results=results,
        still_open=all_rounds.loc[~all_rounds["closed"].astype(bool), "label"].tolist(),
    )


def workspace_sections(db: Database) -> list[tuple[str, Markup]]:
    """(title, rendered HTML) for every workspace, in the order the goal report shows them."""
    return [
        ("Vision and values", vision_view(db)),
        ("Teams and norms", teams_view(db)),
        ("Theory of action", theory_view(db)),
        ("Collaboration structures", structures_view(db)),
        ("Collaboration health", health_view(db)),
        ("The school year", year_view(db)),
    ]


def summary_page(title: str, body: Markup) -> str:
    """One workspace's view as a stand-alone HTML page to download and share."""
    return str(render("summary.html.j2", title=title, body=body))
