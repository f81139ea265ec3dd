"""Subcommands of the ``salesfunnel`` command, one module each.

Each module defines ``ORDER`` (its place in ``--help`` and in the demo),
``register(subparsers)`` to add its subcommand, and may define
``demo_section(opportunities, options)`` returning the tables it contributes
to ``salesfunnel demo``. :func:`main` discovers them.
"""

from salesfunnel.cli._main import main

__all__ = ["main"]
