"""Upload-page helpers for how a file's layout was found: detection cached by the file, the
line shown beside "Layout" (which layout, how sure, the runner-up) and the heading of the
hand-mapping form (the question that decides the layout when nothing fits well)."""

from __future__ import annotations

from typing import Any

from collabplan.ingest.detect import Detection, detect_layout
from collabplan.ui.upload_memo import session_memo


def detect_cached(sheets: list[Any], sha: str, file_name: str) -> Detection:
    """:func:`detect_layout` of a file's sheets, kept with the session by the file's sha256
    and name (see upload_memo)."""
    return session_memo().get((sha, file_name, "detection"), lambda: detect_layout(sheets, file_name))


def detection_line(detection: Detection) -> str:
    """The layout detected and how sure, for beside "Layout:" ("NWEA MAP Growth results
    (preset) · high confidence (0.97) · next best: Teacher tracker (0.20)")."""
    text = f"{detection.label} · {detection.word} confidence ({detection.confidence:.2f})"
    nxt = detection.runner_up
    if nxt is not None and nxt.score > 0:
        text += f" · next best: {nxt.label} ({nxt.score:.2f})"
    return text


def form_heading(file: Any) -> str:
    """The hand-mapping form's heading: the questions that decide the layout when nothing
    fits well, else "Adjust how this file is read"."""
    if file.detection is not None and file.detection.mapping is None and file.detection.questions:
        return " ".join(file.detection.questions)
    return "Adjust how this file is read"
