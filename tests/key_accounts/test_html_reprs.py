"""Key accounts and the loyalty model show as tables in a notebook."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from salesfunnel.key_accounts.account import ActivityRecord
from salesfunnel.key_accounts.loyalty import LoyaltyModel
from tests import factories


def cell_texts(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", html)]


class TestKeyAccount:
    def test_profile_and_history(self):
        """The stage, dates, manager, signals and every stage change show."""
        acct = factories.account(manager="Li Wei", signals={"coach_found": True, "share": 3})
        acct = acct.advance(on=date(2025, 9, 1), reason="first orders")
        html = acct._repr_html_()
        shown = cell_texts(html)
        assert acct.stage.label("en") in shown and acct.stage.label("en") != "early"
        assert "Li Wei" in shown and "2025-09-01" in shown and "first orders" in shown
        assert "signal: coach_found" in shown and "yes" in shown and "3" in shown
        assert "Key account Acme (KA1)" in html and "Lifecycle history" in html
        assert "created" in shown and "advanced" in shown
        assert "Playbook activities done" not in html

    def test_activities_notes_and_chinese(self):
        """Activities and notes show when there are any; Chinese labels them."""
        acct = factories.account(
            activities=[ActivityRecord("joint_plan", date(2025, 2, 1), "kick-off")],
            notes="watch the renewal",
            signals={"coach_found": False},
        )
        html = acct._repr_html_()
        assert "Playbook activities done" in html and "kick-off" in html
        assert "watch the renewal" in html and ">no<" in html
        zh = acct.table("zh")
        assert zh.title == "大客户 Acme（KA1）" and ("信号：coach_found", "否") in zh.rows
        history = acct.history_table("zh")
        assert history.headers[0] == "日期" and history.rows[0][3] == "建立"
        assert acct.activities_table("zh").title == "已完成的行动手册活动"

    def test_every_move_reads(self):
        """Each kind of move in a history has words in both languages."""
        from salesfunnel.funnel.records import ChangeKind
        from salesfunnel.key_accounts.account import _MOVES

        assert set(_MOVES) == set(ChangeKind)
        gone = factories.account("mid").uncouple(on=date(2025, 3, 1), reason="merger")
        back = gone.resume(on=date(2025, 4, 1), reason="new owner", to="early")
        moves = [row[3] for row in back.history_table().rows]
        assert moves == ["created", "uncoupled", "resumed"]

    def test_escaped(self):
        """Names and reasons are escaped."""
        acct = factories.account(name="<script>alert(1)</script>", manager="A & B")
        html = acct._repr_html_()
        assert "<script>" not in html and "&lt;script&gt;" in html and "A &amp; B" in html


class TestLoyaltyModel:
    def test_html_has_every_year(self):
        """Year 0 is the acquisition cost; every year's profit and the running total show."""
        model = LoyaltyModel.from_totals(60, [30, 42, 44], currency="USD")
        html = model._repr_html_()
        shown = cell_texts(html)
        assert "-60" in shown and "42" in shown and "56" in shown  # cumulative after year 3
        assert "(USD)" in html and "year 0: acquisition cost" in html


class TestRetentionEffect:
    def test_html_has_both_profits_and_the_change(self):
        """The lifetime profit at both rates, the change and its share show; Chinese too."""
        from salesfunnel.key_accounts.loyalty import retention_effect

        model = LoyaltyModel.from_totals(60, [30, 42, 44, 50, 56], currency="USD")
        effect = retention_effect(model, retention="0.8", to="0.85", discount="0.1")
        shown = cell_texts(effect._repr_html_())
        assert f"{effect.before:,}" in shown and f"{effect.after:,}" in shown
        assert f"{effect.change:,}" in shown and "+25%" in shown and "80%" in shown
        zh = effect.table("zh")
        assert zh.title == "提高客户保持率的价值" and zh.note == "贴现率 10%"

    def test_no_ratio_from_zero(self):
        """From a lifetime profit of zero the change has no share."""
        from salesfunnel.key_accounts.loyalty import RetentionEffect

        zero = RetentionEffect(
            Decimal("0.5"), Decimal("0.6"), Decimal("0.1"), Decimal(0), Decimal(5)
        )
        assert zero.table().rows[-1][-1] == ""
