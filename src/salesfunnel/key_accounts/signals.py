"""Signals about a key-account relationship, and the evidence rule of each stage.

A **signal** is an observation about the relationship: how many people we
know at the account, how many of the four buying roles (decision maker,
user, technical gatekeeper, coach) we cover, whether a coach was found, how
often we visit, whether a proposal was given or a contract signed, our share
of the account's spend, whether we are its preferred or sole supplier,
whether service evaluations (CSI) run, joint planning, integrated processes,
shared cost reduction … :data:`SIGNALS` is the catalogue; each
:class:`Signal` says what kind of value it holds and checks it.

Each lifecycle stage above pre-KAM has an **evidence rule**, a qualification
rule (:mod:`salesfunnel.qualification`) over the signals. :class:`KamRules`
holds the five rules; :func:`salesfunnel.assess` uses them. The default rules
(:data:`DEFAULT_KAM_RULES`) are ours, built from the source course's
description of each stage (its work focus and the buyer's, seller's and
manager's perspectives); replace any of them with :meth:`KamRules.with_rule`:

``early`` (first business, a coach, regular visits)
    a trial or first order is placed; a coach has been found; at least one
    visit a month.
``mid`` (penetration and a contract)
    a sales proposal has been given; a contract is signed; at least three of
    the four buying roles are covered; at least three regular contacts.
``partnership`` (preferred supplier, measured service)
    preferred or sole supplier; service evaluations (CSI) in place; at least
    half of the account's spend in our category; all four buying roles
    covered; and at least two of: three or more functions in direct contact
    (the "diamond"), regular senior-management contact, sensitive
    information shared.
``synergistic`` (one organisation)
    sole supplier; joint planning; and at least two of: integrated processes,
    shared cost-reduction work, a cross-functional key-account team.
``uncoupling``
    the account has given notice or is switching suppliers.

Pre-KAM has no rule: it is where every account under key-account management
starts.

>>> SIGNALS["buying_roles_covered"].label("zh")
'覆盖的采购角色数（共四种：决策者、使用者、技术把关者、教练）'
>>> sorted(DEFAULT_KAM_RULES.signals())[:3]
['buying_roles_covered', 'coach_found', 'contacts']
>>> check_signals({"coach_fund": True})
Traceback (most recent call last):
...
salesfunnel.key_accounts.signals.UnknownSignalError: unknown signal(s) coach_fund; known signals: contacts, buying_roles_covered, coach_found, ...
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from salesfunnel.errors import FunnelError, InvalidFactError, InvalidRuleError
from salesfunnel.i18n import Lang, Text
from salesfunnel.key_accounts.lifecycle import KamStage, kam_funnel
from salesfunnel.qualification import (
    AllOf,
    AnyOf,
    AtLeast,
    Criterion,
    Facts,
    FactValue,
    Not,
    Rule,
)

if TYPE_CHECKING:
    from salesfunnel.funnel.stages import Funnel

__all__ = [
    "DEFAULT_KAM_RULES",
    "SIGNALS",
    "InvalidSignalError",
    "KamRules",
    "Signal",
    "SignalKind",
    "UnknownSignalError",
    "check_signals",
]


class UnknownSignalError(FunnelError, KeyError):
    """Signal names that neither the catalogue nor the rules in use know.

    Subclasses :class:`KeyError` because signals are looked up by name, like
    keys of a mapping; an unknown name is almost always a typo that would
    otherwise be silently ignored. ``str()`` gives the full message.

    Attributes:
        names: Every unknown name, sorted.
        known: The names that are accepted.
    """

    def __init__(self, names: tuple[str, ...], known: tuple[str, ...]) -> None:
        self.names = names
        self.known = known
        super().__init__(names)

    def __str__(self) -> str:
        """Name the unknown signals and list the known ones."""
        return f"unknown signal(s) {', '.join(self.names)}; known signals: {', '.join(self.known)}"


class InvalidSignalError(FunnelError, ValueError):
    """A signal value outside its range, such as a share of wallet of 1.5.

    Subclasses :class:`ValueError`: the type is right, the value is not.
    (A value of the wrong type, such as ``"yes"`` for a yes/no signal, is an
    :class:`~salesfunnel.errors.InvalidFactError`, a :class:`TypeError`.)

    Attributes:
        signal: The signal name.
        value: The value that was rejected.
    """

    def __init__(self, message: str, *, signal: str, value: object) -> None:
        super().__init__(message)
        self.signal = signal
        self.value = value


class SignalKind(enum.Enum):
    """What kind of value a signal holds."""

    #: ``True`` or ``False``.
    YES_NO = "yes_no"
    #: A whole number, zero or more (at most ``Signal.maximum`` when set).
    COUNT = "count"
    #: A share in [0, 1] (not a percentage).
    SHARE = "share"
    #: A number, zero or more, such as visits per month.
    RATE = "rate"


@attrs.frozen
class Signal:
    """An observable sign of where a key-account relationship stands.

    Attributes:
        key: The signal name, used in signal mappings and file columns.
        text: What it means, in English and Chinese.
        kind: The kind of value it holds.
        maximum: The largest allowed count, if any.
    """

    key: str
    text: Text
    kind: SignalKind
    maximum: int | None = None

    def label(self, lang: Lang = "en") -> str:
        """Return what the signal means, in ``lang``."""
        return self.text(lang)

    def check(self, value: FactValue) -> FactValue:
        """Return ``value`` if it fits this signal (``None`` means unknown).

        Raises:
            InvalidFactError: For a value of the wrong type.
            InvalidSignalError: For a number out of range.

        >>> SIGNALS["share_of_wallet"].check(35)
        Traceback (most recent call last):
        ...
        salesfunnel.key_accounts.signals.InvalidSignalError: signal 'share_of_wallet' is a share in [0, 1]; write 35 % as 0.35, got 35
        """
        if value is None:
            return None
        if self.kind is SignalKind.YES_NO:
            if not isinstance(value, bool):
                raise InvalidFactError(
                    f"signal {self.key!r} is yes/no: give True or False (or leave it "
                    f"out when unknown), got {value!r}",
                    fact=self.key,
                    value=value,
                )
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise InvalidFactError(
                f"signal {self.key!r} is a number, got {value!r}", fact=self.key, value=value
            )
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        problem = None
        if not number.is_finite() or number < 0:
            problem = "must be a finite number, zero or more"
        elif self.kind is SignalKind.COUNT and number != number.to_integral_value():
            problem = "must be a whole number"
        elif self.maximum is not None and number > self.maximum:
            problem = f"must be at most {self.maximum}"
        elif self.kind is SignalKind.SHARE and number > 1:
            problem = f"is a share in [0, 1]; write {value} % as {number / 100}"
        if problem is not None:
            raise InvalidSignalError(
                f"signal {self.key!r} {problem}, got {value!r}", signal=self.key, value=value
            )
        return value


def _sig(key: str, kind: SignalKind, en: str, zh: str, maximum: int | None = None) -> Signal:
    return Signal(key, Text(en, zh), kind, maximum)


_YN, _N, _SH, _RT = SignalKind.YES_NO, SignalKind.COUNT, SignalKind.SHARE, SignalKind.RATE

#: The signal catalogue, in the order of the lifecycle they speak to.
SIGNALS: Mapping[str, Signal] = MappingProxyType(
    {
        s.key: s
        for s in (
            _sig(
                "contacts",
                _N,
                "People at the account we are in regular contact with",
                "与我们保持定期联系的客户人员数",
            ),
            _sig(
                "buying_roles_covered",
                _N,
                "Buying roles covered, of four: decision maker, user, technical "
                "gatekeeper and coach",
                "覆盖的采购角色数（共四种：决策者、使用者、技术把关者、教练）",
                4,
            ),
            _sig(
                "coach_found",
                _YN,
                "A coach (an insider who guides us) has been found",
                "已找出教练（指导我们的内部人员）",
            ),
            _sig("visits_per_month", _RT, "Visits per month", "每月拜访次数"),
            _sig(
                "functions_in_contact",
                _N,
                "Functions in direct function-to-function contact",
                "直接对接的职能部门数",
            ),
            _sig(
                "senior_management_contact",
                _YN,
                "Senior managers of both sides meet regularly",
                "双方高层定期会面",
            ),
            _sig("trial_order", _YN, "A trial or first order is placed", "已有试订单或首单"),
            _sig("proposal_given", _YN, "A sales proposal has been given", "已提交销售建议书"),
            _sig("contract_signed", _YN, "A contract is signed", "已签订合约"),
            _sig(
                "share_of_wallet",
                _SH,
                "Our share of the account's spend in our category (0 to 1)",
                "我们在客户同类采购中所占的份额（0到1）",
            ),
            _sig("preferred_supplier", _YN, "We are a preferred supplier", "我们是优先供应商"),
            _sig("sole_supplier", _YN, "We are the sole supplier", "我们是唯一供应商"),
            _sig(
                "csi_in_place",
                _YN,
                "Service evaluations (customer satisfaction index, CSI) are in place",
                "已建立服务评估（客户满意度指数CSI）",
            ),
            _sig(
                "information_sharing",
                _YN,
                "The account shares sensitive information (forecasts, plans, costs)",
                "客户与我们共享敏感信息（预测、计划、成本）",
            ),
            _sig("joint_planning", _YN, "Joint business planning", "双方联合制定业务规划"),
            _sig(
                "integrated_processes",
                _YN,
                "Processes are integrated with the account's",
                "双方流程已整合",
            ),
            _sig(
                "shared_cost_reduction",
                _YN,
                "Cost-reduction work is shared with the account",
                "与客户共同开展降本工作",
            ),
            _sig(
                "key_account_team",
                _YN,
                "A cross-functional key-account team serves the account",
                "有跨职能的大客户团队为客户服务",
            ),
            _sig(
                "exit_notice",
                _YN,
                "The account has given notice or is switching suppliers",
                "客户已发出终止通知或正在更换供应商",
            ),
        )
    }
)


def _rule(value: object) -> Rule:
    if not isinstance(value, (Criterion, AllOf, AnyOf, AtLeast, Not)):
        raise InvalidRuleError(
            f"a stage's evidence rule is a criterion or a combination of them, got "
            f"{type(value).__name__}; build one with Criterion.fact(...) and AllOf/AtLeast",
            rule=repr(value),
        )
    return value


@attrs.frozen
class KamRules:
    """The evidence rule of each lifecycle stage above pre-KAM.

    Pre-KAM has no rule: it is where every account under key-account
    management starts, so an assessment can always fall back to it.

    Attributes:
        early: Evidence for the early stage.
        mid: Evidence for the mid stage.
        partnership: Evidence for the partnership stage.
        synergistic: Evidence for the synergistic stage.
        uncoupling: Evidence that the relationship is ending.

    Raises:
        InvalidRuleError: For a value that is not a rule.
    """

    early: Rule = attrs.field(converter=_rule)
    mid: Rule = attrs.field(converter=_rule)
    partnership: Rule = attrs.field(converter=_rule)
    synergistic: Rule = attrs.field(converter=_rule)
    uncoupling: Rule = attrs.field(converter=_rule)

    def items(self) -> tuple[tuple[KamStage, Rule], ...]:
        """Return ``(stage, rule)`` for early to synergistic, then uncoupling."""
        return (
            (KamStage.EARLY, self.early),
            (KamStage.MID, self.mid),
            (KamStage.PARTNERSHIP, self.partnership),
            (KamStage.SYNERGISTIC, self.synergistic),
            (KamStage.UNCOUPLING, self.uncoupling),
        )

    def rule(self, stage: KamStage | str) -> Rule | None:
        """Return the evidence rule of ``stage`` (``None`` for pre-KAM)."""
        return dict(self.items()).get(KamStage.parse(stage))

    def with_rule(self, stage: KamStage | str, rule: Rule) -> KamRules:
        """Return a copy with the rule of ``stage`` replaced.

        Raises:
            InvalidRuleError: For pre-KAM, which has no rule, or a non-rule.

        >>> from salesfunnel.key_accounts.assessment import assess
        >>> mine = DEFAULT_KAM_RULES.with_rule(
        ...     "early", Criterion.fact("trial_order", "First order placed")
        ... )
        >>> assess({"trial_order": True}, rules=mine).stage
        <KamStage.EARLY: 'early'>
        """
        key = KamStage.parse(stage)
        if key is KamStage.PRE_KAM:
            raise InvalidRuleError(
                "pre-KAM has no evidence rule: every key account starts there",
                rule="pre_kam",
            )
        return attrs.evolve(self, **{key.value: rule})

    def signals(self) -> frozenset[str]:
        """Return every signal name the rules read."""
        return frozenset(
            name for _, rule in self.items() for c in rule.criteria() for name in c.needs
        )

    def funnel(self) -> Funnel:
        """Return the lifecycle funnel gated by these rules.

        Moving an account up then needs the evidence for the stage entered
        (:meth:`KeyAccount.advance <salesfunnel.KeyAccount.advance>` checks
        it on the account's signals).
        """
        gates: dict[KamStage, Rule | None] = dict(self.items()[:-1])
        return kam_funnel(gates, name="evidence-gated lifecycle")


_f = Criterion.fact


def _at_least(key: str, limit: int | str, fact: str, en: str, zh: str) -> Criterion:
    return Criterion.at_least(key, Decimal(limit), en, zh, fact=fact)


#: The default evidence rules (see the module docstring for the reasoning).
DEFAULT_KAM_RULES = KamRules(
    early=AllOf(
        (
            _f("trial_order", "A trial or first order is placed", "已有试订单或首单"),
            _f("coach_found", "A coach has been found", "已找出教练"),
            _at_least(
                "visited_monthly",
                1,
                "visits_per_month",
                "At least one visit a month",
                "每月至少拜访一次",
            ),
        ),
        Text("Early: first business, a coach, regular visits", "初期：首单、教练、定期拜访"),
    ),
    mid=AllOf(
        (
            _f("proposal_given", "A sales proposal has been given", "已提交销售建议书"),
            _f("contract_signed", "A contract is signed", "已签订合约"),
            _at_least(
                "three_buying_roles",
                3,
                "buying_roles_covered",
                "At least three of the four buying roles covered",
                "至少覆盖四种采购角色中的三种",
            ),
            _at_least(
                "three_contacts",
                3,
                "contacts",
                "At least three regular contacts",
                "至少三名定期联系人",
            ),
        ),
        Text("Mid: penetration and a contract", "中期：客户渗透并签订合约"),
    ),
    partnership=AllOf(
        (
            AnyOf(
                (
                    _f("preferred_supplier", "We are a preferred supplier", "我们是优先供应商"),
                    _f("sole_supplier", "We are the sole supplier", "我们是唯一供应商"),
                ),
                Text("Preferred or sole supplier", "优先或唯一供应商"),
            ),
            _f("csi_in_place", "Service evaluations (CSI) are in place", "已建立服务评估（CSI）"),
            _at_least(
                "half_of_wallet",
                "0.5",
                "share_of_wallet",
                "At least half of the account's spend in our category",
                "占客户同类采购的一半以上",
            ),
            _at_least(
                "all_buying_roles",
                4,
                "buying_roles_covered",
                "All four buying roles covered",
                "覆盖全部四种采购角色",
            ),
            AtLeast(
                2,
                (
                    _at_least(
                        "diamond_contacts",
                        3,
                        "functions_in_contact",
                        "Three or more functions in direct contact",
                        "三个以上职能部门直接对接",
                    ),
                    _f(
                        "senior_management_contact",
                        "Senior managers of both sides meet regularly",
                        "双方高层定期会面",
                    ),
                    _f(
                        "information_sharing",
                        "The account shares sensitive information",
                        "客户与我们共享敏感信息",
                    ),
                ),
                Text("A diamond forming (at least 2 of 3)", "“钻石”模式形成（至少满足2项）"),
            ),
        ),
        Text("Partnership: preferred supplier, measured service", "伙伴式：首选供应商、服务评估"),
    ),
    synergistic=AllOf(
        (
            _f("sole_supplier", "We are the sole supplier", "我们是唯一供应商"),
            _f("joint_planning", "Joint business planning", "双方联合制定业务规划"),
            AtLeast(
                2,
                (
                    _f("integrated_processes", "Processes are integrated", "双方流程已整合"),
                    _f(
                        "shared_cost_reduction",
                        "Cost-reduction work is shared",
                        "共同开展降本工作",
                    ),
                    _f(
                        "key_account_team",
                        "A cross-functional key-account team",
                        "跨职能的大客户团队",
                    ),
                ),
                Text("Working as one (at least 2 of 3)", "一体化运作（至少满足2项）"),
            ),
        ),
        Text("Synergistic: one organisation", "协作式：如同一体"),
    ),
    uncoupling=_f(
        "exit_notice",
        "The account has given notice or is switching suppliers",
        "客户已发出终止通知或正在更换供应商",
    ),
)


def check_signals(
    signals: Mapping[str, FactValue] | None, *, rules: KamRules = DEFAULT_KAM_RULES
) -> Facts:
    """Check signal names and values; return them as :class:`~salesfunnel.Facts`.

    A name is known when it is in :data:`SIGNALS` or read by ``rules`` (so
    your own rules may use your own signals). Catalogue signals are checked
    for type and range; ``None`` means unknown.

    Raises:
        UnknownSignalError: Listing every unknown name at once.
        InvalidFactError: For a value of the wrong type.
        InvalidSignalError: For a number out of range.
    """
    facts = signals if isinstance(signals, Facts) else Facts(signals or {})
    extra = rules.signals() - SIGNALS.keys()
    unknown = tuple(sorted(k for k in facts if k not in SIGNALS and k not in extra))
    if unknown:
        raise UnknownSignalError(unknown, (*SIGNALS, *sorted(extra)))
    for key, value in facts.items():
        if key in SIGNALS:
            SIGNALS[key].check(value)
    return facts
