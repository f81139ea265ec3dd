"""The events file: one row per stage change, reschedule, reprice or override of an opportunity.

An ``override`` row's ``old`` and ``new`` cells hold the manual probability
and forecast category before and after, as ``probability=0.8;category=commit``
(either part empty for none).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar, cast

import attrs

from salesfunnel.funnel.change_rules import ChangeProblem, change_problem
from salesfunnel.funnel.records import (
    ChangeKind,
    LineItem,
    Override,
    Reprice,
    Reschedule,
    StageChange,
)
from salesfunnel.io import _values as v
from salesfunnel.io._columns import (
    EVENT_COLUMNS,
    EVENT_HEADERS_ZH,
    Source,
    header_aliases,
    read_text,
)
from salesfunnel.io._memo import Memo
from salesfunnel.io._table import Row, parse_table
from salesfunnel.io.problems import Problem

if TYPE_CHECKING:
    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.funnel.records import Revision
    from salesfunnel.funnel.stages import Funnel

__all__ = [
    "ALIASES",
    "EVENT_KINDS",
    "REQUIRED",
    "REVISION_KINDS",
    "REVISION_PARSERS",
    "STAGE_KINDS",
    "EventReader",
    "Events",
    "built_revision",
    "event_rows",
    "read_events",
]

#: The values of the ``kind`` column: the stage-change kinds, then the revisions.
EVENT_KINDS: tuple[str, ...] = (
    *(k.value for k in ChangeKind),
    "reschedule",
    "reprice",
    "override",
)
REVISION_KINDS = frozenset({"reschedule", "reprice", "override"})
_OVERRIDE_FIX = (
    "write the overrides as probability=SHARE;category=CATEGORY, either part empty "
    "for none, such as probability=0.8;category=commit"
)

ALIASES = header_aliases(EVENT_COLUMNS, EVENT_HEADERS_ZH, {"opportunity_id": ("opportunity",)})
REQUIRED = ("opportunity_id", "kind", "on")


@attrs.frozen
class Events:
    """What an events file holds, per opportunity, and its problems.

    Attributes:
        name: The file name.
        history: Stage changes per opportunity id (only ids with some).
        revisions: Revisions per opportunity id (only ids with some).
        lines: The first line of each opportunity id's events.
        bad_ids: Ids with at least one problem in this file.
        problems: Every problem, in file order.
    """

    name: str
    history: Mapping[str, tuple[StageChange, ...]]
    revisions: Mapping[str, tuple[Revision, ...]]
    lines: Mapping[str, int]
    bad_ids: frozenset[str]
    problems: tuple[Problem, ...]


class _Event:
    """One events row being read; problems go to a shared list."""

    __slots__ = ("headers", "memo", "name", "ok", "opp_id", "out", "row")

    def __init__(
        self, name: str, row: Row, headers: Mapping[str, str], out: list[Problem], memo: Memo
    ) -> None:
        self.name = name
        self.row = row
        self.headers = headers
        self.out = out
        self.memo = memo
        self.opp_id = row.cells["opportunity_id"]
        self.ok = True

    def bad(self, column: str | None, why: str, fix: str = "") -> None:
        self.ok = False
        head = self.headers.get(column, column) if column else None
        value = self.row.cells.get(column) if column else None
        self.out.append(Problem(self.name, self.row.line, head, value, why, fix, self.opp_id))

    def get(self, column: str) -> str:
        return self.row.cells.get(column, "")

    def parse(self, column: str, parser: Callable[[str], object], key: str) -> object:
        """Parse a cell with ``parser`` (remembered under ``key``), recording its problem."""
        text = self.row.cells.get(column, "")
        table = self.memo[key]
        found = table.get(text, table)  # the table itself: not seen yet
        if found is table:
            found = self.memo.miss(table, parser, text)
        if isinstance(found, v.BadValue):
            self.bad(column, found.why, found.fix)
            return None
        return found

    def unused(self, kind: str, columns: Iterable[str]) -> None:
        for column in columns:
            if self.get(column).strip():
                self.bad(column, f"is not used by a {kind!r} row", "leave it empty")


class _Parsers:
    """The funnel's cell parsers, made once per read."""

    def __init__(self, funnel: Funnel) -> None:
        self.stage = functools.partial(v.parse_stage, funnel=funnel)
        self.skipped = lambda t: tuple(v.parse_stage(s, funnel) for s in v.parse_list(t))


def _stage_change(
    ev: _Event, kind: ChangeKind, on: object, parsers: _Parsers
) -> StageChange | None:
    to_stage = ev.parse("to_stage", parsers.stage, "stage")
    from_stage: object = None
    if kind is ChangeKind.CREATE:
        ev.unused("create", ("from_stage",))
    else:
        from_stage = ev.parse("from_stage", parsers.stage, "stage")
    skipped = ev.parse("skipped", parsers.skipped, "skipped")
    forced = ev.parse("forced", v.parse_bool, "bool")
    ev.unused(kind.value, ("old", "new"))
    if not ev.ok:
        return None
    fields = (from_stage, to_stage, on, ev.get("reason") or None, kind, skipped, forced)
    # equal rows share one StageChange (a million deals' histories repeat their moves)
    change = ev.memo["change="].get(fields)
    if change is None:
        change = StageChange(*fields)  # type: ignore[arg-type]
        ev.memo.keep("change=", fields, change)
    return change  # type: ignore[return-value]


def _lines(text: str) -> tuple[LineItem, ...]:
    if not text.strip():
        raise v.BadValue("is empty", "give the line items as NAME=AMOUNT;NAME=AMOUNT")
    return v.make_lines(v.parse_products(text, bare_ok=False), None)


def _overrides(text: str) -> tuple[Decimal | None, str | None]:
    """Read ``probability=0.8;category=commit`` (either part empty or left out)."""
    probability: Decimal | None = None
    category: str | None = None
    for raw, plain in v.split_escaped(text, ";") if text.strip() else ():
        key, sep, value = plain.partition("=")
        if not sep or key.strip() not in {"probability", "category"}:
            raise v.BadValue(f"has {raw!r}, not probability=... or category=...", _OVERRIDE_FIX)
        if key.strip() == "probability":
            probability = v.parse_probability(value)
        else:
            category = value.strip() or None
    return probability, category


def _format_overrides(probability: object, category: str | None) -> str:
    return f"probability={'' if probability is None else probability};category={category or ''}"


#: The parser of a revision's old and new cells, by kind.
REVISION_PARSERS: dict[str, Callable[[str], object]] = {
    "override": _overrides,
    "reschedule": v.parse_date,
    "reprice": _lines,
}


def built_revision(kind: str, on: object, old: object, new: object, reason: str | None) -> Revision:
    """The revision of ``kind`` from its checked values."""
    if kind == "override":
        old_p, old_c = cast("tuple[Decimal | None, str | None]", old)
        new_p, new_c = cast("tuple[Decimal | None, str | None]", new)
        # both sides are checked values already, so the Override cannot refuse them
        return Override(on, old_p, new_p, old_c, new_c, reason)
    if kind == "reschedule":
        return Reschedule(on, old, new, reason)
    return Reprice(on, old, new, reason)  # type: ignore[arg-type]


def _revision(ev: _Event, kind: str, on: object) -> Revision | None:
    ev.unused(kind, ("from_stage", "to_stage", "skipped", "forced"))
    parser = REVISION_PARSERS[kind]
    old = ev.parse("old", parser, kind)
    new = ev.parse("new", parser, kind)
    if not ev.ok:
        return None
    return built_revision(kind, on, old, new, ev.get("reason") or None)


def _chain(ev: _Event, change: StageChange, previous: tuple[int, StageChange] | None) -> None:
    """Check that ``change`` follows the opportunity's previous stage change."""
    if previous is None:
        if change.kind is not ChangeKind.CREATE:
            ev.bad(
                "kind",
                f"history of opportunity {ev.opp_id!r} does not chain: its first stage "
                f"change is {change.kind.value!r}, not 'create'",
                "start each history with a 'create' row (from_stage empty)",
            )
        return
    line, prev = previous
    if change.kind is ChangeKind.CREATE:
        ev.bad(
            "kind",
            f"history of opportunity {ev.opp_id!r} has a second 'create' row (first on row {line})",
            "keep one 'create' row, the first",
        )
    elif change.from_stage != prev.to_stage:
        ev.bad(
            "from_stage",
            f"history of opportunity {ev.opp_id!r} does not chain: this row moves from "
            f"{change.from_stage!r} but the previous stage change (row {line}) moved to "
            f"{prev.to_stage!r}",
            f"set from_stage to {prev.to_stage!r}, or add the missing change in between",
        )
    if change.on < prev.on:
        ev.bad(
            "on",
            f"history of opportunity {ev.opp_id!r} goes back in time: {change.on} is "
            f"before the previous stage change on {prev.on} (row {line})",
            "list each opportunity's events oldest first",
        )


def _meaning(ev: _Event, change: StageChange, funnel: Funnel) -> None:
    """Check that ``change`` is a move the funnel can make (see ``change_problem``)."""
    table = ev.memo["meaning="]  # the judgement is a function of the change alone
    known = table.get(change, table)
    if known is table:
        problem = change_problem(funnel, change)
        ev.memo.keep("meaning=", change, problem)
    else:
        problem = cast("ChangeProblem | None", known)
    if problem is not None:
        ev.bad(problem.field, f"history of opportunity {ev.opp_id!r}: {problem.why}", problem.fix)


STAGE_KINDS = {k.value: k for k in ChangeKind}
_NO_CHANGE_CELLS = ("old", "new")


class EventReader:
    """Reads events rows one by one into histories and revisions, every problem collected.

    :func:`read_events` feeds it a whole file; the streaming reader feeds it
    the rows of each chunk. A row whose cells have all been seen (and were
    good) in their columns takes the short path: its stage change is looked
    up, not rebuilt, and the checks that report (``_chain``, ``_meaning``) run
    only when the quick test of their one condition says they have something
    to say. Any other row goes through :class:`_Event`, which reports.
    """

    def __init__(self, name: str, headers: Mapping[str, str], funnel: Funnel) -> None:
        """Start reading the rows of the file ``name`` with the columns ``headers``."""
        self.name = name
        self.headers = headers
        self.funnel = funnel
        self.problems: list[Problem] = []
        self.history: dict[str, list[StageChange]] = {}
        self.revisions: dict[str, list[Revision]] = {}
        self.last_change: dict[str, tuple[int, StageChange]] = {}
        self.last_revision: dict[str, tuple[int, Revision]] = {}
        self.lines: dict[str, int] = {}
        self.bad: set[str] = set()
        self.memo = Memo()
        self.parsers = _Parsers(funnel)

    def _quick(self, row: Row) -> bool:
        """Take a stage-change row whose every cell is known good; ``False`` to read it fully."""
        cells = row.cells
        memo = self.memo
        kind = STAGE_KINDS.get(cells.get("kind", "").strip().lower())
        on = memo["date"].get(cells.get("on", ""))
        if kind is None or on is None or isinstance(on, v.BadValue):
            return False
        stages = memo["stage"]
        to_stage = stages.get(cells.get("to_stage", ""))
        from_stage: object = None
        if kind is not ChangeKind.CREATE:
            from_stage = stages.get(cells.get("from_stage", ""))
            if type(from_stage) is not str:
                return False
        elif cells.get("from_stage", "").strip():
            return False
        skipped = memo["skipped"].get(cells.get("skipped", ""))
        forced = memo["bool"].get(cells.get("forced", ""))
        if (
            type(to_stage) is not str
            or type(skipped) is not tuple
            or type(forced) is not bool
            or any(cells.get(c, "").strip() for c in _NO_CHANGE_CELLS)
        ):
            return False
        fields = (from_stage, to_stage, on, cells.get("reason") or None, kind, skipped, forced)
        found = memo["change="].get(fields)
        if found is None or memo["meaning="].get(found, found) is not None:
            return False
        change = cast("StageChange", found)
        opp_id = cells["opportunity_id"]
        previous = self.last_change.get(opp_id)
        if not opp_id:
            return False
        if previous is None:
            if kind is not ChangeKind.CREATE:
                return False
        elif (
            kind is ChangeKind.CREATE
            or change.from_stage != previous[1].to_stage
            or change.on < previous[1].on
        ):
            return False
        self.lines.setdefault(opp_id, row.line)
        self.history.setdefault(opp_id, []).append(change)
        self.last_change[opp_id] = (row.line, change)
        return True

    def add(self, row: Row) -> None:
        """Read one events row."""
        if self._quick(row):
            return
        ev = _Event(self.name, row, self.headers, self.problems, self.memo)
        if not ev.opp_id.strip():
            ev.bad(
                "opportunity_id", "is empty", "give the id of the opportunity the event belongs to"
            )
            return
        self.lines.setdefault(ev.opp_id, row.line)
        kind = ev.get("kind").strip().lower()
        on = ev.parse("on", v.parse_date, "date")
        if kind not in EVENT_KINDS:
            ev.bad("kind", "is not an event kind", f"use one of {', '.join(EVENT_KINDS)}")
        elif kind in REVISION_KINDS:
            rev = _revision(ev, kind, on) if on is not None else None
            if rev is not None:
                prev_rev = self.last_revision.get(ev.opp_id)
                if prev_rev is not None and rev.on < prev_rev[1].on:
                    ev.bad(
                        "on",
                        f"revisions of opportunity {ev.opp_id!r} go back in time: {rev.on} "
                        f"is before the previous revision on {prev_rev[1].on} (row {prev_rev[0]})",
                        "list each opportunity's events oldest first",
                    )
                else:
                    self.revisions.setdefault(ev.opp_id, []).append(rev)
                    self.last_revision[ev.opp_id] = (row.line, rev)
        else:
            change = (
                _stage_change(ev, ChangeKind(kind), on, self.parsers) if on is not None else None
            )
            if change is not None:
                _chain(ev, change, self.last_change.get(ev.opp_id))
                _meaning(ev, change, self.funnel)
                self.history.setdefault(ev.opp_id, []).append(change)
                self.last_change[ev.opp_id] = (row.line, change)
        if not ev.ok or on is None:
            self.bad.add(ev.opp_id)

    def take(self, ids: Iterable[str]) -> Events:
        """The events read so far of ``ids``, with every problem since the last take.

        The reader forgets them: a stream keeps the state of the opportunities
        of one chunk only.
        """
        history: dict[str, tuple[StageChange, ...]] = {}
        revisions: dict[str, tuple[Revision, ...]] = {}
        lines: dict[str, int] = {}
        bad: set[str] = set()
        for key in ids:
            if key in self.lines:
                lines[key] = self.lines.pop(key)
                if key in self.history:
                    history[key] = tuple(self.history.pop(key))
                if key in self.revisions:
                    revisions[key] = tuple(self.revisions.pop(key))
                self.last_change.pop(key, None)
                self.last_revision.pop(key, None)
            if key in self.bad:
                self.bad.discard(key)
                bad.add(key)
        problems, self.problems = tuple(self.problems), []
        return Events(self.name, history, revisions, lines, frozenset(bad), problems)

    def events(self, problems: Iterable[Problem] = ()) -> Events:
        """What was read: ``problems`` (of the file as a whole) first, then the rows'.

        The reader is spent: its lists go into the result one by one (each
        freed as its tuple is made, so a large file's histories are not held
        twice), and its state of the last moves is dropped.
        """
        self.last_change.clear()
        self.last_revision.clear()
        return Events(
            self.name,
            _tuples(self.history),
            _tuples(self.revisions),
            self.lines,
            frozenset(self.bad),
            (*problems, *self.problems),
        )


T = TypeVar("T")


def _tuples(lists: dict[str, list[T]]) -> dict[str, tuple[T, ...]]:
    """Each list as a tuple, the lists emptied out of ``lists`` as they go."""
    pop = lists.pop
    return {key: tuple(pop(key)) for key in list(lists)}


def read_events(
    source: Source,
    funnel: Funnel,
    *,
    encoding: str = "utf-8",
    ignore: Iterable[str] = (),
) -> Events:
    """Read an events file into histories and revisions per opportunity id."""
    name, text = read_text(source, encoding)
    table = parse_table(name, text, aliases=ALIASES, required=REQUIRED, ignore=tuple(ignore))
    reader = EventReader(name, table.headers, funnel)
    for row in table.rows if table.usable else ():
        reader.add(row)
    if not table.usable:
        reader.bad.update(row.cells.get("opportunity_id", "") for row in table.rows)
    return reader.events(table.problems)


def _blank(**cells: str) -> dict[str, str]:
    return {**dict.fromkeys(EVENT_COLUMNS, ""), **cells}


def event_rows(opportunity: Opportunity) -> list[dict[str, str]]:
    """The events rows of one opportunity, oldest first (stage changes before revisions on a tie)."""
    dated: list[tuple[date, int, dict[str, str]]] = []
    for i, ch in enumerate(opportunity.history):
        dated.append(
            (
                ch.on,
                i,
                _blank(
                    opportunity_id=opportunity.id,
                    kind=ch.kind.value,
                    on=ch.on.isoformat(),
                    from_stage=ch.from_stage or "",
                    to_stage=ch.to_stage,
                    reason=ch.reason or "",
                    skipped=v.format_list(ch.skipped),
                    forced="true" if ch.forced else "",
                ),
            )
        )
    base = len(opportunity.history)
    for i, rev in enumerate(opportunity.revisions):
        if isinstance(rev, Reschedule):
            kind, old, new = "reschedule", rev.old.isoformat(), rev.new.isoformat()
        elif isinstance(rev, Override):
            kind = "override"
            old = _format_overrides(rev.old_probability, rev.old_category)
            new = _format_overrides(rev.new_probability, rev.new_category)
        else:
            kind, old, new = "reprice", v.format_products(rev.old), v.format_products(rev.new)
        dated.append(
            (
                rev.on,
                base + i,
                _blank(
                    opportunity_id=opportunity.id,
                    kind=kind,
                    on=rev.on.isoformat(),
                    reason=rev.reason or "",
                    old=old,
                    new=new,
                ),
            )
        )
    dated.sort(key=lambda item: (item[0], item[1]))
    return [row for _, _, row in dated]
