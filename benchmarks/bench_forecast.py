"""Benchmark: forecast by owner x product against an analyst's pandas groupby.

Both sides compute the same thing on the same generated opportunities: for
each (owner, product) group, the count, amount and probability-weighted
amount per time bucket and per forecast category at the cutoff, converted to
CNY (open deals at the cutoff's rate, closed ones at their close date's).
The pandas side is written the way an analyst would: one row per line item,
float amounts, ``merge_asof`` for dated rates, ``np.select`` for buckets and
categories, then ``groupby``. It starts from the rows a CRM export gives
(plain tuples of text, dates and floats, made once outside the timing, so
pandas is not charged for reading the library's objects): the first
baseline times the groupby on a ready frame, the second (the goal, at most
2x) builds the frame from the rows and then groups. The bare-Python floor
is one loop over the same rows into a dict, exact (``Decimal``) as ours,
for information. Every cell of both sides (counts, amounts and weighted
amounts) is checked against the other, and the run stops if one differs.
The ratios are ours ÷ baseline of the median times, measured interleaved
in the same run (``_harness.py``).

Generating opportunities is slow (40 s for 100 000, 7 minutes for 1 000 000 on
a loaded 2-core machine) and is not timed.

Usage: python benchmarks/bench_forecast.py [--quick]   (--quick: 100 000 only)
"""

from __future__ import annotations

import time
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pandas as pd

from _harness import Harness, Side
from salesfunnel.calendar import GREGORIAN
from salesfunnel.cli.common import DEMO_RATES
from salesfunnel.datasets import SAMPLE_AS_OF, generate
from salesfunnel.forecasting.buckets import month_edges
from salesfunnel.forecasting.rollup import forecast
from salesfunnel.funnel import DEFAULT_FUNNEL
from salesfunnel.fx import CENTS

CUTOFF = SAMPLE_AS_OF
STAGE_PROB = {s.key: float(s.probability) for s in [*DEFAULT_FUNNEL, DEFAULT_FUNNEL.lost]}
STAGE_EXACT = {s.key: s.probability for s in [*DEFAULT_FUNNEL, DEFAULT_FUNNEL.lost]}
ONE, ZERO = Decimal(1), Decimal(0)


def ours(opps):
    return forecast(opps, cutoff=CUTOFF, by="owner,product", currency="CNY", rates=DEMO_RATES)


COLUMNS = [
    "id",
    "owner",
    "product",
    "stage",
    "expected_close",
    "closed_on",
    "currency",
    "amount",
    "probability",
]


def export_rows(opps):
    """One tuple per line item, as a CRM export gives them (made once, not timed)."""
    return [
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


def to_frame(rows):
    """The analyst's frame of the export's rows."""
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["expected_close"] = pd.to_datetime(df["expected_close"])
    df["closed_on"] = pd.to_datetime(df["closed_on"])
    return df


def python_floor(rows, exact):
    """The bare-Python floor: one loop over the rows into a dict, Decimal money."""
    q = GREGORIAN.quarter_of(CUTOFF)
    q_start, q_end, next_end = q.start, q.end, q.next().end
    edges = month_edges(CUTOFF)
    buckets = ("0-3m", "3-6m", "6-9m", "9-12m")
    factors = {}
    out = {}
    late = {"intent", "project", "recognition", "negotiation"}
    for row, (written, given) in zip(rows, exact, strict=True):
        _id, owner, product, stage, close, closed_on, currency, _amount, _prob = row
        closed = stage in {"closed", "lost"}
        if closed and not (closed_on and q_start <= closed_on <= CUTOFF):
            continue
        on = closed_on if closed else CUTOFF
        amount = written
        if currency != "CNY":
            factor = factors.get((currency, on))
            if factor is None:
                factor = factors[currency, on] = DEMO_RATES.rate(currency, "CNY", on=on)
            amount = (amount * factor).quantize(CENTS, rounding=ROUND_HALF_EVEN)
        if stage == "closed":
            bucket, category, prob = "closed", "booked", ONE
        elif stage == "lost":
            bucket, category, prob = "lost", "omitted", ZERO
        else:
            bucket = "overdue" if close <= CUTOFF else "12m+"
            for edge, name in zip(edges, buckets, strict=True):
                if CUTOFF < close <= edge:
                    bucket = name
                    break
            this_q, next_q = q_start <= close <= q_end, q_end < close <= next_end
            if stage == "negotiation" and this_q:
                category = "commit"
            elif stage == "recognition" and this_q:
                category = "upside_this_quarter"
            elif stage in {"recognition", "negotiation"} and next_q:
                category = "upside_next_quarter"
            else:
                category = "pipeline" if stage in late else "omitted"
            prob = STAGE_EXACT[stage] if given is None else given
        for view in (bucket, category):
            cell = out.get((owner, product, view))
            if cell is None:
                cell = out[owner, product, view] = [0, ZERO, ZERO]
            cell[0] += 1
            cell[1] += amount
            cell[2] += amount * prob
    return out


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


def check_floor(result, floor):
    """The floor's cells are ours, exactly."""
    for row in result.rows:
        for figures in (row.buckets, row.categories):
            for key, f in figures.items():
                cell = floor.get((*row.group, key.value))
                if f.count == 0 and cell is None:
                    continue
                if cell is None or (cell[0], cell[1], cell[2]) != (f.count, f.amount, f.weighted):
                    print(f"the floor differs in {row.group} {key.value}: {cell} vs {f}")
                    return False
    return True


def check(result, by_time, by_category):
    """Both sides agree cell by cell: counts exactly, amounts and weighted to float precision.

    Every (group, bucket or category) cell of either side is compared, so a
    group or a cell that only one side has is a difference too.
    """
    ours = {}
    for row in result.rows:
        for figures in (row.buckets, row.categories):
            for key, f in figures.items():
                if f.count:
                    ours[(*row.group, key.value)] = (f.count, float(f.amount), float(f.weighted))
    theirs = {}
    for table in (by_time, by_category):
        for group, values in table.iterrows():
            for column in table["count"].columns:
                count = int(values["count", column])
                if count:
                    amount, weighted = values["amount", column], values["weighted", column]
                    theirs[(*group, column)] = (count, float(amount), float(weighted))
    if ours.keys() != theirs.keys():
        print(f"cells of one side only: {sorted(ours.keys() ^ theirs.keys())[:5]}")
        return False
    for cell, (count, amount, weighted) in ours.items():
        their_count, their_amount, their_weighted = theirs[cell]
        if count != their_count:
            print(f"count differs in {cell}: {count} vs {their_count}")
            return False
        for what, a, b in (
            ("amount", amount, their_amount),
            ("weighted", weighted, their_weighted),
        ):
            if abs(a - b) > 1e-6 * max(1.0, abs(a)):
                print(f"{what} differs in {cell}: {a} vs {b}")
                return False
    return True


def run(bench, n, repeats):
    print(f"\n== {n:,} opportunities ==")
    start = time.perf_counter()
    opps = generate(n, seed=2026)
    rows = export_rows(opps)
    exact = [(li.amount, o.probability) for o in opps for li in o.line_items]
    print(f"generated in {time.perf_counter() - start:.1f} s (not timed)")
    df = to_frame(rows)
    rates = rate_table()
    by_time, by_category = analyst(df, rates)
    result = ours(opps)
    agree = check(result, by_time, by_category)
    print(f"every cell agrees: {agree}   rows: {len(result.rows)}")
    assert agree, "pandas and salesfunnel differ"
    floor = python_floor(rows, exact)
    assert check_floor(result, floor), "the floor differs"
    assert result.total.total.amount > Decimal(0)
    bench.compare(
        f"forecast by owner x product, {n:,} opportunities",
        Side("salesfunnel.forecast", lambda: ours(opps)),
        [
            Side("pandas groupby (compute only)", lambda: analyst(df, rates)),
            Side(
                "pandas frame build + groupby",
                lambda: analyst(to_frame(rows), rates),
                goal=2.0,
            ),
        ],
        others=[Side("bare-Python floor (Decimal)", lambda: python_floor(rows, exact))],
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
