"""The hostile JSON inputs of issue 12: each gives a typed DataFileError, never a bare error."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from salesfunnel import Opportunity
from salesfunnel.io import (
    DEFAULT_REGISTRY,
    DataFileError,
    dumps,
    from_dict,
    json_bounds,
    json_format,
    loads,
    read_json,
)
from salesfunnel.io._values import BadValue, json_fact, json_facts, plain_decimal

DEAL = Opportunity(
    id="D1",
    name="CRM",
    account="Acme",
    owner="Ann",
    stage="potential",
    created=date(2026, 1, 5),
    expected_close=date(2026, 6, 30),
    amount="50000",
    currency="EUR",
    facts={"budget": True},
)


def doc(**fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(dumps([DEAL]))
    out["opportunities"][0].update(fields)
    return out


def refused(text: str) -> list[tuple[str | None, str]]:
    with pytest.raises(DataFileError) as info:
        loads(text)
    return [(p.column, p.why) for p in info.value.problems]


def with_raw(field: str, raw: str) -> str:
    return json.dumps(doc(**{field: "@@"})).replace('"@@"', raw)


class TestBounds:
    def test_brackets(self):
        assert "deeper than 64" in refused("[" * 100000 + "]" * 100000)[0][1]

    def test_deep_payload(self):
        assert "deeper than 64" in refused(with_raw("facts", "[" * 5000 + "]" * 5000))[0][1]

    def test_brackets_inside_strings_do_not_count(self):
        assert loads(json.dumps(doc(name="[" * 5000))) == (DEAL.evolve(name="[" * 5000),)

    @pytest.mark.parametrize("field", ["facts", "amount", "probability"])
    def test_huge_integer(self, field):
        assert "5000 digits" in refused(with_raw(field, "9" * 5000))[0][1]

    def test_huge_float(self):
        assert "not a finite number" in refused(with_raw("amount", "1e999999"))[0][1]
        assert "not a finite number" in refused(with_raw("amount", "1." + "1" * 50))[0][1]

    def test_too_long(self, monkeypatch):
        monkeypatch.setattr(json_bounds, "MAX_DOCUMENT_SIZE", 10)
        assert "longer than 10" in refused(dumps([DEAL]))[0][1]

    def test_too_large_file(self, monkeypatch, tmp_path):
        path = tmp_path / "deals.json"
        path.write_text(dumps([DEAL]), encoding="utf-8")
        monkeypatch.setattr(json_format, "MAX_DOCUMENT_SIZE", 10)
        with pytest.raises(DataFileError, match="larger than 40 bytes"):
            read_json(path)

    def test_too_large_stream_is_not_read_whole(self, monkeypatch):
        """A stream over the bound is refused after reading one character past it."""
        monkeypatch.setattr(json_format, "MAX_DOCUMENT_SIZE", 10)

        asked: list[int] = []

        class Endless(io.StringIO):
            def read(self, size: int | None = -1) -> str:
                asked.append(-1 if size is None else size)
                return "[" * (size if size is not None and size >= 0 else 10**6)

        with pytest.raises(DataFileError, match="larger than 40 bytes"):
            read_json(Endless())
        assert asked == [41]

    def test_from_dict_bounds(self):
        deep: list[object] = []
        for _ in range(5000):
            deep = [deep]
        bad = doc(facts={"x": deep, "n": 10**5000, "f": float("nan")}, name="\ud800")
        with pytest.raises(DataFileError) as info:
            from_dict(bad)
        whys = {p.column: p.why for p in info.value.problems}
        assert "deeper than 64" in whys["$.opportunities[0].facts.x" + "[0]" * 60]
        assert "more than 40 digits" in whys["$.opportunities[0].facts.n"]
        assert "not a finite number" in whys["$.opportunities[0].facts.f"]
        assert "lone surrogate" in whys["$.opportunities[0].name"]

    def test_problems_are_capped(self):
        bad = doc(facts={f"k{i}": float("inf") for i in range(100)})
        with pytest.raises(DataFileError) as info:
            from_dict(bad)
        assert len(info.value.problems) == 20


class TestCanonical:
    @pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
    def test_constants(self, constant):
        assert f"holds {constant}" in refused(with_raw("facts", '{"x": ' + constant + "}"))[0][1]
        assert f"holds {constant}" in refused(with_raw("amount", constant))[0][1]

    @pytest.mark.parametrize("text", ["sNaN", "NaN", "Infinity", "1e5", "1_000", " 1"])
    def test_decimal_facts(self, text):
        (problem,) = refused(json.dumps(doc(facts={"x": {"decimal": text}})))
        assert problem == (
            "$.opportunities[0].facts",
            (
                f"fact 'x': {text!r} is not a number in plain notation (ASCII digits, an optional "
                "sign and decimal point; no separators, exponent, NaN or infinity)"
            ),
        )

    @pytest.mark.parametrize("text", ["nan", "inf", "-inf"])
    def test_float_facts(self, text):
        (problem,) = refused(json.dumps(doc(facts={"x": {"float": text}})))
        assert problem[1] == f"fact 'x': the float {text} is not a finite number"

    @pytest.mark.parametrize("text", ["1_000", "١٢٣", "１００", "1e3", "NaN", "sNaN", " 5", "0x10"])
    def test_amounts(self, text):
        (problem,) = refused(json.dumps(doc(amount=text)))
        assert problem[0] == "$.opportunities[0].amount"
        assert "not a number in plain notation" in problem[1]

    def test_too_many_digits(self):
        assert "more than 60 digits" in refused(json.dumps(doc(probability="0." + "1" * 61)))[0][1]

    def test_duplicate_keys(self):
        text = json.dumps(doc()).replace('"id": "D1"', '"id": "D1", "id": "D2", "id": "D3"')
        assert refused(text) == [("$.opportunities[0]", "repeats the key 'id'")]

    def test_lone_surrogate(self):
        text = json.dumps(doc()).replace('"CRM"', '"\\ud800"')
        assert refused(text) == [
            (
                "$.opportunities[0].name",
                "holds a lone surrogate (such as \\ud800), which is not text",
            )
        ]

    def test_lone_surrogate_key(self):
        text = json.dumps(doc(facts={"\ud800": 1}))
        assert (
            "$.opportunities[0].facts.\ud800",
            "is a key with a lone surrogate, which is not text",
        ) in refused(text)

    def test_surrogate_pair_is_text(self):
        (back,) = loads(json.dumps(doc(name="\U0001f600")))  # type: ignore[misc]
        assert back.name == "\U0001f600"

    def test_plain_decimal_facts_round_trip(self):
        deal = DEAL.evolve(facts={"odds": __import__("decimal").Decimal("1E+5")})
        assert loads(dumps([deal])) == (deal,)
        assert '"decimal": "100000"' in dumps([deal])


class TestValueHelpers:
    def test_plain_decimal(self):
        assert str(plain_decimal("-0.50")) == "-0.50"
        with pytest.raises(BadValue):
            plain_decimal("+")

    def test_json_fact(self):
        assert json_fact(True) is True
        assert json_fact({"date": "2026-03-31"}) == date(2026, 3, 31)
        with pytest.raises(BadValue, match="not a finite number"):
            json_fact(float("nan"))

    def test_json_facts(self):
        with pytest.raises(BadValue, match="not a JSON object"):
            json_facts([1])
        with pytest.raises(BadValue, match="empty key"):
            json_facts({"": 1})


class TestRules:
    def rule(self, obj: object) -> str:
        with pytest.raises(BadValue) as info:
            DEFAULT_REGISTRY.rule_from_dict(obj)
        return info.value.why

    def criterion(self, **test: object) -> dict[str, object]:
        return {
            "type": "criterion",
            "key": "k",
            "text": {"en": "k", "zh": "k"},
            "needs": ["x"],
            "test": test,
        }

    def test_misspelt_strict(self):
        why = self.rule(self.criterion(type="threshold", fact="x", limit="1", stict=True))
        assert (
            why
            == "a threshold test has unknown keys: stict (its keys are type, fact, limit, strict)"
        )

    def test_unknown_keys_everywhere(self):
        assert "a rule reference has unknown keys: x" in self.rule({"ref": "wall", "x": 1})
        assert "an all_of" not in self.rule({"type": "all_of", "rules": [], "n": 1})
        assert "unknown keys: n" in self.rule({"type": "all_of", "rules": [], "n": 1})
        assert "unknown keys: extra" in self.rule(
            {**self.criterion(type="fact", key="x"), "extra": 1}
        )
        assert "unknown keys: limit" in self.rule(self.criterion(type="fact", key="x", limit="1"))

    @pytest.mark.parametrize("limit", ["NaN", "sNaN", "Infinity", "1e3", "1_0"])
    def test_limits(self, limit):
        why = self.rule(self.criterion(type="below", fact="x", limit=limit))
        assert why.startswith(f"below limit {limit!r} is not a number in plain notation")

    def test_rule_in_a_document(self):
        funnel = json.loads(dumps(__import__("salesfunnel").DEFAULT_FUNNEL))
        funnel["funnel"]["stages"][0]["rule"] = {"ref": "wall", "stict": True}
        problems = refused(json.dumps(funnel))
        assert any("unknown keys: stict (its keys are ref)" in why for _, why in problems)


class TestResultInvariants:
    """Result documents refuse what their classes refuse: NaN, infinities, negatives, disorder."""

    @staticmethod
    def example(strategy: str) -> dict[str, Any]:
        from hypothesis import HealthCheck, given, settings

        from tests import strategies

        found: list[dict[str, Any]] = []

        @settings(max_examples=1, database=None, suppress_health_check=list(HealthCheck))
        @given(getattr(strategies, strategy)())
        def draw(value: object) -> None:
            found.append(json.loads(dumps(value)))

        draw()
        return found[0]

    @staticmethod
    def refused(doc: dict[str, Any], *path: str | int, value: object) -> str:
        node: Any = doc
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        with pytest.raises(DataFileError) as info:
            loads(json.dumps(doc))
        (problem,) = info.value.problems
        return f"{problem.column}: {problem.why}"

    @pytest.mark.parametrize("value", ["-1", "NaN", "Infinity"])
    def test_quota_booked(self, value):
        doc = self.example("quota_results")
        why = self.refused(doc, "quota_results", 0, "booked", value=value)
        assert why.startswith("$.quota_results[0].booked: ")

    def test_quota_weighted_above_pipeline(self):
        doc = self.example("quota_results")
        row = doc["quota_results"][0]
        row["pipeline"], row["weighted_pipeline"] = "1", "2"
        assert "above the pipeline 1" in self.refused(doc, "quota_results", 0, "owner", value="x")

    @pytest.mark.parametrize(("field", "value"), [("p10", "-1"), ("p10", "NaN"), ("won", "-5")])
    def test_backtest_figures(self, field, value):
        doc = self.example("backtests")
        why = self.refused(doc, "backtest", "rows", 0, field, value=value)
        assert why.startswith(f"$.backtest.rows[0].{field}: ")

    def test_backtest_percentiles_in_order(self):
        doc = self.example("backtests")
        row = doc["backtest"]["rows"][0]
        row["p10"], row["p50"], row["p90"] = "5", "4", "6"
        assert "not between p10 5 and p90 6" in self.refused(
            doc, "backtest", "rows", 0, "won", value="1"
        )

    @pytest.mark.parametrize("value", ["-0.1", "1", "NaN"])
    def test_retention_discount(self, value):
        doc = self.example("retention_effects")
        why = self.refused(doc, "retention_effect", "discount", value=value)
        assert why.startswith("$.retention_effect.discount: ")

    def test_distribution_mean_contradicting_its_table(self):
        doc = self.example("distributions")
        body = doc["distribution"]
        beyond = str(Decimal(body["maximum"]) + 1)
        assert self.refused(doc, "distribution", "mean", value=beyond).startswith(
            "$.distribution.mean: is "
        )


@pytest.mark.parametrize("kind", [["advance"], 1, True, "hop"])
def test_an_enum_given_as_another_json_value(kind):
    """A stage change's kind as a list, a number or an unknown word is a problem at its path."""
    doc = json.loads(dumps([DEAL]))
    doc["opportunities"][0]["history"][0]["kind"] = kind
    with pytest.raises(DataFileError) as info:
        loads(json.dumps(doc))
    assert info.value.problems[0].column == "$.opportunities[0].history[0].kind"
    assert info.value.problems[0].why == "is not a ChangeKind"
