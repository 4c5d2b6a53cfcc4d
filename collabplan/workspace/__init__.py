"""The school's collaboration workspace: visioning, teams, theory of action, the health survey.

``store`` holds the reads, writes and undo they share; ``vision``, ``teams``, ``theory`` and
``survey`` one workspace each. The HTML views of them are in ``collabplan.reports``; the
demo school's workspace in ``collabplan.samples.demo_workspace``.
"""
