"""One thin ipywidgets module per lesson; they compose library functions only.

- :mod:`safetylab.widgets.file_says` — "What your photo file says" (lesson 3)
"""

from __future__ import annotations

__all__ = ["file_says"]


def __getattr__(name: str):
    if name in __all__:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(name)
