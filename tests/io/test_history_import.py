"""Stage histories from CRM tables: kinds inferred from the funnel, every problem reported."""

from __future__ import annotations

import contextlib
import io
import random
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import salesfunnel
from salesfunnel import Funnel, Opportunity
from salesfunnel.errors import FunnelError
from salesfunnel.funnel import ChangeKind
from salesfunnel.io import DataFileError, read_csv, read_history, write_csv
from salesfunnel.io.history_import import (
    UNRECORDED_REASON,
    HistoryRow,
    apply_history,
    resolve_stage,
)
from salesfunnel.io.mapping import HISTORY_FIELDS, ImportMapping
from tests import factories

CRM = Path(__file__).parents[1] / "fixtures" / "crm"
LADDER = factories.funnel_of_names("A", "B", "C", "D", "Won")
UTC = ZoneInfo("UTC")


def _deal(i: int = 1, **changes) -> Opportunity:
    fields = {
        "id": f"D{i}",
        "name": f"deal {i}",
        "stage": "A",
        "expected_close": date(2026, 6, 30),
        "currency": "EUR",
    }
    return factories.deal(**{**fields, **changes})


def _machine_pipeline(seed: int) -> list[Opportunity]:
    """Random deals moved through the stage machine (advance, lose, reopen, win)."""
    rng = random.Random(seed)
    deals = []
    for i in range(20):
        created = date(2025, 10, 1) + timedelta(days=rng.randrange(60))
        deal = _deal(i, created=created, currency=rng.choice(["EUR", "USD"]))
        on = created
        for _ in range(rng.randrange(7)):
            on += timedelta(days=rng.randrange(1, 20))
            kind = LADDER[deal.stage].kind.value
            if kind == "won":
                break
            if kind == "lost":
                deal = LADDER.reopen(deal, on=on, reason="back")
            elif rng.random() < 0.2:
                deal = LADDER.lose(deal, on=on, reason="price")
            else:
                nxt = LADDER.successors(deal.stage)
                ladder_next = [s for s in nxt if s != LADDER.lost.key]
                deal = LADDER.advance(deal, ladder_next[0], on=on)
        deals.append(deal)
    return deals


def _history_table(deals) -> str:
    lines = ["deal_id,stage,date"]
    for d in deals:
        lines.extend(f"{d.id},{c.to_stage},{c.on.isoformat()}" for c in d.history)
    return "\n".join(lines) + "\n"


class TestSamePipelineTwice:
    @pytest.mark.parametrize("seed", [1, 2, 3])
    def test_machine_and_snapshot_plus_history_agree(self, seed):
        """Stage machine vs snapshot CSV + history import: equal forecast, win rate and cycle."""
        built = _machine_pipeline(seed)
        out = io.StringIO()
        write_csv(built, out, drop_history=True)
        imported = read_csv(
            io.StringIO(out.getvalue()), funnel=LADDER, history=io.StringIO(_history_table(built))
        )
        assert [d.id for d in imported] == [d.id for d in built]
        assert [[c.to_stage for c in d.history] for d in imported] == [
            [c.to_stage for c in d.history] for d in built
        ]
        assert [[c.kind for c in d.history] for d in imported] == [
            [c.kind for c in d.history] for d in built
        ]
        rates = salesfunnel.ExchangeRates.to("EUR", {date(2025, 1, 1): {"USD": "0.9"}})
        for cutoff in (date(2025, 12, 1), date(2026, 3, 31)):
            a = salesfunnel.forecast(
                built, cutoff=cutoff, funnel=LADDER, currency="EUR", rates=rates
            )
            b = salesfunnel.forecast(
                imported, cutoff=cutoff, funnel=LADDER, currency="EUR", rates=rates
            )
            assert a.total == b.total
            assert salesfunnel.win_rate(built, LADDER, as_of=cutoff) == salesfunnel.win_rate(
                imported, LADDER, as_of=cutoff
            )
            assert salesfunnel.sales_cycle(built, LADDER, as_of=cutoff) == salesfunnel.sales_cycle(
                imported, LADDER, as_of=cutoff
            )


class TestReadHistory:
    def test_kinds_and_revisions(self):
        """Long-table rows become create/skip/regress/lose/reopen, reprices and reschedules."""
        deal = _deal(stage="B", amount="1500", expected_close=date(2026, 7, 31))
        table = (
            "deal_id,stage,date,amount,expected_close,reason\n"
            "D1,A,2026-01-05,1000,2026-06-30,\n"
            "D1,C,2026-01-10,1000,2026-06-30,\n"
            "D1,B,2026-01-15,1500,2026-06-30,customer asked\n"
            "D1,Lost,2026-01-20,1500,2026-06-30,no budget\n"
            "D1,B,2026-02-01,1500,2026-07-31,budget back\n"
        )
        (back,) = read_history(io.StringIO(table), [deal], funnel=LADDER)
        assert [c.kind for c in back.history] == [
            ChangeKind.CREATE,
            ChangeKind.SKIP,
            ChangeKind.REGRESS,
            ChangeKind.LOSE,
            ChangeKind.REOPEN,
        ]
        assert back.history[1].skipped == ("B",)
        assert back.history[2].reason == "customer asked"
        assert [type(r).__name__ for r in back.revisions] == ["Reprice", "Reschedule"]

    def test_a_move_back_without_a_reason_says_so_and_round_trips(self):
        """A move back the export gives no reason for gets the stated one, and writes as events."""
        deal = _deal(stage="A", amount="1000", expected_close=date(2026, 6, 30))
        table = "deal_id,stage,date\nD1,B,2026-01-05\nD1,A,2026-01-10\n"
        (back,) = read_history(io.StringIO(table), [deal], funnel=LADDER)
        assert back.history[-1].kind is ChangeKind.REGRESS
        assert back.history[-1].reason == UNRECORDED_REASON
        out, events = io.StringIO(), io.StringIO()
        write_csv([back], out, events=events)
        out.seek(0)
        events.seek(0)
        assert read_csv(out, events=events, funnel=LADDER) == (back,)

    def test_salesforce_preset_and_lenient(self):
        """read_history reads OpportunityHistory with the Salesforce preset (lenient too)."""
        sf = Funnel.from_stage_names(
            [
                "Prospecting",
                "Qualification",
                "Proposal/Price Quote",
                "Negotiation/Review",
                "Closed Won",
            ],
            won="Closed Won",
            lost="Closed Lost",
        )
        deals = read_csv(
            CRM / "salesforce_opportunities.csv", preset="salesforce", funnel=sf, tz=UTC
        )
        result = read_history(
            CRM / "salesforce_opportunity_history.csv",
            deals,
            funnel=sf,
            preset="salesforce",
            tz=UTC,
            lenient=True,
        )
        assert result.ok
        assert sum(not d.history_is_default for d in result) == 7

    def test_custom_mapping_of_history_headers(self):
        """A mapping names the headers of the history table."""
        mapping = ImportMapping(
            known=HISTORY_FIELDS, columns={"Deal": "opportunity_id", "When": "on"}
        )
        table = "Deal,stage,When\nD1,A,2026-01-05\nD1,B,2026-01-06T10:00:00Z\n"
        (back,) = read_history(
            io.StringIO(table), [_deal(stage="B")], funnel=LADDER, mapping=mapping, tz=UTC
        )
        assert back.history[-1].kind is ChangeKind.ADVANCE

    def test_won_and_lost_values_of_the_preset(self):
        """resolve_stage maps won/lost export values and funnel labels."""
        m = ImportMapping(won_stages={"WON!"}, lost_stages={"gone"}, stages={"x": "A"})
        assert resolve_stage("WON!", LADDER, m) == "Won"
        assert resolve_stage("gone", LADDER, m) == "Lost"
        assert resolve_stage("x", LADDER, m) == "A"
        assert resolve_stage("nope", LADDER, m) is None
        no_won = Funnel.from_stage_names(["A", "B"], lost="Lost")
        assert resolve_stage("WON!", no_won, m) is None
        assert resolve_stage("intent", salesfunnel.DEFAULT_FUNNEL, m) == "intent"
        label = salesfunnel.DEFAULT_FUNNEL["intent"].text.en
        assert resolve_stage(label, salesfunnel.DEFAULT_FUNNEL, m) == "intent"


class TestBadHistory:
    def _problems(self, table: str, deals=None):
        with pytest.raises(DataFileError) as info:
            read_history(io.StringIO(table), deals or [_deal(stage="B")], funnel=LADDER, tz=UTC)
        return info.value.problems

    def test_row_for_an_unknown_deal(self):
        """A history row for a deal the deals file lacks names the row and the fix."""
        (p,) = self._problems(
            "deal_id,stage,date\nD1,A,2026-01-05\nD1,B,2026-01-06\nX9,A,2026-01-05\n"
        )
        assert p.row == 4
        assert "unknown deal 'X9'" in p.why
        assert "add the deal" in p.fix

    def test_moves_out_of_won(self):
        """A history that leaves the won stage does not chain."""
        deal = _deal(stage="Won", closed_on=date(2026, 2, 1))
        problems = self._problems(
            "deal_id,stage,date\nD1,A,2026-01-05\nD1,Won,2026-01-06\nD1,B,2026-01-07\n", [deal]
        )
        assert problems[0].row == 4
        assert "does not chain" in problems[0].why

    def test_ends_in_another_stage_amount_and_close_date(self):
        """A history that disagrees with the deals file is reported, each field once."""
        problems = self._problems(
            "deal_id,stage,date,amount,expected_close\nD1,A,2026-01-05,900,2026-05-31\n"
        )
        assert [p.column for p in problems] == ["stage", "amount", "expected_close"]
        assert "does not chain" in problems[0].why

    def test_starts_before_created_and_bad_cells(self):
        """Dates before creation, bad dates, amounts, empty ids and stages are reported."""
        problems = self._problems(
            "deal_id,stage,date,amount\n"
            "D1,A,2025-01-05,\n"
            ",A,2026-01-05,\n"
            "D1,,2026-01-05,\n"
            "D1,A,,\n"
            "D1,A,05/01/2026,\n"
            "D1,A,2026-01-05,-3\n"
            "D1,A,2026-01-05,,extra\n"
        )
        whys = " | ".join(p.why for p in problems)
        assert "before the deal was created" in whys
        assert "is empty" in whys
        assert "is not a date" in whys
        assert "is negative" in whys

    def test_unmapped_history_stages_listed_once(self):
        """Unknown stage names of a history table are listed once, with the closest."""
        problems = self._problems("deal_id,stage,date\nD1,Alpha,2026-01-05\nD1,Alpha,2026-01-06\n")
        (p,) = problems
        assert "'Alpha' (2 rows" in p.why

    def test_reprice_of_several_line_items(self):
        """An amount change of a deal with several line items cannot be inferred."""
        deal = _deal(amount=None, line_items={"x": "500", "y": "500"})
        problems = self._problems(
            "deal_id,stage,date,amount\nD1,A,2026-01-05,1000\nD1,A,2026-01-09,2000\n", [deal]
        )
        assert "line items" in problems[0].why

    def test_model_check_failure_is_a_problem(self):
        """A history the opportunity refuses (a reschedule before creation) is reported."""
        rows = [
            HistoryRow("h", 2, "D1", "A", date(2026, 1, 5), expected_close=date(2026, 6, 1)),
            HistoryRow("h", 3, "D1", "A", date(2026, 1, 6), expected_close=date(2026, 6, 30)),
        ]
        deal = _deal(stage="A", closed_on=None)
        wrong = Funnel.from_stage_names(["B", "Won"], won="Won", lost="Lost")
        out, problems, dropped = apply_history([deal], rows, LADDER)
        assert problems == [] and dropped == set() and out[0].revisions
        out, problems, dropped = apply_history([deal.evolve(stage="A")], rows, wrong)
        assert dropped == {"D1"} and problems

    def test_nothing_half_imported(self):
        """In strict read_csv, a bad history row means no deal at all is returned."""
        deals_csv = io.StringIO()
        write_csv([_deal(1, stage="B"), _deal(2)], deals_csv)
        with pytest.raises(DataFileError, match="unknown deal"):
            read_csv(
                io.StringIO(deals_csv.getvalue()),
                funnel=LADDER,
                history=io.StringIO(
                    "deal_id,stage,date\nD1,A,2026-01-05\nD1,B,2026-01-06\nZZ,A,2026-01-05\n"
                ),
            )


class TestFuzz:
    @settings(max_examples=settings.default.max_examples * 6 // 5, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["D1", "D2", "", "X"]),
                st.sampled_from(["A", "B", "C", "Won", "Lost", "??", ""]),
                st.sampled_from(
                    ["2026-01-05", "2026-02-01", "2025-01-01", "2026-01-05T10:00:00Z", "bad", ""]
                ),
                st.sampled_from(["", "1000", "-1", "x", "2000"]),
            ),
            max_size=8,
        )
    )
    def test_random_history_rows_raise_only_funnel_errors(self, rows):
        """Any mutated history table either reads or raises a FunnelError."""
        table = "deal_id,stage,date,amount\n" + "".join(f"{a},{b},{c},{d}\n" for a, b, c, d in rows)
        deals = [_deal(1, stage="B"), _deal(2, stage="Won", closed_on=date(2026, 3, 1))]
        with contextlib.suppress(FunnelError):
            read_history(io.StringIO(table), deals, funnel=LADDER, tz=UTC)

    @settings(max_examples=settings.default.max_examples * 6 // 5, deadline=None)
    @given(st.data())
    def test_mutated_preset_rows_raise_only_funnel_errors(self, data):
        """Mutated cells of a preset export either read or raise a FunnelError."""
        lines = (CRM / "pipedrive_deals.csv").read_text(encoding="utf-8").splitlines()
        i = data.draw(st.integers(1, len(lines) - 1))
        cells = lines[i].split(",")
        j = data.draw(st.integers(0, len(cells) - 1))
        cells[j] = data.draw(
            st.sampled_from(
                [
                    "",
                    "won",
                    "lost",
                    "open",
                    "x",
                    "150",
                    "2026-13-01",
                    "2026-01-05T25:00:00",
                    "2026-01-05 10:00+0530",
                    "-1",
                ]
            )
        )
        lines[i] = ",".join(cells)
        funnel = Funnel.from_stage_names(
            [
                "Qualified",
                "Contact Made",
                "Demo Scheduled",
                "Proposal Made",
                "Negotiations Started",
                "Won",
            ],
            won="Won",
            lost="Lost",
        )
        with contextlib.suppress(FunnelError):
            read_csv(io.StringIO("\n".join(lines)), preset="pipedrive", funnel=funnel, tz=UTC)


class TestHubSpotColumnsEdges:
    HEAD = (
        "Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner,"
        'Associated Company,Currency,"Date entered ""Qualified To Buy (Sales Pipeline)""",'
        '"Date entered ""Mystery""","Date entered ""Closed Won"""\n'
    )
    FUNNEL = Funnel.from_stage_names(
        ["Qualified To Buy", "Closed Won"], won="Closed Won", lost="Closed Lost"
    )

    def test_unknown_stage_columns_and_bad_times(self):
        """Date-entered columns of unknown stages and unreadable times are reported."""
        text = self.HEAD + (
            "1,a,Qualified To Buy,10,2026-06-30,2026-01-05,Ann,Acme,USD,2026-01-05 10:00,x,\n"
            "2,b,Qualified To Buy,10,2026-06-30,2026-01-05,Ann,Acme,USD,yesterday,,\n"
            ",c,Qualified To Buy,10,2026-06-30,2026-01-05,Ann,Acme,USD,,,\n"
        )
        result = read_csv(
            io.StringIO(text), preset="hubspot", funnel=self.FUNNEL, tz=UTC, lenient=True
        )
        whys = [p.why for p in result.problems]
        assert any("'Mystery'" in w for w in whys)
        assert any("is not a date" in w for w in whys)

    def test_no_id_column_means_no_history(self):
        """Without an id column the date-entered columns give nothing (the id is reported)."""
        text = self.HEAD.replace("Record ID", "Nothing") + (
            "1,a,Qualified To Buy,10,2026-06-30,2026-01-05,Ann,Acme,USD,2026-01-05 10:00,,\n"
        )
        result = read_csv(
            io.StringIO(text), preset="hubspot", funnel=self.FUNNEL, tz=UTC, lenient=True
        )
        assert any(p.column == "id" for p in result.problems)

    def test_history_table_missing_columns(self):
        """A history table without its required columns is reported."""
        with pytest.raises(DataFileError, match="required column is missing"):
            read_history(io.StringIO("deal_id,date\nD1,2026-01-05\n"), [_deal()], funnel=LADDER)
