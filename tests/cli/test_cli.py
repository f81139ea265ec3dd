"""Tests for the ``salesfunnel`` command, ``salesfunnel demo`` and the shared CLI helpers.

Also holds :func:`conforms` and the documented structure of every command's
JSON output (docs/cli.md), which the tests of each subcommand check.
"""

from __future__ import annotations

import io
import json
import re
import time
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest

from salesfunnel.cli import common, main
from salesfunnel.cli.common import Options, Progress, UsageError, guard, read_deals, working
from salesfunnel.datasets import sample_pipeline
from salesfunnel.io import write_csv

# -- the documented JSON structures ---------------------------------------------------------

#: A decimal string: exact money, probabilities and shares ("120000.50", "-3", "0.6").
DEC = "decimal"
#: An ISO 8601 date string.
DATE = "date"


class Opt:
    """A value that may also be ``null``."""

    def __init__(self, spec: object) -> None:
        self.spec = spec


class OneOf:
    """One of a few literal values."""

    def __init__(self, *values: object) -> None:
        self.values = values


class Either:
    """A value matching one of several specs."""

    def __init__(self, *specs: object) -> None:
        self.specs = specs


class MapOf:
    """An object whose keys are any strings and whose values match ``spec``."""

    def __init__(self, spec: object) -> None:
        self.spec = spec


_DECIMAL = re.compile(r"-?\d+(\.\d+)?")


def conforms(value: object, spec: object, path: str = "$") -> list[str]:
    """Return where ``value`` departs from ``spec`` (empty: it conforms).

    A spec is a type (``str``, ``int``, ``float``, ``bool``; ``int`` is never
    a bool and ``float`` is a JSON number with a fraction or exponent),
    :data:`DEC`, :data:`DATE`, :class:`Opt`, :class:`OneOf`, :class:`Either`,
    :class:`MapOf`, a one-item list (every item matches it) or a dict (exactly
    these keys).
    """
    errors: list[str] = []
    if isinstance(spec, Opt):
        return [] if value is None else conforms(value, spec.spec, path)
    if isinstance(spec, OneOf):
        return [] if value in spec.values and value is not True else [f"{path}: {value!r}"]
    if isinstance(spec, Either):
        found = [conforms(value, s, path) for s in spec.specs]
        return [] if any(not f for f in found) else found[0]
    if spec == DEC:
        if not (isinstance(value, str) and _DECIMAL.fullmatch(value)):
            return [f"{path}: {value!r} is not a decimal string"]
        try:
            Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern already refuses it
            return [f"{path}: {value!r}"]
        return []
    if spec == DATE:
        try:
            date.fromisoformat(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return [f"{path}: {value!r} is not an ISO date"]
        return [] if len(value) == 10 else [f"{path}: {value!r}"]  # type: ignore[arg-type]
    if isinstance(spec, type):
        ok = isinstance(value, spec) and not (spec is int and isinstance(value, bool))
        return [] if ok else [f"{path}: {value!r} is not {spec.__name__}"]
    if isinstance(spec, MapOf):
        if not isinstance(value, dict):
            return [f"{path}: not an object"]
        for k, v in value.items():
            errors += conforms(k, str, f"{path}.{k}") + conforms(v, spec.spec, f"{path}.{k}")
        return errors
    if isinstance(spec, list):
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        for i, item in enumerate(value):
            errors += conforms(item, spec[0], f"{path}[{i}]")
        return errors
    assert isinstance(spec, dict)
    if not isinstance(value, dict):
        return [f"{path}: not an object"]
    if set(value) != set(spec):
        return [f"{path}: keys {sorted(value)} are not {sorted(spec)}"]
    for key, sub in spec.items():
        errors += conforms(value[key], sub, f"{path}.{key}")
    return errors


def check(doc: object, spec: object) -> None:
    """Assert that ``doc`` has exactly the documented structure ``spec``."""
    errors = conforms(doc, spec)
    assert not errors, errors[:5]


BUCKETS = ("closed", "overdue", "0-3m", "3-6m", "6-9m", "9-12m", "12m+", "lost")
CATEGORIES = (
    "booked",
    "commit",
    "upside_this_quarter",
    "upside_next_quarter",
    "pipeline",
    "omitted",
)
KAM_STAGES = OneOf("pre_kam", "early", "mid", "partnership", "synergistic", "uncoupling")
METHODS = OneOf("exact", "lattice", "grid", "normal")
MOVEMENTS = OneOf(
    "new",
    "pulled_in",
    "pushed_out",
    "amount_up",
    "amount_down",
    "won",
    "lost",
    "reopened",
    "removed",
)

FIGURES = {"count": int, "amount": DEC, "weighted": DEC}
FORECAST_ROW = {
    "group": [str],
    "cells": [
        {
            "bucket": OneOf(*BUCKETS),
            "category": OneOf(*CATEGORIES),
            "count": int,
            "amount": DEC,
            "weighted": DEC,
        }
    ],
    "buckets": dict.fromkeys(BUCKETS, FIGURES),
    "categories": dict.fromkeys(CATEGORIES, FIGURES),
    "total": FIGURES,
}
CALENDAR = {"start_month": int, "named_by": OneOf("start", "end")}
FORECAST = {
    "cutoff": DATE,
    "calendar": CALENDAR,
    "quarter": {"calendar": CALENDAR, "fiscal_year": int, "quarter": Opt(int)},
    "period": {"calendar": CALENDAR, "fiscal_year": int, "quarter": Opt(int)},
    "currency": Opt(str),
    "by": [OneOf("owner", "product")],
    "rows": [FORECAST_ROW],
    "total": FORECAST_ROW,
    "not_yet_created": [str],
}
#: ``salesfunnel forecast --format json``.
FORECAST_DOC = {"schema": OneOf("salesfunnel/forecast"), "version": OneOf(1), "forecast": FORECAST}

PIPELINE = [
    {
        "currency": str,
        "open_deals": int,
        "weighted": DEC,
        "p10": DEC,
        "p50": DEC,
        "p90": DEC,
        "at_least_90": DEC,
        "method": METHODS,
        "prob_at_least_target": Opt(float),
    }
]
FUNNEL_FIGURES = {
    "deals": int,
    "open": int,
    "won": int,
    "lost": int,
    "win_rate": Opt(float),
    "lost_share": Opt(float),
    "cycle_days": {"count": int, "mean": Opt(float), "median": Opt(float)},
}
#: ``salesfunnel report --format json``.
REPORT_DOC = {
    "schema": OneOf("salesfunnel/report"),
    "version": OneOf(1),
    "cutoff": DATE,
    "currency": Opt(str),
    "rates": MapOf(DEC),
    "target": Opt(DEC),
    "pipeline": PIPELINE,
    "figures": FUNNEL_FIGURES,
    "conversion": [
        {
            "stage": str,
            "reached": int,
            "advanced": int,
            "lost": int,
            "open": int,
            "won": int,
            "conversion": Opt(float),
        }
    ],
}

_POINT = {"count": int, "customers": float, "value": float}
ABC = {
    "method": OneOf("fixed", "computed"),
    "criteria": [OneOf("revenue", "profit", "volume")],
    "accounts": [
        {
            "account": str,
            "code": str,
            "classes": MapOf(Opt(str)),
            "figures": MapOf(Opt(Either(DEC, int))),
            "ranks": MapOf(Opt(int)),
            "shares": MapOf(Opt(DEC)),
        }
    ],
    "classes": MapOf(
        [
            {
                "class": str,
                "accounts": int,
                "account_share": DEC,
                "value": Either(DEC, int),
                "value_share": DEC,
            }
        ]
    ),
    "limits": MapOf(
        Opt({"pareto": _POINT, "break_even": _POINT, "submarginal": _POINT, "swapped": bool})
    ),
}
#: ``salesfunnel abc --format json``.
ABC_DOC = {
    "schema": OneOf("salesfunnel/abc-report"),
    "version": OneOf(1),
    "cutoff": DATE,
    "currency": Opt(str),
    **ABC,
}

_KEYED = [{"key": str, "label": str}]
KAM = {
    "as_of": DATE,
    "stages": [{"stage": KAM_STAGES, "accounts": int, "playbook_activities": int}],
    "accounts": [
        {
            "id": str,
            "name": str,
            "manager": str,
            "stage": KAM_STAGES,
            "stage_since": DATE,
            "days_in_stage": Opt(int),
            "evidence": KAM_STAGES,
            "ceiling": KAM_STAGES,
            "fit": OneOf("matches", "ahead", "behind", "diverges"),
            "target": Opt(KAM_STAGES),
            "ready": bool,
            "needs": _KEYED,
            "gaps": _KEYED,
            "signals_for": [str],
            "signals_against": [str],
            "signals_missing": [str],
        }
    ],
}
#: ``salesfunnel kam --format json``.
KAM_DOC = {"schema": OneOf("salesfunnel/kam-report"), "version": OneOf(1), **KAM}

#: ``salesfunnel validate --format json``.
VALIDATION_DOC = {
    "schema": OneOf("salesfunnel/validation"),
    "version": OneOf(1),
    "file": str,
    "events": Opt(str),
    "records": int,
    "problems": [
        {
            "file": str,
            "row": Opt(int),
            "column": Opt(str),
            "value": Opt(str),
            "why": str,
            "fix": str,
            "opportunity_id": Opt(str),
        }
    ],
}

#: ``salesfunnel demo --format json``.
DEMO_DOC = {
    "schema": OneOf("salesfunnel/demo"),
    "version": OneOf(1),
    "as_of": DATE,
    "currency": str,
    "deals": int,
    "funnel": {
        "currencies": [str],
        "stages": [
            {
                "key": str,
                "label": str,
                "kind": OneOf("open", "won", "lost"),
                "probability": DEC,
                "deals": int,
                "amounts": MapOf(DEC),
                "reached": Opt(int),
                "advanced": Opt(int),
                "conversion": Opt(float),
            }
        ],
    },
    "forecast": FORECAST,
    "changes": {
        "start": DATE,
        "end": DATE,
        "currency": Opt(str),
        "opening": DEC,
        "steps": [{"movement": MOVEMENTS, "deals": int, "amount": DEC}],
        "closing": DEC,
    },
    "pipeline": PIPELINE,
    "figures": FUNNEL_FIGURES,
    "abc": ABC,
    "key_accounts": KAM,
}


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    """Run the command with ``--format json``; return its exit code and parsed output."""
    code = main([*args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


# -- tests ---------------------------------------------------------------------------------


class TestConforms:
    def test_accepts_and_refuses(self):
        """The checker accepts documented values and names every departure."""
        spec = {"a": DEC, "b": Opt(DATE), "c": [int], "d": MapOf(OneOf("x")), "e": float}
        good = {"a": "-1.50", "b": None, "c": [1, 2], "d": {"k": "x"}, "e": 0.5}
        assert conforms(good, spec) == []
        bad = {"a": 1.5, "b": "2026-1-1", "c": [True], "d": {"k": "y"}, "e": 1}
        assert len(conforms(bad, spec)) == 5
        assert conforms({"a": "1"}, spec) != []
        assert conforms("x", [int]) != [] and conforms("x", spec) != []
        assert conforms([], MapOf(int)) != [] and conforms("1e5", DEC) != []
        assert conforms(3, DATE) != [] and conforms(True, OneOf(1)) != []
        assert conforms(2, Either(DEC, int)) == [] and conforms(2.0, Either(DEC, int)) != []


class TestCommand:
    def test_no_command_is_a_usage_error(self, capsys):
        """No command prints the help on stderr and exits 2."""
        assert main([]) == 2
        assert "demo" in capsys.readouterr().err

    def test_help_and_version_exit_0(self, capsys):
        """--help and --version succeed; the top-level help has an example."""
        assert main(["--version"]) == 0
        assert main(["--help"]) == 0
        assert "example: salesfunnel demo" in capsys.readouterr().out

    @pytest.mark.parametrize("command", ["demo", "report", "forecast", "abc", "kam", "validate"])
    def test_every_subcommand_has_help_with_an_example_and_the_common_options(
        self, command, capsys
    ):
        """Each subcommand's help has a description, the three common options and an example."""
        assert main([command, "--help"]) == 0
        out = capsys.readouterr().out
        assert f"example: salesfunnel {command}" in out
        for option in ("--format", "--lang", "--cutoff"):
            assert option in out
        description = out.split("\n\n")[1]
        assert len(description) > 60

    @pytest.mark.parametrize("command", ["report", "forecast", "abc", "kam", "validate"])
    def test_every_file_command_exits_2_for_a_missing_file(self, command, tmp_path, capsys):
        """A file that does not exist, or a directory, is a usage error (exit 2)."""
        assert main([command, str(tmp_path / "nope.csv")]) == 2
        assert "no such file" in capsys.readouterr().err
        assert main([command, str(tmp_path)]) == 2
        assert "is a directory" in capsys.readouterr().err

    @pytest.mark.parametrize("command", ["demo", "report", "forecast", "abc", "kam", "validate"])
    def test_every_subcommand_exits_2_for_bad_common_options(self, command, tmp_path, capsys):
        """A bad --format, --lang or --cutoff is a usage error (exit 2) for every subcommand."""
        file = [] if command == "demo" else [str(tmp_path / "x.csv")]
        assert main([command, *file, "--format", "xml"]) == 2
        assert main([command, *file, "--lang", "fr"]) == 2
        assert main([command, *file, "--cutoff", "31/12/2026"]) == 2
        assert "YYYY-MM-DD" in capsys.readouterr().err

    @pytest.mark.parametrize("command", ["report", "forecast", "abc", "validate"])
    def test_unknown_file_kinds_are_usage_errors(self, command, tmp_path, capsys):
        """A file whose kind cannot be told from its name is a usage error (exit 2)."""
        path = tmp_path / "deals.txt"
        path.write_text("id\n", encoding="utf-8")
        assert main([command, str(path)]) == 2
        assert "deals.txt" in capsys.readouterr().err

    @pytest.mark.parametrize("command", ["report", "forecast", "abc", "validate"])
    def test_bad_data_exits_1(self, command, tmp_path, capsys):
        """A file with data problems exits 1 and names the problem."""
        path = tmp_path / "bad.csv"
        path.write_text(
            "id,name,account,owner,stage,created,expected_close,amount,currency\n"
            "A,n,a,o,intent,2026-01-01,2026-02-01,-5,USD\n",
            encoding="utf-8",
        )
        assert main([command, str(path)]) == 1
        captured = capsys.readouterr()
        assert "is negative" in captured.err + captured.out

    def test_library_errors_exit_1(self, monkeypatch, capsys):
        """A library error during a command is reported on stderr with exit 1."""
        from salesfunnel.cli import demo
        from salesfunnel.errors import InvalidAmountError

        def boom(*_a, **_k):
            raise InvalidAmountError("bad amount", field="amount", value=-1)

        monkeypatch.setattr(demo, "sample_pipeline", boom)
        assert main(["demo"]) == 1
        assert "bad amount" in capsys.readouterr().err

    def test_os_errors_exit_1(self, monkeypatch, capsys):
        """A file-system error while working is reported with exit 1."""
        from salesfunnel.cli import demo

        def boom(*_a, **_k):
            raise PermissionError("permission denied: x.csv")

        monkeypatch.setattr(demo, "sample_pipeline", boom)
        assert main(["demo"]) == 1
        assert "x.csv" in capsys.readouterr().err


class TestDemo:
    def test_the_tour_in_order(self, capsys):
        """demo shows the funnel by stage, forecasts, pipeline range, ABC and key accounts, in order."""
        assert main(["demo"]) == 0
        out = capsys.readouterr().out
        titles = [
            "The default funnel",
            "The sample pipeline by stage, with conversion (as of 2026-09-30)",
            "Forecast by time (amount, CNY) as of 2026-09-30",
            "Forecast by category (amount, CNY) as of 2026-09-30",
            "Pipeline changes 2026-06-30 to 2026-09-30 (CNY)",
            "Open pipeline in CNY as of 2026-09-30: weighted value and range",
            "Funnel figures as of 2026-09-30",
            "ABC analysis by won revenue (CNY)",
            "ABC classes",
            "Key accounts by stage",
            "Key accounts: evidence and gaps",
        ]
        places = [out.index(t) for t in titles]
        assert places == sorted(places)
        assert "Win customer recognition" in out and "赢得客户认可" in out
        assert "165 opportunities were lost (28%)" in out
        assert "P10" in out and "P90" in out

    def test_the_tour_in_chinese(self, capsys):
        """With --lang zh every section speaks Chinese, in the same order."""
        assert main(["demo", "--lang", "zh"]) == 0
        out = capsys.readouterr().out
        titles = [
            "默认销售漏斗",
            "样本商机按阶段分布及转化率",
            "销售预测（按时间",
            "销售预测（按销售预测",
            "销售管道变化",
            "在途商机",
            "漏斗指标",
            "ABC 分析",
            "按阶段划分的大客户",
            "大客户：证据与差距",
        ]
        places = [out.index(t) for t in titles]
        assert places == sorted(places)
        assert "Sample pipeline" not in out and "Forecast by" not in out

    def test_text_is_aligned(self, capsys):
        """Every text table's rule line has one dash run per column, as wide as the column."""
        assert main(["demo"]) == 0
        blocks = capsys.readouterr().out.split("\n\n")
        for block in blocks:
            lines = block.splitlines()
            rule = next(i for i, line in enumerate(lines) if set(line) <= {"-", " "} and line)
            widths = [len(run) for run in lines[rule].split("  ")]
            assert sum(widths) + 2 * (len(widths) - 1) == len(lines[rule])

    def test_cutoff_shows_the_sample_as_it_stood(self, capsys):
        """--cutoff takes every section back to that date."""
        assert main(["demo", "--cutoff", "2026-06-30"]) == 0
        out = capsys.readouterr().out
        assert "as of 2026-06-30" in out
        assert "Pipeline changes 2026-03-31 to 2026-06-30 (CNY)" in out
        assert "as of 2026-09-30" not in out

    def test_json_matches_the_documented_structure(self, capsys):
        """demo --format json prints one document with every section, as documented."""
        code, doc = run_json(["demo"], capsys)
        assert code == 0
        check(doc, DEMO_DOC)
        assert doc["as_of"] == "2026-09-30"
        assert doc["deals"] == 600
        assert [s["key"] for s in doc["funnel"]["stages"]][-1] == "lost"
        assert doc["forecast"]["by"] == ["owner"]
        assert doc["abc"]["criteria"] == ["revenue"]
        assert len(doc["key_accounts"]["accounts"]) == 8

    def test_json_labels_follow_lang_and_keys_do_not(self, capsys):
        """In JSON, keys stay the same in every language; only labels change."""
        _, en = run_json(["demo"], capsys)
        _, zh = run_json(["demo", "--lang", "zh"], capsys)
        assert en["funnel"]["stages"][0]["label"] == "Define target customer group"
        assert zh["funnel"]["stages"][0]["label"] == "定位目标客户群"
        assert [s["key"] for s in en["funnel"]["stages"]] == [
            s["key"] for s in zh["funnel"]["stages"]
        ]
        assert en["forecast"] == zh["forecast"]

    @pytest.mark.parametrize("fmt", ["markdown", "html"])
    def test_other_formats(self, fmt, capsys):
        """Every other output format renders the demo."""
        assert main(["demo", "--format", fmt]) == 0
        assert capsys.readouterr().out.strip()

    def test_csv_is_one_table(self, capsys, tmp_path):
        """CSV is one table: a --table on stdout, or one file per table with -o."""
        assert main(["demo", "--format", "csv"]) == 2
        err = capsys.readouterr().err
        assert "--table NAME" in err
        assert "funnel, stages, forecast-time" in err
        assert main(["demo", "--format", "csv", "--table", "abc-classes"]) == 0
        assert capsys.readouterr().out.startswith("class,customers,customers %")
        assert main(["demo", "-o", str(tmp_path / "demo.csv")]) == 0
        written = sorted(p.name for p in tmp_path.iterdir())
        assert "demo-funnel.csv" in written
        assert "demo-kam-accounts.csv" in written
        assert len(written) == 11


class TestHelpers:
    @pytest.fixture(autouse=True)
    def _not_in_ci(self, monkeypatch):
        """The progress line is never shown in CI: these tests play a terminal outside it."""
        monkeypatch.delenv("CI", raising=False)

    class _Tty:
        def __init__(self, tty):
            self.tty = tty
            self.text = ""

        def isatty(self):
            return self.tty

        def write(self, s):
            self.text += s

        def flush(self):
            pass

    def test_progress_silent_when_not_a_terminal(self):
        """Nothing is printed to a pipe or file, however long the work takes."""
        out = self._Tty(tty=False)
        with Progress("work", 10, stream=out, delay=0) as p:
            p.update(5)
        assert out.text == ""

    def test_progress_on_a_terminal_after_the_delay_and_cleared(self):
        """On a terminal, long work shows a percentage and clears it at the end."""
        out = self._Tty(tty=True)
        with Progress("work", 10, stream=out, delay=0) as p:
            p.update(5)
        assert "work  [############------------]  50%  5/10" in out.text
        assert out.text.endswith("\r\033[K")
        quick = self._Tty(tty=True)
        with Progress("work", 10, stream=quick, delay=60) as p:
            p.update(5)
        assert quick.text == ""

    def test_progress_without_a_total_shows_the_time(self):
        """Work of unknown size shows the seconds spent."""
        out = self._Tty(tty=True)
        with Progress("reading", None, stream=out, delay=0) as p:
            p.update()
        assert "reading … 0:00" in out.text

    def test_working_on_a_terminal(self):
        """On a terminal, slow work runs while a progress line is shown, then cleared."""
        out = self._Tty(tty=True)

        def slow() -> int:
            time.sleep(0.05)
            return 42

        assert working("crunching", slow, stream=out, delay=0, tick=0.01) == 42
        assert "crunching … " in out.text
        assert out.text.endswith("\r\033[K")

    def test_working_raises_the_work_s_error(self):
        """An error of the work is raised in the caller, on a terminal or not."""

        def fail() -> int:
            raise ValueError("bad")

        with pytest.raises(ValueError, match="bad"):
            working("x", fail, stream=self._Tty(tty=True), delay=0, tick=0.01)
        with pytest.raises(ValueError, match="bad"):
            working("x", fail, stream=self._Tty(tty=False))
        assert working("x", lambda: 1, stream=io.StringIO()) == 1

    def test_guard_turns_usage_errors_into_exit_2(self, capsys):
        """A UsageError in a subcommand is printed with the command's name and exits 2."""

        def work() -> int:
            raise UsageError("rates_need_currency")

        assert guard("report", work) == 2
        assert capsys.readouterr().err == (
            "salesfunnel report: --rates needs --currency (the reporting currency)\n"
        )
        assert guard("report", lambda: 0) == 0

    def test_read_deals(self, tmp_path):
        """read_deals reads a file and refuses missing files and unknown kinds as usage errors."""
        path = tmp_path / "d.csv"
        write_csv(sample_pipeline()[:3], path, drop_history=True)
        assert len(read_deals(str(path))) == 3
        with pytest.raises(UsageError, match="no such file"):
            read_deals(str(tmp_path / "e.csv"))
        with pytest.raises(UsageError, match="no such file"):
            read_deals(str(path), events=str(tmp_path / "ev.csv"))

    def test_emit_json_fallback(self, capsys):
        """emit with the json format prints an array of the tables."""
        from salesfunnel.render import Table

        common.emit([Table("T", ("a",), ((Decimal("1.5"),),))], Options(fmt="json"))
        assert json.loads(capsys.readouterr().out) == [
            {"title": "T", "columns": ["a"], "rows": [["1.5"]]}
        ]


def test_format_md_is_markdown(capsys):
    """--format md is another name of --format markdown."""
    from salesfunnel.cli import main

    assert main(["demo", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert main(["demo", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == out
