"""The key-account worksheet's columns: what each holds, its scale, its normalisation.

Private module: the names are public through :mod:`salesfunnel.customers`.
"""

from __future__ import annotations

import enum
import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import attrs

from salesfunnel.customers._abc_rank import CustomerValueTypeError, InvalidCustomerValueError
from salesfunnel.errors import FunnelError
from salesfunnel.i18n import Lang, Text

__all__ = [
    "KEY_ACCOUNT_CRITERIA",
    "InvalidScaleError",
    "Normalisation",
    "Scale",
    "ScaleKind",
    "ScoreCriterion",
    "criteria_for",
    "normalise",
    "read_cell",
]


class InvalidScaleError(FunnelError, ValueError):
    """A scale whose bounds or normalisation do not fit together.

    Subclasses :class:`ValueError`: the bounds are numbers, just not usable ones.

    Attributes:
        scale: A description of the scale at fault.
    """

    def __init__(self, message: str, *, scale: str) -> None:
        super().__init__(message)
        self.scale = scale


class ScaleKind(enum.Enum):
    """What kind of figure a worksheet column holds."""

    #: Money: a Decimal or int, never a float (e.g. sales amount, profit).
    AMOUNT = "amount"
    #: A share in [0, 1] (e.g. our share of the customer's purchases).
    SHARE = "share"
    #: A rating between two bounds, e.g. 1 (poor) to 5 (excellent).
    RATING = "rating"
    #: Any finite number, e.g. a growth rate.
    NUMBER = "number"


class Normalisation(enum.Enum):
    """How a column's figures are mapped to [0, 1]."""

    #: ``(x - low) / (high - low)`` with the scale's fixed bounds: a customer's
    #: value does not depend on the other customers.
    BOUNDS = "bounds"
    #: ``x / max``: share of the best customer's figure (figures >= 0).
    MAX = "max"
    #: ``(x - min) / (max - min)`` over the customers scored (1 for everyone
    #: when all are equal).
    MIN_MAX = "min-max"


def _opt_decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise InvalidScaleError(f"a scale bound must be a number, got {value!r}", scale="bound")
    try:
        result = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise InvalidScaleError(
            f"a scale bound must be a number, got {value!r}", scale="bound"
        ) from None
    if not result.is_finite():
        raise InvalidScaleError(f"a scale bound must be finite, got {value!r}", scale="bound")
    return result


@attrs.frozen
class Scale:
    """The scale of one worksheet column: its kind, bounds and normalisation.

    Use the constructors :meth:`amount`, :meth:`share`, :meth:`rating` and
    :meth:`number`.

    Attributes:
        kind: What the figures are.
        low: The smallest allowed value (``None``: no lower bound).
        high: The largest allowed value (``None``: no upper bound).
        normalise: How figures become [0, 1].

    Raises:
        InvalidScaleError: For ``low >= high``, ``BOUNDS`` without both
            bounds, or ``MAX`` where figures may be negative.
    """

    kind: ScaleKind
    low: Decimal | None = attrs.field(converter=_opt_decimal)
    high: Decimal | None = attrs.field(converter=_opt_decimal)
    normalise: Normalisation

    def __attrs_post_init__(self) -> None:
        """Check that the bounds and the normalisation fit together."""
        if self.low is not None and self.high is not None and self.low >= self.high:
            raise InvalidScaleError(
                f"scale bounds must have low < high, got {self.low} and {self.high}",
                scale=self.describe(),
            )
        if self.normalise is Normalisation.BOUNDS and (self.low is None or self.high is None):
            raise InvalidScaleError(
                "normalising by bounds needs both a low and a high bound; "
                "use Normalisation.MIN_MAX for open scales",
                scale=self.describe(),
            )
        if self.normalise is Normalisation.MAX and (self.low is None or self.low < 0):
            raise InvalidScaleError(
                "normalising by the maximum needs figures of zero or more (low >= 0); "
                "use Normalisation.MIN_MAX when figures may be negative",
                scale=self.describe(),
            )

    @classmethod
    def amount(cls, *, negative: bool = False) -> Scale:
        """Money: Decimal or int; ``x / max`` (or min-max when it may be negative)."""
        if negative:
            return cls(ScaleKind.AMOUNT, None, None, Normalisation.MIN_MAX)
        return cls(ScaleKind.AMOUNT, 0, None, Normalisation.MAX)

    @classmethod
    def share(cls) -> Scale:
        """A share in [0, 1], used as it is."""
        return cls(ScaleKind.SHARE, 0, 1, Normalisation.BOUNDS)

    @classmethod
    def rating(cls, low: float | Decimal = 1, high: float | Decimal = 5) -> Scale:
        """A rating from ``low`` (worst) to ``high`` (best), 1–5 by default."""
        return cls(ScaleKind.RATING, low, high, Normalisation.BOUNDS)

    @classmethod
    def number(
        cls,
        *,
        low: float | Decimal | None = None,
        high: float | Decimal | None = None,
        normalise: Normalisation = Normalisation.MIN_MAX,
    ) -> Scale:
        """Any finite number within optional bounds, min-max normalised by default."""
        return cls(ScaleKind.NUMBER, low, high, normalise)

    def describe(self) -> str:
        """A short description such as ``"rating 1..5"``."""
        low = "" if self.low is None else str(self.low)
        high = "" if self.high is None else str(self.high)
        return f"{self.kind.value} {low}..{high}".strip()


@attrs.frozen
class ScoreCriterion:
    """One column of the key-account worksheet.

    Attributes:
        key: The column key used in the worksheet rows.
        text: Its name in English and Chinese.
        scale: Its :class:`Scale`.
        higher_is_better: ``False`` for a column where less is better; its
            normalised value is then ``1 - x``.
    """

    key: str
    text: Text
    scale: Scale
    higher_is_better: bool = True

    def label(self, lang: Lang = "en") -> str:
        """Return the column's name in ``lang``."""
        return self.text(lang)


def _c(key: str, en: str, zh: str, scale: Scale) -> ScoreCriterion:
    return ScoreCriterion(key, Text(en, zh), scale)


#: The worksheet's columns (§6.3, in its order) and the two §6.1 adds. Money is
#: read as money; the judgement columns are 1–5 ratings (5 best); share of
#: customer is our share of the customer's purchases in the category.
KEY_ACCOUNT_CRITERIA: tuple[ScoreCriterion, ...] = (
    _c("sales_amount", "Sales amount", "销售金额", Scale.amount()),
    _c("sales_profit", "Sales profit", "销售利润", Scale.amount(negative=True)),
    _c("growth_potential", "Growth potential", "成长潜力", Scale.rating()),
    _c("share_of_customer", "Share of customer", "客户占有", Scale.share()),
    _c("competitive_strategy", "Competitive strategy", "竞争策略", Scale.rating()),
    _c("market_position", "Market position", "市场地位", Scale.rating()),
    _c("industry_influence", "Industry influence", "行业影响", Scale.rating()),
    _c("loyalty", "Customer loyalty", "客户忠诚", Scale.rating()),
    _c("benefit_continuation", "Benefit continuation", "利益延续", Scale.rating()),
    _c("credit_standing", "Credit standing", "信誉", Scale.rating()),
    _c("publicity_effect", "Advertising and publicity effect", "广告宣传作用", Scale.rating()),
)


def criteria_for(*keys: str) -> tuple[ScoreCriterion, ...]:
    """Pick columns of :data:`KEY_ACCOUNT_CRITERIA` by key, in the order given.

    Raises:
        KeyError: For a key that is not a worksheet column.

    >>> [c.key for c in criteria_for("loyalty", "sales_amount")]
    ['loyalty', 'sales_amount']
    """
    by_key = {c.key: c for c in KEY_ACCOUNT_CRITERIA}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        raise KeyError(f"no worksheet column {unknown[0]!r}; the columns are {', '.join(by_key)}")
    return tuple(by_key[k] for k in keys)


def read_cell(criterion: ScoreCriterion, customer: object, value: object) -> Fraction:
    """Check one cell against its column's scale and return it exactly.

    Raises:
        CustomerValueTypeError: For a value of the wrong type (money as float).
        InvalidCustomerValueError: For a value that is not finite or is
            outside the scale.
    """
    scale = criterion.scale
    where = f"customer {customer!r}, {criterion.key}"
    money = scale.kind is ScaleKind.AMOUNT
    exact: Fraction | None = None
    if isinstance(value, bool):
        exact = None
    elif isinstance(value, (int, Decimal, Fraction)):
        if isinstance(value, Decimal) and not value.is_finite():
            raise InvalidCustomerValueError(
                f"{where}: expected a finite number, got {value!r}",
                key=customer,
                value=value,
                criterion=criterion.key,
            )
        exact = None if money and isinstance(value, Fraction) else Fraction(value)
    elif isinstance(value, float) and not money:
        if not math.isfinite(value):
            raise InvalidCustomerValueError(
                f"{where}: expected a finite number, got {value!r}",
                key=customer,
                value=value,
                criterion=criterion.key,
            )
        exact = Fraction(Decimal(repr(value)))
    if exact is None:
        hint = "Decimal or int (money is never a float)" if money else "number"
        raise CustomerValueTypeError(
            f"{where}: expected a {hint}, got {type(value).__name__} {value!r}",
            key=customer,
            value=value,
            criterion=criterion.key,
        )
    if (scale.low is not None and exact < scale.low) or (
        scale.high is not None and exact > scale.high
    ):
        raise InvalidCustomerValueError(
            f"{where}: {value!r} is outside the scale ({scale.describe()})",
            key=customer,
            value=value,
            criterion=criterion.key,
        )
    return exact


def normalise(scale: Scale, values: list[Fraction]) -> list[float]:
    """Map one column's exact values to [0, 1] by the scale's normalisation."""
    if scale.normalise is Normalisation.BOUNDS:
        low, high = Fraction(scale.low or 0), Fraction(scale.high or 0)
        return [float((v - low) / (high - low)) for v in values]
    if scale.normalise is Normalisation.MAX:
        top = max(values)
        return [float(v / top) if top else 0.0 for v in values]
    low, high = min(values), max(values)
    return [float((v - low) / (high - low)) if high > low else 1.0 for v in values]
