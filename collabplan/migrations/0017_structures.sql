-- Collaboration structures (issue 18, deliverable 5): the school's record of the seven
-- structures of its guides, mentoring pairs with their coaching cycles, and the hand-written
-- entries of the "share what works" log. Entries the goal board's adopted ideas make are read
-- from `action` (migration 0013) and never copied here.
-- No foreign keys (as in 0001/0002): the code keeps references consistent inside transactions.

CREATE SEQUENCE structures_id_seq START 1;

-- One row per structure the school has recorded (keys fixed in collabplan/workspace/structures.py).
CREATE TABLE school_structure (
    structure VARCHAR PRIMARY KEY,         -- plc | common_planning | cross_role | mentoring | relationships | community | distributed
    runs VARCHAR,                          -- runs | planning | not_now
    owner VARCHAR,                         -- who looks after it (a person or a group)
    time_text VARCHAR,                     -- when it happens, e.g. "Tuesdays 2:45–3:30"
    how_often VARCHAR,                     -- e.g. "weekly", "twice a term"
    status VARCHAR,                        -- not_started | starting | running | needs_attention
    next_step VARCHAR,                     -- the next dated step, shown on the calendar
    next_step_on DATE,
    notes VARCHAR,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by VARCHAR                     -- the signed-in person; NULL without sign-in
);

-- A mentor and a mentee. The e-mail addresses (optional) tie the pair to sign-in: the mentor
-- may record the pair's coaching cycles, mentor and mentee may read their notes.
CREATE TABLE mentoring_pair (
    id INTEGER PRIMARY KEY DEFAULT nextval('structures_id_seq'),
    mentor VARCHAR NOT NULL,
    mentee VARCHAR NOT NULL,
    focus VARCHAR,
    started_on DATE,
    mentor_email VARCHAR,
    mentee_email VARCHAR,
    added_by VARCHAR
);

-- One coaching cycle of a pair (observe, reflect, set a goal, follow up).
CREATE TABLE coaching_cycle (
    id INTEGER PRIMARY KEY DEFAULT nextval('structures_id_seq'),
    pair_id INTEGER NOT NULL,
    started_on DATE NOT NULL
);

-- One step of a cycle: its planned day, the day it was done, a short note.
CREATE TABLE coaching_step (
    cycle_id INTEGER NOT NULL,
    step VARCHAR NOT NULL,                 -- observe | reflect | set_goal | follow_up
    planned_on DATE,
    done_on DATE,
    note VARCHAR,
    updated_by VARCHAR,
    PRIMARY KEY (cycle_id, step)
);

-- "Share what works": what worked, which team (NULL: the whole school), how others can use it,
-- where and when it was shared. Written by hand; adoptions on the goal board are read live.
CREATE TABLE share_entry (
    id INTEGER PRIMARY KEY DEFAULT nextval('structures_id_seq'),
    what VARCHAR NOT NULL,
    team_id INTEGER,
    how_to_use VARCHAR,
    shared_where VARCHAR,
    shared_on DATE,
    added_by VARCHAR,
    added_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
