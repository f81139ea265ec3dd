"""The customer's side: the five buying steps and the screening platforms.

**Buying process** (客户的购买行为漏斗, ``domain.md`` §4): need arises →
information gathering → evaluation of options → purchase decision →
post-purchase reaction. :data:`DEFAULT_BUYING_MAP` says which step the
customer is in while a deal sits in each stage of the default funnel:

=================  ======================  ==========================================
stage              buying step             why
=================  ======================  ==========================================
target_segment     need arises             the group whose needs our offer fits
potential          need arises             a real need found ("degree of need")
intent             information gathering   talking to suppliers and consultants
project            evaluation              project, budget, vendors being compared
recognition        evaluation              choosing among candidates; quote in
negotiation        purchase decision       sole or shortlisted; contract talks
closed (won)       post-purchase reaction  signed, paid, shipped
lost               (none)                  the customer left our process
=================  ======================  ==========================================

**Screening** (筛选过程, §5): potential market → market platform (first contact
made) → the **wall** (:data:`~salesfunnel.WALL_RULE`) → sales platform
(negotiating or actively developed, not bought yet) → purchase platform (new
and existing customers) → key customers. :func:`screen_accounts` places each
account on the highest platform its evidence supports, and says why.

>>> step = buying_step("recognition")
>>> step.label(), step.label("zh")
('Evaluation of options', '评估选择')
>>> stages_for(BuyingStep.NEED)
('target_segment', 'potential')
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date
from types import MappingProxyType

import attrs

from salesfunnel.customers._invariants import check_account_evidence, check_screening_report
from salesfunnel.customers.platforms import Platform, PurchaseKind
from salesfunnel.errors import FunnelError, InvalidResultError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.gates import WALL_RULE
from salesfunnel.funnel.history import reached_stages, snapshot
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.i18n import Lang, Text, check_lang
from salesfunnel.qualification import Facts, FactValue, Rule, Verdict, evaluate
from salesfunnel.tables import Table, Tabular

__all__ = [
    "DEFAULT_BUYING_MAP",
    "AccountEvidence",
    "BuyingMap",
    "BuyingStep",
    "InvalidBuyingMapError",
    "Platform",
    "PurchaseKind",
    "Screening",
    "ScreeningReport",
    "account_evidence",
    "buying_funnel",
    "buying_step",
    "screen_account",
    "screen_accounts",
    "stages_for",
]


class InvalidBuyingMapError(FunnelError, ValueError):
    """A stage-to-buying-step map that does not fit its funnel.

    Subclasses :class:`ValueError`: the map is a mapping, but its values
    contradict the funnel (a stage left out, an unknown stage, or the steps
    running backwards along the ladder).

    Attributes:
        stages: The stage keys at fault.
    """

    def __init__(self, message: str, *, stages: Iterable[str]) -> None:
        super().__init__(message)
        self.stages = tuple(stages)


class BuyingStep(enum.Enum):
    """The customer's five buying steps, in order."""

    #: 产生需求: the customer becomes aware of a need.
    NEED = "need"
    #: 收集信息: it looks for information, suppliers and advice.
    INFORMATION = "information"
    #: 评估选择: it evaluates the options.
    EVALUATION = "evaluation"
    #: 购买决定: it decides what to buy and from whom.
    DECISION = "decision"
    #: 购后反应: it uses what it bought and reacts (satisfied, repeat, complain).
    POST_PURCHASE = "post_purchase"

    def label(self, lang: Lang = "en") -> str:
        """The step's name in ``lang``."""
        return _STEP_TEXT[self](lang)

    @property
    def number(self) -> int:
        """The step's position, 1 to 5."""
        return _STEPS.index(self) + 1


_STEP_TEXT = {
    BuyingStep.NEED: Text("Need arises", "产生需求"),
    BuyingStep.INFORMATION: Text("Information gathering", "收集信息"),
    BuyingStep.EVALUATION: Text("Evaluation of options", "评估选择"),
    BuyingStep.DECISION: Text("Purchase decision", "购买决定"),
    BuyingStep.POST_PURCHASE: Text("Post-purchase reaction", "购后反应"),
}
_STEPS = tuple(BuyingStep)


def _steps(value: Mapping[str, BuyingStep]) -> Mapping[str, BuyingStep]:
    return MappingProxyType({k: BuyingStep(v) for k, v in dict(value).items()})


@attrs.frozen
class BuyingMap:
    """Which buying step each funnel stage corresponds to, checked against the funnel.

    Every ladder stage must be mapped and the steps may not run backwards
    along the ladder; the lost outcome may be left out (a lost deal has left
    the customer's process with us).

    Attributes:
        funnel: The funnel the map is for.
        steps: Stage key to buying step.

    Raises:
        InvalidBuyingMapError: For an unmapped or unknown stage, or steps out
            of order.
    """

    funnel: Funnel
    steps: Mapping[str, BuyingStep] = attrs.field(converter=_steps)

    def __attrs_post_init__(self) -> None:
        """Check the map against the funnel."""
        ladder = tuple(s.key for s in self.funnel.stages)
        allowed = {*ladder, self.funnel.lost.key}
        unknown = [k for k in self.steps if k not in allowed]
        if unknown:
            raise InvalidBuyingMapError(
                f"stages {', '.join(unknown)} are not in funnel {self.funnel.name!r}; "
                f"its stages are {', '.join(ladder)}",
                stages=unknown,
            )
        unmapped = [k for k in ladder if k not in self.steps]
        if unmapped:
            raise InvalidBuyingMapError(
                f"map every stage of the ladder to a buying step; missing: {', '.join(unmapped)}",
                stages=unmapped,
            )
        numbers = [self.steps[k].number for k in ladder]
        for (a, na), (b, nb) in zip(
            zip(ladder, numbers, strict=True),
            zip(ladder[1:], numbers[1:], strict=True),
            strict=False,
        ):
            if nb < na:
                raise InvalidBuyingMapError(
                    f"buying steps run backwards: {a!r} is {self.steps[a].value!r} but the "
                    f"later stage {b!r} is {self.steps[b].value!r}; later stages map to the "
                    "same or a later step",
                    stages=(a, b),
                )

    def step(self, stage: str) -> BuyingStep | None:
        """The buying step of ``stage`` (``None`` for an unmapped lost outcome).

        Raises:
            UnknownStageError: For a stage the funnel does not have.
        """
        self.funnel[stage]  # raises UnknownStageError for an unknown key
        return self.steps.get(stage)

    def stages(self, step: BuyingStep) -> tuple[str, ...]:
        """The stages that map to ``step``, in ladder order."""
        return tuple(s.key for s in self.funnel.stages if self.steps[s.key] is step)

    def table(self, lang: Lang = "en") -> Table:
        """The map as a table: step, its stages and their labels."""
        zh = check_lang(lang) == "zh"
        rows = [
            (
                s.number,
                s.label(lang),
                ", ".join(self.funnel[k].label(lang) for k in self.stages(s)),
            )
            for s in BuyingStep
        ]
        headers = ("#", "购买步骤" if zh else "buying step", "漏斗阶段" if zh else "funnel stages")
        title = "客户购买行为与销售漏斗" if zh else "The customer's buying steps and the funnel"
        return Table(title, headers, rows)


#: The default map for :data:`~salesfunnel.DEFAULT_FUNNEL` (see the module table).
DEFAULT_BUYING_MAP = BuyingMap(
    DEFAULT_FUNNEL,
    {
        "target_segment": BuyingStep.NEED,
        "potential": BuyingStep.NEED,
        "intent": BuyingStep.INFORMATION,
        "project": BuyingStep.EVALUATION,
        "recognition": BuyingStep.EVALUATION,
        "negotiation": BuyingStep.DECISION,
        "closed": BuyingStep.POST_PURCHASE,
    },
)


def buying_step(
    stage: str | Opportunity, *, mapping: BuyingMap = DEFAULT_BUYING_MAP
) -> BuyingStep | None:
    """The customer's buying step for a stage key or an opportunity's current stage.

    Returns ``None`` for a lost deal.

    Raises:
        UnknownStageError: For a stage the map's funnel does not have.
    """
    return mapping.step(stage.stage if isinstance(stage, Opportunity) else stage)


def stages_for(step: BuyingStep, *, mapping: BuyingMap = DEFAULT_BUYING_MAP) -> tuple[str, ...]:
    """The funnel stages in which the customer is at ``step``."""
    return mapping.stages(step)


def buying_funnel(
    opportunities: Iterable[Opportunity],
    *,
    on: date | None = None,
    mapping: BuyingMap = DEFAULT_BUYING_MAP,
) -> tuple[tuple[BuyingStep | None, int], ...]:
    """How many deals are at each buying step (``None``: lost).

    Args:
        opportunities: The deals.
        on: Count the stages as they stood at the end of this date (deals not
            yet created are left out); ``None`` uses their current stage.
        mapping: The stage map.

    Returns:
        ``(step, count)`` for the five steps in order, then ``(None, lost)``.
    """
    counts: dict[BuyingStep | None, int] = dict.fromkeys([*BuyingStep, None], 0)
    for opp in opportunities:
        deal = opp if on is None else snapshot(opp, on, funnel=mapping.funnel)
        if deal is not None:
            counts[mapping.step(deal.stage)] += 1
    return tuple(counts.items())


#: The platforms of accounts that buy, where a purchase kind is told.
_BOUGHT = (Platform.PURCHASE_PLATFORM, Platform.KEY_CUSTOMERS)


def _facts(value: Mapping[str, FactValue] | None) -> Facts:
    return value if isinstance(value, Facts) else Facts(value or {})


@attrs.frozen
class AccountEvidence:
    """What is known about one account, for screening.

    Attributes:
        account: The account.
        facts: Facts the wall reads (``fits_target_profile``, ``real_need``,
            ``first_contact_made``, ``sound_finances``) and any others.
        purchases: How many deals it has bought (won).
        open_deals: How many deals with it are open.
        in_negotiation: Whether an open deal is at the purchase-decision step.
        key_account: Whether it is designated a key account (e.g. class A).
    """

    account: str
    facts: Facts = attrs.field(factory=Facts.of, converter=_facts)
    purchases: int = 0
    open_deals: int = 0
    in_negotiation: bool = False
    key_account: bool = False

    __attrs_post_init__ = check_account_evidence


@attrs.frozen
class Screening:
    """Where one account stands in the screening, and why.

    Attributes:
        account: The account.
        platform: The highest platform its evidence supports.
        wall: The wall rule's verdict on its facts.
        purchase_kind: New or existing, on the purchase and key platforms.
        notes: Things to check (evidence that does not fit together).
    """

    account: str
    platform: Platform
    wall: Verdict
    purchase_kind: PurchaseKind | None
    notes: tuple[Text, ...] = ()

    def __attrs_post_init__(self) -> None:
        """Refuse a platform the wall's verdict does not allow, and a stray purchase kind.

        Raises:
            InvalidResultError: Naming the field at fault.
        """
        if (self.purchase_kind is not None) != (self.platform in _BOUGHT):
            raise InvalidResultError(
                "Screening",
                "purchase_kind",
                "is given only for accounts on the purchase and key-customer platforms",
                "set it to null, or correct the platform",
            )
        if self.platform is Platform.SALES_PLATFORM and not self.wall.passed:
            raise InvalidResultError(
                "Screening", "platform", "is the sales platform, but the wall did not pass"
            )
        if self.platform.level < Platform.SALES_PLATFORM.level and self.wall.passed:
            raise InvalidResultError(
                "Screening",
                "platform",
                "is below the sales platform, but the wall passed",
                "an account that passes the wall is on the sales platform or higher",
            )

    def explain(self, lang: Lang = "en") -> str:
        """Say why the account is on its platform."""
        lang = check_lang(lang)
        head = f"{self.account}: {self.platform.label(lang)}"
        if self.purchase_kind is not None:
            head += f" ({self.purchase_kind.label(lang)})"
        lines = [head, *("  " + line for line in self.wall.explain(lang).splitlines())]
        lines.extend(f"  ! {note(lang)}" for note in self.notes)
        return "\n".join(lines)


def screen_account(evidence: AccountEvidence, *, wall: Rule = WALL_RULE) -> Screening:
    """Place one account on its screening platform.

    Rules, highest first: an account that has bought is on the purchase
    platform (new after one purchase, existing after more), or on the
    key-customer platform when designated a key account; one that passes the
    wall is on the sales platform; one with a known first contact is on the
    market platform; anything else is the potential market. An unknown fact
    is never taken as true: an account stays on the lowest platform its
    evidence supports, and the wall's verdict lists what is missing.

    >>> ev = AccountEvidence("Orion", {"first_contact_made": True, "real_need": True})
    >>> result = screen_account(ev)
    >>> result.platform.label()
    'Market platform (potential customers)'
    >>> [c.key for c in result.wall.missing]
    ['fits_target_profile', 'sound_finances']
    """
    verdict = evaluate(wall, evidence.facts)
    notes: list[Text] = []
    kind: PurchaseKind | None = None
    if evidence.purchases > 0:
        kind = PurchaseKind.NEW if evidence.purchases == 1 else PurchaseKind.EXISTING
        platform = Platform.KEY_CUSTOMERS if evidence.key_account else Platform.PURCHASE_PLATFORM
    elif verdict.passed:
        platform = Platform.SALES_PLATFORM
    elif evidence.facts.get("first_contact_made") is True:
        platform = Platform.MARKET_PLATFORM
    else:
        platform = Platform.POTENTIAL_MARKET
    if evidence.key_account and not evidence.purchases:
        notes.append(
            Text(
                "designated a key account but has not bought yet; screened by its evidence",
                "被指定为重要客户，但尚未购买；按现有证据筛选",
            )
        )
    if (evidence.open_deals or evidence.in_negotiation) and platform.level < 2:  # noqa: PLR2004
        notes.append(
            Text(
                "deals are being worked but the account has not passed the wall; check the "
                "failed and missing criteria",
                "正在跟进商机，但该客户尚未通过围墙准则；请核对未满足和缺少的条件",
            )
        )
    return Screening(evidence.account, platform, verdict, kind, tuple(notes))


def account_evidence(
    opportunities: Iterable[Opportunity],
    *,
    as_of: date,
    key_accounts: Collection[str] = (),
    facts: Mapping[str, Mapping[str, FactValue]] | None = None,
    mapping: BuyingMap = DEFAULT_BUYING_MAP,
) -> dict[str, AccountEvidence]:
    """Gather each account's evidence from its deals as they stood on ``as_of``.

    * purchases: deals won by ``as_of``; open deals: deals still open;
    * in negotiation: an open deal at the purchase-decision step;
    * facts: the deals' facts merged (later-created deals win), then
      ``facts[account]`` on top;
    * ``first_contact_made``: when not given, true if a deal of the account
      ever reached the information-gathering step (confirmed intent: the
      customer is interested and talking to suppliers, so contact exists).
      Otherwise it stays unknown.

    Args:
        opportunities: The deals.
        as_of: The date the evidence is for (deals created later are left out).
        key_accounts: Accounts designated key accounts.
        facts: Extra facts per account (they override the deals' facts).
        mapping: The stage map (gives the funnel).

    Returns:
        Account name to :class:`AccountEvidence`, accounts sorted by name.
    """
    funnel = mapping.funnel
    per: dict[str, list[Opportunity]] = {}
    for opp in opportunities:
        deal = snapshot(opp, as_of, funnel=funnel)
        if deal is not None:
            per.setdefault(deal.account, []).append(deal)
    extra = facts or {}
    out: dict[str, AccountEvidence] = {}
    for account in sorted({*per, *extra}):
        deals = sorted(per.get(account, ()), key=lambda d: (d.created, d.id))
        merged: dict[str, FactValue] = {}
        for d in deals:
            merged.update(d.facts)
        kinds = [funnel.kind_of(d) for d in deals]
        reached = {s for d in deals for s in reached_stages(d, funnel)}
        contact = any(
            (step := mapping.steps.get(s)) is not None and step.number >= 2  # noqa: PLR2004
            for s in reached
        )
        if contact and merged.get("first_contact_made") is None:
            merged["first_contact_made"] = True
        merged.update(extra.get(account, {}))
        out[account] = AccountEvidence(
            account,
            Facts(merged),
            purchases=kinds.count(StageKind.WON),
            open_deals=kinds.count(StageKind.OPEN),
            in_negotiation=any(
                k is StageKind.OPEN and mapping.steps.get(d.stage) is BuyingStep.DECISION
                for d, k in zip(deals, kinds, strict=True)
            ),
            key_account=account in key_accounts,
        )
    return out


@attrs.frozen
class ScreeningReport(Tabular):
    """Every account's screening, highest platform first.

    Attributes:
        accounts: The screenings, by platform (highest first) then account.
    """

    accounts: tuple[Screening, ...]

    __attrs_post_init__ = check_screening_report

    def __iter__(self) -> Iterator[Screening]:
        """Yield the screenings."""
        return iter(self.accounts)

    def __len__(self) -> int:
        """Return the number of accounts."""
        return len(self.accounts)

    def __getitem__(self, account: str) -> Screening:
        """Return one account's screening.

        Raises:
            KeyError: For an account that was not screened.
        """
        for s in self.accounts:
            if s.account == account:
                return s
        raise KeyError(account)

    def on(self, platform: Platform) -> tuple[str, ...]:
        """The accounts on ``platform``."""
        return tuple(s.account for s in self.accounts if s.platform is platform)

    def count_by_platform(self) -> tuple[tuple[Platform, int], ...]:
        """How many accounts are on each platform, lowest first (the funnel's shape)."""
        return tuple((p, len(self.on(p))) for p in Platform)

    def table(self, lang: Lang = "en") -> Table:
        """The platforms with their account counts, lowest first."""
        zh = check_lang(lang) == "zh"
        rows = [(p.level, p.label(lang), n) for p, n in self.count_by_platform()]
        headers = ("#", "平台" if zh else "platform", "客户数" if zh else "accounts")
        title = "客户筛选平台" if zh else "Screening platforms"
        return Table(title, headers, rows)

    def account_table(self, lang: Lang = "en") -> Table:
        """Each account with its platform, wall outcome and notes."""
        zh = check_lang(lang) == "zh"
        rows = [
            (
                s.account,
                s.platform.label(lang),
                s.purchase_kind.label(lang) if s.purchase_kind else "",
                s.wall.outcome.value,
                "; ".join(n(lang) for n in s.notes),
            )
            for s in self.accounts
        ]
        headers = (
            ("客户", "平台", "类型", "围墙准则", "备注")
            if zh
            else ("account", "platform", "kind", "wall", "notes")
        )
        return Table("客户筛选" if zh else "Account screening", headers, rows)


def screen_accounts(
    evidence: Mapping[str, AccountEvidence] | Sequence[AccountEvidence],
    *,
    wall: Rule = WALL_RULE,
) -> ScreeningReport:
    """Screen many accounts (see :func:`screen_account` and :func:`account_evidence`).

    >>> from datetime import date
    >>> from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
    >>> evidence = account_evidence(sample_pipeline(), as_of=SAMPLE_AS_OF)
    >>> report = screen_accounts(evidence)
    >>> sum(n for _, n in report.count_by_platform()) == len(evidence)
    True
    """
    items = evidence.values() if isinstance(evidence, Mapping) else evidence
    screened = [screen_account(e, wall=wall) for e in items]
    screened.sort(key=lambda s: (-s.platform.level, s.account))
    return ScreeningReport(tuple(screened))
