"""Tests for read_csv's engine path: the same records and problems as the csv module's path."""

from __future__ import annotations

import contextlib
import csv
import gc
import importlib.util
import io
import sys
from collections.abc import Iterator

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesfunnel.datasets import sample_pipeline
from salesfunnel.errors import FunnelError, OptionError
from salesfunnel.io import (
    DataFileError,
    iter_opportunities,
    read_csv,
    read_opportunities,
    write_csv,
)
from salesfunnel.io import _engine as engine_module
from salesfunnel.io import _lean as lean_module
from salesfunnel.io.csv_format import EngineNotInstalledError
from tests.fuzz.test_csv import EVENTS, MAIN, ODD, mutated, mutated_bytes
from tests.strategies import eventful_opportunities, opportunity_sets

#: The engines installed here (CI installs all three).
ENGINES = [e for e in ("polars", "pyarrow", "pandas") if importlib.util.find_spec(e)]

needs_engine = pytest.mark.skipif(not ENGINES, reason="no DataFrame engine installed")

_DEALS = [attrs.evolve(d, facts={}) for d in sample_pipeline()[:20]]
_PLAIN, _PLAIN_EVENTS = io.StringIO(), io.StringIO()
write_csv(_DEALS, _PLAIN, events=_PLAIN_EVENTS)
#: A file without quotes (no facts cells), written with CR LF line ends: what an engine splits.
PLAIN, PLAIN_EVENTS = _PLAIN.getvalue(), _PLAIN_EVENTS.getvalue()

SETTINGS = settings(
    max_examples=settings.default.max_examples * 4 // 5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def outcome(
    text: str | bytes, events: str | None, engine: str, *, lenient: bool, encoding: str = "utf-8"
) -> object:
    """What read_csv gives: the records and problems, or the error's type, text and problems."""
    source = io.BytesIO(text) if isinstance(text, bytes) else io.StringIO(text)
    ev = io.StringIO(events) if events is not None else None
    try:
        result = read_csv(source, events=ev, lenient=lenient, engine=engine, encoding=encoding)  # type: ignore[call-overload]
    except FunnelError as err:
        return type(err), str(err), list(getattr(err, "problems", ()))
    if lenient:
        return result.records, list(result.problems)
    return result


def same_everywhere(
    text: str | bytes, events: str | None, *, lenient: bool, encoding: str = "utf-8"
) -> None:
    expected = outcome(text, events, "python", lenient=lenient, encoding=encoding)
    for engine in ENGINES:
        assert outcome(text, events, engine, lenient=lenient, encoding=encoding) == expected


def plain(text: str) -> str:
    """``text`` as an engine reads it when it can: LF line ends."""
    return text.replace("\r\n", "\n")


@needs_engine
class TestSameResult:
    """The engine path gives the records and problems of the csv module's path, in order."""

    @SETTINGS
    @given(mutated(plain(PLAIN)), mutated(plain(PLAIN_EVENTS)), st.booleans(), st.booleans())
    def test_mutated_plain_files(self, text, events, with_events, lenient):
        """Mutated quote-free files (mostly split by the engine) read the same in every engine."""
        same_everywhere(text, events if with_events else None, lenient=lenient)

    @SETTINGS
    @given(mutated(MAIN), mutated(EVENTS), st.booleans())
    def test_mutated_files_with_quotes(self, text, events, lenient):
        """Files with quoted cells (split by the csv module) read the same too."""
        same_everywhere(text, events, lenient=lenient)

    @SETTINGS
    @given(mutated_bytes(plain(PLAIN)), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    def test_odd_bytes(self, data, encoding):
        """Bytes that are not text in the encoding give the same error on every path."""
        same_everywhere(data, None, lenient=True, encoding=encoding)

    @SETTINGS
    @given(opportunity_sets(), st.booleans())
    def test_written_opportunities(self, deals, lenient):
        """Whatever write_csv writes reads back the same on every path."""
        main, ev = io.StringIO(), io.StringIO()
        write_csv(deals, main, events=ev)
        same_everywhere(plain(main.getvalue()), plain(ev.getvalue()), lenient=lenient)

    @SETTINGS
    @given(st.lists(eventful_opportunities(), min_size=1, max_size=6), st.booleans())
    def test_histories_and_revisions(self, deals, lenient):
        """Histories, reschedules, reprices and overrides read the same (ids made unique)."""
        deals = [attrs.evolve(d, id=f"D{i}", facts={}) for i, d in enumerate(deals)]
        main, ev = io.StringIO(), io.StringIO()
        write_csv(deals, main, events=ev)
        same_everywhere(plain(main.getvalue()), plain(ev.getvalue()), lenient=lenient)

    def test_the_plain_file_reads_back(self):
        """The quote-free file is the engine's case, and reads back equal."""
        for engine in ENGINES:
            assert engine_module.engine_columns(PLAIN, engine) is not None
            back = read_csv(io.StringIO(PLAIN), events=io.StringIO(PLAIN_EVENTS), engine=engine)
            assert back == tuple(_DEALS)

    @pytest.mark.parametrize("odd", ODD)
    def test_each_odd_cell_in_each_column(self, odd):
        """Every odd text of the fuzzers, in every column of a row, reads the same."""
        lines = plain(PLAIN).splitlines()
        width = len(lines[0].split(","))
        for j in range(width):
            cells = lines[1].split(",")
            cells[j] = odd
            text = "\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n"
            same_everywhere(text, plain(PLAIN_EVENTS), lenient=True)

    @pytest.mark.parametrize("odd", ["", " ", "bogus", "2026-13-01", "intent", "true", "x=1"])
    def test_each_odd_cell_in_each_events_column(self, odd):
        """An odd text in each column of an events row reads the same."""
        lines = plain(PLAIN_EVENTS).splitlines()
        width = len(lines[0].split(","))
        for j in range(width):
            for at in (1, 2, 3):
                cells = lines[at].split(",")
                cells[j] = odd
                events = "\n".join([*lines[:at], ",".join(cells), *lines[at + 1 :]]) + "\n"
                same_everywhere(plain(PLAIN), events, lenient=True)

    @pytest.mark.parametrize("products", ["ERP=90", "ERP=60;CRM=30", "ERP=100", "ERP"])
    def test_an_amount_beside_its_products(self, products):
        """An amount cell beside the products (the sum or not) reads the same everywhere, streamed too."""
        text = (
            "id,name,account,owner,stage,created,expected_close,amount,currency,products\n"
            f"D1,ERP,Acme,Li,potential,2026-01-05,2026-06-30,100,CNY,{products}\n"
            "D2,CRM,Acme,Li,potential,2026-01-05,2026-06-30,100,CNY,ERP=100\n"
        )
        for lenient in (True, False):
            same_everywhere(text, None, lenient=lenient)
        expected = outcome(text, None, "python", lenient=True)
        chunks = iter_opportunities(io.StringIO(text), chunk_size=2, lenient=True)
        streamed = [(r, p) for chunk in chunks for r, p in [(chunk.records, chunk.problems)]]
        assert (
            tuple(d for r, _ in streamed for d in r),
            [p for _, ps in streamed for p in ps],
        ) == (tuple(expected[0]), expected[1])  # type: ignore[index]

    def test_a_duplicate_id_and_an_orphan(self):
        """Duplicated ids and events without an opportunity are reported alike."""
        lines = plain(PLAIN).splitlines()
        text = "\n".join([*lines, lines[1]]) + "\n"
        events = plain(PLAIN_EVENTS) + "NOBODY,create,2026-01-05,,potential,,,,,\n"
        same_everywhere(text, events, lenient=True)
        same_everywhere(text, events, lenient=False)


def _cell(text: str, *, quoted: bool) -> str:
    return '"' + text.replace('"', '""') + '"' if quoted else text.replace('"', "")


@st.composite
def quoted_texts(draw: st.DrawFn) -> str:
    """CSV texts of quoted and bare cells, now and then broken (a stray quote, a ragged row)."""
    cells = st.one_of(
        st.text(alphabet=',"ab =;{}:é', max_size=8),
        st.text(alphabet=",\n\r\"' ab=;{}:\x0b\u2028é", max_size=8),
    )
    width = draw(st.integers(1, 4))
    rows = draw(
        st.lists(
            st.lists(st.tuples(cells, st.booleans()), min_size=width, max_size=width),
            min_size=2,
            max_size=5,
        )
    )
    end = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [
        ",".join(_cell(t, quoted=q or any(c in t for c in ",\n\r")) for t, q in row) for row in rows
    ]
    text = end.join(lines) + draw(st.sampled_from([end, ""]))
    if draw(st.integers(0, 3)) == 0:  # a stray character somewhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(['"', ",", "\n", "'", '""'])) + text[at:]
    return text


def csv_columns(text: str) -> tuple[list[str], list[list[str]]]:
    header, *rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    return header, [list(c) for c in zip(*rows, strict=True)] or [[] for _ in header]


@needs_engine
class TestEngineColumns:
    """An engine splits a text only where its cells are the csv module's."""

    @settings(max_examples=settings.default.max_examples * 3, deadline=None)
    @given(
        st.text(alphabet=",\n\r\"' ab\x00\x0b\x0c\x1c\x85\u2028\ufeff\t\ud800é#;=", max_size=60),
        st.sampled_from(ENGINES or ["polars"]),
    )
    def test_cells_are_the_csv_modules(self, text, engine):
        """Wherever an engine splits a text, it gives the csv module's header and cells."""
        split = engine_module.engine_columns(text, engine)
        if split is not None:
            assert split == csv_columns(text.replace("\r\n", "\n"))

    @settings(max_examples=settings.default.max_examples * 6, deadline=None)
    @given(quoted_texts(), st.sampled_from(ENGINES or ["polars"]))
    def test_quoted_cells_are_the_csv_modules(self, text, engine):
        """Quoted cells (commas, doubled quotes, line breaks, guards inside) split as the csv module's."""
        split = engine_module.engine_columns(text, engine)
        if split is not None:
            assert split == csv_columns(text.replace("\r\n", "\n"))

    def test_regular_quotes_are_split(self):
        """Cells quoted as the csv module writes them go to the engine."""
        text = 'a,"b,c"\n"x ""q""",""\n"{""k"":1}",y\n'
        for engine in ENGINES:
            assert engine_module.engine_columns(text, engine) == csv_columns(text)
            assert engine_module.engine_columns(text.replace("\n", "\r\n"), engine) == (
                csv_columns(text)
            )

    @pytest.mark.parametrize(
        ("name", "text"),
        [
            ("a quote inside a bare cell", 'a,b\nx"y",z\n'),
            ("a quoted cell followed by text", 'a,b\n"x"y,z\n'),
            ("an unclosed quote", 'a,b\n"x,y\n'),
            ("a line break inside quotes", 'a,b\n"x\ny",z\n'),
            ("a CR LF inside quotes", 'a,b\r\n"x\r\ny",z\r\n'),
            ("a lone quote inside quotes", 'a,b\n"x"y",z\n'),
            ("a formula guard inside quotes", 'a,b\nx,"\'=1"\n'),
            ("a quoted header cell with a guard", '"\'a",b\nx,y\n'),
            ("a quoted blank line", 'a\n""\nx\n'),
            ("a quoted cell at the end without a line end", 'a,b\nx,y\n""'),
            ("a quoted comma making a row short", 'a,b,c\n"x,y",z\n'),
            ("a quote inside a cell", 'a,b\nx"y,z\n'),
            ("a lone carriage return", "a,b\nx,y\rz,w\n"),
            ("a carriage return without its line feed at the end", "a,b\r\nx,y\r"),
            ("a NUL character", "a,b\nx,\x00\n"),
            ("a formula guard at a cell's start", "a,b\nx,'=1+1\n"),
            ("a formula guard at a line's start", "a,b\n'=1,y\n"),
            ("a formula guard in the header", "'a,b\nx,y\n"),
            ("a byte-order mark left at the start", "\ufeff\n;"),
            ("a blank line", "a,b\n\nx,y\n"),
            ("a ragged row", "a,b\nx,y,z\n"),
            ("a short row", "a,b,c\nx,y\n"),
            ("a header alone", "a,b\n"),
            ("a lone surrogate", "a,b\nx,\ud800\n"),
        ],
    )
    def test_the_csv_module_splits(self, name, text):
        """Each case an engine could split differently goes to the csv module."""
        for engine in ENGINES:
            assert engine_module.engine_columns(text, engine) is None, name

    def test_crlf_line_ends_are_split(self):
        """CR LF line ends (as write_csv writes them) are one line end, as LF is."""
        for engine in ENGINES:
            assert engine_module.engine_columns("a,b\r\nx,y\r\n", engine) == (
                ["a", "b"],
                [["x"], ["y"]],
            )

    def test_spaces_and_other_line_breaks_stay_in_the_cells(self):
        """White space and the characters str.splitlines breaks on are kept as cell text."""
        text = "a,b,c\n x ,\x0b\x85,\u2028\x1c\n"
        for engine in ENGINES:
            assert engine_module.engine_columns(text, engine) == csv_columns(text)

    @pytest.mark.parametrize(
        "case",
        [
            "regular quoted cells",
            "a quote inside a bare cell",
            "a line break inside quotes",
            "a byte-order mark",
            "text that is not UTF-8",
            "another encoding",
            "a blank line",
            "a ragged row",
            "a lone carriage return",
            "report-form stage marks",
            "a row without an id",
            "a header alone",
        ],
    )
    def test_every_fallback_reads_the_same(self, case):
        """Each case the engine does not split (and regular quotes, which it does) reads as the csv module's path."""
        lines = plain(PLAIN).splitlines()
        encoding = "utf-8"
        if case == "regular quoted cells":
            data: str | bytes = PLAIN.replace("Wang Fang", '"Wang, ""Fang"""')
        elif case == "a quote inside a bare cell":
            data = PLAIN.replace("Wang Fang", 'Wang "Fang"')
        elif case == "a line break inside quotes":
            data = PLAIN.replace("Wang Fang", '"Wang\nFang"')
        elif case == "a byte-order mark":
            data = "\ufeff" + plain(PLAIN)
        elif case == "text that is not UTF-8":
            data = plain(PLAIN).encode() + b"\xff,x\n"
        elif case == "another encoding":
            data, encoding = plain(PLAIN).replace("Acme", "项目").encode("gb18030"), "gb18030"
        elif case == "a blank line":
            data = "\n".join([lines[0], "", *lines[1:]]) + "\n"
        elif case == "a ragged row":
            data = "\n".join([*lines, lines[1] + ",extra"]) + "\n"
        elif case == "a lone carriage return":
            data = plain(PLAIN).replace("\n", "\r", 3)
        elif case == "report-form stage marks":
            data = (
                "id,name,account,owner,created,expected_close,amount,currency,潜在客户,意向\n"
                "D1,ERP,Acme,Li,2026-01-05,2026-06-30,100,CNY,●,\n"
            )
        elif case == "a row without an id":
            data = "\n".join([*lines, "," + lines[1].partition(",")[2]]) + "\n"
        else:
            data = lines[0] + "\n"
        for lenient in (True, False):
            same_everywhere(data, None, lenient=lenient, encoding=encoding)
            if case != "another encoding":
                same_everywhere(data, plain(PLAIN_EVENTS), lenient=lenient, encoding=encoding)

    def test_a_path_is_read_by_the_engine(self, tmp_path):
        """A file on disk reads as its stream does."""
        path = tmp_path / "deals.csv"
        path.write_text(PLAIN, encoding="utf-8", newline="")
        events = tmp_path / "events.csv"
        events.write_text(PLAIN_EVENTS, encoding="utf-8", newline="")
        for engine in ENGINES:
            assert read_csv(path, events=events, engine=engine) == tuple(_DEALS)


@contextlib.contextmanager
def blocks_of(size: int) -> Iterator[None]:
    """Files split by the engine ``size`` bytes at a time (a block ends at a line's end)."""
    saved, engine_module.BLOCK = engine_module.BLOCK, size
    try:
        yield
    finally:
        engine_module.BLOCK = saved


def path_outcome(path: object, events: object, engine: str, *, lenient: bool) -> object:
    """What read_csv gives for files on disk (see ``outcome``)."""
    try:
        result = read_csv(path, events=events, lenient=lenient, engine=engine)  # type: ignore[call-overload]
    except FunnelError as err:
        return type(err), str(err), list(getattr(err, "problems", ()))
    if lenient:
        return result.records, list(result.problems)
    return result


@needs_engine
class TestBlocks:
    """A file is checked and split a block of lines at a time: the result is the whole file's."""

    @settings(max_examples=settings.default.max_examples * 2, deadline=None)
    @given(st.binary(max_size=200), st.integers(1, 40))
    def test_blocks_are_whole_lines(self, data, size):
        """The blocks of bytes in memory are its lines, cut at the first line end after ``size`` bytes."""
        with blocks_of(size):
            parts = list(engine_module.byte_blocks(data)())
        assert b"".join(parts) == data
        assert all(p and p.endswith(b"\n") and b"\n" not in p[size:-1] for p in parts[:-1])

    def test_a_file_on_disk_in_blocks(self, tmp_path):
        """A file on disk gives whole lines, however the blocks fall."""
        path = tmp_path / "f.csv"
        data = b"a,b\nxx,y\n\nlong line,z\nlast"
        path.write_bytes(data)
        for size in (1, 3, 5, 8, 100):
            with blocks_of(size):
                on_disk = list(engine_module.file_blocks(path)())
            assert b"".join(on_disk) == data
            assert all(p.endswith(b"\n") for p in on_disk[:-1])
            assert (len(on_disk) > 1) == (size < len(data))

    @settings(max_examples=settings.default.max_examples * 2, deadline=None)
    @given(
        st.text(alphabet=",\n\r\"' ab\x00\ufeff\ud800é", max_size=60),
        st.integers(1, 12),
        st.sampled_from(ENGINES or ["polars"]),
    )
    def test_small_blocks_split_as_the_whole_text(self, text, size, engine):
        """A text split in small blocks gives what it gives in one block: the same cells, or None."""
        whole = engine_module.engine_columns(text, engine)
        with blocks_of(size):
            assert engine_module.engine_columns(text, engine) == whole

    @pytest.mark.parametrize(
        "case",
        [
            "clean",
            "CR LF line ends",
            "a byte-order mark",
            "no line end at the end",
            "characters beyond ASCII",
            "regular quotes late",
            "a quote inside a bare cell late",
            "a formula guard starting a late line",
            "a lone carriage return late",
            "bytes that are not UTF-8 late",
            "a ragged row late",
            "a workbook",
        ],
    )
    def test_a_late_irregular_line_reads_the_whole_file_with_csv(self, tmp_path, case):
        """Text only a late block holds sends the whole file to the csv module; paths and streams alike."""
        lines = plain(PLAIN).splitlines()
        late = len(lines) - 2
        if case == "CR LF line ends":
            data = PLAIN.encode()
        elif case == "a byte-order mark":
            data = b"\xef\xbb\xbf" + plain(PLAIN).encode()
        elif case == "no line end at the end":
            data = plain(PLAIN).rstrip("\n").encode()
        elif case == "characters beyond ASCII":
            data = plain(PLAIN).replace("Wang Fang", "王芳").encode()
        else:
            change = {
                "clean": lambda line: line,
                "regular quotes late": lambda line: line.replace("Wang Fang", '"Wang, ""F"""'),
                "a quote inside a bare cell late": lambda line: line.replace("Wang", 'W"ang'),
                "a formula guard starting a late line": lambda line: "'" + line,
                "a lone carriage return late": lambda line: line.replace(",", "\r", 1),
                "bytes that are not UTF-8 late": lambda line: line + "\udcff",
                "a ragged row late": lambda line: line + ",x",
                "a workbook": lambda line: line,
            }[case]
            text = "\n".join([*lines[:late], change(lines[late]), *lines[late + 1 :]]) + "\n"
            data = text.encode("utf-8", "surrogateescape")
            if case == "a workbook":
                data = b"PK\x03\x04" + data
        path, events = tmp_path / "deals.csv", tmp_path / "events.csv"
        path.write_bytes(data)
        events.write_text(plain(PLAIN_EVENTS), encoding="utf-8")
        for lenient in (True, False):
            expected = outcome(data, plain(PLAIN_EVENTS), "python", lenient=lenient)
            on_disk = path_outcome(path, events, "python", lenient=lenient)
            with blocks_of(200):
                for engine in ENGINES:
                    got = outcome(data, plain(PLAIN_EVENTS), engine, lenient=lenient)
                    assert got == expected, engine
                    assert path_outcome(path, events, engine, lenient=lenient) == on_disk, engine
            if case == "bytes that are not UTF-8 late":  # a text stream: a lone surrogate
                expected = outcome(text, None, "python", lenient=lenient)
                for engine in ENGINES:
                    assert outcome(text, None, engine, lenient=lenient) == expected, engine


class TestEngineChoice:
    """engine= chooses what splits the file; a missing engine is a typed ImportError."""

    @pytest.mark.parametrize("engine", ["polars", "pyarrow", "pandas"])
    def test_a_missing_engine(self, monkeypatch, engine):
        """A named engine that is not installed raises, naming the extra to install."""
        monkeypatch.setitem(sys.modules, engine, None)
        with pytest.raises(EngineNotInstalledError) as caught:
            read_csv(io.StringIO(PLAIN), engine=engine)  # type: ignore[call-overload]
        assert isinstance(caught.value, ImportError)
        assert isinstance(caught.value, FunnelError)
        assert caught.value.engine == engine
        assert f"salesfunnel[{engine_module.ENGINES[engine]}]" in str(caught.value)

    def test_auto_without_any_engine_reads_with_the_csv_module(self, monkeypatch):
        """With no engine installed, "auto" reads as "python" does."""
        for engine in ("polars", "pyarrow", "pandas"):
            monkeypatch.setitem(sys.modules, engine, None)
        assert engine_module.resolve_engine("auto") is None
        assert read_csv(io.StringIO(PLAIN), events=io.StringIO(PLAIN_EVENTS)) == tuple(_DEALS)

    def test_a_module_without_a_spec_is_not_installed(self, monkeypatch):
        """A module in sys.modules without a spec counts as not installed."""
        fake = type(sys)("polars")
        monkeypatch.setitem(sys.modules, "polars", fake)
        assert not engine_module._installed("polars")

    def test_an_unknown_engine(self):
        """A name that is no engine is an OptionError naming the choices."""
        with pytest.raises(OptionError, match="'auto', 'python'"):
            read_csv(io.StringIO(PLAIN), engine="duckdb")  # type: ignore[call-overload]

    def test_python_is_the_csv_module(self):
        """engine="python" never splits with an engine."""
        assert engine_module.resolve_engine("python") is None

    @needs_engine
    def test_auto_takes_the_csv_module(self):
        """ "auto" takes the csv module (the faster path) even where an engine is installed."""
        assert engine_module.resolve_engine("auto") is None

    def test_a_mapped_export_reads_alike(self):
        """A mapped export is read by the csv module whatever the engine."""
        text = (
            "Deal,Client,Rep,Phase,Opened,Close,Value\nD1,Acme,Ann,intent,2026-01-05,2026-03-31,5\n"
        )
        columns = {
            "Deal": "id",
            "Client": "account",
            "Rep": "owner",
            "Phase": "stage",
            "Opened": "created",
            "Close": "expected_close",
            "Value": "amount",
        }
        defaults = {"currency": "USD", "name": "(unnamed)"}
        python = read_csv(io.StringIO(text), columns=columns, defaults=defaults, engine="python")
        for engine in ENGINES:
            assert (
                read_csv(io.StringIO(text), columns=columns, defaults=defaults, engine=engine)
                == python
            )

    def test_strict_errors_match(self):
        """A strict read's error is the same DataFileError on both paths."""
        bad = plain(PLAIN).replace("2026-05-05", "05/05/2026")
        with pytest.raises(DataFileError) as python:
            read_csv(io.StringIO(bad), engine="python")
        for engine in ENGINES:
            with pytest.raises(DataFileError) as other:
                read_csv(io.StringIO(bad), engine=engine)  # type: ignore[call-overload]
            assert str(other.value) == str(python.value)
            assert other.value.problems == python.value.problems


@needs_engine
class TestBatches:
    """Rows checked a batch at a time read as a whole file does."""

    def test_small_batches(self, monkeypatch):
        """Batches of three rows (the cells' memo shared between them) read the same."""
        lines = plain(PLAIN).splitlines()
        bad = lines[3].replace("CNY", "XX1").replace("USD", "XX1")
        text = "\n".join([*lines, bad, lines[2]]) + "\n"
        events = plain(PLAIN_EVENTS)
        expected = outcome(text, events, "python", lenient=True)
        monkeypatch.setattr(lean_module, "BATCH", 3)
        monkeypatch.setattr(engine_module, "BLOCK", 40)
        for engine in ["python", *ENGINES]:
            assert outcome(text, events, engine, lenient=True) == expected

    def test_one_change_written_two_ways(self):
        """An event kind in capitals is the same change as in small letters."""
        lines = plain(PLAIN_EVENTS).splitlines()
        events = "\n".join(
            [lines[0], *(line.replace(",skip,", ",SKIP,") for line in lines[1:5]), *lines[5:]]
        )
        same_everywhere(plain(PLAIN), events + "\n", lenient=True)

    @pytest.mark.parametrize("value", ["", "x"])
    def test_a_column_without_a_header(self, value):
        """A column without a header is a problem where it has values, on every path."""
        lines = plain(PLAIN).splitlines()
        text = "\n".join([lines[0] + ",", *(line + "," + value for line in lines[1:])]) + "\n"
        same_everywhere(text, plain(PLAIN_EVENTS), lenient=True)

    def test_the_stream_reads_the_same(self):
        """iter_opportunities gives what read_csv gives."""
        chunks = iter_opportunities(
            io.StringIO(PLAIN), events=io.StringIO(PLAIN_EVENTS), chunk_size=7
        )
        assert tuple(d for chunk in chunks for d in chunk) == tuple(_DEALS)

    def test_a_progress_hook_without_amounts(self):
        """A file without amounts read with a progress hook reports the missing column."""
        text = "id,name,account,owner,stage,created,expected_close,currency\n"
        text += "D1,ERP,Acme,Li,intent,2026-01-05,2026-06-30,CNY\n"
        seen: list[tuple[int, int]] = []
        result = read_csv(
            io.StringIO(text), lenient=True, progress=lambda d, t: seen.append((d, t))
        )
        assert [p.column for p in result.problems] == ["amount"]


class TestReadOpportunities:
    """read_opportunities passes engine= on to read_csv."""

    @pytest.mark.parametrize("lenient", [False, True])
    def test_engine_passes_through(self, tmp_path, lenient):
        """A .csv file reads the same with every engine, strict or lenient."""
        path = tmp_path / "deals.csv"
        path.write_text(PLAIN, encoding="utf-8", newline="")
        results = [
            read_opportunities(path, lenient=lenient, engine=engine)  # type: ignore[call-overload]
            for engine in ["python", *ENGINES]
        ]
        assert all(r == results[0] for r in results)


_TWO = (
    "id,name,account,owner,stage,created,expected_close,amount,currency\n"
    "D1,ERP,Acme,Li,intent,2026-01-05,2026-06-30,100,CNY\n"
    "D2,CRM,Beta,Ann,intent,2026-01-05,2026-06-30,200,CNY\n"
)
_TWO_EVENTS = (
    "opportunity_id,kind,on,from_stage,to_stage,reason,skipped,forced,old,new\n"
    "D1,create,2026-01-05,,potential,,,,,\n"
    "D1,advance,2026-01-09,potential,intent,,,,,\n"
    "D2,Create,2026-01-05,,potential,,,,,\n"
    "D2,advance,2026-01-09,potential,intent,,,,,\n"
)


class TestRepeatedMoves:
    """Two deals with the same moves on the same dates share them, on every reader."""

    def test_one_move_written_two_ways(self):
        """'Create' and 'create' on the same date are one change, read alike everywhere."""
        same_everywhere(_TWO, _TWO_EVENTS, lenient=True)
        deals = read_csv(io.StringIO(_TWO), events=io.StringIO(_TWO_EVENTS))
        assert deals[0].history == deals[1].history

    def test_the_stream_takes_seen_moves(self):
        """The streaming reader gives the same histories (its rows' cells seen before)."""
        chunks = iter_opportunities(io.StringIO(_TWO), events=io.StringIO(_TWO_EVENTS))
        streamed = tuple(d for chunk in chunks for d in chunk)
        assert streamed == read_csv(io.StringIO(_TWO), events=io.StringIO(_TWO_EVENTS))


class TestCollector:
    """A read pauses the cycle collector and leaves it as it found it."""

    def test_enabled_again_after_a_read_and_an_error(self):
        """The collector runs again after a good read and after a refused file."""
        assert gc.isenabled()
        read_csv(io.StringIO(PLAIN))
        assert gc.isenabled()
        with pytest.raises(DataFileError):
            read_csv(io.StringIO(plain(PLAIN).replace("USD", "US1")))
        assert gc.isenabled()

    def test_left_off_when_the_caller_turned_it_off(self):
        """A caller's paused collector stays paused."""
        gc.disable()
        try:
            back = read_csv(io.StringIO(PLAIN), events=io.StringIO(PLAIN_EVENTS))
            assert back == tuple(_DEALS)
            assert not gc.isenabled()
        finally:
            gc.enable()
