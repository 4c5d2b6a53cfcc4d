"""The standard code at the start of a skill name, so one standard is one skill everywhere.

Assessments name the same standard differently: a tracker says "RI.7.6", a Canvas export
"RI.7.6 Author's point of view", a CFA "RI.7.6: Author's point of view". The coach view and
the goal board match skills across assessments by this code (:func:`skill_key`) and show the
fullest name (:func:`fullest_label`).

A code is the first word of the name when it reads like a standard: two or more parts joined
by ``.`` or ``-``, each part an upper-case abbreviation (``RL``, ``MD``, ``HSA``), a number with
an optional letter (``3``, ``4a``, ``4A``) or a grade band (``9-10``), with at least one number
and at least one letter. That covers Common Core (``RL.3.1``, ``3.MD.1``, ``3.NF.A.1``,
``K.CC.4``, ``HSA-REI.B.3``, ``RL.9-10.1``), Florida B.E.S.T. (``MA.3.AR.1.1``,
``ELA.7.R.1.1``) and TEKS (``3.4A``, ``3.4(A)``). A leading ``CCSS.ELA-LITERACY.`` or
``CCSS.MATH.CONTENT.`` is dropped. Plain numbers ("4.2 Fractions") and words ("Reading
Comprehension: Literature", "2-digit addition") are not codes: those skills match by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from collabplan.ingest.patterns import compile_pattern

_PART = r"(?:[A-Z]{1,6}|\d{1,3}[A-Za-z]?|\d{1,2}-\d{1,2})"
#: The code, then the end of the name or a separator (space, colon, dash, comma, bracket).
_CODE = compile_pattern(
    r"^(?P<code>" + _PART + r"(?:[.-]" + _PART + r")+(?:\([A-Za-z]\))?)\.?(?:[\s:;,)\x{2013}\x{2014}-]|$)",
    where="the standard code pattern",
    max_length=None,
)
_PREFIX = re.compile(r"^\s*CCSS\.(?:ELA-LITERACY|MATH\.CONTENT)\.", re.I)
_SPACES = re.compile(r"\s+")


def standard_code(skill: str | None) -> str | None:
    """The standard code a skill name starts with ("RI.7.6"), or None when it has none."""
    if not isinstance(skill, str):
        return None
    name = _PREFIX.sub("", skill.strip())
    match = _CODE.search(name)
    if match is None:
        return None
    code = match.group("code")
    if not re.search(r"\d", code) or not re.search(r"[A-Za-z]", code):
        return None  # "4.2" is a lesson number; a code names a strand or domain too
    return code


def skill_key(skill: str) -> str:
    """What makes two skill names the same skill: the code (case aside, "3.4(A)" = "3.4A"),
    else the name itself (case and runs of spaces aside)."""
    code = standard_code(skill)
    if code is not None:
        return "code:" + code.replace("(", "").replace(")", "").casefold()
    return "name:" + _SPACES.sub(" ", str(skill).strip()).casefold()


def fullest_label(names: Iterable[str]) -> str:
    """The name to show for names of one skill: the longest ("RI.7.6 Author's point of view"
    over "RI.7.6"); of equally long ones, the most frequent, then the first in sort order."""
    counts: dict[str, int] = {}
    for name in names:
        clean = _SPACES.sub(" ", str(name).strip())
        counts[clean] = counts.get(clean, 0) + 1
    if not counts:
        raise ValueError("no skill names to choose from")
    return sorted(counts, key=lambda n: (-len(n), -counts[n], n))[0]
