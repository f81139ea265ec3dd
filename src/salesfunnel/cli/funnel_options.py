"""The funnel options shared by every command that reads opportunities.

Without them a command reads the deals in the default funnel's stages. An
export's own stages are given either as a ladder on the command line,
``--stages 'Prospecting,Engaging,Won' --won Won --lost Lost`` (a funnel built
with :meth:`~salesfunnel.Funnel.from_stage_names`), or as a file,
``--funnel funnel.json``: a ``salesfunnel/funnel`` JSON document, as
:func:`salesfunnel.io.dumps` writes a funnel (gates, owners and
probabilities included). :func:`funnel_from_args` builds the one funnel a
command then uses to read the deals and for every figure.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from salesfunnel.cli.common import UsageError
from salesfunnel.errors import FunnelDefinitionError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.stages import Funnel
from salesfunnel.io import DataFileError, loads

__all__ = ["add_funnel_options", "funnel_from_args"]

#: The largest funnel document read (a funnel is a few kilobytes).
_MAX_FUNNEL_BYTES = 1_000_000

_WRITE_ONE = (
    "give a salesfunnel/funnel JSON document, as salesfunnel.io.dumps(funnel) writes it, "
    "or the stages with --stages NAMES --won NAME --lost NAME"
)


def add_funnel_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--stages``, ``--won``, ``--lost`` and ``--funnel`` to a subcommand's parser."""
    group = parser.add_argument_group("the funnel (default: the default funnel's seven stages)")
    group.add_argument(
        "--stages",
        metavar="NAMES",
        default=None,
        help="keep the export's stage names: a comma-separated ladder, bottom to top",
    )
    group.add_argument("--won", metavar="NAME", default=None, help="with --stages: the won stage")
    group.add_argument(
        "--lost", metavar="NAME", default=None, help="with --stages: the lost outcome"
    )
    group.add_argument(
        "--funnel",
        metavar="FILE",
        default=None,
        help="a salesfunnel/funnel JSON document (as salesfunnel.io.dumps writes a funnel); "
        "not with --stages",
    )


def _from_names(args: argparse.Namespace) -> Funnel:
    if not args.lost:
        raise UsageError("--stages needs --lost, the export's name of the lost outcome")
    names = [n.strip() for n in args.stages.split(",") if n.strip()]
    try:
        return Funnel.from_stage_names(names, won=args.won, lost=args.lost)
    except FunnelDefinitionError as err:
        msg = (
            f"--stages {args.stages!r}: {err}; name each open stage once, bottom to top, "
            "then the won one, e.g. --stages 'Prospecting,Engaging,Won' --won Won --lost Lost"
        )
        raise UsageError(msg) from None


def _from_file(path: str) -> Funnel:
    file = Path(path)
    if not file.is_file():
        what = "is a directory, not a file" if file.is_dir() else "no such file"
        raise UsageError(f"--funnel {path}: {what}; {_WRITE_ONE}")
    if file.stat().st_size > _MAX_FUNNEL_BYTES:
        raise UsageError(f"--funnel {path}: a funnel document is at most 1 MB; {_WRITE_ONE}")
    try:
        return loads(file.read_bytes(), Funnel)
    except DataFileError as err:
        msg = f"--funnel {path}: not a funnel ({_first_problem(err)}); {_WRITE_ONE}"
        raise UsageError(msg) from None


def _first_problem(err: DataFileError) -> str:
    """The first problem of ``err`` on one line, with its JSON path and how many more there are."""
    first = err.problems[0]
    text = " ".join(first.why.split())
    if first.column:
        value = f" {first.value!r}" if first.value else ""
        text = f"{first.column}{value}: {text}"
    if len(err.problems) > 1:
        text += f"; and {len(err.problems) - 1} more"
    return text


def funnel_from_args(args: argparse.Namespace) -> Funnel:
    """The funnel the options give: ``--funnel``, ``--stages``, or the default funnel.

    Raises:
        UsageError: For ``--funnel`` with ``--stages``, ``--won``/``--lost``
            without ``--stages``, ``--stages`` without ``--lost``, a ladder
            that is no funnel, or a ``--funnel`` file that is missing or holds
            no funnel document.
    """
    if args.funnel is not None:
        if args.stages or args.won or args.lost:
            raise UsageError(
                "--funnel and --stages/--won/--lost both give the funnel; use one of them"
            )
        return _from_file(args.funnel)
    if not args.stages:
        if args.won or args.lost:
            raise UsageError("--won and --lost go with --stages (the export's stage names)")
        return DEFAULT_FUNNEL
    return _from_names(args)
