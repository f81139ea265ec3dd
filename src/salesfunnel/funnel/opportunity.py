"""The opportunity record and its history: immutable values, checked when built.

An :class:`Opportunity` is a frozen value. Nothing in the library changes one in
place: a stage move (:meth:`Funnel.advance <salesfunnel.Funnel.advance>`), a new
close date (:func:`~salesfunnel.reschedule`) or a new amount
(:func:`~salesfunnel.reprice`) returns a *new* opportunity with one more entry
in its :attr:`~Opportunity.history` or :attr:`~Opportunity.revisions`, so the
state on any past date can be rebuilt (:func:`snapshot`).

>>> from datetime import date
>>> from decimal import Decimal
>>> deal = Opportunity(
...     id="OPP-1",
...     name="ERP rollout",
...     account="Acme",
...     owner="Li Wei",
...     stage="intent",
...     created=date(2026, 1, 5),
...     expected_close=date(2026, 6, 30),
...     amount=Decimal("120000"),
...     currency="CNY",
...     product="ERP",
... )
>>> deal.line_items
(LineItem(product='ERP', amount=Decimal('120000')),)
>>> deal.history[0].kind, deal.history[0].to_stage
(<ChangeKind.CREATE: 'create'>, 'intent')
>>> deal.amount = 1
Traceback (most recent call last):
...
attr.exceptions.FrozenInstanceError: can't set attribute
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from salesfunnel.calendar import check_date
from salesfunnel.errors import InvalidOpportunityError
from salesfunnel.funnel.records import (
    LineItem,
    Override,
    Reprice,
    Reschedule,
    Revision,
    StageChange,
    StageKey,
    default_history,
)
from salesfunnel.money import Currency, currency_code, to_amount, to_probability
from salesfunnel.qualification import Facts, FactValue

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["Opportunity", "with_stage_change"]


def _lines(
    opp_id: str,
    amount: object,
    line_items: Iterable[LineItem] | Mapping[str, object] | None,
    product: str | None,
) -> tuple[Decimal, tuple[LineItem, ...]]:
    """Reconcile ``amount``, ``line_items`` and ``product`` into amount and lines."""
    if line_items is not None and product is not None:
        raise InvalidOpportunityError(
            f"opportunity {opp_id!r}: give either product= (one product) or "
            "line_items= (several), not both",
            opportunity_id=opp_id,
            field="product",
        )
    if isinstance(line_items, Mapping):
        items = tuple(
            LineItem(str(p), to_amount(a, field=f"line_items[{p!r}]"))
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
        total = to_amount(amount)
        return total, (LineItem(product or "", total),)
    total = sum((li.amount for li in items), Decimal(0))
    if amount is not None and to_amount(amount) != total:
        raise InvalidOpportunityError(
            f"opportunity {opp_id!r}: line items add up to {total} but amount "
            f"is {amount}; leave amount out to use the sum of the lines",
            opportunity_id=opp_id,
            field="amount",
        )
    return total, items


def _check_text(opp_id: str, field: str, value: object, *, empty_ok: bool) -> str:
    if not isinstance(value, str) or (not empty_ok and not value.strip()):
        raise InvalidOpportunityError(
            f"opportunity {opp_id!r}: {field} must be a non-empty string, got {value!r}",
            opportunity_id=opp_id,
            field=field,
        )
    return value


@attrs.frozen(init=False)
class Opportunity:
    """A sales opportunity (商机): one row of the funnel report form.

    Build one with keywords. ``amount`` and ``line_items`` must agree: give
    ``amount`` and optionally ``product=`` for a one-product deal, or
    ``line_items=`` (a sequence of :class:`LineItem` or a ``{product: amount}``
    mapping) and leave ``amount`` out to take their sum.

    Attributes:
        id: A unique identifier.
        name: The project name (项目名称).
        account: The customer account.
        owner: The salesperson responsible (项目经理 / 销售负责人).
        stage: The current stage key in its funnel.
        created: The date the opportunity was created.
        expected_close: The date it is expected to close (on or after
            ``created``).
        amount: The deal value, the sum of its line items (``Decimal``).
        currency: The ISO 4217 currency of ``amount``.
        line_items: The products offered (提供的产品), never empty.
        probability: A per-deal override of the stage probability, or ``None``.
        facts: Qualification facts for the stage gates.
        history: Stage changes, oldest first; starts with the creation entry.
            Left out, it is :func:`default_history`: a deal with
            ``closed_on`` was open from ``created`` and closed on
            ``closed_on``.
        revisions: Close-date, amount and override changes, oldest first.
        closed_on: The date it was won or lost; ``None`` while open.
        lost_reason: Why it was lost (only with ``closed_on``).
        notes: Free-text notes (其他).
        category_override: A manual forecast category value (see
            :class:`~salesfunnel.forecasting.rollup.ForecastCategory`), or ``None``.

    Raises:
        InvalidOpportunityError: When fields contradict each other.
        InvalidAmountError: For a negative, NaN or infinite amount.
        AmountTypeError: For a float amount (pass ``Decimal`` or a string).
        CurrencyError: For a code that is not ISO 4217.
        InvalidProbabilityError: For a probability outside [0, 1].
        InvalidDateError: For a datetime (or non-date) where a date goes.
    """

    id: str
    name: str
    account: str
    owner: str
    stage: StageKey
    created: date
    expected_close: date
    amount: Decimal
    currency: Currency
    line_items: tuple[LineItem, ...]
    probability: Decimal | None
    facts: Facts
    history: tuple[StageChange, ...]
    revisions: tuple[Revision, ...]
    closed_on: date | None
    lost_reason: str | None
    notes: str
    category_override: str | None

    def __init__(
        self,
        id: str,  # noqa: A002
        name: str,
        account: str,
        owner: str,
        stage: StageKey,
        created: date,
        expected_close: date,
        amount: Decimal | int | str | None = None,
        currency: str = "",
        line_items: Iterable[LineItem] | Mapping[str, object] | None = None,
        probability: Decimal | float | str | None = None,
        facts: Mapping[str, FactValue] | None = None,
        history: Sequence[StageChange] | None = None,
        revisions: Sequence[Revision] = (),
        closed_on: date | None = None,
        lost_reason: str | None = None,
        notes: str = "",
        category_override: str | None = None,
        *,
        product: str | None = None,
    ) -> None:
        """Check every field and build the opportunity (see the class docstring)."""
        if not isinstance(id, str) or not id.strip():
            raise InvalidOpportunityError(
                f"an opportunity needs a non-empty string id, got {id!r}",
                opportunity_id=None,
                field="id",
            )
        if id != id.strip():
            raise InvalidOpportunityError(
                f"opportunity id {id!r} begins or ends with spaces; write {id.strip()!r} "
                "(the readers trim them, as they trim stages)",
                opportunity_id=id,
                field="id",
            )
        for field, value in (("name", name), ("account", account), ("owner", owner)):
            _check_text(id, field, value, empty_ok=False)
        _check_text(id, "stage", stage, empty_ok=False)
        _check_text(id, "notes", notes, empty_ok=True)
        created = check_date(created, field="created")
        expected_close = check_date(expected_close, field="expected_close")
        if expected_close < created:
            raise InvalidOpportunityError(
                f"opportunity {id!r}: expected_close {expected_close} is before "
                f"created {created}; a deal cannot close before it exists",
                opportunity_id=id,
                field="expected_close",
            )
        total, items = _lines(id, amount, line_items, product)
        code = currency_code(currency)
        prob = None if probability is None else to_probability(probability)
        closed = None if closed_on is None else check_date(closed_on, field="closed_on")
        if closed is not None and closed < created:
            raise InvalidOpportunityError(
                f"opportunity {id!r}: closed_on {closed} is before created {created}",
                opportunity_id=id,
                field="closed_on",
            )
        if lost_reason is not None and closed is None:
            raise InvalidOpportunityError(
                f"opportunity {id!r}: a lost_reason needs the closed_on date it was lost on",
                opportunity_id=id,
                field="lost_reason",
            )
        hist = (
            default_history(stage, created, closed, lost_reason)
            if history is None
            else tuple(history)
        )
        _check_history(id, stage, created, hist)
        revs = tuple(revisions)
        _check_revisions(id, created, revs)
        self.__attrs_init__(
            id,
            name,
            account,
            owner,
            stage,
            created,
            expected_close,
            total,
            code,
            items,
            prob,
            Facts(facts or {}) if not isinstance(facts, Facts) else facts,
            hist,
            revs,
            closed,
            lost_reason,
            notes,
            category_override,
        )

    @property
    def last_change(self) -> date:
        """The date of the latest stage change or revision (creation at least)."""
        dates = [self.history[-1].on, self.created]
        if self.revisions:
            dates.append(self.revisions[-1].on)
        return max(dates)

    @property
    def stage_key(self) -> StageKey:
        """The current stage's key (the stage machine's view of :attr:`stage`)."""
        return self.stage

    @property
    def history_is_default(self) -> bool:
        """Tell whether the history is the one built when none was given.

        See :func:`default_history`; such a record says nothing about the
        stages it passed through.
        """
        return self.history == default_history(
            self.stage, self.created, self.closed_on, self.lost_reason
        )

    @property
    def products(self) -> tuple[str, ...]:
        """The products of the line items, in order."""
        return tuple(li.product for li in self.line_items)

    def evolve(self, **changes: object) -> Opportunity:
        """Return a copy with ``changes`` applied and every check run again.

        Prefer the stage machine and :func:`~salesfunnel.reschedule` /
        :func:`~salesfunnel.reprice`, which also record history.
        """
        fields = {f.name: getattr(self, f.name) for f in attrs.fields(Opportunity)}
        if "amount" in changes and "line_items" not in changes:
            fields["line_items"] = None
            if len(self.line_items) == 1:
                changes.setdefault("product", self.line_items[0].product)
        if "line_items" in changes and "amount" not in changes:
            fields["amount"] = None
        fields.update(changes)
        return Opportunity(**fields)


def with_stage_change(
    opportunity: Opportunity,
    change: StageChange,
    facts: Facts,
    closed_on: date | None,
    lost_reason: str | None,
) -> Opportunity:
    """Return ``opportunity`` moved by ``change`` (checked by the machine), unchecked.

    For the stage machine only, which has already validated exactly what it
    changes (the new history entry chains and is dated in order); re-running
    every check of the constructor on each move would make a move cost as
    much as building the opportunity again.
    """
    o = opportunity
    new = object.__new__(Opportunity)
    new.__attrs_init__(
        o.id,
        o.name,
        o.account,
        o.owner,
        change.to_stage,
        o.created,
        o.expected_close,
        o.amount,
        o.currency,
        o.line_items,
        o.probability,
        facts,
        (*o.history, change),
        o.revisions,
        closed_on,
        lost_reason,
        o.notes,
        o.category_override,
    )
    return new


def _check_history(
    opp_id: str, stage: str, created: date, history: tuple[StageChange, ...]
) -> None:
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


def _check_revisions(opp_id: str, created: date, revisions: tuple[Revision, ...]) -> None:
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
