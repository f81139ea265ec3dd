"""The source course's entry criteria for each funnel stage, and its "wall".

Each stage from ``potential`` to ``closed`` has a gate built from the criteria
the course lists for it (``domain.md`` §1); :data:`WALL_RULE` is the screening
gate between the market platform and the sales platform (§5). Every criterion
reads one yes/no fact named by its key, except ``sign_probability_3m``, which is
a number.

Where the course lists characteristics without saying how many must hold, we
chose, and say so here:

* **potential**: all five pieces of information must have been obtained, and
  at least three of the four evaluation criteria must hold (an account whose
  current solution works well can still be a good prospect).
* **project**: both conditions for starting the evaluation must hold, and at
  least five of the six qualifying characteristics (the course describes a
  typical established project; one missing characteristic should prompt a
  conversation, not block the project).
* **recognition**: all four, including *more than* 50 % odds of signing within
  three months, as the course requires.
* **negotiation**: recognition, *sole or shortlisted* vendor, and a timetable.
* **closed**: contract signed, paid per contract, ordered and shipped.
* **target_segment** has no gate: the course leaves the target-customer
  characteristics to each seller, so attach your own with
  :meth:`Funnel.with_rule <salesfunnel.Funnel.with_rule>`.

>>> from salesfunnel.qualification import evaluate
>>> facts = {
...     "meets_requirements": True,
...     "choosing_among_candidates": True,
...     "quote_submitted": True,
...     "sign_probability_3m": 0.6,
... }
>>> evaluate(RECOGNITION_RULE, facts).passed
True
>>> print(evaluate(RECOGNITION_RULE, {**facts, "sign_probability_3m": 0.5}).explain("zh"))
未通过: 赢得客户认可的条件
  ✓ 客户认可我们的产品能满足其需求
  ✓ 客户正在候选供应商中进行选择，项目在推进
  ✓ 已提交报价
  ✗ 未来三个月内签约的可能性大于50%
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING

from salesfunnel.i18n import Text
from salesfunnel.qualification import AllOf, AnyOf, AtLeast, Criterion, Rule

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "CLOSED_RULE",
    "DEFAULT_RULES",
    "INTENT_RULE",
    "NEGOTIATION_RULE",
    "POTENTIAL_RULE",
    "PROJECT_RULE",
    "RECOGNITION_RULE",
    "WALL_RULE",
]

_f = Criterion.fact

# Stage 2 — potential opportunity: what the salesperson must find out ...
POTENTIAL_INFORMATION = AllOf(
    (
        _f(
            "basic_data_known",
            "Customer's basic data known (industry, background, size, staff)",
            "已掌握客户基本资料（行业、背景、规模、人员）",
        ),
        _f(
            "credit_checked",
            "Customer's basic credit standing checked",
            "已了解客户基本信用",
        ),
        _f("competitors_known", "Competing vendors identified", "已了解竞争厂商"),
        _f(
            "needs_and_budget_known",
            "Customer's needs and budget known",
            "已了解客户需求与预算",
        ),
        _f(
            "project_team_known",
            "People on the customer's project team known",
            "已了解客户项目小组人员",
        ),
    ),
    Text("Information obtained", "必须获得的信息"),
)
# ... and how the opportunity is evaluated.
POTENTIAL_EVALUATION = AtLeast(
    3,
    (
        _f(
            "fits_target_profile",
            "Fits our target-customer requirements",
            "符合目标客户要求",
        ),
        _f("real_need", "The company has a real degree of need", "公司的需求程度"),
        _f(
            "sound_finances",
            "The company's economic performance is good",
            "公司经济效益好",
        ),
        _f(
            "current_solution_poor",
            "What the customer uses now works poorly",
            "目前使用的产品效果不好",
        ),
    ),
    Text("Evaluation (at least 3 of 4)", "评估标准（至少满足3项）"),
)
#: Gate of ``potential`` (发掘客户潜在的商机).
POTENTIAL_RULE = AllOf(
    (POTENTIAL_INFORMATION, POTENTIAL_EVALUATION),
    Text("Entry criteria for a potential opportunity", "潜在商机的条件"),
)

#: Gate of ``intent`` (确认客户意向).
INTENT_RULE = AllOf(
    (
        _f(
            "interested",
            "The customer is interested in our products and services",
            "客户对我们的产品和服务感兴趣",
        ),
        _f(
            "preliminary_requirements",
            "The customer has preliminary project requirements",
            "客户已有初步的项目需求",
        ),
        _f(
            "talking_to_suppliers",
            "The customer has begun talking to suppliers or third-party consultants",
            "客户已开始与供应商或第三方顾问接触",
        ),
    ),
    Text("Entry criteria for confirmed intent", "意向客户的条件"),
)

#: Gate of ``project`` (引导客户立项).
PROJECT_RULE = AllOf(
    (
        AllOf(
            (
                _f(
                    "materials_ready",
                    "The salesperson has the opportunity and its materials",
                    "销售人员已掌握商机及资料",
                ),
                _f(
                    "project_requested",
                    "Intent confirmed, reported to the company and a project requested",
                    "意向已确认并向公司汇报、申请立项",
                ),
            ),
            Text("Conditions to start the evaluation", "开始评估的条件"),
        ),
        AtLeast(
            5,
            (
                _f(
                    "recognises_products",
                    "The customer has some recognition of our products",
                    "客户对我们的产品有一定认可",
                ),
                _f("project_need", "The customer has a project need", "客户有项目需求"),
                _f(
                    "preliminary_budget",
                    "The customer has a preliminary budget",
                    "客户有初步预算",
                ),
                _f(
                    "leadership_support",
                    "The customer's leadership attaches importance and supports it",
                    "客户领导高度重视和支持",
                ),
                _f("schedule_exists", "The customer has a schedule", "客户有时间表"),
                _f(
                    "third_party_involved",
                    "A third-party consultant or competing vendors are involved",
                    "有第三方顾问或竞争厂商参与",
                ),
            ),
            Text(
                "Qualifying characteristics (at least 5 of 6)",
                "立项特征（至少满足5项）",
            ),
        ),
    ),
    Text("Entry criteria for an established project", "立项的条件"),
)

#: Gate of ``recognition`` (赢得客户认可).
RECOGNITION_RULE = AllOf(
    (
        _f(
            "meets_requirements",
            "The customer recognises that our products meet its requirements",
            "客户认可我们的产品能满足其需求",
        ),
        _f(
            "choosing_among_candidates",
            "The customer is choosing among candidates; the project moves on",
            "客户正在候选供应商中进行选择，项目在推进",
        ),
        _f("quote_submitted", "A price quote has been submitted", "已提交报价"),
        Criterion.above(
            "sign_probability_3m",
            Decimal("0.5"),
            "Probability of signing within three months is above 50 %",
            "未来三个月内签约的可能性大于50%",
        ),
    ),
    Text("Entry criteria for customer recognition", "赢得客户认可的条件"),
)

#: Gate of ``negotiation`` (进行商务谈判).
NEGOTIATION_RULE = AllOf(
    (
        _f("recognises_us", "The customer recognises us", "客户认可我们"),
        AnyOf(
            (
                _f("sole_vendor", "Confirmed as the sole vendor", "确定为唯一供应商"),
                _f(
                    "shortlisted",
                    "Confirmed as a shortlisted vendor",
                    "确定为入围供应商",
                ),
            ),
            Text("Sole or shortlisted vendor", "唯一或入围供应商"),
        ),
        _f(
            "timetable_set",
            "A basic timetable is set (bidding, negotiation, signing dates)",
            "已确定基本时间表（投标、合同谈判、签约日期）",
        ),
    ),
    Text("Entry criteria for commercial negotiation", "商务谈判的条件"),
)

#: Gate of ``closed`` (完成销售成交).
CLOSED_RULE = AllOf(
    (
        _f("contract_signed", "Contract signed", "合同已签订"),
        _f(
            "paid_per_contract",
            "The customer paid as the contract requires",
            "客户已按合同付款",
        ),
        _f(
            "shipped",
            "Ordered from headquarters and shipped",
            "已向总部订货并在当地发货",
        ),
    ),
    Text("Entry criteria for a closed sale", "销售成交的条件"),
)

#: The "wall" (围墙准则) between the market platform (potential customers with a
#: first contact) and the sales platform (customers being actively developed).
#: The course names the gate but not its contents; these four criteria are
#: ours, taken from its stage-2 evaluation: a lead passes the wall when it fits
#: the target profile, has a real need, has been contacted, and can pay.
WALL_RULE = AllOf(
    (
        _f(
            "fits_target_profile",
            "Fits our target-customer requirements",
            "符合目标客户要求",
        ),
        _f("real_need", "The company has a real degree of need", "公司的需求程度"),
        _f("first_contact_made", "First contact has been made", "已进行初步接触"),
        _f(
            "sound_finances",
            "The company's economic performance is good",
            "公司经济效益好",
        ),
    ),
    Text(
        "The wall: from market platform to sales platform",
        "围墙准则：从市场平台进入销售平台",
    ),
)

#: The default gate of each stage of :data:`~salesfunnel.DEFAULT_FUNNEL`.
DEFAULT_RULES: Mapping[str, Rule] = MappingProxyType(
    {
        "potential": POTENTIAL_RULE,
        "intent": INTENT_RULE,
        "project": PROJECT_RULE,
        "recognition": RECOGNITION_RULE,
        "negotiation": NEGOTIATION_RULE,
        "closed": CLOSED_RULE,
    }
)
