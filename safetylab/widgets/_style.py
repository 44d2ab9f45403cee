"""Colours for lesson widgets: the Okabe–Ito palette, safe for colour-blind viewers.

The palette's orange, vermillion and green are too light for TEXT on a white page
(contrast 2.3–3.9 : 1, below WCAG's 4.5 : 1). :func:`text_colour` gives a darker
shade of the same hue for text; the original colours stay for borders, fills and
figures. Colour is never the only signal: every coloured word also says what it means.
"""

from __future__ import annotations

__all__ = ["text_colour", "TEXT_SHADES"]

#: Okabe–Ito colour -> a darker shade of the same hue with at least 5.5 : 1 contrast on white.
TEXT_SHADES = {
    "#D55E00": "#A33F00",  # vermillion
    "#E69F00": "#8A5A00",  # orange
    "#009E73": "#007558",  # bluish green
    "#56B4E9": "#1F6F9F",  # sky blue
    "#CC79A7": "#9A3F73",  # reddish purple
    "#F0E442": "#6B6300",  # yellow
}


def text_colour(colour: str) -> str:
    """A colour that is readable as text on white (the same hue, darker where needed).

    Examples
    --------
    >>> text_colour("#e69f00"), text_colour("#0072B2")
    ('#8A5A00', '#0072B2')
    """
    return TEXT_SHADES.get(colour.upper(), colour)
