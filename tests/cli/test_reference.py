"""The usage lines of the command-line page are made from the parsers."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesfunnel.cli import COMMANDS
from salesfunnel.cli.reference import update, usage

PAGE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_the_page_is_current():
    """docs/cli.md holds every command's usage as its parser prints it (regenerate if not)."""
    text = PAGE.read_text(encoding="utf-8")
    assert update(text) == text, "run: python -m salesfunnel.cli.reference docs/cli.md"
    for command in COMMANDS:
        assert f"usage: salesfunnel {command.name} " in text


def test_usage(monkeypatch):
    """A command's usage, wrapped at the page's width whatever the terminal; unknown: KeyError."""
    monkeypatch.setenv("COLUMNS", "40")
    assert usage("sample").startswith("usage: salesfunnel sample [-h]")
    monkeypatch.delenv("COLUMNS")
    assert "--force" in usage("sample")
    with pytest.raises(KeyError, match="no command"):
        usage("nope")
