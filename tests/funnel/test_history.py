from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import (
    DEFAULT_FUNNEL,
    ChangeKind,
    Opportunity,
    StageChange,
    as_of,
    reprice,
    reschedule,
    snapshot,
)
from salesfunnel.datasets import sample_pipeline
from salesfunnel.errors import InvalidDateError
from salesfunnel.funnel import StageTime, time_in_stage
from tests import factories
from tests.factories import ALL_FACTS

D = date(2026, 1, 5)


deal = factories.deal_maker(
    name="CRM",
    stage="intent",
    created=D,
    expected_close=date(2026, 9, 30),
    amount="100",
    currency="EUR",
    facts=ALL_FACTS,
    product="ERP",
)


def life():
    """intent -> project (Feb 1) -> rescheduled (Feb 10) -> repriced (Feb 20) -> intent (Mar 1) -> project (Mar 10) -> lost (Apr 1)."""
    o = DEFAULT_FUNNEL.advance(deal(), "project", on=date(2026, 2, 1))
    o = reschedule(o, date(2026, 12, 31), on=date(2026, 2, 10))
    o = reprice(o, "150", on=date(2026, 2, 20))
    o = DEFAULT_FUNNEL.advance(o, "intent", on=date(2026, 3, 1), reason="re-scope")
    o = DEFAULT_FUNNEL.advance(o, "project", on=date(2026, 3, 10))
    return DEFAULT_FUNNEL.lose(o, on=date(2026, 4, 1), reason="price")


class TestAsOf:
    def test_stage_on_past_dates(self):
        """as_of gives the stage at the end of each day, None before creation."""
        o = life()
        assert as_of(o, date(2026, 1, 4)) is None
        assert as_of(o, D) == "intent"
        assert as_of(o, date(2026, 2, 1)) == "project"
        assert as_of(o, date(2026, 3, 5)) == "intent"
        assert as_of(o, date(2026, 4, 1)) == "lost"

    def test_refuses_datetime(self):
        """as_of needs a plain date."""
        from datetime import datetime

        with pytest.raises(InvalidDateError):
            as_of(life(), datetime(2026, 1, 1))


class TestSnapshot:
    def test_rebuilds_amount_close_date_and_stage(self):
        """snapshot rolls back stage, amount and expected close."""
        o = life()
        s = snapshot(o, date(2026, 2, 15))
        assert s.stage == "project"
        assert s.expected_close == date(2026, 12, 31)
        assert s.amount == Decimal(100)
        assert s.closed_on is None and s.lost_reason is None
        s0 = snapshot(o, date(2026, 2, 5))
        assert s0.expected_close == date(2026, 9, 30)
        assert snapshot(o, date(2026, 2, 25)).amount == Decimal(150)

    def test_closed_state(self):
        """A snapshot after the loss is lost with its reason; with a funnel too."""
        o = life()
        for s in (
            snapshot(o, date(2026, 5, 1)),
            snapshot(o, date(2026, 5, 1), funnel=DEFAULT_FUNNEL),
        ):
            assert s.stage == "lost"
            assert s.closed_on == date(2026, 4, 1)
            assert s.lost_reason == "price"
        assert snapshot(o, date(2026, 3, 20), funnel=DEFAULT_FUNNEL).closed_on is None

    def test_won_deal(self):
        """A won deal's snapshot after the win is closed; before, open."""
        negotiating = DEFAULT_FUNNEL.advance(deal(), "negotiation", on=date(2026, 2, 1))
        o = DEFAULT_FUNNEL.win(negotiating, on=date(2026, 3, 1))
        assert snapshot(o, date(2026, 3, 1)).closed_on == date(2026, 3, 1)
        assert snapshot(o, date(2026, 2, 28)).closed_on is None

    def test_before_creation(self):
        """Nothing existed before creation."""
        assert snapshot(life(), date(2025, 12, 31)) is None
        late_entry = StageChange(None, "intent", date(2026, 1, 10), kind=ChangeKind.CREATE)
        odd = deal(history=[late_entry])
        assert snapshot(odd, date(2026, 1, 6)) is None

    @given(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 6, 1)))
    def test_snapshot_agrees_with_as_of(self, when):
        """The snapshot's stage is as_of's stage."""
        o = life()
        s = snapshot(o, when)
        assert (s.stage if s else None) == as_of(o, when)

    def test_sample_snapshots_are_valid(self):
        """Snapshots of the sample at any date are valid opportunities."""
        for o in sample_pipeline()[:200]:
            for when in (date(2025, 6, 30), date(2026, 1, 1), date(2026, 6, 30)):
                s = snapshot(o, when, funnel=DEFAULT_FUNNEL)
                if s is not None:
                    DEFAULT_FUNNEL.check(s)


class TestTimeInStage:
    def test_latest_and_cumulative(self):
        """Time in stage counts the latest stay and all stays."""
        t = time_in_stage(life(), as_of=date(2026, 4, 11))
        assert t["intent"] == StageTime(latest=9, total=27 + 9, visits=2)
        assert t["project"] == StageTime(latest=22, total=28 + 22, visits=2)
        assert t["lost"] == StageTime(latest=10, total=10, visits=1)

    def test_changes_after_as_of_are_ignored(self):
        """Figures as of a past date ignore later changes."""
        t = time_in_stage(life(), as_of=date(2026, 2, 11))
        assert t == {"intent": StageTime(27, 27, 1), "project": StageTime(10, 10, 1)}


class TestReachedStagesOnABranchingLadder:
    def test_only_the_current_stage_is_known(self):
        """Without a history, on a ladder with branches only the stage a deal is in is known."""
        from salesfunnel import Funnel, Stage, StageKind, Text
        from salesfunnel.funnel.history import reached_stages

        def st(key, p, kind=StageKind.OPEN):
            return Stage(key, Text(key, key), p, kind=kind)

        branching = Funnel(
            stages=[st("a", "0.1"), st("b", "0.5"), st("c", "0.6"), st("won", 1, StageKind.WON)],
            lost=st("lost", 0, StageKind.LOST),
            edges=[("a", "b"), ("a", "c"), ("b", "won"), ("c", "won")],
        )

        def deal(stage, closed_on=None):
            return Opportunity(
                id="X",
                name="x",
                account="a",
                owner="o",
                stage=stage,
                created=date(2026, 1, 1),
                expected_close=date(2026, 2, 1),
                amount="1",
                currency="USD",
                closed_on=closed_on,
            )

        assert reached_stages(deal("c"), branching) == {"c": False}
        assert reached_stages(deal("lost", date(2026, 1, 9)), branching) == {"a": False}
