"""``salesfunnel demo``: the main report on the bundled sample pipeline."""

from __future__ import annotations

import argparse
from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING

from salesfunnel._cli.common import EXIT_OK, Options, add_common, emit, options
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.render import Table
from salesfunnel.stages import DEFAULT_FUNNEL

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from salesfunnel.model import Opportunity

ORDER = 0


def funnel_table(opts: Options) -> Table:
    """The default funnel: stages in order, labels, owners and probabilities."""
    zh = opts.lang == "zh"
    headers = (
        "#",
        "key",
        "阶段" if zh else "stage",
        "中文" if not zh else "English",
        "owners" if not zh else "负责人",
        "probability" if not zh else "概率",
    )
    rows = [
        (
            i,
            s.key,
            s.label(opts.lang),
            s.label("en" if zh else "zh"),
            ", ".join(r.label(opts.lang) for r in s.owners),
            f"{s.probability:.0%}",
        )
        for i, s in enumerate([*DEFAULT_FUNNEL, DEFAULT_FUNNEL.lost], start=1)
    ]
    title = "默认销售漏斗" if zh else "The default funnel"
    return Table(title, headers, rows)


def stage_table(opportunities: Sequence[Opportunity], opts: Options) -> Table:
    """Count and amount per stage (amounts summed per currency)."""
    zh = opts.lang == "zh"
    counts: Counter[str] = Counter(o.stage for o in opportunities)
    currencies = sorted({o.currency for o in opportunities})
    amounts: dict[tuple[str, str], Decimal] = {}
    for o in opportunities:
        key = (o.stage, o.currency)
        amounts[key] = amounts.get(key, Decimal(0)) + o.amount
    rows = [
        (
            s.label(opts.lang),
            counts.get(s.key, 0),
            *(amounts.get((s.key, c), Decimal(0)) for c in currencies),
        )
        for s in [*DEFAULT_FUNNEL, DEFAULT_FUNNEL.lost]
    ]
    totals: dict[str, Decimal] = {}
    for (_stage, cur), value in amounts.items():
        totals[cur] = totals.get(cur, Decimal(0)) + value
    rows.append(
        (
            "合计" if zh else "total",
            len(opportunities),
            *(totals.get(c, Decimal(0)) for c in currencies),
        )
    )
    lost = counts.get(DEFAULT_FUNNEL.lost.key, 0)
    note = (
        (
            f"丢单 {lost} 个，占 {lost / len(opportunities):.0%}"
            if zh
            else f"{lost} opportunities were lost ({lost / len(opportunities):.0%})"
        )
        if opportunities
        else ""
    )
    title = (
        f"样本商机（截至 {SAMPLE_AS_OF}）"
        if zh
        else f"Sample pipeline by stage (as of {SAMPLE_AS_OF})"
    )
    return Table(
        title, ("阶段" if zh else "stage", "数量" if zh else "count", *currencies), rows, note
    )


def demo_section(opportunities: Sequence[Opportunity], opts: Options) -> list[Table]:
    """The funnel and the sample's stage counts."""
    return [funnel_table(opts), stage_table(opportunities, opts)]


def run(
    args: argparse.Namespace,
    sections: Sequence[Callable[[Sequence[Opportunity], Options], list[Table]]],
) -> int:
    """Run every demo section on the sample and print the tables."""
    opts = options(args)
    if opts.cutoff is None:
        opts = Options(opts.fmt, opts.lang, SAMPLE_AS_OF)
    data = sample_pipeline()
    tables: list[Table] = []
    for section in sections:
        tables.extend(section(data, opts))
    emit(tables, opts)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` subcommand."""
    parser = sub.add_parser(
        "demo",
        help="the main report on the bundled sample pipeline",
        description="Run the main report on the bundled sample pipeline (600 opportunities).",
        epilog="example: salesfunnel demo --lang zh",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(parser)
    parser.set_defaults(command="demo")
