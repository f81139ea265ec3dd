"""Tests for salesfunnel.io.results: the documents of every result."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import cattrs
import pytest
from hypothesis import given, settings

from salesfunnel import (
    DEFAULT_FUNNEL,
    FiscalCalendar,
    KeyAccount,
    Quota,
    abc_classify,
    abc_combined,
    assess,
    computed_abc,
    forecast,
    next_step,
    quota_attainment,
    simulate,
    waterfall,
)
from salesfunnel.calendar import FiscalQuarter, FiscalYear
from salesfunnel.customers.abc_classes import AbcResult
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.forecasting.rollup import Forecast
from salesfunnel.io import (
    DEFAULT_REGISTRY,
    DEFAULT_SCHEMAS,
    DataFileError,
    SchemaVersionError,
    dumps,
    loads,
    results,
    to_dict,
)
from salesfunnel.io._converter import Codec
from salesfunnel.io.results import RESULT_SCHEMAS, configure
from salesfunnel.pipeline.distribution import OutcomeDistribution, distribution_of
from salesfunnel.pipeline.parameters import Method
from salesfunnel.pipeline.weighted import Simulation
from tests import factories
from tests.strategies import (
    abc_results,
    additional_businesses,
    assessments,
    backtests,
    calendars,
    calibrations,
    category_policies,
    combined_abc_results,
    conversion_tables,
    customer_profiles,
    cycle_stats,
    deal_heats,
    distributions,
    evidence_sets,
    exchange_rates,
    forecasts,
    frame_rates,
    funnel_summaries,
    heat_weights,
    kam_rule_sets,
    key_accounts,
    key_customer_classifications,
    key_customer_thresholds,
    learned_probabilities,
    loyalty_models,
    next_steps,
    playbooks,
    quota_results,
    quotas,
    retention_effects,
    rules_to_write,
    scorecards,
    scored_accounts,
    screening_reports,
    simulations,
    slippages,
    stage_duration_lists,
    stage_times,
    stale_deal_lists,
    velocities,
    waterfalls,
)

# -- helpers ---------------------------------------------------------------------------


def round_trip(obj: object) -> None:
    """Assert that ``loads(dumps(obj)) == obj`` (hashing alike), and that it writes the same document."""
    text = dumps(obj)
    back = loads(text)
    assert back == obj
    try:
        expected = hash(obj)
    except TypeError:  # holds mappings (a forecast's cells), so it is not hashable
        pass
    else:
        assert hash(back) == expected
    if isinstance(obj, tuple):
        assert type(back) is tuple
    else:
        assert type(back) is type(obj)
    assert dumps(back) == text


def problems(doc: dict[str, Any]) -> list[tuple[str | None, str]]:
    """The (path, why) of every problem reading ``doc``."""
    with pytest.raises(DataFileError) as info:
        loads(json.dumps(doc))
    return [(p.column, p.why) for p in info.value.problems]


deal = factories.deal_maker(amount="100000")


SAMPLE = sample_pipeline()


# -- schemas ---------------------------------------------------------------------------


class TestResultSchemas:
    def test_registered_with_the_defaults(self):
        """Every result schema is one of the default schemas, at version 1, with its own name."""
        names = [s.name for s in DEFAULT_SCHEMAS]
        assert len(names) == len(set(names))
        assert set(RESULT_SCHEMAS) <= set(DEFAULT_SCHEMAS)
        assert all(s.version == 1 and s.name.startswith("salesfunnel/") for s in RESULT_SCHEMAS)
        keys = [s.key for s in DEFAULT_SCHEMAS]
        assert len(keys) == len(set(keys))

    def test_newer_version_of_a_result(self):
        """A result document of a newer version is refused naming both versions."""
        doc = to_dict(FiscalCalendar(4))
        doc["version"] = 2
        with pytest.raises(SchemaVersionError) as info:
            loads(json.dumps(doc))
        assert (info.value.schema, info.value.supported) == ("salesfunnel/fiscal-calendar", 1)

    def test_unknown_and_missing_keys(self):
        """Unknown keys and missing keys of a result are problems with their paths."""
        doc = to_dict(FiscalCalendar(4))
        doc["calendar"]["weeks"] = 52
        del doc["calendar"]["named_by"]
        found = problems(doc)
        assert ("$.calendar", "has unknown keys: weeks") in found
        assert ("$.calendar.named_by", "is missing") not in found  # it has a default
        fc = to_dict(forecast([deal()], cutoff=date(2026, 8, 31)))
        del fc["forecast"]["cutoff"]
        fc["forecast"]["rows"] = []
        fc["forecast"]["total"]["note"] = "x"
        found = problems(fc)
        assert ("$.forecast.cutoff", "is missing") in found
        assert ("$.forecast.total", "has unknown keys: note") in found

    def test_expect(self):
        """loads(text, expect) checks the type of a result document too."""
        text = dumps(FiscalCalendar(4))
        assert loads(text, FiscalCalendar) == FiscalCalendar(4)
        with pytest.raises(DataFileError, match="is not a document of Forecast"):
            loads(text, Forecast)


class TestConfigure:
    def test_runs_once_per_converter(self):
        """Configuring a converter twice leaves the first hooks in place."""
        codec = Codec(DEFAULT_REGISTRY, DEFAULT_SCHEMAS)
        hook = codec.conv.get_structure_hook(Forecast)
        configure(codec.conv)
        assert codec.conv.get_structure_hook(Forecast) is hook
        assert codec.conv.structure({}, results._Configured) is True

    def test_registers_on_a_fresh_converter(self):
        """configure works on its own converter: floats are strict there."""
        conv = cattrs.Converter()
        configure(conv)
        assert conv.structure(2, float) == 2.0
        with pytest.raises(Exception, match="not a number"):
            conv.structure("2", float)


# -- round trips -------------------------------------------------------------------------


class TestRoundTrip:
    """loads(dumps(x)) == x for generated objects of every result type."""

    @settings(max_examples=settings.default.max_examples * 4 // 5)
    @given(forecasts())
    def test_forecasts(self, result):
        """Forecasts of generated pipelines, every grouping and calendar, round-trip."""
        round_trip(result)

    @settings(max_examples=settings.default.max_examples * 4 // 5)
    @given(waterfalls())
    def test_waterfalls(self, result):
        """Waterfalls, with and without windows, round-trip."""
        round_trip(result)

    @settings(max_examples=settings.default.max_examples * 4 // 5)
    @given(slippages())
    def test_slippages(self, result):
        """Slippage of a deal, alone and in a report, round-trips."""
        round_trip(result)
        round_trip((result, result))

    @settings(max_examples=settings.default.max_examples * 4 // 5)
    @given(quota_results())
    def test_quota_results(self, results):
        """Quota results for quarters and years round-trip, alone and as a list."""
        round_trip(results)
        for r in results:
            round_trip(r)

    @given(distributions())
    def test_distributions(self, dist):
        """Outcome distributions by every method round-trip, masses exactly."""
        round_trip(dist)
        back = loads(dumps(dist))
        for q in ("0", "0.1", "0.5", "0.9", "1"):
            assert back.quantile(q) == dist.quantile(q)

    @settings(max_examples=settings.default.max_examples * 4 // 5)
    @given(simulations())
    def test_simulations(self, sim):
        """Simulations round-trip with every total."""
        round_trip(sim)

    @given(abc_results())
    def test_abc_results(self, result):
        """Fixed and computed ABC results over every kind of figure round-trip."""
        round_trip(result)

    @given(combined_abc_results())
    def test_combined_abc(self, combined):
        """ABC results by several criteria round-trip."""
        round_trip(combined)

    @given(key_accounts())
    def test_key_accounts(self, account):
        """Key accounts with signals, records and histories round-trip, alone and as a list."""
        round_trip(account)
        round_trip((account,))

    @given(assessments)
    def test_assessments(self, assessment):
        """Assessments of any signals round-trip with their verdicts."""
        round_trip(assessment)

    @settings(max_examples=settings.default.max_examples * 4 // 5)
    @given(next_steps)
    def test_next_steps(self, step):
        """Next steps round-trip with their gaps and needs, alone and as a list."""
        round_trip(step)
        round_trip((step,))

    @given(loyalty_models)
    def test_loyalty_models(self, model):
        """Loyalty models round-trip."""
        round_trip(model)

    @settings(max_examples=settings.default.max_examples * 4 // 5)
    @given(learned_probabilities())
    def test_learned_probabilities(self, learned):
        """Learned probabilities round-trip with their funnel."""
        round_trip(learned)

    @given(exchange_rates())
    def test_exchange_rates(self, rates):
        """Exchange rates round-trip."""
        round_trip(rates)

    @given(calendars)
    def test_calendars(self, calendar):
        """Fiscal calendars round-trip."""
        round_trip(calendar)

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(conversion_tables())
    def test_conversion_tables(self, table):
        """Stage conversion tables round-trip."""
        round_trip(table)

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(funnel_summaries())
    def test_funnel_summaries(self, summary):
        """Funnel summaries round-trip, floats exactly."""
        round_trip(summary)

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(calibrations())
    def test_calibrations(self, result):
        """Calibrations round-trip."""
        round_trip(result)

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(backtests())
    def test_backtests(self, result):
        """Backtests round-trip."""
        round_trip(result)

    @given(retention_effects())
    def test_retention_effects(self, effect):
        """Retention effects round-trip."""
        round_trip(effect)

    @settings(max_examples=settings.default.max_examples * 4 // 5)
    @given(scorecards())
    def test_scorecards(self, card):
        """Scorecards by every weighting, with incomplete customers, round-trip."""
        round_trip(card)

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(scored_accounts)
    def test_scored_accounts(self, account):
        """A scored customer round-trips on its own, criteria written in full."""
        round_trip(account)

    @given(customer_profiles)
    def test_customer_profiles(self, profile):
        """Profiles keep each figure's type (int, float, Decimal), alone and as a list."""
        round_trip(profile)
        round_trip((profile, profile))

    @given(key_customer_thresholds)
    def test_key_customer_thresholds(self, limits):
        """Key-customer limits round-trip."""
        round_trip(limits)

    @given(key_customer_classifications)
    def test_key_customer_classifications(self, result):
        """Classifications by default and own limits, in any priority, round-trip."""
        round_trip(result)
        round_trip((result,))

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(evidence_sets())
    def test_account_evidence(self, evidence):
        """Account evidence round-trips, alone and as a list."""
        round_trip(evidence)
        for e in evidence[:3]:
            round_trip(e)

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(screening_reports)
    def test_screening_reports(self, report):
        """Screening reports and each screening round-trip, the wall by reference."""
        round_trip(report)
        for s in report.accounts[:3]:
            round_trip(s)

    def test_buying_map(self):
        """The default buying map round-trips with its funnel."""
        from salesfunnel.customers import DEFAULT_BUYING_MAP

        round_trip(DEFAULT_BUYING_MAP)

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(deal_heats())
    def test_deal_heats(self, heats):
        """Deal heats round-trip, floats exactly, alone and as a list."""
        round_trip(heats)
        for h in heats[:3]:
            round_trip(h)

    @given(heat_weights)
    def test_heat_weights(self, weights):
        """Heat weights round-trip."""
        round_trip(weights)

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(stale_deal_lists())
    def test_stale_deals(self, stale):
        """Stale deals round-trip, alone and as a list."""
        round_trip(stale)
        for s in stale[:3]:
            round_trip(s)

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(stage_times())
    def test_stage_times(self, spent):
        """The time in one stage round-trips."""
        round_trip(spent)

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(stage_duration_lists())
    def test_time_in_stages(self, durations):
        """Time in every stage round-trips, as a list and per stage."""
        round_trip(durations)
        round_trip(durations[0])

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(cycle_stats())
    def test_cycle_stats(self, cycle):
        """Sales-cycle figures round-trip."""
        round_trip(cycle)

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(velocities())
    def test_velocities(self, velocity):
        """Sales velocities round-trip."""
        round_trip(velocity)

    @settings(max_examples=settings.default.max_examples * 3 // 5)
    @given(additional_businesses())
    def test_additional_business(self, result):
        """Returning and new business round-trips."""
        round_trip(result)

    @given(category_policies)
    def test_category_policies(self, policy):
        """Category policies round-trip with their stage and window sets."""
        round_trip(policy)

    @given(quotas)
    def test_quotas(self, quota):
        """Quotas for a period or a label round-trip, alone and as a list."""
        round_trip(quota)
        round_trip((quota, quota))

    @given(kam_rule_sets)
    def test_kam_rules(self, rules):
        """Key-account rules round-trip, the defaults by reference."""
        round_trip(rules)

    @given(playbooks)
    def test_playbooks(self, book):
        """Playbooks round-trip, alone and as a list."""
        round_trip(book)
        round_trip((book, book))

    @given(rules_to_write)
    def test_rules(self, rule):
        """Rules of every shape round-trip as rule documents."""
        round_trip(rule)

    def test_sample_results(self):
        """Results on the whole sample pipeline round-trip."""
        result = forecast(
            SAMPLE, cutoff=SAMPLE_AS_OF, by="owner,product", currency="CNY", rates=frame_rates
        )
        round_trip(result)
        cny = [o for o in SAMPLE if o.currency == "CNY"]
        from salesfunnel import outcome_distribution

        round_trip(outcome_distribution(cny, as_of=SAMPLE_AS_OF))
        round_trip(simulate(cny, 200, seed=7))
        from salesfunnel.analytics import heat_ranking
        from salesfunnel.customers import account_evidence, screen_accounts

        round_trip(screen_accounts(account_evidence(SAMPLE, as_of=SAMPLE_AS_OF)))
        round_trip(heat_ranking(SAMPLE, as_of=SAMPLE_AS_OF))


# -- value equality -------------------------------------------------------------------------


class TestValueEquality:
    """Results that compute on demand still compare and hash by what they hold."""

    def test_distributions(self):
        """Distributions of the same deals are equal and hash alike; other masses are not equal."""
        pairs = [(Decimal(100), Decimal("0.5")), (Decimal(250), Decimal("0.3"))]
        first, second = distribution_of(pairs), distribution_of(pairs)
        first.cdf(100)  # queries fill no state that takes part
        assert first == second
        assert hash(first) == hash(second)
        assert len({first, second}) == 1
        assert first != distribution_of([(Decimal(100), Decimal("0.5"))])
        assert first != distribution_of(pairs, method=Method.LATTICE)
        assert first != "not a distribution"

    def test_simulations(self):
        """Simulations with the same seed are equal; the sorted copy of the totals is not compared."""
        assert simulate([deal()], 20, seed=3) == simulate([deal()], 20, seed=3)
        assert simulate([deal()], 20, seed=3) != simulate([deal()], 20, seed=4)
        a = Simulation(2, 1, "CNY", (Decimal(5), Decimal(1)))
        assert a == Simulation(2, 1, "CNY", (Decimal(5), Decimal(1)))
        assert a != Simulation(2, 1, "CNY", (Decimal(1), Decimal(5)))
        assert hash(a) == hash(Simulation(2, 1, "CNY", (Decimal(5), Decimal(1))))

    def test_abc_results(self):
        """ABC results of the same figures are equal in any input order, whatever was computed."""
        first = abc_classify({"a": 60, "b": 25, "c": 10})
        second = abc_classify({"c": 10, "a": 60, "b": 25})
        assert first.class_of("c") == "B"  # fills the result's caches
        assert first == second
        assert hash(first) == hash(second)
        assert {first: 1}[second] == 1
        assert first != abc_classify({"a": 60, "b": 25, "c": 11})
        assert first != abc_classify({"a": 60, "b": 25, "c": 10}, thresholds=(0.7, 0.9))
        as_money = abc_classify({"a": Decimal(60), "b": Decimal(25), "c": Decimal(10)})
        assert first != as_money  # counts and money are different kinds of figure
        assert first != computed_abc({"a": 60, "b": 25, "c": 10})

    def test_combined_abc(self):
        """Combined ABC results compare by their parts."""
        figures = {"revenue": {"x": 900, "y": 80}, "volume": {"x": 2, "y": 30}}
        assert abc_combined(figures) == abc_combined(figures)
        assert hash(abc_combined(figures)) == hash(abc_combined(figures))
        assert abc_combined(figures) != abc_combined({"revenue": figures["revenue"]})

    def test_scorecards(self):
        """Scorecards of the same rows are equal."""
        from salesfunnel import score_accounts
        from salesfunnel.customers import criteria_for

        rows = {
            "A": {"loyalty": 5, "credit_standing": 3},
            "B": {"loyalty": 2, "credit_standing": 4},
        }
        criteria = criteria_for("loyalty", "credit_standing")
        card = score_accounts(rows, criteria=criteria)
        assert card == score_accounts(rows, criteria=criteria)
        assert hash(card) == hash(score_accounts(rows, criteria=criteria))
        assert card != score_accounts({"A": rows["A"]}, criteria=criteria)


# -- documents ------------------------------------------------------------------------------


class TestForecastDocument:
    def result(self) -> Forecast:
        deals = [deal(), deal(id="D2", owner="Bo", stage="intent", amount="50000.50")]
        return forecast(deals, cutoff=date(2026, 8, 31), by="owner")

    def test_period_round_trips(self):
        """A forecast of a whole year keeps its period through a document."""
        deals = [deal(), deal(id="D2", stage="closed", closed_on=date(2026, 2, 1))]
        year = forecast(deals, cutoff=date(2026, 8, 31), period="2026")
        doc = to_dict(year)["forecast"]
        assert doc["period"]["fiscal_year"] == 2026
        assert doc["period"]["quarter"] is None
        back = loads(dumps(year))
        assert back == year
        assert isinstance(back.period, FiscalYear)

    def test_shape(self):
        """A forecast is written with ISO dates, decimal strings, enum values and every bucket."""
        doc = to_dict(self.result())["forecast"]
        assert doc["cutoff"] == "2026-08-31"
        assert doc["calendar"] == {"start_month": 1, "named_by": "end"}
        assert doc["quarter"] == {
            "calendar": {"start_month": 1, "named_by": "end"},
            "fiscal_year": 2026,
            "quarter": 3,
        }
        assert doc["currency"] == "CNY"
        assert doc["by"] == ["owner"]
        ann = doc["rows"][0]
        assert ann["group"] == ["Ann"]
        assert list(ann["buckets"]) == [
            "closed",
            "overdue",
            "0-3m",
            "3-6m",
            "6-9m",
            "9-12m",
            "12m+",
            "lost",
        ]
        assert ann["total"] == {"count": 1, "amount": "100000", "weighted": "80000.0"}
        assert doc["total"]["categories"]["pipeline"]["amount"] == "50000.50"
        assert doc["not_yet_created"] == []

    def test_totals_must_add_up(self):
        """A bucket, category or total that disagrees with the cells is a problem."""
        doc = to_dict(self.result())
        doc["forecast"]["rows"][0]["buckets"]["0-3m"]["amount"] = "1"
        assert problems(doc) == [
            (
                "$.forecast.rows[0].buckets.0-3m",
                "does not add up: its cells give count 1, amount 100000 and weighted 80000.0",
            )
        ]
        doc = to_dict(self.result())
        doc["forecast"]["total"]["total"]["count"] = 3
        assert problems(doc)[0][0] == "$.forecast.total.total"

    def test_cells_and_groups(self):
        """A repeated cell, a group of the wrong size and a grouped total are problems."""
        doc = to_dict(self.result())
        row = doc["forecast"]["rows"][0]
        row["cells"].append(dict(row["cells"][0]))
        assert problems(doc) == [
            ("$.forecast.rows[0].cells[1]", "repeats a (bucket, category) cell")
        ]
        doc = to_dict(self.result())
        doc["forecast"]["rows"][1]["group"] = ["Bo", "CRM"]
        assert problems(doc)[0][0] == "$.forecast.rows[1].group"
        doc = to_dict(self.result())
        doc["forecast"]["total"]["group"] = ["Ann"]
        assert problems(doc)[0][0] == "$.forecast.total.group"
        doc = to_dict(self.result())
        doc["forecast"]["by"] = ["owner", "owner"]
        assert problems(doc)[0] == ("$.forecast.by", "repeats a grouping")

    def test_bad_values(self):
        """Bad enum values, groupings, currencies and buckets are problems with their paths."""
        doc = to_dict(self.result())
        f = doc["forecast"]
        f["by"] = ["region"]
        f["currency"] = "yuan"
        f["rows"][0]["cells"][0]["bucket"] = "soon"
        del f["total"]["buckets"]["lost"]
        found = dict(problems(doc))
        assert found["$.forecast.by[0]"] == "is not one of 'owner', 'product'"
        assert found["$.forecast.currency"] == "is not an ISO 4217 currency code"
        assert found["$.forecast.rows[0].cells[0].bucket"] == "is not a TimeBucket"
        assert found["$.forecast.total.buckets.lost"] == "is missing"
        doc = to_dict(self.result())
        doc["forecast"]["currency"] = 156
        assert problems(doc)[0][1] == "is a number, not a currency code"


class TestPeriods:
    def codec(self) -> Codec:
        return Codec.build(DEFAULT_REGISTRY, tuple(DEFAULT_SCHEMAS))

    def test_quarters_and_years(self):
        """A quota period is written with its calendar; quarter null means the whole year."""
        deals = [deal(owner="Ann")]
        quotas = [Quota("Ann", "2026Q3", "10"), Quota("Ann", "FY2027", "20")]
        results = quota_attainment(
            deals, quotas, cutoff=date(2026, 8, 31), calendar=FiscalCalendar(4)
        )
        doc = to_dict(results)
        assert doc["schema"] == "salesfunnel/quota-results"
        periods = [r["period"] for r in doc["quota_results"]]
        assert [p["quarter"] for p in periods] == [3, None]
        assert loads(json.dumps(doc)) == results

    def test_bad_periods(self):
        """A quarter where a year is asked, and the reverse, and a fifth quarter are problems."""
        codec = self.codec()
        quarter = codec.unstructure(FiscalCalendar().quarter(2026, 3), FiscalQuarter)
        assert codec.structure(quarter, FiscalQuarter) == FiscalCalendar().quarter(2026, 3)
        with pytest.raises(cattrs.errors.ClassValidationError):
            codec.structure(quarter, FiscalYear)
        year = dict(quarter, quarter=None)
        assert codec.structure(year, FiscalYear) == FiscalCalendar().year(2026)
        with pytest.raises(cattrs.errors.ClassValidationError):
            codec.structure(year, FiscalQuarter)
        doc = to_dict(forecast([deal()], cutoff=date(2026, 8, 31)))
        doc["forecast"]["quarter"]["quarter"] = 5
        assert problems(doc)[0] == (
            "$.forecast.quarter",
            "quarter 5: a fiscal year has quarters 1-4",
        )
        doc["forecast"]["quarter"]["quarter"] = None
        assert problems(doc)[0] == (
            "$.forecast.quarter.quarter",
            "is null, but a quarter is needed",
        )


class TestWaterfallDocument:
    def result(self) -> Any:
        return waterfall(
            SAMPLE[:80],
            start=date(2026, 6, 30),
            end=SAMPLE_AS_OF,
            window=(date(2026, 7, 1), date(2026, 12, 31)),
            currency="CNY",
            rates=frame_rates,
        )

    def test_shape(self):
        """A waterfall is written with its window as a pair of dates and signed amounts."""
        doc = to_dict(self.result())["waterfall"]
        assert doc["window"] == ["2026-07-01", "2026-12-31"]
        assert {c["movement"] for c in doc["changes"]} <= {
            "new",
            "pulled_in",
            "pushed_out",
            "amount_up",
            "amount_down",
            "won",
            "lost",
            "reopened",
            "removed",
        }
        assert isinstance(doc["opening"], str)

    def test_must_balance(self):
        """Changes that do not lead from the opening to the closing value are a problem."""
        doc = to_dict(self.result())
        doc["waterfall"]["closing"] = "1"
        ((column, why),) = problems(doc)
        assert column == "$.waterfall.changes"
        assert why.startswith("do not add up: opening")

    @pytest.mark.parametrize(
        ("window", "why"),
        [
            ("2026-07-01", "is a string, not a [first, last] pair of dates"),
            ([1, 2], "is not a [first, last] pair of dates"),
            (["2026-07-01", "July"], "is not a date in YYYY-MM-DD form"),
        ],
    )
    def test_bad_window(self, window, why):
        """A window that is not a pair of ISO dates is a problem."""
        doc = to_dict(self.result())
        doc["waterfall"]["window"] = window
        assert problems(doc) == [("$.waterfall.window", why)]


class TestDistributionDocument:
    def dist(self) -> OutcomeDistribution:
        return distribution_of([(Decimal(100), Decimal("0.5")), (Decimal(200), Decimal("0.5"))])

    def test_shape(self):
        """Masses are whole numbers over a common denominator, all written as digit strings."""
        doc = to_dict(self.dist())["distribution"]
        assert doc["method"] == "exact"
        assert doc["mean"] == "150.0"
        assert doc["error"] == {"amount": "0", "probability": 0.0}
        table = doc["table"]
        assert table["denominator"] == "4"
        assert table["weights"] == ["1", "1", "1", "1"]
        assert table["points"] == ["0", "100", "200", "300"]

    def test_evenly_spaced_points(self):
        """A lattice writes no points, only the first one (offset) and the spacing (step)."""
        pairs = [(Decimal(100), Decimal("0.3")), (Decimal(250), Decimal("0.6"))]
        dist = distribution_of(pairs, method=Method.LATTICE)
        table = to_dict(dist)["distribution"]["table"]
        assert table["points"] is None
        assert (table["offset"], table["step"]) == ("0", "50")
        assert len(table["weights"]) == 8
        round_trip(dist)

    @pytest.mark.parametrize(
        ("change", "column", "why"),
        [
            ({"denominator": "0"}, "table.denominator", "'0' is not a positive whole number"),
            ({"denominator": "x"}, "table.denominator", "'x' is not a positive whole number"),
            ({"weights": ["1", "-1", "1", "1"]}, "table.weights[1]", "'-1' is not a whole number"),
            ({"weights": []}, "table.weights", "is empty"),
            ({"points": ["0", "1"]}, "table.points", "has 2 points for 4 weights"),
            ({"points": ["0", "2", "1", "3"]}, "table.points", "are not ascending"),
        ],
    )
    def test_bad_tables(self, change, column, why):
        """Masses that are not whole numbers, or points that do not fit them, are problems."""
        doc = to_dict(self.dist())
        doc["distribution"]["table"].update(change)
        assert problems(doc) == [(f"$.distribution.{column}", why)]

    def test_floats_only_where_held(self):
        """The error probability is a JSON number; a string there is a problem."""
        doc = to_dict(self.dist())
        doc["distribution"]["error"]["probability"] = "0"
        assert problems(doc) == [("$.distribution.error.probability", "is a string, not a number")]
        doc["distribution"]["error"]["probability"] = True
        assert problems(doc) == [("$.distribution.error.probability", "is a bool, not a number")]


class TestSimulationDocument:
    def test_shape_and_checks(self):
        """Totals are decimal strings, one per trial; a count that does not match is a problem."""
        sim = simulate([deal()], 5, seed=1)
        doc = to_dict(sim)
        assert doc["simulation"]["trials"] == 5
        assert all(isinstance(t, str) for t in doc["simulation"]["totals"])
        doc["simulation"]["totals"].pop()
        assert problems(doc) == [("$.simulation.totals", "has 4 totals for 5 trials")]
        doc["simulation"]["trials"] = 0
        assert problems(doc) == [("$.simulation.trials", "is not a positive number of trials")]


class TestAbcDocument:
    def result(self) -> AbcResult[str]:
        return abc_classify({"a": Decimal("60.50"), "b": 25, "c": Decimal(10), "d": Decimal(0)})

    def test_shape(self):
        """Customers are written in rank order with their figure (typed) and class."""
        doc = to_dict(self.result())["abc"]
        assert doc["customers"] == [
            {"key": "a", "value": "60.50", "class": "A"},
            {"key": "b", "value": 25, "class": "A"},
            {"key": "c", "value": "10", "class": "B"},
            {"key": "d", "value": "0", "class": "C"},
        ]
        assert doc["thresholds"] == ["0.8", "0.95"]
        assert doc["cuts"] == [2, 3, 4]
        assert doc["limits"] is None
        assert doc["measure"] == {"en": "value", "zh": "数值"}

    def test_computed_limits_and_int_keys(self):
        """A computed result keeps its limit points; integer customer keys stay integers."""
        result = computed_abc(dict(enumerate([90, 60, 40, 20, 10, 8, 6, 4, 2, 1])))
        doc = to_dict(result)["abc"]
        assert doc["limits"]["pareto"]["count"] == 3
        assert doc["customers"][0]["key"] == 0
        back = loads(dumps(result))
        assert back.class_of(0) == "A"
        round_trip(result)

    def test_keys_that_cannot_be_written(self):
        """A customer key that is neither a string nor an integer cannot be written."""
        with pytest.raises(TypeError, match="use str"):
            dumps(abc_classify({("a", 1): 5}))

    @pytest.mark.parametrize(
        ("edit", "column", "why"),
        [
            (
                lambda d: d["customers"][0].update({"class": "B"}),
                "customers[0].class",
                "is 'B', but the figures and cuts put 'a' in 'A'",
            ),
            (
                lambda d: d["customers"].append({"key": "a", "value": 1, "class": "C"}),
                "customers[4].key",
                "repeats a customer",
            ),
            (lambda d: d.update(cuts=[1, 3]), "cuts", "has 2 entries; this analysis has 3 classes"),
            (
                lambda d: d.update(cuts=[2, 1, 4]),
                "cuts",
                "are not counts of customers rising to the 4 customers",
            ),
            (lambda d: d.update(places=0), "places", "is not a whole number from 1 to 30"),
            (
                lambda d: d.update(boundary=None),
                "boundary",
                'is null; fixed ABC has "before" or "inclusive"',
            ),
            (
                lambda d: d["customers"][0].update(key=True),
                "customers[0].key",
                "is a bool, not a customer key",
            ),
            (
                lambda d: d["customers"][0].update(value=None),
                "customers[0].value",
                "is null, not a figure",
            ),
            (
                lambda d: d["customers"][0].update(value="ten"),
                "customers[0].value",
                "is not a number",
            ),
        ],
    )
    def test_bad_documents(self, edit, column, why):
        """Classes, cuts and options that do not fit the figures are problems with their paths."""
        doc = to_dict(self.result())
        edit(doc["abc"])
        assert problems(doc) == [(f"$.abc.{column}", why)]

    def test_bad_figures_and_thresholds(self):
        """Negative figures, money mixed with measures and bad thresholds are problems."""
        doc = to_dict(self.result())
        doc["abc"]["customers"][1]["value"] = "-3"
        ((column, why),) = problems(doc)
        assert column == "$.abc.customers"
        assert "negative" in why
        doc = to_dict(self.result())
        doc["abc"]["customers"][1]["value"] = 3.5
        assert problems(doc)[0][0] == "$.abc.customers"
        doc = to_dict(self.result())
        doc["abc"]["thresholds"] = ["0.9", "0.5"]
        assert problems(doc)[0][0] == "$.abc.thresholds"

    def test_combined(self):
        """A combined result holds one result per criterion; mismatches are problems."""
        combined = abc_combined({"revenue": {"x": 900, "y": 80}, "volume": {"x": 2, "y": 30}})
        doc = to_dict(combined)
        assert doc["schema"] == "salesfunnel/combined-abc"
        assert doc["combined_abc"]["criteria"] == ["revenue", "volume"]
        assert dict(loads(json.dumps(doc)).codes) == dict(combined.codes)
        broken = copy.deepcopy(doc)
        broken["combined_abc"]["results"].pop()
        assert problems(broken) == [("$.combined_abc.results", "has 1 results for 2 criteria")]
        broken = copy.deepcopy(doc)
        broken["combined_abc"]["criteria"] = ["revenue", "revenue"]
        assert problems(broken) == [("$.combined_abc.criteria", "is empty or repeats a criterion")]


class TestKeyAccountDocuments:
    def account(self) -> KeyAccount:
        acct = KeyAccount(
            "KA1",
            "Acme",
            "pre_kam",
            since=date(2025, 1, 6),
            signals={"contacts": 4, "share_of_wallet": Decimal("0.35"), "coach_found": True},
        )
        acct = acct.record("find_coach", on=date(2025, 2, 1), note="met Li")
        return acct.advance(on=date(2025, 3, 1), reason="first order")

    def test_shape(self):
        """A key account is written with its stage key, tagged signals, records and history."""
        doc = to_dict(self.account())["key_account"]
        assert doc["stage"] == "early"
        assert doc["signals"]["share_of_wallet"] == {"decimal": "0.35"}
        assert doc["activities"] == [
            {"activity": "find_coach", "on": "2025-02-01", "note": "met Li"}
        ]
        assert [h["kind"] for h in doc["history"]] == ["create", "advance"]

    def test_assessment_and_next_step(self):
        """Assessments write criteria as rules and verdicts per stage; next steps their gaps."""
        a = assess({"trial_order": True, "coach_found": True, "visits_per_month": 2})
        doc = to_dict(a)["assessment"]
        assert doc["stage"] == "early"
        assert [v["stage"] for v in doc["verdicts"]] == [
            "early",
            "mid",
            "partnership",
            "synergistic",
            "uncoupling",
        ]
        assert doc["met"][0]["key"] == "trial_order"
        step = next_step(self.account())
        sdoc = to_dict(step)["next_step"]
        assert sdoc["gaps"][0].keys() == {"key", "stage", "text", "from_source"}
        assert loads(json.dumps(to_dict(step))) == step

    def test_an_inconsistent_account_is_a_problem(self):
        """An account whose history does not end in its stage is a problem of the account."""
        doc = to_dict(self.account())
        doc["key_account"]["stage"] = "mid"
        ((column, why),) = problems(doc)
        assert column == "$.key_account"
        assert "history ends in 'early'" in why
        doc = to_dict(assess({}))
        doc["assessment"]["verdicts"][0]["stage"] = "someday"
        assert problems(doc)[0][0] == "$.assessment.verdicts[0].stage"

    def test_learned_probabilities_hold_their_funnel(self):
        """Learned probabilities write their funnel with rules by reference."""
        from salesfunnel import learn_probabilities

        learned = learn_probabilities(SAMPLE, as_of=SAMPLE_AS_OF)
        doc = to_dict(learned)["learned_probabilities"]
        assert doc["funnel"]["stages"][4]["rule"] == {"ref": "recognition"}
        back = loads(json.dumps(to_dict(learned)))
        assert back == learned
        assert back(SAMPLE[0]) == learned(SAMPLE[0])
        assert back.funnel == DEFAULT_FUNNEL


class TestOtherDocuments:
    def test_exchange_rates_and_calendars(self):
        """Rates are written with decimal strings; bad rates are problems of the document."""
        rates = frame_rates
        doc = to_dict(rates)
        assert doc["exchange_rates"]["rates"][0].keys() == {"on", "base", "quote", "rate"}
        doc["exchange_rates"]["rates"][0]["rate"] = "0"
        ((column, why),) = problems(doc)
        assert column == "$.exchange_rates.rates[0]"
        assert "is zero" in why
        cal = to_dict(FiscalCalendar(4, "start"))
        assert cal["calendar"] == {"start_month": 4, "named_by": "start"}
        cal["calendar"]["named_by"] = "middle"
        assert problems(cal) == [("$.calendar.named_by", "is not one of 'start', 'end'")]

    def test_slippage_report_of_the_sample(self):
        """A slippage report is a list document read back as a tuple."""
        from salesfunnel.forecasting import slippage_report

        report = slippage_report(SAMPLE)
        doc = to_dict(report)
        assert doc["schema"] == "salesfunnel/slippage-report"
        assert loads(json.dumps(doc)) == report
        one = to_dict(report[0])["slippage"]
        assert one["first_expected"] == report[0].first_expected.isoformat()
        assert date.fromisoformat(one["expected"]) - date.fromisoformat(
            one["first_expected"]
        ) == timedelta(days=report[0].net_days)
