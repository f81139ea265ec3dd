"""The forecast: opportunities rolled up by time and category, per owner and product.

Two views of the same opportunities at a reporting cutoff, as in the source's
forecast sheets (销售预测): by *time* (:class:`~salesfunnel.forecasting.buckets.TimeBucket`)
and by *forecast category* (:class:`~salesfunnel.forecasting.kinds.ForecastCategory`).
:func:`forecast` rolls a pipeline up per owner, per product, per both or in
total, with counts, amounts and probability-weighted amounts, converted into
one reporting currency with dated exchange rates. Sums are exact ``Decimal``
(in the library's own :func:`~salesfunnel.money.money_context`, whatever the
caller's :mod:`decimal` context): the buckets of a row add up to the row's
total and the rows to the grand total.

Closed (booked) and lost count the deals won or lost in the forecast's
*period* (the fiscal quarter of the cutoff unless ``period=`` says
otherwise), up to the cutoff; every other bucket and category counts the
deals open at the cutoff. A row's total adds both: open at the cutoff, plus
won and lost in the period (:meth:`Forecast.explain`).

Each deal is placed by its own funnel: with ``funnels={name: Funnel}``, a
deal whose ``pipeline`` (or ``funnel``) fact names one of them is placed by
that funnel and its category policy (:func:`pipeline_of`), the others by
``funnel=``. Without a policy, each funnel's
:func:`~salesfunnel.forecasting.categories.default_policy` is used, derived from its
stages.

>>> from datetime import date
>>> from salesfunnel import Opportunity
>>> deal = Opportunity(
...     id="D1",
...     name="ERP rollout",
...     account="Acme",
...     owner="Li Wei",
...     stage="negotiation",
...     created=date(2026, 1, 5),
...     expected_close=date(2026, 9, 15),
...     amount="100000",
...     currency="CNY",
...     product="ERP",
... )
>>> result = forecast([deal], cutoff=date(2026, 8, 31), by="owner")
>>> result.row("Li Wei").categories[ForecastCategory.COMMIT]
Figures(count=1, amount=Decimal('100000'), weighted=Decimal('80000.0'))
>>> result.row("Li Wei").buckets[TimeBucket.WITHIN_3_MONTHS].amount
Decimal('100000')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import attrs

from salesfunnel.calendar import (
    GREGORIAN,
    FiscalCalendar,
    FiscalQuarter,
    FiscalYear,
    Period,
    check_date,
)
from salesfunnel.errors import CurrencyError, OptionError
from salesfunnel.forecasting._cells import CELLS, Accumulator, Chooser, Placer, cell_sums
from salesfunnel.forecasting._invariants import check_forecast, check_grouping, check_row
from salesfunnel.forecasting._tally import converted_lines, tally
from salesfunnel.forecasting.buckets import TimeBucket
from salesfunnel.forecasting.categories import CategoryPolicy, default_policy
from salesfunnel.forecasting.kinds import ForecastCategory
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.stages import Funnel
from salesfunnel.fx import ExchangeRates
from salesfunnel.i18n import Lang, Text, check_lang
from salesfunnel.money import Currency, currency_code, money_context
from salesfunnel.tables import Tabular

if TYPE_CHECKING:
    from salesfunnel.tables import Table

__all__ = [
    "Figures",
    "Forecast",
    "ForecastOptionError",
    "ForecastRow",
    "GroupKey",
    "converted_lines",
    "forecast",
    "reporting_currency",
]

#: What a forecast can be grouped by.
GroupKey = Literal["owner", "product"]


#: The :class:`~salesfunnel.errors.OptionError` of forecast options (one class for every option).
ForecastOptionError = OptionError


@attrs.frozen
class Figures:
    """Count, amount and probability-weighted amount of a set of opportunities.

    Attributes:
        count: How many opportunities.
        amount: Their amount, in the reporting currency.
        weighted: The sum of amount × win probability.
    """

    count: int = 0
    amount: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)

    def __add__(self, other: Figures) -> Figures:
        """Add two sets of figures (exactly, whatever the caller's decimal context)."""
        with money_context():
            return Figures(
                self.count + other.count,
                self.amount + other.amount,
                self.weighted + other.weighted,
            )


_ZERO = Figures()


@attrs.frozen
class ForecastRow:
    """One row of a forecast: a group's figures by bucket, by category, and in total.

    Attributes:
        group: The group's key values, in the order of ``Forecast.by`` (``()``
            for the grand total).
        cells: Figures per (bucket, category) pair that has any deal.
        buckets: Figures per time bucket (every bucket, in order).
        categories: Figures per forecast category (every category, in order).
        total: The row's total.
    """

    group: tuple[str, ...]
    cells: Mapping[tuple[TimeBucket, ForecastCategory], Figures] = attrs.field(hash=False)
    buckets: Mapping[TimeBucket, Figures] = attrs.field(hash=False)
    categories: Mapping[ForecastCategory, Figures] = attrs.field(hash=False)
    total: Figures

    __attrs_post_init__ = check_row


def _row(group: tuple[str, ...], acc: Accumulator | None) -> ForecastRow:
    figures = {}
    if acc is not None:
        for i, count in enumerate(acc.counts):
            if count:
                figures[CELLS[i]] = Figures(count, acc.amounts[i], acc.weighted[i])
    buckets, categories, total = cell_sums(figures)
    return ForecastRow(
        group,
        MappingProxyType(figures),
        MappingProxyType({b: Figures(*f) for b, f in buckets.items()}),
        MappingProxyType({c: Figures(*f) for c, f in categories.items()}),
        Figures(*total),
    )


def _this_quarter(forecast: Forecast) -> Period:
    return forecast.quarter


@attrs.frozen
class Forecast(Tabular):
    """A forecast at a cutoff: rows per group, and the grand total.

    A deal counts once in its owner's row; by product, a deal with lines of
    several products counts once in each product's row (so product counts
    can add up to more than the total count) and each line's amount goes to
    its own product (so amounts always add up exactly).

    What a total adds: every deal open at the cutoff (overdue, in the month
    buckets or beyond 12 months, whatever its category), plus the deals won
    (closed, booked) and lost in :attr:`period` up to the cutoff. Deals won
    or lost outside the period are not in the forecast. :meth:`explain`
    says so in words.

    Attributes:
        cutoff: The reporting cutoff.
        calendar: The fiscal calendar.
        quarter: The cutoff's fiscal quarter ("this quarter").
        currency: The reporting currency (``None`` when there were no deals).
        by: What the rows are grouped by (``()``: the total only).
        rows: One row per group, sorted by group.
        total: The grand total row.
        not_yet_created: Ids of opportunities created after the cutoff (left out).
        period: The period whose won and lost deals are counted (default:
            :attr:`quarter`).
    """

    cutoff: date
    calendar: FiscalCalendar
    quarter: FiscalQuarter
    currency: Currency | None
    by: tuple[GroupKey, ...]
    rows: tuple[ForecastRow, ...]
    total: ForecastRow
    not_yet_created: tuple[str, ...] = ()
    period: Period = attrs.field(default=attrs.Factory(_this_quarter, takes_self=True))

    __attrs_post_init__ = check_forecast

    def explain(self, lang: Lang = "en") -> str:
        """Say what the forecast counts: its period, what a total adds, the currency.

        >>> from datetime import date
        >>> print(forecast([], cutoff=date(2026, 8, 31)).explain())
        Forecast as of 2026-08-31; this quarter is 2026 Q3. Closed (booked) and Lost count the deals won or lost in 2026 Q3 up to the cutoff; every other bucket and category counts the deals open at the cutoff, wherever their expected close falls. Each total adds both: open at the cutoff + won + lost in 2026 Q3.
        """
        lang = check_lang(lang)
        p, q = self.period.label(lang), self.quarter.label(lang)
        text = Text(
            f"Forecast as of {self.cutoff}; this quarter is {q}. Closed (booked) and Lost "
            f"count the deals won or lost in {p} up to the cutoff; every other bucket and "
            "category counts the deals open at the cutoff, wherever their expected close "
            f"falls. Each total adds both: open at the cutoff + won + lost in {p}.",
            f"截至 {self.cutoff} 的销售预测；本季度为{q}。已成交（已落单）与丢单只计{p}内截至截止日"
            "成交或丢单的商机；其余各列计截止日仍在进行中的商机，不论预计成交日在何时。"
            f"合计为两者之和：截止日进行中的 + {p}内成交的 + {p}内丢单的。",
        )(lang)
        if self.currency is not None:
            text += Text(
                f" Amounts in {self.currency}: open deals at the cutoff's exchange rate, "
                "won and lost deals at the rate of their close date.",
                f"金额单位 {self.currency}：进行中的商机按截止日汇率，成交与丢单的按其结束日汇率折算。",
            )(lang)
        return text

    def row(self, *group: str) -> ForecastRow:
        """Return the row of ``group`` (an owner, a product, or owner and product).

        A group with no deals gets a row of zeros; with no grouping, ``row()``
        is the grand total.

        Raises:
            ForecastOptionError: If the number of keys does not match ``by``.
        """
        if len(group) != len(self.by):
            raise ForecastOptionError(
                f"this forecast is grouped by {list(self.by)}; give {len(self.by)} "
                f"key(s), got {list(group)}",
                option="group",
                value=group,
            )
        if not group:
            return self.total
        for row in self.rows:
            if row.group == group:
                return row
        return _row(tuple(group), None)

    def table(
        self,
        view: Literal["time", "category"] = "time",
        *,
        measure: Literal["amount", "weighted", "count"] = "amount",
        lang: Lang = "en",
    ) -> Table:
        """Return the forecast sheet as a :class:`~salesfunnel.render.Table`.

        See :func:`salesfunnel.forecasting.report_form.forecast_sheet`.
        """
        from salesfunnel.forecasting.report_form import forecast_sheet  # noqa: PLC0415

        return forecast_sheet(self, view=view, measure=measure, lang=lang)

    def _tables(self) -> tuple[Table, Table]:
        return self.table("time"), self.table("category")


def check_by(by: str | Iterable[str]) -> tuple[GroupKey, ...]:
    items = [p.strip() for p in by.split(",") if p.strip()] if isinstance(by, str) else list(by)
    out: list[GroupKey] = []
    for item in items:
        if item == "owner":
            out.append("owner")
        elif item == "product":
            out.append("product")
        else:
            raise ForecastOptionError(
                f"by: {item!r} is not a grouping; use 'owner', 'product' or both",
                option="by",
                value=by,
            )
    check_grouping(out, by)
    return tuple(out)


def reporting_currency(
    opportunities: Sequence[Opportunity], currency: str | None
) -> Currency | None:
    """Return the reporting currency: ``currency``, or the deals' one currency.

    Raises:
        CurrencyError: For a code that is not ISO 4217, or deals in several
            currencies without ``currency``.
    """
    if currency is not None:
        return currency_code(currency)
    found = sorted({o.currency for o in opportunities})
    if len(found) > 1:
        raise CurrencyError(
            f"the opportunities are in {', '.join(found)}; pass currency= (the "
            "reporting currency) and rates= (an ExchangeRates) to convert them",
            code=",".join(found),
        )
    return Currency(found[0]) if found else None


def forecast(
    opportunities: Iterable[Opportunity],
    *,
    cutoff: date,
    calendar: FiscalCalendar = GREGORIAN,
    by: str | Iterable[str] = (),
    currency: str | None = None,
    rates: ExchangeRates | None = None,
    policy: CategoryPolicy | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
    funnels: Mapping[str, Funnel] | None = None,
    policies: Mapping[str, CategoryPolicy] | None = None,
    period: FiscalQuarter | FiscalYear | str | None = None,
) -> Forecast:
    """Roll ``opportunities`` up by time bucket and forecast category at ``cutoff``.

    Every opportunity is taken as it stood at the end of the cutoff day
    (opportunities created later are left out and listed in
    :attr:`Forecast.not_yet_created`; dated overrides and revisions after
    the cutoff are rolled back), placed by its funnel in one
    :class:`~salesfunnel.forecasting.buckets.TimeBucket` and one
    :class:`ForecastCategory`, and its line amounts are converted into the
    reporting currency: open deals at the cutoff's rate, won and lost deals
    at the rate of their close date (``closed_on``, or, for a deal created
    already won or lost, the day its history closes it). Won and lost deals count only when they
    closed in ``period`` (by default the cutoff's fiscal quarter); a row's
    total is the deals open at the cutoff plus those won and lost in the
    period. The weighted amount uses the deal's win probability
    (:meth:`Funnel.probability_of <salesfunnel.Funnel.probability_of>`). A
    deal read without a stage history
    (:data:`~salesfunnel.funnel.records.UNRECORDED_STAGE`) is open until its
    ``closed_on``.

    Args:
        opportunities: The pipeline.
        cutoff: The reporting cutoff date (截止上报时间).
        calendar: The fiscal calendar that defines "this quarter".
        by: ``"owner"``, ``"product"``, both (``("owner", "product")`` or
            ``"owner,product"``), or ``()`` for the total only.
        currency: The reporting currency (default: the opportunities' one
            currency).
        rates: Exchange rates into ``currency`` (needed when deals are in
            other currencies).
        policy: The category policy of ``funnel`` (default:
            :func:`~salesfunnel.forecasting.categories.default_policy`, derived from its
            stages).
        funnel: The funnel of the deals that name no pipeline.
        funnels: More pipelines, by name: a deal whose ``pipeline`` (or
            ``funnel``) fact names one is placed by that funnel
            (:func:`funnel_of`), and all are rolled up together.
        policies: The category policy of each of ``funnels`` by name
            (default: each one's ``default_policy``).
        period: The period whose won and lost deals count: a
            :class:`~salesfunnel.calendar.FiscalQuarter`, a
            :class:`~salesfunnel.calendar.FiscalYear` or a label such as
            ``"FY2027"`` of ``calendar`` (default: the cutoff's quarter).

    Returns:
        The :class:`Forecast`.

    Raises:
        InvalidDateError: If ``cutoff`` is a datetime or not a date.
        CurrencyError: For mixed currencies without ``currency=``.
        MissingRateError: For a deal whose currency has no rate on the date
            it is converted at (the error names both).
        ForecastOptionError: For an unknown ``by``, or a policy for a
            pipeline not in ``funnels``.
        InvalidCategoryError: For a bad ``category_override``.
        PolicyStageError: For a policy naming a stage its funnel does not
            have (the message names both).
        UnknownStageError: For a stage a deal's funnel does not have.
        UnknownPipelineError: For a deal naming a pipeline not in ``funnels``.
        UnknownPeriodError: For a ``period`` that is not one of ``calendar``.

    Two pipelines in one forecast, the second one a CRM's own stages:

    >>> from salesfunnel import Funnel
    >>> crm = Funnel.from_stage_names(
    ...     ["Prospecting", "Engaging", "Won", "Lost"], won="Won", lost="Lost", name="crm"
    ... )
    >>> def deal(id_, stage, **more):
    ...     return Opportunity(
    ...         id=id_,
    ...         name="Upsell",
    ...         account="Acme",
    ...         owner="Ann",
    ...         stage=stage,
    ...         created=date(2026, 7, 1),
    ...         expected_close=date(2026, 9, 10),
    ...         amount="30000",
    ...         currency="CNY",
    ...         **more,
    ...     )
    >>> deals = [
    ...     deal("N1", "negotiation"),
    ...     deal("C1", "Engaging", facts={"pipeline": "crm"}),
    ...     deal("C2", "Won", closed_on=date(2026, 8, 3), facts={"pipeline": "crm"}),
    ...     deal("C3", "Won", closed_on=date(2026, 8, 3)),
    ... ]
    >>> both = forecast(deals[:3], cutoff=date(2026, 8, 31), funnels={"crm": crm})
    >>> both.total.categories[ForecastCategory.COMMIT].amount
    Decimal('60000')
    >>> both.total.categories[ForecastCategory.BOOKED].count
    1
    >>> forecast(deals, cutoff=date(2026, 8, 31), funnels={"crm": crm})
    Traceback (most recent call last):
    ...
    salesfunnel.errors.UnknownStageError: unknown stage 'Won'; this funnel has: target_segment, potential, intent, project, recognition, negotiation, closed, lost
    """
    with money_context():
        return _forecast(
            opportunities,
            cutoff=cutoff,
            calendar=calendar,
            by=by,
            currency=currency,
            rates=rates,
            pipelines=_pipelines(funnel, policy, funnels, policies),
            period=period,
        )


def _pipelines(
    funnel: Funnel,
    policy: CategoryPolicy | None,
    funnels: Mapping[str, Funnel] | None,
    policies: Mapping[str, CategoryPolicy] | None,
) -> dict[str | None, tuple[Funnel, CategoryPolicy]]:
    """Each pipeline's funnel and checked policy; ``None`` is ``funnel=``."""
    extra = dict(funnels or {})
    chosen = dict(policies or {})
    unknown = sorted(set(chosen) - set(extra))
    if unknown:
        raise ForecastOptionError(
            f"policies: {', '.join(map(repr, unknown))} name no pipeline of funnels=; "
            "give a policy per key of funnels",
            option="policies",
            value=unknown,
        )
    out: dict[str | None, tuple[Funnel, CategoryPolicy]] = {
        None: (funnel, (default_policy(funnel) if policy is None else policy).check(funnel))
    }
    for name, its in extra.items():
        rules = chosen.get(name)
        out[name] = (its, (default_policy(its) if rules is None else rules).check(its))
    return out


def _forecast(
    opportunities: Iterable[Opportunity],
    *,
    cutoff: date,
    calendar: FiscalCalendar,
    by: str | Iterable[str],
    currency: str | None,
    rates: ExchangeRates | None,
    pipelines: dict[str | None, tuple[Funnel, CategoryPolicy]],
    period: FiscalQuarter | FiscalYear | str | None,
) -> Forecast:
    cutoff = check_date(cutoff, field="cutoff")
    keys = check_by(by)
    deals = opportunities if isinstance(opportunities, Sequence) else tuple(opportunities)
    target = reporting_currency(deals, currency)
    fx = rates if rates is not None else ExchangeRates()
    quarter = calendar.quarter_of(cutoff)
    counted: Period = quarter if period is None else calendar.period(period)
    placers = {
        name: Placer(cutoff, quarter, counted, f, rules) for name, (f, rules) in pipelines.items()
    }
    choose = Chooser(placers)
    groups, totals, later = tally(
        deals, cutoff=cutoff, choose=choose, target=target, fx=fx, keys=keys
    )
    rows = tuple(_row(g, groups[g]) for g in sorted(groups))
    return Forecast(
        cutoff=cutoff,
        calendar=calendar,
        quarter=quarter,
        currency=target,
        by=keys,
        rows=rows,
        total=_row((), totals),
        not_yet_created=tuple(later),
        period=counted,
    )
