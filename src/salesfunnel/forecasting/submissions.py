"""Forecast submissions: a manager's call per owner and period, and how it came out.

Every week or month a sales manager *calls* a number: what an owner (or the
team) will book in a period. A :class:`ForecastSubmission` records that call
with the date it was made. :func:`review_submissions` later sets each call
against two things:

* what the library's own forecast said **on the day of the call**: booked so
  far plus the probability-weighted pipeline expected to close in the period,
  with every deal rebuilt as it stood then (stage, amount, close date and the
  manual overrides of that day, see :func:`~salesfunnel.funnel.machine.override`);
* what was **actually booked** in the period, as known on ``as_of``.

Both are computed by :func:`~salesfunnel.forecasting.quotas.quota_attainment`, so a
submission, a quota and a forecast of the same owner and period always agree
on what "booked" means.

>>> from datetime import date
>>> from salesfunnel import DEFAULT_FUNNEL, Opportunity
>>> deal = Opportunity(
...     id="D1",
...     name="ERP",
...     account="Acme",
...     owner="Ann",
...     stage="negotiation",
...     created=date(2026, 7, 1),
...     expected_close=date(2026, 9, 15),
...     amount="100000",
...     currency="CNY",
... )
>>> won = DEFAULT_FUNNEL.win(
...     deal,
...     on=date(2026, 9, 10),
...     allow_skip=True,
...     facts={"contract_signed": True, "paid_per_contract": True, "shipped": True},
... )
>>> call = ForecastSubmission("Ann", "2026Q3", "90000", on=date(2026, 8, 1))
>>> [row] = review_submissions([call], [won], as_of=date(2026, 10, 1)).rows
>>> row.system, row.actual, row.error, row.complete
(Decimal('80000.0'), Decimal('100000'), Decimal('10000'), True)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal

import attrs

from salesfunnel.calendar import GREGORIAN, FiscalCalendar, Period, check_date
from salesfunnel.forecasting.quotas import Quota, QuotaResult, quota_attainment
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.stages import Funnel
from salesfunnel.fx import ExchangeRates
from salesfunnel.i18n import Lang, pick
from salesfunnel.money import Currency, to_amount
from salesfunnel.tables import Table, Tabular

__all__ = ["ForecastSubmission", "SubmissionReview", "SubmissionRow", "review_submissions"]


def _amount(value: object) -> Decimal:
    return to_amount(value, field="submission amount")


def _on(value: object) -> date:
    return check_date(value, field="on")


@attrs.frozen
class ForecastSubmission:
    """A manager's forecast call: what ``owner`` will book in ``period``, said on ``on``.

    Attributes:
        owner: The salesperson the call is for.
        period: A :class:`~salesfunnel.calendar.FiscalQuarter` or
            :class:`~salesfunnel.calendar.FiscalYear`, or a label such as
            ``"2026Q3"`` read with the review's calendar.
        amount: The amount called, in the reporting currency (``Decimal``).
        on: The date the call was made.
        note: Free text (the manager's comment).
    """

    owner: str
    period: Period | str
    amount: Decimal = attrs.field(converter=_amount)
    on: date = attrs.field(kw_only=True, converter=_on)
    note: str = attrs.field(default="", kw_only=True)


def _ratio(numerator: Decimal, denominator: Decimal) -> float | None:
    return None if denominator.is_zero() else float(numerator / denominator)


@attrs.frozen
class SubmissionRow:
    """One call set against the library's forecast of its day and the outcome.

    Attributes:
        submission: The call.
        period: Its period, resolved with the review's calendar.
        booked_then: Booked in the period by the day of the call.
        system: What the library forecast that day: ``booked_then`` plus the
            weighted pipeline expected to close in the period.
        actual: Booked in the period as known on the review's ``as_of``.
        complete: Whether the period had ended by ``as_of`` (otherwise
            ``actual`` is still growing).
    """

    submission: ForecastSubmission
    period: Period
    booked_then: Decimal
    system: Decimal
    actual: Decimal
    complete: bool

    @property
    def error(self) -> Decimal:
        """Actual minus the call: positive when the owner beat the call."""
        return self.actual - self.submission.amount

    @property
    def system_error(self) -> Decimal:
        """Actual minus the library's forecast of the day of the call."""
        return self.actual - self.system

    @property
    def accuracy(self) -> float | None:
        """Actual ÷ the call (1.0 is a perfect call); ``None`` for a zero call."""
        return _ratio(self.actual, self.submission.amount)


@attrs.frozen
class SubmissionReview(Tabular):
    """Forecast calls set against the forecast of their day and the outcome.

    Attributes:
        as_of: The date outcomes were read on.
        currency: The reporting currency.
        rows: One row per submission, in the order given.
    """

    as_of: date
    currency: Currency | None
    rows: tuple[SubmissionRow, ...]

    def __iter__(self) -> Iterator[SubmissionRow]:
        """Iterate over the rows."""
        return iter(self.rows)

    def table(self, lang: Lang = "en") -> Table:
        """Return the review for display."""
        rows = [
            (
                r.submission.owner,
                r.period.label(),
                r.submission.on.isoformat(),
                f"{r.submission.amount:,.2f}",
                f"{r.system:,.2f}",
                f"{r.actual:,.2f}",
                f"{r.error:+,.2f}",
                "" if r.accuracy is None else f"{r.accuracy:.0%}",
                pick("final", "已结束", lang) if r.complete else pick("so far", "进行中", lang),
            )
            for r in self.rows
        ]
        headers = (
            pick("owner", "负责人", lang),
            pick("period", "期间", lang),
            pick("called on", "提交日期", lang),
            pick("call", "预测", lang),
            pick("system then", "当日系统预测", lang),
            pick("actual", "实际成交", lang),
            pick("actual - call", "实际-预测", lang),
            pick("accuracy", "准确率", lang),
            pick("status", "状态", lang),
        )
        title = pick(
            f"Forecast calls against outcomes (as of {self.as_of}, {self.currency or '-'})",
            f"销售预测与实际结果（截至 {self.as_of}，{self.currency or '-'}）",
            lang,
        )
        note = pick(
            "System then: booked by the day of the call plus the weighted pipeline "
            "expected to close in the period, as it stood that day.",
            "当日系统预测：提交当日已成交金额加上预计在该期间成交的加权商机金额（按当日状态）。",
            lang,
        )
        return Table(title, headers, rows, note)


def review_submissions(
    submissions: Iterable[ForecastSubmission],
    opportunities: Iterable[Opportunity],
    *,
    as_of: date,
    calendar: FiscalCalendar = GREGORIAN,
    currency: str | None = None,
    rates: ExchangeRates | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
) -> SubmissionReview:
    """Set each forecast call against the forecast of its day and what was booked.

    Args:
        submissions: The calls (several per owner and period are fine: one
            per week, say).
        opportunities: The deals, with their histories and revisions.
        as_of: The date outcomes are read on.
        calendar: The calendar the periods belong to.
        currency: The reporting currency of the calls (default: the deals'
            one currency).
        rates: Exchange rates into ``currency``.
        funnel: The funnel the stages belong to.

    Returns:
        The :class:`SubmissionReview`, one row per call in the order given.

    Raises:
        InvalidDateError: If a date is a datetime or not a date.
        UnknownPeriodError: For a period that is not a period of ``calendar``.
        MissingRateError: For a deal whose currency has no rate.
    """
    end = check_date(as_of, field="as_of")
    calls = list(submissions)
    deals = opportunities if isinstance(opportunities, Sequence) else tuple(opportunities)
    rows = []
    target: Currency | None = None

    def booked(quota: Quota, cutoff: date) -> QuotaResult:
        [result] = quota_attainment(
            deals,
            [quota],
            cutoff=cutoff,
            calendar=calendar,
            currency=currency,
            rates=rates,
            funnel=funnel,
        )
        return result

    for call in calls:
        quota = Quota(call.owner, call.period, call.amount)
        then, now = booked(quota, call.on), booked(quota, end)
        target = now.currency
        rows.append(
            SubmissionRow(
                submission=call,
                period=now.period,
                booked_then=then.booked,
                system=then.booked + then.weighted_pipeline,
                actual=now.booked,
                complete=end >= now.period.end,
            )
        )
    return SubmissionReview(end, target, tuple(rows))
