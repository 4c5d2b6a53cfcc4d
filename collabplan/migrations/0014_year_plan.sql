-- The school year around the goal (issue 18): a team's year plan and its staff-meeting shares.
-- One row per dated thing the team planned. Rows the plan generator wrote carry
-- `source_key` (what made them: "checkin:09-15", "share", "midyear", "target") so generating
-- again offers only what is missing and never overwrites the team's edits (a moved date or a
-- new title keeps its key). Rows added by hand have no key.
-- A staff-meeting share is a row of kind 'staff_share': which meeting (`staff_meeting`), which
-- team shares (`team_id`) and what (`title`).
-- No foreign keys (as in 0001): the code keeps references consistent inside transactions.
CREATE SEQUENCE year_item_id_seq START 1;

CREATE TABLE year_item (
    id INTEGER PRIMARY KEY DEFAULT nextval('year_item_id_seq'),
    team_id INTEGER NOT NULL,
    goal_id INTEGER,
    kind VARCHAR NOT NULL,                 -- checkin | signpost | staff_share | plan
    title VARCHAR NOT NULL,
    on_date DATE NOT NULL,
    detail VARCHAR,
    staff_meeting VARCHAR,                 -- staff_share: which staff meeting
    done BOOLEAN NOT NULL DEFAULT false,
    source_key VARCHAR,
    added_by VARCHAR,
    added_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
