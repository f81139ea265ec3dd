"""Tables for people and programs: aligned text, Markdown, HTML, CSV and JSON.

Every report in the library is a :class:`Table` (a title, column headers and
rows of cells) and :func:`render` turns it into one of the :data:`FORMATS`.
Text output aligns columns by *display* width, so Chinese labels (two columns
wide on a terminal) line up with English ones; numbers are right-aligned.

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
import unicodedata
from datetime import date
from decimal import Decimal
from html import escape
from typing import Literal, get_args

from salesfunnel.errors import FunnelError
from salesfunnel.tables import Cell, Table

__all__ = ["FORMATS", "Cell", "Format", "Table", "display_width", "render"]

#: An output format: aligned ``text``, ``markdown``, ``html``, ``csv`` or ``json``.
Format = Literal["text", "markdown", "html", "csv", "json"]

#: The supported formats.
FORMATS: tuple[Format, ...] = get_args(Format)


class UnknownFormatError(FunnelError, ValueError):
    """An output format other than those in :data:`FORMATS`."""


def display_width(text: str) -> int:
    """Return how many terminal columns ``text`` takes (wide CJK characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fmt(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:.4g}"
    return str(cell)


def _numeric(cell: Cell) -> bool:
    return isinstance(cell, (int, float, Decimal)) and not isinstance(cell, bool)


def _json_cell(cell: Cell) -> object:
    if isinstance(cell, Decimal):
        return str(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return cell


def render(table: Table, fmt: Format | Literal["md"] = "text") -> str:
    """Render ``table`` in ``fmt`` (``"md"`` is ``"markdown"``).

    JSON is an object ``{"title", "columns", "rows"}`` with money as strings
    (exact decimals) and dates in ISO 8601; CSV has a header row.

    Raises:
        UnknownFormatError: For a format not in :data:`FORMATS`.
    """
    if fmt == "md":
        fmt = "markdown"
    texts = [[_fmt(c) for c in row] for row in table.rows]
    right = [
        bool(table.rows) and all(_numeric(r[i]) or r[i] is None for r in table.rows)
        for i in range(len(table.headers))
    ]
    if fmt == "text":
        widths = [
            max([display_width(h)] + [display_width(r[i]) for r in texts])
            for i, h in enumerate(table.headers)
        ]

        def line(cells: list[str]) -> str:
            out = []
            for i, c in enumerate(cells):
                pad = " " * (widths[i] - display_width(c))
                out.append(pad + c if right[i] else c + pad)
            return "  ".join(out).rstrip()

        lines = [table.title] if table.title else []
        lines += [line(list(table.headers)), line(["-" * w for w in widths])]
        lines += [line(r) for r in texts]
        if table.note:
            lines.append(table.note)
        return "\n".join(lines)
    if fmt == "markdown":
        lines = [f"**{table.title}**", ""] if table.title else []
        lines.append("| " + " | ".join(table.headers) + " |")
        lines.append("| " + " | ".join("---:" if r else "---" for r in right) + " |")
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in texts]
        if table.note:
            lines += ["", table.note]
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
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(table.headers)
        writer.writerows(texts)
        return buf.getvalue().rstrip("\n")
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
