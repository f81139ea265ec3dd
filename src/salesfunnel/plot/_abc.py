"""The ABC (Pareto) chart: the curve, the classes shaded, their limits marked.

Private module: the public names are re-exported by :mod:`salesfunnel.plot`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesfunnel.customers.abc_classes import AbcResult, Basis, Method
from salesfunnel.i18n import Lang, Text
from salesfunnel.plot._base import (
    AMBER,
    BLUE,
    GREEN,
    GREY,
    MUTED,
    apply_fonts,
    chart_lang,
    figure_of,
    legend_outside,
    no_data,
    percent,
    tidy,
)

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["pareto_chart"]

#: Class colours (Okabe-Ito), best first; classes after C are grey too.
_CLASS_COLORS = (GREEN, AMBER, GREY)
#: Curve points are dotted up to this many customers.
_DOTS_UP_TO = 40
#: A class band this wide (a share of customers) or wider gets its letter.
_LETTER_ROOM = 0.04

_TITLE = Text("ABC analysis by {measure}", "ABC 分析：{measure}")
_X = Text("Share of customers, largest {measure} first", "客户占比（按{measure}从大到小排序）")
_Y = Text("Cumulative share of {measure}", "累计{measure}占比")
_CLASS = Text(
    "{label}: {count} customers ({customers:.0%}), {value:.0%} of {measure}",
    "{label} 类：{count} 个客户（{customers:.0%}），占{measure} {value:.0%}",
)
_CURVE = Text("ABC curve", "ABC 曲线")
_EQUAL = Text("Equal shares", "均匀分布")
_POINTS = (
    ("pareto", Text("Pareto point", "帕累托点"), "o"),
    ("break_even", Text("Break-even point", "盈亏平衡点"), "s"),
    ("submarginal", Text("Submarginal point", "次边际点"), "D"),
)


def pareto_chart(
    result: AbcResult[Any],
    *,
    max_points: int = 2000,
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Figure:
    """Draw the ABC (Pareto) curve with the classes shaded and their limits marked.

    The curve runs from (0, 0) to (1, 1): the share of customers, largest
    first, against the share of the total figure they make. Each class is a
    shaded band with a dashed line at its limit, and the legend gives its
    customers and share. Fixed value thresholds (80 %, 95 %) are dotted
    horizontal lines; a computed analysis marks its Pareto, break-even and
    submarginal points. The dotted diagonal is what customers of equal size
    would give. The result's one-line summary is written under the chart.

    Args:
        result: The result of :func:`~salesfunnel.customers.abc_classes.abc_classify` or
            :func:`~salesfunnel.customers.abc_classes.computed_abc`.
        max_points: Draw at most about this many curve points (the class
            limits are always among them).
        lang: ``"en"`` or ``"zh"``.
        ax: Draw into this axes instead of a new figure.

    Returns:
        The figure (12 × 6 inches when new, the legend on the right).

    Raises:
        PlotDependencyError: If matplotlib is not installed.

    >>> from salesfunnel.customers.abc_classes import REVENUE, abc_classify
    >>> result = abc_classify({"a": 70, "b": 20, "c": 6, "d": 4}, measure=REVENUE)
    >>> fig = pareto_chart(result)
    >>> len(fig.axes[0].lines)  # the curve, the diagonal, 2 class limits, 2 thresholds
    6
    """
    lang = chart_lang(lang)
    fig, axes = figure_of(ax, (12, 6))
    measure = result.measure(lang)
    axes.set_title(_TITLE(lang).format(measure=measure), loc="left", fontweight="bold")
    n = len(result)
    if not n:
        no_data(axes, lang)
        apply_fonts(fig, [axes], whole=ax is None)
        return fig
    from matplotlib.patches import Patch  # noqa: PLC0415

    handles: list[Artist] = []
    start = 0
    for i, summary in enumerate(result.classes):
        color = _CLASS_COLORS[min(i, len(_CLASS_COLORS) - 1)]
        end = start + summary.count
        if summary.count:
            axes.axvspan(start / n, end / n, color=color, alpha=0.13, linewidth=0)
            if summary.count / n >= _LETTER_ROOM:
                axes.text((start + end) / 2 / n, 1.03, summary.label, ha="center", va="bottom")
        text = _CLASS(lang).format(
            label=summary.label,
            count=summary.count,
            customers=float(summary.customer_share),
            value=float(summary.value_share),
            measure=measure,
        )
        handles.append(Patch(facecolor=color, alpha=0.45, label=text))
        start = end
    for cut in result.cuts[:-1]:
        axes.axvline(cut / n, color=MUTED, linestyle="--", linewidth=1)
    if result.method is Method.FIXED and result.basis is Basis.VALUE:
        for threshold in result.thresholds:
            axes.axhline(float(threshold), color=MUTED, linestyle=":", linewidth=1)
            axes.text(0.995, float(threshold), f"{threshold:.0%}", ha="right", va="bottom")
    curve = result.pareto_curve(max_points)
    (line,) = axes.plot(
        [p.customers for p in curve],
        [p.value for p in curve],
        color=BLUE,
        linewidth=2,
        marker="o" if n <= _DOTS_UP_TO else None,
        markersize=3.5,
        label=_CURVE(lang),
        zorder=3,
    )
    (diagonal,) = axes.plot(
        [0, 1], [0, 1], color=GREY, linestyle=":", linewidth=1, label=_EQUAL(lang)
    )
    handles += [line, diagonal]
    if result.limits is not None:
        for name, label, marker in _POINTS:
            point = getattr(result.limits, name)
            (mark,) = axes.plot(
                [point.customers],
                [point.value],
                linestyle="none",
                marker=marker,
                markersize=8,
                markerfacecolor="white",
                markeredgecolor="black",
                label=label(lang),
                zorder=4,
            )
            handles.append(mark)
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.1)
    percent(axes, "x")
    percent(axes, "y")
    axes.set_xlabel(_X(lang).format(measure=measure))
    axes.set_ylabel(_Y(lang).format(measure=measure))
    legend_outside(axes, handles)
    axes.annotate(
        result.summary(lang),
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -42),
        textcoords="offset points",
        fontsize=9,
        color=MUTED,
        va="top",
    )
    tidy(axes)
    apply_fonts(fig, [axes], whole=ax is None)
    return fig
