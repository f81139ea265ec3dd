"""Snapshot deals and machine-built deals agree wherever the snapshot holds the information.

A CRM export without stage history gives each deal's current stage, its
creation date and, for a won or lost deal, its close date. The same pipeline
built through the stage machine has full histories. Whatever the snapshot
can know (sales cycle, win rate, whether a deal was open, won or lost on any
date, which time bucket it falls in) must come out the same both ways.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesfunnel import (
    UNRECORDED_STAGE,
    ChangeKind,
    ForecastCategory,
    Opportunity,
    StageKind,
    as_of,
    conversion,
    forecast,
    learn_probabilities,
    sales_cycle,
    snapshot,
    time_bucket,
    win_rate,
)
from salesfunnel.funnel import time_in_stage
from tests import factories

FUNNEL = factories.funnel_of_names("Prospecting", "Qualified", "Proposal", "Won", "Lost")
START = date(2025, 1, 1)

#: One move: what to do, and how many days after the previous change.
moves = st.lists(
    st.tuples(st.sampled_from(["up", "skip", "back", "lose", "reopen", "win"]), st.integers(0, 60)),
    max_size=6,
)


def _machine_deal(i: int, created_offset: int, close_offset: int, steps, amount) -> Opportunity:
    created = START + timedelta(days=created_offset)
    deal = factories.deal(
        id=f"D{i}",
        name=f"deal {i}",
        account=f"acct {i % 3}",
        owner=f"owner {i % 2}",
        stage="Prospecting",
        created=created,
        expected_close=created + timedelta(days=close_offset),
        amount=amount,
        currency="USD",
    )
    when = created
    for kind, gap in steps:
        when += timedelta(days=gap)
        stage = FUNNEL[deal.stage]
        ladder = FUNNEL.index(deal.stage)
        if stage.kind is StageKind.WON:
            break
        if stage.kind is StageKind.LOST:
            if kind == "reopen":
                deal = FUNNEL.reopen(deal, on=when, reason="back in play")
            continue
        if kind in {"up", "skip"}:
            target = FUNNEL.stages[min(ladder + (1 if kind == "up" else 2), len(FUNNEL) - 2)]
            if target.key != deal.stage:
                deal = FUNNEL.advance(deal, target.key, on=when, allow_skip=True)
        elif kind == "back" and ladder > 0:
            deal = FUNNEL.advance(deal, FUNNEL.stages[ladder - 1].key, on=when, reason="stalled")
        elif kind == "lose":
            deal = FUNNEL.lose(deal, on=when, reason="went elsewhere")
        elif kind == "win":
            deal = FUNNEL.win(deal, on=when, allow_skip=True)
    return deal


def _as_snapshot(deal: Opportunity) -> Opportunity:
    """The same deal as a CRM export without history would give it."""
    return Opportunity(
        id=deal.id,
        name=deal.name,
        account=deal.account,
        owner=deal.owner,
        stage=deal.stage,
        created=deal.created,
        expected_close=deal.expected_close,
        amount=deal.amount,
        currency=deal.currency,
        closed_on=deal.closed_on,
        lost_reason=deal.lost_reason,
    )


pipelines = st.lists(
    st.tuples(
        st.integers(0, 200),
        st.integers(0, 400),
        moves,
        st.decimals(min_value=1, max_value=10**6, places=2),
    ),
    min_size=1,
    max_size=12,
).map(lambda rows: [_machine_deal(i, *row) for i, row in enumerate(rows)])


def _reopened(deal: Opportunity) -> bool:
    return any(c.kind is ChangeKind.REOPEN for c in deal.history)


class TestSnapshotDeals:
    def test_closed_snapshot_is_open_until_closed_on(self):
        """A won deal without history is open in the unrecorded stage until closed_on."""
        deal = Opportunity(
            id="W",
            name="ERP",
            account="Acme",
            owner="Ann",
            stage="Won",
            created=date(2026, 1, 5),
            expected_close=date(2026, 3, 31),
            amount="1000",
            currency="USD",
            closed_on=date(2026, 3, 20),
        )
        assert as_of(deal, date(2026, 1, 4)) is None
        assert as_of(deal, date(2026, 3, 19)) == UNRECORDED_STAGE
        assert as_of(deal, date(2026, 3, 20)) == "Won"
        assert FUNNEL[UNRECORDED_STAGE].kind is StageKind.OPEN
        assert sales_cycle([deal], FUNNEL, as_of=date(2026, 12, 31)).mean == 74
        assert time_in_stage(deal, as_of=date(2026, 3, 20)) == {
            UNRECORDED_STAGE: time_in_stage(deal, as_of=date(2026, 3, 20))[UNRECORDED_STAGE],
            "Won": time_in_stage(deal, as_of=date(2026, 3, 20))["Won"],
        }
        assert time_in_stage(deal, as_of=date(2026, 3, 20))[UNRECORDED_STAGE].total == 74

    def test_snapshot_keeps_closed_on_and_lost_reason(self):
        """snapshot() on or after the close never rewrites closed_on or drops lost_reason."""
        deal = Opportunity(
            id="L",
            name="CRM",
            account="Acme",
            owner="Ann",
            stage="Lost",
            created=date(2026, 1, 5),
            expected_close=date(2026, 3, 31),
            amount="1000",
            currency="USD",
            closed_on=date(2026, 2, 1),
            lost_reason="price",
        )
        then = snapshot(deal, date(2026, 6, 30), funnel=FUNNEL)
        assert then is not None
        assert (then.closed_on, then.lost_reason) == (date(2026, 2, 1), "price")
        before = snapshot(deal, date(2026, 1, 31), funnel=FUNNEL)
        assert before is not None
        assert (before.stage, before.closed_on, before.lost_reason) == (
            UNRECORDED_STAGE,
            None,
            None,
        )

    def test_reopening_a_snapshot_loss(self):
        """A lost snapshot reopens into the entry stage, or any open stage given."""
        deal = Opportunity(
            id="L",
            name="CRM",
            account="Acme",
            owner="Ann",
            stage="Lost",
            created=date(2026, 1, 5),
            expected_close=date(2026, 3, 31),
            amount="1000",
            currency="USD",
            closed_on=date(2026, 2, 1),
        )
        back = FUNNEL.reopen(deal, on=date(2026, 3, 1), reason="new budget")
        assert back.stage == "Prospecting"
        there = FUNNEL.reopen(deal, on=date(2026, 3, 1), reason="new budget", to_stage="Proposal")
        assert there.stage == "Proposal"

    @settings(max_examples=settings.default.max_examples * 3, deadline=None)
    @given(pipelines, st.integers(-10, 800))
    def test_machine_and_snapshot_agree(self, deals, offset):
        """Cycle, win rate, open/won/lost on any date and time buckets agree both ways."""
        twins = [_as_snapshot(d) for d in deals]
        end = START + timedelta(days=2000)
        assert sales_cycle(deals, FUNNEL, as_of=end) == sales_cycle(twins, FUNNEL, as_of=end)
        assert win_rate(deals, FUNNEL, as_of=end) == win_rate(twins, FUNNEL, as_of=end)
        when = START + timedelta(days=offset)
        plain = [d for d in deals if not _reopened(d)]
        plain_twins = [_as_snapshot(d) for d in plain]
        assert win_rate(plain, FUNNEL, as_of=when) == win_rate(plain_twins, FUNNEL, as_of=when)
        for deal, twin in zip(plain, plain_twins, strict=True):
            real, seen = as_of(deal, when), as_of(twin, when)
            assert (real is None) == (seen is None)
            if real is not None and seen is not None:
                assert FUNNEL[real].kind is FUNNEL[seen].kind
                if FUNNEL[real].kind is not StageKind.OPEN:
                    assert real == seen
        created = [d for d in plain if d.created <= when]
        if created:
            for deal in created:
                bucket = time_bucket(deal, cutoff=when, funnel=FUNNEL)
                assert bucket is time_bucket(_as_snapshot(deal), cutoff=when, funnel=FUNNEL)
            real_fc = forecast(created, cutoff=when, funnel=FUNNEL)
            seen_fc = forecast([_as_snapshot(d) for d in created], cutoff=when, funnel=FUNNEL)

            # the weighted amounts of open deals differ: only the machine knows their stage
            def counted(fc):
                return {b: (f.count, f.amount) for b, f in fc.total.buckets.items()}

            assert counted(real_fc) == counted(seen_fc)
            booked = {ForecastCategory.BOOKED}
            assert {c: f for c, f in real_fc.total.categories.items() if c in booked} == {
                c: f for c, f in seen_fc.total.categories.items() if c in booked
            }

    @settings(deadline=None)
    @given(pipelines)
    def test_ladder_conversion_multiplies_to_the_win_rate(self, deals):
        """From snapshots, the chained stage conversion equals the win rate when all closed."""
        closed = [_as_snapshot(d) for d in deals if FUNNEL.kind_of(d) is not StageKind.OPEN]
        end = START + timedelta(days=2000)
        rate = win_rate(closed, FUNNEL, as_of=end)
        table = conversion(closed, FUNNEL, as_of=end)
        chained = Decimal(1)
        for row in table:
            if FUNNEL[row.stage].kind is StageKind.OPEN and row.reached:
                chained *= Decimal(row.advanced) / Decimal(row.reached)
        if rate is None:
            assert not closed
        else:
            assert abs(float(chained) - rate) < 1e-9

    def test_learned_probability_of_an_unrecorded_stage_is_the_win_rate(self):
        """Learned from snapshots, an unrecorded open deal gets the base win rate."""
        day = date(2026, 1, 5)

        def deal(i: int, stage: str) -> Opportunity:
            return Opportunity(
                id=f"S{i}",
                name="x",
                account="a",
                owner="o",
                stage=stage,
                created=day,
                expected_close=day + timedelta(days=30),
                amount="10",
                currency="USD",
                closed_on=day + timedelta(days=20),
            )

        deals = [deal(1, "Won"), deal(2, "Lost"), deal(3, "Lost"), deal(4, "Won")]
        learned = learn_probabilities(deals, FUNNEL, as_of=date(2026, 12, 31), prior_strength=0)
        assert learned[UNRECORDED_STAGE].learned == Decimal("0.5")
        past = snapshot(deals[0], day, funnel=FUNNEL)
        assert past is not None
        assert learned(past) == Decimal("0.5")


def _export(i: int, stage: str, created: date, closed: date | None, amount: str = "100"):
    return factories.deal(
        id=f"E{i}",
        name="x",
        account=f"a{i}",
        owner="o",
        stage=stage,
        created=created,
        expected_close=closed or created + timedelta(days=90),
        amount=amount,
        currency="USD",
        closed_on=closed,
        lost_reason="price" if stage == "Lost" else None,
    )


class TestConsumersOfSnapshots:
    def test_waterfall_sees_snapshot_deals_enter_and_close(self):
        """A deal won without history entered the pipeline on created and left it on closed_on."""
        from salesfunnel import waterfall
        from salesfunnel.forecasting import Movement

        deals = [
            _export(1, "Won", date(2026, 1, 10), date(2026, 2, 10), "300"),
            _export(2, "Lost", date(2025, 12, 1), date(2026, 2, 15), "200"),
            _export(3, "Qualified", date(2026, 1, 20), None, "50"),
        ]
        fall = waterfall(deals, start=date(2026, 1, 1), end=date(2026, 3, 1), funnel=FUNNEL)
        assert fall.opening == 200
        assert fall.closing == 50
        kinds = sorted((c.opportunity_id, c.movement.value) for c in fall.changes)
        assert kinds == [
            ("E1", "new"),
            ("E1", "won"),
            ("E2", "lost"),
            ("E3", "new"),
        ]
        assert fall.opening + sum(c.amount for c in fall.changes) == fall.closing
        assert Movement.WON.value == "won"

    def test_calibration_and_backtest_on_snapshots(self):
        """Deals open at a past date in the unrecorded stage are forecast and resolved."""
        from salesfunnel.analytics import backtest, calibration

        deals = [
            _export(1, "Won", date(2026, 1, 10), date(2026, 4, 10), "300"),
            _export(2, "Lost", date(2026, 1, 1), date(2026, 4, 15), "200"),
            _export(3, "Won", date(2026, 1, 5), date(2026, 2, 1), "100"),
        ]
        cal = calibration(deals, FUNNEL, as_of=date(2026, 3, 1), outcome_as_of=date(2026, 6, 30))
        assert (cal.resolved, cal.unresolved) == (2, 0)
        test = backtest(deals, [date(2026, 3, 1)], FUNNEL, until=date(2026, 6, 30))
        (row,) = test.rows
        assert row.deals == 2
        assert row.won == Decimal(300)
        assert row.forecast == pytest.approx(float(FUNNEL.unrecorded.probability) * 500)
