"""Goals: a team's measurable aim for one skill, and everything around it.

One module per job; callers import from the module that defines a name:

- ``values``: dates from any input, metric direction, missing cells (shared by the rest);
- ``lookups``: teams, assessments, administrations, skills and populations the pickers offer;
- ``baseline``: the baseline a goal starts from (frozen once posted: the baseline in force beside
  today's data), its chart, and the target check;
- ``agreed``: the team's choice when today's data gives a posted goal another baseline;
- ``impact``: what an upload would change in posted goals' baselines, and which goals an undo
  would take results from;
- ``model``: the Goal, its lifecycle, revisions and statement;
- ``advice``: suggested targets and dates, observed growth, the SMART check;
- ``progress``: checkpoints (later testing windows) against the straight line, the overview;
- ``signposts``: scheduled check-ins with leadership and their notes;
- ``actions``, ``feedback``, ``priorities``, ``board``: the plan, other teams' comments,
  school priorities, the board's cards;
- ``as_json``: ``goal add`` and ``goals --json`` (ARCHITECTURE.md section 6).
"""
