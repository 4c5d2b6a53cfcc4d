-- The school's floor for "lagging" (ARCHITECTURE.md section 4, issue 17): a skill whose
-- pct_proficient is under it lags whatever the median of its test. A school setting, set by
-- a leader on School priorities; 50 (half the students proficient) unless changed.
ALTER TABLE school ADD COLUMN lagging_floor DOUBLE DEFAULT 50;
