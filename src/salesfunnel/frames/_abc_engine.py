"""ABC analysis in the engine: sums, ranking and running totals in the frame, shares from integers.

The engine path of :func:`~salesfunnel.frames.abc_frame` for fixed
thresholds without ``keep_ties``: the engine sums the figure per customer
(exact figures as ``int64`` units, :mod:`salesfunnel.frames._scaled`), sorts
by figure descending and key ascending, and numpy takes the running totals,
the class limits (one binary search per threshold) and the shares. Exact
shares are rounded half-even from the integer running totals, as
:func:`salesfunnel.customers._abc_rank.round_ratio` rounds them, with the
quotient estimated in floats and corrected with exact ``int64`` remainders
(the remainder is small, so its wrapped product is exact). Nothing builds a
Python object per customer: the columns are made from the numbers' bytes.

This is a speed-only copy of the cut rule of
:func:`salesfunnel.customers.abc_classes.abc_classify` (``_cut``) on arrays:
the equality tests hold it to the core's result, and
``benchmarks/bench_abc.py`` and ``bench_frames.py`` show what it saves
(the core's ranking works on Python objects, one per customer). Anything
else (computed limits, ties kept, figures that do not fit ``int64``, more
than 12 places) gives ``None`` and the core computes the classes.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import narwhals.stable.v2 as nw

from salesfunnel.customers._abc_rank import LETTERS, check_thresholds
from salesfunnel.customers.abc_classes import Basis, Boundary
from salesfunnel.frames._common import Frame
from salesfunnel.frames._scaled import decimals, load, native, units
from salesfunnel.money import MAX_INTEGER_DIGITS, MAX_PLACES

__all__ = ["engine_abc"]

#: Running totals stay below this, so that twice a remainder fits int64.
_TOTAL_LIMIT = 2**62
#: Share places whose float estimate is within one unit of the quotient.
_MAX_SHARE_PLACES = 12


def engine_abc(
    frame: Frame,
    *,
    key: str,
    value: str,
    thresholds: object,
    basis: Basis,
    boundary: Boundary,
    places: int,
) -> Any | None:  # noqa: ANN401 - a frame of the caller's engine
    """The ABC frame computed in the engine, or ``None`` where the core must do it."""
    if places > _MAX_SHARE_PLACES:
        return None
    loaded = load(frame, [key, value])
    if loaded is None:
        return None
    eager, back = loaded
    import numpy as np  # noqa: PLC0415 - present: load() needs it
    import pyarrow as pa  # noqa: PLC0415

    column = eager[value].to_arrow()
    kind = column.type
    floats = pa.types.is_floating(kind)
    scale = 0
    if floats:
        nums = np.asarray(column, dtype=np.float64)
    else:
        found = units(column)
        if found is None or found[1] > MAX_PLACES:
            return None  # the core refuses figures of more places than an amount has
        nums, scale = found
        peak = int(nums.max()) if len(nums) else 0
        if peak * max(len(nums), 1) >= _TOTAL_LIMIT:
            return None
    if len(nums) == 0:
        return None
    native_frame = nw.to_native(eager)
    if isinstance(native_frame, pa.Table):
        customers, nums = _arrow_sums(np, pa, native_frame[key].combine_chunks(), nums)
    else:
        customers, nums = _polars_sums(native_frame, key, value, nums)
    n = len(nums)
    if floats and (not np.isfinite(nums).all() or nums.min() < 0):
        return None  # the core names the customer
    if not floats and int(nums.max()) >= 10 ** (MAX_INTEGER_DIGITS + scale):
        return None  # a sum beyond an amount's bounds: the core names the customer
    cum = np.cumsum(nums)
    limits = check_thresholds(
        thresholds
        if thresholds is not None
        else (("0.8", "0.95") if basis is Basis.VALUE else ("0.2", "0.5"))
    )
    cuts = [_cut(np, cum, n, t, basis, boundary, floats=floats) for t in limits]
    labels = pa.array(list(LETTERS[: len(limits) + 1]))
    # the cuts ascend: class i runs from the cut before it to its own
    classes = np.repeat(np.arange(len(cuts) + 1), np.diff([0, *cuts, n]))
    if floats:
        total = float(cum[-1])
        shares = [nums / total, cum / total] if total else [np.zeros(n), np.zeros(n)]
        share, running = (pa.array(x, type=pa.float64()) for x in shares)
    else:
        rounded = _rounded(np, cum, int(cum[-1]), places)
        share = decimals(np.diff(rounded, prepend=0), places)
        running = decimals(rounded, places)
    figures: Any = pa.array(nums)
    if pa.types.is_decimal(kind):
        figures = decimals(nums, scale)
    columns = {
        value: figures,
        "rank": pa.array(np.arange(1, n + 1)),
        "abc_class": pa.DictionaryArray.from_arrays(pa.array(classes), labels).cast(pa.string()),
        "share": share,
        "cumulative_share": running,
    }
    if back.startswith("polars"):  # the keys stay polars' own (no copy into Arrow and back)
        return native(pa.table(columns), "polars").insert_column(0, customers)
    return native(pa.table({key: customers, **columns}), "pandas-arrow")


def _arrow_sums(np: Any, pa: Any, keys: Any, nums: Any) -> tuple[Any, Any]:  # noqa: ANN401 - numpy, Arrow
    """Sum per customer and rank (figure descending, key ascending), in Arrow and numpy.

    The keys are dictionary-encoded (one hash pass; Acero's grouping is far
    slower on a million distinct keys); distinct keys need no sums at all.
    """
    import pyarrow.compute as pc  # noqa: PLC0415 - optional, imported when used

    encoded = pc.dictionary_encode(keys)
    customers = encoded.dictionary
    if len(customers) != len(keys):
        codes = np.asarray(encoded.indices)
        if nums.dtype.kind == "f":
            nums = np.bincount(codes, weights=nums, minlength=len(customers))
        else:
            sums = np.zeros(len(customers), dtype=np.int64)
            np.add.at(sums, codes, nums)
            nums = sums
    order = pc.sort_indices(
        pa.table({"k": customers, "v": pa.array(nums)}),
        [("v", "descending"), ("k", "ascending")],
    )
    return customers.take(order), nums[np.asarray(order)]


def _polars_sums(df: Any, key: str, value: str, nums: Any) -> tuple[Any, Any]:  # noqa: ANN401 - polars, numpy
    """Sum per customer and rank, in polars (its grouping and sort run in parallel).

    A frame of one row per customer (the keys' 64-bit hashes all differ) is
    only sorted: grouping a million distinct keys costs more than the sort.
    Equal hashes of different keys merely take the grouping.
    """
    import polars as pl  # noqa: PLC0415 - the frame is polars

    rows = df.lazy().select(pl.col(key), pl.Series(value, nums))
    distinct = rows.select(pl.col(key).hash().n_unique() == pl.len()).collect().item()
    if not distinct:
        rows = rows.group_by(key).agg(pl.col(value).sum())
    ranked = rows.sort([value, key], descending=[True, False]).collect()
    return ranked[key], ranked[value].to_numpy()


def _cut(
    np: Any,  # noqa: ANN401 - numpy
    cum: Any,  # noqa: ANN401 - numpy
    n: int,
    t: Fraction,
    basis: Basis,
    boundary: Boundary,
    *,
    floats: bool,
) -> int:
    """How many top-ranked customers are within threshold ``t`` (the core's ``_cut``)."""
    inclusive = boundary is Boundary.INCLUSIVE
    if basis is Basis.COUNT:
        return math.floor(t * n) if inclusive else math.ceil(t * n)
    total = cum[-1]
    if not total:
        return 0
    if floats:
        target: Any = float(t) * float(total)
    else:  # whole running totals: below a fraction is below its ceiling
        exact = t * int(total)
        target = math.floor(exact) if inclusive else math.ceil(exact)
    if inclusive:
        return int(np.searchsorted(cum, target, side="right"))
    return 1 + min(int(np.searchsorted(cum, target, side="left")), n - 1)


def _rounded(np: Any, cum: Any, whole: int, places: int) -> Any:  # noqa: ANN401 - numpy
    """``round(cum × 10**places / whole)`` half-even, exactly, in int64."""
    if not whole:
        return np.zeros(len(cum), dtype=np.int64)
    unit = 10**places
    q = np.floor(cum.astype(np.float64) * (unit / whole)).astype(np.int64)
    with np.errstate(over="ignore"):
        r = cum * np.int64(unit) - q * np.int64(whole)  # wraps, and the true value is small
    low = r < 0
    q, r = q - low, r + low * np.int64(whole)
    high = r >= whole
    q, r = q + high, r - high * np.int64(whole)
    twice = 2 * r
    return q + ((twice > whole) | ((twice == whole) & (q % 2 == 1)))
