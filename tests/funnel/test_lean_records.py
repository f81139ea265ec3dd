"""Records held by the million share what they can, and move fast without changing meaning."""

from __future__ import annotations

import pickle
import sys
from datetime import date
from decimal import Decimal

import attrs
import pytest

from salesfunnel import DEFAULT_FUNNEL, ChangeKind, InvalidOpportunityError, LineItem, StageChange
from salesfunnel.funnel import records
from salesfunnel.funnel.records import (
    UNRECORDED_STAGE,
    default_history,
    share_date,
    share_text,
    shared_line_items,
)
from salesfunnel.qualification import NO_FACTS
from tests import factories

D = date(2026, 1, 5)


def fresh(text: str) -> str:
    """An equal string that is a new object (as a file reader gives one)."""
    return text.encode().decode()


class Name(str):
    """A string subclass: never interned, still a string."""

    __slots__ = ()


class Day(date):
    """A date subclass: never shared, still a date."""

    __slots__ = ()


class TestSharing:
    def test_equal_texts_and_dates_are_one_object(self):
        """Stage, currency, owner, account, product and dates of two records are shared."""
        a = factories.deal(
            id="A",
            owner=fresh("Li Wei"),
            account=fresh("Acme"),
            stage=fresh("intent"),
            currency=fresh("CNY"),
            created=date(2026, 1, 5),
            product=fresh("ERP"),
        )
        b = factories.deal(
            id="B",
            owner=fresh("Li Wei"),
            account=fresh("Acme"),
            stage=fresh("intent"),
            currency=fresh(" cny"),
            created=date(2026, 1, 5),
            product=fresh("ERP"),
        )
        for field in ("owner", "account", "stage", "currency", "created"):
            assert getattr(a, field) is getattr(b, field), field
        assert a.line_items is b.line_items and a.amount is b.amount
        assert a.history is b.history and a.facts is NO_FACTS is b.facts
        assert a.currency == "CNY" and a.owner is sys.intern("Li Wei")

    def test_amounts_written_differently_are_kept_apart(self):
        """100 and 100.00 are equal but not shared: each record keeps how it was written."""
        a = factories.deal(amount=Decimal(100), product="X")
        b = factories.deal(amount=Decimal("100.00"), product="X")
        assert str(a.amount) == "100" and str(b.amount) == "100.00"
        assert str(a.line_items[0].amount) == "100" and a.line_items is not b.line_items
        assert a == b  # equal values, as before

    def test_subclasses_are_kept_as_given(self):
        """A str or date subclass is neither interned nor shared, and the record still checks it."""
        deal = factories.deal(owner=Name("Ann"), stage=Name("intent"), created=Day(2026, 1, 5))
        assert type(deal.owner) is Name and type(deal.created) is Day
        assert type(deal.history[0].to_stage) is Name
        assert share_text(Name("x")).__class__ is Name
        assert share_date(Day(2026, 1, 1)).__class__ is Day
        with pytest.raises(InvalidOpportunityError, match="name"):
            factories.deal(name=Name(" "))

    def test_closed_histories_share_their_entries(self):
        """Snapshot deals closed the same day share the closing entry; opened the same day, the first."""
        a = default_history("closed", D, date(2026, 3, 1))
        b = default_history("closed", date(2026, 2, 1), date(2026, 3, 1))
        c = default_history("lost", D, date(2026, 4, 1), "price")
        assert a[1] is b[1] and a[0] is c[0] and a[0] is not b[0]
        assert a[0] == StageChange(None, UNRECORDED_STAGE, D, kind=ChangeKind.CREATE)
        assert c[1] == StageChange(UNRECORDED_STAGE, "lost", date(2026, 4, 1), "price", "close")
        again = default_history("lost", D, date(2026, 4, 1), "price")
        assert again == c and again[0] is c[0] and again[1] is c[1]

    def test_caches_are_bounded(self, monkeypatch):
        """When a cache is full it starts again; what was built keeps its values."""
        monkeypatch.setattr(records, "_HISTORIES_MAX", 2)
        monkeypatch.setattr(records, "_SHARED_MAX", 2)
        monkeypatch.setattr(records, "_LINES_MAX", 2)
        monkeypatch.setattr(records, "_OPENED", {})
        monkeypatch.setattr(records, "_CLOSING", {})
        monkeypatch.setattr(records, "_LINES", {})
        monkeypatch.setattr(records, "_lines_held", 0)
        monkeypatch.setattr(records, "_DATES", {})
        kept = [default_history("intent", date(2026, 1, d), None) for d in range(1, 6)]
        closed = [default_history("lost", D, date(2026, 3, d), "x") for d in range(1, 6)]
        lines = [shared_line_items("P", Decimal(n)) for n in range(5)]
        days = [share_date(date(2026, 2, d)) for d in range(1, 6)]
        assert len(records._OPENED) <= 2 and len(records._CLOSING) <= 2
        assert sum(map(len, records._LINES.values())) <= 2
        assert len(records._DATES) <= 2
        assert [h[0].on.day for h in kept] == [1, 2, 3, 4, 5]
        assert [h[1].on.day for h in closed] == [1, 2, 3, 4, 5]
        assert [li[0].amount for li in lines] == [Decimal(n) for n in range(5)]
        assert [d.day for d in days] == [1, 2, 3, 4, 5]

    def test_line_items_of_other_kinds_are_built_alone(self):
        """A product that is not a plain string gets its own line, or the usual error."""
        item = shared_line_items(Name("P"), Decimal(1))[0]
        assert item == LineItem("P", Decimal(1)) and type(item.product) is Name
        with pytest.raises(InvalidOpportunityError, match="product"):
            factories.deal(product=5)

    def test_no_instance_dict_nor_weakref_slot(self):
        """Records, lines and history entries are slotted, with no per-instance dict."""
        deal = factories.deal(product="ERP")
        for value in (deal, deal.line_items[0], deal.history[0], deal.facts):
            assert not hasattr(value, "__dict__"), type(value)
        for value in (deal, deal.line_items[0], deal.history[0]):
            assert not hasattr(value, "__weakref__"), type(value)

    def test_records_still_pickle_and_evolve(self):
        """A shared record pickles, compares and evolves like any other."""
        deal = factories.deal(product="ERP", facts={"a": True})
        again = pickle.loads(pickle.dumps(deal))  # noqa: S301  (our own bytes)
        assert again == deal and hash(again) == hash(deal)
        assert attrs.evolve(deal, notes="n").notes == "n"
        assert deal.evolve(amount="5").line_items == (LineItem("ERP", Decimal(5)),)


class TestFastMove:
    def test_advance_keeps_the_facts_learned_and_the_history(self):
        """Advancing with new facts merges them, sorts them and records one more entry."""
        facts = factories.gate_facts(DEFAULT_FUNNEL, DEFAULT_FUNNEL.index("project"))
        deal = factories.deal(stage="intent", facts={"interested": True})
        moved = DEFAULT_FUNNEL.advance(deal, "project", on=date(2026, 2, 1), facts=facts)
        assert moved.facts == {**facts, "interested": True}
        assert list(moved.facts) == sorted(moved.facts)
        assert moved.history[-1] == StageChange("intent", "project", date(2026, 2, 1))
        assert moved.history[:-1] == deal.history
