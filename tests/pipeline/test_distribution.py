from __future__ import annotations

import itertools
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesfunnel.errors import (
    AmountTypeError,
    FunnelError,
    InvalidAmountError,
    InvalidProbabilityError,
)
from salesfunnel.pipeline._convolution import (
    edgeworth,
    exact_table,
    lattice_table,
    sparse_cost,
)
from salesfunnel.pipeline.distribution import ErrorBound, OutcomeDistribution, distribution_of
from salesfunnel.pipeline.parameters import (
    DEFAULT_BUDGET,
    InvalidParameterError,
    Method,
    percent_level,
)
from tests.strategies import deal_pairs

D = Decimal


def brute(pairs):
    """The exact distribution by enumerating every win/lose combination."""
    out: dict[Decimal, Fraction] = {}
    for bits in itertools.product((0, 1), repeat=len(pairs)):
        mass, total = Fraction(1), D(0)
        for won, (a, p) in zip(bits, pairs, strict=True):
            mass *= Fraction(p) if won else 1 - Fraction(p)
            total += a if won else 0
        out[total] = out.get(total, Fraction(0)) + mass
    return out


def cdf_of(exact, x):
    return float(sum((m for t, m in exact.items() if t <= x), Fraction(0)))


def quantile_of(exact, q):
    running = Fraction(0)
    for t in sorted(t for t, m in exact.items() if m):
        running += exact[t]
        if running >= Fraction(q):
            return t
    return max(exact)


def sample_pairs(n, seed=1):
    rng = random.Random(seed)
    return [(D(rng.randint(5, 4000) * 100), D(rng.choice((1, 2, 4, 6, 8))) / 10) for _ in range(n)]


FORCED = [
    {"method": Method.EXACT},
    {"method": Method.LATTICE},
    {"resolution": D(300)},
    {"method": Method.GRID},
    {"method": Method.NORMAL},
    {"method": Method.NORMAL, "resolution": D(70)},
]


class TestDistributionOf:
    def test_two_deals_exact(self):
        """Two half-chance deals give four equally likely totals, exactly."""
        dist = distribution_of([(D(100), D("0.5")), (D(200), D("0.5"))])
        assert dist.method is Method.EXACT
        assert dist.fractions() == tuple((D(x), Fraction(1, 4)) for x in ("0", "100", "200", "300"))
        assert dist.error == ErrorBound(D(0), 0.0)

    @given(deal_pairs)
    def test_exact_matches_enumeration(self, pairs):
        """The exact method gives every total's probability as the exact fraction."""
        dist = distribution_of(pairs, method=Method.EXACT)
        exact = {t: m for t, m in brute(pairs).items() if m}
        assert dict(dist.fractions() or ()) == exact

    @settings(max_examples=settings.default.max_examples * 4 // 5)
    @given(deal_pairs, st.sampled_from(FORCED))
    def test_error_bound_holds(self, pairs, options):
        """Every method's cdf lies within its stated bound of the exact cdf."""
        dist = distribution_of(pairs, **options)
        exact = brute(pairs)
        a, e = dist.error.amount, dist.error.probability
        for x in [D(50 * k) for k in range(120)]:
            c = dist.cdf(x)
            assert cdf_of(exact, x - a) - e - 1e-12 <= c <= cdf_of(exact, x + a) + e + 1e-12

    @given(deal_pairs, st.sampled_from(FORCED))
    def test_masses_sum_to_one(self, pairs, options):
        """The probabilities of a distribution sum to 1 (up to the stated error)."""
        dist = distribution_of(pairs, **options)
        total = sum(m for _x, m in dist.items())
        assert abs(total - 1) <= dist.error.probability + 1e-9

    @given(deal_pairs, st.sampled_from(FORCED))
    def test_mean_and_variance_exact(self, pairs, options):
        """Mean is Σ a·p and variance Σ a²·p·(1−p), exactly, whatever the method."""
        dist = distribution_of(pairs, **options)
        assert dist.mean == sum((a * p for a, p in pairs), D(0))
        assert dist.variance == sum((a * a * p * (1 - p) for a, p in pairs), D(0))
        assert dist.stdev == pytest.approx(float(dist.variance) ** 0.5)

    @given(deal_pairs, st.sampled_from(FORCED))
    def test_prob_at_least_non_increasing(self, pairs, options):
        """prob_at_least never increases as the threshold grows."""
        dist = distribution_of(pairs, **options)
        values = [dist.prob_at_least(D(50 * k)) for k in range(120)]
        assert all(b <= a for a, b in itertools.pairwise(values))
        assert values[0] == 1.0

    @given(deal_pairs, st.sampled_from(FORCED))
    def test_quantile_non_decreasing(self, pairs, options):
        """Quantiles never decrease in q and stay within [minimum, maximum]."""
        dist = distribution_of(pairs, **options)
        values = [dist.quantile(D(k) / 20) for k in range(21)]
        assert all(b >= a for a, b in itertools.pairwise(values))
        assert dist.minimum - dist.error.amount <= values[0]
        assert values[-1] <= dist.maximum

    @settings(max_examples=settings.default.max_examples * 4 // 5)
    @given(deal_pairs, st.sampled_from(FORCED), st.integers(0, 20))
    def test_quantile_bounds_hold_the_exact_quantile(self, pairs, options, k):
        """quantile_bounds brackets the exact quantile."""
        q = D(k) / 20
        dist = distribution_of(pairs, **options)
        lo, hi = dist.quantile_bounds(q)
        assert lo <= quantile_of(brute(pairs), q) <= hi

    def test_exact_quantile_bounds_are_tight(self):
        """Under the exact method both ends of quantile_bounds are the quantile."""
        dist = distribution_of(sample_pairs(6))
        assert dist.quantile_bounds("0.3") == (dist.quantile("0.3"), dist.quantile("0.3"))

    def test_poisson_binomial_reference(self):
        """With equal amounts the number of wins matches scipy's Poisson-binomial pmf."""
        stats = pytest.importorskip("scipy.stats")
        rng = random.Random(7)
        probs = [D(rng.randint(1, 99)) / 100 for _ in range(60)]
        dist = distribution_of([(D(1000), p) for p in probs])
        assert dist.method is Method.EXACT
        reference = stats.poisson_binom([float(p) for p in probs])
        for k in range(61):
            assert dist.pmf(D(1000 * k)) == pytest.approx(reference.pmf(k), abs=1e-13)
        lattice = distribution_of([(D(1000), p) for p in probs], method=Method.LATTICE)
        for k in range(61):
            assert lattice.cdf(D(1000 * k)) == pytest.approx(
                reference.cdf(k), abs=lattice.error.probability + 1e-12
            )

    def test_convolution_reference(self):
        """Unequal amounts match a numpy convolution of the deals' two-point pmfs."""
        np = pytest.importorskip("numpy")
        pairs = sample_pairs(40, seed=3)
        units = [int(a / 100) for a, _p in pairs]
        pmf = np.array([1.0])
        for u, (_a, p) in zip(units, pairs, strict=True):
            step = np.zeros(u + 1)
            step[0], step[u] = 1 - float(p), float(p)
            pmf = np.convolve(pmf, step)
        dist = distribution_of(pairs, method=Method.LATTICE)
        cdf = np.cumsum(pmf)
        for k in range(0, len(pmf), 97):
            assert dist.cdf(D(100 * k)) == pytest.approx(cdf[k], abs=dist.error.probability + 1e-9)

    def test_method_is_chosen_by_size(self):
        """Few deals are exact, more use the lattice, then a grid, then the normal expansion."""
        assert distribution_of(sample_pairs(8)).method is Method.EXACT
        assert distribution_of(sample_pairs(30)).method is Method.LATTICE
        assert distribution_of(sample_pairs(60)).method is Method.LATTICE
        grid = distribution_of(sample_pairs(60), budget=200_000)
        assert grid.method is Method.GRID
        assert grid.resolution > 100
        assert grid.error.amount > 0
        normal = distribution_of(sample_pairs(3000), budget=10_000)
        assert normal.method is Method.NORMAL
        assert normal.error.amount == normal.resolution / 2

    def test_tolerance_trades_exactness_for_speed(self):
        """Past a few million cell updates, the coarsest grid within the tolerance is used."""
        pairs = sample_pairs(150)
        loose = distribution_of(pairs, tolerance=0.05)
        assert loose.method is Method.GRID
        assert float(loose.error.amount) <= 0.05 * loose.stdev
        tight = distribution_of(pairs, tolerance=1e-9)
        assert tight.method is Method.LATTICE

    def test_resolution_that_divides_the_amounts_is_exact(self):
        """A resolution every amount is a multiple of gives the exact lattice."""
        dist = distribution_of(sample_pairs(60), resolution=D(50))
        assert dist.method is Method.LATTICE
        assert dist.resolution == 100

    def test_grid_close_to_lattice(self):
        """A coarse grid's percentiles stay within its bound of the exact lattice's."""
        pairs = sample_pairs(200)
        exact = distribution_of(pairs, method=Method.LATTICE)
        grid = distribution_of(pairs, resolution=D(5000))
        normal = distribution_of(pairs, method=Method.NORMAL)
        for q in ("0.1", "0.5", "0.9"):
            for approx in (grid, normal):
                lo, hi = approx.quantile_bounds(q)
                assert lo <= exact.quantile(q) <= hi

    def test_no_uncertain_deals(self):
        """Without uncertain deals the total is certain: won deals only."""
        dist = distribution_of([(D(500), D(1)), (D(300), D(0)), (D(0), D("0.5"))])
        assert dist.count == 0
        assert dist.certain == dist.minimum == dist.maximum == dist.mean == D(500)
        assert dist.quantile(0) == dist.quantile(1) == D(500)
        assert dist.prob_at_least(D(500)) == 1.0
        assert dist.prob_at_least(D(501)) == 0.0
        assert dist.cdf(D(499)) == 0.0

    def test_empty(self):
        """An empty pipeline is a point mass at zero."""
        dist = distribution_of([])
        assert list(dist.items()) == [(D(0), 1.0)]
        assert dist.variance == 0

    def test_certain_deals_shift_the_distribution(self):
        """Deals with probability 1 add their amount to every outcome."""
        dist = distribution_of([(D(1000), D(1)), (D(100), D("0.5"))])
        assert [x for x, _m in dist.items()] == [D(1000), D(1100)]
        assert dist.prob_at_least(D(1100)) == 0.5

    def test_pmf_off_the_support_is_zero(self):
        """pmf is zero between the points the distribution puts mass on."""
        dist = distribution_of(sample_pairs(30), method=Method.LATTICE)
        assert dist.pmf(dist.quantile("0.5") + 1) == 0.0
        assert dist.pmf(dist.quantile("0.5")) > 0
        assert dist.pmf(D(0)) == pytest.approx(0.0, abs=1e-8)
        exact = distribution_of([(D(100), D("0.5"))])
        assert exact.pmf(D(50)) == 0.0
        assert exact.pmf(D(100)) == 0.5

    @pytest.mark.parametrize("options", FORCED[1:])
    def test_cdf_edges(self, options):
        """The cdf is 0 below the minimum and 1 from the maximum on."""
        dist = distribution_of([*sample_pairs(30), (D(1000), D(1))], **options)
        assert dist.minimum == D(1000)
        assert dist.cdf(D(999)) == 0.0
        assert dist.cdf(dist.maximum) == 1.0
        assert dist.prob_at_least(dist.maximum + 1) == 0.0
        assert dist.prob_at_least(D(1000)) == 1.0

    def test_quantile_of_one_is_the_maximum_for_tables(self):
        """q = 1 returns the largest possible total even when the table dropped far tails."""
        dist = distribution_of(sample_pairs(60), method=Method.LATTICE)
        assert dist.quantile(1) == dist.maximum

    def test_percentile_and_at_least_with_differ(self):
        """The 90th percentile is high; the total we are 90 % sure of is low."""
        dist = distribution_of([(D(100), D("0.5"))] * 10)
        assert dist.percentile(90) == D(700)
        assert dist.at_least_with("0.9") == D(300)
        assert dist.quantile("0.1") == D(300)

    def test_at_least_with_at_a_tie(self):
        """At an exact tie the "90 % sure" total is above the 10th percentile."""
        dist = distribution_of([(D(100), D("0.9"))])
        assert dist.quantile("0.1") == D(0)
        assert dist.at_least_with("0.9") == D(100)
        assert dist.at_least_with(0) == D(100)
        assert dist.at_least_with(1) == D(0)

    def test_fractions_only_when_exact(self):
        """Exact fractions are offered only by the exact method."""
        assert distribution_of(sample_pairs(30), method=Method.LATTICE).fractions() is None

    def test_repr(self):
        """The repr names the method, the count and the mean."""
        text = repr(distribution_of([(D(100), D("0.5"))], currency="EUR"))
        assert text.startswith("<OutcomeDistribution exact: 1 deals, mean 50.0 EUR")

    def test_probability_rounding_to_one(self):
        """A probability within 2^-32 of 1 is treated as certain in the lattice, within the bound."""
        dist = distribution_of(
            [(D(100), D("0.99999999999")), (D(200), D("0.5"))], method=Method.LATTICE
        )
        assert dist.prob_at_least(D(300)) == pytest.approx(0.5, abs=dist.error.probability)
        assert dist.error.probability > 0

    @pytest.mark.parametrize(
        "pairs",
        [[(D(100), D("1.5"))], [(D(100), D("-0.1"))], [(D(100), "abc")]],
    )
    def test_probability_outside_unit_interval(self, pairs):
        """A probability outside [0, 1] is refused."""
        with pytest.raises(InvalidProbabilityError, match=r"pairs\[0\] probability"):
            distribution_of(pairs)

    def test_bad_amounts(self):
        """Negative and float amounts are refused."""
        with pytest.raises(InvalidAmountError):
            distribution_of([(D(-1), D("0.5"))])
        with pytest.raises(AmountTypeError):
            distribution_of([(1.5, D("0.5"))])  # type: ignore[list-item]

    def test_method_by_its_value(self):
        """A method can be given by its value, as the other options' enums can."""
        pairs = [(Decimal(100), Decimal("0.5"))] * 3
        assert distribution_of(pairs, method="exact") == distribution_of(pairs, method=Method.EXACT)

    @pytest.mark.parametrize(
        ("options", "parameter"),
        [
            ({"resolution": D(0)}, "resolution"),
            ({"budget": 0}, "budget"),
            ({"budget": True}, "budget"),
            ({"method": "exakt"}, "method"),
            ({"tolerance": 0}, "tolerance"),
            ({"tolerance": "0.1"}, "tolerance"),
        ],
    )
    def test_bad_options(self, options, parameter):
        """Non-positive resolutions and budgets and unknown methods are refused."""
        with pytest.raises(InvalidParameterError) as info:
            distribution_of([(D(100), D("0.5"))], **options)
        assert info.value.parameter == parameter
        assert isinstance(info.value, FunnelError)
        assert isinstance(info.value, ValueError)

    def test_exact_refused_when_hopeless(self):
        """Forcing exact arithmetic on many deals of distinct amounts is refused."""
        pairs = [(D(1_000_003 + 7919 * i), D("0.5")) for i in range(400)]
        with pytest.raises(InvalidParameterError, match="LATTICE"):
            distribution_of(pairs, method=Method.EXACT)

    def test_normal_resolution_too_fine(self):
        """A normal-expansion table of more than five million points is refused."""
        with pytest.raises(InvalidParameterError, match="too fine"):
            distribution_of(sample_pairs(100), method=Method.NORMAL, resolution=D("0.03"))

    def test_default_budget(self):
        """The default budget is public and positive."""
        assert DEFAULT_BUDGET > 0


class TestOutcomeDistribution:
    def test_queries_check_their_input(self):
        """q, k and probability levels outside their ranges are refused."""
        dist = distribution_of([(D(100), D("0.5"))])
        for bad in (D("1.1"), -0.1, "2"):
            with pytest.raises(InvalidProbabilityError, match=r"^q"):
                dist.quantile(bad)
            with pytest.raises(InvalidProbabilityError, match=r"^q"):
                dist.quantile_bounds(bad)
        with pytest.raises(InvalidProbabilityError, match=r"^probability"):
            dist.at_least_with("1.5")
        with pytest.raises(InvalidProbabilityError, match=r"^k"):
            dist.percentile(101)
        with pytest.raises(InvalidAmountError):
            dist.prob_at_least(D(-5))

    def test_is_an_immutable_value(self):
        """A distribution cannot be changed."""
        dist = distribution_of([(D(100), D("0.5"))])
        assert isinstance(dist, OutcomeDistribution)
        with pytest.raises(AttributeError):
            dist.mean = D(0)  # type: ignore[misc]


class TestPercentLevel:
    @pytest.mark.parametrize("k", [90, "90", D(90), 90.0])
    def test_levels(self, k):
        """A percentile k becomes the level k / 100."""
        assert percent_level(k) == D("0.9")

    @pytest.mark.parametrize("k", [101, -1, "abc", True, float("nan")])
    def test_bad(self, k):
        """Anything but a number in [0, 100] is refused."""
        with pytest.raises(InvalidProbabilityError):
            percent_level(k)


class TestKernels:
    def test_sparse_cost_saturates(self):
        """The exact method's cost estimate is bounded by the lattice size for many deals."""
        assert sparse_cost([1] * 100) == sum(min(2**k, k + 1) for k in range(1, 101))

    def test_edgeworth_tails(self):
        """The expansion is 0 and 1 far in the tails and about ½ at the centre."""
        assert edgeworth(-50, 0.1, 0.1) == 0.0
        assert edgeworth(50, 0.1, 0.1) == 1.0
        assert edgeworth(0, 0.0, 0.0) == pytest.approx(0.5)

    def test_tables_agree(self):
        """The lattice table reproduces the exact table to within its error."""
        units, probs = [1, 2, 3, 5], [D("0.1"), D("0.5"), D("0.7"), D("0.3")]
        exact = exact_table(units, probs, D(0), D(1))
        lattice, error = lattice_table(units, probs, D(0), D(1), 9.0)
        assert error < 1e-9
        for i in range(len(exact)):
            j = lattice.index_at(exact.point(i))
            assert j is not None
            assert float(lattice.cumulative(j)) == pytest.approx(
                float(exact.cumulative(i)), abs=error
            )
