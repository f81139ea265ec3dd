"""What a stage change means in a funnel, and whether a recorded one can be so.

The stage machine (:mod:`salesfunnel.funnel.machine`) only ever records
moves that make sense: an advance to the next stage, a skip that lists the
stages it passes, a move back with a reason, a loss that ends in the lost
outcome. A history read from a file was written by someone else;
:func:`change_problem` says what is wrong with one of its entries, so that a
reader can refuse it with the field to correct.

>>> from salesfunnel import DEFAULT_FUNNEL, ChangeKind, StageChange
>>> from datetime import date
>>> day = date(2026, 3, 2)
>>> change_problem(DEFAULT_FUNNEL, StageChange("potential", "intent", day, kind=ChangeKind.ADVANCE))
>>> bad = StageChange("potential", "project", day, kind=ChangeKind.ADVANCE)
>>> print(change_problem(DEFAULT_FUNNEL, bad))
kind: an 'advance' from 'potential' to 'project' passes intent; write kind 'skip' with skipped 'intent'
>>> print(change_problem(DEFAULT_FUNNEL, StageChange("intent", "potential", day, kind="regress")))
reason: a move back from 'intent' to 'potential' needs a reason; say why the deal moved back

The rules follow the record's kinds (:class:`~salesfunnel.ChangeKind`):

* ``advance``: from an open stage to the next one up (the next on the ladder,
  or a stage the funnel's edges join it to), skipping nothing;
* ``skip``: from an open stage up to a later open or won stage, listing the
  stages it passes (those between them on the ladder, or on the funnel's
  shortest forward path);
* ``regress``: from an open stage down to an earlier open stage, with a reason;
* ``lose`` and ``exit``: from an open stage to the lost outcome;
* ``reopen``: from the lost outcome to an open stage;
* ``close``: from the unrecorded stage ``(open)`` to the won stage or the lost
  outcome;
* ``create``: into any stage (a deal may be created already won or lost).
"""

from __future__ import annotations

import attrs

from salesfunnel.funnel.records import UNRECORDED_STAGE, ChangeKind, StageChange, StageKind
from salesfunnel.funnel.stages import Funnel

__all__ = ["ChangeProblem", "change_problem"]

_FORWARD = frozenset({ChangeKind.ADVANCE, ChangeKind.SKIP})
_TO_LOST = frozenset({ChangeKind.LOSE, ChangeKind.EXIT})


@attrs.frozen
class ChangeProblem:
    """What is wrong with one stage change, and how to correct it.

    Attributes:
        field: The field of the :class:`~salesfunnel.StageChange` to correct
            (``kind``, ``from_stage``, ``to_stage``, ``reason`` or
            ``skipped``); the events file's columns have the same names.
        why: What is wrong.
        fix: What to write instead.
    """

    field: str
    why: str
    fix: str

    def __str__(self) -> str:
        """``field: why; fix``."""
        return f"{self.field}: {self.why}; {self.fix}"


def _list(keys: tuple[str, ...]) -> str:
    return ";".join(keys)


def _between(funnel: Funnel, start: str, end: str) -> tuple[tuple[str, ...], ...]:
    """The lists of stages a forward move from ``start`` to ``end`` may pass."""
    a, b = funnel.index(start), funnel.index(end)
    ladder = tuple(s.key for s in funnel.stages[a + 1 : b])
    if start == UNRECORDED_STAGE:
        return (ladder,)
    path = funnel.path(start, end)
    if path is None or path[1:-1] == ladder:
        return (ladder,)
    return (ladder, path[1:-1])


def _forward(funnel: Funnel, change: StageChange, start: str) -> ChangeProblem | None:
    kind, end = change.kind.value, change.to_stage
    target = funnel[end]
    if target.kind is StageKind.LOST:
        return ChangeProblem(
            "kind", f"an {kind!r} never ends in the lost outcome {end!r}", "write kind 'lose'"
        )
    if funnel.index(end) <= funnel.index(start):
        return ChangeProblem(
            "kind",
            f"an {kind!r} from {start!r} to {end!r} does not move up the funnel",
            "write kind 'regress' (with a reason) for a move back",
        )
    passes = _between(funnel, start, end)
    if change.kind is ChangeKind.ADVANCE:
        if () in passes:
            if change.skipped:
                return ChangeProblem(
                    "skipped",
                    f"an 'advance' skips no stage, but lists {_list(change.skipped)}",
                    "leave skipped empty, or write kind 'skip'",
                )
            return None
        return ChangeProblem(
            "kind",
            f"an 'advance' from {start!r} to {end!r} passes {', '.join(passes[0])}",
            f"write kind 'skip' with skipped {_list(passes[0])!r}",
        )
    lists = [p for p in passes if p]
    if not lists:
        return ChangeProblem(
            "kind",
            f"a 'skip' from {start!r} to {end!r} passes no stage",
            "write kind 'advance'",
        )
    if change.skipped not in lists:
        return ChangeProblem(
            "skipped",
            f"a 'skip' from {start!r} to {end!r} passes {', '.join(lists[0])}, "
            f"not {_list(change.skipped) or 'nothing'}",
            f"write skipped {_list(lists[0])!r}",
        )
    return None


def _regress(funnel: Funnel, change: StageChange, start: str) -> ChangeProblem | None:
    end = change.to_stage
    if funnel[end].kind is not StageKind.OPEN or funnel.index(end) >= funnel.index(start):
        return ChangeProblem(
            "kind",
            f"a 'regress' from {start!r} to {end!r} does not move back to an earlier open stage",
            "write kind 'advance' or 'skip' for a move up, 'lose' for a loss",
        )
    if change.reason is None or not change.reason.strip():
        return ChangeProblem(
            "reason",
            f"a move back from {start!r} to {end!r} needs a reason",
            "say why the deal moved back",
        )
    return None


def _kind_of(funnel: Funnel, key: str) -> StageKind:
    return funnel[key].kind


def change_problem(funnel: Funnel, change: StageChange) -> ChangeProblem | None:
    """Say what is wrong with ``change`` as a move in ``funnel``, or ``None`` if nothing is.

    Only the move itself is judged (its kind, stages, skipped list and
    reason); that a history chains and keeps its dates in order is checked by
    :class:`~salesfunnel.Opportunity`, and gates are not re-run (a recorded
    move happened).

    Args:
        funnel: The funnel the change was made in; its stages must include
            both of the change's stages.
        change: One entry of a stage history.

    Returns:
        The first problem found, or ``None``.

    Raises:
        UnknownStageError: For a stage the funnel does not have.
    """
    kind, start, end = change.kind, change.from_stage, change.to_stage
    funnel[end]
    if kind is ChangeKind.CREATE or start is None:
        return None
    start_kind = _kind_of(funnel, start)
    if kind is ChangeKind.CLOSE:
        if start != UNRECORDED_STAGE or _kind_of(funnel, end) is StageKind.OPEN:
            return ChangeProblem(
                "kind",
                f"a 'close' moves from the unrecorded stage {UNRECORDED_STAGE!r} to the won "
                f"stage or the lost outcome, not from {start!r} to {end!r}",
                "write the move's own kind (advance, skip, lose)",
            )
        return None
    if change.skipped and kind is not ChangeKind.ADVANCE and kind is not ChangeKind.SKIP:
        return ChangeProblem(
            "skipped",
            f"only a 'skip' lists skipped stages, not a {kind.value!r}",
            "leave skipped empty",
        )
    if kind is ChangeKind.REOPEN:
        if start_kind is not StageKind.LOST or _kind_of(funnel, end) is not StageKind.OPEN:
            return ChangeProblem(
                "kind",
                f"a 'reopen' moves from the lost outcome to an open stage, not from "
                f"{start!r} to {end!r}",
                "write the move's own kind",
            )
        return None
    if start_kind is not StageKind.OPEN:
        fix = "a won deal is final" if start_kind is StageKind.WON else "write kind 'reopen'"
        return ChangeProblem(
            "kind",
            f"a {kind.value!r} moves out of {start!r}, which is {start_kind.value}; only "
            "an open deal moves so",
            fix,
        )
    if kind in _TO_LOST:
        if _kind_of(funnel, end) is not StageKind.LOST:
            return ChangeProblem(
                "to_stage",
                f"a {kind.value!r} ends in the lost outcome {funnel.lost.key!r}, not in {end!r}",
                f"set to_stage to {funnel.lost.key!r}, or write the move's own kind",
            )
        return None
    if kind in _FORWARD:
        return _forward(funnel, change, start)
    return _regress(funnel, change, start)
