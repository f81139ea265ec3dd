"""The one command-line contract: the same options on every command, -o, rates, did you mean."""

from __future__ import annotations

import csv
import io
import json

import pytest

from salesfunnel.cli import COMMANDS, build_parser, language_of, main
from salesfunnel.cli.common import Options, UsageError, emit, output_format
from salesfunnel.datasets import sample_pipeline
from salesfunnel.io import write_csv, write_json
from salesfunnel.render import Table

#: The commands that read a file of opportunities.
READERS = ("report", "forecast", "abc", "validate")

#: The options every command that reads opportunities takes, with a value for each.
READING = {
    "--ignore": ["--ignore", "notes"],
    "--encoding": ["--encoding", "utf-8"],
    "--events": ["--events", "events.csv"],
    "--cutoff": ["--cutoff", "2026-09-30"],
    "--lang": ["--lang", "zh"],
    "--format": ["--format", "md"],
    "--output": ["-o", "out.txt"],
    "--table": ["--table", "x"],
    "--currency": ["--currency", "CNY"],
    "--rates": ["--rates", "USD=7.1"],
    "--rate": ["--rate", "USD=7.1"],
    "--stages": ["--stages", "A,B"],
    "--won": ["--won", "B"],
    "--lost": ["--lost", "L"],
    "--funnel": ["--funnel", "f.json"],
    "--preset": ["--preset", "salesforce"],
    "--map": ["--map", "A=id"],
    "--stage-map": ["--stage-map", "A=intent"],
    "--default": ["--default", "currency=USD"],
    "--mapping": ["--mapping", "m.json"],
    "--tz": ["--tz", "UTC"],
    "--probability-scale": ["--probability-scale", "percent"],
}


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The sample as CSV with events, a CNY-only file, a rates file and a JSON document."""
    root = tmp_path_factory.mktemp("contract")
    deals = sample_pipeline()
    write_csv(deals, root / "deals.csv", events=root / "events.csv")
    write_json(deals[:50], root / "deals.json")
    cny = [d for d in deals if d.currency == "CNY"]
    write_csv(cny[:60], root / "cny.csv", drop_history=True)
    (root / "rates.csv").write_text(
        "date,currency,rate\n2024-01-01,USD,7.10\n2024-01-01,EUR,7.80\n", encoding="utf-8"
    )
    return root


class TestSameOptions:
    @pytest.mark.parametrize("command", READERS)
    @pytest.mark.parametrize("option", sorted(READING))
    def test_every_reader_takes_every_option(self, command, option):
        """report, forecast, abc and validate take the same reading, rates and output options."""
        args = build_parser().parse_args([command, "deals.csv", *READING[option]])
        assert args.command == command

    @pytest.mark.parametrize("command", ["demo", "kam", "report", "forecast", "abc", "validate"])
    @pytest.mark.parametrize("option", ["--output", "--table", "--format", "--lang", "--cutoff"])
    def test_every_report_takes_the_output_options(self, command, option):
        """Every command that prints a report takes -o, --table, --format, --lang and --cutoff."""
        file = [] if command == "demo" else ["f.csv"]
        args = build_parser().parse_args([command, *file, *READING[option]])
        assert args.command == command

    def test_import_takes_the_reading_options(self):
        """import reads with --ignore, --encoding, the mapping, --cutoff and --lang too."""
        args = build_parser().parse_args(
            [
                "import",
                "x.csv",
                "-o",
                "d.csv",
                "--ignore",
                "notes",
                "--encoding",
                "latin-1",
                "--cutoff",
                "2026-01-31",
                "--lang",
                "zh",
                "--preset",
                "hubspot",
            ]
        )
        assert (args.ignore, args.encoding, args.lang) == (["notes"], "latin-1", "zh")

    def test_report_accepts_ignore(self, files, capsys, tmp_path):
        """report takes the --ignore it asks for when a file has an unknown column."""
        text = (files / "cny.csv").read_text(encoding="utf-8").splitlines()
        extra = tmp_path / "extra.csv"
        extra.write_text(
            "\n".join([text[0] + ",notes", *(line + ",x" for line in text[1:])]) + "\n",
            encoding="utf-8",
        )
        code, _, err = run(capsys, "report", extra)
        assert code == 1
        assert "--ignore" in err or "notes" in err
        assert run(capsys, "report", extra, "--ignore", "notes")[0] == 0

    def test_encoding_on_every_reader(self, files, capsys, tmp_path):
        """--encoding reads a file in another encoding on every command that reads deals."""
        latin = tmp_path / "latin.csv"
        latin.write_bytes((files / "cny.csv").read_bytes().decode("utf-8").encode("latin-1"))
        for command in READERS:
            assert run(capsys, command, latin, "--encoding", "latin-1")[0] == 0, command


class TestRates:
    @pytest.mark.parametrize("command", ["report", "forecast", "abc"])
    def test_a_file_and_pairs_give_the_same_result_at_one_date(self, files, capsys, command):
        """A rates file with one date and the same rates as CODE=VALUE pairs agree."""
        base = [command, files / "deals.csv", "--events", files / "events.csv"]
        base += ["--currency", "CNY", "--format", "json"]
        by_file = json.loads(run(capsys, *base, "--rates", files / "rates.csv")[1])
        by_pairs = json.loads(run(capsys, *base, "--rates", "USD=7.10,EUR=7.80")[1])
        by_alias = json.loads(run(capsys, *base, "--rate", "USD=7.10", "--rate", "EUR=7.80")[1])
        assert by_file == by_pairs == by_alias

    def test_report_lists_the_rates_in_force(self, files, capsys):
        """report's JSON names the rates it converted at, from a file as from pairs."""
        args = ["report", files / "deals.csv", "--events", files / "events.csv"]
        doc = json.loads(
            run(
                capsys,
                *args,
                "--currency",
                "CNY",
                "--rates",
                files / "rates.csv",
                "--format",
                "json",
            )[1]
        )
        assert doc["rates"] == {"EUR": "7.80", "USD": "7.10"}

    @pytest.mark.parametrize(
        ("rates", "message"),
        [
            (["--rates", "USD=7"], "--rates needs --currency"),
            (["--currency", "CNY", "--rates", "USD=7", "--rates", "RATES"], "not both"),
            (["--currency", "CNY", "--rates", "RATES", "--rates", "RATES"], "not 2"),
            (["--currency", "CNY", "--rates", "missing.csv"], "no such file"),
            (["--currency", "CNY", "--rates", "USD=abc"], "is not a rate"),
        ],
    )
    @pytest.mark.parametrize("command", ["report", "forecast", "abc", "validate"])
    def test_usage_errors(self, files, capsys, command, rates, message):
        """Rates without a currency, a file and pairs, two files: usage errors (exit 2)."""
        rates = [str(files / "rates.csv") if r == "RATES" else r for r in rates]
        code, _, err = run(capsys, command, files / "cny.csv", *rates)
        assert code == 2
        assert message in err

    def test_the_reporting_currency_needs_no_rate(self, files, capsys):
        """A pair for the reporting currency itself is dropped, not an error."""
        code, out, _ = run(
            capsys, "report", files / "cny.csv", "--currency", "CNY", "--rates", "CNY=1,USD=7"
        )
        assert code == 0
        assert "in CNY" in out

    def test_missing_rate(self, files, capsys):
        """A deal in a currency without a rate is a data problem naming --rates."""
        code, _, err = run(
            capsys,
            "report",
            files / "deals.csv",
            "--events",
            files / "events.csv",
            "--currency",
            "CNY",
            "--rates",
            "USD=7",
        )
        assert code == 1
        assert "--rates EUR=VALUE" in err


class TestOutput:
    @pytest.mark.parametrize(
        ("suffix", "start"),
        [
            (".txt", "Open pipeline"),
            (".md", "**Open pipeline"),
            (".html", "<!DOCTYPE html>"),
            (".json", "{"),
        ],
    )
    def test_the_suffix_gives_the_format(self, files, capsys, tmp_path, suffix, start):
        """-o FILE writes the report into FILE, in the format of its suffix; stdout stays empty."""
        target = tmp_path / f"report{suffix}"
        code, out, _ = run(capsys, "report", files / "cny.csv", "-o", target)
        assert (code, out) == (0, "")
        assert target.read_text(encoding="utf-8").startswith(start)

    def test_format_beats_the_suffix(self, files, capsys, tmp_path):
        """--format wins over the suffix."""
        target = tmp_path / "report.txt"
        assert run(capsys, "report", files / "cny.csv", "-o", target, "--format", "json")[0] == 0
        assert json.loads(target.read_text(encoding="utf-8"))["schema"] == "salesfunnel/report"

    def test_an_unknown_suffix_is_a_usage_error(self, files, capsys, tmp_path):
        """-o report.xlsx names no format: exit 2, and nothing is written."""
        code, _, err = run(capsys, "report", files / "cny.csv", "-o", tmp_path / "r.xlsx")
        assert code == 2
        assert "cannot tell the format" in err
        assert not (tmp_path / "r.xlsx").exists()

    def test_csv_one_file_per_table(self, files, capsys, tmp_path):
        """-o FILE.csv with several tables writes one file per table, FILE-NAME.csv."""
        assert run(capsys, "report", files / "cny.csv", "-o", tmp_path / "r.csv")[0] == 0
        names = sorted(p.name for p in tmp_path.iterdir())
        assert names == ["r-conversion.csv", "r-figures.csv", "r-pipeline.csv"]
        rows = list(csv.reader(io.StringIO((tmp_path / "r-figures.csv").read_text())))
        assert rows[0] == ["figure", "value"]

    def test_a_named_table(self, files, capsys):
        """--table NAME writes that table only, in any format; an unknown name lists them."""
        code, out, _ = run(capsys, "report", files / "cny.csv", "--table", "figures")
        assert code == 0
        assert out.startswith("Funnel figures")
        assert "Open pipeline" not in out
        code, _, err = run(capsys, "report", files / "cny.csv", "--table", "nope")
        assert code == 2
        assert "choose pipeline, figures, conversion" in err

    @pytest.mark.parametrize(
        ("command", "tables"),
        [
            ("forecast", ["time", "category"]),
            ("abc", ["accounts", "classes"]),
            ("validate", []),
        ],
    )
    def test_every_command_writes_output(self, files, capsys, tmp_path, command, tables):
        """Every command writes -o FILE (a CSV file per table)."""
        target = tmp_path / "out.csv"
        assert run(capsys, command, files / "cny.csv", "-o", target)[0] == 0
        written = sorted(p.name for p in tmp_path.iterdir())
        expected = sorted(f"out-{t}.csv" for t in tables) if tables else []
        assert written == (expected or written)
        assert written

    def test_kam_and_demo_write_output(self, capsys, tmp_path):
        """kam and demo write -o FILE too."""
        accounts = tmp_path / "ka.csv"
        accounts.write_text("id,name,stage,stage_since\nKA1,Acme,early,2026-03-01\n")
        assert run(capsys, "kam", accounts, "-o", tmp_path / "ka.md")[0] == 0
        assert (tmp_path / "ka.md").read_text(encoding="utf-8").startswith("**")
        assert run(capsys, "demo", "-o", tmp_path / "demo.html")[0] == 0
        page = (tmp_path / "demo.html").read_text(encoding="utf-8")
        assert '<meta charset="utf-8">' in page
        assert page.rstrip().endswith("</html>")

    def test_text_and_markdown_group_thousands(self, files, capsys):
        """Amounts in text and Markdown have thousands separators; CSV keeps plain numbers."""
        out = run(capsys, "report", files / "cny.csv", "--table", "pipeline")[1]
        assert any("," in cell and cell[0].isdigit() for cell in out.split())
        md = run(capsys, "report", files / "cny.csv", "--table", "pipeline", "--format", "md")[1]
        line = md.splitlines()[-3]
        assert "," in line.split("|")[3]
        plain = run(capsys, "report", files / "cny.csv", "--table", "pipeline", "--format", "csv")
        assert "," not in next(csv.reader(io.StringIO(plain[1].splitlines()[1])))[2]

    def test_json_table_array(self, capsys):
        """emit's JSON is an array of the chosen tables."""
        emit(
            [Table("A", ("x",), [(1,)]), Table("B", ("y",), [(2,)])],
            Options("json", table="b"),
            ["a", "b"],
        )
        assert json.loads(capsys.readouterr().out) == [
            {"title": "B", "columns": ["y"], "rows": [[2]]}
        ]

    def test_output_format(self):
        """The format: --format, else the suffix of -o, else text."""
        assert output_format("csv", "x.md") == "csv"
        assert output_format(None, "x.MD") == "markdown"
        assert output_format(None, None) == "text"
        with pytest.raises(UsageError, match="cannot tell the format"):
            output_format(None, "x")


class TestDidYouMean:
    def test_a_mistyped_option(self, files, capsys):
        """report deals.csv --curency CNY suggests --currency."""
        code, _, err = run(capsys, "report", files / "cny.csv", "--curency", "CNY")
        assert code == 2
        assert err == (
            "salesfunnel report: unrecognized argument --curency; did you mean --currency?; "
            "see salesfunnel report --help\n"
        )

    def test_an_option_far_from_any(self, files, capsys):
        """An option like none of the command's is only unrecognized."""
        code, _, err = run(capsys, "report", files / "cny.csv", "--zzzzzzzz")
        assert code == 2
        assert "unrecognized arguments: --zzzzzzzz" in err
        assert "did you mean" not in err

    def test_a_mistyped_command(self, capsys):
        """salesfunnel reprot suggests report; a command like none lists them."""
        code, _, err = run(capsys, "reprot")
        assert code == 2
        assert "unknown command 'reprot'; did you mean 'report'?" in err
        code, _, err = run(capsys, "xyzzy")
        assert "unknown command 'xyzzy' (choose from demo, forecast" in err

    def test_a_mistyped_choice(self, files, capsys):
        """--format jsn suggests json; --by onwer suggests owner."""
        err = run(capsys, "report", files / "cny.csv", "--format", "jsn")[2]
        assert "invalid choice 'jsn'; did you mean 'json'?" in err
        err = run(capsys, "forecast", files / "cny.csv", "--by", "onwer")[2]
        assert "'onwer': did you mean 'owner'?" in err
        err = run(capsys, "forecast", files / "cny.csv", "--by", "region")[2]
        assert "choose owner, product or owner,product" in err

    def test_by_choices_show_once(self, capsys):
        """forecast --help shows the groupings once; product,owner is still accepted."""
        code, out, _ = run(capsys, "forecast", "--help")
        assert code == 0
        assert "product,owner" not in out
        assert "owner|product|owner,product" in out
        args = build_parser().parse_args(["forecast", "f.csv", "--by", "product, owner"])
        assert args.by == "product,owner"


class TestChinese:
    def test_usage_errors_in_chinese(self, files, capsys):
        """With --lang zh, parser and command errors are in Chinese."""
        err = run(capsys, "report", files / "cny.csv", "--curency", "CNY", "--lang", "zh")[2]
        assert err == (
            "salesfunnel report: 无法识别的参数 --curency；您是想用 --currency 吗？；"
            "参见 salesfunnel report --help\n"
        )
        err = run(capsys, "report", files / "cny.csv", "--rates", "USD=7", "--lang=zh")[2]
        assert err == "salesfunnel report: --rates 需要同时指定 --currency（报告币种）\n"
        err = run(capsys, "report", "--lang", "zh")[2]
        assert "缺少以下必需参数：FILE" in err

    def test_data_problems_in_chinese(self, capsys, tmp_path):
        """With --lang zh, a file's problems are in Chinese, on stderr and in validate's tables."""
        bad = tmp_path / "bad.csv"
        bad.write_text(
            "id,name,account,owner,stage,created,expected_close,amount,currency\n"
            "D1,ERP,Acme,Ann,intent,2026-01-05,2026-06-30,-5,CNY\n"
            "D2,CRM,Kite,Bo,intent,2026-01-05,30/06/2026,100,CNY\n",
            encoding="utf-8",
        )
        code, _, err = run(capsys, "report", bad, "--lang", "zh")
        assert code == 1
        assert "2 个问题；未导入任何数据" in err
        assert "为负数" in err
        bad.write_text(bad.read_text(encoding="utf-8").rsplit("D2", 1)[0], encoding="utf-8")
        code, _, err = run(capsys, "report", bad, "--lang", "zh")
        assert code == 1
        assert err.startswith(f"salesfunnel report: {bad} 第 2 行，列 amount")
        code, out, _ = run(capsys, "validate", bad, "--lang", "zh")
        assert code == 1
        assert "为负数" in out
        assert "is negative" not in out

    def test_help_in_chinese(self, capsys):
        """--help with --lang zh: usage, headings and option help in Chinese."""
        english = run(capsys, "report", "--help")[1]
        code, out, _ = run(capsys, "report", "--lang", "zh", "--help")
        assert code == 0
        assert out.startswith("用法：salesfunnel report")
        assert "选项" in out and "位置参数" in out and "报告币种" in out
        assert english.startswith("usage: salesfunnel report")

    def test_language_of(self):
        """The language is read before parsing; the last --lang wins, a bad one is English."""
        assert language_of(["report", "--lang", "zh"]) == "zh"
        assert language_of(["report", "--lang=zh", "--lang", "en"]) == "en"
        assert language_of(["report", "--lang", "fr"]) == "en"
        assert language_of(["report", "--lang"]) == "en"

    def test_every_command_is_listed(self, capsys):
        """salesfunnel --help lists every command, in both languages."""
        assert main(["--help"]) == 0
        out = capsys.readouterr().out
        assert all(c.name in out for c in COMMANDS)
        assert "commands:" in out


class TestEdges:
    def test_an_extra_positional_argument(self, files, capsys):
        """A stray word after the file is an unrecognized argument, without a suggestion."""
        code, _, err = run(capsys, "report", files / "cny.csv", "stray")
        assert code == 2
        assert err == (
            "salesfunnel report: unrecognized arguments: stray; see salesfunnel report --help\n"
        )

    def test_an_unknown_option_before_the_command(self, capsys):
        """salesfunnel --bogus is the main parser's usage error."""
        code, _, err = run(capsys, "--bogus")
        assert code == 2
        assert err.startswith("salesfunnel: unrecognized arguments: --bogus")

    def test_a_big_mapping_file(self, files, capsys, tmp_path):
        """A mapping file over 1 MB is a usage error."""
        big = tmp_path / "big.json"
        big.write_text(" " * 1_000_001, encoding="utf-8")
        code, _, err = run(capsys, "report", files / "cny.csv", "--mapping", big)
        assert code == 2
        assert "at most 1 MB" in err

    def test_demo_names_of_a_section_without_names(self):
        """A demo section without DEMO_TABLES gets numbered names."""
        from salesfunnel.cli.demo import _names_of

        def section():
            return []

        assert _names_of(section, 2) == ["test_contract1", "test_contract2"]
