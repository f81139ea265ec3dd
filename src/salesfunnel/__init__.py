"""salesfunnel: typed, pure-Python sales-funnel management.

The stage machine with its qualification gates, forecasts by time and by
category, probability-weighted pipeline maths, 80/20 (ABC) customer analysis
and the key-account lifecycle, as an embeddable core with no server.

>>> from salesfunnel import DEFAULT_FUNNEL
>>> len(DEFAULT_FUNNEL), DEFAULT_FUNNEL["closed"].label("zh")
(7, '完成销售成交')
"""

from __future__ import annotations

from salesfunnel.errors import (
    AmountTypeError,
    ChronologyError,
    CurrencyError,
    FunnelDefinitionError,
    FunnelError,
    GateNotPassedError,
    InvalidAmountError,
    InvalidDateError,
    InvalidFactError,
    InvalidOpportunityError,
    InvalidProbabilityError,
    InvalidRuleError,
    TransitionError,
    UnknownLanguageError,
    UnknownStageError,
)
from salesfunnel.history import StageTime, as_of, snapshot, time_in_stage
from salesfunnel.i18n import Lang, Text
from salesfunnel.machine import reprice, reschedule
from salesfunnel.model import (
    ChangeKind,
    LineItem,
    Opportunity,
    Reprice,
    Reschedule,
    Revision,
    SkipPolicy,
    StageChange,
    StageKind,
)
from salesfunnel.qualification import (
    AllOf,
    AnyOf,
    AtLeast,
    Criterion,
    Facts,
    Not,
    Outcome,
    Rule,
    Verdict,
    evaluate,
)
from salesfunnel.rules import WALL_RULE
from salesfunnel.stages import DEFAULT_FUNNEL, ROLES, Funnel, Role, Stage

__version__ = "0.1.0.dev0"

__all__ = [
    "DEFAULT_FUNNEL",
    "ROLES",
    "WALL_RULE",
    "AllOf",
    "AmountTypeError",
    "AnyOf",
    "AtLeast",
    "ChangeKind",
    "ChronologyError",
    "Criterion",
    "CurrencyError",
    "Facts",
    "Funnel",
    "FunnelDefinitionError",
    "FunnelError",
    "GateNotPassedError",
    "InvalidAmountError",
    "InvalidDateError",
    "InvalidFactError",
    "InvalidOpportunityError",
    "InvalidProbabilityError",
    "InvalidRuleError",
    "Lang",
    "LineItem",
    "Not",
    "Opportunity",
    "Outcome",
    "Reprice",
    "Reschedule",
    "Revision",
    "Role",
    "Rule",
    "SkipPolicy",
    "Stage",
    "StageChange",
    "StageKind",
    "StageTime",
    "Text",
    "TransitionError",
    "UnknownLanguageError",
    "UnknownStageError",
    "Verdict",
    "as_of",
    "evaluate",
    "reprice",
    "reschedule",
    "snapshot",
    "time_in_stage",
]
