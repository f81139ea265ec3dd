"""Atomic file writes: a file is replaced whole, or left as it was.

Every writer of the library, and every output file of the command line,
writes through :func:`atomic_write`: the text goes to a temporary file in the
target's folder, which is flushed to disk and then renamed onto the target
(:func:`os.replace`, atomic on POSIX and Windows). On any failure, an
encoding error halfway included, the previous file is intact and the
temporary file is removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from pathlib import Path
from typing import IO, TYPE_CHECKING

from salesfunnel.io.problems import UnwritableValueError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["UnencodableTextError", "atomic_write", "unencodable"]

_CONTEXT = 20
_SURROGATES = re.compile("[\ud800-\udfff]+")


class UnencodableTextError(UnwritableValueError, ValueError):
    r"""Text that the file's encoding cannot hold, such as a lone surrogate (``"\ud800"``).

    A JSON document may carry one (``"\ud800"`` is a valid JSON escape), but no
    UTF-8 file can. Raised before the target is touched: the previous file is
    unchanged. Subclasses :class:`~salesfunnel.io.UnwritableValueError` and
    :class:`ValueError`.

    Attributes:
        file: The file that was being written.
        text: The characters that cannot be written.
    """

    def __init__(self, file: str, text: str, message: str) -> None:
        super().__init__(message)
        self.file = file
        self.text = text


def unencodable(file: str, err: UnicodeEncodeError, where: str = "") -> UnencodableTextError:
    """The typed error for ``err``, naming the characters and ``where`` they are (or their context)."""
    bad = err.object[err.start : err.end]
    if not where:
        near = err.object[max(err.start - _CONTEXT, 0) : err.end + _CONTEXT]
        where = f" near {near!r}"
    kind = "a lone surrogate" if _SURROGATES.fullmatch(bad) else "text"
    return UnencodableTextError(
        file,
        bad,
        f"{file}: cannot write {bad!r}{where}: {kind}, which no {err.encoding} file can hold; "
        "remove or replace it (the file was not changed)",
    )


def _temporary(target: Path, shown: str) -> tuple[int, Path]:
    """Create a new, empty file next to ``target``; return its descriptor and path.

    Opened like :func:`open` would (the umask applies), with a random name
    that no existing file has. An error names ``shown``, the file the user
    asked for, not the temporary one.
    """
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", shown)
    path = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        return os.open(path, flags, 0o666), path
    except OSError as err:
        raise type(err)(err.errno, err.strerror, shown) from None


def atomic_write(
    path: str | os.PathLike[str],
    write_function: Callable[[IO[str]], None],
    *,
    encoding: str,
    newline: str | None = None,
) -> None:
    """Write a text file atomically: ``write_function(handle)`` writes it, then it replaces ``path``.

    The text goes to a temporary file in the same folder (so the rename stays
    on one file system), which is flushed and fsynced, given the mode of the
    file it replaces, and renamed onto ``path`` with :func:`os.replace`. On
    any failure the previous file (or its absence) is unchanged and no
    temporary file is left. A symbolic link is followed: its target is
    replaced.

    Args:
        path: The file to write.
        write_function: Writes the text to the open handle it is given.
        encoding: The text encoding, such as ``"utf-8"``.
        newline: As for :func:`open` (``""`` to write line ends untranslated,
            as the :mod:`csv` module needs).

    Raises:
        UnencodableTextError: For text the encoding cannot hold.
        OSError: When the folder cannot be written to, or ``path`` is a folder.
    """
    target = Path(os.path.realpath(path))
    fd, temporary = _temporary(target, os.fspath(path))
    try:
        with open(fd, "w", encoding=encoding, newline=newline) as handle:  # noqa: PTH123
            write_function(handle)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))  # noqa: PTH101
        os.replace(temporary, target)  # noqa: PTH105
    except UnicodeEncodeError as err:
        temporary.unlink(missing_ok=True)
        raise unencodable(os.fspath(path), err) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Flush the rename itself to disk (POSIX; a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
