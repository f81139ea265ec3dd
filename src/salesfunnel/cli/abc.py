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
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import attrs

from salesfunnel.analytics.conversion import snapshots
from salesfunnel.cli.abc_values import cell_number, load_values, values_header
from salesfunnel.cli.commands import command_help
from salesfunnel.cli.common import (
    DEMO_CURRENCY,
    DEMO_RATES,
    EXIT_OK,
    DataProblemError,
    Options,
    UsageError,
    add_common,
    decimal_text,
    emit,
    emit_json,
    guard,
    options,
    read_csv_rows,
    require_file,
    working,
)
from salesfunnel.cli.messages import Message, tr
from salesfunnel.cli.reading import (
    add_rates_options,
    add_reading_options,
    rates_from_args,
    read_from_args,
)
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
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.records import StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.fx import CENTS, ExchangeRates
from salesfunnel.i18n import Text

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.render import Table

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
        raise UsageError("abc_no_rate", id=deal.id, code=deal.currency)
    on = deal.closed_on or deal.created
    return rates.convert(amount, deal.currency, currency, on=on)


def _profit(deal: Opportunity, column: Mapping[str, Decimal], margin: Decimal | None) -> Decimal:
    if deal.id in column:
        return column[deal.id]
    fact = deal.facts.get("profit")
    if fact is not None and not isinstance(fact, bool) and isinstance(fact, (int, float, Decimal)):
        return Decimal(repr(fact)) if isinstance(fact, float) else Decimal(fact)
    if margin is None:
        raise UsageError("abc_no_profit", id=deal.id)
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
            out[row[id_header].strip()] = cell_number(text, f"{path}, row {line}, column {header}")
    return out, header


def _thresholds(text: str) -> tuple[str, ...]:
    parts = tuple(p.strip() for p in text.split(","))
    try:
        abc_classify({}, thresholds=parts)  # checks them: numbers, in order, inside (0, 1)
    except InvalidThresholdsError as err:
        raise argparse.ArgumentTypeError(
            str(Message("abc_thresholds", text=text, why=err))
        ) from None
    return parts


def _criteria(text: str) -> tuple[str, ...]:
    parts = tuple(p.strip() for p in text.split(",") if p.strip())
    bad = [p for p in parts if p not in _MEASURES]
    if bad or not parts or len(set(parts)) != len(parts):
        raise argparse.ArgumentTypeError(str(Message("abc_criteria", text=text)))
    return parts


def _margin(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not 0 < value <= 1:
        raise argparse.ArgumentTypeError(str(Message("abc_margin", text=text)))
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


def analyse(
    per: Mapping[str, Mapping[str, Figure]],
    args: argparse.Namespace,
    measures: Mapping[str, Text] | None = None,
) -> CombinedAbc[str]:
    """Classify the accounts by each criterion (one criterion: a combination of one)."""
    named = {**_MEASURES, **(measures or {})}
    if len(per) == 1:
        name, values = next(iter(per.items()))
        return CombinedAbc((name,), (classify(values, named[name], args),))
    return abc_combined(
        per,
        method=args.method,
        thresholds=args.thresholds,
        basis=args.basis,
        boundary=args.boundary,
        keep_ties=args.keep_ties if args.method == "fixed" else None,
    )


def _tables(
    combined: CombinedAbc[str], top: int | None, opts: Options, measures: Mapping[str, Text]
) -> list[Table]:
    if len(combined.criteria) == 1:
        (result,) = combined.results
        return [result.table(opts.lang, limit=top), result.class_table(opts.lang)]
    tables = [combined.table(opts.lang, limit=top)]
    for name, result in zip(combined.criteria, combined.results, strict=True):
        labelled = _relabel(result, measures[name])
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
) -> tuple[date | None, dict[str, dict[str, Figure]], dict[str, Text]]:
    """The cutoff, each criterion's figures per account, and the criteria's names.

    Raises:
        DataProblemError: For a file without deals, or won deals in several
            currencies without ``--currency``.
    """
    rates = rates_from_args(args)
    require_file(args.file)
    values = values_header(args)
    if values is not None:
        return load_values(args, values)
    column, header = read_profit_column(args.file)
    data, funnel = read_from_args(args, ignore=(header,) if header else ())
    if not data:
        raise DataProblemError("no_opportunities", path=args.file)
    cutoff = opts.cutoff or max(o.last_change for o in data)
    won = won_deals(data, cutoff, funnel)
    found = sorted({d.currency for d in won})
    if set(args.by) - {"volume"} and args.currency is None and len(found) > 1:
        raise DataProblemError("several_currencies", found=", ".join(found))
    per = {
        name: figures(
            won, name, currency=args.currency, rates=rates, margin=args.margin, profit_column=column
        )
        for name in args.by
    }
    return cutoff, per, {name: _MEASURES[name] for name in args.by}


def run(args: argparse.Namespace) -> int:
    """Read the file, total each account's won deals (or read its values), classify and print."""
    return guard("abc", lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    opts = options(args)
    cutoff, per, measures = _load(args, opts)
    combined = working(tr("classifying", "正在分类"), lambda: analyse(per, args, measures))
    if opts.fmt == "json":
        emit_json(
            {
                "schema": SCHEMA,
                "version": VERSION,
                "cutoff": None if cutoff is None else cutoff.isoformat(),
                "currency": args.currency,
                **report_json(combined, args.top),
            },
            opts,
        )
        return EXIT_OK
    tables = _tables(combined, args.top, opts, measures)
    names = ["accounts", *(f"classes-{c}" for c in combined.criteria)]
    emit(tables, opts, ["accounts", "classes"] if len(tables) == 2 else names)  # noqa: PLR2004
    return EXIT_OK


def _demo_result(opportunities: Sequence[Opportunity], opts: Options) -> AbcResult[str]:
    """ABC of the accounts by revenue won by the cutoff, in CNY at the demo rates."""
    cutoff = opts.cutoff or max(o.last_change for o in opportunities)
    won = won_deals(snapshots(opportunities, as_of=cutoff), cutoff)
    revenue = figures(won, "revenue", currency=DEMO_CURRENCY, rates=DEMO_RATES)
    measure = Text(f"won revenue ({DEMO_CURRENCY})", f"成交金额（{DEMO_CURRENCY}）")
    return abc_classify(revenue, measure=measure)


#: The names of the demo's ABC tables, for ``--table``.
DEMO_TABLES = ("abc-accounts", "abc-classes")


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
        help=command_help("abc"),
        description=tr(
            "Classify the accounts of a file of opportunities A, B, C by their won "
            "deals: by revenue (won amount), profit (a profit column or fact, else the "
            "won amount times --margin) or volume (number of won deals), at fixed "
            "thresholds or by computed ABC analysis. Several criteria at once give "
            "each account a code such as AB. A plain customer-value CSV file (two "
            "columns, such as customer,spend) is classified by its values. --format json "
            "prints one salesfunnel/abc-report document.",
            "按成交商机把商机文件中的客户分为 A、B、C 类：按收入（成交金额）、利润（利润列或事实，"
            "否则为成交金额乘以 --margin）或数量（成交商机数），按固定阈值或计算式 ABC 分析。"
            "同时用多个标准时每个客户得到 AB 这样的代码。也可直接读取两列的客户数值 CSV 文件"
            "（例如 customer,spend）。--format json 输出一个 salesfunnel/abc-report 文档。",
        ),
        epilog=tr("example", "示例")
        + ": salesfunnel abc deals.csv --by revenue,volume --currency CNY --rates rates.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        help=tr(
            "opportunities (.csv or .json), or a customer-value CSV file (customer,value)",
            "商机文件（.csv 或 .json），或客户数值 CSV 文件（customer,value）",
        ),
    )
    add_common(parser)
    parser.add_argument(
        "--input",
        choices=("auto", "deals", "values"),
        default="auto",
        help=tr(
            "what FILE holds: deals, or values (customer,value); auto tells them by the header "
            "(two columns without id: values) (default: auto)",
            "FILE 的内容：deals（商机）或 values（客户,数值）；auto 按表头判断"
            "（两列且没有 id 即为 values）（默认：auto）",
        ),
    )
    parser.add_argument(
        "--by",
        type=_criteria,
        default=("revenue",),
        metavar="CRITERIA",
        help=tr(
            "revenue, profit or volume, or several joined by commas (default: revenue)",
            "revenue、profit 或 volume，或用逗号连接多个（默认：revenue）",
        ),
    )
    parser.add_argument(
        "--method",
        choices=("fixed", "computed"),
        default="fixed",
        help=tr(
            "fixed thresholds or computed ABC (Ultsch and Lötsch) (default: fixed)",
            "固定阈值或计算式 ABC（Ultsch 与 Lötsch）（默认：fixed）",
        ),
    )
    parser.add_argument(
        "--thresholds",
        type=_thresholds,
        default=None,
        metavar="T1,T2",
        help=tr(
            "fixed thresholds (default: 0.8,0.95 by value, 0.2,0.5 by count)",
            "固定阈值（默认：按数值 0.8,0.95，按个数 0.2,0.5）",
        ),
    )
    parser.add_argument(
        "--basis",
        choices=("value", "count"),
        default="value",
        help=tr(
            "thresholds as shares of the total (value) or of the accounts (count)",
            "阈值为总额的比例（value）或客户数的比例（count）",
        ),
    )
    parser.add_argument(
        "--boundary",
        choices=("before", "inclusive"),
        default="before",
        help=tr(
            "the account crossing a threshold stays in the better class (before) "
            "or moves down (inclusive) (default: before)",
            "跨过阈值的客户留在较好的类别（before）或降一类（inclusive）（默认：before）",
        ),
    )
    parser.add_argument(
        "--keep-ties",
        action="store_true",
        help=tr("never split accounts with equal figures", "数值相同的客户不拆分到不同类别"),
    )
    parser.add_argument(
        "--margin",
        type=_margin,
        default=None,
        help=tr(
            "profit as this share of the won amount, for deals without a profit value",
            "没有利润值的商机按成交金额的此比例计算利润",
        ),
    )
    add_rates_options(parser)
    parser.add_argument(
        "--top",
        type=int,
        default=None,
        metavar="N",
        help=tr("list only the first N accounts", "只列出前 N 个客户"),
    )
    add_reading_options(parser)
    parser.set_defaults(command="abc")
