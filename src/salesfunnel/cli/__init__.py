"""The ``salesfunnel`` command, and its subcommands, one module each.

Each module defines ``ORDER`` (its place in ``--help`` and in the demo),
``register(subparsers)`` to add its subcommand, and may define
``demo_section(opportunities, options)`` returning the tables it contributes
to ``salesfunnel demo``. :func:`main` discovers them when the command
starts. Exit codes: 0 success, 1 data problems, 2 usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from types import ModuleType
from typing import TYPE_CHECKING

from salesfunnel import __version__
from salesfunnel.cli.common import EXIT_DATA, EXIT_USAGE
from salesfunnel.errors import FunnelError

if TYPE_CHECKING:
    from collections.abc import Sequence

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


def build_parser(modules: Sequence[ModuleType]) -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="salesfunnel",
        description="Sales-funnel management: stage gates, forecasts, pipeline maths, "
        "ABC analysis and key accounts.",
        epilog="example: salesfunnel demo",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in modules:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
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
    try:
        if args.command == "demo":
            sections = [m.demo_section for m in modules if hasattr(m, "demo_section")]
            return int(module.run(args, sections))
        return int(module.run(args))
    except FunnelError as err:
        print(f"salesfunnel {args.command}: {err}", file=sys.stderr)
        return EXIT_DATA
    except OSError as err:
        print(f"salesfunnel {args.command}: {err}", file=sys.stderr)
        return EXIT_DATA


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
