"""Line items in polars: split, checked and summed per cell in one query.

The polars engine path of the forecast by product. One lazy query splits
the ``products`` text into lines, parses their amounts into ``int64`` units,
sums them per (group, bucket, category) cell, and computes beside the sums
the checks that decide whether the engine's figures are the core's:

* each text is in the CSV reader's plain grammar (``NAME=AMOUNT;...``), a
  bare product name, or empty (:data:`~salesfunnel.frames._scaled.PLAIN`,
  :data:`~salesfunnel.frames._scaled.BARE`), as one regular expression;
* each deal's lines add up to its amount: the lines of a deal are adjacent
  after the explode, so a running total of (line − amount at a deal's first
  line) is zero at the end of every deal exactly when every deal adds up;
  no line is above its deal's amount, so with the bound checked after the
  query no running total leaves ``int64``;
* no deal names one product twice: its two lines would fall in the same
  cell, which would then hold one deal twice. A deal's lines are adjacent
  after the explode, so each line is compared with the
  :data:`SHORT` − 1 lines before it (the same deal and the same name is a
  product named twice). A deal of more lines than that runs the query once
  more counting the distinct deals of each cell (fewer than its lines where
  one is named twice); comparing neighbours costs far less than grouping
  the deal numbers of every cell;
* no line has more places than the amounts (else the query runs once more
  at the lines' scale).

Where a check fails the caller takes the exact slow path, which reads (or
refuses) the products as the CSV reader does, so the engine path changes
the time, never a result or an error. Only the rows the query flags would
need Python; the flags are aggregated per cell, so the rows themselves never
leave the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from salesfunnel.frames._scaled import BARE, LIMIT, MAX_SCALE, PLAIN

__all__ = ["SHORT", "Conversion", "PolarsConvert", "polars_cells", "spaced"]

#: Converts the lines at a scale, the largest at most a peak
#: (:mod:`salesfunnel.frames._fx_units`): columns to add to the deals (their
#: rates' constants), a step that adds ``_cv`` (``_v`` converted) to the
#: lines, the largest ``_cv`` and its scale; ``None`` where the engine cannot.
Conversion = tuple[dict[str, Any], Callable[[Any], Any], int, int]
PolarsConvert = Callable[[int, int], Conversion | None]

#: Deals of at most this many lines are checked for a product named twice
#: line by line; one longer runs the query again, counting distinct deals.
SHORT = 4

#: Plain lines, a bare name, or nothing: the texts the engine reads itself.
_READABLE = f"(?:{PLAIN})|(?:{BARE})|^$"


def polars_cells(
    lf: Any,  # noqa: ANN401 - a polars LazyFrame
    keys: Sequence[str],
    scale: int,
    peak: int,
    places: int,
    *,
    spaced: bool = True,
    convert: PolarsConvert | None = None,
) -> tuple[Any, int] | None:
    """The cells by ``keys`` (which hold ``"product"``), or ``None``.

    ``lf`` has the key columns but ``product``, ``_p`` (probability units
    at ``places``), ``amount`` (units at ``scale``, at most ``peak``) and
    ``products``; ``spaced=False`` says that no text holds a space (so
    there is nothing to strip). Returns an eager polars frame with the
    keys, ``count``, ``amount`` and ``weighted`` (units at the returned
    scale, and at it plus ``places``), or ``None`` where the slow path must
    read the products. With ``convert`` the figures are those of the
    converted lines, and the cells have ``_n``, the deals whose first line
    they hold.
    """
    import polars as pl  # noqa: PLC0415 - the frame is polars

    if lf.collect_schema()["products"] not in (pl.String, pl.Null):
        return None
    line_scale = scale
    rule = convert(scale, peak) if convert is not None else None
    if convert is not None and rule is None:
        return None
    cells = _query(pl, lf, keys, scale, line_scale, spaced=spaced, rule=rule)
    cells = cells.collect()
    if cells["_deep"].any():  # the lines were read at too few places: so may be ``_bad``
        digits, longest = _places(pl, lf)
        line_scale = max(scale, digits)
        if line_scale + longest > MAX_SCALE or line_scale == scale:
            return None  # int64 units cannot hold the lines
        if convert is not None:
            rule = convert(line_scale, peak * 10 ** (line_scale - scale))
            if rule is None:
                return None
        cells = _query(pl, lf, keys, scale, line_scale, spaced=spaced, rule=rule)
        cells = cells.collect()
    twice = False
    if cells["_long"].any():  # a deal of more lines than SHORT: count the distinct deals
        query = _query(pl, lf, keys, scale, line_scale, spaced=spaced, rule=rule, distinct=True)
        cells = query.collect()
        twice = bool((cells["_long"] != cells["count"]).any())
    count = int(cells["count"].sum())
    top = peak * 10 ** (line_scale - scale) if rule is None else rule[2]
    if top * 10**places * count >= LIMIT:
        return None  # the sums could leave int64 (and may have: they are not used)
    if cells["_bad"].any() or twice:
        return None  # unread text, lines that do not add up, a product named twice
    return (
        cells.drop("_bad", "_deep", "_long"),
        line_scale if rule is None else rule[3],
    )


def spaced(df: Any) -> bool:  # noqa: ANN401 - a polars frame
    """Tell whether any ``products`` text of ``df`` holds a space (else nothing needs stripping)."""
    import polars as pl  # noqa: PLC0415 - the frame is polars

    if df.schema["products"] != pl.String:
        return True
    # lazily: polars then never builds the column of flags
    found = df.lazy().select(pl.col("products").str.contains(" ", literal=True).any())
    return bool(found.collect().item())


def _query(
    pl: Any,  # noqa: ANN401 - polars
    lf: Any,  # noqa: ANN401 - a polars LazyFrame
    keys: Sequence[str],
    scale: int,
    line_scale: int,
    *,
    spaced: bool,
    rule: Conversion | None = None,
    distinct: bool = False,
) -> Any:  # noqa: ANN401 - a polars LazyFrame
    """The lazy query: lines parsed at ``line_scale``, summed per cell with the checks.

    With ``rule`` the lines are converted (into ``_cv``) before they are summed.
    ``_bad`` flags a cell with a line the engine must not sum (text it does
    not read, lines that do not add up, a product named twice among a
    deal's first :data:`SHORT` lines), ``_deep`` one with a line of more
    places than ``line_scale``, and ``_long`` one with a deal of more lines
    than :data:`SHORT`; with ``distinct`` ``_long`` is the cell's number of
    distinct deals instead.

    Each step reads the columns of the step before (the halves of a line,
    then its number): polars does not share one sub-expression used by
    several columns, and would split and cast every line again for each.
    """
    text = pl.col("products").fill_null("")
    halves = pl.col("_h")
    name, written = halves.struct.field("field_0"), halves.struct.field("field_1")
    if spaced:
        name, written = name.str.strip_chars(" "), written.str.strip_chars(" ")
    # ``_w`` is null for a bare name (its line is the deal's amount)
    whole: Any = pl.col("amount") * 10 ** (line_scale - scale)
    if line_scale == 0:
        number = {"_n": pl.col("_w").cast(pl.Int64, strict=False)}
        parsed = pl.col("_n")
        deep = pl.col("_w").is_not_null() & parsed.is_null()  # a point, or too many digits
        unread = pl.lit(value=False)
    else:
        number = {"_s": pl.col("_w").str.split_exact(".", 1)}
        digits, part = pl.col("_s").struct.field("field_0"), pl.col("_s").struct.field("field_1")
        parsed = digits.cast(pl.Int64, strict=False) * 10**line_scale + (
            pl.when(part.is_null())
            .then(0)
            .otherwise(part.str.pad_end(line_scale, "0").cast(pl.Int64, strict=False))
        )
        deep = part.str.len_bytes() > line_scale
        unread = digits.str.len_bytes() + line_scale > MAX_SCALE
    # a plain line that does not parse is flagged (deep or unread), so filling it is harmless
    value = parsed.fill_null(whole)
    deal = pl.col("_r")
    first = deal != deal.shift(1, fill_value=-1)
    last = deal != deal.shift(-1, fill_value=-1)
    running = (pl.col("_v") - pl.when(first).then(pl.col("_a")).otherwise(0)).cum_sum()
    twice = pl.lit(value=False)
    for back in range(1, SHORT):  # a deal's lines are adjacent: compare each with those before
        twice |= (deal == deal.shift(back)) & (pl.col("product") == pl.col("product").shift(back))
    bad = (
        pl.col("_v").is_null()
        | (pl.col("_v") > pl.col("_a"))
        | (last & (running != 0))
        | twice.fill_null(value=False)
    ).fill_null(value=True) | pl.col("_unread")
    split = (
        lf.with_columns(
            **(rule[0] if rule is not None else {}),
            _ok=text.str.contains(_READABLE),
            _l=text.str.split(";"),
            _r=pl.int_range(pl.len(), dtype=pl.Int64),
        )
        .drop("products")
        .explode("_l")
        .with_columns(_h=pl.col("_l").str.split_exact("=", 1))
        .with_columns(product=name, _w=written)
        .with_columns(**number)
        .with_columns(
            _v=value,
            _a=whole,
            _deep=deep.fill_null(value=False),
            _unread=~pl.col("_ok") | unread.fill_null(value=False),
        )
        .with_columns(
            _bad=bad,
            _m=(deal == deal.shift(SHORT)).fill_null(value=False),
            **({"_f": first} if rule is not None else {}),
        )
    )
    figure = pl.col("_v")
    extra = {}
    if rule is not None:
        split = rule[1](split)
        figure = pl.col("_cv")
        extra = {"_n": pl.col("_f").sum()}
    return split.group_by(*keys).agg(
        count=pl.len(),
        amount=figure.sum(),
        weighted=(figure * pl.col("_p")).sum(),
        _bad=pl.col("_bad").any(),
        _deep=pl.col("_deep").any(),
        _long=deal.n_unique() if distinct else pl.col("_m").any(),
        **extra,
    )


def _places(pl: Any, lf: Any) -> tuple[int, int]:  # noqa: ANN401 - polars
    """The most places and the most whole digits of any plain line's amount."""
    written = (
        pl.col("_l").str.split_exact("=", 1).struct.field("field_1").str.strip_chars(" ")
    ).str.split_exact(".", 1)
    found = (
        lf.select(_l=pl.col("products").fill_null("").str.split(";"))
        .explode("_l")
        .select(
            written.struct.field("field_1").str.len_bytes().max(),
            written.struct.field("field_0").str.len_bytes().max(),
        )
        .collect()
        .row(0)
    )
    return int(found[0] or 0), int(found[1] or 0)
