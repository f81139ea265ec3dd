"""The events file is read for its meaning: every stage change must be a move the funnel makes."""

from __future__ import annotations

import pytest
from hypothesis import given

from salesfunnel.io import DataFileError, read_csv, write_csv
from tests.io.test_csv import EV_HEADER, HEADER, ROW, text
from tests.strategies import opportunity_sets

CREATE = "D1,create,2026-01-05,,potential,,,,,"


def problems(*events: str, stage: str = "intent") -> list[tuple[int | None, str | None, str, str]]:
    with pytest.raises(DataFileError) as info:
        read_csv(text(HEADER, ROW.replace("intent", stage)), events=text(EV_HEADER, *events))
    return [
        (p.row, p.column, p.why, p.fix)
        for p in info.value.problems
        if p.why.startswith("history of opportunity 'D1': ")
    ]


@pytest.mark.parametrize(
    ("row", "stage", "column", "why", "fix"),
    [
        (
            "D1,lose,2026-01-06,potential,intent,gone,,,,",
            "intent",
            "to_stage",
            "a 'lose' ends in the lost outcome 'lost', not in 'intent'",
            "set to_stage to 'lost'",
        ),
        (
            "D1,regress,2026-01-06,potential,target_segment,,,,,",
            "target_segment",
            "reason",
            "a move back from 'potential' to 'target_segment' needs a reason",
            "say why",
        ),
        (
            "D1,advance,2026-01-06,potential,project,,,,,",
            "project",
            "kind",
            "an 'advance' from 'potential' to 'project' passes intent",
            "write kind 'skip' with skipped 'intent'",
        ),
        (
            "D1,skip,2026-01-06,potential,recognition,,project,,,",
            "recognition",
            "skipped",
            "a 'skip' from 'potential' to 'recognition' passes intent, project, not project",
            "write skipped 'intent;project'",
        ),
        (
            "D1,skip,2026-01-06,potential,intent,,,,,",
            "intent",
            "kind",
            "a 'skip' from 'potential' to 'intent' passes no stage",
            "write kind 'advance'",
        ),
        (
            "D1,advance,2026-01-06,potential,target_segment,,,,,",
            "target_segment",
            "kind",
            "does not move up the funnel",
            "regress",
        ),
        (
            "D1,advance,2026-01-06,potential,lost,,,,,",
            "lost",
            "kind",
            "never ends in the lost outcome",
            "write kind 'lose'",
        ),
        (
            "D1,advance,2026-01-06,potential,intent,,project,,,",
            "intent",
            "skipped",
            "an 'advance' skips no stage, but lists project",
            "leave skipped empty",
        ),
        (
            "D1,regress,2026-01-06,potential,intent,why,,,,",
            "intent",
            "kind",
            "does not move back to an earlier open stage",
            "advance",
        ),
        (
            "D1,reopen,2026-01-06,potential,intent,why,,,,",
            "intent",
            "kind",
            "a 'reopen' moves from the lost outcome to an open stage",
            "own kind",
        ),
        (
            "D1,close,2026-01-06,potential,closed,,,,,",
            "closed",
            "kind",
            "a 'close' moves from the unrecorded stage '(open)'",
            "own kind",
        ),
        (
            "D1,lose,2026-01-06,potential,lost,gone,intent,,,",
            "lost",
            "skipped",
            "only a 'skip' lists skipped stages, not a 'lose'",
            "leave skipped empty",
        ),
    ],
)
def test_a_move_the_funnel_does_not_make_is_a_problem_of_its_row(row, stage, column, why, fix):
    """Each wrong move names its row, the column to correct, what is wrong and the fix."""
    found = problems(CREATE, row, stage=stage)
    assert found[0][:2] == (3, column)
    assert "history of opportunity 'D1'" in found[0][2]
    assert why in found[0][2]
    assert fix in found[0][3]


def test_moves_out_of_a_closed_stage():
    """Nothing but a reopen leaves the lost outcome; nothing at all leaves the won stage."""
    lost = problems(
        "D1,create,2026-01-05,,lost,,,,,", "D1,advance,2026-01-06,lost,intent,,,,,", stage="intent"
    )
    assert "moves out of 'lost', which is lost" in lost[0][2]
    assert "write kind 'reopen'" in lost[0][3]
    won = problems(
        "D1,create,2026-01-05,,closed,,,,,",
        "D1,regress,2026-01-06,closed,intent,why,,,,",
        stage="intent",
    )
    assert "moves out of 'closed', which is won" in won[0][2]
    assert won[0][3] == "a won deal is final"


def test_legal_moves_read():
    """Advance, skip with its list, a move back with a reason, a loss and a reopen read whole."""
    (d,) = read_csv(
        text(HEADER, ROW.replace("intent", "recognition")),
        events=text(
            EV_HEADER,
            CREATE,
            "D1,skip,2026-01-06,potential,project,,intent,,,",
            "D1,regress,2026-01-07,project,intent,budget cut,,,,",
            "D1,lose,2026-01-08,intent,lost,no budget,,,,",
            "D1,reopen,2026-01-09,lost,intent,budget back,,,,",
            "D1,advance,2026-01-10,intent,project,,,,,",
            "D1,advance,2026-01-11,project,recognition,,,,,",
        ),
    )
    assert [c.kind.value for c in d.history] == [
        "create",
        "skip",
        "regress",
        "lose",
        "reopen",
        "advance",
        "advance",
    ]


@given(opportunity_sets())
def test_every_history_the_machine_could_record_round_trips(deals):
    """Legal histories, written as an events file, read back equal."""
    out, events = text(), text()
    write_csv(deals, out, events=events)
    out.seek(0)
    events.seek(0)
    assert read_csv(out, events=events) == deals


def test_revisions_must_agree_with_the_row():
    """The last reschedule and reprice must give the row's close date and amount."""
    with pytest.raises(DataFileError) as info:
        read_csv(
            text(HEADER, ROW),
            events=text(
                EV_HEADER,
                "D1,create,2026-01-05,,intent,,,,,",
                "D1,reschedule,2026-01-06,,,,,,2026-05-31,2026-07-31",
                "D1,reprice,2026-01-07,,,,,,ERP=100000;Support=20000,ERP=90000",
            ),
        )
    found = [(p.row, p.column, p.why, p.fix) for p in info.value.problems]
    assert found == [
        (
            2,
            "expected_close",
            "disagrees with the last reschedule in the events file (2026-07-31)",
            "correct the expected close date or the reschedule's new date",
        ),
        (
            2,
            "amount",
            "disagrees with the last reprice in the events file (90000)",
            "correct the amount or the reprice's new line items",
        ),
    ]


def test_revisions_that_agree_read():
    """A reschedule and a reprice ending in the row's values read whole."""
    (d,) = read_csv(
        text(HEADER, ROW),
        events=text(
            EV_HEADER,
            "D1,create,2026-01-05,,intent,,,,,",
            "D1,reschedule,2026-01-06,,,,,,2026-05-31,2026-06-30",
            "D1,reprice,2026-01-07,,,,,,ERP=1,ERP=100000;Support=20000",
        ),
    )
    assert [type(r).__name__ for r in d.revisions] == ["Reschedule", "Reprice"]
