"""The options of every command that reads opportunities, and the one way to give rates.

:func:`add_reading_options` adds ``--events``, ``--encoding``, ``--ignore``,
the funnel options (:mod:`salesfunnel.cli.funnel_options`) and the mapping
options (:mod:`salesfunnel.cli.mapping_options`); :func:`read_from_args`
reads the file with them. :func:`add_rates_options` adds ``--currency CODE``
and ``--rates``, which takes either a dated rates file (columns
``date,currency,rate``, optional ``quote``) or ``CODE=VALUE`` pairs for one
date (repeat the option, or join them with commas); ``--rate`` is another
spelling of it. :func:`rates_from_args` gives the
:class:`~salesfunnel.fx.ExchangeRates` either way.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from salesfunnel.cli.common import (
    CUTOFF_RANGE,
    ISO_DATE,
    UsageError,
    read_csv_rows,
    read_deals,
    require_file,
)
from salesfunnel.cli.funnel_options import add_funnel_options, funnel_from_args
from salesfunnel.cli.mapping_options import add_mapping_options, mapping_from_args
from salesfunnel.cli.messages import Message, tr
from salesfunnel.errors import FunnelError
from salesfunnel.fx import ExchangeRates, InvalidRateError, Rate
from salesfunnel.money import currency_code, to_amount

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable, Sequence

    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.funnel.stages import Funnel

__all__ = [
    "add_rates_options",
    "add_reading_options",
    "fixed_rates",
    "rates_from_args",
    "read_from_args",
    "read_rates",
]

#: What a ``--rates`` value that is no file and has no ``=`` is taken for: a currency code.
_CODE = re.compile(r"[A-Za-z]{1,3}")


def _is_pair(value: str) -> bool:
    """Whether a ``--rates`` value is ``CODE=VALUE`` (or a bare code), not a rates file."""
    if Path(value).is_file():
        return False
    return "=" in value or bool(_CODE.fullmatch(value.strip()))


def add_reading_options(parser: argparse.ArgumentParser, *, events: bool = True) -> None:
    """Add ``--events`` (with ``events``), ``--encoding``, ``--ignore``, the funnel and mapping options."""
    if events:
        parser.add_argument(
            "--events",
            metavar="CSV",
            default=None,
            help=tr("events file with the deals' histories", "包含商机历史的事件文件"),
        )
    parser.add_argument(
        "--encoding",
        default="utf-8",
        help=tr(
            "the files' encoding (default: utf-8, with or without a byte-order mark)",
            "文件编码（默认：utf-8，可带或不带字节顺序标记）",
        ),
    )
    parser.add_argument(
        "--ignore",
        metavar="COLUMN",
        action="append",
        default=[],
        help=tr(
            "a CSV column to skip on purpose (repeat for several)",
            "有意跳过的 CSV 列（可重复指定多列）",
        ),
    )
    add_funnel_options(parser)
    add_mapping_options(parser)


def read_from_args(
    args: argparse.Namespace, *, ignore: Iterable[str] = ()
) -> tuple[tuple[Opportunity, ...], Funnel]:
    """Read ``args.file`` with the reading options; return the deals and the funnel.

    ``ignore`` adds columns to skip to those of ``--ignore``.

    Raises:
        UsageError: For a missing file or a malformed option.
        DataFileError: For a file with problems.
    """
    mapped, funnel = mapping_from_args(args), funnel_from_args(args)
    data = read_deals(
        args.file,
        events=args.events,
        ignore=(*args.ignore, *ignore),
        encoding=args.encoding,
        mapped=mapped,
        funnel=funnel,
    )
    return data, funnel


def add_rates_options(parser: argparse.ArgumentParser, *, currency_help: str | None = None) -> None:
    """Add ``--currency CODE`` and ``--rates FILE|CODE=VALUE`` (also spelt ``--rate``)."""
    parser.add_argument(
        "--currency",
        default=None,
        help=currency_help
        or tr(
            "reporting currency, e.g. CNY (default: the data's one)",
            "报告币种，例如 CNY（默认：数据本身的币种）",
        ),
    )
    parser.add_argument(
        "--rates",
        "--rate",
        dest="rates",
        metavar="FILE|CODE=VALUE",
        type=_rates_value,
        action="append",
        default=[],
        help=tr(
            "exchange rates into --currency: a rates file with columns date,currency,rate, or "
            "fixed rates CODE=VALUE such as USD=6.98 (repeat, or join with commas)",
            "折算为 --currency 的汇率：列为 date,currency,rate 的汇率文件，或固定汇率 CODE=VALUE，"
            "例如 USD=6.98（可重复，或用逗号连接）",
        ),
    )


def _rates_value(text: str) -> str:
    """A ``--rates`` value as given, once its ``CODE=VALUE`` pairs are checked (files are read later).

    Raises:
        argparse.ArgumentTypeError: For a malformed pair.
    """
    import argparse  # noqa: PLC0415

    if _is_pair(text):
        for part in text.split(","):
            try:
                _pair(part)
            except UsageError as err:  # noqa: PERF203  (the first bad pair ends it)
                raise argparse.ArgumentTypeError(str(err)) from None
    return text


def _pair(text: str) -> tuple[str, Decimal]:
    code, _, value = text.partition("=")
    why = ""
    try:
        rate = to_amount(value.strip(), field="rate")
        code = currency_code(code.strip())
    except FunnelError as err:
        rate, why = Decimal(0), f" ({err})"
    if rate <= 0:
        raise UsageError("rate_value", text=text[:40], why=why)
    return code, rate


def rates_from_args(args: argparse.Namespace) -> ExchangeRates | None:
    """The rates of ``--rates`` into ``--currency`` (``None`` without ``--rates``).

    ``CODE=VALUE`` pairs hold on every date; a file's rates each from its date on.

    Raises:
        UsageError: For ``--rates`` without ``--currency``, a file and pairs
            together, two files, a missing file or a malformed pair.
        InvalidRateError: For a malformed rates file (a data problem).
    """
    values: Sequence[str] = args.rates or ()
    if not values:
        return None
    if not args.currency:
        raise UsageError("rates_need_currency")
    currency = currency_code(args.currency)
    parts = [p.strip() for v in values for p in (v.split(",") if _is_pair(v) else [v])]
    pairs = [p for p in parts if _is_pair(p)]
    files = [p for p in parts if not _is_pair(p)]
    if pairs and files:
        raise UsageError("rates_mixed")
    if len(files) > 1:
        raise UsageError("rates_two_files", count=len(files))
    if files:
        require_file(files[0])
        return read_rates(files[0], currency)
    table = dict(_pair(p) for p in pairs if p)
    table.pop(currency, None)
    return ExchangeRates.to(currency, {CUTOFF_RANGE[0]: table})


def fixed_rates(
    rates: ExchangeRates, currency: str, codes: Iterable[str], *, on: date
) -> dict[str, Decimal]:
    """The rates into ``currency`` in force ``on`` a date, for each of ``codes`` that has one."""
    out = {}
    for code in sorted(set(codes) - {currency}):
        try:
            out[code] = rates.rate(code, currency, on=on)
        except FunnelError:  # noqa: PERF203  (a missing rate is reported where it is needed)
            continue
    return out


def read_rates(path: str, currency: str) -> ExchangeRates:
    """Read exchange rates from a CSV file with columns ``date,currency,rate``.

    Each row says how many ``currency`` (the reporting currency) one unit of
    the row's currency is worth from that date on; an optional ``quote``
    column names another target currency. Dates are ``YYYY-MM-DD``, rates
    plain numbers within the bounds of amounts.

    Raises:
        InvalidRateError: For a file without those columns or a bad row (the
            message names the row).
        FileEncodingError: For a file that is not UTF-8 text.
    """
    fields, rows = read_csv_rows(path)
    missing = {"date", "currency", "rate"} - set(fields)
    if missing:
        raise InvalidRateError(
            str(Message("rates_file_columns", path=path, missing=", ".join(sorted(missing)))),
            base="",
            quote=currency,
            on=date.min,
        )
    return ExchangeRates([_rate_row(path, line, row, currency) for line, row in enumerate(rows, 2)])


def _rate_row(path: str, line: int, row: dict[str, str], currency: str) -> Rate:
    text = row["date"].strip()
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(f"{text[:40]!r} is not a date")  # noqa: TRY301  (one report below)
        on = date.fromisoformat(text)
        return Rate(on, row["currency"], row.get("quote") or currency, row["rate"])
    except (ValueError, ArithmeticError, FunnelError) as err:
        raise InvalidRateError(
            str(Message("rates_file_row", path=path, row=line, why=err)),
            base=row.get("currency") or "",
            quote=currency,
            on=date.min,
        ) from None
