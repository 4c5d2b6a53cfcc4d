-- Sittings and measures take their ids as max(id) + 1 (collabplan/ingest/store.py). When the
-- consistency check on open (collabplan/integrity.py) removes rows a torn import left, it
-- records here the largest id they had, so the next import's ids start after it and an id
-- named in the audit log is never given to another row. name: 'sitting' or 'measure'.
CREATE TABLE id_floor (
    name VARCHAR PRIMARY KEY,
    last_id BIGINT NOT NULL
);
