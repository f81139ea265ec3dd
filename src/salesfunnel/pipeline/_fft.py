"""The lattice programme by FFT convolution, when numpy is installed (private).

:func:`fft_table` computes the same table as
:func:`salesfunnel.pipeline._convolution.lattice_table` (the distribution of
a sum of independent two-point variables on every multiple of a step), in
float64 with numpy: groups of deals by shift-and-add, then a product tree of
``numpy.fft`` convolutions, trimming tails of negligible mass after each.
It returns the error it may have made, so the result keeps a guaranteed
bound: the mass trimmed, the rounding of the probabilities to float64 and of
the masses to 52 bits, and the rounding of every convolution. For inputs of
mass at most 1 convolved by real FFTs of size ``N``, the error of the ``n``
outputs is at most ``10 ε log2(N) max(‖a‖₂, ‖b‖₂)`` in the 2-norm (a
generous multiple of the classical bound of the FFT, Higham, *Accuracy and
Stability of Numerical Algorithms*, §24.1), so at most ``√n`` times that in
the 1-norm, which bounds the change of any cumulative probability. An error
already in an input is carried to the output with no growth, since the
other factor has mass at most 1.

numpy is imported when the function runs, never when the package loads.
"""

from __future__ import annotations

import importlib.util
import math
from decimal import Decimal
from typing import TYPE_CHECKING

from salesfunnel.pipeline._convolution import Table, exact_context

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    from numpy.typing import NDArray

__all__ = ["available", "fft_table"]

#: Deals convolved by shift-and-add before the product tree.
_GROUP = 64

#: Mass below which a tail is cut after each convolution (it is counted as lost).
_TRIM = 1e-18

#: The scale of the table's masses.
_ONE = 1 << 52

_EPS = 2.0**-52


def available() -> bool:
    """Return whether numpy can be imported (without importing it)."""
    return importlib.util.find_spec("numpy") is not None


def _trim(offset: int, pmf: NDArray[np.float64]) -> tuple[int, NDArray[np.float64], float]:
    """Cut the tails of mass below :data:`_TRIM`; return the offset, the masses and the mass cut."""
    import numpy as np  # noqa: PLC0415 - optional, loaded only when used

    pmf = np.clip(pmf, 0.0, None)
    cum = np.cumsum(pmf)
    total = float(cum[-1])
    lo = int(np.searchsorted(cum, _TRIM))
    hi = int(np.searchsorted(cum, total - _TRIM)) + 1
    kept = pmf[lo:hi]
    return offset + lo, kept, total - float(kept.sum())


def _convolve(a: NDArray[np.float64], b: NDArray[np.float64]) -> tuple[NDArray[np.float64], float]:
    """Convolve two mass vectors by FFT; return the result and its largest total error (L1)."""
    import numpy as np  # noqa: PLC0415

    n = len(a) + len(b) - 1
    size = 1 << (n - 1).bit_length()
    out = np.fft.irfft(np.fft.rfft(a, size) * np.fft.rfft(b, size), size)[:n]
    # Not `a @ a`: a threaded BLAS call costs more than the sum on a busy machine.
    norm = math.sqrt(max(float(np.square(a).sum()), float(np.square(b).sum())))
    return out, math.sqrt(n) * 10 * _EPS * max(math.log2(size), 1.0) * norm


def fft_table(
    units: Sequence[int], probs: Sequence[Decimal], offset: Decimal, step: Decimal
) -> tuple[Table, float]:
    """Convolve over every point ``offset + s × step`` by FFT; return the table and its error.

    The error bounds the difference between any cumulative probability of
    the table and the exact one (see the module docstring).
    """
    import numpy as np  # noqa: PLC0415

    items = sorted((u, float(p)) for u, p in zip(units, probs, strict=True) if u and 0 < p < 1)
    base = sum(u for u, p in zip(units, probs, strict=True) if p == 1)
    # Rounding a probability to float64 moves it by at most 2**-53: that much
    # total variation a deal.
    error = len(items) * 2.0**-53
    pieces: list[tuple[int, NDArray[np.float64]]] = []
    for i in range(0, len(items), _GROUP):
        group = items[i : i + _GROUP]
        pmf = np.zeros(sum(u for u, _p in group) + 1)
        pmf[0], top = 1.0, 0
        for u, p in group:
            new = pmf * (1 - p)
            new[u : top + u + 1] += p * pmf[: top + 1]
            pmf, top = new, top + u
            # Each update rounds every mass once: at most ε of the mass each.
            error += 2 * _EPS
        start, kept, cut = _trim(0, pmf)
        pieces.append((start, kept))
        error += cut
    if not pieces:
        pieces.append((0, np.ones(1)))
    while len(pieces) > 1:
        merged = []
        for j in range(0, len(pieces) - 1, 2):
            (oa, a), (ob, b) = pieces[j], pieces[j + 1]
            out, rounding = _convolve(a, b)
            start, kept, cut = _trim(oa + ob, out)
            merged.append((start, kept))
            error += rounding + cut
        if len(pieces) % 2:
            merged.append(pieces[-1])
        pieces = merged
    start, pmf = pieces[0]
    weights: list[int] = np.floor(pmf * _ONE).astype(np.int64).tolist()
    first = next(i for i, w in enumerate(weights) if w)
    last = len(weights) - next(i for i, w in enumerate(reversed(weights)) if w)
    error += len(weights) / _ONE + abs(1 - sum(weights) / _ONE)
    with exact_context():
        point = offset + (base + start + first) * step
    return Table(weights[first:last], _ONE, offset=point, step=step), error * (1 + 1e-9) + 1e-15
