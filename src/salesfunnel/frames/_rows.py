"""Reading the rows of a frame with the CSV reader's own checks, through an import mapping.

A frame's cells are first turned into the text a CSV cell would hold, by the
rules of :mod:`salesfunnel.frames._cells` (a ``Decimal`` or float amount into
``120000.50``, a date or date-time into ``2026-06-30``); a cell whose *type*
cannot be read (a list where an amount goes, an aware date-time without
``tz``) becomes a problem of its own. Then the headers are read through the
:class:`~salesfunnel.io.mapping.ImportMapping` (``columns``, ``defaults``,
``stages``, ``tz``, ``probability_scale``) and each row goes through the same
code as a CSV file: the same aliases, required columns, value checks and
duplicate ids, so a bad frame reports every problem at once exactly like a
bad CSV file read with the same mapping. Every stage name that has no
mapping is one problem listing them all, with the closest stage keys.
Problems name the row by its position in the frame (0 for the first row) and
the column as written.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence

import attrs

from salesfunnel.frames._cells import (
    BadCell,
    CellOptions,
    amount_text,
    date_text,
    probability_text,
)
from salesfunnel.frames._common import is_missing
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.stages import Funnel
from salesfunnel.io import _values as v
from salesfunnel.io._columns import COLUMNS, REQUIRED, normalise, stage_mark_headers
from salesfunnel.io._memo import Memo
from salesfunnel.io._table import Row, header_fields, stage_mark
from salesfunnel.io.mapping import (
    DATE_FIELDS,
    STATUS_FIELDS,
    ImportMapping,
    stage_fix,
    unmapped_stages,
)
from salesfunnel.io.problems import Problem, ReadResult
from salesfunnel.io.rows import RowReader, build_opportunity, flag_duplicate_ids

__all__ = ["read_rows"]

# The order in which the CSV reader checks a row's cells.
_CHECK_ORDER = (
    "id",
    "name",
    "account",
    "owner",
    "stage",
    "created",
    "expected_close",
    "amount",
    "products",
    "currency",
    "probability",
    "facts",
    "closed_on",
)
# A cell of the wrong type is replaced by a value its column reads without a
# problem of its own (the row is refused anyway: it already has one).
_PLACEHOLDERS = {
    "currency": "USD",
    "amount": "0",
    "created": "2000-01-01",
    "expected_close": "2000-01-01",
}
# Cells whose emptiness is no problem of its own.
_OPTIONAL = frozenset({"probability", "facts", "products", "closed_on", "notes", "lost_reason"})
_FLAGS = frozenset({"is_closed", "is_won", "active"})
_TEXT_FIX = (
    "hold text in this column (pandas: df[c].astype(str); polars: pl.col(c).cast(pl.String))"
)


def _placeholder(field: str | None) -> str:
    if field is None or field in _OPTIONAL:
        return ""
    return _PLACEHOLDERS.get(field, "x")


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    raise BadCell(f"is {type(value).__name__}, not text", _TEXT_FIX)


def _facts(value: object) -> str:
    if isinstance(value, Mapping):
        try:
            return json.dumps(v.facts_to_json(value), ensure_ascii=False)
        except (AttributeError, TypeError, ValueError):
            raise BadCell("holds a value that is not a fact", v.FACTS_FIX) from None
    return _text(value)


def to_text(field: str | None, value: object, options: CellOptions) -> str:
    """Return the CSV text of a cell of ``field``.

    Raises:
        BadCell: When the cell's type cannot be read exactly.
    """
    if is_missing(value):
        return ""
    if field in DATE_FIELDS:
        return date_text(value, tz=options.tz)
    if field == "amount":
        return amount_text(value, allow_float=options.allow_float)
    if field == "probability":
        return probability_text(value)
    if field == "facts":
        return _facts(value)
    if field in _FLAGS and isinstance(value, bool):
        return "true" if value else "false"
    return _text(value)


@attrs.frozen
class _Header:
    """The frame's columns as fields: which column gives which field, as written."""

    columns: Mapping[str, int]
    written: Mapping[str, str]
    marks: Mapping[int, str]
    problems: list[Problem]


def _read_header(
    name: str,
    header: Sequence[str],
    records: list[tuple[int, list[str]]],
    *,
    funnel: Funnel,
    ignore: Collection[str],
    mapping: ImportMapping,
) -> _Header:
    """Map the headers to fields and report the header's problems (unknown, missing, twice)."""
    aliases = {normalise(c): c for c in COLUMNS}
    for written in header:
        field = mapping.field_of(written)
        if field is not None:
            aliases[normalise(written)] = field
    head = header_fields(
        name,
        list(header),
        records,
        aliases,
        (*ignore, *mapping.ignore),
        stage_mark_headers(funnel),
        unknown=mapping.unknown_columns,
    )
    problems = [attrs.evolve(p, row=None) for p in head.problems]
    have = {*head.columns, *mapping.defaults}
    outcome = bool(have & set(STATUS_FIELDS)) or bool(head.marks)
    problems.extend(
        Problem(
            name,
            None,
            column,
            None,
            "required column is missing",
            f"add a column {column!r}, map one with columns={{'<header>': {column!r}}}, "
            f"or give a default with defaults={{{column!r}: '...'}}",
        )
        for column in REQUIRED
        if column not in have and not (column == "stage" and outcome)
    )
    if not have & {"amount", "products"}:
        problems.append(
            Problem(
                name,
                None,
                "amount",
                None,
                "required column is missing",
                "add an 'amount' column (or map one with columns={'<header>': 'amount'}), "
                "or 'products' with NAME=AMOUNT entries",
            )
        )
    return _Header(head.columns, head.written, head.marks, problems)


def read_rows(
    name: str,
    header: Sequence[str],
    columns: Sequence[Sequence[object]],
    *,
    funnel: Funnel,
    ignore: Collection[str],
    mapping: ImportMapping,
    options: CellOptions,
) -> ReadResult[Opportunity]:
    """Read a frame's cells (column by column) into opportunities and problems.

    Args:
        name: The frame's name in problems.
        header: The column names, as written.
        columns: Each column's values, in frame order.
        funnel: The funnel whose stages the data uses.
        ignore: Headers of columns to skip on purpose.
        mapping: How the frame's headers, stage names and values map.
        options: How to read typed cells (floats, date-times).

    Returns:
        The good opportunities and every problem.
    """
    fields = [mapping.field_of(h) for h in header]
    n = len(columns[0]) if columns else 0
    records: list[tuple[int, list[str]]] = [(i, []) for i in range(n)]
    typed: dict[int, list[Problem]] = {}
    skip = {h.strip() for h in (*ignore, *mapping.ignore)}
    for written, field, values in zip(header, fields, columns, strict=True):
        for i, value in enumerate(values):
            try:
                text = to_text(field, value, options)
            except BadCell as err:
                text = funnel.keys()[0] if field == "stage" else _placeholder(field)
                if written.strip() not in skip:
                    typed.setdefault(i, []).append(
                        Problem(name, i, written, str(value), err.why, err.fix)
                    )
            records[i][1].append(text)
    head = _read_header(name, header, records, funnel=funnel, ignore=ignore, mapping=mapping)
    if head.problems and any(p.why == "required column is missing" for p in head.problems):
        return ReadResult((), head.problems)
    return _Rows(name, head, funnel, mapping).read(records, typed)


@attrs.frozen
class _Rows:
    """Builds the opportunities of the rows, given the header."""

    name: str
    head: _Header
    funnel: Funnel
    mapping: ImportMapping

    def _order(self, problem: Problem) -> int:
        """A row's problems in the order the CSV reader checks its cells."""
        column_of = {h: c for c, h in self.head.written.items()}
        column = column_of.get(problem.column or "", problem.column)
        return _CHECK_ORDER.index(column) if column in _CHECK_ORDER else len(_CHECK_ORDER)

    def read(
        self, records: list[tuple[int, list[str]]], typed: Mapping[int, list[Problem]]
    ) -> ReadResult[Opportunity]:
        """Read every row; rows with an unmapped stage name are reported once, all together."""
        name, head, funnel, mapping = self.name, self.head, self.funnel, self.mapping
        problems = list(head.problems)
        rows: list[tuple[Row, list[Problem]]] = []
        for line, cells in records:
            if not any(c.strip() for c in cells) and line not in typed:
                problems.append(
                    Problem(name, line, None, None, "the row is empty", "drop it, or fill it in")
                )
                continue
            mark = None
            if head.marks:
                mark, mark_problems = stage_mark(name, line, cells, head.marks)
                if mark is None:
                    problems.extend([*typed.get(line, []), *mark_problems])
                    continue
            row = Row(line, {c: cells[i] for c, i in head.columns.items()}, mark)
            rows.append((row, list(typed.get(line, []))))
        canonical = mapping.canonical_rows([row.cells for row, _ in rows], funnel)
        converted = [(row, canon, t) for (row, t), canon in zip(rows, canonical, strict=True)]
        stage_values = [
            row.cells.get("stage", "")
            for row, canon, _ in converted
            if not canon.stage_from_outcome and row.mark is None
        ]
        found = unmapped_stages(stage_values, funnel, mapping)
        unmapped = {s.name for s in found}
        if found:
            count = len(found)
            problems.append(
                Problem(
                    name,
                    None,
                    head.written.get("stage", "stage"),
                    None,
                    f"{count} stage name{'s' if count != 1 else ''} "
                    f"{'have' if count != 1 else 'has'} no mapping: "
                    + ", ".join(str(s) for s in found),
                    stage_fix(found, funnel),
                )
            )
        built: list[tuple[Row, Opportunity | None, list[Problem]]] = []
        memo = Memo()  # each distinct cell text of a column parsed once
        for row, canon, row_typed in converted:
            if not canon.stage_from_outcome and row.cells.get("stage", "").strip() in unmapped:
                continue
            reader = RowReader(
                name, Row(row.line, canon.cells, row.mark), head.written, canon.quiet, memo
            )
            if any(p.column == head.written.get("id") for p in row_typed):
                reader.opp_id = None
            reader.problems.extend(attrs.evolve(p, opportunity_id=reader.opp_id) for p in row_typed)
            reader.problems.extend(
                Problem(name, row.line, head.written.get(f, f), value, why, fix, reader.opp_id)
                for f, value, why, fix in canon.problems
            )
            opportunity = build_opportunity(reader, funnel, None)
            built.append((row, opportunity, sorted(reader.problems, key=self._order)))
        flag_duplicate_ids(name, built, head.written.get("id", "id"))
        records_out: list[Opportunity] = []
        for _, opportunity, row_problems in built:
            problems.extend(row_problems)
            if opportunity is not None and not row_problems:
                records_out.append(opportunity)
        return ReadResult(records_out, problems)
