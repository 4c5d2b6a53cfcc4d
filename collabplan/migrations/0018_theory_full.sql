-- Theory of action in full (issue 18): the big questions, the steps from barrier to chosen
-- approach, the purpose map as rows, the impact step's feedback plan, and anonymous staff input
-- from beyond the team. No foreign keys (as in 0001): the code keeps references consistent.

-- 1. The big questions: one answer per (theory, question key); keys fixed in theory_guide.py.
CREATE TABLE toa_answer (
    toa_id INTEGER NOT NULL,
    question VARCHAR NOT NULL,
    answer VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (toa_id, question)
);

-- 2. Why the barrier exists (several reasons), and the approaches brainstormed to remove it.
-- The barrier itself stays in theory_of_action.barrier; the chosen approach is also copied to
-- theory_of_action.approach, so the one-line reads (statement, report) keep working.
CREATE TABLE toa_reason (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    toa_id INTEGER NOT NULL,
    body VARCHAR NOT NULL
);

CREATE TABLE toa_approach (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    toa_id INTEGER NOT NULL,
    body VARCHAR NOT NULL,
    chosen BOOLEAN NOT NULL DEFAULT false
);

-- An approach written before this migration becomes the first brainstormed one, chosen.
INSERT INTO toa_approach (toa_id, body, chosen)
SELECT id, approach, true FROM theory_of_action
WHERE approach IS NOT NULL AND trim(approach) <> '' ORDER BY id;

-- 3. The purpose map: people and their roles, and the initial plan as dated steps. The vision
-- stays in theory_of_action.purpose_vision.
CREATE TABLE toa_person (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    toa_id INTEGER NOT NULL,
    who VARCHAR NOT NULL,
    role VARCHAR
);

CREATE TABLE toa_plan_step (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    toa_id INTEGER NOT NULL,
    step VARCHAR NOT NULL,
    who VARCHAR,
    starts_on DATE,
    due_on DATE                            -- NULL only for a plan written before 0018
);

-- The old "People involved" and "Initial plan" text boxes become the first row of each, so no
-- saved word is lost (a date can be added by writing the step again with one).
INSERT INTO toa_person (toa_id, who)
SELECT id, purpose_people FROM theory_of_action
WHERE purpose_people IS NOT NULL AND trim(purpose_people) <> '' ORDER BY id;

INSERT INTO toa_plan_step (toa_id, step)
SELECT id, purpose_plan FROM theory_of_action
WHERE purpose_plan IS NOT NULL AND trim(purpose_plan) <> '' ORDER BY id;

-- 4. The impact step's plan: how staff give feedback safely and how the team responds, and
-- which area of the collaboration-health survey the theory is read against.
CREATE TABLE toa_feedback_plan (
    toa_id INTEGER PRIMARY KEY,
    channel VARCHAR,                       -- e.g. a locked box in the staff room
    anonymity VARCHAR,                     -- anonymous | named | either
    timing VARCHAR,                        -- e.g. the last week of each month
    readers VARCHAR,                       -- who reads it
    respond_within VARCHAR,                -- by when
    shared_how VARCHAR,                    -- how the response is shared
    survey_area VARCHAR,                   -- a key of survey.SURVEY_AREAS
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- 5. Staff input beyond the team: rounds per theory, answered anonymously.
-- As the survey (0002, 0010): answers are only counted, never stored as rows. No respondent,
-- no time, no link between one person's answers. `condition` is the condition as asked, so
-- the statements read the same after the theory is renamed.
CREATE TABLE staff_input_round (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    toa_id INTEGER NOT NULL,
    label VARCHAR NOT NULL,
    condition VARCHAR NOT NULL,
    opened_on DATE NOT NULL,
    closes_on DATE,                        -- the planned last day (the round closes by hand)
    closed BOOLEAN NOT NULL DEFAULT false,
    responses INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE staff_input_tally (
    round_id INTEGER NOT NULL,
    item VARCHAR NOT NULL,
    value INTEGER NOT NULL,                -- 1 (strongly disagree) … 5 (strongly agree)
    answers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, item, value)
);

-- The optional "one idea": text only, keyed by a random token (no sequence, no time), so an
-- idea cannot be put back in order or next to the ratings given with it. Closing a round
-- rewrites its ideas in a new random order.
CREATE TABLE staff_input_idea (
    round_id INTEGER NOT NULL,
    token VARCHAR NOT NULL,
    body VARCHAR NOT NULL,
    PRIMARY KEY (round_id, token)
);

-- One answer per signed-in person per round, apart from the answers (as survey_answered):
-- `person` is HMAC-SHA256 of the email under the round's own random key; closing or deleting
-- the round deletes both.
CREATE TABLE staff_input_answered (
    round_id INTEGER NOT NULL,
    person VARCHAR NOT NULL,
    PRIMARY KEY (round_id, person)
);

CREATE TABLE staff_input_key (
    round_id INTEGER PRIMARY KEY,
    secret VARCHAR NOT NULL
);
