"""The import-mapping options shared by every command that reads opportunities.

``--map 'Close Date=expected_close'`` (repeatable), ``--stage-map
'Proposition=recognition'``, ``--default currency=USD``, ``--mapping FILE``
(a JSON object with ``columns``, ``stages``, ``defaults``, ``tz``,
``probability_scale`` and ``preset``, or a CSV file of ``kind,from,to`` rows
with kind ``column``, ``stage`` or ``default``), ``--tz Europe/Berlin``,
``--probability-scale percent`` and ``--preset salesforce``.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from salesfunnel.cli.common import UsageError
from salesfunnel.io import ImportMapping
from salesfunnel.io._mapped import build_mapping
from salesfunnel.io.presets import PRESETS

__all__ = ["add_mapping_options", "mapping_from_args"]

_MAX_MAPPING_BYTES = 1_000_000


def add_mapping_options(parser: argparse.ArgumentParser) -> None:
    """Add the mapping options to a subcommand's parser."""
    group = parser.add_argument_group("reading another layout (a CRM or spreadsheet export)")
    group.add_argument(
        "--preset", choices=sorted(PRESETS), default=None, help="a CRM export's layout"
    )
    group.add_argument(
        "--map",
        metavar="HEADER=FIELD",
        action="append",
        default=[],
        help="the field a column gives, e.g. 'Close Date=expected_close' (repeat)",
    )
    group.add_argument(
        "--stage-map",
        metavar="NAME=STAGE",
        action="append",
        default=[],
        help="the funnel stage of an export stage name, e.g. 'Proposition=recognition' (repeat)",
    )
    group.add_argument(
        "--default",
        metavar="FIELD=TEXT",
        action="append",
        default=[],
        help="the text of a field the export lacks or leaves empty, e.g. currency=USD (repeat)",
    )
    group.add_argument("--mapping", metavar="FILE", default=None, help="a JSON or CSV mapping file")
    group.add_argument(
        "--tz",
        metavar="ZONE",
        default=None,
        help="the time zone date-times are counted in, e.g. Asia/Shanghai or UTC",
    )
    group.add_argument(
        "--probability-scale",
        choices=("fraction", "percent"),
        default=None,
        help="percent: probabilities written as 60 mean 60 %% (default: fraction)",
    )


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out = {}
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left.strip() or not right.strip():
            msg = f"{option} {value!r}: write it as NAME=VALUE, e.g. {option} 'Close Date=expected_close'"
            raise UsageError(msg)
        out[left.strip()] = right.strip()
    return out


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        msg = f"--tz {name!r}: not a time zone name; use one such as UTC, Europe/Berlin or Asia/Shanghai"
        raise UsageError(msg) from None


def _mapping_file(path: str) -> dict[str, object]:
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{path}: no such file")
    if file.stat().st_size > _MAX_MAPPING_BYTES:
        raise UsageError(f"{path}: a mapping file is at most 1 MB")
    text = file.read_text(encoding="utf-8-sig")
    if file.suffix.lower() == ".json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as err:
            raise UsageError(f"{path}: not valid JSON ({err.msg} on line {err.lineno})") from None
        if not isinstance(doc, dict):
            raise UsageError(f"{path}: a JSON mapping is an object with columns, stages, ...")
        return doc
    out: dict[str, dict[str, str]] = {"columns": {}, "stages": {}, "defaults": {}}
    kinds = {"column": "columns", "stage": "stages", "default": "defaults"}
    for n, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or (n == 1 and [c.strip().lower() for c in row] == ["kind", "from", "to"]):
            continue
        if len(row) != 3 or row[0].strip().lower() not in kinds:  # noqa: PLR2004
            msg = f"{path} row {n}: write kind,from,to with kind column, stage or default"
            raise UsageError(msg)
        out[kinds[row[0].strip().lower()]][row[1].strip()] = row[2].strip()
    return dict(out)


def mapping_from_args(args: argparse.Namespace) -> tuple[ImportMapping, str | None] | None:
    """The mapping the options give (and the preset name), or ``None`` for none.

    Raises:
        UsageError: For a malformed option or mapping file.
    """
    doc = _mapping_file(args.mapping) if args.mapping else {}
    preset = args.preset or doc.get("preset")
    columns = {**dict(doc.get("columns") or {}), **_pairs(args.map, "--map")}  # type: ignore[call-overload]
    stages = {**dict(doc.get("stages") or {}), **_pairs(args.stage_map, "--stage-map")}  # type: ignore[call-overload]
    defaults = {**dict(doc.get("defaults") or {}), **_pairs(args.default, "--default")}  # type: ignore[call-overload]
    tz_name = args.tz or doc.get("tz")
    scale = args.probability_scale or doc.get("probability_scale")
    if scale not in (None, "fraction", "percent"):
        raise UsageError(f"probability_scale {scale!r}: use fraction or percent")
    if not (preset or columns or stages or defaults or tz_name or scale):
        return None
    chosen, _ = build_mapping(
        preset=str(preset) if preset else None,
        columns=columns,
        stages=stages,
        defaults=defaults,
        tz=_zone(str(tz_name)) if tz_name else None,
        probability_scale=scale,
    )
    return chosen, str(preset) if preset else None
