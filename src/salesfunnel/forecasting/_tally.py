"""The roll-up's sums: every deal placed once, its lines added to their groups, exactly.

:func:`tally` is the fast path of :func:`~salesfunnel.forecasting.rollup.forecast`;
:func:`tally_each` is the plain one, deal by deal, which it falls back to
and which a property test holds it to. The fast path does per deal only
what depends on the deal:

- the cell and the stage's probability are looked up per (stage, date) key
  (:meth:`~salesfunnel.forecasting._cells.Placer.slot`): a pipeline has far
  fewer keys than deals;
- each amount is appended to the list of its (group, probability, cell);
  amount x probability is taken once per list at the end, not per deal, and
  no sum is taken twice per deal: by owner, the grand total is the sum of
  the owners' rows; by product, it sums the deals' own amounts (a deal of
  several products is in several rows), and the rows their lines';
- a rate is looked up once per (currency, date).

The figures are the same ``Decimal`` values, written the same way (the
same exponent), as the plain path's: sums of money are exact, so the order
of the additions does not matter, and a sum keeps the smallest exponent of
its terms. Only a sum past the 60 digits of
:func:`~salesfunnel.money.money_context` would be rounded (the bounds of
amounts keep sums far below), and there the order would matter: the fast
path sees it (the context's ``Rounded`` flag) and gives the plain path's
answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, Rounded
from typing import cast

from salesfunnel.errors import UnknownStageError
from salesfunnel.forecasting._cells import (
    CELLS,
    NO_MONEY,
    Accumulator,
    Chooser,
    Probabilities,
    add_lines,
)
from salesfunnel.funnel.history import at_cutoff
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import LineItem, StageKind
from salesfunnel.fx import CENTS, ExchangeRates
from salesfunnel.money import Currency, money_context

__all__ = ["Tally", "converted_lines", "in_target", "rate_factor", "tally", "tally_each"]

#: The amounts of each (group keys..., code) in deal order: the code numbers the
#: probability and the cell (:meth:`~salesfunnel.forecasting._cells.Probabilities.code`).
Bins = defaultdict[tuple[str | int, ...], list[Decimal]]

#: The group rows (by key values), the grand total and the ids created after the cutoff.
Tally = tuple[dict[tuple[str, ...], Accumulator], Accumulator, list[str]]


def rate_factor(
    currency: str,
    target: Currency,
    fx: ExchangeRates,
    on: date,
    factors: dict[tuple[str, date], Decimal],
) -> Decimal:
    """The rate of ``currency`` into ``target`` on ``on``, looked up once per (currency, date).

    Raises:
        MissingRateError: When no rate is in force on ``on``.
    """
    factor = factors.get((currency, on))
    if factor is None:
        factor = factors[currency, on] = fx.rate(currency, target, on=on)
    return factor


def in_target(items: Sequence[LineItem], factor: Decimal) -> list[tuple[str, Decimal]]:
    """The (product, amount) of ``items`` times ``factor``, each rounded half-even to cents.

    In the caller's decimal context (the money context).
    """
    return [
        (li.product, (li.amount * factor).quantize(CENTS, rounding=ROUND_HALF_EVEN)) for li in items
    ]


def converted_lines(
    opp: Opportunity,
    target: Currency | None,
    fx: ExchangeRates,
    on: date,
    factors: dict[tuple[str, date], Decimal],
) -> list[tuple[str, Decimal]]:
    """Return ``opp``'s (product, amount) lines in ``target``, at the rate of ``on``.

    Each converted line is rounded half-even to cents; lines already in
    ``target`` are returned as they are. ``factors`` caches rates by currency
    and date across calls.

    Raises:
        MissingRateError: When no rate is in force on ``on``.
    """
    if opp.currency == target or target is None:
        return [(li.product, li.amount) for li in opp.line_items]
    factor = rate_factor(opp.currency, target, fx, on, factors)
    with money_context():
        return in_target(opp.line_items, factor)


def tally(  # noqa: PLR0915 (one loop: a call per deal would cost more than it reads better)
    deals: Sequence[Opportunity],
    *,
    cutoff: date,
    choose: Chooser,
    target: Currency | None,
    fx: ExchangeRates,
    keys: tuple[str, ...],
) -> Tally:
    """Sum ``deals`` per group and cell at ``cutoff``: the fast path (see the module).

    Runs in the caller's money context (:func:`~salesfunnel.money.money_context`)
    and raises what :func:`tally_each` raises, for the same deal.
    """
    by_owner = "owner" in keys
    by_product = "product" in keys
    owner_first = keys[:1] == ("owner",)
    probabilities = Probabilities()
    bins: Bins = defaultdict(list)
    # code -> the deals' own amounts, for the grand total when it is not the
    # sum of the groups: without a grouping, or by product, where a deal of
    # several products is in several rows and a one-line deal's amount may be
    # written otherwise than its line (LineItem("ERP", Decimal("1E+3")) makes a
    # deal of Decimal("1000"))
    deal_bins: defaultdict[int, list[Decimal]] = defaultdict(list)
    later: list[str] = []
    factors: dict[tuple[str, date], Decimal] = {}
    default = choose.default if not choose.named else None
    for opp in deals:
        place = default or choose(opp)
        then = opp
        revisions = opp.revisions
        # at_cutoff returns a deal with nothing after the cutoff as it is: most
        # deals, and the call would cost a fifth of the loop
        if (
            opp.created > cutoff
            or opp.history[-1].on > cutoff
            or (revisions and revisions[-1].on > cutoff)
        ):
            snapshot = at_cutoff(opp, cutoff, funnel=place.funnel)
            if snapshot is None:
                later.append(opp.id)
                continue
            then = snapshot
        slot = None
        if then.category_override is None:
            closed = then.closed_on
            slot = place.slots.get(
                (then.stage, then.expected_close) if closed is None else (then.stage, closed, None)
            )
        code, cell, opened = slot or place.slot(then, probabilities)
        if cell < 0:
            continue
        if opened and then.probability is not None:
            code = probabilities.code(then.probability, cell)
        items = then.line_items
        converted = False
        if target is not None and then.currency != target:
            converted = True
            on = cutoff if opened else then.closed_on or then.history[-1].on
            factor = factors.get((then.currency, on))
            if factor is None:
                factor = rate_factor(then.currency, target, fx, on, factors)
            lines = in_target(items, factor)
        if not by_product:
            amount = sum((a for _, a in lines), NO_MONEY) if converted else then.amount
            if by_owner:
                bins[then.owner, code].append(amount)
            else:
                deal_bins[code].append(amount)
            continue
        deal_bins[code].append(sum((a for _, a in lines), NO_MONEY) if converted else then.amount)
        if len(items) == 1:
            if converted:
                product, value = lines[0]
            else:
                product, value = items[0].product, items[0].amount
            if not by_owner:
                bins[product, code].append(value)
            elif owner_first:
                bins[then.owner, product, code].append(value)
            else:
                bins[product, then.owner, code].append(value)
            continue
        # several lines: one value per product, merged as the plain path merges them
        per_product: dict[str, Decimal] = {}
        for product, value in lines if converted else [(li.product, li.amount) for li in items]:
            per_product[product] = per_product.get(product, NO_MONEY) + value
        for product, value in per_product.items():
            if not by_owner:
                bins[product, code].append(value)
            elif owner_first:
                bins[then.owner, product, code].append(value)
            else:
                bins[product, then.owner, code].append(value)
    with money_context() as context:
        groups, totals = _sums(bins, deal_bins, probabilities.values)
        exact = not context.flags[Rounded]
    if exact:
        return groups, totals, later
    return tally_each(deals, cutoff=cutoff, choose=choose, target=target, fx=fx, keys=keys)


def _sums(
    bins: Bins, deal_bins: dict[int, list[Decimal]], probabilities: list[Decimal]
) -> tuple[dict[tuple[str, ...], Accumulator], Accumulator]:
    """Each group's figures per cell, and the grand total's (the groups' sum without deal bins)."""
    groups: dict[tuple[str, ...], Accumulator] = {}
    for key, values in bins.items():
        group = cast("tuple[str, ...]", key[:-1])
        acc = groups.get(group)
        if acc is None:
            acc = groups[group] = Accumulator()
        _add(acc, int(key[-1]), values, probabilities)
    totals = Accumulator()
    if deal_bins:
        for code, values in deal_bins.items():
            _add(totals, code, values, probabilities)
    else:
        for acc in groups.values():
            totals.merge(acc)
    return groups, totals


def _add(acc: Accumulator, code: int, values: list[Decimal], probabilities: list[Decimal]) -> None:
    """Add the amounts of one (probability, cell) code to ``acc``, weighted once."""
    number, cell = divmod(code, len(CELLS))
    # start from the first value, not from zero, so that the product below is
    # written as the sum of the deals' own products would be
    total = values[0] if len(values) == 1 else sum(values[1:], values[0])
    acc.counts[cell] += len(values)
    acc.amounts[cell] += total
    acc.weighted[cell] += total * probabilities[number]


def tally_each(
    deals: Sequence[Opportunity],
    *,
    cutoff: date,
    choose: Chooser,
    target: Currency | None,
    fx: ExchangeRates,
    keys: tuple[str, ...],
) -> Tally:
    """Sum ``deals`` per group and cell at ``cutoff``, deal by deal: the plain path.

    Runs in the caller's money context.
    """
    by_owner = "owner" in keys
    by_product = "product" in keys
    owner_first = keys[:1] == ("owner",)
    totals = Accumulator()
    groups: dict[tuple[str, ...], Accumulator] = {}
    later: list[str] = []
    factors: dict[tuple[str, date], Decimal] = {}
    for opp in deals:
        place = choose(opp)
        then = at_cutoff(opp, cutoff, funnel=place.funnel)
        if then is None:
            later.append(opp.id)
            continue
        stage = place.stages.get(then.stage)
        if stage is None:
            raise UnknownStageError(then.stage, place.funnel.keys())
        cell, prob = place(then, stage)
        if cell < 0:
            continue
        if then.currency == target or target is None:
            amount = then.amount
            lines = [(li.product, li.amount) for li in then.line_items] if by_product else []
        else:
            on = cutoff if stage.kind is StageKind.OPEN else then.closed_on or then.history[-1].on
            lines = converted_lines(then, target, fx, on, factors)
            amount = sum((a for _, a in lines), NO_MONEY)
        weighted = amount * prob
        if not by_product:
            if by_owner:  # the grand total is the owners' sums, added once at the end
                acc = groups.get((then.owner,))
                if acc is None:
                    acc = groups[then.owner,] = Accumulator()
                acc.add(cell, amount, weighted)
            else:
                totals.add(cell, amount, weighted)
            continue
        totals.add(cell, amount, weighted)
        owner = then.owner if by_owner else None
        add_lines(groups, lines, owner, owner_first, cell, prob)
    if by_owner and not by_product:
        # Exact sums (money_context), so adding the owners' sums gives the very
        # same Decimals (value and exponent) as adding every deal to the total.
        for acc in groups.values():
            totals.merge(acc)
    return groups, totals, later
