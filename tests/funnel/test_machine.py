from __future__ import annotations

import contextlib
import itertools
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import (
    DEFAULT_FUNNEL,
    ChangeKind,
    Funnel,
    FunnelError,
    GateNotPassedError,
    InvalidOpportunityError,
    Stage,
    StageKind,
    Text,
    TransitionError,
    UnknownStageError,
    as_of,
    reprice,
    reschedule,
)
from salesfunnel.datasets import sample_pipeline
from salesfunnel.errors import ChronologyError, InvalidDateError
from salesfunnel.funnel import SkipPolicy
from tests import factories
from tests import strategies as sst
from tests.factories import ALL_FACTS

D = date(2026, 1, 5)


_deal = factories.deal_maker(
    name="CRM", created=D, expected_close=date(2026, 9, 30), amount="50000", currency="EUR"
)


def deal(stage="intent", facts=None, **kw):
    return _deal(stage=stage, facts=facts, **kw)


class TestAdvance:
    def test_one_stage_forward_with_passing_gate(self):
        """Advancing along an edge with a passing gate adds one history entry."""
        d = deal(facts=ALL_FACTS)
        moved = DEFAULT_FUNNEL.advance(d, "project", on=date(2026, 2, 1))
        assert moved.stage == "project"
        assert len(moved.history) == 2
        change = moved.history[-1]
        assert (change.from_stage, change.to_stage, change.kind) == (
            "intent",
            "project",
            ChangeKind.ADVANCE,
        )
        assert d.stage == "intent" and len(d.history) == 1

    def test_failing_gate_raises_with_the_verdict(self):
        """A failing gate raises GateNotPassedError listing failed and missing criteria."""
        d = deal(facts={"materials_ready": False})
        with pytest.raises(GateNotPassedError) as info:
            DEFAULT_FUNNEL.advance(d, "project", on=date(2026, 2, 1))
        err = info.value
        assert isinstance(err, TransitionError) and isinstance(err, ValueError)
        assert [c.key for c in err.verdict.failed] == ["materials_ready"]
        assert "project_requested" in [c.key for c in err.verdict.missing]
        assert (err.opportunity_id, err.from_stage, err.to_stage) == ("D1", "intent", "project")

    def test_facts_given_with_the_move_are_merged_and_kept(self):
        """Facts learned with a move are evaluated and stored in the result."""
        d = deal()
        moved = DEFAULT_FUNNEL.advance(d, "project", on=date(2026, 2, 1), facts=ALL_FACTS)
        assert moved.facts["leadership_support"] is True
        assert d.facts == {}

    def test_skip_allowed_when_skipped_gates_pass(self):
        """Skipping is allowed when the skipped stages' gates pass, and is recorded."""
        moved = DEFAULT_FUNNEL.advance(deal(facts=ALL_FACTS), "recognition", on=date(2026, 2, 1))
        change = moved.history[-1]
        assert change.kind is ChangeKind.SKIP
        assert change.skipped == ("project",)
        assert change.forced is False

    def test_skip_refused_when_a_skipped_gate_fails(self):
        """Skipping past a stage whose gate fails needs allow_skip=True."""
        facts = {**ALL_FACTS, "materials_ready": False}
        with pytest.raises(GateNotPassedError, match="allow_skip=True") as info:
            DEFAULT_FUNNEL.advance(deal(facts=facts), "recognition", on=date(2026, 2, 1))
        assert [c.key for c in info.value.verdict.failed] == ["materials_ready"]
        moved = DEFAULT_FUNNEL.advance(
            deal(facts=facts), "recognition", on=date(2026, 2, 1), allow_skip=True
        )
        assert moved.history[-1].forced is True

    def test_allow_skip_never_waives_the_target_gate(self):
        """The target stage's gate is checked even with allow_skip."""
        facts = {**ALL_FACTS, "quote_submitted": False}
        with pytest.raises(GateNotPassedError):
            DEFAULT_FUNNEL.advance(
                deal(facts=facts), "recognition", on=date(2026, 2, 1), allow_skip=True
            )

    def test_moving_back_needs_a_reason(self):
        """A move back is refused without a reason and recorded with one."""
        d = deal("project")
        with pytest.raises(TransitionError, match="reason"):
            DEFAULT_FUNNEL.advance(d, "intent", on=date(2026, 2, 1))
        with pytest.raises(TransitionError, match="reason"):
            DEFAULT_FUNNEL.advance(d, "intent", on=date(2026, 2, 1), reason="  ")
        back = DEFAULT_FUNNEL.advance(d, "intent", on=date(2026, 2, 1), reason="budget cut")
        assert back.history[-1].kind is ChangeKind.REGRESS
        assert back.history[-1].reason == "budget cut"

    def test_same_stage_is_refused(self):
        """Moving to the current stage is refused."""
        with pytest.raises(TransitionError, match="already"):
            DEFAULT_FUNNEL.advance(deal(), "intent", on=date(2026, 2, 1))

    def test_date_before_last_change_is_refused(self):
        """A move dated before the last change is a ChronologyError."""
        d = DEFAULT_FUNNEL.advance(deal(facts=ALL_FACTS), "project", on=date(2026, 3, 1))
        with pytest.raises(ChronologyError) as info:
            DEFAULT_FUNNEL.advance(d, "recognition", on=date(2026, 2, 28))
        assert info.value.last == date(2026, 3, 1)
        assert info.value.on == date(2026, 2, 28)
        with pytest.raises(ChronologyError):
            DEFAULT_FUNNEL.advance(deal(facts=ALL_FACTS), "project", on=date(2026, 1, 4))

    def test_same_day_is_fine(self):
        """Two moves on the same day are allowed."""
        d = DEFAULT_FUNNEL.advance(deal(facts=ALL_FACTS), "project", on=D)
        assert DEFAULT_FUNNEL.advance(d, "recognition", on=D).stage == "recognition"

    def test_datetime_is_refused(self):
        """A datetime where a date is expected is refused with the fix."""
        with pytest.raises(InvalidDateError, match=r"value\.date\(\)"):
            DEFAULT_FUNNEL.advance(
                deal(facts=ALL_FACTS), "project", on=datetime(2026, 2, 1, tzinfo=timezone.utc)
            )
        with pytest.raises(InvalidDateError, match="fromisoformat"):
            DEFAULT_FUNNEL.advance(deal(facts=ALL_FACTS), "project", on="2026-02-01")  # type: ignore[arg-type]

    def test_unknown_stage(self):
        """An unknown target stage raises UnknownStageError."""
        with pytest.raises(UnknownStageError):
            DEFAULT_FUNNEL.advance(deal(), "won", on=date(2026, 2, 1))
        with pytest.raises(UnknownStageError):
            DEFAULT_FUNNEL.advance(deal("nope"), "intent", on=date(2026, 2, 1))

    def test_winning_sets_closed_on_and_is_terminal(self):
        """Entering the won stage sets closed_on; a won deal cannot move again."""
        d = deal("negotiation", facts=ALL_FACTS)
        won = DEFAULT_FUNNEL.win(d, on=date(2026, 3, 1))
        assert won.stage == "closed" and won.closed_on == date(2026, 3, 1)
        assert DEFAULT_FUNNEL.kind_of(won) is StageKind.WON
        with pytest.raises(TransitionError, match="terminal"):
            DEFAULT_FUNNEL.advance(won, "negotiation", on=date(2026, 3, 2), reason="oops")
        with pytest.raises(TransitionError, match="open"):
            DEFAULT_FUNNEL.lose(won, on=date(2026, 3, 2), reason="x")

    def test_lost_outcome_is_reached_with_lose_only(self):
        """advance() to lost is refused and points at lose()."""
        with pytest.raises(TransitionError, match="lose"):
            DEFAULT_FUNNEL.advance(deal(), "lost", on=date(2026, 2, 1))

    def test_no_forward_path(self):
        """A forward move with no path through the edges is refused."""
        s = [Stage(k, Text(k), p) for k, p in (("a", 0), ("b", "0.2"), ("c", "0.3"))]
        w = Stage("w", Text("w"), 1, kind=StageKind.WON)
        f = Funnel(
            [*s, w], DEFAULT_FUNNEL.lost, edges=[("a", "b"), ("a", "c"), ("b", "w"), ("c", "w")]
        )
        opp = deal("b")
        with pytest.raises(TransitionError, match="no forward path"):
            f.advance(opp, "c", on=date(2026, 2, 1))

    def test_keyword_skip_policy(self):
        """Under SkipPolicy.KEYWORD every skip needs allow_skip=True."""
        import attrs

        f = attrs.evolve(DEFAULT_FUNNEL, skip_policy=SkipPolicy.KEYWORD)
        with pytest.raises(TransitionError, match="allow_skip"):
            f.advance(deal(facts=ALL_FACTS), "recognition", on=date(2026, 2, 1))
        moved = f.advance(
            deal(facts=ALL_FACTS), "recognition", on=date(2026, 2, 1), allow_skip=True
        )
        assert moved.history[-1].skipped == ("project",)
        assert moved.history[-1].forced is False

    def test_inconsistent_opportunity_is_refused(self):
        """An open deal with closed_on, or a won one without it, is refused by check()."""
        with pytest.raises(InvalidOpportunityError, match="closed_on"):
            DEFAULT_FUNNEL.check(deal(closed_on=date(2026, 2, 1)))
        won = deal("closed")
        with pytest.raises(InvalidOpportunityError, match="no closed_on"):
            DEFAULT_FUNNEL.advance(won, "intent", on=date(2026, 2, 1), reason="x")


class TestLoseAndReopen:
    def test_lose_records_reason_and_date(self):
        """lose() moves to lost with closed_on and lost_reason."""
        lost = DEFAULT_FUNNEL.lose(deal("project"), on=date(2026, 2, 1), reason="price")
        assert lost.stage == "lost"
        assert (lost.closed_on, lost.lost_reason) == (date(2026, 2, 1), "price")
        assert lost.history[-1].kind is ChangeKind.LOSE
        assert DEFAULT_FUNNEL.probability_of(lost) == 0

    def test_lose_needs_a_reason(self):
        """Losing without a reason is refused."""
        with pytest.raises(TransitionError, match="reason"):
            DEFAULT_FUNNEL.lose(deal(), on=date(2026, 2, 1), reason="")

    def test_reopen_returns_to_the_stage_it_was_lost_from(self):
        """reopen() goes back to the stage it was lost from and clears the close."""
        lost = DEFAULT_FUNNEL.lose(deal("project"), on=date(2026, 2, 1), reason="price")
        again = DEFAULT_FUNNEL.reopen(lost, on=date(2026, 3, 1), reason="came back")
        assert again.stage == "project"
        assert again.closed_on is None and again.lost_reason is None
        assert again.history[-1].kind is ChangeKind.REOPEN
        earlier = DEFAULT_FUNNEL.reopen(
            lost, on=date(2026, 3, 1), reason="restart", to_stage="potential"
        )
        assert earlier.stage == "potential"

    def test_reopen_rules(self):
        """Only lost deals reopen, with a reason, to at most the stage they were lost from."""
        lost = DEFAULT_FUNNEL.lose(deal("project"), on=date(2026, 2, 1), reason="price")
        with pytest.raises(TransitionError, match="only a record in 'lost'"):
            DEFAULT_FUNNEL.reopen(deal(), on=date(2026, 3, 1), reason="x")
        with pytest.raises(TransitionError, match="reason"):
            DEFAULT_FUNNEL.reopen(lost, on=date(2026, 3, 1), reason="")
        with pytest.raises(TransitionError, match="earlier open"):
            DEFAULT_FUNNEL.reopen(lost, on=date(2026, 3, 1), reason="x", to_stage="negotiation")
        with pytest.raises(TransitionError):
            DEFAULT_FUNNEL.reopen(lost, on=date(2026, 3, 1), reason="x", to_stage="closed")
        with pytest.raises(ChronologyError):
            DEFAULT_FUNNEL.reopen(lost, on=date(2026, 1, 31), reason="x")
        with pytest.raises(TransitionError, match="reopen"):
            DEFAULT_FUNNEL.advance(lost, "negotiation", on=date(2026, 3, 1))

    def test_reopen_of_an_imported_lost_deal_goes_to_the_entry_stage(self):
        """A lost deal with no recorded move into lost reopens at the entry stage."""
        imported = deal("lost", closed_on=date(2026, 2, 1), lost_reason="x")
        assert (
            DEFAULT_FUNNEL.reopen(imported, on=date(2026, 3, 1), reason="y").stage
            == "target_segment"
        )


class TestRevisions:
    def test_reschedule_records_old_and_new(self):
        """reschedule() changes the close date and records the change."""
        d = reschedule(deal(), date(2026, 12, 31), on=date(2026, 3, 1), reason="slipped")
        assert d.expected_close == date(2026, 12, 31)
        rev = d.revisions[-1]
        assert (rev.old, rev.new, rev.reason) == (date(2026, 9, 30), date(2026, 12, 31), "slipped")

    def test_reschedule_refusals(self):
        """Unchanged dates, closed deals, out-of-order dates and pre-creation closes are refused."""
        d = reschedule(deal(), date(2026, 12, 31), on=date(2026, 3, 1))
        with pytest.raises(InvalidOpportunityError, match="already"):
            reschedule(d, date(2026, 12, 31), on=date(2026, 3, 2))
        with pytest.raises(InvalidOpportunityError, match="before the last"):
            reschedule(d, date(2026, 11, 30), on=date(2026, 2, 1))
        with pytest.raises(InvalidOpportunityError, match="before created"):
            reschedule(d, date(2025, 11, 30), on=date(2026, 4, 1))
        lost = DEFAULT_FUNNEL.lose(deal(), on=date(2026, 2, 1), reason="x")
        with pytest.raises(InvalidOpportunityError, match="reopen"):
            reschedule(lost, date(2026, 12, 31), on=date(2026, 3, 1))

    def test_reprice_one_line(self):
        """reprice() of a one-line deal keeps its product."""
        d = deal(product="CRM")
        up = reprice(d, "60000", on=date(2026, 3, 1), reason="scope")
        assert up.amount == Decimal(60000) and up.products == ("CRM",)
        rev = up.revisions[-1]
        assert (rev.old_amount, rev.new_amount) == (Decimal(50000), Decimal(60000))

    def test_reprice_lines(self):
        """A multi-line deal is repriced with line_items, not a bare amount."""
        d = deal(amount=None, line_items={"ERP": 100, "CRM": 50})
        with pytest.raises(InvalidOpportunityError, match="line_items"):
            reprice(d, 200, on=date(2026, 3, 1))
        up = reprice(d, on=date(2026, 3, 1), line_items={"ERP": 120, "CRM": 50})
        assert up.amount == 170
        with pytest.raises(InvalidOpportunityError, match="unchanged"):
            reprice(up, on=date(2026, 3, 2), line_items={"ERP": 120, "CRM": 50})


def _apply_moves(funnel, opp, moves):
    """Apply generated moves, skipping the ones the machine refuses."""
    day = opp.created
    for action, index, gap in moves:
        day = day + timedelta(days=gap)
        target = funnel.stages[index % len(funnel)].key
        before = opp
        try:
            if action == "lose":
                opp = funnel.lose(opp, on=day, reason="r")
            elif action == "reopen":
                opp = funnel.reopen(opp, on=day, reason="r")
            else:
                opp = funnel.advance(
                    opp,
                    target,
                    on=day,
                    reason="r" if action == "back" else None,
                    allow_skip=action == "skip",
                )
        except FunnelError:
            assert opp == before
    return opp


@given(sst.opportunities(), st.lists(sst.moves, max_size=12))
def test_any_sequence_of_moves_gives_a_chained_history(opp, moves):
    """Histories chain (from = previous to) with non-decreasing dates, ending in the stage."""
    final = _apply_moves(DEFAULT_FUNNEL, opp, moves)
    history = final.history
    assert history[0].from_stage is None
    for prev, change in itertools.pairwise(history):
        assert change.from_stage == prev.to_stage
        assert change.on >= prev.on
    assert history[-1].to_stage == final.stage
    assert as_of(final, history[-1].on) == final.stage
    DEFAULT_FUNNEL.check(final)


@given(sst.opportunities(), sst.moves)
def test_a_rejected_move_leaves_the_opportunity_unchanged(opp, move):
    """Whatever the machine refuses, the input opportunity is unchanged."""
    snapshot = (opp.stage, opp.history, opp.facts, opp.closed_on)
    target = DEFAULT_FUNNEL.stages[move[1] % 7].key
    with contextlib.suppress(FunnelError):
        DEFAULT_FUNNEL.advance(opp, target, on=opp.created - timedelta(days=1))
    assert (opp.stage, opp.history, opp.facts, opp.closed_on) == snapshot


@given(sst.funnels(), st.data())
def test_moves_work_in_any_generated_funnel(funnel, data):
    """The machine keeps histories valid in user-built funnels too."""
    opp = data.draw(sst.opportunities(funnel))
    moves = data.draw(st.lists(sst.moves, max_size=8))
    final = _apply_moves(funnel, opp, moves)
    funnel.check(final)
    assert as_of(final, final.history[-1].on) == final.stage


def test_sample_histories_are_valid_in_the_default_funnel():
    """Every sample opportunity is consistent with the default funnel."""
    for opp in sample_pipeline():
        DEFAULT_FUNNEL.check(opp)


def test_transition_error_names_its_subject_neutrally():
    """TransitionError carries the record's id as subject_id too (opportunity or key account)."""
    import pytest

    opp = deal("closed", closed_on=date(2026, 2, 1))
    with pytest.raises(TransitionError) as info:
        DEFAULT_FUNNEL.advance(opp, "intent", on=date(2026, 3, 1), reason="x")
    assert info.value.subject_id == info.value.opportunity_id == "D1"
