"""Tests for salesfunnel.io.streaming: reading a CSV file chunk by chunk."""

from __future__ import annotations

import gc
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesfunnel.errors import FunnelError, OptionError
from salesfunnel.io import (
    DataFileError,
    FileEncodingError,
    ReadResult,
    _memo,
    _records,
    iter_opportunities,
    read_csv,
    streaming,
    write_csv,
)
from tests.fuzz.test_csv import EVENTS, MAIN, mutated
from tests.strategies import opportunity_sets

HEADER = "id,name,account,owner,stage,created,expected_close,amount,currency"
EV_HEADER = "opportunity_id,kind,on,from_stage,to_stage,reason,skipped,forced,old,new"


def row(i: int, amount: str = "100") -> str:
    return f"D{i},Deal {i},Acme,Ann,potential,2026-01-05,2026-06-30,{amount},CNY"


def create(i: int) -> str:
    return f"D{i},create,2026-01-05,,potential,,,,,"


def text(*lines: str) -> io.StringIO:
    return io.StringIO("\n".join(lines) + "\n")


def flat(
    main: str, events: str | None = None, chunk_size: int = 10_000, **options: object
) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """Every record and every problem of a lenient stream, chunks joined."""
    records: list[object] = []
    problems: list[object] = []
    for part in iter_opportunities(
        io.StringIO(main),
        events=io.StringIO(events) if events is not None else None,
        chunk_size=chunk_size,
        lenient=True,
        **options,  # type: ignore[arg-type]
    ):
        records.extend(part.records)
        problems.extend(part.problems)
    return tuple(records), tuple(problems)


def whole(main: str, events: str | None = None) -> tuple[tuple[object, ...], tuple[object, ...]]:
    result = read_csv(
        io.StringIO(main), events=io.StringIO(events) if events is not None else None, lenient=True
    )
    return result.records, result.problems


def outcome(fn: object, *args: object, **kwargs: object) -> object:
    """What a reader gives, or the class and text of the FunnelError it raises."""
    try:
        return fn(*args, **kwargs)  # type: ignore[operator]
    except FunnelError as err:
        return type(err), str(err)


def written(deals: tuple[object, ...]) -> tuple[str, str]:
    main, events = io.StringIO(), io.StringIO()
    write_csv(deals, main, events=events)  # type: ignore[arg-type]
    return main.getvalue(), events.getvalue()


STREAM = settings(
    max_examples=settings.default.max_examples * 6 // 5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class TestAgreesWithReadCsv:
    @STREAM
    @given(opportunity_sets(), st.integers(1, 6))
    def test_valid_files_give_the_same_records_in_any_chunks(self, deals, size):
        """A written file streams back to the records read_csv reads, whatever the chunk size."""
        main, events = written(deals)
        chunks = list(
            iter_opportunities(io.StringIO(main), events=io.StringIO(events), chunk_size=size)
        )
        assert tuple(d for chunk in chunks for d in chunk) == read_csv(
            io.StringIO(main), events=io.StringIO(events)
        )
        assert all(0 < len(chunk) <= size for chunk in chunks)

    @STREAM
    @given(mutated(MAIN), mutated(EVENTS), st.booleans())
    def test_one_chunk_gives_the_same_records_and_problems(self, main, events, with_events):
        """In one chunk, a mutated file gives read_csv's records and problems, word for word."""
        ev = events if with_events else None
        assert outcome(flat, main, ev) == outcome(whole, main, ev)

    @STREAM
    @given(mutated(MAIN), mutated(EVENTS), st.integers(1, 4))
    def test_small_chunks_raise_only_typed_errors(self, main, events, size):
        """In small chunks a mutated file gives FunnelErrors only, and records read_csv accepts."""
        got = outcome(flat, main, events, size)
        if isinstance(got, tuple) and isinstance(got[0], tuple):
            records = got[0]
            back, ev = written(records)
            assert read_csv(io.StringIO(back), events=io.StringIO(ev)) == records


class TestColumnsAgreeWithRows:
    """A chunk read column by column gives what the same chunk gives row by row."""

    @STREAM
    @given(mutated(MAIN), mutated(EVENTS), st.integers(1, 5), st.booleans())
    def test_mutated_files_in_any_chunks(self, main, events, size, with_events):
        ev = events if with_events else None
        by_columns = outcome(flat, main, ev, size)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(streaming, "batch_columns", lambda *_: None)  # every chunk row by row
            assert outcome(flat, main, ev, size) == by_columns

    def test_a_regular_chunk_builds_no_row(self, monkeypatch):
        """Regular records go to the columns without a Row each."""
        from salesfunnel.io import _chunks

        def refuse(*_args: object) -> None:
            raise AssertionError("a chunk went row by row")

        monkeypatch.setattr(_chunks, "chunk_rows", refuse)
        monkeypatch.setattr(streaming, "chunk_rows", refuse)
        lines = [HEADER, row(1), row(2), row(1), row(3, "-5")]
        records, problems = flat("\n".join(lines) + "\n", chunk_size=2)
        # a stream gives D1 before it sees the later row with its id, which names row 2
        assert [r.id for r in records] == ["D1", "D2"]
        assert [(p.row, p.column) for p in problems] == [(4, "id"), (5, "amount")]


class TestChunks:
    def test_strict_raises_at_the_first_bad_chunk_with_its_problems(self):
        """The chunks before the bad one are yielded; the bad one raises with its true rows."""
        chunks = iter_opportunities(
            text(HEADER, row(1), row(2), row(3, "-5"), row(4)), chunk_size=2
        )
        assert [d.id for d in next(chunks)] == ["D1", "D2"]
        with pytest.raises(DataFileError) as info:
            next(chunks)
        assert [(p.row, p.column) for p in info.value.problems] == [(4, "amount")]

    def test_lenient_yields_every_chunk_with_its_problems(self):
        """Lenient mode yields a result per chunk: its good records and its problems."""
        parts = list(
            iter_opportunities(
                text(HEADER, row(1), row(2, "x"), row(3)), chunk_size=2, lenient=True
            )
        )
        assert all(isinstance(p, ReadResult) for p in parts)
        assert [[d.id for d in p.records] for p in parts] == [["D1"], ["D3"]]
        assert [[q.row for q in p.problems] for p in parts] == [[3], []]

    def test_a_duplicate_in_a_later_chunk_names_the_earlier_rows(self):
        """The later rows of a duplicated id are reported; the first, yielded already, stays."""
        records, problems = flat("\n".join([HEADER, row(1), row(2), row(1), row(1)]), None, 2)
        assert [d.id for d in records] == ["D1", "D2"]
        assert [(p.row, p.why) for p in problems] == [
            (4, "duplicated id: also on row 2, 5"),
            (5, "duplicated id: also on row 2, 4"),
        ]

    def test_a_duplicate_within_a_chunk_is_reported_on_both_rows(self):
        """Within one chunk a duplicate is reported as read_csv reports it; empty ids are not."""
        main = "\n".join(
            [HEADER, row(1), row(1), row(2).replace("D2", ""), row(3).replace("D3", "")]
        )
        assert flat(main, None, 5) == whole(main)

    def test_events_go_with_their_chunk(self):
        """Each chunk takes its opportunities' events; the histories are those of read_csv."""
        main = "\n".join([HEADER, *(row(i) for i in range(1, 6))]) + "\n"
        events = "\n".join([EV_HEADER, *(create(i) for i in range(1, 6))]) + "\n"
        assert flat(main, events, 2) == whole(main, events)

    @pytest.mark.parametrize("odd", [False, True])
    def test_events_after_their_chunk_are_a_problem(self, monkeypatch, odd):
        """An events row of an opportunity of an earlier chunk is reported, with the fix.

        ``odd``: the events file also has a row without an id, so that its
        batch is read row by row rather than by column.
        """
        monkeypatch.setattr(streaming, "LOOKAHEAD", 1)
        main = "\n".join([HEADER, row(1), row(2), row(3)])
        blank = [",create,2026-01-05,,potential,,,,,"] if odd else []
        events = "\n".join([EV_HEADER, create(2), create(3), create(1), *blank])
        records, problems = flat(main, events, 1)
        assert [d.id for d in records] == ["D1", "D2", "D3"]
        late = [p for p in problems if p.why.startswith("comes after the events of opportunities")]
        assert [(p.row, p.column, p.opportunity_id) for p in late] == [(4, "opportunity_id", "D1")]
        assert len(problems) == 1 + odd

    @pytest.mark.parametrize("odd", [False, True])
    def test_an_events_file_without_its_columns(self, odd):
        """An events file without a required column gives every id's problem, as read_csv does.

        ``odd``: a row without an id, so that its batch is read row by row.
        """
        main = "\n".join([HEADER, row(1), row(2)])
        blank = [",2026-01-05,potential"] if odd else []
        events = "\n".join(["opportunity_id,on,to_stage", "D1,2026-01-05,potential", *blank])
        records, problems = flat(main, events, 1)
        assert (records, problems) == whole(main, events)
        assert [d.id for d in records] == ["D2"]

    def test_events_of_no_opportunity_come_after_the_last_chunk(self):
        """Orphan events are reported once every chunk is read, in one more result."""
        main = "\n".join([HEADER, row(1)])
        events = "\n".join([EV_HEADER, create(1), create(7)])
        parts = list(
            iter_opportunities(text(main), events=text(events), chunk_size=1, lenient=True)
        )
        assert [len(p.records) for p in parts] == [1, 0]
        assert [p.why for p in parts[1].problems] == [
            "has events but no opportunity in the opportunities file"
        ]
        assert flat(main, events) == whole(main, events)

    def test_late_rows_of_a_bad_stream_after_the_end(self):
        """An events row of a taken opportunity, read after the last chunk, is late too."""
        main = "\n".join([HEADER, row(1)])
        events = "\n".join([EV_HEADER, create(1), create(7), create(1)])
        _, problems = flat(main, events, 1)
        assert [p.row for p in problems] == [4, 3]

    def test_a_bad_chunk_size_is_an_option_error(self):
        """A chunk size that is not a whole number of at least 1 is refused at once."""
        for size in (0, -1, 1.5, True):
            with pytest.raises(OptionError):
                iter_opportunities(text(HEADER), chunk_size=size)  # type: ignore[call-overload]

    def test_a_header_only_file_yields_no_chunk(self):
        """A file without rows yields no chunk in strict mode and one empty result leniently."""
        assert list(iter_opportunities(text(HEADER))) == []
        assert flat(HEADER + "\n") == ((), ())


class TestCollector:
    """The cycle collector is paused while the stream reads, and runs while the caller has a chunk."""

    def test_paused_while_reading_running_between_chunks(self, monkeypatch):
        """Each chunk is made with the collector paused; the caller holds it with the collector on."""
        made = []
        build = streaming.chunk_columns

        def spy(*args, **kwargs):
            made.append(gc.isenabled())
            return build(*args, **kwargs)

        monkeypatch.setattr(streaming, "chunk_columns", spy)
        main = "\n".join([HEADER, *(row(i) for i in range(5))])
        events = "\n".join([EV_HEADER, *(create(i) for i in range(5))])
        held = [
            gc.isenabled()
            for _ in iter_opportunities(io.StringIO(main), events=io.StringIO(events), chunk_size=2)
        ]
        assert made == [False] * 3
        assert held == [True] * 3
        assert gc.isenabled()

    def test_running_again_after_a_bad_file(self):
        """A file the stream refuses leaves the collector running."""
        with pytest.raises(DataFileError):
            next(iter_opportunities(io.StringIO("")))
        assert gc.isenabled()

    def test_a_caller_that_paused_it_keeps_it_paused(self):
        """A collector the caller disabled stays disabled between and after the chunks."""
        gc.disable()
        try:
            main = "\n".join([HEADER, row(1), row(2)])
            held = [gc.isenabled() for _ in iter_opportunities(io.StringIO(main), chunk_size=1)]
            assert held == [False, False]
            assert not gc.isenabled()
        finally:
            gc.enable()


class TestBadFiles:
    def test_missing_columns_yield_the_header_problems(self):
        """Without a required column nothing is built; every row's width is still checked."""
        main = "id,name\nD1,x\nD2,y,z\n"
        events = f"{EV_HEADER}\n{create(1)}\n"
        records, problems = flat(main, events, 1)
        assert records == ()
        assert sorted(map(str, problems)) == sorted(map(str, whole(main, events)[1]))
        assert flat(main, events) == whole(main, events)

    def test_malformed_text_ends_the_stream(self):
        """A text the csv module cannot split ends the stream at the chunk that shows it."""
        main = "\n".join([HEADER, row(1), row(2), 'D3,"a"b,Acme'])
        _, problems = flat(main, None, 1)
        assert "malformed" in problems[-1].why
        assert flat(main) == whole(main)

    def test_malformed_header(self):
        """A malformed header is the file's one problem, as read_csv reports it."""
        main = '"id"x,name\nD1,a\n'
        assert flat(main) == whole(main)

    def test_malformed_events(self):
        """A malformed events text is reported once; it gives no events (as read_csv)."""
        main = "\n".join([HEADER, row(1), row(2)])
        events = "\n".join([EV_HEADER, create(1), 'D2,"create"x,,,,,,,,'])
        assert flat(main, events) == whole(main, events)
        assert flat(main, events, 1) == whole(main, events)

    def test_an_events_file_without_a_required_column(self):
        """Deals with events in an unusable events file are left out, as read_csv does."""
        main = "\n".join([HEADER, row(1), row(2)])
        events = "opportunity_id,on\nD1,2026-01-05\n"
        assert flat(main, events, 1) == whole(main, events)

    def test_values_without_a_header_in_a_later_chunk(self):
        """A column with values but no header is reported once, where its values show."""
        main = "\n".join([HEADER + ",", row(1) + ",", row(2) + ",x", row(3) + ",y"])
        _, problems = flat(main, None, 1)
        assert [(p.row, p.column) for p in problems] == [(1, "#10")]
        events = "\n".join(
            [EV_HEADER + ",", *(create(i) + ("," if i < 3 else ",x") for i in range(1, 4))]
        )
        main = "\n".join([HEADER, row(1), row(2), row(3)])
        monkey = streaming._EVENT_BATCH
        try:
            streaming._EVENT_BATCH = 1
            _, problems = flat(main, events, 1)
        finally:
            streaming._EVENT_BATCH = monkey
        assert [(p.row, p.column) for p in problems] == [(1, "#11")]


class TestEncodings:
    def test_reads_paths_and_binary_streams(self, tmp_path):
        """A path and a binary stream with a UTF-8 byte-order mark read as text does."""
        main = "\n".join([HEADER, row(1), row(2)]) + "\n"
        path = tmp_path / "deals.csv"
        path.write_bytes(b"\xef\xbb\xbf" + main.encode())
        assert [d.id for c in iter_opportunities(path) for d in c] == ["D1", "D2"]
        stream = io.BytesIO(main.encode("utf-16"))
        with pytest.raises(FileEncodingError):
            list(iter_opportunities(stream))
        latin = io.BytesIO(main.replace("Acme", "Café").encode("latin-1"))
        deals = [d for c in iter_opportunities(latin, encoding="latin-1") for d in c]
        assert deals[0].account == "Café"
        bom = ("\ufeff" + main).encode("utf-16-le")
        assert [
            d.id for c in iter_opportunities(io.BytesIO(bom), encoding="utf-16-le") for d in c
        ] == [
            "D1",
            "D2",
        ]

    def test_a_text_stream_with_a_byte_order_mark(self):
        """A text stream's byte-order mark is dropped."""
        main = "\ufeff" + "\n".join([HEADER, row(1)]) + "\n"
        assert [d.id for c in iter_opportunities(io.StringIO(main)) for d in c] == ["D1"]

    def test_bad_bytes_later_in_the_file_name_their_line(self, monkeypatch):
        """Bytes that are not UTF-8 after the first block are refused with their line."""
        monkeypatch.setattr(_records, "BLOCK", 64)
        main = "\n".join([HEADER, row(1), row(2)]).encode() + b"\n\x80\n"
        with pytest.raises(FileEncodingError) as info:
            list(iter_opportunities(io.BytesIO(main)))
        assert "on line 4" in str(info.value)
        with pytest.raises(FileEncodingError):  # a sequence cut off at the end
            list(iter_opportunities(io.BytesIO(main[:-3] + b"\n\xe6\x88")))
        gbk = "\n".join([HEADER, row(1)]).encode() + "\n项目".encode("gb18030")
        with pytest.raises(FileEncodingError):
            list(iter_opportunities(io.BytesIO(gbk), encoding="ascii"))
        cut = "\n".join([HEADER, row(1)]).encode() + "\n项".encode("gb18030")[:2]
        with pytest.raises(FileEncodingError):
            list(iter_opportunities(io.BytesIO(cut), encoding="gb18030"))

    def test_an_unknown_encoding_and_empty_files(self):
        """An encoding Python does not know, and files with no text, are refused."""
        body = ("\n".join([HEADER, row(1)]) + "\n").encode()
        with pytest.raises(FileEncodingError):
            list(iter_opportunities(io.BytesIO(body), encoding="no-such-codec"))
        with pytest.raises(FileEncodingError, match="Excel workbook"):
            list(iter_opportunities(io.BytesIO(b"PK\x03\x04" + body), encoding="latin-1"))
        for empty in (io.BytesIO(b""), io.BytesIO(b"  \n"), io.StringIO(" \n")):
            with pytest.raises(DataFileError, match="the file is empty"):
                list(iter_opportunities(empty))

    def test_blank_first_block(self, monkeypatch):
        """A file that starts with a block of blank lines is read from its first text."""
        monkeypatch.setattr(_records, "BLOCK", 4)
        main = "\n\n\n\n" + "\n".join([HEADER, row(1)]) + "\n"
        assert flat(main) == whole(main)
        assert outcome(
            lambda: list(iter_opportunities(io.BytesIO(main.encode()), lenient=True))
        ) == outcome(lambda: [read_csv(io.BytesIO(main.encode()), lenient=True)])

    def test_line_ends_split_between_blocks(self, monkeypatch):
        """A "\\r\\n" split between two blocks is one line end, as the csv module reads it."""
        main = ("\r\n".join([HEADER, row(1), row(2), row(3)]) + "\r\n").encode()
        for size in range(3, 12):
            monkeypatch.setattr(_records, "BLOCK", size)
            lines = [p.row for p in flat(main.decode() + "D9,x", None)[1]]
            assert lines == [p.row for p in whole(main.decode() + "D9,x")[1]]
            assert [d.id for c in iter_opportunities(io.BytesIO(main)) for d in c] == [
                "D1",
                "D2",
                "D3",
            ]


class TestMemo:
    def test_a_failed_text_is_kept_without_its_frames(self):
        """A remembered problem keeps no traceback, so the read's frames are not kept with it."""
        from salesfunnel.io._values import BadValue

        def refuse(text: str) -> object:
            raise BadValue(f"{text} is bad", "fix it")

        table: dict[object, object] = {}
        found = _memo.Memo.miss(table, refuse, "x")
        assert isinstance(found, BadValue)
        assert found.__traceback__ is None
        assert table == {"x": found}

    def test_a_full_table_is_emptied(self, monkeypatch):
        """A column with more distinct texts than the limit is still read right."""
        monkeypatch.setattr(_memo, "LIMIT", 2)
        main = "\n".join(
            [HEADER + ",facts", *(row(i, str(i)) + f',"{{""f{i}"":true}}"' for i in range(1, 8))]
        )
        events = "\n".join(
            [EV_HEADER, *(create(i).replace("-05", f"-0{i}") for i in range(1, 8))]
        ).replace(",2026-06-30,", ",2026-06-30,")
        main = main.replace("2026-01-05", "2026-01-01")
        records, problems = whole(main, events)
        assert problems == ()
        assert [d.amount for d in records] == list(range(1, 8))
        assert [dict(d.facts) for d in records] == [{f"f{i}": True} for i in range(1, 8)]

    def test_rows_seen_before_are_checked_as_the_first(self):
        """A row whose cells were all seen good still gets every problem of its own."""
        main = "\n".join([HEADER, row(1), row(2), row(3), row(4)])
        events = "\n".join(
            [
                EV_HEADER,
                create(1),
                "D2,create,2026-01-05,potential,potential,,,,,",
                ",create,2026-01-05,,potential,,,,,",
                "D3,advance,2026-01-05,potential,potential,,,,,",
                "D1,advance,2026-01-06,potential,intent,,,,,",
                "D4,advance,2026-01-06,potential,intent,,,,,",
            ]
        )
        _, problems = whole(main, events)
        assert [(p.row, p.column) for p in problems if p.column] == [
            (3, "from_stage"),
            (4, "opportunity_id"),
            (5, "kind"),
            (5, "kind"),
            (7, "kind"),
        ]
        assert flat(main, events) == whole(main, events)


def test_unknown_io_names_are_attribute_errors():
    """``salesfunnel.io`` loads the streaming reader lazily and knows no other extra name."""
    import salesfunnel.io as package

    assert package.iter_opportunities is streaming.iter_opportunities
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018


def _no_progress(done: int, total: int) -> None:
    """A progress hook that draws nothing: it makes read_csv read the whole text first."""


class TestWholeFileReaders:
    @STREAM
    @given(mutated(MAIN), mutated(EVENTS), st.booleans())
    def test_with_and_without_a_progress_hook(self, main, events, with_events):
        """read_csv reads the same with a progress hook (the whole text) as without (a stream)."""
        ev = events if with_events else None

        def read(**options: object) -> object:
            return read_csv(
                io.StringIO(main),
                events=io.StringIO(ev) if ev is not None else None,
                lenient=True,
                **options,  # type: ignore[arg-type]
            )

        assert outcome(read) == outcome(read, progress=_no_progress)

    def test_bytes_in_other_encodings(self, tmp_path):
        """Both readers refuse bytes that are not text in the encoding with the same problem."""
        path = tmp_path / "x.csv"
        path.write_bytes(b"id,name\nA,Caf\xe9\xff\xff\n")
        for encoding in ("ascii", "utf-16", "no-such-codec"):
            lean = outcome(read_csv, path, encoding=encoding)
            whole_text = outcome(read_csv, path, encoding=encoding, progress=_no_progress)
            assert lean == whole_text
            assert lean[0] is FileEncodingError  # type: ignore[index]

    def test_an_unusable_events_file(self):
        """An events file without a required column drops the deals with events, on both paths."""
        main = "\n".join([HEADER, row(1), row(2)])
        events = "opportunity_id,on\nD1,2026-01-05\n"
        hooked = read_csv(
            io.StringIO(main), events=io.StringIO(events), lenient=True, progress=_no_progress
        )
        assert (hooked.records, hooked.problems) == whole(main, events)
        assert [d.id for d in hooked.records] == ["D2"]

    def test_a_character_cut_by_the_first_block(self, monkeypatch):
        """A character split between the first two blocks is read whole."""
        data = ("\n".join([HEADER, row(1).replace("Acme", "项目公司")]) + "\n").encode()
        monkeypatch.setattr(_records, "BLOCK", data.index("项".encode()) + 1)
        (deal,) = read_csv(io.BytesIO(data), engine="python")  # the csv module's stream
        assert deal.account == "项目公司"
        assert read_csv(io.BytesIO(data)) == (deal,)

    def test_malformed_opportunities_with_events(self):
        """A malformed opportunities text after the first chunk reports the events left."""
        main = "\n".join([HEADER, row(1), row(2), 'D3,"a"b,Acme'])
        events = "\n".join([EV_HEADER, create(1), create(2), create(3)])
        records, problems = flat(main, events, 1)
        assert [d.id for d in records] == ["D1", "D2"]
        assert "malformed" in problems[-2].why
        assert (problems[-1].why, problems[-1].opportunity_id) == (
            "has events but no opportunity in the opportunities file",
            "D3",
        )

    def test_an_unknown_from_stage_seen_twice(self):
        """A stage change whose from_stage failed before fails the same way again."""
        main = "\n".join([HEADER, row(1), row(2)])
        events = "\n".join(
            [
                EV_HEADER,
                create(1),
                "D1,advance,2026-01-06,bogus,intent,,,,,",
                create(2),
                "D2,advance,2026-01-06,bogus,intent,,,,,",
            ]
        )
        _, problems = whole(main, events)
        assert [(p.row, p.column) for p in problems if p.column] == [
            (3, "from_stage"),
            (5, "from_stage"),
        ]

    def test_a_blank_text_stream_on_both_paths(self):
        """A text stream of blank lines is an empty file, with or without a progress hook."""
        for options in ({}, {"progress": _no_progress}):
            with pytest.raises(DataFileError, match="the file is empty"):
                read_csv(io.StringIO(" \n"), **options)  # type: ignore[arg-type]
