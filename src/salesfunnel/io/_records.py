"""The ``csv`` module's records of a CSV file or stream, read a block at a time.

:class:`Records` gives the header and each ``(line, cells)`` record of a
file in any encoding, decoding it a block at a time (UTF-16 and UTF-32 are
decoded whole, as ``read_csv`` decodes them), so that neither the text nor
the records are ever held whole. A malformed text ends the records and is
kept as their one problem (``broken``). Both readers of the plain layout
use it: :func:`~salesfunnel.io.read_csv` a batch of records at a time, and
:func:`~salesfunnel.io.iter_opportunities` a chunk at a time.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
from collections.abc import Generator, Iterable, Iterator
from typing import IO, cast

from salesfunnel.io._columns import Source, decode, encoding_error, not_utf8
from salesfunnel.io._csv_limit import lifted_limit
from salesfunnel.io._table import malformed
from salesfunnel.io.problems import DataFileError, Problem
from salesfunnel.render import restore_cell

__all__ = ["BLOCK", "UTF8", "Records"]

#: Bytes (or characters) read from a file at a time.
BLOCK = 1 << 20


#: Encodings decoded whole, as ``read_csv`` decodes them (a byte-order mark decides the order).
_WHOLE = frozenset({"utf-16", "utf-32"})

#: The names of UTF-8 (with or without a byte-order mark).
UTF8 = frozenset({"utf-8", "utf8", "utf_8", "utf-8-sig", "utf_8_sig"})


def _byte_blocks(source: Source) -> Iterator[bytes | str]:
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:  # noqa: PTH123  (str or PathLike alike)
            yield from iter(lambda: handle.read(BLOCK), b"")
        return
    stream: IO[str] | IO[bytes] = source
    while block := stream.read(BLOCK):
        yield block


def _texts(name: str, source: Source, encoding: str) -> Iterator[str]:
    """The text of ``source`` block by block, refused as :func:`decode` refuses a file."""
    blocks = _byte_blocks(source)
    first = next(blocks, b"")
    while not first.strip():  # leading blank lines: read on to the first text
        more = next(blocks, None)
        # decode raises for an empty file; one source reads one kind, bytes or text
        first = decode(b"", name) if more is None else first + more  # type: ignore[operator]
    if isinstance(first, str):
        yield first.removeprefix("\ufeff")
        yield from (b for b in blocks if isinstance(b, str))  # a text stream reads text
        return
    utf8 = encoding.lower() in UTF8
    if utf8:  # a whole file's checks, on the first block less a character it may cut
        body = first
        try:
            first.decode("utf-8")
        except UnicodeDecodeError as err:
            if err.reason == "unexpected end of data":
                body = first[: err.start]
        decode(body if body.strip() else first, name, encoding)
    elif first.startswith(b"PK\x03\x04"):
        decode(first, name, encoding)  # raises: a workbook, not text
    try:
        codec = codecs.lookup(encoding).name
    except LookupError as err:
        raise _unreadable(name, encoding, err) from None
    if codec in _WHOLE:  # its incremental decoder refuses what bytes.decode reads
        yield decode(b"".join([first, *blocks]), name, encoding)  # type: ignore[list-item]
        return
    decoder = codecs.getincrementaldecoder("utf-8-sig" if utf8 else encoding)()
    lines = 0
    start = not utf8  # the utf-8-sig decoder drops the byte-order mark itself
    for block in itertools.chain((first,), blocks):
        data = cast("bytes", block)  # a binary source reads bytes
        try:
            text = decoder.decode(data)
        except UnicodeDecodeError as err:
            if utf8:
                raise not_utf8(name, data, err, lines) from None
            raise _unreadable(name, encoding, err) from None
        if start:
            text, start = text.removeprefix("\ufeff"), False
        lines += data.count(b"\n")
        yield text
    try:
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError as err:
        if utf8:
            raise not_utf8(name, err.object, err, lines) from None
        raise _unreadable(name, encoding, err) from None


def _unreadable(name: str, encoding: str, err: Exception) -> DataFileError:
    return encoding_error(
        name,
        f"the file cannot be read as {encoding}: {err}",
        encoding,
        "check the encoding the file was saved in; UTF-8 is the default",
    )


def _lines(texts: Iterable[str]) -> Iterator[str]:
    r"""Split the text into lines with their ends, as the ``csv`` module reads them.

    Each block is cut after its last ``"\n"`` (so a ``"\r\n"`` is never
    split) and its lines are those of ``io.StringIO(block, newline="")``, the
    splitting of the whole-text reader, done in C.
    """
    return itertools.chain.from_iterable(_pieces(texts))


def _pieces(texts: Iterable[str]) -> Iterator[io.StringIO]:
    rest = ""
    for block in texts:
        text = rest + block
        cut = text.rfind("\n") + 1
        if cut:
            yield io.StringIO(text[:cut], newline="")
        rest = text[cut:]
    if rest:
        yield io.StringIO(rest, newline="")


class Records:
    """The ``(line, cells)`` records of a CSV stream, the header first."""

    def __init__(self, name: str, source: Source, encoding: str) -> None:
        self.name = name
        self.reader = csv.reader(_lines(_texts(name, source, encoding)), strict=True)
        self.broken: Problem | None = None
        self.header: list[str] = []
        try:
            with lifted_limit():
                self.header = [restore_cell(c) for c in next(self.reader, [])]
        except csv.Error as err:
            self.broken = malformed(name, self.reader.line_num or 1, err)
        self.last = self.reader.line_num

    def __iter__(self) -> Generator[tuple[int, list[str]], None, None]:
        """Each record and the line it starts on; a malformed text ends it (see ``broken``)."""
        reader = self.reader
        with lifted_limit():  # held while the stream is read, put back when it ends or is closed
            while self.broken is None:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as err:
                    self.broken = malformed(self.name, reader.line_num or 1, err)
                    return
                if "'" in "".join(cells):  # one test in C for the record; rare, a cell each
                    cells = [restore_cell(c) if c[:1] == "'" else c for c in cells]
                yield self.last + 1, cells
                self.last = reader.line_num
