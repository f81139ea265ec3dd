"""The rules a funnel's graph must keep, checked when a funnel is built (see :mod:`salesfunnel.funnel.stages`)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from salesfunnel.errors import FunnelDefinitionError
from salesfunnel.funnel.records import UNRECORDED_STAGE, StageKind

if TYPE_CHECKING:
    from salesfunnel.funnel.stages import Funnel

__all__ = ["check_graph", "definition_error"]


def definition_error(message: str, rule: str, stages: Iterable[str] = ()) -> FunnelDefinitionError:
    return FunnelDefinitionError(f"invalid funnel: {message}", rule=rule, stages=stages)


def check_graph(funnel: Funnel, stage_type: type) -> Mapping[str, int]:
    """Check the rules of the module docstring of stages; return each ladder key's position."""
    stages = funnel.stages
    if not stages:
        raise definition_error("it has no stages; give at least an entry stage", "one-entry")
    if not isinstance(funnel.lost, stage_type):
        raise definition_error(f"lost={funnel.lost!r} is not a Stage", "won-stage")
    keys = [s.key for s in stages] + [funnel.lost.key]
    if UNRECORDED_STAGE in keys:
        raise definition_error(
            f"the stage key {UNRECORDED_STAGE!r} is reserved for deals whose stage was "
            "not recorded; rename the stage",
            "unique-keys",
            [UNRECORDED_STAGE],
        )
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise definition_error(
            f"duplicate stage key(s) {', '.join(dupes)}; keys must be unique",
            "unique-keys",
            dupes,
        )
    index = {s.key: i for i, s in enumerate(stages)}
    if funnel.lost.kind is not StageKind.LOST:
        raise definition_error(
            f"the lost outcome {funnel.lost.key!r} must have kind LOST",
            "won-stage",
            [funnel.lost.key],
        )
    won = [s.key for s in stages if s.kind is StageKind.WON]
    lost_on_ladder = [s.key for s in stages if s.kind is StageKind.LOST]
    if lost_on_ladder:
        raise definition_error(
            f"{', '.join(lost_on_ladder)} on the ladder is of kind LOST; pass it as lost=",
            "won-stage",
            lost_on_ladder,
        )
    if len(won) > 1 or (won and stages[-1].kind is not StageKind.WON):
        raise definition_error(
            f"won stage(s) {', '.join(won)}: a funnel has at most one, last on the ladder",
            "won-stage",
            won,
        )
    if funnel.entry not in index or stages[index[funnel.entry]].kind is not StageKind.OPEN:
        raise definition_error(
            f"entry {funnel.entry!r} must be exactly one open stage of the ladder",
            "one-entry",
            [funnel.entry],
        )
    for a, b in sorted(funnel.edges):
        if a not in index or b not in index:
            raise definition_error(f"edge {a!r} -> {b!r} names an unknown stage", "edges", [a, b])
        if index[a] >= index[b]:
            raise definition_error(
                f"edge {a!r} -> {b!r} does not go up the ladder; moving back is "
                "a separate, reasoned move, not an edge",
                "edges",
                [a, b],
            )
        if stages[index[a]].kind is not StageKind.OPEN:
            raise definition_error(f"edge {a!r} -> {b!r} leaves a terminal stage", "terminal", [a])
    reach = {funnel.entry}
    for s in stages:  # edges go up the ladder, so one pass in order suffices
        if s.key in reach:
            reach |= {b for a, b in funnel.edges if a == s.key}
    unreachable = [s.key for s in stages if s.key not in reach]
    if unreachable:
        raise definition_error(
            f"stage(s) {', '.join(unreachable)} cannot be reached from the entry "
            f"{funnel.entry!r}; add an edge into them or remove them",
            "reachable",
            unreachable,
        )
    top = stages[-1].key
    can_finish = {top}
    for s in reversed(stages):
        if any((s.key, t) in funnel.edges for t in can_finish):
            can_finish.add(s.key)
    dead = [s.key for s in stages if s.key not in can_finish and s.key != top]
    if dead:
        raise definition_error(
            f"stage(s) {', '.join(dead)} cannot reach {top!r}; a deal there could only be lost",
            "no-dead-end",
            dead,
        )
    for s in stages:
        if s.kind is StageKind.WON and s.probability != 1:
            raise definition_error(
                f"won stage {s.key!r} has probability {s.probability}; it must be 1",
                "probability-range",
                [s.key],
            )
    if funnel.lost.probability != 0:
        raise definition_error(
            f"lost outcome {funnel.lost.key!r} has probability {funnel.lost.probability}; it must be 0",
            "probability-range",
            [funnel.lost.key],
        )
    for lower, upper in itertools.pairwise(stages):
        if upper.probability < lower.probability:
            raise definition_error(
                f"probability falls from {lower.key!r} ({lower.probability}) to "
                f"{upper.key!r} ({upper.probability}); it must not decrease up the ladder",
                "probability-order",
                [lower.key, upper.key],
            )
    return MappingProxyType(index)
