"""A plain customer → value CSV file for ``salesfunnel abc`` (``customer,spend``), and its numbers.

Analysts often keep a figure per customer rather than deals: a file of two
columns, the customer and a number, is classified by that number (its
header names the criterion). :func:`values_header` tells such a file by its
header (two columns, no ``id``), or by ``--input values``;
:func:`read_values` reads it and lists every bad row at once.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from salesfunnel.cli.common import DataProblemError, UsageError, read_csv_rows
from salesfunnel.cli.messages import Message
from salesfunnel.errors import FunnelError
from salesfunnel.i18n import Text
from salesfunnel.money import to_amount
from salesfunnel.render import restore_cell

if TYPE_CHECKING:
    import argparse

    from salesfunnel.customers.abc_classes import Figure

__all__ = [
    "SIGNED_NUMBER",
    "cell_number",
    "first_row",
    "load_values",
    "read_values",
    "values_header",
]

#: A plain signed number of a CSV cell: ASCII digits, an optional sign and decimal point.
SIGNED_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def cell_number(text: str, where: str) -> Decimal:
    """The number of a CSV cell (``where`` names it in a message): a plain signed number.

    Raises:
        UsageError: For anything else, or a number beyond the bounds of amounts.
    """
    if not SIGNED_NUMBER.fullmatch(text):
        raise UsageError("abc_number", where=where, text=text[:40])
    try:
        to_amount(text.lstrip("+-"), field=where)  # the bounds of amounts; the sign is ours
    except FunnelError as err:
        raise UsageError("abc_amount", where=where, why=err) from None
    return Decimal(text)


#: Options that a customer-value file leaves no use for.
_DEAL_OPTIONS = {
    "events": "--events",
    "margin": "--margin",
    "rates": "--rates",
    "currency": "--currency",
    "stages": "--stages",
    "funnel": "--funnel",
    "preset": "--preset",
    "mapping": "--mapping",
}


def values_header(args: argparse.Namespace) -> list[str] | None:
    """The header of a customer-value file (``--values``, or two columns without ``id``), else ``None``."""
    if args.input == "deals" or not args.file.lower().endswith(".csv"):
        return None
    header = first_row(args.file)
    names = {h.strip().lower() for h in header}
    looks_like = len(header) == 2 and not names & {"id", "stage", "编号", "阶段"}  # noqa: PLR2004
    if args.input == "values" or looks_like:
        return header
    return None


def first_row(path: str) -> list[str]:
    """The first row of a CSV file (``[]`` for one that is not UTF-8 text: the reader reports it)."""
    import csv  # noqa: PLC0415

    from salesfunnel.io._csv_limit import lifted_limit  # noqa: PLC0415

    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as handle, lifted_limit():
            return [restore_cell(c) for c in next(csv.reader(handle), [])]
    except (UnicodeDecodeError, csv.Error):
        return []


def load_values(
    args: argparse.Namespace, header: list[str]
) -> tuple[None, dict[str, dict[str, Figure]], dict[str, Text]]:
    """Read a customer → value CSV file: the customer in the first column, a number in the second."""
    given = [flag for dest, flag in _DEAL_OPTIONS.items() if getattr(args, dest, None)]
    if given or args.by != ("revenue",):
        raise UsageError("abc_values_options", options=", ".join(given or ["--by"]))
    if len(header) != 2:  # noqa: PLR2004
        raise UsageError("abc_values_header", path=args.file, count=len(header))
    values = read_values(args.file)
    name = header[1].strip() or "value"
    return None, {name: dict(values)}, {name: Text(name)}


def read_values(path: str) -> dict[str, Decimal]:
    """Read a two-column customer → value CSV file (``customer,spend``): each customer's number.

    Raises:
        DataFileError: Listing every bad row: an empty customer, a customer
            listed twice, a value that is not a plain number.
    """
    from salesfunnel.io import DataFileError, Problem  # noqa: PLC0415

    header, rows = read_csv_rows(path)
    key, value = header[0], header[1]
    out: dict[str, Decimal] = {}
    first: dict[str, int] = {}
    problems = []
    for line, row in enumerate(rows, start=2):
        customer, text = row[key].strip(), row[value].strip()
        try:
            if not customer:
                raise UsageError("abc_values_empty_customer")  # noqa: TRY301  (one report below)
            if customer in first:
                raise UsageError("abc_values_twice", customer=customer, first=first[customer])  # noqa: TRY301
            number = cell_number(text, f"{path}, row {line}, column {value}")
        except UsageError as err:
            column = value if customer and customer not in first else key
            cell = text if column == value else customer
            problems.append(
                Problem(path, line, column, cell, str(err), str(Message("abc_values_fix")))
            )
            continue
        first[customer] = line
        out[customer] = number
    if problems:
        raise DataFileError(path, problems)
    if not out:
        raise DataProblemError("abc_values_no_rows", path=path)
    return out
