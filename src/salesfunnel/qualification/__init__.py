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

from salesfunnel.qualification.facts import NO_FACTS, Facts, FactValue
from salesfunnel.qualification.rules import (
    AllOf,
    AnyOf,
    AtLeast,
    Criterion,
    FactIs,
    Not,
    Outcome,
    Rule,
    RuleBase,
    Threshold,
)
from salesfunnel.qualification.verdicts import Finding, Verdict, decide, evaluate, kleene

__all__ = [
    "NO_FACTS",
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
    "RuleBase",
    "Threshold",
    "Verdict",
    "decide",
    "evaluate",
    "kleene",
]
