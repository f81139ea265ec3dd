"""The weighted pipeline of a DataFrame: Σ amount × win probability, computed by the engine.

:func:`weighted_value_frame` gives :func:`salesfunnel.pipeline.weighted.weighted_value`
for a frame of opportunities, in total or per group (owner, stage, account,
product, or any columns), with the count and the plain amount beside it. As
in the core, won deals count in full, lost ones not at all, open ones at
their ``probability`` (else their stage's); the rows are taken as they are
(a frame has no history).

>>> from salesfunnel.datasets import sample_pipeline
>>> from salesfunnel.frames import to_polars
>>> eur = to_polars([d for d in sample_pipeline() if d.currency == "EUR"], drop_history=True)
>>> weighted_value_frame(eur, by="owner").head(2)
shape: (2, 4)
┌──────────────┬───────┬───────────────┬───────────────┐
│ owner        ┆ count ┆ amount        ┆ weighted      │
│ ---          ┆ ---   ┆ ---           ┆ ---           │
│ str          ┆ u32   ┆ decimal[38,0] ┆ decimal[38,2] │
╞══════════════╪═══════╪═══════════════╪═══════════════╡
│ Anna Schmidt ┆ 33    ┆ 1052300       ┆ 313370.00     │
│ Li Wei       ┆ 23    ┆ 804500        ┆ 213110.00     │
└──────────────┴───────┴───────────────┴───────────────┘
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, overload

import attrs
import narwhals.stable.v2 as nw
from narwhals.stable.v2.dependencies import is_dask_dataframe

from salesfunnel.calendar import check_date
from salesfunnel.forecasting.rollup import ForecastOptionError
from salesfunnel.frames._aggregate import aggregate
from salesfunnel.frames._cells import CellOptions, Scale
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
    to_native,
    wrap,
)
from salesfunnel.frames._fx_units import converted_cells
from salesfunnel.frames._lines import Expansion, expand
from salesfunnel.frames._normalise import normalise
from salesfunnel.frames._polars_lines import polars_cells, spaced
from salesfunnel.frames._scaled import Scaled, give_back, lines, scaled
from salesfunnel.frames._scan import rate_dates, reporting_currency, scan
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.stages import Funnel
from salesfunnel.fx import ExchangeRates

__all__ = ["weighted_value_frame"]

_FUNCTION = "weighted_value_frame"
#: The result's figure columns, which no group column may be named.
_FIGURES = frozenset({"count", "amount", "weighted"})


def _groups(by: str | Iterable[str], names: list[str]) -> tuple[str, ...]:
    items = [p.strip() for p in by.split(",") if p.strip()] if isinstance(by, str) else list(by)
    for item in items:
        if item in _FIGURES:
            raise ForecastOptionError(
                f"by: {item!r} is a figure of the result (count, amount, weighted); to group "
                "by that column, copy it under another name first "
                '(df.assign(size=df["amount"]), df.with_columns(size=pl.col("amount")))',
                option="by",
                value=by,
            )
        if item.startswith("_"):
            raise ForecastOptionError(
                f"by: {item!r} starts with '_', as the working columns of {_FUNCTION} do; "
                "rename it to group by it",
                option="by",
                value=by,
            )
        if item not in names and item != "product":
            raise ForecastOptionError(
                f"by: {item!r} is not a column of the frame; group by columns it has "
                f"({', '.join(names)}) or 'product'",
                option="by",
                value=by,
            )
    if "product" in items and "products" in items:
        raise ForecastOptionError(
            "by: 'products' and 'product' together: the lines are split out of 'products'; "
            "group by 'product' alone, or by a copy of the 'products' column",
            option="by",
            value=by,
        )
    if len(set(items)) != len(items):
        raise ForecastOptionError(f"by: {items} repeats a column", option="by", value=by)
    return tuple(items)


def weighted_value_frame(
    df: Any,  # noqa: ANN401 - any native frame narwhals accepts (pandas, polars, Dask, ...)
    *,
    funnel: Funnel = DEFAULT_FUNNEL,
    by: str | Iterable[str] = (),
    currency: str | None = None,
    rates: ExchangeRates | None = None,
    on: date | None = None,
    as_of: date | None = None,
    allow_float: bool = True,
    probability_scale: Scale = "fraction",
) -> Any:  # noqa: ANN401 - a frame of the same engine as ``df``
    """Return the weighted pipeline of a frame of opportunities, in total or per group.

    ``weighted`` is Σ amount × probability, exact, as
    :func:`salesfunnel.pipeline.weighted.weighted_value` computes it for the same
    opportunities. Amounts must be in one currency, or be converted with
    ``currency``, ``rates`` and ``on``: each line of a deal converts at the
    rate in force on ``on``, rounded half-even to cents (as the forecast
    converts open deals).

    Columns used: ``stage``, ``amount`` and ``currency``; ``probability``
    where present; the ``by`` columns; ``products`` to group by product or to
    convert; ``created`` and ``closed_on`` with ``as_of``. Money is read as
    :func:`~salesfunnel.frames.from_pandas` reads it: ``Decimal`` objects or
    a decimal type directly, floats (through their shortest repr), whole
    numbers and text converted exactly first.

    Args:
        df: The opportunities: a pandas, polars or Dask DataFrame (or any
            frame narwhals accepts).
        funnel: The funnel (stage probabilities; won and lost stages).
        by: Columns to group by (``"owner"``, ``"owner,stage"``,
            ``["account"]``); ``"product"`` splits deals into their line items.
            Default: one row, the total.
        currency: The reporting currency, to convert into.
        rates: Exchange rates into ``currency``.
        on: The date whose rates are used.
        as_of: Take each row as it stood on this date, as
            :func:`~salesfunnel.pipeline.weighted.weighted_value` does: rows created
            later are left out, and a won or lost row closed later was open
            then (in :data:`~salesfunnel.funnel.records.UNRECORDED_STAGE`).
        allow_float: Read float money through each float's shortest repr;
            ``False`` refuses float columns.
        probability_scale: ``"fraction"`` (``0.6``) or ``"percent"`` (``60``).

    Returns:
        A frame of the same engine (lazy for Dask) with the ``by`` columns,
        then ``count``, ``amount`` and ``weighted``, sorted by group; by
        product, a deal counts once in each of its products.

    Raises:
        ForecastOptionError: For a ``by`` that is not a column (nor
            ``"product"``), names a figure of the result (``count``,
            ``amount``, ``weighted``: copy it under another name to group by
            it), starts with ``_``, or is ``products`` beside ``product``; or
            ``rates`` without ``currency`` and ``on``.
        MissingColumnError: For a column it needs and the frame lacks.
        ColumnTypeError: For money that is not numbers, or float money with
            ``allow_float=False``.
        FrameValueError: For missing values, negative amounts, bad products
            or a cell that cannot be read.
        UnknownStageError: For a stage ``funnel`` does not have.
        CurrencyError: For mixed currencies without ``currency`` and ``rates``.
        MissingRateError: For a currency with no rate on ``on``.
    """
    frame = wrap(df, function=_FUNCTION)
    names = columns_of(frame)
    keys = _groups(by, names)
    require(
        frame,
        ["stage", "amount", "currency", *(["created"] if as_of is not None else [])],
        function=_FUNCTION,
    )
    prob_column = "probability" if "probability" in names else None
    dates = [c for c in ("created", "closed_on") if c in names and as_of is not None]
    options = CellOptions(allow_float=allow_float, scale=probability_scale)
    step = _Weighted(funnel, keys, currency, rates, on, as_of, names, prob_column)
    # the engine path: money and probabilities as units, each line converted in integers
    fast = None
    native: Any = nw.to_native(frame)
    if not is_dask_dataframe(native) and not {"amount", prob_column} & set(keys):
        used = {"stage", "amount", "currency", "probability", "products", "created", "closed_on"}
        keep = [c for c in names if c in used or c in keys]
        fast = scaled(
            frame, dates=dates, probability=prob_column, keep=keep, options=options, funnel=funnel
        )
    if fast is not None:
        found = step.engine(fast)
        if found is not None:
            return found
    frame = normalise(
        frame,
        dates=dates,
        money=["amount"],
        probability=prob_column,
        options=options,
        function=_FUNCTION,
    )
    return to_native(step.compute(frame, probability_places(funnel, frame, prob_column)))


@attrs.frozen
class _Weighted:
    """The weighted pipeline's options, and its computation on exact values or on units."""

    funnel: Funnel
    keys: tuple[str, ...]
    currency: str | None
    rates: ExchangeRates | None
    on: date | None
    as_of: date | None
    names: list[str]
    prob_column: str | None

    def engine(self, fast: Scaled) -> Any | None:  # noqa: ANN401 - a frame of the caller's engine
        """The totals on units, every figure an integer sum in the engine (``None``: the slow path)."""
        polars = fast.back.startswith("polars")
        start: Frame = fast.frame.lazy() if polars else fast.frame
        if "stage" in self.keys:  # the groups keep the stage as text (and sort by it)
            start = start.with_columns(nw.col("stage").cast(nw.String()))
        got = self.compute(start, fast.places, fast=fast)
        if got is None:
            return None
        totals, scale = got
        return give_back(
            collect(totals), {"amount": scale, "weighted": scale + fast.places}, fast.back
        )

    @overload
    def compute(self, frame: Frame, places: int) -> Frame: ...

    @overload
    def compute(self, frame: Frame, places: int, fast: Scaled) -> tuple[Frame, int] | None: ...

    def compute(
        self, frame: Frame, places: int, fast: Scaled | None = None
    ) -> Frame | tuple[Frame, int] | None:
        """The totals per group (``fast``: on units, with their scale; ``None``: the slow path)."""
        funnel, keys, names, prob_column = self.funnel, self.keys, self.names, self.prob_column
        currency, rates, on = self.currency, self.rates, self.on
        if self.as_of is not None:
            day = check_date(self.as_of, field="as_of")
            frame = frame.filter(nw.col("created") <= day).with_columns(
                stage=stage_on(funnel, day, has_closed_on="closed_on" in names)
            )
        kind: MoneyKind = "scaled" if fast is not None else money_kind(frame, "amount")
        if rates is not None and (currency is None or on is None):
            raise ForecastOptionError(
                "rates= converts into currency= at the rates of on=; give all three",
                option="rates",
                value=rates,
            )
        found = scan(frame, funnel=funnel, function=_FUNCTION, required=["amount"], kind=kind)
        target = reporting_currency(
            found.currencies,
            currency,
            fix="pass currency= (the reporting currency), rates= and on= to convert them, "
            "or select the deals of one currency",
        )
        rows = frame.with_columns(_p=probability(funnel, prob_column, kind, places))
        factors = {}
        if rates is not None and target is not None and on is not None:
            pairs = rate_dates(frame, target, nw.lit(check_date(on, field="on")), None)
            factors = {(c, d): rates.rate(c, target, on=d) for c, d in pairs}
        group = [k for k in keys if k != "product"]
        if fast is not None and factors and ("product" not in keys or "products" in names):
            converted = converted_cells(
                rows.with_columns(_on=nw.lit(on)),
                keys,
                fast,
                places,
                factors,
                has_products="products" in names,
                function=_FUNCTION,
            )
            if converted is None:
                return None
            return (converted[0].sort(*keys) if keys else converted[0]), converted[1]
        if fast is not None:
            return _on_units(rows, keys, group, fast, places, "products" in names)
        if "product" in keys or factors:
            carry = [c for c in ("products", "id") if c in names]
            step = Expansion(
                keep=tuple(group),
                by_product="product" in keys,
                target=target if factors else None,
                factors=factors,
                kind=kind,
                function=_FUNCTION,
            )
            values = expand(
                rows.with_columns(_on=nw.lit(on)).select(
                    *group, "_p", "amount", *carry, *(["currency", "_on"] if factors else [])
                ),
                step,
            )
        else:
            values = rows.with_columns(
                _v=nw.col("amount"),
                _x=product(nw.col("amount"), scale_of(frame, "amount"), nw.col("_p"), places, kind),
            )
        totals = aggregate(values, keys, function=_FUNCTION)
        return totals.sort(*keys) if keys else totals


def _on_units(
    rows: Frame,
    keys: tuple[str, ...],
    group: list[str],
    fast: Scaled,
    places: int,
    has_products: bool,  # noqa: FBT001
) -> tuple[Frame, int] | None:
    """The totals of rows of units: amounts and weights summed by the engine, lines split by it."""
    if "product" not in keys:
        values = rows.with_columns(_v=nw.col("amount"), _x=nw.col("amount") * nw.col("_p"))
        totals = aggregate(values, keys, function=_FUNCTION)
        return (totals.sort(*keys) if keys else totals), fast.scale
    if not has_products:
        return None  # every deal is the unnamed product: the slow path says so
    selected = rows.select(*group, "_p", "amount", "products")
    if fast.back.startswith("polars"):
        got = polars_cells(
            nw.to_native(selected),
            keys,
            fast.scale,
            fast.peak,
            places,
            spaced=spaced(nw.to_native(fast.frame)),
        )
        if got is None:
            return None
        return nw.from_native(got[0], eager_only=True).sort(*keys), got[1]
    long = lines(collect(selected), group, fast.scale, fast.peak, places)
    if long is None:
        return None
    return aggregate(long[0], keys, function=_FUNCTION).sort(*keys), long[1]
