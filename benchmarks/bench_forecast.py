"""Benchmark: forecast by owner x product against an analyst's pandas groupby.

Both sides compute the same thing on the same generated opportunities: for
each (owner, product) group, the count, amount and probability-weighted
amount per time bucket and per forecast category at the cutoff, converted to
CNY (open deals at the cutoff's rate, closed ones at their close date's).
The pandas side is written the way an analyst would: one row per line item,
float amounts, ``merge_asof`` for dated rates, ``np.select`` for buckets and
categories, then ``groupby``. Its DataFrame is built from the opportunities
outside the timed part (an analyst would load it from a CRM export); a
second baseline times that build plus the groupby. Every cell of both sides
is checked against the other. The ratios are ours ÷ pandas of the median
times, measured interleaved in the same run (``_harness.py``).

Generating opportunities is slow (about 90 s for 1 000 000) and is not timed.

Usage: python benchmarks/bench_forecast.py [--quick]   (--quick: 100 000 only)
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from _harness import Harness, Side
from salesfunnel.cli.common import DEMO_RATES
from salesfunnel.datasets import SAMPLE_AS_OF, generate
from salesfunnel.forecasting.rollup import forecast
from salesfunnel.funnel import DEFAULT_FUNNEL

CUTOFF = SAMPLE_AS_OF
STAGE_PROB = {s.key: float(s.probability) for s in [*DEFAULT_FUNNEL, DEFAULT_FUNNEL.lost]}


def ours(opps):
    return forecast(opps, cutoff=CUTOFF, by="owner,product", currency="CNY", rates=DEMO_RATES)


def to_frame(opps):
    """One row per line item, as an analyst's CRM export would look."""
    rows = [
        (
            o.id,
            o.owner,
            li.product,
            o.stage,
            o.expected_close,
            o.closed_on,
            o.currency,
            float(li.amount),
            None if o.probability is None else float(o.probability),
        )
        for o in opps
        for li in o.line_items
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "id",
            "owner",
            "product",
            "stage",
            "expected_close",
            "closed_on",
            "currency",
            "amount",
            "probability",
        ],
    )
    df["expected_close"] = pd.to_datetime(df["expected_close"])
    df["closed_on"] = pd.to_datetime(df["closed_on"])
    return df


def rate_table():
    rows = [(pd.Timestamp(r.on), r.base, float(r.rate)) for r in DEMO_RATES.rates]
    return pd.DataFrame(rows, columns=["rate_date", "currency", "rate"]).sort_values("rate_date")


def analyst(df, rates):
    """The pandas version: buckets, categories, conversion, groupby."""
    cutoff = pd.Timestamp(CUTOFF)
    won = df["stage"] == "closed"
    lost = df["stage"] == "lost"
    closed = won | lost
    # booked and lost count the cutoff's quarter only
    quarter = cutoff.to_period("Q")
    in_period = (df["closed_on"] >= quarter.start_time) & (df["closed_on"] <= cutoff)
    df = df[~closed | in_period]
    closed = (df["stage"] == "closed") | (df["stage"] == "lost")
    df = df.assign(fx_date=df["closed_on"].where(closed, cutoff))
    df = df.sort_values("fx_date")
    df = pd.merge_asof(
        df, rates, left_on="fx_date", right_on="rate_date", by="currency", direction="backward"
    )
    df.loc[df["currency"] == "CNY", "rate"] = 1.0
    df["cny"] = (df["amount"] * df["rate"]).round(2)
    won = df["stage"] == "closed"
    lost = df["stage"] == "lost"
    prob = df["probability"].fillna(df["stage"].map(STAGE_PROB))
    prob = prob.where(~won, 1.0).where(~lost, 0.0)
    df["weighted"] = df["cny"] * prob
    close = df["expected_close"]
    # a month-end cutoff anchors the bucket edges on month ends
    if cutoff.is_month_end:
        edges = [cutoff + pd.offsets.MonthEnd(3 * k) for k in range(1, 5)]
    else:
        edges = [cutoff + pd.DateOffset(months=3 * k) for k in range(1, 5)]
    df["bucket"] = np.select(
        [
            won,
            lost,
            close <= cutoff,
            close <= edges[0],
            close <= edges[1],
            close <= edges[2],
            close <= edges[3],
        ],
        ["closed", "lost", "overdue", "0-3m", "3-6m", "6-9m", "9-12m"],
        default="12m+",
    )
    q = cutoff.to_period("Q")
    this_end, next_end = q.end_time.normalize(), (q + 1).end_time.normalize()
    this_q = (close >= q.start_time) & (close <= this_end)
    next_q = (close > this_end) & (close <= next_end)
    stage = df["stage"]
    df["category"] = np.select(
        [
            won,
            lost,
            (stage == "negotiation") & this_q,
            (stage == "recognition") & this_q,
            stage.isin(["recognition", "negotiation"]) & next_q,
            stage.isin(["intent", "project", "recognition", "negotiation"]),
        ],
        ["booked", "omitted", "commit", "upside_this_quarter", "upside_next_quarter", "pipeline"],
        default="omitted",
    )
    agg = {"count": ("id", "size"), "amount": ("cny", "sum"), "weighted": ("weighted", "sum")}
    # groupby + unstack is the idiom being measured (pivot_table is slower still)
    by_time = df.groupby(["owner", "product", "bucket"]).agg(**agg).unstack(fill_value=0)  # noqa: PD010
    by_category = df.groupby(["owner", "product", "category"]).agg(**agg).unstack(fill_value=0)  # noqa: PD010
    return by_time, by_category


def check(result, by_time, by_category):
    """Both sides agree cell by cell: counts exactly, amounts to float precision."""
    for row in result.rows:
        for view, table, figures in (
            ("bucket", by_time, row.buckets),
            ("category", by_category, row.categories),
        ):
            for key, f in figures.items():
                column = key.value
                count = table["count"].get(column)
                theirs = 0 if count is None else int(count.get(row.group, 0))
                if theirs != f.count:
                    print(f"count differs in {row.group} {view} {column}: {f.count} vs {theirs}")
                    return False
                amount = table["amount"].get(column)
                value = 0.0 if amount is None else float(amount.get(row.group, 0.0))
                if abs(value - float(f.amount)) > 1e-6 * max(1.0, value):
                    print(f"amount differs in {row.group} {view} {column}")
                    return False
    return True


def run(bench, n, repeats):
    print(f"\n== {n:,} opportunities ==")
    start = time.perf_counter()
    opps = generate(n, seed=2026)
    print(f"generated in {time.perf_counter() - start:.1f} s (not timed)")
    df = to_frame(opps)
    rates = rate_table()
    by_time, by_category = analyst(df, rates)
    result = ours(opps)
    print(f"every cell agrees: {check(result, by_time, by_category)}   rows: {len(result.rows)}")
    assert result.total.total.amount > Decimal(0)
    bench.compare(
        f"forecast by owner x product, {n:,} opportunities",
        Side("salesfunnel.forecast", lambda: ours(opps)),
        [
            Side("pandas groupby (compute only)", lambda: analyst(df, rates)),
            Side(
                "pandas frame build + groupby",
                lambda: analyst(to_frame(opps), rates),
                goal=2.0,
            ),
        ],
        repeats=repeats,
        per=(n, "opportunity"),
    )


def main():
    bench = Harness(__doc__, quick_help="100 000 opportunities only")
    print(f"forecast by owner x product at {CUTOFF}, in CNY")
    print(f"pandas {pd.__version__}, numpy {np.__version__}, cutoff {date.isoformat(CUTOFF)}")
    run(bench, 100_000, repeats=3)
    if not bench.quick:
        run(bench, 1_000_000, repeats=2)
    bench.finish()


if __name__ == "__main__":
    main()
