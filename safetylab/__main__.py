"""``python -m safetylab ...``: the ``safetylab`` command, where its script is not on PATH (e.g. Windows)."""

import sys

from .cli import main

if __name__ == "__main__":  # pragma: no cover - run as a program
    sys.exit(main())
