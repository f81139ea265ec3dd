"""Benchmark: ABC classification by revenue over 1 000 000 customers, against pandas.

Both sides start from the same input, a ``dict`` of customer → revenue, and
produce an A/B/C class per customer at the thresholds (0.8, 0.95), measured
in the same run (best of several repeats):

* salesfunnel: ``abc_classify(revenue)`` on ``Decimal`` revenue (exact:
  shares add up to exactly 1, ranking by revenue then customer key), and on
  ``int`` revenue in cents;
* pandas, "the pandas way": build a Series, sort, cumulative sum, divide by
  the total, ``pd.cut`` — timed from the ``dict`` of Decimals (``astype(float)``
  included) and, separately, the core steps alone on a ready ``float64``
  Series (the fastest case pandas can have);
* pandas on the ``Decimal`` values themselves (an object Series), which is
  what exact money costs there.

Ratios are pandas time ÷ salesfunnel time: above 1 means salesfunnel is
faster. Run::

    python benchmarks/bench_abc.py [--quick]

``--quick`` uses 100 000 customers. Needs pandas and numpy (bench extra).
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from decimal import Decimal

import numpy as np
import pandas as pd

from salesfunnel.customers.abc_classes import abc_classify


def revenue(n: int, seed: int = 2026) -> dict[str, Decimal]:
    """Lognormal revenue in cents for ``n`` customers (about 12 % make 80 %)."""
    rng = random.Random(seed)
    keys = [f"C{i:07d}" for i in range(n)]
    rng.shuffle(keys)
    return {k: Decimal(int(rng.lognormvariate(10, 2))) / 100 for k in keys}


def pandas_cut(series: pd.Series) -> pd.Series:
    """Sort, cumulative sum, share, cut (the last bin is open: float sums overshoot 1)."""
    ordered = series.sort_values(ascending=False, kind="stable")
    share = ordered.cumsum() / ordered.sum()
    return pd.cut(share, [-np.inf, 0.8, 0.95, np.inf], labels=["A", "B", "C"])


def best(fn: object, repeats: int) -> float:
    """The best wall time of ``repeats`` runs of ``fn()``."""
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 000 customers, fewer repeats")
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    repeats = 3 if args.quick else 5
    data = revenue(n)
    cents = {k: int(v * 100) for k, v in data.items()}
    floats = pd.Series({k: float(v) for k, v in data.items()})

    # Same classes on both sides (INCLUSIVE is pandas.cut's convention).
    ours = abc_classify(data, boundary="inclusive")
    theirs = pandas_cut(pd.Series(data).astype(float))
    differ = [k for k, c in theirs.items() if ours.class_of(k) != str(c)]
    at_limits = {data[ours.ranking[i]] for i in ours.cuts[:-1] if i < n}
    ties = all(data[k] in at_limits for k in differ)
    print(f"{n:,} customers; classes agree for {n - len(differ):,} of {n:,} (INCLUSIVE vs pd.cut)")
    if differ:
        why = "tied figures at a class limit" if ties else "NOT only ties: check"
        print(f"  the {len(differ)} others are {why} (pandas keeps input order, we order by key)")
    print(f"  {ours.summary()}")

    t_dec = best(lambda: abc_classify(data), repeats)
    t_int = best(lambda: abc_classify(cents), repeats)
    t_pd_full = best(lambda: pandas_cut(pd.Series(data).astype(float)), repeats)
    t_pd_core = best(lambda: pandas_cut(floats), repeats)
    t_pd_obj = best(lambda: pandas_cut(pd.Series(data)), 1 if args.quick else 2)

    print(f"best of {repeats} (seconds; ratio = pandas / salesfunnel, > 1: salesfunnel faster)")
    print(f"  salesfunnel, Decimal revenue           {t_dec:8.3f}")
    print(f"  salesfunnel, int cents                 {t_int:8.3f}")
    print(
        f"  pandas from dict of Decimal (as float) {t_pd_full:8.3f}   ratio {t_pd_full / t_dec:5.2f}"
    )
    print(
        f"  pandas core on a float64 Series        {t_pd_core:8.3f}   ratio {t_pd_core / t_dec:5.2f}"
    )
    print(
        f"  pandas on Decimal objects (exact)      {t_pd_obj:8.3f}   ratio {t_pd_obj / t_dec:5.2f}"
    )


if __name__ == "__main__":
    main()
