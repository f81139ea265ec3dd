"""The distribution of a pipeline's outcome: exact where affordable, bounded where not.

Each open deal is won independently with its probability, so the total won is
a sum of independent two-point variables (amount with probability ``p``, zero
otherwise). :func:`distribution_of` computes the distribution of that sum from
``(amount, probability)`` pairs; :func:`salesfunnel.outcome_distribution`
does the same from opportunities.

Four methods, chosen automatically (the choice is :attr:`OutcomeDistribution.method`):

:attr:`Method.EXACT`
    Exact rational arithmetic over the sums that can occur. Used when there are
    few distinct sums (few deals, or many deals of equal amounts).
:attr:`Method.LATTICE`
    A dynamic programme over every multiple of the amounts' common unit (for
    amounts in whole hundreds, every hundred). Amounts are exact; the only
    error is the rounding of probabilities to 31 bits and of masses to 48
    bits, which is measured and reported (typically below 1e-7).
:attr:`Method.GRID`
    The same programme on amounts rounded to a coarser ``resolution``, with
    the rounding's mean put back. Used when the exact lattice would take more
    than ``budget`` cell updates, or more than a few million while a coarser
    grid keeps the guaranteed error within ``tolerance`` standard deviations.
:attr:`Method.NORMAL`
    The Edgeworth expansion around the normal curve, from the exact first four
    cumulants, with the Berry–Esseen bound. Used for very many deals.

Whatever the method, :attr:`~OutcomeDistribution.mean` and
:attr:`~OutcomeDistribution.variance` are exact ``Decimal`` values, and
:attr:`~OutcomeDistribution.error` states a guaranteed bound: for every
amount ``x``, with ``F`` the exact cumulative distribution,
``F(x - error.amount) - error.probability <= dist.cdf(x) <= F(x + error.amount) + error.probability``.

>>> from decimal import Decimal as D
>>> dist = distribution_of([(D(100), D("0.5")), (D(200), D("0.5"))])
>>> dist.method.value, [(str(x), p) for x, p in dist.items()]
('exact', [('0', 0.25), ('100', 0.25), ('200', 0.25), ('300', 0.25)])
>>> dist.mean, dist.variance, dist.prob_at_least(D(200))
(Decimal('150.0'), Decimal('12500.00'), 0.5)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from decimal import Decimal
from fractions import Fraction

import attrs

from salesfunnel.errors import InvalidResultError
from salesfunnel.i18n import Lang, check_lang
from salesfunnel.money import MAX_INTEGER_DIGITS, MAX_PLACES, to_amount, to_probability
from salesfunnel.pipeline._convolution import (
    EXACT_BUDGET,
    EXACT_MAX_DEALS,
    GRID_TAIL,
    WINDOW_SD,
    Deals,
    Table,
    ceil_to,
    edgeworth_table,
    exact_context,
    exact_table,
    lattice_table,
    nice_steps,
    round_to,
    sparse_cost,
)
from salesfunnel.pipeline._fft import available as fft_available
from salesfunnel.pipeline._fft import fft_table
from salesfunnel.pipeline.labels import LABELS, quantile_rows, titled
from salesfunnel.pipeline.parameters import (
    DEFAULT_BUDGET,
    DEFAULT_TOLERANCE,
    InvalidParameterError,
    Method,
    check_level,
    method_of,
    percent_level,
)
from salesfunnel.tables import Cell, Tabular
from salesfunnel.tables import Table as TableView

__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_TOLERANCE",
    "ErrorBound",
    "InvalidParameterError",
    "Method",
    "OutcomeDistribution",
    "distribution_of",
    "percent_level",
]


#: Below this many cell updates the exact lattice is always used.
_FREE_CELLS = 2_000_000

#: The normal expansion's table: points when no resolution is given, how many
#: standard deviations it spans each way, and the most points it may have.
_NORMAL_POINTS, _NORMAL_SPAN, _NORMAL_MAX_POINTS = 100_000, 12.0, 5_000_000


@attrs.frozen
class ErrorBound:
    """A guaranteed bound on the difference from the exact distribution.

    For every amount ``x``, with ``F`` the exact cumulative distribution and
    ``cdf`` the computed one:
    ``F(x - amount) - probability <= cdf(x) <= F(x + amount) + probability``.
    So every computed quantile is within ``amount`` of an exact quantile at a
    level no more than ``probability`` away (see
    :meth:`OutcomeDistribution.quantile_bounds`).

    Attributes:
        amount: The money part (zero for exact amounts).
        probability: The probability part.
    """

    amount: Decimal
    probability: float


def _masses(table: Table) -> tuple[object, ...]:
    """What a distribution's masses are: weights, denominator and points (not the running sums)."""
    return (table.weights, table.denominator, table.points, table.offset, table.step)


_NAME = "OutcomeDistribution"


@attrs.frozen(repr=False)
class OutcomeDistribution(Tabular):
    """The distribution of the total won from a set of independent deals.

    Build one with :func:`distribution_of` or
    :func:`salesfunnel.outcome_distribution`. Amounts are ``Decimal``;
    probabilities are ``float`` (exact fractions under :attr:`Method.EXACT`,
    see :meth:`fractions`).

    Distributions compare (and hash) by value: two are equal when their
    fields are equal and they hold the same masses (whole numbers over the
    same denominator) on the same points, so a distribution read back from
    its JSON document equals the one written. The running sums kept for fast
    queries do not take part.

    Attributes:
        method: How it was computed.
        currency: The currency of the amounts, if known.
        count: How many uncertain deals (probability strictly between 0 and 1)
            it covers.
        certain: The amount won for certain (deals with probability 1).
        mean: The exact expected total.
        variance: The exact variance of the total.
        resolution: The spacing of the amounts it is computed on (the common
            unit for exact methods, the grid step otherwise).
        error: The guaranteed bound on its difference from the exact answer.
        maximum: The largest possible total.
    """

    method: Method
    currency: str | None
    count: int
    certain: Decimal
    mean: Decimal
    variance: Decimal
    resolution: Decimal
    error: ErrorBound
    maximum: Decimal
    _table: Table = attrs.field(eq=_masses, validator=lambda _d, _a, t: t.check(_NAME))

    def __attrs_post_init__(self) -> None:
        """Refuse a mean its masses contradict (see :meth:`_check_mean`)."""
        self._check_mean()

    def _check_mean(self) -> None:
        """Refuse a mean outside [certain, maximum], or further from the table's than its error.

        Exact methods hold the exact masses, so their mean is the table's.
        Otherwise the guaranteed error bounds how far the table's mean may be:
        at most ``amount + probability * (maximum - certain)``, and one
        resolution for the discretisation.

        Raises:
            InvalidResultError: Naming ``mean``.
        """
        if not self.certain <= self.mean <= self.maximum:
            raise InvalidResultError(
                _NAME,
                "mean",
                f"is {self.mean}, outside the totals from {self.certain} to {self.maximum}",
            )
        given, table = Fraction(self.mean), self._table.mean()
        if self.method is Method.EXACT:
            if given != table:
                raise InvalidResultError(
                    _NAME, "mean", f"is {self.mean}, but the masses give {float(table):.10g}"
                )
            return
        slack = Fraction(self.error.amount) + Fraction(self.resolution)
        slack += Fraction(self.error.probability) * Fraction(self.maximum - self.certain)
        if abs(given - table) > slack:
            raise InvalidResultError(
                _NAME,
                "mean",
                f"is {self.mean}, but the masses give {float(table):.10g}, further than "
                f"the error bound allows ({float(slack):.6g})",
            )

    def __repr__(self) -> str:
        """Show the method, the mean and the spread."""
        cur = f" {self.currency}" if self.currency else ""
        return (
            f"<OutcomeDistribution {self.method.value}: {self.count} deals, "
            f"mean {self.mean}{cur}, stdev {self.stdev:.6g}>"
        )

    @property
    def stdev(self) -> float:
        """The standard deviation of the total (a float: a statistic, not money)."""
        return math.sqrt(self.variance)

    @property
    def minimum(self) -> Decimal:
        """The smallest possible total: what is won for certain."""
        return self.certain

    def items(self) -> Iterator[tuple[Decimal, float]]:
        """Iterate over the totals the distribution puts mass on, ascending, with their masses."""
        table = self._table
        for i in range(len(table)):
            yield table.point(i), float(table.mass(i))

    def fractions(self) -> tuple[tuple[Decimal, Fraction], ...] | None:
        """Return the exact masses as fractions under :attr:`Method.EXACT`, else ``None``."""
        table = self._table
        if self.method is not Method.EXACT:
            return None
        return tuple((table.point(i), Fraction(table.mass(i))) for i in range(len(table)))

    def pmf(self, x: Decimal | int | str) -> float:
        """Return the probability that the total is exactly ``x``.

        Under :attr:`Method.GRID` and :attr:`Method.NORMAL` the mass lives on
        the grid of :meth:`items`, so off the grid this is 0.
        """
        amount = to_amount(x, field="x")
        i = self._table.index_at(amount)
        return 0.0 if i is None else float(self._table.mass(i))

    def cdf(self, x: Decimal | int | str) -> float:
        """Return the probability that the total is at most ``x``."""
        amount = to_amount(x, field="x")
        if amount >= self.maximum:
            return 1.0
        if amount < self.minimum:
            return 0.0
        i = self._table.index_le(amount)
        return 0.0 if i < 0 else float(self._table.cumulative(i))

    def prob_at_least(self, x: Decimal | int | str) -> float:
        """Return the probability that the total reaches at least ``x``.

        This is "how likely are we to hit the number": it never increases as
        ``x`` grows, is 1 at or below :attr:`minimum` and 0 above
        :attr:`maximum`.

        Raises:
            InvalidAmountError: For a negative ``x``.
        """
        amount = to_amount(x, field="x")
        if amount <= self.minimum:
            return 1.0
        if amount > self.maximum:
            return 0.0
        i = self._table.index_lt(amount)
        return 1.0 if i < 0 else float(1 - self._table.cumulative(i))

    def quantile(self, q: Decimal | float | str) -> Decimal:
        """Return the smallest total whose cumulative probability is at least ``q``.

        Args:
            q: The level, in [0, 1].

        Raises:
            InvalidProbabilityError: For ``q`` outside [0, 1].
        """
        level = check_level(q, "q")
        if level == 0:
            return self.minimum
        i = self._table.first_at_least(level)
        return self.maximum if i is None else self._clamp(self._table.point(i))

    def percentile(self, k: Decimal | float | str) -> Decimal:
        """Return the ``k``-th percentile: 90 % of outcomes are at or below ``percentile(90)``.

        The same as ``quantile(k / 100)``. Compare :meth:`at_least_with`.

        Raises:
            InvalidProbabilityError: For ``k`` outside [0, 100].
        """
        return self.quantile(percent_level(k))

    def at_least_with(self, probability: Decimal | float | str) -> Decimal:
        """Return the largest total reached with at least ``probability``.

        ``at_least_with(0.9)`` is the "P90" of oil, gas and project planning:
        a total we are 90 % sure to reach or beat. It equals the *10th*
        percentile (up to ties), not the 90th: see :meth:`percentile`.

        Raises:
            InvalidProbabilityError: For a probability outside [0, 1].
        """
        level = check_level(probability, "probability")
        if level == 1:
            return self.minimum
        return self._clamp(self._table.point(self._table.last_reaching(level)))

    def _clamp(self, x: Decimal) -> Decimal:
        """Keep an approximate total within the possible range (which only brings it closer)."""
        return min(max(x, self.minimum), self.maximum)

    def quantile_bounds(self, q: Decimal | float | str) -> tuple[Decimal, Decimal]:
        """Return an interval that surely holds the exact ``q``-quantile.

        It follows from :attr:`error`: the exact quantile lies within
        ``error.amount`` of a computed quantile at a level within
        ``error.probability`` of ``q``. Under :attr:`Method.EXACT` both ends
        are the quantile itself.

        Raises:
            InvalidProbabilityError: For ``q`` outside [0, 1].
        """
        level = check_level(q, "q")
        eps = Decimal(repr(self.error.probability))
        lo_level, hi_level = max(level - eps, Decimal(0)), level + eps
        lo = self.minimum if lo_level == 0 else self.quantile(lo_level) - self.error.amount
        hi = self.maximum if hi_level > 1 else self.quantile(hi_level) + self.error.amount
        return max(lo, self.minimum), min(hi, self.maximum)

    def table(self, lang: Lang = "en") -> TableView:
        """Return the expected total, the spread and the percentiles as a table."""
        lang = check_lang(lang)
        rows: list[tuple[str, Cell]] = [
            (LABELS["count"](lang), self.count),
            (LABELS["certain"](lang), self.certain),
            (LABELS["mean"](lang), self.mean),
            (LABELS["stdev"](lang), self.stdev),
            *quantile_rows(self, lang),
            (LABELS["maximum"](lang), self.maximum),
        ]
        note = (
            f"method: {self.method.value}; error within {self.error.amount} in amount, "
            f"{self.error.probability:.1e} in probability"
            if lang == "en"
            else f"计算方法：{self.method.value}；误差：金额不超过 {self.error.amount}，"
            f"概率不超过 {self.error.probability:.1e}"
        )
        return TableView(titled(LABELS["title"], self.currency, lang), ("", ""), rows, note)


def _check_options(resolution: object, budget: object) -> Decimal | None:
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise InvalidParameterError(
            f"budget: expected a positive number of cell updates, got {budget!r}",
            parameter="budget",
            value=budget,
        )
    if resolution is None:
        return None
    step = to_amount(resolution, field="resolution")
    if step <= 0:
        raise InvalidParameterError(
            f"resolution: expected a positive amount such as Decimal('1000'), got {resolution!r}",
            parameter="resolution",
            value=resolution,
        )
    return step


def distribution_of(
    pairs: Iterable[tuple[Decimal | int | str, Decimal | float | str]],
    *,
    method: Method | str | None = None,
    resolution: Decimal | int | str | None = None,
    budget: int = DEFAULT_BUDGET,
    tolerance: float = DEFAULT_TOLERANCE,
    currency: str | None = None,
) -> OutcomeDistribution:
    """Return the distribution of the total of independent ``(amount, probability)`` deals.

    Args:
        pairs: Each deal's amount (``Decimal``, ``int`` or string; never a
            float) and probability of being won, in [0, 1].
        method: Force a method, a :class:`Method` or its value such as
            ``"exact"`` (default: chosen as the module docstring says).
        resolution: The grid step for :attr:`Method.GRID` or the table step for
            :attr:`Method.NORMAL` (default: the finest affordable). Giving it
            alone asks for a grid at that step (the exact lattice if every
            amount is a multiple of it).
        budget: The most cell updates the lattice programme may use before a
            coarser grid or the normal expansion is chosen.
        tolerance: When the exact lattice costs more than a few million cell
            updates, the automatic choice takes the coarsest grid whose
            guaranteed error (``error.amount``) is within this many standard
            deviations of the total (the exact lattice if none is).
        currency: The currency of the amounts, for display.

    Returns:
        The distribution.

    Raises:
        InvalidProbabilityError: For a probability outside [0, 1].
        InvalidAmountError: For a negative or non-finite amount.
        AmountTypeError: For a float amount.
        InvalidParameterError: For a non-positive resolution or budget.

    >>> from decimal import Decimal as D
    >>> dist = distribution_of([(D(1000), D("0.5"))] * 300)
    >>> dist.method.value, dist.quantile("0.5")
    ('exact', Decimal('150000'))
    >>> big = distribution_of([(D(1000 + i), D("0.5")) for i in range(300)], resolution=D(500))
    >>> big.method.value, big.resolution, big.error.amount > 0
    ('grid', Decimal('500'), True)
    """
    method = method_of(method)
    step = _check_options(resolution, budget)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not tolerance > 0:
        raise InvalidParameterError(
            f"tolerance: expected a positive number of standard deviations such as 0.002, got {tolerance!r}",
            parameter="tolerance",
            value=tolerance,
        )
    deals = _pairs(pairs)
    with exact_context():
        certain = sum((a for a, p in deals if p == 1), Decimal(0))
        mean = sum((a * p for a, p in deals), Decimal(0))
        variance = sum((a * a * p * (1 - p) for a, p in deals), Decimal(0))
        maximum = certain + sum((a for a, p in deals if 0 < p < 1), Decimal(0))
    live = Deals([(a, p) for a, p in deals if 0 < p < 1 and a > 0])
    if not live.amounts:
        chosen, grid = Method.EXACT, Decimal(0)
        table, bound = exact_table([], [], certain, Decimal(1)), ErrorBound(Decimal(0), 0.0)
    else:
        chosen, grid = _choose(method, step, live, budget, tolerance)
        if chosen is Method.EXACT:
            table = exact_table(live.units, live.probs, certain, live.unit)
            bound = ErrorBound(Decimal(0), 0.0)
        elif chosen is Method.LATTICE:
            table, lost = _programme(live, live.units, certain, live.unit, live.cells())
            bound = ErrorBound(Decimal(0), lost)
        elif chosen is Method.GRID:
            table, bound = _grid(live, grid, certain)
        else:
            table, bound = _normal(live, grid, mean, certain, maximum)
    return OutcomeDistribution(
        method=chosen,
        currency=currency,
        count=len(live.amounts),
        certain=certain,
        mean=mean,
        variance=variance,
        resolution=grid,
        error=bound,
        maximum=maximum,
        table=table,
    )


def _pairs(pairs: Iterable[tuple[object, object]]) -> list[tuple[Decimal, Decimal]]:
    out = []
    for i, (amount, probability) in enumerate(pairs):
        # Fast path for the common case (checked Decimals); anything else goes
        # through the converters, which raise the errors.
        a = (
            amount
            if type(amount) is Decimal
            and amount.is_finite()
            and amount > 0
            and amount.adjusted() < MAX_INTEGER_DIGITS
            and amount.as_tuple().exponent >= -MAX_PLACES  # type: ignore[operator]
            else to_amount(amount, field=f"pairs[{i}] amount")
        )
        p = (
            probability
            if type(probability) is Decimal and 0 < probability <= 1
            else to_probability(probability, field=f"pairs[{i}] probability")
        )
        out.append((a, p))
    return out


def _choose(
    method: Method | None, step: Decimal | None, live: Deals, budget: int, tolerance: float
) -> tuple[Method, Decimal]:
    """Pick the method and the step it works on."""
    unit = live.unit
    if method is Method.EXACT:
        if sparse_cost(live.units) > 50 * EXACT_BUDGET:
            raise InvalidParameterError(
                f"method: exact arithmetic over {len(live.units)} deals of distinct "
                "amounts would not finish; use Method.LATTICE or leave method out",
                parameter="method",
                value=method,
            )
        return Method.EXACT, unit
    if method is Method.NORMAL:
        return Method.NORMAL, step or _normal_step(live)
    if step is not None and (Fraction(unit) / Fraction(step)).denominator == 1:
        step = unit  # every amount is a multiple of the step: the lattice is exact
    if method is Method.LATTICE or step == unit:
        return Method.LATTICE, unit
    if method is Method.GRID or step is not None:
        return Method.GRID, step or _affordable_step(live, budget)
    if len(live.units) <= EXACT_MAX_DEALS and sparse_cost(live.units) <= EXACT_BUDGET:
        return Method.EXACT, unit
    cells = live.cells()
    if cells <= min(budget, _FREE_CELLS):
        return Method.LATTICE, unit
    eps, sigma, _g1, _g2 = live.moments()
    finest = unit if cells <= budget else _affordable_step(live, budget)
    amount = Decimal(0) if finest == unit else live.on_grid(finest)[2]
    if amount <= tolerance * sigma:
        # Coarsen while the guaranteed error stays within the tolerance.
        grid = finest
        for step in nice_steps(unit):  # pragma: no branch - ends at a break
            if step <= finest:
                continue
            if live.on_grid(step)[2] > tolerance * sigma:
                break
            grid = step
        return (Method.LATTICE, unit) if grid == unit else (Method.GRID, grid)
    normal_step = _normal_step(live)
    # Compare the two bounds in probability terms: shifting an amount by t
    # moves a cumulative probability by at most about t × the peak density.
    density = 1 / (sigma * math.sqrt(2 * math.pi))
    grid_cost = float(amount) * density + GRID_TAIL
    normal_cost = eps + float(normal_step) / 2 * density
    return (Method.GRID, finest) if grid_cost <= normal_cost else (Method.NORMAL, normal_step)


def _affordable_step(live: Deals, budget: int) -> Decimal:
    """Return the finest 1-2-5 multiple of the unit whose grid fits in ``budget``."""
    base = live.cells()
    for step in nice_steps(live.unit):
        ratio = int(step / live.unit)
        if base / ratio <= 4 * budget and live.cells(ratio) <= budget:
            return step
    raise AssertionError  # pragma: no cover - the steps grow without end


def _normal_step(live: Deals) -> Decimal:
    """Return the first 1-2-5 multiple of the unit at least 2 × span × σ / points."""
    target = 2 * _NORMAL_SPAN * live.moments()[1] / _NORMAL_POINTS
    return next(step for step in nice_steps(live.unit) if float(step) >= target)


def _grid(live: Deals, step: Decimal, certain: Decimal) -> tuple[Table, ErrorBound]:
    units, shift, amount = live.on_grid(step)
    with exact_context():
        offset = certain + shift
    # The cost on the grid, for choosing the engine (a grid finer than the unit costs more).
    cells = live.cells(max(int(step / live.unit), 1))
    table, lost = _programme(live, units, offset, step, cells)
    return table, ErrorBound(amount, lost + GRID_TAIL)


def _programme(
    live: Deals, units: list[int], offset: Decimal, step: Decimal, cells: int
) -> tuple[Table, float]:
    """Run the lattice programme: by FFT with numpy when it is costly, else in Python."""
    if cells > _FREE_CELLS and fft_available():
        return fft_table(units, live.probs, offset, step)
    return lattice_table(units, live.probs, offset, step, WINDOW_SD)


def _normal(
    live: Deals, step: Decimal, mean: Decimal, low: Decimal, high: Decimal
) -> tuple[Table, ErrorBound]:
    eps, sigma, g1, g2 = live.moments()
    if 2 * _NORMAL_SPAN * sigma / float(step) > _NORMAL_MAX_POINTS:
        finest = ceil_to(2 * _NORMAL_SPAN * sigma / _NORMAL_MAX_POINTS, live.unit)
        raise InvalidParameterError(
            f"resolution: {step} is too fine for the normal expansion (more than "
            f"{_NORMAL_MAX_POINTS} points); use {finest} or more",
            parameter="resolution",
            value=step,
        )
    centre = round_to(mean, live.unit)
    table = edgeworth_table(centre, step, (float(mean), sigma, g1, g2), low, high, _NORMAL_SPAN)
    return table, ErrorBound(step / 2, eps)
