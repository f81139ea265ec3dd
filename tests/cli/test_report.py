from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from salesfunnel.cli import main
from salesfunnel.cli.common import Options
from salesfunnel.cli.report import (
    DEMO_CURRENCY,
    demo_json,
    demo_section,
    figures_table,
    pipeline_table,
)
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.errors import CurrencyError
from salesfunnel.io import write_csv
from salesfunnel.render import render
from tests.cli.test_cli import FUNNEL_FIGURES, PIPELINE, REPORT_DOC, check

D = Decimal
RATES = {"USD": D("6.98"), "EUR": D("8.10")}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The sample as a CSV with its events, a CNY-only file and an empty one."""
    root = tmp_path_factory.mktemp("report")
    deals = sample_pipeline()
    write_csv(deals, root / "deals.csv", events=root / "events.csv")
    write_csv(
        [d for d in deals if d.currency == "CNY"], root / "cny.csv", events=root / "cny-ev.csv"
    )
    write_csv([], root / "empty.csv")
    return root


class TestPipelineTable:
    def test_per_currency(self):
        """Without a reporting currency there is one row per currency, with ordered percentiles."""
        table = pipeline_table(sample_pipeline(), cutoff=SAMPLE_AS_OF)
        assert [r[0] for r in table.rows] == ["CNY", "EUR", "USD"]
        for row in table.rows:
            p10, p50, p90 = row[3], row[4], row[5]
            assert p10 <= p50 <= p90
            assert row[6] <= p50
        assert "percentiles" in table.note

    def test_converted_with_target(self):
        """With rates, one converted row; a target adds its probability."""
        table = pipeline_table(
            sample_pipeline(),
            cutoff=SAMPLE_AS_OF,
            currency="CNY",
            rates=RATES,
            target=D("30000000"),
            lang="zh",
        )
        (row,) = table.rows
        assert row[0] == "CNY"
        assert 0 < row[-1] < 1
        assert "折合 CNY" in table.title

    def test_missing_rate(self):
        """A deal in a currency without a rate is a CurrencyError naming the fix."""
        with pytest.raises(CurrencyError, match="--rates USD=VALUE"):
            pipeline_table(sample_pipeline(), cutoff=SAMPLE_AS_OF, currency="CNY", rates={})


class TestFiguresTable:
    def test_rows(self):
        """Counts, win rate, lost share and cycle are shown."""
        text = render(figures_table(sample_pipeline(), cutoff=SAMPLE_AS_OF))
        assert "win rate" in text
        assert "34.8%" in text

    def test_empty(self):
        """Without deals the rates are blank."""
        assert figures_table([], cutoff=SAMPLE_AS_OF).rows[4][1] == ""


class TestDemoSection:
    def test_tables(self):
        """The demo shows the converted pipeline range and the figures (conversion is earlier)."""
        tables = demo_section(sample_pipeline(), Options(cutoff=SAMPLE_AS_OF))
        assert len(tables) == 2
        assert f"in {DEMO_CURRENCY}" in tables[0].title
        assert "P90" in tables[0].headers
        assert "Funnel figures" in tables[1].title

    def test_json(self):
        """The demo's pipeline and figures keys have the documented structure."""
        doc = demo_json(sample_pipeline(), Options(cutoff=SAMPLE_AS_OF))
        check(doc["pipeline"], PIPELINE)
        check(doc["figures"], FUNNEL_FIGURES)
        (line,) = doc["pipeline"]
        assert line["currency"] == "CNY"
        assert D(line["p10"]) <= D(line["p50"]) <= D(line["p90"])

    def test_default_cutoff(self):
        """Without a cutoff the latest change in the data is used."""
        tables = demo_section(sample_pipeline(), Options(lang="zh"))
        assert "2026-09-30" in tables[0].title


class TestReportCommand:
    def test_text(self, files, capsys):
        """A mixed-currency file reports per currency, with the conversion table."""
        code = main(["report", str(files / "deals.csv"), "--events", str(files / "events.csv")])
        out = capsys.readouterr().out
        assert code == 0
        assert "Open pipeline as of 2026-09-30" in out
        assert "P10" in out
        assert "Stage conversion" in out
        assert "Funnel figures" in out

    def test_converted_json(self, files, capsys):
        """--currency, --rate and --target show in the documented report document."""
        args = ["report", str(files / "deals.csv"), "--events", str(files / "events.csv")]
        args += ["--currency", "cny", "--rate", "USD=6.98", "--rate", "EUR=8.10"]
        args += ["--target", "30,000,000", "--format", "json", "--cutoff", "2026-06-30"]
        assert main(args) == 0
        doc = json.loads(capsys.readouterr().out)
        check(doc, REPORT_DOC)
        assert (doc["cutoff"], doc["currency"], doc["target"]) == ("2026-06-30", "CNY", "30000000")
        assert doc["rates"] == {"EUR": "8.10", "USD": "6.98"}
        (line,) = doc["pipeline"]
        assert 0 < line["prob_at_least_target"] < 1
        assert [c["stage"] for c in doc["conversion"]][:2] == ["target_segment", "potential"]
        assert doc["conversion"][-1]["conversion"] is None  # the won stage

    def test_per_currency_json(self, files, capsys):
        """Without conversion, one pipeline line per currency and no target."""
        args = ["report", str(files / "deals.csv"), "--events", str(files / "events.csv")]
        assert main([*args, "--format", "json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        check(doc, REPORT_DOC)
        assert [line["currency"] for line in doc["pipeline"]] == ["CNY", "EUR", "USD"]
        assert doc["rates"] == {} and doc["target"] is None
        assert doc["figures"]["deals"] == 600

    def test_single_currency_chinese(self, files, capsys):
        """A one-currency file in Chinese."""
        args = ["report", str(files / "cny.csv"), "--events", str(files / "cny-ev.csv")]
        assert main([*args, "--lang", "zh"]) == 0
        assert "阶段转化率" in capsys.readouterr().out

    def test_rate_without_currency(self, files, capsys):
        """--rate needs --currency: a usage error."""
        assert main(["report", str(files / "cny.csv"), "--rate", "USD=7"]) == 2
        assert "--currency" in capsys.readouterr().err

    def test_currency_without_rates(self, files, capsys):
        """A reporting currency without rates is a data problem for other currencies."""
        args = ["report", str(files / "deals.csv"), "--events", str(files / "events.csv")]
        assert main([*args, "--currency", "CNY"]) == 1
        assert "no rate" in capsys.readouterr().err

    def test_target_needs_one_currency(self, files, capsys):
        """A target on a mixed-currency file without conversion is a usage error."""
        args = ["report", str(files / "deals.csv"), "--events", str(files / "events.csv")]
        assert main([*args, "--target", "1000000"]) == 2
        assert "several currencies" in capsys.readouterr().err
        cny = ["report", str(files / "cny.csv"), "--events", str(files / "cny-ev.csv")]
        assert main([*cny, "--target", "1000000", "--format", "csv", "--table", "pipeline"]) == 0
        assert "P(≥ 1000000)" in capsys.readouterr().out

    def test_empty_file(self, files, capsys):
        """A file without opportunities is a data problem."""
        assert main(["report", str(files / "empty.csv")]) == 1
        assert "no opportunities" in capsys.readouterr().err

    @pytest.mark.parametrize(
        "bad", [["--rate", "USD"], ["--rate", "XX=1"], ["--rate", "USD=-1"], ["--target", "lots"]]
    )
    def test_bad_arguments(self, files, bad, capsys):
        """Malformed rates and targets are usage errors."""
        assert main(["report", str(files / "cny.csv"), *bad]) == 2
        assert "report" in capsys.readouterr().err

    def test_help_has_an_example(self, capsys):
        """The subcommand's help ends with an example."""
        assert main(["report", "--help"]) == 0
        assert "example: salesfunnel report" in capsys.readouterr().out


def test_demo_includes_the_report(capsys):
    """salesfunnel demo shows the weighted pipeline with P10/P50/P90."""
    assert main(["demo", "--cutoff", str(date(2026, 9, 30))]) == 0
    out = capsys.readouterr().out
    assert "Open pipeline in CNY" in out
