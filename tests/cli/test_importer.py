"""The import and sample commands, and the mapping options of every reading command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from salesfunnel.cli import main
from salesfunnel.funnel.stages import Funnel
from salesfunnel.io import read_csv

CRM = Path(__file__).parents[1] / "fixtures" / "crm"
PIPEDRIVE_STAGES = "Qualified,Contact Made,Demo Scheduled,Proposal Made,Negotiations Started,Won"
TO_DEFAULT = [
    "--stage-map", "Qualified=potential",
    "--stage-map", "Contact Made=intent",
    "--stage-map", "Demo Scheduled=project",
    "--stage-map", "Proposal Made=recognition",
    "--stage-map", "Negotiations Started=negotiation",
]  # fmt: skip


class TestImport:
    def test_import_with_history_writes_both_files(self, tmp_path, capsys):
        """import --preset ... --history writes deals and events that read back."""
        out, events = tmp_path / "deals.csv", tmp_path / "events.csv"
        code = main(
            [
                "import", "--preset", "pipedrive", str(CRM / "pipedrive_deals.csv"),
                "--tz", "UTC", "--stages", PIPEDRIVE_STAGES, "--won", "Won", "--lost", "Lost",
                "--history", str(CRM / "pipedrive_stage_history.csv"),
                "-o", str(out), "--events", str(events),
            ]
        )  # fmt: skip
        assert code == 0
        assert "imported 10 opportunities" in capsys.readouterr().err
        funnel = Funnel.from_stage_names(PIPEDRIVE_STAGES.split(","), won="Won", lost="Lost")
        deals = read_csv(out, events=events, funnel=funnel)
        assert len(deals) == 10
        assert sum(not d.history_is_default for d in deals) == 6

    def test_import_problems_write_nothing(self, tmp_path, capsys):
        """Without --tz the date-times are problems: exit 1, nothing written."""
        out = tmp_path / "deals.csv"
        code = main(["import", "--preset", "odoo", str(CRM / "odoo_crm_lead.csv"), "-o", str(out)])
        assert code == 1
        assert "pass tz=" in capsys.readouterr().err
        assert not out.exists()

    def test_import_onto_the_default_funnel_with_a_mapping_file(self, tmp_path):
        """A CSV mapping file maps the stages; --default fills a column."""
        mapping = tmp_path / "map.csv"
        mapping.write_text(
            "kind,from,to\n"
            + "".join(f"stage,{a},{b}\n" for a, b in (p.split("=") for p in TO_DEFAULT[1::2])),
            encoding="utf-8",
        )
        out = tmp_path / "deals.csv"
        code = main(
            [
                "import", "--preset", "pipedrive", str(CRM / "pipedrive_deals.csv"),
                "--mapping", str(mapping), "--tz", "UTC", "-o", str(out),
            ]
        )  # fmt: skip
        assert code == 0
        assert {d.stage for d in read_csv(out)} >= {"potential", "closed", "lost"}

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            (["--stages", "A,B"], "--stages needs --lost"),
            (["--won", "X"], "--won and --lost go with --stages"),
            (["--map", "nothing"], "write it as NAME=VALUE"),
            (["--tz", "Mars/Olympus"], "not a time zone name"),
            (["--mapping", "/no/such/file.json"], "no such file"),
        ],
    )
    def test_usage_errors(self, tmp_path, capsys, extra, message):
        """A wrong option is a usage error (exit 2) that says what to write."""
        code = main(
            ["import", str(CRM / "pipedrive_deals.csv"), "-o", str(tmp_path / "x.csv"), *extra]
        )
        assert code == 2
        assert message in capsys.readouterr().err

    def test_json_mapping_file(self, tmp_path):
        """A JSON mapping file gives the preset, stages, tz and scale."""
        mapping = tmp_path / "map.json"
        mapping.write_text(
            json.dumps(
                {
                    "preset": "pipedrive",
                    "stages": dict(p.split("=") for p in TO_DEFAULT[1::2]),
                    "tz": "UTC",
                    "probability_scale": "percent",
                }
            ),
            encoding="utf-8",
        )
        out = tmp_path / "deals.csv"
        assert (
            main(
                [
                    "import",
                    str(CRM / "pipedrive_deals.csv"),
                    "--mapping",
                    str(mapping),
                    "-o",
                    str(out),
                ]
            )
            == 0
        )

    @pytest.mark.parametrize(
        ("name", "text", "message"),
        [
            ("m.json", "[1]", "is an object"),
            ("m.json", "{", "not valid JSON"),
            ("m.csv", "column,a\n", "write kind,from,to"),
            ("m.json", '{"probability_scale": "tenths", "tz": "UTC"}', "use fraction or percent"),
        ],
    )
    def test_bad_mapping_files(self, tmp_path, capsys, name, text, message):
        """A malformed mapping file is a usage error naming the fix."""
        mapping = tmp_path / name
        mapping.write_text(text, encoding="utf-8")
        code = main(["validate", str(CRM / "pipedrive_deals.csv"), "--mapping", str(mapping)])
        assert code == 2
        assert message in capsys.readouterr().err


class TestMappingOptionsOnOtherCommands:
    def test_validate_forecast_report_with_mapping(self, capsys):
        """validate, forecast and report read a mapped export."""
        args = ["--preset", "pipedrive", "--tz", "UTC", *TO_DEFAULT]
        file = str(CRM / "pipedrive_deals.csv")
        assert main(["validate", file, *args]) == 0
        assert capsys.readouterr().out == "10 opportunities, no problems\n"
        assert main(["forecast", file, *args, "--cutoff", "2026-03-31", "--currency", "USD",
                     "--rates", str(CRM / "rates.csv")]) == 0  # fmt: skip
        assert main(["report", file, *args, "--cutoff", "2026-03-31"]) in (0, 1)

    def test_mapping_on_a_json_file_is_a_usage_error(self, tmp_path, capsys):
        """The mapping options read CSV only."""
        doc = tmp_path / "deals.json"
        doc.write_text("{}", encoding="utf-8")
        assert main(["validate", str(doc), "--tz", "UTC"]) == 2
        assert main(["forecast", str(doc), "--tz", "UTC"]) == 2
        assert "CSV files only" in capsys.readouterr().err


class TestSample:
    def test_sample_writes_files_every_command_reads(self, tmp_path, capsys):
        """sample DIR writes deals, events, JSON and rates that the commands accept."""
        target = tmp_path / "s"
        assert main(["sample", str(target)]) == 0
        assert "salesfunnel validate" in capsys.readouterr().out
        deals, events = str(target / "deals.csv"), str(target / "events.csv")
        assert main(["validate", deals, "--events", events]) == 0
        assert main(["validate", str(target / "deals.json")]) == 0
        assert main(["forecast", deals, "--events", events, "--cutoff", "2026-09-30",
                     "--currency", "CNY", "--rates", str(target / "rates.csv")]) == 0  # fmt: skip

    def test_sample_refuses_to_overwrite(self, tmp_path, capsys):
        """Existing files are kept unless --force; a file in place of DIR is refused."""
        assert main(["sample", str(tmp_path)]) == 0
        assert main(["sample", str(tmp_path)]) == 2
        assert "--force" in capsys.readouterr().err
        assert main(["sample", str(tmp_path), "--force"]) == 0
        assert main(["sample", str(tmp_path / "deals.csv")]) == 2


class TestImportOutput:
    def _args(self, *more):
        return [
            "import",
            "--preset",
            "pipedrive",
            str(CRM / "pipedrive_deals.csv"),
            "--tz",
            "UTC",
            *TO_DEFAULT,
            *more,
        ]

    def test_json_output(self, tmp_path, capsys):
        """-o FILE.json writes one JSON document of the deals, which the commands read."""
        target = tmp_path / "deals.json"
        assert main(self._args("-o", str(target), "--lang", "zh")) == 0
        assert "已将 10 个商机导入" in capsys.readouterr().err
        assert main(["validate", str(target)]) == 0

    def test_cutoff(self, tmp_path, capsys):
        """--cutoff writes the deals as they stood at the end of that day."""
        target = tmp_path / "deals.csv"
        assert main(self._args("-o", str(target), "--cutoff", "2000-01-01")) == 0
        assert "imported 0 opportunities" in capsys.readouterr().err

    def test_an_output_that_is_neither_csv_nor_json(self, tmp_path, capsys):
        """-o deals.xlsx is a usage error."""
        assert main(self._args("-o", str(tmp_path / "deals.xlsx"))) == 2
        assert "name it .csv or .json" in capsys.readouterr().err
