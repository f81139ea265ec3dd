"""The data problems' texts in Chinese: one catalogue of message templates.

The readers word every :class:`~salesfunnel.io.problems.Problem` in English
(``why`` and ``fix``); :func:`translate` gives the same text in another
language by matching it against the templates of :data:`TEMPLATES`. A
template is the English text with fields for the parts that vary:

- ``{name}``: copied as it is (an id, a stage, a number); it holds no ``"; "``,
  so a field never swallows a second message joined to the first;
- ``{name:q}``: a quoted value as Python writes it (``'D1'``, ``"it's"``),
  copied as it is, whatever it holds;
- ``{name:num}``: a whole number (a count, a row);
- ``{name:val}``: a value as Python writes it (``Decimal('-1')``, ``'US$'``, ``inf``);
- ``{name:code}``: a name in code (``KamStage``, ``salesfunnel.playbook``);
- ``{name:any}``: copied as it is, whatever it holds (a list that may hold
  ``"; "``, a text cut short);
- ``{name:msg}``: a message of its own, translated in turn;
- ``{name:list}``: messages joined by ``", "``, each translated in turn;
- ``{name:note}``: a detail translated when the catalogue knows it and copied
  as it is when not (the text of a Python error, such as a codec's).

Texts without a field are looked up directly. Texts joined by ``"; "`` are
translated part by part when every part has a text; the others are matched
against the templates in catalogue order, the first match winning.

>>> translate("is empty", "zh")
'为空'
>>> translate("is not a calendar date (day is out of range for month)", "zh")
'不是有效的日历日期（该月没有这一天）'
>>> translate("is not a calendar date (year 0 is out of range)", "zh")
'不是有效的日历日期（year 0 is out of range）'
>>> translate("amount of product 'ERP' is not a number", "zh")
"产品 'ERP' 的金额不是数字"
>>> translate("is empty; fill it in", "zh")
'为空；请填写'
>>> translate("is empty", "en")
'is empty'

A text no template matches has no translation (``None``); the tests hold
every text the readers write to a template.

>>> translate("a text no reader writes", "zh") is None
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import cast

import attrs

from salesfunnel.i18n import Lang, check_lang
from salesfunnel.io import (
    _problem_texts_documents,
    _problem_texts_files,
    _problem_texts_histories,
    _problem_texts_results,
)

__all__ = ["TEMPLATES", "Template", "translate"]

_FIELD = re.compile(r"\{(\w+)(?::(q|num|val|code|any|msg|list|note))?\}")

_QUOTED = r"'[^'\\]*(?:\\.[^'\\]*)*'|\"[^\"\\]*(?:\\.[^\"\\]*)*\""

#: What each kind of field matches (``msg``, ``list`` and ``note`` are then
#: translated in turn). Patterns are written so that a long value (a list of
#: two thousand rows) costs a single pass.
_KIND_PATTERNS: dict[str | None, str] = {
    None: r"(?:[^;]|;(?! ))[^;]*(?:;(?! )[^;]*)*",
    "q": _QUOTED,
    "num": r"-?[0-9]+",
    "val": _QUOTED + r"|\S+",
    "code": r"[A-Za-z_][\w.]*",
    "any": r".+",
    "msg": r".+",
    "list": r".+",
    "note": r".+",
}
#: The same for a field that text follows: the shortest value is tried first.
_LAZY_PATTERNS: dict[str | None, str] = {
    **_KIND_PATTERNS,
    None: r"(?:[^;]|;(?! ))+?",
    "any": r".+?",
    "msg": r".+?",
    "list": r".+?",
    "note": r".+?",
}
_KIND_RES = {kind: re.compile(pattern, re.DOTALL) for kind, pattern in _KIND_PATTERNS.items()}
_SEP = "; "


@attrs.frozen
class Template:
    """One message in English and Chinese.

    Attributes:
        en: The English text, with a field (``{name}``, ``{name:q}``,
            ``{name:msg}``...) for each part that varies (see the module's
            description).
        zh: The Chinese text, with the same fields (each as ``{name}``).
    """

    en: str
    zh: str

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the varying parts, in English order."""
        return tuple(m.group(1) for m in _FIELD.finditer(self.en))

    @property
    def kinds(self) -> dict[str, str | None]:
        """Each field's kind (``None`` for a plain ``{name}``), as it is first given."""
        kinds: dict[str, str | None] = {}
        for m in _FIELD.finditer(self.en):
            kinds.setdefault(m.group(1), m.group(2))
        return kinds

    @property
    def messages(self) -> frozenset[str]:
        """The fields that are translated in turn (``msg``, ``list`` and ``note``)."""
        return frozenset(
            m.group(1) for m in _FIELD.finditer(self.en) if m.group(2) in ("msg", "list", "note")
        )

    def pattern(self) -> re.Pattern[str]:
        """The regular expression that matches an English text of this template."""
        parts: list[str] = []
        seen: set[str] = set()
        at = 0
        for m in _FIELD.finditer(self.en):
            parts.append(re.escape(self.en[at : m.start()]))
            name = m.group(1)
            if name in seen:  # a field given twice is the same text twice
                parts.append(f"(?P={name})")
            else:
                kinds = _KIND_PATTERNS if m.end() == len(self.en) else _LAZY_PATTERNS
                parts.append(f"(?P<{name}>{kinds[m.group(2)]})")
                seen.add(name)
            at = m.end()
        parts.append(re.escape(self.en[at:]))
        return re.compile("".join(parts), re.DOTALL)

    def segments(self) -> tuple[str | tuple[str, str | None], ...]:
        """The English text as literal parts and ``(name, kind)`` fields, in order."""
        out: list[str | tuple[str, str | None]] = []
        at = 0
        for m in _FIELD.finditer(self.en):
            if m.start() > at:
                out.append(self.en[at : m.start()])
            out.append((m.group(1), m.group(2)))
            at = m.end()
        if at < len(self.en):
            out.append(self.en[at:])
        return tuple(out)


#: Every message the readers write, with its Chinese text (kept by area in
#: the modules ``_problem_texts_files``, ``_histories``, ``_results`` and
#: ``_documents``). Texts without a varying part are matched exactly; the
#: others in this order, the first match winning (so a more particular
#: template comes before a general one, and texts that start with a value
#: come last).
TEMPLATES: tuple[Template, ...] = tuple(
    Template(en, zh)
    for en, zh in (
        *_problem_texts_files.TEXTS,
        *_problem_texts_histories.TEXTS,
        *_problem_texts_results.TEXTS,
        *_problem_texts_documents.TEXTS,
    )
)

_Segments = tuple[str | tuple[str, str | None], ...]


@attrs.frozen
class _Compiled:
    template: Template
    pattern: re.Pattern[str]
    segments: _Segments
    nested: bool
    #: The Chinese text split at its fields: text, field name, text, ... text.
    zh_parts: tuple[str, ...]

    def fill(self, values: dict[str, str]) -> str:
        """The Chinese text with ``values`` in its fields."""
        parts = self.zh_parts
        return parts[0] + "".join(values[parts[i]] + parts[i + 1] for i in range(1, len(parts), 2))


def _split_fields(text: str) -> tuple[str, ...]:
    """``text`` as text, field name, text, ... text (the kinds left out)."""
    pieces = _FIELD.split(text)
    return tuple(p for i, p in enumerate(pieces) if i % 3 != 2)  # noqa: PLR2004


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0]


def _compiled(
    templates: Iterable[Template],
) -> tuple[dict[str, Template], dict[str, tuple[_Compiled, ...]], tuple[_Compiled, ...]]:
    """The exact texts, and the patterns by the first word of their text (with the rest)."""
    exact: dict[str, Template] = {}
    patterns: list[_Compiled] = []
    for template in templates:
        if template.fields:
            patterns.append(
                _Compiled(
                    template,
                    template.pattern(),
                    template.segments(),
                    bool(template.messages),
                    _split_fields(template.zh),
                )
            )
        else:
            exact.setdefault(template.en, template)
    # A template whose text starts with a whole word is only tried on texts that
    # start with that word; the others (starting with a field) on every text.
    keyed: dict[str, list[int]] = {}
    anywhere: list[int] = []
    for i, c in enumerate(patterns):
        first = c.segments[0]
        if isinstance(first, str) and " " in first:
            keyed.setdefault(_first_word(first), []).append(i)
        else:
            anywhere.append(i)
    by_word = {
        word: tuple(patterns[i] for i in sorted([*ids, *anywhere])) for word, ids in keyed.items()
    }
    return exact, by_word, tuple(patterns[i] for i in anywhere)


_EXACT, _BY_WORD, _ANYWHERE = _compiled(TEMPLATES)


def _value(kind: str | None, text: str) -> str | None:
    """A field's text in Chinese (translated for ``msg``, ``list`` and ``note``), or ``None``."""
    if kind == "msg":
        return _zh(text)
    if kind == "list":
        return _zh_list(text)
    if kind == "note":
        return _zh(text) or text
    return text


def _solve(
    segments: Sequence[str | tuple[str, str | None]], text: str, at: int
) -> dict[str, str] | None:
    """The fields' values of ``text[at:]`` for ``segments``, trying every way to cut it.

    Only templates with a message field are solved so (their fields are each
    given once: a test holds it); the others take the regular expression's match.
    """
    if not segments:
        return {} if at == len(text) else None
    first, rest = segments[0], segments[1:]
    if isinstance(first, str):
        return _solve(rest, text, at + len(first)) if text.startswith(first, at) else None
    name, kind = first
    if rest:
        literal = cast("str", rest[0])  # two fields never touch (a test holds it)
        ends = []
        end = text.find(literal, at + 1)
        while end != -1:
            ends.append(end)
            end = text.find(literal, end + 1)
    else:
        ends = [len(text)]
    for end in ends:
        part = text[at:end]
        if _KIND_RES[kind].fullmatch(part) is None:
            continue
        value = _value(kind, part)
        if value is None:
            continue
        found = _solve(rest, text, end)
        if found is not None:
            return {name: value, **found}
    return None


@functools.lru_cache(maxsize=16384)
def _zh(text: str) -> str | None:
    found = _EXACT.get(text)
    if found is not None:
        return found.zh
    if _SEP in text:
        parts = _zh_joined(text, _SEP, "；")
        if parts is not None:
            return parts
    for c in _BY_WORD.get(_first_word(text), _ANYWHERE):
        match = c.pattern.fullmatch(text)
        if match is None:
            continue
        values = _solve(c.segments, text, 0) if c.nested else match.groupdict()
        if values is not None:
            return c.fill(values)
    return None


def _zh_joined(text: str, sep: str, zh_sep: str) -> str | None:
    """``text`` as messages joined by ``sep``, each translated (the first as short as can be)."""
    at = text.find(sep)
    while at != -1:
        first = _zh(text[:at])
        rest = _zh_list(text[at + len(sep) :], sep, zh_sep) if first is not None else None
        if first is not None and rest is not None:
            return f"{first}{zh_sep}{rest}"
        at = text.find(sep, at + 1)
    return None


@functools.lru_cache(maxsize=16384)
def _zh_list(text: str, sep: str = ", ", zh_sep: str = "，") -> str | None:
    """``text`` as one or more messages joined by ``sep``, each translated."""
    return _zh_joined(text, sep, zh_sep) or _zh(text)


def translate(text: str, lang: Lang) -> str | None:
    """Return ``text`` (a problem's ``why`` or ``fix``) in ``lang``, or ``None`` if unknown.

    English text is returned as it is; an empty text stays empty.

    Raises:
        UnknownLanguageError: For a language other than ``en`` or ``zh``.
    """
    if check_lang(lang) == "en" or not text:
        return text
    return _zh(text)
