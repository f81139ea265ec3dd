"""The forecast on a DataFrame: buckets × categories per owner and product, computed by the engine.

:func:`forecast_frame` gives the figures of :func:`salesfunnel.forecasting.rollup.forecast`
for a frame of opportunities (one row per opportunity, the columns of the CSV
format) as a frame, one row per non-empty (group, bucket, category) cell. It
is written with narwhals, so the same code runs on pandas, polars, Dask and
the other engines narwhals speaks, and the work happens inside the engine.

A frame holds each opportunity as it is *now*: it has no history. Each row
is taken as the snapshot deal it describes, as the core takes a deal read
without a history (:func:`~salesfunnel.funnel.records.default_history`): a won or
lost row with a ``closed_on`` after the cutoff was open then. So the result
equals the core forecast of the opportunities the frame holds, and that of
the full histories whenever nothing else about them changed after the
cutoff (always true for a cutoff on or after the data's as-of date). Rows
created after the cutoff are left out, and booked and lost count the deals
closed in the forecast's period, as in the core.

>>> import pandas as pd
>>> from datetime import date
>>> from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
>>> from salesfunnel.frames import to_pandas
>>> usd = to_pandas([d for d in sample_pipeline() if d.currency == "USD"], drop_history=True)
>>> result = forecast_frame(usd, cutoff=SAMPLE_AS_OF)
>>> list(result.columns)
['bucket', 'category', 'count', 'amount', 'weighted']
>>> print(result.head(4).to_string(index=False))
 bucket            category  count amount weighted
 closed              booked      5 136900 136900.0
overdue upside_this_quarter      3  37000  22200.0
overdue            pipeline     13 465300 249140.0
overdue             omitted      3 162700  17580.0
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, tzinfo
from typing import Any

import attrs
import narwhals.stable.v2 as nw
from narwhals.stable.v2.dependencies import is_dask_dataframe

from salesfunnel.calendar import (
    GREGORIAN,
    FiscalCalendar,
    FiscalQuarter,
    FiscalYear,
    Period,
    check_date,
)
from salesfunnel.forecasting.buckets import TimeBucket, month_edges
from salesfunnel.forecasting.categories import CategoryPolicy, default_policy
from salesfunnel.forecasting.kinds import CloseWindow, ForecastCategory, InvalidCategoryError
from salesfunnel.forecasting.rollup import check_by
from salesfunnel.frames._aggregate import aggregate
from salesfunnel.frames._cells import CellOptions, Scale, zone
from salesfunnel.frames._common import (
    Frame,
    MoneyKind,
    collect,
    columns_of,
    money_kind,
    probability,
    probability_places,
    product,
    require,
    scale_of,
    stage_on,
    stage_sets,
    to_native,
    wrap,
)
from salesfunnel.frames._fx_units import converted_cells, rate_date
from salesfunnel.frames._lines import Expansion, expand
from salesfunnel.frames._normalise import normalise
from salesfunnel.frames._partitions import on_partitions
from salesfunnel.frames._polars_lines import polars_cells, spaced
from salesfunnel.frames._scaled import Scaled, give_back, lines, scaled
from salesfunnel.frames._scan import rate_dates, reporting_currency, scan
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.stages import Funnel
from salesfunnel.fx import ExchangeRates

__all__ = ["forecast_frame"]

_FUNCTION = "forecast_frame"
_BUCKETS = tuple(TimeBucket)
_CATEGORIES = tuple(ForecastCategory)
_B = {b: i for i, b in enumerate(_BUCKETS)}
_C = {c: i for i, c in enumerate(_CATEGORIES)}
_WINDOWS = tuple(CloseWindow)
_MONTH_BUCKETS = (
    TimeBucket.WITHIN_3_MONTHS,
    TimeBucket.MONTHS_3_TO_6,
    TimeBucket.MONTHS_6_TO_9,
    TimeBucket.MONTHS_9_TO_12,
)


def forecast_frame(
    df: Any,  # noqa: ANN401 - any native frame narwhals accepts (pandas, polars, Dask, ...)
    *,
    cutoff: date,
    by: str | Iterable[str] = (),
    calendar: FiscalCalendar = GREGORIAN,
    currency: str | None = None,
    rates: ExchangeRates | None = None,
    policy: CategoryPolicy | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
    period: FiscalQuarter | FiscalYear | str | None = None,
    allow_float: bool = True,
    tz: tzinfo | str | None = None,
    probability_scale: Scale = "fraction",
) -> Any:  # noqa: ANN401 - a frame of the same engine as ``df``
    """Roll a frame of opportunities up by time bucket and forecast category at ``cutoff``.

    The figures are those of :func:`salesfunnel.forecasting.rollup.forecast` on the
    same opportunities (see the module docstring for what a frame can and
    cannot know): each row's bucket from its expected close (half-open
    month intervals after the cutoff, month ends clipped), its category from
    the stage and the close's place relative to the cutoff's fiscal quarter
    (a ``category_override`` wins for an open deal), its weight from the win
    probability (the ``probability`` column, else the stage's; won 1, lost 0).

    Columns used: ``stage``, ``created``, ``expected_close``, ``amount``,
    ``currency``; ``owner`` to group by owner; ``products`` (the line items,
    as in the CSV format) to group by product or to convert currencies; and
    ``probability``, ``category_override``, ``closed_on`` and ``id`` where
    present. Columns are read as :func:`~salesfunnel.frames.from_pandas`
    reads cells: money as ``Decimal`` objects or a decimal type (computed
    on directly), or floats, whole numbers and text (converted exactly
    first); dates as dates (directly), or date-times, Arrow timestamps and
    ISO text (converted first; aware date-times need ``tz``).

    A won or lost row with a ``closed_on`` after the cutoff was still open
    then, in :data:`~salesfunnel.funnel.records.UNRECORDED_STAGE` (a frame has no
    history), exactly as the core treats such a deal.

    Args:
        df: The opportunities: a pandas, polars or Dask DataFrame (or any
            frame narwhals accepts).
        cutoff: The reporting cutoff date (截止上报时间).
        by: ``"owner"``, ``"product"``, both, or ``()`` for the total only.
        calendar: The fiscal calendar that defines "this quarter".
        currency: The reporting currency (default: the frame's one currency).
        rates: Exchange rates into ``currency``: open deals convert at the
            cutoff's rate, won and lost deals at their close date's, each
            line rounded half-even to cents.
        policy: The category policy (default:
            :func:`~salesfunnel.forecasting.categories.default_policy` of ``funnel``).
        funnel: The funnel the stages belong to.
        period: The period whose won and lost deals count (default: the
            cutoff's fiscal quarter), as in the core forecast.
        allow_float: Read float money through each float's shortest repr
            (``0.1`` is ``Decimal("0.1")``); ``False`` refuses float columns.
        tz: The time zone that aware date-times are converted to before
            their date is taken (a name such as ``"UTC"`` or a ``tzinfo``).
        probability_scale: ``"fraction"`` (``0.6``) or ``"percent"`` (``60``)
            for the ``probability`` column.

    Returns:
        A frame of the same engine (lazy for Dask) with the columns ``by``,
        then ``bucket`` (a :class:`~salesfunnel.TimeBucket` value),
        ``category`` (a :class:`~salesfunnel.ForecastCategory` value),
        ``count``, ``amount`` and ``weighted``: one row per non-empty cell,
        sorted by group, bucket and category (in their enum order). By
        product, a deal with several products counts once per product.

    Raises:
        InvalidDateError: If ``cutoff`` is not a plain date.
        ForecastOptionError: For an unknown ``by``.
        MissingColumnError: For a column the forecast needs and the frame lacks.
        ColumnTypeError: For money that is not numbers, or float money with
            ``allow_float=False``.
        FrameValueError: For missing values, negative amounts, bad products,
            or a cell that cannot be read (an aware date-time without
            ``tz``, an infinite amount, a probability outside its scale).
        InvalidMappingError: For a ``tz`` that is no time zone.
        UnknownStageError: For a stage ``funnel`` does not have.
        UnknownPeriodError: For a ``period`` that is not one of ``calendar``.
        PolicyStageError: For a policy naming a stage ``funnel`` does not have.
        InvalidCategoryError: For a ``category_override`` that names no
            category, or books an open deal.
        CurrencyError: For mixed currencies without ``currency=``.
        MissingRateError: For a currency with no rate on a date it is needed.
    """
    cutoff = check_date(cutoff, field="cutoff")
    keys = check_by(by)
    policy = (default_policy(funnel) if policy is None else policy).check(funnel)
    counted: Period = calendar.quarter_of(cutoff) if period is None else calendar.period(period)
    frame = wrap(df, function=_FUNCTION)
    names = columns_of(frame)
    needed = ["stage", "created", "expected_close", "amount", "currency"]
    require(frame, [*needed, *(["owner"] if "owner" in keys else [])], function=_FUNCTION)
    native: Any = nw.to_native(frame)
    if is_dask_dataframe(native):
        step = _OnPartition(
            {
                "cutoff": cutoff,
                "by": keys,
                "calendar": calendar,
                "currency": currency if currency is not None else _one_currency(native),
                "rates": rates,
                "policy": policy,
                "funnel": funnel,
                "period": period,
                "allow_float": allow_float,
                "tz": tz,
                "probability_scale": probability_scale,
            }
        )
        return on_partitions(native, step, keys=(*keys, "bucket", "category"), ranks=_RANKS)
    prob_column = "probability" if "probability" in names else None
    dates = [c for c in ("created", "expected_close", "closed_on") if c in names]
    options = CellOptions(allow_float, zone(tz), probability_scale)
    cells = _Cells(cutoff, keys, calendar, currency, rates, policy, funnel, counted)
    fast = scaled(
        frame,
        dates=dates,
        probability=prob_column,
        keep=[c for c in _USED if c in names],
        options=options,
        funnel=funnel,
    )
    if fast is not None:
        try:
            return cells.engine(fast, names, prob_column)
        except _SlowPathError:
            pass
    frame = normalise(
        frame,
        dates=dates,
        money=["amount"],
        probability=prob_column,
        options=options,
        function=_FUNCTION,
    )
    return to_native(
        cells.compute(frame, names, prob_column, probability_places(funnel, frame, prob_column))
    )


#: The order of the buckets and categories in a result.
_RANKS = {
    "bucket": {b.value: i for i, b in enumerate(_BUCKETS)},
    "category": {c.value: i for i, c in enumerate(_CATEGORIES)},
}


@attrs.frozen
class _OnPartition:
    """The forecast of one pandas partition of a Dask frame (picklable)."""

    options: dict[str, Any]

    def __call__(self, part: Any) -> Any:  # noqa: ANN401 - a pandas partition, untyped
        return forecast_frame(part, **self.options)


def _one_currency(native: Any) -> str | None:  # noqa: ANN401 - a Dask frame, untyped
    """The Dask frame's one currency (one small computation), as the reporting currency.

    Raises:
        CurrencyError: For several currencies.
    """
    found = sorted(str(c) for c in native["currency"].dropna().unique().compute())
    return reporting_currency(
        found,
        None,
        fix="pass currency= (the reporting currency) and rates= (an ExchangeRates) to convert them",
    )


#: The columns the forecast reads.
_USED = (
    "stage",
    "created",
    "expected_close",
    "amount",
    "currency",
    "owner",
    "products",
    "probability",
    "category_override",
    "closed_on",
    "id",
)


class _SlowPathError(Exception):
    """The engine path cannot take this frame (products to read slowly, a rate it cannot hold)."""


@attrs.frozen
class _Cells:
    """The forecast's options, and its computation on a frame of exact values."""

    cutoff: date
    keys: tuple[str, ...]
    calendar: FiscalCalendar
    currency: str | None
    rates: ExchangeRates | None
    policy: CategoryPolicy
    funnel: Funnel
    counted: Period

    def engine(self, fast: Scaled, names: list[str], prob_column: str | None) -> Any:  # noqa: ANN401 - a frame of the caller's engine
        """The forecast on units, every figure an integer sum in the engine."""
        # polars plans the steps as one query (its eager calls would each run on their own)
        start: Frame = fast.frame.lazy() if fast.back.startswith("polars") else fast.frame
        got = self.compute(start, names, prob_column, fast.places, fast=fast)
        scale = got.scale if isinstance(got, _Units) else fast.scale
        frame = got.frame if isinstance(got, _Units) else got
        return give_back(
            collect(frame), {"amount": scale, "weighted": scale + fast.places}, fast.back
        )

    def compute(
        self,
        frame: Frame,
        names: list[str],
        prob_column: str | None,
        prob_places: int,
        fast: Scaled | None = None,
    ) -> Any:  # noqa: ANN401 - a narwhals frame, or units
        """The forecast's cells (``fast``: on units, else on exact values)."""
        funnel, cutoff, keys, policy = self.funnel, self.cutoff, self.keys, self.policy
        counted, calendar = self.counted, self.calendar
        kind: MoneyKind = "scaled" if fast is not None else money_kind(frame, "amount")
        closed_on = "closed_on" in names
        frame = frame.with_columns(stage=stage_on(funnel, cutoff, has_closed_on=closed_on))
        override = "category_override" if "category_override" in names else None
        counts = (nw.col("created") <= cutoff) & _in_period(
            funnel, counted, cutoff, has_closed_on="closed_on" in names
        )
        found = scan(
            frame,
            funnel=funnel,
            function=_FUNCTION,
            required=["created", "expected_close", "amount"],
            kind=kind,
            counts=counts,
            override=override,
        )
        manual = _manual(frame, found.overrides, funnel, override)
        target = reporting_currency(
            found.currencies,
            self.currency,
            fix="pass currency= (the reporting currency) and rates= (an ExchangeRates) to "
            "convert them",
        )
        quarter = calendar.quarter_of(cutoff)
        rows = frame.filter(counts).with_columns(
            _p=probability(funnel, prob_column, kind, prob_places),
            _b=_bucket(funnel, cutoff),
            _w=_window(quarter),
        )
        rows = rows.with_columns(_c=_category(funnel, policy, manual, override))
        on = rate_date(funnel, cutoff, has_closed_on="closed_on" in names)
        pairs = []  # one currency, the target's: nothing to convert
        if target is not None and found.currencies != (target,):
            pairs = rate_dates(frame, target, on, counts)
        fx = self.rates if self.rates is not None else ExchangeRates()
        factors = {(c, d): fx.rate(c, target, on=d) for c, d in pairs} if target else {}
        group = [k for k in keys if k != "product"]
        if fast is not None and "product" in keys and "products" not in names:
            raise _SlowPathError
        if fast is not None and factors:
            converted = converted_cells(
                rows.with_columns(_on=on),
                (*keys, "_b", "_c"),
                fast,
                prob_places,
                factors,
                has_products="products" in names,
                function=_FUNCTION,
            )
            if converted is None:
                raise _SlowPathError
            return _Units(_finish(converted[0], keys), converted[1])
        if fast is not None and "product" in keys:
            selected = rows.select(*group, "_b", "_c", "_p", "amount", "products")
            if fast.back.startswith("polars"):
                got = polars_cells(
                    nw.to_native(selected),
                    (*keys, "_b", "_c"),
                    fast.scale,
                    fast.peak,
                    prob_places,
                    spaced=spaced(nw.to_native(fast.frame)),
                )
                if got is None:
                    raise _SlowPathError
                return _Units(_finish(nw.from_native(got[0], eager_only=True), keys), got[1])
            long = lines(
                collect(selected), [*group, "_b", "_c"], fast.scale, fast.peak, prob_places
            )
            if long is None:
                raise _SlowPathError
            cells = aggregate(long[0], (*keys, "_b", "_c"), function=_FUNCTION)
            return _Units(_finish(cells, keys), long[1])
        if "product" in keys or factors:
            carry = [c for c in ("products", "id") if c in names]
            step = Expansion(
                keep=(*group, "_b", "_c"),
                by_product="product" in keys,
                target=target if factors else None,
                factors=factors,
                kind=kind,
                function=_FUNCTION,
            )
            values = expand(
                rows.with_columns(_on=on).select(
                    *group,
                    "_b",
                    "_c",
                    "_p",
                    "amount",
                    *carry,
                    *(["currency", "_on"] if factors else []),
                ),
                step,
            )
        else:
            values = rows.with_columns(
                _v=nw.col("amount"),
                _x=product(
                    nw.col("amount"), scale_of(frame, "amount"), nw.col("_p"), prob_places, kind
                ),
            )
        return _finish(aggregate(values, (*keys, "_b", "_c"), function=_FUNCTION), keys)


@attrs.frozen
class _Units:
    """Cells whose amounts have their own scale (line items with more places than the amounts)."""

    frame: Frame
    scale: int


def _finish(cells: Frame, keys: tuple[str, ...]) -> Frame:
    """Name the buckets and categories and sort the cells."""
    return (
        cells.sort(*keys, "_b", "_c")
        .with_columns(
            bucket=nw.col("_b").replace_strict(
                list(range(len(_BUCKETS))),
                [b.value for b in _BUCKETS],
                default=None,
                return_dtype=nw.String(),
            ),
            category=nw.col("_c").replace_strict(
                list(range(len(_CATEGORIES))),
                [c.value for c in _CATEGORIES],
                default=None,
                return_dtype=nw.String(),
            ),
        )
        .select(*keys, "bucket", "category", "count", "amount", "weighted")
    )


def _bucket(funnel: Funnel, cutoff: date) -> nw.Expr:
    """Each row's time bucket rank, as :func:`salesfunnel.forecasting.buckets.time_bucket` places it."""
    _open, won, lost = stage_sets(funnel)
    stage, close = nw.col("stage"), nw.col("expected_close")
    chain = nw.when(stage.is_in(won)).then(_B[TimeBucket.CLOSED])
    chain = chain.when(stage.is_in(lost)).then(_B[TimeBucket.LOST])
    chain = chain.when(close <= cutoff).then(_B[TimeBucket.OVERDUE])
    for bucket, up_to in zip(_MONTH_BUCKETS, month_edges(cutoff), strict=True):
        chain = chain.when(close <= up_to).then(_B[bucket])
    return chain.otherwise(_B[TimeBucket.BEYOND_12_MONTHS])


def _in_period(funnel: Funnel, period: Period, cutoff: date, *, has_closed_on: bool) -> nw.Expr:
    """Which rows count: open ones, and won or lost ones closed in ``period`` by the cutoff.

    A closed row's close date is its ``closed_on``, else its creation (a
    deal given closed without a date has been closed since it was created).
    """
    _open, won, lost = stage_sets(funnel)
    closed = nw.col("created")
    if has_closed_on:
        closed = nw.when(nw.col("closed_on").is_null()).then(closed).otherwise(nw.col("closed_on"))
    within = (closed >= period.start) & (closed <= min(period.end, cutoff))
    return ~nw.col("stage").is_in([*won, *lost]) | within


def _window(quarter: FiscalQuarter) -> nw.Expr:
    """Each row's :class:`CloseWindow` rank relative to the cutoff's quarter."""
    close = nw.col("expected_close")
    return (
        nw.when(close < quarter.start)
        .then(0)
        .when(close <= quarter.end)
        .then(1)
        .when(close <= quarter.next().end)
        .then(2)
        .otherwise(3)
    )


def _category(
    funnel: Funnel,
    policy: CategoryPolicy,
    manual: dict[str, ForecastCategory | None],
    override: str | None,
) -> nw.Expr:
    """Each row's forecast category rank: won, lost, a manual override, then the policy."""
    _open, won, lost = stage_sets(funnel)
    stage, window = nw.col("stage"), nw.col("_w")
    chain = nw.when(stage.is_in(won)).then(_C[ForecastCategory.BOOKED])
    chain = chain.when(stage.is_in(lost)).then(_C[ForecastCategory.OMITTED])
    if override is not None and manual:
        written = nw.col(override)
        best_case = [raw for raw, c in manual.items() if c is None]
        if best_case:
            next_quarter = _WINDOWS.index(CloseWindow.NEXT_QUARTER)
            chain = chain.when(written.is_in(best_case) & (window == next_quarter)).then(
                _C[ForecastCategory.UPSIDE_NEXT_QUARTER]
            )
            chain = chain.when(written.is_in(best_case)).then(
                _C[ForecastCategory.UPSIDE_THIS_QUARTER]
            )
        by_category: dict[ForecastCategory, list[str]] = {}
        for raw, category in manual.items():
            if category is not None:
                by_category.setdefault(category, []).append(raw)
        for category, raws in by_category.items():
            chain = chain.when(written.is_in(raws)).then(_C[category])
    rules: dict[tuple[int, ForecastCategory], list[str]] = {}
    for key in stage_sets(funnel)[0]:
        for w, window_value in enumerate(_WINDOWS):
            category = policy.category(key, window_value)
            if category is not policy.otherwise:
                rules.setdefault((w, category), []).append(key)
    for (w, category), stages in rules.items():
        chain = chain.when((window == w) & stage.is_in(stages)).then(_C[category])
    return chain.otherwise(_C[policy.otherwise])


def _manual(
    frame: Frame,
    overrides: tuple[tuple[str, str], ...],
    funnel: Funnel,
    column: str | None,
) -> dict[str, ForecastCategory | None]:
    """Read each distinct override of an open deal as the core does (``None``: "Best Case").

    Raises:
        InvalidCategoryError: For a value that names no category, or books an
            open deal (the error names one opportunity with it).
    """
    out: dict[str, ForecastCategory | None] = {}
    open_keys = set(stage_sets(funnel)[0])
    for stage, raw in overrides:
        if stage not in open_keys or raw == "" or raw in out:
            continue
        try:
            this = ForecastCategory.parse(raw)
            other = ForecastCategory.parse(raw, next_quarter=True)
        except InvalidCategoryError as err:
            raise _override_error(frame, column, raw, str(err)) from None
        if this is ForecastCategory.BOOKED:
            raise _override_error(
                frame,
                column,
                raw,
                f"{raw!r} books a deal that is not won; win it with Funnel.win, or use 'commit'",
            )
        out[raw] = this if this is other else None
    return out


def _override_error(frame: Frame, column: str | None, raw: str, why: str) -> InvalidCategoryError:
    opp_id = None
    if column is not None and "id" in columns_of(frame):
        first = collect(frame.filter(nw.col(column) == raw).select("id").head(1)).rows()
        opp_id = first[0][0] if first else None
    who = f"opportunity {opp_id!r}: " if opp_id is not None else ""
    return InvalidCategoryError(f"{who}category_override {why}", value=raw, opportunity_id=opp_id)
