"""The command line on hostile input: safe CSV output, atomic files, one line per error, never a traceback."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
import sys

import pytest

from salesfunnel.cli import main
from salesfunnel.datasets import sample_pipeline
from salesfunnel.errors import FunnelError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.records import StageKind
from salesfunnel.io import DataFileError, Problem, read_csv, write_csv
from tests.cli.test_importer import CRM, TO_DEFAULT

FORMULAS = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A CNY file whose won deals' accounts are formulas, rates files good and bad."""
    root = tmp_path_factory.mktemp("safety")
    deals = [d for d in sample_pipeline() if d.currency == "CNY"]
    won = [i for i, d in enumerate(deals) if DEFAULT_FUNNEL[d.stage].kind is StageKind.WON]
    for n, i in enumerate(won):
        deals[i] = deals[i].evolve(account=FORMULAS[n % len(FORMULAS)])
    write_csv(deals, root / "deals.csv", events=root / "events.csv")
    write_csv(deals, root / "plain.csv", drop_history=True)
    (root / "latin1.csv").write_bytes(
        "id,name,account,owner,stage,created,expected_close,amount,currency,profit\r\n"
        "D1,Café,Acme,Ann,won,2026-01-05,2026-06-30,100,CNY,10\r\n".encode("latin-1")
    )
    rates = {
        "short": "date,currency,rate\n2026-01-01,USD\n",
        "huge": "date,currency,rate\n2026-01-01,USD,1e9999999\n",
        "compact_date": "date,currency,rate\n20260101,USD,7\n",
        "quoting": 'date,currency,rate\n2026-01-01,"USD\n',
        "columns": "day,currency,rate\n",
    }
    for name, text in rates.items():
        (root / f"{name}.csv").write_text(text, encoding="utf-8")
    (root / "gbk_rates.csv").write_bytes("date,currency,rate\n2026-01-01,人民币,1\n".encode("gbk"))
    return root


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(err: str) -> str:
    """The stderr of a failed command: exactly one line, no traceback."""
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err
    return err


class TestCsvOutput:
    def test_format_csv_guards_formula_accounts(self, files, capsys):
        """abc --format csv: every formula account starts with ' and reads back as the name."""
        code, out, _ = run(
            capsys, "abc", files / "plain.csv", "--format", "csv", "--table", "accounts"
        )
        assert code == 0
        assert "\r\n" in out and "\n" not in out.replace("\r\n", "")
        rows = list(csv.reader(io.StringIO(out, newline="")))
        customers = [r[1] for r in rows[1:] if len(r) > 1 and r[0].isdigit()]
        guarded = [c for c in customers if c[:1] == "'"]
        assert sorted({c[1:] for c in guarded}) == sorted(FORMULAS)
        assert not [c for c in customers if c[:1] in "=+-@\t\r"]

    def test_csv_without_a_byte_buffer(self, files):
        """Where stdout has no byte buffer (a StringIO), the CSV text is written as text."""
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            args = ["abc", str(files / "plain.csv"), "--format", "csv", "--table", "accounts"]
            assert main(args) == 0
        assert "'=1+1" in out.getvalue() and out.getvalue().endswith("\r\n")

    def test_text_output_strips_control_characters(self, tmp_path, capsys):
        """A name with terminal escapes prints without them."""
        deals = [
            d.evolve(account="\x1b]0;pwned\x07Evil\x1b[2J")
            for d in sample_pipeline()
            if d.currency == "CNY"
        ]
        write_csv(deals, tmp_path / "evil.csv", drop_history=True)
        code, out, _ = run(capsys, "abc", tmp_path / "evil.csv")
        assert code == 0
        assert "Evil" in out and "\x1b" not in out and "\x07" not in out

    def test_import_writes_guarded_files_that_read_back(self, tmp_path, capsys):
        """import -o ...: a CRM export's formula accounts are guarded in the file and read back."""
        export = tmp_path / "export.csv"
        text = (CRM / "pipedrive_deals.csv").read_text(encoding="utf-8")
        export.write_text(
            text.replace(",Acme,", ",=1+1,").replace(",Beta GmbH,", ",@SUM(A1),"), encoding="utf-8"
        )
        out = tmp_path / "out.csv"
        args = ["import", "--preset", "pipedrive", export, "--tz", "UTC", *TO_DEFAULT, "-o", out]
        assert run(capsys, *args)[0] == 0
        assert ",'=1+1," in out.read_text(encoding="utf-8")
        assert ",'@SUM(A1)," in out.read_text(encoding="utf-8")
        assert {"=1+1", "@SUM(A1)"} <= {d.account for d in read_csv(out)}


class TestAtomicOutputFiles:
    def test_sample_leaves_no_temporary_files_and_keeps_modes(self, tmp_path, capsys):
        """sample DIR writes the four files atomically: no temporary file; --force keeps modes."""
        target = tmp_path / "s"
        assert run(capsys, "sample", target)[0] == 0
        names = sorted(p.name for p in target.iterdir())
        assert names == ["deals.csv", "deals.json", "events.csv", "rates.csv"]
        assert (target / "rates.csv").read_bytes().startswith(b"date,currency,rate,quote\r\n")
        (target / "deals.csv").chmod(0o600)
        assert run(capsys, "sample", target, "--force")[0] == 0
        assert stat.S_IMODE((target / "deals.csv").stat().st_mode) == 0o600
        assert sorted(p.name for p in target.iterdir()) == names

    def test_import_into_a_missing_folder_is_one_line(self, tmp_path, capsys):
        """An output file that cannot be written is one line naming it (exit 1), no temp file."""
        bad = tmp_path / "nope" / "deals.csv"
        code, _, err = run(
            capsys, "import", "--preset", "pipedrive", CRM / "pipedrive_deals.csv",
            "--tz", "UTC", *TO_DEFAULT, "-o", bad,
        )  # fmt: skip
        assert code == 1
        assert str(bad) in one_line(err)


class TestNoTraceback:
    def test_abc_on_a_file_that_is_not_utf8(self, files, capsys):
        """salesfunnel abc on a latin-1 file (its profit-column reader): one typed line, exit 1."""
        code, _, err = run(capsys, "abc", files / "latin1.csv", "--by", "profit")
        assert code == 1
        assert "is not UTF-8" in one_line(err) and err.startswith("salesfunnel abc: ")

    @pytest.mark.parametrize(
        ("rates", "message"),
        [
            ("short", "row 2: rate"),
            ("huge", "row 2: rate"),
            ("compact_date", "'20260101' is not a date"),
            ("columns", "needs the columns date, currency, rate"),
            ("quoting", "malformed"),
            ("gbk_rates", "not UTF-8"),
        ],
    )
    def test_bad_rates_files(self, files, capsys, rates, message):
        """A short row, a huge rate, a compact date, bad quoting or encoding in --rates: one line, exit 1."""
        for command in ("forecast", "abc"):
            code, _, err = run(
                capsys,
                command,
                files / "deals.csv",
                "--events",
                files / "events.csv",
                "--currency",
                "CNY",
                "--rates",
                files / f"{rates}.csv",
            )
            assert code == 1, err
            assert message in one_line(err)
            assert err.startswith(f"salesfunnel {command}: ")

    @pytest.mark.parametrize(
        "rate", ["USD=1e9999999", "USD=NaN", "USD=1_000", "USD=-1", "USD=0", "XX=1", "USD"]
    )
    def test_bad_rate_options(self, files, capsys, rate):
        """--rate USD=1e9999999 and friends: one usage line pointing to --help, exit 2."""
        code, _, err = run(
            capsys, "report", files / "plain.csv", "--currency", "CNY", "--rate", rate
        )
        assert code == 2
        assert "is not a rate" in one_line(err)
        assert err.startswith("salesfunnel report: argument --rates/--rate:")
        assert err.rstrip().endswith("see salesfunnel report --help")

    @pytest.mark.parametrize("target", ["1e9999999", "lots", "-5", "1" + "0" * 30])
    def test_bad_targets(self, files, capsys, target):
        """--target is a bounded amount (thousands separators are fine): exit 2, one line."""
        code, _, err = run(capsys, "report", files / "plain.csv", "--target", target)
        assert code == 2
        assert "is not an amount" in one_line(err)

    @pytest.mark.parametrize("cutoff", ["0001-01-01", "1899-12-31", "9998-01-01", "20260101"])
    def test_cutoffs_out_of_range(self, capsys, cutoff):
        """demo --cutoff 0001-01-01 (an OverflowError before): one usage line, exit 2."""
        code, _, err = run(capsys, "demo", "--cutoff", cutoff)
        assert code == 2
        assert "--cutoff" in one_line(err)

    @pytest.mark.parametrize("cutoff", ["1900-01-01", "9997-12-31"])
    def test_cutoffs_at_the_edges_of_the_range(self, capsys, cutoff):
        """The first and last accepted cutoffs run, or fail as one typed line."""
        code, _, err = run(capsys, "demo", "--cutoff", cutoff, "--format", "json")
        assert code in (0, 1)
        if code:
            one_line(err)

    @pytest.mark.parametrize(
        ("cell", "message"),
        [
            ("1,000,000", "is not a number"),
            ("NaN", "is not a number"),
            ("١٢٣", "is not a number"),
            ("1" + "0" * 30, "integer digits"),
        ],
    )
    def test_non_canonical_profit_cells(self, tmp_path, capsys, cell, message):
        """abc --by profit reads plain numbers only; a separator, NaN or a huge one is a usage line."""
        path = tmp_path / "p.csv"
        path.write_text(
            "id,name,account,owner,stage,created,expected_close,amount,currency,closed_on,profit\n"
            f'D1,n,Acme,Ann,won,2026-01-05,2026-06-30,100,CNY,2026-02-01,"{cell}"\n',
            encoding="utf-8",
        )
        code, _, err = run(capsys, "abc", path, "--by", "profit")
        assert code == 2
        assert message in one_line(err)

    def test_signed_profit_cells_are_read(self, tmp_path):
        """A profit may carry a sign; the guard's ' on an id comes off as in the reader."""
        from salesfunnel.cli.abc import read_profit_column

        path = tmp_path / "p.csv"
        path.write_text("id,profit\n'=D1,-5.5\nD2,+3\nD3,\n", encoding="utf-8")
        assert read_profit_column(str(path)) == ({"=D1": -5.5, "D2": 3}, "profit")

    def test_control_characters_never_reach_the_terminal(self, capsys):
        """A file name with escape sequences is printed without them."""
        code, _, err = run(capsys, "report", "x\x1b[2J\x1b]0;t\x07.csv")
        assert code == 2
        assert "\x1b" not in one_line(err) and "x.csv: no such file" in err


def _boom(monkeypatch, error):
    from salesfunnel.cli import demo

    def fail(*_a, **_k):
        raise error

    monkeypatch.setattr(demo, "sample_pipeline", fail)


class TestDebug:
    def test_an_unexpected_error_is_one_line_with_a_hint(self, monkeypatch, capsys):
        """A bug shows one line naming the error and suggesting --debug; exit 1."""
        _boom(monkeypatch, RuntimeError("oops\nsecond line"))
        code, _, err = run(capsys, "demo")
        assert code == 1
        assert one_line(err) == (
            "salesfunnel demo: unexpected error (RuntimeError: oops second line); "
            "run again with --debug to see the traceback\n"
        )

    def test_an_error_without_a_message(self, monkeypatch, capsys):
        """An error with no message is named by its type."""
        _boom(monkeypatch, ZeroDivisionError())
        assert "unexpected error (ZeroDivisionError)" in one_line(run(capsys, "demo")[2])
        _boom(monkeypatch, OSError())
        assert one_line(run(capsys, "demo")[2]) == "salesfunnel demo: OSError\n"

    @pytest.mark.parametrize("where", ["before", "after"])
    def test_debug_shows_the_traceback(self, monkeypatch, capsys, where):
        """--debug before or after the command prints the traceback, then the one line."""
        _boom(monkeypatch, RuntimeError("oops"))
        args = ["--debug", "demo"] if where == "before" else ["demo", "--debug"]
        code, _, err = run(capsys, *args)
        assert code == 1
        assert err.startswith("Traceback (most recent call last):")
        assert "RuntimeError: oops" in err
        assert err.endswith("salesfunnel demo: unexpected error (RuntimeError: oops)\n")

    def test_debug_with_a_library_error(self, monkeypatch, capsys):
        """A typed error is one line too, with its traceback under --debug."""
        _boom(monkeypatch, FunnelError("bad thing"))
        assert run(capsys, "demo")[2] == "salesfunnel demo: bad thing\n"
        err = run(capsys, "demo", "--debug")[2]
        assert "Traceback" in err and err.endswith("salesfunnel demo: bad thing\n")

    def test_debug_is_known_while_parsing(self, monkeypatch, capsys):
        """An error while the arguments are parsed is one line (salesfunnel: ...), traced with --debug."""
        from salesfunnel.cli import common

        def broken(_text):
            raise ArithmeticError("while parsing")

        monkeypatch.setattr(common, "iso_date", broken)
        code, _, err = run(capsys, "demo", "--cutoff", "2026-01-01")
        assert code == 1
        assert one_line(err).startswith("salesfunnel: unexpected error (ArithmeticError")
        assert "Traceback" in run(capsys, "--debug", "demo", "--cutoff", "2026-01-01")[2]


class TestExitStatus:
    def test_interrupted(self, monkeypatch, capsys):
        """Ctrl-C is one line and exit 130, as shells report it."""
        _boom(monkeypatch, KeyboardInterrupt())
        code, _, err = run(capsys, "demo")
        assert (code, err) == (130, "salesfunnel demo: interrupted\n")

    def test_a_closed_pipe_is_quiet(self, monkeypatch, capsys):
        """salesfunnel ... | head: the reader went away; exit 1 without a word."""
        _boom(monkeypatch, BrokenPipeError(32, "Broken pipe"))
        assert run(capsys, "demo")[::2] == (1, "")  # a stdout without a descriptor

        class Piped(io.StringIO):
            def fileno(self):
                return 99

        redirected = []
        real_dup2 = os.dup2

        def dup2(fd, to, *rest):
            if to != 99:  # pytest's own capture
                return real_dup2(fd, to, *rest)
            os.close(fd)
            redirected.append(to)
            return to

        monkeypatch.setattr(sys, "stdout", Piped())
        monkeypatch.setattr(os, "dup2", dup2)
        assert main(["demo"]) == 1
        assert redirected == [99]  # what is left to flush goes to os.devnull

    def test_a_usage_error_outside_a_guard(self, monkeypatch, capsys):
        """A UsageError that reaches main is exit 2, one line."""
        from salesfunnel.cli.common import UsageError

        _boom(monkeypatch, UsageError("pair_form", option="--map", value="a\nb"))
        assert run(capsys, "demo")[::2] == (
            2,
            (
                "salesfunnel demo: --map 'a\\nb': write it as NAME=VALUE, e.g. --map "
                "'Close Date=expected_close'\n"
            ),
        )

    def test_a_file_with_several_problems_lists_them(self, monkeypatch, capsys):
        """One problem is one line; several keep the report, one a line."""
        one = Problem("f.csv", 2, "amount", "x", "is not a number", "fix it")
        _boom(monkeypatch, DataFileError("f.csv", [one]))
        err = one_line(run(capsys, "demo")[2])
        assert (
            err == "salesfunnel demo: f.csv row 2, column amount ('x'): is not a number; fix it\n"
        )
        _boom(monkeypatch, DataFileError("f.csv", [one, one]))
        err = run(capsys, "demo")[2]
        assert err.startswith("salesfunnel demo: f.csv: 2 problems") and err.count("\n") == 3

    def test_unicode_errors_are_data_problems(self, monkeypatch, capsys):
        """A text that cannot be printed or decoded is one line, exit 1."""
        _boom(monkeypatch, UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"))
        code, _, err = run(capsys, "demo")
        assert code == 1 and "surrogates not allowed" in one_line(err)

    def test_usage_errors_of_the_parser_are_one_line(self, capsys):
        """An unknown option is one line pointing to the command's --help."""
        code, _, err = run(capsys, "demo", "--bogus")
        assert code == 2
        assert one_line(err) == (
            "salesfunnel demo: unrecognized arguments: --bogus; see salesfunnel demo --help\n"
        )
        code, _, err = run(capsys, "report")
        assert code == 2
        assert "see salesfunnel report --help" in one_line(err)
