"""The progress bar: on a terminal only (never in a pipe or in CI), with rate and time left."""

from __future__ import annotations

import io

import pytest

from salesfunnel.cli import main
from salesfunnel.cli.progress import Progress, shows_progress, working
from salesfunnel.datasets import generate, sample_pipeline
from salesfunnel.io import read_csv, write_csv


class FakeTty(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Clock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _not_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)


class TestProgress:
    def test_a_bar_with_rate_and_time_left(self):
        """On a terminal: the bar, the share, done of total, the rate and the time left."""
        out, clock = FakeTty(), Clock()
        with Progress("checking deals.csv", 200_000, stream=out, delay=1, clock=clock) as bar:
            bar.update(10)  # before the delay: nothing
            assert out.getvalue() == ""
            clock.now += 4
            bar.update(100_000)
        text = out.getvalue()
        assert "checking deals.csv  [############------------]  50%  100,000/200,000" in text
        assert "25,000/s  0:04 left" in text
        assert text.endswith("\r\033[K")

    def test_the_same_line_is_not_written_twice(self):
        """An update that changes nothing writes nothing."""
        out, clock = FakeTty(), Clock()
        with Progress("x", 10, stream=out, delay=0, clock=clock) as bar:
            bar.update(5)
            first = out.getvalue()
            bar.update(5)
            assert out.getvalue() == first

    def test_unknown_total_and_long_work(self):
        """Without a total the line shows the time spent; hours are shown when it takes that long."""
        out, clock = FakeTty(), Clock()
        with Progress("reading", None, stream=out, delay=0, clock=clock) as bar:
            clock.now += 3725
            bar.update()
        assert "reading … 1:02:05" in out.getvalue()

    def test_no_rate_yet(self):
        """At the very start the time left is unknown."""
        bar = Progress("x", 10, stream=FakeTty(), delay=0, clock=Clock())
        assert bar.line(0, 0.0).endswith("0/s  ? left")

    def test_a_hook_learns_the_total(self):
        """As a progress(done, total) hook the bar learns its total from the reader."""
        out, clock = FakeTty(), Clock()
        with Progress("checking", None, stream=out, delay=0, clock=clock) as bar:
            clock.now += 1
            bar.hook(3, 4)
        assert " 75%  3/4" in out.getvalue()

    def test_nothing_on_a_pipe_or_in_ci(self, monkeypatch):
        """A pipe or file never sees a progress line, nor does a CI log (CI set)."""
        pipe = io.StringIO()
        with Progress("x", 10, stream=pipe, delay=0) as bar:
            bar.update(5)
        assert pipe.getvalue() == ""
        assert shows_progress(FakeTty())
        monkeypatch.setenv("CI", "true")
        tty = FakeTty()
        assert not shows_progress(tty)
        with Progress("x", 10, stream=tty, delay=0) as bar:
            bar.update(5)
        assert tty.getvalue() == ""
        assert working("x", lambda: 7, stream=tty, delay=0) == 7
        assert tty.getvalue() == ""


class TestReadingProgress:
    def test_the_reader_reports_rows(self, tmp_path):
        """read_csv calls its progress hook with rows checked of the total, ending at the total."""
        path = tmp_path / "deals.csv"
        write_csv(generate(1200, seed=3), path, drop_history=True)
        calls = []
        deals = read_csv(path, progress=lambda done, total: calls.append((done, total)))
        assert len(deals) == 1200
        assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]

    def test_a_command_on_a_terminal(self, tmp_path, monkeypatch, capsys):
        """A command shows the bar on a terminal's stderr and clears it; its output is unchanged."""
        path = tmp_path / "deals.csv"
        write_csv(sample_pipeline()[:50], path, drop_history=True)
        assert main(["validate", str(path)]) == 0
        plain = capsys.readouterr().out
        tty = FakeTty()
        monkeypatch.setattr("sys.stderr", tty)
        monkeypatch.setitem(Progress.__init__.__kwdefaults__, "delay", 0)
        assert main(["report", str(path)]) == 0
        assert "checking deals.csv  [" in tty.getvalue()
        assert "100%  50/50" in tty.getvalue()
        assert tty.getvalue().endswith("\r\033[K")
        assert main(["validate", str(path)]) == 0
        assert capsys.readouterr().out.endswith(plain)
