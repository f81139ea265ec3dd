"""Learned probabilities and calibration: are our probabilities right?

**Learned probabilities** (:func:`learn_probabilities`): for each open stage,
P(won | reached the stage) from the deals closed by ``as_of``. Small samples
are shrunk towards the funnel's default probability ``p`` with a Beta prior of
strength ``k`` (worth ``k`` imaginary deals, ``k × p`` of them won): after
``n`` closed deals of which ``w`` were won, the estimate is
``(w + k × p) / (n + k)``. It starts at the default and moves to the observed
rate ``w / n`` as ``n`` grows; ``k = 0`` uses the observed rate alone. The
sample size behind each figure is reported.

**Calibration** (:func:`calibration`) scores any probability source against
outcomes: the forecasts made on one date for the deals open then, against
whether each was won by a later date. The Brier score is the mean of
(forecast − outcome)², 0 is perfect and 0.25 is what always saying 50 % earns;
the reliability table bins the forecasts and sets each bin's average forecast
beside its observed win rate. A **backtest** (:func:`backtest`) repeats the
forecast of the pipeline's total on past dates and compares it with what was
won.

>>> from datetime import date
>>> from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
>>> learned = learn_probabilities(sample_pipeline(), as_of=SAMPLE_AS_OF, prior_strength=20)
>>> row = learned["negotiation"]
>>> row.prior, row.reached > 0, 0 < row.learned < 1
(Decimal('0.8'), True, True)
>>> brier_score([(0.8, True), (0.3, False)])
0.065
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from fractions import Fraction

import attrs

from salesfunnel.analytics.conversion import reached_stages, snapshots
from salesfunnel.calendar import check_date
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import UNRECORDED_STAGE, StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.i18n import Lang, pick
from salesfunnel.money import to_probability
from salesfunnel.pipeline._convolution import exact_context
from salesfunnel.pipeline.parameters import InvalidParameterError
from salesfunnel.pipeline.weighted import ProbabilitySource
from salesfunnel.tables import Table, Tabular

__all__ = [
    "Calibration",
    "LearnedProbabilities",
    "ReliabilityBin",
    "StageEstimate",
    "brier_score",
    "calibration",
    "learn_probabilities",
    "outcome_date",
    "reliability_table",
]


#: Learned probabilities are rounded to six places: far finer than any sample
#: can support, and weighted values stay short exact decimals.
_PLACES = Decimal("0.000001")


@attrs.frozen
class StageEstimate:
    """The learned probability of winning from one stage.

    Attributes:
        stage: The stage key.
        prior: The funnel's default probability (the prior mean).
        reached: Closed deals that reached the stage (the sample size).
        won: Of those, how many were won.
        learned: The estimate, ``(won + k × prior) / (reached + k)``, to six places.
        strength: The prior strength ``k``.
    """

    stage: str
    prior: Decimal
    reached: int
    won: int
    learned: Decimal
    strength: Decimal

    @property
    def observed(self) -> float | None:
        """The raw rate won ÷ reached (``None`` without closed deals)."""
        return self.won / self.reached if self.reached else None

    @property
    def stdev(self) -> float | None:
        """The posterior standard deviation (``None`` when there is neither data nor prior)."""
        alpha = float(self.won + self.strength * self.prior)
        beta = float(self.reached - self.won + self.strength * (1 - self.prior))
        size = alpha + beta
        return math.sqrt(alpha * beta / (size * size * (size + 1))) if size else None


@attrs.frozen
class LearnedProbabilities(Tabular):
    """Stage probabilities learned from history; also a probability source.

    Call it on an opportunity to get its probability: won 1, lost 0, the
    deal's own override (unless ``respect_override`` is false), else its
    stage's learned estimate. Pass it as ``probability=`` to
    :func:`~salesfunnel.weighted_value`, :func:`~salesfunnel.outcome_distribution`
    or :func:`calibration`.

    Attributes:
        as_of: The date the histories were read up to.
        stages: One estimate per open stage, bottom to top.
        funnel: The funnel learned from.
        respect_override: Whether a deal's own probability wins.
    """

    as_of: date
    stages: tuple[StageEstimate, ...]
    funnel: Funnel = attrs.field(repr=False)
    respect_override: bool = True

    def __getitem__(self, key: str) -> StageEstimate:
        """Return the estimate of stage ``key``.

        A deal whose stage was not recorded
        (:data:`~salesfunnel.funnel.records.UNRECORDED_STAGE`) gets the estimate of
        the stage it counts as (:attr:`~salesfunnel.Funnel.unrecorded_as`).

        Raises:
            UnknownStageError: For a stage the funnel does not have.
            KeyError: For the won stage or the lost outcome (fixed at 1 and 0).
        """
        self.funnel[key]
        if key == UNRECORDED_STAGE:
            key = self.funnel.unrecorded_as
        for s in self.stages:
            if s.stage == key:
                return s
        raise KeyError(key)

    def __iter__(self) -> Iterator[StageEstimate]:
        """Iterate over the estimates, bottom to top."""
        return iter(self.stages)

    def __call__(self, opportunity: Opportunity) -> Decimal:
        """Return the probability that ``opportunity`` is won."""
        kind = self.funnel.kind_of(opportunity)
        if kind is not StageKind.OPEN:
            return Decimal(1 if kind is StageKind.WON else 0)
        if self.respect_override and opportunity.probability is not None:
            return opportunity.probability
        return self[opportunity.stage].learned

    def table(self, lang: Lang = "en") -> Table:
        """Return the estimates for display."""
        rows = [
            (
                self.funnel[s.stage].label(lang),
                s.reached,
                s.won,
                f"{s.prior:.0%}",
                "" if s.observed is None else f"{s.observed:.0%}",
                f"{s.learned:.0%}",
            )
            for s in self.stages
        ]
        headers = (
            pick("stage", "阶段", lang),
            pick("closed deals", "已结商机", lang),
            pick("won", "成交", lang),
            pick("default", "默认", lang),
            pick("observed", "实际", lang),
            pick("learned", "学习所得", lang),
        )
        title = pick(
            f"Learned win probability by stage (as of {self.as_of})",
            f"各阶段学习所得赢单概率（截至 {self.as_of}）",
            lang,
        )
        return Table(title, headers, rows)


def _strength(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or not value >= 0:
        raise InvalidParameterError(
            f"prior_strength: expected a number of imaginary deals, 0 or more (an int "
            f"or Decimal), got {value!r}",
            parameter="prior_strength",
            value=value,
        )
    return Decimal(value)


def learn_probabilities(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date,
    prior_strength: int | Decimal = 10,
    respect_override: bool = True,
) -> LearnedProbabilities:
    """Learn P(won | reached stage) per open stage from deals closed by ``as_of``.

    A deal reached a stage if it entered it or skipped over it (see
    :func:`salesfunnel.analytics.conversion.reached_stages`). Open deals are left out:
    their outcome is not known yet.

    Args:
        opportunities: The deals, with histories.
        funnel: Their funnel; its probabilities are the priors.
        as_of: Read the histories up to the end of this date.
        prior_strength: How many imaginary deals the prior is worth.
        respect_override: Whether a deal's own probability wins when the
            result is used as a probability source.

    Raises:
        InvalidParameterError: For a negative prior strength.
        InvalidOpportunityError: For a history that does not chain.
    """
    k = _strength(prior_strength)
    counts = {s.key: [0, 0] for s in funnel if s.kind is StageKind.OPEN}
    for o in snapshots(opportunities, funnel, as_of=as_of):
        kind = funnel.kind_of(o)
        if kind is StageKind.OPEN:
            continue
        for key in reached_stages(o, funnel):
            if key in counts:
                counts[key][0] += 1
                counts[key][1] += kind is StageKind.WON
    stages = []
    for key, (n, w) in counts.items():
        prior = funnel[key].probability
        if n + k == 0:
            learned = prior
        else:
            with exact_context():
                top = w + k * prior
            learned = (top / (n + k)).quantize(_PLACES)
        stages.append(StageEstimate(key, prior, n, w, learned, k))
    return LearnedProbabilities(as_of, tuple(stages), funnel, respect_override)


def _forecasts(
    forecasts: Iterable[tuple[Decimal | float | str, bool]],
) -> list[tuple[Decimal, bool]]:
    out = []
    for i, (p, outcome) in enumerate(forecasts):
        if not isinstance(outcome, bool):
            raise InvalidParameterError(
                f"forecasts[{i}]: the outcome must be True (won) or False (lost), got {outcome!r}",
                parameter="forecasts",
                value=outcome,
            )
        out.append((to_probability(p, field=f"forecasts[{i}]"), outcome))
    return out


def brier_score(forecasts: Iterable[tuple[Decimal | float | str, bool]]) -> float:
    """Return the mean of (forecast − outcome)² over ``(probability, won)`` pairs.

    Raises:
        InvalidProbabilityError: For a forecast outside [0, 1].
        InvalidParameterError: For an outcome that is not a bool, or no forecasts.
    """
    pairs = _forecasts(forecasts)
    if not pairs:
        raise InvalidParameterError(
            "forecasts: need at least one (probability, outcome) pair",
            parameter="forecasts",
            value=pairs,
        )
    return float(sum(((Fraction(p) - won) ** 2 for p, won in pairs), Fraction(0)) / len(pairs))


@attrs.frozen
class ReliabilityBin:
    """One bin of a reliability table.

    Attributes:
        lower: The bin's lower edge (included).
        upper: Its upper edge (excluded, except 1 for the last bin).
        count: How many forecasts fell in it.
        mean_forecast: Their average (``None`` when empty).
        observed: The share of them that were won (``None`` when empty).
    """

    lower: float
    upper: float
    count: int
    mean_forecast: float | None
    observed: float | None


def _bins(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParameterError(
            f"bins: expected a positive number of bins such as 10, got {value!r}",
            parameter="bins",
            value=value,
        )
    return value


def reliability_table(
    forecasts: Iterable[tuple[Decimal | float | str, bool]], bins: int = 10
) -> tuple[ReliabilityBin, ...]:
    """Bin ``(probability, won)`` pairs by probability; compare forecasts with outcomes.

    A calibrated source has ``observed`` close to ``mean_forecast`` in every
    bin with enough forecasts.

    Raises:
        InvalidProbabilityError: For a forecast outside [0, 1].
        InvalidParameterError: For a bad outcome or fewer than one bin.
    """
    size = _bins(bins)
    groups: list[list[tuple[float, bool]]] = [[] for _ in range(size)]
    for p, won in _forecasts(forecasts):
        groups[min(int(p * size), size - 1)].append((float(p), won))
    return tuple(
        ReliabilityBin(
            i / size,
            (i + 1) / size,
            len(g),
            math.fsum(p for p, _w in g) / len(g) if g else None,
            sum(w for _p, w in g) / len(g) if g else None,
        )
        for i, g in enumerate(groups)
    )


@attrs.frozen
class Calibration(Tabular):
    """How a probability source's forecasts on one date fared.

    Attributes:
        as_of: The date of the forecasts.
        outcome_as_of: The date outcomes were read on.
        resolved: Deals open on ``as_of`` and closed by ``outcome_as_of``.
        unresolved: Deals still open on ``outcome_as_of`` (left out).
        brier: The Brier score (``None`` without resolved deals).
        base_rate: The share of resolved deals won.
        bins: The reliability table.
    """

    as_of: date
    outcome_as_of: date
    resolved: int
    unresolved: int
    brier: float | None
    base_rate: float | None
    bins: tuple[ReliabilityBin, ...]

    @property
    def skill(self) -> float | None:
        """1 − Brier ÷ the Brier of always forecasting the base rate (above 0 is better).

        ``None`` when it cannot be told (no resolved deals, or all had one outcome).
        """
        if self.brier is None or self.base_rate is None:
            return None
        reference = self.base_rate * (1 - self.base_rate)
        return 1 - self.brier / reference if reference else None

    def table(self, lang: Lang = "en") -> Table:
        """Return the reliability table for display."""
        rows = [
            (
                f"{b.lower:.0%}–{b.upper:.0%}",
                b.count,
                None if b.mean_forecast is None else round(b.mean_forecast, 3),
                None if b.observed is None else round(b.observed, 3),
            )
            for b in self.bins
        ]
        headers = (
            pick("forecast", "预测区间", lang),
            pick("deals", "商机数", lang),
            pick("mean forecast", "平均预测", lang),
            pick("observed", "实际赢单率", lang),
        )
        brier = "" if self.brier is None else f"{self.brier:.4f}"
        note = pick(
            f"Brier score {brier} over {self.resolved} closed deals ({self.unresolved} still open).",
            f"Brier 分数 {brier}，基于 {self.resolved} 个已结商机（{self.unresolved} 个仍在进行）。",
            lang,
        )
        title = pick(
            f"Calibration of forecasts made {self.as_of}",
            f"{self.as_of} 所作预测的校准",
            lang,
        )
        return Table(title, headers, rows, note)


def outcome_date(as_of: date, later: date, name: str) -> date:
    """Return ``later``, the date outcomes are read on, checked to be on or after ``as_of``."""
    when = check_date(later, field=name)
    if when < check_date(as_of, field="as_of"):
        raise InvalidParameterError(
            f"{name}: {when} is before as_of {as_of}; outcomes are read after the forecast",
            parameter=name,
            value=when,
        )
    return when


def calibration(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date,
    outcome_as_of: date,
    probability: ProbabilitySource | None = None,
    bins: int = 10,
) -> Calibration:
    """Score the forecasts made on ``as_of`` against the outcomes on ``outcome_as_of``.

    Args:
        opportunities: The deals, with histories.
        funnel: Their funnel.
        as_of: The date of the forecasts: each deal open then is forecast as
            it stood then.
        outcome_as_of: The date outcomes are read on (on or after ``as_of``).
        probability: The source to score (default: the funnel's probabilities).
        bins: The number of bins of the reliability table.

    Raises:
        InvalidParameterError: For ``outcome_as_of`` before ``as_of`` or bad bins.
        InvalidProbabilityError: If the source gives a value outside [0, 1].
    """
    until = outcome_date(as_of, outcome_as_of, "outcome_as_of")
    size = _bins(bins)
    everything = list(opportunities)
    source = probability or funnel.probability_of
    then = [
        o for o in snapshots(everything, funnel, as_of=as_of) if funnel.kind_of(o) is StageKind.OPEN
    ]
    final = {o.id: funnel.kind_of(o) for o in snapshots(everything, funnel, as_of=until)}
    pairs = []
    unresolved = 0
    for o in then:
        outcome = final[o.id]
        if outcome is StageKind.OPEN:
            unresolved += 1
            continue
        p = to_probability(source(o), field=f"probability of {o.id}")
        pairs.append((p, outcome is StageKind.WON))
    won = sum(w for _p, w in pairs)
    return Calibration(
        as_of=as_of,
        outcome_as_of=until,
        resolved=len(pairs),
        unresolved=unresolved,
        brier=brier_score(pairs) if pairs else None,
        base_rate=won / len(pairs) if pairs else None,
        bins=reliability_table(pairs, size),
    )
