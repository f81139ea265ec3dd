"""The CRM presets read their vendors' export layouts: fixtures for each, checked end to end."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import salesfunnel
from salesfunnel import Funnel
from salesfunnel.funnel import ChangeKind
from salesfunnel.fx import ExchangeRates
from salesfunnel.io import DataFileError, read_csv, write_csv
from salesfunnel.io.presets import PRESETS, UnknownPresetError, preset

CRM = Path(__file__).parents[1] / "fixtures" / "crm"
UTC = ZoneInfo("UTC")
RATES = ExchangeRates.to("USD", {date(2025, 1, 1): {"EUR": "1.10"}})
CUTOFF = date(2026, 3, 31)

SALESFORCE = Funnel.from_stage_names(
    ["Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review", "Closed Won"],
    won="Closed Won",
    lost="Closed Lost",
)
HUBSPOT = Funnel.from_stage_names(
    [
        "Appointment Scheduled",
        "Qualified To Buy",
        "Presentation Scheduled",
        "Contract Sent",
        "Closed Won",
    ],
    won="Closed Won",
    lost="Closed Lost",
)
PIPEDRIVE = Funnel.from_stage_names(
    ["Qualified", "Contact Made", "Demo Scheduled", "Proposal Made", "Negotiations Started", "Won"],
    won="Won",
    lost="Lost",
)
ODOO = Funnel.from_stage_names(["New", "Qualified", "Proposition", "Won"], won="Won", lost="Lost")

#: (preset, deals file, history file, funnel, time zone)
CASES = {
    "salesforce": ("salesforce_opportunities.csv", None, SALESFORCE, UTC),
    "salesforce+history": (
        "salesforce_opportunities.csv",
        "salesforce_opportunity_history.csv",
        SALESFORCE,
        UTC,
    ),
    "hubspot": ("hubspot_deals.csv", None, HUBSPOT, UTC),
    "pipedrive": ("pipedrive_deals.csv", None, PIPEDRIVE, UTC),
    "pipedrive+history": ("pipedrive_deals.csv", "pipedrive_stage_history.csv", PIPEDRIVE, UTC),
    "odoo": ("odoo_crm_lead.csv", None, ODOO, ZoneInfo("Europe/Brussels")),
}


def _read(case: str):
    deals_file, history, funnel, tz = CASES[case]
    name = case.split("+", maxsplit=1)[0]
    return read_csv(
        CRM / deals_file,
        preset=name,
        funnel=funnel,
        tz=tz,
        history=None if history is None else CRM / history,
    )


class TestPresetFixtures:
    @pytest.mark.parametrize("case", sorted(CASES))
    def test_read_check_forecast_round_trip(self, case):
        """Each fixture reads cleanly, passes the funnel check, forecasts and round-trips."""
        funnel = CASES[case][2]
        deals = _read(case)
        assert len(deals) == 10
        assert {d.currency for d in deals} == {"USD", "EUR"}
        for deal in deals:
            assert funnel.check(deal) is deal
        fc = salesfunnel.forecast(deals, cutoff=CUTOFF, funnel=funnel, currency="USD", rates=RATES)
        assert fc.total is not None
        out, events = io.StringIO(), io.StringIO()
        write_csv(deals, out, events=events)
        back = read_csv(
            io.StringIO(out.getvalue()), events=io.StringIO(events.getvalue()), funnel=funnel
        )
        assert back == deals

    @pytest.mark.parametrize("case", ["salesforce", "pipedrive", "odoo"])
    def test_snapshot_deals_close_on_closed_on_with_no_history(self, case):
        """A won or lost deal of a snapshot export has closed_on and the default history."""
        deals = _read(case)
        closed = [d for d in deals if d.closed_on is not None]
        assert len(closed) == 4
        funnel = CASES[case][2]
        assert {funnel[d.stage].kind.value for d in closed} == {"won", "lost"}
        for deal in deals:
            assert deal.history_is_default
        # a snapshot file without events round-trips too
        out = io.StringIO()
        write_csv(deals, out)
        assert read_csv(io.StringIO(out.getvalue()), funnel=funnel) == deals

    def test_salesforce_values(self):
        """Salesforce: percent probabilities, date-times in UTC, Closed/Won booleans."""
        deals = {d.id: d for d in _read("salesforce")}
        assert deals["006A3"].probability == Decimal("0.6")
        assert deals["006A1"].created == date(2026, 1, 5)
        assert deals["006A5"].stage == "Closed Won"
        assert deals["006A5"].closed_on == date(2026, 2, 27)
        assert deals["006A6"].stage == "Closed Lost"
        assert deals["006A7"].closed_on is None

    def test_salesforce_history_kinds_and_revisions(self):
        """OpportunityHistory rows become advance/skip/regress/lose/reopen, reprices and reschedules."""
        deals = {d.id: d for d in _read("salesforce+history")}
        kinds = {i: [c.kind for c in d.history] for i, d in deals.items()}
        assert kinds["006A4"] == [ChangeKind.CREATE, ChangeKind.SKIP]
        assert deals["006A4"].history[1].skipped == ("Qualification", "Proposal/Price Quote")
        assert ChangeKind.REGRESS in kinds["006A8"]
        assert kinds["006A7"] == [ChangeKind.CREATE, ChangeKind.LOSE, ChangeKind.REOPEN]
        assert deals["006A3"].revisions[0].new_amount == Decimal(30000)
        assert [r.new for r in deals["006A7"].revisions] == [date(2026, 1, 20), date(2026, 6, 15)]
        assert deals["006B0"].history_is_default  # no history rows: still a snapshot

    def test_hubspot_date_entered_history(self):
        """HubSpot's Date entered columns give the history, ordered by date."""
        deals = {d.id: d for d in _read("hubspot")}
        assert [c.kind for c in deals["107"].history] == [
            ChangeKind.CREATE,
            ChangeKind.ADVANCE,
            ChangeKind.LOSE,
            ChangeKind.REOPEN,
        ]
        assert deals["105"].stage == "Closed Won"  # 'closedwon', the internal id
        assert deals["105"].closed_on == date(2026, 2, 15)
        assert deals["102"].probability == Decimal("0.4")

    def test_hubspot_naive_times_are_wall_time_in_tz(self):
        """A naive date-time is wall time in the tz given: its date does not move."""
        deals = read_csv(
            CRM / "hubspot_deals.csv",
            preset="hubspot",
            funnel=HUBSPOT,
            tz=ZoneInfo("Asia/Shanghai"),
            lenient=True,
        )
        iota = next(d for d in deals if d.id == "109")
        assert iota.closed_on == date(2026, 3, 1)

    def test_pipedrive_status_and_times(self):
        """Pipedrive: status open/won/lost with won/lost times and the lost reason."""
        deals = {d.id: d for d in _read("pipedrive")}
        assert deals["5"].stage == "Won"
        assert deals["5"].closed_on == date(2026, 2, 27)
        assert deals["6"].lost_reason == "Price too high"
        assert deals["8"].expected_close == date(2026, 3, 5)  # empty: the close date
        assert deals["4"].probability == Decimal("0.8")

    def test_odoo_active_false_is_lost(self):
        """Odoo: active=False is lost; a reopened lead keeps no stale lost reason."""
        deals = {d.id.rsplit("_", 1)[-1]: d for d in _read("odoo")}
        assert deals["6"].stage == "Lost"
        assert deals["6"].lost_reason == "Too expensive"
        assert deals["7"].stage == "Qualified"
        assert deals["7"].lost_reason is None
        assert deals["5"].stage == "Won"

    def test_a_date_time_without_tz_is_a_problem(self):
        """Without tz= every date-time is reported with the fix, and nothing is imported."""
        with pytest.raises(DataFileError) as info:
            read_csv(CRM / "odoo_crm_lead.csv", preset="odoo", funnel=ODOO)
        problems = info.value.problems
        assert all("pass tz=" in p.fix for p in problems)
        assert problems[0].row == 2
        assert problems[0].column == "create_date"

    def test_unmapped_stage_names_listed_at_once(self):
        """Reading into the wrong funnel lists every unknown stage name once, with the closest."""
        with pytest.raises(DataFileError) as info:
            read_csv(CRM / "pipedrive_deals.csv", preset="pipedrive", funnel=ODOO, tz=UTC)
        (problem,) = info.value.problems
        assert "3 stage names have no mapping" in problem.why
        assert "'Contact Made'" in problem.why
        assert "--stage-map" in problem.fix
        assert "Funnel.from_stage_names" in problem.fix

    def test_stage_mapping_fixes_it(self):
        """A stage mapping reads the same export into another funnel."""
        stages = {
            "Qualified": "New",
            "Contact Made": "Qualified",
            "Demo Scheduled": "Qualified",
            "Proposal Made": "Proposition",
            "Negotiations Started": "Proposition",
        }
        deals = read_csv(
            CRM / "pipedrive_deals.csv", preset="pipedrive", funnel=ODOO, tz=UTC, stages=stages
        )
        assert {d.stage for d in deals} == {"New", "Qualified", "Proposition", "Won", "Lost"}


class TestPresetLookup:
    def test_every_preset_is_found_in_any_case(self):
        """preset() finds each preset by name, in any case."""
        for name in PRESETS:
            assert preset(name.upper()).name == name

    def test_unknown_preset(self):
        """An unknown name is a LookupError naming the closest preset."""
        with pytest.raises(UnknownPresetError, match="did you mean 'hubspot'") as info:
            read_csv(io.StringIO("a\n1\n"), preset="hubspt")
        assert isinstance(info.value, LookupError)
        with pytest.raises(UnknownPresetError, match="the presets are"):
            preset("zzzzzz")
