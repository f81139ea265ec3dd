"""Import mappings: headers to fields, stage names to keys, date-times and percentages."""

from __future__ import annotations

import io
from datetime import date, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesfunnel import DEFAULT_FUNNEL, Funnel
from salesfunnel.io import DataFileError, read_csv
from salesfunnel.io import mapping as mapping_module
from salesfunnel.io.mapping import (
    FIELDS,
    HISTORY_FIELDS,
    BadCell,
    ImportMapping,
    InvalidMappingError,
    UnknownFieldError,
    UnmappedStageError,
    check_stages,
    closest,
    to_bool,
    to_date,
    to_probability_text,
    unmapped_stages,
)

SH = ZoneInfo("Asia/Shanghai")
HEAD = "id,name,account,owner,stage,created,expected_close,amount,currency"


def _csv(*rows: str, head: str = HEAD) -> io.StringIO:
    return io.StringIO("\n".join((head, *rows)) + "\n")


class TestImportMapping:
    def test_unknown_field_names_the_closest_and_the_fields(self):
        """A column mapped to no field is refused when the mapping is built."""
        with pytest.raises(UnknownFieldError) as info:
            ImportMapping(columns={"Close Date": "close_date"})
        err = info.value
        assert isinstance(err, ValueError)
        assert err.closest == "closed_on"
        assert err.known == FIELDS
        assert "expected_close" in str(err)
        with pytest.raises(UnknownFieldError):
            ImportMapping(defaults={"colour": "red"})

    def test_read_csv_refuses_an_unknown_field(self):
        """read_csv(columns=...) raises the typed error before reading anything."""
        with pytest.raises(UnknownFieldError, match="'Stage' is mapped to 'stag'"):
            read_csv(_csv(), columns={"Stage": "stag"})

    def test_bad_options(self):
        """Entries that are not text, an unknown scale or a tz that is no tzinfo are refused."""
        with pytest.raises(InvalidMappingError):
            ImportMapping(columns={"a": 1})  # type: ignore[dict-item]
        with pytest.raises(InvalidMappingError):
            ImportMapping(probability_scale="tenths")  # type: ignore[arg-type]
        with pytest.raises(InvalidMappingError):
            ImportMapping(tz="UTC")  # type: ignore[arg-type]

    def test_field_names_and_history_fields(self):
        """field_names maps headers, aliases and leaves unknown ones as written."""
        m = ImportMapping(columns={"Deal": "id"})
        assert m.field_names(["Deal", " 项目名称 ", "Whatever", "status"]) == [
            "id",
            "name",
            "Whatever",
            "status",
        ]
        h = ImportMapping(known=HISTORY_FIELDS)
        assert h.field_names(["deal_id", "date", "stage"]) == ["opportunity_id", "on", "stage"]
        assert not h.is_plain or h.known == HISTORY_FIELDS
        assert ImportMapping().is_plain

    def test_evolve_merges(self):
        """evolve merges columns, stages and defaults and replaces the rest."""
        m = ImportMapping(columns={"a": "id"}).evolve(columns={"b": "name"}, tz=timezone.utc)
        assert dict(m.columns) == {"a": "id", "b": "name"}
        assert m.tz is timezone.utc


class TestValues:
    @pytest.mark.parametrize(
        ("text", "tz", "expected"),
        [
            ("2026-01-05", None, date(2026, 1, 5)),
            ("2026-01-05 10:22:31", SH, date(2026, 1, 5)),
            ("2026-01-05T20:22:31.000+0000", SH, date(2026, 1, 6)),
            ("2026-01-05T20:22:31Z", SH, date(2026, 1, 6)),
            ("2026-01-05T20:22+08", ZoneInfo("UTC"), date(2026, 1, 5)),
            ("2026-01-05T03:00:00+05:30", ZoneInfo("UTC"), date(2026, 1, 4)),
        ],
    )
    def test_dates_and_date_times(self, text, tz, expected):
        """Dates pass; date-times are converted to tz (naive ones are wall time)."""
        assert to_date(text, tz) == expected

    @pytest.mark.parametrize(
        ("text", "tz", "why"),
        [
            ("2026-02-30", None, "not a calendar date"),
            ("05/01/2026", None, "is not a date"),
            ("2026-01-05 10:00", None, "no time zone"),
            ("2026-01-05T10:00Z", None, "aware date-time"),
            ("2026-01-05T25:00", SH, "not a valid date-time"),
            ("9999-12-31T23:00:00-05:00", ZoneInfo("UTC"), "outside the dates Python holds"),
            ("0001-01-01T01:00:00+05:00", ZoneInfo("UTC"), "outside the dates Python holds"),
        ],
    )
    def test_bad_dates(self, text, tz, why):
        """A bad date, or a date-time without tz=, says why and the fix."""
        with pytest.raises(BadCell, match=why) as info:
            to_date(text, tz)
        assert info.value.fix

    def test_percentages(self):
        """Percent scale reads 60, 60.0 and 60%; above 100 is a problem."""
        assert [to_probability_text(t, "percent") for t in ("60", "60.0", "60%", "")] == [
            "0.6",
            "0.6",
            "0.6",
            "",
        ]
        for bad in ("150", "-1", "x", "NaN", "٦٠"):
            with pytest.raises(BadCell):
                to_probability_text(bad, "percent")
        with pytest.raises(BadCell, match="read as shares") as info:
            to_probability_text("60", "fraction")
        assert "probability_scale='percent'" in info.value.fix
        assert to_probability_text("60%", "fraction") == "60%"

    def test_booleans(self):
        """Export booleans: true/false, 1/0, yes/no; anything else is a problem."""
        assert [to_bool(t) for t in ("TRUE", "1", "yes", "False", "0", "")] == [
            True, True, True, False, False, False,
        ]  # fmt: skip
        with pytest.raises(BadCell):
            to_bool("maybe")

    def test_closest(self):
        """closest ranks by similarity and a shared stem."""
        assert closest("negotation", DEFAULT_FUNNEL.keys())[0] == "negotiation"
        assert closest("zzz", ["abc"]) == ()


class TestReadMapped:
    def test_percent_above_100_names_row_and_column(self):
        """A percentage above 100 is a problem of its row and column."""
        with pytest.raises(DataFileError) as info:
            read_csv(
                _csv("D1,n,a,o,intent,2026-01-05,2026-06-30,10,USD,150", head=HEAD + ",Prob"),
                columns={"Prob": "probability"},
                probability_scale="percent",
            )
        (p,) = info.value.problems
        assert (p.row, p.column, p.value) == (2, "Prob", "150")
        assert "0 to 100" in p.why

    def test_defaults_and_missing_required_column_fix(self):
        """A default fills a missing column; a column still missing names both fixes."""
        (deal,) = read_csv(
            _csv("D1,n,a,o,intent,2026-01-05,2026-06-30,10", head=HEAD.rsplit(",", 1)[0]),
            defaults={"currency": "usd"},
        )
        assert deal.currency == "USD"
        with pytest.raises(DataFileError) as info:
            read_csv(
                _csv(
                    "D1,n,a,intent,2026-01-05,2026-06-30",
                    head="id,name,account,stage,created,expected_close",
                ),
                columns={"Foo": "owner"},
            )
        fixes = " ".join(p.fix for p in info.value.problems)
        assert "--default owner=" in fixes
        assert "--map '<header>=amount'" in fixes

    def test_status_column(self):
        """A status column makes won and lost deals; a bad status is reported."""
        head = HEAD + ",closed_on,Status,Why"
        rows = (
            "D1,n,a,o,intent,2026-01-05,2026-06-30,10,USD,2026-02-01,won,",
            "D2,n,a,o,intent,2026-01-05,2026-06-30,10,USD,2026-02-01,lost,price",
            "D3,n,a,o,intent,2026-01-05,2026-06-30,10,USD,2026-02-01,open,price",
        )
        deals = read_csv(_csv(*rows, head=head), columns={"Status": "status", "Why": "lost_reason"})
        assert [d.stage for d in deals] == ["closed", "lost", "intent"]
        assert deals[1].lost_reason == "price" and deals[2].closed_on is None
        with pytest.raises(DataFileError, match="is not a status"):
            read_csv(
                _csv(rows[0].replace(",won,", ",maybe,"), head=head),
                columns={"Status": "status", "Why": "lost_reason"},
            )

    def test_active_and_closed_won_booleans(self):
        """active=false is lost; is_closed/is_won decide; bad booleans are reported."""
        head = HEAD + ",closed_on,A,C,W"
        cols = {"A": "active", "C": "is_closed", "W": "is_won"}
        deals = read_csv(
            _csv(
                "D1,n,a,o,intent,2026-01-05,2026-06-30,10,USD,2026-02-01,false,,",
                "D2,n,a,o,intent,2026-01-05,2026-06-30,10,USD,2026-02-01,,true,true",
                "D3,n,a,o,intent,2026-01-05,2026-06-30,10,USD,2026-02-01,,true,false",
                "D4,n,a,o,intent,2026-01-05,2026-06-30,10,USD,,,false,false",
                head=head,
            ),
            columns=cols,
        )
        assert [d.stage for d in deals] == ["lost", "closed", "lost", "intent"]
        only_won = read_csv(
            _csv("D1,n,a,o,intent,2026-01-05,2026-06-30,10,USD,,", head=HEAD + ",closed_on,W"),
            columns={"W": "is_won"},
        )
        assert only_won[0].stage == "intent"
        with pytest.raises(DataFileError, match="is not true or false"):
            read_csv(
                _csv("D1,n,a,o,intent,2026-01-05,2026-06-30,10,USD,,,x,", head=head), columns=cols
            )

    def test_won_into_a_funnel_without_won_stage(self):
        """A won deal for a funnel with no won stage is a problem."""
        funnel = Funnel.from_stage_names(["intent", "x"], lost="lost")
        with pytest.raises(DataFileError, match="no won stage"):
            read_csv(
                _csv(
                    "D1,n,a,o,intent,2026-01-05,2026-06-30,10,USD,2026-02-01,won",
                    head=HEAD + ",closed_on,S",
                ),
                columns={"S": "status"},
                funnel=funnel,
            )

    def test_bad_won_time_is_reported_once(self):
        """A won time that cannot be read is one problem, not three."""
        head = HEAD.replace(",expected_close", "") + ",S,WonAt"
        with pytest.raises(DataFileError) as info:
            read_csv(
                _csv("D1,n,a,o,intent,2026-01-05,10,USD,won,2026-02-01 10:00", head=head),
                columns={"S": "status", "WonAt": "won_on"},
                defaults={"expected_close": ""},
            )
        assert [p.column for p in info.value.problems] == ["WonAt"]

    def test_unmapped_stages_all_at_once_and_others_still_reported(self):
        """Unmapped stage names are one problem; other rows' problems are still listed."""
        rows = (
            "D1,n,a,o,Prop,2026-01-05,2026-06-30,10,USD",
            "D2,n,a,o,Prop,2026-01-05,2026-06-30,10,USD",
            "D3,n,a,o,Nego,2026-01-05,2026-06-30,10,USD",
            "D4,n,a,o,intent,2026-01-05,2026-06-30,-1,USD",
        )
        with pytest.raises(DataFileError) as info:
            read_csv(_csv(*rows), defaults={"notes": "x"})
        first, second = info.value.problems
        assert "2 stage names have no mapping: 'Prop' (2 rows" in first.why
        assert second.row == 5

    def test_events_and_history_together_are_a_problem(self):
        """Only one kind of history source may be given."""
        ev = io.StringIO(
            "opportunity_id,kind,on,from_stage,to_stage\nD1,create,2026-01-05,,intent\n"
        )
        hist = io.StringIO("deal_id,stage,date\nD1,intent,2026-01-05\n")
        with pytest.raises(DataFileError, match="both an events file and a stage history"):
            read_csv(_csv("D1,n,a,o,intent,2026-01-05,2026-06-30,10,USD"), events=ev, history=hist)

    def test_events_file_with_a_mapping(self):
        """An events file works with a mapping; its problems are reported too."""
        ev = io.StringIO(
            "opportunity_id,kind,on,from_stage,to_stage\n"
            "D1,create,2026-01-05,,intent\nD9,create,2026-01-05,,intent\nD2,create,bad,,intent\n"
        )
        result = read_csv(
            _csv(
                "D1,n,a,o,intent,2026-01-05,2026-06-30,10,USD",
                "D2,n,a,o,intent,2026-01-05,2026-06-30,10,USD",
            ),
            events=ev,
            defaults={"notes": "x"},
            lenient=True,
        )
        assert [d.id for d in result] == ["D1"]
        assert {p.opportunity_id for p in result.problems} == {"D9", "D2"}

    def test_unknown_columns_reported_unless_ignored(self):
        """A custom mapping reports columns it does not know, as the plain reader does."""
        with pytest.raises(DataFileError, match="unknown column"):
            read_csv(
                _csv("D1,n,a,o,intent,2026-01-05,2026-06-30,10,USD,x", head=HEAD + ",Extra"),
                defaults={"notes": "-"},
            )
        (deal,) = read_csv(
            _csv("D1,n,a,o,intent,2026-01-05,2026-06-30,10,USD,x", head=HEAD + ",Extra"),
            mapping=ImportMapping(unknown_columns="ignore"),
        )
        assert deal.id == "D1"


class TestUnmappedStages:
    def test_check_stages_raises_with_every_name(self):
        """check_stages lists every unmapped name with the closest keys."""
        with pytest.raises(UnmappedStageError) as info:
            check_stages(["Prop", "Nego", "", "intent"], DEFAULT_FUNNEL)
        assert [s.name for s in info.value.stages] == ["Prop", "Nego"]
        assert isinstance(info.value, LookupError)
        assert "--stage-map" in str(info.value)
        check_stages(["intent"], DEFAULT_FUNNEL)

    def test_mapped_won_lost_and_labels_are_known(self):
        """Mapped names, won/lost values and labels are not reported."""
        m = ImportMapping(stages={"P": "intent"}, won_stages={"W"}, lost_stages={"L"})
        label = DEFAULT_FUNNEL["intent"].text.zh
        assert unmapped_stages(["P", "W", "L", label, "Q"], DEFAULT_FUNNEL, m)[0].name == "Q"
        one = unmapped_stages(["zzzzzz"], DEFAULT_FUNNEL)[0]
        assert str(one) == "'zzzzzz' (1 row)"


class TestCanonicalRows:
    """canonical_rows converts each distinct date and probability text once, with canonical's result."""

    DATES = (
        "2026-01-05",
        "2026-01-05T20:22:31.000+0000",
        "05/01/2026",
        "",
        "not a date",
        "2026-02-30",
    )
    SHARES = ("60", "60.0%", "", "x", "150", "0.5")

    def test_a_failed_text_is_kept_without_its_frames(self):
        """A cached problem keeps no traceback, so the read's frames are not kept with it."""
        mapping = ImportMapping(tz=SH)
        rows = [{"created": "2026-02-30"}] * 2
        first, second = mapping.canonical_rows(rows, DEFAULT_FUNNEL)
        assert first.problems == second.problems
        assert "not a calendar date" in first.problems[0][2]

        def refuse() -> str:
            raise BadCell("is no date", "write one")

        seen: dict = {}
        found = mapping_module._converted(seen, ("date", "x"), refuse)
        assert isinstance(found, BadCell)
        assert found.__traceback__ is None
        assert mapping_module._converted(seen, ("date", "x"), refuse) is found

    @given(
        rows=st.lists(
            st.fixed_dictionaries(
                {
                    "id": st.sampled_from(["D1", "D2", ""]),
                    "stage": st.sampled_from(["Proposition", "intent", "Closed Won", ""]),
                    "created": st.sampled_from(DATES),
                    "expected_close": st.sampled_from(DATES),
                    "probability": st.sampled_from(SHARES),
                }
            ),
            max_size=12,
        ),
        limit=st.sampled_from([1, 2, 50_000]),
    )
    @settings(max_examples=settings.default.max_examples, deadline=None)
    def test_equal_to_canonical_row_by_row(self, rows, limit):
        """Every row converts as canonical converts it alone, also when the table of texts fills up."""
        mapping = ImportMapping(
            stages={"Proposition": "recognition"},
            tz=ZoneInfo("Asia/Shanghai"),
            probability_scale="percent",
            won_stages=frozenset({"Closed Won"}),
        )
        alone = [mapping.canonical(row, DEFAULT_FUNNEL) for row in rows]
        before, mapping_module._SEEN_LIMIT = mapping_module._SEEN_LIMIT, limit
        try:
            assert mapping.canonical_rows(rows, DEFAULT_FUNNEL) == alone
        finally:
            mapping_module._SEEN_LIMIT = before
