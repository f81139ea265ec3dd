"""Time buckets (按时间): where a deal's close falls relative to a reporting cutoff.

:func:`time_bucket` places one opportunity in a :class:`TimeBucket` relative
to a reporting cutoff, as the source's forecast sheet "by time" does. The
bucket boundaries follow one rule, :func:`month_edge`: a cutoff on the last
day of a month anchors every boundary on month ends, as a finance team's
month-end close does (30 September → 31 December); any other cutoff keeps
calendar arithmetic (15 August → 15 November).

>>> from datetime import date
>>> from salesfunnel.calendar import month_edge
>>> month_edge(date(2026, 9, 30), 3), month_edge(date(2026, 8, 15), 3)
(datetime.date(2026, 12, 31), datetime.date(2026, 11, 15))
"""

from __future__ import annotations

import enum
from datetime import date

from salesfunnel.calendar import check_date, month_edge
from salesfunnel.errors import FunnelError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.history import at_cutoff
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.i18n import Lang, Text

__all__ = [
    "CreatedAfterCutoffError",
    "TimeBucket",
    "bucket_bounds",
    "month_edges",
    "time_bucket",
]


class CreatedAfterCutoffError(FunnelError, ValueError):
    """An opportunity asked about on a cutoff date before it existed.

    Subclasses :class:`ValueError`: the opportunity and the date are each
    fine, but together they describe a deal that was not there yet.

    Attributes:
        opportunity_id: The opportunity's id.
        created: Its creation date.
        cutoff: The cutoff it was asked about.
    """

    def __init__(self, opportunity: Opportunity, cutoff: date) -> None:
        super().__init__(
            f"opportunity {opportunity.id!r} was created on {opportunity.created}, "
            f"after the cutoff {cutoff}; it had no bucket or category then. Use a "
            "later cutoff or leave it out (forecast() skips such deals and lists "
            "them in Forecast.not_yet_created)"
        )
        self.opportunity_id = opportunity.id
        self.created = opportunity.created
        self.cutoff = cutoff


class TimeBucket(enum.Enum):
    """Where an opportunity's close falls relative to the cutoff (按时间).

    The month buckets are half-open intervals of expected close dates,
    ``(cutoff + k months, cutoff + (k + 3) months]``, the months counted by
    :func:`month_edge` (on month ends when the cutoff is a month end); see
    :func:`bucket_bounds`. In a :func:`~salesfunnel.forecasting.rollup.forecast`,
    closed and lost count the deals won or lost in the forecast's period (by
    default the cutoff's fiscal quarter) up to the cutoff.
    """

    #: Won on or before the cutoff (已成交).
    CLOSED = "closed"
    #: Still open, but expected to close on or before the cutoff (逾期).
    OVERDUE = "overdue"
    #: Expected to close in ``(cutoff, cutoff + 3 months]`` (三个月内成交).
    WITHIN_3_MONTHS = "0-3m"
    #: Expected to close in ``(cutoff + 3 months, cutoff + 6 months]`` (3-6个月).
    MONTHS_3_TO_6 = "3-6m"
    #: Expected to close in ``(cutoff + 6 months, cutoff + 9 months]`` (6-9个月).
    MONTHS_6_TO_9 = "6-9m"
    #: Expected to close in ``(cutoff + 9 months, cutoff + 12 months]`` (9-12个月).
    MONTHS_9_TO_12 = "9-12m"
    #: Expected to close after ``cutoff + 12 months`` (十二个月以后).
    BEYOND_12_MONTHS = "12m+"
    #: Lost on or before the cutoff (丢单).
    LOST = "lost"

    @property
    def text(self) -> Text:
        """The bucket's name in English and Chinese."""
        return _BUCKET_TEXT[self]

    def label(self, lang: Lang = "en") -> str:
        """Return the bucket's name in ``lang``."""
        return _BUCKET_TEXT[self](lang)


_BUCKET_TEXT = {
    TimeBucket.CLOSED: Text("Closed", "已成交"),
    TimeBucket.OVERDUE: Text("Overdue", "逾期未成交"),
    TimeBucket.WITHIN_3_MONTHS: Text("Within 3 months", "三个月内成交"),
    TimeBucket.MONTHS_3_TO_6: Text("3-6 months", "三到六个月成交"),
    TimeBucket.MONTHS_6_TO_9: Text("6-9 months", "六到九个月成交"),
    TimeBucket.MONTHS_9_TO_12: Text("9-12 months", "九到十二个月成交"),
    TimeBucket.BEYOND_12_MONTHS: Text("Beyond 12 months", "十二个月以后"),
    TimeBucket.LOST: Text("Lost", "丢单"),
}

_MONTH_BUCKETS = (
    TimeBucket.WITHIN_3_MONTHS,
    TimeBucket.MONTHS_3_TO_6,
    TimeBucket.MONTHS_6_TO_9,
    TimeBucket.MONTHS_9_TO_12,
)


def bucket_bounds(cutoff: date) -> tuple[tuple[TimeBucket, date, date], ...]:
    """Return the month buckets with their bounds ``(after, up_to]`` for ``cutoff``.

    Each bound is ``cutoff`` plus whole months by :func:`month_edge`, so at a
    month end every bound is a month end:

    >>> for bucket, after, up_to in bucket_bounds(date(2026, 9, 30)):
    ...     print(f"{bucket.value:>5}  ({after}, {up_to}]")
     0-3m  (2026-09-30, 2026-12-31]
     3-6m  (2026-12-31, 2027-03-31]
     6-9m  (2027-03-31, 2027-06-30]
    9-12m  (2027-06-30, 2027-09-30]
    >>> [str(up_to) for _, _, up_to in bucket_bounds(date(2026, 2, 28))]
    ['2026-05-31', '2026-08-31', '2026-11-30', '2027-02-28']
    >>> [str(up_to) for _, _, up_to in bucket_bounds(date(2026, 2, 27))]
    ['2026-05-27', '2026-08-27', '2026-11-27', '2027-02-27']

    Raises:
        InvalidDateError: If ``cutoff`` is not a plain date.
    """
    cutoff = check_date(cutoff, field="cutoff")
    edges = (cutoff, *month_edges(cutoff))
    return tuple((b, edges[i], edges[i + 1]) for i, b in enumerate(_MONTH_BUCKETS))


def _bucket(opp: Opportunity, cutoff: date, kind: StageKind, edges: tuple[date, ...]) -> TimeBucket:
    if kind is StageKind.WON:
        return TimeBucket.CLOSED
    if kind is StageKind.LOST:
        return TimeBucket.LOST
    close = opp.expected_close
    if close <= cutoff:
        return TimeBucket.OVERDUE
    for bucket, up_to in zip(_MONTH_BUCKETS, edges, strict=True):
        if close <= up_to:
            return bucket
    return TimeBucket.BEYOND_12_MONTHS


def month_edges(cutoff: date) -> tuple[date, ...]:
    """Return the upper bounds of the four month buckets: cutoff plus 3, 6, 9 and 12 months.

    The months are counted by :func:`month_edge` (month ends at a month end).

    >>> [str(d) for d in month_edges(date(2026, 11, 30))]
    ['2027-02-28', '2027-05-31', '2027-08-31', '2027-11-30']

    Raises:
        InvalidDateError: If ``cutoff`` is not a plain date.
    """
    cutoff = check_date(cutoff, field="cutoff")
    return tuple(month_edge(cutoff, 3 * k) for k in range(1, 5))


def time_bucket(
    opportunity: Opportunity, *, cutoff: date, funnel: Funnel = DEFAULT_FUNNEL
) -> TimeBucket:
    """Place ``opportunity`` in its :class:`TimeBucket` at ``cutoff``.

    The opportunity is taken as it stood at the end of the cutoff day
    (:func:`at_cutoff`): a deal won the day after the cutoff is still open
    in a forecast for the cutoff. Then:

    * won → :attr:`~TimeBucket.CLOSED`; lost → :attr:`~TimeBucket.LOST`;
    * open with an expected close on or before the cutoff →
      :attr:`~TimeBucket.OVERDUE`;
    * otherwise the month bucket whose half-open interval
      ``(cutoff + k months, cutoff + (k + 3) months]`` holds the expected
      close, the months counted on month ends when the cutoff is a month end
      (see :func:`bucket_bounds` and :func:`month_edge`), or
      :attr:`~TimeBucket.BEYOND_12_MONTHS`.

    Args:
        opportunity: The opportunity.
        cutoff: The reporting cutoff date (截止上报时间).
        funnel: The funnel that says which stages are won and lost.

    Returns:
        The bucket.

    Raises:
        InvalidDateError: If ``cutoff`` is a datetime or not a date.
        CreatedAfterCutoffError: If the opportunity was created after the
            cutoff.
        UnknownStageError: If its stage is not in ``funnel``.

    >>> from salesfunnel import Opportunity
    >>> deal = Opportunity(
    ...     id="D1",
    ...     name="CRM",
    ...     account="Acme",
    ...     owner="Li Wei",
    ...     stage="recognition",
    ...     created=date(2026, 1, 5),
    ...     expected_close=date(2026, 4, 30),
    ...     amount="80000",
    ...     currency="CNY",
    ... )
    >>> time_bucket(deal, cutoff=date(2026, 1, 31))
    <TimeBucket.WITHIN_3_MONTHS: '0-3m'>
    >>> time_bucket(deal, cutoff=date(2026, 1, 29))
    <TimeBucket.MONTHS_3_TO_6: '3-6m'>
    """
    cutoff = check_date(cutoff, field="cutoff")
    then = at_cutoff(opportunity, cutoff, funnel=funnel)
    if then is None:
        raise CreatedAfterCutoffError(opportunity, cutoff)
    return _bucket(then, cutoff, funnel[then.stage].kind, month_edges(cutoff))
