"""Benchmark: one gated stage transition, against two state-machine libraries.

The same seven-stage ladder (target_segment → … → closed) is walked by many
deals in three implementations, measured in the same run:

* salesfunnel: ``DEFAULT_FUNNEL.advance`` evaluates the target stage's full
  qualification rule (three-valued, with a ``Verdict`` listing met, failed and
  missing criteria), checks the date and appends a history entry to a new,
  immutable opportunity.
* python-statemachine: a ``StateMachine`` whose transitions carry a guard
  (``cond=``) that checks the same facts for the same stage (a plain boolean:
  no verdict, no history).
* transitions: a ``Machine`` with the same guards (``conditions=``).

Per-transition times and the ratios (baseline ÷ salesfunnel; above 1 means
salesfunnel is faster) are printed. Run::

    python benchmarks/bench_transitions.py [--quick]

Needs the ``bench`` extra (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import argparse
import itertools
import time
from datetime import date, timedelta

from statemachine import State, StateMachine
from transitions import Machine

from salesfunnel import DEFAULT_FUNNEL, Opportunity
from salesfunnel.datasets import _gate_facts

KEYS = [s.key for s in DEFAULT_FUNNEL]


class _Fixed:
    def randint(self, a: int, _b: int) -> int:
        return a


FACTS = _gate_facts(DEFAULT_FUNNEL, len(KEYS) - 1, _Fixed())
#: For each stage, the fact keys its gate reads: the baselines' guards check them.
NEEDS = {
    s.key: tuple(k for c in s.rule.criteria() for k in c.needs) if s.rule else ()
    for s in DEFAULT_FUNNEL
}


def guard(facts: dict[str, object], stage: str) -> bool:
    """The baselines' guard: every fact the stage's gate reads is known and true."""
    return all(facts.get(k) not in (None, False) for k in NEEDS[stage])


class PsmFunnel(StateMachine):
    """The seven-stage ladder in python-statemachine, with guards."""

    target_segment = State(initial=True)
    potential = State()
    intent = State()
    project = State()
    recognition = State()
    negotiation = State()
    closed = State(final=True)

    advance = (
        target_segment.to(potential, cond="g_potential")
        | potential.to(intent, cond="g_intent")
        | intent.to(project, cond="g_project")
        | project.to(recognition, cond="g_recognition")
        | recognition.to(negotiation, cond="g_negotiation")
        | negotiation.to(closed, cond="g_closed")
    )

    def __init__(self, facts: dict[str, object]) -> None:
        self.facts = facts
        super().__init__()

    def g_potential(self) -> bool:
        return guard(self.facts, "potential")

    def g_intent(self) -> bool:
        return guard(self.facts, "intent")

    def g_project(self) -> bool:
        return guard(self.facts, "project")

    def g_recognition(self) -> bool:
        return guard(self.facts, "recognition")

    def g_negotiation(self) -> bool:
        return guard(self.facts, "negotiation")

    def g_closed(self) -> bool:
        return guard(self.facts, "closed")


class TrDeal:
    """A model object for the transitions library."""

    def __init__(self, facts: dict[str, object]) -> None:
        self.facts = facts

    def gate(self, event: object) -> bool:
        return guard(self.facts, event.transition.dest)  # type: ignore[attr-defined]


def run_salesfunnel(n: int) -> float:
    deals = [
        Opportunity(
            id=f"D{i}",
            name="n",
            account="a",
            owner="o",
            stage="target_segment",
            created=date(2026, 1, 1),
            expected_close=date(2026, 12, 31),
            amount="100",
            currency="USD",
            facts=FACTS,
        )
        for i in range(n)
    ]
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(1, len(KEYS))]
    start = time.perf_counter()
    for deal in deals:
        d = deal
        for key, day in zip(KEYS[1:], days, strict=True):
            d = DEFAULT_FUNNEL.advance(d, key, on=day)
        assert d.stage == "closed"
    return time.perf_counter() - start


def run_psm(n: int) -> float:
    machines = [PsmFunnel(dict(FACTS)) for _ in range(n)]
    start = time.perf_counter()
    for m in machines:
        for _ in KEYS[1:]:
            m.send("advance")
    elapsed = time.perf_counter() - start
    assert machines[0].closed.is_active
    return elapsed


def run_transitions(n: int) -> float:
    models = [TrDeal(dict(FACTS)) for _ in range(n)]
    machine = Machine(
        model=models,
        states=KEYS,
        initial=KEYS[0],
        send_event=True,
        auto_transitions=False,
        transitions=[
            {"trigger": "advance", "source": a, "dest": b, "conditions": "gate"}
            for a, b in itertools.pairwise(KEYS)
        ],
    )
    start = time.perf_counter()
    for model in models:
        for _ in KEYS[1:]:
            model.advance()
    elapsed = time.perf_counter() - start
    assert models[0].state == "closed"
    del machine
    return elapsed


def interleaved(runs: dict[str, object], n: int, repeats: int) -> dict[str, float]:
    """Best time of each implementation, with the runs interleaved.

    Running A, B, C, A, B, C… instead of A×k, B×k, C×k keeps a change in the
    machine's load from favouring whichever implementation ran during the
    quiet spell.
    """
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            times[name].append(fn(n))  # type: ignore[operator]
    return {name: min(ts) for name, ts in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer deals and repeats")
    args = parser.parse_args()
    n, repeats = (300, 5) if args.quick else (2000, 9)
    per = n * (len(KEYS) - 1)
    best = interleaved({"ours": run_salesfunnel, "psm": run_psm, "tr": run_transitions}, n, repeats)
    ours, psm, tr = (best[k] / per for k in ("ours", "psm", "tr"))
    print(f"{n} deals x {len(KEYS) - 1} gated transitions, best of {repeats}")
    print(f"  salesfunnel (full verdict + history): {ours * 1e6:8.2f} µs/transition")
    print(
        f"  python-statemachine (boolean guard):  {psm * 1e6:8.2f} µs/transition  ratio {psm / ours:5.2f}x"
    )
    print(
        f"  transitions (boolean guard):          {tr * 1e6:8.2f} µs/transition  ratio {tr / ours:5.2f}x"
    )


if __name__ == "__main__":
    main()
