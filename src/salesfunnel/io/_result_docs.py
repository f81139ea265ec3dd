"""Documents of the numeric results: outcome distributions, simulations and ABC analyses.

Private: registered by :func:`salesfunnel.io.results.configure`; the
data-formats documentation describes the documents.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, get_origin

import attrs

from salesfunnel.customers._abc_rank import rank
from salesfunnel.customers.abc_classes import (
    AbcResult,
    Basis,
    Boundary,
    CombinedAbc,
    ComputedLimits,
)
from salesfunnel.customers.abc_classes import Method as AbcMethod
from salesfunnel.i18n import Text
from salesfunnel.io import _values as v
from salesfunnel.io._converter import json_kind
from salesfunnel.io._result_hooks import bad, build, fields, format_decimal
from salesfunnel.io.problems import UnwritableValueError
from salesfunnel.pipeline._convolution import Table as _MassTable
from salesfunnel.pipeline.distribution import ErrorBound, OutcomeDistribution
from salesfunnel.pipeline.parameters import Method
from salesfunnel.pipeline.weighted import Simulation

__all__ = ["register_numeric"]

_Unstructure = Callable[[Any], Any]

# -- outcome distributions and simulations ----------------------------------------------


@attrs.frozen
class _MassDoc:
    """An outcome distribution's masses, as written."""

    denominator: str
    weights: tuple[str, ...]
    points: tuple[Decimal, ...] | None
    offset: Decimal
    step: Decimal


def _distribution_out(d: OutcomeDistribution) -> dict[str, object]:
    table: _MassTable = d._table  # noqa: SLF001  (the masses are the distribution's data)
    return {
        "method": d.method.value,
        "currency": d.currency,
        "count": d.count,
        "certain": format_decimal(d.certain),
        "mean": format_decimal(d.mean),
        "variance": format_decimal(d.variance),
        "resolution": format_decimal(d.resolution),
        "error": {"amount": format_decimal(d.error.amount), "probability": d.error.probability},
        "maximum": format_decimal(d.maximum),
        "table": {
            "denominator": str(table.denominator),
            "weights": [str(w) for w in table.weights],
            "points": None if table.points is None else [format_decimal(p) for p in table.points],
            "offset": format_decimal(table.offset),
            "step": format_decimal(table.step),
        },
    }


def _whole(text: str, path: tuple[str | int, ...], *, positive: bool = False) -> int:
    """Read a mass written as a string of digits (the distribution checks the masses)."""
    if not text.isascii() or not text.isdigit():
        raise bad(
            OutcomeDistribution,
            path,
            f"{text!r} is not a {'positive ' if positive else ''}whole number",
            'write masses as strings of digits, such as "1024"',
        )
    return int(text)


def _distribution_in(conv: Any) -> Callable[[object, object], OutcomeDistribution]:  # noqa: ANN401
    spec = {
        "method": Method,
        "currency": str | None,
        "count": int,
        "certain": Decimal,
        "mean": Decimal,
        "variance": Decimal,
        "resolution": Decimal,
        "error": ErrorBound,
        "maximum": Decimal,
        "table": _MassDoc,
    }

    def hook(value: object, _t: object) -> OutcomeDistribution:
        got = fields(conv, value, OutcomeDistribution, spec)
        doc: _MassDoc = got.pop("table")
        denominator = _whole(doc.denominator, ("table", "denominator"), positive=True)
        weights = [_whole(w, ("table", "weights", i)) for i, w in enumerate(doc.weights)]
        table = _MassTable(
            weights, denominator, points=doc.points, offset=doc.offset, step=doc.step
        )
        result: OutcomeDistribution = build(
            OutcomeDistribution, lambda: OutcomeDistribution(**got, table=table)
        )
        return result

    return hook


def _simulation_out(s: Simulation) -> dict[str, object]:
    return {
        "trials": s.trials,
        "seed": s.seed,
        "currency": s.currency,
        "totals": [format_decimal(t) for t in s.totals],
    }


def _simulation_in(conv: Any) -> Callable[[object, object], Simulation]:  # noqa: ANN401
    spec = {"trials": int, "seed": int, "currency": str | None, "totals": tuple[Decimal, ...]}

    def hook(value: object, _t: object) -> Simulation:
        got = fields(conv, value, Simulation, spec)
        result: Simulation = build(Simulation, lambda: Simulation(**got))
        return result

    return hook


# -- ABC analysis -------------------------------------------------------------------

_Key = str | int
_Value = Decimal | int | float


def _abc_key_out(key: object) -> _Key:
    if isinstance(key, (str, int)) and not isinstance(key, bool):
        return key
    msg = (
        f"an ABC result with a customer key of type {type(key).__name__} ({key!r}) cannot be "
        "written as JSON; use str (or int) customer keys"
    )
    raise UnwritableValueError(msg)


def _abc_value_out(value: _Value) -> object:
    return format_decimal(value) if isinstance(value, Decimal) else value


def _abc_out(conv: Any) -> _Unstructure:  # noqa: ANN401
    def hook(result: AbcResult[Any]) -> dict[str, object]:
        return {
            "method": result.method.value,
            "basis": result.basis.value,
            "boundary": None if result.boundary is None else result.boundary.value,
            "thresholds": [format_decimal(t) for t in result.thresholds],
            "keep_ties": result.keep_ties,
            "places": result.places,
            "measure": conv.unstructure(result.measure, Text),
            "cuts": list(result.cuts),
            "limits": conv.unstructure(result.limits, ComputedLimits | None),
            "customers": [
                {
                    "key": _abc_key_out(row.key),
                    "value": _abc_value_out(row.value),
                    "class": row.abc_class,
                }
                for row in result
            ],
        }

    return hook


def _abc_value_in(value: object) -> _Value:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise v.BadValue(
            f"is {json_kind(value)}, not a figure",
            'write money as a string ("1200.50"), counts as whole numbers, measures as numbers',
        )
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            raise v.BadValue("is not a number", 'write it like "1200.50"') from None
    return value


@attrs.frozen
class _AbcCustomer:
    """One customer of an ABC result, as written."""

    key: _Key
    value: _Value
    abc_class: str


def _customer_in(conv: Any) -> Callable[[object, object], _AbcCustomer]:  # noqa: ANN401
    # Customer keys (str | int) are read by the hook of the customer documents.
    conv.register_structure_hook_func(lambda t: t == _Value, lambda x, _t: _abc_value_in(x))
    spec = {"key": _Key, "value": _Value, "class": str}

    def hook(value: object, _t: object) -> _AbcCustomer:
        got = fields(conv, value, _AbcCustomer, spec)
        return _AbcCustomer(got["key"], got["value"], got["class"])

    return hook


def _abc_in(conv: Any) -> Callable[[object, object], AbcResult[Any]]:  # noqa: ANN401
    spec = {
        "method": AbcMethod,
        "basis": Basis,
        "boundary": Boundary | None,
        "thresholds": tuple[Decimal, ...],
        "keep_ties": bool,
        "places": int,
        "measure": Text,
        "cuts": tuple[int, ...],
        "limits": ComputedLimits | None,
        "customers": tuple[_AbcCustomer, ...],
    }

    def hook(value: object, _t: object) -> AbcResult[Any]:
        got = fields(conv, value, AbcResult, spec)
        customers: tuple[_AbcCustomer, ...] = got.pop("customers")
        figures: dict[_Key, _Value] = {}
        for i, c in enumerate(customers):
            if c.key in figures:
                raise bad(AbcResult, ("customers", i, "key"), "repeats a customer")
            figures[c.key] = c.value
        ranking = build(AbcResult, functools.partial(rank, figures), ("customers",))
        result: AbcResult[Any] = build(AbcResult, lambda: AbcResult(**got, ranking=ranking))
        for i, c in enumerate(customers):
            actual = result.class_of(c.key)
            if c.abc_class != actual:
                raise bad(
                    AbcResult,
                    ("customers", i, "class"),
                    f"is {c.abc_class!r}, but the figures and cuts put {c.key!r} in {actual!r}",
                    "correct the class, or write the result again with salesfunnel",
                )
        return result

    return hook


def _combined_out(conv: Any) -> _Unstructure:  # noqa: ANN401
    def hook(combined: CombinedAbc[Any]) -> dict[str, object]:
        return {
            "criteria": list(combined.criteria),
            "results": [conv.unstructure(r, AbcResult) for r in combined.results],
        }

    return hook


def _combined_in(conv: Any) -> Callable[[object, object], CombinedAbc[Any]]:  # noqa: ANN401
    spec = {"criteria": tuple[str, ...], "results": tuple[AbcResult[Any], ...]}

    def hook(value: object, _t: object) -> CombinedAbc[Any]:
        got = fields(conv, value, CombinedAbc, spec)
        combined: CombinedAbc[Any] = build(CombinedAbc, lambda: CombinedAbc(**got))
        return combined

    return hook


def _is_generic(cls: type, t: object) -> bool:
    """Whether ``t`` is ``cls`` or ``cls[...]`` (``AbcResult[str]``)."""
    return t is cls or get_origin(t) is cls


def register_numeric(conv: Any) -> None:  # noqa: ANN401  (a cattrs converter)
    """Register the hooks of distributions, simulations and ABC results on ``conv``."""
    conv.register_unstructure_hook(OutcomeDistribution, _distribution_out)
    conv.register_structure_hook(OutcomeDistribution, _distribution_in(conv))
    conv.register_unstructure_hook(Simulation, _simulation_out)
    conv.register_structure_hook(Simulation, _simulation_in(conv))
    conv.register_structure_hook(_AbcCustomer, _customer_in(conv))
    conv.register_unstructure_hook(AbcResult, _abc_out(conv))
    conv.register_structure_hook_func(functools.partial(_is_generic, AbcResult), _abc_in(conv))
    conv.register_unstructure_hook(CombinedAbc, _combined_out(conv))
    conv.register_structure_hook_func(
        functools.partial(_is_generic, CombinedAbc), _combined_in(conv)
    )
