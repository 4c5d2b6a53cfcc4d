"""Pages after an upload that changes a posted goal's baseline (issue 13): the upload
preview warns, the goal page and board show both numbers and the team accepts or keeps,
the undo confirmation names the goal, and no slide shows a share of the gap past 0-100 %."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collabplan.goals.model import get_goal, goal_history
from collabplan.ingest.load import import_files

APP = str(Path(__file__).resolve().parents[2] / "app.py")
GOAL = "Grade 4 Math"
RESULTS = "nwea_map_CombinedAssessmentResults.csv"
ROSTER = "nwea_map_StudentsBySchool.csv"


def _open(page: str, **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "warning", "info", "success", "error")
             for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def moved(demo_db, samples):
    """The demo school after the NWEA sample (overlapping grade 4 ids) was imported."""
    import_files(demo_db, [(n, (samples / n).read_bytes()) for n in (RESULTS, ROSTER)],
                 update_students=True)  # the same students, as the team confirms
    gid = int(demo_db.scalar(
        "SELECT g.id FROM goal g JOIN team t ON t.id = g.team_id WHERE t.name = ?", [GOAL]))
    return demo_db, gid


NOTICE = "Baseline 80% (agreed, 75 students) · the data now says 52.1% (94 students)"


def test_goal_page_shows_both_baselines_and_keeping_the_agreed_one_is_recorded(moved):
    db, gid = moved
    at = _open("pages/goal_detail.py", goal_open_id=gid)
    assert NOTICE in _text(at)
    assert "from 80% to 60%" in _text(at)
    next(b for b in at.button if b.label == "Keep the agreed baseline").click().run()
    assert not at.exception
    assert goal_history(db, gid)["change"].iloc[-1].startswith("kept the agreed baseline 80%")
    assert not any(b.label == "Keep the agreed baseline" for b in at.button)
    assert "the team kept the agreed baseline" in _text(at)
    assert get_goal(db, gid).baseline_value == 80.0


def test_accepting_a_baseline_the_target_does_not_beat_sends_the_goal_back(moved):
    db, gid = moved
    at = _open("pages/goal_detail.py", goal_open_id=gid)
    next(b for b in at.button if b.label == "Accept the new baseline").click().run()
    assert not at.exception
    goal = get_goal(db, gid)
    assert goal.status == "revised"
    change = goal_history(db, gid)["change"].iloc[-1]
    assert "80% (75 students) → 52.1% (94 students)" in change
    assert "the target 60% is not below the new baseline" in change
    assert "from 52.1% to 60%" not in _text(at)


def test_board_shows_both_numbers_and_takes_the_choice(moved):
    db, gid = moved
    at = _open("pages/goal_board.py")
    assert NOTICE in _text(at)
    at.button(key=f"gb_baseline_keep_{gid}").click().run()
    assert not at.exception
    assert NOTICE not in "\n".join(w.value for w in at.warning)
    assert goal_history(db, gid)["change"].iloc[-1].startswith("kept the agreed baseline")


def test_staff_meeting_never_shows_a_share_past_100_or_below_0(moved):
    at = _open("pages/staff_meeting.py")
    for fig in (json.loads(c.proto.spec) for c in at.get("plotly_chart")):
        for trace in fig["data"]:
            if trace.get("name") != "Gap closed":
                continue
            assert all(0 <= x <= 100 for x in trace["x"])
            for label in trace["text"]:
                shares = [int(n) for n in re.findall(r"(-?\d+)% of the gap", label)]
                assert all(0 <= s <= 100 for s in shares), label
    # every slide: the statement never puts the target on the wrong side of the baseline
    for _ in range(6):
        text = _text(at)
        assert "from 52.1% to 60%" not in text
        if at.button(key="slide_next").disabled:
            break
        at.button(key="slide_next").click().run()
        assert not at.exception


def test_upload_preview_warns_and_undo_names_the_goal(demo_db, samples):
    at = _open("pages/upload.py")
    at.file_uploader[0].set_value([(RESULTS, (samples / RESULTS).read_bytes(), "text/csv")]).run()
    assert not at.exception
    warnings = "\n".join(w.value for w in at.warning)
    assert ("This file changes the baseline of 1 posted goal: "
            "Grade 4 Math · Number and Operations 80% → 50%.") in warnings
    uploads = demo_db.scalar("SELECT count(*) FROM upload")
    base_upload = int(demo_db.scalar(
        "SELECT DISTINCT si.upload_id FROM sitting si JOIN goal g"
        " ON g.baseline_administration_id = si.administration_id"
        " JOIN team t ON t.id = g.team_id WHERE t.name = ? ORDER BY 1 LIMIT 1", [GOAL]))
    at = _open("pages/upload.py", upload_confirm_undo=base_upload)
    assert demo_db.scalar("SELECT count(*) FROM upload") == uploads  # the preview kept nothing
    warnings = "\n".join(w.value for w in at.warning)
    assert "Undoing this removes the baseline of 1 posted goal: " in warnings
    assert "Grade 4 Math · Number and Operations" in warnings
