"""Tests for the polars engine path: line items split, checked and summed in one polars query.

Whatever the query flags (text the plain grammar does not cover, lines
that do not add up, a product named twice, lines with more places than the
amounts) goes the exact slow path, so the figures and errors are the core's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pl = pytest.importorskip("polars")
pytest.importorskip("pyarrow")
pytest.importorskip("numpy")

from salesfunnel.errors import UnknownStageError  # noqa: E402
from salesfunnel.forecasting.rollup import forecast  # noqa: E402
from salesfunnel.frames import FrameValueError, _polars_lines, forecast_frame, to_polars  # noqa: E402
from tests import factories  # noqa: E402
from tests.frames.test_forecast import cells, core_cells  # noqa: E402

CUTOFF = date(2026, 8, 31)


def frame(amounts, products, *, stage="negotiation"):
    """A polars frame of open deals closing in the cutoff's next month."""
    n = len(amounts)
    return pl.DataFrame(
        {
            "stage": [stage] * n,
            "owner": ["Li Wei"] * n,
            "created": [date(2026, 1, 5)] * n,
            "expected_close": [date(2026, 9, 15)] * n,
            "amount": amounts,
            "currency": ["CNY"] * n,
            "products": products,
        },
        strict=False,
    )


def by_product(df):
    """The forecast by product as {product: (count, amount)}."""
    result = cells(forecast_frame(df, cutoff=CUTOFF, by="product"))
    return {k[0]: v[:2] for k, v in result.items()}


def engine_only(monkeypatch):
    """Fail the test if the forecast falls back to the slow path."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the slow path was taken")

    monkeypatch.setattr("salesfunnel.frames.forecast.normalise", refuse)


class TestLinesInOneQuery:
    def test_spaces_around_names_and_amounts(self, monkeypatch):
        """Spaces around a line's name and amount are stripped in the engine, as the CSV reader strips them."""
        engine_only(monkeypatch)
        got = by_product(frame([5.0, 4.0], [" A = 3 ; Cloud Suite=2", "A=4"]))
        assert got == {"A": (2, Decimal(7)), "Cloud Suite": (1, Decimal(2))}

    def test_lines_with_places_on_whole_amounts(self, monkeypatch):
        """Whole amounts whose lines have places are summed at the lines' scale, in the engine."""
        engine_only(monkeypatch)
        got = by_product(frame([5.0, 1.0], ["A=2.5;B=2.50", "A=1"]))
        assert got == {"A": (2, Decimal("3.5")), "B": (1, Decimal("2.5"))}

    @pytest.mark.parametrize(
        ("amounts", "products", "match"),
        [
            ([5.0], ["A=1;B=2"], "add up to 3"),  # lines that do not add up
            ([0.0], ["A;B"], "no amount for product 'A'"),  # two bare names
            ([3.0], ["A=-1;B=4"], "is negative"),  # a negative line
        ],
    )
    def test_lines_the_slow_path_refuses(self, amounts, products, match):
        """Texts the query flags and the CSV reader refuses give the slow path's error."""
        with pytest.raises(FrameValueError, match=match):
            by_product(frame(amounts, products))

    @pytest.mark.parametrize(
        ("products", "want"),
        [
            ("A=1;A=2", {"A": (1, Decimal(3))}),  # a product named twice: counted once
            ("A=+1;B=2", {"A": (1, Decimal(1)), "B": (1, Decimal(2))}),  # a plus sign
        ],
    )
    def test_lines_the_slow_path_reads(self, products, want):
        """Texts the query flags and the CSV reader reads give the slow path's figures."""
        assert by_product(frame([3.0], [products])) == want

    def test_a_stage_the_funnel_lacks(self):
        """A stage the funnel does not have keeps its text, and the scan names it."""
        with pytest.raises(UnknownStageError):
            forecast_frame(frame([1.0], ["A=1"], stage="nope"), cutoff=CUTOFF, by="product")

    def test_categorical_stages(self):
        """Stages held as a polars Categorical give the figures of text stages."""
        df = frame([5.0], ["A=5"])
        categorical = df.with_columns(pl.col("stage").cast(pl.Categorical))
        assert by_product(categorical) == by_product(df)


def products_frame(deals):
    """The query's input for ``deals`` (lists of product names), one unit per line."""
    return pl.LazyFrame(
        {
            "owner": [f"O{i % 2}" for i in range(len(deals))],
            "_p": [1] * len(deals),
            "amount": [len(names) for names in deals],
            "products": [";".join(f"{name}=1" for name in names) for names in deals],
        }
    )


class TestProductNamedTwice:
    @given(
        deals=st.lists(
            st.lists(st.sampled_from(["A", "B", "C", "D", "E", "F"]), min_size=1, max_size=7),
            min_size=1,
            max_size=6,
        )
    )
    @settings(max_examples=settings.default.max_examples * 8 // 5, deadline=None)
    def test_neighbours_and_distinct_deals_agree(self, deals):
        """Each line is compared with the deal's SHORT - 1 lines before it (so a short deal whole), a longer deal is flagged, and counting distinct deals finds a product named twice in any deal."""
        keys = ("owner", "product")
        frame = products_frame(deals)
        near = _polars_lines._query(pl, frame, keys, 0, 0, spaced=False).collect()
        hashed = _polars_lines._query(pl, frame, keys, 0, 0, spaced=False, distinct=True).collect()
        short = _polars_lines.SHORT
        assert bool(near["_long"].any()) == any(len(names) > short for names in deals)
        near_twice = any(
            names[i] == names[j]
            for names in deals
            for j in range(len(names))
            for i in range(max(0, j - short + 1), j)
        )
        twice = any(len(set(names)) < len(names) for names in deals)
        assert bool(near["_bad"].any()) == near_twice
        if not any(len(names) > short for names in deals):
            assert near_twice == twice  # a short deal is checked whole
        assert bool((hashed["_long"] != hashed["count"]).any()) == twice

    @pytest.mark.parametrize(
        ("products", "want"),
        [
            (
                ["A=1;B=1;C=1;D=1;E=1", "A=4"],
                {"A": (2, Decimal(5)), "B": (1, Decimal(1)), "C": (1, Decimal(1))},
            ),
            (["A=1;B=1;C=1;D=1;A=1", "A=4"], None),  # named twice, beyond the neighbours
        ],
    )
    def test_a_deal_of_many_lines(self, products, want):
        """A deal of more lines than the neighbours compared is checked by counting distinct deals."""
        keys = ("owner", "product")
        frame = pl.LazyFrame(
            {"owner": ["O", "O"], "_p": [1, 1], "amount": [5, 4], "products": products}
        )
        got = _polars_lines.polars_cells(frame, keys, 0, 5, 0)
        if want is None:
            assert got is None
        else:
            cells = {r["product"]: (r["count"], Decimal(r["amount"])) for r in got[0].to_dicts()}
            assert {k: cells[k] for k in want} == want
            assert set(cells) == {"A", "B", "C", "D", "E"}


class TestRandomLineItems:
    @given(
        lines=st.lists(
            st.tuples(
                st.sampled_from(["ERP", "CRM", "Cloud Suite", "Support"]),
                st.decimals(min_value=0, max_value=10**6, places=2),
            ),
            min_size=1,
            max_size=4,
            unique_by=lambda line: line[0],
        ),
        spaces=st.booleans(),
    )
    @settings(max_examples=settings.default.max_examples * 4 // 5, deadline=None)
    def test_random_lines_equal_the_core(self, lines, spaces):
        """Deals of random line items give the core's figures by product."""
        items = {name: str(amount) for name, amount in lines}
        deal = factories.deal(id="D1", amount=None, line_items=items)
        df = to_polars([deal, factories.deal(id="D2")], drop_history=True)
        if spaces:
            df = df.with_columns(pl.col("products").str.replace_all("=", " = ", literal=True))
        got = cells(forecast_frame(df, cutoff=CUTOFF, by="owner,product"))
        assert got == core_cells(
            forecast([deal, factories.deal(id="D2")], cutoff=CUTOFF, by="owner,product")
        )


class TestLargeFrames:
    """Frames large enough that polars splits the work (its streaming engine runs morsels)."""

    SIZE = 150_000

    def lines(self, bad_at, bad):
        """Deals of one to three lines, one deal at ``bad_at`` made ``bad``."""
        products = [";".join(f"{n}=1" for n in "ABC"[: 1 + i % 3]) for i in range(self.SIZE)]
        amounts = [1 + i % 3 for i in range(self.SIZE)]
        if bad == "named twice":
            products[bad_at], amounts[bad_at] = "A=1;B=1;A=1", 3
        elif bad == "does not add up":
            amounts[bad_at] += 1
        return pl.LazyFrame(
            {
                "owner": ["O"] * self.SIZE,
                "_p": [1] * self.SIZE,
                "amount": amounts,
                "products": products,
            }
        )

    @pytest.mark.parametrize("bad", ["named twice", "does not add up"])
    def test_a_bad_deal_anywhere_is_found(self, bad):
        """A deal the engine must not sum is found wherever it lies, at the start, middle or end."""
        keys = ("owner", "product")
        for at in (0, self.SIZE // 2 - 1, self.SIZE // 2, self.SIZE - 1):
            assert _polars_lines.polars_cells(self.lines(at, bad), keys, 0, 4, 0) is None, at

    def test_good_deals_sum_in_the_engine(self):
        """The same frame without a bad deal is summed: every line once."""
        got = _polars_lines.polars_cells(self.lines(0, "none"), ("owner", "product"), 0, 4, 0)
        assert got is not None
        third = self.SIZE // 3
        counts = {r["product"]: r["count"] for r in got[0].to_dicts()}
        assert counts == {"A": self.SIZE, "B": 2 * third, "C": third}
