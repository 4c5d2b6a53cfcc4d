-- Choosing a focus (issue 18): when several skills lag in a team's results, the team rates
-- each candidate skill for interest and for capacity for growth (1-5) and sees the ratings
-- beside the data before drafting. One rating per team × assessment × skill (the latest
-- replaces the one before), with who rated it and when; and one chosen focus per team ×
-- assessment (the skill "Draft a goal" then opens on, with the testing window it came from).
CREATE TABLE focus_rating (
    team_id INTEGER NOT NULL,
    assessment_id INTEGER NOT NULL,
    skill VARCHAR NOT NULL,
    interest INTEGER NOT NULL CHECK (interest BETWEEN 1 AND 5),
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 5),
    rated_by VARCHAR,
    rated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (team_id, assessment_id, skill)
);

CREATE TABLE focus_choice (
    team_id INTEGER NOT NULL,
    assessment_id INTEGER NOT NULL,
    skill VARCHAR NOT NULL,
    administration_id INTEGER NOT NULL,
    chosen_by VARCHAR,
    chosen_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (team_id, assessment_id)
);
