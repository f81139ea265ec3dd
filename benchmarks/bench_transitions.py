"""Benchmark: one gated stage transition, against a frozen-attrs floor and two state-machine libraries.

The workload of issue 13: deals in ``project`` move to ``recognition``, whose
gate reads four facts (three yes/no facts and a probability above 50 %). The
facts that open the gate are learned with the move (passed as new facts); the
record already holds the 20 facts of the gates below. Two comparisons, each in
the same run, interleaved (``_harness.py``):

* **full step, record loaded per call**: each call builds the record from
  its stored fields (a dict, as a database or a file reader gives them:
  strings, a ``Decimal``, dates, a facts dict) and moves it. Building is
  timed: loading is part of a move in a service that keeps its records
  elsewhere.
* **steps only**: the records are built before the timer; each call moves
  one.

The sides:

* salesfunnel: ``Opportunity(**row)`` (every field checked) then
  ``DEFAULT_FUNNEL.advance(deal, "recognition", on=..., facts=new)`` (the
  facts merged and checked, the funnel and the date checked, the gate's
  three-valued rule evaluated, a history entry appended to a new record).
* the floor: what a user would write with no library, on a frozen attrs
  class with the same fields (no checks): ``attrs.evolve`` with the merged
  facts, the new stage and one more history entry (a frozen attrs value),
  after checking the four facts as plain booleans and a comparison.
* python-statemachine: a ``StateMachine`` per record (built per call when the
  record is loaded per call), whose transition carries a guard (``cond=``)
  on the same four facts; a boolean, no verdict, no history.
* transitions: one ``Machine``; each record's model is added to it
  (``add_model(..., initial=stage)``) and removed again when loaded per call,
  with the same guard (``conditions=``).

Goals (issue 13): ours ≤ 2x the floor in both comparisons; with the record
loaded per call, ≥ 5x faster than python-statemachine and ≥ 2x faster than
transitions (their steps alone are shown with no goal). Run::

    python benchmarks/bench_transitions.py [--quick]

Needs the ``bench`` extra (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs
from statemachine import State, StateMachine
from transitions import Machine

from _harness import Harness, Side
from salesfunnel.datasets import _gate_facts
from salesfunnel.funnel import DEFAULT_FUNNEL, Opportunity

KEYS = [s.key for s in DEFAULT_FUNNEL]
FROM, TO = "project", "recognition"
ON = date(2026, 3, 2)


class _Fixed:
    def randint(self, a: int, _b: int) -> int:
        return a


#: The facts that passed the gates up to ``project`` (what the record holds).
OLD_FACTS = _gate_facts(DEFAULT_FUNNEL, KEYS.index(FROM), _Fixed())
_ALL = _gate_facts(DEFAULT_FUNNEL, KEYS.index(TO), _Fixed())
#: The facts learned with the move: the four the ``recognition`` gate reads.
NEW_FACTS = {k: v for k, v in _ALL.items() if k not in OLD_FACTS}
assert len(NEW_FACTS) == 4, NEW_FACTS
FLAGS = tuple(k for k, v in NEW_FACTS.items() if v is True)
(ODDS,) = (k for k, v in NEW_FACTS.items() if v is not True)


def rows(n: int) -> list[dict[str, Any]]:
    """The stored fields of ``n`` deals in ``project``."""
    return [
        {
            "id": f"D{i:07d}",
            "name": f"Deal {i}",
            "account": f"Account {i % 500}",
            "owner": f"Owner {i % 40}",
            "stage": FROM,
            "created": date(2026, 1, 1 + i % 28),
            "expected_close": date(2026, 12, 31),
            "amount": Decimal(f"{1000 + i * 7919 % 1_000_000}.{i % 100:02d}"),  # rarely equal
            "currency": "CNY",
            "product": "ERP",
            "facts": dict(OLD_FACTS),
        }
        for i in range(n)
    ]


def guard(facts: dict[str, object]) -> bool:
    """The floor's and the baselines' check of the gate: three flags and the odds."""
    return all(facts.get(k) is True for k in FLAGS) and facts.get(ODDS, 0) > Decimal("0.5")  # type: ignore[operator]


# -- salesfunnel ----------------------------------------------------------


def ours_loaded(table: list[dict[str, Any]]) -> Opportunity:
    advance = DEFAULT_FUNNEL.advance
    for row in table:
        deal = advance(Opportunity(**row), TO, on=ON, facts=NEW_FACTS)
    return deal


def ours_steps(deals: list[Opportunity]) -> Opportunity:
    advance = DEFAULT_FUNNEL.advance
    for d in deals:
        deal = advance(d, TO, on=ON, facts=NEW_FACTS)
    return deal


# -- the floor: a frozen attrs record and no checks -----------------------


@attrs.frozen
class Entry:
    """A history entry of the floor."""

    from_stage: str | None
    to_stage: str
    on: date


@attrs.frozen
class Deal:
    """The floor's record: the same fields, frozen, unchecked."""

    id: str
    name: str
    account: str
    owner: str
    stage: str
    created: date
    expected_close: date
    amount: Decimal
    currency: str
    product: str
    facts: dict[str, object]
    history: tuple[Entry, ...]


def floor_load(row: dict[str, Any]) -> Deal:
    return Deal(**row, history=(Entry(None, row["stage"], row["created"]),))


def floor_move(deal: Deal) -> Deal:
    facts = {**deal.facts, **NEW_FACTS}
    if not guard(facts):
        raise ValueError(deal.id)
    return attrs.evolve(
        deal, stage=TO, facts=facts, history=(*deal.history, Entry(deal.stage, TO, ON))
    )


def floor_loaded(table: list[dict[str, Any]]) -> Deal:
    for row in table:
        deal = floor_move(floor_load(row))
    return deal


def floor_steps(deals: list[Deal]) -> Deal:
    for d in deals:
        deal = floor_move(d)
    return deal


# -- python-statemachine ----------------------------------------------------


class PsmFunnel(StateMachine):
    """The seven-stage ladder in python-statemachine, the move gated."""

    target_segment = State(initial=True)
    potential = State()
    intent = State()
    project = State()
    recognition = State()
    negotiation = State()
    closed = State(final=True)

    advance = (
        target_segment.to(potential)
        | potential.to(intent)
        | intent.to(project)
        | project.to(recognition, cond="gate")
        | recognition.to(negotiation)
        | negotiation.to(closed)
    )

    def __init__(self, facts: dict[str, object], stage: str) -> None:
        self.facts = facts
        super().__init__(start_value=stage)

    def gate(self) -> bool:
        return guard(self.facts)


def psm_move(machine: PsmFunnel) -> PsmFunnel:
    machine.facts.update(NEW_FACTS)
    machine.send("advance")
    return machine


def psm_loaded(table: list[dict[str, Any]]) -> str:
    for row in table:
        machine = psm_move(PsmFunnel(dict(row["facts"]), row["stage"]))
    return str(machine.current_state_value)


def psm_steps(machines: list[PsmFunnel]) -> str:
    for m in machines:
        psm_move(m)
    return str(machines[-1].current_state_value)


# -- transitions ----------------------------------------------------------


class TrDeal:
    """A model object for the transitions library."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row
        self.facts = dict(row["facts"])

    def gate(self, _event: object) -> bool:
        return guard(self.facts)


def tr_machine() -> Machine:
    return Machine(
        model=None,
        states=KEYS,
        initial=FROM,
        send_event=True,
        auto_transitions=False,
        transitions=[{"trigger": "advance", "source": FROM, "dest": TO, "conditions": "gate"}],
    )


TR = tr_machine()


def tr_move(model: TrDeal) -> TrDeal:
    model.facts.update(NEW_FACTS)
    model.advance()  # type: ignore[attr-defined]
    return model


def tr_loaded(table: list[dict[str, Any]]) -> str:
    for row in table:
        model = TrDeal(row)
        TR.add_model(model, initial=row["stage"])
        tr_move(model)
        TR.remove_model(model)
    return str(model.state)  # type: ignore[attr-defined]


def tr_built(table: list[dict[str, Any]]) -> list[TrDeal]:
    TR.remove_model(list(TR.models))
    models = [TrDeal(row) for row in table]
    TR.add_model(models, initial=FROM)
    return models


def tr_steps(models: list[TrDeal]) -> str:
    for m in models:
        tr_move(m)
    return str(models[-1].state)  # type: ignore[attr-defined]


def main() -> None:
    bench = Harness(__doc__, quick_help="fewer deals and repeats")
    n, repeats = (2_000, 5) if bench.quick else (20_000, 9)
    table = rows(n)
    deals = [Opportunity(**row) for row in table]
    # Every side computes the same move.
    ours = ours_steps(deals)
    floor = floor_steps([floor_load(r) for r in table])
    assert (ours.stage, floor.stage) == (TO, TO)
    assert ours.facts == floor.facts
    assert [(c.from_stage, c.to_stage, c.on) for c in ours.history] == [
        (e.from_stage, e.to_stage, e.on) for e in floor.history
    ]
    assert psm_loaded(table[:10]) == tr_loaded(table[:10]) == TO
    print(f"{n} deals, {FROM} -> {TO}, {len(OLD_FACTS)} facts held, {len(NEW_FACTS)} learned")
    per = (n, "transition")
    bench.compare(
        "one gated transition, record loaded per call",
        Side("salesfunnel (checked record, verdict, history)", ours_loaded, setup=lambda: table),
        [
            Side("frozen-attrs floor", floor_loaded, setup=lambda: table, goal=2.0),
            Side("python-statemachine", psm_loaded, setup=lambda: table, goal=0.2),
            Side("transitions", tr_loaded, setup=lambda: table, goal=0.5),
        ],
        repeats=repeats,
        per=per,
    )
    bench.compare(
        "one gated transition, steps only (records built before the timer)",
        Side("salesfunnel", ours_steps, setup=lambda: deals),
        [
            Side(
                "frozen-attrs floor",
                floor_steps,
                setup=lambda: [floor_load(r) for r in table],
                goal=2.0,
            ),
            Side(
                "python-statemachine",
                psm_steps,
                setup=lambda: [PsmFunnel(dict(r["facts"]), r["stage"]) for r in table],
            ),
            Side("transitions", tr_steps, setup=lambda: tr_built(table)),
        ],
        repeats=repeats,
        per=per,
    )
    bench.finish()


if __name__ == "__main__":
    main()
