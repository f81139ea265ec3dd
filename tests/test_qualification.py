from __future__ import annotations

from collections.abc import ItemsView, ValuesView
from decimal import Decimal
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import AllOf, AnyOf, Criterion, Text, evaluate
from salesfunnel.errors import InvalidFactError, InvalidRuleError
from salesfunnel.qualification import (
    NO_FACTS,
    AtLeast,
    FactIs,
    Facts,
    Not,
    Outcome,
    Threshold,
    decide,
)
from salesfunnel.qualification.facts import as_facts
from tests import strategies as sst

A = Criterion.fact("a", "A", "甲")
B = Criterion.fact("b", "B", "乙")
C = Criterion.fact("c", "C", "丙")


class TestFacts:
    def test_is_an_immutable_hashable_mapping(self):
        """Facts behave like a read-only dict and can be hashed."""
        f = Facts({"b": True, "a": 1})
        assert dict(f) == {"a": 1, "b": True}
        assert f["a"] == 1 and len(f) == 2 and "b" in f
        assert hash(f) == hash(Facts.of(a=1, b=True))
        with pytest.raises(KeyError):
            f["zzz"]

    def test_merge_prefers_new_values(self):
        """merge() returns new facts where later values win."""
        f = Facts.of(a=True)
        assert f.merge({"a": False, "b": True}) == Facts.of(a=False, b=True)
        assert f.merge(None) is f
        assert dict(f) == {"a": True}

    def test_equals_plain_mappings(self):
        """Facts equal a dict with the same items and nothing that is not a mapping."""
        assert Facts.of(a=True) == {"a": True}
        assert Facts.of(a=True) != {"a": False}
        assert Facts.of(a=True) != 3

    def test_repr_looks_like_a_dict(self):
        """The repr shows the facts as a dict."""
        assert repr(Facts.of(a=True)) == "Facts({'a': True})"

    @given(sst.facts_of_every_kind)
    def test_views_are_any_mappings_views(self, given_facts):
        """items() and values() give what any mapping's views give, in key order."""
        f = Facts(given_facts)
        keys = sorted(given_facts)
        assert list(f.items()) == list(ItemsView(f)) == [(k, f[k]) for k in keys]
        assert list(f.values()) == list(ValuesView(f)) == [f[k] for k in keys]
        assert f.items() == ItemsView(f) and len(f.items()) == len(f.values()) == len(keys)
        assert all((k, f[k]) in f.items() and f[k] in f.values() for k in keys)
        assert repr(f.items()) == repr(ItemsView(f)) == f"ItemsView({f!r})"
        assert repr(f.values()) == f"ValuesView({f!r})"
        assert hash(f) == hash(tuple((k, f[k]) for k in keys))
        assert repr(f) == f"Facts({ {k: f[k] for k in keys}!r})"

    @pytest.mark.parametrize("key", ["", 3])
    def test_refuses_bad_keys(self, key):
        """Fact keys must be non-empty strings."""
        with pytest.raises(InvalidFactError):
            Facts({key: True})


class TestCriterion:
    def test_fact_criterion(self):
        """A yes/no criterion holds when its fact is True."""
        assert evaluate(A, {"a": True}).passed
        assert evaluate(A, {"a": False}).outcome is Outcome.FAILED

    def test_absent_or_none_fact_is_missing_not_false(self):
        """Unknown is not false: an absent or None fact leaves the criterion missing."""
        for facts in ({}, {"a": None}):
            v = evaluate(A, facts)
            assert v.outcome is Outcome.UNDECIDED
            assert v.missing == (A,)
            assert v.failed == ()

    def test_non_bool_fact_is_a_type_error(self):
        """A string where a yes/no fact belongs is refused, not guessed at."""
        with pytest.raises(InvalidFactError, match="True or False") as info:
            evaluate(A, {"a": "yes"})
        assert isinstance(info.value, TypeError)
        assert info.value.fact == "a"

    def test_threshold_criteria(self):
        """above() is strict, at_least() is inclusive, and floats read exactly."""
        above = Criterion.above("p", 0.5, "p > 0.5")
        least = Criterion.at_least("n", 3, "n >= 3", fact="count")
        assert not evaluate(above, {"p": 0.5}).passed
        assert evaluate(above, {"p": Decimal("0.51")}).passed
        assert evaluate(least, {"count": 3}).passed
        assert least.needs == ("count",)

    def test_threshold_needs_a_number(self):
        """A threshold criterion refuses a non-numeric fact."""
        with pytest.raises(InvalidFactError, match="number"):
            evaluate(Criterion.above("p", 1, "p"), {"p": True})

    def test_threshold_limit_must_be_a_number(self):
        """A threshold given as a string is refused when the criterion is built."""
        with pytest.raises(InvalidFactError):
            Threshold("p", "0.5")  # type: ignore[arg-type]

    def test_custom_test_reads_declared_facts(self):
        """A custom test runs only once every fact it needs is known."""
        big = Criterion("big", Text("Big deal"), ("budget", "staff"), lambda f: f["budget"] > 10)  # type: ignore[operator]
        assert evaluate(big, {"budget": 5}).outcome is Outcome.UNDECIDED
        assert evaluate(big, {"budget": 50, "staff": 1}).passed

    def test_criteria_built_alike_are_equal(self):
        """Criteria built the same way compare and hash equal."""
        assert Criterion.fact("a", "A", "甲") == A
        assert hash(Criterion.fact("a", "A", "甲")) == hash(A)
        assert Criterion.above("p", 1, "x") == Criterion.above("p", 1, "x")
        assert A.test == FactIs("a")

    def test_empty_key_is_refused(self):
        """A criterion needs a key."""
        with pytest.raises(InvalidRuleError):
            Criterion("", Text("x"))

    def test_text_defaults_chinese_to_english(self):
        """A criterion without Chinese text shows the English one."""
        assert Criterion.fact("x", "Only English").describe("zh") == "Only English"


class TestCombinators:
    def test_all_of_is_three_valued(self):
        """all of: any false fails; otherwise any unknown is undecided."""
        rule = A & B
        assert evaluate(rule, {"a": True, "b": True}).passed
        assert evaluate(rule, {"a": False}).outcome is Outcome.FAILED
        assert evaluate(rule, {"a": True}).outcome is Outcome.UNDECIDED

    def test_any_of_is_three_valued(self):
        """any of: any true passes; otherwise any unknown is undecided."""
        rule = A | B
        assert evaluate(rule, {"b": True}).passed
        assert evaluate(rule, {"a": False}).outcome is Outcome.UNDECIDED
        assert evaluate(rule, {"a": False, "b": False}).outcome is Outcome.FAILED

    def test_at_least(self):
        """at least n: decided once n are true or too few can still be."""
        rule = AtLeast(2, [A, B, C])
        assert evaluate(rule, {"a": True, "b": True}).passed
        assert evaluate(rule, {"a": False, "b": False}).outcome is Outcome.FAILED
        assert evaluate(rule, {"a": True, "b": False}).outcome is Outcome.UNDECIDED

    def test_not_inverts_and_reports_the_inner_criterion_as_failed(self):
        """A criterion that holds under a Not counts against the rule."""
        v = evaluate(~A, {"a": True})
        assert v.outcome is Outcome.FAILED
        assert v.failed == (A,)
        assert evaluate(Not(A), {"a": False}).passed
        assert evaluate(Not(A), {}).outcome is Outcome.UNDECIDED

    def test_empty_all_of_holds(self):
        """An empty all-of always holds."""
        assert evaluate(AllOf(()), {}).passed

    def test_empty_any_of_is_refused(self):
        """An any-of with no parts could never hold and is refused."""
        with pytest.raises(InvalidRuleError):
            AnyOf(())

    @pytest.mark.parametrize("n", [0, 4, True, 1.5])
    def test_at_least_needs_a_sensible_n(self, n):
        """n must be a whole number between 1 and the number of parts."""
        with pytest.raises(InvalidRuleError):
            AtLeast(n, [A, B, C])

    def test_parts_must_be_rules(self):
        """Combining something that is not a rule is refused with a hint."""
        with pytest.raises(InvalidRuleError, match=r"Criterion\.fact"):
            AllOf(["a"])  # type: ignore[list-item]
        with pytest.raises(InvalidRuleError):
            Not("a")  # type: ignore[arg-type]
        with pytest.raises(InvalidRuleError):
            evaluate("a", {})  # type: ignore[arg-type]

    def test_each_criterion_listed_once_in_rule_order(self):
        """A criterion used twice appears once in the verdict lists."""
        v = evaluate(AllOf([A, AnyOf([A, B]), C]), {"a": True, "b": False})
        assert v.met == (A,)
        assert v.failed == (B,)
        assert v.missing == (C,)

    def test_criteria_iterates_leaves(self):
        """criteria() yields every leaf depth first."""
        assert list(AllOf([A, AnyOf([B, ~C])]).criteria()) == [A, B, C]


class TestVerdict:
    def test_explain_in_both_languages(self):
        """explain() marks each part and names missing facts."""
        v = evaluate(AllOf([A, AtLeast(1, [B, C])]), {"a": True, "b": False})
        assert v.explain() == (
            "undecided: all of\n  ✓ A\n  ? at least 1 of\n    ✗ B\n    ? C (missing: c)"
        )
        assert v.explain("zh").splitlines()[0] == "待定: 全部满足"
        assert "至少满足1项" in v.explain("zh")
        assert "缺少: c" in v.explain("zh")

    def test_explain_single_criterion_and_custom_texts(self):
        """A lone criterion and named groups explain with their own texts."""
        assert evaluate(A, {"a": True}).explain() == "passed:\n  ✓ A"
        named = AnyOf([A], Text("Either", "之一"))
        assert evaluate(named, {"a": False}).explain("zh") == "未通过: 之一\n  ✗ 甲"
        assert evaluate(Not(A, Text("Not A")), {"a": False}).explain() == "passed: Not A\n  ✗ A"
        assert "并非" in evaluate(AllOf([Not(A)]), {}).explain("zh")
        assert AtLeast(1, [A], Text("One")).describe() == "One"
        assert AllOf([A], Text("All")).describe() == "All"

    def test_truthiness_and_html(self):
        """A verdict is truthy when it passed and renders as HTML."""
        v = evaluate(A, {"a": True})
        assert v
        assert not evaluate(A, {})
        assert "<li>✓ A</li>" in v._repr_html_()


@given(sst.monotone_rules, sst.facts, sst.fact_keys)
def test_adding_a_true_fact_never_breaks_a_passing_monotone_rule(rule, facts, key):
    """For all-of / any-of / at-least rules, learning a true fact keeps a pass a pass."""
    before = evaluate(rule, facts)
    if facts.get(key) is None:
        after = evaluate(rule, {**facts, key: True})
        if before.passed:
            assert after.passed


@given(sst.monotone_rules, sst.facts)
def test_verdict_partitions_the_criteria(rule, facts):
    """Every criterion of a rule is in exactly one of met, failed and missing."""
    v = evaluate(rule, facts)
    groups = [set(v.met), set(v.failed), set(v.missing)]
    assert set().union(*groups) == set(rule.criteria())
    assert sum(len(g) for g in groups) == len(set(rule.criteria()))


@given(sst.monotone_rules, st.dictionaries(sst.fact_keys, st.booleans()))
def test_fully_known_facts_always_decide(rule, facts):
    """With every fact known, a rule is never undecided."""
    full = {f"f{i}": facts.get(f"f{i}", False) for i in range(8)}
    assert evaluate(rule, full).outcome is not Outcome.UNDECIDED


class TestFactsChecks:
    def test_merge_checks_only_what_is_new_and_keeps_key_order(self):
        """Merging replaces and adds facts, iterates in key order and hashes like a fresh build."""
        f = Facts({"b": True, "d": Decimal("0.5")})
        merged = f.merge({"a": [1, 2], "b": False})
        assert list(merged) == ["a", "b", "d"]
        assert merged == Facts({"a": (1, 2), "b": False, "d": Decimal("0.5")})
        assert hash(merged) == hash(Facts({"d": Decimal("0.5"), "b": False, "a": (1, 2)}))
        assert repr(merged) == "Facts({'a': (1, 2), 'b': False, 'd': Decimal('0.5')})"
        assert "a" in merged and "z" not in merged
        assert f.merge({}) is f and f.merge(None) is f

    @pytest.mark.parametrize(
        "bad",
        [{"x": Decimal("NaN")}, {"x": float("inf")}, {"x": {"nested": 1}}, {"": True}, {3: True}],
    )
    def test_merge_refuses_bad_new_facts(self, bad):
        """A new fact is checked as when facts are built: non-finite, nested or badly keyed is refused."""
        with pytest.raises(InvalidFactError):
            Facts.of(a=True).merge(bad)

    def test_values_are_frozen_and_the_input_is_not_kept(self):
        """Lists become tuples, sets frozensets; the caller's dict is copied, never shared."""
        given_facts = {"a": [1, {2}], "b": True, "c": {3}}
        f = Facts(given_facts)
        assert f["a"] == (1, frozenset({2})) and f["c"] == frozenset({3})
        assert as_facts(f) is f
        given_facts["b"] = False
        assert f["b"] is True

    def test_other_mappings_and_string_subclass_keys(self):
        """Any mapping is read; a key of a str subclass is accepted, as before."""

        class Key(str):
            __slots__ = ()

        f = Facts(Facts.of(a=True))
        assert f == {"a": True}
        assert Facts({Key("k"): True}) == {"k": True}
        with pytest.raises(InvalidFactError):
            Facts({Key(""): True})

    def test_decimal_facts(self):
        """Finite decimals are kept as given; a NaN among them is refused."""
        assert Facts({"p": Decimal("0.6"), "q": True})["p"] == Decimal("0.6")
        with pytest.raises(InvalidFactError):
            Facts({"p": Decimal("0.6"), "q": Decimal("sNaN")})

    def test_no_facts_is_shared(self):
        """Empty facts are one shared value."""
        assert as_facts(None) is NO_FACTS and as_facts({}) is NO_FACTS
        assert len(NO_FACTS) == 0

    def test_as_facts_checks_and_copies(self):
        """as_facts() checks and freezes like Facts(), and never keeps the caller's dict."""
        given_facts = {"a": True}
        made = as_facts(given_facts)
        given_facts["a"] = False
        assert made == {"a": True}
        assert as_facts({"a": [1]}) == Facts({"a": (1,)})
        assert as_facts(MappingProxyType({"b": True})) == {"b": True}
        with pytest.raises(InvalidFactError):
            as_facts({"a": float("nan")})


ODDS = Criterion.above("odds", Decimal("0.5"), "Odds")
STAFF = Criterion.at_least("staff", 50, "Staff")

#: Facts for mixed rules: yes/no facts f0..f3, and numbers for the thresholds.
mixed_facts = st.fixed_dictionaries(
    {},
    optional={
        **{f"f{i}": st.one_of(st.booleans(), st.none()) for i in range(4)},
        "odds": st.one_of(st.none(), st.decimals(0, 1, places=2)),
        "staff": st.one_of(st.none(), st.integers(0, 100), st.integers(0, 100).map(Decimal)),
    },
)
_leaves = st.one_of(
    st.sampled_from([f"f{i}" for i in range(4)]).map(lambda k: Criterion.fact(k, k)),
    st.sampled_from([ODDS, STAFF]),
)


def _mix(children):
    parts = st.lists(children, min_size=1, max_size=4)
    return st.one_of(
        parts.map(AllOf),
        parts.map(AnyOf),
        parts.flatmap(lambda rs: st.integers(1, len(rs)).map(lambda n: AtLeast(n, rs))),
        children.map(Not),
    )


#: Rules mixing yes/no facts, thresholds and negation, nested.
mixed_rules = st.recursive(_leaves, _mix, max_leaves=10)


def _reference(rule, facts):
    """Kleene logic written out plainly, as the independent reference."""
    if isinstance(rule, Criterion):
        if any(facts.get(k) is None for k in rule.needs):
            return None
        return bool(rule.test(facts))
    if isinstance(rule, Not):
        inner = _reference(rule.rule, facts)
        return None if inner is None else not inner
    results = [_reference(r, facts) for r in rule.rules]
    if isinstance(rule, AtLeast):
        trues, unknown = results.count(True), results.count(None)
        return True if trues >= rule.n else (False if trues + unknown < rule.n else None)
    if isinstance(rule, AnyOf):
        return True if True in results else (None if None in results else False)
    return False if False in results else (None if None in results else True)


class TestDecide:
    @given(mixed_rules, mixed_facts)
    def test_decide_and_evaluate_agree_with_the_reference(self, rule, facts):
        """decide() gives evaluate()'s outcome, and both follow plain Kleene logic."""
        expected = {True: Outcome.PASSED, False: Outcome.FAILED, None: Outcome.UNDECIDED}
        want = expected[_reference(rule, facts)]
        verdict = evaluate(rule, facts)
        assert verdict.outcome is want
        assert decide(rule, facts) is want
        assert decide(rule, Facts(facts)) is want
        assert verdict.finding.result is _reference(rule, facts)

    @given(mixed_rules, mixed_facts)
    def test_verdict_lists_agree_with_the_reference(self, rule, facts):
        """Each criterion is met, failed or missing as plain logic says, first place kept."""
        met, failed, missing = {}, {}, {}

        def walk(part, positive):
            if isinstance(part, Criterion):
                result = _reference(part, facts)
                where = missing if result is None else (met if result is positive else failed)
                where.setdefault(id(part), part)
            elif isinstance(part, Not):
                walk(part.rule, not positive)
            else:
                for inner in part.rules:
                    walk(inner, positive)

        walk(rule, True)
        verdict = evaluate(rule, facts)
        assert verdict.met == tuple(met.values())
        assert verdict.failed == tuple(failed.values())
        assert verdict.missing == tuple(missing.values())

    def test_a_threshold_reading_more_facts_is_not_inlined(self):
        """A threshold criterion that needs another fact too reports that one missing."""
        both = Criterion("odds_and_size", Text("Odds"), ("odds", "size"), ODDS.test)
        v = evaluate(AllOf([A, both]), {"a": True, "odds": Decimal("0.9")})
        assert v.outcome is Outcome.UNDECIDED and v.missing == (both,)

    def test_decide_refuses_what_evaluate_refuses(self):
        """A bad fact or a non-rule is refused by decide() as by evaluate()."""
        with pytest.raises(InvalidFactError):
            decide(AllOf([A, ODDS]), {"a": "yes", "odds": Decimal(1)})
        with pytest.raises(InvalidFactError):
            decide(AllOf([ODDS, A]), {"a": True, "odds": "high"})
        with pytest.raises(InvalidRuleError):
            decide("a", {})  # type: ignore[arg-type]

    def test_mixed_group_lists_each_criterion_once(self):
        """In a group of yes/no facts and a threshold, met, failed and missing are in rule order."""
        v = evaluate(AllOf([A, ODDS, B, Not(C)]), {"a": True, "odds": Decimal("0.4"), "c": True})
        assert [c.key for c in v.met] == ["a"]
        assert [c.key for c in v.failed] == ["odds", "c"]
        assert [c.key for c in v.missing] == ["b"]


def test_a_subclass_of_a_rule_type_is_evaluated_as_its_base():
    """A rule of a subclass of AllOf is evaluated, and decided, as an AllOf."""

    class Both(AllOf):
        pass

    rule = Both([A, B])
    assert evaluate(rule, {"a": True, "b": True}).passed
    assert decide(rule, {"a": True}) is Outcome.UNDECIDED
