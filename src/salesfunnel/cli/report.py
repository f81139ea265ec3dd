"""``salesfunnel report FILE``: the weighted pipeline with its range, and conversion.

For each currency (or in one reporting currency with ``--currency`` and
``--rates``, a rates file or ``CODE=VALUE`` pairs): the open deals, the weighted pipeline, the P10/P50/P90
percentiles of the total won, the total reached with 90 % probability and,
with ``--target``, the probability of reaching the target. Then the funnel's
figures (win rate, lost share, sales cycle) and the stage conversion table.
``--format json`` prints one ``salesfunnel/report`` document (see the
command-line documentation).
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from salesfunnel.analytics.conversion import FunnelSummary, conversion, funnel_summary, snapshots
from salesfunnel.cli.commands import command_help
from salesfunnel.cli.common import (
    DEMO_CURRENCY,
    DEMO_RATES,
    EXIT_OK,
    DataProblemError,
    Options,
    Progress,
    UsageError,
    add_common,
    decimal_text,
    emit,
    emit_json,
    guard,
    options,
    working,
)
from salesfunnel.cli.messages import Message, tr
from salesfunnel.cli.reading import (
    add_rates_options,
    add_reading_options,
    fixed_rates,
    rates_from_args,
    read_from_args,
)
from salesfunnel.errors import CurrencyError, FunnelError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.stages import Funnel, StageKind
from salesfunnel.i18n import Lang, pick
from salesfunnel.money import currency_code, to_amount
from salesfunnel.pipeline.weighted import outcome_distribution
from salesfunnel.render import Table

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import date

    from salesfunnel.analytics.conversion import ConversionTable
    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.pipeline.distribution import OutcomeDistribution

#: The schema and version of ``salesfunnel report --format json``.
SCHEMA, VERSION = "salesfunnel/report", 1

_CENT = Decimal("0.01")


def _money(value: Decimal) -> Decimal:
    return value.quantize(_CENT)


def _converter(rates: Mapping[str, Decimal], currency: str) -> Callable[[Opportunity], Decimal]:
    def convert(o: Opportunity) -> Decimal:
        try:
            rate = rates[o.currency]
        except KeyError:
            raise CurrencyError(
                str(Message("no_rate", id=o.id, code=o.currency, currency=currency)),
                code=o.currency,
            ) from None
        return o.amount * rate

    return convert


@attrs.frozen
class PipelineLine:
    """One line of the pipeline report: a currency's open deals and their outcome distribution.

    Attributes:
        currency: The currency (the reporting currency when converted).
        open_deals: How many deals were open at the cutoff.
        distribution: The distribution of the total to be won from them.
    """

    currency: str
    open_deals: int
    distribution: OutcomeDistribution


def pipeline_lines(
    opportunities: Sequence[Opportunity],
    *,
    cutoff: date,
    currency: str | None = None,
    rates: Mapping[str, Decimal] | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
) -> list[PipelineLine]:
    """The open pipeline at ``cutoff``, per currency or converted into ``currency`` with ``rates``.

    ``funnel`` gives the stages (which are open) and their probabilities.

    Raises:
        CurrencyError: For a deal in a currency without a rate.
    """
    if currency is not None and rates is not None:
        groups = [(currency, list(opportunities))]
        convert = _converter({**rates, currency: Decimal(1)}, currency)
    else:
        codes = sorted({o.currency for o in opportunities})
        groups = [(c, [o for o in opportunities if o.currency == c]) for c in codes]
        convert = None
    lines = []
    with Progress(tr("outcome distributions", "结果分布"), len(groups)) as progress:
        for done, (code, deals) in enumerate(groups, start=1):
            open_now = [
                o
                for o in snapshots(deals, funnel, as_of=cutoff)
                if funnel.kind_of(o) is StageKind.OPEN
            ]
            dist = outcome_distribution(
                open_now, funnel, convert=convert, currency=code if convert else None
            )
            lines.append(PipelineLine(code, len(open_now), dist))
            progress.update(done)
    return lines


def pipeline_table(
    opportunities: Sequence[Opportunity],
    *,
    cutoff: date,
    lang: Lang = "en",
    currency: str | None = None,
    rates: Mapping[str, Decimal] | None = None,
    target: Decimal | None = None,
    lines: Sequence[PipelineLine] | None = None,
) -> Table:
    """The weighted pipeline and the range of its outcome, per currency or converted.

    Raises:
        CurrencyError: For a deal in a currency without a rate.
    """
    if lines is None:
        lines = pipeline_lines(opportunities, cutoff=cutoff, currency=currency, rates=rates)
    converted_into = currency if currency is not None and rates is not None else None
    rows = []
    for line in lines:
        dist = line.distribution
        row: list[str | int | float | Decimal | None] = [
            line.currency,
            line.open_deals,
            _money(dist.mean),
            _money(dist.percentile(10)),
            _money(dist.percentile(50)),
            _money(dist.percentile(90)),
            _money(dist.at_least_with("0.9")),
            dist.method.value,
        ]
        if target is not None:
            row.append(round(dist.prob_at_least(target), 4))
        rows.append(tuple(row))
    headers = [
        pick("currency", "币种", lang),
        pick("open deals", "进行中商机", lang),
        pick("weighted", "加权金额", lang),
        "P10",
        "P50",
        "P90",
        pick("90% sure of", "九成把握", lang),
        pick("method", "方法", lang),
    ]
    if target is not None:
        headers.append(pick(f"P(≥ {target})", f"达成 {target} 的概率", lang))
    converted = (
        pick(f" in {converted_into}", f"（折合 {converted_into}）", lang) if converted_into else ""
    )
    title = pick(
        f"Open pipeline{converted} as of {cutoff}: weighted value and range",
        f"截至 {cutoff} 的在途商机{converted}：加权金额与区间",
        lang,
    )
    note = pick(
        "P10/P50/P90 are percentiles of the total to be won from open deals: 90 % of "
        "outcomes are at or below P90. '90% sure of' is the total reached with at least "
        "90 % probability (about P10).",
        "P10/P50/P90 为在途商机可赢得总额的百分位数：90% 的结果不高于 P90。"
        "“九成把握”为至少有 90% 概率达到的总额（约等于 P10）。",
        lang,
    )
    return Table(title, headers, rows, note)


def pipeline_json(
    lines: Sequence[PipelineLine], target: Decimal | None = None
) -> list[dict[str, object]]:
    """The pipeline lines as the ``pipeline`` key of the report document."""
    return [
        {
            "currency": line.currency,
            "open_deals": line.open_deals,
            "weighted": decimal_text(line.distribution.mean),
            "p10": decimal_text(line.distribution.percentile(10)),
            "p50": decimal_text(line.distribution.percentile(50)),
            "p90": decimal_text(line.distribution.percentile(90)),
            "at_least_90": decimal_text(line.distribution.at_least_with("0.9")),
            "method": line.distribution.method.value,
            "prob_at_least_target": None
            if target is None
            else line.distribution.prob_at_least(target),
        }
        for line in lines
    ]


def figures_json(summary: FunnelSummary) -> dict[str, object]:
    """The funnel figures as the ``figures`` key of the report document."""
    return {
        "deals": summary.deals,
        "open": summary.open,
        "won": summary.won,
        "lost": summary.lost,
        "win_rate": summary.win_rate,
        "lost_share": summary.lost_share,
        "cycle_days": {
            "count": summary.cycle.count,
            "mean": summary.cycle.mean,
            "median": summary.cycle.median,
        },
    }


def conversion_json(table: ConversionTable) -> list[dict[str, object]]:
    """The stage conversion as the ``conversion`` key of the report document."""
    return [
        {
            "stage": s.stage,
            "reached": s.reached,
            "advanced": s.advanced,
            "lost": s.lost,
            "open": s.open,
            "won": s.won,
            "conversion": None if table.funnel[s.stage].kind is StageKind.WON else s.rate,
        }
        for s in table.stages
    ]


def figures_table(
    opportunities: Sequence[Opportunity], *, cutoff: date, lang: Lang = "en"
) -> Table:
    """Deals, win rate, lost share and sales cycle as of ``cutoff``."""
    s = funnel_summary(opportunities, as_of=cutoff)
    return _figures_table(s, lang)


def _figures_table(s: FunnelSummary, lang: Lang) -> Table:
    """The funnel figures as the summary lays them out (one copy of the table)."""
    return s.table(lang)


def _demo_rates(cutoff: date) -> dict[str, Decimal]:
    """The demo's rates into CNY in force on ``cutoff``."""
    return {c: DEMO_RATES.rate(c, DEMO_CURRENCY, on=cutoff) for c in ("USD", "EUR")}


#: The names of the demo's pipeline tables, for ``--table``.
DEMO_TABLES = ("pipeline", "figures")


def demo_section(opportunities: Sequence[Opportunity], opts: Options) -> list[Table]:
    """The sample's pipeline range in CNY at the demo rates, and its funnel figures."""
    cutoff = opts.cutoff or max(o.last_change for o in opportunities)
    return [
        pipeline_table(
            opportunities,
            cutoff=cutoff,
            lang=opts.lang,
            currency=DEMO_CURRENCY,
            rates=_demo_rates(cutoff),
        ),
        figures_table(opportunities, cutoff=cutoff, lang=opts.lang),
    ]


def demo_json(opportunities: Sequence[Opportunity], opts: Options) -> dict[str, object]:
    """The ``pipeline`` and ``figures`` keys of the demo document."""
    cutoff = opts.cutoff or max(o.last_change for o in opportunities)
    lines = pipeline_lines(
        opportunities, cutoff=cutoff, currency=DEMO_CURRENCY, rates=_demo_rates(cutoff)
    )
    return {
        "pipeline": pipeline_json(lines),
        "figures": figures_json(funnel_summary(opportunities, as_of=cutoff)),
    }


def _amount(text: str) -> Decimal:
    """A target amount; thousands separators (``30,000,000``) are allowed on the command line."""
    try:
        return to_amount(text.replace(",", "").replace("_", ""), field="--target")
    except FunnelError as err:
        msg = str(Message("target_value", text=text[:40], why=err))
        raise argparse.ArgumentTypeError(msg) from None


def run(args: argparse.Namespace) -> int:
    """Read the file and print the pipeline, the figures and the conversion table."""
    return guard("report", lambda: _run(args))


#: The names of the report's tables, for ``--table``.
TABLES = ("pipeline", "figures", "conversion")


def _run(args: argparse.Namespace) -> int:
    opts = options(args)
    dated = rates_from_args(args)
    data, funnel = read_from_args(args)
    if not data:
        raise DataProblemError("no_opportunities", path=args.file)
    cutoff = opts.cutoff or max(o.last_change for o in data)
    currency = None if args.currency is None else currency_code(args.currency)
    if args.target is not None and currency is None and len({o.currency for o in data}) > 1:
        raise UsageError("target_one_currency")
    rates = (
        None
        if currency is None
        else fixed_rates(dated, currency, {o.currency for o in data}, on=cutoff)
        if dated is not None
        else {}
    )
    lines = pipeline_lines(data, cutoff=cutoff, currency=currency, rates=rates, funnel=funnel)
    summary, stages = working(
        tr("funnel figures", "漏斗指标"),
        lambda: (
            funnel_summary(data, funnel, as_of=cutoff),
            conversion(data, funnel, as_of=cutoff),
        ),
    )
    if opts.fmt == "json":
        emit_json(
            {
                "schema": SCHEMA,
                "version": VERSION,
                "cutoff": cutoff.isoformat(),
                "currency": currency,
                "rates": {code: decimal_text(rate) for code, rate in sorted((rates or {}).items())},
                "target": None if args.target is None else decimal_text(args.target),
                "pipeline": pipeline_json(lines, args.target),
                "figures": figures_json(summary),
                "conversion": conversion_json(stages),
            },
            opts,
        )
        return EXIT_OK
    tables = [
        pipeline_table(
            data,
            cutoff=cutoff,
            lang=opts.lang,
            currency=currency,
            rates=rates,
            target=args.target,
            lines=lines,
        ),
        _figures_table(summary, opts.lang),
        stages.table(opts.lang),
    ]
    emit(tables, opts, TABLES)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` subcommand."""
    parser = sub.add_parser(
        "report",
        help=command_help("report"),
        description=tr(
            "Report a file of opportunities as of a cutoff: the weighted pipeline of open "
            "deals with the P10/P50/P90 of the total to be won (per currency, or converted "
            "with --currency and --rates), the chance of reaching --target, the win rate, "
            "lost share and sales cycle, and the stage-to-stage conversion table. "
            "--format json prints one salesfunnel/report document.",
            "按截止日期报告一个商机文件：进行中商机的加权金额及可赢得总额的 P10/P50/P90"
            "（按币种，或用 --currency 和 --rates 折算）、达成 --target 的概率、赢单率、"
            "丢单占比和销售周期，以及阶段转化表。--format json 输出一个 salesfunnel/report 文档。",
        ),
        epilog=tr("example", "示例")
        + ": salesfunnel report deals.csv --events events.csv --cutoff 2026-09-30 "
        "--currency CNY --rates USD=6.98,EUR=8.10 --target 50000000",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        help=tr("opportunities (.csv or .json)", "商机文件（.csv 或 .json）"),
    )
    add_common(parser)
    add_rates_options(
        parser,
        currency_help=tr(
            "reporting currency, e.g. CNY (default: one row per currency)",
            "报告币种，例如 CNY（默认：每个币种一行）",
        ),
    )
    parser.add_argument(
        "--target",
        type=_amount,
        default=None,
        metavar="AMOUNT",
        help=tr(
            "a target for the open pipeline (in --currency, or the file's one currency): "
            "show the probability of reaching it",
            "在途商机的目标金额（以 --currency 或文件唯一的币种计）：显示达成它的概率",
        ),
    )
    add_reading_options(parser)
    parser.set_defaults(command="report")
