"""Opportunities to and from pandas and polars DataFrames, exactly.

One row per opportunity, with the columns of the CSV format
(:data:`salesfunnel.io.COLUMNS`, in that order): line items in the
``products`` column (``ERP=100000;Support=20000``) and facts as a JSON
object, as in a CSV file. The data types keep every value exact:

* ``amount`` and ``probability``: pandas ``object`` columns of ``Decimal``
  values (``None`` for no probability); polars ``pl.Decimal(38, scale)``;
* dates (``created``, ``expected_close``, ``closed_on``): pandas
  ``date32[pyarrow]``; polars ``pl.Date``;
* text: pandas ``str``; polars ``pl.String``.

pandas has no exact decimal type of its own, so money is a column of Python
``Decimal`` objects: sums and products stay exact (``df["amount"].sum()``),
at the speed of Python arithmetic. The scale of a polars decimal column is
the most decimal places any value has; reading back gives equal values
(``Decimal("5")`` may come back as ``Decimal("5.00")``, which is equal).

Reading a frame (:func:`from_pandas`, :func:`from_polars`) goes through the
CSV reader's checks: the same header aliases (Chinese report-form headers
too), required columns and value checks; a bad frame imports nothing and
raises one :class:`~salesfunnel.io.DataFileError` listing every problem,
each naming the row by its position (0 for the first) and the column.

A frame holds each opportunity's current state, not its history: writing
opportunities with a history beyond their creation raises
:class:`~salesfunnel.io.HistoryWouldBeLostError` unless ``drop_history=True``
(as :func:`~salesfunnel.io.write_csv` without an events file does).

>>> from datetime import date
>>> from salesfunnel import Opportunity
>>> deal = Opportunity(
...     id="D1",
...     name="ERP rollout",
...     account="Acme",
...     owner="Li Wei",
...     stage="intent",
...     created=date(2026, 1, 5),
...     expected_close=date(2026, 6, 30),
...     line_items={"ERP": "100000", "Support": "20000.50"},
...     currency="CNY",
... )
>>> df = to_pandas([deal])
>>> df.loc[0, "amount"], df.loc[0, "products"], df.loc[0, "expected_close"]
(Decimal('120000.50'), 'ERP=100000;Support=20000.50', datetime.date(2026, 6, 30))
>>> from_pandas(df) == (deal,)
True
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, Literal, overload

import narwhals.stable.v2 as nw
from narwhals.stable.v2.dependencies import (
    is_pandas_dataframe,
    is_polars_dataframe,
    is_polars_lazyframe,
)

from salesfunnel.frames._cells import CellOptions, Scale, zone
from salesfunnel.frames._common import FrameTypeError, decimal_places, import_optional
from salesfunnel.frames._rows import read_rows
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.stages import Funnel
from salesfunnel.io import COLUMNS, HistoryWouldBeLostError
from salesfunnel.io.frame_rows import Values, record_values
from salesfunnel.io.mapping import ImportMapping
from salesfunnel.io.problems import ReadResult

if TYPE_CHECKING:
    import polars as pl

__all__ = ["from_pandas", "from_polars", "to_pandas", "to_polars"]

_DATES = ("created", "expected_close", "closed_on")
_MONEY = ("amount", "probability")


def _columns(opportunities: Iterable[Opportunity], *, drop_history: bool) -> dict[str, list[Any]]:
    """Each CSV column's values, typed: text, dates, Decimals, or None for nothing."""
    deals = tuple(opportunities)
    if not drop_history:
        # A default history (a snapshot deal: open from created, closed on
        # closed_on) is rebuilt from the row, so it is not lost.
        lost = [o.id for o in deals if o.revisions or not o.history_is_default]
        if lost:
            raise HistoryWouldBeLostError(lost)
    return by_column([record_values(o) for o in deals])


def by_column(rows: Sequence[Values]) -> dict[str, list[Any]]:
    """The rows' values column by column (see :mod:`salesfunnel.io.frame_rows`)."""
    if not rows:
        return {c: [] for c in COLUMNS}
    return dict(zip(COLUMNS, map(list, zip(*rows, strict=True)), strict=True))


def pandas_frame(data: Mapping[str, list[Any]]) -> Any:  # noqa: ANN401 - pandas ships no types
    """A pandas frame of these columns, typed as :func:`to_pandas` types them."""
    pd = import_optional("pandas", "pandas")
    pa = import_optional("pyarrow", "pandas")
    date_type = pd.ArrowDtype(pa.date32())
    return pd.DataFrame(
        {
            c: pd.Series(
                values,
                dtype=date_type if c in _DATES else object if c in _MONEY else "str",
            )
            for c, values in data.items()
        }
    )


def polars_frame(data: Mapping[str, list[Any]]) -> pl.DataFrame:
    """A polars frame of these columns, typed as :func:`to_polars` types them."""
    import_optional("polars", "polars")
    import polars as pl  # noqa: PLC0415 - an optional extra, imported when used

    schema: dict[str, Any] = {}
    for column in COLUMNS:
        if column in _DATES:
            schema[column] = pl.Date
        elif column in _MONEY:
            places = max((decimal_places(x) for x in data[column] if x is not None), default=0)
            schema[column] = pl.Decimal(38, places)
        else:
            schema[column] = pl.String
    return pl.DataFrame(data, schema=schema)


def to_pandas(opportunities: Iterable[Opportunity], *, drop_history: bool = False) -> Any:  # noqa: ANN401 - pandas ships no types
    """Return a pandas DataFrame of ``opportunities``: one row each, the CSV columns.

    Money is a column of ``Decimal`` objects, dates are ``date32[pyarrow]``
    (see the module docstring).

    Args:
        opportunities: The opportunities, in row order.
        drop_history: Keep the current state only of opportunities that have
            a history beyond their creation (or revisions).

    Returns:
        A ``pandas.DataFrame``.

    Raises:
        HistoryWouldBeLostError: For a history that the frame cannot hold,
            unless ``drop_history``.
        ImportError: If pandas or pyarrow is not installed.
    """
    return pandas_frame(_columns(opportunities, drop_history=drop_history))


def to_polars(opportunities: Iterable[Opportunity], *, drop_history: bool = False) -> pl.DataFrame:
    """Return a polars DataFrame of ``opportunities``: one row each, the CSV columns.

    Money columns are ``pl.Decimal(38, scale)`` with the most decimal places
    any value has; dates are ``pl.Date`` (see the module docstring).

    Args:
        opportunities: The opportunities, in row order.
        drop_history: Keep the current state only of opportunities that have
            a history beyond their creation (or revisions).

    Returns:
        A ``polars.DataFrame``.

    Raises:
        HistoryWouldBeLostError: For a history that the frame cannot hold,
            unless ``drop_history``.
        ImportError: If polars is not installed.
    """
    return polars_frame(_columns(opportunities, drop_history=drop_history))


@overload
def from_pandas(
    df: Any,  # noqa: ANN401 - pandas ships no types
    *,
    funnel: Funnel = DEFAULT_FUNNEL,
    ignore: Collection[str] = (),
    name: str = "<DataFrame>",
    lenient: Literal[False] = False,
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | str | None = None,
    probability_scale: Scale | None = None,
    allow_float: bool = True,
    mapping: ImportMapping | None = None,
) -> tuple[Opportunity, ...]: ...


@overload
def from_pandas(
    df: Any,  # noqa: ANN401 - pandas ships no types
    *,
    funnel: Funnel = DEFAULT_FUNNEL,
    ignore: Collection[str] = (),
    name: str = "<DataFrame>",
    lenient: Literal[True],
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | str | None = None,
    probability_scale: Scale | None = None,
    allow_float: bool = True,
    mapping: ImportMapping | None = None,
) -> ReadResult[Opportunity]: ...


def from_pandas(
    df: Any,
    *,
    funnel: Funnel = DEFAULT_FUNNEL,
    ignore: Collection[str] = (),
    name: str = "<DataFrame>",
    lenient: bool = False,
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | str | None = None,
    probability_scale: Scale | None = None,
    allow_float: bool = True,
    mapping: ImportMapping | None = None,
) -> tuple[Opportunity, ...] | ReadResult[Opportunity]:
    """Read opportunities from a pandas DataFrame with the CSV reader's checks.

    The columns are those of the CSV format (any order; the CSV's Chinese
    and English aliases are accepted), or an export's own, mapped with
    ``columns``, ``stages`` and ``defaults`` as :func:`~salesfunnel.io.read_csv`
    maps them. Cells may hold what :func:`to_pandas` writes, what pandas,
    Parquet or a CRM export gives, or the text a CSV cell holds:

    * amounts: ``Decimal`` objects, Arrow decimals, whole numbers, text, or
      floats, each read through its shortest repr (``0.1`` is exactly
      ``Decimal("0.1")``, as :func:`salesfunnel.money.to_amount` reads it
      with ``allow_float=True``); an infinite float is a problem;
    * dates: dates, Arrow ``date32``, ``YYYY-MM-DD`` text, or date-times
      (``datetime64``, Arrow timestamps, ``datetime`` objects, ISO text). A
      naive ``datetime`` gives its date; an aware one (or ISO text with a
      time) is converted to ``tz`` and is a problem without it;
    * probabilities: shares (``0.6``), or percentages (``60``) with
      ``probability_scale="percent"``; ``60%`` either way;
    * facts: a JSON object or a dict.

    Missing values (``None``, ``NaN``, ``NA``, ``NaT``) are empty cells. A
    won or lost row with ``closed_on`` and no history is a snapshot deal:
    open from ``created``, closed on ``closed_on``
    (:func:`~salesfunnel.funnel.records.default_history`).

    Args:
        df: A ``pandas.DataFrame``.
        funnel: The funnel whose stages the data uses.
        ignore: Column names to skip on purpose (any other unknown column is
            a problem).
        name: What to call the frame in problems.
        lenient: Return a :class:`~salesfunnel.io.ReadResult` with the good
            opportunities and every problem instead of raising.
        columns: Frame column to field (``{"Close Date": "expected_close"}``;
            the fields are :data:`salesfunnel.io.mapping.FIELDS`).
        stages: Stage name as written to funnel stage key
            (``{"Proposition": "recognition"}``).
        defaults: Field to the text used when its column is absent or a
            cell empty (``{"currency": "USD"}``).
        tz: The time zone date-times are counted in: a name such as
            ``"UTC"`` or a :class:`datetime.tzinfo`.
        probability_scale: ``"fraction"`` (shares, the default) or
            ``"percent"``.
        allow_float: Read float amounts through their shortest repr (the
            default); ``False`` makes each float amount a problem.
        mapping: A whole :class:`~salesfunnel.io.mapping.ImportMapping` (a
            preset's ``.mapping``, for example); the keyword options above
            are merged into it.

    Returns:
        The opportunities in row order (strict), or a ``ReadResult`` (lenient).

    Raises:
        DataFileError: In strict mode, for any problem; each names the row
            (its position, 0 first), the column, the value, why and the fix.
            Every stage name with no mapping is one problem listing them
            all, with the closest stage keys.
        FrameTypeError: If ``df`` is not a pandas DataFrame.
        UnknownFieldError: For a column mapped to a field that does not exist.
        InvalidMappingError: For a ``tz`` that is no time zone, or a bad option.
    """
    if not is_pandas_dataframe(df):
        raise FrameTypeError(
            f"from_pandas: expected a pandas DataFrame, got {type(df).__name__}"
            + ("; use from_polars for a polars frame" if is_polars_dataframe(df) else ""),
            function="from_pandas",
            value=df,
        )
    chosen = _mapping(mapping, columns, stages, defaults, tz, probability_scale)
    result = _read(df, funnel=funnel, ignore=ignore, name=name, mapping=chosen, floats=allow_float)
    return result if lenient else result.raise_for_problems(name)


@overload
def from_polars(
    df: pl.DataFrame | pl.LazyFrame,
    *,
    funnel: Funnel = DEFAULT_FUNNEL,
    ignore: Collection[str] = (),
    name: str = "<DataFrame>",
    lenient: Literal[False] = False,
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | str | None = None,
    probability_scale: Scale | None = None,
    allow_float: bool = True,
    mapping: ImportMapping | None = None,
) -> tuple[Opportunity, ...]: ...


@overload
def from_polars(
    df: pl.DataFrame | pl.LazyFrame,
    *,
    funnel: Funnel = DEFAULT_FUNNEL,
    ignore: Collection[str] = (),
    name: str = "<DataFrame>",
    lenient: Literal[True],
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | str | None = None,
    probability_scale: Scale | None = None,
    allow_float: bool = True,
    mapping: ImportMapping | None = None,
) -> ReadResult[Opportunity]: ...


def from_polars(
    df: pl.DataFrame | pl.LazyFrame,
    *,
    funnel: Funnel = DEFAULT_FUNNEL,
    ignore: Collection[str] = (),
    name: str = "<DataFrame>",
    lenient: bool = False,
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | str | None = None,
    probability_scale: Scale | None = None,
    allow_float: bool = True,
    mapping: ImportMapping | None = None,
) -> tuple[Opportunity, ...] | ReadResult[Opportunity]:
    """Read opportunities from a polars DataFrame (or LazyFrame) with the CSV reader's checks.

    As :func:`from_pandas` (the same cells, mapping and options); a LazyFrame
    is collected first. polars ``Date``, ``Datetime``, ``Decimal`` and
    ``Float64`` columns are read as their pandas counterparts.

    Args:
        df: A ``polars.DataFrame`` or ``polars.LazyFrame``.
        funnel: As :func:`from_pandas`.
        ignore: As :func:`from_pandas`.
        name: As :func:`from_pandas`.
        lenient: As :func:`from_pandas`.
        columns: As :func:`from_pandas`.
        stages: As :func:`from_pandas`.
        defaults: As :func:`from_pandas`.
        tz: As :func:`from_pandas`.
        probability_scale: As :func:`from_pandas`.
        allow_float: As :func:`from_pandas`.
        mapping: As :func:`from_pandas`.

    Returns:
        The opportunities in row order (strict), or a ``ReadResult`` (lenient).

    Raises:
        DataFileError: In strict mode, for any problem.
        FrameTypeError: If ``df`` is not a polars DataFrame or LazyFrame.
        UnknownFieldError: For a column mapped to a field that does not exist.
        InvalidMappingError: For a ``tz`` that is no time zone, or a bad option.
    """
    if is_polars_lazyframe(df):
        df = df.collect()
    if not is_polars_dataframe(df):
        raise FrameTypeError(
            f"from_polars: expected a polars DataFrame, got {type(df).__name__}"
            + ("; use from_pandas for a pandas frame" if is_pandas_dataframe(df) else ""),
            function="from_polars",
            value=df,
        )
    chosen = _mapping(mapping, columns, stages, defaults, tz, probability_scale)
    result = _read(df, funnel=funnel, ignore=ignore, name=name, mapping=chosen, floats=allow_float)
    return result if lenient else result.raise_for_problems(name)


def _mapping(
    mapping: ImportMapping | None,
    columns: Mapping[str, str] | None,
    stages: Mapping[str, str] | None,
    defaults: Mapping[str, str] | None,
    tz: tzinfo | str | None,
    scale: Scale | None,
) -> ImportMapping:
    """The reader's mapping: ``mapping`` (or none), with the keyword options merged in."""
    given = (("columns", columns), ("stages", stages), ("defaults", defaults))
    changes: dict[str, object] = {key: value for key, value in given if value}
    if tz is not None:
        changes["tz"] = zone(tz)
    if scale is not None:
        changes["probability_scale"] = scale
    base = mapping if mapping is not None else ImportMapping()
    return base.evolve(**changes) if changes else base


def _read(
    native: Any,  # noqa: ANN401 - a pandas or polars frame
    *,
    funnel: Funnel,
    ignore: Collection[str],
    name: str,
    mapping: ImportMapping,
    floats: bool,
) -> ReadResult[Opportunity]:
    options = CellOptions(floats, mapping.tz, mapping.probability_scale)
    frame = nw.from_native(native, eager_only=True)
    header = [str(c) for c in frame.columns]
    data = [frame[c].to_list() for c in frame.columns]
    return read_rows(
        name, header, data, funnel=funnel, ignore=tuple(ignore), mapping=mapping, options=options
    )
