from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given

from salesfunnel import ChangeKind, InvalidOpportunityError, LineItem, StageChange
from salesfunnel.errors import (
    AmountTypeError,
    CurrencyError,
    InvalidAmountError,
    InvalidDateError,
    InvalidProbabilityError,
)
from salesfunnel.funnel import Reschedule
from tests import factories
from tests import strategies as sst

D = date(2026, 1, 5)


make = factories.deal_maker(
    name="CRM",
    stage="intent",
    created=D,
    expected_close=date(2026, 9, 30),
    amount="50000",
    currency="EUR",
)


class TestOpportunity:
    def test_one_product_needs_no_ceremony(self):
        """amount= and product= make a single line item."""
        o = make(product="ERP")
        assert o.line_items == (LineItem("ERP", Decimal(50000)),)
        assert o.products == ("ERP",)
        assert make().line_items == (LineItem("", Decimal(50000)),)

    def test_line_items_give_the_amount(self):
        """Without amount, the amount is the sum of the line items."""
        o = make(amount=None, line_items={"ERP": "100.50", "CRM": 20})
        assert o.amount == Decimal("120.50")
        o2 = make(amount=None, line_items=[LineItem("ERP", 5)])
        assert o2.amount == 5

    def test_amount_must_match_line_items(self):
        """An amount that disagrees with the lines is refused."""
        with pytest.raises(InvalidOpportunityError, match="add up to 120"):
            make(amount=100, line_items={"ERP": 100, "CRM": 20})

    def test_line_item_rules(self):
        """product= with line_items=, non-LineItem lines and no amount at all are refused."""
        with pytest.raises(InvalidOpportunityError, match="not both"):
            make(product="ERP", line_items={"ERP": 1})
        with pytest.raises(InvalidOpportunityError, match="LineItem"):
            make(amount=None, line_items=[("ERP", 1)])
        with pytest.raises(InvalidOpportunityError, match="amount= or line_items="):
            make(amount=None)

    def test_expected_close_before_creation(self):
        """An expected close before creation is refused."""
        with pytest.raises(InvalidOpportunityError, match="before created") as info:
            make(expected_close=date(2026, 1, 4))
        assert info.value.field == "expected_close"
        assert info.value.opportunity_id == "D1"

    @pytest.mark.parametrize(
        ("field", "value", "error"),
        [
            ("amount", "-1", InvalidAmountError),
            ("amount", Decimal("NaN"), InvalidAmountError),
            ("amount", 1.5, AmountTypeError),
            ("currency", "EURO", CurrencyError),
            ("probability", 1.5, InvalidProbabilityError),
            ("probability", -0.1, InvalidProbabilityError),
            ("created", datetime(2026, 1, 5, 9), InvalidDateError),
            ("expected_close", "2026-09-30", InvalidDateError),
        ],
    )
    def test_bad_fields(self, field, value, error):
        """Each bad field raises its typed error."""
        with pytest.raises(error):
            make(**{field: value})

    @pytest.mark.parametrize("field", ["id", "name", "account", "owner", "stage"])
    def test_required_text(self, field):
        """Identifying text fields must be non-empty strings."""
        with pytest.raises(InvalidOpportunityError):
            make(**{field: " "})

    def test_notes_must_be_text(self):
        """Notes may be empty but must be a string."""
        with pytest.raises(InvalidOpportunityError):
            make(notes=None)

    def test_close_fields(self):
        """closed_on cannot precede creation; lost_reason needs closed_on."""
        with pytest.raises(InvalidOpportunityError, match="closed_on"):
            make(closed_on=date(2025, 1, 1))
        with pytest.raises(InvalidOpportunityError, match="lost_reason"):
            make(lost_reason="price")

    def test_history_defaults_to_creation(self):
        """Without a history, the creation entry is recorded."""
        h = make().history
        assert h == (StageChange(None, "intent", D, kind=ChangeKind.CREATE),)

    @pytest.mark.parametrize(
        ("history", "match"),
        [
            ((), "empty"),
            (("x",), "not a StageChange"),
            ((StageChange("a", "intent", D),), "creation"),
            ((StageChange(None, "intent", date(2026, 1, 1)),), "before created"),
            ((StageChange(None, "potential", D), StageChange("x", "intent", D)), "does not chain"),
            (
                (
                    StageChange(None, "potential", date(2026, 2, 1)),
                    StageChange("potential", "intent", D),
                ),
                "back in time",
            ),
            ((StageChange(None, "potential", D),), "ends in"),
        ],
    )
    def test_bad_histories(self, history, match):
        """Histories must start with creation, chain, keep dates in order and end in the stage."""
        with pytest.raises(InvalidOpportunityError, match=match):
            make(history=history)

    def test_bad_revisions(self):
        """Revisions must be Reschedule/Reprice, oldest first, not before creation."""
        with pytest.raises(InvalidOpportunityError, match="Reschedule, Reprice or Override"):
            make(revisions=["x"])
        with pytest.raises(InvalidOpportunityError, match="before"):
            make(revisions=[Reschedule(date(2025, 1, 1), D, date(2026, 3, 1))])

    def test_evolve_rechecks(self):
        """evolve() applies changes and runs every check again."""
        o = make(product="ERP")
        assert o.evolve(amount="10").line_items == (LineItem("ERP", Decimal(10)),)
        assert o.evolve(line_items={"A": 1, "B": 2}).amount == 3
        several = o.evolve(line_items={"A": 1, "B": 2})
        assert several.evolve(amount="5").line_items == (LineItem("", Decimal(5)),)
        with pytest.raises(InvalidAmountError):
            o.evolve(amount="-1")

    def test_last_change(self):
        """last_change is the latest of creation, stage changes and revisions."""
        o = make(
            revisions=[Reschedule(date(2026, 2, 1), date(2026, 9, 30), date(2026, 10, 30))],
            expected_close=date(2026, 10, 30),
        )
        assert o.last_change == date(2026, 2, 1)
        assert make().last_change == D

    def test_equality_and_hash(self):
        """Opportunities are values: equal fields, equal objects, same hash."""
        assert make() == make()
        assert hash(make()) == hash(make())


@given(sst.opportunities())
def test_generated_opportunities_are_consistent(opp):
    """Generated opportunities satisfy the model's invariants."""
    assert opp.amount == sum(li.amount for li in opp.line_items)
    assert opp.expected_close >= opp.created
    assert opp.history[-1].to_stage == opp.stage
