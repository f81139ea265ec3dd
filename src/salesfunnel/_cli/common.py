"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from typing import TYPE_CHECKING, TextIO

import attrs

from salesfunnel.i18n import Lang
from salesfunnel.render import FORMATS, Format, Table, render

if TYPE_CHECKING:
    from collections.abc import Sequence

    from typing_extensions import Self

__all__ = [
    "EXIT_DATA",
    "EXIT_OK",
    "EXIT_USAGE",
    "Options",
    "Progress",
    "add_common",
    "emit",
    "options",
]

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


class Progress:
    """A progress line on stderr for work that takes more than a second.

    Shown only when the stream is a terminal (never in pipes, files or CI
    logs), and only once the work has run for ``delay`` seconds, so quick
    commands print nothing extra. Use as a context manager and call
    :meth:`update` as work advances.
    """

    def __init__(
        self, label: str, total: int, *, stream: TextIO | None = None, delay: float = 1.0
    ) -> None:
        self.label = label
        self.total = max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.shown = False
        self._start = time.monotonic()
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def __enter__(self) -> Self:
        """Start the clock."""
        self._start = time.monotonic()
        return self

    def update(self, done: int) -> None:
        """Report that ``done`` of ``total`` items are finished."""
        if not self._tty or time.monotonic() - self._start < self.delay:
            return
        self.shown = True
        self.stream.write(f"\r{self.label}: {done * 100 // self.total:3d}% ({done}/{self.total})")
        self.stream.flush()

    def __exit__(self, *_exc: object) -> None:
        """Clear the progress line if one was shown."""
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
