"""The funnel: opportunities, stages and funnels, the stage machine, histories, the course's gates.

Holds :class:`Opportunity` (:mod:`.opportunity`), :class:`Stage` and
:class:`Funnel` with :data:`DEFAULT_FUNNEL` (:mod:`.stages`), the course's
entry criteria (:mod:`.gates`), the stage machine and dated revisions
(:mod:`.machine`) and the readers of histories: the state on a past date,
time in stage, stages reached (:mod:`.history`).

May import the ground floor (errors, i18n, money, fx, calendar, tables) and
:mod:`salesfunnel.qualification`; nothing above it.
"""

from salesfunnel.calendar import check_date
from salesfunnel.funnel.course import DEFAULT_FUNNEL, ROLES
from salesfunnel.funnel.gates import (
    CLOSED_RULE,
    DEFAULT_RULES,
    INTENT_RULE,
    NEGOTIATION_RULE,
    POTENTIAL_RULE,
    PROJECT_RULE,
    RECOGNITION_RULE,
    WALL_RULE,
)
from salesfunnel.funnel.history import (
    StageTime,
    as_of,
    at_cutoff,
    reached_stages,
    snapshot,
    time_in_stage,
)
from salesfunnel.funnel.machine import (
    advance,
    check,
    lose,
    plan_advance,
    plan_exit,
    plan_reopen,
    reopen,
)
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import (
    UNRECORDED_STAGE,
    ChangeKind,
    LineItem,
    Override,
    Reprice,
    Reschedule,
    Revision,
    SkipPolicy,
    StageChange,
    StageKey,
    StageKind,
    default_history,
)
from salesfunnel.funnel.revisions import UNCHANGED, override, reprice, reschedule
from salesfunnel.funnel.stages import Funnel, Role, Stage

__all__ = [
    "CLOSED_RULE",
    "DEFAULT_FUNNEL",
    "DEFAULT_RULES",
    "INTENT_RULE",
    "NEGOTIATION_RULE",
    "POTENTIAL_RULE",
    "PROJECT_RULE",
    "RECOGNITION_RULE",
    "ROLES",
    "UNCHANGED",
    "UNRECORDED_STAGE",
    "WALL_RULE",
    "ChangeKind",
    "Funnel",
    "LineItem",
    "Opportunity",
    "Override",
    "Reprice",
    "Reschedule",
    "Revision",
    "Role",
    "SkipPolicy",
    "Stage",
    "StageChange",
    "StageKey",
    "StageKind",
    "StageTime",
    "advance",
    "as_of",
    "at_cutoff",
    "check",
    "check_date",
    "default_history",
    "lose",
    "override",
    "plan_advance",
    "plan_exit",
    "plan_reopen",
    "reached_stages",
    "reopen",
    "reprice",
    "reschedule",
    "snapshot",
    "time_in_stage",
]
