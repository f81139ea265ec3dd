"""Reading a CSV text into rows keyed by column, with every header problem reported.

Every cell passes :func:`~salesfunnel.render.restore_cell` here, once: the
``'`` that the writers put before a cell a spreadsheet would run as a formula
(``'=1+1``) comes off again, so a written file reads back equal.
"""

from __future__ import annotations

import csv
import io
import operator
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

import attrs

from salesfunnel.io._columns import MARKS, normalise
from salesfunnel.io._csv_limit import lifted_limit
from salesfunnel.io.problems import Problem
from salesfunnel.render import restore_cell

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable

__all__ = [
    "Header",
    "Row",
    "RowMaker",
    "Table",
    "check_header",
    "malformed",
    "parse_table",
    "raw_records",
]


class Row(NamedTuple):
    """One record: the line it starts on and its cells by column.

    A named tuple, not an attrs class: a reader makes one per line of a file,
    millions of them, and a tuple is built in one step.
    """

    line: int
    cells: Mapping[str, str]
    mark: str | None = None


@attrs.frozen
class Table:
    """A parsed file: the headers as written per column, the rows and the problems."""

    name: str
    headers: Mapping[str, str]
    rows: tuple[Row, ...]
    problems: tuple[Problem, ...]
    #: ``False`` when a required column is missing: no row can be built.
    usable: bool


def stage_mark(
    name: str, line: int, cells: list[str], marks: Mapping[int, str]
) -> tuple[str | None, list[Problem]]:
    chosen = [(i, cells[i].strip()) for i in marks if i < len(cells) and cells[i].strip()]
    if not chosen:
        return None, [
            Problem(
                name, line, None, None, "no stage column is marked", "mark the current stage with ●"
            )
        ]
    problems = [
        Problem(
            name, line, None, text, f"{text!r} is not a stage mark", "mark the current stage with ●"
        )
        for _, text in chosen
        if text not in MARKS
    ]
    if len(chosen) > 1:
        problems.append(
            Problem(
                name,
                line,
                None,
                None,
                f"{len(chosen)} stage columns are marked",
                "mark exactly one stage: the current one",
            )
        )
    return (marks[chosen[0][0]] if not problems else None), problems


def _records(name: str, text: str) -> tuple[list[str], list[tuple[int, list[str]]], Problem | None]:
    """Split the text into the header and ``(line, cells)`` records."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    header: list[str] = []
    quoted = "'" in text  # no cell can start with the formula guard otherwise
    try:
        with lifted_limit():
            header = [restore_cell(c) for c in next(reader)]
            last = reader.line_num
            for cells in reader:
                if quoted:
                    cells = [restore_cell(c) if c[:1] == "'" else c for c in cells]  # noqa: PLW2901
                records.append((last + 1, cells))
                last = reader.line_num
    except csv.Error as err:
        return header, records, malformed(name, reader.line_num or 1, err)
    return header, records, None


def malformed(name: str, line: int, err: csv.Error) -> Problem:
    """The problem of a CSV text the ``csv`` module cannot split, at ``line``."""
    return Problem(
        name,
        line,
        None,
        None,
        f"the CSV text is malformed ({err})",
        "check the quoting: a cell with a comma, quote or line break is written "
        'in "double quotes", with "" for a quote inside',
    )


def raw_records(name: str, text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Return the header and every ``(line, cells)`` record, unchecked (empty when malformed)."""
    header, records, broken = _records(name, text)
    return (header, records) if broken is None else ([], [])


@attrs.define
class Header:
    """The header being read: columns found, stage-mark columns and problems."""

    name: str
    columns: dict[str, int] = attrs.Factory(dict)
    written: dict[str, str] = attrs.Factory(dict)
    marks: dict[int, str] = attrs.Factory(dict)
    problems: list[Problem] = attrs.Factory(list)

    def bad(self, column: str, why: str, fix: str) -> None:
        self.problems.append(Problem(self.name, 1, column, None, why, fix))


def header_fields(
    name: str,
    header: list[str],
    records: list[tuple[int, list[str]]],
    aliases: Mapping[str, str],
    ignore: Collection[str],
    stage_marks: Mapping[str, str],
    *,
    unknown: str = "problem",
) -> Header:
    out = Header(name)
    skip = {h.strip() for h in ignore}
    known = ", ".join(dict.fromkeys(aliases.values()))
    for i, raw in enumerate(header):
        head = raw.strip()
        key = normalise(head)
        column = aliases.get(key)
        if head in skip:
            continue
        if not head:
            if any(i < len(c) and c[i].strip() for _, c in records):
                out.bad(
                    f"#{i + 1}",
                    f"column {i + 1} has values but no header",
                    "give it a header or delete it",
                )
        elif column is None and key in stage_marks:
            out.marks[i] = stage_marks[key]
        elif column is None and unknown == "ignore":
            continue
        elif column is None:
            hint = ""
            if len(header) == 1 and (";" in head or "\t" in head):
                hint = "the file seems to be separated by ';' or tabs: save it with commas; "
            out.bad(
                head,
                "unknown column",
                f"{hint}the known columns are {known}; rename it, or skip it on purpose "
                f"(ignore=[{head!r}], --ignore {head!r})",
            )
        elif column in out.columns:
            out.bad(
                head,
                f"gives {column} a second time (also column {out.written[column]!r})",
                "keep one of the two columns",
            )
        else:
            out.columns[column] = i
            out.written[column] = head
    if out.marks and "stage" in out.columns:
        out.bad(
            out.written["stage"],
            "the stage is given both as a column and as marked stage columns",
            "keep one of the two",
        )
    return out


#: Columns of identifiers: their cells are read without surrounding spaces,
#: as stages are, so that ``" D1 "`` and ``"D1"`` are the same deal.
_KEYS = frozenset({"id", "opportunity_id"})


def check_header(head: Header, required: Collection[str]) -> list[str]:
    """Add a problem for each required column ``head`` lacks; return those columns."""
    missing = [c for c in required if c not in head.columns and not (c == "stage" and head.marks)]
    for column in missing:
        head.bad(
            column, "required column is missing", f"add a column {column!r} (or one of its aliases)"
        )
    return missing


class RowMaker:
    """Turns the ``(line, cells)`` records under a checked header into :class:`Row` values.

    Blank records are skipped; a record of the wrong width, or a report form's
    row without exactly one stage mark, is a problem instead of a row.
    """

    def __init__(self, name: str, head: Header, width: int) -> None:
        self.name = name
        self.head = head
        self.width = width
        self.names = tuple(head.columns)
        picks = tuple(head.columns.values())
        # one C call picks a row's cells in column order (itemgetter of one index gives a str)
        self.pick = operator.itemgetter(*picks) if len(picks) > 1 else None
        self.keys = tuple(_KEYS.intersection(self.names))

    def rows(self, records: Iterable[tuple[int, list[str]]], problems: list[Problem]) -> list[Row]:
        """The rows of ``records``; each problem goes to ``problems``, in file order."""
        name, head, width, names, pick, keys = (
            self.name,
            self.head,
            self.width,
            self.names,
            self.pick,
            self.keys,
        )
        rows: list[Row] = []
        for line, cells in records:
            if not (cells and cells[0].strip()) and not any(c.strip() for c in cells):
                continue
            if len(cells) != width:
                problems.append(
                    Problem(
                        name,
                        line,
                        None,
                        None,
                        f"has {len(cells)} cells but the header has {width}",
                        "check for a missing or extra comma, or an unquoted comma in a cell",
                    )
                )
                continue
            mark = None
            if head.marks:
                mark, mark_problems = stage_mark(name, line, cells, head.marks)
                problems.extend(mark_problems)
                if mark is None:
                    continue
            if pick is not None:
                row = dict(zip(names, pick(cells), strict=True))
            else:
                row = {c: cells[i] for c, i in head.columns.items()}
            for key in keys:
                row[key] = row[key].strip()
            rows.append(Row(line, row, mark))
        return rows


def parse_table(
    name: str,
    text: str,
    *,
    aliases: Mapping[str, str],
    required: Collection[str],
    ignore: Collection[str] = (),
    stage_marks: Mapping[str, str] | None = None,
    unknown: str = "problem",
) -> Table:
    """Split ``text`` into rows of cells keyed by column, checking the header.

    Args:
        name: The file name, for problems.
        text: The decoded text.
        aliases: Normalised header to column.
        required: Columns that must be present.
        ignore: Headers (as written) to skip on purpose.
        stage_marks: Normalised report-form stage header to stage key; when
            such columns are present the stage comes from the marked one.
        unknown: ``"problem"`` reports a header that names no column;
            ``"ignore"`` skips it (an import mapping's choice).
    """
    header, records, broken = _records(name, text)
    if broken is not None:
        return Table(name, {}, (), (broken,), usable=False)
    head = header_fields(name, header, records, aliases, ignore, stage_marks or {}, unknown=unknown)
    missing = check_header(head, required)
    problems = head.problems
    rows = RowMaker(name, head, len(header)).rows(records, problems)
    return Table(name, head.written, tuple(rows), tuple(problems), usable=not missing)
