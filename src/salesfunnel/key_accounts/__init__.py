"""Key accounts: the lifecycle, signals, playbooks, assessment and the loyalty effect.

Holds :class:`KamStage` (:mod:`.lifecycle`), :class:`KeyAccount`
(:mod:`.account`), the signal catalogue and evidence rules (:mod:`.signals`),
playbooks and gaps (:mod:`.playbooks`), :func:`assess` and :func:`next_step`
(:mod:`.assessment`) and the loyalty-effect profit model (:mod:`.loyalty`).

May import :mod:`salesfunnel.forecasting`, :mod:`salesfunnel.pipeline`, the
funnel and everything below them.
"""

from salesfunnel.key_accounts.account import (
    ActivityRecord,
    InvalidKeyAccountError,
    KeyAccount,
)
from salesfunnel.key_accounts.assessment import (
    Assessment,
    Fit,
    NextStep,
    assess,
    next_step,
)
from salesfunnel.key_accounts.lifecycle import (
    KAM_FUNNEL,
    KEY_ACCOUNT_MANAGER,
    LIFECYCLE,
    PROFILES,
    KamStage,
    KamStageProfile,
    kam_funnel,
)
from salesfunnel.key_accounts.loyalty import (
    CENT,
    InvalidLoyaltyModelError,
    LoyaltyModel,
    ProfitSource,
    RateOutOfRangeError,
    RetentionEffect,
    YearProfit,
    expected_tenure,
    lifetime_profit,
    retention_effect,
    to_rate,
)
from salesfunnel.key_accounts.playbooks import (
    PLAYBOOKS,
    Activity,
    Playbook,
    UnknownActivityError,
    find_activity,
    gaps,
    playbook,
)
from salesfunnel.key_accounts.signals import (
    DEFAULT_KAM_RULES,
    SIGNALS,
    InvalidSignalError,
    KamRules,
    Signal,
    SignalKind,
    UnknownSignalError,
    check_signals,
)

__all__ = [
    "CENT",
    "DEFAULT_KAM_RULES",
    "KAM_FUNNEL",
    "KEY_ACCOUNT_MANAGER",
    "LIFECYCLE",
    "PLAYBOOKS",
    "PROFILES",
    "SIGNALS",
    "Activity",
    "ActivityRecord",
    "Assessment",
    "Fit",
    "InvalidKeyAccountError",
    "InvalidLoyaltyModelError",
    "InvalidSignalError",
    "KamRules",
    "KamStage",
    "KamStageProfile",
    "KeyAccount",
    "LoyaltyModel",
    "NextStep",
    "Playbook",
    "ProfitSource",
    "RateOutOfRangeError",
    "RetentionEffect",
    "Signal",
    "SignalKind",
    "UnknownActivityError",
    "UnknownSignalError",
    "YearProfit",
    "assess",
    "check_signals",
    "expected_tenure",
    "find_activity",
    "gaps",
    "kam_funnel",
    "lifetime_profit",
    "next_step",
    "playbook",
    "retention_effect",
    "to_rate",
]
