from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL
from salesfunnel.analytics import Backtest, backtest
from salesfunnel.analytics.calibration import (
    Calibration,
    LearnedProbabilities,
    ReliabilityBin,
    brier_score,
    calibration,
    learn_probabilities,
    reliability_table,
)
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.errors import CurrencyError, InvalidProbabilityError, UnknownStageError
from salesfunnel.pipeline.parameters import InvalidParameterError
from salesfunnel.pipeline.weighted import outcome_distribution, weighted_value
from salesfunnel.render import render
from tests import factories
from tests.factories import ALL_FACTS
from tests.strategies import generated_pipelines

D = Decimal
F = DEFAULT_FUNNEL
START = date(2026, 1, 1)
END = date(2026, 12, 31)


def day(n):
    return START + timedelta(days=n)


def opp(i, stage="negotiation", amount="1000", currency="CNY", **kw):
    return factories.deal(
        id=f"D{i}",
        stage=stage,
        created=START,
        expected_close=END,
        amount=amount,
        currency=currency,
        facts=ALL_FACTS,
        **kw,
    )


def closed(wins, losses, stage="negotiation", on=30, start=0):
    """``wins`` deals won and ``losses`` lost from ``stage``, on day ``on``."""
    out = [F.win(opp(start + i, stage), on=day(on)) for i in range(wins)]
    out += [F.lose(opp(start + wins + i, stage), on=day(on), reason="price") for i in range(losses)]
    return out


class TestLearnProbabilities:
    def test_shrinks_towards_the_prior(self):
        """The estimate is (won + k × prior) / (reached + k), with the sample size reported."""
        learned = learn_probabilities(closed(3, 7), as_of=END, prior_strength=10)
        row = learned["negotiation"]
        assert (row.reached, row.won, row.prior) == (10, 3, D("0.8"))
        assert row.learned == (3 + 10 * D("0.8")) / 20
        assert row.observed == 0.3
        assert row.stdev is not None
        assert 0 < row.stdev < 0.2

    def test_no_data_keeps_the_prior(self):
        """A stage no closed deal reached keeps its default probability."""
        learned = learn_probabilities(closed(3, 7), as_of=END)
        row = learned["intent"]
        assert (row.reached, row.learned, row.observed) == (0, D("0.2"), None)
        assert learn_probabilities([], as_of=END, prior_strength=0)["intent"].learned == D("0.2")
        assert learn_probabilities([], as_of=END, prior_strength=0)["intent"].stdev is None

    def test_zero_strength_is_the_observed_rate(self):
        """With prior strength 0 the estimate is the observed rate."""
        learned = learn_probabilities(closed(3, 7), as_of=END, prior_strength=0)
        assert learned["negotiation"].learned == D("0.3")

    def test_skipped_stages_count_as_reached(self):
        """A deal that skipped a stage counts for it."""
        skipper = F.win(F.advance(opp(1, "intent"), "recognition", on=day(5)), on=day(9))
        learned = learn_probabilities([skipper], as_of=END, prior_strength=0)
        assert learned["project"].learned == 1
        assert learned["potential"].reached == 0

    def test_open_deals_and_later_closes_are_left_out(self):
        """Only deals closed by as_of count."""
        deals = [*closed(2, 0, on=10), *closed(0, 2, on=50, start=10), opp(99)]
        learned = learn_probabilities(deals, as_of=day(20), prior_strength=0)
        assert (learned["negotiation"].reached, learned["negotiation"].won) == (2, 2)

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(st.integers(0, 30), st.integers(0, 30), st.integers(1, 20))
    def test_moves_from_prior_to_observed(self, wins, losses, strength):
        """More data moves the estimate from the prior towards the observed rate."""
        small = learn_probabilities(closed(wins, losses), as_of=END, prior_strength=strength)
        big = learn_probabilities(closed(wins * 3, losses * 3), as_of=END, prior_strength=strength)
        a, b = small["negotiation"], big["negotiation"]
        prior = D("0.8")
        if a.reached:
            observed = D(wins) / (wins + losses)
            assert min(prior, observed) <= a.learned <= max(prior, observed)
            assert abs(b.learned - observed) <= abs(a.learned - observed)
        else:
            assert a.learned == b.learned == prior

    def test_as_probability_source(self):
        """Called on a deal it gives won 1, lost 0, the override, else the learned estimate."""
        learned = learn_probabilities(closed(3, 7), as_of=END, prior_strength=0)
        assert isinstance(learned, LearnedProbabilities)
        deals = [opp(50), opp(51, probability=D("0.5")), *closed(1, 1, start=60)]
        assert [learned(o) for o in deals] == [D("0.3"), D("0.5"), D(1), D(0)]
        ignore = learn_probabilities(
            closed(3, 7), as_of=END, prior_strength=0, respect_override=False
        )
        assert ignore(deals[1]) == D("0.3")
        assert weighted_value([opp(50)], probability=learned) == D("300.0")

    def test_lookup(self):
        """Stages are looked up by key; won and lost have no estimate."""
        learned = learn_probabilities([], as_of=END)
        with pytest.raises(UnknownStageError):
            learned["nope"]
        with pytest.raises(KeyError):
            learned["closed"]
        assert [s.stage for s in learned][-1] == "negotiation"

    @pytest.mark.parametrize("strength", [-1, D("-0.5"), 1.5, True, "10"])
    def test_bad_strength(self, strength):
        """A negative or non-integer, non-Decimal prior strength is refused."""
        with pytest.raises(InvalidParameterError) as info:
            learn_probabilities([], as_of=END, prior_strength=strength)
        assert info.value.parameter == "prior_strength"

    def test_table(self):
        """The estimates render with sample sizes in both languages."""
        learned = learn_probabilities(sample_pipeline(), as_of=SAMPLE_AS_OF)
        text = render(learned.table())
        assert "closed deals" in text
        assert "学习所得" in render(learned.table("zh"))


class TestBrierScore:
    def test_values(self):
        """Perfect forecasts score 0, always-wrong 1, coin flips 0.25."""
        assert brier_score([(1, True), (0, False)]) == 0.0
        assert brier_score([(0, True), (1, False)]) == 1.0
        assert brier_score([(D("0.5"), True), ("0.5", False)]) == 0.25
        assert brier_score([(0.8, True), (0.3, False)]) == 0.065

    def test_bad_input(self):
        """Forecasts outside [0, 1], non-bool outcomes and no forecasts are refused."""
        with pytest.raises(InvalidProbabilityError):
            brier_score([(1.2, True)])
        with pytest.raises(InvalidParameterError, match="True"):
            brier_score([(0.5, 1)])  # type: ignore[list-item]
        with pytest.raises(InvalidParameterError, match="at least one"):
            brier_score([])

    @given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=30))
    def test_in_unit_interval(self, pairs):
        """The Brier score lies in [0, 1]."""
        assert 0 <= brier_score(pairs) <= 1


class TestReliabilityTable:
    def test_bins(self):
        """Forecasts are binned by value; each bin compares mean forecast and win rate."""
        bins = reliability_table([(0.05, False), (0.15, True), (0.15, False), (1, True)], bins=10)
        assert len(bins) == 10
        assert bins[0] == ReliabilityBin(0.0, 0.1, 1, 0.05, 0.0)
        assert bins[1].count == 2
        assert bins[1].observed == 0.5
        assert bins[9].count == 1
        assert bins[5].mean_forecast is None

    @pytest.mark.parametrize("bins", [0, -2, True, 2.0])
    def test_bad_bins(self, bins):
        """The number of bins must be a positive int."""
        with pytest.raises(InvalidParameterError):
            reliability_table([(0.5, True)], bins=bins)

    @given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), max_size=40), st.integers(1, 12))
    def test_means_inside_their_bins(self, pairs, bins):
        """Each bin's mean forecast lies within the bin; the counts add up."""
        table = reliability_table(pairs, bins)
        assert sum(b.count for b in table) == len(pairs)
        for b in table:
            if b.mean_forecast is not None:
                assert b.lower <= b.mean_forecast <= b.upper


class TestCalibration:
    def test_scores_forecasts_against_outcomes(self):
        """Deals open on the date are forecast, and scored on their outcome."""
        deals = [*closed(3, 1, on=60), opp(40)]
        result = calibration(deals, as_of=day(30), outcome_as_of=day(90))
        assert isinstance(result, Calibration)
        assert (result.resolved, result.unresolved) == (4, 1)
        assert result.brier == pytest.approx((3 * 0.2**2 + 0.8**2) / 4)
        assert result.base_rate == 0.75
        assert result.skill == pytest.approx(1 - result.brier / (0.75 * 0.25))
        assert result.bins[8].count == 4

    def test_learned_source(self):
        """Any probability source can be scored, e.g. learned probabilities."""
        deals = sample_pipeline()
        before = date(2026, 3, 31)
        learned = learn_probabilities(deals, as_of=before)
        default = calibration(deals, as_of=before, outcome_as_of=SAMPLE_AS_OF)
        mine = calibration(deals, as_of=before, outcome_as_of=SAMPLE_AS_OF, probability=learned)
        assert default.resolved == mine.resolved > 0
        assert mine.brier is not None
        assert default.brier is not None
        assert "Brier" in render(mine.table())
        assert "校准" in render(mine.table("zh"))

    def test_nothing_resolved(self):
        """Without resolved deals there is no score."""
        result = calibration([opp(1)], as_of=day(1), outcome_as_of=day(2))
        assert (result.brier, result.base_rate, result.skill) == (None, None, None)
        assert "Brier score  over 0" in render(result.table())

    def test_one_outcome_has_no_skill(self):
        """When every resolved deal had the same outcome, skill cannot be told."""
        result = calibration(closed(2, 0, on=10), as_of=day(1), outcome_as_of=day(20))
        assert result.base_rate == 1.0
        assert result.skill is None

    def test_outcome_before_forecast(self):
        """Outcomes must be read on or after the forecast date."""
        with pytest.raises(InvalidParameterError, match="before as_of"):
            calibration([], as_of=day(10), outcome_as_of=day(5))

    def test_source_outside_unit_interval(self):
        """A source giving probabilities outside [0, 1] is refused."""
        with pytest.raises(InvalidProbabilityError):
            calibration(
                closed(1, 0, on=10),
                as_of=day(1),
                outcome_as_of=day(20),
                probability=lambda _o: D(2),
            )


class TestBacktest:
    def test_rows(self):
        """Each date's forecast compares with what those deals won by the end."""
        deals = [*closed(3, 1, on=60), opp(40, amount="500")]
        result = backtest(deals, [day(30), day(70)], until=day(90))
        assert isinstance(result, Backtest)
        first, second = result.rows
        assert first.deals == 5
        assert first.forecast == weighted_value(
            [opp(i) for i in range(4)] + [opp(40, amount="500")]
        )
        assert first.won == D(3000)
        assert first.unresolved == 1
        assert first.error == first.won - first.forecast
        assert first.p10 <= first.p50 <= first.p90
        assert first.brier == pytest.approx((3 * 0.2**2 + 0.8**2) / 4)
        assert (second.deals, second.won, second.brier) == (1, D(0), None)
        assert result.coverage is not None
        assert result.currency == "CNY"
        assert "Backtest" in render(result.table())
        assert "回测" in render(result.table("zh"))

    def test_inside_the_band(self):
        """A row is inside when what was won lies between P10 and P90."""
        deals = [*closed(8, 2, on=60)]
        (row,) = backtest(deals, [day(30)], until=day(90)).rows
        dist = outcome_distribution(deals, as_of=day(30))
        assert row.p90 == dist.percentile(90)
        assert row.inside == (row.p10 <= row.won <= row.p90)

    def test_learning_uses_only_the_past(self):
        """With learn=True each date learns only from deals closed by then."""
        deals = [*closed(5, 0, on=10), *closed(1, 4, on=60, start=20)]
        (row,) = backtest(deals, [day(30)], until=day(90), learn=True, prior_strength=0).rows
        assert row.forecast == D(5000)  # learned on day 30: five of five won
        assert row.won == D(1000)

    def test_no_dates(self):
        """Without dates there are no rows and no coverage."""
        result = backtest([], [], until=END)
        assert result.rows == ()
        assert result.coverage is None

    def test_date_after_until(self):
        """Forecast dates must not be after until."""
        with pytest.raises(InvalidParameterError):
            backtest([], [day(10)], until=day(5))

    def test_mixed_currencies(self):
        """Mixed currencies need a converter."""
        deals = [opp(1), opp(2, currency="USD")]
        with pytest.raises(CurrencyError):
            backtest(deals, [day(5)], until=day(10))
        result = backtest(
            deals, [day(5)], until=day(10), convert=lambda o: o.amount, currency="EUR"
        )
        assert result.currency == "EUR"

    @settings(max_examples=settings.default.max_examples * 1 // 5)
    @given(generated_pipelines())
    def test_generated(self, deals):
        """Backtests of generated pipelines give ordered percentiles and sane counts."""
        cny = [o for o in deals if o.currency == "CNY"]
        result = backtest(cny, [date(2025, 6, 30), date(2026, 3, 31)], until=date(2026, 9, 30))
        for row in result.rows:
            assert row.p10 <= row.p50 <= row.p90
            assert 0 <= row.unresolved <= row.deals
