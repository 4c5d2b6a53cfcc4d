"""The upload page's words for how a file's layout was found."""

from __future__ import annotations

from types import SimpleNamespace

from collabplan.ingest.detect import detect_layout
from collabplan.ingest.read import read_upload
from collabplan.ui import upload_layout
from tests.real_layouts import layout_csv


def _detect(name: str):
    return detect_layout(read_upload(layout_csv(name), f"{name}.csv", sheets="*"), f"{name}.csv")


def test_detection_line_names_the_layout_how_sure_and_the_runner_up() -> None:
    line = upload_layout.detection_line(_detect("nwea_legacy_results_2013"))
    assert line.startswith("NWEA MAP Growth results (preset) · high confidence (1.00)")
    assert "next best: " in line


def test_form_heading_is_the_question_when_nothing_fits() -> None:
    meta = "StudentID,District_StateID,TestStartDate,TestDurationMinutes,Grade,SchoolName\n" + "".join(
        f"{100 + i},4401,10/14/2025,{40 + i},3,Bonsai\n" for i in range(5)
    )
    found = detect_layout(read_upload(meta.encode(), "meta.csv", sheets="*"), "meta.csv")
    refused = SimpleNamespace(detection=found)
    assert upload_layout.form_heading(refused) == (
        "Which column is the student (id or name), and which columns are scores?"
    )
    fitted = SimpleNamespace(detection=_detect("star_sr_v2"))
    assert upload_layout.form_heading(fitted) == "Adjust how this file is read"
    assert upload_layout.form_heading(SimpleNamespace(detection=None)) == "Adjust how this file is read"
