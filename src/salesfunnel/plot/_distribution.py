"""The outcome-distribution chart: a histogram of the total won with P10, P50 and P90.

Private module: the public names are re-exported by :mod:`salesfunnel.plot`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from salesfunnel.i18n import Lang, Text
from salesfunnel.money import to_amount
from salesfunnel.pipeline.distribution import OutcomeDistribution
from salesfunnel.pipeline.histogram import HistogramBin, histogram
from salesfunnel.pipeline.weighted import Simulation
from salesfunnel.plot._base import (
    BLUE,
    GREEN,
    INK,
    ORANGE,
    PAREN,
    SKY,
    apply_fonts,
    chart_lang,
    figure_of,
    legend_outside,
    money,
    percent,
    thousands,
    tidy,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["HistogramBin", "distribution_chart", "histogram"]


_TITLE = Text("Outcome distribution: {what}", "成交结果分布：{what}")
_OPEN = Text("{n} open deals", "{n} 个未决商机")
_WON = Text("{n} open deals, {won} already won", "{n} 个未决商机，已成交 {won}")
_TRIALS = Text("{n} simulated trials", "{n} 次模拟")
_X = Text("Total won", "成交总额")
_Y = Text("Probability", "概率")
_MARKS = (
    (10, Text("P10 (10th percentile)", "P10（第10百分位）"), ORANGE, "--"),
    (50, Text("P50 (median)", "P50（中位数）"), BLUE, "-"),
    (90, Text("P90 (90th percentile)", "P90（第90百分位）"), ORANGE, "--"),
)
_MEAN = Text("Expected (weighted pipeline)", "期望值（加权管道）")
_TARGET = Text("Target {x}: {p:.0%} chance to reach", "目标 {x}：达成概率 {p:.0%}")


def distribution_chart(
    dist: OutcomeDistribution | Simulation,
    *,
    target: Decimal | int | str | None = None,
    bins: int = 60,
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Figure:
    """Draw the distribution of the total won, with P10, P50 and P90 marked.

    Bars are the probability of each range of totals (:func:`histogram`);
    vertical lines mark the 10th, 50th and 90th percentiles and the expected
    total (the weighted pipeline), with their values in the legend. With a
    ``target`` (a quota), a line marks it and the legend gives the chance of
    reaching it (``prob_at_least``).

    "P90" here is the 90th percentile, an optimistic figure; the total
    reached with 90 % probability is P10, the 10th percentile.

    Args:
        dist: An :class:`~salesfunnel.pipeline.distribution.OutcomeDistribution`
            (:func:`salesfunnel.pipeline.weighted.outcome_distribution`) or a
            :class:`~salesfunnel.pipeline.weighted.Simulation`.
        target: An amount to mark, with its chance of being reached.
        bins: About how many bars.
        lang: ``"en"`` or ``"zh"``.
        ax: Draw into this axes instead of a new figure.

    Returns:
        The figure (12 × 5.5 inches when new, the legend on the right).

    Raises:
        ChartOptionError: For ``bins`` below 1.
        InvalidAmountError: For a negative ``target``.
        PlotDependencyError: If matplotlib is not installed.

    >>> from decimal import Decimal as D
    >>> from salesfunnel.pipeline.distribution import distribution_of
    >>> dist = distribution_of([(D(1000 + 10 * i), D("0.4")) for i in range(40)])
    >>> fig = distribution_chart(dist, target=20000)
    >>> len(fig.axes[0].lines)  # P10, P50, P90, the expected total, the target
    5
    """
    lang = chart_lang(lang)
    bars = histogram(dist, bins=bins)
    goal = None if target is None else to_amount(target, field="target")
    fig, axes = figure_of(ax, (12, 5.5))
    if isinstance(dist, Simulation):
        what = _TRIALS(lang).format(n=f"{dist.trials:,}")
    elif dist.certain:
        what = _WON(lang).format(n=f"{dist.count:,}", won=money(dist.certain))
    else:
        what = _OPEN(lang).format(n=f"{dist.count:,}")

    def unit(text: str) -> str:
        return PAREN(lang).format(text, dist.currency) if dist.currency else text

    axes.set_title(unit(_TITLE(lang).format(what=what)), loc="left", fontweight="bold")
    axes.bar(
        [b.start for b in bars],
        [b.mass for b in bars],
        width=[b.width for b in bars],
        align="edge",
        color=SKY,
        alpha=0.55,
        edgecolor=SKY,
        linewidth=0.4,
    )
    colon = ": " if lang == "en" else "："
    for k, text, color, style in _MARKS:
        value = dist.percentile(k)
        axes.axvline(
            float(value),
            color=color,
            linestyle=style,
            linewidth=1.6,
            label=f"{text(lang)}{colon}{money(value)}",
        )
    axes.axvline(
        float(dist.mean),
        color=GREEN,
        linestyle=":",
        linewidth=1.8,
        label=f"{_MEAN(lang)}{colon}{money(dist.mean)}",
    )
    if goal is not None:
        axes.axvline(
            float(goal),
            color=INK,
            linestyle="-.",
            linewidth=1.6,
            label=_TARGET(lang).format(x=money(goal), p=dist.prob_at_least(goal)),
        )
    axes.set_xlabel(unit(_X(lang)))
    axes.set_ylabel(_Y(lang))
    thousands(axes, "x")
    percent(axes, "y", decimals=1)
    axes.set_ylim(0, max(b.mass for b in bars) * 1.12)
    legend_outside(axes)
    tidy(axes)
    apply_fonts(fig, [axes], whole=ax is None)
    return fig
