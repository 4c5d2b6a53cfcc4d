-- The school's collaboration workspace: visioning, teams (norms, stages, meetings),
-- theories of action and the anonymous collaboration-health survey.
-- Teams and their members are `team` and `team_member` from 0001; meetings link to `goal`.
-- No foreign keys (as in 0001): the code keeps references consistent inside transactions.

CREATE SEQUENCE ws_id_seq START 1;

-- 1. Visioning ------------------------------------------------------------------------

-- Who takes part in the visioning work, and in what role.
CREATE TABLE vision_stakeholder (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    name VARCHAR NOT NULL,
    role VARCHAR NOT NULL
);

-- One row: the school's working definition and the statement the group agreed on.
CREATE TABLE vision (
    id INTEGER PRIMARY KEY,
    definition VARCHAR,
    statement VARCHAR,
    agreed_on DATE,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- The seven criteria for success (keys fixed in collabplan/workspace.py), rated by the group.
CREATE TABLE vision_criterion (
    criterion VARCHAR PRIMARY KEY,
    rating VARCHAR,                        -- already_true | opportunity | challenging
    notes VARCHAR,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Brainstorm sticky notes: what collaborative planning is, is not, and what matters most.
CREATE TABLE brainstorm_note (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    kind VARCHAR NOT NULL,                 -- is | is_not | matters_most
    body VARCHAR NOT NULL,
    themes VARCHAR[] NOT NULL DEFAULT []
);

-- Individual vision statement drafts; `ticks` are the criteria the group agrees the draft meets.
CREATE TABLE vision_draft (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    author VARCHAR,
    body VARCHAR NOT NULL,
    ticks VARCHAR[] NOT NULL DEFAULT []
);

CREATE TABLE shared_value (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    name VARCHAR NOT NULL,
    meaning VARCHAR
);

-- Communication plan: each time the vision is shared, how, with whom, and whether it happened.
CREATE TABLE communication_step (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    planned_on DATE NOT NULL,
    way VARCHAR NOT NULL,                  -- staff meeting, newsletter, hallway display …
    audience VARCHAR,
    status VARCHAR NOT NULL DEFAULT 'planned'   -- planned | done
);

-- 2. Teams ---------------------------------------------------------------------------

-- Per team: weekly protected time, its stage of growth.
CREATE TABLE team_workspace (
    team_id INTEGER PRIMARY KEY,
    protected_time VARCHAR,                -- e.g. "Tuesdays 2:45-3:30"
    minutes_per_week INTEGER,
    stage VARCHAR,                         -- forming | norming | performing | sustaining
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE team_norm (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    team_id INTEGER NOT NULL,
    body VARCHAR NOT NULL,
    agreed_on DATE,
    revisited_on DATE
);

-- What the school does to support teams at each stage (school-wide).
CREATE TABLE stage_support (
    stage VARCHAR PRIMARY KEY,
    support VARCHAR
);

-- One meeting's agenda, anchored on the four PLC questions, closing with a next step.
CREATE TABLE team_meeting (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    team_id INTEGER NOT NULL,
    goal_id INTEGER,
    met_on DATE NOT NULL,
    facilitator VARCHAR,
    learn VARCHAR,                         -- what should students learn?
    know VARCHAR,                          -- how will we know they have learned it?
    not_yet VARCHAR,                       -- what if they don't?
    already VARCHAR,                       -- what if they already have?
    next_step VARCHAR,
    next_step_who VARCHAR,
    next_step_by DATE
);

-- 3. Theory of action ----------------------------------------------------------------

CREATE TABLE theory_of_action (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    condition VARCHAR NOT NULL,
    where_now VARCHAR,
    where_next VARCHAR,
    why VARCHAR,
    barrier VARCHAR,
    approach VARCHAR,
    if_we VARCHAR,
    then_ VARCHAR,
    lead_to VARCHAR,
    purpose_vision VARCHAR,
    purpose_people VARCHAR,
    purpose_plan VARCHAR,
    data_gathered VARCHAR,
    results VARCHAR,
    decision VARCHAR,                      -- revisit | next_condition
    next_condition VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE toa_action (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    toa_id INTEGER NOT NULL,
    what VARCHAR NOT NULL,
    who VARCHAR,
    starts_on DATE,
    by_when DATE NOT NULL,
    how_we_know VARCHAR,
    done BOOLEAN NOT NULL DEFAULT false
);

-- 4. Collaboration health survey -----------------------------------------------------

-- A survey round. Answers are taken while open; results are shown only once closed,
-- so nobody can learn one person's answers by comparing results before and after.
CREATE TABLE survey_round (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    label VARCHAR NOT NULL UNIQUE,
    opened_on DATE NOT NULL,
    closed BOOLEAN NOT NULL DEFAULT false,
    responses INTEGER NOT NULL DEFAULT 0
);

-- Anonymous by construction: answers are only ever counted, never stored as rows. No
-- respondent, no time, no link between one person's answers to different items.
CREATE TABLE survey_tally (
    round_id INTEGER NOT NULL,
    item VARCHAR NOT NULL,
    value INTEGER NOT NULL,                -- 1 (strongly disagree) … 5 (strongly agree)
    answers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, item, value)
);
