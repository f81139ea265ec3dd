from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from salesfunnel import DEFAULT_FUNNEL, reschedule
from salesfunnel.calendar import GREGORIAN
from salesfunnel.errors import InvalidDateError, UnknownLanguageError, UnknownStageError
from salesfunnel.forecasting.quotas import Quota, quota_attainment
from salesfunnel.forecasting.report_form import (
    MARK,
    forecast_sheet,
    quota_sheet,
    report_form,
    slippage_sheet,
    waterfall_sheet,
)
from salesfunnel.forecasting.rollup import ForecastOptionError, forecast
from salesfunnel.forecasting.waterfall import slippage_report, waterfall
from salesfunnel.render import render
from tests import factories

CUTOFF = date(2026, 8, 31)


def _deal(id_="D1", stage="recognition", owner="Ann", **changes):
    fields = {"id": id_, "name": f"Project {id_}", "owner": owner, "stage": stage}
    return factories.deal(**{**fields, **changes})


DEALS = [
    _deal("A", "intent", notes="needs demo", line_items={"ERP": "600", "CRM": "400"}, amount=None),
    _deal("B", "negotiation"),
    _deal("C", "potential", owner="Bo"),
    _deal("T", "target_segment", owner="Bo"),
    DEFAULT_FUNNEL.lose(_deal("L", owner="Bo"), on=date(2026, 8, 1), reason="price"),
]


class TestReportForm:
    def test_one_row_per_project_with_a_mark_under_its_stage(self):
        """Each project is a row with owner, name, notes, ● under its stage, and its products."""
        table = report_form(DEALS)
        assert table.headers[:3] == ("Owner", "Project", "Notes")
        assert table.headers[-1] == "Products"
        stages = list(table.headers[3:-1])
        assert stages == [s.label() for s in DEFAULT_FUNNEL][1:]
        rows = {r[1]: r for r in table.rows}
        assert set(rows) == {"Project A", "Project B", "Project C"}
        a = rows["Project A"]
        assert a[0] == "Ann"
        assert a[2] == "needs demo"
        assert a[3:-1] == ("", MARK, "", "", "", "")
        assert a[-1] == "ERP, CRM"
        assert table.note == "2 project(s) not shown: lost, or in a stage without a column"

    def test_rows_sorted_by_owner_then_stage(self):
        """Rows go by owner, then furthest stage first."""
        assert [r[1] for r in report_form(DEALS).rows] == ["Project B", "Project A", "Project C"]

    def test_chinese_headers(self):
        """In Chinese the headers are the source's column names."""
        table = report_form(DEALS, lang="zh")
        assert table.headers[0] == "项目经理/销售负责人"
        assert table.headers[-1] == "提供的产品"
        assert "发掘客户潜在的商机" in table.headers
        assert table.title == "销售漏斗管理表"
        assert "另有 2 个项目未列出" in table.note

    def test_lost_column_and_custom_stages(self):
        """include_lost adds a lost column; stages= chooses the columns."""
        table = report_form(DEALS, include_lost=True, stages=["target_segment", "intent"])
        assert table.headers[3:-1] == (
            "Define target customer group",
            "Confirm customer intent",
            "Lost order",
        )
        assert [r[1] for r in table.rows] == ["Project A", "Project T", "Project L"]
        assert table.rows[-1][5] == MARK
        assert "2 project(s)" in table.note

    def test_as_of_rebuilds_projects(self):
        """With as_of, each project shows the stage it had then; later ones are left out."""
        moved = DEFAULT_FUNNEL.advance(
            _deal("M", "negotiation"), "recognition", on=date(2026, 8, 1), reason="back"
        )
        late = _deal("N", created=date(2026, 9, 1))
        table = report_form([moved, late], as_of=date(2026, 7, 1))
        assert len(table.rows) == 1
        assert table.rows[0][3 + 4] == MARK  # negotiation column
        assert table.title == "Funnel report form (as of 2026-07-01)"
        assert report_form([moved], as_of=date(2026, 7, 1), lang="zh").title.endswith(
            "2026-07-01）"
        )

    def test_renders_as_text_markdown_and_html(self):
        """The form renders as plain text, Markdown and HTML with the mark in place."""
        table = report_form(DEALS)
        assert MARK in render(table, "text")
        assert "| Ann | Project B |" in render(table, "markdown")
        assert f">{MARK}</td>" in render(table, "html")

    def test_bad_inputs(self):
        """Unknown stages, languages and datetimes are refused."""
        with pytest.raises(UnknownStageError):
            report_form(DEALS, stages=["nowhere"])
        with pytest.raises(UnknownStageError):
            report_form([_deal(stage="nowhere")])
        with pytest.raises(UnknownLanguageError):
            report_form(DEALS, lang="fr")  # type: ignore[arg-type]
        with pytest.raises(InvalidDateError):
            report_form(DEALS, as_of=datetime(2026, 1, 1, tzinfo=timezone.utc))

    def test_one_stage_funnel_keeps_its_column(self):
        """A ladder whose only open stage has probability zero keeps that column."""
        from salesfunnel import Funnel, Stage, StageKind, Text

        funnel = Funnel(
            [
                Stage("lead", Text("Lead"), 0),
                Stage("won", Text("Won"), 1, kind=StageKind.WON),
            ],
            Stage("lost", Text("Lost"), 0, kind=StageKind.LOST),
        )
        table = report_form([_deal(stage="lead")], funnel=funnel)
        assert table.headers[3:-1] == ("Lead", "Won")


class TestForecastSheet:
    def test_time_view_by_owner(self):
        """The time view has a column per bucket, a total column and a total row."""
        result = forecast(DEALS, cutoff=CUTOFF, by="owner")
        table = forecast_sheet(result)
        assert table.headers[0] == "Owner"
        assert table.headers[-1] == "Total (open + closed in 2026 Q3)"
        assert table.rows[-1][0] == "Total"
        assert table.rows[-1][-1] == Decimal("5000.00")
        assert table.title == "Forecast by time (amount, CNY) as of 2026-08-31"
        assert table.note == (
            "This quarter: 2026 Q3. Closed, booked and lost: won or lost in 2026 Q3 up to "
            "the cutoff"
        )

    def test_total_header_names_the_period(self):
        """The total column says it adds open deals and those closed in the forecast's period."""
        result = forecast(DEALS, cutoff=CUTOFF, period="2026")
        assert forecast_sheet(result).headers[-1] == "Total (open + closed in 2026)"
        zh = forecast_sheet(result, lang="zh")
        assert zh.headers[-1] == "合计（进行中 + 2026年内成交或丢单）"
        assert "2026年内截至截止日成交或丢单" in zh.note

    def test_category_view_counts_and_weighted(self):
        """The category view shows counts or weighted amounts as asked."""
        result = forecast(DEALS, cutoff=CUTOFF, by="owner,product")
        counts = forecast_sheet(result, view="category", measure="count", lang="zh")
        assert counts.headers[:2] == ("销售人员", "产品")
        assert counts.rows[-1][:2] == ("合计", "")
        assert counts.rows[-1][-1] == 5
        assert "（按销售预测，数量）" in counts.title
        weighted = forecast_sheet(result, view="category", measure="weighted")
        assert weighted.rows[-1][-1] == Decimal("1100.00")  # 200 + 800 + 100

    def test_total_only(self):
        """Without groups there is one total row."""
        table = forecast_sheet(forecast(DEALS, cutoff=CUTOFF))
        assert len(table.rows) == 1
        assert table.rows[0][0] == "Total"

    def test_bad_view_or_measure(self):
        """Unknown views and measures raise ForecastOptionError."""
        result = forecast(DEALS, cutoff=CUTOFF)
        with pytest.raises(ForecastOptionError):
            forecast_sheet(result, view="region")  # type: ignore[arg-type]
        with pytest.raises(ForecastOptionError):
            forecast_sheet(result, measure="margin")  # type: ignore[arg-type]


class TestQuotaSheet:
    def test_columns_and_empty_ratios(self):
        """Quota results lay out with percentages and blank undefined ratios."""
        results = quota_attainment(
            DEALS,
            [Quota("Ann", GREGORIAN.quarter(2026, 3), "4000"), Quota("Bo", "2026Q3", "0")],
            cutoff=CUTOFF,
        )
        table = quota_sheet(results)
        assert table.rows[0][4] == "0%"
        assert table.rows[0][8] == "0.50x"
        assert table.rows[1][4] is None
        assert table.rows[1][8] is None
        assert quota_sheet(results, lang="zh").headers[2] == "指标"


class TestWaterfallSheet:
    def test_rows_from_start_to_end(self):
        """The sheet starts with the opening value and ends with the closing one."""
        w = waterfall(DEALS, start=date(2026, 7, 1), end=CUTOFF)
        table = waterfall_sheet(w)
        assert table.rows[0] == ("Start", None, w.opening.quantize(Decimal("0.01")))
        assert table.rows[-1] == ("End", None, w.closing.quantize(Decimal("0.01")))
        assert len(table.rows) == 11
        assert table.note == ""


class TestSlippageSheet:
    def test_rows(self):
        """One row per slipped deal, in the report's order."""
        moved = reschedule(_deal(), date(2026, 12, 1), on=date(2026, 8, 1))
        table = slippage_sheet(slippage_report([moved]), lang="zh")
        assert table.rows == (("D1", 1, 0, 77, 1, date(2026, 9, 15), date(2026, 12, 1)),)
        assert table.headers[1] == "推迟次数"


class TestUnrecordedStage:
    def test_snapshot_deal_before_its_close_marks_no_stage(self):
        """A deal read without a history, open at as_of, is shown with no stage marked and noted."""
        won = _deal("S", "closed", closed_on=date(2026, 8, 20))
        table = report_form([won, _deal("B", "negotiation")], as_of=date(2026, 8, 1))
        row = next(r for r in table.rows if r[1] == "Project S")
        assert MARK not in row
        assert table.note == "1 project(s) open in a stage no history recorded: no stage marked"
        zh = report_form([won], as_of=date(2026, 8, 1), lang="zh")
        assert zh.note == "1 个进行中项目没有阶段记录：未标记阶段"
        after = report_form([won], as_of=date(2026, 8, 31))
        assert after.rows[0][-2] == MARK

    def test_both_notes(self):
        """Hidden and unmarked projects are both counted in the note."""
        won = _deal("S", "closed", closed_on=date(2026, 8, 20))
        table = report_form([won, *DEALS], as_of=date(2026, 8, 1))
        assert table.note.count("project(s)") == 2
