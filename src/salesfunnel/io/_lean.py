"""``read_csv`` of the plain layout without the whole file in memory: the same result, a lower peak.

The files are read as a stream (:mod:`salesfunnel.io.streaming` decodes and
splits them) a batch of rows at a time, and each batch's rows are built and
dropped; what stays is what the result keeps: the records, their problems,
and each id's first line (to report duplicates, on every row, once the whole file
is read). The problems come in the order of the whole-file reader: the
header's, every row's shape, the rows' own, the events', the orphans'.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar

from salesfunnel.io import _events as events_format
from salesfunnel.io._building import (
    Batch,
    Built,
    Sink,
    add_event_problems,
    batch_columns,
    build_columns,
    build_rows,
    has_amounts,
    keep_good,
    no_amounts,
)
from salesfunnel.io._columns import REQUIRED, source_name, stage_mark_headers
from salesfunnel.io._engine import Cells, byte_blocks, file_blocks, split_columns
from salesfunnel.io._engine_events import ColumnEventReader
from salesfunnel.io._gc import collection_paused
from salesfunnel.io._memo import Memo
from salesfunnel.io._records import UTF8, Records
from salesfunnel.io._table import Header, Row, RowMaker, check_header, header_fields
from salesfunnel.io.problems import Problem, ReadResult
from salesfunnel.io.rows import COLUMN_ALIASES, flag_duplicate_ids

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from salesfunnel.funnel.stages import Funnel
    from salesfunnel.io._columns import Source

__all__ = ["read_lean"]

#: Records split, built and dropped at a time.
BATCH = 2_000


def _batches(records: Records) -> Iterator[list[tuple[int, list[str]]]]:
    stream = iter(records)
    while batch := list(islice(stream, BATCH)):
        yield batch


class _Blank:
    """Which header cells are empty, and which of those columns have values somewhere."""

    def __init__(self, header: list[str]) -> None:
        self.width = len(header)
        self.columns = [i for i, h in enumerate(header) if not h.strip()]
        self.filled: set[int] = set()

    def see(self, batch: Batch) -> None:
        if isinstance(batch, tuple):
            by_index = batch[1]
            for i in self.columns:
                if i not in self.filled and any(c.strip() for c in by_index[i]):
                    self.filled.add(i)
            return
        for i in self.columns:
            if i not in self.filled and any(i < len(c) and c[i].strip() for _, c in batch):
                self.filled.add(i)

    def record(self) -> list[tuple[int, list[str]]]:
        """One record with a value in each filled column: what the header check looks for."""
        return [(0, ["x" if i in self.filled else "" for i in range(self.width)])]


def _header(
    records: Source_,
    blank: _Blank,
    aliases: Mapping[str, str],
    ignore: Collection[str],
    marks: Mapping[str, str],
    required: Collection[str],
) -> tuple[Header, list[str]]:
    """The header checked as the whole-file reader checks it, once the values were seen."""
    head = header_fields(records.name, records.header, blank.record(), aliases, ignore, marks)
    return head, check_header(head, required)


class _Split:
    """A file split by an engine: its name, header and cells (lines 2, 3, ...), a block at a time."""

    broken: Problem | None = None

    def __init__(self, name: str, header: list[str], cells: Cells) -> None:
        self.name = name
        self.header = header
        self.cells = cells

    def batches(self) -> Iterator[tuple[Sequence[int], list[list[str]]]]:
        # the cells of one block at a time as Python strings; the engine reads the next after
        line = 2
        for columns in self.cells:
            rows = len(columns[0])
            yield range(line, line + rows), columns
            line += rows


Source_: TypeAlias = Records | _Split


def _again(data: bytes | str) -> Source:
    """The file's content as a stream again, for the ``csv`` module."""
    return io.StringIO(data) if isinstance(data, str) else io.BytesIO(data)


def _open(name: str, source: Source, encoding: str, engine: str | None) -> Source_:
    """The file split by ``engine`` when its text allows (see ``_engine``), else by the ``csv`` module.

    A file on disk is read a block at a time, twice (checked, then split); a
    stream is read whole first.
    """
    if engine is None or encoding.lower() not in UTF8:
        return Records(name, source, encoding)
    if isinstance(source, (str, os.PathLike)):
        split = split_columns(name, file_blocks(source), engine)
        return Records(name, source, encoding) if split is None else _Split(name, *split)
    data = source.read()
    try:
        body = data.encode("utf-8") if isinstance(data, str) else data
    except UnicodeEncodeError:  # a lone surrogate, from a text stream: no UTF-8 an engine reads
        return Records(name, _again(data), encoding)
    split = split_columns(name, byte_blocks(body), engine)
    if split is None:
        return Records(name, _again(data), encoding)
    return _Split(name, *split)


def _each(records: Source_) -> Iterator[Batch]:
    if isinstance(records, _Split):
        yield from records.batches()
    else:
        yield from _batches(records)


def _records(batch: Batch) -> list[tuple[int, list[str]]]:
    if isinstance(batch, tuple):
        lines, by_index = batch
        return list(zip(lines, map(list, zip(*by_index, strict=True)), strict=True))
    return batch


def read_events_lean(
    source: Source, funnel: Funnel, encoding: str, ignore: Collection[str], engine: str | None
) -> events_format.Events:
    """:func:`~salesfunnel.io._events.read_events`, a batch of rows at a time."""
    name = source_name(source)
    records = _open(name, source, encoding, engine)
    blank = _Blank(records.header)
    head = header_fields(name, records.header, [], events_format.ALIASES, ignore, {})
    usable = all(c in head.columns for c in events_format.REQUIRED)
    reader = ColumnEventReader(name, head.written, funnel)
    maker = RowMaker(name, head, len(records.header))
    shape: list[Problem] = []
    unusable_ids: set[str] = set()
    for batch in _each(records):
        blank.see(batch)
        columns = batch_columns(batch, len(records.header), head) if usable else None
        if columns is not None:
            reader.add_columns(*columns)
            continue
        for row in maker.rows(_records(batch), shape):
            if usable:
                reader.add(row)
            else:
                unusable_ids.add(row.cells.get("opportunity_id", ""))
    if records.broken is not None:  # as parse_table: the malformed text is the file's one problem
        return events_format.Events(name, {}, {}, {}, frozenset(), (records.broken,))
    head, _ = _header(records, blank, events_format.ALIASES, ignore, {}, events_format.REQUIRED)
    reader.bad.update(unusable_ids)
    return reader.events([*head.problems, *shape])


T = TypeVar("T")


class _Rows(Generic[T]):
    """The rows with a problem, and what the good ones give (see ``Sink``), by line; and each id's rows."""

    def __init__(
        self,
        name: str,
        head: Header,
        funnel: Funnel,
        ev: events_format.Events | None,
        sink: Sink[T],
    ) -> None:
        self.name, self.headers, self.funnel, self.ev = name, head.written, funnel, ev
        self.sink = sink
        self.memo = Memo()
        self.troubled: list[tuple[Row, list[Problem]]] = []
        self.good: list[tuple[int, str, T]] = []  # a row's cells are not kept
        self.first: dict[str, int] = {}  # each id's first line
        self.again: set[str] = set()  # the ids on more than one line

    def _see(self, opp_id: str, line: int) -> None:
        if self.first.setdefault(opp_id, line) != line:
            self.again.add(opp_id)

    def add(self, rows: list[Row]) -> None:
        """Build rows one by one."""
        for row, opportunity, row_problems in build_rows(
            self.name, rows, self.headers, self.funnel, self.ev, memo=self.memo
        ):
            self._see(row.cells.get("id", ""), row.line)
            if row_problems or opportunity is None:
                self.troubled.append((row, row_problems))
            else:
                self.good.append((row.line, row.cells.get("id", ""), self.sink.finish(opportunity)))

    def add_columns(self, at: Sequence[int], cells: Mapping[str, Sequence[str]]) -> None:
        """Build the rows of a batch given column by column."""
        first, again = self.first, self.again
        for opp_id, line in zip(cells["id"], at, strict=True):
            if first.setdefault(opp_id, line) != line:
                again.add(opp_id)
        bad, fine = build_columns(
            self.name, at, cells, self.headers, self.funnel, self.ev, self.memo, self.sink
        )
        self.troubled.extend(bad)
        self.good.extend(fine)


def read_lean(
    source: Source,
    events: Source | None,
    funnel: Funnel,
    encoding: str,
    ignore: Collection[str],
    engine: str | None,
    sink: Sink[T],
) -> tuple[str, ReadResult[T]]:
    """What ``read_csv`` reads from a file of the plain layout (see the module docs).

    ``engine`` names the DataFrame engine that splits the files (see
    :mod:`salesfunnel.io._engine`); ``None`` splits them with the ``csv`` module.
    ``sink`` says what each good row gives: its record (``RECORDS``), or
    another value built from the same checked cells (a frame's row).
    """
    with collection_paused():
        return _read_lean(source, events, funnel, encoding, ignore, engine, sink)


def _read_lean(
    source: Source,
    events: Source | None,
    funnel: Funnel,
    encoding: str,
    ignore: Collection[str],
    engine: str | None,
    sink: Sink[T],
) -> tuple[str, ReadResult[T]]:
    name = source_name(source)
    records = _open(name, source, encoding, engine)
    marks = stage_mark_headers(funnel)
    blank = _Blank(records.header)
    head = header_fields(name, records.header, [], COLUMN_ALIASES, ignore, marks)
    usable = all(
        c in head.columns or (c == "stage" and head.marks) for c in REQUIRED
    ) and has_amounts(head.written)
    ev = read_events_lean(events, funnel, encoding, ignore, engine) if events is not None else None
    maker = RowMaker(name, head, len(records.header))
    shape: list[Problem] = []
    rows = _Rows(name, head, funnel, ev, sink)
    for batch in _each(records):
        blank.see(batch)
        columns = batch_columns(batch, len(records.header), head) if not head.marks else None
        if columns is None:
            made = maker.rows(_records(batch), shape)
            if usable:
                rows.add(made)
        elif usable:
            rows.add_columns(*columns)
    troubled, good, first = rows.troubled, rows.good, rows.first
    if records.broken is not None:
        problems = [records.broken, no_amounts(name)]
        seen: Mapping[str, object] = {}
    else:
        head, _ = _header(records, blank, COLUMN_ALIASES, ignore, marks, REQUIRED)
        problems = [*head.problems, *shape]
        if not has_amounts(head.written):
            problems.append(no_amounts(name))
        twice = {i for i in rows.again if i}
        built: Built = [
            *((row, None, p) for row, p in troubled),
            *((Row(line, {"id": i}), None, []) for line, i, _ in good if i in twice),
        ]
        built.sort(key=lambda item: item[0].line)
        if twice:
            flag_duplicate_ids(name, built, head.written.get("id", "id"))
        seen = first
        keep_good(built, ev, problems)
        bad_ids = ev.bad_ids if ev is not None else frozenset()
        records_out = [o for _, i, o in good if i not in twice and i not in bad_ids]
    if records.broken is not None:
        records_out = []
    add_event_problems(ev, problems, seen)
    return name, ReadResult(records_out, problems)
