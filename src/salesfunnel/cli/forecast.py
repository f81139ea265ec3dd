"""``salesfunnel forecast``: the forecast sheets (by time and by category) for a file."""

from __future__ import annotations

import argparse
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from salesfunnel.calendar import GREGORIAN, FiscalCalendar
from salesfunnel.cli.commands import command_help
from salesfunnel.cli.common import (
    DEMO_CURRENCY,
    DEMO_RATES,
    EXIT_OK,
    DataProblemError,
    Options,
    add_common,
    decimal_text,
    emit,
    emit_json,
    guard,
    options,
    working,
)
from salesfunnel.cli.messages import Message, close_match, tr
from salesfunnel.cli.reading import (
    add_rates_options,
    add_reading_options,
    rates_from_args,
    read_from_args,
    read_rates,
)
from salesfunnel.forecasting.buckets import TimeBucket
from salesfunnel.forecasting.kinds import ForecastCategory
from salesfunnel.forecasting.report_form import forecast_sheet, waterfall_sheet
from salesfunnel.forecasting.rollup import Forecast, forecast
from salesfunnel.forecasting.waterfall import Waterfall, waterfall
from salesfunnel.i18n import Lang, pick
from salesfunnel.render import Table

if TYPE_CHECKING:
    from collections.abc import Sequence

    from salesfunnel.funnel.opportunity import Opportunity

__all__ = [
    "DEMO_CURRENCY",
    "DEMO_RATES",
    "DEMO_TABLES",
    "demo_json",
    "demo_section",
    "read_rates",
    "run",
    "without_lost",
]

_VIEWS: dict[str, tuple[Literal["time", "category"], ...]] = {
    "time": ("time",),
    "category": ("category",),
    "both": ("time", "category"),
}


def _demo_results(
    opportunities: Sequence[Opportunity], opts: Options
) -> tuple[Forecast, Waterfall]:
    """The demo's forecast per owner in CNY, and the pipeline changes of the quarter to date."""
    cutoff = opts.cutoff or max(o.last_change for o in opportunities)
    result = forecast(
        opportunities, cutoff=cutoff, by="owner", currency=DEMO_CURRENCY, rates=DEMO_RATES
    )
    changes = waterfall(
        opportunities,
        start=GREGORIAN.quarter_of(cutoff).start - timedelta(days=1),
        end=cutoff,
        currency=DEMO_CURRENCY,
        rates=DEMO_RATES,
    )
    return result, changes


_CENT = Decimal("0.01")

#: The names of the demo's forecast tables, for ``--table``.
DEMO_TABLES = ("forecast-time", "forecast-category", "changes")


def without_lost(sheet: Table, result: Forecast, lang: Lang) -> Table:
    """The amount sheet with a total column that does not add the lost deals, and says so.

    The forecast's total adds the deals open at the cutoff and those won
    and lost in its period; a pipeline total should not grow with lost
    deals, so the demo shows the open and won deals only.
    """
    period = result.period.label(lang)
    header = pick(
        f"Total (open + won in {period}; lost not added)",
        f"合计（进行中 + {period}内成交；不含丢单）",
        lang,
    )
    lines = [*result.rows, result.total]
    # in the category sheet the lost deals are among the omitted ones: they come off there too
    label = ForecastCategory.OMITTED.label(lang)
    omitted = sheet.headers.index(label) if label in sheet.headers else None
    rows = []
    for row, line in zip(sheet.rows, lines, strict=True):
        lost = line.buckets[TimeBucket.LOST].amount
        cells = list(row)
        if omitted is not None:
            cells[omitted] = (line.categories[ForecastCategory.OMITTED].amount - lost).quantize(
                _CENT
            )
        cells[-1] = (line.total.amount - lost).quantize(_CENT)
        rows.append(tuple(cells))
    return Table(sheet.title, (*sheet.headers[:-1], header), rows, sheet.note)


def demo_section(opportunities: Sequence[Opportunity], opts: Options) -> list[Table]:
    """Forecast by time and by category per owner, in CNY, and the quarter's pipeline changes."""
    result, changes = _demo_results(opportunities, opts)
    return [
        without_lost(forecast_sheet(result, view="time", lang=opts.lang), result, opts.lang),
        without_lost(forecast_sheet(result, view="category", lang=opts.lang), result, opts.lang),
        waterfall_sheet(changes, lang=opts.lang),
    ]


def changes_json(changes: Waterfall) -> dict[str, object]:
    """A waterfall as the ``changes`` key of the demo document: totals per movement."""
    return {
        "start": changes.start.isoformat(),
        "end": changes.end.isoformat(),
        "currency": changes.currency,
        "opening": decimal_text(changes.opening),
        "steps": [
            {"movement": m.value, "deals": count, "amount": decimal_text(total)}
            for m, total, count in changes.steps
        ],
        "closing": decimal_text(changes.closing),
    }


def demo_json(opportunities: Sequence[Opportunity], opts: Options) -> dict[str, object]:
    """The ``forecast`` and ``changes`` keys of the demo document."""
    from salesfunnel.io import to_dict  # noqa: PLC0415

    result, changes = _demo_results(opportunities, opts)
    return {"forecast": to_dict(result)["forecast"], "changes": changes_json(changes)}


def run(args: argparse.Namespace) -> int:
    """Read the file, forecast at the cutoff, and print the sheets (or the JSON document)."""
    return guard("forecast", lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    opts = options(args)
    rates = rates_from_args(args)
    data, funnel = read_from_args(args)
    cutoff = opts.cutoff or max((o.last_change for o in data), default=None)
    if cutoff is None:
        raise DataProblemError("no_opportunities", path=args.file)
    if args.currency is None and len({o.currency for o in data}) > 1:
        raise DataProblemError(
            "several_currencies", found=", ".join(sorted({o.currency for o in data}))
        )
    result = working(
        tr("forecasting", "正在预测"),
        lambda: forecast(
            data,
            cutoff=cutoff,
            by=args.by or (),
            currency=args.currency,
            rates=rates,
            calendar=FiscalCalendar(start_month=args.fiscal_start),
            funnel=funnel,
        ),
    )
    if opts.fmt == "json":
        from salesfunnel.io import to_dict  # noqa: PLC0415

        emit_json(to_dict(result), opts)
        return EXIT_OK
    views = _VIEWS[args.view]
    tables = [
        forecast_sheet(result, view=view, measure=args.measure, lang=opts.lang) for view in views
    ]
    emit(tables, opts, views)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``forecast`` subcommand."""
    parser = sub.add_parser(
        "forecast",
        help=command_help("forecast"),
        description=tr(
            "Forecast a pipeline at a cutoff date, as the source's forecast sheets do: "
            "by time (closed, overdue, within 3 months, 3-6, 6-9, 9-12, beyond 12, "
            "lost) and by forecast category (booked, commit, upside this quarter, "
            "upside next quarter, pipeline, omitted), per owner and/or product. "
            "Deals in several currencies need --currency and --rates. Deals in an "
            "export's own stages need --stages (or --funnel); their categories then "
            "follow that funnel's default policy. --format json "
            "prints the whole forecast as a salesfunnel/forecast document (every view "
            "and measure), which salesfunnel.io.loads reads back.",
            "按截止日期预测在途商机，与原课程的预测表一致：按时间（已成交、逾期、3 个月内、3-6、"
            "6-9、9-12、12 个月以上、丢单）和按销售预测类别（已落单、确定、本季度可能、下季度可能、"
            "在途、不计入），按负责人和/或产品分组。多个币种的商机需要 --currency 和 --rates；"
            "使用导出文件自有阶段的商机需要 --stages（或 --funnel）。--format json 输出完整的 "
            "salesfunnel/forecast 文档，salesfunnel.io.loads 可读回。",
        ),
        epilog=tr("example", "示例")
        + ": salesfunnel forecast deals.csv --cutoff 2026-09-30 --by owner,product",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        help=tr("opportunities (.csv or .json)", "商机文件（.csv 或 .json）"),
    )
    add_common(parser)
    parser.add_argument(
        "--by",
        type=_by,
        default=None,
        metavar="owner|product|owner,product",
        help=tr(
            "group rows by owner, product or both (default: total only)",
            "按负责人、产品或两者分组（默认：只显示合计）",
        ),
    )
    parser.add_argument(
        "--view",
        choices=tuple(_VIEWS),
        default="both",
        help=tr(
            "which sheet: time, category or both (default: both)",
            "显示哪张表：time、category 或 both（默认：both）",
        ),
    )
    parser.add_argument(
        "--measure",
        choices=("amount", "weighted", "count"),
        default="amount",
        help=tr("what the cells show (default: amount)", "单元格显示的内容（默认：amount）"),
    )
    add_rates_options(parser)
    parser.add_argument(
        "--fiscal-start",
        type=int,
        choices=range(1, 13),
        default=1,
        metavar="MONTH",
        help=tr(
            "first month of the fiscal year, 1-12 (default: 1)",
            "财年的第一个月，1-12（默认：1）",
        ),
    )
    add_reading_options(parser)
    parser.set_defaults(command="forecast")


#: What ``--by`` accepts: the grouping and its other spelling.
BY_CHOICES = {
    "owner": "owner",
    "product": "product",
    "owner,product": "owner,product",
    "product,owner": "product,owner",
}


def _by(text: str) -> str:
    key = ",".join(p.strip() for p in text.split(","))
    if key not in BY_CHOICES:
        match = close_match(key, ("owner", "product", "owner,product"))
        if match is not None:
            raise argparse.ArgumentTypeError(str(Message("by_match", value=text, match=match)))
        raise argparse.ArgumentTypeError(str(Message("by_choice", value=text)))
    return BY_CHOICES[key]
