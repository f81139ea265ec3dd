"""Building the opportunities of a batch of rows, shared by the whole-file and the streaming readers.

Each reader splits its file into :class:`~salesfunnel.io._table.Row` values;
these functions build and check them (through
:func:`~salesfunnel.io.rows.build_opportunity`, the one copy of the row's
checks) and say which records are good, so that every reader reports the same
problems in the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from salesfunnel.io._memo import Memo
from salesfunnel.io.problems import Problem
from salesfunnel.io.rows import RowReader, build_opportunity

if TYPE_CHECKING:
    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.funnel.stages import Funnel
    from salesfunnel.io._events import Events
    from salesfunnel.io._table import Row

__all__ = [
    "Built",
    "add_event_problems",
    "build_rows",
    "has_amounts",
    "keep_good",
    "no_amounts",
    "orphan",
]

#: How many rows are checked between two calls of a ``progress`` hook.
PROGRESS_EVERY = 500

Built = list[tuple["Row", "Opportunity | None", list[Problem]]]


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
        reader = RowReader(name, row, headers, memo=memo)
        built.append((row, build_opportunity(reader, funnel, events), reader.problems))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    return built


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
