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
from salesfunnel.errors import UnknownStageError
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
    "Probabilities",
    "Slot",
    "Sum",
    "add_lines",
    "cell_sums",
    "stage_probability",
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


#: What a deal's key decides: (code, cell number, open), the code being
#: :meth:`Probabilities.code` of the stage's probability and the cell (``-1``: left out).
Slot = tuple[int, int, bool]


def stage_probability(stage: Stage) -> Decimal:
    """The win probability a deal in ``stage`` is weighted by without its own override."""
    if stage.kind is StageKind.OPEN:
        return stage.probability
    return Decimal(1) if stage.kind is StageKind.WON else Decimal(0)


class Probabilities:
    """Numbers the probabilities a forecast weighs deals by, one number per way of writing.

    ``Decimal("0.5")`` and ``Decimal("0.50")`` are equal but give weighted
    amounts written differently, so they get two numbers.
    """

    __slots__ = ("ids", "values")

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.values: list[Decimal] = []

    def code(self, probability: Decimal, cell: int) -> int:
        """One int for (probability, cell): ``cell`` is ``code % len(CELLS)``."""
        text = str(probability)
        number = self.ids.get(text)
        if number is None:
            number = self.ids[text] = len(self.values)
            self.values.append(probability)
        return number * len(CELLS) + cell


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
        self.slots: dict[tuple[str, date] | tuple[str, date, None], Slot] = {}

    def __call__(self, then: Opportunity, stage: Stage) -> tuple[int, Decimal]:
        """The cell number of ``then`` (in ``stage``) and its win probability."""
        cell = self.cell(then, stage)
        if stage.kind is StageKind.OPEN and then.probability is not None:
            return cell, then.probability
        return cell, stage_probability(stage)

    def cell(self, then: Opportunity, stage: Stage) -> int:
        """The cell number of ``then`` in ``stage``, or ``-1`` when it is left out."""
        if stage.kind is not StageKind.OPEN:
            closed = then.closed_on if then.closed_on is not None else then.history[-1].on
            if not self.first <= closed <= self.last:
                return -1
            return WON_CELL if stage.kind is StageKind.WON else LOST_CELL
        close = then.expected_close
        row = OPEN_BUCKET_RANK[bisect_left(self.bucket_bounds, close)] * PER_BUCKET
        window = bisect_left(self.window_bounds, close)
        if then.category_override is not None:
            category = manual_category(then, WINDOW_BY_RANK[window])
            return row + CATEGORY_RANK[category]
        ranks = self.by_stage.get(then.stage)
        if ranks is None:
            ranks = self.by_stage[then.stage] = tuple(
                CATEGORY_RANK[self.policy.category(then.stage, w)] for w in WINDOW_BY_RANK
            )
        return row + ranks[window]

    def slot(self, then: Opportunity, probabilities: Probabilities) -> Slot:
        """The :data:`Slot` of ``then``, kept for the next deal of the same key when it can be.

        The key, (stage, expected close) for a deal without ``closed_on`` and
        (stage, closed on, ``None``) for one with it, decides the cell of
        every deal without a ``category_override`` whose stage is open in
        the first case and won or lost in the second: those are the slots
        kept. (A won or lost deal without ``closed_on`` is dated by its
        history; an open one with a ``closed_on`` is placed by its expected
        close: neither is kept.)

        Raises:
            UnknownStageError: For a stage this funnel does not have.
        """
        stage = self.stages.get(then.stage)
        if stage is None:
            raise UnknownStageError(then.stage, self.funnel.keys())
        cell = self.cell(then, stage)
        opened = stage.kind is StageKind.OPEN
        code = probabilities.code(stage_probability(stage), cell) if cell >= 0 else -1
        slot = (code, cell, opened)
        if then.category_override is None:
            if opened and then.closed_on is None:
                self.slots[then.stage, then.expected_close] = slot
            elif not opened and then.closed_on is not None:
                self.slots[then.stage, then.closed_on, None] = slot
        return slot


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
