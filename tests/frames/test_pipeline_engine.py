"""Tests for the engine path of weighted_value_frame: units in the engine, totals equal to the slow path's.

The weighted pipeline of a frame in one currency is computed on ``int64``
units (pandas in Arrow's kernels, polars in one query); the properties
compare it, group by group, with the exact slow path and the core.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("pandas")
pytest.importorskip("polars")
pytest.importorskip("pyarrow")
pytest.importorskip("numpy")
nw = pytest.importorskip("narwhals.stable.v2")

from salesfunnel.frames import to_polars, weighted_value_frame  # noqa: E402
from salesfunnel.pipeline.weighted import weighted_value  # noqa: E402
from tests import factories  # noqa: E402
from tests.frames._helpers import (  # noqa: E402
    FRAMES,
    analyst_pandas,
    analyst_polars,
    one_currency,
    refuse_slow_path,
)

GROUPS = st.sampled_from(["", "owner", "stage", "product", "owner,product", "account,stage"])
AS_OF = st.one_of(st.none(), st.dates(min_value=date(2025, 6, 1), max_value=date(2027, 6, 30)))


def totals(result):
    """A weighted-value frame as [(group..., count, amount, weighted)] in its order."""
    frame = nw.from_native(result)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    return [
        (*(v for k, v in row.items() if k not in {"count", "amount", "weighted"}), *figures(row))
        for row in frame.rows(named=True)
    ]


def figures(row):
    return int(row["count"]), Decimal(row["amount"]), Decimal(row["weighted"])


def slow_only(monkeypatch):
    """Make the weighted pipeline take the exact slow path."""
    monkeypatch.setattr("salesfunnel.frames.pipeline.scaled", lambda *_a, **_k: None)


def engine_only(monkeypatch):
    """Fail the test if the weighted pipeline falls back to the slow path."""
    refuse_slow_path(monkeypatch, "salesfunnel.frames.pipeline.normalise")


class TestWeightedValueInTheEngine:
    @pytest.mark.parametrize("backend", sorted(FRAMES))
    @given(deals=one_currency, by=GROUPS, as_of=AS_OF)
    @settings(max_examples=settings.default.max_examples // 2, deadline=None)
    def test_random_pipelines_equal_the_slow_path(self, backend, deals, by, as_of):
        """Any pipeline of one currency, as any frame type, gives the slow path's totals."""
        frame = FRAMES[backend](deals)
        got = totals(weighted_value_frame(frame, by=by, as_of=as_of))
        with pytest.MonkeyPatch.context() as patch:
            slow_only(patch)
            want = totals(weighted_value_frame(frame, by=by, as_of=as_of))
        assert got == want
        if not by and as_of is None:
            assert got[0][-1] == weighted_value(deals)

    @pytest.mark.parametrize("backend", sorted(FRAMES))
    @pytest.mark.parametrize("by", ["", "owner", "stage", "product", "owner,product"])
    def test_the_engine_computes_it(self, backend, by, monkeypatch):
        """A frame of floats, dates and plain line items never takes the slow path."""
        deals = [
            factories.deal(id="D1", amount=None, line_items={"ERP": "100000", "CRM": "50000.50"}),
            factories.deal(id="D2", stage="closed", closed_on=date(2026, 8, 3)),
            factories.deal(id="D3", probability="0.35", product="Support", stage="intent"),
        ]
        frame = FRAMES[backend](deals)
        with pytest.MonkeyPatch.context() as patch:
            slow_only(patch)
            want = totals(weighted_value_frame(frame, by=by, as_of=date(2026, 8, 31)))
        engine_only(monkeypatch)
        assert totals(weighted_value_frame(frame, by=by, as_of=date(2026, 8, 31))) == want

    @pytest.mark.parametrize("backend", ["pandas", "polars"])
    @pytest.mark.parametrize(
        "products",
        [
            "A=1;B=2",  # lines that do not add up
            r"A\;B=5",  # an escape
            "A=" + "9" * 40,  # more digits than any decimal holds
        ],
    )
    def test_lines_the_engine_leaves_to_the_slow_path(self, backend, products):
        """Line items the engine does not read give the slow path's totals or error."""
        frame = FRAMES[backend]([factories.deal(id="D1", amount="5", product="A")])
        frame = nw.from_native(frame).with_columns(products=nw.lit(products)).to_native()
        try:
            with pytest.MonkeyPatch.context() as patch:
                slow_only(patch)
                want = totals(weighted_value_frame(frame, by="product"))
        except ValueError as err:
            with pytest.raises(type(err), match="products"):
                weighted_value_frame(frame, by="product")
        else:
            assert totals(weighted_value_frame(frame, by="product")) == want

    def test_by_product_without_a_products_column(self):
        """Without a products column every deal is the unnamed product (the slow path)."""
        frame = to_polars([factories.deal()], drop_history=True).drop("products")
        assert [row[0] for row in totals(weighted_value_frame(frame, by="product"))] == [""]

    def test_grouped_by_probability(self):
        """Grouping by the probability column takes the slow path (the groups are exact shares)."""
        deals = [factories.deal(probability="0.35"), factories.deal(id="D2", probability="0.35")]
        (row,) = totals(weighted_value_frame(analyst_polars(deals), by="probability"))
        assert row[0] == Decimal("0.35")

    def test_a_currency_to_convert_goes_the_slow_path(self):
        """Conversion (each line rounded to cents) is done by the exact slow path."""
        from tests.strategies import frame_rates

        deals = [factories.deal(currency="USD"), factories.deal(id="D2")]
        frame = analyst_polars(deals)
        options = {"currency": "CNY", "rates": frame_rates, "on": date(2026, 6, 30)}
        (row,) = totals(weighted_value_frame(frame, **options))
        assert row[0] == 2


class TestWeightedValueOnDask:
    @given(deals=one_currency, by=st.sampled_from(["", "owner", "product"]))
    @settings(max_examples=settings.default.max_examples // 10, deadline=None)
    def test_partitions_equal_the_single_machine(self, deals, by):
        """A Dask frame of the same rows gives the totals of the pandas frame."""
        dask = pytest.importorskip("dask")
        dd = pytest.importorskip("dask.dataframe")
        pdf = analyst_pandas(deals)
        with dask.config.set({"dataframe.convert-string": False, "scheduler": "synchronous"}):
            got = weighted_value_frame(dd.from_pandas(pdf, npartitions=2), by=by).compute()
        assert totals(got) == totals(weighted_value_frame(pdf, by=by))
