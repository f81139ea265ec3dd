"""The invariants of forecasts and their rows: each class runs its check when built.

Private: :class:`~salesfunnel.forecasting.rollup.ForecastRow` and
:class:`~salesfunnel.forecasting.rollup.Forecast` take these as their
``__attrs_post_init__``; a document reader reports what they refuse at the
JSON path of the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from salesfunnel.errors import InvalidResultError, OptionError
from salesfunnel.forecasting._cells import Sum, cell_sums
from salesfunnel.forecasting.buckets import TimeBucket
from salesfunnel.forecasting.kinds import ForecastCategory
from salesfunnel.money import check_result_amount

if TYPE_CHECKING:
    from salesfunnel.forecasting.quotas import QuotaResult
    from salesfunnel.forecasting.rollup import Figures, Forecast, ForecastRow, GroupKey

__all__ = ["check_forecast", "check_grouping", "check_quota_result", "check_row"]


def check_quota_result(self: QuotaResult) -> None:
    """Refuse negative or non-finite figures, and a weighted pipeline above the pipeline.

    Raises:
        InvalidResultError: Naming the field at fault.
    """
    for name in ("quota", "booked", "pipeline", "weighted_pipeline"):
        check_result_amount("QuotaResult", name, getattr(self, name))
    if self.weighted_pipeline > self.pipeline:
        raise InvalidResultError(
            "QuotaResult",
            "weighted_pipeline",
            f"is {self.weighted_pipeline}, above the pipeline {self.pipeline}; a weighted "
            "value never exceeds the amounts it weighs",
        )


def check_row(self: ForecastRow) -> None:
    """Refuse bucket, category and total figures that are not the sums of the cells.

    Raises:
        InvalidResultError: Naming the figures that do not add up.
    """
    buckets, categories, total = cell_sums(self.cells)
    given: list[tuple[tuple[str, ...], Figures | None, Sum]] = [
        *((("buckets", b.value), self.buckets.get(b), buckets[b]) for b in TimeBucket),
        *(
            (("categories", c.value), self.categories.get(c), categories[c])
            for c in ForecastCategory
        ),
        (("total",), self.total, total),
    ]
    for path, figures, (count, amount, weighted) in given:
        if figures is None or (figures.count, figures.amount, figures.weighted) != (
            count,
            amount,
            weighted,
        ):
            raise InvalidResultError(
                "ForecastRow",
                path,
                f"does not add up: its cells give count {count}, amount {amount} and "
                f"weighted {weighted}",
                "correct the figures, or write the forecast again with salesfunnel",
            )


def check_forecast(self: Forecast) -> None:
    """Refuse a repeated grouping, rows with the wrong number of keys, a grouped total.

    Raises:
        OptionError: For a repeated grouping.
        InvalidResultError: For a row's or the total's group.
    """
    check_grouping(self.by, self.by)
    for i, row in enumerate(self.rows):
        if len(row.group) != len(self.by):
            raise InvalidResultError(
                "Forecast",
                ("rows", i, "group"),
                f"has {len(row.group)} key(s), but the forecast is grouped by {list(self.by)}",
                "give one key per grouping",
            )
    if self.total.group:
        raise InvalidResultError(
            "Forecast", ("total", "group"), "is not empty", "the grand total has group []"
        )


def check_grouping(keys: Sequence[GroupKey], given: object) -> None:
    """Refuse a grouping that repeats a key (``given`` is the option as the caller wrote it).

    Raises:
        OptionError: Naming the field ``by``.
    """
    if len(set(keys)) != len(keys):
        raise OptionError(f"by: {list(keys)} repeats a key", option="by", value=given).at(
            "by", why="repeats a grouping", fix='use ["owner"], ["product"] or both'
        )
