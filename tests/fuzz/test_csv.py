"""Fuzzing the CSV readers: mutated files give a FunnelError or records that round-trip."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesfunnel.datasets import sample_pipeline
from salesfunnel.errors import FunnelError
from salesfunnel.io import read_csv, write_csv

_DEALS = sample_pipeline()[:20]
_MAIN, _EVENTS = io.StringIO(), io.StringIO()
write_csv(_DEALS, _MAIN, events=_EVENTS)
ODD = [
    "",
    "NaN",
    "sNaN%",
    "1e9999999",
    "1_000",
    "١٢٣",
    "１００",
    "2026-W01-1",
    "20240101",
    "\x00",
    "=1+1",
]


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        cells = lines[i].split(",")
        j = draw(st.integers(0, len(cells) - 1))
        cells[j] = draw(st.one_of(st.sampled_from(ODD), st.text(max_size=8)))
        lines[i] = ",".join(cells)
    cut = draw(st.integers(0, len(lines)))
    return "\n".join(lines[: max(cut, 1)]) + "\n"


@settings(max_examples=60, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(_MAIN.getvalue()), st.booleans())
def test_only_typed_errors(text, with_events):
    events = io.StringIO(_EVENTS.getvalue()) if with_events else None
    try:
        deals = read_csv(io.StringIO(text), events=events)
    except FunnelError:
        return
    main, ev = io.StringIO(), io.StringIO()
    write_csv(deals, main, events=ev)
    assert read_csv(io.StringIO(main.getvalue()), events=io.StringIO(ev.getvalue())) == deals
    lenient = read_csv(io.StringIO(text), lenient=True)
    assert all(d == d for d in lenient.records)  # noqa: PLR0124  (self-equal)
