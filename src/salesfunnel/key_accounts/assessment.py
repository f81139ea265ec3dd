"""Evidence-based stage assessment for key accounts, and the next step to take.

:func:`assess` reads the observed signals about a relationship
(:mod:`salesfunnel.key_accounts.signals`) and returns the lifecycle stage the evidence
supports, with the signals for and against it and the ones still missing.
Signals are facts, as in the qualification rules: unknown is not false, and
an absent signal is *missing*, never a failure.

How the stage is found: the assessed stage is the highest stage whose
evidence rule (:class:`~salesfunnel.key_accounts.signals.KamRules`), and the rule of
every stage below it, is decided true on the signals; pre-KAM, which has no
rule, is the floor. If the uncoupling rule holds, the stage is uncoupling. So
an assessment never returns a stage whose required signals are known to be
false.

:func:`next_step` puts an assessment next to an account's recorded stage and
playbook records: the evidence still to show for the next stage, and the
work not yet done.

>>> a = assess({"trial_order": True, "coach_found": True, "visits_per_month": 2})
>>> a.stage, a.next
(<KamStage.EARLY: 'early'>, <KamStage.MID: 'mid'>)
>>> a.signals_missing[:2]
('proposal_given', 'contract_signed')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING

import attrs

from salesfunnel.i18n import Lang, Text, check_lang
from salesfunnel.key_accounts.lifecycle import KamStage
from salesfunnel.key_accounts.playbooks import PLAYBOOKS, Activity, Playbook, gaps
from salesfunnel.key_accounts.signals import DEFAULT_KAM_RULES, KamRules, check_signals
from salesfunnel.qualification import Criterion, FactValue, Finding, Not, Verdict, evaluate
from salesfunnel.tables import Table, Tabular

if TYPE_CHECKING:
    from salesfunnel.key_accounts.account import KeyAccount

__all__ = [
    "Assessment",
    "Fit",
    "NextStep",
    "assess",
    "next_step",
]


def _keys(criteria: tuple[Criterion, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for c in criteria for name in c.needs))


_MARK = {True: "✓", False: "✗", None: "?"}


@attrs.frozen
class Assessment(Tabular):
    """The lifecycle stage the evidence supports, and why.

    The *window* of evidence is the rules of every stage up to the one above
    the assessed stage (for uncoupling: its own rule): ``met``, ``failed``
    and ``missing`` list its criteria, each once, in ladder order.

    Attributes:
        stage: The stage the evidence supports.
        ceiling: The highest stage not ruled out: where the account could be
            once the missing signals are known (equal to ``stage`` when
            nothing in the way is missing).
        met: Criteria that hold: the signals for.
        failed: Criteria known not to hold: the signals against.
        missing: Criteria whose signals are unknown and still needed (one
            that is unknown under a part already decided, such as the other
            option of a satisfied "any of", is left out).
        beyond: Stages above ``stage`` whose own rule holds although a lower
            stage's does not: evidence to double-check.
        verdicts: Each stage's rule verdict, ``(stage, verdict)``, early to
            synergistic, then uncoupling.
    """

    stage: KamStage
    ceiling: KamStage
    met: tuple[Criterion, ...]
    failed: tuple[Criterion, ...]
    missing: tuple[Criterion, ...]
    beyond: tuple[KamStage, ...]
    verdicts: tuple[tuple[KamStage, Verdict], ...]

    @property
    def next(self) -> KamStage | None:
        """The stage above the assessed one (``None`` at the top or when uncoupling)."""
        return self.stage.next

    def verdict(self, stage: KamStage | str) -> Verdict | None:
        """Return the verdict of ``stage``'s rule (``None`` for pre-KAM)."""
        return dict(self.verdicts).get(KamStage.parse(stage))

    @property
    def signals_for(self) -> tuple[str, ...]:
        """The names of the signals behind :attr:`met`."""
        return _keys(self.met)

    @property
    def signals_against(self) -> tuple[str, ...]:
        """The names of the signals behind :attr:`failed`."""
        return _keys(self.failed)

    @property
    def signals_missing(self) -> tuple[str, ...]:
        """The names of the signals behind :attr:`missing`."""
        return _keys(self.missing)

    def table(self, lang: Lang = "en") -> Table:
        """Return :meth:`explain` as a table: its first line the title, one row per other line."""
        first, *rest = self.explain(lang).split("\n")
        return Table(first, ("",), [(line.strip(),) for line in rest])

    def explain(self, lang: Lang = "en") -> str:
        """Describe the assessment: the stage, each stage's verdict, and the signals.

        >>> print(assess({"exit_notice": True}).explain())
        Evidence supports: Uncoupling KAM
          ? Early KAM
          ? Mid KAM
          ? Partnership KAM
          ? Synergistic KAM
          ✓ Uncoupling KAM
        for: The account has given notice or is switching suppliers
        """
        lang = check_lang(lang)
        en = lang == "en"
        sep = ": " if en else "："
        lines = [("Evidence supports" if en else "证据支持") + sep + self.stage.label(lang)]
        if self.ceiling is not self.stage:
            lines[0] += (
                f" (up to {self.ceiling.label(lang)} once the missing signals are known)"
                if en
                else f"（补齐缺失信号后最高可能为{self.ceiling.label(lang)}）"
            )
        lines += [
            f"  {_MARK[v.finding.result]} {s.label(lang)}"
            for s, v in self.verdicts
            if s.on_ladder or v.passed
        ]
        for name, crits in (
            ("for" if en else "支持", self.met),
            ("against" if en else "反对", self.failed),
            ("missing" if en else "缺失", self.missing),
        ):
            if crits:
                lines.append(f"{name}{sep}{'; '.join(c.describe(lang) for c in crits)}")
        if self.beyond:
            names = ", ".join(s.label(lang) for s in self.beyond)
            lines.append(
                f"check: evidence of {names} although a lower stage's is not shown"
                if en
                else f"请核实：已有{names}的证据，但较低阶段的证据不足"
            )
        return "\n".join(lines)


def _merge(target: dict[Criterion, None], crits: Iterable[Criterion]) -> None:
    for c in crits:
        target.setdefault(c, None)


def _unsettled(finding: Finding) -> Iterator[Criterion]:
    """Yield, in rule order, the criteria of the parts not yet decided true.

    A criterion that is missing under a part that already holds (the second
    option of a satisfied "any of") is not needed, so it is not yielded.
    """
    if finding.result is True:
        return
    if isinstance(finding.rule, (Criterion, Not)):
        yield from finding.rule.criteria()
        return
    for part in finding.parts:
        yield from _unsettled(part)


def assess(
    signals: Mapping[str, FactValue] | None, *, rules: KamRules = DEFAULT_KAM_RULES
) -> Assessment:
    """Return the lifecycle stage the signals support, with the evidence.

    Args:
        signals: Observed signals by name (see :data:`SIGNALS`); an absent
            name or ``None`` is unknown.
        rules: The evidence rules (default: :data:`DEFAULT_KAM_RULES`).

    Returns:
        The :class:`Assessment`.

    Raises:
        UnknownSignalError: For names neither :data:`SIGNALS` nor ``rules``
            know (all listed at once).
        InvalidFactError: For a value of the wrong type.
        InvalidSignalError: For a number out of range.

    >>> a = assess(
    ...     {
    ...         "trial_order": True,
    ...         "coach_found": True,
    ...         "visits_per_month": 4,
    ...         "proposal_given": True,
    ...         "contract_signed": False,
    ...     }
    ... )
    >>> a.stage, a.signals_against, a.ceiling
    (<KamStage.EARLY: 'early'>, ('contract_signed',), <KamStage.EARLY: 'early'>)
    """
    facts = check_signals(signals, rules=rules)
    verdicts = tuple((s, evaluate(r, facts)) for s, r in rules.items())
    ladder = verdicts[:-1]
    stage = ceiling = KamStage.PRE_KAM
    for s, v in ladder:
        if v.finding.result is False:
            break
        ceiling = s
    for s, v in ladder:
        if not v.passed:
            break
        stage = s
    beyond = tuple(s for s, v in ladder if s.rank > stage.rank and v.passed)
    window = [v for s, v in ladder if s.rank <= stage.rank + 1]
    exit_verdict = verdicts[-1][1]
    if exit_verdict.passed:
        stage = ceiling = KamStage.UNCOUPLING
        beyond = ()
        window = [exit_verdict]
    met: dict[Criterion, None] = {}
    failed: dict[Criterion, None] = {}
    missing: dict[Criterion, None] = {}
    for v in window:
        _merge(met, v.met)
        _merge(failed, v.failed)
        _merge(missing, (c for c in _unsettled(v.finding) if c in v.missing))
    return Assessment(
        stage=stage,
        ceiling=ceiling,
        met=tuple(met),
        failed=tuple(c for c in failed if c not in met),
        missing=tuple(c for c in missing if c not in met and c not in failed),
        beyond=beyond,
        verdicts=verdicts,
    )


class Fit(enum.Enum):
    """How an account's recorded stage compares with the assessed one."""

    #: The evidence supports the recorded stage, and no higher one.
    MATCHES = "matches"
    #: The record is above what the evidence supports: show the missing evidence.
    AHEAD = "ahead"
    #: The evidence supports a higher stage: consider advancing the account.
    BEHIND = "behind"
    #: One of them is uncoupling and the other is not.
    DIVERGES = "diverges"

    def label(self, lang: Lang = "en") -> str:
        """Return a short description in ``lang``."""
        return _FIT_TEXT[self](lang)


_FIT_TEXT = {
    Fit.MATCHES: Text("matches the evidence", "与证据一致"),
    Fit.AHEAD: Text("ahead of the evidence", "记录超前于证据"),
    Fit.BEHIND: Text("behind the evidence", "记录滞后于证据"),
    Fit.DIVERGES: Text("diverges from the evidence", "与证据不符"),
}


def _fit(recorded: KamStage, assessed: KamStage) -> Fit:
    if recorded is assessed:
        return Fit.MATCHES
    if not recorded.on_ladder or not assessed.on_ladder:
        return Fit.DIVERGES
    return Fit.AHEAD if recorded.rank > assessed.rank else Fit.BEHIND


@attrs.frozen
class NextStep(Tabular):
    """What to do next with a key account: evidence to gather and work to do.

    Attributes:
        account_id: The account's id.
        stage: The recorded stage.
        assessment: The assessment of the account's signals.
        fit: How the recorded stage compares with the assessed one.
        target: The stage to work towards: the next one up from the recorded
            stage (``None`` at the top or after uncoupling).
        needs: The criteria of the evidence rules above the assessed stage,
            up to ``target``, still to show (failed, or missing where they
            matter), in rule order.
        gaps: The recorded stage's playbook activities with no record.
        ready: ``True`` when the evidence supports ``target`` already.
    """

    account_id: str
    stage: KamStage
    assessment: Assessment
    fit: Fit
    target: KamStage | None
    needs: tuple[Criterion, ...]
    gaps: tuple[Activity, ...]
    ready: bool

    def table(self, lang: Lang = "en") -> Table:
        """Return :meth:`explain` as a table: its first line the title, one row per other line."""
        first, *rest = self.explain(lang).split("\n")
        return Table(first, ("",), [(line.strip(),) for line in rest])

    def explain(self, lang: Lang = "en") -> str:
        """Describe the next step as a short plan in ``lang``."""
        lang = check_lang(lang)
        en = lang == "en"
        a = self.assessment
        lines = [
            f"{self.account_id}: "
            + (
                f"recorded {self.stage.label(lang)}, evidence supports "
                f"{a.stage.label(lang)} ({self.fit.label(lang)})"
                if en
                else f"记录为{self.stage.label(lang)}，证据支持{a.stage.label(lang)}"
                f"（{self.fit.label(lang)}）"
            )
        ]
        if self.target is not None:
            goal = self.target.label(lang)
            if self.ready:
                lines.append(f"ready to advance to {goal}" if en else f"证据已支持进入{goal}")
            else:
                lines.append(f"to reach {goal}, show:" if en else f"要进入{goal}，还需：")
                lines += [f"  - {c.describe(lang)}" for c in self.needs]
        if self.gaps:
            lines.append("playbook gaps:" if en else "工作重点中尚无记录的：")
            lines += [f"  - {g.label(lang)}" for g in self.gaps]
        return "\n".join(lines)


def next_step(
    account: KeyAccount,
    *,
    rules: KamRules = DEFAULT_KAM_RULES,
    playbooks: Mapping[KamStage, Playbook] = PLAYBOOKS,
    since: date | None = None,
) -> NextStep:
    """Plan the next step with ``account``: assess it, then list what is missing.

    Args:
        account: The key account (its signals and activity records are used).
        rules: The evidence rules.
        playbooks: The playbooks, for the gap list.
        since: Count only activity records on or after this date.

    Returns:
        The :class:`NextStep`.

    Raises:
        UnknownSignalError: For signal names the rules do not know.
    """
    a = assess(account.signals, rules=rules)
    target = account.stage.next
    needs: dict[Criterion, None] = {}
    ready = False
    if target is not None:
        low = a.stage.rank + 1 if a.stage.on_ladder else 1
        for s, verdict in a.verdicts:
            if low <= s.rank <= target.rank:
                _merge(needs, _unsettled(verdict.finding))
        ready = a.stage.on_ladder and a.stage.rank >= target.rank
    return NextStep(
        account_id=account.id,
        stage=account.stage,
        assessment=a,
        fit=_fit(account.stage, a.stage),
        target=target,
        needs=tuple(needs),
        gaps=gaps(account, since=since, playbooks=playbooks),
        ready=ready,
    )
