"""Sales velocity and additional business: how fast the pipeline turns into money, and from whom.

**Sales velocity** is open deals × win rate × average won amount ÷ average
cycle length, in money per day. **Additional business** (额外的生意) splits
the amount won into deals from accounts that had bought before and deals from
new accounts.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction

import attrs

from salesfunnel.analytics._invariants import (
    check_additional_business,
    check_velocity,
)
from salesfunnel.analytics.conversion import deals_of_period, share_of, snapshots
from salesfunnel.calendar import check_date
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.i18n import Lang, pick
from salesfunnel.pipeline._convolution import exact_context
from salesfunnel.pipeline.weighted import Converter, deal_values
from salesfunnel.tables import Cell, Table, Tabular, to_html

__all__ = ["AdditionalBusiness", "Velocity", "additional_business", "sales_velocity"]


def _amounts(
    deals: list[Opportunity], funnel: Funnel, convert: Converter | None, currency: str | None
) -> tuple[str | None, list[Decimal]]:
    code, pairs = deal_values(deals, funnel, convert=convert, currency=currency)
    return code, [a for a, _p in pairs]


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def _unit(currency: str | None, lang: Lang) -> str:
    return pick(f" ({currency})", f"（{currency}）", lang) if currency else ""


@attrs.frozen
class Velocity(Tabular):
    """Sales velocity and its parts.

    Attributes:
        open_deals: Deals open at ``as_of``.
        win_rate: won ÷ closed, or ``None`` when nothing closed.
        average_won: The average amount of a won deal (``None`` without any).
        cycle_days: The average sales cycle of won deals, in days.
        per_day: open deals × win rate × average won ÷ cycle: the money the
            pipeline turns into wins per day (``None`` when it cannot be told).
        currency: The currency of the amounts.
    """

    open_deals: int
    win_rate: float | None
    average_won: Decimal | None
    cycle_days: float | None
    per_day: Decimal | None
    currency: str | None

    __attrs_post_init__ = check_velocity

    def table(self, lang: Lang = "en") -> Table:
        """Return sales velocity and its parts for display."""
        rows: list[tuple[str, Cell]] = [
            (pick("open deals", "进行中商机", lang), self.open_deals),
            (pick("win rate (won ÷ closed)", "赢单率（成交 ÷ 已结）", lang), _pct(self.win_rate)),
            (pick("average won amount", "平均成交金额", lang), self.average_won),
            (
                pick("average sales cycle, days", "平均销售周期（天）", lang),
                "" if self.cycle_days is None else f"{self.cycle_days:.1f}",
            ),
            (pick("velocity per day", "每日销售速度", lang), self.per_day),
        ]
        title = pick("Sales velocity", "销售速度", lang) + _unit(self.currency, lang)
        note = pick(
            "open deals × win rate × average won amount ÷ average cycle",
            "进行中商机数 × 赢单率 × 平均成交金额 ÷ 平均销售周期",
            lang,
        )
        return Table(title, (pick("figure", "指标", lang), pick("value", "数值", lang)), rows, note)


def sales_velocity(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date,
    since: date | None = None,
    convert: Converter | None = None,
    currency: str | None = None,
) -> Velocity:
    """Return the sales velocity as of ``as_of`` (money per day).

    A cycle shorter than one day counts as one day. ``convert`` and
    ``currency`` are those of :func:`salesfunnel.pipeline.weighted.deal_values`.

    Raises:
        CurrencyError: For mixed currencies without ``convert``.
        InvalidOpportunityError: For a history that does not chain.
    """
    deals = deals_of_period(opportunities, funnel, as_of, since)
    won = [o for o in deals if funnel.kind_of(o) is StageKind.WON]
    lost = sum(funnel.kind_of(o) is StageKind.LOST for o in deals)
    opened = sum(funnel.kind_of(o) is StageKind.OPEN for o in deals)
    code, amounts = _amounts(won, funnel, convert, currency)
    if not won:
        per_day = Decimal(0) if lost else None
        return Velocity(opened, share_of(0, lost), None, None, per_day, code)
    days = [max(((o.closed_on or o.created) - o.created).days, 1) for o in won]
    with exact_context():
        total = sum(amounts, Decimal(0))
    exact = Fraction(opened * len(won)) * Fraction(total) / ((len(won) + lost) * sum(days))
    return Velocity(
        open_deals=opened,
        win_rate=len(won) / (len(won) + lost),
        average_won=_decimal(Fraction(total) / len(won)),
        cycle_days=statistics.fmean(days),
        per_day=_decimal(exact),
        currency=code,
    )


def _decimal(value: Fraction) -> Decimal:
    """A fraction of money as a Decimal rounded to the cent."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


@attrs.frozen
class AdditionalBusiness(Tabular):
    """Won amount from returning accounts versus new ones (额外的生意).

    Attributes:
        currency: The currency of the amounts.
        returning: Won from accounts that had bought before.
        new: Won from accounts buying for the first time.
        returning_deals: How many won deals from returning accounts.
        new_deals: How many from new accounts.
    """

    currency: str | None
    returning: Decimal
    new: Decimal
    returning_deals: int
    new_deals: int

    __attrs_post_init__ = check_additional_business

    @property
    def share(self) -> float | None:
        """The returning share, returning ÷ all won, by amount (``None`` when nothing was won)."""
        whole = self.returning + self.new
        return float(self.returning / whole) if whole else None

    def table(self, lang: Lang = "en") -> Table:
        """Return the won amount from returning and new accounts for display, with the total."""
        whole = self.returning + self.new

        def share(part: Decimal) -> str:
            return _pct(float(part / whole)) if whole else ""

        rows = [
            (
                pick("returning accounts", "老客户", lang),
                self.returning_deals,
                self.returning,
                share(self.returning),
            ),
            (pick("new accounts", "新客户", lang), self.new_deals, self.new, share(self.new)),
            (
                pick("total", "合计", lang),
                self.returning_deals + self.new_deals,
                whole,
                share(whole),
            ),
        ]
        headers = (
            pick("accounts", "客户", lang),
            pick("won deals", "成交商机", lang),
            pick("won amount", "成交金额", lang),
            pick("share", "占比", lang),
        )
        title = pick("Additional business", "额外的生意", lang) + _unit(self.currency, lang)
        return Table(title, headers, rows)

    def _repr_html_(self) -> str:
        """Show the split in a notebook, its last row as the total."""
        return to_html(self.table(), total=True)


def additional_business(
    opportunities: Iterable[Opportunity],
    funnel: Funnel = DEFAULT_FUNNEL,
    *,
    as_of: date,
    since: date | None = None,
    known_customers: Iterable[str] = (),
    convert: Converter | None = None,
    currency: str | None = None,
) -> AdditionalBusiness:
    """Split the amount won (in the period) by returning and new accounts.

    An account is *returning* for a won deal if it is in ``known_customers``
    (buyers from before the data) or another of its deals was won on an
    earlier day (any time before, not only in the period). Two deals won by a
    new account on its first day both count as new.

    Args:
        opportunities: The deals.
        funnel: Their funnel.
        as_of: Read the histories up to the end of this date.
        since: Count only deals won on or after this date.
        known_customers: Accounts that bought before the data begins.
        convert: See :func:`salesfunnel.pipeline.weighted.deal_values`.
        currency: See :func:`salesfunnel.pipeline.weighted.deal_values`.

    Raises:
        CurrencyError: For mixed currencies without ``convert``.
    """
    deals = snapshots(opportunities, funnel, as_of=as_of)
    won = sorted(
        (o for o in deals if funnel.kind_of(o) is StageKind.WON and o.closed_on is not None),
        key=lambda o: (o.closed_on, o.id),
    )
    first_win: dict[str, date] = {}
    for o in won:
        first_win.setdefault(o.account, o.closed_on or as_of)
    start = None if since is None else check_date(since, field="since")
    counted = [o for o in won if start is None or (o.closed_on or as_of) >= start]
    code, amounts = _amounts(counted, funnel, convert, currency)
    known = frozenset(known_customers)
    returning, new = Decimal(0), Decimal(0)
    returning_deals = 0
    with exact_context():
        for o, amount in zip(counted, amounts, strict=True):
            if o.account in known or first_win[o.account] < (o.closed_on or as_of):
                returning += amount
                returning_deals += 1
            else:
                new += amount
    return AdditionalBusiness(code, returning, new, returning_deals, len(counted) - returning_deals)
