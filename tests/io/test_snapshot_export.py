"""A snapshot export with its own headers and stage names and no stage history, read whole.

The layout is the common one of public CRM sample data: one row per deal
with an agent, a product, an account, a stage (Prospecting > Engaging > Won
/ Lost), an engage date, a close date and a close value; prospects have no
dates, open deals no close date or value, some no account.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from salesfunnel import (
    UNRECORDED_STAGE,
    DataFileError,
    Funnel,
    StageKind,
    as_of,
    conversion,
    forecast,
    sales_cycle,
    win_rate,
)
from salesfunnel.io import UnknownFieldError, read_csv

EXPORT = Path(__file__).parents[1] / "fixtures" / "crm" / "snapshot_pipeline.csv"
FUNNEL = Funnel.from_stage_names(["Prospecting", "Engaging", "Won", "Lost"], won="Won", lost="Lost")
COLUMNS = {
    "opportunity_id": "id",
    "sales_agent": "owner",
    "product": "product",
    "account": "account",
    "deal_stage": "stage",
    "engage_date": "created",
    "close_date": "closed_on",
    "close_value": "amount",
}
DEFAULTS = {
    "currency": "USD",
    "account": "(no account)",
    "created": "2016-10-01",
    "amount": "0",
    "expected_close": "2017-12-31",
}


def read(**changes):
    options = {"funnel": FUNNEL, "columns": COLUMNS, "defaults": DEFAULTS, **changes}
    return read_csv(EXPORT, **options)


class TestSnapshotExport:
    def test_every_row_is_read(self):
        """All 14 deals come in; closed ones are open until their close date."""
        deals = {d.id: d for d in read()}
        assert len(deals) == 14
        won = deals["1C1I7A6R"]
        assert (won.stage, won.created, won.closed_on) == (
            "Won",
            date(2016, 10, 20),
            date(2017, 3, 1),
        )
        assert won.name == "1C1I7A6R"  # no name column: the id names the deal
        assert won.products == ("GTX Plus Basic",)
        assert won.expected_close == won.closed_on  # not the open deals' default
        assert as_of(won, date(2017, 2, 1)) == UNRECORDED_STAGE
        prospect = deals["TWEXPCCL"]
        assert (prospect.account, prospect.created, prospect.amount) == (
            "(no account)",
            date(2016, 10, 1),
            Decimal(0),
        )
        assert prospect.expected_close == date(2017, 12, 31)

    def test_figures(self):
        """Cycle, win rate, a forecast and conversion come out of the snapshot."""
        deals = read()
        end = date(2017, 3, 31)
        cycle = sales_cycle(deals, FUNNEL, as_of=end)
        assert cycle.count == 10
        assert cycle.mean == pytest.approx(131.2)
        assert win_rate(deals, FUNNEL, as_of=end) == pytest.approx(10 / 12)
        result = forecast(deals, cutoff=end, funnel=FUNNEL)
        assert result.total.total.amount == sum(d.amount for d in deals if d.stage == "Won")
        before = forecast(deals, cutoff=date(2017, 2, 28), funnel=FUNNEL)
        assert before.total.total.count == 14  # every deal was open then
        table = conversion(deals, FUNNEL, as_of=end)
        assert table["Prospecting"].reached == 14
        assert FUNNEL.kind_of(deals[0]) is StageKind.WON

    def test_without_defaults_every_gap_is_named(self):
        """Missing values are reported per row, each naming the default that would fill it."""
        with pytest.raises(DataFileError) as caught:
            read(defaults={"currency": "USD"})
        problems = caught.value.problems
        assert {p.column for p in problems} == {"account", "engage_date", "expected_close"}
        assert all("defaults=" in p.fix for p in problems)

    def test_a_missing_expected_close_is_named(self):
        """An open deal without an expected close date is a problem with the fix."""
        defaults = {k: v for k, v in DEFAULTS.items() if k != "expected_close"}
        with pytest.raises(DataFileError) as caught:
            read(defaults=defaults)
        (engaging, prospect) = caught.value.problems
        assert engaging.column == "expected_close"
        assert engaging.why == "is missing"
        assert "defaults={'expected_close'" in engaging.fix
        assert prospect.opportunity_id == "TWEXPCCL"

    def test_product_is_products(self):
        """A one-product column may be mapped to 'product'; a typo names the closest field."""
        with pytest.raises(UnknownFieldError, match="closest is 'products'"):
            read(columns={**COLUMNS, "product": "prodcut"})
