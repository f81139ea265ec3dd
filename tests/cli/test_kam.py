from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from salesfunnel.cli import kam, main
from salesfunnel.cli.common import Options
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.funnel import DEFAULT_FUNNEL
from salesfunnel.key_accounts.account import KeyAccount
from salesfunnel.key_accounts.assessment import assess
from salesfunnel.key_accounts.lifecycle import KamStage
from tests.cli.test_cli import KAM, KAM_DOC, check

FILE = """id,name,stage,stage_since,since,activities,trial_order,coach_found,visits_per_month,proposal_given,contract_signed,buying_roles_covered,contacts
KA1,Acme Retail,mid,2026-03-01,2025-06-01,deep_needs@2026-04-01;sign_contract,yes,yes,2,yes,yes,3,4
KA2,Bluebay,mid,2026-05-01,,,yes,yes,1,,,,
KA3,Contoso,pre_kam,2026-06-01,,find_coach@2026-07-15,,,,,,,
KA4,Dongfang,uncoupling,2026-02-01,,,,,,,,,
"""


@pytest.fixture
def accounts_file(tmp_path):
    path = tmp_path / "key_accounts.csv"
    path.write_text(FILE, encoding="utf-8")
    return path


class TestKamCommand:
    def test_summarises_by_stage_with_gaps(self, accounts_file, capsys):
        """kam prints the stage counts and each account's evidence, days and gaps."""
        assert main(["kam", str(accounts_file)]) == 0
        out = capsys.readouterr().out
        assert "Key accounts by stage" in out
        assert "Key accounts: evidence and gaps" in out
        lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("KA")}
        assert "Mid KAM" in lines["KA1"] and "5/7" in lines["KA1"]
        assert "Early KAM" in lines["KA2"]
        assert "6/7" in lines["KA3"] and "(+3 more)" in lines["KA3"]
        assert "Recorded ahead of the evidence: KA2" in out
        assert "as of 2026-07-15" in out

    def test_rows_order_and_json(self, accounts_file, capsys):
        """JSON is the documented document; accounts run from the top stage down, uncoupled last."""
        assert main(["kam", str(accounts_file), "--format", "json", "--cutoff", "2026-09-30"]) == 0
        doc = json.loads(capsys.readouterr().out)
        check(doc, KAM_DOC)
        assert doc["as_of"] == "2026-09-30"
        assert [(s["stage"], s["accounts"]) for s in doc["stages"]] == [
            ("pre_kam", 1),
            ("mid", 2),
            ("uncoupling", 1),
        ]
        assert [a["id"] for a in doc["accounts"]] == ["KA1", "KA2", "KA3", "KA4"]
        ka1, ka2, _, ka4 = doc["accounts"]
        assert ka1["days_in_stage"] == (date(2026, 9, 30) - date(2026, 3, 1)).days
        assert len(ka1["needs"]) == 8  # partnership criteria still to show
        assert (ka1["target"], ka1["fit"], ka1["ready"]) == ("partnership", "matches", False)
        assert ka2["fit"] == "ahead"
        assert ka4["target"] is None  # uncoupled: no next stage
        assert ka1["gaps"][0].keys() == {"key", "label"}

    def test_json_document_of_key_accounts(self, accounts_file, tmp_path, capsys):
        """A salesfunnel/key-accounts JSON document is read as well as the CSV file."""
        from salesfunnel.io import dumps

        accounts = kam.read_accounts(str(accounts_file))
        path = tmp_path / "accounts.json"
        path.write_text(dumps(accounts), encoding="utf-8")
        assert kam.read_accounts(str(path)) == accounts
        single = tmp_path / "one.json"
        single.write_text(dumps(accounts[0]), encoding="utf-8")
        assert kam.read_accounts(str(single)) == accounts[:1]
        assert main(["kam", str(path), "--cutoff", "2026-09-30"]) == 0
        wrong = tmp_path / "funnel.json"
        wrong.write_text(dumps(DEFAULT_FUNNEL), encoding="utf-8")
        assert main(["kam", str(wrong)]) == 1
        assert "salesfunnel/key-accounts" in capsys.readouterr().err

    def test_chinese_and_all_gaps(self, accounts_file, capsys):
        """--lang zh speaks Chinese; --all-gaps lists every missing activity."""
        assert main(["kam", str(accounts_file), "--lang", "zh", "--all-gaps"]) == 0
        out = capsys.readouterr().out
        assert "按阶段划分的大客户" in out
        assert "试销；客户资料的收集" in out
        assert "另" not in out

    def test_cutoff_before_stage_entry_leaves_days_empty(self, accounts_file, capsys):
        """With a cutoff before an account entered its stage, its days are left empty."""
        args = ["kam", str(accounts_file), "--cutoff", "2026-04-01", "--format", "csv"]
        assert main([*args, "--table", "accounts"]) == 0
        out = capsys.readouterr().out
        row = next(line for line in out.splitlines() if line.startswith("KA3"))
        assert row.split(",")[4] == ""

    def test_bad_file_exits_1_listing_every_problem(self, tmp_path, capsys):
        """A file with problems is refused with exit 1 and every problem on stderr."""
        path = tmp_path / "bad.csv"
        path.write_text("id,name,stage,stage_since,coach_fund\nK1,A,late,2026-13-01,yes\n")
        assert main(["kam", str(path)]) == 1
        err = capsys.readouterr().err
        assert "3 problems" in err
        assert "coach_fund" in err and "late" in err and "2026-13-01" in err

    def test_missing_file_exits_2(self, tmp_path, capsys):
        """A file that does not exist is a usage error (exit 2)."""
        assert main(["kam", str(tmp_path / "nope.csv")]) == 2
        assert "nope.csv: no such file" in capsys.readouterr().err

    def test_file_without_accounts_exits_1(self, tmp_path, capsys):
        """A file with only a header has nothing to summarise."""
        path = tmp_path / "empty.csv"
        path.write_text("id,name,stage,stage_since\n")
        assert main(["kam", str(path)]) == 1
        assert "no key accounts" in capsys.readouterr().err

    def test_help(self, capsys):
        """The subcommand has a description and an example."""
        assert main(["kam", "--help"]) == 0
        out = capsys.readouterr().out
        assert "example: salesfunnel kam" in out
        assert "--all-gaps" in out


class TestDeriveKeyAccounts:
    def test_largest_accounts_by_wins(self):
        """The demo accounts are the sample's accounts with the most won deals."""
        accts = kam.derive_key_accounts(sample_pipeline(), as_of=SAMPLE_AS_OF)
        assert len(accts) == kam.DEMO_ACCOUNTS
        assert [a.id for a in accts] == [f"KA-{i:02d}" for i in range(1, 9)]
        assert accts[0].name == "Huaxin Group"
        wins = [
            sum(1 for o in sample_pipeline() if o.account == a.name and o.stage == "closed")
            for a in accts
        ]
        assert wins == sorted(wins, reverse=True)

    def test_deterministic_and_consistent(self):
        """The derivation is deterministic and each account's stage is its assessed stage."""
        one = kam.derive_key_accounts(sample_pipeline(), as_of=SAMPLE_AS_OF)
        two = kam.derive_key_accounts(sample_pipeline(), as_of=SAMPLE_AS_OF)
        assert one == two
        for a in one:
            assert isinstance(a, KeyAccount)
            assert assess(a.signals).stage is a.stage
            assert a.stage is not KamStage.SYNERGISTIC
            assert a.signals["contract_signed"] is True
            assert a.since <= a.entered <= SAMPLE_AS_OF
            assert "sign_contract" in {r.activity for r in a.activities}
        assert {a.stage for a in one} >= {KamStage.MID, KamStage.PARTNERSHIP}

    def test_top_and_empty(self):
        """top= limits the accounts; no won deals gives none."""
        assert len(kam.derive_key_accounts(sample_pipeline(), as_of=SAMPLE_AS_OF, top=3)) == 3
        open_only = [o for o in sample_pipeline() if o.stage != "closed"]
        assert kam.derive_key_accounts(open_only, as_of=SAMPLE_AS_OF) == ()

    def test_quiet_accounts_leave_recent_signals_unknown(self):
        """Years after the last change, recent losses and recent activity are unknown."""
        accts = kam.derive_key_accounts(sample_pipeline(), as_of=date(2030, 1, 1))
        assert all("exit_notice" not in a.signals for a in accts)
        assert all("sole_supplier" not in a.signals for a in accts)
        assert all(a.signals["visits_per_month"] == 0 for a in accts)


class TestDemoSection:
    def test_key_accounts_by_stage(self):
        """The demo section counts the sample's largest accounts by stage, then lists them."""
        by_stage, table = kam.demo_section(sample_pipeline(), Options(cutoff=SAMPLE_AS_OF))
        assert by_stage.title == "Key accounts by stage"
        assert sum(r[1] for r in by_stage.rows) == kam.DEMO_ACCOUNTS
        assert table.title.startswith("Key accounts: evidence and gaps")
        assert len(table.rows) == kam.DEMO_ACCOUNTS
        assert table.rows[0][2] == "Partnership KAM"

    def test_in_chinese_without_cutoff(self):
        """Without a cutoff the sample's last change is used; labels follow --lang."""
        by_stage, table = kam.demo_section(sample_pipeline(), Options(lang="zh"))
        assert by_stage.title == "按阶段划分的大客户"
        assert table.title.startswith("大客户：证据与差距")
        assert "截至 2026-09-30" in table.note

    def test_demo_json(self):
        """The demo's key_accounts key has the documented structure of the kam report."""
        doc = kam.demo_json(sample_pipeline(), Options(cutoff=SAMPLE_AS_OF))["key_accounts"]
        check(doc, KAM)
        assert len(doc["accounts"]) == kam.DEMO_ACCOUNTS

    def test_cutoff_uses_only_what_was_known(self):
        """An earlier cutoff derives the accounts from the deals as they stood then."""
        early = kam.demo_json(sample_pipeline(), Options(cutoff=date(2025, 12, 31)))
        accounts = early["key_accounts"]["accounts"]
        assert all(a["stage_since"] <= "2025-12-31" for a in accounts)

    def test_demo_command_includes_it(self, capsys):
        """salesfunnel demo prints the key-account section."""
        assert main(["demo"]) == 0
        assert "Key accounts: evidence and gaps (the sample's largest accounts" in (
            capsys.readouterr().out
        )


def test_the_demo_shows_the_signals_as_evidence(capsys):
    """In the demo, "evidence" lists the signals; the stage they support has its own column."""
    assert main(["demo", "--table", "kam-accounts", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][3:5] == ["signals support", "evidence"]
    assert all(row[4] != row[3] and "A trial or first order" in row[4] for row in rows[1:])
