"""The FFT lattice programme (with numpy) against the pure-Python one and the exact masses."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import salesfunnel.pipeline.distribution as distribution_module
from salesfunnel.pipeline import _fft
from salesfunnel.pipeline._convolution import WINDOW_SD, exact_table, lattice_table
from salesfunnel.pipeline.distribution import distribution_of
from salesfunnel.pipeline.parameters import Method

pytest.importorskip("numpy")

D = Decimal

deals = st.lists(
    st.tuples(st.integers(0, 400), st.integers(0, 20).map(lambda k: D(k) / 20)),
    min_size=1,
    max_size=150,
)


def cdf_gap(a, b) -> float:
    """The largest difference between the cumulative probabilities of two tables on one lattice."""
    points = sorted({a.point(i) for i in range(len(a))} | {b.point(i) for i in range(len(b))})

    def cdf(t, x):
        i = t.index_le(x)
        return 0 if i < 0 else t.cumulative(i)

    return float(max(abs(cdf(a, x) - cdf(b, x)) for x in points))


class TestFftTable:
    @settings(max_examples=settings.default.max_examples * 6 // 5, deadline=None)
    @given(deals)
    def test_within_both_bounds_of_the_python_programme(self, pairs):
        """The FFT and the Python programme differ by no more than their two stated errors."""
        units = [u for u, _p in pairs]
        probs = [p for _u, p in pairs]
        fast, fast_error = _fft.fft_table(units, probs, D(0), D(100))
        slow, slow_error = lattice_table(units, probs, D(0), D(100), WINDOW_SD)
        assert cdf_gap(fast, slow) <= fast_error + slow_error
        assert fast_error < 1e-9

    @settings(max_examples=settings.default.max_examples * 3 // 5, deadline=None)
    @given(deals.filter(lambda ps: len(ps) <= 14))
    def test_within_its_bound_of_the_exact_masses(self, pairs):
        """Against exact rational arithmetic the FFT table is within its own bound."""
        units = [u for u, _p in pairs]
        probs = [p for _u, p in pairs]
        fast, error = _fft.fft_table(units, probs, D(0), D(1))
        exact = exact_table(units, probs, D(0), D(1))
        assert cdf_gap(fast, exact) <= error

    def test_nothing_uncertain(self):
        """With no uncertain deal on the grid the table is one point of mass 1."""
        table, error = _fft.fft_table([0, 5], [D("0.5"), D(1)], D(10), D(2))
        assert len(table) == 1
        assert table.point(0) == D(20)
        assert table.mass(0) == Fraction(1)
        assert error < 1e-12

    def test_available_finds_numpy(self):
        """numpy is found without importing it."""
        assert _fft.available() is True


def spy(monkeypatch) -> list[int]:
    """Count the FFT programme's runs inside distribution_of."""
    calls: list[int] = []
    real = distribution_module.fft_table

    def counted(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(distribution_module, "fft_table", counted)
    return calls


class TestDistributionUsesIt:
    def pairs(self):
        return [(D(100 * (i * 7919 % 1000 + 1)), D(i % 9 + 1) / 10) for i in range(200)]

    def test_large_programmes_run_by_fft(self, monkeypatch):
        """A costly lattice runs by FFT; without numpy the same distribution comes from Python."""
        calls = spy(monkeypatch)
        fast = distribution_of(self.pairs(), method=Method.LATTICE)
        assert calls == [1]
        monkeypatch.setattr(distribution_module, "fft_available", lambda: False)
        slow = distribution_of(self.pairs(), method=Method.LATTICE)
        assert fast.method is slow.method is Method.LATTICE
        assert fast.mean == slow.mean
        assert cdf_gap(fast._table, slow._table) <= fast.error.probability + slow.error.probability
        for k in (10, 50, 90):
            lo, hi = slow.quantile_bounds(D(k) / 100)
            assert lo <= fast.percentile(k) <= hi

    def test_grids_too(self, monkeypatch):
        """A grid is computed by FFT the same way, with the same amount bound."""
        pairs = [(D(1000 + 7 * i), D("0.3")) for i in range(800)]
        calls = spy(monkeypatch)
        fast = distribution_of(pairs, method=Method.GRID, resolution=D(100))
        assert calls == [1]
        monkeypatch.setattr(distribution_module, "fft_available", lambda: False)
        slow = distribution_of(pairs, method=Method.GRID, resolution=D(100))
        assert fast.error.amount == slow.error.amount
        assert calls == [1]
        assert cdf_gap(fast._table, slow._table) <= fast.error.probability + slow.error.probability

    def test_small_programmes_stay_in_python(self, monkeypatch):
        """A cheap lattice runs in Python, so small results do not depend on numpy."""
        calls = spy(monkeypatch)
        distribution_of([(D(100 * i), D("0.5")) for i in range(1, 60)])
        assert calls == []
