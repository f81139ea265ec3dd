"""Option values one way everywhere: an enum member, or its value as text.

``Stage(..., kind="won")`` is ``kind=StageKind.WON``, as
``abc_classify(..., basis="count")`` is ``basis=Basis.COUNT``: every enum a
user passes may be given by its value. Anything else is an
:class:`~salesfunnel.errors.OptionError` that lists the values.

>>> from salesfunnel.funnel.records import StageKind
>>> as_kind = enum_option(StageKind, field="kind")
>>> as_kind("won"), as_kind(StageKind.LOST)
(<StageKind.WON: 'won'>, <StageKind.LOST: 'lost'>)
>>> as_kind("closed")
Traceback (most recent call last):
...
salesfunnel.errors.OptionError: kind: expected one of 'open', 'won', 'lost', got 'closed'
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TypeVar

from salesfunnel.errors import OptionError

__all__ = ["enum_option"]

E = TypeVar("E", bound=enum.Enum)


def enum_option(cls: type[E], *, field: str) -> Callable[[object], E]:
    """Return a converter that takes a member of ``cls`` or its value, and refuses anything else."""

    def convert(value: object) -> E:
        if isinstance(value, cls):
            return value
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(repr(m.value) for m in cls)
            raise OptionError(
                f"{field}: expected one of {names}, got {value!r}", option=field, value=value
            ) from None

    return convert
