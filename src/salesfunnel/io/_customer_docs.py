"""Documents of the customer results: scorecards, key-customer types and screening.

Private: registered by :func:`salesfunnel.io.results.configure`; the
data-formats documentation describes the documents.
"""

from __future__ import annotations

import functools
import itertools
import math
import types
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Union, get_args, get_origin

import attrs

from salesfunnel.customers._worksheet import read_cell
from salesfunnel.customers.buying import AccountEvidence, Platform, Screening, ScreeningReport
from salesfunnel.customers.key_customers import KeyCustomerClassification, KeyCustomerType
from salesfunnel.customers.scoring import Contribution, RankWeighting, Scorecard, ScoreCriterion
from salesfunnel.customers.scoring import ScoredAccount as _Scored
from salesfunnel.errors import FunnelError
from salesfunnel.io import _values as v
from salesfunnel.io._converter import json_kind
from salesfunnel.io._result_hooks import FIX, Hook, bad, checked, fields, format_decimal
from salesfunnel.io.problems import UnwritableValueError
from salesfunnel.qualification import Outcome, Verdict

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


def _check_parts(
    cls: type,
    path: tuple[str | int, ...],
    customer: object,
    parts: tuple[Contribution, ...],
    score: float,
    rank: int,
) -> None:
    """Check each contribution against its criterion, and the score against the parts."""
    for i, c in enumerate(parts):
        where = (*path, "contributions", i)
        try:
            read_cell(c.criterion, customer, c.value)
        except FunnelError as err:
            raise bad(cls, (*where, "value"), str(err)) from None
        for name in ("normalised", "weight"):
            if not 0 <= getattr(c, name) <= 1:
                raise bad(cls, (*where, name), "is not in [0, 1]")
        if c.contribution != c.weight * c.normalised:
            raise bad(
                cls,
                (*where, "contribution"),
                f"is not weight × normalised ({c.weight * c.normalised!r})",
                "correct it, or write the scorecard again with salesfunnel",
            )
    if score != math.fsum(c.contribution for c in parts):
        raise bad(
            cls,
            (*path, "score"),
            "is not the sum of the contributions",
            "correct it, or write the scorecard again with salesfunnel",
        )
    if rank < 1:
        raise bad(cls, (*path, "rank"), "is not a rank (1 or more)")


def _scored_in(conv: Any) -> Hook:  # noqa: ANN401
    spec = {
        "customer": _Key,
        "score": float,
        "rank": int,
        "contributions": tuple[Contribution, ...],
    }

    def hook(value: object, _t: object) -> _Scored[Any]:
        got = fields(conv, value, _Scored, spec)
        _check_parts(_Scored, (), got["customer"], got["contributions"], got["score"], got["rank"])
        return _Scored(**got)

    return hook


def _contribution_in(conv: Any) -> Hook:  # noqa: ANN401
    spec = {
        "criterion": ScoreCriterion,
        "value": _Figure,
        "normalised": float,
        "weight": float,
        "contribution": float,
    }
    return lambda value, _t: Contribution(**fields(conv, value, Contribution, spec))


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


_WEIGHTINGS = ("weights", "equal", *(w.value for w in RankWeighting))


def _accounts_of(
    criteria: tuple[ScoreCriterion, ...], docs: tuple[_KeyedAccount, ...]
) -> tuple[_Scored[Any], ...]:
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
            Contribution(crit, c.value, c.normalised, c.weight, c.contribution)
            for crit, c in zip(criteria, doc.contributions, strict=True)
        )
        _check_parts(Scorecard, ("accounts", i), doc.customer, parts, doc.score, doc.rank)
        out.append(_Scored(doc.customer, doc.score, doc.rank, parts))
    return tuple(out)


def _check_ranks(accounts: tuple[_Scored[Any], ...]) -> None:
    for i, (before, a) in enumerate(itertools.pairwise(accounts), 1):
        if a.score > before.score:
            raise bad(Scorecard, ("accounts", i, "score"), "is higher than the one before")
    for i, a in enumerate(accounts):
        expected = accounts[i - 1].rank if i and accounts[i - 1].score == a.score else i + 1
        if a.rank != expected:
            raise bad(
                Scorecard,
                ("accounts", i, "rank"),
                f"is {a.rank}, but its place and score give rank {expected}",
                "rank is 1 + the number of customers with a strictly higher score",
            )


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
        keys = [c.key for c in criteria]
        if len(set(keys)) != len(keys):
            raise bad(Scorecard, ("criteria",), "repeats a criterion key")
        if got["weighting"] not in _WEIGHTINGS:
            names = ", ".join(_WEIGHTINGS)
            raise bad(Scorecard, ("weighting",), f"is not one of {names}", f"use one of {names}")
        accounts = _accounts_of(criteria, got["accounts"])
        _check_ranks(accounts)
        seen: set[object] = set()
        for i, a in enumerate(accounts):
            if a.customer in seen:
                raise bad(Scorecard, ("accounts", i, "customer"), "repeats a customer")
            seen.add(a.customer)
        for i, gap in enumerate(got["incomplete"]):
            if gap.customer in seen:
                raise bad(Scorecard, ("incomplete", i, "customer"), "repeats a customer")
            seen.add(gap.customer)
            if not gap.missing or any(k not in keys for k in gap.missing):
                raise bad(
                    Scorecard,
                    ("incomplete", i, "missing"),
                    "is empty or names a key that is not a criterion of the scorecard",
                )
        incomplete = tuple((gap.customer, gap.missing) for gap in got["incomplete"])
        return Scorecard(accounts, criteria, got["weighting"], incomplete)

    return hook


# -- key-customer types -----------------------------------------------------------------

_TypeVerdict = tuple[KeyCustomerType, Verdict]


def _type_verdict_in(conv: Any) -> Hook:  # noqa: ANN401
    spec = {"type": KeyCustomerType, "verdict": Verdict}

    def hook(value: object, _t: object) -> _TypeVerdict:
        got = fields(conv, value, KeyCustomerClassification, spec)
        return (got["type"], got["verdict"])

    return hook


def _missing_of(verdicts: tuple[_TypeVerdict, ...]) -> tuple[str, ...]:
    """The profile fields the undecided rules need, as :func:`classify_key_customer` finds them."""
    missing: dict[str, None] = {}
    for _, verdict in verdicts:
        if verdict.outcome is Outcome.UNDECIDED:
            for c in verdict.missing:
                missing.update(dict.fromkeys(k for k in c.needs if verdict.facts.get(k) is None))
    return tuple(missing)


def _check_classification(result: KeyCustomerClassification) -> None:
    kinds = [kind for kind, _ in result.verdicts]
    if len(set(kinds)) != len(kinds):
        raise bad(KeyCustomerClassification, ("verdicts",), "repeats a type")
    matched = tuple(kind for kind, verdict in result.verdicts if verdict.passed)
    undecided = tuple(
        kind for kind, verdict in result.verdicts if verdict.outcome is Outcome.UNDECIDED
    )
    derived: list[tuple[str, object, object]] = [
        ("matched", result.matched, matched),
        ("undecided", result.undecided, undecided),
        ("primary", result.primary, matched[0] if matched else None),
        ("missing", result.missing, _missing_of(result.verdicts)),
    ]
    for name, given, expected in derived:
        if given != expected:
            shown = (
                [getattr(x, "value", x) for x in expected]
                if isinstance(expected, tuple)
                else getattr(expected, "value", expected)
            )
            raise bad(
                KeyCustomerClassification,
                (name,),
                f"does not follow from the verdicts, which give {shown!r}",
                "correct it, or classify the customer again with salesfunnel",
            )


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


# -- screening ---------------------------------------------------------------------------

_BOUGHT = (Platform.PURCHASE_PLATFORM, Platform.KEY_CUSTOMERS)


def _check_screening(s: Screening) -> None:
    if (s.purchase_kind is not None) != (s.platform in _BOUGHT):
        raise bad(
            Screening,
            ("purchase_kind",),
            "is given only for accounts on the purchase and key-customer platforms",
            "set it to null, or correct the platform",
        )
    beyond_wall = s.platform is Platform.SALES_PLATFORM
    if beyond_wall and not s.wall.passed:
        raise bad(Screening, ("platform",), "is the sales platform, but the wall did not pass")
    if s.platform.level < Platform.SALES_PLATFORM.level and s.wall.passed:
        raise bad(
            Screening,
            ("platform",),
            "is below the sales platform, but the wall passed",
            "an account that passes the wall is on the sales platform or higher",
        )


def _check_report(report: ScreeningReport) -> None:
    order = [(-s.platform.level, s.account) for s in report.accounts]
    for i, (before, here) in enumerate(itertools.pairwise(order), 1):
        if here == before:
            raise bad(ScreeningReport, ("accounts", i, "account"), "repeats an account")
        if here < before:
            raise bad(
                ScreeningReport,
                ("accounts", i),
                "is out of order",
                "list the accounts by platform (highest first), then by name",
            )


def _check_evidence(e: AccountEvidence) -> None:
    for name in ("purchases", "open_deals"):
        if getattr(e, name) < 0:
            raise bad(AccountEvidence, (name,), "is negative", FIX)


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
    checked(conv, KeyCustomerClassification, _check_classification)
    conv.register_structure_hook_func(_is_profile_number, _profile_number_in)
    checked(conv, Screening, _check_screening)
    checked(conv, ScreeningReport, _check_report)
    checked(conv, AccountEvidence, _check_evidence)
