-- The people who may sign in (docs/signin.md) and their role (collabplan/access.py):
-- leader | coach | teacher. Only used when sign-in is configured ([auth] in
-- .streamlit/secrets.toml); the app without sign-in is one person at one computer.
-- email is kept lower-cased (the provider's claim is compared lower-cased too).
CREATE SEQUENCE person_id_seq START 1;

CREATE TABLE person (
    id INTEGER PRIMARY KEY DEFAULT nextval('person_id_seq'),
    email VARCHAR NOT NULL UNIQUE,
    role VARCHAR NOT NULL,                 -- leader | coach | teacher
    name VARCHAR,
    added_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    added_by VARCHAR
);

-- The teams a teacher belongs to (their students and uploads). Leaders and coaches see
-- every team whatever rows they have here.
CREATE TABLE person_team (
    person_id INTEGER NOT NULL,
    team_id INTEGER NOT NULL,
    PRIMARY KEY (person_id, team_id)
);
