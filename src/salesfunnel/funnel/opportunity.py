"""The opportunity record and its history: immutable values, checked when built.

An :class:`Opportunity` is a frozen value. Nothing in the library changes one in
place: a stage move (:meth:`Funnel.advance <salesfunnel.Funnel.advance>`), a new
close date (:func:`~salesfunnel.reschedule`) or a new amount
(:func:`~salesfunnel.reprice`) returns a *new* opportunity with one more entry
in its :attr:`~Opportunity.history` or :attr:`~Opportunity.revisions`, so the
state on any past date can be rebuilt (:func:`snapshot`).

>>> from datetime import date
>>> from decimal import Decimal
>>> deal = Opportunity(
...     id="OPP-1",
...     name="ERP rollout",
...     account="Acme",
...     owner="Li Wei",
...     stage="intent",
...     created=date(2026, 1, 5),
...     expected_close=date(2026, 6, 30),
...     amount=Decimal("120000"),
...     currency="CNY",
...     product="ERP",
... )
>>> deal.line_items
(LineItem(product='ERP', amount=Decimal('120000')),)
>>> deal.history[0].kind, deal.history[0].to_stage
(<ChangeKind.CREATE: 'create'>, 'intent')
>>> deal.amount = 1
Traceback (most recent call last):
...
attr.exceptions.FrozenInstanceError: can't set attribute
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from salesfunnel.calendar import check_date
from salesfunnel.errors import InvalidOpportunityError
from salesfunnel.funnel._checks import (
    check_history,
    check_revisions,
    check_text,
    reconcile_lines,
)
from salesfunnel.funnel.records import (
    LineItem,
    Reprice,
    Reschedule,
    Revision,
    StageChange,
    StageKey,
    default_history,
    one_line,
    opened_history,
    share_date,
    share_text,
    shared_date,
)
from salesfunnel.i18n import Lang, check_lang, pick
from salesfunnel.money import ISO_4217, Currency, currency_code, to_probability
from salesfunnel.qualification import FactValue
from salesfunnel.qualification.facts import NO_FACTS, Facts, as_facts
from salesfunnel.tables import Cell, Table, Tabular

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["Opportunity", "with_stage_change"]

_intern = sys.intern
# The frozen record refuses a plain assignment (of its class, too).
_setattr = object.__setattr__


def _yes_no(value: FactValue, lang: Lang) -> Cell:
    if isinstance(value, bool):
        return pick("yes", "是", lang) if value else pick("no", "否", lang)
    if isinstance(value, (tuple, frozenset)):
        return ", ".join(str(v) for v in value)
    return value


# weakref_slot=False: records are held by the million, and nothing refers to
# one weakly; the slot would cost 8 bytes each.
@attrs.frozen(init=False, weakref_slot=False)
class Opportunity(Tabular):
    """A sales opportunity (商机): one row of the funnel report form.

    Build one with keywords. ``amount`` and ``line_items`` must agree: give
    ``amount`` and optionally ``product=`` for a one-product deal, or
    ``line_items=`` (a sequence of :class:`LineItem` or a ``{product: amount}``
    mapping) and leave ``amount`` out to take their sum.

    Attributes:
        id: A unique identifier.
        name: The project name (项目名称).
        account: The customer account.
        owner: The salesperson responsible (项目经理 / 销售负责人).
        stage: The current stage key in its funnel.
        created: The date the opportunity was created.
        expected_close: The date it is expected to close (on or after
            ``created``).
        amount: The deal value, the sum of its line items (``Decimal``).
        currency: The ISO 4217 currency of ``amount``.
        line_items: The products offered (提供的产品), never empty.
        probability: A per-deal override of the stage probability, or ``None``.
        facts: Qualification facts for the stage gates.
        history: Stage changes, oldest first; starts with the creation entry.
            Left out, it is :func:`default_history`: a deal with
            ``closed_on`` was open from ``created`` and closed on
            ``closed_on``.
        revisions: Close-date, amount and override changes, oldest first.
        closed_on: The date it was won or lost; ``None`` while open.
        lost_reason: Why it was lost (only with ``closed_on``).
        notes: Free-text notes (其他).
        category_override: A manual forecast category value (see
            :class:`~salesfunnel.forecasting.rollup.ForecastCategory`), or ``None``.

    Raises:
        InvalidOpportunityError: When fields contradict each other.
        InvalidAmountError: For a negative, NaN or infinite amount.
        AmountTypeError: For a float amount (pass ``Decimal`` or a string).
        CurrencyError: For a code that is not ISO 4217.
        InvalidProbabilityError: For a probability outside [0, 1].
        InvalidDateError: For a datetime (or non-date) where a date goes.
    """

    id: str
    name: str
    account: str
    owner: str
    stage: StageKey
    created: date
    expected_close: date
    amount: Decimal
    currency: Currency
    line_items: tuple[LineItem, ...]
    probability: Decimal | None
    facts: Facts
    history: tuple[StageChange, ...]
    revisions: tuple[Revision, ...]
    closed_on: date | None
    lost_reason: str | None
    notes: str
    category_override: str | None

    def __init__(
        self,
        id: str,  # noqa: A002
        name: str,
        account: str,
        owner: str,
        stage: StageKey,
        created: date,
        expected_close: date,
        amount: Decimal | int | str | None = None,
        currency: str = "",
        line_items: Iterable[LineItem] | Mapping[str, object] | None = None,
        probability: Decimal | float | str | None = None,
        facts: Mapping[str, FactValue] | None = None,
        history: Sequence[StageChange] | None = None,
        revisions: Sequence[Revision] = (),
        closed_on: date | None = None,
        lost_reason: str | None = None,
        notes: str = "",
        category_override: str | None = None,
        *,
        product: str | None = None,
    ) -> None:
        """Check every field and build the opportunity (see the class docstring)."""
        # The hot path of every reader and every record loaded: the common
        # case of each field is checked inline, with as few calls as it takes
        # (a call costs as much as several checks; see bench_transitions).
        if not isinstance(id, str) or not (bare := id.strip()):
            raise InvalidOpportunityError(
                f"an opportunity needs a non-empty string id, got {id!r}",
                opportunity_id=None,
                field="id",
            )
        if id != bare:
            raise InvalidOpportunityError(
                f"opportunity id {id!r} begins or ends with spaces; write {bare!r} "
                "(the readers trim them, as they trim stages)",
                opportunity_id=id,
                field="id",
            )
        if not (
            type(name) is str
            and type(account) is str
            and type(owner) is str
            and type(stage) is str
            and type(notes) is str
            and name.strip()
            and account.strip()
            and owner.strip()
            and stage.strip()
        ):  # the common case in one test; the checks one by one say what is wrong
            for field, value in (("name", name), ("account", account), ("owner", owner)):
                check_text(id, field, value, empty_ok=False)
            check_text(id, "stage", stage, empty_ok=False)
            check_text(id, "notes", notes, empty_ok=True)
            account, owner, stage = share_text(account), share_text(owner), share_text(stage)
        else:  # plain strings: one interned copy of each (few owners, accounts, stages)
            account, owner, stage = _intern(account), _intern(owner), _intern(stage)
        # A plain date needs no check, and is shared (a subclass is kept as given).
        if type(created) is date:
            created = shared_date(created) or share_date(created)
        else:
            created = check_date(created, field="created")
        if type(expected_close) is date:
            expected_close = shared_date(expected_close) or share_date(expected_close)
        else:
            expected_close = check_date(expected_close, field="expected_close")
        if expected_close < created:
            raise InvalidOpportunityError(
                f"opportunity {id!r}: expected_close {expected_close} is before "
                f"created {created}; a deal cannot close before it exists",
                opportunity_id=id,
                field="expected_close",
            )
        if line_items is None and amount is not None:  # one line: its amount checked there
            items: tuple[LineItem, ...] = one_line(product or "", amount)
            total = items[0].amount
        else:
            total, items = reconcile_lines(id, amount, line_items, product)
        # a code of ISO 4217 (Currency(...) would cost a call)
        code: Currency = (
            _intern(currency)  # type: ignore[assignment]
            if type(currency) is str and currency in ISO_4217
            else share_text(currency_code(currency))
        )
        prob = None if probability is None else to_probability(probability)
        closed = None if closed_on is None else share_date(check_date(closed_on, field="closed_on"))
        if closed is not None and closed < created:
            raise InvalidOpportunityError(
                f"opportunity {id!r}: closed_on {closed} is before created {created}",
                opportunity_id=id,
                field="closed_on",
            )
        if lost_reason is not None and closed is None:
            raise InvalidOpportunityError(
                f"opportunity {id!r}: a lost_reason needs the closed_on date it was lost on",
                opportunity_id=id,
                field="lost_reason",
            )
        if history is None:  # built by the one rule, consistent by construction
            hist = (
                closed is None
                and type(stage) is str
                and type(created) is date
                and opened_history((stage, created))
            ) or default_history(stage, created, closed, lost_reason)
        else:
            hist = tuple(history)
            check_history(id, stage, created, hist)
        revs = revisions if type(revisions) is tuple else tuple(revisions)
        if revs:
            check_revisions(id, created, revs)
        fields = (
            id,
            name,
            account,
            owner,
            stage,
            created,
            expected_close,
            total,
            code,
            items,
            prob,
            NO_FACTS if facts is None else as_facts(facts),
            hist,
            revs,
            closed,
            lost_reason,
            notes,
            category_override,
        )
        if type(self) is Opportunity:  # filled fast (see _Slots); a subclass may add slots
            _setattr(self, "__class__", _Slots)
            _Slots.__init__(self, *fields)  # type: ignore[arg-type]
            _setattr(self, "__class__", Opportunity)
        else:
            self.__attrs_init__(*fields)

    @property
    def last_change(self) -> date:
        """The date of the latest stage change or revision (creation at least)."""
        dates = [self.history[-1].on, self.created]
        if self.revisions:
            dates.append(self.revisions[-1].on)
        return max(dates)

    @property
    def stage_key(self) -> StageKey:
        """The current stage's key (the stage machine's view of :attr:`stage`)."""
        return self.stage

    @property
    def history_is_default(self) -> bool:
        """Tell whether the history is the one built when none was given.

        See :func:`default_history`; such a record says nothing about the
        stages it passed through.
        """
        return self.history == default_history(
            self.stage, self.created, self.closed_on, self.lost_reason
        )

    @property
    def products(self) -> tuple[str, ...]:
        """The products of the line items, in order."""
        return tuple(li.product for li in self.line_items)

    # -- display ---------------------------------------------------------------

    def table(self, lang: Lang = "en") -> Table:
        """Return the opportunity at a glance, for display: its fields, lines and facts.

        >>> from datetime import date
        >>> deal = Opportunity(
        ...     id="D1",
        ...     name="CRM",
        ...     account="Acme",
        ...     owner="Ann",
        ...     stage="intent",
        ...     created=date(2026, 1, 5),
        ...     expected_close=date(2026, 9, 30),
        ...     amount="50000",
        ...     currency="EUR",
        ...     product="CRM suite",
        ... )
        >>> t = deal.table("zh")
        >>> t.title, t.rows[3]
        ('商机 CRM（D1）', ('阶段', 'intent'))
        """
        lang = check_lang(lang)
        rows: list[tuple[Cell, Cell]] = [
            (pick("account", "客户", lang), self.account),
            (pick("owner", "负责人", lang), self.owner),
            (pick("amount", "金额", lang), f"{self.amount:,} {self.currency}"),
            (pick("stage", "阶段", lang), self.stage),
            (pick("created", "创建日期", lang), self.created),
            (pick("expected close", "预计成交日期", lang), self.expected_close),
        ]
        if len(self.line_items) > 1 or self.line_items[0].product:
            rows += [
                (pick(f"product: {li.product}", f"产品：{li.product}", lang), li.amount)
                for li in self.line_items
            ]
        if self.probability is not None:
            rows.append(
                (pick("probability (override)", "赢单概率（手工）", lang), self.probability)
            )
        if self.category_override is not None:
            rows.append(
                (pick("category (override)", "预测类别（手工）", lang), self.category_override)
            )
        if self.closed_on is not None:
            rows.append((pick("closed on", "结束日期", lang), self.closed_on))
        if self.lost_reason is not None:
            rows.append((pick("lost because", "丢单原因", lang), self.lost_reason))
        rows += [
            (pick(f"fact: {key}", f"事实：{key}", lang), _yes_no(value, lang))
            for key, value in self.facts.items()
        ]
        if self.notes:
            rows.append((pick("notes", "备注", lang), self.notes))
        title = pick(f"Opportunity {self.name} ({self.id})", f"商机 {self.name}（{self.id}）", lang)
        return Table(title, (pick("field", "项目", lang), pick("value", "内容", lang)), rows)

    def history_table(self, lang: Lang = "en") -> Table:
        """Return the stage changes and revisions, oldest first, for display.

        >>> from datetime import date
        >>> deal = Opportunity(
        ...     id="D1",
        ...     name="CRM",
        ...     account="Acme",
        ...     owner="Ann",
        ...     stage="intent",
        ...     created=date(2026, 1, 5),
        ...     expected_close=date(2026, 9, 30),
        ...     amount="50000",
        ...     currency="EUR",
        ... )
        >>> deal.history_table().rows
        ((datetime.date(2026, 1, 5), 'create', '', 'intent', ''),)
        """
        lang = check_lang(lang)
        rows: list[tuple[Cell, ...]] = [
            (c.on, c.kind.value, c.from_stage or "", c.to_stage, c.reason or "")
            for c in self.history
        ]
        for r in self.revisions:
            old: Cell
            new: Cell
            if isinstance(r, Reschedule):
                what, old, new = pick("reschedule", "改期", lang), r.old, r.new
            elif isinstance(r, Reprice):
                what, old, new = pick("reprice", "改价", lang), r.old_amount, r.new_amount
            else:
                what = pick("override", "手工调整", lang)
                old = _override_text(r.old_probability, r.old_category)
                new = _override_text(r.new_probability, r.new_category)
            rows.append((r.on, what, old, new, r.reason or ""))
        rows.sort(key=lambda row: row[0])  # type: ignore[arg-type,return-value]  # dates
        headers = (
            pick("date", "日期", lang),
            pick("change", "变动", lang),
            pick("from", "原值", lang),
            pick("to", "新值", lang),
            pick("reason", "原因", lang),
        )
        return Table(pick("History", "历史", lang), headers, rows)

    def _tables(self) -> tuple[Table, Table]:
        return (self.table(), self.history_table())

    def evolve(self, **changes: object) -> Opportunity:
        """Return a copy with ``changes`` applied and every check run again.

        Prefer the stage machine and :func:`~salesfunnel.reschedule` /
        :func:`~salesfunnel.reprice`, which also record history.
        """
        fields = {f.name: getattr(self, f.name) for f in attrs.fields(Opportunity)}
        if "amount" in changes and "line_items" not in changes:
            fields["line_items"] = None
            if len(self.line_items) == 1:
                changes.setdefault("product", self.line_items[0].product)
        if "line_items" in changes and "amount" not in changes:
            fields["amount"] = None
        fields.update(changes)
        return Opportunity(**fields)


class _Slots(Tabular):
    """The slots of :class:`Opportunity` on a plain class: how a record is filled fast.

    A frozen attrs record sets each of its 18 fields through
    ``object.__setattr__``; plain stores on a class of the same layout cost a
    tenth of that, and the object then takes (or takes back) its own class:
    ``__class__`` assignment between two classes of one layout (the same base
    and the same slots). The record is the one the attrs initialiser builds;
    nothing else ever sees an instance of this class. Building and moving a
    record each save several microseconds (bench_transitions).
    """

    __slots__ = Opportunity.__slots__

    def __init__(
        self,
        id: str,  # noqa: A002
        name: str,
        account: str,
        owner: str,
        stage: StageKey,
        created: date,
        expected_close: date,
        amount: Decimal,
        currency: Currency,
        line_items: tuple[LineItem, ...],
        probability: Decimal | None,
        facts: Facts,
        history: tuple[StageChange, ...],
        revisions: tuple[Revision, ...],
        closed_on: date | None,
        lost_reason: str | None,
        notes: str,
        category_override: str | None,
    ) -> None:
        self.id = id
        self.name = name
        self.account = account
        self.owner = owner
        self.stage = stage
        self.created = created
        self.expected_close = expected_close
        self.amount = amount
        self.currency = currency
        self.line_items = line_items
        self.probability = probability
        self.facts = facts
        self.history = history
        self.revisions = revisions
        self.closed_on = closed_on
        self.lost_reason = lost_reason
        self.notes = notes
        self.category_override = category_override


def _override_text(probability: Decimal | None, category: str | None) -> str:
    return " / ".join(str(v) for v in (probability, category) if v is not None)


def with_stage_change(
    opportunity: Opportunity,
    change: StageChange,
    facts: Facts,
    closed_on: date | None,
    lost_reason: str | None,
) -> Opportunity:
    """Return ``opportunity`` moved by ``change`` (checked by the machine), unchecked.

    For the stage machine only, which has already validated exactly what it
    changes (the new history entry chains and is dated in order); re-running
    every check of the constructor on each move would make a move cost as
    much as building the opportunity again.
    """
    o = opportunity
    new = _Slots(
        o.id,
        o.name,
        o.account,
        o.owner,
        change.to_stage,
        o.created,
        o.expected_close,
        o.amount,
        o.currency,
        o.line_items,
        o.probability,
        facts,
        (*o.history, change),
        o.revisions,
        closed_on,
        lost_reason,
        o.notes,
        o.category_override,
    )
    new.__class__ = Opportunity  # type: ignore[assignment]
    return new  # type: ignore[return-value]
