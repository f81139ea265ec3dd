"""Facts: what is known about an opportunity or an account, immutable, checked when given."""

from __future__ import annotations

import math
from collections.abc import ItemsView, Iterator, Mapping, ValuesView
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import TypeAlias, Union

import attrs

from salesfunnel.errors import InvalidFactError

__all__ = ["NO_FACTS", "FactValue", "Facts", "as_facts"]

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


#: The value types that are immutable and equal to themselves as they are:
#: a fact of one of these exact types needs no conversion and no check.
_PLAIN: frozenset[type] = frozenset({bool, int, str, date, type(None)})
_STR_KEYS: frozenset[type] = frozenset({str})
#: Facts' pairs are sorted by key alone (keys are unique: no value is compared).
_KEY = itemgetter(0)
#: Fact keys that passed the quick check (plain, non-empty strings): a key
#: equal to one of them passes again with one set lookup. Gates read a few
#: dozen keys, and every record repeats them. Bounded: when full it starts again.
_KEYS_SEEN: set[str] = set()
_KEYS_SEEN_MAX = 1 << 12


def _checked(value: Mapping[str, FactValue]) -> dict[str, FactValue]:
    """Return ``value`` as a dict of checked, immutable facts (a copy only when one changes)."""
    facts = value if type(value) is dict else dict(value)
    # The common case in one quick pass, its loops in C: plain string keys,
    # none empty, values that need no conversion, decimals finite. Anything
    # else takes the careful pass, which converts or says what is wrong.
    if not _KEYS_SEEN.issuperset(facts):
        if not set(map(type, facts)) <= _STR_KEYS or "" in facts:
            return _converted(facts)
        if len(_KEYS_SEEN) >= _KEYS_SEEN_MAX:
            _KEYS_SEEN.clear()
        _KEYS_SEEN.update(facts)
    # The values' types are read on one value of each set of equal values (a
    # few: yes, no, a number or two). An equal value hidden behind one of
    # them is a number equal to a finite one, or an equal string or date:
    # the careful pass would keep it as it is too.
    try:
        distinct = set(facts.values())
    except TypeError:  # an unhashable value (a list, a set, a dict)
        return _converted(facts)
    for item in distinct:
        kind = type(item)
        if kind not in _PLAIN and not (kind is Decimal and item.is_finite()):  # type: ignore[union-attr]
            return _converted(facts)
    return facts


def _converted(facts: dict[str, FactValue]) -> dict[str, FactValue]:
    """Check every fact, converting lists and sets; raise :class:`InvalidFactError` for a bad one."""
    changed: dict[str, FactValue] | None = None
    for key, item in facts.items():
        if not isinstance(key, str) or not key:
            raise InvalidFactError(
                f"fact keys must be non-empty strings, got {key!r}",
                fact=repr(key),
                value=key,
            )
        frozen = _frozen(key, item)
        if frozen is not item:
            if changed is None:
                changed = dict(facts)
            changed[key] = frozen
    return facts if changed is None else changed


def _fact_map(value: Mapping[str, FactValue]) -> dict[str, FactValue]:
    if type(value) is Facts:
        return value._map  # noqa: SLF001  (the class's own storage, from its converter)
    checked = _checked(value)
    return dict(checked) if checked is value else checked


@attrs.frozen(repr=False, eq=False)
class Facts(Mapping[str, FactValue]):
    """An immutable, hashable mapping of fact keys to values.

    Build one from any mapping (``Facts({"budget": True})``) or keywords
    (``Facts.of(budget=True)``); :meth:`merge` returns a new one with later
    values winning. Facts equal any mapping with the same items, and iterate
    in sorted key order.

    >>> f = Facts.of(budget=True).merge({"schedule": False})
    >>> dict(f)
    {'budget': True, 'schedule': False}
    """

    # One dict, the facts' only storage: a record holds no second copy of its
    # facts as sorted pairs; order is made when they are iterated.
    _map: dict[str, FactValue] = attrs.field(converter=_fact_map, alias="items")

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

    def __contains__(self, key: object) -> bool:
        """Tell whether fact ``key`` is given."""
        return key in self._map

    def __iter__(self) -> Iterator[str]:
        """Iterate over the fact keys in sorted order."""
        return iter(sorted(self._map))

    def __len__(self) -> int:
        """Return the number of facts."""
        return len(self._map)

    def items(self) -> ItemsView[str, FactValue]:
        """Return a view of the ``(key, value)`` pairs, iterated in sorted key order.

        The view of any mapping, iterated without a lookup per key: a writer
        reads every fact of every record through it.

        >>> list(Facts.of(schedule=False, budget=True).items())
        [('budget', True), ('schedule', False)]
        """
        return _SortedItems(self)

    def values(self) -> ValuesView[FactValue]:
        """Return a view of the values, iterated in sorted key order."""
        return _SortedValues(self)

    def __eq__(self, other: object) -> bool:
        """Facts equal any mapping with the same items (a plain dict included)."""
        if isinstance(other, Facts):
            return self._map == other._map
        if isinstance(other, Mapping):
            return self._map == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        """Hash on the items, in key order."""
        return hash(tuple(sorted(self._map.items(), key=_KEY)))

    def __repr__(self) -> str:
        """Show the facts like a dict, in key order."""
        return f"Facts({dict(sorted(self._map.items(), key=_KEY))!r})"

    def merge(self, other: Mapping[str, FactValue] | None) -> Facts:
        """Return new facts with ``other``'s values replacing or adding to these."""
        if not other:
            return self
        # These facts are checked already: check only the new ones (the hot
        # path of every stage move, see bench_transitions).
        new = object.__new__(Facts)
        object.__setattr__(new, "_map", {**self._map, **_checked(other)})
        return new


class _SortedItems(ItemsView[str, FactValue]):
    """The items of :class:`Facts`: sorted from its one dict, with no call per key."""

    __slots__ = ()

    def __iter__(self) -> Iterator[tuple[str, FactValue]]:
        """Iterate over the pairs in sorted key order."""
        facts: Facts = self._mapping  # type: ignore[attr-defined]  # MappingView keeps it
        return iter(sorted(facts._map.items(), key=_KEY))  # noqa: SLF001

    def __repr__(self) -> str:
        """Show the view as any mapping's items view."""
        return f"ItemsView({self._mapping!r})"  # type: ignore[attr-defined]


class _SortedValues(ValuesView[FactValue]):
    """The values of :class:`Facts`, in sorted key order, with no call per key."""

    __slots__ = ()

    def __iter__(self) -> Iterator[FactValue]:
        """Iterate over the values in sorted key order."""
        facts: Facts = self._mapping  # type: ignore[attr-defined]  # MappingView keeps it
        return (value for _, value in sorted(facts._map.items(), key=_KEY))  # noqa: SLF001

    def __repr__(self) -> str:
        """Show the view as any mapping's values view."""
        return f"ValuesView({self._mapping!r})"  # type: ignore[attr-defined]


#: The facts of a record that has none: one shared, immutable value.
NO_FACTS = Facts({})


def as_facts(value: Mapping[str, FactValue] | None) -> Facts:
    """Return ``value`` as :class:`Facts` (``None`` is no facts)."""
    if type(value) is not dict and isinstance(value, Facts):  # a dict costs no ABC check
        return value
    if not value:
        return NO_FACTS
    checked = _checked(value)
    facts = object.__new__(Facts)  # checked just above: the converter need not run again
    object.__setattr__(facts, "_map", dict(checked) if checked is value else checked)
    return facts
