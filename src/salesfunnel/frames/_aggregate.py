"""Counting and summing rows per group, on any engine.

On an eager frame (pandas, polars) and on most lazy ones this is one
``group_by``. Dask is the exception: to plan a sum it first runs it on a
made-up sample partition, and for a column of Python objects (our
``Decimal`` values) that sample holds bare ``object()`` placeholders that
cannot be added. So on Dask each partition is summed on its own (a pandas
``group_by``, in the partition's worker) and the small partial sums are then
added up in one task: the same result, planned without the sample.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import attrs
import narwhals.stable.v2 as nw
from narwhals.stable.v2.dependencies import is_dask_dataframe

from salesfunnel.frames._common import Frame, import_optional, wrap
from salesfunnel.money import money_context

__all__ = ["VALUE_SUMS", "aggregate"]

#: The figures of the forecast and the weighted pipeline: output column to the
#: value column it sums.
VALUE_SUMS: Mapping[str, str] = {"amount": "_v", "weighted": "_x"}


@attrs.frozen
class _Sums:
    """What to compute per group: a row count (if named) and column sums."""

    keys: tuple[str, ...]
    count: str | None
    sums: tuple[tuple[str, str], ...]

    def first(self, frame: Frame) -> Frame:
        """Count and sum per group in one ``group_by`` (one row in all without keys)."""
        figures = [nw.len().alias(self.count)] if self.count else []
        figures += [nw.col(column).sum().alias(out) for out, column in self.sums]
        if not self.keys:
            return frame.select(*figures)
        return frame.group_by(*self.keys).agg(*figures)

    def again(self, frame: Frame) -> Frame:
        """Add up partial results (their counts too)."""
        names = [*([self.count] if self.count else []), *(out for out, _ in self.sums)]
        if not self.keys:
            return frame.select(*(nw.col(c).sum() for c in names))
        return frame.group_by(*self.keys).agg(*(nw.col(c).sum() for c in names))


@attrs.frozen
class _Partial:
    """The partial sums of one pandas partition of a Dask frame (picklable)."""

    sums: _Sums

    def __call__(self, part: Any) -> Any:  # noqa: ANN401 - a pandas partition, untyped
        with money_context():
            return nw.to_native(self.sums.first(nw.from_native(part, eager_only=True)))


@attrs.frozen
class _Combine:
    """Adds up the partial sums of every partition (picklable)."""

    sums: _Sums
    meta: Any

    def __call__(self, parts: list[Any]) -> Any:  # noqa: ANN401 - pandas frames, untyped
        pd = import_optional("pandas", "dask")
        frames = [p for p in parts if len(p)]
        if not frames:
            return self.meta
        every = nw.from_native(pd.concat(frames, ignore_index=True), eager_only=True)
        with money_context():
            return nw.to_native(self.sums.again(every))


def aggregate(
    values: Frame,
    keys: Sequence[str],
    *,
    function: str,
    sums: Mapping[str, str] = VALUE_SUMS,
    count: str | None = "count",
) -> Frame:
    """Count the rows (as ``count``) and sum columns per group.

    Args:
        values: The rows.
        keys: The group columns (none: one row in all).
        function: The calling function, for errors.
        sums: Output column to the column it sums.
        count: The name of the row count, or ``None`` for no count.
    """
    spec = _Sums(tuple(keys), count, tuple(sums.items()))
    native: Any = nw.to_native(values)
    if not is_dask_dataframe(native):
        with money_context():  # sums of Decimal objects: exact, whatever the caller's context
            return spec.first(values)
    native = cast("Any", native)  # Dask's own types do not cover map_partitions
    dask = import_optional("dask", "dask")
    dd = import_optional("dask.dataframe", "dask")
    partial = _Partial(spec)
    meta = partial(native._meta)  # noqa: SLF001 - Dask's empty model partition
    parts = native.map_partitions(partial, meta=meta)
    combined = dask.delayed(_Combine(spec, meta))(parts.to_delayed())
    return wrap(dd.from_delayed([combined], meta=meta, verify_meta=False), function=function)
