"""Tests for salesfunnel.io.csv_format: CSV import and export of opportunities."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL, ChangeKind, FunnelError
from salesfunnel.datasets import sample_pipeline
from salesfunnel.funnel.opportunity import Reprice, Reschedule
from salesfunnel.io import (
    COLUMNS,
    DataFileError,
    FileEncodingError,
    HistoryWouldBeLostError,
    ReadResult,
    read_csv,
    write_csv,
)
from tests import factories
from tests.strategies import opportunity_sets

HEADER = "id,name,account,owner,stage,created,expected_close,amount,currency,products"
ROW = "D1,ERP rollout,Acme,Li Wei,intent,2026-01-05,2026-06-30,120000,CNY,ERP=100000;Support=20000"
ROW2 = "D2,CRM,Beta,Ann,potential,2026-02-01,2026-08-31,5000,EUR,CRM"
EV_HEADER = "opportunity_id,kind,on,from_stage,to_stage,reason,skipped,forced,old,new"


def text(*lines: str) -> io.StringIO:
    return io.StringIO("\n".join(lines) + "\n")


def problems_of(
    *lines: str, events: tuple[str, ...] | None = None
) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(DataFileError) as info:
        read_csv(text(*lines), events=text(*events) if events is not None else None)
    return [(p.row, p.column, p.why) for p in info.value.problems]


deal = factories.deal_maker(
    name="ERP rollout",
    owner="Li Wei",
    stage="intent",
    expected_close=date(2026, 6, 30),
    amount=None,
    line_items={"ERP": "100000", "Support": "20000"},
)


class TestReadCsv:
    def test_reads_a_clean_file(self):
        """A clean file gives one opportunity per row, amounts as exact Decimals."""
        (d1, d2) = read_csv(text(HEADER, ROW, ROW2))
        assert d1 == deal()
        assert d2.line_items[0].product == "CRM"
        assert d2.amount == Decimal(5000)
        assert isinstance(d1.amount, Decimal)

    def test_synthesises_the_creation_entry(self):
        """Without an events file each opportunity starts with a creation entry in its stage."""
        (d1,) = read_csv(text(HEADER, ROW))
        assert len(d1.history) == 1
        assert d1.history[0].kind is ChangeKind.CREATE
        assert (d1.history[0].to_stage, d1.history[0].on) == ("intent", date(2026, 1, 5))

    def test_header_only_is_no_opportunities(self):
        """A file with a header and no rows holds zero opportunities."""
        assert read_csv(text(HEADER)) == ()

    def test_amount_only(self):
        """Without a products column the amount makes one unnamed line."""
        (d,) = read_csv(
            text(
                "id,name,account,owner,stage,created,expected_close,amount,currency",
                "A,n,a,o,intent,2026-01-01,2026-02-01,10.50,usd",
            )
        )
        assert d.amount == Decimal("10.50")
        assert d.currency == "USD"
        assert d.products == ("",)

    def test_products_only(self):
        """Without an amount column the products' amounts add up to the amount."""
        (d,) = read_csv(
            text(
                "id,name,account,owner,stage,created,expected_close,currency,products",
                "A,n,a,o,intent,2026-01-01,2026-02-01,USD,X=1;Y=2.5",
            )
        )
        assert d.amount == Decimal("3.5")

    def test_optional_columns(self):
        """Probability (share or percentage), facts, closing columns, notes and category are read."""
        (won, lost, other) = read_csv(
            text(
                HEADER + ",probability,facts,closed_on,lost_reason,notes,category_override",
                ROW.replace("D1", "W").replace("intent", "closed")
                + ',,"{""paid"": true, ""odds"": {""decimal"": ""0.6""}}",2026-05-01,,,',
                ROW.replace("D1", "L").replace("intent", "lost") + ",,,2026-05-02,Price,note,",
                ROW.replace("D1", "O") + ",60%,,,,,commit",
            )
        )
        assert won.closed_on == date(2026, 5, 1)
        assert won.facts["odds"] == Decimal("0.6")
        assert won.facts["paid"] is True
        assert lost.lost_reason == "Price"
        assert lost.notes == "note"
        assert other.probability == Decimal("0.6")
        assert other.category_override == "commit"

    def test_binary_stream_and_path(self, tmp_path):
        """A path and a binary stream read the same as a text stream."""
        path = tmp_path / "deals.csv"
        path.write_text(HEADER + "\n" + ROW + "\n", encoding="utf-8")
        assert read_csv(path) == read_csv(str(path)) == read_csv(io.BytesIO(path.read_bytes()))

    def test_utf8_bom(self, tmp_path):
        """A UTF-8 byte-order mark is accepted (and not part of the first header)."""
        path = tmp_path / "bom.csv"
        path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "\n" + ROW + "\n").encode())
        assert read_csv(path) == (deal(),)
        assert read_csv(io.StringIO("\ufeff" + HEADER + "\n" + ROW + "\n")) == (deal(),)

    def test_chinese_headers(self):
        """The source's report-form headers are aliases of the columns."""
        head = "编号,项目名称,客户,项目经理,阶段,创建日期,预计成交日期,金额,币种,提供的产品,其他"
        (d,) = read_csv(text(head, ROW + ",备注一"))
        assert d == deal(notes="备注一")
        head2 = head.replace("项目经理", "销售负责人")
        assert read_csv(text(head2, ROW + ",备注一")) == (d,)

    def test_english_header_variants(self):
        """Headers match whatever their case, spaces or hyphens."""
        head = "ID,Name,Account,Owner,Stage,Created,Expected Close,Amount,Currency,Products"
        assert read_csv(text(head, ROW)) == (deal(),)

    def test_stage_labels(self):
        """A stage may be given by its English or Chinese label."""
        rows = [
            ROW.replace("intent", "确认客户意向"),
            ROW2.replace("potential", "Confirm customer intent"),
        ]
        d1, d2 = read_csv(text(HEADER, *rows))
        assert d1.stage == d2.stage == "intent"

    def test_report_form_marks(self):
        """The report form's stage columns, with the current one marked ●, give the stage."""
        head = "项目经理,项目名称,编号,客户,创建日期,预计成交日期,金额,币种,发掘潜在客户,确认客户意向,完成销售成交,丢单,结束日期"
        rows = [
            "李伟,ERP,P1,华信,2026-01-01,2026-06-30,100,CNY,●,,,,",
            "李伟,CRM,P2,华信,2026-01-01,2026-06-30,100,CNY,,,√,,2026-03-01",
        ]
        p1, p2 = read_csv(text(head, *rows))
        assert p1.stage == "potential"
        assert p2.stage == "closed"

    def test_report_form_bad_marks(self):
        """No mark, two marks or an unknown mark are each a problem."""
        head = (
            "编号,项目名称,客户,项目经理,创建日期,预计成交日期,金额,币种,发掘潜在客户,确认客户意向"
        )
        found = problems_of(
            head,
            "P1,n,a,o,2026-01-01,2026-06-30,1,CNY,,",
            "P2,n,a,o,2026-01-01,2026-06-30,1,CNY,●,●",
            "P3,n,a,o,2026-01-01,2026-06-30,1,CNY,yes,",
        )
        whys = [w for _, _, w in found]
        assert whys == [
            "no stage column is marked",
            "2 stage columns are marked",
            "'yes' is not a stage mark",
        ]

    def test_stage_column_and_marks(self):
        """Giving the stage both ways is a header problem."""
        found = problems_of(HEADER + ",确认客户意向", ROW + ",●")
        assert found[0][:2] == (1, "stage")

    def test_ignore_unknown_column_on_purpose(self):
        """An unknown column is a problem unless it is ignored by name."""
        found = problems_of(HEADER + ",crm_score", ROW + ",7")
        assert found == [(1, "crm_score", "unknown column")]
        assert read_csv(text(HEADER + ",crm_score", ROW + ",7"), ignore=["crm_score"]) == (deal(),)

    def test_semicolon_separated_hint(self):
        """A file separated by semicolons is explained."""
        with pytest.raises(DataFileError, match="separated by ';'"):
            read_csv(text(HEADER.replace(",", ";"), ROW.replace(",", ";")))

    def test_duplicate_header(self):
        """Two headers for the same column are a problem."""
        found = problems_of(HEADER + ",项目名称", ROW + ",x")
        assert found == [(1, "项目名称", "gives name a second time (also column 'name')")]

    def test_nameless_column(self):
        """A column without a header is fine when empty, a problem when it has values."""
        assert read_csv(text(HEADER + ",", ROW + ",")) == (deal(),)
        assert problems_of(HEADER + ",", ROW + ",x") == [
            (1, "#11", "column 11 has values but no header")
        ]

    def test_blank_lines_are_skipped(self):
        """Blank lines and rows of empty cells hold nothing and are skipped."""
        assert read_csv(text(HEADER, "", ROW, ",,,,,,,,,")) == (deal(),)

    def test_wrong_cell_count(self):
        """A row with more or fewer cells than the header is a problem."""
        found = problems_of(HEADER, ROW + ",extra", "D3,x")
        assert [(r, w) for r, _, w in found] == [
            (2, "has 11 cells but the header has 10"),
            (3, "has 2 cells but the header has 10"),
        ]

    def test_malformed_quoting(self):
        """Broken CSV quoting is reported with its line."""
        found = problems_of(HEADER, 'D1,"ERP "x" rollout,Acme')
        assert "malformed" in found[0][2]

    def test_lists_every_problem(self):
        """Strict mode raises one error that lists every problem with row, column and value."""
        bad = 'D2,,Acme,Li Wei,wonder,2026-13-01,soon,"1,000",XXX,ERP=1'
        with pytest.raises(DataFileError) as info:
            read_csv(text(HEADER, ROW, bad))
        err = info.value
        assert isinstance(err, FunnelError)
        assert isinstance(err, ValueError)
        cols = [(p.row, p.column, p.value) for p in err.problems]
        assert (3, "name", "") in cols
        assert (3, "stage", "wonder") in cols
        assert (3, "created", "2026-13-01") in cols
        assert (3, "expected_close", "soon") in cols
        assert str(err).count("\n") == len(err.problems)
        assert "nothing was imported" in str(err)

    def test_lenient_returns_good_records_and_the_same_report(self):
        """Lenient mode returns the good rows and exactly the strict mode's problems."""
        lines = (HEADER, ROW, ROW2.replace("2026-02-01", "1/2/2026"))
        with pytest.raises(DataFileError) as info:
            read_csv(text(*lines))
        result = read_csv(text(*lines), lenient=True)
        assert isinstance(result, ReadResult)
        assert result.records == (deal(),)
        assert result.problems == info.value.problems
        assert not result.ok
        assert list(result) == [deal()]
        assert len(result) == 1

    def test_lenient_clean(self):
        """A clean lenient read has no problems and raise_for_problems returns the records."""
        result = read_csv(text(HEADER, ROW), lenient=True)
        assert result.ok
        assert result.raise_for_problems("x") == (deal(),)


class TestBadInput:
    """The bad inputs of issue 7, section 6, each a clear error."""

    def test_missing_column(self):
        """A missing required column is named, and no row is read."""
        head = HEADER.replace(",currency", "")
        row = ROW.replace(",CNY", "")
        assert problems_of(head, row) == [(1, "currency", "required column is missing")]
        assert read_csv(text(head, row), lenient=True).records == ()

    def test_missing_amount_and_products(self):
        """A file with neither amount nor products cannot give amounts."""
        head = "id,name,account,owner,stage,created,expected_close,currency"
        assert problems_of(head, "A,n,a,o,intent,2026-01-01,2026-02-01,USD") == [
            (1, "amount", "required column is missing")
        ]

    def test_unknown_stage(self):
        """A stage the funnel does not have is a problem naming the stages it has."""
        with pytest.raises(DataFileError, match="use one of target_segment, potential"):
            read_csv(text(HEADER, ROW.replace("intent", "qualified")))

    def test_malformed_date(self):
        """A date not in YYYY-MM-DD form, or not on the calendar, is a problem."""
        found = problems_of(
            HEADER,
            ROW.replace("2026-01-05", "05.01.2026"),
            ROW2.replace("2026-02-01", "2026-02-30"),
        )
        assert found[0] == (2, "created", "is not a date in YYYY-MM-DD form")
        assert found[1][:2] == (3, "created")
        assert found[1][2].startswith("is not a calendar date")

    def test_empty_date(self):
        """An empty required date is a problem."""
        assert problems_of(HEADER, ROW.replace("2026-01-05", ""))[0] == (2, "created", "is empty")

    def test_negative_amount(self):
        """A negative amount is a problem, in the amount column or a product."""
        assert problems_of(HEADER, ROW.replace(",120000,", ",-120000,"))[0][1:] == (
            "amount",
            "is negative",
        )
        found = problems_of(HEADER, ROW.replace("ERP=100000", "ERP=-100000"))
        assert found[0][1] == "products"
        assert "negative" in found[0][2]

    def test_amount_not_a_number(self):
        """Separators, currency signs and words are refused, never guessed at."""
        head = "id,name,account,owner,stage,created,expected_close,amount,currency"
        base = "A,n,a,o,intent,2026-01-01,2026-02-01,{},USD"
        assert (
            problems_of(head, base.format('"1,000"'))[0][2]
            == "has a thousands separator or a decimal comma"
        )
        assert problems_of(head, base.format("$5"))[0][2] == "is not a number"
        assert problems_of(head, base.format(""))[0][2] == "is empty"
        assert problems_of(head, base.format("NaN"))[0][2] == "is not a number"

    def test_duplicated_id(self):
        """Every row of a duplicated id is a problem naming the others; lenient keeps none."""
        found = problems_of(HEADER, ROW, ROW2, ROW.replace("Acme", "Other"))
        assert found == [
            (2, "id", "duplicated id: also on row 4"),
            (4, "id", "duplicated id: also on row 2"),
        ]
        assert [o.id for o in read_csv(text(HEADER, ROW, ROW2, ROW), lenient=True)] == ["D2"]

    def test_events_that_do_not_chain(self):
        """An events file whose history does not chain names the opportunity and the row."""
        events = (
            EV_HEADER,
            "D1,create,2026-01-05,,potential,,,,,",
            "D1,advance,2026-02-01,intent,project,,,,,",
        )
        with pytest.raises(DataFileError) as info:
            read_csv(text(HEADER, ROW.replace("intent", "project")), events=text(*events))
        (problem,) = info.value.problems
        assert problem.row == 3
        assert problem.column == "from_stage"
        assert problem.opportunity_id == "D1"
        assert "history of opportunity 'D1' does not chain" in problem.why
        assert "'potential'" in problem.fix

    def test_empty_file(self, tmp_path):
        """An empty file (or only blank space) is a clear error, even in lenient mode."""
        path = tmp_path / "empty.csv"
        for content in (b"", b" \r\n\n"):
            path.write_bytes(content)
            with pytest.raises(DataFileError, match="the file is empty"):
                read_csv(path, lenient=True)
        with pytest.raises(DataFileError, match="the file is empty"):
            read_csv(io.StringIO(""))

    def test_gbk_file(self, tmp_path):
        """A GBK file is named as such, with the fix; naming the encoding reads it."""
        path = tmp_path / "gbk.csv"
        path.write_bytes(
            (
                "编号,项目名称,客户,项目经理,阶段,创建日期,预计成交日期,金额,币种\nP1,项目一,华信,李伟,intent,2026-01-01,2026-02-01,5,CNY\n"
            ).encode("gbk")
        )
        with pytest.raises(FileEncodingError) as info:
            read_csv(path)
        err = info.value
        assert err.encoding == "gb18030"
        assert "not UTF-8" in str(err)
        assert "GBK" in str(err)
        assert "CSV UTF-8" in str(err)
        assert "encoding='gb18030'" in str(err)
        (d,) = read_csv(path, encoding="gb18030")
        assert d.name == "项目一"

    def test_utf16_file(self, tmp_path):
        """A UTF-16 file (with or without a byte-order mark) is named as such."""
        path = tmp_path / "u16.csv"
        path.write_bytes((HEADER + "\n" + ROW + "\n").encode("utf-16"))
        with pytest.raises(FileEncodingError, match="UTF-16") as info:
            read_csv(path)
        assert info.value.encoding == "utf-16"
        assert read_csv(path, encoding="utf-16") == (deal(),)
        path.write_bytes("项目名称\n".encode("utf-16-le"))
        with pytest.raises(FileEncodingError, match="UTF-16 without a byte-order mark"):
            read_csv(path)

    def test_other_encodings(self, tmp_path):
        """A cp1252 file, a wrong explicit encoding and an Excel workbook are each explained."""
        path = tmp_path / "x.csv"
        path.write_bytes(b"id,name\nA,Caf\xe9\xff\xff\n")
        with pytest.raises(FileEncodingError, match="legacy encoding") as info:
            read_csv(path)
        assert info.value.encoding is None
        with pytest.raises(FileEncodingError, match="cannot be read as ascii"):
            read_csv(path, encoding="ascii")
        with pytest.raises(FileEncodingError, match="cannot be read as no-such-codec"):
            read_csv(path, encoding="no-such-codec")
        path.write_bytes(b"PK\x03\x04rest")
        with pytest.raises(FileEncodingError, match="Excel workbook"):
            read_csv(path)


class TestRowChecks:
    def test_cross_field_problem(self):
        """An expected close before creation is reported against its column."""
        found = problems_of(HEADER, ROW.replace("2026-06-30", "2025-06-30"))
        assert found[0][:2] == (2, "expected_close")

    def test_amount_and_products_disagree(self):
        """An amount that is not the sum of the products is a problem."""
        found = problems_of(HEADER, ROW.replace(",120000,", ",120001,"))
        assert found == [(2, "amount", "is not the sum of the products' amounts (120000)")]

    def test_product_without_amount_and_no_amount(self):
        """A product named without an amount needs the amount column."""
        head = "id,name,account,owner,stage,created,expected_close,amount,currency,products"
        found = problems_of(head, "A,n,a,o,intent,2026-01-01,2026-02-01,,USD,ERP")
        assert found == [
            (2, "products", "names a product without an amount, and the amount column is empty")
        ]

    def test_empty_products_without_amount_column(self):
        """Without an amount column, an empty products cell gives no amount."""
        head = "id,name,account,owner,stage,created,expected_close,currency,products"
        found = problems_of(head, "A,n,a,o,intent,2026-01-01,2026-02-01,USD,")
        assert found == [(2, "products", "is empty")]

    def test_products_syntax(self):
        """Products need NAME=AMOUNT entries; escapes write separators inside names."""
        assert (
            "gives no amount"
            in problems_of(HEADER, ROW.replace("ERP=100000;Support=20000", "ERP;Support=1"))[0][2]
        )
        assert (
            "empty entry"
            in problems_of(
                HEADER, ROW.replace("ERP=100000;Support=20000", "ERP=100000;;Support=20000")
            )[0][2]
        )
        assert (
            "more than one '='"
            in problems_of(HEADER, ROW.replace("ERP=100000", "E=R=100000"))[0][2]
        )
        assert (
            "lone backslash"
            in problems_of(HEADER, ROW.replace("Support=20000", "Support=20000\\"))[0][2]
        )
        (d,) = read_csv(text(HEADER, ROW.replace("ERP=100000", r"E\=R\;P\\ =100000")))
        assert d.products == ("E=R;P\\", "Support")
        (d,) = read_csv(text(HEADER, ROW.replace("ERP=100000", r"\ ERP=100000")))
        assert d.products == (" ERP", "Support")

    def test_probability_problems(self):
        """A probability outside [0, 1] or not a number is a problem."""
        head = HEADER + ",probability"
        assert problems_of(head, ROW + ",60")[0][2] == "is outside [0, 1] (0 % to 100 %)"
        assert problems_of(head, ROW + ",high")[0][2] == "is not a number"
        assert problems_of(head, ROW + ",x%")[0][2] == "is not a percentage"

    def test_facts_problems(self):
        """Facts must be a JSON object of fact values."""
        head = HEADER + ",facts"
        assert problems_of(head, ROW + ",{bad")[0][2].startswith("is not valid JSON")
        assert problems_of(head, ROW + ",[1]")[0][2] == "is not a JSON object"
        found = problems_of(head, ROW + ',"{""a"": [1], """": 1, ""d"": {""decimal"": ""x""}}"')[0][
            2
        ]
        assert "fact 'a': [1] is not a fact value" in found
        assert "empty key" in found
        assert "'x' is not a decimal number" in found

    def test_fact_encodings(self):
        """Decimals and dates have tagged encodings (non-finite floats are refused: issue 12)."""
        head = HEADER + ",facts"
        cell = (
            '"{""d"": {""date"": ""2026-01-02""}, ""n"": 0.5, ""i"": 3, ""s"": ""x"", ""u"": null}"'
        )
        (d,) = read_csv(text(head, ROW + "," + cell))
        assert dict(d.facts) == {
            "d": date(2026, 1, 2),
            "n": 0.5,
            "i": 3,
            "s": "x",
            "u": None,
        }

    def test_currency_problem(self):
        """A currency that is not ISO 4217 is a problem."""
        assert problems_of(HEADER, ROW.replace("CNY", "RMB"))[0][1:] == (
            "currency",
            "is not an ISO 4217 currency code",
        )

    def test_closed_deal_needs_closed_on(self):
        """A won or lost deal without closed_on, or an open one with it, is a problem."""
        head = HEADER + ",closed_on"
        found = problems_of(head, ROW.replace("intent", "lost") + ",", ROW2 + ",2026-03-01")
        assert [c for _, c, _ in found] == ["closed_on", "closed_on"]
        assert "no closed_on" in found[0][2]

    def test_lost_reason_needs_closed_on(self):
        """A lost reason without a close date is reported against its column."""
        found = problems_of(HEADER + ",lost_reason", ROW + ",Price")
        assert found[0][1] == "lost_reason"


class TestEvents:
    def test_histories_and_revisions(self):
        """Events give each opportunity its stage history, reschedules and reprices."""
        events = text(
            EV_HEADER,
            "D1,create,2026-01-05,,potential,,,,,",
            "D1,reschedule,2026-01-20,,,Customer asked,,,2026-05-31,2026-06-30",
            "D1,advance,2026-02-01,potential,intent,,,,,",
            "D1,reprice,2026-02-02,,,Scope,,,ERP=90000;Support=20000,ERP=100000;Support=20000",
        )
        (d,) = read_csv(text(HEADER, ROW), events=events)
        assert [h.to_stage for h in d.history] == ["potential", "intent"]
        assert isinstance(d.revisions[0], Reschedule)
        assert isinstance(d.revisions[1], Reprice)
        assert d.revisions[1].old_amount == Decimal(110000)

    def test_opportunity_without_events(self):
        """An opportunity with no rows in the events file gets the creation entry."""
        (d,) = read_csv(text(HEADER, ROW), events=text(EV_HEADER))
        assert len(d.history) == 1

    def test_skip_and_forced(self):
        """Skipped stages and the forced flag are read."""
        events = text(
            EV_HEADER,
            "D1,create,2026-01-05,,target_segment,,,,,",
            "D1,skip,2026-01-06,target_segment,intent,,potential,TRUE,,",
        )
        (d,) = read_csv(text(HEADER, ROW), events=events)
        assert d.history[1].skipped == ("potential",)
        assert d.history[1].forced is True

    @pytest.mark.parametrize(
        ("row", "column", "why"),
        [
            (
                "D1,advance,2026-01-05,potential,intent,,,,,",
                "kind",
                "its first stage change is 'advance'",
            ),
            ("D1,create,2026-01-05,x,intent,,,,,", "from_stage", "is not used by a 'create' row"),
            ("D1,create,2026-01-05,,intent,,,,1,", "old", "is not used by a 'create' row"),
            ("D1,jump,2026-01-05,,intent,,,,,", "kind", "is not an event kind"),
            ("D1,create,someday,,intent,,,,,", "on", "is not a date in YYYY-MM-DD form"),
            ("D1,create,2026-01-05,,nowhere,,,,,", "to_stage", "is not a stage of the funnel"),
            ("D1,create,2026-01-05,,intent,,,maybe,,", "forced", "is not true or false"),
            ("D1,create,2026-01-05,,intent,,a;;b,,,", "skipped", "has an empty entry"),
            (",create,2026-01-05,,intent,,,,,", "opportunity_id", "is empty"),
            (
                "D1,reschedule,2026-01-05,,intent,,,,2026-01-01,2026-02-01",
                "to_stage",
                "is not used by a 'reschedule' row",
            ),
            ("D1,reprice,2026-01-05,,,,,,,X=1", "old", "is empty"),
            ("D1,reprice,2026-01-05,,,,,,X,X=1", "old", "gives no amount for product 'X'"),
        ],
    )
    def test_bad_event_rows(self, row, column, why):
        """Each bad cell of an events row is a problem at that row and column."""
        found = problems_of(HEADER, ROW, events=(EV_HEADER, row))
        assert (2, column) == found[0][:2]
        assert why in found[0][2]

    def test_second_create_and_going_back(self):
        """A second creation and a change dated before the previous one are problems."""
        found = problems_of(
            HEADER,
            ROW,
            events=(
                EV_HEADER,
                "D1,create,2026-01-05,,intent,,,,,",
                "D1,create,2026-01-06,,intent,,,,,",
                "D1,regress,2026-01-04,intent,potential,why,,,,",
                "D1,reschedule,2026-01-09,,,,,,2026-06-30,2026-07-30",
                "D1,reschedule,2026-01-08,,,,,,2026-07-30,2026-06-30",
            ),
        )
        whys = [w for _, _, w in found]
        assert "has a second 'create' row (first on row 2)" in whys[0]
        assert "goes back in time" in whys[1]
        assert "revisions of opportunity 'D1' go back in time" in whys[2]

    def test_history_must_end_in_the_stage(self):
        """A history that ends in another stage than the stage column is a problem."""
        found = problems_of(HEADER, ROW, events=(EV_HEADER, "D1,create,2026-01-05,,potential,,,,,"))
        assert found[0][0] == 2
        assert "ends in 'potential' but the stage is 'intent'" in found[0][2]

    def test_events_of_unknown_opportunity(self):
        """Events of an id the opportunities file does not have are a problem."""
        found = problems_of(HEADER, ROW, events=(EV_HEADER, "D9,create,2026-01-05,,intent,,,,,"))
        assert found == [
            (2, "opportunity_id", "has events but no opportunity in the opportunities file")
        ]

    def test_bad_events_exclude_the_opportunity(self):
        """In lenient mode an opportunity with a bad event is left out and reported."""
        events = text(
            EV_HEADER, "D1,create,2026-01-05,,intent,,,,,", "D1,advance,oops,intent,project,,,,,"
        )
        result = read_csv(text(HEADER, ROW, ROW2), events=events, lenient=True)
        assert [o.id for o in result] == ["D2"]
        assert [p.file for p in result.problems] == ["<stream>"]

    def test_events_file_missing_columns(self):
        """An events file without its required columns is reported and its ids are left out."""
        result = read_csv(
            text(HEADER, ROW), events=text("opportunity_id,kind", "D1,create"), lenient=True
        )
        assert result.records == ()
        assert result.problems[0].why == "required column is missing"

    def test_chinese_event_headers(self):
        """The events file accepts Chinese headers too."""
        events = text("商机编号,类型,日期,原阶段,新阶段", "D1,create,2026-01-05,,intent")
        assert read_csv(text(HEADER, ROW), events=events) == (deal(),)


class TestWriteCsv:
    def test_history_would_be_lost(self):
        """Writing histories without an events file needs drop_history=True."""
        moved = DEFAULT_FUNNEL.lose(deal(), on=date(2026, 2, 1), reason="Price")
        many = [moved.evolve(id=f"X{i}") for i in range(7)]
        with pytest.raises(HistoryWouldBeLostError, match="and 2 more") as info:
            write_csv(many, io.StringIO())
        assert info.value.opportunity_ids[0] == "X0"
        out = io.StringIO()
        write_csv([moved], out, drop_history=True)
        (back,) = read_csv(io.StringIO(out.getvalue()))
        assert back.stage == "lost"
        assert back.history_is_default

    def test_paths_and_bom(self, tmp_path):
        """Files are written as UTF-8, with a byte-order mark on request, and read back."""
        deals = sample_pipeline()[:20]
        main, events = tmp_path / "d.csv", tmp_path / "e.csv"
        write_csv(deals, main, events=events, bom=True)
        assert main.read_bytes().startswith(b"\xef\xbb\xbfid,name")
        assert events.read_bytes().startswith(b"\xef\xbb\xbfopportunity_id")
        assert read_csv(main, events=events) == deals

    def test_chinese_headers_round_trip(self, tmp_path):
        """Files written with Chinese headers read back equal."""
        deals = sample_pipeline()[:30]
        main, events = tmp_path / "d.csv", tmp_path / "e.csv"
        write_csv(deals, main, events=events, lang="zh")
        assert main.read_text(encoding="utf-8").startswith("编号,项目名称")
        assert events.read_text(encoding="utf-8").startswith("商机编号,类型")
        assert read_csv(main, events=events) == deals

    def test_columns(self):
        """The header is exactly the documented column set."""
        out = io.StringIO()
        write_csv([], out)
        assert out.getvalue() == ",".join(COLUMNS) + "\r\n"

    def test_bad_lang(self):
        """An unknown language is refused."""
        with pytest.raises(FunnelError):
            write_csv([], io.StringIO(), lang="fr")  # type: ignore[arg-type]

    def test_sample_pipeline_round_trip(self):
        """The whole sample pipeline survives a write and a read."""
        deals = sample_pipeline()
        main, events = io.StringIO(), io.StringIO()
        write_csv(deals, main, events=events)
        assert (
            read_csv(io.StringIO(main.getvalue()), events=io.StringIO(events.getvalue())) == deals
        )

    @given(opportunity_sets())
    def test_round_trip(self, deals):
        """Writing then reading gives back equal opportunities, whatever their text and history."""
        main, events = io.StringIO(), io.StringIO()
        write_csv(deals, main, events=events)
        assert (
            read_csv(io.StringIO(main.getvalue()), events=io.StringIO(events.getvalue())) == deals
        )


class TestOverrideEvents:
    def _deal(self):
        from salesfunnel.funnel import override

        base = factories.deal(
            name="x", account="a", owner="o", stage="intent",
            expected_close=date(2026, 6, 30), amount="100", currency="USD",
        )  # fmt: skip
        first = override(
            base, on=date(2026, 2, 1), probability="0.8", category="commit", reason="call"
        )
        return override(first, on=date(2026, 2, 5), probability=None)

    def test_override_rows_round_trip(self):
        """Override revisions are written as override rows and read back equal."""
        deal = self._deal()
        out, events = io.StringIO(), io.StringIO()
        write_csv([deal], out, events=events)
        assert ",override," in events.getvalue()
        back = read_csv(io.StringIO(out.getvalue()), events=io.StringIO(events.getvalue()))
        assert back == (deal,)

    @pytest.mark.parametrize(
        ("old", "new", "why"),
        [
            ("colour=red", "probability=0.5", "not probability=... or category=..."),
            ("", "probability=2", "outside"),
        ],
    )
    def test_bad_override_rows(self, old, new, why):
        """A malformed override row names the row and the fix."""
        events = (
            "opportunity_id,kind,on,from_stage,to_stage,old,new\n"
            "D1,create,2026-01-05,,intent,,\n"
            f"D1,override,2026-02-01,,,{old},{new}\n"
        )
        out = io.StringIO()
        write_csv([self._deal()], out, drop_history=True)
        result = read_csv(io.StringIO(out.getvalue()), events=io.StringIO(events), lenient=True)
        assert any(why in p.why for p in result.problems)


#: Names a spreadsheet would run as a formula (OWASP's first characters), and
#: texts that already begin with the guard's own ``'``.
FORMULAS = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tTab first", "\rCR first", "'=quoted", "''-2"]


def _formula_deals() -> list:
    """One deal per formula name, in every free-text field (the id too, every other deal).

    An id never begins with a TAB or CR (ids have no surrounding spaces), so
    those two are in the other fields only.
    """
    out = []
    for i, name in enumerate(FORMULAS):
        base = deal(
            id=name if i % 2 == 0 and name == name.strip() else f"D{i}",
            name=name,
            account=name,
            owner=name,
            notes=name,
            line_items={name: "100", "Support": "20"},
        )
        out.append(DEFAULT_FUNNEL.lose(base, on=date(2026, 2, 1), reason=name))
    return out


def _cells(text: str) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(text, newline="")))


class TestFormulaGuard:
    def test_every_text_cell_is_guarded_and_reads_back(self, tmp_path):
        """An account named =1+1 (and +, -, @, TAB, CR) is written with a leading ' and reads back."""
        deals = _formula_deals()
        main, events = tmp_path / "d.csv", tmp_path / "e.csv"
        write_csv(deals, main, events=events)
        rows = _cells(main.read_bytes().decode("utf-8"))
        header = rows[0]
        for row, name in zip(rows[1:], FORMULAS, strict=True):
            cells = dict(zip(header, row, strict=True))
            for column in ("name", "account", "owner", "notes"):
                assert cells[column] == "'" + name, column
            assert cells["amount"] == "120"  # numbers and dates as they are
            assert cells["created"] == "2026-01-05"
        ev = _cells(events.read_bytes().decode("utf-8"))
        reasons = [r[ev[0].index("reason")] for r in ev[1:] if r[ev[0].index("kind")] == "lose"]
        assert reasons == ["'" + n for n in FORMULAS]
        assert read_csv(main, events=events) == tuple(deals)

    def test_no_raw_cell_starts_a_formula(self):
        """No cell of either file begins with a formula character (a product's = is escaped)."""
        main, events = io.StringIO(), io.StringIO()
        write_csv(_formula_deals(), main, events=events)
        for text in (main.getvalue(), events.getvalue()):
            for row in _cells(text):
                assert not [c for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")], row

    def test_cr_is_quoted_and_lines_end_in_crlf(self):
        """A cell with a CR is quoted; every record ends in \\r\\n."""
        out = io.StringIO()
        write_csv([deal(name="a\rb")], out)
        assert out.getvalue().endswith("\r\n")
        assert '"a\rb"' in out.getvalue()

    def test_raw_writes_verbatim(self):
        """raw=True writes the cells as given; the guard is an opt-out, not a new format."""
        main, events = io.StringIO(), io.StringIO()
        write_csv(_formula_deals(), main, events=events, raw=True)
        rows = _cells(main.getvalue())
        assert [r[rows[0].index("account")] for r in rows[1:]] == FORMULAS

    def test_a_quote_before_other_text_is_kept(self):
        """Only a ' before a formula character is the guard: "'quoted'" reads as written."""
        out = io.StringIO()
        write_csv([deal(name="'quoted'"), deal(id="D2", name="it's")], out)
        assert [o.name for o in read_csv(io.StringIO(out.getvalue()))] == ["'quoted'", "it's"]

    def test_a_spreadsheet_saved_guard_reads_as_the_text(self):
        """A hand-written '=x cell (as a spreadsheet user would type it) reads as =x."""
        (back,) = read_csv(text(HEADER, ROW.replace("Acme", "'=HYPERLINK(x)")))
        assert back.account == "=HYPERLINK(x)"

    @given(
        opportunity_sets(),
        st.lists(
            st.tuples(
                st.text(alphabet="'", max_size=2),
                st.sampled_from(["=", "+", "-", "@", "\t", "\r"]),
                st.text(alphabet=st.sampled_from([*"ab =+-@'\t\r\n,\"项"]), max_size=8),
            )
            .map("".join)
            .filter(str.strip),
            min_size=1,
            max_size=4,
        ),
    )
    def test_round_trip_with_formula_text(self, deals, names):
        """read_csv(write_csv(deals)) == deals when every text field may start a formula."""
        deals = tuple(
            o.evolve(name=names[i % len(names)], account=names[-1], notes=names[0])
            for i, o in enumerate(deals)
        )
        main, events = io.StringIO(), io.StringIO()
        write_csv(deals, main, events=events)
        assert (
            read_csv(io.StringIO(main.getvalue()), events=io.StringIO(events.getvalue())) == deals
        )


class TestAtomicCsv:
    def test_a_failed_write_leaves_the_old_files(self, tmp_path):
        """A lone surrogate halfway: a typed error naming the deal, both old files intact, no temp."""
        from salesfunnel.io._atomic import UnencodableTextError

        main, events = tmp_path / "d.csv", tmp_path / "e.csv"
        deals = sample_pipeline()[:30]
        write_csv(deals, main, events=events)
        before = main.read_bytes(), events.read_bytes()
        bad = [*deals[:20], deals[20].evolve(account="x\ud800y"), *deals[21:]]
        with pytest.raises(UnencodableTextError, match=r"account of opportunity") as info:
            write_csv(bad, main, events=events)
        assert info.value.text == "\ud800"
        assert isinstance(info.value, FunnelError)
        assert (main.read_bytes(), events.read_bytes()) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "e.csv"]

    def test_a_failed_events_file_leaves_the_deals_file(self, tmp_path):
        """The events file is written before the deals file is replaced: a bad reason keeps both."""
        from salesfunnel.io._atomic import UnencodableTextError

        main, events = tmp_path / "d.csv", tmp_path / "e.csv"
        write_csv([deal()], main, events=events)
        before = main.read_bytes(), events.read_bytes()
        lost = DEFAULT_FUNNEL.lose(deal(), on=date(2026, 2, 1), reason="\udcff")
        with pytest.raises(UnencodableTextError, match=r"reason of opportunity 'D1'"):
            write_csv([lost], main, events=events)
        assert (main.read_bytes(), events.read_bytes()) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "e.csv"]

    def test_a_stream_is_written_as_it_is(self, tmp_path):
        """An open file is the caller's: written to directly, and its encoding error is typed too."""
        from salesfunnel.io._atomic import UnencodableTextError

        path = tmp_path / "d.csv"
        with path.open("w", encoding="ascii", newline="") as handle:
            write_csv([deal()], handle)
            with pytest.raises(UnencodableTextError, match="name of opportunity 'D1'"):
                write_csv([deal(name="项目")], handle)
        assert path.read_text(encoding="ascii").startswith("id,name")
