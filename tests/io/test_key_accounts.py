from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import ChangeKind, Criterion
from salesfunnel.io.key_accounts import (
    KEY_ACCOUNT_COLUMNS,
    KEY_ACCOUNT_HEADERS_ZH,
    REQUIRED_COLUMNS,
    format_key_accounts,
    read_key_accounts,
)
from salesfunnel.io.problems import DataFileError, FileEncodingError, ReadResult
from salesfunnel.key_accounts.account import ActivityRecord, KeyAccount
from salesfunnel.key_accounts.lifecycle import KamStage
from salesfunnel.key_accounts.playbooks import PLAYBOOKS
from salesfunnel.key_accounts.signals import DEFAULT_KAM_RULES
from tests.strategies import kam_signals

GOOD = """id,name,stage,stage_since,since,manager,activities,notes,coach_found,contacts,share_of_wallet,visits_per_month
KA1,Acme Retail,mid,2026-03-01,2025-06-01,Li Wei,find_coach@2025-07-01; sign_contract@2026-03-01 ;run_tender,"big, growing",yes,5,35%,2.5
KA2,"Bluebay, Inc.",伙伴式阶段,2026-01-15,,,,,是,,0.6,
"""


def read(text: str, **kw):
    return read_key_accounts(io.StringIO(text), **kw)


def problems(text: str, **kw):
    with pytest.raises(DataFileError) as info:
        read(text, **kw)
    return info.value.problems


class TestReadKeyAccounts:
    def test_reads_every_column(self):
        """A good file gives one account per row with stage, dates, signals and activities."""
        a, b = read(GOOD)
        assert (a.id, a.name, a.stage, a.manager, a.notes) == (
            "KA1",
            "Acme Retail",
            KamStage.MID,
            "Li Wei",
            "big, growing",
        )
        assert a.since == date(2025, 6, 1)
        assert a.entered == date(2026, 3, 1)
        assert a.history[0].kind is ChangeKind.CREATE and len(a.history) == 1
        assert dict(a.signals) == {
            "coach_found": True,
            "contacts": Decimal(5),
            "share_of_wallet": Decimal("0.35"),
            "visits_per_month": Decimal("2.5"),
        }
        assert a.activities == (
            ActivityRecord("find_coach", date(2025, 7, 1)),
            ActivityRecord("sign_contract", date(2026, 3, 1)),
            ActivityRecord("run_tender", None),
        )
        assert (b.name, b.stage, b.since) == (
            "Bluebay, Inc.",
            KamStage.PARTNERSHIP,
            date(2026, 1, 15),
        )
        assert dict(b.signals) == {"coach_found": True, "share_of_wallet": Decimal("0.6")}

    def test_chinese_headers_and_a_byte_order_mark(self):
        """Chinese headers are read, and a UTF-8 byte-order mark is skipped."""
        text = "编号,客户名称,阶段,进入阶段日期,大客户经理,coach_found\nK1,华信,初期,2026-02-01,王芳,否\n"
        (acct,) = read_key_accounts(io.BytesIO(("\ufeff" + text).encode()))
        assert (acct.name, acct.stage, acct.manager) == ("华信", KamStage.EARLY, "王芳")
        assert acct.signals["coach_found"] is False

    def test_reads_a_path(self, tmp_path):
        """A path is read like an open file."""
        path = tmp_path / "accounts.csv"
        path.write_text(GOOD, encoding="utf-8")
        assert [a.id for a in read_key_accounts(path)] == ["KA1", "KA2"]

    def test_header_only(self):
        """A file with a header and no rows gives no accounts."""
        assert read("id,name,stage,stage_since\n") == ()

    def test_blank_lines_are_skipped(self):
        """Empty lines between rows are ignored."""
        assert len(read(GOOD.replace("\nKA2", "\n,,,,\nKA2"))) == 2

    def test_every_bad_row_reported_at_once(self):
        """Every problem of every row is listed; nothing is imported."""
        text = (
            "id,name,stage,stage_since,coach_found,buying_roles_covered,share_of_wallet\n"
            "K1,Acme,middle,2026-02-30,maybe,5,150%\n"
            "K2,,mid,2026-01-01,yes,2.5,x\n"
            "K3,Ok,mid,2026-01-01,true,4,0.5\n"
            "K4,Ok,mid,2026-01-01,true,NaN,0.5\n"
        )
        found = problems(text)
        where = [(p.row, p.column) for p in found]
        assert where == [
            (2, "stage"),
            (2, "stage_since"),
            (2, "coach_found"),
            (2, "buying_roles_covered"),
            (2, "share_of_wallet"),
            (3, "name"),
            (3, "buying_roles_covered"),
            (3, "share_of_wallet"),
            (5, "buying_roles_covered"),
        ]
        assert found[-1].why == "is not a plain number within the bounds"
        assert found[0].opportunity_id == "K1"  # the problem names the account
        assert "at most 4" in found[3].why
        assert "35%" in found[4].fix

    def test_unknown_and_missing_columns(self):
        """Unknown columns, repeated columns, unnamed columns and missing required ones are reported."""
        found = problems("id,name,Name,coach_fund,,stage\nK1,A,B,yes,,mid\n")
        whys = [(p.row, p.column, p.why) for p in found]
        assert (1, "Name", "repeats the column 'name'") in whys
        assert (1, "coach_fund", "is not a column of a key-account file nor a known signal") in whys
        assert (1, "#5", "has no header") in whys
        assert (1, "stage_since", "is a required column and is missing") in whys
        assert all(p.row == 1 for p in found)

    def test_duplicate_ids(self):
        """A repeated id is reported with the row it repeats."""
        found = problems(GOOD + "KA1,Again,early,2026-01-01,,,,,,,,\n")
        assert [(p.row, p.column, p.why) for p in found] == [(4, "id", "repeats the id of row 2")]

    def test_missing_id_and_extra_cells(self):
        """An empty id and a row with more cells than the header are reported."""
        found = problems(
            "id,name,stage,stage_since\n,Acme,mid,2026-01-01\nK2,B,mid,2026-01-01,extra\n"
        )
        assert [(p.row, p.column) for p in found] == [(2, "id"), (3, None)]
        assert "4" in found[1].why

    def test_dates_must_agree(self):
        """since after stage_since, and activities before since, are reported."""
        text = (
            "id,name,stage,stage_since,since,activities\n"
            "K1,A,mid,2026-01-01,2026-02-01,\n"
            "K2,B,mid,2026-01-01,2025-12-01,find_coach@2025-01-01\n"
            "K3,C,mid,2026-01-01,,find_coach@2025-1-1\n"
            "K4,D,mid,2026-01-01,,find_coachh\n"
            "K5,E,mid,2026-01-01,,find_coach;;sales_plan;\n"
        )
        found = problems(text)
        assert [(p.row, p.column) for p in found] == [
            (2, "since"),
            (3, "activities"),
            (4, "activities"),
            (5, "activities"),
        ]
        assert "earlier date" in found[1].fix
        assert "unknown activity 'find_coachh'" in found[3].why
        assert len(read(text, lenient=True).records[0].activities) == 2

    def test_malformed_csv(self):
        """Broken quoting is reported as a problem of the file."""
        found = problems('id,name,stage,stage_since\nK1,"Acme,mid,2026-01-01\n')
        assert "malformed" in found[-1].why

    def test_empty_file(self):
        """An empty file is a DataFileError."""
        with pytest.raises(DataFileError, match="empty"):
            read_key_accounts(io.BytesIO(b""))

    def test_wrong_encoding(self):
        """A GBK file is a FileEncodingError naming the fix; with the encoding it reads."""
        data = "id,name,stage,stage_since\nK1,华信集团,mid,2026-01-01\n".encode("gbk")
        with pytest.raises(FileEncodingError, match="gb18030"):
            read_key_accounts(io.BytesIO(data))
        (acct,) = read_key_accounts(io.BytesIO(data), encoding="gb18030")
        assert acct.name == "华信集团"

    def test_lenient(self):
        """lenient=True returns the good accounts and every problem."""
        result = read(GOOD + "KA3,C,late,2026-01-01,,,,,,,,\n", lenient=True)
        assert isinstance(result, ReadResult)
        assert [a.id for a in result] == ["KA1", "KA2"]
        assert [p.row for p in result.problems] == [4]

    def test_signals_of_custom_rules(self):
        """Columns read by custom rules are accepted, their values typed by their look."""
        rules = DEFAULT_KAM_RULES.with_rule(
            "early",
            Criterion.fact("pilot_done", "Pilot done") & Criterion.at_least("sites", 2, "Sites"),
        )
        text = (
            "id,name,stage,stage_since,pilot_done,sites,region\nK1,A,early,2026-01-01,yes,3,north\n"
        )
        with pytest.raises(DataFileError, match="pilot_done"):
            read(text)
        rules = rules.with_rule("mid", rules.mid & Criterion.fact("region", "Region"))
        (acct,) = read(text, rules=rules)
        assert dict(acct.signals) == {"pilot_done": True, "sites": Decimal(3), "region": "north"}


class TestColumns:
    def test_column_sets(self):
        """The required columns are among the columns, and each has Chinese headers."""
        assert set(REQUIRED_COLUMNS) <= set(KEY_ACCOUNT_COLUMNS)
        assert set(KEY_ACCOUNT_HEADERS_ZH) == set(KEY_ACCOUNT_COLUMNS)


_ACTIVITY_KEYS = sorted(a.key for book in PLAYBOOKS.values() for a in book)
_text = st.text(alphabet=st.sampled_from(list('ab Z,;"客户\n-')), max_size=12).map(str.strip)


@st.composite
def accounts(draw):
    n = draw(st.integers(0, 4))
    out = []
    for i in range(n):
        since = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)))
        entered = since + timedelta(days=draw(st.integers(0, 400)))
        acts = draw(st.lists(st.sampled_from(_ACTIVITY_KEYS), max_size=4))
        records = tuple(
            ActivityRecord(k, draw(st.one_of(st.none(), st.just(entered)))) for k in acts
        )
        signals = {k: v for k, v in draw(kam_signals()).items() if v is not None}
        stage = draw(st.sampled_from(list(KamStage)))
        out.append(
            KeyAccount(
                f"K{i}",
                draw(_text.filter(bool)),
                stage,
                since=since,
                manager=draw(_text),
                notes=draw(_text),
                signals=signals,
                activities=records,
                history=(_create(stage, entered),),
            )
        )
    return out


def _create(stage: KamStage, on: date):
    from salesfunnel import StageChange

    return StageChange(None, stage.value, on, kind=ChangeKind.CREATE)


class TestFormatKeyAccounts:
    @given(accounts())
    def test_round_trip(self, accts):
        """Reading what was written gives the same accounts back."""
        assert list(read(format_key_accounts(accts))) == accts

    def test_extra_signal_columns(self):
        """Extra signal names are written as columns even when no account uses them."""
        a = KeyAccount("K", "A", "mid", since=date(2026, 1, 1), signals={"coach_found": False})
        header = format_key_accounts([a], signals=["pilot_done"]).splitlines()[0]
        assert header.endswith("coach_found,pilot_done")
        assert format_key_accounts([a]).splitlines()[1].endswith(",false")


class TestFormulaGuard:
    FORMULAS = ("=1+1", "+cmd", "-2+3", "@SUM(A1)", "'=quoted")

    def accounts(self) -> list[KeyAccount]:
        return [
            KeyAccount(
                f"A{i}",
                name,
                "mid",
                since=date(2026, 1, 5),
                manager=name,
                notes=name,
                signals={"contacts": i},
            )
            for i, name in enumerate(self.FORMULAS)
        ]

    def test_text_cells_are_guarded_and_read_back(self):
        """An account named =1+1 is written as '=1+1 and reads back; numbers are as they are."""
        text = format_key_accounts(self.accounts())
        rows = list(csv.reader(io.StringIO(text, newline="")))
        for row, name in zip(rows[1:], self.FORMULAS, strict=True):
            cells = dict(zip(rows[0], row, strict=True))
            assert (cells["name"], cells["manager"], cells["notes"]) == ("'" + name,) * 3
        assert rows[1][rows[0].index("contacts")] == "0"
        assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
        assert tuple(read(text)) == tuple(self.accounts())

    def test_raw_writes_verbatim(self):
        """raw=True writes the cells as they are."""
        assert "\r\nA0,=1+1,mid," in format_key_accounts(self.accounts(), raw=True)
