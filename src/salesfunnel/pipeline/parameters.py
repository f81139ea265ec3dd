"""The options of the pipeline maths, checked once: the method, the budget, percentile levels.

Every function of :mod:`salesfunnel.pipeline` takes its options through these
checks, so a bad one is the same :class:`InvalidParameterError` everywhere.
"""

from __future__ import annotations

import enum
from decimal import Decimal, InvalidOperation

from salesfunnel.errors import FunnelError, InvalidProbabilityError
from salesfunnel.money import to_probability

__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_TOLERANCE",
    "InvalidParameterError",
    "Method",
    "check_level",
    "method_of",
    "percent_level",
]


#: The default limit on the work of the lattice programme, in cell updates
#: (about a second on a laptop); past it a coarser grid or the normal
#: expansion is used.
DEFAULT_BUDGET = 20_000_000


#: The guaranteed error, in standard deviations of the total, that the
#: automatic choice aims for: five times tighter than the 95 % interval of a
#: 100 000-trial Monte Carlo estimate of a percentile.
DEFAULT_TOLERANCE = 0.002


class InvalidParameterError(FunnelError, ValueError):
    """A parameter of a pipeline or analytics computation that is out of range.

    Subclasses :class:`ValueError`: the type is right, the value is not (zero
    trials, a negative resolution, a prior strength below zero).

    Attributes:
        parameter: The parameter's name.
        value: The value that was rejected.
    """

    def __init__(self, message: str, *, parameter: str, value: object) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.value = value


class Method(enum.Enum):
    """How an :class:`OutcomeDistribution` was computed."""

    #: Exact rational arithmetic: every probability is an exact fraction.
    EXACT = "exact"
    #: A dynamic programme over every multiple of the amounts' common unit.
    LATTICE = "lattice"
    #: The same programme on amounts rounded to a coarser resolution.
    GRID = "grid"
    #: The Edgeworth expansion from the exact cumulants (for very many deals).
    NORMAL = "normal"


def check_level(value: object, field: str) -> Decimal:
    """Return ``value`` as a probability level, or raise the parameter error naming ``field``."""
    return to_probability(value, field=field)


def percent_level(k: object) -> Decimal:
    """Return the level ``k / 100`` of a percentile ``k`` in [0, 100].

    Raises:
        InvalidProbabilityError: For anything but a number in [0, 100].
    """
    try:
        value = k if isinstance(k, Decimal) else Decimal(str(k))
    except InvalidOperation:
        value = Decimal("NaN")
    if isinstance(k, bool) or not value.is_finite() or not 0 <= value <= 100:  # noqa: PLR2004
        raise InvalidProbabilityError(
            f"k: {k!r} is not a percentile; give a number in [0, 100] such as 90",
            field="k",
            value=k,
        )
    return value / 100


def method_of(value: object) -> Method | None:
    """Return ``value`` as a :class:`Method`: a member, its value (``"exact"``) or ``None``.

    Raises:
        InvalidParameterError: For anything else, naming the methods.
    """
    if value is None or isinstance(value, Method):
        return value
    try:
        return Method(value)
    except ValueError:
        names = ", ".join(repr(m.value) for m in Method)
        raise InvalidParameterError(
            f"method: expected one of {names} (or a Method, or None), got {value!r}",
            parameter="method",
            value=value,
        ) from None
