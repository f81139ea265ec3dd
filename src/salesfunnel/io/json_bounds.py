"""The bounds of a JSON document, checked before and while it is parsed.

A document is refused, with a typed :class:`~salesfunnel.io.problems.DataFileError`,
when it is longer than :data:`MAX_DOCUMENT_SIZE` characters, nests deeper than
:data:`MAX_DEPTH` levels, holds a number of more than :data:`MAX_NUMBER_DIGITS`
digits or one that is not finite, ``NaN`` or ``Infinity``, a key twice in one
object, or a lone surrogate. So no document can exhaust the stack, hang on a
huge number or half-build a value.

A document is first parsed by the C parser with hooks for numbers only, and
cleared by a few scans of its text and one pass over the parsed containers
(the parser's own recursion limit stops a deep document early). A document
these checks cannot clear is parsed again with a hook on every object and its
depth measured on the text before anything is built: that parse finds what is
wrong and names it, so the problems are the same whichever parse ran first.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from typing import Any

import attrs

from salesfunnel.io.problems import DataFileError, Problem

__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_SIZE",
    "MAX_NUMBER_DIGITS",
    "Parsed",
    "check_tree",
    "members_of",
    "one_problem",
    "parse_bounded",
    "parse_quick",
]


#: The longest document :func:`loads` and :func:`read_json` read, in characters
#: (64 MiB); a longer one is refused before it is parsed.
MAX_DOCUMENT_SIZE = 64 * 1024 * 1024


#: The deepest nesting of arrays and objects a document may have (the deepest
#: document salesfunnel writes has fewer than 20 levels).
MAX_DEPTH = 64


#: The most digits a JSON number may have; a longer one is refused while
#: parsing, before it becomes a number.
MAX_NUMBER_DIGITS = 40


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')


_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


_SURROGATE = re.compile("[\ud800-\udfff]")

#: The change of depth at each bracket.
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}

#: A JSON escape of a surrogate code point (the only way one gets into text
#: read as UTF-8, which cannot hold a lone surrogate itself).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


_INT_LIMIT = 10**MAX_NUMBER_DIGITS


_MAX_PROBLEMS = 20


_FIX = "write the document with salesfunnel, or check what wrote it"


class _Refused(Exception):  # noqa: N818  (internal signal of a parse hook)
    def __init__(self, why: str, fix: str) -> None:
        super().__init__(why)
        self.why = why
        self.fix = fix


def one_problem(name: str, why: str, fix: str, column: str | None = None) -> DataFileError:
    """A file error of one problem of the whole document."""
    return DataFileError(name, [Problem(name, None, column, None, why, fix)])


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings in ``text`` (the loops run in C)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _Refused(
            f"holds an integer of {len(text.lstrip('-'))} digits, more than {MAX_NUMBER_DIGITS}",
            'write large numbers as decimal strings within the bounds, such as "120000.50"',
        )
    return int(text)


def _float(text: str) -> float:
    digits = sum(ch.isdigit() for ch in text)
    value = float(text)
    if digits > MAX_NUMBER_DIGITS or not math.isfinite(value):
        raise _Refused(
            f"holds the number {text[:40]}, which is not a finite number of at most "
            f"{MAX_NUMBER_DIGITS} digits",
            'write exact numbers as decimal strings, such as "0.6"',
        )
    return value


def _constant(text: str) -> object:
    raise _Refused(
        f"holds {text}, which is not a JSON number", "write a finite number, or null for none"
    )


def check_tree(doc: object, name: str, repeated: dict[int, list[str]]) -> None:
    """Refuse what the JSON value ``doc`` must not hold, each problem at its JSON path.

    Lone surrogates in strings and keys, keys repeated in one object (listed in
    ``repeated`` by the parser), nesting deeper than :data:`MAX_DEPTH`,
    integers longer than :data:`MAX_NUMBER_DIGITS` and non-finite floats (the
    last three for a dict built in Python; the parser refuses them itself).
    """
    problems: list[Problem] = []

    def add(path: str, why: str, fix: str) -> None:
        problems.append(Problem(name, None, path, None, why, fix))

    stack: list[tuple[object, str, int]] = [(doc, "$", 1)]
    while stack and len(problems) < _MAX_PROBLEMS:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and _SURROGATE.search(value):
                add(path, "holds a lone surrogate (such as \\ud800), which is not text", _FIX)
        elif isinstance(value, bool):
            pass
        elif isinstance(value, int):
            if abs(value) >= _INT_LIMIT:
                add(path, f"is an integer of more than {MAX_NUMBER_DIGITS} digits", _FIX)
        elif isinstance(value, float):
            if not math.isfinite(value):
                add(path, f"is {value!r}, not a finite number", _FIX)
        elif isinstance(value, (dict, list, tuple)):
            if depth > MAX_DEPTH:
                add(path, f"nests deeper than {MAX_DEPTH} levels", _FIX)
                continue
            if isinstance(value, dict):
                for key in repeated.get(id(value), ()):
                    add(
                        path,
                        f"repeats the key {key!r}",
                        "give every key once in an object; "
                        "a reader would otherwise keep only one of them",
                    )
                items = [(f"{path}.{k}", k, x) for k, x in value.items()]
                for where, key, x in reversed(items):
                    if isinstance(key, str) and not key.isascii() and _SURROGATE.search(key):
                        add(where, "is a key with a lone surrogate, which is not text", _FIX)
                    stack.append((x, where, depth + 1))
            else:
                stack.extend(
                    (x, f"{path}[{i}]", depth + 1) for i, x in reversed(list(enumerate(value)))
                )
    if problems:
        raise DataFileError(name, problems)


def members_of(doc: Any) -> int | None:  # noqa: ANN401  (any parsed JSON value)
    """The number of object members in ``doc``, or ``None`` when it nests deeper than allowed.

    One pass over the containers, level by level (strings and numbers are
    only looked at, not visited).
    """
    members = 0
    level: list[Any] = [doc]
    for _ in range(MAX_DEPTH):
        below: list[Any] = []
        keep = below.append
        for container in level:
            if type(container) is dict:
                members += len(container)
                for x in container.values():
                    if type(x) is dict or type(x) is list:
                        keep(x)
            elif type(container) is list:
                for x in container:
                    if type(x) is dict or type(x) is list:
                        keep(x)
        if not below:
            return members
        level = below
    return None


def _string_colons(doc: Any) -> int:  # noqa: ANN401  (any parsed JSON value)
    """The colons inside the keys and strings of ``doc``."""
    colons = 0
    stack: list[Any] = [doc]
    while stack:
        value = stack.pop()
        if type(value) is dict:
            colons += "".join(value).count(":")
            stack.extend(value.values())
        elif type(value) is list:
            stack.extend(value)
        elif type(value) is str:
            colons += value.count(":")
    return colons


@attrs.frozen
class Parsed:
    r"""A text parsed by the C parser, with what it takes to clear it of repeated keys.

    Every member of an object has one colon outside the strings of the text,
    so the members of the parsed objects and the colons inside their strings
    add up to the colons of the text exactly when no key was given twice: a
    repeated key loses its member and the colons of the value it loses. A
    ``\u`` escape can only add a colon to a string, so the colons of the
    strings are only counted on text without one; with no colon in any
    string, the members alone match the colons.

    Attributes:
        doc: The parsed value.
        colons: The colons of the text.
        escapes: Whether the text holds a ``\u`` escape.
    """

    doc: object
    colons: int
    escapes: bool

    def cleared(self, members: int | None) -> bool:
        """Whether ``members`` (the members of :attr:`doc`'s objects) shows no key given twice.

        ``None`` (a count that could not be made, such as for a value nested
        too deep) clears nothing.
        """
        if members is None:
            return False
        return members == self.colons or (
            not self.escapes and members + _string_colons(self.doc) == self.colons
        )


def parse_quick(text: str) -> Parsed | None:
    """``text`` parsed by the C parser, or ``None`` unless it may be within the bounds.

    The value is the one :func:`parse_bounded` builds, had it found nothing to
    refuse, once it is :meth:`~Parsed.cleared` of repeated keys and nests no
    deeper than :data:`MAX_DEPTH` (both for the caller to see, for example
    with :func:`members_of`); on ``None`` :func:`parse_bounded` must look itself,
    and says what it refuses. The checks made here are a few scans of the
    text in C: no hook per object (which is what makes the full parse slow).
    """
    if len(text) > MAX_DOCUMENT_SIZE or not text.strip():
        return None
    escapes = "\\u" in text
    if (escapes and _SURROGATE_ESCAPE.search(text)) or (
        not text.isascii() and _SURROGATE.search(text)
    ):
        return None
    try:
        doc = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except Exception:  # noqa: BLE001  (malformed, refused or too deep: the full parse says why)
        return None
    return Parsed(doc, text.count(":"), escapes)


def parse_bounded(text: str, name: str) -> object:
    """Parse ``text`` as JSON within the bounds of the module docstring, or raise the problems."""
    quick = parse_quick(text)
    if quick is not None and quick.cleared(members_of(quick.doc)):
        return quick.doc
    if not text.strip():
        raise DataFileError(
            name,
            [Problem(name, why="the document is empty", fix="write a salesfunnel JSON document")],
        )
    if len(text) > MAX_DOCUMENT_SIZE:
        raise one_problem(
            name,
            f"the document is longer than {MAX_DOCUMENT_SIZE} characters (64 MiB)",
            "split it into smaller documents",
        )
    if _depth(text) > MAX_DEPTH:
        raise one_problem(
            name,
            f"the document nests arrays and objects deeper than {MAX_DEPTH} levels",
            _FIX,
        )
    repeated: dict[int, list[str]] = {}

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        obj = dict(items)
        if len(obj) != len(items):
            seen: set[str] = set()
            repeated[id(obj)] = sorted({k for k, _ in items if k in seen or seen.add(k)})  # type: ignore[func-returns-value]
        return obj

    try:
        doc = json.loads(
            text,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
            object_pairs_hook=pairs,
        )
    except _Refused as err:
        raise one_problem(name, f"the document {err.why}", err.fix) from None
    except json.JSONDecodeError as err:
        raise DataFileError(
            name,
            [
                Problem(
                    name,
                    err.lineno,
                    None,
                    None,
                    f"the JSON text is malformed: {err.msg} (line {err.lineno}, column {err.colno})",
                    "check the JSON syntax",
                )
            ],
        ) from None
    if repeated or _SURROGATE_ESCAPE.search(text) or _SURROGATE.search(text):
        # only then is there anything for the walk to find: the parser's hooks
        # have refused long integers, non-finite numbers and the constants, and
        # the depth was measured on the text
        check_tree(doc, name, repeated)
    return doc
