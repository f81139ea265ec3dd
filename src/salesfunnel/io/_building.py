"""Building the opportunities of a batch of rows, shared by the whole-file and the streaming readers.

Each reader splits its file into :class:`~salesfunnel.io._table.Row` values;
these functions build and check them (through
:func:`~salesfunnel.io.rows.build_opportunity`, the one copy of the row's
checks) and say which records are good, so that every reader reports the same
problems in the same words.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar

import attrs

from salesfunnel.io import _values as v
from salesfunnel.io._memo import Memo
from salesfunnel.io._table import Row
from salesfunnel.io.problems import Problem
from salesfunnel.io.rows import RowReader, build_opportunity, quick_opportunity

if TYPE_CHECKING:
    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.funnel.stages import Funnel
    from salesfunnel.io._events import Events
    from salesfunnel.io._table import Header

__all__ = [
    "RECORDS",
    "Batch",
    "Built",
    "Sink",
    "add_event_problems",
    "batch_columns",
    "build_by_columns",
    "build_columns",
    "build_rows",
    "has_amounts",
    "keep_good",
    "no_amounts",
    "orphan",
    "record_columns",
]

#: How many rows are checked between two calls of a ``progress`` hook.
PROGRESS_EVERY = 500

Built = list[tuple["Row", "Opportunity | None", list[Problem]]]

T = TypeVar("T")

#: A batch: its records (split by the ``csv`` module), or its lines and cells by column index.
Batch: TypeAlias = list[tuple[int, list[str]]] | tuple[Sequence[int], list[list[str]]]

#: How a good row is built without the row reader's calls: see ``quick_opportunity``.
Quick = Callable[
    [
        "Funnel",
        "Events | None",
        Memo,
        str,
        tuple[str, str, str, str, str, str, str, str, str],
        tuple[object, object, object, object, object, object, object, object, object],
    ],
    "T | None",
]


@attrs.frozen
class Sink(Generic[T]):
    """What a columnar read gives for each good row: a record, or the values of a frame row.

    ``quick`` builds it from the checked cells of a row whose every cell is
    good (or gives ``None``: the row is then built by the row reader), and
    ``finish`` turns a record built by the row reader into it.
    """

    quick: Quick[T]
    finish: Callable[[Opportunity], T]


def _same(opportunity: Opportunity) -> Opportunity:
    return opportunity


#: The records themselves.
RECORDS: Sink[Opportunity] = Sink(quick_opportunity, _same)


def build_rows(
    name: str,
    rows: Sequence[Row],
    headers: Mapping[str, str],
    funnel: Funnel,
    events: Events | None,
    progress: Callable[[int, int], None] | None = None,
    memo: Memo | None = None,
) -> Built:
    """Each row with the opportunity built from it (or ``None``) and its problems."""
    memo = Memo() if memo is None else memo
    built: Built = []
    total = len(rows)
    for done, row in enumerate(rows, start=1):
        reader = RowReader(name, row, headers, (), memo)
        built.append((row, build_opportunity(reader, funnel, events), reader.problems))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    return built


#: A cell with a problem (its row is read by ``build_opportunity``, which reports it).
_BAD = object()


def _parsed(
    memo: Memo, column: str, texts: Sequence[str], parser: Callable[[str], object]
) -> tuple[list[object], list[int]]:
    """Each cell's value (``None`` when empty, ``_BAD`` when bad), and the rows of the bad ones.

    Each distinct text is parsed once, by the parser ``RowReader.parse``
    uses for the column, under the same key of the memo.
    """
    table = memo[column]
    lookup: dict[str, object] = {}
    bad = False
    for text in set(texts):
        found: object = None
        if text.strip():
            found = table.get(text, table)  # the table itself: not seen yet
            if found is table:
                found = memo.miss(table, parser, text)
            if isinstance(found, v.BadValue):
                found, bad = _BAD, True
        lookup[text] = found
    values = list(map(lookup.__getitem__, texts))
    return values, [i for i, x in enumerate(values) if x is _BAD] if bad else []


def _parsers(funnel: Funnel) -> tuple[tuple[str, Callable[[str], object]], ...]:
    """The parser of each parsed column, as :func:`~salesfunnel.io.rows.build_opportunity` calls them."""
    return (
        ("stage", functools.partial(v.parse_stage, funnel=funnel)),
        ("created", v.parse_date),
        ("expected_close", v.parse_date),
        ("amount", v.parse_amount),
        ("products", functools.partial(v.parse_products, bare_ok=True)),
        ("currency", v.parse_currency),
        ("probability", v.parse_probability),
        ("facts", v.parse_facts),
        ("closed_on", v.parse_date),
    )


_TEXTS = (
    "name",
    "account",
    "owner",
    "amount",
    "products",
    "facts",
    "lost_reason",
    "notes",
    "category_override",
)


def build_columns(
    name: str,
    lines: Sequence[int],
    cells: Mapping[str, Sequence[str]],
    headers: Mapping[str, str],
    funnel: Funnel,
    events: Events | None,
    memo: Memo,
    sink: Sink[T],
) -> tuple[list[tuple[Row, list[Problem]]], list[tuple[int, str, T]]]:
    """Build the rows of a batch given column by column: the rows with a problem, and the good records.

    ``cells`` holds each column's cells (ids without surrounding spaces, as
    :class:`~salesfunnel.io._table.RowMaker` gives them) for the rows on
    ``lines``. Each column's distinct texts are parsed once; a row whose
    cells are all good is built by
    :func:`~salesfunnel.io.rows.quick_opportunity`, and any other row (or one
    that it refuses) by :func:`build_rows`' :func:`~salesfunnel.io.rows.build_opportunity`,
    so the records and problems are the row reader's. ``sink`` says what a
    good row gives (:data:`RECORDS`: its record).
    """
    count = len(lines)
    empty = ("",) * count
    nothing: list[object] = [None] * count
    slow: set[int] = set()  # an absent required column gives None values: every row is slow
    columns: list[Sequence[object]] = []
    for column, parser in _parsers(funnel):
        if column in cells:
            values, bad = _parsed(memo, column, cells[column], parser)
            slow.update(bad)
            columns.append(values)
        else:
            columns.append(nothing)
    texts = zip(*(cells.get(c, empty) for c in _TEXTS), strict=True)
    troubled: list[tuple[Row, list[Problem]]] = []
    good: list[tuple[int, str, T]] = []
    quick, finish = sink.quick, sink.finish
    for i, (line, opp_id, text, value) in enumerate(
        zip(lines, cells["id"], texts, zip(*columns, strict=True), strict=True)
    ):
        found = None if slow and i in slow else quick(funnel, events, memo, opp_id, text, value)
        if found is None:
            row = Row(line, {c: texts_[i] for c, texts_ in cells.items()})
            reader = RowReader(name, row, headers, (), memo)
            record = build_opportunity(reader, funnel, events)
            if reader.problems or record is None:
                troubled.append((row, reader.problems))
                continue
            found = finish(record)
        good.append((line, opp_id, found))
    return troubled, good


def build_by_columns(
    name: str,
    rows: Sequence[Row],
    headers: Mapping[str, str],
    funnel: Funnel,
    ev: Events | None,
    memo: Memo,
) -> Built:
    """Each row with its opportunity (or ``None``) and its problems, checked column by column.

    For the streaming reader's chunks. The rows' cells go to
    :func:`build_columns` when they have the same columns and no report-form
    stage mark (which a row carries beside its cells); any other chunk goes
    row by row through :func:`build_rows`. Both give the same records and
    problems.
    """
    keys = list(rows[0].cells) if rows else []
    if not rows or any(row.mark is not None or list(row.cells) != keys for row in rows):
        return build_rows(name, rows, headers, funnel, ev, memo=memo)
    cells = {c: [row.cells[c] for row in rows] for c in keys}
    troubled, good = build_columns(
        name, [row.line for row in rows], cells, headers, funnel, ev, memo, RECORDS
    )
    bad = {row.line: problems for row, problems in troubled}
    found = {line: opportunity for line, _, opportunity in good}
    return [
        (row, None, bad[row.line]) if row.line in bad else (row, found[row.line], [])
        for row in rows
    ]


def batch_columns(
    batch: Batch, width: int, head: Header
) -> tuple[Sequence[int], dict[str, Sequence[str]]] | None:
    """A batch's lines and cells by column name, or ``None`` when a record is odd.

    Odd: of the wrong width, or with a blank first cell (blank, or a row
    without an id): such a batch goes row by row through
    :class:`~salesfunnel.io._table.RowMaker`, which reports and skips them.
    """
    if isinstance(batch, tuple):
        lines, by_index = batch
        if not width or not all(map(str.strip, by_index[0])):
            return None
    else:
        if not width or not all(len(c) == width and c[0].strip() for _, c in batch):
            return None
        return record_columns(batch, head)
    return lines, _named(by_index, head)


def record_columns(
    records: Sequence[tuple[int, list[str]]], head: Header
) -> tuple[list[int], dict[str, Sequence[str]]]:
    """The lines and cells by column name of records of the header's width, none blank."""
    lines = [line for line, _ in records]
    return lines, _named(list(zip(*(c for _, c in records), strict=True)), head)


def _named(by_index: Sequence[Sequence[str]], head: Header) -> dict[str, Sequence[str]]:
    """Cells by column name (ids without surrounding spaces, as ``RowMaker`` gives them)."""
    cells: dict[str, Sequence[str]] = {c: by_index[i] for c, i in head.columns.items()}
    for key in ("id", "opportunity_id"):
        if key in cells:
            cells[key] = list(map(str.strip, cells[key]))
    return cells


def keep_good(built: Built, events: Events | None, problems: list[Problem]) -> list[Opportunity]:
    """The opportunities built without a problem (nor one in their events); rows' problems to ``problems``."""
    records: list[Opportunity] = []
    bad_ids = events.bad_ids if events is not None else frozenset()
    for row, opportunity, row_problems in built:
        problems.extend(row_problems)
        if bad_ids and row.cells.get("id", "") in bad_ids:
            continue
        if opportunity is not None and not row_problems:
            records.append(opportunity)
    return records


def has_amounts(headers: Mapping[str, str]) -> bool:
    """Whether a file's columns give the amounts (an amount column, or products)."""
    return "amount" in headers or "products" in headers


def no_amounts(name: str) -> Problem:
    """The problem of a file with neither an amount nor a products column."""
    return Problem(
        name,
        1,
        "amount",
        None,
        "required column is missing",
        "add an 'amount' column, or 'products' with NAME=AMOUNT entries",
    )


def orphan(name: str, line: int, opp_id: str) -> Problem:
    """The problem of events whose opportunity is not in the opportunities file."""
    return Problem(
        name,
        line,
        "opportunity_id",
        opp_id,
        "has events but no opportunity in the opportunities file",
        "add the opportunity, or remove its events",
        opp_id,
    )


def add_event_problems(
    events: Events | None, problems: list[Problem], seen: Collection[str]
) -> None:
    """Add the events file's own problems, then one for each id with events but no opportunity."""
    if events is None:
        return
    problems.extend(events.problems)
    problems.extend(
        orphan(events.name, line, opp_id)
        for opp_id, line in events.lines.items()
        if opp_id not in seen and opp_id.strip()
    )
