from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given

from salesfunnel import Criterion
from salesfunnel.errors import InvalidFactError, UnknownLanguageError
from salesfunnel.key_accounts.account import KeyAccount
from salesfunnel.key_accounts.assessment import Assessment, Fit, NextStep, assess, next_step
from salesfunnel.key_accounts.lifecycle import LIFECYCLE, KamStage
from salesfunnel.key_accounts.signals import (
    DEFAULT_KAM_RULES,
    SIGNALS,
    SignalKind,
    UnknownSignalError,
)
from salesfunnel.qualification import Outcome
from tests import factories
from tests.strategies import kam_signals

EARLY = {"trial_order": True, "coach_found": True, "visits_per_month": 2}
MID = {
    **EARLY,
    "proposal_given": True,
    "contract_signed": True,
    "buying_roles_covered": 3,
    "contacts": 5,
}
PARTNERSHIP = {
    **MID,
    "preferred_supplier": True,
    "csi_in_place": True,
    "share_of_wallet": Decimal("0.6"),
    "buying_roles_covered": 4,
    "functions_in_contact": 3,
    "information_sharing": True,
}
SYNERGISTIC = {
    **PARTNERSHIP,
    "sole_supplier": True,
    "joint_planning": True,
    "integrated_processes": True,
    "shared_cost_reduction": True,
}


def keys(criteria) -> list[str]:
    return [c.key for c in criteria]


class TestAssess:
    @pytest.mark.parametrize(
        ("signals", "stage"),
        [
            ({}, KamStage.PRE_KAM),
            (EARLY, KamStage.EARLY),
            (MID, KamStage.MID),
            (PARTNERSHIP, KamStage.PARTNERSHIP),
            (SYNERGISTIC, KamStage.SYNERGISTIC),
            ({**SYNERGISTIC, "exit_notice": True}, KamStage.UNCOUPLING),
            ({**MID, "exit_notice": False}, KamStage.MID),
        ],
    )
    def test_stage_the_evidence_supports(self, signals, stage):
        """Each default rule set, met in full, supports its stage."""
        assert assess(signals).stage is stage

    def test_stops_at_the_first_stage_not_shown(self):
        """Evidence for a higher stage does not count while a lower one's is not shown."""
        signals = {**SYNERGISTIC, "contract_signed": None}
        a = assess(signals)
        assert a.stage is KamStage.EARLY
        assert a.ceiling is KamStage.SYNERGISTIC
        assert a.beyond == (KamStage.PARTNERSHIP, KamStage.SYNERGISTIC)
        assert keys(a.missing) == ["contract_signed"]

    def test_for_against_and_missing(self):
        """The window up to the next stage splits into signals for, against and missing."""
        a = assess({**EARLY, "proposal_given": True, "contract_signed": False})
        assert a.stage is KamStage.EARLY
        assert a.signals_for == (
            "trial_order",
            "coach_found",
            "visits_per_month",
            "proposal_given",
        )
        assert a.signals_against == ("contract_signed",)
        assert a.signals_missing == ("buying_roles_covered", "contacts")
        assert a.ceiling is KamStage.EARLY
        assert a.beyond == ()
        assert a.next is KamStage.MID

    def test_thresholds(self):
        """Numeric thresholds are inclusive at their limits."""
        assert assess({**EARLY, "visits_per_month": Decimal("0.9")}).stage is KamStage.PRE_KAM
        assert assess({**EARLY, "visits_per_month": 1}).stage is KamStage.EARLY
        half = {**PARTNERSHIP, "share_of_wallet": Decimal("0.5")}
        assert assess(half).stage is KamStage.PARTNERSHIP
        below = {**PARTNERSHIP, "share_of_wallet": Decimal("0.49")}
        assert assess(below).stage is KamStage.MID
        assert "share_of_wallet" in assess(below).signals_against

    def test_at_least_two_of_three(self):
        """The diamond needs two of its three signs; one is not enough."""
        one = {**PARTNERSHIP, "information_sharing": False}
        assert assess(one).stage is KamStage.MID
        two = {**one, "senior_management_contact": True}
        assert assess(two).stage is KamStage.PARTNERSHIP

    def test_sole_supplier_counts_as_preferred(self):
        """Being the sole supplier satisfies 'preferred or sole'."""
        signals = {**PARTNERSHIP, "preferred_supplier": False, "sole_supplier": True}
        assert assess(signals).stage is KamStage.PARTNERSHIP

    def test_uncoupling_window(self):
        """When the exit rule holds, the exit notice is the evidence and nothing is beyond."""
        a = assess({**SYNERGISTIC, "exit_notice": True})
        assert a.signals_for == ("exit_notice",)
        assert a.ceiling is KamStage.UNCOUPLING
        assert a.beyond == ()
        assert a.next is None

    def test_verdicts_for_every_stage(self):
        """The assessment keeps each stage's verdict."""
        a = assess(MID)
        assert [s for s, _ in a.verdicts] == [*LIFECYCLE[1:], KamStage.UNCOUPLING]
        assert a.verdict("mid").outcome is Outcome.PASSED
        assert a.verdict("partnership").outcome is Outcome.FAILED
        assert a.verdict("synergistic").outcome is Outcome.UNDECIDED
        assert a.verdict("pre_kam") is None

    def test_custom_rules(self):
        """Replaced rules are used, and their own signals are accepted."""
        rules = DEFAULT_KAM_RULES.with_rule("early", Criterion.fact("pilot_done", "Pilot done"))
        assert assess({"pilot_done": True}, rules=rules).stage is KamStage.EARLY
        assert assess(EARLY, rules=rules).stage is KamStage.PRE_KAM

    def test_unknown_signals_are_an_error(self):
        """An unknown signal name is refused, listing every unknown name."""
        with pytest.raises(UnknownSignalError) as info:
            assess({**MID, "contracts_signed": True, "coach": True})
        assert info.value.names == ("coach", "contracts_signed")

    def test_wrong_types_are_an_error(self):
        """A signal of the wrong type is refused."""
        with pytest.raises(InvalidFactError):
            assess({"contract_signed": "yes"})

    @given(kam_signals())
    def test_never_a_stage_with_known_false_evidence(self, signals):
        """The assessed stage's rule, and every rule below it, is decided true."""
        a = assess(signals)
        if a.stage is KamStage.UNCOUPLING:
            assert signals.get("exit_notice") is True
            return
        assert signals.get("exit_notice") is not True
        for stage, verdict in a.verdicts:
            if stage.on_ladder and stage.rank <= a.stage.rank:
                assert verdict.passed
        assert a.ceiling.rank >= a.stage.rank
        nxt = a.verdict(a.next) if a.next is not None else None
        assert nxt is None or not nxt.passed
        assert set(a.met).isdisjoint(a.failed)
        assert set(a.missing).isdisjoint(a.met) and set(a.missing).isdisjoint(a.failed)

    @given(kam_signals())
    def test_ceiling_is_where_missing_signals_could_lead(self, signals):
        """Filling every unknown signal with its most favourable value reaches the ceiling."""
        a = assess(signals)
        if a.stage is KamStage.UNCOUPLING:
            return
        best = {
            SignalKind.YES_NO: True,
            SignalKind.COUNT: 4,
            SignalKind.SHARE: 1,
            SignalKind.RATE: 30,
        }
        filled = {k: best[SIGNALS[k].kind] for k in SIGNALS}
        filled.update({k: v for k, v in signals.items() if v is not None})
        filled.setdefault("exit_notice", False)
        if filled["exit_notice"] is True:
            filled["exit_notice"] = False
        assert assess(filled).stage is a.ceiling


class TestAssessment:
    def test_explain_in_english(self):
        """explain names the stage, the ceiling, each verdict and the signals."""
        text = assess({**EARLY, "proposal_given": True}).explain()
        lines = text.splitlines()
        assert lines[0] == (
            "Evidence supports: Early KAM (up to Synergistic KAM once the missing "
            "signals are known)"
        )
        assert "  ✓ Early KAM" in lines
        assert "  ? Mid KAM" in lines
        assert lines[-2].startswith("for: A trial or first order is placed")
        assert lines[-1].startswith("missing: A contract is signed")

    def test_explain_in_chinese_with_checks(self):
        """In Chinese, with evidence of a higher stage beyond a gap, explain asks to check."""
        text = assess({**SYNERGISTIC, "coach_found": False}).explain("zh")
        assert text.startswith("证据支持：孕育阶段")
        assert "反对：已找出教练" in text
        assert "请核实" in text
        assert "✗ 初期阶段" in text

    def test_explain_in_english_with_checks(self):
        """The English check line names the stages whose evidence sits above a gap."""
        text = assess({**SYNERGISTIC, "coach_found": False}).explain()
        assert "check: evidence of Mid KAM, Partnership KAM, Synergistic KAM" in text
        assert "against: A coach has been found" in text

    def test_explain_rejects_unknown_language(self):
        """An unknown language is refused."""
        with pytest.raises(UnknownLanguageError):
            assess({}).explain("de")  # type: ignore[arg-type]

    def test_is_a_frozen_value(self):
        """An assessment is a hashable value; the same signals give an equal one."""
        assert isinstance(assess(MID), Assessment)
        assert assess(MID) == assess(dict(MID))
        assert hash(assess(MID)) == hash(assess(MID))


def acct(stage: str, signals=None, activities=()) -> KeyAccount:
    return factories.account(
        stage, id="KA9", since=date(2025, 1, 1), signals=signals or {}, activities=activities
    )


class TestFit:
    def test_labels(self):
        """Each fit has English and Chinese text."""
        assert Fit.AHEAD.label() == "ahead of the evidence"
        assert Fit.BEHIND.label("zh") == "记录滞后于证据"


class TestNextStep:
    def test_matching_account(self):
        """An account where the evidence supports its stage needs the next stage's evidence."""
        step = next_step(acct("early", EARLY))
        assert isinstance(step, NextStep)
        assert step.fit is Fit.MATCHES
        assert step.target is KamStage.MID
        assert keys(step.needs) == [
            "proposal_given",
            "contract_signed",
            "three_buying_roles",
            "three_contacts",
        ]
        assert not step.ready
        assert len(step.gaps) == 6

    def test_ahead_of_the_evidence(self):
        """An account recorded above its evidence needs the evidence of every stage in between."""
        step = next_step(acct("mid", EARLY))
        assert step.fit is Fit.AHEAD
        assert step.target is KamStage.PARTNERSHIP
        assert "three_contacts" in keys(step.needs)
        assert "csi_in_place" in keys(step.needs)

    def test_behind_the_evidence(self):
        """An account whose evidence supports a higher stage is ready to advance."""
        step = next_step(acct("early", PARTNERSHIP))
        assert step.fit is Fit.BEHIND
        assert step.ready
        assert step.needs == ()
        assert "ready to advance to Mid KAM" in step.explain()
        assert "证据已支持进入中期阶段" in step.explain("zh")

    def test_uncoupling_diverges(self):
        """A notice to quit on an account still on the ladder diverges from the record."""
        step = next_step(acct("mid", {**MID, "exit_notice": True}))
        assert step.fit is Fit.DIVERGES
        gone = acct("mid").uncouple(on=date(2025, 2, 1), reason="merger")
        step = next_step(gone)
        assert step.fit is Fit.DIVERGES
        assert step.target is None
        assert step.needs == ()
        assert step.gaps[0].key == "diagnose_cause"

    def test_gaps_use_the_records(self):
        """Recorded activities drop out of the gaps; since= keeps only recent records."""
        from salesfunnel.key_accounts.account import ActivityRecord

        records = (ActivityRecord("frequent_visits", date(2025, 2, 1)),)
        step = next_step(acct("early", EARLY, records))
        assert "frequent_visits" not in [g.key for g in step.gaps]
        later = next_step(acct("early", EARLY, records), since=date(2025, 6, 1))
        assert "frequent_visits" in [g.key for g in later.gaps]

    def test_explain(self):
        """explain gives the fit, what to show for the next stage and the gaps."""
        text = next_step(acct("early", EARLY)).explain()
        assert text.splitlines()[0] == (
            "KA9: recorded Early KAM, evidence supports Early KAM (matches the evidence)"
        )
        assert "to reach Mid KAM, show:" in text
        assert "  - A contract is signed" in text
        assert "playbook gaps:" in text
        zh = next_step(acct("early", EARLY)).explain("zh")
        assert zh.startswith("KA9: 记录为初期阶段，证据支持初期阶段（与证据一致）")
        assert "要进入中期阶段，还需：" in zh

    def test_top_of_the_ladder(self):
        """At the top there is no target; only gaps remain."""
        step = next_step(acct("synergistic", SYNERGISTIC))
        assert step.target is None and not step.ready
        assert "to reach" not in step.explain()
        with pytest.raises(UnknownLanguageError):
            step.explain("jp")  # type: ignore[arg-type]

    def test_no_gaps_no_gap_section(self):
        """With every activity recorded, explain has no gap section."""
        from salesfunnel.key_accounts.account import ActivityRecord
        from salesfunnel.key_accounts.playbooks import playbook

        done = tuple(ActivityRecord(a.key, None) for a in playbook("early"))
        assert "gaps" not in next_step(acct("early", EARLY, done)).explain()


class TestNegatedEvidence:
    def test_a_negated_criterion_that_holds_is_needed(self):
        """Under a custom rule with Not, a criterion that holds is what blocks, and is listed."""
        from salesfunnel.qualification import Not

        blocker = Criterion.fact("exit_notice", "Notice given")
        rules = DEFAULT_KAM_RULES.with_rule(
            "early", Criterion.fact("trial_order", "First order") & Not(blocker)
        )
        step = next_step(acct("pre_kam", {"trial_order": True, "exit_notice": False}), rules=rules)
        assert step.ready
        a = assess({"trial_order": None, "exit_notice": False}, rules=rules)
        assert keys(a.missing) == ["trial_order"]
        blocked = next_step(acct("pre_kam", {"trial_order": True}), rules=rules)
        assert keys(blocked.needs) == ["exit_notice"]
