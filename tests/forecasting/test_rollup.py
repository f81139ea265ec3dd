from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL
from salesfunnel.calendar import GREGORIAN
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.errors import CurrencyError, InvalidDateError, UnknownStageError
from salesfunnel.forecasting.buckets import TimeBucket, time_bucket
from salesfunnel.forecasting.categories import (
    ForecastCategory,
    InvalidCategoryError,
    forecast_category,
)
from salesfunnel.forecasting.rollup import Figures, ForecastOptionError, forecast
from salesfunnel.funnel.history import at_cutoff
from salesfunnel.fx import ExchangeRates, MissingRateError
from salesfunnel.render import Table
from tests import factories
from tests.strategies import calendars, cutoffs, pipelines

CUTOFF = date(2026, 8, 31)
RATES = ExchangeRates.to(
    "CNY",
    {
        date(2024, 12, 1): {"USD": "7.20", "EUR": "7.90"},
        date(2026, 8, 1): {"USD": "7.00", "EUR": "8.00"},
        date(2026, 8, 31): {"USD": "7.10", "EUR": "8.10"},
    },
)


def _deal(id_="D1", stage="negotiation", close=date(2026, 9, 15), **changes):
    return factories.deal(**{"id": id_, "stage": stage, "expected_close": close, **changes})


_facts = factories.gate_facts


class TestFigures:
    def test_addition(self):
        """Figures add up field by field."""
        a = Figures(1, Decimal(10), Decimal(5))
        assert a + a == Figures(2, Decimal(20), Decimal(10))
        assert Figures() == Figures(0, Decimal(0), Decimal(0))


class TestForecastRow:
    def test_every_bucket_and_category_present(self):
        """A row lists every bucket and category, zeros included, in order."""
        row = forecast([_deal()], cutoff=CUTOFF).total
        assert list(row.buckets) == list(TimeBucket)
        assert list(row.categories) == list(ForecastCategory)
        assert row.buckets[TimeBucket.LOST] == Figures()
        assert row.cells == {
            (TimeBucket.WITHIN_3_MONTHS, ForecastCategory.COMMIT): Figures(
                1, Decimal(1000), Decimal("800.0")
            )
        }
        assert hash(row) == hash(forecast([_deal()], cutoff=CUTOFF).total)


class TestForecast:
    def test_total_only(self):
        """Without by= there are no group rows, only the total."""
        result = forecast([_deal(), _deal("D2", "intent")], cutoff=CUTOFF)
        assert result.rows == ()
        assert result.by == ()
        assert result.total.total == Figures(2, Decimal(2000), Decimal("1000.0"))
        assert result.currency == "CNY"
        assert result.quarter == GREGORIAN.quarter(2026, 3)
        assert result.row() is result.total

    def test_by_owner(self):
        """Rows per owner, sorted; row() finds one and gives zeros for an unknown owner."""
        deals = [_deal(), _deal("D2", owner="Bo"), _deal("D3", owner="Bo", stage="intent")]
        result = forecast(deals, cutoff=CUTOFF, by="owner")
        assert [r.group for r in result.rows] == [("Ann",), ("Bo",)]
        assert result.row("Bo").total.count == 2
        assert result.row("Bo").categories[ForecastCategory.PIPELINE].amount == 1000
        assert result.row("Nobody").total == Figures()
        with pytest.raises(ForecastOptionError, match="give 1 key"):
            result.row("Ann", "ERP")

    def test_by_product_splits_lines_exactly(self):
        """A two-product deal puts each line in its product's row and counts once in each."""
        deal = _deal(amount=None, line_items={"ERP": "700", "Support": "300"})
        result = forecast([deal, _deal("D2")], cutoff=CUTOFF, by="product")
        assert result.row("ERP").total == Figures(1, Decimal(700), Decimal("560.0"))
        assert result.row("Support").total == Figures(1, Decimal(300), Decimal("240.0"))
        assert result.row("").total.amount == 1000
        assert result.total.total.count == 2
        assert sum(r.total.amount for r in result.rows) == result.total.total.amount

    def test_repeated_product_lines_merge(self):
        """Two lines of one product count as one deal in that product's row."""
        from salesfunnel.funnel.opportunity import LineItem

        deal = _deal(amount=None, line_items=[LineItem("ERP", "600"), LineItem("ERP", "400")])
        result = forecast([deal], cutoff=CUTOFF, by="product")
        assert result.row("ERP").total == Figures(1, Decimal(1000), Decimal("800.0"))

    def test_by_owner_and_product_in_either_order(self):
        """Both keys give (owner, product) or (product, owner) rows, as asked."""
        deal = _deal(amount=None, line_items={"ERP": "700", "CRM": "300"})
        a = forecast([deal], cutoff=CUTOFF, by="owner,product")
        b = forecast([deal], cutoff=CUTOFF, by=("product", "owner"))
        assert [r.group for r in a.rows] == [("Ann", "CRM"), ("Ann", "ERP")]
        assert [r.group for r in b.rows] == [("CRM", "Ann"), ("ERP", "Ann")]
        assert a.row("Ann", "ERP").total.amount == 700

    @pytest.mark.parametrize("by", ["region", ("owner", "owner"), ["owner", "stage"]])
    def test_unknown_grouping(self, by):
        """An unknown or repeated grouping raises ForecastOptionError."""
        with pytest.raises(ForecastOptionError) as info:
            forecast([_deal()], cutoff=CUTOFF, by=by)
        assert info.value.option == "by"

    def test_weighted_uses_deal_probability(self):
        """Weighted amounts use the per-deal override, 1 for won and 0 for lost."""
        deals = [
            _deal(probability="0.5"),
            DEFAULT_FUNNEL.win(_deal("W"), on=date(2026, 8, 1), facts=_facts()),
            DEFAULT_FUNNEL.lose(_deal("L"), on=date(2026, 8, 1), reason="price"),
        ]
        total = forecast(deals, cutoff=CUTOFF).total
        assert total.categories[ForecastCategory.COMMIT].weighted == 500
        assert total.buckets[TimeBucket.CLOSED] == Figures(1, Decimal(1000), Decimal(1000))
        assert total.buckets[TimeBucket.LOST] == Figures(1, Decimal(1000), Decimal(0))
        assert total.categories[ForecastCategory.BOOKED].count == 1

    def test_override_is_used(self):
        """A manual category override moves the deal to that category."""
        result = forecast([_deal(stage="intent", category_override="commit")], cutoff=CUTOFF)
        assert result.total.categories[ForecastCategory.COMMIT].count == 1

    def test_bad_override_names_the_deal(self):
        """A bad override is an error naming the opportunity."""
        with pytest.raises(InvalidCategoryError, match="'D9'"):
            forecast([_deal("D9", category_override="???")], cutoff=CUTOFF)

    def test_created_after_cutoff_is_left_out_and_listed(self):
        """Deals created after the cutoff are not counted and are listed by id."""
        result = forecast([_deal(), _deal("LATE", created=date(2026, 9, 1))], cutoff=CUTOFF)
        assert result.total.total.count == 1
        assert result.not_yet_created == ("LATE",)
        assert "created after the cutoff" in result.table().note

    def test_past_cutoff_rebuilds_the_deal(self):
        """A deal won after the cutoff is forecast as it was open at the cutoff."""
        won = DEFAULT_FUNNEL.win(_deal(), on=date(2026, 9, 10), facts=_facts())
        result = forecast([won], cutoff=CUTOFF)
        assert result.total.categories[ForecastCategory.COMMIT].count == 1
        later = forecast([won], cutoff=date(2026, 9, 10))
        assert later.total.categories[ForecastCategory.BOOKED].count == 1

    def test_generators_are_accepted(self):
        """Any iterable of opportunities works."""
        result = forecast((d for d in [_deal()]), cutoff=CUTOFF, by="owner")
        assert result.total.total.count == 1

    def test_empty_pipeline(self):
        """No deals give an empty forecast with no currency."""
        result = forecast([], cutoff=CUTOFF, by="owner")
        assert result.rows == ()
        assert result.currency is None
        assert result.total.total == Figures()

    def test_aware_datetime_cutoff(self):
        """A tz-aware datetime cutoff is refused with what to pass instead."""
        with pytest.raises(InvalidDateError, match=r"pass value\.date\(\)") as info:
            forecast([_deal()], cutoff=datetime(2026, 8, 31, 18, tzinfo=timezone.utc))
        assert info.value.field == "cutoff"

    def test_unknown_stage(self):
        """A deal in a stage the funnel lacks raises UnknownStageError."""
        with pytest.raises(UnknownStageError):
            forecast([_deal(stage="nowhere")], cutoff=CUTOFF)

    def test_table(self):
        """table() lays the forecast out as a Table."""
        table = forecast([_deal()], cutoff=CUTOFF, by="owner").table("category", lang="zh")
        assert isinstance(table, Table)
        assert "本季度保证实现" in table.headers
        html = forecast([_deal()], cutoff=CUTOFF)._repr_html_()
        assert html.count("<table>") == 2

    def test_sample_pipeline_adds_up(self):
        """On the sample, by owner and product, buckets, categories and rows add up exactly."""
        result = forecast(
            sample_pipeline(), cutoff=SAMPLE_AS_OF, by="owner,product", currency="CNY", rates=RATES
        )
        _check_sums(result)
        quarter = GREGORIAN.quarter_of(SAMPLE_AS_OF)
        counted = [
            d
            for d in sample_pipeline()
            if d.closed_on is None or quarter.start <= d.closed_on <= SAMPLE_AS_OF
        ]
        assert result.total.total.count == len(counted)


class TestCurrencies:
    def test_mixed_currencies_need_a_reporting_currency(self):
        """Deals in several currencies without currency= raise CurrencyError naming them."""
        with pytest.raises(CurrencyError, match="CNY, USD") as info:
            forecast([_deal(), _deal("U", currency="USD")], cutoff=CUTOFF)
        assert info.value.code == "CNY,USD"

    def test_open_at_cutoff_rate_won_and_lost_at_close_rate(self):
        """Open deals convert at the cutoff's rate, won and lost deals at their close date's."""
        open_ = _deal("O", currency="USD")
        won = DEFAULT_FUNNEL.win(_deal("W", currency="USD"), on=date(2026, 8, 5), facts=_facts())
        lost = DEFAULT_FUNNEL.lose(_deal("L", currency="EUR"), on=date(2026, 3, 1), reason="x")
        total = forecast(
            [open_, won, lost], cutoff=CUTOFF, currency="CNY", rates=RATES, period="2026"
        ).total
        assert total.categories[ForecastCategory.COMMIT].amount == Decimal("7100.00")
        assert total.buckets[TimeBucket.CLOSED].amount == Decimal("7000.00")
        assert total.buckets[TimeBucket.LOST].amount == Decimal("7900.00")

    @pytest.mark.parametrize("stage", ["closed", "lost"])
    def test_deal_created_closed_converts_at_its_history_close(self, stage):
        """A deal created already won or lost (no closed_on) converts at the rate of that day."""
        deal = _deal("C", stage=stage, currency="USD", amount="1000", created=date(2026, 8, 10))
        assert deal.closed_on is None
        total = forecast([deal], cutoff=CUTOFF, currency="CNY", rates=RATES, period="2026").total
        bucket = TimeBucket.CLOSED if stage == "closed" else TimeBucket.LOST
        # the rate in force on 2026-08-10 (7.00), not the cutoff's (7.10)
        assert total.buckets[bucket].amount == Decimal("7000.00")
        by_product = forecast(
            [deal], cutoff=CUTOFF, currency="CNY", rates=RATES, period="2026", by="product"
        )
        assert by_product.total.buckets[bucket].amount == Decimal("7000.00")

    def test_converted_lines_are_rounded_to_cents(self):
        """Each converted line is rounded half-even to cents before it is added."""
        rates = ExchangeRates.to("CNY", {date(2026, 1, 1): {"USD": "7.1234"}})
        deal = _deal(currency="USD", amount=None, line_items={"A": "0.5", "B": "0.5"})
        result = forecast([deal], cutoff=CUTOFF, currency="CNY", rates=rates, by="product")
        assert result.row("A").total.amount == Decimal("3.56")
        assert result.total.total.amount == Decimal("7.12")

    def test_missing_rate_names_currency_and_date(self):
        """A won deal closed before any rate raises MissingRateError with currency and date."""
        deal = _deal("W", currency="EUR", created=date(2024, 5, 1), close=date(2024, 6, 1))
        won = DEFAULT_FUNNEL.win(deal, on=date(2024, 6, 1), facts=_facts())
        with pytest.raises(MissingRateError) as info:
            forecast([won], cutoff=CUTOFF, currency="CNY", rates=RATES, period="2024Q2")
        assert (info.value.currency, info.value.on) == ("EUR", date(2024, 6, 1))
        assert "EUR" in str(info.value)
        assert "2024-06-01" in str(info.value)

    def test_no_rates_at_all(self):
        """A reporting currency without rates fails for the first foreign deal."""
        with pytest.raises(MissingRateError, match="USD->CNY"):
            forecast([_deal(currency="USD")], cutoff=CUTOFF, currency="CNY")

    def test_reporting_currency_equal_to_the_deals_needs_no_rates(self):
        """Deals already in the reporting currency are not converted."""
        result = forecast([_deal(amount="0.125")], cutoff=CUTOFF, currency="cny")
        assert result.total.total.amount == Decimal("0.125")
        assert result.currency == "CNY"


def _check_sums(result):
    rows = [*result.rows, result.total]
    for row in rows:
        assert sum((f for f in row.buckets.values()), Figures()) == row.total
        assert sum((f for f in row.categories.values()), Figures()) == row.total
        assert sum((f for f in row.cells.values()), Figures()) == row.total
    if result.by:
        assert sum(r.total.amount for r in result.rows) == result.total.total.amount
        assert sum(r.total.weighted for r in result.rows) == result.total.total.weighted
        for bucket in TimeBucket:
            assert (
                sum(r.buckets[bucket].amount for r in result.rows)
                == result.total.buckets[bucket].amount
            )
        for category in ForecastCategory:
            assert (
                sum(r.categories[category].amount for r in result.rows)
                == result.total.categories[category].amount
            )
    if result.by == ("owner",):
        assert sum(r.total.count for r in result.rows) == result.total.total.count


class TestProperties:
    @given(
        pipelines(),
        cutoffs,
        calendars,
        st.sampled_from(["", "owner", "product", "owner,product", "product,owner"]),
    )
    def test_totals_add_up_exactly(self, deals, cutoff, calendar, by):
        """Buckets and categories add up to each row's total, and rows to the grand total."""
        result = forecast(
            deals, cutoff=cutoff, calendar=calendar, by=by, currency="CNY", rates=RATES
        )
        _check_sums(result)
        existing = [d for d in deals if d.created <= cutoff]
        counted = [d for d in existing if _in_the_forecast(d, cutoff, result.period)]
        assert result.total.total.count == len(counted)
        assert len(result.not_yet_created) == len(deals) - len(existing)

    @given(pipelines(), cutoffs, calendars)
    def test_agrees_with_the_one_deal_functions(self, deals, cutoff, calendar):
        """Each deal lands in the cell of its time_bucket and forecast_category."""
        result = forecast(deals, cutoff=cutoff, calendar=calendar, currency="CNY", rates=RATES)
        expected = Counter(
            (
                time_bucket(d, cutoff=cutoff),
                forecast_category(d, cutoff=cutoff, calendar=calendar),
            )
            for d in deals
            if d.created <= cutoff and _in_the_forecast(d, cutoff, result.period)
        )
        assert {k: f.count for k, f in result.total.cells.items()} == dict(expected)


def _in_the_forecast(deal, cutoff, period):
    """Open at the cutoff, or won or lost in the period (up to the cutoff)."""
    then = at_cutoff(deal, cutoff)
    assert then is not None
    return then.closed_on is None or period.start <= then.closed_on <= period.end
