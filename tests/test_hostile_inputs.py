"""The hostile inputs of the hardening issue, each with the typed error it gets.

Each case is one input a hostile user tried: it must raise the named
``FunnelError`` subclass (which also subclasses the matching builtin), or be
accepted and behave; never an untyped error, never a hang.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from salesfunnel import DEFAULT_FUNNEL, ChangeKind, Opportunity, StageChange, forecast
from salesfunnel.customers.abc_classes import (
    InvalidCustomerValueError,
    abc_classify,
    computed_abc,
)
from salesfunnel.errors import (
    AmountTypeError,
    FunnelError,
    InvalidAmountError,
    InvalidFactError,
    InvalidOpportunityError,
)
from salesfunnel.funnel.records import LineItem
from salesfunnel.io import DataFileError, dumps, loads
from salesfunnel.pipeline.distribution import distribution_of
from salesfunnel.qualification import Criterion, Facts
from tests.factories import deal


@pytest.mark.parametrize(
    ("call", "error"),
    [
        # hangs: refused by the bounds before any arithmetic
        (lambda: distribution_of([(Decimal("1e-999999"), "0.5"), (1, "0.5")]), InvalidAmountError),
        # accepted, then crashing later: now refused when built
        (lambda: deal(amount=Decimal("1e26"), stage="closed"), InvalidAmountError),
        (lambda: deal(amount="1e9999999"), InvalidAmountError),
        (lambda: deal(facts={"x": float("nan")}), InvalidFactError),
        (lambda: Criterion.at_least("x", "NaN", "x", "x"), InvalidFactError),
        # constructors: strings where strings go, enums converted or refused
        (lambda: LineItem(5, "1"), InvalidOpportunityError),  # type: ignore[arg-type]
        (
            lambda: StageChange("a", "b", date(2026, 1, 1), kind="skip", skipped="abc"),  # type: ignore[arg-type]
            InvalidOpportunityError,
        ),
        (lambda: StageChange("a", "b", date(2026, 1, 1), kind="hop"), FunnelError),  # type: ignore[arg-type]
        (lambda: Facts({1: True, "a": False}), InvalidFactError),  # type: ignore[dict-item]
        (lambda: deal(amount=1.5), AmountTypeError),
    ],
)
def test_refused_with_a_typed_error(call, error):
    with pytest.raises(error) as err:
        call()
    assert isinstance(err.value, FunnelError)
    assert isinstance(err.value, (ValueError, TypeError))


@pytest.mark.parametrize(
    "figure",
    [Decimal("1e999999"), Decimal("1e-999999"), 10**5000, Decimal("1e18")],
    ids=["1e999999", "1e-999999", "10**5000", "1e18"],
)
def test_abc_on_figures_beyond_the_bounds(figure):
    """Exact ABC figures keep the bounds of an amount: refused at once, never a hang."""
    with pytest.raises(InvalidCustomerValueError, match="outside the bounds of an amount"):
        abc_classify({"a": figure, "b": 1})
    assert (
        abc_classify({"a": Decimal("999999999999999999.9999999999"), "b": 1}).class_of("a") == "A"
    )


def test_computed_abc_on_huge_floats():
    """3e226 as a float figure overflowed the squared distances; it classifies now."""
    result = computed_abc({"a": 3e226, "b": 1.0, "c": 2e200})
    assert [result.class_of(k) for k in "abc"] == ["A", "C", "C"]


def test_a_kind_given_as_text_is_the_enum():
    assert StageChange("a", "b", date(2026, 1, 1), kind="advance").kind is ChangeKind.ADVANCE  # type: ignore[arg-type]


def test_facts_hold_immutable_values():
    """A list given as a fact is copied to a tuple: changing the list changes nothing."""
    values = [1]
    d = deal(facts={"x": values})
    values.append(2)
    assert d.facts["x"] == (1,)
    assert hash(d) == hash(deal(facts={"x": [1]}))


@pytest.mark.parametrize(
    "fact", [{"decimal": "sNaN"}, {"decimal": "NaN"}, {"float": "nan"}, {"decimal": "1_000"}]
)
def test_a_non_finite_fact_in_a_document_is_a_problem(fact):
    doc = json.loads(dumps([deal()]))
    doc["opportunities"][0]["facts"] = {"x": fact}
    with pytest.raises(DataFileError) as err:
        loads(json.dumps(doc))
    assert err.value.problems[0].column == "$.opportunities[0].facts"
    assert "fact 'x'" in err.value.problems[0].why


def test_a_deal_created_in_year_one_forecasts():
    """created 0001-01-01 made the forecast overflow; now it forecasts."""
    old = deal(created=date(1, 1, 1), expected_close=date(2026, 6, 30))
    result = forecast([old], cutoff=date(2026, 3, 31), funnel=DEFAULT_FUNNEL)
    assert result.total.total.count == 1


def test_sums_are_exact_past_28_digits():
    """A sum of 31 significant digits is exact: the library's money context is wide enough."""
    amount = Decimal("999999999999999999.9999999999")  # 18 integer digits, 10 places
    deals = [deal(id=f"D{i}", amount=amount) for i in range(1000)]
    result = forecast(deals, cutoff=date(2026, 3, 31), funnel=DEFAULT_FUNNEL)
    assert result.total.total.amount == amount * 1000
    assert len(result.total.total.amount.as_tuple().digits) == 31
    assert isinstance(Opportunity, type)
