"""Currency conversion on units: each line times its rate, rounded half-even to cents, in int64.

The core converts a line of ``amount`` at ``factor`` (the rate of its
currency and rate date, :meth:`~salesfunnel.fx.ExchangeRates.rate`) as
``(amount * factor).quantize(CENTS, rounding=ROUND_HALF_EVEN)`` in
:func:`~salesfunnel.money.money_context`: 60 significant digits, half-even.
This module gives the same numbers from ``int64`` units, in the engine.

A factor is a finite decimal, ``F / 10**e`` (``F`` and ``e`` the smallest
whole numbers that write it). A line of ``A`` units at scale ``s`` converts
to ``A·F / 10**k`` cents, ``k = s + e - 2``, rounded half-even; with
``k <= 0`` no rounding is needed (``A·F·10**-k`` cents). For ``k > 0``,
``F = W·10**k + G`` with ``0 <= G < 10**k``: the cents are ``A·W`` plus
``A·G / 10**k`` rounded. The fraction ``G / 10**k`` is written in ``n``
limbs of ``j`` digits (``G' = G·10**(n·j - k)``, limbs ``g_0`` lowest),
and ``A·G'`` is multiplied out limb by limb, as on paper: ``t_i = A·g_i +
c_i``, digit ``r_i = t_i mod 10**j``, carry ``c_{i+1} = t_i div 10**j``.
The last carry is ``floor(A·G / 10**k)``, the digits are the remainder,
and the remainder's top limb against ``5·10**(j-1)`` (and the lower limbs
against zero) tells below, at or above one half: a tie rounds to the even
cent. No step leaves ``int64``, by these bounds, with ``P`` the largest
line (in units):

* ``c_i <= A`` (``c_0 = 0``; if ``c_i <= A`` then ``t_i <= A·(10**j - 1) +
  A = A·10**j``, so ``c_{i+1} <= A``), hence ``t_i <= P·10**j``: ``j`` is
  the most digits with ``P·10**j < 2**63``;
* the cents are at most ``A·W + A = A·(W + 1)`` (the last carry is below
  ``A``, the rounding adds one at most): ``P·(W + 1)``, times the result's
  scale step, must stay below ``2**63``, and the caller bounds the sums of
  that peak (times the probability's places, times the rows).

The core multiplies in 60 significant digits, so a product of more digits
is rounded once before the quantize, and that first rounding can make (or
unmake) a tie. It cannot when ``P·F < 10**60`` (every exact product then
has at most 60 digits): a factor with more (an inverted rate, ``1 / 7.12``
in 60 digits) gives ``None``, and the caller takes the exact slow path. So
do ``P`` too large for one limb and more than :data:`MAX_LIMBS` limbs.

A converted line has exactly two places (it is quantized to cents); a
line in the reporting currency keeps its own: the result's scale is the
larger of the lines' scale and 2, each value shifted up to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import narwhals.stable.v2 as nw
from narwhals.stable.v2.dependencies import is_pyarrow_table

from salesfunnel.frames._aggregate import aggregate
from salesfunnel.frames._common import Frame, collect, stage_sets
from salesfunnel.frames._polars_lines import Conversion, polars_cells, spaced
from salesfunnel.frames._scaled import LIMIT, MAX_SCALE, Scaled, lines
from salesfunnel.funnel.stages import Funnel
from salesfunnel.fx import CENTS

__all__ = [
    "MAX_LIMBS",
    "Plan",
    "converted_cells",
    "integer_rate",
    "numpy_convert",
    "plan",
    "polars_constants",
    "polars_convert",
    "rate_date",
    "with_pairs",
]

#: The places of a converted line (the core quantizes to cents).
_CENT_PLACES = -int(CENTS.as_tuple().exponent)
#: The significant digits of the core's money context (an exact product stays below).
_CORE_DIGITS = 10**60
#: The most limbs a factor's fraction is split into (more: the slow path).
MAX_LIMBS = 6


@attrs.frozen
class Plan:
    """The integer constants that convert lines at one scale, per (currency, rate date) pair.

    Index ``i < len(pairs)`` is the pair ``i`` of :func:`with_pairs`; the
    last index is a line in the reporting currency (kept, shifted to
    ``scale``).

    Attributes:
        scale: The places of the converted values.
        step: ``10**j``, the base of the limbs.
        whole: ``W`` per index (1 for the last).
        limbs: ``n`` tuples, limb ``i`` (lowest first) per index.
        times: The shift to ``scale`` per index (``10**(scale - 2)``, or of the lines' scale).
        peak: The largest converted value (units at ``scale``).
    """

    scale: int
    step: int
    whole: tuple[int, ...]
    limbs: tuple[tuple[int, ...], ...]
    times: tuple[int, ...]
    peak: int


def integer_rate(factor: Decimal) -> tuple[int, int]:
    """``(F, e)`` with ``factor == F / 10**e``, both as small as can be."""
    numerator, denominator = factor.as_integer_ratio()
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    places = max(twos, fives)
    return numerator * 2 ** (places - twos) * 5 ** (places - fives), places


def plan(rates: Sequence[tuple[int, int]], scale: int, peak: int) -> Plan | None:
    """The constants converting lines of units at ``scale`` (at most ``peak``), or ``None``.

    ``rates`` are the pairs' ``(F, e)`` (:func:`integer_rate`); ``None``
    where the module's bounds do not hold (the caller takes the slow path).
    """
    digits = next((j for j in range(MAX_SCALE, 0, -1) if peak * 10**j < LIMIT), 0)
    if digits == 0:
        return None
    step = 10**digits
    out = max(scale, _CENT_PLACES)
    wholes: list[int] = []
    fractions: list[tuple[int, int]] = []
    for numerator, places in rates:
        if peak * numerator >= _CORE_DIGITS:
            return None  # the core's product may be rounded to 60 digits first
        k = scale + places - _CENT_PLACES
        if k <= 0:
            wholes.append(numerator * 10**-k)
            fractions.append((0, 0))
        else:
            whole, rest = divmod(numerator, 10**k)
            wholes.append(whole)
            fractions.append((rest, k))
    deepest = max((k for rest, k in fractions if rest), default=0)
    count = -(-deepest // digits)
    if count > MAX_LIMBS:
        return None
    limbs = []
    for i in range(count):
        column = []
        for rest, k in fractions:
            padded = rest * 10 ** (count * digits - k) if rest else 0
            column.append(padded // step**i % step)
        limbs.append((*column, 0))
    shift = 10 ** (out - _CENT_PLACES)
    top = max((peak * (w + 1) * shift for w in wholes), default=0)
    top = max(top, peak * 10 ** (out - scale))
    if top >= LIMIT:
        return None
    return Plan(
        scale=out,
        step=step,
        whole=(*wholes, 1),
        limbs=tuple(limbs),
        times=(*([shift] * len(wholes)), 10 ** (out - scale)),
        peak=top,
    )


def with_pairs(
    frame: Frame, factors: Mapping[tuple[str, date], Decimal]
) -> tuple[Frame, list[tuple[int, int]]]:
    """``frame`` (with ``currency`` and ``_on``) with ``_pair``, its pair's index; and the rates.

    The pairs are ``factors``' keys in order, those of every row to convert;
    a row in the reporting currency has the index after the last pair (its
    value is kept). A join finds them in polars, a sorted search in pyarrow.
    """
    pairs = list(factors)
    rates = [integer_rate(factors[p]) for p in pairs]
    native = nw.to_native(frame)
    if isinstance(frame, nw.DataFrame) and is_pyarrow_table(native):
        return nw.from_native(_arrow_pairs(native, pairs), eager_only=True), rates
    table = nw.from_dict(
        {
            "_cur": [c for c, _ in pairs],
            "_on": [d for _, d in pairs],
            "_pair": list(range(len(pairs))),
        },
        schema={"_cur": nw.String(), "_on": nw.Date(), "_pair": nw.Int64()},
        backend=nw.get_native_namespace(frame),
    )
    right: Frame = table.lazy() if isinstance(frame, nw.LazyFrame) else table
    joined = (
        frame.with_columns(
            _cur=nw.col("currency").cast(nw.String()), _on=nw.col("_on").cast(nw.Date())
        )
        .join(right, on=["_cur", "_on"], how="left")  # type: ignore[arg-type]
        .drop("_cur")
    )
    # every row to convert has its pair (the pairs are the distinct ones of these
    # rows): the rows without one are those already in the reporting currency
    joined = joined.with_columns(_pair=nw.col("_pair").fill_null(len(pairs)))
    return joined, rates


#: A (currency, day) pair as one integer: the currency's number, then the day
#: (days from 1970, shifted to be positive: every date of years 1 to 9999).
_DAY_SHIFT = 2**22
_CURRENCY_STEP = 2**23


def _arrow_pairs(table: Any, pairs: list[tuple[str, date]]) -> Any:  # noqa: ANN401 - pyarrow
    """The ``_pair`` of each row of a pyarrow table, found with a sorted search (no join).

    Arrow's hash join costs a second per million rows; each row's (currency,
    day) as one integer, looked up in the pairs' sorted keys, costs a tenth.
    """
    import numpy as np  # noqa: PLC0415 - installed with every frame extra
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    names = sorted({c for c, _ in pairs})
    epoch = date(1970, 1, 1)
    wanted = np.array(
        [names.index(c) * _CURRENCY_STEP + (d - epoch).days + _DAY_SHIFT for c, d in pairs],
        dtype=np.int64,
    )
    order = np.argsort(wanted)
    ordered = wanted[order]
    codes = pc.index_in(table["currency"].cast(pa.string()), value_set=pa.array(names))
    codes = codes.fill_null(-1).to_numpy().astype(np.int64)
    days = table["_on"].cast(pa.date32()).cast(pa.int32()).to_numpy().astype(np.int64)
    keys = codes * _CURRENCY_STEP + days + _DAY_SHIFT
    at = np.minimum(np.searchsorted(ordered, keys), len(ordered) - 1)  # there is a pair
    index = np.where((codes >= 0) & (ordered[at] == keys), order[at], len(pairs))
    return table.append_column("_pair", pa.array(index, type=pa.int64()))


def _constants(rule: Plan) -> dict[str, tuple[int, ...]]:
    """The columns of constants the steps read, each value per pair index."""
    return {
        "_kw": rule.whole,
        "_km": rule.times,
        **{f"_kg{i}": limb for i, limb in enumerate(rule.limbs)},
    }


def _steps(ops: Any, value: str, out: str, rule: Plan) -> None:  # noqa: ANN401 - numpy or polars
    """Convert column ``value`` into ``out`` (see the module), one step after the other.

    The columns of :func:`_constants` are already there.
    """
    a = ops.col(value)
    for i in range(len(rule.limbs)):
        term = a * ops.col(f"_kg{i}")
        ops.assign(_kt=term + ops.col("_kc") if i else term)
        ops.assign(**{f"_kr{i}": ops.col("_kt") % rule.step, "_kc": ops.col("_kt") // rule.step})
    base = a * ops.col("_kw")
    if not rule.limbs:
        ops.assign(**{out: base * ops.col("_km")})
        return
    ops.assign(_kb=base + ops.col("_kc"))
    half = rule.step // 2
    top = ops.col(f"_kr{len(rule.limbs) - 1}")
    above = top > half
    tie = top == half
    if len(rule.limbs) > 1:
        rest = ops.col("_kr0") != 0
        for i in range(1, len(rule.limbs) - 1):
            rest = rest | (ops.col(f"_kr{i}") != 0)
        above = above | (tie & rest)
        tie = tie & ~rest
    up = above | (tie & (ops.col("_kb") % 2 == 1))
    ops.assign(**{out: ops.where(up, ops.col("_kb") + 1, ops.col("_kb")) * ops.col("_km")})


class _Numpy:
    """The steps on numpy arrays (the lines of a pyarrow table)."""

    def __init__(self, np: Any, columns: dict[str, Any]) -> None:  # noqa: ANN401 - numpy
        self.np, self.columns = np, columns

    def col(self, name: str) -> Any:  # noqa: ANN401 - numpy
        return self.columns[name]

    def assign(self, **columns: Any) -> None:  # noqa: ANN401 - numpy
        self.columns.update(columns)

    def where(self, test: Any, yes: Any, no: Any) -> Any:  # noqa: ANN401 - numpy
        return self.np.where(test, yes, no)


class _Polars:
    """The steps as a polars query, one ``with_columns`` each (polars shares no sub-expression)."""

    def __init__(self, pl: Any, lf: Any) -> None:  # noqa: ANN401 - polars
        self.pl, self.lf = pl, lf

    def col(self, name: str) -> Any:  # noqa: ANN401 - polars
        return self.pl.col(name)

    def assign(self, **columns: Any) -> None:  # noqa: ANN401 - polars
        self.lf = self.lf.with_columns(**columns)

    def where(self, test: Any, yes: Any, no: Any) -> Any:  # noqa: ANN401 - polars
        return self.pl.when(test).then(yes).otherwise(no)


def numpy_convert(np: Any, values: Any, pair: Any, rule: Plan) -> Any:  # noqa: ANN401 - numpy
    """Each of ``values`` (int64 units) converted at its ``pair``'s rate, at ``rule.scale``."""
    pair = np.asarray(pair)
    columns = {"_a": np.asarray(values, dtype=np.int64)}
    for name, per_pair in _constants(rule).items():
        columns[name] = np.asarray(per_pair, dtype=np.int64)[pair]
    ops = _Numpy(np, columns)
    _steps(ops, "_a", "_out", rule)
    return ops.columns["_out"]


def polars_constants(pl: Any, rule: Plan) -> dict[str, Any]:  # noqa: ANN401 - polars
    """The constants of ``rule`` as polars expressions of ``_pair``.

    Added to the deals before their lines are exploded: one look-up per deal.
    """
    return {
        name: pl.col("_pair").replace_strict(
            list(range(len(per_pair))), list(per_pair), return_dtype=pl.Int64
        )
        for name, per_pair in _constants(rule).items()
    }


def polars_convert(pl: Any, lf: Any, value: str, out: str, rule: Plan) -> Any:  # noqa: ANN401 - polars
    """``lf`` (with :func:`polars_constants`) with ``out``: column ``value`` converted."""
    ops = _Polars(pl, lf)
    _steps(ops, value, out, rule)
    return ops.lf


def converted_cells(
    rows: Frame,
    keys: Sequence[str],
    fast: Scaled,
    places: int,
    factors: Mapping[tuple[str, date], Decimal],
    *,
    has_products: bool,
    function: str,
) -> tuple[Frame, int] | None:
    """The figures per ``keys`` of rows of units, each line converted, or ``None``.

    ``rows`` has the ``keys`` but ``product``, ``_p`` (probability units at
    ``places``), ``amount`` (units at ``fast.scale``), ``currency``,
    ``_on`` (the rate date) and ``products`` if ``has_products``; without
    them each deal is one line (a deal by product needs them). Returns the
    cells (``count``, ``amount``, ``weighted``, unsorted) and the scale of
    ``amount`` (``weighted``: plus ``places``); ``None`` where the bounds
    do not hold or the products need the slow path.
    """
    import numpy as np  # noqa: PLC0415 - installed with every frame extra

    group = [k for k in keys if k != "product"]
    paired, rates = with_pairs(rows, factors)
    polars = fast.back.startswith("polars")
    if not has_products:
        rule = plan(rates, fast.scale, fast.peak)
        if rule is None or rule.peak * 10**places * max(len(fast.frame), 1) >= LIMIT:
            return None
        selected = paired.select(*group, "_p", "amount", "_pair")
        if polars:
            import polars as pl  # noqa: PLC0415 - the frame is polars

            lf = nw.to_native(selected).with_columns(**polars_constants(pl, rule))
            lf = polars_convert(pl, lf, "amount", "_v", rule)
            values: Frame = nw.from_native(lf.with_columns(_x=pl.col("_v") * pl.col("_p")))
        else:
            table = collect(selected)
            converted = numpy_convert(
                np, table["amount"].to_numpy(), table["_pair"].to_numpy(), rule
            )
            values = table.with_columns(
                _v=nw.new_series(
                    "_v", converted, nw.Int64(), backend=nw.get_native_namespace(table)
                )
            ).with_columns(_x=nw.col("_v") * nw.col("_p"))
        return aggregate(values, keys, function=function), rule.scale
    by_product = "product" in keys
    selected = paired.select(*group, "_p", "amount", "products", "_pair")
    if polars:
        import polars as pl  # noqa: PLC0415 - the frame is polars

        def on_polars(scale: int, peak: int) -> Conversion | None:
            rule = plan(rates, scale, peak)
            if rule is None:
                return None
            return (
                polars_constants(pl, rule),
                lambda lf: polars_convert(pl, lf, "_v", "_cv", rule),
                rule.peak,
                rule.scale,
            )

        got = polars_cells(
            nw.to_native(selected),
            keys if by_product else (*keys, "product"),
            fast.scale,
            fast.peak,
            places,
            spaced=spaced(nw.to_native(fast.frame)),
            convert=on_polars,
        )
        if got is None:
            return None
        cells: Frame = nw.from_native(got[0], eager_only=True)
        if by_product:
            return cells.drop("_n"), got[1]
        sums = aggregate(
            cells,
            keys,
            function=function,
            sums={"count": "_n", "amount": "amount", "weighted": "weighted"},
            count=None,
        )
        return sums.with_columns(nw.col("count").cast(nw.UInt32())), got[1]
    table = collect(selected)
    pairs = table["_pair"].to_numpy()

    def on_arrow(
        values: Any,  # noqa: ANN401 - numpy
        parent: Any,  # noqa: ANN401 - numpy
        scale: int,
        peak: int,
        count: int,
    ) -> tuple[Any, int] | None:
        rule = plan(rates, scale, peak)
        if rule is None or rule.peak * 10**places * max(count, 1) >= LIMIT:
            return None
        return numpy_convert(np, values, pairs[parent], rule), rule.scale

    long = lines(table, group, fast.scale, fast.peak, places, convert=on_arrow)
    if long is None:
        return None
    if by_product:
        return aggregate(long[0], keys, function=function), long[1]
    return aggregate(
        long[0],
        keys,
        function=function,
        sums={"count": "_n", "amount": "_v", "weighted": "_x"},
        count=None,
    ), long[1]


def rate_date(funnel: Funnel, cutoff: date, *, has_closed_on: bool) -> nw.Expr:
    """The date each row converts at: the close date of a won or lost deal, else the cutoff."""
    if not has_closed_on:
        return nw.lit(cutoff)
    _open, won, lost = stage_sets(funnel)
    closed = nw.col("closed_on")
    return (
        nw.when(nw.col("stage").is_in([*won, *lost]) & ~closed.is_null())
        .then(closed)
        .otherwise(nw.lit(cutoff))
    )
