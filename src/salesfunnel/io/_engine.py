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

A file is checked whole, then split, a block of lines (:data:`BLOCK` bytes)
at a time, and a file on disk is read from disk for each pass: a read holds
what it keeps and about one block's cells, never the file's text whole.

Each engine is imported when a file is read, never with :mod:`salesfunnel.io`.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import io
import os
import re
from collections.abc import Callable, Iterator
from typing import Literal, TypeAlias

from salesfunnel.errors import FunnelError
from salesfunnel.io._csv_limit import lifted_limit

__all__ = [
    "ENGINES",
    "Engine",
    "EngineNotInstalledError",
    "byte_blocks",
    "engine_columns",
    "file_blocks",
    "resolve_engine",
    "split_columns",
]

#: The ``engine=`` values of :func:`~salesfunnel.io.read_csv`.
Engine: TypeAlias = Literal["auto", "python", "polars", "pyarrow", "pandas"]

#: The engines ``engine=`` can name, and the extra that installs each.
ENGINES: dict[str, str] = {"polars": "polars", "pyarrow": "pandas", "pandas": "pandas"}

#: What an engine cannot read exactly as the ``csv`` module does (see the module docs).
_TRICKY = (b"\x00", b",'", b"\n'", b"\"'")

#: A regular quoted cell (see the module docs), in the file's UTF-8 bytes (no byte of a
#: multi-byte character is a quote, a comma or a line end): a quote at the text's or a line's start or
#: after a comma (the lookbehind), doubled quotes inside, and a quote before a comma or a
#: line end. Its pieces cannot match the same text two ways (a run without quotes, or two
#: quotes), so a failed match gives up in steps linear in the cell (no possessive
#: quantifiers: Python 3.10 has none); its literal first quote is searched fast.
_QUOTED = re.compile(rb'"(?<![^,\n]")[^"\n]*(?:""[^"\n]*)*"(?=[,\n]|\Z)')


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

    ``"auto"`` takes the ``csv`` module: an engine hands every cell to Python
    as a ``str`` all the same, so its split is no faster than the ``csv``
    module's C reader, and the check that its split is the ``csv`` module's
    costs more on top (``benchmarks/bench_io.py`` times both paths).

    Raises:
        EngineNotInstalledError: For a named engine that is not installed.
        OptionError: For a name that is no engine.
    """
    if engine in ("python", "auto"):
        return None
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


#: The file's bytes in blocks of whole lines (the last may lack its line end), the same
#: blocks on every call: the file is checked a block at a time, then split a block at a time.
Blocks: TypeAlias = Callable[[], Iterator[bytes]]

#: The cells of each block's data lines, by column, a block at a time.
Cells: TypeAlias = Iterator[list[list[str]]]

#: Bytes an engine splits at a time (a block ends at a line's end): the peak of a read is
#: what it keeps and about one block, however large the file.
BLOCK = 1 << 20

_BOM = b"\xef\xbb\xbf"


def byte_blocks(data: bytes) -> Blocks:
    """The blocks (see :data:`Blocks`) of a file's bytes held in memory."""

    def blocks() -> Iterator[bytes]:
        start, size = 0, BLOCK
        while start < len(data):
            end = data.find(b"\n", start + size) + 1 or len(data)
            yield data[start:end]
            start = end

    return blocks


def file_blocks(path: str | os.PathLike[str]) -> Blocks:
    """The blocks (see :data:`Blocks`) of a file read from disk, a block at a time."""

    def blocks() -> Iterator[bytes]:
        with open(path, "rb") as handle:  # noqa: PTH123  (str or PathLike alike)
            while chunk := handle.read(BLOCK):
                yield chunk + handle.readline()

    return blocks


class _Irregular(Exception):  # noqa: N818  (a signal, never raised out of this module)
    """A text an engine could split differently from the csv module."""


def _body(blocks: Blocks) -> Iterator[bytes]:
    """The blocks without the byte-order mark and with LF line ends, as the engine reads them."""
    first = True
    for block in blocks():
        chunk = block.removeprefix(_BOM) if first else block
        first = False
        if b"\r" in chunk:
            if chunk.count(b"\r") != chunk.count(b"\r\n"):
                raise _Irregular
            # every line ends in CR LF (as the csv module writes): one line end, as LF is
            chunk = chunk.replace(b"\r\n", b"\n")
        yield chunk


def _scan(blocks: Blocks) -> tuple[bytes, int]:
    """The header line and the width of a text an engine splits as ``csv`` does.

    Raises ``_Irregular`` for any other text (see the module docs). A block
    starts at a line's start and ends at a line's end, so every check of a
    block is the check of its lines.
    """
    head: bytes | None = None
    width = count = matched = 0
    last = b"\n"
    for chunk in _body(blocks):
        # a byte-order mark still at the start is text to the csv module, none to an engine;
        # a workbook is for the csv module's reader to report
        if chunk.startswith(b"'") or (head is None and chunk.startswith((_BOM, b"PK\x03\x04"))):
            raise _Irregular
        if any(mark in chunk for mark in _TRICKY) or not _is_utf8(chunk):
            raise _Irregular
        # the block with its regular quoted cells emptied: a quote left over is irregular
        bare = _QUOTED.sub(b"", chunk) if b'"' in chunk else chunk
        if b'"' in bare:
            raise _Irregular
        if head is None:
            head = chunk.partition(b"\n")[0]
            width = bare.partition(b"\n")[0].count(b",") + 1
            if width < 2:  # noqa: PLR2004
                raise _Irregular
        count += bare.count(b"\n")
        # every line, the header's too, of the header's width: one match each (no list of lines)
        matched += _lines_of(width - 1).count(bare)
        last = chunk or last
    count += not last.endswith(b"\n")
    if head is None or count < 2 or matched != count:  # noqa: PLR2004
        raise _Irregular
    return head, width


def _is_utf8(chunk: bytes) -> bool:
    if chunk.isascii():
        return True
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:  # the csv module's reader reports it, in its own words
        return False
    return True


def _split(engine: str, body: bytes, width: int) -> list[list[str]]:
    """The cells of the lines of ``body`` (lines of ``width`` cells, regular quotes) but its first, by column.

    The engine reads the first line too, and drops it: an engine takes a
    byte-order mark at the start of what it reads for no text, and the first
    data line may start with one.
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
        return [s.to_list() for s in frame.get_columns()]
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
        return [c.to_pylist() for c in table.columns]
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
    return [data[c].tolist() for c in data.columns]


def _cells(name: str, blocks: Blocks, engine: str, head: bytes, width: int) -> Cells:
    """Each block's cells split by ``engine``, the header line read before the lines of every block."""
    for number, chunk in enumerate(_body(blocks)):
        lines = chunk.count(b"\n") + (not chunk.endswith(b"\n"))
        columns = _split(engine, chunk if number == 0 else head + b"\n" + chunk, width)
        rows = len(columns[0]) if columns else 0
        if len(columns) != width or rows != lines - (number == 0):
            raise _changed(name)  # pragma: no cover - every line was counted by _scan
        if rows:
            yield columns


def _changed(name: str) -> Exception:  # pragma: no cover - a file written while it is read
    from salesfunnel.io.problems import DataFileError, Problem  # noqa: PLC0415

    return DataFileError(
        name,
        [Problem(name, why="the file changed while it was read", fix="read it once it is written")],
    )


def split_columns(name: str, blocks: Blocks, engine: str) -> tuple[list[str], Cells] | None:
    """The header and the data lines' cells by column, split by ``engine``.

    ``None`` when the text is one an engine could split differently from the
    ``csv`` module (see the module docs): the caller splits it with ``csv``.
    ``blocks`` gives the UTF-8 file (with or without a byte-order mark)
    twice: the whole file is checked first, a block at a time, and only then
    split, a block at a time. The data lines are lines 2, 3, ... of the
    file, one record each; their cells come a block at a time (see
    :data:`Cells`), so a large file is never held as one Python string per
    cell, nor whole in the engine.
    """
    try:
        head_line, width = _scan(blocks)
    except _Irregular:
        return None
    head = head_line.decode("utf-8")
    if '"' in head:
        with lifted_limit():
            header = next(csv.reader([head]))
    else:
        header = head.split(",")
    return header, _cells(name, blocks, engine, head_line, width)


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
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, from a text stream: no UTF-8 an engine reads
        return None
    found = split_columns("text", byte_blocks(data), engine)
    if found is None:
        return None
    header, cells = found
    columns: list[list[str]] = [[] for _ in header]
    for block in cells:
        for column, part in zip(columns, block, strict=True):
            column.extend(part)
    return header, columns
