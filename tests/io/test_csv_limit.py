"""Tests for the csv module's cell limit: a cell longer than 131 072 characters reads on every path."""

from __future__ import annotations

import csv
import gc
import importlib.util
import io
import threading

import attrs
import pytest

from salesfunnel.datasets import sample_pipeline
from salesfunnel.io import DataFileError, iter_opportunities, read_csv, streaming, write_csv
from salesfunnel.io import _csv_limit as limit_module
from salesfunnel.io._csv_limit import LIMIT, lifted_limit
from salesfunnel.io.key_accounts import read_key_accounts

#: Longer than the csv module's default limit (131 072 characters).
LONG = "x" * 200_000
ENGINES = [e for e in ("polars", "pyarrow", "pandas") if importlib.util.find_spec(e)]


@pytest.fixture(autouse=True)
def _default_limit():
    """Each test starts and must end with the csv module's own limit."""
    before = csv.field_size_limit()
    yield
    assert csv.field_size_limit() == before


def long_named(n: int = 3) -> tuple[list, str, str]:
    """``n`` deals, the first with a name of 200 000 characters, and their CSV files."""
    deals = [attrs.evolve(d, facts={}) for d in sample_pipeline()[:n]]
    deals[0] = attrs.evolve(deals[0], name=LONG)
    main, events = io.StringIO(), io.StringIO()
    write_csv(deals, main, events=events)
    return deals, main.getvalue(), events.getvalue()


class TestLongCells:
    @pytest.mark.parametrize("engine", ["python", *ENGINES])
    def test_read_csv(self, engine):
        """A cell longer than the csv module's limit reads whole, the same on every path."""
        deals, main, events = long_named()
        got = read_csv(io.StringIO(main), events=io.StringIO(events), engine=engine)
        assert got == tuple(deals)
        assert got[0].name == LONG

    def test_quoted_long_cell(self):
        """A long cell in quotes (with commas and quotes inside) reads on the csv module's path."""
        deals, _, _ = long_named(1)
        text = LONG[:70_000] + ', "quoted" ' + LONG[:70_000]
        deal = attrs.evolve(deals[0], name=text)
        main = io.StringIO()
        write_csv([deal], main, drop_history=True)
        (got,) = read_csv(io.StringIO(main.getvalue()), engine="python")
        assert got.name == text

    def test_stream(self):
        """iter_opportunities reads the long cell, and puts the limit back when the stream ends."""
        deals, main, events = long_named()
        chunks = iter_opportunities(io.StringIO(main), events=io.StringIO(events), chunk_size=1)
        assert tuple(d for chunk in chunks for d in chunk) == tuple(deals)

    @pytest.mark.parametrize("how", ["closed", "dropped", "failed"])
    def test_stream_left_early(self, monkeypatch, how):
        """A stream left before its end puts the limit back at once: closed, dropped or failed.

        The events are read a row at a time and a chunk looks one row ahead,
        so that the events stream is still open when the stream is left; the
        collector is off, so that only closing the streams can end their
        reads (the events reader and its batches refer to each other).
        """
        monkeypatch.setattr(streaming, "_EVENT_BATCH", 1)
        monkeypatch.setattr(streaming, "LOOKAHEAD", 1)
        _, main, events = long_named(4)
        if how == "failed":  # the last deal's amount is negative: its chunk raises
            main = main.rstrip("\r\n").rpartition("\n")[0] + "\n"
            main += "D9,Bad,Acme,Ann,potential,2026-01-05,2026-06-30,-5,CNY\n"
        before = csv.field_size_limit()
        gc.disable()
        try:
            chunks = iter_opportunities(io.StringIO(main), events=io.StringIO(events), chunk_size=1)
            assert next(chunks)[0].name == LONG
            assert csv.field_size_limit() == LIMIT  # both files are still being read
            if how == "closed":
                chunks.close()
            elif how == "dropped":
                del chunks
            else:
                with pytest.raises(DataFileError) as caught:
                    list(chunks)
                assert caught.value.problems  # the error, and its traceback, are still held
            assert csv.field_size_limit() == before
        finally:
            gc.enable()

    def test_events_reader_failing_to_start(self, monkeypatch):
        """An events file whose reader fails while it starts ends its read at once."""
        monkeypatch.setattr(streaming, "_EVENT_BATCH", 1)

        def broken(*_args: object) -> None:
            raise RuntimeError("the reader cannot start")

        monkeypatch.setattr(streaming, "ColumnEventReader", broken)
        _, main, events = long_named(2)
        before = csv.field_size_limit()
        gc.disable()
        try:
            chunks = iter_opportunities(io.StringIO(main), events=io.StringIO(events))
            with pytest.raises(RuntimeError) as caught:
                next(chunks)
            assert caught.value.__traceback__ is not None
            assert csv.field_size_limit() == before
        finally:
            gc.enable()

    def test_key_accounts(self):
        """The key-account reader takes a long cell too."""
        text = "id,name,stage,stage_since\nK1," + LONG + ",early,2026-01-05\n"
        result = read_key_accounts(io.StringIO(text), lenient=True)
        assert [a.name for a in result.records] == [LONG]
        assert not result.problems


class TestLiftedLimit:
    def test_inside_and_after(self):
        """The limit is LIMIT inside the block and the caller's own after it, also after an error."""
        seen = []

        def fail() -> None:
            with lifted_limit():
                seen.append(csv.field_size_limit())
                raise RuntimeError

        csv.field_size_limit(5000)
        try:
            with pytest.raises(RuntimeError):
                fail()
            assert seen == [LIMIT]
            assert csv.field_size_limit() == 5000
        finally:
            csv.field_size_limit(131_072)

    def test_a_limit_set_meanwhile_is_kept(self):
        """A limit the program sets while a read is in progress is not undone when the read ends."""
        try:
            with lifted_limit():
                csv.field_size_limit(9000)
            assert csv.field_size_limit() == 9000
        finally:
            csv.field_size_limit(131_072)

    def test_nested(self):
        """Reads in progress share the lifted limit; the last one to end puts it back."""
        before = csv.field_size_limit()
        with lifted_limit():
            with lifted_limit():
                assert csv.field_size_limit() == LIMIT
            assert csv.field_size_limit() == LIMIT
        assert csv.field_size_limit() == before
        assert limit_module._readers == 0

    def test_threads(self):
        """Reads in several threads at once all see the lifted limit until the last ends."""
        deals, main, events = long_named()
        results: list[object] = []
        barrier = threading.Barrier(4)

        def read() -> None:
            barrier.wait()
            results.extend(
                read_csv(io.StringIO(main), events=io.StringIO(events)) for _ in range(3)
            )

        threads = [threading.Thread(target=read) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [tuple(deals)] * 12
