"""Money amounts, currency codes and probabilities, checked at the door.

Amounts are :class:`~decimal.Decimal` so that sums of money are exact. What the
converters accept:

* ``Decimal``, ``int`` and numeric strings (``"1200.50"``) become a ``Decimal``.
* ``float`` is **refused** with :class:`~salesfunnel.errors.AmountTypeError`:
  ``0.1`` has no exact binary value, and a library that guesses which decimal
  was meant hides rounding bugs. Pass ``Decimal("0.1")`` or ``"0.1"``. Code at
  the edges that truly has floats (a DataFrame column) can opt in with
  ``allow_float=True``, which converts through the float's shortest ``repr``
  (``0.1`` becomes ``Decimal("0.1")``, not ``0.1000000000000000055…``).
* ``bool`` is refused: ``True`` is an ``int`` to Python, never an amount.
* NaN, infinities and negative amounts are refused with
  :class:`~salesfunnel.errors.InvalidAmountError`.

>>> from decimal import Decimal
>>> to_amount("1200.50")
Decimal('1200.50')
>>> to_amount(0.1)
Traceback (most recent call last):
...
salesfunnel.errors.AmountTypeError: amount is the float 0.1; pass Decimal('0.1') or the string '0.1' so the value is exact
>>> to_amount(0.1, allow_float=True)
Decimal('0.1')
>>> currency_code("cny")
'CNY'
"""

from __future__ import annotations

import math
import re
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import TYPE_CHECKING, NewType

from salesfunnel.errors import (
    AmountTypeError,
    CurrencyError,
    InvalidAmountError,
    InvalidProbabilityError,
    InvalidResultError,
)

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

__all__ = [
    "ISO_4217",
    "MAX_INTEGER_DIGITS",
    "MAX_PLACES",
    "PROBABILITY_PLACES",
    "Currency",
    "check_result_amount",
    "currency_code",
    "money_context",
    "to_amount",
    "to_probability",
]

#: An ISO 4217 alphabetic currency code such as ``"CNY"``, checked by
#: :func:`currency_code`.
Currency = NewType("Currency", str)

#: The active ISO 4217 alphabetic codes (list one, 2024), plus the funds and
#: precious-metal codes. Historic codes (``DEM``, ``FRF``…) are not accepted.
ISO_4217: frozenset[str] = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BOV",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHE",
        "CHF",
        "CHW",
        "CLF",
        "CLP",
        "CNY",
        "COP",
        "COU",
        "CRC",
        "CUC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MXV",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SLL",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "USN",
        "UYI",
        "UYU",
        "UYW",
        "UZS",
        "VED",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XAG",
        "XAU",
        "XBA",
        "XBB",
        "XBC",
        "XBD",
        "XCD",
        "XCG",
        "XDR",
        "XOF",
        "XPD",
        "XPF",
        "XPT",
        "XSU",
        "XTS",
        "XUA",
        "XXX",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
        "ZWL",
    ]
)


#: The most integer digits an amount may have (below a quintillion): every
#: reader and constructor refuses a larger one, so no sum can overflow or hang.
MAX_INTEGER_DIGITS = 18

#: The most decimal places an amount may have.
MAX_PLACES = 10

#: The decimal places a probability is kept to (finer ones are rounded): a
#: float's shortest form has at most 17 significant digits.
PROBABILITY_PLACES = 20
_PROBABILITY_STEP = Decimal(1).scaleb(-PROBABILITY_PLACES)

#: The arithmetic context of every money path: 60 significant digits (exact
#: for sums of amounts within the bounds above, and their products with
#: probabilities), half-even rounding, errors on invalid operations, division
#: by zero and overflow; fixed here so that a caller's own context never
#: changes a figure.
_MONEY = Context(
    prec=60,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


def money_context() -> AbstractContextManager[Context]:
    """Return a context manager that runs money arithmetic in the library's own context.

    Every sum, product, conversion and rounding of money in salesfunnel runs
    inside it, so the figures never depend on the caller's
    :mod:`decimal` context (its precision, rounding or traps). The context
    has 60 significant digits and rounds half-even, so sums of money and
    amount × probability within the library's bounds are exact; invalid
    operations, division by zero and overflow raise.

    >>> from decimal import Context, localcontext
    >>> with localcontext(Context(prec=3)):
    ...     with money_context():
    ...         Decimal("1234.56") + Decimal("0.01")
    Decimal('1234.57')
    """
    return localcontext(_MONEY)


def currency_code(value: object, *, field: str = "currency") -> Currency:
    """Check and normalise an ISO 4217 currency code.

    Surrounding white space is removed and letters are upper-cased, so
    ``" usd"`` is ``"USD"``; anything that is not one of the active ISO 4217
    codes is refused.

    Args:
        value: The code to check.
        field: The field name to report in an error.

    Returns:
        The upper-case code.

    Raises:
        CurrencyError: If ``value`` is not a string or not an ISO 4217 code.

    >>> currency_code("usd")
    'USD'
    >>> currency_code("US$")
    Traceback (most recent call last):
    ...
    salesfunnel.errors.CurrencyError: currency: 'US$' is not an ISO 4217 code; use three letters such as 'USD', 'EUR' or 'CNY'
    """
    if not isinstance(value, str):
        raise CurrencyError(
            f"{field}: expected a three-letter ISO 4217 code, got {value!r}",
            code=repr(value),
        )
    code = value.strip().upper()
    if code not in ISO_4217:
        raise CurrencyError(
            f"{field}: {value!r} is not an ISO 4217 code; use three letters "
            "such as 'USD', 'EUR' or 'CNY'",
            code=value,
        )
    return Currency(code)


def _to_decimal(
    value: object, *, field: str, allow_float: bool, what: str, places: int | None = MAX_PLACES
) -> Decimal:
    """Convert ``value`` to a finite Decimal, or raise the error for ``what``."""
    if isinstance(value, bool):
        raise AmountTypeError(
            f"{field}: {what} is the bool {value!r}; pass a number",
            field=field,
            value=value,
        )
    if isinstance(value, float):
        if not allow_float:
            raise AmountTypeError(
                f"{field} is the float {value!r}; "
                f"pass Decimal('{value!r}') or the string '{value!r}' so the "
                "value is exact",
                field=field,
                value=value,
            )
        if not math.isfinite(value):
            raise InvalidAmountError(
                f"{field}: {what} must be finite, got {value!r}",
                field=field,
                value=value,
            )
        result = Decimal(repr(value))
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        if abs(value) >= _INT_LIMIT:  # compared, never turned into text: any size is safe
            raise _too_large(field, value)
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > _MAX_TEXT or not _PLAIN_NUMBER.fullmatch(text):
            raise InvalidAmountError(
                f"{field}: {_shown(value)} is not a plain number; write it with ASCII digits "
                "and a decimal point, no separators or exponent, like '1200.50'",
                field=field,
                value=value,
            )
        result = Decimal(text)
    else:
        raise AmountTypeError(
            f"{field}: {what} must be a Decimal, int or numeric string, got {type(value).__name__}",
            field=field,
            value=value,
        )
    if not result.is_finite():
        raise InvalidAmountError(
            f"{field}: {what} must be finite, got {_shown(value)}",
            field=field,
            value=value,
        )
    if result and result.adjusted() >= MAX_INTEGER_DIGITS:
        raise _too_large(field, value)
    exponent = result.as_tuple().exponent
    if (
        places is not None
        and isinstance(exponent, int)
        and -exponent > places
        and result != result.quantize(Decimal(1).scaleb(-places), context=_MONEY)
    ):
        raise InvalidAmountError(
            f"{field}: {_shown(value)} has more than {places} decimal places; "
            f"round it to {places} places or fewer",
            field=field,
            value=value,
        )
    return result


#: The plain notation of a number in text: ASCII digits, an optional sign and
#: decimal point; no separators, other scripts, full-width forms or exponent.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_INT_LIMIT = 10**MAX_INTEGER_DIGITS
#: Longer text cannot be an amount within the bounds (digits, sign, point).
_MAX_TEXT = MAX_INTEGER_DIGITS + MAX_PLACES + 60


_SHOWN = 40


def _shown(value: object) -> str:
    """A value for a message, cut short when it is long."""
    if isinstance(value, int) and abs(value) >= _INT_LIMIT:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _too_large(field: str, value: object) -> InvalidAmountError:
    return InvalidAmountError(
        f"{field}: {_shown(value)} has more than {MAX_INTEGER_DIGITS} integer digits; "
        "amounts are below a quintillion",
        field=field,
        value=value,
    )


def _plain_amount(value: Decimal) -> bool:
    """Tell whether ``value`` is an amount :func:`to_amount` returns as it is, cheaply.

    Finite, above zero, within :data:`MAX_INTEGER_DIGITS` and written with at
    most :data:`MAX_PLACES` places: what nearly every amount is. Anything
    else (zero, which ``to_amount`` rewrites, too many places, exponent
    notation) takes the full check, which says what is wrong. The places are
    read from the text (``as_tuple`` costs ten times as much): a ``Decimal``
    is written without an exponent exactly when its exponent is at most 0
    and it is not very small, and then its places follow the point.
    """
    if not (value.is_finite() and value and not value.is_signed()):
        return False
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        return False
    text = str(value)
    point = text.find(".")
    # "e" too: a context with capitals=0 writes the exponent in lower case
    return (
        "E" not in text and "e" not in text and (point < 0 or len(text) - point - 1 <= MAX_PLACES)
    )


def to_amount(value: object, *, field: str = "amount", allow_float: bool = False) -> Decimal:
    """Convert ``value`` to a non-negative, finite money amount.

    Args:
        value: A ``Decimal``, ``int`` or numeric string (a ``float`` only with
            ``allow_float=True``).
        field: The field name to report in an error.
        allow_float: Accept floats, converted through their shortest ``repr``.

    Returns:
        The amount as a ``Decimal``; ``-0`` becomes ``0``.

    Raises:
        AmountTypeError: For a float (unless allowed), a bool or a non-number.
        InvalidAmountError: For NaN, an infinity, a negative amount or a string
            that is not a number.

    >>> to_amount(-5)
    Traceback (most recent call last):
    ...
    salesfunnel.errors.InvalidAmountError: amount: -5 is negative; amounts are zero or more (record a refund as its own deal)
    """
    if type(value) is Decimal and _plain_amount(value):
        return value
    result = _to_decimal(value, field=field, allow_float=allow_float, what="amount")
    if result < 0:
        raise InvalidAmountError(
            f"{field}: {value!r} is negative; amounts are zero or more "
            "(record a refund as its own deal)",
            field=field,
            value=value,
        )
    return result + 0 if result.is_zero() else result


def check_result_amount(result: str, name: str, value: object) -> None:
    """Refuse a result's money figure that is not a finite ``Decimal`` of zero or more.

    Raises:
        InvalidResultError: Naming ``name``.
    """
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidResultError(result, name, f"is {value!r}, not a finite Decimal")
    if value < 0:
        raise InvalidResultError(result, name, f"is negative ({value})")


def to_probability(value: object, *, field: str = "probability") -> Decimal:
    """Convert ``value`` to a probability in [0, 1], kept as a ``Decimal``.

    Probabilities are stored as ``Decimal`` so that ``amount × probability``
    stays exact. Floats *are* accepted here (a probability is a statistic, not
    money) and converted through their shortest ``repr``: ``0.6`` becomes
    ``Decimal("0.6")``.

    Args:
        value: A ``Decimal``, ``int``, ``float`` or numeric string.
        field: The field name to report in an error.

    Returns:
        The probability.

    Raises:
        InvalidProbabilityError: If the value is not a finite number in [0, 1].

    >>> to_probability(0.6)
    Decimal('0.6')
    >>> to_probability("1.2")
    Traceback (most recent call last):
    ...
    salesfunnel.errors.InvalidProbabilityError: probability: '1.2' is outside [0, 1]; give a share such as 0.6 (not a percentage such as 60)
    """
    try:
        result = _to_decimal(value, field=field, allow_float=True, what="probability", places=None)
    except (AmountTypeError, InvalidAmountError) as err:
        raise InvalidProbabilityError(
            f"{field}: {value!r} is not a probability; give a number in [0, 1]",
            field=field,
            value=value,
        ) from err
    if not 0 <= result <= 1:
        raise InvalidProbabilityError(
            f"{field}: {value!r} is outside [0, 1]; give a share such as 0.6 "
            "(not a percentage such as 60)",
            field=field,
            value=value,
        )
    exponent = result.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -PROBABILITY_PLACES:
        # finer than any forecast means; kept bounded so that amount x probability stays exact
        result = result.quantize(_PROBABILITY_STEP, rounding=ROUND_HALF_EVEN, context=_MONEY)
    return result + 0 if result.is_zero() else result
