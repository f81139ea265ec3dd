"""Tests for salesfunnel.io.json_format and salesfunnel.io.rule_registry."""

from __future__ import annotations

import copy
import io
import json
from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL, Criterion, Funnel, Opportunity, Text, Verdict, evaluate
from salesfunnel.datasets import sample_pipeline
from salesfunnel.funnel.gates import POTENTIAL_INFORMATION, RECOGNITION_RULE, WALL_RULE
from salesfunnel.io import (
    DEFAULT_REGISTRY,
    DEFAULT_SCHEMAS,
    DataFileError,
    DocumentSchema,
    ReadResult,
    RuleRegistry,
    SchemaVersionError,
    UnknownRuleError,
    UnsupportedFileError,
    dumps,
    from_dict,
    loads,
    read_json,
    read_opportunities,
    to_dict,
    write_csv,
    write_json,
)
from tests import factories
from tests.strategies import any_rules, funnels, opportunity_sets, verdicts

deal = factories.deal_maker(
    name="CRM",
    stage="potential",
    expected_close=date(2026, 6, 30),
    amount="50000.50",
    currency="EUR",
)


def problems(doc: object) -> list[tuple[str | None, str]]:
    with pytest.raises(DataFileError) as info:
        loads(json.dumps(doc))
    return [(p.column, p.why) for p in info.value.problems]


def opp_doc(**changes: object) -> dict[str, object]:
    doc = to_dict([deal()])
    doc["opportunities"][0].update(changes)
    return doc


class TestToDict:
    def test_envelope(self):
        """A document names its schema and version and holds the payload under one key."""
        doc = to_dict([deal()])
        assert set(doc) == {"schema", "version", "opportunities"}
        assert doc["schema"] == "salesfunnel/opportunities"
        assert doc["version"] == 1

    def test_values_are_exact_and_plain(self):
        """Money is a string, dates are ISO, facts are tagged, revisions have a type."""
        moved = deal(facts={"odds": Decimal("0.6"), "when": date(2026, 1, 1), "ok": True})
        (item,) = to_dict([moved])["opportunities"]
        assert item["amount"] == "50000.50"
        assert item["created"] == "2026-01-05"
        assert item["facts"] == {
            "odds": {"decimal": "0.6"},
            "ok": True,
            "when": {"date": "2026-01-01"},
        }
        assert item["history"][0]["kind"] == "create"
        from salesfunnel import reschedule

        later = reschedule(deal(), date(2026, 7, 31), on=date(2026, 2, 1), reason="late")
        assert to_dict(later)["opportunity"]["revisions"][0]["type"] == "reschedule"

    def test_single_opportunity_funnel_and_verdict(self):
        """Opportunities, funnels and verdicts each have their schema."""
        assert to_dict(deal())["schema"] == "salesfunnel/opportunity"
        assert to_dict(DEFAULT_FUNNEL)["schema"] == "salesfunnel/funnel"
        assert to_dict(evaluate(WALL_RULE, {}))["schema"] == "salesfunnel/verdict"

    def test_rules_by_reference(self):
        """Known rules are written by name, their criteria by key, others in full."""
        stages = to_dict(DEFAULT_FUNNEL)["funnel"]["stages"]
        assert stages[0]["rule"] is None
        assert stages[4]["rule"] == {"ref": "recognition"}
        quote = next(c for c in RECOGNITION_RULE.criteria() if c.key == "quote_submitted")
        assert DEFAULT_REGISTRY.rule_to_dict(quote) == {
            "type": "criterion",
            "key": "quote_submitted",
        }
        assert DEFAULT_REGISTRY.rule_to_dict(POTENTIAL_INFORMATION) == {
            "ref": "potential.information"
        }
        odd = Criterion.above("odds", Decimal("0.7"), "Odds above 70 %")
        assert DEFAULT_REGISTRY.rule_to_dict(odd)["test"] == {
            "type": "threshold",
            "fact": "odds",
            "limit": "0.7",
            "strict": True,
        }

    def test_unregistered_custom_criterion(self):
        """A criterion with a custom test must be registered to be written."""
        custom = Criterion("big", Text("Big deal"), ("size",), lambda f: f["size"] == "big")
        with pytest.raises(UnknownRuleError, match="custom test function") as info:
            dumps(DEFAULT_FUNNEL.with_rule("intent", custom))
        assert isinstance(info.value, LookupError)
        assert info.value.ref == "big"
        registry = DEFAULT_REGISTRY.with_rules({"big": custom})
        funnel = DEFAULT_FUNNEL.with_rule("intent", custom)
        assert loads(dumps(funnel, registry=registry), registry=registry) == funnel

    def test_unknown_object(self):
        """An object no schema covers is a TypeError naming the schemas."""
        with pytest.raises(TypeError, match="no document schema for int"):
            to_dict(5)
        with pytest.raises(TypeError):
            to_dict([1, 2])


class TestLoads:
    def test_round_trip_examples(self):
        """The sample pipeline, the default funnel and a verdict survive dumps and loads."""
        deals = sample_pipeline()[:100]
        assert loads(dumps(deals)) == deals
        assert loads(dumps(DEFAULT_FUNNEL, indent=None)) == DEFAULT_FUNNEL
        verdict = evaluate(RECOGNITION_RULE, {"quote_submitted": True, "sign_probability_3m": 0.4})
        assert loads(dumps(verdict)) == verdict
        assert loads(dumps(deal())) == deal()

    def test_sample_pipeline_file_round_trip(self, tmp_path):
        """The whole sample pipeline survives write_json and read_json."""
        path = tmp_path / "sample.json"
        write_json(sample_pipeline(), path)
        assert read_json(path) == sample_pipeline()

    @given(opportunity_sets())
    def test_round_trip_opportunities(self, deals):
        """loads(dumps(x)) == x for opportunities with any history, revisions and facts."""
        assert loads(dumps(deals)) == deals

    @given(funnels())
    def test_round_trip_funnels(self, funnel):
        """loads(dumps(x)) == x for generated funnels."""
        assert loads(dumps(funnel)) == funnel

    @given(funnels(), any_rules)
    def test_round_trip_funnels_with_any_rule(self, funnel, rule):
        """Rules of every shape (thresholds, not, labels) round-trip inside a funnel."""
        custom = funnel.with_rule(funnel.stages[0].key, rule)
        assert loads(dumps(custom), Funnel) == custom

    @given(verdicts)
    def test_round_trip_verdicts(self, verdict):
        """loads(dumps(x)) == x for verdicts of any rule."""
        assert loads(dumps(verdict), Verdict) == verdict

    def test_expect(self):
        """expect= checks the payload's type."""
        assert loads(dumps(DEFAULT_FUNNEL), Funnel) == DEFAULT_FUNNEL
        with pytest.raises(DataFileError, match="is not a document of Verdict"):
            loads(dumps(DEFAULT_FUNNEL), Verdict)

    def test_bytes_and_dicts(self):
        """Bytes (with a byte-order mark) and plain dicts are read too."""
        text = dumps([deal()])
        assert loads(b"\xef\xbb\xbf" + text.encode()) == (deal(),)
        assert from_dict(json.loads(text), tuple) == (deal(),)
        assert from_dict(json.loads(text)) == (deal(),)

    def test_newer_schema_version(self):
        """A document of a newer version is a clear error naming both versions."""
        doc = to_dict([deal()])
        doc["version"] = 2
        with pytest.raises(SchemaVersionError) as info:
            loads(json.dumps(doc))
        err = info.value
        assert isinstance(err, DataFileError)
        assert isinstance(err, ValueError)
        assert (err.schema, err.version, err.supported) == ("salesfunnel/opportunities", 2, 1)
        assert "reads up to version 1" in str(err)
        assert "upgrade salesfunnel" in str(err)

    @pytest.mark.parametrize(
        ("doc", "column", "why"),
        [
            ([], "$", "the document is not a JSON object"),
            ({"schema": "other", "version": 1}, "$.schema", "is not a salesfunnel document schema"),
            (
                {"schema": "salesfunnel/funnel", "version": "1", "funnel": {}},
                "$.version",
                "is not a schema version",
            ),
            (
                {"schema": "salesfunnel/funnel", "version": 0, "funnel": {}},
                "$.version",
                "is not a schema version",
            ),
            ({"schema": "salesfunnel/funnel", "version": 1}, "$", "'funnel' is missing"),
            (
                {"schema": "salesfunnel/funnel", "version": 1, "funnel": {}, "x": 1},
                "$",
                "unknown keys: x",
            ),
            (
                {"schema": "salesfunnel/opportunities", "version": 1, "opportunities": {}},
                "$.opportunities",
                "is not a list",
            ),
        ],
    )
    def test_bad_envelopes(self, doc, column, why):
        """A document that is not a salesfunnel document is named as such."""
        ((col, text),) = problems(doc)
        assert col == column
        assert why in text

    def test_malformed_and_empty_text(self):
        """Malformed JSON and empty text are clear errors."""
        with pytest.raises(DataFileError, match=r"malformed: Expecting .* \(line 2"):
            loads('{\n"a": }')
        with pytest.raises(DataFileError, match="the document is empty"):
            loads("  ")

    def test_every_problem_with_its_path(self):
        """Every bad value is reported with its JSON path, the value and why."""
        doc = to_dict(sample_pipeline()[:3])
        items = doc["opportunities"]
        items[0]["amount"] = 12.5
        items[0]["created"] = "2026/01/01"
        items[0]["history"][1]["kind"] = "jump"
        items[0]["bogus"] = 1
        del items[1]["name"]
        items[1]["line_items"] = "ERP"
        items[2]["facts"]["x"] = [1]
        items[2]["revisions"] = [{"type": "reprice", "on": "2026-01-01"}]
        found = problems(doc)
        assert (
            "$.opportunities[0].amount",
            "is a JSON number with a fraction, which is not exact",
        ) in found
        assert ("$.opportunities[0].created", "is not a date in YYYY-MM-DD form") in found
        assert ("$.opportunities[0].history[1].kind", "is not a ChangeKind") in found
        assert ("$.opportunities[0]", "has unknown keys: bogus") in found
        assert ("$.opportunities[1].name", "is missing") in found
        assert ("$.opportunities[1].line_items", "is a string, not a list") in found
        assert ("$.opportunities[2].revisions[0].old", "is missing") in found
        assert any(c == "$.opportunities[2].facts" and "fact 'x'" in w for c, w in found)

    @pytest.mark.parametrize(
        ("changes", "column", "why"),
        [
            ({"amount": True}, "amount", "is a bool, not a number"),
            ({"amount": None}, "amount", "is null, not a number"),
            ({"amount": "lots"}, "amount", "is not a number"),
            ({"amount": "-1"}, "amount", "is negative"),
            ({"amount": 50000, "line_items": [{"product": "", "amount": "50000"}]}, None, ""),
            ({"name": 5}, "name", "is a number, not a string"),
            ({"created": 20260105}, "created", "is a number, not a date"),
            (
                {
                    "history": [
                        {
                            "from_stage": None,
                            "to_stage": "potential",
                            "on": "2026-01-05",
                            "forced": "no",
                        }
                    ]
                },
                "history[0].forced",
                "is a string, not true or false",
            ),
            (
                {
                    "history": [
                        {
                            "from_stage": None,
                            "to_stage": "potential",
                            "on": "2026-01-05",
                            "skipped": "ab",
                        }
                    ]
                },
                "history[0].skipped",
                "is a string, not a list",
            ),
            (
                {"revisions": [{"type": "move", "on": "2026-01-05"}]},
                "revisions[0]",
                "has no 'type'",
            ),
            ({"revisions": [5]}, "revisions[0]", "is a number, not a Reschedule object"),
            ({"line_items": [{"product": "A", "amount": "1"}]}, "amount", "line items add up to 1"),
            ({"expected_close": "2020-01-01"}, "expected_close", "2020-01-01 is before created"),
            ({"history": []}, "history", "history is empty"),
            (
                {
                    "history": [
                        {"from_stage": None, "to_stage": "potential", "on": "2026-01-05", "kind": 1}
                    ]
                },
                "history[0].kind",
                "is not a ChangeKind",
            ),
            ({"facts": {"d": {"date": "01/02/2026"}}}, "facts", "is not a date"),
            ({"facts": "x"}, "facts", "is not a JSON object"),
        ],
    )
    def test_bad_opportunity_values(self, changes, column, why):
        """Each bad value of an opportunity is a problem at its path."""
        doc = opp_doc(**changes)
        if not why:
            assert loads(json.dumps(doc))[0].amount == Decimal(50000)
            return
        found = problems(doc)
        path = "$.opportunities[0]" + (f".{column}" if column else "")
        assert any(c == path and why in w for c, w in found), found

    def test_missing_amount(self):
        """An opportunity needs an amount or line items."""
        doc = opp_doc()
        del doc["opportunities"][0]["amount"]
        del doc["opportunities"][0]["line_items"]
        assert ("$.opportunities[0].amount", "is missing") in problems(doc)

    def test_optional_keys(self):
        """Hand-written opportunities may leave out everything but the core fields."""
        text = json.dumps(
            {
                "schema": "salesfunnel/opportunity",
                "version": 1,
                "opportunity": {
                    "id": "D1",
                    "name": "CRM",
                    "account": "Acme",
                    "owner": "Ann",
                    "stage": "potential",
                    "created": "2026-01-05",
                    "expected_close": "2026-06-30",
                    "amount": "50000.50",
                    "currency": "EUR",
                },
            }
        )
        assert loads(text, Opportunity) == deal()

    def test_not_an_object(self):
        """An opportunity that is not an object is a problem."""
        assert problems({"schema": "salesfunnel/opportunity", "version": 1, "opportunity": []}) == [
            ("$.opportunity", "is a list, not a Opportunity object")
        ]

    def test_duplicated_ids(self):
        """Duplicated ids are problems at each occurrence; lenient reading keeps neither."""
        doc = to_dict([deal(), deal(name="Other"), deal(id="D2")])
        found = problems(doc)
        assert found == [
            ("$.opportunities[0].id", "duplicated id: also at $.opportunities[1]"),
            ("$.opportunities[1].id", "duplicated id: also at $.opportunities[0]"),
        ]
        result = read_json(io.StringIO(json.dumps(doc)), lenient=True)
        assert [o.id for o in result] == ["D2"]

    def test_bad_funnel(self):
        """A funnel that breaks a rule of its graph is reported at the funnel."""
        doc = to_dict(DEFAULT_FUNNEL)
        doc["funnel"]["stages"][2]["probability"] = "0.05"
        ((column, why),) = problems(doc)
        assert column == "$.funnel"
        assert "must not decrease" in why

    def test_bad_edges(self):
        """Edges must be [from, to] pairs."""
        doc = to_dict(DEFAULT_FUNNEL)
        doc["funnel"]["edges"] = [["a"]]
        assert problems(doc) == [("$.funnel.edges", "is not a list of [from, to] stage-key pairs")]


class TestRuleRegistry:
    def test_unknown_reference(self):
        """An unknown rule or criterion reference is a problem at the rule's path."""
        doc = to_dict(DEFAULT_FUNNEL)
        doc["funnel"]["stages"][1]["rule"] = {"ref": "nope"}
        doc["funnel"]["stages"][3]["rule"] = {"type": "criterion", "key": "zzz"}
        found = problems(doc)
        assert found[0][0] == "$.funnel.stages[1].rule"
        assert "unknown rule reference 'nope'" in found[0][1]
        assert found[1][0] == "$.funnel.stages[3].rule"
        assert "unknown criterion reference 'zzz'" in found[1][1]

    def test_getitem(self):
        """Looking up an unknown name raises UnknownRuleError listing the known ones."""
        assert DEFAULT_REGISTRY["wall"] == WALL_RULE
        with pytest.raises(UnknownRuleError) as info:
            DEFAULT_REGISTRY["x"]
        assert "wall" in info.value.known
        assert "unknown rule reference 'x'" in str(info.value)

    def test_with_rules_and_hash(self):
        """with_rules returns a new registry; registries hash by their names."""
        mine = DEFAULT_REGISTRY.with_rules({"w2": WALL_RULE})
        assert "w2" in mine.rules
        assert "w2" not in DEFAULT_REGISTRY.rules
        assert hash(mine) != hash(DEFAULT_REGISTRY)
        assert RuleRegistry(dict(mine.rules)) == mine

    @pytest.mark.parametrize(
        ("rule", "why"),
        [
            ([], "a rule is not a JSON object"),
            ({"ref": 5}, "'ref' is not a str"),
            ({"rules": []}, "has no 'type'"),
            ({"type": "xor", "rules": []}, "rule type 'xor' is unknown"),
            ({"type": "all_of", "rules": [], "text": "x"}, "text is not"),
            ({"type": "all_of", "rules": {}}, "'rules' is not a list"),
            ({"type": "at_least", "n": True, "rules": []}, "'n' is not a int"),
            ({"type": "at_least", "n": 3, "rules": [{"ref": "wall"}]}, "AtLeast(3, ...)"),
            (
                {"type": "criterion", "key": "k", "text": None, "needs": []},
                "a criterion has no text",
            ),
            (
                {"type": "criterion", "key": "k", "text": {"en": "a", "zh": "b"}, "needs": [1]},
                "'needs' is not a list of fact keys",
            ),
            (
                {
                    "type": "criterion",
                    "key": "k",
                    "text": {"en": "a", "zh": "b"},
                    "needs": [],
                    "test": {"type": "regex"},
                },
                "criterion test type 'regex' is unknown",
            ),
            (
                {
                    "type": "criterion",
                    "key": "k",
                    "text": {"en": "a", "zh": "b"},
                    "needs": [],
                    "test": {"type": "threshold", "fact": "k", "limit": "x", "strict": True},
                },
                "threshold limit 'x' is not a number",
            ),
        ],
    )
    def test_malformed_rules(self, rule, why):
        """A malformed rule is a problem at its path saying what is wrong."""
        doc = to_dict(DEFAULT_FUNNEL)
        doc["funnel"]["stages"][1]["rule"] = rule
        ((column, text),) = problems(doc)
        assert column == "$.funnel.stages[1].rule"
        assert why in text

    def test_rule_kinds_in_a_verdict(self):
        """A verdict's criteria must be criteria, not other rules."""
        doc = to_dict(evaluate(WALL_RULE, {}))
        doc["verdict"]["missing"][0] = {"ref": "wall"}
        ((column, why),) = problems(doc)
        assert column == "$.verdict.missing[0]"
        assert why == "is a AllOf, not a Criterion"

    def test_not_and_labels(self):
        """Negations and rule labels round-trip."""
        rule = ~Criterion.fact("a", "A")
        assert DEFAULT_REGISTRY.rule_from_dict(DEFAULT_REGISTRY.rule_to_dict(rule)) == rule


class TestKeyAccountRules:
    """The default registry knows the key-account and key-customer rules."""

    def test_registered_by_stage(self):
        """Each evidence rule of the default key-account rules is written by reference."""
        from salesfunnel.key_accounts import DEFAULT_KAM_RULES

        for stage, rule in DEFAULT_KAM_RULES.items():
            assert DEFAULT_REGISTRY.rule_to_dict(rule) == {"ref": f"kam.{stage.value}"}
            assert DEFAULT_REGISTRY[f"kam.{stage.value}"] is rule
        assert DEFAULT_REGISTRY.rule_to_dict(next(DEFAULT_KAM_RULES.early.criteria())) == {
            "type": "criterion",
            "key": "trial_order",
        }

    def test_documents_shrink(self):
        """Assessments and next steps written by reference are a fraction of their full size."""
        from salesfunnel import KeyAccount, assess, next_step

        before = RuleRegistry(
            {
                name: rule
                for name, rule in DEFAULT_REGISTRY.rules.items()
                if not name.startswith(("kam.", "key_customer."))
            }
        )
        assessment = assess({"trial_order": True, "coach_found": True, "visits_per_month": 2})
        account = KeyAccount("KA1", "Acme", "early", since=date(2025, 1, 6))
        for obj in (assessment, next_step(account)):
            short, full = dumps(obj), dumps(obj, registry=before)
            assert len(short) * 3 < len(full)
            assert loads(short) == obj == loads(full, registry=before)

    def test_criterion_named_with_its_rule(self):
        """A criterion whose key another registered rule uses differently names its rule."""
        from salesfunnel.key_accounts import DEFAULT_KAM_RULES

        signed = next(c for c in DEFAULT_KAM_RULES.mid.criteria() if c.key == "contract_signed")
        written = DEFAULT_REGISTRY.rule_to_dict(signed)
        assert written == {"type": "criterion", "key": "contract_signed", "rule": "kam.mid"}
        assert DEFAULT_REGISTRY.rule_from_dict(written) == signed
        assert DEFAULT_REGISTRY.rule_from_dict({"type": "criterion", "key": "contract_signed"}) != (
            signed
        )

    def test_unknown_criterion_of_a_rule(self):
        """A rule that has no criterion of the key, or is not registered, is a problem."""
        doc = to_dict(evaluate(WALL_RULE, {}))
        doc["verdict"]["missing"][0] = {"type": "criterion", "key": "nope", "rule": "wall"}
        ((column, why),) = problems(doc)
        assert column == "$.verdict.missing[0]"
        assert why.startswith("rule 'wall' has no criterion 'nope' (its criteria: fits_target")
        doc["verdict"]["missing"][0]["rule"] = "walls"
        assert "unknown rule reference 'walls'" in problems(doc)[0][1]

    def test_repeated_key_in_one_rule(self):
        """Of two criteria sharing a key in one rule, the second is written out in full."""
        from salesfunnel import AllOf

        first, second = Criterion.fact("k", "First"), Criterion.fact("k", "Second")
        registry = DEFAULT_REGISTRY.with_rules({"both": AllOf((first, second))})
        assert registry.rule_to_dict(first) == {"type": "criterion", "key": "k"}
        assert registry.rule_to_dict(second)["text"] == {"en": "Second", "zh": "Second"}
        assert registry.rule_from_dict(registry.rule_to_dict(second)) == second

    def test_below_tests(self):
        """A "below" criterion of key-customer limits is written in full and read back."""
        from salesfunnel.customers.key_customers import Below

        below = Criterion("young", Text("Young", "新"), ("age",), Below("age", Decimal("1.5")))
        written = DEFAULT_REGISTRY.rule_to_dict(below)
        assert written["test"] == {"type": "below", "fact": "age", "limit": "1.5"}
        assert DEFAULT_REGISTRY.rule_from_dict(written) == below
        written["test"]["limit"] = "soon"
        with pytest.raises(Exception, match="below limit 'soon' is not a number"):
            DEFAULT_REGISTRY.rule_from_dict(written)

    def test_key_customer_rules(self):
        """The default rule of each key-customer type is registered under its type."""
        from salesfunnel.customers import KeyCustomerThresholds

        for kind, rule in KeyCustomerThresholds().rules().items():
            assert DEFAULT_REGISTRY.rule_to_dict(rule) == {"ref": f"key_customer.{kind.value}"}


@attrs.frozen
class _Target:
    """A stand-in for a later result type registered as its own schema."""

    owner: str
    amount: Decimal
    on: date


class TestDocumentSchema:
    def test_register_a_new_kind(self):
        """A new schema is registered by passing it with the defaults."""
        calls: list[object] = []
        schemas = (
            *DEFAULT_SCHEMAS,
            DocumentSchema("example/target", 1, "target", _Target, configure=calls.append),
        )
        target = _Target("Ann", Decimal("10.5"), date(2026, 3, 31))
        doc = to_dict(target, schemas=schemas)
        assert doc == {
            "schema": "example/target",
            "version": 1,
            "target": {"owner": "Ann", "amount": "10.5", "on": "2026-03-31"},
        }
        assert from_dict(doc, _Target, schemas=schemas) == target
        assert loads(dumps(target, schemas=schemas), schemas=schemas) == target
        assert len(calls) == 1


class TestReadJson:
    def test_files_and_dispatch(self, tmp_path):
        """read_opportunities reads .json and .csv by name; other names are refused."""
        deals = sample_pipeline()[:10]
        path = tmp_path / "d.json"
        write_json(deals, path)
        assert read_opportunities(path) == deals
        result = read_opportunities(path, lenient=True)
        assert isinstance(result, ReadResult)
        assert result.records == deals
        with pytest.raises(UnsupportedFileError, match="holds the histories itself"):
            read_opportunities(path, events=tmp_path / "e.csv")
        csv_path, ev = tmp_path / "d.csv", tmp_path / "e.csv"
        write_csv(deals, csv_path, events=ev)
        assert read_opportunities(csv_path, events=ev) == deals
        assert read_opportunities(csv_path, events=ev, lenient=True).records == deals
        with pytest.raises(UnsupportedFileError, match="cannot tell the format"):
            read_opportunities(tmp_path / "d.xlsx")

    def test_single_opportunity_document(self):
        """A salesfunnel/opportunity document reads as one opportunity."""
        text = dumps(deal())
        assert read_json(io.StringIO(text)) == (deal(),)
        assert read_json(io.StringIO(text), lenient=True).records == (deal(),)

    def test_other_documents_refused(self):
        """read_json reads only opportunity documents."""
        with pytest.raises(DataFileError, match="is not a salesfunnel document schema"):
            read_json(io.StringIO(dumps(DEFAULT_FUNNEL)))

    def test_lenient(self):
        """Lenient reading returns the good opportunities and the same problems."""
        doc = to_dict([deal(), deal(id="D2")])
        doc["opportunities"][1]["amount"] = "-5"
        text = json.dumps(doc)
        with pytest.raises(DataFileError) as info:
            read_json(io.StringIO(text))
        result = read_json(io.StringIO(text), lenient=True)
        assert result.records == (deal(),)
        assert result.problems == info.value.problems
        assert result.problems[0].opportunity_id == "D2"

    def test_write_to_stream(self):
        """write_json writes to an open text file, on one line with indent=None."""
        out = io.StringIO()
        write_json([deal()], out, indent=None)
        assert out.getvalue().count("\n") == 1
        assert read_json(io.StringIO(out.getvalue())) == (deal(),)

    @given(st.lists(st.sampled_from(sample_pipeline()[:40]), max_size=6, unique_by=lambda o: o.id))
    def test_round_trip_sample_subsets(self, deals):
        """Any subset of the sample survives to_dict and from_dict."""
        assert from_dict(copy.deepcopy(to_dict(deals)), tuple) == tuple(deals)
