"""``salesfunnel validate FILE``: print every problem in a data file.

Exit status 0 when the file is clean, 1 when it has problems, 2 when the
command line is wrong (including a file that does not exist or whose format
cannot be told from its name). ``--format json`` prints one stable object:

.. code-block:: json

    {"schema": "salesfunnel/validation", "version": 1, "file": "deals.csv",
     "events": null, "records": 598, "problems": [{"file": ..., "row": 3,
     "column": "amount", "value": "-5", "why": ..., "fix": ...,
     "opportunity_id": ...}]}
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from salesfunnel.cli.commands import command_help
from salesfunnel.cli.common import (
    EXIT_DATA,
    EXIT_OK,
    Options,
    UsageError,
    add_common,
    emit,
    emit_json,
    funnel_problems,
    guard,
    options,
    require_file,
    working,
    write_output,
)
from salesfunnel.cli.funnel_options import funnel_from_args
from salesfunnel.cli.mapping_options import mapping_from_args
from salesfunnel.cli.messages import tr
from salesfunnel.cli.reading import add_rates_options, add_reading_options, rates_from_args
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.i18n import pick
from salesfunnel.io import (
    DataFileError,
    Problem,
    read_csv,
    read_opportunities,
)
from salesfunnel.render import Table

if TYPE_CHECKING:
    from salesfunnel.fx import ExchangeRates

_HEADERS = {
    "en": ("file", "row", "column", "value", "problem", "fix"),
    "zh": ("文件", "行", "列", "值", "问题", "修改建议"),
}


def _after_cutoff(records: tuple[Opportunity, ...], opts: Options, file: str) -> list[Problem]:
    """Problems for changes dated after the cutoff (data from the future)."""
    if opts.cutoff is None:
        return []
    out = []
    for opp in records:
        latest = max(opp.last_change, opp.closed_on or opp.created)
        if latest > opts.cutoff:
            out.append(
                Problem(
                    file,
                    why=f"opportunity {opp.id!r} has a change dated {latest}, after the cutoff {opts.cutoff}",
                    fix="check the dates, or validate with a later --cutoff",
                    opportunity_id=opp.id,
                )
            )
    return out


def _missing_rates(
    records: tuple[Opportunity, ...], rates: ExchangeRates | None, currency: str | None, file: str
) -> list[Problem]:
    """Problems for deals in a currency that ``--rates`` cannot convert into ``--currency``."""
    if currency is None:
        return []
    known = set() if rates is None else rates.currencies
    return [
        Problem(
            file,
            None,
            "currency",
            o.currency,
            f"opportunity {o.id!r} is in {o.currency}, and --rates has no rate into {currency}",
            f"add a rate, e.g. --rates {o.currency}=VALUE",
            o.id,
        )
        for o in records
        if o.currency != currency and o.currency not in known
    ]


def summary_table(file: str, problems: list[Problem], opts: Options) -> Table:
    """The problems grouped by column and kind, with a count, most frequent first."""
    counts = Counter((p.column or "", p.text("why", opts.lang)) for p in problems)
    rows = [
        (column, why, count)
        for (column, why), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    headers = (
        pick("column", "列", opts.lang),
        pick("problem", "问题", opts.lang),
        pick("count", "数量", opts.lang),
    )
    return Table(
        pick(f"Problems in {file}, by kind", f"{file} 的问题（按类型）", opts.lang), headers, rows
    )


def clean_line(records: int, opts: Options) -> str:
    """The one line for a clean file: ``600 opportunities, no problems``."""
    plural = "y" if records == 1 else "ies"
    return pick(
        f"{records} opportunit{plural}, no problems", f"{records} 个商机，没有问题", opts.lang
    )


def _table(file: str, problems: list[Problem], records: int, opts: Options) -> Table:
    zh = opts.lang == "zh"
    rows = [
        (p.file, p.row, p.column, p.value, p.text("why", opts.lang), p.text("fix", opts.lang))
        for p in problems
    ]
    if zh:
        title = f"{file} 的数据问题"
        note = (
            f"{len(problems)} 个问题；{records} 条记录无误"
            if problems
            else f"没有问题；{records} 条记录"
        )
    else:
        title = f"Data problems in {file}"
        note = (
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''}; "
            f"{records} good record{'s' if records != 1 else ''}"
            if problems
            else f"no problems; {records} record{'s' if records != 1 else ''}"
        )
    return Table(title, _HEADERS[opts.lang], rows, note)


def run(args: argparse.Namespace) -> int:
    """Validate the file and print its problems; return the exit status."""
    return guard("validate", lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    opts = options(args)
    file: str = args.file
    rates = rates_from_args(args)
    require_file(file)
    require_file(args.events)
    mapped, funnel = mapping_from_args(args), funnel_from_args(args)
    is_csv = file.lower().endswith(".csv")
    if mapped is not None and not is_csv:
        raise UsageError("mapping_csv_only", path=file)
    if not is_csv and not file.lower().endswith(".json"):
        raise UsageError("unsupported_file", path=file)
    try:
        result = working(
            tr(f"checking {Path(file).name}", f"正在检查 {Path(file).name}"),
            lambda: (
                read_opportunities(
                    file,
                    events=args.events,
                    funnel=funnel,
                    encoding=args.encoding,
                    ignore=args.ignore,
                    lenient=True,
                )
                if mapped is None
                else read_csv(
                    file,
                    events=args.events,
                    funnel=funnel,
                    encoding=args.encoding,
                    ignore=args.ignore,
                    lenient=True,
                    mapping=mapped[0],
                    preset=mapped[1],
                )
            ),
        )
        records, problems = result.records, list(result.problems)
    except DataFileError as err:
        records, problems = (), list(err.problems)
    # The reader checks a CSV file's deals against the funnel; a JSON document names
    # none, so its deals are checked here. Deals with such problems are not good records.
    for found in (
        funnel_problems(records, funnel, file) if not is_csv else [],
        _after_cutoff(records, opts, file),
        _missing_rates(records, rates, args.currency, file),
    ):
        flagged = {p.opportunity_id for p in found}
        records = tuple(o for o in records if o.id not in flagged)
        problems += found
    if opts.fmt == "json":
        doc = {
            "schema": "salesfunnel/validation",
            "version": 1,
            "file": file,
            "events": args.events,
            "records": len(records),
            "problems": [p.as_dict() for p in problems],
        }
        emit_json(doc, opts)
    elif not problems and opts.fmt in ("text", "markdown") and opts.table is None:
        write_output(clean_line(len(records), opts) + "\n", opts.output)
    else:
        tables = [summary_table(file, problems, opts), _table(file, problems, len(records), opts)]
        emit(tables, opts, TABLES)
    return EXIT_DATA if problems else EXIT_OK


#: The names of the tables of ``validate``, for ``--table``.
TABLES = ("summary", "problems")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` subcommand."""
    parser = sub.add_parser(
        "validate",
        help=command_help("validate"),
        description=tr(
            "Check a .csv file (with an optional events file) or a .json document of\n"
            "opportunities and print every problem: first grouped by column and kind,\n"
            "with a count, then one a row with file, row, column, value, why and the\n"
            "fix; a clean file gets one line. With --cutoff, changes dated after it are\n"
            "problems too; with --stages or --funnel, the deals are checked against that\n"
            "funnel; with --currency, every deal needs a rate in --rates.\n"
            "Exit status: 0 clean, 1 problems found, 2 usage error.",
            "检查 .csv 文件（可带事件文件）或 .json 商机文档，列出所有问题：先按列和类型分组计数，\n"
            "再逐条列出文件、行、列、值、原因和修改建议；没有问题的文件只输出一行。\n"
            "指定 --cutoff 时，晚于该日期的变更也算问题；指定 --stages 或 --funnel 时按该漏斗检查；\n"
            "指定 --currency 时，每个商机都需要 --rates 中的汇率。\n"
            "退出状态：0 无问题，1 有问题，2 用法错误。",
        ),
        epilog=tr("example", "示例")
        + ": salesfunnel validate deals.csv --events events.csv --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        help=tr("the .csv or .json file to check", "要检查的 .csv 或 .json 文件"),
    )
    add_common(
        parser,
        cutoff_help=tr(
            "YYYY-MM-DD: changes dated after this day are problems too (default: no such check)",
            "YYYY-MM-DD：晚于该日期的变更也算问题（默认：不做此项检查）",
        ),
    )
    add_rates_options(parser)
    add_reading_options(parser)
    parser.set_defaults(command="validate")
