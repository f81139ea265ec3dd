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
from pathlib import Path

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
)
from salesfunnel.cli.funnel_options import add_funnel_options, funnel_from_args
from salesfunnel.cli.mapping_options import add_mapping_options, mapping_from_args
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.io import (
    DataFileError,
    Problem,
    UnsupportedFileError,
    read_csv,
    read_opportunities,
)
from salesfunnel.render import Table

ORDER = 90

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


def _table(file: str, problems: list[Problem], records: int, opts: Options) -> Table:
    zh = opts.lang == "zh"
    rows = [(p.file, p.row, p.column, p.value, p.why, p.fix) for p in problems]
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
    require_file(file)
    require_file(args.events)
    mapped, funnel = mapping_from_args(args), funnel_from_args(args)
    if mapped is not None and not file.lower().endswith(".csv"):
        raise UsageError(f"{file}: the mapping options read CSV files only")
    try:
        result = working(
            f"reading {Path(file).name}",
            lambda: (
                read_opportunities(
                    file,
                    events=args.events,
                    funnel=funnel,
                    encoding=args.encoding,
                    ignore=args.ignore or (),
                    lenient=True,
                )
                if mapped is None
                else read_csv(
                    file,
                    events=args.events,
                    funnel=funnel,
                    encoding=args.encoding,
                    ignore=args.ignore or (),
                    lenient=True,
                    mapping=mapped[0],
                    preset=mapped[1],
                )
            ),
        )
        records, problems = result.records, list(result.problems)
    except UnsupportedFileError as err:
        raise UsageError(str(err)) from None
    except DataFileError as err:
        records, problems = (), list(err.problems)
    # The reader checks a CSV file's deals against the funnel; a JSON document names
    # none, so its deals are checked here. Deals with such problems are not good records.
    for found in (
        funnel_problems(records, funnel, file) if file.lower().endswith(".json") else [],
        _after_cutoff(records, opts, file),
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
        emit_json(doc)
    else:
        emit([_table(file, problems, len(records), opts)], opts)
    return EXIT_DATA if problems else EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` subcommand."""
    parser = sub.add_parser(
        "validate",
        help="check a CSV or JSON file of opportunities and list every problem",
        description=(
            "Check a .csv file (with an optional events file) or a .json document of\n"
            "opportunities and print every problem: file, row, column, value, why and\n"
            "the fix. With --cutoff, changes dated after it are problems too; with\n"
            "--stages or --funnel, the deals are checked against that funnel.\n"
            "Exit status: 0 clean, 1 problems found, 2 usage error."
        ),
        epilog="example: salesfunnel validate deals.csv --events events.csv --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="the .csv or .json file to check")
    parser.add_argument(
        "--events", metavar="FILE", default=None, help="the CSV events file with the histories"
    )
    parser.add_argument(
        "--encoding",
        default="utf-8",
        help="the files' encoding (default: utf-8, with or without a byte-order mark)",
    )
    parser.add_argument(
        "--ignore",
        metavar="COLUMN",
        action="append",
        help="a CSV column to skip on purpose (repeat for several)",
    )
    add_funnel_options(parser)
    add_mapping_options(parser)
    add_common(
        parser,
        cutoff_help="YYYY-MM-DD: changes dated after this day are problems too "
        "(default: no such check)",
    )
    parser.set_defaults(command="validate")
