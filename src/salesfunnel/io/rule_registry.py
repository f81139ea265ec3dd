"""Rules by reference: a registry of known rules, and rules to and from plain dicts.

A qualification rule holds test functions, which JSON cannot. So a rule is
written **by reference** when it is a known one: a registered rule as
``{"ref": "recognition"}``, a criterion of a registered rule as
``{"type": "criterion", "key": "quote_submitted"}`` (or, when registered rules
hold different criteria under one key, with the rule it comes from:
``{"type": "criterion", "key": "contract_signed", "rule": "kam.mid"}``).
Other rules are written out in full when every criterion is a yes/no fact or
a numeric threshold (the tests JSON can describe); a criterion with any other
test function must be registered first, else :class:`UnknownRuleError` says so.

The default registry knows the stage gates of :mod:`salesfunnel.funnel.gates`, the
wall, the key-account evidence rules of :data:`~salesfunnel.DEFAULT_KAM_RULES`
(``kam.early`` … ``kam.uncoupling``) and the default rules of the five
key-customer types (``key_customer.profit_contributor`` …).

>>> from salesfunnel.funnel.gates import RECOGNITION_RULE
>>> DEFAULT_REGISTRY.rule_to_dict(RECOGNITION_RULE)
{'ref': 'recognition'}
>>> DEFAULT_REGISTRY.rule_from_dict({"ref": "recognition"}) == RECOGNITION_RULE
True
>>> DEFAULT_REGISTRY.rule_from_dict({"ref": "budget_gate"})
Traceback (most recent call last):
...
salesfunnel.io.rule_registry.UnknownRuleError: unknown rule reference 'budget_gate'; register it with DEFAULT_REGISTRY.with_rules({'budget_gate': rule}) and pass registry=... (known: potential, potential.information, potential.evaluation, intent, project, recognition, negotiation, closed, wall, kam.early, kam.mid, kam.partnership, kam.synergistic, kam.uncoupling, key_customer.profit_contributor, key_customer.brand_problem, key_customer.loyal_long_standing, key_customer.small_growth, key_customer.changing_new)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from salesfunnel.customers.key_customers import Below, KeyCustomerThresholds
from salesfunnel.errors import FunnelError
from salesfunnel.funnel.gates import (
    DEFAULT_RULES,
    POTENTIAL_EVALUATION,
    POTENTIAL_INFORMATION,
    WALL_RULE,
)
from salesfunnel.i18n import Text
from salesfunnel.io._values import BadValue, plain_decimal
from salesfunnel.key_accounts.signals import DEFAULT_KAM_RULES
from salesfunnel.qualification import (
    AllOf,
    AnyOf,
    AtLeast,
    Criterion,
    FactIs,
    Not,
    Rule,
    Threshold,
)

__all__ = ["DEFAULT_REGISTRY", "RuleRegistry", "UnknownRuleError"]


class UnknownRuleError(FunnelError, LookupError):
    """A rule reference that the registry does not know, or a rule it cannot write.

    Subclasses :class:`LookupError`: a name was looked up in a registry and
    not found (or a rule with a custom test function had no name to be
    written under).

    Attributes:
        ref: The reference (or criterion key) at fault.
        known: The names the registry knows.
    """

    def __init__(self, message: str, *, ref: str, known: tuple[str, ...]) -> None:
        super().__init__(message)
        self.ref = ref
        self.known = known

    def __str__(self) -> str:
        """Return the message (not the quoted key :class:`KeyError` would show)."""
        return str(self.args[0])


def _frozen_map(value: Mapping[str, Rule]) -> Mapping[str, Rule]:
    return MappingProxyType(dict(value))


def _criteria_of(rules: Mapping[str, Rule]) -> dict[str, Criterion]:
    found: dict[str, Criterion] = {}
    for rule in rules.values():
        for criterion in rule.criteria():
            found.setdefault(criterion.key, criterion)
    return found


def _first_by_key(rule: Rule) -> dict[str, Criterion]:
    """The criteria of ``rule`` by key; where a key repeats, the first (as a reader finds it)."""
    found: dict[str, Criterion] = {}
    for criterion in rule.criteria():
        found.setdefault(criterion.key, criterion)
    return found


def _homes_of(rules: Mapping[str, Rule]) -> dict[Criterion, str]:
    """Each criterion of a registered rule and the first rule name it can be found under."""
    homes: dict[Criterion, str] = {}
    for name, rule in rules.items():
        for criterion in _first_by_key(rule).values():
            homes.setdefault(criterion, name)
    return homes


def _need(obj: Mapping[str, object], key: str, kind: type) -> object:
    if key not in obj:
        raise BadValue(f"has no {key!r}", "see the rule forms in the data-formats docs")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadValue(
            f"{key!r} is not a {kind.__name__}", "see the rule forms in the data-formats docs"
        )
    return value


_RULE_KEYS = {
    "all_of": ("type", "rules", "text"),
    "any_of": ("type", "rules", "text"),
    "at_least": ("type", "n", "rules", "text"),
    "not": ("type", "rule", "text"),
    "criterion": ("type", "key", "text", "needs", "test"),
}
_TEST_KEYS = {
    "fact": ("type", "key"),
    "threshold": ("type", "fact", "limit", "strict"),
    "below": ("type", "fact", "limit"),
}


def _known_keys(obj: Mapping[str, object], known: tuple[str, ...], what: str) -> None:
    """Refuse a key of ``obj`` outside ``known`` (a misspelt ``"stict"`` is never ignored)."""
    extra = sorted(str(k) for k in obj if k not in known)
    if extra:
        raise BadValue(
            f"{what} has unknown keys: {', '.join(extra)} (its keys are {', '.join(known)})",
            "remove them, or check their spelling",
        )


def _text(value: object) -> Text | None:
    if value is None:
        return None
    if not (
        isinstance(value, dict)
        and set(value) == {"en", "zh"}
        and all(isinstance(x, str) for x in value.values())
    ):
        raise BadValue("text is not {'en': ..., 'zh': ...}", "give both languages as strings")
    return Text(value["en"], value["zh"])


def _text_dict(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"en": text.en, "zh": text.zh}


@attrs.frozen
class RuleRegistry:
    """Named rules that are written by reference (and the criteria inside them).

    Build your own with :meth:`with_rules`; :data:`DEFAULT_REGISTRY` knows
    the stage gates of :mod:`salesfunnel.funnel.gates` and the wall.

    Attributes:
        rules: Rules by name.
    """

    rules: Mapping[str, Rule] = attrs.field(converter=_frozen_map)
    _names: Mapping[Rule, str] = attrs.field(init=False, eq=False, repr=False)
    _criteria: Mapping[str, Criterion] = attrs.field(init=False, eq=False, repr=False)
    _homes: Mapping[Criterion, str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Index the rules by value and their criteria by key and by value."""
        names: dict[Rule, str] = {}
        for name, rule in self.rules.items():
            names.setdefault(rule, name)
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_criteria", _criteria_of(self.rules))
        object.__setattr__(self, "_homes", _homes_of(self.rules))

    def __hash__(self) -> int:
        """Hash by the registered names (rules may hold unhashable parts)."""
        return hash(tuple(self.rules))

    def with_rules(self, rules: Mapping[str, Rule]) -> RuleRegistry:
        """Return a registry that also knows ``rules`` (later names win).

        Args:
            rules: Rules (or criteria) by name.

        Returns:
            The new registry; this one is unchanged.

        >>> from salesfunnel import Criterion
        >>> nda = Criterion(
        ...     "nda", Text("NDA signed", "已签保密协议"), test=lambda f: f["nda"] is True
        ... )
        >>> mine = DEFAULT_REGISTRY.with_rules({"nda": nda})
        >>> mine.rule_from_dict(mine.rule_to_dict(nda)) is nda
        True
        """
        return RuleRegistry({**self.rules, **rules})

    def __getitem__(self, name: str) -> Rule:
        """Return the rule registered as ``name``.

        Raises:
            UnknownRuleError: If there is none.
        """
        try:
            return self.rules[name]
        except KeyError:
            known = tuple(self.rules)
            raise UnknownRuleError(
                f"unknown rule reference {name!r}; register it with "
                f"DEFAULT_REGISTRY.with_rules({{{name!r}: rule}}) and pass registry=... "
                f"(known: {', '.join(known)})",
                ref=name,
                known=known,
            ) from None

    # -- writing --------------------------------------------------------------

    def rule_to_dict(self, rule: Rule) -> dict[str, object]:
        """Write ``rule`` as a plain dict, by reference where it is known.

        Args:
            rule: A criterion or a combination of rules.

        Returns:
            A JSON-ready dict (see the data-formats documentation).

        Raises:
            UnknownRuleError: For a criterion with a custom test that is not
                registered (directly or inside a registered rule).
        """
        name = self._names.get(rule)
        if name is not None:
            return {"ref": name}
        if isinstance(rule, Criterion):
            return self._criterion_to_dict(rule)
        text = _text_dict(rule.text)
        if isinstance(rule, Not):
            return {"type": "not", "rule": self.rule_to_dict(rule.rule), "text": text}
        parts = [self.rule_to_dict(r) for r in rule.rules]
        if isinstance(rule, AtLeast):
            return {"type": "at_least", "n": rule.n, "rules": parts, "text": text}
        kind = "all_of" if isinstance(rule, AllOf) else "any_of"
        return {"type": kind, "rules": parts, "text": text}

    def _criterion_to_dict(self, criterion: Criterion) -> dict[str, object]:
        if self._criteria.get(criterion.key) == criterion:
            return {"type": "criterion", "key": criterion.key}
        home = self._homes.get(criterion)
        if home is not None:
            return {"type": "criterion", "key": criterion.key, "rule": home}
        test = criterion.test
        described: dict[str, object]
        if isinstance(test, FactIs):
            described = {"type": "fact", "key": test.key}
        elif isinstance(test, Threshold):
            described = {
                "type": "threshold",
                "fact": test.fact,
                "limit": str(test.limit),
                "strict": test.strict,
            }
        elif isinstance(test, Below):
            described = {"type": "below", "fact": test.fact, "limit": str(test.limit)}
        else:
            known = tuple(self.rules)
            raise UnknownRuleError(
                f"criterion {criterion.key!r} has a custom test function, which cannot "
                "be written as data; register it (or a rule holding it) with "
                f"registry.with_rules({{{criterion.key!r}: criterion}}) and pass registry=...",
                ref=criterion.key,
                known=known,
            )
        return {
            "type": "criterion",
            "key": criterion.key,
            "text": _text_dict(criterion.text),
            "needs": list(criterion.needs),
            "test": described,
        }

    # -- reading --------------------------------------------------------------

    def rule_from_dict(self, obj: object) -> Rule:
        """Read a rule written by :meth:`rule_to_dict`.

        Args:
            obj: The rule as decoded from JSON.

        Returns:
            The rule; a reference gives the registered rule itself.

        Raises:
            UnknownRuleError: For a reference the registry does not know.
            BadValue: For a malformed rule (the JSON readers report it as a
                problem with its path).
        """
        if not isinstance(obj, dict):
            raise BadValue(
                "a rule is not a JSON object", "see the rule forms in the data-formats docs"
            )
        if "ref" in obj:
            _known_keys(obj, ("ref",), "a rule reference")
            return self[str(_need(obj, "ref", str))]
        kind = _need(obj, "type", str)
        if kind in _RULE_KEYS and kind != "criterion":
            _known_keys(obj, _RULE_KEYS[kind], f"a {kind} rule")
        text = _text(obj.get("text"))
        if kind == "criterion":
            return self._criterion_from_dict(obj)
        if kind == "not":
            return Not(self.rule_from_dict(obj.get("rule")), text)
        parts = _need(obj, "rules", list)
        rules = tuple(self.rule_from_dict(r) for r in parts)  # type: ignore[attr-defined]
        if kind == "at_least":
            return AtLeast(_need(obj, "n", int), rules, text)  # type: ignore[arg-type]
        if kind == "all_of":
            return AllOf(rules, text)
        if kind == "any_of":
            return AnyOf(rules, text)
        raise BadValue(
            f"rule type {kind!r} is unknown",
            "use criterion, all_of, any_of, at_least or not, or a ref",
        )

    def _criterion_from_dict(self, obj: dict[str, object]) -> Criterion:
        key = str(_need(obj, "key", str))
        if "rule" in obj and set(obj) <= {"type", "key", "rule"}:
            return self._criterion_in(str(_need(obj, "rule", str)), key)
        if set(obj) <= {"type", "key"}:
            if key not in self._criteria:
                known = tuple(self._criteria)
                raise UnknownRuleError(
                    f"unknown criterion reference {key!r}; write the criterion out in "
                    "full, or register a rule holding it",
                    ref=key,
                    known=known,
                )
            return self._criteria[key]
        _known_keys(obj, _RULE_KEYS["criterion"], "a criterion")
        text = _text(obj.get("text"))
        if text is None:
            raise BadValue("a criterion has no text", "give its text in 'en' and 'zh'")
        needs = _need(obj, "needs", list)
        if not all(isinstance(n, str) for n in needs):  # type: ignore[attr-defined]
            raise BadValue("'needs' is not a list of fact keys", "give the fact keys as strings")
        test = _need(obj, "test", dict)
        kind = _need(test, "type", str)  # type: ignore[arg-type]
        if kind in _TEST_KEYS:
            _known_keys(test, _TEST_KEYS[kind], f"a {kind} test")  # type: ignore[arg-type]
        if kind == "fact":
            check: FactIs | Threshold | Below = FactIs(str(_need(test, "key", str)))  # type: ignore[arg-type]
        elif kind in {"threshold", "below"}:
            limit = str(_need(test, "limit", str))  # type: ignore[arg-type]
            fact = str(_need(test, "fact", str))  # type: ignore[arg-type]
            try:
                number = plain_decimal(limit)
            except BadValue as err:
                raise BadValue(
                    f"{kind} limit {limit[:40]!r} {err.why}", 'write it like "0.5"'
                ) from None
            if kind == "below":
                check = Below(fact, number)
            else:
                check = Threshold(fact, number, bool(_need(test, "strict", bool)))  # type: ignore[arg-type]
        else:
            raise BadValue(
                f"criterion test type {kind!r} is unknown", "use fact, threshold or below"
            )
        return Criterion(key, text, tuple(needs), check)  # type: ignore[arg-type]

    def _criterion_in(self, name: str, key: str) -> Criterion:
        """The criterion ``key`` of the rule registered as ``name`` (the first, if it repeats)."""
        found = _first_by_key(self[name]).get(key)
        if found is None:
            known = tuple(_first_by_key(self[name]))
            raise UnknownRuleError(
                f"rule {name!r} has no criterion {key!r} (its criteria: {', '.join(known)}); "
                "write the criterion out in full, or name the rule that holds it",
                ref=key,
                known=known,
            )
        return found


#: The rules of :mod:`salesfunnel.funnel.gates` by name: each stage gate of the
#: default funnel under its stage key, the two parts of the ``potential`` gate,
#: and the wall as ``"wall"``; the key-account evidence rules of
#: :data:`~salesfunnel.DEFAULT_KAM_RULES` as ``"kam.<stage>"`` (``kam.early``
#: to ``kam.uncoupling``); and the default rule of each key-customer type as
#: ``"key_customer.<type>"`` (from :class:`~salesfunnel.KeyCustomerThresholds`).
DEFAULT_REGISTRY = RuleRegistry(
    {
        "potential": DEFAULT_RULES["potential"],
        "potential.information": POTENTIAL_INFORMATION,
        "potential.evaluation": POTENTIAL_EVALUATION,
        **{k: r for k, r in DEFAULT_RULES.items() if k != "potential"},
        "wall": WALL_RULE,
        **{f"kam.{stage.value}": rule for stage, rule in DEFAULT_KAM_RULES.items()},
        **{
            f"key_customer.{kind.value}": rule
            for kind, rule in KeyCustomerThresholds().rules().items()
        },
    }
)
