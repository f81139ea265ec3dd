"""The data problems' texts in Chinese: one catalogue of message templates.

The readers word every :class:`~salesfunnel.io.problems.Problem` in English
(``why`` and ``fix``); :func:`translate` gives the same text in another
language by matching it against the templates of :data:`TEMPLATES`. A
template is the English text with ``{name}`` for a part that varies (an id, a
stage, a number: copied as it is) and ``{name:msg}`` for a part that is itself
a message (translated in turn). Texts joined by ``"; "`` are translated part by
part.

>>> translate("is empty", "zh")
'为空'
>>> translate("is not a calendar date (day is out of range for month)", "zh")
'不是有效的日历日期（day is out of range for month）'
>>> translate("amount of product 'ERP' is not a number", "zh")
"产品 'ERP' 的金额不是数字"
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
from collections.abc import Iterable

import attrs

from salesfunnel.i18n import Lang, check_lang

__all__ = ["TEMPLATES", "Template", "translate"]

_FIELD = re.compile(r"\{(\w+)(:msg)?\}")


@attrs.frozen
class Template:
    """One message in English and Chinese.

    Attributes:
        en: The English text, with ``{name}`` for a part copied as it is and
            ``{name:msg}`` for a part that is a message of its own.
        zh: The Chinese text, with the same ``{name}`` fields (without ``:msg``).
    """

    en: str
    zh: str

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the varying parts, in English order."""
        return tuple(m.group(1) for m in _FIELD.finditer(self.en))

    @property
    def messages(self) -> frozenset[str]:
        """The fields that are messages of their own (``{name:msg}``)."""
        return frozenset(m.group(1) for m in _FIELD.finditer(self.en) if m.group(2))

    def pattern(self) -> re.Pattern[str]:
        """The regular expression that matches an English text of this template."""
        parts: list[str] = []
        at = 0
        for m in _FIELD.finditer(self.en):
            parts.append(re.escape(self.en[at : m.start()]))
            parts.append(f"(?P<{m.group(1)}>.+?)")
            at = m.end()
        parts.append(re.escape(self.en[at:]))
        return re.compile("".join(parts), re.DOTALL)


def _t(en: str, zh: str) -> Template:
    return Template(en, zh)


#: Every message the readers write, with its Chinese text. Texts without a
#: varying part are matched exactly; the others in this order, the first
#: match winning (so a more particular template comes before a general one).
TEMPLATES: tuple[Template, ...] = (
    # -- cells -------------------------------------------------------------
    _t("is empty", "为空"),
    _t("fill it in", "请填写"),
    _t("leave it empty", "请留空"),
    _t("is not a date in YYYY-MM-DD form", "不是 YYYY-MM-DD 格式的日期"),
    _t("is not a calendar date ({detail})", "不是有效的日历日期（{detail}）"),
    _t("write dates as YYYY-MM-DD, for example {example}", "日期请写成 YYYY-MM-DD，例如 {example}"),
    _t("is not a number", "不是数字"),
    _t("amount of product {product} {why:msg}", "产品 {product} 的金额{why}"),
)


_Patterns = list[tuple[re.Pattern[str], Template]]


def _compiled(templates: Iterable[Template]) -> tuple[dict[str, Template], _Patterns]:
    exact: dict[str, Template] = {}
    patterns: _Patterns = []
    for template in templates:
        if template.fields:
            patterns.append((template.pattern(), template))
        else:
            exact.setdefault(template.en, template)
    return exact, patterns


_EXACT, _PATTERNS = _compiled(TEMPLATES)


def _fill(text: str, values: dict[str, str]) -> str:
    """Put ``values`` into the ``{name}`` fields of ``text`` (other braces stay as they are)."""
    return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), text)


@functools.lru_cache(maxsize=4096)
def _zh(text: str) -> str | None:
    found = _EXACT.get(text)
    if found is not None:
        return found.zh
    for pattern, template in _PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        values: dict[str, str] = {}
        for name, value in match.groupdict().items():
            if name in template.messages:
                inner = _zh(value)
                if inner is None:
                    break
                values[name] = inner
            else:
                values[name] = value
        else:
            return _fill(template.zh, values)
    if "; " in text:
        parts = [_zh(part) for part in text.split("; ")]
        if all(p is not None for p in parts):
            return "；".join(p for p in parts if p is not None)
    return None


def translate(text: str, lang: Lang) -> str | None:
    """Return ``text`` (a problem's ``why`` or ``fix``) in ``lang``, or ``None`` if unknown.

    English text is returned as it is; an empty text stays empty.

    Raises:
        UnknownLanguageError: For a language other than ``en`` or ``zh``.
    """
    if check_lang(lang) == "en" or not text:
        return text
    return _zh(text)
