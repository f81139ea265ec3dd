"""HTML for notebooks: results shown as tables in Jupyter (their ``_repr_html_``).

Each function takes one of the library's results and returns a
self-contained HTML fragment: tables with the numbers right-aligned and with
thousands separators, totals in bold, a heading or a note where it helps.
Styles are inline and colours translucent, so a fragment reads the same in
JupyterLab, VS Code and classic Jupyter, in light and dark themes, with no
stylesheet. Every text from the data is escaped.

The result classes show themselves with these functions, in English; call
one with ``lang="zh"`` for Chinese. :func:`table` renders any
:class:`~salesfunnel.render.Table`.

>>> from salesfunnel.render import Table
>>> print(table(Table("Deals", ("owner", "amount"), [("Li Wei", 1234567)])))
<div class="salesfunnel" ...><table><caption ...>Deals</caption>...<td style="...text-align:right...">1,234,567</td></tr></tbody></table></div></div>
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any, Literal

import attrs

from salesfunnel.i18n import Lang, Text, check_lang
from salesfunnel.pipeline.histogram import histogram
from salesfunnel.pipeline.labels import LABELS, titled
from salesfunnel.tables import GREY, Align, Table, table_html, to_html, wrap

if TYPE_CHECKING:
    from salesfunnel.analytics.conversion import ConversionTable
    from salesfunnel.customers.abc_classes import AbcResult, CombinedAbc
    from salesfunnel.forecasting.rollup import Forecast
    from salesfunnel.forecasting.waterfall import Waterfall
    from salesfunnel.key_accounts.assessment import Assessment, NextStep
    from salesfunnel.key_accounts.playbooks import Playbook
    from salesfunnel.pipeline.distribution import OutcomeDistribution
    from salesfunnel.pipeline.weighted import Simulation
    from salesfunnel.qualification import Criterion

__all__ = [
    "abc",
    "assessment",
    "combined_abc",
    "conversion",
    "distribution",
    "forecast",
    "next_step",
    "playbook",
    "simulation",
    "table",
    "waterfall",
]

_NOTE = '<p style="margin:0.3em 0 0.6em 0;font-size:0.85em;opacity:0.75">{}</p>'
_HEADING = '<p style="margin:0.3em 0 0.5em 0;font-weight:bold">{}</p>'
_LIST = '<ul style="margin:0.2em 0 0.8em 0;padding-left:1.4em">{}</ul>'
_BAR = (
    '<span style="display:inline-block;height:0.8em;width:{:.1f}em;background:{};'
    'opacity:0.75;vertical-align:middle"></span>'
)
_GREEN, _RED, _BLUE, _ORANGE = "#2e7d32", "#c62828", "#08519c", "#d95f02"


def table(
    t: Table,
    *,
    total: bool = False,
    align: Sequence[Align] | None = None,
    badges: int | None = None,
) -> str:
    """Render a :class:`~salesfunnel.tables.Table` as styled HTML (see :func:`~salesfunnel.tables.to_html`)."""
    return to_html(t, total=total, align=align, badges=badges)


def _amount(value: Decimal | float) -> str:
    """Money with thousands separators: whole amounts without decimals, others to the cent."""
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def _pairs(title: str, rows: Sequence[tuple[str, str]], note: str = "") -> str:
    """A two-column table of labels and values formatted already."""
    return table_html(Table(title, ("", ""), rows, note), align=("left", "right"))


def _items(texts: Iterable[str]) -> str:
    return _LIST.format("".join(f"<li>{escape(t)}</li>" for t in texts))


# -- forecasts and changes -----------------------------------------------------

_FORECAST_SUMMARY = Text(
    "{count} deals · amount {amount} · weighted {weighted}{unit}",
    "{count} 个商机 · 金额 {amount} · 加权金额 {weighted}{unit}",
)


def forecast(
    result: Forecast,
    *,
    measure: Literal["amount", "weighted", "count"] = "amount",
    lang: Lang = "en",
) -> str:
    """Show a forecast: its totals, then the sheet by time and the sheet by category.

    The sheets are those of :func:`salesfunnel.forecasting.report_form.forecast_sheet`.

    Args:
        result: The result of :func:`salesfunnel.forecasting.rollup.forecast`.
        measure: ``"amount"``, ``"weighted"`` or ``"count"``.
        lang: ``"en"`` or ``"zh"``.

    Raises:
        ForecastOptionError: For an unknown ``measure``.
    """
    from salesfunnel.forecasting.report_form import forecast_sheet  # noqa: PLC0415

    lang = check_lang(lang)
    figures = result.total.total
    summary = _FORECAST_SUMMARY(lang).format(
        count=f"{figures.count:,}",
        amount=_amount(figures.amount),
        weighted=_amount(figures.weighted),
        unit=f" {result.currency}" if result.currency else "",
    )
    sheets = (
        table_html(forecast_sheet(result, view=view, measure=measure, lang=lang), total=True)
        for view in ("time", "category")
    )
    return wrap(_HEADING.format(escape(summary)) + "".join(sheets))


def waterfall(result: Waterfall, *, lang: Lang = "en") -> str:
    """Show a pipeline waterfall: start, each movement with a bar, end.

    Rises are green, falls red; the rows are those of
    :func:`salesfunnel.forecasting.report_form.waterfall_sheet`.

    Args:
        result: The result of :func:`salesfunnel.forecasting.waterfall.waterfall`.
        lang: ``"en"`` or ``"zh"``.
    """
    from salesfunnel.forecasting.report_form import waterfall_sheet  # noqa: PLC0415

    sheet = waterfall_sheet(result, lang=check_lang(lang))
    amounts = [abs(Decimal(str(row[2]))) for row in sheet.rows]
    largest = max(amounts) or Decimal(1)
    rows = []
    for i, (label, count, amount) in enumerate(sheet.rows):
        value = Decimal(str(amount))
        color = _BLUE if i in {0, len(sheet.rows) - 1} else (_GREEN if value >= 0 else _RED)
        bar = _BAR.format(float(abs(value) / largest) * 10, color) if value else ""
        sign = "+" if value > 0 and 0 < i < len(sheet.rows) - 1 else ""
        rows.append((label, count, sign + _amount(value), bar))
    headers = (*sheet.headers, "")
    shown = attrs.evolve(sheet, headers=headers, rows=rows)
    return wrap(table_html(shown, align=("left", "right", "right", "left"), raw=3))


# -- outcome distributions -----------------------------------------------------

_SPARK_W, _SPARK_H = 360, 64
#: Percentile, colour and SVG dash pattern of the sparkline's marks (the median solid).
_SPARK_MARKS = ((10, _ORANGE, "4 2"), (50, _BLUE, ""), (90, _ORANGE, "4 2"))


def _sparkline(dist: OutcomeDistribution | Simulation) -> str:
    """A small inline SVG of the distribution with P10, P50, P90 and the mean."""
    bars = histogram(dist, bins=48)
    low, high = bars[0].start, bars[-1].start + bars[-1].width
    top = max(b.mass for b in bars) or 1.0

    def x(value: float) -> float:
        return (value - low) / (high - low) * _SPARK_W

    rects = "".join(
        f'<rect x="{x(b.start):.1f}" y="{_SPARK_H * (1 - b.mass / top):.1f}" '
        f'width="{max(x(b.start + b.width) - x(b.start) - 0.6, 0.6):.1f}" '
        f'height="{_SPARK_H * b.mass / top:.1f}" fill="#9ecae1"/>'
        for b in bars
    )
    marks = [(float(dist.percentile(k)), c, dash) for k, c, dash in _SPARK_MARKS]
    marks.append((float(dist.mean), _GREEN, "1 2"))
    lines = "".join(
        f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="0" y2="{_SPARK_H}" stroke="{c}" '
        f'stroke-width="1.5" stroke-dasharray="{dash}"/>'
        for v, c, dash in marks
    )
    return (
        f'<svg width="{_SPARK_W}" height="{_SPARK_H}" viewBox="0 0 {_SPARK_W} {_SPARK_H}" '
        f'role="img" style="display:block;margin:0 0 0.9em 0">{rects}{lines}</svg>'
    )


_DIST_NOTE = Text(
    "Method: {method}; guaranteed error within {amount} in amount and {p:.1e} in probability. "
    "The chart marks P10, P50 (solid), P90 and the expected total (dotted).",
    "计算方法：{method}；保证误差：金额不超过 {amount}，概率不超过 {p:.1e}。"
    "图中标出 P10、P50（实线）、P90 及期望值（点线）。",
)


def _quantile_rows(dist: OutcomeDistribution | Simulation, lang: Lang) -> list[tuple[str, str]]:
    return [
        (LABELS["p10"](lang), _amount(dist.percentile(10))),
        (LABELS["p50"](lang), _amount(dist.percentile(50))),
        (LABELS["p90"](lang), _amount(dist.percentile(90))),
        (LABELS["sure"](lang), _amount(dist.at_least_with("0.9"))),
    ]


def distribution(result: OutcomeDistribution, *, lang: Lang = "en") -> str:
    """Show an outcome distribution: a small chart, then the expected total and the percentiles.

    "P90" is the 90th percentile (90 % of outcomes are at or below it); the
    cautious figure "90 % sure of at least" is the 10th percentile, up to ties.

    Args:
        result: The result of :func:`salesfunnel.pipeline.weighted.outcome_distribution`
            or :func:`~salesfunnel.pipeline.distribution.distribution_of`.
        lang: ``"en"`` or ``"zh"``.
    """
    lang = check_lang(lang)
    rows = [
        (LABELS["count"](lang), f"{result.count:,}"),
        (LABELS["certain"](lang), _amount(result.certain)),
        (LABELS["mean"](lang), _amount(result.mean)),
        (LABELS["stdev"](lang), _amount(result.stdev)),
        *_quantile_rows(result, lang),
        (LABELS["maximum"](lang), _amount(result.maximum)),
    ]
    note = _DIST_NOTE(lang).format(
        method=result.method.value,
        amount=_amount(result.error.amount),
        p=result.error.probability,
    )
    title = titled(LABELS["title"], result.currency, lang)
    return wrap(_pairs(title, rows, note) + _sparkline(result))


def simulation(result: Simulation, *, lang: Lang = "en") -> str:
    """Show a Monte Carlo simulation: trials, mean with its interval, percentiles, a small chart.

    Args:
        result: The result of :func:`salesfunnel.pipeline.weighted.simulate`.
        lang: ``"en"`` or ``"zh"``.
    """
    lang = check_lang(lang)
    low, high = result.mean_interval()
    rows = [
        (LABELS["trials"](lang), f"{result.trials:,} ({result.seed})"),
        (LABELS["mean"](lang), _amount(result.mean)),
        (LABELS["interval"](lang), f"{_amount(low)} – {_amount(high)}"),
        (LABELS["stdev"](lang), _amount(result.stdev)),
        *_quantile_rows(result, lang),
    ]
    title = titled(LABELS["simulated"], result.currency, lang)
    return wrap(_pairs(title, rows) + _sparkline(result))


# -- ABC analysis and conversion -----------------------------------------------

_TOP = Text("Top {n} of {total} customers", "前 {n} 名（共 {total} 个客户）")


def abc(result: AbcResult[Any], *, limit: int = 10, lang: Lang = "en") -> str:
    """Show an ABC analysis: the summary, the classes, and the top customers with their class.

    Args:
        result: The result of :func:`~salesfunnel.customers.abc_classes.abc_classify` or
            :func:`~salesfunnel.customers.abc_classes.computed_abc`.
        limit: How many of the top-ranked customers to list.
        lang: ``"en"`` or ``"zh"``.
    """
    lang = check_lang(lang)
    classes = table_html(result.class_table(lang), badges=0)
    top = result.table(lang, limit=limit)
    shown = min(limit, len(result))
    top = attrs.evolve(top, note=_TOP(lang).format(n=shown, total=len(result)))
    return wrap(_HEADING.format(escape(result.summary(lang))) + classes + table_html(top, badges=5))


def combined_abc(result: CombinedAbc[Any], *, limit: int = 10, lang: Lang = "en") -> str:
    """Show ABC classes by several criteria: each customer's class per criterion and its code.

    Args:
        result: The result of :func:`~salesfunnel.customers.abc_classes.abc_combined`.
        limit: How many customers to list, best codes first.
        lang: ``"en"`` or ``"zh"``.
    """
    return wrap(table_html(result.table(check_lang(lang), limit=limit)))


def conversion(result: ConversionTable, *, lang: Lang = "en") -> str:
    """Show stage-to-stage conversion (:func:`salesfunnel.analytics.conversion.conversion`).

    Args:
        result: The conversion table.
        lang: ``"en"`` or ``"zh"``.
    """
    return table(result.table(check_lang(lang)))


# -- key accounts --------------------------------------------------------------

_MARK = {True: ("✓", _GREEN), False: ("✗", _RED), None: ("?", GREY)}
_KAM_TEXT = {
    "supports": Text("Evidence supports: {stage}", "证据支持：{stage}"),
    "ceiling": Text(
        " (up to {stage} once the missing signals are known)", "（补齐缺失信号后最高可能为{stage}）"
    ),
    "rules": Text("Evidence by stage", "各阶段证据"),
    "stage": Text("stage", "阶段"),
    "rule": Text("evidence rule", "证据规则"),
    "for": Text("Signals for", "支持的信号"),
    "against": Text("Signals against", "反对的信号"),
    "missing": Text("Missing signals", "缺失的信号"),
    "beyond": Text(
        "Check: evidence of {stages} although a lower stage's is not shown",
        "请核实：已有{stages}的证据，但较低阶段的证据不足",
    ),
}


def _criteria(heading: str, crits: Sequence[Criterion], lang: Lang) -> str:
    if not crits:
        return ""
    return _HEADING.format(escape(heading)) + _items(c.describe(lang) for c in crits)


def _assessment(a: Assessment, lang: Lang) -> str:
    head = _KAM_TEXT["supports"](lang).format(stage=a.stage.label(lang))
    if a.ceiling is not a.stage:
        head += _KAM_TEXT["ceiling"](lang).format(stage=a.ceiling.label(lang))
    rows = []
    for stage, verdict in a.verdicts:
        if stage.on_ladder or verdict.passed:
            mark, color = _MARK[verdict.finding.result]
            rows.append(
                (stage.label(lang), f'<span style="color:{color};font-weight:bold">{mark}</span>')
            )
    ladder = Table(
        _KAM_TEXT["rules"](lang), (_KAM_TEXT["stage"](lang), _KAM_TEXT["rule"](lang)), rows
    )
    parts = [_HEADING.format(escape(head)), table_html(ladder, align=("left", "left"), raw=1)]
    parts += [
        _criteria(_KAM_TEXT["for"](lang), a.met, lang),
        _criteria(_KAM_TEXT["against"](lang), a.failed, lang),
        _criteria(_KAM_TEXT["missing"](lang), a.missing, lang),
    ]
    if a.beyond:
        names = ", ".join(s.label(lang) for s in a.beyond)
        parts.append(_NOTE.format(escape(_KAM_TEXT["beyond"](lang).format(stages=names))))
    return "".join(parts)


def assessment(result: Assessment, *, lang: Lang = "en") -> str:
    """Show a key-account assessment: the stage, each stage's verdict, the signals for, against, missing.

    Args:
        result: The result of :func:`salesfunnel.key_accounts.assessment.assess`.
        lang: ``"en"`` or ``"zh"``.
    """
    return wrap(_assessment(result, check_lang(lang)))


_STEP_TEXT = {
    "head": Text(
        "{id}: recorded {stage}, evidence supports {evidence} ({fit})",
        "{id}：记录为{stage}，证据支持{evidence}（{fit}）",
    ),
    "ready": Text("Ready to advance to {stage}", "证据已支持进入{stage}"),
    "needs": Text("To reach {stage}, show", "要进入{stage}，还需"),
    "gaps": Text("Playbook work with no record", "工作重点中尚无记录的"),
}


def next_step(result: NextStep, *, lang: Lang = "en") -> str:
    """Show a key account's next step: where it stands, what to show next, the work not done.

    Args:
        result: The result of :func:`salesfunnel.key_accounts.assessment.next_step`.
        lang: ``"en"`` or ``"zh"``.
    """
    lang = check_lang(lang)
    a = result.assessment
    parts = [
        _HEADING.format(
            escape(
                _STEP_TEXT["head"](lang).format(
                    id=result.account_id,
                    stage=result.stage.label(lang),
                    evidence=a.stage.label(lang),
                    fit=result.fit.label(lang),
                )
            )
        )
    ]
    if result.target is not None:
        goal = result.target.label(lang)
        if result.ready:
            parts.append(_NOTE.format(escape(_STEP_TEXT["ready"](lang).format(stage=goal))))
        else:
            heading = _STEP_TEXT["needs"](lang).format(stage=goal)
            parts.append(_criteria(heading, result.needs, lang))
    if result.gaps:
        parts.append(_HEADING.format(escape(_STEP_TEXT["gaps"](lang))))
        parts.append(_items(g.label(lang) for g in result.gaps))
    return wrap("".join(parts))


def playbook(result: Playbook, *, lang: Lang = "en") -> str:
    """Show a lifecycle stage's playbook: its focus, then each activity in both languages.

    Args:
        result: The result of :func:`salesfunnel.key_accounts.playbooks.playbook`.
        lang: ``"en"`` or ``"zh"``.
    """
    return table(result.table(lang))
