"""Deal health as of a date: stale deals and deal heat (成交热度).

**Stale deals** (:func:`stale_deals`): an open deal is stale when nothing that
*resets the clock* happened for longer than its stage's threshold. What resets
the clock is explicit (:class:`ClockReset`); by default only stage moves do,
because pushing a close date out or changing the amount does not show that a
deal is progressing. Creation always starts the clock.

**Deal heat** (:func:`deal_heat`): a score from 0 (cold) to 100 (hot), the
weighted average of four parts, each in [0, 1]:

* *stage*: how far up the ladder the deal is (ladder position ÷ top position);
* *probability*: its probability of being won (override, else the stage's);
* *recency*: ``0.5 ** (days since the last change ÷ half-life)``: 1 on the
  day of a change, 0.5 one half-life (30 days by default) later;
* *close*: how near the expected close is: 1 when it is today, falling
  linearly to 0 at the horizon (90 days by default, the course's "three
  months"); 0 when the date has already passed (a close date that slipped is
  not a sign of heat).

Equal weights by default. A score of 70 or more is *hot*, 40 or more *warm*.

>>> from datetime import date
>>> from salesfunnel import DEFAULT_FUNNEL, Opportunity
>>> deal = Opportunity(
...     id="D1",
...     name="ERP",
...     account="Acme",
...     owner="Ann",
...     stage="negotiation",
...     created=date(2026, 9, 1),
...     expected_close=date(2026, 10, 15),
...     amount="100000",
...     currency="CNY",
... )
>>> heat = deal_heat(deal, as_of=date(2026, 9, 30))
>>> heat.band.label("zh"), round(heat.score)
('热', 74)
>>> [s.opportunity_id for s in stale_deals([deal], as_of=date(2026, 11, 15))]
['D1']
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType

import attrs

from salesfunnel.analytics.conversion import check_history, snapshots
from salesfunnel.calendar import check_date
from salesfunnel.errors import InvalidOpportunityError, InvalidResultError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.history import snapshot
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import ChangeKind, Reprice, Reschedule, StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.i18n import Lang, Text
from salesfunnel.pipeline.parameters import InvalidParameterError
from salesfunnel.tables import Table

__all__ = [
    "DEFAULT_RESETS",
    "DEFAULT_STALE_DAYS",
    "ClockReset",
    "DealHeat",
    "Heat",
    "HeatWeights",
    "StaleDeal",
    "clock_start",
    "deal_heat",
    "heat_ranking",
    "heat_table",
    "stale_deals",
]


class ClockReset(enum.Enum):
    """A change that restarts a deal's stale clock."""

    #: A forward stage move (one stage, or a skip).
    ADVANCE = "advance"
    #: A move back to an earlier stage.
    REGRESS = "regress"
    #: A lost deal brought back.
    REOPEN = "reopen"
    #: A new expected close date.
    RESCHEDULE = "reschedule"
    #: A new amount or new line items.
    REPRICE = "reprice"


#: What resets the clock unless told otherwise: stage moves only.
DEFAULT_RESETS: frozenset[ClockReset] = frozenset(
    {ClockReset.ADVANCE, ClockReset.REGRESS, ClockReset.REOPEN}
)

#: Days without a reset after which a deal in each stage of the default funnel
#: is stale (defaults of ours: the later the stage, the shorter the patience).
DEFAULT_STALE_DAYS: Mapping[str, int] = MappingProxyType(
    {
        "target_segment": 60,
        "potential": 45,
        "intent": 45,
        "project": 60,
        "recognition": 45,
        "negotiation": 30,
    }
)

_KIND_RESET = {
    ChangeKind.ADVANCE: ClockReset.ADVANCE,
    ChangeKind.SKIP: ClockReset.ADVANCE,
    ChangeKind.REGRESS: ClockReset.REGRESS,
    ChangeKind.REOPEN: ClockReset.REOPEN,
}


@attrs.frozen
class StaleDeal:
    """An open deal with no reset for longer than its stage's threshold.

    Attributes:
        opportunity_id: The deal's id.
        owner: Its salesperson.
        stage: Its stage on ``as_of``.
        since: The date the clock last restarted.
        days: Days from ``since`` to ``as_of``.
        threshold: The stage's threshold in days.
    """

    opportunity_id: str
    owner: str
    stage: str
    since: date
    days: int
    threshold: int

    def __attrs_post_init__(self) -> None:
        """Refuse a negative threshold, and a deal that is not past it.

        Raises:
            InvalidResultError: Naming the field at fault.
        """
        if self.threshold < 0:
            raise InvalidResultError(
                "StaleDeal", "threshold", "is negative", "a threshold is 0 days or more"
            )
        if self.days <= self.threshold:
            raise InvalidResultError(
                "StaleDeal",
                "days",
                f"is not above the threshold of {self.threshold} days, so the deal is not stale",
            )

    @property
    def overdue(self) -> int:
        """Days past the threshold."""
        return self.days - self.threshold


def _days(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidParameterError(
            f"{name}: expected a whole number of days, 0 or more, got {value!r}",
            parameter=name,
            value=value,
        )
    return value


def clock_start(opportunity: Opportunity, resets: Iterable[ClockReset] = DEFAULT_RESETS) -> date:
    """Return the date ``opportunity``'s stale clock last restarted.

    That is the latest of its creation and of every change of a kind in
    ``resets`` (its whole recorded history: take a :func:`~salesfunnel.snapshot`
    first to look from a past date).
    """
    chosen = frozenset(resets)
    dates = [opportunity.history[0].on]
    dates += [c.on for c in opportunity.history if _KIND_RESET.get(c.kind) in chosen]
    for rev in opportunity.revisions:
        if (isinstance(rev, Reschedule) and ClockReset.RESCHEDULE in chosen) or (
            isinstance(rev, Reprice) and ClockReset.REPRICE in chosen
        ):
            dates.append(rev.on)
    return max(dates)


def stale_deals(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date,
    thresholds: Mapping[str, int] = DEFAULT_STALE_DAYS,
    default_days: int = 45,
    resets: Iterable[ClockReset] = DEFAULT_RESETS,
) -> tuple[StaleDeal, ...]:
    """Return the deals open on ``as_of`` whose clock ran past their stage's threshold.

    Args:
        opportunities: The deals.
        funnel: Their funnel.
        as_of: The date to look from (changes after it are ignored).
        thresholds: Days per stage key.
        default_days: The threshold of a stage not in ``thresholds``.
        resets: What restarts the clock (see :class:`ClockReset`).

    Returns:
        The stale deals, most overdue first.

    Raises:
        InvalidParameterError: For a negative or non-integer threshold.
        InvalidOpportunityError: For a history that does not chain.
    """
    limits = {key: _days(v, f"thresholds[{key!r}]") for key, v in thresholds.items()}
    fallback = _days(default_days, "default_days")
    chosen = frozenset(resets)
    out = []
    for o in snapshots(opportunities, funnel, as_of=as_of):
        if funnel.kind_of(o) is not StageKind.OPEN:
            continue
        since = clock_start(o, chosen)
        days = (as_of - since).days
        limit = limits.get(o.stage, fallback)
        if days > limit:
            out.append(StaleDeal(o.id, o.owner, o.stage, since, days, limit))
    return tuple(sorted(out, key=lambda s: (-s.overdue, s.opportunity_id)))


class Heat(enum.Enum):
    """A deal-heat band (成交热度)."""

    #: A score of 70 or more.
    HOT = "hot"
    #: A score of 40 or more.
    WARM = "warm"
    #: Below 40.
    COLD = "cold"

    def label(self, lang: Lang = "en") -> str:
        """Return the band's name in ``lang``."""
        return _BANDS[self](lang)


_BANDS = {
    Heat.HOT: Text("hot", "热"),
    Heat.WARM: Text("warm", "温"),
    Heat.COLD: Text("cold", "冷"),
}


def _weight(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise InvalidParameterError(
            f"heat weight: expected a number 0 or more, got {value!r}",
            parameter="weights",
            value=value,
        )
    return float(value)


@attrs.frozen
class HeatWeights:
    """The weights of the four parts of the deal-heat score (normalised to sum to 1).

    Raises:
        InvalidParameterError: For a negative weight, or all weights 0.
    """

    stage: float = attrs.field(default=0.25, converter=_weight)
    probability: float = attrs.field(default=0.25, converter=_weight)
    recency: float = attrs.field(default=0.25, converter=_weight)
    close: float = attrs.field(default=0.25, converter=_weight)

    def __attrs_post_init__(self) -> None:
        """Refuse all-zero weights."""
        if not self.stage + self.probability + self.recency + self.close > 0:
            raise InvalidParameterError(
                "heat weights: at least one weight must be above 0",
                parameter="weights",
                value=self,
            )


@attrs.frozen
class DealHeat:
    """The heat of one open deal and its four parts (each in [0, 1]).

    Attributes:
        opportunity_id: The deal's id.
        score: The heat, 0 (cold) to 100 (hot).
        stage: Its ladder progress.
        probability: Its probability of being won.
        recency: How recently it changed.
        close: How near its expected close is.
    """

    opportunity_id: str
    score: float
    stage: float
    probability: float
    recency: float
    close: float

    def __attrs_post_init__(self) -> None:
        """Refuse parts outside [0, 1] and a score outside [0, 100].

        Raises:
            InvalidResultError: Naming the field at fault.
        """
        for name in ("stage", "probability", "recency", "close"):
            if not 0 <= getattr(self, name) <= 1:
                raise InvalidResultError(
                    "DealHeat", name, "is not in [0, 1]", "each part of the heat is a share"
                )
        if not 0 <= self.score <= 100:  # noqa: PLR2004  (the heat scale)
            raise InvalidResultError(
                "DealHeat", "score", "is not in [0, 100]", "the heat runs from 0 to 100"
            )

    @property
    def band(self) -> Heat:
        """Hot (70 or more), warm (40 or more) or cold."""
        return Heat.HOT if self.score >= 70 else Heat.WARM if self.score >= 40 else Heat.COLD  # noqa: PLR2004


def deal_heat(
    opportunity: Opportunity,
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date,
    weights: HeatWeights | None = None,
    half_life_days: int = 30,
    horizon_days: int = 90,
) -> DealHeat:
    """Return the heat of ``opportunity`` as it stood on ``as_of`` (see the module docstring).

    Raises:
        InvalidOpportunityError: If the deal did not exist or was not open on ``as_of``.
        InvalidParameterError: For a half-life or horizon below 1 day.
    """
    when = check_date(as_of, field="as_of")
    half_life = _days(half_life_days, "half_life_days")
    horizon = _days(horizon_days, "horizon_days")
    if not half_life or not horizon:
        raise InvalidParameterError(
            "half_life_days and horizon_days must be at least 1 day",
            parameter="half_life_days" if not half_life else "horizon_days",
            value=0,
        )
    then = snapshot(check_history(opportunity, funnel), when, funnel=funnel)
    if then is None or funnel.kind_of(then) is not StageKind.OPEN:
        raise InvalidOpportunityError(
            f"opportunity {opportunity.id!r} was not open on {when}; only open deals have a heat",
            opportunity_id=opportunity.id,
            field="stage",
        )
    w = weights or HeatWeights()
    top = len(funnel) - 1
    stage = funnel.index(then.stage) / top if top else 1.0
    probability = float(funnel.probability_of(then))
    recency = 0.5 ** ((when - then.last_change).days / half_life)
    ahead = (then.expected_close - when).days
    close = 0.0 if ahead < 0 else max(0.0, 1 - ahead / horizon)
    total = w.stage + w.probability + w.recency + w.close
    score = (
        100
        * (w.stage * stage + w.probability * probability + w.recency * recency + w.close * close)
        / total
    )
    return DealHeat(then.id, score, stage, probability, recency, close)


def heat_ranking(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date,
    weights: HeatWeights | None = None,
    half_life_days: int = 30,
    horizon_days: int = 90,
) -> tuple[DealHeat, ...]:
    """Return the heat of every deal open on ``as_of``, hottest first."""
    heats = [
        deal_heat(
            o,
            funnel,
            as_of=as_of,
            weights=weights,
            half_life_days=half_life_days,
            horizon_days=horizon_days,
        )
        for o in snapshots(opportunities, funnel, as_of=as_of)
        if funnel.kind_of(o) is StageKind.OPEN
    ]
    return tuple(sorted(heats, key=lambda h: (-h.score, h.opportunity_id)))


def heat_table(heats: Iterable[DealHeat], lang: Lang = "en") -> Table:
    """Return deal heats as a table for display."""

    def t(en: str, zh: str) -> str:
        return Text(en, zh)(lang)

    rows = [
        (
            h.opportunity_id,
            round(h.score, 1),
            h.band.label(lang),
            round(h.stage, 2),
            round(h.probability, 2),
            round(h.recency, 2),
            round(h.close, 2),
        )
        for h in heats
    ]
    headers = (
        t("deal", "商机"),
        t("heat", "热度"),
        t("band", "等级"),
        t("stage", "阶段"),
        t("probability", "概率"),
        t("recency", "近期变动"),
        t("close", "临近成交"),
    )
    return Table(t("Deal heat", "成交热度"), headers, rows)
