"""Issue 12's hostile CSV inputs: each is a typed problem, never an untyped error."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from salesfunnel.errors import InvalidFactError, InvalidOpportunityError
from salesfunnel.funnel.records import LineItem, StageChange
from salesfunnel.io import _values as v
from salesfunnel.io import read_csv
from salesfunnel.io.key_accounts import read_key_accounts
from salesfunnel.io.problems import DataFileError
from salesfunnel.qualification import Facts

HEAD = (
    "id,name,account,owner,stage,created,expected_close,amount,currency,probability,products,facts"
)
ROW = "D1,n,a,o,intent,2026-01-01,2026-02-01,{amount},USD,{p},{products},{facts}"


def _why(**cells: str) -> str:
    values = {"amount": "100", "p": "", "products": "", "facts": "", **cells}
    with pytest.raises(DataFileError) as err:
        read_csv(io.StringIO(HEAD + "\n" + ROW.format(**values) + "\n"))
    return err.value.problems[0].why


@pytest.mark.parametrize("text", ["sNaN%", "1e9999999%", "1_0%", "١٢%", "%", "."])
def test_bad_percentages(text):
    assert _why(p=text) in {"is not a percentage", "is not a number"}


@pytest.mark.parametrize("text", ["NaN", "1e3", "１", "2"])
def test_bad_shares(text):
    assert _why(p=text) in {"is not a number", "is outside [0, 1] (0 % to 100 %)"}


def test_probability_forms():
    assert v.parse_probability("60%") == Decimal("0.6")
    assert v.parse_probability("33.3333333333333333%") == Decimal("0.333333333333333333")
    assert v.parse_probability("0.333333333333333333333333") == Decimal("0.33333333333333333333")


@pytest.mark.parametrize("text", ["1_000", "١٢٣", "１００", "1e3"])
def test_non_canonical_amounts(text):
    assert _why(amount=text) == "is not a number"


def test_huge_amounts():
    assert _why(amount="1" * 19).startswith("is out of bounds")
    assert "amount of product 'A'" in _why(amount="", products="A=1e9999999;B=1e9999999")
    with pytest.raises(v.BadValue, match="negative"):
        v.parse_amount("-5")


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ('"{""a"": ' + "9" * 5000 + '}"', "integer of 5000 digits"),
        ('"{""a"": NaN}"', "NaN"),
        ('"{""a"": 1e999}"', "not a finite number"),
        ('"{""a"": {""decimal"": ""sNaN""}}"', "is not a decimal number"),
        ('"' + "[" * 1000 + '"', "flat"),
        ('"' + " " * 70000 + '{}"', "longer than"),
    ],
)
def test_hostile_facts(cell, why):
    assert why in _why(facts=cell)


def test_depth_skips_strings():
    assert v.parse_facts('{"a": "[[[\\"{{"}') == {"a": '[[["{{'}


def test_key_account_dates_and_numbers():
    head = "id,name,stage,stage_since,share_of_wallet\n"
    for row, why in [
        ("K1,A,early,2026-W01-1,0.3", "is not a date in YYYY-MM-DD form"),
        ("K1,A,early,2026-02-30,0.3", "is not a calendar date in YYYY-MM-DD form"),
        ("K1,A,early,2026-01-01,1e9999999%", "is not a plain number within the bounds"),
        ("K1,A,early,2026-01-01,1_0%", "is not a plain number within the bounds"),
    ]:
        result = read_key_accounts(io.StringIO(head + row + "\n"), lenient=True)
        assert result.problems[0].why == why
    ok = read_key_accounts(io.StringIO(head + "K1,A,early,2026-01-01,35%\n"))
    assert ok[0].signals["share_of_wallet"] == Decimal("0.35")
    assert v.parse_number("-2") == Decimal(-2)
    assert v.parse_number("-0") == 0


def test_facts_are_immutable_and_self_equal():
    items = [1, [2]]
    facts = Facts({"x": items, "s": {3}})
    items.append(4)
    assert facts["x"] == (1, (2,))
    assert facts["s"] == frozenset({3})
    assert hash(facts) == hash(Facts({"x": (1, (2,)), "s": frozenset({3})}))
    for bad in ({1: True, "a": False}, {"a": float("nan")}, {"a": Decimal("sNaN")}, {"a": {}}):
        with pytest.raises(InvalidFactError):
            Facts(bad)


def test_value_classes_refuse_wrong_types():
    with pytest.raises(InvalidOpportunityError, match="product"):
        LineItem(5, 1)  # type: ignore[arg-type]
    with pytest.raises(InvalidOpportunityError, match="not the string"):
        StageChange(None, "a", date(2026, 1, 1), skipped="abc")
    with pytest.raises(InvalidOpportunityError, match="stage keys"):
        StageChange(None, "a", date(2026, 1, 1), skipped=(1,))  # type: ignore[arg-type]


def _override(text: str) -> str:
    header = "id,name,account,owner,stage,created,expected_close,amount,currency,category_override"
    return f"{header}\nD1,n,a,o,intent,2026-01-01,2026-02-01,100,USD,{text}\n"


@pytest.mark.parametrize(
    ("text", "why"),
    [("bogus", "names no forecast category"), ("booked", "books a deal that is not won")],
)
def test_category_override_is_read_for_its_meaning(text, why):
    """An override that names no category (or books an open deal) is refused when read."""
    with pytest.raises(DataFileError) as err:
        read_csv(io.StringIO(_override(text)))
    (problem,) = err.value.problems
    assert problem.column == "category_override"
    assert problem.why.startswith(why)


@pytest.mark.parametrize("text", ["commit", "Best Case", "pipeline"])
def test_category_override_accepts_values_and_crm_names(text):
    """Category values and CRM names are read as they are."""
    (deal,) = read_csv(io.StringIO(_override(text)))
    assert deal.category_override == text


def test_ids_are_read_without_surrounding_spaces():
    """' D1 ' in the opportunities file and 'D1' in the events file are the same deal."""
    events = "opportunity_id,kind,on,from_stage,to_stage\nD1 ,create,2026-01-01,,intent\n"
    deals = io.StringIO(HEAD + "\n" + ROW.format(amount="1", p="", products="", facts="") + "\n")
    text = deals.getvalue().replace("\nD1,", "\n D1 ,")
    (d,) = read_csv(io.StringIO(text), events=io.StringIO(events))
    assert d.id == "D1"
    dupes = text + ROW.format(amount="1", p="", products="", facts="") + "\n"
    with pytest.raises(DataFileError, match="duplicated id"):
        read_csv(io.StringIO(dupes))


def test_an_id_with_surrounding_spaces_is_refused_by_the_record():
    """Built in code, an id with surrounding spaces is refused with the trimmed id as the fix."""
    from tests import factories

    with pytest.raises(InvalidOpportunityError, match=r"write 'D1'") as err:
        factories.deal(id=" D1 ")
    assert err.value.field == "id"


def test_a_duplicated_id_lists_a_few_rows_then_how_many_more():
    """An id repeated on 2 000 rows gives short problems, not a list of every other row."""
    row = ROW.format(amount="1", p="", products="", facts="")
    text = HEAD + "\n" + "\n".join([row] * 2000) + "\n"
    with pytest.raises(DataFileError) as err:
        read_csv(io.StringIO(text))
    first = err.value.problems[0]
    assert first.why == "duplicated id: also on row 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 1989 more"
    assert first.text("why", "zh") == (
        "编号重复：第 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 行及另外 1989 行也用了这个编号"
    )
