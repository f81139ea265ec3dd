"""salesfunnel abc on a plain customer → value CSV file, as analysts keep one."""

from __future__ import annotations

import json

import pytest

from salesfunnel.cli import main
from salesfunnel.cli.abc_values import read_values
from salesfunnel.io import DataFileError


def run(capsys, *args):
    code = main(["abc", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def spend(tmp_path):
    path = tmp_path / "spend.csv"
    rows = [f"Customer {i},{1000 * (40 - i)}" for i in range(40)]
    path.write_text("customer,spend\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


class TestValuesFile:
    def test_told_by_its_header(self, spend, capsys):
        """Two columns without id: the customers are classified by the second column."""
        code, out, _ = run(capsys, spend, "--top", "3")
        assert code == 0
        assert "Customer 0" in out
        assert "spend" in out
        assert "40,000" in out

    def test_json_and_forced(self, spend, capsys):
        """--input values chooses it; JSON has no cutoff and the column as the criterion."""
        code, out, _ = run(capsys, spend, "--input", "values", "--format", "json")
        assert code == 0
        doc = json.loads(out)
        assert doc["cutoff"] is None
        assert doc["criteria"] == ["spend"]
        assert doc["accounts"][0] == {
            "account": "Customer 0",
            "code": "A",
            "classes": {"spend": "A"},
            "figures": {"spend": "40000"},
            "ranks": {"spend": 1},
            "shares": {"spend": doc["accounts"][0]["shares"]["spend"]},
        }

    def test_computed_method(self, spend, capsys):
        """Computed ABC analysis works on values too."""
        assert run(capsys, spend, "--method", "computed")[0] == 0

    def test_deal_options_are_refused(self, spend, capsys):
        """Options about deals have no use with values: a usage error naming them."""
        code, _, err = run(capsys, spend, "--margin", "0.3")
        assert code == 2
        assert "--margin: a customer-value file gives the figures itself" in err
        code, _, err = run(capsys, spend, "--by", "volume")
        assert code == 2
        assert "--by" in err

    def test_three_columns_forced(self, tmp_path, capsys):
        """--input values on a file of three columns says what the file needs."""
        path = tmp_path / "three.csv"
        path.write_text("customer,spend,region\nA,1,N\n", encoding="utf-8")
        code, _, err = run(capsys, path, "--input", "values")
        assert code == 2
        assert "two columns" in err

    def test_bad_rows_are_listed(self, tmp_path, capsys):
        """An empty customer, a customer twice and a value that is no number: every row listed."""
        path = tmp_path / "bad.csv"
        path.write_text("customer,spend\nA,100\n,5\nA,7\nB,1 000\nC,12\n", encoding="utf-8")
        with pytest.raises(DataFileError) as caught:
            read_values(str(path))
        problems = caught.value.problems
        assert [(p.row, p.column) for p in problems] == [
            (3, "customer"),
            (4, "customer"),
            (5, "spend"),
        ]
        assert "listed twice (first on row 2)" in problems[1].why
        assert "is not a number" in problems[2].why
        code, _, err = run(capsys, path)
        assert code == 1
        assert "row 5" in err

    def test_no_customers(self, tmp_path, capsys):
        """A header without rows is a data problem."""
        path = tmp_path / "none.csv"
        path.write_text("customer,spend\n", encoding="utf-8")
        code, _, err = run(capsys, path)
        assert code == 1
        assert "has no customers" in err

    def test_deals_are_still_deals(self, tmp_path, capsys):
        """--input deals reads an opportunities file even when it has two columns."""
        path = tmp_path / "two.csv"
        path.write_text("customer,spend\nA,1\n", encoding="utf-8")
        assert run(capsys, path, "--input", "deals")[0] == 1

    def test_a_file_that_is_not_utf8(self, tmp_path, capsys):
        """A file in another encoding is left to the reader, which names the encoding."""
        path = tmp_path / "latin.csv"
        path.write_bytes("customer,spend\nMüller,5\n".encode("utf-16"))
        code, _, err = run(capsys, path)
        assert code == 1
        assert "encod" in err.lower()
