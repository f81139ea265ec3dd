from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL
from salesfunnel.calendar import (
    GREGORIAN,
    FiscalCalendar,
    FiscalQuarter,
    FiscalYear,
    InvalidCalendarError,
    UnknownPeriodError,
    add_months,
    is_month_end,
    month_edge,
)
from salesfunnel.errors import FunnelError, InvalidDateError
from salesfunnel.forecasting.buckets import (
    CreatedAfterCutoffError,
    TimeBucket,
    bucket_bounds,
    month_edges,
    time_bucket,
)
from salesfunnel.funnel.history import at_cutoff
from tests import factories
from tests.strategies import calendars, cutoffs, dates, pipelines

_ABBR = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


_deal = factories.deal_maker(stage="recognition", expected_close=date(2026, 4, 30))


class TestAddMonths:
    def test_month_end_is_clipped(self):
        """31 January plus one month is the last day of February, in leap years too."""
        assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
        assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
        assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)

    def test_day_is_kept_where_it_exists(self):
        """A day that exists in the target month is kept, across year ends."""
        assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)

    def test_rejects_datetime(self):
        """A datetime is refused."""
        with pytest.raises(InvalidDateError):
            add_months(datetime(2026, 1, 1, tzinfo=timezone.utc), 1)

    @given(dates, st.integers(-48, 48))
    def test_matches_pandas_date_offset(self, day, months):
        """Month arithmetic agrees with pandas DateOffset(months=...)."""
        expected = (pd.Timestamp(day) + pd.DateOffset(months=months)).date()
        assert add_months(day, months) == expected


#: Month ends from 2020 to 2030, leap Februaries included.
month_ends = dates.map(lambda d: (pd.Timestamp(d) + pd.offsets.MonthEnd(0)).date())


def _reference_edge(cutoff, months):
    """The pandas reference: MonthEnd at a month end, DateOffset(months=...) otherwise."""
    stamp = pd.Timestamp(cutoff)
    if stamp.is_month_end:
        return (stamp + pd.offsets.MonthEnd(months)).date()
    return (stamp + pd.DateOffset(months=months)).date()


class TestMonthEdge:
    @pytest.mark.parametrize(
        ("cutoff", "up_to"),
        [
            (date(2026, 9, 30), date(2026, 12, 31)),
            (date(2026, 2, 28), date(2026, 5, 31)),
            (date(2026, 11, 30), date(2027, 2, 28)),
            (date(2027, 11, 30), date(2028, 2, 29)),
            (date(2028, 2, 29), date(2028, 5, 31)),
            (date(2026, 8, 15), date(2026, 11, 15)),
            (date(2026, 11, 29), date(2027, 2, 28)),
            (date(2028, 2, 28), date(2028, 5, 28)),
        ],
    )
    def test_three_months_on(self, cutoff, up_to):
        """A month-end cutoff anchors on month ends; any other keeps calendar arithmetic."""
        assert month_edge(cutoff, 3) == up_to

    def test_is_month_end(self):
        """The last day of a month is a month end, leap years counted."""
        assert is_month_end(date(2026, 2, 28))
        assert is_month_end(date(2028, 2, 29))
        assert not is_month_end(date(2028, 2, 28))
        with pytest.raises(InvalidDateError):
            is_month_end(datetime(2026, 1, 31, tzinfo=timezone.utc))

    @given(month_ends, st.integers(-48, 48))
    def test_month_end_matches_pandas_month_end(self, cutoff, months):
        """At a month end, the edge is pandas' MonthEnd(months) from the cutoff."""
        assert is_month_end(cutoff)
        expected = (pd.Timestamp(cutoff) + pd.offsets.MonthEnd(months)).date()
        assert month_edge(cutoff, months) == expected

    @given(dates, st.integers(-48, 48))
    def test_matches_the_pandas_reference_anywhere(self, cutoff, months):
        """Any cutoff: MonthEnd at a month end, DateOffset otherwise."""
        assert month_edge(cutoff, months) == _reference_edge(cutoff, months)

    @given(st.one_of(month_ends, dates))
    def test_bounds_edges_and_buckets_share_the_rule(self, cutoff):
        """bucket_bounds and month_edges are month_edge at 3, 6, 9 and 12 months."""
        edges = tuple(month_edge(cutoff, 3 * k) for k in range(1, 5))
        assert month_edges(cutoff) == edges
        assert tuple(b for _, _, b in bucket_bounds(cutoff)) == edges
        assert tuple(a for _, a, _ in bucket_bounds(cutoff)) == (cutoff, *edges[:3])


class TestFiscalCalendar:
    def test_default_is_the_calendar_year(self):
        """The default calendar starts in January and names years as they are."""
        q = GREGORIAN.quarter_of(date(2026, 8, 15))
        assert (q.fiscal_year, q.quarter, q.start, q.end) == (
            2026,
            3,
            date(2026, 7, 1),
            date(2026, 9, 30),
        )
        assert GREGORIAN.describe() == "calendar year"
        assert GREGORIAN.describe("zh") == "自然年"

    def test_year_named_by_end_or_start(self):
        """An April year starting in 2026 is FY2027 by its end, FY2026 by its start."""
        day = date(2026, 5, 1)
        assert FiscalCalendar(start_month=4).fiscal_year_of(day) == 2027
        assert FiscalCalendar(start_month=4, named_by="start").fiscal_year_of(day) == 2026
        assert FiscalCalendar(start_month=4).fiscal_year_of(date(2026, 3, 31)) == 2026
        assert "April" in FiscalCalendar(start_month=4).describe()
        assert FiscalCalendar(start_month=4).describe("zh") == "财年自4月起"

    @pytest.mark.parametrize("month", [0, 13, -1, True, "4", 4.0])
    def test_start_month_outside_1_12_is_refused(self, month):
        """A start month outside 1-12 (or not an int) raises InvalidCalendarError naming the fix."""
        with pytest.raises(InvalidCalendarError) as info:
            FiscalCalendar(start_month=month)
        assert isinstance(info.value, ValueError)
        assert isinstance(info.value, FunnelError)
        assert info.value.field == "start_month"
        assert info.value.value == month
        assert "start_month" in str(info.value)

    def test_named_by_must_be_start_or_end(self):
        """named_by accepts only 'start' and 'end'."""
        with pytest.raises(InvalidCalendarError, match="named_by"):
            FiscalCalendar(named_by="middle")  # type: ignore[arg-type]

    def test_quarter_and_year_builders(self):
        """quarter() and year() build periods; a fifth quarter is unknown."""
        fy = FiscalCalendar(start_month=10)
        assert fy.quarter(2026, 1).start == date(2025, 10, 1)
        assert fy.year(2026).end == date(2026, 9, 30)
        assert fy.year_of(date(2025, 12, 1)) == fy.year(2026)
        with pytest.raises(UnknownPeriodError) as info:
            fy.quarter(2026, 5)
        assert isinstance(info.value, LookupError)
        assert info.value.period == 5

    def test_quarters_between_two_dates(self):
        """quarters() yields every quarter from the first date's to the last's."""
        found = list(GREGORIAN.quarters(date(2025, 11, 1), date(2026, 4, 1)))
        assert [q.code for q in found] == ["2025Q4", "2026Q1", "2026Q2"]
        assert list(GREGORIAN.quarters(date(2026, 5, 1), date(2026, 1, 1))) == []

    @pytest.mark.parametrize(
        ("label", "code"),
        [("2026Q3", "2026Q3"), ("2026 Q3", "2026Q3"), ("fy2026-q1", "2026Q1"), ("2026", "2026")],
    )
    def test_parse_labels(self, label, code):
        """parse() reads quarter and year labels, case and spacing aside."""
        assert GREGORIAN.parse(label).code == code

    @pytest.mark.parametrize("label", ["2026Q5", "2026Q0", "Q3", "next quarter", 2026])
    def test_parse_unknown_labels(self, label):
        """A label that names no period raises UnknownPeriodError."""
        with pytest.raises(UnknownPeriodError):
            GREGORIAN.parse(label)

    @given(calendars, dates)
    def test_every_date_falls_in_exactly_one_quarter(self, calendar, day):
        """Each date lies in its quarter, and in no neighbouring quarter of any calendar."""
        q = calendar.quarter_of(day)
        assert q.start <= day <= q.end
        assert day in q
        neighbours = [q.previous(), q.next(), q.previous().previous(), q.next().next()]
        assert all(day not in other for other in neighbours)
        assert q.next().start == q.end + timedelta(days=1)
        assert q.previous().end == q.start - timedelta(days=1)
        assert q in q.year.quarters()
        assert calendar.year_of(day).start <= day <= calendar.year_of(day).end

    @given(st.integers(1, 12), dates)
    def test_quarter_matches_pandas_fiscal_periods(self, start_month, day):
        """Fiscal year and quarter agree with pandas Q-<month> periods (year named by its end)."""
        calendar = FiscalCalendar(start_month=start_month)
        period = pd.Period(day, freq=f"Q-{_ABBR[(start_month - 2) % 12]}")
        q = calendar.quarter_of(day)
        assert (q.fiscal_year, q.quarter) == (period.qyear, period.quarter)
        assert q.start == period.start_time.date()
        assert q.end == period.end_time.date()


class TestFiscalQuarter:
    def test_labels_and_codes(self):
        """Quarters have codes and English and Chinese labels, with FY for fiscal calendars."""
        q = GREGORIAN.quarter(2026, 3)
        assert (q.code, q.label(), q.label("zh")) == ("2026Q3", "2026 Q3", "2026年第3季度")
        f = FiscalCalendar(start_month=7).quarter(2027, 2)
        assert (f.code, f.label(), f.label("zh")) == ("FY2027Q2", "FY2027 Q2", "2027财年第2季度")
        assert (f.start, f.end) == (date(2026, 10, 1), date(2026, 12, 31))

    def test_next_and_previous_cross_years(self):
        """The quarter after Q4 is Q1 of the next fiscal year, and back."""
        q4 = GREGORIAN.quarter(2026, 4)
        assert q4.next() == GREGORIAN.quarter(2027, 1)
        assert q4.next().previous() == q4

    def test_ordering(self):
        """Quarters of one calendar order by their start; other calendars do not compare."""
        a, b = GREGORIAN.quarter(2026, 1), GREGORIAN.quarter(2026, 2)
        assert a < b
        assert b >= a
        assert sorted([b, a]) == [a, b]
        with pytest.raises(TypeError):
            _ = a < FiscalCalendar(start_month=4).quarter(2026, 1)
        with pytest.raises(TypeError):
            _ = a < GREGORIAN.year(2026)

    def test_contains_refuses_datetime(self):
        """Membership needs a plain date."""
        with pytest.raises(InvalidDateError):
            _ = datetime(2026, 1, 1) in GREGORIAN.quarter(2026, 1)

    @pytest.mark.parametrize("year", [0, 10000, True, "2026"])
    def test_bad_year_number(self, year):
        """A fiscal year outside 1-9998 or not an int is an unknown period."""
        with pytest.raises(UnknownPeriodError):
            FiscalQuarter(GREGORIAN, year, 1)


class TestFiscalYear:
    def test_bounds_labels_and_quarters(self):
        """A fiscal year has four quarters, bounds, codes and labels."""
        fy = FiscalCalendar(start_month=4, named_by="start").year(2026)
        assert (fy.start, fy.end) == (date(2026, 4, 1), date(2027, 3, 31))
        assert (fy.code, fy.label(), fy.label("zh")) == ("FY2026", "FY2026", "2026财年")
        assert [q.quarter for q in fy.quarters()] == [1, 2, 3, 4]
        year = GREGORIAN.year(2026)
        assert (year.code, year.label(), year.label("zh")) == ("2026", "2026", "2026年")
        assert year.next().previous() == year
        assert year < year.next()
        assert date(2026, 12, 31) in year

    def test_parse_gives_a_year(self):
        """A year label parses to a FiscalYear of the calendar."""
        fy = FiscalCalendar(start_month=10).parse("FY2027")
        assert isinstance(fy, FiscalYear)
        assert fy.start == date(2026, 10, 1)


class TestTimeBucketEnum:
    def test_labels(self):
        """Every bucket has an English and a Chinese label."""
        assert TimeBucket.WITHIN_3_MONTHS.label("zh") == "三个月内成交"
        assert TimeBucket.CLOSED.text.zh == "已成交"
        assert all(b.label("en") and b.label("zh") for b in TimeBucket)


class TestBucketBounds:
    def test_month_end_bounds(self):
        """At a month end the bounds follow the month ends, half-open (after, up_to]."""
        bounds = bucket_bounds(date(2026, 8, 31))
        assert [(a, b) for _, a, b in bounds] == [
            (date(2026, 8, 31), date(2026, 11, 30)),
            (date(2026, 11, 30), date(2027, 2, 28)),
            (date(2027, 2, 28), date(2027, 5, 31)),
            (date(2027, 5, 31), date(2027, 8, 31)),
        ]
        assert month_edges(date(2026, 8, 31)) == tuple(b for _, _, b in bounds)

    def test_rejects_aware_datetime(self):
        """A tz-aware datetime cutoff is refused with what to pass instead."""
        with pytest.raises(InvalidDateError, match=r"pass value\.date\(\)"):
            bucket_bounds(datetime(2026, 8, 31, 12, tzinfo=timezone.utc))


class TestAtCutoff:
    def test_unchanged_deal_is_returned_as_is(self):
        """A deal with no change after the cutoff is the same object."""
        deal = _deal()
        assert at_cutoff(deal, date(2026, 2, 1)) is deal

    def test_later_changes_are_rolled_back(self):
        """A deal won after the cutoff is open at the cutoff."""
        deal = _deal(stage="negotiation", facts={})
        won = DEFAULT_FUNNEL.win(deal, on=date(2026, 3, 1), allow_skip=True, facts=_all_facts())
        then = at_cutoff(won, date(2026, 2, 1))
        assert then is not None
        assert then.stage == "negotiation"
        assert then.closed_on is None

    def test_not_yet_created(self):
        """Before creation there is nothing."""
        assert at_cutoff(_deal(), date(2026, 1, 4)) is None


_all_facts = factories.gate_facts


class TestTimeBucketFunction:
    @pytest.mark.parametrize(
        ("close", "bucket"),
        [
            (date(2026, 1, 31), TimeBucket.OVERDUE),
            (date(2026, 1, 20), TimeBucket.OVERDUE),
            (date(2026, 2, 1), TimeBucket.WITHIN_3_MONTHS),
            (date(2026, 4, 30), TimeBucket.WITHIN_3_MONTHS),
            (date(2026, 5, 1), TimeBucket.MONTHS_3_TO_6),
            (date(2026, 7, 31), TimeBucket.MONTHS_3_TO_6),
            (date(2026, 10, 31), TimeBucket.MONTHS_6_TO_9),
            (date(2027, 1, 31), TimeBucket.MONTHS_9_TO_12),
            (date(2027, 2, 1), TimeBucket.BEYOND_12_MONTHS),
        ],
    )
    def test_open_deals_by_expected_close(self, close, bucket):
        """An open deal's bucket is the half-open interval holding its expected close."""
        assert time_bucket(_deal(expected_close=close), cutoff=date(2026, 1, 31)) is bucket

    def test_won_and_lost(self):
        """Won by the cutoff is closed, lost is lost; won after the cutoff is still open."""
        deal = _deal(stage="negotiation")
        won = DEFAULT_FUNNEL.win(deal, on=date(2026, 3, 1), facts=_all_facts())
        lost = DEFAULT_FUNNEL.lose(deal, on=date(2026, 3, 1), reason="price")
        assert time_bucket(won, cutoff=date(2026, 3, 1)) is TimeBucket.CLOSED
        assert time_bucket(lost, cutoff=date(2026, 3, 31)) is TimeBucket.LOST
        assert time_bucket(won, cutoff=date(2026, 2, 28)) is TimeBucket.WITHIN_3_MONTHS

    def test_aware_datetime_cutoff_says_what_to_pass(self):
        """A datetime with a time zone as cutoff raises InvalidDateError telling to pass a date."""
        with pytest.raises(InvalidDateError) as info:
            time_bucket(_deal(), cutoff=datetime(2026, 3, 31, 23, tzinfo=timezone.utc))
        assert info.value.field == "cutoff"
        assert "pass value.date()" in str(info.value)
        assert "time zone" in str(info.value)

    def test_created_after_cutoff(self):
        """A deal created after the cutoff has no bucket; the error names both dates."""
        with pytest.raises(CreatedAfterCutoffError) as info:
            time_bucket(_deal(), cutoff=date(2025, 12, 31))
        assert isinstance(info.value, ValueError)
        assert (info.value.opportunity_id, info.value.created) == ("D1", date(2026, 1, 5))
        assert info.value.cutoff == date(2025, 12, 31)

    @given(st.one_of(cutoffs, month_ends), dates)
    def test_matches_pandas_offsets(self, cutoff, close):
        """The bucket equals the one computed with pandas offsets (MonthEnd at a month end)."""
        start = min(cutoff, close)
        deal = _deal(created=start, expected_close=close)
        edges = [_reference_edge(cutoff, 3 * k) for k in range(5)]
        ts = close
        if ts <= edges[0]:
            expected = TimeBucket.OVERDUE
        else:
            names = [
                TimeBucket.WITHIN_3_MONTHS,
                TimeBucket.MONTHS_3_TO_6,
                TimeBucket.MONTHS_6_TO_9,
                TimeBucket.MONTHS_9_TO_12,
            ]
            expected = next(
                (names[k] for k in range(4) if edges[k] < ts <= edges[k + 1]),
                TimeBucket.BEYOND_12_MONTHS,
            )
        assert time_bucket(deal, cutoff=cutoff) is expected

    @given(pipelines(), cutoffs)
    def test_every_opportunity_lands_in_exactly_one_bucket(self, deals, cutoff):
        """Each existing deal gets one bucket whose interval holds its close (open) or kind."""
        for deal in deals:
            if deal.created > cutoff:
                continue
            bucket = time_bucket(deal, cutoff=cutoff)
            then = at_cutoff(deal, cutoff)
            assert then is not None
            kind = DEFAULT_FUNNEL.kind_of(then)
            holds = {
                TimeBucket.CLOSED: kind.value == "won",
                TimeBucket.LOST: kind.value == "lost",
                TimeBucket.OVERDUE: kind.value == "open" and then.expected_close <= cutoff,
                TimeBucket.BEYOND_12_MONTHS: kind.value == "open"
                and then.expected_close > month_edge(cutoff, 12),
            }
            for b, after, up_to in bucket_bounds(cutoff):
                holds[b] = kind.value == "open" and after < then.expected_close <= up_to
            assert [b for b, ok in holds.items() if ok] == [bucket]
