"""The fast paths of records and moves give exactly what the checked, reference paths give."""

from __future__ import annotations

import pickle
from datetime import date, timedelta
from decimal import Decimal, localcontext

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL, ChangeKind, LineItem, Opportunity, StageChange
from salesfunnel.errors import FunnelError
from salesfunnel.funnel import records
from salesfunnel.funnel.records import checked_stage_change, one_line, share_date
from salesfunnel.money import to_amount
from salesfunnel.qualification import facts as facts_module
from salesfunnel.qualification.facts import Facts, as_facts
from tests import factories
from tests import strategies as sf

FIELDS = [f.name for f in attrs.fields(Opportunity)]


def reference(deal: Opportunity) -> Opportunity:
    """The record attrs' own initialiser builds from the same values."""
    ref = object.__new__(Opportunity)
    ref.__attrs_init__(*(getattr(deal, name) for name in FIELDS))
    return ref


def outcome(fn, *args):
    """What ``fn(*args)`` gives: its result, or the type and message of its error."""
    try:
        return ("ok", fn(*args))
    except (FunnelError, ValueError, TypeError) as err:
        return ("error", type(err), str(err))


class TestFilledRecords:
    @given(sf.eventful_opportunities())
    def test_a_record_is_the_one_attrs_builds(self, deal):
        """The constructor's record equals, hashes, shows and pickles as attrs' own."""
        ref = reference(deal)
        assert type(deal) is Opportunity
        assert deal == ref and hash(deal) == hash(ref) and repr(deal) == repr(ref)
        assert pickle.loads(pickle.dumps(deal)) == deal  # noqa: S301  (our own bytes)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            deal.name = "other"  # type: ignore[misc]

    def test_a_subclass_is_built_by_attrs(self):
        """A subclass of Opportunity is filled by its own initialiser and keeps its class."""

        @attrs.frozen(init=False)
        class Tagged(Opportunity):
            pass

        deal = factories.deal(product="ERP")
        fields = {name: getattr(deal, name) for name in FIELDS}
        fields.pop("amount")
        tagged = Tagged(**fields)
        assert type(tagged) is Tagged
        assert [getattr(tagged, n) for n in FIELDS] == [getattr(deal, n) for n in FIELDS]

    def test_no_lines_and_an_amount_make_one_line(self):
        """Empty line_items with an amount give the one unnamed line, as product= does."""
        deal = factories.deal(product="")
        fields = {name: getattr(deal, name) for name in FIELDS}
        fields.update(line_items=(), amount="5.00")
        built = Opportunity(**fields)
        assert built.line_items == (LineItem("", Decimal("5.00")),)
        assert built.amount == Decimal(5) and str(built.amount) == "5.00"

    def test_the_facts_given_are_copied(self):
        """Changing the dict a record was built from changes nothing in the record."""
        given_facts = {"budget": True}
        deal = factories.deal(facts=given_facts)
        given_facts["budget"] = False
        given_facts["other"] = True
        assert deal.facts == {"budget": True}
        merged = deal.facts.merge({"other": True})
        assert deal.facts == {"budget": True} and merged == {"budget": True, "other": True}


class TestFastMove:
    @given(sf.opportunities(), st.integers(0, 90), st.booleans())
    def test_a_move_is_the_record_the_constructor_builds(self, deal, days, learned):
        """Advancing gives the record built, every field checked, from the moved values."""
        here = DEFAULT_FUNNEL.index(deal.stage)
        to = DEFAULT_FUNNEL.stages[here + 1].key
        on = deal.created + timedelta(days=days)
        new = {"learned": True} if learned else None
        moved = DEFAULT_FUNNEL.advance(deal, to, on=on, facts=new)
        won = DEFAULT_FUNNEL[to].kind.value == "won"
        expected = deal.evolve(
            stage=to,
            history=(*deal.history, StageChange(deal.stage, to, on)),
            facts={**deal.facts, **(new or {})},
            closed_on=on if won else None,
        )
        assert type(moved) is Opportunity
        assert moved == expected and repr(moved) == repr(expected)
        assert moved.history[-1].on is share_date(on)

    @given(
        st.tuples(
            st.sampled_from([None, *DEFAULT_FUNNEL.keys()]),
            st.sampled_from(DEFAULT_FUNNEL.keys()),
            sf.dates,
            st.one_of(st.none(), st.text(max_size=5)),
            st.sampled_from(list(ChangeKind)),
            st.lists(st.sampled_from(DEFAULT_FUNNEL.keys()), max_size=3).map(tuple),
            st.booleans(),
        )
    )
    def test_a_checked_entry_is_the_constructors(self, values):
        """An entry built from checked values equals the constructor's, its texts and date shared."""
        fast = checked_stage_change(*values)
        slow = StageChange(*values)
        assert type(fast) is StageChange
        assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
        assert fast.to_stage is slow.to_stage and fast.on is slow.on
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            fast.reason = "x"  # type: ignore[misc]


#: Amounts of every shape: huge, tiny, many places, exponents, zero and negative zero, NaN.
any_decimals = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=0, max_value=Decimal("1e20"), places=12),
    st.builds(
        lambda digits, exp, sign: Decimal((sign, digits, exp)),
        st.lists(st.integers(0, 9), min_size=1, max_size=25).map(tuple),
        st.integers(-20, 20),
        st.integers(0, 1),
    ),
)


class TestQuickAmount:
    @given(value=any_decimals, lower_case=st.booleans())
    def test_the_quick_check_agrees_with_the_full_one(self, value, lower_case):
        """to_amount gives the same amount, written the same way, or the same error."""
        with localcontext() as ctx:
            ctx.capitals = 0 if lower_case else 1
            quick = outcome(to_amount, value)
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr("salesfunnel.money._plain_amount", lambda _v: False)
                full = outcome(to_amount, value)
        assert quick[0] == full[0]
        if quick[0] == "ok":
            assert quick[1] == full[1] and str(quick[1]) == str(full[1])
        else:
            assert quick == full


class TestOneLine:
    @given(
        st.sampled_from(["", "ERP", "CRM"]),
        st.one_of(any_decimals, st.integers(-5, 10**6), st.text(max_size=6), st.floats()),
    )
    def test_a_shared_line_is_the_line_built(self, product, amount):
        """one_line gives the line LineItem builds (the amount written the same way), or its error."""
        first = outcome(one_line, product, amount)
        again = outcome(one_line, product, amount)
        built = outcome(lambda: (LineItem(product, to_amount(amount)),))
        assert first == again
        assert first[0] == built[0]
        if first[0] == "ok":
            assert first[1] == built[1]
            assert str(first[1][0].amount) == str(built[1][0].amount)
        else:
            assert first == built

    def test_a_shared_line_is_frozen(self):
        """The one line many records share cannot be changed through any of them."""
        line = one_line("ERP", Decimal("100.00"))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            line[0].amount = Decimal(1)  # type: ignore[misc]


#: Fact dicts of every kind, good and bad: keys empty or not strings, values
#: that need converting (lists, sets), or that are refused (NaN, dicts).
wild_values = st.one_of(
    sf.fact_values,
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(),
    st.lists(st.booleans(), max_size=2),
    st.sets(st.integers(0, 3), max_size=2),
    st.dictionaries(st.text(max_size=2), st.booleans(), max_size=1),
    st.just(Decimal("sNaN")),
)
wild_facts = st.dictionaries(
    st.one_of(st.sampled_from(["a", "b", "", "sign"]), st.text(max_size=3), st.integers(0, 2)),
    wild_values,
    max_size=5,
)


class TestQuickFacts:
    @given(wild_facts, st.booleans())
    def test_the_quick_pass_agrees_with_the_careful_one(self, given_facts, seen):
        """The quick check keeps, converts or refuses exactly what the careful pass does."""
        if not seen:
            facts_module._KEYS_SEEN.clear()
        quick = outcome(facts_module._checked, given_facts)
        careful = outcome(facts_module._converted, dict(given_facts))
        assert quick == careful
        assert outcome(as_facts, given_facts)[0] == careful[0]

    def test_the_table_of_keys_is_bounded(self, monkeypatch):
        """When the table of keys seen is full it starts again."""
        monkeypatch.setattr(facts_module, "_KEYS_SEEN_MAX", 2)
        monkeypatch.setattr(facts_module, "_KEYS_SEEN", set())
        for key in "abcde":
            assert as_facts({key: True}) == {key: True}
        assert len(facts_module._KEYS_SEEN) <= 2

    def test_facts_are_facts(self):
        """Facts given as Facts are kept; a mapping of another type is copied."""
        held = Facts({"a": True})
        assert as_facts(held) is held
        assert as_facts(Facts({})) is not None
        assert as_facts({"a": True}) == held


class TestSharedHistories:
    def test_entries_of_other_kinds_are_built_alone(self):
        """A history of a str or date subclass is built for its record, not shared."""

        class Key(str):
            __slots__ = ()

        class Day(date):
            __slots__ = ()

        a = records.default_history(Key("closed"), Day(2026, 1, 5), Day(2026, 2, 1), None)
        b = records.default_history("closed", date(2026, 1, 5), date(2026, 2, 1), Key("x"))
        assert type(a[0].on) is Day and type(a[1].to_stage) is Key
        assert b[1].reason == "x" and a == records.default_history(
            "closed", date(2026, 1, 5), date(2026, 2, 1)
        )
