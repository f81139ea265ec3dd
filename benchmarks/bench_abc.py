"""Benchmark: ABC classification by revenue over 1 000 000 customers, against pandas and polars.

Each comparison gives both sides what they would have, in the same run
(median of several interleaved repeats, see ``_harness.py``):

* **the core**: ``abc_classify(revenue)`` on a ``dict`` of ``Decimal``
  revenue (exact: shares add up to exactly 1, ranking by revenue then
  customer key), against pandas on the analyst's ``dict`` of floats
  (``pd.Series(revenue)``, sort, cumulative sum, ``pd.cut``), the same
  pandas steps on a ready ``float64`` Series, and the bare-Python floor
  (``sorted``, ``accumulate``, ``bisect`` on the floats);
* **the frames path on pandas**: ``abc_frame(df, key="customer",
  value="revenue")`` on a frame of one row per customer with float64
  revenue, against the analyst's pandas on the same frame: sort by
  revenue (then customer, so that ties are ordered as ours), cumulative
  sum, ``pd.cut`` of the running total before each customer at 80 % and
  95 % of the total. Goal: at most 1.5x;
* **the frames path on polars**: the same with polars (``sort``,
  ``cum_sum``, ``cut``). Goal: at most 1.5x.

Every side's classes are checked against ours before timing. For
information, the frames path also runs on exact money (``Decimal``
objects in pandas, ``pl.Decimal`` in polars): sums, ranking and running
totals as int64 units in the engine, shares rounded exactly.

Ratios are ours ÷ baseline, printed as "N x slower" or "N x faster". Run::

    python benchmarks/bench_abc.py [--quick]

``--quick`` uses 100 000 customers. Needs pandas, polars and numpy (bench extra).
"""

from __future__ import annotations

import random
from bisect import bisect_left
from decimal import Decimal
from itertools import accumulate

import numpy as np
import pandas as pd
import polars as pl

from _harness import Harness, Side
from salesfunnel.customers.abc_classes import abc_classify
from salesfunnel.frames import abc_frame


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


def python_floor(floats: dict[str, float]) -> list[str]:
    """The bare-Python floor: sort, running totals, one bisect per class limit."""
    ranked = sorted(floats.items(), key=lambda kv: (-kv[1], kv[0]))
    cum = list(accumulate(v for _, v in ranked))
    total = cum[-1]
    cuts = [1 + min(bisect_left(cum, t * total), len(cum) - 1) for t in (0.8, 0.95)]
    return ["A"] * cuts[0] + ["B"] * (cuts[1] - cuts[0]) + ["C"] * (len(cum) - cuts[1])


def pandas_frame_abc(df: pd.DataFrame) -> pd.DataFrame:
    """The analyst's pandas: sort, cumsum, cut of the running total before each customer."""
    ranked = df.sort_values(["revenue", "customer"], ascending=[False, True])
    before = ranked["revenue"].cumsum().shift(fill_value=0.0)
    total = ranked["revenue"].sum()
    ranked["abc_class"] = pd.cut(
        before, [-np.inf, 0.8 * total, 0.95 * total, np.inf], right=False, labels=["A", "B", "C"]
    )
    return ranked


def polars_frame_abc(df: pl.DataFrame) -> pl.DataFrame:
    """The same in polars (``cut`` is deprecated there: ``when/then``)."""
    total = df["revenue"].sum()
    return (
        df.lazy()
        .sort(["revenue", "customer"], descending=[True, False])
        .with_columns(before=pl.col("revenue").cum_sum().shift(1, fill_value=0.0))
        .with_columns(
            abc_class=pl.when(pl.col("before") < 0.8 * total)
            .then(pl.lit("A"))
            .when(pl.col("before") < 0.95 * total)
            .then(pl.lit("B"))
            .otherwise(pl.lit("C"))
        )
        .collect()
    )


def check_frames(ours: object, theirs: object, label: str) -> None:
    mine = pl.from_pandas(ours) if isinstance(ours, pd.DataFrame) else ours
    other = pl.from_pandas(theirs) if isinstance(theirs, pd.DataFrame) else theirs
    assert mine["customer"].to_list() == other["customer"].to_list(), f"{label}: ranking differs"
    classes = other["abc_class"].cast(pl.String).to_list()
    assert mine["abc_class"].to_list() == classes, f"{label}: classes differ"


def main() -> None:
    bench = Harness(__doc__, quick_help="100 000 customers, fewer repeats")
    n = 100_000 if bench.quick else 1_000_000
    repeats = 3 if bench.quick else 5
    data = revenue(n)
    cents = {k: int(v * 100) for k, v in data.items()}
    floats_dict = {k: float(v) for k, v in data.items()}
    floats = pd.Series(floats_dict)

    # Same classes on both sides (INCLUSIVE is pandas.cut's convention).
    ours = abc_classify(data, boundary="inclusive")
    theirs = pandas_cut(floats)
    differ = [k for k, c in theirs.items() if ours.class_of(k) != str(c)]
    at_limits = {data[ours.ranking[i]] for i in ours.cuts[:-1] if i < n}
    ties = all(data[k] in at_limits for k in differ)
    print(f"{n:,} customers; classes agree for {n - len(differ):,} of {n:,} (INCLUSIVE vs pd.cut)")
    if differ:
        why = "tied figures at a class limit" if ties else "NOT only ties: check"
        print(f"  the {len(differ)} others are {why} (pandas keeps input order, we order by key)")
    print(f"  {ours.summary()}")
    core = abc_classify(floats_dict)
    assert python_floor(floats_dict) == [core.class_of(k) for k in core.ranking], "floor differs"

    bench.compare(
        f"ABC by revenue (the core), {n:,} customers",
        Side("salesfunnel, Decimal revenue", lambda: abc_classify(data)),
        [
            Side("pandas from the dict of floats", lambda: pandas_cut(pd.Series(floats_dict))),
            Side("pandas core on a float64 Series", lambda: pandas_cut(floats)),
            Side("bare-Python floor (floats)", lambda: python_floor(floats_dict)),
        ],
        others=[Side("salesfunnel, int cents", lambda: abc_classify(cents))],
        repeats=repeats,
    )

    customers = list(data)
    pdf = pd.DataFrame({"customer": customers, "revenue": floats_dict.values()})
    plf = pl.DataFrame({"customer": customers, "revenue": list(floats_dict.values())})
    exact_pdf = pd.DataFrame({"customer": customers, "revenue": pd.Series(data.values())})
    exact_plf = plf.with_columns(pl.col("revenue").cast(pl.Decimal(38, 2)))

    def ours_on(frame: object) -> object:
        return abc_frame(frame, key="customer", value="revenue")

    for label, frame, exact, baseline in (
        ("pandas", pdf, exact_pdf, pandas_frame_abc),
        ("polars", plf, exact_plf, polars_frame_abc),
    ):
        check_frames(ours_on(frame), baseline(frame), label)
        check_frames(ours_on(exact), baseline(frame), f"{label}, exact")
        bench.compare(
            f"ABC by revenue, {label} frame of {n:,} customers (float64 revenue)",
            Side("ours (abc_frame)", lambda frame=frame: ours_on(frame)),
            [Side(f"{label} sort/cumsum/cut", lambda frame=frame, b=baseline: b(frame), goal=1.5)],
            others=[Side("ours on exact money", lambda exact=exact: ours_on(exact))],
            repeats=repeats,
        )
    bench.finish()


if __name__ == "__main__":
    main()
