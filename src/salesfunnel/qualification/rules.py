"""Rules: criteria and their three-valued combinations (all of, any of, at least, not)."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TypeAlias, Union

import attrs

from salesfunnel.errors import InvalidFactError, InvalidRuleError
from salesfunnel.i18n import Lang, Text
from salesfunnel.qualification.facts import FactValue

__all__ = [
    "AllOf",
    "AnyOf",
    "AtLeast",
    "Criterion",
    "FactIs",
    "Not",
    "Outcome",
    "PartIndex",
    "Rule",
    "RuleBase",
    "Threshold",
    "check_rules",
]


class Outcome(enum.Enum):
    """The three-valued result of a rule."""

    #: Every criterion the rule needs is known and it holds.
    PASSED = "passed"
    #: The rule is decided false by facts that are known.
    FAILED = "failed"
    #: The rule could still pass or fail: some facts it needs are missing.
    UNDECIDED = "undecided"


@attrs.frozen
class FactIs:
    """The test of a yes/no criterion: the fact ``key`` is ``True``.

    A value class rather than a closure, so criteria built the same way
    compare equal and can be serialised by reference.
    """

    key: str

    def __call__(self, facts: Mapping[str, FactValue]) -> bool:
        """Return the fact's value, which must be a bool."""
        value = facts[self.key]
        if not isinstance(value, bool):
            raise InvalidFactError(
                f"fact {self.key!r} must be True or False (or absent when unknown), got {value!r}",
                fact=self.key,
                value=value,
            )
        return value


def _number(key: str, value: object) -> Decimal:
    if type(value) is Decimal:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise InvalidFactError(
            f"fact {key!r} must be a number, got {value!r}", fact=key, value=value
        )
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _limit(value: object) -> Decimal:
    return _number("threshold", value)


@attrs.frozen
class Threshold:
    """The test of a numeric criterion: the fact compared with a limit.

    Attributes:
        fact: The fact key to read.
        limit: The limit.
        strict: ``True`` for ``>``, ``False`` for ``>=``.
    """

    fact: str
    limit: Decimal = attrs.field(converter=_limit)
    strict: bool = True

    def __call__(self, facts: Mapping[str, FactValue]) -> bool:
        """Compare the fact with the limit."""
        value = facts[self.fact]
        if type(value) is not Decimal:  # a Decimal, the common case, needs no conversion
            value = _number(self.fact, value)
        return value > self.limit if self.strict else value >= self.limit


def _str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


class RuleBase:
    """Operators shared by every rule: ``&`` (all of), ``|`` (any of), ``~`` (not)."""

    def __and__(self, other: Rule) -> AllOf:
        """Both rules: ``a & b`` is ``AllOf((a, b))``."""
        return AllOf((self, other))  # type: ignore[arg-type]

    def __or__(self, other: Rule) -> AnyOf:
        """Either rule: ``a | b`` is ``AnyOf((a, b))``."""
        return AnyOf((self, other))  # type: ignore[arg-type]

    def __invert__(self) -> Not:
        """The opposite rule: ``~a`` is ``Not(a)``."""
        return Not(self)  # type: ignore[arg-type]


@attrs.frozen
class Criterion(RuleBase):
    """One checkable statement about an opportunity, read from its facts.

    Most criteria are yes/no facts (:meth:`fact`) or numeric thresholds
    (:meth:`above`, :meth:`at_least`); any other test is a plain function of the
    facts, with the fact keys it reads listed in ``needs`` so that an absent one
    is reported as *missing* instead of reaching the test.

    Attributes:
        key: A stable identifier, used in verdicts and serialised rules.
        text: What the criterion means, in English and Chinese.
        needs: The fact keys the test reads; defaults to ``(key,)``.
        test: A function of the facts returning ``True`` when the criterion
            holds; defaults to "the fact ``key`` is ``True``".
    """

    key: str = attrs.field()
    text: Text
    needs: tuple[str, ...] = attrs.field(converter=_str_tuple)
    test: Callable[[Mapping[str, FactValue]], bool] = attrs.field()
    #: The fact key when this is a plain yes/no criterion (evaluated inline).
    _plain: str | None = attrs.field(init=False, eq=False, repr=False, hash=False)

    @needs.default
    def _needs_default(self) -> tuple[str, ...]:
        return (self.key,)

    @test.default
    def _test_default(self) -> Callable[[Mapping[str, FactValue]], bool]:
        return FactIs(self.key)

    @key.validator
    def _check_key(self, _attr: object, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise InvalidRuleError(
                f"a criterion needs a non-empty string key, got {value!r}",
                rule=repr(value),
            )

    def __attrs_post_init__(self) -> None:
        """Note whether the criterion is a plain yes/no fact, for fast evaluation."""
        test = self.test
        plain = test.key if type(test) is FactIs and self.needs == (test.key,) else None
        object.__setattr__(self, "_plain", plain)

    @classmethod
    def fact(cls, key: str, en: str, zh: str | None = None) -> Criterion:
        """A yes/no criterion: holds when fact ``key`` is ``True``.

        >>> from salesfunnel.qualification import evaluate
        >>> c = Criterion.fact("contract_signed", "Contract signed", "合同已签")
        >>> evaluate(c, {"contract_signed": True}).passed
        True
        """
        return cls(key, Text(en, zh if zh is not None else en), (key,), FactIs(key))

    @classmethod
    def above(
        cls,
        key: str,
        threshold: float | Decimal,
        en: str,
        zh: str | None = None,
        *,
        fact: str | None = None,
    ) -> Criterion:
        """A threshold criterion: holds when the number in ``fact`` exceeds ``threshold``.

        Args:
            key: The criterion key (also the fact key unless ``fact`` is given).
            threshold: The value the fact must be strictly greater than.
            en: English text.
            zh: Chinese text.
            fact: The fact to read, if it differs from ``key``.

        >>> from salesfunnel.qualification import evaluate
        >>> c = Criterion.above("odds", 0.5, "More than even odds")
        >>> evaluate(c, {"odds": 0.5}).passed
        False
        """
        name = fact or key
        return cls(
            key,
            Text(en, zh if zh is not None else en),
            (name,),
            Threshold(name, threshold),
        )

    @classmethod
    def at_least(
        cls,
        key: str,
        threshold: float | Decimal,
        en: str,
        zh: str | None = None,
        *,
        fact: str | None = None,
    ) -> Criterion:
        """A threshold criterion: holds when the number in ``fact`` is ``>= threshold``.

        >>> from salesfunnel.qualification import evaluate
        >>> c = Criterion.at_least("staff", 50, "At least 50 staff")
        >>> evaluate(c, {"staff": 50}).passed
        True
        """
        name = fact or key
        return cls(
            key,
            Text(en, zh if zh is not None else en),
            (name,),
            Threshold(name, threshold, strict=False),
        )

    def criteria(self) -> Iterator[Criterion]:
        """Yield this criterion (the leaves of a rule)."""
        yield self

    def describe(self, lang: Lang = "en") -> str:
        """Return the criterion's text in ``lang``."""
        return self.text(lang)


def _rules(value: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(value)


#: A combination's part, indexed for evaluation: the fact key when the part
#: is a plain yes/no criterion, its :class:`Threshold` when it is a plain
#: numeric one (both evaluated inline), its identity, and the part.
PartIndex: TypeAlias = tuple[tuple[str | None, Threshold | None, int, "Rule"], ...]


def _threshold(rule: Rule) -> Threshold | None:
    """The test of a criterion that compares one fact with a limit and reads nothing else."""
    if type(rule) is not Criterion:
        return None
    test = rule.test
    return test if type(test) is Threshold and rule.needs == (test.fact,) else None


def _plain_leaves(rules: tuple[Rule, ...]) -> PartIndex:
    """(fact key or ``None``, threshold or ``None``, identity, rule) for each part."""
    return tuple(
        (
            rule._plain if isinstance(rule, Criterion) else None,  # noqa: SLF001
            _threshold(rule),
            id(rule),
            rule,
        )
        for rule in rules
    )


def check_rules(_self: object, _attr: object, value: tuple[Rule, ...]) -> None:
    """Refuse anything but rules among a combination's parts (an attrs validator)."""
    for rule in value:
        if not isinstance(rule, (Criterion, AllOf, AnyOf, AtLeast, Not)):
            raise InvalidRuleError(
                f"a rule combines criteria and rules, got {type(rule).__name__}; "
                "wrap yes/no facts with Criterion.fact(...)",
                rule=repr(rule),
            )


@attrs.frozen
class AllOf(RuleBase):
    """Holds when every part holds. An empty ``AllOf`` always holds."""

    rules: tuple[Rule, ...] = attrs.field(converter=_rules, validator=check_rules)
    text: Text | None = None
    _plain: PartIndex = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        """Note whether every part is a plain yes/no fact, for fast evaluation."""
        object.__setattr__(self, "_plain", _plain_leaves(self.rules))

    def criteria(self) -> Iterator[Criterion]:
        """Yield every criterion under this rule, depth first."""
        for rule in self.rules:
            yield from rule.criteria()

    def describe(self, lang: Lang = "en") -> str:
        """Name the rule in ``lang``."""
        return self.text(lang) if self.text else ("all of" if lang == "en" else "全部满足")


@attrs.frozen
class AnyOf(RuleBase):
    """Holds when at least one part holds."""

    rules: tuple[Rule, ...] = attrs.field(converter=_rules, validator=check_rules)
    text: Text | None = None
    _plain: PartIndex = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        """Note whether every part is a plain yes/no fact, for fast evaluation."""
        object.__setattr__(self, "_plain", _plain_leaves(self.rules))

    @rules.validator
    def _non_empty(self, _attr: object, value: tuple[Rule, ...]) -> None:
        if not value:
            raise InvalidRuleError(
                "AnyOf() with no parts can never hold; give at least one rule",
                rule="AnyOf()",
            )

    def criteria(self) -> Iterator[Criterion]:
        """Yield every criterion under this rule, depth first."""
        for rule in self.rules:
            yield from rule.criteria()

    def describe(self, lang: Lang = "en") -> str:
        """Name the rule in ``lang``."""
        return self.text(lang) if self.text else ("any of" if lang == "en" else "任一满足")


@attrs.frozen
class AtLeast(RuleBase):
    """Holds when at least ``n`` of the parts hold."""

    n: int
    rules: tuple[Rule, ...] = attrs.field(converter=_rules, validator=check_rules)
    text: Text | None = None
    _plain: PartIndex = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        """Check that ``1 <= n <= len(rules)``; note plain parts for fast evaluation."""
        object.__setattr__(self, "_plain", _plain_leaves(self.rules))
        if isinstance(self.n, bool) or not isinstance(self.n, int):
            raise InvalidRuleError(
                f"AtLeast needs a whole number n, got {self.n!r}", rule="AtLeast"
            )
        if not 1 <= self.n <= len(self.rules):
            raise InvalidRuleError(
                f"AtLeast({self.n}, ...) over {len(self.rules)} rules can never be "
                f"decided sensibly; choose n between 1 and {len(self.rules)}",
                rule=f"AtLeast({self.n})",
            )

    def criteria(self) -> Iterator[Criterion]:
        """Yield every criterion under this rule, depth first."""
        for rule in self.rules:
            yield from rule.criteria()

    def describe(self, lang: Lang = "en") -> str:
        """Name the rule in ``lang``."""
        if self.text:
            return self.text(lang)
        return f"at least {self.n} of" if lang == "en" else f"至少满足{self.n}项"


@attrs.frozen
class Not(RuleBase):
    """Holds when its part is decided false; undecided while the part is."""

    rule: Rule = attrs.field()
    text: Text | None = None

    @rule.validator
    def _check(self, _attr: object, value: Rule) -> None:
        check_rules(self, _attr, (value,))

    def criteria(self) -> Iterator[Criterion]:
        """Yield every criterion under this rule, depth first."""
        yield from self.rule.criteria()

    def describe(self, lang: Lang = "en") -> str:
        """Name the rule in ``lang``."""
        return self.text(lang) if self.text else ("not" if lang == "en" else "并非")


#: A qualification rule: a criterion or a combination of rules.
Rule: TypeAlias = Union[Criterion, AllOf, AnyOf, AtLeast, Not]  # noqa: UP007
