"""Data problems: what is wrong where in a file, and the one error that lists them all.

Readers in :mod:`salesfunnel.io` never stop at the first bad value. They
collect every problem as a :class:`Problem` (file, row, column, value, why)
and then either raise one :class:`DataFileError` that lists them all (strict
mode, the default: nothing is imported) or return the good records with the
same report in a :class:`ReadResult` (lenient mode).

>>> p = Problem(
...     "deals.csv", row=3, column="amount", value="-5", why="amount is negative", fix="write 5"
... )
>>> print(p)
deals.csv row 3, column amount ('-5'): amount is negative; write 5
>>> err = DataFileError("deals.csv", [p])
>>> print(err)
deals.csv: 1 problem; nothing was imported:
  deals.csv row 3, column amount ('-5'): amount is negative; write 5
>>> isinstance(err, ValueError), err.problems[0].row
(True, 3)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, Literal, TypeVar

import attrs

from salesfunnel.errors import FunnelError
from salesfunnel.i18n import Lang, check_lang
from salesfunnel.io.problem_texts import translate

__all__ = [
    "SHOWN",
    "DataFileError",
    "FileEncodingError",
    "Problem",
    "ReadResult",
    "UnsupportedFileError",
    "UnwritableValueError",
    "some_of",
]

T = TypeVar("T")

#: How many rows or places a problem lists before it says how many more.
SHOWN = 10


def some_of(items: Iterable[object], limit: int = SHOWN) -> str:
    """List ``items`` with commas, the first ``limit`` of them and then how many more.

    So that a problem repeated on thousands of rows stays one short line.

    >>> some_of([2, 5, 9])
    '2, 5, 9'
    >>> some_of(range(2, 2000), limit=3)
    '2, 3, 4 and 1995 more'
    """
    shown = [str(x) for x in items]
    if len(shown) <= limit:
        return ", ".join(shown)
    return f"{', '.join(shown[:limit])} and {len(shown) - limit} more"


@attrs.frozen
class Problem:
    """One thing wrong with a data file, and how to fix it.

    Attributes:
        file: The file's name (``"<string>"`` for text that came from no file).
        row: The line the record starts on (the header is line 1), or ``None``
            for a problem of the whole file or of a JSON document.
        column: The column's header as written in the file, or for JSON the
            path to the value (``$.opportunities[2].amount``); ``None`` when
            the problem is not about one column.
        value: The offending value as text, or ``None``.
        why: What is wrong.
        fix: What to do about it (may be empty).
        opportunity_id: The id of the opportunity concerned, when known.
    """

    file: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    why: str = ""
    fix: str = ""
    opportunity_id: str | None = None

    def where(self) -> str:
        """Return the location part of the message (``deals.csv row 3, column amount``)."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f" row {self.row}")
        if self.column is not None and self.column.startswith("$"):
            parts.append(f" at {self.column}")
        elif self.column is not None:
            parts.append(("," if self.row is not None else "") + f" column {self.column}")
        return "".join(parts)

    def __str__(self) -> str:
        """Describe the problem on one line: where, the value, why, and the fix."""
        value = f" ({self.value!r})" if self.value is not None else ""
        fix = f"; {self.fix}" if self.fix else ""
        return f"{self.where()}{value}: {self.why}{fix}"

    def text(self, part: Literal["why", "fix"], lang: Lang = "en") -> str:
        """Return the problem's ``why`` or ``fix`` in ``lang`` (English when no text is known).

        >>> Problem("deals.csv", 3, "created", "3/1", "is empty", "fill it in").text("why", "zh")
        '为空'
        """
        english = self.why if part == "why" else self.fix
        return translate(english, lang) or english

    def describe(self, lang: Lang = "en") -> str:
        """Describe the problem on one line in ``lang`` (``str(problem)`` is the English line).

        >>> p = Problem("deals.csv", 3, "created", "", "is empty", "fill it in")
        >>> print(p.describe("zh"))
        deals.csv 第 3 行，列 created（''）：为空；请填写
        """
        if check_lang(lang) == "en":
            return str(self)
        parts = [self.file]
        if self.row is not None:
            parts.append(f" 第 {self.row} 行")
        if self.column is not None and self.column.startswith("$"):
            parts.append(f" {self.column} 处")
        elif self.column is not None:
            parts.append(("，" if self.row is not None else " ") + f"列 {self.column}")
        value = f"（{self.value!r}）" if self.value is not None else ""
        fix = f"；{self.text('fix', lang)}" if self.fix else ""
        return f"{''.join(parts)}{value}：{self.text('why', lang)}{fix}"

    def as_dict(self) -> dict[str, str | int | None]:
        """Return the problem as a JSON-ready dict (the ``validate --format json`` rows)."""
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "why": self.why,
            "fix": self.fix,
            "opportunity_id": self.opportunity_id,
        }


def _problem_tuple(value: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(value)


@attrs.frozen
class ReadResult(Generic[T]):
    """The good records of a lenient read, and every problem found.

    Iterating over a result iterates over the records; ``bool(result.problems)``
    tells whether anything was wrong.

    Attributes:
        records: The records that had no problem, in file order.
        problems: Every problem, in file order (empty when the file is clean).
    """

    records: tuple[T, ...] = attrs.field(converter=tuple)
    problems: tuple[Problem, ...] = attrs.field(converter=_problem_tuple)

    @property
    def ok(self) -> bool:
        """``True`` when no problem was found."""
        return not self.problems

    def __iter__(self) -> Iterator[T]:
        """Iterate over the good records."""
        return iter(self.records)

    def __len__(self) -> int:
        """Return the number of good records."""
        return len(self.records)

    def raise_for_problems(self, file: str) -> tuple[T, ...]:
        """Return the records if there was no problem, else raise :class:`DataFileError`.

        Args:
            file: The file name to put in the error.

        Returns:
            The records.

        Raises:
            DataFileError: Listing every problem.
        """
        if self.problems:
            raise DataFileError(file, self.problems)
        return self.records


class DataFileError(FunnelError, ValueError):
    """A data file (CSV or JSON) with problems; nothing was imported from it.

    Subclasses :class:`ValueError`: the file exists and was read, but its
    *content* is wrong. The message lists every problem, one per line; the
    same problems are in :attr:`problems` for programs.

    Attributes:
        file: The file's name.
        problems: Every problem found, in file order.
    """

    def __init__(self, file: str, problems: Iterable[Problem]) -> None:
        self.file = file
        self.problems = tuple(problems)
        super().__init__(self.describe())

    def describe(self, lang: Lang = "en") -> str:
        """Return the message in ``lang``: the count, then every problem on a line of its own.

        >>> err = DataFileError("d.csv", [Problem("d.csv", 2, "id", "", "is empty", "fill it in")])
        >>> print(err.describe("zh"))
        d.csv：1 个问题；未导入任何数据：
          d.csv 第 2 行，列 id（''）：为空；请填写
        """
        n = len(self.problems)
        lines = "\n".join(f"  {p.describe(lang)}" for p in self.problems)
        if check_lang(lang) == "zh":
            return f"{self.file}：{n} 个问题；未导入任何数据：\n{lines}"
        return f"{self.file}: {n} problem{'s' if n != 1 else ''}; nothing was imported:\n{lines}"


class FileEncodingError(DataFileError):
    """A file that is not UTF-8 text (for example GBK from a Chinese Excel, or UTF-16).

    Its single problem names the encoding found and the fix: save the file as
    UTF-8 ("CSV UTF-8" in Excel), or name its encoding explicitly
    (``encoding="gb18030"``, ``--encoding gb18030``).

    Attributes:
        encoding: The encoding the file appears to be in, or ``None`` when it
            does not look like text at all.
    """

    def __init__(self, file: str, problem: Problem, *, encoding: str | None) -> None:
        super().__init__(file, [problem])
        self.encoding = encoding


class UnwritableValueError(FunnelError, TypeError):
    """A value that no JSON document can hold: an object of an unknown kind, a key of the wrong type.

    Subclasses :class:`TypeError`: the value is of a type the documents do not
    write.
    """


class UnsupportedFileError(FunnelError, ValueError):
    """A file the readers cannot dispatch on: neither ``.csv`` nor ``.json``.

    Also raised for an events file given with a JSON document (which holds
    its histories itself).

    Subclasses :class:`ValueError`: the argument names a file the readers
    cannot dispatch on.

    Attributes:
        file: The file's name.
    """

    def __init__(self, file: str, *, why: str = "") -> None:
        super().__init__(
            f"{file}: {why}"
            if why
            else f"{file}: cannot tell the format from the name; use a .csv or .json "
            "file, or call read_csv / read_json directly"
        )
        self.file = file
