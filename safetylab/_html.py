"""HTML escaping for the pages and widgets safetylab writes (package-private).

Every piece of text that goes into HTML (a file name, a learner's note, a value
read from a photo's metadata) goes through :func:`escape` first: a hostile file
can carry ``<script>`` in its comment, and it must show as text, never run.

What this does *not* protect against: HTML built without it. Modules build
their markup from literal strings and escaped values only.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["escape"]


def escape(value: Any) -> str:
    """``value`` as text safe inside HTML content and quoted attributes; ``None`` becomes ``""``.

    Examples
    --------
    >>> escape('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    >>> escape(None), escape(3)
    ('', '3')
    """
    return html.escape("" if value is None else str(value))
