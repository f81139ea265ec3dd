from __future__ import annotations

from datetime import date

import pytest

from salesfunnel import Text, UnknownStageError
from salesfunnel.errors import InvalidDateError
from salesfunnel.key_accounts.account import ActivityRecord
from salesfunnel.key_accounts.lifecycle import LIFECYCLE, KamStage
from salesfunnel.key_accounts.playbooks import (
    PLAYBOOKS,
    Activity,
    Playbook,
    UnknownActivityError,
    find_activity,
    gaps,
    playbook,
)
from tests import factories

D0 = date(2026, 1, 5)


class TestPlaybook:
    def test_pre_kam_is_the_sources_list(self):
        """Pre-KAM's work focus is the source's seven items, in order."""
        book = playbook("pre_kam")
        assert book.activity_keys() == (
            "trial_sales",
            "collect_customer_data",
            "learn_basic_needs",
            "research_customer",
            "planned_visits",
            "find_coach",
            "sales_plan",
        )
        assert book.activities[5].label("zh") == "公关的建立（找出教练）"
        assert "5W2H" in book.activities[6].label()
        assert book.from_source

    def test_every_stage_has_a_playbook(self):
        """Every stage, uncoupling included, has a playbook with bilingual activities."""
        assert set(PLAYBOOKS) == set(KamStage)
        for stage in KamStage:
            book = playbook(stage)
            assert book.stage is stage
            assert len(book) >= 6
            for act in book:
                assert act.stage is stage
                assert act.text.en and act.text.zh

    def test_sources_and_ours_are_told_apart(self):
        """The course's stages are marked from the source; synergistic and uncoupling are ours."""
        assert [playbook(s).from_source for s in LIFECYCLE] == [True, True, True, True, False]
        assert not playbook("uncoupling").from_source

    def test_source_items(self):
        """The early, mid and partnership lists carry the source's key items."""
        assert "sales_proposal" in playbook("early").activity_keys()
        assert "penetrate_roles" in playbook("mid").activity_keys()
        assert "sign_contract" in playbook("mid").activity_keys()
        assert "csi_evaluation" in playbook("partnership").activity_keys()

    def test_keys_are_unique(self):
        """No activity key is used twice across the playbooks."""
        all_keys = [a.key for b in PLAYBOOKS.values() for a in b]
        assert len(all_keys) == len(set(all_keys))

    def test_describe(self):
        """describe lists the stage, its focus and its activities."""
        text = playbook("early").describe()
        assert text.splitlines()[0] == "Early KAM: Earn trust and prove the product"
        assert "- Visit frequently" in text
        assert playbook("early").describe("zh").splitlines()[1] == "- 高频率的拜访"

    def test_custom_playbooks(self):
        """Your own playbooks replace the defaults; a stage they lack is an error."""
        mine = {KamStage.MID: Playbook(KamStage.MID, Text("Go"), [])}
        assert len(playbook("mid", playbooks=mine)) == 0
        with pytest.raises(UnknownStageError):
            playbook("early", playbooks=mine)

    def test_unknown_stage(self):
        """An unknown stage name is an error."""
        with pytest.raises(UnknownStageError):
            playbook("late")


class TestActivity:
    def test_label(self):
        """An activity has English and Chinese text."""
        act = Activity("x", KamStage.MID, Text("Do it", "做"))
        assert (act.label(), act.label("zh"), act.from_source) == ("Do it", "做", True)


class TestFindActivity:
    def test_finds_in_any_stage(self):
        """A key is found whichever stage's playbook holds it."""
        assert find_activity("lessons_learned").stage is KamStage.UNCOUPLING

    def test_unknown_lists_the_known(self):
        """An unknown key is an UnknownActivityError listing the keys."""
        with pytest.raises(UnknownActivityError) as info:
            find_activity("nope")
        assert "trial_sales" in info.value.known
        assert str(info.value).startswith("unknown activity 'nope'")


class TestGaps:
    def account(self, stage="pre_kam", records=()):
        return factories.account(stage, id="K", since=D0, activities=records)

    def test_all_activities_without_records(self):
        """Without records, every activity of the stage is a gap."""
        assert gaps(self.account()) == playbook("pre_kam").activities

    def test_recorded_activities_drop_out(self):
        """Recorded activities are not gaps, dated or not."""
        records = (ActivityRecord("find_coach", D0), ActivityRecord("sales_plan"))
        left = [a.key for a in gaps(self.account(records=records))]
        assert "find_coach" not in left and "sales_plan" not in left
        assert len(left) == 5

    def test_since_keeps_recent_records_only(self):
        """With since=, older and undated records do not count."""
        records = (ActivityRecord("find_coach", D0), ActivityRecord("sales_plan"))
        left = [a.key for a in gaps(self.account(records=records), since=date(2026, 2, 1))]
        assert "find_coach" in left and "sales_plan" in left

    def test_other_stage(self):
        """The gap list of another stage (the next one) can be asked for."""
        assert gaps(self.account(), stage="early") == playbook("early").activities

    def test_since_must_be_a_date(self):
        """since must be a plain date."""
        with pytest.raises(InvalidDateError):
            gaps(self.account(), since="2026-01-01")  # type: ignore[arg-type]
