"""Synthetic exports laid out like the real files teams download, with the truth to check them,
and the demo school built from them.

``students`` (rosters and standings), ``truth`` (what a generated file holds), ``files``
(deterministic csv/xlsx bytes), ``vendors`` and ``trackers`` (one generator per export
layout), ``large`` (benchmark files), ``demo`` and ``demo_workspace`` (the demo school).
"""
