from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal

import pytest

from salesfunnel.cli import main
from salesfunnel.cli.abc import (
    DEMO_CURRENCY,
    DEMO_RATES,
    demo_json,
    demo_section,
    figures,
    read_profit_column,
    won_deals,
)
from salesfunnel.cli.common import Options
from salesfunnel.datasets import SAMPLE_AS_OF, SAMPLE_RATES, sample_pipeline
from salesfunnel.io import write_csv, write_json
from tests.cli.test_cli import ABC, ABC_DOC, check

ABC_DOC_PART = ABC


def _add_column(path, header, values):
    """Rewrite a CSV file with one more column, filled by deal id."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = [*rows[0].keys(), header]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, header: values.get(row["id"], "")})


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The sample as CSV with events, a CNY-only file, rates, and files with profits."""
    root = tmp_path_factory.mktemp("abc")
    deals = sample_pipeline()
    write_csv(deals, root / "deals.csv", events=root / "events.csv")
    cny = [d for d in deals if d.currency == "CNY"]
    write_csv(cny, root / "cny.csv", drop_history=True)
    write_csv(cny, root / "profit.csv", drop_history=True)
    _add_column(root / "profit.csv", "profit", {d.id: str(d.amount / 4) for d in cny})
    write_csv(cny[:40], root / "negative.csv", drop_history=True)
    _add_column(root / "negative.csv", "利润", {d.id: "-5" for d in cny[:40]})
    write_csv(cny[:40], root / "badprofit.csv", drop_history=True)
    _add_column(root / "badprofit.csv", "profit", {d.id: "lots" for d in cny[:40]})
    facts = [d.evolve(facts={**d.facts, "profit": Decimal(100)}) for d in cny[:80]]
    write_json(facts, root / "facts.json")
    write_csv(cny, root / "partial.csv", drop_history=True)
    _add_column(root / "partial.csv", "销售利润", {d.id: "10" for d in cny[::2]})
    write_csv([], root / "empty.csv")
    write_json([], root / "empty.json")
    (root / "rates.csv").write_text(
        "date,currency,rate\n2024-01-01,USD,7.2\n2024-01-01,EUR,7.9\n", encoding="utf-8"
    )
    return root


def run(capsys, *args):
    code = main(["abc", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class TestAbcCommand:
    def test_revenue_text(self, files, capsys):
        """By revenue on a one-currency file: accounts, classes and the summary line."""
        code, out, _ = run(capsys, files / "cny.csv", "--top", "5")
        assert code == 0
        assert "ABC analysis by revenue" in out
        assert "of customers (class A," in out
        assert "ABC classes" in out

    def test_mixed_currencies_need_rates(self, files, capsys):
        """Revenue over several currencies needs --currency and --rates."""
        code, _, err = run(capsys, files / "deals.csv", "--events", files / "events.csv")
        assert code == 1
        assert "pass --currency CODE and --rates" in err

    def test_converted_json(self, files, capsys):
        """With --currency and --rates the file converts; JSON is the documented document."""
        code, out, _ = run(
            capsys,
            files / "deals.csv",
            "--events",
            files / "events.csv",
            "--currency",
            "CNY",
            "--rates",
            files / "rates.csv",
            "--format",
            "json",
        )
        assert code == 0
        doc = json.loads(out)
        check(doc, ABC_DOC)
        assert (doc["currency"], doc["method"], doc["criteria"]) == ("CNY", "fixed", ["revenue"])
        assert sum(c["accounts"] for c in doc["classes"]["revenue"]) == len(doc["accounts"])
        first = doc["accounts"][0]
        assert first["code"] == first["classes"]["revenue"] == "A"
        assert first["ranks"] == {"revenue": 1}
        assert doc["limits"] == {"revenue": None}
        total = sum(Decimal(a["figures"]["revenue"]) for a in doc["accounts"])
        assert total == sum(Decimal(c["value"]) for c in doc["classes"]["revenue"])

    def test_volume_needs_no_rates(self, files, capsys):
        """Volume counts won deals, whatever their currency."""
        code, out, _ = run(
            capsys, files / "deals.csv", "--events", files / "events.csv", "--by", "volume"
        )
        assert code == 0
        assert "ABC analysis by sales volume" in out

    def test_profit_needs_a_margin(self, files, capsys):
        """Without a profit column or fact, profit needs --margin."""
        code, _, err = run(capsys, files / "cny.csv", "--by", "profit")
        assert code == 2
        assert "pass --margin" in err
        code, out, _ = run(capsys, files / "cny.csv", "--by", "profit", "--margin", "0.3")
        assert code == 0
        assert "ABC analysis by profit" in out

    def test_profit_column(self, files, capsys):
        """A profit column in the CSV is read by deal id (and not refused as unknown)."""
        code, out, _ = run(
            capsys, files / "profit.csv", "--by", "profit", "--format", "csv", "--table", "accounts"
        )
        assert code == 0
        assert out.startswith("rank,customer,profit")

    def test_profit_fact(self, files, capsys):
        """A profit fact is used when there is no column (here in a JSON file)."""
        code, out, _ = run(capsys, files / "facts.json", "--by", "profit", "--format", "json")
        assert code == 0
        doc = json.loads(out)
        check(doc, ABC_DOC)
        assert all(Decimal(a["figures"]["profit"]) % 100 == 0 for a in doc["accounts"])

    def test_partial_profit_column(self, files, capsys):
        """Empty profit cells fall back to the margin."""
        code, _, err = run(capsys, files / "partial.csv", "--by", "profit")
        assert code == 2
        assert "pass --margin" in err
        code, _, _ = run(capsys, files / "partial.csv", "--by", "profit", "--margin", "0.1")
        assert code == 0

    def test_negative_profit_is_a_data_problem(self, files, capsys):
        """Negative profits cannot be ABC-classified: exit 1 naming the account."""
        code, _, err = run(capsys, files / "negative.csv", "--by", "profit")
        assert code == 1
        assert "is negative" in err

    def test_bad_profit_cell(self, files, capsys):
        """A profit cell that is not a number is named by row and column."""
        code, _, err = run(capsys, files / "badprofit.csv", "--by", "profit")
        assert code == 2
        assert "row 2, column profit" in err

    def test_computed_and_combined(self, files, capsys):
        """Computed ABC by two criteria gives codes and each criterion's classes."""
        code, out, _ = run(
            capsys,
            files / "cny.csv",
            "--by",
            "revenue,volume",
            "--method",
            "computed",
            "--lang",
            "zh",
        )
        assert code == 0
        assert "多指标 ABC 分类" in out
        assert "销售额" in out
        assert "销售量" in out
        assert "帕累托点" in out

    def test_computed_single(self, files, capsys):
        """Computed ABC by one criterion notes the three curve points."""
        code, out, _ = run(capsys, files / "cny.csv", "--method", "computed")
        assert code == 0
        assert "Pareto point" in out
        assert "break-even point" in out

    def test_fixed_options(self, files, capsys):
        """Thresholds, basis, boundary and keep-ties reach the analysis."""
        code, out, _ = run(
            capsys,
            files / "cny.csv",
            "--thresholds",
            "0.5,0.9",
            "--basis",
            "count",
            "--boundary",
            "inclusive",
            "--keep-ties",
            "--by",
            "volume,revenue",
        )
        assert code == 0
        assert "ABC classes by several criteria" in out

    def test_cutoff(self, files, capsys):
        """Only deals won on or before the cutoff count."""
        code, out, _ = run(capsys, files / "cny.csv", "--cutoff", "2025-01-02")
        assert code == 0
        assert "no customers to analyse" in out

    @pytest.mark.parametrize(
        "extra",
        [
            ["--thresholds", "0.95,0.8"],
            ["--thresholds", "a,b"],
            ["--by", "colour"],
            ["--by", "revenue,revenue"],
            ["--margin", "1.5"],
            ["--margin", "x"],
            ["--method", "magic"],
        ],
    )
    def test_usage_errors(self, files, capsys, extra):
        """Bad options are usage errors (exit 2)."""
        code, _, _ = run(capsys, files / "cny.csv", *extra)
        assert code == 2

    def test_rates_need_currency(self, files, capsys):
        """--rates without --currency is a usage error."""
        code, _, err = run(capsys, files / "cny.csv", "--rates", files / "rates.csv")
        assert code == 2
        assert "--rates needs --currency" in err

    def test_currency_without_rates(self, files, capsys):
        """A deal in another currency than --currency needs rates."""
        code, _, err = run(
            capsys, files / "deals.csv", "--events", files / "events.csv", "--currency", "CNY"
        )
        assert code == 2
        assert "pass --rates" in err

    @pytest.mark.parametrize("name", ["empty.csv", "empty.json"])
    def test_empty_file(self, files, capsys, name):
        """A file without opportunities is a data problem."""
        code, _, err = run(capsys, files / name)
        assert code == 1
        assert "no opportunities" in err or "no data" in err


class TestHelpers:
    def test_won_deals_and_figures(self):
        """Won deals by the cutoff, totalled per account in cents, or counted."""
        won = won_deals(sample_pipeline(), SAMPLE_AS_OF)
        assert won
        revenue = figures(won, "revenue", currency="CNY", rates=DEMO_RATES)
        assert all(v == v.quantize(Decimal("0.01")) for v in revenue.values())
        volume = figures(won, "volume")
        assert sum(volume.values()) == len(won)
        assert set(volume) == set(revenue)

    def test_read_profit_column_only_for_csv(self, tmp_path):
        """Only CSV files have a profit column; a CSV without one has none."""
        assert read_profit_column(str(tmp_path / "x.json")) == ({}, None)
        (tmp_path / "plain.csv").write_text("id,name\nD1,x\n", encoding="utf-8")
        assert read_profit_column(str(tmp_path / "plain.csv")) == ({}, None)


class TestDemoSection:
    def test_sample_accounts_by_won_revenue(self):
        """The demo shows the top accounts by won revenue in CNY and the classes."""
        tables = demo_section(sample_pipeline(), Options(cutoff=SAMPLE_AS_OF))
        assert tables[0].title == f"ABC analysis by won revenue ({DEMO_CURRENCY})"
        assert len(tables[0].rows) == 10
        assert [r[0] for r in tables[1].rows] == ["A", "B", "C"]
        assert tables[0].note.startswith("45 % of customers (class A, 24 of 53)")

    def test_chinese_and_default_cutoff(self):
        """In Chinese, with the data's own as-of date."""
        tables = demo_section(sample_pipeline(), Options(lang="zh"))
        assert tables[0].title == "ABC 分析：成交金额（CNY）"

    def test_demo_command_includes_abc(self, capsys):
        """salesfunnel demo grows an ABC section."""
        assert main(["demo"]) == 0
        assert "ABC analysis by won revenue (CNY)" in capsys.readouterr().out

    def test_demo_rates_are_the_shared_ones(self):
        """The ABC section converts at the sample's dated rates, shared by every section."""
        assert DEMO_RATES is SAMPLE_RATES
        assert DEMO_RATES.rate("USD", "CNY", on=date(2026, 1, 1)) == Decimal("7.05")
        assert DEMO_RATES.rate("EUR", "CNY", on=date(2025, 6, 1)) == Decimal("7.60")

    def test_demo_json(self):
        """The demo's abc key lists every account with its class by won revenue."""
        doc = demo_json(sample_pipeline(), Options(cutoff=SAMPLE_AS_OF))["abc"]
        check(doc, ABC_DOC_PART)
        assert len(doc["accounts"]) == 53
        assert [c["accounts"] for c in doc["classes"]["revenue"]] == [24, 14, 15]

    def test_cutoff_is_honoured(self):
        """An earlier cutoff counts only the deals won by then."""
        early = demo_json(sample_pipeline(), Options(cutoff=date(2025, 12, 31)))["abc"]
        late = demo_json(sample_pipeline(), Options(cutoff=SAMPLE_AS_OF))["abc"]
        assert len(early["accounts"]) < len(late["accounts"])
