"""Turning a frame's float, text, datetime and Arrow columns into exact ones before the work.

The frame functions compute with exact money (``Decimal`` objects or a
decimal type) and plain dates. A column of another type (a float amount, a
date as text, a ``datetime64`` or Arrow timestamp, a Parquet decimal on
Dask, a percentage) is converted first, cell by cell, by the rules of
:mod:`salesfunnel.frames._cells`, which the readers use too. Columns that
are already exact and dates are left untouched (no pass over them), so the
common case costs nothing. On Dask the conversion runs partition by
partition; a polars LazyFrame is collected, converted and made lazy again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Literal

import attrs
import narwhals.stable.v2 as nw
from narwhals.stable.v2.dependencies import is_dask_dataframe, is_pandas_like_dataframe

from salesfunnel.frames._cells import (
    FLOAT_FIX,
    BadCell,
    CellOptions,
    to_day,
    to_money,
    to_share,
)
from salesfunnel.frames._common import (
    MAX_PRECISION,
    ColumnTypeError,
    Frame,
    FrameValueError,
    decimal_places,
    objects,
    wrap,
)

__all__ = ["normalise"]

Kind = Literal["date", "money", "share"]
_NAN_FIX = "fill it in, or leave the row out (pandas: df.dropna(subset=[c]))"


def _exact(frame: Frame, column: str) -> bool:
    """Tell whether a money column is already exact (Decimal objects, or a decimal type off Dask)."""
    dtype = frame.collect_schema()[column]
    if isinstance(dtype, nw.Decimal):
        return not is_dask_dataframe(nw.to_native(frame))  # Dask cannot compute with them
    return objects(frame, column) or dtype == nw.Unknown


def normalise(
    frame: Frame,
    *,
    dates: Sequence[str],
    money: Sequence[str],
    probability: str | None,
    options: CellOptions,
    function: str,
) -> Frame:
    """Return ``frame`` with every listed column exact: dates, money and probabilities.

    Args:
        frame: The frame.
        dates: Date columns (present in the frame).
        money: Money columns (present).
        probability: The probability column, if any.
        options: How to read the cells.
        function: The calling function, for errors.

    Raises:
        ColumnTypeError: For a float money column with ``allow_float=False``.
        FrameValueError: For a cell that cannot be read (naming its row and
            the fix); raised when the frame is computed on Dask.
    """
    schema = frame.collect_schema()
    plan: list[tuple[str, Kind]] = [
        (c, "date") for c in dates if schema[c] not in (nw.Date, nw.Unknown)
    ]
    for column in money:
        if not options.allow_float and schema[column].is_float():
            raise ColumnTypeError(
                f"{function}: column {column!r} is {schema[column]}, and allow_float=False "
                f"refuses floats; {FLOAT_FIX}",
                column=column,
                dtype=schema[column],
            )
        if not _exact(frame, column):
            plan.append((column, "money"))
    native: Any = nw.to_native(frame)
    dask = is_dask_dataframe(native)
    # Money and probabilities are multiplied: both Decimal objects, or both a decimal type.
    decimal = bool(money) and isinstance(schema[money[0]], nw.Decimal) and not dask
    if probability is not None and (
        options.scale == "percent"
        or not _exact(frame, probability)
        or (isinstance(schema[probability], nw.Decimal) and not dask) != decimal
    ):
        plan.append((probability, "share"))
    if not plan:
        return frame
    step = _Convert(tuple(plan), options, function, by_position=not dask, decimal=decimal)
    if isinstance(frame, nw.DataFrame):
        return step(frame)
    if is_dask_dataframe(native):
        dask_frame: Any = native  # Dask's own types do not cover map_partitions
        meta = step.partition(dask_frame._meta)  # noqa: SLF001 - Dask's empty model partition
        return wrap(dask_frame.map_partitions(step.partition, meta=meta), function=function)
    return step(frame.collect()).lazy()


@attrs.frozen
class _Convert:
    """Converts the planned columns of an eager frame (picklable, for Dask partitions).

    Attributes:
        plan: Each column and what it holds.
        options: How to read the cells.
        function: The calling function, for errors.
        by_position: Name rows by their position (off on Dask, where a
            position is the partition's).
        decimal: Give numbers a decimal type even where ``Decimal`` objects
            could be held (the amount has one).
    """

    plan: tuple[tuple[str, Kind], ...]
    options: CellOptions
    function: str
    by_position: bool
    decimal: bool = False

    def partition(self, part: Any) -> Any:  # noqa: ANN401 - a pandas partition, untyped
        """Convert one pandas partition of a Dask frame."""
        return nw.to_native(self(nw.from_native(part, eager_only=True)))

    def __call__(self, frame: nw.DataFrame[Any]) -> nw.DataFrame[Any]:
        """Convert an eager frame."""
        ids = frame["id"].to_list() if "id" in frame.columns else None
        namespace = nw.get_native_namespace(frame)
        keep_objects = is_pandas_like_dataframe(nw.to_native(frame))
        columns = []
        for column, kind in self.plan:
            read = self._reader(kind)
            cells = frame[column].to_list()
            values: list[Any] = []
            try:
                values.extend(map(read, cells))
            except BadCell as err:
                row = len(values)  # the cell that failed is the next one
                raise self._error(column, row, cells[row], err, ids) from None
            dtype: Any = nw.Date()
            if kind != "date":
                use_objects = keep_objects and not self.decimal
                dtype = nw.Object() if use_objects else self._decimal(column, values)
            columns.append(nw.new_series(column, values, dtype=dtype, backend=namespace))
        return frame.with_columns(*columns)

    def _reader(self, kind: Kind) -> Callable[[object], object]:
        options = self.options
        if kind == "date":
            return lambda value: to_day(value, tz=options.tz)
        if kind == "share":
            return lambda value: to_share(value, options.scale)

        def amount(value: object) -> Decimal | None:
            if isinstance(value, float) and math.isnan(value):
                raise BadCell("is NaN: an amount is missing", _NAN_FIX)
            return to_money(value, allow_float=options.allow_float)

        return amount

    def _decimal(self, column: str, values: list[Any]) -> nw.Decimal:
        """A decimal type that holds every value exactly."""
        present = [v for v in values if v is not None]
        places = max((decimal_places(v) for v in present), default=0)
        digits = max((v.adjusted() + 1 for v in present if v), default=1)
        if max(digits, 1) + places > MAX_PRECISION:
            raise FrameValueError(
                f"{self.function}: column {column!r} has values of more than "
                f"{MAX_PRECISION} digits, which no decimal column holds; round them",
                column=column,
                why="too many digits",
            )
        return nw.Decimal(MAX_PRECISION, places)

    def _error(
        self, column: str, row: int, value: object, err: BadCell, ids: list[Any] | None
    ) -> FrameValueError:
        opp_id = ids[row] if ids is not None else None
        where = f", row {row}" if self.by_position else ""
        if opp_id is not None:
            where += f" (opportunity {opp_id!r})"
        return FrameValueError(
            f"{self.function}: column {column!r}{where}: {value!r} {err.why}; {err.fix}",
            column=column,
            why=err.why,
            row=row if self.by_position else None,
            opportunity_id=opp_id,
        )
