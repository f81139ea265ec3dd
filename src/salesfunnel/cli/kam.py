"""``salesfunnel kam FILE``: key accounts by lifecycle stage, with evidence and gaps.

The demo section derives key accounts from the sample pipeline's largest
accounts; :func:`derive_key_accounts` documents how.
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from salesfunnel.analytics.conversion import snapshots
from salesfunnel.cli.commands import command_help
from salesfunnel.cli.common import (
    EXIT_OK,
    DataProblemError,
    Options,
    Progress,
    add_common,
    emit,
    emit_json,
    guard,
    options,
    require_file,
    working,
)
from salesfunnel.cli.messages import tr
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.records import ChangeKind, StageChange, StageKind
from salesfunnel.i18n import Lang, pick
from salesfunnel.key_accounts.account import ActivityRecord, KeyAccount
from salesfunnel.key_accounts.assessment import Fit, NextStep, next_step
from salesfunnel.key_accounts.lifecycle import LIFECYCLE, KamStage
from salesfunnel.key_accounts.playbooks import playbook
from salesfunnel.render import Table

if TYPE_CHECKING:
    from collections.abc import Sequence

    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.qualification import FactValue

#: The schema and version of ``salesfunnel kam --format json``.
SCHEMA, VERSION = "salesfunnel/kam-report", 1

#: How many of the sample's largest accounts the demo shows.
DEMO_ACCOUNTS = 8

_STAGES = (*LIFECYCLE, KamStage.UNCOUPLING)

#: Playbook activities a deal's history shows were done, by the stage it entered.
_ACTIVITY_OF_STAGE = {
    "potential": "collect_customer_data",
    "intent": "learn_basic_needs",
    "project": "find_coach",
    "recognition": "sales_proposal",
    "negotiation": "run_tender",
    "closed": "sign_contract",
}


def _gap_text(gaps: Sequence[str], limit: int | None, lang: Lang) -> str:
    sep = pick("; ", "；", lang)
    if limit is None or len(gaps) <= limit:
        return sep.join(gaps)
    more = len(gaps) - limit
    return sep.join(gaps[:limit]) + pick(f"; … (+{more} more)", f"；……（另 {more} 项）", lang)


def _evidence_text(signals: Sequence[str], lang: Lang, limit: int | None) -> str:
    """The signals that speak for an account's stage, by label: the first ``limit`` and how many more."""
    from salesfunnel.key_accounts.signals import SIGNALS  # noqa: PLC0415

    labels = [SIGNALS[s].label(lang) if s in SIGNALS else s for s in signals]
    return _gap_text(labels, limit, lang)


def _ordered(accounts: Sequence[KeyAccount]) -> list[KeyAccount]:
    """Accounts by recorded stage, top of the lifecycle first (uncoupling last), then by id."""
    return sorted(accounts, key=lambda a: (-a.stage.rank if a.stage.on_ladder else 9, a.id))


def next_steps(accounts: Sequence[KeyAccount]) -> list[tuple[KeyAccount, NextStep]]:
    """Each account (in report order) with its next step."""
    out = []
    order = _ordered(accounts)
    with Progress(tr("assessing key accounts", "正在评估大客户"), len(order)) as progress:
        for done, account in enumerate(order, start=1):
            out.append((account, next_step(account)))
            progress.update(done)
    return out


def summary_tables(
    accounts: Sequence[KeyAccount],
    *,
    as_of: date,
    lang: Lang = "en",
    title: str | None = None,
    gap_limit: int | None = 3,
    steps: Sequence[tuple[KeyAccount, NextStep]] | None = None,
    signals: bool = False,
) -> list[Table]:
    """Return the stage counts and the per-account table (evidence, next step, gaps).

    Accounts are listed by recorded stage, top of the lifecycle first, then by
    id. "evidence" is the stage the account's signals support; with
    ``signals`` that column is "signals support" and "evidence" lists the
    signals that speak for it (the first ``gap_limit``). "next needs" counts
    the evidence criteria still to show for the next stage up; "gaps" counts
    the stage's playbook activities with no record and lists them (the first
    ``gap_limit``; ``None`` lists all).
    """
    counts = Counter(a.stage for a in accounts)
    by_stage = Table(
        pick("Key accounts by stage", "按阶段划分的大客户", lang),
        (
            pick("stage", "阶段", lang),
            pick("accounts", "客户数", lang),
            pick("playbook activities", "工作重点项数", lang),
        ),
        [(s.label(lang), counts[s], len(playbook(s))) for s in _STAGES if counts[s]],
    )
    rows = []
    ahead = []
    for a, step in next_steps(accounts) if steps is None else steps:
        if step.fit is Fit.AHEAD:
            ahead.append(a.id)
        supported = step.assessment.stage.label(lang)
        evidence = (
            (supported, _evidence_text(step.assessment.signals_for, lang, gap_limit))
            if signals
            else (supported,)
        )
        rows.append(
            (
                a.id,
                a.name,
                a.stage.label(lang),
                *evidence,
                a.days_in_stage(as_of=as_of) if as_of >= a.entered else None,
                len(step.needs) if step.target is not None else None,
                f"{len(step.gaps)}/{len(playbook(a.stage))}",
                _gap_text([g.label(lang) for g in step.gaps], gap_limit, lang),
            )
        )
    flagged = ", ".join(ahead)
    explained = (
        pick(
            "signals support: the stage the signals support; evidence: the signals that "
            "speak for it",
            "信号支持：信号所支持的阶段；证据：支持该阶段的信号",
            lang,
        )
        if signals
        else pick("evidence: the stage the signals support", "证据：信号所支持的阶段", lang)
    )
    note = pick(
        f"{len(accounts)} key accounts as of {as_of}. {explained}; next needs: criteria "
        "still to show for the next stage; gaps: playbook activities with no record"
        + (f". Recorded ahead of the evidence: {flagged}" if ahead else ""),
        f"截至 {as_of} 共 {len(accounts)} 个大客户。{explained}；"
        "下一步所需：进入下一阶段尚需证明的条件数；差距：该阶段工作重点中尚无记录的项目"
        + (f"。记录超前于证据：{flagged}" if ahead else ""),
        lang,
    )
    columns = (
        (pick("signals support", "信号支持", lang), pick("evidence", "证据", lang))
        if signals
        else (pick("evidence", "证据", lang),)
    )
    detail = Table(
        title or pick("Key accounts: evidence and gaps", "大客户：证据与差距", lang),
        (
            pick("id", "编号", lang),
            pick("account", "客户", lang),
            pick("stage", "阶段", lang),
            *columns,
            pick("days in stage", "本阶段天数", lang),
            pick("next needs", "下一步所需", lang),
            pick("gaps", "差距", lang),
            pick("work with no record", "尚无记录的工作", lang),
        ),
        rows,
        note,
    )
    return [by_stage, detail]


def report_json(
    accounts: Sequence[KeyAccount],
    *,
    as_of: date,
    lang: Lang = "en",
    steps: Sequence[tuple[KeyAccount, NextStep]] | None = None,
) -> dict[str, object]:
    """The stage counts and every account's evidence, next step and gaps, for JSON."""
    counts = Counter(a.stage for a in accounts)
    listed = []
    for a, step in next_steps(accounts) if steps is None else steps:
        listed.append(
            {
                "id": a.id,
                "name": a.name,
                "manager": a.manager,
                "stage": a.stage.value,
                "stage_since": a.entered.isoformat(),
                "days_in_stage": a.days_in_stage(as_of=as_of) if as_of >= a.entered else None,
                "evidence": step.assessment.stage.value,
                "ceiling": step.assessment.ceiling.value,
                "fit": step.fit.value,
                "target": None if step.target is None else step.target.value,
                "ready": step.ready,
                "needs": [{"key": c.key, "label": c.describe(lang)} for c in step.needs],
                "gaps": [{"key": g.key, "label": g.label(lang)} for g in step.gaps],
                "signals_for": list(step.assessment.signals_for),
                "signals_against": list(step.assessment.signals_against),
                "signals_missing": list(step.assessment.signals_missing),
            }
        )
    return {
        "as_of": as_of.isoformat(),
        "stages": [
            {"stage": s.value, "accounts": counts[s], "playbook_activities": len(playbook(s))}
            for s in _STAGES
            if counts[s]
        ],
        "accounts": listed,
    }


def _reached(deal: Opportunity, key: str) -> date | None:
    """The first date ``deal`` entered stage ``key``, or ``None``."""
    return next((c.on for c in deal.history if c.to_stage == key), None)


def derive_key_accounts(
    opportunities: Sequence[Opportunity], *, as_of: date, top: int = DEMO_ACCOUNTS
) -> tuple[KeyAccount, ...]:
    """Derive key accounts, with signals and activity records, from their deals.

    A deterministic, documented stand-in for what a key-account manager would
    record, so the demo can show the lifecycle on the sample pipeline:

    * **Which accounts**: the ``top`` accounts with the most won deals (ties:
      more deals in total, then the name).
    * **Signals**: ``trial_order`` and ``contract_signed``: a deal was won;
      ``coach_found``: a deal reached the project stage (an insider helped get
      it established); ``proposal_given``: a deal reached recognition (a
      quote was submitted); ``senior_management_contact``: a deal reached
      negotiation (where senior management takes part); ``contacts``: the
      number of deals; ``buying_roles_covered``: the number of won deals, at
      most 4; ``functions_in_contact``: the number of distinct products won;
      ``visits_per_month``: stage changes in the 365 days to ``as_of``,
      divided by 12; ``share_of_wallet``: won deals over closed deals;
      ``preferred_supplier``: that share is at least a half with three wins
      or more; ``sole_supplier``: false when a deal was lost to anyone in the
      365 days to ``as_of``; ``csi_in_place``: true with four wins or more;
      ``exit_notice``: false when anything moved in the 180 days to
      ``as_of``. Deal data cannot show joint planning, integrated processes
      or shared cost reduction: they stay unknown, so no derived account is
      assessed synergistic.
    * **Activities**: the first date any deal entered potential, intent,
      project, recognition or negotiation, or was won, records
      collect_customer_data, learn_basic_needs, find_coach, sales_proposal,
      run_tender or sign_contract; the first win also records trial_sales.
    * **Stage**: the stage the signals support, entered on the date of the
      account's latest win; the record starts with its first deal.
    """
    from salesfunnel.key_accounts.assessment import assess  # noqa: PLC0415  (kept local: demo only)

    won_key = next(s.key for s in DEFAULT_FUNNEL if s.kind is StageKind.WON)
    lost_key = DEFAULT_FUNNEL.lost.key
    deals: dict[str, list[Opportunity]] = {}
    for o in opportunities:
        deals.setdefault(o.account, []).append(o)
    wins = {k: [o for o in v if o.stage == won_key] for k, v in deals.items()}
    ranked = sorted(
        (k for k in deals if wins[k]), key=lambda k: (-len(wins[k]), -len(deals[k]), k)
    )[:top]
    year_ago, half_year_ago = as_of - timedelta(days=365), as_of - timedelta(days=180)
    accounts = []
    for number, name in enumerate(ranked, start=1):
        mine, won = deals[name], wins[name]
        lost = [o for o in mine if o.stage == lost_key]
        changes = [c for o in mine for c in o.history if c.kind is not ChangeKind.CREATE]
        share = (Decimal(len(won)) / (len(won) + len(lost))).quantize(Decimal("0.01"))
        signals: dict[str, FactValue] = {
            "trial_order": True,
            "contract_signed": True,
            "coach_found": any(_reached(o, "project") for o in mine),
            "proposal_given": any(_reached(o, "recognition") for o in mine),
            "senior_management_contact": any(_reached(o, "negotiation") for o in mine),
            "contacts": len(mine),
            "buying_roles_covered": min(len(won), 4),
            "functions_in_contact": len({p for o in won for p in o.products}),
            "visits_per_month": (
                Decimal(sum(1 for c in changes if year_ago < c.on <= as_of)) / 12
            ).quantize(Decimal("0.1")),
            "share_of_wallet": share,
            "preferred_supplier": share >= Decimal("0.5") and len(won) >= 3,  # noqa: PLR2004
        }
        if any(c.to_stage == lost_key and year_ago < c.on <= as_of for c in changes):
            signals["sole_supplier"] = False
        if len(won) >= 4:  # noqa: PLR2004
            signals["csi_in_place"] = True
        if any(half_year_ago < c.on <= as_of for c in changes):
            signals["exit_notice"] = False
        first: dict[str, date] = {}
        for o in mine:
            for c in o.history:
                key = _ACTIVITY_OF_STAGE.get(c.to_stage)
                if key is not None and c.on <= as_of:
                    first[key] = min(first.get(key, c.on), c.on)
        first["trial_sales"] = min(o.closed_on or as_of for o in won)
        since = min(o.created for o in mine)
        entered = max(o.closed_on or since for o in won)
        stage = assess(signals).stage
        accounts.append(
            KeyAccount(
                f"KA-{number:02d}",
                name,
                stage,
                since=since,
                signals=signals,
                activities=tuple(ActivityRecord(k, first[k]) for k in sorted(first)),
                history=(StageChange(None, stage.value, entered, kind=ChangeKind.CREATE),),
            )
        )
    return tuple(accounts)


def _demo_accounts(
    opportunities: Sequence[Opportunity], opts: Options
) -> tuple[date, tuple[KeyAccount, ...]]:
    as_of = opts.cutoff or max(o.last_change for o in opportunities)
    return as_of, derive_key_accounts(snapshots(opportunities, as_of=as_of), as_of=as_of)


def demo_section(opportunities: Sequence[Opportunity], opts: Options) -> list[Table]:
    """Key accounts by stage: the sample's largest accounts, derived from their deals."""
    as_of, accounts = _demo_accounts(opportunities, opts)
    return summary_tables(
        accounts,
        as_of=as_of,
        lang=opts.lang,
        title=pick(
            "Key accounts: evidence and gaps (the sample's largest accounts; signals derived "
            "from their deals)",
            "大客户：证据与差距（样本中最大的客户；信号由其商机推算）",
            opts.lang,
        ),
        gap_limit=1,
        signals=True,
    )


def demo_json(opportunities: Sequence[Opportunity], opts: Options) -> dict[str, object]:
    """The ``key_accounts`` key of the demo document."""
    as_of, accounts = _demo_accounts(opportunities, opts)
    return {"key_accounts": report_json(accounts, as_of=as_of, lang=opts.lang)}


def read_accounts(path: str, encoding: str = "utf-8") -> tuple[KeyAccount, ...]:
    """Read key accounts from a CSV file, or from a ``salesfunnel/key-accounts`` JSON document.

    Raises:
        DataFileError: Listing every problem of the file.
    """
    if path.lower().endswith(".json"):
        from salesfunnel.io import loads  # noqa: PLC0415
        from salesfunnel.io.results import RESULT_SCHEMAS  # noqa: PLC0415

        kinds = [s for s in RESULT_SCHEMAS if s.type is KeyAccount]
        found = loads(Path(path).read_bytes(), schemas=kinds)
        return found if isinstance(found, tuple) else (found,)
    from salesfunnel.io.key_accounts import read_key_accounts  # noqa: PLC0415

    return read_key_accounts(path, encoding=encoding)


def run(args: argparse.Namespace) -> int:
    """Read the key-account file and print the stage counts and the account table."""
    return guard("kam", lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    opts = options(args)
    require_file(args.file)
    accounts = working(
        tr(f"reading {args.file}", f"正在读取 {args.file}"),
        lambda: read_accounts(args.file, args.encoding),
    )
    if not accounts:
        raise DataProblemError("no_key_accounts", path=args.file)
    as_of = opts.cutoff or max(
        [a.entered for a in accounts]
        + [r.on for a in accounts for r in a.activities if r.on is not None]
    )
    steps = next_steps(accounts)
    if opts.fmt == "json":
        emit_json(
            {
                "schema": SCHEMA,
                "version": VERSION,
                **report_json(accounts, as_of=as_of, lang=opts.lang, steps=steps),
            },
            opts,
        )
        return EXIT_OK
    limit = None if args.all_gaps else 3
    tables = summary_tables(accounts, as_of=as_of, lang=opts.lang, gap_limit=limit, steps=steps)
    emit(tables, opts, TABLES)
    return EXIT_OK


#: The names of the tables of ``kam``, for ``--table``.
TABLES = ("stages", "accounts")

#: The names of the demo's key-account tables.
DEMO_TABLES = ("kam-stages", "kam-accounts")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``kam`` subcommand."""
    parser = sub.add_parser(
        "kam",
        help=command_help("kam"),
        description=tr(
            "Summarise a key-account file (one row per account: id, name, stage, "
            "stage_since, optional since, manager, activities, notes, and one column "
            "per signal) by lifecycle stage: the stage each account's signals "
            "support, the evidence for it, the days in its stage, and the playbook "
            "activities it has no record of. --format json prints one "
            "salesfunnel/kam-report document.",
            "按生命周期阶段汇总大客户文件（每个客户一行：id、name、stage、stage_since、可选的 "
            "since、manager、activities、notes，以及每个信号一列）：各客户信号所支持的阶段及其证据、"
            "在本阶段的天数，以及尚无记录的工作重点。--format json 输出一个 "
            "salesfunnel/kam-report 文档。",
        ),
        epilog=tr("example", "示例")
        + ": salesfunnel kam key_accounts.csv --cutoff 2026-09-30 --lang zh",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        help=tr(
            "the key-account CSV file (or a salesfunnel/key-accounts JSON document)",
            "大客户 CSV 文件（或 salesfunnel/key-accounts JSON 文档）",
        ),
    )
    parser.add_argument(
        "--encoding",
        default="utf-8",
        help=tr("the file's encoding (default: utf-8)", "文件编码（默认：utf-8）"),
    )
    parser.add_argument(
        "--all-gaps",
        action="store_true",
        help=tr(
            "list every playbook activity with no record (default: the first three)",
            "列出所有尚无记录的工作重点（默认：前三项）",
        ),
    )
    add_common(
        parser,
        cutoff_help=tr(
            "YYYY-MM-DD: the day the days in stage are counted to (default: the latest date "
            "in the file)",
            "YYYY-MM-DD：计算本阶段天数的截止日（默认：文件中最晚的日期）",
        ),
    )
    parser.set_defaults(command="kam")
