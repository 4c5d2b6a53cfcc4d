"""Reports a leader can email or share: the self-contained HTML report (``html``), the views
of the planning workspaces (``workspace``), both rendered from Jinja2 templates with autoescape
(``render``, ``templates/``), and the goals workbook (``workbooks``).
"""
