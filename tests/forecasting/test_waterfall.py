from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL, reprice, reschedule
from salesfunnel.calendar import GREGORIAN, FiscalCalendar
from salesfunnel.errors import InvalidDateError
from salesfunnel.forecasting.waterfall import (
    Change,
    InvalidDateRangeError,
    Movement,
    Slippage,
    Waterfall,
    slippage,
    slippage_report,
    waterfall,
)
from salesfunnel.fx import ExchangeRates, MissingRateError
from salesfunnel.render import Table
from tests import factories
from tests.strategies import cutoffs, opportunity_sets, pipelines

START, END = date(2026, 7, 1), date(2026, 9, 30)
Q3 = GREGORIAN.quarter(2026, 3)
RATES = ExchangeRates.to(
    "CNY",
    {
        date(2019, 1, 1): {"USD": "7", "EUR": "8", "GBP": "9", "JPY": "0.05"},
        date(2026, 9, 30): {"USD": "7.1"},
    },
)


def _deal(id_="D1", stage="recognition", close=date(2026, 9, 15), **changes):
    fields = {"id": id_, "stage": stage, "created": date(2026, 6, 1), "expected_close": close}
    return factories.deal(**{**fields, **changes})


_facts = factories.gate_facts


def _one(deal, **kwargs):
    """The waterfall of one deal over Q3, limited to Q3 closes unless told otherwise."""
    kwargs.setdefault("window", Q3)
    return waterfall([deal], start=START, end=END, **kwargs)


class TestMovement:
    def test_labels(self):
        """Every movement has English and Chinese labels."""
        assert Movement.PUSHED_OUT.label() == "Pushed out"
        assert Movement.WON.label("zh") == "赢单"
        assert all(m.label("zh") for m in Movement)


class TestWaterfall:
    def test_unchanged_deal(self):
        """A deal that did not change is in both start and end, with no change."""
        w = _one(_deal())
        assert (w.opening, w.closing, w.changes) == (Decimal(1000), Decimal(1000), ())
        assert w.balanced

    def test_new(self):
        """A deal created after the start is new at its end amount."""
        w = _one(_deal(created=date(2026, 8, 1)))
        assert w.changes == (Change("D1", Movement.NEW, Decimal(1000)),)
        assert (w.opening, w.closing) == (0, 1000)

    def test_qualified_into_the_pipeline_is_new(self):
        """A deal moved up from a stage outside the pipeline is new."""
        deal = _deal(stage="target_segment")
        moved = DEFAULT_FUNNEL.advance(deal, "potential", on=date(2026, 8, 1), facts=_facts())
        assert _one(moved).changes == (Change("D1", Movement.NEW, Decimal(1000)),)

    def test_amount_up_and_down(self):
        """Repricing a deal in the pipeline at both dates is an amount change."""
        up = reprice(_deal(), "1500", on=date(2026, 8, 1))
        down = reprice(_deal("D2"), "400", on=date(2026, 8, 1))
        w = waterfall([up, down], start=START, end=END, window=Q3)
        assert w.total(Movement.AMOUNT_UP) == 500
        assert w.total(Movement.AMOUNT_DOWN) == -600
        assert (w.count(Movement.AMOUNT_UP), w.count(Movement.AMOUNT_DOWN)) == (1, 1)

    def test_pulled_in_and_pushed_out(self):
        """Close-date moves into or out of the window are pulled in or pushed out."""
        pulled = reschedule(_deal(close=date(2026, 12, 1)), date(2026, 9, 1), on=date(2026, 8, 1))
        pushed = reschedule(_deal("D2"), date(2026, 11, 1), on=date(2026, 8, 1))
        w = waterfall([pulled, pushed], start=START, end=END, window=Q3)
        assert w.changes == (
            Change("D1", Movement.PULLED_IN, Decimal(1000)),
            Change("D2", Movement.PUSHED_OUT, Decimal(-1000)),
        )

    def test_won_lost_and_removed(self):
        """Deals that leave the pipeline are won, lost, or removed (moved back out of it)."""
        won = DEFAULT_FUNNEL.win(_deal(stage="negotiation"), on=date(2026, 8, 1), facts=_facts())
        lost = DEFAULT_FUNNEL.lose(_deal("D2"), on=date(2026, 8, 1), reason="price")
        back = DEFAULT_FUNNEL.advance(
            _deal("D3"), "target_segment", on=date(2026, 8, 1), reason="not qualified"
        )
        w = waterfall([won, lost, back], start=START, end=END, window=Q3)
        assert [c.movement for c in w.changes] == [Movement.WON, Movement.LOST, Movement.REMOVED]
        assert w.closing == 0
        assert w.balanced

    def test_reopened(self):
        """A deal lost before the start and reopened is reopened at its end amount."""
        lost = DEFAULT_FUNNEL.lose(_deal(), on=date(2026, 6, 15), reason="price")
        back = DEFAULT_FUNNEL.reopen(lost, on=date(2026, 8, 1), reason="came back")
        assert _one(back).changes == (Change("D1", Movement.REOPENED, Decimal(1000)),)

    def test_entered_and_closed_in_between(self):
        """A deal created and won between the dates shows as new and won, netting zero."""
        deal = _deal(stage="negotiation", created=date(2026, 7, 10))
        won = DEFAULT_FUNNEL.win(deal, on=date(2026, 8, 1), facts=_facts())
        w = _one(won)
        assert [(c.movement, c.amount) for c in w.changes] == [
            (Movement.NEW, Decimal(1000)),
            (Movement.WON, Decimal(-1000)),
        ]
        outside = DEFAULT_FUNNEL.win(
            deal.evolve(expected_close=date(2027, 3, 1)), on=date(2026, 8, 1), facts=_facts()
        )
        assert _one(outside).changes == ()

    def test_without_window_every_close_counts(self):
        """With no window, close-date moves change nothing."""
        pushed = reschedule(_deal(), date(2027, 6, 1), on=date(2026, 8, 1))
        w = _one(pushed, window=None)
        assert (w.changes, w.window) == ((), None)

    def test_window_as_dates_and_stages(self):
        """A (first, last) window and an explicit stage list limit the pipeline."""
        deals = [_deal(), _deal("D2", stage="intent")]
        w = waterfall(
            deals,
            start=START,
            end=END,
            window=(date(2026, 9, 1), date(2026, 9, 30)),
            stages=["intent"],
        )
        assert (w.opening, w.window) == (Decimal(1000), (date(2026, 9, 1), date(2026, 9, 30)))

    def test_currency_at_the_end_rate(self):
        """Amounts convert at the end date's rate for both dates, so FX moves are no change."""
        w = _one(_deal(currency="USD"), currency="CNY", rates=RATES)
        assert (w.opening, w.closing, w.changes) == (Decimal("7100.00"), Decimal("7100.00"), ())
        assert w.currency == "CNY"

    def test_missing_rate(self):
        """A foreign deal without a rate on the end date is an error naming it."""
        with pytest.raises(MissingRateError, match="2026-09-30"):
            _one(_deal(currency="USD"), currency="CNY")

    def test_bad_dates(self):
        """Reversed dates or windows and tz-aware datetimes are refused."""
        with pytest.raises(InvalidDateRangeError) as info:
            waterfall([], start=END, end=START)
        assert isinstance(info.value, ValueError)
        assert (info.value.start, info.value.end) == (END, START)
        with pytest.raises(InvalidDateRangeError):
            waterfall([], start=START, end=END, window=(END, START))
        with pytest.raises(InvalidDateError, match=r"pass value\.date\(\)"):
            waterfall([], start=START, end=datetime(2026, 9, 30, tzinfo=timezone.utc))
        with pytest.raises(InvalidDateError):
            waterfall([], start=START, end=END, window=(datetime(2026, 9, 1), END))

    def test_steps_and_table(self):
        """steps lists every movement in order; table() lays it out from start to end."""
        w = _one(_deal(created=date(2026, 8, 1)))
        assert [m for m, _, _ in w.steps] == list(Movement)
        table = w.table(lang="zh")
        assert isinstance(table, Table)
        assert table.rows[0][0] == "期初"
        assert table.rows[-1][0] == "期末"
        assert "2026-07-01" in table.note
        assert "<table>" in w._repr_html_()

    @given(pipelines(), cutoffs, cutoffs, st.booleans())
    def test_always_balances_on_generated_pipelines(self, deals, a, b, windowed):
        """start + every change = end, exactly, for any two dates."""
        start, end = min(a, b), max(a, b)
        window = GREGORIAN.quarter_of(end) if windowed else None
        w = waterfall(deals, start=start, end=end, window=window, currency="CNY", rates=RATES)
        assert w.balanced
        assert w.opening + sum(t for _, t, _ in w.steps) == w.closing
        assert all(c.amount >= 0 for c in w.changes if c.movement in _UP)
        assert all(c.amount <= 0 for c in w.changes if c.movement not in _UP)

    @settings(max_examples=settings.default.max_examples * 4 // 5)
    @given(opportunity_sets(), cutoffs, cutoffs)
    def test_always_balances_on_any_history(self, deals, a, b):
        """Even odd hand-made histories balance."""
        start, end = min(a, b), max(a, b)
        w = waterfall(deals, start=start, end=end, currency="CNY", rates=RATES)
        assert w.balanced


_UP = {Movement.NEW, Movement.PULLED_IN, Movement.AMOUNT_UP, Movement.REOPENED}


class TestWaterfallValue:
    def test_is_a_value(self):
        """A waterfall is a frozen value with its inputs."""
        w = _one(_deal())
        assert isinstance(w, Waterfall)
        assert w == _one(_deal())
        assert (w.start, w.end, w.window) == (START, END, (Q3.start, Q3.end))


class TestSlippage:
    def _moved(self):
        deal = _deal(close=date(2026, 9, 15))
        deal = reschedule(deal, date(2026, 10, 15), on=date(2026, 7, 1))
        deal = reschedule(deal, date(2026, 10, 5), on=date(2026, 8, 1))
        return reschedule(deal, date(2026, 11, 30), on=date(2026, 9, 1))

    def test_counts_pushes_and_pulls(self):
        """Pushes, pulls, days pushed and quarter slips are counted."""
        s = slippage(self._moved())
        assert s == Slippage("D1", 2, 1, 30 + 56, 1, date(2026, 9, 15), date(2026, 11, 30))
        assert s.net_days == 76

    def test_since_and_until(self):
        """Only changes in (since, until] count; the dates are the expected close then."""
        s = slippage(self._moved(), since=date(2026, 7, 1), until=date(2026, 8, 31))
        assert (s.pushes, s.pulls) == (0, 1)
        assert (s.first_expected, s.expected) == (date(2026, 10, 15), date(2026, 10, 5))
        none = slippage(self._moved(), since=date(2026, 9, 2))
        assert (none.pushes, none.first_expected, none.expected) == (
            0,
            date(2026, 11, 30),
            date(2026, 11, 30),
        )

    def test_fiscal_quarters(self):
        """quarters_slipped follows the calendar given."""
        s = slippage(self._moved(), calendar=FiscalCalendar(start_month=9))
        assert s.quarters_slipped == 0  # September-November holds both pushes

    def test_bad_range(self):
        """until before since is refused; so are datetimes."""
        with pytest.raises(InvalidDateRangeError):
            slippage(_deal(), since=END, until=START)
        with pytest.raises(InvalidDateError):
            slippage(_deal(), since=datetime(2026, 1, 1))

    def test_report_sorted_and_filtered(self):
        """The report keeps deals pushed at least min_pushes times, most slipped first."""
        once = reschedule(_deal("A"), date(2026, 12, 1), on=date(2026, 7, 1))
        twice = self._moved()
        report = slippage_report([_deal("Z"), once, twice])
        assert [s.opportunity_id for s in report] == ["D1", "A"]
        assert slippage_report([once, twice], min_pushes=2)[0].opportunity_id == "D1"
