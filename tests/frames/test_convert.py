"""Tests for salesfunnel.frames.convert: opportunities to and from pandas and polars frames."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
pytest.importorskip("narwhals")

from salesfunnel.datasets import sample_pipeline  # noqa: E402
from salesfunnel.frames import (  # noqa: E402
    FrameTypeError,
    from_pandas,
    from_polars,
    to_pandas,
    to_polars,
)
from salesfunnel.io import (  # noqa: E402
    COLUMNS,
    DataFileError,
    HistoryWouldBeLostError,
    ReadResult,
    read_csv,
)
from tests import factories  # noqa: E402
from tests.strategies import eventful_opportunities, opportunity_sets, plain  # noqa: E402

DATE32 = pd.ArrowDtype(pa.date32())


deal = factories.deal_maker(
    name="ERP rollout",
    owner="Li Wei",
    stage="intent",
    expected_close=date(2026, 6, 30),
    amount=None,
    line_items={"ERP": "100000", "Support": "20000.50"},
)


def frame(**columns: list[object]) -> object:
    """A small pandas frame of text cells, as a CRM export would give, with overrides."""
    base: dict[str, list[object]] = {
        "id": ["D1", "D2"],
        "name": ["ERP", "CRM"],
        "account": ["Acme", "Beta"],
        "owner": ["Li Wei", "Ann"],
        "stage": ["intent", "potential"],
        "created": [date(2026, 1, 5), date(2026, 2, 1)],
        "expected_close": [date(2026, 6, 30), date(2026, 8, 31)],
        "amount": [Decimal(120000), Decimal(5000)],
        "currency": ["CNY", "EUR"],
    }
    base.update(columns)
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in base.items()})


def problems(df: object, **options: object) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(DataFileError) as info:
        from_pandas(df, **options)  # type: ignore[call-overload]
    return [(p.row, p.column, p.why) for p in info.value.problems]


class TestImports:
    def test_core_never_imports_frame_libraries(self):
        """Importing salesfunnel (and salesfunnel.frames) loads neither pandas, polars nor narwhals."""
        code = (
            "import sys, salesfunnel, salesfunnel.frames; "
            "print(sorted(m for m in ('pandas', 'polars', 'narwhals', 'dask') if m in sys.modules))"
        )
        out = subprocess.run(  # noqa: S603 - our own interpreter running a fixed snippet
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "[]"

    def test_unknown_name(self):
        """An attribute the package does not have is an AttributeError."""
        import salesfunnel.frames

        with pytest.raises(AttributeError, match="no attribute 'nothing'"):
            _ = salesfunnel.frames.nothing

    def test_missing_narwhals(self, monkeypatch):
        """Without narwhals, using a frame function says which extra to install."""
        import importlib

        import salesfunnel.frames

        def no_narwhals(_name: str) -> object:
            raise ImportError("No module named 'narwhals'", name="narwhals")

        monkeypatch.delitem(salesfunnel.frames.__dict__, "to_polars", raising=False)
        monkeypatch.setattr(importlib, "import_module", no_narwhals)
        with pytest.raises(ImportError, match=r"salesfunnel\[pandas\]"):
            _ = salesfunnel.frames.to_polars

    def test_other_import_errors_pass_through(self, monkeypatch):
        """An import error that is not about narwhals is not disguised."""
        import importlib

        import salesfunnel.frames

        def broken(_name: str) -> object:
            raise ImportError("something else", name="elsewhere")

        monkeypatch.delitem(salesfunnel.frames.__dict__, "to_polars", raising=False)
        monkeypatch.setattr(importlib, "import_module", broken)
        with pytest.raises(ImportError, match="something else"):
            _ = salesfunnel.frames.to_polars

    def test_missing_optional_library(self):
        """A missing engine library names the extra that installs it."""
        from salesfunnel.frames._common import import_optional

        with pytest.raises(ImportError, match=r"pip install 'salesfunnel\[dask\]'"):
            import_optional("no_such_library_here", "dask")

    def test_dir_lists_the_public_names(self):
        """dir() of the package lists its public names."""
        import salesfunnel.frames

        assert "forecast_frame" in dir(salesfunnel.frames)


class TestToPandas:
    def test_columns_and_types(self):
        """One row per opportunity, the CSV columns in order, Decimal money and date32 dates."""
        df = to_pandas([deal(), deal(id="D2", probability="0.35")])
        assert list(df.columns) == list(COLUMNS)
        assert df["amount"].dtype == object
        assert df["probability"].dtype == object
        assert df["created"].dtype == DATE32
        assert df.loc[0, "amount"] == Decimal("120000.50")
        assert df.loc[0, "products"] == "ERP=100000;Support=20000.50"
        assert df.loc[0, "probability"] is None
        assert df.loc[1, "probability"] == Decimal("0.35")
        assert df.loc[0, "expected_close"] == date(2026, 6, 30)
        assert pd.isna(df.loc[0, "closed_on"])

    def test_single_unnamed_line_has_empty_products(self):
        """A deal of one line without a product name writes an empty products cell."""
        df = to_pandas([deal(line_items=None, amount="10")])
        assert df.loc[0, "products"] == ""

    def test_empty(self):
        """No opportunities give an empty frame with every column."""
        df = to_pandas([])
        assert list(df.columns) == list(COLUMNS)
        assert len(df) == 0

    def test_history_would_be_lost(self):
        """A history beyond the creation is refused unless drop_history is given."""
        deals = sample_pipeline()[:20]
        with pytest.raises(HistoryWouldBeLostError):
            to_pandas(deals)
        assert len(to_pandas(deals, drop_history=True)) == 20


class TestFromPandas:
    @given(opportunity_sets())
    @settings(max_examples=settings.default.max_examples * 4 // 5)
    def test_round_trip(self, deals):
        """from_pandas(to_pandas(x)) gives x back (as a frame holds it: its current state)."""
        assert from_pandas(to_pandas(deals, drop_history=True)) == plain(deals)

    def test_round_trip_of_the_sample(self):
        """The whole sample pipeline comes back equal, without its histories."""
        deals = sample_pipeline()
        assert from_pandas(to_pandas(deals, drop_history=True)) == plain(deals)

    def test_text_cells_like_a_csv(self):
        """Cells may hold the text a CSV cell holds: amounts, dates and probabilities as text."""
        df = frame(
            amount=["120000", "5000.5"],
            created=["2026-01-05", "2026-02-01"],
            probability=["60%", None],
            products=["ERP=100000;Support=20000", None],
        )
        d1, d2 = from_pandas(df)
        assert d1.amount == Decimal(120000)
        assert d1.products == ("ERP", "Support")
        assert d1.probability == Decimal("0.6")
        assert d2.amount == Decimal("5000.5")
        assert d2.created == date(2026, 2, 1)

    def test_whole_numbers_and_float_probabilities(self):
        """Whole-number amounts are exact; float probabilities go through their shortest repr."""
        df = frame(amount=[120000, 5000], probability=[0.6, float("nan")])
        d1, d2 = from_pandas(df)
        assert (d1.amount, d1.probability, d2.probability) == (
            Decimal(120000),
            Decimal("0.6"),
            None,
        )

    def test_facts_as_dicts(self):
        """A facts cell may hold a dict; its values are encoded as the CSV's JSON is."""
        df = frame(facts=[{"budget": True, "odds": Decimal("0.6")}, None])
        d1, d2 = from_pandas(df)
        assert dict(d1.facts) == {"budget": True, "odds": Decimal("0.6")}
        assert dict(d2.facts) == {}

    def test_bad_facts_dict(self):
        """A dict that holds a value no fact can be is a problem."""
        assert problems(frame(facts=[{"x": object()}, None])) == [
            (0, "facts", "holds a value that is not a fact")
        ]

    def test_every_problem_at_once(self):
        """A bad frame imports nothing and lists every problem, each on its row and column."""
        df = frame(
            amount=[float("inf"), Decimal(-5)],
            created=[datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc), date(2026, 2, 1)],
            stage=["intent", "potential"],
            owner=[42, "Ann"],
        )
        assert problems(df) == [
            (0, "owner", "is int, not text"),
            (0, "created", "is an aware date-time, and no time zone was given"),
            (0, "amount", "is infinite, not a number"),
            (1, "amount", "is negative"),
        ]

    def test_wrong_types_in_other_columns(self):
        """Dates, stages, currencies and amounts of an unusable type are problems of their own."""
        df = frame(
            expected_close=[3, date(2026, 8, 31)],
            stage=[7, "potential"],
            currency=[None, 5],
            amount=[Decimal(1), [1]],
            probability=[True, None],
        )
        assert problems(df) == [
            (0, "stage", "is int, not text"),
            (0, "expected_close", "is int, not a date"),
            (0, "currency", "is empty"),
            (0, "probability", "is a bool, not a probability"),
            (1, "amount", "is list, not a number"),
            (1, "currency", "is int, not text"),
        ]

    def test_same_problems_as_csv(self):
        """A frame of text cells reports the problems a CSV file with those cells reports."""
        text = (
            "id,name,account,owner,stage,created,expected_close,amount,currency,products\n"
            "D1,ERP,Acme,Li Wei,intent,2026-01-05,30/06/2026,120000,CNY,ERP=1;CRM=2\n"
            "D1,CRM,Beta,,closed,2026-02-01,2026-08-31,-5,XX,\n"
        )
        with pytest.raises(DataFileError) as csv_info:
            read_csv(io.StringIO(text), tz=timezone.utc)
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        with pytest.raises(DataFileError) as frame_info:
            from_pandas(df, tz=timezone.utc)
        from_csv = [
            (
                p.row - 2,
                p.column,
                p.value,
                re.sub(r"\d+$", lambda m: str(int(m[0]) - 2), p.why),
                p.fix,
            )
            for p in csv_info.value.problems
        ]
        from_frame = [(p.row, p.column, p.value, p.why, p.fix) for p in frame_info.value.problems]
        assert from_frame == from_csv
        assert len(from_frame) >= 5

    def test_missing_and_unknown_columns(self):
        """A missing required column and an unknown one are reported without a row."""
        df = frame(crm_score=[1, 2]).drop(columns=["currency", "amount"])
        assert problems(df) == [
            (None, "crm_score", "unknown column"),
            (None, "currency", "required column is missing"),
            (None, "amount", "required column is missing"),
        ]

    def test_ignore(self):
        """A column named in ignore= is skipped, whatever it holds."""
        df = frame(crm_score=[1.5, object()])
        assert len(from_pandas(df, ignore=["crm_score"])) == 2

    def test_chinese_headers(self):
        """The CSV's Chinese report-form headers are accepted as column names."""
        df = frame().rename(columns={"name": "项目名称", "owner": "项目经理", "amount": "金额"})
        assert [d.owner for d in from_pandas(df)] == ["Li Wei", "Ann"]

    def test_report_form_stage_marks(self):
        """Stage columns marked with ● give the stage, as in the report form."""
        df = frame(发掘潜在客户=["", "●"], 确认客户意向=["●", None]).drop(columns=["stage"])
        assert [d.stage for d in from_pandas(df)] == ["intent", "potential"]

    def test_bad_stage_marks(self):
        """A row with no stage marked is a problem (and so is a wrong type in it)."""
        df = frame(发掘潜在客户=["", "●"], 确认客户意向=[None, None], amount=[[1], Decimal(1)])
        assert problems(df.drop(columns=["stage"])) == [
            (0, "amount", "is list, not a number"),
            (0, None, "no stage column is marked"),
        ]

    def test_empty_row(self):
        """A row of nothing but missing values is a problem, not silently dropped."""
        df = frame()
        df.loc[2] = [None] * len(df.columns)
        assert problems(df) == [(2, None, "the row is empty")]

    def test_duplicated_id(self):
        """Two rows with one id are both refused, each naming the other."""
        df = frame(id=["D1", "D1"])
        assert problems(df) == [
            (0, "id", "duplicated id: also on row 1"),
            (1, "id", "duplicated id: also on row 0"),
        ]

    def test_bad_id_type_names_no_opportunity(self):
        """A problem in the id cell is not attributed to an opportunity id."""
        with pytest.raises(DataFileError) as info:
            from_pandas(frame(id=[7, "D2"]))
        assert info.value.problems[0].opportunity_id is None

    def test_lenient(self):
        """lenient=True returns the good opportunities and every problem."""
        result = from_pandas(frame(amount=[[1.5], Decimal(5)]), lenient=True)
        assert isinstance(result, ReadResult)
        assert [d.id for d in result] == ["D2"]
        assert [(p.row, p.opportunity_id) for p in result.problems] == [(0, "D1")]

    def test_name_in_problems(self):
        """Problems name the frame as given."""
        with pytest.raises(DataFileError, match=r"^deals: 1 problem"):
            from_pandas(frame(amount=[[1.5], Decimal(5)]), name="deals")

    def test_not_a_pandas_frame(self):
        """A polars frame (or anything else) is refused, naming the right function."""
        with pytest.raises(FrameTypeError, match="use from_polars"):
            from_pandas(pl.DataFrame({"a": [1]}))
        with pytest.raises(FrameTypeError, match="got list"):
            from_pandas([1, 2])


class TestToPolars:
    def test_columns_and_types(self):
        """Decimal money with the scale of the data, dates as pl.Date, text as pl.String."""
        df = to_polars([deal(), deal(id="D2", probability="0.355")])
        assert df.columns == list(COLUMNS)
        assert df.schema["amount"] == pl.Decimal(38, 2)
        assert df.schema["probability"] == pl.Decimal(38, 3)
        assert df.schema["created"] == pl.Date
        assert df.schema["owner"] == pl.String
        assert df["amount"].to_list() == [Decimal("120000.50")] * 2

    def test_empty(self):
        """No opportunities give an empty frame with every column."""
        assert to_polars([]).columns == list(COLUMNS)

    def test_history_would_be_lost(self):
        """A history beyond the creation is refused unless drop_history is given."""
        with pytest.raises(HistoryWouldBeLostError):
            to_polars(sample_pipeline()[:20])


class TestFromPolars:
    @given(opportunity_sets())
    @settings(max_examples=settings.default.max_examples * 4 // 5)
    def test_round_trip(self, deals):
        """from_polars(to_polars(x)) gives x back (its current state)."""
        assert from_polars(to_polars(deals, drop_history=True)) == plain(deals)

    @given(eventful_opportunities())
    @settings(max_examples=settings.default.max_examples * 2 // 5)
    def test_lazy_frames(self, one):
        """A LazyFrame is collected first."""
        assert from_polars(to_polars([one], drop_history=True).lazy()) == plain((one,))

    def test_problems(self):
        """A bad polars frame lists every problem like a bad CSV file."""
        df = to_polars([deal()]).with_columns(pl.lit("nowhere").alias("stage"))
        with pytest.raises(DataFileError) as info:
            from_polars(df)
        assert [(p.row, p.column, p.why) for p in info.value.problems] == [
            (None, "stage", "1 stage name has no mapping: 'nowhere' (1 row)")
        ]
        result = from_polars(df, lenient=True)
        assert result.records == ()

    def test_not_a_polars_frame(self):
        """A pandas frame is refused, naming the right function."""
        with pytest.raises(FrameTypeError, match="use from_pandas"):
            from_polars(to_pandas([deal()]))
