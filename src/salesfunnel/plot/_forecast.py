"""The forecast chart: stacked bars by time bucket and by forecast category.

Private module: the public names are re-exported by :mod:`salesfunnel.plot`.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Literal

from salesfunnel.forecasting.buckets import TimeBucket
from salesfunnel.forecasting.kinds import ForecastCategory
from salesfunnel.i18n import Lang, Text
from salesfunnel.plot._base import (
    AMBER,
    BLUE,
    DARK_GREY,
    GREEN,
    LIGHT_GREY,
    MUTED,
    ORANGE,
    PAREN,
    PURPLE,
    SKY,
    YELLOW,
    ChartOptionError,
    apply_fonts,
    chart_lang,
    check_option,
    figure_of,
    money,
    new_figure,
    no_data,
    thousands,
    tidy,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from salesfunnel.forecasting.rollup import Figures, Forecast, ForecastRow

__all__ = ["forecast_chart"]

Column = TimeBucket | ForecastCategory

#: Okabe-Ito colours: each bucket, and each category, distinct from the others (and
#: clearly from its neighbours in the stack) for readers with a colour-vision deficiency too.
_COLORS: dict[Column, str] = {
    TimeBucket.CLOSED: GREEN,
    TimeBucket.OVERDUE: ORANGE,
    TimeBucket.WITHIN_3_MONTHS: BLUE,
    TimeBucket.MONTHS_3_TO_6: SKY,
    TimeBucket.MONTHS_6_TO_9: AMBER,
    TimeBucket.MONTHS_9_TO_12: PURPLE,
    TimeBucket.BEYOND_12_MONTHS: YELLOW,
    TimeBucket.LOST: DARK_GREY,
    ForecastCategory.BOOKED: GREEN,
    ForecastCategory.COMMIT: BLUE,
    ForecastCategory.UPSIDE_THIS_QUARTER: SKY,
    ForecastCategory.UPSIDE_NEXT_QUARTER: AMBER,
    ForecastCategory.PIPELINE: LIGHT_GREY,
    ForecastCategory.OMITTED: DARK_GREY,
}
_VIEW_TITLE = {
    "time": Text("By time", "按时间"),
    "category": Text("By forecast category", "按销售预测"),
}
_AXIS = {
    "amount": Text("Amount", "金额"),
    "weighted": Text("Weighted amount", "加权金额"),
    "count": Text("Deals", "商机数"),
}
_TITLE = Text(
    "Forecast as of {day} (this quarter: {quarter})", "销售预测，截至 {day}（本季度：{quarter}）"
)
_TOTAL = Text("Total", "合计")
_LEFT_OUT = Text(
    "Left out: lost deals and deals that are not yet opportunities (the omitted category).",
    "未计入：丢单及尚未成为商机的项目（不计入预测的类别）。",
)


def _value(figures: Figures, measure: str) -> float:
    if measure == "count":
        return float(figures.count)
    return float(figures.amount if measure == "amount" else figures.weighted)


def _values(row: ForecastRow, column: Column, measure: str, *, include_lost: bool) -> float:
    """The row's figure in ``column``; without lost deals, a bucket leaves out omitted deals."""
    if isinstance(column, ForecastCategory):
        return _value(row.categories[column], measure)
    if include_lost:
        return _value(row.buckets[column], measure)
    return sum(
        (
            _value(f, measure)
            for (bucket, category), f in row.cells.items()
            if bucket is column and category is not ForecastCategory.OMITTED
        ),
        0.0,
    )


def _panel(
    ax: Axes,
    fc: Forecast,
    view: Literal["time", "category"],
    measure: str,
    lang: Lang,
    *,
    include_lost: bool,
) -> None:
    columns: list[Column]
    if view == "time":
        columns = [b for b in TimeBucket if include_lost or b is not TimeBucket.LOST]
    else:
        columns = [c for c in ForecastCategory if include_lost or c is not ForecastCategory.OMITTED]
    rows = list(fc.rows) if fc.by else [fc.total]
    names = [" / ".join(r.group) if r.group else _TOTAL(lang) for r in rows]
    values = {c: [_values(r, c, measure, include_lost=include_lost) for r in rows] for c in columns}
    totals = [sum(values[c][i] for c in columns) for i in range(len(rows))]
    ax.set_title(_VIEW_TITLE[view](lang), loc="left")
    if not any(totals):
        no_data(ax, lang)
        return
    left = [0.0] * len(rows)
    positions = list(range(len(rows)))
    for column in columns:
        widths = values[column]
        if not any(widths):
            continue
        ax.barh(
            positions,
            widths,
            left=left,
            color=_COLORS[column],
            label=column.label(lang),
            height=0.7,
            edgecolor="white",
            linewidth=0.5,
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    widest = max(totals)
    for i, total in enumerate(totals):
        ax.text(total + widest * 0.01, i, money(total), va="center", fontsize=8.5)
    ax.set_yticks(positions, labels=[textwrap.shorten(n, 28, placeholder="…") for n in names])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, widest * 1.18)
    label = _AXIS[measure](lang)
    if fc.currency and measure != "count":
        label = PAREN(lang).format(label, fc.currency)
    ax.set_xlabel(label)
    thousands(ax, "x")
    tidy(ax)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=8.5, frameon=False)


def forecast_chart(
    forecast: Forecast,
    *,
    view: Literal["both", "time", "category"] = "both",
    measure: Literal["amount", "weighted", "count"] = "amount",
    include_lost: bool = False,
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Figure:
    """Draw a forecast as stacked bars: one bar per group, stacked by bucket and by category.

    With ``view="both"`` (the default), two panels side by side: by time
    (closed, overdue, within 3 months ... beyond 12 months) and by forecast
    category (booked, commit, upside this quarter, upside next quarter,
    pipeline). One bar per row of the forecast (each owner, product, or
    owner and product), or one "Total" bar for a forecast without grouping;
    each bar's total is written at its end, and both panels add up to the
    same totals. Lost deals and deals that are not yet opportunities (the
    omitted category) are left out unless ``include_lost``.

    Args:
        forecast: The result of :func:`salesfunnel.forecasting.rollup.forecast`.
        view: ``"both"``, ``"time"`` or ``"category"``.
        measure: ``"amount"``, ``"weighted"`` (amount × probability) or ``"count"``.
        include_lost: Also show the lost bucket and the omitted category.
        lang: ``"en"`` or ``"zh"``.
        ax: Draw one view into this axes (not with ``view="both"``).

    Returns:
        The figure (13 × 6 inches for both views, 8 × 6 for one; taller for
        more than eight rows).

    Raises:
        ChartOptionError: For an unknown ``view`` or ``measure``, or ``ax``
            with ``view="both"``.
        PlotDependencyError: If matplotlib is not installed.

    >>> from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
    >>> from salesfunnel.forecasting.rollup import forecast
    >>> usd = [o for o in sample_pipeline() if o.currency == "USD"]
    >>> fig = forecast_chart(forecast(usd, cutoff=SAMPLE_AS_OF, by="owner"))
    >>> [a.get_title(loc="left") for a in fig.axes]
    ['By time', 'By forecast category']
    """
    check_option("view", view, ("both", "time", "category"))
    check_option("measure", measure, ("amount", "weighted", "count"))
    if view == "both" and ax is not None:
        raise ChartOptionError(
            "ax: draws one view; pass view='time' or view='category' with ax=",
            option="ax",
            value=ax,
        )
    lang = chart_lang(lang)
    views: list[Literal["time", "category"]] = ["time", "category"] if view == "both" else [view]
    height = max(6.0, 2.6 + 0.42 * len(forecast.rows))
    if ax is None:
        fig, panels = new_figure((13 if view == "both" else 8, height), len(views))
        quarter = forecast.quarter.label(lang)
        fig.suptitle(
            _TITLE(lang).format(day=forecast.cutoff, quarter=quarter),
            x=0.01,
            ha="left",
            fontweight="bold",
        )
        if not include_lost:
            fig.supxlabel(_LEFT_OUT(lang), x=0.01, ha="left", fontsize=8.5, color=MUTED)
    else:
        fig, first = figure_of(ax, (8, height))
        panels = [first]
    for panel, which in zip(panels, views, strict=True):
        _panel(panel, forecast, which, measure, lang, include_lost=include_lost)
    apply_fonts(fig, panels, whole=ax is None)
    return fig
