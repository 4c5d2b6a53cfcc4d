-- A posted goal keeps the baseline the team agreed to. When a goal becomes active its
-- baseline value and number of students are stored here (the administration is already
-- baseline_administration_id, which cannot change while the goal is posted); drafts leave
-- them empty and follow the data. baseline_kept_*: the numbers today's data gave when the
-- team last chose to keep the agreed baseline, so the notice stays away until the data
-- changes again.
-- Goals already posted in an older file are frozen from today's data right after this
-- migration (collabplan.db FOLLOW_UPS runs collabplan.goals.baseline.freeze_posted).
ALTER TABLE goal ADD COLUMN baseline_value DOUBLE;
ALTER TABLE goal ADD COLUMN baseline_students INTEGER;
ALTER TABLE goal ADD COLUMN baseline_frozen_at TIMESTAMP;
ALTER TABLE goal ADD COLUMN baseline_kept_value DOUBLE;
ALTER TABLE goal ADD COLUMN baseline_kept_students INTEGER;
