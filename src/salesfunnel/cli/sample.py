"""``salesfunnel sample DIR``: write the bundled sample as files, to try every command on.

Writes ``deals.csv`` and ``events.csv`` (the sample pipeline with its
histories, :func:`salesfunnel.datasets.sample_pipeline`), ``deals.json`` (the
same as one JSON document) and ``rates.csv`` (its exchange rates into CNY,
columns ``date,currency,rate``), and prints commands to try. Each file is
written atomically (:func:`salesfunnel.io._atomic.atomic_write`).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import IO

from salesfunnel.cli.commands import command_help
from salesfunnel.cli.common import EXIT_OK, UsageError, guard
from salesfunnel.cli.messages import tr
from salesfunnel.datasets import SAMPLE_AS_OF, SAMPLE_RATES, sample_pipeline
from salesfunnel.io import write_csv, write_json
from salesfunnel.io._atomic import atomic_write

FILES = ("deals.csv", "events.csv", "deals.json", "rates.csv")


def run(args: argparse.Namespace) -> int:
    """Write the sample files; return the exit status."""
    return guard("sample", lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    target = Path(args.dir)
    if target.exists() and not target.is_dir():
        raise UsageError("not_a_directory", path=target)
    clash = [name for name in FILES if (target / name).exists()]
    if clash and not args.force:
        raise UsageError("files_exist", path=target, names=", ".join(clash))
    target.mkdir(parents=True, exist_ok=True)
    deals = sample_pipeline()
    write_csv(deals, target / "deals.csv", events=target / "events.csv")
    write_json(deals, target / "deals.json")
    atomic_write(target / "rates.csv", _write_rates, encoding="utf-8", newline="")
    deals_csv = target / "deals.csv"
    print(f"wrote {', '.join(FILES)} to {target}; try:")
    print(f"  salesfunnel validate {deals_csv} --events {target / 'events.csv'}")
    print(
        f"  salesfunnel forecast {deals_csv} --events {target / 'events.csv'} "
        f"--cutoff {SAMPLE_AS_OF} --currency CNY --rates {target / 'rates.csv'}"
    )
    return EXIT_OK


def _write_rates(handle: IO[str]) -> None:
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(("date", "currency", "rate", "quote"))
    writer.writerows(
        (r.on.isoformat(), r.base, format(r.rate, "f"), r.quote) for r in SAMPLE_RATES.rates
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sample`` subcommand."""
    parser = sub.add_parser(
        "sample",
        help=command_help("sample"),
        description=tr(
            "Write the bundled sample (deals.csv, events.csv, deals.json and\n"
            "rates.csv) into DIR, so that every command can be tried on files.",
            "把自带的样本（deals.csv、events.csv、deals.json 和 rates.csv）写入 DIR，\n"
            "以便在文件上试用每个命令。",
        ),
        epilog=tr("example", "示例")
        + ": salesfunnel sample ./sample && salesfunnel validate sample/deals.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "dir", metavar="DIR", help=tr("the directory to write into", "要写入的文件夹")
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=tr("overwrite files that exist", "覆盖已存在的文件"),
    )
    parser.set_defaults(command="sample")
