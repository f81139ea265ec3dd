"""Opportunity documents read and written directly: no cattrs dispatch per field.

A speed-only second copy of what the codec (:mod:`salesfunnel.io._converter`)
does with a well-formed ``salesfunnel/opportunities`` document, measured by
``benchmarks/bench_json.py`` (the codec's dispatch, per field and per entry,
was most of the time of :func:`~salesfunnel.io.loads` and
:func:`~salesfunnel.io.dumps`). It takes each field as the codec's hook for
its type does, with the same functions for the rules (``parse_date``,
``plain_decimal``, ``json_fact``, and every constructor, which checks its
record), but keeps no record of where a value sits: on anything it does not
expect, it raises whatever it meets, and the caller runs the codec, which
finds the problems and names their JSON paths. So a document gives the same
records, or the same problems, whichever path read it.

Equal texts of a document give one shared value (a date, an amount, a line
item, a history entry), for the length of one read: values are immutable,
and a document repeats them. The reader counts the members of the objects
it reads as it goes, which clears a text parsed in one C pass of repeated
keys with no second walk (:class:`~salesfunnel.io.json_bounds.Parsed`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import (
    ChangeKind,
    LineItem,
    Override,
    Reprice,
    Reschedule,
    Revision,
    StageChange,
)
from salesfunnel.io import _values as v
from salesfunnel.io._converter import REVISION_KINDS, REVISION_NAMES, fact_out
from salesfunnel.qualification import Facts

__all__ = [
    "DETAILED",
    "opportunity_dict",
    "read_records",
    "reader",
    "write_body",
]

#: A converter of one JSON value to a field's value; it raises on anything else.
Read = Callable[[Any], Any]

#: The most distinct texts remembered per kind of value in one read.
_LIMIT = 50_000

_KINDS = {kind.value: kind for kind in ChangeKind}

#: The fields of an opportunity that a document must hold.
_REQUIRED = frozenset(
    ("id", "name", "account", "owner", "stage", "created", "expected_close", "currency")
)

#: The number of keys of a history entry as :func:`opportunity_dict` writes it.
_CHANGE_KEYS = 7

#: A history entry's values but its skipped stages, ``forced`` last (a cache key).
_CHANGE_KEY = operator.itemgetter("from_stage", "to_stage", "on", "reason", "kind", "forced")

#: The number of keys of an opportunity as :func:`opportunity_dict` writes it.
_OPPORTUNITY_KEYS = 18

#: The text fields of an opportunity.
_TEXTS = operator.itemgetter("id", "name", "account", "owner", "stage", "currency", "notes")

#: The facts values a document holds as the facts hold them (no decoding).
_PLAIN_FACTS = frozenset({bool, str, int, type(None)})


def _text(value: Any) -> str:  # noqa: ANN401  (a JSON value)
    if type(value) is not str:
        raise TypeError(value)
    return value


def _optional_text(value: Any) -> str | None:  # noqa: ANN401
    if value is None or type(value) is str:
        return value
    raise TypeError(value)


def _flag(value: Any) -> bool:  # noqa: ANN401
    if type(value) is not bool:
        raise TypeError(value)
    return value


def _kind(value: Any) -> ChangeKind:  # noqa: ANN401
    if type(value) is not str:
        raise TypeError(value)
    return _KINDS[value]


def _keys(value: Any) -> tuple[str, ...]:  # noqa: ANN401
    if type(value) is not list:
        raise TypeError(value)
    return tuple(map(_text, value))


def _remember(table: dict[Any, Any], key: object, value: object) -> Any:  # noqa: ANN401
    if len(table) >= _LIMIT:
        table.clear()
    table[key] = value
    return value


def reader() -> tuple[Callable[[Any], Opportunity], Callable[[], int]]:  # noqa: PLR0915  (a closure per kind of field, sharing the read's tables)
    """Return a function that reads one opportunity of a document, and the count of what it read.

    The function raises on any value it does not expect (see the module
    docstring); its tables of values already read last as long as it does.
    The count is of the members of every object it has read (what
    :meth:`~salesfunnel.io.json_bounds.Parsed.cleared` takes).
    """
    tally = [0]
    dates: dict[str, date] = {}
    amounts: dict[str, Decimal] = {}
    lines: dict[tuple[str, str], LineItem] = {}
    changes: dict[tuple[object, ...], StageChange] = {}
    tagged: dict[tuple[object, str], object] = {}

    def day(value: Any) -> date:  # noqa: ANN401
        found = dates.get(value)
        if found is None:
            found = _remember(dates, value, v.parse_date(_text(value)))
        return found

    def optional_day(value: Any) -> date | None:  # noqa: ANN401
        return None if value is None else day(value)

    def number(value: Any) -> Decimal:  # noqa: ANN401
        # only texts are remembered: 1 and True are equal keys, and true is no number
        if type(value) is str:
            found = amounts.get(value)
            if found is None:
                found = _remember(amounts, value, v.plain_decimal(value))
            return found
        if type(value) is not int:
            raise TypeError(value)
        return Decimal(value)

    def optional_number(value: Any) -> Decimal | None:  # noqa: ANN401
        return None if value is None else number(value)

    def line(value: Any) -> LineItem:  # noqa: ANN401
        if type(value) is not dict or len(value) != 2:  # noqa: PLR2004  (product, amount)
            raise TypeError(value)
        tally[0] += 2
        product, amount = value["product"], value["amount"]
        if type(product) is not str or type(amount) is not str:
            return LineItem(product=_text(product), amount=number(amount))
        found = lines.get((product, amount))
        if found is None:
            item = LineItem(product=product, amount=number(amount))
            found = _remember(lines, (product, amount), item)
        return found

    def items(value: Any) -> tuple[LineItem, ...]:  # noqa: ANN401
        if type(value) is not list:
            raise TypeError(value)
        return tuple(map(line, value))

    def built(cls: type, fields: dict[str, Read], value: Any) -> Any:  # noqa: ANN401
        if type(value) is not dict:
            raise TypeError(value)
        tally[0] += len(value)
        return cls(**{key: fields[key](x) for key, x in value.items()})

    change_fields: dict[str, Read] = {
        "from_stage": _optional_text,
        "to_stage": _text,
        "on": day,
        "reason": _optional_text,
        "kind": _kind,
        "skipped": _keys,
        "forced": _flag,
    }

    def change(value: Any) -> StageChange:  # noqa: ANN401
        if type(value) is not dict or len(value) != _CHANGE_KEYS:
            return built(StageChange, change_fields, value)  # type: ignore[no-any-return]
        key = _CHANGE_KEY(value)
        skipped = value["skipped"]
        if type(skipped) is not list or type(key[-1]) is not bool:
            return built(StageChange, change_fields, value)  # type: ignore[no-any-return]
        # Every part of the key but ``forced`` (checked above) is a text or
        # None when read, and only a text equals a text: a key seen before
        # was read from values that read the same.
        if skipped:
            key = (*key, *skipped)
        tally[0] += _CHANGE_KEYS
        found = changes.get(key)
        if found is None:
            from_stage, to_stage, on, reason, kind, forced = key[:6]
            entry = StageChange(
                _optional_text(from_stage),
                _text(to_stage),
                day(on),
                _optional_text(reason),
                _kind(kind),
                _keys(skipped),
                forced,
            )
            found = _remember(changes, key, entry)
        return found

    def history(value: Any) -> tuple[StageChange, ...]:  # noqa: ANN401
        if type(value) is not list:
            raise TypeError(value)
        return tuple(map(change, value))

    revision_fields: dict[type, dict[str, Read]] = {
        Reschedule: {"on": day, "old": day, "new": day, "reason": _optional_text},
        Reprice: {"on": day, "old": items, "new": items, "reason": _optional_text},
        Override: {
            "on": day,
            "old_probability": optional_number,
            "new_probability": optional_number,
            "old_category": _optional_text,
            "new_category": _optional_text,
            "reason": _optional_text,
        },
    }

    def revision(value: Any) -> Revision:  # noqa: ANN401
        if type(value) is not dict:
            raise TypeError(value)
        tally[0] += len(value)
        cls = REVISION_KINDS[value["type"]]
        fields = revision_fields[cls]
        return cls(**{k: fields[k](x) for k, x in value.items() if k != "type"})

    def revisions(value: Any) -> tuple[Revision, ...]:  # noqa: ANN401
        if type(value) is not list:
            raise TypeError(value)
        return tuple(map(revision, value))

    def fact(value: Any) -> object:  # noqa: ANN401  (a fact that is no plain value)
        if type(value) is dict and len(value) == 1:
            tally[0] += 1
            ((tag, text),) = value.items()
            if type(text) is str:  # a tagged value: {"decimal": "0.6"}, {"date": ...}
                found = tagged.get((tag, text), tagged)
                if found is tagged:
                    found = _remember(tagged, (tag, text), v.json_fact(value))
                return found
        elif type(value) is dict:
            tally[0] += len(value)
        return v.json_fact(value)

    def facts(value: Any) -> Facts:  # noqa: ANN401
        if type(value) is not dict or "" in value:
            raise TypeError(value)
        tally[0] += len(value)
        if _PLAIN_FACTS.issuperset(map(type, value.values())):  # taken as they are
            return Facts(value)
        decoded: dict[str, Any] = {
            k: fact(x) for k, x in value.items() if type(x) not in _PLAIN_FACTS
        }
        return Facts({**value, **decoded})

    fields: dict[str, Read] = {
        "id": _text,
        "name": _text,
        "account": _text,
        "owner": _text,
        "stage": _text,
        "created": day,
        "expected_close": day,
        "amount": number,
        "currency": _text,
        "line_items": items,
        "probability": optional_number,
        "facts": facts,
        "history": history,
        "revisions": revisions,
        "closed_on": optional_day,
        "lost_reason": _optional_text,
        "notes": _text,
        "category_override": _optional_text,
    }

    def opportunity(value: Any) -> Opportunity:  # noqa: ANN401
        if type(value) is not dict or not value.keys() >= _REQUIRED:
            raise TypeError(value)
        if "amount" not in value and "line_items" not in value:
            raise KeyError("amount")
        if len(value) != _OPPORTUNITY_KEYS:
            tally[0] += len(value)
            return Opportunity(**{key: fields[key](x) for key, x in value.items()})
        # every field, as a document is written: one call, the texts checked at once
        opp_id, name, account, owner, stage, currency, notes = _TEXTS(value)
        if not (
            type(opp_id) is str
            and type(name) is str
            and type(account) is str
            and type(owner) is str
            and type(stage) is str
            and type(currency) is str
            and type(notes) is str
        ):
            raise TypeError(value)
        tally[0] += _OPPORTUNITY_KEYS
        return Opportunity(
            id=opp_id,
            name=name,
            account=account,
            owner=owner,
            stage=stage,
            created=day(value["created"]),
            expected_close=day(value["expected_close"]),
            amount=number(value["amount"]),
            currency=currency,
            line_items=items(value["line_items"]),
            probability=optional_number(value["probability"]),
            facts=facts(value["facts"]),
            history=history(value["history"]),
            revisions=revisions(value["revisions"]),
            closed_on=optional_day(value["closed_on"]),
            lost_reason=_optional_text(value["lost_reason"]),
            notes=notes,
            category_override=_optional_text(value["category_override"]),
        )

    return opportunity, lambda: tally[0]


_amount = v.format_amount


def _line_dicts(lines: tuple[LineItem, ...]) -> list[dict[str, object]]:
    return [{"product": li.product, "amount": _amount(li.amount)} for li in lines]


def _optional_amount(value: Decimal | None) -> str | None:
    return None if value is None else _amount(value)


def _facts_dict(facts: Facts) -> dict[str, object]:
    # as facts_out writes them, taking the common values (yes/no, texts) as they are
    out: dict[str, object] = {}
    for key in facts:  # in key order
        value = facts[key]
        if type(value) is bool or type(value) is str:
            out[key] = value
        else:
            out[key] = fact_out(value)
    return out


def _revision_dict(rev: Revision) -> dict[str, object]:
    kind = REVISION_NAMES[type(rev)]  # a KeyError for any other class, as the codec's
    if isinstance(rev, Reschedule):
        return {
            "type": kind,
            "on": rev.on.isoformat(),
            "old": rev.old.isoformat(),
            "new": rev.new.isoformat(),
            "reason": rev.reason,
        }
    if isinstance(rev, Reprice):
        return {
            "type": kind,
            "on": rev.on.isoformat(),
            "old": _line_dicts(rev.old),
            "new": _line_dicts(rev.new),
            "reason": rev.reason,
        }
    return {
        "type": kind,
        "on": rev.on.isoformat(),
        "old_probability": _optional_amount(rev.old_probability),
        "new_probability": _optional_amount(rev.new_probability),
        "old_category": rev.old_category,
        "new_category": rev.new_category,
        "reason": rev.reason,
    }


def opportunity_dict(opp: Opportunity) -> dict[str, object]:
    """The JSON-ready dict of ``opp``, as the codec writes it (the same keys, order and values)."""
    closed = opp.closed_on
    return {
        "id": opp.id,
        "name": opp.name,
        "account": opp.account,
        "owner": opp.owner,
        "stage": opp.stage,
        "created": opp.created.isoformat(),
        "expected_close": opp.expected_close.isoformat(),
        "amount": _amount(opp.amount),
        "currency": opp.currency,
        "line_items": _line_dicts(opp.line_items),
        "probability": _optional_amount(opp.probability),
        "facts": _facts_dict(opp.facts),
        "history": [
            {
                "from_stage": c.from_stage,
                "to_stage": c.to_stage,
                "on": c.on.isoformat(),
                "reason": c.reason,
                "kind": c.kind._value_,
                "skipped": list(c.skipped),
                "forced": c.forced,
            }
            for c in opp.history
        ],
        "revisions": [_revision_dict(r) for r in opp.revisions],
        "closed_on": None if closed is None else closed.isoformat(),
        "lost_reason": opp.lost_reason,
        "notes": opp.notes,
        "category_override": opp.category_override,
    }


def write_body(payload: object, *, many: bool) -> object:
    """The body of an opportunity document, or ``None`` if the codec must write it (and raise)."""
    try:
        if many:
            return [opportunity_dict(x) for x in payload]  # type: ignore[attr-defined]
        return opportunity_dict(payload)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001  (the codec writes it, or raises its own error)
        return None


#: What :func:`read_records` returns for a body the codec must read.
DETAILED = object()


def read_records(body: object, *, many: bool, read: Callable[[Any], Opportunity]) -> object:
    """The records of an opportunity document's body read by ``read``, or :data:`DETAILED`.

    Anything unexpected (a problem, or just a form the direct reader does
    not take) leaves the body to the codec, which finds and names every
    problem; so do two records with one id.
    """
    try:
        if not many:
            return read(body)
        if type(body) is not list:
            return DETAILED
        records = tuple(map(read, body))
    except Exception:  # noqa: BLE001  (the codec reads it again and says what is wrong)
        return DETAILED
    if len({r.id for r in records}) != len(records):
        return DETAILED
    return records
