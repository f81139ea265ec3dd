"""Frames the engine-path tests build from deals: exact frames and an analyst's float frames.

The forecast and weighted-pipeline engine tests compare the same four kinds of
frame with the core; they build them here, once.
"""

from __future__ import annotations

import pytest

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
np = pytest.importorskip("numpy")

from salesfunnel.frames import to_pandas, to_polars  # noqa: E402
from tests.strategies import frame_pipelines  # noqa: E402

#: The date columns of a deals frame, given as date-times in an analyst's frame.
DATES = ("created", "expected_close", "closed_on")


def analyst_pandas(deals):
    """The deals as an analyst's pandas frame: float64 money, datetime64 dates."""
    df = to_pandas(deals, drop_history=True)
    df["amount"] = df["amount"].map(float).astype("float64")
    df["probability"] = df["probability"].map(lambda p: np.nan if p is None else float(p))
    for column in DATES:
        df[column] = pd.to_datetime(df[column].astype(object))
    return df


def analyst_polars(deals):
    """The deals as an analyst's polars frame: Float64 money, Datetime dates."""
    return to_polars(deals, drop_history=True).with_columns(
        pl.col("amount").cast(pl.Float64),
        pl.col("probability").cast(pl.Float64),
        *(pl.col(c).cast(pl.Datetime) for c in DATES),
    )


#: Each frame type the engine path reads, by name, built from a list of deals.
FRAMES = {
    "pandas": lambda deals: to_pandas(deals, drop_history=True),
    "polars": lambda deals: to_polars(deals, drop_history=True),
    "pandas floats": analyst_pandas,
    "polars floats": analyst_polars,
}

#: Random pipelines in one currency (CNY), which the engine path computes.
one_currency = frame_pipelines.map(lambda deals: tuple(d for d in deals if d.currency == "CNY"))


def refuse_slow_path(monkeypatch, target):
    """Fail the test if the function named ``target`` (the slow path's entry) is called."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the slow path was taken")

    monkeypatch.setattr(target, refuse)
