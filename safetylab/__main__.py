"""``python -m safetylab ...``: the ``safetylab`` command, where its script is not on PATH (e.g. Windows).

What this does not protect against: nothing more than the command itself does
(see :mod:`safetylab.cli`).
"""

import sys

from .cli import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover - run as a program
    sys.exit(main())
