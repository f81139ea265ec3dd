"""Backtests: the pipeline forecast made on past dates, set against what was won.

:func:`backtest` rebuilds the deals open on each date as they stood then and
forecasts them (weighted value and P10/P50/P90), optionally with
probabilities learned only from what had closed by then.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import attrs

from salesfunnel.analytics._invariants import check_backtest_row
from salesfunnel.analytics.calibration import brier_score, learn_probabilities, outcome_date
from salesfunnel.analytics.conversion import snapshots
from salesfunnel.calendar import check_date
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.i18n import Lang, pick
from salesfunnel.pipeline._convolution import exact_context
from salesfunnel.pipeline.distribution import distribution_of
from salesfunnel.pipeline.weighted import Converter, ProbabilitySource, deal_values
from salesfunnel.tables import Table, Tabular

__all__ = ["Backtest", "BacktestRow", "backtest"]


@attrs.frozen
class BacktestRow:
    """The pipeline forecast made on one past date and what came of it.

    Attributes:
        as_of: The date of the forecast.
        deals: Deals open on that date.
        forecast: Their weighted value then.
        p10: The 10th percentile of the forecast distribution.
        p50: Its median.
        p90: Its 90th percentile.
        won: The amount of those deals won by the backtest's ``until``.
        unresolved: Of those deals, how many were still open on ``until``.
        brier: The Brier score of the forecasts of the deals that closed.

    Counts and amounts are zero or more, ``unresolved`` is at most ``deals``,
    ``p10 <= p50 <= p90`` and the Brier score is in [0, 1]
    (:class:`~salesfunnel.errors.InvalidResultError` otherwise).
    """

    as_of: date
    deals: int
    forecast: Decimal
    p10: Decimal
    p50: Decimal
    p90: Decimal
    won: Decimal
    unresolved: int
    brier: float | None

    def __attrs_post_init__(self) -> None:
        """Refuse figures that cannot be (see the class docstring)."""
        check_backtest_row(self)

    @property
    def error(self) -> Decimal:
        """The amount won minus the forecast."""
        return self.won - self.forecast

    @property
    def inside(self) -> bool:
        """Whether what was won fell between P10 and P90."""
        return self.p10 <= self.won <= self.p90


@attrs.frozen
class Backtest(Tabular):
    """Forecasts on past dates against what was won.

    Attributes:
        until: The date outcomes were read on.
        currency: The currency of the amounts.
        rows: One row per forecast date, in date order.
    """

    until: date
    currency: str | None
    rows: tuple[BacktestRow, ...]

    @property
    def coverage(self) -> float | None:
        """The share of dates whose outcome fell between P10 and P90 (about 0.8 if calibrated)."""
        return sum(r.inside for r in self.rows) / len(self.rows) if self.rows else None

    def table(self, lang: Lang = "en") -> Table:
        """Return the backtest for display."""
        rows = [
            (r.as_of, r.deals, r.forecast, r.p10, r.p50, r.p90, r.won, r.unresolved)
            for r in self.rows
        ]
        headers = (
            pick("as of", "预测日", lang),
            pick("open deals", "进行中商机", lang),
            pick("weighted", "加权值", lang),
            "P10",
            "P50",
            "P90",
            pick("won", "实际成交", lang),
            pick("still open", "仍在进行", lang),
        )
        title = pick(
            f"Backtest: forecasts against what was won by {self.until}",
            f"回测：预测与截至 {self.until} 的实际成交",
            lang,
        )
        return Table(title, headers, rows)


def backtest(
    opportunities: Iterable[Opportunity],
    dates: Iterable[date],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    until: date,
    convert: Converter | None = None,
    currency: str | None = None,
    probability: ProbabilitySource | None = None,
    learn: bool = False,
    prior_strength: int | Decimal = 10,
) -> Backtest:
    """Forecast the pipeline as of each past date and compare with what was won by ``until``.

    On each date the deals open then are taken as they stood (amount and
    stage) and forecast: weighted value and P10/P50/P90. "Won" is the amount
    of those deals that were won by ``until``, at the amount they were won for.

    Args:
        opportunities: The deals, with histories.
        dates: The forecast dates (each on or before ``until``).
        funnel: Their funnel.
        until: The date outcomes are read on.
        convert: See :func:`salesfunnel.pipeline.weighted.deal_values`.
        currency: See :func:`salesfunnel.pipeline.weighted.deal_values`.
        probability: The source to test (default: the funnel's).
        learn: Learn the probabilities on each date from the deals closed by
            then (an honest test: nothing later is used); overrides ``probability``.
        prior_strength: The prior strength when learning.

    Raises:
        InvalidParameterError: For a date after ``until``.
        CurrencyError: For mixed currencies without ``convert``.
    """
    everything = list(opportunities)
    end = check_date(until, field="until")
    rows = []
    code: str | None = None
    for d in sorted(dates):
        outcome_date(d, end, "until")
        source = (
            learn_probabilities(everything, funnel, as_of=d, prior_strength=prior_strength)
            if learn
            else probability
        )
        then = [
            o for o in snapshots(everything, funnel, as_of=d) if funnel.kind_of(o) is StageKind.OPEN
        ]
        code, pairs = deal_values(
            then, funnel, convert=convert, currency=currency, probability=source
        )
        dist = distribution_of(pairs, currency=code)
        later = {o.id: o for o in snapshots(everything, funnel, as_of=end)}
        finals = [later[o.id] for o in then]
        kinds = [funnel.kind_of(o) for o in finals]
        won_deals = [o for o, k in zip(finals, kinds, strict=True) if k is StageKind.WON]
        _code, won_pairs = deal_values(won_deals, funnel, convert=convert, currency=currency)
        closed = [
            (p, k is StageKind.WON)
            for (_a, p), k in zip(pairs, kinds, strict=True)
            if k is not StageKind.OPEN
        ]
        with exact_context():
            won = sum((a for a, _p in won_pairs), Decimal(0))
        rows.append(
            BacktestRow(
                as_of=d,
                deals=len(then),
                forecast=dist.mean,
                p10=dist.percentile(10),
                p50=dist.percentile(50),
                p90=dist.percentile(90),
                won=won,
                unresolved=kinds.count(StageKind.OPEN),
                brier=brier_score(closed) if closed else None,
            )
        )
    return Backtest(end, code if code is not None else currency, tuple(rows))
