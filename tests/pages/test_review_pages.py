from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan import disclosure, metrics, ui
from collabplan.metrics import Filters
from collabplan.text import pct_exact
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
REVIEW_PAGES = ["pages/review.py", "pages/students.py", "pages/coach.py"]


@pytest.fixture
def school(db):
    """Two classes of grade-7 students with a fall and a winter CFA (see test_metrics)."""
    team = f.team(db, "Grade 7 ELA")
    up = f.upload(db, team)
    cfa = f.assessment(db, "Unit 2 CFA")
    fall = f.administration(db, cfa, "Fall", "2025-10-01")
    winter = f.administration(db, cfa, "Winter", "2026-01-15")
    ids = (f.class_of_students(db, 12, "7A", "Ms. Lee", start=1, groups_every={"ELL": 2})
           + f.class_of_students(db, 12, "7B", "Mr. Kim", start=13, groups_every={"ELL": 2}))
    for admin, counts in ((fall, {"RL.7.1": 20, "RI.7.6": 6, "L.7.4": 12, "RL.7.2": 14}),
                          (winter, {"RL.7.1": 22, "RI.7.6": 14, "L.7.4": 13, "RL.7.2": 20})):
        for skill, n in counts.items():
            f.skill_scores(db, up, admin, ids, skill, n)
    return {"team": team, "cfa": cfa, "fall": fall, "winter": winter}


def open_page(page: str, present: bool = False) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if present:
        at.query_params["present"] = "1"
    at.run()
    at.switch_page(page)
    at.run()
    return at


def rendered_text(at: AppTest) -> str:
    """Everything a page put on screen: text elements, tables and chart JSON (hover too)."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "title", "subheader", "header", "info", "warning",
                 "success", "error", "text", "code", "json", "metric"):
        for el in getattr(at, kind, []):
            parts.append(str(getattr(el, "value", "")) + str(getattr(el, "label", "")))
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    for table in at.table:
        parts.append(table.value.to_csv())
    for chart in at.get("plotly_chart"):
        parts.append(chart.proto.spec)
    for el in at.selectbox:
        parts.append(json.dumps([str(o) for o in el.options]))
    for el in at.button:
        parts.append(el.label)
    return "\n".join(parts)


def student_identifiers(db) -> list[str]:
    rows = db.rows("SELECT display_name, local_id FROM student")
    return sorted({str(v) for row in rows for v in row if v}, key=len, reverse=True)


@pytest.mark.parametrize("page", REVIEW_PAGES)
def test_review_pages_say_what_to_do_on_an_empty_database(db, page):
    at = open_page(page)
    assert not at.exception
    assert any("upload a file" in i.value for i in at.info)


@pytest.mark.parametrize("page", REVIEW_PAGES)
def test_review_pages_render_on_a_small_school(school, page):
    at = open_page(page)
    assert not at.exception, at.exception


def test_review_page_titles_the_finding_and_drafts_answers(school):
    at = open_page("pages/review.py")
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [s["layout"]["title"]["text"].replace("<br>", " ") for s in specs]
    # winter is reviewed by default: L.7.4 54%, 71% median
    assert titles[0] == "L.7.4 lags: 54% proficient, 17 points below the median"
    text = rendered_text(at)
    assert "Stagnant: L.7.4, +4 points since Fall (2025-10-01)." in text
    # every skill can start a goal, lowest first; the lowest is chosen
    pick = at.selectbox(key="review_goal_skill")
    assert pick.options == ["L.7.4 · 54% proficient · lagging", "RI.7.6 · 58% proficient · lagging",
                            "RL.7.2 · 83% proficient", "RL.7.1 · 92% proficient"]
    assert [b.label for b in at.button if b.label.startswith("Start a goal")] == [
        "Start a goal: L.7.4"]


def test_filters_are_kept_when_moving_between_review_pages(school):
    at = open_page("pages/review.py")
    at.selectbox(key="review_filter_class_name").set_value("7B").run()
    at.selectbox(key="review_filter_administration_id").set_value(school["fall"]).run()
    assert at.session_state[ui.FILTERS_KEY]["class_name"] == "7B"
    at.switch_page("pages/students.py").run()
    assert not at.exception
    assert at.selectbox(key="review_filter_class_name").value == "7B"
    assert at.selectbox(key="review_filter_administration_id").value == school["fall"]
    at.switch_page("pages/review.py").run()
    assert at.selectbox(key="review_filter_class_name").value == "7B"


def test_review_numbers_match_skill_summary_by_class(db, school):
    at = open_page("pages/review.py")
    table = at.dataframe[0].value.set_index(["Skill", "Class"])
    expected = metrics.skill_summary(db, Filters(administration_ids=(school["winter"],)),
                                     by="class").set_index(["skill", "by"])
    for (skill, cls), row in expected.iterrows():
        assert table.loc[(skill, cls), "Students"] == row["students"]
        assert table.loc[(skill, cls), "% proficient"] == pct_exact(row["pct_proficient"])


def test_start_a_goal_opens_goal_drafting_with_the_skill_filled_in(school):
    at = open_page("pages/review.py")
    at.selectbox(key="review_goal_skill").set_value("RI.7.6").run()
    button = next(b for b in at.button if b.label == "Start a goal: RI.7.6")
    if button.disabled:
        pytest.skip("the goal drafting page is not there yet")
    button.click().run()
    assert not at.exception
    # goal drafting takes the seed out of the session and fills its fields from it
    state = at.session_state
    assert state["gd_skill"] == "RI.7.6"
    assert state["gd_assessment"] == school["cfa"]
    assert state["gd_baseline"] == school["winter"]
    assert state["gd_metric"] == "pct_below_proficient"


def test_start_a_goal_works_for_a_skill_that_does_not_lag(school):
    at = open_page("pages/review.py")
    at.selectbox(key="review_goal_skill").set_value("RL.7.1").run()
    at.button(key="goal_from_skill").click().run()
    assert not at.exception
    assert at.session_state["gd_skill"] == "RL.7.1"
    assert any("Starting from the skill" in i.value and "RL.7.1" in i.value for i in at.info)
    assert not any("lagging skill" in i.value for i in at.info)


def test_review_of_a_test_whose_skills_are_all_low_says_so_and_offers_a_goal(db):
    team = f.team(db, "Grade 3 Math")
    up = f.upload(db, team)
    cfa = f.assessment(db, "Unit 3 CFA")
    fall = f.administration(db, cfa, "Fall", "2026-10-01")
    ids = f.class_of_students(db, 74, "3A", "Ms. Ray")
    for skill, n in (("3.MD.1", 24), ("3.MD.2", 30), ("3.MD.3", 33)):
        f.skill_scores(db, up, fall, ids, skill, n)
    at = open_page("pages/review.py")
    assert not at.exception
    text = rendered_text(at)
    assert "Every skill is under the school's floor of 50% proficient" in text
    assert "3.MD.1, 32% proficient, under the school's floor of 50%" in text
    assert "None" not in "".join(m.value for m in at.markdown if "Which skills lag" in m.value)
    assert at.selectbox(key="review_goal_skill").value == "3.MD.1"
    at.button(key="goal_from_skill").click().run()
    assert not at.exception
    assert at.session_state["gd_skill"] == "3.MD.1"
    assert any("Starting from the lagging skill" in i.value for i in at.info)


def test_review_notes_are_saved_and_shown_again(school):
    at = open_page("pages/review.py")
    at.text_area[0].input("Re-teach author's point of view with paired texts.")
    at.button(key="FormSubmitter:review_notes-Save notes").click().run()
    assert not at.exception
    again = open_page("pages/review.py")
    assert again.text_area[0].value == "Re-teach author's point of view with paired texts."


@pytest.mark.parametrize("page", REVIEW_PAGES)
def test_present_mode_shows_no_student_name_or_id(db, school, page):
    at = open_page(page, present=True)
    assert not at.exception, [e.stack_trace for e in at.exception]
    text = rendered_text(at)
    leaked = [s for s in student_identifiers(db) if s in text]
    assert leaked == []


# -- on the demo school ------------------------------------------------------------------------

VIEWS = ["Skills by class", "Skills by teacher", "Skills by group", "Growth", "Equity gap",
         "Levels", "Questions"]


@pytest.fixture
def demo(demo_db):
    return demo_db


def walk_review(at: AppTest, check) -> int:
    """Open every assessment of the demo school and every "Look closer" view; ``check(at)``
    after each run. Returns how many screens were checked."""
    screens = 0
    assessments = at.selectbox(key="review_filter_assessment_id").options
    for index in range(len(assessments)):
        at.selectbox(key="review_filter_assessment_id").select_index(index).run()
        for view in VIEWS:
            controls = [b for b in at.button_group if b.key == "review_view"]
            if not controls:
                break
            controls[0].set_value(view).run()
            check(at)
            screens += 1
    return screens


def test_every_review_view_renders_on_the_demo_school(demo):
    at = open_page("pages/review.py")
    assert not at.exception

    def check(at: AppTest) -> None:
        assert not at.exception, at.exception

    assert walk_review(at, check) >= len(VIEWS) * 4


@pytest.mark.parametrize("page", ["pages/students.py", "pages/coach.py"])
def test_students_and_coach_pages_render_on_the_demo_school(demo, page):
    at = open_page(page)
    assert not at.exception
    if page == "pages/students.py":
        assert at.dataframe, "the student lists are shown outside projection mode"


def test_present_mode_hides_every_student_on_the_demo_school(demo):
    secrets = student_identifiers(demo)
    assert len(secrets) > 100
    for page in REVIEW_PAGES:
        at = open_page(page, present=True)
        assert not at.exception
        assert [s for s in secrets if s in rendered_text(at)] == [], page
        assert not at.dataframe or page != "pages/students.py"
    at = open_page("pages/review.py", present=True)

    def check(at: AppTest) -> None:
        assert not at.exception
        text = rendered_text(at)
        assert [s for s in secrets if s in text] == []

    assert walk_review(at, check) >= len(VIEWS) * 4


def test_skill_summary_by_class_matches_the_cfa_tracker(db, samples):
    """The tracker's own cells, read here with openpyxl, against skill_summary by class."""
    import openpyxl

    from collabplan.ingest.load import import_file
    from collabplan.ingest.mapping import load_mapping

    path = samples / "cfa_grade3_unit4_tracker.xlsx"
    mapping = load_mapping((samples / "cfa_grade3_unit4_tracker.mapping.toml").read_text())
    import_file(db, path.read_bytes(), path.name, mapping)

    expected: dict[tuple[str, str], list[int]] = {}
    for ws in openpyxl.load_workbook(path, data_only=False):
        rows = list(ws.iter_rows(values_only=True))
        header, standards, possible = rows[3], rows[4], rows[5]
        questions = [i for i, h in enumerate(header) if isinstance(h, str) and h[:1] == "Q"]
        for row in rows[6:]:
            name, scores = row[0], [row[i] for i in questions]
            if not name or name == "Class average" or not any(
                    isinstance(v, int | float) for v in scores):
                continue
            by_skill: dict[str, list[float]] = {}
            for i in questions:
                got = row[i] if isinstance(row[i], int | float) else 0
                by_skill.setdefault(standards[i], [0.0, 0.0])
                by_skill[standards[i]][0] += got
                by_skill[standards[i]][1] += possible[i]
            for skill, (pts, out_of) in by_skill.items():
                cell = expected.setdefault((skill, ws.title), [0, 0])
                cell[0] += 1
                cell[1] += pts / out_of >= 0.8

    truth = json.loads((samples / "cfa_grade3_unit4_tracker.truth.json").read_text())
    df = metrics.skill_summary(db, Filters(), by="class")
    got = {(r.skill, r.by): [r.students, r.proficient] for r in df.itertuples()}
    assert got == expected
    totals = metrics.skill_summary(db, Filters()).set_index("skill")
    for skill, want in truth["administrations"][0]["skills"].items():
        assert totals.loc[skill, "students"] == want["students"]
        assert totals.loc[skill, "proficient"] == want["proficient"]
        assert totals.loc[skill, "pct_proficient"] == want["pct_proficient"]


@pytest.mark.parametrize("by", ["class", "teacher", "grade", "group:ELL"])
def test_skills_command_by_gives_the_numbers_the_pages_show(demo, db_path, by, capsys):
    from collabplan import cli

    assert cli.main(["skills", "--db", str(db_path), "--by", by, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    column = by.split(":")[0]
    # the command line hides small groups as projection mode does (section 7)
    df = disclosure.skill_summary(metrics.skill_summary(demo, Filters(), by=by), suppress=True)
    assert len(rows) == len(df) > 0
    clean = lambda v: "(none)" if v is None or v != v else str(v)  # noqa: E731 (NaN != NaN)
    num = lambda v: None if v != v else v  # noqa: E731 (a hidden number is null in the JSON)
    want = sorted(((r.assessment, r.skill, clean(r.by), num(r.students), num(r.pct_proficient),
                    r.status) for r in df.itertuples()), key=str)
    got = sorted(((r["assessment"], r["skill"], clean(r[column]), r["students"],
                   r["pct_proficient"], r["status"]) for r in rows), key=str)
    assert got == want
