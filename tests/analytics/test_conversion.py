from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL, Opportunity, StageChange
from salesfunnel.analytics.conversion import (
    ConversionTable,
    check_history,
    conversion,
    funnel_summary,
    reached_stages,
    sales_cycle,
    snapshots,
    time_in_stages,
    win_rate,
)
from salesfunnel.analytics.velocity import (
    AdditionalBusiness,
    additional_business,
    sales_velocity,
)
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.errors import CurrencyError, InvalidOpportunityError, UnknownStageError
from salesfunnel.funnel import ChangeKind
from salesfunnel.render import render
from tests import factories
from tests.factories import ALL_FACTS
from tests.strategies import funnels, generated_pipelines

D = Decimal
F = DEFAULT_FUNNEL
START = date(2026, 1, 1)
END = date(2026, 12, 31)


def day(n):
    return START + timedelta(days=n)


def opp(i, stage="potential", created=START, account="Acme", amount="1000", currency="CNY"):
    return factories.deal(
        id=f"D{i}",
        account=account,
        stage=stage,
        created=created,
        expected_close=END,
        amount=amount,
        currency=currency,
        facts=ALL_FACTS,
    )


def climber():
    """potential -> intent (10) -> recognition by a skip of project (20) -> intent (30) -> project (40)."""
    o = F.advance(opp(1), "intent", on=day(10))
    o = F.advance(o, "recognition", on=day(20))
    o = F.advance(o, "intent", on=day(30), reason="re-scope")
    return F.advance(o, "project", on=day(40))


def winner(i=2, account="Acme", created=START, won_on=55, amount="5000"):
    o = opp(i, "negotiation", created=created, account=account, amount=amount)
    return F.win(o, on=created + timedelta(days=won_on))


def loser(i=3, lost_on=30):
    return F.lose(opp(i, "intent"), on=day(lost_on), reason="price")


def broken(o, history):
    """The same record with a history that skipped the constructor's checks."""
    bad = attrs.evolve(o)
    object.__setattr__(bad, "history", history)
    return bad


class TestCheckHistory:
    def test_good_history_passes(self):
        """A history built by the stage machine passes and the record is returned."""
        o = climber()
        assert check_history(o) is o

    def test_does_not_chain(self):
        """A history whose entries do not chain is refused, naming the entry."""
        o = climber()
        history = list(o.history)
        history[2] = attrs.evolve(history[2], from_stage="negotiation")
        with pytest.raises(InvalidOpportunityError, match="does not chain at entry 2") as info:
            check_history(broken(o, tuple(history)))
        assert info.value.field == "history"
        assert info.value.opportunity_id == "D1"

    def test_goes_back_in_time(self):
        """A history with a date before the previous one is refused."""
        o = climber()
        history = list(o.history)
        history[2] = attrs.evolve(history[2], on=day(5))
        with pytest.raises(InvalidOpportunityError, match="back in time at entry 2"):
            check_history(broken(o, tuple(history)))

    def test_must_start_with_creation(self):
        """A history that does not start with the creation entry is refused."""
        o = climber()
        with pytest.raises(InvalidOpportunityError, match="creation"):
            check_history(broken(o, o.history[1:]))
        with pytest.raises(InvalidOpportunityError, match="creation"):
            check_history(broken(o, ()))

    def test_must_end_in_the_stage(self):
        """A history that ends elsewhere than the current stage is refused."""
        o = climber()
        with pytest.raises(InvalidOpportunityError, match="ends in 'recognition'"):
            check_history(broken(o, o.history[:3]))

    def test_stage_of_another_funnel(self):
        """A stage the funnel does not have is an UnknownStageError."""
        o = climber()
        history = (*o.history[:-1], StageChange("intent", "project", day(40), skipped=("x",)))
        with pytest.raises(UnknownStageError):
            check_history(broken(o, history))

    def test_analytics_check_histories(self):
        """Every analytics function refuses a broken history."""
        o = climber()
        bad = broken(o, o.history[1:])
        with pytest.raises(InvalidOpportunityError):
            conversion([bad], as_of=END)
        with pytest.raises(InvalidOpportunityError):
            funnel_summary([bad], as_of=END)


class TestSnapshots:
    def test_leaves_out_later_deals(self):
        """Deals created after as_of are left out; the others are rolled back."""
        late = opp(9, created=day(100))
        deals = snapshots([climber(), late], as_of=day(25))
        assert [(o.id, o.stage) for o in deals] == [("D1", "recognition")]


class TestReachedStages:
    def test_skip_counts_as_passed_and_regression_once(self):
        """A skipped stage is reached and passed; a stage reached twice counts once."""
        assert reached_stages(climber()) == {
            "potential": True,
            "intent": True,
            "project": True,
            "recognition": False,
        }

    def test_created_mid_ladder(self):
        """With a recorded history, stages below the creation stage were never reached."""
        moved = F.advance(opp(1, "project"), "recognition", on=day(3), allow_skip=True)
        assert reached_stages(moved) == {"project": True, "recognition": False}

    def test_snapshot_on_a_linear_ladder(self):
        """Without a history, a deal now in stage k has reached every stage below k."""
        assert reached_stages(opp(1, "project")) == {
            "target_segment": True,
            "potential": True,
            "intent": True,
            "project": False,
        }

    def test_lost_is_not_a_stage(self):
        """The lost outcome is not among the reached stages."""
        assert reached_stages(loser()) == {"intent": False}

    def test_regress_below_creation(self):
        """A move back below the creation stage reaches that stage, without passing it."""
        o = F.advance(opp(1, "intent"), "potential", on=day(3), reason="not ready")
        assert reached_stages(o) == {"intent": False, "potential": False}


class TestConversion:
    def test_counts(self):
        """Counts follow the documented rules for skips, moves back, losses and wins."""
        table = conversion([climber(), winner(), loser()], as_of=END)
        assert isinstance(table, ConversionTable)
        assert table.deals == 3
        intent = table["intent"]
        assert (intent.reached, intent.advanced, intent.lost, intent.open, intent.won) == (
            2,
            1,
            1,
            0,
            0,
        )
        assert intent.rate == 0.5
        negotiation = table["negotiation"]
        assert (negotiation.reached, negotiation.advanced, negotiation.won) == (1, 1, 1)
        assert table["target_segment"].rate is None
        assert table["closed"].reached == 1

    def test_as_of_reproduces_the_past(self):
        """As of a past date, only the history up to then counts."""
        table = conversion([climber()], as_of=day(15))
        assert table["intent"].advanced == 0
        assert table["intent"].open == 1
        assert table["recognition"].reached == 0

    def test_unknown_stage(self):
        """Asking for a stage the funnel lacks is an UnknownStageError."""
        with pytest.raises(UnknownStageError):
            conversion([], as_of=END)["nope"]

    def test_table(self):
        """The table renders with labels, rates and a note, in English and Chinese."""
        table = conversion([climber(), winner(), loser()], as_of=END)
        text = render(table.table())
        assert "Confirm customer intent" in text
        assert "50%" in text
        assert "once per stage" in text
        assert "阶段转化率" in render(table.table("zh"))
        assert [s.stage for s in table][:2] == ["target_segment", "potential"]

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(generated_pipelines(), st.integers(0, 700))
    def test_rates_in_unit_interval_and_counts_add_up(self, deals, days):
        """Rates lie in [0, 1] and advanced + lost + open (+ won at the top) = reached."""
        table = conversion(deals, as_of=date(2025, 1, 1) + timedelta(days=days))
        for row in table:
            assert row.rate is None or 0 <= row.rate <= 1
            top = row.won if F[row.stage].kind.value == "won" else 0
            assert row.advanced + row.lost + row.open + top == row.reached

    @settings(max_examples=settings.default.max_examples * 2 // 5)
    @given(generated_pipelines(), st.integers(0, 700))
    def test_snapshot_then_conversion_is_the_same(self, deals, days):
        """Reading as of a date equals reading the snapshots of that date."""
        when = date(2025, 1, 1) + timedelta(days=days)
        assert conversion(deals, as_of=when).stages == (
            conversion(snapshots(deals, as_of=when), as_of=when).stages
        )

    @settings(max_examples=settings.default.max_examples * 2 // 5)
    @given(funnels())
    def test_any_funnel(self, funnel):
        """Conversion works for any valid funnel."""
        first = next(iter(funnel)).key
        deal = Opportunity(
            id="X",
            name="n",
            account="a",
            owner="o",
            stage=first,
            created=START,
            expected_close=END,
            amount="1",
            currency="EUR",
        )
        table = conversion([deal], funnel, as_of=END)
        assert table[first].reached == 1


class TestFunnelSummary:
    def test_counts_and_rates(self):
        """Counts, win rate, lost share and the cycle of won deals."""
        summary = funnel_summary([climber(), winner(), loser()], as_of=END)
        assert (summary.deals, summary.open, summary.won, summary.lost) == (3, 1, 1, 1)
        assert summary.win_rate == 0.5
        assert summary.lost_share == pytest.approx(1 / 3)
        assert summary.cycle.count == 1
        assert summary.cycle.mean == summary.cycle.median == 55

    def test_since_keeps_the_period(self):
        """With since, deals closed before it are left out."""
        summary = funnel_summary([climber(), winner(), loser()], as_of=END, since=day(40))
        assert (summary.deals, summary.won, summary.lost) == (2, 1, 0)
        assert summary.win_rate == 1.0

    def test_nothing_closed(self):
        """Without closed deals the rates cannot be told."""
        summary = funnel_summary([climber()], as_of=END)
        assert summary.win_rate is None
        assert summary.cycle.mean is None
        assert funnel_summary([], as_of=END).lost_share is None

    def test_wrappers(self):
        """win_rate and sales_cycle read the summary."""
        deals = [winner(), loser()]
        assert win_rate(deals, as_of=END) == 0.5
        assert sales_cycle(deals, as_of=END).median == 55

    def test_reopened_deal_is_open(self):
        """A lost deal reopened before as_of is open again."""
        o = F.reopen(loser(), on=day(40), reason="came back")
        summary = funnel_summary([o], as_of=END)
        assert (summary.open, summary.lost) == (1, 0)
        assert funnel_summary([o], as_of=day(35)).lost == 1

    def test_sample(self):
        """The sample's counts add up."""
        s = funnel_summary(sample_pipeline(), as_of=SAMPLE_AS_OF)
        assert s.open + s.won + s.lost == s.deals == 600


class TestTimeInStages:
    def test_latest_and_cumulative(self):
        """Latest and total stays per stage, with the current stay running to as_of."""
        rows = {r.stage: r for r in time_in_stages([climber()], as_of=day(50))}
        intent = rows["intent"]
        assert intent.deals == 1
        assert intent.latest_median == intent.latest_mean == 10  # day 30 to day 40
        assert intent.total_median == 20  # day 10-20 and day 30-40
        assert rows["project"].latest_mean == 10  # day 40 to as_of day 50
        assert rows["negotiation"].deals == 0
        assert rows["negotiation"].latest_median is None
        assert "closed" not in rows

    def test_completed_only(self):
        """completed_only leaves out each open deal's current stage."""
        rows = {r.stage: r for r in time_in_stages([climber()], as_of=day(50), completed_only=True)}
        assert rows["project"].deals == 0
        assert rows["intent"].deals == 1


class TestSalesVelocity:
    def test_formula(self):
        """Velocity is open × win rate × average won ÷ average cycle, per day."""
        deals = [climber(), opp(4), winner(), loser()]
        v = sales_velocity(deals, as_of=END)
        assert (v.open_deals, v.win_rate, v.average_won, v.cycle_days) == (2, 0.5, D("5000.00"), 55)
        assert v.per_day == (D(2) * D("0.5") * D(5000) / D(55)).quantize(D("0.01"))
        assert v.currency == "CNY"

    def test_nothing_won(self):
        """With losses but no wins velocity is 0; with nothing closed it cannot be told."""
        assert sales_velocity([opp(1), loser()], as_of=END).per_day == 0
        unknown = sales_velocity([opp(1)], as_of=END)
        assert unknown.per_day is None
        assert unknown.win_rate is None

    def test_same_day_cycle_counts_one_day(self):
        """A deal won the day it was created counts a one-day cycle."""
        v = sales_velocity([opp(1), winner(won_on=0)], as_of=END)
        assert v.cycle_days == 1

    def test_mixed_currencies(self):
        """Won deals in several currencies need a converter."""
        deals = [winner(), F.win(opp(5, "negotiation", currency="USD"), on=day(9))]
        with pytest.raises(CurrencyError):
            sales_velocity(deals, as_of=END)
        v = sales_velocity(deals, as_of=END, convert=lambda o: o.amount, currency="CNY")
        assert v.average_won == D("3000.00")


class TestAdditionalBusiness:
    def test_returning_and_new(self):
        """A second win from an account is additional business; the first is new."""
        deals = [
            winner(1, "Acme", won_on=10, amount="100"),
            winner(2, "Acme", won_on=20, amount="200"),
            winner(3, "Bolt", won_on=20, amount="400"),
        ]
        result = additional_business(deals, as_of=END)
        assert result == AdditionalBusiness("CNY", D(200), D(500), 1, 2)
        assert result.share == pytest.approx(2 / 7)

    def test_known_customers_and_since(self):
        """Known customers are returning from their first win; since limits the period."""
        deals = [winner(1, "Acme", won_on=10, amount="100"), winner(2, "Acme", won_on=20)]
        result = additional_business(deals, as_of=END, since=day(15), known_customers={"Bolt"})
        assert (result.returning_deals, result.new_deals) == (1, 0)
        result = additional_business(deals, as_of=END, known_customers={"Acme"})
        assert result.returning_deals == 2

    def test_same_day_wins_are_new(self):
        """Two first-day wins of a new account are both new."""
        deals = [winner(1, "Acme", won_on=10), winner(2, "Acme", won_on=10)]
        assert additional_business(deals, as_of=END).new_deals == 2

    def test_nothing_won(self):
        """Without wins the share cannot be told."""
        assert additional_business([opp(1)], as_of=END).share is None

    def test_sample_with_conversion(self):
        """The mixed-currency sample works with a converter."""
        rates = {"CNY": D(1), "USD": D(7), "EUR": D(8)}
        result = additional_business(
            sample_pipeline(),
            as_of=SAMPLE_AS_OF,
            convert=lambda o: o.amount * rates[o.currency],
            currency="CNY",
        )
        assert (
            result.returning_deals + result.new_deals
            == funnel_summary(sample_pipeline(), as_of=SAMPLE_AS_OF).won
        )


def test_change_kinds_in_climber():
    """The fixture has a skip and a move back, as the rules need."""
    kinds = [c.kind for c in climber().history]
    assert ChangeKind.SKIP in kinds
    assert ChangeKind.REGRESS in kinds
