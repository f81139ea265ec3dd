"""The customer results check themselves: a broken invariant raises the area's typed error."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest

from salesfunnel.customers._abc_result import Method
from salesfunnel.customers.abc_classes import (
    InvalidThresholdsError,
    abc_classify,
    abc_combined,
    computed_abc,
)
from salesfunnel.customers.buying import AccountEvidence, ScreeningReport, screen_account
from salesfunnel.customers.key_customers import CustomerProfile, classify_key_customer
from salesfunnel.customers.platforms import Platform, PurchaseKind
from salesfunnel.customers.scoring import (
    InvalidWeightsError,
    Scale,
    Scorecard,
    ScoreCriterion,
    criteria_for,
    score_accounts,
)
from salesfunnel.errors import FunnelError, InvalidResultError
from salesfunnel.i18n import Text

CHURN = ScoreCriterion("churn", Text("Churn risk", "流失风险"), Scale.number(low=-1), False)


def card() -> Scorecard[Any]:
    rows = {
        "Huaxin": {"sales_amount": Decimal("1200000.50"), "loyalty": 5, "churn": Fraction(1, 3)},
        "Orion": {"sales_amount": Decimal(300000), "loyalty": 4, "churn": 0.5},
        7: {"sales_amount": Decimal(600000), "loyalty": 1, "churn": 2},
        "Kite": {"sales_amount": None, "loyalty": 3, "churn": 0},
    }
    return score_accounts(
        rows, criteria=(*criteria_for("sales_amount", "loyalty"), CHURN), skip_incomplete=True
    )


def refused(make: Any, error: type[FunnelError] = InvalidResultError) -> FunnelError:
    """The error ``make()`` raises: of type ``error``, naming its field."""
    with pytest.raises(error) as info:
        make()
    assert isinstance(info.value, ValueError)
    assert info.value.where
    return info.value


class TestAbc:
    def test_options_and_cuts(self):
        """Places, thresholds, boundary and cuts that do not fit are refused by the result."""
        good = abc_classify({"a": 60, "b": 25, "c": 10, "d": 0})
        err = refused(lambda: attrs.evolve(good, places=0), InvalidThresholdsError)
        assert (err.where, err.why) == (("places",), "is not a whole number from 1 to 30")
        err = refused(
            lambda: attrs.evolve(good, thresholds=(Decimal("0.9"), Decimal("0.5"))),
            InvalidThresholdsError,
        )
        assert err.where == ("thresholds",)
        assert "must increase" in str(err)
        err = refused(lambda: attrs.evolve(good, boundary=None))
        assert err.where == ("boundary",)
        err = refused(lambda: attrs.evolve(good, cuts=(1, 3)))
        assert err.why == "has 2 entries; this analysis has 3 classes"
        err = refused(lambda: attrs.evolve(good, cuts=(2, 1, 4)))
        assert err.why == "are not counts of customers rising to the 4 customers"
        err = refused(lambda: attrs.evolve(good, cuts=(-1, 3, 4)))
        assert err.where == ("cuts",)

    def test_thresholds_of_any_kind_are_read_alike(self):
        """Thresholds read once are read alike again; unhashable ones are read every time."""
        with pytest.raises(InvalidThresholdsError) as info:
            abc_classify({"a": 1}, thresholds=([0.5],))
        assert info.value.where == ("thresholds",)
        assert abc_classify({"a": 1}, thresholds=[0.5]).thresholds == (Decimal("0.5"),)
        assert abc_classify({"a": 1}, thresholds=(0.5,)).thresholds == (Decimal("0.5"),)

    def test_computed_results_have_three_classes(self):
        """A computed analysis has three classes whatever its (empty) thresholds."""
        result = computed_abc(dict(enumerate([90, 60, 40, 20, 10, 8, 6, 4, 2, 1])))
        assert result.method is Method.COMPUTED
        assert refused(lambda: attrs.evolve(result, cuts=(3, 10))).where == ("cuts",)

    def test_combined(self):
        """A combined result has criteria, each once, and one result per criterion."""
        combined = abc_combined({"revenue": {"x": 900, "y": 80}, "volume": {"x": 2, "y": 30}})
        err = refused(lambda: attrs.evolve(combined, criteria=("revenue", "revenue")))
        assert (err.where, err.why) == (("criteria",), "is empty or repeats a criterion")
        assert refused(lambda: attrs.evolve(combined, criteria=())).where == ("criteria",)
        err = refused(lambda: attrs.evolve(combined, results=combined.results[:1]))
        assert err.why == "has 1 results for 2 criteria"


class TestScorecard:
    def test_contributions(self):
        """A share outside [0, 1] or a contribution that is not weight × normalised is refused."""
        part = card().accounts[0].contributions[1]
        err = refused(lambda: attrs.evolve(part, contribution=0.3))
        assert err.where == ("contribution",)
        assert err.why.startswith("is not weight × normalised")
        assert refused(lambda: attrs.evolve(part, normalised=1.5)).where == ("normalised",)
        err = refused(lambda: attrs.evolve(part, weight=2.0), InvalidWeightsError)
        assert (err.where, err.why) == (("weight",), "is not in [0, 1]")

    def test_scored_accounts(self):
        """A score that is not the sum of the contributions, or a rank below 1, is refused."""
        account = card().accounts[0]
        err = refused(lambda: attrs.evolve(account, score=0.1))
        assert (err.where, err.why) == (("score",), "is not the sum of the contributions")
        assert refused(lambda: attrs.evolve(account, rank=0)).why == "is not a rank (1 or more)"

    @pytest.mark.parametrize(
        ("edit", "where", "why"),
        [
            (
                lambda c: attrs.evolve(c, criteria=(*c.criteria, c.criteria[0])),
                ("criteria",),
                "repeats a criterion key",
            ),
            (lambda c: attrs.evolve(c, weighting="magic"), ("weighting",), "is not one of"),
            (
                lambda c: attrs.evolve(c, accounts=c.accounts[::-1]),
                ("accounts", 1, "score"),
                "is higher than the one before",
            ),
            (
                lambda c: attrs.evolve(
                    c, accounts=(c.accounts[0], attrs.evolve(c.accounts[1], rank=1))
                ),
                ("accounts", 1, "rank"),
                "is 1, but its place and score give rank 2",
            ),
            (
                lambda c: attrs.evolve(
                    c, accounts=(c.accounts[0], attrs.evolve(c.accounts[0], rank=1))
                ),
                ("accounts", 1, "customer"),
                "repeats a customer",
            ),
            (
                lambda c: attrs.evolve(c, incomplete=(*c.incomplete, (7, ("loyalty",)))),
                ("incomplete", 1, "customer"),
                "repeats a customer",
            ),
            (
                lambda c: attrs.evolve(c, incomplete=(("Lark", ("colour",)),)),
                ("incomplete", 0, "missing"),
                "is empty or names a key",
            ),
        ],
    )
    def test_scorecards(self, edit, where, why):
        """Criteria, weighting, order, ranks and customers that do not fit are refused."""
        err = refused(lambda: edit(card()))
        assert err.where == where
        assert err.why.startswith(why)

    def test_contributions_follow_the_criteria(self):
        """Each account has one contribution per criterion of the scorecard, in its order."""
        c = card()
        account = c.accounts[0]
        fewer = (account.contributions[0], account.contributions[1])
        odd = attrs.evolve(account, contributions=fewer, score=sum(p.contribution for p in fewer))
        err = refused(lambda: attrs.evolve(c, accounts=(odd, *c.accounts[1:])))
        assert err.where == ("accounts", 0, "contributions")
        assert err.why.startswith("name the criteria ['sales_amount', 'loyalty']")


class TestKeyCustomers:
    def result(self) -> Any:
        profile = CustomerProfile(
            "Huaxin", profit_share=Decimal("0.12"), tenure_years=6, repeat_purchases=14
        )
        return classify_key_customer(profile)

    @pytest.mark.parametrize("name", ["primary", "matched", "undecided", "missing"])
    def test_derived_values_follow_the_verdicts(self, name):
        """Matched, undecided, primary and missing are what the verdicts give."""
        result = self.result()
        wrong = {"primary": None, "matched": (), "undecided": (), "missing": ()}[name]
        err = refused(lambda: attrs.evolve(result, **{name: wrong}))
        assert err.where == (name,)
        assert err.why.startswith("does not follow from the verdicts, which give")

    def test_a_type_judged_once(self):
        """A type judged twice is refused."""
        result = self.result()
        twice = (result.verdicts[0], *result.verdicts)
        err = refused(lambda: attrs.evolve(result, verdicts=twice))
        assert (err.where, err.why) == (("verdicts",), "repeats a type")


class TestScreening:
    def test_platform_must_fit_the_wall(self):
        """A purchase kind off the buying platforms, or a platform the wall contradicts, is refused."""
        market = screen_account(AccountEvidence("Orion", {"first_contact_made": True}))
        assert not market.wall.passed
        err = refused(lambda: attrs.evolve(market, purchase_kind=PurchaseKind.NEW))
        assert err.where == ("purchase_kind",)
        err = refused(lambda: attrs.evolve(market, platform=Platform.SALES_PLATFORM))
        assert err.why == "is the sales platform, but the wall did not pass"
        facts = {
            "fits_target_profile": True,
            "real_need": True,
            "first_contact_made": True,
            "sound_finances": True,
        }
        sales = screen_account(AccountEvidence("Lark", facts))
        assert sales.wall.passed
        err = refused(lambda: attrs.evolve(sales, platform=Platform.MARKET_PLATFORM))
        assert err.why == "is below the sales platform, but the wall passed"

    def test_report_order(self):
        """Accounts are listed by platform, highest first, then by name, each once."""
        a = screen_account(AccountEvidence("Alpha"))
        b = screen_account(AccountEvidence("Beta"))
        assert len(ScreeningReport((a, b))) == 2
        err = refused(lambda: ScreeningReport((b, a)))
        assert (err.where, err.why) == (("accounts", 1), "is out of order")
        err = refused(lambda: ScreeningReport((a, a)))
        assert (err.where, err.why) == (("accounts", 1, "account"), "repeats an account")

    def test_evidence_counts(self):
        """Negative counts of purchases or open deals are refused."""
        err = refused(lambda: AccountEvidence("Kite", open_deals=-1))
        assert (err.where, err.why) == (("open_deals",), "is negative")
