"""The progress, signposts, staff-meeting and reports pages, driven through AppTest."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import audit
from collabplan import db as db_module
from collabplan.goals import signposts
from tests.progress_data import add_goal, expected, load_school

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def school_db(db_path):
    db = db_module.connect(db_path)
    school = load_school(db)
    latest, _ = expected(school, "MAP Reading", "Spring", "Vocabulary")
    met = add_goal(db, school, target=latest - 1, what_worked="Daily word walls",
                   next_step="Share word walls with grade 4")
    behind = add_goal(db, school, skill="Fluency", target=99.0)
    return db, school, met, behind


def _open(page: str, present: bool = False) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if present:
        at.query_params["present"] = "1"
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "title", "header", "subheader", "info",
                                  "success", "warning", "error") for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_progress_page_without_goals_says_what_to_do(db_path):
    db_module.connect(db_path)
    at = _open("pages/progress.py")
    assert "No goals yet" in _text(at)


def test_progress_page_shows_the_chart_and_checkpoints(school_db):
    db, school, met, behind = school_db
    at = _open("pages/progress.py")
    at.selectbox(key="progress_goal_pick").set_value(behind).run()
    assert not at.exception
    text = _text(at)
    assert "Behind" in text
    fig = _figures(at)[0]
    names = [t.get("name") for t in fig["data"]]
    assert {"Results", "Target", "Straight line to target", "On track: above the line"} <= set(names)
    results = next(t for t in fig["data"] if t.get("name") == "Results")
    winter, _ = expected(school, "MAP Reading", "Winter", "Fluency")
    assert winter in results["y"]
    table = at.dataframe[0].value
    assert list(table["Testing window"]) == ["Fall 2025", "Winter 2026", "Spring 2026"]


def test_progress_page_follows_a_common_assessment(school_db):
    db, school, met, behind = school_db
    with db.transaction() as cur:   # "being revised" goals may change what they follow
        cur.execute("UPDATE goal SET status = 'revised' WHERE id = ?", [behind])
    at = _open("pages/progress.py")
    at.selectbox(key="progress_goal_pick").set_value(behind).run()
    at.multiselect[0].set_value([school.common_id])
    form_submit = [b for b in at.button if b.label == "Save"][0]
    form_submit.click().run()
    assert not at.exception
    assert "Unit 4 2025" in list(at.dataframe[0].value["Testing window"])


def test_signposts_page_adds_notes_and_undoes_a_delete(school_db):
    db, school, met, behind = school_db
    sid = signposts.add_signpost(db, behind, dt.date.today() + dt.timedelta(days=3))
    at = _open("pages/signposts.py")
    text = _text(at)
    assert "Grade 3 team: Fluency" in text            # listed as behind
    assert list(at.dataframe[0].value["When"]) == ["in 3 days"]
    at.selectbox(key="signpost_goal_pick").set_value(behind).run()
    form = [t for t in at.text_area if t.label == "What resources does the team need?"][0]
    form.set_value("an extra coach hour")
    [t for t in at.text_area if t.label == "Decisions taken"][0].set_value("regroup weekly")
    [b for b in at.button if b.label == "Save notes"][0].click().run()
    assert not at.exception
    assert signposts.signpost(db, sid)["resources"] == "an extra coach hour"
    at.button(key=f"delete_signpost_{sid}").click().run()
    assert signposts.signposts_for_goal(db, behind).empty
    assert audit.recent(db).iloc[0]["action"] == "delete"
    at.button(key="undo_signpost").click().run()
    assert not at.exception
    assert list(signposts.signposts_for_goal(db, behind)["decisions"]) == ["regroup weekly"]


def test_staff_meeting_steps_through_slides_and_celebrates_a_met_goal(school_db):
    db, school, met, behind = school_db
    at = _open("pages/staff_meeting.py")
    assert "How our goals are going" in _text(at)
    bars = _figures(at)[0]["data"][0]
    assert bars["y"] == ["Grade 3 team: Vocabulary", "Grade 3 team: Fluency"]
    assert "★ met" in bars["text"][0]
    assert at.button(key="slide_prev").disabled
    at.button(key="slide_next").click().run()
    assert not at.exception
    text = _text(at)
    assert "Goal met!" in text and "Grade 3 team: Vocabulary" in text
    assert "Share word walls with grade 4" in text and "Daily word walls" in text
    fig = _figures(at)[0]
    assert fig["layout"]["font"]["size"] == 22
    assert fig["layout"]["title"]["text"].startswith("★ Goal met")
    assert "target" not in fig["layout"]["title"]["text"]
    at.button(key="slide_next").click().run()
    assert "Behind" in _text(at) and at.button(key="slide_next").disabled
    at.button(key="slide_prev").click().run()
    assert "Grade 3 team: Vocabulary" in _text(at)


def _click_download(at: AppTest, key: str) -> None:
    """AppTest has no download-button element: stand a Button in its place and click it."""
    from streamlit.testing.v1.element_tree import Block, Button

    def walk(block):
        for index, child in list(block.children.items()):
            proto = getattr(child, "proto", None)
            if getattr(child, "type", None) == "download_button" and key in proto.id:
                button = Button(proto, at.main.root)
                block.children[index] = button
                return button
            if isinstance(child, Block) and (found := walk(child)):
                return found
        return None

    walk(at.main.root).click()
    at.run()


def test_reports_page_prepares_both_exports_and_logs_each_download(school_db):
    db, school, met, behind = school_db
    at = _open("pages/reports.py")
    at.text_input(key="audit_who").set_value("Ms Rivera")
    at.button(key="prepare_html").click().run()
    at.button(key="prepare_xlsx").click().run()
    assert not at.exception
    assert len(at.get("download_button")) == 2
    _click_download(at, "download_html")
    _click_download(at, "download_xlsx")
    assert not at.exception
    log = audit.recent(db)
    assert list(log["action"]) == ["export", "export"]
    assert set(log["who"]) == {"Ms Rivera"}
    assert list(log["detail"]) == ["goals workbook (xlsx), 2 goals", "progress report (html), 2 goals"]
    assert "Ms Rivera" in at.dataframe[0].value["Who"].tolist()
