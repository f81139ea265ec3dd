"""Playbooks: the work focus for each key-account lifecycle stage, and gap lists.

:func:`playbook` returns a stage's :class:`Playbook`: its work focus as
:class:`Activity` items in English and Chinese. The pre-KAM, early, mid and
partnership playbooks are the source course's lists of work focus
(工作重点); the synergistic one is ours, built from the course's description
of the top of the lifecycle (the manager's authority, a key-account team,
performance review, long-term planning, process re-engineering, process
integration); the uncoupling one is ours entirely. ``Activity.from_source``
tells them apart.

:func:`gaps` lists the activities of an account's stage that the account has
no record of: what to work on next.

>>> from datetime import date
>>> from salesfunnel.key_accounts.account import KeyAccount
>>> [a.key for a in playbook("pre_kam")][:3]
['trial_sales', 'collect_customer_data', 'learn_basic_needs']
>>> playbook("early").activities[0].label("zh")
'高频率的拜访'
>>> acct = KeyAccount("A1", "Acme", "pre_kam", since=date(2026, 1, 5))
>>> acct = acct.record("find_coach", on=date(2026, 2, 1), note="Ms Wu, IT lead")
>>> "find_coach" in [a.key for a in gaps(acct)], len(gaps(acct))
(False, 6)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from salesfunnel.calendar import check_date
from salesfunnel.errors import FunnelError, UnknownStageError
from salesfunnel.i18n import Lang, Text, check_lang
from salesfunnel.key_accounts.lifecycle import LIFECYCLE, KamStage
from salesfunnel.tables import Table, Tabular

if TYPE_CHECKING:
    from salesfunnel.key_accounts.account import KeyAccount

__all__ = [
    "PLAYBOOKS",
    "Activity",
    "Playbook",
    "UnknownActivityError",
    "find_activity",
    "gaps",
    "playbook",
]


class UnknownActivityError(FunnelError, KeyError):
    """An activity key that no playbook defines.

    Subclasses :class:`KeyError` because activities are looked up by key, as
    in a mapping. ``str()`` gives the full message.

    Attributes:
        key: The unknown key.
        known: The keys that exist, in playbook order.
    """

    def __init__(self, key: object, known: tuple[str, ...]) -> None:
        self.key = key
        self.known = known
        super().__init__(key)

    def __str__(self) -> str:
        """Name the key and list the ones that exist."""
        return (
            f"unknown activity {self.key!r}; pass an Activity for your own, or one "
            f"of: {', '.join(self.known)}"
        )


@attrs.frozen
class Activity:
    """One item of a stage's work focus.

    Attributes:
        key: A stable identifier, used in activity records.
        stage: The stage whose playbook it belongs to.
        text: What to do, in English and Chinese.
        from_source: ``True`` for the source course's items, ``False`` for ours.
    """

    key: str
    stage: KamStage
    text: Text
    from_source: bool = True

    def label(self, lang: Lang = "en") -> str:
        """Return what to do, in ``lang``."""
        return self.text(lang)


def _activities(value: tuple[Activity, ...] | list[Activity]) -> tuple[Activity, ...]:
    return tuple(value)


_PLAYBOOK_HEAD = {
    "en": ("#", "activity", "中文", "key"),
    "zh": ("#", "工作重点", "English", "key"),
}
_OURS = Text(
    "* ours: not in the source course's list for this stage", "* 为本库补充，非课程原有内容"
)


@attrs.frozen
class Playbook(Tabular):
    """A stage's work focus: what the key-account manager works on there.

    Iterable over its activities, in the source's order.

    Attributes:
        stage: The stage.
        focus: The gist of the work in one line.
        activities: The activities.
    """

    stage: KamStage
    focus: Text
    activities: tuple[Activity, ...] = attrs.field(converter=_activities)

    def __iter__(self) -> Iterator[Activity]:
        """Iterate over the activities."""
        return iter(self.activities)

    def __len__(self) -> int:
        """Return the number of activities."""
        return len(self.activities)

    def activity_keys(self) -> tuple[str, ...]:
        """Return the activity keys, in order."""
        return tuple(a.key for a in self.activities)

    @property
    def from_source(self) -> bool:
        """``True`` when every activity is the source course's."""
        return all(a.from_source for a in self.activities)

    def table(self, lang: Lang = "en") -> Table:
        """Return the stage's focus and each activity, in ``lang`` and the other language."""
        lang = check_lang(lang)
        other: Lang = "zh" if lang == "en" else "en"
        rows = [
            (i, a.label(lang) + ("" if a.from_source else " *"), a.label(other), a.key)
            for i, a in enumerate(self.activities, start=1)
        ]
        sep = ": " if lang == "en" else "："
        title = f"{self.stage.label(lang)}{sep}{self.focus(lang)}"
        note = "" if self.from_source else _OURS(lang)
        return Table(title, _PLAYBOOK_HEAD[lang], rows, note)

    def describe(self, lang: Lang = "en") -> str:
        """Return the playbook as a bulleted list headed by the stage and its focus.

        >>> print(playbook("mid").describe("zh").splitlines()[0])
        中期阶段：深入客户、全面渗透、签订合约
        """
        lang = check_lang(lang)
        sep = ": " if lang == "en" else "："
        head = f"{self.stage.label(lang)}{sep}{self.focus(lang)}"
        return "\n".join([head, *(f"- {a.label(lang)}" for a in self.activities)])


def _book(
    stage: KamStage,
    focus: Text,
    items: tuple[tuple[str, str, str], ...],
    *,
    from_source: bool = True,
) -> Playbook:
    return Playbook(
        stage,
        focus,
        [Activity(key, stage, Text(en, zh), from_source) for key, en, zh in items],
    )


_S = KamStage

#: The default playbook of every stage.
PLAYBOOKS: Mapping[KamStage, Playbook] = MappingProxyType(
    {
        _S.PRE_KAM: _book(
            _S.PRE_KAM,
            Text("Get to know the account and be known", "了解客户，让客户了解我们"),
            (
                ("trial_sales", "Make trial sales", "试销"),
                ("collect_customer_data", "Collect customer data", "客户资料的收集"),
                (
                    "learn_basic_needs",
                    "Learn the customer's basic needs",
                    "了解客户的基本需求",
                ),
                ("research_customer", "Research the customer", "客户研究"),
                (
                    "planned_visits",
                    "Make planned visits to different people",
                    "有计划的拜访（不同对象）",
                ),
                (
                    "find_coach",
                    "Build relationships and find a coach",
                    "公关的建立（找出教练）",
                ),
                (
                    "sales_plan",
                    "Write a sales plan: people, resources, 5W2H",
                    "销售规划（人员、资源等、5W2H）",
                ),
            ),
        ),
        _S.EARLY: _book(
            _S.EARLY,
            Text("Earn trust and prove the product", "赢得信任，证明产品价值"),
            (
                ("frequent_visits", "Visit frequently", "高频率的拜访"),
                (
                    "strengthen_relationships",
                    "Strengthen relationship work",
                    "加强公关力度",
                ),
                (
                    "usage_analysis",
                    "Support product use and analyse it",
                    "提供产品的使用及分析",
                ),
                ("technical_support", "Provide technical support", "提供技术支持"),
                ("build_trust", "Strengthen the customer's trust", "强化客户信任感"),
                (
                    "sales_proposal",
                    "Give a sales proposal: support, investment, service and commitments",
                    "销售建议书（支持、投入、服务与承诺内容）",
                ),
            ),
        ),
        _S.MID: _book(
            _S.MID,
            Text("Go deep, cover every role, sign the contract", "深入客户、全面渗透、签订合约"),
            (
                (
                    "deep_needs",
                    "Understand the organisation's and individuals' needs in depth",
                    "深层次了解客户组织与个人需求",
                ),
                (
                    "penetrate_roles",
                    "Penetrate the account across all four buying roles",
                    "全方位客户渗透（四种角色）",
                ),
                ("run_tender", "Run the tender", "投标工作的执行"),
                (
                    "show_service_team",
                    "Show the customer an excellent service team",
                    "向客户展现卓越服务团队",
                ),
                (
                    "reinforce_benefits",
                    "Reinforce the benefits we deliver",
                    "向客户强化能提供之利益",
                ),
                (
                    "show_commitment",
                    "Show strong commitment and resolve to serve",
                    "显示高度承诺与服务决心",
                ),
                ("sign_contract", "Sign the contract", "签订合约"),
            ),
        ),
        _S.PARTNERSHIP: _book(
            _S.PARTNERSHIP,
            Text("Keep the partnership close and measured", "紧密维护伙伴关系并持续评估"),
            (
                (
                    "planned_maintenance",
                    "Maintain the relationship closely and to plan",
                    "密切有计划地与客户维持关系",
                ),
                (
                    "csi_evaluation",
                    "Evaluate service continuously (customer satisfaction index, CSI)",
                    "随时对客户进行服务评估（CSI）",
                ),
                (
                    "customer_dna",
                    "Put the account's DNA at the centre: value its time and efficiency",
                    "以大客户的DNA为核心（重视其时间、效率）",
                ),
                (
                    "all_round_communication",
                    "Communicate regularly and on all fronts",
                    "定期进行全方位的沟通",
                ),
                (
                    "quality_and_cost",
                    "Raise quality and cut cost",
                    "全力提升质量与降低成本",
                ),
                (
                    "improve_service_processes",
                    "Improve service processes to create more value for the account",
                    "改善服务流程为大客户创造更多利益",
                ),
                ("build_loyalty", "Build the account's loyalty", "建立大客户的忠诚度"),
            ),
        ),
        _S.SYNERGISTIC: _book(
            _S.SYNERGISTIC,
            Text("Create value together, as one organisation", "作为一体共同创造价值"),
            (
                (
                    "joint_business_plan",
                    "Agree a joint long-term business plan with the account",
                    "与客户共同制定长期业务规划",
                ),
                (
                    "integrate_processes",
                    "Integrate processes (ordering, logistics, development) with the account's",
                    "与客户整合流程（订货、物流、研发）",
                ),
                (
                    "joint_cost_reduction",
                    "Run joint cost-reduction projects and share the savings",
                    "开展联合降本项目并分享节约成果",
                ),
                (
                    "empower_account_team",
                    "Give the key-account manager authority over a cross-functional key-account team",
                    "授权大客户经理领导跨职能大客户团队",
                ),
                (
                    "joint_performance_review",
                    "Review performance jointly with the account's senior management",
                    "与客户高层共同进行业绩评估",
                ),
                (
                    "process_reengineering",
                    "Re-engineer processes across both organisations",
                    "对双方流程进行重新评估与再造",
                ),
            ),
            from_source=False,
        ),
        _S.UNCOUPLING: _book(
            _S.UNCOUPLING,
            Text("Leave in good order and learn", "有序退出并总结经验"),
            (
                (
                    "diagnose_cause",
                    "Find out why the relationship ended",
                    "查明关系解体的原因",
                ),
                (
                    "honour_commitments",
                    "Honour open commitments and hand over in good order",
                    "履行未完成的承诺并妥善交接",
                ),
                (
                    "secure_receivables",
                    "Secure receivables and close contracts cleanly",
                    "确保回款并妥善了结合同",
                ),
                (
                    "keep_door_open",
                    "Keep key contacts warm so the account can return",
                    "保持与关键人员的联系，为日后恢复合作留有余地",
                ),
                (
                    "lessons_learned",
                    "Record the lessons learned for other key accounts",
                    "总结经验教训，用于其他大客户",
                ),
                (
                    "reclassify_account",
                    "Reassess the account's value and type",
                    "重新评估客户的价值与类型",
                ),
            ),
            from_source=False,
        ),
    }
)


def playbook(
    stage: KamStage | str, *, playbooks: Mapping[KamStage, Playbook] = PLAYBOOKS
) -> Playbook:
    """Return the work focus for ``stage``.

    Args:
        stage: A :class:`~salesfunnel.KamStage`, its key or a label.
        playbooks: Your own playbooks, keyed by stage (default:
            :data:`PLAYBOOKS`). Build one with :class:`Playbook` and
            :class:`Activity`.

    Returns:
        The stage's :class:`Playbook`.

    Raises:
        UnknownStageError: For a name that is not a lifecycle stage, or a
            stage that ``playbooks`` has no entry for.

    >>> print(playbook("partnership").describe())  # doctest: +ELLIPSIS
    Partnership KAM: Keep the partnership close and measured
    - Maintain the relationship closely and to plan
    - Evaluate service continuously (customer satisfaction index, CSI)
    ...
    """
    key = KamStage.parse(stage)
    if key not in playbooks:
        raise UnknownStageError(key.value, [s.value for s in playbooks])
    return playbooks[key]


def find_activity(key: str, *, playbooks: Mapping[KamStage, Playbook] = PLAYBOOKS) -> Activity:
    """Return the activity with ``key`` from any stage's playbook.

    Raises:
        UnknownActivityError: For a key no playbook has.
    """
    for stage in (*LIFECYCLE, KamStage.UNCOUPLING):
        book = playbooks.get(stage)
        for activity in book or ():
            if activity.key == key:
                return activity
    known = tuple(a.key for s in (*LIFECYCLE, KamStage.UNCOUPLING) for a in playbooks.get(s, ()))
    raise UnknownActivityError(key, known)


def gaps(
    account: KeyAccount,
    *,
    stage: KamStage | str | None = None,
    since: date | None = None,
    playbooks: Mapping[KamStage, Playbook] = PLAYBOOKS,
) -> tuple[Activity, ...]:
    """Return the playbook activities the account has no record of.

    Args:
        account: The key account.
        stage: Whose playbook to check (default: the account's current stage;
            pass its next stage to prepare the move up).
        since: Count only records dated on or after this date (for work that
            must be recent, such as visits); undated records then do not
            count. Default: every record counts.
        playbooks: Your own playbooks (default: :data:`PLAYBOOKS`).

    Returns:
        The activities without a record, in playbook order.

    Raises:
        InvalidDateError: If ``since`` is not a plain date.
    """
    book = playbook(account.stage if stage is None else stage, playbooks=playbooks)
    cutoff = None if since is None else check_date(since, field="since")
    done = {
        r.activity
        for r in account.activities
        if cutoff is None or (r.on is not None and r.on >= cutoff)
    }
    return tuple(a for a in book if a.key not in done)
