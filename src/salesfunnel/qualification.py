"""Qualification rules: criteria, combinators, and verdicts that explain themselves.

A **criterion** is one checkable statement about an opportunity ("a price quote
has been submitted"), read from its *facts*: a mapping of fact keys to values.
Criteria combine with :class:`AllOf` (``&``), :class:`AnyOf` (``|``),
:class:`AtLeast` and :class:`Not` (``~``) into a **rule**, and
:func:`evaluate` turns a rule and facts into a :class:`Verdict`.

Unknown is not false. A fact that is absent (or ``None``) makes its criterion
*missing*, and the logic is three-valued (Kleene): ``all of`` fails as soon as
one part fails, is undecided while a part is missing, and passes only when all
pass; ``any of`` passes as soon as one part passes. A verdict passes only when
the rule is decided true, so a gate never opens on missing information, but
the verdict says whether the fix is "find out" (missing) or "change" (failed).

>>> quote = Criterion.fact("quote_submitted", "A price quote has been submitted", "已提交报价")
>>> odds = Criterion.above(
...     "sign_probability_3m",
...     0.5,
...     "More than 50 % likely to sign within 3 months",
...     "三个月内签约可能性大于50%",
... )
>>> verdict = evaluate(quote & odds, {"quote_submitted": True})
>>> verdict.passed
False
>>> [c.key for c in verdict.missing]
['sign_probability_3m']
>>> print(verdict.explain())
undecided: all of
  ✓ A price quote has been submitted
  ? More than 50 % likely to sign within 3 months (missing: sign_probability_3m)
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import TypeAlias, Union

import attrs

from salesfunnel.errors import InvalidFactError, InvalidRuleError
from salesfunnel.i18n import Lang, Text, check_lang

__all__ = [
    "AllOf",
    "AnyOf",
    "AtLeast",
    "Criterion",
    "FactIs",
    "FactValue",
    "Facts",
    "Finding",
    "Not",
    "Outcome",
    "Rule",
    "Threshold",
    "Verdict",
    "evaluate",
]

#: What a fact may hold. ``None`` means "not known", exactly as an absent key.
FactValue: TypeAlias = Union[bool, int, float, Decimal, str, date, None]  # noqa: UP007


def _fact_items(value: Mapping[str, FactValue]) -> tuple[tuple[str, FactValue], ...]:
    return tuple(sorted(dict(value).items()))


@attrs.frozen(repr=False, eq=False)
class Facts(Mapping[str, FactValue]):
    """An immutable, hashable mapping of fact keys to values.

    Build one from any mapping (``Facts({"budget": True})``) or keywords
    (``Facts.of(budget=True)``); :meth:`merge` returns a new one with later
    values winning. Facts equal any mapping with the same items.

    >>> f = Facts.of(budget=True).merge({"schedule": False})
    >>> dict(f)
    {'budget': True, 'schedule': False}
    """

    _items: tuple[tuple[str, FactValue], ...] = attrs.field(
        converter=_fact_items,
        alias="items",
    )
    _map: dict[str, FactValue] = attrs.field(init=False, repr=False)

    @_items.validator
    def _check_keys(self, _attr: object, value: tuple[tuple[str, FactValue], ...]) -> None:
        for key, _ in value:
            if not isinstance(key, str) or not key:
                raise InvalidFactError(
                    f"fact keys must be non-empty strings, got {key!r}",
                    fact=repr(key),
                    value=key,
                )

    def __attrs_post_init__(self) -> None:
        """Index the items for constant-time look-up."""
        object.__setattr__(self, "_map", dict(self._items))

    @classmethod
    def of(cls, **facts: FactValue) -> Facts:
        """Build facts from keyword arguments."""
        return cls(facts)

    def __getitem__(self, key: str) -> FactValue:
        """Return the value of fact ``key``."""
        return self._map[key]

    def get(self, key: str, default: FactValue = None) -> FactValue:  # type: ignore[override]
        """Return the value of fact ``key``, or ``default`` when absent."""
        return self._map.get(key, default)

    def __iter__(self) -> Iterator[str]:
        """Iterate over the fact keys in sorted order."""
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        """Return the number of facts."""
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        """Facts equal any mapping with the same items (a plain dict included)."""
        if isinstance(other, Facts):
            return self._items == other._items
        if isinstance(other, Mapping):
            return self._map == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        """Hash on the items."""
        return hash(self._items)

    def __repr__(self) -> str:
        """Show the facts like a dict."""
        return f"Facts({dict(self._items)!r})"

    def merge(self, other: Mapping[str, FactValue] | None) -> Facts:
        """Return new facts with ``other``'s values replacing or adding to these."""
        if not other:
            return self
        merged = dict(self._map)
        merged.update(other)
        return Facts(merged)


def _coerce_facts(value: Mapping[str, FactValue] | None) -> Facts:
    """Turn any mapping (or ``None``) into :class:`Facts`."""
    if isinstance(value, Facts):
        return value
    return Facts(value or {})


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
        value = _number(self.fact, facts[self.fact])
        return value > self.limit if self.strict else value >= self.limit


def _str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


class RuleBase:
    """Operators shared by every rule: ``&`` (all of), ``|`` (any of), ``~`` (not)."""

    def __and__(self, other: Rule) -> AllOf:
        return AllOf((self, other))  # type: ignore[arg-type]

    def __or__(self, other: Rule) -> AnyOf:
        return AnyOf((self, other))  # type: ignore[arg-type]

    def __invert__(self) -> Not:
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


def _plain_leaves(rules: tuple[Rule, ...]) -> tuple[tuple[str, int, Criterion], ...] | None:
    """(fact key, identity, criterion) for each rule, when all are plain yes/no criteria."""
    triples = []
    for rule in rules:
        if not isinstance(rule, Criterion) or rule._plain is None:  # noqa: SLF001
            return None
        triples.append((rule._plain, id(rule), rule))  # noqa: SLF001
    return tuple(triples)


def _check_rules(_self: object, _attr: object, value: tuple[Rule, ...]) -> None:
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

    rules: tuple[Rule, ...] = attrs.field(converter=_rules, validator=_check_rules)
    text: Text | None = None
    _plain: tuple[tuple[str, int, Criterion], ...] | None = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

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

    rules: tuple[Rule, ...] = attrs.field(converter=_rules, validator=_check_rules)
    text: Text | None = None
    _plain: tuple[tuple[str, int, Criterion], ...] | None = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

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
    rules: tuple[Rule, ...] = attrs.field(converter=_rules, validator=_check_rules)
    text: Text | None = None
    _plain: tuple[tuple[str, int, Criterion], ...] | None = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

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
        _check_rules(self, _attr, (value,))

    def criteria(self) -> Iterator[Criterion]:
        """Yield every criterion under this rule, depth first."""
        yield from self.rule.criteria()

    def describe(self, lang: Lang = "en") -> str:
        """Name the rule in ``lang``."""
        return self.text(lang) if self.text else ("not" if lang == "en" else "并非")


#: A qualification rule: a criterion or a combination of rules.
Rule: TypeAlias = Union[Criterion, AllOf, AnyOf, AtLeast, Not]  # noqa: UP007


@attrs.frozen
class Finding:
    """How one node of a rule evaluated: its result and its parts' findings.

    Attributes:
        rule: The rule or criterion.
        result: ``True`` (holds), ``False`` (does not hold) or ``None``
            (undecided: facts missing).
        parts: The findings of the rule's parts, in order.
        missing_facts: For a criterion, the fact keys that were absent.
    """

    rule: Rule
    result: bool | None
    parts: tuple[Finding, ...] = ()
    missing_facts: tuple[str, ...] = ()


_OUTCOME = {True: Outcome.PASSED, False: Outcome.FAILED, None: Outcome.UNDECIDED}


def _outcome(result: bool | None) -> Outcome:  # noqa: FBT001  (private; a tri-state value)
    if result is None:
        return Outcome.UNDECIDED
    return Outcome.PASSED if result else Outcome.FAILED


@attrs.frozen
class Verdict:
    """The result of evaluating a rule on facts, with the reasons.

    Attributes:
        outcome: :attr:`Outcome.PASSED`, :attr:`~Outcome.FAILED` or
            :attr:`~Outcome.UNDECIDED`.
        met: The criteria that count *for* the rule.
        failed: The criteria that count *against* it (for a criterion under a
            :class:`Not`, one that holds).
        missing: The criteria whose facts are unknown.
        rule: The rule that was evaluated.
        facts: The facts it was evaluated on.
    """

    outcome: Outcome
    met: tuple[Criterion, ...]
    failed: tuple[Criterion, ...]
    missing: tuple[Criterion, ...]
    rule: Rule
    facts: Facts

    @property
    def finding(self) -> Finding:
        """The full evaluation tree: every part's result (built on demand)."""
        return _find(self.rule, self.facts)

    @property
    def passed(self) -> bool:
        """``True`` only when the rule is decided true; missing facts never pass."""
        return self.outcome is Outcome.PASSED

    def __bool__(self) -> bool:
        """A verdict is truthy when it passed."""
        return self.passed

    def explain(self, lang: Lang = "en") -> str:
        """Describe the evaluation as an indented tree.

        Each line starts with ✓ (holds), ✗ (does not hold) or ? (undecided).
        """
        lang = check_lang(lang)
        word = {
            "en": {
                Outcome.PASSED: "passed",
                Outcome.FAILED: "failed",
                Outcome.UNDECIDED: "undecided",
            },
            "zh": {
                Outcome.PASSED: "通过",
                Outcome.FAILED: "未通过",
                Outcome.UNDECIDED: "待定",
            },
        }[lang]
        lines: list[str] = []
        root = self.finding
        if isinstance(root.rule, Criterion):
            lines.append(f"{word[self.outcome]}:")
            _explain(root, lang, 1, lines)
        else:
            lines.append(f"{word[self.outcome]}: {root.rule.describe(lang)}")
            for part in root.parts:
                _explain(part, lang, 1, lines)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Show the verdict in a notebook as a nested list."""
        from html import escape  # noqa: PLC0415

        items = "".join(
            f"<li>{escape(line.strip())}</li>" for line in self.explain().splitlines()[1:]
        )
        return f"<p><b>{escape(self.outcome.value)}</b></p><ul>{items}</ul>"


_MARK = {True: "✓", False: "✗", None: "?"}


def _explain(finding: Finding, lang: Lang, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    text = finding.rule.describe(lang)
    if finding.missing_facts:
        label = "missing" if lang == "en" else "缺少"
        text += f" ({label}: {', '.join(finding.missing_facts)})"
    lines.append(f"{pad}{_MARK[finding.result]} {text}")
    for part in finding.parts:
        _explain(part, lang, depth + 1, lines)


def _find(rule: Rule, facts: Facts) -> Finding:
    """Evaluate ``rule`` into a full tree of findings (for explanations)."""
    if isinstance(rule, Criterion):
        absent = tuple(k for k in rule.needs if facts.get(k) is None)
        if absent:
            return Finding(rule, None, missing_facts=absent)
        return Finding(rule, bool(rule.test(facts)))
    if isinstance(rule, Not):
        inner = _find(rule.rule, facts)
        return Finding(rule, None if inner.result is None else not inner.result, (inner,))
    parts = tuple(_find(r, facts) for r in rule.rules)
    return Finding(rule, _combine(rule, [p.result for p in parts]), parts)


def _combine(rule: AllOf | AnyOf | AtLeast, results: list[bool | None]) -> bool | None:
    """Kleene logic for the combinators."""
    trues = results.count(True)
    unknown = results.count(None)
    if isinstance(rule, AllOf):
        return False if False in results else (None if unknown else True)
    if isinstance(rule, AnyOf):
        return True if trues else (None if unknown else False)
    return True if trues >= rule.n else (False if trues + unknown < rule.n else None)


#: Where evaluation sorts criteria: (met, failed, missing), keyed by identity.
_Sink: TypeAlias = tuple[dict[int, "Criterion"], dict[int, "Criterion"], dict[int, "Criterion"]]


def _eval_criterion(rule: Criterion, facts: Facts, positive: bool, sink: _Sink) -> bool | None:  # noqa: FBT001
    key = rule._plain  # noqa: SLF001  (same module)
    if key is not None:  # the common yes/no fact, inlined on this hot path
        value = facts._map.get(key)  # noqa: SLF001
        if value is None:
            sink[2].setdefault(id(rule), rule)
            return None
        if value is True:
            result = True
        elif value is False:
            result = False
        else:
            return rule.test(facts)  # raises InvalidFactError with the message
    else:
        known = facts._map  # noqa: SLF001
        for need in rule.needs:
            if known.get(need) is None:
                sink[2].setdefault(id(rule), rule)
                return None
        result = bool(rule.test(facts))
    sink[0 if result is positive else 1].setdefault(id(rule), rule)
    return result


def _eval_not(rule: Not, facts: Facts, positive: bool, sink: _Sink) -> bool | None:  # noqa: FBT001
    inner = _EVAL[type(rule.rule)](rule.rule, facts, not positive, sink)
    return None if inner is None else not inner


def _eval_group(
    rule: AllOf | AnyOf | AtLeast,
    facts: Facts,
    positive: bool,  # noqa: FBT001
    sink: _Sink,
) -> bool | None:
    plain = rule._plain  # noqa: SLF001  (same module)
    if plain is None:
        return _combine(rule, [_EVAL[type(r)](r, facts, positive, sink) for r in rule.rules])
    # Every part is a plain yes/no fact: classify them in one loop, with no
    # calls per part, and count instead of building a list of results.
    get = facts._map.get  # noqa: SLF001
    met, failed, missing = sink
    yes, no = (met, failed) if positive else (failed, met)
    trues = falses = unknown = 0
    for key, cid, criterion in plain:
        value = get(key)
        if value is True:
            trues += 1
            yes[cid] = criterion
        elif value is False:
            falses += 1
            no[cid] = criterion
        elif value is None:
            unknown += 1
            missing[cid] = criterion
        else:
            criterion.test(facts)  # raises InvalidFactError with the message
    if type(rule) is AllOf:
        return False if falses else (None if unknown else True)
    if type(rule) is AnyOf:
        return True if trues else (None if unknown else False)
    need = rule.n  # type: ignore[union-attr]
    return True if trues >= need else (False if trues + unknown < need else None)


_EVAL: dict[type, Callable[..., bool | None]] = {
    Criterion: _eval_criterion,
    Not: _eval_not,
    AllOf: _eval_group,
    AnyOf: _eval_group,
    AtLeast: _eval_group,
}


def evaluate(rule: Rule, facts: Mapping[str, FactValue] | None) -> Verdict:
    """Evaluate ``rule`` on ``facts`` and say why it passed, failed or is undecided.

    Args:
        rule: A criterion or a combination of criteria.
        facts: Fact keys to values; an absent key or ``None`` is unknown.

    Returns:
        A :class:`Verdict`. Each criterion appears once, in rule order, in
        ``met``, ``failed`` or ``missing``.

    Raises:
        InvalidFactError: If a fact has the wrong type for a criterion.
        InvalidRuleError: If ``rule`` is not a rule.

    >>> need = Criterion.fact("need", "Real need")
    >>> budget = Criterion.fact("budget", "Budget")
    >>> v = evaluate(AtLeast(1, [need, budget]), {"need": False, "budget": True})
    >>> v.passed, [c.key for c in v.failed]
    (True, ['need'])
    """
    run = _EVAL.get(type(rule))
    if run is None:
        _check_rules(None, None, (rule,))
        run = _EVAL[type(rule)]  # a subclass of a rule type
    known = facts if type(facts) is Facts else _coerce_facts(facts)
    met: dict[int, Criterion] = {}
    failed: dict[int, Criterion] = {}
    missing: dict[int, Criterion] = {}
    result = run(rule, known, True, (met, failed, missing))  # noqa: FBT003
    return Verdict(
        _OUTCOME[result],
        tuple(met.values()),
        tuple(failed.values()),
        tuple(missing.values()),
        rule,
        known,
    )
