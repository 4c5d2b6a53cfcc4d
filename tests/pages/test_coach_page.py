"""AppTest of the coach view on the demo school: its filters, one standard across
assessments, the goals on a skill, the way into a team's Data review, and the chart's title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import ui
from collabplan.access import Viewer
from collabplan.coach import LATEST
from tests.apptest_tree import open_app_page, rendered_text

APP = str(Path(__file__).resolve().parents[2] / "app.py")
COACH = Viewer("coach@school.org", "coach", name="Cy")


def _coach_page(viewer: Viewer | None = None, monkeypatch=None) -> AppTest:
    if viewer is not None:
        monkeypatch.setattr(ui, "viewer", lambda: viewer)
    return open_app_page("pages/coach.py", timeout=120)


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _figure(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


@pytest.fixture
def coach_page(demo_db, monkeypatch) -> AppTest:
    return _coach_page(COACH, monkeypatch)


def test_filters_for_grade_subject_and_window(coach_page):
    at = coach_page
    assert [s.label for s in at.selectbox][:3] == ["Grade", "Subject", "Testing window"]
    assert at.selectbox(key="coach_subject").options == ["Every subject", "Math", "Reading"]
    at.selectbox(key="coach_subject").set_value("Math").run()
    assert not at.exception
    assert at.selectbox(key="coach_subject").value == "Math"
    table = at.dataframe[0].value
    assert set(table["teams"]) == {"Grade 4 Math"}
    at.selectbox(key="coach_window").set_value(LATEST).run()
    assert at.selectbox(key="coach_subject").value == "Math"  # kept across the rerun
    at.selectbox(key="coach_grade").set_value("3").run()
    assert not at.exception
    assert "No skill lags for these choices" in at.success[0].value


def test_one_standard_and_the_goal_on_it(coach_page):
    at = coach_page
    table = at.dataframe[0].value
    ri = table[table["skill"].str.startswith("RI.7.6")]
    assert ri["skill"].tolist() == ["RI.7.6 Author's point of view"]
    assert ri["assessments"].item() == "Grade 7 ELA Standards Tracker, Unit 2 Performance Task"
    at.selectbox(key="coach_skill").set_value("code:ri.7.6").run()
    text = _markdown(at)
    assert "Goals already aimed at it" in text
    assert "Grade 7 ELA: Raise the share of grade 7 students proficient in RI.7.6" in text
    assert "(as “RI.7.6”)" in text  # the tracker's own name for it


def test_the_chart_title_names_its_top_bar(coach_page):
    fig = _figure(coach_page)
    top_bar = fig["data"][0]["y"][-1]
    skill, team, window = top_bar.split(" · ")[:3]
    assert fig["layout"]["title"]["text"].replace("<br>", " ").startswith(
        f"Furthest behind: {skill} in {team} ({window})")


def test_a_skill_opens_that_teams_review(coach_page):
    at = coach_page
    at.selectbox(key="coach_skill").set_value("code:ri.7.6").run()
    first = [b for b in at.button if b.key and b.key.startswith("coach_open_")][0]
    first.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["skill"] == ["RI.7.6"] or at.query_params["skill"] == "RI.7.6"
    caption = at.caption[0].value
    assert caption.startswith("Grade 7 ELA · Grade 7 ELA Standards Tracker · 15 Sep")
    assert "Opened from the coach view on **RI.7.6**" in at.info[0].value
    # the sidebar shows the same choice
    assert at.sidebar.selectbox(key="review_filter_team_id").value == 3


def test_review_reads_the_address_once(demo_db):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.query_params.update({"team": "2", "assessment": "5", "window": "12", "skill": "4.NF.1"})
    at.switch_page("pages/review.py")
    at.run()
    assert not at.exception
    assert at.caption[0].value.startswith("Grade 4 Math · Grade 4 Unit 5 Fractions CFA")
    said = at.info[0].value.replace("\\", "")
    assert said.startswith("Opened from the coach view on **4.NF.1**: ")
    # a later pick in the sidebar is not undone by the address
    at.sidebar.selectbox(key="review_filter_team_id").set_value(None).run()
    assert at.caption[0].value.startswith("All teams")
    assert not any("coach view" in i.value for i in at.info)


def test_a_coach_sees_no_student(coach_page, demo_db):
    text = rendered_text(coach_page, sidebar=True)
    names = [n for (n,) in demo_db.rows("SELECT display_name FROM student LIMIT 50") if n]
    assert names and not any(n in text for n in names)
