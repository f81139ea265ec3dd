"""How many deals will be won: the distribution of the count, not of the amount.

Each open deal is won independently with its probability, so the number won
follows the Poisson-binomial distribution. It is the outcome distribution of
the same deals with every amount set to 1, and is computed the same way
(:mod:`salesfunnel.pipeline.distribution`): exactly, with rational masses,
for up to a few hundred deals, and on the exact lattice of whole counts
beyond, with the rounding of its masses measured and stated in
:attr:`~salesfunnel.pipeline.distribution.OutcomeDistribution.error`. Its
``mean`` is exactly the sum of the probabilities, its ``variance`` exactly
Σ p (1 − p), and its amounts are whole numbers of deals.

>>> from decimal import Decimal as D
>>> count = count_distribution_of([D("0.5"), D("0.5"), D(1)])
>>> [(str(k), p) for k, p in count.items()]
[('1', 0.25), ('2', 0.5), ('3', 0.25)]
>>> count.mean, count.prob_at_least(2)
(Decimal('2.0'), 0.75)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.stages import Funnel
from salesfunnel.pipeline.distribution import OutcomeDistribution, distribution_of
from salesfunnel.pipeline.parameters import DEFAULT_BUDGET, Method
from salesfunnel.pipeline.weighted import ProbabilitySource, deal_values

__all__ = ["count_distribution_of", "won_count_distribution"]

_ONE = Decimal(1)


def count_distribution_of(
    probabilities: Iterable[Decimal | float | str],
    *,
    method: Method | str | None = None,
    budget: int = DEFAULT_BUDGET,
) -> OutcomeDistribution:
    """Return the distribution of how many of independent deals with these probabilities are won.

    Args:
        probabilities: Each deal's probability of being won, in [0, 1]
            (deals at 1 are won in every outcome, deals at 0 in none).
        method: Force a method (default: exact arithmetic where affordable,
            else the lattice of whole counts), as in
            :func:`~salesfunnel.pipeline.distribution.distribution_of`.
        budget: As in :func:`~salesfunnel.pipeline.distribution.distribution_of`.

    Returns:
        The distribution; its amounts are counts of deals, it has no currency.

    Raises:
        InvalidProbabilityError: For a probability outside [0, 1].
        InvalidParameterError: For a bad method or budget.
    """
    return distribution_of(((_ONE, p) for p in probabilities), method=method, budget=budget)


def won_count_distribution(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date | None = None,
    probability: ProbabilitySource | None = None,
    method: Method | str | None = None,
) -> OutcomeDistribution:
    """Return the distribution of how many of ``opportunities`` are won.

    Won deals count in every outcome, lost ones in none, open ones with their
    probability (the deal's override, else its stage's, or ``probability``'s).
    Amounts and currencies play no part. The other arguments are those of
    :func:`~salesfunnel.pipeline.weighted.deal_values` and :func:`count_distribution_of`.

    Raises:
        InvalidProbabilityError: If ``probability`` gives a value outside [0, 1].
        UnknownStageError: For a stage the funnel does not have.

    >>> from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
    >>> usd = [o for o in sample_pipeline() if o.currency == "USD"]
    >>> count = won_count_distribution(usd, as_of=SAMPLE_AS_OF)
    >>> count.method.value, count.percentile(10) <= count.mean <= count.percentile(90)
    ('exact', True)
    """
    _code, pairs = deal_values(
        opportunities,
        funnel,
        as_of=as_of,
        # The count needs no amounts: a converter that gives 1 spares the currency check.
        convert=lambda _o: _ONE,
        probability=probability,
    )
    return count_distribution_of((p for _a, p in pairs), method=method)
