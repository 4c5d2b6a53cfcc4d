-- Ideas that spread between teams (issue 17): an action a team adopted from another team's
-- action, or from a suggestion or resource left as feedback, keeps where it came from and
-- when. NULL: the team wrote the action itself (every action before this migration).
ALTER TABLE action ADD COLUMN adopted_from_action_id INTEGER;
ALTER TABLE action ADD COLUMN adopted_from_feedback_id INTEGER;
ALTER TABLE action ADD COLUMN adopted_at TIMESTAMP;
