"""Documents of the analytics: deal health, time in stage, velocity, categories, quotas, rules.

Private: registered by :func:`salesfunnel.io.results.configure`; the
data-formats documentation describes the documents.
"""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

from salesfunnel.analytics.conversion import (
    AdditionalBusiness,
    CycleStats,
    StageDurations,
    Velocity,
)
from salesfunnel.analytics.deal_health import DealHeat, StaleDeal
from salesfunnel.calendar import FiscalQuarter, FiscalYear, Period
from salesfunnel.forecasting.kinds import CloseWindow
from salesfunnel.funnel.history import StageTime
from salesfunnel.io import _values as v
from salesfunnel.io._converter import json_kind
from salesfunnel.io._result_hooks import FIX, Hook, bad, checked
from salesfunnel.qualification import Rule, RuleBase

__all__ = ["register_analytics"]

_RESULT = "correct it, or compute the result again with salesfunnel"

# -- deal health ---------------------------------------------------------------------------


def _check_heat(h: DealHeat) -> None:
    for name in ("stage", "probability", "recency", "close"):
        if not 0 <= getattr(h, name) <= 1:
            raise bad(DealHeat, (name,), "is not in [0, 1]", "each part of the heat is a share")
    if not 0 <= h.score <= 100:  # noqa: PLR2004  (the heat scale)
        raise bad(DealHeat, ("score",), "is not in [0, 100]", "the heat runs from 0 to 100")


def _check_stale(s: StaleDeal) -> None:
    if s.threshold < 0:
        raise bad(StaleDeal, ("threshold",), "is negative", "a threshold is 0 days or more")
    if s.days <= s.threshold:
        raise bad(
            StaleDeal,
            ("days",),
            f"is not above the threshold of {s.threshold} days, so the deal is not stale",
            _RESULT,
        )


# -- time in stage, cycles, velocity, additional business ----------------------------------


def _check_stage_time(t: StageTime) -> None:
    if t.visits < 1:
        raise bad(StageTime, ("visits",), "is not a number of stays (1 or more)")
    if not 0 <= t.latest <= t.total:
        raise bad(StageTime, ("latest",), "is not between 0 and the total", _RESULT)


def _check_durations(d: StageDurations) -> None:
    if d.deals < 0:
        raise bad(StageDurations, ("deals",), "is negative")
    for name in ("latest_median", "latest_mean", "total_median", "total_mean"):
        figure = getattr(d, name)
        if (figure is None) != (d.deals == 0):
            raise bad(
                StageDurations,
                (name,),
                "is null exactly when no deal spent time in the stage",
                _RESULT,
            )
        if figure is not None and figure < 0:
            raise bad(StageDurations, (name,), "is negative")


def _check_cycle(c: CycleStats) -> None:
    if c.count < 0:
        raise bad(CycleStats, ("count",), "is negative")
    for name in ("mean", "median"):
        figure = getattr(c, name)
        if (figure is None) != (c.count == 0):
            raise bad(CycleStats, (name,), "is null exactly when no deal was won", _RESULT)
        if figure is not None and figure < 0:
            raise bad(CycleStats, (name,), "is negative")


def _check_velocity(vel: Velocity) -> None:
    if vel.open_deals < 0:
        raise bad(Velocity, ("open_deals",), "is negative")
    if vel.win_rate is not None and not 0 <= vel.win_rate <= 1:
        raise bad(Velocity, ("win_rate",), "is not in [0, 1]")
    for name in ("average_won", "cycle_days", "per_day"):
        figure = getattr(vel, name)
        if figure is not None and figure < 0:
            raise bad(Velocity, (name,), "is negative")


def _check_additional(a: AdditionalBusiness) -> None:
    for amount, count in (("returning", "returning_deals"), ("new", "new_deals")):
        if getattr(a, count) < 0:
            raise bad(AdditionalBusiness, (count,), "is negative")
        if getattr(a, amount) < 0:
            raise bad(AdditionalBusiness, (amount,), "is negative")
        if getattr(a, count) == 0 and getattr(a, amount) != 0:
            raise bad(AdditionalBusiness, (amount,), f"is not 0, but {count} is 0", _RESULT)


# -- forecast categories -------------------------------------------------------------------


def _names_in(value: object, _t: object) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
        raise v.BadValue(f"is {json_kind(value)}, not a list of stage keys", FIX)
    if len(set(value)) != len(value):
        raise v.BadValue("repeats a stage key", "name each stage once")
    return frozenset(value)


def _windows_in(value: object, _t: object) -> frozenset[CloseWindow]:
    names = [w.value for w in CloseWindow]
    fix = f"use some of {', '.join(names)}"
    if not isinstance(value, list) or not value:
        raise v.BadValue(f"is {json_kind(value)}, not a non-empty list of close windows", fix)
    found = [w for name in value for w in CloseWindow if w.value == name]
    if len(found) != len(value):
        raise v.BadValue("holds a value that is not a close window", fix)
    if len(set(found)) != len(found):
        raise v.BadValue("repeats a close window", "name each window once")
    return frozenset(found)


# -- quotas ---------------------------------------------------------------------------------

_LABELLED = {FiscalQuarter, FiscalYear, str}


def _is_labelled_period(t: object) -> bool:
    return get_origin(t) in (Union, types.UnionType) and set(get_args(t)) == _LABELLED


def _labelled_period_out(conv: Any) -> Any:  # noqa: ANN401
    def hook(period: Period | str) -> object:
        return period if isinstance(period, str) else conv.unstructure(period, Period)

    return hook


def _labelled_period_in(conv: Any) -> Hook:  # noqa: ANN401
    def hook(value: object, _t: object) -> Period | str:
        if isinstance(value, str):
            if not value.strip():
                raise v.BadValue("is empty", 'give a period object or a label such as "2026Q3"')
            return value
        period: Period = conv.structure(value, Period)
        return period

    return hook


# -- rules --------------------------------------------------------------------------------------


def _rule_in(conv: Any) -> Hook:  # noqa: ANN401
    def hook(value: object, _t: object) -> Rule:
        if value is None:
            raise v.BadValue("is null, not a rule", "see the rule forms in the data-formats docs")
        rule: Rule = conv.structure(value, Rule)
        return rule

    return hook


# -- registration ------------------------------------------------------------------------------


def register_analytics(conv: Any) -> None:  # noqa: ANN401  (a cattrs converter)
    """Register the hooks of deal health, analytics, categories, quotas and rules on ``conv``."""
    checked(conv, DealHeat, _check_heat)
    checked(conv, StaleDeal, _check_stale)
    checked(conv, StageTime, _check_stage_time)
    checked(conv, StageDurations, _check_durations)
    checked(conv, CycleStats, _check_cycle)
    checked(conv, Velocity, _check_velocity)
    checked(conv, AdditionalBusiness, _check_additional)
    conv.register_unstructure_hook_func(lambda t: t == frozenset[str], sorted)
    conv.register_structure_hook_func(lambda t: t == frozenset[str], _names_in)
    conv.register_unstructure_hook_func(
        lambda t: t == frozenset[CloseWindow],
        lambda ws: [w.value for w in CloseWindow if w in ws],
    )
    conv.register_structure_hook_func(lambda t: t == frozenset[CloseWindow], _windows_in)
    conv.register_unstructure_hook_func(_is_labelled_period, _labelled_period_out(conv))
    conv.register_structure_hook_func(_is_labelled_period, _labelled_period_in(conv))
    # By predicate, not by class: a class hook would also catch Criterion and the
    # other rule classes, whose own hooks check the kind of rule.
    conv.register_unstructure_hook_func(
        lambda t: t is RuleBase, lambda rule: conv.unstructure(rule, Rule)
    )
    conv.register_structure_hook_func(lambda t: t is RuleBase, _rule_in(conv))
