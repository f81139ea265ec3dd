"""Outcome distributions and simulated totals as histogram bars: data for any chart.

:func:`histogram` turns an
:class:`~salesfunnel.pipeline.distribution.OutcomeDistribution` or a
:class:`~salesfunnel.pipeline.weighted.Simulation` into bars at round
widths; the charts (:mod:`salesfunnel.plot`) and the notebook views
(:mod:`salesfunnel.render.html`) draw them.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

import attrs

from salesfunnel.errors import OptionError
from salesfunnel.pipeline.distribution import OutcomeDistribution
from salesfunnel.pipeline.weighted import Simulation

__all__ = ["HistogramBin", "histogram"]


@attrs.frozen
class HistogramBin:
    """A bar of an outcome histogram.

    Attributes:
        start: Its left edge (an amount).
        width: Its width (an amount).
        mass: The probability that the total falls in it (for a simulation:
            the share of trials).
    """

    start: float
    width: float
    mass: float


def _nice(x: float, *, quarter: bool) -> float:
    """The smallest of 1, 2, 2.5 (if ``quarter``), 5 × 10^k that is at least ``x`` > 0."""
    power = 10.0 ** math.floor(math.log10(x))
    steps = (1.0, 2.0, 2.5, 5.0, 10.0) if quarter and power >= 10 else (1.0, 2.0, 5.0, 10.0)  # noqa: PLR2004
    return next(m * power for m in steps if m * power >= x * (1 - 1e-12))


def _spacing(values: Sequence[Decimal]) -> Decimal:
    """The largest amount that every difference from the smallest value is a multiple of."""
    low = min(values)
    exponent = min(int(v.as_tuple().exponent) for v in values)
    step = 0
    for v in values:
        step = math.gcd(step, int((v - low).scaleb(-exponent)))
    return Decimal(step).scaleb(exponent)


def histogram(
    dist: OutcomeDistribution | Simulation, *, bins: int = 60
) -> tuple[HistogramBin, ...]:
    """Return an outcome distribution (or simulated totals) as about ``bins`` bars.

    With no more than ``bins`` possible totals, each gets its own bar,
    centred on it, and the masses add up to 1. Otherwise the bars span the
    0.1th to the 99.9th percentile at a round width (1, 2, 2.5 or 5 times a
    power of ten) that is a whole multiple of the spacing of the possible
    totals, so bars never alternate between holding more and fewer of them;
    the thin tails beyond (at most 0.2 % of the mass, too little to see) are
    not drawn.

    Args:
        dist: An :class:`~salesfunnel.pipeline.distribution.OutcomeDistribution` or
            a :class:`~salesfunnel.pipeline.weighted.Simulation`.
        bins: About how many bars (at least 1).

    Raises:
        OptionError: For ``bins`` that is not a whole number of at least 1.

    >>> from decimal import Decimal as D
    >>> from salesfunnel.pipeline.distribution import distribution_of
    >>> two = distribution_of([(D(100), D("0.5")), (D(200), D("0.5"))])
    >>> [(b.start, b.width, b.mass) for b in histogram(two)]
    [(-40.0, 80.0, 0.25), (60.0, 80.0, 0.25), (160.0, 80.0, 0.25), (260.0, 80.0, 0.25)]
    """
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise OptionError(
            f"bins: expected a whole number of bars such as 60, got {bins!r}",
            option="bins",
            value=bins,
        )
    points: list[tuple[Decimal, float]]
    spacing = Decimal(0)
    if isinstance(dist, OutcomeDistribution):
        points = list(dist.items())
        spacing = dist.resolution
    else:
        counts = Counter(dist.totals)
        points = [(x, counts[x] / dist.trials) for x in sorted(counts)]
    if len(points) <= bins:
        xs = [float(x) for x, _ in points]
        gaps = [b - a for a, b in itertools.pairwise(xs)]
        width = 0.8 * min(gaps) if gaps else max(abs(xs[0]) * 0.02, 1.0)
        return tuple(
            HistogramBin(x - width / 2, width, m) for x, (_, m) in zip(xs, points, strict=True)
        )
    step = float(spacing or _spacing([x for x, _ in points]))
    low, high = float(dist.quantile("0.001")), float(dist.quantile("0.999"))
    raw = max((high - low) / bins, step)
    width = step * _nice(raw / step, quarter=True)
    start = math.floor(low / width) * width
    count = math.floor((high - start) / width) + 1
    masses = [0.0] * count
    for x, mass in points:
        i = math.floor((float(x) - start) / width)
        if 0 <= i < count:
            masses[i] += mass
    return tuple(HistogramBin(start + i * width, width, m) for i, m in enumerate(masses))
