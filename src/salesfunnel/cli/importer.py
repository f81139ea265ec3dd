"""``salesfunnel import``: read a CRM export (and its stage history) into salesfunnel's files.

``salesfunnel import --preset salesforce Opportunities.csv --history
OpportunityHistory.csv --tz UTC -o deals.csv --events events.csv`` reads the
export through the preset (or the mapping options), checks every row, and
writes the opportunities file and, when there are histories, the events
file. Nothing is written when any row has a problem: every problem is listed
and the exit status is 1.

The export's own stage names are mapped with ``--stage-map 'Proposal/Price
Quote=recognition'`` onto the default funnel, or kept with ``--stages
'Prospecting,Qualification,...,Closed Won' --won 'Closed Won' --lost 'Closed
Lost'`` (a funnel built with :meth:`~salesfunnel.Funnel.from_stage_names`), or
``--funnel funnel.json`` (see :mod:`salesfunnel.cli.funnel_options`); the
other commands read the written files with the same options.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from salesfunnel.cli.commands import command_help
from salesfunnel.cli.common import EXIT_OK, UsageError, add_common, guard, require_file, working
from salesfunnel.cli.funnel_options import funnel_from_args
from salesfunnel.cli.mapping_options import mapping_from_args
from salesfunnel.cli.messages import tr
from salesfunnel.cli.reading import add_reading_options
from salesfunnel.io import read_csv, write_csv, write_json

# The module is named importer because "import" is a keyword; the command is "import".
COMMAND = "import"


def run(args: argparse.Namespace) -> int:
    """Read the export, write the files; return the exit status."""
    return guard(COMMAND, lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    require_file(args.file)
    require_file(args.history)
    as_json = args.output.lower().endswith(".json")
    if not as_json and not args.output.lower().endswith(".csv"):
        raise UsageError("unsupported_file", path=args.output)
    mapped = mapping_from_args(args)
    funnel = funnel_from_args(args)
    deals = working(
        tr(f"reading {Path(args.file).name}", f"正在读取 {Path(args.file).name}"),
        lambda: read_csv(
            args.file,
            funnel=funnel,
            history=args.history,
            encoding=args.encoding,
            ignore=args.ignore,
            mapping=None if mapped is None else mapped[0],
            preset=None if mapped is None else mapped[1],
        ),
    )
    if args.cutoff is not None:
        from salesfunnel.analytics.conversion import snapshots  # noqa: PLC0415

        deals = tuple(snapshots(deals, funnel, as_of=args.cutoff))
    if as_json:
        write_json(deals, args.output)
    else:
        write_csv(deals, args.output, events=args.events, drop_history=args.drop_history)
    events = f" {tr('and', '和')} {args.events}" if args.events and not as_json else ""
    print(
        tr(
            f"imported {len(deals)} opportunities into {args.output}{events}",
            f"已将 {len(deals)} 个商机导入 {args.output}{events}",
        ),
        file=sys.stderr,
    )
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import`` subcommand."""
    parser = sub.add_parser(
        COMMAND,
        help=command_help(COMMAND),
        description=tr(
            "Read a CRM export through a preset or the mapping options, check every\n"
            "row, and write salesfunnel's opportunities file (and the events file with\n"
            "the histories); -o FILE.json writes one JSON document instead. With\n"
            "--cutoff, the deals as they stood at the end of that day. Nothing is\n"
            "written when a row has a problem.\n"
            "Exit status: 0 written, 1 data problems, 2 usage error.",
            "通过预设或映射选项读取 CRM 导出文件，检查每一行，写出 salesfunnel 的商机文件\n"
            "（以及包含历史的事件文件）；-o FILE.json 则写出一个 JSON 文档。指定 --cutoff 时\n"
            "写出商机在当天结束时的状态。任何一行有问题时不写任何文件。\n"
            "退出状态：0 已写出，1 数据有问题，2 用法错误。",
        ),
        epilog=tr("example", "示例")
        + ": salesfunnel import --preset pipedrive deals-export.csv --tz UTC "
        "--stage-map 'Qualified=potential' -o deals.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file", metavar="FILE", help=tr("the CRM's CSV export", "CRM 的 CSV 导出文件")
    )
    parser.add_argument(
        "--history",
        metavar="FILE",
        default=None,
        help=tr("a stage-history table to read too", "同时读取的阶段历史表"),
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help=tr(
            "the opportunities file to write (.csv, or .json for one JSON document)",
            "要写出的商机文件（.csv，或 .json 写出一个 JSON 文档）",
        ),
    )
    parser.add_argument(
        "--events",
        metavar="FILE",
        default=None,
        help=tr("the events file to write the histories to", "写出历史的事件文件"),
    )
    parser.add_argument(
        "--drop-history",
        action="store_true",
        help=tr(
            "write the current state only, without an events file, even with histories",
            "只写出当前状态，即使有历史也不写事件文件",
        ),
    )
    add_common(
        parser,
        output=False,
        cutoff_help=tr(
            "YYYY-MM-DD: write the deals as they stood at the end of that day (default: as "
            "exported)",
            "YYYY-MM-DD：写出商机在当天结束时的状态（默认：按导出内容）",
        ),
    )
    add_reading_options(parser, events=False)
    parser.set_defaults(command=COMMAND)
