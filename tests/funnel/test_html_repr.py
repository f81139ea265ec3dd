"""An opportunity shows as tables in a notebook: its fields, lines and facts, then its history."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from salesfunnel import DEFAULT_FUNNEL, LineItem
from salesfunnel.funnel import Override, Reprice, Reschedule
from tests import factories


def cell_texts(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", html)]


class TestOpportunityHtml:
    def test_fields_facts_and_history(self):
        """The account, owner, amount, stage, dates, facts and each stage change show."""
        deal = factories.deal(
            name="CRM <rollout>",
            stage="intent",
            owner="Li Wei",
            amount="1234567.5",
            currency="CNY",
            product="CRM",
            facts={"interested": True, "budget_known": False, "sites": [1, 2], "odds": 0.5},
            notes="call back",
        )
        deal = DEFAULT_FUNNEL.lose(deal, on=date(2026, 3, 1), reason="price")
        html = deal._repr_html_()
        shown = cell_texts(html)
        assert "Opportunity CRM &lt;rollout&gt; (D1)" in html
        assert "Li Wei" in shown and "1,234,567.5 CNY" in shown
        assert "product: CRM" in shown and "fact: interested" in shown
        assert shown[shown.index("fact: interested") + 1] == "yes"
        assert shown[shown.index("fact: budget_known") + 1] == "no"
        assert shown[shown.index("fact: sites") + 1] == "1, 2"
        assert shown[shown.index("fact: odds") + 1] == "0.5"
        assert "closed on" in shown and "lost because" in shown and "call back" in shown
        assert "History" in html and "lose" in shown and "price" in shown
        assert repr(deal).startswith("Opportunity(id='D1'")

    def test_in_chinese_with_overrides_and_revisions(self):
        """Labels follow the language; overrides and every kind of revision are listed by date."""
        lines = (LineItem("ERP", Decimal(100)), LineItem("BI", Decimal(50)))
        deal = factories.deal(
            stage="intent",
            amount=None,
            line_items=lines,
            probability="0.3",
            category_override="commit",
            revisions=(
                Reschedule(date(2026, 2, 1), date(2026, 9, 15), date(2026, 10, 1)),
                Reprice(date(2026, 2, 2), (LineItem("ERP", Decimal(90)),), lines, "scope"),
                Override(date(2026, 2, 3), None, Decimal("0.3"), None, "commit"),
            ),
        )
        table = deal.table("zh")
        assert table.title == "商机 ERP（D1）"
        labels = [row[0] for row in table.rows]
        assert "产品：ERP" in labels and "产品：BI" in labels
        assert "赢单概率（手工）" in labels and "预测类别（手工）" in labels
        history = deal.history_table("zh")
        assert history.headers[0] == "日期"
        assert [row[1] for row in history.rows] == ["create", "改期", "改价", "手工调整"]
        assert history.rows[2][2:4] == (Decimal(90), Decimal(150))
        assert history.rows[3][2:4] == ("", "0.3 / commit")
        assert {"reschedule", "reprice", "override"} <= set(cell_texts(deal._repr_html_()))

    def test_a_one_line_deal_without_a_product_lists_no_line(self):
        """A deal given by amount alone shows its amount, not an empty product line."""
        labels = [row[0] for row in factories.deal().table().rows]
        assert not any(str(label).startswith("product") for label in labels)
        assert "amount" in labels
