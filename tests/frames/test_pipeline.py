"""Tests for salesfunnel.frames.pipeline: the weighted pipeline of pandas and polars frames."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
nw = pytest.importorskip("narwhals.stable.v2")

from salesfunnel import UnknownStageError  # noqa: E402
from salesfunnel.datasets import sample_pipeline  # noqa: E402
from salesfunnel.errors import CurrencyError  # noqa: E402
from salesfunnel.forecasting.rollup import ForecastOptionError, converted_lines  # noqa: E402
from salesfunnel.frames import (  # noqa: E402
    FrameValueError,
    MissingColumnError,
    to_pandas,
    to_polars,
    weighted_value_frame,
)
from salesfunnel.pipeline.weighted import weighted_value  # noqa: E402
from tests.strategies import frame_pipelines, frame_rates, plain  # noqa: E402

BACKENDS = {"pandas": to_pandas, "polars": to_polars}
ON = date(2026, 6, 30)


def rows(result: object) -> list[dict[str, object]]:
    frame = nw.from_native(result)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    return frame.rows(named=True)


def one_currency(deals):
    """The deals of the first deal's currency."""
    return [d for d in deals if d.currency == deals[0].currency]


def to_cny(opportunity) -> Decimal:
    lines = converted_lines(opportunity, "CNY", frame_rates, ON, {})
    return sum((a for _, a in lines), Decimal(0))


class TestWeightedValueFrame:
    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    @given(deals=frame_pipelines)
    @settings(max_examples=settings.default.max_examples * 3 // 5)
    def test_total_equals_the_core(self, backend, deals):
        """The total weighted value, amount and count equal the core's on the same deals."""
        deals = one_currency(deals)
        (total,) = rows(weighted_value_frame(BACKENDS[backend](deals)))
        assert total["weighted"] == weighted_value(deals)
        assert total["amount"] == sum((d.amount for d in deals), Decimal(0))
        assert total["count"] == len(deals)

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    @given(deals=frame_pipelines, by=st.sampled_from(["owner", "stage", "owner,stage", "account"]))
    @settings(max_examples=settings.default.max_examples * 2 // 5)
    def test_groups_equal_the_core(self, backend, deals, by):
        """Each group's weighted value is the core's weighted value of the group's deals."""
        deals = one_currency(deals)
        keys = by.split(",")
        got = {
            tuple(r[k] for k in keys): r["weighted"]
            for r in rows(weighted_value_frame(BACKENDS[backend](deals), by=by))
        }
        groups = {tuple(getattr(d, k) for k in keys) for d in deals}
        want = {
            g: weighted_value([d for d in deals if tuple(getattr(d, k) for k in keys) == g])
            for g in groups
        }
        assert got == want
        assert list(got) == sorted(got)

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    @given(deals=frame_pipelines)
    @settings(max_examples=settings.default.max_examples * 2 // 5)
    def test_converted_equals_the_core(self, backend, deals):
        """Converted line by line at the rates of on=, the total equals the core's with convert=."""
        df = BACKENDS[backend](deals)
        (total,) = rows(weighted_value_frame(df, currency="CNY", rates=frame_rates, on=ON))
        assert total["weighted"] == weighted_value(deals, convert=to_cny)
        assert total["amount"] == sum((to_cny(d) for d in deals), Decimal(0))

    def test_by_product(self):
        """By product, each line counts at its deal's probability; the amounts add up."""
        deals = one_currency(plain(sample_pipeline()))
        result = rows(weighted_value_frame(to_polars(deals), by="product"))
        lines = [(li.product, li.amount, d) for d in deals for li in d.line_items]
        for row in result:
            mine = [(a, d) for p, a, d in lines if p == row["product"]]
            assert row["amount"] == sum((a for a, _ in mine), Decimal(0))
            assert row["weighted"] == sum(
                (a * weighted_value([d]) / d.amount for a, d in mine if d.amount), Decimal(0)
            )
        assert sum(r["amount"] for r in result) == sum(d.amount for d in deals)

    def test_product_and_owner_by_product_converted(self):
        """Grouping by owner and product with conversion adds up to the converted total."""
        deals = plain(sample_pipeline())
        df = to_pandas(deals)
        groups = rows(
            weighted_value_frame(
                df, by=["owner", "product"], currency="CNY", rates=frame_rates, on=ON
            )
        )
        assert sum(r["amount"] for r in groups) == sum(to_cny(d) for d in deals)

    def test_without_a_probability_column(self):
        """Without a probability column every deal weighs at its stage's probability."""
        deals = [d.evolve(probability=None) for d in one_currency(plain(sample_pipeline()))]
        df = to_pandas(deals).drop(columns=["probability"])
        (total,) = rows(weighted_value_frame(df))
        assert total["weighted"] == weighted_value(deals)

    def test_empty_frame(self):
        """An empty frame weighs nothing."""
        (total,) = rows(weighted_value_frame(to_polars([])))
        assert (total["count"], total["weighted"]) == (0, 0)

    def test_mixed_currencies(self):
        """Several currencies without a conversion is a CurrencyError."""
        with pytest.raises(CurrencyError, match="pass currency="):
            weighted_value_frame(to_pandas(plain(sample_pipeline())))

    def test_rates_need_currency_and_on(self):
        """rates= without currency= and on= is refused."""
        with pytest.raises(ForecastOptionError, match="give all three"):
            weighted_value_frame(to_pandas([]), rates=frame_rates, currency="CNY")

    def test_bad_by(self):
        """A by that is not a column (nor product), or repeats one, is refused."""
        df = to_pandas(plain(sample_pipeline()[:3]))
        with pytest.raises(ForecastOptionError, match="'region' is not a column"):
            weighted_value_frame(df, by="region")
        with pytest.raises(ForecastOptionError, match="repeats"):
            weighted_value_frame(df, by=["owner", "owner"])

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    @pytest.mark.parametrize("by", ["amount", "count", "weighted", "owner,amount"])
    def test_by_a_figure(self, backend, by):
        """A by naming a column of the result's figures is a typed error that names the fix."""
        df = BACKENDS[backend](plain(sample_pipeline()[:3]))
        df = nw.to_native(nw.from_native(df).with_columns(nw.col("amount").alias("count")))
        with pytest.raises(ForecastOptionError, match="copy it under another name") as caught:
            weighted_value_frame(df, by=by)
        assert caught.value.option == "by"

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    def test_by_a_working_name(self, backend):
        """A by column named like the function's working columns (``_p``) is refused, not mixed up."""
        df = BACKENDS[backend](plain(sample_pipeline()[:3]))
        df = nw.to_native(nw.from_native(df).with_columns(nw.col("owner").alias("_p")))
        with pytest.raises(ForecastOptionError, match="rename it"):
            weighted_value_frame(df, by="_p")

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    def test_by_products_and_product(self, backend):
        """The products text beside the product split out of it is refused with the fix."""
        df = BACKENDS[backend](plain(sample_pipeline()[:3]))
        with pytest.raises(ForecastOptionError, match="group by 'product' alone"):
            weighted_value_frame(df, by="products,product")

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    def test_by_a_copy_of_amount(self, backend):
        """Grouping by a copy of the amount gives the core's totals per amount."""
        deals = [d for d in plain(sample_pipeline()) if d.currency == "EUR"]
        df = BACKENDS[backend](deals)
        df = nw.to_native(nw.from_native(df).with_columns(nw.col("amount").alias("size")))
        got = {
            r["size"]: (r["count"], r["weighted"])
            for r in rows(weighted_value_frame(df, by="size"))
        }
        sizes = sorted({d.amount for d in deals})
        want = {
            s: (
                sum(1 for d in deals if d.amount == s),
                weighted_value([d for d in deals if d.amount == s]),
            )
            for s in sizes
        }
        assert got == want

    def test_missing_column(self):
        """A frame without stage, amount or currency is refused."""
        df = to_pandas(plain(sample_pipeline()[:3])).drop(columns=["currency"])
        with pytest.raises(MissingColumnError, match="'currency'"):
            weighted_value_frame(df)

    def test_bad_values(self):
        """Unknown stages and missing amounts are refused."""
        df = to_polars(one_currency(plain(sample_pipeline()))[:3])
        with pytest.raises(UnknownStageError):
            weighted_value_frame(df.with_columns(pl.lit("won").alias("stage")))
        with pytest.raises(FrameValueError, match="'amount' has 3 missing"):
            weighted_value_frame(df.with_columns(pl.lit(None, pl.Decimal(38, 0)).alias("amount")))
