"""The one timing harness of the benchmarks: ours against baselines, in the same run.

Every script builds its data, checks that both sides compute the same thing,
then hands named callables to :meth:`Harness.compare`. The harness times them
with ``pyperf``'s clock, interleaving the repeats (ours, baseline 1,
baseline 2, ours, ...) so that a change in the shared machine's load does not
favour one side, keeps the values as ``pyperf`` benchmarks (``--json FILE``
writes them as a pyperf suite, for ``python -m pyperf stats`` or
``compare_to``), and prints one line per baseline::

    ours vs pandas groupby: 1.42x slower (goal <= 1.5x slower: met)

The ratio is always ours ÷ baseline of the median times: above 1 our code is
slower, below 1 it is faster (printed as "N x faster"). A goal is the
highest acceptable ratio (``goal=0.2`` reads "goal >= 5x faster").
"""

from __future__ import annotations

import argparse
import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyperf

__all__ = ["Comparison", "Harness", "Side"]


@dataclass(frozen=True)
class Side:
    """One implementation to time: ``fn()``, or ``fn(setup())`` with the setup untimed.

    ``goal`` (baselines only) is the highest acceptable ratio ours ÷ this
    baseline; ``repeats`` overrides the comparison's for a slow side.
    """

    name: str
    fn: Callable[..., Any]
    setup: Callable[[], Any] | None = None
    goal: float | None = None
    repeats: int | None = None


@dataclass
class Comparison:
    """The timings of one comparison: pyperf benchmarks and each side's last result."""

    title: str
    benchmarks: dict[str, pyperf.Benchmark] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    def seconds(self, name: str) -> float:
        """The median time of side ``name``, in seconds."""
        return float(self.benchmarks[name].median())


def times(factor: float) -> str:
    """``2.5`` → ``"2.50x slower"``, ``0.25`` → ``"4.00x faster"``."""
    if factor >= 1:
        return f"{factor:.2f}x slower"
    return f"{1 / factor:.2f}x faster"


def goal_text(goal: float | None, ratio: float) -> str:
    if goal is None:
        return "no goal set"
    bound = f"<= {goal:g}x slower" if goal >= 1 else f">= {1 / goal:g}x faster"
    return f"goal {bound}: {'met' if ratio <= goal else 'NOT met'}"


class Harness:
    """The command line of a benchmark script and the comparisons it runs."""

    def __init__(self, doc: str, *, quick_help: str = "a smaller, faster run") -> None:
        parser = argparse.ArgumentParser(
            description=doc.splitlines()[0],
            epilog="Ratios are ours / baseline of median times in the same run.",
        )
        parser.add_argument("--quick", action="store_true", help=quick_help)
        parser.add_argument(
            "--json", metavar="FILE", help="write the timings as a pyperf benchmark suite"
        )
        self.args = parser.parse_args()
        self.quick: bool = self.args.quick
        self.comparisons: list[Comparison] = []

    def compare(
        self,
        title: str,
        ours: Side,
        baselines: Sequence[Side] = (),
        *,
        repeats: int,
        others: Sequence[Side] = (),
        warmups: int = 1,
        per: tuple[int, str] | None = None,
    ) -> Comparison:
        """Time ``ours``, ``baselines`` and ``others`` interleaved; print times and ratios.

        Each side first runs ``warmups`` times untimed (kept as pyperf
        warmups: a first run pays for cold caches and fresh memory).
        ``others`` are timed alongside for information (no ratio); ``per``
        = ``(count, "deal")`` also prints each side's time per item.
        """
        sides = [ours, *baselines, *others]
        names = [s.name for s in sides]
        if len(set(names)) != len(names):
            msg = f"side names repeat in {title!r}: {names}"
            raise ValueError(msg)
        comparison = Comparison(title)
        values: dict[str, list[float]] = {s.name: [] for s in sides}
        warm: dict[str, list[tuple[int, float]]] = {s.name: [] for s in sides}
        rounds = max([repeats, *(s.repeats or 0 for s in sides)]) + warmups
        for i in range(rounds):
            for side in sides:
                wanted = (side.repeats or repeats) + warmups
                if i >= wanted:
                    continue
                seconds, comparison.results[side.name] = _time(side)
                if i < warmups:
                    warm[side.name].append((1, seconds))
                else:
                    values[side.name].append(seconds)
        for side in sides:
            run = pyperf.Run(
                [max(v, 1e-9) for v in values[side.name]],
                warmups=warm[side.name] or None,
                metadata={"name": f"{title}: {side.name}", "unit": "second"},
            )
            comparison.benchmarks[side.name] = pyperf.Benchmark([run])
        self.comparisons.append(comparison)
        _report(comparison, ours, baselines, others, per)
        return comparison

    def finish(self) -> None:
        """Write the ``--json`` suite, if one was asked for."""
        if self.args.json:
            benches = [b for c in self.comparisons for b in c.benchmarks.values()]
            pyperf.BenchmarkSuite(benches).dump(self.args.json, replace=True)
            print(f"\ntimings written to {self.args.json} (python -m pyperf stats FILE)")


def _time(side: Side) -> tuple[float, Any]:
    arg = side.setup() if side.setup is not None else None
    gc.collect()
    start = pyperf.perf_counter()
    result = side.fn(arg) if side.setup is not None else side.fn()
    return pyperf.perf_counter() - start, result


def _report(
    comparison: Comparison,
    ours: Side,
    baselines: Sequence[Side],
    others: Sequence[Side],
    per: tuple[int, str] | None,
) -> None:
    sides = [ours, *baselines, *others]
    width = max(len(s.name) for s in sides)
    counts = {len(b.get_values()) for b in comparison.benchmarks.values()}
    runs = "/".join(str(c) for c in sorted(counts))
    how = "one run" if counts == {1} else f"median of {runs} runs, interleaved"
    print(f"\n{comparison.title} ({how})")
    for side in sides:
        bench = comparison.benchmarks[side.name]
        median = bench.median()
        spread = f"min {bench.format_value(min(bench.get_values()))}"
        line = f"  {side.name:<{width}}  {bench.format_value(median):>10}  ({spread})"
        if per is not None:
            count, item = per
            line += f"  {median / count * 1e6:9.2f} us/{item}"
        print(line)
    mine = comparison.seconds(ours.name)
    for base in baselines:
        ratio = mine / comparison.seconds(base.name)
        print(f"  ours vs {base.name}: {times(ratio)} ({goal_text(base.goal, ratio)})")
