"""The source's report forms: the funnel report form (销售漏斗管理表) and forecast sheets.

:func:`report_form` is the course's funnel management sheet: one row per
project with its owner, name, notes, a ● under its current stage and the
products offered. :func:`forecast_sheet`, :func:`quota_sheet`,
:func:`waterfall_sheet` and :func:`slippage_sheet` lay out the results of
:mod:`salesfunnel.forecast`, :mod:`salesfunnel.forecasting.quotas` and
:mod:`salesfunnel.forecasting.waterfall`. Each returns a :class:`~salesfunnel.render.Table`,
which :func:`~salesfunnel.render.render` turns into plain text, Markdown, HTML,
CSV or JSON, in English or Chinese.

>>> from datetime import date
>>> from salesfunnel import Opportunity
>>> from salesfunnel.render import render
>>> deal = Opportunity(
...     id="P1",
...     name="Huaxin ERP",
...     account="Huaxin Group",
...     owner="Li Wei",
...     stage="project",
...     created=date(2026, 3, 1),
...     expected_close=date(2026, 12, 31),
...     line_items={"ERP": "400000", "Support": "40000"},
...     currency="CNY",
...     notes="tender in Q4",
... )
>>> print(render(report_form([deal], lang="zh"), "markdown"))
**销售漏斗管理表**
<BLANKLINE>
| 项目经理/销售负责人 | 项目名称 | 其他 | 发掘客户潜在的商机 | 确认客户意向 | 引导客户立项 | 赢得客户认可 | 进行商务谈判 | 完成销售成交 | 提供的产品 |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| Li Wei | Huaxin ERP | tender in Q4 |  |  | ● |  |  |  | ERP, Support |
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Literal

from salesfunnel.calendar import check_date
from salesfunnel.errors import OptionError
from salesfunnel.forecasting.buckets import TimeBucket
from salesfunnel.forecasting.kinds import ForecastCategory
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.history import at_cutoff
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import UNRECORDED_STAGE, StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.fx import CENTS
from salesfunnel.i18n import Lang, Text, check_lang
from salesfunnel.money import money_context
from salesfunnel.tables import Cell, Table

if TYPE_CHECKING:
    from salesfunnel.forecasting.quotas import QuotaResult
    from salesfunnel.forecasting.rollup import Forecast, ForecastRow
    from salesfunnel.forecasting.waterfall import Slippage, Waterfall

__all__ = [
    "MARK",
    "forecast_sheet",
    "quota_sheet",
    "report_form",
    "slippage_sheet",
    "waterfall_sheet",
]

#: The mark under an opportunity's current stage.
MARK = "●"


def _money(value: Decimal) -> Decimal:
    with money_context():
        return value.quantize(CENTS, rounding=ROUND_HALF_EVEN)


def _as_of(lang: Lang, day: date | None) -> str:
    if day is None:
        return ""
    return Text(f" (as of {day})", f"（截至 {day}）")(lang)


def report_form(
    opportunities: Iterable[Opportunity],
    *,
    funnel: Funnel = DEFAULT_FUNNEL,
    as_of: date | None = None,
    stages: Sequence[str] | None = None,
    include_lost: bool = False,
    lang: Lang = "en",
) -> Table:
    """Lay out the funnel report form: one row per project, ● under its current stage.

    Columns: owner (项目经理/销售负责人), project name (项目名称), notes (其他),
    one column per stage, and the products offered (提供的产品). Rows are
    sorted by owner, then by stage (furthest along first), then by name.

    Args:
        opportunities: The projects.
        funnel: The funnel whose stages make the columns.
        as_of: Show each project as it stood at the end of this day (projects
            created later are left out); default: as they are.
        stages: The stage columns, in order (default: the ladder, without a
            zero-probability entry stage such as the target customer group,
            which is not yet an opportunity).
        include_lost: Add a column for lost projects and show them.
        lang: ``"en"`` or ``"zh"``.

    A project read without a stage history is open in
    :data:`~salesfunnel.funnel.records.UNRECORDED_STAGE` until it closes: its row is
    shown, sorted with the entry stage, with no stage marked, and the note
    counts such rows.

    Returns:
        The form as a table; a note counts the projects in stages without a
        column and those whose stage was not recorded.

    Raises:
        UnknownStageError: For a stage ``funnel`` does not have.
        InvalidDateError: If ``as_of`` is a datetime or not a date.
    """
    lang = check_lang(lang)
    when = None if as_of is None else check_date(as_of, field="as_of")
    if stages is None:
        ladder = list(funnel)
        open_stages = [s for s in ladder if s.kind is StageKind.OPEN]
        if ladder[0].probability == 0 and len(open_stages) > 1:
            ladder = ladder[1:]
        columns = [s.key for s in ladder]
    else:
        columns = [funnel[s].key for s in stages]
    if include_lost:
        columns.append(funnel.lost.key)
    position = {key: i for i, key in enumerate(columns)}
    rows: list[tuple[str, int, str, tuple[Cell, ...]]] = []
    hidden = unmarked = 0
    for opp in opportunities:
        then = opp if when is None else at_cutoff(opp, when, funnel=funnel)
        if then is None:
            continue
        rank = -funnel.index(then.stage)
        if then.stage == UNRECORDED_STAGE:
            unmarked += 1
        elif then.stage not in position:
            hidden += 1
            continue
        marks = tuple(MARK if key == then.stage else "" for key in columns)
        products = ", ".join(dict.fromkeys(p for p in then.products if p))
        cells: tuple[Cell, ...] = (then.owner, then.name, then.notes, *marks, products)
        rows.append((then.owner, rank, then.name, cells))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    headers = (
        Text("Owner", "项目经理/销售负责人")(lang),
        Text("Project", "项目名称")(lang),
        Text("Notes", "其他")(lang),
        *(funnel[key].label(lang) for key in columns),
        Text("Products", "提供的产品")(lang),
    )
    notes = []
    if hidden:
        notes.append(
            Text(
                f"{hidden} project(s) not shown: lost, or in a stage without a column",
                f"另有 {hidden} 个项目未列出（已丢单或所处阶段无对应列）",
            )(lang)
        )
    if unmarked:
        notes.append(
            Text(
                f"{unmarked} project(s) open in a stage no history recorded: no stage marked",
                f"{unmarked} 个进行中项目没有阶段记录：未标记阶段",
            )(lang)
        )
    note = Text("; ", "；")(lang).join(notes)
    title = Text("Funnel report form", "销售漏斗管理表")(lang) + _as_of(lang, when)
    return Table(title, headers, [r[3] for r in rows], note)


_GROUP_HEADER = {"owner": Text("Owner", "销售人员"), "product": Text("Product", "产品")}
_MEASURE_TEXT = {
    "amount": Text("amount", "金额"),
    "weighted": Text("weighted amount", "加权金额"),
    "count": Text("count", "数量"),
}


def forecast_sheet(
    forecast: Forecast,
    *,
    view: Literal["time", "category"] = "time",
    measure: Literal["amount", "weighted", "count"] = "amount",
    lang: Lang = "en",
) -> Table:
    """Lay out a forecast as the source's sheet: by time (按时间) or by category (按销售预测).

    One row per group (owner, product, or both) and a total row; one column
    per time bucket or forecast category and a total column, whose header
    says what it adds: the deals open at the cutoff plus those won and lost
    in the forecast's period (``"Total (open + closed in 2026 Q3)"``). Money
    is shown to the cent.

    Args:
        forecast: The result of :func:`~salesfunnel.forecasting.rollup.forecast`.
        view: ``"time"`` (buckets) or ``"category"`` (categories).
        measure: ``"amount"``, ``"weighted"`` (amount × probability) or ``"count"``.
        lang: ``"en"`` or ``"zh"``.

    Raises:
        OptionError: For an unknown ``view`` or ``measure``.
    """
    lang = check_lang(lang)
    if view not in {"time", "category"}:
        raise OptionError(f"view: {view!r}; use 'time' or 'category'", option="view", value=view)
    if measure not in _MEASURE_TEXT:
        raise OptionError(
            f"measure: {measure!r}; use 'amount', 'weighted' or 'count'",
            option="measure",
            value=measure,
        )
    columns: Sequence[TimeBucket | ForecastCategory] = (
        tuple(TimeBucket) if view == "time" else tuple(ForecastCategory)
    )

    def pick(row: ForecastRow, column: TimeBucket | ForecastCategory | None) -> Cell:
        if column is None:
            figures = row.total
        elif isinstance(column, TimeBucket):
            figures = row.buckets[column]
        else:
            figures = row.categories[column]
        if measure == "count":
            return figures.count
        return _money(figures.amount if measure == "amount" else figures.weighted)

    total_label = Text("Total", "合计")(lang)
    period = forecast.period.label(lang)
    total_header = Text(
        f"Total (open + closed in {period})", f"合计（进行中 + {period}内成交或丢单）"
    )(lang)
    keys = [_GROUP_HEADER[k](lang) for k in forecast.by] or [""]
    rows: list[tuple[Cell, ...]] = [
        (*row.group, *(pick(row, c) for c in columns), pick(row, None)) for row in forecast.rows
    ]
    label = (total_label, *([""] * (len(keys) - 1)))
    rows.append((*label, *(pick(forecast.total, c) for c in columns), pick(forecast.total, None)))
    headers = (*keys, *(c.label(lang) for c in columns), total_header)
    currency = forecast.currency or ""
    what = _MEASURE_TEXT[measure](lang)
    unit = currency if currency and measure != "count" else ""
    title = Text(
        f"Forecast by {view} ({what}{', ' + unit if unit else ''}) as of {forecast.cutoff}",
        f"销售预测（{'按时间' if view == 'time' else '按销售预测'}，{what}"
        f"{'，' + unit if unit else ''}），截至 {forecast.cutoff}",
    )(lang)
    note = Text(
        f"This quarter: {forecast.quarter.label('en')}. Closed, booked and lost: won or "
        f"lost in {forecast.period.label('en')} up to the cutoff",
        f"本季度：{forecast.quarter.label('zh')}。已成交、已落单与丢单："
        f"{forecast.period.label('zh')}内截至截止日成交或丢单的商机",
    )(lang)
    if forecast.not_yet_created:
        note += Text(
            f"; {len(forecast.not_yet_created)} deal(s) created after the cutoff left out",
            f"；截止日后新建的 {len(forecast.not_yet_created)} 个商机未计入",
        )(lang)
    return Table(title, headers, rows, note)


def quota_sheet(results: Iterable[QuotaResult], *, lang: Lang = "en") -> Table:
    """Lay out quota results: quota, booked, attainment, gap, pipeline and coverage.

    Attainment and coverage are shown as percentages and multiples; an empty
    cell means "not defined" (a zero quota, or a quota already met).
    """
    lang = check_lang(lang)
    rows: list[tuple[Cell, ...]] = [
        (
            r.owner,
            r.period.label(lang),
            _money(r.quota),
            _money(r.booked),
            None if r.attainment is None else f"{r.attainment:.0%}",
            _money(r.gap),
            _money(r.pipeline),
            _money(r.weighted_pipeline),
            None if r.coverage is None else f"{r.coverage:.2f}x",
            None if r.weighted_coverage is None else f"{r.weighted_coverage:.2f}x",
        )
        for r in results
    ]
    headers = tuple(
        t(lang)
        for t in (
            Text("Owner", "销售人员"),
            Text("Period", "期间"),
            Text("Quota", "指标"),
            Text("Booked", "已落单"),
            Text("Attainment", "完成率"),
            Text("Gap", "差额"),
            Text("Pipeline", "管道金额"),
            Text("Weighted", "加权管道"),
            Text("Coverage", "覆盖倍数"),
            Text("Weighted coverage", "加权覆盖倍数"),
        )
    )
    return Table(Text("Quota attainment", "指标完成情况")(lang), headers, rows)


def waterfall_sheet(waterfall: Waterfall, *, lang: Lang = "en") -> Table:
    """Lay out a pipeline waterfall: start, each movement, end."""
    lang = check_lang(lang)
    rows: list[tuple[Cell, ...]] = [(Text("Start", "期初")(lang), None, _money(waterfall.opening))]
    rows += [(m.label(lang), count, _money(total)) for m, total, count in waterfall.steps]
    rows.append((Text("End", "期末")(lang), None, _money(waterfall.closing)))
    unit = f" ({waterfall.currency})" if waterfall.currency else ""
    title = Text(
        f"Pipeline changes {waterfall.start} to {waterfall.end}{unit}",
        f"销售管道变化 {waterfall.start} 至 {waterfall.end}{unit}",
    )(lang)
    note = ""
    if waterfall.window is not None:
        first, last = waterfall.window
        note = Text(f"Deals closing {first} to {last}", f"预计成交日 {first} 至 {last}")(lang)
    headers = (
        Text("Change", "变化")(lang),
        Text("Deals", "商机数")(lang),
        Text("Amount", "金额")(lang),
    )
    return Table(title, headers, rows, note)


def slippage_sheet(slips: Iterable[Slippage], *, lang: Lang = "en") -> Table:
    """Lay out slippage per deal: pushes, pulls, days pushed, quarters slipped."""
    lang = check_lang(lang)
    rows: list[tuple[Cell, ...]] = [
        (
            s.opportunity_id,
            s.pushes,
            s.pulls,
            s.days_pushed,
            s.quarters_slipped,
            s.first_expected,
            s.expected,
        )
        for s in slips
    ]
    headers = tuple(
        t(lang)
        for t in (
            Text("Opportunity", "商机"),
            Text("Pushed out", "推迟次数"),
            Text("Pulled in", "提前次数"),
            Text("Days pushed", "推迟天数"),
            Text("Quarters slipped", "跨季度推迟"),
            Text("First expected", "最初预计成交"),
            Text("Expected", "当前预计成交"),
        )
    )
    return Table(Text("Slippage", "成交日推迟")(lang), headers, rows)
