"""``read_csv`` of the plain layout without the whole file in memory: the same result, a lower peak.

The files are read as a stream (:mod:`salesfunnel.io.streaming` decodes and
splits them) a batch of rows at a time, and each batch's rows are built and
dropped; what stays is what the result keeps: the records, their problems,
and each id's lines (to report duplicates, on every row, once the whole file
is read). The problems come in the order of the whole-file reader: the
header's, every row's shape, the rows' own, the events', the orphans'.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING

from salesfunnel.io import _events as events_format
from salesfunnel.io._building import (
    add_event_problems,
    build_rows,
    has_amounts,
    keep_good,
    no_amounts,
)
from salesfunnel.io._columns import REQUIRED, source_name, stage_mark_headers
from salesfunnel.io._memo import Memo
from salesfunnel.io._table import Header, Row, RowMaker, check_header, header_fields
from salesfunnel.io.problems import Problem, ReadResult
from salesfunnel.io.rows import COLUMN_ALIASES, flag_duplicate_ids
from salesfunnel.io.streaming import Records

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from salesfunnel.funnel.opportunity import Opportunity
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

    def see(self, batch: list[tuple[int, list[str]]]) -> None:
        for i in self.columns:
            if i not in self.filled and any(i < len(c) and c[i].strip() for _, c in batch):
                self.filled.add(i)

    def record(self) -> list[tuple[int, list[str]]]:
        """One record with a value in each filled column: what the header check looks for."""
        return [(0, ["x" if i in self.filled else "" for i in range(self.width)])]


def _header(
    records: Records,
    blank: _Blank,
    aliases: Mapping[str, str],
    ignore: Collection[str],
    marks: Mapping[str, str],
    required: Collection[str],
) -> tuple[Header, list[str]]:
    """The header checked as the whole-file reader checks it, once the values were seen."""
    head = header_fields(records.name, records.header, blank.record(), aliases, ignore, marks)
    return head, check_header(head, required)


def read_events_lean(
    source: Source, funnel: Funnel, encoding: str, ignore: Collection[str]
) -> events_format.Events:
    """:func:`~salesfunnel.io._events.read_events`, a batch of rows at a time."""
    name = source_name(source)
    records = Records(name, source, encoding)
    blank = _Blank(records.header)
    head = header_fields(name, records.header, [], events_format.ALIASES, ignore, {})
    usable = all(c in head.columns for c in events_format.REQUIRED)
    reader = events_format.EventReader(name, head.written, funnel)
    maker = RowMaker(name, head, len(records.header))
    shape: list[Problem] = []
    unusable_ids: set[str] = set()
    for batch in _batches(records):
        blank.see(batch)
        for row in maker.rows(batch, shape):
            if usable:
                reader.add(row)
            else:
                unusable_ids.add(row.cells.get("opportunity_id", ""))
    if records.broken is not None:  # as parse_table: the malformed text is the file's one problem
        return events_format.Events(name, {}, {}, {}, frozenset(), (records.broken,))
    head, _ = _header(records, blank, events_format.ALIASES, ignore, {}, events_format.REQUIRED)
    reader.bad.update(unusable_ids)
    return reader.events([*head.problems, *shape])


def read_lean(
    source: Source,
    events: Source | None,
    funnel: Funnel,
    encoding: str,
    ignore: Collection[str],
) -> tuple[str, ReadResult[Opportunity]]:
    """What ``read_csv`` reads from a file of the plain layout (see the module docs)."""
    name = source_name(source)
    records = Records(name, source, encoding)
    marks = stage_mark_headers(funnel)
    blank = _Blank(records.header)
    head = header_fields(name, records.header, [], COLUMN_ALIASES, ignore, marks)
    usable = all(
        c in head.columns or (c == "stage" and head.marks) for c in REQUIRED
    ) and has_amounts(head.written)
    ev = read_events_lean(events, funnel, encoding, ignore) if events is not None else None
    maker = RowMaker(name, head, len(records.header))
    memo = Memo()
    shape: list[Problem] = []
    # the rows with a problem, and the good records, by line; and each id's rows
    troubled: list[tuple[Row, list[Problem]]] = []
    good: list[tuple[int, str, Opportunity]] = []  # line and id: a row's cells are not kept
    lines: dict[str, list[int]] = {}
    for batch in _batches(records):
        blank.see(batch)
        rows = maker.rows(batch, shape)
        if not usable:
            continue
        for row, opportunity, row_problems in build_rows(
            name, rows, head.written, funnel, ev, memo=memo
        ):
            lines.setdefault(row.cells.get("id", ""), []).append(row.line)
            if row_problems or opportunity is None:
                troubled.append((row, row_problems))
            else:
                good.append((row.line, row.cells.get("id", ""), opportunity))
    if records.broken is not None:
        problems = [records.broken, no_amounts(name)]
        seen: Mapping[str, object] = {}
    else:
        head, _ = _header(records, blank, COLUMN_ALIASES, ignore, marks, REQUIRED)
        problems = [*head.problems, *shape]
        if not has_amounts(head.written):
            problems.append(no_amounts(name))
        twice = {i for i, at in lines.items() if i and len(at) > 1}
        built = [
            *((row, None, p) for row, p in troubled),
            *((Row(line, {"id": i}), o, []) for line, i, o in good if i in twice),
        ]
        built.sort(key=lambda item: item[0].line)
        if twice:
            flag_duplicate_ids(name, built, head.written.get("id", "id"))
        seen = lines
        keep_good(built, ev, problems)
        bad_ids = ev.bad_ids if ev is not None else frozenset()
        records_out = [o for _, i, o in good if i not in twice and i not in bad_ids]
    if records.broken is not None:
        records_out = []
    add_event_problems(ev, problems, seen)
    return name, ReadResult(records_out, problems)
