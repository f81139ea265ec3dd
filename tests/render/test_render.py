from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from salesfunnel.render import (
    Table,
    UnknownFormatError,
    display_width,
    neutralise_cell,
    render,
    restore_cell,
    strip_controls,
)

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


HOSTILE = Table(
    "<b>Deals</b>",
    ("account", "change", "when"),
    [
        ("=1+1", Decimal(-5), date(2026, 1, 2)),
        ("<script>alert(1)</script>", -3, None),
        ("\x1b[31mred\x1b[0m \x1b]8;;https://evil\x07link\x1b]8;;\x07", 2.5, None),
        ("a\rb\nc|d", 0, None),
    ],
    note="<i>note</i>",
)


class TestSafeOutput:
    @pytest.mark.parametrize("name", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "'=x"])
    def test_csv_guards_text_that_starts_a_formula(self, name):
        """A text cell starting with = + - @ TAB CR gets a leading '; restore_cell undoes it."""
        import csv
        import io

        t = Table("", ("account", "n"), [(name, -5)])
        rows = list(csv.reader(io.StringIO(render(t, "csv"), newline="")))
        assert rows[1] == ["'" + name, "-5"]
        assert restore_cell(rows[1][0]) == name
        raw = list(csv.reader(io.StringIO(render(t, "csv", raw=True), newline="")))
        assert raw[1] == [name, "-5"]

    def test_csv_numbers_dates_and_headers(self):
        """Negative numbers and dates stay numbers; a header that starts a formula is guarded."""
        t = Table("", ("-delta", "when", "x"), [(Decimal("-5.50"), date(2026, 1, 2), -1.5)])
        assert render(t, "csv").split("\r\n") == ["'-delta,when,x", "-5.50,2026-01-02,-1.5"]

    def test_csv_quotes_cr_and_ends_lines_with_crlf(self):
        """CSV uses \\r\\n and quotes a cell with a bare CR (it could start a row otherwise)."""
        out = render(HOSTILE, "csv")
        assert out.startswith("account,change,when\r\n'=1+1,-5,2026-01-02\r\n")
        assert '"a\rb\nc|d"' in out
        assert not out.endswith("\r\n")

    def test_neutralise_and_restore_are_inverse(self):
        """restore_cell(neutralise_cell(t)) == t, and plain text is left alone."""
        for text in ["", "Acme", "'", "'x", "''", "'=", "''+", "=", "@", "a=b", "-"]:
            assert restore_cell(neutralise_cell(text)) == text
        assert neutralise_cell("Acme") == "Acme" and restore_cell("'Acme") == "'Acme"

    def test_markdown_escapes_html_and_line_breaks(self):
        """Markdown escapes <, > and & (cells, headers, title, note); line breaks become <br>."""
        md = render(HOSTILE, "markdown")
        assert "<script>" not in md and "&lt;script&gt;alert(1)&lt;/script&gt;" in md
        assert md.startswith("**&lt;b&gt;Deals&lt;/b&gt;**")
        assert md.endswith("&lt;i&gt;note&lt;/i&gt;")
        assert "| a<br>b<br>c\\|d |" in md
        assert len(md.splitlines()) == 2 + 2 + 4 + 2  # one line per row: no row injection
        amp = render(Table("", ("a",), [("x & <y>",), ("1\r\n2",)]), "markdown")
        assert "| x &amp; &lt;y&gt; |" in amp and "| 1<br>2 |" in amp
        assert "<script>" in render(HOSTILE, "markdown", raw=True)

    def test_text_strips_control_characters(self):
        """Text output has no escape sequences or controls but line feeds; alignment holds."""
        out = render(HOSTILE, "text")
        assert "\x1b" not in out and "\x07" not in out and "\r" not in out
        assert "red link" in out
        assert "\x1b[31m" in render(HOSTILE, "text", raw=True)

    @pytest.mark.parametrize(
        ("text", "clean"),
        [
            ("\x1b[1;31mbold\x1b[0m", "bold"),
            ("\x1b]0;title\x1b\\after", "after"),
            ("\x1b]8;;u\x07x\x1b]8;;\x07", "x"),
            ("\x1bPdevice\x1b\\ok", "ok"),
            ("\x1bcreset", "reset"),
            ("\x9b2Jc1", "c1"),
            ("\x9d0;t\x9cc1", "c1"),
            ("tab\there\x00\x7f\x85", "tabhere"),
            ("line\nfeed", "line\nfeed"),
            ("\x1b]unterminated\nnext", "\nnext"),
            ("项目 ok", "项目 ok"),
            ("trailing\x1b", "trailing"),
        ],
    )
    def test_strip_controls(self, text, clean):
        """CSI, OSC, DCS, two-character escapes (7- and 8-bit) and C0/C1 controls go."""
        assert strip_controls(text) == clean

    def test_html_is_escaped(self):
        """HTML output escapes cells, always."""
        assert "&lt;script&gt;" in render(HOSTILE, "html")

    def test_md_is_markdown(self):
        """ "md" is another name for "markdown", escaping included."""
        assert render(HOSTILE, "md") == render(HOSTILE, "markdown")
