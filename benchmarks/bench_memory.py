"""Benchmark: the memory 1 000 000 opportunities take, against a pandas frame of the same columns.

A CSV file of ``N`` deals (a snapshot export: id, name, account, owner,
stage, dates, amount, currency, product; about a third won or lost, with
``closed_on``; half the amounts in whole hundreds, half to the cent) is written first.
Ids and names are unique (a name says its account, product and number), as
in a CRM; accounts (5 000, a few large), owners (60), products (8), stages,
currencies, reasons and days repeat as they do in the bundled sample. Then, each measured with ``tracemalloc``
from an empty start, after the reading's garbage is collected:

* **ours**: the rows read with ``csv.reader`` and each built into an
  ``Opportunity`` (amounts ``Decimal``, dates ``date``), kept in a list. This
  counts everything the records keep: their own texts, amounts and dates as
  well as the records, line items, histories and facts.
* **the record's own part**: the same records built from cell values that
  already exist (read before the measurement): what a record adds to its
  values. The goal of issue 13 (≤ 300 B per deal) is read on this figure and
  on the first.
* **the pipeline as a frame**: ``salesfunnel.frames.read_frame`` of the same
  file, every cell checked, into polars (``to="polars"``) and into pandas
  (``to="pandas"``): the polars buffers as ``estimated_size`` counts them (or
  the Arrow columns as pandas counts them) plus the Python objects the read
  keeps (``tracemalloc``: a pandas money column's ``Decimal`` values, the
  reader's bounded tables); its peak is the Python objects' peak plus the
  frame's buffers (the engine's own allocations while it builds them are
  not seen). The library's frame functions (forecasts, the
  weighted pipeline, ABC) compute on this frame exactly; it is how a
  1 000 000-deal pipeline is held inside the goal.
* **pandas**: ``pandas.read_csv`` of the same file with the dtypes an analyst
  gets (pandas 3: strings as Arrow-backed ``str``; dates parsed, amounts
  float64), and, for information, with the low-cardinality columns as
  ``category`` and with every text column as Python objects (pandas 2's
  default). A frame's memory is ``tracemalloc``'s count plus its Arrow
  columns' buffers as pandas counts them (``memory_usage``), which
  tracemalloc does not see.

Bytes per deal are printed for each, with the ratio ours ÷ pandas.

Then the **reading peak**: ``read_csv`` of the same number of generated deals
with their events file (about four events each), in a fresh process per
engine (``engine="auto"``, the ``csv`` module, and ``"polars"`` when polars is installed), the
Python objects the read keeps and their peak (``tracemalloc``), and the
process's resident memory before the read, after it and at its peak
(``ru_maxrss``; Linux; it counts the engine's own buffers and what the
allocator keeps). The goal of issue 13: the peak at most 2× what the read
keeps. Run::

    python benchmarks/bench_memory.py [--quick]    # --quick: 100 000 deals

Needs pandas (the ``bench`` extra) for the baselines.
"""

from __future__ import annotations

import csv
import gc
import importlib.util
import io
import random
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from _harness import Harness
from salesfunnel.datasets import generate
from salesfunnel.funnel import DEFAULT_FUNNEL, Opportunity
from salesfunnel.io import write_csv

COLUMNS = (
    "id",
    "name",
    "account",
    "owner",
    "stage",
    "created",
    "expected_close",
    "amount",
    "currency",
    "product",
    "closed_on",
    "lost_reason",
)
GOAL = 300
OPEN = [s.key for s in DEFAULT_FUNNEL if s.kind.value == "open"]
PRODUCTS = ("ERP", "CRM", "BI", "HR", "SCM", "MES", "PLM", "WMS")
REASONS = ("Chose a competitor on price", "No budget this year", "Project cancelled")


def amount(rng: random.Random) -> str:
    """Half the quotes in whole hundreds (they repeat), half to the cent (they rarely do)."""
    if rng.random() < 0.5:
        return f"{rng.randrange(1, 5000) * 100}.00"
    return f"{rng.randrange(10_000, 100_000_000) / 100:.2f}"


def write_file(path: Path, n: int) -> None:
    """A snapshot export of ``n`` deals, the same for the same ``n``."""
    rng = random.Random(13)
    start = date(2025, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        for i in range(n):
            account = f"Account {int(rng.paretovariate(1.2)) % 5000:04d}"
            product = PRODUCTS[rng.randrange(len(PRODUCTS))]
            created = start + timedelta(days=rng.randrange(600))
            expected = created + timedelta(days=rng.randrange(60, 400))
            roll = rng.random()
            stage, closed, reason = OPEN[rng.randrange(len(OPEN))], "", ""
            if roll < 0.2:
                stage, closed = "closed", created + timedelta(days=rng.randrange(20, 300))
            elif roll < 0.33:
                stage, closed = "lost", created + timedelta(days=rng.randrange(20, 300))
                reason = REASONS[rng.randrange(len(REASONS))]
            out.writerow(
                (
                    f"OPP-{i:07d}",
                    f"{account} {product} rollout {i}",  # unique, as a CRM's names are
                    account,
                    f"Owner {rng.randrange(60):02d}",
                    stage,
                    created.isoformat(),
                    expected.isoformat(),
                    amount(rng),
                    ("CNY", "CNY", "USD", "EUR")[rng.randrange(4)],
                    product,
                    closed.isoformat() if closed else "",
                    reason,
                )
            )


def values(row: list[str]) -> dict[str, Any]:
    """The cell values of one row, parsed as a reader does."""
    cells = dict(zip(COLUMNS, row, strict=True))
    closed = cells.pop("closed_on")
    reason = cells.pop("lost_reason")
    return {
        **cells,
        "created": date.fromisoformat(cells["created"]),
        "expected_close": date.fromisoformat(cells["expected_close"]),
        "amount": Decimal(cells["amount"]),
        "closed_on": date.fromisoformat(closed) if closed else None,
        "lost_reason": reason or None,
    }


def rows(path: Path) -> Any:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        yield from reader


def arrow_bytes(frame: Any) -> int:
    """The bytes of a pandas frame's Arrow-backed columns, which tracemalloc does not see."""
    return sum(
        int(frame[c].memory_usage(deep=True, index=False))
        for c in frame.columns
        if hasattr(frame[c].array, "_pa_array")
    )


def frame_rows(path: Path, n: int) -> list[tuple[str, int, int]]:
    """``read_frame`` of the file into polars and pandas: the frame's bytes and the Python objects kept."""
    try:
        from salesfunnel.frames import read_frame  # noqa: PLC0415 - needs narwhals
    except ImportError:  # pragma: no cover - the bench extra has it
        return []
    warm = path.with_name("warm.csv")
    write_file(warm, 200)  # the lazy imports of a first read, before the measurement
    report: list[tuple[str, int, int]] = []
    sizes: tuple[tuple[str, Callable[[Any], int]], ...] = (
        ("polars", lambda df: int(df.estimated_size())),
        ("pandas", arrow_bytes),
    )
    for to, size in sizes:
        if importlib.util.find_spec(to) is None:  # pragma: no cover - the bench extra has both
            continue
        read_frame(warm, to=to)  # type: ignore[call-overload]
        frame, traced, peak = measured(lambda to=to: read_frame(path, to=to))  # type: ignore[misc]
        assert len(frame) == n
        buffers = size(frame)
        report.append(
            (f"salesfunnel: read_frame(to={to!r}), checked", traced + buffers, peak + buffers)
        )
        del frame
    return report


def measured(build: Callable[[], Any]) -> tuple[Any, int, int]:
    """``build()``'s result, the bytes it keeps and the peak while building (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        kept = build()
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return kept, current, peak


#: Run in a fresh process: the resident memory a read keeps, and its peak, over the start.
_CHILD = """
import gc, resource, sys, tracemalloc
from salesfunnel.io import read_csv
if sys.argv[3] != "python":
    import polars  # loaded before the start, as the library is
def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()
gc.collect()
start = resident()
deals = read_csv(sys.argv[1], events=sys.argv[2], engine=sys.argv[3])
gc.collect()
kept = resident() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - start
del deals
gc.collect()
tracemalloc.start()
deals = read_csv(sys.argv[1], events=sys.argv[2], engine=sys.argv[3])
gc.collect()
traced, traced_peak = tracemalloc.get_traced_memory()
print(len(deals), kept, peak, traced, traced_peak)
"""


def reading_peak(tmp: str, n: int) -> None:
    """The peak of ``read_csv`` with events over what it keeps, per engine (fresh processes)."""
    if not Path("/proc/self/statm").exists():  # pragma: no cover - Linux only
        print("\nreading peak: needs /proc (Linux); skipped")
        return
    main_path, events_path = Path(tmp) / "main.csv", Path(tmp) / "events.csv"
    main, events = io.StringIO(), io.StringIO()
    write_csv(generate(n, seed=5), main, events=events)
    main_path.write_text(main.getvalue(), encoding="utf-8")
    events_path.write_text(events.getvalue(), encoding="utf-8")
    n_events = events.getvalue().count("\n") - 1
    del main, events
    print(f"\nreading peak: read_csv of {n:,} deals and {n_events:,} events, a fresh process each")
    engines = ["auto", *(["polars"] if importlib.util.find_spec("polars") else [])]
    for engine in engines:
        out = subprocess.run(  # noqa: S603 - this interpreter, on the files just written
            [sys.executable, "-c", _CHILD, str(main_path), str(events_path), engine],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        count, kept, peak, traced, traced_peak = (int(x) for x in out)
        assert count == n, "the read lost deals"
        ratio = traced_peak / traced
        verdict = "met" if ratio <= 2 else "NOT met"
        print(
            f"  engine={engine!r}: Python objects (tracemalloc) keep {traced / n:.0f} B per deal, "
            f"peak {traced_peak / n:.0f} B: {ratio:.2f}x (goal <= 2x: {verdict}); "
            f"resident memory keeps {kept / n:.0f} B, peaks at {peak / n:.0f} B "
            f"({peak / kept:.2f}x; the engine's own buffers too)"
        )


def main() -> None:
    bench = Harness(__doc__, quick_help="100 000 deals")
    n = 100_000 if bench.quick else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deals.csv"
        write_file(path, n)
        print(f"{n:,} deals, {path.stat().st_size / n:.0f} bytes of CSV each")
        report: list[tuple[str, int, int]] = []

        deals, kept, peak = measured(lambda: [Opportunity(**values(r)) for r in rows(path)])
        assert len(deals) == n
        report.append(("salesfunnel: Opportunity values, all they keep", kept, peak))
        del deals

        cells = [values(r) for r in rows(path)]
        deals, kept, peak = measured(lambda cells=cells: [Opportunity(**c) for c in cells])
        report.append(("salesfunnel: the records' own part (cells read before)", kept, peak))
        del deals, cells
        frames = frame_rows(path, n)

        try:
            import pandas as pd  # noqa: PLC0415
        except ImportError:  # pragma: no cover - the bench extra has it
            pd = None
        if pd is not None:
            dates = ["created", "expected_close", "closed_on"]
            categories = dict.fromkeys(
                ("account", "owner", "stage", "currency", "product", "lost_reason"), "category"
            )
            texts = dict.fromkeys(("id", "name", *categories), object)
            for name, dtypes in (
                ("pandas.read_csv (str columns, dates, float64)", {}),
                ("pandas.read_csv, low-cardinality columns as category", categories),
                ("pandas.read_csv, text columns as Python objects", texts),
            ):
                frame, traced, peak = measured(
                    lambda d=dtypes: pd.read_csv(  # type: ignore[misc]
                        path, parse_dates=dates, dtype={"amount": "float64", **d}
                    )
                )
                assert len(frame) == n
                # tracemalloc does not see Arrow's buffers (pandas 3's str
                # columns): they are added as pandas counts them.
                arrow = arrow_bytes(frame)
                report.append((name, traced + arrow, peak + arrow))
                del frame

        report.extend(frames)
        reading_peak(tmp, n)

    width = max(len(name) for name, _, _ in report)
    print(f"\nmemory kept per deal (tracemalloc; peak while building in brackets), {n:,} deals")
    for name, kept, peak in report:
        print(f"  {name:<{width}}  {kept / n:8.0f} B  ({peak / n:.0f} B peak)")
    ours = report[0][1] / n
    for name, kept, _ in (*report[:2], *frames[:1]):
        verdict = "met" if kept / n <= GOAL else "NOT met"
        print(f"  {name}: {kept / n:.0f} B per deal (goal <= {GOAL} B: {verdict})")
    if pd is not None:
        frame_bytes = report[2][1] / n
        print(f"  ours vs {report[2][0]}: {ours / frame_bytes:.2f}x the frame's memory")


if __name__ == "__main__":
    main()
