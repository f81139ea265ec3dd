from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesfunnel.analytics.conversion import conversion
from salesfunnel.customers.abc_classes import (
    REVENUE,
    VOLUME,
    abc_classify,
    abc_combined,
    computed_abc,
)
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.errors import UnknownLanguageError
from salesfunnel.forecasting.rollup import ForecastOptionError, forecast
from salesfunnel.forecasting.waterfall import Movement, waterfall
from salesfunnel.fx import ExchangeRates
from salesfunnel.key_accounts.account import KeyAccount
from salesfunnel.key_accounts.assessment import assess, next_step
from salesfunnel.key_accounts.playbooks import playbook
from salesfunnel.pipeline.distribution import distribution_of
from salesfunnel.pipeline.weighted import outcome_distribution, simulate
from salesfunnel.render import Table, html

RATES = ExchangeRates.to("CNY", {date(2020, 1, 1): {"USD": "7.10", "EUR": "7.80"}})
DEALS = sample_pipeline()
USD = [o for o in DEALS if o.currency == "USD"]


class _Cells(HTMLParser):
    """Collects the text of every table cell, row by row, and checks tags balance."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.stack: list[str] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, _attrs):
        if tag not in {"br", "rect", "line"}:
            self.stack.append(tag)
        if tag == "tr":
            self.rows.append([])
        if tag in {"td", "th"}:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in {"rect", "line"}:
            return
        assert self.stack.pop() == tag
        if tag in {"td", "th"} and self.cell is not None:
            self.rows[-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def cells(fragment: str) -> list[list[str]]:
    parser = _Cells()
    parser.feed(fragment)
    parser.close()
    assert parser.stack == []
    return parser.rows


def plain(fragment: str) -> str:
    return re.sub(r"<[^>]+>", " ", fragment)


class TestTable:
    def test_numbers_are_formatted_and_right_aligned(self):
        """Numbers get thousands separators and sit on the right; text on the left."""
        t = Table("Deals", ("owner", "amount", "count"), [("Li Wei", Decimal("1234567.50"), 1200)])
        out = html.table(t)
        assert out.startswith('<div class="salesfunnel"')
        assert cells(out) == [["owner", "amount", "count"], ["Li Wei", "1,234,567.50", "1,200"]]
        assert re.search(r'text-align:right[^"]*">1,234,567.50<', out)
        assert re.search(r'text-align:left[^"]*">Li Wei<', out)
        assert "<caption" in out and ">Deals</caption>" in out

    def test_whole_decimals_drop_their_cents(self):
        """A column of whole amounts shows no decimals; places follow the values, up to four."""
        t = Table("", ("a", "b"), [(Decimal("100.00"), Decimal("0.123456")), (Decimal(5), None)])
        assert cells(html.table(t))[1:] == [["100", "0.1235"], ["5", ""]]

    def test_other_cells(self):
        """Dates, floats, booleans, NaN and empty cells are shown plainly; no caption without title."""
        t = Table("", ("d", "f", "b", "n"), [(date(2026, 1, 2), 0.5, "yes", Decimal("NaN"))])
        out = html.table(t)
        assert cells(out)[1] == ["2026-01-02", "0.5", "yes", "NaN"]
        assert "<caption" not in out

    def test_total_row_note_and_alignment(self):
        """The last row can be a total; a note follows the table; alignment can be forced."""
        t = Table("T", ("k", "v"), [("a", 1), ("b", 2), ("Total", 3)], note="a note")
        out = html.table(t, total=True, align=("right", "left"))
        assert out.count("font-weight:bold;border-top") == 2
        assert "a note</p>" in out
        assert re.search(r'text-align:right[^"]*">Total<', out)

    def test_badges(self):
        """A class column shows coloured badges; an unknown class is grey."""
        t = Table("", ("class",), [("A",), ("D",), ("",)])
        out = html.table(t, badges=0)
        assert out.count("border-radius") == 2 and "#9e9e9e" in out

    def test_empty_table(self):
        """A table without rows has its headers only."""
        assert cells(html.table(Table("", ("x", "y"), []))) == [["x", "y"]]

    @settings(max_examples=settings.default.max_examples * 8 // 5)
    @given(st.lists(st.tuples(st.text(), st.integers() | st.none()), max_size=5), st.text())
    def test_property_escapes_every_text(self, rows, title):
        """Any text round-trips through the HTML: nothing it holds becomes markup."""
        out = html.table(Table(title, ("<h>", "n"), rows, note="<b>&"))
        parsed = cells(out)
        assert parsed[0] == ["<h>", "n"]
        assert [r[0] for r in parsed[1:]] == [text for text, _ in rows]
        assert "<b>&amp;" not in out and "&lt;b&gt;&amp;" in out


@pytest.fixture(scope="module")
def result():
    return forecast(DEALS, cutoff=SAMPLE_AS_OF, by="owner", currency="CNY", rates=RATES)


class TestForecast:
    def test_both_sheets_with_totals(self, result):
        """A summary line, then the sheet by time and by category, each with a bold total row."""
        out = html.forecast(result)
        total = result.total.total
        assert f"{total.count} deals · amount {total.amount:,.0f}" in plain(out)
        assert out.count("<table") == 2
        assert ">Forecast by time (amount, CNY) as of 2026-09-30</caption>" in out
        assert ">Forecast by category (amount, CNY) as of 2026-09-30</caption>" in out
        rows = cells(out)
        totals = [r for r in rows if r and r[0] == "Total"]
        assert totals[0][-1] == f"{total.amount:,.0f}" == totals[1][-1]

    def test_measure_and_language(self, result):
        """Weighted and count sheets, and Chinese labels."""
        assert "(weighted amount, CNY)" in html.forecast(result, measure="weighted")
        assert "按时间" in html.forecast(result, measure="count", lang="zh")
        with pytest.raises(ForecastOptionError):
            html.forecast(result, measure="profit")  # type: ignore[arg-type]
        with pytest.raises(UnknownLanguageError):
            html.forecast(result, lang="de")  # type: ignore[arg-type]

    def test_no_deals(self):
        """An empty forecast shows zeros and no currency."""
        out = html.forecast(forecast([], cutoff=SAMPLE_AS_OF))
        assert "0 deals · amount 0 · weighted 0" in plain(out)


class TestWaterfall:
    def test_signed_steps_with_bars(self):
        """Start, signed movements with green or red bars, end."""
        w = waterfall(
            DEALS,
            start=SAMPLE_AS_OF - timedelta(days=91),
            end=SAMPLE_AS_OF,
            currency="CNY",
            rates=RATES,
        )
        out = html.waterfall(w)
        rows = cells(out)
        assert rows[1][0] == "Start" and rows[-1][0] == "End"
        assert rows[1][2] == f"{w.opening:,.0f}" and rows[-1][2] == f"{w.closing:,.0f}"
        won = next(r for r in rows if r[0] == "Won")
        assert won[2].startswith("-") and won[1] == str(w.count(Movement.WON))
        new = next(r for r in rows if r[0] == "New")
        assert new[2].startswith("+")
        assert "#c62828" in out and "#2e7d32" in out

    def test_empty(self):
        """A waterfall of no deals has no bars."""
        w = waterfall([], start=date(2026, 1, 1), end=date(2026, 3, 31))
        out = html.waterfall(w, lang="zh")
        assert "em;background" not in out
        assert cells(out)[1][0] == "期初"


class TestDistribution:
    def test_figures_and_sparkline(self):
        """The expected total, spread, percentiles and the cautious figure, with a small chart."""
        dist = outcome_distribution(USD, as_of=SAMPLE_AS_OF)
        out = html.distribution(dist)
        rows = dict(r for r in cells(out) if len(r) == 2)
        assert rows["Open deals (uncertain)"] == "64"
        assert rows["Expected total (weighted pipeline)"] == f"{dist.mean:,.0f}"
        assert rows["P10 (10th percentile)"] == f"{dist.percentile(10):,.0f}"
        assert rows["P90 (90th percentile)"] == f"{dist.percentile(90):,.0f}"
        assert rows["90 % sure of at least"] == f"{dist.at_least_with('0.9'):,.0f}"
        assert ">Outcome distribution (USD)</caption>" in out
        assert out.count("<line ") == 4 and out.count("<rect ") > 20
        assert "Method: lattice" in out

    def test_fractional_amounts_and_chinese(self):
        """Amounts with cents keep them; labels can be Chinese; no currency, no unit."""
        dist = distribution_of([(Decimal("100.50"), Decimal("0.5"))])
        out = html.distribution(dist, lang="zh")
        rows = dict(r for r in cells(out) if len(r) == 2)
        assert rows["期望值（加权管道）"] == "50.25"
        assert ">成交结果分布</caption>" in out
        eur = html.distribution(distribution_of([], currency="EUR"), lang="zh")
        assert ">成交结果分布（EUR）</caption>" in eur

    def test_simulation(self):
        """A simulation shows trials, the mean with its interval, and percentiles."""
        sim = simulate(USD, 1000, seed=5)
        out = html.simulation(sim)
        rows = dict(r for r in cells(out) if len(r) == 2)
        assert rows["Trials (seed)"] == "1,000 (5)"
        low, high = sim.mean_interval()
        assert rows["Mean, 95 % interval"] == f"{low:,.0f} – {high:,.0f}"
        assert ">Simulated outcome (USD)</caption>" in out and "<svg" in out
        assert "模拟次数（种子）" in html.simulation(sim, lang="zh")


def revenue() -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for o in DEALS:
        if o.stage == "closed" and o.closed_on is not None:
            out[o.account] = out.get(o.account, Decimal(0)) + RATES.convert(
                o.amount, o.currency, "CNY", on=o.closed_on
            )
    return out


class TestAbc:
    def test_summary_classes_and_top_customers(self):
        """The one-line summary, the classes with badges, the top ten customers."""
        result = abc_classify(revenue(), measure=REVENUE)
        out = html.abc(result)
        assert result.summary() in out
        rows = cells(out)
        assert rows[0] == ["class", "customers", "customers %", "revenue", "share %"]
        assert [r[0] for r in rows[1:4]] == ["A", "B", "C"]
        top = rows[5:]
        assert len(top) == 10 and top[0][1] == result.ranking[0]
        assert "Top 10 of 53 customers" in out
        assert out.count("border-radius") == 3 + 10

    def test_computed_chinese_and_small(self):
        """A computed analysis notes its limit points; fewer customers than the limit are all listed."""
        out = html.abc(computed_abc(revenue(), measure=REVENUE), lang="zh")
        assert "帕累托点" in out and "前 10 名（共 53 个客户）" in out
        small = html.abc(abc_classify({"x": 3, "y": 1}), limit=5)
        assert "Top 2 of 2 customers" in small

    def test_empty(self):
        """No customers, no rows, and the summary says so."""
        assert "no customers to analyse" in html.abc(abc_classify({}))

    def test_combined(self):
        """Combined codes per customer."""
        combined = abc_combined(
            {"revenue": {"x": 900, "y": 80, "z": 20}, "volume": {"x": 2, "y": 30, "z": 1}}
        )
        rows = cells(html.combined_abc(combined))
        assert rows[0] == ["customer", "revenue", "volume", "code"]
        assert ["x", "A", "B", "AB"] in rows
        assert VOLUME("zh") == "销售量"


class TestConversion:
    def test_conversion_table(self):
        """Stage conversion as a table."""
        out = html.conversion(conversion(DEALS, as_of=SAMPLE_AS_OF))
        assert ["Discover a potential opportunity", "572", "436", "54", "82", "88", "76%"] in cells(
            out
        )
        assert "阶段转化率" in html.conversion(conversion(DEALS, as_of=SAMPLE_AS_OF), lang="zh")


class TestKeyAccounts:
    def test_assessment(self):
        """The stage, the ceiling, each stage's mark, and the signals for and missing."""
        a = assess({"trial_order": True, "coach_found": True, "visits_per_month": 2})
        out = html.assessment(a)
        assert "Evidence supports: Early KAM (up to Synergistic KAM" in out
        rows = cells(out)
        assert ["Early KAM", "✓"] in rows and ["Mid KAM", "?"] in rows
        assert "Signals for" in out and "Missing signals" in out and "Signals against" not in out

    def test_assessment_against_beyond_and_chinese(self):
        """Failed signals are listed; evidence above an unproven stage is flagged."""
        a = assess(
            {
                "trial_order": False,
                "proposal_given": True,
                "contract_signed": True,
                "buying_roles_covered": 3,
                "contacts": 3,
            }
        )
        out = html.assessment(a)
        assert ["Early KAM", "✗"] in cells(out) and "Signals against" in out
        assert "Check: evidence of Mid KAM" in out
        assert "证据支持" in html.assessment(a, lang="zh")
        gone = html.assessment(assess({"exit_notice": True}))
        assert ["Uncoupling KAM", "✓"] in cells(gone)

    def test_next_step(self):
        """What to show for the next stage and the playbook work with no record."""
        acct = KeyAccount(
            "A1", "Acme", "early", since=date(2026, 1, 5), signals={"trial_order": True}
        )
        out = html.next_step(next_step(acct))
        assert "A1: recorded Early KAM, evidence supports Pre-KAM" in plain(out)
        assert "To reach Mid KAM, show" in out
        assert "Playbook work with no record" in out and "Visit frequently" in out

    def test_next_step_ready_and_top(self):
        """An account whose evidence supports the next stage is ready; at the top there is no next."""
        signals = {"trial_order": True, "coach_found": True, "visits_per_month": 2}
        ready = KeyAccount("A2", "Beta", "pre_kam", since=date(2026, 1, 5), signals=signals)
        out = html.next_step(next_step(ready), lang="zh")
        assert "证据已支持进入初期阶段" in out
        top = KeyAccount("A3", "Gamma", "synergistic", since=date(2026, 1, 5))
        for activity in playbook("synergistic"):
            top = top.record(activity.key, on=date(2026, 2, 1))
        out_top = html.next_step(next_step(top))
        assert "To reach" not in out_top and "Ready" not in out_top
        assert "Playbook work" not in out_top

    def test_playbook(self):
        """Activities in both languages, our additions marked."""
        rows = cells(html.playbook(playbook("early")))
        assert rows[0] == ["#", "activity", "中文", "key"]
        assert rows[1] == ["1", "Visit frequently", "高频率的拜访", "frequent_visits"]
        ours = html.playbook(playbook("synergistic"), lang="zh")
        assert "* 为本库补充" in ours and cells(ours)[1][1].endswith(" *")
