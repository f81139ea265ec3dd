"""The ``salesfunnel`` command, and its subcommands, one module each.

:data:`~salesfunnel.cli.commands.COMMANDS` lists the subcommands (name, module, one-line help in both
languages, in the order of ``--help``). Each module defines
``register(subparsers)`` to add its subcommand, ``run(args)``, and may
define ``demo_section(opportunities, options)`` returning the tables it
contributes to ``salesfunnel demo``. :func:`main` imports only the module of
the command it runs (every module for ``demo``), so that ``salesfunnel
--help`` starts quickly. Exit codes: 0 success, 1 data problems, 2 usage
errors.

The command never shows a traceback for bad input: every error becomes one
line ``salesfunnel COMMAND: message`` on stderr (a usage error too, with a
pointer to ``--help``, and a "did you mean" for a mistyped command, option
or choice), and anything unexpected one line that suggests ``--debug``, the
global flag (before or after the command) that prints the traceback as
well. With ``--lang zh`` the messages, usage and help are in Chinese.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import traceback
from typing import TYPE_CHECKING, NoReturn

from salesfunnel import __version__
from salesfunnel.cli.commands import COMMANDS, Command
from salesfunnel.cli.common import EXIT_DATA, EXIT_USAGE, UsageError, one_line
from salesfunnel.cli.messages import LANG, Message, close_match, tr, translate_argparse
from salesfunnel.errors import FunnelError
from salesfunnel.i18n import Text
from salesfunnel.render import strip_controls

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from types import ModuleType

    from salesfunnel.i18n import Lang

__all__ = ["COMMANDS", "Command", "build_parser", "main"]


def _module(command: Command) -> ModuleType:
    return importlib.import_module(f"{__name__}.{command.module}")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help in the language of the command: ``usage:`` is ``用法：`` with ``--lang zh``."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        """Add the usage line, with its prefix in the command's language."""
        shown = tr("usage: ", "用法：") if prefix is None else prefix
        super().add_usage(usage, actions, groups, shown)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line: ``salesfunnel CMD: message``."""

    def error(self, message: str) -> NoReturn:
        """Print the problem (in the command's language) and where the options are described; exit 2."""
        found = translate_argparse(one_line(message))
        if found.key == "invalid_choice_match" and self.prog == "salesfunnel":
            fields = found.fields
            found = Message(
                "unknown_command",
                name=fields["value"],
                match=fields["match"],
                choices=fields["choices"],
            )
        elif found.key == "invalid_choice" and self.prog == "salesfunnel":
            fields = found.fields
            found = Message(
                "unknown_command_plain", name=fields["value"], choices=fields["choices"]
            )
        text = Message("usage_suffix", message=found, prog=self.prog)
        self.exit(EXIT_USAGE, f"{self.prog}: {strip_controls(str(text))}\n")

    def unrecognized(self, extras: Sequence[str]) -> NoReturn:
        """A usage error for arguments this command does not take, with the closest option."""
        options = [o for o in self._option_string_actions if o.startswith("--")]
        for extra in extras:
            if extra.startswith("-"):
                match = close_match(extra.split("=", 1)[0], options)
                if match is not None:
                    text = Message("did_you_mean", name=extra, match=match)
                    note = Message("usage_suffix", message=text, prog=self.prog)
                    self.exit(EXIT_USAGE, f"{self.prog}: {strip_controls(str(note))}\n")
        self.error(f"unrecognized arguments: {' '.join(extras)}")


def _localise(parser: argparse.ArgumentParser) -> None:
    """Put the headings and the ``-h`` help of ``parser`` in the command's language."""
    parser.formatter_class = _Formatter
    parser._positionals.title = tr("positional arguments", "位置参数")  # noqa: SLF001  (argparse has no setter)
    parser._optionals.title = tr("options", "选项")  # noqa: SLF001
    for action in parser._actions:  # noqa: SLF001
        if "-h" in action.option_strings:
            action.help = tr("show this help message and exit", "显示此帮助信息并退出")


_DEBUG_HELP = Text(
    "show the traceback of an error (for a bug report)", "显示错误的回溯信息（用于报告缺陷）"
)

#: Exit status of an interrupted command (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


def build_parser(modules: Sequence[ModuleType] | None = None) -> argparse.ArgumentParser:
    """Build the argument parser: every subcommand's, or those of ``modules`` (the others listed only).

    A command whose module is not given is listed in ``--help`` with its
    one-line help but has no options: :func:`main` gives the module of the
    command it runs.
    """
    chosen = list(map(_module, COMMANDS)) if modules is None else modules
    loaded = {m.__name__.rsplit(".", 1)[-1]: m for m in chosen}
    parser = _Parser(
        prog="salesfunnel",
        description=tr(
            "Sales-funnel management: stage gates, forecasts, pipeline maths, "
            "ABC analysis and key accounts.",
            "销售漏斗管理：阶段关口、销售预测、在途商机计算、ABC 分析与大客户管理。",
        ),
        epilog=tr("example", "示例") + ": salesfunnel demo",
        formatter_class=_Formatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help=tr("show the version and exit", "显示版本并退出"),
    )
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP(LANG.get()))
    sub = parser.add_subparsers(
        title=tr("commands", "命令"), metavar="COMMAND", parser_class=_Parser
    )
    for command in COMMANDS:
        module = loaded.get(command.module)
        if module is None:
            sub.add_parser(command.name, help=command.help(LANG.get()))
        else:
            module.register(sub)
    _localise(parser)
    for name, child in sub.choices.items():
        _localise(child)
        if next(c for c in COMMANDS if c.name == name).module in loaded:
            # after the command name too; SUPPRESS keeps a --debug given before it
            child.add_argument(
                "--debug",
                action="store_true",
                default=argparse.SUPPRESS,
                help=_DEBUG_HELP(LANG.get()),
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
        message, status = str(Message("interrupted")), EXIT_INTERRUPTED
    elif isinstance(err, UsageError):
        message, status = one_line(str(err)), EXIT_USAGE
    elif isinstance(err, FunnelError):
        message = _library_message(err)
    elif isinstance(err, (OSError, UnicodeError)):
        message = one_line(str(err) or type(err).__name__)
    else:
        hint = "" if debug else Message("debug_hint")
        what = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        message = str(Message("unexpected", what=one_line(what), hint=hint))
    print(f"{command}: {strip_controls(message)}", file=sys.stderr)
    return status


def _library_message(err: FunnelError) -> str:
    """A library error's message: a file's single problem on one line, else the whole report.

    A file's problems are in the language of the command (their ``describe``).
    """
    from salesfunnel.io import DataFileError  # noqa: PLC0415  (io loads on first use)

    if isinstance(err, DataFileError):
        language = LANG.get()
        return (
            err.problems[0].describe(language) if len(err.problems) == 1 else err.describe(language)
        )
    return str(err)


def _guarded(command: str, work: Callable[[], int], *, debug: bool) -> int:
    try:
        return work()
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001  (one line, never a traceback)
        return _report(command, err, debug=debug)


def language_of(argv: Sequence[str]) -> Lang:
    """The ``--lang`` of a command line, read before parsing (for its usage errors); else ``en``."""
    found: Lang = "en"
    for i, arg in enumerate(argv):
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else arg.partition("=")[2]
        if (arg == "--lang" or arg.startswith("--lang=")) and value in ("en", "zh"):
            found = "zh" if value == "zh" else "en"
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    arguments = _lang_after_command(sys.argv[1:] if argv is None else list(argv))
    token = LANG.set(language_of(arguments))
    try:
        # known before parsing, for an error while parsing (parse_args sets args.debug)
        return _guarded("salesfunnel", lambda: _main(arguments), debug="--debug" in arguments)
    finally:
        LANG.reset(token)


def _lang_after_command(argv: list[str]) -> list[str]:
    """Move a ``--lang`` given before the command after it (``salesfunnel --lang zh report f``)."""
    if argv[:1] == ["--lang"] and len(argv) > 2:  # noqa: PLR2004  (option, value, command)
        return [argv[2], *argv[:2], *argv[3:]]
    if argv and argv[0].startswith("--lang=") and len(argv) > 1:
        return [argv[1], argv[0], *argv[2:]]
    return argv


def _chosen(argv: Sequence[str]) -> list[ModuleType]:
    """The modules the command line needs: its command's (every one for ``demo``)."""
    name = next((a for a in argv if not a.startswith("-")), None)
    command = next((c for c in COMMANDS if c.name == name), None)
    if command is None:
        return []
    if command.name == "demo":
        return [_module(c) for c in COMMANDS]
    return [_module(command)]


def _main(argv: Sequence[str]) -> int:
    modules = _chosen(argv)
    parser = build_parser(modules)
    try:
        args, extras = parser.parse_known_args(argv)
        if extras:
            command = getattr(args, "command", None)
            sub = _subparser(parser, command)
            sub.unrecognized(extras)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not hasattr(args, "command"):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    module = next(m for m in modules if _name(m) == args.command)

    def work() -> int:
        if args.command == "demo":
            sections = [m.demo_section for m in modules if hasattr(m, "demo_section")]
            return int(module.run(args, sections))
        return int(module.run(args))

    return _guarded(f"salesfunnel {args.command}", work, debug=args.debug)


def _name(module: ModuleType) -> str:
    """The command a module runs: its ``COMMAND``, else its name (``import`` is a keyword)."""
    return str(getattr(module, "COMMAND", module.__name__.rsplit(".", 1)[-1]))


def _subparser(parser: argparse.ArgumentParser, command: str | None) -> _Parser:
    """The parser of ``command`` (the main parser without one)."""
    for action in parser._actions:  # noqa: SLF001  (argparse keeps its subparsers there)
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:  # noqa: SLF001
            parser = action.choices[command]
            break
    assert isinstance(parser, _Parser)  # noqa: S101  (build_parser makes only _Parser ones)
    return parser


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
