"""Forecast categories (按销售预测): how sure a deal is, for the cutoff's quarter.

A :class:`ForecastCategory` says how an opportunity counts in the forecast:
booked, commit this quarter, upside this quarter, upside next quarter,
pipeline, or omitted. :func:`forecast_category` places one opportunity: won
by the cutoff is booked, lost is omitted, a manual ``category_override``
wins over everything else for an open deal, and otherwise a
:class:`CategoryPolicy` maps the stage and the :class:`CloseWindow` of its
expected close (relative to the cutoff's fiscal quarter) to a category. The
policy is a value: replace it or add a rule in front with
:meth:`CategoryPolicy.with_rule`.

>>> from datetime import date
>>> from salesfunnel import Opportunity
>>> deal = Opportunity(
...     id="D1",
...     name="ERP rollout",
...     account="Acme",
...     owner="Li Wei",
...     stage="recognition",
...     created=date(2026, 1, 5),
...     expected_close=date(2026, 11, 15),
...     amount="100000",
...     currency="CNY",
... )
>>> forecast_category(deal, cutoff=date(2026, 8, 31))
<ForecastCategory.UPSIDE_NEXT_QUARTER: 'upside_next_quarter'>
>>> forecast_category(deal.evolve(category_override="commit"), cutoff=date(2026, 8, 31))
<ForecastCategory.COMMIT: 'commit'>
>>> ForecastCategory.COMMIT.label("zh"), ForecastCategory.COMMIT.crm_name
('本季度保证实现', 'Commit')

Without a policy, every function uses :func:`default_policy` of its funnel,
derived from the funnel's own stages by :meth:`CategoryPolicy.for_funnel`:
the last open stage closing this quarter is commit; it and every open stage
with a probability of 0.5 or more are upside (this quarter, or next quarter
when closing then); every open stage is pipeline otherwise, and so is a deal
whose stage no history recorded (:data:`~salesfunnel.funnel.records.UNRECORDED_STAGE`).
A user's own funnel forecasts without a hand-built policy:

>>> from salesfunnel import Funnel
>>> crm = Funnel.from_stage_names(
...     ["Prospecting", "Engaging", "Won", "Lost"], won="Won", lost="Lost", name="crm"
... )
>>> engaging = deal.evolve(stage="Engaging", history=None)
>>> forecast_category(engaging, cutoff=date(2026, 10, 31), funnel=crm)
<ForecastCategory.COMMIT: 'commit'>
>>> forecast_category(engaging, cutoff=date(2026, 8, 31), funnel=crm)
<ForecastCategory.UPSIDE_NEXT_QUARTER: 'upside_next_quarter'>
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from types import MappingProxyType

import attrs

from salesfunnel.calendar import GREGORIAN, FiscalCalendar, FiscalQuarter, check_date
from salesfunnel.errors import UnknownStageError
from salesfunnel.forecasting.buckets import CreatedAfterCutoffError
from salesfunnel.forecasting.kinds import CloseWindow, ForecastCategory, InvalidCategoryError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.history import at_cutoff
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import UNRECORDED_STAGE, StageKind
from salesfunnel.funnel.stages import Funnel
from salesfunnel.i18n import Lang, Text
from salesfunnel.money import to_probability

__all__ = [
    "DEFAULT_CATEGORY_POLICY",
    "CategoryPolicy",
    "CategoryRule",
    "PolicyStageError",
    "default_policy",
    "forecast_category",
    "manual_category",
]


class PolicyStageError(UnknownStageError):
    """A category policy with a rule for a stage its funnel does not have.

    Subclasses :class:`~salesfunnel.errors.UnknownStageError` (and so
    :class:`KeyError`): the stage is looked up in the funnel and is not
    there. The message names the policy and the funnel.

    Attributes:
        key: The stage the rule names.
        known: The funnel's stage keys, in order.
        policy: The policy's name.
        funnel: The funnel's name.
    """

    def __init__(self, key: object, known: Iterable[str], *, policy: str, funnel: str) -> None:
        super().__init__(key, known)
        self.policy = policy
        self.funnel = funnel

    def __str__(self) -> str:
        """Name the stage, the policy, the funnel and the fix."""
        return (
            f"category policy {self.policy!r} has a rule for stage {self.key!r}, which "
            f"funnel {self.funnel!r} does not have (it has: {', '.join(self.known)}); "
            "leave policy= out to use the funnel's own default_policy(), or build one "
            "with CategoryPolicy.for_funnel(funnel)"
        )


def _stage_set(value: Iterable[str] | str) -> frozenset[str]:
    return frozenset([value] if isinstance(value, str) else value)


def _window_set(value: Iterable[CloseWindow] | CloseWindow) -> frozenset[CloseWindow]:
    return frozenset([value] if isinstance(value, CloseWindow) else value)


@attrs.frozen
class CategoryRule:
    """One rule of a :class:`CategoryPolicy`: these stages, closing in these windows, go here.

    Attributes:
        stages: Open stage keys the rule applies to.
        windows: The close windows it applies to (default: all).
        category: The category it assigns (never :attr:`~ForecastCategory.BOOKED`,
            which only a won deal gets).

    Raises:
        InvalidCategoryError: For a rule that would book open deals.
    """

    stages: frozenset[str] = attrs.field(converter=_stage_set)
    category: ForecastCategory
    windows: frozenset[CloseWindow] = attrs.field(
        default=frozenset(CloseWindow), converter=_window_set
    )

    def __attrs_post_init__(self) -> None:
        """Refuse a rule that books an open deal."""
        if self.category is ForecastCategory.BOOKED:
            raise InvalidCategoryError(
                "a category rule cannot assign 'booked': only a won deal is booked; "
                "use commit for deals that are certain",
                value=self.category,
                opportunity_id=None,
            )


def _rules(value: Iterable[CategoryRule]) -> tuple[CategoryRule, ...]:
    return tuple(value)


def _upside_at(value: object) -> Decimal | None:
    return None if value is None else to_probability(value, field="upside_at")


#: The probability from which :meth:`CategoryPolicy.for_funnel` makes a stage upside.
UPSIDE_AT = Decimal("0.5")


@attrs.frozen
class CategoryPolicy:
    """How open opportunities map to forecast categories: a value you can replace.

    The rules are tried in order and the first whose stages and windows match
    decides; an open deal no rule matches gets ``otherwise``, or
    ``unrecorded`` when its stage was not recorded
    (:data:`~salesfunnel.funnel.records.UNRECORDED_STAGE`, a won or lost deal read
    without a history, before its close). Won and lost deals are not the
    policy's business: won by the cutoff is always booked, lost is always
    omitted. :meth:`explain` says all of this in words.

    Attributes:
        rules: The rules, in order.
        otherwise: The category of an open deal no rule matches.
        name: The policy's name, used in messages (``"custom"``; a derived
            policy is named after its funnel).
        unrecorded: The category of an open deal in
            :data:`~salesfunnel.funnel.records.UNRECORDED_STAGE` that no rule names
            (default: pipeline).
        upside_at: For a policy made by :meth:`for_funnel`, the probability
            from which a stage is upside; ``None`` for a hand-built policy.

    >>> strict = DEFAULT_CATEGORY_POLICY.with_rule(
    ...     CategoryRule("recognition", ForecastCategory.PIPELINE, CloseWindow.THIS_QUARTER)
    ... )
    >>> strict.category("recognition", CloseWindow.THIS_QUARTER)
    <ForecastCategory.PIPELINE: 'pipeline'>
    """

    rules: tuple[CategoryRule, ...] = attrs.field(converter=_rules)
    otherwise: ForecastCategory = ForecastCategory.OMITTED
    name: str = "custom"
    unrecorded: ForecastCategory = ForecastCategory.PIPELINE
    upside_at: Decimal | None = attrs.field(default=None, converter=_upside_at)
    _lookup: Mapping[tuple[str, CloseWindow], ForecastCategory] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        """Index the rules; refuse ``booked`` as the fallback."""
        for option, value in (("otherwise", self.otherwise), ("unrecorded", self.unrecorded)):
            if value is ForecastCategory.BOOKED:
                raise InvalidCategoryError(
                    f"category policy {self.name!r}: {option}=booked would book open "
                    "deals; only a won deal is booked",
                    value=value,
                    opportunity_id=None,
                )
        lookup: dict[tuple[str, CloseWindow], ForecastCategory] = {}
        for rule in self.rules:
            for stage in rule.stages:
                for window in rule.windows:
                    lookup.setdefault((stage, window), rule.category)
        object.__setattr__(self, "_lookup", MappingProxyType(lookup))

    @classmethod
    def for_funnel(
        cls,
        funnel: Funnel,
        *,
        upside_at: Decimal | str = UPSIDE_AT,
        pipeline_from: str | None = None,
        name: str | None = None,
    ) -> CategoryPolicy:
        """Derive a policy from ``funnel``'s own stages and probabilities.

        The rule, in order:

        1. the last open stage, closing this quarter: commit;
        2. every other open stage with a probability of ``upside_at`` (0.5)
           or more, closing this quarter: upside this quarter;
        3. those stages and the last open stage, closing next quarter:
           upside next quarter;
        4. every open stage (from ``pipeline_from`` on, when given), closing
           any time: pipeline;

        and omitted for an open stage before ``pipeline_from``. A deal whose
        stage was not recorded is pipeline (``unrecorded``).

        Args:
            funnel: The funnel.
            upside_at: The probability from which a stage is upside.
            pipeline_from: The first open stage that counts as pipeline
                (default: every open stage does).
            name: The policy's name (default: after the funnel).

        Returns:
            The policy.

        Raises:
            UnknownStageError: If ``pipeline_from`` is not a stage of ``funnel``.
            InvalidCategoryError: If ``pipeline_from`` is a won or lost stage.
            InvalidProbabilityError: For ``upside_at`` outside [0, 1].

        >>> from salesfunnel import Funnel
        >>> crm = Funnel.from_stage_names(
        ...     ["Prospecting", "Engaging", "Won", "Lost"], won="Won", lost="Lost", name="crm"
        ... )
        >>> policy = CategoryPolicy.for_funnel(crm)
        >>> print(policy.explain())
        Category policy 'derived from funnel crm', derived from the funnel's stages: the last open stage closing this quarter is commit; open stages with a probability of 0.5 or more closing this quarter are upside this quarter; those and the last open stage closing next quarter are upside next quarter; open stages are pipeline otherwise.
        Rules, tried in order (the first that matches decides):
          1. Engaging closing this quarter: Commit this quarter
          2. Engaging closing next quarter: Upside next quarter
          3. Engaging, Prospecting closing any time: Pipeline
        An open deal no rule matches: Omitted.
        An open deal whose stage was not recorded ((open)): Pipeline.
        A category_override on an open deal wins over the rules; won by the cutoff is Booked, lost is Omitted.
        """
        threshold = to_probability(upside_at, field="upside_at")
        open_keys = [s.key for s in funnel if s.kind is StageKind.OPEN]
        last = open_keys[-1]
        first = 0
        if pipeline_from is not None:
            if funnel[pipeline_from].kind is not StageKind.OPEN:
                raise InvalidCategoryError(
                    f"pipeline_from={pipeline_from!r} is a {funnel[pipeline_from].kind.value} "
                    f"stage of funnel {funnel.name!r}; give the first open stage that "
                    "counts as pipeline",
                    value=pipeline_from,
                    opportunity_id=None,
                )
            first = open_keys.index(pipeline_from)
        upside_now = [k for k in open_keys if k != last and funnel[k].probability >= threshold]
        rules = [CategoryRule(last, ForecastCategory.COMMIT, CloseWindow.THIS_QUARTER)]
        if upside_now:
            rules.append(
                CategoryRule(
                    upside_now, ForecastCategory.UPSIDE_THIS_QUARTER, CloseWindow.THIS_QUARTER
                )
            )
        rules += [
            CategoryRule(
                (*upside_now, last), ForecastCategory.UPSIDE_NEXT_QUARTER, CloseWindow.NEXT_QUARTER
            ),
            CategoryRule(open_keys[first:], ForecastCategory.PIPELINE, _ALL),
        ]
        return cls(
            rules,
            ForecastCategory.OMITTED,
            name=name if name is not None else f"derived from funnel {funnel.name}",
            upside_at=threshold,
        )

    def category(self, stage: str, window: CloseWindow) -> ForecastCategory:
        """Return the category of an open deal in ``stage`` closing in ``window``."""
        found = self._lookup.get((stage, window))
        if found is not None:
            return found
        return self.unrecorded if stage == UNRECORDED_STAGE else self.otherwise

    def with_rule(self, rule: CategoryRule) -> CategoryPolicy:
        """Return a copy with ``rule`` tried before every existing rule.

        The copy is a hand-built policy (``upside_at`` is ``None``).
        """
        return CategoryPolicy(
            (rule, *self.rules), self.otherwise, name=self.name, unrecorded=self.unrecorded
        )

    def explain(self, lang: Lang = "en") -> str:
        """Say in words how this policy places open deals: its rule, each rule, the fallbacks.

        See :meth:`for_funnel` for an example.
        """
        lines = [Text(f"Category policy {self.name!r}", f"预测类别规则“{self.name}”")(lang)]
        if self.upside_at is not None:
            at = str(self.upside_at)
            lines[0] += Text(
                ", derived from the funnel's stages: the last open stage closing this "
                "quarter is commit; open stages with a probability of "
                f"{at} or more closing this quarter are upside this quarter; those and "
                "the last open stage closing next quarter are upside next quarter; open "
                "stages are pipeline otherwise.",
                f"，由漏斗的阶段推出：最后一个进行中阶段、本季度成交的为本季度保证实现；概率不低于 {at} "
                "的进行中阶段、本季度成交的为本季度有希望实现；这些阶段及最后一个进行中阶段、"
                "下季度成交的为下季度有希望实现；其余进行中阶段为有意向的。",
            )(lang)
        else:
            lines[0] += Text(".", "。")(lang)
        lines.append(
            Text(
                "Rules, tried in order (the first that matches decides):",
                "规则按顺序尝试（第一条匹配的规则决定）：",
            )(lang)
        )
        for i, rule in enumerate(self.rules, 1):
            when = (
                Text("any time", "任何时间")(lang)
                if rule.windows == _ALL
                else Text(" or ", "或")(lang).join(
                    w.label(lang) for w in CloseWindow if w in rule.windows
                )
            )
            stages = ", ".join(sorted(rule.stages))
            lines.append(
                Text(
                    f"  {i}. {stages} closing {when}: {rule.category.label('en')}",
                    f"  {i}. {stages}，{when}成交：{rule.category.label('zh')}",
                )(lang)
            )
        lines += [
            Text(
                f"An open deal no rule matches: {self.otherwise.label('en')}.",
                f"没有规则匹配的进行中商机：{self.otherwise.label('zh')}。",
            )(lang),
            Text(
                f"An open deal whose stage was not recorded ({UNRECORDED_STAGE}): "
                f"{self.unrecorded.label('en')}.",
                f"阶段未记录的进行中商机（{UNRECORDED_STAGE}）：{self.unrecorded.label('zh')}。",
            )(lang),
            Text(
                "A category_override on an open deal wins over the rules; won by the "
                "cutoff is Booked, lost is Omitted.",
                "进行中商机的手工类别优先于规则；截止日前成交的为已落单，丢单的不计入。",
            )(lang),
        ]
        return "\n".join(lines)

    def check(self, funnel: Funnel) -> CategoryPolicy:
        """Return this policy if every stage its rules name is an open stage of ``funnel``.

        Raises:
            PolicyStageError: For a stage ``funnel`` does not have (an
                :class:`~salesfunnel.errors.UnknownStageError`); the message
                names the policy and the funnel.
            InvalidCategoryError: For a rule naming a won or lost stage.
        """
        for rule in self.rules:
            for key in sorted(rule.stages):
                if key not in funnel and key != UNRECORDED_STAGE:
                    raise PolicyStageError(key, funnel.keys(), policy=self.name, funnel=funnel.name)
                if funnel[key].kind is not StageKind.OPEN:
                    raise InvalidCategoryError(
                        f"category policy {self.name!r}: the rule for {key!r} names a "
                        f"{funnel[key].kind.value} stage of funnel {funnel.name!r}; rules "
                        "place open deals only (won is booked, lost omitted)",
                        value=key,
                        opportunity_id=None,
                    )
        return self


_ALL = frozenset(CloseWindow)

#: The source's categories for :data:`~salesfunnel.funnel.stages.DEFAULT_FUNNEL`:
#: :meth:`CategoryPolicy.for_funnel` with pipeline from ``intent`` (the
#: source's pipeline is "has intent", 有意向的). Negotiation closing this
#: quarter is commit, recognition closing this quarter is upside this
#: quarter, either closing next quarter is upside next quarter, intent and
#: later otherwise pipeline, the target group and potential omitted.
DEFAULT_CATEGORY_POLICY = CategoryPolicy.for_funnel(
    DEFAULT_FUNNEL, pipeline_from="intent", name="default"
)


def default_policy(funnel: Funnel) -> CategoryPolicy:
    """Return the category policy used for ``funnel`` when none is given.

    :data:`DEFAULT_CATEGORY_POLICY` for
    :data:`~salesfunnel.funnel.stages.DEFAULT_FUNNEL` (the source's categories,
    where pipeline starts at ``intent``), and
    :meth:`CategoryPolicy.for_funnel` for any other funnel (every open stage
    is pipeline at least).

    >>> default_policy(DEFAULT_FUNNEL) is DEFAULT_CATEGORY_POLICY
    True
    """
    if funnel is DEFAULT_FUNNEL or funnel == DEFAULT_FUNNEL:
        return DEFAULT_CATEGORY_POLICY
    return CategoryPolicy.for_funnel(funnel)


def manual_category(opp: Opportunity, window: CloseWindow) -> ForecastCategory:
    """Return the manual category of an open deal from its ``category_override``.

    The override may be a category value (``"commit"``), a member name or a
    CRM name (``"Best Case"`` is upside next quarter when ``window`` is the
    next quarter, upside this quarter otherwise).

    Raises:
        InvalidCategoryError: For an override that names no category, or
            ``booked`` (only a won deal is booked).
    """
    value = opp.category_override or ""
    try:
        category = ForecastCategory.parse(value, next_quarter=window is CloseWindow.NEXT_QUARTER)
    except InvalidCategoryError as err:
        raise InvalidCategoryError(
            f"opportunity {opp.id!r}: category_override {err}",
            value=value,
            opportunity_id=opp.id,
        ) from None
    if category is ForecastCategory.BOOKED:
        raise InvalidCategoryError(
            f"opportunity {opp.id!r}: category_override {value!r} books a deal that is "
            "not won; win it with Funnel.win, or use 'commit'",
            value=value,
            opportunity_id=opp.id,
        )
    return category


def _category(
    opp: Opportunity, kind: StageKind, quarter: FiscalQuarter, policy: CategoryPolicy
) -> ForecastCategory:
    if kind is StageKind.WON:
        return ForecastCategory.BOOKED
    if kind is StageKind.LOST:
        return ForecastCategory.OMITTED
    window = CloseWindow.of(opp.expected_close, quarter)
    if opp.category_override is not None:
        return manual_category(opp, window)
    return policy.category(opp.stage, window)


def forecast_category(
    opportunity: Opportunity,
    *,
    cutoff: date,
    calendar: FiscalCalendar = GREGORIAN,
    policy: CategoryPolicy | None = None,
    funnel: Funnel = DEFAULT_FUNNEL,
) -> ForecastCategory:
    """Place ``opportunity`` in its :class:`ForecastCategory` at ``cutoff``.

    The opportunity is taken as it stood at the end of the cutoff day. Won by
    then is booked and lost is omitted; an open deal with a
    ``category_override`` gets that category (a manual call wins, as in the
    big CRMs); otherwise ``policy`` decides from its stage and where its
    expected close falls relative to the fiscal quarter of the cutoff
    (:class:`CloseWindow`).

    Args:
        opportunity: The opportunity.
        cutoff: The reporting cutoff date.
        calendar: The fiscal calendar that defines "this quarter".
        policy: The category policy (default: :func:`default_policy` of
            ``funnel``, derived from its stages).
        funnel: The funnel that says which stages are won and lost.

    Returns:
        The category.

    Raises:
        InvalidDateError: If ``cutoff`` is a datetime or not a date.
        CreatedAfterCutoffError: If the opportunity was created after the cutoff.
        InvalidCategoryError: For an override that names no category, or
            books an open deal.
        UnknownStageError: If its stage is not in ``funnel``.
    """
    cutoff = check_date(cutoff, field="cutoff")
    then = at_cutoff(opportunity, cutoff, funnel=funnel)
    if then is None:
        raise CreatedAfterCutoffError(opportunity, cutoff)
    rules = default_policy(funnel) if policy is None else policy
    return _category(then, funnel[then.stage].kind, calendar.quarter_of(cutoff), rules)
