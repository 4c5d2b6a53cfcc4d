"""``python -m collabplan …``: see collabplan/cli.py."""

import sys

from collabplan.cli import main

if __name__ == "__main__":
    sys.exit(main())
