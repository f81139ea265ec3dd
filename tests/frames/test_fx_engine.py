"""Tests for currency conversion on the engine path: each line converted in integers, as the core does.

A frame of several currencies with ``rates=`` is converted in the engine
(:mod:`salesfunnel.frames._fx_units`): each line times the rate of its
currency and rate date, rounded half-even to cents, in ``int64`` steps.
Where the integers could leave ``int64`` or a rate has more digits than
the core's 60-digit products keep, the exact slow path converts instead.
Either way the figures are the core's: the properties compare them on
random pipelines, rates and amounts.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from unittest import mock

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
np = pytest.importorskip("numpy")
pytest.importorskip("pyarrow")
nw = pytest.importorskip("narwhals.stable.v2")

from salesfunnel.forecasting.rollup import converted_lines, forecast  # noqa: E402
from salesfunnel.frames import (  # noqa: E402
    _fx_units,
    forecast_frame,
    to_pandas,
    to_polars,
    weighted_value_frame,
)
from salesfunnel.frames import forecast as forecast_module  # noqa: E402
from salesfunnel.frames import pipeline as pipeline_module  # noqa: E402
from salesfunnel.funnel.records import LineItem  # noqa: E402
from salesfunnel.fx import CENTS, ExchangeRates, Rate  # noqa: E402
from salesfunnel.money import money_context  # noqa: E402
from salesfunnel.pipeline.weighted import weighted_value  # noqa: E402
from tests import factories  # noqa: E402
from tests.frames.test_forecast import cells, core_cells  # noqa: E402
from tests.strategies import cutoffs, frame_pipelines  # noqa: E402

BACKENDS = {"pandas": to_pandas, "polars": to_polars}
GROUPINGS = ["", "owner", "product", "owner,product", "product,owner"]
CUTOFF = date(2026, 8, 31)
ON = date(2026, 6, 30)
CURRENCIES = ("CNY", "USD", "EUR")


def frame_of(backend, deals):
    """The deals as a frame of ``backend`` (exact money), without histories."""
    return BACKENDS[backend](deals, drop_history=True)


def _float_exact(value):
    return Decimal(repr(float(value))) == value


def float_frame(backend, deals):
    """The deals as an analyst's frame of float money, where every amount is a float's repr.

    Otherwise (a huge amount of many places) the exact frame: a float would change it.
    """
    frame = frame_of(backend, deals)
    if not all(_float_exact(li.amount) for d in deals for li in d.line_items):
        return frame
    if not all(_float_exact(d.amount) for d in deals):
        return frame
    if backend == "polars":
        return frame.with_columns(pl.col("amount", "probability").cast(pl.Float64))
    frame["amount"] = frame["amount"].map(float).astype("float64")
    frame["probability"] = frame["probability"].map(lambda p: np.nan if p is None else float(p))
    return frame


#: The frames of the properties: exact money, or an analyst's floats.
KINDS = [(backend, floats) for backend in sorted(BACKENDS) for floats in (False, True)]


def kind_of(kind, deals):
    backend, floats = kind
    return float_frame(backend, deals) if floats else frame_of(backend, deals)


def without_products(frame):
    """``frame`` without its ``products`` column (every deal one line, its amount)."""
    return nw.from_native(frame).drop("products").to_native()


def totals(result):
    """A weighted-value frame as {group: (count, amount, weighted)}."""
    frame = nw.from_native(result)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    out = {}
    for row in frame.rows(named=True):
        key = tuple(v for k, v in row.items() if k not in {"count", "amount", "weighted"})
        out[key] = (int(row["count"]), row["amount"], row["weighted"])
    return out


def slow_calls(monkeypatch, module):
    """Count the calls of ``module``'s slow path (its ``normalise``), which still runs."""
    calls = []
    original = module.normalise

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, "normalise", counted)
    return calls


def converter(target, rates, on):
    """The core's conversion of a deal, line by line, at the rates of ``on``."""

    def convert(deal):
        lines = converted_lines(deal, target, rates, on, {})
        return sum((a for _, a in lines), Decimal(0))

    return convert


# --- strategies: rates of any number of places, amounts from tiny to huge ---

#: A rate below 10 000 of up to ten places: whole rates, the usual four or five places, ten.
rate_values = st.integers(0, 10).flatmap(
    lambda places: st.integers(1, 10 ** (places + 4) - 1).map(
        lambda digits: Decimal(digits).scaleb(-places)
    )
)


#: A rate from 0.01 to 10 000 of two places, to be used inverted (in 60 digits).
inverted_values = st.integers(1, 10**6).map(lambda digits: Decimal(digits).scaleb(-2))


@st.composite
def exchange_rates(draw: st.DrawFn) -> tuple[str, ExchangeRates]:
    """A reporting currency and dated rates into it from 2019 (so that every date has one).

    Most rates are given into the reporting currency; some the other way,
    so that they are used inverted (60 digits: the slow path).
    """
    target = draw(st.sampled_from(CURRENCIES))
    days = {date(2019, 1, 1)} | set(
        draw(
            st.lists(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 6, 30)), max_size=5)
        )
    )
    inverted = draw(st.sampled_from([None, None, None, "USD", "EUR"]))
    rates = []
    for day in sorted(days):
        for source in CURRENCIES:
            if source == target:
                continue
            if source == inverted:  # at most 100 once inverted, so that no sum passes the bounds
                base, quote, value = target, source, draw(inverted_values)
            else:
                base, quote, value = source, target, draw(rate_values)
            rates.append(Rate(day, base, quote, value))
    return target, ExchangeRates(rates)


def _rescaled(deal, power):
    """``deal`` with every line (hence its amount) times ``10**power``."""
    items = tuple(LineItem(li.product, li.amount.scaleb(power)) for li in deal.line_items)
    return deal.evolve(line_items=items)


@st.composite
def scaled_pipelines(draw: st.DrawFn) -> tuple[object, ...]:
    """Generated pipelines (CNY, USD, EUR), their amounts scaled from 10**-8 to 10**7.

    One power of ten for the pipeline, and a little more for some deals:
    a pipeline of tiny amounts beside huge ones has too many places for
    int64 sums (the slow path), the others are converted in the engine.
    """
    deals = draw(frame_pipelines)
    power = draw(st.sampled_from([-8, -4, -2, 0, 0, 3, 5]))
    more = st.sampled_from([0, 0, 0, 1, 2])
    return tuple(_rescaled(d, power + draw(more)) for d in deals)


def _through(module, call):
    """``call()``, and a Hypothesis event saying whether it took the slow path."""
    spy = mock.patch.object(module, "normalise", wraps=module.normalise)
    with spy as seen:
        result = call()
    event("slow path" if seen.called else "engine")
    return result


class TestForecastConverted:
    @given(
        deals=scaled_pipelines(),
        rates=exchange_rates(),
        cutoff=cutoffs,
        by=st.sampled_from(GROUPINGS),
        kind=st.sampled_from(KINDS),
    )
    @settings(max_examples=settings.default.max_examples, deadline=None)
    def test_random_pipelines_and_rates_equal_the_core(self, deals, rates, cutoff, by, kind):
        """Any pipeline and rates, as pandas or polars, give the core forecast's figures."""
        target, fx = rates
        options = {"cutoff": cutoff, "by": by, "currency": target, "rates": fx}
        frame = kind_of(kind, deals)
        got = cells(_through(forecast_module, lambda: forecast_frame(frame, **options)))
        assert got == core_cells(forecast(deals, **options))

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    @pytest.mark.parametrize("by", GROUPINGS)
    def test_the_engine_converts(self, backend, by, monkeypatch):
        """Rates of a few places, closed deals at their own dates: no slow path."""
        deals = _mixed_deals()
        rates = _rates("7.0113", "8.0417")
        calls = slow_calls(monkeypatch, forecast_module)
        options = {"cutoff": CUTOFF, "by": by, "currency": "CNY", "rates": rates}
        got = cells(forecast_frame(frame_of(backend, deals), **options))
        assert got == core_cells(forecast(deals, **options))
        assert calls == []

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    def test_converted_cells_are_in_cents(self, backend):
        """A cell of converted lines is written in cents, as the core writes it."""
        deals = [factories.deal(id="D1", currency="USD", amount="1000", product="ERP")]
        options = {"cutoff": CUTOFF, "by": "product", "currency": "CNY", "rates": _rates("7.1")}
        (figures,) = cells(forecast_frame(frame_of(backend, deals), **options)).values()
        (core,) = core_cells(forecast(deals, **options)).values()
        assert [str(f) for f in figures] == [str(f) for f in core] == ["1", "8100.00", "6480.000"]

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    def test_ties_round_to_the_even_cent(self, backend):
        """Half a cent rounds to the even cent, each line on its own, as in the core."""
        deals = [
            factories.deal(id="D1", currency="USD", amount=None, line_items={"A": "0.01"}),
            factories.deal(id="D2", currency="USD", amount=None, line_items={"A": "0.03"}),
            factories.deal(id="D3", currency="USD", amount=None, line_items={"B": "0.05"}),
        ]
        half = ExchangeRates.to("CNY", {date(2019, 1, 1): {"USD": "0.5"}})
        options = {"cutoff": CUTOFF, "by": "product", "currency": "CNY", "rates": half}
        got = cells(forecast_frame(frame_of(backend, deals), **options))
        assert {k[0]: v[1] for k, v in got.items()} == {"A": Decimal("0.02"), "B": Decimal("0.02")}
        assert got == core_cells(forecast(deals, **options))

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    @pytest.mark.parametrize(
        ("amount", "rate"),
        [
            ("1000", None),  # an inverted rate: 60 digits, which the core rounds first
            ("900000000000000000", "7.0113"),  # a huge amount: the sums would leave int64
            ("1000", "7.0123456789"),  # ten places: in the engine, but with a huge amount ...
            ("90000000000000000", "7.0123456789"),  # ... the converted sums could leave int64
        ],
    )
    def test_the_slow_path_where_the_integers_cannot(self, backend, amount, rate, monkeypatch):
        """Where int64 steps cannot give the core's figures, the slow path does, and they agree."""
        rates = (
            _rates(rate)
            if rate
            else ExchangeRates([Rate(date(2019, 1, 1), "CNY", "USD", "0.1404")])
        )
        deals = [
            factories.deal(id="D1", currency="USD", amount=amount, product="ERP"),
            factories.deal(id="D2", amount="5"),
        ]
        calls = slow_calls(monkeypatch, forecast_module)
        for by in ("", "product"):
            options = {"cutoff": CUTOFF, "by": by, "currency": "CNY", "rates": rates}
            got = cells(forecast_frame(frame_of(backend, deals), **options))
            assert got == core_cells(forecast(deals, **options))
        assert len(calls) == (0 if amount == "1000" and rate else 2)

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    def test_the_callers_decimal_context_changes_nothing(self, backend):
        """Both paths convert in the library's money context, whatever the caller's."""
        inverted = ExchangeRates([Rate(date(2019, 1, 1), "CNY", "USD", "0.1404")])
        deals = [
            factories.deal(id="D1", currency="USD", amount="123456.78", product="ERP"),
            factories.deal(id="D2", amount="5"),
        ]
        for rates in (inverted, _rates("7.0113")):  # the slow path, then the engine
            options = {"cutoff": CUTOFF, "currency": "CNY", "rates": rates}
            want = core_cells(forecast(deals, **options))
            with localcontext(Context(prec=6)):
                got = cells(forecast_frame(frame_of(backend, deals), **options))
            assert got == want

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    def test_lines_with_more_places_than_the_amounts(self, backend, monkeypatch):
        """Lines of more places are converted at their scale; too many limbs there: the slow path."""
        rates = _rates("7.0123456789")
        small = factories.deal(
            id="D1", currency="USD", amount=None, line_items={"A": "2.5", "B": "2.5"}
        )
        huge = factories.deal(
            id="D2",
            currency="USD",
            amount=None,
            line_items={"A": "5000000000000000.5", "B": "4999999999999999.5"},
        )
        calls = slow_calls(monkeypatch, forecast_module)
        for deals, slow in (([small], 0), ([huge], 1)):
            options = {"cutoff": CUTOFF, "by": "product", "currency": "CNY", "rates": rates}
            frame = frame_of(backend, deals)
            if backend == "pandas":  # the amounts are whole: the lines have one place more
                frame["amount"] = frame["amount"].map(lambda a: a.quantize(Decimal(1)))
            else:
                frame = frame.with_columns(pl.col("amount").cast(pl.Decimal(38, 0)))
            got = cells(forecast_frame(frame, **options))
            assert got == core_cells(forecast(deals, **options))
            assert len(calls) == slow

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    def test_without_a_products_column(self, backend, monkeypatch):
        """Without products each deal is one line, converted in the engine (or the slow path)."""
        deals = [d for d in _mixed_deals() if len(d.line_items) == 1]
        calls = slow_calls(monkeypatch, forecast_module)
        for rate, slow in (("7.0113", 0), ("70123456789.0123456789", 1)):
            options = {"cutoff": CUTOFF, "by": "owner", "currency": "CNY", "rates": _rates(rate)}
            frame = without_products(frame_of(backend, deals))
            got = cells(forecast_frame(frame, **options))
            assert got == core_cells(forecast(deals, **options))
            assert len(calls) == slow

    def test_polars_lazy_frame(self):
        """A polars LazyFrame is converted in the engine and given back lazy."""
        deals = _mixed_deals()
        options = {"cutoff": CUTOFF, "by": "product", "currency": "CNY", "rates": _rates("7.1")}
        result = forecast_frame(frame_of("polars", deals).lazy(), **options)
        assert isinstance(result, pl.LazyFrame)
        assert cells(result) == core_cells(forecast(deals, **options))

    def test_dask_partitions_convert_in_the_engine(self, monkeypatch):
        """Dask partitions convert in the engine: the core's figures, every amount at cents."""
        dask = pytest.importorskip("dask")
        dd = pytest.importorskip("dask.dataframe")
        deals = _mixed_deals()
        options = {"cutoff": CUTOFF, "by": "owner", "currency": "CNY", "rates": _rates("7.0113")}
        single = forecast_frame(frame_of("pandas", deals), **options)
        calls = slow_calls(monkeypatch, forecast_module)
        with dask.config.set({"dataframe.convert-string": False, "scheduler": "synchronous"}):
            frame = dd.from_pandas(frame_of("pandas", deals), npartitions=2)
            lazy = forecast_frame(frame, **options)
            calls.clear()  # Dask ran it on an empty frame for its result's columns
            got = cells(lazy.compute())
        assert not calls
        assert got == core_cells(forecast(deals, **options)) == cells(single)
        # each line is converted and rounded to cents; a weighted figure has the places of
        # its partitions' probabilities (the same value as on one machine)
        assert {Decimal(v[1]).as_tuple().exponent for v in got.values()} == {-2}


class TestWeightedValueConverted:
    @given(
        deals=scaled_pipelines(),
        rates=exchange_rates(),
        by=st.sampled_from(["", "owner", "stage"]),
        kind=st.sampled_from(KINDS),
    )
    @settings(max_examples=settings.default.max_examples * 4 // 5, deadline=None)
    def test_random_pipelines_and_rates_equal_the_core(self, deals, rates, by, kind):
        """Any pipeline and rates give each group the core's weighted value of its deals."""
        target, fx = rates
        frame = kind_of(kind, deals)
        options = {"by": by, "currency": target, "rates": fx, "on": ON}
        got = totals(_through(pipeline_module, lambda: weighted_value_frame(frame, **options)))
        convert = converter(target, fx, ON)
        keys = [k for k in by.split(",") if k]
        want = {}
        for deal in deals:
            want.setdefault(tuple(getattr(deal, k) for k in keys), []).append(deal)
        if not deals:
            want[()] = []
        assert got == {
            group: (
                len(members),
                sum((convert(d) for d in members), Decimal(0)),
                weighted_value(members, convert=convert),
            )
            for group, members in want.items()
        }

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    @pytest.mark.parametrize("by", ["", "owner", "product", "owner,product"])
    def test_the_engine_converts(self, backend, by, monkeypatch):
        """Rates of a few places: the weighted pipeline converts in the engine."""
        deals = _mixed_deals()
        rates = _rates("7.0113", "8.0417")
        calls = slow_calls(monkeypatch, pipeline_module)
        got = totals(
            weighted_value_frame(
                frame_of(backend, deals), by=by, currency="CNY", rates=rates, on=ON
            )
        )
        convert = converter("CNY", rates, ON)
        assert sum(v[1] for v in got.values()) == sum(convert(d) for d in deals)
        if "product" not in by:
            assert sum(v[2] for v in got.values()) == weighted_value(deals, convert=convert)
            assert sum(v[0] for v in got.values()) == len(deals)
        assert calls == []

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    def test_the_slow_path_where_the_integers_cannot(self, backend, monkeypatch):
        """An inverted rate (60 digits) goes the slow path, with the core's figures."""
        rates = ExchangeRates([Rate(date(2019, 1, 1), "CNY", "USD", "0.1404")])
        deals = [factories.deal(id="D1", currency="USD"), factories.deal(id="D2")]
        calls = slow_calls(monkeypatch, pipeline_module)
        got = totals(
            weighted_value_frame(frame_of(backend, deals), currency="CNY", rates=rates, on=ON)
        )
        convert = converter("CNY", rates, ON)
        assert got[()][2] == weighted_value(deals, convert=convert)
        assert calls == [1]

    @pytest.mark.parametrize("backend", sorted(BACKENDS))
    def test_by_product_without_products(self, backend):
        """By product without a products column, every deal is the unnamed product (slow path)."""
        deals = _mixed_deals()
        frame = without_products(frame_of(backend, deals))
        got = totals(
            weighted_value_frame(frame, by="product", currency="CNY", rates=_rates("7.1"), on=ON)
        )
        assert list(got) == [("",)]


class TestIntegerConversion:
    """The integer steps of :mod:`salesfunnel.frames._fx_units` against ``Decimal``."""

    def test_random_units_and_rates_equal_decimal(self):
        """Units of any scale at rates of any places convert as Decimal quantizes them."""
        rng = random.Random(2026)
        checked = 0
        for _ in range(300):
            scale = rng.choice([0, 1, 2, 3, 6, 10])
            factors = [
                Decimal(rng.randint(1, 10 ** rng.randint(1, 14))).scaleb(-rng.randint(0, 12))
                for _ in range(rng.randint(1, 3))
            ]
            factors.append(Decimal(5).scaleb(-rng.randint(1, 4)))  # ties at half a cent
            peak = 10 ** rng.randint(0, 17)
            values = np.array([rng.randint(0, peak) for _ in range(20)] + [peak], dtype=np.int64)
            values[:5] = values[:5] // 1000 * 1000  # whole thousands: more ties
            rule = _fx_units.plan([_fx_units.integer_rate(f) for f in factors], scale, peak)
            if rule is None:
                continue
            pairs = np.array([rng.randint(0, len(factors)) for _ in values])
            got = _fx_units.numpy_convert(np, values, pairs, rule)
            lazy = pl.DataFrame({"a": values, "_pair": pairs}).lazy()
            lazy = lazy.with_columns(**_fx_units.polars_constants(pl, rule))
            polars = _fx_units.polars_convert(pl, lazy, "a", "out", rule).collect()["out"]
            assert got.tolist() == polars.to_list()
            with money_context():
                for units, pair, value in zip(
                    values.tolist(), pairs.tolist(), got.tolist(), strict=True
                ):
                    amount = Decimal(units).scaleb(-scale)
                    want = amount
                    if pair < len(factors):
                        want = (amount * factors[pair]).quantize(CENTS, rounding=ROUND_HALF_EVEN)
                    assert Decimal(value).scaleb(-rule.scale) == want
                    checked += 1
        assert checked > 3000

    @pytest.mark.parametrize(
        ("factor", "expected"),
        [
            (Decimal("7.10"), (71, 1)),
            (Decimal("1E+3"), (1000, 0)),
            (Decimal("0.125"), (125, 3)),
            (Decimal("0.5"), (5, 1)),
        ],
    )
    def test_integer_rate(self, factor, expected):
        """A factor is F / 10**e with both as small as can be."""
        assert _fx_units.integer_rate(factor) == expected

    @pytest.mark.parametrize(
        ("rates", "scale", "peak"),
        [
            ([(7, 0)], 0, 2**62),  # not one digit of limb fits beside the peak
            ([(10**59, 59)], 2, 100),  # the core rounds such products to 60 digits first
            ([(70123456789, 10)], 2, 10**17),  # ten limbs of one digit
            ([(10**17, 0)], 0, 10**3),  # the cents would leave int64
        ],
    )
    def test_plans_refused(self, rates, scale, peak):
        """Where the bounds of the module do not hold there is no plan."""
        assert _fx_units.plan(rates, scale, peak) is None


def _rates(usd, eur=None):
    """Rates into CNY: ``usd`` and ``eur`` (default: one more) from 2019, one more from 2026-07-20."""
    eur = Decimal(eur or Decimal(usd) + 1)
    return ExchangeRates.to(
        "CNY",
        {
            date(2019, 1, 1): {"USD": Decimal(usd), "EUR": eur},
            date(2026, 7, 20): {"USD": Decimal(usd) + 1, "EUR": eur + 1},
        },
    )


def _mixed_deals():
    """Deals in three currencies, open and closed on several dates, of one and several lines."""
    return [
        factories.deal(
            id="D1", currency="USD", amount=None, line_items={"ERP": "100000.55", "CRM": "333.33"}
        ),
        factories.deal(id="D2", currency="EUR", amount="4999.99", product="Support"),
        factories.deal(id="D3", amount="12000", product="ERP"),
        factories.deal(
            id="D4",
            currency="USD",
            stage="closed",
            closed_on=date(2026, 7, 3),
            amount="777.77",
            product="ERP",
        ),
        factories.deal(
            id="D5",
            currency="USD",
            stage="closed",
            closed_on=date(2026, 8, 3),
            amount="1234.56",
            product="CRM",
        ),
        factories.deal(
            id="D6",
            currency="EUR",
            stage="lost",
            closed_on=date(2026, 7, 25),
            amount="50.05",
            product="",
        ),
        factories.deal(
            id="D7",
            currency="USD",
            stage="intent",
            probability="0.35",
            amount="19.99",
            product="CRM",
        ),
    ]
