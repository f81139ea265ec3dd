"""JSON documents of results and configuration: forecasts, distributions, ABC, customers, rules.

Every public result and configuration value of the library converts to a
versioned document and back (``loads(dumps(x)) == x``, literally: every kind
compares by value), like opportunities and funnels
(:mod:`salesfunnel.io.json_format`): money and other exact
numbers are decimal strings, dates ``YYYY-MM-DD``, enums by value, and floats
only where the object holds floats. :func:`~salesfunnel.io.dumps` and
:func:`~salesfunnel.io.loads` know every schema of :data:`RESULT_SCHEMAS`;
the data-formats documentation describes each document.

>>> from datetime import date
>>> from salesfunnel import Opportunity, forecast
>>> from salesfunnel.io import dumps, loads, to_dict
>>> deal = Opportunity(
...     id="D1",
...     name="ERP",
...     account="Acme",
...     owner="Ann",
...     stage="negotiation",
...     created=date(2026, 1, 5),
...     expected_close=date(2026, 9, 15),
...     amount="100000",
...     currency="CNY",
... )
>>> result = forecast([deal], cutoff=date(2026, 8, 31), by="owner")
>>> doc = to_dict(result)
>>> doc["schema"], doc["version"], doc["forecast"]["rows"][0]["cells"]
('salesfunnel/forecast', 1, [{'bucket': '0-3m', 'category': 'commit', 'count': 1, 'amount': '100000', 'weighted': '80000.0'}])
>>> loads(dumps(result)) == result
True

Objects that hold a rule (a funnel, an assessment) write it by reference or
in full, as funnels do (see :mod:`salesfunnel.io.rule_registry`). Results
that are computed on demand (an ABC result's rows, an outcome distribution's
probabilities) are written from the data they are computed from; values
written for the reader's convenience (an ABC customer's class, a forecast
row's totals) are checked against that data when the document is read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

import attrs
from cattrs.errors import StructureHandlerNotFoundError

from salesfunnel.analytics.backtest import Backtest
from salesfunnel.analytics.calibration import Calibration, LearnedProbabilities
from salesfunnel.analytics.conversion import (
    ConversionTable,
    CycleStats,
    FunnelSummary,
    StageDurations,
)
from salesfunnel.analytics.deal_health import DealHeat, HeatWeights, StaleDeal
from salesfunnel.analytics.velocity import AdditionalBusiness, Velocity
from salesfunnel.calendar import FiscalCalendar, FiscalQuarter, Period
from salesfunnel.customers.abc_classes import AbcResult, CombinedAbc
from salesfunnel.customers.buying import AccountEvidence, BuyingMap, Screening, ScreeningReport
from salesfunnel.customers.key_customers import (
    CustomerProfile,
    KeyCustomerClassification,
    KeyCustomerThresholds,
)
from salesfunnel.customers.scoring import Scorecard, ScoredAccount
from salesfunnel.errors import FunnelError
from salesfunnel.forecasting.buckets import TimeBucket
from salesfunnel.forecasting.categories import CategoryPolicy
from salesfunnel.forecasting.kinds import ForecastCategory
from salesfunnel.forecasting.quotas import Quota, QuotaResult
from salesfunnel.forecasting.rollup import Figures, Forecast, ForecastRow
from salesfunnel.forecasting.submissions import ForecastSubmission, SubmissionReview
from salesfunnel.forecasting.waterfall import Slippage, Waterfall
from salesfunnel.funnel.history import StageTime
from salesfunnel.fx import ExchangeRates
from salesfunnel.io import _values as v
from salesfunnel.io._analytics_docs import register_analytics
from salesfunnel.io._converter import json_kind
from salesfunnel.io._customer_docs import register_customers
from salesfunnel.io._result_docs import register_numeric
from salesfunnel.io._result_hooks import bad, build, fields, format_decimal, register_common
from salesfunnel.io._schema import DocumentSchema
from salesfunnel.key_accounts.account import KeyAccount
from salesfunnel.key_accounts.assessment import Assessment, NextStep
from salesfunnel.key_accounts.lifecycle import KamStage
from salesfunnel.key_accounts.loyalty import LoyaltyModel, RetentionEffect
from salesfunnel.key_accounts.playbooks import Playbook
from salesfunnel.key_accounts.signals import KamRules
from salesfunnel.money import Currency, currency_code
from salesfunnel.pipeline.distribution import OutcomeDistribution
from salesfunnel.pipeline.weighted import Simulation
from salesfunnel.qualification import RuleBase, Verdict

__all__ = ["RESULT_SCHEMAS", "configure"]

_Unstructure = Callable[[Any], Any]

# -- shared values ---------------------------------------------------------------


def _currency_in(value: object, _t: object) -> Currency:
    if not isinstance(value, str):
        raise v.BadValue(f"is {json_kind(value)}, not a currency code", "write an ISO 4217 code")
    try:
        return currency_code(value)
    except FunnelError:
        raise v.BadValue(
            "is not an ISO 4217 currency code", 'write a three-letter code such as "CNY"'
        ) from None


# -- forecasts ---------------------------------------------------------------------

_CELL_RANK = {
    (b, c): i for i, (b, c) in enumerate((b, c) for b in TimeBucket for c in ForecastCategory)
}


@attrs.frozen
class _Cell:
    """One (bucket, category) cell of a forecast row, as written."""

    bucket: TimeBucket
    category: ForecastCategory
    count: int
    amount: Decimal
    weighted: Decimal


def _figures_out(f: Figures) -> dict[str, object]:
    return {
        "count": f.count,
        "amount": format_decimal(f.amount),
        "weighted": format_decimal(f.weighted),
    }


def _row_out(row: ForecastRow) -> dict[str, object]:
    cells = sorted(row.cells.items(), key=lambda item: _CELL_RANK[item[0]])
    return {
        "group": list(row.group),
        "cells": [
            {"bucket": b.value, "category": c.value, **_figures_out(f)} for (b, c), f in cells
        ],
        "buckets": {b.value: _figures_out(f) for b, f in row.buckets.items()},
        "categories": {c.value: _figures_out(f) for c, f in row.categories.items()},
        "total": _figures_out(row.total),
    }


def _row_in(conv: Any) -> Callable[[object, object], ForecastRow]:  # noqa: ANN401
    buckets_spec = {b.value: Figures for b in TimeBucket}
    categories_spec = {c.value: Figures for c in ForecastCategory}

    def by_key(value: object, _t: object, spec: Mapping[str, type]) -> dict[str, Figures]:
        return fields(conv, value, Figures, spec)

    conv.register_structure_hook_func(
        lambda t: t == dict[TimeBucket, Figures], lambda x, t: by_key(x, t, buckets_spec)
    )
    conv.register_structure_hook_func(
        lambda t: t == dict[ForecastCategory, Figures], lambda x, t: by_key(x, t, categories_spec)
    )
    spec = {
        "group": tuple[str, ...],
        "cells": tuple[_Cell, ...],
        "buckets": dict[TimeBucket, Figures],
        "categories": dict[ForecastCategory, Figures],
        "total": Figures,
    }

    def hook(value: object, _t: object) -> ForecastRow:
        got = fields(conv, value, ForecastRow, spec)
        cells: dict[tuple[TimeBucket, ForecastCategory], Figures] = {}
        for i, cell in enumerate(got["cells"]):
            key = (cell.bucket, cell.category)
            if key in cells:
                raise bad(ForecastRow, ("cells", i), "repeats a (bucket, category) cell")
            cells[key] = Figures(cell.count, cell.amount, cell.weighted)
        ordered = dict(sorted(cells.items(), key=lambda item: _CELL_RANK[item[0]]))
        buckets = {b: got["buckets"][b.value] for b in TimeBucket}
        categories = {c: got["categories"][c.value] for c in ForecastCategory}
        row: ForecastRow = build(
            ForecastRow,
            lambda: ForecastRow(
                tuple(got["group"]),
                MappingProxyType(ordered),
                MappingProxyType(buckets),
                MappingProxyType(categories),
                got["total"],
            ),
        )
        return row

    return hook


def _forecast_out(conv: Any) -> _Unstructure:  # noqa: ANN401
    def hook(f: Forecast) -> dict[str, object]:
        return {
            "cutoff": f.cutoff.isoformat(),
            "calendar": conv.unstructure(f.calendar, FiscalCalendar),
            "quarter": conv.unstructure(f.quarter, FiscalQuarter),
            "period": conv.unstructure(f.period, Period),
            "currency": f.currency,
            "by": list(f.by),
            "rows": [_row_out(r) for r in f.rows],
            "total": _row_out(f.total),
            "not_yet_created": list(f.not_yet_created),
        }

    return hook


def _forecast_in(conv: Any) -> Callable[[object, object], Forecast]:  # noqa: ANN401
    spec = {
        "cutoff": date,
        "calendar": FiscalCalendar,
        "quarter": FiscalQuarter,
        "period": Period,
        "currency": Currency | None,
        "by": tuple[Literal["owner", "product"], ...],
        "rows": tuple[ForecastRow, ...],
        "total": ForecastRow,
        "not_yet_created": tuple[str, ...],
    }

    def hook(value: object, _t: object) -> Forecast:
        got = fields(conv, value, Forecast, spec)
        result: Forecast = build(Forecast, lambda: Forecast(**got))
        return result

    return hook


# -- key accounts ---------------------------------------------------------------------

_StageVerdict = tuple[KamStage, Verdict]


def _stage_verdict_in(conv: Any) -> Callable[[object, object], _StageVerdict]:  # noqa: ANN401
    spec = {"stage": KamStage, "verdict": Verdict}

    def hook(value: object, _t: object) -> _StageVerdict:
        got = fields(conv, value, Assessment, spec)
        return (got["stage"], got["verdict"])

    return hook


# -- registration ----------------------------------------------------------------------


class _Configured:
    """Marks a converter that has the result hooks (``configure`` runs once per converter)."""


def _configured(_value: object, _t: object) -> bool:
    return True


def _is_configured(conv: Any) -> bool:  # noqa: ANN401
    try:
        return conv.get_structure_hook(_Configured) is _configured
    except StructureHandlerNotFoundError:
        return False


def configure(conv: Any) -> None:  # noqa: ANN401  (a cattrs converter)
    """Register the hooks of every result document on ``conv`` (a cattrs converter).

    Args:
        conv: The converter of a codec; its rule, date, Decimal and enum
            hooks are already in place.
    """
    if _is_configured(conv):
        return
    conv.register_structure_hook(_Configured, _configured)
    register_common(conv)
    conv.register_structure_hook(Currency, _currency_in)
    conv.register_structure_hook(ForecastRow, _row_in(conv))
    conv.register_unstructure_hook(Forecast, _forecast_out(conv))
    conv.register_structure_hook(Forecast, _forecast_in(conv))
    register_numeric(conv)
    conv.register_unstructure_hook_func(
        lambda t: t == _StageVerdict,
        lambda pair: {"stage": pair[0].value, "verdict": conv.unstructure(pair[1], Verdict)},
    )
    conv.register_structure_hook_func(lambda t: t == _StageVerdict, _stage_verdict_in(conv))
    register_customers(conv)
    register_analytics(conv)


def _schema(name: str, key: str, cls: type, *, many: bool = False) -> DocumentSchema:
    return DocumentSchema(f"salesfunnel/{name}", 1, key, cls, many=many, configure=configure)


#: The result documents, each at version 1 (see the data-formats documentation).
RESULT_SCHEMAS: tuple[DocumentSchema, ...] = (
    _schema("forecast", "forecast", Forecast),
    _schema("waterfall", "waterfall", Waterfall),
    _schema("slippage", "slippage", Slippage),
    _schema("slippage-report", "slippages", Slippage, many=True),
    _schema("quota-result", "quota_result", QuotaResult),
    _schema("quota-results", "quota_results", QuotaResult, many=True),
    _schema("outcome-distribution", "distribution", OutcomeDistribution),
    _schema("simulation", "simulation", Simulation),
    _schema("abc-result", "abc", AbcResult),
    _schema("combined-abc", "combined_abc", CombinedAbc),
    _schema("key-account", "key_account", KeyAccount),
    _schema("key-accounts", "key_accounts", KeyAccount, many=True),
    _schema("assessment", "assessment", Assessment),
    _schema("next-step", "next_step", NextStep),
    _schema("next-steps", "next_steps", NextStep, many=True),
    _schema("loyalty-model", "loyalty_model", LoyaltyModel),
    _schema("learned-probabilities", "learned_probabilities", LearnedProbabilities),
    _schema("exchange-rates", "exchange_rates", ExchangeRates),
    _schema("fiscal-calendar", "calendar", FiscalCalendar),
    _schema("conversion-table", "conversion", ConversionTable),
    _schema("funnel-summary", "funnel_summary", FunnelSummary),
    _schema("calibration", "calibration", Calibration),
    _schema("backtest", "backtest", Backtest),
    _schema("retention-effect", "retention_effect", RetentionEffect),
    _schema("scorecard", "scorecard", Scorecard),
    _schema("scored-account", "scored_account", ScoredAccount),
    _schema("customer-profile", "customer_profile", CustomerProfile),
    _schema("customer-profiles", "customer_profiles", CustomerProfile, many=True),
    _schema("key-customer-thresholds", "key_customer_thresholds", KeyCustomerThresholds),
    _schema(
        "key-customer-classification", "key_customer_classification", KeyCustomerClassification
    ),
    _schema(
        "key-customer-classifications",
        "key_customer_classifications",
        KeyCustomerClassification,
        many=True,
    ),
    _schema("account-evidence", "account_evidence", AccountEvidence),
    _schema("accounts-evidence", "accounts_evidence", AccountEvidence, many=True),
    _schema("screening", "screening", Screening),
    _schema("screening-report", "screening_report", ScreeningReport),
    _schema("buying-map", "buying_map", BuyingMap),
    _schema("deal-heat", "deal_heat", DealHeat),
    _schema("deal-heats", "deal_heats", DealHeat, many=True),
    _schema("heat-weights", "heat_weights", HeatWeights),
    _schema("stale-deal", "stale_deal", StaleDeal),
    _schema("stale-deals", "stale_deals", StaleDeal, many=True),
    _schema("stage-time", "stage_time", StageTime),
    _schema("stage-durations", "stage_durations", StageDurations),
    _schema("time-in-stages", "time_in_stages", StageDurations, many=True),
    _schema("cycle-stats", "cycle_stats", CycleStats),
    _schema("velocity", "velocity", Velocity),
    _schema("additional-business", "additional_business", AdditionalBusiness),
    _schema("category-policy", "category_policy", CategoryPolicy),
    _schema("quota", "quota", Quota),
    _schema("forecast-submission", "submission", ForecastSubmission),
    _schema("forecast-submissions", "submissions", ForecastSubmission, many=True),
    _schema("submission-review", "submission_review", SubmissionReview),
    _schema("quotas", "quotas", Quota, many=True),
    _schema("kam-rules", "kam_rules", KamRules),
    _schema("playbook", "playbook", Playbook),
    _schema("playbooks", "playbooks", Playbook, many=True),
    _schema("rule", "rule", RuleBase),
)
