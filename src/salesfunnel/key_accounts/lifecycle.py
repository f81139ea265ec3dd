"""The key-account lifecycle (重要客户管理阶段): its stages, their profiles, its funnel.

A key account moves through five stages of a growing relationship, and may
leave it at any point (the relational development model of key-account
management):

| stage | 中文 | the relationship |
|---|---|---|
| :attr:`KamStage.PRE_KAM` | 孕育阶段 | not yet a customer, or trial sales |
| :attr:`KamStage.EARLY` | 初期阶段 | transactional; one buyer, one seller |
| :attr:`KamStage.MID` | 中期阶段 | cooperative; more contacts, trust grows |
| :attr:`KamStage.PARTNERSHIP` | 伙伴式阶段 | collaborative; preferred supplier |
| :attr:`KamStage.SYNERGISTIC` | 协作式阶段 | integrated; a strategic resource |
| :attr:`KamStage.UNCOUPLING` | 解体阶段 | the relationship ends |

Each stage's :attr:`~KamStage.profile` describes the relationship, the contact
pattern (one seller to one buyer, the "bow-tie", growing into many
function-to-function contacts, the "diamond"), the supplier's status, and the
buyer's, seller's and key-account manager's perspectives.

The lifecycle is a :class:`~salesfunnel.Funnel` (:data:`KAM_FUNNEL`): the five
stages are open stages on its ladder, there is no won stage, and uncoupling is
its terminal outcome beside the ladder. :class:`~salesfunnel.KeyAccount`
records move through it with the foundation's stage machine.

>>> [s.label("zh") for s in LIFECYCLE]
['孕育阶段', '初期阶段', '中期阶段', '伙伴式阶段', '协作式阶段']
>>> print(KamStage.SYNERGISTIC.profile.supplier_status("en"))
Sole supplier and strategic partner.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from salesfunnel.errors import FunnelDefinitionError, UnknownStageError
from salesfunnel.funnel.records import SkipPolicy, StageKind
from salesfunnel.funnel.stages import Funnel, Role, Stage
from salesfunnel.i18n import Lang, Text, check_lang
from salesfunnel.qualification import Rule

__all__ = [
    "KAM_FUNNEL",
    "KEY_ACCOUNT_MANAGER",
    "LIFECYCLE",
    "PROFILES",
    "KamStage",
    "KamStageProfile",
    "kam_funnel",
]


@attrs.frozen
class KamStageProfile:
    """What a lifecycle stage looks like, in English and Chinese.

    Attributes:
        name: The stage's name.
        summary: One sentence on the stage.
        relationship: The nature of the relationship (transactional →
            collaborative → integrated).
        contacts: The contact pattern, from the one-to-one "bow-tie" to the
            many-to-many "diamond".
        supplier_status: Where the supplier stands with the buyer (one of many
            → preferred → sole or strategic partner).
        buyer: The buyer's perspective (what the buyer values from us).
        seller: The seller's perspective (what the selling company works on).
        manager: The key-account manager's perspective (the manager's job).
        from_source: ``True`` when the three perspectives are the source
            course's; ``False`` for stages the course does not cover
            (uncoupling), whose text is ours.
    """

    name: Text
    summary: Text
    relationship: Text
    contacts: Text
    supplier_status: Text
    buyer: Text
    seller: Text
    manager: Text
    from_source: bool = True


_HEADINGS = {
    "en": (
        "Relationship",
        "Contact pattern",
        "Supplier status",
        "Buyer's view",
        "Seller's view",
        "Key-account manager's view",
    ),
    "zh": ("关系", "接触模式", "供应商地位", "买方的角度", "卖方的角度", "大客户经理的角度"),
}


class KamStage(enum.Enum):
    """A stage of the key-account lifecycle (重要客户管理阶段).

    The value is the stage key used in histories and files. Five stages form
    the ladder (:data:`LIFECYCLE`); :attr:`UNCOUPLING` is the way out of it.

    >>> KamStage.MID.label(), KamStage.MID.label("zh")
    ('Mid KAM', '中期阶段')
    >>> KamStage.MID.next
    <KamStage.PARTNERSHIP: 'partnership'>
    >>> KamStage.parse("伙伴式阶段")
    <KamStage.PARTNERSHIP: 'partnership'>
    """

    #: 孕育阶段 — identifying and courting a potential key account; trial sales.
    PRE_KAM = "pre_kam"
    #: 初期阶段 — first business; one seller, one buyer (the "bow-tie").
    EARLY = "early"
    #: 中期阶段 — more business and contacts; trust grows; a preferred supplier.
    MID = "mid"
    #: 伙伴式阶段 — partnership; the preferred or sole supplier; a "diamond" forms.
    PARTNERSHIP = "partnership"
    #: 协作式阶段 — synergistic; both firms work as one on joint plans and processes.
    SYNERGISTIC = "synergistic"
    #: 解体阶段 — uncoupling; the relationship ends (reachable from every stage).
    UNCOUPLING = "uncoupling"

    @property
    def profile(self) -> KamStageProfile:
        """The stage's description: relationship, contacts, status, perspectives."""
        return PROFILES[self]

    def label(self, lang: Lang = "en") -> str:
        """Return the stage's name in ``lang`` (``"en"`` or ``"zh"``)."""
        return self.profile.name(lang)

    def describe(self, lang: Lang = "en") -> str:
        """Return a multi-line description of the stage in ``lang``.

        >>> print(KamStage.EARLY.describe().splitlines()[2])
        Contact pattern: The "bow-tie": one salesperson or key-account manager talks to one buyer (usually purchasing); every contact passes through these two people.
        """
        lang = check_lang(lang)
        p = self.profile
        parts = (p.relationship, p.contacts, p.supplier_status, p.buyer, p.seller, p.manager)
        sep = ": " if lang == "en" else "："
        lines = [f"{p.name(lang)}{sep}{p.summary(lang)}"]
        lines += [f"{h}{sep}{t(lang)}" for h, t in zip(_HEADINGS[lang], parts, strict=True)]
        return "\n".join(lines)

    @property
    def on_ladder(self) -> bool:
        """``True`` for the five lifecycle stages, ``False`` for uncoupling."""
        return self is not KamStage.UNCOUPLING

    @property
    def rank(self) -> int:
        """The position on the ladder: 0 (pre-KAM) to 4 (synergistic); -1 for uncoupling."""
        return LIFECYCLE.index(self) if self.on_ladder else -1

    @property
    def next(self) -> KamStage | None:
        """The next stage up the ladder (``None`` at the top and for uncoupling)."""
        if not self.on_ladder or self is KamStage.SYNERGISTIC:
            return None
        return LIFECYCLE[self.rank + 1]

    @classmethod
    def parse(cls, value: object) -> KamStage:
        """Return the stage named by ``value``: a member, its key, or a label.

        Keys and English labels match case-insensitively; ``"pre-KAM"`` and
        ``"pre_kam"`` are the same stage; Chinese labels match with or
        without the trailing ``阶段``.

        Raises:
            UnknownStageError: For anything that names no stage.
        """
        if isinstance(value, KamStage):
            return value
        if isinstance(value, str):
            found = _BY_NAME.get(_norm(value))
            if found is not None:
                return found
        raise UnknownStageError(value, [s.value for s in cls])


def _norm(text: str) -> str:
    return text.strip().casefold().replace("-", "_").replace(" ", "_")


def _t(en: str, zh: str) -> Text:
    return Text(en, zh)


#: The five ladder stages of the lifecycle, in order (uncoupling is not on it).
LIFECYCLE: tuple[KamStage, ...] = (
    KamStage.PRE_KAM,
    KamStage.EARLY,
    KamStage.MID,
    KamStage.PARTNERSHIP,
    KamStage.SYNERGISTIC,
)

#: The description of every stage. The buyer's, seller's and manager's
#: perspectives of the five ladder stages are the source course's; the
#: buyer's view of the partnership stage (left as "…" in the course) and the
#: whole uncoupling stage are ours.
PROFILES: Mapping[KamStage, KamStageProfile] = MappingProxyType(
    {
        KamStage.PRE_KAM: KamStageProfile(
            name=_t("Pre-KAM", "孕育阶段"),
            summary=_t(
                "We identify an account with key-account potential and court it; "
                "any business is trial sales.",
                "识别具有大客户潜力的客户并积极接触；业务仅限于试销。",
            ),
            relationship=_t(
                "None yet, or exploratory: both sides are sizing each other up.",
                "尚未建立或处于试探期：双方在相互评估。",
            ),
            contacts=_t(
                "Scattered first contacts: a salesperson reaches whoever will listen; "
                "no established channel yet.",
                "零散的初步接触：销售人员尽量接触客户的不同人员，尚无固定渠道。",
            ),
            supplier_status=_t(
                "Not yet a supplier, or one candidate among many.",
                "尚不是供应商，或只是众多候选者之一。",
            ),
            buyer=_t(
                "Product knowledge: the technology and its application.",
                "产品知识：技术、应用。",
            ),
            seller=_t("Selling and negotiation.", "销售和谈判。"),
            manager=_t("Research and planning.", "研究和规划。"),
        ),
        KamStage.EARLY: KamStageProfile(
            name=_t("Early KAM", "初期阶段"),
            summary=_t(
                "The account buys from us; we work to be trusted and to prove the product.",
                "客户开始向我们购买；我们努力赢得信任、证明产品价值。",
            ),
            relationship=_t(
                "Transactional: price, product and delivery dominate; trust is being built.",
                "交易型：以价格、产品和交付为主，信任正在建立。",
            ),
            contacts=_t(
                'The "bow-tie": one salesperson or key-account manager talks to one '
                "buyer (usually purchasing); every contact passes through these two people.",
                "“蝴蝶结”模式：一名销售人员或大客户经理对接一名采购人员，所有接触都经过这两个人。",
            ),
            supplier_status=_t(
                "One of many approved suppliers, often on trial.",
                "众多合格供应商之一，常处于试用期。",
            ),
            buyer=_t("Communication.", "沟通。"),
            seller=_t("Internal negotiation.", "内部谈判。"),
            manager=_t("Monitoring and detail.", "监控、细节。"),
        ),
        KamStage.MID: KamStageProfile(
            name=_t("Mid KAM", "中期阶段"),
            summary=_t(
                "Business grows and the relationship widens beyond the two "
                "key contacts; the contract is signed.",
                "业务增长，关系扩展到两位主要联系人之外；签订合约。",
            ),
            relationship=_t(
                "Cooperative: trust established, problems solved together, but "
                "the account still keeps alternatives.",
                "合作型：信任已建立，共同解决问题，但客户仍保留其他选择。",
            ),
            contacts=_t(
                "The bow-tie widens: contacts across the four buying roles and "
                "some function-to-function links (technical, logistics), still "
                "steered through the key-account manager and the buyer.",
                "“蝴蝶结”变宽：覆盖四种采购角色，出现部分职能对职能的联系"
                "（技术、物流），但仍由大客户经理和采购人员主导。",
            ),
            supplier_status=_t(
                "One of a few preferred suppliers.",
                "少数优先供应商之一。",
            ),
            buyer=_t("Coordination.", "协调。"),
            seller=_t("Customer penetration.", "客户渗透。"),
            manager=_t(
                "Supervision and doing: getting the work done across the account.",
                "监督、做事。",
            ),
        ),
        KamStage.PARTNERSHIP: KamStageProfile(
            name=_t("Partnership KAM", "伙伴式阶段"),
            summary=_t(
                "The account treats us as a partner: sensitive information is "
                "shared and service is measured continuously.",
                "客户视我们为伙伴：共享敏感信息，持续评估服务。",
            ),
            relationship=_t(
                "Collaborative: mutual trust, open information, long-term agreements.",
                "协同型：相互信任、信息开放、签订长期协议。",
            ),
            contacts=_t(
                'The "diamond" forms: many function-to-function contacts (senior '
                "management, operations, quality, finance) run directly, "
                "coordinated rather than gated by the key-account manager.",
                "“钻石”模式形成：高层、运营、质量、财务等多个职能直接对接，"
                "由大客户经理协调而非把关。",
            ),
            supplier_status=_t(
                "The preferred supplier, often the sole one for its category.",
                "首选供应商，常为该品类的唯一供应商。",
            ),
            buyer=_t(
                "Joint problem solving: the supplier as a trusted external "
                "resource (our wording; the course leaves this step open).",
                "共同解决问题：把供应商视为可信赖的外部资源（本项目补充，课程此处从略）。",
            ),
            seller=_t("Quality improvement and cost reduction.", "质量改进、降低成本。"),
            manager=_t(
                "Social skills and understanding the customer.",
                "社交技巧、了解客户。",
            ),
        ),
        KamStage.SYNERGISTIC: KamStageProfile(
            name=_t("Synergistic KAM", "协作式阶段"),
            summary=_t(
                "Both firms act as one to create value neither could alone: "
                "joint plans, integrated processes, shared cost reduction.",
                "双方如同一体，共同创造单方无法实现的价值：联合规划、流程整合、共同降本。",
            ),
            relationship=_t(
                "Integrated: shared goals and joint strategy; switching would be costly for both.",
                "一体化：目标一致、战略共担，双方转换成本都很高。",
            ),
            contacts=_t(
                "A full diamond: cross-functional teams on both sides work "
                "together; the key-account manager leads a key-account team.",
                "完整的“钻石”：双方跨职能团队协同工作，大客户经理领导大客户团队。",
            ),
            supplier_status=_t(
                "Sole supplier and strategic partner.",
                "唯一供应商和战略伙伴。",
            ),
            buyer=_t(
                "The supplier as an internal strategic resource.",
                "内部战略资源的供应商。",
            ),
            seller=_t("Process integration.", "流程整合。"),
            manager=_t(
                "Thinking, research and preparation; the manager's authority, a "
                "key-account team, performance review, long-term planning and "
                "process re-engineering.",
                "思考、研究准备；大客户经理的权威化、大客户经理小组、业绩评估、"
                "长期规划、流程重估。",
            ),
        ),
        KamStage.UNCOUPLING: KamStageProfile(
            name=_t("Uncoupling KAM", "解体阶段"),
            summary=_t(
                "The relationship ends or is scaled back, from any stage: trust "
                "broken, needs changed, a merger, or a better offer elsewhere.",
                "关系从任一阶段终止或缩减：信任破裂、需求改变、企业并购或竞争对手条件更优。",
            ),
            relationship=_t(
                "Ending: the parties disengage, ideally in an orderly way.",
                "终止：双方逐步脱离，最好是有序地退出。",
            ),
            contacts=_t(
                "The diamond collapses back to a bow-tie, then to none.",
                "“钻石”收缩回“蝴蝶结”，最终中断联系。",
            ),
            supplier_status=_t(
                "Being replaced, or demoted to one of many.",
                "正在被替换，或降为众多供应商之一。",
            ),
            buyer=_t(
                "The supplier is replaceable again; switching is under way.",
                "供应商重新变得可替代，正在转换供应商。",
            ),
            seller=_t(
                "Protect what is left: honour commitments, collect receivables, "
                "hand over in good order.",
                "保住剩余业务：履行承诺、收回款项、妥善交接。",
            ),
            manager=_t(
                "Find the cause, manage the exit, keep a door open for a return.",
                "分析原因、管理退出、为日后恢复合作留有余地。",
            ),
            from_source=False,
        ),
    }
)


def _names() -> dict[str, KamStage]:
    found: dict[str, KamStage] = {}
    for stage in KamStage:
        p = PROFILES[stage]
        found[_norm(stage.value)] = stage
        found[_norm(p.name.en)] = stage
        found[_norm(p.name.en.removesuffix(" KAM"))] = stage
        found[_norm(p.name.zh)] = stage
        found[_norm(p.name.zh.removesuffix("阶段"))] = stage
    return found


_BY_NAME: Mapping[str, KamStage] = MappingProxyType(_names())

#: The role that owns every lifecycle stage.
KEY_ACCOUNT_MANAGER = Role("key_account_manager", Text("Key-account manager", "大客户经理"))

_KEYS = tuple(s.value for s in KamStage)


def kam_funnel(
    gates: Mapping[KamStage, Rule | None] | None = None,
    *,
    name: str = "key-account lifecycle",
) -> Funnel:
    """Build the lifecycle as a funnel, optionally with an entry gate per stage.

    The five ladder stages are open stages, each joined to the next; there is
    no won stage (a relationship is never "done"); uncoupling is the terminal
    outcome beside the ladder. Skipping a stage always needs
    ``allow_skip=True`` (:attr:`SkipPolicy.KEYWORD
    <salesfunnel.SkipPolicy.KEYWORD>`). Probabilities are all 0: the
    lifecycle has no win to weigh.

    Args:
        gates: An entry rule per ladder stage: a move up into that stage
            needs its signals (for example the assessment rules, see
            :meth:`salesfunnel.key_accounts.assessment.KamRules.funnel`). Default: no gates.
        name: The funnel's name.

    Returns:
        The funnel.

    Raises:
        FunnelDefinitionError: For a gate on uncoupling (leaving a
            relationship is never gated) or a key that is not a stage.

    >>> [s.key for s in kam_funnel()]
    ['pre_kam', 'early', 'mid', 'partnership', 'synergistic']
    >>> kam_funnel().lost.label("zh"), kam_funnel().won is None
    ('解体阶段', True)
    """
    rules = dict(gates or {})
    for key in rules:
        if not isinstance(key, KamStage):
            raise FunnelDefinitionError(
                f"gates are keyed by KamStage, got {key!r}; use KamStage.parse({key!r})",
                rule="kam-stages",
                stages=[str(key)],
            )
    if rules.get(KamStage.UNCOUPLING) is not None:
        raise FunnelDefinitionError(
            "uncoupling takes no gate: a relationship can end at any time; "
            "gate the ladder stages instead",
            rule="kam-stages",
            stages=[KamStage.UNCOUPLING.value],
        )
    ladder = tuple(
        Stage(
            s.value,
            s.profile.name,
            "0",
            owners=(KEY_ACCOUNT_MANAGER,),
            rule=rules.get(s),
            definition=s.profile.summary,
        )
        for s in LIFECYCLE
    )
    out = KamStage.UNCOUPLING
    lost = Stage(
        out.value,
        out.profile.name,
        "0",
        kind=StageKind.LOST,
        owners=(KEY_ACCOUNT_MANAGER,),
        definition=out.profile.summary,
    )
    return Funnel(stages=ladder, lost=lost, name=name, skip_policy=SkipPolicy.KEYWORD)


#: The lifecycle without gates: the key-account manager judges each move.
KAM_FUNNEL: Funnel = kam_funnel()
