from __future__ import annotations

import json

import pytest

from salesfunnel.cli import main


class TestCommand:
    def test_demo_prints_the_funnel_and_the_sample(self, capsys):
        """demo shows the seven stages and the sample's stage counts and losses."""
        assert main(["demo"]) == 0
        out = capsys.readouterr().out
        assert "Win customer recognition" in out and "赢得客户认可" in out
        assert "Sample pipeline by stage" in out
        assert "opportunities were lost" in out

    def test_demo_in_chinese_and_json(self, capsys):
        """demo speaks Chinese with --lang zh and emits JSON tables with --format json."""
        assert main(["demo", "--lang", "zh"]) == 0
        assert "默认销售漏斗" in capsys.readouterr().out
        assert main(["demo", "--format", "json"]) == 0
        tables = json.loads(capsys.readouterr().out)
        assert tables[0]["title"] == "The default funnel"

    def test_usage_errors_exit_2(self, capsys):
        """No command or a bad option is a usage error (exit 2)."""
        assert main([]) == 2
        assert main(["demo", "--format", "xml"]) == 2
        assert main(["demo", "--cutoff", "31/12/2026"]) == 2
        assert "YYYY-MM-DD" in capsys.readouterr().err

    def test_help_and_version_exit_0(self, capsys):
        """--help and --version succeed."""
        assert main(["--version"]) == 0
        assert main(["demo", "--help"]) == 0
        assert "example:" in capsys.readouterr().out

    def test_library_errors_exit_1(self, monkeypatch, capsys):
        """A library error during a command is reported on stderr with exit 1."""
        from salesfunnel._cli import demo
        from salesfunnel.errors import InvalidAmountError

        def boom(*_a, **_k):
            raise InvalidAmountError("bad amount", field="amount", value=-1)

        monkeypatch.setattr(demo, "sample_pipeline", boom)
        assert main(["demo"]) == 1
        assert "bad amount" in capsys.readouterr().err

    def test_os_errors_exit_1(self, monkeypatch, capsys):
        """A file-system error is reported with exit 1."""
        from salesfunnel._cli import demo

        def boom(*_a, **_k):
            raise FileNotFoundError("no such file: x.csv")

        monkeypatch.setattr(demo, "sample_pipeline", boom)
        assert main(["demo"]) == 1
        assert "x.csv" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["markdown", "csv", "html"])
def test_demo_formats(fmt, capsys):
    """Every output format renders the demo."""
    assert main(["demo", "--format", fmt]) == 0
    assert capsys.readouterr().out.strip()


class TestProgress:
    class _Tty:
        def __init__(self, tty):
            self.tty = tty
            self.text = ""

        def isatty(self):
            return self.tty

        def write(self, s):
            self.text += s

        def flush(self):
            pass

    def test_silent_when_not_a_terminal(self):
        """Nothing is printed to a pipe or file, however long the work takes."""
        from salesfunnel._cli.common import Progress

        out = self._Tty(tty=False)
        with Progress("work", 10, stream=out, delay=0) as p:
            p.update(5)
        assert out.text == ""

    def test_shown_on_a_terminal_after_the_delay_and_cleared(self):
        """On a terminal, long work shows a percentage and clears it at the end."""
        from salesfunnel._cli.common import Progress

        out = self._Tty(tty=True)
        with Progress("work", 10, stream=out, delay=0) as p:
            p.update(5)
        assert "work:  50% (5/10)" in out.text
        assert out.text.endswith("\r\033[K")
        quick = self._Tty(tty=True)
        with Progress("work", 10, stream=quick, delay=60) as p:
            p.update(5)
        assert quick.text == ""
