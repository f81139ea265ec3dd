"""Neutral tables: what every result lays itself out as, and the HTML notebooks show.

A :class:`Table` is a title, column headers, rows of cells and a note: data,
not presentation. Results in every domain wing produce one (their
``table()``), :func:`salesfunnel.render.render` turns one into text,
Markdown, HTML, CSV or JSON, and :class:`Tabular` gives a result its
notebook view (``_repr_html_``) from its tables, so the domain never imports
the layers that present it.

>>> t = Table("Deals", ("owner", "amount"), [("Li Wei", 1234567)])
>>> print(to_html(t))
<div class="salesfunnel" ...><table><caption ...>Deals</caption>...<td style="...text-align:right...">1,234,567</td></tr></tbody></table></div></div>
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from html import escape
from typing import Literal, TypeAlias, Union

import attrs

__all__ = [
    "CLASS_COLORS",
    "GREY",
    "Align",
    "Cell",
    "Table",
    "Tabular",
    "alignments",
    "format_cell",
    "table_html",
    "to_html",
    "wrap",
]

#: What a table cell may hold.
Cell: TypeAlias = Union[str, int, float, Decimal, date, None]  # noqa: UP007


def _cells(rows: Iterable[Iterable[Cell]]) -> tuple[tuple[Cell, ...], ...]:
    return tuple(tuple(r) for r in rows)


def _headers(headers: Iterable[str]) -> tuple[str, ...]:
    return tuple(headers)


@attrs.frozen
class Table:
    """A titled table: column headers and rows of cells.

    Attributes:
        title: A caption (may be empty).
        headers: The column names.
        rows: The rows; each has one cell per header.
        note: A line printed under the table (may be empty).
    """

    title: str
    headers: tuple[str, ...] = attrs.field(converter=_headers)
    rows: tuple[tuple[Cell, ...], ...] = attrs.field(converter=_cells)
    note: str = ""

    def _repr_html_(self) -> str:
        """Show the table in a notebook."""
        return to_html(self)


Align = Literal["left", "right"]

_WRAP = '<div class="salesfunnel" style="max-width:100%;overflow-x:auto">{}</div>'
#: A table and its note; the table tag itself stays bare (notebook stylesheets style it).
_BLOCK = '<div style="margin:0.2em 0 1em 0;font-size:0.92em">{}</div>'
_CAPTION = 'style="caption-side:top;text-align:left;font-weight:bold;padding:0 0 0.4em 0"'
_CELL = "padding:0.22em 0.75em;text-align:{};font-variant-numeric:tabular-nums"
_HEAD = "border-bottom:1px solid currentColor;white-space:nowrap;"
_TOTAL = "font-weight:bold;border-top:1px solid currentColor;"
_STRIPE = ' style="background:rgba(127,127,127,0.08)"'
_NOTE = '<p style="margin:0.3em 0 0.6em 0;font-size:0.85em;opacity:0.75">{}</p>'
_BADGE = (
    '<span style="display:inline-block;min-width:1.5em;text-align:center;'
    'border-radius:0.3em;background:{};color:white;font-weight:bold">{}</span>'
)
#: The grey of neutral marks.
GREY = "#9e9e9e"
#: The badge colours of ABC classes A and B (C is grey).
CLASS_COLORS = {"A": "#1b9e77", "B": "#b8860b"}


#: Text that reads as a number (``"80%"``, ``"-1,234.5"``, ``"0.065"``) lines up like one.
_NUMBER_TEXT = re.compile(r"[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s?%?")


def _numeric(cell: Cell) -> bool:
    return isinstance(cell, (int, float, Decimal)) and not isinstance(cell, bool)


def _right(cell: Cell) -> bool:
    """Whether a cell lines up on the right: a number, or text that reads as one."""
    return _numeric(cell) or (isinstance(cell, str) and _NUMBER_TEXT.fullmatch(cell) is not None)


def alignments(t: Table) -> tuple[Align, ...]:
    """Each column's alignment: right for numbers (and text that reads as one), left for text.

    Empty cells do not count; a column with nothing in it is left-aligned.

    >>> alignments(Table("", ("stage", "probability", "count"), [("Intent", "20%", 3)]))
    ('left', 'right', 'right')
    """
    out: list[Align] = []
    for i in range(len(t.headers)):
        cells = [row[i] for row in t.rows if row[i] is not None and row[i] != ""]
        out.append("right" if cells and all(_right(c) for c in cells) else "left")
    return tuple(out)


def _places(column: Iterable[Cell]) -> int:
    """Decimal places for a column's Decimals: none when all are whole, else up to four."""
    return min(
        max(
            (
                -int(c.as_tuple().exponent)
                for c in column
                if isinstance(c, Decimal) and c.is_finite() and c != c.to_integral_value()
            ),
            default=0,
        ),
        4,
    )


def format_cell(cell: Cell, places: int) -> str:
    """A cell as text: thousands separators, ``places`` decimals for a Decimal."""
    if cell is None:
        return ""
    if isinstance(cell, (str, date, bool)):
        return str(cell)
    if isinstance(cell, int):
        return f"{cell:,}"
    if isinstance(cell, float):
        return f"{cell:,.4g}"
    return f"{cell:,.{places}f}" if cell.is_finite() else str(cell)


def table_html(
    t: Table,
    *,
    total: bool = False,
    align: Sequence[Align] | None = None,
    badges: int | None = None,
    raw: int | None = None,
) -> str:
    """The table's HTML, not wrapped; column ``raw`` holds HTML already (not escaped)."""
    columns: list[tuple[Cell, ...]] = [
        tuple(row[i] for row in t.rows) for i in range(len(t.headers))
    ]
    places = [_places(col) for col in columns]
    sides: Sequence[Align] = align or alignments(t)
    head = "".join(
        f'<th style="{_HEAD}{_CELL.format(a)}">{escape(h)}</th>'
        for h, a in zip(t.headers, sides, strict=True)
    )
    body = []
    for i, row in enumerate(t.rows):
        last = total and i == len(t.rows) - 1
        cells = []
        for j, cell in enumerate(row):
            text = str(cell) if j == raw else escape(format_cell(cell, places[j]))
            if j == badges and isinstance(cell, str) and cell:
                text = _BADGE.format(CLASS_COLORS.get(cell, GREY), text)
            cells.append(
                f'<td style="{_TOTAL if last else ""}{_CELL.format(sides[j])}">{text}</td>'
            )
        body.append(f"<tr{_STRIPE if i % 2 and not last else ''}>{''.join(cells)}</tr>")
    caption = f"<caption {_CAPTION}>{escape(t.title)}</caption>" if t.title else ""
    note = _NOTE.format(escape(t.note)) if t.note else ""
    return _BLOCK.format(
        f"<table>{caption}<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{note}"
    )


def wrap(fragment: str) -> str:
    """Wrap an HTML fragment in the library's scrolling container."""
    return _WRAP.format(fragment)


def to_html(
    *tables: Table,
    total: bool = False,
    align: Sequence[Align] | None = None,
    badges: int | None = None,
) -> str:
    """Render one or more :class:`Table` values as styled HTML.

    Numbers get thousands separators and are right-aligned (a column of
    Decimals shows as many decimal places as its values need, up to four);
    the title is the caption and the note a line under the table.

    Args:
        tables: The tables, shown one under the other.
        total: Show each table's last row as a total (bold, with a rule above).
        align: Each column's alignment, ``"left"`` or ``"right"`` (default:
            :func:`alignments`: right for columns of numbers, left for text).
        badges: The index of a column of ABC class letters to show as
            coloured badges.

    Returns:
        The HTML fragment.
    """
    return wrap("".join(table_html(t, total=total, align=align, badges=badges) for t in tables))


class Tabular:
    """A result shown in notebooks through its neutral tables.

    A subclass has a ``table(lang)`` method, or overrides :meth:`_tables`
    when it lays itself out as several tables.
    """

    __slots__ = ()

    def _tables(self) -> Sequence[Table]:
        return (self.table(),)  # type: ignore[attr-defined]

    def _repr_html_(self) -> str:
        """Show the result in a notebook, as its tables."""
        return to_html(*self._tables())
