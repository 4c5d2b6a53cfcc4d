"""The school's own settings: the floor under which a skill lags (ARCHITECTURE.md section 4).

A skill lags when it is well below the other skills of its test (the median), and also when
too few of the students are proficient, whatever the other skills do: under the school's
floor (50% unless a leader changes it on School priorities). The floor lives in the database
(``school.lagging_floor``, migration 0012) so the pages and the command line read the same
value; a change is written to the audit log.
"""

from __future__ import annotations

import math
from typing import Any

from collabplan import audit
from collabplan.access import Viewer
from collabplan.db import Database
from collabplan.errors import UserError

#: The floor of a school that has not set its own: half the students proficient.
DEFAULT_FLOOR = 50.0


def lagging_floor(db: Database) -> float:
    """The school's floor in % proficient (0–100); the default when none was set."""
    value = db.scalar("SELECT lagging_floor FROM school ORDER BY id LIMIT 1")
    return DEFAULT_FLOOR if value is None else float(value)


def check_floor(value: Any) -> float:
    """``value`` as a floor, or a :class:`UserError` saying what a person must type."""
    try:
        floor = float(value)
    except (TypeError, ValueError):
        raise UserError(f"the floor must be a number from 0 to 100, not {value!r}",
                        kind="input") from None
    if math.isnan(floor) or not 0 <= floor <= 100:
        raise UserError(f"the floor must be from 0 to 100 (% proficient), not {value!r}",
                        kind="input")
    return round(floor, 1)


def set_lagging_floor(db: Database, value: Any, *, viewer: Viewer, who: str | None = None
                      ) -> float:
    """Set the school's floor (a leader only); audited as "setting" with the old and new value.

    ``who`` names the person in the audit row (default: the viewer's own name). A school
    without a row yet gets one (its name empty until the school names itself).
    """
    if viewer.role != "leader":
        raise UserError("Only a leader changes the school's settings", kind="access")
    floor = check_floor(value)
    old = lagging_floor(db)
    with db.transaction() as cur:
        row = cur.execute("SELECT id FROM school ORDER BY id LIMIT 1").fetchone()
        if row is None:
            cur.execute("INSERT INTO school (id, name, lagging_floor) VALUES (1, '', ?)", [floor])
        else:
            cur.execute("UPDATE school SET lagging_floor = ? WHERE id = ?", [floor, row[0]])
        if floor != old:
            audit.record(cur, who or viewer.who, "setting",
                         f"lagging floor {old:g}% -> {floor:g}% proficient")
    return floor
