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
from salesfunnel.cli.messages import tr
from salesfunnel.io import ImportMapping
from salesfunnel.io._csv_limit import lifted_limit
from salesfunnel.io._mapped import build_mapping
from salesfunnel.io.presets import PRESETS

__all__ = ["add_mapping_options", "mapping_from_args"]

_MAX_MAPPING_BYTES = 1_000_000


def add_mapping_options(parser: argparse.ArgumentParser) -> None:
    """Add the mapping options to a subcommand's parser."""
    group = parser.add_argument_group(
        tr(
            "reading another layout (a CRM or spreadsheet export)",
            "读取其他布局（CRM 或电子表格导出）",
        )
    )
    group.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        default=None,
        help=tr("a CRM export's layout", "CRM 导出文件的布局"),
    )
    group.add_argument(
        "--map",
        metavar="HEADER=FIELD",
        action="append",
        default=[],
        help=tr(
            "the field a column gives, e.g. 'Close Date=expected_close' (repeat)",
            "某列对应的字段，例如 'Close Date=expected_close'（可重复）",
        ),
    )
    group.add_argument(
        "--stage-map",
        metavar="NAME=STAGE",
        action="append",
        default=[],
        help=tr(
            "the funnel stage of an export stage name, e.g. 'Proposition=recognition' (repeat)",
            "导出阶段名称对应的漏斗阶段，例如 'Proposition=recognition'（可重复）",
        ),
    )
    group.add_argument(
        "--default",
        metavar="FIELD=TEXT",
        action="append",
        default=[],
        help=tr(
            "the text of a field the export lacks or leaves empty, e.g. currency=USD (repeat)",
            "导出文件缺少或留空的字段的取值，例如 currency=USD（可重复）",
        ),
    )
    group.add_argument(
        "--mapping",
        metavar="FILE",
        default=None,
        help=tr("a JSON or CSV mapping file", "JSON 或 CSV 映射文件"),
    )
    group.add_argument(
        "--tz",
        metavar="ZONE",
        default=None,
        help=tr(
            "the time zone date-times are counted in, e.g. Asia/Shanghai or UTC",
            "日期时间所用的时区，例如 Asia/Shanghai 或 UTC",
        ),
    )
    group.add_argument(
        "--probability-scale",
        choices=("fraction", "percent"),
        default=None,
        help=tr(
            "percent: probabilities written as 60 mean 60 %% (default: fraction)",
            "percent：概率写作 60 表示 60%%（默认：fraction）",
        ),
    )


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out = {}
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise UsageError("pair_form", option=option, value=value)
        out[left.strip()] = right.strip()
    return out


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError("bad_zone", name=name) from None


def _mapping_file(path: str) -> dict[str, object]:
    file = Path(path)
    if not file.is_file():
        raise UsageError("no_such_file", path=path)
    if file.stat().st_size > _MAX_MAPPING_BYTES:
        raise UsageError("mapping_large", path=path)
    text = file.read_text(encoding="utf-8-sig")
    if file.suffix.lower() == ".json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as err:
            raise UsageError("mapping_json", path=path, why=err.msg, line=err.lineno) from None
        if not isinstance(doc, dict):
            raise UsageError("mapping_object", path=path)
        return doc
    out: dict[str, dict[str, str]] = {"columns": {}, "stages": {}, "defaults": {}}
    kinds = {"column": "columns", "stage": "stages", "default": "defaults"}
    with lifted_limit():
        rows = list(csv.reader(text.splitlines()))
    for n, row in enumerate(rows, start=1):
        if not row or (n == 1 and [c.strip().lower() for c in row] == ["kind", "from", "to"]):
            continue
        if len(row) != 3 or row[0].strip().lower() not in kinds:  # noqa: PLR2004
            raise UsageError("mapping_row", path=path, row=n)
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
        raise UsageError("mapping_scale", scale=scale)
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
