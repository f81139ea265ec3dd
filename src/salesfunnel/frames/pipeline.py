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
from typing import Any

import narwhals.stable.v2 as nw

from salesfunnel.calendar import check_date
from salesfunnel.forecasting.rollup import ForecastOptionError
from salesfunnel.frames._aggregate import aggregate
from salesfunnel.frames._cells import CellOptions, Scale
from salesfunnel.frames._common import (
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
from salesfunnel.frames._lines import Expansion, expand
from salesfunnel.frames._normalise import normalise
from salesfunnel.frames._scan import rate_dates, reporting_currency, scan
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.stages import Funnel
from salesfunnel.fx import ExchangeRates

__all__ = ["weighted_value_frame"]

_FUNCTION = "weighted_value_frame"


def _groups(by: str | Iterable[str], names: list[str]) -> tuple[str, ...]:
    items = [p.strip() for p in by.split(",") if p.strip()] if isinstance(by, str) else list(by)
    for item in items:
        if item not in names and item != "product":
            raise ForecastOptionError(
                f"by: {item!r} is not a column of the frame; group by columns it has "
                f"({', '.join(names)}) or 'product'",
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
            ``"product"``), or ``rates`` without ``currency`` and ``on``.
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
    frame = normalise(
        frame,
        dates=dates,
        money=["amount"],
        probability=prob_column,
        options=CellOptions(allow_float=allow_float, scale=probability_scale),
        function=_FUNCTION,
    )
    if as_of is not None:
        day = check_date(as_of, field="as_of")
        frame = frame.filter(nw.col("created") <= day).with_columns(
            stage=stage_on(funnel, day, has_closed_on="closed_on" in names)
        )
    kind = money_kind(frame, "amount")
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
    places = probability_places(funnel, frame, prob_column)
    rows = frame.with_columns(_p=probability(funnel, prob_column, kind, places))
    factors = {}
    if rates is not None and target is not None and on is not None:
        day = check_date(on, field="on")
        pairs = rate_dates(frame, target, nw.lit(day), None)
        factors = {(c, d): rates.rate(c, target, on=d) for c, d in pairs}
    group = [k for k in keys if k != "product"]
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
    return to_native(totals.sort(*keys) if keys else totals)
