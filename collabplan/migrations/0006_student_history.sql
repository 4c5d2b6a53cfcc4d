-- What each upload did to students, so that undoing it puts them back.
-- No foreign keys (as in 0001): the importer and the undo keep these consistent inside their
-- write transactions (collabplan/ingest/load.py, collabplan/ingest/students.py).

-- Every student an upload named, whether it created the student or found it stored: undo
-- removes the students that no other upload names (a roster-only upload has no sittings).
CREATE TABLE upload_student (
    upload_id INTEGER NOT NULL,
    student_id INTEGER NOT NULL
);

-- The values a student had before an upload changed its name, grade, class, teacher or id
-- (one row per student changed by that upload); undo writes them back.
CREATE TABLE student_change (
    upload_id INTEGER NOT NULL,
    student_id INTEGER NOT NULL,
    local_id VARCHAR,
    display_name VARCHAR,
    first_name VARCHAR,
    last_name VARCHAR,
    grade VARCHAR,
    class_name VARCHAR,
    teacher VARCHAR
);

-- Uploads made before this migration: the students their scores and group rows name (a
-- roster-only upload of that time named none that can be found again).
INSERT INTO upload_student
SELECT upload_id, student_id FROM sitting
UNION
SELECT upload_id, student_id FROM student_group WHERE upload_id IS NOT NULL;
