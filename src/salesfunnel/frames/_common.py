"""What the frame functions share: wrapping native frames, column checks and money arithmetic.

Every frame function goes through narwhals, so one implementation serves
pandas, polars, Dask and the other engines narwhals speaks. Money stays exact
in one of two representations, told apart by the column's data type:

* ``"object"``: Python :class:`~decimal.Decimal` objects in an object column
  (pandas, and Dask partitions, which are pandas). Arithmetic is Python's own
  ``Decimal`` arithmetic, element by element, in the current decimal context,
  exactly as the core does it.
* ``"decimal"``: a fixed-scale decimal column (``pl.Decimal`` in polars,
  ``decimal128`` in pyarrow-backed pandas). Before a multiplication both
  sides are cast so that the product keeps every digit (see :func:`product`).
* ``"scaled"``: ``int64`` units with one scale per column, the engine path
  (:mod:`salesfunnel.frames._scaled`): amounts at their scale, probabilities
  at theirs, a product at the sum of the two; the sums are bounded first.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, Literal, cast

import narwhals.stable.v2 as nw
from narwhals.stable.v2.dependencies import (
    is_dask_dataframe,
    is_pandas_dataframe,
)

from salesfunnel.errors import FunnelError, UnknownStageError
from salesfunnel.funnel.records import UNRECORDED_STAGE, StageKind
from salesfunnel.funnel.stages import Funnel

__all__ = [
    "ColumnTypeError",
    "FrameTypeError",
    "FrameValueError",
    "MissingColumnError",
]

#: A narwhals frame: eager (pandas, polars) or lazy (Dask, polars LazyFrame).
Frame = nw.DataFrame[Any] | nw.LazyFrame[Any]

#: How a money column holds its values (see the module docstring).
MoneyKind = Literal["object", "decimal", "scaled"]

#: The largest precision a decimal column may have (pyarrow's decimal128, polars).
MAX_PRECISION = 38


class FrameTypeError(FunnelError, TypeError):
    """A value given where a DataFrame is expected, or a frame of the wrong library.

    Subclasses :class:`TypeError`: the argument is not of a type the function
    takes.

    Attributes:
        function: The function that was called.
        value: What it was given (its type's name).
    """

    def __init__(self, message: str, *, function: str, value: object) -> None:
        super().__init__(message)
        self.function = function
        self.value = type(value).__name__


class MissingColumnError(FunnelError, KeyError):
    """A DataFrame without a column that the function needs.

    Subclasses :class:`KeyError`: a column is looked up by name and is not
    there. ``str()`` gives the full message (a ``KeyError`` would show only
    the quoted name).

    Attributes:
        column: The missing column.
        columns: The columns the frame has.
        function: The function that needed it.
    """

    def __init__(self, column: str, columns: Iterable[str], *, function: str) -> None:
        super().__init__(column)
        self.column = column
        self.columns = tuple(columns)
        self.function = function

    def __str__(self) -> str:
        """Name the column, the function and the columns that are there."""
        return (
            f"{self.function}: the frame has no column {self.column!r} (it has "
            f"{', '.join(map(repr, self.columns)) or 'none'}); frames use the columns of the "
            "CSV format (see to_pandas / to_polars)"
        )


class ColumnTypeError(FunnelError, TypeError):
    """A column whose data type a frame function cannot use without losing exactness.

    Float money, datetimes where dates go, text where numbers go. Subclasses
    :class:`TypeError`: the column exists, its type is wrong.

    Attributes:
        column: The column.
        dtype: Its data type, as narwhals names it.
    """

    def __init__(self, message: str, *, column: str, dtype: object) -> None:
        super().__init__(message)
        self.column = column
        self.dtype = str(dtype)


class FrameValueError(FunnelError, ValueError):
    """Values in a frame that a frame function cannot use: missing or negative.

    Subclasses :class:`ValueError`: the column has the right type but some
    of its values are not usable. Check the frame with ``from_pandas`` /
    ``from_polars`` (``lenient=True``) to list every problem row by row.

    Attributes:
        column: The column at fault.
        why: What is wrong.
        row: The position of the first row at fault (0 for the first row), when known.
        opportunity_id: Its ``id``, when the frame has that column.
    """

    def __init__(
        self,
        message: str,
        *,
        column: str,
        why: str,
        row: int | None = None,
        opportunity_id: object = None,
    ) -> None:
        super().__init__(message)
        self.column = column
        self.why = why
        self.row = row
        self.opportunity_id = opportunity_id


def wrap(native: object, *, function: str) -> Frame:
    """Return ``native`` (a pandas, polars, Dask ... frame) as a narwhals frame.

    Raises:
        FrameTypeError: For anything narwhals does not see as a data frame.
    """
    if isinstance(native, (nw.DataFrame, nw.LazyFrame)):
        return native
    try:
        with warnings.catch_warnings():
            # narwhals announces that its Dask support moves to a plug-in; the
            # support itself is unchanged, and the notice is not the user's business.
            warnings.filterwarnings("ignore", "Dask support is moving", FutureWarning)
            frame = nw.from_native(cast("Any", native))
    except TypeError:
        raise FrameTypeError(
            f"{function}: expected a DataFrame (pandas, polars, Dask, ...), got "
            f"{type(native).__name__}; build one from opportunities with to_pandas() "
            "or to_polars()",
            function=function,
            value=native,
        ) from None
    if not isinstance(
        frame, (nw.DataFrame, nw.LazyFrame)
    ):  # pragma: no cover - series are refused above
        raise FrameTypeError(
            f"{function}: expected a DataFrame, got a Series", function=function, value=native
        )
    return frame


def collect(frame: Frame) -> nw.DataFrame[Any]:
    """Compute a (small) frame: a lazy one is collected, an eager one returned.

    A polars query runs on polars' default engine (from polars 2 its
    streaming engine, which runs the frame functions' queries, row-wise
    expressions and a few group-bys, in about half the time of its
    in-memory engine).
    """
    if isinstance(frame, nw.LazyFrame):
        return frame.collect()
    return frame


def columns_of(frame: Frame) -> list[str]:
    """The frame's column names."""
    return list(frame.collect_schema().names())


def require(frame: Frame, columns: Iterable[str], *, function: str) -> None:
    """Check that ``frame`` has every one of ``columns``.

    Raises:
        MissingColumnError: For the first column it lacks.
    """
    have = columns_of(frame)
    for column in columns:
        if column not in have:
            raise MissingColumnError(column, have, function=function)


def _native_dtype(frame: Frame, column: str) -> str:
    """The engine's own name of a column's dtype (Dask reports object columns as strings)."""
    native = nw.to_native(frame)
    if is_pandas_dataframe(native) or is_dask_dataframe(native):
        return str(native.dtypes[column])
    return ""


def objects(frame: Frame, column: str) -> bool:
    """Tell whether ``column`` is a column of Python objects (such as ``Decimal`` values).

    narwhals calls a pandas object column text when it holds no value to look
    at (an empty frame), and a Dask object column text always.
    """
    dtype = frame.collect_schema()[column]
    if dtype == nw.Object:
        return True
    if _native_dtype(frame, column) != "object":
        return False
    empty = isinstance(frame, nw.DataFrame) and len(frame) == 0
    return empty or is_dask_dataframe(nw.to_native(frame))


def money_kind(frame: Frame, column: str) -> MoneyKind:
    """Tell how an exact money (or probability) column holds its numbers.

    The frame functions first make every such column exact
    (:mod:`salesfunnel.frames._normalise`): a decimal type where the engine
    computes with one, else ``Decimal`` objects (pandas, Dask).
    """
    dtype = frame.collect_schema()[column]
    if isinstance(dtype, nw.Decimal) and not is_dask_dataframe(nw.to_native(frame)):
        return "decimal"
    return "object"


def scale_of(frame: Frame, column: str) -> int:
    """The scale (decimal places) of a decimal column; 0 for other columns."""
    dtype = frame.collect_schema()[column]
    return int(dtype.scale) if isinstance(dtype, nw.Decimal) else 0


def decimal_places(value: Decimal) -> int:
    """How many decimal places ``value`` is written with (0 for whole numbers)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def money_lit(value: Decimal, kind: MoneyKind, places: int) -> nw.Expr:
    """A Decimal literal for a money or probability expression of ``kind``."""
    if kind == "object":
        return nw.lit(value)
    if kind == "scaled":
        return nw.lit(int(value.scaleb(places)), dtype=nw.Int64())
    return nw.lit(value, dtype=nw.Decimal(MAX_PRECISION, places))


def stage_sets(funnel: Funnel) -> tuple[list[str], list[str], list[str]]:
    """The funnel's open, won and lost stage keys.

    The open ones end with :data:`~salesfunnel.funnel.records.UNRECORDED_STAGE`, the
    stage a won or lost deal without a history was open in before it closed.
    """
    stages = [*funnel, funnel.lost, funnel.unrecorded]
    return (
        [s.key for s in stages if s.kind is StageKind.OPEN],
        [s.key for s in stages if s.kind is StageKind.WON],
        [s.key for s in stages if s.kind is StageKind.LOST],
    )


def probability_places(funnel: Funnel, frame: Frame, column: str | None) -> int:
    """Decimal places that hold every probability exactly (stage defaults and overrides)."""
    places = max((decimal_places(s.probability) for s in funnel), default=0)
    if column is not None:
        places = max(places, scale_of(frame, column))
    return places


def probability(funnel: Funnel, override: str | None, kind: MoneyKind, places: int) -> nw.Expr:
    """The win probability of each row: won 1, lost 0, else the override or the stage's.

    Unknown stages give null (they are refused before this is used).
    """
    _open, won, lost = stage_sets(funnel)
    stage = nw.col("stage")
    chain = nw.when(stage.is_in(won)).then(money_lit(Decimal(1), kind, places))
    chain = chain.when(stage.is_in(lost)).then(money_lit(Decimal(0), kind, places))
    if override is not None:
        chain = chain.when(~nw.col(override).is_null()).then(
            cast_probability(override, kind, places)
        )
    by_value: dict[Decimal, list[str]] = {}
    for s in (*funnel, funnel.unrecorded):
        if s.kind is StageKind.OPEN:
            by_value.setdefault(s.probability, []).append(s.key)
    for value, keys in by_value.items():
        chain = chain.when(stage.is_in(keys)).then(money_lit(value, kind, places))
    return chain.otherwise(None)


def cast_probability(column: str, kind: MoneyKind, places: int) -> nw.Expr:
    """A probability column, cast to hold ``places`` decimal places (decimal kind)."""
    if kind != "decimal":  # Decimal objects, or units already at ``places``
        return nw.col(column)
    return nw.col(column).cast(nw.Decimal(MAX_PRECISION, places))


def product(
    amount: nw.Expr, amount_places: int, prob: nw.Expr, prob_places: int, kind: MoneyKind
) -> nw.Expr:
    """``amount × prob``, exact.

    For decimal columns the amount is cast to ``amount_places + prob_places``
    places (polars keeps the larger scale of the two operands) and the
    precisions are chosen so the product fits pyarrow's 38 digits (pyarrow
    adds precisions and scales).
    """
    if kind != "decimal":  # Decimal objects, or units (the bound is checked before)
        return amount * prob
    prob_precision = prob_places + 1  # a probability is at most 1
    left = amount.cast(nw.Decimal(MAX_PRECISION - prob_precision - 1, amount_places + prob_places))
    return left * prob.cast(nw.Decimal(prob_precision, prob_places))


def stage_on(funnel: Funnel, day: date, *, has_closed_on: bool) -> nw.Expr:
    """Each row's stage as it stood at the end of ``day``, as the core's snapshot gives it.

    A frame holds no history, so a won or lost row is the snapshot deal of
    :func:`~salesfunnel.funnel.records.default_history`: before its ``closed_on`` it
    was open in :data:`~salesfunnel.funnel.records.UNRECORDED_STAGE`.
    """
    stage = nw.col("stage")
    if not has_closed_on:
        return stage
    _open, won, lost = stage_sets(funnel)
    closed_later = stage.is_in([*won, *lost]) & (nw.col("closed_on") > day)
    return nw.when(closed_later).then(nw.lit(UNRECORDED_STAGE)).otherwise(stage)


def unknown_stages(found: Iterable[object], funnel: Funnel, *, function: str) -> None:
    """Raise for a null or unknown stage among ``found``.

    Raises:
        FrameValueError: For a missing (null) stage.
        UnknownStageError: For a stage ``funnel`` does not have.
    """
    known = {*funnel.keys(), UNRECORDED_STAGE}
    for value in found:
        if value is None or (isinstance(value, float) and value != value):  # noqa: PLR0124 - NaN
            raise FrameValueError(
                f"{function}: column 'stage' has missing values; every row needs a stage",
                column="stage",
                why="missing",
            )
        if value not in known:
            raise UnknownStageError(value, funnel.keys())


def is_missing(value: object) -> bool:
    """Tell whether a cell value is missing: None, NaN, or pandas' NA / NaT."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value  # noqa: PLR0124 - NaN is the one value unequal to itself
    return type(value).__name__ in {"NAType", "NaTType"}


def import_optional(name: str, extra: str) -> Any:  # noqa: ANN401 - untyped optional modules
    """Import an optional library, or say which extra installs it.

    Raises:
        ImportError: If it is not installed.
    """
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ImportError(
            f"{name} is not installed; install it with: pip install 'salesfunnel[{extra}]'"
        ) from None


def to_native(frame: Frame) -> Any:  # noqa: ANN401 - a frame of the caller's engine
    """Return the engine's own frame; a pandas result gets a fresh 0..n-1 index."""
    native = nw.to_native(frame)
    if is_pandas_dataframe(native):
        return native.reset_index(drop=True)
    return native
