"""The cattrs converter behind the JSON documents, and its errors as problems.

Strict by design: a string is never iterated into a tuple, ``"false"`` is not
a bool, a JSON number with a fraction is not money, and unknown keys are
problems. Every failure inside a document is collected (cattrs' detailed
validation) and reported as a :class:`~salesfunnel.io.Problem` with its JSON
path.
"""

from __future__ import annotations

import enum
import functools
import json
import operator
import types
import typing
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn

from salesfunnel.errors import FunnelError
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.records import (
    Override,
    Reprice,
    Reschedule,
    Revision,
)
from salesfunnel.io import _values as v
from salesfunnel.io.problems import Problem, some_of
from salesfunnel.money import Currency
from salesfunnel.qualification import Facts, Rule

if TYPE_CHECKING:
    from salesfunnel.io.json_format import DocumentSchema
    from salesfunnel.io.rule_registry import RuleRegistry

__all__ = [
    "REVISION_KINDS",
    "REVISION_NAMES",
    "Codec",
    "attrs_hook",
    "duplicates_of",
    "error_at",
    "fact_out",
    "facts_out",
    "located",
    "problems_of",
]

_RULE_TYPES = frozenset(get_args(Rule))
_EDGES = frozenset[tuple[str, str]]
_FIX = "see the JSON schema in the data-formats docs"


def _is_rule(t: object) -> bool:
    if t in _RULE_TYPES:
        return True
    if get_origin(t) in (Union, types.UnionType):
        args = set(get_args(t)) - {type(None)}
        return args == set(_RULE_TYPES)
    return False


#: The revision classes by the ``type`` a document names them with.
REVISION_KINDS: dict[object, type[Reschedule | Reprice | Override]] = {
    "reschedule": Reschedule,
    "reprice": Reprice,
    "override": Override,
}
#: The ``type`` of each revision class in a document.
REVISION_NAMES = {cls: name for name, cls in REVISION_KINDS.items()}


def _is_revision(t: object) -> bool:
    return get_origin(t) in (Union, types.UnionType) and set(get_args(t)) == set(
        REVISION_KINDS.values()
    )


def _is_tuple(t: object) -> bool:
    args = get_args(t)
    return get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis  # noqa: PLR2004


def json_kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a bool"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else "null"
    )


def _strict(kind: type, what: str) -> Callable[[object, type], object]:
    def hook(value: object, _t: type) -> object:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise v.BadValue(f"is {json_kind(value)}, not {what}", _FIX)
        return value

    return hook


def _decimal(value: object, _t: type) -> Decimal:
    if isinstance(value, bool):
        raise v.BadValue("is a bool, not a number", 'write numbers as strings, such as "120000.50"')
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        raise v.BadValue(
            "is a JSON number with a fraction, which is not exact",
            'write money and probabilities as strings, such as "0.6" or "120000.50"',
        )
    if not isinstance(value, str):
        raise v.BadValue(
            f"is {json_kind(value)}, not a number", 'write it as a string such as "120000.50"'
        )
    return v.plain_decimal(value)


def fact_out(value: object) -> object:
    """One fact as JSON, an exact decimal in plain notation (as :func:`~._values.json_fact` reads it)."""
    if isinstance(value, Decimal):
        return {"decimal": v.format_amount(value)}
    return v.fact_to_json(value)  # type: ignore[arg-type]


def facts_out(facts: Facts) -> dict[str, object]:
    """Facts as JSON, in key order (see :func:`fact_out`)."""
    return {key: fact_out(x) for key, x in sorted(facts.items())}


def _date(value: object, _t: type) -> date:
    if not isinstance(value, str):
        raise v.BadValue(f"is {json_kind(value)}, not a date", v.DATE_FIX)
    return v.parse_date(value)


def _enum_hook(cls: type[enum.Enum]) -> Callable[[object, type], enum.Enum]:
    values = [m.value for m in cls]
    # keyed by type and value, so that 1 never reads as True (or "1" as 1)
    members = {(type(m.value), m.value): m for m in cls}

    def hook(value: object, _t: type) -> enum.Enum:
        try:
            return members[type(value), value]
        except (KeyError, TypeError):  # TypeError: an unhashable value
            raise v.BadValue(
                f"is not a {cls.__name__}", f"use one of {', '.join(map(str, values))}"
            ) from None

    return hook


def _enum_out(_cls: type[enum.Enum]) -> Callable[[enum.Enum], object]:
    """Write an enum member as its value (read straight from the member, not the property)."""
    return operator.attrgetter("_value_")


def add_note(err: Exception, note: str) -> Exception:
    """Attach a cattrs note the way cattrs does (``add_note`` is Python 3.11+)."""
    notes = getattr(err, "__notes__", None)
    if notes is None:
        notes = []
        err.__notes__ = notes  # type: ignore[attr-defined]
    notes.append(note)
    return err


def note_attr(err: Exception, name: str, t: object) -> Exception:
    return add_note(err, AttributeValidationNote(f"Structuring @ attribute {name}", name, t))


def _opportunity_fields() -> dict[str, Any]:
    """Each field of :class:`Opportunity` and its type, from the class itself (one list)."""
    hints = typing.get_type_hints(Opportunity)
    plain = {Currency: str}  # the codec reads a currency as text; Opportunity checks the code
    return {f.name: plain.get(hints[f.name], hints[f.name]) for f in attrs.fields(Opportunity)}


_OPPORTUNITY_FIELDS: dict[str, Any] = _opportunity_fields()
_OPPORTUNITY_REQUIRED = (
    "id",
    "name",
    "account",
    "owner",
    "stage",
    "created",
    "expected_close",
    "currency",
)


def _noted(path: tuple[str | int, ...], err: Exception) -> Exception:
    """``err`` with the notes (and list and object wrappers) that put it at ``path``."""
    for i in range(len(path) - 1, 0, -1):
        step = path[i]
        if isinstance(step, int):
            err = IterableValidationError(
                "While structuring a list",
                [add_note(err, IterableValidationNote(f"Structuring @ index {step}", step, Any))],
                list,
            )
        else:
            err = ClassValidationError("While structuring", [note_attr(err, step, Any)], dict)
    return note_attr(err, str(path[0]), Any) if path else err


def error_at(cls: type, path: tuple[str | int, ...], err: Exception) -> ClassValidationError:
    """Return ``err`` as the error of an object of ``cls``, at ``path`` inside it.

    ``path`` names keys (strings) and list positions (ints) from the object
    down to the value, starting with a key (empty: the object itself); the
    error carries the notes that give the problem its JSON path.
    """
    return ClassValidationError(f"While structuring {cls.__name__}", [_noted(path, err)], cls)


def _unplaced(err: Exception) -> bool:
    """Whether ``err`` is a domain error naming its field, not yet put at its JSON path."""
    return isinstance(err, FunnelError) and bool(err.where) and not getattr(err, "__notes__", None)


def _placed(err: Exception) -> Exception:
    """``err`` put at the field it names, when it is a domain error not yet placed."""
    return _noted(err.where, err) if isinstance(err, FunnelError) and _unplaced(err) else err


def located(cls: type, err: Exception, at: tuple[str | int, ...] = ()) -> ClassValidationError:
    """Return an error a constructor of ``cls`` raised as a problem at its JSON path.

    A domain error that names its field (:meth:`FunnelError.at
    <salesfunnel.errors.FunnelError.at>`) is reported at that field, below
    ``at`` (where the object sits inside the one being read); any other at ``at``.
    """
    path = err.where if isinstance(err, FunnelError) else ()
    return error_at(cls, (*at, *path), err)


def check_object(value: object, cls: type) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise v.BadValue(f"is {json_kind(value)}, not a {cls.__name__} object", _FIX)
    return value


def attrs_hook(conv: cattrs.Converter, cls: type) -> Callable[[object, type], object]:
    """The strict structure hook of a plain attrs class: every key known, every problem kept.

    Unknown keys, missing keys and bad values are collected; an error the
    class itself raises (a failed check) becomes a problem of the field it
    names, or of the object.
    """
    inner: Callable[[Any, Any], object] = make_dict_structure_fn(
        cls, conv, _cattrs_forbid_extra_keys=True
    )

    def hook(value: object, t: type) -> object:
        obj = check_object(value, cls)
        try:
            return inner(obj, t)
        except ClassValidationError as err:
            # cattrs wraps what the constructor raised: put a domain error at its field.
            if not any(_unplaced(e) for e in err.exceptions):
                raise
            placed = [_placed(e) for e in err.exceptions]
            raise ClassValidationError(err.message, placed, cls) from None
        except (FunnelError, ValueError, TypeError) as err:
            raise located(cls, err) from None

    return hook


class Codec:
    """A configured cattrs converter for one rule registry and set of schemas."""

    def __init__(self, registry: RuleRegistry, schemas: Sequence[DocumentSchema]) -> None:
        self.registry = registry
        conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
        self.conv = conv
        # Registered first: later, more specific hooks (rules, revisions) win.
        conv.register_structure_hook_factory(attrs.has, self._attrs_hook)
        for kind, what in ((str, "a string"), (bool, "true or false"), (int, "a whole number")):
            conv.register_structure_hook(kind, _strict(kind, what))
        conv.register_structure_hook(Decimal, _decimal)
        conv.register_unstructure_hook(Decimal, v.format_amount)
        conv.register_structure_hook(date, _date)
        conv.register_unstructure_hook(date, date.isoformat)
        conv.register_unstructure_hook(Facts, facts_out)
        conv.register_structure_hook(Facts, self._facts)
        conv.register_structure_hook_factory(
            lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook
        )
        conv.register_unstructure_hook_factory(
            lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_out
        )
        conv.register_unstructure_hook_func(_is_rule, self._rule_out)
        conv.register_structure_hook_func(_is_rule, self._rule_in)
        conv.register_unstructure_hook_func(_is_revision, self._revision_out)
        conv.register_structure_hook_func(_is_revision, self._revision_in)
        conv.register_unstructure_hook_func(
            lambda t: t == _EDGES, lambda e: sorted([a, b] for a, b in e)
        )
        conv.register_structure_hook_func(lambda t: t == _EDGES, self._edges)
        conv.register_structure_hook_factory(_is_tuple, self._tuple_hook)
        conv.register_structure_hook(Opportunity, self._opportunity)
        for schema in schemas:
            if schema.configure is not None:
                schema.configure(conv)

    @staticmethod
    @functools.cache
    def build(registry: RuleRegistry, schemas: tuple[DocumentSchema, ...]) -> Codec:
        """Return the (cached) codec for ``registry`` and ``schemas``."""
        return Codec(registry, schemas)

    def structure(self, value: object, t: Any) -> Any:  # noqa: ANN401  (any document type)
        """Structure ``value`` as ``t``."""
        return self.conv.structure(value, t)

    def unstructure(self, value: object, t: Any) -> Any:  # noqa: ANN401
        """Unstructure ``value`` as ``t``."""
        return self.conv.unstructure(value, t)

    # -- hooks ------------------------------------------------------------------

    def _facts(self, value: object, _t: type) -> Facts:
        return Facts(v.json_facts(value))

    def _rule_out(self, rule: Rule | None) -> object:
        return None if rule is None else self.registry.rule_to_dict(rule)

    def _rule_in(self, value: object, t: object) -> Rule | None:
        if value is None and t not in _RULE_TYPES:
            return None
        rule = self.registry.rule_from_dict(value)
        if t in _RULE_TYPES and not isinstance(rule, t):  # type: ignore[arg-type]
            raise v.BadValue(f"is a {type(rule).__name__}, not a {t.__name__}", _FIX)  # type: ignore[attr-defined]
        return rule

    def _revision_out(self, rev: Revision) -> dict[str, object]:
        kind = REVISION_NAMES[type(rev)]
        return {"type": kind, **self.conv.unstructure(rev, type(rev))}

    def _revision_in(self, value: object, _t: object) -> Revision:
        obj = check_object(value, Reschedule)
        cls = REVISION_KINDS.get(obj.get("type"))
        if cls is None:
            raise v.BadValue("has no 'type' of 'reschedule', 'reprice' or 'override'", _FIX)
        return self.conv.structure({k: x for k, x in obj.items() if k != "type"}, cls)

    def _edges(self, value: object, _t: object) -> frozenset[tuple[str, str]]:
        if not isinstance(value, list) or not all(
            isinstance(e, list) and len(e) == 2 and all(isinstance(k, str) for k in e)  # noqa: PLR2004
            for e in value
        ):
            raise v.BadValue("is not a list of [from, to] stage-key pairs", _FIX)
        return frozenset((a, b) for a, b in value)

    def _tuple_hook(self, t: Any) -> Callable[[object, type], tuple[object, ...]]:  # noqa: ANN401
        item = get_args(t)[0]

        def hook(value: object, _t: type) -> tuple[object, ...]:
            if not isinstance(value, list):
                raise v.BadValue(f"is {json_kind(value)}, not a list", _FIX)
            out: list[object] = []
            errors: list[Exception] = []
            for i, x in enumerate(value):
                try:
                    out.append(self.conv.structure(x, item))
                except Exception as err:  # noqa: BLE001, PERF203  (collected, reported with its index)
                    errors.append(
                        add_note(err, IterableValidationNote(f"Structuring @ index {i}", i, item))
                    )
            if errors:
                raise IterableValidationError("While structuring a list", errors, t)
            return tuple(out)

        return hook

    def _attrs_hook(self, cls: type) -> Callable[[object, type], object]:
        return attrs_hook(self.conv, cls)

    def _opportunity(self, value: object, _t: type) -> Opportunity:
        obj = check_object(value, Opportunity)
        errors: list[Exception] = []
        extra = set(obj) - set(_OPPORTUNITY_FIELDS)
        if extra:
            errors.append(ForbiddenExtraKeysError("", Opportunity, extra))
        missing = [k for k in _OPPORTUNITY_REQUIRED if k not in obj]
        if "amount" not in obj and "line_items" not in obj:
            missing.append("amount")
        errors.extend(note_attr(KeyError(k), k, _OPPORTUNITY_FIELDS[k]) for k in missing)
        kwargs: dict[str, Any] = {}
        for key, t in _OPPORTUNITY_FIELDS.items():
            if key in obj:
                try:
                    kwargs[key] = self.conv.structure(obj[key], t)
                except Exception as err:  # noqa: BLE001  (collected, reported with its path)
                    errors.append(note_attr(err, key, t))
        if errors:
            raise ClassValidationError("While structuring Opportunity", errors, Opportunity)
        try:
            return Opportunity(**kwargs)
        except FunnelError as err:
            field = getattr(err, "field", None)
            if field in obj:
                note_attr(err, field, _OPPORTUNITY_FIELDS[field])
            raise ClassValidationError(
                "While structuring Opportunity", [err], Opportunity
            ) from None


def _why(err: BaseException) -> tuple[str, str]:
    if isinstance(err, v.BadValue):
        return err.why, err.fix
    if isinstance(err, FunnelError) and err.why:
        return err.why, err.fix
    if isinstance(err, ForbiddenExtraKeysError):
        keys = ", ".join(sorted(err.extra_fields))
        return f"has unknown keys: {keys}", "remove them, or check their spelling"
    if isinstance(err, KeyError) and not isinstance(err, FunnelError):
        return "is missing", "add it"
    return str(err), ""


def _shown(value: object) -> str | None:
    if isinstance(value, (dict, list)) or value is _ABSENT:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)[:80]


_ABSENT = object()


def problems_of(
    err: BaseException, name: str, path: str, value: object, *, opportunity_id: str | None = None
) -> list[Problem]:
    """Flatten a structuring error into problems, each with its JSON path."""
    if opportunity_id is None and isinstance(value, dict) and isinstance(value.get("id"), str):
        opportunity_id = value["id"]
    out: list[Problem] = []

    def walk(exc: BaseException, where: str, at: object) -> None:
        if isinstance(exc, (IterableValidationError, ClassValidationError)):
            with_notes, without = exc.group_exceptions()
            for sub, note in with_notes:
                if isinstance(note, IterableValidationNote):
                    index = note.index
                    child = (
                        at[index] if isinstance(at, list) and isinstance(index, int) else _ABSENT
                    )
                    walk(sub, f"{where}[{note.index}]", child)
                else:
                    child = at.get(note.name, _ABSENT) if isinstance(at, dict) else _ABSENT
                    walk(sub, f"{where}.{note.name}", child)
            for sub in without:
                walk(sub, where, at)
            return
        why, fix = _why(exc)
        out.append(Problem(name, None, where, _shown(at), why, fix, opportunity_id))

    walk(err, path, value)
    return out


def duplicates_of(body: list[object], name: str, path: str) -> list[Problem]:
    """The problems of the opportunities of ``body`` (a document's list at ``path``) that share an id."""
    where: dict[str, list[int]] = {}
    for i, item in enumerate(body):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            where.setdefault(item["id"], []).append(i)
    return [
        Problem(
            name,
            None,
            f"{path}[{i}].id",
            opp_id,
            f"duplicated id: also at {some_of(f'{path}[{j}]' for j in at if j != i)}",
            "give every opportunity its own id",
            opp_id,
        )
        for opp_id, at in where.items()
        if len(at) > 1
        for i in at
    ]
