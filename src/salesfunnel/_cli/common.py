"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

import attrs

from salesfunnel.i18n import Lang
from salesfunnel.render import FORMATS, Format, Table, render

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["EXIT_DATA", "EXIT_OK", "EXIT_USAGE", "Options", "add_common", "emit", "options"]

#: Exit status: success.
EXIT_OK = 0
#: Exit status: the data had problems.
EXIT_DATA = 1
#: Exit status: the command line was wrong.
EXIT_USAGE = 2


@attrs.frozen
class Options:
    """The options every subcommand understands."""

    fmt: Format = "text"
    lang: Lang = "en"
    cutoff: date | None = None


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        msg = f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-09-30"
        raise argparse.ArgumentTypeError(msg) from None


def add_common(parser: argparse.ArgumentParser) -> None:
    """Add ``--format``, ``--lang`` and ``--cutoff`` to ``parser``."""
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=FORMATS,
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "--lang", choices=("en", "zh"), default="en", help="label language (default: en)"
    )
    parser.add_argument(
        "--cutoff",
        type=_iso_date,
        default=None,
        metavar="DATE",
        help="reporting cutoff date, YYYY-MM-DD (default: the data's as-of date)",
    )


def options(args: argparse.Namespace) -> Options:
    """Build :class:`Options` from parsed arguments."""
    return Options(fmt=args.fmt, lang=args.lang, cutoff=args.cutoff)


def emit(tables: Sequence[Table], opts: Options) -> None:
    """Print ``tables`` in the chosen format (JSON: one array of tables)."""
    if opts.fmt == "json":
        parts = ",\n".join(render(t, "json") for t in tables)
        sys.stdout.write(f"[\n{parts}\n]\n")
        return
    sys.stdout.write("\n\n".join(render(t, opts.fmt) for t in tables) + "\n")
