"""Raw sheets + a mapping -> long score rows and students, computed in memory.

The steps, in the order :func:`collabplan.ingest.normalise.prepare.prepare_sheets` runs them:
``sheets`` (where each sheet's header, skill and points-possible rows are), ``rows`` (one row per
source row: ids, names, keys, why a row is skipped, student numbers), ``cells`` (which cells hold
scores and what they say), ``scores`` (each score once; ``typed`` for typed number columns),
``sittings`` (administrations and sittings), ``students``. Each step takes plain values and the
private in-memory DuckDB connection and returns Arrow tables or frozen values; nothing here
touches the application database.
"""
