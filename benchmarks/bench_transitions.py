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

Each side's records or machines are built before its timer. The runs are
interleaved in the same process (``_harness.py``); per-transition median
times and the ratios (salesfunnel ÷ baseline, printed as "N x faster" or
"N x slower") are printed. Run::

    python benchmarks/bench_transitions.py [--quick]

Needs the ``bench`` extra (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from statemachine import State, StateMachine
from transitions import Machine

from _harness import Harness, Side
from salesfunnel.datasets import _gate_facts
from salesfunnel.funnel import DEFAULT_FUNNEL, Opportunity

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


DAYS = [date(2026, 1, 1) + timedelta(days=i) for i in range(1, len(KEYS))]


def salesfunnel_deals(n: int) -> list[Opportunity]:
    return [
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


def run_salesfunnel(deals: list[Opportunity]) -> None:
    for deal in deals:
        d = deal
        for key, day in zip(KEYS[1:], DAYS, strict=True):
            d = DEFAULT_FUNNEL.advance(d, key, on=day)
        assert d.stage == "closed"


def run_psm(machines: list[PsmFunnel]) -> None:
    for m in machines:
        for _ in KEYS[1:]:
            m.send("advance")
    assert machines[0].closed.is_active


def transitions_models(n: int) -> tuple[list[TrDeal], Machine]:
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
    return models, machine


def run_transitions(built: tuple[list[TrDeal], Machine]) -> None:
    models, _machine = built
    for model in models:
        for _ in KEYS[1:]:
            model.advance()  # type: ignore[attr-defined]
    assert models[0].state == "closed"  # type: ignore[attr-defined]


def main() -> None:
    bench = Harness(__doc__, quick_help="fewer deals and repeats")
    n, repeats = (300, 5) if bench.quick else (2000, 9)
    bench.compare(
        f"{n} deals x {len(KEYS) - 1} gated transitions",
        Side(
            "salesfunnel (full verdict + history)",
            run_salesfunnel,
            setup=lambda: salesfunnel_deals(n),
        ),
        [
            Side(
                "python-statemachine (boolean guard)",
                run_psm,
                setup=lambda: [PsmFunnel(dict(FACTS)) for _ in range(n)],
                goal=0.2,
            ),
            Side(
                "transitions (boolean guard)",
                run_transitions,
                setup=lambda: transitions_models(n),
                goal=0.5,
            ),
        ],
        repeats=repeats,
        per=(n * (len(KEYS) - 1), "transition"),
    )
    bench.finish()


if __name__ == "__main__":
    main()
