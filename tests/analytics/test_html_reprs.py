"""Every analytics result shows as a table in a notebook: its numbers, escaped, in both languages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from salesfunnel.analytics.backtest import backtest
from salesfunnel.analytics.calibration import calibration, learn_probabilities
from salesfunnel.analytics.conversion import funnel_summary
from salesfunnel.analytics.velocity import additional_business, sales_velocity
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from tests import factories

USD = [o for o in sample_pipeline() if o.currency == "USD"]


class _Cells(HTMLParser):
    """The text of each table cell, and the alignment of each."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str]] = []
        self._style: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in {"td", "th"}:
            self._style = dict(attrs).get("style") or ""
            self.cells.append(("", self._style))

    def handle_endtag(self, tag):
        if tag in {"td", "th"}:
            self._style = None

    def handle_data(self, data):
        if self._style is not None:
            text, style = self.cells[-1]
            self.cells[-1] = (text + data, style)


def _parsed(html: str) -> list[tuple[str, str]]:
    parser = _Cells()
    parser.feed(html)
    return [
        (text, "right" if "text-align:right" in style else "left") for text, style in parser.cells
    ]


def cells(html: str) -> dict[str, str]:
    """Cell text → its alignment, from a result's HTML."""
    return dict(_parsed(html))


class TestFunnelSummary:
    def test_html_has_the_figures(self):
        """The counts, win rate, lost share and cycle show, numbers on the right."""
        s = funnel_summary(USD, as_of=SAMPLE_AS_OF)
        shown = cells(s._repr_html_())
        assert shown[str(s.deals)] == "right" and shown["deals"] == "left"
        assert f"{s.win_rate:.1%}" in shown and f"{s.cycle.mean:.0f}" in shown
        assert f"as of {SAMPLE_AS_OF}" in s._repr_html_()

    def test_period_and_chinese(self):
        """A period shows in the title; Chinese labels the figures."""
        since = date(2026, 1, 1)
        s = funnel_summary(USD, as_of=SAMPLE_AS_OF, since=since)
        assert f"closed since {since}" in s.table().title
        zh = s.table("zh")
        assert zh.title.startswith(f"截至 {SAMPLE_AS_OF}") and f"{since} 以来" in zh.title
        assert zh.rows[0] == ("商机数", s.deals)

    def test_nothing_closed(self):
        """Without closed deals the rates and cycle are blank, not zero."""
        s = funnel_summary([factories.deal()], as_of=date(2026, 2, 1))
        rows = dict(s.table().rows)
        assert rows["win rate (won ÷ closed)"] == "" and rows["average sales cycle, days"] == ""


class TestLearnedAndCalibration:
    def test_learned_probabilities(self):
        """Each stage's sample and estimates show; the percentages are right-aligned."""
        learned = learn_probabilities(USD, as_of=SAMPLE_AS_OF)
        shown = cells(learned._repr_html_())
        row = learned["negotiation"]
        assert f"{row.learned:.0%}" in shown and str(row.reached) in shown
        assert shown[f"{row.prior:.0%}"] == "right"

    def test_calibration(self):
        """The reliability bins and the Brier score show."""
        result = calibration(USD, as_of=date(2026, 3, 31), outcome_as_of=SAMPLE_AS_OF)
        html = result._repr_html_()
        assert result.brier is not None and f"{result.brier:.4f}" in html
        assert "0%–10%" in html and cells(html)["0%–10%"] == "left"

    def test_backtest(self):
        """Each forecast date's weighted value and percentiles show with separators."""
        result = backtest(USD, [date(2026, 3, 31)], until=SAMPLE_AS_OF)
        html = result._repr_html_()
        (row,) = result.rows
        shown = [text for text, _side in _parsed(html)]
        for amount in (row.forecast, row.p10, row.p50, row.p90, row.won):
            assert any(t.replace(",", "").startswith(f"{int(amount)}") for t in shown), amount
        assert "2026-03-31" in shown and str(row.deals) in shown


class TestVelocity:
    def test_velocity(self):
        """The parts of the velocity and its value per day show, in the deals' currency."""
        v = sales_velocity(USD, as_of=SAMPLE_AS_OF)
        html = v._repr_html_()
        assert v.per_day is not None and v.average_won is not None
        assert f"{v.per_day:,}" in html and f"{v.average_won:,}" in html
        assert "Sales velocity (USD)" in html and str(v.open_deals) in html
        assert v.table("zh").title == "销售速度（USD）"

    def test_velocity_without_wins(self):
        """Nothing won leaves the parts blank."""
        v = sales_velocity([factories.deal()], as_of=date(2026, 2, 1))
        rows = dict(v.table().rows)
        assert rows["average won amount"] is None and rows["average sales cycle, days"] == ""
        assert v.currency is None and v.table().title == "Sales velocity"

    def test_additional_business(self):
        """Returning and new accounts with their total, the total row in bold."""
        extra = additional_business(USD, as_of=SAMPLE_AS_OF)
        html = extra._repr_html_()
        whole = extra.returning + extra.new
        assert f"{whole:,.0f}" in html.replace(".00", "")
        assert "font-weight:bold;border-top" in html
        assert extra.table("zh").rows[-1][0] == "合计"

    def test_additional_business_nothing_won(self):
        """With nothing won the shares are blank."""
        extra = additional_business([factories.deal()], as_of=date(2026, 2, 1))
        assert [row[-1] for row in extra.table().rows] == ["", "", ""]


@pytest.mark.parametrize(
    "make",
    [
        lambda deals: funnel_summary(deals, as_of=SAMPLE_AS_OF),
        lambda deals: learn_probabilities(deals, as_of=SAMPLE_AS_OF),
        lambda deals: sales_velocity(deals, as_of=SAMPLE_AS_OF),
    ],
)
def test_labels_are_escaped(make):
    """Stage labels and other text are escaped in the HTML."""
    html = make([factories.deal(owner="<script>", account="<b>")])._repr_html_()
    assert "<script>" not in html and "<b>" not in html


def test_amounts_are_exact():
    """Money in the tables is the exact Decimal, not a float."""
    v = sales_velocity(USD, as_of=SAMPLE_AS_OF)
    assert isinstance(dict(v.table().rows)["velocity per day"], Decimal)
