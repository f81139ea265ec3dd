"""One row of an opportunities table into an :class:`~salesfunnel.funnel.opportunity.Opportunity`, every problem collected.

The CSV reader, the import-mapping reader and the DataFrame readers
(:mod:`salesfunnel.frames`) all build records through :class:`RowReader` and
:func:`build_opportunity`, so a bad cell gets the same problem, with the same
fix, whatever the file or frame it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from salesfunnel.errors import FunnelError
from salesfunnel.forecasting.kinds import ForecastCategory, InvalidCategoryError
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import Reprice, Reschedule
from salesfunnel.funnel.stages import Funnel
from salesfunnel.io import _values as v
from salesfunnel.io._columns import COLUMNS, HEADERS_EN, HEADERS_ZH, header_aliases
from salesfunnel.io._events import Events
from salesfunnel.io._memo import Memo
from salesfunnel.io._table import Row
from salesfunnel.io.problems import Problem, some_of

__all__ = [
    "COLUMN_ALIASES",
    "RowReader",
    "build_opportunity",
    "flag_duplicate_ids",
    "quick_opportunity",
]


COLUMN_ALIASES = header_aliases(COLUMNS, HEADERS_ZH, HEADERS_EN)


# Constructor errors name a field; report them against this column.
_FIELD_COLUMN = {"line_items": "products"}


class RowReader:
    """Reads one row's cells into constructor arguments, collecting problems.

    ``quiet`` names the columns whose problems were already reported (by an
    import mapping converting the row), so they are not reported twice;
    ``memo`` holds the parsed cells of the read (one per distinct text of a
    column), shared by all its rows.
    """

    __slots__ = ("headers", "memo", "name", "opp_id", "problems", "quiet", "row")

    def __init__(
        self,
        name: str,
        row: Row,
        headers: Mapping[str, str],
        quiet: Collection[str],
        memo: Memo,
    ) -> None:
        self.name = name
        self.row = row
        self.headers = headers
        self.quiet = quiet
        self.memo = memo
        self.problems: list[Problem] = []
        self.opp_id = row.cells.get("id", "") or None

    def bad(self, column: str | None, why: str, fix: str = "") -> None:
        """Record a problem of ``column`` (unless the mapping already reported it)."""
        if column is not None and column in self.quiet:
            return
        head = self.headers.get(column, column) if column is not None else None
        value = self.row.cells.get(column) if column is not None else None
        self.problems.append(Problem(self.name, self.row.line, head, value, why, fix, self.opp_id))

    def text(self, column: str) -> str:
        """Return a required text cell, recording a problem when it is empty."""
        value = self.row.cells.get(column, "")
        if not value.strip():
            self.bad(column, "is empty", _fill_fix(column))
        return value

    def parse(
        self, column: str, parser: Callable[[str], object], *, required: bool = False
    ) -> object:
        """Parse a cell with ``parser``, recording its problem; ``None`` for an empty optional cell."""
        value = self.row.cells.get(column)
        if value is None:
            return None
        if not value.strip():
            if required:
                self.bad(column, "is empty", _fill_fix(column))
            return None
        table = self.memo[column]
        found = table.get(value, table)  # the table itself: not seen yet
        if found is table:
            found = self.memo.miss(table, parser, value)
        if isinstance(found, v.BadValue):
            self.bad(column, found.why, found.fix)
            return None
        return found


def _line_items(reader: RowReader) -> tuple[object, object]:
    """Return ``(amount, line_items)`` from the amount and products cells."""
    cells = reader.row.cells
    no_products = not cells.get("products", "").strip()
    if no_products and "amount" not in cells:
        reader.bad("products", "is empty", "give NAME=AMOUNT entries, or add an amount column")
    amount = reader.parse("amount", v.parse_amount, required=no_products)
    pairs = reader.parse("products", lambda t: v.parse_products(t, bare_ok=True))
    if not isinstance(pairs, tuple):
        return amount, None
    bare = pairs[0][1] is None  # one product named without an amount: the amount column's
    if bare and amount is None:
        if not reader.problems:
            reader.bad(
                "products",
                "names a product without an amount, and the amount column is empty",
                "write NAME=AMOUNT, or fill the amount column",
            )
        return amount, None
    # keyed by the texts: Decimal("1.0") == Decimal("1"), but the lines keep the text's places
    key = (cells["products"], cells.get("amount") if bare else None)
    lines = reader.memo["products="].get(key)
    if lines is None:
        lines = v.make_lines(pairs, amount if bare else None)  # type: ignore[arg-type]
        reader.memo.keep("products=", key, lines)
    return amount, lines


def _fill_fix(column: str) -> str:
    article = "an" if column[:1] in "aeiou" else "a"
    return (
        f"every opportunity needs {article} {column}: fill it in, or give a default "
        f"with defaults={{{column!r}: '...'}} (--default {column}=...)"
    )


def build_opportunity(
    reader: RowReader, funnel: Funnel, events: Events | None
) -> Opportunity | None:
    """Build the opportunity of one row, or record why it cannot be built."""
    cells = reader.row.cells
    opp_id = reader.text("id")
    name, account, owner = (reader.text(c) for c in ("name", "account", "owner"))
    stage = reader.row.mark or reader.parse(
        "stage", lambda t: v.parse_stage(t, funnel), required=True
    )
    created = reader.parse("created", v.parse_date, required=True)
    expected = reader.parse("expected_close", v.parse_date, required=True)
    if "expected_close" not in cells:  # a mapped export may give only closed deals' dates
        reader.bad("expected_close", "is missing", _fill_fix("expected_close"))
    amount, lines = _line_items(reader)
    currency = reader.parse("currency", v.parse_currency, required=True)
    probability = reader.parse("probability", v.parse_probability)
    facts = reader.parse("facts", v.parse_facts)
    closed_on = reader.parse("closed_on", v.parse_date)
    if reader.problems:
        return None
    shared = reader.memo if facts else None
    if shared is not None:  # one Facts object for every row with the same facts text
        facts = shared["facts="].get(cells["facts"], facts)
    history = revisions = None
    if events is not None and opp_id not in events.bad_ids:
        history = events.history.get(opp_id)
        revisions = events.revisions.get(opp_id)
    try:
        opportunity = Opportunity(
            id=opp_id,
            name=name,
            account=account,
            owner=owner,
            stage=stage,  # type: ignore[arg-type]
            created=created,  # type: ignore[arg-type]
            expected_close=expected,  # type: ignore[arg-type]
            amount=amount if lines is None else None,  # type: ignore[arg-type]
            currency=currency,  # type: ignore[arg-type]
            line_items=lines,  # type: ignore[arg-type]
            probability=probability,  # type: ignore[arg-type]
            facts=facts,  # type: ignore[arg-type]
            history=history,
            revisions=revisions or (),
            closed_on=closed_on,  # type: ignore[arg-type]
            lost_reason=cells.get("lost_reason") or None,
            notes=cells.get("notes", ""),
            category_override=cells.get("category_override") or None,
        )
        if _disagrees(reader, opportunity) or not _known_category(reader, opportunity):
            return None
        if amount is not None and lines is not None and amount != opportunity.amount:
            reader.bad(
                "amount",
                f"is not the sum of the products' amounts ({opportunity.amount})",
                "correct the amount or the products, or leave the amount empty",
            )
            return None
        checked = funnel.check(opportunity)
    except FunnelError as err:
        field = getattr(err, "field", None)
        column = _FIELD_COLUMN.get(field, field) if isinstance(field, str) else None
        reader.bad(column if column in cells else None, str(err))
        return None
    if shared is not None:
        shared.keep("facts=", cells["facts"], checked.facts)
    return checked


def quick_opportunity(
    funnel: Funnel,
    events: Events | None,
    memo: Memo,
    opp_id: str,
    texts: tuple[str, str, str, str, str, str, str, str, str],
    values: tuple[object, object, object, object, object, object, object, object, object],
) -> Opportunity | None:
    """The opportunity :func:`build_opportunity` builds from a row whose every cell is good, or ``None``.

    The columnar readers check each column's distinct texts with the parsers
    of :class:`RowReader` (the one copy of each cell's rule) and call this for
    a row none of whose cells has a problem. It builds what
    :func:`build_opportunity` would, through the same constructor and
    checks, and gives ``None`` at the first sign of a problem (an empty
    required cell, a failed constructor or funnel check, a disagreeing
    revision, a manual category): the caller then reads the row with
    :func:`build_opportunity`, which reports it. A speed-only path: it skips
    the per-cell calls of :class:`RowReader` (see ``benchmarks/bench_io.py``).

    ``texts`` are the name, account, owner, amount, products, facts,
    lost_reason, notes and category_override cells (empty when the column is
    absent); ``values`` the parsed stage, created, expected close, amount,
    products pairs, currency, probability, facts and closed-on date (``None``
    for an empty or absent cell).
    """
    name, account, owner, amount_text, products_text, facts_text, lost, notes, category = texts
    if category:  # its checks report; a manual category is rare
        return None
    stage, created, expected, amount, pairs, currency, probability, facts, closed_on = values
    if not (opp_id and name.strip() and account.strip() and owner.strip()):
        return None
    if stage is None or created is None or expected is None or currency is None:
        return None
    lines: object = None
    if pairs is None:
        if amount is None:
            return None
    else:
        bare = pairs[0][1] is None  # type: ignore[index]
        if bare and amount is None:
            return None
        key = (products_text, amount_text if bare else None)
        lines = memo["products="].get(key)
        if lines is None:
            lines = v.make_lines(pairs, amount if bare else None)  # type: ignore[arg-type]
            memo.keep("products=", key, lines)
    if facts:  # one Facts object for every row with the same facts text
        facts = memo["facts="].get(facts_text, facts)
    history = revisions = None
    if events is not None and opp_id not in events.bad_ids:
        history = events.history.get(opp_id)
        revisions = events.revisions.get(opp_id)
    total: object = amount
    product = None
    if lines is not None and len(lines) == 1:  # type: ignore[arg-type]
        # one line: the constructor's one-line path takes it (the line is shared, and checked)
        total, product, lines = lines[0].amount, lines[0].product, None  # type: ignore[index]
    elif lines is not None:
        total = None
    try:
        opportunity = Opportunity(
            id=opp_id,
            name=name,
            account=account,
            owner=owner,
            stage=stage,  # type: ignore[arg-type]
            created=created,  # type: ignore[arg-type]
            expected_close=expected,  # type: ignore[arg-type]
            amount=total,  # type: ignore[arg-type]
            currency=currency,  # type: ignore[arg-type]
            line_items=lines,  # type: ignore[arg-type]
            probability=probability,  # type: ignore[arg-type]
            facts=facts,  # type: ignore[arg-type]
            history=history,
            revisions=revisions or (),
            closed_on=closed_on,  # type: ignore[arg-type]
            lost_reason=lost or None,
            notes=notes,
            product=product,
        )
        if revisions and _disagreements(opportunity):
            return None
        if amount is not None and pairs is not None and amount != opportunity.amount:
            return None
        checked = funnel.check(opportunity)
    except FunnelError:
        return None
    if facts:
        memo.keep("facts=", facts_text, checked.facts)
    return checked


def _disagreements(opportunity: Opportunity) -> list[tuple[str, str, str]]:
    """The column, why and fix of each way the last reschedule or reprice disagrees with the row."""
    last_date = last_lines = None
    for rev in opportunity.revisions:
        if isinstance(rev, Reschedule):
            last_date = rev
        elif isinstance(rev, Reprice):
            last_lines = rev
    found: list[tuple[str, str, str]] = []
    if last_date is not None and last_date.new != opportunity.expected_close:
        found.append(
            (
                "expected_close",
                f"disagrees with the last reschedule in the events file ({last_date.new})",
                "correct the expected close date or the reschedule's new date",
            )
        )
    if last_lines is not None and last_lines.new_amount != opportunity.amount:
        found.append(
            (
                "amount",
                f"disagrees with the last reprice in the events file ({last_lines.new_amount})",
                "correct the amount or the reprice's new line items",
            )
        )
    return found


def _disagrees(reader: RowReader, opportunity: Opportunity) -> bool:
    """Record a problem when the last reschedule or reprice disagrees with the row."""
    for column, why, fix in _disagreements(opportunity):
        reader.bad(column, why, fix)
    return bool(reader.problems)


def _known_category(reader: RowReader, opportunity: Opportunity) -> bool:
    """Whether the row's manual category names a category (a value, a name or a CRM name)."""
    text = opportunity.category_override
    if text is None:
        return True
    try:
        category = ForecastCategory.parse(text)
    except InvalidCategoryError:
        names = ", ".join(c.value for c in ForecastCategory if c is not ForecastCategory.BOOKED)
        reader.bad(
            "category_override",
            f"names no forecast category ({text!r})",
            f"use one of {names}, or a CRM name such as 'Best Case'; leave it empty for none",
        )
        return False
    if category is ForecastCategory.BOOKED and opportunity.closed_on is None:
        reader.bad(
            "category_override",
            "books a deal that is not won",
            "win it (closed stage and closed_on), or use 'commit'",
        )
        return False
    return True


def flag_duplicate_ids(
    name: str, built: Sequence[tuple[Row, Opportunity | None, list[Problem]]], id_column: str
) -> dict[str, list[int]]:
    """Add a "duplicated id" problem to each row whose id is on another row too.

    Shared by every reader of rows (CSV files, DataFrames), so that a duplicate
    is reported the same way wherever the rows come from.

    Args:
        name: The source's name, for the problems.
        built: Each row with the opportunity built from it (or ``None``) and
            its list of problems, which this extends.
        id_column: The id column's name as written in the source.

    Returns:
        Each id and the rows it is on.
    """
    seen: dict[str, list[int]] = {}
    for row, _, _ in built:
        seen.setdefault(row.cells.get("id", ""), []).append(row.line)
    for row, _, row_problems in built:
        opp_id = row.cells.get("id", "")
        lines = seen.get(opp_id, [])
        if opp_id and len(lines) > 1:
            others = some_of(n for n in lines if n != row.line)
            row_problems.append(
                Problem(
                    name,
                    row.line,
                    id_column,
                    opp_id,
                    f"duplicated id: also on row {others}",
                    "give every opportunity its own id",
                    opp_id,
                )
            )
    return seen
