"""The chunks of :func:`~salesfunnel.io.iter_opportunities`: each built and checked, ids kept across chunks.

A chunk whose records are regular (each of the header's width, none blank)
goes column by column into :func:`~salesfunnel.io._building.build_columns`
without a :class:`~salesfunnel.io._table.Row` per record; any other goes
through :class:`~salesfunnel.io._table.RowMaker`, which reports the odd
records. Both give the records and problems of the whole-file reader, in its
order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from salesfunnel.io._building import RECORDS, build_by_columns, build_columns, keep_good
from salesfunnel.io.problems import Problem, ReadResult, some_of

if TYPE_CHECKING:
    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.funnel.stages import Funnel
    from salesfunnel.io._events import Events
    from salesfunnel.io._memo import Memo
    from salesfunnel.io._table import Row

__all__ = ["chunk_columns", "chunk_rows", "duplicates"]


def duplicates(
    name: str,
    column: str,
    rows: Sequence[tuple[int, str]],
    lines: dict[str, int],
    again: dict[str, list[int]],
) -> dict[int, Problem]:
    """The "duplicated id" problem of each row (its line and id) whose id is on an earlier or another row."""
    here: dict[str, list[int]] = {}
    for line, opp_id in rows:
        here.setdefault(opp_id, []).append(line)
    found: dict[int, Problem] = {}
    for line, opp_id in rows:
        if not opp_id:
            continue
        before = again.get(opp_id) or ([lines[opp_id]] if opp_id in lines else [])
        every = [*before, *here[opp_id]]
        if len(every) > 1:
            others = some_of(n for n in every if n != line)
            found[line] = Problem(
                name,
                line,
                column,
                opp_id,
                f"duplicated id: also on row {others}",
                "give every opportunity its own id",
                opp_id,
            )
    for opp_id, at in here.items():
        if opp_id in lines:
            again[opp_id] = [*(again.get(opp_id) or [lines[opp_id]]), *at]
        else:
            lines[opp_id] = at[0]
            if len(at) > 1:
                again[opp_id] = at
    return found


def chunk_rows(
    name: str,
    rows: list[Row],
    headers: dict[str, str],
    funnel: Funnel,
    take: Callable[[set[str], dict[str, int]], Events] | None,
    memo: Memo,
    seen: tuple[dict[str, int], dict[str, list[int]]],
    problems: list[Problem],
) -> ReadResult[Opportunity]:
    """Build and check the rows of one chunk (``problems`` holds its rows' shape problems).

    ``take`` gives the events of a chunk's ids (those ids already read are
    late), or is ``None`` without an events file.
    """
    lines, again = seen
    ids = {row.cells.get("id", "") for row in rows}
    ev = take(ids, lines) if take is not None else None
    built = build_by_columns(name, rows, headers, funnel, ev, memo)
    at = [(row.line, row.cells.get("id", "")) for row in rows]
    duplicated = duplicates(name, headers.get("id", "id"), at, lines, again)
    for row, _, row_problems in built:
        if row.line in duplicated:
            row_problems.append(duplicated[row.line])
    good = keep_good(built, ev, problems)
    if ev is not None:
        problems.extend(ev.problems)
    return ReadResult(good, problems)


def chunk_columns(
    name: str,
    batch: tuple[Sequence[int], Mapping[str, Sequence[str]]],
    headers: dict[str, str],
    funnel: Funnel,
    take: Callable[[set[str], dict[str, int]], Events] | None,
    memo: Memo,
    seen: tuple[dict[str, int], dict[str, list[int]]],
    problems: list[Problem],
) -> ReadResult[Opportunity]:
    """:func:`chunk_rows` of a chunk given column by column: the same records and problems, no rows."""
    lines, again = seen
    at, cells = batch
    ids = cells["id"]
    ev = take(set(ids), lines) if take is not None else None
    troubled, good = build_columns(name, at, cells, headers, funnel, ev, memo, RECORDS)
    duplicated = duplicates(
        name, headers.get("id", "id"), list(zip(at, ids, strict=True)), lines, again
    )
    bad = {row.line: row_problems for row, row_problems in troubled}
    built = {line: opportunity for line, _, opportunity in good}
    bad_ids = ev.bad_ids if ev is not None else frozenset()
    records: list[Opportunity] = []
    for line, opp_id in zip(at, ids, strict=True):  # as keep_good, in file order
        row_problems = bad.get(line)
        if row_problems is not None:
            problems.extend(row_problems)
        twice = duplicated.get(line)
        if twice is not None:
            problems.append(twice)
        elif row_problems is None and opp_id not in bad_ids:
            records.append(built[line])
    if ev is not None:
        problems.extend(ev.problems)
    return ReadResult(records, problems)
