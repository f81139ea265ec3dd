"""A frame function run partition by partition on Dask, the small results added up in one task.

Dask partitions are pandas frames, so each one takes the engine path of
pandas (:mod:`salesfunnel.frames._scaled`: units in Arrow's kernels, no
Python object per row) and gives its own cells, with exact ``Decimal``
figures. One task then adds the partitions' cells up per (group, bucket,
category), in the library's exact money context, and sorts them as the
single-machine result is sorted. Nothing but the cells crosses the network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from salesfunnel.frames._common import import_optional
from salesfunnel.money import money_context

__all__ = ["Combine", "on_partitions"]


@attrs.frozen
class Combine:
    """Adds up the cells of every partition (picklable, runs in one task).

    Attributes:
        keys: The group columns, then ``bucket`` and ``category``.
        ranks: Each ranked column's order (a value to its rank), for the sort.
        meta: The empty result, for a frame without rows.
    """

    keys: tuple[str, ...]
    ranks: Mapping[str, Mapping[str, int]]
    meta: Any

    def __call__(self, parts: list[Any]) -> Any:  # noqa: ANN401 - pandas frames, untyped
        """The cells of all ``parts``, added up and sorted."""
        pd = import_optional("pandas", "dask")
        frames = [p for p in parts if len(p)]
        if not frames:
            return self.meta
        every = pd.concat(frames, ignore_index=True)
        with money_context():  # Decimal objects add up exactly, whatever the caller's context
            cells = (
                every.groupby(list(self.keys), sort=False)
                .agg(count=("count", "sum"), amount=("amount", "sum"), weighted=("weighted", "sum"))
                .reset_index()
            )
        order = cells[list(self.keys)].copy()
        for column, rank in self.ranks.items():
            order[column] = order[column].map(rank)
        index = order.sort_values(list(self.keys)).index
        return cells.loc[index].reset_index(drop=True).astype(self.meta.dtypes.to_dict())


def on_partitions(
    native: Any,  # noqa: ANN401 - a Dask frame, untyped
    compute: Callable[[Any], Any],
    *,
    keys: tuple[str, ...],
    ranks: Mapping[str, Mapping[str, int]],
) -> Any:  # noqa: ANN401 - a lazy Dask frame of one partition
    """Run ``compute`` (a picklable pandas-frame function) on each partition and combine.

    Returns a lazy Dask frame of one partition: the combined cells.
    """
    dask = import_optional("dask", "dask")
    dd = import_optional("dask.dataframe", "dask")
    empty = compute(native._meta)  # noqa: SLF001 - Dask's empty model partition
    meta = empty.astype({"amount": object, "weighted": object})
    parts = native.map_partitions(compute, meta=meta)
    combined = dask.delayed(Combine(keys, ranks, meta))(parts.to_delayed())
    return dd.from_delayed([combined], meta=meta, verify_meta=False)
