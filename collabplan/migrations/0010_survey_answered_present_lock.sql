-- 1. One answer per signed-in person per survey round, kept apart from the answers.
--
-- The answers stay in survey_tally (0002): counters per (round, item, value), created when the
-- round opens, so they carry no person, no time and no order of answering. The fact of
-- answering lives here, and shares nothing with survey_tally but the round:
-- `person` is HMAC-SHA256 of the lower-cased email under the round's own random key
-- (survey_round_key). Closing or deleting a round deletes its key and these rows, so once a
-- round is closed not even who answered it is kept. Without sign-in nothing is written here.
CREATE TABLE survey_answered (
    round_id INTEGER NOT NULL,
    person VARCHAR NOT NULL,
    PRIMARY KEY (round_id, person)
);

CREATE TABLE survey_round_key (
    round_id INTEGER PRIMARY KEY,
    secret VARCHAR NOT NULL
);

-- 2. Staff-meeting links that keep projection mode on (collabplan/present_lock.py).
-- Only the SHA-256 of a link's token is stored, so reading the database gives no working link.
CREATE TABLE present_lock (
    token_hash VARCHAR PRIMARY KEY,
    made_by VARCHAR,
    made_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT false
);
