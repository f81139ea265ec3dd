"""Key accounts (大客户): where each stands in its lifecycle, and how it moves.

A :class:`KeyAccount` is a frozen record of one key account: its current
:class:`~salesfunnel.KamStage`, the dated history of its stage changes, the
signals observed about the relationship (for :func:`~salesfunnel.assess`) and
the playbook activities done (for :func:`~salesfunnel.gaps`).

It moves with the foundation's stage machine (:mod:`salesfunnel.funnel.machine`) in
the lifecycle funnel (:data:`~salesfunnel.key_accounts.lifecycle.KAM_FUNNEL`), so the
rules are the opportunities' rules: forward one stage at a time (skipping
needs ``allow_skip=True``, recorded in the history), back with a reason, to
uncoupling from any stage with a reason, back from uncoupling with a reason,
and never to a date before the last change.

>>> from datetime import date
>>> acme = KeyAccount("ACME", "Acme Retail", "pre_kam", since=date(2025, 3, 1))
>>> acme = acme.advance(on=date(2025, 9, 1), reason="first orders placed")
>>> acme.stage, acme.stage.label("zh")
(<KamStage.EARLY: 'early'>, '初期阶段')
>>> acme.advance(on=date(2026, 1, 5), to="partnership")
Traceback (most recent call last):
...
salesfunnel.errors.TransitionError: ACME: moving from 'early' to 'partnership' skips mid; this funnel moves one stage at a time unless you pass allow_skip=True
>>> gone = acme.uncouple(on=date(2026, 2, 1), reason="bought by a competitor")
>>> [c.kind.value for c in gone.history]
['create', 'advance', 'exit']
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

import attrs

from salesfunnel.calendar import check_date
from salesfunnel.errors import FunnelDefinitionError, FunnelError, TransitionError
from salesfunnel.funnel.machine import plan_advance, plan_exit, plan_reopen
from salesfunnel.funnel.records import ChangeKind, StageChange
from salesfunnel.funnel.stages import Funnel
from salesfunnel.i18n import Lang, Text, check_lang, pick
from salesfunnel.key_accounts.lifecycle import KAM_FUNNEL, KamStage
from salesfunnel.key_accounts.signals import SIGNALS
from salesfunnel.qualification import Facts, FactValue
from salesfunnel.tables import Cell, Table, Tabular

if TYPE_CHECKING:
    from salesfunnel.key_accounts.playbooks import Activity

__all__ = [
    "ActivityRecord",
    "InvalidKeyAccountError",
    "KeyAccount",
]

_KEYS = tuple(s.value for s in KamStage)


class InvalidKeyAccountError(FunnelError, ValueError):
    """A key account whose fields contradict each other.

    Subclasses :class:`ValueError` because the values given do not fit
    together (a history that does not chain, an activity dated before the
    relationship started), exactly like
    :class:`~salesfunnel.errors.InvalidOpportunityError` for opportunities.

    Attributes:
        account_id: The id of the account (``None`` if it had none yet).
        field: The field at fault.
    """

    def __init__(self, message: str, *, account_id: str | None, field: str) -> None:
        super().__init__(message)
        self.account_id = account_id
        self.field = field


def _check_funnel(funnel: Funnel) -> Funnel:
    if not isinstance(funnel, Funnel) or funnel.keys() != _KEYS:
        raise FunnelDefinitionError(
            f"a key account moves in a lifecycle funnel with stages {', '.join(_KEYS)} "
            "(build one with kam_funnel())",
            rule="kam-stages",
            stages=funnel.keys() if isinstance(funnel, Funnel) else (),
        )
    return funnel


def _since(value: object) -> date:
    return check_date(value, field="since")


def _record_date(value: object) -> date | None:
    return None if value is None else check_date(value, field="on")


def _facts(value: Mapping[str, FactValue] | None) -> Facts:
    """The signals as Facts, each catalogue signal checked for its kind and range."""
    facts = value if isinstance(value, Facts) else Facts(value or {})
    for key, fact in facts.items():
        if key in SIGNALS:
            SIGNALS[key].check(fact)
    return facts


def _records(value: Iterable[ActivityRecord]) -> tuple[ActivityRecord, ...]:
    return tuple(value)


def _changes(value: Iterable[StageChange]) -> tuple[StageChange, ...]:
    return tuple(value)


@attrs.frozen
class ActivityRecord:
    """A record that a playbook activity was done for an account.

    Attributes:
        activity: The activity key (see :func:`salesfunnel.playbook`).
        on: When it was done, or ``None`` when the date was not recorded.
        note: What was done, in a few words.
    """

    activity: str
    on: date | None = attrs.field(default=None, converter=_record_date)
    note: str | None = None


def _stage(value: object) -> KamStage:
    return KamStage.parse(value)


def _fact_cell(value: FactValue, lang: Lang) -> Cell:
    if isinstance(value, bool):
        return pick("yes", "是", lang) if value else pick("no", "否", lang)
    return value


#: How a history entry reads in the account's table.
_MOVES = {
    ChangeKind.CREATE: Text("created", "建立"),
    ChangeKind.ADVANCE: Text("advanced", "推进"),
    ChangeKind.SKIP: Text("skipped ahead", "跳级推进"),
    ChangeKind.REGRESS: Text("moved back", "回退"),
    ChangeKind.LOSE: Text("lost", "丢失"),
    ChangeKind.REOPEN: Text("resumed", "恢复"),
    ChangeKind.EXIT: Text("uncoupled", "解体"),
    ChangeKind.CLOSE: Text("closed", "结束"),
}


def _stage_label(key: str | None, lang: Lang) -> str:
    return "" if key is None else KamStage(key).label(lang)


@attrs.frozen
class KeyAccount(Tabular):
    """A key account (大客户) and where it stands in its lifecycle.

    Frozen: every move returns a new account with one more entry in
    :attr:`history`. Build one in its current stage; the history starts with
    a creation entry on ``since`` unless you give a longer one.

    Attributes:
        id: A unique identifier.
        name: The account's name.
        stage: Its current lifecycle stage (a :class:`KamStage`, its key or
            a label).
        since: The date the relationship record starts.
        manager: The key-account manager responsible (may be empty).
        signals: Observed signals about the relationship, for
            :func:`salesfunnel.assess` (see :data:`salesfunnel.key_accounts.assessment.SIGNALS`).
        activities: Records of playbook activities done, for the gap list
            (:func:`salesfunnel.gaps`).
        history: Stage changes, oldest first; the first is the creation.
        notes: Free-text notes.

    Raises:
        InvalidKeyAccountError: For an empty id or name, a history that does
            not chain, goes back in time, starts before ``since``, names a stage
            outside the lifecycle or does not end in ``stage``, or an activity
            record dated before ``since``.
        UnknownStageError: For a stage that is not a lifecycle stage.
        InvalidDateError: For a datetime (or non-date) where a date goes.
    """

    id: str
    name: str
    stage: KamStage = attrs.field(converter=_stage)
    since: date = attrs.field(converter=_since)
    manager: str = ""
    signals: Facts = attrs.field(factory=Facts.of, converter=_facts)
    activities: tuple[ActivityRecord, ...] = attrs.field(default=(), converter=_records)
    history: tuple[StageChange, ...] = attrs.field(converter=_changes)
    notes: str = ""

    @history.default
    def _history_default(self) -> tuple[StageChange, ...]:
        return (StageChange(None, self.stage.value, self.since, kind=ChangeKind.CREATE),)

    def __attrs_post_init__(self) -> None:
        """Check the fields against each other (see the class docstring)."""
        if not isinstance(self.id, str) or not self.id.strip():
            raise InvalidKeyAccountError(
                f"a key account needs a non-empty string id, got {self.id!r}",
                account_id=None,
                field="id",
            )
        if not isinstance(self.name, str) or not self.name.strip():
            raise self._bad("name", f"name must be a non-empty string, got {self.name!r}")
        for field in ("manager", "notes"):
            if not isinstance(getattr(self, field), str):
                raise self._bad(field, f"{field} must be a string, got {getattr(self, field)!r}")
        self._check_history()
        for i, rec in enumerate(self.activities):
            if not isinstance(rec, ActivityRecord):
                raise self._bad(
                    "activities",
                    f"activities[{i}] is {type(rec).__name__}; use ActivityRecord(key, on)",
                )
            if rec.on is not None and rec.on < self.since:
                raise self._bad(
                    "activities",
                    f"activities[{i}] ({rec.activity!r}) is dated {rec.on}, before "
                    f"the relationship record starts on {self.since}; move since= back",
                )

    def _bad(self, field: str, message: str) -> InvalidKeyAccountError:
        return InvalidKeyAccountError(
            f"key account {self.id!r}: {message}", account_id=self.id, field=field
        )

    def _check_history(self) -> None:
        history = self.history
        if not history:
            raise self._bad("history", "history is empty; leave it out to start with creation")
        for i, change in enumerate(history):
            if not isinstance(change, StageChange):
                raise self._bad(
                    "history", f"history entry {i} is {type(change).__name__}, not a StageChange"
                )
            if change.to_stage not in _KEYS:
                raise self._bad(
                    "history",
                    f"history entry {i} moves to {change.to_stage!r}, which is not a "
                    f"lifecycle stage ({', '.join(_KEYS)})",
                )
        first = history[0]
        if first.from_stage is not None or first.kind is not ChangeKind.CREATE:
            raise self._bad(
                "history",
                "history starts with a move; its first entry is the creation "
                "(from_stage=None, kind=ChangeKind.CREATE)",
            )
        if first.on < self.since:
            raise self._bad("history", f"history starts on {first.on}, before since={self.since}")
        for i, (prev, change) in enumerate(itertools.pairwise(history), start=1):
            if change.from_stage != prev.to_stage:
                raise self._bad(
                    "history",
                    f"history does not chain at entry {i}: it moves from "
                    f"{change.from_stage!r} but entry {i - 1} moved to {prev.to_stage!r}",
                )
            if change.on < prev.on:
                raise self._bad(
                    "history",
                    f"history goes back in time at entry {i}: {change.on} is before {prev.on}",
                )
        if history[-1].to_stage != self.stage.value:
            raise self._bad(
                "history",
                f"history ends in {history[-1].to_stage!r} but the stage is "
                f"{self.stage.value!r}; move the account with advance/regress/"
                "uncouple/resume to keep them in step",
            )

    # -- reading -------------------------------------------------------------

    @property
    def stage_key(self) -> str:
        """The current lifecycle stage's key (the stage machine's view of :attr:`stage`)."""
        return self.stage.value

    @property
    def created(self) -> date:
        """The day the relationship started (:attr:`since`)."""
        return self.since

    @property
    def entered(self) -> date:
        """The date the account entered its current stage."""
        return self.history[-1].on

    @property
    def last_change(self) -> date:
        """The date of the latest stage change."""
        return self.history[-1].on

    def stage_on(self, when: date) -> KamStage | None:
        """Return the stage the account was in at the end of ``when``.

        Returns:
            The stage, or ``None`` before the history starts.

        Raises:
            InvalidDateError: If ``when`` is not a plain date.
        """
        day = check_date(when, field="when")
        found: KamStage | None = None
        for change in self.history:
            if change.on > day:
                break
            found = KamStage(change.to_stage)
        return found

    def days_in_stage(self, *, as_of: date) -> int:
        """Return how many days the account has been in its current stage on ``as_of``.

        Raises:
            InvalidDateError: If ``as_of`` is not a plain date.
            InvalidKeyAccountError: If ``as_of`` is before the current stage
                was entered.
        """
        day = check_date(as_of, field="as_of")
        if day < self.entered:
            raise self._bad(
                "as_of",
                f"as_of {day} is before the account entered {self.stage.value!r} on "
                f"{self.entered}; ask about a later date, or use stage_on()",
            )
        return (day - self.entered).days

    # -- display ---------------------------------------------------------------

    def table(self, lang: Lang = "en") -> Table:
        """Return the account at a glance for display: stage, dates, manager, signals."""
        lang = check_lang(lang)
        rows: list[tuple[Cell, Cell]] = [
            (pick("stage", "阶段", lang), self.stage.label(lang)),
            (pick("in the stage since", "进入当前阶段", lang), self.entered),
            (pick("relationship since", "关系开始", lang), self.since),
            (pick("key-account manager", "大客户经理", lang), self.manager),
        ]
        rows += [
            (pick(f"signal: {key}", f"信号：{key}", lang), _fact_cell(value, lang))
            for key, value in self.signals.items()
        ]
        if self.notes:
            rows.append((pick("notes", "备注", lang), self.notes))
        title = pick(
            f"Key account {self.name} ({self.id})", f"大客户 {self.name}（{self.id}）", lang
        )
        return Table(title, (pick("field", "项目", lang), pick("value", "内容", lang)), rows)

    def history_table(self, lang: Lang = "en") -> Table:
        """Return the stage changes, oldest first, for display."""
        lang = check_lang(lang)
        rows = [
            (
                c.on,
                _stage_label(c.from_stage, lang),
                _stage_label(c.to_stage, lang),
                _MOVES[c.kind](lang),
                c.reason or "",
            )
            for c in self.history
        ]
        headers = (
            pick("date", "日期", lang),
            pick("from", "原阶段", lang),
            pick("to", "新阶段", lang),
            pick("move", "变动", lang),
            pick("reason", "原因", lang),
        )
        return Table(pick("Lifecycle history", "生命周期历史", lang), headers, rows)

    def activities_table(self, lang: Lang = "en") -> Table:
        """Return the playbook activities done, for display."""
        lang = check_lang(lang)
        rows = [(r.activity, r.on, r.note or "") for r in self.activities]
        headers = (
            pick("activity", "活动", lang),
            pick("date", "日期", lang),
            pick("note", "说明", lang),
        )
        return Table(pick("Playbook activities done", "已完成的行动手册活动", lang), headers, rows)

    def _tables(self) -> tuple[Table, ...]:
        tables = (self.table(), self.history_table())
        return (*tables, self.activities_table()) if self.activities else tables

    # -- moves -----------------------------------------------------------------

    def _move(self, change: StageChange, signals: Facts | None = None) -> KeyAccount:
        return attrs.evolve(
            self,
            stage=KamStage(change.to_stage),
            history=(*self.history, change),
            signals=self.signals if signals is None else signals,
        )

    def _refuse(self, to: KamStage | None, message: str) -> TransitionError:
        return TransitionError(
            f"{self.id}: {message}",
            opportunity_id=self.id,
            from_stage=self.stage.value,
            to_stage=to.value if to is not None else "",
        )

    def advance(
        self,
        *,
        on: date,
        to: KamStage | str | None = None,
        reason: str | None = None,
        allow_skip: bool = False,
        signals: Mapping[str, FactValue] | None = None,
        funnel: Funnel = KAM_FUNNEL,
    ) -> KeyAccount:
        """Move the account up the lifecycle, by default to the next stage.

        Args:
            on: The date of the move.
            to: A later stage; one more than one step up needs ``allow_skip``.
            reason: Why (optional going forward; kept in the history).
            allow_skip: Allow skipping stages (recorded as a skip).
            signals: New signals learned with this move, merged into
                :attr:`signals` (new values win) before any gate is checked.
            funnel: The lifecycle funnel (default: :data:`KAM_FUNNEL`, no
                gates; pass :meth:`KamRules.funnel()
                <salesfunnel.key_accounts.assessment.KamRules.funnel>` to require the
                evidence).

        Returns:
            The account in its new stage, with one more history entry.

        Raises:
            TransitionError: At the top of the ladder, from uncoupling (use
                :meth:`resume`), towards uncoupling (use :meth:`uncouple`),
                to a lower stage (use :meth:`regress`), or a skip without
                ``allow_skip=True``.
            GateNotPassedError: When the funnel's gate of the stage entered
                does not pass on the signals.
            ChronologyError: When ``on`` is before the last change.
        """
        funnel = _check_funnel(funnel)
        if self.stage is KamStage.UNCOUPLING:
            raise self._refuse(
                None, "has uncoupled; bring it back with resume(on=..., reason=...) first"
            )
        target = self.stage.next if to is None else KamStage.parse(to)
        if target is None:
            raise self._refuse(
                None,
                "is synergistic, the top of the lifecycle; there is no stage to advance to",
            )
        if target is KamStage.UNCOUPLING:
            raise self._refuse(target, "ending a relationship is uncouple(on=..., reason=...)")
        if target.rank < self.stage.rank:
            raise self._refuse(
                target,
                f"{target.value!r} is below {self.stage.value!r}; move back with "
                "regress(to, on=..., reason=...)",
            )
        merged = self.signals.merge(signals)
        change = plan_advance(
            funnel,
            self,
            facts=merged,
            to_stage=target.value,
            on=on,
            reason=reason,
            allow_skip=allow_skip,
        )
        return self._move(change, merged)

    def regress(
        self,
        to: KamStage | str,
        *,
        on: date,
        reason: str,
        funnel: Funnel = KAM_FUNNEL,
    ) -> KeyAccount:
        """Move the account back to an earlier lifecycle stage, for ``reason``.

        Raises:
            TransitionError: Without a reason, from uncoupling, or to a stage
                that is not below the current one.
            ChronologyError: When ``on`` is before the last change.
        """
        funnel = _check_funnel(funnel)
        target = KamStage.parse(to)
        if self.stage is KamStage.UNCOUPLING:
            raise self._refuse(
                target, "has uncoupled; bring it back with resume(on=..., reason=..., to=...)"
            )
        if not target.on_ladder or target.rank >= self.stage.rank:
            raise self._refuse(
                target,
                f"regress moves to a stage below {self.stage.value!r}, not "
                f"{target.value!r}; use advance() to move up and uncouple() to end",
            )
        change = plan_advance(
            funnel,
            self,
            facts=self.signals,
            to_stage=target.value,
            on=on,
            reason=reason,
        )
        return self._move(change)

    def uncouple(self, *, on: date, reason: str, funnel: Funnel = KAM_FUNNEL) -> KeyAccount:
        """End the relationship (解体), from any ladder stage, for ``reason``.

        Raises:
            TransitionError: If it has already uncoupled, or without a reason.
            ChronologyError: When ``on`` is before the last change.
        """
        funnel = _check_funnel(funnel)
        change = plan_exit(
            funnel,
            self,
            on=on,
            reason=reason,
            kind=ChangeKind.EXIT,
        )
        return self._move(change)

    def resume(
        self,
        *,
        on: date,
        reason: str,
        to: KamStage | str | None = None,
        funnel: Funnel = KAM_FUNNEL,
    ) -> KeyAccount:
        """Bring an uncoupled relationship back, to the stage it left or an earlier one.

        Raises:
            TransitionError: If it has not uncoupled, without a reason, or to
                a stage above the one it left from.
            ChronologyError: When ``on`` is before the last change.
        """
        funnel = _check_funnel(funnel)
        change = plan_reopen(
            funnel,
            self,
            on=on,
            reason=reason,
            to_stage=None if to is None else KamStage.parse(to).value,
        )
        return self._move(change)

    def observe(self, signals: Mapping[str, FactValue]) -> KeyAccount:
        """Return the account with ``signals`` merged into its signals (new values win).

        The names are checked when the signals are assessed
        (:func:`salesfunnel.assess`), against the rules in use.
        """
        return attrs.evolve(self, signals=self.signals.merge(signals))

    def record(
        self, activity: Activity | str, *, on: date | None, note: str | None = None
    ) -> KeyAccount:
        """Return the account with one more activity record.

        Args:
            activity: A playbook :class:`~salesfunnel.key_accounts.playbooks.Activity`
                (any, including your own), or the key of one of the default
                playbooks' activities.
            on: When it was done (``None`` if not known).
            note: What was done.

        Raises:
            UnknownActivityError: For a key no default playbook has.
            InvalidKeyAccountError: For a date before :attr:`since`.
        """
        from salesfunnel.key_accounts.playbooks import find_activity  # noqa: PLC0415  (cycle)

        key = activity if isinstance(activity, str) else activity.key
        if isinstance(activity, str):
            find_activity(activity)
        rec = ActivityRecord(key, on, note)
        return attrs.evolve(self, activities=(*self.activities, rec))
