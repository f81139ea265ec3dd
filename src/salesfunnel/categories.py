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
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType

import attrs

from salesfunnel.errors import FunnelError
from salesfunnel.i18n import Lang, Text
from salesfunnel.model import Opportunity, StageKind, check_date
from salesfunnel.periods import (
    GREGORIAN,
    CreatedAfterCutoffError,
    FiscalCalendar,
    FiscalQuarter,
    at_cutoff,
)
from salesfunnel.stages import DEFAULT_FUNNEL, Funnel

__all__ = [
    "DEFAULT_CATEGORY_POLICY",
    "CategoryPolicy",
    "CategoryRule",
    "CloseWindow",
    "ForecastCategory",
    "InvalidCategoryError",
    "forecast_category",
    "manual_category",
]


class InvalidCategoryError(FunnelError, ValueError):
    """A forecast category that cannot be used where it was given.

    An override that names no category, ``booked`` for a deal that is not won,
    or a policy rule that would book an open deal. Subclasses
    :class:`ValueError`: the value is a string or category, just not one that
    fits.

    Attributes:
        value: The value that was rejected.
        opportunity_id: The opportunity it was given for, or ``None`` (a policy).
    """

    def __init__(self, message: str, *, value: object, opportunity_id: str | None) -> None:
        super().__init__(message)
        self.value = value
        self.opportunity_id = opportunity_id


class ForecastCategory(enum.Enum):
    """How sure an opportunity is, for the cutoff's quarter (按销售预测).

    Each member has an English and a Chinese label (:meth:`label`) and the
    equivalent Salesforce / HubSpot forecast category (:attr:`crm_name`).
    """

    #: Won on or before the cutoff (已落单). CRM: Closed.
    BOOKED = "booked"
    #: Guaranteed this quarter (本季度保证实现). CRM: Commit.
    COMMIT = "commit"
    #: Has a good chance this quarter (本季度有希望实现). CRM: Best Case.
    UPSIDE_THIS_QUARTER = "upside_this_quarter"
    #: Has a good chance next quarter (下季度有希望实现). CRM: Best Case.
    UPSIDE_NEXT_QUARTER = "upside_next_quarter"
    #: Has intent, no date to count on yet (有意向的). CRM: Pipeline.
    PIPELINE = "pipeline"
    #: Lost, or not yet an opportunity; left out of the forecast. CRM: Omitted.
    OMITTED = "omitted"

    @property
    def text(self) -> Text:
        """The category's name in English and Chinese."""
        return _CATEGORY_TEXT[self]

    def label(self, lang: Lang = "en") -> str:
        """Return the category's name in ``lang``."""
        return _CATEGORY_TEXT[self](lang)

    @property
    def crm_name(self) -> str:
        """The Salesforce / HubSpot forecast category name."""
        return _CRM_NAME[self]

    @classmethod
    def parse(cls, value: str, *, next_quarter: bool = False) -> ForecastCategory:
        """Return the category ``value`` names: a value, a member name or a CRM name.

        The CRM name ``"Best Case"`` means upside this quarter, or upside next
        quarter when ``next_quarter`` is true.

        Raises:
            InvalidCategoryError: For a string that names no category.

        >>> ForecastCategory.parse("Best Case", next_quarter=True)
        <ForecastCategory.UPSIDE_NEXT_QUARTER: 'upside_next_quarter'>
        """
        key = (
            value.strip().lower().replace(" ", "_").replace("-", "_")
            if isinstance(value, str)
            else ""
        )
        if key == "best_case":
            return cls.UPSIDE_NEXT_QUARTER if next_quarter else cls.UPSIDE_THIS_QUARTER
        if key == "closed":
            return cls.BOOKED
        try:
            return cls(key)
        except ValueError:
            known = ", ".join(c.value for c in cls)
            raise InvalidCategoryError(
                f"{value!r} is not a forecast category; use one of {known} "
                "(or a CRM name: Closed, Commit, Best Case, Pipeline, Omitted)",
                value=value,
                opportunity_id=None,
            ) from None


_CATEGORY_TEXT = {
    ForecastCategory.BOOKED: Text("Booked", "已落单"),
    ForecastCategory.COMMIT: Text("Commit this quarter", "本季度保证实现"),
    ForecastCategory.UPSIDE_THIS_QUARTER: Text("Upside this quarter", "本季度有希望实现"),
    ForecastCategory.UPSIDE_NEXT_QUARTER: Text("Upside next quarter", "下季度有希望实现"),
    ForecastCategory.PIPELINE: Text("Pipeline", "有意向的"),
    ForecastCategory.OMITTED: Text("Omitted", "不计入"),
}

_CRM_NAME = {
    ForecastCategory.BOOKED: "Closed",
    ForecastCategory.COMMIT: "Commit",
    ForecastCategory.UPSIDE_THIS_QUARTER: "Best Case",
    ForecastCategory.UPSIDE_NEXT_QUARTER: "Best Case",
    ForecastCategory.PIPELINE: "Pipeline",
    ForecastCategory.OMITTED: "Omitted",
}


class CloseWindow(enum.Enum):
    """Where an expected close date falls relative to the cutoff's fiscal quarter."""

    #: Before the quarter the cutoff is in (overdue since an earlier quarter).
    EARLIER = "earlier"
    #: In the cutoff's quarter (also when on or before the cutoff).
    THIS_QUARTER = "this_quarter"
    #: In the quarter after the cutoff's.
    NEXT_QUARTER = "next_quarter"
    #: After the next quarter.
    LATER = "later"

    @classmethod
    def of(cls, expected_close: date, quarter: FiscalQuarter) -> CloseWindow:
        """Return the window ``expected_close`` falls in, for the cutoff's ``quarter``."""
        if expected_close < quarter.start:
            return cls.EARLIER
        if expected_close <= quarter.end:
            return cls.THIS_QUARTER
        if expected_close <= quarter.next().end:
            return cls.NEXT_QUARTER
        return cls.LATER


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


@attrs.frozen
class CategoryPolicy:
    """How open opportunities map to forecast categories: a value you can replace.

    The rules are tried in order and the first whose stages and windows match
    decides; an open deal no rule matches gets ``otherwise``. Won and lost
    deals are not the policy's business: won by the cutoff is always booked,
    lost is always omitted.

    Attributes:
        rules: The rules, in order.
        otherwise: The category of an open deal no rule matches.

    >>> strict = DEFAULT_CATEGORY_POLICY.with_rule(
    ...     CategoryRule("recognition", ForecastCategory.PIPELINE, CloseWindow.THIS_QUARTER)
    ... )
    >>> strict.category("recognition", CloseWindow.THIS_QUARTER)
    <ForecastCategory.PIPELINE: 'pipeline'>
    """

    rules: tuple[CategoryRule, ...] = attrs.field(converter=_rules)
    otherwise: ForecastCategory = ForecastCategory.OMITTED
    _lookup: Mapping[tuple[str, CloseWindow], ForecastCategory] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        """Index the rules; refuse ``booked`` as the fallback."""
        if self.otherwise is ForecastCategory.BOOKED:
            raise InvalidCategoryError(
                "otherwise=booked would book open deals; only a won deal is booked",
                value=self.otherwise,
                opportunity_id=None,
            )
        lookup: dict[tuple[str, CloseWindow], ForecastCategory] = {}
        for rule in self.rules:
            for stage in rule.stages:
                for window in rule.windows:
                    lookup.setdefault((stage, window), rule.category)
        object.__setattr__(self, "_lookup", MappingProxyType(lookup))

    def category(self, stage: str, window: CloseWindow) -> ForecastCategory:
        """Return the category of an open deal in ``stage`` closing in ``window``."""
        return self._lookup.get((stage, window), self.otherwise)

    def with_rule(self, rule: CategoryRule) -> CategoryPolicy:
        """Return a copy with ``rule`` tried before every existing rule."""
        return CategoryPolicy((rule, *self.rules), self.otherwise)

    def check(self, funnel: Funnel) -> CategoryPolicy:
        """Return this policy if every stage its rules name is an open stage of ``funnel``.

        Raises:
            UnknownStageError: For a stage ``funnel`` does not have.
            InvalidCategoryError: For a rule naming a won or lost stage.
        """
        for rule in self.rules:
            for key in sorted(rule.stages):
                if funnel[key].kind is not StageKind.OPEN:
                    raise InvalidCategoryError(
                        f"category rule for {key!r}: that stage is {funnel[key].kind.value}; "
                        "rules place open deals only (won is booked, lost omitted)",
                        value=key,
                        opportunity_id=None,
                    )
        return self


_ALL = frozenset(CloseWindow)

#: The source's categories: negotiation closing this quarter is commit,
#: recognition closing this quarter is upside this quarter, either closing
#: next quarter is upside next quarter, intent and later otherwise pipeline,
#: earlier stages omitted.
DEFAULT_CATEGORY_POLICY = CategoryPolicy(
    (
        CategoryRule("negotiation", ForecastCategory.COMMIT, CloseWindow.THIS_QUARTER),
        CategoryRule("recognition", ForecastCategory.UPSIDE_THIS_QUARTER, CloseWindow.THIS_QUARTER),
        CategoryRule(
            ("recognition", "negotiation"),
            ForecastCategory.UPSIDE_NEXT_QUARTER,
            CloseWindow.NEXT_QUARTER,
        ),
        CategoryRule(
            ("intent", "project", "recognition", "negotiation"), ForecastCategory.PIPELINE, _ALL
        ),
    ),
    ForecastCategory.OMITTED,
)


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
    policy: CategoryPolicy = DEFAULT_CATEGORY_POLICY,
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
        policy: The category policy (default: the source's).
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
    return _category(then, funnel[then.stage].kind, calendar.quarter_of(cutoff), policy)
