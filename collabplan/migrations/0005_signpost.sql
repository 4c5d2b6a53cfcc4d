-- The scheduled check-ins with notes are "signposts"; "checkpoint" means a later testing
-- window at which a goal's progress is measured. Rename the table to say so.
-- DuckDB cannot rename a sequence, so the table is rebuilt: new sequence, rows copied with
-- their ids, the sequence moved past both the largest id and the old sequence (audit rows
-- name signpost ids, so a deleted one's id is never given again), the old table and
-- sequence dropped. No other table, view or key refers to it.
CREATE SEQUENCE signpost_id_seq START 1;

CREATE TABLE signpost (
    id INTEGER PRIMARY KEY DEFAULT nextval('signpost_id_seq'),
    goal_id INTEGER NOT NULL,
    date DATE NOT NULL,
    how_going VARCHAR,
    resources VARCHAR,
    decisions VARCHAR,
    done BOOLEAN NOT NULL DEFAULT false
);

INSERT INTO signpost (id, goal_id, date, how_going, resources, decisions, done)
SELECT id, goal_id, date, how_going, resources, decisions, done FROM checkpoint ORDER BY id;

SELECT count(nextval('signpost_id_seq')) FROM range((
    SELECT greatest(
        (SELECT coalesce(max(id), 0) FROM checkpoint),
        (SELECT coalesce(max(last_value), 0) FROM duckdb_sequences()
         WHERE sequence_name = 'checkpoint_id_seq' AND schema_name = 'main'
           AND database_name = current_database())
    )
));

DROP TABLE checkpoint;
DROP SEQUENCE checkpoint_id_seq;
