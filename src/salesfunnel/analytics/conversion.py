"""Funnel analytics from stage histories, reproducible "as of" any date.

Every function takes ``as_of`` and first rebuilds each opportunity as it stood
at the end of that day (:func:`salesfunnel.snapshot`), so last quarter's
figures can be reproduced today, whatever happened since.

**Conversion** (:func:`conversion`): a deal *reached* a stage if it was in it
at some time, or passed over it by a skip (a skipped stage counts as passed).
It *advanced* from the stage if, after first reaching it, it reached a higher
one. A deal that went back and forth is counted once per stage it reached,
never twice. Stages below the one a deal was created in were never reached by
it and do not count. The conversion rate of a stage is advanced ÷ reached.

**Without a stage history** (a snapshot export: each deal's current stage,
``created`` and, for won and lost deals, ``closed_on``), less can be known,
and nothing is guessed (see :func:`reached_stages`): on a linear ladder a deal
now in stage *k* has reached every stage below it; a won deal has passed
every stage; a lost one counts as lost from the first stage with a
probability above zero, since where it was lost is not recorded. The win
rate, the lost share and the sales cycle (``closed_on − created``) are exact;
per-stage conversion above that first stage is an upper bound, and time in
stage, stage-by-stage cycle and where deals are lost cannot be known.

**Win rate** is won ÷ closed (won + lost); **lost share** (流失的定单%) is
lost ÷ all deals considered; the **sales cycle** runs from creation to the
close date of won deals. With ``since``, only deals closed on or after it (and
deals still open) are considered: the figures of one period.

**Sales velocity** is open deals × win rate × average won amount ÷ average
cycle length, in money per day. **Additional business** (额外的生意) splits
the amount won into deals from accounts that had bought before and deals from
new accounts.

>>> from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
>>> table = conversion(sample_pipeline(), as_of=SAMPLE_AS_OF)
>>> row = table["negotiation"]
>>> row.advanced + row.lost + row.open == row.reached
True
>>> summary = funnel_summary(sample_pipeline(), as_of=SAMPLE_AS_OF)
>>> summary.won + summary.lost + summary.open == summary.deals
True
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Iterator
from datetime import date

import attrs

from salesfunnel.analytics._invariants import (
    check_cycle_stats,
    check_stage_durations,
)
from salesfunnel.calendar import check_date
from salesfunnel.errors import InvalidOpportunityError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.history import reached_stages, snapshot, time_in_stage
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.i18n import Lang, pick
from salesfunnel.tables import Cell, Table, Tabular

__all__ = [
    "ConversionTable",
    "CycleStats",
    "FunnelSummary",
    "StageConversion",
    "StageDurations",
    "check_history",
    "conversion",
    "deals_of_period",
    "funnel_summary",
    "reached_stages",
    "sales_cycle",
    "share_of",
    "snapshots",
    "time_in_stages",
    "win_rate",
]


def check_history(opportunity: Opportunity, funnel: Funnel = DEFAULT_FUNNEL) -> Opportunity:
    """Return ``opportunity`` if its history chains and every stage in it is in ``funnel``.

    Opportunities check their own history when built; this also catches
    records put together by other means, and stages of another funnel.

    Raises:
        InvalidOpportunityError: If the history is empty, does not start with
            the creation, does not chain, goes back in time or does not end
            in the current stage.
        UnknownStageError: For a stage ``funnel`` does not have.
    """

    def bad(message: str) -> InvalidOpportunityError:
        return InvalidOpportunityError(
            f"opportunity {opportunity.id!r}: history {message}; rebuild it with the "
            "stage machine (Funnel.advance / lose / reopen)",
            opportunity_id=opportunity.id,
            field="history",
        )

    history = opportunity.history
    if not history or history[0].from_stage is not None:
        raise bad("does not start with the creation entry (from_stage=None)")
    for i, (prev, change) in enumerate(itertools.pairwise(history), start=1):
        if change.from_stage != prev.to_stage:
            raise bad(
                f"does not chain at entry {i}: it moves from {change.from_stage!r} "
                f"but entry {i - 1} moved to {prev.to_stage!r}"
            )
        if change.on < prev.on:
            raise bad(f"goes back in time at entry {i}: {change.on} is before {prev.on}")
    if history[-1].to_stage != opportunity.stage:
        raise bad(f"ends in {history[-1].to_stage!r} but the stage is {opportunity.stage!r}")
    for change in history:
        funnel[change.to_stage]
        for key in change.skipped:
            funnel[key]
    return opportunity


def snapshots(
    opportunities: Iterable[Opportunity], funnel: Funnel = DEFAULT_FUNNEL, *, as_of: date
) -> list[Opportunity]:
    """Return the opportunities as they stood at the end of ``as_of`` (those that existed).

    Each history is checked first (:func:`check_history`).
    """
    when = check_date(as_of, field="as_of")
    out = []
    for o in opportunities:
        then = snapshot(check_history(o, funnel), when, funnel=funnel)
        if then is not None:
            out.append(then)
    return out


def share_of(part: int, whole: int) -> float | None:
    """``part`` ÷ ``whole`` as a float; ``None`` when ``whole`` is zero."""
    return part / whole if whole else None


@attrs.frozen
class StageConversion:
    """Conversion counts of one stage (see the module docstring).

    Attributes:
        stage: The stage key.
        reached: Deals that reached it.
        advanced: Of those, deals that went on to a higher stage.
        lost: Of those, deals lost without advancing from it.
        open: Of those, deals still open without having advanced from it.
        won: Of those, deals won (by ``as_of``).
    """

    stage: str
    reached: int
    advanced: int
    lost: int
    open: int
    won: int

    @property
    def rate(self) -> float | None:
        """The share that advanced: advanced ÷ reached, in [0, 1] (``None`` when nothing reached the stage)."""
        return share_of(self.advanced, self.reached)


@attrs.frozen
class ConversionTable(Tabular):
    """Stage-to-stage conversion of a set of deals, as of a date.

    Attributes:
        as_of: The date the histories were read up to.
        deals: How many deals existed then.
        stages: One row per ladder stage, bottom to top.
        funnel: The funnel (for labels).
    """

    as_of: date
    deals: int
    stages: tuple[StageConversion, ...]
    funnel: Funnel = attrs.field(repr=False)

    def __getitem__(self, key: str) -> StageConversion:
        """Return the row of stage ``key``."""
        self.funnel[key]
        return next(s for s in self.stages if s.stage == key)

    def __iter__(self) -> Iterator[StageConversion]:
        """Iterate over the rows, bottom to top."""
        return iter(self.stages)

    def table(self, lang: Lang = "en") -> Table:
        """Return the conversion table for display."""
        rows = [
            (
                self.funnel[s.stage].label(lang),
                s.reached,
                s.advanced,
                s.lost,
                s.open,
                s.won,
                ""
                if s.rate is None or self.funnel[s.stage].kind is StageKind.WON
                else f"{s.rate:.0%}",
            )
            for s in self.stages
        ]
        headers = (
            pick("stage", "阶段", lang),
            pick("reached", "到达", lang),
            pick("advanced", "推进", lang),
            pick("lost", "丢单", lang),
            pick("open", "进行中", lang),
            pick("won", "成交", lang),
            pick("conversion", "转化率", lang),
        )
        title = pick(
            f"Stage conversion (as of {self.as_of})", f"阶段转化率（截至 {self.as_of}）", lang
        )
        note = pick(
            "Skipped stages count as passed; a deal that went back counts once per stage.",
            "跳过的阶段计为已通过；回退的商机每个阶段只计一次。",
            lang,
        )
        return Table(title, headers, rows, note)


def conversion(
    opportunities: Iterable[Opportunity], funnel: Funnel = DEFAULT_FUNNEL, *, as_of: date
) -> ConversionTable:
    """Return stage-to-stage conversion counts and rates as of ``as_of``.

    Raises:
        InvalidOpportunityError: For a history that does not chain.
        UnknownStageError: For a stage ``funnel`` does not have.
    """
    deals = snapshots(opportunities, funnel, as_of=as_of)
    counts = {s.key: [0, 0, 0, 0, 0] for s in funnel}
    for o in deals:
        kind = funnel.kind_of(o)
        for key, advanced in reached_stages(o, funnel).items():
            row = counts[key]
            row[0] += 1
            row[1] += advanced
            row[2] += not advanced and kind is StageKind.LOST
            row[3] += not advanced and kind is StageKind.OPEN
            row[4] += kind is StageKind.WON
    stages = tuple(StageConversion(key, *row) for key, row in counts.items())
    return ConversionTable(as_of, len(deals), stages, funnel)


@attrs.frozen
class CycleStats:
    """Sales-cycle lengths of won deals, in days from creation to close.

    Attributes:
        count: How many won deals.
        mean: The mean length (``None`` without deals).
        median: The median length (``None`` without deals).
    """

    count: int
    mean: float | None
    median: float | None

    __attrs_post_init__ = check_cycle_stats


def _cycle(days: list[int]) -> CycleStats:
    if not days:
        return CycleStats(0, None, None)
    return CycleStats(len(days), statistics.fmean(days), float(statistics.median(days)))


def deals_of_period(
    opportunities: Iterable[Opportunity], funnel: Funnel, as_of: date, since: date | None
) -> list[Opportunity]:
    """The deals of the period: open at ``as_of``, or closed in [since, as_of]."""
    deals = snapshots(opportunities, funnel, as_of=as_of)
    if since is None:
        return deals
    start = check_date(since, field="since")
    return [o for o in deals if o.closed_on is None or o.closed_on >= start]


@attrs.frozen
class FunnelSummary(Tabular):
    """Counts, win rate, lost share and sales cycle of a set of deals.

    Attributes:
        as_of: The date the histories were read up to.
        since: The start of the period, if one was given.
        deals: Deals considered (open at ``as_of`` or closed in the period).
        open: Of those, still open.
        won: Of those, won.
        lost: Of those, lost.
        cycle: The sales cycle of the won ones.
    """

    as_of: date
    since: date | None
    deals: int
    open: int
    won: int
    lost: int
    cycle: CycleStats

    @property
    def win_rate(self) -> float | None:
        """The win rate, won ÷ (won + lost); ``None`` when nothing closed."""
        return share_of(self.won, self.won + self.lost)

    @property
    def lost_share(self) -> float | None:
        """The lost-order share (流失的定单%), lost ÷ deals; ``None`` without deals."""
        return share_of(self.lost, self.deals)

    def table(self, lang: Lang = "en") -> Table:
        """Return the figures for display: counts, win rate, lost share and sales cycle."""

        def pct(value: float | None) -> str:
            return "" if value is None else f"{value:.1%}"

        def days(value: float | None) -> str:
            return "" if value is None else f"{value:.0f}"

        rows: list[tuple[str, Cell]] = [
            (pick("deals", "商机数", lang), self.deals),
            (pick("open", "进行中", lang), self.open),
            (pick("won", "成交", lang), self.won),
            (pick("lost", "丢单", lang), self.lost),
            (pick("win rate (won ÷ closed)", "赢单率（成交 ÷ 已结）", lang), pct(self.win_rate)),
            (
                pick("lost orders % (lost ÷ deals)", "流失的定单%（丢单 ÷ 商机数）", lang),
                pct(self.lost_share),
            ),
            (pick("average sales cycle, days", "平均销售周期（天）", lang), days(self.cycle.mean)),
            (
                pick("median sales cycle, days", "销售周期中位数（天）", lang),
                days(self.cycle.median),
            ),
        ]
        period = (
            pick(f", deals closed since {self.since}", f"，{self.since} 以来结束的商机", lang)
            if self.since is not None
            else ""
        )
        title = pick(
            f"Funnel figures as of {self.as_of}{period}",
            f"截至 {self.as_of} 的漏斗指标{period}",
            lang,
        )
        return Table(title, (pick("figure", "指标", lang), pick("value", "数值", lang)), rows)


def funnel_summary(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date,
    since: date | None = None,
) -> FunnelSummary:
    """Return counts, win rate, lost share and sales cycle as of ``as_of``.

    Args:
        opportunities: The deals.
        funnel: Their funnel.
        as_of: Read the histories up to the end of this date.
        since: Count only deals closed on or after this date (and open ones).

    Raises:
        InvalidOpportunityError: For a history that does not chain.
        InvalidDateError: For a datetime where a date is expected.
    """
    deals = deals_of_period(opportunities, funnel, as_of, since)
    kinds = [funnel.kind_of(o) for o in deals]
    days = [
        (o.closed_on - o.created).days
        for o, k in zip(deals, kinds, strict=True)
        if k is StageKind.WON and o.closed_on is not None
    ]
    return FunnelSummary(
        as_of=as_of,
        since=since,
        deals=len(deals),
        open=kinds.count(StageKind.OPEN),
        won=kinds.count(StageKind.WON),
        lost=kinds.count(StageKind.LOST),
        cycle=_cycle(days),
    )


def win_rate(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date,
    since: date | None = None,
) -> float | None:
    """Return won ÷ closed as of ``as_of`` (``None`` when nothing closed); see :func:`funnel_summary`."""
    return funnel_summary(opportunities, funnel, as_of=as_of, since=since).win_rate


def sales_cycle(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date,
    since: date | None = None,
) -> CycleStats:
    """Return the sales cycle of won deals as of ``as_of``; see :func:`funnel_summary`."""
    return funnel_summary(opportunities, funnel, as_of=as_of, since=since).cycle


@attrs.frozen
class StageDurations:
    """Days spent in one stage, over the deals that were in it.

    Attributes:
        stage: The stage key.
        deals: How many deals spent time in it.
        latest_median: The median of each deal's latest stay.
        latest_mean: The mean of each deal's latest stay.
        total_median: The median of each deal's total over all its stays.
        total_mean: The mean of each deal's total over all its stays.
    """

    stage: str
    deals: int
    latest_median: float | None
    latest_mean: float | None
    total_median: float | None
    total_mean: float | None

    __attrs_post_init__ = check_stage_durations


def time_in_stages(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date,
    completed_only: bool = False,
) -> tuple[StageDurations, ...]:
    """Return time-in-stage figures per open stage of the ladder, as of ``as_of``.

    A stay still running counts up to ``as_of``, unless ``completed_only``
    leaves out each open deal's current stage. The won and lost outcomes have
    no time in stage.

    Raises:
        InvalidOpportunityError: For a history that does not chain.
    """
    latest: dict[str, list[int]] = {s.key: [] for s in funnel if s.kind is StageKind.OPEN}
    total: dict[str, list[int]] = {key: [] for key in latest}
    for o in snapshots(opportunities, funnel, as_of=as_of):
        running = o.stage if funnel.kind_of(o) is StageKind.OPEN else None
        for key, spent in time_in_stage(o, as_of=as_of).items():
            if key in latest and not (completed_only and key == running):
                latest[key].append(spent.latest)
                total[key].append(spent.total)
    return tuple(
        StageDurations(
            key,
            len(latest[key]),
            float(statistics.median(latest[key])) if latest[key] else None,
            statistics.fmean(latest[key]) if latest[key] else None,
            float(statistics.median(total[key])) if total[key] else None,
            statistics.fmean(total[key]) if total[key] else None,
        )
        for key in latest
    )
