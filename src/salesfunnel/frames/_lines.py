"""Line items and currency conversion, row by row: the one step of the frame functions in Python.

A frame holds a deal's line items as text in its ``products`` column
(``ERP=100000;Support=20000``, as in the CSV format). Rolling a forecast up
by product, and converting currencies the way the core does (each line
converted and rounded half-even to cents, then added up), need the lines one
by one. :class:`Expansion` does that in Python for an eager frame; on Dask it
runs partition by partition (:func:`expand`), so it scales out like the rest.

It is the exact slow path: the engine path does both on ``int64`` units
(:mod:`salesfunnel.frames._scaled`, :mod:`salesfunnel.frames._fx_units`)
wherever its bounds hold, and gives the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, NoReturn

import attrs
import narwhals.stable.v2 as nw
from narwhals.stable.v2.dependencies import is_dask_dataframe

from salesfunnel.frames._common import (
    MAX_PRECISION,
    Frame,
    FrameValueError,
    MoneyKind,
    decimal_places,
    is_missing,
    wrap,
)
from salesfunnel.fx import CENTS
from salesfunnel.io import _values as v
from salesfunnel.money import money_context

__all__ = ["Expansion", "expand"]

_NO_MONEY = Decimal(0)


@attrs.frozen
class Expansion:
    """Turns placed rows into value rows: one per deal, or one per deal and product.

    Input columns: ``keep`` (carried through), ``amount``, ``_p`` (the win
    probability), ``currency``, and where present ``products``, ``_on`` (the
    date of the exchange rate) and ``id``. Output columns: ``keep``, then
    ``product`` if ``by_product``, then ``_v`` (the value, converted) and
    ``_x`` (value × probability).

    Attributes:
        keep: Columns carried through unchanged.
        by_product: One row per distinct product of a deal (else one per deal).
        target: The reporting currency (``None``: convert nothing).
        factors: The exchange rate into ``target`` per (currency, date).
        kind: How the output holds money (see :mod:`salesfunnel.frames._common`).
        function: The calling function, for errors.
    """

    keep: tuple[str, ...]
    by_product: bool
    target: str | None
    factors: Mapping[tuple[str, date], Decimal]
    kind: MoneyKind
    function: str

    def __call__(self, frame: nw.DataFrame[Any]) -> nw.DataFrame[Any]:
        """Expand an eager frame."""
        names = set(frame.columns)
        n = len(frame)
        amounts = frame["amount"].to_list()
        probs = frame["_p"].to_list()
        products = frame["products"].to_list() if "products" in names else [None] * n
        ids = frame["id"].to_list() if "id" in names else [None] * n
        convert = self.target is not None
        currencies = frame["currency"].to_list() if convert else []
        ons: list[Any] = frame["_on"].to_list() if convert else []
        rows: list[int] = []
        out_product: list[str] = []
        values: list[Decimal] = []
        weighted: list[Decimal] = []
        cache: dict[str, tuple[tuple[str, Decimal | None], ...]] = {}
        by_product = self.by_product
        with money_context():  # the core's arithmetic, whatever the caller's context
            for i in range(n):
                amount = amounts[i]
                lines = self._lines(products[i], amount, ids[i], cache)
                if convert and currencies[i] != self.target:
                    factor = self.factors[str(currencies[i]), ons[i]]
                    lines = [
                        (p, (a * factor).quantize(CENTS, rounding=ROUND_HALF_EVEN))
                        for p, a in lines
                    ]
                    if not by_product:
                        amount = sum((a for _, a in lines), _NO_MONEY)
                prob = probs[i]
                if not by_product:
                    rows.append(i)
                    values.append(amount)
                    weighted.append(amount * prob)
                elif len(lines) == 1:
                    rows.append(i)
                    out_product.append(lines[0][0])
                    values.append(lines[0][1])
                    weighted.append(lines[0][1] * prob)
                else:
                    per_product: dict[str, Decimal] = {}
                    for p, a in lines:
                        per_product[p] = per_product[p] + a if p in per_product else a
                    for p, a in per_product.items():
                        rows.append(i)
                        out_product.append(p)
                        values.append(a)
                        weighted.append(a * prob)
        kept = {c: frame[c].to_list() for c in self.keep}
        out = {c: [column[i] for i in rows] for c, column in kept.items()}
        return self._frame(frame, out, out_product, values, weighted)

    def _lines(
        self,
        text: object,
        amount: Decimal,
        opp_id: object,
        cache: dict[str, tuple[tuple[str, Decimal | None], ...]],
    ) -> list[tuple[str, Decimal]]:
        """A deal's (product, amount) lines, read as the CSV reader reads them."""
        if is_missing(text) or text == "":
            return [("", amount)]
        if not isinstance(text, str):
            self._bad(opp_id, text, "is not text")
        pairs = cache.get(text)
        if pairs is None:
            pairs = _plain_products(text)
        if pairs is None:
            try:
                pairs = v.parse_products(text, bare_ok=True)
            except v.BadValue as err:
                self._bad(opp_id, text, err.why)
        cache[text] = pairs
        if pairs[0][1] is None:
            return [(pairs[0][0], amount)]
        lines: list[tuple[str, Decimal]] = pairs  # type: ignore[assignment]  # every amount given
        total = lines[0][1] if len(lines) == 1 else sum((a for _, a in lines), _NO_MONEY)
        if total != amount:
            self._bad(
                opp_id, text, f"has line amounts that add up to {total}, but the amount is {amount}"
            )
        return lines

    def _bad(self, opp_id: object, text: object, why: str) -> NoReturn:
        where = f" of opportunity {opp_id!r}" if opp_id is not None else ""
        raise FrameValueError(
            f"{self.function}: the products{where} ({text!r}) {why}; write NAME=AMOUNT "
            "entries separated by ';' that add up to the amount (check the frame with "
            "from_pandas / from_polars to list every problem)",
            column="products",
            why=why,
        )

    def _frame(
        self,
        frame: nw.DataFrame[Any],
        out: dict[str, list[Any]],
        out_product: list[str],
        values: list[Decimal],
        weighted: list[Decimal],
    ) -> nw.DataFrame[Any]:
        schema = frame.schema
        dtypes: dict[str, Any] = {c: schema[c] for c in self.keep}
        data: dict[str, list[Any]] = dict(out)
        if self.by_product:
            data["product"] = out_product
            dtypes["product"] = nw.String()
        data["_v"] = values
        data["_x"] = weighted
        if self.kind == "decimal":
            places = max((decimal_places(x) for x in (*values, *weighted)), default=0)
            dtypes["_v"] = dtypes["_x"] = nw.Decimal(MAX_PRECISION, places)
        else:
            dtypes["_v"] = dtypes["_x"] = nw.Object()
        return nw.from_dict(data, schema=dtypes, backend=nw.get_native_namespace(frame))


def _plain_products(text: str) -> tuple[tuple[str, Decimal | None], ...] | None:
    """Read ``ERP=100;CRM=20`` quickly; ``None`` for anything else (escapes, bare names, errors).

    Gives exactly what :func:`salesfunnel.io._values.parse_products` gives for
    the texts it accepts; the rest go to that function.
    """
    if "\\" in text:
        return None
    pairs: list[tuple[str, Decimal | None]] = []
    for entry in text.split(";"):
        name, equals, amount = entry.rpartition("=")
        amount = amount.strip()
        digits = amount.replace(".", "", 1)
        if not (equals and digits.isascii() and digits.isdigit()) or "=" in name:
            return None
        if amount.startswith(".") or amount.endswith("."):
            return None
        pairs.append((name.strip(), Decimal(amount)))
    return tuple(pairs)


def expand(frame: Frame, step: Expansion) -> Frame:
    """Run ``step`` over ``frame``: directly when eager, per partition on Dask.

    Any other lazy frame (a polars LazyFrame) is collected first and made
    lazy again.
    """
    if isinstance(frame, nw.DataFrame):
        return step(frame)
    native: Any = nw.to_native(frame)
    if is_dask_dataframe(native):
        dask_frame: Any = native  # Dask's own types do not cover map_partitions
        partition = _OnPartition(step)
        meta = partition(dask_frame._meta)  # noqa: SLF001 - Dask's empty model partition
        return wrap(dask_frame.map_partitions(partition, meta=meta), function=step.function)
    return step(frame.collect()).lazy()


@attrs.frozen
class _OnPartition:
    """``step`` on one pandas partition of a Dask frame (a picklable callable)."""

    step: Expansion

    def __call__(self, part: Any) -> Any:  # noqa: ANN401 - a pandas partition, untyped
        return nw.to_native(self.step(nw.from_native(part, eager_only=True)))
