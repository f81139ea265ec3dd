from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from salesfunnel.cli import main
from salesfunnel.cli.common import Options
from salesfunnel.cli.forecast import DEMO_RATES, demo_json, demo_section, read_rates
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.forecasting.rollup import Forecast
from salesfunnel.fx import InvalidRateError
from salesfunnel.io import loads, write_csv
from tests.cli.test_cli import FORECAST, FORECAST_DOC, check


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The sample pipeline written as a CSV with its events, a CNY-only subset, and rates."""
    root = tmp_path_factory.mktemp("forecast")
    deals = sample_pipeline()
    write_csv(deals, root / "deals.csv", events=root / "events.csv")
    write_csv([d for d in deals if d.currency == "CNY"][:50], root / "cny.csv", drop_history=True)
    write_csv([], root / "empty.csv")
    (root / "rates.csv").write_text(
        "date,currency,rate\n2024-01-01,USD,7.2\n2024-01-01,EUR,7.9\n", encoding="utf-8"
    )
    (root / "late.csv").write_text("date,currency,rate\n2026-09-01,USD,7.2\n", encoding="utf-8")
    (root / "cols.csv").write_text("day,code,value\n2024-01-01,USD,7.2\n", encoding="utf-8")
    (root / "badrow.csv").write_text("date,currency,rate\n2024-01-01,USD,seven\n", encoding="utf-8")
    return root


class TestForecastCommand:
    def test_by_owner_text(self, files, capsys):
        """A single-currency file forecasts by owner as text, both sheets by default."""
        code = main(["forecast", str(files / "cny.csv"), "--cutoff", "2026-09-30", "--by", "owner"])
        out = capsys.readouterr().out
        assert code == 0
        assert "Forecast by time (amount, CNY) as of 2026-09-30" in out
        assert "Forecast by category" in out
        assert "Within 3 months" in out

    def test_multi_currency_with_rates_as_json(self, files, capsys):
        """With --currency and --rates a mixed file converts; JSON is the forecast document."""
        args = ["forecast", str(files / "deals.csv"), "--events", str(files / "events.csv")]
        args += ["--cutoff", "2026-06-30", "--by", "owner,product", "--format", "json"]
        args += ["--currency", "CNY", "--rates", str(files / "rates.csv")]
        assert main(args) == 0
        text = capsys.readouterr().out
        doc = json.loads(text)
        check(doc, FORECAST_DOC)
        f = doc["forecast"]
        assert (f["cutoff"], f["currency"], f["by"]) == ("2026-06-30", "CNY", ["owner", "product"])
        assert all(len(r["group"]) == 2 for r in f["rows"])
        result = loads(text)
        assert isinstance(result, Forecast)
        assert result.total.total.amount == Decimal(f["total"]["total"]["amount"])

    def test_json_holds_every_view_and_measure(self, files, capsys):
        """--view, --measure and --lang shape the tables only: the JSON is the same."""
        base = ["forecast", str(files / "cny.csv"), "--cutoff", "2026-09-30", "--format", "json"]
        assert main(base) == 0
        plain = capsys.readouterr().out
        assert main([*base, "--view", "time", "--measure", "count", "--lang", "zh"]) == 0
        assert capsys.readouterr().out == plain
        check(json.loads(plain), FORECAST_DOC)

    def test_category_view_in_chinese(self, files, capsys):
        """--view, --measure, --lang and --fiscal-start shape the sheet."""
        args = ["forecast", str(files / "cny.csv"), "--cutoff", "2026-09-30", "--view", "category"]
        args += ["--measure", "weighted", "--lang", "zh", "--fiscal-start", "4", "--by", "product"]
        assert main(args) == 0
        out = capsys.readouterr().out
        assert "加权金额" in out
        assert "2027财年第2季度" in out
        assert "按时间" not in out

    def test_cutoff_defaults_to_the_data(self, files, capsys):
        """Without --cutoff the latest change in the data is the cutoff."""
        from salesfunnel.io import read_opportunities

        latest = max(d.last_change for d in read_opportunities(files / "cny.csv"))
        assert main(["forecast", str(files / "cny.csv")]) == 0
        assert f"as of {latest}" in capsys.readouterr().out

    def test_mixed_currencies_need_currency(self, files, capsys):
        """A mixed file without --currency is a data problem with the fix named."""
        assert main(["forecast", str(files / "deals.csv"), "--cutoff", "2026-09-30"]) == 1
        assert "--currency" in capsys.readouterr().err

    def test_missing_rate(self, files, capsys):
        """A rate missing for a date is reported with currency and date (exit 1)."""
        args = ["forecast", str(files / "deals.csv"), "--cutoff", "2026-09-30"]
        args += ["--currency", "CNY", "--rates", str(files / "late.csv")]
        assert main(args) == 1
        err = capsys.readouterr().err
        assert "->CNY exchange rate on or before" in err

    def test_rates_need_currency(self, files, capsys):
        """--rates without --currency is a usage error."""
        assert main(["forecast", str(files / "cny.csv"), "--rates", str(files / "rates.csv")]) == 2
        assert "--currency" in capsys.readouterr().err

    def test_usage_errors(self, files):
        """Bad dates, groupings and fiscal months are usage errors (exit 2)."""
        assert main(["forecast", str(files / "cny.csv"), "--cutoff", "30/09/2026"]) == 2
        assert main(["forecast", str(files / "cny.csv"), "--by", "region"]) == 2
        assert main(["forecast", str(files / "cny.csv"), "--fiscal-start", "13"]) == 2

    def test_file_problems(self, files, capsys):
        """A missing file or rates file is a usage error (2); an empty one a data problem (1)."""
        assert main(["forecast", str(files / "nope.csv")]) == 2
        args = ["forecast", str(files / "cny.csv"), "--currency", "CNY", "--rates"]
        assert main([*args, str(files / "nope.csv")]) == 2
        assert "no such file" in capsys.readouterr().err
        assert main(["forecast", str(files / "empty.csv")]) == 1
        assert "the file has no opportunities" in capsys.readouterr().err

    def test_csv_output(self, files, capsys):
        """--format csv writes each sheet as CSV, header first."""
        args = ["forecast", str(files / "cny.csv"), "--cutoff", "2026-09-30", "--view", "time"]
        assert main([*args, "--format", "csv", "--by", "owner"]) == 0
        out = capsys.readouterr().out
        assert out.startswith("Owner,Closed,Overdue,Within 3 months")

    def test_help_has_an_example(self, capsys):
        """The subcommand's help ends with an example."""
        assert main(["forecast", "--help"]) == 0
        assert "example: salesfunnel forecast" in capsys.readouterr().out


class TestReadRates:
    def test_reads_rates(self, files):
        """A rates file becomes ExchangeRates into the reporting currency."""
        rates = read_rates(str(files / "rates.csv"), "CNY")
        assert rates.rate("USD", "CNY", on=date(2026, 1, 1)) == Decimal("7.2")

    def test_missing_columns(self, files):
        """A file without date,currency,rate columns is refused, naming what is missing."""
        with pytest.raises(InvalidRateError, match="missing: currency, date, rate"):
            read_rates(str(files / "cols.csv"), "CNY")

    def test_bad_row(self, files):
        """A bad row is refused, naming the file and row."""
        with pytest.raises(InvalidRateError, match="row 2"):
            read_rates(str(files / "badrow.csv"), "CNY")


class TestDemoSection:
    def test_demo_shows_the_forecast(self, capsys):
        """The demo shows forecasts by time and by category per owner in CNY, and changes."""
        assert main(["demo"]) == 0
        out = capsys.readouterr().out
        assert "Forecast by time (amount, CNY) as of 2026-09-30" in out
        assert "Forecast by category (amount, CNY)" in out
        assert "Pipeline changes 2026-06-30 to 2026-09-30 (CNY)" in out

    def test_section_without_cutoff_uses_the_data(self):
        """Called without a cutoff, the section uses the data's latest change."""
        tables = demo_section(sample_pipeline(), Options(lang="zh"))
        assert len(tables) == 3
        assert str(SAMPLE_AS_OF) in tables[0].title
        assert tables[1].headers[0] == "销售人员"

    def test_demo_rates_cover_the_sample(self):
        """The demo rates cover every USD and EUR date of the sample."""
        assert DEMO_RATES.currencies == {"USD", "EUR", "CNY"}
        first = min(d.created for d in sample_pipeline())
        assert DEMO_RATES.rate("USD", "CNY", on=first) > 0

    def test_demo_json(self):
        """The demo's forecast and changes keys: the forecast per owner and the quarter's steps."""
        doc = demo_json(sample_pipeline(), Options(cutoff=SAMPLE_AS_OF))
        check(doc["forecast"], FORECAST)
        changes = doc["changes"]
        assert (changes["start"], changes["end"]) == ("2026-06-30", "2026-09-30")
        total = Decimal(changes["opening"]) + sum(Decimal(s["amount"]) for s in changes["steps"])
        assert total == Decimal(changes["closing"])
