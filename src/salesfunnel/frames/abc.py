"""ABC (80/20) analysis of a DataFrame: figures summed by the engine, classes as the core gives them.

:func:`abc_frame` sums a figure per customer (or per any key column) inside
the engine (pandas, polars, Dask, ...), then ranks the customers and cuts
the ranking into classes with :func:`salesfunnel.customers.abc_classes.abc_classify` (or
:func:`salesfunnel.customers.abc_classes.computed_abc`), so the classes, ranks and shares are
exactly the core's. The heavy part on a big frame is the sum over its rows;
the ranking works on one row per customer.

On Dask the partitions sum their own rows and one task adds the partial
sums up (:mod:`salesfunnel.frames._aggregate`); the client then ranks the
sums, one row per customer, in Arrow's kernels (fixed thresholds) or in
the core. The ranking stays on the client on purpose: a cumulative share
needs the one global order of every customer, which a cluster can only
give through a full shuffle (a distributed sort) whose cost grows with the
rows, while the client's input is bounded by the number of distinct
customers, not of rows: 16 bytes plus the key per customer, so 10 million
customers take a few hundred megabytes and about a second to sort.

>>> from salesfunnel.datasets import sample_pipeline
>>> from salesfunnel.frames import to_pandas
>>> cny = to_pandas([d for d in sample_pipeline() if d.currency == "CNY"], drop_history=True)
>>> accounts = abc_frame(cny[cny["stage"] == "closed"], key="account", value="amount")
>>> print(accounts.head(3).to_string(index=False))
         account  amount  rank abc_class        share cumulative_share
    Huaxin Group 2286000     1         A 0.1448210326     0.1448210326
    Huaxin Foods 1057800     2         A 0.0670129870     0.2118340196
Shengda Holdings  885500     3         A 0.0560975610     0.2679315806
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext
from itertools import accumulate
from typing import Any

import narwhals.stable.v2 as nw
from narwhals.stable.v2.dependencies import is_dask_dataframe

from salesfunnel.customers._abc_rank import EXACT, check_places
from salesfunnel.customers.abc_classes import (
    AbcResult,
    Basis,
    Boundary,
    Method,
    abc_classify,
    computed_abc,
)
from salesfunnel.errors import OptionError
from salesfunnel.frames._abc_engine import engine_abc
from salesfunnel.frames._aggregate import aggregate
from salesfunnel.frames._common import (
    MAX_PRECISION,
    ColumnTypeError,
    FrameValueError,
    collect,
    objects,
    require,
    to_native,
    wrap,
)
from salesfunnel.i18n import Text

__all__ = ["abc_frame"]

_FUNCTION = "abc_frame"


def abc_frame(
    df: Any,  # noqa: ANN401 - any native frame narwhals accepts (pandas, polars, Dask, ...)
    *,
    key: str = "account",
    value: str = "amount",
    method: Method | str = Method.FIXED,
    thresholds: Sequence[float | Decimal | str] | None = None,
    basis: Basis | str = Basis.VALUE,
    boundary: Boundary | str = Boundary.BEFORE,
    keep_ties: bool | None = None,
    measure: Text | str | None = None,
    places: int = 10,
) -> Any:  # noqa: ANN401 - a frame of the same engine as ``df``
    """Classify the customers of a frame A, B, C ... by a figure summed per customer.

    The figure (``value``) is summed per ``key`` by the engine; the classes
    are then those of :func:`salesfunnel.customers.abc_classes.abc_classify` (fixed thresholds,
    ``method="fixed"``) or :func:`salesfunnel.customers.abc_classes.computed_abc` (limits from
    the data's ABC curve, ``method="computed"``) on the sums, and so are the
    ranks and shares (exact for ``Decimal`` and whole-number figures).

    Args:
        df: A pandas, polars or Dask DataFrame (or any frame narwhals
            accepts), one row per deal or per customer.
        key: The column that names the customer (any key column).
        value: The figure: money (``Decimal`` objects or a decimal type),
            whole numbers (volumes), or floats (non-money measures).
        method: ``"fixed"`` (default) or ``"computed"``.
        thresholds: For fixed ABC, as in :func:`~salesfunnel.customers.abc_classes.abc_classify`.
        basis: For fixed ABC, as in :func:`~salesfunnel.customers.abc_classes.abc_classify`.
        boundary: For fixed ABC, as in :func:`~salesfunnel.customers.abc_classes.abc_classify`.
        keep_ties: Keep customers with equal figures in one class (default:
            no for fixed, yes for computed ABC, as the core functions).
        measure: What the figure is (for the core result's summary).
        places: Decimal places of exact shares.

    Returns:
        An eager frame (a lazy input is computed: the ranking is global; Dask
        gives pandas, a polars LazyFrame polars) with one row per customer in
        rank order and the columns ``key``, ``value`` (the sum), ``rank``,
        ``abc_class``, ``share`` and ``cumulative_share`` (``Decimal`` for
        exact figures, floats for float figures).

    Raises:
        MissingColumnError: For a ``key`` or ``value`` column the frame lacks.
        ColumnTypeError: For a ``value`` column that is not numbers.
        FrameValueError: For a missing key or figure.
        InvalidThresholdsError: For bad thresholds or ``places``.
        InvalidCustomerValueError: For a negative figure sum.
        OptionError: For ``key`` and ``value`` naming one column, or either
            named like a column of the result (``rank``, ``abc_class``,
            ``share``, ``cumulative_share``).
    """
    method = Method(method)
    _check_names(key, value)
    frame = wrap(df, function=_FUNCTION)
    require(frame, [key, value], function=_FUNCTION)
    dtype = frame.collect_schema()[value]
    if not (dtype.is_numeric() or dtype == nw.Unknown or objects(frame, value)):
        raise ColumnTypeError(
            f"{_FUNCTION}: column {value!r} is {dtype}; the figure must be numbers "
            "(Decimal for money, whole numbers, or floats for non-money measures)",
            column=value,
            dtype=dtype,
        )
    # One pass over the frame counts the missing figures and customer keys.
    counts = collect(
        frame.select(
            nw.col(value).null_count().alias("_figures"),
            nw.col(key).null_count().alias("_keys"),
        )
    )
    missing = counts["_figures"].item()
    if missing:
        raise _missing(value, missing)
    if counts["_keys"].item():
        raise _missing(key, counts["_keys"].item())
    in_engine = method is Method.FIXED and not keep_ties
    options: dict[str, Any] = {
        "key": key,
        "value": value,
        "thresholds": thresholds,
        "basis": Basis(basis),
        "boundary": Boundary(boundary),
        "places": check_places(places) if in_engine else places,
    }
    if in_engine:
        fast = engine_abc(frame, **options)
        if fast is not None:
            return fast
    sums = collect(aggregate(frame, [key], function=_FUNCTION, sums={value: value}, count=None))
    if in_engine and is_dask_dataframe(nw.to_native(frame)):
        # The partitions summed their rows; the client ranks one row per customer
        # in Arrow's kernels (the ranking is global: see the module docstring).
        fast = engine_abc(sums, **options)
        if fast is not None:
            return fast
    keys: list[Any] = sums[key].to_list()
    figures: list[Any] = sums[value].to_list()
    figures_by_key = dict(zip(keys, figures, strict=True))
    if method is Method.COMPUTED:
        result = computed_abc(
            figures_by_key,
            keep_ties=True if keep_ties is None else keep_ties,
            measure=measure,
            places=places,
        )
    else:
        result = abc_classify(
            figures_by_key,
            thresholds=thresholds,
            basis=basis,
            boundary=boundary,
            keep_ties=bool(keep_ties),
            measure=measure,
            places=places,
        )
    return to_native(_rows(result, figures_by_key, sums, key, value, places))


def _missing(column: str, count: object) -> FrameValueError:
    return FrameValueError(
        f"{_FUNCTION}: column {column!r} has {count} missing value(s); every row needs a "
        "customer and a figure",
        column=column,
        why="missing",
    )


def _shares(values: list[Any], places: int, *, floats: bool) -> tuple[list[Any], list[Any]]:
    """Each customer's share and cumulative share, in rank order, as the core rounds them.

    Exact figures: the running totals, scaled to integers, are rounded
    half-even to ``places`` and each share is the difference of two rounded
    running shares, so the shares add up to exactly 1. Floats: plain ratios.
    """
    if floats:
        cum = list(accumulate(map(float, values)))
        total = cum[-1] if cum else 0.0
        if not total:
            return [0.0] * len(values), [0.0] * len(values)
        return [x / total for x in values], [c / total for c in cum]
    with localcontext(EXACT):
        exact_total: Decimal = sum(values, Decimal(0))
        exponent = min(int(exact_total.as_tuple().exponent), 0)
        scale = Decimal(10) ** -exponent
        ints = list(map(int, values)) if exponent == 0 else [int(x * scale) for x in values]
    cum_ints = list(accumulate(ints))
    whole = cum_ints[-1] if cum_ints else 0
    rounded = [0] * len(ints)
    if whole:  # round_ratio(c, whole, places) for each c, inlined: half-even, exact
        unit_num = 10**places
        rounded = [
            q + (2 * r > whole or (2 * r == whole and q % 2 == 1))
            for q, r in (divmod(c * unit_num, whole) for c in cum_ints)
        ]
    steps = list(map(int.__sub__, rounded, [0, *rounded]))
    unit = Decimal(1).scaleb(-places)
    with localcontext(EXACT):  # units × 10**-places: exact, as to_decimal_units gives them
        cumulative = list(map(unit.__rmul__, rounded))
        shares = list(map(unit.__rmul__, steps))
    return shares, cumulative


def _rows(
    result: AbcResult[Any],
    figures: dict[Any, Any],
    sums: nw.DataFrame[Any],
    key: str,
    value: str,
    places: int,
) -> nw.DataFrame[Any]:
    """The result's rows (in rank order) as a frame of the engine of ``sums``, built in bulk."""
    keys = list(result.ranking)
    values = [figures[k] for k in keys]
    classes: list[str] = []
    start = 0
    for label, end in zip(result.labels, result.cuts, strict=True):
        classes.extend([label] * (end - start))
        start = end
    floats = float in set(map(type, values))  # one C-level pass over the figures
    shares, cumulative = _shares(values, places, floats=floats)
    schema = sums.schema
    share_type: Any = nw.Float64()
    if not floats:
        share_type = (
            nw.Object() if schema[value] == nw.Object else nw.Decimal(MAX_PRECISION, places)
        )
    return nw.from_dict(
        {
            key: keys,
            value: values,
            "rank": list(range(1, len(keys) + 1)),
            "abc_class": classes,
            "share": shares,
            "cumulative_share": cumulative,
        },
        schema={
            key: schema[key],
            value: schema[value],
            "rank": nw.Int64(),
            "abc_class": nw.String(),
            "share": share_type,
            "cumulative_share": share_type,
        },
        backend=nw.get_native_namespace(sums),
    )


#: The columns the result adds beside ``key`` and ``value``.
_RESULT = ("rank", "abc_class", "share", "cumulative_share")


def _check_names(key: str, value: str) -> None:
    """Refuse ``key`` and ``value`` that would share a result column's name."""
    if key == value:
        raise OptionError(
            f"{_FUNCTION}: key and value are both {key!r}; the customer and the figure are "
            "two columns (copy the column under another name to use it as both)",
            option="value",
            value=value,
        )
    for option, name in (("key", key), ("value", value)):
        if name in _RESULT:
            raise OptionError(
                f"{_FUNCTION}: {option} {name!r} is a column of the result "
                f"({', '.join(_RESULT)}); rename it first",
                option=option,
                value=name,
            )
