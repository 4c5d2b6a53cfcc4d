"""Starting texts for the visioning guide: a definition of collaborative planning, a sample
vision statement and sample shared values with what each means.

They are offered on the page as editable starting points: a button copies one into a box,
the team rewrites it in its own words, and nothing is stored until the team saves. No
function here writes; the texts are plain constants so tests and the demo can use them.
"""

from __future__ import annotations

#: The guide's definition, offered in step 2 as a start for the school's own.
GUIDE_DEFINITION = (
    "Collaborative planning is teachers and support staff meeting regularly, on protected "
    "time, to plan teaching together. We look at our students' work and results, agree what "
    "they need to learn next, share what works, and leave with a plan that each of us will "
    "use in our own classroom, and then check together whether it helped."
)

#: One sample vision statement, offered in steps 5 and 6 as a start for a draft.
SAMPLE_STATEMENT = (
    "In our school every teacher plans with colleagues, so that every student, every day, is "
    "taught from a shared picture of what they know and what they need next. We will "
    "be a place where adults learn together, trust each other enough to say what is not "
    "working, and celebrate what our students achieve."
)

#: Sample shared values, each with a one-line meaning, offered in step 7.
SAMPLE_VALUES: tuple[tuple[str, str], ...] = (
    ("Trust", "We can say what is not working without fear of blame."),
    ("Respect", "Every voice is heard, and we assume good intentions."),
    ("Equity", "Every student gets what they need to learn, not the same for all."),
    ("Curiosity", "We ask why, try new ideas and look at the evidence."),
    ("Shared responsibility", "All students are our students, not only the ones in our room."),
    ("Growth", "Adults and students alike keep learning and improving."),
    ("Celebration", "We notice and share what is working, for students and for staff."),
)
