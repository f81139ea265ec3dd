"""salesfunnel: typed, pure-Python sales-funnel management.

The stage machine with its qualification gates, forecasts by time and by
category, probability-weighted pipeline maths, 80/20 (ABC) customer analysis
and the key-account lifecycle, as an embeddable core with no server.

>>> from salesfunnel import DEFAULT_FUNNEL
>>> len(DEFAULT_FUNNEL), DEFAULT_FUNNEL["closed"].label("zh")
(7, '完成销售成交')

This namespace holds what a user needs on the first day. Everything else is
reached through its subpackage, named after its concept (see the
architecture page of the documentation):

* :mod:`salesfunnel.funnel`: opportunities, stages, the stage machine, histories;
* :mod:`salesfunnel.qualification`: rules and verdicts;
* :mod:`salesfunnel.forecasting`: buckets, categories, the roll-up, quotas, waterfalls;
* :mod:`salesfunnel.pipeline`: weighted value, outcome distributions, simulation;
* :mod:`salesfunnel.analytics`: conversion, cycle, deal health, calibration;
* :mod:`salesfunnel.customers`: ABC analysis, scoring, key-customer types, screening;
* :mod:`salesfunnel.key_accounts`: the key-account lifecycle;
* :mod:`salesfunnel.io`, :mod:`salesfunnel.render`, :mod:`salesfunnel.frames`,
  :mod:`salesfunnel.plot`: files, output formats, DataFrames and charts.

Every name loads its module on first use, so importing salesfunnel imports
only what is used (and never the JSON codec); output formats are in :mod:`salesfunnel.render`
(``from salesfunnel.render import render``).
"""

from __future__ import annotations

from importlib import import_module as _import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesfunnel.analytics import (
        conversion,
        funnel_summary,
        learn_probabilities,
        sales_cycle,
        win_rate,
    )
    from salesfunnel.calendar import FiscalCalendar
    from salesfunnel.customers import abc_classify, abc_combined, computed_abc, score_accounts
    from salesfunnel.errors import (
        FunnelError,
        GateNotPassedError,
        InvalidOpportunityError,
        TransitionError,
        UnknownStageError,
    )
    from salesfunnel.forecasting import (
        Forecast,
        ForecastCategory,
        Quota,
        TimeBucket,
        forecast,
        forecast_category,
        quota_attainment,
        time_bucket,
        waterfall,
    )
    from salesfunnel.funnel import (
        DEFAULT_FUNNEL,
        UNRECORDED_STAGE,
        ChangeKind,
        Funnel,
        LineItem,
        Opportunity,
        Stage,
        StageChange,
        StageKind,
        as_of,
        override,
        reprice,
        reschedule,
        snapshot,
    )
    from salesfunnel.fx import ExchangeRates, MissingRateError
    from salesfunnel.i18n import Text
    from salesfunnel.io import (
        DataFileError,
        dumps,
        loads,
        read_csv,
        read_json,
        write_csv,
        write_json,
    )
    from salesfunnel.key_accounts import KamStage, KeyAccount, assess, next_step, playbook
    from salesfunnel.pipeline import distribution_of, outcome_distribution, simulate, weighted_value
    from salesfunnel.qualification import AllOf, AnyOf, Criterion, Verdict, evaluate

del TYPE_CHECKING  # a name of the typing module, not of this namespace

__version__ = "0.1.0.dev0"

#: The subpackages and modules searched to say where a name lives.
_AREAS = (
    "funnel",
    "qualification",
    "calendar",
    "fx",
    "money",
    "forecasting",
    "pipeline",
    "analytics",
    "customers",
    "key_accounts",
    "errors",
)

#: Every name of the namespace loads its module on first use (so that
#: ``import salesfunnel`` and the command line's start are quick): where it lives.
_LAZY = {
    "conversion": "salesfunnel.analytics",
    "funnel_summary": "salesfunnel.analytics",
    "learn_probabilities": "salesfunnel.analytics",
    "sales_cycle": "salesfunnel.analytics",
    "win_rate": "salesfunnel.analytics",
    "FiscalCalendar": "salesfunnel.calendar",
    "abc_classify": "salesfunnel.customers",
    "abc_combined": "salesfunnel.customers",
    "computed_abc": "salesfunnel.customers",
    "score_accounts": "salesfunnel.customers",
    "FunnelError": "salesfunnel.errors",
    "GateNotPassedError": "salesfunnel.errors",
    "InvalidOpportunityError": "salesfunnel.errors",
    "TransitionError": "salesfunnel.errors",
    "UnknownStageError": "salesfunnel.errors",
    "Forecast": "salesfunnel.forecasting",
    "ForecastCategory": "salesfunnel.forecasting",
    "Quota": "salesfunnel.forecasting",
    "TimeBucket": "salesfunnel.forecasting",
    "forecast": "salesfunnel.forecasting",
    "forecast_category": "salesfunnel.forecasting",
    "quota_attainment": "salesfunnel.forecasting",
    "time_bucket": "salesfunnel.forecasting",
    "waterfall": "salesfunnel.forecasting",
    "DEFAULT_FUNNEL": "salesfunnel.funnel",
    "UNRECORDED_STAGE": "salesfunnel.funnel",
    "ChangeKind": "salesfunnel.funnel",
    "Funnel": "salesfunnel.funnel",
    "LineItem": "salesfunnel.funnel",
    "Opportunity": "salesfunnel.funnel",
    "Stage": "salesfunnel.funnel",
    "StageChange": "salesfunnel.funnel",
    "StageKind": "salesfunnel.funnel",
    "as_of": "salesfunnel.funnel",
    "override": "salesfunnel.funnel",
    "reprice": "salesfunnel.funnel",
    "reschedule": "salesfunnel.funnel",
    "snapshot": "salesfunnel.funnel",
    "ExchangeRates": "salesfunnel.fx",
    "MissingRateError": "salesfunnel.fx",
    "Text": "salesfunnel.i18n",
    "KamStage": "salesfunnel.key_accounts",
    "KeyAccount": "salesfunnel.key_accounts",
    "assess": "salesfunnel.key_accounts",
    "next_step": "salesfunnel.key_accounts",
    "playbook": "salesfunnel.key_accounts",
    "distribution_of": "salesfunnel.pipeline",
    "outcome_distribution": "salesfunnel.pipeline",
    "simulate": "salesfunnel.pipeline",
    "weighted_value": "salesfunnel.pipeline",
    "AllOf": "salesfunnel.qualification",
    "AnyOf": "salesfunnel.qualification",
    "Criterion": "salesfunnel.qualification",
    "Verdict": "salesfunnel.qualification",
    "evaluate": "salesfunnel.qualification",
    "DataFileError": "salesfunnel.io",
    "dumps": "salesfunnel.io",
    "loads": "salesfunnel.io",
    "read_csv": "salesfunnel.io",
    "read_json": "salesfunnel.io",
    "write_csv": "salesfunnel.io",
    "write_json": "salesfunnel.io",
}


def __getattr__(name: str) -> object:
    """Load a name of the namespace from its module on first use."""
    module = _LAZY.get(name)
    if module is None:
        home = next(
            (
                f"salesfunnel.{area}"
                for area in _AREAS
                if name in getattr(_import_module(f"salesfunnel.{area}"), "__all__", ())
            ),
            None,
        )
        where = (
            f"it lives in {home}: from {home} import {name}"
            if home is not None
            else "names beyond the first-day set live in their subpackage (salesfunnel."
            "funnel, .forecasting, .pipeline, .analytics, .customers, .key_accounts, .io)"
        )
        raise AttributeError(f"module 'salesfunnel' has no attribute {name!r}; {where}")
    value = getattr(_import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List every public name, the lazily loaded ones included."""
    return sorted(__all__)


__all__ = [
    "DEFAULT_FUNNEL",
    "UNRECORDED_STAGE",
    "AllOf",
    "AnyOf",
    "ChangeKind",
    "Criterion",
    "DataFileError",
    "ExchangeRates",
    "FiscalCalendar",
    "Forecast",
    "ForecastCategory",
    "Funnel",
    "FunnelError",
    "GateNotPassedError",
    "InvalidOpportunityError",
    "KamStage",
    "KeyAccount",
    "LineItem",
    "MissingRateError",
    "Opportunity",
    "Quota",
    "Stage",
    "StageChange",
    "StageKind",
    "Text",
    "TimeBucket",
    "TransitionError",
    "UnknownStageError",
    "Verdict",
    "abc_classify",
    "abc_combined",
    "as_of",
    "assess",
    "computed_abc",
    "conversion",
    "distribution_of",
    "dumps",
    "evaluate",
    "forecast",
    "forecast_category",
    "funnel_summary",
    "learn_probabilities",
    "loads",
    "next_step",
    "outcome_distribution",
    "override",
    "playbook",
    "quota_attainment",
    "read_csv",
    "read_json",
    "reprice",
    "reschedule",
    "sales_cycle",
    "score_accounts",
    "simulate",
    "snapshot",
    "time_bucket",
    "waterfall",
    "weighted_value",
    "win_rate",
    "write_csv",
    "write_json",
]
