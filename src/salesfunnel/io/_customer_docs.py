"""Documents of the customer results: scorecards, key-customer types and screening.

Private: registered by :func:`salesfunnel.io.results.configure`; the
data-formats documentation describes the documents.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Union, get_args, get_origin

import attrs

from salesfunnel.customers._worksheet import read_cell
from salesfunnel.customers.key_customers import KeyCustomerClassification, KeyCustomerType
from salesfunnel.customers.scoring import Contribution, Scorecard, ScoreCriterion
from salesfunnel.customers.scoring import ScoredAccount as _Scored
from salesfunnel.io import _values as v
from salesfunnel.io._converter import json_kind
from salesfunnel.io._result_hooks import Hook, bad, build, fields, format_decimal
from salesfunnel.io.problems import UnwritableValueError
from salesfunnel.qualification import Verdict

__all__ = ["register_customers"]

_Unstructure = Callable[[Any], Any]


def _is_generic(cls: type, t: object) -> bool:
    """Whether ``t`` is ``cls`` or ``cls[...]`` (``Scorecard[str]``)."""
    return t is cls or get_origin(t) is cls


# -- customer keys and worksheet figures -----------------------------------------------

_Key = str | int
_Figure = int | float | Decimal | Fraction


def _key_out(key: object) -> _Key:
    if isinstance(key, (str, int)) and not isinstance(key, bool):
        return key
    msg = (
        f"a customer key of type {type(key).__name__} ({key!r}) cannot be written as JSON; "
        "use str (or int) customer keys"
    )
    raise UnwritableValueError(msg)


def _key_in(value: object, _t: object) -> _Key:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise v.BadValue(f"is {json_kind(value)}, not a customer key", "use a string or an integer")
    return value


def _figure_out(value: object) -> object:
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    msg = f"a worksheet figure of type {type(value).__name__} ({value!r}) cannot be written"
    raise UnwritableValueError(msg)


_FIGURE_FIX = (
    'write money as a string ("1200.50"), fractions as "1/3", ratings and counts as numbers'
)


def _figure_in(value: object, _t: object) -> _Figure:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise v.BadValue(f"is {json_kind(value)}, not a figure", _FIGURE_FIX)
    if not isinstance(value, str):
        return value
    try:
        number: Decimal | Fraction = Fraction(value) if "/" in value else Decimal(value)
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise v.BadValue("is not a number", _FIGURE_FIX) from None
    if isinstance(number, Decimal) and not number.is_finite():
        raise v.BadValue("is not a finite number", _FIGURE_FIX)
    return number


# -- scorecards ---------------------------------------------------------------------------


@attrs.frozen
class _KeyedContribution:
    """A contribution inside a scorecard, its criterion named by key."""

    criterion: str
    value: _Figure
    normalised: float
    weight: float
    contribution: float


@attrs.frozen
class _KeyedAccount:
    """A scored customer inside a scorecard."""

    customer: _Key
    score: float
    rank: int
    contributions: tuple[_KeyedContribution, ...]


@attrs.frozen
class _Incomplete:
    """A customer left out of a scorecard, with the criteria it lacks."""

    customer: _Key
    missing: tuple[str, ...]


def _contribution_out(conv: Any, c: Contribution, *, by_key: bool) -> dict[str, object]:  # noqa: ANN401
    return {
        "criterion": c.criterion.key if by_key else conv.unstructure(c.criterion, ScoreCriterion),
        "value": _figure_out(c.value),
        "normalised": c.normalised,
        "weight": c.weight,
        "contribution": c.contribution,
    }


def _account_out(conv: Any, a: _Scored[Any], *, by_key: bool) -> dict[str, object]:  # noqa: ANN401
    return {
        "customer": _key_out(a.customer),
        "score": a.score,
        "rank": a.rank,
        "contributions": [_contribution_out(conv, c, by_key=by_key) for c in a.contributions],
    }


def _check_figures(
    cls: type, at: tuple[str | int, ...], customer: object, parts: tuple[Contribution, ...]
) -> None:
    """Read each figure as its criterion's scale reads a worksheet cell (objects may hold any)."""
    for i, c in enumerate(parts):
        where = (*at, "contributions", i, "value")
        build(cls, functools.partial(read_cell, c.criterion, customer, c.value), where)


def _scored_in(conv: Any) -> Hook:  # noqa: ANN401
    spec = {
        "customer": _Key,
        "score": float,
        "rank": int,
        "contributions": tuple[Contribution, ...],
    }

    def hook(value: object, _t: object) -> _Scored[Any]:
        got = fields(conv, value, _Scored, spec)
        _check_figures(_Scored, (), got["customer"], got["contributions"])
        account: _Scored[Any] = build(_Scored, lambda: _Scored(**got))
        return account

    return hook


def _contribution_in(conv: Any) -> Hook:  # noqa: ANN401
    spec = {
        "criterion": ScoreCriterion,
        "value": _Figure,
        "normalised": float,
        "weight": float,
        "contribution": float,
    }

    def hook(value: object, _t: object) -> Contribution:
        got = fields(conv, value, Contribution, spec)
        return build(Contribution, lambda: Contribution(**got))  # type: ignore[no-any-return]

    return hook


def _scorecard_out(conv: Any) -> _Unstructure:  # noqa: ANN401
    def hook(card: Scorecard[Any]) -> dict[str, object]:
        return {
            "criteria": [conv.unstructure(c, ScoreCriterion) for c in card.criteria],
            "weighting": card.weighting,
            "accounts": [_account_out(conv, a, by_key=True) for a in card.accounts],
            "incomplete": [
                {"customer": _key_out(k), "missing": list(missing)}
                for k, missing in card.incomplete
            ],
        }

    return hook


def _accounts_of(
    criteria: tuple[ScoreCriterion, ...], docs: tuple[_KeyedAccount, ...]
) -> tuple[_Scored[Any], ...]:
    """Build the scored customers, their contributions' criteria named by key.

    The keys are resolved by position against the scorecard's criteria: a
    contribution names the criterion it belongs to instead of holding it.
    """
    keys = tuple(c.key for c in criteria)
    out: list[_Scored[Any]] = []
    for i, doc in enumerate(docs):
        named = tuple(c.criterion for c in doc.contributions)
        if named != keys:
            raise bad(
                Scorecard,
                ("accounts", i, "contributions"),
                f"name the criteria {list(named)}, but the scorecard's are {list(keys)}",
                "give one contribution per criterion, in the scorecard's order",
            )
        parts = tuple(
            build(
                Scorecard,
                functools.partial(
                    Contribution, crit, c.value, c.normalised, c.weight, c.contribution
                ),
                ("accounts", i, "contributions", j),
            )
            for j, (crit, c) in enumerate(zip(criteria, doc.contributions, strict=True))
        )
        _check_figures(Scorecard, ("accounts", i), doc.customer, parts)
        out.append(
            build(
                Scorecard,
                functools.partial(_Scored, doc.customer, doc.score, doc.rank, parts),
                ("accounts", i),
            )
        )
    return tuple(out)


def _scorecard_in(conv: Any) -> Hook:  # noqa: ANN401
    spec = {
        "criteria": tuple[ScoreCriterion, ...],
        "weighting": str,
        "accounts": tuple[_KeyedAccount, ...],
        "incomplete": tuple[_Incomplete, ...],
    }

    def hook(value: object, _t: object) -> Scorecard[Any]:
        got = fields(conv, value, Scorecard, spec)
        criteria: tuple[ScoreCriterion, ...] = got["criteria"]
        # The criteria and weighting first (the scorecard's own check, on no accounts):
        # the accounts' contributions are resolved against the criteria.
        build(Scorecard, lambda: Scorecard((), criteria, got["weighting"]))
        accounts = _accounts_of(criteria, got["accounts"])
        incomplete = tuple((gap.customer, gap.missing) for gap in got["incomplete"])
        card: Scorecard[Any] = build(
            Scorecard, lambda: Scorecard(accounts, criteria, got["weighting"], incomplete)
        )
        return card

    return hook


# -- key-customer types -----------------------------------------------------------------

_TypeVerdict = tuple[KeyCustomerType, Verdict]


def _type_verdict_in(conv: Any) -> Hook:  # noqa: ANN401
    spec = {"type": KeyCustomerType, "verdict": Verdict}

    def hook(value: object, _t: object) -> _TypeVerdict:
        got = fields(conv, value, KeyCustomerClassification, spec)
        return (got["type"], got["verdict"])

    return hook


# -- customer profiles ------------------------------------------------------------------

_PROFILE_NUMBER = {float, Decimal, type(None)}


def _is_profile_number(t: object) -> bool:
    return get_origin(t) in (Union, types.UnionType) and set(get_args(t)) == _PROFILE_NUMBER


def _profile_number_in(value: object, _t: object) -> float | Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise v.BadValue(
            f"is {json_kind(value)}, not a number",
            'write exact numbers as strings ("0.12"), or as JSON numbers',
        )
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            raise v.BadValue("is not a number", 'write it like "0.12"') from None
    return value  # an int stays an int, as the profile was given


# -- registration --------------------------------------------------------------------------


def register_customers(conv: Any) -> None:  # noqa: ANN401  (a cattrs converter)
    """Register the hooks of scorecards, key-customer types and screening on ``conv``."""
    conv.register_structure_hook_func(lambda t: t == _Key, _key_in)
    conv.register_structure_hook_func(lambda t: t == _Figure, _figure_in)
    conv.register_structure_hook(Contribution, _contribution_in(conv))
    conv.register_unstructure_hook(_Scored, lambda a: _account_out(conv, a, by_key=False))
    conv.register_structure_hook_func(functools.partial(_is_generic, _Scored), _scored_in(conv))
    conv.register_unstructure_hook(Scorecard, _scorecard_out(conv))
    conv.register_structure_hook_func(
        functools.partial(_is_generic, Scorecard), _scorecard_in(conv)
    )
    conv.register_unstructure_hook_func(
        lambda t: t == _TypeVerdict,
        lambda pair: {"type": pair[0].value, "verdict": conv.unstructure(pair[1], Verdict)},
    )
    conv.register_structure_hook_func(lambda t: t == _TypeVerdict, _type_verdict_in(conv))
    conv.register_structure_hook_func(_is_profile_number, _profile_number_in)
