"""Benchmark: CSV and JSON import/export of opportunities against plain parsing.

Our side reads and writes fully checked opportunities (every cell parsed and
validated, histories chained from the events file, each record built through
the ``Opportunity`` constructor). The baselines do only the syntax on the same
files in the same process: ``csv.DictReader`` / ``csv.DictWriter`` of the rows
as strings, ``json.loads`` / ``json.dumps`` of the same document, and, when
pandas is installed, ``pandas.read_csv`` with every column as text. The ratio
is the price of strict, exact, checked records over parsing alone.

Generating the opportunities is not timed.

Usage: python benchmarks/bench_io.py [--quick]   (--quick: 10 000 instead of 100 000)
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import time

from salesfunnel.datasets import generate
from salesfunnel.io import dumps, loads, read_csv, write_csv


def best_of(repeats, fn):
    """Return (best seconds, last result) over ``repeats`` runs."""
    best, result = float("inf"), None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def dict_rows(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def write_rows(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 000 opportunities")
    args = parser.parse_args()
    n = 10_000 if args.quick else 100_000
    repeats = 3
    deals = generate(n, seed=11)
    main_csv, events_csv = io.StringIO(), io.StringIO()
    write_csv(deals, main_csv, events=events_csv)
    text, events = main_csv.getvalue(), events_csv.getvalue()
    doc = dumps(deals, indent=None)
    n_events = events.count("\n") - 1
    print(f"{n} opportunities, {n_events} events, machine: 2 shared cores\n")

    def ours_read():
        return read_csv(io.StringIO(text), events=io.StringIO(events))

    def base_read():
        return dict_rows(text), dict_rows(events)

    def ours_write():
        a, b = io.StringIO(), io.StringIO()
        write_csv(deals, a, events=b)
        return a.getvalue()

    rows, ev_rows = base_read()

    def base_write():
        return write_rows(rows), write_rows(ev_rows)

    results = [
        (
            "CSV read (+events)",
            best_of(repeats, ours_read),
            best_of(repeats, base_read),
            "csv.DictReader",
        ),
        (
            "CSV write (+events)",
            best_of(repeats, ours_write),
            best_of(repeats, base_write),
            "csv.DictWriter",
        ),
        (
            "JSON loads",
            best_of(repeats, lambda: loads(doc)),
            best_of(repeats, lambda: json.loads(doc)),
            "json.loads",
        ),
    ]
    plain = json.loads(doc)
    results.append(
        (
            "JSON dumps",
            best_of(repeats, lambda: dumps(deals, indent=None)),
            best_of(repeats, lambda: json.dumps(plain, ensure_ascii=False)),
            "json.dumps",
        )
    )
    assert results[0][1][1] == deals, "CSV round trip differs"
    assert results[2][1][1] == deals, "JSON round trip differs"
    try:
        import pandas as pd  # noqa: PLC0415
    except ImportError:  # pragma: no cover - optional
        pd = None
    if pd is not None:
        results.append(
            (
                "CSV read (+events)",
                results[0][1],
                best_of(
                    repeats,
                    lambda: (
                        pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False),
                        pd.read_csv(io.StringIO(events), dtype=str, keep_default_na=False),
                    ),
                ),
                "pandas.read_csv(dtype=str)",
            )
        )
    print(f"{'task':22} {'ours s':>8} {'baseline s':>11}  {'ratio':>6}  baseline")
    for task, (ours_s, _), (base_s, _), name in results:
        print(f"{task:22} {ours_s:8.3f} {base_s:11.3f}  {ours_s / base_s:6.1f}x  {name}")
    print(f"\nper opportunity, CSV read: {results[0][1][0] / n * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
