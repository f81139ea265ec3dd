"""Stages and funnels: the ladder an opportunity climbs, checked when it is built.

A :class:`Funnel` is an ordered ladder of :class:`Stage` values ending in a
won stage, plus a lost outcome beside the ladder. Building one checks its
graph (:class:`~salesfunnel.errors.FunnelDefinitionError` names the rule
broken):

* ``unique-keys``: every stage key, the lost outcome's included, appears once.
* ``one-entry``: exactly one entry stage, an open stage, where new
  opportunities start.
* ``won-stage``: at most one won stage, last on the ladder; the lost outcome
  is of kind lost.
* ``edges``: forward moves (edges) join known open stages to later stages on
  the ladder.
* ``terminal``: no edge leaves the won stage or the lost outcome.
* ``reachable``: every stage can be reached from the entry stage.
* ``no-dead-end``: every open stage can reach the won stage (or, in a funnel
  without one, the top of the ladder).
* ``probability-range`` and ``probability-order``: probabilities are in
  [0, 1], the won stage's is 1 and the lost outcome's 0, and they never
  decrease along the ladder.

By default the edges join each stage to the next; pass ``edges=`` for a ladder
with branches. A funnel is iterable over its ladder stages in order, and
indexable by key (the lost outcome included):

>>> from salesfunnel import DEFAULT_FUNNEL
>>> [s.key for s in DEFAULT_FUNNEL][:3]
['target_segment', 'potential', 'intent']
>>> DEFAULT_FUNNEL["recognition"].label("zh")
'赢得客户认可'
>>> DEFAULT_FUNNEL["recognition"].probability
Decimal('0.6')
>>> DEFAULT_FUNNEL["lost"].kind
<StageKind.LOST: 'lost'>
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from salesfunnel.errors import FunnelDefinitionError, UnknownStageError
from salesfunnel.funnel import machine
from salesfunnel.funnel._graph import check_graph, definition_error
from salesfunnel.funnel.records import UNRECORDED_STAGE, SkipPolicy, StageKind
from salesfunnel.i18n import Lang, Text, pick
from salesfunnel.money import to_probability
from salesfunnel.options import enum_option
from salesfunnel.qualification import Criterion, FactValue, Rule, Verdict, evaluate
from salesfunnel.tables import Table, Tabular

if TYPE_CHECKING:
    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.funnel.records import StageKey

__all__ = [
    "Funnel",
    "Role",
    "SkipPolicy",
    "Stage",
    "StageKind",
]


@attrs.frozen
class Role:
    """A role that owns work in a stage, such as the account manager (客户经理)."""

    key: str
    text: Text

    def label(self, lang: Lang = "en") -> str:
        """Return the role's name in ``lang``."""
        return self.text(lang)


_AS_STAGE_KIND = enum_option(StageKind, field="kind")
_AS_SKIP_POLICY = enum_option(SkipPolicy, field="skip_policy")


def _stage_kind(value: object) -> StageKind:
    return _AS_STAGE_KIND(value)


def _skip_policy(value: object) -> SkipPolicy:
    return _AS_SKIP_POLICY(value)


def _stage_probability(value: object) -> Decimal:
    return to_probability(value, field="stage probability")


def _roles(value: Iterable[Role]) -> tuple[Role, ...]:
    return tuple(value)


def _stage_tuple(value: Iterable[Stage]) -> tuple[Stage, ...]:
    stages = tuple(value)
    for s in stages:
        if not isinstance(s, Stage):
            raise FunnelDefinitionError(
                f"invalid funnel: {s!r} is not a Stage; build stages with Stage(key, text, "
                "probability, ...)",
                rule="unique-keys",
            )
    return stages


def _always(_facts: Mapping[str, FactValue]) -> bool:
    return True


@attrs.frozen(repr=False)
class Stage:
    """One stage of a funnel.

    Attributes:
        key: The stable identifier, such as ``"recognition"``.
        text: The stage's name in English and Chinese (see :meth:`label`).
        probability: The default probability of winning from this stage.
        kind: Open, won or lost.
        owners: The roles responsible for opportunities in this stage.
        rule: The entry gate: what an opportunity must show to be here, or
            ``None`` for no gate.
        definition: What the stage means, in English and Chinese.
    """

    key: str = attrs.field()
    text: Text
    probability: Decimal = attrs.field(converter=_stage_probability)
    kind: StageKind = attrs.field(default=StageKind.OPEN, converter=_stage_kind)
    owners: tuple[Role, ...] = attrs.field(default=(), converter=_roles)
    rule: Rule | None = None
    definition: Text | None = None

    @key.validator
    def _check_key(self, _attr: object, value: object) -> None:
        if not isinstance(value, str) or not value.strip():
            raise FunnelDefinitionError(
                f"a stage key must be a non-empty string, got {value!r}",
                rule="unique-keys",
            )

    def __repr__(self) -> str:
        """A short form: the key, the probability and the kind (the gate is not spelled out).

        >>> from salesfunnel import DEFAULT_FUNNEL
        >>> DEFAULT_FUNNEL["recognition"]
        Stage('recognition', 0.6, open, gated)
        """
        gate = ", gated" if self.rule is not None else ""
        return f"Stage({self.key!r}, {self.probability}, {self.kind.value}{gate})"

    def label(self, lang: Lang = "en") -> str:
        """Return the stage's name in ``lang`` (``"en"`` or ``"zh"``)."""
        return self.text(lang)

    def gate(self, facts: Mapping[str, FactValue] | None) -> Verdict:
        """Evaluate this stage's entry rule on ``facts`` (passes when there is none)."""
        return evaluate(self.rule if self.rule is not None else _NO_GATE, facts)


_NO_GATE: Rule = Criterion("no_gate", Text("No entry criteria", "无准入条件"), (), _always)


def _edge_set(
    value: Iterable[tuple[str, str]] | None,
) -> frozenset[tuple[str, str]] | None:
    return None if value is None else frozenset((str(a), str(b)) for a, b in value)


@attrs.frozen(repr=False)
class Funnel(Tabular):
    """An ordered ladder of stages with a lost outcome beside it.

    Attributes:
        stages: The ladder, bottom to top; the won stage, if any, last.
        lost: The lost outcome (kind :attr:`StageKind.LOST`).
        name: A name, to tell several pipelines apart.
        entry: The key of the stage new opportunities start in (default: the
            first stage).
        edges: The allowed forward moves as ``(from, to)`` pairs (default: each
            stage to the next).
        skip_policy: When moving past stages is allowed (see
            :class:`SkipPolicy`).

    Raises:
        FunnelDefinitionError: If the graph breaks a rule (see the module
            docstring); ``.rule`` names it.
    """

    stages: tuple[Stage, ...] = attrs.field(converter=_stage_tuple)
    lost: Stage
    name: str = "default"
    entry: str = attrs.field()
    edges: frozenset[tuple[str, str]] = attrs.field(converter=_edge_set)
    skip_policy: SkipPolicy = attrs.field(default=SkipPolicy.GATED, converter=_skip_policy)
    _index: Mapping[str, int] = attrs.field(init=False, eq=False, repr=False)
    _by_key: Mapping[str, Stage] = attrs.field(init=False, eq=False, repr=False)
    _unrecorded_as: str = attrs.field(init=False, eq=False, repr=False)

    @entry.default
    def _entry_default(self) -> str:
        return self.stages[0].key if self.stages else ""

    @edges.default
    def _edges_default(self) -> frozenset[tuple[str, str]]:
        return frozenset((a.key, b.key) for a, b in itertools.pairwise(self.stages))

    def __attrs_post_init__(self) -> None:
        """Check the graph (see the module docstring)."""
        index = dict(check_graph(self, Stage))
        by_key = {s.key: s for s in self.stages}
        by_key[self.lost.key] = self.lost
        floor = next(
            (s for s in self.stages if s.kind is StageKind.OPEN and s.probability > 0),
            by_key[self.entry],
        )
        by_key[UNRECORDED_STAGE] = Stage(
            UNRECORDED_STAGE,
            Text("Open (stage not recorded)", "进行中（阶段未记录）"),
            floor.probability,
            definition=Text(
                "A deal read without a stage history was open in some stage until it "
                f"closed; it counts as {floor.key!r}, the first stage that counts as an "
                "opportunity.",
                "没有阶段记录的商机在成交或丢单之前处于某个未记录的阶段；"
                f"按第一个计为商机的阶段 {floor.key!r} 计算。",
            ),
        )
        index[UNRECORDED_STAGE] = index[floor.key]
        object.__setattr__(self, "_unrecorded_as", floor.key)
        object.__setattr__(self, "_index", MappingProxyType(index))
        object.__setattr__(self, "_by_key", MappingProxyType(by_key))

    @classmethod
    def from_stage_names(
        cls,
        names: Iterable[str],
        *,
        won: str | None = None,
        lost: str,
        name: str = "default",
        probabilities: Mapping[str, object] | None = None,
    ) -> Funnel:
        """Build a linear funnel from an export's own stage names, in ladder order.

        The names are the keys and the English labels (the Chinese label
        repeats the name). ``won`` names the won stage (put last on the
        ladder) and ``lost`` the lost outcome; both may be among ``names`` or
        not. Open stages get evenly spaced probabilities between 0 and 1
        (``k / (n + 1)`` for the k-th of n open stages) unless
        ``probabilities`` gives them; no stage has a gate.

        >>> f = Funnel.from_stage_names(
        ...     ["Prospecting", "Engaging", "Won", "Lost"], won="Won", lost="Lost"
        ... )
        >>> [(s.key, str(s.probability)) for s in f], f.lost.key
        ([('Prospecting', '0.3333333333'), ('Engaging', '0.6666666667'), ('Won', '1')], 'Lost')

        Raises:
            FunnelDefinitionError: For duplicate or empty names, or a funnel
                that breaks a rule of the module docstring.
        """
        given = [str(n) for n in names]
        dupes = sorted({n for n in given if given.count(n) > 1})
        if dupes:
            raise definition_error(
                f"duplicate stage name(s) {', '.join(dupes)}", "unique-keys", dupes
            )
        probs = dict(probabilities or {})
        open_names = [n for n in given if n not in {won, lost}]
        step = Decimal(1) / Decimal(len(open_names) + 1)
        stages = [
            Stage(
                n,
                Text(n, n),
                probs.get(n, (step * (k + 1)).quantize(Decimal("1e-10"))),
            )
            for k, n in enumerate(open_names)
        ]
        if won is not None:
            stages.append(Stage(won, Text(won, won), 1, kind=StageKind.WON))
        return cls(
            stages=stages,
            lost=Stage(lost, Text(lost, lost), 0, kind=StageKind.LOST),
            name=name,
        )

    def __repr__(self) -> str:
        """A short form, so that help() and signatures stay readable.

        >>> from salesfunnel import DEFAULT_FUNNEL
        >>> DEFAULT_FUNNEL
        Funnel('default', 7 stages + lost)
        """
        return f"Funnel({self.name!r}, {len(self.stages)} stages + {self.lost.key})"

    # -- mapping-like access ------------------------------------------------

    def __iter__(self) -> Iterator[Stage]:
        """Iterate over the ladder stages, bottom to top (not the lost outcome)."""
        return iter(self.stages)

    def __len__(self) -> int:
        """Return the number of ladder stages."""
        return len(self.stages)

    def __getitem__(self, key: str) -> Stage:
        """Return the stage (or the lost outcome) with ``key``.

        Raises:
            UnknownStageError: If the funnel has no such stage.
        """
        try:
            return self._by_key[key]
        except (KeyError, TypeError):
            raise UnknownStageError(key, self.keys()) from None

    def __contains__(self, key: object) -> bool:
        """Tell whether ``key`` is a stage key of this funnel."""
        try:
            return key in self._by_key
        except TypeError:
            return False

    def keys(self) -> tuple[str, ...]:
        """Return every stage key: the ladder in order, then the lost outcome.

        :data:`~salesfunnel.funnel.records.UNRECORDED_STAGE` is not listed, although
        the funnel answers for it.
        """
        return (*(s.key for s in self.stages), self.lost.key)

    def index(self, key: str) -> int:
        """Return the ladder position of ``key`` (0 at the bottom; lost is -1)."""
        try:
            return self._index[key]
        except (KeyError, TypeError):
            if key == self.lost.key:
                return -1
            raise UnknownStageError(key, self.keys()) from None

    @property
    def won(self) -> Stage | None:
        """The won stage, or ``None`` for a ladder without one."""
        last = self.stages[-1]
        return last if last.kind is StageKind.WON else None

    @property
    def unrecorded(self) -> Stage:
        """The open stage of a deal whose history did not record it.

        See :data:`~salesfunnel.funnel.records.UNRECORDED_STAGE`: an open stage with
        the probability and ladder position of :attr:`unrecorded_as`.

        >>> from salesfunnel import DEFAULT_FUNNEL
        >>> DEFAULT_FUNNEL.unrecorded.probability, DEFAULT_FUNNEL.unrecorded_as
        (Decimal('0.1'), 'potential')
        """
        return self._by_key[UNRECORDED_STAGE]

    @property
    def unrecorded_as(self) -> str:
        """The stage a deal in :data:`~salesfunnel.funnel.records.UNRECORDED_STAGE` counts as.

        The lowest open stage with a probability above zero (the first stage
        where a deal counts as an opportunity), or the entry stage when every
        open stage has probability zero. A deal known to have been open, but
        not where, is known to have been at least there.
        """
        return self._unrecorded_as

    @property
    def entry_stage(self) -> Stage:
        """The stage new opportunities start in."""
        return self[self.entry]

    def successors(self, key: str) -> tuple[str, ...]:
        """Return the stages reachable from ``key`` in one forward move, in ladder order."""
        self[key]
        return tuple(s.key for s in self.stages if (key, s.key) in self.edges)

    def path(self, start: str, end: str) -> tuple[str, ...] | None:
        """Return the shortest forward path from ``start`` to ``end``, both included.

        Ties go to the path through lower stages. ``None`` when ``end`` cannot
        be reached from ``start`` by forward moves.
        """
        self[start]
        self[end]
        prev: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node == end:
                out = [end]
                while (back := prev[out[-1]]) is not None:
                    out.append(back)
                return tuple(reversed(out))
            for nxt in self.successors(node):
                if nxt not in prev:
                    prev[nxt] = node
                    queue.append(nxt)
        return None

    # -- variations -----------------------------------------------------------

    def with_rule(self, key: str, rule: Rule | None) -> Funnel:
        """Return a copy with stage ``key``'s gate replaced by ``rule``.

        >>> from salesfunnel import DEFAULT_FUNNEL, Criterion
        >>> nda = Criterion.fact("nda_signed", "NDA signed", "已签保密协议")
        >>> mine = DEFAULT_FUNNEL.with_rule("intent", nda)
        >>> mine["intent"].rule == nda, mine["project"] == DEFAULT_FUNNEL["project"]
        (True, True)
        """
        return self.with_stage(attrs.evolve(self[key], rule=rule))

    def with_stage(self, stage: Stage) -> Funnel:
        """Return a copy with the stage of the same key replaced by ``stage``."""
        if stage.key == self.lost.key:
            return attrs.evolve(self, lost=stage)
        i = self.index(stage.key)
        return attrs.evolve(self, stages=(*self.stages[:i], stage, *self.stages[i + 1 :]))

    # -- opportunities --------------------------------------------------------

    def kind_of(self, opportunity: Opportunity) -> StageKind:
        """Return whether ``opportunity`` is open, won or lost in this funnel."""
        return self[opportunity.stage].kind

    def probability_of(self, opportunity: Opportunity) -> Decimal:
        """Return the probability that ``opportunity`` is won.

        Won counts 1 and lost 0; an open deal's own ``probability`` override
        wins over its stage's default.
        """
        stage = self[opportunity.stage]
        if stage.kind is StageKind.WON:
            return Decimal(1)
        if stage.kind is StageKind.LOST:
            return Decimal(0)
        if opportunity.probability is not None:
            return opportunity.probability
        return stage.probability

    def check(self, opportunity: Opportunity) -> Opportunity:
        """Return ``opportunity`` if it is consistent with this funnel.

        Every stage in its history must exist here; a won or lost one must have
        ``closed_on`` and an open one must not.

        Raises:
            UnknownStageError: For a stage this funnel does not have.
            InvalidOpportunityError: For a close date that contradicts the stage.
        """
        return machine.check(self, opportunity)

    def gate(self, to_stage: StageKey, facts: Mapping[str, FactValue] | None) -> Verdict:
        """Evaluate the entry gate of ``to_stage`` on ``facts``."""
        return self[to_stage].gate(facts)

    #: Move an opportunity to ``to_stage``, its gates checked:
    #: :func:`salesfunnel.funnel.machine.advance` itself, with this funnel as
    #: its first argument (no call of its own on the hot path of every move,
    #: see bench_transitions).
    advance = machine.advance

    def win(
        self,
        opportunity: Opportunity,
        *,
        on: date,
        facts: Mapping[str, FactValue] | None = None,
        reason: str | None = None,
        allow_skip: bool = False,
    ) -> Opportunity:
        """Advance ``opportunity`` to the won stage (its gate is checked)."""
        won = self.won
        if won is None:
            raise FunnelDefinitionError(
                f"funnel {self.name!r} has no won stage to win into",
                rule="won-stage",
            )
        return self.advance(
            opportunity,
            won.key,
            on=on,
            facts=facts,
            reason=reason,
            allow_skip=allow_skip,
        )

    def lose(self, opportunity: Opportunity, *, on: date, reason: str) -> Opportunity:
        """Mark ``opportunity`` lost; see :func:`salesfunnel.funnel.machine.lose`."""
        return machine.lose(self, opportunity, on=on, reason=reason)

    def reopen(
        self,
        opportunity: Opportunity,
        *,
        on: date,
        reason: str,
        to_stage: StageKey | None = None,
    ) -> Opportunity:
        """Bring a lost ``opportunity`` back; see :func:`salesfunnel.funnel.machine.reopen`."""
        return machine.reopen(self, opportunity, on=on, reason=reason, to_stage=to_stage)

    def table(self, lang: Lang = "en") -> Table:
        """Return the stages for display: number, key, both labels, probability and owners.

        Text columns are left-aligned and numbers right-aligned in a notebook.

        >>> from salesfunnel import DEFAULT_FUNNEL
        >>> DEFAULT_FUNNEL.table().headers
        ('#', 'key', 'stage', '阶段', 'probability', 'owners')
        """
        rows = [
            (
                i,
                s.key,
                s.label("en"),
                s.label("zh"),
                f"{s.probability:.0%}",
                ", ".join(r.label(lang) for r in s.owners),
            )
            for i, s in enumerate([*self.stages, self.lost], start=1)
        ]
        probability, owners = pick("probability", "概率", lang), pick("owners", "负责人", lang)
        return Table(self.name, ("#", "key", "stage", "阶段", probability, owners), rows)
