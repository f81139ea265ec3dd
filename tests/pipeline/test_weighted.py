from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given

from salesfunnel import DEFAULT_FUNNEL
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.errors import (
    AmountTypeError,
    CurrencyError,
    InvalidDateError,
    InvalidProbabilityError,
)
from salesfunnel.pipeline.parameters import InvalidParameterError, Method
from salesfunnel.pipeline.weighted import (
    Simulation,
    deal_values,
    outcome_distribution,
    simulate,
    weighted_value,
)
from tests import factories
from tests.factories import ALL_FACTS
from tests.strategies import opportunities

D = Decimal
START = date(2026, 1, 5)


def deal(i, stage="intent", amount="100000", currency="CNY", **kw):
    fields = {"created": START, "expected_close": date(2026, 12, 31), "facts": ALL_FACTS}
    return factories.deal(
        **{**fields, **kw}, id=f"D{i}", stage=stage, amount=amount, currency=currency
    )


def won(i, amount="50000", on=date(2026, 3, 1)):
    return DEFAULT_FUNNEL.win(deal(i, "negotiation", amount), on=on)


def lost(i, amount="70000", on=date(2026, 3, 1)):
    return DEFAULT_FUNNEL.lose(deal(i, "project", amount), on=on, reason="price")


def usd_sample():
    return [o for o in sample_pipeline() if o.currency == "USD"]


class TestWeightedValue:
    def test_sum_of_amount_times_probability(self):
        """Open deals count at their stage probability, won in full, lost not at all."""
        deals = [deal(1, "negotiation"), deal(2, "intent", "50000"), won(3), lost(4)]
        assert weighted_value(deals) == D("100000") * D("0.8") + D("10000") + D("50000")

    def test_override_wins_over_the_stage(self):
        """A deal's own probability replaces its stage's."""
        assert weighted_value([deal(1, "intent", probability=D("0.55"))]) == D("55000.00")

    def test_exact_decimal(self):
        """The sum is exact even with many fractional amounts."""
        deals = [deal(i, "potential", "0.01") for i in range(1000)]
        assert weighted_value(deals) == D("1.000")

    def test_as_of_takes_deals_as_they_stood(self):
        """With as_of a deal counts at its stage and amount of that date, later deals not at all."""
        moved = DEFAULT_FUNNEL.advance(deal(1, "intent"), "negotiation", on=date(2026, 2, 1))
        later = deal(2, created=date(2026, 3, 1))
        assert weighted_value([moved, later], as_of=date(2026, 1, 31)) == D("20000.0")
        assert weighted_value([moved, later], as_of=date(2026, 2, 1)) == D("80000.0")

    def test_empty(self):
        """An empty pipeline weighs nothing."""
        assert weighted_value([]) == 0

    def test_mixed_currencies_refused(self):
        """Deals in several currencies need a converter."""
        with pytest.raises(CurrencyError, match="CNY, USD") as info:
            weighted_value([deal(1), deal(2, currency="USD")])
        assert info.value.code == "CNY,USD"

    def test_convert(self):
        """With convert, every amount is taken in the reporting currency."""
        rates = {"CNY": D(1), "USD": D("7")}
        value = weighted_value(
            [deal(1, "negotiation"), deal(2, "negotiation", "1000", "USD")],
            convert=lambda o: o.amount * rates[o.currency],
        )
        assert value == D("80000.0") + D("5600.0")

    def test_convert_must_give_decimal(self):
        """A converter that gives a float is refused (money is exact)."""
        with pytest.raises(AmountTypeError, match="amount of D1"):
            weighted_value([deal(1)], convert=lambda o: float(o.amount))

    def test_probability_source(self):
        """A probability source replaces open deals' probabilities, not won or lost ones."""
        deals = [deal(1), won(2), lost(3)]
        assert weighted_value(deals, probability=lambda _o: D("0.5")) == D("100000")

    @pytest.mark.parametrize("bad", [D("1.2"), D("-0.1"), 60])
    def test_source_outside_unit_interval(self, bad):
        """A probability source that gives a value outside [0, 1] is refused, naming the deal."""
        with pytest.raises(InvalidProbabilityError, match="probability of D1"):
            weighted_value([deal(1)], probability=lambda _o: bad)

    def test_datetime_as_of_refused(self):
        """as_of must be a date, not a datetime."""
        from datetime import datetime

        with pytest.raises(InvalidDateError):
            weighted_value([deal(1)], as_of=datetime(2026, 1, 1))

    @given(opportunities())
    def test_mean_equals_weighted_value(self, opportunity):
        """The outcome distribution's mean is the weighted value."""
        assert outcome_distribution([opportunity]).mean == weighted_value([opportunity])


class TestDealValues:
    def test_currency_and_pairs(self):
        """deal_values gives the one currency and (amount, probability) per deal."""
        code, pairs = deal_values([deal(1, "project"), won(2)])
        assert code == "CNY"
        assert pairs == [(D("100000"), D("0.4")), (D("50000"), D(1))]

    def test_reporting_currency_checked(self):
        """A reporting currency given with convert must be an ISO code."""
        with pytest.raises(CurrencyError):
            deal_values([deal(1)], convert=lambda o: o.amount, currency="Yuan")
        code, _pairs = deal_values([deal(1)], convert=lambda o: o.amount, currency="eur")
        assert code == "EUR"

    def test_empty_keeps_the_given_currency(self):
        """Without deals the currency is the one given, if any."""
        assert deal_values([], currency="USD") == ("USD", [])


class TestOutcomeDistribution:
    def test_sample_usd(self):
        """The sample's USD deals give a distribution with the exact mean and ordered percentiles."""
        dist = outcome_distribution(usd_sample(), as_of=SAMPLE_AS_OF)
        assert dist.mean == weighted_value(usd_sample())
        assert dist.currency == "USD"
        assert dist.percentile(10) < dist.percentile(50) < dist.percentile(90)

    def test_options_pass_through(self):
        """method, resolution and budget reach the distribution."""
        dist = outcome_distribution(usd_sample(), method=Method.NORMAL)
        assert dist.method is Method.NORMAL
        grid = outcome_distribution(usd_sample(), resolution=D(5000))
        assert grid.method is Method.GRID
        assert grid.resolution == 5000

    def test_hit_the_number(self):
        """prob_at_least answers how likely the pipeline reaches a target."""
        deals = [deal(i, "recognition", "100000") for i in range(10)]
        dist = outcome_distribution(deals)
        # Binomial(10, 0.6): P(X >= 6) = 0.6331032576
        assert dist.prob_at_least(D("600000")) == pytest.approx(0.6331032576, rel=1e-12)


class TestSimulate:
    def test_reproducible(self):
        """The same seed gives the same totals; another seed other totals."""
        a = simulate(usd_sample(), 500, 7)
        assert a.totals == simulate(usd_sample(), 500, 7).totals
        assert a.totals != simulate(usd_sample(), 500, 8).totals
        assert isinstance(a, Simulation)
        assert repr(a).startswith("<Simulation: 500 trials, seed 7")

    def test_agrees_with_exact(self):
        """The simulation agrees with the exact distribution within its 99.9 % intervals."""
        deals = usd_sample()
        exact = outcome_distribution(deals)
        sim = simulate(deals, 4000, 2026)
        lo, hi = sim.mean_interval("0.999")
        assert lo <= float(exact.mean) <= hi
        for k in (10, 50, 90):
            x = exact.percentile(k)
            lo, hi = sim.prob_at_least_interval(x, "0.999")
            assert lo <= exact.prob_at_least(x) <= hi
            qlo, qhi = sim.quantile_interval(D(k) / 100, "0.999")
            assert qlo <= x <= qhi
        assert sim.stdev == pytest.approx(exact.stdev, rel=0.1)

    def test_what_if(self):
        """A probability source models a what-if scenario."""
        deals = [deal(i, "negotiation") for i in range(20)]
        base = simulate(deals, 300, 1)
        worse = simulate(deals, 300, 1, probability=lambda _o: D("0.5"))
        assert worse.mean < base.mean

    def test_statistics(self):
        """Quantiles, percentiles and at_least_with read the simulated totals."""
        sim = simulate([deal(1, "project", "100")], 1000, 3)
        assert set(sim.totals) == {D(0), D(100)}
        assert sim.quantile(0) == D(0)
        assert sim.quantile(1) == D(100)
        assert sim.percentile(99) == D(100)
        assert sim.at_least_with(0) == D(100)
        assert sim.at_least_with(1) == D(0)
        assert sim.prob_at_least(D(100)) == pytest.approx(0.4, abs=0.05)
        assert sim.prob_at_least(D(0)) == 1.0

    def test_certain_and_lost_deals(self):
        """Won deals add to every trial; lost deals to none."""
        sim = simulate([won(1, "500"), lost(2)], 10, 1)
        assert set(sim.totals) == {D(500)}
        assert sim.stdev == 0.0

    def test_one_trial(self):
        """A single trial has no spread."""
        assert simulate([deal(1)], 1, 1).stdev == 0.0

    @pytest.mark.parametrize("trials", [0, -5, True, 2.5])
    def test_bad_trials(self, trials):
        """Zero, negative, boolean or fractional trial counts are refused."""
        with pytest.raises(InvalidParameterError, match="trials") as info:
            simulate([deal(1)], trials, 1)
        assert info.value.parameter == "trials"

    def test_bad_seed(self):
        """The seed must be an int, so that the run can be repeated."""
        with pytest.raises(InvalidParameterError, match="seed"):
            simulate([deal(1)], 10, None)  # type: ignore[arg-type]

    @pytest.mark.parametrize("confidence", [0, 1, "1.5"])
    def test_bad_confidence(self, confidence):
        """Confidence levels must lie strictly between 0 and 1."""
        sim = simulate([deal(1)], 10, 1)
        with pytest.raises((InvalidParameterError, InvalidProbabilityError)):
            sim.mean_interval(confidence)

    def test_bad_q(self):
        """A quantile level outside [0, 1] is refused."""
        sim = simulate([deal(1)], 10, 1)
        with pytest.raises(InvalidProbabilityError):
            sim.quantile(D("1.01"))
