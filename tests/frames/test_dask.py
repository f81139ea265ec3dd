"""Tests for the scale-out path: the frame forecast and weighted value on a Dask cluster."""

from __future__ import annotations

import pytest

pd = pytest.importorskip("pandas")
dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
nw = pytest.importorskip("narwhals.stable.v2")

from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline  # noqa: E402
from salesfunnel.forecasting.rollup import forecast  # noqa: E402
from salesfunnel.frames import (  # noqa: E402
    FrameValueError,
    abc_frame,
    forecast_frame,
    to_pandas,
    weighted_value_frame,
)
from salesfunnel.pipeline.weighted import weighted_value  # noqa: E402
from tests.strategies import frame_rates, plain  # noqa: E402

DEALS = plain(sample_pipeline())


@pytest.fixture(scope="module")
def client():
    """A local Dask cluster of one worker with two threads, started and stopped here."""
    with (
        dask.config.set({"dataframe.convert-string": False}),
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


@pytest.fixture(scope="module")
def frames(client):  # noqa: ARG001 - the frames are computed on the client's cluster
    """The sample pipeline as one pandas frame and as a Dask frame of four partitions."""
    pdf = to_pandas(DEALS)
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_pandas(pdf, npartitions=4)
    return pdf, ddf


def table(result) -> list[tuple[object, ...]]:
    """A result's rows, computed if lazy, as sorted tuples."""
    if hasattr(result, "compute"):
        result = result.compute()
    return sorted(tuple(r) for r in result.itertuples(index=False))


class TestForecastOnDask:
    @pytest.mark.parametrize("by", ["product,owner"])
    def test_equals_the_single_machine_result(self, frames, by):
        """The forecast of a Dask frame equals that of the same pandas frame, and the core's."""
        pdf, ddf = frames
        options = {"cutoff": SAMPLE_AS_OF, "by": by, "currency": "CNY", "rates": frame_rates}
        lazy = forecast_frame(ddf, **options)
        assert isinstance(lazy, dd.DataFrame)
        assert table(lazy) == table(forecast_frame(pdf, **options))
        core = forecast(DEALS, **options)
        rows = core.rows if core.by else [core.total]
        assert len(table(lazy)) == sum(len(r.cells) for r in rows)

    def test_one_currency_needs_no_conversion(self, frames):
        """On the deals of one currency nothing is converted, and the result is the same."""
        pdf, ddf = frames
        usd, usd_d = pdf[pdf["currency"] == "USD"], ddf[ddf["currency"] == "USD"]
        options = {"cutoff": SAMPLE_AS_OF, "by": ()}
        assert table(forecast_frame(usd_d, **options)) == table(forecast_frame(usd, **options))


class TestWeightedValueOnDask:
    def test_total(self, frames):
        """The weighted value of a Dask frame is the core's (converted)."""
        pdf, ddf = frames
        usd, usd_d = pdf[pdf["currency"] == "USD"], ddf[ddf["currency"] == "USD"]
        (row,) = table(weighted_value_frame(usd_d))
        assert row[2] == weighted_value([d for d in DEALS if d.currency == "USD"])
        assert table(weighted_value_frame(usd_d)) == table(weighted_value_frame(usd))

    @pytest.mark.parametrize("by", ["owner,product"])
    def test_groups_converted(self, frames, by):
        """Grouped and converted, the Dask result equals the pandas one."""
        pdf, ddf = frames
        options = {"by": by, "currency": "CNY", "rates": frame_rates, "on": SAMPLE_AS_OF}
        assert table(weighted_value_frame(ddf, **options)) == table(
            weighted_value_frame(pdf, **options)
        )

    def test_empty_dask_frame(self, frames):
        """An empty Dask frame gives one total row of zeros, as an empty pandas frame does."""
        _, ddf = frames
        empty = ddf[ddf["currency"] == "XXX"]
        assert table(weighted_value_frame(empty)) == [(0, 0, 0)]
        assert table(weighted_value_frame(empty, by="owner")) == []


class TestAbcOnDask:
    def test_abc_of_a_dask_frame(self, frames):
        """ABC of a Dask frame is computed and equals the pandas result."""
        pdf, ddf = frames
        cny, cny_d = pdf[pdf["currency"] == "CNY"], ddf[ddf["currency"] == "CNY"]
        assert table(abc_frame(cny_d)) == table(abc_frame(cny))


@pytest.mark.usefixtures("client")
def test_decimals_turned_into_text_are_read_exactly():
    """If Dask turned the Decimal amounts into text, the text is read exactly."""
    with dask.config.set({"dataframe.convert-string": True}):
        ddf = dd.from_pandas(to_pandas(DEALS[:10]), npartitions=2)
    usd = [d for d in DEALS[:10] if d.currency == DEALS[0].currency]
    ddf = ddf[ddf["currency"] == DEALS[0].currency]
    total = nw.from_native(weighted_value_frame(ddf)).collect()["weighted"].item()
    assert total == weighted_value(usd)


@pytest.mark.usefixtures("client")
def test_arrow_decimals_as_from_parquet():
    """Arrow decimal128 money (as Parquet gives it) is converted to Decimal objects on Dask."""
    pa = pytest.importorskip("pyarrow")
    cny = [d for d in DEALS if d.currency == "CNY"]
    df = to_pandas(cny).astype({"amount": pd.ArrowDtype(pa.decimal128(20, 2))})
    ddf = dd.from_pandas(df, npartitions=3)
    total = nw.from_native(weighted_value_frame(ddf)).collect()["weighted"].item()
    assert total == weighted_value(cny)


@pytest.mark.usefixtures("client")
def test_float_money_on_dask_names_the_opportunity():
    """An infinite float amount on Dask is refused naming the opportunity (not a partition row)."""
    cny = [d for d in DEALS if d.currency == "CNY"][:6]
    df = to_pandas(cny).astype({"amount": float})
    df.loc[4, "amount"] = float("inf")
    ddf = dd.from_pandas(df, npartitions=2)
    with pytest.raises(FrameValueError, match=rf"'amount' \(opportunity '{cny[4].id}'\)"):
        nw.from_native(weighted_value_frame(ddf)).collect()
