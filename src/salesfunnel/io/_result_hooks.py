"""Building blocks for the result documents: strict fields, nested problems, shared values.

Private: used by :mod:`salesfunnel.io.results`. Every failure is raised as
the cattrs errors :func:`~salesfunnel.io._converter.problems_of` turns into
problems with JSON paths.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Literal, Union, get_args, get_origin

from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError

from salesfunnel.calendar import FiscalCalendar, FiscalQuarter, FiscalYear, Period
from salesfunnel.errors import FunnelError
from salesfunnel.io import _values as v
from salesfunnel.io._converter import (
    check_object,
    error_at,
    json_kind,
    located,
    note_attr,
)

__all__ = [
    "FIX",
    "Hook",
    "bad",
    "build",
    "fields",
    "format_decimal",
    "register_common",
]

#: A structure hook: the JSON value and the type asked for, to the object.
Hook = Callable[[Any, Any], Any]

#: The fix named by problems of result documents.
FIX = "see the result documents in the data-formats docs"

#: The type of a date range such as a waterfall's window.
DateRange = tuple[date, date]


def format_decimal(value: Decimal) -> str:
    """Write a Decimal in plain notation, exactly (as money is written)."""
    return v.format_amount(value)


def bad(cls: type, path: tuple[str | int, ...], why: str, fix: str = FIX) -> ClassValidationError:
    """Return the error for a problem of the document's shape at ``path`` inside ``cls``.

    Only for what a document can get wrong that no object can (a repeated
    key of a list read as a mapping, a discriminator): the rules of a result
    are its class's, which :func:`build` reports.
    """
    return error_at(cls, path, v.BadValue(why, fix))


def fields(
    conv: Any,  # noqa: ANN401  (a cattrs converter)
    value: object,
    cls: type,
    spec: Mapping[str, Any],
) -> dict[str, Any]:
    """Structure the keys of a JSON object, collecting every problem.

    Args:
        conv: The converter.
        value: The JSON value (must be an object).
        cls: The class being built (for messages).
        spec: Each key and the type of its value (every key is required).

    Returns:
        The structured values by key.

    Raises:
        ClassValidationError: Listing unknown keys, missing keys and bad values.
    """
    obj = check_object(value, cls)
    errors: list[Exception] = []
    extra = set(obj) - set(spec)
    if extra:
        errors.append(ForbiddenExtraKeysError("", cls, extra))
    out: dict[str, Any] = {}
    for key, t in spec.items():
        if key not in obj:
            errors.append(note_attr(KeyError(key), key, t))
            continue
        try:
            out[key] = conv.structure(obj[key], t)
        except Exception as err:  # noqa: BLE001  (collected, reported with its path)
            errors.append(note_attr(err, key, t))
    if errors:
        raise ClassValidationError(f"While structuring {cls.__name__}", errors, cls)
    return out


def build(cls: type, make: Callable[[], Any], at: tuple[str | int, ...] = ()) -> Any:  # noqa: ANN401
    """Call ``make`` (a constructor); its error becomes a problem at the JSON path it names.

    ``at`` is where the object sits inside the one of ``cls`` being read.
    """
    try:
        return make()
    except (FunnelError, ValueError, TypeError) as err:
        raise located(cls, err, at) from None


def _float(value: object, _t: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise v.BadValue(f"is {json_kind(value)}, not a number", FIX)
    return float(value)


def _is_literal(t: object) -> bool:
    return get_origin(t) is Literal


def _literal_hook(t: Any) -> Hook:  # noqa: ANN401
    allowed = get_args(t)

    def hook(value: object, _t: object) -> object:
        for choice in allowed:
            if choice == value and type(choice) is type(value):
                return choice
        names = ", ".join(repr(a) for a in allowed)
        raise v.BadValue(f"is not one of {names}", f"use one of {names}")

    return hook


def _range_in(value: object, _t: object) -> DateRange:
    if not (isinstance(value, list) and len(value) == 2):  # noqa: PLR2004  (first, last)
        raise v.BadValue(f"is {json_kind(value)}, not a [first, last] pair of dates", FIX)
    first, last = value
    if not isinstance(first, str) or not isinstance(last, str):
        raise v.BadValue("is not a [first, last] pair of dates", v.DATE_FIX)
    return (v.parse_date(first), v.parse_date(last))


def _is_period(t: object) -> bool:
    if t in (FiscalQuarter, FiscalYear):
        return True
    origin = get_origin(t)
    return origin in (Union, types.UnionType) and set(get_args(t)) == {FiscalQuarter, FiscalYear}


def _period_out(conv: Any) -> Callable[[Period], dict[str, object]]:  # noqa: ANN401
    def hook(period: Period) -> dict[str, object]:
        return {
            "calendar": conv.unstructure(period.calendar, FiscalCalendar),
            "fiscal_year": period.fiscal_year,
            "quarter": period.quarter if isinstance(period, FiscalQuarter) else None,
        }

    return hook


def _period_in(conv: Any) -> Hook:  # noqa: ANN401
    spec = {"calendar": FiscalCalendar, "fiscal_year": int, "quarter": int | None}

    def hook(value: object, t: object) -> Period:
        got = fields(conv, value, FiscalQuarter, spec)
        calendar, year, quarter = got["calendar"], got["fiscal_year"], got["quarter"]
        if quarter is None:
            if t is FiscalQuarter:
                raise bad(FiscalQuarter, ("quarter",), "is null, but a quarter is needed")
            year_period: Period = build(FiscalYear, lambda: FiscalYear(calendar, year))
            return year_period
        if t is FiscalYear:
            raise bad(FiscalYear, ("quarter",), "is a quarter, but a whole year is needed")
        period: Period = build(FiscalQuarter, lambda: FiscalQuarter(calendar, year, quarter))
        return period

    return hook


def register_common(conv: Any) -> None:  # noqa: ANN401  (a cattrs converter)
    """Register the hooks every result document needs: floats, literals, ranges, periods."""
    conv.register_structure_hook(float, _float)
    conv.register_structure_hook_factory(_is_literal, _literal_hook)
    conv.register_structure_hook_func(lambda t: t == DateRange, _range_in)
    conv.register_unstructure_hook_func(
        lambda t: t == DateRange, lambda r: [d.isoformat() for d in r]
    )
    conv.register_unstructure_hook_func(_is_period, _period_out(conv))
    conv.register_structure_hook_func(_is_period, _period_in(conv))
