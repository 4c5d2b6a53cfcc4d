-- Visioning in full (issue 18): the session's set-up and agenda, the notes of its rounds
-- (the opening round, notice and wonder) and a consensus mark per step of the guide.
-- The agreed statement's date now lives in vision_consensus (step 'statement', the guide's
-- 6E); vision.agreed_on is copied there below and no longer read.

-- One row (id = 1): when and where the visioning session is held, and for how long.
CREATE TABLE vision_session (
    id INTEGER PRIMARY KEY,
    held_on DATE,
    starts_at TIME,
    place VARCHAR,
    minutes INTEGER,                       -- the guide: about 90
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Minutes the agenda gives each of the eight steps (keys in collabplan/workspace/vision_session.py).
CREATE TABLE vision_agenda (
    step VARCHAR PRIMARY KEY,
    minutes INTEGER NOT NULL
);

-- What people said in the session's rounds: the opening round (current experiences of
-- collaborative planning) and step 2's "what do you notice / what do you wonder".
CREATE TABLE vision_session_note (
    id INTEGER PRIMARY KEY DEFAULT nextval('ws_id_seq'),
    kind VARCHAR NOT NULL,                 -- opening | notice | wonder
    body VARCHAR NOT NULL,
    who VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- The group's agreement on a step: when, who was there, and the words agreed (the
-- definition, the statement, the values) so a later change to them shows.
CREATE TABLE vision_consensus (
    step VARCHAR PRIMARY KEY,
    agreed_on DATE NOT NULL,
    present VARCHAR[] NOT NULL DEFAULT [],
    note VARCHAR,
    agreed_text VARCHAR,
    marked_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

INSERT INTO vision_consensus (step, agreed_on, agreed_text)
SELECT 'statement', agreed_on, statement FROM vision
WHERE id = 1 AND agreed_on IS NOT NULL AND statement IS NOT NULL;
