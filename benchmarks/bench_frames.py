"""Benchmark: the frame-native forecast and weighted pipeline against the groupby an analyst writes.

Both sides run on the same frame of 1 000 000 opportunities in the same
process, the frame an analyst has from a CRM export: float64 amounts and
probabilities (NaN where none), dates, text (the ``products`` column holds
the line items as ``ERP=100000;CRM=20000``, as the CSV format writes them):

* ours: ``forecast_frame(df, cutoff=..., by="owner,product")``: exact money
  (the floats read through their shortest repr, as int64 units), every
  figure computed by the engine;
* pandas: the same figures written the way an analyst would, on the floats:
  boolean masks, ``np.select`` for buckets and categories, ``str.split`` and
  ``explode`` for the line items, ``groupby(...).agg``;
* polars: the same in polars (lazy: ``when/then``, ``str.split``,
  ``explode``, ``group_by``).

The weighted pipeline by owner (``weighted_value_frame(df, by="owner")``)
is timed the same way, against the same few lines in pandas and polars
(probability, else the stage's; won 1, lost 0; ``amount × probability``
summed per owner).

Each result is checked against ours before timing (counts exactly, amounts
to float precision), so both compute the same thing. The ratio is ours ÷
baseline of the median times, the runs interleaved (``_harness.py``); the
goal is at most 1.5x. For information, ours also runs on the frames that
``to_pandas`` / ``to_polars`` give (``Decimal`` objects, ``pl.Decimal``),
and the bare-Python floor (one loop over the rows' tuples into a dict, with
floats) is timed beside them.

The forecast into CNY of the same deals in three currencies (60 % CNY,
25 % USD, 15 % EUR; monthly rates of four places, won and lost deals at
their close date's rate, open ones at the cutoff's) is timed too:
``forecast_frame(..., currency="CNY", rates=...)`` (each line converted and
rounded half-even to cents, in int64 units) against the analyst's float
rate join (``merge_asof`` / ``join_asof`` by currency on the rate date,
line amount x rate, then the same group-by), and beside it ours on the one
currency frame, to show what the conversion costs.

``--dask`` also runs the forecast on a Dask ``LocalCluster`` (2 workers)
over 10 000 000 rows (not in ``--quick``), against the same pandas code
run partition by partition.

How the frame is built: with numpy, from a seed (no ``Opportunity`` objects):
stages, owners, accounts and products drawn with ``Generator.choice``,
dates as ``datetime64[D]`` offsets, one to three product lines of whole
hundreds each, the ``products`` text joined with vectorised string
operations.

The machine is shared (2 cores): run it twice and take the better figures.

Usage: python benchmarks/bench_frames.py [--quick] [--dask]   (--quick: 100 000 rows)
"""

from __future__ import annotations

import sys
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
from salesfunnel.frames import forecast_frame, weighted_value_frame
from salesfunnel.funnel import DEFAULT_FUNNEL
from salesfunnel.fx import ExchangeRates

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


#: Monthly rates into CNY (four places), as published: the forecast converts each
#: won or lost deal at the rate of its close date, open ones at the cutoff's.
RATE_TABLE = {
    date(2025 + m // 12, m % 12 + 1, 1): {
        "USD": Decimal("7.1000") + Decimal(m * 37 % 100) / 1000,
        "EUR": Decimal("7.7000") + Decimal(m * 53 % 100) / 1000,
    }
    for m in range(22)
}
RATES = ExchangeRates.to("CNY", RATE_TABLE)


def multi_currency(cols, seed=7):
    """The columns with 60 % of the deals in CNY, 25 % in USD and 15 % in EUR."""
    rng = np.random.default_rng(seed)
    currency = rng.choice(
        np.array(["CNY", "USD", "EUR"], dtype=object), len(cols["amount"]), p=[0.6, 0.25, 0.15]
    )
    return {**cols, "currency": currency}


def rate_frames():
    """The analyst's float rate table (currency, on, rate), as pandas and as polars."""
    rows = [(c, on, float(r)) for on, row in RATE_TABLE.items() for c, r in row.items()]
    table = pd.DataFrame(rows, columns=["currency", "on", "rate"])
    table["on"] = pd.to_datetime(table["on"]).astype("datetime64[ns]")
    table["currency"] = table["currency"].astype("str")
    polars = pl.DataFrame(rows, schema=["currency", "on", "rate"], orient="row").sort("on")
    return table.sort_values("on"), polars


def analyst_pandas(cols):
    """The analyst's pandas frame: float64 money, datetime64 dates, text."""
    data = {}
    for name, values in cols.items():
        if name in {"created", "expected_close", "closed_on"}:
            data[name] = pd.Series(values.astype("datetime64[ns]"))
        elif name in {"amount", "probability"}:
            data[name] = pd.Series(values, dtype="float64")
        else:
            data[name] = pd.Series(values, dtype="str")
    return pd.DataFrame(data)


def analyst_polars(cols):
    """The analyst's polars frame: Float64 money, Date dates, String text."""
    data = {}
    for name, values in cols.items():
        if name in {"created", "expected_close", "closed_on"}:
            data[name] = pl.Series(name, values).cast(pl.Date)
        elif name in {"amount", "probability"}:
            data[name] = pl.Series(name, np.asarray(values, dtype=np.float64), nan_to_null=True)
        else:
            data[name] = pl.Series(name, values.tolist(), dtype=pl.String)
    return pl.DataFrame(data)


def exact_pandas(cols):
    """The pandas frame of ``to_pandas``: Decimal objects, date32[pyarrow], str."""
    date32 = pd.ArrowDtype(pa.date32())
    df = analyst_pandas(cols)
    for name in ("created", "expected_close", "closed_on"):
        df[name] = pd.Series(pa.array(cols[name], type=pa.date32()), dtype=date32)
    df["amount"] = pd.Series(list(map(Decimal, cols["amount"].tolist())), dtype=object)
    df["probability"] = pd.Series(
        [None if p is None else Decimal(str(p)) for p in cols["probability"]], dtype=object
    )
    return df


def exact_polars(cols):
    """The polars frame of ``to_polars``: pl.Decimal money."""
    return analyst_polars(cols).with_columns(
        pl.col("amount").cast(pl.Decimal(38, 0)), pl.col("probability").cast(pl.Decimal(38, 2))
    )


# -- the analyst's code ------------------------------------------------------------

Q = GREGORIAN.quarter_of(CUTOFF)
E3, E6, E9, E12 = month_edges(CUTOFF)
LATE = ["intent", "project", "recognition", "negotiation"]
STAGE_FLOAT = {k: float(v) for k, v in STAGE_PROB.items()}


def pandas_forecast(df, rates=None):
    """Forecast by owner x product in pandas, on floats (``rates``: converted into CNY)."""
    cutoff = pd.Timestamp(CUTOFF)
    closed = df["stage"].isin(["closed", "lost"])
    in_quarter = (df["closed_on"] >= pd.Timestamp(Q.start)) & (df["closed_on"] <= cutoff)
    df = df[(df["created"] <= cutoff) & (~closed | in_quarter)]
    rate = 1.0 if rates is None else pandas_rate(df, rates)
    stage, close = df["stage"], df["expected_close"]
    won, lost = stage == "closed", stage == "lost"
    e3, e6, e9, e12 = (pd.Timestamp(e) for e in (E3, E6, E9, E12))
    bucket = np.select(
        [won, lost, close <= cutoff, close <= e3, close <= e6, close <= e9, close <= e12],
        ["closed", "lost", "overdue", "0-3m", "3-6m", "6-9m", "9-12m"],
        "12m+",
    )
    this_q = (close >= pd.Timestamp(Q.start)) & (close <= pd.Timestamp(Q.end))
    next_q = (close > pd.Timestamp(Q.end)) & (close <= pd.Timestamp(Q.next().end))
    category = np.select(
        [
            won,
            lost,
            df["category_override"] == "commit",
            (stage == "negotiation") & this_q,
            (stage == "recognition") & this_q,
            stage.isin(["recognition", "negotiation"]) & next_q,
            stage.isin(LATE),
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
    prob = df["probability"].fillna(stage.map(STAGE_FLOAT)).mask(won, 1.0).mask(lost, 0.0)
    table = pd.DataFrame(
        {
            "owner": df["owner"],
            "bucket": bucket,
            "category": category,
            "prob": prob,
            "rate": rate,
            "line": df["products"].str.split(";"),
        }
    ).explode("line")
    parts = table["line"].str.split("=", n=1, expand=True).reindex(columns=[0, 1])
    table["product"] = parts[0]
    table["amount"] = parts[1].astype("float64") * table["rate"]
    table["weighted"] = table["amount"] * table["prob"]
    return table.groupby(["owner", "product", "bucket", "category"]).agg(
        count=("amount", "size"), amount=("amount", "sum"), weighted=("weighted", "sum")
    )


def pandas_rate(df, rates):
    """Each row's float rate into CNY: the latest of its currency on or before its rate date.

    Won and lost deals at their close date, open ones at the cutoff
    (``merge_asof`` by currency); CNY rows at 1.
    """
    closed = df["stage"].isin(["closed", "lost"])
    on = df["closed_on"].where(closed, pd.Timestamp(CUTOFF))
    keys = pd.DataFrame({"on": on, "currency": df["currency"], "row": np.arange(len(df))})
    found = pd.merge_asof(keys.sort_values("on"), rates, on="on", by="currency")
    return found.sort_values("row")["rate"].fillna(1.0).to_numpy()


def polars_forecast(df, rates=None):
    """Forecast by owner x product in polars (lazy), on floats (``rates``: converted into CNY)."""
    stage, close = pl.col("stage"), pl.col("expected_close")
    won, lost = stage == "closed", stage == "lost"
    closed = stage.is_in(["closed", "lost"])
    in_quarter = (pl.col("closed_on") >= Q.start) & (pl.col("closed_on") <= CUTOFF)
    this_q = (close >= Q.start) & (close <= Q.end)
    next_q = (close > Q.end) & (close <= Q.next().end)
    bucket = (
        pl.when(won)
        .then(pl.lit("closed"))
        .when(lost)
        .then(pl.lit("lost"))
        .when(close <= CUTOFF)
        .then(pl.lit("overdue"))
        .when(close <= E3)
        .then(pl.lit("0-3m"))
        .when(close <= E6)
        .then(pl.lit("3-6m"))
        .when(close <= E9)
        .then(pl.lit("6-9m"))
        .when(close <= E12)
        .then(pl.lit("9-12m"))
        .otherwise(pl.lit("12m+"))
    )
    category = (
        pl.when(won)
        .then(pl.lit("booked"))
        .when(lost)
        .then(pl.lit("omitted"))
        .when(pl.col("category_override") == "commit")
        .then(pl.lit("commit"))
        .when((stage == "negotiation") & this_q)
        .then(pl.lit("commit"))
        .when((stage == "recognition") & this_q)
        .then(pl.lit("upside_this_quarter"))
        .when(stage.is_in(["recognition", "negotiation"]) & next_q)
        .then(pl.lit("upside_next_quarter"))
        .when(stage.is_in(LATE))
        .then(pl.lit("pipeline"))
        .otherwise(pl.lit("omitted"))
    )
    prob = (
        pl.when(won)
        .then(1.0)
        .when(lost)
        .then(0.0)
        .otherwise(pl.col("probability").fill_null(stage.replace_strict(STAGE_FLOAT, default=None)))
    )
    line = pl.col("line").str.split_exact("=", 1)
    rows = df.lazy().filter((pl.col("created") <= CUTOFF) & (~closed | in_quarter))
    rate = pl.lit(1.0)
    if rates is not None:  # the latest rate of the currency on or before the rate date
        on = pl.when(closed).then(pl.col("closed_on")).otherwise(pl.lit(CUTOFF))
        rows = rows.with_columns(on=on).sort("on")
        rows = rows.join_asof(rates.lazy(), on="on", by="currency", check_sortedness=False)
        rate = pl.col("rate").fill_null(1.0)
    return (
        rows.select(
            "owner",
            bucket=bucket,
            category=category,
            prob=prob,
            rate=rate,
            line=pl.col("products").str.split(";"),
        )
        .explode("line")
        .with_columns(
            product=line.struct.field("field_0"),
            amount=line.struct.field("field_1").cast(pl.Float64) * pl.col("rate"),
        )
        .group_by("owner", "product", "bucket", "category")
        .agg(
            count=pl.len(),
            amount=pl.col("amount").sum(),
            weighted=(pl.col("amount") * pl.col("prob")).sum(),
        )
        .collect()
    )


def python_floor(rows):
    """The bare-Python floor: one loop over plain tuples into a dict, with floats."""
    cutoff, start, q_end, next_end = CUTOFF, Q.start, Q.end, Q.next().end
    edges = (E3, E6, E9, E12)
    out = {}
    for owner, stage, created, close, closed_on, given, override, lines in rows:
        closed = stage in {"closed", "lost"}
        if created > cutoff or (closed and not (closed_on and start <= closed_on <= cutoff)):
            continue
        if stage == "closed":
            bucket, category, prob = "closed", "booked", 1.0
        elif stage == "lost":
            bucket, category, prob = "lost", "omitted", 0.0
        else:
            bucket = "overdue" if close <= cutoff else "12m+"
            for edge, name in zip(edges, ("0-3m", "3-6m", "6-9m", "9-12m"), strict=True):
                if cutoff < close <= edge:
                    bucket = name
                    break
            this_q, next_q = start <= close <= q_end, q_end < close <= next_end
            if override == "commit" or (stage == "negotiation" and this_q):
                category = "commit"
            elif stage == "recognition" and this_q:
                category = "upside_this_quarter"
            elif stage in {"recognition", "negotiation"} and next_q:
                category = "upside_next_quarter"
            else:
                category = "pipeline" if stage in LATE else "omitted"
            prob = STAGE_FLOAT[stage] if given is None else given
        for product, amount in lines:
            cell = out.setdefault((owner, product, bucket, category), [0, 0.0, 0.0])
            cell[0] += 1
            cell[1] += amount
            cell[2] += amount * prob
    return out


def plain_rows(cols):
    """The rows as the tuples a script would hold (line items already split)."""
    dates = {c: pd.Series(cols[c]).dt.date.tolist() for c in ("created", "expected_close")}
    closed_on = [None if pd.isna(d) else d.date() for d in pd.Series(cols["closed_on"])]
    lines = [
        [(p, float(a)) for p, a in (e.split("=") for e in text.split(";"))]
        for text in cols["products"]
    ]
    probs = [None if p is None else float(p) for p in cols["probability"]]
    return list(
        zip(
            cols["owner"].tolist(),
            cols["stage"].tolist(),
            dates["created"],
            dates["expected_close"],
            closed_on,
            probs,
            cols["category_override"].tolist(),
            lines,
            strict=True,
        )
    )


# -- checks: the sides compute the same figures -------------------------------------


def figures_of(frame):
    """A forecast frame (ours or a baseline) as {(owner, product, bucket, category): figures}."""
    if isinstance(frame, pd.DataFrame) and frame.index.nlevels > 1:
        frame = frame.reset_index()
    if isinstance(frame, pl.DataFrame):
        frame = frame.to_pandas()
    return {
        (r.owner, r.product, r.bucket, r.category): (
            int(r.count),
            float(r.amount),
            float(r.weighted),
        )
        for r in frame.itertuples(index=False)
    }


def check(ours, theirs, label):
    mine = figures_of(ours) if not isinstance(ours, dict) else ours
    other = theirs if isinstance(theirs, dict) else figures_of(theirs)
    if isinstance(ours, dict):
        mine = {k: (v[0], v[1], v[2]) for k, v in ours.items()}
    if isinstance(theirs, dict):
        other = {k: (v[0], v[1], v[2]) for k, v in theirs.items()}
    assert mine.keys() == other.keys(), f"{label}: the cells differ"
    for key, (count, amount, weighted) in mine.items():
        c, a, w = other[key]
        assert count == c, f"{label}: count of {key}: {count} vs {c}"
        assert abs(amount - a) <= 1e-6 * max(1.0, abs(a)), f"{label}: amount of {key}"
        assert abs(weighted - w) <= 1e-6 * max(1.0, abs(w)), f"{label}: weighted of {key}"


def ours(frame):
    return forecast_frame(frame, cutoff=CUTOFF, by="owner,product")


def ours_converted(frame):
    return forecast_frame(frame, cutoff=CUTOFF, by="owner,product", currency="CNY", rates=RATES)


# -- the weighted pipeline by owner -------------------------------------------------


def pandas_weighted(df):
    """Weighted pipeline by owner in pandas, on floats: won in full, lost at nothing."""
    stage = df["stage"]
    prob = df["probability"].fillna(stage.map(STAGE_FLOAT))
    prob = prob.mask(stage == "closed", 1.0).mask(stage == "lost", 0.0)
    table = pd.DataFrame({"owner": df["owner"], "amount": df["amount"]})
    table["weighted"] = df["amount"] * prob
    return table.groupby("owner").agg(
        count=("amount", "size"), amount=("amount", "sum"), weighted=("weighted", "sum")
    )


def polars_weighted(df):
    """The same in polars (lazy)."""
    stage = pl.col("stage")
    prob = (
        pl.when(stage == "closed")
        .then(1.0)
        .when(stage == "lost")
        .then(0.0)
        .otherwise(pl.col("probability").fill_null(stage.replace_strict(STAGE_FLOAT, default=None)))
    )
    return (
        df.lazy()
        .group_by("owner")
        .agg(
            count=pl.len(),
            amount=pl.col("amount").sum(),
            weighted=(pl.col("amount") * prob).sum(),
        )
        .collect()
    )


def ours_weighted(frame):
    return weighted_value_frame(frame, by="owner")


def check_weighted(ours_frame, theirs, label):
    """Same owners, counts exactly, amounts and weights to float precision."""
    if isinstance(theirs, pd.DataFrame):
        theirs = theirs.reset_index()
    mine = pl.from_pandas(ours_frame) if isinstance(ours_frame, pd.DataFrame) else ours_frame
    other = pl.from_pandas(theirs) if isinstance(theirs, pd.DataFrame) else theirs
    mine, other = mine.sort("owner"), other.sort("owner")
    assert mine["owner"].to_list() == other["owner"].to_list(), f"{label}: the owners differ"
    assert mine["count"].to_list() == other["count"].to_list(), f"{label}: the counts differ"
    for column in ("amount", "weighted"):
        a = np.array([float(x) for x in mine[column].to_list()])
        b = other[column].to_numpy()
        assert np.allclose(a, b, rtol=1e-9), f"{label}: {column} differs"


def main():
    dask_run = "--dask" in sys.argv
    if dask_run:
        sys.argv.remove("--dask")
    bench = Harness(__doc__, quick_help="100 000 rows instead of 1 000 000")
    n = 100_000 if bench.quick else 1_000_000
    repeats = 5 if bench.quick else 3

    start = time.perf_counter()
    cols = arrays(n)
    pdf, plf = analyst_pandas(cols), analyst_polars(cols)
    exact_pdf, exact_plf = exact_pandas(cols), exact_polars(cols)
    rows = plain_rows(cols)
    print(f"built the {n:,}-row frames in {time.perf_counter() - start:.1f} s (not timed)")

    result = ours(pdf)
    check(result, pandas_forecast(pdf), "pandas")
    check(ours(plf), polars_forecast(plf), "polars")
    check(result, python_floor(rows), "floor")
    check(ours(exact_pdf), result, "Decimal objects")
    check(ours(exact_plf), result, "pl.Decimal")
    print(f"every cell agrees ({len(result):,} cells)")

    bench.compare(
        f"forecast by owner x product, pandas frame of {n:,} rows (float64 amounts)",
        Side("ours (forecast_frame)", lambda: ours(pdf)),
        [Side("pandas groupby", lambda: pandas_forecast(pdf), goal=1.5)],
        others=[
            Side("ours on Decimal objects", lambda: ours(exact_pdf)),
            Side("bare-Python floor (tuples, floats)", lambda: python_floor(rows)),
        ],
        repeats=repeats,
        per=(n, "row"),
    )
    bench.compare(
        f"forecast by owner x product, polars frame of {n:,} rows (Float64 amounts)",
        Side("ours (forecast_frame)", lambda: ours(plf)),
        [Side("polars group_by", lambda: polars_forecast(plf), goal=1.5)],
        others=[Side("ours on pl.Decimal", lambda: ours(exact_plf))],
        repeats=repeats,
        per=(n, "row"),
    )
    check_weighted(ours_weighted(pdf), pandas_weighted(pdf), "weighted, pandas")
    check_weighted(ours_weighted(plf), polars_weighted(plf), "weighted, polars")
    bench.compare(
        f"weighted pipeline by owner, pandas frame of {n:,} rows (float64 amounts)",
        Side("ours (weighted_value_frame)", lambda: ours_weighted(pdf)),
        [Side("pandas groupby", lambda: pandas_weighted(pdf), goal=1.5)],
        others=[Side("ours on Decimal objects", lambda: ours_weighted(exact_pdf))],
        repeats=repeats,
        per=(n, "row"),
    )
    bench.compare(
        f"weighted pipeline by owner, polars frame of {n:,} rows (Float64 amounts)",
        Side("ours (weighted_value_frame)", lambda: ours_weighted(plf)),
        [Side("polars group_by", lambda: polars_weighted(plf), goal=1.5)],
        others=[Side("ours on pl.Decimal", lambda: ours_weighted(exact_plf))],
        repeats=repeats,
        per=(n, "row"),
    )
    run_converted(bench, cols, pdf, plf, repeats)
    if dask_run and not bench.quick:
        run_dask(bench, cols)
    bench.finish()


def run_converted(bench, cols, pdf, plf, repeats):
    """The forecast of deals in CNY, USD and EUR converted into CNY, against a float rate join."""
    n = len(pdf)
    mixed = multi_currency(cols)
    mpdf, mplf = analyst_pandas(mixed), analyst_polars(mixed)
    pandas_rates, polars_rates = rate_frames()
    check(ours_converted(mpdf), pandas_forecast(mpdf, pandas_rates), "converted, pandas")
    check(ours_converted(mplf), polars_forecast(mplf, polars_rates), "converted, polars")
    print("the converted cells agree (to float precision: ours rounds each line to cents)")
    bench.compare(
        f"forecast by owner x product into CNY, pandas frame of {n:,} rows in CNY/USD/EUR",
        Side("ours (forecast_frame, rates=)", lambda: ours_converted(mpdf)),
        [
            Side(
                "pandas merge_asof + groupby", lambda: pandas_forecast(mpdf, pandas_rates), goal=1.5
            )
        ],
        others=[Side("ours, one currency", lambda: ours(pdf))],
        repeats=repeats,
        per=(n, "row"),
    )
    bench.compare(
        f"forecast by owner x product into CNY, polars frame of {n:,} rows in CNY/USD/EUR",
        Side("ours (forecast_frame, rates=)", lambda: ours_converted(mplf)),
        [
            Side(
                "polars join_asof + group_by", lambda: polars_forecast(mplf, polars_rates), goal=1.5
            )
        ],
        others=[Side("ours, one currency", lambda: ours(plf))],
        repeats=repeats,
        per=(n, "row"),
    )


def run_dask(bench, cols):
    """The forecast on a Dask LocalCluster over 10 000 000 rows (10 copies of the frame)."""
    import dask  # noqa: PLC0415 - only with --dask
    import dask.dataframe as dd  # noqa: PLC0415
    from distributed import Client, LocalCluster  # noqa: PLC0415

    with (
        dask.config.set({"dataframe.convert-string": False}),  # the partitions as built
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster),
    ):
        part = analyst_pandas(cols)
        parts = [dd.from_pandas(part, npartitions=4) for _ in range(10)]
        ddf = dd.concat(parts).persist()
        rows = len(ddf)

        def dask_pandas():
            return ddf.map_partitions(pandas_forecast).compute().groupby(level=[0, 1, 2, 3]).sum()

        check(ours(ddf).compute(), dask_pandas(), "dask")
        bench.compare(
            f"forecast by owner x product, Dask LocalCluster (2 workers), {rows:,} rows",
            Side("ours (forecast_frame)", lambda: ours(ddf).compute()),
            [Side("pandas per partition", dask_pandas, goal=1.5)],
            repeats=2,
            per=(rows, "row"),
        )


if __name__ == "__main__":
    main()
