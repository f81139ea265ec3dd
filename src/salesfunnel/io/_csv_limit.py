"""The ``csv`` module's limit on a cell's length, lifted while the library reads a file.

The ``csv`` module refuses a cell longer than 131 072 characters (its
process-wide ``field_size_limit``). A CRM export's notes or description can
be longer, and a DataFrame engine splits such a file without complaint, so
the readers lift the limit while they split a file: a file reads the same
whichever splits it. The limit is shared by the whole process, so it is
lifted once for all the reads in progress (in any thread) and put back when
the last one ends, unless the program set a limit of its own meanwhile; a
stream being read (:func:`~salesfunnel.io.iter_opportunities`) holds it
until it is read to its end, fails or is closed.
"""

from __future__ import annotations

import contextlib
import csv
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["LIMIT", "lifted_limit"]

#: The longest cell the readers take: the largest limit every platform's ``csv`` accepts.
LIMIT = 2**31 - 1

#: Re-entrant: a stream's records may be finalised (and end their read) in any
#: thread at any allocation, also while this thread holds the lock.
_LOCK = threading.RLock()
_readers = 0
_saved = 0


@contextlib.contextmanager
def lifted_limit() -> Iterator[None]:
    """Read with the ``csv`` module's cell limit at :data:`LIMIT` inside the block."""
    global _readers, _saved  # noqa: PLW0603 - the csv module's limit is the process's
    with _LOCK:
        if _readers == 0:
            _saved = csv.field_size_limit(LIMIT)
        _readers += 1
    try:
        yield
    finally:
        with _LOCK:
            _readers -= 1
            if _readers == 0 and csv.field_size_limit() == LIMIT:  # else the program's own
                csv.field_size_limit(_saved)
