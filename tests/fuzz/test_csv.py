"""Fuzzing the CSV readers: mutated files give a FunnelError or records that round-trip.

Each test mutates a valid file (a cell replaced by odd text, a column added or
dropped, bytes that are not UTF-8, the file cut short) and asserts that the
reader raises nothing but a ``FunnelError``, that what it accepts writes and
reads back equal, and that every accepted record equals itself. The
per-example deadline (one second) catches a hang.

CI runs each at a fixed budget; set ``SALESFUNNEL_FUZZ_EXAMPLES`` to run more
examples locally (for example 5000).
"""

from __future__ import annotations

import io
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesfunnel.datasets import sample_pipeline
from salesfunnel.errors import FunnelError
from salesfunnel.io import read_csv, write_csv

#: Examples per test: the CI budget, or more when asked for.
BUDGET = int(os.environ.get("SALESFUNNEL_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=BUDGET, deadline=1000, suppress_health_check=[HealthCheck.too_slow])

_DEALS = sample_pipeline()[:20]
_MAIN, _EVENTS = io.StringIO(), io.StringIO()
write_csv(_DEALS, _MAIN, events=_EVENTS)
MAIN, EVENTS = _MAIN.getvalue(), _EVENTS.getvalue()

#: Cell texts that have broken a reader somewhere, or would break a careless one.
ODD = [
    "",
    " ",
    "NaN",
    "-0",
    "sNaN%",
    "Infinity",
    "1e9999999",
    "1e-999999",
    "9" * 5000,
    "1_000",
    "1,000",
    "١٢٣",
    "１００",
    "2026-W01-1",
    "20240101",
    "0001-01-01",
    "9999-12-31",
    "\x00",
    "\ufeff",
    "\u3000",
    '"',
    "=1+1",
    "'=1+1",
    "A=1e9999999;B=1e9999999",
    "probability=NaN;category=bogus",
    "a;b;c",
]

#: Byte strings that are not UTF-8 text, or are text of another encoding.
ODD_BYTES = [b"\xff\xfe", b"\x80", b"\xc3(", "项目".encode("gb18030"), b"\x00\x00", b"\xed\xa0\x80"]


def _split(line: str) -> list[str]:
    return line.split(",")


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with cells replaced, a column added or dropped, and maybe cut short."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        cells = _split(lines[i])
        j = draw(st.integers(0, len(cells) - 1))
        cells[j] = draw(st.one_of(st.sampled_from(ODD), st.text(max_size=8)))
        lines[i] = ",".join(cells)
    change = draw(st.sampled_from(["none", "add", "drop", "swap"]))
    if change != "none":
        width = len(_split(lines[0]))
        j = draw(st.integers(0, width - 1))
        rows = [_split(line) for line in lines]
        for k, cells in enumerate(rows):
            if change == "add":
                cells.insert(j, "extra" if k == 0 else draw(st.sampled_from(ODD)))
            elif change == "drop" and j < len(cells):
                del cells[j]
            elif change == "swap" and j + 1 < len(cells):
                cells[j], cells[j + 1] = cells[j + 1], cells[j]
        lines = [",".join(cells) for cells in rows]
    cut = draw(st.integers(0, len(lines)))
    return "\n".join(lines[: max(cut, 1)]) + "\n"


@st.composite
def mutated_bytes(draw: st.DrawFn, text: str) -> bytes:
    """``text`` as UTF-8 with odd bytes put in somewhere."""
    data = bytearray(draw(mutated(text)).encode("utf-8"))
    at = draw(st.integers(0, len(data)))
    data[at:at] = draw(st.one_of(st.sampled_from(ODD_BYTES), st.binary(max_size=6)))
    return bytes(data)


def round_trips(deals: tuple[object, ...]) -> None:
    """What was accepted writes and reads back equal, and each record equals itself."""
    main, ev = io.StringIO(), io.StringIO()
    write_csv(deals, main, events=ev)  # type: ignore[arg-type]
    back = read_csv(io.StringIO(main.getvalue()), events=io.StringIO(ev.getvalue()))
    assert back == deals
    assert all(d == d for d in deals)  # noqa: PLR0124  (self-equal)
    assert len({hash(d) for d in deals}) <= len(deals)


@FUZZ
@given(mutated(MAIN), st.booleans())
def test_only_typed_errors(text, with_events):
    events = io.StringIO(EVENTS) if with_events else None
    try:
        deals = read_csv(io.StringIO(text), events=events)
    except FunnelError:
        return
    round_trips(deals)


@FUZZ
@given(mutated(MAIN), mutated(EVENTS))
def test_lenient_reports_and_keeps_only_good_records(text, events):
    """Lenient mode never raises for the content; its good records round-trip."""
    try:
        result = read_csv(io.StringIO(text), events=io.StringIO(events), lenient=True)
    except FunnelError:
        return  # a file that cannot be read at all (no usable header) raises in both modes
    round_trips(result.records)
    assert all(p.why for p in result.problems)
    if not result.problems:
        assert read_csv(io.StringIO(text), events=io.StringIO(events)) == result.records


@FUZZ
@given(mutated(EVENTS))
def test_events_file_alone(events):
    """A mutated events file beside a good opportunities file."""
    try:
        deals = read_csv(io.StringIO(MAIN), events=io.StringIO(events))
    except FunnelError:
        return
    round_trips(deals)


@FUZZ
@given(mutated_bytes(MAIN), st.sampled_from(["utf-8", "gb18030", "latin-1"]))
def test_odd_bytes(data, encoding):
    """Bytes that are not text in the encoding are a FileEncodingError, never a bare error."""
    try:
        deals = read_csv(io.BytesIO(data), encoding=encoding)
    except FunnelError:
        return
    round_trips(deals)
