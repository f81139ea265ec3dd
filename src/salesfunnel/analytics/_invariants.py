"""The invariants of the analytics results: each class runs its check when built.

Private: the classes of :mod:`salesfunnel.analytics.conversion` take these as
their ``__attrs_post_init__``; a document reader reports what they refuse at
the JSON path of the field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesfunnel.errors import InvalidResultError
from salesfunnel.money import check_result_amount

if TYPE_CHECKING:
    from salesfunnel.analytics.backtest import BacktestRow
    from salesfunnel.analytics.conversion import CycleStats, StageDurations
    from salesfunnel.analytics.velocity import AdditionalBusiness, Velocity

__all__ = [
    "check_additional_business",
    "check_backtest_row",
    "check_cycle_stats",
    "check_stage_durations",
    "check_velocity",
]


def _count(result: str, name: str, count: int) -> None:
    if count < 0:
        raise InvalidResultError(result, name, "is negative")


def _figure(result: str, name: str, figure: float | None, count: int, none: str) -> None:
    """Check a statistic over ``count`` items: null exactly when there are none, never negative."""
    if (figure is None) != (count == 0):
        raise InvalidResultError(result, name, f"is null exactly when {none}")
    if figure is not None and figure < 0:
        raise InvalidResultError(result, name, "is negative")


def check_backtest_row(self: BacktestRow) -> None:
    """Refuse negative counts and amounts, percentiles out of order, a Brier score off [0, 1].

    Raises:
        InvalidResultError: Naming the field at fault.
    """
    _count("BacktestRow", "deals", self.deals)
    _count("BacktestRow", "unresolved", self.unresolved)
    if self.unresolved > self.deals:
        raise InvalidResultError(
            "BacktestRow", "unresolved", f"is {self.unresolved}, more than the {self.deals} deals"
        )
    for name in ("forecast", "p10", "p50", "p90", "won"):
        check_result_amount("BacktestRow", name, getattr(self, name))
    if not self.p10 <= self.p50 <= self.p90:
        raise InvalidResultError(
            "BacktestRow",
            "p50",
            f"is {self.p50}, not between p10 {self.p10} and p90 {self.p90}",
        )
    brier = self.brier
    if brier is not None and not (isinstance(brier, float) and 0 <= brier <= 1):
        raise InvalidResultError("BacktestRow", "brier", f"is {brier!r}, not a score in [0, 1]")


def check_cycle_stats(self: CycleStats) -> None:
    """Refuse negative figures, and figures given exactly when no deal was won.

    Raises:
        InvalidResultError: Naming the field at fault.
    """
    _count("CycleStats", "count", self.count)
    for name in ("mean", "median"):
        _figure("CycleStats", name, getattr(self, name), self.count, "no deal was won")


def check_stage_durations(self: StageDurations) -> None:
    """Refuse negative figures, and figures given exactly when no deal was in the stage.

    Raises:
        InvalidResultError: Naming the field at fault.
    """
    _count("StageDurations", "deals", self.deals)
    for name in ("latest_median", "latest_mean", "total_median", "total_mean"):
        figure = getattr(self, name)
        _figure("StageDurations", name, figure, self.deals, "no deal spent time in the stage")


def check_velocity(self: Velocity) -> None:
    """Refuse negative figures and a win rate outside [0, 1].

    Raises:
        InvalidResultError: Naming the field at fault.
    """
    _count("Velocity", "open_deals", self.open_deals)
    if self.win_rate is not None and not 0 <= self.win_rate <= 1:
        raise InvalidResultError("Velocity", "win_rate", "is not in [0, 1]")
    for name in ("average_won", "cycle_days", "per_day"):
        figure = getattr(self, name)
        if figure is not None and figure < 0:
            raise InvalidResultError("Velocity", name, "is negative")


def check_additional_business(self: AdditionalBusiness) -> None:
    """Refuse negative counts and amounts, and an amount won from no deal.

    Raises:
        InvalidResultError: Naming the field at fault.
    """
    for amount, count in (("returning", "returning_deals"), ("new", "new_deals")):
        _count("AdditionalBusiness", count, getattr(self, count))
        if getattr(self, amount) < 0:
            raise InvalidResultError("AdditionalBusiness", amount, "is negative")
        if getattr(self, count) == 0 and getattr(self, amount) != 0:
            raise InvalidResultError("AdditionalBusiness", amount, f"is not 0, but {count} is 0")
