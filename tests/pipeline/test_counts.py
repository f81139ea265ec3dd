"""The distribution of the number of deals won, against scipy's Poisson-binomial."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.errors import InvalidProbabilityError
from salesfunnel.pipeline import count_distribution_of, won_count_distribution
from salesfunnel.pipeline.parameters import Method
from tests.pipeline.test_weighted import deal, lost, won

D = Decimal
scipy_stats = pytest.importorskip("scipy.stats")

#: Up to 60 probabilities in [0, 1] with three decimals.
probability_lists = st.lists(
    st.integers(0, 1000).map(lambda k: D(k) / 1000), min_size=0, max_size=60
)


class TestCountDistributionOf:
    @settings(max_examples=settings.default.max_examples * 6 // 5, deadline=None)
    @given(probability_lists)
    def test_sums_to_one_and_mean_is_the_sum(self, probs):
        """The masses sum to 1 (within the stated error) and the mean is exactly Σ p."""
        dist = count_distribution_of(probs)
        total = sum(p for _k, p in dist.items())
        assert total == pytest.approx(1, abs=dist.error.probability + 1e-12)
        assert dist.mean == sum(probs, D(0))
        assert dist.variance == sum((p * (1 - p) for p in probs), D(0))
        assert dist.minimum == sum(1 for p in probs if p == 1)
        assert all(k == int(k) for k, _p in dist.items())

    @settings(max_examples=settings.default.max_examples * 4 // 5, deadline=None)
    @given(probability_lists.filter(lambda ps: any(0 < p < 1 for p in ps)))
    def test_against_scipy(self, probs):
        """Every mass equals scipy's Poisson-binomial pmf."""
        dist = count_distribution_of(probs)
        reference = scipy_stats.poisson_binom([float(p) for p in probs])
        for k, mass in dist.items():
            assert mass == pytest.approx(reference.pmf(int(k)), abs=1e-12)

    def test_exact_fractions(self):
        """For a few deals the masses are exact fractions."""
        dist = count_distribution_of([D("0.5"), D("0.25"), D(1), D(0)])
        assert dist.method is Method.EXACT
        assert dist.fractions() == (
            (D(1), Fraction(3, 8)),
            (D(2), Fraction(4, 8)),
            (D(3), Fraction(1, 8)),
        )

    def test_many_deals_on_the_lattice(self):
        """A thousand deals use the lattice of whole counts, still matching scipy."""
        probs = [D(k % 19 + 1) / 20 for k in range(1000)]
        dist = count_distribution_of(probs)
        assert dist.method is Method.LATTICE
        assert dist.error.amount == 0
        assert dist.error.probability < 1e-6
        # scipy's distribution takes at most ~60 deals: the reference here is a
        # float convolution in numpy, deal by deal.
        np = pytest.importorskip("numpy")
        pmf = np.ones(1)
        for p in probs:
            pmf = np.convolve(pmf, [1 - float(p), float(p)])
        cum = np.cumsum(pmf)
        for k in (10, 50, 90):
            assert dist.percentile(k) == int(np.searchsorted(cum, k / 100))
        for k, mass in dist.items():
            assert mass == pytest.approx(pmf[int(k)], abs=1e-9)

    def test_floats_and_strings(self):
        """Probabilities may be floats or text, as for distribution_of."""
        assert count_distribution_of([0.5, "0.5"]).mean == D("1.0")

    def test_bad_probability(self):
        """A probability outside [0, 1] is refused, naming the deal."""
        with pytest.raises(InvalidProbabilityError, match=r"pairs\[1\]"):
            count_distribution_of([D("0.5"), D("1.5")])

    def test_none(self):
        """No deals: no deal is won, for certain."""
        dist = count_distribution_of([])
        assert list(dist.items()) == [(D(0), 1.0)]


class TestWonCountDistribution:
    def test_sample(self):
        """The count of the sample's deals: won deals always count, the mean is Σ p."""
        deals = sample_pipeline()
        dist = won_count_distribution(deals, as_of=SAMPLE_AS_OF)
        assert dist.currency is None
        assert dist.mean == won_count_distribution(deals, as_of=SAMPLE_AS_OF).mean
        assert dist.minimum == dist.certain
        assert dist.percentile(10) <= dist.percentile(90)

    def test_mixed_currencies_need_no_rates(self):
        """Amounts play no part, so deals in several currencies are counted as they are."""
        deals = [deal(1, "negotiation"), deal(2, "intent", currency="USD"), won(3), lost(4)]
        dist = won_count_distribution(deals)
        p1, p2 = (DEFAULT_FUNNEL.probability_of(o) for o in deals[:2])
        assert dist.mean == p1 + p2 + 1
        assert dist.minimum == 1
        assert dist.maximum == 3

    def test_probability_source(self):
        """A what-if probability source changes the count the same way."""
        deals = [deal(i) for i in range(4)]
        dist = won_count_distribution(deals, probability=lambda _o: D("0.5"))
        assert dist.fractions() == tuple(
            (D(k), Fraction(c, 16)) for k, c in enumerate([1, 4, 6, 4, 1])
        )
