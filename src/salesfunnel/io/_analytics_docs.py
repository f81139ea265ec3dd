"""Documents of the analytics: forecast categories, quotas and rules.

Deal health, time in stage, cycles and velocity are plain attrs classes
that check themselves: the codec's generic hook reads them.

Private: registered by :func:`salesfunnel.io.results.configure`; the
data-formats documentation describes the documents.
"""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

from salesfunnel.calendar import FiscalQuarter, FiscalYear, Period
from salesfunnel.forecasting.kinds import CloseWindow
from salesfunnel.io import _values as v
from salesfunnel.io._converter import json_kind
from salesfunnel.io._result_hooks import FIX, Hook
from salesfunnel.qualification import Rule, RuleBase

__all__ = ["register_analytics"]

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
