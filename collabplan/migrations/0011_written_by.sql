-- Writes carry the person (issue 16, "Who sees what" in docs/security.md): the signed-in
-- person's email beside the team that already was recorded. NULL: written before sign-in
-- existed, or by the app without sign-in (one person at this computer), or the command line.
ALTER TABLE feedback ADD COLUMN posted_by VARCHAR;
ALTER TABLE goal_revision ADD COLUMN changed_by VARCHAR;
ALTER TABLE review_note ADD COLUMN updated_by VARCHAR;
ALTER TABLE action ADD COLUMN added_by VARCHAR;
