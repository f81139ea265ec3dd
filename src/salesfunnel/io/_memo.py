"""The parsed value of each distinct cell text, per column, for the length of one read.

An export repeats itself: a million deals have a few hundred dates, a handful
of stages and currencies, and the same few facts cells. A reader looks each
cell up here first and runs the parser (the one copy of its rule) only on a
text it has not seen in that column, so a column is checked once per distinct
value, and equal values share one object. A failed parse is remembered as the
:class:`~salesfunnel.io._values.BadValue` it raised, so the problem reported is
the same, word for word, on every row that has the text.

A column's table is emptied when it reaches :data:`LIMIT` entries, so a
column of unique values (amounts, ids) costs bounded memory.
"""

from __future__ import annotations

from collections.abc import Callable

from salesfunnel.io._values import BadValue

__all__ = ["LIMIT", "Memo"]

#: The most distinct texts remembered per column before its table is emptied.
LIMIT = 50_000


class Memo(dict[str, dict[object, object]]):
    """Parsed cells by key (a column, or a column and its parser): ``memo[key][text]``.

    A missing key gets an empty table; a reader looks a text up in it with
    ``dict.get`` (one C call on the common path) and calls :meth:`miss`
    only for a text it has not seen.
    """

    __slots__ = ()

    def __missing__(self, key: str) -> dict[object, object]:
        """An empty table for a key not used before."""
        table: dict[object, object] = {}
        self[key] = table
        return table

    @staticmethod
    def miss(table: dict[object, object], parser: Callable[[str], object], text: str) -> object:
        """``parser(text)``, or the ``BadValue`` it raises, remembered in ``table``."""
        if len(table) >= LIMIT:
            table.clear()
        try:
            found: object = parser(text)
        except BadValue as err:
            found = err.with_traceback(None)  # kept without the frames it was raised in
        table[text] = found
        return found

    def keep(self, key: str, item: object, value: object) -> None:
        """Remember ``value`` for ``item`` under ``key`` (a built value shared by equal rows)."""
        table = self[key]
        if len(table) >= LIMIT:
            table.clear()
        table[item] = value
