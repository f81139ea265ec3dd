"""Benchmark: the outcome distribution's P10/P50/P90 against a numpy Monte Carlo.

For 100, 1 000 and 100 000 open deals this measures, in one process:

* ours: ``salesfunnel.pipeline.distribution.distribution_of`` with its automatic
  method, then three percentiles;
* the baseline: a Monte Carlo of 100 000 trials written the way an analyst
  would in numpy (a matrix of uniform draws compared with the probabilities,
  times the amounts, then ``np.percentile``), in blocks of at most 50 million
  draws so that 100 000 deals fit in memory, with a new seed each run;

and compares both with a reference: the exact distribution on the amounts'
common unit (every 100), computed independently with numpy and scipy's FFT
convolution (groups of deals by shift-and-add, then a product tree that trims
tails below 1e-20 of mass). Errors are shown in money and in standard
deviations of the total.

Both are timed interleaved in the same run (``_harness.py``); the ratio is
ours ÷ Monte Carlo of the median times (the goal: at least 10x faster). The
Monte Carlo's error is the worst over its runs' seeds.

The deals are the sample generator's open deals in CNY (stage probabilities
and per-deal overrides); the 100 000-deal set resamples them with a seed.

Usage: python benchmarks/bench_pipeline.py [--quick]
(--quick: 100 and 1 000 deals only, two runs each.)
"""

from __future__ import annotations

import itertools
import math
import random
import sys
import time
from decimal import Decimal

import numpy as np
from scipy.signal import fftconvolve

from _harness import Harness, Side
from salesfunnel.datasets import generate
from salesfunnel.funnel import DEFAULT_FUNNEL, StageKind
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
    bench = Harness(__doc__, quick_help="100 and 1 000 deals, two runs")
    sizes = (100, 1000) if bench.quick else (100, 1000, 100_000)
    base = pool()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; {TRIALS} Monte Carlo trials")
    for n in sizes:
        pairs = deals_for(n, base)
        repeats = 1 if n > 10_000 else (2 if bench.quick else 5)
        amounts = np.array([float(a) for a, _p in pairs])
        probs = np.array([float(p) for _a, p in pairs])
        seeds, mc_runs = itertools.count(), []
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
            repeats=repeats,
            warmups=0 if n > 10_000 else 1,
        )
        dist, mine = timed.results["distribution_of"]
        exact, t_ref = reference(pairs)
        sd = dist.stdev
        err_ours = [abs(float(m) - e) / sd for m, e in zip(mine, exact, strict=True)]
        err_mc = [max(abs(run[i] - exact[i]) for run in mc_runs) / sd for i in range(len(LEVELS))]
        bound = float(dist.error.amount) / sd
        print(
            f"  method {dist.method.value}; |error| / sd (P10 P50 P90): ours "
            f"{' '.join(f'{e:.5f}' for e in err_ours)}, Monte Carlo "
            f"{' '.join(f'{e:.4f}' for e in err_mc)}; "
            f"bound/sd {bound:.4f} + p {dist.error.probability:.1e}"
        )
        print(
            f"  exact P10/P50/P90 {[int(e) for e in exact]} (reference {t_ref:.1f} s); "
            f"ours {[int(m) for m in mine]}; sd {sd:,.0f}"
        )
        if not math.isfinite(sd):  # pragma: no cover - sanity
            return 1
    bench.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
