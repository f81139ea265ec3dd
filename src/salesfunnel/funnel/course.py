"""The source course's funnel: its seven stages with owners, probabilities, definitions and gates.

:data:`DEFAULT_FUNNEL` is the funnel of the course (销售漏斗), built from the
generic :class:`~salesfunnel.funnel.stages.Funnel` and
:class:`~salesfunnel.funnel.stages.Stage`, with the entry criteria of
:mod:`salesfunnel.funnel.gates` and the owner roles of :data:`ROLES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from salesfunnel.funnel.gates import DEFAULT_RULES
from salesfunnel.funnel.records import StageKind
from salesfunnel.funnel.stages import Funnel, Role, Stage
from salesfunnel.i18n import Text

__all__ = ["DEFAULT_FUNNEL", "ROLES"]


def _role(key: str, en: str, zh: str) -> Role:
    return Role(key, Text(en, zh))


#: The owner roles the course names, by key.
ROLES: Mapping[str, Role] = MappingProxyType(
    {
        r.key: r
        for r in (
            _role("marketing", "Marketing", "市场部"),
            _role("account_manager", "Account manager", "客户经理"),
            _role("project_team", "Project team", "项目小组"),
            _role("project_manager", "Project manager", "项目经理"),
            _role("sales_supervisor", "Sales supervisor", "销售主管"),
            _role("senior_management", "Senior management", "高层"),
            _role("finance_supervisor", "Finance supervisor", "财务主管"),
        )
    }
)


def _t(en: str, zh: str) -> Text:
    return Text(en, zh)


_R = ROLES


#: The source course's seven-stage B2B sales funnel (销售漏斗), with its entry
#: gates (:mod:`salesfunnel.funnel.gates`), owners, and default probabilities.
DEFAULT_FUNNEL = Funnel(
    stages=(
        Stage(
            "target_segment",
            _t("Define target customer group", "定位目标客户群"),
            "0",
            owners=(_R["marketing"], _R["account_manager"]),
            definition=_t(
                "The group of customers or market our products and services can fit or satisfy.",
                "我们的产品和服务能够适合或满足的特定客户群或市场。",
            ),
        ),
        Stage(
            "potential",
            _t("Discover a potential opportunity", "发掘客户潜在的商机"),
            "0.1",
            owners=(_R["account_manager"],),
            rule=DEFAULT_RULES["potential"],
            definition=_t(
                "A possible opportunity a salesperson found in the target group after a first evaluation.",
                "销售人员在目标客户群中经过初步评估发现的可能的销售机会。",
            ),
        ),
        Stage(
            "intent",
            _t("Confirm customer intent", "确认客户意向"),
            "0.2",
            owners=(_R["account_manager"],),
            rule=DEFAULT_RULES["intent"],
            definition=_t(
                "A customer project that fits our products and has a real need.",
                "经销售人员评估，符合我们的产品并有真实需求的客户项目。",
            ),
        ),
        Stage(
            "project",
            _t("Guide the customer to establish a project", "引导客户立项"),
            "0.4",
            owners=(_R["project_team"],),
            rule=DEFAULT_RULES["project"],
            definition=_t(
                "The opportunity met our project standard and a project team follows it.",
                "商机经评估达到我们的立项标准，并成立项目小组跟进。",
            ),
        ),
        Stage(
            "recognition",
            _t("Win customer recognition", "赢得客户认可"),
            "0.6",
            owners=(_R["project_team"],),
            rule=DEFAULT_RULES["recognition"],
            definition=_t(
                "After the project team's follow-up the customer recognises us.",
                "经过项目小组的全面跟进，客户认可我们。",
            ),
        ),
        Stage(
            "negotiation",
            _t("Commercial negotiation", "进行商务谈判"),
            "0.8",
            owners=(
                _R["project_manager"],
                _R["sales_supervisor"],
                _R["senior_management"],
            ),
            rule=DEFAULT_RULES["negotiation"],
            definition=_t(
                "The customer accepted us and confirmed us as sole or shortlisted vendor.",
                "客户初步接受我们的产品和服务，确定我们为唯一或入围供应商。",
            ),
        ),
        Stage(
            "closed",
            _t("Close the sale", "完成销售成交"),
            "1",
            kind=StageKind.WON,
            owners=(
                _R["project_manager"],
                _R["sales_supervisor"],
                _R["finance_supervisor"],
            ),
            rule=DEFAULT_RULES["closed"],
            definition=_t(
                "Contract signed, paid per contract, ordered and shipped.",
                "客户签订合同并按合同付款，产品已订货并发货。",
            ),
        ),
    ),
    lost=Stage(
        "lost",
        _t("Lost order", "丢单"),
        "0",
        kind=StageKind.LOST,
        definition=_t(
            "The customer chose someone else or dropped the project.",
            "客户选择了其他供应商或放弃了项目。",
        ),
    ),
    name="default",
)
