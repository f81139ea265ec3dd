"""Neutral tables: the alignment of their columns and their notebook view."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.tables import Table, Tabular, alignments, to_html


class TestAlignments:
    def test_text_left_numbers_right(self):
        """Text columns are left-aligned; numbers and text that reads as a number right-aligned."""
        t = Table(
            "",
            ("stage", "count", "amount", "share", "note", "day"),
            [
                ("Intent", 3, Decimal("1.5"), "20%", "", date(2026, 1, 1)),
                ("潜在商机", 12, Decimal(-4), "-1,234.5", None, date(2026, 2, 1)),
            ],
        )
        assert alignments(t) == ("left", "right", "right", "right", "left", "left")

    def test_empty_cells_do_not_count(self):
        """A column of numbers with blanks is still right-aligned; an empty one is left-aligned."""
        t = Table("", ("a", "b"), [(1, None), ("", None), (None, "")])
        assert alignments(t) == ("right", "left")

    def test_words_with_digits_are_text(self):
        """A quarter, an id or a range is text, not a number."""
        t = Table("", ("a",), [("2026 Q3",), ("D-0001",), ("10%–20%",), ("1.2.3",)])
        assert alignments(t) == ("left",)

    @given(st.lists(st.decimals(allow_nan=False, allow_infinity=False), min_size=1))
    def test_property_formatted_numbers_stay_right(self, values):
        """Any number, formatted with separators or as a percentage, still reads as a number."""
        rows = [(f"{v:,f}", f"{v:.0%}") for v in values]
        assert alignments(Table("", ("n", "p"), rows)) == ("right", "right")

    def test_html_uses_them(self):
        """The HTML aligns each column by its content unless told otherwise."""
        t = Table("", ("stage", "probability"), [("Intent", "20%")])
        html = to_html(t)
        assert re.search(r"text-align:left[^>]*>Intent<", html)
        assert re.search(r"text-align:right[^>]*>20%<", html)
        assert re.search(r"text-align:right[^>]*>Intent<", to_html(t, align=("right", "left")))


class TestTabular:
    def test_repr_html_from_table(self):
        """A Tabular result shows its table, escaped."""

        class Result(Tabular):
            def table(self) -> Table:
                return Table("<b>", ("x",), [("<script>",)])

        html = Result()._repr_html_()
        assert "&lt;script&gt;" in html and "<script>" not in html and "&lt;b&gt;" in html
