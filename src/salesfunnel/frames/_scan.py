"""One pass over a frame before the work: its currencies, stages and overrides, and bad values.

The frame functions trust each row's values (checking every cell is what
``from_pandas`` / ``from_polars`` do), but a null where a value is required,
a negative amount, a stage the funnel does not have or a mix of currencies
would give a wrong answer silently, so they are found first, in one grouped
pass that also works on lazy frames (one small computation on Dask).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import narwhals.stable.v2 as nw

from salesfunnel.errors import CurrencyError
from salesfunnel.frames._common import (
    Frame,
    FrameValueError,
    MoneyKind,
    collect,
    is_missing,
    money_lit,
    unknown_stages,
)
from salesfunnel.funnel.stages import Funnel
from salesfunnel.money import Currency, currency_code

__all__ = ["Scan", "reporting_currency", "scan"]


@attrs.frozen
class Scan:
    """What one pass found.

    Attributes:
        currencies: Every currency of the frame, sorted.
        stages: The stages of the rows that count (existing at the cutoff).
        overrides: Category overrides of the rows that count, as written.
        rows: How many rows the frame has.
    """

    currencies: tuple[str, ...]
    stages: tuple[str, ...]
    overrides: tuple[tuple[str, str], ...]
    rows: int


def scan(
    frame: Frame,
    *,
    funnel: Funnel,
    function: str,
    required: Sequence[str],
    kind: MoneyKind,
    counts: nw.Expr | None = None,
    override: str | None = None,
) -> Scan:
    """Scan ``frame`` and refuse what would silently give a wrong answer.

    Args:
        frame: The frame.
        funnel: The funnel its stages belong to.
        function: The calling function, for errors.
        required: Columns (besides ``stage`` and ``currency``) that must have
            no nulls.
        kind: How ``amount`` holds money.
        counts: Which rows count (for a forecast, those created by the
            cutoff); default all.
        override: The category-override column, if any.

    Raises:
        FrameValueError: For nulls in a required column, or a negative amount.
        UnknownStageError: For a stage ``funnel`` does not have.
    """
    flags = {f"_null_{c}": nw.col(c).is_null() for c in required}
    flags["_negative"] = nw.col("amount").fill_null(money_lit(Decimal(0), kind, 0)) < money_lit(
        Decimal(0), kind, 0
    )
    flags["_counts"] = nw.lit(value=True) if counts is None else counts
    keys = ["stage", "currency", "_counts"]
    if override is not None:
        flags["_override"] = nw.col(override)
        keys.append("_override")
    sums = [nw.col(f).sum() for f in flags if f.startswith(("_null_", "_negative"))]
    found = collect(frame.with_columns(**flags).group_by(*keys).agg(nw.len(), *sums))
    rows = found.rows(named=True)
    _refuse(rows, required, function)
    stages = [r["stage"] for r in rows if r["_counts"]]
    unknown_stages(stages, funnel, function=function)
    overrides = {
        (r["stage"], r["_override"])
        for r in rows
        if override is not None and r["_counts"] and not is_missing(r["_override"])
    }
    return Scan(
        currencies=tuple(sorted({r["currency"] for r in rows})),
        stages=tuple(sorted(set(stages))),
        overrides=tuple(sorted(overrides)),
        rows=sum(r["len"] for r in rows),
    )


def _refuse(rows: Iterable[dict[str, Any]], required: Sequence[str], function: str) -> None:
    rows = list(rows)
    for column in required:
        missing = sum(r[f"_null_{column}"] for r in rows)
        if missing:
            raise FrameValueError(
                f"{function}: column {column!r} has {missing} missing value(s); every "
                "row needs one (find them with df[df[column].isna()], or check the "
                "frame with from_pandas / from_polars)",
                column=column,
                why="missing",
            )
    negative = sum(r["_negative"] for r in rows)
    if negative:
        raise FrameValueError(
            f"{function}: column 'amount' has {negative} negative value(s); amounts are "
            "zero or more (record a refund as its own deal)",
            column="amount",
            why="negative",
        )
    if any(is_missing(r["currency"]) for r in rows):
        raise FrameValueError(
            f"{function}: column 'currency' has missing values; every row needs an ISO "
            "4217 code such as CNY",
            column="currency",
            why="missing",
        )


def reporting_currency(found: Sequence[str], currency: str | None, *, fix: str) -> Currency | None:
    """The reporting currency: ``currency`` if given, else the frame's one currency.

    Raises:
        CurrencyError: For several currencies and no ``currency``.
    """
    if currency is not None:
        return currency_code(currency)
    if len(found) > 1:
        raise CurrencyError(
            f"the opportunities are in {', '.join(found)}; {fix}", code=",".join(found)
        )
    return Currency(found[0]) if found else None


def rate_dates(
    frame: Frame, target: str, on: nw.Expr, counts: nw.Expr | None
) -> list[tuple[str, date]]:
    """The distinct (currency, rate date) pairs of the rows to convert into ``target``."""
    rows = frame if counts is None else frame.filter(counts)
    pairs = collect(
        rows.filter(nw.col("currency") != target)
        .select(nw.col("currency"), on.alias("_on"))
        .unique()
    )
    return sorted(pairs.rows())
