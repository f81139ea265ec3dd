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
from salesfunnel.cli.messages import Message, tr
from salesfunnel.errors import FunnelDefinitionError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.stages import Funnel
from salesfunnel.io import DataFileError, loads

__all__ = ["add_funnel_options", "funnel_from_args"]

#: The largest funnel document read (a funnel is a few kilobytes).
_MAX_FUNNEL_BYTES = 1_000_000


def add_funnel_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--stages``, ``--won``, ``--lost`` and ``--funnel`` to a subcommand's parser."""
    group = parser.add_argument_group(
        tr(
            "the funnel (default: the default funnel's seven stages)",
            "销售漏斗（默认：默认漏斗的七个阶段）",
        )
    )
    group.add_argument(
        "--stages",
        metavar="NAMES",
        default=None,
        help=tr(
            "keep the export's stage names: a comma-separated ladder, bottom to top",
            "保留导出文件的阶段名称：用逗号分隔、从低到高排列",
        ),
    )
    group.add_argument(
        "--won",
        metavar="NAME",
        default=None,
        help=tr("with --stages: the won stage", "与 --stages 一起：成交阶段"),
    )
    group.add_argument(
        "--lost",
        metavar="NAME",
        default=None,
        help=tr("with --stages: the lost outcome", "与 --stages 一起：丢单结果"),
    )
    group.add_argument(
        "--funnel",
        metavar="FILE",
        default=None,
        help=tr(
            "a salesfunnel/funnel JSON document (as salesfunnel.io.dumps writes a funnel); "
            "not with --stages",
            "salesfunnel/funnel JSON 文档（即 salesfunnel.io.dumps 写出的漏斗）；不能与 --stages 同用",
        ),
    )


def _from_names(args: argparse.Namespace) -> Funnel:
    if not args.lost:
        raise UsageError("stages_need_lost")
    names = [n.strip() for n in args.stages.split(",") if n.strip()]
    try:
        return Funnel.from_stage_names(names, won=args.won, lost=args.lost)
    except FunnelDefinitionError as err:
        raise UsageError("stages_bad", stages=args.stages, why=err) from None


def _from_file(path: str) -> Funnel:
    file = Path(path)
    write_one = Message("funnel_write_one")
    if not file.is_file():
        what = Message("directory" if file.is_dir() else "not_found")
        raise UsageError("funnel_file_missing", path=path, what=what, write_one=write_one)
    if file.stat().st_size > _MAX_FUNNEL_BYTES:
        raise UsageError("funnel_file_large", path=path, write_one=write_one)
    try:
        return loads(file.read_bytes(), Funnel)
    except DataFileError as err:
        why = _first_problem(err)
        raise UsageError("funnel_file_bad", path=path, why=why, write_one=write_one) from None


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
            raise UsageError("funnel_and_stages")
        return _from_file(args.funnel)
    if not args.stages:
        if args.won or args.lost:
            raise UsageError("won_lost_alone")
        return DEFAULT_FUNNEL
    return _from_names(args)
