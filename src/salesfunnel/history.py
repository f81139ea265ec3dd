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

from datetime import date
from typing import TYPE_CHECKING

import attrs

from salesfunnel.model import (
    ChangeKind,
    Opportunity,
    Reprice,
    Reschedule,
    StageKind,
    check_date,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from salesfunnel.model import StageKey
    from salesfunnel.stages import Funnel

__all__ = ["StageTime", "as_of", "snapshot", "time_in_stage"]


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

    Stage, history, expected close, amount and line items are rolled back to
    that date; ``closed_on`` and ``lost_reason`` are kept only if the
    opportunity had closed by then. Facts are not dated and are kept as they
    are now.

    Args:
        opportunity: The opportunity today.
        when: The past date.
        funnel: The funnel, to tell whether the stage on ``when`` was closed
            (default: closed when ``closed_on`` is on or before ``when``).

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
    for rev in reversed(later):
        if isinstance(rev, Reschedule):
            expected = rev.old
        elif isinstance(rev, Reprice):  # pragma: no branch
            lines = rev.old
    last = history[-1]
    if funnel is not None:
        closed = funnel[last.to_stage].kind is not StageKind.OPEN
    else:
        closed = last.kind is ChangeKind.LOSE or (
            opportunity.closed_on is not None and len(history) == len(opportunity.history)
        )
    return attrs.evolve(
        opportunity,
        stage=last.to_stage,
        history=history,
        revisions=revisions,
        expected_close=expected,
        line_items=lines,
        amount=None,
        closed_on=last.on if closed else None,
        lost_reason=last.reason if closed and last.kind is ChangeKind.LOSE else None,
    )


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


def time_in_stage(opportunity: Opportunity, *, as_of: date) -> Mapping[str, StageTime]:
    """Return the days ``opportunity`` spent in each stage, up to ``as_of``.

    A stay runs from the day a stage was entered to the day it was left; the
    current stage's stay runs to ``as_of``. Stages never visited are absent.
    Changes after ``as_of`` are ignored, so past figures can be reproduced.

    Raises:
        InvalidDateError: If ``as_of`` is not a plain date.
    """
    end = check_date(as_of, field="as_of")
    history = [c for c in opportunity.history if c.on <= end]
    stays: dict[str, list[int]] = {}
    for change, nxt in zip(history, [*history[1:], None], strict=True):
        until = nxt.on if nxt is not None else end
        stays.setdefault(change.to_stage, []).append((until - change.on).days)
    return {
        stage: StageTime(latest=days[-1], total=sum(days), visits=len(days))
        for stage, days in stays.items()
    }
