"""Benchmark: the outcome distribution's P10/P50/P90 against a numpy Monte Carlo.

For 100, 1 000 and 100 000 open deals this measures, in one process:

* ours: ``salesfunnel.pipeline.distribution.distribution_of`` with its automatic
  method, then three percentiles (best of several runs);
* the baseline: a Monte Carlo of 100 000 trials written the way an analyst
  would in numpy (a matrix of uniform draws compared with the probabilities,
  times the amounts, then ``np.percentile``), in blocks of at most 50 million
  draws so that 100 000 deals fit in memory;

and compares both with a reference: the exact distribution on the amounts'
common unit (every 100), computed independently with numpy and scipy's FFT
convolution (groups of deals by shift-and-add, then a product tree that trims
tails below 1e-20 of mass). Errors are shown in money and in standard
deviations of the total.

The deals are the sample generator's open deals in CNY (stage probabilities
and per-deal overrides); the 100 000-deal set resamples them with a seed.

Usage: python benchmarks/bench_pipeline.py [--quick]
(--quick: 100 and 1 000 deals only, two runs each.)
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from decimal import Decimal

import numpy as np
from scipy.signal import fftconvolve

from salesfunnel import DEFAULT_FUNNEL, StageKind
from salesfunnel.datasets import generate
from salesfunnel.pipeline.distribution import distribution_of

LEVELS = (10, 50, 90)
TRIALS = 100_000
BLOCK = 50_000_000
TRIM = 1e-20


def pool(seed: int = 2026) -> list[tuple[Decimal, Decimal]]:
    """Open CNY deals of a generated pipeline as (amount, probability)."""
    deals = generate(6000, seed=seed)
    return [
        (o.amount, DEFAULT_FUNNEL.probability_of(o))
        for o in deals
        if o.currency == "CNY" and DEFAULT_FUNNEL.kind_of(o) is StageKind.OPEN
    ]


def deals_for(n: int, base: list[tuple[Decimal, Decimal]]) -> list[tuple[Decimal, Decimal]]:
    if n <= len(base):
        return base[:n]
    rng = random.Random(n)
    return [rng.choice(base) for _ in range(n)]


def best_of(repeats: int, func):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def ours(pairs):
    dist = distribution_of(pairs)
    return dist, [dist.percentile(k) for k in LEVELS]


def monte_carlo(amounts: np.ndarray, probs: np.ndarray, seed: int) -> np.ndarray:
    """The analyst's Monte Carlo: draw, compare, multiply, take percentiles."""
    rng = np.random.default_rng(seed)
    totals = np.empty(TRIALS)
    rows = max(1, BLOCK // len(amounts))
    for start in range(0, TRIALS, rows):
        k = min(rows, TRIALS - start)
        wins = rng.random((k, len(amounts))) < probs
        totals[start : start + k] = wins @ amounts
    return np.percentile(totals, LEVELS)


def _trim(offset: int, pmf: np.ndarray) -> tuple[int, np.ndarray]:
    pmf = np.clip(pmf, 0.0, None)
    cum = np.cumsum(pmf)
    lo = int(np.searchsorted(cum, TRIM))
    hi = int(np.searchsorted(cum, cum[-1] - TRIM)) + 1
    return offset + lo, pmf[lo:hi]


def reference(pairs, unit: int = 100) -> tuple[list[float], float]:
    """Exact P10/P50/P90 on the lattice of ``unit``, by FFT convolution; and the time."""
    start = time.perf_counter()
    items = sorted(
        (int(a) // unit, float(p)) for a, p in pairs if 0 < p < 1 and a > 0 and int(a) % unit == 0
    )
    assert len(items) == sum(1 for a, p in pairs if 0 < p < 1 and a > 0), "amounts off the lattice"
    certain = sum(int(a) for a, p in pairs if p == 1)
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
            merged.append(_trim(oa + ob, fftconvolve(a, b)))
        if len(pieces) % 2:
            merged.append(pieces[-1])
        pieces = merged
    offset, pmf = pieces[0]
    cum = np.cumsum(pmf) / pmf.sum()
    values = [
        certain + (offset + int(np.searchsorted(cum, k / 100 - 1e-12))) * unit for k in LEVELS
    ]
    return values, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1 000 deals, two runs")
    args = parser.parse_args()
    sizes = (100, 1000) if args.quick else (100, 1000, 100_000)
    base = pool()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; {TRIALS} Monte Carlo trials")
    print(
        f"{'deals':>7} {'method':>8} {'ours s':>8} {'MC s':>8} {'speed-up':>9}  "
        f"{'|error| / sd, ours (P10 P50 P90)':>34}  {'|error| / sd, MC':>24}  bound/sd"
    )
    for n in sizes:
        pairs = deals_for(n, base)
        repeats = 1 if n > 10_000 else (2 if args.quick else 5)
        t_ours, (dist, mine) = best_of(repeats, lambda pairs=pairs: ours(pairs))
        amounts = np.array([float(a) for a, _p in pairs])
        probs = np.array([float(p) for _a, p in pairs])
        mc_times, mc_runs = [], []
        for seed in range(1 if n > 10_000 else repeats):
            start = time.perf_counter()
            mc_runs.append(monte_carlo(amounts, probs, seed))
            mc_times.append(time.perf_counter() - start)
        exact, t_ref = reference(pairs)
        sd = dist.stdev
        err_ours = [abs(float(m) - e) / sd for m, e in zip(mine, exact, strict=True)]
        err_mc = [max(abs(run[i] - exact[i]) for run in mc_runs) / sd for i in range(len(LEVELS))]
        bound = float(dist.error.amount) / sd
        print(
            f"{n:>7} {dist.method.value:>8} {t_ours:>8.3f} {min(mc_times):>8.3f} "
            f"{min(mc_times) / t_ours:>8.1f}x  "
            f"{' '.join(f'{e:.5f}' for e in err_ours):>34}  "
            f"{' '.join(f'{e:.4f}' for e in err_mc):>24}  "
            f"{bound:.4f} + p {dist.error.probability:.1e}"
        )
        print(
            f"{'':>7} exact P10/P50/P90 {[int(e) for e in exact]} (reference {t_ref:.1f} s); "
            f"ours {[int(m) for m in mine]}; sd {sd:,.0f}"
        )
        if not math.isfinite(sd):  # pragma: no cover - sanity
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
