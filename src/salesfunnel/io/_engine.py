"""Splitting a CSV text into columns with a DataFrame engine (polars, pyarrow or pandas).

The engine only *splits*: every cell is read as the text it is (no type
inference, no NA values, white space kept), and the cells go through the same
checks as the pure-Python reader's (:mod:`salesfunnel.io._building`). So that
the split is the ``csv`` module's by construction, an engine reads only a
text whose syntax cannot differ between the two: no carriage return (but in
CR LF line ends) or NUL, no cell starting with the formula guard ``'``, no
blank line, every line with the header's number of cells, and quotes only
in regular quoted cells: one opens right after a comma or at a line's
start, closes right before a comma or at a line's end, holds no line break,
and every quote inside it is doubled (as the ``csv`` module writes them).
Any other text (a quote inside a bare cell, a line break inside quotes, a
ragged row, a lone carriage return, ...) is split by the ``csv`` module; the
result is the same, only slower.

Each engine is imported when a file is read, never with :mod:`salesfunnel.io`.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import io
import re
from collections.abc import Callable
from typing import Literal, TypeAlias

from salesfunnel.errors import FunnelError

__all__ = ["ENGINES", "Engine", "EngineNotInstalledError", "engine_columns", "resolve_engine"]

#: The ``engine=`` values of :func:`~salesfunnel.io.read_csv`.
Engine: TypeAlias = Literal["auto", "python", "polars", "pyarrow", "pandas"]

#: The engines ``"auto"`` tries, in order, and the extra that installs each.
ENGINES: dict[str, str] = {"polars": "polars", "pyarrow": "pandas", "pandas": "pandas"}

#: What an engine cannot read exactly as the ``csv`` module does (see the module docs).
_TRICKY = ("\x00", ",'", "\n'", "\"'")

#: A regular quoted cell (see the module docs), in the file's UTF-8 bytes (no byte of a
#: multi-byte character is a quote, a comma or a line end): a quote at the text's or a line's start or
#: after a comma (the lookbehind), doubled quotes inside, and a quote before a comma or a
#: line end. Its pieces cannot match the same text two ways (a run without quotes, or two
#: quotes), so a failed match gives up in steps linear in the cell (no possessive
#: quantifiers: Python 3.10 has none); its literal first quote is searched fast.
_QUOTED = re.compile(rb'"(?<![^,\n]")[^"\n]*(?:""[^"\n]*)*"(?=[,\n]|\Z)')

_CRLF = "\r\n"


class EngineNotInstalledError(FunnelError, ImportError):
    """The DataFrame engine named by ``engine=`` is not installed.

    Subclasses :class:`ImportError`: it is the failed import of an optional
    dependency, and callers that probe for optional features catch that.
    """

    def __init__(self, engine: str) -> None:
        extra = ENGINES[engine]
        super().__init__(
            f"the {engine} engine is not installed; install it with "
            f"pip install 'salesfunnel[{extra}]', or read with engine='auto' or 'python'",
            name=engine,
        )
        self.engine = engine


def _installed(engine: str) -> bool:
    try:
        return importlib.util.find_spec(engine) is not None
    except (ImportError, ValueError):  # a module set to None, or one without a spec
        return False


def resolve_engine(engine: str) -> str | None:
    """The engine to split with: a name of :data:`ENGINES`, or ``None`` for the ``csv`` module.

    Raises:
        EngineNotInstalledError: For a named engine that is not installed.
        OptionError: For a name that is no engine.
    """
    if engine == "python":
        return None
    if engine == "auto":
        return next((e for e in ENGINES if _installed(e)), None)
    if engine not in ENGINES:
        from salesfunnel.errors import OptionError  # noqa: PLC0415  (only on a bad call)

        raise OptionError(
            f"engine is {engine!r}; use 'auto', 'python', 'polars', 'pyarrow' or 'pandas'",
            option="engine",
            value=engine,
        )
    if not _installed(engine):
        raise EngineNotInstalledError(engine)
    return engine


#: The cells of rows ``start`` to ``end`` (0 for the first data line), by column.
Cells: TypeAlias = Callable[[int, int], list[list[str]]]


def _split(engine: str, body: bytes, width: int) -> tuple[int, int, Cells]:
    """The columns and rows of ``body`` (lines of ``width`` cells, regular quotes) but its first line, as the engine reads them, and their cells.

    The engine reads the header line too, and drops it: an engine takes a
    byte-order mark at the start of what it reads for no text, and the first
    data line may start with one. The cells stay in the engine's own columns
    until asked for, a batch of rows at a time, so a large file is never
    held as one Python string per cell.
    """
    if engine == "polars":
        import polars as pl  # noqa: PLC0415  (optional engine)

        frame = pl.read_csv(
            body,
            has_header=False,
            infer_schema=False,
            quote_char='"',
            empty_string_is_null=False,
            comment_prefix=None,
            raise_if_empty=False,
        ).slice(1)

        def polars_cells(start: int, end: int) -> list[list[str]]:
            return [s.to_list() for s in frame.slice(start, end - start).get_columns()]

        return frame.width, frame.height, polars_cells
    if engine == "pyarrow":
        import pyarrow as pa  # noqa: PLC0415  (optional engine)
        import pyarrow.csv as pa_csv  # noqa: PLC0415

        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        ).slice(1)

        def arrow_cells(start: int, end: int) -> list[list[str]]:
            return [c.to_pylist() for c in table.slice(start, end - start).columns]

        return table.num_columns, table.num_rows, arrow_cells
    import pandas as pd  # noqa: PLC0415  (optional engine)

    data = pd.read_csv(
        io.BytesIO(body),
        header=None,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        quoting=csv.QUOTE_MINIMAL,
        doublequote=True,
        skip_blank_lines=False,
        engine="c",
        encoding="utf-8",
    ).iloc[1:]

    def pandas_cells(start: int, end: int) -> list[list[str]]:
        return [data[c].iloc[start:end].tolist() for c in data.columns]

    return len(data.columns), len(data), pandas_cells


def split_columns(
    text: str, engine: str, data: bytes | None = None
) -> tuple[list[str], int, Cells] | None:
    """The header, the number of data lines and their cells by column, split by ``engine``.

    ``None`` when the text is one an engine could split differently from the
    ``csv`` module (see the module docs): the caller splits it with ``csv``.
    The data lines are lines 2, 3, ... of the file, one record each; the
    cells are given a batch of rows at a time (see :data:`Cells`). ``data``
    is the UTF-8 file ``text`` was decoded from, if any (with or without a
    byte-order mark): the checks run on its bytes, with no copy of the text.
    """
    # a byte-order mark still at the start is text to the csv module, none to an engine
    if text.startswith(("'", "\ufeff")) or any(mark in text for mark in _TRICKY):
        return None
    if data is None:
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, from a text stream: no UTF-8 an engine reads
            return None
    body = data.removeprefix(b"\xef\xbb\xbf")
    if "\r" in text:
        if text.count("\r") != text.count(_CRLF):
            return None
        # every line ends in CR LF (as the csv module writes): one line end, as LF is
        body = body.replace(b"\r\n", b"\n")
    # the file with its regular quoted cells emptied: a quote left over is irregular
    bare = _QUOTED.sub(b"", body) if b'"' in body else body
    if b'"' in bare:
        return None
    width = bare.partition(b"\n")[0].count(b",") + 1
    count = bare.count(b"\n") + (not body.endswith(b"\n"))  # the lines
    # every line, the header's too, of the header's width: one match each (no list of lines)
    if width < 2 or count < 2 or _lines_of(width - 1).count(bare) != count:  # noqa: PLR2004
        return None
    del bare
    head = text.partition("\n")[0].removesuffix("\r")
    header = next(csv.reader([head])) if '"' in head else head.split(",")
    columns, rows, cells = _split(engine, body, width)
    if columns != width or rows != count - 1:
        return None  # pragma: no cover - every line was counted above
    return header, rows, cells


class _Lines:
    """Counts the lines of a text with exactly ``commas`` commas each."""

    def __init__(self, commas: int) -> None:
        self.pattern = re.compile(rb"^(?:[^,\n]*,){%d}[^,\n]*$" % commas, re.MULTILINE)

    def count(self, text: bytes) -> int:
        return sum(1 for _ in self.pattern.finditer(text))


@functools.lru_cache(maxsize=32)
def _lines_of(commas: int) -> _Lines:
    return _Lines(commas)


def engine_columns(text: str, engine: str) -> tuple[list[str], list[list[str]]] | None:
    """The header and every data line's cells by column (see :func:`split_columns`), at once."""
    found = split_columns(text, engine)
    if found is None:
        return None
    header, rows, cells = found
    return header, cells(0, rows)
