"""The checks of an opportunity's fields that need more than a line: texts, lines, history, revisions.

Used by :class:`~salesfunnel.funnel.opportunity.Opportunity`, which checks the
common case of each field inline and calls these for the rest.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from salesfunnel.errors import InvalidOpportunityError
from salesfunnel.funnel.records import (
    LineItem,
    Override,
    Reprice,
    Reschedule,
    Revision,
    StageChange,
    checked_line_item,
    one_line,
)
from salesfunnel.money import to_amount

__all__ = ["check_history", "check_revisions", "check_text", "reconcile_lines"]


def reconcile_lines(
    opp_id: str,
    amount: object,
    line_items: Iterable[LineItem] | Mapping[str, object] | None,
    product: str | None,
) -> tuple[Decimal, tuple[LineItem, ...]]:
    """Reconcile ``amount``, ``line_items`` and ``product`` into amount and lines.

    Raises:
        InvalidOpportunityError: When they disagree or a line is not a
            :class:`LineItem`.
        InvalidAmountError: For a bad amount (see :func:`~salesfunnel.money.to_amount`).
    """
    if line_items is not None and product is not None:
        raise InvalidOpportunityError(
            f"opportunity {opp_id!r}: give either product= (one product) or "
            "line_items= (several), not both",
            opportunity_id=opp_id,
            field="product",
        )
    if isinstance(line_items, Mapping):
        items = tuple(
            checked_line_item(str(p), to_amount(a, field=f"line_items[{p!r}]"))
            for p, a in line_items.items()
        )
    elif line_items is not None:
        items = tuple(line_items)
        for i, item in enumerate(items):
            if not isinstance(item, LineItem):
                raise InvalidOpportunityError(
                    f"opportunity {opp_id!r}: line_items[{i}] is "
                    f"{type(item).__name__}; use LineItem(product, amount) or a "
                    "{product: amount} mapping",
                    opportunity_id=opp_id,
                    field="line_items",
                )
    else:
        items = ()
    if not items:
        if amount is None:
            raise InvalidOpportunityError(
                f"opportunity {opp_id!r}: give amount= or line_items=",
                opportunity_id=opp_id,
                field="amount",
            )
        single = one_line(product or "", amount)
        return single[0].amount, single
    total = sum((li.amount for li in items), Decimal(0))
    if amount is not None and to_amount(amount) != total:
        raise InvalidOpportunityError(
            f"opportunity {opp_id!r}: line items add up to {total} but amount "
            f"is {amount}; leave amount out to use the sum of the lines",
            opportunity_id=opp_id,
            field="amount",
        )
    return total, items


def check_text(opp_id: str, field: str, value: object, *, empty_ok: bool) -> str:
    """Return ``value`` if it is a string (non-empty unless ``empty_ok``).

    Raises:
        InvalidOpportunityError: Naming ``field``.
    """
    if not isinstance(value, str) or (not empty_ok and not value.strip()):
        raise InvalidOpportunityError(
            f"opportunity {opp_id!r}: {field} must be a non-empty string, got {value!r}",
            opportunity_id=opp_id,
            field=field,
        )
    return value


def check_history(opp_id: str, stage: str, created: date, history: tuple[StageChange, ...]) -> None:
    """Refuse a history that does not start at creation, chain, keep dates in order and end in ``stage``.

    Raises:
        InvalidOpportunityError: Naming ``history``.
    """

    def bad(message: str) -> InvalidOpportunityError:
        return InvalidOpportunityError(
            f"opportunity {opp_id!r}: history {message}",
            opportunity_id=opp_id,
            field="history",
        )

    if not history:
        raise bad("is empty; it starts with the creation entry (leave it out)")
    for i, change in enumerate(history):
        if not isinstance(change, StageChange):
            raise bad(f"entry {i} is {type(change).__name__}, not a StageChange")
    first = history[0]
    if first.from_stage is not None:
        raise bad(
            f"starts with a move from {first.from_stage!r}; the first entry is "
            "the creation (from_stage=None)"
        )
    if first.on < created:
        raise bad(f"starts on {first.on}, before created {created}")
    for i, (prev, change) in enumerate(itertools.pairwise(history), start=1):
        if change.from_stage != prev.to_stage:
            raise bad(
                f"does not chain at entry {i}: it moves from "
                f"{change.from_stage!r} but entry {i - 1} moved to {prev.to_stage!r}"
            )
        if change.on < prev.on:
            raise bad(f"goes back in time at entry {i}: {change.on} is before {prev.on}")
    if history[-1].to_stage != stage:
        raise bad(
            f"ends in {history[-1].to_stage!r} but the stage is {stage!r}; "
            "move the opportunity with the stage machine to keep them in step"
        )


def check_revisions(opp_id: str, created: date, revisions: tuple[Revision, ...]) -> None:
    """Refuse revisions of another type or out of date order (none before creation).

    Raises:
        InvalidOpportunityError: Naming ``revisions``.
    """
    last = created
    for i, rev in enumerate(revisions):
        if not isinstance(rev, (Reschedule, Reprice, Override)):
            raise InvalidOpportunityError(
                f"opportunity {opp_id!r}: revisions[{i}] is {type(rev).__name__}; "
                "use Reschedule, Reprice or Override",
                opportunity_id=opp_id,
                field="revisions",
            )
        if rev.on < last:
            raise InvalidOpportunityError(
                f"opportunity {opp_id!r}: revisions[{i}] on {rev.on} is before "
                f"{last}; revisions are kept oldest first, none before creation",
                opportunity_id=opp_id,
                field="revisions",
            )
        last = rev.on
