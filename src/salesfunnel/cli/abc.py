"""``salesfunnel abc``: ABC (80/20) classes of the accounts in a file of opportunities.

The figure per account comes from its **won** deals (closed on or before the
cutoff):

* ``revenue``: the won amounts;
* ``volume``: the number of won deals;
* ``profit``: each won deal's profit, read from a ``profit`` column of a CSV
  file (also ``利润`` or ``销售利润``) or a ``profit`` fact, and otherwise the
  won amount × ``--margin``.

Amounts in several currencies need ``--currency`` and ``--rates`` (as for
``salesfunnel forecast``); each deal converts at the rate in force on its
close date. Accounts without a won deal are not customers yet and are left
out.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import attrs

from salesfunnel.analytics.conversion import snapshots
from salesfunnel.cli.common import (
    DEMO_CURRENCY,
    DEMO_RATES,
    EXIT_DATA,
    EXIT_OK,
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
from salesfunnel.customers.abc_classes import (
    PROFIT,
    REVENUE,
    VOLUME,
    AbcResult,
    CombinedAbc,
    Figure,
    InvalidThresholdsError,
    abc_classify,
    abc_combined,
    computed_abc,
)
from salesfunnel.errors import FunnelError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.records import StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.fx import CENTS, ExchangeRates
from salesfunnel.i18n import Text
from salesfunnel.money import to_amount

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.render import Table

ORDER = 50

#: The schema and version of ``salesfunnel abc --format json``.
SCHEMA, VERSION = "salesfunnel/abc-report", 1

#: Column headers read as a deal's profit in a CSV file.
PROFIT_COLUMNS = ("profit", "利润", "销售利润")

_MEASURES: dict[str, Text] = {"revenue": REVENUE, "volume": VOLUME, "profit": PROFIT}


def won_deals(
    opportunities: Sequence[Opportunity], cutoff: date, funnel: Funnel = DEFAULT_FUNNEL
) -> list[Opportunity]:
    """The deals won on or before ``cutoff``: in a won stage of ``funnel``."""
    return [
        o
        for o in opportunities
        if funnel.kind_of(o) is StageKind.WON and o.closed_on is not None and o.closed_on <= cutoff
    ]


def _money(
    amount: Decimal, deal: Opportunity, currency: str | None, rates: ExchangeRates | None
) -> Decimal:
    if currency is None or deal.currency == currency:
        return amount
    if rates is None:
        raise UsageError(f"deal {deal.id} is in {deal.currency}; pass --rates to convert it")
    on = deal.closed_on or deal.created
    return rates.convert(amount, deal.currency, currency, on=on)


def _profit(deal: Opportunity, column: Mapping[str, Decimal], margin: Decimal | None) -> Decimal:
    if deal.id in column:
        return column[deal.id]
    fact = deal.facts.get("profit")
    if fact is not None and not isinstance(fact, bool) and isinstance(fact, (int, float, Decimal)):
        return Decimal(repr(fact)) if isinstance(fact, float) else Decimal(fact)
    if margin is None:
        raise UsageError(
            f"deal {deal.id} has no profit (no profit column or fact); pass --margin, "
            "e.g. --margin 0.3 for a 30 % margin on the won amount"
        )
    return (deal.amount * margin).quantize(CENTS)


def figures(
    won: Sequence[Opportunity],
    by: str,
    *,
    currency: str | None = None,
    rates: ExchangeRates | None = None,
    margin: Decimal | None = None,
    profit_column: Mapping[str, Decimal] | None = None,
) -> dict[str, Figure]:
    """Each account's figure by ``revenue``, ``volume`` or ``profit`` from its won deals."""
    out: dict[str, Figure] = {}
    for deal in won:
        if by == "volume":
            out[deal.account] = int(out.get(deal.account, 0)) + 1
            continue
        raw = deal.amount if by == "revenue" else _profit(deal, profit_column or {}, margin)
        value = _money(raw, deal, currency, rates)
        out[deal.account] = Decimal(out.get(deal.account, Decimal(0))) + value
    if by != "volume":
        # Totals in cents, so that converted and unconverted accounts read alike.
        out = {k: Decimal(v).quantize(CENTS) for k, v in out.items()}
    return out


def read_profit_column(path: str) -> tuple[dict[str, Decimal], str | None]:
    """Read a CSV file's profit column by deal id (empty cells are left out).

    A profit is a plain number (ASCII digits, an optional sign and decimal
    point: no separators) within the bounds of amounts.

    Returns:
        Deal id to profit, and the column's header (``None`` when there is none).

    Raises:
        UsageError: For a profit cell that is not such a number.
        FileEncodingError: For a file that is not UTF-8 text.
    """
    if not path.lower().endswith(".csv"):
        return {}, None
    fields, rows = read_csv_rows(path)
    header = next((f for f in fields if f.strip() in PROFIT_COLUMNS), None)
    id_header = next((f for f in fields if f.strip() in ("id", "编号")), None)
    if header is None or id_header is None:
        return {}, header
    out: dict[str, Decimal] = {}
    for line, row in enumerate(rows, start=2):
        text = row[header].strip()
        if text:
            out[row[id_header].strip()] = _cell_number(text, f"{path}, row {line}, column {header}")
    return out, header


_SIGNED_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def _cell_number(text: str, where: str) -> Decimal:
    if not _SIGNED_NUMBER.fullmatch(text):
        msg = (
            f"{where}: {text[:40]!r} is not a number; write it with ASCII digits and a "
            "decimal point, without separators, like -1200.50"
        )
        raise UsageError(msg)
    try:
        to_amount(text.lstrip("+-"), field=where)  # the bounds of amounts; the sign is ours
    except FunnelError as err:
        raise UsageError(str(err)) from None
    return Decimal(text)


def _thresholds(text: str) -> tuple[str, ...]:
    parts = tuple(p.strip() for p in text.split(","))
    try:
        abc_classify({}, thresholds=parts)  # checks them: numbers, in order, inside (0, 1)
    except InvalidThresholdsError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return parts


def _criteria(text: str) -> tuple[str, ...]:
    parts = tuple(p.strip() for p in text.split(",") if p.strip())
    bad = [p for p in parts if p not in _MEASURES]
    if bad or not parts or len(set(parts)) != len(parts):
        msg = f"{text!r}: choose revenue, profit and/or volume, e.g. revenue or revenue,volume"
        raise argparse.ArgumentTypeError(msg)
    return parts


def _margin(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not 0 < value <= 1:
        msg = f"{text!r} is not a margin; give a share of the won amount such as 0.3"
        raise argparse.ArgumentTypeError(msg)
    return value


def classify(
    values: Mapping[str, Figure], measure: Text, args: argparse.Namespace
) -> AbcResult[str]:
    """Run the ABC analysis the options ask for."""
    if args.method == "computed":
        return computed_abc(values, measure=measure)
    return abc_classify(
        values,
        thresholds=args.thresholds,
        basis=args.basis,
        boundary=args.boundary,
        keep_ties=args.keep_ties,
        measure=measure,
    )


def analyse(per: Mapping[str, Mapping[str, Figure]], args: argparse.Namespace) -> CombinedAbc[str]:
    """Classify the accounts by each criterion (one criterion: a combination of one)."""
    if len(per) == 1:
        name, values = next(iter(per.items()))
        return CombinedAbc((name,), (classify(values, _MEASURES[name], args),))
    return abc_combined(
        per,
        method=args.method,
        thresholds=args.thresholds,
        basis=args.basis,
        boundary=args.boundary,
        keep_ties=args.keep_ties if args.method == "fixed" else None,
    )


def _tables(combined: CombinedAbc[str], top: int | None, opts: Options) -> list[Table]:
    if len(combined.criteria) == 1:
        (result,) = combined.results
        return [result.table(opts.lang, limit=top), result.class_table(opts.lang)]
    tables = [combined.table(opts.lang, limit=top)]
    for name, result in zip(combined.criteria, combined.results, strict=True):
        labelled = _relabel(result, _MEASURES.get(name, Text(name)))
        tables.append(labelled.class_table(opts.lang))
    return tables


def _relabel(result: AbcResult[str], measure: Text) -> AbcResult[str]:
    return attrs.evolve(result, measure=measure)


def _number(value: Figure | None) -> object:
    """A figure or share for JSON: exact decimals as strings, counts and measures as numbers."""
    return decimal_text(value) if isinstance(value, Decimal) else value


def report_json(combined: CombinedAbc[str], top: int | None = None) -> dict[str, object]:
    """The accounts, their class per criterion and code, and each criterion's class summary."""
    accounts = []
    for key in combined.customers[:top]:
        rows = {
            name: (result[key] if key in result else None)  # noqa: SIM401  (no .get)
            for name, result in zip(combined.criteria, combined.results, strict=True)
        }
        accounts.append(
            {
                "account": key,
                "code": combined.code(key),
                "classes": {n: None if r is None else r.abc_class for n, r in rows.items()},
                "figures": {n: None if r is None else _number(r.value) for n, r in rows.items()},
                "ranks": {n: None if r is None else r.rank for n, r in rows.items()},
                "shares": {n: None if r is None else _number(r.share) for n, r in rows.items()},
            }
        )
    return {
        "method": combined.results[0].method.value,
        "criteria": list(combined.criteria),
        "accounts": accounts,
        "classes": {
            name: [
                {
                    "class": c.label,
                    "accounts": c.count,
                    "account_share": _number(c.customer_share),
                    "value": _number(c.value),
                    "value_share": _number(c.value_share),
                }
                for c in result.classes
            ]
            for name, result in zip(combined.criteria, combined.results, strict=True)
        },
        "limits": {
            name: None
            if result.limits is None
            else {
                "pareto": attrs.asdict(result.limits.pareto),
                "break_even": attrs.asdict(result.limits.break_even),
                "submarginal": attrs.asdict(result.limits.submarginal),
                "swapped": result.limits.swapped,
            }
            for name, result in zip(combined.criteria, combined.results, strict=True)
        },
    }


def _load(
    args: argparse.Namespace, opts: Options
) -> tuple[date, dict[str, dict[str, Figure]]] | None:
    """The cutoff and each criterion's figures per account; ``None`` when the data cannot be used."""
    from salesfunnel.cli.forecast import read_rates  # noqa: PLC0415

    if args.rates and not args.currency:
        raise UsageError("--rates needs --currency (the reporting currency)")
    require_file(args.file)
    require_file(args.rates)
    column, header = read_profit_column(args.file)
    mapped, funnel = mapping_from_args(args), funnel_from_args(args)
    data = read_deals(
        args.file,
        events=args.events,
        ignore=(header,) if header else (),
        mapped=mapped,
        funnel=funnel,
    )
    if not data:
        print("salesfunnel abc: the file has no opportunities", file=sys.stderr)
        return None
    cutoff = opts.cutoff or max(o.last_change for o in data)
    won = won_deals(data, cutoff, funnel)
    found = sorted({d.currency for d in won})
    if set(args.by) - {"volume"} and args.currency is None and len(found) > 1:
        print(
            f"salesfunnel abc: the won deals are in {', '.join(found)}; pass --currency "
            "CODE and --rates FILE (columns date,currency,rate) to convert them",
            file=sys.stderr,
        )
        return None
    rates = read_rates(args.rates, args.currency) if args.rates else None
    return cutoff, {
        name: figures(
            won, name, currency=args.currency, rates=rates, margin=args.margin, profit_column=column
        )
        for name in args.by
    }


def run(args: argparse.Namespace) -> int:
    """Read the file, total each account's won deals, classify and print."""
    return guard("abc", lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    opts = options(args)
    loaded = _load(args, opts)
    if loaded is None:
        return EXIT_DATA
    cutoff, per = loaded
    combined = working("classifying", lambda: analyse(per, args))
    if opts.fmt == "json":
        emit_json(
            {
                "schema": SCHEMA,
                "version": VERSION,
                "cutoff": cutoff.isoformat(),
                "currency": args.currency,
                **report_json(combined, args.top),
            }
        )
        return EXIT_OK
    emit(_tables(combined, args.top, opts), opts)
    return EXIT_OK


def _demo_result(opportunities: Sequence[Opportunity], opts: Options) -> AbcResult[str]:
    """ABC of the accounts by revenue won by the cutoff, in CNY at the demo rates."""
    cutoff = opts.cutoff or max(o.last_change for o in opportunities)
    won = won_deals(snapshots(opportunities, as_of=cutoff), cutoff)
    revenue = figures(won, "revenue", currency=DEMO_CURRENCY, rates=DEMO_RATES)
    measure = Text(f"won revenue ({DEMO_CURRENCY})", f"成交金额（{DEMO_CURRENCY}）")
    return abc_classify(revenue, measure=measure)


def demo_section(opportunities: Sequence[Opportunity], opts: Options) -> list[Table]:
    """ABC of the sample's accounts by won revenue, converted to CNY at the demo rates."""
    result = _demo_result(opportunities, opts)
    return [result.table(opts.lang, limit=10), result.class_table(opts.lang)]


def demo_json(opportunities: Sequence[Opportunity], opts: Options) -> dict[str, object]:
    """The ``abc`` key of the demo document: every account's class by won revenue."""
    result = _demo_result(opportunities, opts)
    return {"abc": report_json(CombinedAbc(("revenue",), (result,)))}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``abc`` subcommand."""
    parser = sub.add_parser(
        "abc",
        help="ABC (80/20) classes of the accounts by revenue, profit or volume",
        description=(
            "Classify the accounts of a file of opportunities A, B, C by their won "
            "deals: by revenue (won amount), profit (a profit column or fact, else the "
            "won amount times --margin) or volume (number of won deals), at fixed "
            "thresholds or by computed ABC analysis. Several criteria at once give "
            "each account a code such as AB. --format json prints one "
            "salesfunnel/abc-report document."
        ),
        epilog="example: salesfunnel abc deals.csv --by revenue,volume --currency CNY --rates rates.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="opportunities (.csv or .json)")
    add_common(parser)
    parser.add_argument(
        "--by",
        type=_criteria,
        default=("revenue",),
        metavar="CRITERIA",
        help="revenue, profit or volume, or several joined by commas (default: revenue)",
    )
    parser.add_argument(
        "--method",
        choices=("fixed", "computed"),
        default="fixed",
        help="fixed thresholds or computed ABC (Ultsch and Lötsch) (default: fixed)",
    )
    parser.add_argument(
        "--thresholds",
        type=_thresholds,
        default=None,
        metavar="T1,T2",
        help="fixed thresholds (default: 0.8,0.95 by value, 0.2,0.5 by count)",
    )
    parser.add_argument(
        "--basis",
        choices=("value", "count"),
        default="value",
        help="thresholds as shares of the total (value) or of the accounts (count)",
    )
    parser.add_argument(
        "--boundary",
        choices=("before", "inclusive"),
        default="before",
        help="the account crossing a threshold stays in the better class (before) "
        "or moves down (inclusive) (default: before)",
    )
    parser.add_argument(
        "--keep-ties", action="store_true", help="never split accounts with equal figures"
    )
    parser.add_argument(
        "--margin",
        type=_margin,
        default=None,
        help="profit as this share of the won amount, for deals without a profit value",
    )
    add_currency_options(parser)
    add_events_option(parser)
    parser.add_argument(
        "--top", type=int, default=None, metavar="N", help="list only the first N accounts"
    )
    add_funnel_options(parser)
    add_mapping_options(parser)
    parser.set_defaults(command="abc")
