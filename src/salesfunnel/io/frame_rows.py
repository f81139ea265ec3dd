"""The values of one opportunity in the CSV columns, typed: what a DataFrame row holds.

:func:`record_values` gives them for a record; :func:`quick_values` for a row
of a file whose every cell is good, without building the record. The frames'
writers (:func:`~salesfunnel.frames.to_polars`, ...) and the checked read
into a frame (:func:`~salesfunnel.frames.read_frame`) both give these, so a
frame read from a file equals the frame of the records read from it.

The values, in the order of :data:`~salesfunnel.io.COLUMNS`: the texts, the
stage key, dates, the amount (a ``Decimal``), the currency code, the products
text (empty for one line without a product name, else ``ERP=100;CRM=20``),
the probability (a ``Decimal`` or ``None``), the facts as a JSON object text
(empty for none), the close date or ``None``, the lost reason or ``None``,
the notes and the manual category or ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias

from salesfunnel.funnel._checks import reconcile_lines
from salesfunnel.funnel.machine import snapshot_ok
from salesfunnel.funnel.records import LineItem, one_line
from salesfunnel.io import _values as v
from salesfunnel.qualification.facts import as_facts

if TYPE_CHECKING:
    from salesfunnel.funnel.opportunity import Opportunity
    from salesfunnel.funnel.stages import Funnel
    from salesfunnel.io._events import Events
    from salesfunnel.io._memo import Memo

__all__ = ["Values", "quick_values", "record_values"]

#: One row's values, in the order of :data:`~salesfunnel.io.COLUMNS`.
Values: TypeAlias = tuple[object, ...]


def _products(lines: Sequence[LineItem]) -> str:
    """The products cell of a record's lines: empty for one line without a product name."""
    if len(lines) == 1 and lines[0].product == "":
        return ""
    return v.format_products(lines)


def record_values(o: Opportunity) -> Values:
    """The values of ``o`` in the CSV columns (see the module docs)."""
    return (
        o.id,
        o.name,
        o.account,
        o.owner,
        o.stage,
        o.created,
        o.expected_close,
        o.amount,
        o.currency,
        _products(o.line_items),
        o.probability,
        v.format_facts(o.facts),
        o.closed_on,
        o.lost_reason,
        o.notes,
        o.category_override,
    )


#: Nothing the row gives: the caller builds its record.
_NO = None


def _money(
    memo: Memo, amount: object, amount_text: str, pairs: object, products_text: str
) -> tuple[Decimal, str] | None:
    """The amount and products cell the record of these cells would have, or ``None``.

    The lines are built and added up by the constructor's own functions
    (:func:`~salesfunnel.funnel.records.one_line`,
    :func:`~salesfunnel.funnel._checks.reconcile_lines`), once per distinct
    products and amount texts. Their amounts come from the parsers, which
    check them by the same rule, so these functions refuse none of them.
    """
    if pairs is None:
        # one line without a product, shared as the constructor shares it
        return None if amount is None else (one_line("", amount)[0].amount, "")
    bare = pairs[0][1] is None  # type: ignore[index]
    if bare and amount is None:
        return _NO
    key = (products_text, amount_text if bare else None)
    table = memo["frame products="]
    found = table.get(key)
    if found is None:
        lines: tuple[LineItem, ...] = v.make_lines(pairs, amount if bare else None)  # type: ignore[arg-type]
        if len(lines) == 1:  # the constructor's one-line path
            total = one_line(lines[0].product, lines[0].amount)[0].amount
        else:
            total, lines = reconcile_lines("", None, lines, None)
        found = (total, _products(lines))
        memo.keep("frame products=", key, found)
    if amount is not None and amount != found[0]:  # type: ignore[index]
        return _NO  # the lines disagree with the amount: the record's check reports it
    return found  # type: ignore[return-value]


def _facts(memo: Memo, facts: object, facts_text: str) -> str:
    """The facts cell the record would have: the parsed facts as the record keeps them, written."""
    if not facts:
        return ""
    table = memo["frame facts="]
    found = table.get(facts_text)
    if found is None:
        found = v.format_facts(as_facts(facts))  # type: ignore[arg-type]
        memo.keep("frame facts=", facts_text, found)
    return found  # type: ignore[return-value]


def quick_values(
    funnel: Funnel,
    events: Events | None,
    memo: Memo,
    opp_id: str,
    texts: tuple[str, str, str, str, str, str, str, str, str],
    values: tuple[object, object, object, object, object, object, object, object, object],
) -> Values | None:
    """The values of the record a row whose every cell is good would give, without building it.

    The arguments are those of :func:`~salesfunnel.io.rows.quick_opportunity`.
    ``None`` at the first sign of a problem (an empty required cell, a manual
    category, dates or a stage that the domain's rules refuse, lines that
    disagree with the amount) or with events: the caller then builds the
    record, which reports it. The dates and the stage are judged by
    :func:`~salesfunnel.funnel.machine.snapshot_ok`, the lines and facts by
    the constructor's own functions; a property test holds the values equal
    to :func:`record_values` of the record built.
    """
    name, account, owner, amount_text, products_text, facts_text, lost, notes, category = texts
    if category or events is not None:
        return _NO
    stage, created, expected, amount, pairs, currency, probability, facts, closed_on = values
    if not (opp_id and name.strip() and account.strip() and owner.strip()):
        return _NO
    if stage is None or created is None or expected is None or currency is None:
        return _NO
    if not snapshot_ok(funnel, stage, created, expected, closed_on, lost=bool(lost)):  # type: ignore[arg-type]
        return _NO
    money = _money(memo, amount, amount_text, pairs, products_text)
    if money is None:
        return _NO
    return (
        opp_id,
        name,
        account,
        owner,
        stage,
        created,
        expected,
        money[0],
        currency,
        money[1],
        probability,
        _facts(memo, facts, facts_text),
        closed_on,
        lost or None,
        notes,
        None,
    )
