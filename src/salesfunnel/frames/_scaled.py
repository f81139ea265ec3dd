"""Exact money without a Python object per row: amounts as scaled integers, lines as a long table.

The engine path of the frame functions. A money column becomes ``int64``
minor units with one scale for the column (``amount == units × 10**-scale``),
chosen from the data:

* **Floats** take the fewest places (at most 10, the library's bound) at
  which every value's shortest ``repr`` is an integer number of units. That
  is tested with one vectorised check: for ``k = round(x × 10**s)`` with
  ``|k| < 2**52``, ``k / 10**s == x`` holds exactly when the shortest decimal
  that reads back to ``x`` has at most ``s`` places (below ``2**52`` units a
  float's rounding interval is narrower than one unit, so it holds at most
  one multiple of ``10**-s``: the shortest text itself).
* **Decimal objects** (pandas) are turned into Arrow ``decimal128`` by
  pyarrow (in C++), **decimal columns** (polars, Arrow) are read as they are:
  the 128-bit integers are taken as ``int64`` where they fit.
* **Whole numbers** have scale 0.

Anything else (text, a value that needs more places, an integer too large
for ``int64``, nulls, NaN, negatives) makes :func:`scaled` give ``None``:
the caller then takes the exact slow path, which also raises the errors
that name the row and the fix. So the engine path never changes a result
or an error, only the time.

Line items are split from the ``products`` text (``ERP=100000;CRM=20000``)
by pyarrow's string kernels into a long table, one row per line, with the
amounts parsed into the same units (:func:`lines`; polars frames do it in
one polars query, :mod:`salesfunnel.frames._polars_lines`). Only texts that the
CSV reader's plain grammar reads are taken; escapes, odd spacing, a product
named twice in one deal or lines that do not add up to the amount send the
frame to the slow path, which reads them (or refuses them) as the CSV reader
does.

Group sums are integer sums, so they are bounded first: the largest value ×
the number of rows must stay below ``2**63``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs
import narwhals.stable.v2 as nw
from narwhals.stable.v2.dependencies import (
    is_pandas_dataframe,
    is_polars_dataframe,
    is_polars_lazyframe,
)

from salesfunnel.frames._cells import CellOptions
from salesfunnel.frames._common import Frame, decimal_places, stage_sets
from salesfunnel.funnel.stages import Funnel
from salesfunnel.money import MAX_PLACES

__all__ = [
    "LIMIT",
    "MAX_SCALE",
    "Convert",
    "Scaled",
    "decimals",
    "give_back",
    "lines",
    "load",
    "native",
    "replace",
    "scaled",
    "units",
]

#: Integer sums stay strictly below this (int64).
LIMIT = 2**63
#: Units below this make the float check exact (see the module docstring).
_FLOAT_EXACT = 2**52
#: The most places int64 units can take (10**18 < 2**63).
MAX_SCALE = 18

# Python's str.strip() takes these as whitespace (besides the plain space,
# which the grammar below strips itself); text with one of them goes the slow way.
_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_NAME_CHAR = f"[^;=\\\\{_SPACE}]"
_EDGE_CHAR = f"[^;=\\\\ {_SPACE}]"
_AMOUNT = " *[0-9]+(?:\\.[0-9]+)? *"
_ENTRY = f"{_NAME_CHAR}*={_AMOUNT}"
#: ``NAME=AMOUNT;NAME=AMOUNT``: what the CSV reader's plain reading accepts.
PLAIN = f"^{_ENTRY}(?:;{_ENTRY})*$"
#: A single product name without an amount (no spaces around it).
BARE = f"^(?:{_EDGE_CHAR}(?:{_NAME_CHAR}*{_EDGE_CHAR})?)$"


@attrs.frozen
class Scaled:
    """A frame whose money and probability columns hold scaled integers.

    Attributes:
        frame: The frame (polars, or pyarrow for a pandas input).
        scale: The places of ``amount``'s units.
        places: The places of the probability units (the stages' and the column's).
        back: What to give back: ``"pandas"``, ``"pandas-arrow"`` (the
            amounts were Arrow decimals), ``"polars"`` or ``"polars-lazy"``.
        peak: The largest amount, in units (for the bound of the sums).
    """

    frame: nw.DataFrame[Any]
    scale: int
    places: int
    back: str
    peak: int


def _modules() -> tuple[Any, Any, Any] | None:
    """numpy, pyarrow and pyarrow.compute, or ``None`` when one is missing."""
    try:
        import numpy as np  # noqa: PLC0415 - optional, imported when used
        import pyarrow as pa  # noqa: PLC0415
        import pyarrow.compute as pc  # noqa: PLC0415
    except ImportError:  # pragma: no cover - installed with every frame extra
        return None
    return np, pa, pc


def load(frame: Frame, columns: list[str]) -> tuple[nw.DataFrame[Any], str] | None:
    """The ``columns`` of an eager pandas or polars frame (a polars LazyFrame is collected).

    pandas becomes a pyarrow table (its Decimal objects Arrow decimals), so
    the work runs in Arrow's kernels; ``None`` for other engines (Dask, ...).
    """
    native: Any = nw.to_native(frame)
    if _modules() is None:  # pragma: no cover - polars without numpy and pyarrow
        return None
    if is_polars_lazyframe(native):
        return nw.from_native(native.select(columns).collect(), eager_only=True), "polars-lazy"
    if is_polars_dataframe(native):
        return nw.from_native(native.select(columns), eager_only=True), "polars"
    if not is_pandas_dataframe(native):
        return None
    import pyarrow as pa  # noqa: PLC0415 - optional, imported when used

    try:
        table = pa.Table.from_pandas(native[columns], preserve_index=False)
    except (pa.ArrowException, ValueError, TypeError, ArithmeticError):
        return None  # mixed objects, Decimals of more than 38 digits: the slow path reads them
    back = "pandas"
    if "amount" in columns and str(native.dtypes["amount"]).startswith("decimal"):
        back = "pandas-arrow"
    return nw.from_native(table, eager_only=True), back


def units(column: Any, *, probability: bool = False) -> tuple[Any, int] | None:  # noqa: ANN401 - an Arrow array; one case per type
    """An Arrow money column as (``int64`` numpy units, scale), or ``None`` if it cannot be.

    Nulls are refused, and so are negatives (the slow path names them);
    with ``probability``, nulls and NaN are kept as missing (``-1`` units).
    """
    mods = _modules()
    if mods is None:  # pragma: no cover - installed with every frame extra
        return None
    np, pa, _pc = mods
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    kind = array.type
    missing = None
    if pa.types.is_null(kind):
        return (np.full(len(array), -1, dtype=np.int64), 0) if probability else None
    if array.null_count:
        if not probability:
            return None
        missing = np.asarray(array.is_null())
        array = array.fill_null(pa.scalar(0, type=kind))
    if pa.types.is_floating(kind):
        values = np.asarray(array, dtype=np.float64)
        nan = np.isnan(values)
        if nan.any():
            if not probability:
                return None
            missing = nan if missing is None else missing | nan
            values = np.where(nan, 0.0, values)
        found = _float_units(np, values)
    elif pa.types.is_integer(kind):
        found = (np.asarray(array.cast(pa.int64())), 0) if kind != pa.uint64() else None
    elif pa.types.is_decimal(kind) and kind.bit_width == 128:  # noqa: PLR2004 - decimal128
        found = _decimal_units(np, array, kind.scale)
    else:
        return None
    if found is None:
        return None
    ints, scale = found
    if len(ints) and ints.min() < 0:
        return None
    if probability and missing is not None:
        ints = np.where(missing, -1, ints)
    return ints, scale


def _float_units(np: Any, values: Any) -> tuple[Any, int] | None:  # noqa: ANN401 - numpy
    """The fewest places at which every float's shortest repr is whole units."""
    if len(values) and not np.isfinite(values).all():
        return None
    for scale in range(MAX_PLACES + 1):
        power = 10.0**scale
        scaled = np.rint(values * power)
        if len(values) and np.abs(scaled).max() >= _FLOAT_EXACT:
            return None
        if (scaled / power == values).all():
            return scaled.astype(np.int64), scale
    return None


def _decimal_units(np: Any, array: Any, scale: int) -> tuple[Any, int] | None:  # noqa: ANN401 - numpy, Arrow
    """A decimal128 array's 128-bit integers as int64, if every one fits."""
    if scale > MAX_SCALE or scale < 0:
        return None
    data = array.buffers()[1]
    words = np.frombuffer(data, dtype=np.int64)[2 * array.offset : 2 * (array.offset + len(array))]
    low, high = words[0::2], words[1::2]
    if len(low) and not (high == (low >> 63)).all():
        return None
    return low.copy(), scale


def rescale(ints: Any, by: int, peak: int) -> Any | None:  # noqa: ANN401 - numpy
    """``ints × 10**by``, or ``None`` if the largest (``peak``) would leave int64."""
    if by == 0:
        return ints
    if peak * 10**by >= LIMIT:
        return None
    return ints * 10**by


def scaled(
    frame: Frame,
    *,
    dates: Sequence[str],
    probability: str | None,
    keep: list[str],
    options: CellOptions,
    funnel: Funnel,
) -> Scaled | None:
    """The frame's ``keep`` columns with ``amount`` (and ``probability``) as units, or ``None``.

    Dates must be dates or naive date-times (taken as their date); anything
    the slow path converts differently (text, aware date-times) gives ``None``.
    """
    mods = _modules()
    if mods is None:  # pragma: no cover - installed with every frame extra
        return None
    if options.tz is not None:
        return None  # aware date-times are converted by the slow path
    np, pa, _pc = mods
    loaded = load(frame, keep)
    if loaded is None:
        return None
    eager, back = loaded
    if "stage" in keep and eager["stage"].null_count():
        return None  # Arrow's nulls compare as null, not false: the slow path names the rows
    schema = eager.schema
    for column in dates:
        dtype = schema[column]
        if not (dtype == nw.Date or (isinstance(dtype, nw.Datetime) and dtype.time_zone is None)):
            return None
    found = units(eager["amount"].to_arrow())
    if found is None or (not options.allow_float and schema["amount"].is_float()):
        return None
    amounts, scale = found
    stage_places = max((decimal_places(s.probability) for s in funnel), default=0)
    places = stage_places
    columns: dict[str, Any] = {}
    if probability is not None:
        shares = units(eager[probability].to_arrow(), probability=True)
        if shares is None:
            return None
        probs, prob_scale = shares
        if options.scale == "percent":
            prob_scale += 2
        if len(probs) and probs.max() > 10**prob_scale:
            return None  # above 1 (or 100 %): the slow path says so
        places = max(places, prob_scale)
        if places > MAX_SCALE:
            return None
        present = probs >= 0
        probs = np.where(present, probs * 10 ** (places - prob_scale), 0)
        columns[probability] = pa.array(probs, mask=~present)
    peak = int(amounts.max()) if len(amounts) else 0
    if peak * 10**places * max(len(amounts), 1) >= LIMIT:
        return None
    columns["amount"] = pa.array(amounts)
    out = replace(eager, columns).with_columns(
        *(nw.col(c).cast(nw.Date) for c in dates if schema[c] != nw.Date)
    )
    if back.startswith("polars") and "stage" in keep:
        out = _stage_enum(out, funnel)
    return Scaled(out, scale, places, back, peak)


def _stage_enum(frame: nw.DataFrame[Any], funnel: Funnel) -> nw.DataFrame[Any]:
    """A polars frame whose stages, all of ``funnel``, are held as a ``pl.Enum``.

    Every stage test of the forecast (two dozen ``is_in``) then compares
    small integers instead of text; a frame with a stage the funnel does not
    have keeps its text, so that the scan names the stage.
    """
    import polars as pl  # noqa: PLC0415 - the frame is polars

    known = list(dict.fromkeys(key for keys in stage_sets(funnel) for key in keys))
    df: Any = nw.to_native(frame)
    if df.schema["stage"] != pl.String:
        return frame
    try:  # a strict cast: one pass, and it refuses a stage the Enum does not hold
        return nw.from_native(
            df.with_columns(pl.col("stage").cast(pl.Enum(known))), eager_only=True
        )
    except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError):  # by polars version
        return frame


def replace(frame: nw.DataFrame[Any], columns: dict[str, Any]) -> nw.DataFrame[Any]:
    """``frame`` (polars or pyarrow) with its ``columns`` replaced by Arrow arrays."""
    import pyarrow as pa  # noqa: PLC0415 - optional, imported when used

    native = nw.to_native(frame)
    if isinstance(native, pa.Table):
        for name, values in columns.items():
            native = native.set_column(native.schema.get_field_index(name), name, values)
        return nw.from_native(native, eager_only=True)
    import polars as pl  # noqa: PLC0415 - the frame is polars

    return nw.from_native(
        native.with_columns(pl.Series(name, values) for name, values in columns.items()),
        eager_only=True,
    )


#: Converts the lines (int64 units) of their deals (row numbers) at the lines'
#: scale, the largest at most the peak given, bounding the sums of as many
#: lines: (values, rows, scale, peak, lines) to (values, scale), or ``None``.
Convert = Callable[[Any, Any, int, int, int], tuple[Any, int] | None]


def lines(  # noqa: PLR0915 - one kernel after the other, each check where its data is
    frame: Frame,
    keep: list[str],
    scale: int,
    peak: int,
    places: int,
    convert: Convert | None = None,
) -> tuple[nw.DataFrame[Any], int] | None:
    """One row per (deal, product): ``keep``, ``product``, ``_v`` and ``_x`` in units.

    In Arrow's kernels, for a pyarrow table (polars frames take
    :func:`salesfunnel.frames._polars_lines.polars_cells`). ``frame`` has ``amount`` (units at ``scale``), ``_p`` (probability units
    at ``places``), ``products`` and ``keep``. Returns the long table and the
    scale of ``_v`` (the lines may have more places than the amounts), or
    ``None`` where the slow path must read the products. With ``convert``
    the lines are converted (:mod:`salesfunnel.frames._fx_units`) and the
    table has ``_n``, 1 on each deal's first line (to count deals).
    """
    mods = _modules()
    if mods is None:  # pragma: no cover - installed with every frame extra
        return None
    np, pa, pc = mods
    table = nw.to_native(frame)
    text = table["products"].combine_chunks()
    if not (
        pa.types.is_string(text.type)
        or pa.types.is_large_string(text.type)
        or getattr(pa.types, "is_string_view", _never)(text.type)  # pyarrow >= 16
    ):
        return None
    text = text.cast(pa.string()).fill_null("")
    plain = np.asarray(pc.match_substring_regex(text, PLAIN), dtype=bool)
    every = bool(plain.all())
    if not every:
        bare = pc.or_(pc.equal(text, ""), pc.match_substring_regex(text, BARE))
        if not np.asarray(bare, dtype=bool)[~plain].all():
            return None
    split = pc.split_pattern(text if every else pc.if_else(pa.array(plain), text, ""), ";")
    parent = np.asarray(pc.list_parent_indices(split))
    entries = pc.list_flatten(split)
    is_line = plain[parent]
    line_entries = entries if every else entries.filter(pa.array(is_line))
    # A plain entry has exactly one '=': its halves alternate name, amount.
    halves = pc.list_flatten(pc.split_pattern(line_entries, "=", max_splits=1))
    picks = np.arange(len(halves))
    written = pc.utf8_trim(halves.take(pa.array(picks[1::2])), " ")
    dot = np.asarray(pc.find_substring(written, "."))
    digits = np.where(dot >= 0, np.asarray(pc.utf8_length(written)) - dot - 1, 0)
    line_scale = max(scale, int(digits.max()) if len(digits) else 0)
    amounts = np.asarray(table["amount"].combine_chunks())
    if line_scale > MAX_SCALE:
        return None
    amounts = rescale(amounts, line_scale - scale, peak)
    if amounts is None or (
        convert is None and peak * 10 ** (line_scale - scale + places) * len(entries) >= LIMIT
    ):
        return None
    try:
        found = _decimal_units(np, written.cast(pa.decimal128(38, line_scale)), line_scale)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # more digits than a decimal holds
    if found is None:
        return None
    names = pc.utf8_trim(halves.take(pa.array(picks[0::2])), " ")
    values = found[0]
    if not every:
        full = amounts[parent]
        full[is_line] = values
        values = full
        index = np.zeros(len(entries), dtype=np.int64)
        index[is_line] = np.arange(len(names))
        index[~is_line] = len(names) + np.arange(int((~is_line).sum()))
        bare_names = text.take(pa.array(parent[~is_line]))
        names = pa.concat_arrays([names, bare_names]).take(pa.array(index))
    offsets = np.asarray(split.offsets)[:-1]
    if len(values) and not (np.add.reduceat(values, offsets) == amounts).all():
        return None  # lines that do not add up: the slow path names the deal
    if _repeats(np, pc, names, parent, np.asarray(split.value_lengths())):
        return None
    taken = pa.array(parent)
    probs = np.asarray(table["_p"].combine_chunks().fill_null(0))[parent]
    out = {c: table[c].take(taken) for c in keep}
    out["product"] = names.cast(pa.string())
    if convert is not None:
        got = convert(values, parent, line_scale, peak * 10 ** (line_scale - scale), len(values))
        if got is None:
            return None
        values, line_scale = got
        first = np.zeros(len(values), dtype=np.int64)
        first[offsets] = 1
        out["_n"] = pa.array(first)
    out["_v"] = pa.array(values)
    out["_x"] = pa.array(values * probs)
    return nw.from_native(pa.table(out), eager_only=True), line_scale


def _never(_dtype: object) -> bool:  # pragma: no cover - pyarrow before 16
    """No type is a string view (before pyarrow had them)."""
    return False


def _repeats(np: Any, pc: Any, names: Any, parent: Any, lengths: Any) -> bool:  # noqa: ANN401 - numpy, Arrow
    """Tell whether a deal names one product on two lines (adjacent rows of the long table)."""
    longest = int(lengths.max()) if len(lengths) else 0
    if longest < 2:  # noqa: PLR2004 - one line per deal repeats nothing
        return False
    codes = np.asarray(pc.dictionary_encode(names).indices)
    return any(
        ((codes[d:] == codes[:-d]) & (parent[d:] == parent[:-d])).any() for d in range(1, longest)
    )


def decimals(ints: Any, scale: int) -> Any:  # noqa: ANN401 - numpy in, Arrow out
    """Arrow ``decimal128(38, scale)`` of int64 units, built from their bytes (no objects)."""
    np, pa, _pc = _modules()  # type: ignore[misc]  # present: units were made with them
    ints = np.ascontiguousarray(ints, dtype=np.int64)
    words = np.empty(2 * len(ints), dtype=np.int64)
    words[0::2] = ints
    words[1::2] = ints >> 63
    return pa.Array.from_buffers(pa.decimal128(38, scale), len(ints), [None, pa.py_buffer(words)])


def give_back(frame: nw.DataFrame[Any], money: dict[str, int], back: str) -> Any:  # noqa: ANN401 - a frame of the caller's engine
    """A result of units as the caller's engine holds exact money.

    ``money`` maps each column of units to its scale. pandas gets ``Decimal``
    objects (Arrow decimals if its amounts were Arrow decimals), polars
    ``pl.Decimal`` columns; the columns are built from the units' bytes.
    """
    np, pa, _pc = _modules()  # type: ignore[misc]  # present: units were made with them
    table = frame.to_arrow()
    for name, scale in money.items():
        ints = np.asarray(table[name].combine_chunks().cast(pa.int64()))
        table = table.set_column(table.schema.get_field_index(name), name, decimals(ints, scale))
    return native(table, back)


def native(table: Any, back: str) -> Any:  # noqa: ANN401 - Arrow in, the caller's engine out
    """An Arrow table as a frame of the caller's engine (see :class:`Scaled`'s ``back``).

    pandas gets text as its ``str`` type and decimals as ``Decimal`` objects,
    or as Arrow decimals when ``back`` is ``"pandas-arrow"``.
    """
    np, pa, _pc = _modules()  # type: ignore[misc]  # present: units were made with them
    if back.startswith("polars"):
        import polars as pl  # noqa: PLC0415 - the caller's engine

        result: Any = pl.from_arrow(table)
        return result.lazy() if back == "polars-lazy" else result
    import pandas as pd  # noqa: PLC0415 - the caller's engine

    def mapper(dtype: Any) -> Any:  # noqa: ANN401 - Arrow and pandas types
        if pa.types.is_decimal(dtype):
            return pd.ArrowDtype(dtype) if back == "pandas-arrow" else None
        if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
            return pd.StringDtype(na_value=np.nan)
        return None

    return table.to_pandas(types_mapper=mapper)
