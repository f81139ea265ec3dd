"""The invariants of customer results that need nothing of their classes but fields.

Private: the classes of :mod:`salesfunnel.customers.buying`,
:mod:`salesfunnel.customers.scoring` and the combined ABC result run these
when built; a document reader reports what they refuse at the JSON path of
the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from salesfunnel.errors import InvalidResultError

if TYPE_CHECKING:
    from salesfunnel.customers._abc_combined import CombinedAbc
    from salesfunnel.customers.buying import AccountEvidence, ScreeningReport
    from salesfunnel.customers.scoring import ScoredAccount

__all__ = [
    "check_account_evidence",
    "check_combined",
    "check_customers",
    "check_ranks",
    "check_screening_report",
]


def check_account_evidence(self: AccountEvidence) -> None:
    """Refuse negative counts.

    Raises:
        InvalidResultError: Naming the field at fault.
    """
    for name in ("purchases", "open_deals"):
        if getattr(self, name) < 0:
            raise InvalidResultError(
                "AccountEvidence", name, "is negative", "count the deals, 0 or more"
            )


def check_screening_report(self: ScreeningReport) -> None:
    """Refuse a repeated account and accounts out of order.

    Raises:
        InvalidResultError: Naming the account at fault.
    """
    order = [(-s.platform.level, s.account) for s in self.accounts]
    for i in range(1, len(order)):
        if order[i] == order[i - 1]:
            raise InvalidResultError(
                "ScreeningReport",
                ("accounts", i, "account"),
                "repeats an account",
                "screen each account once",
            )
        if order[i] < order[i - 1]:
            raise InvalidResultError(
                "ScreeningReport",
                ("accounts", i),
                "is out of order",
                "list the accounts by platform (highest first), then by name",
            )


def check_combined(self: CombinedAbc[Any]) -> None:
    """Refuse no criteria, a repeated criterion, and a result count that does not match.

    Raises:
        InvalidResultError: Naming the field at fault.
    """
    if len(set(self.criteria)) != len(self.criteria) or not self.criteria:
        why = "is empty or repeats a criterion"
        raise InvalidResultError("CombinedAbc", "criteria", why, "name each criterion once")
    if len(self.criteria) != len(self.results):
        raise InvalidResultError(
            "CombinedAbc",
            "results",
            f"has {len(self.results)} results for {len(self.criteria)} criteria",
            "give one result per criterion, in the same order",
        )


def check_ranks(accounts: Sequence[ScoredAccount[Any]]) -> None:
    """Refuse scores that rise, and ranks that do not follow from the places and scores."""
    for i in range(1, len(accounts)):
        if accounts[i].score > accounts[i - 1].score:
            raise InvalidResultError(
                "Scorecard", ("accounts", i, "score"), "is higher than the one before"
            )
    for i, a in enumerate(accounts):
        expected = accounts[i - 1].rank if i and accounts[i - 1].score == a.score else i + 1
        if a.rank != expected:
            raise InvalidResultError(
                "Scorecard",
                ("accounts", i, "rank"),
                f"is {a.rank}, but its place and score give rank {expected}",
                "rank is 1 + the number of customers with a strictly higher score",
            )


def check_customers(
    accounts: Sequence[ScoredAccount[Any]],
    incomplete: Sequence[tuple[object, tuple[str, ...]]],
    keys: Sequence[str],
) -> None:
    """Refuse a customer listed twice, and missing criteria that are none of ``keys``."""
    seen: set[object] = set()
    for i, a in enumerate(accounts):
        if a.customer in seen:
            raise InvalidResultError("Scorecard", ("accounts", i, "customer"), "repeats a customer")
        seen.add(a.customer)
    for i, (customer, missing) in enumerate(incomplete):
        if customer in seen:
            raise InvalidResultError(
                "Scorecard", ("incomplete", i, "customer"), "repeats a customer"
            )
        seen.add(customer)
        if not missing or any(k not in keys for k in missing):
            raise InvalidResultError(
                "Scorecard",
                ("incomplete", i, "missing"),
                "is empty or names a key that is not a criterion of the scorecard",
            )
