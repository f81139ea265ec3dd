"""The loyalty effect: why a customer grows more profitable the longer it stays.

The source course closes its key-account unit with a chart of the profit one
customer brings in each year of the relationship (公司的利润 / 客户持续的时间):
the company pays to acquire the customer in year 0, then earns a **base
profit** every year, plus profit from **increased purchases** as the customer
buys more, from **lower operating cost** as serving a known customer gets
cheaper, from **referrals** of new customers, and from a **price premium**
loyal customers pay. :class:`LoyaltyModel` holds those figures;
:func:`lifetime_profit` turns them into the value of a newly acquired
customer, given how likely customers are to stay each year (the retention
rate) and how much less future money is worth (the discount rate);
:func:`retention_effect` shows what raising retention is worth.

The conventions, stated once:

* Year 0 is the acquisition: ``-acquisition_cost``, not discounted.
* The profit of year *t* (1, 2, …) is earned at the end of that year if the
  customer is still there: every customer is there in year 1, and each stays
  into the next year with probability ``retention``, so year *t* is weighted
  by ``retention ** (t - 1)`` and discounted by ``(1 + discount) ** t``.
* Both rates are in [0, 1). Beyond the years listed, the last year's profit
  continues: pass ``horizon=`` for a fixed number of years, or
  ``perpetual=True`` for a customer who may stay for ever (a geometric tail
  that converges because retention is below 1).
* Money is :class:`~decimal.Decimal`; rates may be ``Decimal``, ``int``, a
  numeric string or a ``float`` (rates are statistics). Results are rounded
  to cents (``quantum=``) with banker's rounding.

With the figures Reichheld and Sasser (1990) reported for a credit-card
issuer (about $60 to acquire a customer; profits of $30, $42, $44, $50 and
$56 in years one to five):

>>> model = LoyaltyModel.from_totals(60, [30, 42, 44, 50, 56], currency="USD")
>>> lifetime_profit(model, retention="0.8", discount="0.1")
Decimal('47.93')
>>> effect = retention_effect(model, retention="0.8", to="0.85", discount="0.1")
>>> effect.after, f"{effect.change_ratio:.0%}"
(Decimal('59.78'), '25%')
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation, localcontext

import attrs

from salesfunnel.errors import (
    AmountTypeError,
    FunnelError,
    InvalidAmountError,
    InvalidProbabilityError,
    InvalidResultError,
)
from salesfunnel.i18n import Lang, Text, check_lang
from salesfunnel.money import Currency, currency_code, to_amount, to_probability
from salesfunnel.tables import Cell, Table, Tabular

__all__ = [
    "CENT",
    "InvalidLoyaltyModelError",
    "LoyaltyModel",
    "ProfitSource",
    "RateOutOfRangeError",
    "RetentionEffect",
    "YearProfit",
    "expected_tenure",
    "lifetime_profit",
    "retention_effect",
    "to_rate",
]

#: The default rounding step of results: one cent (0.01 of the currency unit).
CENT = Decimal("0.01")


class RateOutOfRangeError(FunnelError, ValueError):
    """A retention or discount rate outside [0, 1), or not a number.

    Subclasses :class:`ValueError`: the rate's value is what is wrong. A rate
    of 1 is refused too: a customer kept for ever with certainty, or money
    worth nothing a year later, makes a lifetime value meaningless.

    Attributes:
        field: The parameter the rate was given for.
        value: The value that was rejected.
    """

    def __init__(self, message: str, *, field: str, value: object) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class InvalidLoyaltyModelError(FunnelError, ValueError):
    """A loyalty model or question that cannot be answered as built.

    Examples: a model with no years, a horizon of zero years, or both
    ``horizon`` and ``perpetual`` given.

    Attributes:
        field: The field or parameter at fault.
    """

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def to_rate(value: object, *, field: str) -> Decimal:
    """Convert ``value`` to a rate in [0, 1), kept as a ``Decimal``.

    Floats are converted through their shortest ``repr`` (``0.1`` becomes
    ``Decimal("0.1")``), as for probabilities.

    Raises:
        RateOutOfRangeError: For anything that is not a finite number in [0, 1).

    >>> to_rate("0.9", field="retention")
    Decimal('0.9')
    >>> to_rate(10, field="discount")
    Traceback (most recent call last):
    ...
    salesfunnel.key_accounts.loyalty.RateOutOfRangeError: discount: 10 is outside [0, 1); give a rate such as 0.1 (not a percentage such as 10)
    """
    try:
        rate = to_probability(value, field=field)
    except InvalidProbabilityError:
        rate = None
    if rate is None or rate == 1:
        shown = value if not isinstance(value, str) else repr(value)
        raise RateOutOfRangeError(
            f"{field}: {shown} is outside [0, 1); give a rate such as 0.1 "
            "(not a percentage such as 10)",
            field=field,
            value=value,
        )
    return rate


def _profit(value: object, field: str) -> Decimal:
    """A signed money amount: a loss year is a negative profit."""
    if isinstance(value, (bool, float)) or not isinstance(value, (int, Decimal, str)):
        raise AmountTypeError(
            f"{field}: a profit is a Decimal, int or numeric string, got "
            f"{type(value).__name__} {value!r}; pass Decimal('{value}') so it is exact",
            field=field,
            value=value,
        )
    try:
        result = (
            Decimal(value.strip().replace("_", "")) if isinstance(value, str) else Decimal(value)
        )
    except InvalidOperation:
        raise InvalidAmountError(
            f"{field}: {value!r} is not a number; write it like '42.50'",
            field=field,
            value=value,
        ) from None
    if not result.is_finite():
        raise InvalidAmountError(
            f"{field}: a profit must be finite, got {value!r}", field=field, value=value
        )
    return result + 0 if result.is_zero() else result


class ProfitSource(enum.Enum):
    """Where a year's profit from a customer comes from (the source's chart)."""

    #: 基本利润 — what any customer of the product earns us.
    BASE = "base"
    #: 购买增加带来的利润 — the customer buys more as the relationship grows.
    INCREASED_PURCHASES = "increased_purchases"
    #: 营业费用减少带来的利润 — a known customer costs less to serve.
    LOWER_COSTS = "lower_costs"
    #: 被推荐客户带来的利润 — the customer sends us new customers.
    REFERRALS = "referrals"
    #: 提高价格带来的利润 — loyal customers pay more (are less price-sensitive).
    PRICE_PREMIUM = "price_premium"

    def label(self, lang: Lang = "en") -> str:
        """Return the source's name in ``lang``."""
        return _SOURCE_TEXT[self](lang)


_SOURCE_TEXT = {
    ProfitSource.BASE: Text("Base profit", "基本利润"),
    ProfitSource.INCREASED_PURCHASES: Text("Profit from increased purchases", "购买增加带来的利润"),
    ProfitSource.LOWER_COSTS: Text("Profit from lower operating cost", "营业费用减少带来的利润"),
    ProfitSource.REFERRALS: Text("Profit from referrals", "被推荐客户带来的利润"),
    ProfitSource.PRICE_PREMIUM: Text("Profit from price premium", "提高价格带来的利润"),
}


def _base(value: object) -> Decimal:
    return _profit(value, "base")


def _increased(value: object) -> Decimal:
    return _profit(value, "increased_purchases")


def _lower(value: object) -> Decimal:
    return _profit(value, "lower_costs")


def _referrals(value: object) -> Decimal:
    return _profit(value, "referrals")


def _premium(value: object) -> Decimal:
    return _profit(value, "price_premium")


_ZERO = Decimal(0)


@attrs.frozen
class YearProfit:
    """The profit one customer brings in one year, by source.

    Each part may be negative (a year that loses money); a ``float`` is
    refused, as for any money.

    Attributes:
        base: Base profit.
        increased_purchases: Profit from increased purchases.
        lower_costs: Profit from lower operating cost.
        referrals: Profit from referrals.
        price_premium: Profit from a price premium.
    """

    base: Decimal = attrs.field(default=_ZERO, converter=_base)
    increased_purchases: Decimal = attrs.field(default=_ZERO, converter=_increased)
    lower_costs: Decimal = attrs.field(default=_ZERO, converter=_lower)
    referrals: Decimal = attrs.field(default=_ZERO, converter=_referrals)
    price_premium: Decimal = attrs.field(default=_ZERO, converter=_premium)

    @property
    def total(self) -> Decimal:
        """The year's profit, all sources together."""
        return sum((self.part(s) for s in ProfitSource), _ZERO)

    def part(self, source: ProfitSource) -> Decimal:
        """Return the profit from ``source``."""
        value: Decimal = getattr(self, source.value)
        return value


def _years(value: Iterable[YearProfit]) -> tuple[YearProfit, ...]:
    return tuple(value)


def _cost(value: object) -> Decimal:
    return to_amount(value, field="acquisition_cost")


def _currency(value: object) -> Currency | None:
    return None if value is None else currency_code(value)


@attrs.frozen
class LoyaltyModel(Tabular):
    """The profit a customer brings in each year of the relationship.

    Attributes:
        acquisition_cost: What it costs to win the customer (year 0), zero
            or more.
        years: The profit of years 1, 2, … by source; at least one year.
        currency: The ISO 4217 currency of the amounts, if you want it shown.

    Raises:
        InvalidLoyaltyModelError: For no years, or a year that is not a
            :class:`YearProfit`.
        InvalidAmountError: For a negative acquisition cost.
        AmountTypeError: For a float amount.

    >>> m = LoyaltyModel(50, [YearProfit(base=20), YearProfit(base=20, referrals=5)])
    >>> [m.profit(t) for t in range(4)]
    [Decimal('-50'), Decimal('20'), Decimal('25'), Decimal('25')]
    """

    acquisition_cost: Decimal = attrs.field(converter=_cost)
    years: tuple[YearProfit, ...] = attrs.field(converter=_years)
    currency: Currency | None = attrs.field(default=None, converter=_currency)

    @years.validator
    def _check_years(self, _attr: object, value: tuple[YearProfit, ...]) -> None:
        if not value:
            raise InvalidLoyaltyModelError(
                "a loyalty model needs the profit of at least year 1", field="years"
            )
        for i, year in enumerate(value, start=1):
            if not isinstance(year, YearProfit):
                raise InvalidLoyaltyModelError(
                    f"year {i} is {type(year).__name__}; use YearProfit(base=..., ...) "
                    "or LoyaltyModel.from_totals(...)",
                    field="years",
                )

    @classmethod
    def from_totals(
        cls,
        acquisition_cost: Decimal | int | str,
        profits: Iterable[Decimal | int | str],
        *,
        currency: str | None = None,
    ) -> LoyaltyModel:
        """Build a model from total profits per year, without the split by source.

        The totals are kept as base profit.
        """
        return cls(acquisition_cost, [YearProfit(base=p) for p in profits], currency)

    def __len__(self) -> int:
        """Return the number of years listed (year 0 not counted)."""
        return len(self.years)

    def year(self, t: int) -> YearProfit:
        """Return the profit of year ``t`` >= 1 by source; the last listed year repeats."""
        if isinstance(t, bool) or not isinstance(t, int) or t < 1:
            raise InvalidLoyaltyModelError(
                f"year {t!r}: years of profit are 1, 2, …; year 0 is the acquisition",
                field="year",
            )
        return self.years[min(t, len(self.years)) - 1]

    def profit(self, t: int) -> Decimal:
        """Return the profit of year ``t``: ``-acquisition_cost`` for year 0."""
        if t == 0 and not isinstance(t, bool):
            return -self.acquisition_cost
        return self.year(t).total

    def profits(self, horizon: int | None = None) -> Iterator[Decimal]:
        """Yield the profit of years 0 to ``horizon`` (default: the years listed)."""
        last = len(self.years) if horizon is None else _horizon(horizon)
        return (self.profit(t) for t in range(last + 1))

    def cumulative(self, horizon: int | None = None) -> tuple[Decimal, ...]:
        """Return the running total of profit from year 0, undiscounted."""
        return tuple(itertools.accumulate(self.profits(horizon)))

    def breakeven_year(self, horizon: int | None = None) -> int | None:
        """Return the first year the running total is zero or more (``None`` if never).

        >>> LoyaltyModel.from_totals(60, [30, 42, 44]).breakeven_year()
        2
        """
        return next((t for t, c in enumerate(self.cumulative(horizon)) if c >= 0), None)

    def table(self, lang: Lang = "en", *, horizon: int | None = None) -> Table:
        """Return the year-by-year profit by source, with totals and the running total."""
        lang = check_lang(lang)
        en = lang == "en"
        last = len(self.years) if horizon is None else _horizon(horizon)
        unit = f" ({self.currency})" if self.currency else ""
        headers = (
            "year" if en else "年份",
            *(s.label(lang) for s in ProfitSource),
            "total" if en else "合计",
            "cumulative" if en else "累计",
        )
        running = self.cumulative(last)
        rows: list[tuple[int | Decimal | None, ...]] = [
            (0, *(None for _ in ProfitSource), self.profit(0), running[0])
        ]
        for t in range(1, last + 1):
            year = self.year(t)
            rows.append((t, *(year.part(s) for s in ProfitSource), year.total, running[t]))
        title = (
            f"Profit per customer by year of the relationship{unit}"
            if en
            else f"客户持续时间与每位客户带来的利润{unit}"
        )
        note = "year 0: acquisition cost" if en else "第0年：获取客户的成本"
        return Table(title, headers, rows, note)


def _horizon(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidLoyaltyModelError(
            f"horizon must be a whole number of years, 1 or more, got {value!r}",
            field="horizon",
        )
    return value


def _round(value: Decimal, quantum: Decimal | None) -> Decimal:
    result = value if quantum is None else value.quantize(quantum)
    return result + 0 if result.is_zero() else result


def lifetime_profit(
    model: LoyaltyModel,
    *,
    retention: Decimal | float | str,
    discount: Decimal | float | str,
    horizon: int | None = None,
    perpetual: bool = False,
    quantum: Decimal | None = CENT,
) -> Decimal:
    """Return the expected, discounted lifetime profit of a newly acquired customer.

    ``-acquisition_cost + sum(profit[t] * retention**(t-1) / (1+discount)**t)``
    over the years (see the module docstring for the conventions).

    Args:
        model: The profit per year.
        retention: The share of customers who stay from one year to the
            next, in [0, 1).
        discount: The yearly discount rate (cost of capital), in [0, 1).
        horizon: How many years to count (default: the years listed); years
            beyond the list repeat the last one.
        perpetual: Count every year for ever, the last listed year's profit
            repeating (not with ``horizon``).
        quantum: The rounding step of the result (``None``: not rounded).

    Returns:
        The lifetime profit, in the model's currency. When every yearly
        profit after year 1 is zero or more, it never falls as retention
        rises, and never rises as the discount rate rises.

    Raises:
        RateOutOfRangeError: For a rate outside [0, 1).
        InvalidLoyaltyModelError: For a horizon below 1, or both ``horizon``
            and ``perpetual``.

    >>> m = LoyaltyModel.from_totals(100, [50])
    >>> lifetime_profit(m, retention="0.5", discount=0, perpetual=True)
    Decimal('0.00')
    """
    r = to_rate(retention, field="retention")
    d = to_rate(discount, field="discount")
    if perpetual and horizon is not None:
        raise InvalidLoyaltyModelError(
            "give horizon= (a fixed number of years) or perpetual=True, not both",
            field="horizon",
        )
    years = len(model.years) if horizon is None else _horizon(horizon)
    with localcontext() as ctx:
        ctx.prec = 40
        growth = 1 + d
        total = -model.acquisition_cost
        survive, factor = Decimal(1), Decimal(1)
        for t in range(1, years + 1):
            factor *= growth
            total += model.profit(t) * survive / factor
            survive *= r
        if perpetual:
            # years n+1, n+2, … at the last profit: p * r**n / ((1+d)**n * (1+d-r))
            total += model.years[-1].total * survive / (factor * (growth - r))
        return _round(+total, quantum)


def expected_tenure(retention: Decimal | float | str) -> Decimal:
    """Return the expected number of years a new customer stays: ``1 / (1 - retention)``.

    >>> expected_tenure("0.8")
    Decimal('5')
    """
    r = to_rate(retention, field="retention")
    return 1 / (1 - r)


@attrs.frozen
class RetentionEffect(Tabular):
    """What raising the retention rate does to a customer's lifetime profit.

    Attributes:
        retention: The retention rate before.
        to: The retention rate after.
        discount: The discount rate used.
        before: The lifetime profit at ``retention``.
        after: The lifetime profit at ``to``.

    The three rates are in [0, 1) and the profits finite
    (:class:`~salesfunnel.errors.InvalidResultError` otherwise).
    """

    retention: Decimal
    to: Decimal
    discount: Decimal
    before: Decimal
    after: Decimal

    def __attrs_post_init__(self) -> None:
        """Refuse rates outside [0, 1) and profits that are not finite Decimals."""
        for name in ("retention", "to", "discount"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value < 1:
                raise InvalidResultError(
                    "RetentionEffect", name, f"is {value!r}, not a rate in [0, 1)"
                )
        for name in ("before", "after"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite():
                raise InvalidResultError(
                    "RetentionEffect", name, f"is {value!r}, not a finite Decimal"
                )

    @property
    def change(self) -> Decimal:
        """``after - before``."""
        return self.after - self.before

    @property
    def change_ratio(self) -> float | None:
        """The change as a share of ``abs(before)`` (``None`` when ``before`` is 0).

        A float: it is a statistic to read, not money to add up.
        """
        if self.before == 0:
            return None
        return float(self.change / abs(self.before))

    def table(self, lang: Lang = "en") -> Table:
        """Return the lifetime profit at both retention rates, and the change, for display."""
        en = check_lang(lang) == "en"
        ratio = self.change_ratio
        headers = ("", "before", "after", "change") if en else ("", "之前", "之后", "变化")
        rows: list[tuple[str, Cell, Cell, Cell]] = [
            (
                "retention rate" if en else "客户保持率",
                f"{self.retention:.0%}",
                f"{self.to:.0%}",
                "",
            ),
            (
                "lifetime profit per customer" if en else "每位客户的终身利润",
                self.before,
                self.after,
                self.change,
            ),
            ("change" if en else "变化幅度", "", "", "" if ratio is None else f"{ratio:+.0%}"),
        ]
        title = "What raising retention is worth" if en else "提高客户保持率的价值"
        note = f"discount rate {self.discount:.0%}" if en else f"贴现率 {self.discount:.0%}"
        return Table(title, headers, rows, note)

    def explain(self, lang: Lang = "en") -> str:
        """Describe the effect in one sentence in ``lang``."""
        lang = check_lang(lang)
        ratio = self.change_ratio
        if lang == "en":
            pct = "" if ratio is None else f" ({ratio:+.0%})"
            return (
                f"Raising retention from {self.retention:.0%} to {self.to:.0%} changes "
                f"lifetime profit per customer from {self.before} to {self.after}{pct}."
            )
        pct = "" if ratio is None else f"（{ratio:+.0%}）"
        return (
            f"将客户保留率从{self.retention:.0%}提高到{self.to:.0%}，每位客户的终身利润"
            f"从{self.before}变为{self.after}{pct}。"
        )


def retention_effect(
    model: LoyaltyModel,
    *,
    retention: Decimal | float | str,
    to: Decimal | float | str,
    discount: Decimal | float | str,
    horizon: int | None = None,
    perpetual: bool = False,
    quantum: Decimal | None = CENT,
) -> RetentionEffect:
    """Compare lifetime profit at two retention rates (see :func:`lifetime_profit`).

    Raises:
        RateOutOfRangeError: For a rate outside [0, 1).

    >>> m = LoyaltyModel.from_totals(60, [30, 42, 44, 50, 56])
    >>> print(retention_effect(m, retention="0.8", to="0.9", discount="0.1").explain())
    Raising retention from 80% to 90% changes lifetime profit per customer from 47.93 to 73.00 (+52%).
    """
    r0 = to_rate(retention, field="retention")
    r1 = to_rate(to, field="to")
    d = to_rate(discount, field="discount")

    def value(r: Decimal) -> Decimal:
        return lifetime_profit(
            model, retention=r, discount=d, horizon=horizon, perpetual=perpetual, quantum=quantum
        )

    return RetentionEffect(retention=r0, to=r1, discount=d, before=value(r0), after=value(r1))
