"""Tables for people and programs: aligned text, Markdown, HTML, CSV and JSON.

Every report in the library is a :class:`Table` (a title, column headers and
rows of cells) and :func:`render` turns it into one of the :data:`FORMATS`.
Text output aligns columns by *display* width, so Chinese labels (two columns
wide on a terminal) line up with English ones; numbers are right-aligned.

Output is safe to open by default (see the Safety page of the docs): a CSV
text cell that a spreadsheet would run as a formula gets a leading ``'``
(:func:`neutralise_cell`, undone by :func:`restore_cell`), Markdown escapes
HTML, and text strips terminal control sequences; ``raw=True`` writes the
cells as given.

>>> t = Table("Stages", ("stage", "count"), (("潜在商机", 3), ("intent", 12)))
>>> print(render(t, "text"))
Stages
stage     count
--------  -----
潜在商机      3
intent       12
>>> print(render(t, "markdown"))
**Stages**
<BLANKLINE>
| stage | count |
| --- | ---: |
| 潜在商机 | 3 |
| intent | 12 |
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from datetime import date
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Literal, get_args

from salesfunnel.errors import FunnelError
from salesfunnel.tables import Cell, Table

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = [
    "FORMATS",
    "FORMULA_STARTS",
    "Cell",
    "Format",
    "Table",
    "display_width",
    "document",
    "grouped",
    "neutralise_cell",
    "render",
    "restore_cell",
    "strip_controls",
]

#: An output format: aligned ``text``, ``markdown``, ``html``, ``csv`` or ``json``.
Format = Literal["text", "markdown", "html", "csv", "json"]

#: The supported formats.
FORMATS: tuple[Format, ...] = get_args(Format)


class UnknownFormatError(FunnelError, ValueError):
    """An output format other than those in :data:`FORMATS`."""


def display_width(text: str) -> int:
    """Return how many terminal columns ``text`` takes (wide CJK characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


#: The first characters that make a spreadsheet read a cell as a formula
#: (OWASP's list for CSV injection): ``=``, ``+``, ``-``, ``@``, TAB and CR.
FORMULA_STARTS = "=+-@\t\r"

# A cell to guard: a formula start, perhaps after ``'`` (so that a text that
# itself begins with ``'=`` is guarded too, and restoring is exact).
_GUARD = re.compile("'*[" + re.escape(FORMULA_STARTS) + "]")
_GUARD_FIRST = frozenset(FORMULA_STARTS + "'")  # a quick test first: most cells pass it

# Terminal escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-character
# escapes, in their 7- and 8-bit forms), then every other C0/C1 control
# character and DEL, except the line feed.
_CONTROLS = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
    r"|[\x00-\x09\x0b-\x1f\x7f-\x9f]"
)


def neutralise_cell(text: str) -> str:
    """Guard a CSV text cell that a spreadsheet would run as a formula.

    A cell that begins with one of :data:`FORMULA_STARTS` (or with ``'``
    followed by one) gets a leading ``'``, as OWASP recommends against CSV
    injection: the spreadsheet shows it as text. :func:`restore_cell` undoes it.
    Numbers are not text cells: the writers never pass them here.

    >>> neutralise_cell("=1+1"), neutralise_cell("'=1"), neutralise_cell("Acme")
    ("'=1+1", "''=1", 'Acme')
    """
    return "'" + text if text[:1] in _GUARD_FIRST and _GUARD.match(text) else text


def restore_cell(text: str) -> str:
    """Undo :func:`neutralise_cell`: ``restore_cell(neutralise_cell(t)) == t`` for every text.

    >>> restore_cell("'=1+1"), restore_cell("'quoted'")
    ('=1+1', "'quoted'")
    """
    return text[1:] if text[:1] == "'" and _GUARD.match(text, 1) else text


def strip_controls(text: str) -> str:
    r"""Remove terminal escape sequences and control characters (all but the line feed).

    >>> strip_controls("\x1b[31mred\x1b[0m\x1b]8;;https://x\x07link\x1b]8;;\x07\tok")
    'redlinkok'
    """
    return _CONTROLS.sub("", text)


def _as_is(text: str) -> str:
    return text


def _pipes(text: str) -> str:
    return text.replace("|", "\\|")


def _html(text: str) -> str:
    return escape(text, quote=False)


def _markdown(text: str) -> str:
    """Escape a Markdown cell: HTML, the column separator, and line breaks (as ``<br>``)."""
    escaped = _pipes(_html(text))
    return escaped.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def _fmt(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:.4g}"
    return str(cell)


def grouped(cell: Cell) -> str:
    """A cell as text with its thousands grouped: ``21,838,722.00`` (an exact decimal kept exact).

    English and Chinese both group digits in threes with a comma, so the
    standard library's format specification serves both languages. Floats
    (statistics) keep four significant digits; other cells are as in
    :func:`render`.

    >>> from decimal import Decimal
    >>> grouped(Decimal("21838722.00")), grouped(1234), grouped(0.125), grouped("id-1000")
    ('21,838,722.00', '1,234', '0.125', 'id-1000')
    """
    if isinstance(cell, Decimal) and cell.is_finite():
        return f"{cell:,}"
    if isinstance(cell, int) and not isinstance(cell, bool):
        return f"{cell:,}"
    if isinstance(cell, float):
        return f"{cell:,.4g}"
    return _fmt(cell)


def _numeric(cell: Cell) -> bool:
    return isinstance(cell, (int, float, Decimal)) and not isinstance(cell, bool)


def _json_cell(cell: Cell) -> object:
    if isinstance(cell, Decimal):
        return str(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return cell


def render(
    table: Table,
    fmt: Format | Literal["md"] = "text",
    *,
    raw: bool = False,
    thousands: bool = False,
) -> str:
    r"""Render ``table`` in ``fmt`` (``"md"`` is ``"markdown"``).

    JSON is an object ``{"title", "columns", "rows"}`` with money as strings
    (exact decimals) and dates in ISO 8601; CSV has a header row and
    ``\r\n`` line ends, and quotes a cell with a comma, quote or line break.

    Output is safe by default: a CSV text cell (never a number or a date)
    that begins with ``=``, ``+``, ``-``, ``@``, TAB or CR gets a leading
    ``'`` (:func:`neutralise_cell`), so a spreadsheet shows it as text and
    runs no formula; Markdown escapes HTML (``<`` becomes ``&lt;``) and
    writes line breaks in cells as ``<br>``; text strips terminal escape
    sequences and control characters (:func:`strip_controls`). HTML is
    always escaped.

    Args:
        table: The table.
        fmt: One of :data:`FORMATS`, or ``"md"``.
        raw: Write the cells of CSV, Markdown and text as given, unguarded
            (for a program that reads the output and knows it is not opened
            in a spreadsheet, a browser or a terminal).
        thousands: Group the thousands of numbers in text, Markdown and
            HTML (:func:`grouped`); CSV and JSON keep plain numbers for
            programs.

    Raises:
        UnknownFormatError: For a format not in :data:`FORMATS`.

    >>> t = Table("", ("account", "change"), [("=1+1", -5)])
    >>> render(t, "csv").split("\r\n")
    ['account,change', "'=1+1,-5"]
    >>> render(t, "csv", raw=True).split("\r\n")
    ['account,change', '=1+1,-5']
    >>> print(render(Table("", ("total",), [(Decimal("21838722.00"),)]), thousands=True))
    total
    -------------
    21,838,722.00
    """
    if fmt == "md":
        fmt = "markdown"
    show = grouped if thousands and fmt in ("text", "markdown", "html") else _fmt
    texts = [[show(c) for c in row] for row in table.rows]
    right = [
        bool(table.rows) and all(_numeric(r[i]) or r[i] is None for r in table.rows)
        for i in range(len(table.headers))
    ]
    if fmt == "text":
        clean: Callable[[str], str] = _as_is if raw else strip_controls
        texts = [[clean(c) for c in r] for r in texts]
        headers = [clean(h) for h in table.headers]
        widths = [
            max([display_width(h)] + [display_width(r[i]) for r in texts])
            for i, h in enumerate(headers)
        ]

        def line(cells: list[str]) -> str:
            out = []
            for i, c in enumerate(cells):
                pad = " " * (widths[i] - display_width(c))
                out.append(pad + c if right[i] else c + pad)
            return "  ".join(out).rstrip()

        lines = [clean(table.title)] if table.title else []
        lines += [line(headers), line(["-" * w for w in widths])]
        lines += [line(r) for r in texts]
        if table.note:
            lines.append(clean(table.note))
        return "\n".join(lines)
    if fmt == "markdown":
        cell: Callable[[str], str] = _pipes if raw else _markdown
        block: Callable[[str], str] = _as_is if raw else _html
        lines = [f"**{block(table.title)}**", ""] if table.title else []
        lines.append("| " + " | ".join(cell(h) for h in table.headers) + " |")
        lines.append("| " + " | ".join("---:" if r else "---" for r in right) + " |")
        lines += ["| " + " | ".join(cell(c) for c in r) + " |" for r in texts]
        if table.note:
            lines += ["", block(table.note)]
        return "\n".join(lines)
    if fmt == "html":
        head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
        body = "".join(
            "<tr>"
            + "".join(
                f'<td style="text-align:{"right" if right[i] else "left"}">{escape(c)}</td>'
                for i, c in enumerate(r)
            )
            + "</tr>"
            for r in texts
        )
        caption = f"<caption>{escape(table.title)}</caption>" if table.title else ""
        note = f"<p>{escape(table.note)}</p>" if table.note else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        guard: Callable[[str], str] = _as_is if raw else neutralise_cell
        writer.writerow([guard(h) for h in table.headers])
        writer.writerows(
            [guard(c) if isinstance(c, str) else _fmt(c) for c in row] for row in table.rows
        )
        return buf.getvalue().removesuffix("\r\n")
    if fmt == "json":
        return json.dumps(
            {
                "title": table.title,
                "columns": list(table.headers),
                "rows": [[_json_cell(c) for c in row] for row in table.rows],
            },
            ensure_ascii=False,
            indent=2,
        )
    raise UnknownFormatError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


_DOCUMENT = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; margin: 0 0 0.4em 0; }}
caption {{ caption-side: top; text-align: left; font-weight: bold; padding: 0 0 0.4em 0; }}
th, td {{ padding: 0.2em 0.7em; font-variant-numeric: tabular-nums; }}
th {{ border-bottom: 1px solid currentColor; text-align: left; }}
p {{ margin: 0 0 1.6em 0; font-size: 0.9em; opacity: 0.8; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def document(tables: Sequence[Table], *, lang: str = "en", title: str | None = None) -> str:
    """A whole HTML document of ``tables``, in UTF-8 (``<meta charset="utf-8">``), thousands grouped.

    ``title`` (default: the first table's title) is the page's title; ``lang``
    its ``<html lang>``. Every text is escaped.

    >>> page = document([Table("Deals", ("amount",), [(Decimal("1234.50"),)])], lang="zh")
    >>> page.startswith("<!DOCTYPE html>"), '<meta charset="utf-8">' in page, "1,234.50" in page
    (True, True, True)
    """
    name = title if title is not None else next((t.title for t in tables if t.title), "")
    body = "\n".join(render(t, "html", thousands=True) for t in tables)
    return _DOCUMENT.format(lang=escape(lang), title=escape(name), body=body)
