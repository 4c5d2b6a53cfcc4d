-- Team members are listed in the order they were added (the facilitator rotation follows
-- it). That order was each row's place in the file (rowid), which the shared PostgreSQL store
-- has no equivalent of; it is now a column of its own.
ALTER TABLE team_member ADD COLUMN added_order INTEGER;
UPDATE team_member SET added_order = rowid + 1;
