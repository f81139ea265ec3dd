"""Reading the rows of a frame with the CSV reader's own checks.

A frame's cells are first turned into the text a CSV cell would hold (a
``Decimal`` amount into ``120000.50``, a date into ``2026-06-30``); a cell
whose *type* cannot be read exactly (a float amount, a datetime where a date
goes) becomes a problem of its own. Then the headers and rows go through the
same code as a CSV file (:mod:`salesfunnel.io.csv_format`): the same aliases,
required columns, value checks and duplicate ids, so a bad frame reports
every problem at once exactly like a bad CSV file. Problems name the row by
its position in the frame (0 for the first row) and the column as written.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import attrs

from salesfunnel.frames._common import is_missing
from salesfunnel.io import _values as v
from salesfunnel.io._columns import REQUIRED, normalise, stage_mark_headers
from salesfunnel.io._table import Row, _header, _mark
from salesfunnel.io.csv_format import _ALIASES, _build, _RowReader, flag_duplicate_ids
from salesfunnel.io.problems import Problem, ReadResult
from salesfunnel.model import Opportunity
from salesfunnel.stages import Funnel

__all__ = ["read_rows"]

_DATES = frozenset({"created", "expected_close", "closed_on"})
# A cell of the wrong type is replaced by a value its column reads without a
# problem of its own (the row is refused anyway: it already has one).
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
_PLACEHOLDERS = {"stage": "", "currency": "USD"}
_TEXT_FIX = (
    "hold text in this column (pandas: df[c].astype(str); polars: pl.col(c).cast(pl.String))"
)
_DATE_FIX = (
    "hold plain dates (pandas: df[c].dt.date, dtype date32[pyarrow]; polars: pl.Date), "
    "or ISO text such as 2026-03-31"
)
_MONEY_FIX = (
    "hold exact amounts: Decimal objects (df[c].map(Decimal) on text), whole numbers, "
    "or text such as 120000.50"
)


def _text(value: object) -> tuple[str, str | None, str]:
    if isinstance(value, str):
        return value, None, ""
    return "x", f"is {type(value).__name__}, not text", _TEXT_FIX


def _date(value: object) -> tuple[str, str | None, str]:
    if isinstance(value, datetime):
        return "2000-01-01", f"is a datetime ({value}), not a date", _DATE_FIX
    if isinstance(value, date):
        return value.isoformat(), None, ""
    if isinstance(value, str):
        return value, None, ""
    return "2000-01-01", f"is {type(value).__name__}, not a date", _DATE_FIX


def _money(value: object) -> tuple[str, str | None, str]:
    if isinstance(value, str):
        return value, None, ""
    if isinstance(value, Decimal):
        return v.format_amount(value), None, ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), None, ""
    if isinstance(value, float):
        return "0", "is a float, which is not exact", _MONEY_FIX
    return "0", f"is {type(value).__name__}, not a number", _MONEY_FIX


def _probability(value: object) -> tuple[str, str | None, str]:
    if isinstance(value, float):  # a statistic: read through its shortest repr, as the core does
        return repr(value), None, ""
    if isinstance(value, bool):
        return "", "is a bool, not a probability", "give a share such as 0.6"
    return _money(value)


def _facts(value: object) -> tuple[str, str | None, str]:
    if isinstance(value, Mapping):
        try:
            return json.dumps(v.facts_to_json(value), ensure_ascii=False), None, ""
        except (AttributeError, TypeError, ValueError):
            return "", "holds a value that is not a fact", v.FACTS_FIX
    return _text(value)


def to_text(column: str | None, value: object) -> tuple[str, str | None, str]:
    """Return the CSV text of a cell of ``column``, or a placeholder and why the type is wrong.

    Returns:
        ``(text, why, fix)``: ``why`` is ``None`` when the cell is readable.
    """
    if is_missing(value):
        return "", None, ""
    if column in _DATES:
        return _date(value)
    if column == "amount":
        return _money(value)
    if column == "probability":
        return _probability(value)
    if column == "facts":
        return _facts(value)
    return _text(value)


def read_rows(
    name: str,
    header: Sequence[str],
    columns: Sequence[Sequence[object]],
    *,
    funnel: Funnel,
    ignore: Collection[str],
) -> ReadResult[Opportunity]:
    """Read a frame's cells (column by column) into opportunities and problems.

    Args:
        name: The frame's name in problems.
        header: The column names, as written.
        columns: Each column's values, in frame order.
        funnel: The funnel whose stages the data uses.
        ignore: Headers of columns to skip on purpose.

    Returns:
        The good opportunities and every problem.
    """
    canonical = [_ALIASES.get(normalise(h)) for h in header]
    n = len(columns[0]) if columns else 0
    records: list[tuple[int, list[str]]] = [(i, []) for i in range(n)]
    typed: dict[int, list[Problem]] = {}
    for written, column, values in zip(header, canonical, columns, strict=True):
        for i, value in enumerate(values):
            text, why, fix = to_text(column, value)
            if why is not None and column in _PLACEHOLDERS:
                text = funnel.keys()[0] if column == "stage" else _PLACEHOLDERS[column]
            records[i][1].append(text)
            if why is not None and written.strip() not in ignore:
                typed.setdefault(i, []).append(Problem(name, i, written, str(value), why, fix))
    head = _header(name, list(header), records, _ALIASES, ignore, stage_mark_headers(funnel))
    problems = [attrs.evolve(p, row=None) for p in head.problems]
    missing = [c for c in REQUIRED if c not in head.columns and not (c == "stage" and head.marks)]
    problems.extend(
        Problem(name, None, c, None, "required column is missing", f"add a column {c!r}")
        for c in missing
    )
    if "amount" not in head.columns and "products" not in head.columns:
        problems.append(
            Problem(
                name,
                None,
                "amount",
                None,
                "required column is missing",
                "add an 'amount' column, or 'products' with NAME=AMOUNT entries",
            )
        )
        missing.append("amount")
    if missing:
        return ReadResult((), problems)
    return _read(name, head.columns, head.written, head.marks, records, typed, funnel, problems)


def _read(
    name: str,
    columns: Mapping[str, int],
    written: Mapping[str, str],
    marks: Mapping[int, str],
    records: list[tuple[int, list[str]]],
    typed: Mapping[int, list[Problem]],
    funnel: Funnel,
    problems: list[Problem],
) -> ReadResult[Opportunity]:
    built: list[tuple[Row, Opportunity | None, list[Problem]]] = []
    column_of = {head: column for column, head in written.items()}

    def order(problem: Problem) -> int:
        """A row's problems in the order the CSV reader checks its cells."""
        column = column_of.get(problem.column or "")
        return _CHECK_ORDER.index(column) if column in _CHECK_ORDER else len(_CHECK_ORDER)

    for line, cells in records:
        if not any(c.strip() for c in cells) and line not in typed:
            problems.append(
                Problem(name, line, None, None, "the row is empty", "drop it, or fill it in")
            )
            continue
        mark = None
        if marks:
            mark, mark_problems = _mark(name, line, cells, marks)
            if mark is None:
                problems.extend([*typed.get(line, []), *mark_problems])
                continue
        row = Row(line, {c: cells[i] for c, i in columns.items()}, mark)
        reader = _RowReader(name, row, written)
        if any(p.column == written.get("id") for p in typed.get(line, [])):
            reader.opp_id = None
        reader.problems.extend(
            attrs.evolve(p, opportunity_id=reader.opp_id) for p in typed.get(line, [])
        )
        opportunity = _build(reader, funnel, None)
        built.append((row, opportunity, sorted(reader.problems, key=order)))
    flag_duplicate_ids(name, built, written.get("id", "id"))
    records_out: list[Opportunity] = []
    for _, opportunity, row_problems in built:
        problems.extend(row_problems)
        if opportunity is not None and not row_problems:
            records_out.append(opportunity)
    return ReadResult(records_out, problems)
