"""Benchmark: the outcome distribution and ``simulate`` against what a user writes in numpy.

Two comparisons, each timed in one process with its baseline (``_harness.py``):

1. **P10/P50/P90 of 100, 1 000 (and 100 000) open deals.** Ours:
   ``salesfunnel.pipeline.distribution.distribution_of`` with its automatic
   method, then three percentiles. The baseline: the Monte Carlo an analyst
   writes in numpy, 100 000 trials (a matrix of uniform draws compared with
   the probabilities, times the float amounts, then ``np.percentile``), in
   blocks of at most 10 million draws, a new seed each run. The bare-Python
   floor, for information: the textbook dynamic programme over a list of
   float masses on the same grid as ours (what one writes without numpy).
   Goal: ours at least 10x faster than the Monte Carlo, at least as accurate.

   Accuracy is measured against the exact distribution on the amounts'
   common unit (every 100), computed independently with numpy and scipy's FFT
   convolution (groups of deals by shift-and-add, then a product tree that
   trims tails below 1e-20 of mass). Errors are in standard deviations of
   the total: ours actual and guaranteed (``error.amount``); the Monte
   Carlo's root mean square over its runs and its 95 % interval in theory.

2. **simulate, 1 000 open deals x 100 000 trials** (10 000 with ``--quick``).
   Ours: ``salesfunnel.simulate`` on the ``Opportunity`` values (common
   random numbers, exact ``Decimal`` totals). The baseline: the same model in
   numpy on float arrays (``rng.random((rows, deals)) < p`` then ``@ amounts``,
   in blocks). The bare-Python floor, for information: one ``random()`` call
   per deal and trial, as the simulation did before. Goal: ours at most 1.5x
   the numpy time.

The deals are the sample generator's open deals in CNY (stage probabilities
and per-deal overrides); the 100 000-deal set resamples them with a seed.

Usage: python benchmarks/bench_pipeline.py [--quick]
(--quick: 100 and 1 000 deals, two runs each; simulate with 10 000 trials.)
"""

from __future__ import annotations

import math
import random
import sys
import time
from decimal import Decimal

import numpy as np
from scipy.signal import fftconvolve

from _harness import Harness, Side
from salesfunnel.datasets import generate
from salesfunnel.funnel import DEFAULT_FUNNEL, Opportunity, StageKind
from salesfunnel.pipeline.distribution import distribution_of
from salesfunnel.pipeline.weighted import simulate

LEVELS = (10, 50, 90)
TRIALS = 100_000
BLOCK = 10_000_000
TRIM = 1e-20
#: The 95 % half-width of a Monte Carlo percentile, in standard deviations,
#: for a normal total: 1.96 × sqrt(q (1 - q) / trials) / density(q).
DENSITY = {10: 0.17550, 50: 0.39894, 90: 0.17550}


def open_cny(seed: int = 2026) -> list[Opportunity]:
    """Open CNY deals of a generated pipeline."""
    return [
        o
        for o in generate(6000, seed=seed)
        if o.currency == "CNY" and DEFAULT_FUNNEL.kind_of(o) is StageKind.OPEN
    ]


def pairs_of(deals: list[Opportunity]) -> list[tuple[Decimal, Decimal]]:
    return [(o.amount, DEFAULT_FUNNEL.probability_of(o)) for o in deals]


def deals_for(n: int, base: list[tuple[Decimal, Decimal]]) -> list[tuple[Decimal, Decimal]]:
    if n <= len(base):
        return base[:n]
    rng = random.Random(n)
    return [rng.choice(base) for _ in range(n)]


def ours(pairs):
    dist = distribution_of(pairs)
    return dist, [dist.percentile(k) for k in LEVELS]


def simulated_totals(amounts: np.ndarray, probs: np.ndarray, trials: int, seed: int) -> np.ndarray:
    """The analyst's Monte Carlo: draw, compare, multiply (in blocks that fit in memory)."""
    rng = np.random.default_rng(seed)
    totals = np.empty(trials)
    rows = max(1, BLOCK // len(amounts))
    for start in range(0, trials, rows):
        k = min(rows, trials - start)
        totals[start : start + k] = (rng.random((k, len(amounts))) < probs) @ amounts
    return totals


def monte_carlo(amounts: np.ndarray, probs: np.ndarray, seed: int) -> np.ndarray:
    """The analyst's percentiles of a 100 000-trial Monte Carlo."""
    return np.percentile(simulated_totals(amounts, probs, TRIALS, seed), LEVELS)


def python_grid(pairs, step: Decimal) -> list[float]:
    """The bare-Python floor: a float dynamic programme on ``step``, one list pass a deal."""
    certain = sum(a for a, p in pairs if p == 1)
    pmf = [1.0]
    for a, p in pairs:
        if not 0 < p < 1:
            continue
        u, q = round(a / step), float(p)
        shifted = [0.0] * u + [m * q for m in pmf]
        pmf = [m * (1 - q) for m in pmf] + [0.0] * u
        pmf = [x + y for x, y in zip(pmf, shifted, strict=True)]
    out, acc, i = [], 0.0, 0
    for k in LEVELS:
        while acc + pmf[i] < k / 100:
            acc += pmf[i]
            i += 1
        out.append(float(certain) + i * float(step))
    return out


def python_simulation(pairs, trials: int, seed: int) -> list[float]:
    """The bare-Python floor of a simulation: one ``random()`` a deal and trial."""
    draw = random.Random(seed).random
    deals = [(float(p), float(a)) for a, p in pairs]
    return [sum([a for p, a in deals if draw() < p]) for _ in range(trials)]


def _trim(offset: int, pmf: np.ndarray) -> tuple[int, np.ndarray]:
    pmf = np.clip(pmf, 0.0, None)
    cum = np.cumsum(pmf)
    lo = int(np.searchsorted(cum, TRIM))
    hi = int(np.searchsorted(cum, cum[-1] - TRIM)) + 1
    return offset + lo, pmf[lo:hi]


def _numpy_fft(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Convolution with numpy.fft alone (what a numpy path in the library could use)."""
    n = len(a) + len(b) - 1
    size = 1 << (n - 1).bit_length()
    return np.fft.irfft(np.fft.rfft(a, size) * np.fft.rfft(b, size), size)[:n]


def lattice_quantiles(pairs, unit, *, fft=fftconvolve, rounded: bool = False) -> list[float]:
    """P10/P50/P90 on the lattice of ``unit`` by FFT convolution.

    With ``rounded`` the amounts are rounded to the lattice and the rounding's
    mean is put back (the library's grid method), else they must lie on it.
    """
    live = [(a, p) for a, p in pairs if 0 < p < 1 and a > 0]
    items = sorted((round(a / unit), float(p)) for a, p in live)
    shift = float(sum((a - unit * round(a / unit)) * p for a, p in live))
    if not rounded:
        assert shift == 0, "amounts off the lattice"
    certain = float(sum(a for a, p in pairs if p == 1))
    pieces = []
    for i in range(0, len(items), 64):
        group = items[i : i + 64]
        pmf = np.zeros(sum(u for u, _p in group) + 1)
        pmf[0], top = 1.0, 0
        for u, p in group:
            new = pmf * (1 - p)
            new[u : top + u + 1] += p * pmf[: top + 1]
            pmf, top = new, top + u
        pieces.append(_trim(0, pmf))
    while len(pieces) > 1:
        merged = []
        for j in range(0, len(pieces) - 1, 2):
            (oa, a), (ob, b) = pieces[j], pieces[j + 1]
            merged.append(_trim(oa + ob, fft(a, b)))
        if len(pieces) % 2:
            merged.append(pieces[-1])
        pieces = merged
    offset, pmf = pieces[0]
    cum = np.cumsum(pmf) / pmf.sum()
    return [
        certain + shift + (offset + int(np.searchsorted(cum, k / 100 - 1e-12))) * float(unit)
        for k in LEVELS
    ]


def reference(pairs, unit: int = 100) -> tuple[list[float], float]:
    """Exact P10/P50/P90 on the lattice of ``unit``, by FFT convolution; and the time."""
    start = time.perf_counter()
    values = lattice_quantiles(pairs, Decimal(unit))
    return values, time.perf_counter() - start


def distributions(bench: Harness, base: list[tuple[Decimal, Decimal]]) -> None:
    sizes = (100, 1000) if bench.quick else (100, 1000, 100_000)
    for n in sizes:
        pairs = deals_for(n, base)
        repeats = 1 if n > 10_000 else (2 if bench.quick else 5)
        amounts = np.array([float(a) for a, _p in pairs])
        probs = np.array([float(p) for _a, p in pairs])
        seeds, mc_runs = iter(range(10**6)), []
        step = distribution_of(pairs).resolution
        # For information: the numpy.fft product tree on our grid, which a numpy
        # path of the library would run (the import contracts keep numpy out of
        # the core today), and the bare-Python floor.
        fft_side = Side(
            "numpy.fft on the same grid",
            lambda p=pairs, s=step: lattice_quantiles(p, s, fft=_numpy_fft, rounded=True),
        )
        floor = [
            Side(
                "bare-Python float grid, same step",
                lambda p=pairs, s=step: python_grid(p, s),
                repeats=1,
            )
        ]
        others = [fft_side, *floor] if n <= 1000 else [fft_side]
        timed = bench.compare(
            f"P10/P50/P90 of {n:,} open deals",
            Side("distribution_of", lambda pairs=pairs: ours(pairs)),
            [
                Side(
                    f"numpy Monte Carlo, {TRIALS:,} trials",
                    lambda amounts=amounts, probs=probs, seeds=seeds, runs=mc_runs: runs.append(
                        monte_carlo(amounts, probs, next(seeds))
                    ),
                    goal=0.1,
                )
            ],
            others=others,
            repeats=repeats,
            warmups=0 if n > 10_000 else 1,
        )
        dist, mine = timed.results["distribution_of"]
        exact, t_ref = reference(pairs)
        sd = dist.stdev
        err_ours = [abs(float(m) - e) / sd for m, e in zip(mine, exact, strict=True)]
        err_mc = [
            math.sqrt(sum((run[i] - exact[i]) ** 2 for run in mc_runs) / len(mc_runs)) / sd
            for i in range(len(LEVELS))
        ]
        half = [1.96 * math.sqrt(k / 100 * (1 - k / 100) / TRIALS) / DENSITY[k] for k in LEVELS]
        bound = float(dist.error.amount) / sd
        print(
            f"  method {dist.method.value}, step {dist.resolution}; error / sd at P10 P50 P90:\n"
            f"    ours actual      {' '.join(f'{e:.5f}' for e in err_ours)}; "
            f"guaranteed {bound:.5f} (and {dist.error.probability:.1e} in probability)\n"
            f"    Monte Carlo rms  {' '.join(f'{e:.5f}' for e in err_mc)} over {len(mc_runs)} "
            f"seeds; 95 % interval {' '.join(f'{h:.5f}' for h in half)}"
        )
        for side in others:
            got = timed.results[side.name]
            errors = " ".join(f"{abs(g - e) / sd:.5f}" for g, e in zip(got, exact, strict=True))
            print(f"    {side.name:<34} {errors}")
        print(
            f"  exact P10/P50/P90 {[int(e) for e in exact]} (reference {t_ref:.1f} s); "
            f"ours {[int(m) for m in mine]}; sd {sd:,.0f}"
        )


def simulations(bench: Harness, deals: list[Opportunity]) -> None:
    trials = 10_000 if bench.quick else TRIALS
    deals = deals[:1000]
    pairs = pairs_of(deals)
    amounts = np.array([float(a) for a, _p in pairs])
    probs = np.array([float(p) for _a, p in pairs])
    seeds = iter(range(10**6))
    timed = bench.compare(
        f"simulate, {len(deals):,} open deals x {trials:,} trials",
        Side("salesfunnel.simulate", lambda: simulate(deals, trials, seed=next(seeds))),
        [
            Side(
                "numpy, the same model",
                lambda: simulated_totals(amounts, probs, trials, next(seeds)),
                goal=1.5,
            )
        ],
        others=[
            Side(
                "bare Python, random() a draw",
                lambda: python_simulation(pairs, trials, next(seeds)),
                repeats=1,
            )
        ],
        repeats=2 if bench.quick else 3,
    )
    sim = timed.results["salesfunnel.simulate"]
    exact = distribution_of(pairs)
    print(
        f"  mean {sim.mean:,.0f} (exact {exact.mean:,.0f}, 95 % interval "
        f"{' - '.join(f'{x:,.0f}' for x in sim.mean_interval())}); "
        f"reversed order, same totals: {simulate(deals[::-1], trials, seed=1) == simulate(deals, trials, seed=1)}"
    )


def main() -> int:
    bench = Harness(__doc__, quick_help="100 and 1 000 deals, two runs; simulate 10 000 trials")
    deals = open_cny()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; {TRIALS} Monte Carlo trials")
    distributions(bench, pairs_of(deals))
    simulations(bench, deals)
    bench.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
