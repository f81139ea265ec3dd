"""The five types of key customer (重要客户的五个类型) and a classifier that explains itself.

The source (``domain.md`` §6.2) names five types. :func:`classify_key_customer`
reads a :class:`CustomerProfile` and tests one rule per type, built from
:class:`KeyCustomerThresholds` (documented defaults you can replace) with the
qualification rules of :mod:`salesfunnel.qualification`. So a profile field
that a rule needs but that is not known makes that type *undecided* and is
reported as missing: it is never guessed.

>>> from decimal import Decimal
>>> profile = CustomerProfile(
...     "Huaxin",
...     profit_share=Decimal("0.12"),
...     tenure_years=6,
...     repeat_purchases=14,
... )
>>> result = classify_key_customer(profile)
>>> result.primary.label(), result.primary.label("zh")
('Profit-contributing key customer', '利润贡献的重要客户')
>>> [t.value for t in result.matched]
['profit_contributor', 'loyal_long_standing']
>>> result.missing
('brand_importance', 'problem_level', 'revenue_share', 'growth_rate')
>>> result.provisional
False
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from salesfunnel.customers._abc_rank import (
    CustomerValueTypeError,
    InvalidCustomerValueError,
    InvalidThresholdsError,
)
from salesfunnel.errors import InvalidFactError, InvalidResultError
from salesfunnel.i18n import Lang, Text, check_lang
from salesfunnel.qualification import (
    AllOf,
    Criterion,
    Facts,
    FactValue,
    Outcome,
    Rule,
    Verdict,
    evaluate,
)
from salesfunnel.tables import Table, Tabular

__all__ = [
    "Below",
    "CustomerProfile",
    "KeyCustomerClassification",
    "KeyCustomerThresholds",
    "KeyCustomerType",
    "classify_key_customer",
    "key_customer_types_table",
]


class KeyCustomerType(enum.Enum):
    """The source's five types of key customer, in its order."""

    #: 利润贡献的重要客户: the customers that carry our profit.
    PROFIT_CONTRIBUTOR = "profit_contributor"
    #: 维护品牌的问题客户: important for the brand, but troublesome.
    BRAND_PROBLEM = "brand_problem"
    #: 忠诚购买的老客户: long-standing customers who keep buying.
    LOYAL_LONG_STANDING = "loyal_long_standing"
    #: 有成长潜力的小客户: small today, growing fast.
    SMALL_GROWTH = "small_growth"
    #: 不断变化的新客户: new, unstable, buying on trial.
    CHANGING_NEW = "changing_new"

    def label(self, lang: Lang = "en") -> str:
        """The type's name in ``lang``."""
        return _INFO[self][0](lang)

    def description(self, lang: Lang = "en") -> str:
        """What marks a customer of this type."""
        return _INFO[self][1](lang)

    def advice(self, lang: Lang = "en") -> str:
        """How to treat a customer of this type.

        The source gives explicit advice for new customers (type 5); for the
        other types the advice condenses the source's guidance on key
        customers and the key-account stages (§6, §6.4).
        """
        return _INFO[self][2](lang)


_INFO: dict[KeyCustomerType, tuple[Text, Text, Text]] = {
    KeyCustomerType.PROFIT_CONTRIBUTOR: (
        Text("Profit-contributing key customer", "利润贡献的重要客户"),
        Text(
            "Brings a large share of our profit.",
            "为我们贡献了很大比例的利润。",
        ),
        Text(
            "Protect and deepen the relationship: a key-account manager and team, a "
            "long-term plan, regular all-round communication, and continuous work on "
            "quality and cost that creates more value for the customer.",
            "重点保护并深化关系：配备大客户经理和团队，制定长期规划，定期全方位沟通，"
            "持续提升质量、降低成本，为客户创造更多价值。",
        ),
    ),
    KeyCustomerType.BRAND_PROBLEM: (
        Text("Brand-maintaining problem customer", "维护品牌的问题客户"),
        Text(
            "Matters for our brand and reputation, but is demanding or troublesome.",
            "对我们的品牌和声誉很重要，但要求高或问题多。",
        ),
        Text(
            "Keep the customer for the brand's sake, but manage it: solve its problems "
            "quickly and visibly, agree clear service commitments, and watch what it "
            "costs against what it is worth to the brand.",
            "为维护品牌而保留该客户，但要加以管理：快速、看得见地解决问题，明确服务承诺，"
            "并对照其品牌价值关注服务成本。",
        ),
    ),
    KeyCustomerType.LOYAL_LONG_STANDING: (
        Text("Loyal long-standing customer", "忠诚购买的老客户"),
        Text(
            "Has bought from us for years and keeps coming back.",
            "多年来持续向我们购买，反复回购。",
        ),
        Text(
            "A customer who keeps buying a brand is investing in it: maintain the "
            "relationship by plan, measure satisfaction (CSI), reward loyalty, and "
            "grow the share of its business.",
            "持续购买某个品牌的客户是在投资这个品牌：有计划地维护关系，"
            "持续进行客户满意度（CSI）评估，回报客户的忠诚，提高客户占有率。",
        ),
    ),
    KeyCustomerType.SMALL_GROWTH: (
        Text("Small customer with growth potential", "有成长潜力的小客户"),
        Text(
            "Buys little today but is growing fast.",
            "目前采购量小，但增长迅速。",
        ),
        Text(
            "Invest early and selectively: frequent visits, technical support and a "
            "sales proposal, so the customer grows with us; review its growth regularly.",
            "及早而有选择地投入：经常拜访，提供技术支持和销售建议书，"
            "让客户与我们一同成长；定期检视其成长情况。",
        ),
    ),
    KeyCustomerType.CHANGING_NEW: (
        Text("Ever-changing new customer", "不断变化的新客户"),
        Text(
            "New and unstable: trust is still low, it buys on trial, and early "
            "business is often unprofitable.",
            "新客户，尚不稳定：信任度低，试探性购买，早期业务常常不盈利。",
        ),
        Text(
            "Choose carefully: do not pour resources into one that is not settled, nor "
            "ignore one that may grow; watch them over the long term.",
            "慎重选择：不要把资源投入到尚未稳定的客户身上，也不要忽视可能成长的客户；要长期观察。",
        ),
    ),
}


def _check_number(
    name: str, value: object, low: float | None, high: float | None, customer: str
) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise CustomerValueTypeError(
            f"profile {customer!r}: {name} must be a number (or None when unknown), "
            f"got {type(value).__name__} {value!r}",
            key=customer,
            value=value,
            criterion=name,
        )
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite or (low is not None and value < low) or (high is not None and value > high):
        span = f"{'' if low is None else low}..{'' if high is None else high}"
        raise InvalidCustomerValueError(
            f"profile {customer!r}: {name} is {value!r}, outside {span}",
            key=customer,
            value=value,
            criterion=name,
        )


#: Each profile field and the range it must lie in.
_RANGES: dict[str, tuple[float | None, float | None]] = {
    "profit_share": (0, 1),
    "brand_importance": (1, 5),
    "problem_level": (1, 5),
    "tenure_years": (0, None),
    "repeat_purchases": (0, None),
    "revenue_share": (0, 1),
    "growth_rate": (-1, None),
}


@attrs.frozen
class CustomerProfile:
    """What is known about a customer for :func:`classify_key_customer`.

    Every field but ``customer`` may be ``None`` (unknown); a rule that needs
    an unknown field is undecided and the field is reported as missing.

    Attributes:
        customer: The customer's name or key.
        profit_share: Its share of our total profit, 0..1 (profit contribution).
        brand_importance: How much it matters for our brand (reference value,
            visibility), 1 (little) .. 5 (very much).
        problem_level: How troublesome it is (complaints, demands, disputes,
            low margins), 1 (none) .. 5 (very).
        tenure_years: Years since its first purchase from us.
        repeat_purchases: How many times it has bought from us.
        revenue_share: Its share of our revenue, 0..1 (its size to us).
        growth_rate: Yearly growth of its purchases from us (0.3 = +30 %).
    """

    customer: str
    profit_share: float | Decimal | None = None
    brand_importance: float | Decimal | None = None
    problem_level: float | Decimal | None = None
    tenure_years: float | Decimal | None = None
    repeat_purchases: int | None = None
    revenue_share: float | Decimal | None = None
    growth_rate: float | Decimal | None = None

    def __attrs_post_init__(self) -> None:
        """Check every known field against its range."""
        for name, (low, high) in _RANGES.items():
            _check_number(name, getattr(self, name), low, high, self.customer)

    def facts(self) -> Facts:
        """The known fields as qualification facts (unknown ones left out)."""
        return Facts({k: getattr(self, k) for k in _RANGES if getattr(self, k) is not None})


def _decimal(value: float | Decimal) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


@attrs.frozen
class Below:
    """The test of a "less than" criterion: the fact is strictly below ``limit``."""

    fact: str
    limit: Decimal = attrs.field(converter=_decimal)

    def __call__(self, facts: Mapping[str, FactValue]) -> bool:
        """Compare the fact with the limit."""
        value = facts[self.fact]
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise InvalidFactError(
                f"fact {self.fact!r} must be a number, got {value!r}", fact=self.fact, value=value
            )
        return _decimal(value) < self.limit


def _below(key: str, limit: Decimal, en: str, zh: str) -> Criterion:
    return Criterion(key, Text(en, zh), (key,), Below(key, limit))


def _pct(value: Decimal) -> str:
    return f"{(value * 100).normalize():f} %"


def _years(value: Decimal) -> str:
    return f"{value.normalize():f} year{'' if value == 1 else 's'}"


def _limit(value: object) -> Decimal:
    """A threshold as an exact Decimal (ints, strings and floats by their repr)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise InvalidThresholdsError(
            f"a key-customer threshold must be a number, got {value!r}", thresholds=value
        )
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0:
        raise InvalidThresholdsError(
            f"a key-customer threshold must be a finite number of zero or more, got {value!r}",
            thresholds=value,
        )
    return number


@attrs.frozen
class KeyCustomerThresholds:
    """The limits of the default rules, all replaceable (``attrs.evolve``).

    Defaults (ours: the source names the types but gives no numbers):

    * profit contributor: profit share at least 5 %;
    * brand-maintaining problem customer: brand importance at least 4 of 5
      *and* problem level at least 3 of 5;
    * loyal long-standing: at least 3 years *and* at least 3 purchases;
    * small with growth potential: revenue share below 1 %, growth at least
      20 % a year, *and* a customer for at least a year (so growth is a
      trend, not a first order);
    * changing new customer: a customer for less than a year.

    Attributes:
        profit_share: Minimum profit share of a profit contributor.
        brand_importance: Minimum brand importance of a brand problem customer.
        problem_level: Minimum problem level of a brand problem customer.
        loyal_years: Minimum tenure of a loyal customer.
        loyal_purchases: Minimum purchases of a loyal customer.
        small_revenue_share: Revenue share a small customer stays below.
        growth_rate: Minimum yearly growth of a small growing customer.
        new_years: Tenure a new customer stays below.
    """

    profit_share: Decimal = attrs.field(default=Decimal("0.05"), converter=_limit)
    brand_importance: Decimal = attrs.field(default=Decimal(4), converter=_limit)
    problem_level: Decimal = attrs.field(default=Decimal(3), converter=_limit)
    loyal_years: Decimal = attrs.field(default=Decimal(3), converter=_limit)
    loyal_purchases: int = 3
    small_revenue_share: Decimal = attrs.field(default=Decimal("0.01"), converter=_limit)
    growth_rate: Decimal = attrs.field(default=Decimal("0.2"), converter=_limit)
    new_years: Decimal = attrs.field(default=Decimal(1), converter=_limit)

    def rules(self) -> dict[KeyCustomerType, Rule]:
        """One qualification rule per type, built from these limits."""
        t = self
        return {
            KeyCustomerType.PROFIT_CONTRIBUTOR: Criterion.at_least(
                "profit_share",
                t.profit_share,
                f"Profit share at least {_pct(t.profit_share)}",
                f"利润占比不低于 {_pct(t.profit_share)}",
            ),
            KeyCustomerType.BRAND_PROBLEM: AllOf(
                (
                    Criterion.at_least(
                        "brand_importance",
                        t.brand_importance,
                        f"Brand importance at least {t.brand_importance} of 5",
                        f"品牌重要性不低于 {t.brand_importance}（满分5）",
                    ),
                    Criterion.at_least(
                        "problem_level",
                        t.problem_level,
                        f"Problem level at least {t.problem_level} of 5",
                        f"问题程度不低于 {t.problem_level}（满分5）",
                    ),
                ),
                Text("Brand-maintaining problem customer", "维护品牌的问题客户"),
            ),
            KeyCustomerType.LOYAL_LONG_STANDING: AllOf(
                (
                    Criterion.at_least(
                        "tenure_years",
                        t.loyal_years,
                        f"A customer for at least {_years(t.loyal_years)}",
                        f"合作至少 {t.loyal_years.normalize():f} 年",
                    ),
                    Criterion.at_least(
                        "repeat_purchases",
                        t.loyal_purchases,
                        f"At least {t.loyal_purchases} purchases",
                        f"至少购买 {t.loyal_purchases} 次",
                    ),
                ),
                Text("Loyal long-standing customer", "忠诚购买的老客户"),
            ),
            KeyCustomerType.SMALL_GROWTH: AllOf(
                (
                    _below(
                        "revenue_share",
                        t.small_revenue_share,
                        f"Revenue share below {_pct(t.small_revenue_share)}",
                        f"销售额占比低于 {_pct(t.small_revenue_share)}",
                    ),
                    Criterion.at_least(
                        "growth_rate",
                        t.growth_rate,
                        f"Growing at least {_pct(t.growth_rate)} a year",
                        f"年增长不低于 {_pct(t.growth_rate)}",
                    ),
                    Criterion.at_least(
                        "tenure_years",
                        t.new_years,
                        f"A customer for at least {_years(t.new_years)}",
                        f"合作至少 {t.new_years.normalize():f} 年",
                    ),
                ),
                Text("Small customer with growth potential", "有成长潜力的小客户"),
            ),
            KeyCustomerType.CHANGING_NEW: _below(
                "tenure_years",
                t.new_years,
                f"A customer for less than {_years(t.new_years)}",
                f"合作不足 {t.new_years.normalize():f} 年",
            ),
        }


_MARK = {Outcome.PASSED: "✓", Outcome.FAILED: "✗", Outcome.UNDECIDED: "?"}

_TypeVerdicts = tuple[tuple["KeyCustomerType", Verdict], ...]


_Followed = tuple[
    "KeyCustomerType | None",
    tuple["KeyCustomerType", ...],
    tuple["KeyCustomerType", ...],
    tuple[str, ...],
]
_FOLLOWED = ("primary", "matched", "undecided", "missing")


def _follow(verdicts: _TypeVerdicts) -> _Followed:
    """What the verdicts give: the matched and undecided types, the primary one, the missing fields."""
    matched = tuple(kind for kind, v in verdicts if v.passed)
    undecided = tuple(kind for kind, v in verdicts if v.outcome is Outcome.UNDECIDED)
    missing: dict[str, None] = {}
    for _, v in verdicts:
        if v.outcome is Outcome.UNDECIDED:
            for c in v.missing:
                missing.update(dict.fromkeys(k for k in c.needs if v.facts.get(k) is None))
    return (matched[0] if matched else None, matched, undecided, tuple(missing))


_WORD = {
    Outcome.PASSED: Text("matches", "符合"),
    Outcome.FAILED: Text("does not match", "不符合"),
    Outcome.UNDECIDED: Text("undecided", "待定"),
}


@attrs.frozen
class KeyCustomerClassification(Tabular):
    """Which key-customer types a profile matches, and why.

    Attributes:
        customer: The customer.
        primary: The first matched type in priority order, or ``None``.
        matched: Every type whose rule passed, in priority order.
        undecided: Every type whose rule needs a field that is missing.
        verdicts: ``(type, verdict)`` for each type, in priority order.
        missing: The profile fields that undecided rules need.
    """

    customer: str
    primary: KeyCustomerType | None
    matched: tuple[KeyCustomerType, ...]
    undecided: tuple[KeyCustomerType, ...]
    verdicts: tuple[tuple[KeyCustomerType, Verdict], ...]
    missing: tuple[str, ...]

    def __attrs_post_init__(self) -> None:
        """Refuse a repeated type, and types or fields that do not follow from the verdicts.

        Raises:
            InvalidResultError: Naming the field at fault.
        """
        kinds = [kind for kind, _ in self.verdicts]
        if len(set(kinds)) != len(kinds):
            raise InvalidResultError(
                "KeyCustomerClassification", "verdicts", "repeats a type", "judge each type once"
            )
        for name, expected in zip(_FOLLOWED, _follow(self.verdicts), strict=True):
            if getattr(self, name) != expected:
                shown = (
                    [getattr(x, "value", x) for x in expected]
                    if isinstance(expected, tuple)
                    else getattr(expected, "value", expected)
                )
                raise InvalidResultError(
                    "KeyCustomerClassification",
                    name,
                    f"does not follow from the verdicts, which give {shown!r}",
                    "correct it, or classify the customer again with salesfunnel",
                )

    @property
    def provisional(self) -> bool:
        """``True`` when a type that comes before the primary one is undecided.

        Knowing the missing fields might then change the primary type.
        """
        order = [t for t, _ in self.verdicts]
        cut = order.index(self.primary) if self.primary is not None else len(order)
        return any(t in self.undecided for t in order[:cut])

    def verdict(self, kind: KeyCustomerType) -> Verdict:
        """The verdict of one type's rule."""
        return dict(self.verdicts)[kind]

    def _head(self, lang: Lang) -> str:
        zh = lang == "zh"
        if self.primary is None:
            return f"{self.customer}: {'未匹配任何类型' if zh else 'no type matched'}"
        mark = ("（暂定）" if zh else " (provisional)") if self.provisional else ""
        return f"{self.customer}: {self.primary.label(lang)}{mark}"

    def _footer(self, lang: Lang) -> list[str]:
        zh = lang == "zh"
        notes = (
            [("缺少：" if zh else "missing: ") + ", ".join(self.missing)] if self.missing else []
        )
        if self.primary is not None:
            notes.append(("建议：" if zh else "advice: ") + self.primary.advice(lang))
        return notes

    def table(self, lang: Lang = "en") -> Table:
        """Return each type's verdict and its reasons for display; the note gives the advice."""
        lang = check_lang(lang)
        rows = [
            (
                kind.label(lang),
                f"{_MARK[verdict.outcome]} {_WORD[verdict.outcome](lang)}",
                "; ".join(line.strip() for line in verdict.explain(lang).splitlines()[1:]),
            )
            for kind, verdict in self.verdicts
        ]
        headers = ("类型", "结果", "依据") if lang == "zh" else ("type", "verdict", "why")
        note = ("；" if lang == "zh" else "; ").join(self._footer(lang))
        return Table(self._head(lang), headers, rows, note)

    def explain(self, lang: Lang = "en") -> str:
        """Say which types matched and why, and what is missing."""
        lang = check_lang(lang)
        lines = [self._head(lang)]
        for kind, verdict in self.verdicts:
            lines.append(f"  {_MARK[verdict.outcome]} {kind.label(lang)}")
            lines.extend("  " + line for line in verdict.explain(lang).splitlines()[1:])
        return "\n".join(lines + self._footer(lang))


def classify_key_customer(
    profile: CustomerProfile | Mapping[str, FactValue],
    *,
    thresholds: KeyCustomerThresholds | None = None,
    rules: Mapping[KeyCustomerType, Rule] | None = None,
    priority: Sequence[KeyCustomerType] = tuple(KeyCustomerType),
) -> KeyCustomerClassification:
    """Classify a customer into the source's five key-customer types.

    Args:
        profile: A :class:`CustomerProfile`, or a mapping of fact keys (the
            profile's field names, or whatever your own ``rules`` read).
        thresholds: Limits for the default rules (default
            :class:`KeyCustomerThresholds`).
        rules: Your own rule per type, replacing the defaults (types left out
            keep their default rule).
        priority: The order in which types are tried for the primary type
            (default: the source's order).

    Returns:
        The :class:`KeyCustomerClassification`: the primary type, every type
        matched, the undecided ones and the missing fields.

    Raises:
        InvalidCustomerValueError: For a profile field outside its range.
        CustomerValueTypeError: For a profile field that is not a number.
    """
    if isinstance(profile, CustomerProfile):
        name, facts = profile.customer, profile.facts()
    else:
        name, facts = (
            str(profile.get("customer", "")),
            Facts({k: v for k, v in profile.items() if k != "customer"}),
        )
    all_rules = {**(thresholds or KeyCustomerThresholds()).rules(), **(rules or {})}
    verdicts = tuple((kind, evaluate(all_rules[kind], facts)) for kind in priority)
    primary, matched, undecided, missing = _follow(verdicts)
    return KeyCustomerClassification(name, primary, matched, undecided, verdicts, missing)


def key_customer_types_table(lang: Lang = "en") -> Table:
    """The five types with their labels in both languages and the advice."""
    zh = check_lang(lang) == "zh"
    headers = (
        "#",
        "类型" if zh else "type",
        "English" if zh else "中文",
        "建议" if zh else "advice",
    )
    rows = [
        (i, t.label(lang), t.label("en" if zh else "zh"), t.advice(lang))
        for i, t in enumerate(KeyCustomerType, 1)
    ]
    return Table("重要客户的五个类型" if zh else "The five types of key customer", headers, rows)
