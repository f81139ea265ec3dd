"""Reading an events file given column by column: the rows of good moves and revisions in bulk.

:class:`ColumnEventReader` is the :class:`~salesfunnel.io._events.EventReader`
of the readers whose cells come by column (split by the ``csv`` module or a
DataFrame engine). Each distinct row (its cells but the date, then with the
date) is parsed once, by the parsers and under the memo keys the row reader
uses; a row whose cells are all good, and that follows its opportunity's
previous move or revision, is taken in bulk; any other row goes through
:meth:`~salesfunnel.io._events.EventReader.add`, which reports. So the
histories, revisions and problems are the row reader's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from salesfunnel.errors import FunnelError
from salesfunnel.funnel.change_rules import change_problem
from salesfunnel.funnel.records import ChangeKind, StageChange, checked_stage_change
from salesfunnel.io import _values as v
from salesfunnel.io._events import (
    REVISION_KINDS,
    REVISION_PARSERS,
    STAGE_KINDS,
    EventReader,
    built_revision,
)
from salesfunnel.io._table import Row

if TYPE_CHECKING:
    from salesfunnel.funnel.records import Revision

__all__ = ["ColumnEventReader"]

#: The cells :meth:`ColumnEventReader.add_columns` keys a row by, in this order.
_COLUMNWISE = ("kind", "from_stage", "to_stage", "reason", "skipped", "forced", "old", "new")
_UNSEEN: Any = object()


class ColumnEventReader(EventReader):
    """An :class:`~salesfunnel.io._events.EventReader` that also reads rows column by column."""

    def _parsed(self, key: str, parser: Callable[[str], object], text: str) -> object:
        table = self.memo[key]
        found = table.get(text, table)  # the table itself: not seen yet
        if found is table:
            found = self.memo.miss(table, parser, text)
        return found

    def _base_of(self, cells: tuple[str, ...]) -> tuple[object, ...] | None:
        """A row's stage-change fields but the date, if its cells (``_COLUMNWISE``) are good."""
        kind_text, from_text, to_text, reason, skipped_text, forced_text, old, new = cells
        kind = STAGE_KINDS.get(kind_text.strip().lower())
        if kind is None or old.strip() or new.strip():
            return None
        stage = self.parsers.stage
        to_stage = self._parsed("stage", stage, to_text)
        from_stage: object = None
        if kind is not ChangeKind.CREATE:
            from_stage = self._parsed("stage", stage, from_text)
        elif from_text.strip():
            return None
        skipped = self._parsed("skipped", self.parsers.skipped, skipped_text)
        forced = self._parsed("bool", v.parse_bool, forced_text)
        if any(isinstance(x, v.BadValue) for x in (to_stage, from_stage, skipped, forced)):
            return None
        return (from_stage, to_stage, reason or None, kind, skipped, forced)

    def _change_of(self, base: tuple[object, ...], on_text: str) -> StageChange | None:
        """The stage change of a row's good cells (see :meth:`_base_of`) on ``on_text``, if the funnel can make it.

        The cells are parsed as :meth:`add` parses them (the same parsers,
        under the same keys of the memo); ``None`` sends the row to
        :meth:`add`, which reports.
        """
        on = self._parsed("date", v.parse_date, on_text)
        if isinstance(on, v.BadValue):
            return None
        from_stage, to_stage, reason, kind, skipped, forced = base
        fields = (from_stage, to_stage, on, reason, kind, skipped, forced)
        change = self.memo["change="].get(fields)
        if change is None:
            change = checked_stage_change(*fields)  # type: ignore[arg-type]
            self.memo.keep("change=", fields, change)
        # change_problem judges the move alone (kind, stages, skipped, reason), never its
        # date: one judgement serves every date of the same move
        table = self.memo["meaning-of-move="]
        known = table.get(base, table)
        if known is table:
            known = change_problem(self.funnel, cast("StageChange", change))
            self.memo.keep("meaning-of-move=", base, known)
        return cast("StageChange", change) if known is None else None

    def _revision_of(self, cells: tuple[str, ...], on_text: str) -> Revision | None:
        """The revision of a row's cells (``_COLUMNWISE``) on ``on_text`` if every one is good."""
        kind_text, from_text, to_text, reason, skipped_text, forced_text, old, new = cells
        kind = kind_text.strip().lower()
        if (
            kind not in REVISION_KINDS
            or from_text.strip()
            or to_text.strip()
            or skipped_text.strip()
            or forced_text.strip()
        ):
            return None
        on = self._parsed("date", v.parse_date, on_text)
        parser = REVISION_PARSERS[kind]
        old_value = self._parsed(kind, parser, old)
        new_value = self._parsed(kind, parser, new)
        if any(isinstance(x, v.BadValue) for x in (on, old_value, new_value)):
            return None
        try:
            return built_revision(kind, on, old_value, new_value, reason or None)
        except FunnelError:  # pragma: no cover - checked values; add() raises it alike
            return None

    def _take_revision(self, opp_id: str, line: int, rev: Revision) -> bool:
        """Take a good revision that keeps its opportunity's revisions in date order."""
        previous = self.last_revision.get(opp_id)
        if previous is not None and rev.on < previous[1].on:
            return False
        self.lines.setdefault(opp_id, line)
        self.revisions.setdefault(opp_id, []).append(rev)
        self.last_revision[opp_id] = (line, rev)
        return True

    def add_columns(self, lines: Sequence[int], cells: Mapping[str, Sequence[str]]) -> None:
        """Read the rows on ``lines``, given column by column (ids without surrounding spaces).

        The same as :meth:`add` on each row in turn: a row of a good stage
        change that follows its opportunity's previous one is taken here,
        each distinct row parsed once; any other row goes through :meth:`add`.
        """
        empty = ("",) * len(lines)
        bases, changes = self.memo["base="], self.memo["row="]
        seen = changes.get
        last_change, history, first_lines = self.last_change, self.history, self.lines
        create = ChangeKind.CREATE
        for i, (line, opp_id, on_text, key) in enumerate(
            zip(
                lines,
                cells["opportunity_id"],
                cells["on"],
                zip(*(cells.get(c, empty) for c in _COLUMNWISE), strict=True),
                strict=True,
            )
        ):
            change: Any = seen((key, on_text), _UNSEEN)
            if change is _UNSEEN:
                base: Any = bases.get(key, _UNSEEN)
                if base is _UNSEEN:
                    base = self._base_of(key)
                    self.memo.keep("base=", key, base)
                change = None if base is None else self._change_of(base, on_text)
                if change is None:
                    change = self._revision_of(key, on_text)
                self.memo.keep("row=", (key, on_text), change)
            if change is not None and opp_id and type(change) is not StageChange:
                if self._take_revision(opp_id, line, change):
                    continue
            elif change is not None and opp_id:
                previous = last_change.get(opp_id)
                if (
                    change.kind is create
                    if previous is None
                    else change.kind is not create
                    and change.from_stage == previous[1].to_stage
                    and not change.on < previous[1].on
                ):
                    first_lines.setdefault(opp_id, line)
                    history.setdefault(opp_id, []).append(change)
                    last_change[opp_id] = (line, change)
                    continue
            self.add(Row(line, {c: column[i] for c, column in cells.items()}))
