"""Benchmark: the JSON round trip of opportunities against json.dumps / json.loads of the same dicts.

Our side is what a program that keeps its deals as JSON calls:
``io.dumps(deals)`` (every record written in the versioned schema: money and
probabilities as exact strings, dates as ``YYYY-MM-DD``, histories,
revisions and facts) and ``io.loads(text)`` (the document's bounds checked:
size, depth, numbers, repeated keys, lone surrogates; every field read
strictly and every record built through the ``Opportunity`` constructor,
which checks it).

The baseline is the standard library on the same document: ``json.dumps``
of the plain dicts (``ensure_ascii=False``, as ours writes) and
``json.loads`` of the text, which check nothing and build no record.

Goal (issue 13): the round trip (``loads(dumps(deals))``) at most 2x
``json.loads(json.dumps(dicts))``. ``dumps`` and ``loads`` are shown one by
one as well. Ratios are ours / baseline of the median times, interleaved in
the same run (``_harness.py``). The round trip is checked to give the same
records before anything is timed.

Generating the opportunities is not timed.

Usage: python benchmarks/bench_json.py [--quick]   (--quick: 10 000 instead of 100 000)
"""

from __future__ import annotations

import json

from _harness import Harness, Side
from salesfunnel.datasets import generate
from salesfunnel.io import dumps, loads


def main() -> None:
    bench = Harness(__doc__, quick_help="10 000 opportunities")
    n = 10_000 if bench.quick else 100_000
    repeats = 3
    deals = generate(n, seed=11)
    doc = dumps(deals, indent=None)
    plain = json.loads(doc)
    assert loads(doc) == deals, "the JSON round trip differs"
    assert json.loads(json.dumps(plain, ensure_ascii=False)) == plain
    events = sum(len(d.history) + len(d.revisions) for d in deals)
    print(
        f"{n} opportunities ({events} history entries and revisions), "
        f"{len(doc) / 1e6:.1f} MB of JSON, machine: 2 shared cores"
    )
    per = (n, "opportunity")
    trip = bench.compare(
        "JSON round trip (dumps then loads)",
        Side("loads(dumps(deals))", lambda: loads(dumps(deals, indent=None))),
        [
            Side(
                "json.loads(json.dumps(dicts))",
                lambda: json.loads(json.dumps(plain, ensure_ascii=False)),
                goal=2,
            )
        ],
        repeats=repeats,
        per=per,
    )
    assert trip.results["loads(dumps(deals))"] == deals, "the JSON round trip differs"
    loaded = bench.compare(
        "JSON loads",
        Side("loads", lambda: loads(doc)),
        [Side("json.loads", lambda: json.loads(doc))],
        repeats=repeats,
        per=per,
    )
    assert loaded.results["loads"] == deals, "the JSON round trip differs"
    written = bench.compare(
        "JSON dumps",
        Side("dumps", lambda: dumps(deals, indent=None)),
        [Side("json.dumps", lambda: json.dumps(plain, ensure_ascii=False))],
        repeats=repeats,
        per=per,
    )
    assert written.results["dumps"] == doc, "dumps writes another document"
    bench.finish()


if __name__ == "__main__":
    main()
