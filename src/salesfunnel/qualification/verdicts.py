"""Verdicts: a rule evaluated on facts, three-valued (met, failed, missing), explained in two languages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TypeAlias

import attrs

from salesfunnel.i18n import Lang, check_lang
from salesfunnel.qualification.facts import Facts, FactValue, as_facts
from salesfunnel.qualification.rules import (
    AllOf,
    AnyOf,
    AtLeast,
    Criterion,
    Not,
    Outcome,
    Rule,
    check_rules,
)

__all__ = ["Finding", "Verdict", "decide", "evaluate", "kleene"]


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
    """Kleene logic for the combinators, on their parts' results."""
    return kleene(rule, results.count(True), results.count(False), results.count(None))


def kleene(rule: AllOf | AnyOf | AtLeast, trues: int, falses: int, unknown: int) -> bool | None:
    """The one rule of three-valued logic: a combinator's result from its parts' counts.

    All of: false if any part is false, else unknown if any is, else true.
    Any of: true if any part is true, else unknown if any is, else false.
    At least *n*: true with *n* true parts, false when even the unknown ones
    could not make *n*, else unknown.

    >>> from salesfunnel.qualification import AllOf, Criterion
    >>> a = Criterion.fact("a", "A")
    >>> kleene(AllOf([a, a]), trues=1, falses=0, unknown=1) is None
    True
    """
    if isinstance(rule, AllOf):
        return False if falses else (None if unknown else True)
    if isinstance(rule, AnyOf):
        return True if trues else (None if unknown else False)
    need = rule.n
    return True if trues >= need else (False if trues + unknown < need else None)


#: Where evaluation sorts criteria: (met, failed, missing), keyed by identity.
_Sink: TypeAlias = tuple[dict[int, "Criterion"], dict[int, "Criterion"], dict[int, "Criterion"]]


def _eval_criterion(rule: Criterion, facts: Facts, positive: bool, sink: _Sink) -> bool | None:  # noqa: FBT001
    key = rule._plain  # noqa: SLF001  (the rules' evaluation index: a speed path, see bench_transitions)
    if key is not None:  # the common yes/no fact, inlined on this hot path
        value = facts._map.get(key)  # noqa: SLF001  (the facts' index, on the hot path)
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
    # The parts that are plain yes/no facts (most of them) are classified in
    # this loop, with no call per part; the others are evaluated by their
    # kind. Counting replaces a list of results (the hot path of every stage
    # move, see bench_transitions).
    get = facts._map.get  # noqa: SLF001
    met, failed, missing = sink
    yes, no = (met, failed) if positive else (failed, met)
    trues = falses = unknown = 0
    for key, limit, cid, part in rule._plain:  # noqa: SLF001  (the rules' evaluation index)
        if key is None:
            if limit is not None:  # a plain threshold: the criterion's evaluation, inline
                value = get(limit.fact)
                if type(value) is Decimal:
                    if value > limit.limit if limit.strict else value >= limit.limit:
                        trues += 1
                        yes[cid] = part  # type: ignore[assignment]  # a threshold part is a Criterion
                    else:
                        falses += 1
                        no[cid] = part  # type: ignore[assignment]
                    continue
                if value is None:
                    unknown += 1
                    missing[cid] = part  # type: ignore[assignment]
                    continue
                # another number is converted (or refused) by the test itself
            result = _EVAL[type(part)](part, facts, positive, sink)
            if result is None:
                unknown += 1
            elif result:
                trues += 1
            else:
                falses += 1
            continue
        value = get(key)
        if value is True:
            trues += 1
            yes[cid] = part  # type: ignore[assignment]  # a plain part is a Criterion
        elif value is False:
            falses += 1
            no[cid] = part  # type: ignore[assignment]
        elif value is None:
            unknown += 1
            missing[cid] = part  # type: ignore[assignment]
        else:
            part.test(facts)  # type: ignore[union-attr]  # raises InvalidFactError with the message
    return kleene(rule, trues, falses, unknown)


_EVAL: dict[type, Callable[..., bool | None]] = {
    Criterion: _eval_criterion,
    Not: _eval_not,
    AllOf: _eval_group,
    AnyOf: _eval_group,
    AtLeast: _eval_group,
}


def _run(rule: Rule, known: Facts) -> tuple[bool | None, _Sink]:
    """Evaluate ``rule`` on checked facts: its result and where each criterion went."""
    run = _EVAL.get(type(rule))
    if run is None:
        check_rules(None, None, (rule,))
        # a subclass of a rule type: evaluated as the type it extends
        run = next(_EVAL[kind] for kind in type(rule).__mro__ if kind in _EVAL)
    sink: _Sink = ({}, {}, {})
    return run(rule, known, True, sink), sink  # noqa: FBT003


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
    known = facts if type(facts) is Facts else as_facts(facts)
    result, (met, failed, missing) = _run(rule, known)
    return Verdict(
        _OUTCOME[result],
        tuple(met.values()),
        tuple(failed.values()),
        tuple(missing.values()),
        rule,
        known,
    )


def decide(rule: Rule, facts: Mapping[str, FactValue] | None) -> Outcome:
    """Return the outcome :func:`evaluate` gives, without building the :class:`Verdict`.

    The same evaluation (one copy of the three-valued logic), for a caller
    that needs only the answer, such as a stage gate that passes: the reasons
    are built by :func:`evaluate` when they are shown.

    Raises:
        InvalidFactError: If a fact has the wrong type for a criterion.
        InvalidRuleError: If ``rule`` is not a rule.

    >>> need = Criterion.fact("need", "Real need")
    >>> decide(need, {"need": True}), decide(need, {})
    (<Outcome.PASSED: 'passed'>, <Outcome.UNDECIDED: 'undecided'>)
    """
    known = facts if type(facts) is Facts else as_facts(facts)
    run = _EVAL.get(type(rule))
    if run is None:  # a subclass of a rule type, or not a rule: _run says which
        return _OUTCOME[_run(rule, known)[0]]
    # _run inline (one call fewer on every gated move): the same evaluation
    return _OUTCOME[run(rule, known, True, ({}, {}, {}))]  # noqa: FBT003
