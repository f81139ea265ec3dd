"""Facts: what is known about an opportunity or an account, immutable, checked when given."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import TypeAlias, Union

import attrs

from salesfunnel.errors import InvalidFactError

__all__ = ["FactValue", "Facts", "as_facts"]

#: What a fact may hold. ``None`` means "not known", exactly as an absent key.
FactValue: TypeAlias = Union[bool, int, float, Decimal, str, date, None]  # noqa: UP007


def _frozen(key: str, value: object) -> FactValue:
    """Return ``value`` as an immutable, self-equal fact value, or raise :class:`InvalidFactError`.

    Lists and tuples become tuples, sets frozensets (their items checked the
    same way); a dict is refused (facts are flat: give each entry its own key);
    NaN and infinities are refused, so that facts always equal themselves.
    """
    if (isinstance(value, Decimal) and not value.is_finite()) or (
        isinstance(value, float) and not math.isfinite(value)
    ):
        raise InvalidFactError(
            f"fact {key!r}: {value!r} is not a finite number; give a number or None",
            fact=key,
            value=value,
        )
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(key, item) for item in value)  # type: ignore[return-value]
    if isinstance(value, (set, frozenset)):
        return frozenset(_frozen(key, item) for item in value)  # type: ignore[return-value]
    if isinstance(value, Mapping):
        raise InvalidFactError(
            f"fact {key!r}: a mapping is not a fact value; facts are flat, give each "
            "entry its own key",
            fact=key,
            value=value,
        )
    return value  # type: ignore[return-value]


def _fact_items(value: Mapping[str, FactValue]) -> tuple[tuple[str, FactValue], ...]:
    items = []
    for key, item in dict(value).items():
        if not isinstance(key, str) or not key:
            raise InvalidFactError(
                f"fact keys must be non-empty strings, got {key!r}",
                fact=repr(key),
                value=key,
            )
        items.append((key, _frozen(key, item)))
    return tuple(sorted(items))


@attrs.frozen(repr=False, eq=False)
class Facts(Mapping[str, FactValue]):
    """An immutable, hashable mapping of fact keys to values.

    Build one from any mapping (``Facts({"budget": True})``) or keywords
    (``Facts.of(budget=True)``); :meth:`merge` returns a new one with later
    values winning. Facts equal any mapping with the same items.

    >>> f = Facts.of(budget=True).merge({"schedule": False})
    >>> dict(f)
    {'budget': True, 'schedule': False}
    """

    _items: tuple[tuple[str, FactValue], ...] = attrs.field(
        converter=_fact_items,
        alias="items",
    )
    _map: dict[str, FactValue] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Index the items for constant-time look-up."""
        object.__setattr__(self, "_map", dict(self._items))

    @classmethod
    def of(cls, **facts: FactValue) -> Facts:
        """Build facts from keyword arguments."""
        return cls(facts)

    def __getitem__(self, key: str) -> FactValue:
        """Return the value of fact ``key``."""
        return self._map[key]

    def get(self, key: str, default: FactValue = None) -> FactValue:  # type: ignore[override]
        """Return the value of fact ``key``, or ``default`` when absent."""
        return self._map.get(key, default)

    def __iter__(self) -> Iterator[str]:
        """Iterate over the fact keys in sorted order."""
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        """Return the number of facts."""
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        """Facts equal any mapping with the same items (a plain dict included)."""
        if isinstance(other, Facts):
            return self._items == other._items
        if isinstance(other, Mapping):
            return self._map == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        """Hash on the items."""
        return hash(self._items)

    def __repr__(self) -> str:
        """Show the facts like a dict."""
        return f"Facts({dict(self._items)!r})"

    def merge(self, other: Mapping[str, FactValue] | None) -> Facts:
        """Return new facts with ``other``'s values replacing or adding to these."""
        if not other:
            return self
        merged = dict(self._map)
        merged.update(other)
        return Facts(merged)


def as_facts(value: Mapping[str, FactValue] | None) -> Facts:
    """Return ``value`` as :class:`Facts` (``None`` is no facts)."""
    if isinstance(value, Facts):
        return value
    return Facts(value or {})
