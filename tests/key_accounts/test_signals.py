from __future__ import annotations

from decimal import Decimal

import pytest

from salesfunnel import Criterion, StageKind
from salesfunnel.errors import InvalidFactError, InvalidRuleError
from salesfunnel.key_accounts.lifecycle import KamStage
from salesfunnel.key_accounts.signals import (
    DEFAULT_KAM_RULES,
    SIGNALS,
    InvalidSignalError,
    KamRules,
    Signal,
    SignalKind,
    UnknownSignalError,
    check_signals,
)
from salesfunnel.qualification import Facts


class TestSignal:
    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("coach_found", True),
            ("contacts", 0),
            ("contacts", Decimal(12)),
            ("buying_roles_covered", 4),
            ("share_of_wallet", Decimal("0.35")),
            ("share_of_wallet", 1),
            ("visits_per_month", 2.5),
            ("visits_per_month", None),
        ],
    )
    def test_accepts_valid_values(self, key, value):
        """A value of the right kind and range is returned unchanged."""
        assert SIGNALS[key].check(value) == value

    @pytest.mark.parametrize(
        ("key", "value", "message"),
        [
            ("contacts", -1, "zero or more"),
            ("contacts", Decimal("2.5"), "whole number"),
            ("buying_roles_covered", 5, "at most 4"),
            ("share_of_wallet", 35, r"write 35 % as 0\.35"),
            ("visits_per_month", float("nan"), "finite"),
        ],
    )
    def test_refuses_out_of_range(self, key, value, message):
        """A number out of range is an InvalidSignalError naming the signal and the fix."""
        with pytest.raises(InvalidSignalError, match=message) as info:
            SIGNALS[key].check(value)
        assert info.value.signal == key
        assert isinstance(info.value, ValueError)

    @pytest.mark.parametrize(
        ("key", "value"),
        [("coach_found", "yes"), ("coach_found", 1), ("contacts", True), ("contacts", "3")],
    )
    def test_refuses_wrong_types(self, key, value):
        """A value of the wrong type is an InvalidFactError (a TypeError)."""
        with pytest.raises(InvalidFactError) as info:
            SIGNALS[key].check(value)
        assert isinstance(info.value, TypeError)

    def test_label(self):
        """A signal has English and Chinese text."""
        assert SIGNALS["coach_found"].label("zh").startswith("已找出教练")
        assert Signal("x", SIGNALS["contacts"].text, SignalKind.RATE).label() == (
            SIGNALS["contacts"].text.en
        )


class TestSignals:
    def test_catalogue_covers_the_issue(self):
        """The catalogue has every signal the lifecycle speaks of."""
        for key in (
            "contacts",
            "buying_roles_covered",
            "coach_found",
            "visits_per_month",
            "proposal_given",
            "contract_signed",
            "share_of_wallet",
            "sole_supplier",
            "preferred_supplier",
            "csi_in_place",
            "joint_planning",
            "integrated_processes",
            "shared_cost_reduction",
        ):
            assert key in SIGNALS
            assert SIGNALS[key].key == key

    def test_every_default_rule_reads_catalogue_signals(self):
        """The default rules read only catalogue signals, and the catalogue has no dead signal."""
        assert DEFAULT_KAM_RULES.signals() <= SIGNALS.keys()
        assert DEFAULT_KAM_RULES.signals() == SIGNALS.keys()


class TestKamRules:
    def test_rule_per_stage(self):
        """Each stage above pre-KAM has a rule; pre-KAM has none."""
        assert DEFAULT_KAM_RULES.rule("pre_kam") is None
        assert DEFAULT_KAM_RULES.rule(KamStage.MID) is DEFAULT_KAM_RULES.mid
        assert [s for s, _ in DEFAULT_KAM_RULES.items()] == [
            KamStage.EARLY,
            KamStage.MID,
            KamStage.PARTNERSHIP,
            KamStage.SYNERGISTIC,
            KamStage.UNCOUPLING,
        ]

    def test_with_rule_replaces_one(self):
        """with_rule returns a copy with one rule replaced."""
        rule = Criterion.fact("joint_planning", "Joint planning")
        mine = DEFAULT_KAM_RULES.with_rule("synergistic", rule)
        assert mine.synergistic == rule
        assert mine.mid == DEFAULT_KAM_RULES.mid
        assert DEFAULT_KAM_RULES.synergistic != rule

    def test_pre_kam_has_no_rule(self):
        """Giving pre-KAM a rule is refused."""
        with pytest.raises(InvalidRuleError, match="pre-KAM"):
            DEFAULT_KAM_RULES.with_rule("pre_kam", Criterion.fact("x", "x"))

    def test_rules_are_checked(self):
        """Something that is not a rule is refused with the fix."""
        with pytest.raises(InvalidRuleError, match=r"Criterion\.fact"):
            KamRules(True, *(DEFAULT_KAM_RULES.rule(s) for s in list(KamStage)[2:]))  # type: ignore[arg-type]

    def test_funnel_gates_the_ladder(self):
        """funnel() is the lifecycle with each stage gated by its evidence rule."""
        gated = DEFAULT_KAM_RULES.funnel()
        assert gated["mid"].rule == DEFAULT_KAM_RULES.mid
        assert gated["pre_kam"].rule is None
        assert gated.lost.kind is StageKind.LOST
        assert gated.lost.rule is None


class TestCheckSignals:
    def test_returns_facts(self):
        """Valid signals come back as Facts."""
        facts = check_signals({"coach_found": True, "contacts": None})
        assert isinstance(facts, Facts)
        assert facts["coach_found"] is True
        assert check_signals(None) == Facts({})
        assert check_signals(facts) is facts

    def test_unknown_names_are_all_listed(self):
        """Every unknown name is reported at once, with the known ones."""
        with pytest.raises(UnknownSignalError) as info:
            check_signals({"coach_fund": True, "contracts": 3, "contacts": 3})
        err = info.value
        assert err.names == ("coach_fund", "contracts")
        assert "contacts" in err.known
        assert isinstance(err, KeyError)
        assert str(err).startswith("unknown signal(s) coach_fund, contracts; known signals:")

    def test_signals_of_custom_rules_are_known(self):
        """A signal read by custom rules is accepted (and not type-checked here)."""
        rules = DEFAULT_KAM_RULES.with_rule("early", Criterion.fact("pilot_done", "Pilot done"))
        assert check_signals({"pilot_done": True}, rules=rules)["pilot_done"] is True
        with pytest.raises(UnknownSignalError) as info:
            check_signals({"pilot_done": True})
        assert info.value.names == ("pilot_done",)

    def test_values_are_checked(self):
        """Catalogue signals are checked for type and range."""
        with pytest.raises(InvalidSignalError):
            check_signals({"share_of_wallet": Decimal("1.5")})
        with pytest.raises(InvalidFactError):
            check_signals({"coach_found": "yes"})
