"""Coverage-guided fuzzing with atheris, when it is installed (skipped otherwise).

atheris (``pip install atheris``) mutates bytes guided by coverage, which
finds inputs hypothesis' structured mutations do not. Each target runs in a
child process for a fixed number of runs; an input that raises anything but a
``FunnelError`` makes the child fail and prints the input.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("atheris")

TARGETS = {
    "csv": "from salesfunnel.io import read_csv as read\nsource = io.BytesIO(data)",
    "json": "from salesfunnel.io import loads as read\nsource = data.decode('utf-8', 'replace')",
    "key_accounts": (
        "from salesfunnel.io.key_accounts import read_key_accounts as read\n"
        "source = io.BytesIO(data)"
    ),
}

SCRIPT = """
import io, sys
import atheris
with atheris.instrument_imports():
    from salesfunnel.errors import FunnelError
    {target}

def one(data):
    {source_line}
    try:
        read(source)
    except FunnelError:
        pass

atheris.Setup([sys.argv[0], "-runs=3000", "-max_len=4096"], one)
atheris.Fuzz()
"""


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_only_typed_errors(name):
    importer, source = TARGETS[name].split("\n")
    script = SCRIPT.format(target=importer, source_line=source)
    run = subprocess.run(  # noqa: S603  (our own script, run by this interpreter)
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-4000:]
