"""Forecasts on the user's own funnels, several pipelines, periods, snapshot deals, overrides."""

from __future__ import annotations

from datetime import date
from decimal import Context, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL, Funnel
from salesfunnel.calendar import GREGORIAN, UnknownPeriodError
from salesfunnel.datasets import SAMPLE_AS_OF, SAMPLE_RATES, sample_pipeline
from salesfunnel.errors import InvalidProbabilityError, UnknownStageError
from salesfunnel.forecasting import UnknownPipelineError, funnel_of, pipeline_of
from salesfunnel.forecasting.buckets import TimeBucket, time_bucket
from salesfunnel.forecasting.categories import (
    DEFAULT_CATEGORY_POLICY,
    CategoryPolicy,
    CategoryRule,
    CloseWindow,
    ForecastCategory,
    InvalidCategoryError,
    PolicyStageError,
    default_policy,
    forecast_category,
)
from salesfunnel.forecasting.quotas import Quota, QuotaResult, quota_attainment
from salesfunnel.forecasting.report_form import forecast_sheet, quota_sheet
from salesfunnel.forecasting.rollup import Figures, Forecast, ForecastOptionError, forecast
from salesfunnel.funnel import UNRECORDED_STAGE, override
from salesfunnel.fx import ExchangeRates
from tests import factories
from tests.strategies import calendars, cutoffs, pipelines

CUTOFF = date(2026, 8, 31)
CRM = factories.funnel_of_names("Prospecting", "Engaging", "Won", "Lost", name="crm")
RATES = ExchangeRates.to(
    "CNY",
    {date(2024, 1, 1): {"USD": "7.20", "EUR": "7.90"}, date(2026, 8, 1): {"USD": "7.00"}},
)

#: The default policy as it was written by hand before it was derived.
HAND_WRITTEN = CategoryPolicy(
    (
        CategoryRule("negotiation", ForecastCategory.COMMIT, CloseWindow.THIS_QUARTER),
        CategoryRule("recognition", ForecastCategory.UPSIDE_THIS_QUARTER, CloseWindow.THIS_QUARTER),
        CategoryRule(
            ("recognition", "negotiation"),
            ForecastCategory.UPSIDE_NEXT_QUARTER,
            CloseWindow.NEXT_QUARTER,
        ),
        CategoryRule(
            ("intent", "project", "recognition", "negotiation"),
            ForecastCategory.PIPELINE,
            frozenset(CloseWindow),
        ),
    ),
    ForecastCategory.OMITTED,
)


def _deal(id_="D1", stage="Engaging", close=date(2026, 9, 15), **changes):
    return factories.deal(**{"id": id_, "stage": stage, "expected_close": close, **changes})


class TestDerivedPolicy:
    def test_default_funnel_keeps_the_hand_written_table(self):
        """The derived default policy places every stage and window as the hand-written one did."""
        for stage in DEFAULT_FUNNEL.keys():  # noqa: SIM118
            for window in CloseWindow:
                assert DEFAULT_CATEGORY_POLICY.category(stage, window) is HAND_WRITTEN.category(
                    stage, window
                ), (stage, window)
        assert DEFAULT_CATEGORY_POLICY.rules == HAND_WRITTEN.rules
        assert default_policy(DEFAULT_FUNNEL) is DEFAULT_CATEGORY_POLICY

    def test_custom_funnel_rule(self):
        """Last open stage commits, probability >= 0.5 is upside, every open stage is pipeline."""
        policy = default_policy(CRM)
        this, nxt, later = CloseWindow.THIS_QUARTER, CloseWindow.NEXT_QUARTER, CloseWindow.LATER
        assert policy.category("Engaging", this) is ForecastCategory.COMMIT
        assert policy.category("Engaging", nxt) is ForecastCategory.UPSIDE_NEXT_QUARTER
        assert policy.category("Engaging", later) is ForecastCategory.PIPELINE
        assert policy.category("Prospecting", this) is ForecastCategory.PIPELINE
        assert policy.category("Prospecting", nxt) is ForecastCategory.PIPELINE
        assert policy.category(UNRECORDED_STAGE, this) is ForecastCategory.PIPELINE
        assert policy.name == "derived from funnel crm"
        assert policy.upside_at == Decimal("0.5")

    def test_upside_this_quarter_for_high_stages_before_the_last(self):
        """An earlier open stage at or above the threshold is upside this quarter."""
        funnel = Funnel.from_stage_names(
            ["A", "B", "C", "Won", "Lost"],
            won="Won",
            lost="Lost",
            probabilities={"A": "0.1", "B": "0.5", "C": "0.9"},
        )
        policy = CategoryPolicy.for_funnel(funnel, pipeline_from="B", name="mine")
        assert policy.category("B", CloseWindow.THIS_QUARTER) is (
            ForecastCategory.UPSIDE_THIS_QUARTER
        )
        assert policy.category("B", CloseWindow.NEXT_QUARTER) is (
            ForecastCategory.UPSIDE_NEXT_QUARTER
        )
        assert policy.category("A", CloseWindow.THIS_QUARTER) is ForecastCategory.OMITTED
        assert policy.name == "mine"
        strict = CategoryPolicy.for_funnel(funnel, upside_at="0.95")
        assert strict.category("B", CloseWindow.THIS_QUARTER) is ForecastCategory.PIPELINE

    def test_bad_derivation_options(self):
        """pipeline_from must be an open stage of the funnel; upside_at a probability."""
        with pytest.raises(UnknownStageError):
            CategoryPolicy.for_funnel(CRM, pipeline_from="Nope")
        with pytest.raises(InvalidCategoryError, match=r"'Won' is a won stage of funnel 'crm'"):
            CategoryPolicy.for_funnel(CRM, pipeline_from="Won")
        with pytest.raises(InvalidProbabilityError):
            CategoryPolicy.for_funnel(CRM, upside_at="50")

    def test_explain_states_the_rule(self):
        """explain() states the derivation, every rule and the fallbacks, in English and Chinese."""
        text = DEFAULT_CATEGORY_POLICY.explain()
        assert text.startswith("Category policy 'default', derived from the funnel's stages")
        assert "  1. negotiation closing this quarter: Commit this quarter" in text
        assert "intent, negotiation, project, recognition closing any time: Pipeline" in text
        assert "(open)): Pipeline." in text
        zh = DEFAULT_CATEGORY_POLICY.explain("zh")
        assert "由漏斗的阶段推出" in zh
        assert "negotiation，本季度成交：本季度保证实现" in zh
        hand = CategoryPolicy(
            [CategoryRule("intent", ForecastCategory.PIPELINE, (CloseWindow.EARLIER,))]
        )
        assert hand.explain().splitlines()[0] == "Category policy 'custom'."
        assert "intent closing before this quarter: Pipeline" in hand.explain()
        two = CategoryPolicy(
            [CategoryRule("intent", ForecastCategory.PIPELINE, CloseWindow.EARLIER)]
        ).with_rule(
            CategoryRule(
                "intent", ForecastCategory.COMMIT, (CloseWindow.THIS_QUARTER, CloseWindow.LATER)
            )
        )
        assert "closing this quarter or after next quarter: Commit" in two.explain()
        assert "本季度或下季度之后成交" in two.explain("zh")

    def test_unrecorded_category_can_be_chosen_but_never_booked(self):
        """unrecorded= sets the category of a deal whose stage was not recorded; booked is refused."""
        policy = CategoryPolicy((), unrecorded=ForecastCategory.OMITTED)
        assert policy.category(UNRECORDED_STAGE, CloseWindow.LATER) is ForecastCategory.OMITTED
        with pytest.raises(InvalidCategoryError, match="'custom': unrecorded=booked"):
            CategoryPolicy((), unrecorded=ForecastCategory.BOOKED)

    def test_policy_errors_name_the_policy_and_the_funnel(self):
        """A policy checked against a funnel without its stages names both, and the fix."""
        with pytest.raises(PolicyStageError) as info:
            DEFAULT_CATEGORY_POLICY.check(CRM)
        err = info.value
        assert isinstance(err, UnknownStageError)
        assert isinstance(err, KeyError)
        assert (err.policy, err.funnel) == ("default", "crm")
        assert "category policy 'default'" in str(err)
        assert "funnel 'crm'" in str(err)
        assert "leave policy= out" in str(err)
        with pytest.raises(InvalidCategoryError, match=r"policy 'x'.*won stage of funnel 'crm'"):
            CategoryPolicy([CategoryRule("Won", ForecastCategory.COMMIT)], name="x").check(CRM)
        ok = CategoryPolicy([CategoryRule(UNRECORDED_STAGE, ForecastCategory.COMMIT)])
        assert ok.check(CRM) is ok

    def test_forecast_with_a_mismatched_policy(self):
        """forecast() with the default funnel's policy on a custom funnel raises PolicyStageError."""
        with pytest.raises(PolicyStageError, match="funnel 'crm'"):
            forecast([_deal()], cutoff=CUTOFF, funnel=CRM, policy=DEFAULT_CATEGORY_POLICY)


class TestOwnFunnel:
    def test_forecast_needs_no_policy(self):
        """forecast(), forecast_category() and quota_attainment() work on a custom funnel."""
        deals = [
            _deal("E"),
            _deal("P", "Prospecting", close=date(2027, 3, 1)),
            _deal("W", "Won", closed_on=date(2026, 8, 10)),
            _deal("L", "Lost", closed_on=date(2026, 7, 10)),
        ]
        result = forecast(deals, cutoff=CUTOFF, funnel=CRM)
        cats = result.total.categories
        assert cats[ForecastCategory.COMMIT].amount == Decimal(1000)
        assert cats[ForecastCategory.PIPELINE].count == 1
        assert cats[ForecastCategory.BOOKED].count == 1
        assert result.total.buckets[TimeBucket.LOST].count == 1
        assert forecast_category(deals[0], cutoff=CUTOFF, funnel=CRM) is ForecastCategory.COMMIT
        [r] = quota_attainment(deals, [Quota("Ann", "2026Q3", "4000")], cutoff=CUTOFF, funnel=CRM)
        assert (r.booked, r.pipeline) == (Decimal(1000), Decimal(1000))


class TestPipelines:
    def test_pipeline_of_reads_pipeline_then_funnel(self):
        """The pipeline fact wins, the funnel fact is read too, and none is None."""
        assert pipeline_of(_deal(facts={"pipeline": "crm"})) == "crm"
        assert pipeline_of(_deal(facts={"funnel": "crm"})) == "crm"
        assert pipeline_of(_deal(facts={"pipeline": "crm", "funnel": "crm"})) == "crm"
        assert pipeline_of(_deal()) is None

    @pytest.mark.parametrize(
        ("facts", "match"),
        [
            ({"pipeline": 3}, "give the pipeline's name as a string"),
            ({"pipeline": ""}, "give the pipeline's name as a string"),
            ({"pipeline": "a", "funnel": "b"}, "different pipelines"),
        ],
    )
    def test_bad_pipeline_facts(self, facts, match):
        """A pipeline fact that is not a name, or two that disagree, is an UnknownPipelineError."""
        with pytest.raises(UnknownPipelineError, match=match) as info:
            pipeline_of(_deal(facts=facts))
        assert isinstance(info.value, LookupError)
        assert info.value.opportunity_id == "D1"

    def test_funnel_of(self):
        """Without funnels every deal uses funnel=; with them, its named pipeline."""
        named = _deal(facts={"pipeline": "crm"})
        assert funnel_of(named) is DEFAULT_FUNNEL
        assert funnel_of(named, funnels={"crm": CRM}) is CRM
        assert funnel_of(_deal(), funnels={"crm": CRM}) is DEFAULT_FUNNEL
        assert funnel_of(named, funnel=CRM, funnels={"other": DEFAULT_FUNNEL}) is CRM
        with pytest.raises(UnknownPipelineError) as info:
            funnel_of(_deal(facts={"pipeline": "renewals"}), funnels={"crm": CRM})
        assert info.value.known == ("crm", "default")
        assert "pass funnels={'renewals': Funnel(...)}" in str(info.value)

    def test_two_pipelines_roll_up_together(self):
        """Each deal is placed by its own funnel and policy; the rows add both."""
        deals = [
            _deal("N", "negotiation", owner="Bo"),
            _deal("C", facts={"pipeline": "crm"}),
            _deal("W", "Won", closed_on=date(2026, 8, 3), facts={"funnel": "crm"}),
            _deal("S", "closed", closed_on=date(2026, 8, 3), owner="Bo"),
        ]
        result = forecast(deals, cutoff=CUTOFF, by="owner", funnels={"crm": CRM})
        assert result.row("Ann").categories[ForecastCategory.COMMIT].count == 1
        assert result.row("Bo").categories[ForecastCategory.COMMIT].count == 1
        assert result.total.categories[ForecastCategory.BOOKED].count == 2
        strict = CategoryPolicy([CategoryRule("Engaging", ForecastCategory.PIPELINE)])
        mine = forecast(deals, cutoff=CUTOFF, funnels={"crm": CRM}, policies={"crm": strict})
        assert mine.total.categories[ForecastCategory.COMMIT].count == 1
        assert mine.total.categories[ForecastCategory.PIPELINE].count == 1
        results = quota_attainment(
            deals,
            [Quota("Ann", "2026Q3", "1000"), Quota("Bo", "2026Q3", "1000")],
            cutoff=CUTOFF,
            funnels={"crm": CRM},
        )
        assert [r.booked for r in results] == [Decimal(1000), Decimal(1000)]

    def test_policy_for_an_unknown_pipeline(self):
        """policies= naming no pipeline of funnels= is a ForecastOptionError."""
        with pytest.raises(ForecastOptionError, match="'crm' name no pipeline"):
            forecast([_deal()], cutoff=CUTOFF, policies={"crm": DEFAULT_CATEGORY_POLICY})

    def test_unknown_pipeline_in_a_forecast(self):
        """A deal naming a pipeline the forecast was not given is refused by name."""
        with pytest.raises(UnknownPipelineError, match="'D1' is in pipeline 'x'"):
            forecast([_deal(facts={"pipeline": "x"})], cutoff=CUTOFF, funnels={"crm": CRM})


class TestPeriod:
    def test_booked_and_lost_cover_the_quarter_by_default(self):
        """Deals won or lost before the cutoff's quarter are not in the forecast."""
        deals = [
            _deal("W1", "Won", closed_on=date(2026, 6, 30)),
            _deal("W2", "Won", closed_on=date(2026, 7, 1)),
            _deal("L1", "Lost", closed_on=date(2026, 3, 1)),
            _deal("L2", "Lost", closed_on=date(2026, 8, 31)),
        ]
        result = forecast(deals, cutoff=CUTOFF, funnel=CRM)
        assert result.period == result.quarter == GREGORIAN.quarter(2026, 3)
        assert result.total.buckets[TimeBucket.CLOSED].count == 1
        assert result.total.buckets[TimeBucket.LOST].count == 1
        year = forecast(deals, cutoff=CUTOFF, funnel=CRM, period=GREGORIAN.year(2026))
        assert year.total.total.count == 4
        assert year.period.code == "2026"
        past = forecast(deals, cutoff=CUTOFF, funnel=CRM, period="2026Q2")
        assert past.total.buckets[TimeBucket.CLOSED].count == 1
        assert past.total.buckets[TimeBucket.LOST].count == 0

    def test_period_defaults_to_the_quarter(self):
        """A Forecast built without a period (an older document) counts its quarter."""
        result = forecast([_deal()], cutoff=CUTOFF, funnel=CRM)
        built = Forecast(
            cutoff=result.cutoff,
            calendar=result.calendar,
            quarter=result.quarter,
            currency=result.currency,
            by=result.by,
            rows=result.rows,
            total=result.total,
        )
        assert built == result
        assert built.period == result.quarter

    def test_period_of_another_calendar_is_refused(self):
        """period= is read with the forecast's calendar."""
        with pytest.raises(UnknownPeriodError):
            forecast([], cutoff=CUTOFF, period="2026Q7")
        from salesfunnel.calendar import FiscalCalendar

        with pytest.raises(UnknownPeriodError, match="belongs to a calendar"):
            forecast([], cutoff=CUTOFF, period=FiscalCalendar(start_month=4).quarter(2027, 1))
        with pytest.raises(UnknownPeriodError, match="is not a period"):
            forecast([], cutoff=CUTOFF, period=3)  # type: ignore[arg-type]

    def test_explain_says_what_the_total_adds(self):
        """explain() names the period and what a total adds, in English and Chinese."""
        result = forecast([_deal(currency="USD")], cutoff=CUTOFF, funnel=CRM, period="2026")
        assert "open at the cutoff + won + lost in 2026" in result.explain()
        assert "Amounts in USD" in result.explain()
        assert "合计为两者之和" in result.explain("zh")
        assert "金额单位 USD" in result.explain("zh")

    def test_sample_forecast_and_quotas_agree_on_booked(self):
        """On the sample, each owner's booked in the quarter equals their quota's booked."""
        result = forecast(
            sample_pipeline(), cutoff=SAMPLE_AS_OF, by="owner", currency="CNY", rates=SAMPLE_RATES
        )
        quotas = [Quota(r.group[0], result.quarter, "1000000") for r in result.rows]
        got = quota_attainment(
            sample_pipeline(), quotas, cutoff=SAMPLE_AS_OF, currency="CNY", rates=SAMPLE_RATES
        )
        booked = {r.owner: r.booked for r in got}
        assert booked == {
            r.group[0]: r.categories[ForecastCategory.BOOKED].amount for r in result.rows
        }
        assert any(booked.values())

    @given(pipelines(), cutoffs, calendars, st.booleans())
    def test_forecast_and_quotas_agree_on_booked(self, deals, cutoff, calendar, year):
        """For any pipeline and period, forecast and quota_attainment book the same amounts."""
        quarter = calendar.quarter_of(cutoff)
        period = quarter.year if year else quarter
        result = forecast(
            deals, cutoff=cutoff, calendar=calendar, by="owner", currency="CNY",
            rates=RATES, period=period,
        )  # fmt: skip
        owners = sorted({d.owner for d in deals})
        got = quota_attainment(
            deals,
            [Quota(o, period, "1") for o in owners],
            cutoff=cutoff,
            calendar=calendar,
            currency="CNY",
            rates=RATES,
        )
        for r in got:
            assert r.booked == result.row(r.owner).categories[ForecastCategory.BOOKED].amount


class TestSnapshotDeals:
    def test_open_between_created_and_closed_on(self):
        """A won deal with no history is open before closed_on and booked from it."""
        won = _deal("W", "closed", close=date(2026, 9, 30), closed_on=date(2026, 9, 10))
        before = forecast([won], cutoff=date(2026, 8, 31))
        weight = Decimal(1000) * DEFAULT_FUNNEL.unrecorded.probability
        cell = {
            (TimeBucket.WITHIN_3_MONTHS, ForecastCategory.PIPELINE): Figures(
                1, Decimal(1000), weight
            )
        }
        assert before.total.cells == cell
        assert time_bucket(won, cutoff=date(2026, 8, 31)) is TimeBucket.WITHIN_3_MONTHS
        assert forecast_category(won, cutoff=date(2026, 8, 31)) is ForecastCategory.PIPELINE
        on = forecast([won], cutoff=date(2026, 9, 10)).total
        assert on.categories[ForecastCategory.BOOKED].count == 1
        mine = forecast(
            [won.evolve(stage="Won", history=None)], cutoff=date(2026, 8, 31), funnel=CRM
        ).total
        assert mine.cells == {
            (TimeBucket.WITHIN_3_MONTHS, ForecastCategory.PIPELINE): Figures(
                1, Decimal(1000), Decimal(1000) * CRM.unrecorded.probability
            )
        }

    def test_lost_snapshot(self):
        """A lost deal with no history is open before closed_on and lost from it."""
        lost = _deal("L", "Lost", closed_on=date(2026, 8, 20), lost_reason="price")
        assert (
            forecast([lost], cutoff=date(2026, 8, 19), funnel=CRM)
            .total.buckets[TimeBucket.WITHIN_3_MONTHS]
            .count
            == 1
        )
        assert forecast([lost], cutoff=CUTOFF, funnel=CRM).total.buckets[TimeBucket.LOST].count == 1

    def test_quota_counts_a_snapshot_as_open_then_won(self):
        """quota_attainment sees the pipeline before closed_on and the booking from it."""
        won = _deal("W", "closed", close=date(2026, 9, 30), closed_on=date(2026, 9, 10))
        quota = [Quota("Ann", "2026Q3", "2000")]
        [before] = quota_attainment([won], quota, cutoff=date(2026, 8, 31))
        [after] = quota_attainment([won], quota, cutoff=date(2026, 9, 30))
        assert (before.booked, before.pipeline) == (Decimal(0), Decimal(1000))
        assert (after.booked, after.pipeline) == (Decimal(1000), Decimal(0))

    def test_converted_at_the_closed_on_rate(self):
        """A snapshot deal won on closed_on converts at that day's rate, open before at the cutoff's."""
        rates = ExchangeRates.to(
            "CNY", {date(2026, 7, 1): {"USD": "7"}, date(2026, 9, 10): {"USD": "8"}}
        )
        won = _deal("W", "closed", currency="USD", closed_on=date(2026, 9, 10))
        at = forecast([won], cutoff=date(2026, 9, 30), currency="CNY", rates=rates).total
        assert at.total.amount == Decimal("8000.00")
        early = forecast([won], cutoff=date(2026, 8, 31), currency="CNY", rates=rates).total
        assert early.total.amount == Decimal("7000.00")
        assert rates.converter("CNY", on=date(2026, 8, 31))(won) == Decimal("7000.00")
        assert rates.converter("CNY", on=date(2026, 9, 30))(won) == Decimal("8000.00")

    @given(pipelines(), cutoffs, calendars)
    def test_snapshot_deals_forecast_like_their_histories_at_closed_on(
        self, deals, cutoff, calendar
    ):
        """Closed deals stripped of their history give the same forecast from their close date on."""
        snapped = tuple(
            d.evolve(history=None, revisions=()) if d.closed_on is not None else d for d in deals
        )
        kept = [
            (d, s)
            for d, s in zip(deals, snapped, strict=True)
            if d.closed_on is None or d.closed_on <= cutoff
        ]
        one = forecast([d for d, _ in kept if d.closed_on], cutoff=cutoff, calendar=calendar,
                       currency="CNY", rates=RATES)  # fmt: skip
        two = forecast([s for _, s in kept if s.closed_on], cutoff=cutoff, calendar=calendar,
                       currency="CNY", rates=RATES)  # fmt: skip
        assert one.total == two.total


class TestOverrides:
    def test_past_cutoff_uses_the_overrides_of_the_day(self):
        """A forecast at a past cutoff is rebuilt with the probability and category then."""
        deal = _deal("O", "intent", close=date(2026, 9, 20))
        called = override(deal, on=date(2026, 8, 15), probability="0.9", category="commit")
        before = forecast([called], cutoff=date(2026, 8, 14)).total
        after = forecast([called], cutoff=CUTOFF).total
        assert before.cells == {
            (TimeBucket.WITHIN_3_MONTHS, ForecastCategory.PIPELINE): Figures(
                1, Decimal(1000), Decimal("200.0")
            )
        }
        assert after.cells == {
            (TimeBucket.WITHIN_3_MONTHS, ForecastCategory.COMMIT): Figures(
                1, Decimal(1000), Decimal("900.0")
            )
        }
        cleared = override(called, on=date(2026, 9, 1), probability=None, category=None)
        assert forecast([cleared], cutoff=CUTOFF).total == after
        assert forecast_category(cleared, cutoff=CUTOFF) is ForecastCategory.COMMIT
        [r] = quota_attainment([cleared], [Quota("Ann", "2026Q3", "1")], cutoff=CUTOFF)
        assert r.weighted_pipeline == Decimal("900.0")


class TestDecimalContext:
    def test_forecast_ignores_the_callers_context(self):
        """Under prec=5 the forecast, quotas, conversions and sheets give the same exact figures."""
        deals = sample_pipeline()

        def run() -> tuple[object, ...]:
            result = forecast(
                deals, cutoff=SAMPLE_AS_OF, by="owner,product", currency="CNY", rates=SAMPLE_RATES
            )
            quotas = quota_attainment(
                deals,
                [Quota("Li Wei", result.quarter, "123456789.01")],
                cutoff=SAMPLE_AS_OF,
                currency="CNY",
                rates=SAMPLE_RATES,
            )
            return (
                result,
                quotas,
                quotas[0].gap,
                quotas[0].attainment,
                forecast_sheet(result).rows,
                quota_sheet(quotas).rows,
                SAMPLE_RATES.convert(Decimal("1234567.89"), "USD", "CNY", on=SAMPLE_AS_OF),
                ExchangeRates.to("USD", {SAMPLE_AS_OF: {"CNY": "7.1234567"}}).rate(
                    "USD", "CNY", on=SAMPLE_AS_OF
                ),
                Figures(1, Decimal("123456.78")) + Figures(1, Decimal("0.01")),
            )

        expected = run()
        with localcontext(Context(prec=5)) as ctx:
            ctx.traps[__import__("decimal").Inexact] = True
            assert run() == expected
        assert expected[0].total.total.amount > Decimal(10) ** 6

    def test_quota_result_properties(self):
        """gap and ratios of a result are exact under a small caller precision."""
        r = QuotaResult(
            "Ann",
            GREGORIAN.quarter(2026, 3),
            Decimal("1000000.01"),
            Decimal("1.01"),
            Decimal(0),
            Decimal(0),
            None,
        )
        with localcontext(Context(prec=3)):
            assert r.gap == Decimal("999999.00")
