"""Dated revisions of an open opportunity: a new close date, a new amount, manual overrides.

Each returns a new opportunity with one more entry in its
:attr:`~salesfunnel.funnel.opportunity.Opportunity.revisions`, so a forecast
for an earlier date is rebuilt with the values of that date
(:func:`~salesfunnel.funnel.history.snapshot`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import attrs

from salesfunnel.calendar import check_date
from salesfunnel.errors import InvalidOpportunityError
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import LineItem, Override, Reprice, Reschedule

__all__ = ["UNCHANGED", "override", "reprice", "reschedule"]


def _open_only(opportunity: Opportunity, what: str) -> None:
    if opportunity.closed_on is not None:
        raise InvalidOpportunityError(
            f"opportunity {opportunity.id!r}: closed on {opportunity.closed_on}; "
            f"{what} only an open opportunity (reopen it first)",
            opportunity_id=opportunity.id,
            field="closed_on",
        )


def _revision_date(opportunity: Opportunity, on: object, field: str) -> date:
    when = check_date(on, field="on")
    last = opportunity.revisions[-1].on if opportunity.revisions else opportunity.created
    if when < last:
        raise InvalidOpportunityError(
            f"opportunity {opportunity.id!r}: a {field} change dated {when} comes "
            f"before the last one on {last}; date it {last} or later",
            opportunity_id=opportunity.id,
            field=field,
        )
    return when


def reschedule(
    opportunity: Opportunity,
    expected_close: date,
    *,
    on: date,
    reason: str | None = None,
) -> Opportunity:
    """Move an open opportunity's expected close date, recording the change.

    Returns:
        A new opportunity with the new date and a
        :class:`~salesfunnel.Reschedule` appended to ``revisions``.

    Raises:
        InvalidOpportunityError: For a closed opportunity, an unchanged date, a
            date before creation, or ``on`` before the last revision.

    >>> from datetime import date
    >>> from salesfunnel import Opportunity
    >>> deal = Opportunity(
    ...     id="D2",
    ...     name="ERP",
    ...     account="Acme",
    ...     owner="Ann",
    ...     stage="intent",
    ...     created=date(2026, 1, 5),
    ...     expected_close=date(2026, 3, 31),
    ...     amount="50000",
    ...     currency="EUR",
    ... )
    >>> later = reschedule(deal, date(2026, 6, 30), on=date(2026, 3, 1))
    >>> later.expected_close, later.revisions[-1].old
    (datetime.date(2026, 6, 30), datetime.date(2026, 3, 31))
    """
    _open_only(opportunity, "reschedule")
    new = check_date(expected_close, field="expected_close")
    when = _revision_date(opportunity, on, "expected_close")
    if new == opportunity.expected_close:
        raise InvalidOpportunityError(
            f"opportunity {opportunity.id!r}: expected_close is already {new}",
            opportunity_id=opportunity.id,
            field="expected_close",
        )
    revision = Reschedule(when, opportunity.expected_close, new, reason)
    return attrs.evolve(
        opportunity,
        expected_close=new,
        revisions=(*opportunity.revisions, revision),
    )


def reprice(
    opportunity: Opportunity,
    amount: Decimal | int | str | None = None,
    *,
    on: date,
    line_items: Iterable[LineItem] | Mapping[str, object] | None = None,
    reason: str | None = None,
) -> Opportunity:
    """Change an open opportunity's amount (or line items), recording the change.

    Give ``amount`` for a one-line deal (the product is kept), or
    ``line_items`` for any deal.

    Returns:
        A new opportunity with a :class:`~salesfunnel.Reprice` appended.

    Raises:
        InvalidOpportunityError: For a closed opportunity, an unchanged amount,
            a multi-line deal given only ``amount``, or ``on`` before the last
            revision.
    """
    _open_only(opportunity, "reprice")
    when = _revision_date(opportunity, on, "amount")
    if line_items is None:
        if len(opportunity.line_items) != 1:
            raise InvalidOpportunityError(
                f"opportunity {opportunity.id!r} has {len(opportunity.line_items)} "
                "line items; pass line_items= to say how the new amount splits",
                opportunity_id=opportunity.id,
                field="line_items",
            )
        line_items = (LineItem(opportunity.line_items[0].product, amount),)
    updated = opportunity.evolve(line_items=line_items)
    if updated.line_items == opportunity.line_items:
        raise InvalidOpportunityError(
            f"opportunity {opportunity.id!r}: amount and line items are unchanged",
            opportunity_id=opportunity.id,
            field="amount",
        )
    revision = Reprice(when, opportunity.line_items, updated.line_items, reason)
    return attrs.evolve(updated, revisions=(*opportunity.revisions, revision))


class _Unchanged:
    """The default of :func:`override`'s options: leave this override as it is."""

    def __repr__(self) -> str:
        return "UNCHANGED"


#: Leave an override as it is (the default of :func:`override`).
UNCHANGED = _Unchanged()


def override(
    opportunity: Opportunity,
    *,
    on: date,
    probability: Decimal | float | str | _Unchanged | None = UNCHANGED,
    category: str | _Unchanged | None = UNCHANGED,
    reason: str | None = None,
) -> Opportunity:
    """Set or clear an open opportunity's manual probability or category, recording the change.

    ``None`` clears an override (back to the stage's probability or the
    policy's category); leaving an option out keeps it. The change is an
    :class:`~salesfunnel.funnel.records.Override` in ``revisions``, so a forecast as of
    a date before ``on`` uses the old values.

    Returns:
        A new opportunity with the new overrides and the revision appended.

    Raises:
        InvalidOpportunityError: For a closed opportunity, nothing changed, or
            ``on`` before the last revision.
        InvalidProbabilityError: For a probability outside [0, 1].

    >>> from datetime import date
    >>> from salesfunnel import Opportunity
    >>> deal = Opportunity(
    ...     id="D3",
    ...     name="ERP",
    ...     account="Acme",
    ...     owner="Ann",
    ...     stage="project",
    ...     created=date(2026, 1, 5),
    ...     expected_close=date(2026, 3, 31),
    ...     amount="50000",
    ...     currency="EUR",
    ... )
    >>> called = override(deal, on=date(2026, 2, 1), probability="0.9", category="commit")
    >>> called.probability, called.category_override, called.revisions[-1].old_probability
    (Decimal('0.9'), 'commit', None)
    """
    _open_only(opportunity, "override")
    when = _revision_date(opportunity, on, "override")
    new_prob = opportunity.probability if isinstance(probability, _Unchanged) else probability
    new_cat = opportunity.category_override if isinstance(category, _Unchanged) else category
    revision = Override(
        when, opportunity.probability, new_prob, opportunity.category_override, new_cat, reason
    )
    if (
        revision.new_probability == revision.old_probability
        and revision.new_category == revision.old_category
    ):
        raise InvalidOpportunityError(
            f"opportunity {opportunity.id!r}: probability and category are unchanged",
            opportunity_id=opportunity.id,
            field="probability",
        )
    return opportunity.evolve(
        probability=revision.new_probability,
        category_override=revision.new_category,
        revisions=(*opportunity.revisions, revision),
    )
