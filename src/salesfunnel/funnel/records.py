"""What an opportunity's record is made of: stage kinds, history entries, line items, revisions.

A :class:`StageChange` is one entry of a stage history; :func:`default_history`
is the history of a record given without one (a deal closed in a snapshot
export was open in :data:`UNRECORDED_STAGE` until it closed). Revisions
(:class:`Reschedule`, :class:`Reprice`, :class:`Override`) record a new close
date, a new amount and manual overrides, each dated.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TypeAlias, Union

import attrs

from salesfunnel.calendar import check_date
from salesfunnel.errors import InvalidOpportunityError
from salesfunnel.money import to_amount, to_probability
from salesfunnel.options import enum_option

__all__ = [
    "UNRECORDED_STAGE",
    "ChangeKind",
    "LineItem",
    "Override",
    "Reprice",
    "Reschedule",
    "Revision",
    "SkipPolicy",
    "StageChange",
    "StageKey",
    "StageKind",
    "checked_line_item",
    "checked_stage_change",
    "default_history",
    "one_line",
    "opened_history",
    "share_date",
    "share_text",
    "shared_date",
    "shared_line_items",
]


#: A stage key such as ``"recognition"``; a plain string checked against a
#: funnel when it matters.
StageKey: TypeAlias = str


#: The stage a won or lost deal was open in before it closed, when no history
#: recorded it (a snapshot export with ``created`` and ``closed_on`` only).
#: Every funnel answers for it (``funnel[UNRECORDED_STAGE]``): an open stage
#: that counts as the funnel's first stage with a probability above zero
#: (:attr:`Funnel.unrecorded_as <salesfunnel.Funnel.unrecorded_as>`: its
#: probability and ladder position), in no column of the report form. No
#: funnel may use the key itself.
UNRECORDED_STAGE: StageKey = "(open)"


#: Records and history entries share equal dates: a few thousand distinct
#: days serve millions of records (a date is 32 bytes). Bounded: when full it
#: starts again, and what was built keeps its dates.
_DATES: dict[date, date] = {}
# The frozen values refuse a plain assignment.
_setattr = object.__setattr__
_SHARED_MAX = 1 << 16


def share_date(value: date) -> date:
    """Return the one shared copy of a plain date equal to ``value`` (others as given).

    A memory saving for records held by the million; dates are immutable, so
    sharing changes nothing else.
    """
    if type(value) is not date:
        return value
    shared = _DATES.setdefault(value, value)
    if len(_DATES) > _SHARED_MAX:
        _DATES.clear()
    return shared


#: The shared copy of a plain date :func:`share_date` has shared, or ``None``:
#: its lookup alone, for the hot path of the record constructor (which calls
#: :func:`share_date` when this misses).
shared_date = _DATES.get


def share_text(value: str) -> str:
    """Return the interned copy of a plain string (others as given).

    For the low-cardinality texts of records held by the million: stage keys,
    currency codes, owners, accounts and products (:func:`sys.intern`).
    """
    return sys.intern(value) if type(value) is str else value


def _on(value: object) -> date:
    # A plain date is the common case of every history entry: no call to check it.
    return share_date(value) if type(value) is date else check_date(value, field="on")


def _stage_key(value: str) -> str:
    return sys.intern(value) if type(value) is str else value


def _from_stage(value: str | None) -> str | None:
    return sys.intern(value) if type(value) is str else value


def _old(value: object) -> date:
    return check_date(value, field="old")


def _new(value: object) -> date:
    return check_date(value, field="new")


def _keys(value: Iterable[str]) -> tuple[str, ...]:
    if type(value) is tuple and not value:
        return value
    if isinstance(value, str):
        raise InvalidOpportunityError(
            f"skipped is a list of stage keys, not the string {value!r}; "
            f"write skipped=({value!r},) for one stage",
            opportunity_id=None,
            field="skipped",
        )
    keys = tuple(value)
    for key in keys:
        if not isinstance(key, str):
            raise InvalidOpportunityError(
                f"skipped holds stage keys (strings), got {key!r}",
                opportunity_id=None,
                field="skipped",
            )
    return keys


def _product(value: object) -> str:
    if type(value) is str:
        return sys.intern(value)  # a few products across many lines: one copy of each
    if not isinstance(value, str):
        raise InvalidOpportunityError(
            f"a line item's product is a name (a string, '' when not specified), got {value!r}",
            opportunity_id=None,
            field="line_items",
        )
    return value


def _items(value: Iterable[LineItem]) -> tuple[LineItem, ...]:
    return tuple(value)


class StageKind(enum.Enum):
    """Where a stage leaves an opportunity: still open, won, or lost."""

    #: A stage on the ladder; the opportunity is still being worked.
    OPEN = "open"
    #: The won stage at the top of the ladder (terminal).
    WON = "won"
    #: The lost outcome beside the ladder (丢单); can be reopened.
    LOST = "lost"


class SkipPolicy(enum.Enum):
    """When a forward move past one or more stages is allowed."""

    #: Skipping is allowed when the skipped stages' gates pass too; otherwise it
    #: needs ``allow_skip=True``, which is recorded in the history.
    GATED = "gated"
    #: Skipping always needs ``allow_skip=True`` (for ladders where every stage
    #: must be lived through, such as the key-account lifecycle).
    KEYWORD = "keyword"


class ChangeKind(enum.Enum):
    """What kind of move a :class:`StageChange` records."""

    #: The record was created in its first stage.
    CREATE = "create"
    #: Moved to the next stage.
    ADVANCE = "advance"
    #: Moved forward past one or more stages (listed in ``skipped``).
    SKIP = "skip"
    #: Moved back to an earlier stage (a reason is required).
    REGRESS = "regress"
    #: Lost (丢单): moved to the funnel's lost outcome.
    LOSE = "lose"
    #: A lost record brought back to an open stage.
    REOPEN = "reopen"
    #: Left the ladder for a terminal outcome other than "lost" (for example a
    #: key-account relationship that uncouples).
    EXIT = "exit"
    #: Won or lost from a stage that no history recorded
    #: (:data:`UNRECORDED_STAGE`): the closing entry of a snapshot deal. The
    #: funnel says whether the stage entered is won or lost.
    CLOSE = "close"


_AS_CHANGE_KIND = enum_option(ChangeKind, field="kind")


def _change_kind(value: object) -> ChangeKind:
    return value if type(value) is ChangeKind else _AS_CHANGE_KIND(value)


@attrs.frozen(weakref_slot=False)  # held by the million: no weakref slot (8 bytes each)
class StageChange:
    """One entry of a stage history: from which stage to which, when and why.

    The first entry of a history has ``from_stage=None`` and kind
    :attr:`ChangeKind.CREATE`; every later entry's ``from_stage`` is the
    previous entry's ``to_stage``, and dates never go backwards.

    Attributes:
        from_stage: The stage left (``None`` for creation).
        to_stage: The stage entered.
        on: The date of the move.
        reason: Why (required for moving back, losing and reopening).
        kind: What kind of move it was.
        skipped: The stages passed over by a skip, in ladder order.
        forced: ``True`` when a skipped stage's gate was waived by keyword.
    """

    from_stage: StageKey | None = attrs.field(converter=_from_stage)
    to_stage: StageKey = attrs.field(converter=_stage_key)
    on: date = attrs.field(converter=_on)
    reason: str | None = None
    kind: ChangeKind = attrs.field(default=ChangeKind.ADVANCE, converter=_change_kind)
    skipped: tuple[StageKey, ...] = attrs.field(default=(), converter=_keys)
    forced: bool = False


class _ChangeSlots:
    """The slots of :class:`StageChange` on a plain class: how an entry is filled fast.

    A frozen attrs value sets each field through ``object.__setattr__``; plain
    stores on a class of the same layout cost a fraction of that, and the
    object then takes its own class (``__class__`` assignment between classes
    of one layout). Nothing else sees an instance of this class.
    """

    __slots__ = StageChange.__slots__  # type: ignore[attr-defined]

    def __init__(
        self,
        from_stage: StageKey | None,
        to_stage: StageKey,
        on: date,
        reason: str | None,
        kind: ChangeKind,
        skipped: tuple[StageKey, ...],
        forced: bool,  # noqa: FBT001
    ) -> None:
        self.from_stage = from_stage
        self.to_stage = to_stage
        self.on = on
        self.reason = reason
        self.kind = kind
        self.skipped = skipped
        self.forced = forced


def checked_stage_change(
    from_stage: StageKey | None,
    to_stage: StageKey,
    on: date,
    reason: str | None,
    kind: ChangeKind,
    skipped: tuple[StageKey, ...] = (),
    forced: bool = False,  # noqa: FBT001, FBT002
) -> StageChange:
    """Build a :class:`StageChange` from values the caller has checked, as the constructor keeps them.

    For the stage machine, which has checked the stages against its funnel,
    the date, the kind and the skipped stages: a move must not pay for the
    constructor's conversions again. ``on`` must be a ``date`` and ``kind`` a
    :class:`ChangeKind`, ``skipped`` a tuple of stage keys; the stage keys and
    the date are shared as the constructor shares them, so the entry is the
    one ``StageChange(...)`` builds from the same values.
    """
    # the converters of from_stage, to_stage and on, inline
    entry = _ChangeSlots(
        sys.intern(from_stage) if type(from_stage) is str else from_stage,
        sys.intern(to_stage) if type(to_stage) is str else to_stage,
        (_DATES.get(on) or share_date(on)) if type(on) is date else on,
        reason,
        kind,
        skipped,
        forced,
    )
    entry.__class__ = StageChange  # type: ignore[assignment]
    return entry  # type: ignore[return-value]


@attrs.frozen(weakref_slot=False)  # held by the million: no weakref slot (8 bytes each)
class LineItem:
    """One product line of an opportunity (提供的产品).

    Attributes:
        product: The product or product category; ``""`` when not specified.
        amount: Its amount, in the opportunity's currency.
    """

    product: str = attrs.field(converter=_product)
    amount: Decimal = attrs.field(converter=to_amount)


@attrs.frozen
class Reschedule:
    """A change of expected close date, recorded in :attr:`Opportunity.revisions`."""

    on: date = attrs.field(converter=_on)
    old: date = attrs.field(converter=_old)
    new: date = attrs.field(converter=_new)
    reason: str | None = None


@attrs.frozen
class Reprice:
    """A change of amount (and line items), recorded in :attr:`Opportunity.revisions`."""

    on: date = attrs.field(converter=_on)
    old: tuple[LineItem, ...] = attrs.field(converter=_items)
    new: tuple[LineItem, ...] = attrs.field(converter=_items)
    reason: str | None = None

    @property
    def old_amount(self) -> Decimal:
        """The amount before the change."""
        return sum((li.amount for li in self.old), Decimal(0))

    @property
    def new_amount(self) -> Decimal:
        """The amount after the change."""
        return sum((li.amount for li in self.new), Decimal(0))


def _optional_probability(value: object) -> Decimal | None:
    return None if value is None else to_probability(value)


def _optional_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise InvalidOpportunityError(
        f"a category override is a category value such as 'commit' or None, got {value!r}",
        opportunity_id=None,
        field="category_override",
    )


@attrs.frozen
class Override:
    """A manual change of probability or forecast category, recorded in :attr:`Opportunity.revisions`.

    Each side may be ``None`` (no override: the stage's probability, the
    policy's category). A forecast for a date before ``on`` uses the old
    values, so it is rebuilt exactly as it was on that date.

    Attributes:
        on: The date of the change.
        old_probability: The probability override before the change.
        new_probability: The probability override after it.
        old_category: The category override before the change.
        new_category: The category override after it.
        reason: Why.
    """

    on: date = attrs.field(converter=_on)
    old_probability: Decimal | None = attrs.field(converter=_optional_probability)
    new_probability: Decimal | None = attrs.field(converter=_optional_probability)
    old_category: str | None = attrs.field(converter=_optional_text)
    new_category: str | None = attrs.field(converter=_optional_text)
    reason: str | None = None


#: A dated change of an opportunity's close date, amount or manual overrides.
Revision: TypeAlias = Union[Reschedule, Reprice, Override]  # noqa: UP007


#: The entries :func:`default_history` builds, shared by every record with
#: the same stage and day: the creation entries of open deals, each in its
#: own one-entry history (an export's open deals share a few thousand), and
#: the closing entries of snapshot deals (by stage, day and reason). A closed
#: deal's two-entry history is a tuple of its own: its pair of days rarely
#: repeats, and a table of pairs costs more than the tuples it would save.
#: Bounded: when full a table starts again, and the records built keep theirs.
_OPENED: dict[tuple[str, date], tuple[StageChange]] = {}
_CLOSING: dict[tuple[str, date, str | None], StageChange] = {}
_HISTORIES_MAX = 1 << 16

#: The shared history of an open record created in a stage (a plain string)
#: on a day (a plain date), by ``(stage, created)``, or ``None``: the lookup
#: of :func:`default_history` alone, for the hot path of the record
#: constructor (which calls :func:`default_history` when this misses).
opened_history = _OPENED.get


def _opened(stage: StageKey, created: date) -> tuple[StageChange]:
    """The one-entry history of a record created in ``stage`` on ``created``."""
    if type(stage) is not str or type(created) is not date:
        return (StageChange(None, stage, created, kind=ChangeKind.CREATE),)
    key = (stage, created)
    shared = _OPENED.get(key)
    if shared is None:
        if len(_OPENED) >= _HISTORIES_MAX:
            _OPENED.clear()
        shared = _OPENED[key] = (StageChange(None, stage, created, kind=ChangeKind.CREATE),)
    return shared


def _closing(stage: StageKey, closed_on: date, lost_reason: str | None) -> StageChange:
    """The entry of a snapshot deal closing in ``stage`` on ``closed_on``."""
    if (
        type(stage) is not str
        or type(closed_on) is not date
        or (lost_reason is not None and type(lost_reason) is not str)
    ):
        return StageChange(UNRECORDED_STAGE, stage, closed_on, lost_reason, ChangeKind.CLOSE)
    key = (stage, closed_on, lost_reason)
    shared = _CLOSING.get(key)
    if shared is None:
        if len(_CLOSING) >= _HISTORIES_MAX:
            _CLOSING.clear()
        shared = _CLOSING[key] = StageChange(
            UNRECORDED_STAGE, stage, closed_on, lost_reason, ChangeKind.CLOSE
        )
    return shared


def default_history(
    stage: StageKey, created: date, closed_on: date | None, lost_reason: str | None = None
) -> tuple[StageChange, ...]:
    """Return the history of an opportunity given without one.

    An open deal was created in its stage. A deal with ``closed_on`` (won or
    lost: the funnel says which) was open from ``created`` in a stage nobody
    recorded (:data:`UNRECORDED_STAGE`) and closed on ``closed_on``, so its
    sales cycle is ``closed_on - created`` and on any earlier date it counts
    as open.

    Equal arguments give equal histories, which share their (immutable)
    entries; an open deal's one-entry history is itself shared.

    >>> from datetime import date
    >>> [
    ...     (c.to_stage, c.on.isoformat(), c.kind.value)
    ...     for c in default_history("won", date(2026, 1, 5), date(2026, 3, 2))
    ... ]
    [('(open)', '2026-01-05', 'create'), ('won', '2026-03-02', 'close')]
    >>> default_history("intent", date(2026, 1, 5), None) is default_history(
    ...     "intent", date(2026, 1, 5), None
    ... )
    True
    """
    if closed_on is None or stage == UNRECORDED_STAGE:
        if type(stage) is str and type(created) is date:  # the lookup inline: the hot path
            shared = _OPENED.get((stage, created))
            if shared is not None:
                return shared
        return _opened(stage, created)
    return (_opened(UNRECORDED_STAGE, created)[0], _closing(stage, closed_on, lost_reason))


#: One-line items shared by records of the same product and amount, the
#: amount written the same way (``100`` and ``100.00`` are kept apart): by
#: product, then keyed by the amount itself (no key of its own to keep).
#: Bounded: when it holds ``_LINES_MAX`` lines it starts again.
_LINES: dict[str, dict[Decimal, tuple[LineItem]]] = {}
_LINES_MAX = 1 << 16
_lines_held = 0


def _shared_line(product: str, amount: Decimal) -> tuple[LineItem] | None:
    """The shared line of ``product`` at a finite ``amount`` written the same way, if any."""
    by_amount = _LINES.get(product)
    shared = None if by_amount is None else by_amount.get(amount)
    # Equal amounts with the same exponent are written the same way (the
    # amounts shared are never -0, which to_amount makes 0).
    return shared if shared is not None and shared[0].amount.same_quantum(amount) else None


def shared_line_items(product: str, amount: Decimal) -> tuple[LineItem]:
    """Return the one-line items of ``product`` at ``amount`` (checked), shared when equal.

    Many records quote the same product at the same round amount: they share
    one tuple, one :class:`LineItem` and one ``Decimal``. The amount of the
    item returned is equal to ``amount`` and written the same way.
    """
    global _lines_held  # noqa: PLW0603  (the size of the bounded table, kept beside it)
    if type(product) is not str or type(amount) is not Decimal:
        return (checked_line_item(product, amount),)
    shared = _shared_line(product, amount)
    if shared is not None:
        return shared
    item = object.__new__(LineItem)
    _setattr(item, "product", sys.intern(product))
    _setattr(item, "amount", amount)
    line = (item,)
    if _lines_held >= _LINES_MAX:
        _LINES.clear()
        _lines_held = 0
    by_amount = _LINES.setdefault(product, {})
    # an equal amount written another way keeps the place it has
    if by_amount.setdefault(amount, line) is line:
        _lines_held += 1
    return line


def one_line(product: str, amount: object) -> tuple[LineItem]:
    """Return the one-line items of ``product`` at ``amount``, the amount checked, shared when equal.

    :func:`~salesfunnel.money.to_amount` checks ``amount``, unless it is a
    ``Decimal`` written exactly as the amount of a line already shared (which
    passed the same check): the record of a round amount seen before costs
    neither the check nor a line of its own.

    Raises:
        AmountTypeError: For a float, a bool or a non-number.
        InvalidAmountError: For NaN, an infinity, a negative amount or text
            that is not a number.
        InvalidOpportunityError: For a product that is not a string.
    """
    if type(amount) is Decimal and type(product) is str and amount.is_finite():
        # _shared_line inline: the hot path of every one-line record
        by_amount = _LINES.get(product)
        if by_amount is not None:
            shared = by_amount.get(amount)
            if shared is not None and shared[0].amount.same_quantum(amount):
                return shared
    return shared_line_items(product, to_amount(amount))


def checked_line_item(product: str, amount: Decimal) -> LineItem:
    """Build a :class:`LineItem` from a product name and an amount already checked.

    For :class:`~salesfunnel.Opportunity`, which has checked the amount with
    :func:`~salesfunnel.money.to_amount` and must not pay for it twice on
    every record it builds. Anything else builds ``LineItem(product, amount)``.
    """
    item = object.__new__(LineItem)
    _setattr(item, "product", _product(product))
    _setattr(item, "amount", amount)
    return item
