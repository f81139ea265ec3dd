"""Benchmark: the strict CSV reader against what a user writes instead.

Our side reads fully checked opportunities: every cell parsed and checked,
histories chained from the events file and judged as moves of the funnel,
each record built through the ``Opportunity`` constructor, every problem
collected with its row, column, value, why and fix.

The CSV baseline is what an analyst writes to get a *checked* table without
the library: ``pandas.read_csv`` of both files as text, then the same checks
in pandas, column-wise (required cells present, stage keys known, ISO dates,
expected close not before creation, plain non-negative amounts, line items
summing to the amount, currency codes, probabilities in [0, 1], facts cells
as JSON objects, duplicate ids; events: kinds and stages known, dates, each
history starting with 'create', chained stage to stage in date order, ending
in the deal's stage, and no events without a deal), giving a checked
DataFrame. The same checks in polars are a second baseline. Syntax-only
parsing (``csv.DictReader``, ``pandas.read_csv`` alone) is printed for
information. ``read_csv`` is timed as it reads by default (``engine="auto"``:
the ``csv`` module splits, the checks run column by column) and on the engine
path (``engine="polars"``: polars splits a file whose quoting is regular,
once the whole file is checked for it), to show which is faster; the
streaming reader (``iter_opportunities``) is timed beside them. The generated
opportunities file has facts cells, which are quoted as the ``csv`` module
writes them: the engine splits both files on the engine path.

Goal (issue 13): the strict read at most 2x the pandas reader with the same
checks. Ratios are ours / baseline of the median times,
interleaved in the same run (``_harness.py``). The JSON round trips are in
``bench_json.py``.

The checked read straight into a polars frame (``read_frame``, main file
only) is timed against the same baselines with an events file of no rows,
and beside ``to_polars(read_csv(...))``, which builds the records first.

Generating the opportunities is not timed.

Usage: python benchmarks/bench_io.py [--quick]   (--quick: 10 000 instead of 100 000)
"""

from __future__ import annotations

import csv
import io
import json

from _harness import Harness, Side, times
from salesfunnel import DEFAULT_FUNNEL
from salesfunnel.datasets import generate
from salesfunnel.io import iter_opportunities, read_csv, write_csv

STAGES = [s.key for s in DEFAULT_FUNNEL] + [DEFAULT_FUNNEL.lost.key]
KINDS = ["create", "advance", "skip", "regress", "lose", "reopen", "close"]
REVISIONS = ["reschedule", "reprice", "override"]
DATE = r"\d{4}-\d{2}-\d{2}"
AMOUNT = r"\d+(?:\.\d+)?"


def dict_rows(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def write_rows(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _json_object(text):
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def pandas_checked(pd, text, events):
    """Both files read by pandas as text and checked column-wise; the bad rows' count and the frame."""
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    ev = pd.read_csv(io.StringIO(events), dtype=str, keep_default_na=False)
    bad = pd.Series(False, index=df.index)
    for column in ("id", "name", "account", "owner", "stage", "currency"):
        bad |= df[column].str.strip() == ""
    bad |= ~df["stage"].isin(STAGES)
    dates = {}
    for column in ("created", "expected_close", "closed_on"):
        cells = df[column]
        parsed = pd.to_datetime(cells, format="%Y-%m-%d", errors="coerce")
        given = cells != ""
        bad |= given & (~cells.str.fullmatch(DATE) | parsed.isna())
        if column != "closed_on":
            bad |= ~given
        dates[column] = parsed
    bad |= dates["expected_close"] < dates["created"]
    bad |= dates["closed_on"] < dates["created"]
    bad |= (df["amount"] != "") & ~df["amount"].str.fullmatch(AMOUNT)
    amount = pd.to_numeric(df["amount"].where(df["amount"] != ""), errors="coerce")
    lines = df["products"].str.split(";").explode()
    pairs = lines.str.split("=", n=1, expand=True)
    line_amount = pd.to_numeric(pairs[1], errors="coerce")
    bad |= pairs[1].isna().groupby(level=0).any() & (df["products"].str.count(";") > 0)
    summed = line_amount.groupby(level=0).sum(min_count=1)
    bad |= summed.notna() & amount.notna() & ((summed - amount).abs() > 0.005)
    bad |= ~df["currency"].str.fullmatch(r"[A-Za-z]{3}")
    prob = pd.to_numeric(df["probability"].where(df["probability"] != ""), errors="coerce")
    bad |= (df["probability"] != "") & (prob.isna() | (prob < 0) | (prob > 1))
    facts = df["facts"]
    bad |= (facts != "") & ~facts.map(_json_object)
    bad |= df["id"].duplicated(keep=False)
    # events
    ev_bad = ~ev["kind"].isin(KINDS + REVISIONS)
    on = pd.to_datetime(ev["on"], format="%Y-%m-%d", errors="coerce")
    ev_bad |= ~ev["on"].str.fullmatch(DATE) | on.isna()
    moves = ev[ev["kind"].isin(KINDS)].assign(on_date=on)
    ev_bad |= (moves["to_stage"].isin(STAGES) == False).reindex(ev.index, fill_value=False)  # noqa: E712
    grouped = moves.groupby("opportunity_id", sort=False)
    first = grouped.cumcount() == 0
    previous_to = grouped["to_stage"].shift()
    previous_on = grouped["on_date"].shift()
    broken = (first & (moves["kind"] != "create")) | (
        ~first & ((moves["from_stage"] != previous_to) | (moves["on_date"] < previous_on))
    )
    ev_bad |= broken.reindex(ev.index, fill_value=False)
    last_stage = grouped["to_stage"].last()
    ends = df["id"].map(last_stage)
    bad |= ends.notna() & (ends != df["stage"])
    orphans = ~ev["opportunity_id"].isin(df["id"])
    bad |= df["id"].isin(ev.loc[ev_bad, "opportunity_id"])
    return int(bad.sum()) + int(orphans.sum()), df[~bad]


def polars_checked(pl, text, events):
    """The same checks in polars; the bad rows' count and the frame."""
    df = pl.read_csv(io.StringIO(text).read().encode(), infer_schema=False).fill_null("")
    ev = pl.read_csv(events.encode(), infer_schema=False).fill_null("")
    col = pl.col
    required = [col(c).str.strip_chars() == "" for c in ("id", "name", "account", "owner")]
    created = col("created").str.to_date("%Y-%m-%d", strict=False)
    expected = col("expected_close").str.to_date("%Y-%m-%d", strict=False)
    closed = col("closed_on").str.to_date("%Y-%m-%d", strict=False)
    amount = col("amount").cast(pl.Float64, strict=False)
    prob = col("probability").cast(pl.Float64, strict=False)
    lines = (
        df.select("id", col("products").str.split(";"))
        .explode("products")
        .with_columns(col("products").str.split_exact("=", 1).struct.field("field_1").alias("a"))
        .group_by("id", maintain_order=True)
        .agg(col("a").cast(pl.Float64, strict=False).sum().alias("line_sum"))
    )
    facts_ok = col("facts").map_elements(
        lambda t: t == "" or _json_object(t), return_dtype=pl.Boolean
    )
    moves = (
        ev.with_row_index("row")
        .filter(col("kind").is_in(KINDS))
        .with_columns(col("on").str.to_date("%Y-%m-%d", strict=False).alias("on_date"))
        .with_columns(
            col("to_stage").shift().over("opportunity_id").alias("prev_to"),
            col("on_date").shift().over("opportunity_id").alias("prev_on"),
            (col("row").rank("ordinal").over("opportunity_id") == 1).alias("first"),
        )
    )
    ev_bad = moves.filter(
        (col("first") & (col("kind") != "create"))
        | (
            ~col("first")
            & ((col("from_stage") != col("prev_to")) | (col("on_date") < col("prev_on")))
        )
        | ~col("to_stage").is_in(STAGES)
        | col("on_date").is_null()
    ).select("opportunity_id")
    ends = moves.group_by("opportunity_id").agg(col("to_stage").last().alias("end"))
    checked = (
        df.join(lines, on="id", how="left")
        .join(ends, left_on="id", right_on="opportunity_id", how="left")
        .with_columns(
            pl.any_horizontal(
                *required,
                ~col("stage").is_in(STAGES),
                created.is_null(),
                expected.is_null(),
                expected < created,
                (col("closed_on") != "") & (closed.is_null() | (closed < created)),
                (col("amount") != "") & ~col("amount").str.contains(f"^{AMOUNT}$"),
                col("line_sum").is_not_null()
                & amount.is_not_null()
                & ((col("line_sum") - amount).abs() > 0.005),
                ~col("currency").str.contains("^[A-Za-z]{3}$"),
                (col("probability") != "") & (prob.is_null() | (prob < 0) | (prob > 1)),
                ~facts_ok,
                col("id").is_duplicated(),
                col("end").is_not_null() & (col("end") != col("stage")),
                col("id").is_in(ev_bad["opportunity_id"].implode()),
            ).alias("bad")
        )
    )
    orphans = ev.filter(~col("opportunity_id").is_in(df["id"].implode())).height
    return int(checked["bad"].sum()) + orphans, checked.filter(~col("bad"))


def frame_read(bench, text, no_events, pd, pl, repeats, per):
    """The checked read straight into a polars frame (no events file), against the same baselines."""
    if pl is None or pd is None:  # pragma: no cover - optional
        return
    from salesfunnel.frames import read_frame, to_polars  # noqa: PLC0415

    frame = bench.compare(
        "strict CSV read into a frame, every check (no events)",
        Side("read_frame", lambda: read_frame(io.StringIO(text))),
        [
            Side(
                "pandas.read_csv + the same checks",
                lambda: pandas_checked(pd, text, no_events),
                goal=2,
            ),
            Side("polars.read_csv + the same checks", lambda: polars_checked(pl, text, no_events)),
        ],
        others=[
            Side(
                "to_polars(read_csv(...))",
                lambda: to_polars(read_csv(io.StringIO(text))),
            )
        ],
        repeats=repeats,
        per=per,
    )
    assert frame.results["read_frame"].equals(frame.results["to_polars(read_csv(...))"]), (
        "read_frame differs from the frame of the records"
    )


def main() -> None:  # noqa: PLR0915 - one benchmark's sides, in order
    bench = Harness(__doc__, quick_help="10 000 opportunities")
    n = 10_000 if bench.quick else 100_000
    repeats = 3
    deals = generate(n, seed=11)
    main_csv, events_csv = io.StringIO(), io.StringIO()
    write_csv(deals, main_csv, events=events_csv)
    text, events = main_csv.getvalue(), events_csv.getvalue()
    n_events = events.count("\n") - 1
    print(f"{n} opportunities, {n_events} events, machine: 2 shared cores")

    def ours_read():
        return read_csv(io.StringIO(text), events=io.StringIO(events))

    def ours_engine():
        return read_csv(io.StringIO(text), events=io.StringIO(events), engine="polars")

    def ours_stream():
        chunks = iter_opportunities(io.StringIO(text), events=io.StringIO(events))
        return tuple(d for chunk in chunks for d in chunk)

    def base_read():
        return dict_rows(text), dict_rows(events)

    def ours_write():
        a, b = io.StringIO(), io.StringIO()
        write_csv(deals, a, events=b)
        return a.getvalue()

    rows, ev_rows = base_read()

    def base_write():
        return write_rows(rows), write_rows(ev_rows)

    try:
        import pandas as pd  # noqa: PLC0415
    except ImportError:  # pragma: no cover - optional
        pd = None
    try:
        import polars as pl  # noqa: PLC0415
    except ImportError:  # pragma: no cover - optional
        pl = None
    read_baselines = []
    others = [
        *([Side("read_csv(engine='polars')", ours_engine)] if pl is not None else []),
        Side("iter_opportunities", ours_stream),
        Side("csv.DictReader (syntax only)", base_read),
    ]
    if pd is not None:
        bad, frame = pandas_checked(pd, text, events)
        assert bad == 0, f"the pandas checks refuse {bad} clean rows"
        assert len(frame) == n, "the pandas frame lost rows"
        read_baselines.append(
            Side(
                "pandas.read_csv + the same checks",
                lambda: pandas_checked(pd, text, events),
                goal=2,
            )
        )
        others.append(
            Side(
                "pandas.read_csv(dtype=str) (syntax only)",
                lambda: (
                    pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False),
                    pd.read_csv(io.StringIO(events), dtype=str, keep_default_na=False),
                ),
            )
        )
    if pl is not None:
        bad, frame = polars_checked(pl, text, events)
        assert bad == 0, f"the polars checks refuse {bad} clean rows"
        assert frame.height == n, "the polars frame lost rows"
        read_baselines.append(
            Side("polars.read_csv + the same checks", lambda: polars_checked(pl, text, events))
        )
    per = (n, "opportunity")
    read = bench.compare(
        "strict CSV read with every check (+events)",
        Side("read_csv", ours_read),
        read_baselines,
        others=others,
        repeats=repeats,
        per=per,
    )
    assert read.results["read_csv"] == deals, "CSV round trip differs"
    if pl is not None:
        assert read.results["read_csv(engine='polars')"] == deals, "the engine path differs"
        split = read.seconds("read_csv(engine='polars')")
        for base in read_baselines:
            ratio = split / read.seconds(base.name)
            print(f"  engine='polars' vs {base.name}: {times(ratio)} (the default path is timed)")
    assert read.results["iter_opportunities"] == deals, "the stream differs"
    frame_read(bench, text, events.splitlines()[0] + "\n", pd, pl, repeats, per)
    bench.compare(
        "CSV write (+events)",
        Side("write_csv", ours_write),
        [Side("csv.DictWriter", base_write)],
        repeats=repeats,
        per=per,
    )
    bench.finish()


if __name__ == "__main__":
    main()
