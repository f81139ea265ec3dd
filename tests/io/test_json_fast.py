"""The direct reader and writer of opportunity documents give what the codec gives.

Every test compares the two paths on the same input: the direct one (the
default) and the detailed one (the cattrs codec, and the parse with a hook per
object), which is what reports problems. Records, documents and errors must be
equal, message for message and JSON path for JSON path.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesfunnel import Opportunity
from salesfunnel.funnel.records import Override, Reprice, Reschedule
from salesfunnel.io import (
    DEFAULT_SCHEMAS,
    DataFileError,
    DocumentSchema,
    dumps,
    from_dict,
    json_bounds,
    json_format,
    loads,
    read_json,
    to_dict,
)
from salesfunnel.io._json_fast import opportunity_dict, reader
from tests.strategies import (
    eventful_opportunities,
    opportunity_sets,
    pipelines,
    probabilities,
)

DEAL = Opportunity(
    id="D1",
    name="CRM: phase 1",
    account="Acme",
    owner="Ann",
    stage="potential",
    created=date(2026, 1, 5),
    expected_close=date(2026, 6, 30),
    line_items={"CRM": "30000", "Support": "20000.50"},
    currency="EUR",
    probability="0.35",
    facts={"budget": True, "odds": Decimal("0.6"), "when": date(2026, 1, 9), "n": 3, "x": None},
    revisions=(
        Override(date(2026, 1, 6), None, Decimal("0.4"), None, "commit", "call at 10:30"),
        Reschedule(date(2026, 1, 7), date(2026, 5, 30), date(2026, 6, 30)),
        Reprice(date(2026, 1, 8), (), ()),
    ),
    notes="a note",
)


@contextlib.contextmanager
def detailed() -> Iterator[None]:
    """Run the codec and the parse with a hook per object, as before the direct path."""
    with (
        mock.patch.object(json_format, "_direct", return_value=False),
        mock.patch.object(json_bounds, "parse_quick", return_value=None),
        mock.patch.object(json_format, "parse_quick", return_value=None),
    ):
        yield


def outcome(fn: Callable[[], object]) -> tuple[str, object]:
    """What ``fn`` gives: its value's repr, or its error's class, message and problems."""
    try:
        value = fn()
    except Exception as err:  # noqa: BLE001  (the error is the outcome compared)
        problems = [attrs.astuple(p) for p in getattr(err, "problems", ())]
        return "error", (type(err), str(err), problems)
    return "value", repr(value)


def same(fn: Callable[[], object]) -> tuple[str, object]:
    """Assert that ``fn`` gives the same on both paths; return what it gives."""
    fast = outcome(fn)
    with detailed():
        slow = outcome(fn)
    assert fast == slow
    return fast


def text_of(deals: tuple[Opportunity, ...]) -> str:
    with detailed():
        return dumps(deals, indent=None)


# -- good documents -------------------------------------------------------------


class TestGoodDocuments:
    @settings(max_examples=settings.default.max_examples * 4 // 5, deadline=None)
    @given(st.one_of(opportunity_sets(), pipelines()))
    def test_records_and_documents_are_the_codecs(self, deals):
        """On random pipelines both paths write the same document and read the same records."""
        assert same(lambda: to_dict(deals))[0] == "value"
        assert same(lambda: dumps(deals, indent=None)) == ("value", repr(text_of(deals)))
        text = text_of(deals)
        assert same(lambda: loads(text)) == ("value", repr(deals))
        assert same(lambda: from_dict(json.loads(text))) == ("value", repr(deals))
        assert same(lambda: read_json(io.StringIO(text), lenient=True))[0] == "value"

    @settings(max_examples=settings.default.max_examples * 2 // 5, deadline=None)
    @given(eventful_opportunities(), st.one_of(st.none(), probabilities))
    def test_single_opportunity_and_overrides(self, deal, odds):
        """One opportunity, with an override revision, reads and writes alike on both paths."""
        on = deal.revisions[-1].on if deal.revisions else deal.created
        revision = Override(on, None, odds, "commit", None, None)
        deal = Opportunity(
            **{**attrs.asdict(deal, recurse=False), "revisions": (*deal.revisions, revision)}
        )
        assert same(lambda: dumps(deal))[0] == "value"
        assert same(lambda: loads(dumps(deal))) == ("value", repr(deal))
        assert same(lambda: read_json(io.StringIO(dumps(deal)))) == ("value", repr((deal,)))

    def test_every_field_and_kind_of_value(self):
        """Line items, facts of every kind and every revision kind take the direct path."""
        doc = opportunity_dict(DEAL)
        assert list(doc) == [f.name for f in attrs.fields(Opportunity)]
        read, members = reader()
        assert read(doc) == DEAL
        assert members() == json_bounds.members_of(doc)
        assert same(lambda: dumps([DEAL, attrs.evolve(DEAL, id="D2")]))[0] == "value"

    def test_equal_values_are_shared(self):
        """Entries and line items read from equal text are one value."""
        first, second = loads(dumps([DEAL, attrs.evolve(DEAL, id="D2")]))
        assert first.history[0] is second.history[0]
        assert first.line_items[1] is second.line_items[1]

    def test_tables_start_again_when_full(self, monkeypatch):
        """A read remembers a bounded number of values; what it built stays right."""
        monkeypatch.setattr("salesfunnel.io._json_fast._LIMIT", 1)
        deals = (DEAL, attrs.evolve(DEAL, id="D2", created=date(2026, 1, 4)))
        assert loads(dumps(deals)) == deals

    def test_other_schemas_take_the_codec(self):
        """With a schema of the caller's own, the codec reads and writes every document."""
        extra = DocumentSchema("example/thing", 1, "thing", DocumentSchema)
        schemas = (*DEFAULT_SCHEMAS, extra)
        text = dumps([DEAL], schemas=schemas)
        assert text == dumps([DEAL])
        assert loads(text, schemas=schemas) == (DEAL,)

    def test_a_record_only_the_codec_can_write(self):
        """A record the direct writer does not take is written, or refused, by the codec."""
        odd = attrs.evolve(DEAL, facts={"pair": ("a", "b")})
        assert same(lambda: dumps([odd]))[0] == "error"
        assert same(lambda: dumps(odd))[0] == "error"


# -- bad documents: mutations of good ones ----------------------------------------

#: Values a field may wrongly hold.
WRONG = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        1,
        -1,
        1.5,
        "",
        " ",
        "x",
        "2026-02-30",
        " 2026-01-05",
        "2026-1-5",
        "1e3",
        "-5",
        "NaN",
        "１２",
        "create",
        "reprice",
        "EUR",
        [],
        [1],
        ["x"],
        [None],
        {},
        {"decimal": "1"},
        {"decimal": "x"},
        {"date": "2026-01-01"},
        {"float": "nan"},
        {"x": 1},
        {"product": "p", "amount": "1"},
        {"product": 1, "amount": "1"},
        {"product": "p", "amount": True},
    ]
)


def paths(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place inside a JSON value, as keys and indexes from the top."""
    yield at
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from paths(item, (*at, i))


def parent(doc: Any, at: tuple[Any, ...]) -> Any:
    for step in at[:-1]:
        doc = doc[step]
    return doc


@st.composite
def bad_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A good document with one to three changes: wrong values, keys gone or added, repeats."""
    deals = draw(st.one_of(opportunity_sets(), pipelines().map(lambda d: d[:4]), st.just((DEAL,))))
    doc = json.loads(text_of(deals))
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p in paths(doc) if len(p) >= 2]  # inside the body
        if not places:
            break
        at = draw(st.sampled_from(places))
        above = parent(doc, at)
        change = draw(st.sampled_from(["wrong", "drop", "extra", "repeat"]))
        if change == "wrong":
            above[at[-1]] = copy.deepcopy(draw(WRONG))
        elif change == "drop" and isinstance(above, dict):
            del above[at[-1]]
        elif change == "drop":
            above.pop(at[-1])
        elif change == "extra" and isinstance(above[at[-1]], dict):
            key = draw(st.sampled_from(["zz", "type", "product", "id"]))
            above[at[-1]][key] = copy.deepcopy(draw(WRONG))
        elif isinstance(above, list):
            above.insert(at[-1], above[at[-1]])
    return doc


class TestBadDocuments:
    @settings(max_examples=settings.default.max_examples * 3, deadline=None)
    @given(bad_documents())
    def test_the_same_error(self, doc):
        """A changed document gives the same records or the same error on both paths."""
        text = json.dumps(doc, ensure_ascii=False)
        same(lambda: loads(text))
        same(lambda: read_json(io.StringIO(text), lenient=True))
        same(lambda: from_dict(doc))

    @pytest.mark.parametrize(
        ("body", "why"),
        [
            ({"id": "D1"}, "is missing"),
            ("x", "not a Opportunity object"),
        ],
    )
    def test_a_single_bad_opportunity(self, body, why):
        """A one-opportunity document with a problem names it on both paths."""
        doc = {"schema": "salesfunnel/opportunity", "version": 1, "opportunity": body}
        kind, (cls, message, _problems) = same(lambda: loads(json.dumps(doc)))
        assert kind == "error"
        assert cls is DataFileError
        assert why in message

    def test_a_body_that_is_no_list(self):
        """A list document whose body is no list is refused alike."""
        doc = {"schema": "salesfunnel/opportunities", "version": 1, "opportunities": {}}
        assert same(lambda: loads(json.dumps(doc)))[0] == "error"

    def test_repeated_ids(self):
        """Two records with one id are refused (and dropped when lenient) on both paths."""
        doc = json.loads(dumps([DEAL, DEAL]))
        assert same(lambda: from_dict(doc))[0] == "error"
        assert same(lambda: read_json(io.StringIO(json.dumps(doc)), lenient=True))[0] == "value"

    @pytest.mark.parametrize(
        ("at", "value"),
        [
            (("history", 0, "forced"), 1),
            (("history", 0, "skipped"), "potential"),
            (("history", 0, "kind"), 1),
            (("history", 0, "kind"), "walk"),
            (("history",), {}),
            (("history", 0), []),
            (("revisions",), {}),
            (("revisions", 0), "x"),
            (("revisions", 0, "type"), "rename"),
            (("facts", ""), True),
            (("facts", "odds"), {"decimal": 1}),
            (("facts", "odds"), {"decimal": "1", "date": "2026-01-01"}),
            (("facts", "odds"), {"float": "nan"}),
            (("facts", "odds"), [1]),
            (("facts",), []),
            (("amount",), 50000),
            (("amount",), True),
            (("amount",), 50000.5),
            (("line_items",), "CRM"),
            (("line_items", 0), {"product": "CRM"}),
            (("line_items", 0, "product"), 7),
            (("line_items", 0, "amount"), 30000),
            (("probability",), 1),
            (("closed_on",), "2026-02-30"),
            (("notes",), None),
            (("lost_reason",), 5),
            (("name",), None),
            (("product",), "CRM"),
        ],
    )
    def test_each_kind_of_wrong_value(self, at, value):
        """Each kind of value the direct reader does not take gives the codec's answer."""
        doc = json.loads(dumps([DEAL]))
        place = doc["opportunities"][0]
        for step in at[:-1]:
            place = place[step]
        place[at[-1]] = value
        same(lambda: loads(json.dumps(doc)))

    @pytest.mark.parametrize("keys", [("amount",), ("amount", "line_items"), ("currency",)])
    def test_missing_keys(self, keys):
        """A record without an amount, its lines or a required field reads as the codec reads it."""
        doc = json.loads(dumps([DEAL]))
        for key in keys:
            del doc["opportunities"][0][key]
        same(lambda: loads(json.dumps(doc)))


# -- the parse: one C parse and counts, or the parse with a hook per object --------

_KEY_TEXT = st.text(
    alphabet=st.sampled_from(["a", ":", '"', "\\", "é", "\n", "\ud800"]), max_size=3
)


def _scalars() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["null", "true", "false", "NaN", "-Infinity", "1e400", "1" * 41, "-0.5"]),
        st.integers(-(10**6), 10**6).map(str),
        st.tuples(_KEY_TEXT, st.booleans()).map(lambda t: json.dumps(t[0], ensure_ascii=t[1])),
    )


def _containers(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    members = st.tuples(_KEY_TEXT, st.booleans(), children).map(
        lambda t: f"{json.dumps(t[0], ensure_ascii=t[1])}: {t[2]}"
    )
    return st.one_of(
        st.lists(children, max_size=4).map(lambda xs: f"[{', '.join(xs)}]"),
        st.lists(members, max_size=4).flatmap(
            # sometimes a member twice: a repeated key, with its value
            lambda ms: st.sampled_from([*ms, ""]).map(
                lambda twice: "{" + ", ".join([*ms, twice] if twice else ms) + "}"
            )
        ),
    )


#: JSON texts (or nearly): repeated keys, colons and escapes in strings, odd numbers.
json_texts = st.recursive(_scalars(), _containers, max_leaves=12)


class TestParse:
    @settings(max_examples=settings.default.max_examples * 6, deadline=None)
    @given(json_texts)
    def test_the_same_value_or_the_same_problems(self, text):
        """Any text parses to the same value, or is refused with the same problems, either way."""
        same(lambda: json_bounds.parse_bounded(text, "<text>"))

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "  ",
            "[" * 70 + "]" * 70,
            "[" * 5000 + "]" * 5000,
            '{"a": 1, "a": 2}',
            '{"a": "x:y", "a": "z"}',
            '{"a": "\\u003a", "a": 1}',
            '{"a": "\\u003a", "b": 1}',
            '{"a:b": 1}',
            '{"k": "\\ud800"}',
            '{"k": "\ud800"}',
            '{"k": "é"}',
            '{"k": NaN}',
            "[1, 2",
            '"a:b"',
            "5",
        ],
    )
    def test_texts_of_each_kind(self, text):
        """Each case the counts decide, or leave to the full parse, gives the full parse's answer."""
        same(lambda: json_bounds.parse_bounded(text, "<text>"))

    def test_too_long(self, monkeypatch):
        """A text over the size bound is refused by the full parse, never parsed quickly."""
        monkeypatch.setattr(json_bounds, "MAX_DOCUMENT_SIZE", 4)
        assert same(lambda: json_bounds.parse_bounded("[1, 2, 3]", "<text>"))[0] == "error"


def _opportunities_text(**envelope: object) -> str:
    doc = json.loads(dumps([DEAL]))
    doc.update(envelope)
    return json.dumps(doc)


class TestTexts:
    @pytest.mark.parametrize(
        "text",
        [
            "[1]",
            _opportunities_text(version=9),
            _opportunities_text(schema="salesfunnel/funnel"),
            _opportunities_text().replace('"id": "D1"', '"id": "D1", "id": "D1"'),
            _opportunities_text().replace('"schema"', '"version": 1, "schema"'),
            _opportunities_text().replace('"D1"', '"D\\u003a1"', 1),
            _opportunities_text().replace('"name": "CRM: phase 1"', '"name": "CRM\\u003a phase 1"'),
            _opportunities_text().replace('"version": 1', '"version": 1, "version": 1'),
            '{"schema": "salesfunnel/verdict", "version": 1, "x": 1, "x": 2}',
            '{"schema": "salesfunnel/opportunity", "version": 1, "version": 1, "opportunity": 5}',
        ],
    )
    def test_texts(self, text):
        """Texts with repeated keys, escapes and bad envelopes read as the full parse reads them."""
        same(lambda: loads(text))
        same(lambda: read_json(io.StringIO(text), lenient=True))

    def test_a_single_opportunity_from_a_dict(self):
        """A one-opportunity document given as a dict is read directly, as the codec reads it."""
        doc = json.loads(dumps(DEAL))
        assert same(lambda: from_dict(doc)) == ("value", repr(DEAL))

    def test_a_result_document(self):
        """A document of another kind is parsed once and read by the codec."""
        verdict = json.loads(
            '{"schema": "salesfunnel/verdict", "version": 1, '
            '"verdict": {"passed": false, "failed": [], "missing": []}}'
        )
        same(lambda: loads(json.dumps(verdict)))


class TestCollector:
    def test_paused_while_reading_and_restored(self):
        """The cycle collector runs again after a read, and stays off if it was off."""
        text = dumps([DEAL])
        assert gc.isenabled()
        assert loads(text) == (DEAL,)
        assert gc.isenabled()
        gc.disable()
        try:
            assert loads(text) == (DEAL,)
            assert to_dict([DEAL])["opportunities"][0]["id"] == "D1"
            assert not gc.isenabled()
        finally:
            gc.enable()


def test_a_record_error_of_a_field_the_document_lacks():
    """No amount and no lines: the error names the opportunity, not a field the document lacks."""
    import json

    from salesfunnel.datasets import sample_pipeline
    from salesfunnel.io import DataFileError, dumps, loads

    doc = json.loads(dumps(sample_pipeline()[:1]))
    deal = doc["opportunities"][0]
    del deal["amount"]
    deal["line_items"] = []
    with pytest.raises(DataFileError) as caught:
        loads(json.dumps(doc))
    (problem,) = caught.value.problems
    assert problem.column == "$.opportunities[0]"
    assert "give amount= or line_items=" in problem.why
