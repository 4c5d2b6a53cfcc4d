"""Import assessment spreadsheets: check, parse, read, map, normalise, validate, load.

Each name is imported from the module that defines it, e.g. ``from collabplan.ingest.read
import read_upload`` or ``from collabplan.ingest.load import import_files``.
"""
