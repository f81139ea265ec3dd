"""Forecasts and waterfalls check themselves: a broken invariant raises the area's typed error."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import MappingProxyType

import attrs
import pytest

from salesfunnel.errors import InvalidResultError, OptionError
from salesfunnel.forecasting.buckets import TimeBucket
from salesfunnel.forecasting.kinds import ForecastCategory
from salesfunnel.forecasting.rollup import Figures, Forecast, forecast
from salesfunnel.forecasting.waterfall import Change, Movement, Waterfall
from tests.factories import deal


def result() -> Forecast:
    deals = [
        deal(id="D1", owner="Ann", stage="negotiation", amount="100000"),
        deal(id="D2", owner="Bo", stage="intent", amount="50000.50"),
    ]
    return forecast(deals, cutoff=date(2026, 8, 31), by="owner")


class TestForecastRow:
    def test_sums_must_add_up(self):
        """Bucket, category and total figures are the sums of the cells."""
        row = result().rows[0]
        bucket = next(b for b in TimeBucket if row.buckets[b].count)
        buckets = MappingProxyType({**row.buckets, bucket: Figures(1, Decimal(1), Decimal(0))})
        with pytest.raises(InvalidResultError) as info:
            attrs.evolve(row, buckets=buckets)
        assert info.value.where == ("buckets", bucket.value)
        assert info.value.why.startswith("does not add up: its cells give count 1, amount")
        with pytest.raises(InvalidResultError) as info:
            attrs.evolve(row, total=Figures())
        assert info.value.where == ("total",)

    def test_every_bucket_and_category_is_given(self):
        """A row that leaves out a category its cells fill does not add up."""
        row = result().rows[0]
        category = next(c for c in ForecastCategory if row.categories[c].count)
        categories = {c: f for c, f in row.categories.items() if c is not category}
        with pytest.raises(InvalidResultError) as info:
            attrs.evolve(row, categories=MappingProxyType(categories))
        assert info.value.where == ("categories", category.value)


class TestForecast:
    def test_groups(self):
        """Rows have one key per grouping, and the grand total none."""
        fc = result()
        with pytest.raises(InvalidResultError) as info:
            attrs.evolve(fc, rows=(attrs.evolve(fc.rows[0], group=("Ann", "CRM")),))
        assert info.value.where == ("rows", 0, "group")
        assert info.value.why == "has 2 key(s), but the forecast is grouped by ['owner']"
        with pytest.raises(InvalidResultError) as info:
            attrs.evolve(fc, total=fc.rows[0])
        assert (info.value.where, info.value.why) == (("total", "group"), "is not empty")

    def test_a_grouping_is_not_repeated(self):
        """A repeated grouping is an OptionError, from forecast() and from the class alike."""
        with pytest.raises(OptionError) as info:
            attrs.evolve(result(), by=("owner", "owner"))
        assert (info.value.where, info.value.why) == (("by",), "repeats a grouping")
        assert info.value.option == "by"
        with pytest.raises(OptionError, match="repeats a key"):
            forecast([], cutoff=date(2026, 8, 31), by="owner,owner")


def test_a_waterfall_balances():
    """The changes lead from the opening value to the closing one."""
    change = Change("D1", Movement.WON, Decimal(-10))
    args = (date(2026, 6, 30), date(2026, 8, 31), None, "CNY", Decimal(100))
    assert Waterfall(*args, Decimal(90), (change,)).balanced
    with pytest.raises(InvalidResultError) as info:
        Waterfall(*args, Decimal(91), (change,))
    assert info.value.where == ("changes",)
    assert info.value.why == "do not add up: opening 100 plus the changes is not closing 91"
    assert str(info.value).startswith("Waterfall.changes do not add up")


class TestQuotaResult:
    @staticmethod
    def result(**kw: object):
        from salesfunnel.calendar import GREGORIAN
        from salesfunnel.forecasting.quotas import QuotaResult

        fields: dict[str, object] = {
            "owner": "Ann",
            "period": GREGORIAN.quarter_of(date(2026, 3, 31)),
            "quota": Decimal(100),
            "booked": Decimal(10),
            "pipeline": Decimal(50),
            "weighted_pipeline": Decimal(20),
            "currency": None,
            **kw,
        }
        return QuotaResult(**fields)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("kw", "field", "why"),
        [
            ({"booked": Decimal(-1)}, "booked", "is negative (-1)"),
            ({"quota": Decimal("sNaN")}, "quota", "not a finite Decimal"),
            ({"pipeline": 5}, "pipeline", "not a finite Decimal"),
            ({"weighted_pipeline": Decimal(60)}, "weighted_pipeline", "above the pipeline 50"),
        ],
    )
    def test_refused(self, kw, field, why):
        with pytest.raises(InvalidResultError) as err:
            self.result(**kw)
        assert err.value.where == (field,)
        assert why in str(err.value)

    def test_accepted(self):
        assert self.result().gap == Decimal(90)
