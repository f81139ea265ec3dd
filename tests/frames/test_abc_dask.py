"""Tests for ABC analysis of a Dask frame: sums per partition, the ranking of the sums in Arrow's kernels."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")

from salesfunnel.customers.abc_classes import abc_classify  # noqa: E402
from salesfunnel.frames import abc_frame  # noqa: E402
from tests.frames.test_abc import OPTIONS, core_rows, rows  # noqa: E402
from tests.strategies import decimal_figures, float_figures, int_figures  # noqa: E402


def deal_rows(figures, *, split):
    """A pandas frame of one or two rows per customer whose figures add up to ``figures``."""
    keys, values = [], []
    for key, figure in figures.items():
        if split and not isinstance(figure, float):
            half = figure // 2
            keys += [key, key]
            values += [half, figure - half]
        else:
            keys.append(key)
            values.append(figure)
    return pd.DataFrame({"account": keys, "amount": pd.Series(values, dtype=object)})


class TestAbcOfDaskPartitions:
    @given(
        figures=st.one_of(decimal_figures, int_figures, float_figures),
        options=OPTIONS,
        split=st.booleans(),
    )
    @settings(max_examples=settings.default.max_examples * 3 // 5, deadline=None)
    def test_random_figures_equal_the_core(self, figures, options, split):
        """Partition sums ranked on the client give abc_classify's classes, ranks and shares."""
        frame = deal_rows(figures, split=split)
        if frame["amount"].map(type).eq(float).all():
            frame["amount"] = frame["amount"].astype("float64")
        with dask.config.set({"dataframe.convert-string": False, "scheduler": "synchronous"}):
            result = abc_frame(dd.from_pandas(frame, npartitions=2), **options)
        assert rows(result) == core_rows(abc_classify(figures, **options))

    def test_ties_kept_go_to_the_core(self):
        """With keep_ties the core ranks the partition sums (the engine keeps no ties)."""
        figures = {"a": Decimal(5), "b": Decimal(5), "c": Decimal(1)}
        frame = deal_rows(figures, split=True)
        with dask.config.set({"dataframe.convert-string": False, "scheduler": "synchronous"}):
            result = abc_frame(dd.from_pandas(frame, npartitions=2), keep_ties=True)
        assert rows(result) == core_rows(abc_classify(figures, keep_ties=True))
