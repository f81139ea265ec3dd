"""The events file: one row per stage change, reschedule, reprice or override of an opportunity.

An ``override`` row's ``old`` and ``new`` cells hold the manual probability
and forecast category before and after, as ``probability=0.8;category=commit``
(either part empty for none).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, cast

import attrs

from salesfunnel.funnel.change_rules import change_problem
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
from salesfunnel.io._table import Row, parse_table
from salesfunnel.io.problems import Problem

if TYPE_CHECKING:
    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.funnel.records import Revision
    from salesfunnel.funnel.stages import Funnel

__all__ = ["EVENT_KINDS", "Events", "event_rows", "read_events"]

#: The values of the ``kind`` column: the stage-change kinds, then the revisions.
EVENT_KINDS: tuple[str, ...] = (
    *(k.value for k in ChangeKind),
    "reschedule",
    "reprice",
    "override",
)
_REVISION_KINDS = frozenset({"reschedule", "reprice", "override"})
_OVERRIDE_FIX = (
    "write the overrides as probability=SHARE;category=CATEGORY, either part empty "
    "for none, such as probability=0.8;category=commit"
)

_ALIASES = header_aliases(EVENT_COLUMNS, EVENT_HEADERS_ZH, {"opportunity_id": ("opportunity",)})
_REQUIRED = ("opportunity_id", "kind", "on")


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

    def __init__(self, name: str, row: Row, headers: Mapping[str, str], out: list[Problem]) -> None:
        self.name = name
        self.row = row
        self.headers = headers
        self.out = out
        self.opp_id = row.cells["opportunity_id"]
        self.ok = True

    def bad(self, column: str | None, why: str, fix: str = "") -> None:
        self.ok = False
        head = self.headers.get(column, column) if column else None
        value = self.row.cells.get(column) if column else None
        self.out.append(Problem(self.name, self.row.line, head, value, why, fix, self.opp_id))

    def get(self, column: str) -> str:
        return self.row.cells.get(column, "")

    def parse(self, column: str, parser: Callable[[str], object]) -> object:
        try:
            return parser(self.get(column))
        except v.BadValue as err:
            self.bad(column, err.why, err.fix)
            return None

    def unused(self, kind: str, columns: Iterable[str]) -> None:
        for column in columns:
            if self.get(column).strip():
                self.bad(column, f"is not used by a {kind!r} row", "leave it empty")


def _stage_change(ev: _Event, kind: ChangeKind, on: object, funnel: Funnel) -> StageChange | None:
    to_stage = ev.parse("to_stage", lambda t: v.parse_stage(t, funnel))
    from_stage: object = None
    if kind is ChangeKind.CREATE:
        ev.unused("create", ("from_stage",))
    else:
        from_stage = ev.parse("from_stage", lambda t: v.parse_stage(t, funnel))
    skipped = ev.parse(
        "skipped", lambda t: tuple(v.parse_stage(s, funnel) for s in v.parse_list(t))
    )
    forced = ev.parse("forced", v.parse_bool)
    ev.unused(kind.value, ("old", "new"))
    if not ev.ok:
        return None
    return StageChange(
        from_stage,  # type: ignore[arg-type]
        to_stage,  # type: ignore[arg-type]
        on,
        ev.get("reason") or None,
        kind,
        skipped,  # type: ignore[arg-type]
        forced,  # type: ignore[arg-type]
    )


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


def _revision(ev: _Event, kind: str, on: object) -> Revision | None:
    ev.unused(kind, ("from_stage", "to_stage", "skipped", "forced"))
    if kind == "override":
        old_o = ev.parse("old", _overrides)
        new_o = ev.parse("new", _overrides)
        if not ev.ok:
            return None
        old_p, old_c = cast("tuple[Decimal | None, str | None]", old_o)
        new_p, new_c = cast("tuple[Decimal | None, str | None]", new_o)
        # both sides are checked values already, so the Override cannot refuse them
        return Override(on, old_p, new_p, old_c, new_c, ev.get("reason") or None)
    parser: Callable[[str], object] = v.parse_date if kind == "reschedule" else _lines
    old = ev.parse("old", parser)
    new = ev.parse("new", parser)
    if not ev.ok:
        return None
    reason = ev.get("reason") or None
    if kind == "reschedule":
        return Reschedule(on, old, new, reason)
    return Reprice(on, old, new, reason)  # type: ignore[arg-type]


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
    problem = change_problem(funnel, change)
    if problem is not None:
        ev.bad(problem.field, f"history of opportunity {ev.opp_id!r}: {problem.why}", problem.fix)


def read_events(
    source: Source,
    funnel: Funnel,
    *,
    encoding: str = "utf-8",
    ignore: Iterable[str] = (),
) -> Events:
    """Read an events file into histories and revisions per opportunity id."""
    name, text = read_text(source, encoding)
    table = parse_table(name, text, aliases=_ALIASES, required=_REQUIRED, ignore=tuple(ignore))
    problems = list(table.problems)
    history: dict[str, list[StageChange]] = {}
    revisions: dict[str, list[Revision]] = {}
    last_change: dict[str, tuple[int, StageChange]] = {}
    last_revision: dict[str, tuple[int, Revision]] = {}
    lines: dict[str, int] = {}
    bad: set[str] = set()
    for row in table.rows if table.usable else ():
        ev = _Event(name, row, table.headers, problems)
        if not ev.opp_id.strip():
            ev.bad(
                "opportunity_id", "is empty", "give the id of the opportunity the event belongs to"
            )
            continue
        lines.setdefault(ev.opp_id, row.line)
        kind = ev.get("kind").strip().lower()
        on = ev.parse("on", v.parse_date)
        if kind not in EVENT_KINDS:
            ev.bad("kind", "is not an event kind", f"use one of {', '.join(EVENT_KINDS)}")
        elif kind in _REVISION_KINDS:
            rev = _revision(ev, kind, on) if on is not None else None
            if rev is not None:
                prev_rev = last_revision.get(ev.opp_id)
                if prev_rev is not None and rev.on < prev_rev[1].on:
                    ev.bad(
                        "on",
                        f"revisions of opportunity {ev.opp_id!r} go back in time: {rev.on} "
                        f"is before the previous revision on {prev_rev[1].on} (row {prev_rev[0]})",
                        "list each opportunity's events oldest first",
                    )
                else:
                    revisions.setdefault(ev.opp_id, []).append(rev)
                    last_revision[ev.opp_id] = (row.line, rev)
        else:
            change = _stage_change(ev, ChangeKind(kind), on, funnel) if on is not None else None
            if change is not None:
                _chain(ev, change, last_change.get(ev.opp_id))
                _meaning(ev, change, funnel)
                history.setdefault(ev.opp_id, []).append(change)
                last_change[ev.opp_id] = (row.line, change)
        if not ev.ok or on is None:
            bad.add(ev.opp_id)
    if not table.usable:
        bad.update(row.cells.get("opportunity_id", "") for row in table.rows)
    return Events(
        name,
        {k: tuple(h) for k, h in history.items()},
        {k: tuple(r) for k, r in revisions.items()},
        lines,
        frozenset(bad),
        tuple(problems),
    )


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
