"""The stage machine: moving records through a funnel, every gate checked.

The policies, each enforced here and tested:

* **Forward one stage** (along an edge): the target stage's gate must pass on
  the opportunity's facts merged with the ``facts`` given with the move.
* **Skipping stages** (forward with no direct edge, along the shortest path):
  under :attr:`SkipPolicy.GATED <salesfunnel.SkipPolicy.GATED>` allowed when
  the gates of every skipped stage pass too, or with ``allow_skip=True``, which
  waives the *skipped* gates (never the target's) and is recorded as
  ``forced=True``; under :attr:`SkipPolicy.KEYWORD
  <salesfunnel.SkipPolicy.KEYWORD>` it always needs ``allow_skip=True``. The
  skipped stages are listed in the history entry.
* **Moving back**: allowed to any earlier open stage, with a ``reason``; no gate.
* **Losing** (:func:`lose`): from any open stage, with a reason.
* **Reopening** (:func:`reopen`): a lost record goes back to the stage it was
  lost from, or an earlier one, with a reason.
* **A won record is terminal**; nothing moves it.
* **Dates**: a move dated before the last stage change (or before creation) is
  a :class:`~salesfunnel.errors.ChronologyError`; the same day is fine.
* Moving to the stage a record is already in is refused.

Nothing is changed in place: each function returns a new opportunity with one
more :class:`~salesfunnel.StageChange` in its history.

The ``plan_*`` functions hold the rules and return the history entry a move
would add, without touching any record; they serve every record with a stage
history (opportunities here, key accounts in :mod:`salesfunnel.key_accounts`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

from salesfunnel.calendar import check_date
from salesfunnel.errors import (
    ChronologyError,
    GateNotPassedError,
    InvalidOpportunityError,
    TransitionError,
)
from salesfunnel.funnel.opportunity import Opportunity, with_stage_change
from salesfunnel.funnel.records import (
    UNRECORDED_STAGE,
    ChangeKind,
    SkipPolicy,
    StageChange,
    StageKind,
    checked_stage_change,
)
from salesfunnel.qualification import AllOf, Facts, FactValue, Outcome, decide, evaluate

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from salesfunnel.funnel.records import StageKey
    from salesfunnel.funnel.stages import Funnel


class Staged(Protocol):
    """What the stage machine moves: a record with an id, a stage and a dated history.

    :class:`~salesfunnel.funnel.opportunity.Opportunity` and
    :class:`~salesfunnel.key_accounts.account.KeyAccount` are both.
    """

    @property
    def id(self) -> str:
        """The record's id, for messages."""

    @property
    def stage_key(self) -> StageKey:
        """The key of its current stage."""

    @property
    def history(self) -> tuple[StageChange, ...]:
        """Its stage history, oldest first."""

    @property
    def created(self) -> date:
        """The day it came into being (the first history entry is not before it)."""


__all__ = [
    "Staged",
    "advance",
    "check",
    "lose",
    "plan_advance",
    "plan_exit",
    "plan_reopen",
    "reopen",
    "snapshot_ok",
]


def _err(message: str, subject: str, from_stage: str, to_stage: str) -> TransitionError:
    return TransitionError(
        f"{subject}: {message}",
        opportunity_id=subject,
        from_stage=from_stage,
        to_stage=to_stage,
    )


def _check_when(
    subject: str,
    from_stage: str,
    to_stage: str,
    on: object,
    history: tuple[StageChange, ...],
    created: date,
) -> date:
    when = on if type(on) is date else check_date(on, field="on")
    last = max(history[-1].on, created) if history else created
    if when < last:
        raise ChronologyError(
            f"{subject}: a move to {to_stage!r} dated {when} comes before the last "
            f"change on {last}; date it {last} or later (history is append-only)",
            opportunity_id=subject,
            from_stage=from_stage,
            to_stage=to_stage,
            on=when,
            last=last,
        )
    return when


def _need_reason(
    reason: str | None, what: str, subject: str, from_stage: str, to_stage: str
) -> str:
    if reason is None or not str(reason).strip():
        raise _err(f"{what} needs a reason=; say why", subject, from_stage, to_stage)
    return reason


def plan_advance(
    funnel: Funnel,
    record: Staged,
    *,
    facts: Facts,
    to_stage: StageKey,
    on: date,
    reason: str | None = None,
    allow_skip: bool = False,
) -> StageChange:
    """Check a move up or down the ladder and return the history entry it adds.

    Args:
        funnel: The funnel the record is in.
        record: The record to move: an opportunity, a key account, anything
            :class:`Staged`.
        facts: The facts to evaluate gates on (already merged).
        to_stage: The stage to move to.
        on: The date of the move.
        reason: Why (required for moving back).
        allow_skip: Waive the gates of skipped stages.

    Returns:
        The :class:`~salesfunnel.StageChange` to append.

    Raises:
        UnknownStageError: For a stage the funnel does not have.
        GateNotPassedError: When a gate does not pass (``.verdict`` says why).
        ChronologyError: When ``on`` is before the last change.
        TransitionError: For any other refused move.
    """
    subject, history, created = record.id, record.history, record.created
    # an opportunity's stage_key is its stage: read without the property's call
    stage = record.stage if type(record) is Opportunity else record.stage_key
    # The funnel's own tables, read directly: every move looks up two stages
    # and their places (the hot path of every move, see bench_transitions);
    # a key they do not hold goes to funnel[...], which says what is wrong.
    by_key = funnel._by_key  # noqa: SLF001
    try:
        current = by_key[stage]
        target = by_key[to_stage]
    except (KeyError, TypeError):
        current, target = funnel[stage], funnel[to_stage]
    if current.kind is StageKind.WON:
        raise _err(
            f"is won ({stage!r}), which is terminal; record further business as a new opportunity",
            subject,
            stage,
            to_stage,
        )
    if current.kind is StageKind.LOST:
        raise _err(
            f"is in {stage!r}; reopen it (reopen(..., reason=...)) before moving it "
            f"to {to_stage!r}",
            subject,
            stage,
            to_stage,
        )
    if target.kind is StageKind.LOST:
        raise _err(
            "moving to the lost outcome is done with lose(..., reason=...)",
            subject,
            stage,
            to_stage,
        )
    if to_stage == stage:
        raise _err(f"is already in {stage!r}", subject, stage, to_stage)
    if type(on) is date and (  # the common case of _check_when, inline
        on >= history[-1].on and on >= created if history else on >= created
    ):
        when = on
    else:
        when = _check_when(subject, stage, to_stage, on, history, created)
    places = funnel._index  # noqa: SLF001  (neither is the lost outcome: refused above)
    if places[to_stage] < places[stage]:
        why = _need_reason(reason, "moving back", subject, stage, to_stage)
        return StageChange(stage, to_stage, when, why, ChangeKind.REGRESS)
    path = (stage, to_stage) if (stage, to_stage) in funnel.edges else funnel.path(stage, to_stage)
    if path is None:
        raise _err(
            f"there is no forward path from {stage!r} to {to_stage!r} in funnel {funnel.name!r}",
            subject,
            stage,
            to_stage,
        )
    skipped = path[1:-1]
    # A gate that passes needs no reasons: decide() runs the same evaluation
    # as the verdict without building it (the common case of every move; see
    # bench_transitions). The verdict is built only to explain a refusal.
    if target.rule is not None and decide(target.rule, facts) is not Outcome.PASSED:
        verdict = target.gate(facts)
        raise GateNotPassedError(
            f"{subject}: cannot enter {to_stage!r}: its gate is {verdict.outcome.value} "
            f"(failed: {_keys(verdict.failed)}; missing: {_keys(verdict.missing)})",
            opportunity_id=subject,
            from_stage=stage,
            to_stage=to_stage,
            verdict=verdict,
        )
    forced = False
    if skipped:
        rules = [r for r in (funnel[k].rule for k in skipped) if r is not None]
        skipped_verdict = evaluate(AllOf(rules), facts)
        gates_ok = skipped_verdict.passed
        if funnel.skip_policy is SkipPolicy.KEYWORD and not allow_skip:
            raise _err(
                f"moving from {stage!r} to {to_stage!r} skips {', '.join(skipped)}; "
                "this funnel moves one stage at a time unless you pass allow_skip=True",
                subject,
                stage,
                to_stage,
            )
        if not gates_ok and not allow_skip:
            raise GateNotPassedError(
                f"{subject}: moving to {to_stage!r} skips {', '.join(skipped)}, whose "
                f"gates are {skipped_verdict.outcome.value} (failed: "
                f"{_keys(skipped_verdict.failed)}; missing: "
                f"{_keys(skipped_verdict.missing)}); record the facts, or pass "
                "allow_skip=True to waive them",
                opportunity_id=subject,
                from_stage=stage,
                to_stage=to_stage,
                verdict=skipped_verdict,
            )
        forced = not gates_ok
    kind = ChangeKind.SKIP if skipped else ChangeKind.ADVANCE
    # Every value is checked: the stages against the funnel, the date, the
    # path's keys (a tuple); the entry is built without running the
    # constructor's conversions again.
    return checked_stage_change(stage, to_stage, when, reason, kind, skipped, forced)


def _keys(criteria: Iterable[object]) -> str:
    names = [getattr(c, "key", str(c)) for c in criteria]
    return ", ".join(names) if names else "none"


def plan_exit(
    funnel: Funnel,
    record: Staged,
    *,
    on: date,
    reason: str | None,
    kind: ChangeKind = ChangeKind.LOSE,
) -> StageChange:
    """Check a move from an open stage to the lost outcome and return its entry.

    ``kind`` is :attr:`ChangeKind.LOSE` for a lost deal, or
    :attr:`ChangeKind.EXIT` for another terminal outcome (a key account that
    uncouples).

    Raises:
        TransitionError: If the record is not open or no reason is given.
        ChronologyError: When ``on`` is before the last change.
    """
    subject, stage, history, created = record.id, record.stage_key, record.history, record.created
    lost = funnel.lost.key
    if funnel[stage].kind is not StageKind.OPEN:
        raise _err(
            f"is {funnel[stage].kind.value} ({stage!r}); only an open record can move to {lost!r}",
            subject,
            stage,
            lost,
        )
    why = _need_reason(reason, f"moving to {lost!r}", subject, stage, lost)
    when = _check_when(subject, stage, lost, on, history, created)
    return StageChange(stage, lost, when, why, kind)


def plan_reopen(
    funnel: Funnel,
    record: Staged,
    *,
    on: date,
    reason: str | None,
    to_stage: StageKey | None = None,
) -> StageChange:
    """Check reopening a lost record and return the history entry it adds.

    The record returns to the stage it was lost from, or to ``to_stage`` if
    that is an earlier open stage. When no history recorded the stage it was
    lost from (:data:`~salesfunnel.funnel.records.UNRECORDED_STAGE`), it returns to the
    entry stage, or to any open ``to_stage``.

    Raises:
        TransitionError: If the record is not lost, no reason is given, or
            ``to_stage`` is above the stage it was lost from.
        ChronologyError: When ``on`` is before the last change.
    """
    subject, stage, history, created = record.id, record.stage_key, record.history, record.created
    if funnel[stage].kind is not StageKind.LOST:
        raise _err(
            f"is {funnel[stage].kind.value} ({stage!r}); only a record in "
            f"{funnel.lost.key!r} can be reopened",
            subject,
            stage,
            str(to_stage),
        )
    lost_from = next(
        (c.from_stage for c in reversed(history) if c.to_stage == stage and c.from_stage),
        funnel.entry,
    )
    if lost_from == UNRECORDED_STAGE:
        lost_from = funnel.stages[-1].key if to_stage is not None else funnel.entry
    target = lost_from if to_stage is None else to_stage
    if (
        target == UNRECORDED_STAGE
        or funnel[target].kind is not StageKind.OPEN
        or funnel.index(target) > funnel.index(lost_from)
    ):
        raise _err(
            f"reopens into {lost_from!r} (where it was lost) or an earlier open "
            f"stage, not {target!r}; advance it from there",
            subject,
            stage,
            target,
        )
    why = _need_reason(reason, "reopening", subject, stage, target)
    when = _check_when(subject, stage, target, on, history, created)
    return StageChange(stage, target, when, why, ChangeKind.REOPEN)


def _apply(
    opportunity: Opportunity,
    change: StageChange,
    *,
    closed_on: date | None,
    lost_reason: str | None,
    facts: Facts | None = None,
) -> Opportunity:
    return with_stage_change(
        opportunity,
        change,
        opportunity.facts if facts is None else facts,
        closed_on,
        lost_reason,
    )


def advance(
    funnel: Funnel,
    opportunity: Opportunity,
    to_stage: StageKey,
    *,
    on: date,
    facts: Mapping[str, FactValue] | None = None,
    reason: str | None = None,
    allow_skip: bool = False,
) -> Opportunity:
    """Move ``opportunity`` to ``to_stage`` of ``funnel``, checking the gates.

    The ``facts`` given are merged into the opportunity's facts (new values
    win) before the gates are evaluated, and kept in the result. Entering the
    won stage sets ``closed_on``.

    Args:
        funnel: The funnel.
        opportunity: The opportunity (never changed).
        to_stage: The stage key to move to.
        on: The date of the move (a ``date``, not a ``datetime``).
        facts: New qualification facts learned with this move.
        reason: Why; required for moving back.
        allow_skip: Waive the gates of skipped stages (recorded).

    Returns:
        A new opportunity with one more history entry.

    Raises:
        GateNotPassedError: A gate did not pass; ``.verdict`` lists the failed
            and missing criteria.
        ChronologyError: ``on`` is before the last change.
        TransitionError: Any other refused move (terminal, same stage, …).
        UnknownStageError: A stage key the funnel does not have.

    >>> from datetime import date
    >>> from salesfunnel import DEFAULT_FUNNEL, Opportunity, TransitionError
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
    >>> try:
    ...     DEFAULT_FUNNEL.advance(deal, "project", on=date(2026, 2, 1))
    ... except TransitionError as err:
    ...     print(len(err.verdict.missing), "criteria missing")
    8 criteria missing
    """
    check(funnel, opportunity)
    merged = opportunity.facts.merge(facts)
    change = plan_advance(
        funnel,
        opportunity,
        facts=merged,
        to_stage=to_stage,
        on=on,
        reason=reason,
        allow_skip=allow_skip,
    )
    won = funnel._by_key[to_stage].kind is StageKind.WON  # noqa: SLF001  (a key plan_advance found)
    return with_stage_change(opportunity, change, merged, change.on if won else None, None)


def lose(funnel: Funnel, opportunity: Opportunity, *, on: date, reason: str) -> Opportunity:
    """Mark an open ``opportunity`` lost (丢单) on ``on``, for ``reason``.

    Returns:
        A new opportunity in the funnel's lost outcome, with ``closed_on`` and
        ``lost_reason`` set.

    Raises:
        TransitionError: If the opportunity is not open or the reason is empty.
        ChronologyError: ``on`` is before the last change.
    """
    funnel.check(opportunity)
    change = plan_exit(
        funnel,
        opportunity,
        on=on,
        reason=reason,
    )
    return _apply(opportunity, change, closed_on=change.on, lost_reason=change.reason)


def reopen(
    funnel: Funnel,
    opportunity: Opportunity,
    *,
    on: date,
    reason: str,
    to_stage: StageKey | None = None,
) -> Opportunity:
    """Bring a lost ``opportunity`` back to the stage it was lost from (or earlier).

    Returns:
        A new, open opportunity; ``closed_on`` and ``lost_reason`` are cleared.

    Raises:
        TransitionError: If it is not lost, the reason is empty, or
            ``to_stage`` is above the stage it was lost from.
        ChronologyError: ``on`` is before the last change.
    """
    funnel.check(opportunity)
    change = plan_reopen(
        funnel,
        opportunity,
        on=on,
        reason=reason,
        to_stage=to_stage,
    )
    return _apply(opportunity, change, closed_on=None, lost_reason=None)


def check(funnel: Funnel, opportunity: Opportunity) -> Opportunity:
    """Return ``opportunity`` if it is consistent with ``funnel``.

    Raises:
        UnknownStageError: For a stage key (current or in the history) that
            the funnel does not have.
        InvalidOpportunityError: For a won or lost opportunity without
            ``closed_on``, or an open one with it.
    """
    known = funnel._by_key  # noqa: SLF001  (one lookup per entry, no call: every move checks)
    for change in opportunity.history:
        key = change.to_stage
        if (type(key) is not str or key not in known) and key not in funnel:
            funnel[key]  # raises UnknownStageError with the known keys
    # the stage is the last entry's, checked just above
    kind = (known.get(opportunity.stage) or funnel[opportunity.stage]).kind
    if kind is StageKind.OPEN and opportunity.closed_on is not None:
        raise InvalidOpportunityError(
            f"opportunity {opportunity.id!r}: is open in {opportunity.stage!r} but "
            f"has closed_on {opportunity.closed_on}; clear it or set the stage",
            opportunity_id=opportunity.id,
            field="closed_on",
        )
    if kind is not StageKind.OPEN and opportunity.closed_on is None:
        raise InvalidOpportunityError(
            f"opportunity {opportunity.id!r}: is {kind.value} ({opportunity.stage!r}) "
            "but has no closed_on date; give the date it closed",
            opportunity_id=opportunity.id,
            field="closed_on",
        )
    return opportunity


def snapshot_ok(
    funnel: Funnel,
    stage: StageKey,
    created: date,
    expected_close: date,
    closed_on: date | None,
    *,
    lost: bool,
) -> bool:
    """Tell whether a deal of these dates, without a history, passes the date and stage rules.

    The rules of :class:`~salesfunnel.Opportunity` (expected close and close
    date not before creation, a lost reason only with a close date) and of
    :func:`check` (a won or lost stage has ``closed_on``, an open one has
    not), for ``stage``, a key of ``funnel``, and plain dates. ``lost`` says
    whether a lost reason is given.

    For the columnar readers, which give a frame without building a record
    for each row: ``False`` sends the row to the constructor, which says what
    is wrong. A property test holds this equal to building the record.
    """
    if expected_close < created:
        return False
    open_stage = funnel[stage].kind is StageKind.OPEN
    if closed_on is None:
        return open_stage and not lost
    return not open_stage and closed_on >= created
