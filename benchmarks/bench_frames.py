"""Benchmark: the frame-native forecast, weighted value and ABC against hand-written pandas.

Both sides run on the same pandas DataFrame of 1 000 000 opportunities (the
columns of ``salesfunnel.frames.to_pandas``: money as ``Decimal`` objects,
dates as ``date32[pyarrow]``) in the same process:

* ours: ``forecast_frame(df, cutoff=..., by="owner")``,
  ``weighted_value_frame(df)`` and ``abc_frame(df[won], key="account")``;
* pandas: the same figures written the way an analyst would, with boolean
  masks, ``np.select`` for buckets and categories, ``Series.map`` for stage
  probabilities and ``groupby(...).agg``. Each result is checked against
  ours before timing, so the two compute the same thing.

The ratio is ours / pandas of the median times, the runs interleaved in the
same process (``_harness.py``; 1.0: as fast; the goal is at most 1.5). The
forecast by product (line items split from the ``products`` text in Python)
and the polars timings of our functions are printed for information.

How the frame is built: with numpy, from a seed (no ``Opportunity`` objects):
stages, owners, accounts and products drawn with ``Generator.choice``,
dates as ``datetime64[D]`` offsets, one to three product lines of whole
hundreds each, the ``products`` text joined with vectorised string
operations, and the amounts turned into ``Decimal`` objects at the end
(about 2 s for a million rows). The polars frame is built from the same
arrays.

The machine is shared (2 cores): run it twice and take the better figures.

Usage: python benchmarks/bench_frames.py [--quick]   (--quick: 100 000 rows)
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

from _harness import Harness, Side
from salesfunnel.calendar import GREGORIAN
from salesfunnel.datasets import OWNERS, PRODUCTS
from salesfunnel.forecasting.buckets import month_edges
from salesfunnel.frames import abc_frame, forecast_frame, weighted_value_frame
from salesfunnel.funnel import DEFAULT_FUNNEL

CUTOFF = date(2026, 9, 30)
STAGES = [*DEFAULT_FUNNEL.keys()]
STAGE_WEIGHTS = [0.04, 0.18, 0.14, 0.12, 0.10, 0.08, 0.16, 0.18]
STAGE_PROB = {s.key: s.probability for s in DEFAULT_FUNNEL}
OVERRIDES = [Decimal("0.15"), Decimal("0.35"), Decimal("0.55"), Decimal("0.75")]


def arrays(n, seed=2026):
    """The columns of ``n`` opportunities as numpy arrays (money as int64 whole units)."""
    rng = np.random.default_rng(seed)
    stage = rng.choice(np.array(STAGES, dtype=object), n, p=STAGE_WEIGHTS)
    created = np.datetime64("2025-01-01") + rng.integers(0, 640, n).astype("timedelta64[D]")
    expected = created + rng.integers(0, 540, n).astype("timedelta64[D]")
    closed = np.isin(stage, ["closed", "lost"])
    closed_on = np.where(closed, np.minimum(expected, np.datetime64(CUTOFF)), np.datetime64("NaT"))
    closed_on = np.maximum(closed_on, created)
    names = np.array(list(PRODUCTS), dtype=object)
    lines = rng.integers(1, 4, n)
    first = rng.integers(0, len(names), n)
    line_amounts = rng.integers(1, 4000, (n, 3)) * 100
    line_amounts[np.arange(3) >= lines[:, None]] = 0
    amount = line_amounts.sum(axis=1)
    products = np.full(n, "", dtype=object)
    for k in range(3):
        part = names[(first + k) % len(names)] + "=" + line_amounts[:, k].astype(str)
        products = np.where(lines > k, np.where(k == 0, part, products + ";" + part), products)
    has_override = rng.random(n) < 0.1
    probability = np.where(has_override, rng.choice(np.array(OVERRIDES, dtype=object), n), None)
    commit = (rng.random(n) < 0.02) & ~closed
    return {
        "id": np.char.add("OPP-", np.char.zfill(np.arange(n).astype(str), 7)).astype(object),
        "name": np.full(n, "Deal", dtype=object),
        "account": np.char.add("Account ", rng.integers(0, 20_000, n).astype(str)).astype(object),
        "owner": rng.choice(np.array(OWNERS, dtype=object), n),
        "stage": stage,
        "created": created,
        "expected_close": expected,
        "amount": amount,
        "currency": np.full(n, "CNY", dtype=object),
        "products": products,
        "probability": probability,
        "closed_on": closed_on,
        "category_override": np.where(commit, "commit", None),
    }


def pandas_frame(cols):
    """The pandas frame of ``to_pandas``: Decimal objects, date32[pyarrow], str."""
    date32 = pd.ArrowDtype(pa.date32())
    data = {}
    for name, values in cols.items():
        if name in {"created", "expected_close", "closed_on"}:
            data[name] = pd.Series(pa.array(values, type=pa.date32()), dtype=date32)
        elif name == "amount":
            data[name] = pd.Series(list(map(Decimal, values.tolist())), dtype=object)
        elif name == "probability":
            data[name] = pd.Series(values, dtype=object)
        else:
            data[name] = pd.Series(values, dtype="str")
    return pd.DataFrame(data)


def polars_frame(cols):
    """The polars frame of ``to_polars``: pl.Decimal, pl.Date, pl.String."""
    data = {}
    for name, values in cols.items():
        if name in {"created", "expected_close", "closed_on"}:
            data[name] = pl.Series(name, values).cast(pl.Date)
        elif name == "amount":
            data[name] = pl.Series(name, values).cast(pl.Decimal(38, 0))
        elif name == "probability":
            data[name] = pl.Series(name, values.tolist(), dtype=pl.Decimal(38, 2))
        else:
            data[name] = pl.Series(name, values.tolist(), dtype=pl.String)
    return pl.DataFrame(data)


# -- the analyst's pandas code ------------------------------------------------------


def pandas_probability(df):
    won, lost = df["stage"] == "closed", df["stage"] == "lost"
    prob = df["probability"].where(df["probability"].notna(), df["stage"].map(STAGE_PROB))
    return prob.mask(won, Decimal(1)).mask(lost, Decimal(0))


def pandas_forecast(df):
    # won and lost deals count when closed in the cutoff's quarter (up to the cutoff)
    q = GREGORIAN.quarter_of(CUTOFF)
    closed = df["stage"].isin(["closed", "lost"])
    in_quarter = (df["closed_on"] >= q.start) & (df["closed_on"] <= CUTOFF)
    df = df[(df["created"] <= CUTOFF) & (~closed | in_quarter)]
    stage, close = df["stage"], df["expected_close"]
    won, lost = stage == "closed", stage == "lost"
    e3, e6, e9, e12 = (pd.Timestamp(e).date() for e in month_edges(CUTOFF))
    bucket = np.select(
        [won, lost, close <= CUTOFF, close <= e3, close <= e6, close <= e9, close <= e12],
        ["closed", "lost", "overdue", "0-3m", "3-6m", "6-9m", "9-12m"],
        "12m+",
    )
    this_q = (close >= q.start) & (close <= q.end)
    next_q = (close > q.end) & (close <= q.next().end)
    late = stage.isin(["intent", "project", "recognition", "negotiation"])
    category = np.select(
        [
            won,
            lost,
            df["category_override"] == "commit",
            (stage == "negotiation") & this_q,
            (stage == "recognition") & this_q,
            stage.isin(["recognition", "negotiation"]) & next_q,
            late,
        ],
        [
            "booked",
            "omitted",
            "commit",
            "commit",
            "upside_this_quarter",
            "upside_next_quarter",
            "pipeline",
        ],
        "omitted",
    )
    weighted = df["amount"] * pandas_probability(df)
    table = pd.DataFrame(
        {
            "owner": df["owner"],
            "bucket": bucket,
            "category": category,
            "amount": df["amount"],
            "weighted": weighted,
        }
    )
    return table.groupby(["owner", "bucket", "category"]).agg(
        count=("amount", "size"), amount=("amount", "sum"), weighted=("weighted", "sum")
    )


def pandas_weighted(df):
    return (df["amount"] * pandas_probability(df)).sum()


def pandas_abc(df):
    sums = df.groupby("account")["amount"].sum().reset_index()
    sums = sums.sort_values(["amount", "account"], ascending=[False, True])
    total = sums["amount"].sum()
    before = sums["amount"].cumsum() - sums["amount"]
    sums["abc_class"] = np.select(
        [before < total * Decimal("0.8"), before < total * Decimal("0.95")], ["A", "B"], "C"
    )
    return sums


# -- checks: the two sides compute the same figures ---------------------------------


def check_forecast(ours_df, theirs):
    got = {
        (r.owner, r.bucket, r.category): (r.count, r.amount, r.weighted)
        for r in ours_df.itertuples(index=False)
    }
    want = {k: (r["count"], r["amount"], r["weighted"]) for k, r in theirs.iterrows()}
    assert got == want, "forecast_frame and the pandas forecast differ"


def check_abc(ours_df, theirs):
    assert list(ours_df["account"]) == list(theirs["account"])
    assert list(ours_df["abc_class"]) == list(theirs["abc_class"]), "ABC classes differ"


def main():
    bench = Harness(__doc__, quick_help="100 000 rows instead of 1 000 000")
    n = 100_000 if bench.quick else 1_000_000
    repeats = 5

    start = time.perf_counter()
    cols = arrays(n)
    pdf = pandas_frame(cols)
    print(f"built a {n:,}-row pandas frame in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    plf = polars_frame(cols)
    print(f"built the polars frame in {time.perf_counter() - start:.1f} s")
    won = pdf[pdf["stage"] == "closed"]

    cases = [
        (
            "forecast by owner",
            lambda: forecast_frame(pdf, cutoff=CUTOFF, by="owner"),
            lambda: pandas_forecast(pdf),
            check_forecast,
        ),
        (
            "weighted value",
            lambda: weighted_value_frame(pdf),
            lambda: pandas_weighted(pdf),
            lambda a, b: _check_equal(a["weighted"][0], b),
        ),
        (
            "ABC of accounts (won)",
            lambda: abc_frame(won, key="account", value="amount"),
            lambda: pandas_abc(won),
            check_abc,
        ),
    ]
    for label, ours, theirs, check in cases:
        check(ours(), theirs())
        bench.compare(
            f"{label}, pandas frame of {n:,} rows",
            Side("ours", ours),
            [Side("pandas", theirs, goal=1.5)],
            repeats=repeats,
        )

    print("\nfor information (no baseline):")
    bench.compare(
        "pandas: forecast by owner, product",
        Side("ours", lambda: forecast_frame(pdf, cutoff=CUTOFF, by="owner,product")),
        repeats=1,
    )
    bench.compare(
        "polars frame",
        Side("forecast by owner", lambda: forecast_frame(plf, cutoff=CUTOFF, by="owner")),
        others=[
            Side("weighted value", lambda: weighted_value_frame(plf)),
            Side(
                "ABC of accounts (won)",
                lambda: abc_frame(plf.filter(pl.col("stage") == "closed"), key="account"),
            ),
        ],
        repeats=repeats,
    )
    bench.finish()


def _check_equal(a, b):
    assert a == b, f"{a} != {b}"


if __name__ == "__main__":
    main()
