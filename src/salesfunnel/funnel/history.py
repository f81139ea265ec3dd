"""Reading histories: the stage on a past date, the record as it was, time in stage.

Every change is dated and nothing is overwritten, so the past can be rebuilt:
:func:`as_of` gives the stage an opportunity was in on a date,
:func:`snapshot` the whole opportunity as it stood (stage, amount, close date),
and :func:`time_in_stage` how long it spent in each stage.

A date means the *end* of that day: changes dated ``when`` are included.

>>> from datetime import date
>>> from salesfunnel import DEFAULT_FUNNEL, Opportunity
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
>>> moved = DEFAULT_FUNNEL.advance(
...     deal, "potential", on=date(2026, 2, 1), reason="needs more discovery"
... )
>>> as_of(moved, date(2026, 1, 31)), as_of(moved, date(2026, 2, 1))
('intent', 'potential')
>>> as_of(moved, date(2025, 12, 31)) is None
True
>>> time_in_stage(moved, as_of=date(2026, 3, 1))["intent"]
StageTime(latest=27, total=27, visits=1)
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import TYPE_CHECKING

import attrs

from salesfunnel.calendar import check_date
from salesfunnel.errors import InvalidResultError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import (
    UNRECORDED_STAGE,
    ChangeKind,
    Reprice,
    Reschedule,
    StageKind,
)
from salesfunnel.funnel.stages import Funnel

if TYPE_CHECKING:
    from collections.abc import Mapping

    from salesfunnel.funnel.records import StageKey

__all__ = ["StageTime", "as_of", "at_cutoff", "reached_stages", "snapshot", "time_in_stage"]


def as_of(opportunity: Opportunity, when: date) -> StageKey | None:
    """Return the stage ``opportunity`` was in at the end of ``when``.

    Returns:
        The stage key, or ``None`` if the opportunity did not exist yet.

    Raises:
        InvalidDateError: If ``when`` is not a plain date.
    """
    when = check_date(when, field="when")
    stage: StageKey | None = None
    for change in opportunity.history:
        if change.on > when:
            break
        stage = change.to_stage
    return stage


def snapshot(
    opportunity: Opportunity, when: date, *, funnel: Funnel | None = None
) -> Opportunity | None:
    """Rebuild ``opportunity`` as it stood at the end of ``when``.

    Stage, history, expected close, amount, line items and the manual
    probability and category overrides are rolled back to that date. When
    every stage change had happened by ``when``, ``closed_on`` and
    ``lost_reason`` are kept exactly as they are; before a later close or
    reopen, they are those of the last change then (a deal lost, then
    reopened, was lost on the date of that change). Facts are not dated and
    are kept as they are now.

    A deal given without a history (:func:`~salesfunnel.funnel.records.default_history`)
    is open in :data:`~salesfunnel.funnel.records.UNRECORDED_STAGE` from ``created``
    until its ``closed_on``.

    Args:
        opportunity: The opportunity today.
        when: The past date.
        funnel: The funnel, to tell whether the stage on ``when`` was closed
            (default: closed when the last change then was a loss or a
            close, or is the last change of all on a closed record).

    Returns:
        The opportunity as it was, or ``None`` if it did not exist yet.
    """
    when = check_date(when, field="when")
    if opportunity.created > when:
        return None
    history = tuple(c for c in opportunity.history if c.on <= when)
    if not history:
        return None
    revisions = tuple(r for r in opportunity.revisions if r.on <= when)
    later = opportunity.revisions[len(revisions) :]
    expected = opportunity.expected_close
    lines = opportunity.line_items
    probability = opportunity.probability
    category = opportunity.category_override
    for rev in reversed(later):
        if isinstance(rev, Reschedule):
            expected = rev.old
        elif isinstance(rev, Reprice):
            lines = rev.old
        else:
            probability, category = rev.old_probability, rev.old_category
    if len(history) == len(opportunity.history):
        closed_on, lost_reason = opportunity.closed_on, opportunity.lost_reason
    else:
        last = history[-1]
        if funnel is not None:
            kind = funnel[last.to_stage].kind
            closed, lost = kind is not StageKind.OPEN, kind is StageKind.LOST
        else:
            lost = last.kind in {ChangeKind.LOSE, ChangeKind.EXIT}
            closed = lost or last.kind is ChangeKind.CLOSE
        closed_on = last.on if closed else None
        lost_reason = last.reason if lost else None
    return attrs.evolve(
        opportunity,
        stage=history[-1].to_stage,
        history=history,
        revisions=revisions,
        expected_close=expected,
        line_items=lines,
        amount=None,
        probability=probability,
        category_override=category,
        closed_on=closed_on,
        lost_reason=lost_reason,
    )


def at_cutoff(
    opportunity: Opportunity, cutoff: date, *, funnel: Funnel = DEFAULT_FUNNEL
) -> Opportunity | None:
    """Return ``opportunity`` as it stood at the end of ``cutoff``.

    An opportunity with no stage change or revision after the cutoff is
    returned as it is (no copy); otherwise it is rebuilt with
    :func:`snapshot`, so a forecast for a past cutoff
    gives the same answer it gave on that day.

    Returns:
        The opportunity as it was, or ``None`` if it was created after
        ``cutoff``.
    """
    if opportunity.created > cutoff:
        return None
    revisions = opportunity.revisions
    # the common case, nothing after the cutoff, without building a list: a
    # forecast asks this of every deal
    if opportunity.history[-1].on <= cutoff and (not revisions or revisions[-1].on <= cutoff):
        return opportunity
    return snapshot(opportunity, cutoff, funnel=funnel)


def reached_stages(opportunity: Opportunity, funnel: Funnel | None = None) -> dict[str, bool]:
    """Return each ladder stage ``opportunity`` reached, and whether it advanced from it.

    A stage is reached when entered or skipped over; the deal advanced from it
    when, after first reaching it, it reached a higher stage (a skipped stage
    is passed in the same move). Keys are in the order first reached.

    A deal read without a history (:attr:`~salesfunnel.Opportunity.history_is_default`)
    says only where it is now. On a linear ladder (each stage's only way up is
    the next one) a deal now in stage *k* has reached every stage below *k*
    and advanced from each; a won one has passed every stage. Where a lost
    one was lost is not known: it counts as lost from the stage an unrecorded
    open deal counts as (:attr:`~salesfunnel.Funnel.unrecorded_as`, the first
    stage with a probability above zero), so the chained stage rates still
    multiply to the win rate. On a branching ladder only the stage it is in
    now is known.
    """
    funnel = DEFAULT_FUNNEL if funnel is None else funnel
    if opportunity.history_is_default:
        return _reached_from_snapshot(opportunity, funnel)
    first: dict[str, int] = {}
    for i, change in enumerate(opportunity.history):
        for key in (*change.skipped, change.to_stage):
            if key != UNRECORDED_STAGE and funnel[key].kind is not StageKind.LOST:
                first.setdefault(key, i)
    out = {}
    for key, i in first.items():
        level = funnel.index(key)
        out[key] = any(funnel.index(c.to_stage) > level for c in opportunity.history[i:])
    return out


def _reached_from_snapshot(opportunity: Opportunity, funnel: Funnel) -> dict[str, bool]:
    stage = funnel[opportunity.stage]
    lost = stage.kind is StageKind.LOST
    linear = funnel.edges == frozenset((a.key, b.key) for a, b in itertools.pairwise(funnel.stages))
    if not linear:
        return {funnel.unrecorded_as if lost else stage.key: False}
    top = funnel.index(funnel.unrecorded_as if lost else stage.key)
    return {s.key: i < top for i, s in enumerate(funnel.stages[: top + 1])}


@attrs.frozen
class StageTime:
    """Time spent in one stage, in whole days.

    Attributes:
        latest: The length of the most recent stay.
        total: The sum of all stays (more than ``latest`` when the record left
            the stage and came back).
        visits: How many separate stays there were.
    """

    latest: int
    total: int
    visits: int

    def __attrs_post_init__(self) -> None:
        """Refuse a stay count below 1 and a latest stay longer than the total.

        Raises:
            InvalidResultError: Naming the field at fault.
        """
        if self.visits < 1:
            raise InvalidResultError("StageTime", "visits", "is not a number of stays (1 or more)")
        if not 0 <= self.latest <= self.total:
            raise InvalidResultError("StageTime", "latest", "is not between 0 and the total")


def time_in_stage(opportunity: Opportunity, *, as_of: date) -> Mapping[str, StageTime]:
    """Return the days ``opportunity`` spent in each stage, up to ``as_of``.

    A stay runs from the day a stage was entered to the day it was left; the
    current stage's stay runs to ``as_of``. Stages never visited are absent
    (so the result is empty before the opportunity existed). Changes after
    ``as_of`` are ignored, so past figures can be reproduced. A deal read
    without a history spends its open time in
    :data:`~salesfunnel.funnel.records.UNRECORDED_STAGE`.

    >>> from salesfunnel import Opportunity
    >>> won = Opportunity(
    ...     id="W",
    ...     name="CRM",
    ...     account="Acme",
    ...     owner="Ann",
    ...     stage="closed",
    ...     created=date(2026, 1, 5),
    ...     expected_close=date(2026, 3, 1),
    ...     amount="9000",
    ...     currency="EUR",
    ...     closed_on=date(2026, 3, 2),
    ... )
    >>> time_in_stage(won, as_of=date(2026, 3, 31))["(open)"].total
    56
    >>> time_in_stage(won, as_of=date(2025, 12, 31))
    {}

    Raises:
        InvalidDateError: If ``as_of`` is not a plain date.
    """
    end = check_date(as_of, field="as_of")
    history = [c for c in opportunity.history if c.on <= end]
    if not history:
        return {}
    stays: dict[str, list[int]] = {}
    for change, nxt in zip(history, [*history[1:], None], strict=True):
        until = nxt.on if nxt is not None else end
        stays.setdefault(change.to_stage, []).append((until - change.on).days)
    return {
        stage: StageTime(latest=days[-1], total=sum(days), visits=len(days))
        for stage, days in stays.items()
    }
