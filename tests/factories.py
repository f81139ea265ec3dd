"""Factories for the values most tests need: deals, funnels and key accounts.

Each factory builds a valid value from documented defaults; a test passes only
the fields it is about, as keyword overrides. A test module whose cases share
other defaults builds its own variant once, at the top::

    deal = factories.deal_maker(name="CRM", currency="EUR")

and keeps any positional shorthand of its own in a thin wrapper::

    def deal(id_="D1", stage="negotiation", **changes):
        return factories.deal(id=id_, stage=stage, **changes)

The defaults are plain data (:data:`DEAL_DEFAULTS`, :data:`ACCOUNT_DEFAULTS`),
so a test can read what it relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType

from salesfunnel import DEFAULT_FUNNEL, Funnel, KeyAccount, Opportunity
from salesfunnel.datasets import _gate_facts
from salesfunnel.qualification import FactValue

#: The fields of :func:`deal` when a test gives none: one open ERP deal of
#: 1000 CNY at Acme, owned by Ann, created on Monday 5 January 2026 and
#: expected to close in the third quarter of 2026. Every other field of
#: :class:`~salesfunnel.Opportunity` keeps its own default (no facts, a
#: creation-only history, no probability override).
DEAL_DEFAULTS: Mapping[str, object] = MappingProxyType(
    {
        "id": "D1",
        "name": "ERP",
        "account": "Acme",
        "owner": "Ann",
        "stage": "negotiation",
        "created": date(2026, 1, 5),
        "expected_close": date(2026, 9, 15),
        "amount": "1000",
        "currency": "CNY",
    }
)


def deal(**overrides: object) -> Opportunity:
    """An :class:`~salesfunnel.Opportunity` of :data:`DEAL_DEFAULTS` with ``overrides``.

    Any field may be overridden, ``amount=None`` included (for a deal given by
    ``line_items`` instead of one amount).

    For example ``deal(stage="intent", amount="5")``.
    """
    return Opportunity(**{**DEAL_DEFAULTS, **overrides})  # type: ignore[arg-type]


def deal_maker(**defaults: object) -> Callable[..., Opportunity]:
    """A :func:`deal` factory whose defaults are :data:`DEAL_DEFAULTS` updated by ``defaults``.

    Overrides given to the returned factory win over both.

    For example ``euro = deal_maker(currency="EUR")``, then ``euro(id="D2")``.
    """

    def make(**overrides: object) -> Opportunity:
        return deal(**{**defaults, **overrides})

    make.__doc__ = f"A deal of the factories' defaults updated by {defaults!r}, then the overrides."
    return make


class _Lowest:
    """Stands in for random.Random in ``_gate_facts``: always the smallest bump."""

    def randint(self, a: int, _b: int) -> int:
        return a


def gate_facts(funnel: Funnel = DEFAULT_FUNNEL, upto: int | None = None) -> dict[str, FactValue]:
    """Facts that pass every gate of ``funnel`` up to ladder position ``upto`` (default: all).

    Thresholds get the smallest bump the sample data would give them, so the
    facts are the same on every call (a fresh dict each time).
    """
    return _gate_facts(funnel, len(funnel) - 1 if upto is None else upto, _Lowest())  # type: ignore[arg-type]


#: Facts that open every gate of the default funnel, up to winning; shared by
#: many tests, so never change it in place (spread it: ``{**ALL_FACTS, ...}``).
ALL_FACTS: dict[str, FactValue] = gate_facts()


def funnel_of_names(
    *names: str, won: str | None = "Won", lost: str = "Lost", **options: object
) -> Funnel:
    """A linear funnel of a CRM export's stage names, as :meth:`Funnel.from_stage_names` builds.

    ``won`` and ``lost`` default to the names ``Won`` and ``Lost``; pass
    ``won=None`` for a funnel without a won stage. ``options`` are the other
    keywords of ``from_stage_names`` (``name``, ``probabilities``).

    For example ``funnel_of_names("Prospecting", "Engaging", "Won")``.
    """
    return Funnel.from_stage_names(names, won=won, lost=lost, **options)  # type: ignore[arg-type]


#: The fields of :func:`account` when a test gives none: Acme, a pre-KAM key
#: account since Monday 6 January 2025, with no signals or activities.
ACCOUNT_DEFAULTS: Mapping[str, object] = MappingProxyType(
    {"id": "KA1", "name": "Acme", "stage": "pre_kam", "since": date(2025, 1, 6)}
)


def account(stage: object = None, **overrides: object) -> KeyAccount:
    """A :class:`~salesfunnel.KeyAccount` of :data:`ACCOUNT_DEFAULTS` with ``overrides``.

    ``stage`` may be given first, as a key or a ``KamStage``.

    For example ``account("mid", signals={"coach_found": True})``.
    """
    fields = {**ACCOUNT_DEFAULTS, **overrides}
    if stage is not None:
        fields["stage"] = stage
    return KeyAccount(**fields)  # type: ignore[arg-type]
