"""goal add and goals --json (section 6): the numbers equal the metric computed straight
from the file; refusals name the option to fix."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from collabplan.goals.as_json import cli_add_goal, goals_json
from tests.goal_factories import (
    THREE,
    cli_goal,
    expected_metric,
    school_export,
)

D = dt.date


def test_cli_goal_baseline_and_checkpoint_equal_metric_from_the_file(db):
    export = school_export(db)
    out = cli_goal(db)
    value, n = expected_metric(export, "Fall", "Vocabulary", "pct_below_proficient", {"grade": "3"})
    assert out["baseline"] == {"term": "Fall", "date": "2025-09-15", "value": value, "students": n}
    later, later_n = expected_metric(
        export, "Winter", "Vocabulary", "pct_below_proficient", {"grade": "3"}
    )
    assert len(out["checkpoints"]) == 1
    cp = out["checkpoints"][0]
    assert (cp["term"], cp["date"], cp["value"], cp["students"]) == (
        "Winter",
        "2026-01-20",
        later,
        later_n,
    )
    assert out["population"] == {"grade": "3"}
    assert out["target"] == {"value": 5.0, "date": "2026-06-15"}
    assert set(out) >= {
        "id",
        "team",
        "statement",
        "assessment",
        "skill",
        "metric",
        "population",
        "baseline",
        "target",
        "checkpoints",
        "status",
    }
    assert json.loads(json.dumps(goals_json(db)))[0] == json.loads(json.dumps(out))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    ("where", "metric"),
    [
        ({}, "pct_proficient"),
        ({"class": "3A"}, "pct_below_proficient"),
        ({"group": "ELL"}, "pct_proficient"),
        ({"teacher": "Ms Park"}, "pct_below_proficient"),
    ],
)
def test_held_out_exports_checkpoints_equal_independent_metric(db, seed, where, metric):
    export = school_export(db, name=f"Export {seed}", seed=seed)
    base, n = expected_metric(export, "Fall", "Comprehension", metric, where)
    target = max(base - 5, 0) if metric == "pct_below_proficient" else min(base + 5, 100)
    out = cli_goal(
        db,
        assessment=f"Export {seed}",
        skill="Comprehension",
        where=where,
        metric=metric,
        target=target,
    )
    assert (out["baseline"]["value"], out["baseline"]["students"]) == (base, n)
    later, later_n = expected_metric(export, "Winter", "Comprehension", metric, where)
    assert [(c["value"], c["students"]) for c in out["checkpoints"]] == [(later, later_n)]


def test_cli_default_baseline_is_latest_window_that_scored_the_skill(db):
    export = school_export(db, windows=THREE)
    out = cli_goal(db, baseline_term=None, target=1, by="2026-12-01")
    value, n = expected_metric(
        export, "Spring", "Vocabulary", "pct_below_proficient", {"grade": "3"}
    )
    assert out["baseline"]["term"] == "Spring"
    assert (out["baseline"]["value"], out["baseline"]["students"]) == (value, n)
    assert out["checkpoints"] == []
    assert out["status"] == "not enough data yet"


def test_refuses_unknown_assessment_skill_term_and_filter(db):
    school_export(db)
    with pytest.raises(ValueError, match="--assessment 'Nope'.*Grade 3 Reading CFA"):
        cli_goal(db, assessment="Nope")
    with pytest.raises(ValueError, match="--skill 'Spelling'.*Vocabulary"):
        cli_goal(db, skill="Spelling")
    with pytest.raises(ValueError, match="--baseline-term 'Summer'.*Fall"):
        cli_goal(db, baseline_term="Summer")
    with pytest.raises(ValueError, match="'school'"):
        cli_goal(db, where={"school": "x"})
    with pytest.raises(ValueError, match="metric"):
        cli_goal(db, metric="mean_score")
    with pytest.raises(ValueError, match="no grade 9 students"):
        cli_goal(db, where={"grade": "9"})


def test_cli_creates_missing_team_and_reuses_existing(db):
    school_export(db)
    first = cli_goal(db, team="Third grade", target=1)
    second = cli_goal(db, team="third grade", target=2)
    assert first["team"] == second["team"] == "Third grade"
    assert db.scalar("SELECT count(*) FROM team") == 1
    assert [g["id"] for g in goals_json(db, team="Third grade")] == [
        first["id"],
        second["id"],
    ]
    with pytest.raises(ValueError, match="no such team"):
        goals_json(db, team="Ghosts")


# -- held-out export through the importer ------------------------------------------------------
HELD_OUT_MAPPING = """
[assessment]
name = "Held-out Reading Check"
[columns]
student_id = "StudentID"
student_name = "Student"
grade = "Grade"
class = "Class"
teacher = "Teacher"
term = "Term"
date = "Date"
[columns.groups]
ELL = "ELL"
[scores]
layout = "long"
skill = "Skill"
score = "Score"
kind = "percent"
proficient = 0.8
"""


def _held_out_csv(seed: int) -> pd.DataFrame:
    import random

    rng = random.Random(seed)
    rows = []
    windows = [("Fall", "2025-09-20", 0), ("Winter", "2026-01-25", 1)]
    for i in range(70):
        grade = "3" if i < 45 else "4"
        cls = ["3A", "3B", "4A"][0 if i < 22 else 1 if i < 45 else 2]
        teacher = {"3A": "Lee", "3B": "Diaz", "4A": "Park"}[cls]
        ell = "Y" if rng.random() < 0.3 else "N"
        level = rng.uniform(50, 95)
        for term, date, w in windows:
            for skill, bump in (("Vocabulary", 6), ("Main Idea", 3), ("Inference", 9)):
                score = (
                    "Absent"
                    if rng.random() < 0.05
                    else str(round(min(level + w * bump + rng.uniform(-8, 8), 100)))
                )
                rows.append(
                    [
                        f"S{seed}{i:03d}",
                        f"Student {i}",
                        grade,
                        cls,
                        teacher,
                        ell,
                        term,
                        date,
                        skill,
                        score,
                    ]
                )
    return pd.DataFrame(
        rows,
        columns=[
            "StudentID",
            "Student",
            "Grade",
            "Class",
            "Teacher",
            "ELL",
            "Term",
            "Date",
            "Skill",
            "Score",
        ],
    )


def _independent(
    df: pd.DataFrame, term: str, skill: str, metric: str, where: dict
) -> tuple[float, int]:
    sel = df[(df["Term"] == term) & (df["Skill"] == skill) & (df["Score"] != "Absent")]
    col = {"grade": "Grade", "class": "Class", "teacher": "Teacher"}
    for key, value in where.items():
        sel = sel[sel["ELL"] == "Y"] if key == "group" else sel[sel[col[key]] == value]
    proficient = 100.0 * (sel["Score"].astype(float) >= 80).sum() / len(sel)
    return round(proficient if metric == "pct_proficient" else 100 - proficient, 1), len(sel)


@pytest.mark.parametrize("seed", [21, 22])
@pytest.mark.parametrize(
    ("where", "metric", "skill"),
    [
        ({"grade": "3"}, "pct_below_proficient", "Vocabulary"),
        ({}, "pct_proficient", "Inference"),
        ({"group": "ELL"}, "pct_proficient", "Main Idea"),
        ({"class": "4A"}, "pct_below_proficient", "Vocabulary"),
    ],
)
def test_held_out_import_goal_numbers_equal_the_file(db, seed, where, metric, skill):
    from collabplan.ingest.load import import_file
    from collabplan.ingest.mapping import load_mapping

    frame = _held_out_csv(seed)
    import_file(
        db,
        frame.to_csv(index=False).encode(),
        f"held_out_{seed}.csv",
        load_mapping(HELD_OUT_MAPPING),
        team="Grade 3 team",
    )
    base, n = _independent(frame, "Fall", skill, metric, where)
    target = max(base - 10, 0) if metric == "pct_below_proficient" else min(base + 10, 100)
    out = cli_add_goal(
        db,
        team="Grade 3 team",
        assessment="Held-out Reading Check",
        skill=skill,
        baseline_term="Fall",
        where=where,
        metric=metric,
        target=target,
        by="2026-05-30",
    )
    assert (out["baseline"]["value"], out["baseline"]["students"]) == (base, n)
    later, later_n = _independent(frame, "Winter", skill, metric, where)
    (cp,) = out["checkpoints"]
    assert (cp["term"], cp["value"], cp["students"]) == ("Winter", later, later_n)
    assert goals_json(db)[0]["checkpoints"] == out["checkpoints"]
    with pytest.raises(ValueError, match="not better|impossible"):
        cli_add_goal(
            db,
            team="Grade 3 team",
            assessment="Held-out Reading Check",
            skill=skill,
            baseline_term="Fall",
            where=where,
            metric=metric,
            target=base,
            by="2026-05-30",
        )
