"""Stage histories from CRM exports: rows of (deal, stage, date) become stage changes.

Three sources give the same rows: a long table of ``(deal id, stage, date)``
with optional ``amount`` and ``expected_close`` (the columns of
:data:`~salesfunnel.io.mapping.HISTORY_FIELDS`), Salesforce's
``OpportunityHistory`` (one row per change), and HubSpot's
``Date entered "<stage>"`` columns. Each deal's rows, oldest first, are read
against the funnel:

- the first row is the creation, in its stage;
- a move to the lost outcome is ``lose``; a move out of it ``reopen``; a move
  one stage up ``advance``, several up ``skip`` (the stages passed over are
  listed), down ``regress`` (with the row's reason, or
  :data:`UNRECORDED_REASON` when the export gives none: a move back always
  carries a reason);
- a change of amount is a :class:`~salesfunnel.funnel.records.Reprice`, of the close
  date a :class:`~salesfunnel.funnel.records.Reschedule`;
- a row in the stage the deal is already in only carries such changes.

What cannot be inferred is reported, never guessed: a row for a deal the
deals file does not have, a history that moves out of the won stage, one
that starts before the deal was created, or one that ends in another stage
(or amount, or close date) than the deals file gives.

.. versionadded:: 0.10
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from salesfunnel.errors import FunnelError
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import (
    ChangeKind,
    LineItem,
    Reprice,
    Reschedule,
    Revision,
    StageChange,
)
from salesfunnel.funnel.stages import StageKind
from salesfunnel.io.problems import Problem

if TYPE_CHECKING:
    from salesfunnel.funnel.stages import Funnel
    from salesfunnel.io.mapping import ImportMapping

__all__ = ["UNRECORDED_REASON", "HistoryRow", "apply_history", "resolve_stage"]

#: The reason of a move back that the export records without one.
UNRECORDED_REASON = "moved back; the export records no reason"


@attrs.frozen
class HistoryRow:
    """One row of a stage history, already converted.

    Attributes:
        file: The file it came from.
        line: Its line in the file.
        opportunity_id: The deal's id.
        stage: The funnel stage key entered (or kept).
        on: The date of the change.
        amount: The deal's amount from then on, if given.
        expected_close: The deal's expected close date from then on, if given.
        reason: Why, if given.
        column: The column it came from (HubSpot's "date entered" columns),
            for messages.
    """

    file: str
    line: int | None
    opportunity_id: str
    stage: str
    on: date
    amount: Decimal | None = None
    expected_close: date | None = None
    reason: str | None = None
    column: str | None = None


def resolve_stage(value: str, funnel: Funnel, mapping: ImportMapping) -> str | None:
    """Return the funnel stage key an export stage value means, or ``None``.

    The mapping's ``stages`` come first, then its won and lost values, then
    the funnel's own keys and English and Chinese labels.
    """
    text = value.strip()
    mapped: str = mapping.stage(text)
    if mapped in funnel:
        return mapped
    if text in mapping.won_stages and funnel.won is not None:
        return funnel.won.key
    if text in mapping.lost_stages:
        return funnel.lost.key
    for stage in (*funnel, funnel.lost):
        if mapped in (stage.text.en, stage.text.zh):
            return str(stage.key)
    return None


class _Deal:
    """One deal's history being built; problems go to a shared list."""

    def __init__(self, deal: Opportunity, funnel: Funnel, out: list[Problem]) -> None:
        self.deal = deal
        self.funnel = funnel
        self.out = out
        self.ok = True

    def bad(
        self, row: HistoryRow, column: str | None, value: str | None, why: str, fix: str
    ) -> None:
        self.ok = False
        self.out.append(
            Problem(row.file, row.line, row.column or column, value, why, fix, row.opportunity_id)
        )

    def kind(self, row: HistoryRow, prev: str) -> tuple[ChangeKind, tuple[str, ...]] | None:
        """The kind of the move from ``prev`` into ``row.stage`` (and stages skipped)."""
        funnel, to = self.funnel, row.stage
        if funnel[prev].kind is StageKind.WON:
            self.bad(
                row,
                "stage",
                to,
                f"history of deal {row.opportunity_id!r} does not chain: it moves out of "
                f"the won stage {prev!r}, and a won deal is final",
                "correct or remove the row, or the one that won the deal",
            )
            return None
        if to == funnel.lost.key:
            return ChangeKind.LOSE, ()
        if prev == funnel.lost.key:
            return ChangeKind.REOPEN, ()
        a, b = funnel.index(prev), funnel.index(to)
        if b == a + 1:
            return ChangeKind.ADVANCE, ()
        if b > a:
            return ChangeKind.SKIP, tuple(s.key for s in funnel.stages[a + 1 : b])
        return ChangeKind.REGRESS, ()

    def build(self, rows: Sequence[HistoryRow]) -> Opportunity | None:
        deal = self.deal
        first = rows[0]
        if first.on < deal.created:
            self.bad(
                first,
                "on",
                first.on.isoformat(),
                f"history of deal {deal.id!r} starts on {first.on}, before the deal was "
                f"created on {deal.created}",
                "correct the date, or the deal's created date",
            )
            return None
        changes = [StageChange(None, first.stage, first.on, kind=ChangeKind.CREATE)]
        revisions: list[Revision] = []
        amount, close = first.amount, first.expected_close
        last_row = first
        for row in rows[1:]:
            prev = changes[-1].to_stage
            if row.stage != prev:
                kind = self.kind(row, prev)
                if kind is None:
                    return None
                reason = row.reason
                if kind[0] is ChangeKind.LOSE and reason is None and row is rows[-1]:
                    reason = deal.lost_reason
                if kind[0] is ChangeKind.REGRESS and not (reason or "").strip():
                    reason = UNRECORDED_REASON
                changes.append(StageChange(prev, row.stage, row.on, reason, kind[0], kind[1]))
            if row.amount is not None and amount is not None and row.amount != amount:
                if len(deal.line_items) != 1:
                    self.bad(
                        row,
                        "amount",
                        str(row.amount),
                        f"deal {deal.id!r} has {len(deal.line_items)} line items; a change "
                        "of its total amount cannot say which one changed",
                        "record the change with reprice(...) on the line items",
                    )
                    return None
                product = deal.line_items[0].product
                revisions.append(
                    Reprice(row.on, (LineItem(product, amount),), (LineItem(product, row.amount),))
                )
            if row.expected_close is not None and close is not None and row.expected_close != close:
                revisions.append(Reschedule(row.on, close, row.expected_close))
            amount = row.amount if row.amount is not None else amount
            close = row.expected_close if row.expected_close is not None else close
            last_row = row
        return self.finish(last_row, changes, revisions, amount, close)

    def finish(
        self,
        last: HistoryRow,
        changes: list[StageChange],
        revisions: list[Revision],
        amount: Decimal | None,
        close: date | None,
    ) -> Opportunity | None:
        deal = self.deal
        fix = "add the missing change to the history, or correct the deals file"
        if changes[-1].to_stage != deal.stage:
            self.bad(
                last,
                "stage",
                changes[-1].to_stage,
                f"history of deal {deal.id!r} does not chain: it ends in "
                f"{changes[-1].to_stage!r}, but the deals file has the deal in {deal.stage!r}",
                fix,
            )
        if amount is not None and amount != deal.amount:
            self.bad(
                last,
                "amount",
                str(amount),
                f"history of deal {deal.id!r} ends with amount {amount}, but the deals file "
                f"gives {deal.amount}",
                fix,
            )
        if close is not None and close != deal.expected_close:
            self.bad(
                last,
                "expected_close",
                close.isoformat(),
                f"history of deal {deal.id!r} ends with close date {close}, but the deals "
                f"file gives {deal.expected_close}",
                fix,
            )
        if not self.ok:
            return None
        try:
            return self.funnel.check(
                deal.evolve(history=tuple(changes), revisions=tuple(revisions))
            )
        except FunnelError as err:
            self.bad(last, None, None, str(err), fix)
            return None


def apply_history(
    deals: Sequence[Opportunity],
    rows: Iterable[HistoryRow],
    funnel: Funnel,
    *,
    known_ids: Iterable[str] = (),
) -> tuple[list[Opportunity], list[Problem], set[str]]:
    """Give each deal the history its rows describe.

    Args:
        deals: The deals (snapshots: their histories are replaced).
        rows: The history rows, in file order; each deal's are sorted by date
            (file order on a tie).
        funnel: The funnel the stage keys belong to.
        known_ids: Ids of deals that exist but were not built (they had
            problems of their own): their rows are skipped, not reported.

    Returns:
        The deals (with histories where rows were given; deals whose history
        has a problem are left out), every problem, and the ids left out.
    """
    by_id: dict[str, list[HistoryRow]] = {}
    for row in rows:
        by_id.setdefault(row.opportunity_id, []).append(row)
    problems: list[Problem] = []
    present = {d.id for d in deals}
    skip = set(known_ids) - present
    for opp_id, deal_rows in by_id.items():
        if opp_id not in present and opp_id not in skip:
            first = deal_rows[0]
            problems.append(
                Problem(
                    first.file,
                    first.line,
                    first.column or "opportunity_id",
                    opp_id,
                    f"history row for an unknown deal {opp_id!r}: the deals file has no "
                    "deal with this id",
                    "add the deal to the deals file, or remove its history rows",
                    opp_id,
                )
            )
    out: list[Opportunity] = []
    dropped: set[str] = set()
    ladder = {key: i for i, key in enumerate(funnel.keys())}
    for deal in deals:
        own = by_id.get(deal.id)
        if not own:
            out.append(deal)
            continue
        ordered = sorted(own, key=lambda r: (r.on, r.line or 0, ladder.get(r.stage, 0)))
        built = _Deal(deal, funnel, problems).build(ordered)
        if built is None:
            dropped.add(deal.id)
        else:
            out.append(built)
    return out, problems, dropped
