"""Colours for lesson widgets: the Okabe–Ito palette, safe for colour-blind viewers.

The palette's orange, vermillion and green are too light for TEXT on a white page
(contrast 2.3–3.9 : 1, below WCAG's 4.5 : 1). :func:`text_colour` gives a darker
shade of the same hue for text; the original colours stay for borders, fills and
figures. Colour is never the only signal: every coloured word also says what it means.

What this does not protect against: colours help reading; every coloured word
still says what it means in text.
"""

from __future__ import annotations

from .._html import escape

__all__ = ["text_colour", "TEXT_SHADES", "verdict_html", "table_html", "risk_list_html"]

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


_CELL = 'style="text-align:left;padding:0.2em 0.8em 0.2em 0"'


def verdict_html(linked: bool, yes: str, no: str) -> str:
    """"Still linked" (vermillion, filled dot) or "not linked" (blue, hollow dot), as bold text.

    The dot's shape carries the meaning too, so it never rests on colour alone.
    """
    colour, mark = ("#D55E00", "&#9679;") if linked else ("#0072B2", "&#9675;")
    return (f'<span style="color:{text_colour(colour)};font-weight:bold">{mark} '
            f'{escape(yes if linked else no)}</span>')


def table_html(caption: str, head, rows) -> str:
    """An accessible table: a caption, column headers, and each row's first cell as its header.

    Cells are HTML already (escape text before passing it); the caption and headers are escaped.
    """
    cols = "".join(f'<th scope="col" {_CELL}>{escape(h)}</th>' for h in head)
    body = "".join("<tr>" + f'<th scope="row" {_CELL}>{r[0]}</th>'
                   + "".join(f"<td {_CELL}>{c}</td>" for c in r[1:]) + "</tr>" for r in rows)
    return (f'<table style="font-size:1.05em;border-collapse:collapse"><caption style="text-align:left;'
            f'font-weight:bold;padding-bottom:0.3em">{escape(caption)}</caption><tr>{cols}</tr>'
            f"{body}</table>")


#: Okabe-Ito colour of each risk level; the word (:data:`safetylab.plain.RISK_LABELS`) carries the meaning.
_LEVEL_COLOURS = {"high": "#D55E00", "medium": "#E69F00", "low": "#0072B2"}


def risk_list_html(risks, empty: str = "") -> str:
    """Findings (anything with ``.level`` and ``.message``) as a list, each led by its level in words.

    ``empty`` is said when there are none. Used for a file's risks (lesson 3) and the
    report card's automatic checks (lesson 5) alike.

    Examples
    --------
    >>> from safetylab.report import Risk
    >>> out = risk_list_html([Risk("gps", "high", "The file holds the exact spot.")])
    >>> "Important:" in out and "[high]" not in out
    True
    """
    from ..plain import risk_label

    items = "".join(
        f'<li><span style="color:{text_colour(_LEVEL_COLOURS.get(r.level, "#111111"))};font-weight:bold">'
        f"{escape(risk_label(r.level))}:</span> {escape(r.message)}</li>" for r in risks)
    return f"<ul>{items}</ul>" if items else (f"<p>{escape(empty)}</p>" if empty else "")
