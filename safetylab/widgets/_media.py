"""An image widget that carries a text alternative.

ipywidgets' ``Image`` renders an ``<img>`` with no ``alt`` (and setting a tooltip
on it breaks its view in ipywidgets 8), so screen readers get nothing. ``AltImage``
keeps the same Python interface the lesson widgets use — ``.value`` (the encoded
bytes) and ``.alt`` — and shows the picture as an ``<img alt=...>`` in an HTML view.

What this does not protect against: an alt text describes the picture; it does
not make the picture safe to share.
"""

from __future__ import annotations

import base64

import ipywidgets as w

from .._html import escape

__all__ = ["AltImage"]


class AltImage(w.VBox):
    """A picture with a text alternative; set ``.value`` (bytes) and ``.alt`` (text)."""

    def __init__(self, *, format: str = "png", width: int | None = None, layout=None):
        self._format = format
        self._width = width
        self._value = b""
        self._alt = ""
        self.view = w.HTML()
        super().__init__([self.view], layout=layout or w.Layout())

    @property
    def value(self) -> bytes:
        return self._value

    @value.setter
    def value(self, data: bytes) -> None:
        self._value = bytes(data or b"")
        self._render()

    @property
    def alt(self) -> str:
        return self._alt

    @alt.setter
    def alt(self, text: str) -> None:
        self._alt = text or ""
        self._render()

    def _render(self) -> None:
        if not self._value:
            self.view.value = ""
            return
        size = f"width:{self._width}px;" if self._width else "max-width:100%;"
        data = base64.b64encode(self._value).decode("ascii")
        self.view.value = (f'<img alt="{escape(self._alt)}" '
                           f'src="data:image/{self._format};base64,{data}" style="{size}height:auto">')
