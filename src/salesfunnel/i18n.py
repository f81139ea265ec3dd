"""Bilingual text: every stage, criterion, category and type has English and Chinese.

The source course is Chinese and its users expect its terms as default labels;
English is the library's working language. :class:`Text` holds both and picks
one by a :data:`Lang` code.

>>> t = Text("Win customer recognition", "赢得客户认可")
>>> t("zh")
'赢得客户认可'
>>> t("fr")
Traceback (most recent call last):
...
salesfunnel.errors.UnknownLanguageError: unknown language 'fr'; use 'en' or 'zh'
"""

from __future__ import annotations

from typing import Literal, get_args

import attrs

from salesfunnel.errors import UnknownLanguageError

__all__ = ["LANGUAGES", "Lang", "Text", "check_lang", "pick"]

#: A language code for labels: ``"en"`` (English) or ``"zh"`` (Chinese).
Lang = Literal["en", "zh"]

#: The supported language codes, in order of preference.
LANGUAGES: tuple[Lang, ...] = get_args(Lang)


def check_lang(lang: object) -> Lang:
    """Return ``lang`` if it is a supported language code.

    Raises:
        UnknownLanguageError: For anything other than ``"en"`` or ``"zh"``.
    """
    if lang == "en":
        return "en"
    if lang == "zh":
        return "zh"
    raise UnknownLanguageError(lang)


@attrs.frozen
class Text:
    """A piece of text in English and Chinese.

    Attributes:
        en: The English text.
        zh: The Chinese text (defaults to the English one, for user-defined
            items that have no translation).
    """

    en: str
    zh: str = attrs.field()

    @zh.default
    def _zh_default(self) -> str:
        return self.en

    def __call__(self, lang: Lang = "en") -> str:
        """Return the text in ``lang``."""
        return self.zh if check_lang(lang) == "zh" else self.en


def pick(en: str, zh: str, lang: Lang = "en") -> str:
    """Return ``en`` or ``zh`` by ``lang``: the one way to choose between two texts.

    >>> pick("stage", "阶段", "zh")
    '阶段'

    Raises:
        UnknownLanguageError: For a language other than ``"en"`` and ``"zh"``.
    """
    return zh if check_lang(lang) == "zh" else en
