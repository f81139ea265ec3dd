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

The 100 000 opportunities are four documents of 25 000 (a document is
bounded at 64 MiB, about 40 000 of these opportunities); both sides handle
the same four. Generating the opportunities is not timed.

Usage: python benchmarks/bench_json.py [--quick]   (--quick: one document of 10 000 instead)
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
    size = min(n, 25_000)
    deals = generate(n, seed=11)
    parts = [deals[i : i + size] for i in range(0, n, size)]
    docs = [dumps(part, indent=None) for part in parts]
    plain = [json.loads(doc) for doc in docs]
    assert tuple(r for doc in docs for r in loads(doc)) == deals, "the JSON round trip differs"
    events = sum(len(d.history) + len(d.revisions) for d in deals)
    print(
        f"{n} opportunities ({events} history entries and revisions) in {len(docs)} "
        f"document(s), {sum(map(len, docs)) / 1e6:.1f} MB of JSON, machine: 2 shared cores"
    )

    def ours_trip():
        return tuple(r for part in parts for r in loads(dumps(part, indent=None)))

    def base_trip():
        return [json.loads(json.dumps(p, ensure_ascii=False)) for p in plain]

    per = (n, "opportunity")
    trip = bench.compare(
        "JSON round trip (dumps then loads)",
        Side("loads(dumps(deals))", ours_trip),
        [Side("json.loads(json.dumps(dicts))", base_trip, goal=2)],
        repeats=repeats,
        per=per,
    )
    assert trip.results["loads(dumps(deals))"] == deals, "the JSON round trip differs"
    loaded = bench.compare(
        "JSON loads",
        Side("loads", lambda: tuple(r for doc in docs for r in loads(doc))),
        [Side("json.loads", lambda: [json.loads(doc) for doc in docs])],
        repeats=repeats,
        per=per,
    )
    assert loaded.results["loads"] == deals, "the JSON round trip differs"
    written = bench.compare(
        "JSON dumps",
        Side("dumps", lambda: [dumps(part, indent=None) for part in parts]),
        [Side("json.dumps", lambda: [json.dumps(p, ensure_ascii=False) for p in plain])],
        repeats=repeats,
        per=per,
    )
    assert written.results["dumps"] == docs, "dumps writes other documents"
    bench.finish()


if __name__ == "__main__":
    main()
