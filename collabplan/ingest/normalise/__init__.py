"""Raw sheets + a mapping -> long score rows and students, computed in memory.

:mod:`.prepare` (``prepare``, ``prepare_sheets``, ``warm_up``, ``Prepared``) runs the steps in
order: :mod:`.control` (hidden control characters removed from every text cell, once),
:mod:`.sheets` (where each sheet's header, skill and points-possible rows are),
:mod:`.rows` (a row per source row: ids, names, keys, why a row is skipped, student numbers),
:mod:`.cells` (which cells hold scores), :mod:`.values` (what each cell says, and why it gives no
score), :mod:`.scores` (each score once; :mod:`.typed` for typed number columns),
:mod:`.sittings` (administrations and sittings), :mod:`.students`. Each step takes plain values
(:class:`.job.Job`, frozen dataclasses, Arrow tables) and returns its result; :mod:`.sql` and
:mod:`.tables` hold the SQL fragments and query helpers they share. Nothing here touches the
application database.
"""
