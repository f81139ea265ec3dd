"""Progress on stderr for long work: a bar on a terminal, nothing anywhere else.

:class:`Progress` draws one line that it rewrites in place::

    checking deals.csv  [#############-----------]  54%  108,000/200,000  41,230/s  0:02 left

with the share done, the items done of the total (rows, or bytes), the rate
and the time left; work of unknown size shows the time spent instead. It is
shown only when the stream is a terminal and the ``CI`` environment variable
is not set (pipes, files and CI logs never see it), and only once the work
has run for ``delay`` seconds, so quick commands print nothing extra.
:func:`working` runs work that cannot report its progress in a helper thread
and shows the time spent meanwhile.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TYPE_CHECKING, TextIO, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

    from typing_extensions import Self

__all__ = ["Progress", "shows_progress", "working"]

T = TypeVar("T")

_BAR = 24


def shows_progress(stream: TextIO) -> bool:
    """Whether progress is drawn on ``stream``: a terminal, and not in CI (``CI`` unset)."""
    if os.environ.get("CI"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _duration(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """A progress bar on stderr for work that takes more than a second.

    Use as a context manager and call :meth:`update` as work advances (it
    also fits as a ``progress(done, total)`` hook, :meth:`hook`); with
    ``total=None`` the line shows the time spent instead of a bar. The line
    is cleared at the end. ``clock`` is the time source (for tests).
    """

    def __init__(
        self,
        label: str,
        total: int | None,
        *,
        stream: TextIO | None = None,
        delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = None if total is None else max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.shown = False
        self._clock = clock
        self._line = ""
        self._start = clock()
        self._tty = shows_progress(self.stream)

    def __enter__(self) -> Self:
        """Start the clock."""
        self._start = self._clock()
        return self

    def hook(self, done: int, total: int) -> None:
        """Report ``done`` of ``total`` (a total learnt as the work goes, e.g. rows of a file)."""
        self.total = max(total, 1)
        self.update(done)

    def line(self, done: int, elapsed: float) -> str:
        """The progress line after ``elapsed`` seconds with ``done`` items finished."""
        if self.total is None:
            return f"{self.label} … {_duration(elapsed)}"
        done = min(max(done, 0), self.total)
        share = done / self.total
        filled = int(share * _BAR)
        bar = "#" * filled + "-" * (_BAR - filled)
        rate = done / elapsed if elapsed > 0 else 0.0
        left = _duration((self.total - done) / rate) if rate > 0 else "?"
        return (
            f"{self.label}  [{bar}] {share:4.0%}  {done:,}/{self.total:,}  "
            f"{rate:,.0f}/s  {left} left"
        )

    def update(self, done: int = 0) -> None:
        """Report that ``done`` of ``total`` items are finished (or that work goes on)."""
        elapsed = self._clock() - self._start
        if not self._tty or elapsed < self.delay:
            return
        line = "\r" + self.line(done, elapsed) + "\033[K"
        if line != self._line:
            self.shown = True
            self._line = line
            self.stream.write(line)
            self.stream.flush()

    def __exit__(self, *_exc: object) -> None:
        """Clear the progress line if one was shown."""
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def working(
    label: str,
    work: Callable[[], T],
    *,
    stream: TextIO | None = None,
    delay: float = 1.0,
    tick: float = 0.2,
) -> T:
    """Run ``work`` and return its result, showing the time spent while it runs.

    On a terminal the work runs in a helper thread while this one updates a
    :class:`Progress` line without a total every ``tick`` seconds (after
    ``delay``); elsewhere it simply runs. An exception of ``work`` is
    raised here.
    """
    out = stream if stream is not None else sys.stderr
    if not shows_progress(out):
        return work()
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(work())
        except BaseException as err:  # noqa: BLE001  (re-raised in the calling thread)
            failure.append(err)

    thread = threading.Thread(target=target, name="salesfunnel-work", daemon=True)
    with Progress(label, None, stream=out, delay=delay) as progress:
        thread.start()
        while thread.is_alive():
            thread.join(tick)
            progress.update()
    if failure:
        raise failure[0]
    return outcome[0]
