"""Fuzzing the key-account CSV reader: only FunnelError escapes; what it accepts round-trips."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from hypothesis import given

from salesfunnel.errors import FunnelError
from salesfunnel.io.key_accounts import format_key_accounts, read_key_accounts
from salesfunnel.key_accounts.account import ActivityRecord, KeyAccount
from tests.fuzz.test_csv import FUZZ, mutated, mutated_bytes

ACCOUNTS = [
    KeyAccount(
        "A1",
        "Acme",
        "mid",
        since=date(2025, 1, 5),
        manager="Li Wei",
        signals={"contacts": 4, "share_of_wallet": Decimal("0.3")},
        activities=[ActivityRecord("joint_plan", date(2025, 3, 1))],
        notes="=1+1",
    ),
    KeyAccount("A2", "Beta 客户", "early", since=date(2026, 2, 1), signals={"contacts": 1}),
]
TEXT = format_key_accounts(ACCOUNTS)


def round_trips(accounts: tuple[KeyAccount, ...]) -> None:
    assert all(a == a for a in accounts)  # noqa: PLR0124  (self-equal)
    assert read_key_accounts(io.StringIO(format_key_accounts(accounts))) == accounts


@FUZZ
@given(mutated(TEXT))
def test_only_typed_errors(text):
    try:
        accounts = read_key_accounts(io.StringIO(text))
    except FunnelError:
        return
    round_trips(accounts)


@FUZZ
@given(mutated(TEXT))
def test_lenient(text):
    try:
        result = read_key_accounts(io.StringIO(text), lenient=True)
    except FunnelError:
        return
    round_trips(result.records)


@FUZZ
@given(mutated_bytes(TEXT))
def test_odd_bytes(data):
    try:
        accounts = read_key_accounts(io.BytesIO(data))
    except FunnelError:
        return
    round_trips(accounts)
