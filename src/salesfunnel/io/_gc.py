"""Pausing the cycle collector while a whole file or document is read or written."""

from __future__ import annotations

import contextlib
import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["collection_paused"]


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cycle collector inside the ``with`` block, when it is enabled.

    A read makes millions of objects that all stay alive until it is done
    (records, their histories, the memo's values): the collector's passes,
    which the allocations set off, find nothing to free and cost about a
    tenth of the read (``benchmarks/bench_io.py``). It runs as before
    afterwards, also when the block raises; a collector already disabled
    by the caller stays disabled.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
