"""The forecast: opportunities rolled up by time and category, per owner and product.

Two views of the same opportunities at a reporting cutoff, as in the source's
forecast sheets (销售预测): by *time* (:class:`~salesfunnel.periods.TimeBucket`)
and by *forecast category* (:class:`~salesfunnel.categories.ForecastCategory`).
:func:`forecast` rolls a pipeline up per owner, per product, per both or in
total, with counts, amounts and probability-weighted amounts, converted into
one reporting currency with dated exchange rates. Sums are exact ``Decimal``:
the buckets of a row add up to the row's total and the rows to the grand
total.

>>> from datetime import date
>>> from salesfunnel import Opportunity
>>> deal = Opportunity(
...     id="D1",
...     name="ERP rollout",
...     account="Acme",
...     owner="Li Wei",
...     stage="negotiation",
...     created=date(2026, 1, 5),
...     expected_close=date(2026, 9, 15),
...     amount="100000",
...     currency="CNY",
...     product="ERP",
... )
>>> result = forecast([deal], cutoff=date(2026, 8, 31), by="owner")
>>> result.row("Li Wei").categories[ForecastCategory.COMMIT]
Figures(count=1, amount=Decimal('100000'), weighted=Decimal('80000.0'))
>>> result.row("Li Wei").buckets[TimeBucket.WITHIN_3_MONTHS].amount
Decimal('100000')
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import attrs

from salesfunnel.categories import (
    DEFAULT_CATEGORY_POLICY,
    CategoryPolicy,
    CloseWindow,
    ForecastCategory,
    manual_category,
)
from salesfunnel.errors import CurrencyError, FunnelError, UnknownStageError
from salesfunnel.fx import CENTS, ExchangeRates
from salesfunnel.i18n import Lang
from salesfunnel.model import Opportunity, StageKind, check_date
from salesfunnel.money import Currency, currency_code
from salesfunnel.periods import (
    GREGORIAN,
    FiscalCalendar,
    FiscalQuarter,
    TimeBucket,
    at_cutoff,
    month_edges,
)
from salesfunnel.stages import DEFAULT_FUNNEL, Funnel, Stage

if TYPE_CHECKING:
    from salesfunnel.render import Table

__all__ = [
    "Figures",
    "Forecast",
    "ForecastOptionError",
    "ForecastRow",
    "GroupKey",
    "forecast",
]

#: What a forecast can be grouped by.
GroupKey = Literal["owner", "product"]


class ForecastOptionError(FunnelError, ValueError):
    """A forecast option with a value it does not accept (``by``, a view, a measure).

    Subclasses :class:`ValueError`: the option exists, its value does not.

    Attributes:
        option: The option's name.
        value: The value that was rejected.
    """

    def __init__(self, message: str, *, option: str, value: object) -> None:
        super().__init__(message)
        self.option = option
        self.value = value


@attrs.frozen
class Figures:
    """Count, amount and probability-weighted amount of a set of opportunities.

    Attributes:
        count: How many opportunities.
        amount: Their amount, in the reporting currency.
        weighted: The sum of amount × win probability.
    """

    count: int = 0
    amount: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)

    def __add__(self, other: Figures) -> Figures:
        """Add two sets of figures."""
        return Figures(
            self.count + other.count, self.amount + other.amount, self.weighted + other.weighted
        )


_ZERO = Figures()
_NO_MONEY = Decimal(0)
#: Every (bucket, category) cell in order; a cell's number is its index here.
_CELLS = tuple((b, c) for b in TimeBucket for c in ForecastCategory)
_PER_BUCKET = len(ForecastCategory)
_CATEGORY_RANK = {c: i for i, c in enumerate(ForecastCategory)}
_BUCKET_RANK = {b: i for i, b in enumerate(TimeBucket)}


@attrs.frozen
class ForecastRow:
    """One row of a forecast: a group's figures by bucket, by category, and in total.

    Attributes:
        group: The group's key values, in the order of ``Forecast.by`` (``()``
            for the grand total).
        cells: Figures per (bucket, category) pair that has any deal.
        buckets: Figures per time bucket (every bucket, in order).
        categories: Figures per forecast category (every category, in order).
        total: The row's total.
    """

    group: tuple[str, ...]
    cells: Mapping[tuple[TimeBucket, ForecastCategory], Figures] = attrs.field(hash=False)
    buckets: Mapping[TimeBucket, Figures] = attrs.field(hash=False)
    categories: Mapping[ForecastCategory, Figures] = attrs.field(hash=False)
    total: Figures


def _row(group: tuple[str, ...], acc: _Acc | None) -> ForecastRow:
    figures = {}
    if acc is not None:
        for i, count in enumerate(acc.counts):
            if count:
                figures[_CELLS[i]] = Figures(count, acc.amounts[i], acc.weighted[i])
    buckets = dict.fromkeys(TimeBucket, _ZERO)
    categories = dict.fromkeys(ForecastCategory, _ZERO)
    total = _ZERO
    for (bucket, category), f in figures.items():
        buckets[bucket] += f
        categories[category] += f
        total += f
    return ForecastRow(
        group,
        MappingProxyType(figures),
        MappingProxyType(buckets),
        MappingProxyType(categories),
        total,
    )


@attrs.frozen
class Forecast:
    """A forecast at a cutoff: rows per group, and the grand total.

    A deal counts once in its owner's row; by product, a deal with lines of
    several products counts once in each product's row (so product counts
    can add up to more than the total count) and each line's amount goes to
    its own product (so amounts always add up exactly).

    Attributes:
        cutoff: The reporting cutoff.
        calendar: The fiscal calendar.
        quarter: The cutoff's fiscal quarter ("this quarter").
        currency: The reporting currency (``None`` when there were no deals).
        by: What the rows are grouped by (``()``: the total only).
        rows: One row per group, sorted by group.
        total: The grand total row.
        not_yet_created: Ids of opportunities created after the cutoff (left out).
    """

    cutoff: date
    calendar: FiscalCalendar
    quarter: FiscalQuarter
    currency: Currency | None
    by: tuple[GroupKey, ...]
    rows: tuple[ForecastRow, ...]
    total: ForecastRow
    not_yet_created: tuple[str, ...] = ()

    def row(self, *group: str) -> ForecastRow:
        """Return the row of ``group`` (an owner, a product, or owner and product).

        A group with no deals gets a row of zeros; with no grouping, ``row()``
        is the grand total.

        Raises:
            ForecastOptionError: If the number of keys does not match ``by``.
        """
        if len(group) != len(self.by):
            raise ForecastOptionError(
                f"this forecast is grouped by {list(self.by)}; give {len(self.by)} "
                f"key(s), got {list(group)}",
                option="group",
                value=group,
            )
        if not group:
            return self.total
        for row in self.rows:
            if row.group == group:
                return row
        return _row(tuple(group), None)

    def table(
        self,
        view: Literal["time", "category"] = "time",
        *,
        measure: Literal["amount", "weighted", "count"] = "amount",
        lang: Lang = "en",
    ) -> Table:
        """Return the forecast sheet as a :class:`~salesfunnel.render.Table`.

        See :func:`salesfunnel.report_form.forecast_sheet`.
        """
        from salesfunnel.report_form import forecast_sheet  # noqa: PLC0415

        return forecast_sheet(self, view=view, measure=measure, lang=lang)

    def _repr_html_(self) -> str:
        """Show the forecast in a notebook."""
        from salesfunnel import html  # noqa: PLC0415

        return html.forecast(self)


def _check_by(by: str | Iterable[str]) -> tuple[GroupKey, ...]:
    items = [p.strip() for p in by.split(",") if p.strip()] if isinstance(by, str) else list(by)
    out: list[GroupKey] = []
    for item in items:
        if item == "owner":
            out.append("owner")
        elif item == "product":
            out.append("product")
        else:
            raise ForecastOptionError(
                f"by: {item!r} is not a grouping; use 'owner', 'product' or both",
                option="by",
                value=by,
            )
    if len(set(out)) != len(out):
        raise ForecastOptionError(f"by: {items} repeats a key", option="by", value=by)
    return tuple(out)


def reporting_currency(
    opportunities: Sequence[Opportunity], currency: str | None
) -> Currency | None:
    if currency is not None:
        return currency_code(currency)
    found = sorted({o.currency for o in opportunities})
    if len(found) > 1:
        raise CurrencyError(
            f"the opportunities are in {', '.join(found)}; pass currency= (the "
            "reporting currency) and rates= (an ExchangeRates) to convert them",
            code=",".join(found),
        )
    return Currency(found[0]) if found else None


def forecast(
    opportunities: Iterable[Opportunity],
    *,
    cutoff: date,
    calendar: FiscalCalendar = GREGORIAN,
    by: str | Iterable[str] = (),
    currency: str | None = None,
    rates: ExchangeRates | None = None,
    policy: CategoryPolicy = DEFAULT_CATEGORY_POLICY,
    funnel: Funnel = DEFAULT_FUNNEL,
) -> Forecast:
    """Roll ``opportunities`` up by time bucket and forecast category at ``cutoff``.

    Every opportunity is taken as it stood at the end of the cutoff day
    (opportunities created later are left out and listed in
    :attr:`Forecast.not_yet_created`), placed in one
    :class:`~salesfunnel.periods.TimeBucket` and one
    :class:`ForecastCategory`, and its line amounts are converted into the
    reporting currency: open deals at the cutoff's rate, won and lost deals
    at the rate of their close date. The weighted amount uses the deal's win
    probability (:meth:`Funnel.probability_of <salesfunnel.Funnel.probability_of>`).

    Args:
        opportunities: The pipeline.
        cutoff: The reporting cutoff date (截止上报时间).
        calendar: The fiscal calendar that defines "this quarter".
        by: ``"owner"``, ``"product"``, both (``("owner", "product")`` or
            ``"owner,product"``), or ``()`` for the total only.
        currency: The reporting currency (default: the opportunities' one
            currency).
        rates: Exchange rates into ``currency`` (needed when deals are in
            other currencies).
        policy: The category policy.
        funnel: The funnel the stages belong to.

    Returns:
        The :class:`Forecast`.

    Raises:
        InvalidDateError: If ``cutoff`` is a datetime or not a date.
        CurrencyError: For mixed currencies without ``currency=``.
        MissingRateError: For a deal whose currency has no rate on the date
            it is converted at (the error names both).
        ForecastOptionError: For an unknown ``by``.
        InvalidCategoryError: For a bad ``category_override``.
        UnknownStageError: For a stage ``funnel`` does not have.
    """
    cutoff = check_date(cutoff, field="cutoff")
    keys = _check_by(by)
    policy.check(funnel)
    deals = opportunities if isinstance(opportunities, Sequence) else tuple(opportunities)
    target = reporting_currency(deals, currency)
    fx = rates if rates is not None else ExchangeRates()
    quarter = calendar.quarter_of(cutoff)
    place = _Placer(cutoff, quarter, policy)
    stages = {key: funnel[key] for key in funnel.keys()}  # noqa: SIM118
    by_owner = "owner" in keys
    by_product = "product" in keys
    owner_first = keys[:1] == ("owner",)
    totals = _Acc()
    groups: dict[tuple[str, ...], _Acc] = {}
    later: list[str] = []
    factors: dict[tuple[str, date], Decimal] = {}
    for opp in deals:
        then = _then(opp, cutoff, funnel)
        if then is None:
            later.append(opp.id)
            continue
        stage = stages.get(then.stage)
        if stage is None:
            raise UnknownStageError(then.stage, funnel.keys())
        cell, prob = place(then, stage)
        if then.currency == target or target is None:
            amount = then.amount
            lines = [(li.product, li.amount) for li in then.line_items] if by_product else []
        else:
            on = then.closed_on if stage.kind is not StageKind.OPEN else cutoff
            lines = converted_lines(then, target, fx, on or cutoff, factors)
            amount = sum((a for _, a in lines), _NO_MONEY)
        weighted = amount * prob
        totals.add(cell, amount, weighted)
        if not by_product:
            if by_owner:
                acc = groups.get((then.owner,))
                if acc is None:
                    acc = groups[then.owner,] = _Acc()
                acc.add(cell, amount, weighted)
            continue
        owner = then.owner if by_owner else None
        _add_lines(groups, lines, owner, owner_first, cell, prob)
    rows = tuple(_row(g, groups[g]) for g in sorted(groups))
    return Forecast(
        cutoff=cutoff,
        calendar=calendar,
        quarter=quarter,
        currency=target,
        by=keys,
        rows=rows,
        total=_row((), totals),
        not_yet_created=tuple(later),
    )


def _add_lines(
    groups: dict[tuple[str, ...], _Acc],
    lines: list[tuple[str, Decimal]],
    owner: str | None,
    owner_first: bool,  # noqa: FBT001
    cell: int,
    prob: Decimal,
) -> None:
    """Add a deal's lines to their product (or owner and product) groups, once per product."""
    if len(lines) == 1:
        per_product = dict(lines)
    else:
        per_product = {}
        for product, value in lines:
            per_product[product] = per_product.get(product, _NO_MONEY) + value
    for product, value in per_product.items():
        group: tuple[str, ...] = (product,)
        if owner is not None:
            group = (owner, product) if owner_first else (product, owner)
        acc = groups.get(group)
        if acc is None:
            acc = groups[group] = _Acc()
        acc.add(cell, value, value * prob)


def _then(opp: Opportunity, cutoff: date, funnel: Funnel) -> Opportunity | None:
    """``at_cutoff``, with the common case (nothing after the cutoff) inlined for speed."""
    if opp.created > cutoff:
        return None
    revisions = opp.revisions
    if opp.history[-1].on <= cutoff and (not revisions or revisions[-1].on <= cutoff):
        return opp
    return at_cutoff(opp, cutoff, funnel=funnel)


_OPEN_BUCKET_RANK = tuple(
    _BUCKET_RANK[b]
    for b in (
        TimeBucket.OVERDUE,
        TimeBucket.WITHIN_3_MONTHS,
        TimeBucket.MONTHS_3_TO_6,
        TimeBucket.MONTHS_6_TO_9,
        TimeBucket.MONTHS_9_TO_12,
        TimeBucket.BEYOND_12_MONTHS,
    )
)
_WINDOW_BY_RANK = (
    CloseWindow.EARLIER,
    CloseWindow.THIS_QUARTER,
    CloseWindow.NEXT_QUARTER,
    CloseWindow.LATER,
)
_WON_CELL = _BUCKET_RANK[TimeBucket.CLOSED] * _PER_BUCKET + _CATEGORY_RANK[ForecastCategory.BOOKED]
_LOST_CELL = _BUCKET_RANK[TimeBucket.LOST] * _PER_BUCKET + _CATEGORY_RANK[ForecastCategory.OMITTED]


class _Placer:
    """Places deals as they stood at one cutoff: cell number and probability.

    Works with ranks (ints) rather than enum members in the hot loop: hashing
    an enum member runs Python code, hashing an int does not.
    """

    def __init__(self, cutoff: date, quarter: FiscalQuarter, policy: CategoryPolicy) -> None:
        # bisect_left over these upper bounds gives the bucket / window rank of
        # a close date: bounds are inclusive, as the intervals are (a, b].
        self.bucket_bounds = [cutoff, *month_edges(cutoff)]
        self.window_bounds = [quarter.start - timedelta(days=1), quarter.end, quarter.next().end]
        self.policy = policy
        self.by_stage: dict[str, tuple[int, ...]] = {}

    def __call__(self, then: Opportunity, stage: Stage) -> tuple[int, Decimal]:
        if stage.kind is StageKind.WON:
            return _WON_CELL, Decimal(1)
        if stage.kind is StageKind.LOST:
            return _LOST_CELL, Decimal(0)
        prob = then.probability if then.probability is not None else stage.probability
        close = then.expected_close
        row = _OPEN_BUCKET_RANK[bisect_left(self.bucket_bounds, close)] * _PER_BUCKET
        window = bisect_left(self.window_bounds, close)
        if then.category_override is not None:
            category = manual_category(then, _WINDOW_BY_RANK[window])
            return row + _CATEGORY_RANK[category], prob
        ranks = self.by_stage.get(then.stage)
        if ranks is None:
            ranks = self.by_stage[then.stage] = tuple(
                _CATEGORY_RANK[self.policy.category(then.stage, w)] for w in _WINDOW_BY_RANK
            )
        return row + ranks[window], prob


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
    factor = factors.get((opp.currency, on))
    if factor is None:
        factor = factors[opp.currency, on] = fx.rate(opp.currency, target, on=on)
    return [
        (li.product, (li.amount * factor).quantize(CENTS, rounding=ROUND_HALF_EVEN))
        for li in opp.line_items
    ]


class _Acc:
    """Running counts, amounts and weighted amounts per cell number (mutable, private)."""

    __slots__ = ("amounts", "counts", "weighted")

    def __init__(self) -> None:
        self.counts = [0] * len(_CELLS)
        self.amounts = [_NO_MONEY] * len(_CELLS)
        self.weighted = [_NO_MONEY] * len(_CELLS)

    def add(self, cell: int, amount: Decimal, weighted: Decimal) -> None:
        self.counts[cell] += 1
        self.amounts[cell] += amount
        self.weighted[cell] += weighted
