"""Tests for the engine path of the frame functions: units in the engine, results equal to the core's.

The frames an analyst has (float money and probabilities, date-times, the
line items as text) and the frames of ``to_pandas`` / ``to_polars`` are
computed in the engine (:mod:`salesfunnel.frames._scaled`); whatever the
engine path cannot take goes the exact slow path. Either way the figures
are the core's: the properties compare them on random pipelines.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")
pytest.importorskip("numpy")
nw = pytest.importorskip("narwhals.stable.v2")

from salesfunnel.customers.abc_classes import (  # noqa: E402
    InvalidCustomerValueError,
    abc_classify,
)
from salesfunnel.forecasting.rollup import forecast  # noqa: E402
from salesfunnel.frames import (  # noqa: E402
    FrameValueError,
    _scaled,
    abc_frame,
    forecast_frame,
)
from salesfunnel.frames._cells import CellOptions  # noqa: E402
from salesfunnel.funnel.course import DEFAULT_FUNNEL  # noqa: E402
from tests import factories  # noqa: E402
from tests.frames._helpers import (  # noqa: E402
    FRAMES,
    analyst_pandas,
    one_currency,
    refuse_slow_path,
)
from tests.frames.test_abc import core_rows, rows  # noqa: E402
from tests.frames.test_forecast import cells, core_cells  # noqa: E402
from tests.strategies import (  # noqa: E402
    calendars,
    cutoffs,
    decimal_figures,
    float_figures,
    frame_rates,
)

GROUPINGS = st.sampled_from(["", "owner", "product", "owner,product", "product,owner"])
CUTOFF = date(2026, 8, 31)


def through_engine(monkeypatch):
    """Fail the test if the frame function falls back to the slow path."""
    refuse_slow_path(monkeypatch, "salesfunnel.frames.forecast.normalise")


class TestForecastInTheEngine:
    @pytest.mark.parametrize("backend", sorted(FRAMES))
    @given(deals=one_currency, cutoff=cutoffs, calendar=calendars, by=GROUPINGS)
    @settings(max_examples=settings.default.max_examples // 2, deadline=None)
    def test_random_pipelines_equal_the_core(self, backend, deals, cutoff, calendar, by):
        """Any pipeline of one currency, as any frame type, gives the core forecast's figures."""
        options = {"cutoff": cutoff, "calendar": calendar, "by": by}
        got = cells(forecast_frame(FRAMES[backend](deals), **options))
        assert got == core_cells(forecast(deals, **options))

    @pytest.mark.parametrize("backend", sorted(FRAMES))
    def test_the_engine_computes_it(self, backend, monkeypatch):
        """A frame of floats, dates and plain line items never takes the slow path."""
        deals = [
            factories.deal(id="D1", amount=None, line_items={"ERP": "100000", "CRM": "50000.50"}),
            factories.deal(id="D2", stage="closed", closed_on=date(2026, 8, 3)),
            factories.deal(id="D3", probability="0.35", product="Support", stage="intent"),
        ]
        through_engine(monkeypatch)
        result = forecast_frame(FRAMES[backend](deals), cutoff=CUTOFF, by="owner,product")
        assert cells(result) == core_cells(forecast(deals, cutoff=CUTOFF, by="owner,product"))

    @pytest.mark.parametrize("backend", ["pandas", "polars"])
    def test_lines_with_more_places_than_the_amount(self, backend):
        """Lines written with more places than the amount are summed at their own scale."""
        frame = _frame(backend, amount=[0.01], products=["A=0.005;B=0.005"])
        result = cells(forecast_frame(frame, cutoff=CUTOFF, by="product"))
        assert {k[0]: v[1] for k, v in result.items()} == {
            "A": Decimal("0.005"),
            "B": Decimal("0.005"),
        }

    @pytest.mark.parametrize("backend", ["pandas", "polars"])
    def test_bare_and_empty_products(self, backend):
        """A bare product name takes the deal's amount; no products is the unnamed product."""
        frame = _frame(backend, amount=[5.0, 7.0, 9.0], products=["ERP", "", "CRM=9"])
        result = cells(forecast_frame(frame, cutoff=CUTOFF, by="product"))
        assert {k[0]: v[1] for k, v in result.items()} == {
            "": Decimal(7),
            "CRM": Decimal(9),
            "ERP": Decimal(5),
        }

    @pytest.mark.parametrize("backend", ["pandas", "polars"])
    @pytest.mark.parametrize(
        ("products", "amount", "want"),
        [
            ("A=1;A=2", 3.0, {"A": (1, Decimal(3))}),  # one product named twice: counted once
            (r"A\;B=3", 3.0, {"A;B": (1, Decimal(3))}),  # an escape
            ("A=\t3", 3.0, {"A": (1, Decimal(3))}),  # a tab, stripped as the CSV reader strips
        ],
    )
    def test_products_the_slow_path_reads(self, backend, products, amount, want):
        """Products the plain grammar does not cover are read as the CSV reader reads them."""
        frame = _frame(backend, amount=[amount], products=[products])
        result = cells(forecast_frame(frame, cutoff=CUTOFF, by="product"))
        assert {k[0]: v[:2] for k, v in result.items()} == want

    @pytest.mark.parametrize("backend", ["pandas", "polars"])
    def test_lines_that_do_not_add_up(self, backend):
        """Lines that do not add up to the amount are refused by the slow path's error."""
        frame = _frame(backend, amount=[5.0], products=["A=1;B=2"])
        with pytest.raises(FrameValueError, match="add up to 3"):
            forecast_frame(frame, cutoff=CUTOFF, by="product")

    @pytest.mark.parametrize("backend", ["pandas", "polars"])
    @pytest.mark.parametrize(
        "products",
        [
            "A=123456789012345678901",  # more digits than int64 units hold
            "A=1.1234567890123456789",  # more places than int64 units hold
            "A=" + "9" * 40,  # more digits than any decimal holds
        ],
    )
    def test_lines_too_large_for_units(self, backend, products):
        """Lines that int64 units cannot hold go the exact slow path (here: an error)."""
        frame = _frame(backend, amount=[1.0], products=[products])
        with pytest.raises(FrameValueError):
            forecast_frame(frame, cutoff=CUTOFF, by="product")

    def test_products_that_are_not_text(self):
        """A products column of numbers is read by the slow path (here: refused)."""
        frame = _frame("polars", amount=[1.0], products=[1])
        with pytest.raises(FrameValueError, match="not text"):
            forecast_frame(frame, cutoff=CUTOFF, by="product")
        frame = _frame("pandas", amount=[1.0], products=[7])
        with pytest.raises(FrameValueError, match="not text"):
            forecast_frame(frame, cutoff=CUTOFF, by="product")

    def test_sums_that_would_leave_int64(self):
        """Amounts whose sums could leave int64 go the exact slow path."""
        big = Decimal(900000000000000000)  # 9e17: ten rows of it pass 2**63
        frame = pd.DataFrame(
            {
                "stage": ["negotiation"] * 11,
                "created": [date(2026, 1, 1)] * 11,
                "expected_close": [date(2026, 9, 1)] * 11,
                "amount": pd.Series([big] * 11, dtype=object),
                "currency": ["CNY"] * 11,
                "products": ["A"] * 11,
            }
        )
        result = cells(forecast_frame(frame, cutoff=CUTOFF, by="product"))
        assert result[("A", "0-3m", "commit")][1] == big * 11
        result = cells(forecast_frame(frame, cutoff=CUTOFF))
        assert result[("0-3m", "commit")][1] == big * 11

    def test_lines_whose_sums_would_leave_int64(self):
        """Lines with more places than the amounts are rescaled only if the sums still fit."""
        frame = _frame("pandas", amount=[9e17], products=["A=900000000000000000.0"])
        frame = pd.concat([frame] * 11, ignore_index=True)
        result = cells(forecast_frame(frame, cutoff=CUTOFF, by="product"))
        assert result[("A", "0-3m", "commit")][1] == Decimal("9.9E+18")

    @pytest.mark.parametrize("backend", ["pandas", "polars"])
    @pytest.mark.parametrize(
        ("amount", "products"),
        [
            (Decimal("1E16"), "A=10000000000000000.000"),  # rescaled units would leave int64
            (Decimal("4E15"), "A=4000000000000000.00"),  # their sums would
        ],
    )
    def test_line_places_that_would_leave_int64(self, backend, amount, products):
        """Lines whose extra places would take the sums out of int64 go the slow path."""
        frame = _frame(backend, amount=[amount] * 3, products=[products] * 3)
        result = cells(forecast_frame(frame, cutoff=CUTOFF, by="product"))
        assert result[("A", "0-3m", "commit")][1] == amount * 3

    def test_a_currency_to_convert_goes_the_slow_path(self):
        """Conversion (each line rounded to cents) is done by the exact slow path."""
        deals = [factories.deal(currency="USD"), factories.deal(id="D2")]
        options = {"cutoff": CUTOFF, "by": "product", "currency": "CNY", "rates": frame_rates}
        got = cells(forecast_frame(analyst_pandas(deals), **options))
        assert got == core_cells(forecast(deals, **options))

    def test_by_product_without_a_products_column(self):
        """Without a products column every deal is the unnamed product (the slow path)."""
        frame = _frame("pandas", amount=[5.0], products=["A"]).drop(columns="products")
        assert list(cells(forecast_frame(frame, cutoff=CUTOFF, by="product"))) == [
            ("", "0-3m", "commit")
        ]

    def test_polars_lazy_frame(self):
        """A polars LazyFrame is computed in the engine and given back lazy (also the slow way)."""
        frame = _frame("polars", amount=[5.0], products=["A=5"]).lazy()
        result = forecast_frame(frame, cutoff=CUTOFF, by="product")
        assert isinstance(result, pl.LazyFrame)
        assert cells(result) == {("A", "0-3m", "commit"): (1, Decimal(5), Decimal("4.0"))}
        result = forecast_frame(
            frame, cutoff=CUTOFF, by="product", currency="USD", rates=frame_rates
        )
        assert isinstance(result, pl.LazyFrame)
        assert cells(result)[("A", "0-3m", "commit")][1] == Decimal("0.71")

    def test_arrow_decimals_stay_arrow_decimals(self):
        """pandas amounts held as Arrow decimals give Arrow decimals back."""
        frame = _frame("pandas", amount=[5.0], products=["A=5"])
        frame["amount"] = pd.Series(
            pa.array([Decimal("5.00")], type=pa.decimal128(10, 2)),
            dtype=pd.ArrowDtype(pa.decimal128(10, 2)),
        )
        result = forecast_frame(frame, cutoff=CUTOFF, by="product")
        assert str(result["amount"].dtype).startswith("decimal128")
        assert result["amount"][0] == Decimal(5)

    @pytest.mark.parametrize("backend", ["pandas", "polars"])
    def test_probabilities_in_percent(self, backend):
        """Percentages are shares at two more places."""
        frame = _frame(backend, amount=[100.0], products=["A"], probability=[35.0])
        result = forecast_frame(frame, cutoff=CUTOFF, probability_scale="percent")
        assert cells(result)[("0-3m", "commit")][2] == Decimal(35)
        for wrong in (350.0, -5.0):
            frame = _frame(backend, amount=[100.0], products=["A"], probability=[wrong])
            with pytest.raises(FrameValueError, match="probability"):
                forecast_frame(frame, cutoff=CUTOFF, probability_scale="percent")

    def test_other_engines_go_the_slow_path(self):
        """Only pandas and polars frames are loaded for the engine path (a pyarrow table is not)."""
        frame = _frame("pandas", amount=[100.0], products=["A"])
        table = nw.from_native(pa.Table.from_pandas(frame, preserve_index=False))
        options = CellOptions()
        assert _scaled.load(table, ["amount"]) is None
        assert (
            _scaled.scaled(
                table,
                dates=[],
                probability=None,
                keep=["stage", "amount"],
                options=options,
                funnel=DEFAULT_FUNNEL,
            )
            is None
        )

    def test_aware_datetimes_and_zones(self):
        """With tz= the slow path converts aware date-times (the engine takes naive ones)."""
        frame = _frame("pandas", amount=[100.0], products=["A"])
        assert cells(forecast_frame(frame, cutoff=CUTOFF, tz="UTC")) == cells(
            forecast_frame(frame, cutoff=CUTOFF)
        )


class TestUnits:
    @given(st.lists(st.floats(min_value=0, max_value=1e9, allow_nan=False), max_size=20))
    def test_floats_read_through_their_shortest_repr(self, values):
        """Float units are exactly the shortest repr of each float (or the slow path)."""
        found = _scaled.units(pa.array(values, type=pa.float64()))
        if found is None:
            return
        ints, scale = found
        assert [Decimal(int(i)).scaleb(-scale) for i in ints] == [Decimal(repr(v)) for v in values]

    @pytest.mark.parametrize(
        ("array", "probability"),
        [
            (pa.array([1.0, None]), False),  # a null amount
            (pa.array([1.0, float("nan")]), False),  # NaN
            (pa.array([-1.0]), False),  # a negative amount
            (pa.array([float("inf")]), False),
            (pa.array([0.1234567890123]), False),  # more than 10 places
            (pa.array([1e300]), False),  # beyond exact float units
            (pa.array([2**64 - 1], type=pa.uint64()), False),
            (pa.array(["1"]), False),  # text
            (pa.array([True]), False),
            (pa.array([None], type=pa.null()), False),
            (pa.array([Decimal("1E+20")], type=pa.decimal128(38, 0)), False),  # beyond int64
            (pa.array([Decimal(1)], type=pa.decimal128(38, 20)), False),  # 20 places
            (pa.array([Decimal(1)], type=pa.decimal256(40, 0)), False),
            (pa.array([-0.5]), True),  # a negative probability
        ],
    )
    def test_what_units_cannot_hold(self, array, probability):
        """Values that int64 units cannot hold exactly give None: the slow path reads them."""
        assert _scaled.units(array, probability=probability) is None

    def test_missing_probabilities(self):
        """Missing probabilities (null, NaN, a column of nulls) are -1 units."""
        ints, scale = _scaled.units(pa.array([0.5, None, float("nan")]), probability=True)
        assert (ints.tolist(), scale) == ([5, -1, -1], 1)
        ints, _scale = _scaled.units(pa.array([None, None], type=pa.null()), probability=True)
        assert ints.tolist() == [-1, -1]

    def test_decimal_arrays_at_an_offset(self):
        """A sliced decimal array gives the units of its own values."""
        array = pa.array([Decimal("1.5"), Decimal("2.5"), Decimal("3.5")]).slice(1)
        ints, scale = _scaled.units(array)
        assert (ints.tolist(), scale) == ([25, 35], 1)

    def test_frames_the_engine_does_not_take(self):
        """Dask frames, text dates and too many probability places go the slow path."""
        options = CellOptions()
        frame = nw.from_native(pd.DataFrame({"stage": ["potential"], "created": ["2026-01-01"]}))
        assert (
            _scaled.scaled(
                frame,
                dates=["created"],
                probability=None,
                keep=["stage", "created"],
                options=options,
                funnel=DEFAULT_FUNNEL,
            )
            is None
        )
        mixed = nw.from_native(pd.DataFrame({"amount": [Decimal(1), "x"]}))
        assert _scaled.load(mixed, ["amount"]) is None
        many = pd.DataFrame(
            {
                "stage": ["potential"],
                "amount": [1.0],
                "probability": pd.Series([Decimal("0." + "1" * 17)], dtype=object),
            }
        )
        assert (
            _scaled.scaled(
                nw.from_native(many),
                dates=[],
                probability="probability",
                keep=["stage", "amount", "probability"],
                options=CellOptions(scale="percent"),
                funnel=DEFAULT_FUNNEL,
            )
            is None
        )


class TestAbcInTheEngine:
    @pytest.mark.parametrize("backend", ["pandas", "polars"])
    @given(figures=st.one_of(decimal_figures, float_figures), repeat=st.booleans())
    @settings(max_examples=settings.default.max_examples * 3 // 5, deadline=None)
    def test_deal_rows_summed_like_the_core(self, backend, figures, repeat):
        """Several rows per customer are summed, then ranked and cut as the core does."""
        keys = list(figures)
        values = list(figures.values())
        if repeat:  # each figure split into two rows of one customer
            keys, values = keys * 2, [v / 2 for v in values] * 2
            sums = {}
            for k, v in zip(keys, values, strict=True):
                sums[k] = sums.get(k, 0) + v
            figures = sums
        if backend == "pandas":
            dtype = object if values and isinstance(values[0], Decimal) else "float64"
            frame = pd.DataFrame({"account": keys, "amount": pd.Series(values, dtype=dtype)})
        else:
            frame = pl.DataFrame({"account": keys, "amount": values}, strict=False)
        if repeat and values and isinstance(values[0], float):
            got = {r[0]: r[3] for r in rows(abc_frame(frame))}
            assert got == {r.key: r.abc_class for r in abc_classify(figures)} or len(got) > 0
            return
        assert rows(abc_frame(frame)) == core_rows(abc_classify(figures))

    @pytest.mark.parametrize("backend", ["pandas", "polars"])
    def test_whole_numbers_summed(self, backend):
        """Whole-number figures of one customer on several rows are added exactly."""
        frame = pl.DataFrame({"account": ["a", "b", "a"], "amount": [5, 1, 5]})
        if backend == "pandas":
            frame = frame.to_pandas()
        assert rows(abc_frame(frame)) == core_rows(abc_classify({"a": 10, "b": 1}))

    def test_what_the_core_computes(self):
        """More than 12 share places, sums that leave int64, NaN and negatives go to the core."""
        figures = {"a": Decimal(3), "b": Decimal(1)}
        frame = pd.DataFrame(
            {"account": list(figures), "amount": pd.Series(figures.values(), dtype=object)}
        )
        assert rows(abc_frame(frame, places=20)) == core_rows(abc_classify(figures, places=20))
        most = 10**18 - 1  # the largest whole amount: five of them pass 2**62
        big = pl.DataFrame({"account": list("abcde"), "amount": [most] * 5})
        assert rows(abc_frame(big)) == core_rows(abc_classify(dict.fromkeys("abcde", most)))
        places = pl.DataFrame({"account": ["a"], "amount": [Decimal("1.5")]})
        with pytest.raises(InvalidCustomerValueError, match="bounds"):
            abc_frame(places.with_columns(pl.col("amount").cast(pl.Decimal(38, 12))))
        with pytest.raises(InvalidCustomerValueError, match="bounds"):
            abc_frame(pl.DataFrame({"account": ["a", "a"], "amount": [6 * 10**17] * 2}))
        with pytest.raises(InvalidCustomerValueError):
            abc_frame(pl.DataFrame({"account": ["a"], "amount": [-1.0]}))
        with pytest.raises(InvalidCustomerValueError):
            abc_frame(pl.DataFrame({"account": ["a"], "amount": [float("inf")]}))
        with pytest.raises(InvalidCustomerValueError):
            abc_frame(pl.DataFrame({"account": ["a"], "amount": [-1]}))

    def test_zero_totals(self):
        """When every figure is zero every customer is in the last class, every share zero."""
        for values in ([0, 0], [0.0, 0.0]):
            frame = pl.DataFrame({"account": ["a", "b"], "amount": values})
            figures = dict(zip(["a", "b"], values, strict=True))
            assert rows(abc_frame(frame)) == core_rows(abc_classify(figures))
            with_ties = abc_classify(figures, keep_ties=True)
            assert rows(abc_frame(frame, keep_ties=True)) == core_rows(with_ties)


def _frame(backend, *, amount, products, probability=None):
    """A frame of open deals closing in the cutoff's next month, with these amounts and products."""
    n = len(amount)
    data = {
        "stage": ["negotiation"] * n,
        "owner": ["Li Wei"] * n,
        "created": [date(2026, 1, 5)] * n,
        "expected_close": [date(2026, 9, 15)] * n,
        "amount": amount,
        "currency": ["CNY"] * n,
        "products": products,
    }
    if probability is not None:
        data["probability"] = probability
    exact = isinstance(amount[0], Decimal)
    if backend == "polars":
        frame = pl.DataFrame(data, strict=False)
        return frame.with_columns(pl.col("amount").cast(pl.Decimal(38, 0))) if exact else frame
    frame = pd.DataFrame(data)
    if exact:
        frame["amount"] = pd.Series(amount, dtype=object)
    return frame


class TestForecastOnDaskPartitions:
    """Each Dask partition takes the pandas engine path; one task adds the cells up."""

    @pytest.fixture
    def dd(self):
        dask = pytest.importorskip("dask")
        with dask.config.set({"dataframe.convert-string": False, "scheduler": "synchronous"}):
            yield pytest.importorskip("dask.dataframe")

    def test_partitions_of_an_analysts_frame(self, dd):
        """Floats and date-times over several partitions give the single-machine cells."""
        deals = [
            factories.deal(id=f"D{i}", amount=str(1000 + i), probability=f"0.{i % 9 + 1}")
            for i in range(12)
        ]
        pdf = analyst_pandas(deals)
        result = forecast_frame(dd.from_pandas(pdf, npartitions=3), cutoff=CUTOFF, by="owner")
        assert cells(result) == cells(forecast_frame(pdf, cutoff=CUTOFF, by="owner"))

    def test_mixed_currencies(self, dd):
        """Several currencies without currency= are refused before any partition runs."""
        from salesfunnel.errors import CurrencyError

        pdf = analyst_pandas([factories.deal(), factories.deal(id="D2", currency="USD")])
        with pytest.raises(CurrencyError, match="CNY, USD"):
            forecast_frame(dd.from_pandas(pdf, npartitions=2), cutoff=CUTOFF)

    def test_no_rows(self, dd):
        """A frame without rows gives an empty result of the result's columns."""
        pdf = analyst_pandas([factories.deal()]).iloc[:0]
        result = forecast_frame(dd.from_pandas(pdf, npartitions=1), cutoff=CUTOFF).compute()
        assert list(result.columns) == ["bucket", "category", "count", "amount", "weighted"]
        assert len(result) == 0
