-- Slim score storage. A score row used to repeat who sat the test, when, from which upload
-- and in which grade/class/teacher, for every skill and question. Those now live once per
-- sitting, the skill/question names once per upload (measure), and each score keeps only its
-- two ids and its values (score_value). `score` stays readable as a view with the old
-- columns (less `raw`: nothing read it; points/max_points hold the raw score).
--
-- ids are given by the writer inside its write transaction (collabplan/ingest/store.py:
-- max(id) + 1 + position), so there is no sequence. No PRIMARY KEY/UNIQUE on them: an index
-- makes a 100,000-sitting insert about half again as slow and the file three times as large,
-- and nothing looks a sitting up by id alone (reads join whole ranges). Score values are
-- stored in sitting order, so a read of some sittings skips the rest of score_value by its
-- min/max statistics.

-- One row per distinct (upload, administration, student, grade, class_name, teacher).
CREATE TABLE sitting (
    id INTEGER NOT NULL,
    upload_id INTEGER NOT NULL,
    administration_id INTEGER NOT NULL,
    student_id INTEGER NOT NULL,
    grade VARCHAR,
    class_name VARCHAR,
    teacher VARCHAR
);

-- The skills (item IS NULL) and questions (item IS NOT NULL) of one upload.
CREATE TABLE measure (
    id INTEGER NOT NULL,
    upload_id INTEGER NOT NULL,
    skill VARCHAR NOT NULL,
    item VARCHAR
);

CREATE TABLE score_value (
    sitting_id INTEGER NOT NULL,
    measure_id INTEGER NOT NULL,
    points DOUBLE,
    max_points DOUBLE,
    fraction DOUBLE,
    level VARCHAR,
    proficient BOOLEAN
);

-- Move the rows of an existing database. Sittings and measures are numbered in the order
-- their first score row was written; grade/class/teacher/item may be NULL, which GROUP BY
-- and IS NOT DISTINCT FROM treat as one value.
CREATE TEMP TABLE old_score AS SELECT rowid AS pos, * FROM score;

INSERT INTO sitting
SELECT row_number() OVER (ORDER BY first_pos)::INTEGER, upload_id, administration_id,
       student_id, grade, class_name, teacher
FROM (
    SELECT upload_id, administration_id, student_id, grade, class_name, teacher,
           min(pos) AS first_pos
    FROM old_score GROUP BY ALL
)
ORDER BY first_pos;

INSERT INTO measure
SELECT row_number() OVER (ORDER BY first_pos)::INTEGER, upload_id, skill, item
FROM (SELECT upload_id, skill, item, min(pos) AS first_pos FROM old_score GROUP BY ALL)
ORDER BY first_pos;

INSERT INTO score_value
SELECT si.id, m.id, o.points, o.max_points, o.fraction, o.level, o.proficient
FROM old_score o
JOIN sitting si
  ON si.upload_id = o.upload_id AND si.administration_id = o.administration_id
 AND si.student_id = o.student_id AND si.grade IS NOT DISTINCT FROM o.grade
 AND si.class_name IS NOT DISTINCT FROM o.class_name
 AND si.teacher IS NOT DISTINCT FROM o.teacher
JOIN measure m
  ON m.upload_id = o.upload_id AND m.skill = o.skill AND m.item IS NOT DISTINCT FROM o.item
ORDER BY si.id, o.pos;

DROP TABLE old_score;
DROP TABLE score;

-- What every reader queries: one row per score, as the old table had them.
CREATE VIEW score AS
SELECT si.upload_id, si.administration_id, si.student_id, m.skill, m.item,
       v.points, v.max_points, v.fraction, v.level, v.proficient,
       si.grade, si.class_name, si.teacher
FROM score_value v
JOIN sitting si ON si.id = v.sitting_id
JOIN measure m ON m.id = v.measure_id;
