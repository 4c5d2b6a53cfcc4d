-- The student table without its two indexes (PRIMARY KEY on id, UNIQUE on student_key).
-- DuckDB keeps such indexes as ART trees that are rebuilt and written at every commit: for
-- an import of 100,000 new students they cost about half a second (the string key most),
-- more than writing the students themselves. Nothing needs them: ids still come from
-- student_id_seq, and keys are unique because the importer, the one writer of students,
-- inserts only keys that are not there yet, inside its write transaction (see
-- collabplan/ingest/load.py). Reads join students by id or key with hash joins.
CREATE TABLE student_new (
    id INTEGER NOT NULL DEFAULT nextval('student_id_seq'),
    student_key VARCHAR NOT NULL,   -- 'id:<local id>' or 'name:<lower-case name>'
    local_id VARCHAR,
    display_name VARCHAR,
    first_name VARCHAR,
    last_name VARCHAR,
    grade VARCHAR,
    class_name VARCHAR,
    teacher VARCHAR
);

INSERT INTO student_new
SELECT id, student_key, local_id, display_name, first_name, last_name, grade, class_name, teacher
FROM student ORDER BY id;

DROP TABLE student;
ALTER TABLE student_new RENAME TO student;
