"""Dict and JSON conversion of opportunities, funnels and verdicts, in a versioned schema.

Every document is a JSON object naming its schema and version, with the
payload under one key:

.. code-block:: json

    {"schema": "salesfunnel/opportunities", "version": 1, "opportunities": [...]}

:func:`to_dict` / :func:`from_dict` convert to and from plain dicts,
:func:`dumps` / :func:`loads` to and from JSON text, and :func:`write_json` /
:func:`read_json` files of opportunities. Money and probabilities are written
as strings (``"120000.50"``) so they stay exact; dates as ``YYYY-MM-DD``.
Rules inside funnels are written by reference where they are known (see
:mod:`salesfunnel.io.rule_registry`). Reading checks everything and raises one
:class:`~salesfunnel.io.DataFileError` listing every problem with its JSON path;
a document of a newer schema version raises :class:`SchemaVersionError`.

>>> from datetime import date
>>> from salesfunnel import Opportunity
>>> deal = Opportunity(
...     id="D1",
...     name="CRM",
...     account="Acme",
...     owner="Ann",
...     stage="potential",
...     created=date(2026, 1, 5),
...     expected_close=date(2026, 6, 30),
...     amount="50000",
...     currency="EUR",
... )
>>> doc = to_dict([deal])
>>> doc["schema"], doc["version"], doc["opportunities"][0]["amount"]
('salesfunnel/opportunities', 1, '50000')
>>> loads(dumps([deal])) == (deal,)
True
>>> loads('{"schema": "salesfunnel/opportunities", "version": 2, "opportunities": []}')
Traceback (most recent call last):
...
salesfunnel.io.json_format.SchemaVersionError: <string>: 1 problem; nothing was imported:
  <string> at $.version ('2'): this document is salesfunnel/opportunities version 2, but this version of salesfunnel reads up to version 1; upgrade salesfunnel, or write the document with version 1
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from typing import IO, Any, Literal, TypeVar, overload

from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.stages import Funnel
from salesfunnel.io._columns import Source, read_text
from salesfunnel.io._converter import Codec, duplicates_of, problems_of
from salesfunnel.io._gc import collection_paused
from salesfunnel.io._json_fast import (
    DETAILED,
    read_records,
    reader,
    write_body,
)
from salesfunnel.io._schema import DocumentSchema
from salesfunnel.io.json_bounds import (
    MAX_DOCUMENT_SIZE,
    check_tree,
    members_of,
    parse_bounded,
    parse_quick,
)
from salesfunnel.io.problems import (
    DataFileError,
    Problem,
    ReadResult,
    UnwritableValueError,
)
from salesfunnel.io.results import RESULT_SCHEMAS
from salesfunnel.io.rule_registry import DEFAULT_REGISTRY, RuleRegistry
from salesfunnel.qualification import Verdict

__all__ = [
    "DEFAULT_SCHEMAS",
    "DocumentSchema",
    "SchemaVersionError",
    "dumps",
    "from_dict",
    "loads",
    "read_json",
    "to_dict",
    "write_json",
]

T = TypeVar("T")


class SchemaVersionError(DataFileError):
    """A document written in a newer schema version than this library reads.

    A :class:`~salesfunnel.io.DataFileError` (and so a :class:`ValueError`):
    the document is well formed but its content cannot be read by this
    version. Upgrade salesfunnel, or write the document with the older version.

    Attributes:
        schema: The document's schema name.
        version: The document's version.
        supported: The newest version this library reads.
    """

    def __init__(self, file: str, *, schema: str, version: int, supported: int) -> None:
        super().__init__(
            file,
            [
                Problem(
                    file,
                    column="$.version",
                    value=str(version),
                    why=f"this document is {schema} version {version}, but this version "
                    f"of salesfunnel reads up to version {supported}",
                    fix=f"upgrade salesfunnel, or write the document with version {supported}",
                )
            ],
        )
        self.schema = schema
        self.version = version
        self.supported = supported


#: The documents salesfunnel reads and writes, current version 1 each: the
#: opportunities, funnels and verdicts here, and the results of
#: :mod:`salesfunnel.io.results`.
DEFAULT_SCHEMAS: tuple[DocumentSchema, ...] = (
    DocumentSchema("salesfunnel/opportunities", 1, "opportunities", Opportunity, many=True),
    DocumentSchema("salesfunnel/opportunity", 1, "opportunity", Opportunity),
    DocumentSchema("salesfunnel/funnel", 1, "funnel", Funnel),
    DocumentSchema("salesfunnel/verdict", 1, "verdict", Verdict),
    *RESULT_SCHEMAS,
)


_OPPORTUNITY_SCHEMAS = DEFAULT_SCHEMAS[:2]


_DEFAULT_SCHEMA_SET = frozenset(DEFAULT_SCHEMAS)


def _schema_for(obj: object, schemas: Sequence[DocumentSchema]) -> tuple[DocumentSchema, object]:
    if isinstance(obj, (list, tuple)):
        items = tuple(obj)
        for schema in schemas:
            if schema.many and all(isinstance(x, schema.type) for x in items):
                return schema, items
    else:
        for schema in schemas:
            if not schema.many and isinstance(obj, schema.type):
                return schema, obj
    names = ", ".join(s.name for s in schemas)
    msg = f"no document schema for {type(obj).__name__}; the known schemas are {names}"
    raise UnwritableValueError(msg)


def to_dict(
    obj: object,
    *,
    registry: RuleRegistry = DEFAULT_REGISTRY,
    schemas: Sequence[DocumentSchema] = DEFAULT_SCHEMAS,
) -> dict[str, Any]:
    """Convert an object to a document: a JSON-ready dict with schema and version.

    Args:
        obj: An opportunity, a sequence of opportunities, a funnel, a verdict,
            a result of :mod:`salesfunnel.io.results` (or an object of a
            schema passed in ``schemas``).
        registry: The rules written by reference.
        schemas: The document kinds to choose from.

    Returns:
        ``{"schema": ..., "version": ..., <key>: <payload>}``.

    Raises:
        TypeError: For an object no schema covers.
        UnknownRuleError: For a rule with a custom test that is not registered.
    """
    schema, payload = _schema_for(obj, schemas)
    if _direct(schema, schemas):
        with collection_paused():
            direct = write_body(payload, many=schema.many)
        if direct is not None:
            return {"schema": schema.name, "version": schema.version, schema.key: direct}
    codec = Codec.build(registry, tuple(schemas))
    if schema.many:
        body: object = [codec.unstructure(x, schema.type) for x in payload]  # type: ignore[attr-defined]
    else:
        body = codec.unstructure(payload, schema.type)
    return {"schema": schema.name, "version": schema.version, schema.key: body}


def _direct(schema: DocumentSchema, schemas: Sequence[DocumentSchema]) -> bool:
    """Whether a document of ``schema`` may be read and written without the codec.

    For the opportunity documents, when every schema is one of salesfunnel's
    own (a schema's ``configure`` could change how the codec reads a field).
    """
    return schema in _OPPORTUNITY_SCHEMAS and (
        schemas is DEFAULT_SCHEMAS or _DEFAULT_SCHEMA_SET.issuperset(schemas)
    )


def _direct_document(
    doc: object, name: str, schemas: Sequence[DocumentSchema]
) -> tuple[DocumentSchema, object, int] | None:
    """The schema and records of a document read directly, with the members it counted."""
    if type(doc) is not dict:
        return None
    try:
        schema, body = _envelope(doc, name, schemas)
    except DataFileError:  # the full parse may find another problem first
        return None
    if not _direct(schema, schemas):
        return None
    read, members = reader()
    records = read_records(body, many=schema.many, read=read)
    if records is DETAILED:
        return None
    return schema, records, len(doc) + members()


def _parse(
    text: str, name: str, schemas: Sequence[DocumentSchema]
) -> tuple[object, tuple[DocumentSchema, object] | None]:
    """The document of ``text``, and its schema and records when they were read directly.

    The text is parsed once by the C parser when it can be (see
    :func:`~salesfunnel.io.json_bounds.parse_quick`); the direct reader counts
    the members of what it reads, which clears the document of repeated keys.
    """
    with collection_paused():
        quick = parse_quick(text)
        direct = None if quick is None else _direct_document(quick.doc, name, schemas)
    if quick is not None:
        if direct is not None:
            schema, records, members = direct
            if quick.cleared(members):
                return quick.doc, (schema, records)
        elif quick.cleared(members_of(quick.doc)):
            return quick.doc, None
    return parse_bounded(text, name), None


def _envelope(
    doc: object, name: str, schemas: Sequence[DocumentSchema]
) -> tuple[DocumentSchema, object]:
    def fail(column: str, value: object, why: str, fix: str) -> DataFileError:
        shown = value if isinstance(value, str) or value is None else json.dumps(value)[:80]
        return DataFileError(name, [Problem(name, None, column, shown, why, fix)])

    known = ", ".join(s.name for s in schemas)
    if not isinstance(doc, dict):
        raise fail(
            "$",
            None,
            "the document is not a JSON object",
            f"write {{'schema': ..., 'version': ..., ...}} with one of {known}",
        )
    schema_name, version = doc.get("schema"), doc.get("version")
    matches = [s for s in schemas if s.name == schema_name]
    if not matches:
        raise fail(
            "$.schema", schema_name, "is not a salesfunnel document schema", f"use one of {known}"
        )
    schema = matches[0]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise fail(
            "$.version",
            version,
            "is not a schema version (a whole number from 1)",
            f'write "version": {schema.version}',
        )
    if version > schema.version:
        raise SchemaVersionError(
            name, schema=schema.name, version=version, supported=schema.version
        )
    extra = sorted(set(doc) - {"schema", "version", schema.key})
    if extra or schema.key not in doc:
        raise fail(
            "$",
            None,
            f"a {schema.name} document holds 'schema', 'version' and '{schema.key}'"
            + (f"; unknown keys: {', '.join(extra)}" if extra else f"; '{schema.key}' is missing"),
            "keep exactly those keys",
        )
    return schema, doc[schema.key]


def _from_doc(
    doc: object,
    name: str,
    registry: RuleRegistry,
    schemas: Sequence[DocumentSchema],
    *,
    lenient: bool = False,
) -> tuple[DocumentSchema, ReadResult[object] | object]:
    schema, body = _envelope(doc, name, schemas)
    if _direct(schema, schemas):
        direct = read_records(body, many=schema.many, read=reader()[0])
        if direct is not DETAILED:
            if not schema.many:
                return schema, direct
            result: ReadResult[object] = ReadResult(direct, ())  # type: ignore[arg-type]
            return schema, result if lenient else result.raise_for_problems(name)
    codec = Codec.build(registry, tuple(schemas))
    path = f"$.{schema.key}"
    if not schema.many:
        try:
            return schema, codec.structure(body, schema.type)
        except Exception as err:  # noqa: BLE001  (every structuring failure becomes a problem)
            raise DataFileError(name, problems_of(err, name, path, body)) from None
    if not isinstance(body, list):
        raise DataFileError(
            name,
            [Problem(name, None, path, None, "is not a list", "give the items as a JSON array")],
        )
    records: list[object] = []
    problems: list[Problem] = []
    for i, item in enumerate(body):
        try:
            records.append(codec.structure(item, schema.type))
        except Exception as err:  # noqa: BLE001, PERF203  (every item is checked)
            problems.extend(problems_of(err, name, f"{path}[{i}]", item))
    if schema.type is Opportunity:
        problems.extend(duplicates_of(body, name, path))
        bad = {p.opportunity_id for p in problems if p.why.startswith("duplicated id")}
        records = [r for r in records if r.id not in bad]  # type: ignore[attr-defined]
    result = ReadResult(records, problems)
    if lenient:
        return schema, result
    return schema, result.raise_for_problems(name)


@overload
def from_dict(
    doc: object,
    expect: type[T],
    *,
    registry: RuleRegistry = ...,
    schemas: Sequence[DocumentSchema] = ...,
) -> T: ...


@overload
def from_dict(
    doc: object,
    expect: None = None,
    *,
    registry: RuleRegistry = ...,
    schemas: Sequence[DocumentSchema] = ...,
) -> object: ...


def from_dict(
    doc: object,
    expect: type[T] | None = None,
    *,
    registry: RuleRegistry = DEFAULT_REGISTRY,
    schemas: Sequence[DocumentSchema] = DEFAULT_SCHEMAS,
) -> T | object:
    """Read a document made by :func:`to_dict` back into objects.

    Args:
        doc: The document.
        expect: The type the payload must be (``tuple`` for a list document);
            ``None`` accepts any known schema.
        registry: The rules known by reference.
        schemas: The document kinds to accept.

    Returns:
        The object (a tuple for a list document).

    Raises:
        DataFileError: Listing every problem, with JSON paths.
        SchemaVersionError: For a document of a newer version.
    """
    check_tree(doc, "<dict>", {})
    return _load(doc, "<dict>", expect, registry, schemas)


def _load(
    doc: object,
    name: str,
    expect: type[T] | None,
    registry: RuleRegistry,
    schemas: Sequence[DocumentSchema],
) -> T | object:
    schema, value = _from_doc(doc, name, registry, schemas)
    return _expected(schema, value, name, expect)


def _expected(schema: DocumentSchema, value: object, name: str, expect: type[T] | None) -> object:
    if expect is not None and not isinstance(value, expect):
        raise DataFileError(
            name,
            [
                Problem(
                    name,
                    None,
                    "$.schema",
                    schema.name,
                    f"is not a document of {expect.__name__}",
                    "read the document with the function for its schema",
                )
            ],
        )
    return value


def dumps(
    obj: object,
    *,
    indent: int | None = 2,
    registry: RuleRegistry = DEFAULT_REGISTRY,
    schemas: Sequence[DocumentSchema] = DEFAULT_SCHEMAS,
) -> str:
    r"""Return ``obj`` as a JSON document (see :func:`to_dict`).

    Non-ASCII text (Chinese labels) is written as is, not as ``\u`` escapes.

    Args:
        obj: An opportunity, a sequence of opportunities, a funnel, a verdict
            or a result (see :func:`to_dict`).
        indent: Indentation, or ``None`` for one line.
        registry: The rules written by reference.
        schemas: The document kinds to choose from.

    Returns:
        The JSON text.

    Raises:
        TypeError: For an object no schema covers.
        UnknownRuleError: For a rule with a custom test that is not registered.
    """
    return json.dumps(
        to_dict(obj, registry=registry, schemas=schemas), ensure_ascii=False, indent=indent
    )


@overload
def loads(
    text: str | bytes,
    expect: type[T],
    *,
    registry: RuleRegistry = ...,
    schemas: Sequence[DocumentSchema] = ...,
) -> T: ...


@overload
def loads(
    text: str | bytes,
    expect: None = None,
    *,
    registry: RuleRegistry = ...,
    schemas: Sequence[DocumentSchema] = ...,
) -> object: ...


def loads(
    text: str | bytes,
    expect: type[T] | None = None,
    *,
    registry: RuleRegistry = DEFAULT_REGISTRY,
    schemas: Sequence[DocumentSchema] = DEFAULT_SCHEMAS,
) -> T | object:
    """Read a JSON document made by :func:`dumps`; ``loads(dumps(x)) == x``.

    Args:
        text: The JSON text (bytes are read as UTF-8).
        expect: The type the payload must be (``tuple`` for a list
            document); ``None`` accepts any known schema.
        registry: The rules known by reference.
        schemas: The document kinds to accept.

    Returns:
        The object (a tuple for a list document).

    Raises:
        DataFileError: For malformed JSON or any problem in the document, each
            with its JSON path.
        SchemaVersionError: For a document of a newer schema version.
    """
    name = "<string>"
    if isinstance(text, bytes):
        from salesfunnel.io._columns import decode  # noqa: PLC0415

        text = decode(text, name)
    doc, direct = _parse(text, name, schemas)
    if direct is not None:
        return _expected(*direct, name, expect)
    return _load(doc, name, expect, registry, schemas)


@overload
def read_json(
    source: Source,
    *,
    registry: RuleRegistry = ...,
    encoding: str = ...,
    lenient: Literal[False] = False,
) -> tuple[Opportunity, ...]: ...


@overload
def read_json(
    source: Source,
    *,
    registry: RuleRegistry = ...,
    encoding: str = ...,
    lenient: Literal[True],
) -> ReadResult[Opportunity]: ...


def read_json(
    source: Source,
    *,
    registry: RuleRegistry = DEFAULT_REGISTRY,
    encoding: str = "utf-8",
    lenient: bool = False,
) -> tuple[Opportunity, ...] | ReadResult[Opportunity]:
    """Read a ``salesfunnel/opportunities`` (or ``/opportunity``) JSON file.

    Args:
        source: A path or an open file.
        registry: The rules known by reference.
        encoding: The file's encoding (UTF-8 unless named).
        lenient: Return the good opportunities and every problem in a
            :class:`~salesfunnel.io.ReadResult` instead of raising.

    Returns:
        The opportunities (strict) or a :class:`~salesfunnel.io.ReadResult`.

    Raises:
        DataFileError: For any problem (strict); in both modes for malformed
            JSON, an empty file or a document that is not of opportunities.
        SchemaVersionError: For a document of a newer schema version.
        FileEncodingError: For a file that is not text in ``encoding``.
    """
    name, text = read_text(source, encoding, limit=4 * MAX_DOCUMENT_SIZE)
    schemas = _OPPORTUNITY_SCHEMAS
    doc, direct = _parse(text, name, schemas)
    if direct is not None:
        schema, value = direct
        if schema.many and lenient:
            value = ReadResult(value, ())  # type: ignore[arg-type]
    else:
        schema, value = _from_doc(doc, name, registry, schemas, lenient=lenient)
    if not schema.many:
        value = (value,)
        return ReadResult(value, ()) if lenient else value  # type: ignore[arg-type,return-value]
    return value  # type: ignore[return-value]


def write_json(
    opportunities: Iterable[Opportunity],
    target: str | os.PathLike[str] | IO[str],
    *,
    indent: int | None = 2,
) -> None:
    r"""Write opportunities as a ``salesfunnel/opportunities`` JSON file (UTF-8).

    A target given by its path is written atomically: to a temporary file in
    the same folder, then renamed onto the target, so on any failure the
    previous file is unchanged. An open file is written to as it is.

    Args:
        opportunities: The opportunities, with their histories and revisions.
        target: A path, or an open text file.
        indent: Indentation, or ``None`` for one line.

    Raises:
        UnencodableTextError: For text no UTF-8 file can hold, such as a lone
            surrogate read from a ``"\ud800"`` escape (the file is unchanged).
        OSError: When the file cannot be written.
    """
    from salesfunnel.io._atomic import atomic_write  # noqa: PLC0415  (write_json's own import)

    text = dumps(tuple(opportunities), indent=indent) + "\n"

    def emit(handle: IO[str]) -> None:
        handle.write(text)

    if isinstance(target, (str, os.PathLike)):
        atomic_write(target, emit, encoding="utf-8")
    else:
        emit(target)
