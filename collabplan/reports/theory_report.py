"""The theory of action's read-only view (goal report, page summary): every step of the guide.

Staff input appears under the same rules as on the page: only closed rounds, and a round's
figures and ideas only when at least ``config.MIN_GROUP_SIZE`` people answered (ideas shuffled,
as escaped text). Every piece of text is escaped by the template.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from markupsafe import Markup

from collabplan import config, text
from collabplan.db import Database
from collabplan.reports.render import render
from collabplan.workspace import staff_input, survey, theory, theory_guide


def _day(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else text.short_date(value)


def _input_rounds(db: Database, toa_id: int) -> list[dict[str, Any]]:
    shown = []
    results = staff_input.results(db, toa_id)
    for round_id, part in results.groupby("round_id", sort=False):
        first = part.iloc[0]
        hidden = bool(first["suppressed"])
        shown.append({
            "label": first["round"],
            "responses": first["responses"],
            "hidden": hidden,
            "rows": [] if hidden else [
                (r.statement, text.average(r.mean), text.pct(r.pct_agree),
                 *[str(c) for c in r.counts]) for r in part.itertuples()],
            "ideas": [] if hidden else (staff_input.ideas(db, int(round_id)) or []),
        })
    return shown


def theory_view(db: Database) -> Markup:
    shown = []
    for toa_id in theory.theories(db)["id"].tolist():
        t = theory.theory(db, toa_id)
        given = theory_guide.answers(db, toa_id)
        actions = theory.toa_actions(db, toa_id)
        ideas = theory_guide.approaches(db, toa_id)
        people = theory_guide.people(db, toa_id)
        steps = theory_guide.plan_steps(db, toa_id)
        plan = theory_guide.feedback_plan(db, toa_id)
        trend, trend_sentence = theory_guide.survey_trend(db, plan["survey_area"])
        open_rounds = staff_input.rounds(db, toa_id)
        shown.append({
            "condition": t["condition"],
            "questions": [(q, given.get(k)) for k, q in theory_guide.QUESTIONS.items()],
            "fields": [
                ("Where we are", t["where_now"]),
                ("Where we want to be", t["where_next"]),
                ("Why", t["why"]),
                ("Biggest barrier in our control", t["barrier"]),
            ],
            "reasons": theory_guide.reasons(db, toa_id)["body"].tolist(),
            "approaches": [(b, "chosen" if c else "") for b, c in
                           zip(ideas["body"], ideas["chosen"], strict=True)],
            "statement": [
                ("Approach chosen", t["approach"]),
                ("Theory of action", theory.theory_statement(t)),
                ("Purpose: vision", t["purpose_vision"]),
            ],
            "people": list(zip(people["who"], people["role"], strict=True)),
            "steps": list(zip(steps["step"], steps["who"], steps["starts_on"].map(_day),
                              steps["due_on"].map(_day), strict=True)),
            "actions": list(zip(
                actions["what"], actions["who"], actions["by_when"].astype(str),
                actions["how_we_know"], actions["done"].map({True: "yes", False: "not yet"}),
                strict=True,
            )),
            "input": _input_rounds(db, toa_id),
            "input_open": open_rounds.loc[~open_rounds["closed"].astype(bool), "label"].tolist(),
            "feedback": [
                ("Where staff give feedback", plan["channel"]),
                ("Anonymous or named", theory_guide.ANONYMITY.get(plan["anonymity"] or "")),
                ("When", plan["timing"]),
                ("Who reads it", plan["readers"]),
                ("Responds by when", plan["respond_within"]),
                ("How the response is shared", plan["shared_how"]),
            ],
            "survey_area": survey.SURVEY_AREAS.get(plan["survey_area"] or ""),
            "trend_sentence": trend_sentence,
            "trend": [] if trend.empty else [
                (r.round, r.responses, text.average(r.mean) if not r.suppressed else "—",
                 text.pct(r.pct_agree) if not r.suppressed else "—") for r in trend.itertuples()],
            "impact": [
                ("Data gathered", t["data_gathered"]),
                ("Results", t["results"]),
                ("Decision", theory.DECISIONS.get(t["decision"]) if t["decision"] else None),
                ("Next condition", t["next_condition"]),
            ],
        })
    return render("theory.html.j2", theories=shown, min_group_size=config.MIN_GROUP_SIZE,
                  scale=[f"{v} {w}" for v, w in survey.SCALE.items()])
