from __future__ import annotations

import pytest

from salesfunnel import Criterion, FunnelError, StageKind, UnknownStageError
from salesfunnel.errors import FunnelDefinitionError, UnknownLanguageError
from salesfunnel.funnel import SkipPolicy
from salesfunnel.key_accounts.lifecycle import (
    KAM_FUNNEL,
    KEY_ACCOUNT_MANAGER,
    LIFECYCLE,
    PROFILES,
    KamStage,
    KamStageProfile,
    kam_funnel,
)


class TestKamStage:
    def test_five_ladder_stages_then_uncoupling(self):
        """The lifecycle has five ladder stages in order; uncoupling is beside it."""
        assert [s.value for s in LIFECYCLE] == [
            "pre_kam",
            "early",
            "mid",
            "partnership",
            "synergistic",
        ]
        assert [s.rank for s in LIFECYCLE] == [0, 1, 2, 3, 4]
        assert KamStage.UNCOUPLING.rank == -1
        assert not KamStage.UNCOUPLING.on_ladder

    def test_chinese_labels_follow_the_source(self):
        """The Chinese labels carry the source's stage names."""
        zh = [s.label("zh") for s in KamStage]
        for term, label in zip(
            ("孕育", "初期", "中期", "伙伴式", "协作式", "解体"), zh, strict=True
        ):
            assert term in label

    def test_english_labels(self):
        """English labels name each stage as in the relational development model."""
        assert KamStage.PRE_KAM.label() == "Pre-KAM"
        assert KamStage.SYNERGISTIC.label("en") == "Synergistic KAM"

    def test_next_walks_up_and_stops(self):
        """next gives the stage above; none at the top or after uncoupling."""
        assert KamStage.PRE_KAM.next is KamStage.EARLY
        assert KamStage.PARTNERSHIP.next is KamStage.SYNERGISTIC
        assert KamStage.SYNERGISTIC.next is None
        assert KamStage.UNCOUPLING.next is None

    @pytest.mark.parametrize(
        ("text", "stage"),
        [
            ("pre_kam", KamStage.PRE_KAM),
            ("Pre-KAM", KamStage.PRE_KAM),
            (" PARTNERSHIP ", KamStage.PARTNERSHIP),
            ("Mid KAM", KamStage.MID),
            ("mid", KamStage.MID),
            ("协作式阶段", KamStage.SYNERGISTIC),
            ("协作式", KamStage.SYNERGISTIC),
            ("孕育", KamStage.PRE_KAM),
            ("uncoupling", KamStage.UNCOUPLING),
            (KamStage.EARLY, KamStage.EARLY),
        ],
    )
    def test_parse_accepts_keys_and_labels(self, text, stage):
        """parse reads a member, a key, or an English or Chinese label."""
        assert KamStage.parse(text) is stage

    @pytest.mark.parametrize("bad", ["won", "", 3, None])
    def test_parse_rejects_other_names(self, bad):
        """A name that is no stage is an UnknownStageError listing the stages."""
        with pytest.raises(UnknownStageError) as info:
            KamStage.parse(bad)
        assert isinstance(info.value, KeyError)
        assert "pre_kam" in str(info.value)

    def test_describe_lists_every_aspect(self):
        """describe gives the summary and the six aspects, in either language."""
        en = KamStage.MID.describe()
        assert en.splitlines()[0].startswith("Mid KAM: ")
        for heading in ("Relationship", "Contact pattern", "Supplier status", "Buyer's view"):
            assert heading in en
        zh = KamStage.MID.describe("zh")
        assert "卖方的角度：客户渗透。" in zh
        assert len(zh.splitlines()) == 7

    def test_describe_rejects_unknown_language(self):
        """An unknown language is refused."""
        with pytest.raises(UnknownLanguageError):
            KamStage.MID.describe("fr")  # type: ignore[arg-type]


class TestProfiles:
    def test_every_stage_has_a_profile(self):
        """Every stage has a profile with English and Chinese text in each aspect."""
        assert set(PROFILES) == set(KamStage)
        for stage in KamStage:
            p = stage.profile
            assert isinstance(p, KamStageProfile)
            for text in (p.summary, p.relationship, p.contacts, p.supplier_status):
                assert text.en and text.zh and text.en != text.zh

    def test_contact_pattern_grows_from_bow_tie_to_diamond(self):
        """The contact pattern is a bow-tie early on and a diamond at partnership and beyond."""
        assert "bow-tie" in KamStage.EARLY.profile.contacts.en
        assert "蝴蝶结" in KamStage.EARLY.profile.contacts.zh
        assert "diamond" in KamStage.PARTNERSHIP.profile.contacts.en
        assert "钻石" in KamStage.SYNERGISTIC.profile.contacts.zh

    def test_supplier_status_rises(self):
        """The supplier goes from one of many to preferred to sole and strategic partner."""
        assert "one of many" in KamStage.EARLY.profile.supplier_status.en.lower()
        assert "preferred" in KamStage.MID.profile.supplier_status.en.lower()
        assert "sole" in KamStage.SYNERGISTIC.profile.supplier_status.en.lower()

    def test_perspectives_come_from_the_source(self):
        """The seller's and manager's views are the source's; uncoupling is marked as ours."""
        assert [s.profile.seller.zh for s in LIFECYCLE] == [
            "销售和谈判。",
            "内部谈判。",
            "客户渗透。",
            "质量改进、降低成本。",
            "流程整合。",
        ]
        assert KamStage.SYNERGISTIC.profile.buyer.zh == "内部战略资源的供应商。"
        assert "研究和规划" in KamStage.PRE_KAM.profile.manager.zh
        assert all(s.profile.from_source for s in LIFECYCLE)
        assert not KamStage.UNCOUPLING.profile.from_source


class TestKamFunnel:
    def test_open_ladder_without_a_won_stage(self):
        """The lifecycle funnel has five open stages, no won stage, uncoupling as lost."""
        assert [s.key for s in KAM_FUNNEL] == [s.value for s in LIFECYCLE]
        assert all(s.kind is StageKind.OPEN for s in KAM_FUNNEL)
        assert KAM_FUNNEL.won is None
        assert KAM_FUNNEL.lost.key == "uncoupling"
        assert KAM_FUNNEL.lost.kind is StageKind.LOST
        assert KAM_FUNNEL.skip_policy is SkipPolicy.KEYWORD
        assert KAM_FUNNEL.entry == "pre_kam"

    def test_stages_carry_labels_owner_and_no_gate(self):
        """Each stage has the lifecycle labels, the key-account manager as owner, no gate."""
        mid = KAM_FUNNEL["mid"]
        assert mid.label("zh") == "中期阶段"
        assert mid.owners == (KEY_ACCOUNT_MANAGER,)
        assert mid.rule is None
        assert mid.definition == KamStage.MID.profile.summary

    def test_gates_are_attached(self):
        """Gates given per stage become the stages' entry rules."""
        rule = Criterion.fact("contract_signed", "Contract signed")
        funnel = kam_funnel({KamStage.MID: rule}, name="mine")
        assert funnel["mid"].rule == rule
        assert funnel["early"].rule is None
        assert funnel.name == "mine"

    def test_uncoupling_takes_no_gate(self):
        """A gate on uncoupling is refused: a relationship can end at any time."""
        rule = Criterion.fact("exit_notice", "Notice")
        with pytest.raises(FunnelDefinitionError) as info:
            kam_funnel({KamStage.UNCOUPLING: rule})
        assert info.value.rule == "kam-stages"

    def test_gate_keys_are_stages(self):
        """Gates keyed by plain strings are refused with the fix."""
        rule = Criterion.fact("x", "x")
        with pytest.raises(FunnelError, match=r"KamStage\.parse"):
            kam_funnel({"mid": rule})  # type: ignore[dict-item]
