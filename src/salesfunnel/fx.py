"""Dated exchange rates: converting money to one reporting currency, never silently.

An :class:`ExchangeRates` holds :class:`Rate` values, each "one unit of
``base`` is worth ``rate`` units of ``quote`` from date ``on``". The rate in
force on a day is the latest one dated on or before it (rates published on
business days carry over weekends and holidays); ``max_age_days`` caps how
old that may be. A rate given one way is used the other way too (inverted).
When no rate is in force, :class:`MissingRateError` names the currency and
the date; nothing is ever added across currencies without a rate.

>>> from datetime import date
>>> rates = ExchangeRates.to(
...     "CNY",
...     {
...         date(2026, 7, 1): {"USD": "7.12", "EUR": "7.75"},
...         date(2026, 9, 30): {"USD": "7.05"},
...     },
... )
>>> rates.rate("USD", "CNY", on=date(2026, 8, 15))
Decimal('7.12')
>>> rates.convert(Decimal("1000"), "USD", "CNY", on=date(2026, 9, 30))
Decimal('7050.00')
>>> rates.convert(Decimal("1000"), "EUR", "CNY", on=date(2026, 6, 30))
Traceback (most recent call last):
...
salesfunnel.fx.MissingRateError: no EUR->CNY exchange rate on or before 2026-06-30 (rates for this pair start on 2026-07-01); add Rate(date(2026, 6, 30), 'EUR', 'CNY', ...) or an earlier one
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from types import MappingProxyType
from typing import Protocol

import attrs

from salesfunnel.calendar import check_date
from salesfunnel.errors import FunnelError
from salesfunnel.money import Currency, currency_code, money_context, to_amount

__all__ = [
    "ExchangeRates",
    "InvalidRateError",
    "MissingRateError",
    "Priced",
    "Rate",
]

#: Converted amounts are rounded half-even to this many decimal places (cents).
CENTS = Decimal("0.01")


class MissingRateError(FunnelError, LookupError):
    """No exchange rate in force for a currency pair on a date.

    Subclasses :class:`LookupError`: the rate is looked up by pair and date
    and is not there.

    Attributes:
        currency: The currency converted from.
        to: The currency converted to.
        on: The date a rate was needed for.
    """

    def __init__(self, message: str, *, currency: str, to: str, on: date) -> None:
        super().__init__(message)
        self.currency = currency
        self.to = to
        self.on = on


class InvalidRateError(FunnelError, ValueError):
    """An exchange rate that cannot be used: zero, negative, or contradicting another.

    Subclasses :class:`ValueError`: the rate is a number, but not a usable one.

    Attributes:
        base: The rate's base currency.
        quote: The rate's quote currency.
        on: The rate's date.
    """

    def __init__(self, message: str, *, base: str, quote: str, on: date) -> None:
        super().__init__(message)
        self.base = base
        self.quote = quote
        self.on = on


def _rate_value(value: object) -> Decimal:
    return to_amount(value, field="rate")


def _on(value: object) -> date:
    return check_date(value, field="on")


def _base(value: object) -> Currency:
    return currency_code(value, field="base")


def _quote(value: object) -> Currency:
    return currency_code(value, field="quote")


class Priced(Protocol):
    """What :meth:`ExchangeRates.converter` converts: an opportunity, or anything with these."""

    @property
    def amount(self) -> Decimal:
        """The amount."""

    @property
    def currency(self) -> str:
        """Its ISO 4217 currency."""

    @property
    def closed_on(self) -> date | None:
        """The day it was won or lost, or ``None`` while open."""


@attrs.frozen
class Rate:
    """One exchange rate: 1 ``base`` = ``rate`` ``quote``, in force from ``on``.

    Attributes:
        on: The date the rate applies from.
        base: The currency converted from (ISO 4217).
        quote: The currency converted to (ISO 4217).
        rate: How many units of ``quote`` one unit of ``base`` is worth
            (``Decimal``; a string such as ``"7.12"`` is accepted).

    Raises:
        InvalidRateError: For a zero rate or a pair of one currency.
        CurrencyError: For a code that is not ISO 4217.
        AmountTypeError: For a float rate (pass a string or ``Decimal``).
    """

    on: date = attrs.field(converter=_on)
    base: Currency = attrs.field(converter=_base)
    quote: Currency = attrs.field(converter=_quote)
    rate: Decimal = attrs.field(converter=_rate_value)

    def __attrs_post_init__(self) -> None:
        """Refuse a zero rate and a pair of one currency."""
        if self.base == self.quote:
            raise InvalidRateError(
                f"rate {self.base}->{self.quote} on {self.on}: a currency needs no "
                "rate to itself; leave it out",
                base=self.base,
                quote=self.quote,
                on=self.on,
            )
        if self.rate.is_zero():
            raise InvalidRateError(
                f"rate {self.base}->{self.quote} on {self.on} is zero; give how many "
                f"{self.quote} one {self.base} is worth",
                base=self.base,
                quote=self.quote,
                on=self.on,
            )


def _rates(value: Iterable[Rate]) -> tuple[Rate, ...]:
    return tuple(sorted(value, key=lambda r: (r.base, r.quote, r.on)))


def _max_age(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRateError(
            f"max_age_days: {value!r}; give a whole number of days (0 = same day only) or None",
            base="",
            quote="",
            on=date.min,
        )
    return value


def _index(rates: tuple[Rate, ...]) -> Mapping[tuple[str, str], tuple[list[date], list[Decimal]]]:
    """Index rates by pair, both ways; a direct rate wins over an inverted one."""
    direct: dict[tuple[str, str], dict[date, Decimal]] = {}
    for r in rates:
        pair = direct.setdefault((r.base, r.quote), {})
        if r.on in pair and pair[r.on] != r.rate:
            raise InvalidRateError(
                f"two {r.base}->{r.quote} rates on {r.on}: {pair[r.on]} and {r.rate}; keep one",
                base=r.base,
                quote=r.quote,
                on=r.on,
            )
        pair[r.on] = r.rate
    both = {pair: dict(days) for pair, days in direct.items()}
    with money_context():
        for (base, quote), days in direct.items():
            inverse = both.setdefault((quote, base), {})
            for day, value in days.items():
                inverse.setdefault(day, Decimal(1) / value)
    return MappingProxyType(
        {pair: (sorted(days), [days[d] for d in sorted(days)]) for pair, days in both.items()}
    )


@attrs.frozen
class ExchangeRates:
    """A set of dated exchange rates.

    Attributes:
        rates: The :class:`Rate` values, in any order.
        max_age_days: The oldest a rate may be on the day it is used (``0``:
            only a rate of that very day; ``None``: no limit).

    Raises:
        InvalidRateError: For two different rates of one pair on one day, or
            a bad ``max_age_days``.
    """

    rates: tuple[Rate, ...] = attrs.field(default=(), converter=_rates)
    max_age_days: int | None = attrs.field(default=None, converter=_max_age)
    _by_pair: Mapping[tuple[str, str], tuple[list[date], list[Decimal]]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        """Index the rates by currency pair."""
        object.__setattr__(self, "_by_pair", _index(self.rates))

    @classmethod
    def to(
        cls,
        quote: str,
        table: Mapping[date, Mapping[str, object]],
        *,
        max_age_days: int | None = None,
    ) -> ExchangeRates:
        """Build rates into one currency from ``{date: {currency: rate}}``.

        Args:
            quote: The currency every rate converts into.
            table: For each date, how many ``quote`` one unit of each currency
                is worth.
            max_age_days: See the class.
        """
        return cls(
            (
                Rate(on, base, quote, value)
                for on, row in table.items()
                for base, value in row.items()
            ),
            max_age_days=max_age_days,
        )

    @property
    def currencies(self) -> frozenset[Currency]:
        """Every currency named by a rate."""
        return frozenset(c for r in self.rates for c in (r.base, r.quote))

    def rate(self, currency: str, to: str, *, on: date) -> Decimal:
        """Return how many ``to`` one ``currency`` is worth on ``on``.

        One currency to itself is 1. Otherwise the latest rate dated on or
        before ``on`` is used, the given pair or its inverse.

        Raises:
            MissingRateError: When no rate is in force (none on or before
                ``on``, or the latest is older than ``max_age_days``).
            InvalidDateError: If ``on`` is not a plain date.
            CurrencyError: For a code that is not ISO 4217.
        """
        source = currency_code(currency)
        target = currency_code(to, field="to")
        on = check_date(on, field="on")
        if source == target:
            return Decimal(1)
        days, values = self._by_pair.get((source, target), ([], []))
        i = bisect.bisect_right(days, on)
        if i == 0:
            since = f" (rates for this pair start on {days[0]})" if days else ""
            raise MissingRateError(
                f"no {source}->{target} exchange rate on or before {on}{since}; add "
                f"Rate(date({on.year}, {on.month}, {on.day}), {source!r}, {target!r}, ...) "
                "or an earlier one",
                currency=source,
                to=target,
                on=on,
            )
        found = days[i - 1]
        if self.max_age_days is not None and (on - found).days > self.max_age_days:
            raise MissingRateError(
                f"the latest {source}->{target} exchange rate before {on} is from "
                f"{found}, older than max_age_days={self.max_age_days}; add a rate "
                f"dated {on} or within {self.max_age_days} days before it",
                currency=source,
                to=target,
                on=on,
            )
        return values[i - 1]

    def convert(
        self, amount: Decimal, currency: str, to: str, *, on: date, places: Decimal = CENTS
    ) -> Decimal:
        """Convert ``amount`` of ``currency`` into ``to`` at the rate in force on ``on``.

        A converted amount is rounded half-even to ``places`` (cents by
        default); an amount already in ``to`` is returned unchanged. The
        arithmetic runs in :func:`~salesfunnel.money.money_context`, whatever
        the caller's :mod:`decimal` context.

        Raises:
            MissingRateError: When no rate is in force (see :meth:`rate`).
        """
        factor = self.rate(currency, to, on=on)
        if currency_code(currency) == currency_code(to, field="to"):
            return amount
        with money_context():
            return (amount * factor).quantize(places, rounding=ROUND_HALF_EVEN)

    def converter(self, to: str, *, on: date) -> Callable[[Priced], Decimal]:
        """Return a function giving an opportunity's amount in ``to``, dated as forecasts are.

        An open deal converts at the rate in force on ``on`` (the reporting
        cutoff); a deal won or lost on or before ``on`` (one with
        ``closed_on``, including a deal read without a stage history) at the
        rate of the day it closed. A deal that closed after ``on`` was open
        then, and converts at the rate of ``on``. This is the convention of
        :func:`~salesfunnel.forecasting.rollup.forecast`, offered for the pipeline maths
        (``weighted_value(..., convert=rates.converter("CNY", on=cutoff))``).

        >>> from salesfunnel.datasets import SAMPLE_AS_OF, SAMPLE_RATES, sample_pipeline
        >>> to_cny = SAMPLE_RATES.converter("CNY", on=SAMPLE_AS_OF)
        >>> deal = next(o for o in sample_pipeline() if o.currency == "USD")
        >>> to_cny(deal) == SAMPLE_RATES.convert(
        ...     deal.amount, "USD", "CNY", on=deal.closed_on or SAMPLE_AS_OF
        ... )
        True
        """
        target = currency_code(to, field="to")
        cutoff = check_date(on, field="on")

        def convert(opportunity: Priced) -> Decimal:
            closed = opportunity.closed_on
            when = closed if closed is not None and closed <= cutoff else cutoff
            return self.convert(opportunity.amount, opportunity.currency, target, on=when)

        return convert
