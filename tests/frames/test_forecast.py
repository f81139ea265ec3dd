"""Tests for salesfunnel.frames.forecast: the forecast computed on pandas and polars frames."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
nw = pytest.importorskip("narwhals.stable.v2")

from salesfunnel import UnknownStageError  # noqa: E402
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline  # noqa: E402
from salesfunnel.errors import CurrencyError  # noqa: E402
from salesfunnel.forecasting.categories import InvalidCategoryError  # noqa: E402
from salesfunnel.forecasting.rollup import ForecastOptionError, forecast  # noqa: E402
from salesfunnel.frames import (  # noqa: E402
    ColumnTypeError,
    FrameTypeError,
    FrameValueError,
    MissingColumnError,
    forecast_frame,
    to_pandas,
    to_polars,
)
from salesfunnel.fx import ExchangeRates, MissingRateError  # noqa: E402
from tests import factories  # noqa: E402
from tests.strategies import calendars, cutoffs, frame_pipelines, frame_rates, plain  # noqa: E402

BACKENDS = {"pandas": to_pandas, "polars": to_polars}
GROUPINGS = st.sampled_from(["", "owner", "product", "owner,product", "product,owner"])


def cells(result: object) -> dict[tuple[object, ...], tuple[int, Decimal, Decimal]]:
    """A frame forecast as {(group..., bucket, category): (count, amount, weighted)}."""
    frame = nw.from_native(result)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    out = {}
    for row in frame.rows(named=True):
        key = tuple(v for k, v in row.items() if k not in {"count", "amount", "weighted"})
        out[key] = (row["count"], row["amount"], row["weighted"])
    return out


def core_cells(result) -> dict[tuple[object, ...], tuple[int, Decimal, Decimal]]:
    """The core forecast in the same shape."""
    rows = result.rows if result.by else [result.total]
    return {
        (*row.group, bucket.value, category.value): (f.count, f.amount, f.weighted)
        for row in rows
        for (bucket, category), f in row.cells.items()
    }


deal = factories.deal_maker(amount=None, line_items={"ERP": "100000", "CRM": "50000.50"})


class TestForecastFrame:
    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    @given(deals=frame_pipelines, cutoff=cutoffs, calendar=calendars, by=GROUPINGS)
    @settings(max_examples=settings.default.max_examples // 2)
    def test_equals_the_core(self, backend, deals, cutoff, calendar, by):
        """On any pipeline, cutoff, calendar and grouping the frame forecast equals the core's."""
        df = BACKENDS[backend](deals)
        options = {"cutoff": cutoff, "calendar": calendar, "by": by, "currency": "CNY"}
        options["rates"] = frame_rates
        assert cells(forecast_frame(df, **options)) == core_cells(forecast(deals, **options))

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    @given(deals=frame_pipelines, cutoff=cutoffs, target=st.sampled_from(["USD", "EUR"]))
    @settings(max_examples=settings.default.max_examples * 3 // 10)
    def test_converted_like_the_core(self, backend, deals, cutoff, target):
        """Conversion (each line at its date's rate, rounded to cents) equals the core's."""
        df = BACKENDS[backend](deals)
        options = {"cutoff": cutoff, "by": "owner", "currency": target, "rates": frame_rates}
        assert cells(forecast_frame(df, **options)) == core_cells(forecast(deals, **options))

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    def test_sample_with_histories_after_the_as_of_date(self, backend):
        """At the data's as-of date the frame of the current state equals the core on the full histories."""
        deals = sample_pipeline()
        df = BACKENDS[backend](deals, drop_history=True)
        options = {"cutoff": SAMPLE_AS_OF, "by": "owner,product", "currency": "CNY"}
        options["rates"] = frame_rates
        assert cells(forecast_frame(df, **options)) == core_cells(forecast(deals, **options))

    def test_pyarrow_decimal_money(self):
        """A pandas frame with pyarrow decimal money gives the figures of Decimal objects."""
        pa = pytest.importorskip("pyarrow")
        df = to_pandas(plain(sample_pipeline()))
        decimals = df.astype(
            {
                "amount": pd.ArrowDtype(pa.decimal128(20, 2)),
                "probability": pd.ArrowDtype(pa.decimal128(5, 3)),
            }
        )
        for by in ("owner", "owner,product"):
            options = {"cutoff": SAMPLE_AS_OF, "by": by, "currency": "CNY", "rates": frame_rates}
            assert cells(forecast_frame(decimals, **options)) == cells(
                forecast_frame(df, **options)
            )
        usd = decimals[decimals["currency"] == "USD"]
        assert cells(forecast_frame(usd, cutoff=SAMPLE_AS_OF)) == cells(
            forecast_frame(df[df["currency"] == "USD"], cutoff=SAMPLE_AS_OF)
        )

    def test_shape_and_order(self):
        """Columns are by, bucket, category and the figures; rows sorted by group, bucket, category."""
        deals = [deal(), deal(id="D2", owner="Bo", expected_close=date(2027, 3, 1))]
        deals.append(deal(id="D3", stage="closed", closed_on=date(2026, 8, 1)))
        result = forecast_frame(to_pandas(deals), cutoff=date(2026, 8, 31), by="owner")
        assert list(result.columns) == [
            "owner",
            "bucket",
            "category",
            "count",
            "amount",
            "weighted",
        ]
        assert [
            tuple(r) for r in result[["owner", "bucket", "category"]].itertuples(index=False)
        ] == [
            ("Ann", "closed", "booked"),
            ("Ann", "0-3m", "commit"),
            ("Bo", "6-9m", "pipeline"),
        ]
        assert list(result.index) == [0, 1, 2]

    def test_not_yet_created_rows_are_left_out(self):
        """A row created after the cutoff is not in the forecast, as in the core."""
        df = to_pandas([deal(), deal(id="D2", created=date(2026, 9, 1))])
        result = forecast_frame(df, cutoff=date(2026, 8, 31))
        assert list(result["count"]) == [1]

    def test_empty_frame(self):
        """An empty frame gives an empty forecast with the same columns."""
        result = forecast_frame(to_polars([]), cutoff=date(2026, 8, 31), by="owner")
        assert result.columns == ["owner", "bucket", "category", "count", "amount", "weighted"]
        assert result.height == 0

    def test_polars_lazy_in_lazy_out(self):
        """A polars LazyFrame gives a LazyFrame."""
        df = to_polars([deal()]).lazy()
        result = forecast_frame(df, cutoff=date(2026, 8, 31), by="product")
        assert isinstance(result, pl.LazyFrame)
        assert result.collect()["product"].to_list() == ["CRM", "ERP"]

    def test_narwhals_frames_are_accepted(self):
        """A narwhals frame is used as it is."""
        df = nw.from_native(to_pandas([deal()]))
        assert len(forecast_frame(df, cutoff=date(2026, 8, 31))) == 1

    def test_optional_columns(self):
        """Without probability, category_override, closed_on, products and id it still works."""
        df = to_pandas([deal()])[["stage", "created", "expected_close", "amount", "currency"]]
        result = forecast_frame(df, cutoff=date(2026, 8, 31))
        assert list(result["weighted"]) == [Decimal("120000.400")]

    def test_overrides_like_the_core(self):
        """A manual category (a value, a member name or Best Case) wins for an open deal."""
        deals = [
            deal(category_override="Best Case"),
            deal(id="D2", category_override="Best Case", expected_close=date(2026, 11, 1)),
            deal(id="D3", category_override="PIPELINE"),
            deal(id="D4", category_override="upside-this-quarter"),
            deal(id="D5", stage="lost", closed_on=date(2026, 8, 1), category_override="nonsense"),
        ]
        for backend in BACKENDS.values():
            df = backend(deals)
            options = {"cutoff": date(2026, 8, 31), "by": "owner"}
            assert cells(forecast_frame(df, **options)) == core_cells(forecast(deals, **options))

    @pytest.mark.parametrize(
        ("override", "message"),
        [("nonsense", "'nonsense' is not a forecast category"), ("Closed", "books a deal")],
    )
    def test_bad_override(self, override, message):
        """An override that names no category, or books an open deal, is refused like the core does."""
        deals = [deal(), deal(id="D2", category_override=override)]
        with pytest.raises(InvalidCategoryError, match=message) as core:
            forecast(deals, cutoff=date(2026, 8, 31))
        with pytest.raises(InvalidCategoryError) as ours:
            forecast_frame(to_pandas(deals), cutoff=date(2026, 8, 31))
        assert str(ours.value) == str(core.value)
        assert ours.value.opportunity_id == "D2"
        without_id = to_polars(deals).drop("id")
        with pytest.raises(InvalidCategoryError, match=r"^category_override"):
            forecast_frame(without_id, cutoff=date(2026, 8, 31))

    def test_mixed_currencies(self):
        """Several currencies without currency= is a CurrencyError, as in the core."""
        df = to_pandas([deal(), deal(id="D2", currency="USD")])
        with pytest.raises(CurrencyError, match="CNY, USD"):
            forecast_frame(df, cutoff=date(2026, 8, 31))

    def test_missing_rate(self):
        """A currency without a rate on a date it is needed is a MissingRateError."""
        df = to_pandas([deal(), deal(id="D2", currency="USD")])
        with pytest.raises(MissingRateError, match="USD->CNY"):
            forecast_frame(df, cutoff=date(2026, 8, 31), currency="CNY", rates=ExchangeRates())

    def test_bad_by(self):
        """An unknown grouping is a ForecastOptionError."""
        with pytest.raises(ForecastOptionError, match="'stage' is not a grouping"):
            forecast_frame(to_pandas([deal()]), cutoff=date(2026, 8, 31), by="stage")

    def test_missing_column(self):
        """A column the forecast needs is a MissingColumnError naming it."""
        df = to_pandas([deal()]).drop(columns=["owner"])
        with pytest.raises(MissingColumnError, match="no column 'owner'") as info:
            forecast_frame(df, cutoff=date(2026, 8, 31), by="owner")
        assert isinstance(info.value, KeyError)
        assert info.value.column == "owner"

    def test_float_money(self):
        """Float amounts are read through their shortest repr; allow_float=False refuses them."""
        exact = to_pandas([deal(line_items=None, amount="0.1")])
        df = exact.astype({"amount": float})
        assert cells(forecast_frame(df, cutoff=date(2026, 8, 31))) == cells(
            forecast_frame(exact, cutoff=date(2026, 8, 31))
        )
        with pytest.raises(ColumnTypeError, match="allow_float=False refuses floats") as info:
            forecast_frame(df, cutoff=date(2026, 8, 31), allow_float=False)
        assert info.value.column == "amount"

    def test_text_money(self):
        """Text amounts are read exactly."""
        df = to_polars([deal()]).with_columns(pl.col("amount").cast(pl.String))
        result = forecast_frame(df, cutoff=date(2026, 8, 31))
        assert result["amount"].to_list() == [Decimal("150000.50")]

    def test_float_probability(self):
        """A float probability column is read through each float's shortest repr."""
        df = to_pandas([deal(probability="0.3")])
        floats = df.astype({"probability": float})
        assert cells(forecast_frame(floats, cutoff=date(2026, 8, 31))) == cells(
            forecast_frame(df, cutoff=date(2026, 8, 31))
        )

    def test_all_null_probability(self):
        """A polars probability column of nulls only is no override at all."""
        df = to_polars([deal()]).with_columns(pl.lit(None).alias("probability"))
        result = forecast_frame(df, cutoff=date(2026, 8, 31))
        assert result["weighted"].to_list() == [Decimal("120000.40")]

    def test_datetime_and_text_dates(self):
        """Naive datetimes give their date; ISO text is read; the figures are those of dates."""
        df = to_pandas([deal()])
        expected = cells(forecast_frame(df, cutoff=date(2026, 8, 31)))
        df["expected_close"] = pd.Series([datetime(2026, 9, 15, 17, 30)])
        assert cells(forecast_frame(df, cutoff=date(2026, 8, 31))) == expected
        df["expected_close"] = "2026-09-15"
        assert cells(forecast_frame(df, cutoff=date(2026, 8, 31))) == expected

    def test_aware_datetimes_need_tz(self):
        """An aware datetime column is refused without tz, naming the row and the fix."""
        df = to_pandas([deal()])
        df["expected_close"] = pd.Series([datetime(2026, 9, 14, 20, 0)]).dt.tz_localize("UTC")
        with pytest.raises(FrameValueError, match=r"'expected_close', row 0 \(opportunity 'D1'\)"):
            forecast_frame(df, cutoff=date(2026, 8, 31))
        late = forecast_frame(df, cutoff=date(2026, 9, 14), tz="Asia/Shanghai")
        assert late["bucket"].to_list() == ["0-3m"]
        early = forecast_frame(df, cutoff=date(2026, 9, 14), tz="UTC")
        assert early["bucket"].to_list() == ["overdue"]

    @pytest.mark.parametrize("column", ["created", "expected_close", "amount", "currency"])
    def test_missing_values(self, column):
        """A null where every row needs a value is a FrameValueError naming the column."""
        df = to_pandas([deal(), deal(id="D2")])
        df.loc[1, column] = None
        with pytest.raises(FrameValueError, match=f"'{column}' has") as info:
            forecast_frame(df, cutoff=date(2026, 8, 31))
        assert info.value.column == column

    def test_negative_amount(self):
        """A negative amount is refused."""
        df = to_polars([deal()]).with_columns(pl.lit(Decimal(-1)).alias("amount"))
        with pytest.raises(FrameValueError, match="negative"):
            forecast_frame(df, cutoff=date(2026, 8, 31))

    def test_unknown_and_missing_stage(self):
        """A stage the funnel does not have is an UnknownStageError; a null stage a FrameValueError."""
        df = to_pandas([deal(), deal(id="D2")])
        df.loc[1, "stage"] = "nowhere"
        with pytest.raises(UnknownStageError, match="nowhere"):
            forecast_frame(df, cutoff=date(2026, 8, 31))
        df.loc[1, "stage"] = None
        with pytest.raises(FrameValueError, match="'stage' has missing values"):
            forecast_frame(df, cutoff=date(2026, 8, 31))

    @pytest.mark.parametrize(
        ("products", "message"),
        [
            ("ERP=1;;CRM=2", "has an empty entry"),
            ("ERP=1;CRM=2", "add up to 3"),
            (7, "is not text"),
        ],
    )
    def test_bad_products(self, products, message):
        """Products that cannot be read, or do not add up to the amount, are refused by product."""
        df = to_pandas([deal()])
        df["products"] = pd.Series([products], dtype=object)
        with pytest.raises(FrameValueError, match=message) as info:
            forecast_frame(df, cutoff=date(2026, 8, 31), by="product")
        assert "opportunity 'D1'" in str(info.value)

    def test_escaped_and_bare_products(self):
        """Escaped product names and one product named without an amount are read as in CSV."""
        deals = [
            deal(line_items={"A;B": "5", "C=D": "7"}),
            deal(id="D2", line_items=None, amount=9),
            deal(id="D3", line_items={"X": "0.5", "Y": "2.0"}),
            deal(id="D4", line_items=None, amount=3),
        ]
        df = to_pandas(deals)
        df.loc[1, "products"] = "Solo"
        df.loc[2, "products"] = "X=.5;Y=2."
        options = {"cutoff": date(2026, 8, 31), "by": "product"}
        deals[1] = deal(id="D2", line_items=None, amount=9, product="Solo")
        assert cells(forecast_frame(df, **options)) == core_cells(forecast(deals, **options))

    def test_not_a_frame(self):
        """Something that is not a frame is a FrameTypeError."""
        with pytest.raises(FrameTypeError, match="expected a DataFrame"):
            forecast_frame([deal()], cutoff=date(2026, 8, 31))

    def test_cutoff_must_be_a_date(self):
        """A datetime cutoff is refused, as everywhere."""
        with pytest.raises(TypeError, match="cutoff"):
            forecast_frame(to_pandas([deal()]), cutoff=datetime(2026, 8, 31))  # type: ignore[arg-type]


def test_plain_is_the_current_state():
    """The strategies' plain() keeps each deal's current state and drops its history."""
    (one,) = plain(sample_pipeline()[:1])
    assert len(one.history) == 1
