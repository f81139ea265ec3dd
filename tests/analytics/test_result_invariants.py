"""The analytics results check themselves: a broken invariant raises InvalidResultError."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salesfunnel.analytics.conversion import CycleStats, StageDurations
from salesfunnel.analytics.deal_health import DealHeat, StaleDeal
from salesfunnel.analytics.velocity import AdditionalBusiness, Velocity
from salesfunnel.errors import FunnelError, InvalidResultError
from salesfunnel.funnel.history import StageTime

D = Decimal


@pytest.mark.parametrize(
    ("make", "where", "why"),
    [
        (lambda: DealHeat("D1", 50.0, 0.5, 0.5, 1.5, 0.5), ("recency",), "is not in [0, 1]"),
        (lambda: DealHeat("D1", -1.0, 0.5, 0.5, 0.5, 0.5), ("score",), "is not in [0, 100]"),
        (
            lambda: StaleDeal("D1", "Ann", "intent", date(2026, 1, 1), 5, -1),
            ("threshold",),
            "is negative",
        ),
        (
            lambda: StaleDeal("D1", "Ann", "intent", date(2026, 1, 1), 45, 45),
            ("days",),
            "is not above the threshold of 45 days, so the deal is not stale",
        ),
        (lambda: StageTime(3, 5, 0), ("visits",), "is not a number of stays (1 or more)"),
        (lambda: StageTime(6, 5, 2), ("latest",), "is not between 0 and the total"),
        (lambda: StageTime(-1, 5, 2), ("latest",), "is not between 0 and the total"),
        (lambda: StageDurations("intent", -1, None, None, None, None), ("deals",), "is negative"),
        (
            lambda: StageDurations("intent", 2, 3.0, None, 4.0, 4.5),
            ("latest_mean",),
            "is null exactly when no deal spent time in the stage",
        ),
        (
            lambda: StageDurations("intent", 0, 1.0, None, None, None),
            ("latest_median",),
            "is null exactly when no deal spent time in the stage",
        ),
        (
            lambda: StageDurations("intent", 2, 3.0, 3.5, 4.0, -4.5),
            ("total_mean",),
            "is negative",
        ),
        (lambda: CycleStats(-1, None, None), ("count",), "is negative"),
        (lambda: CycleStats(2, 30.0, None), ("median",), "is null exactly when no deal was won"),
        (lambda: CycleStats(2, -1.0, 30.0), ("mean",), "is negative"),
        (lambda: Velocity(-3, 0.5, D(10), 20.0, D(1), "CNY"), ("open_deals",), "is negative"),
        (lambda: Velocity(3, 1.5, D(10), 20.0, D(1), "CNY"), ("win_rate",), "is not in [0, 1]"),
        (lambda: Velocity(3, 0.5, D(10), 20.0, D(-1), "CNY"), ("per_day",), "is negative"),
        (
            lambda: AdditionalBusiness("CNY", D(5), D(3), 1, 0),
            ("new",),
            "is not 0, but new_deals is 0",
        ),
        (
            lambda: AdditionalBusiness("CNY", D(-5), D(0), 1, 0),
            ("returning",),
            "is negative",
        ),
        (
            lambda: AdditionalBusiness("CNY", D(5), D(0), 1, -1),
            ("new_deals",),
            "is negative",
        ),
    ],
)
def test_broken_invariants_raise(make, where, why):
    """Each result refuses figures that cannot be, naming the field, what is wrong and the fix."""
    with pytest.raises(InvalidResultError) as info:
        make()
    err = info.value
    assert isinstance(err, FunnelError)
    assert isinstance(err, ValueError)
    assert (err.where, err.why) == (where, why)
    assert str(err).startswith(f"{err.result}.{where[0]} {why}; ")
    assert err.fix


def test_sound_results_build():
    """Results the library computes pass their own checks."""
    assert StageTime(3, 5, 2).visits == 2
    assert StageDurations("intent", 0, None, None, None, None).deals == 0
    assert CycleStats(0, None, None).count == 0
    assert Velocity(0, None, None, None, None, None).open_deals == 0
    assert AdditionalBusiness(None, D(0), D(0), 0, 0).share is None
    assert StaleDeal("D1", "Ann", "intent", date(2026, 1, 1), 46, 45).overdue == 1


class TestBacktestRow:
    @staticmethod
    def row(**kw: object):
        from salesfunnel.analytics.backtest import BacktestRow

        fields: dict[str, object] = {
            "as_of": date(2026, 3, 31),
            "deals": 3,
            "forecast": D(10),
            "p10": D(0),
            "p50": D(10),
            "p90": D(20),
            "won": D(5),
            "unresolved": 1,
            "brier": 0.2,
            **kw,
        }
        return BacktestRow(**fields)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("kw", "field", "why"),
        [
            ({"deals": -1}, "deals", "is negative"),
            ({"unresolved": 4}, "unresolved", "more than the 3 deals"),
            ({"p10": D("NaN")}, "p10", "not a finite Decimal"),
            ({"won": 5.0}, "won", "not a finite Decimal"),
            ({"forecast": D(-1)}, "forecast", "is negative"),
            ({"p50": D(30)}, "p50", "not between p10 0 and p90 20"),
            ({"brier": 1.5}, "brier", "not a score in [0, 1]"),
            ({"brier": D("0.5")}, "brier", "not a score in [0, 1]"),
        ],
    )
    def test_refused(self, kw, field, why):
        with pytest.raises(InvalidResultError) as err:
            self.row(**kw)
        assert err.value.where == (field,)
        assert why in str(err.value)

    def test_accepted(self):
        assert self.row(brier=None).inside
