from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL, Stage, StageKind, Text
from salesfunnel.customers.buying import (
    DEFAULT_BUYING_MAP,
    AccountEvidence,
    BuyingMap,
    BuyingStep,
    InvalidBuyingMapError,
    account_evidence,
    buying_funnel,
    buying_step,
    screen_account,
    screen_accounts,
    stages_for,
)
from salesfunnel.customers.platforms import Platform, PurchaseKind
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.errors import UnknownStageError
from salesfunnel.funnel.stages import Funnel
from salesfunnel.qualification import Criterion, Outcome
from salesfunnel.render import render
from tests import factories

WALL_OK = {
    "fits_target_profile": True,
    "real_need": True,
    "first_contact_made": True,
    "sound_finances": True,
}


def deal(account, path, *, start=date(2026, 1, 5), ident=None, lose=False, facts=None):
    """A deal created at ``path[0]`` and moved along ``path`` a week apart."""
    opp = factories.deal(
        id=ident or f"{account}-{len(path)}-{start}",
        name=f"{account} deal",
        account=account,
        owner="Li Wei",
        stage=path[0],
        created=start,
        expected_close=start + timedelta(days=180),
        amount=Decimal(1000),
        product="ERP",
        facts={**factories.gate_facts(), **(facts or {})},
    )
    day = start
    for stage in path[1:]:
        day += timedelta(days=7)
        opp = DEFAULT_FUNNEL.advance(opp, stage, on=day)
    if lose:
        opp = DEFAULT_FUNNEL.lose(opp, on=day + timedelta(days=7), reason="lost on price")
    return opp


LADDER = [s.key for s in DEFAULT_FUNNEL]


class TestBuyingStep:
    def test_five_steps_in_order(self):
        """The five steps carry the source's Chinese names and numbers 1 to 5."""
        assert [s.label("zh") for s in BuyingStep] == [
            "产生需求",
            "收集信息",
            "评估选择",
            "购买决定",
            "购后反应",
        ]
        assert [s.number for s in BuyingStep] == [1, 2, 3, 4, 5]
        assert BuyingStep.DECISION.label() == "Purchase decision"


class TestBuyingMap:
    def test_default_map(self):
        """The default map covers the ladder, in order, and leaves out lost."""
        assert [DEFAULT_BUYING_MAP.step(k) for k in LADDER] == [
            BuyingStep.NEED,
            BuyingStep.NEED,
            BuyingStep.INFORMATION,
            BuyingStep.EVALUATION,
            BuyingStep.EVALUATION,
            BuyingStep.DECISION,
            BuyingStep.POST_PURCHASE,
        ]
        assert DEFAULT_BUYING_MAP.step("lost") is None

    def test_unknown_stage(self):
        """Asking for a stage the funnel lacks is an UnknownStageError."""
        with pytest.raises(UnknownStageError):
            DEFAULT_BUYING_MAP.step("signed")

    def test_unmapped_stage(self):
        """Every ladder stage must be mapped."""
        steps = dict(DEFAULT_BUYING_MAP.steps)
        del steps["intent"]
        with pytest.raises(InvalidBuyingMapError, match="missing: intent") as info:
            BuyingMap(DEFAULT_FUNNEL, steps)
        assert info.value.stages == ("intent",)
        assert isinstance(info.value, ValueError)

    def test_unknown_stage_in_map(self):
        """A map may not name stages the funnel does not have."""
        with pytest.raises(InvalidBuyingMapError, match="not in funnel"):
            BuyingMap(DEFAULT_FUNNEL, {**DEFAULT_BUYING_MAP.steps, "signed": "decision"})

    def test_backwards(self):
        """Steps may not run backwards along the ladder."""
        steps = {**DEFAULT_BUYING_MAP.steps, "negotiation": BuyingStep.INFORMATION}
        with pytest.raises(InvalidBuyingMapError, match="run backwards") as info:
            BuyingMap(DEFAULT_FUNNEL, steps)
        assert info.value.stages == ("recognition", "negotiation")

    def test_custom_funnel(self):
        """A map for a funnel of one's own, with step values given as strings."""
        funnel = Funnel(
            [
                Stage("lead", Text("Lead", "线索"), "0.1"),
                Stage("quote", Text("Quote", "报价"), "0.5"),
                Stage("won", Text("Won", "成交"), 1, kind=StageKind.WON),
            ],
            Stage("lost", Text("Lost", "丢单"), 0, kind=StageKind.LOST),
        )
        mapping = BuyingMap(
            funnel,
            {"lead": "need", "quote": "evaluation", "won": "post_purchase", "lost": "decision"},
        )
        assert mapping.stages(BuyingStep.EVALUATION) == ("quote",)
        assert mapping.stages(BuyingStep.INFORMATION) == ()
        assert mapping.step("lost") is BuyingStep.DECISION

    def test_table(self):
        """The map renders as a table of steps and stages."""
        table = DEFAULT_BUYING_MAP.table()
        assert table.rows[2] == (
            3,
            "Evaluation of options",
            "Guide the customer to establish a project, Win customer recognition",
        )
        assert "评估选择" in render(DEFAULT_BUYING_MAP.table("zh"), "text")


class TestBuyingStepFunction:
    def test_stage_and_opportunity(self):
        """The step of a stage key or of an opportunity's stage."""
        assert buying_step("negotiation") is BuyingStep.DECISION
        assert buying_step(deal("Acme", ["potential", "intent"])) is BuyingStep.INFORMATION
        assert buying_step(deal("Acme", ["potential"], lose=True)) is None

    def test_stages_for(self):
        """The stages of a step, in ladder order."""
        assert stages_for(BuyingStep.EVALUATION) == ("project", "recognition")
        assert stages_for(BuyingStep.POST_PURCHASE) == ("closed",)


class TestBuyingFunnel:
    def test_counts(self):
        """Each step counts its deals; lost deals count under None."""
        deals = [
            deal("A", ["potential"]),
            deal("B", ["potential", "intent", "project"]),
            deal("C", ["potential", "intent"], lose=True),
        ]
        counts = dict(buying_funnel(deals))
        assert counts[BuyingStep.NEED] == 1
        assert counts[BuyingStep.EVALUATION] == 1
        assert counts[None] == 1
        assert list(counts) == [*BuyingStep, None]

    def test_as_of_a_date(self):
        """On a past date, deals count where they stood; later deals are left out."""
        deals = [
            deal("A", ["potential", "intent", "project"], start=date(2026, 1, 1)),
            deal("B", ["potential"], start=date(2026, 3, 1)),
        ]
        counts = dict(buying_funnel(deals, on=date(2026, 1, 9)))
        assert counts[BuyingStep.INFORMATION] == 1
        assert sum(counts.values()) == 1

    def test_sample_adds_up(self):
        """On the sample, the counts add up to the number of deals."""
        assert sum(n for _, n in buying_funnel(sample_pipeline())) == 600


class TestPlatform:
    def test_labels_and_levels(self):
        """Five platforms, lowest first, with the source's Chinese names."""
        assert [p.level for p in Platform] == [0, 1, 2, 3, 4]
        assert Platform.KEY_CUSTOMERS.label("zh") == "重要客户工作平台"
        assert Platform.MARKET_PLATFORM.label("zh") == "市场平台（潜在客户）"
        assert PurchaseKind.NEW.label("zh") == "新客户"
        assert PurchaseKind.EXISTING.label() == "existing customer"


class TestScreenAccount:
    def test_potential_market(self):
        """With no known contact, an account is in the potential market."""
        result = screen_account(AccountEvidence("X"))
        assert result.platform is Platform.POTENTIAL_MARKET
        assert result.wall.outcome is Outcome.UNDECIDED

    def test_market_platform(self):
        """A first contact but a failed wall: the market platform, with the reasons."""
        result = screen_account(AccountEvidence("X", {**WALL_OK, "sound_finances": False}))
        assert result.platform is Platform.MARKET_PLATFORM
        assert [c.key for c in result.wall.failed] == ["sound_finances"]

    def test_sales_platform(self):
        """Past the wall but no purchase: the sales platform."""
        result = screen_account(AccountEvidence("X", WALL_OK, open_deals=1, in_negotiation=True))
        assert result.platform is Platform.SALES_PLATFORM
        assert result.notes == ()

    def test_purchase_platform(self):
        """A purchase puts an account on the purchase platform: new after one, existing after more."""
        new = screen_account(AccountEvidence("X", purchases=1))
        old = screen_account(AccountEvidence("X", purchases=3))
        assert (new.platform, new.purchase_kind) == (Platform.PURCHASE_PLATFORM, PurchaseKind.NEW)
        assert old.purchase_kind is PurchaseKind.EXISTING

    def test_key_customers(self):
        """A designated key account that has bought is on the key-customer platform."""
        result = screen_account(AccountEvidence("X", WALL_OK, purchases=4, key_account=True))
        assert result.platform is Platform.KEY_CUSTOMERS

    def test_key_account_without_purchase_is_noted(self):
        """A key account that has not bought is screened by evidence, with a note."""
        result = screen_account(AccountEvidence("X", WALL_OK, key_account=True))
        assert result.platform is Platform.SALES_PLATFORM
        assert "has not bought yet" in result.notes[0]("en")

    def test_worked_but_not_past_the_wall_is_noted(self):
        """Open deals with an account that has not passed the wall are flagged."""
        result = screen_account(AccountEvidence("X", {"first_contact_made": True}, open_deals=2))
        assert result.platform is Platform.MARKET_PLATFORM
        assert "not passed the wall" in result.explain()
        assert "围墙准则" in result.explain("zh")

    def test_own_wall(self):
        """The wall can be replaced."""
        wall = Criterion.fact("budget", "Has a budget", "有预算")
        result = screen_account(AccountEvidence("X", {"budget": True}), wall=wall)
        assert result.platform is Platform.SALES_PLATFORM

    def test_explain(self):
        """The explanation names the platform, the kind and the wall's verdict."""
        text = screen_account(AccountEvidence("Acme", WALL_OK, purchases=1)).explain()
        assert text.splitlines()[0] == "Acme: Purchase platform (new customer)"
        assert "✓ First contact has been made" in text

    @given(
        st.dictionaries(st.sampled_from(sorted(WALL_OK)), st.one_of(st.booleans(), st.none())),
        st.integers(0, 3),
        st.booleans(),
    )
    def test_never_above_the_evidence(self, facts, purchases, key):
        """An account is never placed above what its purchases and wall verdict support."""
        result = screen_account(AccountEvidence("X", facts, purchases=purchases, key_account=key))
        if purchases == 0:
            assert result.platform.level <= 2
            assert (result.platform is Platform.SALES_PLATFORM) == result.wall.passed
            if result.platform is Platform.MARKET_PLATFORM:
                assert facts.get("first_contact_made") is True
        else:
            assert result.platform.level >= 3


class TestAccountEvidence:
    def test_from_deals(self):
        """Purchases, open deals, negotiation and facts are gathered per account."""
        deals = [
            deal("Acme", LADDER[1:], ident="A1"),
            deal(
                "Acme", ["potential", "intent", "project", "recognition", "negotiation"], ident="A2"
            ),
            deal("Beta", ["potential"], ident="B1"),
        ]
        ev = account_evidence(deals, as_of=date(2026, 12, 31), key_accounts={"Acme"})
        acme, beta = ev["Acme"], ev["Beta"]
        assert (acme.purchases, acme.open_deals, acme.in_negotiation, acme.key_account) == (
            1,
            1,
            True,
            True,
        )
        assert acme.facts["first_contact_made"] is True
        assert (beta.purchases, beta.open_deals, beta.in_negotiation) == (0, 1, False)
        assert "first_contact_made" not in beta.facts

    def test_as_of_leaves_out_later_deals_and_stages(self):
        """Evidence is as of a date: later deals are left out, later moves undone."""
        deals = [
            deal("Acme", LADDER[1:], ident="A1", start=date(2026, 1, 1)),
            deal("Beta", ["potential"], ident="B1", start=date(2026, 6, 1)),
        ]
        ev = account_evidence(deals, as_of=date(2026, 1, 20))
        assert list(ev) == ["Acme"]
        assert ev["Acme"].purchases == 0
        assert ev["Acme"].open_deals == 1

    def test_facts_override_and_accounts_without_deals(self):
        """Given facts override the deals' facts, and add accounts that have no deals."""
        deals = [deal("Acme", ["potential", "intent"], ident="A1")]
        extra = {"Acme": {"sound_finances": False}, "Gamma": {"first_contact_made": True}}
        ev = account_evidence(deals, as_of=date(2026, 12, 31), facts=extra)
        assert ev["Acme"].facts["sound_finances"] is False
        assert ev["Gamma"].purchases == 0
        report = screen_accounts(ev)
        assert report["Gamma"].platform is Platform.MARKET_PLATFORM
        assert report["Acme"].platform is Platform.MARKET_PLATFORM

    def test_given_contact_fact_is_kept(self):
        """A known first_contact_made is never overwritten by the derivation."""
        deals = [
            deal("Acme", ["potential", "intent"], ident="A1", facts={"first_contact_made": False})
        ]
        ev = account_evidence(deals, as_of=date(2026, 12, 31))
        assert ev["Acme"].facts["first_contact_made"] is False

    def test_lost_deal_still_proves_contact(self):
        """A deal that reached confirmed intent and was then lost still proves contact."""
        deals = [deal("Acme", ["potential", "intent"], ident="A1", lose=True)]
        ev = account_evidence(deals, as_of=date(2026, 12, 31))
        assert ev["Acme"].facts["first_contact_made"] is True
        assert ev["Acme"].open_deals == 0


class TestScreenAccounts:
    def test_sample(self):
        """The sample's accounts are screened, highest platform first."""
        evidence = account_evidence(
            sample_pipeline(), as_of=SAMPLE_AS_OF, key_accounts={"Huaxin Group"}
        )
        report = screen_accounts(evidence)
        assert len(report) == len(evidence)
        assert report.accounts[0].account == "Huaxin Group"
        assert report.on(Platform.KEY_CUSTOMERS) == ("Huaxin Group",)
        levels = [s.platform.level for s in report]
        assert levels == sorted(levels, reverse=True)
        counts = dict(report.count_by_platform())
        assert sum(counts.values()) == len(evidence)
        assert counts[Platform.PURCHASE_PLATFORM] > 0

    def test_sequence_input_and_tables(self):
        """A list of evidence works; the tables render in both languages."""
        report = screen_accounts([AccountEvidence("B", purchases=1), AccountEvidence("A")])
        assert [s.account for s in report] == ["B", "A"]
        assert report.table().rows[0] == (0, "Potential market", 1)
        assert report.table("zh").headers == ("#", "平台", "客户数")
        assert report.account_table().rows[0][:3] == ("B", "Purchase platform", "new customer")
        assert report.account_table("zh").headers[0] == "客户"
        assert "<table>" in report._repr_html_()
        with pytest.raises(KeyError):
            report["Nobody"]
