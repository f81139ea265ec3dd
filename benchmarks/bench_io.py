"""Benchmark: CSV and JSON import/export of opportunities against plain parsing.

Our side reads and writes fully checked opportunities (every cell parsed and
validated, histories chained from the events file, each record built through
the ``Opportunity`` constructor). The baselines do only the syntax on the same
files in the same process: ``csv.DictReader`` / ``csv.DictWriter`` of the rows
as strings, ``json.loads`` / ``json.dumps`` of the same document, and, when
pandas is installed, ``pandas.read_csv`` with every column as text. The ratio
(ours ÷ baseline of the median times, interleaved in the same run, see
``_harness.py``) is the price of strict, exact, checked records over parsing
alone.

Generating the opportunities is not timed.

Usage: python benchmarks/bench_io.py [--quick]   (--quick: 10 000 instead of 100 000)
"""

from __future__ import annotations

import csv
import io
import json

from _harness import Harness, Side
from salesfunnel.datasets import generate
from salesfunnel.io import dumps, loads, read_csv, write_csv


def dict_rows(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def write_rows(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main() -> None:
    bench = Harness(__doc__, quick_help="10 000 opportunities")
    n = 10_000 if bench.quick else 100_000
    repeats = 3
    deals = generate(n, seed=11)
    main_csv, events_csv = io.StringIO(), io.StringIO()
    write_csv(deals, main_csv, events=events_csv)
    text, events = main_csv.getvalue(), events_csv.getvalue()
    doc = dumps(deals, indent=None)
    n_events = events.count("\n") - 1
    print(f"{n} opportunities, {n_events} events, machine: 2 shared cores")

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

    read_baselines = [Side("csv.DictReader", base_read)]
    try:
        import pandas as pd  # noqa: PLC0415
    except ImportError:  # pragma: no cover - optional
        pd = None
    if pd is not None:
        read_baselines.append(
            Side(
                "pandas.read_csv(dtype=str)",
                lambda: (
                    pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False),
                    pd.read_csv(io.StringIO(events), dtype=str, keep_default_na=False),
                ),
            )
        )
    per = (n, "opportunity")
    read = bench.compare(
        "CSV read (+events)", Side("read_csv", ours_read), read_baselines, repeats=repeats, per=per
    )
    assert read.results["read_csv"] == deals, "CSV round trip differs"
    bench.compare(
        "CSV write (+events)",
        Side("write_csv", ours_write),
        [Side("csv.DictWriter", base_write)],
        repeats=repeats,
        per=per,
    )
    loaded = bench.compare(
        "JSON loads",
        Side("loads", lambda: loads(doc)),
        [Side("json.loads", lambda: json.loads(doc))],
        repeats=repeats,
        per=per,
    )
    assert loaded.results["loads"] == deals, "JSON round trip differs"
    plain = json.loads(doc)
    bench.compare(
        "JSON dumps",
        Side("dumps", lambda: dumps(deals, indent=None)),
        [Side("json.dumps", lambda: json.dumps(plain, ensure_ascii=False))],
        repeats=repeats,
        per=per,
    )
    bench.finish()


if __name__ == "__main__":
    main()
