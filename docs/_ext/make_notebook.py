"""Write docs/notebook.ipynb, the notebook tour of the sample pipeline, from the cells below.

The notebook is kept without outputs; edit the cells here and run
``python docs/_ext/make_notebook.py`` (tests/test_notebook.py checks that the
committed notebook is what this script writes, and executes it).
"""

# ruff: noqa: INP001 - a script run by its path, not a module of a package

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebook.ipynb"

CELLS: list[tuple[str, str]] = [
    (
        "md",
        """\
# salesfunnel in a notebook: a tour of the sample pipeline

This notebook walks through the bundled sample: 600 opportunities of a
fictional B2B software seller, in CNY, USD and EUR, as of 30 September 2026.
It shows the funnel, a stage move and the verdict of its gate, the forecast
by time and by category per salesperson, the weighted pipeline with its
P10/P50/P90, the ABC analysis of the accounts and the key accounts by
lifecycle stage.

Results display as tables; the charts need matplotlib
(`pip install 'salesfunnel[plot]'`).""",
    ),
    (
        "code",
        """\
%matplotlib inline
from collections import Counter
from datetime import date
from decimal import Decimal

from salesfunnel import DEFAULT_FUNNEL, StageKind, TransitionError, plot
from salesfunnel.render import html
from salesfunnel.customers.abc_classes import REVENUE, abc_classify, computed_abc
from salesfunnel.analytics.conversion import conversion
from salesfunnel.datasets import SAMPLE_AS_OF, SAMPLE_RATES, sample_pipeline
from salesfunnel.forecasting.buckets import TimeBucket
from salesfunnel.forecasting.rollup import forecast
from salesfunnel.key_accounts.assessment import assess, next_step
from salesfunnel.key_accounts.lifecycle import LIFECYCLE
from salesfunnel.key_accounts.playbooks import playbook
from salesfunnel.key_accounts.account import KeyAccount
from salesfunnel.pipeline.weighted import outcome_distribution, weighted_value
from salesfunnel.render import Table""",
    ),
    ("md", "## The sample"),
    (
        "code",
        """\
deals = sample_pipeline()
len(deals), SAMPLE_AS_OF, Counter(o.currency for o in deals)""",
    ),
    (
        "md",
        """\
Amounts in several currencies are never added without a rate. The sample's
dated rates into CNY (illustrative rather than market data), the same ones
that `salesfunnel demo` and the tutorial use, serve the whole tour.""",
    ),
    (
        "code",
        """\
RATES = SAMPLE_RATES


def in_cny(deal):
    \"\"\"A deal's amount in CNY at the rate of the sample's date.\"\"\"
    return RATES.convert(deal.amount, deal.currency, "CNY", on=SAMPLE_AS_OF)""",
    ),
    (
        "md",
        """\
## The funnel

The seven stages of the default funnel, their owners and default
probabilities, then how far the sample's deals got: each stage's width is
the deals that reached it, and between two stages the share that went on.""",
    ),
    ("code", "DEFAULT_FUNNEL"),
    ("code", "conversion(deals, as_of=SAMPLE_AS_OF).table()"),
    ("code", "plot.funnel_chart(deals, as_of=SAMPLE_AS_OF)"),
    (
        "md",
        """\
The same funnel by amount, in CNY, with each stage's width the amount of the
deals standing in it today (the won stage: everything won so far).""",
    ),
    (
        "code",
        """\
plot.funnel_chart(
    deals, as_of=SAMPLE_AS_OF, measure="amount", view="current", currency="CNY", rates=RATES
)""",
    ),
    (
        "md",
        """\
## A stage move and its verdict

Moving a deal up checks the gate of the stage it enters. This deal has
confirmed intent; establishing a project needs the conditions to start the
evaluation and at least five of six qualifying characteristics. Without
them the move is refused, and the error carries the verdict: what passed,
what failed, what is still unknown.""",
    ),
    (
        "code",
        """\
deal = next(o for o in deals if o.stage == "intent")
try:
    DEFAULT_FUNNEL.advance(deal, "project", on=SAMPLE_AS_OF)
except TransitionError as err:
    verdict = err.verdict
print(deal.id, deal.name, deal.owner)
verdict""",
    ),
    (
        "md",
        """\
With the facts the project team gathered (five of six characteristics: no
schedule yet), the gate passes and the deal moves up, one more entry in its
history.""",
    ),
    (
        "code",
        """\
facts = {
    "materials_ready": True,
    "project_requested": True,
    "recognises_products": True,
    "project_need": True,
    "preliminary_budget": True,
    "leadership_support": True,
    "schedule_exists": False,
    "third_party_involved": True,
}
moved = DEFAULT_FUNNEL.advance(deal, "project", on=SAMPLE_AS_OF, facts=facts)
moved.stage, moved.history[-1]""",
    ),
    (
        "md",
        """\
## The forecast by time and by category, per salesperson

Every deal as it stood at the cutoff, in CNY: by when it is expected to
close, and by how sure it is for this quarter.""",
    ),
    (
        "code",
        """\
fc = forecast(deals, cutoff=SAMPLE_AS_OF, by="owner", currency="CNY", rates=RATES)
fc""",
    ),
    (
        "md",
        """\
The pipeline total: the deals open at the cutoff and those won this quarter,
without the lost deals (as `salesfunnel demo` shows it).""",
    ),
    ("code", "fc.total.total.amount - fc.total.buckets[TimeBucket.LOST].amount"),
    ("code", "plot.forecast_chart(fc)"),
    (
        "md",
        """\
## The weighted pipeline and its range

The weighted pipeline (Σ amount × probability of the open deals) is what we
expect to win; the outcome distribution says how far from it we may land.
P10, P50 and P90 are the 10th, 50th and 90th percentiles; "90 % sure of at
least" is the cautious figure.""",
    ),
    (
        "code",
        """\
open_deals = [o for o in deals if DEFAULT_FUNNEL.kind_of(o) is StageKind.OPEN]
weighted_value(open_deals, convert=in_cny)""",
    ),
    (
        "code",
        """\
dist = outcome_distribution(open_deals, convert=in_cny, currency="CNY")
dist""",
    ),
    ("code", "plot.distribution_chart(dist, target=32_000_000)"),
    (
        "md",
        """\
## ABC analysis of the accounts

Revenue per account from its won deals (converted at the rate of each close
date), ranked and cut at 80 % and 95 % of the total: the 80/20 rule.""",
    ),
    (
        "code",
        """\
revenue = {}
for o in deals:
    if DEFAULT_FUNNEL.kind_of(o) is StageKind.WON:
        amount = RATES.convert(o.amount, o.currency, "CNY", on=o.closed_on)
        revenue[o.account] = revenue.get(o.account, Decimal(0)) + amount
accounts = abc_classify(revenue, measure=REVENUE)
accounts""",
    ),
    ("code", "plot.pareto_chart(accounts)"),
    (
        "md",
        """\
Computed ABC analysis finds the class limits in the data's own curve instead
of fixed thresholds.""",
    ),
    ("code", "plot.pareto_chart(computed_abc(revenue, measure=REVENUE))"),
    (
        "md",
        """\
## Key accounts by lifecycle stage

The top class-A accounts are managed as key accounts. Their managers record
the stage and what they observe about each relationship (the signals below
are invented for the tour); the evidence rules say which stage the signals
support, and the playbook what to work on.""",
    ),
    (
        "code",
        """\
base = {"trial_order": True, "coach_found": True, "visits_per_month": 3}
mid = base | {
    "proposal_given": True,
    "contract_signed": True,
    "buying_roles_covered": 3,
    "contacts": 6,
}
partner = mid | {
    "preferred_supplier": True,
    "csi_in_place": True,
    "share_of_wallet": Decimal("0.6"),
    "buying_roles_covered": 4,
    "functions_in_contact": 3,
    "senior_management_contact": True,
}
worksheet = [
    ("partnership", partner),
    ("mid", mid),
    ("mid", mid | {"contract_signed": False}),
    ("early", base | {"proposal_given": True}),
    ("early", base | {"visits_per_month": 0}),
    ("pre_kam", {"trial_order": True}),
]
key_accounts = [
    KeyAccount(f"KA{i}", name, stage, since=date(2025, 1, 6), signals=signals)
    for i, (name, (stage, signals)) in enumerate(
        zip(accounts.members("A"), worksheet), start=1
    )
]
counts = Counter(a.stage for a in key_accounts)
Table(
    "Key accounts by stage",
    ("stage", "accounts", "accounts (names)"),
    [
        (s.label(), counts[s], ", ".join(a.name for a in key_accounts if a.stage is s))
        for s in LIFECYCLE
    ],
)""",
    ),
    (
        "code",
        """\
rows = []
for a in key_accounts:
    step = next_step(a)
    rows.append((a.id, a.name, a.stage.label(), step.assessment.stage.label(), step.fit.label()))
Table("Recorded stage and evidence", ("id", "account", "recorded", "evidence supports", "fit"), rows)""",
    ),
    (
        "md",
        """\
One account in detail: what the evidence shows, what to show next, and the
work of its stage with no record yet.""",
    ),
    ("code", "assess(key_accounts[2].signals)"),
    ("code", "next_step(key_accounts[2])"),
    ("code", "playbook(key_accounts[2].stage)"),
    (
        "md",
        """\
## In Chinese

Every table and chart takes `lang="zh"`. Charts need a font with Chinese
glyphs; without one they fall back to English labels with a warning.""",
    ),
    (
        "code",
        """\
from IPython.display import HTML

HTML(html.forecast(fc, lang="zh"))""",
    ),
]


def build() -> nbformat.NotebookNode:
    """Return the notebook, without outputs."""
    cells = [
        new_markdown_cell(text) if kind == "md" else new_code_cell(text) for kind, text in CELLS
    ]
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i:02d}"
    return new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )


def render() -> str:
    """Return the notebook file's text."""
    return nbformat.writes(build()) + "\n"


if __name__ == "__main__":
    NOTEBOOK.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {NOTEBOOK}\n")
