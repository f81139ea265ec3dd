"""Reading an opportunities file in chunks, for files larger than memory.

:func:`iter_opportunities` reads the file (and its events file) a chunk of
rows at a time and yields each chunk's opportunities once every check of the
chunk has passed: the same checks, and the same problems word for word, as
:func:`~salesfunnel.io.read_csv`, with the rows' true line numbers.

What a stream keeps between chunks is small: the line of each id seen (to
report a duplicate id), the parsed value of each distinct cell text (bounded,
see :mod:`salesfunnel.io._memo`) and the events not yet matched to a chunk.

**Nothing half-way.** A chunk is all or nothing: in strict mode the first
chunk with a problem raises one :class:`~salesfunnel.io.DataFileError`
listing every problem of that chunk, and none of its records is yielded; the
chunks yielded before it were whole and checked, and stay with the caller
(who, to import a file all or nothing, writes the chunks to a staging place
and commits once the iterator is exhausted). In lenient mode each chunk is a
:class:`~salesfunnel.io.ReadResult`: its good records and its problems.

What only a later row can reveal is reported in that row's chunk:

- a duplicate id: the later rows are reported ("also on row ..." names the
  earlier rows); the first row, already yielded, is not taken back;
- events: the events file is read alongside, in the order of the
  opportunities file (the order :func:`~salesfunnel.io.write_csv` writes).
  A chunk reads events rows until :data:`LOOKAHEAD` rows in a row name none
  of its opportunities (rows of later opportunities read on the way wait
  for their chunk); an events row of an opportunity of an earlier chunk is a
  problem, and the events of ids that never come are reported after the
  last chunk;
- a malformed CSV text (in either file) ends the stream at the chunk where
  it is found.

>>> import io
>>> text = '''id,name,account,owner,stage,created,expected_close,amount,currency
... D1,ERP rollout,Acme,Li Wei,intent,2026-01-05,2026-06-30,120000,CNY
... D2,CRM,Beta,Ann,potential,2026-02-01,2026-05-31,5000,CNY
... D3,Hardware,Gamma,Ann,potential,2026-02-01,2026-05-31,-5,CNY
... '''
>>> chunks = iter_opportunities(io.StringIO(text), chunk_size=2)
>>> [deal.id for deal in next(chunks)]
['D1', 'D2']
>>> next(chunks)
Traceback (most recent call last):
...
salesfunnel.io.problems.DataFileError: <stream>: 1 problem; nothing was imported:
  <stream> row 4, column amount ('-5'): is negative; amounts are zero or more; record a refund as its own deal
>>> [
...     len(part.records)
...     for part in iter_opportunities(io.StringIO(text), chunk_size=2, lenient=True)
... ]
[2, 0]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Literal, TypeAlias, overload

from salesfunnel.errors import OptionError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.io import _events as events_format
from salesfunnel.io._building import (
    batch_columns,
    has_amounts,
    no_amounts,
    orphan,
)
from salesfunnel.io._chunks import chunk_columns, chunk_rows
from salesfunnel.io._columns import (
    REQUIRED,
    Source,
    source_name,
    stage_mark_headers,
)
from salesfunnel.io._engine_events import ColumnEventReader
from salesfunnel.io._gc import collection_paused
from salesfunnel.io._memo import Memo
from salesfunnel.io._records import Records
from salesfunnel.io._table import Header, Row, RowMaker, check_header, header_fields
from salesfunnel.io.problems import Problem, ReadResult
from salesfunnel.io.rows import COLUMN_ALIASES

if TYPE_CHECKING:
    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.funnel.stages import Funnel

__all__ = ["iter_opportunities"]

#: Events records split into rows at a time.
_EVENT_BATCH = 10_000

#: A chunk stops reading events after this many rows in a row of other opportunities.
LOOKAHEAD = 1_000


def _head(
    name: str,
    records: Records,
    first: list[tuple[int, list[str]]],
    aliases: dict[str, str],
    ignore: tuple[str, ...],
    marks: dict[str, str],
    required: tuple[str, ...],
) -> tuple[Header, bool]:
    head = header_fields(name, records.header, first, aliases, ignore, marks)
    return head, not check_header(head, required)


class _Unnamed:
    """Columns with values but no header, reported once, in the chunk that shows them."""

    def __init__(self, header: list[str], ignore: tuple[str, ...], head: Header) -> None:
        skip = {h.strip() for h in ignore}
        reported = {p.column for p in head.problems}
        self.columns = [
            i
            for i, raw in enumerate(header)
            if not raw.strip() and raw.strip() not in skip and f"#{i + 1}" not in reported
        ]

    def check(self, name: str, records: list[tuple[int, list[str]]]) -> list[Problem]:
        found = [i for i in self.columns if any(i < len(c) and c[i].strip() for _, c in records)]
        self.columns = [i for i in self.columns if i not in found]
        return [
            Problem(
                name,
                1,
                f"#{i + 1}",
                None,
                f"column {i + 1} has values but no header",
                "give it a header or delete it",
            )
            for i in found
        ]


class _Columns:
    """A regular batch of events rows by column, and how far the chunks have read it."""

    __slots__ = ("at", "cells", "ids", "lines")

    def __init__(self, lines: Sequence[int], cells: dict[str, Sequence[str]]) -> None:
        self.lines, self.cells = lines, cells
        self.ids = cells["opportunity_id"]
        self.at = 0


class _EventStream:
    """The events file, read alongside the opportunities in their order.

    Every events row is read once, in file order, into one
    :class:`~salesfunnel.io._events.EventReader`, which keeps the state of each
    opportunity until a chunk takes it. A chunk reads on until
    :data:`LOOKAHEAD` rows in a row have named none of its opportunities.
    """

    def __init__(
        self, source: Source, funnel: Funnel, encoding: str, ignore: tuple[str, ...]
    ) -> None:
        name = self.name = source_name(source)
        self.records = Records(name, source, encoding)
        self.stream = iter(self.records)
        try:
            self._start(funnel, ignore)
        except BaseException:
            self.stream.close()  # the records' read ends here (see _closing)
            raise

    def _start(self, funnel: Funnel, ignore: tuple[str, ...]) -> None:
        """Read the first batch of events rows and the header, and set the reader up."""
        name = self.name
        first = list(islice(self.stream, _EVENT_BATCH))
        broken = self.records.broken
        head = header_fields(name, self.records.header, first, events_format.ALIASES, ignore, {})
        self.usable = not check_header(head, events_format.REQUIRED)
        # as read_events: a malformed text is the file's one problem, and it gives no events
        self.problems: list[Problem] = [] if broken is not None else head.problems
        self.reader = ColumnEventReader(name, head.written, funnel)
        self.head = head
        self.maker = RowMaker(name, head, len(self.records.header))
        self.unnamed = _Unnamed(self.records.header, ignore, head)
        self.pieces = self._pieces(first if broken is None else [])
        self.piece: _Columns | Iterator[Row] | None = None  # the piece being read
        self.told = False  # whether the malformed text was reported

    def _pieces(
        self, first: list[tuple[int, list[str]]]
    ) -> Generator[_Columns | Iterator[Row], None, None]:
        """The events rows a batch at a time: a regular batch by column, any other as its rows."""
        chunk = first
        width = len(self.records.header)
        named = "opportunity_id" in self.head.columns
        while chunk:
            columns = batch_columns(chunk, width, self.head) if named else None
            if columns is not None:
                yield _Columns(*columns)
            else:  # its rows made as they are read, so that each problem comes in its turn
                yield iter(self.maker.rows(chunk, self.problems))
            chunk = list(islice(self.stream, _EVENT_BATCH))
            self.problems.extend(self.unnamed.check(self.name, chunk))

    def _told(self) -> list[Problem]:
        """This stream's problems found so far (the malformed text once), and forget them."""
        problems, self.problems = self.problems, []
        if self.records.broken is not None and not self.told:
            problems.append(self.records.broken)
            self.told = True
        return problems

    def _read(self, ids: set[str], done: dict[str, int], late: list[Problem]) -> None:
        """Read rows until ``LOOKAHEAD`` rows in a row name none of ``ids`` (all rows if empty)."""
        quiet = 0
        while True:
            if self.piece is None:
                self.piece = next(self.pieces, None)
                if self.piece is None:
                    return
            if isinstance(self.piece, _Columns):
                quiet, whole = self._read_columns(self.piece, ids, done, late, quiet)
            else:
                quiet, whole = self._read_rows(self.piece, ids, done, late, quiet)
            if whole:
                self.piece = None
            if ids and quiet >= LOOKAHEAD:
                return

    def _read_columns(
        self, piece: _Columns, ids: set[str], done: dict[str, int], late: list[Problem], quiet: int
    ) -> tuple[int, bool]:
        """Read a regular batch's rows from where the last read stopped, column by column."""
        names, start = piece.ids, piece.at
        stop, skipped = start, []
        usable = self.usable
        for opp_id in islice(names, start, None):
            if usable and opp_id in done:
                skipped.append(stop)
                late.append(_late(self.name, piece.lines[stop], opp_id))
            stop += 1
            quiet = 0 if opp_id in ids else quiet + 1
            if ids and quiet >= LOOKAHEAD:
                break
        piece.at = stop
        if not usable:  # as read_events: every id of an unusable file is bad
            self.reader.bad.update(names[start:stop])
        elif skipped:
            keep = sorted(set(range(start, stop)).difference(skipped))
            picked = {c: [column[k] for k in keep] for c, column in piece.cells.items()}
            self.reader.add_columns([piece.lines[k] for k in keep], picked)
        else:  # a piece read to its end is dropped: at least one row is left in it
            cells = {c: column[start:stop] for c, column in piece.cells.items()}
            self.reader.add_columns(piece.lines[start:stop], cells)
        return quiet, stop == len(names)

    def _read_rows(
        self,
        rows: Iterator[Row],
        ids: set[str],
        done: dict[str, int],
        late: list[Problem],
        quiet: int,
    ) -> tuple[int, bool]:
        """Read a batch's rows one by one from where the last read stopped."""
        pending: list[Row] = []
        whole = True
        for row in rows:
            opp_id = row.cells.get("opportunity_id", "")
            if not self.usable:
                self.reader.bad.add(opp_id)
            elif opp_id in done:
                late.append(_late(self.name, row.line, opp_id))
            else:
                pending.append(row)
            quiet = 0 if opp_id in ids else quiet + 1
            if ids and quiet >= LOOKAHEAD:
                whole = False  # the iterator keeps its place
                break
        _add_rows(self.reader, pending)
        return quiet, whole

    def take(self, ids: set[str], done: dict[str, int]) -> events_format.Events:
        """The events of the opportunities ``ids``, the problems found on the way first."""
        late: list[Problem] = []
        self._read(ids, done, late)
        found = self.reader.take(ids)
        problems = (*self._told(), *found.problems, *late)
        return events_format.Events(
            found.name, found.history, found.revisions, found.lines, found.bad_ids, problems
        )

    def rest(self, done: dict[str, int]) -> list[Problem]:
        """The problems of the events rows no chunk took: orphans and late rows."""
        late: list[Problem] = []
        self._read(set(), done, late)
        lines = dict(self.reader.lines)
        problems = [*self._told(), *self.reader.take(lines).problems, *late]
        problems.extend(orphan(self.name, line, i) for i, line in lines.items() if i.strip())
        return problems


def _add_rows(reader: ColumnEventReader, rows: list[Row]) -> None:
    """Add ``rows`` (of one :class:`~salesfunnel.io._table.RowMaker`: the same columns) in order, column by column."""
    if rows:
        cells = {c: [row.cells[c] for row in rows] for c in rows[0].cells}
        reader.add_columns([row.line for row in rows], cells)


def _late(name: str, line: int, opp_id: str) -> Problem:
    return Problem(
        name,
        line,
        "opportunity_id",
        opp_id,
        "comes after the events of opportunities that follow its opportunity; a stream "
        "reads the events in the order of the opportunities file",
        "list the events in the order of the opportunities file (as write_csv writes "
        "them), or read the files whole with read_csv",
        opp_id,
    )


@overload
def iter_opportunities(
    source: Source,
    *,
    events: Source | None = None,
    chunk_size: int = 10_000,
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Iterable[str] = (),
    lenient: Literal[False] = False,
) -> Iterator[tuple[Opportunity, ...]]: ...


@overload
def iter_opportunities(
    source: Source,
    *,
    events: Source | None = None,
    chunk_size: int = 10_000,
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Iterable[str] = (),
    lenient: Literal[True],
) -> Iterator[ReadResult[Opportunity]]: ...


def iter_opportunities(
    source: Source,
    *,
    events: Source | None = None,
    chunk_size: int = 10_000,
    funnel: Funnel = DEFAULT_FUNNEL,
    encoding: str = "utf-8",
    ignore: Iterable[str] = (),
    lenient: bool = False,
) -> Iterator[tuple[Opportunity, ...]] | Iterator[ReadResult[Opportunity]]:
    """Read opportunities from a CSV file chunk by chunk (and their histories from an events file).

    The file is in the plain layout of :func:`~salesfunnel.io.read_csv`
    (its columns, Chinese headers and report-form stage marks); a mapped
    export or a CRM preset is read whole with ``read_csv``. See the module
    documentation for what a chunk holds and what "nothing half-way" means
    for a stream.

    Args:
        source: A path, or an open file (text or binary).
        events: The events file, in the order of the opportunities (as
            :func:`~salesfunnel.io.write_csv` writes it).
        chunk_size: The most rows of the opportunities file in one chunk.
        funnel: The funnel whose stages the files use.
        encoding: The files' encoding; UTF-8 (with or without a byte-order
            mark) unless named.
        ignore: Headers of columns to skip on purpose.
        lenient: Yield a :class:`~salesfunnel.io.ReadResult` per chunk (its
            good records and every problem) instead of raising.

    Yields:
        Each chunk's opportunities in file order (strict), or a
        :class:`~salesfunnel.io.ReadResult` per chunk (lenient); after the
        last chunk, lenient mode yields one more result, without records,
        when events were left that no chunk took.

    Raises:
        DataFileError: In strict mode, at the first chunk with a problem;
            in both modes, for an empty file.
        FileEncodingError: For a file that is not text in ``encoding``.
        OptionError: For a ``chunk_size`` that is not a whole number of at least 1.
        OSError: If a file cannot be opened.
    """
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise OptionError(
            f"chunk_size is {chunk_size!r}; give a whole number of rows, at least 1",
            option="chunk_size",
            value=chunk_size,
        )
    read = functools.partial(_chunks, source, events, chunk_size, funnel, encoding, tuple(ignore))
    chunks = _paused(_closing(read))
    if lenient:
        return chunks
    return _strict(source_name(source), chunks)


#: The chunks of a stream, as generators: closing one closes the files' streams.
_Chunks: TypeAlias = "Generator[ReadResult[Opportunity], None, None]"


def _paused(chunks: _Chunks) -> _Chunks:
    """Each chunk made with the cycle collector paused, as ``read_csv`` reads.

    The collector runs as usual while the caller holds a chunk: it is
    paused only while the reader works, between one chunk and the next.
    """
    try:
        while True:
            with collection_paused():
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield chunk
    finally:
        chunks.close()  # also when the caller leaves early: the files' streams close at once


def _strict(name: str, chunks: _Chunks) -> Iterator[tuple[Opportunity, ...]]:
    try:
        for chunk in chunks:
            records = chunk.raise_for_problems(name)
            if records:
                yield records
    finally:
        chunks.close()  # a chunk's error closes the files' streams, whoever keeps the error


def _closing(
    read: Callable[[list[Generator[object, None, None]]], Iterator[ReadResult[Opportunity]]],
) -> _Chunks:
    """The chunks ``read`` gives; the record streams it opens are closed when it ends, fails or is closed.

    Closing them at once (not when the collector finds them: the events
    stream's reader and its batches refer to each other) puts the ``csv``
    module's cell limit back (see :mod:`salesfunnel.io._csv_limit`).
    """
    opened: list[Generator[object, None, None]] = []
    try:
        yield from read(opened)
    finally:
        for stream in reversed(opened):
            stream.close()


def _chunks(
    source: Source,
    events: Source | None,
    chunk_size: int,
    funnel: Funnel,
    encoding: str,
    ignore: tuple[str, ...],
    opened: list[Generator[object, None, None]],
) -> Iterator[ReadResult[Opportunity]]:
    name = source_name(source)
    records = Records(name, source, encoding)
    stream = iter(records)
    opened.append(stream)
    first = list(islice(stream, chunk_size))
    head, usable = _head(
        name, records, first, COLUMN_ALIASES, ignore, stage_mark_headers(funnel), REQUIRED
    )
    problems: list[Problem] = list(head.problems)
    amounts = has_amounts(head.written)
    ev_stream = _EventStream(events, funnel, encoding, ignore) if events is not None else None
    if ev_stream is not None:
        opened.extend((ev_stream.stream, ev_stream.pieces))
    unnamed = _Unnamed(records.header, ignore, head)
    maker = RowMaker(name, head, len(records.header))
    width = len(records.header)
    take = ev_stream.take if ev_stream is not None else None
    memo = Memo()
    lines: dict[str, int] = {}
    again: dict[str, list[int]] = {}
    chunk = first
    start = True
    while True:
        if records.broken is not None:  # as read_csv: the malformed text is the chunk's problem
            problems = [records.broken, *([no_amounts(name)] if start else [])]
            if ev_stream is not None:
                problems.extend(ev_stream.rest(lines))
            yield ReadResult((), problems)
            return
        columns = batch_columns(chunk, width, head) if chunk and not head.marks else None
        if usable and amounts and columns is not None:
            yield chunk_columns(
                name, columns, head.written, funnel, take, memo, (lines, again), problems
            )
        elif usable and amounts:
            rows = maker.rows(chunk, problems)
            yield chunk_rows(name, rows, head.written, funnel, take, memo, (lines, again), problems)
        else:  # no row can be built; the rows are still checked for their width
            maker.rows(chunk, problems)
            if start and not amounts:
                problems.append(no_amounts(name))
            yield ReadResult((), problems)
        chunk = list(islice(stream, chunk_size))
        if records.broken is None and not chunk:
            break
        start = False
        problems = unnamed.check(name, chunk)
    if ev_stream is not None:
        rest = ev_stream.rest(lines)
        if rest:
            yield ReadResult((), rest)
