"""Benchmark: ABC classification by revenue over 1 000 000 customers, against pandas.

Both sides start from the same input, a ``dict`` of customer → revenue, and
produce an A/B/C class per customer at the thresholds (0.8, 0.95), measured
in the same run (median of several interleaved repeats, see ``_harness.py``):

* salesfunnel: ``abc_classify(revenue)`` on ``Decimal`` revenue (exact:
  shares add up to exactly 1, ranking by revenue then customer key), and on
  ``int`` revenue in cents;
* pandas, "the pandas way": build a Series, sort, cumulative sum, divide by
  the total, ``pd.cut`` — timed from the ``dict`` of Decimals (``astype(float)``
  included) and, separately, the core steps alone on a ready ``float64``
  Series (the fastest case pandas can have);
* pandas on the ``Decimal`` values themselves (an object Series), which is
  what exact money costs there.

Ratios are salesfunnel time ÷ pandas time, printed as "N x slower" or
"N x faster". Run::

    python benchmarks/bench_abc.py [--quick]

``--quick`` uses 100 000 customers. Needs pandas and numpy (bench extra).
"""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import pandas as pd

from _harness import Harness, Side
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


def main() -> None:
    bench = Harness(__doc__, quick_help="100 000 customers, fewer repeats")
    n = 100_000 if bench.quick else 1_000_000
    repeats = 3 if bench.quick else 5
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

    bench.compare(
        f"ABC by revenue, {n:,} customers",
        Side("salesfunnel, Decimal revenue", lambda: abc_classify(data)),
        [
            Side(
                "pandas from dict of Decimal (as float)",
                lambda: pandas_cut(pd.Series(data).astype(float)),
            ),
            Side("pandas core on a float64 Series", lambda: pandas_cut(floats)),
            Side(
                "pandas on Decimal objects (exact)",
                lambda: pandas_cut(pd.Series(data)),
                repeats=1 if bench.quick else 2,
            ),
        ],
        others=[Side("salesfunnel, int cents", lambda: abc_classify(cents))],
        repeats=repeats,
    )
    bench.finish()


if __name__ == "__main__":
    main()
