"""Tests for salesfunnel.io._analytics_docs: deal health, analytics, categories, quotas, rules."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from salesfunnel import (
    Criterion,
    FiscalCalendar,
    ForecastCategory,
    Quota,
    playbook,
    sales_cycle,
)
from salesfunnel.analytics import (
    additional_business,
    heat_ranking,
    sales_velocity,
    stale_deals,
    time_in_stages,
)
from salesfunnel.analytics.conversion import CycleStats, StageDurations
from salesfunnel.analytics.deal_health import DealHeat, HeatWeights, StaleDeal
from salesfunnel.analytics.velocity import AdditionalBusiness, Velocity
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.forecasting import (
    DEFAULT_CATEGORY_POLICY,
    CategoryPolicy,
    CategoryRule,
    CloseWindow,
)
from salesfunnel.funnel import WALL_RULE
from salesfunnel.funnel.history import StageTime
from salesfunnel.io import DataFileError, dumps, loads, to_dict
from salesfunnel.key_accounts import DEFAULT_KAM_RULES

SAMPLE = sample_pipeline()
CNY = [o for o in SAMPLE if o.currency == "CNY"]


def problems(doc: dict[str, Any]) -> list[tuple[str | None, str]]:
    """The (path, why) of every problem reading ``doc``."""
    with pytest.raises(DataFileError) as info:
        loads(json.dumps(doc))
    return [(p.column, p.why) for p in info.value.problems]


def edited(obj: object, **changes: object) -> dict[str, Any]:
    """The document of ``obj`` with some payload keys changed."""
    doc = to_dict(obj)
    key = next(k for k in doc if k not in {"schema", "version"})
    doc[key].update(changes)
    return doc


class TestDealHealthDocuments:
    def test_shape(self):
        """Heats are numbers; stale deals carry ISO dates; lists are read back as tuples."""
        heats = heat_ranking(SAMPLE, as_of=SAMPLE_AS_OF)
        doc = to_dict(heats)
        assert doc["schema"] == "salesfunnel/deal-heats"
        first = doc["deal_heats"][0]
        assert set(first) == {"opportunity_id", "score", "stage", "probability", "recency", "close"}
        assert loads(json.dumps(doc)) == heats
        stale = stale_deals(SAMPLE, as_of=SAMPLE_AS_OF)
        one = to_dict(stale[0])["stale_deal"]
        assert one["since"] == stale[0].since.isoformat()
        assert one["days"] > one["threshold"]
        assert to_dict(HeatWeights())["heat_weights"] == {
            "stage": 0.25,
            "probability": 0.25,
            "recency": 0.25,
            "close": 0.25,
        }

    @pytest.mark.parametrize(
        ("changes", "column", "why"),
        [
            ({"recency": 1.5}, "recency", "is not in [0, 1]"),
            ({"score": -1}, "score", "is not in [0, 100]"),
            ({"score": "80"}, "score", "is a string, not a number"),
        ],
    )
    def test_bad_heat(self, changes, column, why):
        """Heat parts outside [0, 1] and scores outside [0, 100] are problems."""
        doc = edited(DealHeat("D1", 50.0, 0.5, 0.5, 0.5, 0.5), **changes)
        assert problems(doc) == [(f"$.deal_heat.{column}", why)]

    def test_bad_stale_deal(self):
        """A deal that is not past its threshold, or a negative threshold, is a problem."""
        stale = StaleDeal("D1", "Ann", "intent", date(2026, 1, 1), 50, 45)
        assert problems(edited(stale, days=45))[0][0] == "$.stale_deal.days"
        assert problems(edited(stale, threshold=-1)) == [("$.stale_deal.threshold", "is negative")]

    def test_bad_weights(self):
        """All-zero heat weights are a problem of the weights."""
        ((path, why),) = problems(edited(HeatWeights(), stage=0, probability=0, recency=0, close=0))
        assert path == "$.heat_weights"
        assert "at least one weight" in why


class TestAnalyticsDocuments:
    def test_shape(self):
        """Durations and cycles are floats or null; money is decimal strings."""
        durations = time_in_stages(SAMPLE, as_of=SAMPLE_AS_OF)
        doc = to_dict(durations)
        assert doc["schema"] == "salesfunnel/time-in-stages"
        assert doc["time_in_stages"][0]["stage"] == "target_segment"
        cycle = to_dict(sales_cycle(SAMPLE, as_of=SAMPLE_AS_OF))["cycle_stats"]
        assert isinstance(cycle["mean"], float)
        velocity = to_dict(sales_velocity(CNY, as_of=SAMPLE_AS_OF))["velocity"]
        assert isinstance(velocity["per_day"], str)
        assert velocity["currency"] == "CNY"
        extra = to_dict(additional_business(CNY, as_of=SAMPLE_AS_OF))["additional_business"]
        assert set(extra) == {"currency", "returning", "new", "returning_deals", "new_deals"}
        assert isinstance(extra["new"], str)
        assert to_dict(StageTime(10, 25, 2))["stage_time"] == {
            "latest": 10,
            "total": 25,
            "visits": 2,
        }

    @pytest.mark.parametrize(
        ("obj", "changes", "column", "why"),
        [
            (StageTime(3, 5, 2), {"visits": 0}, "visits", "is not a number of stays (1 or more)"),
            (StageTime(3, 5, 2), {"latest": 6}, "latest", "is not between 0 and the total"),
            (
                StageDurations("intent", 2, 3.0, 3.5, 4.0, 4.5),
                {"latest_mean": None},
                "latest_mean",
                "is null exactly when no deal spent time in the stage",
            ),
            (
                StageDurations("intent", 0, None, None, None, None),
                {"deals": -1},
                "deals",
                "is negative",
            ),
            (
                StageDurations("intent", 2, 3.0, 3.5, 4.0, 4.5),
                {"total_mean": -2.0},
                "total_mean",
                "is negative",
            ),
            (CycleStats(0, None, None), {"count": -1}, "count", "is negative"),
            (
                CycleStats(2, 30.0, 30.0),
                {"median": None},
                "median",
                "is null exactly when no deal was won",
            ),
            (CycleStats(2, 30.0, 30.0), {"mean": -1.0}, "mean", "is negative"),
            (
                Velocity(3, 0.5, Decimal(10), 20.0, Decimal("0.75"), "CNY"),
                {"win_rate": 1.5},
                "win_rate",
                "is not in [0, 1]",
            ),
            (
                Velocity(3, 0.5, Decimal(10), 20.0, Decimal("0.75"), "CNY"),
                {"open_deals": -3},
                "open_deals",
                "is negative",
            ),
            (
                Velocity(3, 0.5, Decimal(10), 20.0, Decimal("0.75"), "CNY"),
                {"per_day": "-1"},
                "per_day",
                "is negative",
            ),
            (
                AdditionalBusiness("CNY", Decimal(5), Decimal(0), 1, 0),
                {"new": "3"},
                "new",
                "is not 0, but new_deals is 0",
            ),
            (
                AdditionalBusiness("CNY", Decimal(5), Decimal(0), 1, 0),
                {"returning": "-5"},
                "returning",
                "is negative",
            ),
            (
                AdditionalBusiness("CNY", Decimal(5), Decimal(0), 1, 0),
                {"new_deals": -1},
                "new_deals",
                "is negative",
            ),
        ],
    )
    def test_bad_figures(self, obj, changes, column, why):
        """Figures that contradict each other, or cannot be, are problems with their paths."""
        doc = edited(obj, **changes)
        key = next(k for k in doc if k not in {"schema", "version"})
        assert problems(doc) == [(f"$.{key}.{column}", why)]


class TestCategoryPolicyDocument:
    def test_shape(self):
        """Stage sets are written sorted and windows in their order."""
        doc = to_dict(DEFAULT_CATEGORY_POLICY)["category_policy"]
        assert doc["rules"][0] == {
            "stages": ["negotiation"],
            "category": "commit",
            "windows": ["this_quarter"],
        }
        assert doc["rules"][-1]["windows"] == ["earlier", "this_quarter", "next_quarter", "later"]
        assert doc["otherwise"] == "omitted"

    @pytest.mark.parametrize(
        ("rule", "column", "why"),
        [
            ({"stages": ["intent", "intent"]}, "stages", "repeats a stage key"),
            ({"stages": "intent"}, "stages", "is a string, not a list of stage keys"),
            ({"windows": ["someday"]}, "windows", "holds a value that is not a close window"),
            ({"windows": ["later", "later"]}, "windows", "repeats a close window"),
            ({"windows": []}, "windows", "is a list, not a non-empty list of close windows"),
        ],
    )
    def test_bad_rules(self, rule, column, why):
        """Repeated or unknown stages and windows are problems of the rule."""
        doc = to_dict(DEFAULT_CATEGORY_POLICY)
        doc["category_policy"]["rules"][0].update(rule)
        assert problems(doc) == [(f"$.category_policy.rules[0].{column}", why)]

    def test_booked_is_refused(self):
        """A rule or a fallback that books open deals is a problem."""
        policy = CategoryPolicy((CategoryRule("intent", ForecastCategory.PIPELINE),))
        doc = to_dict(policy)
        doc["category_policy"]["rules"][0]["category"] = "booked"
        ((path, why),) = problems(doc)
        assert path == "$.category_policy.rules[0]"
        assert "only a won deal is booked" in why
        assert loads(dumps(policy)).category("intent", CloseWindow.LATER) is (
            ForecastCategory.PIPELINE
        )


class TestQuotaDocument:
    def test_period_or_label(self):
        """A quota's period is a period object, or a label read later with the calendar."""
        quarter = Quota("Ann", FiscalCalendar(4).quarter(2026, 2), "50000")
        doc = to_dict(quarter)["quota"]
        assert doc["period"] == {
            "calendar": {"start_month": 4, "named_by": "end"},
            "fiscal_year": 2026,
            "quarter": 2,
        }
        assert doc["amount"] == "50000"
        assert to_dict(Quota("Ann", "2026Q3", 1))["quota"]["period"] == "2026Q3"
        assert problems(edited(quarter, period=" ")) == [("$.quota.period", "is empty")]
        assert problems(edited(quarter, period=7))[0][0] == "$.quota.period"


class TestKamDocuments:
    def test_kam_rules_by_reference(self):
        """The default key-account rules are written by reference; own rules in full."""
        doc = to_dict(DEFAULT_KAM_RULES)["kam_rules"]
        assert doc == {stage: {"ref": f"kam.{stage}"} for stage in doc}
        mine = DEFAULT_KAM_RULES.with_rule("early", Criterion.fact("trial_order", "Trial order"))
        early = to_dict(mine)["kam_rules"]["early"]
        assert early["test"] == {"type": "fact", "key": "trial_order"}
        assert loads(dumps(mine)) == mine

    def test_playbook(self):
        """A playbook writes its stage, focus and activities."""
        doc = to_dict(playbook("mid"))["playbook"]
        assert doc["stage"] == "mid"
        assert set(doc["activities"][0]) == {"key", "stage", "text", "from_source"}
        doc["stage"] = "late"
        found = problems({"schema": "salesfunnel/playbook", "version": 1, "playbook": doc})
        assert found == [("$.playbook.stage", "is not a KamStage")]


class TestRuleDocument:
    def test_shape(self):
        """A rule document holds one rule, by reference where it is registered."""
        assert to_dict(WALL_RULE) == {
            "schema": "salesfunnel/rule",
            "version": 1,
            "rule": {"ref": "wall"},
        }
        assert loads(dumps(WALL_RULE)) is WALL_RULE
        rule = ~Criterion.fact("churned", "Churned", "已流失")
        assert loads(dumps(rule)) == rule

    def test_expect(self):
        """loads(text, expect) checks the kind of rule read."""
        with pytest.raises(DataFileError, match="is not a document of Criterion"):
            loads(dumps(WALL_RULE), Criterion)
        crit = Criterion.fact("x", "X")
        assert loads(dumps(crit), Criterion) == crit

    def test_null_and_unknown(self):
        """A null rule or an unknown reference is a problem."""
        assert problems({"schema": "salesfunnel/rule", "version": 1, "rule": None}) == [
            ("$.rule", "is null, not a rule")
        ]
        ((path, why),) = problems(
            {"schema": "salesfunnel/rule", "version": 1, "rule": {"ref": "x"}}
        )
        assert path == "$.rule"
        assert "unknown rule reference 'x'" in why
