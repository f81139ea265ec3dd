"""Pipeline maths: weighted value, the exact distribution of outcomes, simulation.

Holds :func:`distribution_of` and :class:`OutcomeDistribution`
(:mod:`.distribution`), :func:`weighted_value`, :func:`outcome_distribution`
and :func:`simulate` (:mod:`.weighted`), the distribution of the number of
deals won (:mod:`.counts`) and histogram bars for charts (:mod:`.histogram`).

May import :mod:`salesfunnel.funnel` and everything below it.
"""

from salesfunnel.pipeline.counts import count_distribution_of, won_count_distribution
from salesfunnel.pipeline.distribution import ErrorBound, OutcomeDistribution, distribution_of
from salesfunnel.pipeline.histogram import (
    HistogramBin,
    histogram,
)
from salesfunnel.pipeline.parameters import (
    DEFAULT_BUDGET,
    DEFAULT_TOLERANCE,
    InvalidParameterError,
    percent_level,
)
from salesfunnel.pipeline.parameters import Method as DistributionMethod
from salesfunnel.pipeline.weighted import (
    Converter,
    ProbabilitySource,
    Simulation,
    deal_values,
    outcome_distribution,
    simulate,
    weighted_value,
)

__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_TOLERANCE",
    "Converter",
    "DistributionMethod",
    "ErrorBound",
    "HistogramBin",
    "InvalidParameterError",
    "OutcomeDistribution",
    "ProbabilitySource",
    "Simulation",
    "count_distribution_of",
    "deal_values",
    "distribution_of",
    "histogram",
    "outcome_distribution",
    "percent_level",
    "simulate",
    "weighted_value",
    "won_count_distribution",
]
