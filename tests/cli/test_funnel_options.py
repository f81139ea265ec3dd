"""The funnel options of every reading command: an export's own stages on the command line."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from salesfunnel import Funnel, Opportunity, forecast
from salesfunnel.analytics.conversion import conversion, funnel_summary, snapshots
from salesfunnel.cli import main
from salesfunnel.cli.common import funnel_problems
from salesfunnel.funnel import DEFAULT_FUNNEL
from salesfunnel.funnel.stages import StageKind
from salesfunnel.io import dumps, loads, read_csv, to_dict, write_csv, write_json
from salesfunnel.pipeline.weighted import outcome_distribution
from tests import factories

NAMES = ["Prospecting", "Engaging", "Won", "Lost"]
FUNNEL = factories.funnel_of_names(*NAMES)
STAGES = ["--stages", ",".join(NAMES), "--won", "Won", "--lost", "Lost"]
CUTOFF = date(2026, 7, 31)
COMMANDS = ("forecast", "report", "validate", "abc")


def _deal(n: int, stage: str, amount: str, account: str, closed: date | None = None) -> Opportunity:
    return factories.deal(
        id=f"D{n}",
        name=f"Deal {n}",
        account=account,
        owner="Ann" if n % 2 else "Bo",
        stage=stage,
        created=date(2026, 1, 5 + n),
        expected_close=closed or date(2026, 8, 30 + n % 2),
        amount=amount,
        currency="USD",
        closed_on=closed,
        lost_reason="price" if stage == "Lost" else None,
    )


#: Three open deals, two won (one before, one inside the cutoff's quarter) and
#: one lost; the closed ones have no history, so they were open in the
#: reserved stage until they closed.
DEALS = tuple(
    FUNNEL.check(d)
    for d in (
        _deal(1, "Prospecting", "10000", "Acme"),
        _deal(2, "Engaging", "20000", "Acme"),
        _deal(3, "Engaging", "5000", "Globex"),
        _deal(4, "Won", "30000", "Acme", date(2026, 5, 20)),
        _deal(5, "Won", "12000", "Globex", date(2026, 7, 10)),
        _deal(6, "Lost", "8000", "Initech", date(2026, 6, 1)),
    )
)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The deals as CSV and JSON, the funnel document, and files that are no funnel."""
    root = tmp_path_factory.mktemp("funnel")
    write_csv(DEALS, root / "deals.csv")
    write_json(DEALS, root / "deals.json")
    (root / "funnel.json").write_text(dumps(FUNNEL), encoding="utf-8")
    (root / "broken.json").write_text("{not json", encoding="utf-8")
    doc = json.loads(dumps(FUNNEL))
    doc["funnel"]["stages"][0]["probability"] = "x"
    doc["funnel"]["stages"][1]["kind"] = "nope"
    (root / "two-problems.json").write_text(json.dumps(doc), encoding="utf-8")
    with (root / "huge.json").open("wb") as handle:
        handle.truncate(1_000_001)
    (root / "folder.json").mkdir()
    return root


def _run(capsys, *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _funnel_args(files, how: str) -> list[str]:
    return STAGES if how == "stages" else ["--funnel", str(files / "funnel.json")]


HOW = pytest.mark.parametrize("how", ["stages", "funnel"])


class TestFunnelFromArgs:
    @pytest.mark.parametrize("command", COMMANDS)
    def test_the_default_funnel_rejects_the_export_stages(self, files, capsys, command):
        """Without the funnel options the export's stages are unknown: exit 1, naming the stage."""
        code, out, err = _run(capsys, command, files / "deals.csv", "--cutoff", CUTOFF)
        assert code == 1
        assert "Prospecting" in (out if command == "validate" else err)

    @pytest.mark.parametrize("command", [*COMMANDS, "import"])
    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            (["--won", "Won"], "--won and --lost go with --stages"),
            (["--lost", "Lost"], "--won and --lost go with --stages"),
            (["--stages", "Prospecting,Won", "--won", "Won"], "--stages needs --lost"),
            (["--stages", "A,A", "--lost", "L"], "name each open stage once"),
            (["--stages", "Won", "--won", "Won", "--lost", "L"], "name each open stage once"),
            (["--funnel", "{funnel}", "--stages", "A,B"], "use one of them"),
            (["--funnel", "{funnel}", "--lost", "L"], "use one of them"),
            (["--funnel", "{deals}"], "is not a document of Funnel"),
            (["--funnel", "{missing}"], "no such file; give a salesfunnel/funnel"),
            (["--funnel", "{folder}"], "is a directory, not a file"),
            (["--funnel", "{broken}"], "the JSON text is malformed"),
            (["--funnel", "{huge}"], "at most 1 MB"),
            (["--funnel", "{two}"], "and 1 more"),
        ],
    )
    def test_usage_errors(self, files, capsys, command, extra, message):
        """Each wrong combination exits 2 with one line that names the fix."""
        paths = {
            "funnel": files / "funnel.json",
            "deals": files / "deals.json",
            "missing": files / "missing.json",
            "folder": files / "folder.json",
            "broken": files / "broken.json",
            "huge": files / "huge.json",
            "two": files / "two-problems.json",
        }
        given = [a.format(**paths) for a in extra]
        tail = ["-o", files / "never.csv"] if command == "import" else []
        code, out, err = _run(capsys, command, files / "deals.csv", *given, *tail)
        assert code == 2
        assert out == ""
        assert message in err
        assert err.count("\n") == 1
        assert err.startswith(f"salesfunnel {command}: ")
        if "--funnel" in given and "use one of them" not in err:
            assert "salesfunnel.io.dumps(funnel)" in err
        assert not (files / "never.csv").exists()

    def test_funnel_document_round_trip(self, files):
        """The funnel document the tests use reads back as the same funnel."""
        assert loads((files / "funnel.json").read_text(encoding="utf-8"), Funnel) == FUNNEL


class TestForecast:
    @HOW
    def test_json_is_the_forecast_of_the_funnel(self, files, capsys, how):
        """The forecast document equals forecast(..., funnel=) computed here."""
        code, out, _ = _run(
            capsys,
            "forecast",
            files / "deals.csv",
            "--cutoff",
            CUTOFF,
            "--format",
            "json",
            *_funnel_args(files, how),
        )
        assert code == 0
        doc = json.loads(out)
        expected = forecast(DEALS, cutoff=CUTOFF, funnel=FUNNEL)
        assert doc == to_dict(expected)
        total = doc["forecast"]["total"]["total"]
        assert Decimal(total["amount"]) == expected.total.total.amount > 0

    def test_json_file_with_the_funnel_file(self, files, capsys):
        """A JSON document of the export's deals forecasts with --funnel too."""
        args = ["forecast", files / "deals.json", "--cutoff", CUTOFF, "--format", "json"]
        code, out, _ = _run(capsys, *args, "--funnel", files / "funnel.json")
        assert code == 0
        assert json.loads(out) == to_dict(forecast(DEALS, cutoff=CUTOFF, funnel=FUNNEL))

    def test_json_file_in_the_default_funnel_lists_every_unknown_stage(self, files, capsys):
        """Without the funnel, a JSON document's deals are checked: every one is a problem."""
        code, _, err = _run(capsys, "forecast", files / "deals.json", "--cutoff", CUTOFF)
        assert code == 1
        assert "6 problems" in err
        assert "opportunity 'D1' is in unknown stage 'Prospecting'" in err
        assert "--stages or --funnel" in err

    def test_text_sheets_by_owner(self, files, capsys):
        """The text sheets show the owners' rows."""
        code, out, _ = _run(
            capsys, "forecast", files / "deals.csv", "--cutoff", CUTOFF, "--by", "owner", *STAGES
        )
        assert code == 0
        assert "Forecast by category" in out
        assert "Ann" in out
        assert "Bo" in out


class TestReport:
    @HOW
    def test_json_figures_follow_the_funnel(self, files, capsys, how):
        """Pipeline, figures and conversion are those of the funnel's stages."""
        code, out, _ = _run(
            capsys,
            "report",
            files / "deals.csv",
            "--cutoff",
            CUTOFF,
            "--format",
            "json",
            *_funnel_args(files, how),
        )
        assert code == 0
        doc = json.loads(out)
        open_now = [
            o for o in snapshots(DEALS, FUNNEL, as_of=CUTOFF) if FUNNEL.kind_of(o) is StageKind.OPEN
        ]
        (line,) = doc["pipeline"]
        assert line["open_deals"] == 3
        assert Decimal(line["weighted"]) == outcome_distribution(open_now, FUNNEL).mean
        summary = funnel_summary(DEALS, FUNNEL, as_of=CUTOFF)
        figures = doc["figures"]
        assert (figures["won"], figures["lost"], figures["open"]) == (2, 1, 3)
        assert figures["win_rate"] == summary.win_rate
        assert figures["cycle_days"]["mean"] == summary.cycle.mean
        table = conversion(DEALS, FUNNEL, as_of=CUTOFF)
        assert [s["stage"] for s in doc["conversion"]] == ["Prospecting", "Engaging", "Won"]
        assert [s["reached"] for s in doc["conversion"]] == [s.reached for s in table.stages]

    def test_text_shows_the_funnel_stages(self, files, capsys):
        """The conversion table lists the export's stages."""
        code, out, _ = _run(capsys, "report", files / "deals.csv", "--cutoff", CUTOFF, *STAGES)
        assert code == 0
        assert "Prospecting" in out
        assert "Engaging" in out


class TestValidate:
    @HOW
    @pytest.mark.parametrize("name", ["deals.csv", "deals.json"])
    def test_clean_with_the_funnel(self, files, capsys, how, name):
        """The export's file is clean when read with its funnel."""
        code, out, _ = _run(
            capsys, "validate", files / name, "--format", "json", *_funnel_args(files, how)
        )
        assert code == 0
        doc = json.loads(out)
        assert (doc["records"], doc["problems"]) == (6, [])

    def test_json_document_in_the_default_funnel(self, files, capsys):
        """A JSON document is checked against the funnel: each deal in an unknown stage is a problem."""
        code, out, _ = _run(capsys, "validate", files / "deals.json", "--format", "json")
        assert code == 1
        doc = json.loads(out)
        assert doc["records"] == 0
        assert [p["value"] for p in doc["problems"]] == [d.stage for d in DEALS]
        assert {p["column"] for p in doc["problems"]} == {"stage"}

    def test_csv_in_the_default_funnel_names_the_stages(self, files, capsys):
        """A CSV file is checked as it is read: its stages are problems."""
        code, out, _ = _run(capsys, "validate", files / "deals.csv")
        assert code == 1
        assert "Prospecting" in out


class TestAbc:
    @HOW
    def test_won_deals_of_the_funnel(self, files, capsys, how):
        """The accounts are classed by the deals won in the funnel's won stage."""
        code, out, _ = _run(
            capsys,
            "abc",
            files / "deals.csv",
            "--cutoff",
            CUTOFF,
            "--format",
            "json",
            *_funnel_args(files, how),
        )
        assert code == 0
        doc = json.loads(out)
        figures = {a["account"]: a["figures"]["revenue"] for a in doc["accounts"]}
        assert figures == {"Acme": "30000.00", "Globex": "12000.00"}

    def test_text(self, files, capsys):
        """The text tables list the accounts."""
        code, out, _ = _run(capsys, "abc", files / "deals.csv", "--cutoff", CUTOFF, *STAGES)
        assert code == 0
        assert "Acme" in out


class TestImport:
    @HOW
    def test_import_keeps_the_funnel_stages(self, files, capsys, how, tmp_path):
        """import reads and writes the export's stages with either option."""
        out = tmp_path / "imported.csv"
        code, _, err = _run(
            capsys, "import", files / "deals.csv", "-o", out, *_funnel_args(files, how)
        )
        assert code == 0
        assert "imported 6 opportunities" in err
        assert read_csv(out, funnel=FUNNEL) == DEALS


class TestFunnelProblems:
    def test_a_closed_stage_without_close_date(self):
        """A deal in the won stage without closed_on is a problem of its closed_on field."""
        deal = Opportunity(
            id="X",
            name="x",
            account="a",
            owner="o",
            stage="Won",
            created=date(2026, 1, 1),
            expected_close=date(2026, 2, 1),
            amount="1",
            currency="USD",
        )
        (problem,) = funnel_problems([deal], FUNNEL, "deals.json")
        assert (problem.column, problem.value, problem.opportunity_id) == ("closed_on", "Won", "X")
        assert "give the date it closed" in problem.why

    def test_the_default_funnel_accepts_its_own_deals(self):
        """Deals in the default funnel's stages give no problem."""
        deal = Opportunity(
            id="Y",
            name="y",
            account="a",
            owner="o",
            stage="potential",
            created=date(2026, 1, 1),
            expected_close=date(2026, 2, 1),
            amount="1",
            currency="USD",
        )
        assert funnel_problems([deal], DEFAULT_FUNNEL, "deals.json") == []
