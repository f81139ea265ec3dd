from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from hypothesis import given

from salesfunnel import DEFAULT_FUNNEL
from salesfunnel.calendar import GREGORIAN, FiscalCalendar
from salesfunnel.errors import FunnelError, InvalidDateError, UnknownStageError
from salesfunnel.forecasting.buckets import CreatedAfterCutoffError
from salesfunnel.forecasting.categories import (
    DEFAULT_CATEGORY_POLICY,
    CategoryPolicy,
    CategoryRule,
    CloseWindow,
    ForecastCategory,
    InvalidCategoryError,
    forecast_category,
    manual_category,
)
from salesfunnel.funnel.history import at_cutoff
from tests import factories
from tests.strategies import calendars, cutoffs, pipelines

CUTOFF = date(2026, 8, 31)  # 2026 Q3; next quarter is Q4


def _deal(stage="recognition", close=date(2026, 9, 15), **changes):
    return factories.deal(**{"stage": stage, "expected_close": close, **changes})


class TestForecastCategoryEnum:
    def test_labels_and_crm_names(self):
        """Every category has English and Chinese labels and a Salesforce/HubSpot name."""
        assert ForecastCategory.BOOKED.label("zh") == "已落单"
        assert ForecastCategory.PIPELINE.text.zh == "有意向的"
        assert [c.crm_name for c in ForecastCategory] == [
            "Closed",
            "Commit",
            "Best Case",
            "Best Case",
            "Pipeline",
            "Omitted",
        ]

    @pytest.mark.parametrize(
        ("text", "category"),
        [
            ("commit", ForecastCategory.COMMIT),
            ("Commit", ForecastCategory.COMMIT),
            ("UPSIDE_THIS_QUARTER", ForecastCategory.UPSIDE_THIS_QUARTER),
            ("upside next quarter", ForecastCategory.UPSIDE_NEXT_QUARTER),
            ("Best Case", ForecastCategory.UPSIDE_THIS_QUARTER),
            ("Closed", ForecastCategory.BOOKED),
            ("Omitted", ForecastCategory.OMITTED),
        ],
    )
    def test_parse(self, text, category):
        """parse() reads values, member names and CRM names."""
        assert ForecastCategory.parse(text) is category

    def test_parse_unknown(self):
        """A name of no category raises InvalidCategoryError listing the valid ones."""
        with pytest.raises(InvalidCategoryError, match="commit") as info:
            ForecastCategory.parse("maybe")
        assert isinstance(info.value, ValueError)
        with pytest.raises(InvalidCategoryError):
            ForecastCategory.parse(3)  # type: ignore[arg-type]


class TestCloseWindow:
    def test_windows_around_the_quarter(self):
        """Windows split close dates at the cutoff quarter's and the next quarter's ends."""
        q = GREGORIAN.quarter_of(CUTOFF)
        assert CloseWindow.of(date(2026, 6, 30), q) is CloseWindow.EARLIER
        assert CloseWindow.of(date(2026, 7, 1), q) is CloseWindow.THIS_QUARTER
        assert CloseWindow.of(date(2026, 9, 30), q) is CloseWindow.THIS_QUARTER
        assert CloseWindow.of(date(2026, 12, 31), q) is CloseWindow.NEXT_QUARTER
        assert CloseWindow.of(date(2027, 1, 1), q) is CloseWindow.LATER


class TestCategoryRule:
    def test_single_values_become_sets(self):
        """A stage key or a window alone is taken as a set of one; windows default to all."""
        rule = CategoryRule("intent", ForecastCategory.PIPELINE)
        assert rule.stages == {"intent"}
        assert rule.windows == frozenset(CloseWindow)

    def test_booked_is_refused(self):
        """A rule cannot book open deals."""
        with pytest.raises(InvalidCategoryError, match="only a won deal"):
            CategoryRule("negotiation", ForecastCategory.BOOKED)


class TestCategoryPolicy:
    def test_default_policy_table(self):
        """The default policy follows the source: commit, upside, pipeline, omitted."""
        p = DEFAULT_CATEGORY_POLICY
        this, nxt, later = CloseWindow.THIS_QUARTER, CloseWindow.NEXT_QUARTER, CloseWindow.LATER
        assert p.category("negotiation", this) is ForecastCategory.COMMIT
        assert p.category("recognition", this) is ForecastCategory.UPSIDE_THIS_QUARTER
        assert p.category("negotiation", nxt) is ForecastCategory.UPSIDE_NEXT_QUARTER
        assert p.category("recognition", nxt) is ForecastCategory.UPSIDE_NEXT_QUARTER
        assert p.category("negotiation", later) is ForecastCategory.PIPELINE
        assert p.category("negotiation", CloseWindow.EARLIER) is ForecastCategory.PIPELINE
        assert p.category("intent", this) is ForecastCategory.PIPELINE
        assert p.category("project", nxt) is ForecastCategory.PIPELINE
        assert p.category("potential", this) is ForecastCategory.OMITTED
        assert p.category("target_segment", this) is ForecastCategory.OMITTED

    def test_with_rule_goes_first(self):
        """A rule added with with_rule() wins over the existing ones; the original is unchanged."""
        mine = DEFAULT_CATEGORY_POLICY.with_rule(
            CategoryRule("project", ForecastCategory.UPSIDE_THIS_QUARTER, CloseWindow.THIS_QUARTER)
        )
        assert mine.category("project", CloseWindow.THIS_QUARTER) is (
            ForecastCategory.UPSIDE_THIS_QUARTER
        )
        assert DEFAULT_CATEGORY_POLICY.category("project", CloseWindow.THIS_QUARTER) is (
            ForecastCategory.PIPELINE
        )
        assert mine != DEFAULT_CATEGORY_POLICY
        assert hash(mine.with_rule(mine.rules[0])) is not None

    def test_booked_fallback_is_refused(self):
        """otherwise=booked would book open deals and is refused."""
        with pytest.raises(InvalidCategoryError):
            CategoryPolicy((), ForecastCategory.BOOKED)

    def test_check_against_a_funnel(self):
        """check() passes the default policy and refuses unknown or closed stages."""
        assert DEFAULT_CATEGORY_POLICY.check(DEFAULT_FUNNEL) is DEFAULT_CATEGORY_POLICY
        with pytest.raises(UnknownStageError):
            CategoryPolicy([CategoryRule("demo", ForecastCategory.COMMIT)]).check(DEFAULT_FUNNEL)
        with pytest.raises(InvalidCategoryError, match="open deals only"):
            CategoryPolicy([CategoryRule("closed", ForecastCategory.COMMIT)]).check(DEFAULT_FUNNEL)


class TestManualCategory:
    def test_best_case_depends_on_the_window(self):
        """'Best Case' is upside next quarter in the next-quarter window, else this quarter."""
        deal = _deal(category_override="Best Case")
        assert manual_category(deal, CloseWindow.NEXT_QUARTER) is (
            ForecastCategory.UPSIDE_NEXT_QUARTER
        )
        assert manual_category(deal, CloseWindow.LATER) is ForecastCategory.UPSIDE_THIS_QUARTER

    def test_unknown_override_names_the_opportunity(self):
        """An override naming no category is an error that names the deal."""
        with pytest.raises(InvalidCategoryError) as info:
            manual_category(_deal(category_override="sure thing"), CloseWindow.THIS_QUARTER)
        assert info.value.opportunity_id == "D1"
        assert "D1" in str(info.value)
        assert info.value.value == "sure thing"

    def test_booked_override_is_refused(self):
        """An open deal cannot be booked by hand."""
        with pytest.raises(InvalidCategoryError, match="win it"):
            manual_category(_deal(category_override="booked"), CloseWindow.THIS_QUARTER)


class TestForecastCategoryFunction:
    @pytest.mark.parametrize(
        ("stage", "close", "category"),
        [
            ("negotiation", date(2026, 9, 30), ForecastCategory.COMMIT),
            ("negotiation", date(2026, 8, 1), ForecastCategory.COMMIT),
            ("recognition", date(2026, 7, 1), ForecastCategory.UPSIDE_THIS_QUARTER),
            ("recognition", date(2026, 10, 1), ForecastCategory.UPSIDE_NEXT_QUARTER),
            ("negotiation", date(2026, 12, 31), ForecastCategory.UPSIDE_NEXT_QUARTER),
            ("negotiation", date(2027, 1, 1), ForecastCategory.PIPELINE),
            ("negotiation", date(2026, 6, 30), ForecastCategory.PIPELINE),
            ("intent", date(2026, 9, 1), ForecastCategory.PIPELINE),
            ("project", date(2028, 1, 1), ForecastCategory.PIPELINE),
            ("potential", date(2026, 9, 1), ForecastCategory.OMITTED),
            ("target_segment", date(2026, 9, 1), ForecastCategory.OMITTED),
        ],
    )
    def test_default_policy(self, stage, close, category):
        """Open deals are placed by stage and where their close falls against the quarter."""
        assert forecast_category(_deal(stage, close), cutoff=CUTOFF) is category

    def test_won_is_booked_and_lost_omitted(self):
        """Won by the cutoff is booked and lost omitted, whatever the override says."""
        deal = _deal("negotiation", category_override="commit")
        lost = DEFAULT_FUNNEL.lose(deal, on=date(2026, 8, 1), reason="price")
        assert forecast_category(lost, cutoff=CUTOFF) is ForecastCategory.OMITTED
        won = lost.evolve(
            stage="closed",
            history=(*deal.history, *_win(deal).history[1:]),
            closed_on=date(2026, 8, 2),
            lost_reason=None,
        )
        assert forecast_category(won, cutoff=CUTOFF) is ForecastCategory.BOOKED

    def test_override_wins_over_policy(self):
        """A manual category on an open deal wins over the policy."""
        deal = _deal("intent", category_override="commit")
        assert forecast_category(deal, cutoff=CUTOFF) is ForecastCategory.COMMIT

    def test_fiscal_calendar_moves_the_quarter(self):
        """With a fiscal year from September, a September close is next quarter at an August cutoff."""
        deal = _deal("negotiation", date(2026, 9, 15))
        fy = FiscalCalendar(start_month=9)
        assert forecast_category(deal, cutoff=CUTOFF, calendar=fy) is (
            ForecastCategory.UPSIDE_NEXT_QUARTER
        )

    def test_custom_policy(self):
        """A replaced policy decides instead of the default."""
        policy = CategoryPolicy(
            [CategoryRule("potential", ForecastCategory.PIPELINE)], ForecastCategory.PIPELINE
        )
        deal = _deal("potential")
        assert forecast_category(deal, cutoff=CUTOFF, policy=policy) is ForecastCategory.PIPELINE

    def test_bad_inputs(self):
        """Aware datetimes, deals created after the cutoff and unknown stages are refused."""
        with pytest.raises(InvalidDateError, match=r"pass value\.date\(\)"):
            forecast_category(_deal(), cutoff=datetime(2026, 8, 31, tzinfo=timezone.utc))
        with pytest.raises(CreatedAfterCutoffError):
            forecast_category(_deal(), cutoff=date(2025, 1, 1))
        with pytest.raises(UnknownStageError):
            forecast_category(_deal("nowhere"), cutoff=CUTOFF)
        assert issubclass(InvalidCategoryError, FunnelError)

    @given(pipelines(), cutoffs, calendars)
    def test_every_opportunity_lands_in_exactly_one_category(self, deals, cutoff, calendar):
        """Each existing deal gets one category, consistent with its kind at the cutoff."""
        for deal in deals:
            if deal.created > cutoff:
                continue
            category = forecast_category(deal, cutoff=cutoff, calendar=calendar)
            then = at_cutoff(deal, cutoff)
            assert then is not None
            kind = DEFAULT_FUNNEL.kind_of(then).value
            assert (category is ForecastCategory.BOOKED) == (kind == "won")
            if kind == "lost":
                assert category is ForecastCategory.OMITTED


def _win(deal):
    return DEFAULT_FUNNEL.win(deal, on=date(2026, 8, 2), facts=factories.gate_facts())
