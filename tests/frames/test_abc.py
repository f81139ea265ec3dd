"""Tests for salesfunnel.frames.abc: ABC analysis of pandas and polars frames."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
nw = pytest.importorskip("narwhals.stable.v2")

from salesfunnel.customers.abc_classes import (  # noqa: E402
    InvalidCustomerValueError,
    InvalidThresholdsError,
    abc_classify,
    computed_abc,
)
from salesfunnel.datasets import sample_pipeline  # noqa: E402
from salesfunnel.errors import OptionError  # noqa: E402
from salesfunnel.frames import (  # noqa: E402
    ColumnTypeError,
    FrameValueError,
    MissingColumnError,
    abc_frame,
    to_pandas,
    to_polars,
)
from tests.strategies import (  # noqa: E402
    abc_thresholds,
    decimal_figures,
    float_figures,
    int_figures,
    plain,
)

FIELDS = ("key", "value", "rank", "abc_class", "share", "cumulative_share")
OPTIONS = st.fixed_dictionaries(
    {
        "thresholds": st.one_of(st.none(), abc_thresholds),
        "basis": st.sampled_from(["value", "count"]),
        "boundary": st.sampled_from(["before", "inclusive"]),
        "keep_ties": st.booleans(),
    }
)


def pandas_of(figures):
    values = list(figures.values())
    dtype = object if all(isinstance(v, Decimal) for v in values) else None
    return pd.DataFrame(
        {"account": pd.Series(list(figures), dtype="str"), "amount": pd.Series(values, dtype=dtype)}
    )


def polars_of(figures):
    values = list(figures.values())
    if values and all(isinstance(v, Decimal) for v in values):
        places = max(-min(int(v.as_tuple().exponent), 0) for v in values)
        column = pl.Series("amount", values, dtype=pl.Decimal(38, places))
    else:
        column = pl.Series("amount", values)
    return pl.DataFrame([pl.Series("account", list(figures), dtype=pl.String), column])


BACKENDS = {"pandas": pandas_of, "polars": polars_of}


def rows(result: object) -> list[tuple[object, ...]]:
    return [tuple(r) for r in nw.from_native(result).iter_rows()]


def core_rows(result) -> list[tuple[object, ...]]:
    return [tuple(getattr(r, f) for f in FIELDS) for r in result]


class TestAbcNames:
    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    def test_key_is_value(self, backend):
        """One column as both key and figure is a typed error, not the engine's duplicate."""
        df = BACKENDS[backend]({"a": 1, "b": 2})
        with pytest.raises(OptionError, match="both 'amount'") as caught:
            abc_frame(df, key="amount", value="amount")
        assert caught.value.option == "value"

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    @pytest.mark.parametrize("name", ["rank", "abc_class", "share", "cumulative_share"])
    def test_named_like_the_result(self, backend, name):
        """A key or figure named like a result column is refused, not overwritten."""
        df = nw.from_native(BACKENDS[backend]({"a": 1, "b": 2}))
        df = nw.to_native(df.with_columns(nw.col("account").alias(name)))
        with pytest.raises(OptionError, match=f"key '{name}' is a column of the result"):
            abc_frame(df, key=name, value="amount")
        renamed = nw.to_native(nw.from_native(df).with_columns(nw.col("amount").alias(name)))
        with pytest.raises(OptionError, match=f"value '{name}'"):
            abc_frame(renamed, key="account", value=name)


class TestAbcFrame:
    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    @given(figures=st.one_of(decimal_figures, int_figures, float_figures), options=OPTIONS)
    @settings(max_examples=settings.default.max_examples * 4 // 5)
    def test_fixed_equals_the_core(self, backend, figures, options):
        """Classes, ranks and shares equal abc_classify's on the same figures."""
        result = abc_frame(BACKENDS[backend](figures), **options)
        assert rows(result) == core_rows(abc_classify(figures, **options))

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    @given(figures=st.one_of(decimal_figures, int_figures), keep_ties=st.booleans())
    @settings(max_examples=settings.default.max_examples * 3 // 5)
    def test_computed_equals_the_core(self, backend, figures, keep_ties):
        """The computed method equals computed_abc."""
        result = abc_frame(BACKENDS[backend](figures), method="computed", keep_ties=keep_ties)
        assert rows(result) == core_rows(computed_abc(figures, keep_ties=keep_ties))

    @pytest.mark.parametrize("backend", ["pandas", "polars"])
    def test_sums_deal_rows_per_customer(self, backend):
        """With one row per deal, the figure is each account's sum, as the core is given it."""
        deals = [d for d in plain(sample_pipeline()) if d.currency == "CNY"]
        df = (to_pandas if backend == "pandas" else to_polars)(deals)
        sums: dict[str, Decimal] = {}
        for d in deals:
            sums[d.account] = sums.get(d.account, Decimal(0)) + d.amount
        result = abc_frame(df, key="account", value="amount", thresholds=("0.7", "0.9"))
        assert rows(result) == core_rows(abc_classify(sums, thresholds=("0.7", "0.9")))

    def test_columns(self):
        """The columns are the key, the figure, rank, class and the two shares."""
        result = abc_frame(pandas_of({"a": Decimal(3), "b": Decimal(1)}))
        assert list(result.columns) == [
            "account",
            "amount",
            "rank",
            "abc_class",
            "share",
            "cumulative_share",
        ]
        assert list(result["share"]) == [Decimal("0.75"), Decimal("0.25")]

    def test_other_key_and_value(self):
        """Any key and figure column can be used (volumes per owner)."""
        df = pl.DataFrame({"owner": ["a", "b", "a"], "units": [5, 1, 5]})
        result = abc_frame(df, key="owner", value="units", thresholds=(0.5,))
        assert rows(result) == [
            ("a", 10, 1, "A", Decimal("0.9090909091"), Decimal("0.9090909091")),
            ("b", 1, 2, "B", Decimal("0.0909090909"), Decimal("1.0000000000")),
        ]

    def test_polars_lazy_gives_eager(self):
        """A lazy frame is computed: the ranking is global."""
        result = abc_frame(polars_of({"a": Decimal(3), "b": Decimal(1)}).lazy())
        assert isinstance(result, pl.DataFrame)

    def test_empty(self):
        """An empty frame gives an empty result."""
        assert len(abc_frame(pandas_of({}))) == 0

    def test_missing_column(self):
        """A key or figure column the frame lacks is refused."""
        with pytest.raises(MissingColumnError, match="'revenue'"):
            abc_frame(pandas_of({"a": 1}), value="revenue")

    def test_text_figures(self):
        """A figure column of text is refused."""
        df = pl.DataFrame({"account": ["a"], "amount": ["1"]})
        with pytest.raises(ColumnTypeError, match="must be numbers"):
            abc_frame(df)

    def test_missing_values(self):
        """A missing key or figure is refused."""
        with pytest.raises(FrameValueError, match="'amount' has 1 missing"):
            abc_frame(pl.DataFrame({"account": ["a", "b"], "amount": [1, None]}))
        with pytest.raises(FrameValueError, match="'account' has 1 missing"):
            abc_frame(pl.DataFrame({"account": ["a", None], "amount": [1, 2]}))

    def test_core_errors(self):
        """Negative sums and bad thresholds raise the core's errors."""
        with pytest.raises(InvalidCustomerValueError):
            abc_frame(pl.DataFrame({"account": ["a"], "amount": [-1]}))
        with pytest.raises(InvalidThresholdsError):
            abc_frame(pandas_of({"a": 1}), thresholds=(0.9, 0.8))
