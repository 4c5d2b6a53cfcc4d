-- Core data model: school, teams, priorities, uploads, students, assessments, scores,
-- goals and everything around them. No foreign keys: DuckDB's FK checks block the
-- deletes an undo needs; the code keeps references consistent inside transactions.

CREATE SEQUENCE team_id_seq START 1;
CREATE SEQUENCE priority_id_seq START 1;
CREATE SEQUENCE upload_id_seq START 1;
CREATE SEQUENCE student_id_seq START 1;
CREATE SEQUENCE assessment_id_seq START 1;
CREATE SEQUENCE administration_id_seq START 1;
CREATE SEQUENCE goal_id_seq START 1;
CREATE SEQUENCE goal_revision_id_seq START 1;
CREATE SEQUENCE action_id_seq START 1;
CREATE SEQUENCE checkpoint_id_seq START 1;
CREATE SEQUENCE feedback_id_seq START 1;
CREATE SEQUENCE audit_id_seq START 1;
CREATE SEQUENCE review_note_id_seq START 1;

CREATE TABLE school (
    id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL
);

CREATE TABLE team (
    id INTEGER PRIMARY KEY DEFAULT nextval('team_id_seq'),
    name VARCHAR NOT NULL UNIQUE,
    grade_band VARCHAR,
    subject VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE team_member (
    team_id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    role VARCHAR
);

CREATE TABLE priority (
    id INTEGER PRIMARY KEY DEFAULT nextval('priority_id_seq'),
    title VARCHAR NOT NULL UNIQUE,
    description VARCHAR,
    position INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- One row per imported file. sha256 makes a re-upload of the same bytes a no-op.
CREATE TABLE upload (
    id INTEGER PRIMARY KEY DEFAULT nextval('upload_id_seq'),
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL UNIQUE,
    team_id INTEGER,
    uploaded_by VARCHAR,
    uploaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    mapping_name VARCHAR,
    mapping_toml VARCHAR,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_skipped INTEGER NOT NULL DEFAULT 0,
    students INTEGER NOT NULL DEFAULT 0,
    scores INTEGER NOT NULL DEFAULT 0,
    warnings VARCHAR[] NOT NULL DEFAULT []
);

-- A student is one person across uploads: keyed by local id, else by name.
CREATE TABLE student (
    id INTEGER PRIMARY KEY DEFAULT nextval('student_id_seq'),
    student_key VARCHAR NOT NULL UNIQUE,   -- 'id:<local id>' or 'name:<lower-case name>'
    local_id VARCHAR,
    display_name VARCHAR,
    first_name VARCHAR,
    last_name VARCHAR,
    grade VARCHAR,
    class_name VARCHAR,
    teacher VARCHAR
);

-- Group membership (ELL, SPED, "Ethnicity: Hispanic" …), with the upload that said so.
CREATE TABLE student_group (
    student_id INTEGER NOT NULL,
    group_name VARCHAR NOT NULL,
    upload_id INTEGER
);

CREATE TABLE assessment (
    id INTEGER PRIMARY KEY DEFAULT nextval('assessment_id_seq'),
    name VARCHAR NOT NULL UNIQUE,
    subject VARCHAR,
    kind VARCHAR NOT NULL,                 -- points | percent | level
    levels VARCHAR[],                      -- level kind: lowest first
    proficient_level VARCHAR,              -- level kind: lowest proficient level
    cut DOUBLE NOT NULL DEFAULT 0.8        -- points/percent: proficient when fraction >= cut
);

-- One sitting of an assessment. term may be NULL (then the date names it).
CREATE TABLE administration (
    id INTEGER PRIMARY KEY DEFAULT nextval('administration_id_seq'),
    assessment_id INTEGER NOT NULL,
    term VARCHAR,
    date DATE,
    label VARCHAR NOT NULL
);

-- Long scores. item IS NULL: a skill score (what every metric reads);
-- item IS NOT NULL: one question of an item-level file, rolled up into its skill's row.
-- grade / class_name / teacher are as the upload gave them, so a later upload that
-- moves a student does not rewrite history.
CREATE TABLE score (
    upload_id INTEGER NOT NULL,
    administration_id INTEGER NOT NULL,
    student_id INTEGER NOT NULL,
    skill VARCHAR NOT NULL,
    item VARCHAR,
    raw VARCHAR,
    points DOUBLE,
    max_points DOUBLE,
    fraction DOUBLE,
    level VARCHAR,
    proficient BOOLEAN,
    grade VARCHAR,
    class_name VARCHAR,
    teacher VARCHAR
);

CREATE TABLE saved_mapping (
    name VARCHAR PRIMARY KEY,
    toml VARCHAR NOT NULL,
    saved_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Goals store their query (assessment, skill, population, metric), never a typed number
-- for baseline or progress.
CREATE TABLE goal (
    id INTEGER PRIMARY KEY DEFAULT nextval('goal_id_seq'),
    team_id INTEGER NOT NULL,
    priority_id INTEGER,
    assessment_id INTEGER NOT NULL,
    skill VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,               -- pct_below_proficient | pct_proficient
    population VARCHAR NOT NULL DEFAULT '{}',   -- JSON: {"grade": "3", "class": …, "teacher": …, "group": …}
    baseline_administration_id INTEGER NOT NULL,
    target_value DOUBLE,
    target_date DATE,
    why VARCHAR,
    status VARCHAR NOT NULL DEFAULT 'draft',    -- draft | refined | active | met | not_met | revised
    follow_assessment_ids INTEGER[] NOT NULL DEFAULT [],
    next_step VARCHAR,
    what_worked VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE goal_revision (
    id INTEGER PRIMARY KEY DEFAULT nextval('goal_revision_id_seq'),
    goal_id INTEGER NOT NULL,
    changed_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    changed_by_team_id INTEGER,
    change VARCHAR NOT NULL,               -- what changed, in words
    snapshot VARCHAR NOT NULL              -- JSON of the goal row after the change
);

CREATE TABLE action (
    id INTEGER PRIMARY KEY DEFAULT nextval('action_id_seq'),
    goal_id INTEGER NOT NULL,
    what VARCHAR NOT NULL,
    who VARCHAR,
    start_date DATE,
    due_date DATE,
    status VARCHAR NOT NULL DEFAULT 'planned',  -- planned | in progress | done | dropped
    evidence VARCHAR
);

-- Signposts: scheduled check-ins on a goal, with the conversation's notes.
CREATE TABLE checkpoint (
    id INTEGER PRIMARY KEY DEFAULT nextval('checkpoint_id_seq'),
    goal_id INTEGER NOT NULL,
    date DATE NOT NULL,
    how_going VARCHAR,
    resources VARCHAR,
    decisions VARCHAR,
    done BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE feedback (
    id INTEGER PRIMARY KEY DEFAULT nextval('feedback_id_seq'),
    goal_id INTEGER NOT NULL,
    from_team_id INTEGER,
    kind VARCHAR NOT NULL,                 -- suggestion | resource | question
    body VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    answered BOOLEAN NOT NULL DEFAULT false,
    answer VARCHAR
);

CREATE TABLE review_note (
    id INTEGER PRIMARY KEY DEFAULT nextval('review_note_id_seq'),
    team_id INTEGER,
    administration_id INTEGER NOT NULL,
    body VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    happened_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    who VARCHAR,
    action VARCHAR NOT NULL,               -- export | delete | undo …
    detail VARCHAR
);
