"""A key-customer classification shows as a table in a notebook."""

from __future__ import annotations

from decimal import Decimal

from salesfunnel.customers.key_customers import (
    CustomerProfile,
    KeyCustomerType,
    classify_key_customer,
)

#: A profile that matches no type: a mid-sized customer of two years, neither growing nor troubled.
FULL = {
    "profit_share": Decimal("0.01"),
    "brand_importance": 2,
    "problem_level": 1,
    "tenure_years": 2,
    "repeat_purchases": 2,
    "revenue_share": Decimal("0.05"),
    "growth_rate": Decimal("0.05"),
}


class TestKeyCustomerClassification:
    def test_each_type_with_its_verdict(self):
        """One row per type with its verdict and reasons; the advice in the note; text escaped."""
        result = classify_key_customer(
            CustomerProfile("Acme <Ltd>", **{**FULL, "profit_share": Decimal("0.08")})
        )
        table = result.table()
        assert result.primary is KeyCustomerType.PROFIT_CONTRIBUTOR and not result.provisional
        assert table.title == f"Acme <Ltd>: {result.primary.label('en')}"
        assert [row[0] for row in table.rows] == [k.label("en") for k in KeyCustomerType]
        assert table.rows[0][1] == "✓ matches" and table.rows[1][1] == "✗ does not match"
        assert table.rows[0][2] == "✓ Profit share at least 5 %"
        assert table.note == "advice: " + result.primary.advice("en")
        html = result._repr_html_()
        assert "Acme &lt;Ltd&gt;" in html and "<Ltd>" not in html

    def test_undecided_and_chinese(self):
        """A thin profile leaves types undecided and lists what is missing, in Chinese too."""
        result = classify_key_customer(CustomerProfile("c", tenure_years=1))
        table = result.table()
        assert result.primary is None and table.title == "c: no type matched"
        assert any(row[1] == "? undecided" for row in table.rows)
        assert table.note.startswith("missing: ")
        zh = result.table("zh")
        assert zh.headers == ("类型", "结果", "依据") and zh.note.startswith("缺少：")
        assert zh.title == "c: 未匹配任何类型"

    def test_provisional(self):
        """A primary type that knowing more could change is marked provisional."""
        result = classify_key_customer({"customer": "x", "tenure_years": 0})
        assert result.provisional and result.primary is not None
        assert result.table().title.endswith(" (provisional)")
        zh = result.table("zh")
        assert zh.title.endswith("（暂定）") and "；建议：" in zh.note
