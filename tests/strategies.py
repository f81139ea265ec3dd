"""Hypothesis strategies shared by the whole test suite.

One module that grows with every new model: each area appends its own section.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from salesfunnel import (
    DEFAULT_FUNNEL,
    AllOf,
    AnyOf,
    AtLeast,
    Criterion,
    Funnel,
    Opportunity,
    Stage,
    StageKind,
    Text,
)
from salesfunnel.datasets import _gate_facts
from salesfunnel.model import LineItem

# --- foundation: money, facts, rules, stages, funnels, opportunities ---

#: Money amounts: non-negative Decimals with up to two places.
amounts = st.decimals(min_value=0, max_value=Decimal("1e9"), places=2, allow_nan=False)

#: Probabilities as Decimals in [0, 1].
probabilities = st.decimals(min_value=0, max_value=1, places=3, allow_nan=False)

#: Dates in a realistic range.
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))

currencies = st.sampled_from(["CNY", "USD", "EUR", "GBP", "JPY"])

fact_keys = st.sampled_from([f"f{i}" for i in range(8)])

#: Yes/no facts over a small key space, with unknowns (absent keys or None).
facts = st.dictionaries(fact_keys, st.one_of(st.booleans(), st.none()), max_size=8)

criteria = fact_keys.map(lambda k: Criterion.fact(k, f"fact {k}"))


def _combine(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    parts = st.lists(children, min_size=1, max_size=4)
    return st.one_of(
        parts.map(AllOf),
        parts.map(AnyOf),
        parts.flatmap(lambda rs: st.integers(1, len(rs)).map(lambda n: AtLeast(n, rs))),
    )


#: Monotone rules (all of / any of / at least, no negation) over yes/no facts.
monotone_rules = st.recursive(criteria, _combine, max_leaves=10)


@st.composite
def funnels(draw: st.DrawFn) -> Funnel:
    """A valid linear funnel of 2-8 stages with non-decreasing probabilities."""
    n = draw(st.integers(2, 8))
    probs = sorted(draw(st.lists(probabilities, min_size=n - 1, max_size=n - 1)))
    rules = draw(st.lists(st.one_of(st.none(), monotone_rules), min_size=n, max_size=n))
    stages = [
        Stage(f"s{i}", Text(f"Stage {i}", f"阶段{i}"), probs[i], rule=rules[i])
        for i in range(n - 1)
    ]
    stages.append(Stage("won", Text("Won", "成交"), 1, kind=StageKind.WON, rule=rules[-1]))
    lost = Stage("lost", Text("Lost", "丢单"), 0, kind=StageKind.LOST)
    return Funnel(stages, lost, name=draw(st.sampled_from(["a", "b"])))


@st.composite
def line_items(draw: st.DrawFn) -> tuple[LineItem, ...]:
    """One to three product lines."""
    products = draw(
        st.lists(
            st.sampled_from(["ERP", "CRM", "Analytics", "Support"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    return tuple(LineItem(p, draw(amounts)) for p in products)


@st.composite
def opportunities(draw: st.DrawFn, funnel: Funnel = DEFAULT_FUNNEL) -> Opportunity:
    """A new, open opportunity in a random open stage of ``funnel``.

    Its facts pass every gate of the funnel's stages, so it can be advanced.
    """
    created = draw(dates)
    expected = created + timedelta(days=draw(st.integers(0, 720)))
    open_stages = [s.key for s in funnel if s.kind is StageKind.OPEN]
    stage = draw(st.sampled_from(open_stages))
    override = draw(st.one_of(st.none(), probabilities))
    return Opportunity(
        id=draw(st.from_regex(r"[A-Z]{2,4}-[0-9]{1,6}", fullmatch=True)),
        name=draw(st.sampled_from(["ERP rollout", "CRM", "项目一"])),
        account=draw(st.sampled_from(["Acme", "华信集团", "Northwind"])),
        owner=draw(st.sampled_from(["Li Wei", "Ann", "张敏"])),
        stage=stage,
        created=created,
        expected_close=expected,
        currency=draw(currencies),
        line_items=draw(line_items()),
        probability=override,
        facts=_gate_facts(funnel, len(funnel) - 1, _FixedRandom()),
    )


class _FixedRandom:
    """Stands in for random.Random in _gate_facts: always the same bump."""

    def randint(self, a: int, _b: int) -> int:
        return a


#: A move the stage machine may be asked to make, as (action, stage index, days later).
moves = st.tuples(
    st.sampled_from(["advance", "back", "lose", "reopen", "skip"]),
    st.integers(0, 7),
    st.integers(0, 60),
)
