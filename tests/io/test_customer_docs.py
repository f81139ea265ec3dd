"""Tests for salesfunnel.io._customer_docs: scorecards, key-customer types and screening."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from salesfunnel import Text, score_accounts
from salesfunnel.customers import (
    DEFAULT_BUYING_MAP,
    AccountEvidence,
    CustomerProfile,
    KeyCustomerThresholds,
    Scale,
    ScoreCriterion,
    account_evidence,
    classify_key_customer,
    criteria_for,
    screen_account,
    screen_accounts,
)
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.io import DataFileError, dumps, loads, to_dict

SAMPLE = sample_pipeline()


def problems(doc: dict[str, Any]) -> list[tuple[str | None, str]]:
    """The (path, why) of every problem reading ``doc``."""
    with pytest.raises(DataFileError) as info:
        loads(json.dumps(doc))
    return [(p.column, p.why) for p in info.value.problems]


CHURN = ScoreCriterion("churn", Text("Churn risk", "流失风险"), Scale.number(low=-1), False)


def card() -> Any:
    rows = {
        "Huaxin": {"sales_amount": Decimal("1200000.50"), "loyalty": 5, "churn": Fraction(1, 3)},
        "Orion": {"sales_amount": Decimal(300000), "loyalty": 4, "churn": 0.5},
        7: {"sales_amount": Decimal(600000), "loyalty": 1, "churn": 2},
        "Kite": {"sales_amount": None, "loyalty": 3, "churn": 0},
    }
    return score_accounts(
        rows,
        criteria=(*criteria_for("sales_amount", "loyalty"), CHURN),
        skip_incomplete=True,
    )


class TestScorecardDocument:
    def test_shape(self):
        """Criteria are written once; contributions name them by key; figures keep their type."""
        doc = to_dict(card())["scorecard"]
        assert [c["key"] for c in doc["criteria"]] == ["sales_amount", "loyalty", "churn"]
        assert doc["criteria"][2]["scale"] == {
            "kind": "number",
            "low": "-1",
            "high": None,
            "normalise": "min-max",
        }
        assert doc["criteria"][2]["higher_is_better"] is False
        assert doc["weighting"] == "equal"
        values = {a["customer"]: [c["value"] for c in a["contributions"]] for a in doc["accounts"]}
        assert values == {
            "Huaxin": ["1200000.50", 5, "1/3"],
            "Orion": ["300000", 4, 0.5],
            7: ["600000", 1, 2],
        }
        assert doc["accounts"][0]["contributions"][0]["criterion"] == "sales_amount"
        assert doc["incomplete"] == [{"customer": "Kite", "missing": ["sales_amount"]}]

    def test_scored_account_writes_its_criteria(self):
        """A scored customer on its own writes each contribution's criterion in full."""
        account = card().accounts[0]
        doc = to_dict(account)
        assert doc["schema"] == "salesfunnel/scored-account"
        assert doc["scored_account"]["contributions"][0]["criterion"]["key"] == "sales_amount"
        assert loads(json.dumps(doc)) == account

    def test_keys_and_figures_that_cannot_be_written(self):
        """Customer keys other than str and int, and figures of other types, cannot be written."""
        with pytest.raises(TypeError, match="use str"):
            dumps(score_accounts({("a", 1): {"loyalty": 3}}, criteria=criteria_for("loyalty")))
        account = card().accounts[0]
        odd = account.contributions[0].__class__(
            account.contributions[0].criterion, "high", 1.0, 0.5, 0.5
        )
        with pytest.raises(TypeError, match="figure of type str"):
            dumps(account.__class__("x", 0.5, 1, (odd,)))

    @pytest.mark.parametrize(
        ("edit", "column", "why"),
        [
            (
                lambda d: d["accounts"][0]["contributions"][1].update(contribution=0.3),
                "accounts[0].contributions[1].contribution",
                "is not weight × normalised",
            ),
            (
                lambda d: d["accounts"][0].update(score=0.1),
                "accounts[0].score",
                "is not the sum of the contributions",
            ),
            (
                lambda d: d["accounts"][1].update(rank=1),
                "accounts[1].rank",
                "is 1, but its place and score give rank 2",
            ),
            (
                lambda d: d["accounts"].reverse(),
                "accounts[1].score",
                "is higher than the one before",
            ),
            (
                lambda d: d["accounts"][0]["contributions"].pop(),
                "accounts[0].contributions",
                "name the criteria ['sales_amount', 'loyalty']",
            ),
            (
                lambda d: d["criteria"].append(d["criteria"][0]),
                "criteria",
                "repeats a criterion key",
            ),
            (lambda d: d.update(weighting="magic"), "weighting", "is not one of weights"),
            (
                lambda d: d["incomplete"].append({"customer": 7, "missing": ["loyalty"]}),
                "incomplete[1].customer",
                "repeats a customer",
            ),
            (
                lambda d: d["incomplete"][0].update(missing=["colour"]),
                "incomplete[0].missing",
                "is empty or names a key",
            ),
            (
                lambda d: d["accounts"][0]["contributions"][1].update(value=9),
                "accounts[0].contributions[1].value",
                "outside the scale",
            ),
            (
                lambda d: d["accounts"][0]["contributions"][1].update(weight=2.0),
                "accounts[0].contributions[1].weight",
                "is not in [0, 1]",
            ),
            (
                lambda d: d["accounts"][0]["contributions"][2].update(value="1/0"),
                "accounts[0].contributions[2].value",
                "is not a number",
            ),
            (
                lambda d: d["accounts"][0]["contributions"][0].update(value="Infinity"),
                "accounts[0].contributions[0].value",
                "is not a finite number",
            ),
            (
                lambda d: d["accounts"][0]["contributions"][0].update(value=True),
                "accounts[0].contributions[0].value",
                "is a bool, not a figure",
            ),
            (
                lambda d: d["accounts"][0].update(customer=None),
                "accounts[0].customer",
                "is null, not a customer key",
            ),
        ],
    )
    def test_bad_documents(self, edit, column, why):
        """Scores, ranks, criteria and figures that do not fit together are problems."""
        doc = to_dict(card())
        edit(doc["scorecard"])
        found = problems(doc)
        assert found[0][0] == f"$.scorecard.{column}"
        assert why in found[0][1]

    def test_repeated_scored_customer(self):
        """A customer scored twice is a problem."""
        doc = to_dict(card())
        accounts = doc["scorecard"]["accounts"]
        accounts[1] = dict(copy.deepcopy(accounts[0]), rank=1)
        assert problems(doc) == [("$.scorecard.accounts[1].customer", "repeats a customer")]

    def test_bad_scored_account(self):
        """A scored customer alone is checked the same way, but not for its rank among others."""
        doc = to_dict(card().accounts[1])
        doc["scored_account"]["rank"] = 0
        assert problems(doc) == [("$.scored_account.rank", "is not a rank (1 or more)")]
        doc["scored_account"]["score"] = 2.0
        assert problems(doc)[0][0] == "$.scored_account.score"


class TestKeyCustomerDocuments:
    def profile(self) -> CustomerProfile:
        return CustomerProfile(
            "Huaxin", profit_share=Decimal("0.12"), tenure_years=6, repeat_purchases=14
        )

    def test_shape(self):
        """Each type's verdict is written with the type's value; default rules by reference."""
        doc = to_dict(classify_key_customer(self.profile()))["key_customer_classification"]
        assert doc["primary"] == "profit_contributor"
        assert doc["matched"] == ["profit_contributor", "loyal_long_standing"]
        assert doc["undecided"] == ["brand_problem", "small_growth"]
        assert doc["verdicts"][0]["type"] == "profit_contributor"
        assert doc["verdicts"][0]["verdict"]["rule"] == {"ref": "key_customer.profit_contributor"}
        assert doc["missing"] == [
            "brand_importance",
            "problem_level",
            "revenue_share",
            "growth_rate",
        ]

    def test_own_limits_are_written_in_full(self):
        """Rules from limits of one's own are written out, "below" tests included."""
        limits = KeyCustomerThresholds(new_years=Decimal(2))
        result = classify_key_customer(self.profile(), thresholds=limits)
        doc = to_dict(result)["key_customer_classification"]
        new = doc["verdicts"][4]["verdict"]["rule"]
        assert new["test"] == {"type": "below", "fact": "tenure_years", "limit": "2"}
        assert loads(json.dumps(to_dict(result))) == result

    @pytest.mark.parametrize(
        ("edit", "column"),
        [
            (lambda d: d.update(matched=["profit_contributor"]), "matched"),
            (lambda d: d.update(undecided=[]), "undecided"),
            (lambda d: d.update(primary="loyal_long_standing"), "primary"),
            (lambda d: d.update(missing=["growth_rate"]), "missing"),
        ],
    )
    def test_derived_values_must_follow(self, edit, column):
        """Matched, undecided, primary and missing must follow from the verdicts."""
        doc = to_dict(classify_key_customer(self.profile()))
        edit(doc["key_customer_classification"])
        ((path, why),) = problems(doc)
        assert path == f"$.key_customer_classification.{column}"
        assert why.startswith("does not follow from the verdicts")

    def test_repeated_and_bad_types(self):
        """A type judged twice, or an unknown type, is a problem."""
        doc = to_dict(classify_key_customer(self.profile()))
        verdicts = doc["key_customer_classification"]["verdicts"]
        verdicts[1] = copy.deepcopy(verdicts[0])
        assert problems(doc) == [("$.key_customer_classification.verdicts", "repeats a type")]
        verdicts[1]["type"] = "whale"
        assert problems(doc)[0][0] == "$.key_customer_classification.verdicts[1].type"

    def test_profiles(self):
        """Profile figures keep their type; bad and out-of-range figures are problems."""
        profile = CustomerProfile("Orion", profit_share=0.25, tenure_years=Decimal("2.5"))
        doc = to_dict(profile)
        assert doc["customer_profile"]["profit_share"] == 0.25
        assert doc["customer_profile"]["tenure_years"] == "2.5"
        assert doc["customer_profile"]["growth_rate"] is None
        doc["customer_profile"]["tenure_years"] = "long"
        doc["customer_profile"]["growth_rate"] = True
        assert problems(doc) == [
            ("$.customer_profile.tenure_years", "is not a number"),
            ("$.customer_profile.growth_rate", "is a bool, not a number"),
        ]
        doc = to_dict(profile)
        doc["customer_profile"]["profit_share"] = 2
        ((path, why),) = problems(doc)
        assert path == "$.customer_profile"
        assert "outside 0..1" in why


class TestScreeningDocuments:
    def report(self) -> Any:
        return screen_accounts(account_evidence(SAMPLE[:60], as_of=SAMPLE_AS_OF))

    def test_shape(self):
        """A screening writes its platform, the wall's verdict by reference and its notes."""
        evidence = AccountEvidence("Orion", {"first_contact_made": True}, open_deals=2)
        doc = to_dict(screen_account(evidence))["screening"]
        assert doc["platform"] == "market_platform"
        assert doc["wall"]["rule"] == {"ref": "wall"}
        assert doc["purchase_kind"] is None
        assert doc["notes"][0]["en"].startswith("deals are being worked")
        evidence_doc = to_dict(evidence)["account_evidence"]
        assert evidence_doc == {
            "account": "Orion",
            "facts": {"first_contact_made": True},
            "purchases": 0,
            "open_deals": 2,
            "in_negotiation": False,
            "key_account": False,
        }

    def test_platform_must_fit(self):
        """A purchase kind off the purchase platforms, or a platform the wall contradicts, is a problem."""
        report = self.report()
        bought = next(s for s in report if s.purchase_kind is not None)
        doc = to_dict(bought)
        doc["screening"]["platform"] = "sales_platform"
        assert problems(doc)[0][0] == "$.screening.purchase_kind"
        doc["screening"]["purchase_kind"] = None
        doc["screening"]["wall"]["outcome"] = "failed"
        assert problems(doc) == [
            ("$.screening.platform", "is the sales platform, but the wall did not pass")
        ]
        doc["screening"]["wall"]["outcome"] = "passed"
        doc["screening"]["platform"] = "market_platform"
        assert problems(doc)[0] == (
            "$.screening.platform",
            "is below the sales platform, but the wall passed",
        )

    def test_report_order(self):
        """A report lists accounts by platform, highest first, then by name, each once."""
        doc = to_dict(self.report())
        accounts = doc["screening_report"]["accounts"]
        accounts[0], accounts[-1] = accounts[-1], accounts[0]
        assert problems(doc)[0] == ("$.screening_report.accounts[1]", "is out of order")
        doc = to_dict(self.report())
        accounts = doc["screening_report"]["accounts"]
        accounts[1] = copy.deepcopy(accounts[0])
        assert problems(doc) == [("$.screening_report.accounts[1].account", "repeats an account")]

    def test_evidence_counts(self):
        """Negative counts of purchases or open deals are problems."""
        doc = to_dict(AccountEvidence("Kite"))
        doc["account_evidence"]["purchases"] = -1
        assert problems(doc) == [("$.account_evidence.purchases", "is negative")]

    def test_buying_map(self):
        """A buying map writes its funnel (rules by reference) and each stage's step."""
        doc = to_dict(DEFAULT_BUYING_MAP)["buying_map"]
        assert doc["steps"]["recognition"] == "evaluation"
        assert doc["funnel"]["stages"][4]["rule"] == {"ref": "recognition"}
        doc["steps"]["intent"] = "decision"
        ((path, why),) = problems(
            {"schema": "salesfunnel/buying-map", "version": 1, "buying_map": doc}
        )
        assert path == "$.buying_map"
        assert "buying steps run backwards" in why
