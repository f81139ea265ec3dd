"""Options and helpers shared by the subcommands.

Every subcommand takes ``--format``, ``--lang`` and ``--cutoff``
(:func:`add_common`), prints tables with :func:`emit` or one JSON document
with :func:`emit_json`, and exits 0 on success, 1 on data problems and 2 on
usage errors. A :class:`UsageError` raised inside :func:`guard` becomes exit
status 2; library errors (:class:`~salesfunnel.FunnelError`) are data
problems, exit status 1. Work that can take more than a second shows a
:class:`Progress` line on stderr when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

import attrs

from salesfunnel.errors import InvalidOpportunityError, UnknownStageError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.fx import ExchangeRates
from salesfunnel.i18n import Lang
from salesfunnel.render import FORMATS, Format, Table, render, restore_cell, strip_controls

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

    from typing_extensions import Self

    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.funnel.stages import Funnel
    from salesfunnel.io.mapping import ImportMapping
    from salesfunnel.io.problems import Problem

__all__ = [
    "CUTOFF_RANGE",
    "DEMO_CURRENCY",
    "DEMO_RATES",
    "EXIT_DATA",
    "EXIT_OK",
    "EXIT_USAGE",
    "ISO_DATE",
    "Options",
    "Progress",
    "UsageError",
    "add_common",
    "decimal_text",
    "emit",
    "emit_json",
    "funnel_problems",
    "guard",
    "one_line",
    "options",
    "read_csv_rows",
    "read_deals",
    "require_file",
    "working",
]

T = TypeVar("T")

#: The reporting currency of the demo.
DEMO_CURRENCY = "CNY"

#: A small, fixed set of dated USD and EUR rates into CNY for the demo, one per
#: quarter (illustrative values, not market data); every demo section uses them.
DEMO_RATES = ExchangeRates.to(
    DEMO_CURRENCY,
    {
        date(2024, 1, 1): {"USD": "7.10", "EUR": "7.80"},
        date(2025, 1, 1): {"USD": "7.30", "EUR": "7.60"},
        date(2025, 4, 1): {"USD": "7.26", "EUR": "7.85"},
        date(2025, 7, 1): {"USD": "7.17", "EUR": "8.40"},
        date(2025, 10, 1): {"USD": "7.12", "EUR": "8.33"},
        date(2026, 1, 1): {"USD": "7.05", "EUR": "8.20"},
        date(2026, 4, 1): {"USD": "7.00", "EUR": "8.05"},
        date(2026, 7, 1): {"USD": "6.98", "EUR": "8.10"},
    },
)

#: Exit status: success.
EXIT_OK = 0
#: Exit status: the data had problems.
EXIT_DATA = 1
#: Exit status: the command line was wrong.
EXIT_USAGE = 2


class UsageError(Exception):
    """A command-line problem found after parsing: exit status 2.

    Not a :class:`~salesfunnel.FunnelError`: it never leaves a subcommand,
    whose :func:`guard` prints it and returns :data:`EXIT_USAGE`.
    """


@attrs.frozen
class Options:
    """The options every subcommand understands."""

    fmt: Format = "text"
    lang: Lang = "en"
    cutoff: date | None = None


#: A date as the command line writes it: ISO ``YYYY-MM-DD`` in ASCII digits.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)

#: The cutoffs the command line accepts: the years of the fiscal calendars,
#: with a year to spare on either side for the periods around a cutoff.
CUTOFF_RANGE = (date(1900, 1, 1), date(9997, 12, 31))


def _iso_date(text: str) -> date:
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)  # noqa: TRY301  (one message below)
        value = date.fromisoformat(text)
    except ValueError:
        msg = f"{text[:40]!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-09-30"
        raise argparse.ArgumentTypeError(msg) from None
    first, last = CUTOFF_RANGE
    if not first <= value <= last:
        msg = f"{text!r} is out of range; give a date from {first} to {last}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _format_name(text: str) -> str:
    """The format a name means: ``md`` is ``markdown``."""
    return "markdown" if text == "md" else text


def add_common(parser: argparse.ArgumentParser, *, cutoff_help: str | None = None) -> None:
    """Add ``--format``, ``--lang`` and ``--cutoff`` (described by ``cutoff_help``) to ``parser``."""
    parser.add_argument(
        "--format",
        dest="fmt",
        type=_format_name,
        choices=FORMATS,
        default="text",
        help="output format: aligned text tables (default), markdown (or md), html, csv, or one "
        "JSON document for scripts (see the command-line docs)",
    )
    parser.add_argument(
        "--lang", choices=("en", "zh"), default="en", help="label language (default: en)"
    )
    parser.add_argument(
        "--cutoff",
        type=_iso_date,
        default=None,
        metavar="DATE",
        help=cutoff_help
        or "reporting cutoff date, YYYY-MM-DD: the data as it stood at the end of that "
        "day (default: the data's latest change)",
    )


def add_events_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--events CSV``: the events file that holds the deals' histories."""
    parser.add_argument(
        "--events", metavar="CSV", default=None, help="events file with the deals' histories"
    )


def add_currency_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--currency CODE`` and ``--rates CSV``: the reporting currency and its rates."""
    parser.add_argument(
        "--currency", default=None, help="reporting currency, e.g. CNY (default: the data's one)"
    )
    parser.add_argument(
        "--rates",
        metavar="CSV",
        default=None,
        help="exchange rates file with columns date,currency,rate (into --currency)",
    )


def options(args: argparse.Namespace) -> Options:
    """Build :class:`Options` from parsed arguments."""
    return Options(fmt=args.fmt, lang=args.lang, cutoff=args.cutoff)


def emit(tables: Sequence[Table], opts: Options) -> None:
    r"""Print ``tables`` in the chosen format, separated by blank lines.

    Every format is made safe by :func:`~salesfunnel.render.render` (the
    formula guard of CSV cells, HTML escaped in Markdown, no control
    characters in text); CSV has ``\r\n`` line ends. The subcommands print
    their own JSON document with :func:`emit_json`; here ``json`` gives an
    array of the tables (title, columns, rows).
    """
    if opts.fmt == "json":
        parts = ",\n".join(render(t, "json") for t in tables)
        sys.stdout.write(f"[\n{parts}\n]\n")
        return
    if opts.fmt == "csv":
        _write_untranslated("\r\n\r\n".join(render(t, "csv") for t in tables) + "\r\n")
        return
    sys.stdout.write("\n\n".join(render(t, opts.fmt) for t in tables) + "\n")


def _write_untranslated(text: str) -> None:
    r"""Write ``text`` on stdout with its ``\r\n`` line ends as they are.

    A text stdout may translate ``\n`` (into ``\r\n`` on Windows, giving
    ``\r\r\n``); its byte buffer, where there is one, does not.
    """
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(text)
        return
    out.flush()
    buffer.write(text.encode(out.encoding or "utf-8", out.errors or "strict"))
    buffer.flush()


def decimal_text(value: Decimal) -> str:
    """Write an exact decimal for JSON: plain notation, never an exponent (``"0.0000"``)."""
    return format(value, "f")


def emit_json(doc: Mapping[str, object]) -> None:
    """Print one JSON document (UTF-8 text as is, indented) on stdout."""
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def one_line(text: str) -> str:
    """``text`` on one line: each run of white space (line breaks too) becomes one space."""
    return " ".join(text.split())


def guard(command: str, work: Callable[[], int]) -> int:
    """Run ``work``; a :class:`UsageError` is printed (one line) and gives exit status 2."""
    try:
        return work()
    except UsageError as err:
        print(f"salesfunnel {command}: {strip_controls(one_line(str(err)))}", file=sys.stderr)
        return EXIT_USAGE


def require_file(path: str | None) -> None:
    """Raise :class:`UsageError` unless ``path`` is ``None`` or an existing file."""
    if path is not None and not Path(path).is_file():
        what = "is a directory, not a file" if Path(path).is_dir() else "no such file"
        raise UsageError(f"{path}: {what}")


def read_csv_rows(path: str) -> tuple[list[str], list[dict[str, str]]]:
    """Read a small CSV file of the command line (rates, a profit column): its header and rows.

    Decoded as the readers of the library decode (UTF-8, with or without a
    byte-order mark), so a file in another encoding is a
    :class:`~salesfunnel.io.FileEncodingError` naming it, not a traceback;
    the formula guard ``'`` comes off as there
    (:func:`~salesfunnel.render.restore_cell`). A row shorter than the
    header has ``""`` in its missing cells.

    Raises:
        FileEncodingError: For a file that is not UTF-8 text.
        DataFileError: For malformed CSV quoting, naming the row.
    """
    import csv  # noqa: PLC0415
    import io  # noqa: PLC0415

    from salesfunnel.io import DataFileError, Problem  # noqa: PLC0415
    from salesfunnel.io._columns import read_text  # noqa: PLC0415

    name, text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        header = [restore_cell(c) for c in header]
        rows = [
            dict(zip(header, [*map(restore_cell, cells), *[""] * len(header)], strict=False))
            for cells in reader
        ]
    except csv.Error as err:
        why = f"the CSV text is malformed ({err})"
        fix = 'write a cell with a comma, quote or line break in "double quotes"'
        raise DataFileError(name, [Problem(name, reader.line_num, None, None, why, fix)]) from None
    return header, rows


def read_deals(
    path: str,
    *,
    events: str | None = None,
    ignore: Collection[str] = (),
    encoding: str = "utf-8",
    mapped: tuple[ImportMapping, str | None] | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
) -> tuple[Opportunity, ...]:
    """Read a ``.csv`` (with its events file) or ``.json`` file of opportunities.

    ``mapped`` is the import mapping of the command line's mapping options
    (:func:`salesfunnel.cli.mapping_options.mapping_from_args`), for a CSV
    export in another layout; ``funnel`` the funnel of its funnel options
    (:func:`salesfunnel.cli.funnel_options.funnel_from_args`), whose stages
    the deals must be in.

    Raises:
        UsageError: For a file that does not exist or whose kind cannot be
            told from its name.
        DataFileError: For a file with problems, including deals in stages
            the funnel does not have (a data problem, exit 1).
    """
    from salesfunnel.io import (  # noqa: PLC0415
        DataFileError,
        UnsupportedFileError,
        read_csv,
        read_opportunities,
    )

    require_file(path)
    require_file(events)
    if mapped is not None:
        if not path.lower().endswith(".csv"):
            raise UsageError(f"{path}: the mapping options read CSV files only")
        return working(
            f"reading {Path(path).name}",
            lambda: read_csv(
                path,
                events=events,
                funnel=funnel,
                ignore=ignore,
                encoding=encoding,
                mapping=mapped[0],
                preset=mapped[1],
            ),
        )
    try:
        found = working(
            f"reading {Path(path).name}",
            lambda: read_opportunities(
                path, events=events, funnel=funnel, ignore=ignore, encoding=encoding
            ),
        )
    except UnsupportedFileError as err:
        raise UsageError(str(err)) from None
    problems = funnel_problems(found, funnel, path) if path.lower().endswith(".json") else []
    if problems:
        raise DataFileError(path, problems)
    return found


def funnel_problems(
    opportunities: Iterable[Opportunity], funnel: Funnel, file: str
) -> list[Problem]:
    """A problem for each opportunity that ``funnel`` does not accept (see :meth:`Funnel.check`).

    The CSV reader checks each deal against the funnel as it reads; a JSON
    document of opportunities names no funnel, so its deals are checked here.
    """
    from salesfunnel.io import Problem  # noqa: PLC0415

    fix = "read the file with the funnel of its stages (--stages or --funnel)"
    out = []
    for opp in opportunities:
        try:
            funnel.check(opp)
        except UnknownStageError as err:  # noqa: PERF203  (every deal is checked)
            why = f"opportunity {opp.id!r} is in {err}"
            out.append(Problem(file, None, "stage", str(err.key), why, fix, opp.id))
        except InvalidOpportunityError as err:
            out.append(Problem(file, None, err.field, opp.stage, str(err), fix, opp.id))
    return out


class Progress:
    """A progress line on stderr for work that takes more than a second.

    Shown only when the stream is a terminal (never in pipes, files or CI
    logs), and only once the work has run for ``delay`` seconds, so quick
    commands print nothing extra. Use as a context manager and call
    :meth:`update` as work advances; with ``total=None`` the line shows the
    time spent instead of a percentage.
    """

    def __init__(
        self,
        label: str,
        total: int | None,
        *,
        stream: TextIO | None = None,
        delay: float = 1.0,
    ) -> None:
        self.label = label
        self.total = None if total is None else max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.shown = False
        self._line = ""
        self._start = time.monotonic()
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def __enter__(self) -> Self:
        """Start the clock."""
        self._start = time.monotonic()
        return self

    def update(self, done: int = 0) -> None:
        """Report that ``done`` of ``total`` items are finished (or that work goes on)."""
        elapsed = time.monotonic() - self._start
        if not self._tty or elapsed < self.delay:
            return
        if self.total is None:
            line = f"\r{self.label} … {elapsed:.0f}s"
        else:
            line = f"\r{self.label}: {done * 100 // self.total:3d}% ({done}/{self.total})"
        if line != self._line:
            self.shown = True
            self._line = line
            self.stream.write(line)
            self.stream.flush()

    def __exit__(self, *_exc: object) -> None:
        """Clear the progress line if one was shown."""
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def working(
    label: str,
    work: Callable[[], T],
    *,
    stream: TextIO | None = None,
    delay: float = 1.0,
    tick: float = 0.2,
) -> T:
    """Run ``work`` and return its result, showing a progress line while it runs.

    On a terminal the work runs in a helper thread while this one updates an
    elapsed-time :class:`Progress` line every ``tick`` seconds (after
    ``delay``); elsewhere it simply runs. An exception of ``work`` is
    raised here.
    """
    out = stream if stream is not None else sys.stderr
    if not bool(getattr(out, "isatty", lambda: False)()):
        return work()
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(work())
        except BaseException as err:  # noqa: BLE001  (re-raised in the calling thread)
            failure.append(err)

    thread = threading.Thread(target=target, name="salesfunnel-work", daemon=True)
    with Progress(label, None, stream=out, delay=delay) as progress:
        thread.start()
        while thread.is_alive():
            thread.join(tick)
            progress.update()
    if failure:
        raise failure[0]
    return outcome[0]
