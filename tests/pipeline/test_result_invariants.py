"""Distributions and simulations check themselves: a broken invariant raises a typed error."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from salesfunnel.errors import InvalidResultError
from salesfunnel.pipeline._convolution import Table
from salesfunnel.pipeline.distribution import distribution_of
from salesfunnel.pipeline.parameters import InvalidParameterError
from salesfunnel.pipeline.weighted import Simulation

PAIRS = [(Decimal(100), Decimal("0.5")), (Decimal(200), Decimal("0.5"))]


@pytest.mark.parametrize(
    ("table", "where", "why"),
    [
        (
            Table([1, 1], 0, points=[Decimal(0), Decimal(1)]),
            "denominator",
            "'0' is not a positive whole number",
        ),
        (Table([], 1), "weights", "is empty"),
        (Table([1, 1], 2, points=[Decimal(0)]), "points", "has 1 points for 2 weights"),
        (Table([1, 1], 2, points=[Decimal(1), Decimal(0)]), "points", "are not ascending"),
        (Table([1, 1], 2, points=[Decimal(1), Decimal(1)]), "points", "are not ascending"),
    ],
)
def test_masses_must_be_a_distribution(table, where, why):
    """A distribution refuses masses that are no distribution, naming the part of its table."""
    dist = distribution_of(PAIRS)
    with pytest.raises(InvalidResultError) as info:
        attrs.evolve(dist, table=table)
    assert (info.value.where, info.value.why) == (("table", where), why)


def test_evenly_spaced_masses_need_no_points():
    """A lattice table lists no points: only its masses are checked."""
    dist = distribution_of(PAIRS)
    lattice = Table([1, 1, 1, 1], 4, step=Decimal(100))
    assert attrs.evolve(dist, table=lattice).count == dist.count


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"mean": Decimal(400)}, "is 400, outside the totals from 0 to 300"),
        ({"mean": Decimal(140)}, "is 140, but the masses give 150"),
        ({"table": Table([1, 2, 1], 4)}, "is 150.0, but the masses give 1"),
    ],
)
def test_the_mean_follows_from_the_masses(change, why):
    """An exact distribution's mean is its masses' mean; any mean lies within its totals."""
    with pytest.raises(InvalidResultError) as info:
        attrs.evolve(distribution_of(PAIRS), **change)
    assert info.value.where == ("mean",)
    assert info.value.why == why


def test_an_approximate_mean_is_within_the_error_bound():
    """The grid's masses may stray from the exact mean by the guaranteed error, no further."""
    pairs = [(Decimal(1000 + i), Decimal("0.5")) for i in range(400)]
    dist = distribution_of(pairs, method="grid")
    assert dist.method.value == "grid"
    slack = dist.error.amount + dist.resolution
    assert attrs.evolve(dist, mean=dist.mean + slack / 2).mean > dist.mean
    with pytest.raises(InvalidResultError, match="further than the error bound allows"):
        attrs.evolve(dist, mean=dist.mean + 2 * slack + dist.maximum * Decimal("0.01"))


def test_a_simulation_has_one_total_per_trial():
    """Trials are 1 or more, and there is one total per trial."""
    assert Simulation(2, 7, None, (Decimal(1), Decimal(2))).trials == 2
    with pytest.raises(InvalidParameterError) as info:
        Simulation(0, 7, None, ())
    assert (info.value.where, info.value.why) == (("trials",), "is not a positive number of trials")
    assert info.value.parameter == "trials"
    with pytest.raises(InvalidResultError) as info2:
        Simulation(2, 7, None, (Decimal(1),))
    assert (info2.value.where, info2.value.why) == (("totals",), "has 1 totals for 2 trials")
