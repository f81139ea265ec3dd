"""The usage lines of the command-line documentation, made from the parsers themselves.

Each ``## salesfunnel COMMAND`` section of the command-line page holds the
command's usage in a ``text`` block that starts ``usage: salesfunnel
COMMAND``. :func:`update` rewrites every such block from the parser, so the
page never drifts from the options; a test checks that the page is what
:func:`update` makes of it. Run ``python -m salesfunnel.cli.reference
docs/cli.md`` after changing an option.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

__all__ = ["WIDTH", "update", "usage"]

#: The width the usage lines are wrapped at.
WIDTH = 100

_BLOCK = re.compile(r"```text\nusage: salesfunnel (?P<command>[a-z]+)\b.*?```", re.DOTALL)


def usage(command: str) -> str:
    """The usage of ``salesfunnel COMMAND`` as ``--help`` prints it, wrapped at :data:`WIDTH`."""
    from salesfunnel.cli import build_parser  # noqa: PLC0415  (the package imports this module's users)

    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(WIDTH)
    try:
        parser = build_parser()
        for action in parser._actions:  # noqa: SLF001  (argparse keeps its subparsers there)
            choices = getattr(action, "choices", None)
            if isinstance(choices, dict) and command in choices:
                return str(choices[command].format_usage()).rstrip()
        msg = f"no command {command!r}"
        raise KeyError(msg)
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous


def update(text: str) -> str:
    """``text`` (the command-line page) with every usage block made from the parsers."""
    return _BLOCK.sub(lambda m: f"```text\n{usage(m['command'])}\n```", text)


if __name__ == "__main__":  # pragma: no cover
    page = Path(sys.argv[1])
    page.write_text(update(page.read_text(encoding="utf-8")), encoding="utf-8")
