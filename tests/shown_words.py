"""What a teacher reads on a page, piece by piece, and the checks on its words.

:func:`shown_pieces` walks an AppTest page the way a reader's eye does: every Markdown body,
caption, alert, metric, widget label, option and help text, expander and tab title; every
shown table's column headings (the column_config label, else the column name) and cells (as
the column's number format would print them; a missing cell is what Streamlit draws for it,
"None"); and every Plotly figure's visible text: titles, axis titles, tick labels, legend
names, annotations, bar and point labels, hover templates (their literal parts) and the
category values a chart draws on an axis. :func:`word_problems` then lists what a teacher
should never read: "None", "nan", "NaT", "(s)", "1 goals", raw decimals, snake_case names and
command-line flags. Shared by tests/pages/test_teacher_words.py (and any walk that wants it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest


@dataclass(frozen=True)
class Piece:
    """One thing on screen: ``where`` (element and part) and its ``text``."""

    where: str
    text: str


#: Proto fields that are data, ids or settings, never words on screen.
_NOT_WORDS = {
    "id", "key", "formId", "type", "arrowData", "data", "spec", "theme", "useContainerWidth",
    "columns", "columnOrder", "selectionMode", "editingMode", "icon", "pageScriptHash",
    "pageName", "urlPath", "iconName", "format", "widthConfig", "heightConfig", "color",
    "default", "value", "rawValues", "setValue", "disabled", "labelVisibility", "width",
    "height", "step", "min", "max", "dataType", "placeholder_", "deltaColor", "deltaArrow",
    "chartColor", "chartData", "mimeType", "url", "fileName", "acceptMultipleFiles",
    "maxUploadSizeMb", "clickMode", "style", "selectionVisualization", "fragmentId",
    "formatString", "showTime", "numericTimestamp", "isEmpty", "name", "scriptRunId",
}
_WORD_FIELDS = {"body", "label", "help", "options", "placeholder", "caption", "delta",
                "text", "title", "displayValue", "formattedValue"}


def _proto_words(fields: object, path: str) -> Iterator[Piece]:
    if isinstance(fields, dict):
        for key, value in fields.items():
            if key in _NOT_WORDS:
                continue
            yield from _proto_words(value, f"{path}.{key}")
    elif isinstance(fields, list):
        for value in fields:
            yield from _proto_words(value, path)
    elif isinstance(fields, str) and path.rsplit(".", 1)[-1] in _WORD_FIELDS:
        yield Piece(path, fields)


def _cell(value: object, fmt: str | None) -> str:
    """A cell as st.dataframe draws it: missing -> "None"; a printf number format applied."""
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return "None"
    if fmt and isinstance(value, (int, float)) and not isinstance(value, bool):
        if fmt == "percent":
            return f"{value * 100:.2f}%"
        if re.search(r"%[-+ 0#]*\d*(\.\d+)?[dfis]", fmt):
            try:
                return fmt % value
            except (TypeError, ValueError):
                return str(value)
        return str(value)
    if isinstance(value, (pd.Timestamp, dt.date, dt.time)):
        return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else str(value)
    return str(value)


def _table_pieces(node, where: str) -> Iterator[Piece]:
    fields = MessageToDict(node.proto)
    config = json.loads(fields.get("columns") or "{}")
    df = node.value
    if not isinstance(df, pd.DataFrame):
        return
    order = fields.get("columnOrder") or list(df.columns)
    for column in df.columns:
        conf = config.get(str(column), {})
        if conf.get("hidden") or str(column) not in [str(c) for c in order]:
            continue
        label = conf.get("label") or str(column)
        yield Piece(f"{where} heading", label)
        fmt = (conf.get("type_config") or {}).get("format")
        # An empty cell of an editable date column is Streamlit's date picker waiting to be
        # filled (its faded placeholder cannot be changed); every other empty cell is read.
        picker = (fields.get("editingMode", "READ_ONLY") != "READ_ONLY" and not conf.get("disabled")
                  and (conf.get("type_config") or {}).get("type") in ("date", "datetime", "time"))
        for value in df[column].tolist():
            if picker and _cell(value, None) == "None":
                continue
            yield Piece(f"{where} column {label!r}", _cell(value, fmt))
    index_conf = config.get("_index", {})
    if not (index_conf.get("hidden") or fields.get("hideIndex")) and not isinstance(
            df.index, pd.RangeIndex):
        for value in df.index.tolist():
            yield Piece(f"{where} row name", _cell(value, None))


#: A template field shown without a number format: %{y}, %{customdata[1]} (not %{y:.0f}).
_RAW_FIELD = re.compile(r"%\{(x|y|z|customdata|text|marker\.size)(?:\[(\d+)\])?\}")


def _flat(values: object) -> list:
    """A trace's data as a flat list (a heatmap's z is rows of values)."""
    if not isinstance(values, list):
        return []
    if values and all(isinstance(v, list) for v in values) and not any(
            isinstance(x, str) for v in values for x in v):
        return [x for v in values for x in v]
    return values


_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d([T ][\d:.]+)?$")
_TEMPLATE = re.compile(r"%\{[^}]*\}|<extra>.*?</extra>|<[^>]+>")


def _figure_pieces(figure: dict, where: str) -> Iterator[Piece]:
    layout = figure.get("layout", {})

    def title(obj: object) -> str | None:
        if isinstance(obj, dict):
            return obj.get("text") if isinstance(obj.get("text"), str) else None
        return obj if isinstance(obj, str) else None

    if t := title(layout.get("title")):
        yield Piece(f"{where} title", t)
    for key, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*|coloraxis", key) and isinstance(axis, dict):
            if t := title(axis.get("title")):
                yield Piece(f"{where} {key} title", t)
            for tick in axis.get("ticktext") or []:
                yield Piece(f"{where} {key} tick", str(tick))
            bar = axis.get("colorbar") or {}
            if t := title(bar.get("title")):
                yield Piece(f"{where} colour bar title", t)
    if t := title((layout.get("legend") or {}).get("title")):
        yield Piece(f"{where} legend title", t)
    for note in layout.get("annotations") or []:
        if isinstance(note.get("text"), str):
            yield Piece(f"{where} annotation", note["text"])
    for trace in figure.get("data", []):
        kind = trace.get("type", "trace")
        shown_in_legend = trace.get("showlegend", True) is not False
        if isinstance(trace.get("name"), str) and trace["name"] and shown_in_legend:
            yield Piece(f"{where} {kind} name", trace["name"])
        for key in ("hovertemplate", "texttemplate"):
            templates = trace.get(key)
            for template in templates if isinstance(templates, list) else [templates]:
                if isinstance(template, str):
                    yield Piece(f"{where} {kind} {key}", _TEMPLATE.sub(" ", template))
        for key in ("hovertemplate", "texttemplate"):  # unformatted %{y} shows the raw number
            templates = trace.get(key)
            for template in templates if isinstance(templates, list) else [templates]:
                for field, index in _RAW_FIELD.findall(template if isinstance(template, str) else ""):
                    values = trace.get(field)
                    if index and isinstance(values, list):  # customdata[1]: per point
                        values = [v[int(index)] for v in values
                                  if isinstance(v, list) and int(index) < len(v)]
                    for value in _flat(values):
                        if isinstance(value, float):
                            yield Piece(f"{where} {kind} {key} {field}", repr(value))
        for key in ("text", "hovertext"):
            values = trace.get(key)
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    yield Piece(f"{where} {kind} {key}", _TEMPLATE.sub(" ", str(value)))
        for axis in ("x", "y"):  # categories drawn as tick labels
            values = trace.get(axis)
            if isinstance(values, list) and any(isinstance(v, str) for v in values):
                for value in values:
                    if isinstance(value, str) and not _ISO_DATE.match(value):
                        yield Piece(f"{where} {kind} {axis} label", value)
            if kind == "heatmap" and isinstance(values, list):
                for value in values:
                    if value is None:
                        yield Piece(f"{where} {kind} {axis} label", "None")
        hover_off = trace.get("hoverinfo") in ("skip", "none", "text", "name", "text+name")
        if not trace.get("hovertemplate") and not hover_off:  # Plotly's own hover: raw numbers
            for axis in ("x", "y", "z"):
                values = trace.get(axis)
                flat = values if isinstance(values, list) else []
                if flat and isinstance(flat[0], list):
                    flat = [v for row in flat for v in row]
                for value in flat:
                    if isinstance(value, float):
                        yield Piece(f"{where} {kind} default hover {axis}", repr(value))


def shown_pieces(at: AppTest, *, sidebar: bool = False) -> list[Piece]:
    """Every piece of text the page (and the sidebar, if asked) puts in front of a reader."""
    pieces: list[Piece] = []
    for root in (at.main, at.sidebar) if sidebar else (at.main,):
        for node in root:
            kind = getattr(node, "type", type(node).__name__)
            proto = getattr(node, "proto", None)
            if kind in ("arrow_data_frame", "dataframe", "table"):
                pieces += _table_pieces(node, kind)
                continue
            if proto is None or not hasattr(proto, "DESCRIPTOR"):
                continue
            fields = MessageToDict(proto)
            if kind == "plotly_chart":
                pieces += _figure_pieces(json.loads(fields["spec"]), "chart")
                continue
            pieces += _proto_words(fields, kind)
            if kind in ("text_input", "text_area") and isinstance(fields.get("default"), str):
                pieces.append(Piece(f"{kind} value", fields["default"]))  # what the box holds
    for toast in at.toast:
        pieces.append(Piece("toast", toast.value))
    return pieces


#: Nouns a page counts; "1 goals" (and "1 goal serve") must not be read.
COUNTED_NOUNS = (
    "goals", "students", "agendas", "dates", "skills", "teams", "scores", "rows", "files",
    "uploads", "actions", "signposts", "teachers", "classes", "assessments", "windows",
    "members", "items", "questions", "points", "days", "weeks", "months", "priorities",
    "groups", "answers", "changes", "notes", "names", "columns", "responses", "people",
    "meetings", "norms", "values", "statements", "rounds", "revisions", "ideas", "comments",
    "steps", "tests", "grades", "records", "sheets", "values", "levels", "targets",
)
_ONE_PLURAL = re.compile(
    r"(?<![\d.,])\b1\s+(?:more\s+|other\s+|new\s+|lagging\s+)?(" + "|".join(COUNTED_NOUNS)
    + r")\b", re.IGNORECASE)
#: "1 goal serve", "1 team work": a singular subject with a plural verb.
_ONE_VERB = re.compile(r"(?<![\d.,])\b1\s+(goal|team|student|skill)\s+(serve|work|need|are|have"
                       r"|lag|meet|share|were)\b", re.IGNORECASE)
_MISSING = re.compile(r"(?<![\w'])(None|nan|NaN|NaT|null|undefined)(?![\w'])")
_MAYBE_PLURAL = re.compile(r"\w\(s\)|\(es\)", re.IGNORECASE)
#: A number with two or more decimals that is not part of a dotted code (RL.3.10, 3.NF.1).
_LONG_DECIMAL = re.compile(r"(?<![\w.])\d+\.\d{2,}(?![\w.]|\.\d)")
_SNAKE = re.compile(r"(?<![\w./\\@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./@-])")
_CLI_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
_COMMAND = re.compile(r"`[^`]*\b(skills|growth|equity|import|goals?|users|report|demo)\b[^`]*`"
                      r"|\bpython -m\b|\bcollabplan (skills|import|goals|users|report)\b")
#: Raw column names a chart or table may carry by mistake.
RAW_HEADINGS = {"straight line", "expected", "pct_proficient", "pct_below_proficient", "n",
                "n_students", "value", "variable", "index", "count", "mean", "administration_id",
                "skill_id", "color", "colour", "label", "level_rank", "status"}


#: What is not read as words: style sheets, HTML tags, Material icon names.
_MARKUP = re.compile(r"<style>.*?</style>|<[^>]+>|:material/[a-z_]+:", re.DOTALL)


def word_problems(piece: Piece) -> list[str]:
    """What is wrong with one piece's words (empty when it reads as a teacher's words)."""
    text = _MARKUP.sub(" ", piece.text)
    found = []
    checks = ((_MISSING, "{!r} shown"), (_MAYBE_PLURAL, '"(s)" instead of the right form {!r}'),
              (_ONE_PLURAL, "{!r}"), (_ONE_VERB, "{!r}"), (_LONG_DECIMAL, "raw decimal {}"),
              (_SNAKE, "code name {!r}"), (_CLI_FLAG, "command {!r}"), (_COMMAND, "command {!r}"))
    for pattern, say in checks:
        found += [say.format(m.group(0)) for m in pattern.finditer(text)]
    label = text.strip()
    table_heading = piece.where.endswith("heading") and re.match(r"[a-z]", label)
    if table_heading or (piece.where.endswith(("title", " name")) and label in RAW_HEADINGS):
        found.append(f"heading not in words {label!r}")
    return found


def problems(pieces: list[Piece]) -> list[str]:
    """Every problem, once, as "where: what: text"."""
    out = []
    for piece in pieces:
        for problem in word_problems(piece):
            line = f"{piece.where}: {problem}: {piece.text[:120]!r}"
            if line not in out:
                out.append(line)
    return out
