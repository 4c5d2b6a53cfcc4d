"""The school year around the goal: one calendar of every dated thing, the year plan a team
generates from its goal and then edits, and the calendar as .ics."""
