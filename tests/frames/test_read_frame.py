"""Tests for read_frame: the frame of read_csv's records, with its problems, built without records."""

from __future__ import annotations

import importlib.util
import io
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pl = pytest.importorskip("polars")
pd = pytest.importorskip("pandas")

from salesfunnel.datasets import sample_pipeline  # noqa: E402
from salesfunnel.errors import FunnelError, OptionError  # noqa: E402
from salesfunnel.frames import FrameReadResult, read_frame, to_pandas, to_polars  # noqa: E402
from salesfunnel.funnel.course import DEFAULT_FUNNEL  # noqa: E402
from salesfunnel.funnel.opportunity import Opportunity  # noqa: E402
from salesfunnel.io import DataFileError, read_csv, write_csv  # noqa: E402
from tests.fuzz.test_csv import MAIN, mutated  # noqa: E402
from tests.strategies import opportunity_sets  # noqa: E402

ENGINES = ["python", *(e for e in ("polars", "pyarrow", "pandas") if importlib.util.find_spec(e))]

SETTINGS = settings(
    max_examples=settings.default.max_examples * 4 // 5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

HEADER = (
    "id,name,account,owner,stage,created,expected_close,amount,currency,products,"
    "probability,facts,closed_on,lost_reason,notes,category_override"
)

_DEALS = [attrs.evolve(d, facts={}) for d in sample_pipeline()[:20]]
_PLAIN = io.StringIO()
write_csv(_DEALS, _PLAIN, events=io.StringIO())
#: The sample deals' main file with LF line ends (what an engine splits).
PLAIN = _PLAIN.getvalue().replace("\r\n", "\n")


def _text(value: str | bytes) -> io.StringIO | io.BytesIO:
    return io.BytesIO(value) if isinstance(value, bytes) else io.StringIO(value)


def expected(text: str, to: str, *, lenient: bool, **options: object) -> object:
    """What read_csv and to_polars / to_pandas give: the frame and problems, or the error."""
    write = to_polars if to == "polars" else to_pandas
    try:
        result = read_csv(_text(text), lenient=True, **options)  # type: ignore[call-overload]
    except FunnelError as err:
        return type(err), str(err), list(getattr(err, "problems", ()))
    if not lenient and result.problems:
        err = DataFileError(getattr(result, "name", "<stream>"), result.problems)
        return type(err), list(result.problems)
    return write(result.records), list(result.problems)


def got(text: str, to: str, *, lenient: bool, **options: object) -> object:
    """What read_frame gives, in the shape of :func:`expected`."""
    try:
        result = read_frame(_text(text), to=to, lenient=True, **options)  # type: ignore[call-overload]
    except FunnelError as err:
        return type(err), str(err), list(getattr(err, "problems", ()))
    if not lenient and result.problems:
        try:
            read_frame(_text(text), to=to, **options)  # type: ignore[call-overload]
        except DataFileError as err:
            return type(err), list(err.problems)
        pytest.fail("a strict read of a file with problems gave a frame")
    return result.frame, list(result.problems)


def same_frame(left: object, right: object) -> None:
    """Two outcomes are equal: frames by value and types, problems in order."""
    if not (isinstance(left, tuple) and len(left) == 2 and not isinstance(left[0], type)):
        assert left == right
        return
    assert isinstance(right, tuple)
    frame, problems = left
    other, other_problems = right
    assert problems == other_problems
    if isinstance(frame, pl.DataFrame):
        assert frame.schema == other.schema
        assert frame.equals(other)
    else:
        assert list(frame.dtypes) == list(other.dtypes)
        assert frame.to_dict("list") == other.to_dict("list")
        # the same objects' types too (Decimal, str, None)
        for column in frame.columns:
            assert [type(x) for x in frame[column]] == [type(x) for x in other[column]]


def check(text: str, *, lenient: bool, **options: object) -> None:
    for to in ("polars", "pandas"):
        want = expected(text, to, lenient=lenient, **options)
        for engine in ENGINES:
            same_frame(got(text, to, lenient=lenient, engine=engine, **options), want)


# -- rows whose cells are each good, in every combination of the rules between them --

_DAYS = [date(2026, 1, 5) + timedelta(days=d) for d in (-40, -1, 0, 1, 30, 200)]
_STAGE_TEXTS = [*DEFAULT_FUNNEL.keys(), DEFAULT_FUNNEL["intent"].text.en, "意向"]
_MONEY = st.sampled_from(
    [
        ("5000", ""),
        ("5000.00", ""),
        ("0", ""),
        ("", "ERP=100;CRM=20.5"),
        ("120.5", "ERP=100;CRM=20.5"),
        ("120.50", "ERP=100;CRM=20.50"),
        ("121", "ERP=100;CRM=20.5"),
        ("", "ERP=100"),
        ("100", "ERP"),
        ("", "ERP"),
        ("", "=100"),
        ("7", "Support"),
        ("", "ERP=1;ERP=2"),
        ("", r"A\;B=3;C\=D=4"),
    ]
)
_FACTS = st.sampled_from(
    ["", '"{""budget"":true}"', '"{""budget"":true,""size"":3}"', '"{""a"":[""x"",""y""]}"', '"{}"']
)


@st.composite
def snapshot_rows(draw: st.DrawFn, i: int) -> str:
    """One row of good cells; the rules between them (dates, stage, lines) may fail."""
    created = draw(st.sampled_from(_DAYS))
    expected_close = draw(st.sampled_from(_DAYS))
    closed = draw(st.one_of(st.just(""), st.sampled_from(_DAYS).map(date.isoformat)))
    amount, products = draw(_MONEY)
    cells = [
        f"D{i}",
        draw(st.sampled_from(["ERP rollout", "项目", " padded "])),
        draw(st.sampled_from(["Acme", "Beta Corp"])),
        draw(st.sampled_from(["Ann", "Li Wei"])),
        draw(st.sampled_from(_STAGE_TEXTS)),
        created.isoformat(),
        expected_close.isoformat(),
        amount,
        draw(st.sampled_from(["CNY", "usd", " EUR "])),
        products,
        draw(st.sampled_from(["", "0.5", "60%", "1"])),
        draw(_FACTS),
        closed,
        draw(st.sampled_from(["", "", "price", " "])),
        draw(st.sampled_from(["", "call back"])),
        draw(st.sampled_from(["", "", "", "commit", "best case"])),
    ]
    return ",".join(cells)


@st.composite
def snapshot_files(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 8))
    rows = [draw(snapshot_rows(i)) for i in range(count)]
    if draw(st.booleans()) and count > 1:  # a duplicated id
        rows.append(rows[0])
    return "\n".join([HEADER, *rows]) + "\n"


class TestSameAsRecords:
    """read_frame gives to_polars / to_pandas of read_csv's records, and its problems."""

    @SETTINGS
    @given(snapshot_files(), st.booleans())
    def test_rules_between_cells(self, text, lenient):
        """Dates, stages, close dates, lost reasons, lines and categories in every combination."""
        check(text, lenient=lenient)

    @SETTINGS
    @given(mutated(PLAIN), st.booleans())
    def test_mutated_plain_files(self, text, lenient):
        """Cells replaced, columns added or dropped, files cut short."""
        check(text, lenient=lenient)

    @settings(max_examples=settings.default.max_examples * 2 // 5, deadline=None)
    @given(mutated(MAIN))
    def test_mutated_files_with_quotes(self, text):
        """Quoted cells (split by the csv module) read the same too."""
        check(text, lenient=True)

    @settings(max_examples=settings.default.max_examples // 2, deadline=None)
    @given(opportunity_sets())
    def test_written_opportunities(self, deals):
        """Whatever write_csv writes (its main file) reads into the same frame."""
        main = io.StringIO()
        write_csv(deals, main, events=io.StringIO())
        check(main.getvalue().replace("\r\n", "\n"), lenient=True)

    def test_the_sample_pipeline(self):
        check(PLAIN, lenient=False)
        frame = read_frame(io.StringIO(PLAIN))
        assert frame.height == len(_DEALS)
        assert frame.equals(to_polars(_DEALS, drop_history=True))

    def test_a_mapped_export(self):
        """An export with its own headers and stage names is mapped as read_csv maps it."""
        text = (
            "Deal,Client,Rep,Phase,Opened,Close Date,Value,Currency\n"
            "D1,Acme,Ann,Proposition,2026-01-05,2026-03-31,5000,usd\n"
            "D2,Beta,Bob,Nowhere,2026-01-05,2026-03-31,5000,usd\n"
        )
        options = {
            "columns": {
                "Deal": "id",
                "Client": "account",
                "Rep": "owner",
                "Phase": "stage",
                "Opened": "created",
                "Close Date": "expected_close",
                "Value": "amount",
                "Currency": "currency",
            },
            "stages": {"Proposition": "recognition"},
            "defaults": {"name": "(unnamed)"},
        }
        check(text, lenient=True, **options)
        result = read_frame(io.StringIO(text), lenient=True, **options)  # type: ignore[call-overload]
        assert result.frame["stage"].to_list() == ["recognition"]
        assert [p.column for p in result.problems] == ["Phase"]  # every unmapped stage at once
        assert "'Nowhere'" in result.problems[0].why

    def test_a_preset(self):
        text = "Opportunity ID,Name\nX,Y\n"
        check(text, lenient=True, preset="salesforce")


_ROW = (
    "D1,n,Acme,Ann,{stage},2026-01-05,2026-02-01,{amount},EUR,{products},,{facts},{closed},,,{cat}"
)


@pytest.mark.parametrize(
    "cells",
    [
        {"amount": "", "products": "ERP"},  # a bare product and no amount
        {"amount": "121", "products": "ERP=100;CRM=20.5"},  # lines that disagree
        {"amount": "120.5", "products": "ERP=100;CRM=20.5"},  # lines that agree
        {"amount": "7", "products": "Support"},  # a bare product with the amount
        {"products": "=7"},  # one line without a product name
        {"amount": ""},  # no amount, no products
        {"stage": ""},  # no stage
        {"stage": "closed"},  # won without a close date
        {"stage": "closed", "closed": "2026-03-01"},
        {"stage": "lost", "closed": "2025-03-01"},  # closed before created
        {"cat": "commit"},  # a manual category: its checks report
        {"facts": '"{""budget"":true}"'},
        {"facts": '"{""a"":[1,2]}"'},  # facts that are no facts
    ],
)
def test_each_rule_between_cells(cells):
    """Each way the quick values decline a row, or take it, gives the records' frame."""
    values = {
        "stage": "intent",
        "amount": "5000",
        "products": "",
        "facts": "",
        "closed": "",
        "cat": "",
    }
    values.update(cells)
    row = _ROW.format(**values)
    text = "\n".join([HEADER, row, row.replace("D1", "D2", 1), ""])
    check(text, lenient=True)


def test_a_row_without_a_name():
    text = f"{HEADER}\nD1,,Acme,Ann,intent,2026-01-05,2026-02-01,5,EUR,,,,,,,\n"
    check(text, lenient=True)


class TestNoRecords:
    def test_a_clean_file_builds_no_record(self, monkeypatch):
        """Every good row goes into the columns as it is: no Opportunity is built."""

        def refuse(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("a record was built")

        want = to_polars(read_csv(io.StringIO(PLAIN)))
        monkeypatch.setattr(Opportunity, "__init__", refuse)
        for engine in ENGINES:
            assert read_frame(io.StringIO(PLAIN), engine=engine).equals(want)

    def test_a_row_with_a_problem_is_built_to_report_it(self, monkeypatch):
        built = []
        real = Opportunity.__init__

        def counting(self: Opportunity, *args: object, **kwargs: object) -> None:
            built.append(kwargs.get("id"))
            real(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Opportunity, "__init__", counting)
        lines = PLAIN.splitlines()
        cells = lines[1].split(",")
        cells[6] = "2000-01-01"  # expected close before created
        text = "\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n"
        result = read_frame(io.StringIO(text), lenient=True)
        assert built == [cells[0]]
        assert [p.column for p in result.problems] == ["expected_close"]
        assert result.frame.height == len(_DEALS) - 1


class TestOptionsAndErrors:
    def test_strict_raises_every_problem(self):
        text = HEADER + "\nD1,,Acme,Ann,intent,2026-01-05,2025-01-01,x,CNY,,,,,,,\n"
        with pytest.raises(DataFileError) as caught:
            read_frame(io.StringIO(text))
        assert {p.column for p in caught.value.problems} == {"name", "amount"}

    def test_lenient_result(self):
        result = read_frame(io.StringIO(PLAIN), lenient=True, to="pandas")
        assert isinstance(result, FrameReadResult)
        assert result.ok
        assert result.raise_for_problems("x") is result.frame
        assert len(result.frame) == len(_DEALS)
        bad = read_frame(io.StringIO(HEADER + "\nD1\n"), lenient=True)
        assert not bad.ok
        assert bad.frame.height == 0
        with pytest.raises(DataFileError):
            bad.raise_for_problems("x")

    def test_an_empty_file_is_an_error_in_both_modes(self):
        for lenient in (False, True):
            with pytest.raises(DataFileError):
                read_frame(io.StringIO(""), lenient=lenient)  # type: ignore[call-overload]

    def test_an_unknown_library(self):
        with pytest.raises(OptionError, match="'polars' or 'pandas'") as caught:
            read_frame(io.StringIO(PLAIN), to="arrow")  # type: ignore[call-overload]
        assert isinstance(caught.value, ValueError)
        assert caught.value.option == "to"

    def test_an_unknown_engine(self):
        with pytest.raises(OptionError):
            read_frame(io.StringIO(PLAIN), engine="spark")  # type: ignore[arg-type]

    def test_a_path_and_bytes(self, tmp_path):
        path = tmp_path / "deals.csv"
        path.write_text(PLAIN, encoding="utf-8-sig")
        want = to_polars(read_csv(path))
        assert read_frame(path).equals(want)
        assert read_frame(str(path), engine="python").equals(want)
        assert read_frame(io.BytesIO(PLAIN.encode())).equals(want)
