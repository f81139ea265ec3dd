"""Hypothesis strategies shared by the whole test suite.

One module that grows with every new model: each area appends its own section.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from salesfunnel import (
    DEFAULT_FUNNEL,
    AllOf,
    AnyOf,
    Criterion,
    Funnel,
    Opportunity,
    Stage,
    StageKind,
    Text,
)
from salesfunnel.datasets import _gate_facts
from salesfunnel.funnel.opportunity import LineItem
from salesfunnel.qualification import AtLeast

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


# --- io: opportunities with any history, revisions and awkward text; rich rules ---

from salesfunnel import ChangeKind, StageChange, evaluate  # noqa: E402
from salesfunnel.funnel.opportunity import Reprice, Reschedule, Revision  # noqa: E402
from salesfunnel.qualification import Not  # noqa: E402

#: Text a CSV cell must survive: commas, quotes, line breaks, separators,
#: backslashes, edge spaces and Chinese (no NUL, which CSV cannot hold).
awkward_text = st.text(
    alphabet=st.sampled_from([*'ab Z,;="\\\n\r\t项目客户%●-', "\u3000"]),
    max_size=12,
)


#: Any text a CSV file can hold: the csv module of Python 3.10 can neither write
#: nor read a NUL character (3.11's can).
def any_text(*, min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy[str]:
    if sys.version_info < (3, 11):
        return st.text(
            st.characters(exclude_characters="\x00"), min_size=min_size, max_size=max_size
        )
    return st.text(min_size=min_size, max_size=max_size)


#: Non-blank awkward text (names, accounts, owners, ids).
names = awkward_text.filter(lambda t: t.strip() != "")

#: Ids: non-blank awkward text without surrounding spaces (an id never has them).
ids = names.map(str.strip)

#: Optional text where ``""`` and ``None`` are the same in a CSV cell: ``None`` or non-empty.
optional_text = st.one_of(st.none(), awkward_text.filter(bool))

#: Fact values of every kind a fact may hold.
fact_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, max_value=10**9, min_value=-(10**9)
    ),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    any_text(max_size=8),
    dates,
)

facts_of_every_kind = st.dictionaries(names, fact_values, max_size=5)


@st.composite
def product_lines(draw: st.DrawFn) -> tuple[LineItem, ...]:
    """One to three lines with awkward (possibly empty or repeated) product names."""
    products = draw(st.lists(st.one_of(st.just(""), awkward_text), min_size=1, max_size=3))
    return tuple(LineItem(p, draw(amounts)) for p in products)


#: A reason that says something (a move back needs one).
reasons = any_text(min_size=1, max_size=12).filter(lambda t: bool(t.strip()))


@st.composite
def legal_moves(
    draw: st.DrawFn, funnel: Funnel, stage: str
) -> tuple[ChangeKind, str, tuple[str, ...]] | None:
    """A move the stage machine could record from ``stage``: kind, target, skipped."""
    kind = funnel[stage].kind
    open_keys = [s.key for s in funnel.stages if s.kind is StageKind.OPEN]
    if kind is StageKind.WON:
        return None
    if kind is StageKind.LOST:
        return ChangeKind.REOPEN, draw(st.sampled_from(open_keys)), ()
    here = funnel.index(stage)
    up = [s.key for s in funnel.stages[here + 1 :]]
    down = [s.key for s in funnel.stages[:here] if s.kind is StageKind.OPEN]
    choices = [ChangeKind.LOSE, ChangeKind.EXIT]
    choices += [ChangeKind.ADVANCE] if up else []
    choices += [ChangeKind.SKIP] if len(up) > 1 else []
    choices += [ChangeKind.REGRESS] if down else []
    move = draw(st.sampled_from(choices))
    if move is ChangeKind.ADVANCE:
        return move, up[0], ()
    if move is ChangeKind.SKIP:
        to = draw(st.integers(1, len(up) - 1))
        return move, up[to], tuple(up[:to])
    if move is ChangeKind.REGRESS:
        return move, draw(st.sampled_from(down)), ()
    return move, funnel.lost.key, ()


@st.composite
def eventful_opportunities(draw: st.DrawFn) -> Opportunity:
    """An opportunity in the default funnel with any history, revisions and text."""
    funnel = DEFAULT_FUNNEL
    keys = [*funnel.keys()]
    created = draw(dates)
    first = draw(st.sampled_from(keys))
    history = [StageChange(None, first, created, draw(optional_text), ChangeKind.CREATE)]
    day = created
    for _ in range(draw(st.integers(0, 5))):
        move = draw(legal_moves(funnel, history[-1].to_stage))
        if move is None:
            break
        kind, to_stage, skipped = move
        day += timedelta(days=draw(st.integers(0, 40)))
        reason = draw(reasons if kind is ChangeKind.REGRESS else optional_text)
        forced = draw(st.booleans()) if kind is ChangeKind.SKIP else False
        history.append(
            StageChange(history[-1].to_stage, to_stage, day, reason, kind, skipped, forced)
        )
    stage = history[-1].to_stage
    kind = funnel[stage].kind
    closed_on = None if kind is StageKind.OPEN else day + timedelta(days=draw(st.integers(0, 9)))
    lines = draw(product_lines())
    expected = created + timedelta(days=draw(st.integers(0, 400)))
    revisions: list[Revision] = []
    when = created
    for _ in range(draw(st.integers(0, 3))):
        when += timedelta(days=draw(st.integers(0, 30)))
        if draw(st.booleans()):
            new = created + timedelta(days=draw(st.integers(0, 400)))
            revisions.append(Reschedule(when, expected, new, draw(optional_text)))
            expected = new
        else:
            new_lines = draw(product_lines())
            revisions.append(Reprice(when, lines, new_lines, draw(optional_text)))
            lines = new_lines
    return Opportunity(
        id=draw(ids),
        name=draw(names),
        account=draw(names),
        owner=draw(names),
        stage=stage,
        created=created,
        expected_close=expected,
        currency=draw(currencies),
        line_items=lines,
        probability=draw(st.one_of(st.none(), probabilities)),
        facts=draw(facts_of_every_kind),
        history=history,
        revisions=revisions,
        closed_on=closed_on,
        lost_reason=draw(optional_text) if closed_on is not None else None,
        notes=draw(awkward_text),
        category_override=draw(category_overrides) if closed_on is None else None,
    )


@st.composite
def opportunity_sets(draw: st.DrawFn) -> tuple[Opportunity, ...]:
    """Zero to five eventful opportunities with distinct ids."""
    deals = draw(st.lists(eventful_opportunities(), max_size=5, unique_by=lambda o: o.id))
    return tuple(deals)


#: Threshold criteria (strict and not) over numeric facts.
threshold_criteria = st.builds(
    lambda key, limit, strict: (Criterion.above if strict else Criterion.at_least)(
        key, limit, f"{key} above {limit}", f"{key} 大于 {limit}"
    ),
    st.sampled_from(["n0", "n1", "n2"]),
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
    st.booleans(),
)


def _combine_any(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    label = st.one_of(st.none(), st.builds(Text, st.text(max_size=6), st.text(max_size=6)))
    parts = st.lists(children, min_size=1, max_size=3)
    return st.one_of(
        st.builds(AllOf, parts, label),
        st.builds(AnyOf, parts, label),
        st.builds(Not, children, label),
        parts.flatmap(lambda rs: st.integers(1, len(rs)).map(lambda n: AtLeast(n, rs))),
    )


#: Rules of every shape: yes/no and threshold criteria under all of, any of,
#: at least and not, with and without their own labels.
any_rules = st.recursive(st.one_of(criteria, threshold_criteria), _combine_any, max_leaves=8)

#: Facts for :data:`any_rules`: yes/no facts and numeric ones, some unknown.
mixed_facts = st.dictionaries(
    st.sampled_from([f"f{i}" for i in range(8)] + ["n0", "n1", "n2"]),
    st.one_of(st.none(), st.booleans()),
    max_size=11,
).flatmap(
    lambda yes_no: st.fixed_dictionaries(
        {
            k: st.decimals(min_value=-10, max_value=200, places=1, allow_nan=False)
            for k in ("n0", "n1", "n2")
            if k in yes_no
        }
    ).map(lambda nums: {**{k: v for k, v in yes_no.items() if not k.startswith("n")}, **nums})
)

#: Verdicts of any rule on mixed facts.
verdicts = st.builds(evaluate, any_rules, mixed_facts)


# --- forecast: fiscal calendars, generated pipelines with histories, overrides ---

import attrs  # noqa: E402

from salesfunnel.calendar import FiscalCalendar  # noqa: E402
from salesfunnel.datasets import generate  # noqa: E402

#: Every fiscal calendar: any start month, years named by their start or end.
calendars = st.builds(
    FiscalCalendar,
    start_month=st.integers(1, 12),
    named_by=st.sampled_from(["start", "end"]),
)

#: A manual forecast category an open deal may carry (values and CRM names).
category_overrides = st.one_of(
    st.none(),
    st.sampled_from(
        ["commit", "upside_this_quarter", "upside_next_quarter", "pipeline", "omitted", "Best Case"]
    ),
)

#: Reporting cutoffs around the generated pipelines' lifetime (2025-01 to 2026-09).
cutoffs = st.dates(min_value=date(2024, 12, 1), max_value=date(2027, 6, 30))


@st.composite
def pipelines(draw: st.DrawFn) -> tuple[Opportunity, ...]:
    """1-25 generated deals (histories, reschedules, reprices, CNY/USD/EUR), some overridden."""
    deals = generate(draw(st.integers(1, 25)), seed=draw(st.integers(0, 2**31)))
    out = []
    for deal in deals:
        override = draw(category_overrides)
        if override is not None and deal.closed_on is None:
            deal = attrs.evolve(deal, category_override=override)  # noqa: PLW2901
        out.append(deal)
    return tuple(out)


# --- key accounts: signals, lifecycle moves, loyalty models ---

from salesfunnel.key_accounts.lifecycle import KamStage  # noqa: E402
from salesfunnel.key_accounts.loyalty import LoyaltyModel, YearProfit  # noqa: E402
from salesfunnel.key_accounts.signals import SIGNALS, SignalKind  # noqa: E402
from salesfunnel.qualification import FactValue  # noqa: E402


def _kam_value(key: str) -> st.SearchStrategy[FactValue]:
    signal = SIGNALS[key]
    if signal.kind is SignalKind.YES_NO:
        return st.booleans()
    if signal.kind is SignalKind.COUNT:
        return st.integers(0, signal.maximum if signal.maximum is not None else 12)
    if signal.kind is SignalKind.SHARE:
        return st.decimals(min_value=0, max_value=1, places=2)
    return st.decimals(min_value=0, max_value=20, places=1)


@st.composite
def kam_signals(draw: st.DrawFn) -> dict[str, FactValue]:
    """Any valid signals of the catalogue: some known, some ``None``, some absent."""
    keys = draw(st.lists(st.sampled_from(sorted(SIGNALS)), unique=True))
    return {k: draw(st.one_of(st.none(), _kam_value(k))) for k in keys}


#: A key-account move to try: the method, a target stage and the days after the last change.
kam_moves = st.lists(
    st.tuples(
        st.sampled_from(["advance", "skip", "regress", "uncouple", "resume"]),
        st.sampled_from(list(KamStage)),
        st.integers(0, 120),
    ),
    max_size=12,
)

#: Non-negative yearly profits (so retention and discounting act one way).
_year_profits = st.builds(
    YearProfit,
    *(st.decimals(min_value=0, max_value=500, places=2) for _ in range(5)),
)

#: Loyalty models with 1-8 years of non-negative profit by source.
loyalty_models = st.builds(
    LoyaltyModel,
    st.decimals(min_value=0, max_value=1000, places=2),
    st.lists(_year_profits, min_size=1, max_size=8),
)

#: Retention or discount rates in [0, 1).
unit_rates = st.decimals(min_value=0, max_value=Decimal("0.99"), places=2)

# --- pipeline maths and analytics ---

#: Small pipelines as (amount, probability) pairs: whole hundreds up to 5 000,
#: probabilities in steps of 0.05 (so exact enumeration stays cheap).
deal_pairs = st.lists(
    st.tuples(
        st.integers(0, 50).map(lambda k: Decimal(100 * k)),
        st.integers(0, 20).map(lambda k: Decimal(k) / 20),
    ),
    max_size=7,
)


@st.composite
def generated_pipelines(draw: st.DrawFn) -> tuple[Opportunity, ...]:
    """A small generated pipeline with realistic histories (skips, moves back, losses)."""
    from salesfunnel.datasets import generate

    return generate(draw(st.integers(5, 30)), seed=draw(st.integers(0, 2**16)))


# --- customers: ABC figures, thresholds, key-account worksheet rows ---

from salesfunnel.customers.scoring import KEY_ACCOUNT_CRITERIA, ScaleKind  # noqa: E402

#: Short customer keys from a small alphabet.
_customer_keys = st.text(alphabet="abcdefghij", min_size=1, max_size=3)

#: Customer → Decimal money, with zeros and ties (equal values, some written 5 and 5.00).
decimal_figures = st.dictionaries(
    _customer_keys,
    st.one_of(
        st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
        st.sampled_from([Decimal(0), Decimal(5), Decimal("5.00"), Decimal(100)]),
    ),
    max_size=30,
)

#: Customer → int figures (volumes, or money in cents).
int_figures = st.dictionaries(_customer_keys, st.integers(0, 10**9), max_size=30)

#: Customer → float figures (non-money measures).
float_figures = st.dictionaries(
    _customer_keys, st.floats(min_value=0, max_value=1e12, allow_nan=False), max_size=30
)

#: One to three increasing ABC thresholds strictly inside (0, 1).
abc_thresholds = (
    st.lists(
        st.decimals(min_value="0.01", max_value="0.99", places=2),
        min_size=1,
        max_size=3,
        unique=True,
    )
    .map(sorted)
    .map(tuple)
)


@st.composite
def worksheet_rows(
    draw: st.DrawFn, n_min: int = 1, n_max: int = 12
) -> dict[str, dict[str, FactValue]]:
    """Complete key-account worksheet rows for a few customers over all eleven columns."""
    names = draw(
        st.lists(
            st.text("abcdefgh", min_size=1, max_size=4),
            min_size=n_min,
            max_size=n_max,
            unique=True,
        )
    )
    return {
        name: {
            "sales_amount": draw(st.decimals(0, 10**7, places=2)),
            "sales_profit": draw(st.decimals(-(10**6), 10**6, places=2)),
            "share_of_customer": draw(st.decimals(0, 1, places=2)),
            **{
                c.key: draw(st.integers(1, 5))
                for c in KEY_ACCOUNT_CRITERIA
                if c.scale.kind is ScaleKind.RATING
            },
        }
        for name in names
    }


# --- frames: pipelines as a frame holds them (current state only), exchange rates ---

from salesfunnel.fx import ExchangeRates  # noqa: E402


def plain(deals: tuple[Opportunity, ...]) -> tuple[Opportunity, ...]:
    """The deals as a frame holds them: current state, history reduced to the creation."""
    return tuple(d.evolve(history=None, revisions=()) for d in deals)


#: Generated pipelines (CNY, USD, EUR; some overrides) in their current state.
frame_pipelines = pipelines().map(plain)

#: Dated rates into CNY, and between USD and EUR, so that every currency of
#: the generated pipelines converts into CNY, USD or EUR on any date from 2020.
frame_rates = ExchangeRates.to(
    "CNY",
    {
        date(2020, 1, 1): {"USD": "7.1", "EUR": "7.7"},
        date(2025, 6, 1): {"USD": "7.23", "EUR": "7.85"},
        date(2026, 3, 15): {"USD": "7.0113", "EUR": "8.0417"},
    },
)
frame_rates = ExchangeRates(
    (*frame_rates.rates, *ExchangeRates.to("USD", {date(2020, 1, 1): {"EUR": "1.08"}}).rates)
)


# --- io results: every result document, computed from generated inputs ---

import contextlib  # noqa: E402

from salesfunnel import (  # noqa: E402
    FunnelError,
    KeyAccount,
    Quota,
    abc_classify,
    abc_combined,
    assess,
    computed_abc,
    forecast,
    learn_probabilities,
    next_step,
    quota_attainment,
    simulate,
    waterfall,
)
from salesfunnel.analytics import backtest  # noqa: E402
from salesfunnel.analytics.calibration import calibration  # noqa: E402
from salesfunnel.analytics.conversion import conversion, funnel_summary  # noqa: E402
from salesfunnel.forecasting import slippage  # noqa: E402
from salesfunnel.fx import Rate  # noqa: E402
from salesfunnel.key_accounts.account import ActivityRecord  # noqa: E402
from salesfunnel.key_accounts.loyalty import retention_effect  # noqa: E402
from salesfunnel.key_accounts.playbooks import PLAYBOOKS  # noqa: E402
from salesfunnel.pipeline.distribution import distribution_of  # noqa: E402
from salesfunnel.pipeline.parameters import Method  # noqa: E402

#: The currencies the generated pipelines can be reported in with :data:`frame_rates`.
reporting_currencies = st.sampled_from(["CNY", "USD", "EUR"])

#: Every grouping of a forecast.
groupings = st.sampled_from(
    [(), ("owner",), ("product",), ("owner", "product"), ("product", "owner")]
)


def _in_one_currency(deal: Opportunity) -> Decimal:
    """A converter that takes every amount as it is (the tests only need one currency)."""
    return deal.amount


@st.composite
def forecasts(draw: st.DrawFn) -> object:
    """Forecasts of generated pipelines at any cutoff, calendar and grouping, converted."""
    return forecast(
        draw(pipelines()),
        cutoff=draw(cutoffs),
        calendar=draw(calendars),
        by=draw(groupings),
        currency=draw(reporting_currencies),
        rates=frame_rates,
    )


@st.composite
def waterfalls(draw: st.DrawFn) -> object:
    """Waterfalls of generated pipelines between two dates, with and without a window."""
    first, last = sorted(draw(st.lists(cutoffs, min_size=2, max_size=2)))
    calendar = draw(calendars)
    window = draw(
        st.one_of(
            st.none(),
            st.just((first, last + timedelta(days=90))),
            st.just(calendar.quarter_of(last)),
        )
    )
    return waterfall(
        draw(pipelines()),
        start=first,
        end=last,
        window=window,
        currency=draw(reporting_currencies),
        rates=frame_rates,
    )


@st.composite
def slippages(draw: st.DrawFn) -> object:
    """The slippage of a generated deal over all or part of its life."""
    deal = draw(st.sampled_from(draw(pipelines())))
    until = draw(st.one_of(st.none(), cutoffs))
    return slippage(deal, until=until, calendar=draw(calendars))


@st.composite
def quota_results(draw: st.DrawFn) -> tuple[object, ...]:
    """Quota attainment of a generated pipeline's owners for quarters and years."""
    deals = draw(pipelines())
    cutoff = draw(cutoffs)
    calendar = draw(calendars)
    owners = sorted({d.owner for d in deals})
    quotas = [
        Quota(
            owner,
            draw(st.sampled_from([calendar.quarter_of(cutoff), calendar.year_of(cutoff)])),
            draw(amounts),
        )
        for owner in owners
    ]
    return quota_attainment(
        deals, quotas, cutoff=cutoff, calendar=calendar, currency="CNY", rates=frame_rates
    )


@st.composite
def distributions(draw: st.DrawFn) -> object:
    """Outcome distributions of small pipelines by every method."""
    pairs = draw(deal_pairs)
    method = draw(st.sampled_from([None, Method.LATTICE, Method.GRID, Method.NORMAL]))
    resolution = draw(st.sampled_from([None, Decimal(200)])) if method else None
    if method is Method.GRID and resolution is None:
        resolution = Decimal(500)
    return distribution_of(
        pairs,
        method=method,
        resolution=resolution,
        currency=draw(st.one_of(st.none(), currencies)),
    )


@st.composite
def simulations(draw: st.DrawFn) -> object:
    """Seeded simulations of generated pipelines (amounts taken in one currency)."""
    return simulate(
        draw(generated_pipelines()),
        draw(st.integers(1, 40)),
        seed=draw(st.integers(0, 2**31)),
        convert=_in_one_currency,
        currency=draw(st.one_of(st.none(), st.just("CNY"))),
    )


#: Customer figures of every kind: exact money, counts, measures, and money mixed with counts.
any_figures = st.one_of(
    decimal_figures,
    int_figures,
    float_figures,
    st.tuples(decimal_figures, int_figures).map(lambda pair: {**pair[0], **pair[1]}),
)


@st.composite
def abc_results(draw: st.DrawFn) -> object:
    """Fixed and computed ABC results over figures of every kind."""
    figures = draw(any_figures)
    if draw(st.booleans()):
        return computed_abc(
            figures, keep_ties=draw(st.booleans()), measure=draw(st.sampled_from([None, "revenue"]))
        )
    basis = draw(st.sampled_from(["value", "count"]))
    return abc_classify(
        figures,
        thresholds=draw(st.one_of(st.none(), abc_thresholds)),
        basis=basis,
        boundary=draw(st.sampled_from(["before", "inclusive"])),
        keep_ties=draw(st.booleans()),
        places=draw(st.integers(1, 12)),
    )


@st.composite
def combined_abc_results(draw: st.DrawFn) -> object:
    """ABC results of the same customers by one to three criteria."""
    names = draw(
        st.lists(st.sampled_from(["revenue", "profit", "volume"]), min_size=1, unique=True)
    )
    return abc_combined(
        {name: draw(any_figures) for name in names},
        method=draw(st.sampled_from(["fixed", "computed"])),
    )


_ACTIVITY_KEYS = sorted({a.key for book in PLAYBOOKS.values() for a in book})


def _kam_apply(account: KeyAccount, op: str, to: KamStage, day: date) -> KeyAccount:
    if op == "advance":
        return account.advance(on=day)
    if op == "skip":
        return account.advance(on=day, to=to, allow_skip=True)
    if op == "regress":
        return account.regress(to, on=day, reason="slipped")
    if op == "uncouple":
        return account.uncouple(on=day, reason="ended")
    return account.resume(on=day, reason="back", to=None)


@st.composite
def key_accounts(draw: st.DrawFn) -> KeyAccount:
    """Key accounts with signals, activity records, notes and a history of moves."""
    since = draw(dates)
    records = tuple(
        ActivityRecord(
            draw(st.sampled_from(_ACTIVITY_KEYS)),
            draw(
                st.one_of(st.none(), st.integers(0, 400).map(lambda n: since + timedelta(days=n)))
            ),
            draw(st.one_of(st.none(), awkward_text)),
        )
        for _ in range(draw(st.integers(0, 4)))
    )
    account = KeyAccount(
        draw(names),
        draw(names),
        draw(st.sampled_from(list(KamStage))),
        since=since,
        manager=draw(awkward_text),
        signals=draw(kam_signals()),
        activities=records,
        notes=draw(awkward_text),
    )
    day = since
    for op, to, days in draw(kam_moves):
        day += timedelta(days=days)
        with contextlib.suppress(FunnelError):
            account = _kam_apply(account, op, to, day)
    return account


#: Assessments of any valid signals.
assessments = kam_signals().map(assess)

#: The next step with any generated key account.
next_steps = key_accounts().map(next_step)


@st.composite
def learned_probabilities(draw: st.DrawFn) -> object:
    """Stage probabilities learned from a generated pipeline."""
    return learn_probabilities(
        draw(generated_pipelines()),
        as_of=draw(cutoffs),
        prior_strength=draw(st.integers(0, 20)),
        respect_override=draw(st.booleans()),
    )


@st.composite
def exchange_rates(draw: st.DrawFn) -> ExchangeRates:
    """Sets of dated rates between a few currencies, with or without a maximum age."""
    pairs = draw(
        st.lists(
            st.tuples(currencies, currencies, dates).filter(lambda t: t[0] != t[1]),
            max_size=8,
            unique_by=lambda t: (t[0], t[1], t[2]),
        )
    )
    rates = []
    for base, quote, on in pairs:
        if any(r.base == quote and r.quote == base and r.on == on for r in rates):
            continue
        rate = draw(st.decimals(min_value="0.0001", max_value=10000, places=4))
        rates.append(Rate(on, base, quote, rate))
    return ExchangeRates(rates, max_age_days=draw(st.one_of(st.none(), st.integers(0, 90))))


@st.composite
def conversion_tables(draw: st.DrawFn) -> object:
    """Stage conversion of a generated pipeline at any date."""
    return conversion(draw(generated_pipelines()), as_of=draw(cutoffs))


@st.composite
def funnel_summaries(draw: st.DrawFn) -> object:
    """Funnel figures of a generated pipeline, for all time or a period."""
    as_of = draw(cutoffs)
    since = draw(st.one_of(st.none(), st.just(as_of - timedelta(days=180))))
    return funnel_summary(draw(generated_pipelines()), as_of=as_of, since=since)


@st.composite
def calibrations(draw: st.DrawFn) -> object:
    """Calibration of the stage probabilities of a generated pipeline."""
    first, last = sorted(draw(st.lists(cutoffs, min_size=2, max_size=2)))
    return calibration(
        draw(generated_pipelines()), as_of=first, outcome_as_of=last, bins=draw(st.integers(1, 10))
    )


@st.composite
def backtests(draw: st.DrawFn) -> object:
    """Backtests of a generated pipeline at one to three past dates."""
    days = sorted(draw(st.lists(cutoffs, min_size=1, max_size=3, unique=True)))
    return backtest(
        draw(generated_pipelines()),
        days,
        until=days[-1] + timedelta(days=draw(st.integers(0, 200))),
        convert=_in_one_currency,
        currency="CNY",
    )


@st.composite
def retention_effects(draw: st.DrawFn) -> object:
    """The effect of a retention change on a loyalty model's lifetime profit."""
    return retention_effect(
        draw(loyalty_models),
        retention=draw(unit_rates),
        to=draw(unit_rates),
        discount=draw(unit_rates),
        horizon=draw(st.one_of(st.none(), st.integers(1, 10))),
    )


# --- io documents: customers, screening, deal health, analytics, configuration ---

from salesfunnel import ForecastCategory, sales_cycle, score_accounts  # noqa: E402
from salesfunnel.analytics import (  # noqa: E402
    additional_business,
    heat_ranking,
    sales_velocity,
    stale_deals,
    time_in_stages,
)
from salesfunnel.analytics.deal_health import HeatWeights  # noqa: E402
from salesfunnel.customers import (  # noqa: E402
    CustomerProfile,
    KeyCustomerThresholds,
    KeyCustomerType,
    Scale,
    ScoreCriterion,
    account_evidence,
    classify_key_customer,
    criteria_for,
    screen_accounts,
)
from salesfunnel.forecasting import (  # noqa: E402
    DEFAULT_CATEGORY_POLICY,
    CategoryPolicy,
    CategoryRule,
    CloseWindow,
)
from salesfunnel.funnel import WALL_RULE, time_in_stage  # noqa: E402
from salesfunnel.key_accounts import DEFAULT_KAM_RULES, PLAYBOOKS  # noqa: E402

_COLUMNS = [c.key for c in KEY_ACCOUNT_CRITERIA]

#: A worksheet column of our own: a growth rate read as any number, lower is better.
churn_column = ScoreCriterion(
    "churn", Text("Churn risk", "流失风险"), Scale.number(low=-1), higher_is_better=False
)


@st.composite
def scorecards(draw: st.DrawFn) -> object:
    """Scorecards by weights, equal weights and every importance method; some rows incomplete."""
    rows = draw(worksheet_rows(n_min=0, n_max=8))
    for row in rows.values():
        row["churn"] = draw(
            st.one_of(
                st.integers(-1, 5),
                st.floats(-1, 5, allow_nan=False),
                st.fractions(-1, 5, max_denominator=7),
            )
        )
    keys = draw(
        st.lists(st.sampled_from([*_COLUMNS, "churn"]), min_size=1, max_size=5, unique=True)
    )
    criteria = (*criteria_for(*(k for k in keys if k != "churn")), churn_column)
    criteria = tuple(c for c in criteria if c.key in keys)
    skip = draw(st.booleans())
    if skip and rows:
        gap = draw(st.sampled_from(sorted(rows)))
        rows[gap] = {**rows[gap], keys[0]: None}
    how = draw(st.sampled_from(["equal", "weights", "roc", "rank-sum", "ng"]))
    if how == "equal":
        return score_accounts(rows, criteria=criteria, skip_incomplete=skip)
    if how == "weights":
        shares = [Decimal(1) / len(keys)] * len(keys)
        shares[-1] = 1 - sum(shares[:-1])
        weights = dict(zip(keys, shares, strict=True))
        return score_accounts(rows, criteria=criteria, weights=weights, skip_incomplete=skip)
    return score_accounts(
        rows, criteria=criteria, importance=keys, rank_weighting=how, skip_incomplete=skip
    )


#: Single scored customers, taken from generated scorecards.
scored_accounts = scorecards().filter(len).map(lambda card: card.accounts[-1])  # type: ignore[arg-type,attr-defined]

_shares = st.decimals(min_value=0, max_value=1, places=3)

#: Customer profiles with every field known or unknown, given as Decimal, float or int.
customer_profiles = st.builds(
    CustomerProfile,
    st.text("ABCxyz华信", min_size=1, max_size=6),
    profit_share=st.one_of(st.none(), _shares, st.floats(0, 1)),
    brand_importance=st.one_of(st.none(), st.integers(1, 5), st.decimals(1, 5, places=1)),
    problem_level=st.one_of(st.none(), st.integers(1, 5), st.floats(1, 5)),
    tenure_years=st.one_of(st.none(), st.integers(0, 30), st.decimals(0, 30, places=1)),
    repeat_purchases=st.one_of(st.none(), st.integers(0, 50)),
    revenue_share=st.one_of(st.none(), _shares),
    growth_rate=st.one_of(st.none(), st.decimals(-1, 3, places=2), st.floats(-1, 3)),
)

#: The default limits, or limits of our own (which the registry writes out in full).
key_customer_thresholds = st.one_of(
    st.just(KeyCustomerThresholds()),
    st.builds(
        KeyCustomerThresholds,
        profit_share=_shares,
        loyal_years=st.decimals(0, 10, places=1),
        loyal_purchases=st.integers(0, 10),
        small_revenue_share=_shares,
        new_years=st.decimals(0, 5, places=1),
    ),
)

#: Key-customer classifications of any profile, by default or own limits and any priority.
key_customer_classifications = st.builds(
    lambda profile, limits, order: classify_key_customer(
        profile, thresholds=limits, priority=order
    ),
    customer_profiles,
    key_customer_thresholds,
    st.permutations(list(KeyCustomerType)),
)


@st.composite
def evidence_sets(draw: st.DrawFn) -> tuple[object, ...]:
    """The evidence of every account of a generated pipeline, some designated key accounts."""
    deals = draw(generated_pipelines())
    accounts = sorted({d.account for d in deals})
    keys = draw(st.lists(st.sampled_from(accounts), unique=True))
    return tuple(account_evidence(deals, as_of=draw(cutoffs), key_accounts=keys).values())


#: Screening reports of generated evidence against the wall or a rule of our own.
screening_reports = st.builds(
    lambda evidence, wall: screen_accounts(evidence, wall=wall),
    evidence_sets(),
    st.sampled_from([WALL_RULE, Criterion.fact("first_contact_made", "Contact made")]),
)

#: Heat weights: any non-negative weights, at least one above zero.
heat_weights = st.builds(
    HeatWeights,
    st.floats(0.01, 5),
    st.floats(0, 5),
    st.integers(0, 5),
    st.floats(0, 5),
)


@st.composite
def deal_heats(draw: st.DrawFn) -> tuple[object, ...]:
    """The heat of every deal open in a generated pipeline, with any weights and spans."""
    return heat_ranking(
        draw(generated_pipelines()),
        as_of=draw(cutoffs),
        weights=draw(st.one_of(st.none(), heat_weights)),
        half_life_days=draw(st.integers(1, 90)),
        horizon_days=draw(st.integers(1, 365)),
    )


@st.composite
def stale_deal_lists(draw: st.DrawFn) -> tuple[object, ...]:
    """The stale deals of a generated pipeline with short thresholds (so there are some)."""
    return stale_deals(
        draw(generated_pipelines()),
        as_of=draw(cutoffs),
        thresholds={},
        default_days=draw(st.integers(0, 60)),
    )


@st.composite
def stage_times(draw: st.DrawFn) -> object:
    """The time a generated deal spent in one of its stages."""
    deal = draw(st.sampled_from(draw(generated_pipelines())))
    spent = time_in_stage(deal, as_of=date(2027, 6, 30))
    return spent[draw(st.sampled_from(sorted(spent)))]


@st.composite
def stage_duration_lists(draw: st.DrawFn) -> tuple[object, ...]:
    """Time in every stage of a generated pipeline, with and without running stays."""
    return time_in_stages(
        draw(generated_pipelines()), as_of=draw(cutoffs), completed_only=draw(st.booleans())
    )


@st.composite
def cycle_stats(draw: st.DrawFn) -> object:
    """The sales cycle of a generated pipeline."""
    return sales_cycle(draw(generated_pipelines()), as_of=draw(cutoffs))


@st.composite
def velocities(draw: st.DrawFn) -> object:
    """The sales velocity of a generated pipeline (amounts taken in one currency)."""
    return sales_velocity(
        draw(generated_pipelines()), as_of=draw(cutoffs), convert=_in_one_currency, currency="CNY"
    )


@st.composite
def additional_businesses(draw: st.DrawFn) -> object:
    """Returning and new business of a generated pipeline, some accounts known before."""
    deals = draw(generated_pipelines())
    known = draw(st.lists(st.sampled_from(sorted({d.account for d in deals})), unique=True))
    return additional_business(
        deals,
        as_of=draw(cutoffs),
        known_customers=known,
        convert=_in_one_currency,
        currency="CNY",
    )


_open_stages = st.lists(
    st.sampled_from(["potential", "intent", "project", "recognition", "negotiation"]),
    min_size=1,
    max_size=3,
    unique=True,
)

#: Category policies: the default with extra rules of our own in front, any fallback.
category_policies = st.builds(
    lambda rules, otherwise: CategoryPolicy((*rules, *DEFAULT_CATEGORY_POLICY.rules), otherwise),
    st.lists(
        st.builds(
            CategoryRule,
            _open_stages,
            st.sampled_from([c for c in ForecastCategory if c is not ForecastCategory.BOOKED]),
            st.lists(st.sampled_from(list(CloseWindow)), min_size=1, unique=True),
        ),
        max_size=3,
    ),
    st.sampled_from([c for c in ForecastCategory if c is not ForecastCategory.BOOKED]),
)

#: Quotas for a period object or a label, alone or as a list.
quotas = st.builds(
    Quota,
    st.sampled_from(["Ann", "Bo", "李伟"]),
    st.one_of(
        st.sampled_from(["2026Q3", "FY2026"]),
        st.builds(lambda c: c.quarter(2026, 2), calendars),
        st.builds(lambda c: c.year(2026), calendars),
    ),
    amounts,
)

#: Key-account rules: the defaults with any stage's rule replaced by a rule of any shape.
kam_rule_sets = st.one_of(
    st.just(DEFAULT_KAM_RULES),
    st.builds(
        DEFAULT_KAM_RULES.with_rule,
        st.sampled_from(["early", "mid", "partnership", "synergistic", "uncoupling"]),
        any_rules,
    ),
)

#: The playbooks of every lifecycle stage.
playbooks = st.sampled_from(list(PLAYBOOKS.values()))

#: Rules of every shape, registered ones (the wall, the gates) among them.
rules_to_write = st.one_of(
    any_rules,
    st.sampled_from([WALL_RULE, DEFAULT_KAM_RULES.partnership, ~WALL_RULE]),
    st.just(Not(DEFAULT_KAM_RULES.mid)),
)
