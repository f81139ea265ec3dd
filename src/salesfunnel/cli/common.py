"""Options and helpers shared by the subcommands.

Every subcommand takes ``--format``, ``--lang``, ``--cutoff``, ``-o/--output``
and ``--table`` (:func:`add_common`), prints tables with :func:`emit` or one
JSON document with :func:`emit_json` (on stdout, or atomically into the
``--output`` file, whose suffix gives the format unless ``--format`` does),
and exits 0 on success, 1 on data problems and 2 on usage errors. A
:class:`UsageError` raised inside :func:`guard` becomes exit status 2;
library errors (:class:`~salesfunnel.FunnelError`) are data problems, exit
status 1. Work that can take more than a second shows a
:class:`~salesfunnel.cli.progress.Progress` bar on stderr when stderr is a
terminal.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING

import attrs

from salesfunnel.cli.messages import Message, tr
from salesfunnel.cli.progress import Progress, working
from salesfunnel.datasets import SAMPLE_RATES
from salesfunnel.errors import InvalidOpportunityError, UnknownStageError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.i18n import Lang
from salesfunnel.render import (
    FORMATS,
    Format,
    Table,
    document,
    render,
    restore_cell,
    strip_controls,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

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
    "SUFFIX_FORMATS",
    "DataProblemError",
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

#: The reporting currency of the demo.
DEMO_CURRENCY = "CNY"

#: The demo's exchange rates into CNY: the sample's one set of rates
#: (:data:`salesfunnel.datasets.SAMPLE_RATES`), which the tutorial and the
#: notebook use too, so that all three show the same totals.
DEMO_RATES = SAMPLE_RATES

#: Exit status: success.
EXIT_OK = 0
#: Exit status: the data had problems.
EXIT_DATA = 1
#: Exit status: the command line was wrong.
EXIT_USAGE = 2

#: The output format an ``--output`` file's suffix gives.
SUFFIX_FORMATS: dict[str, Format] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".json": "json",
}


class UsageError(Exception):
    """A command-line problem found after parsing: exit status 2.

    Not a :class:`~salesfunnel.FunnelError`: it never leaves a subcommand,
    whose :func:`guard` prints it and returns :data:`EXIT_USAGE`. Its
    message is a key of :data:`~salesfunnel.cli.messages.MESSAGES` with its
    fields (``.message``), in the language of the command.
    """

    def __init__(self, key: str, **fields: object) -> None:
        self.message = Message(key, **fields)
        super().__init__(self.message.text())

    def __str__(self) -> str:
        """The message in the language of the command."""
        return self.message.text()


class DataProblemError(UsageError):
    """A problem with the data found by a subcommand (no deals, several currencies): exit status 1."""


@attrs.frozen
class Options:
    """The options every subcommand understands.

    Attributes:
        fmt: The output format.
        lang: The language of tables and messages.
        cutoff: The reporting cutoff, if given.
        output: The file to write instead of stdout (``-o``), if given.
        table: The one table to write (``--table``), if given.
    """

    fmt: Format = "text"
    lang: Lang = "en"
    cutoff: date | None = None
    output: str | None = None
    table: str | None = None


#: A date as the command line writes it: ISO ``YYYY-MM-DD`` in ASCII digits.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)

#: The cutoffs the command line accepts: the years of the fiscal calendars,
#: with a year to spare on either side for the periods around a cutoff.
CUTOFF_RANGE = (date(1900, 1, 1), date(9997, 12, 31))


def iso_date(text: str) -> date:
    """A date of the command line (``YYYY-MM-DD``, within :data:`CUTOFF_RANGE`).

    Raises:
        argparse.ArgumentTypeError: For anything else.
    """
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)  # noqa: TRY301  (one message below)
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(str(Message("not_a_date", text=text[:40]))) from None
    first, last = CUTOFF_RANGE
    if not first <= value <= last:
        msg = str(Message("date_range", text=text, first=first, last=last))
        raise argparse.ArgumentTypeError(msg)
    return value


def _format_name(text: str) -> str:
    """The format a name means: ``md`` is ``markdown``."""
    return "markdown" if text == "md" else text


def add_common(
    parser: argparse.ArgumentParser, *, cutoff_help: str | None = None, output: bool = True
) -> None:
    """Add ``--format``, ``--lang``, ``--cutoff``, ``-o/--output`` and ``--table`` to ``parser``.

    Without ``output`` only ``--lang`` and ``--cutoff`` (for a command that
    writes data files rather than reports).
    """
    if output:
        parser.add_argument(
            "--format",
            dest="fmt",
            type=_format_name,
            choices=FORMATS,
            default=None,
            help=tr(
                "output format: aligned text tables (default), markdown (or md), html (a whole "
                "document), csv (one table), or one JSON document for scripts (default: from "
                "the suffix of -o, else text)",
                "输出格式：对齐的文本表格（默认）、markdown（或 md）、html（完整网页）、csv"
                "（一张表），或供脚本使用的一个 JSON 文档（默认：按 -o 的后缀，否则为 text）",
            ),
        )
    parser.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help=tr(
            "language of tables and messages (default: en)", "表格与提示信息的语言（默认：en）"
        ),
    )
    parser.add_argument(
        "--cutoff",
        type=iso_date,
        default=None,
        metavar="DATE",
        help=cutoff_help
        or tr(
            "reporting cutoff date, YYYY-MM-DD: the data as it stood at the end of that "
            "day (default: the data's latest change)",
            "报告截止日期 YYYY-MM-DD：数据在当天结束时的状态（默认：数据中最近的变更日期）",
        ),
    )
    if not output:
        return
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=None,
        help=tr(
            "write the output into FILE (atomically) instead of stdout; its suffix (.txt, .md, "
            ".html, .csv, .json) gives the format unless --format does",
            "把输出（原子地）写入 FILE 而不是标准输出；除非指定 --format，否则按后缀"
            "（.txt、.md、.html、.csv、.json）确定格式",
        ),
    )
    parser.add_argument(
        "--table",
        metavar="NAME",
        default=None,
        help=tr(
            "write only the table NAME (the names are listed when a csv output has several)",
            "只输出名为 NAME 的表（csv 输出有多张表时会列出表名）",
        ),
    )


def output_format(given: str | None, output: str | None) -> Format:
    """The output format: ``--format`` if given, else from the ``-o`` file's suffix, else text.

    Raises:
        UsageError: For an ``-o`` file whose suffix names no format.
    """
    if given is not None:
        return _checked_format(given)
    if output is None:
        return "text"
    suffix = Path(output).suffix.lower()
    if suffix not in SUFFIX_FORMATS:
        raise UsageError("output_format", path=output, suffix=suffix)
    return SUFFIX_FORMATS[suffix]


def _checked_format(name: str) -> Format:
    return next(f for f in FORMATS if f == name)


def options(args: argparse.Namespace) -> Options:
    """Build :class:`Options` from parsed arguments.

    Raises:
        UsageError: For an ``-o`` file whose suffix names no format.
    """
    output = getattr(args, "output", None)
    return Options(
        fmt=output_format(args.fmt, output),
        lang=args.lang,
        cutoff=args.cutoff,
        output=output,
        table=getattr(args, "table", None),
    )


def _chosen(
    tables: Sequence[Table], names: Sequence[str] | None, opts: Options
) -> tuple[list[Table], list[str]]:
    """The tables to write, and their names: all of them, or the one ``--table`` names."""
    named = list(names) if names is not None else [f"table{i}" for i in range(1, len(tables) + 1)]
    if opts.table is None:
        return list(tables), named
    if opts.table not in named:
        raise UsageError("unknown_table", name=opts.table, names=", ".join(named))
    i = named.index(opts.table)
    return [tables[i]], [named[i]]


def emit(tables: Sequence[Table], opts: Options, names: Sequence[str] | None = None) -> None:
    r"""Write ``tables`` (called ``names``) in the chosen format, on stdout or into ``-o``.

    Every format is made safe by :func:`~salesfunnel.render.render` (the
    formula guard of CSV cells, HTML escaped, no control characters in text);
    text and Markdown group thousands (``21,838,722.00``). ``html`` is a
    whole document (:func:`~salesfunnel.render.document`). ``csv`` is one
    table with ``\r\n`` line ends: the one ``--table`` names, or the only
    one; with several and ``-o FILE.csv``, one file per table,
    ``FILE-NAME.csv``. The subcommands print their own JSON document with
    :func:`emit_json`; here ``json`` gives an array of the tables (title,
    columns, rows).

    Raises:
        UsageError: For ``--table`` naming no table, and for several
            tables in CSV on stdout.
    """
    tables, named = _chosen(tables, names, opts)
    if opts.fmt == "json":
        parts = ",\n".join(render(t, "json") for t in tables)
        write_output(f"[\n{parts}\n]\n", opts.output)
    elif opts.fmt == "csv":
        if len(tables) == 1:
            write_output(render(tables[0], "csv") + "\r\n", opts.output, untranslated=True)
        elif opts.output is None:
            raise UsageError("several_tables", count=len(tables), names=", ".join(named))
        else:
            base = Path(opts.output)
            for table, name in zip(tables, named, strict=True):
                path = base.with_name(f"{base.stem}-{name}{base.suffix}")
                write_output(render(table, "csv") + "\r\n", str(path), untranslated=True)
    elif opts.fmt == "html":
        write_output(document(tables, lang=opts.lang), opts.output)
    else:
        text = "\n\n".join(render(t, opts.fmt, thousands=True) for t in tables)
        write_output(text + "\n", opts.output)


def write_output(text: str, path: str | None, *, untranslated: bool = False) -> None:
    r"""Write ``text`` into the file ``path`` atomically, or on stdout when ``path`` is ``None``.

    A file is UTF-8 with its line ends as they are; on stdout, ``untranslated``
    keeps ``\r\n`` line ends (CSV) as they are too.

    Raises:
        OSError: When the file cannot be written (the previous one is intact).
    """
    if path is not None:
        from salesfunnel.io._atomic import atomic_write  # noqa: PLC0415  (io loads on first use)

        def write(handle: IO[str]) -> None:
            handle.write(text)

        atomic_write(path, write, encoding="utf-8", newline="")
    elif untranslated:
        _write_untranslated(text)
    else:
        sys.stdout.write(text)


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


def emit_json(doc: Mapping[str, object], opts: Options | None = None) -> None:
    """Write one JSON document (UTF-8 text as is, indented) on stdout or into ``-o``."""
    output = None if opts is None else opts.output
    write_output(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", output)


def one_line(text: str) -> str:
    """``text`` on one line: each run of white space (line breaks too) becomes one space."""
    return " ".join(text.split())


def guard(command: str, work: Callable[[], int]) -> int:
    """Run ``work``; a :class:`UsageError` is printed (one line) and gives exit status 2.

    A :class:`DataProblemError` is printed the same way and gives exit status 1.
    """
    try:
        return work()
    except UsageError as err:
        print(f"salesfunnel {command}: {strip_controls(one_line(str(err)))}", file=sys.stderr)
        return EXIT_DATA if isinstance(err, DataProblemError) else EXIT_USAGE


def require_file(path: str | None) -> None:
    """Raise :class:`UsageError` unless ``path`` is ``None`` or an existing file."""
    if path is not None and not Path(path).is_file():
        raise UsageError("is_a_directory" if Path(path).is_dir() else "no_such_file", path=path)


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
    from salesfunnel.io._csv_limit import lifted_limit  # noqa: PLC0415

    name, text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        with lifted_limit():
            header = [restore_cell(c) for c in next(reader, [])]
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
    the deals must be in. A CSV file in the plain layout shows a progress bar
    of its rows checked; anything else the time spent.

    Raises:
        UsageError: For a file that does not exist or whose kind cannot be
            told from its name.
        DataFileError: For a file with problems, including deals in stages
            the funnel does not have (a data problem, exit 1).
    """
    from salesfunnel.io import (  # noqa: PLC0415
        DataFileError,
        read_csv,
        read_opportunities,
    )

    require_file(path)
    require_file(events)
    name = Path(path).name
    is_csv = path.lower().endswith(".csv")
    if mapped is not None:
        if not is_csv:
            raise UsageError("mapping_csv_only", path=path)
        return working(
            tr(f"reading {name}", f"正在读取 {name}"),
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
    if is_csv:
        with Progress(tr(f"checking {name}", f"正在检查 {name}"), None) as bar:
            return read_csv(
                path,
                events=events,
                funnel=funnel,
                ignore=ignore,
                encoding=encoding,
                progress=bar.hook,
            )
    if not path.lower().endswith(".json"):
        raise UsageError("unsupported_file", path=path)
    found = working(
        tr(f"reading {name}", f"正在读取 {name}"),
        lambda: read_opportunities(path, funnel=funnel, encoding=encoding, ignore=ignore),
    )
    problems = funnel_problems(found, funnel, path)
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
