"""Where a deal goes in a forecast: its cell (time bucket × category) and its probability.

The roll-up's inner loop (:func:`~salesfunnel.forecasting.rollup.forecast`)
works with cell numbers and ranks (ints) rather than enum members: hashing an
enum member runs Python code, hashing an int does not. The rules are those
of :func:`~salesfunnel.forecasting.buckets.time_bucket` and
:func:`~salesfunnel.forecasting.categories.forecast_category`; a property test
holds the forecast to them, and ``benchmarks/bench_forecast.py`` measures why
this copy exists.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

from salesfunnel.calendar import FiscalQuarter, Period
from salesfunnel.forecasting.buckets import TimeBucket, month_edges
from salesfunnel.forecasting.categories import CategoryPolicy, manual_category
from salesfunnel.forecasting.kinds import CloseWindow, ForecastCategory
from salesfunnel.forecasting.pipelines import funnel_of, pipeline_of
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import UNRECORDED_STAGE, StageKind
from salesfunnel.funnel.stages import Funnel, Stage
from salesfunnel.money import money_context

__all__ = [
    "BUCKET_RANK",
    "CATEGORY_RANK",
    "CELLS",
    "NO_MONEY",
    "PER_BUCKET",
    "Accumulator",
    "Chooser",
    "Figured",
    "Placer",
    "Sum",
    "add_lines",
    "cell_sums",
]


NO_MONEY = Decimal(0)


#: Every (bucket, category) cell in order; a cell's number is its index here.
CELLS = tuple((b, c) for b in TimeBucket for c in ForecastCategory)


PER_BUCKET = len(ForecastCategory)


CATEGORY_RANK = {c: i for i, c in enumerate(ForecastCategory)}


BUCKET_RANK = {b: i for i, b in enumerate(TimeBucket)}


OPEN_BUCKET_RANK = tuple(
    BUCKET_RANK[b]
    for b in (
        TimeBucket.OVERDUE,
        TimeBucket.WITHIN_3_MONTHS,
        TimeBucket.MONTHS_3_TO_6,
        TimeBucket.MONTHS_6_TO_9,
        TimeBucket.MONTHS_9_TO_12,
        TimeBucket.BEYOND_12_MONTHS,
    )
)


WINDOW_BY_RANK = (
    CloseWindow.EARLIER,
    CloseWindow.THIS_QUARTER,
    CloseWindow.NEXT_QUARTER,
    CloseWindow.LATER,
)


WON_CELL = BUCKET_RANK[TimeBucket.CLOSED] * PER_BUCKET + CATEGORY_RANK[ForecastCategory.BOOKED]


LOST_CELL = BUCKET_RANK[TimeBucket.LOST] * PER_BUCKET + CATEGORY_RANK[ForecastCategory.OMITTED]


class Chooser:
    """Picks the placer of a deal's funnel (:func:`funnel_of`); one funnel needs no lookup."""

    def __init__(self, placers: dict[str | None, Placer]) -> None:
        self.placers = placers
        self.default = placers[None]
        self.named = {name: p.funnel for name, p in placers.items() if name is not None}

    def __call__(self, opp: Opportunity) -> Placer:
        if not self.named:
            return self.default
        its = funnel_of(opp, funnel=self.default.funnel, funnels=self.named)
        return self.default if its is self.default.funnel else self.placers[pipeline_of(opp)]


class Placer:
    """Places deals of one funnel as they stood at one cutoff: cell number and probability.

    Works with ranks (ints) rather than enum members in the hot loop: hashing
    an enum member runs Python code, hashing an int does not. A won or lost
    deal that closed outside the counted period gets cell ``-1`` (left out).
    """

    def __init__(
        self,
        cutoff: date,
        quarter: FiscalQuarter,
        period: Period,
        funnel: Funnel,
        policy: CategoryPolicy,
    ) -> None:
        # bisect_left over these upper bounds gives the bucket / window rank of
        # a close date: bounds are inclusive, as the intervals are (a, b].
        self.bucket_bounds = [cutoff, *month_edges(cutoff)]
        self.window_bounds = [quarter.start - timedelta(days=1), quarter.end, quarter.next().end]
        self.first, self.last = period.start, min(period.end, cutoff)
        self.funnel = funnel
        self.policy = policy
        # keys() leaves out the unrecorded stage, which every funnel answers for.
        self.stages: dict[str, Stage] = {key: funnel[key] for key in funnel.keys()}  # noqa: SIM118
        self.stages[UNRECORDED_STAGE] = funnel.unrecorded
        self.by_stage: dict[str, tuple[int, ...]] = {}

    def __call__(self, then: Opportunity, stage: Stage) -> tuple[int, Decimal]:
        if stage.kind is not StageKind.OPEN:
            closed = then.closed_on if then.closed_on is not None else then.history[-1].on
            if not self.first <= closed <= self.last:
                return -1, NO_MONEY
            if stage.kind is StageKind.WON:
                return WON_CELL, Decimal(1)
            return LOST_CELL, Decimal(0)
        prob = then.probability if then.probability is not None else stage.probability
        close = then.expected_close
        row = OPEN_BUCKET_RANK[bisect_left(self.bucket_bounds, close)] * PER_BUCKET
        window = bisect_left(self.window_bounds, close)
        if then.category_override is not None:
            category = manual_category(then, WINDOW_BY_RANK[window])
            return row + CATEGORY_RANK[category], prob
        ranks = self.by_stage.get(then.stage)
        if ranks is None:
            ranks = self.by_stage[then.stage] = tuple(
                CATEGORY_RANK[self.policy.category(then.stage, w)] for w in WINDOW_BY_RANK
            )
        return row + ranks[window], prob


class Accumulator:
    """Running counts, amounts and weighted amounts per cell number (mutable, private)."""

    __slots__ = ("amounts", "counts", "weighted")

    def __init__(self) -> None:
        self.counts = [0] * len(CELLS)
        self.amounts = [NO_MONEY] * len(CELLS)
        self.weighted = [NO_MONEY] * len(CELLS)

    def add(self, cell: int, amount: Decimal, weighted: Decimal) -> None:
        self.counts[cell] += 1
        self.amounts[cell] += amount
        self.weighted[cell] += weighted

    def merge(self, other: Accumulator) -> None:
        """Add ``other``'s cells to these (in the caller's exact money context)."""
        for i, count in enumerate(other.counts):
            if count:
                self.counts[i] += count
                self.amounts[i] += other.amounts[i]
                self.weighted[i] += other.weighted[i]


#: Count, amount and weighted amount, as summed.
Sum = tuple[int, Decimal, Decimal]


class Figured(Protocol):
    """What a cell holds: a count, an amount and a weighted amount."""

    @property
    def count(self) -> int: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def weighted(self) -> Decimal: ...


def cell_sums(
    cells: Mapping[tuple[TimeBucket, ForecastCategory], Figured],
) -> tuple[dict[TimeBucket, Sum], dict[ForecastCategory, Sum], Sum]:
    """The figures of each bucket, of each category and in total: the sums of the cells.

    One rule for the roll-up, which writes them, and for a forecast row, which checks them.
    """
    zero: Sum = (0, Decimal(0), Decimal(0))
    buckets = dict.fromkeys(TimeBucket, zero)
    categories = dict.fromkeys(ForecastCategory, zero)
    total = zero
    with money_context():
        for (bucket, category), f in cells.items():
            n, a, w = buckets[bucket]
            buckets[bucket] = (n + f.count, a + f.amount, w + f.weighted)
            n, a, w = categories[category]
            categories[category] = (n + f.count, a + f.amount, w + f.weighted)
            total = (total[0] + f.count, total[1] + f.amount, total[2] + f.weighted)
    return buckets, categories, total


def add_lines(
    groups: dict[tuple[str, ...], Accumulator],
    lines: list[tuple[str, Decimal]],
    owner: str | None,
    owner_first: bool,  # noqa: FBT001
    cell: int,
    prob: Decimal,
) -> None:
    """Add a deal's lines to their product (or owner and product) groups, once per product."""
    if len(lines) == 1:
        product, value = lines[0]
        group: tuple[str, ...] = (product,)
        if owner is not None:
            group = (owner, product) if owner_first else (product, owner)
        acc = groups.get(group)
        if acc is None:
            acc = groups[group] = Accumulator()
        acc.add(cell, value, value * prob)
        return
    per_product: dict[str, Decimal] = {}
    for product, value in lines:
        per_product[product] = per_product.get(product, NO_MONEY) + value
    for product, value in per_product.items():
        group = (product,)
        if owner is not None:
            group = (owner, product) if owner_first else (product, owner)
        acc = groups.get(group)
        if acc is None:
            acc = groups[group] = Accumulator()
        acc.add(cell, value, value * prob)
