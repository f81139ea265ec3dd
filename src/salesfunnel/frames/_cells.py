"""What a frame's cells may hold, and the one place they are turned into exact values.

An analyst's frame holds what pandas, polars, Parquet or a CRM export gave
it: amounts as floats, ``Decimal`` objects, Arrow decimals, whole numbers or
text; dates as dates, ``datetime64`` values, Arrow ``date32`` / timestamps or
ISO text; probabilities as shares or percentages. The rules, shared by the
readers (:func:`~salesfunnel.frames.from_pandas`,
:func:`~salesfunnel.frames.from_polars`) and the frame functions
(:func:`~salesfunnel.frames.forecast_frame`, ...), so that both read a cell
the same way:

* **Floats** are converted through their shortest ``repr`` (``0.1`` becomes
  ``Decimal("0.1")``, as :func:`salesfunnel.money.to_amount` does with
  ``allow_float=True``), unless ``allow_float=False``. NaN is a missing value
  (pandas' own marker for one); an infinity is refused.
* **Date-times** without a time zone are taken as written and their date is
  kept. An aware date-time (or ISO text with an offset) is converted to
  ``tz`` first, and refused without ``tz``: its date depends on the zone,
  so it is never guessed. Text goes through
  :func:`salesfunnel.io.mapping.to_date` (dates and ISO date-times).
* **Probabilities** are shares (``0.6``) or, with
  ``probability_scale="percent"``, percentages (``60``); ``60%`` is read as
  a percentage either way (:func:`salesfunnel.io.mapping.to_probability_text`).
"""

from __future__ import annotations

import math
import numbers
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from salesfunnel.frames._common import is_missing
from salesfunnel.io.cells import BadCell, to_date, to_probability_text
from salesfunnel.io.mapping import InvalidMappingError
from salesfunnel.money import to_probability

__all__ = [
    "BadCell",
    "CellOptions",
    "Scale",
    "amount_text",
    "date_text",
    "probability_text",
    "to_day",
    "to_money",
    "to_share",
    "zone",
]

#: How a probability column is written: shares (``0.6``) or percentages (``60``).
Scale = Literal["fraction", "percent"]

MONEY_FIX = (
    "hold Decimal objects, whole numbers, floats (read through their shortest repr), "
    "or text such as 120000.50"
)
FLOAT_FIX = (
    "pass allow_float=True (the default) to read each float through its shortest repr "
    "(0.1 is Decimal('0.1')), or keep the exact digits from the start: read the file "
    "with dtype=str (pandas) / infer_schema=False (polars), or hold Decimal objects"
)
DATE_FIX = (
    "hold dates, date-times or ISO text such as 2026-03-31; parse other text first "
    "(pandas: pd.to_datetime(df[c], format=...); polars: pl.col(c).str.to_date(format))"
)
_TEXT_ZONE = "%Y-%m-%dT%H:%M:%S%z"


@attrs.frozen
class CellOptions:
    """How to read the cells of one frame.

    Attributes:
        allow_float: Read float amounts through their shortest repr (else refuse them).
        tz: The zone aware date-times are converted to before their date is taken.
        scale: How probabilities are written.
    """

    allow_float: bool = True
    tz: tzinfo | None = None
    scale: Scale = "fraction"


def zone(tz: tzinfo | str | None) -> tzinfo | None:
    """Return ``tz`` as a time zone: a ``tzinfo`` as given, a name through :mod:`zoneinfo`.

    Raises:
        InvalidMappingError: For a name that is no time zone, or another type.
    """
    if tz is None or isinstance(tz, tzinfo):
        return tz
    if isinstance(tz, str):
        try:
            return ZoneInfo(tz)
        except (ValueError, ZoneInfoNotFoundError):
            pass
    raise InvalidMappingError(
        f"tz={tz!r} is not a time zone; pass an IANA name such as 'UTC' or "
        "'Asia/Shanghai', or a datetime.tzinfo"
    )


def _is_float(value: object) -> bool:
    """Tell whether ``value`` is a binary float (Python's, or a NumPy float scalar)."""
    return isinstance(value, float) or (
        isinstance(value, numbers.Real)
        and not isinstance(value, numbers.Rational)
        and type(value).__module__ == "numpy"
    )


def _float_text(value: object, *, allow_float: bool) -> str:
    """A float's shortest text, or why it cannot be an exact number."""
    number = float(value)  # type: ignore[arg-type]  # a float, or a NumPy float scalar
    if math.isinf(number):
        raise BadCell("is infinite, not a number", "give a finite value, or leave it empty")
    if not allow_float:
        raise BadCell("is a float, and allow_float=False refuses floats", FLOAT_FIX)
    # Python floats: repr is the shortest text that reads back to the same
    # float, as to_amount(..., allow_float=True) uses; NumPy's float32 and
    # float16 print their own (shorter) shortest text with str().
    return repr(number) if isinstance(value, float) else str(value)


def amount_text(value: object, *, allow_float: bool = True) -> str:
    """Return the CSV text of an amount cell ("" when missing).

    >>> amount_text(0.1), amount_text(Decimal("120000.50")), amount_text(7)
    ('0.1', '120000.50', '7')

    Raises:
        BadCell: For an infinity, a float when ``allow_float`` is false, a
            bool, or anything that is not a number or text.
    """
    if is_missing(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        raise BadCell("is a bool, not a number", MONEY_FIX)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if _is_float(value):
        return _float_text(value, allow_float=allow_float)
    raise BadCell(f"is {type(value).__name__}, not a number", MONEY_FIX)


def probability_text(value: object) -> str:
    """Return the text of a probability cell as written ("" when missing); floats are statistics.

    The scale is applied afterwards (:func:`to_share`, or the import mapping).

    Raises:
        BadCell: For an infinity, a bool, or anything that is not a number or text.
    """
    if isinstance(value, bool):
        raise BadCell("is a bool, not a probability", "give a share such as 0.6")
    return amount_text(value, allow_float=True)


def date_text(value: object, *, tz: tzinfo | None) -> str:
    """Return the text of a date cell: ``YYYY-MM-DD``, or the text as written ("" when missing).

    A naive date-time gives its date; an aware one is converted to ``tz``
    (refused without it); text is left for :func:`to_date` to read.

    >>> from zoneinfo import ZoneInfo
    >>> date_text(datetime(2026, 1, 5, 23, 30), tz=None)
    '2026-01-05'
    >>> date_text(datetime(2026, 1, 5, 20, 0, tzinfo=ZoneInfo("UTC")), tz=ZoneInfo("Asia/Tokyo"))
    '2026-01-06'

    Raises:
        BadCell: For an aware date-time without ``tz``, or a value that is no date.
    """
    if is_missing(value):
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.date().isoformat()
        return to_date(value.strftime(_TEXT_ZONE), tz).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise BadCell(f"is {type(value).__name__}, not a date", DATE_FIX)


def to_day(value: object, *, tz: tzinfo | None) -> date | None:
    """Return the date of a cell (``None`` when missing), by the rules of :func:`date_text`.

    Raises:
        BadCell: For a value that gives no date.
    """
    text = date_text(value, tz=tz)
    return to_date(text, tz) if text.strip() else None


def to_money(value: object, *, allow_float: bool) -> Decimal | None:
    """Return the exact amount of a cell (``None`` when missing); negatives are kept.

    Raises:
        BadCell: For a value that is no exact number.
    """
    text = amount_text(value, allow_float=allow_float).strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except ArithmeticError:
        raise BadCell("is not a number", MONEY_FIX) from None
    if not number.is_finite() or not text.isascii():
        raise BadCell("is not a number", MONEY_FIX)
    return number


def to_share(value: object, scale: Scale) -> Decimal | None:
    """Return a probability cell as a share in [0, 1] (``None`` when missing).

    >>> to_share(60, "percent"), to_share("45%", "fraction"), to_share(0.6, "fraction")
    (Decimal('0.6'), Decimal('0.45'), Decimal('0.6'))

    Raises:
        BadCell: For a value that is no probability on ``scale``.
    """
    text = probability_text(value).strip()
    if not text:
        return None
    share = to_probability_text(text, "percent" if text.endswith("%") else scale)
    try:
        return to_probability(share)
    except (ArithmeticError, ValueError):
        raise BadCell(
            "is not a probability", "give a share such as 0.6 or a percentage such as 60%"
        ) from None
