"""``salesfunnel demo``: the full tour of the library on the bundled sample pipeline.

The sections, in order: the funnel and the sample by stage with conversion
(this module), the forecast by time and by category per owner and the
quarter's pipeline changes (``forecast``), the weighted pipeline with
P10/P50/P90 and the funnel figures (``report``), the ABC classes of the
accounts (``abc``) and the key accounts by lifecycle stage (``kam``). Each
subcommand module contributes its section through ``demo_section`` (tables)
and ``demo_json`` (the keys of the JSON document).
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from salesfunnel.analytics.conversion import conversion, snapshots
from salesfunnel.cli.commands import command_help
from salesfunnel.cli.common import (
    DEMO_CURRENCY,
    EXIT_OK,
    Options,
    Progress,
    add_common,
    decimal_text,
    emit,
    emit_json,
    options,
)
from salesfunnel.cli.messages import tr
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.records import StageKind
from salesfunnel.i18n import Lang, pick
from salesfunnel.render import Table

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date

    from salesfunnel.funnel.opportunity import Opportunity

#: The schema and version of ``salesfunnel demo --format json``.
SCHEMA, VERSION = "salesfunnel/demo", 1


def funnel_table(opts: Options) -> Table:
    """The default funnel: stages in order, labels in both languages, owners, probabilities."""
    lang = opts.lang
    other: Lang = "zh" if lang == "en" else "en"
    headers = (
        "#",
        pick("key", "键", lang),
        pick("stage", "阶段", lang),
        pick("中文", "English", lang),
        pick("owners", "负责人", lang),
        pick("probability %", "概率 %", lang),
    )
    rows = [
        (
            i,
            s.key,
            s.label(lang),
            s.label(other),
            ", ".join(r.label(lang) for r in s.owners),
            int(s.probability * 100),
        )
        for i, s in enumerate([*DEFAULT_FUNNEL, DEFAULT_FUNNEL.lost], start=1)
    ]
    return Table(pick("The default funnel", "默认销售漏斗", lang), headers, rows)


def _by_stage(
    opportunities: Sequence[Opportunity], cutoff: date
) -> tuple[list[str], dict[str, int], dict[tuple[str, str], Decimal]]:
    """Currencies, deals per stage and amounts per (stage, currency) at ``cutoff``."""
    now = snapshots(opportunities, as_of=cutoff)
    counts: dict[str, int] = {}
    amounts: dict[tuple[str, str], Decimal] = {}
    for o in now:
        counts[o.stage] = counts.get(o.stage, 0) + 1
        key = (o.stage, o.currency)
        amounts[key] = amounts.get(key, Decimal(0)) + o.amount
    return sorted({o.currency for o in now}), counts, amounts


def stage_table(opportunities: Sequence[Opportunity], opts: Options) -> Table:
    """The sample by stage at the cutoff: deals, amounts per currency and stage conversion."""
    lang = opts.lang
    cutoff = opts.cutoff or SAMPLE_AS_OF
    currencies, counts, amounts = _by_stage(opportunities, cutoff)
    rates = conversion(opportunities, as_of=cutoff)
    rows: list[tuple[str | int | float | Decimal | None, ...]] = []
    for s in [*DEFAULT_FUNNEL, DEFAULT_FUNNEL.lost]:
        row = rates[s.key] if s.kind is not StageKind.LOST else None
        rate = None if row is None or row.rate is None or s.kind is StageKind.WON else row.rate
        rows.append(
            (
                s.label(lang),
                counts.get(s.key, 0),
                *(amounts.get((s.key, c), Decimal(0)) for c in currencies),
                None if row is None else row.reached,
                None if row is None else row.advanced,
                None if rate is None else round(rate * 100, 1),
            )
        )
    total = sum(counts.values())
    rows.append(
        (
            pick("total", "合计", lang),
            total,
            *(
                sum((v for (_, c), v in amounts.items() if c == cur), Decimal(0))
                for cur in currencies
            ),
            None,
            None,
            None,
        )
    )
    lost = counts.get(DEFAULT_FUNNEL.lost.key, 0)
    share = f"{lost / total:.0%}" if total else "0%"
    note = pick(
        f"{lost} opportunities were lost ({share}). Conversion: of the deals that reached a "
        "stage, the share that went on to a higher one (skipped stages count as passed).",
        f"丢单 {lost} 个，占 {share}。转化率：到达该阶段的商机中推进到更高阶段的比例"
        "（跳过的阶段计为已通过）。",
        lang,
    )
    headers = (
        pick("stage", "阶段", lang),
        pick("deals", "商机数", lang),
        *currencies,
        pick("reached", "到达", lang),
        pick("advanced", "推进", lang),
        pick("conversion %", "转化率 %", lang),
    )
    title = pick(
        f"The sample pipeline by stage, with conversion (as of {cutoff})",
        f"样本商机按阶段分布及转化率（截至 {cutoff}）",
        lang,
    )
    return Table(title, headers, rows, note)


def demo_section(opportunities: Sequence[Opportunity], opts: Options) -> list[Table]:
    """The funnel, and the sample by stage with conversion."""
    return [funnel_table(opts), stage_table(opportunities, opts)]


def demo_json(opportunities: Sequence[Opportunity], opts: Options) -> dict[str, object]:
    """The ``funnel`` key of the demo document: every stage with its deals and conversion."""
    cutoff = opts.cutoff or SAMPLE_AS_OF
    currencies, counts, amounts = _by_stage(opportunities, cutoff)
    rates = conversion(opportunities, as_of=cutoff)
    stages = []
    for s in [*DEFAULT_FUNNEL, DEFAULT_FUNNEL.lost]:
        row = rates[s.key] if s.kind is not StageKind.LOST else None
        rate = None if row is None or s.kind is StageKind.WON else row.rate
        stages.append(
            {
                "key": s.key,
                "label": s.label(opts.lang),
                "kind": s.kind.value,
                "probability": decimal_text(s.probability),
                "deals": counts.get(s.key, 0),
                "amounts": {
                    c: decimal_text(amounts.get((s.key, c), Decimal(0))) for c in currencies
                },
                "reached": None if row is None else row.reached,
                "advanced": None if row is None else row.advanced,
                "conversion": rate,
            }
        )
    return {"funnel": {"currencies": currencies, "stages": stages}}


def _json_of(
    section: Callable[[Sequence[Opportunity], Options], list[Table]],
) -> Callable[[Sequence[Opportunity], Options], dict[str, object]] | None:
    """The ``demo_json`` of the module a ``demo_section`` comes from, if it has one."""
    module = sys.modules.get(getattr(section, "__module__", ""))
    found: Callable[[Sequence[Opportunity], Options], dict[str, object]] | None
    found = getattr(module, "demo_json", None)
    return found


def run(
    args: argparse.Namespace,
    sections: Sequence[Callable[[Sequence[Opportunity], Options], list[Table]]],
) -> int:
    """Run every demo section on the sample and print the tables (or one JSON document)."""
    opts = options(args)
    if opts.cutoff is None:
        opts = attrs.evolve(opts, cutoff=SAMPLE_AS_OF)
    data = sample_pipeline()
    if opts.fmt == "json":
        doc: dict[str, object] = {
            "schema": SCHEMA,
            "version": VERSION,
            "as_of": opts.cutoff.isoformat() if opts.cutoff else None,
            "currency": DEMO_CURRENCY,
            "deals": len(data),
        }
        parts = [f for f in map(_json_of, sections) if f is not None]
        with Progress("salesfunnel demo", len(parts)) as progress:
            for i, part in enumerate(parts, start=1):
                doc.update(part(data, opts))
                progress.update(i)
        emit_json(doc, opts)
        return EXIT_OK
    tables: list[Table] = []
    names: list[str] = []
    with Progress("salesfunnel demo", len(sections)) as progress:
        for i, section in enumerate(sections, start=1):
            found = section(data, opts)
            tables.extend(found)
            names.extend(_names_of(section, len(found)))
            progress.update(i)
    emit(tables, opts, names)
    return EXIT_OK


#: The names of this module's demo tables.
DEMO_TABLES = ("funnel", "stages")


def _names_of(section: Callable[..., object], count: int) -> list[str]:
    """The ``DEMO_TABLES`` of the module a ``demo_section`` comes from (else numbered names)."""
    module = sys.modules.get(getattr(section, "__module__", ""))
    name = getattr(section, "__module__", "demo").rsplit(".", 1)[-1]
    found = list(getattr(module, "DEMO_TABLES", ()))
    if len(found) != count:
        found = [f"{name}{i}" for i in range(1, count + 1)]
    return found


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` subcommand."""
    parser = sub.add_parser(
        "demo",
        help=command_help("demo"),
        description=tr(
            "Tour the library on the bundled sample pipeline (600 opportunities in CNY, "
            "USD and EUR, as of 2026-09-30): the funnel by stage with conversion, the "
            "forecast by time and by category per owner, the weighted pipeline with "
            "P10/P50/P90, the ABC classes of the accounts and the key accounts by "
            "lifecycle stage. Amounts are converted into CNY at the sample's dated, "
            "illustrative rates (salesfunnel.datasets.SAMPLE_RATES, as in the tutorial "
            "and the notebook). --cutoff shows the sample as it stood on an earlier date.",
            "在自带的样本商机上演示本库（600 个商机，币种为 CNY、USD 和 EUR，截至 2026-09-30）："
            "按阶段的漏斗与转化率、按负责人的时间与类别预测、含 P10/P50/P90 的加权在途商机、"
            "客户 ABC 分类，以及按生命周期阶段的大客户。金额按样本的示意性分期汇率"
            "（salesfunnel.datasets.SAMPLE_RATES，与教程和笔记本相同）折算为 CNY。"
            "--cutoff 显示样本在更早某天的状态。",
        ),
        epilog=tr("example", "示例") + ": salesfunnel demo --lang zh --cutoff 2026-06-30",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(
        parser,
        cutoff_help=tr(
            "YYYY-MM-DD: show the sample as it stood at the end of that day (default: "
            "2026-09-30, the sample's as-of date)",
            "YYYY-MM-DD：显示样本在当天结束时的状态（默认：样本的截至日期 2026-09-30）",
        ),
    )
    parser.set_defaults(command="demo")
