"""Pipeline maths: the weighted pipeline, the distribution of outcomes, simulation.

Each open deal is won with its probability (the deal's own override, else its
stage's default), independently of the others; won deals count in full and
lost ones not at all. From that:

* :func:`weighted_value`: Σ amount × probability, exact in ``Decimal``;
* :func:`outcome_distribution`: the whole distribution of the total won, with
  its quantiles and "how likely are we to hit the number"
  (:mod:`salesfunnel.pipeline.distribution` explains the methods);
* :func:`simulate`: a seeded Monte Carlo run with common random numbers, for
  what-if scenarios.

Amounts must be in one currency, or the caller passes ``convert``, a function
giving each deal's amount in one reporting currency.

>>> from datetime import date
>>> from decimal import Decimal
>>> from salesfunnel import DEFAULT_FUNNEL, Opportunity
>>> def deal(i, stage, amount):
...     return Opportunity(
...         id=f"D{i}",
...         name="ERP",
...         account="Acme",
...         owner="Ann",
...         stage=stage,
...         created=date(2026, 1, 5),
...         expected_close=date(2026, 6, 30),
...         amount=amount,
...         currency="CNY",
...     )
>>> deals = [deal(1, "negotiation", "100000"), deal(2, "intent", "50000")]
>>> weighted_value(deals)
Decimal('90000.0')
>>> dist = outcome_distribution(deals)
>>> dist.mean, dist.prob_at_least(Decimal("100000"))
(Decimal('90000.0'), 0.8)
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from statistics import NormalDist

import attrs

from salesfunnel.calendar import check_date
from salesfunnel.errors import CurrencyError, InvalidResultError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.history import snapshot
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.i18n import Lang, check_lang
from salesfunnel.money import currency_code, to_amount, to_probability
from salesfunnel.pipeline._convolution import exact_context
from salesfunnel.pipeline._simulation import Totals, deal_stream, wins
from salesfunnel.pipeline.distribution import OutcomeDistribution, distribution_of
from salesfunnel.pipeline.labels import LABELS, quantile_rows, titled
from salesfunnel.pipeline.parameters import (
    DEFAULT_BUDGET,
    DEFAULT_TOLERANCE,
    InvalidParameterError,
    Method,
    percent_level,
)
from salesfunnel.tables import Cell, Table, Tabular

__all__ = [
    "Converter",
    "ProbabilitySource",
    "Simulation",
    "deal_values",
    "outcome_distribution",
    "simulate",
    "weighted_value",
]

#: A probability source: gives an open opportunity's probability of being won
#: (for example a :class:`~salesfunnel.analytics.calibration.LearnedProbabilities`).
ProbabilitySource = Callable[[Opportunity], Decimal]

#: A currency converter: gives an opportunity's amount in the reporting currency.
Converter = Callable[[Opportunity], Decimal]


def _as_of(
    opportunities: Iterable[Opportunity], funnel: Funnel, as_of: date | None
) -> list[Opportunity]:
    if as_of is None:
        return list(opportunities)
    when = check_date(as_of, field="as_of")
    return [s for o in opportunities if (s := snapshot(o, when, funnel=funnel)) is not None]


def deal_values(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date | None = None,
    convert: Converter | None = None,
    currency: str | None = None,
    probability: ProbabilitySource | None = None,
) -> tuple[str | None, list[tuple[Decimal, Decimal]]]:
    """Return the currency and each deal's ``(amount, probability)``, as the pipeline maths sees them.

    Args:
        opportunities: The deals.
        funnel: Their funnel (for stage probabilities and won / lost).
        as_of: Take each deal as it stood on this date (deals created later
            are left out); default: as they are.
        convert: A function giving each deal's amount in one reporting
            currency; without it, all deals must share one currency.
        currency: The reporting currency's code, when ``convert`` is given.
        probability: A probability source for *open* deals (default: the
            funnel's, i.e. the deal's override or its stage's probability).
            Won deals always count 1 and lost ones 0.

    Returns:
        The currency (``None`` if converted without naming it) and the pairs.

    Raises:
        CurrencyError: For mixed currencies without ``convert``.
        InvalidProbabilityError: If the source gives a value outside [0, 1].
        UnknownStageError: For a stage the funnel does not have.
    """
    code, values = _values(opportunities, funnel, as_of, convert, currency, probability)
    return code, [(amount, p) for _o, amount, p in values]


def _values(
    opportunities: Iterable[Opportunity],
    funnel: Funnel,
    as_of: date | None,
    convert: Converter | None,
    currency: str | None,
    probability: ProbabilitySource | None,
) -> tuple[str | None, list[tuple[Opportunity, Decimal, Decimal]]]:
    """:func:`deal_values`, keeping each deal with its amount and probability."""
    deals = _as_of(opportunities, funnel, as_of)
    if convert is None:
        codes = sorted({o.currency for o in deals})
        if len(codes) > 1:
            raise CurrencyError(
                f"the opportunities are in {', '.join(codes)}; pass convert= (a "
                "function giving each amount in one reporting currency) or "
                "select the deals of one currency",
                code=",".join(codes),
            )
        code: str | None = codes[0] if codes else currency
    else:
        code = None if currency is None else currency_code(currency)
    values = []
    for o in deals:
        kind = funnel.kind_of(o)
        if kind is StageKind.OPEN and probability is not None:
            p = to_probability(probability(o), field=f"probability of {o.id}")
        else:
            p = funnel.probability_of(o)
        amount = o.amount if convert is None else to_amount(convert(o), field=f"amount of {o.id}")
        values.append((o, amount, p))
    return code, values


def weighted_value(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date | None = None,
    convert: Converter | None = None,
    probability: ProbabilitySource | None = None,
) -> Decimal:
    """Return the weighted pipeline: Σ amount × probability, exact.

    Won deals count in full, lost ones not at all, open ones at their
    probability (the deal's override, else the stage's). The arguments are
    those of :func:`deal_values`.

    Raises:
        CurrencyError: For mixed currencies without ``convert``.
        InvalidProbabilityError: If ``probability`` gives a value outside [0, 1].
    """
    _code, pairs = deal_values(
        opportunities, funnel, as_of=as_of, convert=convert, probability=probability
    )
    with exact_context():
        return sum((a * p for a, p in pairs), Decimal(0))


def outcome_distribution(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date | None = None,
    convert: Converter | None = None,
    currency: str | None = None,
    probability: ProbabilitySource | None = None,
    method: Method | str | None = None,
    resolution: Decimal | int | str | None = None,
    budget: int = DEFAULT_BUDGET,
    tolerance: float = DEFAULT_TOLERANCE,
) -> OutcomeDistribution:
    """Return the distribution of the total won from ``opportunities``.

    Its mean equals :func:`weighted_value`. The selection arguments are those
    of :func:`deal_values`; ``method``, ``resolution``, ``budget`` and
    ``tolerance`` those of :func:`~salesfunnel.pipeline.distribution.distribution_of`.

    Raises:
        CurrencyError: For mixed currencies without ``convert``.
        InvalidProbabilityError: If ``probability`` gives a value outside [0, 1].
        InvalidParameterError: For a bad resolution or budget.

    >>> from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
    >>> usd = [o for o in sample_pipeline() if o.currency == "USD"]
    >>> dist = outcome_distribution(usd, as_of=SAMPLE_AS_OF)
    >>> dist.method.value, dist.currency
    ('lattice', 'USD')
    >>> dist.percentile(10) <= dist.percentile(50) <= dist.percentile(90)
    True
    """
    code, pairs = deal_values(
        opportunities,
        funnel,
        as_of=as_of,
        convert=convert,
        currency=currency,
        probability=probability,
    )
    return distribution_of(
        pairs,
        method=method,
        resolution=resolution,
        budget=budget,
        tolerance=tolerance,
        currency=code,
    )


def _z(confidence: object) -> float:
    level = to_probability(confidence, field="confidence")
    if not 0 < level < 1:
        raise InvalidParameterError(
            f"confidence: expected a level strictly between 0 and 1 such as 0.95, got {confidence!r}",
            parameter="confidence",
            value=confidence,
        )
    return NormalDist().inv_cdf(0.5 + float(level) / 2)


def _sorted(totals: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    return tuple(sorted(totals))


def _trials(trials: object) -> int:
    """Check a number of trials: a whole number, 1 or more."""
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise InvalidParameterError(
            f"trials: expected a positive number of trials such as 10000, got {trials!r}",
            parameter="trials",
            value=trials,
        ).at("trials", why="is not a positive number of trials", fix="run 1 trial or more")
    return trials


@attrs.frozen(repr=False)
class Simulation(Tabular):
    """The totals of a seeded Monte Carlo run, with estimates and their confidence intervals.

    Simulations compare (and hash) by value: trials, seed, currency and
    every total, in trial order (the sorted copy kept for quantiles does not
    take part). The same seed and inputs give equal simulations.

    Attributes:
        trials: How many trials.
        seed: The seed (the same seed and inputs give the same totals).
        currency: The currency of the totals, if known.
        totals: The total won in each trial, in trial order.
    """

    trials: int
    seed: int
    currency: str | None
    totals: tuple[Decimal, ...]
    _ordered: tuple[Decimal, ...] = attrs.field(init=False, eq=False, repr=False)

    @_ordered.default
    def _order(self) -> tuple[Decimal, ...]:
        return _sorted(self.totals)

    def __attrs_post_init__(self) -> None:
        """Refuse a number of trials below 1, and a total count that does not match it.

        Raises:
            InvalidParameterError: For ``trials``.
            InvalidResultError: For ``totals``.
        """
        _trials(self.trials)
        if len(self.totals) != self.trials:
            raise InvalidResultError(
                "Simulation",
                "totals",
                f"has {len(self.totals)} totals for {self.trials} trials",
                "give one total per trial",
            )

    def __repr__(self) -> str:
        """Show the size and the mean."""
        return f"<Simulation: {self.trials} trials, seed {self.seed}, mean {self.mean:.6g}>"

    @property
    def mean(self) -> float:
        """The average total over the trials."""
        return float(sum(self.totals, Decimal(0)) / self.trials)

    @property
    def stdev(self) -> float:
        """The sample standard deviation of the totals."""
        if self.trials < 2:  # noqa: PLR2004 - one trial has no spread
            return 0.0
        m = sum(self.totals, Decimal(0)) / self.trials
        return math.sqrt(sum((t - m) ** 2 for t in self.totals) / (self.trials - 1))

    def mean_interval(self, confidence: Decimal | float | str = 0.95) -> tuple[float, float]:
        """Return a normal-approximation confidence interval for the exact mean."""
        half = _z(confidence) * self.stdev / math.sqrt(self.trials)
        return self.mean - half, self.mean + half

    def prob_at_least(self, x: Decimal | int | str) -> float:
        """Return the share of trials whose total reached at least ``x``."""
        amount = to_amount(x, field="x")
        below = bisect.bisect_left(self._ordered, amount)
        return (self.trials - below) / self.trials

    def prob_at_least_interval(
        self, x: Decimal | int | str, confidence: Decimal | float | str = 0.95
    ) -> tuple[float, float]:
        """Return the Wilson score interval for the exact probability of reaching ``x``."""
        z = _z(confidence)
        n, share = self.trials, self.prob_at_least(x)
        centre = (share + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
        return max(centre - half, 0.0), min(centre + half, 1.0)

    def quantile(self, q: Decimal | float | str) -> Decimal:
        """Return the smallest simulated total whose share of trials at or below it is at least ``q``."""
        level = to_probability(q, field="q")
        rank = max(math.ceil(level * self.trials), 1)
        return self._ordered[rank - 1]

    def percentile(self, k: Decimal | float | str) -> Decimal:
        """Return the ``k``-th percentile (``quantile(k / 100)``)."""
        return self.quantile(percent_level(k))

    def at_least_with(self, probability: Decimal | float | str) -> Decimal:
        """Return the largest simulated total reached in at least ``probability`` of the trials."""
        level = to_probability(probability, field="probability")
        reached = math.floor(level * self.trials)
        return self._ordered[min(self.trials - reached, self.trials - 1)]

    def quantile_interval(
        self, q: Decimal | float | str, confidence: Decimal | float | str = 0.95
    ) -> tuple[Decimal, Decimal]:
        """Return a distribution-free confidence interval for the exact ``q``-quantile.

        It is the pair of order statistics whose ranks bracket ``trials × q``
        by ``z`` binomial standard deviations.
        """
        level = float(to_probability(q, field="q"))
        z = _z(confidence)
        n = self.trials
        spread = z * math.sqrt(n * level * (1 - level))
        lo = min(max(math.floor(n * level - spread), 1), n)
        hi = min(max(math.ceil(n * level + spread) + 1, 1), n)
        return self._ordered[lo - 1], self._ordered[hi - 1]

    def table(self, lang: Lang = "en") -> Table:
        """Return the trials, the mean with its interval and the percentiles as a table."""
        lang = check_lang(lang)
        low, high = self.mean_interval()
        rows: list[tuple[str, Cell]] = [
            (LABELS["trials"](lang), f"{self.trials:,} ({self.seed})"),
            (LABELS["mean"](lang), self.mean),
            (LABELS["interval"](lang), f"{low:,.2f} – {high:,.2f}"),
            (LABELS["stdev"](lang), self.stdev),
            *quantile_rows(self, lang),
        ]
        return Table(titled(LABELS["simulated"], self.currency, lang), ("", ""), rows)


def _check_ids(keys: list[str]) -> None:
    """Refuse a deal given twice: each deal's draws come from a stream named by its id."""
    if len(set(keys)) < len(keys):
        twice = sorted(k for k, n in Counter(keys).items() if n > 1)
        raise InvalidParameterError(
            f"opportunities: the ids {', '.join(twice)} repeat among the open deals; "
            "each deal draws its own random numbers by id, so give each deal once",
            parameter="opportunities",
            value=twice,
        )


def simulate(
    opportunities: Iterable[Opportunity],
    trials: int,
    seed: int,
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date | None = None,
    convert: Converter | None = None,
    currency: str | None = None,
    probability: ProbabilitySource | None = None,
) -> Simulation:
    """Run a seeded Monte Carlo simulation of the total won.

    In each trial every open deal is won independently with its probability.
    Use it for what-if scenarios (pass ``probability=`` to change some deals'
    chances) and to check the exact :func:`outcome_distribution`, which it
    agrees with within its confidence intervals. The other arguments are
    those of :func:`deal_values`.

    The draws are common random numbers: each open deal draws from its own
    stream, named by ``seed`` and the deal's id, and is won in a trial when
    that trial's uniform number is below its probability (compared exactly).
    So the order of the deals never changes a total, and a what-if run with
    the same seed differs from the base run by the changed deals'
    contributions alone; a deal given a higher probability is won in every
    trial it was won before. All trials run at once in Python's big integers:
    there is no numpy path, and the draws are the same on every platform,
    with or without numpy. A deal's stream is :class:`random.Random` seeded
    with the BLAKE2b digest of the seed and its id; its uniform number in
    trial ``t`` is read from bit ``t`` of successive ``getrandbits(trials)``
    calls, most significant binary digit first.

    Args:
        opportunities: The deals.
        trials: How many trials (at least 1).
        seed: The random seed; the same seed gives the same totals.
        funnel: Their funnel.
        as_of: See :func:`deal_values`.
        convert: See :func:`deal_values`.
        currency: See :func:`deal_values`.
        probability: See :func:`deal_values`.

    Returns:
        The simulated totals.

    Raises:
        InvalidParameterError: For fewer than one trial, a seed that is not an
            int, or an id that repeats among the open deals.
        CurrencyError: For mixed currencies without ``convert``.

    >>> from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
    >>> usd = [o for o in sample_pipeline() if o.currency == "USD"]
    >>> def cautious(o):  # what if negotiations only close half the time?
    ...     return Decimal("0.5") if o.stage == "negotiation" else DEFAULT_FUNNEL.probability_of(o)
    >>> base = simulate(usd, 2000, seed=1)
    >>> worse = simulate(usd, 2000, seed=1, probability=cautious)
    >>> worse.mean < base.mean
    True
    >>> all(w <= b for w, b in zip(worse.totals, base.totals))  # the same draws, fewer wins
    True
    >>> simulate(usd[::-1], 2000, seed=1) == base
    True
    """
    trials = _trials(trials)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidParameterError(
            f"seed: expected an int so that the run can be repeated, got {seed!r}",
            parameter="seed",
            value=seed,
        )
    code, values = _values(opportunities, funnel, as_of, convert, currency, probability)
    with exact_context():
        certain = sum((a for _o, a, p in values if p == 1), Decimal(0))
    live = [(o.id, a, p) for o, a, p in values if 0 < p < 1 and a > 0]
    _check_ids([key for key, _a, _p in live])
    totals = Totals(trials)
    unit = Decimal(1)
    if live:
        exponent = min(int(a.as_tuple().exponent) for _k, a, _p in live)
        scaled = [int(a.scaleb(-exponent)) for _k, a, _p in live]
        common = math.gcd(*scaled)
        unit = Decimal(common).scaleb(exponent)
        for (key, _a, p), n in zip(live, scaled, strict=True):
            won = wins(p, trials, deal_stream(seed, key))
            if won:
                totals.add(n // common, won)
    sums = totals.values()
    with exact_context():
        # Small pipelines repeat a few totals many times: convert each distinct one once.
        money = {s: certain + unit * s for s in set(sums)}
    return Simulation(trials, seed, code, tuple(map(money.__getitem__, sums)))
