"""Tests for ``salesfunnel validate``."""

from __future__ import annotations

import json

import pytest

from salesfunnel.cli import main
from salesfunnel.datasets import sample_pipeline
from salesfunnel.io import write_csv, write_json
from tests.cli.test_cli import VALIDATION_DOC, check

HEADER = "id,name,account,owner,stage,created,expected_close,amount,currency\n"
GOOD = "A,n,a,o,intent,2026-01-01,2026-02-01,5,USD\n"
BAD = "B,n,a,o,intent,2026-01-01,2026-02-01,-5,USD\n"


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    return good, bad


class TestValidate:
    def test_clean_file_exits_0(self, files, capsys):
        """A clean file prints no problems and exits 0."""
        assert main(["validate", str(files[0])]) == 0
        assert capsys.readouterr().out == "1 opportunity, no problems\n"

    def test_problems_exit_1(self, files, capsys):
        """A file with problems prints each one (row, column, value, why, fix) and exits 1."""
        assert main(["validate", str(files[1])]) == 1
        out = capsys.readouterr().out
        assert "amount" in out
        assert "is negative" in out
        assert "record a refund as its own deal" in out
        assert "1 problem; 1 good record" in out

    def test_json_output(self, files, capsys):
        """--format json prints one stable object with every problem."""
        assert main(["validate", str(files[1]), "--format", "json"]) == 1
        doc = json.loads(capsys.readouterr().out)
        check(doc, VALIDATION_DOC)
        assert doc["schema"] == "salesfunnel/validation"
        assert doc["version"] == 1
        assert doc["records"] == 1
        (problem,) = doc["problems"]
        assert problem == {
            "file": str(files[1]),
            "row": 3,
            "column": "amount",
            "value": "-5",
            "why": "is negative",
            "fix": "amounts are zero or more; record a refund as its own deal",
            "opportunity_id": "B",
        }

    def test_chinese_and_markdown(self, files, capsys):
        """--lang zh gives Chinese headers; other formats render the same table."""
        assert main(["validate", str(files[1]), "--lang", "zh"]) == 1
        assert "修改建议" in capsys.readouterr().out
        assert main(["validate", str(files[0]), "--lang", "zh"]) == 0
        assert "没有问题" in capsys.readouterr().out
        assert main(["validate", str(files[1]), "--format", "markdown"]) == 1
        assert "| file | row |" in capsys.readouterr().out

    def test_events_and_json_files(self, tmp_path, capsys):
        """Events files and JSON documents are validated too."""
        deals = sample_pipeline()[:50]
        main_csv, events = tmp_path / "d.csv", tmp_path / "e.csv"
        write_csv(deals, main_csv, events=events)
        assert main(["validate", str(main_csv), "--events", str(events)]) == 0
        doc = tmp_path / "d.json"
        write_json(deals, doc)
        assert main(["validate", str(doc)]) == 0
        doc.write_text(
            '{"schema": "salesfunnel/opportunities", "version": 9, "opportunities": []}',
            encoding="utf-8",
        )
        assert main(["validate", str(doc)]) == 1
        assert "version 9" in capsys.readouterr().out

    def test_whole_file_problems(self, tmp_path, capsys):
        """An empty or wrongly encoded file is reported as a problem (exit 1)."""
        empty = tmp_path / "empty.csv"
        empty.write_bytes(b"")
        assert main(["validate", str(empty)]) == 1
        assert "the file is empty" in capsys.readouterr().out
        gbk = tmp_path / "gbk.csv"
        gbk.write_bytes(
            (HEADER + "A,项目,客户,李伟,intent,2026-01-01,2026-02-01,5,CNY\n").encode("gbk")
        )
        assert main(["validate", str(gbk)]) == 1
        assert "GBK" in capsys.readouterr().out
        assert main(["validate", str(gbk), "--encoding", "gb18030"]) == 0

    def test_ignore_columns(self, tmp_path):
        """--ignore skips a named extra column."""
        path = tmp_path / "x.csv"
        path.write_text(
            HEADER.replace("\n", ",score\n") + GOOD.replace("\n", ",9\n"), encoding="utf-8"
        )
        assert main(["validate", str(path)]) == 1
        assert main(["validate", str(path), "--ignore", "score"]) == 0

    def test_cutoff(self, files, capsys):
        """With --cutoff, changes dated after it are problems."""
        assert main(["validate", str(files[0]), "--cutoff", "2025-12-31"]) == 1
        assert "after the cutoff 2025-12-31" in capsys.readouterr().out
        assert main(["validate", str(files[0]), "--cutoff", "2026-12-31"]) == 0

    def test_usage_errors_exit_2(self, tmp_path, files, capsys):
        """A missing file, an unknown format or a missing argument exits 2."""
        assert main(["validate", str(tmp_path / "missing.csv")]) == 2
        assert "no such file" in capsys.readouterr().err
        assert main(["validate", str(files[0]), "--events", str(tmp_path / "no.csv")]) == 2
        other = tmp_path / "deals.xlsx"
        other.write_bytes(b"PK")
        assert main(["validate", str(other)]) == 2
        assert "cannot tell the kind of file from its name" in capsys.readouterr().err
        assert main(["validate"]) == 2

    def test_help(self, capsys):
        """--help describes the command with an example."""
        assert main(["validate", "--help"]) == 0
        out = capsys.readouterr().out
        assert "example: salesfunnel validate" in out
        assert "Exit status" in out


class TestSummary:
    def test_a_clean_file_is_one_line(self, files, capsys):
        """A clean file says so in one line, in both languages; markdown too."""
        good, _ = files
        assert main(["validate", str(good)]) == 0
        assert capsys.readouterr().out == "1 opportunity, no problems\n"
        assert main(["validate", str(good), "--lang", "zh", "--format", "md"]) == 0
        assert capsys.readouterr().out == "1 个商机，没有问题\n"

    def test_problems_grouped_by_column_and_kind(self, tmp_path, capsys):
        """A broken file: first the problems by column and kind with a count, then the rows."""
        path = tmp_path / "broken.csv"
        path.write_text(
            HEADER + GOOD + BAD + BAD.replace("B,", "C,") + "D,n,a,o,intent,x,2026-02-01,5,USD\n",
            encoding="utf-8",
        )
        assert main(["validate", str(path)]) == 1
        out = capsys.readouterr().out
        summary, rows = out.split("\n\n")
        assert summary.splitlines()[0] == f"Problems in {path}, by kind"
        assert summary.splitlines()[3].split()[-1] == "2"
        assert "amount" in summary.splitlines()[3]
        assert rows.startswith(f"Data problems in {path}")
        assert main(["validate", str(path), "--table", "summary", "--format", "csv"]) == 1
        assert capsys.readouterr().out.splitlines()[1] == "amount,is negative,2"

    def test_missing_rates_are_problems(self, files, capsys):
        """With --currency, a deal in a currency --rates cannot convert is a problem."""
        good, _ = files
        assert main(["validate", str(good), "--currency", "CNY", "--rates", "EUR=8"]) == 1
        assert "has no rate into CNY" in capsys.readouterr().out
        assert main(["validate", str(good), "--currency", "CNY", "--rates", "USD=7"]) == 0
        assert main(["validate", str(good), "--currency", "USD"]) == 0
        capsys.readouterr()
        assert main(["validate", str(good), "--currency", "CNY"]) == 1
