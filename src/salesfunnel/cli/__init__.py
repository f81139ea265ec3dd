"""The ``salesfunnel`` command, and its subcommands, one module each.

Each module defines ``ORDER`` (its place in ``--help`` and in the demo),
``register(subparsers)`` to add its subcommand, and may define
``demo_section(opportunities, options)`` returning the tables it contributes
to ``salesfunnel demo``. :func:`main` discovers them when the command
starts. Exit codes: 0 success, 1 data problems, 2 usage errors.

The command never shows a traceback for bad input: every error becomes one
line ``salesfunnel COMMAND: message`` on stderr (a usage error too, with a
pointer to ``--help``), and anything unexpected one line that suggests
``--debug``, the global flag (before or after the command) that prints the
traceback as well.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import pkgutil
import sys
import traceback
from types import ModuleType
from typing import TYPE_CHECKING, NoReturn

from salesfunnel import __version__
from salesfunnel.cli.common import EXIT_DATA, EXIT_USAGE, UsageError, one_line
from salesfunnel.errors import FunnelError
from salesfunnel.render import strip_controls

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["main"]


def _modules() -> list[ModuleType]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            found.append(module)
    return sorted(found, key=lambda m: (getattr(m, "ORDER", 99), m.__name__))


def _command(module: ModuleType) -> str:
    """The command a module runs: its ``COMMAND``, else its name (``import`` is a keyword)."""
    return str(getattr(module, "COMMAND", module.__name__.rsplit(".", 1)[-1]))


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line: ``salesfunnel CMD: message``."""

    def error(self, message: str) -> NoReturn:
        """Print the problem and where the options are described; exit 2."""
        self.exit(EXIT_USAGE, f"{self.prog}: {one_line(message)}; see {self.prog} --help\n")


_DEBUG_HELP = "show the traceback of an error (for a bug report)"

#: Exit status of an interrupted command (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


def build_parser(modules: Sequence[ModuleType]) -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand."""
    parser = _Parser(
        prog="salesfunnel",
        description="Sales-funnel management: stage gates, forecasts, pipeline maths, "
        "ABC analysis and key accounts.",
        epilog="example: salesfunnel demo",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in modules:
        module.register(sub)
    for command in {id(p): p for p in sub.choices.values()}.values():
        # after the command name too; SUPPRESS keeps a --debug given before it
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP
        )
    return parser


def _report(command: str, err: BaseException, *, debug: bool) -> int:
    """Print ``err`` as one line (after its traceback with ``debug``); return the exit status.

    A library error keeps the lines of its report when a file has several
    problems (one a line); every other message is one line. Control
    characters never reach the terminal
    (:func:`~salesfunnel.render.strip_controls`). A closed pipe (``| head``)
    is quiet.
    """
    if isinstance(err, BrokenPipeError) and not debug:
        # the reader went away (``| head``): nothing to say, and nothing more to flush
        with contextlib.suppress(OSError, ValueError):
            stdout = sys.stdout.fileno()
            os.dup2(os.open(os.devnull, os.O_WRONLY), stdout)
        return EXIT_DATA
    if debug:
        traceback.print_exception(type(err), err, err.__traceback__, file=sys.stderr)
    status = EXIT_DATA
    if isinstance(err, KeyboardInterrupt):
        message, status = "interrupted", EXIT_INTERRUPTED
    elif isinstance(err, UsageError):
        message, status = one_line(str(err)), EXIT_USAGE
    elif isinstance(err, FunnelError):
        message = _library_message(err)
    elif isinstance(err, (OSError, UnicodeError)):
        message = one_line(str(err) or type(err).__name__)
    else:
        hint = "" if debug else "; run again with --debug to see the traceback"
        what = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        message = f"unexpected error ({one_line(what)}){hint}"
    print(f"{command}: {strip_controls(message)}", file=sys.stderr)
    return status


def _library_message(err: FunnelError) -> str:
    """A library error's message: a file's single problem on one line, else the whole report."""
    from salesfunnel.io import DataFileError  # noqa: PLC0415  (io loads on first use)

    if isinstance(err, DataFileError) and len(err.problems) == 1:
        return str(err.problems[0])
    return str(err)


def _guarded(command: str, work: Callable[[], int], *, debug: bool) -> int:
    try:
        return work()
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001  (one line, never a traceback)
        return _report(command, err, debug=debug)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    # known before parsing, for an error while parsing (parse_args sets args.debug)
    return _guarded("salesfunnel", lambda: _main(arguments), debug="--debug" in arguments)


def _main(argv: Sequence[str]) -> int:
    modules = _modules()
    parser = build_parser(modules)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not hasattr(args, "command"):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    module = next(m for m in modules if _command(m) == args.command)

    def work() -> int:
        if args.command == "demo":
            sections = [m.demo_section for m in modules if hasattr(m, "demo_section")]
            return int(module.run(args, sections))
        return int(module.run(args))

    return _guarded(f"salesfunnel {args.command}", work, debug=args.debug)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
