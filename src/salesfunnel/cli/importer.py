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

from salesfunnel.cli.common import EXIT_OK, guard, require_file, working
from salesfunnel.cli.funnel_options import add_funnel_options, funnel_from_args
from salesfunnel.cli.mapping_options import add_mapping_options, mapping_from_args
from salesfunnel.io import read_csv, write_csv

ORDER = 80
# The module is named importer because "import" is a keyword; the command is "import".
COMMAND = "import"


def run(args: argparse.Namespace) -> int:
    """Read the export, write the files; return the exit status."""
    return guard(COMMAND, lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    require_file(args.file)
    require_file(args.history)
    mapped = mapping_from_args(args)
    funnel = funnel_from_args(args)
    deals = working(
        f"reading {Path(args.file).name}",
        lambda: read_csv(
            args.file,
            funnel=funnel,
            history=args.history,
            encoding=args.encoding,
            mapping=None if mapped is None else mapped[0],
            preset=None if mapped is None else mapped[1],
        ),
    )
    write_csv(deals, args.output, events=args.events, drop_history=args.drop_history)
    events = f" and {args.events}" if args.events else ""
    print(f"imported {len(deals)} opportunities into {args.output}{events}", file=sys.stderr)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import`` subcommand."""
    parser = sub.add_parser(
        COMMAND,
        help="read a CRM export (Salesforce, HubSpot, Pipedrive, Odoo, or mapped) into CSV files",
        description=(
            "Read a CRM export through a preset or the mapping options, check every\n"
            "row, and write salesfunnel's opportunities file (and the events file with\n"
            "the histories). Nothing is written when a row has a problem.\n"
            "Exit status: 0 written, 1 data problems, 2 usage error."
        ),
        epilog=(
            "example: salesfunnel import --preset pipedrive deals-export.csv --tz UTC "
            "--stage-map 'Qualified=potential' -o deals.csv"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="the CRM's CSV export")
    parser.add_argument(
        "--history", metavar="FILE", default=None, help="a stage-history table to read too"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="the opportunities file to write"
    )
    parser.add_argument(
        "--events", metavar="FILE", default=None, help="the events file to write the histories to"
    )
    parser.add_argument(
        "--drop-history",
        action="store_true",
        help="write the current state only, without an events file, even with histories",
    )
    parser.add_argument(
        "--encoding", default="utf-8", help="the export's encoding (default: utf-8)"
    )
    add_funnel_options(parser)
    add_mapping_options(parser)
    parser.set_defaults(command=COMMAND)
