"""What changed between two dates: the pipeline waterfall and slippage per deal.

Every close-date and amount change is recorded in an opportunity's
``revisions`` (:func:`~salesfunnel.reschedule`, :func:`~salesfunnel.reprice`)
and every stage move in its ``history``, so the pipeline on any past date can
be rebuilt (:func:`~salesfunnel.funnel.history.snapshot`). :func:`waterfall` compares
the pipeline at two dates and explains the difference deal by deal:

``start + new + pulled in − pushed out + amount up − amount down − won − lost
+ reopened − removed = end``, exactly.

:func:`slippage` counts how often a deal's close date was pushed out.

>>> from datetime import date
>>> from salesfunnel import Opportunity, reschedule
>>> deal = Opportunity(
...     id="D1",
...     name="ERP",
...     account="Acme",
...     owner="Ann",
...     stage="recognition",
...     created=date(2026, 6, 1),
...     expected_close=date(2026, 9, 15),
...     amount="100000",
...     currency="CNY",
... )
>>> later = reschedule(deal, date(2026, 10, 20), on=date(2026, 9, 10))
>>> q3 = date(2026, 7, 1), date(2026, 9, 30)
>>> w = waterfall([later], start=date(2026, 9, 1), end=date(2026, 9, 30), window=q3)
>>> w.opening, w.total(Movement.PUSHED_OUT), w.closing
(Decimal('100000'), Decimal('-100000'), Decimal('0'))
>>> slippage(later).pushes
1
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from salesfunnel.calendar import GREGORIAN, FiscalCalendar, FiscalQuarter, FiscalYear, check_date
from salesfunnel.errors import FunnelError, InvalidResultError
from salesfunnel.forecasting.rollup import converted_lines, reporting_currency
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.history import snapshot
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import Reschedule, StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.fx import ExchangeRates
from salesfunnel.i18n import Lang, Text
from salesfunnel.money import Currency
from salesfunnel.tables import Tabular

if TYPE_CHECKING:
    from salesfunnel.tables import Table

__all__ = [
    "Change",
    "InvalidDateRangeError",
    "Movement",
    "Slippage",
    "Waterfall",
    "slippage",
    "slippage_report",
    "waterfall",
]


class InvalidDateRangeError(FunnelError, ValueError):
    """A range of dates that ends before it starts.

    Subclasses :class:`ValueError`: each date is fine, their order is not.

    Attributes:
        start: The first date given.
        end: The last date given.
    """

    def __init__(self, message: str, *, start: date, end: date) -> None:
        super().__init__(message)
        self.start = start
        self.end = end


class Movement(enum.Enum):
    """One kind of change in a pipeline waterfall, in the order it is shown."""

    #: A deal that joined the pipeline: created, or qualified into a pipeline stage.
    NEW = "new"
    #: Moved into the window by a close-date change.
    PULLED_IN = "pulled_in"
    #: Moved out of the window by a close-date change.
    PUSHED_OUT = "pushed_out"
    #: Amount raised (a deal in the pipeline at both dates).
    AMOUNT_UP = "amount_up"
    #: Amount lowered (a deal in the pipeline at both dates).
    AMOUNT_DOWN = "amount_down"
    #: Won: leaves the open pipeline as a booking.
    WON = "won"
    #: Lost (丢单).
    LOST = "lost"
    #: A lost deal brought back into the pipeline.
    REOPENED = "reopened"
    #: Still open but no longer pipeline: moved back to a stage outside it.
    REMOVED = "removed"

    def label(self, lang: Lang = "en") -> str:
        """Return the movement's name in ``lang``."""
        return _MOVEMENT_TEXT[self](lang)


_MOVEMENT_TEXT = {
    Movement.NEW: Text("New", "新增"),
    Movement.PULLED_IN: Text("Pulled in", "提前（移入）"),
    Movement.PUSHED_OUT: Text("Pushed out", "推迟（移出）"),
    Movement.AMOUNT_UP: Text("Amount up", "金额增加"),
    Movement.AMOUNT_DOWN: Text("Amount down", "金额减少"),
    Movement.WON: Text("Won", "赢单"),
    Movement.LOST: Text("Lost", "丢单"),
    Movement.REOPENED: Text("Reopened", "重新打开"),
    Movement.REMOVED: Text("Removed", "移出管道"),
}


@attrs.frozen
class Change:
    """One deal's part in a waterfall.

    Attributes:
        opportunity_id: The deal.
        movement: What happened to it.
        amount: Its signed effect on the pipeline value (negative for
            pushed out, amount down, won, lost and removed).
    """

    opportunity_id: str
    movement: Movement
    amount: Decimal


@attrs.frozen
class Waterfall(Tabular):
    """The pipeline at two dates and the changes that lead from one to the other.

    Attributes:
        start: The first date (the pipeline at the end of that day).
        end: The last date.
        window: The close dates the pipeline was limited to, as ``(first,
            last)``, or ``None`` for every close date.
        currency: The reporting currency (``None`` when there were no deals).
        opening: The pipeline value at ``start``.
        closing: The pipeline value at ``end``.
        changes: One entry per deal and movement, in input order.
    """

    start: date
    end: date
    window: tuple[date, date] | None
    currency: Currency | None
    opening: Decimal
    closing: Decimal
    changes: tuple[Change, ...]

    def __attrs_post_init__(self) -> None:
        """Refuse changes that do not lead from the opening value to the closing one.

        Raises:
            InvalidResultError: Naming ``changes``.
        """
        if not self.balanced:
            raise InvalidResultError(
                "Waterfall",
                "changes",
                f"do not add up: opening {self.opening} plus the changes is not closing "
                f"{self.closing}",
                "correct the amounts, or write the waterfall again with salesfunnel",
            )

    def total(self, movement: Movement) -> Decimal:
        """Return the signed sum of one movement."""
        return sum((c.amount for c in self.changes if c.movement is movement), Decimal(0))

    def count(self, movement: Movement) -> int:
        """Return how many deals had ``movement``."""
        return sum(1 for c in self.changes if c.movement is movement)

    @property
    def steps(self) -> tuple[tuple[Movement, Decimal, int], ...]:
        """Every movement with its signed total and deal count, in order."""
        return tuple((m, self.total(m), self.count(m)) for m in Movement)

    @property
    def balanced(self) -> bool:
        """Whether opening plus every change equals closing (always, by construction)."""
        return self.opening + sum((c.amount for c in self.changes), Decimal(0)) == self.closing

    def table(self, *, lang: Lang = "en") -> Table:
        """Return the waterfall as a table; see :func:`salesfunnel.forecasting.report_form.waterfall_sheet`."""
        from salesfunnel.forecasting.report_form import waterfall_sheet  # noqa: PLC0415

        return waterfall_sheet(self, lang=lang)


def _window(
    value: FiscalQuarter | FiscalYear | tuple[date, date] | None,
) -> tuple[date, date] | None:
    if value is None:
        return None
    if isinstance(value, (FiscalQuarter, FiscalYear)):
        return (value.start, value.end)
    first, last = value
    first = check_date(first, field="window[0]")
    last = check_date(last, field="window[1]")
    if last < first:
        raise InvalidDateRangeError(
            f"window ends on {last}, before it starts on {first}; give (first, last)",
            start=first,
            end=last,
        )
    return (first, last)


def waterfall(
    opportunities: Iterable[Opportunity],
    *,
    start: date,
    end: date,
    window: FiscalQuarter | FiscalYear | tuple[date, date] | None = None,
    stages: Iterable[str] | None = None,
    currency: str | None = None,
    rates: ExchangeRates | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
) -> Waterfall:
    """Explain how the open pipeline changed from ``start`` to ``end``.

    The pipeline on a date is every deal that was, at the end of that day,
    open, in one of ``stages``, and (with a ``window``) expected to close in
    it. Each deal is rebuilt at both dates and classified:

    * in the pipeline at both dates: the amount difference is *amount up* or
      *amount down*;
    * only at the end: *new* (created after ``start``, or moved into a
      pipeline stage), *reopened* (lost at ``start``) or *pulled in* (its
      close date moved into the window);
    * only at the start: *won*, *lost*, *removed* (moved back to a stage
      outside the pipeline) or *pushed out* (its close date moved out of the
      window);
    * neither, but it entered and then closed in between: both its entry and
      its *won* or *lost* exit, at the same amount.

    Entries count at the end amount and exits at the start amount, so
    ``opening + changes == closing`` exactly. Amounts are converted at the
    rates of ``end`` for both dates, so currency moves do not show up as
    pipeline changes.

    Args:
        opportunities: The deals, as they are now (or at any date from ``end``).
        start: The first date.
        end: The last date.
        window: Only deals expected to close in this period or ``(first,
            last)`` range count as pipeline (default: every close date).
        stages: The open stages that count as pipeline (default: every open
            stage with a probability above zero, and the stage of deals read
            without a history while they were open,
            :data:`~salesfunnel.funnel.records.UNRECORDED_STAGE`).
        currency: The reporting currency (default: the deals' one currency).
        rates: Exchange rates into ``currency``.
        funnel: The funnel the stages belong to.

    Returns:
        The :class:`Waterfall`.

    Raises:
        InvalidDateError: If a date is a datetime or not a date.
        InvalidDateRangeError: If ``end`` is before ``start``.
        CurrencyError: For mixed currencies without ``currency=``.
        MissingRateError: For a currency with no rate on ``end``.
        UnknownStageError: For a stage ``funnel`` does not have.
    """
    start = check_date(start, field="start")
    end = check_date(end, field="end")
    if end < start:
        raise InvalidDateRangeError(
            f"end {end} is before start {start}; swap them", start=start, end=end
        )
    span = _window(window)
    pipeline_stages = (
        frozenset(
            s.key
            for s in (*funnel, funnel.unrecorded)
            if s.kind is StageKind.OPEN and s.probability > 0
        )
        if stages is None
        else frozenset(funnel[s].key for s in stages)
    )
    deals = opportunities if isinstance(opportunities, Sequence) else tuple(opportunities)
    target = reporting_currency(deals, currency)
    fx = rates if rates is not None else ExchangeRates()
    factors: dict[tuple[str, date], Decimal] = {}

    def value(opp: Opportunity) -> Decimal:
        lines = converted_lines(opp, target, fx, end, factors)
        return sum((a for _, a in lines), Decimal(0))

    def counts(opp: Opportunity | None, stage: str | None = None) -> bool:
        if opp is None:
            return False
        key = opp.stage if stage is None else stage
        if funnel[key].kind is not StageKind.OPEN or key not in pipeline_stages:
            return False
        return span is None or span[0] <= opp.expected_close <= span[1]

    def entry(before: Opportunity | None) -> Movement:
        if before is None:
            return Movement.NEW
        if funnel[before.stage].kind is not StageKind.OPEN:
            return Movement.REOPENED
        if before.stage not in pipeline_stages:
            return Movement.NEW
        return Movement.PULLED_IN

    opening = closing = Decimal(0)
    changes: list[Change] = []
    for opp in deals:
        before = snapshot(opp, start, funnel=funnel)
        after = snapshot(opp, end, funnel=funnel)
        was, now = counts(before), counts(after)
        if was and before is not None:
            opening += value(before)
        if now and after is not None:
            closing += value(after)
        if was and now and before is not None and after is not None:
            delta = value(after) - value(before)
            if delta:
                kind = Movement.AMOUNT_UP if delta > 0 else Movement.AMOUNT_DOWN
                changes.append(Change(opp.id, kind, delta))
        elif now and after is not None:
            changes.append(Change(opp.id, entry(before), value(after)))
        elif was and before is not None and after is not None:
            changes.append(Change(opp.id, _exit(after, funnel, pipeline_stages), -value(before)))
        elif (
            after is not None
            and _closed_between(after, start, funnel)
            and counts(after, after.history[-1].from_stage)
        ):
            amount = value(after)
            changes.append(Change(opp.id, entry(before), amount))
            changes.append(Change(opp.id, _exit(after, funnel, pipeline_stages), -amount))
    return Waterfall(start, end, span, target, opening, closing, tuple(changes))


def _exit(after: Opportunity, funnel: Funnel, pipeline_stages: frozenset[str]) -> Movement:
    kind = funnel[after.stage].kind
    if kind is StageKind.WON:
        return Movement.WON
    if kind is StageKind.LOST:
        return Movement.LOST
    if after.stage not in pipeline_stages:
        return Movement.REMOVED
    return Movement.PUSHED_OUT


def _closed_between(after: Opportunity, start: date, funnel: Funnel) -> bool:
    last = after.history[-1]
    return (
        funnel[after.stage].kind is not StageKind.OPEN
        and last.on > start
        and last.from_stage is not None
    )


@attrs.frozen
class Slippage:
    """How a deal's expected close date moved over a span of time.

    Attributes:
        opportunity_id: The deal.
        pushes: How many times the close date was pushed out (moved later).
        pulls: How many times it was pulled in (moved earlier).
        days_pushed: The days of all pushes, added up.
        quarters_slipped: Pushes that moved the close into a later fiscal quarter.
        first_expected: The expected close at the start of the span.
        expected: The expected close at its end.
    """

    opportunity_id: str
    pushes: int
    pulls: int
    days_pushed: int
    quarters_slipped: int
    first_expected: date
    expected: date

    @property
    def net_days(self) -> int:
        """How many days later (negative: earlier) the close is than at the start."""
        return (self.expected - self.first_expected).days


def slippage(
    opportunity: Opportunity,
    *,
    since: date | None = None,
    until: date | None = None,
    calendar: FiscalCalendar = GREGORIAN,
) -> Slippage:
    """Count the close-date changes of ``opportunity`` recorded in ``(since, until]``.

    Args:
        opportunity: The deal.
        since: Count changes after this day (default: from creation).
        until: Count changes up to this day (default: all).
        calendar: The calendar whose quarters ``quarters_slipped`` counts.

    Returns:
        The :class:`Slippage`.

    Raises:
        InvalidDateError: If a date is a datetime or not a date.
        InvalidDateRangeError: If ``until`` is before ``since``.
    """
    low = None if since is None else check_date(since, field="since")
    high = None if until is None else check_date(until, field="until")
    if low is not None and high is not None and high < low:
        raise InvalidDateRangeError(
            f"until {high} is before since {low}; swap them", start=low, end=high
        )
    moves = [r for r in opportunity.revisions if isinstance(r, Reschedule)]
    after_high = [r for r in moves if high is not None and r.on > high]
    counted = [r for r in moves if (low is None or r.on > low) and (high is None or r.on <= high)]
    expected = after_high[0].old if after_high else opportunity.expected_close
    first = counted[0].old if counted else expected
    pushes = [r for r in counted if r.new > r.old]
    return Slippage(
        opportunity_id=opportunity.id,
        pushes=len(pushes),
        pulls=sum(1 for r in counted if r.new < r.old),
        days_pushed=sum((r.new - r.old).days for r in pushes),
        quarters_slipped=sum(
            1 for r in pushes if calendar.quarter_of(r.new) != calendar.quarter_of(r.old)
        ),
        first_expected=first,
        expected=expected,
    )


def slippage_report(
    opportunities: Iterable[Opportunity],
    *,
    since: date | None = None,
    until: date | None = None,
    calendar: FiscalCalendar = GREGORIAN,
    min_pushes: int = 1,
) -> tuple[Slippage, ...]:
    """Return the deals pushed out at least ``min_pushes`` times, most slipped first.

    Sorted by pushes, then days pushed (both descending), then id.

    Raises:
        InvalidDateError: If a date is a datetime or not a date.
        InvalidDateRangeError: If ``until`` is before ``since``.
    """
    found = (slippage(o, since=since, until=until, calendar=calendar) for o in opportunities)
    kept = [s for s in found if s.pushes >= min_pushes]
    return tuple(sorted(kept, key=lambda s: (-s.pushes, -s.days_pushed, s.opportunity_id)))
