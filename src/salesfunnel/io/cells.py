"""The cells of an export: ISO dates and date-times in a stated zone, percentages, booleans.

Each function reads one cell's text, or raises :class:`BadCell` with why and
the fix; the readers turn that into a problem naming the row and column.
Nothing is guessed: a date-time without a zone needs ``tz``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Literal

from salesfunnel.io._values import BadValue, parse_number

__all__ = ["BadCell", "to_bool", "to_date", "to_probability_text"]


_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?"
)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


_TZ_FIX = (
    "pass tz=... (a datetime.tzinfo such as zoneinfo.ZoneInfo('Europe/Berlin'); "
    "command line: --tz Europe/Berlin), the zone the dates are to be counted in"
)


class BadCell(Exception):  # noqa: N818  (internal signal, never escapes the readers)
    """A cell that cannot be converted; carries why and the fix."""

    def __init__(self, why: str, fix: str = "") -> None:
        super().__init__(why)
        self.why = why
        self.fix = fix


def to_date(text: str, tz: tzinfo | None) -> date:
    """Read a date, or an ISO 8601 date-time converted to ``tz`` (see :class:`ImportMapping`).

    >>> from zoneinfo import ZoneInfo
    >>> to_date("2026-01-05T20:22:31.000+0000", ZoneInfo("Asia/Shanghai"))
    datetime.date(2026, 1, 6)
    >>> to_date("2026-01-05 23:59", ZoneInfo("Asia/Shanghai"))
    datetime.date(2026, 1, 5)
    """
    value = text.strip()
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as err:
            raise BadCell(f"is not a calendar date ({err})", "check the day and month") from None
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise BadCell(
            "is not a date (YYYY-MM-DD) or an ISO date-time (YYYY-MM-DD HH:MM:SS)",
            "export dates in ISO 8601 form, such as 2026-03-31 or 2026-03-31T10:22:31Z",
        )
    day, clock, zone = match.groups()
    if tz is None:
        kind = "an aware date-time" if zone else "a date-time with no time zone"
        raise BadCell(f"is {kind}, and no time zone was given", _TZ_FIX)
    # the one form every Python's fromisoformat reads (3.10's reads no other): six
    # fraction digits (more are cut, as 3.11 cuts them) and a +HH:MM offset
    if "." in clock:
        whole, fraction = clock.split(".")
        clock = f"{whole}.{(fraction + '000000')[:6]}"
    iso = f"{day}T{clock}"
    if zone == "Z":
        iso += "+00:00"
    elif zone:
        iso += f"{zone[:3]}:{zone[-2:]}" if len(zone) > 3 else f"{zone}:00"  # noqa: PLR2004
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError as err:
        raise BadCell(f"is not a valid date-time ({err})", "check the date and time") from None
    if moment.tzinfo is None:
        return moment.date()
    try:
        return moment.astimezone(tz).date()
    except OverflowError:  # 9999-12-31T23:00-05:00 is in year 10000 in UTC
        raise BadCell(
            "is outside the dates Python holds (years 1 to 9999) in the time zone given",
            "check the date and time",
        ) from None


_PERCENT_FIX = "give a percentage from 0 to 100, such as 60 or 60%"


_FRACTION_FIX = (
    "give a share such as 0.6 or a percentage such as 60%; for percentages without "
    "a % sign pass probability_scale='percent' (--probability-scale percent)"
)


def to_probability_text(text: str, scale: Literal["fraction", "percent"]) -> str:
    """Return a probability cell as a share's text (empty stays empty).

    >>> to_probability_text("60", "percent"), to_probability_text("60.0%", "percent")
    ('0.6', '0.6')
    """
    value = text.strip()
    if not value or scale == "fraction":
        if value and not value.endswith("%") and _number(value) > 1:
            raise BadCell("is above 1, and probabilities are read as shares", _FRACTION_FIX)
        return value
    number = _number(value.removesuffix("%").strip())
    if number > 100 or number < 0:  # noqa: PLR2004
        raise BadCell("is outside 0 to 100 percent", _PERCENT_FIX)
    return str((number / 100).normalize())


def _number(text: str) -> Decimal:
    try:
        return parse_number(text)
    except BadValue:
        raise BadCell("is not a number", _PERCENT_FIX) from None


_TRUE = {"true", "1", "yes", "y", "t"}


_FALSE = {"false", "0", "no", "n", "f", ""}


def to_bool(text: str) -> bool:
    """Read an export's boolean: true/false, 1/0, yes/no (any case); empty is false."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadCell("is not true or false", "write true or false (1 or 0)")
