from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL, reprice, reschedule
from salesfunnel.analytics.deal_health import (
    DEFAULT_RESETS,
    DEFAULT_STALE_DAYS,
    ClockReset,
    Heat,
    HeatWeights,
    clock_start,
    deal_heat,
    heat_ranking,
    heat_table,
    stale_deals,
)
from salesfunnel.errors import InvalidOpportunityError
from salesfunnel.pipeline.parameters import InvalidParameterError
from salesfunnel.render import render
from tests import factories
from tests.factories import ALL_FACTS
from tests.strategies import generated_pipelines

F = DEFAULT_FUNNEL
START = date(2026, 1, 1)


def day(n):
    return START + timedelta(days=n)


def opp(i=1, stage="intent", close=120, **kw):
    return factories.deal(
        id=f"D{i}", stage=stage, created=START, expected_close=day(close), facts=ALL_FACTS, **kw
    )


def worked():
    """intent -> project (day 10), rescheduled (day 50), repriced (day 60)."""
    o = F.advance(opp(), "project", on=day(10))
    o = reschedule(o, day(200), on=day(50))
    return reprice(o, "1500", on=day(60))


class TestClockStart:
    def test_default_resets_are_stage_moves(self):
        """By default only stage moves restart the clock."""
        assert {ClockReset.ADVANCE, ClockReset.REGRESS, ClockReset.REOPEN} == DEFAULT_RESETS
        assert clock_start(worked()) == day(10)

    def test_revisions_can_reset(self):
        """Rescheduling and repricing restart the clock when asked."""
        assert clock_start(worked(), {ClockReset.RESCHEDULE}) == day(50)
        assert clock_start(worked(), {*DEFAULT_RESETS, ClockReset.REPRICE}) == day(60)

    def test_creation_always_starts_it(self):
        """With no resets at all the clock runs from creation."""
        assert clock_start(worked(), ()) == START

    def test_reopen_and_regress(self):
        """A move back and a reopening each restart the clock."""
        o = F.advance(worked(), "intent", on=day(70), reason="re-scope")
        assert clock_start(o) == day(70)
        o = F.reopen(F.lose(o, on=day(80), reason="budget"), on=day(90), reason="back")
        assert clock_start(o) == day(90)
        assert clock_start(o, {ClockReset.ADVANCE}) == day(10)


class TestStaleDeals:
    def test_past_the_threshold(self):
        """A deal is stale once the days since its clock started exceed its stage's threshold."""
        threshold = DEFAULT_STALE_DAYS["project"]
        assert stale_deals([worked()], as_of=day(10 + threshold)) == ()
        (stale,) = stale_deals([worked()], as_of=day(11 + threshold))
        assert (stale.opportunity_id, stale.stage, stale.since) == ("D1", "project", day(10))
        assert stale.days == threshold + 1
        assert stale.overdue == 1

    def test_resets_are_explicit(self):
        """Counting repricing as activity keeps the deal fresh."""
        when = day(10 + DEFAULT_STALE_DAYS["project"] + 5)
        resets = {*DEFAULT_RESETS, ClockReset.REPRICE}
        assert stale_deals([worked()], as_of=when, resets=resets) == ()

    def test_as_of_reads_the_past(self):
        """Changes after as_of are ignored; deals not open then are left out."""
        lost = F.lose(opp(2), on=day(5), reason="price")
        assert [s.opportunity_id for s in stale_deals([worked(), lost], as_of=day(9))] == []
        stale = stale_deals([worked(), lost], as_of=day(4), thresholds={}, default_days=2)
        assert [s.opportunity_id for s in stale] == ["D1", "D2"]

    def test_order_and_thresholds(self):
        """The most overdue come first; unlisted stages take default_days."""
        a = opp(1)
        b = F.advance(opp(2), "project", on=day(20))
        stale = stale_deals([b, a], as_of=day(40), thresholds={"intent": 10}, default_days=5)
        assert [(s.opportunity_id, s.overdue) for s in stale] == [("D1", 30), ("D2", 15)]

    @pytest.mark.parametrize(
        "options",
        [{"thresholds": {"intent": -1}}, {"default_days": 1.5}, {"default_days": True}],
    )
    def test_bad_thresholds(self, options):
        """Negative or non-integer thresholds are refused."""
        with pytest.raises(InvalidParameterError):
            stale_deals([opp()], as_of=day(1), **options)

    @settings(max_examples=settings.default.max_examples * 2 // 5)
    @given(generated_pipelines(), st.integers(0, 600))
    def test_stale_deals_are_open_and_overdue(self, deals, days):
        """Every stale deal is open and past its threshold."""
        when = date(2025, 1, 1) + timedelta(days=days)
        for s in stale_deals(deals, as_of=when):
            assert s.overdue > 0
            assert F[s.stage].kind.value == "open"


class TestDealHeat:
    def test_parts_and_score(self):
        """The score is the average of stage, probability, recency and close proximity."""
        o = F.advance(opp(close=60), "negotiation", on=day(30))
        heat = deal_heat(o, as_of=day(30))
        assert heat.stage == pytest.approx(5 / 6)
        assert heat.probability == pytest.approx(0.8)
        assert heat.recency == 1.0
        assert heat.close == pytest.approx(1 - 30 / 90)
        assert heat.score == pytest.approx(100 * (5 / 6 + 0.8 + 1 + 2 / 3) / 4)
        assert heat.band is Heat.HOT

    def test_recency_halves_each_half_life(self):
        """Recency is one half a half-life after the last change."""
        assert deal_heat(opp(), as_of=day(30)).recency == pytest.approx(0.5)
        assert deal_heat(opp(), as_of=day(20), half_life_days=10).recency == pytest.approx(0.25)

    def test_overdue_close_is_cold(self):
        """A close date already passed gives no close-proximity heat."""
        heat = deal_heat(opp(close=10), as_of=day(20))
        assert heat.close == 0.0
        assert heat.band is Heat.COLD
        assert heat.band.label("zh") == "冷"

    def test_weights(self):
        """Weights choose what counts; they are normalised."""
        heat = deal_heat(opp(), as_of=day(0), weights=HeatWeights(0, 0, 2, 0))
        assert heat.score == 100.0
        assert deal_heat(opp(), as_of=day(200), weights=HeatWeights(1, 0, 0, 0)).band is Heat.COLD

    def test_warm_band(self):
        """Scores from 40 to 70 are warm."""
        heat = deal_heat(opp(stage="recognition", close=90), as_of=day(45))
        assert 40 <= heat.score < 70
        assert heat.band is Heat.WARM

    def test_closed_deal_has_no_heat(self):
        """Asking the heat of a deal not open on the date is refused."""
        lost = F.lose(opp(), on=day(5), reason="price")
        with pytest.raises(InvalidOpportunityError, match="not open"):
            deal_heat(lost, as_of=day(6))
        with pytest.raises(InvalidOpportunityError, match="not open"):
            deal_heat(opp(), as_of=day(-1))

    @pytest.mark.parametrize(
        "options", [{"half_life_days": 0}, {"horizon_days": 0}, {"horizon_days": -3}]
    )
    def test_bad_parameters(self, options):
        """Half-life and horizon must be at least one day."""
        with pytest.raises(InvalidParameterError):
            deal_heat(opp(), as_of=day(1), **options)

    @pytest.mark.parametrize("weights", [(-1, 0, 0, 0), (0, 0, 0, 0), ("a", 0, 0, 0)])
    def test_bad_weights(self, weights):
        """Negative, all-zero or non-numeric weights are refused."""
        with pytest.raises(InvalidParameterError):
            HeatWeights(*weights)

    @settings(max_examples=settings.default.max_examples * 2 // 5)
    @given(generated_pipelines(), st.integers(0, 600))
    def test_score_in_range(self, deals, days):
        """Every heat and each of its parts lie in their ranges, hottest first."""
        when = date(2025, 1, 1) + timedelta(days=days)
        ranking = heat_ranking(deals, as_of=when)
        for h in ranking:
            assert 0 <= h.score <= 100
            assert all(0 <= part <= 1 for part in (h.stage, h.probability, h.recency, h.close))
        assert [h.score for h in ranking] == sorted((h.score for h in ranking), reverse=True)


class TestHeatTable:
    def test_render(self):
        """The heat table renders in both languages."""
        heats = heat_ranking([opp(1), F.advance(opp(2), "negotiation", on=day(3))], as_of=day(5))
        assert heats[0].opportunity_id == "D2"
        assert "Deal heat" in render(heat_table(heats))
        assert "成交热度" in render(heat_table(heats, "zh"))
