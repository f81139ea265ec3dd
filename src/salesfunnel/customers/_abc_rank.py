"""The engine under ABC analysis: checking figures, exact scaling, ranking, shares.

Private: :mod:`salesfunnel.customers.abc_classes` is the public face. Everything here works on
whole lists at C speed (``map``, ``sorted``, ``accumulate``, ``bisect``) so
that a million customers take a couple of seconds, and it is exact where the
input is exact:

* Decimal (and int) figures are turned into integers **once**: the exact sum
  of the figures carries the smallest exponent among them, so multiplying every
  figure by ``10 ** -exponent`` gives integers with the same order and ratios.
  Ranking, running totals, threshold tests and curve geometry are then integer
  arithmetic; no per-customer Decimal division ever happens.
* Floats (allowed for non-money figures) stay floats: statistics, not money.
* Shares are rounded from the exact running totals, and each customer's share
  is the difference of two rounded running shares, so the shares add up to
  exactly 1 (the "cumulative rounding" apportionment).
"""

from __future__ import annotations

import functools
import math
import numbers
import operator
from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Mapping, Sequence
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from fractions import Fraction
from itertools import accumulate, chain, compress, islice
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar, Union

import attrs

from salesfunnel.errors import FunnelError
from salesfunnel.money import MAX_INTEGER_DIGITS
from salesfunnel.money import MAX_PLACES as AMOUNT_PLACES

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = [
    "LETTERS",
    "MAX_PLACES",
    "CustomerValueTypeError",
    "Figure",
    "InvalidCustomerValueError",
    "InvalidThresholdsError",
    "Ranking",
    "check_places",
    "check_thresholds",
    "rank",
    "to_fraction",
]

#: A customer figure: an exact ``Decimal`` or ``int``, or a ``float`` for
#: non-money figures such as volumes measured in tonnes.
Figure: TypeAlias = Union[Decimal, int, float]  # noqa: UP007

K = TypeVar("K", bound=Hashable)

#: A context in which Decimal addition and scaling never round.
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
#: Sums of figures within the bounds of an amount are exact in 60 digits; one
#: beyond them is inexact at once, instead of a sum of a million digits.
_BOUNDED = Context(prec=60, traps=[InvalidOperation, Inexact, Overflow, DivisionByZero])
#: An integer figure is shown by its number of digits up to this many bits
#: (Python refuses to write out an integer of more than 4 300 digits).
_SHOWN_BITS = 10_000
#: Whole-number figures stay below a quintillion, as amounts do.
_INT_BOUND = 10**MAX_INTEGER_DIGITS


class InvalidCustomerValueError(FunnelError, ValueError):
    """A customer figure that is negative, NaN or infinite.

    Subclasses :class:`ValueError`: the figure is a number of the right kind,
    but not a usable one (a share of a total needs non-negative, finite parts).

    Attributes:
        key: The customer whose figure was rejected.
        value: The figure.
        criterion: The criterion (``"revenue"``, a worksheet column ...) the
            figure was given for, or ``None``.
    """

    def __init__(self, message: str, *, key: object, value: object, criterion: str | None) -> None:
        super().__init__(message)
        self.key = key
        self.value = value
        self.criterion = criterion


class CustomerValueTypeError(FunnelError, TypeError):
    """A customer figure of the wrong type, or customer keys that cannot be ordered.

    Subclasses :class:`TypeError`: a ``bool``, a string, a ``float`` mixed with
    ``Decimal`` money, or customer keys that cannot be compared with each
    other are wrong *kinds* of value, whatever their size.

    Attributes:
        key: The customer at fault (``None`` when the problem is the keys).
        value: The rejected figure (or the keys that could not be compared).
        criterion: The criterion the figure was given for, or ``None``.
    """

    def __init__(self, message: str, *, key: object, value: object, criterion: str | None) -> None:
        super().__init__(message)
        self.key = key
        self.value = value
        self.criterion = criterion


class InvalidThresholdsError(FunnelError, ValueError):
    """ABC thresholds that are out of order or outside the open interval (0, 1).

    Subclasses :class:`ValueError`: the thresholds are numbers, but ones that
    cannot cut a ranking into classes.

    Attributes:
        thresholds: The thresholds as given.
    """

    def __init__(self, message: str, *, thresholds: object) -> None:
        super().__init__(message)
        self.thresholds = thresholds


def _where(criterion: str | None) -> str:
    return f" ({criterion})" if criterion else ""


def to_fraction(value: object, *, what: str, thresholds: object) -> Fraction:
    """Read one threshold (a Decimal, float, int or numeric string) exactly.

    Floats go through their shortest ``repr``, so ``0.8`` means four fifths.

    Raises:
        InvalidThresholdsError: For a bool, a non-number, NaN or an infinity.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str, Fraction)):
        raise InvalidThresholdsError(
            f"{what} must be a number such as 0.8, got {value!r}", thresholds=thresholds
        )
    try:
        exact = Decimal(repr(value)) if isinstance(value, float) else value
        result = Fraction(exact)
    except (ValueError, OverflowError, InvalidOperation):
        raise InvalidThresholdsError(
            f"{what} must be a finite number such as 0.8, got {value!r}", thresholds=thresholds
        ) from None
    return result


#: Class labels, best first.
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

#: The most decimal places a share may be given to.
MAX_PLACES = 30


def check_places(places: object) -> int:
    """Check the decimal places of exact shares: a whole number from 1 to 30.

    Raises:
        InvalidThresholdsError: Naming the field ``places``.
    """
    if isinstance(places, bool) or not isinstance(places, int) or not 1 <= places <= MAX_PLACES:
        raise InvalidThresholdsError(
            f"places must be a whole number from 1 to 30, got {places!r}", thresholds=places
        ).at("places", why="is not a whole number from 1 to 30", fix="give 1 to 30 places")
    return places


def check_thresholds(given: object) -> tuple[Fraction, ...]:
    """Read ABC thresholds exactly: 1 to 25 increasing shares strictly between 0 and 1.

    Raises:
        InvalidThresholdsError: Naming the field ``thresholds``.
    """
    try:
        if isinstance(given, tuple) and _hashable(given):
            return _known_thresholds(given)
        return _thresholds(given)
    except InvalidThresholdsError as err:
        raise err.at("thresholds", why=str(err)) from None


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _thresholds(given: object) -> tuple[Fraction, ...]:
    if isinstance(given, (str, bytes)) or not isinstance(given, Sequence):
        raise InvalidThresholdsError(
            f"thresholds must be a sequence such as (0.8, 0.95), got {given!r}",
            thresholds=given,
        )
    if not 1 <= len(given) < len(LETTERS):
        raise InvalidThresholdsError(
            f"give between 1 and {len(LETTERS) - 1} thresholds, got {len(given)}",
            thresholds=given,
        )
    fractions = tuple(
        to_fraction(t, what=f"threshold {i + 1}", thresholds=given) for i, t in enumerate(given)
    )
    for i, f in enumerate(fractions):
        if not 0 < f < 1:
            raise InvalidThresholdsError(
                f"threshold {i + 1} is {given[i]!r}; thresholds are shares strictly between "
                "0 and 1, e.g. (0.8, 0.95) (not percentages such as 80)",
                thresholds=given,
            )
        if i and f <= fractions[i - 1]:
            raise InvalidThresholdsError(
                f"thresholds must increase: {given[i - 1]!r} is followed by {given[i]!r}; "
                "give them in order, e.g. (0.8, 0.95)",
                thresholds=given,
            )
    return fractions


# Every ABC result checks its thresholds when built, and abc_classify reads
# them first: the few threshold tuples in use are read once (not a second copy).
_known_thresholds = functools.lru_cache(maxsize=64)(_thresholds)


def _bad_value(keys: Sequence[object], raw: Sequence[Any], criterion: str | None) -> FunnelError:
    """Find the first unusable figure and build the error that names it."""
    for key, value in zip(keys, raw, strict=True):
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
            return CustomerValueTypeError(
                f"customer {key!r}{_where(criterion)}: the figure must be a Decimal, int or "
                f"float, got {type(value).__name__} {value!r}; convert it before the analysis",
                key=key,
                value=value,
                criterion=criterion,
            )
        finite = (
            value.is_finite()
            if isinstance(value, Decimal)
            else isinstance(value, numbers.Integral) or math.isfinite(value)
        )
        if not finite:
            return InvalidCustomerValueError(
                f"customer {key!r}{_where(criterion)}: the figure must be finite, got {value!r}; "
                "drop the customer or fix the figure",
                key=key,
                value=value,
                criterion=criterion,
            )
        if value < 0:
            return InvalidCustomerValueError(
                f"customer {key!r}{_where(criterion)}: the figure {value!r} is negative; ABC "
                "analysis needs figures of zero or more (record a loss-making customer as 0, "
                "or analyse losses separately)",
                key=key,
                value=value,
                criterion=criterion,
            )
        if (isinstance(value, int) and abs(value) >= _INT_BOUND) or (
            isinstance(value, Decimal) and _out_of_bounds(value)
        ):
            shown = (
                f"(an integer of {len(str(value))} digits)"
                if isinstance(value, int) and value.bit_length() < _SHOWN_BITS
                else "(an integer of thousands of digits)"
                if isinstance(value, int)
                else repr(value)
            )
            return InvalidCustomerValueError(
                f"customer {key!r}{_where(criterion)}: the figure {shown} is outside the "
                f"bounds of an amount (at most {MAX_INTEGER_DIGITS} integer digits and "
                f"{AMOUNT_PLACES} decimal places); give it in a larger unit, or rounded",
                key=key,
                value=value,
                criterion=criterion,
            )
    # Every figure is fine on its own: only their float sum overflowed.
    return InvalidCustomerValueError(
        f"the figures{_where(criterion)} are too large to add up as floats; scale them "
        "(e.g. thousands) or give them as Decimal",
        key=None,
        value=None,
        criterion=criterion,
    )


def _out_of_bounds(value: Decimal) -> bool:
    """Whether an exact figure has more integer digits or places than an amount may."""
    return not value.is_zero() and (
        value.adjusted() >= MAX_INTEGER_DIGITS or int(value.as_tuple().exponent) < -AMOUNT_PLACES
    )


def _exact_ints(
    keys: Sequence[object], raw: list[Any], types: set[type], criterion: str | None
) -> tuple[list[int], int]:
    """Scale exact figures to integers: ``figure == int * 10 ** exponent``.

    Exact figures keep the bounds of an amount (``salesfunnel.money``), so that
    no figure can make the integer maths hang.
    """
    if Decimal not in types:
        ints: list[int] = list(map(int, raw))
        if min(ints) < 0 or max(ints) >= _INT_BOUND:
            raise _bad_value(keys, raw, criterion)
        return ints, 0
    decimals: list[Decimal] = raw if types == {Decimal} else list(map(Decimal, raw))
    total: Decimal
    try:
        # exact within the bounds; a figure beyond them makes the sum inexact at once
        with localcontext(_BOUNDED):
            total = sum(decimals, Decimal(0))
    except (InvalidOperation, Inexact, Overflow):
        total = Decimal("NaN")
    if (
        not total.is_finite()
        or _out_of_bounds(max(decimals, key=abs))
        or int(total.as_tuple().exponent) < -AMOUNT_PLACES
    ):
        raise _bad_value(keys, raw, criterion)
    exponent = min(int(total.as_tuple().exponent), 0)
    if exponent == 0:
        ints = list(map(int, decimals))
    else:
        # One C-level multiplication per figure, then everything is integer maths.
        with localcontext(EXACT):
            ints = list(map(int, map((Decimal(10) ** -exponent).__mul__, decimals)))
    if min(ints) < 0:
        raise _bad_value(keys, raw, criterion)
    return ints, exponent


def _floats(keys: Sequence[object], raw: list[Any], criterion: str | None) -> list[float]:
    try:
        floats = list(map(float, raw))
        total = math.fsum(floats)
    except (ValueError, OverflowError, TypeError):
        raise _bad_value(keys, raw, criterion) from None
    if not math.isfinite(total) or min(floats) < 0:
        raise _bad_value(keys, raw, criterion)
    return floats


def _sort_run(keys: list[K], start: int, end: int, criterion: str | None) -> None:
    """Order the tied customers ``keys[start:end]`` by key, in place."""
    try:
        keys[start:end] = sorted(keys[start:end])  # type: ignore[type-var]
    except TypeError:
        raise CustomerValueTypeError(
            f"customers {keys[start]!r} and {keys[start + 1]!r}{_where(criterion)} have equal "
            "figures and keys that cannot be compared, so their order is undefined; use keys "
            "of one type (e.g. all str)",
            key=None,
            value=tuple(keys[start:end]),
            criterion=criterion,
        ) from None


@attrs.frozen(eq=False)
class Ranking(Generic[K]):
    """Customers ranked by figure (descending, ties by key), with running totals.

    Attributes:
        keys: The customer keys, best first.
        source: Customer key to figure as given (a private copy).
        nums: The figures in rank order, as integers scaled by
            ``10 ** -exponent`` (exact input) or as floats.
        cum: Running totals of ``nums``: ``cum[i]`` is the sum of the first
            ``i + 1`` figures.
        exponent: ``None`` for floats; else the power of ten of ``nums``.
        kind: ``"int"``, ``"decimal"`` or ``"float"``: the type of the totals
            reported back.
    """

    keys: tuple[K, ...]
    source: Mapping[K, Figure]
    nums: Sequence[int] | Sequence[float]
    cum: Sequence[int] | Sequence[float]
    exponent: int | None
    kind: str

    @property
    def n(self) -> int:
        """The number of customers."""
        return len(self.keys)

    @property
    def exact(self) -> bool:
        """Whether the figures are exact (int or Decimal)."""
        return self.exponent is not None

    @property
    def total_num(self) -> int | float:
        """The total in the units of :attr:`nums`."""
        return self.cum[-1] if self.cum else 0

    def figure(self, num: float) -> Figure:
        """Turn a number in the units of :attr:`nums` back into a figure."""
        if self.exponent is None:
            return float(num)
        if self.kind == "int":
            return int(num)
        return EXACT.scaleb(Decimal(int(num)), self.exponent)

    def cum_at(self, count: int) -> int | float:
        """The running total of the first ``count`` customers (0 for none)."""
        return self.cum[count - 1] if count > 0 else 0

    def count_at_least(self, num: float | Fraction) -> int:
        """How many customers have a figure of at least ``num`` (in units of nums)."""
        return bisect_right(self.nums, -num, key=operator.neg)

    def count_above(self, num: float | Fraction) -> int:
        """How many customers have a figure strictly above ``num``."""
        return bisect_left(self.nums, -num, key=operator.neg)

    def tie_start(self, count: int) -> int:
        """Move a cut after ``count`` customers back to the start of a tie group it splits."""
        if 0 < count < self.n and self.nums[count - 1] == self.nums[count]:
            return self.count_above(self.nums[count])
        return count

    def tie_end(self, count: int) -> int:
        """Move a cut after ``count`` customers on to the end of a tie group it splits."""
        if 0 < count < self.n and self.nums[count - 1] == self.nums[count]:
            return self.count_at_least(self.nums[count])
        return count


def rank(values: Mapping[K, Any], *, criterion: str | None = None) -> Ranking[K]:
    """Check ``values`` and rank the customers: figure descending, then key ascending.

    Args:
        values: Customer key to figure (Decimal, int or float).
        criterion: A name for the figures, used in error messages.

    Returns:
        The :class:`Ranking`.

    Raises:
        CustomerValueTypeError: For a figure that is not a number, a bool,
            Decimal mixed with float, or tied customers whose keys cannot be
            compared.
        InvalidCustomerValueError: For a negative, NaN or infinite figure.
    """
    if not isinstance(values, Mapping):
        raise CustomerValueTypeError(
            f"ABC analysis needs a mapping of customer to figure{_where(criterion)}, got "
            f"{type(values).__name__}; pass e.g. dict(zip(customers, revenues))",
            key=None,
            value=values,
            criterion=criterion,
        )
    keys: list[K] = list(values)
    raw: list[Any] = list(values.values())
    if not keys:
        return Ranking((), {}, [], [], 0, "int")
    types = set(map(type, raw))
    if bool in types or not all(issubclass(t, (numbers.Real, Decimal)) for t in types):
        raise _bad_value(keys, raw, criterion)
    exact_types = {t for t in types if issubclass(t, (Decimal, numbers.Integral))}
    nums: list[int] | list[float]
    exponent: int | None
    if exact_types == types:
        if any(t is not int and t is not Decimal for t in types):
            raw = [v if isinstance(v, Decimal) else int(v) for v in raw]
            types = set(map(type, raw))
        nums, exponent = _exact_ints(keys, raw, types, criterion)
        kind = "decimal" if Decimal in types else "int"
    elif any(issubclass(t, Decimal) for t in types):
        culprit = next((k, v) for k, v in zip(keys, raw, strict=True) if not isinstance(v, Decimal))
        raise CustomerValueTypeError(
            f"customer {culprit[0]!r}{_where(criterion)}: {type(culprit[1]).__name__} "
            f"{culprit[1]!r} mixed with Decimal figures; money is exact, so give every "
            "figure as Decimal (or every figure as float for non-money measures)",
            key=culprit[0],
            value=culprit[1],
            criterion=criterion,
        )
    else:
        nums, exponent, kind = _floats(keys, raw, criterion), None, "float"
    n = len(keys)
    order = sorted(range(n), key=nums.__getitem__, reverse=True)  # stable: input order on ties
    ranked_nums = list(map(nums.__getitem__, order))
    ranked_keys = list(map(keys.__getitem__, order))
    _order_ties(ranked_nums, ranked_keys, criterion)
    cum: list[int] | list[float] = list(accumulate(ranked_nums))
    return Ranking(tuple(ranked_keys), dict(values), ranked_nums, cum, exponent, kind)


def _order_ties(nums: Sequence[float], keys: list[K], criterion: str | None) -> None:
    """Sort each run of equal figures by customer key.

    Runs are found at C speed: ``tied`` lists each position equal to the next
    one; a run starts where the previous tied position is not one before, and
    ends where the next one is not one after. Only the runs are sorted.
    """
    tied = list(compress(range(len(nums) - 1), map(operator.eq, nums, islice(nums, 1, None))))
    if not tied:
        return
    starts = compress(tied, map(operator.ne, tied, map((1).__add__, chain((-2,), tied))))
    ends = compress(
        tied, map(operator.ne, map((1).__add__, tied), chain(islice(tied, 1, None), (-1,)))
    )
    for start, end in zip(starts, ends, strict=True):
        _sort_run(keys, start, end + 2, criterion)


def round_ratio(part: int, whole: int, places: int) -> int:
    """``round(part / whole * 10 ** places)`` with exact half-even rounding."""
    q: int
    r: int
    q, r = divmod(part * 10**places, whole)
    twice = 2 * r
    if twice > whole or (twice == whole and q % 2):
        q += 1
    return q


def to_decimal_units(units: int, places: int) -> Decimal:
    """``units * 10 ** -places`` as a Decimal with exactly ``places`` decimals."""
    return EXACT.scaleb(Decimal(units), -places)


def apportion(cum_at: Callable[[int], int], whole: int, places: int) -> Callable[[int], int]:
    """Rounded running shares: ``count -> round(cum_at(count) / whole)`` in units of 10**-places.

    Differences of these rounded running shares are shares that add up to
    exactly one unit of ``10 ** places``.
    """

    def rounded(count: int) -> int:
        if whole == 0:
            return 0
        return round_ratio(cum_at(count), whole, places)

    return rounded


def downsample(n: int, max_points: int | None, keep: Iterable[int]) -> list[int]:
    """Pick at most about ``max_points`` counts in 0..n, always keeping ``keep`` and the ends."""
    if max_points is None or n + 1 <= max_points:
        return list(range(n + 1))
    step = n / max(max_points - 1, 1)
    picked = {round(i * step) for i in range(max_points)}
    picked.update(k for k in keep if 0 <= k <= n)
    picked.update((0, n))
    return sorted(picked)
