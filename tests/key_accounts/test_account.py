from __future__ import annotations

import contextlib
import itertools
from datetime import date, datetime, timedelta

import attrs
import pytest
from hypothesis import given

from salesfunnel import (
    ChangeKind,
    Criterion,
    FunnelError,
    GateNotPassedError,
    StageChange,
    TransitionError,
    UnknownStageError,
)
from salesfunnel.errors import ChronologyError, FunnelDefinitionError, InvalidDateError
from salesfunnel.funnel import DEFAULT_FUNNEL
from salesfunnel.key_accounts.account import ActivityRecord, InvalidKeyAccountError, KeyAccount
from salesfunnel.key_accounts.lifecycle import KAM_FUNNEL, LIFECYCLE, KamStage, kam_funnel
from salesfunnel.key_accounts.playbooks import UnknownActivityError, playbook
from salesfunnel.key_accounts.signals import DEFAULT_KAM_RULES
from tests import factories
from tests.strategies import kam_moves

D0 = date(2025, 1, 6)


def account(stage: str | KamStage = "pre_kam", **kw) -> KeyAccount:
    return factories.account(stage, **kw)


def climbed(to: KamStage) -> KeyAccount:
    """An account moved up one stage a month from pre-KAM to ``to``."""
    acct = account()
    for i in range(to.rank):
        acct = acct.advance(on=D0 + timedelta(days=30 * (i + 1)))
    return acct


class TestKeyAccount:
    def test_starts_with_a_creation_entry(self):
        """A new account's history is one creation entry on its since date."""
        acct = account("mid")
        assert acct.stage is KamStage.MID
        assert acct.history == (StageChange(None, "mid", D0, kind=ChangeKind.CREATE),)
        assert acct.entered == acct.last_change == D0
        assert acct.signals == {} and acct.activities == ()

    def test_is_frozen(self):
        """A key account cannot be changed in place."""
        acct = account()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            acct.stage = KamStage.MID  # type: ignore[misc]

    def test_stage_may_be_a_label(self):
        """The stage can be given by key or label and is stored as a KamStage."""
        assert account("伙伴式阶段").stage is KamStage.PARTNERSHIP
        with pytest.raises(UnknownStageError):
            account("closed")

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"name": " "}, "name"),
            ({"manager": 3}, "manager"),
            ({"notes": None}, "notes"),
        ],
    )
    def test_text_fields_are_checked(self, changes, field):
        """Empty names and non-text managers or notes are refused, naming the field."""
        with pytest.raises(InvalidKeyAccountError) as info:
            account(**changes)
        assert info.value.field == field
        assert info.value.account_id == "KA1"
        assert isinstance(info.value, ValueError)

    def test_id_is_required(self):
        """An empty id is refused."""
        with pytest.raises(InvalidKeyAccountError) as info:
            KeyAccount(" ", "Acme", "mid", since=D0)
        assert info.value.account_id is None

    def test_since_must_be_a_date(self):
        """A datetime for since is refused."""
        with pytest.raises(InvalidDateError):
            KeyAccount("K", "Acme", "mid", since=datetime(2025, 1, 1, 9, 0))

    @pytest.mark.parametrize(
        ("history", "message"),
        [
            ((), "empty"),
            (("x",), "not a StageChange"),
            ((StageChange(None, "won", D0, kind=ChangeKind.CREATE),), "not a lifecycle stage"),
            ((StageChange("pre_kam", "mid", D0),), "creation"),
            ((StageChange(None, "mid", D0 - timedelta(days=1), kind=ChangeKind.CREATE),), "before"),
            (
                (
                    StageChange(None, "early", D0, kind=ChangeKind.CREATE),
                    StageChange("pre_kam", "mid", D0),
                ),
                "does not chain",
            ),
            (
                (
                    StageChange(None, "early", D0 + timedelta(days=5), kind=ChangeKind.CREATE),
                    StageChange("early", "mid", D0),
                ),
                "back in time",
            ),
            ((StageChange(None, "early", D0, kind=ChangeKind.CREATE),), "ends in"),
        ],
    )
    def test_history_is_checked(self, history, message):
        """A history that is empty, does not chain, goes back or ends elsewhere is refused."""
        with pytest.raises(InvalidKeyAccountError, match=message) as info:
            account("mid", history=history)
        assert info.value.field == "history"

    def test_activities_are_checked(self):
        """Activity records must be ActivityRecord values dated on or after since."""
        with pytest.raises(InvalidKeyAccountError, match="ActivityRecord"):
            account(activities=["find_coach"])
        with pytest.raises(InvalidKeyAccountError, match="before the relationship"):
            account(activities=[ActivityRecord("find_coach", D0 - timedelta(days=1))])

    def test_signals_become_facts(self):
        """Signals given as a dict are stored as immutable, hashable facts."""
        acct = account(signals={"coach_found": True})
        assert acct.signals["coach_found"] is True
        assert hash(acct) == hash(account(signals={"coach_found": True}))


class TestAdvance:
    def test_moves_up_one_stage(self):
        """advance moves to the next stage and appends an advance entry from the machine."""
        acct = account().advance(on=D0 + timedelta(days=40), reason="first order")
        assert acct.stage is KamStage.EARLY
        last = acct.history[-1]
        assert (last.from_stage, last.to_stage, last.kind) == (
            "pre_kam",
            "early",
            ChangeKind.ADVANCE,
        )
        assert last.reason == "first order"

    def test_skipping_needs_the_keyword(self):
        """A move past stages without allow_skip=True is refused, naming the skipped stage."""
        with pytest.raises(TransitionError, match=r"skips early, mid.*allow_skip=True") as info:
            account().advance(on=D0, to="partnership")
        assert info.value.opportunity_id == "KA1"
        assert info.value.to_stage == "partnership"

    def test_skipping_with_the_keyword_is_recorded(self):
        """With allow_skip=True the skip is recorded with the stages passed over."""
        acct = account().advance(on=D0, to=KamStage.MID, allow_skip=True)
        last = acct.history[-1]
        assert acct.stage is KamStage.MID
        assert last.kind is ChangeKind.SKIP
        assert last.skipped == ("early",)

    def test_dates_are_checked(self):
        """A move dated before the last change is a ChronologyError; the same day is fine."""
        acct = account().advance(on=D0 + timedelta(days=10))
        with pytest.raises(ChronologyError):
            acct.advance(on=D0 + timedelta(days=9))
        assert acct.advance(on=D0 + timedelta(days=10)).stage is KamStage.MID
        with pytest.raises(InvalidDateError):
            acct.advance(on=datetime(2025, 6, 1, 8, 0))  # type: ignore[arg-type]

    def test_top_of_the_ladder(self):
        """Nothing is above synergistic."""
        with pytest.raises(TransitionError, match="top of the lifecycle"):
            account("synergistic").advance(on=D0)

    def test_refuses_other_directions(self):
        """advance does not move down, to the same stage, or to uncoupling."""
        acct = account("mid")
        with pytest.raises(TransitionError, match="regress"):
            acct.advance(on=D0, to="early")
        with pytest.raises(TransitionError, match="already in"):
            acct.advance(on=D0, to="mid")
        with pytest.raises(TransitionError, match="uncouple"):
            acct.advance(on=D0, to="uncoupling")

    def test_uncoupled_accounts_resume_first(self):
        """An uncoupled account cannot advance until it resumes."""
        gone = account("mid").uncouple(on=D0, reason="merger")
        with pytest.raises(TransitionError, match="resume"):
            gone.advance(on=D0)

    def test_signals_merge_and_gates_apply(self):
        """Signals given with a move are kept; an evidence-gated funnel checks them."""
        gated = DEFAULT_KAM_RULES.funnel()
        acct = account()
        with pytest.raises(GateNotPassedError) as info:
            acct.advance(on=D0, funnel=gated, signals={"trial_order": True})
        assert [c.key for c in info.value.verdict.missing] == ["coach_found", "visited_monthly"]
        moved = acct.advance(
            on=D0,
            funnel=gated,
            signals={"trial_order": True, "coach_found": True, "visits_per_month": 2},
        )
        assert moved.stage is KamStage.EARLY
        assert moved.signals["visits_per_month"] == 2

    def test_funnel_must_be_a_lifecycle(self):
        """A funnel with other stages is refused."""
        with pytest.raises(FunnelDefinitionError, match="kam_funnel"):
            account().advance(on=D0, funnel=DEFAULT_FUNNEL)
        with pytest.raises(FunnelDefinitionError):
            account().advance(on=D0, funnel="lifecycle")  # type: ignore[arg-type]


class TestRegress:
    def test_moves_back_with_a_reason(self):
        """regress moves to a lower stage with the reason recorded as a regress."""
        acct = climbed(KamStage.PARTNERSHIP)
        back = acct.regress("mid", on=D0 + timedelta(days=200), reason="new buyer at the account")
        assert back.stage is KamStage.MID
        assert back.history[-1].kind is ChangeKind.REGRESS
        assert back.history[-1].reason == "new buyer at the account"

    def test_reason_is_required(self):
        """Moving back without a reason is refused."""
        with pytest.raises(TransitionError, match="reason"):
            account("mid").regress("early", on=D0, reason=" ")

    def test_only_down_the_ladder(self):
        """regress refuses the same or a higher stage, and uncoupling."""
        acct = account("mid")
        for to in ("mid", "partnership", "uncoupling"):
            with pytest.raises(TransitionError, match="regress moves"):
                acct.regress(to, on=D0, reason="x")

    def test_not_from_uncoupling(self):
        """An uncoupled account resumes instead of regressing."""
        gone = account("mid").uncouple(on=D0, reason="merger")
        with pytest.raises(TransitionError, match="resume"):
            gone.regress("early", on=D0, reason="x")


class TestUncouple:
    @pytest.mark.parametrize("stage", LIFECYCLE)
    def test_from_any_stage(self, stage):
        """Every ladder stage can uncouple, recorded as an exit with its reason."""
        gone = account(stage).uncouple(on=D0 + timedelta(days=3), reason="switched supplier")
        assert gone.stage is KamStage.UNCOUPLING
        last = gone.history[-1]
        assert (last.kind, last.reason, last.from_stage) == (
            ChangeKind.EXIT,
            "switched supplier",
            stage.value,
        )

    def test_reason_and_state_are_checked(self):
        """Uncoupling needs a reason and cannot happen twice."""
        with pytest.raises(TransitionError, match="reason"):
            account().uncouple(on=D0, reason="")
        gone = account().uncouple(on=D0, reason="x")
        with pytest.raises(TransitionError, match="only an open record"):
            gone.uncouple(on=D0, reason="again")


class TestResume:
    def test_back_to_where_it_left(self):
        """resume returns to the stage the account uncoupled from, or an earlier one."""
        gone = climbed(KamStage.MID).uncouple(on=D0 + timedelta(days=100), reason="merger")
        back = gone.resume(on=D0 + timedelta(days=400), reason="new management")
        assert back.stage is KamStage.MID
        assert back.history[-1].kind is ChangeKind.REOPEN
        lower = gone.resume(on=D0 + timedelta(days=400), reason="restart", to="pre_kam")
        assert lower.stage is KamStage.PRE_KAM

    def test_not_above_where_it_left(self):
        """Resuming above the stage it left from is refused."""
        gone = account("early").uncouple(on=D0, reason="merger")
        with pytest.raises(TransitionError, match="advance it from there"):
            gone.resume(on=D0, reason="x", to="mid")

    def test_only_uncoupled_accounts(self):
        """An account on the ladder has nothing to resume."""
        with pytest.raises(TransitionError, match="can be reopened"):
            account().resume(on=D0, reason="x")


class TestRecord:
    def test_records_by_key_or_activity(self):
        """record appends a dated record for a playbook key or any Activity."""
        own = attrs.evolve(playbook("mid").activities[0], key="my_own")
        acct = account().record("find_coach", on=D0, note="Ms Wu").record(own, on=None)
        assert acct.activities == (
            ActivityRecord("find_coach", D0, "Ms Wu"),
            ActivityRecord("my_own", None, None),
        )

    def test_unknown_keys_are_refused(self):
        """An activity key no playbook has is an UnknownActivityError (a KeyError)."""
        with pytest.raises(UnknownActivityError) as info:
            account().record("find_coachh", on=D0)
        assert isinstance(info.value, KeyError)
        assert "find_coach" in str(info.value)

    def test_date_before_since_is_refused(self):
        """A record dated before the relationship record starts is refused."""
        with pytest.raises(InvalidKeyAccountError):
            account().record("find_coach", on=D0 - timedelta(days=1))


class TestObserve:
    def test_merges_signals(self):
        """observe merges new signals over the old ones."""
        acct = account(signals={"contacts": 2, "coach_found": False})
        seen = acct.observe({"coach_found": True})
        assert dict(seen.signals) == {"contacts": 2, "coach_found": True}
        assert acct.signals["coach_found"] is False


class TestStageOn:
    def test_rebuilds_past_stages(self):
        """stage_on gives the stage at the end of a past day, None before the history."""
        acct = climbed(KamStage.MID)
        assert acct.stage_on(D0 - timedelta(days=1)) is None
        assert acct.stage_on(D0) is KamStage.PRE_KAM
        assert acct.stage_on(D0 + timedelta(days=30)) is KamStage.EARLY
        assert acct.stage_on(D0 + timedelta(days=365)) is KamStage.MID


class TestDaysInStage:
    def test_counts_days_since_entry(self):
        """days_in_stage counts from the day the current stage was entered."""
        acct = climbed(KamStage.EARLY)
        assert acct.days_in_stage(as_of=D0 + timedelta(days=45)) == 15

    def test_refuses_dates_before_entry(self):
        """A date before the stage was entered is refused with the fix."""
        with pytest.raises(InvalidKeyAccountError, match="stage_on"):
            climbed(KamStage.EARLY).days_in_stage(as_of=D0)


def _apply(acct: KeyAccount, op: str, to: KamStage, on: date) -> KeyAccount:
    if op == "advance":
        return acct.advance(on=on)
    if op == "skip":
        return acct.advance(on=on, to=to, allow_skip=True)
    if op == "regress":
        return acct.regress(to, on=on, reason="moved back")
    if op == "uncouple":
        return acct.uncouple(on=on, reason="ended")
    return acct.resume(on=on, reason="restarted", to=to if to.on_ladder else None)


class TestProperties:
    @given(kam_moves)
    def test_histories_chain_with_non_decreasing_dates(self, moves):
        """Whatever moves succeed, the history chains and its dates never go back."""
        acct = account()
        day = D0
        for op, to, days in moves:
            day += timedelta(days=days)
            with contextlib.suppress(FunnelError):
                acct = _apply(acct, op, to, day)
        assert acct.history[0].kind is ChangeKind.CREATE
        assert acct.history[-1].to_stage == acct.stage.value
        for prev, change in itertools.pairwise(acct.history):
            assert change.from_stage == prev.to_stage
            assert change.on >= prev.on
        for change in acct.history[1:]:
            if change.kind is ChangeKind.ADVANCE:
                assert KamStage(change.to_stage).rank == KamStage(change.from_stage).rank + 1
            if change.kind in (ChangeKind.REGRESS, ChangeKind.EXIT, ChangeKind.REOPEN):
                assert change.reason

    @given(kam_moves)
    def test_no_silent_skips(self, moves):
        """Every forward move of more than one stage is a recorded skip."""
        acct = account()
        day = D0
        for op, to, days in moves:
            day += timedelta(days=days)
            with contextlib.suppress(FunnelError):
                acct = _apply(acct, "advance" if op == "skip" else op, to, day)
        assert all(c.kind is not ChangeKind.SKIP for c in acct.history)

    def test_funnel_with_gates_still_a_lifecycle(self):
        """A gated lifecycle funnel built by kam_funnel is accepted."""
        rule = Criterion.fact("coach_found", "Coach")
        acct = account().advance(
            on=D0, funnel=kam_funnel({KamStage.EARLY: rule}), signals={"coach_found": True}
        )
        assert acct.stage is KamStage.EARLY
        assert KAM_FUNNEL.keys()[-1] == "uncoupling"


class TestSignalsChecked:
    """A key account refuses a catalogue signal its file reader would refuse."""

    @pytest.mark.parametrize(
        "signals",
        [{"contacts": -4}, {"share_of_wallet": 5}, {"contacts": 1.5}, {"coach_found": "yes"}],
    )
    def test_refused(self, signals):
        from salesfunnel.errors import FunnelError

        with pytest.raises(FunnelError) as err:
            KeyAccount("A1", "Acme", "mid", since=date(2026, 1, 5), signals=signals)
        assert isinstance(err.value, (ValueError, TypeError))  # a range, or a kind

    def test_own_signals_are_free(self):
        a = KeyAccount("A1", "Acme", "mid", since=date(2026, 1, 5), signals={"my_score": -3})
        assert a.signals["my_score"] == -3
