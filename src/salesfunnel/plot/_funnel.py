"""The funnel chart: one centred bar per stage, with the conversion between stages.

Private module: the public names are re-exported by :mod:`salesfunnel.plot`.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import attrs

from salesfunnel.analytics.conversion import reached_stages, snapshots
from salesfunnel.calendar import check_date
from salesfunnel.errors import CurrencyError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.records import StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.i18n import Lang, Text
from salesfunnel.plot._base import (
    BLUES,
    GREEN,
    MUTED,
    PAREN,
    ChartOptionError,
    apply_fonts,
    chart_lang,
    check_option,
    figure_of,
    ink,
    money,
    no_data,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.fx import ExchangeRates

__all__ = ["FunnelShape", "FunnelStep", "funnel_chart", "funnel_shape"]


@attrs.frozen
class FunnelStep:
    """One stage of a funnel chart.

    Attributes:
        stage: The stage key.
        count: Deals in the stage (``view="current"``) or that reached it
            (``view="reached"``).
        amount: Their amount in the reporting currency (``None`` when the
            deals are in several currencies and no ``currency`` was given).
        rate: The stage's conversion: the share of the deals that reached it
            and went on to a higher stage (``None`` when none reached it).
    """

    stage: str
    count: int
    amount: Decimal | None
    rate: float | None


@attrs.frozen
class FunnelShape:
    """The widths of a funnel chart: deals and amounts per stage, with conversion.

    Attributes:
        as_of: The date the histories were read up to.
        view: ``"reached"`` or ``"current"`` (see :func:`funnel_shape`).
        currency: The currency of the amounts (``None`` when there are none).
        steps: One entry per stage shown, top of the funnel first.
        lost: Deals lost by ``as_of``.
        total: Deals that existed at ``as_of``.
    """

    as_of: date
    view: Literal["reached", "current"]
    currency: str | None
    steps: tuple[FunnelStep, ...]
    lost: int
    total: int


def _shown_stages(funnel: Funnel, stages: Sequence[str] | None) -> list[str]:
    if stages is None:
        ladder = list(funnel)
        if ladder[0].probability == 0 and sum(s.kind is StageKind.OPEN for s in ladder) > 1:
            ladder = ladder[1:]  # not yet an opportunity, as in the report form
        return [s.key for s in ladder]
    keys = [funnel[key].key for key in stages]
    if funnel.lost.key in keys:
        raise ChartOptionError(
            f"stages: {funnel.lost.key!r} is the lost outcome, not a funnel stage; "
            "the chart's note counts lost deals",
            option="stages",
            value=stages,
        )
    if not keys or len(set(keys)) != len(keys):
        raise ChartOptionError(
            f"stages: give one or more distinct stage keys, got {list(stages)}",
            option="stages",
            value=stages,
        )
    return sorted(keys, key=funnel.index)


def funnel_shape(
    opportunities: Iterable[Opportunity],
    *,
    as_of: date,
    funnel: Funnel = DEFAULT_FUNNEL,
    view: Literal["reached", "current"] = "reached",
    stages: Sequence[str] | None = None,
    currency: str | None = None,
    rates: ExchangeRates | None = None,
) -> FunnelShape:
    """Count the deals (and their amounts) per stage, with each stage's conversion.

    Every deal is taken as it stood at the end of ``as_of``. With
    ``view="reached"`` (the default) a stage's width is the deals that
    *reached* it (entered it, or skipped over it), so the funnel narrows as
    deals drop out; with ``view="current"`` it is the deals in the stage at
    ``as_of`` (for the won stage: every deal won by then). The conversion is
    that of :func:`salesfunnel.analytics.conversion.conversion` either way.

    Args:
        opportunities: The deals.
        as_of: Read the histories up to the end of this day.
        funnel: Their funnel.
        view: ``"reached"`` or ``"current"``.
        stages: The stage keys to show, in any order (default: the ladder
            without a zero-probability entry stage, as in the report form).
        currency: The reporting currency for amounts (default: the deals'
            one currency; with several currencies and no ``currency``,
            amounts are ``None``).
        rates: Exchange rates into ``currency``; every amount converts at
            the rate in force on ``as_of``.

    Returns:
        The :class:`FunnelShape`.

    Raises:
        ChartOptionError: For an unknown ``view``, or the lost outcome or a
            repeated key in ``stages``.
        UnknownStageError: For a stage ``funnel`` does not have.
        CurrencyError: For a deal in another currency than ``currency``
            without ``rates``.
        MissingRateError: When ``rates`` has no rate in force on ``as_of``.
        InvalidDateError: If ``as_of`` is a datetime or not a date.

    >>> from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
    >>> shape = funnel_shape(sample_pipeline(), as_of=SAMPLE_AS_OF)
    >>> [(s.stage, s.count) for s in shape.steps][:2], shape.currency
    ([('potential', 572), ('intent', 436)], None)
    """
    when = check_date(as_of, field="as_of")
    check_option("view", view, ("reached", "current"))
    shown = _shown_stages(funnel, stages)
    deals = snapshots(opportunities, funnel, as_of=when)
    codes = {o.currency for o in deals}
    target = currency if currency is not None else (codes.pop() if len(codes) == 1 else None)
    reached: Counter[str] = Counter()
    advanced: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    amounts = dict.fromkeys(shown, Decimal(0))
    lost = 0
    for deal in deals:
        amount = deal.amount
        if target is not None and deal.currency != target:
            if rates is None:
                raise CurrencyError(
                    f"deal {deal.id} is in {deal.currency}, not {target}; pass rates= "
                    "(an ExchangeRates) to convert it",
                    code=deal.currency,
                )
            amount = rates.convert(deal.amount, deal.currency, target, on=when)
        lost += funnel.kind_of(deal) is StageKind.LOST
        steps = reached_stages(deal, funnel)
        for key, went_on in steps.items():
            reached[key] += 1
            advanced[key] += went_on
        hits = steps if view == "reached" else (deal.stage,)
        for key in hits:
            if key in amounts:
                counts[key] += 1
                amounts[key] += amount
    return FunnelShape(
        as_of=when,
        view=view,
        currency=target,
        steps=tuple(
            FunnelStep(
                key,
                counts[key],
                amounts[key] if target is not None else None,
                advanced[key] / reached[key] if reached[key] else None,
            )
            for key in shown
        ),
        lost=lost,
        total=len(deals),
    )


def _blues(n: int) -> list[str]:
    """``n`` blues from light to dark."""
    if n == 1:
        return [BLUES[3]]
    return [BLUES[round(1 + i * (len(BLUES) - 2) / (n - 1))] for i in range(n)]


_TITLE = {
    "reached": Text("Sales funnel: deals that reached each stage", "销售漏斗：到达各阶段的商机"),
    "current": Text("Sales funnel: deals by current stage", "销售漏斗：各阶段当前商机"),
}
_AS_OF = Text("as of {day}", "截至 {day}")
_DEALS = Text("{n} deals", "{n} 个商机")
_ADVANCED = Text("↓ {rate:.0%} advanced", "↓ {rate:.0%} 推进")
_NOTE = Text(
    "Conversion: share of the deals that reached a stage and went on to a higher one. "
    "Lost: {lost} of {total} deals.",
    "转化率：到达某阶段的商机中继续推进到更高阶段的比例。丢单：{total} 个中的 {lost} 个。",
)


def funnel_chart(
    opportunities: Iterable[Opportunity],
    *,
    as_of: date,
    funnel: Funnel = DEFAULT_FUNNEL,
    measure: Literal["count", "amount"] = "count",
    view: Literal["reached", "current"] = "reached",
    stages: Sequence[str] | None = None,
    currency: str | None = None,
    rates: ExchangeRates | None = None,
    lang: Lang = "en",
    ax: Axes | None = None,
) -> Figure:
    """Draw the sales funnel: one centred bar per stage, as wide as its deals or their amount.

    Between two bars, the upper stage's conversion ("↓ 76 % advanced"); the
    won stage is green; a note counts the lost deals. The widths are those
    of :func:`funnel_shape`, whose arguments this takes.

    Args:
        opportunities: The deals.
        as_of: Read the histories up to the end of this day.
        funnel: Their funnel.
        measure: Bar width by ``"count"`` of deals or by ``"amount"``.
        view: ``"reached"`` (deals that reached each stage) or ``"current"``.
        stages: The stage keys to show (default: see :func:`funnel_shape`).
        currency: The reporting currency (needed, with ``rates``, for the
            amounts of deals in several currencies).
        rates: Exchange rates into ``currency``.
        lang: ``"en"`` or ``"zh"``.
        ax: Draw into this axes instead of a new figure.

    Returns:
        The figure (10 × 6 inches when new).

    Raises:
        ChartOptionError: For an unknown ``measure`` or ``view``, or bad ``stages``.
        CurrencyError: For ``measure="amount"`` over several currencies
            without ``currency`` and ``rates``.
        PlotDependencyError: If matplotlib is not installed.

    >>> from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
    >>> usd = [o for o in sample_pipeline() if o.currency == "USD"]
    >>> fig = funnel_chart(usd, as_of=SAMPLE_AS_OF, measure="amount")
    >>> fig.axes[0].get_title(loc="left")
    'Sales funnel: deals that reached each stage (USD, as of 2026-09-30)'
    """
    check_option("measure", measure, ("count", "amount"))
    lang = chart_lang(lang)
    shape = funnel_shape(
        opportunities,
        as_of=as_of,
        funnel=funnel,
        view=view,
        stages=stages,
        currency=currency,
        rates=rates,
    )
    if measure == "amount" and shape.currency is None and shape.total:
        raise CurrencyError(
            "the deals are in several currencies; pass currency= (the reporting "
            "currency) and rates= (an ExchangeRates) to chart their amounts",
            code="",
        )
    fig, axes = figure_of(ax, (10, 6))
    detail = _AS_OF(lang).format(day=shape.as_of)
    if measure == "amount" and shape.currency:
        detail = f"{shape.currency}{', ' if lang == 'en' else '，'}{detail}"
    axes.set_title(
        PAREN(lang).format(_TITLE[shape.view](lang), detail), loc="left", fontweight="bold"
    )
    widths = [float(s.amount or 0) if measure == "amount" else float(s.count) for s in shape.steps]
    widest = max(widths)
    if not widest:
        no_data(axes, lang)
        apply_fonts(fig, [axes], whole=ax is None)
        return fig
    colors = _blues(len(shape.steps))
    for i, step in enumerate(shape.steps):
        if funnel[step.stage].kind is StageKind.WON:
            colors[i] = GREEN
    positions = list(range(len(shape.steps)))
    axes.barh(positions, widths, left=[-w / 2 for w in widths], color=colors, height=0.72)
    for i, (step, width) in enumerate(zip(shape.steps, widths, strict=True)):
        deals = _DEALS(lang).format(n=f"{step.count:,}")
        label = f"{money(width)} · {deals}" if measure == "amount" else deals
        inside = width >= 0.42 * widest  # room for the label in the bar
        axes.text(
            0 if inside else width / 2 + widest * 0.015,
            i,
            label,
            ha="center" if inside else "left",
            va="center",
            color=ink(colors[i]) if inside else "black",
        )
        if i + 1 < len(shape.steps) and step.rate is not None:
            axes.text(
                widest * 0.52,
                i + 0.5,
                _ADVANCED(lang).format(rate=step.rate),
                va="center",
                color=MUTED,
                fontsize=9,
            )
    labels = [textwrap.fill(funnel[s.stage].label(lang), 22) for s in shape.steps]
    axes.set_yticks(positions, labels=labels)
    axes.set_ylim(len(shape.steps) - 0.5, -0.6)
    axes.set_xlim(-widest * 0.52, widest * 0.75)
    axes.set_xticks([])
    axes.set_xlabel(
        textwrap.fill(_NOTE(lang).format(lost=shape.lost, total=shape.total), 110),
        fontsize=8.5,
        color=MUTED,
        loc="left",
    )
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.tick_params(axis="y", length=0)
    apply_fonts(fig, [axes], whole=ax is None)
    return fig
