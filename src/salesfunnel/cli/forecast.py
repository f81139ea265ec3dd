"""``salesfunnel forecast``: the forecast sheets (by time and by category) for a file."""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from salesfunnel.calendar import GREGORIAN, FiscalCalendar
from salesfunnel.cli.common import (
    DEMO_CURRENCY,
    DEMO_RATES,
    EXIT_DATA,
    EXIT_OK,
    ISO_DATE,
    Options,
    UsageError,
    add_common,
    add_currency_options,
    add_events_option,
    decimal_text,
    emit,
    emit_json,
    guard,
    options,
    read_csv_rows,
    read_deals,
    require_file,
    working,
)
from salesfunnel.cli.funnel_options import add_funnel_options, funnel_from_args
from salesfunnel.cli.mapping_options import add_mapping_options, mapping_from_args
from salesfunnel.errors import FunnelError
from salesfunnel.forecasting.report_form import forecast_sheet, waterfall_sheet
from salesfunnel.forecasting.rollup import Forecast, forecast
from salesfunnel.forecasting.waterfall import Waterfall, waterfall
from salesfunnel.fx import ExchangeRates, InvalidRateError, Rate

if TYPE_CHECKING:
    from collections.abc import Sequence

    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.render import Table

__all__ = ["DEMO_CURRENCY", "DEMO_RATES", "demo_json", "demo_section", "read_rates", "run"]

ORDER = 30

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


def demo_section(opportunities: Sequence[Opportunity], opts: Options) -> list[Table]:
    """Forecast by time and by category per owner, in CNY, and the quarter's pipeline changes."""
    result, changes = _demo_results(opportunities, opts)
    return [
        forecast_sheet(result, view="time", lang=opts.lang),
        forecast_sheet(result, view="category", lang=opts.lang),
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


def read_rates(path: str, currency: str) -> ExchangeRates:
    """Read exchange rates from a CSV file with columns ``date,currency,rate``.

    Each row says how many ``currency`` (the reporting currency) one unit of
    the row's currency is worth from that date on; an optional ``quote``
    column names another target currency. Dates are ``YYYY-MM-DD``, rates
    plain numbers within the bounds of amounts.

    Raises:
        InvalidRateError: For a file without those columns or a bad row (the
            message names the row).
        FileEncodingError: For a file that is not UTF-8 text.
    """
    fields, rows = read_csv_rows(path)
    missing = {"date", "currency", "rate"} - set(fields)
    if missing:
        raise InvalidRateError(
            f"{path}: the rates file needs the columns date, currency, rate "
            f"(missing: {', '.join(sorted(missing))})",
            base="",
            quote=currency,
            on=date.min,
        )
    return ExchangeRates([_rate_row(path, line, row, currency) for line, row in enumerate(rows, 2)])


def _rate_row(path: str, line: int, row: dict[str, str], currency: str) -> Rate:
    text = row["date"].strip()
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(f"{text[:40]!r} is not a date")  # noqa: TRY301  (one report below)
        on = date.fromisoformat(text)
        return Rate(on, row["currency"], row.get("quote") or currency, row["rate"])
    except (ValueError, ArithmeticError, FunnelError) as err:
        raise InvalidRateError(
            f"{path}, row {line}: {err}; write date as YYYY-MM-DD and rate as a number",
            base=row.get("currency") or "",
            quote=currency,
            on=date.min,
        ) from None


def run(args: argparse.Namespace) -> int:
    """Read the file, forecast at the cutoff, and print the sheets (or the JSON document)."""
    return guard("forecast", lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    opts = options(args)
    if args.rates and not args.currency:
        raise UsageError("--rates needs --currency (the reporting currency)")
    require_file(args.rates)
    mapped, funnel = mapping_from_args(args), funnel_from_args(args)
    data = read_deals(args.file, events=args.events, mapped=mapped, funnel=funnel)
    cutoff = opts.cutoff or max((o.last_change for o in data), default=None)
    if cutoff is None:
        print(
            "salesfunnel forecast: the file has no opportunities; nothing to forecast",
            file=sys.stderr,
        )
        return EXIT_DATA
    rates = read_rates(args.rates, args.currency) if args.rates else None
    if args.currency is None and len({o.currency for o in data}) > 1:
        found = ", ".join(sorted({o.currency for o in data}))
        print(
            f"salesfunnel forecast: the deals are in {found}; pass --currency CODE and "
            "--rates FILE (columns date,currency,rate) to convert them",
            file=sys.stderr,
        )
        return EXIT_DATA
    result = working(
        "forecasting",
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

        emit_json(to_dict(result))
        return EXIT_OK
    tables = [
        forecast_sheet(result, view=view, measure=args.measure, lang=opts.lang)
        for view in _VIEWS[args.view]
    ]
    emit(tables, opts)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``forecast`` subcommand."""
    parser = sub.add_parser(
        "forecast",
        help="the forecast by time and by category for a file of opportunities",
        description=(
            "Forecast a pipeline at a cutoff date, as the source's forecast sheets do: "
            "by time (closed, overdue, within 3 months, 3-6, 6-9, 9-12, beyond 12, "
            "lost) and by forecast category (booked, commit, upside this quarter, "
            "upside next quarter, pipeline, omitted), per owner and/or product. "
            "Deals in several currencies need --currency and --rates. Deals in an "
            "export's own stages need --stages (or --funnel); their categories then "
            "follow that funnel's default policy. --format json "
            "prints the whole forecast as a salesfunnel/forecast document (every view "
            "and measure), which salesfunnel.io.loads reads back."
        ),
        epilog="example: salesfunnel forecast deals.csv --cutoff 2026-09-30 --by owner,product",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="opportunities (.csv or .json)")
    add_common(parser)
    parser.add_argument(
        "--by",
        choices=("owner", "product", "owner,product", "product,owner"),
        default=None,
        help="group rows by owner, product or both (default: total only)",
    )
    parser.add_argument(
        "--view",
        choices=tuple(_VIEWS),
        default="both",
        help="which sheet: time, category or both (default: both)",
    )
    parser.add_argument(
        "--measure",
        choices=("amount", "weighted", "count"),
        default="amount",
        help="what the cells show (default: amount)",
    )
    add_currency_options(parser)
    add_events_option(parser)
    parser.add_argument(
        "--fiscal-start",
        type=int,
        choices=range(1, 13),
        default=1,
        metavar="MONTH",
        help="first month of the fiscal year, 1-12 (default: 1)",
    )
    add_funnel_options(parser)
    add_mapping_options(parser)
    parser.set_defaults(command="forecast")
