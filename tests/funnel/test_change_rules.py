"""Tests for salesfunnel.funnel.change_rules: which recorded moves a funnel can make."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import ChangeKind, Funnel, Opportunity, StageChange, StageKind, TransitionError
from salesfunnel.funnel.change_rules import ChangeProblem, change_problem
from salesfunnel.funnel.records import UNRECORDED_STAGE

LADDER = Funnel.from_stage_names(["a", "b", "c", "d", "won"], won="won", lost="lost")
#: The same ladder with a forward edge from a straight to d.
BRANCHED = attrs.evolve(LADDER, edges={*LADDER.edges, ("a", "d")})
DAY = date(2026, 1, 5)


def change(kind: str, start: str | None, end: str, **kw: object) -> StageChange:
    return StageChange(start, end, DAY, kind=kind, **kw)  # type: ignore[arg-type]


def test_a_direct_edge_is_an_advance_and_the_ladder_a_skip():
    """With an edge a → d, both 'advance a → d' and 'skip a → d over b, c' are moves it makes."""
    assert change_problem(BRANCHED, change("advance", "a", "d")) is None
    assert change_problem(BRANCHED, change("skip", "a", "d", skipped=("b", "c"))) is None
    assert change_problem(LADDER, change("advance", "a", "d")) == ChangeProblem(
        "kind", "an 'advance' from 'a' to 'd' passes b, c", "write kind 'skip' with skipped 'b;c'"
    )


def test_closing_a_snapshot_deal():
    """A close moves from the unrecorded stage to won or lost, and only so."""
    assert change_problem(LADDER, change("close", UNRECORDED_STAGE, "won")) is None
    assert change_problem(LADDER, change("close", UNRECORDED_STAGE, "lost")) is None
    assert change_problem(LADDER, change("close", "b", "won")).field == "kind"
    assert change_problem(LADDER, change("close", UNRECORDED_STAGE, "b")).field == "kind"
    assert change_problem(LADDER, change("advance", UNRECORDED_STAGE, "b")) is None


def test_exit_and_create():
    """An exit ends in the lost outcome like a loss; a creation may be into any stage."""
    assert change_problem(LADDER, change("exit", "c", "lost", reason="uncoupled")) is None
    assert change_problem(LADDER, change("exit", "c", "won")).field == "to_stage"
    assert change_problem(LADDER, change("create", None, "won")) is None
    assert str(change_problem(LADDER, change("skip", "a", "b"))) == (
        "kind: a 'skip' from 'a' to 'b' passes no stage; write kind 'advance'"
    )


@st.composite
def machine_walks(draw: st.DrawFn) -> Opportunity:
    """A deal moved by the stage machine at random, on the branched ladder."""
    funnel = BRANCHED
    keys = [s.key for s in funnel.stages]
    deal = Opportunity(
        id="D",
        name="n",
        account="a",
        owner="o",
        stage=draw(st.sampled_from(keys[:-1])),
        created=DAY,
        expected_close=DAY,
        amount="1",
        currency="EUR",
    )
    on = DAY
    for _ in range(draw(st.integers(0, 8))):
        on += timedelta(days=1)
        what = draw(st.sampled_from(["move", "lose", "reopen"]))
        try:
            if what == "move":
                target = draw(st.sampled_from(keys))
                deal = funnel.advance(deal, target, on=on, reason="r", allow_skip=True)
            elif what == "lose":
                deal = funnel.lose(deal, on=on, reason="r")
            else:
                deal = funnel.reopen(deal, on=on, reason="r")
        except TransitionError:
            continue
    return deal


@given(machine_walks())
def test_every_move_the_machine_records_is_one_it_makes(deal):
    """The rules accept every history entry the stage machine writes."""
    for entry in deal.history:
        assert change_problem(BRANCHED, entry) is None, entry
    assert BRANCHED[deal.stage].kind in set(StageKind)


def test_kinds_are_the_record_kinds():
    """A ChangeProblem speaks of the kinds the history records."""
    assert {k.value for k in ChangeKind} >= {"advance", "skip", "regress", "lose", "reopen"}
