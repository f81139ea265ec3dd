"""Fuzzing the command line: odd files and odd option values never give a traceback.

Every invocation ends with exit status 0, 1 (bad input: one typed error on
stderr) or 2 (a usage error), never with an unexpected error or a traceback.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.cli import main
from salesfunnel.io import write_csv
from salesfunnel.io.key_accounts import format_key_accounts
from tests.fuzz.test_csv import _DEALS, EVENTS, FUZZ, MAIN, ODD, mutated
from tests.fuzz.test_key_accounts import TEXT as KAM

RATES = "date,currency,rate\n2026-01-01,USD,7.1\n2026-01-01,EUR,7.8\n"
CUSTOMERS = "customer,spend\nAcme,1000\nBeta,200\nGamma,30\n"
#: Each command with the files it reads.
COMMANDS = {
    "validate": ["deals.csv"],
    "report": ["deals.csv"],
    "forecast": ["deals.csv"],
    "abc": ["deals.csv", "customers.csv"],
    "kam": ["kam.csv"],
    "import": ["deals.csv"],
}
#: Options with values that make sense; a file name is given as ``@name``.
GOOD = {
    "--cutoff": ["2026-06-30", "2026-12-31"],
    "--currency": ["CNY", "USD"],
    "--rates": ["@rates.csv", "USD=7", "USD=7,EUR=7.8"],
    "--lang": ["zh", "en"],
    "--format": ["text", "md", "csv", "json", "html"],
    "--events": ["@events.csv"],
    "--encoding": ["utf-8", "gb18030"],
    "--target": ["100000"],
    "--by": ["owner", "product", "owner,product"],
    "-o": ["@out.csv", "@out.json", "@out.md"],
}
#: Options that exist on some command, and one that exists on none.
OTHER = [
    "--rate",
    "--stages",
    "--won",
    "--lost",
    "--map",
    "--stage-map",
    "--default",
    "--preset",
    "--tz",
    "--probability-scale",
    "--ignore",
    "--table",
    "--curency",
]
NAMES = ["deals.csv", "events.csv", "rates.csv", "kam.csv", "customers.csv", "odd.csv"]
VALUES = [*ODD, "USD=1e9999999", "USD=NaN", "zh", "owner", "csv"]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cli-fuzz")
    main_csv, events = io.StringIO(), io.StringIO()
    write_csv(_DEALS, main_csv, events=events)
    for name, text in {
        "deals.csv": MAIN,
        "events.csv": EVENTS,
        "rates.csv": RATES,
        "kam.csv": KAM,
        "customers.csv": CUSTOMERS,
        "odd.csv": MAIN,
    }.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "accounts.csv").write_text(format_key_accounts([]), encoding="utf-8")
    _check(["report", str(root / "deals.csv"), "--events", str(root / "events.csv")])  # warm up
    return root


@st.composite
def command_lines(draw: st.DrawFn, root: Path) -> list[str]:
    """A command on one of its files, a mutated file or any file, with good or odd options."""
    command = draw(st.sampled_from(sorted(COMMANDS)))
    source = draw(st.sampled_from([*COMMANDS[command], "odd.csv", *NAMES]))
    if source == "odd.csv":
        base = {"kam": KAM, "abc": draw(st.sampled_from([MAIN, CUSTOMERS]))}.get(command, MAIN)
        base = draw(st.sampled_from([base, base, EVENTS, RATES]))
        (root / "odd.csv").write_text(draw(mutated(base)), encoding="utf-8")
    argv = [command, str(root / source)]
    if command == "import":
        argv += ["-o", str(root / draw(st.sampled_from(["out.csv", "out.json"])))]
    for _ in range(draw(st.integers(0, 3))):
        option = draw(st.sampled_from([*GOOD, *GOOD, *OTHER]))
        good = GOOD.get(option, [])
        odd = st.one_of(st.sampled_from(VALUES), st.sampled_from(["@" + n for n in NAMES]))
        value = draw(st.sampled_from(good) if good and draw(st.booleans()) else odd)
        argv += [option, str(root / value[1:]) if value.startswith("@") else value]
    return argv


def _check(argv: list[str]) -> None:
    out, errors = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(errors):
        try:
            code = main(argv)
        except SystemExit as stop:  # argparse's own exit, for a usage error
            code = stop.code if isinstance(stop.code, int) else 2
    err = errors.getvalue()
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err, (argv, err)
    assert "unexpected error" not in err, (argv, err)
    assert "意外错误" not in err, (argv, err)


@contextlib.contextmanager
def _inside(directory: Path) -> Iterator[None]:
    """Run in ``directory``: an output drawn as a bare value (``-o -0``) is written there."""
    before = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(before)


@FUZZ
@given(data=st.data())
def test_no_traceback(files, data):
    with _inside(files):  # never into the checkout the tests run from
        _check(data.draw(command_lines(files)))
