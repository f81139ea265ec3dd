from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given

from salesfunnel import DEFAULT_FUNNEL
from salesfunnel.calendar import GREGORIAN, FiscalCalendar, UnknownPeriodError
from salesfunnel.errors import InvalidAmountError, InvalidDateError
from salesfunnel.forecasting.quotas import Quota, QuotaResult, quota_attainment
from salesfunnel.forecasting.rollup import ForecastOptionError
from salesfunnel.fx import ExchangeRates, MissingRateError
from tests import factories
from tests.strategies import cutoffs, pipelines

CUTOFF = date(2026, 8, 31)
Q3 = GREGORIAN.quarter(2026, 3)


def _deal(id_="D1", stage="negotiation", close=date(2026, 9, 15), **changes):
    return factories.deal(**{"id": id_, "stage": stage, "expected_close": close, **changes})


def _won(deal, on):
    return DEFAULT_FUNNEL.win(deal, on=on, facts=factories.gate_facts())


class TestQuota:
    def test_amount_is_money(self):
        """The quota amount is a Decimal, and negative amounts are refused."""
        assert Quota("Ann", Q3, "5000").amount == Decimal(5000)
        with pytest.raises(InvalidAmountError):
            Quota("Ann", Q3, "-1")


class TestQuotaResult:
    def test_ratios(self):
        """Attainment, gap, remaining and coverage follow from the figures."""
        r = QuotaResult("Ann", Q3, Decimal(1000), Decimal(250), Decimal(1500), Decimal(600), None)
        assert (r.gap, r.remaining, r.attainment) == (750, 750, 0.25)
        assert (r.coverage, r.weighted_coverage) == (2.0, 0.8)

    def test_met_and_zero_quotas(self):
        """Past the quota the gap is negative and coverage undefined; a zero quota has no attainment."""
        met = QuotaResult("Ann", Q3, Decimal(100), Decimal(150), Decimal(10), Decimal(5), None)
        assert (met.gap, met.remaining, met.coverage, met.attainment) == (-50, 0, None, 1.5)
        zero = QuotaResult("Ann", Q3, Decimal(0), Decimal(0), Decimal(0), Decimal(0), None)
        assert zero.attainment is None


class TestQuotaAttainment:
    def test_booked_and_pipeline_in_the_period(self):
        """Booked counts wins in the period up to the cutoff; pipeline counts open deals closing in it."""
        deals = [
            _won(_deal("W1"), date(2026, 7, 10)),
            _won(_deal("W0"), date(2026, 6, 30)),
            _deal("O1", probability="0.5"),
            _deal("O2", close=date(2026, 10, 1)),
            _deal("B1", owner="Bo"),
            DEFAULT_FUNNEL.lose(_deal("L1"), on=date(2026, 7, 1), reason="price"),
        ]
        [r] = quota_attainment(deals, [Quota("Ann", Q3, "4000")], cutoff=CUTOFF)
        assert (r.booked, r.pipeline, r.weighted_pipeline) == (1000, 1000, Decimal("500.0"))
        assert (r.gap, r.attainment, r.coverage) == (3000, 0.25, 1000 / 3000)
        assert r.currency == "CNY"

    def test_win_after_cutoff_is_not_booked(self):
        """A deal won after the cutoff is still pipeline at the cutoff."""
        deal = _won(_deal(), date(2026, 9, 10))
        [r] = quota_attainment([deal], [Quota("Ann", "2026Q3", "1000")], cutoff=CUTOFF)
        assert (r.booked, r.pipeline) == (0, 1000)
        [r] = quota_attainment([deal], [Quota("Ann", "2026Q3", "1000")], cutoff=date(2026, 9, 30))
        assert (r.booked, r.pipeline, r.attainment) == (1000, 0, 1.0)

    def test_labels_and_years(self):
        """Quota periods may be labels or fiscal years of the calendar."""
        fy = FiscalCalendar(start_month=4)
        deals = [_won(_deal(), date(2026, 5, 1))]
        results = quota_attainment(
            deals,
            [Quota("Ann", "FY2027", "2000"), Quota("Ann", fy.quarter(2027, 1), "500")],
            cutoff=CUTOFF,
            calendar=fy,
        )
        assert [r.booked for r in results] == [1000, 1000]
        assert [r.period.code for r in results] == ["FY2027", "FY2027Q1"]

    def test_currency_conversion(self):
        """Bookings convert at their close date's rate, pipeline at the cutoff's."""
        rates = ExchangeRates.to(
            "CNY", {date(2026, 1, 1): {"USD": "7"}, date(2026, 8, 1): {"USD": "7.5"}}
        )
        deals = [_won(_deal("W", currency="USD"), date(2026, 7, 10)), _deal("O", currency="USD")]
        [r] = quota_attainment(
            deals, [Quota("Ann", Q3, "10000")], cutoff=CUTOFF, currency="CNY", rates=rates
        )
        assert (r.booked, r.pipeline) == (Decimal("7000.00"), Decimal("7500.00"))
        with pytest.raises(MissingRateError):
            quota_attainment(deals, [Quota("Ann", Q3, "1")], cutoff=CUTOFF, currency="CNY")

    def test_owner_without_deals(self):
        """An owner with a quota and no deals has nothing booked."""
        [r] = quota_attainment((d for d in [_deal()]), [Quota("Cy", Q3, "10")], cutoff=CUTOFF)
        assert (r.booked, r.pipeline, r.currency) == (0, 0, "CNY")

    def test_deal_created_after_cutoff_is_ignored(self):
        """A deal created after the cutoff is neither booked nor pipeline."""
        late = _deal(created=date(2026, 9, 1))
        [r] = quota_attainment([late], [Quota("Ann", Q3, "10")], cutoff=CUTOFF)
        assert r.pipeline == 0

    @pytest.mark.parametrize("period", ["2026Q5", "someday", 2026, None])
    def test_unknown_period(self, period):
        """A quota for a period the calendar does not have raises UnknownPeriodError."""
        with pytest.raises(UnknownPeriodError) as info:
            quota_attainment([_deal()], [Quota("Ann", period, "1")], cutoff=CUTOFF)
        assert isinstance(info.value, LookupError)
        assert info.value.period == period

    def test_period_of_another_calendar(self):
        """A quarter of another fiscal calendar is an unknown period for this one."""
        other = FiscalCalendar(start_month=4).quarter(2027, 1)
        with pytest.raises(UnknownPeriodError, match="calendar"):
            quota_attainment([_deal()], [Quota("Ann", other, "1")], cutoff=CUTOFF)

    def test_duplicate_quota(self):
        """Two quotas for one owner and period are refused."""
        with pytest.raises(ForecastOptionError, match="two quotas"):
            quota_attainment(
                [], [Quota("Ann", Q3, "1"), Quota("Ann", "2026Q3", "2")], cutoff=CUTOFF
            )

    def test_aware_datetime_cutoff(self):
        """A tz-aware datetime cutoff is refused with what to pass instead."""
        with pytest.raises(InvalidDateError, match=r"pass value\.date\(\)"):
            quota_attainment([], [], cutoff=datetime(2026, 8, 31, tzinfo=timezone.utc))

    @given(pipelines(), cutoffs)
    def test_quarters_add_up_to_the_year(self, deals, cutoff):
        """An owner's booked and pipeline over the four quarters equal those of the year."""
        rates = ExchangeRates.to("CNY", {date(2024, 1, 1): {"USD": "7", "EUR": "8"}})
        year = GREGORIAN.year_of(cutoff)
        owners = sorted({d.owner for d in deals})
        quotas = [Quota(o, p, "1") for o in owners for p in (year, *year.quarters())]
        results = quota_attainment(deals, quotas, cutoff=cutoff, currency="CNY", rates=rates)
        for i in range(0, len(results), 5):
            whole, parts = results[i], results[i + 1 : i + 5]
            assert whole.booked == sum((r.booked for r in parts), Decimal(0))
            assert whole.pipeline == sum((r.pipeline for r in parts), Decimal(0))
            assert whole.weighted_pipeline == sum((r.weighted_pipeline for r in parts), Decimal(0))
            assert 0 <= whole.weighted_pipeline <= whole.pipeline
