"""Fiscal calendars, quarters, month arithmetic and plain dates: no funnel knowledge.

A :class:`FiscalCalendar` is a value: the month its fiscal year starts in and
how its years are named. :meth:`FiscalCalendar.quarter_of` places a date in a
:class:`FiscalQuarter`, which knows its first and last day and the quarter
after it. Month arithmetic goes through :func:`add_months`
(``dateutil.relativedelta``): the 31st of January plus one month is the last
day of February.

>>> from datetime import date
>>> fy = FiscalCalendar(start_month=4)
>>> q = fy.quarter_of(date(2026, 5, 17))
>>> q.code, q.start, q.end
('FY2027Q1', datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
>>> q.next().label("zh")
'2027财年第2季度'
>>> add_months(date(2026, 1, 31), 1)
datetime.date(2026, 2, 28)
"""

from __future__ import annotations

import functools
import re
from calendar import monthrange
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal, TypeAlias, Union

import attrs
from dateutil.relativedelta import relativedelta

from salesfunnel.errors import FunnelError, InvalidDateError
from salesfunnel.i18n import Lang, Text

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "GREGORIAN",
    "FiscalCalendar",
    "FiscalQuarter",
    "FiscalYear",
    "InvalidCalendarError",
    "Period",
    "UnknownPeriodError",
    "add_months",
    "check_date",
    "is_month_end",
    "month_edge",
]

_MONTHS_PER_QUARTER = 3
_MONTHS_PER_YEAR = 12


class InvalidCalendarError(FunnelError, ValueError):
    """A fiscal calendar built with a value it cannot use.

    Subclasses :class:`ValueError`: the type is right (an ``int``) but the
    value is not a month.

    Attributes:
        field: The parameter at fault (``"start_month"`` or ``"named_by"``).
        value: The value that was rejected.
    """

    def __init__(self, message: str, *, field: str, value: object) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class UnknownPeriodError(FunnelError, LookupError):
    """A period that the calendar in use does not have.

    Subclasses :class:`LookupError`: like an index out of range, the period is
    looked up in a calendar and is not there (a fifth quarter, a label that
    names no period, or a period of another calendar).

    Attributes:
        period: The period (or label) that was asked for.
    """

    def __init__(self, message: str, *, period: object) -> None:
        super().__init__(message)
        self.period = period


def check_date(value: object, *, field: str) -> date:
    """Return ``value`` if it is a plain :class:`~datetime.date`.

    Raises:
        InvalidDateError: For a :class:`~datetime.datetime` (a time, and maybe a
            time zone, would be silently dropped) or anything that is not a
            date.

    >>> from datetime import datetime, timezone
    >>> check_date(datetime(2026, 3, 31, 23, 0, tzinfo=timezone.utc), field="cutoff")
    Traceback (most recent call last):
    ...
    salesfunnel.errors.InvalidDateError: cutoff: expected a date, got the datetime 2026-03-31 23:00:00+00:00; pass value.date() (after converting it to the time zone your books are kept in)
    """
    if isinstance(value, datetime):
        hint = (
            " (after converting it to the time zone your books are kept in)"
            if value.tzinfo is not None
            else ""
        )
        raise InvalidDateError(
            f"{field}: expected a date, got the datetime {value}; pass value.date(){hint}",
            field=field,
            value=value,
        )
    if not isinstance(value, date):
        raise InvalidDateError(
            f"{field}: expected a datetime.date, got {type(value).__name__} "
            f"{value!r}; parse strings with date.fromisoformat('2026-03-31')",
            field=field,
            value=value,
        )
    return value


def add_months(day: date, months: int) -> date:
    """Return ``day`` moved by ``months`` calendar months.

    The day of the month is kept where it exists and clipped to the month's
    last day where it does not, as ``dateutil.relativedelta`` does.

    Args:
        day: The starting date.
        months: How many months to move (negative moves back).

    Returns:
        The moved date.

    Raises:
        InvalidDateError: If ``day`` is not a plain date.

    >>> add_months(date(2024, 1, 31), 1), add_months(date(2026, 5, 31), -3)
    (datetime.date(2024, 2, 29), datetime.date(2026, 2, 28))
    """
    day = check_date(day, field="day")
    result: date = day + relativedelta(months=months)
    return result


def is_month_end(day: date) -> bool:
    """Tell whether ``day`` is the last day of its month.

    >>> is_month_end(date(2026, 2, 28)), is_month_end(date(2028, 2, 28))
    (True, False)

    Raises:
        InvalidDateError: If ``day`` is not a plain date.
    """
    day = check_date(day, field="day")
    return day.day == monthrange(day.year, day.month)[1]


def month_edge(cutoff: date, months: int) -> date:
    """Return ``cutoff`` moved by ``months`` months, anchored on month ends at a month end.

    The one rule behind every bucket boundary (:func:`month_edges`,
    :func:`bucket_bounds`, :func:`time_bucket` and the forecast). A cutoff on
    the last day of a month moves to the last day of the target month, as
    pandas' ``MonthEnd`` offset does, so a quarter-end cutoff gives
    quarter-end boundaries. Any other cutoff moves by calendar months
    (:func:`add_months`: the day is kept, clipped to the month's last day).

    At every month end of 2026 (and of February in a leap year), the end of
    the "within 3 months" bucket:

    >>> for month in range(1, 13):
    ...     cutoff = date(2026, month, monthrange(2026, month)[1])
    ...     print(cutoff, "->", month_edge(cutoff, 3))
    2026-01-31 -> 2026-04-30
    2026-02-28 -> 2026-05-31
    2026-03-31 -> 2026-06-30
    2026-04-30 -> 2026-07-31
    2026-05-31 -> 2026-08-31
    2026-06-30 -> 2026-09-30
    2026-07-31 -> 2026-10-31
    2026-08-31 -> 2026-11-30
    2026-09-30 -> 2026-12-31
    2026-10-31 -> 2027-01-31
    2026-11-30 -> 2027-02-28
    2026-12-31 -> 2027-03-31
    >>> month_edge(date(2027, 11, 30), 3), month_edge(date(2027, 2, 28), 12)
    (datetime.date(2028, 2, 29), datetime.date(2028, 2, 29))
    >>> month_edge(date(2026, 2, 27), 3), month_edge(date(2026, 11, 29), 3)
    (datetime.date(2026, 5, 27), datetime.date(2027, 2, 28))

    Args:
        cutoff: The reporting cutoff.
        months: How many months to move (negative moves back).

    Returns:
        The boundary date.

    Raises:
        InvalidDateError: If ``cutoff`` is not a plain date.
    """
    moved = add_months(cutoff, months)
    if not is_month_end(cutoff):
        return moved
    return moved.replace(day=monthrange(moved.year, moved.month)[1])


def _start_month(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidCalendarError(
            f"start_month: expected a month number 1-12, got {value!r}; "
            "pass 4 for a fiscal year that starts in April",
            field="start_month",
            value=value,
        )
    if not 1 <= value <= _MONTHS_PER_YEAR:
        raise InvalidCalendarError(
            f"start_month: {value} is not a month; give 1 (January) to 12 "
            "(December), the month the fiscal year starts in",
            field="start_month",
            value=value,
        )
    return value


def _named_by(value: object) -> Literal["start", "end"]:
    if value == "start":
        return "start"
    if value == "end":
        return "end"
    raise InvalidCalendarError(
        f"named_by: {value!r}; use 'end' (FY2027 ends in 2027) or 'start' (FY2026 starts in 2026)",
        field="named_by",
        value=value,
    )


@attrs.frozen
class FiscalCalendar:
    """A fiscal calendar: the month the year starts in and how years are named.

    The default is the Gregorian calendar year (January start). A fiscal year
    that does not start in January spans two calendar years; by default it is
    named after the calendar year it *ends* in (a year starting in October
    2025 is FY2026, as pandas ``Q-SEP`` periods and the US federal budget
    name it); ``named_by="start"`` names it after the year it starts in.

    Attributes:
        start_month: The first month of the fiscal year, 1-12.
        named_by: ``"end"`` or ``"start"`` (see above).

    Raises:
        InvalidCalendarError: For a start month outside 1-12 (or not an int)
            or an unknown ``named_by``.

    >>> FiscalCalendar(start_month=10).quarter_of(date(2025, 10, 1)).code
    'FY2026Q1'
    >>> FiscalCalendar(start_month=13)
    Traceback (most recent call last):
    ...
    salesfunnel.calendar.InvalidCalendarError: start_month: 13 is not a month; give 1 (January) to 12 (December), the month the fiscal year starts in
    """

    start_month: int = attrs.field(default=1, converter=_start_month)
    named_by: Literal["start", "end"] = attrs.field(default="end", converter=_named_by)

    @property
    def _shift(self) -> int:
        """Years between the calendar year a fiscal year starts in and its name."""
        return 1 if self.named_by == "end" and self.start_month != 1 else 0

    def fiscal_year_of(self, day: date) -> int:
        """Return the name (a year number) of the fiscal year ``day`` falls in.

        Raises:
            InvalidDateError: If ``day`` is not a plain date.
        """
        day = check_date(day, field="day")
        started = day.year if day.month >= self.start_month else day.year - 1
        return started + self._shift

    def quarter_of(self, day: date) -> FiscalQuarter:
        """Return the fiscal quarter ``day`` falls in.

        Raises:
            InvalidDateError: If ``day`` is not a plain date.
        """
        year = self.fiscal_year_of(day)
        index = (day.month - self.start_month) % _MONTHS_PER_YEAR // _MONTHS_PER_QUARTER
        return FiscalQuarter(self, year, index + 1)

    def year_of(self, day: date) -> FiscalYear:
        """Return the fiscal year ``day`` falls in.

        Raises:
            InvalidDateError: If ``day`` is not a plain date.
        """
        return FiscalYear(self, self.fiscal_year_of(day))

    def quarter(self, fiscal_year: int, quarter: int) -> FiscalQuarter:
        """Return quarter ``quarter`` (1-4) of fiscal year ``fiscal_year``.

        Raises:
            UnknownPeriodError: For a quarter number outside 1-4.
        """
        return FiscalQuarter(self, fiscal_year, quarter)

    def year(self, fiscal_year: int) -> FiscalYear:
        """Return fiscal year ``fiscal_year``."""
        return FiscalYear(self, fiscal_year)

    def quarters(self, first: date, last: date) -> Iterator[FiscalQuarter]:
        """Yield every fiscal quarter from the one holding ``first`` to the one holding ``last``.

        >>> [q.code for q in GREGORIAN.quarters(date(2026, 2, 1), date(2026, 7, 1))]
        ['2026Q1', '2026Q2', '2026Q3']
        """
        current = self.quarter_of(first)
        stop = self.quarter_of(check_date(last, field="last"))
        while current.start <= stop.start:
            yield current
            current = current.next()

    def parse(self, label: str) -> Period:
        """Return the period a label such as ``"2026Q3"``, ``"FY2027 Q1"`` or ``"FY2026"`` names.

        Raises:
            UnknownPeriodError: For a label that names no period of this
                calendar.

        >>> GREGORIAN.parse("2026 Q3").start
        datetime.date(2026, 7, 1)
        >>> GREGORIAN.parse("2026Q5")
        Traceback (most recent call last):
        ...
        salesfunnel.calendar.UnknownPeriodError: period '2026Q5': a fiscal year has quarters 1-4
        """
        found = _LABEL.fullmatch(label.strip().upper()) if isinstance(label, str) else None
        if found is None:
            raise UnknownPeriodError(
                f"period {label!r} is not a period label; write '2026Q3', 'FY2027 Q1' or 'FY2026'",
                period=label,
            )
        year = int(found["year"])
        if found["quarter"] is None:
            return FiscalYear(self, year)
        try:
            return FiscalQuarter(self, year, int(found["quarter"]))
        except UnknownPeriodError:
            raise UnknownPeriodError(
                f"period {label!r}: a fiscal year has quarters 1-4", period=label
            ) from None

    def period(self, value: FiscalQuarter | FiscalYear | str) -> Period:
        """Return ``value`` as a period of this calendar: a period, or a label to :meth:`parse`.

        Raises:
            UnknownPeriodError: For a label that names no period, a period of
                another calendar, or a value that is not a period.

        >>> GREGORIAN.period("2026Q3") == GREGORIAN.quarter(2026, 3)
        True
        >>> GREGORIAN.period(FiscalCalendar(start_month=4).quarter(2027, 1))
        Traceback (most recent call last):
        ...
        salesfunnel.calendar.UnknownPeriodError: period FY2027 Q1 belongs to a calendar starting in month 4, not to this one (calendar year); build it with calendar.quarter(...) or calendar.year(...) of the calendar you forecast with
        """
        if isinstance(value, str):
            return self.parse(value)
        if isinstance(value, (FiscalQuarter, FiscalYear)):
            if value.calendar != self:
                raise UnknownPeriodError(
                    f"period {value.label()} belongs to a calendar starting in month "
                    f"{value.calendar.start_month}, not to this one ({self.describe()}); "
                    "build it with calendar.quarter(...) or calendar.year(...) of the "
                    "calendar you forecast with",
                    period=value,
                )
            return value
        raise UnknownPeriodError(
            f"period {value!r} is not a period; give a FiscalQuarter, a FiscalYear or a "
            "label such as '2026Q3'",
            period=value,
        )

    def describe(self, lang: Lang = "en") -> str:
        """Return a short description such as ``"fiscal year from April"``."""
        month = date(2000, self.start_month, 1)
        if self.start_month == 1:
            return Text("calendar year", "自然年")(lang)
        return Text(
            f"fiscal year from {month:%B}, named by its {self.named_by} year",
            f"财年自{self.start_month}月起",
        )(lang)


_LABEL = re.compile(r"(?:FY)?\s*(?P<year>\d{4})(?:\s*-?\s*Q(?P<quarter>\d+))?")

#: The calendar year as a fiscal calendar (January start): the default.
GREGORIAN = FiscalCalendar()


def _quarter_number(_instance: object, _attribute: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:  # noqa: PLR2004
        raise UnknownPeriodError(f"quarter {value!r}: a fiscal year has quarters 1-4", period=value)


def _year_number(_instance: object, _attribute: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9998:  # noqa: PLR2004
        raise UnknownPeriodError(
            f"fiscal year {value!r}: give a year number such as 2026", period=value
        )


def _before(period: FiscalQuarter | FiscalYear, other: object) -> bool:
    """Order periods of the same kind and calendar by their first day."""
    if not isinstance(other, type(period)) or other.calendar != period.calendar:
        return NotImplemented  # type: ignore[no-any-return]
    return period.start < other.start


def _holds(period: FiscalQuarter | FiscalYear, day: object) -> bool:
    day = check_date(day, field="day")
    return period.start <= day <= period.end


@functools.total_ordering
@attrs.frozen(order=False)
class FiscalQuarter:
    """One quarter of a fiscal calendar.

    Attributes:
        calendar: The calendar it belongs to.
        fiscal_year: The fiscal year's name.
        quarter: 1-4.
    """

    calendar: FiscalCalendar
    fiscal_year: int = attrs.field(validator=_year_number)
    quarter: int = attrs.field(validator=_quarter_number)

    def __lt__(self, other: object) -> bool:
        """Tell whether this period starts before ``other`` (same kind and calendar)."""
        return _before(self, other)

    def __contains__(self, day: object) -> bool:
        """Tell whether ``day`` (a plain date) falls in this period."""
        return _holds(self, day)

    @property
    def start(self) -> date:
        """The first day of the quarter."""
        first = date(self.fiscal_year - self.calendar._shift, self.calendar.start_month, 1)  # noqa: SLF001
        return add_months(first, _MONTHS_PER_QUARTER * (self.quarter - 1))

    @property
    def end(self) -> date:
        """The last day of the quarter."""
        return add_months(self.start, _MONTHS_PER_QUARTER) - timedelta(days=1)

    @property
    def code(self) -> str:
        """A compact label: ``"2026Q3"``, or ``"FY2027Q1"`` for a non-January calendar."""
        prefix = "" if self.calendar.start_month == 1 else "FY"
        return f"{prefix}{self.fiscal_year}Q{self.quarter}"

    def label(self, lang: Lang = "en") -> str:
        """Return the quarter's name in ``lang`` (``"2026 Q3"``, ``"2026年第3季度"``)."""
        if self.calendar.start_month == 1:
            return Text(
                f"{self.fiscal_year} Q{self.quarter}", f"{self.fiscal_year}年第{self.quarter}季度"
            )(lang)
        return Text(
            f"FY{self.fiscal_year} Q{self.quarter}",
            f"{self.fiscal_year}财年第{self.quarter}季度",
        )(lang)

    def next(self) -> FiscalQuarter:
        """Return the quarter after this one."""
        return self.calendar.quarter_of(add_months(self.start, _MONTHS_PER_QUARTER))

    def previous(self) -> FiscalQuarter:
        """Return the quarter before this one."""
        return self.calendar.quarter_of(add_months(self.start, -_MONTHS_PER_QUARTER))

    @property
    def year(self) -> FiscalYear:
        """The fiscal year this quarter belongs to."""
        return FiscalYear(self.calendar, self.fiscal_year)


@functools.total_ordering
@attrs.frozen(order=False)
class FiscalYear:
    """One fiscal year of a fiscal calendar.

    Attributes:
        calendar: The calendar it belongs to.
        fiscal_year: Its name (a year number).
    """

    calendar: FiscalCalendar
    fiscal_year: int = attrs.field(validator=_year_number)

    def __lt__(self, other: object) -> bool:
        """Tell whether this period starts before ``other`` (same kind and calendar)."""
        return _before(self, other)

    def __contains__(self, day: object) -> bool:
        """Tell whether ``day`` (a plain date) falls in this period."""
        return _holds(self, day)

    @property
    def start(self) -> date:
        """The first day of the year."""
        return self.quarters()[0].start

    @property
    def end(self) -> date:
        """The last day of the year."""
        return self.quarters()[-1].end

    @property
    def code(self) -> str:
        """A compact label: ``"2026"``, or ``"FY2027"`` for a non-January calendar."""
        return f"{'' if self.calendar.start_month == 1 else 'FY'}{self.fiscal_year}"

    def label(self, lang: Lang = "en") -> str:
        """Return the year's name in ``lang`` (``"FY2027"``, ``"2027财年"``)."""
        if self.calendar.start_month == 1:
            return Text(str(self.fiscal_year), f"{self.fiscal_year}年")(lang)
        return Text(f"FY{self.fiscal_year}", f"{self.fiscal_year}财年")(lang)

    def quarters(self) -> tuple[FiscalQuarter, ...]:
        """Return its four quarters, in order."""
        return tuple(FiscalQuarter(self.calendar, self.fiscal_year, q) for q in range(1, 5))

    def next(self) -> FiscalYear:
        """Return the fiscal year after this one."""
        return FiscalYear(self.calendar, self.fiscal_year + 1)

    def previous(self) -> FiscalYear:
        """Return the fiscal year before this one."""
        return FiscalYear(self.calendar, self.fiscal_year - 1)


#: A period a quota or a report can be about: a fiscal quarter or year.
Period: TypeAlias = Union[FiscalQuarter, FiscalYear]  # noqa: UP007
