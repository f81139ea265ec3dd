"""Quotas per owner and period: attainment, gap and pipeline coverage.

A :class:`Quota` is a salesperson's target for a fiscal quarter or year.
:func:`quota_attainment` sets it against what the owner booked in the period
up to the cutoff and what is open in the pipeline to close in it:
attainment (booked ÷ quota), the gap (quota − booked) and coverage (open
pipeline ÷ remaining quota, weighted and unweighted). A coverage of 3 is the
usual rule of thumb for a healthy quarter.

>>> from datetime import date
>>> from salesfunnel import Opportunity
>>> deal = Opportunity(
...     id="W1",
...     name="CRM",
...     account="Acme",
...     owner="Ann",
...     stage="intent",
...     created=date(2026, 7, 1),
...     expected_close=date(2026, 9, 30),
...     amount="60000",
...     currency="CNY",
... )
>>> [r] = quota_attainment([deal], [Quota("Ann", "2026Q3", "100000")], cutoff=date(2026, 8, 15))
>>> r.booked, r.pipeline, r.weighted_pipeline, r.gap, r.coverage
(Decimal('0'), Decimal('60000'), Decimal('12000.0'), Decimal('100000'), 0.6)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

import attrs

from salesfunnel.calendar import GREGORIAN, FiscalCalendar, Period, check_date
from salesfunnel.forecasting._invariants import check_quota_result
from salesfunnel.forecasting.pipelines import funnel_of
from salesfunnel.forecasting.rollup import (
    ForecastOptionError,
    converted_lines,
    reporting_currency,
)
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.history import at_cutoff
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.fx import ExchangeRates
from salesfunnel.money import Currency, money_context, to_amount

__all__ = ["Quota", "QuotaResult", "quota_attainment"]


def _quota_amount(value: object) -> Decimal:
    return to_amount(value, field="quota")


@attrs.frozen
class Quota:
    """A salesperson's quota (sales target) for one period, in the reporting currency.

    Attributes:
        owner: The salesperson.
        period: A :class:`~salesfunnel.calendar.FiscalQuarter` or
            :class:`~salesfunnel.calendar.FiscalYear`, or a label such as
            ``"2026Q3"`` read with the forecast's calendar.
        amount: The target amount (``Decimal``).
    """

    owner: str
    period: Period | str
    amount: Decimal = attrs.field(converter=_quota_amount)


def _ratio(numerator: Decimal, denominator: Decimal) -> float | None:
    if denominator.is_zero():
        return None
    with money_context():
        return float(numerator / denominator)


@attrs.frozen
class QuotaResult:
    """A quota set against what was booked and what is in the pipeline.

    Every figure is a finite amount of zero or more, and the weighted
    pipeline never exceeds the pipeline (:class:`~salesfunnel.errors.InvalidResultError`
    otherwise, whoever builds it).

    Attributes:
        owner: The salesperson.
        period: The period.
        quota: The target amount.
        booked: Won in the period, up to the cutoff.
        pipeline: Open deals (at the cutoff) expected to close in the period.
        weighted_pipeline: The same, weighted by win probability.
        currency: The reporting currency.
    """

    owner: str
    period: Period
    quota: Decimal
    booked: Decimal
    pipeline: Decimal
    weighted_pipeline: Decimal
    currency: Currency | None

    def __attrs_post_init__(self) -> None:
        """Refuse negative or non-finite figures (see the class docstring)."""
        check_quota_result(self)

    @property
    def gap(self) -> Decimal:
        """Quota minus booked (negative when the quota is exceeded)."""
        with money_context():
            return self.quota - self.booked

    @property
    def remaining(self) -> Decimal:
        """What is still to book: the gap, or zero once the quota is met."""
        return max(self.gap, Decimal(0))

    @property
    def attainment(self) -> float | None:
        """Booked ÷ quota (a statistic, hence a float); ``None`` for a zero quota."""
        return _ratio(self.booked, self.quota)

    @property
    def coverage(self) -> float | None:
        """Open pipeline ÷ remaining quota; ``None`` once the quota is met."""
        return _ratio(self.pipeline, self.remaining)

    @property
    def weighted_coverage(self) -> float | None:
        """Weighted open pipeline ÷ remaining quota; ``None`` once the quota is met."""
        return _ratio(self.weighted_pipeline, self.remaining)


def quota_attainment(
    opportunities: Iterable[Opportunity],
    quotas: Iterable[Quota],
    *,
    cutoff: date,
    calendar: FiscalCalendar = GREGORIAN,
    currency: str | None = None,
    rates: ExchangeRates | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
    funnels: Mapping[str, Funnel] | None = None,
) -> tuple[QuotaResult, ...]:
    """Set each quota against bookings and pipeline at ``cutoff``.

    For each quota: *booked* is the owner's deals won in the period on or
    before the cutoff (at their close date's rate), the same deals and
    figures a :func:`~salesfunnel.forecasting.rollup.forecast` with that ``period``
    books; *pipeline* is the owner's deals open at the cutoff whose expected
    close falls in the period (at the cutoff's rate), unweighted and
    weighted. Attainment is booked ÷ quota, the gap quota − booked, and
    coverage pipeline ÷ remaining quota. A deal read without a stage history
    is open until its ``closed_on`` and won (or lost) on it. Any funnel works:
    only its won, lost and open stages and their probabilities are used.

    Args:
        opportunities: The pipeline.
        quotas: The quotas, at most one per owner and period.
        cutoff: The reporting cutoff.
        calendar: The calendar quota periods belong to.
        currency: The reporting currency the quotas are in (default: the
            opportunities' one currency).
        rates: Exchange rates into ``currency``.
        funnel: The funnel of the deals that name no pipeline.
        funnels: More pipelines by name, as in
            :func:`~salesfunnel.forecasting.rollup.forecast` (each deal's funnel is
            :func:`~salesfunnel.forecasting.pipelines.funnel_of`).

    Returns:
        One result per quota, in the order given.

    Raises:
        UnknownPeriodError: For a quota period that is not a period of
            ``calendar`` (a bad label, a fifth quarter, another calendar).
        ForecastOptionError: For two quotas of one owner and period.
        MissingRateError: For a deal whose currency has no rate.
        InvalidDateError: If ``cutoff`` is a datetime or not a date.
        UnknownPipelineError: For a deal naming a pipeline not in ``funnels``.
    """
    with money_context():
        return _attainment(
            opportunities,
            quotas,
            cutoff=cutoff,
            calendar=calendar,
            currency=currency,
            rates=rates,
            funnel=funnel,
            funnels=funnels,
        )


def _attainment(
    opportunities: Iterable[Opportunity],
    quotas: Iterable[Quota],
    *,
    cutoff: date,
    calendar: FiscalCalendar,
    currency: str | None,
    rates: ExchangeRates | None,
    funnel: Funnel,
    funnels: Mapping[str, Funnel] | None,
) -> tuple[QuotaResult, ...]:
    cutoff = check_date(cutoff, field="cutoff")
    resolved = [(q, calendar.period(q.period)) for q in quotas]
    seen: set[tuple[str, Period]] = set()
    for quota, period in resolved:
        if (quota.owner, period) in seen:
            raise ForecastOptionError(
                f"two quotas for {quota.owner!r} in {period.label()}; give one per owner and period",
                option="quotas",
                value=quota,
            )
        seen.add((quota.owner, period))
    deals = opportunities if isinstance(opportunities, Sequence) else tuple(opportunities)
    target = reporting_currency(deals, currency)
    fx = rates if rates is not None else ExchangeRates()
    owners = {q.owner for q, _ in resolved}
    won: dict[str, list[tuple[date, Decimal]]] = {}
    open_: dict[str, list[tuple[date, Decimal, Decimal]]] = {}
    factors: dict[tuple[str, date], Decimal] = {}
    for opp in deals:
        if opp.owner not in owners:
            continue
        its = funnel_of(opp, funnel=funnel, funnels=funnels)
        then = at_cutoff(opp, cutoff, funnel=its)
        if then is None:
            continue
        kind = its[then.stage].kind
        if kind is StageKind.WON:
            closed = then.closed_on if then.closed_on is not None else then.history[-1].on
            amount = sum(
                (a for _, a in converted_lines(then, target, fx, closed, factors)),
                Decimal(0),
            )
            won.setdefault(then.owner, []).append((closed, amount))
        elif kind is StageKind.OPEN:
            amount = sum(
                (a for _, a in converted_lines(then, target, fx, cutoff, factors)), Decimal(0)
            )
            prob = its.probability_of(then)
            open_.setdefault(then.owner, []).append((then.expected_close, amount, amount * prob))
    results = []
    for quota, period in resolved:
        booked = sum(
            (a for d, a in won.get(quota.owner, []) if period.start <= d <= period.end),
            Decimal(0),
        )
        mine = [(a, w) for d, a, w in open_.get(quota.owner, []) if period.start <= d <= period.end]
        results.append(
            QuotaResult(
                owner=quota.owner,
                period=period,
                quota=quota.amount,
                booked=booked,
                pipeline=sum((a for a, _ in mine), Decimal(0)),
                weighted_pipeline=sum((w for _, w in mine), Decimal(0)),
                currency=target,
            )
        )
    return tuple(results)
