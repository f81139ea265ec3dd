"""Tests for what frames take: floats, date-times, Arrow types, percentages and export mappings."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
nw = pytest.importorskip("narwhals.stable.v2")

from salesfunnel import Opportunity  # noqa: E402
from salesfunnel.frames import (  # noqa: E402
    FrameValueError,
    forecast_frame,
    from_pandas,
    from_polars,
    to_pandas,
    to_polars,
    weighted_value_frame,
)
from salesfunnel.frames._cells import amount_text, to_share, zone  # noqa: E402
from salesfunnel.io import DataFileError  # noqa: E402
from salesfunnel.io.mapping import (  # noqa: E402
    ImportMapping,
    InvalidMappingError,
    UnknownFieldError,
)
from salesfunnel.pipeline.weighted import weighted_value  # noqa: E402
from tests.strategies import cutoffs, frame_pipelines  # noqa: E402

BASE: dict[str, list[object]] = {
    "id": ["D1", "D2", "D3"],
    "name": ["ERP", "CRM", "BI"],
    "account": ["Acme", "Beta", "Gamma"],
    "owner": ["Ann", "Li Wei", "Ann"],
    "stage": ["intent", "potential", "closed"],
    "created": ["2026-01-05", "2026-02-01", "2026-01-10"],
    "expected_close": ["2026-06-30", "2026-08-31", "2026-03-31"],
    "amount": ["1", "2", "3"],
    "currency": ["CNY", "CNY", "CNY"],
    "closed_on": [None, None, "2026-03-20"],
}


def frame(**columns: object) -> object:
    """A pandas frame of the three deals above, with some columns replaced."""
    data = dict(BASE)
    data.update(columns)  # type: ignore[arg-type]
    return pd.DataFrame(data)


def problems(df: object, **options: object) -> list[tuple[int | None, str | None, str, str]]:
    with pytest.raises(DataFileError) as info:
        from_pandas(df, **options)  # type: ignore[call-overload]
    return [(p.row, p.column, p.why, p.fix) for p in info.value.problems]


class TestFloatAmounts:
    def test_exact_through_the_shortest_repr(self):
        """Float amounts from pandas become the Decimal their repr shows, exactly."""
        deals = from_pandas(frame(amount=[0.1, 1e6, 12345.67]))
        assert [d.amount for d in deals] == [Decimal("0.1"), Decimal(1000000), Decimal("12345.67")]
        assert str(deals[0].amount) == "0.1"

    def test_polars_float64(self):
        """A polars Float64 column is read the same way."""
        df = pl.from_pandas(frame(amount=[0.1, 0.2, 0.3]))
        assert [d.amount for d in from_polars(df)] == [
            Decimal("0.1"),
            Decimal("0.2"),
            Decimal("0.3"),
        ]

    def test_numpy_float32(self):
        """A NumPy float32 gives its own shortest text."""
        np = pytest.importorskip("numpy")
        assert amount_text(np.float32(0.1)) == "0.1"

    def test_allow_float_false(self):
        """allow_float=False makes each float amount a problem, with the fix."""
        found = problems(frame(amount=[0.5, "2", "3"]), allow_float=False)
        assert [(r, c, w) for r, c, w, _ in found] == [
            (0, "amount", "is a float, and allow_float=False refuses floats")
        ]
        assert "allow_float=True" in found[0][3]
        assert "map(Decimal)" not in found[0][3]

    def test_infinite_and_nan(self):
        """An infinite amount is a problem naming the row; NaN is a missing (empty) amount."""
        found = problems(frame(amount=[float("inf"), float("nan"), 3.0]))
        assert [(r, c, w) for r, c, w, _ in found] == [
            (0, "amount", "is infinite, not a number"),
            (1, "amount", "is empty"),
        ]

    def test_frame_functions_name_the_row(self):
        """A frame function names the row and the opportunity of a NaN amount."""
        df = frame(amount=[1.0, float("nan"), 3.0])
        with pytest.raises(FrameValueError, match=r"'amount', row 1 \(opportunity 'D2'\)") as info:
            weighted_value_frame(df)
        assert (info.value.row, info.value.opportunity_id) == (1, "D2")

    def test_polars_float_money_in_frame_functions(self):
        """Polars float money is converted to a decimal column holding every digit."""
        df = pl.from_pandas(frame(amount=[0.1, 0.25, 3.0]))
        assert weighted_value_frame(df)["weighted"].item() == weighted_value(from_polars(df))

    def test_too_many_digits(self):
        """A float too large for a decimal column is refused on polars."""
        df = pl.from_pandas(frame(amount=[1e40, 1.0, 1.0]))
        with pytest.raises(FrameValueError, match="more than 38 digits"):
            weighted_value_frame(df)


class TestDates:
    def test_string_dates(self):
        """ISO text dates are read."""
        assert from_pandas(frame())[0].created == date(2026, 1, 5)

    def test_naive_datetime64(self):
        """A naive datetime64 column gives each value's date."""
        df = frame(
            created=pd.to_datetime(["2026-01-05 23:30", "2026-02-01 00:00", "2026-01-10 00:00"])
        )
        assert df["created"].dtype.kind == "M"
        assert next(d.created for d in from_pandas(df)) == date(2026, 1, 5)

    def test_aware_datetime64_needs_tz(self):
        """An aware datetime64 column is a problem without tz; with tz it is converted first."""
        stamps = pd.to_datetime(
            ["2026-01-05 20:00", "2026-02-01 00:00", "2026-01-10 00:00"]
        ).tz_localize("UTC")
        found = problems(frame(created=stamps))
        assert next((r, c, w) for r, c, w, _ in found) == (
            0,
            "created",
            "is an aware date-time, and no time zone was given",
        )
        assert "tz=" in found[0][3]
        assert from_pandas(frame(created=stamps), tz="Asia/Shanghai")[0].created == date(2026, 1, 6)
        assert from_pandas(frame(created=stamps), tz=timezone.utc)[0].created == date(2026, 1, 5)

    def test_iso_datetime_text(self):
        """ISO date-time text is converted in tz, and refused without it."""
        df = frame(created=["2026-01-05T20:22:31.000+0000", "2026-02-01", "2026-01-10"])
        assert from_pandas(df, tz="Asia/Shanghai")[0].created == date(2026, 1, 6)
        assert problems(df)[0][:2] == (0, "created")

    def test_object_dates_and_datetimes(self):
        """An object column of date and datetime objects is read."""
        df = frame(
            created=pd.Series([date(2026, 1, 5), datetime(2026, 2, 1, 9), None], dtype=object)
        )
        found = problems(df)
        assert [(r, c) for r, c, _, _ in found] == [(2, "created")]

    def test_arrow_date32_and_timestamps(self):
        """Arrow date32 and timestamp columns are read; an aware timestamp needs tz."""
        days = pd.Series([date(2026, 1, 5), date(2026, 2, 1), date(2026, 1, 10)])
        df = frame(created=days.astype(pd.ArrowDtype(pa.date32())))
        assert from_pandas(df)[1].created == date(2026, 2, 1)
        stamps = pd.Series(
            pd.to_datetime(["2026-01-05 23:00", "2026-02-01 00:00", "2026-01-10 00:00"])
        )
        df = frame(created=stamps.astype(pd.ArrowDtype(pa.timestamp("us", tz="UTC"))))
        assert from_pandas(df, tz=ZoneInfo("Asia/Tokyo"))[0].created == date(2026, 1, 6)

    def test_polars_date_and_datetime(self):
        """polars Date and Datetime (naive and aware) columns are read."""
        df = pl.from_pandas(frame()).with_columns(
            pl.col("created").str.to_date(),
            pl.col("expected_close").str.to_datetime().dt.replace_time_zone("UTC"),
        )
        assert from_polars(df, tz="UTC")[0].expected_close == date(2026, 6, 30)
        assert [(p.row, p.column) for p in from_polars(df, lenient=True).problems][:1] == [
            (0, "expected_close")
        ]

    def test_a_wrong_type(self):
        """A number where a date goes is a problem with a fix that fits text."""
        found = problems(frame(created=[3, "2026-02-01", "2026-01-10"]))
        assert found[0][:3] == (0, "created", "is int, not a date")
        assert "pd.to_datetime" in found[0][3]
        assert ".dt.date" not in found[0][3]


class TestArrowDecimals:
    def test_decimal128_in_pandas(self):
        """A pandas decimal128 column (as Parquet gives it) is read exactly."""
        amounts = pd.Series([Decimal("1.10"), Decimal(2), Decimal("3.5")])
        df = frame(amount=amounts.astype(pd.ArrowDtype(pa.decimal128(12, 2))))
        assert [d.amount for d in from_pandas(df)] == [Decimal("1.1"), Decimal(2), Decimal("3.5")]

    def test_polars_decimal(self):
        """A polars Decimal column is read exactly."""
        df = pl.from_pandas(frame()).with_columns(pl.col("amount").cast(pl.Decimal(10, 2)))
        assert from_polars(df)[2].amount == Decimal(3)


class TestProbabilities:
    def test_percent(self):
        """probability_scale='percent' reads 60, 60.0 and '60%' as 0.6."""
        df = frame(probability=[60, 45.5, "30%"], stage=["intent", "potential", "intent"])
        df = df.assign(closed_on=[None, None, None])
        deals = from_pandas(df, probability_scale="percent")
        assert [d.probability for d in deals] == [Decimal("0.6"), Decimal("0.455"), Decimal("0.3")]

    def test_percent_above_100(self):
        """A percentage above 100 is a problem naming the row."""
        df = frame(probability=[160, None, None])
        assert problems(df, probability_scale="percent")[0][:3] == (
            0,
            "probability",
            "is outside 0 to 100 percent",
        )

    def test_share_above_one_suggests_percent(self):
        """A share above 1 is a problem whose fix names probability_scale."""
        assert "probability_scale='percent'" in problems(frame(probability=[60, None, None]))[0][3]

    def test_frame_functions(self):
        """The frame functions read percentages too."""
        df = frame(probability=[50, None, None])
        share = frame(probability=[Decimal("0.5"), None, None])
        assert weighted_value_frame(df, probability_scale="percent").equals(
            weighted_value_frame(share)
        )

    def test_to_share(self):
        """Bad probabilities are refused by the shared cell rule."""
        from salesfunnel.frames._cells import BadCell

        with pytest.raises(BadCell):
            to_share(-0.5, "fraction")
        with pytest.raises(BadCell):
            to_share(True, "fraction")


EXPORT = pd.DataFrame(
    {
        "Deal": ["D1", "D2", "D3"],
        "Title": ["ERP", "CRM", "BI"],
        "Client": ["Acme", "Beta", "Gamma"],
        "Rep": ["Ann", "Li", "Ann"],
        "Phase": ["Proposition", "Qualified", "Won"],
        "Opened": ["2026-01-05", "2026-02-01", "2026-01-10"],
        "Close Date": ["2026-06-30", "2026-08-31", "2026-03-31"],
        "Value": [1200.5, 300.0, 99.99],
        "Closed On": [None, None, "2026-03-20"],
    }
)
COLUMNS = {
    "Deal": "id",
    "Title": "name",
    "Client": "account",
    "Rep": "owner",
    "Phase": "stage",
    "Opened": "created",
    "Close Date": "expected_close",
    "Value": "amount",
    "Closed On": "closed_on",
}
STAGES = {"Proposition": "recognition", "Qualified": "potential", "Won": "closed"}


class TestMapping:
    def test_an_export_mapped(self):
        """Columns, stages and defaults map an export onto opportunities."""
        deals = from_pandas(EXPORT, columns=COLUMNS, stages=STAGES, defaults={"currency": "USD"})
        assert [(d.id, d.stage, d.amount, d.currency) for d in deals] == [
            ("D1", "recognition", Decimal("1200.5"), "USD"),
            ("D2", "potential", Decimal("300.0"), "USD"),
            ("D3", "closed", Decimal("99.99"), "USD"),
        ]
        assert deals[2].history_is_default
        assert deals[2].closed_on == date(2026, 3, 20)

    def test_same_on_polars_and_through_a_mapping(self):
        """from_polars and an ImportMapping give the same opportunities."""
        expected = from_pandas(EXPORT, columns=COLUMNS, stages=STAGES, defaults={"currency": "USD"})
        mapping = ImportMapping(columns=COLUMNS, stages=STAGES)
        assert from_polars(
            pl.from_pandas(EXPORT), mapping=mapping, defaults={"currency": "USD"}
        ) == (expected)

    def test_unmapped_stages_all_at_once(self):
        """Every stage name without a mapping is one problem, with the closest stage keys."""
        found = problems(EXPORT, columns=COLUMNS, defaults={"currency": "USD"})
        assert len(found) == 1
        row, column, why, fix = found[0]
        assert (row, column) == (None, "Phase")
        assert why.startswith("3 stage names have no mapping: 'Proposition' (1 row; closest: ")
        assert "'Qualified'" in why
        assert "stages={'Proposition':" in fix

    def test_unknown_field(self):
        """A column mapped to a field that does not exist is a typed error naming the closest."""
        with pytest.raises(UnknownFieldError, match="the closest is 'closed_on'"):
            from_pandas(EXPORT, columns={"Close Date": "close_date"})

    def test_missing_required_column_fix(self):
        """A required column missing says how to map it or give a default."""
        found = problems(EXPORT, columns=COLUMNS, stages=STAGES)
        assert [(c, w) for _, c, w, _ in found] == [("currency", "required column is missing")]
        assert "defaults={'currency': '...'}" in found[0][3]

    def test_bad_time_zone(self):
        """A tz that names no zone is a typed error."""
        with pytest.raises(InvalidMappingError, match="not a time zone"):
            from_pandas(EXPORT, tz="Mars/Olympus")
        with pytest.raises(InvalidMappingError):
            zone(5)  # type: ignore[arg-type]

    def test_status_flags(self):
        """Boolean won / closed columns (as Salesforce writes them) decide the outcome."""
        df = EXPORT.assign(Won=[False, False, True], Closed=[False, False, True])
        deals = from_pandas(
            df,
            columns={**COLUMNS, "Won": "is_won", "Closed": "is_closed"},
            stages={**STAGES, "Won": "closed"},
            defaults={"currency": "USD"},
        )
        assert [d.stage for d in deals] == ["recognition", "potential", "closed"]


class TestSnapshotDeals:
    def deals(self) -> list[Opportunity]:
        return list(from_pandas(frame()))

    def test_to_pandas_without_drop_history(self):
        """Snapshot deals (default history) are written without drop_history and read back."""
        deals = self.deals()
        assert deals[2].history_is_default
        assert from_pandas(to_pandas(deals)) == tuple(deals)
        assert from_polars(to_polars(deals)) == tuple(deals)

    def test_open_before_closed_on(self):
        """Before its closed_on a won row counts as open in the forecast, as in the core."""
        df = to_pandas(self.deals())
        before = forecast_frame(df, cutoff=date(2026, 3, 1))
        assert "booked" not in before["category"].to_list()
        after = forecast_frame(df, cutoff=date(2026, 3, 31))
        assert "booked" in after["category"].to_list()

    def test_weighted_value_as_of(self):
        """weighted_value_frame(as_of=...) equals the core's weighted_value(as_of=...)."""
        deals = self.deals()
        df = to_polars(deals)
        for day in (date(2026, 1, 20), date(2026, 3, 1), date(2026, 4, 1)):
            total = weighted_value_frame(df, as_of=day)["weighted"].item()
            assert total == weighted_value(deals, as_of=day)

    @given(deals=frame_pipelines, cutoff=cutoffs)
    @settings(max_examples=settings.default.max_examples // 2, deadline=None)
    def test_round_trip_and_forecast_property(self, deals, cutoff):
        """Random pipelines: from_pandas(to_pandas(x)) == x, and frame weighted value == core's."""
        assert from_pandas(to_pandas(deals)) == deals
        for currency in {d.currency for d in deals}:
            mine = [d for d in deals if d.currency == currency]
            df = to_pandas(mine)
            frame_total = nw.from_native(weighted_value_frame(df, as_of=cutoff))["weighted"]
            assert sum(frame_total.to_list(), Decimal(0)) == weighted_value(mine, as_of=cutoff)


class TestFrameFunctionCells:
    def test_text_amounts_that_are_no_numbers(self):
        """Text that is no number, or not a finite one, is refused naming the row."""
        for bad in ("abc", "NaN", "１２"):
            df = frame(amount=["1", bad, "3"])
            with pytest.raises(FrameValueError, match=r"row 1 .*is not a number"):
                weighted_value_frame(df)

    def test_bool_amount(self):
        """A bool is no amount."""
        df = frame(amount=pd.Series([True, Decimal(1), Decimal(1)], dtype=object))
        assert problems(df)[0][:3] == (0, "amount", "is a bool, not a number")

    def test_blank_text_amount_is_missing(self):
        """A blank amount is a missing one."""
        with pytest.raises(FrameValueError, match="missing"):
            weighted_value_frame(frame(amount=["1", " ", "3"]))

    def test_text_dates_with_gaps(self):
        """Text dates with missing values convert; the missing ones stay missing."""
        df = frame(amount=[Decimal(1), Decimal(2), Decimal(3)])
        result = forecast_frame(df, cutoff=date(2026, 3, 31))
        assert sum(result["count"].to_list()) == 3

    def test_lazy_polars(self):
        """A polars LazyFrame is converted and stays lazy."""
        df = pl.from_pandas(frame(amount=[0.5, 1.5, 3.0])).lazy()
        result = weighted_value_frame(df)
        assert isinstance(result, pl.LazyFrame)
        assert result.collect()["amount"].item() == Decimal(5)

    def test_arrow_decimal_amount_with_decimal_objects(self):
        """A decimal128 amount and a probability of Decimal objects are multiplied exactly."""
        df = frame(
            amount=pd.Series([Decimal("1.5"), Decimal(2), Decimal(3)]).astype(
                pd.ArrowDtype(pa.decimal128(10, 2))
            ),
            probability=pd.Series([Decimal("0.25"), None, None], dtype=object),
        )
        # 1.5 x 0.25 (the override) + 2 x potential's 0.1 + 3 won in full
        assert weighted_value_frame(df)["weighted"].item() == Decimal("3.575")

    def test_rows_without_ids(self):
        """Without an id column the row is named by its position only."""
        df = frame(amount=[1.0, float("inf"), 3.0]).drop(columns=["id"])
        with pytest.raises(FrameValueError, match=r"'amount', row 1: inf is infinite"):
            weighted_value_frame(df)
