"""A bundled sample pipeline and the seeded generator behind it.

:func:`sample_pipeline` is the data ``salesfunnel demo`` runs on: 600
opportunities of a fictional B2B software seller, as of
:data:`SAMPLE_AS_OF`, with several owners, products and currencies, and
histories that include skipped stages, moves back, losses, reopened deals,
rescheduled close dates and repriced amounts. :func:`generate` makes any number
of such opportunities from a seed (the benchmarks use 100 000 and 1 000 000);
the same seed always gives the same data.

Histories are built to be valid in the funnel: each stage entered has the facts
its gate needs, so any sample opportunity can be moved on with the stage
machine.

>>> deals = sample_pipeline()
>>> len(deals)
600
>>> generate(3, seed=7) == generate(3, seed=7)
True
"""

from __future__ import annotations

import functools
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import (
    ChangeKind,
    LineItem,
    Reprice,
    Reschedule,
    StageChange,
    StageKind,
)
from salesfunnel.funnel.stages import Funnel
from salesfunnel.fx import ExchangeRates
from salesfunnel.qualification import FactValue, Threshold

if TYPE_CHECKING:
    from salesfunnel.funnel.records import Revision

__all__ = [
    "ACCOUNTS",
    "OWNERS",
    "PRODUCTS",
    "SAMPLE_AS_OF",
    "SAMPLE_RATES",
    "generate",
    "sample_pipeline",
]

#: The date the sample pipeline is "as of": no change in it is later.
SAMPLE_AS_OF = date(2026, 9, 30)

#: Dated exchange rates into CNY for the sample's currencies (fictional but
#: plausible), from before its first deal to after its as-of date. The one
#: set of rates of the sample: ``salesfunnel demo``, the tutorial and the
#: notebook convert with it, so that they show the same totals.
SAMPLE_RATES = ExchangeRates.to(
    "CNY",
    {
        date(2024, 12, 31): {"USD": "7.30", "EUR": "7.60"},
        date(2025, 6, 30): {"USD": "7.17", "EUR": "8.40"},
        date(2025, 12, 31): {"USD": "7.05", "EUR": "8.25"},
        date(2026, 6, 30): {"USD": "7.15", "EUR": "7.95"},
    },
)

#: The salespeople of the sample.
OWNERS: tuple[str, ...] = (
    "Li Wei",
    "Zhang Min",
    "Anna Schmidt",
    "Tom Baker",
    "Wang Fang",
    "Sara Costa",
)

#: Products and their typical list price (in CNY).
PRODUCTS: dict[str, int] = {
    "ERP": 400_000,
    "CRM": 150_000,
    "Analytics": 90_000,
    "Support": 40_000,
    "Hardware": 120_000,
}

#: Customer accounts of the sample (names are invented).
ACCOUNTS: tuple[str, ...] = tuple(
    f"{prefix} {suffix}"
    for prefix in (
        "Huaxin",
        "Tianyu",
        "Northwind",
        "Contoso",
        "Jinlong",
        "Baiyun",
        "Fabrikam",
        "Dongfang",
        "Meridian",
        "Hengtai",
        "Lakeside",
        "Xinda",
        "Orion",
        "Yuanhang",
        "Bluebay",
        "Shengda",
        "Redwood",
        "Kaiyuan",
        "Summit",
        "Anxin",
    )
    for suffix in ("Group", "Holdings", "Manufacturing", "Retail", "Logistics", "Energy", "Foods")
)

_CURRENCIES = (("CNY", Decimal(1)), ("USD", Decimal("0.14")), ("EUR", Decimal("0.13")))
_LOST_REASONS = (
    "Chose a competitor on price",
    "Project cancelled by the customer",
    "No budget this year",
    "Lost to the incumbent vendor",
    "Requirements did not fit",
)


def _hundreds(value: Decimal) -> Decimal:
    """Round to whole hundreds, keeping a plain (non-exponent) representation."""
    return (value / 100).quantize(Decimal(1)) * 100


def _gate_facts(funnel: Funnel, upto: int, rng: random.Random) -> dict[str, FactValue]:
    """Facts that pass every gate from the bottom up to ladder position ``upto``."""
    facts: dict[str, FactValue] = {}
    for stage in funnel.stages[: upto + 1]:
        if stage.rule is None:
            continue
        for criterion in stage.rule.criteria():
            for key in criterion.needs:
                if isinstance(criterion.test, Threshold):
                    bump = Decimal(rng.randint(5, 40)) / 100
                    facts[key] = min(criterion.test.limit + bump, Decimal("0.95"))
                else:
                    facts[key] = True
    return facts


def _one(  # noqa: PLR0915
    i: int, rng: random.Random, funnel: Funnel, start: date, as_of: date, weights: list[float]
) -> Opportunity:
    span = (as_of - start).days
    created = start + timedelta(days=int(max(span - 20, 1) * rng.random() ** 0.5))
    account = rng.choices(ACCOUNTS, weights=weights)[0]
    owner = OWNERS[rng.randrange(len(OWNERS))]
    currency, rate = _CURRENCIES[0] if rng.random() < 0.6 else rng.choice(_CURRENCIES[1:])
    n_lines = 1 if rng.random() < 0.7 else rng.randint(2, 3)
    products = rng.sample(sorted(PRODUCTS), n_lines)
    scale = Decimal(str(round(rng.lognormvariate(0, 0.5), 2)))
    lines = tuple(
        LineItem(p, max(_hundreds(PRODUCTS[p] * scale * rate), Decimal(100))) for p in products
    )
    ladder = [s.key for s in funnel.stages]
    won_index = len(ladder) - 1
    pos = 0 if rng.random() < 0.25 else 1
    day = created
    history = [StageChange(None, ladder[pos], created, kind=ChangeKind.CREATE)]
    reached = pos
    closed_on: date | None = None
    lost_reason: str | None = None
    stage = ladder[pos]
    while True:
        step = timedelta(days=int(rng.expovariate(1 / 35)) + 1)
        if day + step > as_of:
            break
        day += step
        roll = rng.random()
        if roll < 0.07:
            reason = rng.choice(_LOST_REASONS)
            history.append(StageChange(stage, funnel.lost.key, day, reason, ChangeKind.LOSE))
            stage, closed_on, lost_reason = funnel.lost.key, day, reason
            if rng.random() < 0.1 and day + timedelta(days=30) <= as_of:
                day += timedelta(days=rng.randint(10, 30))
                back = history[-1].from_stage or ladder[1]
                history.append(
                    StageChange(stage, back, day, "Customer came back", ChangeKind.REOPEN)
                )
                stage, closed_on, lost_reason = back, None, None
                pos = ladder.index(back)
                continue
            break
        if roll < 0.17 and pos > 1:
            to = pos - 1
            history.append(
                StageChange(
                    stage, ladder[to], day, "Customer re-opened requirements", ChangeKind.REGRESS
                )
            )
        elif roll < 0.25 and pos + 2 < won_index:
            to = pos + 2
            history.append(
                StageChange(stage, ladder[to], day, None, ChangeKind.SKIP, (ladder[pos + 1],))
            )
        elif roll < 0.62:
            to = pos + 1
            history.append(StageChange(stage, ladder[to], day, None, ChangeKind.ADVANCE))
        else:
            continue
        pos = to
        stage = ladder[pos]
        reached = max(reached, pos)
        if pos == won_index:
            closed_on = day
            break
    facts = _gate_facts(funnel, reached, rng)
    expected = created + timedelta(days=rng.randint(60, 420))
    if closed_on is not None:
        expected = max(expected, created)
    revisions: list[Revision] = []
    last = created
    if closed_on is None and rng.random() < 0.3:
        for _ in range(rng.randint(1, 3)):
            when = last + timedelta(days=rng.randint(5, 60))
            if when > as_of:
                break
            new = expected + timedelta(days=rng.choice((-30, 30, 45, 60, 90)))
            if new < created or new == expected:
                continue
            revisions.append(Reschedule(when, expected, new, "Customer timeline changed"))
            expected, last = new, when
    if closed_on is None and rng.random() < 0.12:
        when = last + timedelta(days=rng.randint(5, 60))
        if when <= as_of:
            factor = Decimal(rng.choice(("0.8", "0.9", "1.1", "1.25")))
            new_lines = tuple(
                LineItem(li.product, max(_hundreds(li.amount * factor), Decimal(100)))
                for li in lines
            )
            if new_lines != lines:
                revisions.append(Reprice(when, lines, new_lines, "Scope changed"))
                lines = new_lines
    probability = None
    if closed_on is None and rng.random() < 0.05:
        probability = Decimal(rng.randint(1, 19)) / 20
    if closed_on is not None and funnel[stage].kind is StageKind.WON:
        expected = max(created, closed_on)
    return Opportunity(
        id=f"OPP-{i:07d}",
        name=f"{account} {products[0]} {'rollout' if n_lines == 1 else 'programme'}",
        account=account,
        owner=owner,
        stage=stage,
        created=created,
        expected_close=expected,
        currency=currency,
        line_items=lines,
        probability=probability,
        facts=facts,
        history=history,
        revisions=revisions,
        closed_on=closed_on,
        lost_reason=lost_reason,
        notes="",
    )


def generate(
    n: int,
    *,
    seed: int = 2026,
    start: date = date(2025, 1, 1),
    as_of: date = SAMPLE_AS_OF,
    funnel: Funnel = DEFAULT_FUNNEL,
) -> tuple[Opportunity, ...]:
    """Generate ``n`` opportunities with histories, the same for the same seed.

    Account sizes follow a Pareto-like law (a few accounts bring most of the
    business), about a quarter of deals have several line items, 40 % are in
    USD or EUR, and histories include skips, moves back, losses, reopened
    deals, reschedules and repricings.

    Args:
        n: How many opportunities.
        seed: The random seed.
        start: The earliest creation date.
        as_of: No change is dated after this.
        funnel: The funnel whose stages (it must have a won stage) are used.

    Returns:
        The opportunities, ids ``OPP-0000000`` upwards.
    """
    rng = random.Random(seed)
    weights = [1 / (k + 1) ** 0.9 for k in range(len(ACCOUNTS))]
    return tuple(_one(i, rng, funnel, start, as_of, weights) for i in range(n))


@functools.cache
def sample_pipeline() -> tuple[Opportunity, ...]:
    """Return the bundled sample: 600 opportunities as of :data:`SAMPLE_AS_OF`."""
    return generate(600, seed=2026)
