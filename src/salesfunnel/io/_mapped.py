"""Reading an export through an :class:`~salesfunnel.io.mapping.ImportMapping` (and its history)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING, Literal

from salesfunnel.io import _values as v
from salesfunnel.io._columns import REQUIRED, Source, normalise, read_text, stage_mark_headers
from salesfunnel.io._events import Events, read_events
from salesfunnel.io._memo import Memo
from salesfunnel.io._table import Row, parse_table, raw_records
from salesfunnel.io.cells import BadCell, to_date
from salesfunnel.io.history_import import HistoryRow, apply_history, resolve_stage
from salesfunnel.io.mapping import (
    HISTORY_FIELDS,
    Canonical,
    ImportMapping,
    stage_fix,
    unmapped_stages,
)
from salesfunnel.io.presets import Preset
from salesfunnel.io.presets import preset as find_preset
from salesfunnel.io.problems import Problem, ReadResult
from salesfunnel.io.rows import (
    COLUMN_ALIASES,
    RowReader,
    build_opportunity,
    flag_duplicate_ids,
)

if TYPE_CHECKING:
    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.funnel.stages import Funnel

__all__ = ["build_mapping", "history_mapping", "read_history_rows", "read_mapped"]


def build_mapping(
    *,
    preset: str | Preset | None = None,
    mapping: ImportMapping | None = None,
    columns: Mapping[str, str] | None = None,
    stages: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    probability_scale: Literal["fraction", "percent"] | None = None,
) -> tuple[ImportMapping, Preset | None]:
    """Combine a preset, a mapping and the keyword options (later ones win)."""
    found = find_preset(preset) if isinstance(preset, str) else preset
    base = mapping or (found.mapping if found is not None else ImportMapping())
    if mapping is not None and found is not None:
        base = found.mapping.evolve(
            columns=mapping.columns, stages=mapping.stages, defaults=mapping.defaults
        )
    changes: dict[str, object] = {}
    if columns:
        changes["columns"] = columns
    if stages:
        changes["stages"] = stages
    if defaults:
        changes["defaults"] = defaults
    if tz is not None:
        changes["tz"] = tz
    elif mapping is not None and mapping.tz is not None:
        changes["tz"] = mapping.tz
    if probability_scale is not None:
        changes["probability_scale"] = probability_scale
    return (base.evolve(**changes) if changes else base), found


def _unmapped_problem(
    name: str,
    header: str | None,
    values: Sequence[str],
    funnel: Funnel,
    mapping: ImportMapping,
) -> tuple[set[str], list[Problem]]:
    found = unmapped_stages(values, funnel, mapping)
    if not found:
        return set(), []
    n = len(found)
    why = (
        f"{n} stage name{'s' if n != 1 else ''} {'have' if n != 1 else 'has'} no mapping: "
        + ", ".join(str(s) for s in found)
    )
    return {s.name for s in found}, [
        Problem(name, None, header or "stage", None, why, stage_fix(found, funnel))
    ]


def _required_fix(problems: Sequence[Problem], mapping: ImportMapping) -> list[Problem]:
    out = []
    for p in problems:
        if p.why == "required column is missing" and p.column is not None:
            field = p.column
            headers = [h for h, f in mapping.columns.items() if f == field]
            named = f"a column {', '.join(repr(h) for h in headers[:3]) or repr(field)}"
            fix = (
                f"add {named}, map one with columns={{'<header>': {field!r}}} "
                f"(--map '<header>={field}'), or give a default with "
                f"defaults={{{field!r}: '...'}} (--default {field}=...)"
            )
            out.append(Problem(p.file, p.row, p.column, p.value, p.why, fix, p.opportunity_id))
            continue
        out.append(p)
    return out


def _stage_date_rows(
    name: str,
    text: str,
    preset: Preset | None,
    mapping: ImportMapping,
    funnel: Funnel,
) -> tuple[list[HistoryRow], list[Problem]]:
    """HubSpot's ``Date entered "<stage>"`` columns as history rows."""
    pattern = preset.stage_date_columns if preset is not None else None
    if pattern is None:
        return [], []
    header, records = raw_records(name, text)
    id_index = next((i for i, h in enumerate(header) if mapping.field_of(h) == "id"), None)
    columns: list[tuple[int, str, str | None]] = []
    unmapped: list[str] = []
    for i, head in enumerate(header):
        match = pattern.fullmatch(head.strip())
        if match is None:
            continue
        stage = match.group("stage")
        key = resolve_stage(stage, funnel, mapping)
        if key is None and match.group("pipeline"):
            stage = f"{stage} ({match.group('pipeline')})"
            key = resolve_stage(stage, funnel, mapping)
        if key is None:
            unmapped.append(match.group("stage"))
        columns.append((i, head.strip(), key))
    if not columns or id_index is None:
        return [], []
    problems: list[Problem] = []
    if unmapped:
        _, problems = _unmapped_problem(name, None, unmapped, funnel, mapping)
    rows: list[HistoryRow] = []
    for line, cells in records:
        if len(cells) != len(header) or not cells[id_index].strip():
            continue  # reported by the deals reader
        opp_id = cells[id_index].strip()
        for i, head, key in columns:
            cell = cells[i].strip()
            if not cell or key is None:
                continue
            try:
                on = to_date(cell, mapping.tz)
            except BadCell as err:
                problems.append(Problem(name, line, head, cell, err.why, err.fix, opp_id))
                continue
            rows.append(HistoryRow(name, line, opp_id, key, on, column=head))
    return rows, problems


def history_mapping(preset: Preset | None, mapping: ImportMapping) -> ImportMapping:
    base = (
        preset.history
        if preset is not None and preset.history is not None
        else ImportMapping(known=HISTORY_FIELDS)
    )
    return base.evolve(
        stages=mapping.stages,
        tz=mapping.tz,
        won_stages=base.won_stages | mapping.won_stages,
        lost_stages=base.lost_stages | mapping.lost_stages,
    )


def read_history_rows(
    source: Source,
    funnel: Funnel,
    mapping: ImportMapping,
    *,
    encoding: str = "utf-8",
    ignore: Collection[str] = (),
) -> tuple[str, list[HistoryRow], list[Problem]]:
    """Read a long history table (deal id, stage, date, ...) into rows and problems."""
    name, text = read_text(source, encoding)
    aliases = {normalise(f): f for f in HISTORY_FIELDS}
    aliases.update({"deal_id": "opportunity_id", "date": "on"})
    aliases.update({normalise(h): f for h, f in mapping.columns.items()})
    table = parse_table(
        name,
        text,
        aliases=aliases,
        required=("opportunity_id", "stage", "on"),
        ignore=(*ignore, *mapping.ignore),
        unknown=mapping.unknown_columns,
    )
    problems = list(table.problems)
    if not table.usable:
        return name, [], problems
    raw_stages = [row.cells["stage"] for row in table.rows]
    names, summary = _unmapped_problem(
        name, table.headers.get("stage"), raw_stages, funnel, mapping
    )
    problems.extend(summary)
    rows: list[HistoryRow] = []
    for row in table.rows:
        cells = row.cells
        opp_id = cells["opportunity_id"].strip()

        def bad(
            field: str,
            why: str,
            fix: str,
            *,
            line: int = row.line,
            oid: str = opp_id,
            cells: Mapping[str, str] = cells,
        ) -> None:
            problems.append(
                Problem(
                    name,
                    line,
                    table.headers.get(field, field),
                    cells.get(field),
                    why,
                    fix,
                    oid or None,
                )
            )

        if not opp_id:
            bad("opportunity_id", "is empty", "give the id of the deal the change belongs to")
            continue
        stage_text = cells["stage"].strip()
        if stage_text in names:
            continue
        key = resolve_stage(stage_text, funnel, mapping)
        ok = True
        if key is None:
            bad("stage", "is empty", f"give the stage entered: {', '.join(funnel.keys())}")
            ok = False
        parsed: dict[str, object] = {}
        for field in ("on", "expected_close"):
            text_ = cells.get(field, "").strip()
            if not text_:
                if field == "on":
                    bad(field, "is empty", "give the date of the change")
                    ok = False
                continue
            try:
                parsed[field] = to_date(text_, mapping.tz)
            except BadCell as err:
                bad(field, err.why, err.fix)
                ok = False
        if cells.get("amount", "").strip():
            try:
                parsed["amount"] = v.parse_amount(cells["amount"])
            except v.BadValue as err:
                bad("amount", err.why, err.fix)
                ok = False
        if ok:
            rows.append(
                HistoryRow(
                    name,
                    row.line,
                    opp_id,
                    key,  # type: ignore[arg-type]
                    parsed["on"],  # type: ignore[arg-type]
                    parsed.get("amount"),  # type: ignore[arg-type]
                    parsed.get("expected_close"),  # type: ignore[arg-type]
                    cells.get("reason", "").strip() or None,
                )
            )
    return name, rows, problems


def _converted_rows(
    mapping: ImportMapping, rows: Sequence[Row], funnel: Funnel
) -> list[tuple[Row, Canonical]]:
    """Each row with its cells converted to the plain format's text (see ``canonical_rows``)."""
    return list(zip(rows, mapping.canonical_rows([r.cells for r in rows], funnel), strict=True))


def read_mapped(
    source: Source,
    *,
    events: Source | None,
    history: Source | None,
    funnel: Funnel,
    encoding: str,
    ignore: Collection[str],
    mapping: ImportMapping,
    preset: Preset | None,
) -> tuple[str, ReadResult[Opportunity]]:
    """Read an opportunities export through ``mapping`` (the reader of ``read_csv``)."""
    name, text = read_text(source, encoding)
    aliases = dict(COLUMN_ALIASES)
    aliases.update({normalise(h): f for h, f in mapping.columns.items()})
    mapped = set(mapping.columns.values())
    required = [
        c
        for c in REQUIRED
        if c not in mapping.defaults
        # a deal without a name takes its id; a closed one closes when expected
        and c != "name"
        and not (c == "expected_close" and "closed_on" in mapped)
    ]
    table = parse_table(
        name,
        text,
        aliases=aliases,
        required=required,
        ignore=(*ignore, *mapping.ignore),
        stage_marks=stage_mark_headers(funnel) if preset is None else {},
        unknown=mapping.unknown_columns,
    )
    problems = _required_fix(table.problems, mapping)
    has_amount = bool({"amount", "products"} & (set(table.headers) | set(mapping.defaults)))
    if not has_amount:
        problems.append(
            Problem(
                name,
                1,
                "amount",
                None,
                "required column is missing",
                "add an amount column, map one with columns={'<header>': 'amount'} "
                "(--map '<header>=amount'), or give products with NAME=AMOUNT entries",
            )
        )
    if events is not None and history is not None:
        problems.append(
            Problem(
                name,
                None,
                None,
                None,
                "both an events file and a stage history were given",
                "give the histories one way: events=... (salesfunnel's own file) or "
                "history=... (a CRM's stage history)",
            )
        )
    ev: Events | None = (
        read_events(events, funnel, encoding=encoding, ignore=ignore)
        if events is not None
        else None
    )
    usable = table.usable and has_amount
    converted = _converted_rows(mapping, table.rows if usable else (), funnel)
    stage_values = [row.cells.get("stage", "") for row, c in converted if not c.stage_from_outcome]
    unmapped, summary = _unmapped_problem(
        name, table.headers.get("stage"), stage_values, funnel, mapping
    )
    problems.extend(summary)
    built: list[tuple[Row, Opportunity | None, list[Problem]]] = []
    silent: set[str] = set()
    memo = Memo()  # each distinct cell text of a column parsed once, as read_csv parses them
    for row, canon in converted:
        quiet = set(canon.quiet)
        if not canon.stage_from_outcome and row.cells.get("stage", "").strip() in unmapped:
            # listed once in the summary; the row's other problems are still reported
            silent.add(row.cells.get("id", "").strip())
            quiet.add("stage")
        reader = RowReader(name, Row(row.line, canon.cells, row.mark), table.headers, quiet, memo)
        opp_id = row.cells.get("id", "") or None
        for field, value, why, fix in canon.problems:
            reader.problems.append(
                Problem(name, row.line, table.headers.get(field, field), value, why, fix, opp_id)
            )
        built.append((row, build_opportunity(reader, funnel, ev), reader.problems))
    seen = flag_duplicate_ids(name, built, table.headers.get("id", "id"))
    records: list[Opportunity] = []
    for row, opportunity, row_problems in built:
        problems.extend(row_problems)
        if ev is not None and row.cells.get("id", "") in ev.bad_ids:
            continue
        if opportunity is not None and not row_problems:
            records.append(opportunity)
    if ev is not None:
        problems.extend(ev.problems)
        problems.extend(
            Problem(
                ev.name,
                line,
                "opportunity_id",
                opp_id,
                "has events but no opportunity in the opportunities file",
                "add the opportunity, or remove its events",
                opp_id,
            )
            for opp_id, line in ev.lines.items()
            if opp_id not in seen and opp_id.strip()
        )
    hist_rows, hist_problems = _stage_date_rows(name, text, preset, mapping, funnel)
    if history is not None:
        _, more, more_problems = read_history_rows(
            history, funnel, history_mapping(preset, mapping), encoding=encoding, ignore=ignore
        )
        hist_rows += more
        hist_problems += more_problems
    problems.extend(hist_problems)
    if hist_rows:
        known = {k.strip() for k in seen} | silent
        records, apply_problems, _ = apply_history(records, hist_rows, funnel, known_ids=known)
        problems.extend(apply_problems)
    return name, ReadResult(records, problems)
