"""One thin ipywidgets module per lesson; they compose library functions only.

- :mod:`safetylab.widgets.face_key` — "Your face is a search key" (lesson 1)
- :mod:`safetylab.widgets.clues` — "Your background gives away the place" (lesson 2)
- :mod:`safetylab.widgets.file_says` — "What your photo file says" (lesson 3)
- :mod:`safetylab.widgets.permanence` — "Screenshots are forever" (lesson 4)
- :mod:`safetylab.widgets.policy` — "Your photo policy": report card and policy writer (lesson 5)
- :mod:`safetylab.widgets.chat` — chat practice scenarios (lessons 5 and 6)
- :mod:`safetylab.widgets.evidence` — the evidence kit and the five steps (lesson 6)
"""

from __future__ import annotations

__all__ = ["face_key", "clues", "file_says", "permanence", "policy", "chat", "evidence"]


def __getattr__(name: str):
    if name in __all__:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(name)
